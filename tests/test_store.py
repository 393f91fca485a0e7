"""The store of published programs, against SQLite and a real PostgreSQL alike (tests/postgres.py)."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import MetaData, Table, create_engine, event, insert

from kizuna import config
from kizuna.checks.loading import OPTIONAL_FILES, SCHEMA, ProgramInvalid, load_program, read_source
from kizuna.checks.sources import read_tables
from kizuna.checks.workbook import csv_members, program_zip, write_workbook
from kizuna.cli import main
from kizuna.program.model import Program
from kizuna.publishing import store
from kizuna.publishing.store import NoteTooLong, PublishConflict, Store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "good" / "minimal"
BROKEN = FIXTURES / "broken" / "unknown-venue"
MINI = "mini-2020"


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kizuna.sqlite3'}"
    return request.getfixturevalue("postgres_cluster").create_database()


@pytest.fixture
def db(database: str) -> Iterator[Store]:
    with Store(database) as opened:
        yield opened


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kizuna.sqlite3'}"


def edit_csv(path: Path, change) -> None:
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    change(rows)
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)


def program(folder: Path, title: str = "Minimal Test Program", visits: int = 0) -> Path:
    """A copy of the minimal program with this title (so another content) and `visits` more sessions."""
    shutil_copy(MINIMAL, folder)
    edit_csv(folder / "program.csv", lambda rows: rows[1].__setitem__(rows[0].index("title"), title))

    def add_visits(rows: list[list[str]]) -> None:
        visit = rows[-1]
        rows += [[f"visit-{n}", *visit[1:7], f"Visit {n}", *visit[8:]] for n in range(visits)]

    edit_csv(folder / "sessions.csv", add_visits)
    return folder


def shutil_copy(source: Path, destination: Path) -> None:
    import shutil

    shutil.copytree(source, destination)


def same_program(one: Program, other: Program) -> bool:
    """Programs compare by identity (they are cached by it); these compare every field."""
    return all(getattr(one, field.name) == getattr(other, field.name) for field in fields(Program))


def titles(found: Store, number: int | None = None) -> str:
    return found.load(MINI, number)[0].title


# --- versions -------------------------------------------------------------------------------------------------


def test_a_first_publish_is_version_1_with_its_hash_time_note_and_program(db: Store, tmp_path: Path) -> None:
    before = datetime.now(UTC)
    published = db.publish(program(tmp_path / "a"), note="first draft")
    version = published.version
    assert published.created
    assert (version.program_id, version.number, version.note, version.withdrawn) == (MINI, 1, "first draft", False)
    assert (version.title, str(version.start_date), str(version.end_date), version.sessions) == (
        "Minimal Test Program",
        "2020-03-02",
        "2020-03-04",
        4,
    )
    assert len(version.content_hash) == 64
    assert before <= version.published_at <= datetime.now(UTC)
    assert version.published_at.tzinfo == UTC
    assert db.programs() == [version]
    assert db.versions(MINI) == [version]
    loaded, same = db.load(MINI)
    assert same == version
    assert same_program(loaded, load_program(MINIMAL))


def test_the_content_is_a_zip_of_the_csv_files_that_validates_as_it_is(db: Store, tmp_path: Path) -> None:
    db.publish(program(tmp_path / "a"))
    (tmp_path / "stored.zip").write_bytes(db.content(MINI, 1))
    with zipfile.ZipFile(tmp_path / "stored.zip") as archive:
        assert archive.namelist() == [*(name for name in SCHEMA if name != "countries.csv"), "countries.csv"]
    assert main(["validate", str(tmp_path / "stored.zip")]) == 0
    assert same_program(load_program(tmp_path / "stored.zip"), load_program(MINIMAL))


def test_new_content_is_the_next_version_and_the_one_served(db: Store, tmp_path: Path) -> None:
    first = db.publish(program(tmp_path / "a", "Spring")).version
    second = db.publish(program(tmp_path / "b", "Autumn"), note="renamed").version
    assert (second.number, second.title, second.note) == (2, "Autumn", "renamed")
    assert second.content_hash != first.content_hash
    assert db.programs() == [second]
    assert [version.number for version in db.versions(MINI)] == [2, 1]
    assert titles(db) == "Autumn"


def test_publishing_identical_content_again_creates_no_version(db: Store, tmp_path: Path) -> None:
    first = db.publish(program(tmp_path / "a")).version
    revision = db.revision()
    again = db.publish(program(tmp_path / "copy"), note="the same again")
    assert (again.created, again.version) == (False, first)
    as_zip = tmp_path / "same.zip"
    as_zip.write_bytes(program_zip(read_tables(MINIMAL, list(SCHEMA), OPTIONAL_FILES).records))
    assert db.publish(as_zip).version == first
    assert db.revision() == revision
    assert db.versions(MINI) == [first]


def test_the_same_tables_hash_alike_whatever_empty_rows_follow_them(db: Store, tmp_path: Path) -> None:
    first = db.publish(program(tmp_path / "a")).version
    padded = program(tmp_path / "b")
    with (padded / "sessions.csv").open("a", encoding="utf-8") as file:
        file.write(",,,,,,,,,,,,,\n\n")
    assert db.publish(padded) == store.Published(first, created=False)


def test_withdrawing_the_latest_version_serves_the_one_before_and_keeps_its_content(db: Store, tmp_path: Path) -> None:
    db.publish(program(tmp_path / "a", "Spring"))
    db.publish(program(tmp_path / "b", "Autumn"))
    revision = db.revision()
    withdrawn = db.withdraw(MINI, 2)
    assert (withdrawn.number, withdrawn.withdrawn) == (2, True)
    assert withdrawn.withdrawn_at is not None
    assert db.revision() != revision
    assert db.version(MINI).number == 1
    assert titles(db) == "Spring"
    assert titles(db, 2) == "Autumn"  # a withdrawn version's content stays
    assert [(v.number, v.withdrawn) for v in db.versions(MINI)] == [(2, True), (1, False)]
    revision = db.revision()
    assert db.withdraw(MINI, 2) == withdrawn  # again: nothing changes
    assert db.revision() == revision


def test_withdrawing_every_version_unpublishes_the_program_until_it_is_published_again(
    db: Store, tmp_path: Path
) -> None:
    db.publish(program(tmp_path / "a", "Spring"))
    db.withdraw(MINI, 1)
    assert db.programs() == []
    assert db.version(MINI) is None
    with pytest.raises(KeyError):
        db.load(MINI)
    again = db.publish(program(tmp_path / "b", "Spring"))  # the withdrawn content, live again as a new version
    assert (again.created, again.version.number) == (True, 2)
    assert db.programs() == [again.version]


def test_a_version_number_pins_that_version_whatever_is_published_after(db: Store, tmp_path: Path) -> None:
    db.publish(program(tmp_path / "a", "Spring"))
    db.publish(program(tmp_path / "b", "Autumn"))
    db.publish(program(tmp_path / "c", "Winter"))
    assert [titles(db, number) for number in (1, 2, 3, None)] == ["Spring", "Autumn", "Winter", "Winter"]
    assert db.load(MINI, 2)[1] == db.version(MINI, 2)


def test_unknown_programs_and_versions_are_none_or_key_errors(db: Store, tmp_path: Path) -> None:
    db.publish(program(tmp_path / "a"))
    assert db.version("no-such-program") is None
    assert db.version(MINI, 9) is None
    for call in (
        lambda: db.load("no-such-program"),
        lambda: db.load(MINI, 9),
        lambda: db.content(MINI, 9),
        lambda: db.withdraw(MINI, 9),
    ):
        with pytest.raises(KeyError):
            call()


def test_several_programs_are_listed_the_latest_start_first(db: Store, tmp_path: Path) -> None:
    db.publish(program(tmp_path / "a"))
    db.publish(ROOT / "data" / "2019")
    assert [version.program_id for version in db.programs()] == [MINI, "clair-seminar-2019"]
    assert list(db.history()) == ["clair-seminar-2019", MINI]


# --- what is refused --------------------------------------------------------------------------------------------


def test_an_invalid_program_is_refused_with_validates_problems_and_nothing_is_stored(db: Store) -> None:
    revision = db.revision()
    with pytest.raises(ProgramInvalid) as refused:
        db.publish(BROKEN)
    assert refused.value.problems == read_source(BROKEN).problems
    assert db.history() == {}
    assert db.revision() == revision


def test_a_program_over_the_session_limit_is_one_clear_problem(sqlite_url: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(store, "MAX_SESSIONS", 3)
    with Store(sqlite_url) as db, pytest.raises(ProgramInvalid) as refused:
        db.publish(program(tmp_path / "a"))
    assert [str(problem) for problem in refused.value.problems] == ["a: holds 4 sessions; the limit is 3 per program"]


def test_a_program_id_longer_than_the_database_keeps_is_refused(sqlite_url: str, tmp_path: Path) -> None:
    folder = program(tmp_path / "a")
    edit_csv(folder / "program.csv", lambda rows: rows[1].__setitem__(0, "x" * 201))
    with Store(sqlite_url) as db, pytest.raises(ProgramInvalid) as refused:
        db.publish(folder)
    assert [str(problem) for problem in refused.value.problems] == [
        "a: id: the program id has 201 characters; the limit is 200"
    ]


def test_content_over_the_size_limits_of_an_upload_is_refused(sqlite_url: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(store, "MAX_FILE_BYTES", 1000)
    with Store(sqlite_url) as db, pytest.raises(ProgramInvalid) as refused:
        db.publish(program(tmp_path / "a"))
    assert "the limits are 0 MiB and 200 MiB" in str(refused.value.problems[0])
    assert Store(sqlite_url).history() == {}


def test_the_note_loses_control_characters_and_a_long_one_is_refused(sqlite_url: str, tmp_path: Path) -> None:
    with Store(sqlite_url) as db:
        assert db.publish(program(tmp_path / "a"), note=" fixed\x07 the\x1b venue \n").version.note == "fixed the venue"
        with pytest.raises(NoteTooLong, match="the limit is 500"):
            db.publish(program(tmp_path / "b", "Other"), note="x" * 501)


def test_cells_that_start_like_formulas_are_stored_and_exported_back_as_text(db: Store, tmp_path: Path) -> None:
    texts = ["=1+1", "+81 3 1234", "-dash", "@SUM(A1)", '=HYPERLINK("http://x.invalid","x")']
    records = read_tables(MINIMAL, list(SCHEMA), OPTIONAL_FILES).records
    sessions = records["sessions.csv"]
    for row, text in zip(sessions[1:], texts[:4], strict=True):
        row[sessions[0].index("title")] = text
    sessions[1][sessions[0].index("description")] = texts[4]
    write_workbook(records, tmp_path / "hostile.xlsx")
    db.publish(tmp_path / "hostile.xlsx")
    (tmp_path / "stored.zip").write_bytes(db.content(MINI, 1))
    stored = read_tables(tmp_path / "stored.zip", list(SCHEMA), OPTIONAL_FILES).records
    write_workbook(stored, tmp_path / "exported.xlsx")
    cells = [cell for row in load_workbook(tmp_path / "exported.xlsx")["sessions"].iter_rows() for cell in row]
    for text in texts:
        assert [(cell.data_type, cell.value) for cell in cells if cell.value == text] == [("s", text)]
    with zipfile.ZipFile(tmp_path / "exported.xlsx") as archive:
        assert not any(b"<f>" in archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets"))
    loaded = db.load(MINI)[0]
    assert sorted(session.title for session in loaded.sessions) == sorted(texts[:4])


# --- several writers, and crashes -------------------------------------------------------------------------------


def side_by_side(stores: list[Store]) -> threading.Barrier:
    """Make the stores' publishes overlap: each waits, once it has read where the store stood, for the others."""
    barrier = threading.Barrier(len(stores), timeout=60)

    def wait(conn, cursor, statement, parameters, context, executemany) -> None:
        if "store_state.instance" in statement:
            barrier.wait()

    for each in stores:
        event.listen(each.engine, "after_cursor_execute", wait)
    return barrier


