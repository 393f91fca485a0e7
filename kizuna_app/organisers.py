"""The Organisers page: upload a program, see every problem at its cell, preview it as visitors will, publish it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from kizuna.calendars.atom import changes_feed_url
from kizuna.calendars.feeds import feed_url, feeds
from kizuna.checks.loading import ProgramInvalid, problem_row
from kizuna.checks.sources import MAX_FILE_BYTES, MAX_ROWS
from kizuna.program.changes import details
from kizuna.program.model import Program
from kizuna.program.text import counted, plain
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
KEY_HELP = "Set by whoever hosts the dashboard. It is typed once per browser session."
UPLOAD_HELP = (
    f"One workbook (.xlsx), one .zip of a program folder, or the CSV files themselves ({', '.join(TABLES)}), "
    f"chosen together. Each upload replaces the one before. At most {MAX_FILE_BYTES // 2**20} MiB a file and "
    f"{MAX_ROWS:,} rows a table."
)
UPLOAD_KEY = "upload"  # the upload widget's key, numbered after the first pick: a new key draws it empty
PICKS = "upload-picks"  # session state: how many picks of files this session has checked
CHECKED = "checked"  # session state: what checking the last pick found
COMPARED = "compared"  # session state: the upload compared with the published version, and what that was made of
SHOWN_WHOLE = 20  # problems the table shows at their full height; past that it scrolls under its header
PROBLEMS_HEIGHT = 640  # pixels of a table of more problems than SHOWN_WHOLE
ENABLE_PUBLISHING = (
    "Publishing is off on this server: you can check and preview a program, not publish it. Whoever hosts the "
    "dashboard turns it on with an organiser key: the environment variable `KIZUNA_ORGANISER_KEY`, or "
    '`organiser_key = "…"` in `.streamlit/secrets.toml`, then restarts it.'
)

log = logging.getLogger(__name__)


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
        "Program: a workbook, a .zip or the CSV files",
        type=ACCEPTED_TYPES,
        accept_multiple_files=True,
        key=f"{UPLOAD_KEY}-{picks}" if picks else UPLOAD_KEY,
        help=UPLOAD_HELP,
        max_upload_size=MAX_FILE_BYTES // 2**20,
    )
    if files:
        forget_preview()
        state[CHECKED] = check_upload([Upload(f.name, f.getvalue()) for f in files])
        state[PICKS] = picks + 1
        st.rerun()
    return state.get(CHECKED)


def forget_preview() -> None:
    """A new upload starts a new preview: the last one's filters, card and publishing result mean nothing there."""
    for key in [key for key in st.session_state if key.startswith(PREVIEW.prefix)]:
        del st.session_state[key]
    st.session_state.pop("published", None)


def show_check(checked: Checked) -> None:
    """The verdict; when not valid, every problem in a table that wraps, so none is cut, each cell escaped because a
    problem quotes the organiser's own cells."""
    for notice in checked.notices:
        st.info(plain(notice), icon=":material/info:")
    if checked.valid:
        program = checked.program
        st.success(plain(f"{checked.name} is valid: {program.title}, {counted(len(program.sessions), 'session')}."))
        return
    problems = checked.problems
    found = counted(len(problems), "problem")
    st.error(plain(f"{checked.name} is not valid ({found}): fix the file and upload it again. Nothing was published."))
    rows = [{name: plain(text) for name, text in problem_row(problem).items()} for problem in problems]
    height = "content" if len(rows) <= SHOWN_WHOLE else PROBLEMS_HEIGHT
    st.table(rows, border="horizontal", height=height)  # wraps: every problem is read whole, on a phone too
    st.download_button(
        "Download the report (.txt)",
        data=report(problems),
        file_name=report_name(checked),
        mime="text/plain",
        icon=":material/download:",
        on_click="ignore",
    )


def preview(checked: Checked) -> None:
    st.header("Preview")
    st.caption(
        "Exactly what visitors will see once it is published: try the filters, the map, a card and the downloads."
    )
    st.sidebar.caption("The preview's filters, as visitors will have them:")
    with st.container(border=True):
        show_program(checked.program, f"upload-{checked.upload_hash}", PREVIEW)


