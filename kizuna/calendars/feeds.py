"""Subscription feeds: stable .ics files per program, theme, city and theme-in-city, served statically.

Each feed is written in every language Kizuna speaks. The English one keeps the address it always had
(`kizuna-2019.ics`), so today's subscribers keep theirs; every other language's has the language's tag before the
extension (`kizuna-2019.ja.ics`, as a web server's language variants are named). Such a name is never a program's
feeds folder (program ids have no dots) nor another feed's, so the variants sit beside the English files, in the
program's own folder, and are served, cached and removed as they are.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import cache, lru_cache
from pathlib import Path
from threading import Thread

from kizuna.calendars.ics import export_ics, file_name
from kizuna.files import TEMP_PREFIX, update_file
from kizuna.i18n import LANGUAGES, N_, SOURCE, catalogue_path, speaking, visitors
from kizuna.program.filtering import Filter, describe
from kizuna.program.model import Program
from kizuna.views.share import app_address

REFRESH = timedelta(hours=6)
FEEDS_PATH = "feeds"  # under the static folder (config.static_dir), served at /app/static/feeds/
# A program's feeds are in feeds/ itself or in its own folder, feeds/<folder>/ (programs.feeds_folder): one folder per
# program, so removing one program's old feeds never touches another's.
STAMP = ".published"  # data version, base URL and languages of the feeds last written
LEFTOVER_AGE = timedelta(minutes=10)  # a temporary file this old was left by a writer that died
WHOLE_PROGRAM = N_("Whole program")
TRANSLATED = tuple(lang for lang in LANGUAGES if lang != SOURCE)  # the languages whose feeds have a tag in their name
TAGGED = re.compile(rf"(?P<stem>.+)\.(?P<lang>{'|'.join(TRANSLATED)})(?P<extension>\.[a-z]+)")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Feed:
    name: str
    label: str
    filter: Filter


def feeds(program: Program) -> list[Feed]:
    """Every published feed: whole program, each theme, each city, each theme in each city."""
    filters = [Filter()]
    filters += [Filter.of(themes=[theme]) for theme in program.themes]
    filters += [Filter.of(cities=[city]) for city in program.cities]
    filters += [Filter.of(themes=[t], cities=[c]) for t in program.themes for c in program.cities]
    return [Feed(file_name(program, f), describe(program, f) or visitors.gettext(WHOLE_PROGRAM), f) for f in filters]


def in_language_named(name: str, lang: str | None) -> str:
    """A feed file's name in a language: 'kizuna-2019.ics' → 'kizuna-2019.ja.ics'; English (or None, or a language
    Kizuna does not speak): the name itself, today's address."""
    if lang not in TRANSLATED:
        return name
    stem, _, extension = name.rpartition(".")
    return f"{stem}.{lang}.{extension}"


def named_language(name: str) -> tuple[str, str]:
    """The English name of a feed file and its language: 'kizuna-2019.ja.ics' → ('kizuna-2019.ics', 'ja'); a name
    without a language's tag is English."""
    tagged = TAGGED.fullmatch(name)
    return (tagged["stem"] + tagged["extension"], tagged["lang"]) if tagged else (name, SOURCE)


@lru_cache(maxsize=8)
def feed_sessions(program: Program) -> dict[str, frozenset[str]]:
    """Session ids per feed name, once per loaded program: the Subscribe popover asks on every rerun."""
    return {feed.name: frozenset(s.id for s in feed.filter.apply(program)) for feed in feeds(program)}


def session_count(program: Program, feed: Feed) -> int:
    """How many sessions the feed holds, so a visitor can judge its size before subscribing."""
    return len(feed_sessions(program)[feed.name])


def containing_feeds(program: Program, view_filter: Filter) -> list[Feed]:
    """Feeds holding every session of the view, fewest sessions first and the whole program last."""
    everything, *others = feeds(program)
    view = {session.id for session in view_filter.apply(program)}
    if not view:
        return [everything]
    held = feed_sessions(program)
    containing = [feed for feed in others if view <= held[feed.name]]
    return [*sorted(containing, key=lambda feed: len(held[feed.name])), everything]


