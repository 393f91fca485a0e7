"""The Organisers page: upload a program, see every problem at its cell, preview it as visitors will, publish it.

It speaks the language navigation chose for the run (a link's `lang`, else the browser's): every string through the
organisers' catalogue, the problems and the upload's name as `problems.said` keeps them, so they follow a change of
language after the upload too."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from kizuna.calendars.atom import changes_feed_url
from kizuna.calendars.feeds import feed_url, feeds
from kizuna.checks.loading import ProgramInvalid, problem_row
from kizuna.checks.sources import MAX_FILE_BYTES, MAX_ROWS
from kizuna.i18n import N_, language, organisers
from kizuna.program.changes import ADDED, CANCELLED, EDITED, MOVED, REMOVED, RESTORED, details
from kizuna.program.model import Program
from kizuna.program.problems import shown
from kizuna.program.text import plain
from kizuna.publishing import auth
from kizuna.publishing.comparing import Comparison, after_publish, before_publish
from kizuna.publishing.programs import feeds_folder
from kizuna.publishing.published import shelf, store_url
from kizuna.publishing.store import (
    MAX_NOTE_CHARS,
    NoteTooLong,
    PublishConflict,
    Store,
    Version,
    database_url,
    live_version,
    state_label,
    version_state,
)
from kizuna.publishing.uploads import ACCEPTED_TYPES, TABLES, Checked, Upload, check_upload, report, report_name
from kizuna.views.share import View, share_url
from kizuna_app.navigation import visitors_page
from kizuna_app.page import Board, app_url, secret, show_program

PREVIEW = Board(prefix="preview-", address_bar=False)  # the preview's filters, card and agenda page: not the visitors'
UNLOCKED = "organiser"  # session state: the fingerprint of the key this session gave
FAILURES = "key-failures"  # session state: failed key attempts of this browser session
KEY_FIELD = "organiser-key"  # the password field, emptied as soon as it was read
ANSWER = "key-answer"  # session state: what the last attempt found, shown once
MAX_KEY_CHARS = 512
KEY_HELP = N_("Set by whoever hosts the dashboard. It is typed once per browser session.")
UPLOAD_KEY = "upload"  # the upload widget's key, numbered after the first pick: a new key draws it empty
PICKS = "upload-picks"  # session state: how many picks of files this session has checked
CHECKED = "checked"  # session state: what checking the last pick found
COMPARED = "compared"  # session state: the upload compared with the published version, and what that was made of
SHOWN_WHOLE = 20  # problems the table shows at their full height; past that it scrolls under its header
PROBLEMS_HEIGHT = 640  # pixels of a table of more problems than SHOWN_WHOLE
ENABLE_PUBLISHING = N_(
    "Publishing is off on this server: you can check and preview a program, not publish it. Whoever hosts the "
    "dashboard turns it on with an organiser key: the environment variable `KIZUNA_ORGANISER_KEY`, or "
    '`organiser_key = "…"` in `.streamlit/secrets.toml`, then restarts it.'
)
# Translators: the kind of a session's change, at the head of its row in the table of what a publish changes.
CHANGE_KINDS = {
    ADDED: N_("Added"),
    REMOVED: N_("Removed"),
    CANCELLED: N_("Cancelled"),
    RESTORED: N_("Restored"),
    MOVED: N_("Moved"),
    EDITED: N_("Edited"),
}
# Translators: the headings of the table of problems: where in the file, the cell or row, its column, what is wrong.
PROBLEM_HEADINGS = {
    "file or sheet": N_("file or sheet"),
    "cell or row": N_("cell or row"),
    "column": N_("column"),
    "problem": N_("problem"),
}

log = logging.getLogger(__name__)
_ = organisers.gettext


@dataclass(frozen=True)
class Access:
    key: str | None  # the organiser key the host configured
    login: bool  # the host's OIDC login may stand in for the key (KIZUNA_ORGANISERS)
    organiser: bool  # this browser session may publish and withdraw

    @property
    def enabled(self) -> bool:
        return self.key is not None or self.login


def access() -> Access:
    key = auth.organiser_key(secret(auth.KEY_SECRET))
    login = secret("auth") is not None and bool(auth.organiser_emails())
    unlocked = key is not None and st.session_state.get(UNLOCKED) == auth.fingerprint(key)
    return Access(key, login, unlocked or (login and auth.logged_in_organiser(st.user.to_dict())))


@st.cache_resource(show_spinner=False, max_entries=4)
def open_store(url: str) -> Store:
    """One store (one pool of connections) per database and process."""
    return Store(url)


def uploaded() -> Checked | None:
    """The last pick of files, checked once. A pick replaces the one before: Streamlit cannot take a file out of the
    widget, so after each pick it is drawn afresh under a new key, empty for the next (the result stays below)."""
    state = st.session_state
    picks = state.get(PICKS, 0)
    files = st.file_uploader(
        _("Program: a workbook, a .zip or the CSV files"),
        type=ACCEPTED_TYPES,
        accept_multiple_files=True,
        key=f"{UPLOAD_KEY}-{picks}" if picks else UPLOAD_KEY,
        help=upload_help(),
        max_upload_size=MAX_FILE_BYTES // 2**20,
    )
    if files:
        forget_preview()
        state[CHECKED] = check_upload([Upload(f.name, f.getvalue()) for f in files])
        state[PICKS] = picks + 1
        st.rerun()
    return state.get(CHECKED)


def upload_help() -> str:
    return _(
        "One workbook (.xlsx), one .zip of a program folder, or the CSV files themselves ({tables}), chosen together. "
        "Each upload replaces the one before. At most {size} MiB a file and {rows} rows a table."
    ).format(tables=", ".join(TABLES), size=MAX_FILE_BYTES // 2**20, rows=f"{MAX_ROWS:,}")


def forget_preview() -> None:
    """A new upload starts a new preview: the last one's filters, card and publishing result mean nothing there."""
    for key in [key for key in st.session_state if key.startswith(PREVIEW.prefix)]:
        del st.session_state[key]
    st.session_state.pop("published", None)