def publish_at_once(stores: list[Store], paths: list[Path]) -> list[store.Published | Exception]:
    results: list[store.Published | Exception] = [RuntimeError("not run")] * len(stores)

    def run(index: int) -> None:
        try:
            results[index] = stores[index].publish(paths[index])
        except Exception as error:
            results[index] = error

    side_by_side(stores)
    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_concurrent_publishes_of_different_content_one_wins_the_other_is_told(database: str, tmp_path: Path) -> None:
    with Store(database) as first, Store(database) as second:  # two replicas
        first.publish(program(tmp_path / "v1", "Spring"))
        results = publish_at_once(
            [first, second], [program(tmp_path / "a", "Autumn"), program(tmp_path / "b", "Winter")]
        )
        won = [result for result in results if isinstance(result, store.Published)]
        lost = [result for result in results if isinstance(result, PublishConflict)]
        assert len(won) == len(lost) == 1, results
        assert (won[0].created, won[0].version.number) == (True, 2)
        assert lost[0].version == won[0].version
        assert "version 2 was published at" in str(lost[0])
        assert "nothing of this one was stored" in str(lost[0])
        assert [version.number for version in second.versions(MINI)] == [2, 1]
        assert titles(second) == won[0].version.title


def test_concurrent_publishes_of_the_same_content_make_one_version(database: str, tmp_path: Path) -> None:
    with Store(database) as first, Store(database) as second:
        first.publish(program(tmp_path / "v1", "Spring"))
        results = publish_at_once(
            [first, second], [program(tmp_path / "a", "Autumn"), program(tmp_path / "b", "Autumn")]
        )
        assert sorted((result.created, result.version.number) for result in results) == [(False, 2), (True, 2)]
        assert [version.number for version in second.versions(MINI)] == [2, 1]


