"""Checking an upload in the worker (kizuna.checks.sandbox) against checking it in this process, and the server's memory
while hostile files are checked.

`python bench/uploads.py` prints JSON; bench/run.py --uploads-only turns it into rows. The memory figures come from
a fresh interpreter (`python bench/uploads.py --memory DIR`) standing for the server: its peak RSS (VmHWM, reset
before each file) above its idle RSS, the workers being other processes.
"""

from __future__ import annotations

import contextlib
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def alternating(runs: int, *actions: Callable[[], object]) -> list[float]:
    """Median seconds of each action, the actions taking turns so that neither is favoured by the machine's mood."""
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for spent, action in zip(times, actions, strict=True):
            began = time.perf_counter()
            action()
            spent.append(time.perf_counter() - began)
    return [statistics.median(spent) for spent in times]


def check_times(path: Path, runs: int) -> tuple[float, float]:
    """Median seconds to check `path` in a worker, and in this process (as uploads.check_upload would)."""
    from kizuna.checks import sandbox
    from kizuna.checks.loading import check_file, read_source

    sandbox.POOL.warm()
    check_file(path)  # the worker's first file: its imports are warm from then on
    worker, here = alternating(runs, lambda: check_file(path), lambda: read_source(path))
    return worker, here


def write_workbooks(folder: Path, sessions: int) -> tuple[Path, Path]:
    from bench.synthetic import write_program
    from kizuna.checks.loading import OPTIONAL_FILES, SCHEMA
    from kizuna.checks.sources import read_tables
    from kizuna.checks.workbook import write_workbook
    from kizuna.cli import main

    year = folder / "2019.xlsx"
    with contextlib.redirect_stdout(io.StringIO()):
        main(["template", "--example", "-o", str(year)])
    large = folder / f"{sessions}.xlsx"
    csv_folder = write_program(folder / "program", sessions)
    write_workbook(read_tables(csv_folder, list(SCHEMA), OPTIONAL_FILES).records, large)
    return year, large


def memory(folder: Path) -> dict[str, float]:
    """In this process: idle RSS with a warm worker, then for each hostile file the peak above it (MiB)."""
    import hostile

    from kizuna.checks import sandbox
    from kizuna.checks.loading import check_file

    sandbox.POOL.warm()
    paths = {name: hostile.write(name, folder) for name in hostile.CASES}
    check_file(paths["damaged-sheet-xml"])
    idle = status_mib("VmRSS")
    peaks = {}
    for name, path in paths.items():
        Path("/proc/self/clear_refs").write_text("5")
        check_file(path)
        peaks[name] = status_mib("VmHWM") - idle
    # The first file again with its size check switched off in the worker: the reader itself asks for 512 GB.
    unchecked = sandbox.Limits(setup="from kizuna.checks import sources; sources.sheet_extent = lambda part: (1, 1)")
    with sandbox.Pool(size=1, limits=unchecked) as pool:
        Path("/proc/self/clear_refs").write_text("5")
        (problem,) = pool.read_tables(paths["last-cell-in-the-first-row"], ["sessions.csv"]).problems
        peaks["last-cell-in-the-first-row, unchecked"] = status_mib("VmHWM") - idle
    return {"idle": idle, **peaks, "unchecked problem": problem.message}


def status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field}")


def figures(sessions: int = 10_000) -> dict:
    from kizuna.checks.sandbox import MEMORY_LIMIT

    with tempfile.TemporaryDirectory() as tmp:
        year, large = write_workbooks(Path(tmp), sessions)
        result = {"2019": check_times(year, 101), "large": check_times(large, 7), "sessions": sessions}
        output = subprocess.run(
            [sys.executable, __file__, "--memory", tmp], capture_output=True, text=True, check=True
        ).stdout
    result["memory"] = json.loads(output)
    result["limit_mib"] = MEMORY_LIMIT / 2**20
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["--memory"]:
        print(json.dumps(memory(Path(sys.argv[2]))))
    else:
        print(json.dumps(figures(), indent=2))