def show_check(checked: Checked) -> None:
    """The verdict; when not valid, every problem in a table that wraps, so none is cut, each cell escaped because a
    problem quotes the organiser's own cells."""
    upload = shown(checked.name)
    for notice in checked.notices:
        st.info(plain(shown(notice)), icon=":material/info:")
    if checked.valid:
        program = checked.program
        count = len(program.sessions)
        valid = organisers.ngettext(
            "{name} is valid: {title}, {count} session.", "{name} is valid: {title}, {count} sessions.", count
        )
        st.success(plain(valid.format(name=upload, title=program.title, count=count)))
        return
    problems = checked.problems
    count = len(problems)
    invalid = organisers.ngettext(
        "{name} is not valid ({count} problem): fix the file and upload it again. Nothing was published.",
        "{name} is not valid ({count} problems): fix the file and upload it again. Nothing was published.",
        count,
    )
    st.error(plain(invalid.format(name=upload, count=count)))
    rows = [
        {_(PROBLEM_HEADINGS.get(name, name)): plain(text) for name, text in problem_row(problem).items()}
        for problem in problems
    ]
    height = "content" if len(rows) <= SHOWN_WHOLE else PROBLEMS_HEIGHT
    st.table(rows, border="horizontal", height=height)  # wraps: every problem is read whole, on a phone too
    st.download_button(
        _("Download the report (.txt)"),
        data=report(problems),
        file_name=report_name(checked),
        mime="text/plain",
        icon=":material/download:",
        on_click="ignore",
    )


def preview(checked: Checked) -> None:
    st.header(_("Preview"))
    st.caption(
        _("Exactly what visitors will see once it is published: try the filters, the map, a card and the downloads.")
    )
    st.sidebar.caption(_("The preview's filters, as visitors will have them:"))
    with st.container(border=True):
        show_program(checked.program, f"upload-{checked.upload_hash}", PREVIEW)


def compared(checked: Checked) -> Comparison | None:
    """The upload against the live version of its program id (after publishing it: the version it published against
    the one that replaced), once per upload, store revision and language (it words the changes); None when the
    database cannot be read."""
    url = store_url()  # None: no database yet, so nothing is published
    published = st.session_state.get("published")
    try:
        store = open_store(url) if url is not None else None
        key = (checked.upload_hash, store.revision() if store is not None else "", published, language())
        kept = st.session_state.get(COMPARED)
        if kept is not None and kept[0] == key:
            return kept[1]
        if store is not None and published is not None and published[1]:  # this upload was stored: that version
            comparison = after_publish(store, store.version(checked.program.id, published[0]))
        else:
            comparison = before_publish(store, checked.program)
    except Exception:
        log.exception("%s could not be compared with its published version", checked.program.id)
        return None
    st.session_state[COMPARED] = (key, comparison)
    return comparison


