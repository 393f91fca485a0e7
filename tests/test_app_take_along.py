"""Taking the program along, in AppTest: the card's map links and driver view, and the Print (PDF) downloads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pages import card, card_texts, card_title, dashboard, downloaded, record_downloads
from streamlit.testing.v1 import AppTest

from kizuna import cli
from kizuna.checks.loading import load_program
from kizuna.printing import fonts, itinerary
from kizuna.program.filtering import Filter
from kizuna.program.text import plain
from kizuna.views.share import View

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = load_program(ROOT / "data" / "2019")
HOSTILE = ROOT / "tests" / "fixtures" / "good" / "hostile-text"
BASE = "http://localhost:8501/"  # the page's address in AppTest, which the Share link starts with
KARATO = "visit-karato-market"
MAP_SERVICES = ("Google Maps", "Apple Maps", "Android maps (geo:)")


@pytest.fixture(autouse=True)
def built_in_program(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KIZUNA_PROGRAM", "KIZUNA_PROGRAMS", "KIZUNA_DEFAULT_PROGRAM", "KIZUNA_BASE_URL", fonts.FONT_ENV):
        monkeypatch.delenv(name, raising=False)


def map_buttons(at: AppTest) -> dict[str, str]:
    return {b.proto.label: b.proto.url for b in card(at).get("link_button") if b.proto.label in MAP_SERVICES}


def card_captions(at: AppTest) -> list[str]:
    return [c.value for c in card(at).caption]


# Open in maps


def test_the_card_opens_a_known_venue_at_its_point_in_three_maps_apps() -> None:
    at = dashboard({"session": "visit-tsunoshima-bridge"})
    assert map_buttons(at) == {
        "Google Maps": "https://www.google.com/maps/search/?api=1&query=34.3525%2C130.8869",
        "Apple Maps": "https://maps.apple.com/?ll=34.3525%2C130.8869&q=Tsunoshima%20Bridge",
        "Android maps (geo:)": "geo:34.3525,130.8869?q=34.3525,130.8869(Tsunoshima%20Bridge)",
    }
    assert not [text for text in card_captions(at) if "map's point" in text]  # exact and certain: nothing to say


def test_an_approximate_venues_map_links_say_how_far_off_the_point_may_be() -> None:
    at = dashboard({"session": KARATO})
    assert set(map_buttons(at)) == set(MAP_SERVICES)
    assert plain("The links open the map's point, approximate (within about 500 m).") in card_captions(at)


def test_a_route_has_no_map_links_and_no_driver_view() -> None:
    at = dashboard({"session": "transfer-to-shimonoseki"})
    assert card_title(at) == plain("Transfer from Tokyo to Shimonoseki")
    assert map_buttons(at) == {}
    assert "**Open in maps**" not in card_texts(at)
    assert "driver-show" not in [b.key for b in card(at).button]
    assert "card-pdf" in [b.key for b in at.get("download_button")]  # it can still be printed


# Show the driver


def test_the_driver_view_shows_the_japanese_name_and_address_as_text_and_goes_back_to_the_card() -> None:
    at = dashboard({"session": KARATO})
    at.button(key="driver-show").click().run()
    assert card_title(at) == plain("Visit to Karato Market")
    assert card_texts(at) == [plain("唐戸市場"), plain("山口県下関市唐戸町5-50")]
    assert card_captions(at)[:2] == ["Karato Market", plain("5-50 Karato-cho, Shimonoseki")]
    at.button(key="driver-back").click().run()
    assert "**Open in maps**" in card_texts(at)
    assert "driver-show" in [b.key for b in card(at).button]


def test_another_session_opens_on_its_card_not_on_the_driver_view() -> None:
    at = dashboard({"session": "briefing-shimonoseki-city"})
    at.button(key="driver-show").click().run()
    at.button(key="agenda-courtesy-call-mayor").click().run()
    assert card_title(at) == plain("Courtesy call on the Mayor of Shimonoseki City")
    assert "driver-back" not in [b.key for b in card(at).button]


def test_hostile_venue_text_in_large_type_stays_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no Japanese name the driver reads the English one: the fixture's HTML and Markdown, shown as written."""
    folder = shutil.copytree(HOSTILE, tmp_path / "hostile")
    venues = folder / "venues.csv"
    venues.write_text(venues.read_text(encoding="utf-8").replace(",東京駅,", ",,", 1), encoding="utf-8")
    monkeypatch.setenv("KIZUNA_PROGRAM", str(folder))
    hostile = load_program(folder)
    at = dashboard({"session": "arrival"})
    at.button(key="driver-show").click().run()
    assert not at.exception
    name = hostile.venues["tokyo-station"].name
    assert name.startswith("<i>Venue</i> & [markdown](x)")
    assert card_texts(at) == [plain(name), plain(hostile.venues["tokyo-station"].address)]
    assert plain("The program gives no Japanese name for this venue.") in card_captions(at)
    styles = [html.proto.body for html in at.get("html")]
    assert styles
    assert all("Venue" not in body for body in styles)  # our own style only, never user text


# Print (PDF)


def cli_print(tmp_path: Path, options: list[str], paper: str) -> bytes:
    path = tmp_path / f"cli-{paper}.pdf"
    assert cli.main(["print", *options, "--paper", paper, "--base-url", BASE, "-o", str(path)]) == 0
    return path.read_bytes()


@pytest.mark.parametrize("paper", ["a4", "a6"])
def test_the_print_download_equals_kizuna_print_for_the_same_view(
    paper: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = record_downloads(monkeypatch)
    at = dashboard({"theme": "tourism-promotion", "city": "shimonoseki", "session": KARATO})  # the card stays out
    page_bytes = downloaded(at, found, f"print-{paper}")
    assert page_bytes.startswith(b"%PDF-")
    assert page_bytes == cli_print(tmp_path, ["--theme", "tourism-promotion", "--city", "shimonoseki"], paper)


def test_the_cards_print_is_that_one_session_its_link_opening_the_card(monkeypatch: pytest.MonkeyPatch) -> None:
    found = record_downloads(monkeypatch)
    at = dashboard({"city": "tokyo", "session": KARATO})
    view = View(Filter.of(sessions=[KARATO]), open_session=KARATO)
    assert downloaded(at, found, "card-pdf") == itinerary.print_view(PROGRAM, view, BASE, "a4")


def test_reruns_print_nothing_until_a_download_is_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple] = []
    monkeypatch.setattr(itinerary, "print_view", lambda *args: calls.append(args) or b"%PDF-")
    at = dashboard({"session": KARATO})
    for themes in (["tourism-promotion"], [], ["multiculturalism"]):
        at.multiselect(key="themes").set_value(themes).run()
    at.button(key="driver-show").click().run()
    assert not at.exception
    assert calls == []


@pytest.mark.parametrize("font", ["none", "not a font"])
def test_without_a_japanese_font_the_page_says_printing_is_unavailable_instead_of_offering_it(
    font: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "JAPANESE_FONTS", (tmp_path / "none.ttf",))
    if font == "not a font":
        (tmp_path / "font.ttf").write_text("hello", encoding="utf-8")
        monkeypatch.setenv(fonts.FONT_ENV, str(tmp_path / "font.ttf"))
    at = dashboard({"session": KARATO})
    keys = {button.key for button in at.get("download_button")}
    assert not keys & {"card-pdf", "print-a4", "print-a6"}
    said = [w.value for w in at.warning if "Printing is not available on this server" in w.value]
    assert len(said) == 1
    assert plain(fonts.FONT_PACKAGE if font == "none" else "cannot be read as a font") in said[0]
    assert "card-ics" in keys  # the rest of the card stays
