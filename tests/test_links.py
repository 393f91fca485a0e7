"""Add-to-calendar, subscribe and open-in-maps links, checked against each service's documented URL format."""

from __future__ import annotations

from dataclasses import replace
from datetime import time
from urllib.parse import parse_qs, urlsplit

import pytest

from kizuna.calendars.links import (
    add_links,
    google_link,
    map_links,
    map_note,
    outlook_link,
    subscribe_links,
    webcal,
    yahoo_link,
)
from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.program.model import Program

PROGRAM = load_program(BUILT_IN_PROGRAM)
KARATO = PROGRAM.sessions_by_id["visit-karato-market"]
TIMED = replace(KARATO, start=time(9, 30), end=time(11, 0))  # 09:30 JST is 00:30 UTC


def params(url: str) -> dict[str, str]:
    query = parse_qs(urlsplit(url).query, keep_blank_values=True)
    assert all(len(values) == 1 for values in query.values()), query
    return {key: values[0] for key, values in query.items()}


def with_session(session) -> Program:
    return replace(PROGRAM, sessions=(session,))


def test_google_all_day_uses_the_next_day_as_exclusive_end() -> None:
    url = google_link(PROGRAM, KARATO)
    assert url.startswith("https://calendar.google.com/calendar/render?")
    query = params(url)
    assert query["action"] == "TEMPLATE"
    assert query["dates"] == "20191220/20191221"
    assert query["text"] == "Visit to Karato Market"
    assert "唐戸市場" in query["location"]
    assert query["details"].startswith(KARATO.description)


def test_google_timed_session_is_given_in_utc() -> None:
    query = params(google_link(with_session(TIMED), TIMED))
    assert query["dates"] == "20191220T003000Z/20191220T020000Z"
    assert query["ctz"] == "Asia/Tokyo"


@pytest.mark.parametrize("host", ["https://outlook.live.com", "https://outlook.office.com"])
def test_outlook_compose_links_for_all_day_and_timed_sessions(host: str) -> None:
    service = f"{host}/calendar/deeplink/compose"
    all_day = params(outlook_link(PROGRAM, KARATO, service))
    assert all_day["path"] == "/calendar/action/compose"
    assert all_day["rru"] == "addevent"
    assert (all_day["startdt"], all_day["enddt"], all_day["allday"]) == ("2019-12-20", "2019-12-21", "true")
    assert all_day["subject"] == "Visit to Karato Market"
    timed = params(outlook_link(with_session(TIMED), TIMED, service))
    assert (timed["startdt"], timed["enddt"], timed["allday"]) == (
        "2019-12-20T00:30:00Z",
        "2019-12-20T02:00:00Z",
        "false",
    )


def test_yahoo_all_day_and_timed() -> None:
    all_day = params(yahoo_link(PROGRAM, KARATO))
    assert urlsplit(yahoo_link(PROGRAM, KARATO)).netloc == "calendar.yahoo.com"
    assert (all_day["v"], all_day["st"], all_day["et"], all_day["dur"]) == ("60", "20191220", "20191221", "allday")
    assert all_day["title"] == "Visit to Karato Market"
    timed = params(yahoo_link(with_session(TIMED), TIMED))
    assert (timed["st"], timed["et"]) == ("20191220T003000Z", "20191220T020000Z")
    assert "dur" not in timed


def test_every_service_gets_a_link_and_text_is_percent_encoded() -> None:
    hostile = replace(KARATO, title="A & B = C?\nD#E")
    links = add_links(with_session(hostile), hostile)
    assert set(links) == {"Google Calendar", "Outlook.com", "Office 365", "Yahoo Calendar"}
    for url in links.values():
        assert " " not in url
        assert "\n" not in url
        decoded = params(url)
        assert "A & B = C? D#E" in decoded.values()


def test_subscribe_links_point_at_the_feed() -> None:
    feed = "https://kizuna.example.org/app/static/feeds/kizuna-2019-tourism-promotion.ics"
    links = subscribe_links(feed, "Seminar 2019 — Tourism Promotion")
    assert (
        links["Apple Calendar / webcal"]
        == "webcal://kizuna.example.org/app/static/feeds/kizuna-2019-tourism-promotion.ics"
    )
    assert params(links["Google Calendar"]) == {"cid": webcal(feed)}
    for name, host in (("Outlook.com", "outlook.live.com"), ("Office 365", "outlook.office.com")):
        assert urlsplit(links[name]).netloc == host
        assert urlsplit(links[name]).path == "/calendar/0/addfromweb"
        assert params(links[name]) == {"url": feed, "name": "Seminar 2019 — Tourism Promotion"}


def test_map_links_open_the_venue_point_in_google_apple_and_android_maps() -> None:
    assert map_links(PROGRAM, KARATO) == {
        "Google Maps": "https://www.google.com/maps/search/?api=1&query=33.9575%2C130.944",
        "Apple Maps": "https://maps.apple.com/?ll=33.9575%2C130.944&q=Karato%20Market",
        "Android maps (geo:)": "geo:33.9575,130.944?q=33.9575,130.944(Karato%20Market)",
    }


def test_a_venue_name_is_one_line_percent_encoded_so_it_cannot_end_the_label_or_add_a_parameter() -> None:
    venue = replace(PROGRAM.venues[KARATO.venue_id], name="Bar (1) & Grill?x=1#top\nnext", lat=0.00001, lon=-0.5)
    program = replace(PROGRAM, venues={**PROGRAM.venues, venue.id: venue})
    links = map_links(program, KARATO)
    assert params(links["Apple Maps"]) == {"ll": "0.00001,-0.5", "q": "Bar (1) & Grill?x=1#top next"}
    assert (
        links["Android maps (geo:)"]
        == "geo:0.00001,-0.5?q=0.00001,-0.5(Bar%20%281%29%20%26%20Grill%3Fx%3D1%23top%20next)"
    )


def test_a_transfer_is_a_route_with_no_place_so_no_map_links() -> None:
    transfer = PROGRAM.sessions_by_id["transfer-to-shimonoseki"]
    assert map_links(PROGRAM, transfer) == {}


@pytest.mark.parametrize(
    ("venue_id", "note"),
    [
        ("tsunoshima-bridge", ""),
        ("karato-market", "The links open the map's point, approximate (within about 500 m)."),
        ("chofu-garden", "The links open the map's point, district only (within about 3 km)."),
        ("tokyo-city", "The links open the map's point, city only: the venue is not known."),
        ("tokyo-tourist-information-center", "Confidence in the venue: low."),
        (
            "shimonoseki-fire-department",
            "The links open the map's point, city only: the venue is not known; confidence in the venue: low.",
        ),
    ],
)
def test_the_map_note_says_how_far_the_point_and_the_venue_can_be_trusted(venue_id: str, note: str) -> None:
    assert map_note(PROGRAM.venues[venue_id]) == note
