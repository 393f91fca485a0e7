"""The pydeck map, read back from the JSON the browser receives."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import replace
from datetime import date
from pathlib import Path

import pydeck as pdk
import pytest

from kizuna import config
from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.program.filtering import Filter
from kizuna.views import basemap
from kizuna.views.maps import (
    EARTH_M,
    FIT_PIXELS,
    LAND_CREDIT,
    MARKS,
    MAX_LISTED,
    MIN_EXTENT_M,
    ROUTE_ONLY,
    build_deck,
    clicked_session,
    map_legend,
    same_place,
)
from kizuna.views.share import kinds_facet

PROGRAM = load_program(BUILT_IN_PROGRAM)
DATA = Path(__file__).resolve().parent.parent / "data" / "2019"
# data/README.md: how far the true place may be from the point, for each precision.
HALO_METRES = {"approximate": 500, "district": 3_000, "city": 10_000}
PHONE_MAP = (358, 420)  # px: the dashboard's map on a 390-px-wide phone, its smallest
NO_LOGISTICS = kinds_facet(PROGRAM, [], False)
FILTERS = {
    "all": Filter(),
    "tokyo": Filter.of(cities=["tokyo"]),
    "shimonoseki": Filter.of(cities=["shimonoseki"]),
    "tokyo-no-logistics": Filter.of(cities=["tokyo"], kinds=NO_LOGISTICS),
    "tourism": Filter.of(themes=["tourism-promotion"]),
    "17-dec": Filter.of(days=[date(2019, 12, 17)]),
    "transfers": Filter.of(kinds=["transfer"]),
    "one-session": Filter.of(sessions=["visit-jnto"]),
    "nothing": Filter.of(themes=["water-supply"], cities=["tokyo"]),
}


def deck_json(view_filter: Filter = Filter(), open_session: str | None = None, show_home: bool = False) -> dict:
    deck = build_deck(PROGRAM, view_filter.apply(PROGRAM), open_session, show_home)
    return json.loads(deck.to_json())


def layer(spec: dict, layer_id: str) -> dict:
    found = [item for item in spec["layers"] if item["id"] == layer_id]
    assert len(found) == 1, f"expected one {layer_id!r} layer in {[item['id'] for item in spec['layers']]}"
    return found[0]


def layer_ids(spec: dict) -> list[str]:
    return [item["id"] for item in spec["layers"]]


def venue_of(session_id: str):
    return PROGRAM.venues[PROGRAM.sessions_by_id[session_id].venue_id]


def test_build_deck_asks_no_tile_or_style_server_and_draws_the_bundled_basemap_first() -> None:
    deck = build_deck(PROGRAM, PROGRAM.sessions)
    assert isinstance(deck, pdk.Deck)
    spec = json.loads(deck.to_json())
    assert "mapProvider" not in spec  # Streamlit would fetch CARTO's style for a provider without a style
    assert spec["mapStyle"] == "__MAP_STYLE__"  # pydeck's "no style given", which Streamlit draws as no basemap
    assert layer_ids(spec)[:2] == ["sea", "land"]
    assert layer(spec, "land")["data"] == basemap.url()
    assert not basemap.url().startswith(("/", "http"))  # relative: any host, any path prefix


@pytest.mark.parametrize("name", FILTERS)
def test_one_marker_per_map_point_holding_every_shown_session_there(name: str) -> None:
    shown = [s for s in FILTERS[name].apply(PROGRAM) if s.kind != "transfer"]
    expected: dict[tuple, list[str]] = {}
    for session in shown:  # program order
        venue = venue_of(session.id)
        expected.setdefault((venue.lon, venue.lat), []).append(session.id)
    markers = layer(deck_json(FILTERS[name]), "venues")["data"]
    assert {tuple(m["position"]): m["session_ids"] for m in markers} == expected
    assert len(markers) == len(expected)


def test_the_full_program_has_eleven_markers_for_thirteen_venues() -> None:
    venues = {s.venue_id for s in PROGRAM.sessions if s.kind != "transfer"}
    assert len(venues) == 13
    assert len(layer(deck_json(), "venues")["data"]) == 11  # two pairs of venues share a point


def city_hall_marker() -> dict:
    hall = PROGRAM.venues["shimonoseki-city-hall"]
    return next(m for m in layer(deck_json(), "venues")["data"] if m["position"] == [hall.lon, hall.lat])


def test_a_marker_tooltip_lists_every_session_at_its_point() -> None:
    city_hall = city_hall_marker()
    for title in ("Briefing on Shimonoseki City", "Courtesy call on the Mayor", "Opinion Exchange Session"):
        assert title in city_hall["label"]
    assert "Shimonoseki City Hall / 下関市役所" in city_hall["label"]
    assert "Briefing on disaster prevention" in city_hall["label"]  # its venue has only the city's point
    assert "Shimonoseki Fire Department / disaster-prevention facility / 下関市消防局" in city_hall["label"]


def test_a_click_on_a_marker_reaches_each_of_its_sessions() -> None:
    city_hall = city_hall_marker()
    spec = deck_json()
    assert clicked_session({"venues": [city_hall]}) == city_hall["session_ids"][0]
    for session_id in city_hall["session_ids"]:
        here = [s.id for s in same_place(PROGRAM, PROGRAM.sessions, PROGRAM.sessions_by_id[session_id])]
        assert here == city_hall["session_ids"]
    assert {"briefing-shimonoseki-city", "courtesy-call-mayor", "opinion-exchange-session"} <= set(here)
    assert clicked_session({"venues": []}) is None
    assert clicked_session({"transfers": [layer(spec, "transfers")["data"][0]]}) == "transfer-to-shimonoseki"


def test_a_long_tooltip_is_cut_and_says_how_many_more() -> None:
    tokyo = PROGRAM.venues["tokyo-city"]
    sessions = [s for s in PROGRAM.sessions if s.kind != "transfer"]
    many = [replace(s, id=f"{s.id}-{n}", venue_id=tokyo.id) for n in range(2) for s in sessions[:4]]
    (marker,) = layer(json.loads(build_deck(PROGRAM, many).to_json()), "venues")["data"]
    assert len(marker["session_ids"]) == 8
    assert marker["label"].count(" · ") == MAX_LISTED
    assert "… and 3 more" in marker["label"]


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("all", 2),
        ("tokyo", 2),  # the city facet matches a transfer's origin or its destination
        ("shimonoseki", 2),
        ("tokyo-no-logistics", 0),
        ("tourism", 0),
        ("17-dec", 1),
        ("transfers", 2),
        ("one-session", 0),
    ],
)
def test_transfer_lines_are_drawn_only_for_shown_transfers(name: str, lines: int) -> None:
    data = layer(deck_json(FILTERS[name]), "transfers")["data"]
    assert len(data) == lines
    for line in data:
        (session_id,) = line["session_ids"]
        session = PROGRAM.sessions_by_id[session_id]
        assert session.kind == "transfer"
        origin, destination = PROGRAM.cities[session.city], PROGRAM.cities[session.to_city]
        assert line["from"] == [origin.lon, origin.lat]
        assert line["to"] == [destination.lon, destination.lat]


def test_transfers_are_lines_not_venue_markers() -> None:
    spec = deck_json(FILTERS["transfers"])
    assert layer(spec, "venues")["data"] == []
    assert len(layer(spec, "transfers")["data"]) == 2


@pytest.mark.parametrize("name", FILTERS)
def test_uncertainty_halos_are_exactly_the_non_exact_venues_sized_in_metres(name: str) -> None:
    spec = deck_json(FILTERS[name])
    halos = layer(spec, "uncertainty")
    venues = {venue_of(s.id) for s in FILTERS[name].apply(PROGRAM) if s.kind != "transfer"}
    inexact = sorted(([v.lon, v.lat], HALO_METRES[v.precision]) for v in venues if v.precision != "exact")
    assert sorted((h["position"], h["radius"]) for h in halos["data"]) == inexact
    assert halos["radiusUnits"] == "meters"
    assert halos["getRadius"] == "@@=radius"


def test_the_2019_halos_cover_nine_venues_of_three_precisions() -> None:
    halos = layer(deck_json(), "uncertainty")["data"]
    assert len(halos) == 9
    assert {halo["radius"] for halo in halos} == {500, 3_000, 10_000}


@pytest.mark.parametrize("name", FILTERS)
def test_the_legend_names_only_the_marks_the_view_draws(name: str) -> None:
    spec, shown = deck_json(FILTERS[name]), FILTERS[name].apply(PROGRAM)
    legend = map_legend(None, PROGRAM, shown)
    precisions = {venue_of(s.id).precision for s in shown if not s.is_route}
    assert (MARKS["exact"] in legend) == ("exact" in precisions)
    assert (MARKS["halo"] in legend) == bool(layer(spec, "uncertainty")["data"])
    assert (MARKS["transfer"] in legend) == bool(layer(spec, "transfers")["data"])
    assert legend.endswith(LAND_CREDIT)


def test_a_view_of_exact_places_alone_has_no_halo_in_its_legend() -> None:
    exact = [s for s in PROGRAM.sessions if not s.is_route and venue_of(s.id).precision == "exact"]
    assert exact
    assert map_legend(None, PROGRAM, exact) == f"{MARKS['exact']} {LAND_CREDIT}"


def test_without_a_view_the_legend_names_every_mark() -> None:
    assert all(text in map_legend() for text in MARKS.values())


def test_a_transfers_note_speaks_for_any_program_not_the_2019_report() -> None:
    minimal = load_program(Path(__file__).resolve().parent / "fixtures" / "good" / "minimal")
    (line,) = layer(json.loads(build_deck(minimal, minimal.sessions).to_json()), "transfers")["data"]
    assert line["label"].endswith(f"\n{ROUTE_ONLY}")
    assert "report" not in ROUTE_ONLY


def test_venue_dots_are_sized_in_pixels() -> None:
    assert layer(deck_json(), "venues")["radiusUnits"] == "pixels"


@pytest.mark.parametrize("show_home", [False, True])
def test_the_tooltip_is_plain_text_and_every_pickable_item_has_a_label(show_home: bool) -> None:
    deck = build_deck(PROGRAM, PROGRAM.sessions, "visit-jnto", show_home)
    assert deck._tooltip == {"text": "{label}"}
    spec = json.loads(deck.to_json())
    for item in spec["layers"]:
        if item.get("pickable"):
            assert item["data"], item["id"]
            assert all(isinstance(row["label"], str) and row["label"] for row in item["data"]), item["id"]


def mercator(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web-Mercator pixel coordinates at a zoom level, as deck.gl draws them (the world is 512 px at zoom 0)."""
    scale = 512 * 2**zoom
    x = (lon + 180) / 360 * scale
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * scale
    return x, y


