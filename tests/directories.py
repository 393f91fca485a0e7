"""Programs directories for the tests, made of copies of real program folders: the 2019 program and the fixtures."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "tests" / "fixtures" / "good"
SOURCES = {
    "2019": ROOT / "data" / "2019",
    "across-months": GOOD / "across-months",
    "across-years": GOOD / "across-years",
    "minimal": GOOD / "minimal",
    "hostile-text": GOOD / "hostile-text",
}
IDS = {
    "2019": "clair-seminar-2019",
    "across-months": "months-2030",
    "across-years": "years-2030",
    "minimal": "mini-2020",
    "hostile-text": "hostile-2020",  # the fixture shares minimal's id; its copy gets its own
}
TWO = ("2019", "across-months")
FIVE = ("2019", "across-months", "across-years", "minimal", "hostile-text")


def set_program_field(folder: Path, column: str, value: str) -> None:
    """Change one of a copied program's fields in program.csv, as the organiser would."""
    path = folder / "program.csv"
    with path.open(newline="", encoding="utf-8") as file:
        header, *rows = list(csv.reader(file))
    rows[0][header.index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows([header, *rows])


def edit_sessions(folder: Path, changes: dict[str, dict[str, str]]) -> None:
    """Change cells of sessions.csv, by session id and column, as the organiser would."""
    path = folder / "sessions.csv"
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    for row in rows:
        row.update(changes.get(row["id"], {}))
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def set_program_id(folder: Path, program_id: str) -> None:
    """Give a copied program another id."""
    set_program_field(folder, "id", program_id)


def programs_directory(folder: Path, names: tuple[str, ...] = TWO) -> Path:
    """A programs directory holding copies of the named programs, each in a folder of that name."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copytree(SOURCES[name], folder / name)
        if name == "hostile-text":
            set_program_id(folder / name, IDS[name])
    return folder


def edited_copy(source: Path, folder: Path) -> Path:
    """A copy of the minimal program as an organiser edits it in the seminar week: the Osaka Castle visit moved a day
    earlier with a time, the Tokyo lecture cancelled, the arrival removed, a lecture added; nothing else touched."""
    shutil.copytree(source, folder)
    path = folder / "sessions.csv"
    with path.open(newline="", encoding="utf-8") as file:
        header, *rows = list(csv.reader(file))
    column = {name: index for index, name in enumerate(header)}
    for row in rows:
        if row[0] == "visit-osaka-castle":
            row[column["date"]], row[column["start"]] = "2020-03-03", "10:00"
        if row[0] == "lecture-tourism":
            row[column["status"]] = "cancelled"
    added = dict.fromkeys(header, "")
    added |= {"id": "new-lecture", "date": "2020-03-04", "start": "14:00", "end": "15:00", "city": "osaka"}
    added |= {"venue": "osaka-castle", "title": "New lecture in Osaka", "kind": "lecture", "themes": "tourism"}
    added |= {"order": "2", "status": "confirmed", "revision": "0"}
    rows = [row for row in rows if row[0] != "arrival"] + [[added[name] for name in header]]
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows([header, *rows])
    return folder
