"""Read a program (a folder of CSV files, a .zip of one, or an .xlsx workbook), collecting every problem."""

from __future__ import annotations

import difflib
import hashlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kizuna.checks.sources import WORKBOOK_SUFFIXES, Tables, left_out, read_tables
from kizuna.i18n import LANGUAGES, N_, language_tag, organisers
from kizuna.program.model import (
    CONFIDENCES,
    KINDS,
    LOGISTICS_KINDS,
    NO_TRANSLATIONS,
    PRECISIONS,
    STATUSES,
    City,
    Country,
    Program,
    Session,
    Theme,
    Translations,
    Venue,
    ordered,
)
from kizuna.program.problems import MAX_PROBLEMS, Problem, Said, said, shown
from kizuna.program.text import clean_text, cut, shortened

_ = organisers.gettext

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class ProgramInvalid(Exception):
    """Raised by `load_program` with every problem found."""

    def __init__(self, folder: Path, problems: list[Problem]) -> None:
        super().__init__(said(N_("{folder}: {count} problem(s)"), folder=str(folder), count=len(problems)))
        self.folder = folder
        self.problems = problems

    def __str__(self) -> str:
        return shown(self.args[0])


def data_hash(folder: Path) -> str:
    """A hash of the folder's CSV files (or of the zip or workbook): the same data gives the same version anywhere."""
    digest = hashlib.sha256()
    if folder.is_file():
        digest.update(folder.read_bytes())
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else ():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def load_program(folder: Path | str) -> Program:
    """Load a program folder or raise `ProgramInvalid` listing every problem."""
    folder = Path(folder)
    program, problems = read_program(folder)
    if problems or program is None:
        raise ProgramInvalid(folder, problems)
    return program


def validate_program(folder: Path | str) -> list[Problem]:
    return read_program(Path(folder))[1]


# Cell parsers: each returns the value or raises ValueError with a plain message (a `Said`, shown in the reader's
# language).


def parse_text(cell: str) -> str:
    return clean_text(cell).strip()


def parse_slug(cell: str) -> str:
    if not SLUG.match(cell):
        form = slug_form(cell)
        if form:
            message = N_("{value} is not a slug (lower-case letters, digits and single hyphens): write {form}")
            raise ValueError(said(message, value=repr(cell), form=form))
        message = N_("{value} is not a slug (lower-case letters, digits and single hyphens)")
        raise ValueError(said(message, value=repr(cell)))
    return cell


def slug_form(text: str) -> str | None:
    """The slug a name typed with capitals, spaces or underscores stands for ('Karato Market': 'karato-market')."""
    words = re.split(r"[\s_-]+", unicodedata.normalize("NFKC", text).lower())
    form = "-".join(word for word in words if word)
    return form if SLUG.match(form) else None


def parse_date(cell: str) -> date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell):
            raise ValueError
        return date.fromisoformat(cell)
    except ValueError:
        raise ValueError(said(N_("{value} is not a date (YYYY-MM-DD)"), value=repr(cell))) from None