def assert_fits(spec: dict, positions: list[list[float]], size: tuple[int, int] = PHONE_MAP) -> None:
    view = spec["initialViewState"]
    cx, cy = mercator(view["longitude"], view["latitude"], view["zoom"])
    for lon, lat in positions:
        x, y = mercator(lon, lat, view["zoom"])
        assert abs(x - cx) <= size[0] / 2, f"{(lon, lat)} is off a {size} px map: {view}"
        assert abs(y - cy) <= size[1] / 2, f"{(lon, lat)} is off a {size} px map: {view}"


def shown_positions(spec: dict) -> list[list[float]]:
    positions = [m["position"] for m in layer(spec, "venues")["data"]]
    positions += [end for line in layer(spec, "transfers")["data"] for end in (line["from"], line["to"])]
    if "home-capitals" in layer_ids(spec):
        positions += [c["position"] for c in layer(spec, "home-capitals")["data"]]
    return positions


@pytest.mark.parametrize("name", [name for name in FILTERS if name != "nothing"])
@pytest.mark.parametrize("show_home", [False, True])
def test_the_initial_view_shows_every_marker_and_line_end(name: str, show_home: bool) -> None:
    spec = deck_json(FILTERS[name], show_home=show_home)
    assert_fits(spec, shown_positions(spec))


