"""What this replica serves from the store: the published programs as it last read them, kept current by polling.

Every replica reads the same database (`KIZUNA_DATABASE_URL`) and nothing else, so they all serve the same versions
and, made from them, the same feed bytes. A replica looks at the store's revision at most every `POLL_SECONDS`
and reads the list of programs again only when it moved; versions are immutable, so a loaded one is kept. With no
database configured and no database file, the store is never opened (nor created, nor its library imported).

What a version holds and how it is stamped is the same in every language; what changed, and the feeds, are worded
in the reader's language and kept per language.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kizuna import config
from kizuna.calendars.feeds import feed_bytes
from kizuna.config import DATABASE_URL_ENV, database_url, shown_url
from kizuna.i18n import language, speaking
from kizuna.publishing.history import Step, stamped, stamping_history, told_in

if TYPE_CHECKING:
    from kizuna.program.model import Program
    from kizuna.publishing.store import Store, Version

POLL_SECONDS = 3.0  # how stale this replica's list of published programs may be
FEED_CACHE_BYTES = 64 * 2**20  # published feeds kept made, per process
# The store's default database, looked at without importing the store: a dashboard without one never loads SQLAlchemy.
DEFAULT_DATABASE = config.DEFAULT_DATABASE

log = logging.getLogger(__name__)


class Unavailable(LookupError):
    """A published program that cannot be read just now: its version is gone, or the database does not answer."""


def store_url() -> str | None:
    """The database to read: $KIZUNA_DATABASE_URL, else the default SQLite file if it exists; None: no store."""
    if os.environ.get(DATABASE_URL_ENV, "").strip() or DEFAULT_DATABASE.exists():
        return database_url(DEFAULT_DATABASE)
    return None


@dataclass
class Shelf:
    """One database's published programs as this process last read them; safe to share between threads."""

    url: str
    poll: float = POLL_SECONDS
    revision: str = ""
    live: tuple[Version, ...] = ()
    checked: float = float("-inf")
    store: Store | None = None
    loaded: dict[tuple[str, int], tuple[Program, Version, int]] = field(default_factory=dict)  # stamped, steps shown
    numbered: dict[tuple[str, int], Version | None] = field(default_factory=dict)
    listed: dict[str, tuple[Version, ...]] = field(default_factory=dict)  # every version of a program, per revision
    # A program's history, per revision: (id, None) the one stamping reads, (id, language) as a reader reads it.
    histories: dict[tuple[str, str | None], tuple[Step, ...]] = field(default_factory=dict)
    failing: bool = False  # the last look at the database failed (logged once, until it answers again)
    lock: threading.Lock = field(default_factory=threading.Lock)
    opening: threading.Lock = field(default_factory=threading.Lock)

    def current(self) -> tuple[str, tuple[Version, ...]]:
        """The store's revision and its live versions; the store is asked at most every `poll` seconds, and a
        thread that finds another one asking does not wait for it."""
        if time.monotonic() - self.checked >= self.poll and self.lock.acquire(blocking=False):
            try:
                if time.monotonic() - self.checked >= self.poll:
                    self.refresh()
            finally:
                self.lock.release()
        return self.revision, self.live

    def refresh(self) -> None:
        """Read the revision, and the programs when it moved. A database that cannot be reached is logged and the
        last programs read are kept: the replica goes on serving them (and the programs directory)."""
        from sqlalchemy.exc import SQLAlchemyError

        try:
            store = self.open()
            revision = store.revision()
            if revision != self.revision:
                live = tuple(store.programs())
                self.loaded, self.numbered, self.listed, self.histories = {}, {}, {}, {}
                self.revision, self.live = revision, live
        except (SQLAlchemyError, OSError, ValueError) as error:  # ValueError: a URL that is not a database's
            if not self.failing:
                log.error("published programs not read from %s: %s", shown_url(self.url), type(error).__name__)
            self.failing = True
        else:
            if self.failing:
                log.warning("published programs read from %s again", shown_url(self.url))
            self.failing = False
        self.checked = time.monotonic()

    def open(self) -> Store:
        """The store, opened (and its schema made or brought up to date) once per process."""
        with self.opening:
            if self.store is None:
                from kizuna.publishing.store import Store

                self.store = Store(self.url)
            return self.store

    def version(self, program_id: str, number: int) -> Version | None:
        """Version `number` of the program, withdrawn or not (None when there is none), asked once per revision."""
        key = (program_id, number)
        if key not in self.numbered:
            self.numbered[key] = self.open().version(program_id, number)
        return self.numbered[key]

    def versions(self, program_id: str) -> tuple[Version, ...]:
        """Every version of the program, withdrawn or not, asked once per revision (their notes: What changed)."""
        if program_id not in self.listed:
            self.listed[program_id] = tuple(self.open().versions(program_id))
        return self.listed[program_id]

    def load(self, program_id: str, number: int) -> tuple[Program, Version]:
        """The program as that version is served: stamped by the program's history (publishing.history); a rerun
        asks the database nothing. KeyError if there is none."""
        program, version, _ = self.served(program_id, number)
        return program, version

    def steps(self, program_id: str, number: int) -> tuple[Step, ...]:
        """The program's history up to the last time that version was served (what its What changed view lists), in
        the current language."""
        return self.served(program_id, number)[2]

    def stamping(self, program_id: str) -> tuple[Step, ...]:
        """The program's whole history as stamping reads it (`history.stamping_history`), made once per revision:
        every version is read once, whichever and however many versions links ask for."""
        key = (program_id, None)
        if key not in self.histories:
            store = self.open()
            steps = stamping_history(self.versions(program_id), lambda number: store.load(program_id, number)[0])
            self.histories[key] = tuple(steps)
        return self.histories[key]

    def history(self, program_id: str) -> tuple[Step, ...]:
        """The program's whole history in the current language, made once per revision and language from the
        versions stamping read."""
        key = (program_id, language())
        if key not in self.histories:
            self.histories[key] = told_in(self.stamping(program_id), key[1])
        return self.histories[key]

    def served(self, program_id: str, number: int) -> tuple[Program, Version, tuple[Step, ...]]:
        """The version's program, stamped alike in every language, and the history up to it in the current one."""
        key = (program_id, number)
        found = self.loaded.get(key)
        if found is None:
            store = self.open()
            program, version = store.load(program_id, number)
            steps = self.stamping(program_id)
            last = max((index for index, step in enumerate(steps) if step.moment.number == number), default=None)
            shown = last + 1 if last is not None else 0
            found = self.loaded[key] = ((stamped(steps[:shown]) or program) if shown else program, version, shown)
        program, version, shown = found
        return program, version, self.history(program_id)[:shown] if shown else ()


