"""The map's own basemap: Natural Earth land and borders shipped with the package, served as one static file.

The browser fetches the file once by URL (its name changes with its content, so it can be cached for good);
no tile server, style or font from elsewhere is involved. See basemap.md beside this file for the source.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from kizuna.files import update_file

GEOMETRY = Path(__file__).with_name("basemap.geojson")
FOLDER = "basemap"  # under the static folder, served at /app/static/basemap/


@lru_cache(maxsize=1)
def file_name() -> str:
    """'basemap-<hash of its bytes>.geojson': a new geometry is a new address, never a stale cached copy."""
    return f"basemap-{hashlib.sha256(GEOMETRY.read_bytes()).hexdigest()[:12]}.geojson"


def url() -> str:
    """The file's address relative to the page, so it works on any host and under any path prefix."""
    return f"app/static/{FOLDER}/{file_name()}"


def write_basemap(static: Path) -> Path:
    """Put the geometry in the static folder (atomically), dropping older versions of it."""
    target = static / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    path = target / file_name()
    update_file(path, GEOMETRY.read_bytes())
    for old in target.glob("basemap-*.geojson"):
        if old != path:
            old.unlink(missing_ok=True)
    return path