def tokyo_box() -> tuple[float, float, float, float]:
    tokyo = [v for v in PROGRAM.venues.values() if v.city == "tokyo"]
    return min(v.lon for v in tokyo), max(v.lon for v in tokyo), min(v.lat for v in tokyo), max(v.lat for v in tokyo)


@pytest.mark.parametrize("name", ["tokyo-no-logistics", "one-session"])
def test_a_tokyo_only_view_is_centred_in_tokyo_and_closer_than_both_cities(name: str) -> None:
    view = deck_json(FILTERS[name])["initialViewState"]
    west, east, south, north = tokyo_box()
    assert west <= view["longitude"] <= east
    assert south <= view["latitude"] <= north
    assert view["zoom"] > deck_json()["initialViewState"]["zoom"] + 4


def test_tokyo_days_alone_zoom_in_on_tokyo() -> None:
    view = deck_json(Filter.of(days=[date(2019, 12, 16)]))["initialViewState"]
    west, east, south, north = tokyo_box()
    assert west <= view["longitude"] <= east
    assert south <= view["latitude"] <= north
    assert view["zoom"] > deck_json()["initialViewState"]["zoom"]


def test_the_tokyo_city_filter_keeps_both_transfers_so_the_view_spans_both_cities() -> None:
    spec = deck_json(FILTERS["tokyo"])
    shimonoseki = PROGRAM.cities["shimonoseki"]
    assert_fits(spec, [[shimonoseki.lon, shimonoseki.lat]])
    assert [c["name"] for c in layer(spec, "cities")["data"]] == ["Tokyo", "Shimonoseki"]


