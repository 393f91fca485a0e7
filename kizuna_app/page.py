"""The dashboard: the seminar program on a map, a timeline and an agenda, with calendars and share links."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import streamlit as st

from kizuna import config
from kizuna.calendars.feeds import Feed, containing_feeds, feed_url, session_count
from kizuna.calendars.ics import export_ics, file_name, venue_location
from kizuna.calendars.links import add_links, map_links, map_note, subscribe_links
from kizuna.checks.loading import data_hash, problem_row, read_program
from kizuna.i18n import N_, language, locale, organisers, speaking, use, visitors
from kizuna.printing.fonts import FontMissing, japanese_font
from kizuna.program.dates import day_heading, day_range, long_day, short_day, time_span
from kizuna.program.filtering import Filter, describe, shown_of
from kizuna.program.languages import in_language, language_of
from kizuna.program.model import LOGISTICS_KINDS, Program, Session
from kizuna.program.text import kind_label, plain, swatch
from kizuna.publishing.programs import Catalog, Entry, configured_programs, feeds_folder, refresh_feeds_in_background
from kizuna.publishing.published import Unavailable, show_published
from kizuna.views.agenda import by_day, entry_details, page_count, page_of
from kizuna.views.basemap import write_basemap
from kizuna.views.driver import driver_card
from kizuna.views.maps import build_deck, clicked_session, location_note, map_legend, same_place
from kizuna.views.marks import Edition, change_log, changed_when, edition_of, recent_marks
from kizuna.views.share import (
    View,
    app_root,
    kinds_facet,
    kinds_widgets,
    link_program,
    link_version,
    program_key,
    read_view,
    share_url,
    version_notices,
    view_query,
)
from kizuna.views.timeline import CLICK_PARAM, build_timeline
from kizuna.views.timeline import clicked_session as clicked_block_session
from kizuna_app import STATIC

_ = visitors.gettext
PROGRAMS_AGE = 1.0  # seconds a rerun may reuse the list of programs before looking at their files' times again
ORGANISERS_FILE = Path(__file__).resolve().parent / "organisers_page.py"  # the Organisers page (navigation.py)
LANGUAGE = "language"  # session state: the language the visitor chose (link or picker); None: the browser's decides
# The key of a container holding a program text shown in another language than the page's starts `lang-<language>-`,
# and that of a card's body `dialog-lang-<language>-` when the card's title (the dialog's) is such a text: the page's
# script (navigation.TEXT_LANGUAGES) gives the container, or the dialog's title, that `lang` attribute.
TEXT_LANGUAGE = "lang-"
TITLE_LANGUAGE = "dialog-lang-"
OTHER_LANGUAGE_TEXTS = "texts-in-other-languages"  # set once a run drew such a container: the page needs the script


@dataclass(frozen=True)
class Board:
    """Where one program's dashboard keeps its state: the visitors' page at its own keys, the Organisers page's preview
    under a prefix, so the two pages never share a widget or a view."""

    prefix: str = ""
    address_bar: bool = True  # the visitors' page: its view comes from the address bar and is written back there

    def key(self, name: str) -> str:
        return self.prefix + name

    def __getitem__(self, name: str) -> Any:
        return st.session_state[self.prefix + name]

    def get(self, name: str, default: Any = None) -> Any:
        return st.session_state.get(self.prefix + name, default)

    def update(self, **values: Any) -> None:
        st.session_state.update({self.prefix + name: value for name, value in values.items()})


VISITORS = Board()


@st.cache_resource(show_spinner=False, max_entries=4)
def cached_program(folder: str, version: str) -> tuple:
    """Loaded once per data version and shared by every visitor."""
    return read_program(Path(folder))


@st.cache_data(show_spinner=False, max_entries=512)
def calendar_bytes(_program: Program, version: str, view_filter: Filter, base_url: str | None, lang: str) -> bytes:
    """The calendar file in the reader's language: made after the run, outside its context, so the language is
    passed (and keys the cache, as `version` keys the program in that language)."""
    with speaking(lang):
        return export_ics(_program, view_filter, base_url=base_url)


def print_problem() -> str | None:
    """Why this server cannot print, said where the print buttons would be rather than when one is pressed."""
    try:
        japanese_font()
    except FontMissing as error:
        return _("Printing is not available on this server: {error}.").format(error=error)
    return None


@st.cache_data(show_spinner=False, max_entries=32)
def print_bytes(
    _program: Program, version: str, view: View, base_url: str, paper: str, lang: str, _edition: Edition | None = None
) -> bytes:
    """The itinerary as `kizuna print` writes it, in the reader's language; its libraries are loaded on the first
    print, not at start. `version` names the program's data and, for a published one, its history (`Shown.key`):
    `_edition` too."""
    from kizuna.printing.itinerary import print_view

    with speaking(lang):
        return print_view(_program, view, base_url, paper, _edition)


@st.cache_resource(show_spinner=False, max_entries=4)
def refresh_feeds_once(_catalog: Catalog, version: str, static: Path, base_url: str | None) -> None:
    """Write every program's stale feeds in the background, once per change of the programs (`kizuna feeds` does
    it before start-up)."""
    refresh_feeds_in_background(_catalog, static, base_url)


@st.cache_resource(show_spinner=False)
def write_map() -> None:
    """The basemap file, once per process (`kizuna feeds` writes it before start-up too)."""
    try:
        write_basemap(config.static_dir(STATIC))
    except OSError as error:
        logging.getLogger(__name__).error("basemap not written to %s: %s", config.static_dir(STATIC), error)


def secret(name: str) -> str | None:
    """A value from Streamlit's secrets, if the host has set any."""
    try:
        return st.secrets.get(name)
    except FileNotFoundError:
        return None