_shelves: dict[str, Shelf] = {}
_shelves_lock = threading.Lock()


def shelf() -> Shelf | None:
    """This process's shelf for the configured database; None when there is none."""
    url = store_url()
    if url is None:
        return None
    with _shelves_lock:
        if url not in _shelves:
            _shelves[url] = Shelf(url)
        return _shelves[url]


def published_programs() -> tuple[str, tuple[Version, ...]]:
    """The store's revision and the live version of each published program ('' and none without a store)."""
    found = shelf()
    return found.current() if found is not None else ("", ())


@dataclass(frozen=True)
class Shown:
    """The version of a published program a visitor sees, and what became of the version their link asked for."""

    program: Program
    version: Version
    pinned: int | None  # the version the link pinned, when that is the one shown; None: the live version
    withdrawn: bool = False  # the version asked for is not shown because it was withdrawn (not: unknown)
    steps: tuple[Step, ...] = ()  # the program's history up to this version (publishing.history)
    versions: tuple[Version, ...] = ()  # every version of the program, withdrawn or not (their notes)

    @property
    def key(self) -> str:
        """Names this version's data for caches, as `loading.data_hash` does a folder's: with the length of its
        history, since a withdrawal that shows it again changes its stamped sessions."""
        version = self.version
        return f"{version.program_id}@{version.number}:{version.content_hash}:{len(self.steps)}"


def show_published(program_id: str, live: int, asked: int | None = None) -> Shown:
    """The version a link shows: the one it asked for while that is published (not withdrawn), else the live one.

    Raises Unavailable when it cannot be read (withdrawn since the list was read, or the database is down)."""
    from sqlalchemy.exc import SQLAlchemyError

    store_shelf = shelf()
    if store_shelf is None:
        raise Unavailable(program_id)
    try:
        return choose_version(store_shelf, program_id, live, asked)
    except (KeyError, SQLAlchemyError) as error:
        log.error("published program %s not read: %s", program_id, type(error).__name__)
        raise Unavailable(program_id) from error


def choose_version(store_shelf: Shelf, program_id: str, live: int, asked: int | None) -> Shown:
    def shown(number: int, pinned: int | None, withdrawn: bool = False) -> Shown:
        program, version, steps = store_shelf.served(program_id, number)
        return Shown(program, version, pinned, withdrawn, steps, store_shelf.versions(program_id))

    if asked is not None and asked != live:
        found = store_shelf.version(program_id, asked)
        if found is not None and not found.withdrawn:
            return shown(asked, asked)
        return shown(live, None, withdrawn=found is not None)
    return shown(live, asked)