def test_a_single_point_view_keeps_the_least_extent_across_a_phones_map() -> None:
    view = deck_json(FILTERS["one-session"])["initialViewState"]
    across = FIT_PIXELS[0] / (512 * 2 ** view["zoom"]) * EARTH_M * math.cos(math.radians(view["latitude"]))
    assert MIN_EXTENT_M * 0.99 <= across <= MIN_EXTENT_M * 1.01


def test_no_shown_session_falls_back_to_a_view_of_japan() -> None:
    spec = deck_json(FILTERS["nothing"])
    assert spec["initialViewState"] == {"latitude": 36.2, "longitude": 138.2, "zoom": 4}
    assert all(not item["data"] for item in spec["layers"] if item["id"] not in {"sea", "land", "land-detail"})


def countries_csv() -> list[dict]:
    with (DATA / "countries.csv").open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_show_home_adds_the_nine_home_capitals_linked_to_tokyo() -> None:
    spec = deck_json(show_home=True)
    capitals = layer(spec, "home-capitals")["data"]
    rows = countries_csv()
    assert len(capitals) == len(rows) == 9
    assert sorted(c["name"] for c in capitals) == sorted(row["country"] for row in rows)
    for capital, row in zip(
        sorted(capitals, key=lambda c: c["name"]), sorted(rows, key=lambda r: r["country"]), strict=True
    ):
        assert capital["position"] == [float(row["lon"]), float(row["lat"])]
        assert row["capital"] in capital["label"]
    tokyo = PROGRAM.cities["tokyo"]
    links = layer(spec, "home-links")["data"]
    assert len(links) == 9
    assert all(link["to"] == [tokyo.lon, tokyo.lat] for link in links)
    assert len(layer(spec, "home-names")["data"]) == 9


def test_home_layers_are_absent_unless_asked_for_and_drawn_beneath_the_program() -> None:
    assert not {"home-capitals", "home-links", "home-names"} & set(layer_ids(deck_json()))
    ids = layer_ids(deck_json(show_home=True))
    assert ids.index("home-capitals") < ids.index("venues")
    assert ids.index("home-links") < ids.index("transfers")
    assert ids.index("land") < ids.index("home-links")


