"""Benchmarks against budgets: python bench/run.py [--sizes 20 1000 10000] [--skip-browser | --browser-only]

Prints one table of figures and ratios (dashboard vs a reference measured in the same run).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from unittest.mock import patch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serving import CHROMIUM, CHROMIUM_ARGS, READY, start, stop, wait_healthy  # noqa: E402
from bench.synthetic import write_program  # noqa: E402
from kizuna.checks.loading import load_program  # noqa: E402
from kizuna.config import BASEMAP_ENV  # noqa: E402
from kizuna.publishing.programs import PROGRAM_ENV  # noqa: E402

APP = ROOT / "app.py"
REFERENCE = ROOT / "bench" / "reference_app.py"
HELLO = ROOT / "bench" / "hello_app.py"
FLOOR = ROOT / "bench" / "floor_app.py"


def seconds(action: Callable[[], object]) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def program_env(folder: Path, env: dict[str, str] | None = None):
    """The dashboard reads this program folder (and settings) while the block runs."""
    return patch.dict(os.environ, {PROGRAM_ENV: str(folder), **(env or {})})


def element_bytes(at) -> Counter:
    """Serialized size of every element the page holds, by element type: what a rerun sends."""
    sizes: Counter = Counter()

    def walk(node) -> None:
        children = getattr(node, "children", None) or {}
        for child in children.values():
            walk(child)
        proto = getattr(node, "proto", None)
        if proto is not None and not children:
            sizes[getattr(node, "type", "other")] += proto.ByteSize()

    walk(at._tree)
    return sizes


def write_static(folder: Path) -> None:
    """What the run command does before start-up, so the page finds its feeds current."""
    from kizuna import config
    from kizuna.calendars.feeds import write_feeds
    from kizuna.checks.loading import data_hash
    from kizuna.views.basemap import write_basemap

    static = config.static_dir(ROOT / "static")
    write_feeds(load_program(folder), static, version=data_hash(folder))
    write_basemap(static)


def filter_change(script: Path, folder: Path, repeats: int, env: dict[str, str] | None = None) -> tuple[float, Counter]:
    """Median rerun time after switching the theme filter, and the bytes of the filtered page."""
    from streamlit.testing.v1 import AppTest

    write_static(folder)
    theme = next(iter(load_program(folder).themes))
    with program_env(folder, env):
        at = AppTest.from_file(str(script), default_timeout=600)
        at.run()
        times = []
        for index in range(repeats):
            at.multiselect(key="themes").set_value([theme] if index % 2 == 0 else [])
            start = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - start)
            assert not at.exception, at.exception
        at.multiselect(key="themes").set_value([theme])
        at.run()
        return statistics.median(times), element_bytes(at)


def export_figures(folder: Path) -> tuple[float, float, int]:
    """Our export vs bare icalendar building the same events from precomputed values; export calls on reruns."""
    from icalendar import Calendar, Event, Timezone

    from kizuna.calendars import ics
    from kizuna.program.filtering import Filter

    program = load_program(folder)
    sessions = list(program.sessions)

    def precomputed() -> list[dict]:
        rows = []
        for s in sessions:
            venue = program.venues[s.venue_id]
            start, end = ics.session_times(program, s)
            rows.append(
                {
                    "uid": ics.session_uid(program, s),
                    "sequence": s.revision,
                    "status": s.status.upper(),
                    "summary": s.title,
                    "dtstart": start,
                    "dtend": end,
                    "location": ics.venue_location(venue),
                    "geo": (venue.lat, venue.lon),
                    "description": ics.event_description(program, s, venue),
                    "categories": [program.themes[t].label for t in s.themes],
                }
            )
        return rows

    values = precomputed()
    years = [s.date.year for s in sessions]

    def bare() -> bytes:
        calendar = Calendar()
        header = {"prodid": ics.PRODID, "version": "2.0", "calscale": "GREGORIAN", "method": "PUBLISH"}
        header |= {"name": program.title, "x-wr-calname": program.title, "x-wr-timezone": program.timezone}
        for name, value in header.items():
            calendar.add(name, value)
        first, last = date(min(years), 1, 1), date(max(years) + 1, 1, 1)
        calendar.add_component(Timezone.from_tzid(program.timezone, first_date=first, last_date=last))
        for row in values:
            event = Event()
            event.add("uid", row["uid"])
            event.add("dtstamp", program.updated)
            for name in ("sequence", "status", "summary", "dtstart"):
                event.add(name, row[name])
            if row["dtend"] is not None:
                event.add("dtend", row["dtend"])
            for name in ("location", "geo", "description"):
                event.add(name, row[name])
            if row["categories"]:
                event.add("categories", row["categories"])
            calendar.add_component(event)
        return calendar.to_ical()

    def ours() -> bytes:
        return ics.export_ics(program, Filter())

    ours_times, bare_times = [], []
    for _ in range(3):  # interleaved, so load on the machine hits both alike
        ours_times.append(seconds(ours))
        bare_times.append(seconds(bare))
    return statistics.median(ours_times), statistics.median(bare_times), export_calls_on_reruns(folder)


def export_calls_on_reruns(folder: Path) -> int:
    """How many exports five reruns that keep the filter cause."""
    from streamlit.testing.v1 import AppTest

    import kizuna.calendars.ics

    calls = 0
    original = kizuna.calendars.ics.export_ics

    def counting(*args, **kwargs):
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)

    kizuna.calendars.ics.export_ics = counting
    try:
        with program_env(folder):
            at = AppTest.from_file(str(APP), default_timeout=600)
            at.run()
            for index in range(5):
                at.toggle(key="home").set_value(index % 2 == 0)
                at.run()
    finally:
        kizuna.calendars.ics.export_ics = original
    return calls


def open_when_up(page, url: str, deadline: float) -> None:
    while True:
        try:
            page.goto(url, timeout=5_000)
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


BARE = {BASEMAP_ENV: "none"}  # the dashboard without its bundled basemap
COLD_PAGES = {
    "hello world": (HELLO, None),
    "map + chart page": (FLOOR, None),
    "dashboard": (APP, None),
    "dashboard without basemap": (APP, BARE),
}
DRAWN = (
    '[data-testid="stDeckGlJsonChart"] canvas',
    '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg',
)


def cold_start(
    browser, script: Path, env: dict[str, str] | None = None, root: Path = ROOT, watch=None
) -> tuple[float, float | None]:
    """Seconds from process start to the first finished render, and to the map and chart drawn (if any).
    `root`: the checkout the server runs in; `watch` (bench/basemap.py) sees the page open and, once the map and
    chart are drawn, goes on watching it."""
    context = browser.new_context()
    page = context.new_page()
    if watch:
        watch.opened(page)
    began = time.perf_counter()
    process, url = start(script, env=env, root=root)
    try:
        open_when_up(page, url + "/", time.monotonic() + 60)
        page.wait_for_selector(f"{READY} h1", timeout=60_000)
        rendered = time.perf_counter() - began
        if script == HELLO:
            return rendered, None
        for selector in DRAWN:
            page.wait_for_selector(selector, timeout=60_000)
        drawn = time.perf_counter() - began
        if watch:
            watch.drawn(page, began)
        return rendered, drawn
    finally:
        context.close()
        stop(process)


def cold_starts(browser, runs: int) -> dict[str, tuple[list[float], list[float]]]:
    """Pages take turns, so a slow spell of the machine hits them all alike."""
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in COLD_PAGES}
    for _ in range(runs):
        for name, (script, env) in COLD_PAGES.items():
            rendered, drawn = cold_start(browser, script, env)
            times[name][0].append(rendered)
            if drawn is not None:
                times[name][1].append(drawn)
    return times


def spread(values: list[float], milliseconds: bool = False) -> str:
    """Median, with the range in brackets."""
    if milliseconds:
        values = [value * 1000 for value in values]
        return f"{statistics.median(values):.0f} ms ({min(values):.0f}–{max(values):.0f})"
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def cold_start_rows(browser, runs: int) -> list[str]:
    times = cold_starts(browser, runs)
    hello, floor, dashboard, bare = (times[name] for name in COLD_PAGES)
    median = statistics.median
    ratio = median(dashboard[0]) / median(hello[0])
    floor_ratio = median(floor[0]) / median(hello[0])
    return [
        row(
            f"cold start to first render (median of {runs})",
            spread(dashboard[0]),
            f"{spread(hello[0])}, hello world",
            f"{ratio:.2f}×",
            "≤ 1.3×",
            ratio <= 1.3,
        ),
        row(
            "cold start to first render, against a page with only a map and a chart",
            spread(dashboard[0]),
            spread(floor[0]),
            f"{median(dashboard[0]) / median(floor[0]):.2f}× (that page: {floor_ratio:.2f}× hello)",
            "",
            None,
        ),
        row(
            "cold start until the map and the timeline are drawn",
            spread(dashboard[1]),
            spread(floor[1]),
            f"{median(dashboard[1]) / median(floor[1]):.2f}× the map + chart page (same basemap)",
            "≤ 1.30×",
            median(dashboard[1]) / median(floor[1]) <= 1.30,
        ),
        *(
            row(
                f"cold start to {what}, with the basemap against without",
                spread(dashboard[index]),
                spread(bare[index]),
                f"{median(dashboard[index]) / median(bare[index]):.2f}×",
                "≤ 1.10×",
                median(dashboard[index]) / median(bare[index]) <= 1.10,
            )
            for index, what in enumerate(("first render", "map and timeline drawn"))
        ),
    ]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def memory(browser, sessions: int) -> tuple[float, float]:
    """Server RSS with one browser session and with `sessions` sessions open at once (2019 program)."""
    process, url = start()
    contexts = []
    try:
        wait_healthy(url, process)

        def open_session() -> None:
            context = browser.new_context()
            page = context.new_page()
            page.goto(url + "/?theme=tourism-promotion")
            page.wait_for_selector(f"{READY} h1", timeout=60_000)
            contexts.append(context)

        open_session()
        time.sleep(1)
        one = rss_mib(process.pid)
        for _ in range(sessions - 1):
            open_session()
        time.sleep(1)
        many = rss_mib(process.pid)
    finally:
        for context in contexts:
            context.close()
        stop(process)
    return one, many


def row(name: str, ours: str, reference: str, ratio: str, budget: str, ok: bool | None) -> str:
    verdict = "" if ok is None else ("yes" if ok else "**no**")
    return f"| {name} | {ours} | {reference} | {ratio} | {budget} | {verdict} |"


def server_side(sizes: list[int], reruns: int) -> list[str]:
    """Filter change and bytes per rerun for the 2019 program and synthetic programs of each size; export."""
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folders = {n: write_program(Path(tmp) / f"p{n}", n) for n in sizes}
        programs = {"the 2019 program": ROOT / "data" / "2019"} | {f"{n:,} sessions": f for n, f in folders.items()}
        for name, folder in programs.items():
            ours, our_bytes = filter_change(APP, folder, reruns)
            ref, ref_bytes = filter_change(REFERENCE, folder, reruns)
            ratio = ours / ref
            lines.append(
                row(
                    f"filter change, {name} (median rerun)",
                    f"{ours * 1000:.0f} ms",
                    f"{ref * 1000:.0f} ms",
                    f"{ratio:.2f}×",
                    "≤ 1.5× at every size",
                    ratio <= 1.5,
                )
            )
            sent, ref_sent = sum(our_bytes.values()), sum(ref_bytes.values())
            detail = ", ".join(f"{k} {v / 1e3:.0f} kB" for k, v in our_bytes.most_common(3))
            lines.append(
                row(
                    f"bytes per rerun, {name} ({detail})",
                    f"{sent / 1e6:.3f} MB",
                    f"{ref_sent / 1e6:.3f} MB",
                    f"{sent / ref_sent:.2f}×",
                    "≤ 0.5 MB",
                    sent <= 500_000 if folder == folders[max(sizes)] else None,
                )
            )
        year, bare_runs, basemap_runs = programs["the 2019 program"], [], []
        for _ in range(3):  # taking turns: whichever goes first in a round pays for warming up
            bare_runs.append(filter_change(APP, year, reruns, BARE))
            basemap_runs.append(filter_change(APP, year, reruns))
        without = statistics.median(seconds for seconds, _ in bare_runs)
        with_basemap = statistics.median(seconds for seconds, _ in basemap_runs)
        lines.append(
            row(
                "filter change, the 2019 program, with the basemap against without (median rerun)",
                f"{with_basemap * 1000:.0f} ms",
                f"{without * 1000:.0f} ms",
                f"{with_basemap / without:.2f}×",
                "no slower",
                None,
            )
        )
        added = sum(basemap_runs[0][1].values()) - sum(bare_runs[0][1].values())
        lines.append(
            row(
                "bytes per rerun the basemap adds, the 2019 program",
                f"{added / 1e3:.1f} kB",
                "",
                "",
                "≤ 2 kB",
                added <= 2_000,
            )
        )
        largest = folders[max(sizes)]
        ours, bare, calls = export_figures(largest)
        lines.append(
            row(
                f"export, {max(sizes):,} sessions",
                f"{ours:.2f} s",
                f"{bare:.2f} s (bare icalendar)",
                f"{ours / bare:.2f}×",
                "≤ 1.2×",
                ours / bare <= 1.2,
            )
        )
        lines.append(row("exports during 5 reruns that keep the filter", str(calls), "", "", "0", calls == 0))
    return lines


def workbook_rows(sessions: int) -> list[str]:
    from bench.workbooks import figures

    with tempfile.TemporaryDirectory() as tmp:
        measured = figures(sessions, Path(tmp))
    (folder_s, folder_mib), (book_s, book_mib) = measured["folder"], measured["workbook"]
    return [
        row(
            f"validate a {sessions:,}-session .xlsx workbook (median of 5, fresh process each)",
            f"{book_s:.2f} s",
            f"{folder_s:.2f} s, the same program as a CSV folder",
            f"{book_s / folder_s:.2f}×",
            "≤ 3×",
            book_s / folder_s <= 3,
        ),
        row(
            "peak memory of that validation (process RSS)",
            f"{book_mib:.0f} MiB",
            f"{folder_mib:.0f} MiB",
            f"{book_mib / folder_mib:.2f}×",
            "≤ 3×",
            book_mib / folder_mib <= 3,
        ),
    ]


def publish_rows(sessions: int) -> list[str]:
    """Publishing a workbook to the store (SQLite), against validating it as `kizuna validate` does (bench/publish.py).
    Both read the file in a worker (checks.sandbox): memory is the command's and the worker's, each at its peak."""
    from bench.publish import figures

    with tempfile.TemporaryDirectory() as tmp:
        found = figures(sessions, Path(tmp))
    (publish_s, publish_mib, publish_worker), (same_s, same_mib, _) = found["publish"], found["unchanged"]
    validate_s, validate_mib, validate_worker = found["validate"]
    what = f"a {sessions:,}-session .xlsx workbook to SQLite (median of 5, fresh process each)"
    return [
        row(
            f"publish {what}",
            f"{publish_s:.2f} s",
            f"{validate_s:.2f} s, validating it",
            f"{publish_s / validate_s:.2f}×",
            "≤ 1.2×",
            publish_s / validate_s <= 1.2,
        ),
        row(
            "peak memory of that publish: the command above its imports, and the worker that read the file",
            f"{publish_mib:.0f} MiB + {publish_worker:.0f} MiB",
            f"{validate_mib:.0f} MiB + {validate_worker:.0f} MiB",
            f"{(publish_mib + publish_worker) / (validate_mib + validate_worker):.2f}×",
            "≤ 1.2×",
            (publish_mib + publish_worker) / (validate_mib + validate_worker) <= 1.2,
        ),
        row("publish it again, unchanged (no new version)", f"{same_s:.2f} s, {same_mib:.0f} MiB", "", "", "", None),
    ]


def upload_rows() -> list[str]:
    """Checking an upload in the worker against in this process, and the server's memory on hostile files."""
    from bench.uploads import figures

    found = figures()
    (year_worker, year_here), (large_worker, large_here) = found["2019"], found["large"]
    memory = found.pop("memory")
    idle = memory.pop("idle")
    unchecked = memory.pop("unchecked problem")
    peak = max(memory.values())
    return [
        row(
            "check the 2019 workbook in the worker (median of 101, warm)",
            f"{year_worker * 1000:.1f} ms",
            f"{year_here * 1000:.1f} ms in-process",
            f"{year_worker / year_here:.2f}×",
            "≤ 1.3×",
            year_worker / year_here <= 1.3,
        ),
        row(
            f"check a {found['sessions']:,}-session workbook in the worker (median of 7)",
            f"{large_worker:.2f} s",
            f"{large_here:.2f} s in-process",
            f"{large_worker / large_here:.2f}×",
            "≤ 1.2×",
            large_worker / large_here <= 1.2,
        ),
        row(
            f"server peak RSS above idle ({idle:.0f} MiB) while checking each of {len(memory) - 1} hostile files, "
            f"and the 512 GB one with its check off ({unchecked[:60]}…)",
            f"{peak:.1f} MiB at most",
            f"worker limit {found['limit_mib']:.0f} MiB",
            "",
            "≤ the worker's limit",
            peak <= found["limit_mib"],
        ),
    ]