def app_url() -> str:
    """The dashboard's root address (links and feeds hang from it), whichever of its pages the visitor is on."""
    return config.base_url() or app_root(st.context.url or "") or "http://localhost:8501/"


def show_problems(folder: Path, problems: list) -> None:
    count = len(problems)
    message = visitors.ngettext(
        "The program in {folder} has {count} problem; fix it and reload the page.",
        "The program in {folder} has {count} problems; fix them and reload the page.",
        count,
    )
    st.error(message.format(folder=plain(str(folder)), count=count))
    headings = organisers.gettext  # the table's headings are the checks' (`PROBLEM_HEADINGS`), in their catalogue
    rows = [{headings(heading): value for heading, value in problem_row(problem).items()} for problem in problems]
    st.dataframe(rows, hide_index=True, width="stretch")
    st.code("\n".join(str(p) for p in problems), language=None)


def show_catalog_problems(catalog: Catalog) -> None:
    """No program to show: say why, with the problems of each program that is not valid."""
    if not catalog.invalid:
        message = _("There is no program in {folder}: add a program folder, zip or workbook.")
        st.error(message.format(folder=plain(str(catalog.folder))))
    for entry in catalog.invalid:
        show_problems(entry.path, list(entry.problems))


def left_out(catalog: Catalog) -> None:
    """Programs of the directory that are not valid are named once; the valid ones are still served."""
    if catalog.invalid:
        names = ", ".join(entry.path.name for entry in catalog.invalid)
        # Translators: keep `kizuna validate FILE` as it is: a command, shown as code
        how = _("`kizuna validate FILE` lists what to fix.")
        message = plain(_("Not shown, not a valid program: {names}.").format(names=names)) + " " + how
        st.warning(message, icon=":material/error:")


def address_query() -> dict[str, list[str]]:
    """The query params in the address bar, each key with all its values."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def choose_program(catalog: Catalog) -> Entry:
    """The program on screen: the link's on a browser session's first run, then the picker's."""
    state, default = st.session_state, catalog.default.id
    if "program" not in state:
        state.program = link_program(address_query(), catalog.ids, default)
    elif state.program not in catalog.ids:  # taken out of the directory meanwhile
        state.program = default
        switch_program()
    return catalog.find(state.program)


def switch_program() -> None:
    """Another program: filters, card, agenda page and feed of the last one mean nothing there."""
    reset_view()
    for key in ("feed", "page", "paged"):
        st.session_state.pop(key, None)
    st.session_state.pinned = None  # the link's version was the last program's


def program_picker(catalog: Catalog) -> None:
    if len(catalog.programs) < 2:
        return
    entries = {entry.id: entry for entry in catalog.programs}
    st.sidebar.selectbox(
        # Translators: the picker of which seminar's program the page shows
        _("Seminar"),
        list(entries),
        key="program",
        format_func=lambda i: f"{entries[i].title} · {day_range(entries[i].start_date, entries[i].end_date)}",
        on_change=switch_program,
    )


