"""Several seminars side by side: the programs directory, its default program, and finding a program by id.

Each entry of the directory (`KIZUNA_PROGRAMS`, default the repository's `data/`) is one program: a folder of
CSV files, a `.zip` of one or an `.xlsx` workbook. A program is known by the `id` in its program table, never by
its file name. `KIZUNA_PROGRAM` still names one program alone, and then wins, as it did before the directory.
The dashboard also serves the programs published in the store (kizuna.publishing.published); one of them wins over a
directory program of the same id.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kizuna import config
from kizuna.calendars.feeds import feeds_current, write_feeds, write_feeds_logged
from kizuna.checks.loading import Problem, ProgramInvalid, data_hash, load_program, read_program
from kizuna.i18n import N_, organisers
from kizuna.program.problems import said
from kizuna.publishing.published import published_programs

if TYPE_CHECKING:
    from kizuna.program.model import Program
    from kizuna.publishing.published import Shown
    from kizuna.publishing.store import Version
    from kizuna.views.marks import Edition

PROGRAM_ENV = "KIZUNA_PROGRAM"  # one program alone, by its folder, zip or workbook
PROGRAMS_ENV = "KIZUNA_PROGRAMS"
DEFAULT_ENV = "KIZUNA_DEFAULT_PROGRAM"
PACKED_SUFFIXES = (".zip", ".xlsx")
# Programs whose feeds were published in feeds/ itself before there were several: their subscribers keep their
# addresses. Every other program of the directory publishes in feeds/<program id>/.
ROOT_FEEDS = frozenset({"clair-seminar-2019"})

log = logging.getLogger(__name__)
_ = organisers.gettext


class UnknownProgram(LookupError):
    """A --program value that is neither an existing path nor the id of a program in the directory."""


@dataclass(frozen=True)
class Entry:
    """One program of the directory or the store: what a picker and the CLI need, without its sessions."""

    path: Path | None  # None for a published program: it is in the store, not in the directory
    id: str | None = None  # None when the program is invalid
    title: str = ""
    start_date: date | None = None
    end_date: date | None = None
    problems: tuple[Problem, ...] = ()
    published: int | None = None  # a published program's live version (its latest not withdrawn)

    @property
    def valid(self) -> bool:
        return self.id is not None and not self.problems


@dataclass(frozen=True)
class Catalog:
    """The valid programs, most recent first, the invalid ones with their problems, and the default."""

    folder: Path | None  # None when KIZUNA_PROGRAM names one program
    programs: tuple[Entry, ...] = ()
    invalid: tuple[Entry, ...] = ()
    default: Entry | None = None
    version: str = field(default="", compare=False)  # changes whenever an entry's files do

    @property
    def ids(self) -> list[str]:
        return [entry.id for entry in self.programs if entry.id]

    def find(self, program_id: str | None) -> Entry | None:
        return next((entry for entry in self.programs if entry.id == program_id), None)


def programs_dir() -> Path:
    """$KIZUNA_PROGRAMS, else the `data/` folder of this checkout."""
    configured = os.environ.get(PROGRAMS_ENV, "").strip()
    return Path(configured) if configured else config.PROGRAMS


def is_candidate(path: Path, is_dir: bool) -> bool:
    """Folders, zips and workbooks; not hidden entries, README files or the lock files Excel leaves (~$…)."""
    name = path.name
    if name.startswith((".", "~$")) or path.stem.upper() == "README":
        return False
    return is_dir or name.lower().endswith(PACKED_SUFFIXES)


def candidates(folder: Path) -> list[Path]:
    try:
        with os.scandir(folder) as found:
            entries = [(Path(item.path), item.is_dir()) for item in found]
    except OSError:
        return []
    return sorted(path for path, is_dir in entries if is_candidate(path, is_dir))


def signature(path: Path) -> tuple:
    """Changes whenever the program's files do: the entry's own stat and, for a folder, its files' stats."""
    own = path.stat()
    found: tuple = (own.st_mtime_ns, own.st_size)
    if stat.S_ISDIR(own.st_mode):
        with os.scandir(path) as files:
            found += tuple(sorted((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files if f.is_file()))
    return found


def read_entry(path: Path) -> Entry:
    program, problems = read_program(path)
    if program is None:
        return Entry(path, title=path.name, problems=tuple(problems))
    return Entry(path, program.id, program.title, program.start_date, program.end_date)


_entries: dict[Path, tuple[tuple, Entry]] = {}
_lock = threading.Lock()


def cached_entry(path: Path) -> tuple[Entry, tuple]:
    """The entry and its signature, read again only when its files changed: a rerun only stats them."""
    try:
        key = signature(path)
    except OSError:  # gone, or not readable: read_program says which, and nothing is cached
        return read_entry(path), ()
    with _lock:
        known = _entries.get(path)
        if known is None or known[0] != key:
            known = _entries[path] = (key, read_entry(path))
    return known[1], key


def catalog_of(read: list[tuple[Entry, tuple]], folder: Path | None) -> Catalog:
    """Sort the entries, report repeated ids (the first entry by file name keeps its id) and pick the default."""
    entries = [entry for entry, _ in read]
    valid: list[Entry] = []
    invalid = [entry for entry in entries if not entry.valid]
    for entry in sorted((e for e in entries if e.valid), key=lambda e: e.path.name):
        first = next((other for other in valid if other.id == entry.id), None)
        if first is None:
            valid.append(entry)
            continue
        message = said(N_("program id {id} is already the id of {name}"), id=repr(entry.id), name=first.path.name)
        invalid.append(Entry(entry.path, title=entry.title, problems=(Problem(entry.path.name, None, "id", message),)))
    valid.sort(key=lambda e: (e.start_date, e.id), reverse=True)
    version = hashlib.sha256(repr([str(folder), *((str(e.path), key) for e, key in read)]).encode()).hexdigest()[:16]
    return Catalog(folder, tuple(valid), tuple(sorted(invalid, key=lambda e: e.path)), default_of(valid), version)


def default_of(valid: list[Entry]) -> Entry | None:
    """The program a link without `program=` opens: $KIZUNA_DEFAULT_PROGRAM's if served, else the most recent."""
    wanted = os.environ.get(DEFAULT_ENV, "").strip()
    return next((e for e in valid if e.id == wanted), valid[0] if valid else None)


def published_entry(version: Version) -> Entry:
    return Entry(
        None, version.program_id, version.title, version.start_date, version.end_date, published=version.number
    )


def with_published(catalog: Catalog, revision: str, live: tuple[Version, ...]) -> Catalog:
    """The directory's programs and the published ones, most recent first; a published program replaces a
    directory program of the same id."""
    if not live:
        return catalog
    published = [published_entry(version) for version in live]
    ids = {entry.id for entry in published}
    valid = [*published, *(entry for entry in catalog.programs if entry.id not in ids)]
    valid.sort(key=lambda e: (e.start_date, e.id), reverse=True)
    return Catalog(catalog.folder, tuple(valid), catalog.invalid, default_of(valid), f"{catalog.version}+{revision}")


_catalogs: dict[Path, tuple[tuple, Catalog]] = {}


def list_programs(folder: Path | None = None) -> Catalog:
    """Every program in the directory, read once per process and again only for an entry whose files changed."""
    folder = folder if folder is not None else programs_dir()
    read = [cached_entry(path) for path in candidates(folder)]
    key = (os.environ.get(DEFAULT_ENV, ""), tuple((entry.path, signature) for entry, signature in read))
    known = _catalogs.get(folder)
    if known is None or known[0] != key:
        known = _catalogs[folder] = (key, catalog_of(read, folder))
    return known[1]


def one_program(path: Path) -> Catalog:
    """A catalog of the one program at `path` (KIZUNA_PROGRAM, or a --program the command line was given)."""
    return catalog_of([cached_entry(path)], None)


_looked: dict[tuple[str, ...], tuple[float, Catalog]] = {}


def configured_programs(max_age: float = 0.0, published: bool = True) -> Catalog:
    """What the dashboard serves: KIZUNA_PROGRAM's program alone when it is set, else the programs directory and
    (unless `published` is False) the programs published in the store.

    A listing younger than `max_age` seconds is reused without looking at the files (the page's reruns); the store
    is asked no more often than kizuna.publishing.published.POLL_SECONDS."""
    single = os.environ.get(PROGRAM_ENV, "").strip()
    where = (single, os.environ.get(PROGRAMS_ENV, ""), os.environ.get(DEFAULT_ENV, ""), str(published))
    known = _looked.get(where)
    if known is not None and time.monotonic() - known[0] < max_age:
        return known[1]
    if single or not published:
        catalog = one_program(Path(single)) if single else list_programs()
    else:
        catalog = served_programs(list_programs(), known)
    _looked[where] = (time.monotonic(), catalog)
    return catalog


def served_programs(directory: Catalog, known: tuple[float, Catalog] | None) -> Catalog:
    """The directory with the published programs; the catalog of the last look again when neither changed."""
    revision, live = published_programs()
    merged = with_published(directory, revision, live)
    return known[1] if known is not None and known[1].version == merged.version else merged


def resolve_program(value: str | Path | None) -> Path:
    """A --program value as a path: an existing path is one; else an id in the directory; None is the default."""
    if value is None:
        single = os.environ.get(PROGRAM_ENV, "").strip()
        if single:
            return Path(single)
        catalog = list_programs()
        if catalog.default is not None:
            return catalog.default.path
        if catalog.invalid:  # let the command report what is wrong with it
            return catalog.invalid[0].path
        raise UnknownProgram(no_program(catalog))
    if Path(value).exists():
        return Path(value)
    catalog = list_programs()
    entry = catalog.find(str(value))
    if entry is not None:
        return entry.path
    raise UnknownProgram(unknown_message(str(value), catalog))


@dataclass(frozen=True)
class Chosen:
    """The program a command works on, as the dashboard serves it, and what its links then carry."""

    program: Program
    default_id: str | None  # the dashboard's default program, whose links carry no program key (None: there is none)
    version: int | None = None  # a published version pinned with --version; None: the live one
    shown: Shown | None = None  # a published program's version as shown, with its history; None: the directory's

    @property
    def edition(self) -> Edition | None:
        """Which version is shown and what it changed, for the printout (`print_view`); None for the directory's."""
        from kizuna.views.marks import edition_of

        return edition_of(self.shown) if self.shown is not None else None


def choose_program(value: str | Path | None, version: int | None = None) -> Chosen:
    """What `--program` (and `--version`) name: an existing folder, zip or workbook, else any id the dashboard
    serves, from the programs directory or the store (its live version, or the one pinned); None is the dashboard's
    default. Raises UnknownProgram, ProgramInvalid, or published.Unavailable when the store cannot be read."""
    catalog = configured_programs()
    default_id = catalog.default.id if catalog.default else None
    if value is not None and Path(value).exists():
        return Chosen(load_program(Path(value)), default_id, none_pinned(str(value), version))
    entry = catalog.find(str(value)) if value is not None else catalog.default
    if entry is None:
        if value is None and catalog.invalid and catalog.invalid[0].path is not None:
            load_program(catalog.invalid[0].path)  # raises ProgramInvalid: the command says what is wrong
        if value is None:
            raise UnknownProgram(no_program(catalog))
        raise UnknownProgram(unknown_message(str(value), catalog))
    if entry.path is not None:
        return Chosen(load_program(entry.path), default_id, none_pinned(entry.id or "", version))
    from kizuna.publishing.published import show_published

    shown = show_published(entry.id or "", entry.published or 0, version)
    if version is not None and shown.pinned != version:
        if shown.withdrawn:
            why = _("version {number} of {program} was withdrawn; its live version is {live}")
        else:
            why = _("version {number} of {program} does not exist; its live version is {live}")
        raise UnknownProgram(why.format(number=version, program=repr(entry.id), live=entry.published))
    return Chosen(shown.program, default_id, shown.pinned, shown)


def none_pinned(program_id: str, version: int | None) -> None:
    """A program of the directory has no versions: --version names one of the store's."""
    if version is not None:
        raise UnknownProgram(
            _("{program} is not a published program: --version applies to the store's programs").format(
                program=program_id
            )
        )


def no_program(catalog: Catalog) -> str:
    return _("no program in {folder}; set ${variable} or pass a program").format(
        folder=catalog.folder, variable=PROGRAMS_ENV
    )


def unknown_message(value: str, catalog: Catalog) -> str:
    known = ", ".join(catalog.ids) or _("(none)")
    if catalog.folder:
        message = _(
            "no program folder, zip or workbook {value}, and no program with that id in {folder}; known ids: {ids}"
        )
    else:
        message = _("no program folder, zip or workbook {value}, and no program with that id served; known ids: {ids}")
    message = message.format(value=repr(value), folder=catalog.folder, ids=known)
    if catalog.invalid:
        invalid = ", ".join(entry.path.name for entry in catalog.invalid)
        message += " " + _("(not valid: {names}; see kizuna validate)").format(names=invalid)
    return message


def feeds_folder(program_id: str) -> str:
    """The folder under feeds/ a program's feeds go in: '' (feeds/ itself) as before the directory, else its id."""
    if os.environ.get(PROGRAM_ENV, "").strip() or program_id in ROOT_FEEDS:
        return ""
    return program_id


def feeds_owner(folder: str) -> Version | None:
    """The published program whose feeds are in feeds/<folder>/ (feeds/ itself for ''), as its live version; None
    when no published program's feeds are there (then the folder's files are what is served)."""
    if os.environ.get(PROGRAM_ENV, "").strip():  # one program alone: the store is not served
        return None
    _, live = published_programs()
    return next((version for version in live if feeds_folder(version.program_id) == folder), None)


def changes_owner(program_id: str) -> Version | None:
    """The live version of the published program `program_id`, whose changes feed is feeds/<program_id>/changes.atom
    (its id, even where its calendar feeds are in feeds/ itself); None when the dashboard serves no such program."""
    if os.environ.get(PROGRAM_ENV, "").strip():  # one program alone: the store is not served
        return None
    _, live = published_programs()
    return next((version for version in live if version.program_id == program_id), None)


def write_feeds_of(catalog: Catalog, static: Path, base_url: str | None) -> list[Path]:
    """Write every valid program's feeds, each in its folder: what `kizuna feeds` does before start-up. A published
    program's feeds are not files: the dashboard makes them from the store (kizuna_app.served_feeds)."""
    written: list[Path] = []
    for entry in catalog.programs:
        if entry.path is None:
            continue
        program = load_program(entry.path)
        written += write_feeds(program, static, base_url, data_hash(entry.path), feeds_folder(program.id))
    return written


def refresh_stale_feeds(catalog: Catalog, static: Path, base_url: str | None) -> None:
    """Rewrite the feeds of the programs whose data changed since they were written; failures are logged."""
    for entry in catalog.programs:
        if entry.path is None:  # published: kizuna_app.feeds serves its feeds from the store
            continue
        folder = feeds_folder(entry.id or "")
        try:
            version = data_hash(entry.path)
            if feeds_current(version, base_url, static, folder):
                continue
            program = load_program(entry.path)
        except (OSError, ProgramInvalid) as error:  # changed or gone since it was listed: the others go on
            log.error("feeds of %s not written: %s", entry.path, error)
            continue
        if not write_feeds_logged(program, static, base_url, version, folder):
            return  # the folder cannot be written: no use trying the next program


def refresh_feeds_in_background(catalog: Catalog, static: Path, base_url: str | None) -> threading.Thread:
    """`refresh_stale_feeds` in a thread, so no visitor waits for the feeds."""
    thread = threading.Thread(
        target=refresh_stale_feeds, args=(catalog, static, base_url), name="kizuna-feeds", daemon=True
    )
    thread.start()
    return thread