def test_a_reader_sees_the_previous_version_while_a_publish_is_not_committed(database: str, tmp_path: Path) -> None:
    with Store(database) as writer, Store(database) as reader:
        writer.publish(program(tmp_path / "v1", "Spring"))
        revision = reader.revision()
        inside, release = threading.Event(), threading.Event()

        def hold(conn) -> None:
            inside.set()
            release.wait(60)

        event.listen(writer.engine, "commit", hold)
        thread = threading.Thread(target=writer.publish, args=(program(tmp_path / "v2", "Autumn"),))
        thread.start()
        try:
            assert inside.wait(60)
            assert (reader.revision(), reader.version(MINI).number, titles(reader)) == (revision, 1, "Spring")
            assert [version.number for version in reader.versions(MINI)] == [1]
        finally:
            release.set()
            thread.join(60)
        assert (reader.version(MINI).number, titles(reader)) == (2, "Autumn")
        assert reader.revision() != revision


PAUSED_PUBLISH = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from sqlalchemy import event
    from kizuna.publishing.store import Store

    store = Store(sys.argv[1])

    def pause(conn):  # every row of the version is written, nothing is committed
        Path(sys.argv[3]).write_text("inside")
        time.sleep(600)

    event.listen(store.engine, "commit", pause)
    store.publish(Path(sys.argv[2]))
    """
)


def test_a_publish_killed_inside_its_transaction_leaves_the_previous_version_live(
    database: str, tmp_path: Path
) -> None:
    with Store(database) as db:
        before = db.publish(program(tmp_path / "v1", "Spring", visits=3000)).version
    marker = tmp_path / "inside"
    with (tmp_path / "publisher.log").open("w") as log:
        publisher = subprocess.Popen(
            [
                sys.executable,
                "-c",
                PAUSED_PUBLISH,
                database,
                str(program(tmp_path / "v2", "Autumn", 3000)),
                str(marker),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while not marker.exists() and publisher.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), (tmp_path / "publisher.log").read_text()
        os.kill(publisher.pid, signal.SIGKILL)
        publisher.wait(30)
    with Store(database) as db:
        assert db.version(MINI) == before
        assert db.versions(MINI) == [before]
        loaded, _ = db.load(MINI)
        assert (loaded.title, len(loaded.sessions)) == ("Spring", 3004)
        after = db.publish(program(tmp_path / "v3", "Winter"))  # nothing is left locked
        assert after.version.number == 2


# --- the schema -----------------------------------------------------------------------------------------------


def test_a_store_made_by_schema_1_keeps_its_programs(database: str, tmp_path: Path) -> None:
    engine = create_engine(database)
    sql = (FIXTURES / "store" / f"schema-1.{engine.dialect.name}.sql").read_text()
    ddl = "\n".join(line for line in sql.splitlines() if not line.startswith("--"))
    records = read_tables(MINIMAL, list(SCHEMA), OPTIONAL_FILES).records
    with engine.begin() as conn:
        for statement in filter(str.strip, ddl.split(";")):
            conn.exec_driver_sql(statement)
        tables = MetaData()
        versions = Table("versions", tables, autoload_with=conn)
        contents = Table("contents", tables, autoload_with=conn)
        published = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
        conn.execute(
            insert(versions).values(
                program_id=MINI,
                number=1,
                content_hash=store.content_hash(csv_members(records)),
                published_at=published,
                note="from schema 1",
                withdrawn=False,
                title="Minimal Test Program",
                start_date=datetime(2020, 3, 2).date(),
                end_date=datetime(2020, 3, 4).date(),
                sessions=4,
            )
        )
        conn.execute(insert(contents).values(program_id=MINI, number=1, data=program_zip(records)))
    engine.dispose()
    with Store(database) as db:
        with db.engine.connect() as conn:
            assert store.schema_of(conn) == store.SCHEMA_VERSION == 2
        [version] = db.programs()
        assert (version.number, version.note, version.published_at) == (1, "from schema 1", published)
        assert same_program(db.load(MINI)[0], load_program(MINIMAL))
        assert db.publish(MINIMAL).created is False
        assert db.publish(program(tmp_path / "b", "Autumn")).version.number == 2
        assert db.withdraw(MINI, 2).withdrawn
        assert db.version(MINI).note == "from schema 1"


def test_a_store_whose_schema_a_newer_kizuna_extended_is_still_used(sqlite_url: str, tmp_path: Path) -> None:
    with Store(sqlite_url) as db, db.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE versions ADD COLUMN reviewed_by TEXT")
        conn.exec_driver_sql("UPDATE schema_version SET version = 3")
    with Store(sqlite_url) as db:
        assert db.publish(program(tmp_path / "a")).version.number == 1
        assert titles(db) == "Minimal Test Program"


def test_opening_a_store_again_changes_nothing(database: str, tmp_path: Path) -> None:
    with Store(database) as db:
        db.publish(program(tmp_path / "a"))
        revision = db.revision()
    with Store(database) as db:
        assert (db.revision(), [v.number for v in db.versions(MINI)]) == (revision, [1])


# --- cost -----------------------------------------------------------------------------------------------------


def statements(found: Store) -> list[str]:
    executed: list[str] = []
    event.listen(found.engine, "before_cursor_execute", lambda conn, cursor, sql, *rest: executed.append(sql))
    return executed


def test_the_revision_is_one_query_and_changes_with_every_publish_and_withdrawal(db: Store, tmp_path: Path) -> None:
    seen = [db.revision()]
    db.publish(program(tmp_path / "a", "Spring"))
    seen.append(db.revision())
    db.publish(program(tmp_path / "b", "Autumn"))
    seen.append(db.revision())
    db.withdraw(MINI, 2)
    seen.append(db.revision())
    assert len(set(seen)) == 4
    executed = statements(db)
    db.revision()
    assert len([sql for sql in executed if not sql.startswith(("BEGIN", "ROLLBACK"))]) == 1


def test_a_loaded_version_is_kept_parsed_and_read_again_with_one_query(db: Store, tmp_path: Path) -> None:
    db.publish(program(tmp_path / "a"))
    with Store(db.url) as other:  # another replica: parses once, then only asks for the version
        first, _ = other.load(MINI)
        executed = statements(other)
        again, version = other.load(MINI)
        assert again is first
        assert version.number == 1
        assert len([sql for sql in executed if not sql.startswith(("BEGIN", "ROLLBACK"))]) == 1


def test_sqlite_keeps_a_write_ahead_log_and_waits_for_a_busy_writer(sqlite_url: str) -> None:
    with Store(sqlite_url) as db, db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == store.BUSY_TIMEOUT_S * 1000


# --- configuration --------------------------------------------------------------------------------------------


def test_the_default_database_is_var_in_the_checkout_unless_the_environment_says(monkeypatch) -> None:
    monkeypatch.delenv(config.DATABASE_URL_ENV, raising=False)
    assert store.database_url() == f"sqlite:///{ROOT / 'var' / 'kizuna.sqlite3'}"
    monkeypatch.setenv(config.DATABASE_URL_ENV, "postgresql+psycopg://kizuna@db/kizuna")
    assert store.database_url() == "postgresql+psycopg://kizuna@db/kizuna"


def test_a_sqlite_databases_folder_is_made_when_it_is_first_opened(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'new' / 'folder' / 'kizuna.sqlite3'}"):
        assert (tmp_path / "new" / "folder" / "kizuna.sqlite3").is_file()


def test_a_database_urls_password_is_masked_wherever_it_is_shown() -> None:
    url = "postgresql+psycopg://kizuna:s3cret@db.example.org:5432/kizuna"
    assert config.shown_url(url) == "postgresql+psycopg://kizuna:***@db.example.org:5432/kizuna"
    assert "s3cret" not in config.shown_url("not a url s3cret")
    assert config.without_password("failed for kizuna:s3cret", url) == "failed for kizuna:***"


def test_a_postgresql_store_shows_its_url_without_the_password(postgres_cluster) -> None:
    url = postgres_cluster.tcp_url().replace("kizuna@", "kizuna:s3cret@")  # trusted: any password connects
    with Store(url) as db:
        assert "s3cret" not in repr(db)
        assert ":***@" in repr(db)


def test_the_cli_never_prints_the_password_of_a_database_it_cannot_reach(capsys) -> None:
    url = "postgresql+psycopg://kizuna:s3cret@127.0.0.1:1/kizuna?connect_timeout=5"
    assert main(["programs", "--database-url", url]) == 1
    err = capsys.readouterr().err
    assert "kizuna programs: the database postgresql+psycopg://kizuna:***@127.0.0.1:1/kizuna" in err
    assert "s3cret" not in err
    assert main(["programs", "--database-url", "s3cret:/:nonsense"]) == 2
    assert "s3cret" not in capsys.readouterr().err


def test_only_sqlite_and_postgresql_urls_are_accepted(capsys) -> None:
    assert main(["programs", "--database-url", "mysql://kizuna:s3cret@db/kizuna"]) == 2
    err = capsys.readouterr().err
    assert "only sqlite:/// and postgresql+psycopg:// are supported" in err
    assert "s3cret" not in err


# --- the command line -----------------------------------------------------------------------------------------


def test_kizuna_publish_says_which_version_and_unchanged_when_it_is_the_same(
    sqlite_url: str, tmp_path: Path, capsys
) -> None:
    path = program(tmp_path / "a")
    assert main(["publish", str(path), "--database-url", sqlite_url, "--note", "first"]) == 0
    assert capsys.readouterr().out == f"{MINI}: published as version 1 (4 sessions) in {sqlite_url}\n"
    assert main(["publish", str(path), "--database-url", sqlite_url]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{MINI}: unchanged, the same as version 1 (published 20")
    assert out.endswith(" UTC); nothing stored\n")


def test_kizuna_publish_uses_the_database_of_the_environment(sqlite_url: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(config.DATABASE_URL_ENV, sqlite_url)
    assert main(["publish", str(program(tmp_path / "a"))]) == 0
    assert [version.number for version in Store(sqlite_url).versions(MINI)] == [1]


def test_kizuna_publish_prints_the_problems_as_validate_does_and_exits_1(sqlite_url: str, capsys) -> None:
    assert main(["validate", str(BROKEN)]) == 1
    problems = capsys.readouterr().out
    assert main(["publish", str(BROKEN), "--database-url", sqlite_url]) == 1
    assert capsys.readouterr().err == problems
    assert Store(sqlite_url).history() == {}


def test_kizuna_publish_usage_errors_exit_2(sqlite_url: str, tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["publish"])
    assert exited.value.code == 2
    assert main(["publish", str(program(tmp_path / "a")), "--database-url", sqlite_url, "--note", "x" * 501]) == 2
    assert main(["publish", "no-such-program", "--database-url", sqlite_url]) == 2
    assert Store(sqlite_url).history() == {}


def test_kizuna_programs_lists_every_version_and_marks_the_live_and_withdrawn_ones(
    sqlite_url: str, tmp_path: Path, capsys
) -> None:
    with Store(sqlite_url) as db:
        db.publish(program(tmp_path / "a", "Spring"), note="first")
        db.publish(program(tmp_path / "b", "Autumn"))
        db.publish(program(tmp_path / "c", "Winter"), note='typo in "Winter"')
        db.withdraw(MINI, 3)
        day = f"{db.version(MINI, 1).published_at:%Y-%m-%d}"
    assert main(["programs", "--database-url", sqlite_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{MINI}  Autumn  (3 versions)"
    assert [line.split()[0] for line in lines[1:]] == ["3", "2", "1"]
    assert lines[1].endswith('UTC  withdrawn  "typo in \\"Winter\\""')
    assert lines[2].endswith("UTC  live")
    assert lines[3].endswith('UTC  kept       "first"')
    assert f"  {day} " in lines[3]
    assert main(["programs", "--database-url", sqlite_url, "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert {key: listed[key] for key in ("id", "title", "versions", "latest", "live", "note", "withdrawn")} == {
        "id": MINI,
        "title": "Autumn",
        "versions": 3,
        "latest": 3,
        "live": 2,
        "note": "",
        "withdrawn": [3],
    }


def test_kizuna_programs_says_when_nothing_is_published(sqlite_url: str, capsys) -> None:
    assert main(["programs", "--database-url", sqlite_url]) == 0
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", f"kizuna programs: nothing is published in {sqlite_url}\n")
    assert main(["programs", "--database-url", sqlite_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_kizuna_withdraw_says_what_the_links_show_now(sqlite_url: str, tmp_path: Path, capsys) -> None:
    with Store(sqlite_url) as db:
        db.publish(program(tmp_path / "a", "Spring"))
        db.publish(program(tmp_path / "b", "Autumn"))
    assert main(["withdraw", MINI, "2", "--database-url", sqlite_url]) == 0
    assert capsys.readouterr().out == f"{MINI}: version 2 withdrawn; its links now show version 1\n"
    assert main(["withdraw", MINI, "2", "--database-url", sqlite_url]) == 0
    assert capsys.readouterr().out == f"{MINI}: version 2 was already withdrawn\n"
    assert main(["withdraw", MINI, "1", "--database-url", sqlite_url]) == 0
    assert capsys.readouterr().out == f"{MINI}: version 1 withdrawn; no version of it is published now\n"
    assert main(["withdraw", MINI, "7", "--database-url", sqlite_url]) == 2
    assert capsys.readouterr().err == f"kizuna withdraw: no version 7 of {MINI!r}; its versions: 2, 1\n"
    assert main(["withdraw", "other", "1", "--database-url", sqlite_url]) == 2
    assert capsys.readouterr().err == f"kizuna withdraw: no version 1 of 'other'; published: {MINI}\n"


@pytest.mark.parametrize("number", ["99999999999999999999", "2147483648", "0", "-1", "١", "1e3"])
def test_kizuna_withdraw_refuses_a_version_no_database_can_hold(sqlite_url: str, number: str, capsys) -> None:
    """A huge number reached SQLite and raised OverflowError; now it is a usage error, before the database."""
    with pytest.raises(SystemExit) as exit_:
        main(["withdraw", MINI, number, "--database-url", sqlite_url])
    assert exit_.value.code == 2
    assert "is not a version number (1 to 2,147,483,647)" in capsys.readouterr().err


@pytest.mark.parametrize(
    "folder", [ROOT / "data" / "2019", *sorted((FIXTURES / "good").iterdir())], ids=lambda path: path.name
)
def test_what_is_stored_reads_back_as_the_program_that_was_published(sqlite_url: str, folder: Path) -> None:
    """A publish keeps the program it checked rather than reading its stored content again: the two must agree."""
    from kizuna.calendars.ics import export_ics

    with Store(sqlite_url) as first:
        published = first.publish(folder)
        version = published.version
        kept, _ = first.load(version.program_id, version.number)
    with Store(sqlite_url) as second:  # another process's store: nothing cached, the content read from the database
        stored, _ = second.load(version.program_id, version.number)
    assert stored is not kept
    assert export_ics(stored) == export_ics(kept) == export_ics(load_program(folder))