def test_show_home_zooms_out_to_the_capitals() -> None:
    assert deck_json(show_home=True)["initialViewState"]["zoom"] < deck_json()["initialViewState"]["zoom"]


@pytest.mark.parametrize("session_id", ["visit-jnto", "visit-tsunoshima-lighthouse", "arrival"])
def test_the_open_session_is_ringed_at_its_venue(session_id: str) -> None:
    spec = deck_json(open_session=session_id)
    venue = venue_of(session_id)
    ring = layer(spec, "open-session")
    assert ring["data"] == [{"position": [venue.lon, venue.lat]}]
    assert ring["filled"] is False
    assert layer_ids(spec)[-1] == "open-session"  # drawn on top


def test_without_an_open_session_there_is_no_ring() -> None:
    assert "open-session" not in layer_ids(deck_json())
    assert layer(deck_json(open_session="no-such-session"), "open-session")["data"] == []


def test_without_configuration_there_is_no_tile_basemap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(config.MAP_STYLE_ENV, raising=False)
    assert config.tile_style("a-secret-key") is None


def test_a_configured_tile_style_lies_under_the_coastlines_with_its_key_and_credit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(config.MAP_STYLE_ENV, "https://tiles.example.org/style.json")
    monkeypatch.setenv(config.MAP_KEY_ENV, "deployment-key")
    monkeypatch.setenv(config.MAP_ATTRIBUTION_ENV, "© Example tiles © OpenStreetMap contributors")
    tiles = config.tile_style()
    spec = json.loads(build_deck(PROGRAM, PROGRAM.sessions, tiles=tiles).to_json())
    assert spec["mapStyle"] == "https://tiles.example.org/style.json"
    assert spec["cartoKey"] == "deployment-key"
    assert "sea" not in layer_ids(spec)  # the tiles show through
    land = layer(spec, "land")
    assert land["data"] == basemap.url()
    assert land["filled"] is False  # only the coast, which stays if the tiles fail
    assert land["lineWidthMinPixels"] >= 1
    assert map_legend(tiles).endswith("© Example tiles © OpenStreetMap contributors")
    assert "Natural Earth" in map_legend(None)


def test_a_tile_style_without_a_key_sends_none_and_credits_its_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.MAP_STYLE_ENV, "https://tiles.example.org/style.json")
    monkeypatch.delenv(config.MAP_KEY_ENV, raising=False)
    monkeypatch.delenv(config.MAP_ATTRIBUTION_ENV, raising=False)
    tiles = config.tile_style()
    spec = json.loads(build_deck(PROGRAM, PROGRAM.sessions, tiles=tiles).to_json())
    assert "cartoKey" not in spec
    assert "mapProvider" not in spec
    assert tiles.attribution == "Map tiles: tiles.example.org"


def test_the_tooltip_names_a_sessions_change_and_whether_it_is_cancelled() -> None:
    sessions = [replace(s, status="cancelled") if s.id == "visit-karato-market" else s for s in PROGRAM.sessions]
    program = replace(PROGRAM, sessions=tuple(sessions))
    marks = {"visit-karato-market": "Cancelled", "visit-tsunoshima-lighthouse": "Moved from Friday 20 December"}
    deck = json.loads(build_deck(program, program.sessions, marks=marks).to_json())
    labels = "\n".join(row["label"] for layer in deck["layers"] if layer["id"] == "venues" for row in layer["data"])
    assert "Fri 20 Dec · Visit to Karato Market (cancelled)\n" in labels  # "Cancelled" is not said twice
    assert "Thu 19 Dec · Visit to Tsunoshima Lighthouse — Moved from Friday 20 December\n" in labels
    unmarked = json.loads(build_deck(PROGRAM, PROGRAM.sessions).to_json())
    assert " — " not in "\n".join(
        row["label"] for layer in unmarked["layers"] if layer["id"] == "venues" for row in layer["data"]
    )