def parse_time(cell: str) -> time:
    """HH:MM, also H:MM and HH:MM:00 as spreadsheets write them; a time typed another common way is named."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::00)?", cell)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        meant = time_meant(cell)
        if meant:
            raise ValueError(said(N_("{value} is not a time: write {time}"), value=repr(cell), time=f"{meant:%H:%M}"))
        raise ValueError(said(N_("{value} is not a time (HH:MM, 24-hour)"), value=repr(cell)))
    return time(int(match[1]), int(match[2]))


TYPED_TIMES = tuple(  # other ways a time gets typed; `tens` is a minute that lost its 0 (Excel keeps 9.30 as 9.3)
    re.compile(pattern)
    for pattern in (
        r"(?P<hour>\d{1,2})[.,h](?:(?P<minute>\d{2})|(?P<tens>\d))",  # 9.30, 9,30, 9h30, 9.3
        r"(?P<hour>\d{1,2})(?P<minute>\d{2})",  # 930, 0930
        r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<noon>[ap])\.?m\.?",  # 9:30 am, 9 PM, 9:30 p.m.
        r"(?P<noon>午前|午後)?\s*(?P<hour>\d{1,2})時(?:(?P<minute>\d{1,2})分?|(?P<half>半))?",  # 9時30分, 午後2時半
        r"0?(?P<day>\.\d{3,})",  # 0.3958333: Excel's own number for 09:30, a fraction of the day
    )
)


def time_meant(cell: str) -> time | None:
    """The time a cell typed another common way means ('9.30', '930', '9:30 pm', '9時30分'), if it means one."""
    text = unicodedata.normalize("NFKC", cell).strip().lower()
    match = next((found for pattern in TYPED_TIMES if (found := pattern.fullmatch(text))), None)
    if match is None:
        return None
    typed = match.groupdict()
    if typed.get("day"):
        hour, minute = divmod(round(float(typed["day"]) * 24 * 60), 60)
    else:
        hour, minute = int(typed["hour"]), int(typed.get("minute") or 0) + 10 * int(typed.get("tens") or 0)
        minute += 30 if typed.get("half") else 0
    noon = typed.get("noon")  # a 12-hour clock: 12 am is 00, 12 pm is 12
    if noon and not 1 <= hour <= 12:
        return None
    if noon:
        hour = hour % 12 + (12 if noon in ("p", "午後") else 0)
    return time(hour, minute) if hour <= 23 and minute <= 59 else None


def parse_utc(cell: str) -> datetime:
    try:
        value = datetime.fromisoformat(cell)
    except ValueError:
        raise ValueError(said(N_("{value} is not a date-time (YYYY-MM-DDTHH:MM:SSZ)"), value=repr(cell))) from None
    if value.tzinfo is None:
        raise ValueError(said(N_("{value} has no UTC offset (end it with Z)"), value=repr(cell)))
    try:
        return value.astimezone(UTC)
    except OverflowError:  # year 1 with a positive offset is before the first instant a datetime holds
        raise ValueError(said(N_("{value} is out of range (years 1 to 9999, in UTC)"), value=repr(cell))) from None


def parse_zone(cell: str) -> str:
    try:
        ZoneInfo(cell)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of the database ('Asia'), not a zone
        raise ValueError(
            said(N_("{value} is not a known IANA time zone (e.g. Asia/Tokyo)"), value=repr(cell))
        ) from None
    return cell


def parse_colour(cell: str) -> str:
    if not COLOUR.match(cell):
        raise ValueError(said(N_("{value} is not a colour (#RRGGBB)"), value=repr(cell)))
    return cell.upper()


def parse_slugs(cell: str) -> tuple[str, ...]:
    """Slugs separated by ';'; a list typed with commas or spaces is refused with the list it stands for."""
    parts = [part.strip() for part in cell.split(";") if part.strip()]
    listed = slug_list(parts)
    if listed:
        message = N_("{value} is not a list of theme slugs: separate them with ; ({slugs})")
        raise ValueError(said(message, value=repr(cell), slugs=listed))
    slugs = tuple(parse_slug(part) for part in parts)
    repeated = sorted(slug for slug, count in Counter(slugs).items() if count > 1)
    if repeated:
        raise ValueError(said(N_("{values} listed twice"), values=", ".join(map(repr, repeated))))
    return slugs


LANGUAGE_SEPARATORS = re.compile(r"[\s,;、]+")


def parse_languages(cell: str) -> tuple[str, ...]:
    """BCP 47 tags separated by spaces (`en ja`), the program's own language first; each as Kizuna names it
    (`ja-JP` is ja, `zh-Hans` zh)."""
    found: list[str] = []
    for tag in LANGUAGE_SEPARATORS.split(cell.strip()):
        lang = language_tag(tag)
        if lang is None:
            message = N_("{tag} is not a language Kizuna knows; write tags separated by spaces, from: {known}")
            raise ValueError(said(message, tag=shortened(tag), known=" ".join(LANGUAGES)))
        if lang in found:
            raise ValueError(said(N_("{tag} is listed twice (as {language})"), tag=shortened(tag), language=lang))
        found.append(lang)
    return tuple(found)


def slug_list(parts: list[str]) -> str | None:
    """'tourism;culture' for parts separated by commas or spaces ('tourism, culture'); None for any other mistake."""
    split = [[word for word in re.split(r"[,、\s]+", unicodedata.normalize("NFKC", part)) if word] for part in parts]
    if all(len(words) < 2 for words in split):
        return None
    forms = [slug_form(word) for words in split for word in words]
    return ";".join(forms) if all(forms) else None


def number_between(low: float, high: float) -> Callable[[str], float]:
    def parse(cell: str) -> float:
        try:
            value = float(cell)
            if not math.isfinite(value):
                raise ValueError
        except ValueError:
            raise ValueError(said(N_("{value} is not a number"), value=repr(cell))) from None
        if not low <= value <= high:
            message = N_("{value} is out of range ({low} to {high})")
            raise ValueError(said(message, value=cell, low=f"{low:g}", high=f"{high:g}"))
        return value

    return parse


MAX_WHOLE_NUMBER = 2**31 - 1  # a calendar's SEQUENCE is a 32-bit integer (RFC 5545 §3.3.8)


def whole_number(cell: str) -> int:
    if not re.fullmatch(r"[0-9]+", cell):
        raise ValueError(said(N_("{value} is not a whole number (0 or more)"), value=repr(cell)))
    if len(cell) > len(str(MAX_WHOLE_NUMBER)) or int(cell) > MAX_WHOLE_NUMBER:
        value = cell if len(cell) <= 12 else f"{cell[:10]}…"
        raise ValueError(said(N_("{value} is out of range (0 to {high:,})"), value=value, high=MAX_WHOLE_NUMBER))
    return int(cell)


def one_of(allowed: Iterable[str]) -> Callable[[str], str]:
    allowed = tuple(allowed)

    def parse(cell: str) -> str:
        if cell not in allowed:
            guess = nearest(cell, allowed) if len(cell) <= MAX_GUESSED_CHARS else None
            if guess:
                message = N_("{value} is not one of: {allowed}; did you mean {guess}?")
                raise ValueError(said(message, value=shortened(cell), allowed=", ".join(allowed), guess=repr(guess)))
            raise ValueError(
                said(N_("{value} is not one of: {allowed}"), value=shortened(cell), allowed=", ".join(allowed))
            )
        return cell

    return parse


CLOSE = 0.75  # difflib's ratio for "did you mean": 0.6 would offer 'tokyo' for 'kyoto', 'osaka-castle' for 'osaka-dome'


@lru_cache(maxsize=1024)  # a value mistyped on every row of a long file is looked up once
def nearest(value: str, known: tuple[str, ...]) -> str | None:
    """The known value a mistyped one most likely meant ('karato-markt': 'karato-market'), if one is close."""
    found = difflib.get_close_matches(value.lower(), list(known), 1, CLOSE)
    return found[0] if found else None


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any] = parse_text
    required: bool = True
    added_later: bool = False  # files written before it existed lack it: an absent column reads as empty


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
        Column("languages", parse_languages, required=False, added_later=True),
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
        Column("address_ja", required=False, added_later=True),
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
# The columns people read, each of which may have a translation per language in a column `<column>_<language>`
# (`title_ja`); the rows' `translations` hold them. cities.csv and venues.csv have always had `name_ja`, the
# Japanese name (for addresses and the driver card): it is the Japanese translation of `name` too.
TRANSLATED = {
    "program.csv": ("title", "short_title", "summary"),
    "themes.csv": ("label", "description"),
    "cities.csv": ("name",),
    "venues.csv": ("name",),
    "sessions.csv": ("title", "description"),
    "countries.csv": ("country", "capital"),
}
JAPANESE_NAMES = {"cities.csv", "venues.csv"}  # files whose `name_ja` column is also `name`'s translation
COLUMN_NAMES = {name: {column.name for column in columns} for name, columns in SCHEMA.items()}

Row = tuple[int, dict[str, Any]]


@dataclass
class Table:
    """A file's good rows, plus the key of every row (good or bad) so references to a bad row are not
    reported a second time as unknown; its translation columns, and those that hold a text."""

    name: str
    rows: list[Row] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    readable: bool = False
    translations: dict[str, tuple[str, str]] = field(default_factory=dict)  # column -> (translated column, language)
    filled: set[str] = field(default_factory=set)  # translation columns with a text in any row


def translation_column(name: str, column: str) -> tuple[str, str] | None:
    """(translated column, language) for a translation column of the file `name` (`title_ja`), else None."""
    base, _, lang = column.rpartition("_")
    if lang in LANGUAGES and base in TRANSLATED.get(name, ()) and column not in COLUMN_NAMES[name]:
        return base, lang
    return None


def translation_mistake(name: str, column: str) -> Said | None:
    """What is wrong with a column that looks like a translation column but is not one: a tag Kizuna does not write
    that way (`title_JA`, `title_zh_hans`), a language it does not know (`title_de`), a column that is not
    translated (`kind_ja`)."""
    for base in TRANSLATED.get(name, ()):
        if column.startswith(f"{base}_"):
            tag = column.removeprefix(f"{base}_")
            lang = language_tag(tag)
            if lang is None:
                message = N_("{tag} is not a language Kizuna knows; translation columns end in one of: {known}")
                return said(message, tag=shortened(tag), known=", ".join(f"_{lang}" for lang in LANGUAGES))
            return said(
                N_("a translation column is named {column}: write {fixed}"), column=column, fixed=f"{base}_{lang}"
            )
    base, _, lang = column.rpartition("_")
    if lang in LANGUAGES and base:
        message = N_("{column} is not a column that has translations; in {file} those are: {columns}")
        return said(message, column=shortened(base), file=name, columns=", ".join(TRANSLATED.get(name, ())))
    return None


def read_table(source: Tables, name: str, problems: list[Problem]) -> Table:
    """Parse one table against its schema; a row with any bad cell is reported and left out."""
    table = Table(name)
    if name not in source.records:
        table.readable = name in OPTIONAL_FILES and not any(p.file == name for p in source.problems)
        return table
    records = source.records[name]
    if not records or not any(cell.strip() for cell in records[0]):
        problems.append(Problem(name, 1, None, said(N_("file has no header row"))))
        return table
    header = [cell.strip() for cell in records[0]]
    if not check_header(name, header, problems):
        return table
    columns = SCHEMA[name]
    position = {column.name: header.index(column.name) for column in columns if column.name in header}
    table.translations = {column: found for column in header if (found := translation_column(name, column))}
    translated = {column: header.index(column) for column in table.translations}
    table.readable = True
    for row_number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        key_cell = record[position[KEY_COLUMN[name]]].strip() if position[KEY_COLUMN[name]] < len(record) else ""
        table.keys.add(key_cell)
        if len(record) > len(header):
            message = N_("row has {cells} cells but the header has {columns}; quote cells that hold a comma")
            problems.append(Problem(name, row_number, None, said(message, cells=len(record), columns=len(header))))
            continue
        values = parse_record(name, row_number, record, columns, position, problems)
        texts = translation_texts(name, record, values, translated, table)
        if values is not None:
            table.rows.append((row_number, values | {"translations": texts}))
    return table


def translation_texts(
    name: str, record: list[str], values: dict[str, Any] | None, translated: dict[str, int], table: Table
) -> Translations:
    """A row's translations (`{"ja": {"title": "…"}}`), noting which translation columns hold a text."""
    texts: dict[str, dict[str, str]] = {}
    for column, index in translated.items():
        text = parse_text(record[index]) if index < len(record) else ""
        if text:
            base, lang = table.translations[column]
            texts.setdefault(lang, {})[base] = text
            table.filled.add(column)
    if name in JAPANESE_NAMES and values and values.get("name_ja"):
        texts.setdefault("ja", {})["name"] = values["name_ja"]
    return Translations(texts) if texts else NO_TRANSLATIONS