def turns_rows(name: str, found: dict[str, float], ours: str, theirs: str, rounds: int, budgets: dict) -> list[str]:
    """A first render and a filter rerun of two setups that took turns (bench/programs.py `taking_turns`): `ours`
    against `theirs`, each against its budget (a ratio, or None)."""
    rows = []
    for key, what in (
        ("first", f"first render of a new session (median of {rounds})"),
        ("rerun", "filter change (median rerun)"),
    ):
        ratio, budget = found[f"{key} {ours}"] / found[f"{key} {theirs}"], budgets[key]
        rows.append(
            row(
                f"{name}: {what}",
                f"{found[f'{key} {ours}'] * 1000:.0f} ms",
                f"{found[f'{key} {theirs}'] * 1000:.0f} ms",
                f"{ratio:.2f}×",
                f"≤ {budget:.2f}×" if budget else "",
                ratio <= budget if budget else None,
            )
        )
    return rows


def programs_rows(reruns: int, rounds: int = 7) -> list[str]:
    """Five programs in the directory against one, the same program on screen (bench/programs.py)."""
    from bench.programs import figures

    with tempfile.TemporaryDirectory() as tmp:
        found = figures(reruns, rounds, Path(tmp))
    name = "dashboard with five programs in the directory against one, the 2019 program shown"
    rows = turns_rows(name, found, "five", "one", rounds, {"first": 1.05, "rerun": 1.05})
    listing = f"{found['listing'] * 1000:.0f} ms"
    return [
        *rows,
        row("reading and checking five programs, once per process and per changed program", listing, "", "", "", None),
    ]


