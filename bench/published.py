"""The dashboard showing a program published in the store against the same program from the programs directory.

Both open the 2019 program in a new browser session (AppTest), taking turns: one with it in a programs directory and
no database, the other with an empty directory and the program published in an SQLite store. The difference is
what the store costs a visitor: the replica's look at the store (its revision, every few seconds) and the catalog
that merges the published programs. Reading a new version once per process is measured apart.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from unittest.mock import patch

from kizuna.checks.loading import read_program
from kizuna.config import DATABASE_URL_ENV, STATIC_DIR_ENV
from kizuna.publishing import published
from kizuna.publishing.programs import DEFAULT_ENV, PROGRAM_ENV, PROGRAMS_ENV, list_programs, write_feeds_of
from kizuna.publishing.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from directories import programs_directory

from bench.programs import SHOWN, taking_turns

ROOT = Path(__file__).resolve().parent.parent
YEAR = ROOT / "data" / "2019"


@contextmanager
def serving(settings: dict[str, str], tmp: Path) -> Iterator[None]:
    """The dashboard with these settings, and no default database file (a developer's var/ stays out of it)."""
    with patch.dict(os.environ, {DEFAULT_ENV: SHOWN, STATIC_DIR_ENV: str(tmp / "static"), **settings}):
        os.environ.pop(PROGRAM_ENV, None)
        if DATABASE_URL_ENV not in settings:
            os.environ.pop(DATABASE_URL_ENV, None)
        with patch.object(published, "DEFAULT_DATABASE", tmp / "no-default.sqlite3"):
            yield


def reading(url: str, runs: int = 7) -> tuple[float, float]:
    """Median seconds to read the program once: a new version from the store, a changed folder from disk."""
    from_store, from_folder = [], []
    with Store(url) as store:
        for _ in range(runs):
            store._programs.clear()  # as a replica meeting a version for the first time
            began = time.perf_counter()
            store.load(SHOWN, 1)
            from_store.append(time.perf_counter() - began)
            began = time.perf_counter()
            read_program(YEAR)
            from_folder.append(time.perf_counter() - began)
    return statistics.median(from_store), statistics.median(from_folder)


def figures(reruns: int, rounds: int, tmp: Path) -> dict[str, float]:
    """Medians of a new session's first render and of its reruns, each way, taking turns; reading a version."""
    directory = programs_directory(tmp / "directory", ("2019",))
    empty = tmp / "empty"
    empty.mkdir()
    url = f"sqlite:///{tmp / 'store.sqlite3'}"
    with Store(url) as store:
        store.publish(YEAR)
    write_feeds_of(list_programs(directory), tmp / "static", None)  # what `kizuna feeds` does before start-up
    setups = {
        "directory": {PROGRAMS_ENV: str(directory)},
        "published": {PROGRAMS_ENV: str(empty), DATABASE_URL_ENV: url},
    }
    first, rerun = taking_turns(
        {name: partial(serving, settings, tmp) for name, settings in setups.items()}, rounds, reruns
    )
    from_store, from_folder = reading(url)
    median = statistics.median
    return {
        "first directory": median(first["directory"]),
        "first published": median(first["published"]),
        "rerun directory": median(rerun["directory"]),
        "rerun published": median(rerun["published"]),
        "read store": from_store,
        "read folder": from_folder,
    }