def check_header(name: str, header: list[str], problems: list[Problem]) -> bool:
    """Report missing, unknown and repeated columns; False when rows cannot be read."""
    expected = [column.name for column in SCHEMA[name]]
    known = [*expected, *(column for column in header if translation_column(name, column))]
    found = [
        Problem(name, 1, column.name, said(N_("column is missing")))
        for column in SCHEMA[name]
        if column.name not in header and not column.added_later
    ]
    found += [
        Problem(name, 1, column or "(blank)", unknown_column(name, column, expected))
        for column in header
        if column not in known
    ]
    found += [
        Problem(name, 1, column, said(N_("column appears more than once")))
        for index, column in enumerate(header)
        if column in known and column in header[:index]
    ]
    problems.extend(found)
    return not found


def unknown_column(name: str, column: str, expected: list[str]) -> Said:
    return translation_mistake(name, column) or said(
        N_("unknown column; expected {columns}"), columns=", ".join(expected)
    )


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
        index = position.get(column.name, len(record))
        cell = record[index].strip() if index < len(record) else ""
        if not cell:
            if column.required:
                problems.append(Problem(name, row_number, column.name, said(N_("required value is empty"))))
                ok = False
            values[column.name] = None
            continue
        try:
            values[column.name] = column.parse(cell)
        except ValueError as error:
            problems.append(Problem(name, row_number, column.name, message_of(error)))
            ok = False
    return values if ok else None


