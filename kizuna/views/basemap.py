"""The map's own basemap: land and borders shipped with the package, served as static files from the dashboard.

Two parts, both fetched by the browser by URL and cached, never from another host (see basemap.md for sources):
- the world (`basemap.geojson`): every country, coarse far from Japan, sent with the first view;
- Japan's detail (`basemap-japan.zip`): OpenStreetMap land in web-Mercator tiles of one zoom level, unpacked into
  the static folder; the map's tile layer fetches a tile only when the view reaches it at that zoom or closer.
Each part's address carries a hash of its bytes, so new geometry is a new address, never a stale cached copy.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import shutil
import zipfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from kizuna.files import update_file

GEOMETRY = Path(__file__).with_name("basemap.geojson")
DETAIL = Path(__file__).with_name("basemap-japan.zip")
PLACES = Path(__file__).with_name("places.json")
FOLDER = "basemap"  # under the static folder, served at /app/static/basemap/
TILE = re.compile(r"(\d+)/(\d+)/(\d+)\.json")


def hashed(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


@lru_cache(maxsize=1)
def file_name() -> str:
    """'basemap-<hash of its bytes>.geojson'."""
    return f"basemap-{hashed(GEOMETRY)}.geojson"


@lru_cache(maxsize=1)
def detail_folder() -> str:
    """'japan-<hash of the tiles>': the folder the tiles are unpacked into."""
    return f"japan-{hashed(DETAIL)}"


def url() -> str:
    """The world file's address relative to the page, so it works on any host and under any path prefix."""
    return f"app/static/{FOLDER}/{file_name()}"


def detail_url() -> str:
    """The detail tiles' address template, as deck.gl's tile layer fills it in."""
    return f"app/static/{FOLDER}/{detail_folder()}/{{z}}/{{x}}/{{y}}.json"


@lru_cache(maxsize=1)
def detail_tiles() -> tuple[int, tuple[int, int, int, int]]:
    """The tiles' zoom and the first and last column and row they cover."""
    found = [tuple(map(int, TILE.fullmatch(name).groups())) for name in zipfile.ZipFile(DETAIL).namelist()]
    zoom = found[0][0]
    xs, ys = [x for _, x, _ in found], [y for _, _, y in found]
    return zoom, (min(xs), min(ys), max(xs), max(ys))


def mercator(lon: float, lat: float) -> tuple[float, float]:
    """Web-Mercator coordinates, the world being 1 × 1 (deck.gl draws it 512 px wide at zoom 0)."""
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return (lon + 180) / 360, (1 - y / math.pi) / 2


def lon_lat(x: float, y: float) -> tuple[float, float]:
    """`mercator` undone."""
    return x * 360 - 180, math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y))))


@lru_cache(maxsize=1)
def detail_extent() -> tuple[float, float, float, float]:
    """West, south, east, north of the detail tiles, so the tile layer asks for none outside them."""
    zoom, (x0, y0, x1, y1) = detail_tiles()
    n = 2**zoom
    (west, north), (east, south) = lon_lat(x0 / n, y0 / n), lon_lat((x1 + 1) / n, (y1 + 1) / n)
    return west, south, east, north


def detail_features(west: float, south: float, east: float, north: float) -> Iterator[dict]:
    """The detail tiles' features within a box of longitudes and latitudes, tile by tile (for the printout)."""
    zoom, (x0, y0, x1, y1) = detail_tiles()
    n = 2**zoom

    def column(lon: float) -> int:
        return math.floor(mercator(lon, 0)[0] * n)

    def row(lat: float) -> int:
        return math.floor(mercator(0, max(min(lat, 85.0), -85.0))[1] * n)

    with zipfile.ZipFile(DETAIL) as archive:
        for x in range(max(column(west), x0), min(column(east), x1) + 1):
            for y in range(max(row(north), y0), min(row(south), y1) + 1):
                yield from json.loads(archive.read(f"{zoom}/{x}/{y}.json"))["features"]


@lru_cache(maxsize=1)
def places() -> tuple[dict, ...]:
    """Japan's cities (name, name_ja, lon, lat, population), most populous first."""
    return tuple(json.loads(PLACES.read_text(encoding="utf-8")))


def write_basemap(static: Path) -> Path:
    """Put the world file and the unpacked detail tiles in the static folder, dropping older versions of them.

    The tiles are unpacked into a temporary folder and renamed into place, so a page never sees half of them.
    """
    target = static / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    path = target / file_name()
    update_file(path, GEOMETRY.read_bytes())
    tiles = target / detail_folder()
    if not tiles.is_dir():
        unpacking = target / f".{detail_folder()}-{id(tiles)}"
        shutil.rmtree(unpacking, ignore_errors=True)
        with zipfile.ZipFile(DETAIL) as archive:
            archive.extractall(unpacking)
        try:
            unpacking.rename(tiles)
        except OSError:  # another process unpacked them first
            shutil.rmtree(unpacking, ignore_errors=True)
    for old in target.iterdir():
        if old not in (path, tiles) and (old.name.startswith("basemap-") or old.name.startswith("japan-")):
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    return path
