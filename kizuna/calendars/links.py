"""Add-to-calendar and subscribe links for web calendars, and open-in-maps links, in each service's documented URL
format. The events they fill in and the names of the services are in the reader's language (the current context's):
'Google Agenda' in French, 'Google カレンダー' in Japanese, as each service calls itself there."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import quote, urlencode

from kizuna.calendars.ics import event_description, session_times, venue_location
from kizuna.i18n import N_, visitors
from kizuna.program.model import Program, Session, Venue
from kizuna.program.text import one_line
from kizuna.views.maps import CONFIDENCE_LABELS, precision_label

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/deeplink/compose"
OFFICE365 = "https://outlook.office.com/calendar/deeplink/compose"
YAHOO = "https://calendar.yahoo.com/"
GOOGLE_SUBSCRIBE = "https://calendar.google.com/calendar/r"
OUTLOOK_SUBSCRIBE = "https://outlook.live.com/calendar/0/addfromweb"
OFFICE365_SUBSCRIBE = "https://outlook.office.com/calendar/0/addfromweb"
GOOGLE_MAPS = "https://www.google.com/maps/search/"
APPLE_MAPS = "https://maps.apple.com/"
# The services' names as each calls itself in the reader's language.
GOOGLE_CALENDAR = N_("Google Calendar")
YAHOO_CALENDAR = N_("Yahoo Calendar")
APPLE_CALENDAR = N_("Apple Calendar / webcal")
GOOGLE_MAPS_NAME = N_("Google Maps")
APPLE_MAPS_NAME = N_("Apple Maps")
ANDROID_MAPS_NAME = N_("Android maps (geo:)")
_ = visitors.gettext


def utc(moment: date | datetime) -> datetime:
    return moment.astimezone(UTC)  # type: ignore[union-attr]


def compact(moment: date | datetime) -> str:
    """20191216 for a date, 20191216T003000Z for a zoned time."""
    return f"{moment:%Y%m%d}" if not isinstance(moment, datetime) else f"{utc(moment):%Y%m%dT%H%M%SZ}"


def iso(moment: date | datetime) -> str:
    return moment.isoformat() if not isinstance(moment, datetime) else f"{utc(moment):%Y-%m-%dT%H:%M:%SZ}"


def event_fields(program: Program, session: Session) -> tuple[date | datetime, date | datetime, str, str, str]:
    """Start, end (exclusive next day when all-day; the start when no end is known), title, details, location."""
    venue = program.venues[session.venue_id]
    start, end = session_times(program, session)
    details = event_description(program, session, venue)
    return start, end or start, one_line(session.title), details, one_line(venue_location(venue))


def google_link(program: Program, session: Session) -> str:
    start, end, title, details, location = event_fields(program, session)
    query = {"action": "TEMPLATE", "text": title, "dates": f"{compact(start)}/{compact(end)}"}
    query |= {"details": details, "location": location, "ctz": program.timezone}
    return f"{GOOGLE}?{urlencode(query, quote_via=quote)}"


def outlook_link(program: Program, session: Session, service: str = OUTLOOK) -> str:
    start, end, title, details, location = event_fields(program, session)
    query = {"path": "/calendar/action/compose", "rru": "addevent", "subject": title}
    query |= {"startdt": iso(start), "enddt": iso(end), "allday": str(session.start is None).lower()}
    query |= {"body": details, "location": location}
    return f"{service}?{urlencode(query, quote_via=quote)}"


def yahoo_link(program: Program, session: Session) -> str:
    start, end, title, details, location = event_fields(program, session)
    query = {"v": "60", "title": title, "st": compact(start), "et": compact(end)}
    if session.start is None:
        query["dur"] = "allday"
    query |= {"desc": details, "in_loc": location}
    return f"{YAHOO}?{urlencode(query, quote_via=quote)}"


def add_links(program: Program, session: Session) -> dict[str, str]:
    """Service name -> a link that opens that service's new-event form filled in with the session."""
    return {
        _(GOOGLE_CALENDAR): google_link(program, session),
        "Outlook.com": outlook_link(program, session, OUTLOOK),
        "Office 365": outlook_link(program, session, OFFICE365),
        _(YAHOO_CALENDAR): yahoo_link(program, session),
    }


def webcal(feed_url: str) -> str:
    return "webcal://" + feed_url.split("://", 1)[-1]


def subscribe_links(feed_url: str, name: str) -> dict[str, str]:
    """Ways to subscribe to a published feed, so later changes reach the calendar by themselves."""
    return {
        _(APPLE_CALENDAR): webcal(feed_url),
        _(GOOGLE_CALENDAR): f"{GOOGLE_SUBSCRIBE}?{urlencode({'cid': webcal(feed_url)}, quote_via=quote)}",
        "Outlook.com": f"{OUTLOOK_SUBSCRIBE}?{urlencode({'url': feed_url, 'name': name}, quote_via=quote)}",
        "Office 365": f"{OFFICE365_SUBSCRIBE}?{urlencode({'url': feed_url, 'name': name}, quote_via=quote)}",
    }


def degrees(value: float) -> str:
    """A coordinate to a tenth of a metre, without trailing zeros: 35.6846, never 3.5e-05."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def map_links(program: Program, session: Session) -> dict[str, str]:
    """Maps app -> a link opening the session's venue at its point; none for a transfer, which has no place."""
    if session.is_route:
        return {}
    venue = program.venues[session.venue_id]
    point, name = f"{degrees(venue.lat)},{degrees(venue.lon)}", one_line(venue.name)
    return {
        _(GOOGLE_MAPS_NAME): f"{GOOGLE_MAPS}?{urlencode({'api': '1', 'query': point}, quote_via=quote)}",
        _(APPLE_MAPS_NAME): f"{APPLE_MAPS}?{urlencode({'ll': point, 'q': name}, quote_via=quote)}",
        _(ANDROID_MAPS_NAME): f"geo:{point}?q={point}({quote(name, safe='')})",
    }


def map_note(venue: Venue) -> str:
    """Said next to the map links when their point is not the venue's exact place, or the venue is not certain."""
    precise, certain = venue.precision == "exact", venue.confidence == "high"
    if precise and certain:
        return ""
    confidence = _(CONFIDENCE_LABELS[venue.confidence]) if venue.confidence in CONFIDENCE_LABELS else venue.confidence
    if precise:
        return _("Confidence in the venue: {confidence}.").format(confidence=confidence)
    precision = precision_label(venue.precision)
    if certain:
        return _("The links open the map's point, {precision}.").format(precision=precision)
    note = _("The links open the map's point, {precision}; confidence in the venue: {confidence}.")
    return note.format(precision=precision, confidence=confidence)
