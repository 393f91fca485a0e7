"""On a phone held sideways: the card's map links, and the driver view read at arm's length."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Locator, Page, expect
from test_printing import qr_code, text_of

from kizuna.calendars.links import map_links
from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.program.filtering import Filter

from .conftest import download, open_view, wait_ready
from .test_accessibility import axe_violations, blocking, describe, require_axe

PROGRAM = load_program(BUILT_IN_PROGRAM)
LANDSCAPE = {"width": 844, "height": 390}  # a 6.1" phone held sideways
KARATO = PROGRAM.sessions_by_id["visit-karato-market"]
MIN_PIXELS = 28  # what a driver reads at arm's length


def text_box(text: Locator) -> dict:
    """Font size and how the element lies across the screen: its edges and any width it hides."""
    text.scroll_into_view_if_needed()
    return text.evaluate(
        """n => {
            const box = n.getBoundingClientRect();
            return {size: parseFloat(getComputedStyle(n).fontSize), left: box.left, right: box.right,
                    hidden: n.scrollWidth - n.clientWidth};
        }"""
    )


def test_a_phone_held_sideways_shows_the_driver_the_venue_large_and_opens_it_in_maps(
    fresh_context, app_url: str
) -> None:
    phone = fresh_context(viewport=LANDSCAPE, is_mobile=True, has_touch=True).new_page()
    open_view(phone, f"{app_url}/?session={KARATO.id}")
    card = phone.get_by_role("dialog")
    expect(card).to_be_visible()
    links = map_links(PROGRAM, KARATO)
    for service, href in links.items():
        expect(card.get_by_role("link", name=service)).to_have_attribute("href", href)
    assert links["Android maps (geo:)"].startswith("geo:")  # the scheme survives into the page's link

    card.get_by_role("button", name="Show the driver").tap()
    venue = PROGRAM.venues[KARATO.venue_id]
    assert venue.address_ja, "the 2019 program gives Karato Market's address in Japanese"
    name, address = card.get_by_text(venue.name_ja, exact=True), card.get_by_text(venue.address_ja, exact=True)
    expect(address).to_be_visible()
    wait_ready(phone)
    for text in (name, address):
        expect(text).to_be_visible()
        box = text_box(text)
        assert box["size"] >= MIN_PIXELS, box
        assert box["left"] >= 0, box
        assert box["right"] <= LANDSCAPE["width"], box
        assert box["hidden"] <= 0, box
    for small in (venue.name, venue.address):  # the English name and address, small, for the visitor
        expect(card.get_by_text(small, exact=True)).to_be_visible()
        assert text_box(card.get_by_text(small, exact=True))["size"] < MIN_PIXELS
    assert phone.evaluate("document.documentElement.scrollWidth") <= LANDSCAPE["width"]
    assert card.evaluate("n => n.scrollWidth - n.clientWidth") <= 0

    require_axe()
    found = blocking(axe_violations(phone))
    assert not found, describe(found, "the driver view")

    card.get_by_role("button", name="Back to the card").tap()
    expect(card.get_by_role("link", name="Google Maps")).to_be_visible()


def test_the_print_download_is_the_view_its_qr_code_the_address_bar(page: Page, app_url: str, tmp_path: Path) -> None:
    open_view(page, f"{app_url}/?theme=tourism-promotion&city=shimonoseki")
    page.get_by_role("button", name="Print (PDF)").click()
    path = download(page, "A4, the desk copy", tmp_path)
    assert path.name.endswith("-a4.pdf")
    assert path.read_bytes().startswith(b"%PDF-")
    text = text_of(path)
    shown = Filter.of(themes=["tourism-promotion"], cities=["shimonoseki"]).apply(PROGRAM)
    assert shown
    for session in PROGRAM.sessions:
        assert (session.title in text) == (session in shown), session.title
    assert qr_code(path, tmp_path) == page.url  # the printed view opens again from paper
