"""Publishing a workbook to the store (SQLite) against validating it as `kizuna validate` does: time and peak
memory, each in a fresh process.

`python bench/publish.py WORKBOOK DATABASE_URL` publishes once (`python bench/publish.py WORKBOOK` only checks it)
and prints its seconds, how far it raised the process's RSS above what it was after the imports and opening the
store, and the peak RSS of the worker that read the file (kizuna.checks.sandbox): both read it there.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(workbook: Path, url: str = "") -> dict:
    """Seconds, peak MiB (this process, and the worker) and whether a version was created, publishing `workbook`
    in a fresh process (without a URL: validating it)."""
    output = subprocess.run(
        [sys.executable, __file__, str(workbook), *([url] if url else [])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output)


def figures(sessions: int, folder: Path, runs: int = 5) -> dict[str, tuple[float, float]]:
    """Median seconds and peak MiB of: a first publish (a new database each time), publishing the same workbook
    again (unchanged), and validating it; taking turns."""
    from bench.synthetic import write_program
    from kizuna.checks.loading import OPTIONAL_FILES, SCHEMA
    from kizuna.checks.sources import read_tables
    from kizuna.checks.workbook import write_workbook

    csv_folder = write_program(folder / "program", sessions)
    workbook = folder / "program.xlsx"
    write_workbook(read_tables(csv_folder, list(SCHEMA), OPTIONAL_FILES).records, workbook)
    results: dict[str, list[tuple[float, float, float]]] = {"publish": [], "unchanged": [], "validate": []}
    for run in range(runs):
        url = f"sqlite:///{folder / f'store-{run}.sqlite3'}"
        for name, expected in (("publish", True), ("unchanged", False), ("validate", None)):
            found = measure(workbook, url if expected is not None else "")
            assert found["created"] is expected, found
            results[name].append((found["seconds"], found["peak_mib"], found["worker_mib"]))
    return {name: tuple(statistics.median(r[i] for r in found) for i in range(3)) for name, found in results.items()}


def main(path: str, url: str = "") -> None:
    sys.path.insert(0, str(ROOT))
    import python_calamine  # noqa: F401  (what a publish imports, so that "after the imports" counts it)

    import kizuna.checks.workbook  # noqa: F401
    from bench.workbooks import status_mib
    from kizuna.checks import sandbox
    from kizuna.checks.loading import check_file
    from kizuna.publishing.store import Store

    store = Store(url) if url else None  # the schema is made before the clock starts
    Path("/proc/self/clear_refs").write_text("5")  # Linux: the peak (VmHWM) starts again from the current RSS
    before = status_mib("VmRSS")
    began = time.perf_counter()
    if store is not None:
        created = store.publish(Path(path)).created
    else:
        assert not check_file(Path(path)).problems
        created = None
    seconds = time.perf_counter() - began
    (worker,) = sandbox.POOL.idle.queue
    worker_mib = status_mib("VmHWM", worker.process.pid)
    found = {"seconds": seconds, "peak_mib": status_mib("VmHWM") - before, "worker_mib": worker_mib}
    print(json.dumps(found | {"created": created}))


if __name__ == "__main__":
    main(*sys.argv[1:3])