def restore_view(program: Program, default_program: str | None, board: Board = VISITORS) -> None:
    """Copy the link's view into widget state once per browser session, and again when a run of the other page
    dropped the widgets' state (Streamlit drops a widget's state after a run that did not draw it)."""
    if board.key("restored") in st.session_state and board.key("logistics") in st.session_state:
        return
    pinned, notices = board.get("pinned"), board.get("version_notices", ())
    view = read_view(program, address_query() if board.address_bar else {}, default_program, pinned, notices)
    kinds, logistics = kinds_widgets(program, view.filter.kinds)
    board.update(
        restored=view,
        themes=sorted(view.filter.themes),
        cities=sorted(view.filter.cities),
        days=sorted(day.isoformat() for day in view.filter.days),
        kinds=kinds,
        logistics=logistics,
        ids=sorted(view.filter.sessions),
        home=view.show_home,
        changes=view.show_changes,
        open_session=view.open_session,
    )


def reset_view(board: Board = VISITORS) -> None:
    board.update(themes=[], cities=[], days=[], kinds=[], ids=[], logistics=True, home=False, open_session=None)


def drop_logistics(board: Board = VISITORS) -> None:
    """Switching logistics off removes logistics kinds from the kinds picker too."""
    if not board["logistics"]:
        board.update(kinds=[k for k in board["kinds"] if k not in LOGISTICS_KINDS])


def set_open_session(session_id: str | None, board: Board = VISITORS) -> None:
    """Open the card of this program session (None: close it), on its card rather than the driver view."""
    board.update(open_session=session_id, driver=False)


def open_clicked(chart: str, read_session: Callable[[Any], str | None], board: Board = VISITORS) -> None:
    """Open the card of the session a click on the map or the timeline (the chart with key `chart`) hit;
    `read_session` reads it from the click event's `selection`."""
    session_id = read_session(board[chart].selection)
    if session_id:
        set_open_session(session_id, board)


def filter_widgets(program: Program, board: Board = VISITORS) -> Filter:
    """The sidebar's filters, and the filter they set."""
    key = board.key
    # Translators: what an empty filter picker says
    choose = _("Choose options")  # Streamlit's own placeholder is English only
    with st.sidebar:
        st.header(_("Filters"))
        themes = program.themes
        st.multiselect(
            _("Themes"),
            list(themes),
            key=key("themes"),
            format_func=lambda s: f"{swatch(themes[s].colour)} {themes[s].label}",
            placeholder=choose,
        )
        cities = program.cities
        st.multiselect(
            _("Cities"), list(cities), key=key("cities"), format_func=lambda s: cities[s].name, placeholder=choose
        )
        days = {day.isoformat(): day for day in program.days}
        st.multiselect(
            _("Days"), list(days), key=key("days"), format_func=lambda d: short_day(days[d]), placeholder=choose
        )
        shown_kinds = [k for k in program.kinds if board["logistics"] or k not in LOGISTICS_KINDS]
        # Translators: kinds of session (lecture, visit, transfer…): a filter
        st.multiselect(_("Kinds"), shown_kinds, key=key("kinds"), format_func=kind_label, placeholder=choose)
        if board["ids"]:  # from a link's id=…: shown so it can be removed
            titles = program.sessions_by_id
            st.multiselect(
                _("Only these sessions"),
                list(board["ids"]),
                key=key("ids"),
                format_func=lambda i: titles[i].title,
                placeholder=choose,
            )
        st.toggle(
            _("Show arrival, transfers, overnight and departure"),
            key=key("logistics"),
            on_change=drop_logistics,
            args=(board,),
        )
        st.toggle(_("Show the participants' home countries"), key=key("home"))
        st.button(_("Reset filters"), on_click=reset_view, args=(board,), icon=":material/restart_alt:")
    return Filter.of(
        themes=board["themes"],
        cities=board["cities"],
        days=[days[d] for d in board["days"]],
        kinds=kinds_facet(program, board["kinds"], board["logistics"]),
        sessions=board["ids"],
    )


def sync_link(view: View, board: Board = VISITORS) -> str:
    """Write the view into the address bar (the visitors' page only) and return the link to share."""
    wanted = view_query(view)
    if board.address_bar and address_query() != wanted:
        st.query_params.from_dict(wanted)
    return share_url(app_url(), view)


