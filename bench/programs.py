"""The dashboard with five programs in its programs directory against one: a new visitor's first render and a rerun.

Both directories hold copies of real programs (the 2019 one and the test fixtures) and open the same program, the
2019 one, so the difference is what the directory and the picker cost.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from pathlib import Path
from unittest.mock import patch

from kizuna.config import STATIC_DIR_ENV
from kizuna.publishing.programs import DEFAULT_ENV, PROGRAM_ENV, PROGRAMS_ENV, list_programs, write_feeds_of

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from directories import FIVE, programs_directory

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
SHOWN = "clair-seminar-2019"


@contextmanager
def serving(folder: Path, static: Path) -> Iterator[None]:
    """The dashboard reads this programs directory (KIZUNA_PROGRAM unset) and opens the 2019 program."""
    with patch.dict(os.environ, {PROGRAMS_ENV: str(folder), DEFAULT_ENV: SHOWN, STATIC_DIR_ENV: str(static)}):
        os.environ.pop(PROGRAM_ENV, None)
        yield


def visit(reruns: int, query: Mapping[str, str] | None = None) -> tuple[float, list[float]]:
    """A new browser session's first render of the link with `query`, then reruns that switch the theme filter on
    and off."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=600)
    at.query_params.update(query or {})
    began = time.perf_counter()
    at.run()
    first = time.perf_counter() - began
    assert not at.exception, at.exception
    assert at.title[0].value.endswith("2019"), at.title[0].value
    times = []
    for index in range(reruns):
        at.multiselect(key="themes").set_value(["tourism-promotion"] if index % 2 == 0 else [])
        began = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - began)
    assert not at.exception, at.exception
    return first, times


def taking_turns(
    setups: dict[str, Callable[[], AbstractContextManager]], rounds: int, reruns: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Each setup's first renders and reruns, the setups taking turns (order reversed every round) after a round
    that warms the caches up. A setup may give the link's query (`visit`) as its context's value."""
    first: dict[str, list[float]] = {name: [] for name in setups}
    rerun: dict[str, list[float]] = {name: [] for name in setups}
    for index in range(rounds + 1):
        for name in list(setups) if index % 2 == 0 else list(reversed(setups)):
            with setups[name]() as query:
                seconds, times = visit(reruns, query)
            if index:
                first[name].append(seconds)
                rerun[name] += times
    return first, rerun


def figures(reruns: int, rounds: int, tmp: Path) -> dict[str, float]:
    """Medians for one and five programs (taking turns, so a slow spell hits both), and the one-off listing."""
    directories = {"one": programs_directory(tmp / "one", ("2019",)), "five": programs_directory(tmp / "five", FIVE)}
    static = tmp / "static"
    for folder in directories.values():  # what `kizuna feeds` does before start-up: the page finds them current
        write_feeds_of(list_programs(folder), static, None)
    cold = programs_directory(tmp / "cold", FIVE)
    began = time.perf_counter()
    list_programs(cold)  # once per process (and per changed program): every program read and checked
    listing = time.perf_counter() - began
    first, rerun = taking_turns(
        {name: partial(serving, folder, static) for name, folder in directories.items()}, rounds, reruns
    )
    median = statistics.median
    return {
        "first one": median(first["one"]),
        "first five": median(first["five"]),
        "rerun one": median(rerun["one"]),
        "rerun five": median(rerun["five"]),
        "listing": listing,
    }
