"""Where a program's tables come from: a folder of CSV files, a .zip of such a folder, or one .xlsx workbook.

Each is read into the same raw tables (rows of text, header first), so one set of checks serves all three;
a problem found in a table is then located the way the organiser's own file shows it (`sessions!C7`).
Uploads are untrusted: every limit below is checked before the work it bounds, nothing is written to disk, and
`kizuna.checks.sandbox` reads them in a separate process so that a bug not yet found here cannot harm the server.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree

from kizuna.i18n import N_
from kizuna.program.problems import MAX_PROBLEMS, Problem, said, said_data, said_from

MAX_FILE_BYTES = 20 * 2**20  # a .zip, .xlsx or CSV file as uploaded
MAX_UNPACKED_BYTES = 200 * 2**20  # all its members unpacked
MAX_RATIO = 200  # unpacked / packed size of a member above 1 MiB: beyond it, a zip bomb
MAX_MEMBERS = 1_000  # members of a .zip or parts of an .xlsx (Excel writes about 20)
MAX_ROWS = 50_000  # rows of one table
MAX_CELLS = 2_000_000  # rows × columns of one sheet's grid, and cell elements in its XML
MAX_COLUMNS = 100  # cells in a table's header row (a program's tables have at most 15 columns, 25 with translations)
MAX_TABLE_CELLS = 1_000_000  # cells of all the tables as read (50,000 sessions of 14 columns are 700,000)
MAX_CELL_CHARS = 10_000  # characters in one cell
MAX_TEXT_CHARS = 10_000_000  # characters in all the cells: a 50,000-session program (the row limit) has about 9 million
MAX_NOTICES = 20  # things ignored, said one by one
MAX_MERGED = 1_000  # merged ranges in one sheet
MAX_FORMULAS_REPORTED = 1_000  # uncalculated formulas named one by one
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
IGNORED_SHEETS = {"instructions"}  # the template's own sheet
WHOLE_DATE_COLUMNS = {"date", "start_date", "end_date"}  # the others with a date hold a date-time
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet opening a CSV file would run as a formula
TEXT_MARK = "'"  # written before such a cell in CSV (OWASP), so Excel shows it as text; taken off when CSV is read


@dataclass
class Locator:
    """How a problem found in a table is named in the organiser's own file: `sessions.csv:7` in a folder,
    `program.zip: 2020/sessions.csv:7` in a zip, `program.xlsx: sessions!C7` in a workbook. Plain data, so it
    crosses from the worker process as JSON."""

    kind: str = "folder"  # folder, zip or workbook
    container: str = ""  # the zip's or workbook's file name
    members: dict[str, str] = field(default_factory=dict)  # zip: table name -> member name
    headers: dict[str, list[str]] = field(default_factory=dict)  # workbook: table name -> its header cells

    def locate(self, problem: Problem) -> Problem:
        if self.kind == "zip":
            return replace(problem, file=self.container, cell=zip_place(problem, self.members))
        if self.kind == "workbook":
            return replace(problem, file=self.container, cell=self.cell_of(problem))
        return problem

    def cell_of(self, problem: Problem) -> str:
        stem = problem.file.removesuffix(".csv")
        header = self.headers.get(problem.file, [])
        if problem.row is None:
            return stem
        if problem.column in header:
            return f"{stem}!{column_letter(header.index(problem.column) + 1)}{problem.row}"
        return f"{stem}!{problem.row}:{problem.row}"


@dataclass
class Tables:
    """Each table's rows of text (header first; a missing table is absent) and what reading them found."""

    records: dict[str, list[list[str]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    locator: Locator = field(default_factory=Locator)
    unreadable: set[str] = field(default_factory=set)  # cells already reported (a formula with no value)
    merged: list[tuple[str, int, int, int, int]] = field(default_factory=list)  # sheet, top, left, bottom, right

    def locate(self, problem: Problem) -> Problem:
        return self.locator.locate(problem)

    def reported(self, cell: str | None) -> bool:
        """Whether a problem at `cell` (`sessions!C7`) repeats one already reported there: a formula, merged cells."""
        if cell is None:
            return False
        if cell in self.unreadable:
            return True
        match = CELL_NAME.fullmatch(cell)
        if match is None or not self.merged:
            return False
        column, row = column_number(match["column"]), int(match["row"])
        return any(
            sheet == match["sheet"] and top <= row <= bottom and left <= column <= right
            for sheet, top, left, bottom, right in self.merged
        )

    def as_data(self) -> dict[str, Any]:
        """The tables as JSON-ready data: what the worker process sends back (never pickle: it could run code).
        Messages keep their msgid and values, so they are shown in the reader's language."""
        return {
            "records": self.records,
            "problems": [asdict(problem) | {"message": said_data(problem.message)} for problem in self.problems],
            "notices": [said_data(notice) for notice in self.notices],
            "locator": asdict(self.locator),
            "unreadable": sorted(self.unreadable),
            "merged": self.merged,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Tables:
        """The inverse of `as_data`; raises TypeError, ValueError or KeyError on anything else."""
        records = {
            str(name): [[str(cell) for cell in row] for row in rows] for name, rows in dict(data["records"]).items()
        }
        locator = data["locator"]
        return cls(
            records=records,
            problems=[problem_from(problem) for problem in data["problems"]],
            notices=[said_from(notice) for notice in data["notices"]],
            locator=Locator(
                str(locator["kind"]),
                str(locator["container"]),
                {str(table): str(member) for table, member in dict(locator["members"]).items()},
                {str(table): [str(cell) for cell in cells] for table, cells in dict(locator["headers"]).items()},
            ),
            unreadable={str(cell) for cell in data["unreadable"]},
            merged=[(str(s), int(t), int(lf), int(b), int(r)) for s, t, lf, b, r in data["merged"]],
        )


def problem_from(data: dict[str, Any]) -> Problem:
    """A problem as `asdict` wrote it, each field of its own type (the worker's answer is checked, not trusted)."""

    def text(value: object) -> str | None:
        return None if value is None else str(value)

    row = data["row"]
    return Problem(
        str(data["file"]),
        None if row is None else int(row),
        text(data["column"]),
        said_from(data["message"]),
        text(data["cell"]),
    )


def left_out(count: int) -> Problem:
    """The line that stands for the problems past MAX_PROBLEMS."""
    message = N_("and {count:,} more problems not listed: fix the ones above, then check the file again")
    return Problem("(more)", None, None, said(message, count=count))


CELL_NAME = re.compile(r"(?P<sheet>[^!]+)!(?P<column>[A-Z]{1,3})(?P<row>[0-9]{1,7})")


def read_tables(path: Path, names: Sequence[str], optional: Iterable[str] = ()) -> Tables:
    """The tables `names` (CSV file names, `sessions.csv`) of the program at `path`.

    Whatever the file holds ends in tables or problems: a reader error not foreseen below is one problem too."""
    try:
        tables = read_any(path, names, set(optional))
    except MemoryError:
        raise  # the worker reading it says so, and stops
    except Exception as error:  # a damaged file must not become a traceback
        message = said(N_("cannot be read ({error})"), error=type(error).__name__)
        return Tables(problems=[Problem(path.name, None, None, message)])
    return within_size_limits(tables, path.name)


def read_any(path: Path, names: Sequence[str], optional: set[str]) -> Tables:
    if path.is_dir():
        return read_folder(path, names, optional)
    if not path.exists():
        packed = path.suffix.lower() in {".zip", *WORKBOOK_SUFFIXES}
        message = said(N_("file not found")) if packed else said(N_("program folder not found"))
        return Tables(problems=[Problem(str(path), None, None, message)])
    too_big = file_too_big(path)
    if too_big:
        return Tables(problems=[too_big])
    if path.suffix.lower() == ".zip":
        return read_zip(path, names, optional)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return read_workbook(path, names, optional)
    message = said(N_("is not a program: give a folder, a .zip or an .xlsx"))
    return Tables(problems=[Problem(path.name, None, None, message)])


def file_too_big(path: Path) -> Problem | None:
    size = path.stat().st_size
    if size <= MAX_FILE_BYTES:
        return None
    message = N_("file is {size:.1f} MiB; the limit is {limit} MiB")
    return Problem(path.name, None, None, said(message, size=size / 2**20, limit=MAX_FILE_BYTES // 2**20))


def within_size_limits(tables: Tables, name: str) -> Tables:
    """All the cells together, however many tables and columns: what every replica keeps in memory; and at most
    MAX_PROBLEMS problems and MAX_NOTICES notices, so what is sent back and shown stays small too."""
    wide = [(table, len(rows[0])) for table, rows in tables.records.items() if rows and len(rows[0]) > MAX_COLUMNS]
    cells = sum(len(row) for rows in tables.records.values() for row in rows)
    chars = sum(len(cell) for rows in tables.records.values() for row in rows for cell in row)
    if wide:
        message = N_("{table}: its header row has {cells:,} cells; the limit is {limit} columns")
        message = said(message, table=wide[0][0], cells=wide[0][1], limit=MAX_COLUMNS)
    elif cells > MAX_TABLE_CELLS:
        message = said(N_("holds {cells:,} cells; the limit is {limit:,}"), cells=cells, limit=MAX_TABLE_CELLS)
    elif chars > MAX_TEXT_CHARS:
        message = N_("holds {chars:,} characters of text; the limit is {limit:,}")
        message = said(message, chars=chars, limit=MAX_TEXT_CHARS)
    else:
        if len(tables.problems) > MAX_PROBLEMS:
            tables.problems[MAX_PROBLEMS:] = [left_out(len(tables.problems) - MAX_PROBLEMS)]
        del tables.notices[MAX_NOTICES:]
        return tables
    return Tables(problems=[Problem(name, None, None, message)], locator=tables.locator)


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
    message = N_("file is not UTF-8 (byte {byte}) nor Japanese CP932; save it as 'CSV UTF-8'")
    problems.append(Problem(name, row, None, said(message, byte=f"0x{raw[failure.start]:02x}")))
    return None


def csv_records(text: str, name: str = "", problems: list[Problem] | None = None) -> list[list[str]] | None:
    """The rows of a CSV file, within the row and cell limits; None when it cannot be read within them (each limit
    passed is one problem)."""
    problems = [] if problems is None else problems
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for record in reader:
            if len(records) > MAX_ROWS:
                message = said(N_("has more than {limit:,} rows; the limit is {limit:,} rows"), limit=MAX_ROWS)
                problems.append(Problem(name, None, None, message))
                return None
            records.append(csv_cells(record, records[0] if records else record, name, len(records) + 1, problems))
    except csv.Error:  # a field over the csv module's own limit (131,072 characters), far over ours
        row = len(records) + 1
        message = said(N_("a cell holds over {limit:,} characters, the limit"), limit=MAX_CELL_CHARS)
        problems.append(Problem(name, row, None, message))
        return None
    return records


def csv_cells(record: list[str], header: list[str], name: str, row: int, problems: list[Problem]) -> list[str]:
    """The cells as organisers wrote them: too long ones reported and left empty, the text mark taken off."""
    cells = []
    for index, cell in enumerate(record):
        if len(cell) > MAX_CELL_CHARS:
            column = header[index].strip() if index < len(header) and row > 1 else None
            message = N_("cell holds {chars:,} characters; the limit is {limit:,}")
            problems.append(Problem(name, row, column or None, said(message, chars=len(cell), limit=MAX_CELL_CHARS)))
            cell = ""
        cells.append(unmarked(cell))
    return cells


def marked(cell: str) -> str:
    """A cell as written to CSV: text a spreadsheet would run as a formula gets the text mark before it
    (numbers, like -73.9, stay as they are: a spreadsheet reads them as numbers, not formulas)."""
    bare = cell.lstrip(TEXT_MARK)
    if bare.startswith(FORMULA_START) and not NUMBER.fullmatch(cell):
        return TEXT_MARK + cell
    return cell


def unmarked(cell: str) -> str:
    """The inverse of `marked`: a cell that `marked` wrote loses its text mark."""
    if cell.startswith(TEXT_MARK) and cell.lstrip(TEXT_MARK).startswith(FORMULA_START):
        return cell[1:]
    return cell


NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def read_folder(folder: Path, names: Sequence[str], optional: set[str]) -> Tables:
    tables = Tables()
    for name in names:
        path = folder / name
        try:
            too_big = file_too_big(path)
            raw = b"" if too_big else path.read_bytes()
        except FileNotFoundError:
            if name not in optional:
                tables.problems.append(Problem(name, None, None, said(N_("file is missing"))))
            continue
        except OSError as error:
            message = said(N_("file cannot be read ({error})"), error=error.strerror)
            tables.problems.append(Problem(name, None, None, message))
            continue
        if too_big:
            tables.problems.append(too_big)
            continue
        text = decode_csv(raw, name, tables.problems)
        records = csv_records(text, name, tables.problems) if text is not None else None
        if records is not None:
            tables.records[name] = records
    return tables


# --- zip archives (a .zip of CSV files, and the .xlsx container) ------------------------------------------------


def open_archive(path: Path, unopened: str) -> tuple[zipfile.ZipFile | None, Problem | None]:
    """The archive, once its member names and sizes are safe to read; else the problem."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None, Problem(path.name, None, None, unopened)
    problem = archive_refusal(path.name, archive.infolist())
    if problem:
        archive.close()
        return None, problem
    return archive, None


def archive_refusal(name: str, members: list[zipfile.ZipInfo]) -> Problem | None:
    if len(members) > MAX_MEMBERS:
        message = said(N_("holds {members:,} members; the limit is {limit:,}"), members=len(members), limit=MAX_MEMBERS)
        return Problem(name, None, None, message)
    names = [m.filename for m in members]
    if len(set(names)) != len(names):  # readers may take either copy: the limits would bound only one
        twice = next(member for member in names if names.count(member) > 1)
        return Problem(name, None, None, said(N_("holds the member {member} twice"), member=repr(twice)))
    unsafe = [m.filename for m in members if unsafe_name(m.filename)]
    if unsafe:
        message = said(N_("member name {member} points outside the archive"), member=repr(unsafe[0]))
        return Problem(name, None, None, message)
    unpacked = sum(m.file_size for m in members)
    bombs = [m for m in members if m.file_size > 2**20 and m.file_size > MAX_RATIO * max(m.compress_size, 1)]
    if unpacked > MAX_UNPACKED_BYTES:
        message = N_("unpacks to {size:.0f} MiB; the limit is {limit} MiB")
        return Problem(name, None, None, said(message, size=unpacked / 2**20, limit=MAX_UNPACKED_BYTES // 2**20))
    if bombs:
        ratio = bombs[0].file_size // max(bombs[0].compress_size, 1)
        message = N_("member {member} unpacks to {ratio:,}× its size; the limit is {limit}×")
        return Problem(name, None, None, said(message, member=repr(bombs[0].filename), ratio=ratio, limit=MAX_RATIO))
    return None


def unsafe_name(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return name.startswith(("/", "\\")) or ".." in parts or (bool(parts) and ":" in parts[0])


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, never more than its declared size (a forged header cannot make it grow)."""
    with archive.open(info) as member:
        return member.read(info.file_size + 1)[: info.file_size]


def read_zip(path: Path, names: Sequence[str], optional: set[str]) -> Tables:
    archive, problem = open_archive(path, said(N_("is not a zip archive (it cannot be opened as one)")))
    if archive is None:
        return Tables(problems=[problem])
    members: dict[str, str] = {}  # table name -> member name
    tables = Tables(locator=Locator("zip", path.name, members))
    with archive:
        infos = archive.infolist()
        for info in infos:
            member = PurePosixPath(info.filename.replace("\\", "/"))
            if info.is_dir() or not member.parts or member.parts[0] == "__MACOSX" or member.name not in names:
                continue
            if len(member.parts) > 2:
                continue  # only the archive's root or one folder in it
            if member.name in members:
                message = N_("holds {file} twice ({first}, {second})")
                found_twice = said(message, file=member.name, first=members[member.name], second=info.filename)
                tables.problems.append(Problem(path.name, None, None, found_twice))
                continue
            members[member.name] = info.filename
            found: list[Problem] = []
            text = decode_csv(read_member(archive, info), member.name, found)
            records = csv_records(text, member.name, found) if text is not None else None
            if records is not None:
                tables.records[member.name] = records
            tables.problems += [tables.locate(p) for p in found]
    if not members:
        return Tables(problems=[not_a_program_zip(path.name, {info.filename for info in infos}, names)])
    for name in names:
        if name not in members and name not in optional:
            message = said(N_("{file} is missing from the archive"), file=name)
            tables.problems.append(Problem(path.name, None, None, message))
    return tables


def not_a_program_zip(name: str, members: set[str], names: Sequence[str]) -> Problem:
    """One problem for a zip that holds none of a program's files, rather than one per missing file."""
    if "xl/workbook.xml" in members:
        return Problem(name, None, None, said(N_("is an Excel workbook, not a zip of CSV files: name it .xlsx")))
    return Problem(name, None, None, said(N_("holds none of a program's files ({files})"), files=", ".join(names)))


def zip_place(problem: Problem, members: dict[str, str]) -> str:
    member = members.get(problem.file, problem.file)
    return member if problem.row is None else f"{member}:{problem.row}"


# --- .xlsx workbooks ------------------------------------------------------------------------------------------


def read_workbook(path: Path, names: Sequence[str], optional: set[str]) -> Tables:
    """One sheet per table, named like the CSV file without `.csv`; headers in row 1."""
    if path.suffix.lower() == ".xlsm":
        message = said(N_("macro-enabled workbooks (.xlsm) are not accepted; save it as 'Excel Workbook (.xlsx)'"))
        return Tables(problems=[Problem(path.name, None, None, message)])
    archive, problem = open_archive(path, said(N_("is not an Excel workbook (.xlsx) (it cannot be opened as one)")))
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
            return Tables(problems=[damaged(path)])
        xml = {title: read_member(archive, parts[part]) for title, part in sheets.items() if part in parts}
        others = [name for name in parts if name not in sheets.values() and not parts[name].is_dir()]
        reader = WorkbookReader(path, names, optional, xml)
        # The reading library may resolve a part otherwise than we do: every part that holds sheet data is
        # measured, whichever sheet (if any) names it.
        for name in others:
            data = read_member(archive, parts[name])
            if SHEET_DATA.search(data) and not reader.within_limits(name, data):
                return reader.tables
    return reader.read()


def damaged(path: Path) -> Problem:
    return Problem(path.name, None, None, said(N_("cannot be read as a workbook (its parts are damaged)")))


def workbook_refusal(parts: dict[str, zipfile.ZipInfo]) -> str | None:
    if "xl/workbook.xml" not in parts:
        return said(N_("is not an Excel workbook (.xlsx): it has no workbook part; save it from Excel as .xlsx"))
    if any(name.lower().endswith("vbaproject.bin") for name in parts):
        return said(N_("holds macros; save it as 'Excel Workbook (.xlsx)' without them"))
    if any(name.lower().startswith("xl/externallinks/") for name in parts):  # zip names are any case
        message = N_("links to other workbooks (external links); break the links in Excel (Data → Edit Links) and save")
        return said(message)
    return None


MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PACKAGE_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def sheet_parts(archive: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo]) -> dict[str, str]:
    """Each sheet's title and the part holding its XML (the workbook names it through its relationships).

    Anything another reader could resolve otherwise is refused as damaged (KeyError): a title or a relationship id
    given twice, a sheet with more than one id, a relationship that is not one."""
    workbook = ElementTree.fromstring(read_member(archive, parts["xl/workbook.xml"]))
    relations = ElementTree.fromstring(read_member(archive, parts["xl/_rels/workbook.xml.rels"]))
    ids = [rel.get("Id") for rel in relations]
    if len(ids) != len(set(ids)) or any(rel.tag != f"{PACKAGE_RELATIONSHIPS}Relationship" for rel in relations):
        raise KeyError("relationships")
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relations}
    found: dict[str, str] = {}
    for sheet in workbook.iter(f"{MAIN}sheet"):
        name = sheet.get("name", "")
        if name in found or sum(key.rpartition("}")[2] == "id" for key in sheet.attrib if "}" in key) != 1:
            raise KeyError(name)
        target = targets.get(sheet.get(RELATIONSHIP), "")
        found[name] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return found


# The sheet XML is looked at for what the reading library does not say: how far the values reach (checked before
# the sheet is unpacked into memory, as a grid from A1 to its farthest value, wherever in the XML that value is),
# how many ranges are merged, and which formulas were never calculated (they read as empty). Elements may carry a
# namespace prefix (`<x:c>`), as some programs write them.
TAG = rb"<(?:[A-Za-z_][\w.-]*:)?"
CELL_TAG = re.compile(TAG + rb"c[\s/>]")
CELL_REF = re.compile(TAG + rb'c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
VALUE_CELL = re.compile(
    TAG
    + rb'c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>/]*(?:/[^>][^>/]*)*>\s*'
    + rb"(?:"
    + TAG
    + rb"f\b[^>]*?(?:/>|>[^<]*</(?:[\w.-]+:)?f>)\s*)?"
    + TAG
    + rb"(?:v|is)\b"
)
ROW_TAG = re.compile(TAG + rb"row[\s/>]")
SHEET_DATA = re.compile(TAG + rb"sheetData[\s/>]")
ROW_WITH_NUMBER = re.compile(TAG + rb'row\s[^>]*?\br="([0-9]{1,7})"')
MERGE_TAG = re.compile(TAG + rb"mergeCell[\s/>]")
UNCALCULATED = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]+)([0-9]+)"[^>]*>\s*<f\b[^>]*?(?:/>|>([^<]*)</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)


def sheet_extent(part: bytes) -> tuple[int, int]:
    """The rows and columns a sheet's grid spans once read: to its farthest cell holding a value, whichever element
    declares it; rows and cells written without a position (`r`) count from their neighbours, as readers place them."""
    cells = CELL_REF.findall(part)
    rows = max((int(row) for _, row in cells), default=0)
    columns = max((column_number(column) for column in {column for column, _ in cells}), default=0)
    if rows > MAX_ROWS + 1 or rows * columns > MAX_CELLS:  # formatted, empty cells may reach far: count values only
        valued = VALUE_CELL.findall(part)
        rows = max((int(row) for _, row in valued), default=0)
        columns = max((column_number(column) for column in {c for c, _ in valued}), default=0)
    numbered = ROW_WITH_NUMBER.findall(part)
    row_tags = len(ROW_TAG.findall(part))
    if row_tags > len(numbered):
        rows = max(rows, row_tags)
    if len(CELL_TAG.findall(part)) > len(cells):  # a cell without `r` is where its row says, next to the last
        rows = max(rows, row_tags, *(int(row) for row in numbered))
        columns = max(columns, max(len(CELL_TAG.findall(row)) for row in ROW_TAG.split(part)))
    return rows, columns


class WorkbookReader:
    def __init__(self, path: Path, names: Sequence[str], optional: set[str], xml: dict[str, bytes]) -> None:
        self.path, self.names, self.optional, self.xml = path, names, optional, xml
        self.tables = Tables(locator=Locator("workbook", path.name))
        self.headers = self.tables.locator.headers

    def read(self) -> Tables:
        from python_calamine import CalamineWorkbook  # only when a workbook is read

        tables = self.tables
        titles = {title.strip().lower(): title for title in self.xml}
        wanted = {name.removesuffix(".csv"): name for name in self.names}
        for key, title in titles.items():
            if key not in wanted and key not in IGNORED_SHEETS:
                shown = title if len(title) <= 40 else f"{title[:39]}…"  # Excel's own titles are at most 31
                message = N_("{file}: sheet {sheet} is not part of a program; ignored")
                tables.notices.append(said(message, file=self.path.name, sheet=repr(shown)))
        checked = {stem: self.within_limits(stem, self.xml[titles[stem]]) for stem in wanted if stem in titles}
        if not all(checked.values()):
            return tables  # a sheet over a limit: the others are not read either (nothing would be published)
        try:
            workbook = CalamineWorkbook.from_path(str(self.path))
        except Exception as error:  # the library raises its own kinds on a damaged file
            message = said(N_("cannot be read as a workbook ({error})"), error=str(error))
            tables.problems.append(Problem(self.path.name, None, None, message))
            return tables
        with closing(workbook):
            for stem, name in wanted.items():
                title = titles.get(stem)
                if title is None:
                    if name not in self.optional:
                        tables.problems.append(Problem(self.path.name, None, None, said(N_("sheet is missing")), stem))
                    continue
                try:
                    sheet = workbook.get_sheet_by_name(title)
                    values = sheet.to_python(skip_empty_area=False)
                except Exception as error:  # the library's own kinds: a sheet's XML that is not well formed
                    message = N_("cannot be read as a workbook: sheet {sheet} is damaged ({error})")
                    message = said(message, sheet=repr(title), error=type(error).__name__)
                    tables.problems.append(Problem(self.path.name, None, None, message))
                    return tables
                records = self.read_sheet(values, name)
                tables.records[name] = records
                self.headers[name] = [cell.strip() for cell in records[0]] if records else []
                self.check_merged(sheet.merged_cell_ranges or [], stem)
                self.check_formulas(self.xml[title], name)
        return tables

    def within_limits(self, stem: str, part: bytes) -> bool:
        rows, columns = sheet_extent(part)
        merged = len(MERGE_TAG.findall(part))
        if rows > MAX_ROWS + 1:
            message = said(N_("has values down to row {row:,}; the limit is {limit:,} rows"), row=rows, limit=MAX_ROWS)
        elif rows * columns > MAX_CELLS:
            message = N_("has values out to column {column}; the limit is {limit:,} cells")
            message = said(message, column=column_letter(columns), limit=MAX_CELLS)
        elif len(CELL_TAG.findall(part)) > MAX_CELLS:
            message = said(N_("holds more than {limit:,} cells; the limit is {limit:,}"), limit=MAX_CELLS)
        elif merged > MAX_MERGED:
            message = said(N_("has {merged:,} merged ranges; the limit is {limit:,}"), merged=merged, limit=MAX_MERGED)
        else:
            return True
        self.tables.problems.append(Problem(self.path.name, None, None, message, stem))
        return False

    def read_sheet(self, rows: list[list], name: str) -> list[list[str]]:
        records: list[list[str]] = []
        header: list[str] = []
        for number, values in enumerate(rows, start=1):
            if number > MAX_ROWS + 1:  # the extent check counts rows as the library places them; this backs it up
                message = N_("has values down to row {row:,}; the limit is {limit:,} rows")
                message = said(message, row=len(rows), limit=MAX_ROWS)
                self.tables.problems.append(Problem(self.path.name, None, None, message, name.removesuffix(".csv")))
                return []
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

    def text(self, value: object, column: str, name: str, row: int, index: int) -> str:
        """A cell as the CSV file would hold it: dates ISO, times HH:MM, whole numbers without '.0'."""
        if isinstance(value, str):
            if len(value) > MAX_CELL_CHARS:
                message = N_("cell holds {chars:,} characters; the limit is {limit:,}")
                message = said(message, chars=len(value), limit=MAX_CELL_CHARS)
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
            message = said(N_("merged cells: unmerge them and fill in each cell"))
            self.tables.problems.append(Problem(self.path.name, top + 1, None, message, f"{stem}!{span}"))
            self.tables.merged.append((stem, top + 1, left + 1, bottom + 1, right + 1))

    def check_formulas(self, part: bytes, name: str) -> None:
        """A formula Excel never calculated has no saved value: it reads as empty, so say what it is."""
        if b"<f" not in part:
            return
        header = self.headers[name]
        for count, (column, row, formula) in enumerate(UNCALCULATED.findall(part)):
            if count == MAX_FORMULAS_REPORTED:
                message = said(N_("more formulas have no saved value; open the file in Excel and save it again"))
                self.tables.problems.append(Problem(self.path.name, None, None, message, name.removesuffix(".csv")))
                return
            index = column_number(column.decode()) - 1
            text = html.unescape(formula.decode(errors="replace"))[:40]
            message = said(
                N_("formula ={formula} has no saved value; open the file in Excel and save it again"), formula=text
            )
            problem = self.at(name, int(row), index, header[index] if index < len(header) else "", message)
            self.tables.problems.append(problem)
            self.tables.unreadable.add(problem.cell)


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
