"""Read a program folder of CSV files, collecting every problem instead of stopping at the first."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kizuna.model import (
    CONFIDENCES,
    KINDS,
    LOGISTICS_KINDS,
    PRECISIONS,
    STATUSES,
    City,
    Country,
    Program,
    Session,
    Theme,
    Venue,
)

PROGRAM_ENV = "KIZUNA_PROGRAM"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a data file, located the way a spreadsheet shows it (header = row 1)."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        return f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class ProgramInvalid(Exception):
    """Raised by `load_program` with every problem found."""

    def __init__(self, folder: Path, problems: list[Problem]) -> None:
        super().__init__(f"{folder}: {len(problems)} problem(s)")
        self.folder = folder
        self.problems = problems


def default_program_dir() -> Path:
    """The folder named by $KIZUNA_PROGRAM, else the built-in 2019 program of this checkout."""
    if os.environ.get(PROGRAM_ENV):
        return Path(os.environ[PROGRAM_ENV])
    return Path(__file__).resolve().parent.parent / "data" / "2019"


def load_program(folder: Path | str | None = None) -> Program:
    """Load a program folder or raise `ProgramInvalid` listing every problem."""
    folder = Path(folder) if folder is not None else default_program_dir()
    program, problems = read_program(folder)
    if problems or program is None:
        raise ProgramInvalid(folder, problems)
    return program


def validate_program(folder: Path | str) -> list[Problem]:
    return read_program(Path(folder))[1]


# Cell parsers: each returns the value or raises ValueError with a plain message.


def parse_text(cell: str) -> str:
    return CONTROL.sub("", cell).strip()


def parse_slug(cell: str) -> str:
    if not SLUG.match(cell):
        raise ValueError(f"{cell!r} is not a slug (lower-case letters, digits and single hyphens)")
    return cell


def parse_date(cell: str) -> date:
    try:
        return date.fromisoformat(cell)
    except ValueError:
        raise ValueError(f"{cell!r} is not a date (YYYY-MM-DD)") from None


def parse_time(cell: str) -> time:
    if not re.fullmatch(r"\d{2}:\d{2}", cell):
        raise ValueError(f"{cell!r} is not a time (HH:MM, 24-hour)")
    try:
        return time.fromisoformat(cell)
    except ValueError:
        raise ValueError(f"{cell!r} is not a time (HH:MM, 24-hour)") from None


def parse_utc(cell: str) -> datetime:
    try:
        value = datetime.fromisoformat(cell)
    except ValueError:
        raise ValueError(f"{cell!r} is not a date-time (YYYY-MM-DDTHH:MM:SSZ)") from None
    if value.tzinfo is None:
        raise ValueError(f"{cell!r} has no UTC offset (end it with Z)")
    return value.astimezone(UTC)


def parse_zone(cell: str) -> str:
    try:
        ZoneInfo(cell)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{cell!r} is not a known IANA time zone (e.g. Asia/Tokyo)") from None
    return cell


def parse_colour(cell: str) -> str:
    if not COLOUR.match(cell):
        raise ValueError(f"{cell!r} is not a colour (#RRGGBB)")
    return cell.upper()


def parse_slugs(cell: str) -> tuple[str, ...]:
    return tuple(parse_slug(part.strip()) for part in cell.split(";") if part.strip())


def number_between(low: float, high: float) -> Callable[[str], float]:
    def parse(cell: str) -> float:
        try:
            value = float(cell)
        except ValueError:
            raise ValueError(f"{cell!r} is not a number") from None
        if not low <= value <= high:
            raise ValueError(f"{cell} is out of range ({low:g} to {high:g})")
        return value

    return parse


def whole_number(cell: str) -> int:
    if not re.fullmatch(r"\d+", cell):
        raise ValueError(f"{cell!r} is not a whole number (0 or more)")
    return int(cell)


def one_of(allowed: Iterable[str]) -> Callable[[str], str]:
    allowed = tuple(allowed)

    def parse(cell: str) -> str:
        if cell not in allowed:
            raise ValueError(f"{cell!r} is not one of: {', '.join(allowed)}")
        return cell

    return parse


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any] = parse_text
    required: bool = True


LAT = number_between(-90, 90)
LON = number_between(-180, 180)

SCHEMA: dict[str, tuple[Column, ...]] = {
    "program.csv": (
        Column("id", parse_slug),
        Column("title"),
        Column("short_title", required=False),
        Column("start_date", parse_date),
        Column("end_date", parse_date),
        Column("timezone", parse_zone),
        Column("organiser"),
        Column("updated", parse_utc),
        Column("summary", required=False),
        Column("source", required=False),
    ),
    "themes.csv": (
        Column("slug", parse_slug),
        Column("label"),
        Column("colour", parse_colour),
        Column("group", one_of(("seminar", "topic"))),
        Column("description", required=False),
    ),
    "cities.csv": (
        Column("slug", parse_slug),
        Column("name"),
        Column("name_ja", required=False),
        Column("prefecture", required=False),
        Column("lat", LAT),
        Column("lon", LON),
    ),
    "venues.csv": (
        Column("id", parse_slug),
        Column("name"),
        Column("name_ja", required=False),
        Column("address", required=False),
        Column("city", parse_slug),
        Column("lat", LAT),
        Column("lon", LON),
        Column("precision", one_of(PRECISIONS)),
        Column("confidence", one_of(CONFIDENCES)),
        Column("source"),
        Column("note", required=False),
    ),
    "sessions.csv": (
        Column("id", parse_slug),
        Column("date", parse_date, required=False),  # checked with start: "a time needs a date"
        Column("start", parse_time, required=False),
        Column("end", parse_time, required=False),
        Column("city", parse_slug),
        Column("to_city", parse_slug, required=False),
        Column("venue", parse_slug),
        Column("title"),
        Column("description", required=False),
        Column("kind", one_of(KINDS)),
        Column("themes", parse_slugs, required=False),
        Column("order", whole_number),
        Column("status", one_of(STATUSES)),
        Column("revision", whole_number),
    ),
    "countries.csv": (
        Column("country"),
        Column("capital"),
        Column("lat", LAT),
        Column("lon", LON),
        Column("timezone", parse_zone),
    ),
}
KEY_COLUMN = {"program.csv": "id", "themes.csv": "slug", "cities.csv": "slug", "venues.csv": "id"}
KEY_COLUMN |= {"sessions.csv": "id", "countries.csv": "country"}
OPTIONAL_FILES = {"countries.csv"}

Row = tuple[int, dict[str, Any]]


def read_text(path: Path, problems: list[Problem]) -> str | None:
    """The file's text, or None with a problem when it is missing or not UTF-8."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(path.name, None, None, "file is missing"))
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        message = f"file is not UTF-8 (byte 0x{byte:02x}); save it as 'CSV UTF-8'"
        problems.append(Problem(path.name, row, None, message))
        return None


