"""This tree's dashboard against another commit of it, same machine, same run: cold starts until the map and the
timeline are drawn (and until the map's picture is final, its land and any finer geometry it fetches drawn), and
the filter rerun at the built-in program. `python bench/run.py --against REV [--runs 7] [--reruns 21]`; with
`--ours REV2` commit REV2 stands in for this tree (`--ours HEAD --against HEAD` measures the noise).

A commit is checked out in a temporary git worktree. Its server runs there (bench/serving.py `start` with
that root, the working folder first on the path), so its app.py, kizuna and kizuna_app are the ones imported, which
Python's verbose import log of a started server confirms; its filter reruns run in a Python started there, with
its own bench/run.py `filter_change`. The two trees take turns, the order reversed every round.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.run import DRAWN, ROOT, cold_start
from bench.serving import start, stop, wait_healthy
from kizuna.config import STATIC_DIR_ENV

# "No slower than today", with room for noise: two checkouts of one commit, 7 turns each, came out 0.90–1.10× (map
# and timeline drawn) and 1.00–1.09× (filter rerun) in three runs, while other work kept 0.75–1 of the 2 cores busy.
TOLERANCE = 1.10
BUSY = 0.25  # cores kept busy by other processes during the run, on average, above which no verdict is given
QUIET = 1.0  # seconds a map's picture stays the same, no request open, before it counts as final
PREPARE = """
import json
import kizuna
from bench.run import ROOT, write_static
write_static(ROOT / "data" / "2019")
print(json.dumps(kizuna.__file__))
"""
RERUNS = """
import json, sys
from bench.run import APP, ROOT, filter_change
print(json.dumps(filter_change(APP, ROOT / "data" / "2019", int(sys.argv[1]))[0]))
"""


@dataclass(frozen=True)
class Tree:
    name: str  # "ours" or "theirs"
    label: str  # "this tree" or the commit
    root: Path

    @property
    def app(self) -> Path:
        return self.root / "app.py"


def git(*arguments: str) -> str:
    done = subprocess.run(["git", "-C", str(ROOT), *arguments], check=True, capture_output=True, text=True)
    return done.stdout.strip()


@contextmanager
def worktree(name: str, rev: str) -> Iterator[Tree]:
    """A checkout of `rev` in a temporary folder, removed afterwards."""
    label = git("rev-parse", "--short", rev)
    with tempfile.TemporaryDirectory(prefix="kizuna-against-") as tmp:
        folder = Path(tmp) / label
        git("worktree", "add", "--detach", "--quiet", str(folder), rev)
        try:
            yield Tree(name, label, folder)
        finally:
            git("worktree", "remove", "--force", str(folder))


def in_tree(tree: Tree, code: str, *arguments: object) -> object:
    """Run Python `code` in the tree (its folder first on the path, so its packages are imported); the last line it
    printed, read as JSON."""
    command = [sys.executable, "-c", code, *map(str, arguments)]
    done = subprocess.run(command, cwd=tree.root, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{tree.label}: {done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])


def prepare(tree: Tree) -> Path:
    """Byte-compile the tree (Python here writes no bytecode on import, and a fresh worktree has none, so a server
    started there would compile every module on each cold start), write its static files as the run command does;
    the kizuna package its own Python imports."""
    packages = ["app.py", "kizuna", "kizuna_app", "bench"]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *packages], cwd=tree.root, check=True)
    return Path(in_tree(tree, PREPARE)).parent


def served_kizuna(tree: Tree, timeout: float = 60) -> Path:
    """The kizuna package a server started in the tree imports, read from its verbose import log."""
    found = re.compile(r"(/\S*)/kizuna/__init__\.py")
    with tempfile.NamedTemporaryFile(suffix=".log") as log:
        process, url = start(tree.app, env={"PYTHONVERBOSE": "1"}, output=log, root=tree.root)
        try:
            wait_healthy(url, process)
            deadline = time.monotonic() + timeout
            while not (folders := set(found.findall(Path(log.name).read_text(errors="replace")))):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{tree.label}: the server imported no kizuna in {timeout:.0f} s")
                time.sleep(0.2)
        finally:
            stop(process)
    if len(folders) > 1:
        raise RuntimeError(f"{tree.label}: the server found kizuna in {sorted(folders)}")
    return Path(folders.pop(), "kizuna")


def descendants_cpu() -> float:
    """CPU seconds used so far by this process's descendants (live, exited unreaped, or reaped by one of them or by
    this process): the servers, the browser and the filter reruns' Pythons."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    used: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        pid = int(stat.parent.name)
        children.setdefault(int(fields[1]), []).append(pid)
        used[pid] = sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    total, waiting = 0, list(children.get(os.getpid(), []))
    while waiting:
        pid = waiting.pop()
        total += used[pid]
        waiting += children.get(pid, [])
    mine = os.times()
    return total / ticks + mine.children_user + mine.children_system