@dataclass(frozen=True)
class FeedFile:
    """A published program's feed as served: the same bytes and headers from every replica."""

    body: bytes
    etag: str  # from the bytes, so a calendar's conditional request works whichever replica answers
    version: Version


class FeedCache:
    """Feeds made from published versions, kept up to `budget` bytes: a version never changes, nor do its feeds.

    Only feeds that exist are kept, so names made up by the thousand take no memory: a name the version has no feed
    of is looked up in its program (which the shelf keeps) each time it is asked. The newest feed is kept even when
    it alone is over budget, so memory is bounded by the larger of the budget and the largest feed."""

    def __init__(self, budget: int = FEED_CACHE_BYTES) -> None:
        self.budget = budget
        self.files: OrderedDict[tuple, bytes] = OrderedDict()
        self.size = 0  # bytes of the bodies kept
        self.lock = threading.Lock()

    def get(self, key: tuple, make: Callable[[], bytes | None]) -> bytes | None:
        with self.lock:
            if key in self.files:
                self.files.move_to_end(key)
                return self.files[key]
        body = make()  # outside the lock: a large program's feed takes seconds, other feeds need not wait
        if body is not None:
            self.keep(key, body)
        return body

    def keep(self, key: tuple, body: bytes) -> None:
        """Keep the body as the most recently used, dropping the least recently used ones beyond the budget."""
        with self.lock:
            self.size += len(body) - len(self.files.pop(key, b""))  # two threads may have made the same feed
            self.files[key] = body
            while len(self.files) > 1 and self.size > self.budget:
                self.size -= len(self.files.popitem(last=False)[1])


_feeds = FeedCache()


def published_feed(version: Version, name: str, base_url: str | None, lang: str | None = None) -> FeedFile | None:
    """The feed `name` of that published version (None when it has none) in `lang`, the language its name says
    (default: the current language), made once per version, base URL and language.

    Raises Unavailable when the version cannot be read."""
    from sqlalchemy.exc import SQLAlchemyError

    store_shelf = shelf()
    if store_shelf is None:
        raise Unavailable(version.program_id)
    lang = lang or language()

    def make() -> bytes | None:
        program, _ = store_shelf.load(version.program_id, version.number)
        with speaking(lang):
            return feed_bytes(program, name, base_url)

    key = (version.program_id, version.number, version.content_hash, store_shelf.revision, base_url, lang, name)
    try:
        body = _feeds.get(key, make)
    except (KeyError, SQLAlchemyError) as error:
        log.error("feed %s of %s not made: %s", name, version.program_id, type(error).__name__)
        raise Unavailable(version.program_id) from error
    if body is None:
        return None
    return FeedFile(body, f'"{hashlib.sha256(body).hexdigest()[:32]}"', version)


def published_changes(version: Version, base_url: str | None, lang: str | None = None) -> FeedFile:
    """The Atom feed of what each publish and withdrawal of the program changed (calendars.atom) in `lang` (default:
    the current language), made once per revision of the store, base URL and language. Raises Unavailable when the
    program cannot be read."""
    from sqlalchemy.exc import SQLAlchemyError

    from kizuna.calendars.atom import CHANGES_FEED, changes_atom

    store_shelf = shelf()
    if store_shelf is None:
        raise Unavailable(version.program_id)
    lang = lang or language()

    def make() -> bytes:
        with speaking(lang):
            program, _, steps = store_shelf.served(version.program_id, version.number)
            notes = {other.number: other.note for other in store_shelf.versions(version.program_id)}
            return changes_atom(program, steps, notes, base_url)

    key = (
        version.program_id,
        version.number,
        version.content_hash,
        store_shelf.revision,
        base_url,
        lang,
        CHANGES_FEED,
    )
    try:
        body = _feeds.get(key, make)
    except (KeyError, SQLAlchemyError) as error:
        log.error("changes feed of %s not made: %s", version.program_id, type(error).__name__)
        raise Unavailable(version.program_id) from error
    return FeedFile(body, f'"{hashlib.sha256(body).hexdigest()[:32]}"', version)


def look_again() -> None:
    """Read the store on the next look rather than up to POLL_SECONDS later: after this process published."""
    found = shelf()
    if found is not None:
        found.checked = float("-inf")
