"""The bundled basemap: what it covers, how it is published, and that the container ships it."""

from __future__ import annotations

import gzip
import itertools
import json
import math
import re
import zipfile
from pathlib import Path

import pytest

from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.views import basemap

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = load_program(BUILT_IN_PROGRAM)
GEOMETRY = json.loads(basemap.GEOMETRY.read_text(encoding="utf-8"))
COUNTRIES = {feature["properties"]["name"]: feature for feature in GEOMETRY["features"]}


def rings(feature: dict) -> list[list[list[float]]]:
    geometry = feature["geometry"]
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [polygon[0] for polygon in polygons]


def inside(ring: list[list[float]], lon: float, lat: float) -> bool:
    """Ray casting: an odd number of edges crossed means inside."""
    crossed = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            crossed = not crossed
    return crossed


def on_land(country: str, lon: float, lat: float) -> bool:
    return any(inside(ring, lon, lat) for ring in rings(COUNTRIES[country]))


PLACES = json.loads((ROOT / "tests" / "fixtures" / "natural-earth-places.json").read_text(encoding="utf-8"))
TODAY_BYTES, TODAY_GZIP = 263_102, 89_461  # the world file before it covered every country (3c2a8ca)
PROGRAMS = [PROGRAM, load_program(ROOT / "tests" / "fixtures" / "good" / "worldwide")]


def on_any_land(features: list[dict], lon: float, lat: float) -> bool:
    """Inside an outer ring and in none of its holes, of any land (a detail tile's sea, tint -1, is not land)."""
    for feature in features:
        if feature["properties"].get("tint", 0) < 0:
            continue
        geometry = feature["geometry"]
        for polygon in geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]:
            if inside(polygon[0], lon, lat) and not any(inside(hole, lon, lat) for hole in polygon[1:]):
                return True
    return False


def metres_to_land(features: list[dict], lon: float, lat: float) -> float:
    """How far the point is from the nearest edge of land, in metres (flat within a tile)."""
    scale_x, scale_y = 111_320 * math.cos(math.radians(lat)), 110_574
    nearest = math.inf
    for feature in features:
        if feature["properties"].get("tint", 0) < 0:
            continue
        geometry = feature["geometry"]
        for polygon in geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]:
            for ring in polygon:
                for (x1, y1), (x2, y2) in itertools.pairwise(ring):
                    ax, ay = (x1 - lon) * scale_x, (y1 - lat) * scale_y
                    bx, by = (x2 - lon) * scale_x, (y2 - lat) * scale_y
                    length = (bx - ax) ** 2 + (by - ay) ** 2
                    t = 0 if not length else max(0, min(1, -(ax * (bx - ax) + ay * (by - ay)) / length))
                    nearest = min(nearest, math.hypot(ax + t * (bx - ax), ay + t * (by - ay)))
    return nearest


def detail_around(lon: float, lat: float) -> list[dict]:
    return list(basemap.detail_features(lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01))


@pytest.mark.parametrize("place", PLACES, ids=lambda place: place["name"])
def test_every_natural_earth_capital_and_city_lies_on_land_in_the_world_file(place: dict) -> None:
    assert on_any_land(GEOMETRY["features"], place["lon"], place["lat"])


def test_the_places_checked_are_natural_earths_and_include_small_island_capitals() -> None:
    names = {place["name"] for place in PLACES}
    assert len(PLACES) == 243
    assert {"Funafuti", "Majuro", "Valletta", "Nuku'alofa", "Malé", "Praia", "Port Louis", "Apia"} <= names


def test_every_country_of_natural_earth_is_drawn() -> None:
    assert len(COUNTRIES) >= 200
    for name in ("Brazil", "Kenya", "Canada", "France", "New Zealand", "Fiji", "Chile", "Egypt", "Japan"):
        assert rings(COUNTRIES[name]), name


def test_no_ring_jumps_across_the_antimeridian() -> None:
    """A ring from 180° to -180° would be drawn as an edge across the whole world."""
    for feature in GEOMETRY["features"]:
        for polygon in feature["geometry"]["coordinates"]:
            for a, b in zip(polygon[0], polygon[0][1:], strict=False):
                assert abs(a[0] - b[0]) < 180 or feature["properties"]["name"] == "Antarctica", feature["properties"]


@pytest.mark.parametrize("program", PROGRAMS, ids=["2019", "worldwide"])
def test_each_home_capital_lies_in_its_own_country(program) -> None:
    for country in program.countries:
        assert on_land(country.country, country.lon, country.lat), country


@pytest.mark.parametrize("program", PROGRAMS, ids=["2019", "worldwide"])
def test_every_venue_on_land_or_near_the_coast_stands_on_the_detailed_land(program) -> None:
    """On land, or on its very edge: within half a pixel (50 m) at the closest the map fits a view."""
    bridges = {venue_id for venue_id in program.venues if venue_id.endswith("-bridge")}
    for venue in program.venues.values():
        if venue.id not in bridges:
            detail = detail_around(venue.lon, venue.lat)
            assert on_any_land(detail, venue.lon, venue.lat) or metres_to_land(detail, venue.lon, venue.lat) < 50, venue


