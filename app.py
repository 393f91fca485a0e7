"""Kizuna dashboard: the seminar program on a map, a timeline and an agenda, with calendars and share links."""

from __future__ import annotations

from pathlib import Path
from threading import Thread

import streamlit as st

from kizuna import config
from kizuna.feeds import STATIC_DIR, Feed, feed_for, feed_url, feeds, feeds_current, write_feeds
from kizuna.filtering import Filter, describe
from kizuna.ics import export_ics, file_name, venue_location
from kizuna.links import add_links, subscribe_links
from kizuna.loading import data_version, default_program_dir, read_program
from kizuna.maps import PRECISION_LABELS, build_deck, day_label, short_day
from kizuna.model import LOGISTICS_KINDS, Program, Session
from kizuna.share import View, kinds_facet, kinds_widgets, read_view, share_url, view_query
from kizuna.text import plain, swatch
from kizuna.timeline import SELECTION, build_timeline

AGENDA_PAGE = 40

st.set_page_config(page_title="Kizuna · seminar program", page_icon="🤝", layout="wide")


@st.cache_resource(show_spinner=False, max_entries=4)
def cached_program(folder: str, version: str) -> tuple:
    """Loaded once per data version and shared by every visitor."""
    return read_program(Path(folder))


@st.cache_data(show_spinner=False, max_entries=512)
def calendar_bytes(_program: Program, version: str, selection: Filter, base_url: str | None) -> bytes:
    return export_ics(_program, selection, base_url=base_url)


@st.cache_resource(show_spinner=False, max_entries=4)
def publish_feeds(_program: Program, version: str) -> None:
    """Write stale feeds in the background, once per data version (`kizuna feeds` does it before start-up)."""
    base = config.base_url()
    if not feeds_current(version, base):
        Thread(target=write_feeds, args=(_program, STATIC_DIR, base, version), daemon=True).start()


def app_url() -> str:
    return config.base_url() or st.context.url or "http://localhost:8501/"


def show_problems(folder: Path, problems: list) -> None:
    st.error(f"The program in {plain(str(folder))} has {len(problems)} problem(s); fix them and reload the page.")
    st.dataframe(
        [{"file": p.file, "row": p.row, "column": p.column, "problem": p.message} for p in problems],
        hide_index=True,
        width="stretch",
    )
    st.code("\n".join(str(p) for p in problems), language=None)


def address_query() -> dict[str, list[str]]:
    """The query params in the address bar, each key with all its values."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def restore_view(program: Program) -> None:
    """Copy the link's view into widget state once per browser session."""
    if "restored" in st.session_state:
        return
    view = read_view(program, address_query())
    kinds, logistics = kinds_widgets(program, view.selection.kinds)
    st.session_state.update(
        restored=True,
        themes=sorted(view.selection.themes),
        cities=sorted(view.selection.cities),
        days=sorted(day.isoformat() for day in view.selection.days),
        kinds=kinds,
        logistics=logistics,
        home=view.show_home,
        selected=view.selected,
        notices=view.notices,
    )


def reset_view() -> None:
    st.session_state.update(
        themes=[], cities=[], days=[], kinds=[], logistics=True, home=False, selected=None, notices=()
    )


def drop_logistics() -> None:
    """Switching logistics off removes logistics kinds from the kinds picker too."""
    if not st.session_state.logistics:
        st.session_state.kinds = [k for k in st.session_state.kinds if k not in LOGISTICS_KINDS]


def select(session_id: str | None) -> None:
    st.session_state.selected = session_id


def pick_from(key: str, read) -> None:
    picked = read(st.session_state[key].selection)
    if picked:
        select(picked)