def compared(checked: Checked) -> Comparison | None:
    """The upload against the live version of its program id (after publishing it: the version it published against
    the one that replaced), once per upload and store revision; None when the database cannot be read."""
    url = store_url()  # None: no database yet, so nothing is published
    published = st.session_state.get("published")
    try:
        store = open_store(url) if url is not None else None
        key = (checked.upload_hash, store.revision() if store is not None else "", published)
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
    st.header("What this publish changes")
    comparison = compared(checked)
    if comparison is None:
        st.warning("The published version cannot be read from the database (the server's log says why).")
        return
    base = comparison.base
    if base is None:
        st.markdown(plain(comparison.headline()))
        return
    done = comparison.target is not None
    st.markdown(plain(comparison.headline()))
    st.caption(
        plain(
            f"Version {comparison.target.number} compared with version {base.number}, the one it replaced."
            if done
            else f"Compared with version {base.number}, live (published {base.published_at:%Y-%m-%d %H:%M} UTC)."
        )
    )
    notice = comparison.removal_notice()
    if notice:
        st.warning(plain(notice), icon=":material/event_busy:")
    if comparison.changes:
        rows = [
            {"change": change.kind.capitalize(), "session": change.title, "old → new": details(change)}
            for change in comparison.changes
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
        st.text_input("Organiser key", type="password", key=KEY_FIELD, max_chars=MAX_KEY_CHARS, help=KEY_HELP)
        st.form_submit_button("Unlock publishing", on_click=check_key, args=(allowed.key,), icon=":material/key:")
    answer = st.session_state.pop(ANSWER, None)
    if answer == "empty":
        st.warning("Enter the organiser key.")
    elif answer == "refused":
        st.error("Refused: that is not the organiser key. Each wrong key makes the next attempt wait longer.")


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
        st.button("Log in as an organiser", on_click=st.login, icon=":material/login:")
        return
    st.warning(plain(f"{user.get('email', 'This account')} is not one of the organisers (KIZUNA_ORGANISERS)."))
    st.button("Log out", on_click=st.logout, icon=":material/logout:")


def lock() -> None:
    st.session_state.pop(UNLOCKED, None)


def publish_form(checked: Checked | None, allowed: Access) -> None:
    st.header("Publish")
    if not allowed.enabled:
        st.info(ENABLE_PUBLISHING, icon=":material/lock:")
        return
    if not allowed.organiser:
        st.caption("Publishing and withdrawing need the organiser key.")
        unlock(allowed)
        login(allowed)
        return
    if allowed.key is not None and st.session_state.get(UNLOCKED):
        st.button("Lock publishing", on_click=lock, icon=":material/lock:")
    if checked is None or not checked.valid:
        st.caption("Upload a valid program to publish it.")
        return
    with st.form("publish", clear_on_submit=True):
        note = st.text_input("Note (optional)", max_chars=MAX_NOTE_CHARS, help="Kept with the version: what changed.")
        submitted = st.form_submit_button(f"Publish {checked.program.id}", type="primary", icon=":material/publish:")
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
            st.error(plain(f"Not published: {problem}"))
    except PublishConflict as conflict:  # its message says which version came first, and when
        st.error(plain(f"Not published: {conflict}."))
    except NoteTooLong as error:
        st.error(plain(f"Not published: {error}."))
    except Exception:  # the database: its error may name the host; the log has it, the page does not
        log.exception("publishing %s failed", checked.program.id)
        st.error("Not published: the database could not store it (the server's log says why). Nothing changed.")
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
        st.success(plain(f"Published: {program.title}, version {number}."), icon=":material/check_circle:")
    else:
        st.info(plain(f"Unchanged: version {number} already holds exactly this program; no new version."))
    root = app_url()
    st.markdown("**Share link**")
    st.code(share_url(root, View(program=program.id)), language=None, wrap_lines=True)
    st.markdown("**Calendar feed** (the whole program; the Subscribe button offers one per theme and city)")
    st.code(feed_url(root, feeds(program)[0], feeds_folder(program.id)), language=None, wrap_lines=True)
    st.markdown("**Changes feed** (Atom: each version with what it changed)")
    st.code(changes_feed_url(root, program.id), language=None, wrap_lines=True)


def published_list(allowed: Access) -> None:
    """Every published program with its versions; organisers may withdraw a version."""
    url = store_url()  # None: no database configured and none made yet (checking and previewing need none)
    if url is None:
        if allowed.enabled:
            st.header("Published programs")
            st.caption("Nothing is published yet.")
        return
    st.header("Published programs")
    try:
        store = open_store(url)
        published = store.programs()  # the live version of each
        versions = {live.program_id: store.versions(live.program_id) for live in published}
    except Exception:
        log.exception("the published programs could not be read")
        st.warning("The published programs cannot be read from the database (the server's log says why).")
        return
    if not published:
        st.caption("Nothing is published yet.")
    for live in published:
        label = f"{live.title} · {live.program_id} · version {live.number} live"
        with st.expander(plain(label), expanded=len(published) == 1):
            st.dataframe(version_rows(versions[live.program_id]), hide_index=True)
            st.code(share_url(app_url(), View(program=live.program_id)), language=None)
            if allowed.organiser:
                withdraw_buttons(versions[live.program_id])


def version_rows(versions: Sequence[Version]) -> list[dict[str, object]]:
    live = live_version(versions)
    return [
        {
            "version": version.number,
            "published (UTC)": f"{version.published_at:%Y-%m-%d %H:%M}",
            "sessions": version.sessions,
            "note": version.note,
            "state": version_state(version, live),
        }
        for version in versions
    ]


def withdraw_buttons(versions: Sequence[Version]) -> None:
    row = st.container(horizontal=True)
    for version in versions:
        if version.withdrawn:
            continue
        with row.popover(f"Withdraw version {version.number}", icon=":material/remove_circle:"):
            st.caption("Its links then open the latest version left, with a notice; with none left, the program goes.")
            key = f"withdraw-{version.program_id}-{version.number}"
            if st.button(f"Withdraw version {version.number}", key=key, type="primary"):
                withdraw(version.program_id, version.number)


def withdraw(program_id: str, number: int) -> None:
    if not access().organiser:  # the button is an organiser's, but ask again before acting
        return
    try:
        open_store(database_url()).withdraw(program_id, number)
    except Exception:
        log.exception("withdrawing %s version %s failed", program_id, number)
        st.error("Not withdrawn: the database could not store it (the server's log says why).")
        return
    st.session_state["withdrawn"] = (program_id, number)
    serve_now()
    st.rerun()


def main() -> None:
    st.set_page_config(page_title="Kizuna · organisers", page_icon="🤝", layout="wide")
    st.sidebar.page_link(visitors_page(), label="The seminar program", icon=":material/arrow_back:")
    st.title("Organisers")
    st.markdown("Check a program, see it exactly as visitors will, then publish it.")
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
        st.success(plain(f"Withdrawn: {program_id}, version {number}."))
    published_list(allowed)
