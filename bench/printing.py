"""Printing itineraries (kizuna print): the 2019 program warm, 100 against 1,000 sessions, and the peak memory
of printing 10,000 sessions.

The peak is measured in a fresh interpreter (`python bench/printing.py FOLDER`): how far printing the whole
program raised the process's RSS above what it was with the libraries imported and the program loaded.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://kizuna.example.org/"


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """Median of `runs` timed calls, after one untimed call (fonts and basemap read, code warm)."""
    action()
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def whole_program(folder: Path, paper: str = "a4") -> Callable[[], bytes]:
    from kizuna.checks.loading import load_program
    from kizuna.printing.itinerary import print_view
    from kizuna.views.share import View

    program = load_program(folder)
    return lambda: print_view(program, View(), BASE, paper)


def pages(data: bytes) -> int:
    return int(data.split(b"/Count ", 1)[1].split(b"\n", 1)[0])


def figures(folder: Path, runs: int = 11) -> dict[str, tuple]:
    """Seconds (and pages, bytes) of each print; MiB and seconds of the 10,000-session one in a fresh process."""
    from bench.synthetic import write_program

    found: dict[str, tuple] = {}
    for name, source, paper, times in (
        ("2019 a4", ROOT / "data" / "2019", "a4", runs),
        ("2019 a6", ROOT / "data" / "2019", "a6", runs),
        ("100", write_program(folder / "p100", 100), "a4", 5),
        ("1000", write_program(folder / "p1000", 1_000), "a4", 3),
    ):
        action = whole_program(source, paper)
        data = action()
        found[name] = (median_seconds(action, times), pages(data), len(data))
    output = subprocess.run(
        [sys.executable, __file__, str(write_program(folder / "p10000", 10_000))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    measured = json.loads(output)
    found["10000"] = (measured["seconds"], measured["pages"], measured["bytes"], measured["peak_mib"])
    return found


def main(folder: str) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.workbooks import status_mib

    action = whole_program(Path(folder))
    Path("/proc/self/clear_refs").write_text("5")  # Linux: the peak (VmHWM) starts again from the current RSS
    before = status_mib("VmRSS")
    began = time.perf_counter()
    data = action()
    seconds = time.perf_counter() - began
    figures = {"seconds": seconds, "pages": pages(data), "bytes": len(data)}
    print(json.dumps(figures | {"peak_mib": status_mib("VmHWM") - before}))


if __name__ == "__main__":
    main(sys.argv[1])
