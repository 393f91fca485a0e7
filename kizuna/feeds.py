"""Subscription feeds: stable .ics files per program, theme, city and theme-in-city, served statically."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from kizuna.filtering import Filter, describe
from kizuna.ics import export_ics, file_name
from kizuna.model import Program

REFRESH = timedelta(hours=6)
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
FEEDS_PATH = "feeds"  # under static/, served at /app/static/feeds/
STAMP = ".published"  # data version and base URL of the feeds last written


@dataclass(frozen=True)
class Feed:
    name: str
    label: str
    selection: Filter


def feeds(program: Program) -> list[Feed]:
    """Every published feed: whole program, each theme, each city, each theme in each city."""
    selections = [Filter()]
    selections += [Filter.of(themes=[theme]) for theme in program.themes]
    selections += [Filter.of(cities=[city]) for city in program.cities]
    selections += [Filter.of(themes=[t], cities=[c]) for t in program.themes for c in program.cities]
    return [Feed(file_name(program, s), describe(program, s) or "Whole program", s) for s in selections]


def feed_for(program: Program, selection: Filter) -> Feed | None:
    """The published feed for exactly this filter, if there is one."""
    return next((feed for feed in feeds(program) if feed.selection == selection), None)


def stamp(version: str, base_url: str | None) -> str:
    return f"{version} {base_url or ''}".strip()


def feeds_current(version: str, base_url: str | None, folder: Path = STATIC_DIR) -> bool:
    """True when the feeds on disk were written from this data version and base URL."""
    path = folder / FEEDS_PATH / STAMP
    return path.exists() and path.read_text(encoding="utf-8") == stamp(version, base_url)


def write_feeds(
    program: Program, folder: Path = STATIC_DIR, base_url: str | None = None, version: str = ""
) -> list[Path]:
    """Write the feeds; a file whose bytes are unchanged is left alone so its ETag stays valid."""
    target = folder / FEEDS_PATH
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for feed in feeds(program):
        path = target / feed.name
        data = export_ics(program, feed.selection, base_url=base_url, refresh=REFRESH)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        written.append(path)
    (target / STAMP).write_text(stamp(version, base_url), encoding="utf-8")
    return written


def feed_url(app_url: str, feed: Feed) -> str:
    """The feed's address on the host the visitor uses (Streamlit serves static/ under app/static/)."""
    return f"{app_url.split('?', 1)[0].rstrip('/')}/app/static/{FEEDS_PATH}/{feed.name}"
