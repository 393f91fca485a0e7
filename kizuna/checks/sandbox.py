"""Untrusted files are read in a worker process with limits: memory, time, no files written, no network.

An upload is parsed (zip, XML, CSV) by code that has had bugs, ours and the libraries': a sheet that makes a
reader allocate 512 GB aborts the process that reads it. Here that process is a worker, never the server. Each
worker is a fresh interpreter (`python -I`, an empty environment: it never sees the server's keys or database
URL, nor its open sockets) that sets its own limits before it reads anything, then answers requests one at a time:
a path in, the tables or the problems out, as JSON (never pickle, which could run code in the server). A worker
that dies, runs out of memory or time becomes one problem naming the limit; the next request gets a new worker.

Why a pool of warm workers rather than a process per file (`multiprocessing`/`concurrent.futures`): checking a
workbook takes milliseconds, and starting an interpreter that imports the readers takes about 0.1 s; a
`ProcessPoolExecutor` breaks for good when one of its workers dies, which is exactly the case to survive. The pool
holds at most `WORKERS` processes, so however many visitors upload at once, the server's memory stays within its
own plus `WORKERS` × `MEMORY_LIMIT`; a request waits at most `WAIT_SECONDS` for a free worker.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import queue
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from kizuna.checks.sources import Tables
from kizuna.i18n import N_
from kizuna.program.problems import Problem, Said, said, said_data, said_from

MEMORY_LIMIT = 1 * 2**30  # bytes of address space a worker may map (a 49,990-session workbook fits, in 4.6 s)
TIME_LIMIT = 30  # seconds, wall clock and CPU, to read one file
WORKERS = 2  # workers at most, so uploads checked at once
WAIT_SECONDS = 60  # how long a request waits for a free worker
JOBS_PER_WORKER = 200  # then it is replaced, so nothing one file left behind stays for long
MAX_RESULT_BYTES = 96 * 2**20  # the tables sent back: within sources.MAX_CELLS and MAX_TEXT_CHARS, as JSON
OPEN_FILES = 32  # the worker reads one file at a time
HEADER = struct.Struct(">Q")  # each message: its length, then that many bytes of UTF-8 JSON
ROOT = Path(__file__).resolve().parent.parent  # where the worker imports kizuna from: this same copy
CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000

log = logging.getLogger(__name__)


class WorkerFailed(Exception):
    """The worker did not answer within the limits: the problem's whole message, in words an organiser can read."""

    def __init__(self, message: Said) -> None:
        super().__init__(message)
        self.message = message


class Busy(Exception):
    """Every worker stayed busy for WAIT_SECONDS."""


@dataclass(frozen=True)
class Limits:
    memory: int = MEMORY_LIMIT  # bytes
    seconds: float = TIME_LIMIT
    setup: str = ""  # Python run in the worker before it serves: tests stand in a reader that misbehaves

    def __str__(self) -> str:
        return f"the limits are {self.memory / 2**30:g} GiB of memory and {self.seconds:g} s"  # for the server's log

    def values(self) -> dict[str, str]:
        """The limits as a message's values: `memory` in GiB, `seconds`."""
        return {"memory": f"{self.memory / 2**30:g}", "seconds": f"{self.seconds:g}"}


