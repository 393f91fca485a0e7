"""The bundled basemap: what it covers, how it is published, and that the container ships it."""

from __future__ import annotations

import json
import re
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


def test_every_venue_and_city_of_the_2019_program_lies_on_japans_land_near_the_coast_or_on_it() -> None:
    on_japan = [v.id for v in PROGRAM.venues.values() if on_land("Japan", v.lon, v.lat)]
    # Tsunoshima's bridge and lighthouse stand on the island and the sea: 1:10m has no such small island
    assert set(PROGRAM.venues) - set(on_japan) <= {"tsunoshima-bridge", "tsunoshima-lighthouse"}
    assert all(on_land("Japan", city.lon, city.lat) for city in PROGRAM.cities.values())


def test_each_home_capital_lies_in_its_own_country() -> None:
    for country in PROGRAM.countries:
        assert on_land(country.country, country.lon, country.lat), country


def test_the_sea_between_the_cities_is_not_land() -> None:
    assert not on_land("Japan", 135.0, 33.0)  # the Pacific south of the Kii peninsula
    assert not any(on_land(name, 131.0, 36.0) for name in COUNTRIES)  # the Sea of Japan


def test_the_geometry_is_small_enough_to_send_once() -> None:
    size = basemap.GEOMETRY.stat().st_size
    assert 50_000 < size < 500_000, size


def test_the_note_beside_the_geometry_names_package_version_scale_and_licence() -> None:
    note = basemap.GEOMETRY.with_name("basemap.md").read_text(encoding="utf-8")
    lock = json.loads((ROOT / "scripts" / "basemap" / "package-lock.json").read_text(encoding="utf-8"))
    version = lock["packages"]["node_modules/world-atlas"]["version"]
    for fact in (f"world-atlas` {version}", "1:10m", "1:50m", "public domain", "Natural Earth"):
        assert fact in note, fact


def test_publishing_writes_the_geometry_under_its_content_name_and_drops_older_ones(tmp_path: Path) -> None:
    (tmp_path / basemap.FOLDER).mkdir()
    stale = tmp_path / basemap.FOLDER / "basemap-000000000000.geojson"
    stale.write_text("{}", encoding="utf-8")
    path = basemap.write_basemap(tmp_path)
    assert path.read_bytes() == basemap.GEOMETRY.read_bytes()
    assert re.fullmatch(r"basemap-[0-9a-f]{12}\.geojson", path.name)
    assert basemap.url() == f"app/static/{basemap.FOLDER}/{path.name}"
    assert not stale.exists()
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