def published_rows(reruns: int, rounds: int = 11) -> list[str]:
    """A program published in the store against the same program in the programs directory (bench/published.py)."""
    from bench.published import figures

    with tempfile.TemporaryDirectory() as tmp:
        found = figures(reruns, rounds, Path(tmp))
    name = "dashboard showing the 2019 program published in the store (SQLite) against from the programs directory"
    rows = turns_rows(name, found, "published", "directory", rounds, {"first": 1.10, "rerun": None})
    reading = "reading the 2019 program once per process: a new version from the store, against its folder"
    store_ms, folder_ms = found["read store"] * 1000, found["read folder"] * 1000
    return [*rows, row(reading, f"{store_ms:.0f} ms", f"{folder_ms:.0f} ms", f"{store_ms / folder_ms:.2f}×", "", None)]


def languages_rows(reruns: int, rounds: int = 7) -> list[str]:
    """The dashboard in Japanese against English, the 2019 program (bench/languages.py)."""
    from bench.languages import figures

    with tempfile.TemporaryDirectory() as tmp:
        found = figures(reruns, rounds, Path(tmp))
    name = "dashboard in Japanese (lang=ja) against English, the 2019 program"
    rows = turns_rows(name, found, "ja", "en", rounds, {"first": 1.05, "rerun": 1.05})
    catalogues = f"{found['catalogues'] * 1000:.0f} ms"
    return [*rows, row("reading and compiling the Japanese catalogues, once per process", catalogues, "", "", "", None)]