class Worker:
    """One worker process and its pipes; used by one thread at a time."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        code = (
            f"import sys; sys.path.insert(0, {str(ROOT)!r}); {limits.setup}\n"
            f"from kizuna.checks.sandbox import serve; serve({limits.memory}, {limits.seconds})"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={"LANG": "C.UTF-8", "PATH": os.defpath},
            cwd="/",
        )
        self.jobs = 0
        self.isolation = str(self.receive(time.monotonic() + limits.seconds).get("isolation", ""))

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        """Send a request and wait for its answer; WorkerFailed (and the worker stopped) when none comes in time."""
        self.jobs += 1
        deadline = time.monotonic() + self.limits.seconds
        try:
            send(self.process.stdin, request)
        except OSError:
            raise WorkerFailed(self.ended()) from None
        return self.receive(deadline)

    def receive(self, deadline: float) -> dict[str, Any]:
        header = self.read(HEADER.size, deadline)
        (length,) = HEADER.unpack(header)
        if length > MAX_RESULT_BYTES:
            self.stop()
            message = N_("this file could not be read within the limits: its tables would be more than {size} MiB")
            raise WorkerFailed(said(message, size=MAX_RESULT_BYTES // 2**20))
        try:
            answer = json.loads(self.read(length, deadline).decode("utf-8", "surrogatepass"))
        except ValueError:
            self.stop()
            raise WorkerFailed(not_understood()) from None
        if not isinstance(answer, dict):
            raise WorkerFailed(not_understood())
        return answer

    def read(self, size: int, deadline: float) -> bytes:
        """`size` bytes from the worker, waiting no later than `deadline`."""
        stream = self.process.stdout
        chunks, missing = [], size
        while missing:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([stream], [], [], left)[0]:
                self.stop()
                message = N_("this file could not be read within the limits: it took longer than {seconds} s")
                raise WorkerFailed(said(message, seconds=self.limits.values()["seconds"]))
            chunk = os.read(stream.fileno(), min(missing, 2**20))
            if not chunk:
                raise WorkerFailed(self.ended())
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def ended(self) -> Said:
        """Why the worker stopped answering, from how it ended."""
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.stop()
            code = self.process.returncode
        if code is not None and code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            message = N_(
                "this file could not be read within the limits: the reader was stopped ({signal}); "
                "the limits are {memory} GiB of memory and {seconds} s"
            )
            return said(message, signal=name, **self.limits.values())
        message = N_(
            "this file could not be read within the limits: the reader ended (exit status {code}); "
            "the limits are {memory} GiB of memory and {seconds} s"
        )
        return said(message, code=str(code), **self.limits.values())

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


class Pool:
    """At most `size` workers, started when first needed and kept warm; a failed one is replaced."""

    def __init__(self, size: int = WORKERS, limits: Limits = Limits()) -> None:
        self.limits = limits
        self.idle: queue.LifoQueue[Worker] = queue.LifoQueue()
        self.free = threading.BoundedSemaphore(size)
        self.lock = threading.Lock()
        self.isolation = ""

    def read_tables(self, path: Path, names: Sequence[str], optional: Iterable[str] = ()) -> Tables:
        """`sources.read_tables` in a worker: the tables, or one problem saying which limit stopped it."""
        where = path.absolute()  # the worker's own folder is /
        request = {"path": str(where), "names": list(names), "optional": sorted(optional)}
        try:
            tables = Tables.from_data(self.ask(request)["tables"])
            tables.problems = [replace(p, file=str(path)) if p.file == str(where) else p for p in tables.problems]
            return tables
        except WorkerFailed as failure:
            message = failure.message
        except Busy:
            message = said(N_("the server is busy checking other files: upload it again in a minute"))
        except (KeyError, TypeError, ValueError):
            message = said(N_("this file could not be read: the reader's answer could not be understood"))
        return Tables(problems=[Problem(path.name, None, None, message)])

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        if not self.free.acquire(timeout=WAIT_SECONDS):
            raise Busy
        try:
            worker = self.take()
            try:
                answer = worker.ask(request)
            except BaseException:
                worker.stop()
                raise
            if "failure" in answer:  # the worker ends after saying so
                worker.stop()
                try:
                    failure = said_from(answer["failure"])
                except (KeyError, TypeError, ValueError):
                    failure = not_understood()
                raise WorkerFailed(failure if isinstance(failure, Said) else not_understood())
            self.give_back(worker)
            return answer
        finally:
            self.free.release()

    def take(self) -> Worker:
        while True:
            try:
                worker = self.idle.get_nowait()
            except queue.Empty:
                return self.start()
            if worker.alive():
                return worker
            worker.stop()

    def start(self) -> Worker:
        try:
            worker = Worker(self.limits)
        except OSError as error:
            message = N_("this file could not be read within the limits: no reader could be started ({error})")
            raise WorkerFailed(said(message, error=error.strerror)) from None
        with self.lock:
            if worker.isolation != self.isolation:
                self.isolation = worker.isolation
                log.info("uploads are read in workers: %s; %s", worker.isolation, self.limits)
        return worker

    def give_back(self, worker: Worker) -> None:
        if worker.jobs >= JOBS_PER_WORKER or not worker.alive():
            worker.stop()
        else:
            self.idle.put(worker)

    def warm(self) -> None:
        """Start a worker now, so the first upload does not wait for it."""
        if self.idle.empty() and self.free.acquire(blocking=False):
            try:
                self.idle.put(self.start())
            except WorkerFailed as failure:
                log.warning("no upload worker could be started: %s", failure)
            finally:
                self.free.release()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the idle workers (a busy one is stopped when its thread gives it back)."""
        while True:
            try:
                self.idle.get_nowait().stop()
            except queue.Empty:
                return


def not_understood() -> Said:
    return said(N_("this file could not be read within the limits: the reader's answer could not be understood"))


POOL = Pool()
atexit.register(POOL.close)


def read_tables(path: Path, names: Sequence[str], optional: Iterable[str] = ()) -> Tables:
    """The tables of an untrusted file, read by this process's pool of workers."""
    return POOL.read_tables(path, names, optional)


# --- the worker's side ----------------------------------------------------------------------------------------


def send(stream: BinaryIO, message: dict[str, Any]) -> None:
    data = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def receive(stream: BinaryIO) -> dict[str, Any] | None:
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (length,) = HEADER.unpack(header)
    return json.loads(stream.read(length).decode("utf-8"))


def serve(memory: int = MEMORY_LIMIT, seconds: float = TIME_LIMIT) -> None:
    """The worker: limits first, then one request at a time until the server closes the pipe."""
    import resource

    isolation = without_network()
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # it writes no file
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES, OPEN_FILES))
    import python_calamine  # noqa: F401  imported before the first request, so that one is as quick as the rest

    from kizuna.checks import sources

    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the answers
    send(answers, {"isolation": isolation})
    while (request := receive(requests)) is not None:
        used = resource.getrusage(resource.RUSAGE_SELF)
        cpu = int(used.ru_utime + used.ru_stime + seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, resource.RLIM_INFINITY))
        try:
            tables = sources.read_tables(Path(request["path"]), request["names"], request["optional"])
        except MemoryError:
            message = N_("this file could not be read within the limits: it needed more than {memory} GiB of memory")
            send(answers, {"failure": said_data(said(message, memory=f"{memory / 2**30:g}"))})
            return  # a process that ran out of memory is not trusted with the next file
        send(answers, {"tables": tables.as_data()})


def without_network() -> str:
    """Cut the worker off the network: a network namespace of its own (no interface but a down loopback) where
    the kernel allows one, else Python's sockets refused. Says which, for the server's log."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for flags, how in ((CLONE_NEWNET, "root"), (CLONE_NEWUSER | CLONE_NEWNET, "a user namespace")):
        if libc.unshare(flags) == 0:
            return f"no network (a network namespace of its own, through {how})"
    import socket

    def refused(*_: object, **__: object) -> None:
        raise OSError("the upload reader has no network")

    socket.socket = socket.create_connection = socket.socketpair = refused  # type: ignore[assignment,misc]
    return "no network (sockets refused in Python: the kernel allows no network namespace here)"
