"""Publishing a workbook to the store (SQLite): time and peak memory, each publish in a fresh process.

`python bench/publish.py WORKBOOK DATABASE_URL` publishes once and prints its seconds and how far the publish
raised the process's RSS above what it was after the imports and opening the store (as bench/workbooks.py
measures validating the same workbook, the reference: what a publish must do at least).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(workbook: Path, url: str) -> dict:
    """Seconds, peak MiB and whether a version was created, publishing `workbook` in a fresh process."""
    output = subprocess.run(
        [sys.executable, __file__, str(workbook), url], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output)


def figures(sessions: int, folder: Path, runs: int = 5) -> dict[str, tuple[float, float]]:
    """Median seconds and peak MiB of: a first publish (a new database each time), publishing the same workbook
    again (unchanged), and validating it; taking turns."""
    from bench import workbooks
    from bench.synthetic import write_program
    from kizuna.loading import OPTIONAL_FILES, SCHEMA
    from kizuna.sources import read_tables
    from kizuna.workbook import write_workbook

    csv_folder = write_program(folder / "program", sessions)
    workbook = folder / "program.xlsx"
    write_workbook(read_tables(csv_folder, list(SCHEMA), OPTIONAL_FILES).records, workbook)
    results: dict[str, list[tuple[float, float]]] = {"publish": [], "unchanged": [], "validate": []}
    for run in range(runs):
        url = f"sqlite:///{folder / f'store-{run}.sqlite3'}"
        for name, expected in (("publish", True), ("unchanged", False)):
            found = measure(workbook, url)
            assert found["created"] is expected, found
            results[name].append((found["seconds"], found["peak_mib"]))
        results["validate"].append(workbooks.measure(workbook))
    return {
        name: (statistics.median(r[0] for r in found), statistics.median(r[1] for r in found))
        for name, found in results.items()
    }


def main(path: str, url: str) -> None:
    sys.path.insert(0, str(ROOT))
    import python_calamine  # noqa: F401  (what a publish imports, so that "after the imports" counts it)

    import kizuna.workbook  # noqa: F401
    from bench.workbooks import status_mib
    from kizuna.store import Store

    store = Store(url)  # the schema is made before the clock starts
    Path("/proc/self/clear_refs").write_text("5")  # Linux: the peak (VmHWM) starts again from the current RSS
    before = status_mib("VmRSS")
    began = time.perf_counter()
    published = store.publish(Path(path))
    seconds = time.perf_counter() - began
    print(json.dumps({"seconds": seconds, "peak_mib": status_mib("VmHWM") - before, "created": published.created}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
