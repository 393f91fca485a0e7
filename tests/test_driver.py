"""What a taxi driver is shown: the venue in Japanese where the program has it, and what it lacks said plainly."""

from __future__ import annotations

from dataclasses import replace

from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.views.driver import driver_card

PROGRAM = load_program(BUILT_IN_PROGRAM)
KARATO = PROGRAM.venues["karato-market"]
BRIDGE = PROGRAM.venues["tsunoshima-bridge"]  # exact, high confidence
LATIN_ONLY = "The program gives the address in Latin letters only, not in Japanese."


def test_the_driver_reads_the_japanese_name_and_address_the_visitor_the_english_ones() -> None:
    card = driver_card(KARATO)
    assert card.name == "唐戸市場"
    assert card.address == "山口県下関市唐戸町5-50"
    assert card.small == (
        "Karato Market",
        "5-50 Karato-cho, Shimonoseki",
        "Location: approximate (within about 500 m) · confidence in the venue: high",
    )


def test_an_exact_and_certain_venue_carries_no_location_note() -> None:
    assert driver_card(BRIDGE).small == ("Tsunoshima Bridge", "Hohoku-cho Kanda – Tsunoshima, Shimonoseki")


def test_without_a_japanese_address_the_latin_one_is_shown_and_said_to_be_so() -> None:
    card = driver_card(replace(KARATO, address_ja=""))
    assert card.address == "5-50 Karato-cho, Shimonoseki"
    assert card.small[:2] == ("Karato Market", LATIN_ONLY)


def test_an_address_column_in_japanese_is_taken_as_the_japanese_address() -> None:
    card = driver_card(replace(BRIDGE, address="山口県下関市豊北町神田", address_ja=""))
    assert card.address == "山口県下関市豊北町神田"
    assert card.small == ("Tsunoshima Bridge",)


def test_without_a_japanese_name_or_an_address_it_says_so_and_shows_the_english_name() -> None:
    card = driver_card(replace(BRIDGE, name_ja="", address="", address_ja=""))
    assert card.name == "Tsunoshima Bridge"
    assert card.address == ""
    assert card.small == (
        "The program gives no Japanese name for this venue.",
        "The program gives no address for this venue.",
    )


def test_a_city_only_venue_says_the_venue_is_not_known() -> None:
    card = driver_card(PROGRAM.venues["shimonoseki-fire-department"])
    assert card.name == "下関市消防局"
    assert "住所未確認" in card.address  # the driver too is told the street is not known
    assert "Location: city only: the venue is not known · confidence in the venue: low" in card.small


def test_line_breaks_in_the_data_become_spaces() -> None:
    card = driver_card(replace(BRIDGE, name_ja="角島\n大橋", address_ja="豊北町\r\n神田"))
    assert (card.name, card.address) == ("角島 大橋", "豊北町 神田")
