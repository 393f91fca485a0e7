"""Where a program's tables come from: a folder of CSV files, a .zip of such a folder, or one .xlsx workbook.

Each is read into the same raw tables (rows of text, header first), so one set of checks serves all three;
a problem found in a table is then located the way the organiser's own file shows it (`sessions!C7`).
Uploads are untrusted: sizes are checked before anything is unpacked, and nothing is written to disk.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import product
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from kizuna.problems import Problem

MAX_FILE_BYTES = 20 * 2**20  # a .zip or .xlsx as uploaded
MAX_UNPACKED_BYTES = 200 * 2**20  # all its members unpacked
MAX_RATIO = 200  # unpacked / packed size of a member above 1 MiB: beyond it, a zip bomb
MAX_ROWS = 50_000  # rows of one table
MAX_CELL_CHARS = 10_000  # characters in one cell
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
IGNORED_SHEETS = {"instructions"}  # the template's own sheet
WHOLE_DATE_COLUMNS = {"date", "start_date", "end_date"}  # the others with a date hold a date-time


@dataclass
class Tables:
    """Each table's rows of text (header first; a missing table is absent) and what reading them found."""

    records: dict[str, list[list[str]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    locate: Callable[[Problem], Problem] = lambda problem: problem
    unreadable: set[str] = field(default_factory=set)  # cells already reported (a formula, a merged cell)


def read_tables(path: Path, names: Sequence[str], optional: Iterable[str] = ()) -> Tables:
    """The tables `names` (CSV file names, `sessions.csv`) of the program at `path`."""
    if path.is_dir():
        return read_folder(path, names, set(optional))
    if not path.exists():
        packed = path.suffix.lower() in {".zip", *WORKBOOK_SUFFIXES}
        return Tables(
            problems=[Problem(str(path), None, None, "file not found" if packed else "program folder not found")]
        )
    too_big = file_too_big(path)
    if too_big:
        return Tables(problems=[too_big])
    if path.suffix.lower() == ".zip":
        return read_zip(path, names, set(optional))
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return read_workbook(path, names, set(optional))
    return Tables(problems=[Problem(path.name, None, None, "is not a program: give a folder, a .zip or an .xlsx")])


def file_too_big(path: Path) -> Problem | None:
    size = path.stat().st_size
    if size <= MAX_FILE_BYTES:
        return None
    return Problem(path.name, None, None, f"file is {size / 2**20:.1f} MiB; the limit is {MAX_FILE_BYTES // 2**20} MiB")


# --- CSV ------------------------------------------------------------------------------------------------------


def decode_csv(raw: bytes, name: str, problems: list[Problem]) -> str | None:
    """UTF-8 (with or without BOM); else CP932, Excel's "CSV" in Japan, when it decodes cleanly to Japanese."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        failure = error
    try:
        text = raw.decode("cp932")
        if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text):
            return text
    except UnicodeDecodeError:
        pass
    before = raw[: failure.start].decode("utf-8-sig")
    row = max(len(list(csv.reader(io.StringIO(before, newline="")))), 1)
    message = f"file is not UTF-8 (byte 0x{raw[failure.start]:02x}) nor Japanese CP932; save it as 'CSV UTF-8'"
    problems.append(Problem(name, row, None, message))
    return None


def csv_records(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def read_folder(folder: Path, names: Sequence[str], optional: set[str]) -> Tables:
    tables = Tables()
    for name in names:
        path = folder / name
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            if name not in optional:
                tables.problems.append(Problem(name, None, None, "file is missing"))
            continue
        except OSError as error:
            tables.problems.append(Problem(name, None, None, f"file cannot be read ({error.strerror})"))
            continue
        text = decode_csv(raw, name, tables.problems)
        if text is not None:
            tables.records[name] = csv_records(text)
    return tables


# --- zip archives (a .zip of CSV files, and the .xlsx container) ------------------------------------------------


def open_archive(path: Path, what: str) -> tuple[zipfile.ZipFile | None, Problem | None]:
    """The archive, once its member names and sizes are safe to read; else the problem."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return None, Problem(path.name, None, None, f"is not {what} (it cannot be opened as one)")
    members = archive.infolist()
    unsafe = [m.filename for m in members if unsafe_name(m.filename)]
    if unsafe:
        archive.close()
        return None, Problem(path.name, None, None, f"member name {unsafe[0]!r} points outside the archive")
    unpacked = sum(m.file_size for m in members)
    bombs = [m for m in members if m.file_size > 2**20 and m.file_size > MAX_RATIO * max(m.compress_size, 1)]
    message = None
    if unpacked > MAX_UNPACKED_BYTES:
        message = f"unpacks to {unpacked / 2**20:.0f} MiB; the limit is {MAX_UNPACKED_BYTES // 2**20} MiB"
    elif bombs:
        ratio = bombs[0].file_size // max(bombs[0].compress_size, 1)
        message = f"member {bombs[0].filename!r} unpacks to {ratio:,}× its size; the limit is {MAX_RATIO}×"
    if message:
        archive.close()
        return None, Problem(path.name, None, None, message)
    return archive, None


def unsafe_name(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return name.startswith(("/", "\\")) or ".." in parts or (bool(parts) and ":" in parts[0])


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, never more than its declared size (a forged header cannot make it grow)."""
    with archive.open(info) as member:
        return member.read(info.file_size + 1)[: info.file_size]


def read_zip(path: Path, names: Sequence[str], optional: set[str]) -> Tables:
    archive, problem = open_archive(path, "a zip archive")
    if archive is None:
        return Tables(problems=[problem])
    tables = Tables(locate=lambda p: Problem(path.name, p.row, p.column, p.message, zip_place(p, members)))
    members: dict[str, str] = {}  # table name -> member name
    with archive:
        for info in archive.infolist():
            member = PurePosixPath(info.filename)
            if info.is_dir() or member.parts[0] == "__MACOSX" or member.name not in names:
                continue
            if len(member.parts) > 2:
                continue  # only the archive's root or one folder in it
            if member.name in members:
                message = f"holds {member.name} twice ({members[member.name]}, {info.filename})"
                tables.problems.append(Problem(path.name, None, None, message))
                continue
            members[member.name] = info.filename
            found: list[Problem] = []
            text = decode_csv(read_member(archive, info), member.name, found)
            tables.problems += [tables.locate(p) for p in found]
            if text is not None:
                tables.records[member.name] = csv_records(text)
    for name in names:
        if name not in members and name not in optional:
            tables.problems.append(Problem(path.name, None, None, f"{name} is missing from the archive"))
    return tables


def zip_place(problem: Problem, members: dict[str, str]) -> str:
    member = members.get(problem.file, problem.file)
    return member if problem.row is None else f"{member}:{problem.row}"


# --- .xlsx workbooks ------------------------------------------------------------------------------------------


def read_workbook(path: Path, names: Sequence[str], optional: set[str]) -> Tables:
    """One sheet per table, named like the CSV file without `.csv`; headers in row 1."""
    if path.suffix.lower() == ".xlsm":
        message = "macro-enabled workbooks (.xlsm) are not accepted; save it as 'Excel Workbook (.xlsx)'"
        return Tables(problems=[Problem(path.name, None, None, message)])
    archive, problem = open_archive(path, "an Excel workbook (.xlsx)")
    if archive is None:
        return Tables(problems=[problem])
    with archive:
        parts = {info.filename: info for info in archive.infolist()}
        refused = workbook_refusal(parts)
        if refused:
            return Tables(problems=[Problem(path.name, None, None, refused)])
        try:
            sheets = sheet_parts(archive, parts)
        except (KeyError, ElementTree.ParseError):
            return Tables(
                problems=[Problem(path.name, None, None, "cannot be read as a workbook (its parts are damaged)")]
            )
        xml = {title: read_member(archive, parts[part]) for title, part in sheets.items() if part in parts}
    return WorkbookReader(path, names, optional, xml).read()


def workbook_refusal(parts: dict[str, zipfile.ZipInfo]) -> str | None:
    if "xl/workbook.xml" not in parts:
        return "is not an Excel workbook (.xlsx): it has no workbook part; save it from Excel as .xlsx"
    if any(name.lower().endswith("vbaproject.bin") for name in parts):
        return "holds macros; save it as 'Excel Workbook (.xlsx)' without them"
    if any(name.startswith("xl/externalLinks/") for name in parts):
        return "links to other workbooks (external links); break the links in Excel (Data → Edit Links) and save"
    return None


MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def sheet_parts(archive: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo]) -> dict[str, str]:
    """Each sheet's title and the part holding its XML (the workbook names it through its relationships)."""
    workbook = ElementTree.fromstring(read_member(archive, parts["xl/workbook.xml"]))
    relations = ElementTree.fromstring(read_member(archive, parts["xl/_rels/workbook.xml.rels"]))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relations}
    found = {}
    for sheet in workbook.iter(f"{MAIN}sheet"):
        target = targets.get(sheet.get(RELATIONSHIP), "")
        found[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return found


# The sheet XML is looked at for what the reading library does not say: how far the values reach (checked before
# the sheet is unpacked into memory, as a grid from A1 to its last value), and which formulas were never calculated
# (they read as empty).
WIDE_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]{2,})[0-9]+"[^>]*>(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?<(?:v|is)\b')
ROW_NUMBER = re.compile(rb'<row\b[^>]*?\br="([0-9]+)"')
HOLDS_VALUE = re.compile(rb"<(?:v|is)\b")
UNCALCULATED = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]+)([0-9]+)"[^>]*>\s*<f\b[^>]*?(?:/>|>([^<]*)</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)
MAX_CELLS = 2_000_000  # rows × columns of one sheet's grid


