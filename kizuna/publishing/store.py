"""Published programs in a SQL database: each publish an immutable version, served alike by every replica.

SQLite (a file under `var/`) by default; PostgreSQL (`postgresql+psycopg://…`) when several replicas share it.
A version's content is the program's tables as a zip of CSV files written the same way every time
(`kizuna.checks.workbook`), read back by the same reader as an organiser's own zip. A publish is one transaction, so
a crash or a killed process mid-publish leaves the previous version live. Schema changes only add.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    and_,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine, Row, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError
from sqlalchemy.schema import CreateColumn

from kizuna import config
from kizuna.checks.loading import ProgramInvalid, Reading, check_file, read_source
from kizuna.checks.sources import MAX_FILE_BYTES, MAX_UNPACKED_BYTES
from kizuna.i18n import N_, organisers
from kizuna.program.model import Program
from kizuna.program.problems import Problem, said
from kizuna.program.text import clean_text

DATABASE_ENV = config.DATABASE_URL_ENV
DEFAULT_DATABASE = config.DEFAULT_DATABASE
MAX_SESSIONS = 20_000  # per program: twice the largest the bench measures; parsed, about 16 MiB per replica
MAX_ID_CHARS = 200  # a program id (the database's column)
MAX_NOTE_CHARS = 500
CACHED_PROGRAMS = 8  # versions kept parsed per process (a 10,000-session program takes about 8 MiB)
BUSY_TIMEOUT_S = 30  # how long an SQLite writer waits for another to finish
CONNECT_TIMEOUT_S = 10  # how long to wait for a PostgreSQL server that does not answer
WRITE = "kizuna_write"  # execution option: this transaction writes (SQLite: BEGIN IMMEDIATE)
MIGRATION_LOCK = 0x6B697A756E61  # PostgreSQL advisory lock held while the schema is changed ("kizuna")

log = logging.getLogger(__name__)
_ = organisers.gettext


def database_url() -> str:
    """$KIZUNA_DATABASE_URL, else SQLite at config.DEFAULT_DATABASE (its folder is created on demand)."""
    return config.database_url(DEFAULT_DATABASE)


@dataclass(frozen=True)
class Version:
    program_id: str
    number: int  # 1, 2, 3 … per program
    content_hash: str  # sha256 of the canonical tables (each CSV file's name and bytes), whatever the compression
    published_at: datetime  # UTC
    note: str
    withdrawn: bool
    title: str
    start_date: date
    end_date: date
    sessions: int
    withdrawn_at: datetime | None = None  # UTC; None for a version never withdrawn


def live_version(versions: Sequence[Version]) -> Version | None:
    """The live version of one program's versions, newest first: the latest not withdrawn (what links without a
    version open); None when every one was withdrawn."""
    return next((version for version in versions if not version.withdrawn), None)


def version_state(version: Version, live: Version | None) -> str:
    """'live', 'withdrawn', or 'kept' (still published, opened only by a link that pins it)."""
    if version.withdrawn:
        return "withdrawn"
    return "live" if live is not None and version.number == live.number else "kept"


# Translators: a version's state in a list of versions: shown to visitors now, taken back, or kept for old links.
STATES = {"live": N_("live"), "withdrawn": N_("withdrawn"), "kept": N_("kept")}


def state_label(state: str) -> str:
    """A `version_state` as organisers read it, in their language."""
    return _(STATES[state])


@dataclass(frozen=True)
class Published:
    version: Version
    created: bool  # False: the content was identical to the live version: no new version


class PublishConflict(Exception):
    """Another publish of the same program committed first; nothing of this one was stored."""

    def __init__(self, program_id: str, version: Version | None) -> None:
        self.program_id, self.version = program_id, version
        if version is None:
            super().__init__(
                _("{program}: another publish of this program came first; nothing was stored").format(
                    program=program_id
                )
            )
            return
        when = f"{version.published_at:%Y-%m-%d %H:%M:%S} UTC"
        super().__init__(
            _(
                "{program}: version {number} was published at {when} while this publish was being checked; nothing "
                "of this one was stored. Look at it, then publish again to replace it"
            ).format(program=program_id, number=version.number, when=when)
        )


class NoteTooLong(ValueError):
    """A publish's note over MAX_NOTE_CHARS characters."""


class DatabaseUrlError(ValueError):
    """A database URL that is not SQLite or PostgreSQL, or not a URL (the message never repeats it)."""