def against_rows(browser, rev: str, runs: int, reruns: int, ours: str | None = None) -> list[str]:
    """This tree (or commit `ours`) against commit `rev`, taking turns in the same run (bench/basemap.py): cold starts
    until the map and timeline are drawn and until the map's picture is final; the filter rerun at the 2019 program."""
    from bench.basemap import BUSY, TOLERANCE, figures

    found = figures(browser, rev, runs, reruns, ours)
    labels, cold, rerun = found["labels"], found["cold"], found["rerun"]
    imported = {name: str(paths[1]) for name, paths in found["imported"].items()}
    shots = "/".join(f"{statistics.median(cold[name]['shot']) * 1000:.0f}" for name in ("ours", "theirs"))
    quiet = found["others"] < BUSY

    def compare(what: str, ours: list[float], their: list[float], budget: bool, milliseconds: bool = False) -> str:
        ratio = statistics.median(ours) / statistics.median(their)
        turns = [mine / other for mine, other in zip(ours, their, strict=True)]
        return row(
            f"{what}, {labels['ours']} against {labels['theirs']}",
            spread(ours, milliseconds),
            spread(their, milliseconds),
            f"{ratio:.2f}× (each round {min(turns):.2f}–{max(turns):.2f})",
            f"≤ {TOLERANCE:.2f}×{'' if quiet else ' (not judged: a busy machine)'}" if budget else "",
            ratio <= TOLERANCE if budget and quiet else None,
        )

    return [
        row("the kizuna each server imported", imported["ours"], imported["theirs"], "", "", None),
        row(
            f"cores other processes kept busy during the run, on average (verdicts only below {BUSY})",
            f"{found['others']:.2f} of {os.cpu_count()}",
            "",
            "",
            "",
            None,
        ),
        compare(
            f"cold start to first render (median of {runs})",
            cold["ours"]["rendered"],
            cold["theirs"]["rendered"],
            False,
        ),
        compare(
            f"cold start until the map and the timeline are drawn (median of {runs})",
            cold["ours"]["drawn"],
            cold["theirs"]["drawn"],
            True,
        ),
        compare(
            f"cold start until the map's picture is final: land and any finer geometry drawn (a screenshot every "
            f"{shots} ms)",
            cold["ours"]["final"],
            cold["theirs"]["final"],
            False,
        ),
        compare(
            f"filter change, the 2019 program (median rerun of {reruns}, a fresh process per round; {runs} rounds)",
            rerun["ours"],
            rerun["theirs"],
            True,
            milliseconds=True,
        ),
    ]