class WorkbookReader:
    def __init__(self, path: Path, names: Sequence[str], optional: set[str], xml: dict[str, bytes]) -> None:
        self.path, self.names, self.optional, self.xml = path, names, optional, xml
        self.tables = Tables(locate=self.locate)
        self.headers: dict[str, list[str]] = {}

    def read(self) -> Tables:
        from python_calamine import CalamineWorkbook  # only when a workbook is read

        tables = self.tables
        titles = {title.strip().lower(): title for title in self.xml}
        wanted = {name.removesuffix(".csv"): name for name in self.names}
        for key, title in titles.items():
            if key not in wanted and key not in IGNORED_SHEETS:
                tables.notices.append(f"{self.path.name}: sheet {title!r} is not part of a program; ignored")
        try:
            workbook = CalamineWorkbook.from_path(str(self.path))
        except Exception as error:  # the library raises its own kinds on a damaged file
            tables.problems.append(Problem(self.path.name, None, None, f"cannot be read as a workbook ({error})"))
            return tables
        with closing(workbook):
            for stem, name in wanted.items():
                title = titles.get(stem)
                if title is None:
                    if name not in self.optional:
                        tables.problems.append(Problem(self.path.name, None, None, "sheet is missing", stem))
                    continue
                if not self.within_limits(stem, self.xml[title]):
                    continue
                sheet = workbook.get_sheet_by_name(title)
                records = self.read_sheet(sheet.to_python(skip_empty_area=False), name)
                tables.records[name] = records
                self.headers[name] = [cell.strip() for cell in records[0]] if records else []
                self.check_merged(sheet.merged_cell_ranges or [], stem)
                self.check_formulas(self.xml[title], name)
        return tables

    def within_limits(self, stem: str, part: bytes) -> bool:
        rows = last_value_row(part)
        wide = re.search(rb'\br="[A-Z]{2}', part)  # a cell beyond column Z at all (one quick scan)
        columns = max(map(column_number, WIDE_CELL.findall(part)), default=26) if wide else 26
        if rows > MAX_ROWS + 1:
            message = f"has values down to row {rows:,}; the limit is {MAX_ROWS:,} rows"
        elif rows * columns > MAX_CELLS:
            message = f"has values out to column {column_letter(columns)}; the limit is {MAX_CELLS:,} cells"
        else:
            return True
        self.tables.problems.append(Problem(self.path.name, None, None, message, stem))
        return False

    def read_sheet(self, rows: list[list], name: str) -> list[list[str]]:
        records: list[list[str]] = []
        header: list[str] = []
        for number, values in enumerate(rows, start=1):
            columns = header + [""] * (len(values) - len(header))
            record = [
                value
                if value.__class__ is str and len(value) <= MAX_CELL_CHARS
                else self.text(value, column, name, number, i)
                for i, (value, column) in enumerate(zip(values, columns, strict=False))
            ]
            while record and not record[-1].strip():
                record.pop()  # Excel's used range often reaches past the last filled column
            if number == 1:
                header = [cell.strip() for cell in record]
            records.append(record)
        while records and not records[-1]:
            records.pop()
        return records

    def text(self, value, column: str, name: str, row: int, index: int) -> str:
        """A cell as the CSV file would hold it: dates ISO, times HH:MM, whole numbers without '.0'."""
        if isinstance(value, str):
            if len(value) > MAX_CELL_CHARS:
                message = f"cell holds {len(value):,} characters; the limit is {MAX_CELL_CHARS:,}"
                self.tables.problems.append(self.at(name, row, index, column, message))
                return ""
            return value
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, datetime):
            if column in WHOLE_DATE_COLUMNS and value.time() == time(0):
                return value.date().isoformat()
            return f"{value:%Y-%m-%dT%H:%M:%S}Z"  # Excel has no time zones: a date-time here is UTC
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, time):
            return f"{value:%H:%M}" if not value.second else f"{value:%H:%M:%S}"
        if isinstance(value, timedelta):
            minutes = round(value.total_seconds() / 60)
            return f"{minutes // 60:02d}:{minutes % 60:02d}"
        return str(value)

    def at(self, name: str, row: int, index: int, column: str, message: str) -> Problem:
        stem = name.removesuffix(".csv")
        return Problem(self.path.name, row, column or None, message, f"{stem}!{column_letter(index + 1)}{row}")

    def check_merged(self, ranges: list, stem: str) -> None:
        """Merged cells leave all but their first cell empty: say so, rather than 'required value is empty'."""
        for (top, left), (bottom, right) in ranges:
            span = f"{column_letter(left + 1)}{top + 1}:{column_letter(right + 1)}{bottom + 1}"
            message = "merged cells: unmerge them and fill in each cell"
            self.tables.problems.append(Problem(self.path.name, top + 1, None, message, f"{stem}!{span}"))
            cells = product(range(left + 1, right + 2), range(top + 1, min(bottom, MAX_ROWS) + 2))
            self.tables.unreadable |= {f"{stem}!{column_letter(c)}{r}" for c, r in cells}

    def check_formulas(self, part: bytes, name: str) -> None:
        """A formula Excel never calculated has no saved value: it reads as empty, so say what it is."""
        if b"<f" not in part:
            return
        header = self.headers[name]
        for column, row, formula in UNCALCULATED.findall(part):
            index = column_number(column.decode()) - 1
            text = html.unescape(formula.decode(errors="replace"))[:40]
            message = f"formula ={text} has no saved value; open the file in Excel and save it again"
            problem = self.at(name, int(row), index, header[index] if index < len(header) else "", message)
            self.tables.problems.append(problem)
            self.tables.unreadable.add(problem.cell)

    def locate(self, problem: Problem) -> Problem:
        stem = problem.file.removesuffix(".csv")
        header = self.headers.get(problem.file, [])
        if problem.row is None:
            cell = stem
        elif problem.column in header:
            cell = f"{stem}!{column_letter(header.index(problem.column) + 1)}{problem.row}"
        else:
            cell = f"{stem}!{problem.row}:{problem.row}"
        return Problem(self.path.name, problem.row, problem.column, problem.message, cell)


def column_number(letters: str | bytes) -> int:
    """A1 column letters as a number: A is 1, Z 26, AA 27."""
    number = 0
    for letter in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def last_value_row(part: bytes) -> int:
    """The last row holding a value, looked for from the end: formatted, empty rows can run on for a million."""
    end = len(part)
    while (start := part.rfind(b"<row ", 0, end)) != -1:
        if HOLDS_VALUE.search(part, start, end):
            match = ROW_NUMBER.match(part, start)
            return int(match[1]) if match else 0
        end = start
    return 0
