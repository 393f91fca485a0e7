"""The map's rules for context: the least extent of a fitted view, halos as rings, names around the venues, labels
that never overlap, and lines to capitals across the Pacific."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.i18n import speaking
from kizuna.program.languages import in_language
from kizuna.views import basemap
from kizuna.views.maps import (
    EARTH_M,
    FIT_PIXELS,
    HALO_SHARE,
    MAX_LABELLED,
    MAX_PLACES,
    MIN_EXTENT_M,
    build_deck,
    fit_view,
    mercator,
    placed,
    text_width,
)

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = load_program(BUILT_IN_PROGRAM)
WORLDWIDE = load_program(ROOT / "tests" / "fixtures" / "good" / "worldwide")


def spec(program=PROGRAM, session_ids: list[str] | None = None, **options) -> dict:
    sessions = [s for s in program.sessions if session_ids is None or s.id in session_ids]
    return json.loads(build_deck(program, sessions, **options).to_json())


def layer(deck: dict, name: str) -> dict:
    return next(item for item in deck["layers"] if item["id"] == name)


def metres_across(view: dict) -> float:
    return FIT_PIXELS[0] / (512 * 2 ** view["zoom"]) * EARTH_M * math.cos(math.radians(view["latitude"]))


@pytest.mark.parametrize("lat", [-45.0, 0.0, 26.2, 35.7, 43.1, 64.0])
def test_a_single_place_is_shown_with_at_least_the_least_extent_at_any_latitude(lat: float) -> None:
    view = fit_view([[139.0, lat]])
    assert metres_across({"zoom": view.zoom, "latitude": view.latitude}) >= MIN_EXTENT_M * 0.99


def test_two_places_farther_apart_than_the_least_extent_are_fitted_not_widened() -> None:
    view = fit_view([[130.9, 33.95], [139.7, 35.7]])
    assert metres_across({"zoom": view.zoom, "latitude": view.latitude}) > 5 * MIN_EXTENT_M


def test_a_city_wide_halo_alone_is_a_ring_and_in_the_whole_program_a_disc() -> None:
    city_wide = next(v for v in PROGRAM.venues.values() if v.precision == "city")
    session = next(s for s in PROGRAM.sessions if s.venue_id == city_wide.id)
    alone = layer(spec(session_ids=[session.id]), "uncertainty")["data"]
    assert [halo["fill"][3] for halo in alone] == [0]
    view = spec(session_ids=[session.id])["initialViewState"]
    assert 2 * city_wide.radius_m > HALO_SHARE * metres_across(view) * min(FIT_PIXELS) / FIT_PIXELS[0]
    everything = layer(spec(), "uncertainty")["data"]
    assert all(halo["fill"][3] > 0 for halo in everything)


def test_a_small_halo_keeps_its_disc_in_a_close_view() -> None:
    approximate = next(v for v in PROGRAM.venues.values() if v.precision == "approximate")
    session = next(s for s in PROGRAM.sessions if s.venue_id == approximate.id)
    assert [halo["fill"][3] for halo in layer(spec(session_ids=[session.id]), "uncertainty")["data"]] == [60]


def test_a_close_view_names_cities_around_the_venue_but_not_the_programs_own() -> None:
    deck = spec(session_ids=["visit-shinjuku-multicultural-plaza"], open_session="visit-shinjuku-multicultural-plaza")
    names = [row["name"] for row in layer(deck, "places")["data"]]
    assert 1 <= len(names) <= MAX_PLACES
    assert "Tokyo" not in names
    assert "Kawasaki" in names


def test_names_around_are_in_japanese_for_a_japanese_reader_and_never_the_programs_city_again() -> None:
    with speaking("ja"):
        deck = spec(in_language(PROGRAM, "ja"), session_ids=["visit-shinjuku-multicultural-plaza"])
    names = [row["name"] for row in layer(deck, "places")["data"]]
    assert "東京都" not in names
    assert "東京" not in names
    assert names
    assert all(any("\u3040" <= c <= "\u9fff" for c in name) for name in names), names


def test_the_whole_country_view_names_no_cities_but_the_programs() -> None:
    assert layer(spec(), "places")["data"] == []


def boxes(deck: dict, names: list[str], sizes: dict[str, float]) -> list[tuple[str, tuple]]:
    """Each drawn label's box in pixels at the deck's zoom, from its position, offset and text."""
    zoom = deck["initialViewState"]["zoom"]
    found = []
    for name in names:
        for row in layer(deck, name)["data"]:
            x, y = (v * 512 * 2**zoom for v in mercator(*row["position"]))
            dx, dy = row["offset"]
            width, height = text_width(row["name"], sizes[name]), sizes[name]
            found.append(
                (row["name"], (x + dx - width / 2, y + dy - height / 2, x + dx + width / 2, y + dy + height / 2))
            )
    return found


def overlapping(found: list[tuple[str, tuple]]) -> list[tuple[str, str]]:
    return [
        (a, b)
        for i, (a, box) in enumerate(found)
        for b, other in found[i + 1 :]
        if box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]
    ]


@pytest.mark.parametrize("program", [PROGRAM, WORLDWIDE], ids=["2019", "worldwide"])
def test_home_country_labels_do_not_overlap_and_every_country_is_in_a_tooltip(program) -> None:
    deck = spec(program, show_home=True)
    found = boxes(deck, ["cities", "home-names"], {"cities": 15, "home-names": 12})
    assert overlapping(found) == []
    tooltips = [row["label"] for row in layer(deck, "home-capitals")["data"]]
    for country in program.countries:
        assert any(label.startswith(f"{country.country}: ") for label in tooltips), country.country


def test_without_placement_the_2019_capitals_would_overlap() -> None:
    """The check above can fail: the same boxes all drawn under their points do overlap (Laos, Thailand…)."""
    deck = spec(show_home=True)
    rows = layer(deck, "home-capitals")["data"]
    for row in rows:
        row["offset"] = [0, 16]
    deck["layers"].append({"id": "unplaced", "data": rows})
    assert overlapping(boxes(deck, ["unplaced"], {"unplaced": 12}))


def test_placement_keeps_labels_apart_for_any_crowd() -> None:
    chance = random.Random(24)
    for _ in range(30):
        rows = [
            {"position": [chance.uniform(120, 125), chance.uniform(30, 33)], "name": "N" * chance.randint(3, 12)}
            for _ in range(40)
        ]
        taken: list[tuple] = []
        kept = placed(rows, 12, 6, taken)
        assert len(taken) == len(kept) <= len(rows)
        assert not any(
            a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
            for i, a in enumerate(taken)
            for b in taken[i + 1 :]
        )


def test_guests_from_every_continent_fit_a_desktop_map_at_the_fitted_zoom() -> None:
    """A world-wide home view zooms out as far as the whole world (zoom 0), so a desktop's 820 px map shows every
    capital; a phone's narrower map shows the part around the program and pans to the rest."""
    deck = spec(WORLDWIDE, show_home=True)
    view = deck["initialViewState"]
    centre_x, _ = mercator(view["longitude"], view["latitude"])
    half = 820 / 2 / (512 * 2 ** view["zoom"])
    for row in layer(deck, "home-capitals")["data"]:
        x, _ = mercator(*row["position"])
        assert abs(x - centre_x) < half, row["name"]


def test_the_detail_tiles_are_asked_for_only_from_their_zoom_and_within_their_extent() -> None:
    """With an extent, deck.gl fetches every tile in view below the min zoom: visibleMinZoom stops it."""
    detail = layer(spec(), "land-detail")
    zoom, _ = basemap.detail_tiles()
    assert (detail["minZoom"], detail["maxZoom"], detail["visibleMinZoom"]) == (zoom, zoom, zoom - 0.5)
    assert detail["extent"] == list(basemap.detail_extent())
    assert detail["data"] == basemap.detail_url()
    assert spec()["initialViewState"]["zoom"] < zoom - 0.5  # so the whole program's view fetches none


def test_placement_tries_a_bounded_number_of_labels_however_many_a_program_lists() -> None:
    rows = [{"position": [100 + n / 100, 10.0], "name": "N"} for n in range(20_000)]
    taken: list[tuple] = []
    assert len(placed(rows, 12, 14, taken)) == MAX_LABELLED  # far apart at zoom 14: each tried label fits
    assert len(taken) == MAX_LABELLED