def read_table(folder: Path, name: str, problems: list[Problem]) -> list[Row]:
    """Parse one CSV against its schema; a row with any bad cell is reported and left out."""
    if name in OPTIONAL_FILES and not (folder / name).exists():
        return []
    text = read_text(folder / name, problems)
    if text is None:
        return []
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records or not any(cell.strip() for cell in records[0]):
        problems.append(Problem(name, 1, None, "file has no header row"))
        return []
    header = [cell.strip() for cell in records[0]]
    columns = SCHEMA[name]
    known = {column.name for column in columns}
    missing = [column.name for column in columns if column.name not in header]
    for column_name in missing:
        problems.append(Problem(name, 1, column_name, "column is missing"))
    for column_name in header:
        if column_name not in known:
            problems.append(Problem(name, 1, column_name or "(blank)", f"unknown column; expected {', '.join(known)}"))
    if missing:
        return []
    position = {column_name: header.index(column_name) for column_name in known}
    rows: list[Row] = []
    for row_number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        values = parse_record(name, row_number, record, columns, position, problems)
        if values is not None:
            rows.append((row_number, values))
    return rows


def parse_record(
    name: str,
    row_number: int,
    record: list[str],
    columns: tuple[Column, ...],
    position: dict[str, int],
    problems: list[Problem],
) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    ok = True
    for column in columns:
        index = position[column.name]
        cell = record[index].strip() if index < len(record) else ""
        if not cell:
            if column.required:
                problems.append(Problem(name, row_number, column.name, "required value is empty"))
                ok = False
            values[column.name] = None
            continue
        try:
            values[column.name] = column.parse(cell)
        except ValueError as error:
            problems.append(Problem(name, row_number, column.name, str(error)))
            ok = False
    return values if ok else None


def unique_rows(name: str, rows: list[Row], problems: list[Problem]) -> list[Row]:
    """Drop rows whose key repeats an earlier row, reporting each repeat."""
    key = KEY_COLUMN[name]
    first_row: dict[Any, int] = {}
    kept: list[Row] = []
    for row_number, values in rows:
        if values[key] in first_row:
            message = f"duplicate {key} {values[key]!r} (first on row {first_row[values[key]]})"
            problems.append(Problem(name, row_number, key, message))
            continue
        first_row[values[key]] = row_number
        kept.append((row_number, values))
    return kept