def header(program: Program, edition: Edition | None = None, board: Board = VISITORS) -> None:
    with in_text_language(program, board.key("title"), (program, "title")):
        st.title(plain(program.title), anchor=False)  # no link to the heading: its address would be made of the title
    cities = " → ".join(city.name for city in program.cities.values())
    seminar = [t for t in program.themes.values() if t.group == "seminar"]
    st.markdown(
        f"**{plain(day_range(program.start_date, program.end_date))}** · {plain(cities)} · "
        + " · ".join(f"{swatch(t.colour)} {plain(t.label)}" for t in seminar)
    )
    note = untranslated_program(program) or untranslated(
        program,
        (program, "title"),
        *((city, "name") for city in program.cities.values()),
        *((t, "label") for t in seminar),
    )
    if note:
        st.caption(plain(note))
    if edition is not None and not board.get("changes"):  # a published program: its versions can be compared
        st.button(
            _("What changed"),
            key=board.key("open-changes"),
            icon=":material/history:",
            on_click=board.update,
            kwargs={"changes": True},
        )


def what_changed(program: Program, edition: Edition | None, board: Board) -> None:
    """The What changed view: each version of a published program, newest first, with its note and its changes."""
    with st.container(border=True, key=board.key("what-changed")):
        st.subheader(_("What changed"), anchor=False)
        if edition is None:
            st.info(_("This program is not published from the store: it has no versions, and no changes are recorded."))
        else:
            days = config.change_days()
            marked = visitors.ngettext(
                "Sessions changed by the latest version are marked on the map, the timeline and the agenda for "
                "{count} day after it.",
                "Sessions changed by the latest version are marked on the map, the timeline and the agenda for "
                "{count} days after it.",
                days,
            )
            st.caption(marked.format(count=days) if days else _("Changed sessions are not marked on this dashboard."))
            for entry in change_log(edition, program.timezone):
                st.markdown(f"**{plain(entry.heading)}**")
                if entry.note:
                    st.markdown(plain(entry.note))
                st.markdown("\n".join(f"- {plain(line)}" for line in entry.lines))
        st.button(
            _("Close What changed"),
            key=board.key("close-changes"),
            icon=":material/close:",
            on_click=board.update,
            kwargs={"changes": False},
        )


def about(program: Program, board: Board = VISITORS) -> None:
    if program.summary:
        with st.expander(_("About this seminar")):
            with in_text_language(program, board.key("about"), (program, "summary")):
                st.markdown(plain(program.summary))
            note = untranslated(program, (program, "summary"))
            if note:
                st.caption(plain(note))
            st.markdown(
                plain(
                    _("Organised by {organiser}. Source: {source}.").format(
                        organiser=program.organiser, source=program.source
                    )
                )
            )


def untranslated(program: Program, *texts: tuple[Any, str]) -> str | None:
    """'In English, not translated' when some of these texts (an item and its field) are in the program's own
    language for want of a translation into the reader's, one the program has for others; None when every one is in
    the reader's. A plain-text note beside the texts, which are never marked up. A program with no translation into
    the reader's language at all says so once, under its title (`untranslated_program`)."""
    reader, own = language(), program.languages[0]
    if reader == own or reader not in program.languages:
        return None
    if all(language_of(program, item, name) == reader for item, name in texts if getattr(item, name, "")):
        return None
    # Translators: beside a program text shown in the program's own language ({language}: 'English', named in yours)
    return _("In {language}, not translated").format(language=language_called(own))


def text_language(program: Program, *texts: tuple[Any, str]) -> str | None:
    """The language these texts (an item and its field) are shown in when it is not the page's: the program's own,
    for want of a translation into the reader's. None when they are in the reader's language, empty, or in several
    languages (which no one attribute says)."""
    shown = {language_of(program, item, name) for item, name in texts if getattr(item, name, "")}
    lang = shown.pop() if len(shown) == 1 else None
    return lang if lang != language() else None


def in_text_language(program: Program, key: str, *texts: tuple[Any, str]) -> AbstractContextManager:
    """Where these texts are drawn: in a container keyed `lang-<language>-<key>` when they are in another language than
    the page's (the page's script gives it that `lang` attribute, for screen readers and fonts: the texts are never
    marked up, so no attribute can be written around them), else where the page is drawing. `key` is unique in the
    run and the same in every run. The plain-text note (`untranslated`) stays, for the reader who sees the page."""
    lang = text_language(program, *texts)
    if not lang:
        return nullcontext()
    st.session_state[OTHER_LANGUAGE_TEXTS] = True
    return st.container(key=f"{TEXT_LANGUAGE}{lang}-{key}")


def title_language(program: Program, session: Session, board: Board) -> AbstractContextManager:
    """Where a session's card draws its body: in a container keyed `dialog-lang-<language>-…` when the session's title,
    the dialog's (which Streamlit draws), is in another language than the page's: the page's script gives the dialog's
    title that `lang` attribute, and the body keeps the page's. Else where the page is drawing."""
    lang = text_language(program, (session, "title"))
    if not lang:
        return nullcontext()
    st.session_state[OTHER_LANGUAGE_TEXTS] = True
    return st.container(key=f"{TITLE_LANGUAGE}{lang}-{board.key('card')}")


