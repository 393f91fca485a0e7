"""iCalendar (RFC 5545) export: the same bytes for the same data, filter and language, on any machine.

A calendar is in the reader's language (the current context's): the program's texts, the labels of the description
and the calendar's name; outside English, SUMMARY and DESCRIPTION say their language (RFC 5545's LANGUAGE parameter).
An English calendar is written as it always was.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.lists import format_list
from icalendar import Calendar, Event, Timezone, vDuration

from kizuna.i18n import SOURCE, language, locale, visitors
from kizuna.program.filtering import Filter, describe, slug
from kizuna.program.languages import in_language, language_of
from kizuna.program.model import Program, Session, Venue
from kizuna.program.text import clean_text, one_line
from kizuna.views.share import View, share_url

_ = visitors.gettext
PRODID = "-//Kizuna//Kizuna seminar program//EN"
END = b"END:VCALENDAR\r\n"


def session_uid(program: Program, session: Session) -> str:
    """Stable across exports, machines and filters: made only of the two ids."""
    return f"{session.id}@{program.id}.kizuna"


def session_url(base_url: str, program: Program, session: Session) -> str:
    """The session's card on the dashboard; naming the program keeps it right when the default program changes. A
    calendar in another language than English opens the card in that language."""
    lang = None if language() == SOURCE else language()
    return share_url(base_url, View(program=program.id, open_session=session.id, lang=lang))


def venue_location(venue: Venue) -> str:
    """'Chofu Mori Residence (長府毛利邸), 4-10 Chofu Soja-machi, Shimonoseki': the name in Japanese too, where it
    differs."""
    name = f"{venue.name} ({venue.name_ja})" if venue.name_ja and venue.name_ja != venue.name else venue.name
    return f"{name}, {venue.address}" if venue.address else name


def precision_note(precision: str) -> str:
    """What the description says of a map point that is not the venue's exact place ('' for an exact one); each
    radius as model.within words it (the tests check they agree)."""
    if precision == "approximate":
        return _("Location approximate: the place is known, the map point is within about 500 m.")
    if precision == "district":
        return _(
            "Location approximate: only the area is known; the map point is the area's centre (within about 3 km)."
        )
    if precision == "city":
        return _("Location unknown: only the city is known; the map point is the city centre.")
    return ""


def listed(items: Sequence[str]) -> str:
    """'Tourism Promotion, Regional Revitalisation': a list as the language writes one ('観光振興、地域活性化')."""
    if language() == SOURCE:
        return ", ".join(items)
    return format_list(list(items), style="standard", locale=locale())


def event_description(program: Program, session: Session, venue: Venue) -> str:
    lines = [clean_text(session.description), ""] if session.description else []
    if session.to_city:
        lines.append(_("To: {city}").format(city=program.cities[session.to_city].name))
    lines.append(_("Venue: {venue}").format(venue=venue_location(venue)))
    if venue.address_ja:
        lines.append(_("Address in Japanese: {address}").format(address=venue.address_ja))
    if precision_note(venue.precision):
        lines.append(precision_note(venue.precision))
    if venue.note:
        lines.append(_("Venue note: {note}").format(note=venue.note))
    if session.themes:
        themes = listed([program.themes[theme].label for theme in session.themes])
        lines.append(_("Themes: {themes}").format(themes=themes))
    if program.source:
        lines.append(_("Source: {source}").format(source=program.source))
    return clean_text("\n".join(lines))


def in_text(lang: str) -> dict[str, dict[str, str]]:
    """The LANGUAGE parameter of a text in `lang`, in a calendar in the reader's language: none in an English one."""
    return {} if language() == SOURCE else {"parameters": {"LANGUAGE": lang}}


def session_times(program: Program, session: Session) -> tuple[date | datetime, date | datetime | None]:
    """All-day (end exclusive, next day) without a clock time; zoned local times otherwise."""
    if session.start is None:
        return session.date, session.date + timedelta(days=1)
    zone = ZoneInfo(program.timezone)
    start = datetime.combine(session.date, session.start, tzinfo=zone)
    end = datetime.combine(session.date, session.end, tzinfo=zone) if session.end else None
    return start, end