def message_of(error: ValueError) -> str:
    """A parser's message, kept a `Said` so it is shown in the reader's language."""
    message = error.args[0] if error.args else ""
    return message if isinstance(message, Said) else str(error)


def unique_rows(table: Table, problems: list[Problem]) -> list[Row]:
    """Drop rows whose key repeats an earlier row, reporting each repeat."""
    key = KEY_COLUMN[table.name]
    first_row: dict[Any, int] = {}
    kept: list[Row] = []
    for row_number, values in table.rows:
        if values[key] in first_row:
            message = N_("duplicate {column} {value} (first on row {row})")
            found = said(message, column=key, value=repr(values[key]), row=first_row[values[key]])
            problems.append(Problem(table.name, row_number, key, found))
            continue
        first_row[values[key]] = row_number
        kept.append((row_number, values))
    return kept


MAX_LISTED = 30  # known ids a message lists; a file of thousands would repeat them all in every problem
MAX_GUESSED_CHARS = 64  # ids longer than this are neither guessed nor offered as a guess
MAX_GUESS_WORK = 4_000_000  # characters × characters compared for "did you mean" per reference (about 0.3 s at most)


UNKNOWN = {  # (without a guess, with one) for each kind of reference
    "city": (
        N_("unknown city {value}; known: {known}"),
        N_("unknown city {value}; did you mean {guess}? known: {known}"),
    ),
    "venue": (
        N_("unknown venue {value}; known: {known}"),
        N_("unknown venue {value}; did you mean {guess}? known: {known}"),
    ),
    "theme": (
        N_("unknown theme {value}; known: {known}"),
        N_("unknown theme {value}; did you mean {guess}? known: {known}"),
    ),
}