def untranslated_program(program: Program) -> str | None:
    """Under the title, when the program has no translation into the reader's language: its texts are in its own."""
    reader = language()
    if reader in program.languages:
        return None
    message = _("This program has no translation into {reader}; its texts are in {language}.")
    return message.format(reader=language_called(reader), language=language_called(program.languages[0]))


def language_called(lang: str) -> str:
    """A language as the reader's names it: 'English' is '英語' to a reader of Japanese."""
    return locale().languages.get(lang, lang)


def show_notices(view: View, board: Board = VISITORS) -> None:
    """A bad link's notices stay until the visitor first changes the view."""
    restored = board["restored"]
    if view != restored:
        board.update(restored=replace(restored, notices=()))
        return
    for notice in restored.notices:
        st.warning(plain(notice), icon=":material/link_off:")


def session_card(
    program: Program,
    session: Session,
    in_view: list[Session],
    version: str,
    view: View,
    board: Board,
    change: tuple[str, str] = ("", ""),
) -> None:
    """The card's body, inside the dialog; or what to show a taxi driver, which the card opens in its place.
    `change` is the session's change mark and when it came, if it has one."""
    with title_language(program, session, board):
        if board.get("driver"):
            driver_view(program, session, board)
            return
        venue = program.venues[session.venue_id]
        st.markdown(f"**{plain(long_day(session.date))}** · {plain(time_span(session.start, session.end))}")
        note = untranslated(program, (session, "title"), (session, "description"), (venue, "name"))
        if note:
            st.caption(plain(note))
        if session.status == "cancelled":
            st.error(_("This session is cancelled."), icon=":material/event_busy:")
        mark, when = change
        if mark:
            st.warning(plain(mark), icon=":material/update:")
            st.caption(plain(when))
        named_in_japanese = venue.name_ja and venue.name_ja != venue.name  # the line has the Japanese name too
        with (
            nullcontext() if named_in_japanese else in_text_language(program, board.key("card-venue"), (venue, "name"))
        ):
            st.markdown(plain(venue_location(venue)))
        if venue.address_ja:
            st.markdown(plain(venue.address_ja))
        st.markdown(plain(location_note(venue)))
        if session.themes:
            labels = [f"{swatch(program.themes[t].colour)} {program.themes[t].label}" for t in session.themes]
            st.markdown(plain(" · ".join(labels)))
        if session.description:
            with in_text_language(program, board.key("card-description"), (session, "description")):
                st.markdown(plain(session.description))
        take_along(program, session, version, view, board)
        one = Filter.of(sessions=[session.id])
        st.markdown("**" + _("Add to your calendar") + "**")
        links = st.container(horizontal=True)
        lang = language()
        links.download_button(
            _("Apple Calendar and others (.ics)"),
            data=lambda: calendar_bytes(program, version, one, config.base_url(), lang),
            file_name=file_name(program, one),
            mime="text/calendar",
            key=board.key("card-ics"),
            icon=":material/event:",
            on_click="ignore",
        )
        for service, link in add_links(program, session).items():
            links.link_button(service, link, icon=":material/open_in_new:")
        here = same_place(program, in_view, session)
        if len(here) > 1:
            count = len(here)
            same = visitors.ngettext(
                "At the same place on the map ({count} session)",
                "At the same place on the map ({count} sessions)",
                count,
            )
            st.markdown(f"**{same.format(count=count)}**")
            for other in here:
                label = f"{short_day(other.date)} · {other.title}"
                if other.id == session.id:
                    # Translators: the card's own session, in its list of the sessions at the same place
                    st.markdown(plain("▸ " + _("{session} (this one)").format(session=label)))
                elif st.button(
                    plain(label), key=board.key(f"here-{other.id}"), type="tertiary", icon=":material/chevron_right:"
                ):
                    set_open_session(other.id, board)
                    st.rerun()
        # Translators: closes a session's card
        if st.button(_("Close"), key=board.key("close-card"), icon=":material/close:"):
            set_open_session(None, board)
            st.rerun()