@dataclass(frozen=True)
class Prepared:
    """A valid program ready to store: its canonical content and what was read back from that content."""

    program: Program
    content: bytes
    content_hash: str


# --- schema ---------------------------------------------------------------------------------------------------
# The current tables, for queries. The database gets them by running the migrations below in order, each once;
# a released migration is never edited (tests/fixtures/store/ holds schema 1 as it was made).

metadata = MetaData()
schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))
versions = Table(
    "versions",
    metadata,
    Column("program_id", String(MAX_ID_CHARS), primary_key=True),
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("content_hash", String(64), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("note", Text, nullable=False),
    Column("withdrawn", Boolean, nullable=False),
    Column("title", Text, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("sessions", Integer, nullable=False),
    Column("created_revision", BigInteger),  # schema 2
    Column("withdrawn_at", DateTime(timezone=True)),  # schema 2
)
contents = Table(
    "contents",
    metadata,
    Column("program_id", String(200), primary_key=True),
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("data", LargeBinary, nullable=False),
    ForeignKeyConstraint(["program_id", "number"], ["versions.program_id", "versions.number"]),
)
store_state = Table(
    "store_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # one row, id 1
    Column("instance", String(32), nullable=False),  # new with each database, so a revision is never reused
    Column("revision", BigInteger, nullable=False),  # +1 with every publish and withdrawal
)


def schema_1(conn: Connection) -> None:
    """Versions and their contents."""
    tables = MetaData()
    Table("schema_version", tables, Column("version", Integer, nullable=False))
    Table(
        "versions",
        tables,
        Column("program_id", String(200), primary_key=True),
        Column("number", Integer, primary_key=True, autoincrement=False),
        Column("content_hash", String(64), nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=False),
        Column("note", Text, nullable=False),
        Column("withdrawn", Boolean, nullable=False),
        Column("title", Text, nullable=False),
        Column("start_date", Date, nullable=False),
        Column("end_date", Date, nullable=False),
        Column("sessions", Integer, nullable=False),
    )
    Table(
        "contents",
        tables,
        Column("program_id", String(200), primary_key=True),
        Column("number", Integer, primary_key=True, autoincrement=False),
        Column("data", LargeBinary, nullable=False),
        ForeignKeyConstraint(["program_id", "number"], ["versions.program_id", "versions.number"]),
    )
    tables.create_all(conn)
    conn.execute(text("INSERT INTO schema_version (version) VALUES (0)"))


def schema_2(conn: Connection) -> None:
    """The store's revision, which replicas poll; per version, the revision that created it (publishes that
    overlap are told apart by it) and when it was withdrawn."""
    tables = MetaData()
    Table(
        "store_state",
        tables,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("instance", String(32), nullable=False),
        Column("revision", BigInteger, nullable=False),
    ).create(conn)
    add_column(conn, "versions", Column("created_revision", BigInteger))
    add_column(conn, "versions", Column("withdrawn_at", DateTime(timezone=True)))
    count = conn.execute(text("SELECT count(*) FROM versions")).scalar_one()
    conn.execute(store_state.insert().values(id=1, instance=secrets.token_hex(8), revision=count))


MIGRATIONS: tuple[Callable[[Connection], None], ...] = (schema_1, schema_2)
SCHEMA_VERSION = len(MIGRATIONS)


def add_column(conn: Connection, table: str, column: Column) -> None:
    """ALTER TABLE … ADD COLUMN, the column's type as this database names it (nullable: old rows stay valid)."""
    Table(table, MetaData(), column)
    conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {CreateColumn(column).compile(dialect=conn.dialect)}"))


def schema_of(conn: Connection) -> int:
    """The database's schema version; 0 for an empty database."""
    if not inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(select(func.max(schema_version.c.version))).scalar() or 0


def migrate(engine: Engine, target: int = SCHEMA_VERSION) -> int:
    """Bring the schema up to `target`, in one transaction, one process at a time; returns the version found.

    A database newer than this code is used as it is: migrations only add tables and nullable columns."""
    with engine.connect() as conn:
        found = schema_of(conn)
    if found >= target:
        return found
    with writing(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
        found = schema_of(conn)
        for number in range(found + 1, target + 1):
            MIGRATIONS[number - 1](conn)
            conn.execute(update(schema_version).values(version=number))
    if found < target:
        log.info("store schema %d → %d", found, target)
    return found


# --- engines --------------------------------------------------------------------------------------------------


def create_store_engine(url: str) -> Engine:
    """An engine for SQLite (WAL, a busy timeout, real transactions) or PostgreSQL (psycopg 3)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(_("the database URL cannot be read (dialect://user:password@host/database)")) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        # A restarted server costs a reconnection, not an error; an unreachable one an error in seconds, not minutes.
        timeout = {} if "connect_timeout" in parsed.query else {"connect_timeout": CONNECT_TIMEOUT_S}
        return create_engine(parsed, pool_pre_ping=True, connect_args=timeout)
    if backend != "sqlite":
        raise DatabaseUrlError(
            _("{database}: only sqlite:/// and postgresql+psycopg:// are supported").format(
                database=config.shown_url(url)
            )
        )
    if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S})
    event.listen(engine, "connect", sqlite_connect)
    event.listen(engine, "begin", sqlite_begin)
    return engine


def sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """WAL: readers keep reading the last committed publish while one is written. The driver's own BEGIN would
    leave the schema's DDL outside the transaction, so SQLAlchemy's begin (below) emits it."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def sqlite_begin(conn: Connection) -> None:
    """A writer takes the write lock at BEGIN: two writers then queue (busy timeout) instead of one failing."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that writes: committed when the block ends, rolled back on any exception."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITE: True})
        with conn.begin():
            yield conn


# --- the store ------------------------------------------------------------------------------------------------

VERSION_COLUMNS = (
    versions.c.program_id,
    versions.c.number,
    versions.c.content_hash,
    versions.c.published_at,
    versions.c.note,
    versions.c.withdrawn,
    versions.c.title,
    versions.c.start_date,
    versions.c.end_date,
    versions.c.sessions,
    versions.c.withdrawn_at,
)


class Store:
    """Published programs and their versions; safe to share between threads."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or database_url()
        self.engine = create_store_engine(self.url)
        migrate(self.engine)
        self._programs: OrderedDict[tuple[str, int, str], Program] = OrderedDict()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Store({config.shown_url(self.url)!r})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    def publish(self, source: Path | Reading, note: str = "", name: str | None = None) -> Published:
        """Store the program as a new version, in one transaction; the live version again when it holds the same
        content. `source` is a file (checked here, in a worker) or what checking one found, `name` what the
        organiser calls it. Raises ProgramInvalid, PublishConflict or NoteTooLong."""
        note = clean_note(note)
        started = self._revision()[1]
        if not isinstance(source, Reading):
            source, name = check_file(Path(source)), name or Path(source).name
        prepared = prepare(source, name or "program")
        published = self._store(prepared, note, started)
        key = (published.version.program_id, published.version.number, published.version.content_hash)
        self._remember(key, prepared.program)
        return published

    def programs(self) -> list[Version]:
        """The live (latest not withdrawn) version of each program, the latest start date first."""
        live = (
            select(versions.c.program_id, func.max(versions.c.number).label("number"))
            .where(~versions.c.withdrawn)
            .group_by(versions.c.program_id)
            .subquery()
        )
        joined = and_(versions.c.program_id == live.c.program_id, versions.c.number == live.c.number)
        query = select(*VERSION_COLUMNS).join(live, joined)
        return self._versions(query.order_by(versions.c.start_date.desc(), versions.c.program_id))

    def versions(self, program_id: str) -> list[Version]:
        """Every version of the program, newest first, withdrawn ones included."""
        query = select(*VERSION_COLUMNS).where(versions.c.program_id == program_id)
        return self._versions(query.order_by(versions.c.number.desc()))

    def history(self) -> dict[str, list[Version]]:
        """Every program ever published (by id) with all its versions, newest first: what `kizuna programs` lists."""
        query = select(*VERSION_COLUMNS).order_by(versions.c.program_id, versions.c.number.desc())
        found: dict[str, list[Version]] = {}
        for version in self._versions(query):
            found.setdefault(version.program_id, []).append(version)
        return found

    def version(self, program_id: str, number: int | None = None) -> Version | None:
        """Version `number` (withdrawn or not), or with None the live one; None when there is none."""
        with self.engine.connect() as conn:
            row = conn.execute(version_query(program_id, number)).first()
        return version_of(row) if row is not None else None

    def load(self, program_id: str, number: int | None = None) -> tuple[Program, Version]:
        """The program as published in that version (None: the live one). One query when its program is cached,
        which versions allow: their content never changes. KeyError when there is no such version."""
        version = self.version(program_id, number)
        if version is None:
            raise KeyError(missing(program_id, number))
        key = (program_id, version.number, version.content_hash)
        with self._lock:
            program = self._programs.get(key)
            if program is not None:
                self._programs.move_to_end(key)
                return program, version
        program = program_from(self.content(program_id, version.number), f"{program_id}-{version.number}.zip")
        self._remember(key, program)
        return program, version

    def content(self, program_id: str, number: int) -> bytes:
        """The version's canonical zip of CSV files (a program `kizuna validate` and the dashboard read)."""
        query = select(contents.c.data).where(contents.c.program_id == program_id, contents.c.number == number)
        with self.engine.connect() as conn:
            data = conn.execute(query).scalar()
        if data is None:
            raise KeyError(missing(program_id, number))
        return bytes(data)

    def withdraw(self, program_id: str, number: int) -> Version:
        """Mark the version withdrawn (its content stays); the program's links then show its previous version."""
        with writing(self.engine) as conn:
            conn.execute(select(store_state.c.revision).with_for_update())  # one writer at a time
            row = conn.execute(version_query(program_id, number)).first()
            if row is None:
                raise KeyError(missing(program_id, number))
            if not row.withdrawn:
                key = (versions.c.program_id == program_id, versions.c.number == number)
                conn.execute(update(versions).where(*key).values(withdrawn=True, withdrawn_at=datetime.now(UTC)))
                conn.execute(update(store_state).values(revision=store_state.c.revision + 1))
                row = conn.execute(version_query(program_id, number)).first()
        return version_of(row)

    def revision(self) -> str:
        """Changes whenever anything is published or withdrawn: one query on a one-row table, for replicas to poll."""
        instance, revision = self._revision()
        return f"{instance}.{revision}"

    def _revision(self) -> tuple[str, int]:
        with self.engine.connect() as conn:
            instance, revision = conn.execute(select(store_state.c.instance, store_state.c.revision)).one()
        return instance, revision

    def _versions(self, query: Any) -> list[Version]:
        with self.engine.connect() as conn:
            return [version_of(row) for row in conn.execute(query)]

    def _store(self, prepared: Prepared, note: str, started: int) -> Published:
        """Insert the version and its content in one transaction, unless the live version holds the same content.

        A version of the program created after this publish began (`started`) is a conflict: storing over it
        would replace what another organiser published a moment ago without anyone having seen it."""
        program = prepared.program
        try:
            with writing(self.engine) as conn:
                revision = conn.execute(select(store_state.c.revision).with_for_update()).scalar_one()
                live = conn.execute(version_query(program.id, None)).first()
                if live is not None and live.content_hash == prepared.content_hash:
                    return Published(version_of(live), created=False)
                latest = conn.execute(
                    select(*VERSION_COLUMNS, versions.c.created_revision)
                    .where(versions.c.program_id == program.id)
                    .order_by(versions.c.number.desc())
                    .limit(1)
                ).first()
                if latest is not None and (latest.created_revision or 0) > started:
                    raise PublishConflict(program.id, version_of(latest))
                number = (latest.number if latest is not None else 0) + 1
                conn.execute(update(store_state).values(revision=revision + 1))
                conn.execute(insert(versions).values(version_values(prepared, number, note, revision + 1)))
                conn.execute(insert(contents).values(program_id=program.id, number=number, data=prepared.content))
        except IntegrityError:  # the same number committed by a writer that did not take the revision lock
            winner = self.version(program.id)
            if winner is not None and winner.content_hash == prepared.content_hash:
                return Published(winner, created=False)
            raise PublishConflict(program.id, winner) from None
        return Published(self.version(program.id, number), created=True)

    def _remember(self, key: tuple[str, int, str], program: Program) -> None:
        with self._lock:
            self._programs[key] = program
            self._programs.move_to_end(key)
            while len(self._programs) > CACHED_PROGRAMS:
                self._programs.popitem(last=False)


def version_query(program_id: str, number: int | None) -> Any:
    """The version `number`, or with None the live one (the latest not withdrawn)."""
    query = select(*VERSION_COLUMNS).where(versions.c.program_id == program_id)
    if number is not None:
        return query.where(versions.c.number == number)
    return query.where(~versions.c.withdrawn).order_by(versions.c.number.desc()).limit(1)


def version_of(row: Row) -> Version:
    values = {column.name: row._mapping[column.name] for column in VERSION_COLUMNS}
    values["published_at"] = as_utc(values["published_at"])
    values["withdrawn_at"] = as_utc(values["withdrawn_at"]) if values["withdrawn_at"] else None
    values["withdrawn"] = bool(values["withdrawn"])
    return Version(**values)


def as_utc(moment: datetime) -> datetime:
    """SQLite gives back the naive UTC time it was given; PostgreSQL an aware one in its session's zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def version_values(prepared: Prepared, number: int, note: str, revision: int) -> dict[str, Any]:
    program = prepared.program
    return {
        "program_id": program.id,
        "number": number,
        "content_hash": prepared.content_hash,
        "published_at": datetime.now(UTC),
        "note": note,
        "withdrawn": False,
        "title": program.title,
        "start_date": program.start_date,
        "end_date": program.end_date,
        "sessions": len(program.sessions),
        "created_revision": revision,
    }


def missing(program_id: str, number: int | None) -> str:
    if number is None:
        return _("no published version of {program}").format(program=repr(program_id))
    return _("no version {number} of {program}").format(number=number, program=repr(program_id))


def clean_note(note: str) -> str:
    note = clean_text(note).strip()
    if len(note) > MAX_NOTE_CHARS:
        raise NoteTooLong(
            _("the note has {count} characters; the limit is {limit}").format(
                count=f"{len(note):,}", limit=MAX_NOTE_CHARS
            )
        )
    return note


# --- content --------------------------------------------------------------------------------------------------


def prepare(reading: Reading, name: str) -> Prepared:
    """From a valid program as checked from the organiser's file `name`, make its canonical content: the checked
    tables as that file holds them, empty rows left out, as a zip of CSV files; raises ProgramInvalid."""
    from kizuna.checks.workbook import csv_members, stamp_of, zip_bytes  # openpyxl: imported only to publish

    path = Path(name)
    if reading.problems or reading.program is None:
        raise ProgramInvalid(path, reading.problems)
    program = reading.program
    if len(program.sessions) > MAX_SESSIONS:
        message = said(
            N_("holds {count:,} sessions; the limit is {limit:,} per program"),
            count=len(program.sessions),
            limit=MAX_SESSIONS,
        )
        raise ProgramInvalid(path, [Problem(path.name, None, None, message)])
    if len(program.id) > MAX_ID_CHARS:
        message = said(
            N_("the program id has {count:,} characters; the limit is {limit}"),
            count=len(program.id),
            limit=MAX_ID_CHARS,
        )
        raise ProgramInvalid(path, [Problem(path.name, None, "id", message)])
    records = {
        table: [rows[0], *(row for row in rows[1:] if any(cell.strip() for cell in row))]
        for table, rows in reading.records.items()
    }
    members = csv_members(records)
    content = zip_bytes(members, stamp_of(records))
    unpacked = sum(len(data) for _, data in members)
    if len(content) > MAX_FILE_BYTES or unpacked > MAX_UNPACKED_BYTES:
        message = said(
            N_(
                "makes {packed:.1f} MiB packed, {unpacked:.0f} MiB of CSV; the limits are {packed_limit} MiB and "
                "{unpacked_limit} MiB"
            ),
            packed=len(content) / 2**20,
            unpacked=unpacked / 2**20,
            packed_limit=MAX_FILE_BYTES // 2**20,
            unpacked_limit=MAX_UNPACKED_BYTES // 2**20,
        )
        raise ProgramInvalid(path, [Problem(path.name, None, None, message)])
    # The content is these tables written as CSV, which reads back as exactly this program (tests/test_workbook.py
    # round-trips every fixture): it is not read again here.
    return Prepared(program, content, content_hash(members))


def content_hash(members: list[tuple[str, bytes]]) -> str:
    """sha256 over each CSV file's name, length and bytes: the same tables hash alike whatever zlib does."""
    digest = hashlib.sha256()
    for name, data in members:
        digest.update(name.encode() + b"\0" + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def program_from(content: bytes, name: str) -> Program:
    """Read a stored zip with the organiser's reader (it reads files: a temporary one, removed at once)."""
    with tempfile.TemporaryDirectory(prefix="kizuna-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        reading = read_source(path)
    if reading.problems or reading.program is None:
        raise ProgramInvalid(Path(name), reading.problems)
    return reading.program
