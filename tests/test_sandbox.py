"""Untrusted files are read in a worker: whatever the reader does there, the server gets tables or one problem.

The workers here run a reader made to misbehave (the `setup` of their limits), since the real one, with its checks,
no longer does on any file we know of: the point is that a bug not found yet cannot take the server down either.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import hostile
import pytest

from kizuna.calendars.ics import export_ics
from kizuna.checks import sandbox
from kizuna.checks.loading import OPTIONAL_FILES, SCHEMA, check_file, read_source
from kizuna.checks.sandbox import Limits, Pool

MINIMAL = hostile.MINIMAL
NAMES = list(SCHEMA)
# The reader of the worker, replaced for files whose name says so: `abort.xlsx` aborts the worker as a Rust panic
# or a failed allocation does, `sleep.xlsx` never ends, `report.xlsx` answers with what the worker can see and do.
MISBEHAVING = """
import os, socket, time
from kizuna.checks import sources
read = sources.read_tables
def misbehave(path, names, optional=()):
    if path.stem == "abort":
        os.abort()
    if path.stem == "sleep":
        time.sleep(3600)
    if path.stem == "report":
        tables = sources.Tables()
        tables.notices.append(" ".join(sorted(os.environ)))
        try:
            socket.create_connection(("127.0.0.1", int(path.read_text())), timeout=2).close()
            tables.notices.append("connected")
        except OSError as error:
            tables.notices.append(f"no connection: {error}")
        try:
            with open(path.with_name("written.txt"), "w") as file:
                file.write("x" * 100)
            tables.notices.append("written")
        except OSError as error:
            tables.notices.append(f"not written: {error}")
        return tables
    return read(path, names, optional)
sources.read_tables = misbehave
"""


@pytest.fixture(scope="module")
def pool() -> Pool:
    """One pool of misbehaving workers for the module, with a short time limit."""
    made = Pool(size=1, limits=Limits(seconds=3, setup=MISBEHAVING))
    yield made
    made.close()


def read(pool: Pool, path: Path) -> list[str]:
    return [str(problem) for problem in pool.read_tables(path, NAMES, OPTIONAL_FILES).problems]


def test_a_worker_that_aborts_is_one_problem_and_the_next_file_is_read(pool: Pool, tmp_path: Path) -> None:
    aborting = tmp_path / "abort.xlsx"
    aborting.write_bytes(hostile.minimal_workbook())
    assert read(pool, aborting) == [
        "abort.xlsx: this file could not be read within the limits: the reader was stopped (SIGABRT); "
        "the limits are 1 GiB of memory and 3 s"
    ]
    assert read(pool, MINIMAL) == []


def test_a_worker_that_never_answers_is_stopped_at_the_time_limit(pool: Pool, tmp_path: Path) -> None:
    sleeping = tmp_path / "sleep.xlsx"
    sleeping.write_bytes(hostile.minimal_workbook())
    assert read(pool, sleeping) == [
        "sleep.xlsx: this file could not be read within the limits: it took longer than 3 s"
    ]
    assert read(pool, MINIMAL) == []


def test_the_workbook_that_allocated_512_gb_is_stopped_by_the_memory_limit_not_the_server(tmp_path: Path) -> None:
    """The 15 KB file of the report, its size check switched off: the reader itself asks for 512 GB."""
    path = hostile.write("last-cell-in-the-first-row", tmp_path)
    unchecked = Limits(setup="from kizuna.checks import sources; sources.sheet_extent = lambda part: (1, 1)")
    with Pool(size=1, limits=unchecked) as pool:
        (problem,) = read(pool, path)
        assert problem.startswith("program.xlsx: this file could not be read within the limits: "), problem
        assert read(pool, MINIMAL) == []


def test_the_worker_has_no_network_no_secrets_and_writes_no_file(
    pool: Pool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIZUNA_ORGANISER_KEY", "the-servers-secret")
    monkeypatch.setenv("KIZUNA_DATABASE_URL", "postgresql://user:password@db/kizuna")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.5)
    probe = tmp_path / "report.xlsx"
    probe.write_text(str(listener.getsockname()[1]))
    pool.close()  # a worker started now, with the secrets in this process's environment
    environment, connection, writing = pool.read_tables(probe, NAMES).notices
    assert "KIZUNA" not in environment
    assert environment.split() == sorted(["LANG", "PATH"])
    assert connection.startswith("no connection"), connection
    with pytest.raises(TimeoutError):
        listener.accept()
    listener.close()
    assert writing.startswith("not written"), writing
    assert not (tmp_path / "written.txt").exists() or (tmp_path / "written.txt").stat().st_size == 0


def test_more_uploads_at_once_than_workers_wait_their_turn(pool: Pool) -> None:
    found: list[list[str]] = []
    threads = [threading.Thread(target=lambda: found.append(read(pool, MINIMAL))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [[]] * 4


def test_the_worker_reads_a_program_as_this_process_does(tmp_path: Path) -> None:
    path = tmp_path / "program.xlsx"
    path.write_bytes(hostile.minimal_workbook())
    isolated, here = check_file(path), read_source(path)
    assert export_ics(isolated.program) == export_ics(here.program)
    assert isolated.records == here.records
    assert sandbox.POOL.isolation.startswith("no network")


def test_a_worker_answer_that_is_not_tables_is_one_problem(tmp_path: Path) -> None:
    garbled = Limits(setup="from kizuna.checks import sandbox; sandbox.Tables.as_data = lambda self: {'records': 1}")
    with Pool(size=1, limits=garbled) as pool:
        assert read(pool, MINIMAL) == [
            "minimal: this file could not be read: the reader's answer could not be understood"
        ]


def test_a_process_with_no_namespaces_still_refuses_sockets() -> None:
    """Where the kernel allows no network namespace, Python's sockets are refused instead."""
    setup = "import ctypes; ctypes.CDLL = lambda *a, **k: type('C', (), {'unshare': staticmethod(lambda flags: -1)})()"
    with Pool(size=1, limits=Limits(setup=setup)) as pool:
        assert read(pool, MINIMAL) == []
        assert pool.isolation.startswith("no network (sockets refused in Python"), pool.isolation


def test_the_worker_leaves_nothing_running(tmp_path: Path) -> None:
    pool = Pool(size=1)
    assert pool.read_tables(MINIMAL, NAMES, OPTIONAL_FILES).problems == []
    (worker,) = list(pool.idle.queue)
    pool.close()
    assert worker.process.poll() is not None
    assert (
        not os.path.exists(f"/proc/{worker.process.pid}/status")
        or "Z" in Path(f"/proc/{worker.process.pid}/status").read_text().split("State:")[1][:4]
    )


def test_a_relative_path_is_read_from_this_process_s_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's own folder is /: it is given the path as this process sees it, and problems name it as given."""
    monkeypatch.chdir(MINIMAL.parent)
    assert check_file(Path("minimal")).problems == []
    assert [str(p) for p in check_file(Path("not-here")).problems] == ["not-here: program folder not found"]


def test_an_upload_that_finds_every_worker_busy_is_told_to_come_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "WAIT_SECONDS", 0.1)
    pool = Pool(size=1, limits=Limits(seconds=2, setup=MISBEHAVING))
    sleeping = tmp_path / "sleep.xlsx"
    sleeping.write_bytes(b"")
    first = threading.Thread(target=read, args=(pool, sleeping))
    first.start()
    while pool.free.acquire(blocking=False):  # until the first upload holds the one worker
        pool.free.release()
    assert read(pool, MINIMAL) == ["minimal: the server is busy checking other files: upload it again in a minute"]
    first.join()
    pool.close()