def read_program(folder: Path) -> tuple[Program | None, list[Problem]]:
    """Parse and cross-check every file; the program is None whenever any problem was found."""
    problems: list[Problem] = []
    if not folder.is_dir():
        return None, [Problem(str(folder), None, None, "program folder not found")]
    tables = {name: unique_rows(name, read_table(folder, name, problems), problems) for name in SCHEMA}
    meta = read_meta(tables["program.csv"], problems)
    themes = {v["slug"]: Theme(**clean(v)) for _, v in tables["themes.csv"]}
    cities = {v["slug"]: City(**clean(v)) for _, v in tables["cities.csv"]}
    venues = {v["id"]: Venue(**clean(v)) for _, v in check_venues(tables["venues.csv"], cities, problems)}
    sessions = check_sessions(tables["sessions.csv"], meta, themes, cities, venues, problems)
    countries = tuple(Country(**v) for _, v in tables["countries.csv"])
    if problems or meta is None:
        return None, sorted(problems, key=problem_order)
    program = Program(**meta, themes=themes, cities=cities, venues=venues, sessions=sessions, countries=countries)
    return program, []


def problem_order(problem: Problem) -> tuple:
    files = list(SCHEMA)
    return (files.index(problem.file) if problem.file in files else -1, problem.row or 0, problem.column or "")


def clean(values: dict[str, Any]) -> dict[str, Any]:
    """Optional text cells left empty become ''."""
    return {key: "" if value is None else value for key, value in values.items()}


def read_meta(rows: list[Row], problems: list[Problem]) -> dict[str, Any] | None:
    if len(rows) != 1:
        if rows or not any(p.file == "program.csv" for p in problems):
            problems.append(Problem("program.csv", None, None, f"needs exactly one program row, found {len(rows)}"))
        return None
    row_number, values = rows[0]
    if values["end_date"] < values["start_date"]:
        problems.append(Problem("program.csv", row_number, "end_date", "end_date is before start_date"))
    meta = clean(values)
    meta["short_title"] = meta["short_title"] or meta["title"]
    return meta


def check_venues(rows: list[Row], cities: dict[str, City], problems: list[Problem]) -> list[Row]:
    def check(values: dict[str, Any]) -> list[tuple[str, str]]:
        return [] if values["city"] in cities else [("city", unknown("city", values["city"], cities))]

    return keep_checked("venues.csv", rows, check, problems)


def keep_checked(
    name: str, rows: list[Row], check: Callable[[dict[str, Any]], list[tuple[str, str]]], problems: list[Problem]
) -> list[Row]:
    """Rows that pass `check`; each (column, message) it returns becomes a problem."""
    kept = []
    for row_number, values in rows:
        found = check(values)
        problems.extend(Problem(name, row_number, column, message) for column, message in found)
        if not found:
            kept.append((row_number, values))
    return kept


def unknown(what: str, value: str, known: Iterable[str]) -> str:
    return f"unknown {what} {value!r}; known: {', '.join(sorted(known)) or '(none)'}"


def check_sessions(
    rows: list[Row],
    meta: dict[str, Any] | None,
    themes: dict[str, Theme],
    cities: dict[str, City],
    venues: dict[str, Venue],
    problems: list[Problem],
) -> tuple[Session, ...]:
    def check(v: dict[str, Any]) -> list[tuple[str, str]]:
        found = []
        if v["city"] not in cities:
            found.append(("city", unknown("city", v["city"], cities)))
        if v["to_city"] and v["to_city"] not in cities:
            found.append(("to_city", unknown("city", v["to_city"], cities)))
        if v["kind"] == "transfer" and not v["to_city"]:
            found.append(("to_city", "a transfer needs the city it goes to"))
        if v["kind"] != "transfer" and v["to_city"]:
            found.append(("to_city", "only a transfer has a to_city"))
        if v["venue"] not in venues:
            found.append(("venue", unknown("venue", v["venue"], venues)))
        elif v["city"] in cities and venues[v["venue"]].city != v["city"]:
            found.append(("venue", f"venue {v['venue']!r} is in {venues[v['venue']].city}, not {v['city']}"))
        found += [("themes", unknown("theme", slug, themes)) for slug in v["themes"] or () if slug not in themes]
        if not v["themes"] and v["kind"] not in LOGISTICS_KINDS:
            found.append(("themes", f"a {v['kind']} needs at least one theme"))
        if v["end"] and not v["start"]:
            found.append(("end", "an end time needs a start time"))
        if v["start"] and v["end"] and v["end"] <= v["start"]:
            found.append(("end", f"end {v['end']:%H:%M} is not after start {v['start']:%H:%M}"))
        if v["date"] is None:
            found.append(("date", "a time needs a date" if v["start"] else "required value is empty"))
        elif meta and not meta["start_date"] <= v["date"] <= meta["end_date"]:
            span = f"{meta['start_date']} to {meta['end_date']}"
            found.append(("date", f"{v['date']} is outside the program's dates ({span})"))
        return found

    kept = keep_checked("sessions.csv", rows, check, problems)
    sessions = (Session(**{**clean(v), "themes": v["themes"] or (), **times(v)}) for _, v in kept)
    return tuple(sorted(sessions, key=lambda session: session.sort_key))


def times(values: dict[str, Any]) -> dict[str, Any]:
    return {"start": values["start"], "end": values["end"], "to_city": values["to_city"] or None}