class References:
    """Looks up ids in another file; a row that failed on its own is not reported again as unknown."""

    def __init__(self, what: str, table: Table, known: dict[str, Any]) -> None:
        self.what, self.table, self.known = what, table, known
        ids = sorted(known)
        more = f", … ({len(ids):,} in all)" if len(ids) > MAX_LISTED else ""
        self.listed = ", ".join(cut(i) for i in ids[:MAX_LISTED]) + more or "(none)"
        self.guesses: dict[str, str | None] = {}  # an id mistyped on many rows is looked up once
        self.candidates = tuple(i for i in known if len(i) <= MAX_GUESSED_CHARS)
        self.cost = sum(map(len, self.candidates))  # characters compared per guess, times the guessed id's
        self.work = 0

    def problem(self, column: str, value: str) -> tuple[str, str | None] | None:
        """None when the value is known; (column, None) to drop the row silently; else (column, message)."""
        if value in self.known:
            return None
        if not self.table.readable or value in self.table.keys:
            return column, None
        guess = self.guess(value)
        unknown, guessed = UNKNOWN[self.what]
        if guess:
            return column, said(guessed, value=shortened(value), guess=repr(guess), known=self.listed)
        return column, said(unknown, value=shortened(value), known=self.listed)

    def guess(self, value: str) -> str | None:
        """The nearest known id, within a budget of work for the whole file: difflib's cost grows with the product
        of the two lengths, so ids longer than any real one are neither guessed nor offered."""
        work = len(value) * self.cost
        if value not in self.guesses and len(value) <= MAX_GUESSED_CHARS and self.work + work <= MAX_GUESS_WORK:
            self.work += work
            self.guesses[value] = nearest(value, self.candidates)
        return self.guesses.get(value)