def filters(program: Program) -> Filter:
    with st.sidebar:
        st.header("Filters")
        themes = program.themes
        st.multiselect(
            "Themes", list(themes), key="themes", format_func=lambda s: f"{swatch(themes[s].colour)} {themes[s].label}"
        )
        st.multiselect("Cities", list(program.cities), key="cities", format_func=lambda s: program.cities[s].name)
        days = {day.isoformat(): day for day in program.days}
        st.multiselect("Days", list(days), key="days", format_func=lambda d: short_day(days[d]))
        shown_kinds = [k for k in program.kinds if st.session_state.logistics or k not in LOGISTICS_KINDS]
        st.multiselect("Kinds", shown_kinds, key="kinds", format_func=lambda k: k.replace("-", " "))
        st.toggle("Show arrival, transfers, overnight and departure", key="logistics", on_change=drop_logistics)
        st.toggle("Show the participants' home countries", key="home")
        st.button("Reset filters", on_click=reset_view, icon=":material/restart_alt:")
    state = st.session_state
    return Filter.of(
        themes=state.themes,
        cities=state.cities,
        days=[days[d] for d in state.days],
        kinds=kinds_facet(program, state.kinds, state.logistics),
    )


def sync_link(view: View) -> str:
    """Write the view into the address bar and return the link to share."""
    wanted = view_query(view)
    if address_query() != wanted:
        st.query_params.from_dict(wanted)
    return share_url(app_url(), view)


def header(program: Program) -> None:
    st.title(program.title)
    cities = " → ".join(city.name for city in program.cities.values())
    dates = f"{program.start_date.day}–{program.end_date.day} {program.end_date:%B %Y}"
    seminar = [t for t in program.themes.values() if t.group == "seminar"]
    st.markdown(
        f"**{plain(dates)}** · {plain(cities)} · " + " · ".join(f"{swatch(t.colour)} {plain(t.label)}" for t in seminar)
    )
    if program.summary:
        st.caption(plain(program.summary))


def session_card(program: Program, session: Session, version: str) -> None:
    venue = program.venues[session.venue]
    with st.container(border=True):
        top, close = st.columns([6, 1])
        top.subheader(plain(session.title))
        close.button("Close", on_click=select, args=(None,), key="close-card", icon=":material/close:")
        when = f"{session.start:%H:%M}–{session.end:%H:%M}" if session.start and session.end else "time not given"
        st.markdown(f"**{plain(f'{session.date:%A} {session.date.day} {session.date:%B %Y}')}** · {plain(when)}")
        st.markdown(plain(venue_location(venue)))
        location = f"Location: {PRECISION_LABELS[venue.precision]} · confidence in the venue: {venue.confidence}"
        st.caption(plain(location + (f" · {venue.note}" if venue.note else "")))
        if session.themes:
            labels = [f"{swatch(program.themes[t].colour)} {program.themes[t].label}" for t in session.themes]
            st.markdown(plain(" · ".join(labels)))
        if session.description:
            st.markdown(plain(session.description))
        one = Filter.of(sessions=[session.id])
        st.markdown("**Add to your calendar**")
        links = st.container(horizontal=True)
        links.download_button(
            "Apple Calendar and others (.ics)",
            data=lambda: calendar_bytes(program, version, one, config.base_url()),
            file_name=file_name(program, one),
            mime="text/calendar",
            key="card-ics",
            icon=":material/event:",
            on_click="ignore",
        )
        for service, link in add_links(program, session).items():
            links.link_button(service, link, icon=":material/open_in_new:")


def agenda(program: Program, sessions: list[Session]) -> None:
    st.subheader("Agenda")
    if not sessions:
        st.info("No session matches these filters.")
        return
    pages = (len(sessions) - 1) // AGENDA_PAGE + 1
    page = st.number_input("Page", 1, pages, 1, key="page") if pages > 1 else 1
    shown = sessions[(page - 1) * AGENDA_PAGE : page * AGENDA_PAGE]
    day = None
    for session in shown:
        if session.date != day:
            day = session.date
            st.markdown(f"##### {plain(f'{day:%A} {day.day} {day:%B}')}")
        venue = program.venues[session.venue]
        mark = swatch(program.themes[session.themes[0]].colour) if session.themes else "⬜"
        st.button(
            f"{mark} {plain(session.title)}",
            key=f"agenda-{session.id}",
            on_click=select,
            args=(session.id,),
            type="tertiary",
        )
        details = f"{day_label(session)} · {program.cities[session.city].name} · {venue.name} · {session.kind}"
        st.caption(plain(details + (" · cancelled" if session.status == "cancelled" else "")))