def show_changes(checked: Checked) -> None:
    """What publishing the upload changes for visitors, before the Publish button: 'This publish moves 2 sessions,
    …', then each change old → new in a table that wraps; every cell escaped (titles and values are the
    organiser's)."""
    st.header(_("What this publish changes"))
    comparison = compared(checked)
    if comparison is None:
        st.warning(_("The published version cannot be read from the database (the server's log says why)."))
        return
    base = comparison.base
    if base is None:
        st.markdown(plain(comparison.headline()))
        return
    done = comparison.target is not None
    st.markdown(plain(comparison.headline()))
    if done:
        against = _("Version {number} compared with version {base}, the one it replaced.")
    else:
        against = _("Compared with version {base}, live (published {when}).")
    number = comparison.target.number if done else None
    st.caption(plain(against.format(number=number, base=base.number, when=f"{base.published_at:%Y-%m-%d %H:%M} UTC")))
    notice = comparison.removal_notice()
    if notice:
        st.warning(plain(notice), icon=":material/event_busy:")
    if comparison.changes:
        # Translators: the headings of the table of changes; "old → new" heads each field's value before and after.
        change, session, values = _("change"), _("session"), _("old → new")
        rows = [
            {change: _(CHANGE_KINDS[each.kind]), session: each.title, values: details(each)}
            for each in comparison.changes
        ]
        height = "content" if len(rows) <= SHOWN_WHOLE else PROBLEMS_HEIGHT
        st.table(escaped(rows), border="horizontal", height=height)