def take_along(program: Program, session: Session, version: str, view: View, board: Board) -> None:
    """The session on paper, for a taxi driver and in a maps app (a transfer has no place to go to)."""
    one = replace(
        view,
        filter=Filter.of(sessions=[session.id]),
        open_session=session.id,
        show_home=False,
        show_changes=False,
        notices=(),
    )
    row = st.container(horizontal=True)
    if not session.is_route:
        driver_button(row, _("Show the driver"), ":material/local_taxi:", True, board)
    if not print_problem():  # the Print (PDF) popover says why not
        print_button(row, _("Print this session (PDF)"), program, version, one, "a4", board.key("card-pdf"))
    links = map_links(program, session)
    if links:
        st.markdown("**" + _("Open in maps") + "**")
        buttons = st.container(horizontal=True)
        for service, link in links.items():
            buttons.link_button(service, link, icon=":material/map:")
        note = map_note(program.venues[session.venue_id])
        if note:
            st.caption(plain(note))


DRIVER_STYLE = """<style>
.st-key-{name} p {{font-size: clamp(36px, 7vw, 64px); line-height: 1.25; font-weight: 700; overflow-wrap: anywhere}}
.st-key-{address} p {{font-size: clamp(28px, 5vw, 44px); line-height: 1.3; font-weight: 600; overflow-wrap: anywhere}}
</style>"""


def driver_view(program: Program, session: Session, board: Board) -> None:
    """The venue in large type, to be read at arm's length on a phone held sideways; the text stays text."""
    card = driver_card(program.venues[session.venue_id])
    st.html(DRIVER_STYLE.format(name=board.key("driver-name"), address=board.key("driver-address")))
    st.container(key=board.key("driver-name")).markdown(plain(card.name))
    if card.address:
        st.container(key=board.key("driver-address")).markdown(plain(card.address))
    for line in card.small:
        st.caption(plain(line))
    driver_button(st, _("Back to the card"), ":material/arrow_back:", False, board)


def driver_button(where: Any, label: str, icon: str, show: bool, board: Board) -> None:
    """Turns the card into the driver view and back: a state of the same dialog, so it stays open."""
    key = board.key("driver-show" if show else "driver-back")
    where.button(label, key=key, icon=icon, on_click=board.update, kwargs={"driver": show})


def open_card(
    program: Program,
    session: Session,
    in_view: list[Session],
    version: str,
    view: View,
    board: Board,
    change: tuple[str, str] = ("", ""),
) -> None:
    """The card opens over the page where the visitor is; closing it leaves them where they were."""
    dialog = st.dialog(plain(session.title), width="medium", on_dismiss=lambda: set_open_session(None, board))
    dialog(card_in)(language(), program, session, in_view, version, view, board, change)


def card_in(lang: str, *card: Any) -> None:
    """The card in the page's language: a click inside it reruns the dialog alone, in a run of its own that did not
    go through `navigation.main`, so the language comes with the card's arguments."""
    use(lang)
    session_card(*card)


def agenda(
    program: Program, sessions: list[Session], view_filter: Filter, board: Board, marks: Mapping[str, str]
) -> None:
    st.subheader(_("Agenda"))
    st.caption(_("The sessions on the map and the timeline, as a list. Choose one to see its details."))
    if not sessions:
        st.info(_("No session matches these filters."))
        return
    if board.get("paged") != view_filter:  # a new filter starts on the first page
        board.update(paged=view_filter, page=1)
    pages = page_count(len(sessions))
    # Translators: the agenda's page number picker: 'Page (of 3)'
    page_label = _("Page (of {pages})").format(pages=pages)
    page = st.number_input(page_label, 1, pages, key=board.key("page")) if pages > 1 else 1
    for day, entries in by_day(page_of(sessions, page)):
        st.markdown(f"##### {plain(day_heading(day))}")
        for session in entries:
            colour = swatch(program.themes[session.themes[0]].colour) if session.themes else "⬜"
            title = plain(session.title)
            with in_text_language(program, board.key(f"agenda-{session.id}"), (session, "title")):
                st.button(
                    f"{colour} ~~{title}~~" if session.status == "cancelled" else f"{colour} {title}",
                    key=board.key(f"agenda-{session.id}"),
                    on_click=set_open_session,
                    args=(session.id, board),
                    type="tertiary",
                )
            details, note = entry_details(program, session), untranslated(program, (session, "title"))
            st.caption(plain(f"{details} · {note}" if note else details))
            if session.id in marks:
                st.markdown(f":orange[:material/update: **{plain(marks[session.id])}**]")


def subscribe(program: Program, feed: Feed) -> None:
    url = feed_url(app_url(), feed, feeds_folder(program.id), lang=language())  # the feed in the reader's language
    buttons = st.container(horizontal=True)
    for service, link in subscribe_links(url, f"{program.short_title} — {feed.label}").items():
        buttons.link_button(service, link, icon=":material/sync:")
    st.code(url, language=None, wrap_lines=True)