Check = Callable[[dict[str, Any]], list[tuple[str, str | None]]]


def keep_checked(name: str, rows: list[Row], check: Check, problems: list[Problem]) -> list[Row]:
    """Rows that pass `check`; each (column, message) it returns becomes a problem (None: already reported)."""
    kept = []
    for row_number, values in rows:
        found = check(values)
        problems.extend(Problem(name, row_number, column, message) for column, message in found if message)
        if not found:
            kept.append((row_number, values))
    return kept


class Found(list):
    """The problems found, the first MAX_PROBLEMS of them kept: a broken file of 50,000 rows can hold a million."""

    def __init__(self) -> None:
        super().__init__()
        self.more = 0

    def append(self, problem: Problem) -> None:
        if len(self) < MAX_PROBLEMS:
            super().append(problem)
        else:
            self.more += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)

    def __iadd__(self, problems: Iterable[Problem]) -> Found:
        self.extend(problems)
        return self

    def left_out(self) -> list[Problem]:
        return [left_out(self.more)] if self.more else []


@dataclass(frozen=True)
class Reading:
    """A program as read: None whenever any problem was found; notices are things ignored on the way; the tables
    as the file holds them (rows of text, header first), which a publish stores."""

    program: Program | None
    problems: list[Problem]
    notices: list[str]
    records: dict[str, list[list[str]]] = field(default_factory=dict)


def read_program(path: Path) -> tuple[Program | None, list[Problem]]:
    reading = read_source(path)
    return reading.program, reading.problems


def read_source(path: Path) -> Reading:
    """Parse and cross-check every table of a folder, zip or workbook; problems located in the organiser's file.

    For files the program's own host keeps (the programs directory, stored versions); an upload or any file from
    someone else is read with `check_file`."""
    return reading_of(read_tables(path, list(SCHEMA), OPTIONAL_FILES))


def check_file(path: Path) -> Reading:
    """`read_source` for an untrusted file: parsed in a worker process within limits (`kizuna.checks.sandbox`), then
    checked here, so the file cannot harm this process whatever it holds."""
    from kizuna.checks import sandbox

    return reading_of(sandbox.read_tables(path, list(SCHEMA), OPTIONAL_FILES))


def reading_of(source: Tables) -> Reading:
    program, problems = check_tables(source)
    located = [source.locate(problem) for problem in sorted(problems, key=problem_order)]
    located = [problem for problem in located if not source.reported(problem.cell)]
    return Reading(program, source.problems + located + problems.left_out(), source.notices, source.records)