def subscribe(program: Program, feed: Feed, key: str) -> None:
    url = feed_url(app_url(), feed)
    st.markdown(f"**Subscribe: {plain(feed.label)}**")
    st.caption("Your calendar checks the feed for changes by itself.")
    buttons = st.container(horizontal=True)
    for service, link in subscribe_links(url, f"{program.short_title} — {feed.label}").items():
        buttons.link_button(service, link, icon=":material/sync:", key=f"{key}-{service}")
    st.code(url, language=None, wrap_lines=True)


def subscriptions(program: Program, selection: Filter) -> None:
    exact = feed_for(program, selection)
    if exact:
        subscribe(program, exact, "view")
        return
    st.caption(
        "Feeds cover the whole program, each theme, each city and each theme in one city. "
        "This view has none of its own; here are the closest."
    )
    nearest = [
        f for f in feeds(program) if f.selection.themes <= selection.themes and f.selection.cities <= selection.cities
    ]
    for index, feed in enumerate(nearest[-3:]):
        subscribe(program, feed, f"near-{index}")


def downloads(program: Program, selection: Filter, version: str) -> None:
    base = config.base_url()
    left, middle, right = st.columns([2, 1, 2])
    with middle.popover("Subscribe", icon=":material/sync:", width="stretch"):
        subscriptions(program, selection)
    left.download_button(
        "Download this view (.ics)",
        data=lambda: calendar_bytes(program, version, selection, base),
        file_name=file_name(program, selection),
        mime="text/calendar",
        icon=":material/download:",
        on_click="ignore",
        width="stretch",
    )
    right.download_button(
        "Download the whole program (.ics)",
        data=lambda: calendar_bytes(program, version, Filter(), base),
        file_name=file_name(program),
        mime="text/calendar",
        icon=":material/calendar_month:",
        on_click="ignore",
        width="stretch",
    )


def main() -> None:
    folder = default_program_dir()
    version = data_version(folder) if folder.is_dir() else ""
    program, problems = cached_program(str(folder), version)
    if program is None:
        show_problems(folder, problems)
        return
    publish_feeds(program, version)
    restore_view(program)
    header(program)
    for notice in st.session_state.notices:
        st.warning(plain(notice), icon=":material/link_off:")
    selection = filters(program)
    sessions = selection.apply(program)
    selected = st.session_state.selected if st.session_state.selected in program.sessions_by_id else None
    view = View(selection, selected, st.session_state.home)
    link = sync_link(view)
    with st.sidebar.popover("Share this view", icon=":material/link:", width="stretch"):
        st.code(link, language=None, wrap_lines=True)
    label = describe(program, selection) or "All sessions"
    st.markdown(f"**{len(sessions)} of {len(program.sessions)} sessions** · {plain(label)}")
    downloads(program, selection, version)
    map_column, card_column = st.columns([3, 2])
    with map_column:
        deck = build_deck(program, sessions, selected, st.session_state.home)
        st.pydeck_chart(
            deck,
            key="map",
            on_select=lambda: pick_from(
                "map", lambda s: next((o[0]["session_id"] for o in s.objects.values() if o), None)
            ),
            selection_mode="single-object",
            height=460,
        )
        st.caption("Filled dot: exact place. Ring with a halo: approximate; the halo shows how far off it may be.")
    with card_column:
        if selected:
            session_card(program, program.sessions_by_id[selected], version)
        else:
            st.info("Select a session on the map, the timeline or the agenda to see its details.")
    st.vega_lite_chart(
        build_timeline(program, sessions, selected).to_dict(validate=False),  # tests validate the spec
        key="timeline",
        on_select=lambda: pick_from("timeline", lambda s: next(iter(s.get(SELECTION) or []), {}).get("id")),
        selection_mode=SELECTION,
        width="stretch",
    )
    agenda(program, sessions)


main()