def changes_rows(sizes: list[int]) -> list[str]:
    """Comparing two versions of a program (what a publish and the What changed view compute), 1,000 against 10,000
    sessions (bench/changes.py)."""
    from bench.changes import figures, many_small

    small, large = 1_000, max(max(sizes), 10_000)
    with tempfile.TemporaryDirectory() as tmp:
        found = figures([small, large], Path(tmp))
        many = many_small(small, large // small, Path(tmp))
    ratio = found[large]["compare"] / found[small]["compare"]
    stamped_ratio = found[large]["stamped"] / found[small]["stamped"]
    reading = found[large]["reading"] / found[small]["reading"]
    return [
        row(
            f"compare two {large:,}-session versions ({found[large]['summary']}; median of 7)",
            f"{found[large]['compare']:.3f} s",
            "",
            "",
            "≤ 0.3 s",
            found[large]["compare"] <= 0.3,
        ),
        row(
            f"the same at {large:,} against {small:,} sessions (linear: ≤ 12×)",
            f"{found[large]['compare']:.3f} s",
            f"{found[small]['compare']:.3f} s",
            f"{ratio:.1f}×",
            "≤ 12×",
            ratio <= 12,
        ),
        row(
            f"the same against {large // small} different {small:,}-session pairs compared one after the other",
            f"{found[large]['compare']:.3f} s",
            f"{many:.3f} s",
            f"{found[large]['compare'] / many:.2f}×",
            "",
            None,
        ),
        row(
            f"reference: only reading each session of both versions, {large:,} against {small:,}",
            f"{found[large]['reading'] * 1000:.1f} ms",
            f"{found[small]['reading'] * 1000:.2f} ms",
            f"{reading:.1f}×",
            "",
            None,
        ),
        row(
            f"history of the two versions, stamped as served (SEQUENCE, LAST-MODIFIED, ghosts), {large:,} sessions",
            f"{found[large]['stamped']:.3f} s",
            f"{found[small]['stamped']:.3f} s at {small:,}",
            f"{stamped_ratio:.1f}×",
            "",
            None,
        ),
    ]


def print_rows() -> list[str]:
    """Printing itineraries: the 2019 program, 100 against 1,000 sessions, 10,000 sessions' peak (bench/printing.py)."""
    from bench.printing import figures

    with tempfile.TemporaryDirectory() as tmp:
        found = figures(Path(tmp))

    def what(name: str) -> str:
        seconds, pages, size = found[name][:3]
        return f"{seconds:.2f} s ({pages} pages, {size / 1000:.0f} kB)"

    hundred, thousand = found["100"][0], found["1000"][0]
    seconds, pages, size, peak = found["10000"]
    return [
        row(
            "print the 2019 program, A4 (median of 11, warm)",
            what("2019 a4"),
            "",
            "",
            "≤ 0.5 s",
            found["2019 a4"][0] <= 0.5,
        ),
        row("print the 2019 program, A6 (median of 11, warm)", what("2019 a6"), "", "", "", None),
        row(
            "print 1,000 sessions, A4 (median of 3), against 100 (median of 5)",
            what("1000"),
            what("100"),
            f"{thousand / hundred:.1f}×",
            "≤ 12×",
            thousand / hundred <= 12,
        ),
        row(
            "print 10,000 sessions, A4, fresh process: peak memory above the loaded program (RSS)",
            f"{peak:.0f} MiB",
            "",
            "",
            "reported",
            None,
        ),
        row("the same: time", f"{seconds:.1f} s ({pages:,} pages, {size / 1e6:.1f} MB)", "", "", "", None),
    ]


def visit_detail(visit) -> str:
    """How a visit's responses came: from the network, the browser's cache or revalidated (304)."""
    cached, revalidated = visit.count(cached=True), visit.count(status=304)
    return f"{len(visit.fetched)} responses: {cached} from the browser's cache, {revalidated} revalidated (304)"


def wire_rows(browser) -> list[str]:
    """Bytes on the wire of a first and a repeat visit, served directly and through nginx (bench/wire.py)."""
    from bench.wire import figures

    found = figures(browser)
    rows = []
    for key, where in (("served", "served by scripts/run's server"), ("nginx", "through nginx (deploy/nginx.conf)")):
        first, repeat = found[key]
        rows += [
            row(
                f"first visit on the wire, {where} ({visit_detail(first)})",
                f"{first.wire / 1e6:.3f} MB",
                f"{first.body / 1e6:.3f} MB decoded",
                f"{first.wire / first.body:.2f}×",
                "≤ 2.5 MB",
                first.wire <= 2_500_000,
            ),
            row(
                f"repeat visit on the wire, the same browser, {where} ({visit_detail(repeat)})",
                f"{repeat.wire / 1e3:.1f} kB",
                f"{first.wire / 1e6:.3f} MB, the first visit",
                "",
                "≤ 100 kB",
                repeat.wire <= 100_000,
            ),
        ]
    sizes = found["gzip"]  # path → (bytes, gzipped bytes, CPU seconds)
    first = found["served"][0]
    socket = row(
        f"WebSocket payload of a visit, Streamlit's messages ({first.socket_extensions or 'not compressed'})",
        f"{first.socket / 1e3:.0f} kB",
        "",
        "",
        "",
        None,
    )
    if not sizes:  # a server that gzips none of Streamlit's files
        return [*rows, socket]
    largest = max(sizes, key=lambda path: sizes[path][0])
    size, gzipped, cpu = sizes[largest]
    name = largest.rsplit("/", 1)[-1]
    total = [sum(file[index] for file in sizes.values()) for index in range(3)]
    return [
        *rows,
        socket,
        row(
            f"gzip (level {found['level']}) of {name}, once per server process (CPU, median of 3)",
            f"{cpu * 1000:.0f} ms",
            f"{size / 1e6:.2f} → {gzipped / 1e6:.2f} MB",
            "",
            "",
            None,
        ),
        row(
            f"the same for all {len(sizes)} scripts and styles of a first visit",
            f"{total[2] * 1000:.0f} ms",
            f"{total[0] / 1e6:.2f} → {total[1] / 1e6:.2f} MB",
            "",
            "",
            None,
        ),
    ]


def in_chromium(rows: Callable[[object], list[str]]) -> list[str]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return rows(browser)
        finally:
            browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 1_000, 10_000])
    parser.add_argument("--reruns", type=int, default=21)
    parser.add_argument("--runs", type=int, default=7, help="cold starts per page")
    parser.add_argument("--sessions", type=int, default=20, help="browser sessions for the memory figure")
    parser.add_argument("--skip-browser", action="store_true", help="leave out cold start and memory")
    parser.add_argument("--browser-only", action="store_true", help="only cold start and memory")
    parser.add_argument("--programs-only", action="store_true", help="only five programs in the directory against one")
    parser.add_argument("--workbooks-only", action="store_true", help="only validating a workbook against a folder")
    parser.add_argument("--publish-only", action="store_true", help="only publishing a workbook to the store")
    parser.add_argument(
        "--published-only", action="store_true", help="only a published program against the same from the directory"
    )
    parser.add_argument("--print-only", action="store_true", help="only printing itineraries (PDF)")
    parser.add_argument("--uploads-only", action="store_true", help="only checking uploads in the worker")
    parser.add_argument("--bytes-only", action="store_true", help="only bytes on the wire of page visits")
    parser.add_argument("--languages-only", action="store_true", help="only the dashboard in Japanese against English")
    parser.add_argument(
        "--changes-only",
        action="store_true",
        help="only comparing two versions of a program (1,000 and 10,000 sessions)",
    )
    parser.add_argument(
        "--against",
        metavar="REV",
        help="only this tree against commit REV (a temporary worktree): cold starts (--runs) and filter reruns",
    )
    parser.add_argument("--ours", metavar="REV", help="with --against: commit REV stands in for this tree")
    args = parser.parse_args()
    lines = ["| figure | Kizuna | reference | ratio | budget | met |", "|---|---|---|---|---|---|"]
    if args.against:
        rows = partial(against_rows, rev=args.against, runs=args.runs, reruns=args.reruns, ours=args.ours)
        print("\n".join([*lines, *in_chromium(rows)]))
        return 0
    if args.publish_only:
        print("\n".join([*lines, *publish_rows(max(args.sizes))]))
        return 0
    if args.changes_only:
        print("\n".join([*lines, *changes_rows(args.sizes)]))
        return 0
    if args.languages_only:
        print("\n".join([*lines, *languages_rows(args.reruns)]))
        return 0
    if args.published_only:
        print("\n".join([*lines, *published_rows(args.reruns)]))
        return 0
    if args.print_only:
        print("\n".join([*lines, *print_rows()]))
        return 0
    if args.uploads_only:
        print("\n".join([*lines, *upload_rows()]))
        return 0
    if args.bytes_only:
        write_static(ROOT / "data" / "2019")
        print("\n".join([*lines, *in_chromium(wire_rows)]))
        return 0
    if args.programs_only or args.workbooks_only:
        rows = programs_rows(args.reruns) if args.programs_only else workbook_rows(max(args.sizes))
        print("\n".join([*lines, *rows]))
        return 0
    if not args.browser_only:
        lines += server_side(args.sizes, args.reruns)
        lines += workbook_rows(max(args.sizes))
        lines += programs_rows(args.reruns)
        lines += publish_rows(max(args.sizes))
        lines += published_rows(args.reruns)
        lines += changes_rows(args.sizes)
        lines += languages_rows(args.reruns)
        lines += print_rows()
        lines += upload_rows()
    write_static(ROOT / "data" / "2019")
    if not args.skip_browser:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            lines += cold_start_rows(browser, args.runs)
            one, many = memory(browser, args.sessions)
            per = (many - one) / (args.sessions - 1)
            lines.append(
                row(
                    f"server RSS, 1 → {args.sessions} sessions",
                    f"{one:.0f} → {many:.0f} MiB",
                    "",
                    f"{per:.1f} MiB per extra session",
                    "≤ 10 MiB",
                    per <= 10,
                )
            )
            lines += wire_rows(browser)
            browser.close()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
