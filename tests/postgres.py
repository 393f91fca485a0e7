"""A throwaway PostgreSQL cluster for the tests: Debian's `initdb` and `pg_ctl` in a temporary folder.

One cluster per test session (`postgres_cluster`), started on first use and stopped at the end; each test
takes a database of its own from it (`Cluster.create_database`). PostgreSQL refuses to run as root, so when
the tests run as root the server runs as the system user `kizuna-test` (created if missing) via `runuser`.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from checkers import missing

SERVER_USER = "kizuna-test"
ROLE = "kizuna"  # the cluster's superuser; local connections are trusted (the socket is in a private folder)
# Should the tests' process die without stopping the cluster (killed by a timeout, say), this stops it.
WATCHER = (
    'while kill -0 "$0" 2>/dev/null; do sleep 2; done; kill -QUIT "$(head -n1 "$1/data/postmaster.pid")"; rm -rf "$1"'
)
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"  # a throwaway cluster need not survive a crash


def binaries() -> Path | None:
    """The folder of initdb, pg_ctl and postgres: from PATH, else Debian's newest /usr/lib/postgresql/*/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: major(path.parent.parent.name))
    return debian[-1].parent if debian else None


def major(version: str) -> int:
    return int(version) if version.isdigit() else 0


def server_user() -> str | None:
    """The user the server runs as: None (the current one) unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        command = ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent"]
        subprocess.run([*command, "--shell", "/usr/sbin/nologin", SERVER_USER], check=True, capture_output=True)
    return SERVER_USER


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A running cluster listening on a unix socket in its folder and on 127.0.0.1:`port`."""

    def __init__(self, bin_dir: Path, folder: Path, user: str | None) -> None:
        self.bin_dir, self.folder, self.user = bin_dir, folder, user
        self.port = free_port()
        self._names = itertools.count(1)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.folder)
        if result.returncode != 0:
            log = (self.folder / "server.log").read_text() if (self.folder / "server.log").exists() else ""
            raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr}{result.stdout}{log}")

    def start(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", ROLE, "--auth=trust", "-E", "UTF8", "--locale=C", "-N")
        options = f"-k {self.folder} -p {self.port} -c listen_addresses=127.0.0.1 {FAST}"
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-o", options, "-w", "start")
        watcher = ["sh", "-c", WATCHER, str(os.getpid()), str(self.folder)]
        subprocess.Popen(watcher, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        try:
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy's URL of a database, over the unix socket."""
        return f"postgresql+psycopg://{ROLE}@/{database}?host={self.folder}&port={self.port}"

    def tcp_url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{ROLE}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new, empty database (a test's own); its URL."""
        import psycopg

        name = f"kizuna_{next(self._names)}"
        with psycopg.connect(
            host=str(self.folder), port=self.port, user=ROLE, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def start_cluster() -> Cluster:
    bin_dir = binaries()
    if bin_dir is None:
        raise FileNotFoundError("initdb")
    user = server_user()
    folder = Path(tempfile.mkdtemp(prefix="kizuna-pg-"))  # /tmp: the server's user can reach it, not the others
    if user:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    cluster = Cluster(bin_dir, folder, user)
    try:
        cluster.start()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return cluster


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """The session's PostgreSQL cluster; missing binaries skip its tests locally and fail them under CI=true."""
    if binaries() is None:
        missing("PostgreSQL is not installed (no initdb and pg_ctl)", "scripts/bootstrap --test installs postgresql")
    cluster = start_cluster()
    yield cluster
    cluster.stop()