def subscriptions(program: Program, view_filter: Filter, board: Board) -> None:
    in_view = len(view_filter.apply(program))
    choices = containing_feeds(program, view_filter)
    st.caption(_("Your calendar checks the feed for changes by itself."))
    feed = st.selectbox(
        # Translators: a calendar feed: an address your calendar app subscribes to
        _("Feed"),
        choices,
        key=board.key("feed"),
        format_func=lambda f: feed_choice(program, f),
        help=_("Feeds exist for the whole program, each theme, each city and each theme in one city."),
    )
    count = session_count(program, feed)
    if count > in_view:
        more = visitors.ngettext(
            "This feed holds more than this view: {count} session, not {shown}.",
            "This feed holds more than this view: {count} sessions, not {shown}.",
            count,
        )
        st.caption(more.format(count=count, shown=in_view))
    subscribe(program, feed)


def feed_choice(program: Program, feed: Feed) -> str:
    count = session_count(program, feed)
    # Translators: a calendar feed's name and how many sessions it holds: 'Whole program (19 sessions)'
    return visitors.ngettext("{feed} ({count} session)", "{feed} ({count} sessions)", count).format(
        feed=feed.label, count=count
    )


def downloads(
    program: Program, view_filter: Filter, version: str, view: View, board: Board, edition: Edition | None = None
) -> None:
    base, lang = config.base_url(), language()
    row = st.container(horizontal=True)
    row.download_button(
        _("Download this view (.ics)"),
        data=lambda: calendar_bytes(program, version, view_filter, base, lang),
        file_name=file_name(program, view_filter),
        mime="text/calendar",
        icon=":material/download:",
        on_click="ignore",
    )
    with row.popover(_("Print (PDF)"), icon=":material/print:"):
        printouts(program, replace(view, open_session=None, show_changes=False, notices=()), version, board, edition)
    # Translators: subscribe to a calendar feed (your calendar app then checks it for changes)
    with row.popover(_("Subscribe"), icon=":material/sync:"):
        subscriptions(program, view_filter, board)
    row.download_button(
        _("Download the whole program (.ics)"),
        data=lambda: calendar_bytes(program, version, Filter(), base, lang),
        file_name=file_name(program),
        mime="text/calendar",
        icon=":material/calendar_month:",
        on_click="ignore",
    )


# Translators: paper sizes of the printed itinerary: A4 for the desk, A6 folded into a pocket booklet
PAPERS = {"a4": N_("A4, the desk copy"), "a6": N_("A6, a pocket booklet")}


def printouts(program: Program, view: View, version: str, board: Board, edition: Edition | None = None) -> None:
    """This view as an itinerary to print, its QR code opening the view again; made only when asked for."""
    st.caption(_("Day by day, with the venues in Japanese and a QR code that opens this view."))
    problem = print_problem()
    if problem:
        st.warning(plain(problem), icon=":material/print_disabled:")
        return
    for paper, label in PAPERS.items():
        print_button(st, _(label), program, version, view, paper, board.key(f"print-{paper}"), edition)


def print_button(
    where: Any,
    label: str,
    program: Program,
    version: str,
    view: View,
    paper: str,
    key: str,
    edition: Edition | None = None,
) -> None:
    """A download of the view's itinerary, made only when it is clicked (as `kizuna print` makes it)."""
    base, lang = app_url(), language()  # read here: the file is made later, outside the page's run
    where.download_button(
        label,
        data=lambda: print_bytes(program, version, view, base, paper, lang, edition),
        file_name=file_name(program, view.filter, f"-{paper}.pdf"),
        mime="application/pdf",
        key=key,
        icon=":material/print:",
        on_click="ignore",
    )


def main() -> None:
    st.set_page_config(page_title=_("Kizuna · seminar program"), page_icon="🤝", layout="wide")
    catalog = configured_programs(PROGRAMS_AGE)
    if catalog.default is None:
        show_catalog_problems(catalog)
        organisers_link()  # a host with no program yet: the way to publish the first
        return
    entry = choose_program(catalog)
    edition = None
    if entry.path is None:
        try:
            program, version, edition = published_program(entry)
        except Unavailable:
            message = _("{title} cannot be read from the database just now; reload the page in a moment.")
            st.error(message.format(title=plain(entry.title)))
            return
    else:
        version = data_hash(entry.path)
        program, problems = cached_program(str(entry.path), version)
        if program is None:  # changed since the directory was read
            show_problems(entry.path, problems)
            return
        pin_version(program, None, None)
    refresh_feeds_once(catalog, catalog.version, config.static_dir(STATIC), config.base_url())
    write_map()
    left_out(catalog)
    program_picker(catalog)
    show_program(program, version, VISITORS, catalog.default.id, edition)
    organisers_link()