def check_tables(source: Tables) -> tuple[Program | None, Found]:
    problems = Found()
    tables = {name: read_table(source, name, problems) for name in SCHEMA}
    rows = {name: unique_rows(table, problems) for name, table in tables.items()}
    meta = read_meta(tables["program.csv"], rows["program.csv"], problems)
    if meta is not None:
        check_languages(tables, meta["languages"], problems)
    themes = {v["slug"]: Theme(**clean(v)) for _, v in rows["themes.csv"]}
    cities = {v["slug"]: City(**clean(v)) for _, v in rows["cities.csv"]}
    city_refs = References("city", tables["cities.csv"], cities)

    def check_venue(v: dict[str, Any]) -> list[tuple[str, str | None]]:
        return [found for found in [city_refs.problem("city", v["city"])] if found]

    venues = {
        v["id"]: Venue(**clean(v)) for _, v in keep_checked("venues.csv", rows["venues.csv"], check_venue, problems)
    }
    refs = {
        "city": city_refs,
        "venue": References("venue", tables["venues.csv"], venues),
        "theme": References("theme", tables["themes.csv"], themes),
    }
    sessions = check_sessions(rows["sessions.csv"], meta, refs, problems)
    countries = tuple(Country(**v) for _, v in rows["countries.csv"])
    if problems or source.problems or meta is None:
        return None, problems
    program = Program(**meta, themes=themes, cities=cities, venues=venues, sessions=sessions, countries=countries)
    return program, problems


def problem_order(problem: Problem) -> tuple:
    files = list(SCHEMA)
    return (files.index(problem.file) if problem.file in files else -1, problem.row or 0, problem.column or "")


# The headings of a problems table (the keys of `problem_row`), for the page to show translated: `_(key)`.
PROBLEM_HEADINGS = (N_("file or sheet"), N_("cell or row"), N_("column"), N_("problem"))


def problem_row(problem: Problem) -> dict[str, str]:
    """A problem as a problems table shows it, on the dashboard and the Organisers page: where (the file, or the
    workbook's sheet), the cell or row, column, problem; in the current language (the keys stay English)."""
    where, at = problem.file, _("row {row}").format(row=problem.row) if problem.row else ""
    if problem.cell and problem.file.lower().endswith(tuple(WORKBOOK_SUFFIXES)):
        sheet, _sep, cell = problem.cell.partition("!")
        where, at = f"{problem.file} › {sheet}", cell_or_row(cell)
    elif problem.cell:  # a member of a zip: `2020/sessions.csv:7`
        member, _sep, row = problem.cell.rpartition(":") if problem.row else (problem.cell, "", "")
        where, at = f"{problem.file} › {member}", _("row {row}").format(row=row) if row else ""
    return {"file or sheet": where, "cell or row": at, "column": problem.column or "", "problem": problem.text}


def cell_or_row(cell: str) -> str:
    """`C7` stays; `7:7` (a whole row) reads `row 7`."""
    top, colon, bottom = cell.partition(":")
    return _("row {row}").format(row=top) if colon and top == bottom and top.isdigit() else cell


def clean(values: dict[str, Any]) -> dict[str, Any]:
    """Optional text cells left empty become ''."""
    return {key: "" if value is None else value for key, value in values.items()}


def read_meta(table: Table, rows: list[Row], problems: list[Problem]) -> dict[str, Any] | None:
    """The program row, or None (with a problem unless one was already reported)."""
    if len(table.keys) > 1:
        for row_number, _ in table.rows[1:]:
            problems.append(Problem("program.csv", row_number, None, said(N_("only one program row is allowed"))))
        return None
    if len(rows) != 1:
        if table.readable and not table.keys:
            problems.append(Problem("program.csv", 2, None, said(N_("the program row is missing"))))
        return None
    row_number, values = rows[0]
    if values["end_date"] < values["start_date"]:
        problems.append(Problem("program.csv", row_number, "end_date", said(N_("end_date is before start_date"))))
        return None
    meta = clean(values)
    meta["languages"] = values["languages"] or ("en",)
    if not meta["short_title"]:  # no short title: the title, in every language
        texts = values["translations"]
        short = {lang: {"short_title": fields["title"]} for lang, fields in texts.items() if "title" in fields}
        meta["translations"] = Translations({lang: {**short.get(lang, {}), **texts[lang]} for lang in texts})
    meta["short_title"] = meta["short_title"] or meta["title"]
    return meta


