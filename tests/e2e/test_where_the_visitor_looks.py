"""Where the visitor is looking: a phone's first screen, the card next to the tap, every session on a marker."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.program.filtering import Filter

from .conftest import MAP, hover_until, marker_pixel, open_view, wait_ready
from .test_dashboard import agenda_entry, count_line

PROGRAM = load_program(BUILT_IN_PROGRAM)
PHONE = {"width": 390, "height": 844}
KARATO = "visit-karato-market"


def visible_height(page: Page, selector: str) -> float:
    """How many pixels of the element's height lie inside the first screen."""
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return max(0.0, min(box["y"] + box["height"], page.viewport_size["height"]) - max(box["y"], 0.0))


def test_a_phones_first_screen_shows_the_count_the_filters_and_a_third_of_map(fresh_context, app_url: str) -> None:
    phone = fresh_context(viewport=PHONE).new_page()
    open_view(phone, app_url)
    expect(count_line(phone)).to_be_in_viewport(ratio=1)
    expect(phone.get_by_role("button", name="Expand sidebar")).to_be_in_viewport(ratio=1)
    shown = visible_height(phone, MAP)
    assert shown >= PHONE["height"] / 3, f"the map fills {shown:.0f} px of the {PHONE['height']}-px first screen"


@pytest.mark.parametrize("width", [360, 390])
def test_no_sideways_scrolling_on_a_narrow_phone(fresh_context, app_url: str, width: int) -> None:
    phone = fresh_context(viewport={"width": width, "height": 740}).new_page()
    open_view(phone, f"{app_url}/?session={KARATO}")
    expect(phone.get_by_role("dialog")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= width
    phone.keyboard.press("Escape")
    expect(phone.get_by_role("dialog")).to_have_count(0)
    wait_ready(phone)
    for selector in ("body", '[data-testid="stMain"]'):
        overflow = phone.locator(selector).evaluate("n => n.scrollWidth - n.clientWidth")
        assert overflow <= 0, f"{selector} scrolls sideways by {overflow} px at {width} px"


def test_a_tap_in_the_agenda_shows_the_card_in_view_and_closing_returns_to_the_entry(
    fresh_context, app_url: str
) -> None:
    phone = fresh_context(viewport=PHONE).new_page()
    open_view(phone, app_url)
    entry = agenda_entry(phone, KARATO)
    entry.scroll_into_view_if_needed()
    before = entry.bounding_box()
    entry.click()
    card = phone.get_by_role("dialog")
    expect(card).to_be_visible()
    expect(card.get_by_role("heading", name="Visit to Karato Market")).to_be_in_viewport(ratio=1)
    expect(card.get_by_text("Friday 20 December 2019")).to_be_in_viewport()
    expect(phone).to_have_url(f"{app_url}/?session={KARATO}")
    card.get_by_role("button", name="Close").first.click()
    expect(card).to_have_count(0)
    wait_ready(phone)
    expect(entry).to_be_in_viewport(ratio=1)
    after = entry.bounding_box()
    assert abs(after["y"] - before["y"]) <= 2, f"the page moved under the card: {before} -> {after}"
    expect(phone).to_have_url(f"{app_url}/")


CITY_HALL_KINDS = ("briefing", "courtesy-call", "exchange")  # all at the City Hall's point on the map


def test_every_session_at_the_city_hall_marker_is_reachable_by_clicking(page: Page, app_url: str) -> None:
    view_filter = Filter.of(kinds=CITY_HALL_KINDS)
    open_view(page, f"{app_url}/?" + "&".join(f"kind={kind}" for kind in CITY_HALL_KINDS))
    hall = PROGRAM.venues["shimonoseki-city-hall"]
    at_hall = [s.id for s in view_filter.apply(PROGRAM) if s.venue_id == hall.id]
    assert at_hall == ["briefing-shimonoseki-city", "courtesy-call-mayor", "opinion-exchange-session"]
    x, y = marker_pixel(page, PROGRAM, view_filter.apply(PROGRAM), hall.lon, hall.lat)
    tooltip = hover_until(page, x, y, page.get_by_text("Shimonoseki City Hall / 下関市役所"))
    expect(tooltip).to_be_visible()
    page.mouse.click(x, y)
    card = page.get_by_role("dialog")
    expect(card).to_be_visible()
    reached = []
    for session_id in at_hall:
        others = card.locator(f".st-key-here-{session_id} button")
        if others.count():
            others.click()
        expect(card.get_by_role("heading", name=PROGRAM.sessions_by_id[session_id].title)).to_be_visible()
        expect(page).to_have_url(re.compile(rf"session={session_id}$"))
        reached.append(session_id)
    assert reached == at_hall