def busy_cpu() -> float:
    """CPU seconds the machine's cores have been busy (or taken by the host: steal) since boot."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    """CPU seconds this process and its descendants have used."""
    mine = os.times()
    return mine.user + mine.system + descendants_cpu()


class FinalPicture:
    """Watches a cold start's map after it is drawn until its picture stays the same for QUIET seconds with no request
    open (the land, and any finer geometry the map fetches, drawn): the seconds from the process start to the
    first screenshot of that final picture."""

    def __init__(self) -> None:
        self.open: set = set()
        self.seconds: float | None = None
        self.shots: list[float] = []  # when each screenshot was taken: their spacing is the figure's resolution

    def opened(self, page) -> None:
        page.on("request", lambda request: self.open.add(request))
        page.on("requestfinished", lambda request: self.open.discard(request))
        page.on("requestfailed", lambda request: self.open.discard(request))

    def drawn(self, page, began: float, timeout: float = 60) -> None:
        canvas = page.locator(DRAWN[0]).first
        picture, since = None, 0.0
        while not self.shots or self.shots[-1] - self.shots[0] < timeout:
            shot = canvas.screenshot()
            self.shots.append(time.perf_counter())
            if shot != picture:
                picture, since = shot, self.shots[-1]
            elif not self.open and self.shots[-1] - since >= QUIET:
                self.seconds = since - began
                return
        raise TimeoutError(f"the map's picture kept changing, or requests stayed open ({self.open}), for {timeout} s")


def cold_starts(browser, trees: list[Tree], runs: int) -> dict[str, dict[str, list[float]]]:
    """Each tree's cold starts to first render, to the map and timeline drawn, and to the map's final picture."""
    times = {tree.name: {"rendered": [], "drawn": [], "final": [], "shot": []} for tree in trees}
    for index in range(runs):
        for tree in trees if index % 2 == 0 else trees[::-1]:
            watch = FinalPicture()
            rendered, drawn = cold_start(browser, tree.app, root=tree.root, watch=watch)
            figures = times[tree.name]
            figures["rendered"].append(rendered)
            figures["drawn"].append(drawn)
            figures["final"].append(watch.seconds)
            figures["shot"].append(statistics.median(b - a for a, b in itertools.pairwise(watch.shots)))
    return times


def reruns(trees: list[Tree], rounds: int, repeats: int) -> dict[str, list[float]]:
    """Each tree's median filter rerun at the built-in program, one fresh process per tree and round."""
    times: dict[str, list[float]] = {tree.name: [] for tree in trees}
    for index in range(rounds):
        for tree in trees if index % 2 == 0 else trees[::-1]:
            times[tree.name].append(in_tree(tree, RERUNS, repeats))
    return times


def figures(browser, rev: str, runs: int, repeats: int, ours: str | None = None) -> dict:
    """This tree (or commit `ours`) and commit `rev`: labels, the kizuna each imports, filter reruns and cold starts,
    by "ours" and "theirs"; and the cores other processes kept busy meanwhile, on average (the machine is shared)."""
    if os.environ.get(STATIC_DIR_ENV):
        raise SystemExit(f"unset ${STATIC_DIR_ENV}: each tree serves the static folder of its own checkout")
    with ExitStack() as stack:
        trees = [
            stack.enter_context(worktree("ours", ours)) if ours else Tree("ours", "this tree", ROOT),
            stack.enter_context(worktree("theirs", rev)),
        ]
        imported = {tree.name: (prepare(tree), served_kizuna(tree)) for tree in trees}
        for tree in trees:
            if any(path.resolve() != (tree.root / "kizuna").resolve() for path in imported[tree.name]):
                raise RuntimeError(f"{tree.label} imported kizuna from {imported[tree.name]}, not {tree.root}")
        began, busy, own = time.perf_counter(), busy_cpu(), own_cpu()
        found = {"labels": {tree.name: tree.label for tree in trees}, "imported": imported}
        found |= {"rerun": reruns(trees, runs, repeats), "cold": cold_starts(browser, trees, runs)}
        others = (busy_cpu() - busy - (own_cpu() - own)) / (time.perf_counter() - began)
        return found | {"others": others}