def build_event(program: Program, session: Session, base_url: str | None = None) -> Event:
    venue = program.venues[session.venue_id]
    start, end = session_times(program, session)
    event = Event()
    event.add("uid", session_uid(program, session))
    event.add("dtstamp", max(program.updated, session.modified) if session.modified else program.updated)
    if session.modified:  # a published program's session changed since its first version (publishing.history)
        event.add("last-modified", session.modified)
    event.add("sequence", session.revision)
    event.add("status", session.status.upper())
    event.add("summary", one_line(session.title), **in_text(language_of(program, session, "title")))
    event.add("dtstart", start)
    if end is not None:
        event.add("dtend", end)
    event.add("location", one_line(venue_location(venue)))
    event.add("geo", (venue.lat, venue.lon))
    event.add("description", event_description(program, session, venue), **in_text(language()))
    if session.themes:
        event.add("categories", [one_line(program.themes[theme].label) for theme in session.themes])
    if base_url:
        event.add("url", session_url(base_url, program, session))
    return event


def build_calendar(
    program: Program,
    sessions: Iterable[Session],
    *,
    name: str = "",
    base_url: str | None = None,
    refresh: timedelta | None = None,
) -> Calendar:
    """A VCALENDAR of the sessions of a program in the reader's language (`in_language`), with VTIMEZONEs generated
    by icalendar for the years used."""
    sessions = list(sessions)
    calendar = calendar_head(program, sessions, name=name, refresh=refresh)
    for session in sessions:
        calendar.add_component(build_event(program, session, base_url))
    return calendar


def calendar_head(
    program: Program, sessions: Sequence[Session], *, name: str = "", refresh: timedelta | None = None
) -> Calendar:
    """The VCALENDAR's properties and the VTIMEZONE its events need: everything but the events."""
    title = one_line(f"{program.title} — {name}" if name else program.title)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", title)
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", program.timezone)
    if refresh is not None:
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(refresh))
    timed = [session.date.year for session in sessions if session.start]
    if timed:  # the one TZID events use: icalendar generates its VTIMEZONE for those years only
        first, last = date(min(timed), 1, 1), date(max(timed) + 1, 1, 1)
        calendar.add_component(Timezone.from_tzid(program.timezone, first_date=first, last_date=last))
    return calendar


def export_ics(
    program: Program,
    view_filter: Filter = Filter(),
    *,
    base_url: str | None = None,
    refresh: timedelta | None = None,
    made: dict[str, bytes] | None = None,
) -> bytes:
    """The filtered program as .ics bytes in the reader's language: what the CLI writes and the dashboard
    downloads. `made` keeps each event's bytes for the next export of the same program in the same language with
    the same base URL: a program's feeds share their events, so each is made once (`feeds.write_feeds`)."""
    program = in_language(program, language())
    sessions = view_filter.apply(program)
    head = calendar_head(program, sessions, name=describe(program, view_filter), refresh=refresh).to_ical()
    made = {} if made is None else made
    events = b"".join(event_bytes(program, session, base_url, made) for session in sessions)
    return head.removesuffix(END) + events + END  # where Calendar.to_ical puts its events, the same bytes


def event_bytes(program: Program, session: Session, base_url: str | None, made: dict[str, bytes]) -> bytes:
    if session.id not in made:
        made[session.id] = build_event(program, session, base_url).to_ical()
    return made[session.id]


def file_name(program: Program, view_filter: Filter = Filter(), suffix: str = ".ics") -> str:
    """Says what the file holds, e.g. 'kizuna-2019-tourism-promotion.ics' ('-a4.pdf' for a printed itinerary)."""
    part = slug(program, view_filter)
    stem = f"kizuna-{program.start_date.year}"
    return f"{stem}-{part}{suffix}" if part else f"{stem}{suffix}"