def test_tsunoshima_is_an_island_in_the_detail_and_missing_from_the_world_file() -> None:
    lighthouse = PROGRAM.venues["tsunoshima-lighthouse"]
    detail = detail_around(lighthouse.lon, lighthouse.lat)
    assert on_any_land(detail, lighthouse.lon, lighthouse.lat)
    assert not on_any_land(GEOMETRY["features"], lighthouse.lon, lighthouse.lat)
    bridge = PROGRAM.venues["tsunoshima-bridge"]  # over the strait between the island and Honshu
    assert not on_any_land(detail_around(bridge.lon, bridge.lat), bridge.lon, bridge.lat)


def test_the_sea_between_the_cities_is_not_land() -> None:
    assert not on_any_land(GEOMETRY["features"], 135.0, 33.0)  # the Pacific south of the Kii peninsula
    assert not on_any_land(GEOMETRY["features"], 131.0, 36.0)  # the Sea of Japan
    assert not on_any_land(detail_around(139.85, 35.55), 139.85, 35.55)  # Tokyo Bay


def test_the_first_load_is_within_todays_bytes_and_a_fifth() -> None:
    raw = basemap.GEOMETRY.read_bytes()
    assert len(raw) <= TODAY_BYTES * 1.2, len(raw)
    assert len(gzip.compress(raw, 9)) <= TODAY_GZIP * 1.2


def test_every_tile_of_the_detail_extent_exists_and_each_is_small() -> None:
    zoom, (x0, y0, x1, y1) = basemap.detail_tiles()
    with zipfile.ZipFile(basemap.DETAIL) as archive:
        names = set(archive.namelist())
        assert names == {f"{zoom}/{x}/{y}.json" for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)}
        assert max(info.file_size for info in archive.infolist()) < 100_000


def test_the_note_beside_the_geometry_names_packages_versions_scales_and_licences() -> None:
    note = basemap.GEOMETRY.with_name("basemap.md").read_text(encoding="utf-8")
    lock = json.loads((ROOT / "scripts" / "basemap" / "package-lock.json").read_text(encoding="utf-8"))
    for package in ("world-atlas", "@geo-maps/earth-lands-100m"):
        version = lock["packages"][f"node_modules/{package}"]["version"]
        assert f"`{package}` {version}" in note, package
    for fact in ("1:10m", "1:50m", "1:110m", "public domain", "Natural Earth", "ODbL", "OpenStreetMap", "GeoNames"):
        assert fact in note, fact


def test_publishing_writes_the_geometry_under_its_content_name_and_drops_older_ones(tmp_path: Path) -> None:
    (tmp_path / basemap.FOLDER).mkdir()
    stale = tmp_path / basemap.FOLDER / "basemap-000000000000.geojson"
    stale.write_text("{}", encoding="utf-8")
    (tmp_path / basemap.FOLDER / "japan-000000000000" / "8").mkdir(parents=True)
    path = basemap.write_basemap(tmp_path)
    assert path.read_bytes() == basemap.GEOMETRY.read_bytes()
    assert re.fullmatch(r"basemap-[0-9a-f]{12}\.geojson", path.name)
    assert basemap.url() == f"app/static/{basemap.FOLDER}/{path.name}"
    assert not stale.exists()
    assert sorted(p.name for p in (tmp_path / basemap.FOLDER).iterdir()) == sorted([path.name, basemap.detail_folder()])
    zoom, (x0, y0, _, _) = basemap.detail_tiles()
    tile = tmp_path / basemap.FOLDER / basemap.detail_folder() / str(zoom) / str(x0) / f"{y0}.json"
    assert json.loads(tile.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    assert basemap.detail_url().format(z=zoom, x=x0, y=y0) == f"app/static/{tile.relative_to(tmp_path).as_posix()}"
    mtime = path.stat().st_mtime_ns
    basemap.write_basemap(tmp_path)
    assert path.stat().st_mtime_ns == mtime  # unchanged bytes are not rewritten


def copied_into_image() -> list[str]:
    """The sources of the Dockerfile's COPY lines."""
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    return [part for line in lines if line.startswith("COPY ") for part in line.split()[1:-1]]


def ignored_by_docker() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip().rstrip("/") for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize(
    "needed",
    [
        "app.py",
        "kizuna_app/page.py",
        "kizuna/views/basemap.geojson",
        "kizuna/views/basemap-japan.zip",
        "kizuna/views/places.json",
        "kizuna/views/maps.py",
        "data/2019/sessions.csv",
        ".streamlit",
        "kizuna_app/organisers_page.py",
        "kizuna_app/asgi.py",
    ],
)
def test_the_container_ships_what_the_running_app_needs(needed: str) -> None:
    assert any(needed == source or needed.startswith(source.rstrip("/") + "/") for source in copied_into_image())
    ignored = ignored_by_docker()
    assert not any(needed == pattern or needed.startswith(pattern + "/") for pattern in ignored), ignored


def test_the_containers_database_is_in_its_writable_folder() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "KIZUNA_DATABASE_URL=sqlite:////var/lib/kizuna/" in dockerfile
    assert "chown -R kizuna /var/lib/kizuna" in dockerfile
    assert "var" in ignored_by_docker()  # a developer's own published programs stay out of the image