def feed_bytes(program: Program, name: str, base_url: str | None = None) -> bytes | None:
    """The feed file `name` of the program (in the language its name says), byte for byte what `write_feeds`
    writes; None when it has no such feed."""
    english, lang = named_language(name)
    filters = {feed.name: feed.filter for feed in feeds(program)}
    if english not in filters:
        return None
    with speaking(lang):
        return export_ics(program, filters[english], base_url=base_url, refresh=REFRESH)


def stamp(version: str, base_url: str | None) -> str:
    """What the feeds were written from: the data version, the base URL, and the languages with their catalogues
    (feeds are written again when a translation changes)."""
    return f"{version} {base_url or ''} {','.join(LANGUAGES)}:{catalogues_version()}"


@cache
def catalogues_version() -> str:
    """A digest of the visitors' catalogues, read once per process like the catalogues themselves."""
    digest = hashlib.sha256()
    for lang in TRANSLATED:
        path = catalogue_path(lang, "visitors")
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()[:16]


def feeds_dir(static: Path, folder: str = "") -> Path:
    """Where a program's feeds are written: static/feeds/, or its own folder static/feeds/<folder>/."""
    return static / FEEDS_PATH / folder if folder else static / FEEDS_PATH


def feeds_current(version: str, base_url: str | None, static: Path, folder: str = "") -> bool:
    """True when the feeds in the static folder were written from this data version and base URL."""
    try:
        return (feeds_dir(static, folder) / STAMP).read_text(encoding="utf-8") == stamp(version, base_url)
    except OSError:  # not written yet, or a folder the dashboard may not read: write (or try to)
        return False


def remove_stale(target: Path, keep: set[str]) -> None:
    """Remove feeds the program no longer has, and temporary files a writer that died left behind.

    Only files directly in `target`: the folders of other programs' feeds below it are never looked into."""
    cutoff = time.time() - LEFTOVER_AGE.total_seconds()
    for path in target.glob(f"{TEMP_PREFIX}*.tmp"):
        with contextlib.suppress(FileNotFoundError):  # a concurrent writer may have just renamed it
            if path.stat().st_mtime < cutoff:
                path.unlink()
    for path in target.glob("*.ics"):
        if path.name not in keep:
            path.unlink(missing_ok=True)


def write_feeds(
    program: Program, static: Path, base_url: str | None = None, version: str = "", folder: str = ""
) -> list[Path]:
    """Write the feeds into static/feeds/[folder/] in every language (English first), each atomically, and drop the
    files of feeds that no longer exist."""
    target = feeds_dir(static, folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    every = feeds(program)
    for lang in LANGUAGES:
        made: dict[str, bytes] = {}  # each event once per language, whichever feeds hold it
        with speaking(lang):
            for feed in every:
                path = target / in_language_named(feed.name, lang)
                update_file(path, export_ics(program, feed.filter, base_url=base_url, refresh=REFRESH, made=made))
                written.append(path)
    remove_stale(target, {path.name for path in written})
    update_file(target / STAMP, stamp(version, base_url).encode())
    return written


def write_feeds_logged(
    program: Program, static: Path, base_url: str | None = None, version: str = "", folder: str = ""
) -> bool:
    """`write_feeds` for a background thread: a folder that cannot be written is logged, not raised."""
    try:
        write_feeds(program, static, base_url, version, folder)
    except OSError as error:
        log.error("feeds not written to %s: %s (it, or what it links to, must be writable)", static, error)
        return False
    return True


def refresh_feeds(
    program: Program, static: Path, base_url: str | None, version: str, folder: str = ""
) -> Thread | None:
    """Rewrite stale feeds in a background thread, so no visitor waits for them; None when they are current."""
    if feeds_current(version, base_url, static, folder):
        return None
    thread = Thread(
        target=write_feeds_logged, args=(program, static, base_url, version, folder), name="kizuna-feeds", daemon=True
    )
    thread.start()
    return thread


def feed_url(app_url: str, feed: Feed, folder: str = "", lang: str | None = None) -> str:
    """The feed's address in a language on the host the visitor uses (Streamlit serves static/ under app/static/);
    English (None or 'en') at the address it always had."""
    path = f"{FEEDS_PATH}/{folder}" if folder else FEEDS_PATH
    return f"{app_address(app_url)}app/static/{path}/{in_language_named(feed.name, lang)}"