def escaped(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Table cells as Streamlit's Markdown shows the same characters (st.table reads Markdown in its cells)."""
    return [{name: plain(text) for name, text in row.items()} for row in rows]


def unlock(allowed: Access) -> None:
    """The key, once per browser session: checked in the button's callback, which empties the field at once."""
    if allowed.key is None:
        return
    with st.form("unlock"):
        st.text_input(_("Organiser key"), type="password", key=KEY_FIELD, max_chars=MAX_KEY_CHARS, help=_(KEY_HELP))
        st.form_submit_button(_("Unlock publishing"), on_click=check_key, args=(allowed.key,), icon=":material/key:")
    answer = st.session_state.pop(ANSWER, None)
    if answer == "empty":
        st.warning(_("Enter the organiser key."))
    elif answer == "refused":
        st.error(_("Refused: that is not the organiser key. Each wrong key makes the next attempt wait longer."))


def check_key(key: str) -> None:
    """Wait as the failures so far ask, compare, and forget what was typed (it is never shown, logged or linked)."""
    state = st.session_state
    given, state[KEY_FIELD] = state.get(KEY_FIELD, "").strip(), ""
    if not given:
        state[ANSWER] = "empty"
        return
    failures = state.get(FAILURES, 0)
    if auth.GUARD.attempt(given, key, failures):
        state.update({FAILURES: 0, UNLOCKED: auth.fingerprint(key)})
        return
    state.update({FAILURES: failures + 1, ANSWER: "refused"})


def login(allowed: Access) -> None:
    """Where the host configured Streamlit's OIDC login, an organiser's account stands in for the key."""
    if not allowed.login:
        return
    user = st.user.to_dict()
    if user.get("is_logged_in") is not True:
        st.button(_("Log in as an organiser"), on_click=st.login, icon=":material/login:")
        return
    email = user.get("email")
    if email:
        refused = _("{email} is not one of the organisers (KIZUNA_ORGANISERS).").format(email=email)
    else:
        refused = _("This account is not one of the organisers (KIZUNA_ORGANISERS).")
    st.warning(plain(refused))
    st.button(_("Log out"), on_click=st.logout, icon=":material/logout:")


def lock() -> None:
    st.session_state.pop(UNLOCKED, None)


def publish_form(checked: Checked | None, allowed: Access) -> None:
    st.header(_("Publish"))
    if not allowed.enabled:
        st.info(_(ENABLE_PUBLISHING), icon=":material/lock:")
        return
    if not allowed.organiser:
        st.caption(_("Publishing and withdrawing need the organiser key."))
        unlock(allowed)
        login(allowed)
        return
    if allowed.key is not None and st.session_state.get(UNLOCKED):
        st.button(_("Lock publishing"), on_click=lock, icon=":material/lock:")
    if checked is None or not checked.valid:
        st.caption(_("Upload a valid program to publish it."))
        return
    with st.form("publish", clear_on_submit=True):
        note = st.text_input(
            _("Note (optional)"), max_chars=MAX_NOTE_CHARS, help=_("Kept with the version: what changed.")
        )
        submitted = st.form_submit_button(
            _("Publish {program}").format(program=checked.program.id), type="primary", icon=":material/publish:"
        )
    if submitted:
        publish(checked, note)
    if "published" in st.session_state:
        show_result(checked.program, *st.session_state["published"])


def publish(checked: Checked, note: str) -> None:
    """Store what checking the upload found as a new version, in one transaction; the file is not read again."""
    try:
        result = open_store(database_url()).publish(checked.reading, note.strip(), checked.name)
    except ProgramInvalid as error:  # the store's own limits: sessions, the id's length, the stored size
        for problem in error.problems[:5]:
            st.error(plain(_("Not published: {problem}").format(problem=problem)))
    except PublishConflict as conflict:  # its message says which version came first, and when
        st.error(plain(_("Not published: {reason}.").format(reason=conflict)))
    except NoteTooLong as error:
        st.error(plain(_("Not published: {reason}.").format(reason=error)))
    except Exception:  # the database: its error may name the host; the log has it, the page does not
        log.exception("publishing %s failed", checked.program.id)
        st.error(_("Not published: the database could not store it (the server's log says why). Nothing changed."))
    else:
        st.session_state["published"] = (result.version.number, result.created)
        serve_now()


def serve_now() -> None:
    """This replica shows what was published or withdrawn at once; the others within published.POLL_SECONDS."""
    served = shelf()
    if served is not None:
        served.refresh()


def show_result(program: Program, number: int, created: bool) -> None:
    """The program's share link, its feed and the version visitors now see."""
    if created:
        published = _("Published: {title}, version {number}.").format(title=program.title, number=number)
        st.success(plain(published), icon=":material/check_circle:")
    else:
        unchanged = _("Unchanged: version {number} already holds exactly this program; no new version.")
        st.info(plain(unchanged.format(number=number)))
    root = app_url()
    st.markdown(_("**Share link**"))
    st.code(share_url(root, View(program=program.id)), language=None, wrap_lines=True)
    st.markdown(_("**Calendar feed** (the whole program; the Subscribe button offers one per theme and city)"))
    st.code(feed_url(root, feeds(program)[0], feeds_folder(program.id)), language=None, wrap_lines=True)
    st.markdown(_("**Changes feed** (Atom: each version with what it changed)"))
    st.code(changes_feed_url(root, program.id), language=None, wrap_lines=True)


def published_list(allowed: Access) -> None:
    """Every published program with its versions; organisers may withdraw a version."""
    url = store_url()  # None: no database configured and none made yet (checking and previewing need none)
    if url is None:
        if allowed.enabled:
            st.header(_("Published programs"))
            st.caption(_("Nothing is published yet."))
        return
    st.header(_("Published programs"))
    try:
        store = open_store(url)
        published = store.programs()  # the live version of each
        versions = {live.program_id: store.versions(live.program_id) for live in published}
    except Exception:
        log.exception("the published programs could not be read")
        st.warning(_("The published programs cannot be read from the database (the server's log says why)."))
        return
    if not published:
        st.caption(_("Nothing is published yet."))
    for live in published:
        label = _("{title} · {program} · version {number} live").format(
            title=live.title, program=live.program_id, number=live.number
        )
        with st.expander(plain(label), expanded=len(published) == 1):
            st.dataframe(version_rows(versions[live.program_id]), hide_index=True)
            st.code(share_url(app_url(), View(program=live.program_id)), language=None)
            if allowed.organiser:
                withdraw_buttons(versions[live.program_id])


def version_rows(versions: Sequence[Version]) -> list[dict[str, object]]:
    live = live_version(versions)
    # Translators: the headings of the table of a program's versions.
    number, published, sessions, note, state = _("version"), _("published (UTC)"), _("sessions"), _("note"), _("state")
    return [
        {
            number: version.number,
            published: f"{version.published_at:%Y-%m-%d %H:%M}",
            sessions: version.sessions,
            note: version.note,
            state: state_label(version_state(version, live)),
        }
        for version in versions
    ]


def withdraw_buttons(versions: Sequence[Version]) -> None:
    row = st.container(horizontal=True)
    for version in versions:
        if version.withdrawn:
            continue
        label = _("Withdraw version {number}").format(number=version.number)
        with row.popover(label, icon=":material/remove_circle:"):
            st.caption(
                _("Its links then open the latest version left, with a notice; with none left, the program goes.")
            )
            key = f"withdraw-{version.program_id}-{version.number}"
            if st.button(label, key=key, type="primary"):
                withdraw(version.program_id, version.number)


def withdraw(program_id: str, number: int) -> None:
    if not access().organiser:  # the button is an organiser's, but ask again before acting
        return
    try:
        open_store(database_url()).withdraw(program_id, number)
    except Exception:
        log.exception("withdrawing %s version %s failed", program_id, number)
        st.error(_("Not withdrawn: the database could not store it (the server's log says why)."))
        return
    st.session_state["withdrawn"] = (program_id, number)
    serve_now()
    st.rerun()


def main() -> None:
    st.set_page_config(page_title=_("Kizuna · organisers"), page_icon="🤝", layout="wide")
    st.sidebar.page_link(visitors_page(), label=_("The seminar program"), icon=":material/arrow_back:")
    st.title(_("Organisers"))
    st.markdown(_("Check a program, see it exactly as visitors will, then publish it."))
    allowed = access()
    checked = uploaded()
    if checked is not None:
        show_check(checked)
    if checked is not None and checked.valid:
        preview(checked)
        show_changes(checked)
    publish_form(checked, allowed)
    if "withdrawn" in st.session_state:
        program_id, number = st.session_state.pop("withdrawn")
        st.success(plain(_("Withdrawn: {program}, version {number}.").format(program=program_id, number=number)))
    published_list(allowed)
