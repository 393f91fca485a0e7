"""Independent calendar programs that read our .ics files: ical.js (Node) and calcurse."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

JS_DIR = Path(__file__).parent / "js"


def ical_js_events(path: Path) -> dict:
    """The calendar as ical.js reads it; fails the test on a parse error or a floating TZID."""
    result = subprocess.run(
        ["node", str(JS_DIR / "read_ics.mjs"), str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"ical.js rejected {path}: {result.stderr}"
    return json.loads(result.stdout)


def calcurse_days(path: Path, first: str, days: int) -> Counter[tuple[str, str]]:
    """(ISO date, title) of every item calcurse shows after importing the file under TZ=UTC."""
    env = {**os.environ, "TZ": "UTC"}
    with tempfile.TemporaryDirectory() as home:
        imported = subprocess.run(
            ["calcurse", "-D", home, "-i", str(path)], capture_output=True, text=True, env=env, timeout=120
        )
        assert imported.returncode == 0, f"calcurse skipped items of {path}: {imported.stdout}{imported.stderr}"
        query = ["calcurse", "-D", home, "--input-datefmt", "4", "-Q", "--from", first, "--days", str(days)]
        query += ["--format-event", "%m\n", "--format-apt", "%m\n", "--format-recur-event", "%m\n"]
        query += ["--format-recur-apt", "%m\n"]
        shown = subprocess.run(query, capture_output=True, text=True, env=env, timeout=120, check=True).stdout
    found: Counter[tuple[str, str]] = Counter()
    day = ""
    for line in shown.splitlines():
        if re.fullmatch(r"\d\d/\d\d/\d\d:", line):
            day = datetime.strptime(line[:-1], "%m/%d/%y").date().isoformat()
        elif line.strip():
            found[(day, line)] += 1
    return found


def have(program: str) -> bool:
    return shutil.which(program) is not None


def require(program: str) -> None:
    """Skip when a checker program is missing locally; under CI=true a missing program is a failure."""
    if not have(program):
        missing(f"{program} is not installed", "scripts/test installs it")


def require_file(path: Path, how: str) -> None:
    """Skip when a checker's file (say, a script from tests/js) is missing; under CI=true that is a failure."""
    if not path.is_file():
        missing(f"{path} is missing", how)


def missing(what: str, how: str) -> None:
    """A local run skips, so the rest of the suite still runs; CI must not pass with a checker missing."""
    import pytest

    if os.environ.get("CI") == "true":
        pytest.fail(f"{what}; {how}")
    pytest.skip(f"{what} ({how})")


def khal_events(path: Path, first: str, last: str) -> list[tuple[str, ...]]:
    """(ISO date, title, UID) of every event khal lists after `khal import --batch` of the file."""
    return khal_list([path], first, last, "{start-date}|{title}|{uid}")


def khal_list(paths: Sequence[Path], first: str, last: str, fields: str, zone: str = "UTC") -> list[tuple[str, ...]]:
    """The events khal lists from `first` to `last` (`fields`: its format, `|`-separated) after importing the files
    one after another into one calendar, as a participant re-importing a newer file does."""
    with tempfile.TemporaryDirectory() as home:
        calendar = Path(home) / "calendar"
        calendar.mkdir()
        config = Path(home) / "config"
        config.write_text(
            f"[calendars]\n[[kizuna]]\npath = {calendar}\ntype = calendar\n"
            "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
            "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
            f"local_timezone = {zone}\ndefault_timezone = {zone}\n",
            encoding="utf-8",
        )
        base = ["khal", "-c", str(config)]
        for path in paths:
            imported = subprocess.run(
                [*base, "import", "--batch", "-a", "kizuna", str(path)], capture_output=True, text=True, timeout=120
            )
            assert imported.returncode == 0, f"khal could not import {path}: {imported.stderr}"
        listing = [*base, "list", "--format", fields, first, last]
        shown = subprocess.run(listing, capture_output=True, text=True, check=True, timeout=120).stdout
    count = fields.count("|")
    return [tuple(line.split("|", count)) for line in shown.splitlines() if line.count("|") >= count]