def organisers_link() -> None:
    """At the foot of the sidebar: the Organisers page is not in a menu, so visitors see the dashboard as before."""
    st.sidebar.page_link(ORGANISERS_FILE, label=_("Organisers: publish a program"), icon=":material/upload_file:")


def published_program(entry: Entry) -> tuple[Program, str, Edition]:
    """A published program on screen, its data version and which version it is (with its history): the version the
    link pinned while it is published (not withdrawn), else the live one. Raises Unavailable."""
    pinned = st.session_state.get("pinned")
    first = "pinned" not in st.session_state  # the browser session's first run: the link says which version
    shown = show_published(entry.id, entry.published, link_version(address_query(), entry.id) if first else pinned)
    if first:
        pin_version(shown.program, entry.published, shown.pinned, shown.withdrawn)
    elif shown.pinned != pinned:  # withdrawn since: the live version from now on
        st.session_state.pinned = None
    return shown.program, shown.key, edition_of(shown)


def pin_version(program: Program, live: int | None, pinned: int | None, withdrawn: bool = False) -> None:
    """On a browser session's first run, keep the version the link pinned, and notices about one it could not."""
    if "pinned" in st.session_state:
        return
    notices = version_notices(address_query(), program, live, pinned, withdrawn)
    st.session_state.update(pinned=pinned, version_notices=tuple(notices))


def show_program(
    program: Program,
    version: str,
    board: Board = VISITORS,
    default_program: str | None = None,
    edition: Edition | None = None,
) -> None:
    """Everything a visitor sees of one program, after it was chosen: the Organisers page previews an upload with it.

    `default_program` is the id a link without `program=` opens (None: the link always names the program);
    `edition` which version of a published program it is, with its history (None: a program of the directory).
    Its texts are shown in the reader's language where the program has them."""
    program = in_language(program, language())
    restore_view(program, default_program, board)
    header(program, edition, board)
    marks = recent_marks(edition.steps, datetime.now(UTC), config.change_days()) if edition else {}
    view_filter = filter_widgets(program, board)
    sessions = view_filter.apply(program)
    open_session = board["open_session"] if board["open_session"] in program.sessions_by_id else None
    pinned, changes = board.get("pinned"), bool(board.get("changes"))
    key = program_key(program.id, default_program, pinned)
    view = View(view_filter, open_session, board["home"], key, pinned, changes, st.session_state.get(LANGUAGE))
    show_notices(view, board)
    if changes:
        what_changed(program, edition, board)
    link = sync_link(view, board)
    with st.sidebar.popover(_("Share this view"), icon=":material/link:", width="stretch"):
        st.code(link, language=None, wrap_lines=True)
    label = describe(program, view_filter) or _("All sessions")
    st.markdown(f"**{shown_of(len(sessions), len(program.sessions))}** · {plain(label)}")
    tiles = config.tile_style(secret("map_key"))
    st.pydeck_chart(
        build_deck(program, sessions, open_session, board["home"], tiles, config.bundled_basemap(), marks),
        key=board.key("map"),
        on_select=lambda: open_clicked("map", lambda click: clicked_session(click.objects), board),
        selection_mode="single-object",
        height=420,
        alt=visitors.ngettext(
            "Map of the {count} session shown. The agenda below lists the same sessions as text.",
            "Map of the {count} sessions shown. The agenda below lists the same sessions as text.",
            len(sessions),
        ).format(count=len(sessions)),
    )
    st.caption(plain(map_legend(tiles, program, sessions)))
    downloads(program, view_filter, version, view, board, edition)
    if open_session:
        change = (marks[open_session], changed_when(edition, program.timezone)) if open_session in marks else ("", "")
        open_card(program, program.sessions_by_id[open_session], sessions, version, view, board, change)
    st.vega_lite_chart(
        build_timeline(program, sessions, open_session, marks),
        key=board.key("timeline"),
        on_select=lambda: open_clicked("timeline", clicked_block_session, board),
        selection_mode=CLICK_PARAM,
        width="stretch",
    )
    agenda(program, sessions, view_filter, board, marks)
    about(program, board)