def check_languages(tables: dict[str, Table], languages: tuple[str, ...], problems: list[Problem]) -> None:
    """A translation column holding a text must be for one of the program's languages, and not its first: the
    column it translates is written in that one. (An empty one is left alone: the template has some.)"""
    for name, table in tables.items():
        for column in sorted(table.filled, key=list(table.translations).index):
            base, lang = table.translations[column]
            if lang == languages[0]:
                message = N_(
                    "{column} is in the program's first language ({language}), which {base} is written in: "
                    "remove the column, or list another language first in program.csv's languages"
                )
                problems.append(Problem(name, 1, column, said(message, column=column, language=lang, base=base)))
            elif lang not in languages:
                message = N_(
                    "{column} is in a language the program does not declare ({language}): add {language} to "
                    "program.csv's languages ({languages}), or remove the column"
                )
                declared = " ".join(languages)
                problems.append(
                    Problem(name, 1, column, said(message, column=column, language=lang, languages=declared))
                )


def check_sessions(
    rows: list[Row], meta: dict[str, Any] | None, refs: dict[str, References], problems: list[Problem]
) -> tuple[Session, ...]:
    venues = refs["venue"].known

    def check(v: dict[str, Any]) -> list[tuple[str, str | None]]:
        found = [refs["city"].problem("city", v["city"]), refs["venue"].problem("venue", v["venue"])]
        if v["to_city"]:
            found.append(refs["city"].problem("to_city", v["to_city"]))
        found += [refs["theme"].problem("themes", slug) for slug in v["themes"] or ()]
        found = [item for item in found if item]
        if v["kind"] == "transfer" and not v["to_city"]:
            found.append(("to_city", said(N_("a transfer needs the city it goes to"))))
        if v["kind"] != "transfer" and v["to_city"]:
            found.append(("to_city", said(N_("only a transfer has a to_city"))))
        if v["venue"] in venues and v["city"] in refs["city"].known and v["city"] != venues[v["venue"]].city:
            message = said(
                N_("venue {venue} is in {venue_city}, not {city}"),
                venue=repr(v["venue"]),
                venue_city=venues[v["venue"]].city,
                city=v["city"],
            )
            found.append(("venue", message))
        if not v["themes"] and v["kind"] not in LOGISTICS_KINDS:
            found.append(("themes", said(N_("a {kind} needs at least one theme"), kind=v["kind"])))
        if v["end"] and not v["start"]:
            found.append(("end", said(N_("an end time needs a start time"))))
        if v["start"] and v["end"] and v["end"] <= v["start"]:
            message = said(
                N_("end {end} is not after start {start}"), end=f"{v['end']:%H:%M}", start=f"{v['start']:%H:%M}"
            )
            found.append(("end", message))
        if v["date"] is None:
            found.append(
                ("date", said(N_("a time needs a date")) if v["start"] else said(N_("required value is empty")))
            )
        elif meta and not meta["start_date"] <= v["date"] <= meta["end_date"]:
            message = N_("{date} is outside the program's dates ({first} to {last})")
            dates = {"date": str(v["date"]), "first": str(meta["start_date"]), "last": str(meta["end_date"])}
            found.append(("date", said(message, **dates)))
        return found

    kept = keep_checked("sessions.csv", rows, check, problems)
    sessions = (Session(**session_fields(v)) for _, v in kept)
    return ordered(sessions)


def session_fields(values: dict[str, Any]) -> dict[str, Any]:
    """A sessions.csv row as `Session` fields (the `venue` column holds the venue's id)."""
    fields = {**clean(values), "themes": values["themes"] or (), "to_city": values["to_city"] or None}
    fields |= {"start": values["start"], "end": values["end"], "venue_id": fields.pop("venue")}
    return fields
