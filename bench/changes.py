"""Comparing two versions of a program (kizuna.program.changes.compare), at 1,000 and 10,000 sessions.

Each version is a synthetic program (bench/synthetic.py) read by the loader; the second one has a share of its
sessions edited as an organiser would during the seminar week: moved (date and time), venue changed, cancelled,
removed, retitled, plus new sessions. Timed: `compare(old, new)` alone, the median of several runs, each from the
loaded programs (nothing cached between runs). The history of the two versions, stamped as a replica serves it
(publishing.history), is measured apart.
"""

from __future__ import annotations

import dataclasses
import gc
import pickle
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from bench.synthetic import write_program
from kizuna.checks.loading import load_program
from kizuna.program.changes import compare, summary
from kizuna.program.model import Program, ordered
from kizuna.publishing.history import history, stamped

EDITED_SHARE = 0.05  # of the sessions, per kind of edit


def second_version(program: Program, seed: int = 22) -> Program:
    """The program with EDITED_SHARE of its sessions moved, as many re-venued, cancelled, removed, retitled, added."""
    rng = random.Random(seed)
    sessions = list(program.sessions)
    count = max(1, int(len(sessions) * EDITED_SHARE))
    picked = rng.sample(range(len(sessions)), 5 * count)
    venues = sorted(program.venues)
    removed = set()
    for position, index in enumerate(picked):
        session, edit = sessions[index], position // count
        if edit == 0:
            day = program.days[rng.randrange(len(program.days))]
            sessions[index] = dataclasses.replace(session, date=day, start=None, end=None)
        elif edit == 1:
            venue = program.venues[rng.choice(venues)]
            sessions[index] = dataclasses.replace(session, venue_id=venue.id, city=venue.city)
        elif edit == 2:
            sessions[index] = dataclasses.replace(
                session, status="cancelled" if session.status != "cancelled" else "confirmed"
            )
        elif edit == 3:
            removed.add(session.id)
        else:
            sessions[index] = dataclasses.replace(session, title=session.title + " (new title)")
    added = [
        dataclasses.replace(sessions[i], id=f"{sessions[i].id}-again") for i in rng.sample(range(len(sessions)), count)
    ]
    kept = [session for session in sessions if session.id not in removed]
    return dataclasses.replace(program, sessions=ordered([*kept, *added]))


def reading(old: Program, new: Program) -> list:
    return [(s.id, s.date, s.start, s.venue_id, s.title, s.status) for p in (old, new) for s in p.sessions]


def median_seconds(action, runs: int) -> float:
    """The median of `runs` timings, each with the garbage collector collected before and off during, as `timeit`
    does: a collection of the other program's objects is not this one's cost."""
    times = []
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            began = time.perf_counter()
            action()
            times.append(time.perf_counter() - began)
        finally:
            gc.enable()
    return statistics.median(times)


def figures(sizes: list[int], folder: Path, runs: int = 7) -> dict[int, dict[str, object]]:
    """Per size: seconds to compare (median of `runs`), seconds to stamp the two versions' history, the summary."""
    found: dict[int, dict[str, object]] = {}
    for size in sizes:
        old = load_program(write_program(folder / f"p{size}", size))
        # as the store gives it: loaded on its own, no session object shared with the first version
        new = pickle.loads(pickle.dumps(second_version(old)))
        published = datetime(2030, 1, 1, tzinfo=UTC)
        rows = [
            SimpleNamespace(number=n, published_at=published + timedelta(hours=n), withdrawn=False, withdrawn_at=None)
            for n in (1, 2)
        ]
        programs = {1: old, 2: new}
        found[size] = {
            "compare": median_seconds(lambda old=old, new=new: compare(old, new), runs),
            "stamped": median_seconds(
                lambda rows=rows, programs=programs: stamped(history(rows, programs.__getitem__)), runs
            ),
            "summary": summary(compare(old, new)),
            # the machine's own: only reading each session of both versions, which a cache that holds the 1,000
            # sessions and not the 10,000 already makes more than linear
            "reading": median_seconds(lambda old=old, new=new: reading(old, new), runs),
        }
    return found


def many_small(size: int, count: int, folder: Path, runs: int = 7) -> float:
    """Seconds to compare `count` different pairs of `size`-session versions one after the other (median of `runs`):
    as many sessions as one pair of `count` × `size`, and as little of them in the processor's cache."""
    pairs = []
    for seed in range(count):
        old = load_program(write_program(folder / f"small-{seed}", size, seed=seed))
        pairs.append((old, pickle.loads(pickle.dumps(second_version(old, seed=seed)))))
    return median_seconds(lambda: [compare(old, new) for old, new in pairs], runs)
