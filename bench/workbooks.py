"""Validating a program brought as an .xlsx workbook against the same program as a CSV folder: time and peak memory.

Each measurement runs in a fresh interpreter (`python bench/workbooks.py PATH`); its peak memory is
how far that one validation raised the process's RSS above what it was after the imports.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(path: Path) -> tuple[float, float]:
    """Seconds to validate `path`, and the process's peak RSS in MiB."""
    output = subprocess.run(
        [sys.executable, __file__, str(path)], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    figures = json.loads(output)
    return figures["seconds"], figures["peak_mib"]


def compare(folder: Path, workbook: Path, runs: int = 5) -> dict[str, tuple[float, float]]:
    """Median seconds and peak MiB of each, taking turns."""
    results: dict[str, list[tuple[float, float]]] = {"folder": [], "workbook": []}
    for _ in range(runs):
        results["folder"].append(measure(folder))
        results["workbook"].append(measure(workbook))
    return {
        name: (statistics.median(r[0] for r in runs_), statistics.median(r[1] for r in runs_))
        for name, runs_ in results.items()
    }


def figures(sessions: int, folder: Path) -> dict[str, tuple[float, float]]:
    """Write a synthetic program of `sessions` as a folder and as a workbook, and compare validating each."""
    from bench.synthetic import write_program
    from kizuna.checks.loading import OPTIONAL_FILES, SCHEMA
    from kizuna.checks.sources import read_tables
    from kizuna.checks.workbook import write_workbook

    csv_folder = write_program(folder / "program", sessions)
    workbook = folder / "program.xlsx"
    write_workbook(read_tables(csv_folder, list(SCHEMA), OPTIONAL_FILES).records, workbook)
    return compare(csv_folder, workbook)


def main(path: str) -> None:
    sys.path.insert(0, str(ROOT))
    import python_calamine  # noqa: F401  (what reading a workbook imports, so "imports only" counts it too)

    from kizuna.checks.loading import read_source

    Path("/proc/self/clear_refs").write_text("5")  # Linux: the peak (VmHWM) starts again from the current RSS
    before = status_mib("VmRSS")
    began = time.perf_counter()
    reading = read_source(Path(path))
    seconds = time.perf_counter() - began
    if reading.problems:
        raise SystemExit(f"{path}: {len(reading.problems)} problem(s), first: {reading.problems[0]}")
    print(json.dumps({"seconds": seconds, "peak_mib": status_mib("VmHWM") - before}))


def status_mib(field: str, pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field}")


if __name__ == "__main__":
    main(sys.argv[1])
