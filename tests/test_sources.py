"""Programs as organisers bring them: an .xlsx workbook, a .zip of CSV files, CSV saved by Japanese Excel.

Each broken workbook is the minimal program with one thing done to it the way people do it in Excel; the
report must name exactly the expected problems at the expected cells, and nothing else.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

import hostile
import pytest
from openpyxl import Workbook, load_workbook

from kizuna.calendars.ics import export_ics
from kizuna.checks import loading, sources
from kizuna.checks.loading import data_hash, load_program, read_source
from kizuna.checks.sources import read_tables
from kizuna.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "good" / "minimal"
TABLES = ("program", "themes", "cities", "venues", "sessions", "countries")
DATES = {"date", "start_date", "end_date"}
NUMBERS = {"lat", "lon", "order", "revision"}


def typed(column: str, text: str):
    """A CSV cell as Excel would hold it when typed in: dates, times and numbers as such."""
    if not text:
        return None
    if column in DATES:
        return datetime.fromisoformat(text)
    if column in {"start", "end"}:
        return time.fromisoformat(text)
    if column in NUMBERS:
        return float(text) if "." in text else int(text)
    return text


def minimal_workbook(folder: Path = MINIMAL) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in TABLES:
        sheet = workbook.create_sheet(table)
        with open(folder / f"{table}.csv", encoding="utf-8", newline="") as file:
            rows = list(csv.reader(file))
        sheet.append(rows[0])
        for row in rows[1:]:
            sheet.append([typed(column, cell) for column, cell in zip(rows[0], row, strict=True)])
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, time):
                    cell.number_format = "hh:mm"
    return workbook


def saved(workbook: Workbook, folder: Path, name: str = "program.xlsx") -> Path:
    path = folder / name
    workbook.save(path)
    return path


def report(path: Path, capsys) -> tuple[int, list[str]]:
    """`kizuna validate PATH`: its exit code and the problems it printed."""
    code = main(["validate", str(path)])
    return code, capsys.readouterr().out.splitlines()


def rewrite_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    """Change one part of an .xlsx (or zip) in place, as another program than openpyxl would have written it."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[member] = change(parts.get(member, b""))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def sheet_part(path: Path, title: str) -> str:
    return f"xl/worksheets/sheet{TABLES.index(title) + 1}.xml"


# --- what organisers really do in Excel, and is fine ------------------------------------------------------------


def test_the_minimal_program_as_a_workbook_loads_like_its_csv_folder(tmp_path: Path) -> None:
    path = saved(minimal_workbook(), tmp_path)
    assert export_ics(load_program(path)) == export_ics(load_program(MINIMAL))


def as_text_with_spaces(workbook: Workbook) -> None:
    """Dates and times typed as text, numbers stored as text, stray spaces around everything."""
    for sheet in workbook.worksheets:
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                value = cell.value
                if isinstance(value, datetime):
                    cell.value = f" {value:%Y-%m-%d} "
                elif isinstance(value, time):
                    cell.value = f"{value:%H:%M} "
                elif value is not None:
                    cell.value = f"  {value}"


def trailing_rows_and_columns(workbook: Workbook) -> None:
    sessions = workbook["sessions"]
    sessions.cell(row=5000, column=40).value = "   "  # a stray space far below and to the right
    sessions.cell(row=9, column=3).number_format = "hh:mm"  # a formatted, empty cell


def extra_sheet(workbook: Workbook) -> None:
    workbook.create_sheet("Notes")["A1"] = "call the hotel"


@pytest.mark.parametrize("change", [as_text_with_spaces, trailing_rows_and_columns, extra_sheet])
def test_what_excel_users_type_reads_as_the_same_program(tmp_path: Path, change) -> None:
    workbook = minimal_workbook()
    change(workbook)
    path = saved(workbook, tmp_path)
    reading = read_source(path)
    assert reading.problems == []
    assert export_ics(reading.program) == export_ics(load_program(MINIMAL))


def test_an_unknown_sheet_is_ignored_with_a_notice(tmp_path: Path, capsys) -> None:
    workbook = minimal_workbook()
    extra_sheet(workbook)
    assert main(["validate", str(saved(workbook, tmp_path))]) == 0
    output = capsys.readouterr()
    assert output.out == ""
    assert "note: program.xlsx: sheet 'Notes' is not part of a program; ignored" in output.err.splitlines()


def test_a_formula_with_a_saved_value_reads_as_that_value(tmp_path: Path) -> None:
    path = saved(minimal_workbook(), tmp_path)
    part = sheet_part(path, "sessions")
    # L2 (order) holds 1; Excel would write the formula beside its last calculated value
    rewrite_member(
        path, part, lambda xml: re.sub(rb'<c r="L2"([^>]*)><v>1</v></c>', rb'<c r="L2"\1><f>0+1</f><v>1</v></c>', xml)
    )
    assert b"<f>0+1</f>" in zipfile.ZipFile(path).read(part)
    assert read_source(path).problems == []


def test_the_ids_and_versions_of_a_workbook_follow_its_bytes(tmp_path: Path) -> None:
    first = saved(minimal_workbook(), tmp_path, "a.xlsx")
    workbook = minimal_workbook()
    workbook["sessions"]["H2"] = "Participants arrive"
    second = saved(workbook, tmp_path, "b.xlsx")
    assert data_hash(first) != data_hash(second)
    assert data_hash(first) == data_hash(first)


# --- broken workbooks: exactly these problems, at these cells ---------------------------------------------------


def delete_column(sheet_name: str, header: str) -> Callable[[Workbook], None]:
    def change(workbook: Workbook) -> None:
        sheet = workbook[sheet_name]
        index = [cell.value for cell in sheet[1]].index(header) + 1
        sheet.delete_cols(index)

    return change


def set_cell(sheet_name: str, cell: str, value) -> Callable[[Workbook], None]:
    def change(workbook: Workbook) -> None:
        workbook[sheet_name][cell] = value

    return change


def merge(sheet_name: str, cells: str) -> Callable[[Workbook], None]:
    def change(workbook: Workbook) -> None:
        workbook[sheet_name].merge_cells(cells)

    return change


def remove_sheet(name: str) -> Callable[[Workbook], None]:
    def change(workbook: Workbook) -> None:
        workbook.remove(workbook[name])

    return change


def rename_sheet(name: str, new: str) -> Callable[[Workbook], None]:
    def change(workbook: Workbook) -> None:
        workbook[name].title = new

    return change


KNOWN_VENUES = "city-hall, osaka-castle, tokyo-station"
BROKEN: dict[str, tuple[Callable[[Workbook], None], list[str]]] = {
    "impossible-date-as-text": (
        set_cell("sessions", "B3", "2020-02-30"),
        ["program.xlsx: sessions!B3: date: '2020-02-30' is not a date (YYYY-MM-DD)"],
    ),
    "date-in-another-format": (
        set_cell("sessions", "B3", "3/2/2020"),
        ["program.xlsx: sessions!B3: date: '3/2/2020' is not a date (YYYY-MM-DD)"],
    ),
    "excel-date-outside-the-program": (
        set_cell("sessions", "B2", datetime(2020, 3, 9)),
        ["program.xlsx: sessions!B2: date: 2020-03-09 is outside the program's dates (2020-03-02 to 2020-03-04)"],
    ),
    "time-out-of-range-as-text": (
        set_cell("sessions", "C3", "25:00"),
        ["program.xlsx: sessions!C3: start: '25:00' is not a time (HH:MM, 24-hour)"],
    ),
    "end-before-start-as-excel-times": (
        set_cell("sessions", "D3", time(9, 0)),
        ["program.xlsx: sessions!D3: end: end 09:00 is not after start 09:30"],
    ),
    "unknown-venue": (
        set_cell("sessions", "G2", "nowhere"),
        [f"program.xlsx: sessions!G2: venue: unknown venue 'nowhere'; known: {KNOWN_VENUES}"],
    ),
    "unknown-city-in-venues": (
        set_cell("venues", "E2", "kyoto"),
        ["program.xlsx: venues!E2: city: unknown city 'kyoto'; known: osaka, tokyo"],
    ),
    "unknown-kind": (
        set_cell("sessions", "J5", "party"),
        [
            "program.xlsx: sessions!J5: kind: 'party' is not one of: "
            "arrival, lecture, visit, briefing, courtesy-call, exchange, transfer, overnight, departure"
        ],
    ),
    "duplicate-session-id": (
        set_cell("sessions", "A3", "arrival"),
        ["program.xlsx: sessions!A3: id: duplicate id 'arrival' (first on row 2)"],
    ),
    "latitude-out-of-range": (
        set_cell("cities", "E3", 134.69),
        ["program.xlsx: cities!E3: lat: 134.69 is out of range (-90 to 90)"],
    ),
    "number-that-is-not-one": (
        set_cell("sessions", "L4", "first"),
        ["program.xlsx: sessions!L4: order: 'first' is not a whole number (0 or more)"],
    ),
    "empty-required-cell": (
        set_cell("sessions", "H4", None),
        ["program.xlsx: sessions!H4: title: required value is empty"],
    ),
    "missing-sheet": (remove_sheet("venues"), ["program.xlsx: venues: sheet is missing"]),
    "misnamed-sheet": (
        rename_sheet("themes", "Themes 2020"),
        ["program.xlsx: themes: sheet is missing"],
    ),
    "missing-column": (
        delete_column("sessions", "kind"),
        ["program.xlsx: sessions!1:1: kind: column is missing"],
    ),
    "unknown-column": (
        set_cell("sessions", "O1", "notes"),
        [
            "program.xlsx: sessions!O1: notes: unknown column; expected id, date, start, end, city, to_city, venue, "
            "title, description, kind, themes, order, status, revision"
        ],
    ),
    "formula-without-saved-value": (
        set_cell("sessions", "L2", "=0+1"),
        ["program.xlsx: sessions!L2: order: formula =0+1 has no saved value; open the file in Excel and save it again"],
    ),
    "merged-cells": (
        merge("sessions", "E4:E5"),
        ["program.xlsx: sessions!E4:E5: merged cells: unmerge them and fill in each cell"],
    ),
    "two-program-rows": (
        lambda workbook: workbook["program"].append(
            ["other-2020", *(cell.value for cell in workbook["program"][2][1:])]
        ),
        ["program.xlsx: program!3:3: only one program row is allowed"],
    ),
    "huge-cell": (
        set_cell("sessions", "I2", "x" * 20_000),
        ["program.xlsx: sessions!I2: description: cell holds 20,000 characters; the limit is 10,000"],
    ),
    "bad-timezone": (
        set_cell("program", "F2", "Tokyo"),
        ["program.xlsx: program!F2: timezone: 'Tokyo' is not a known IANA time zone (e.g. Asia/Tokyo)"],
    ),
}


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_workbook_reports_exactly_its_problems_at_their_cells(tmp_path: Path, capsys, name: str) -> None:
    change, expected = BROKEN[name]
    workbook = minimal_workbook()
    change(workbook)
    assert report(saved(workbook, tmp_path), capsys) == (1, expected)


def test_every_problem_of_a_workbook_is_reported_at_once(tmp_path: Path, capsys) -> None:
    workbook = minimal_workbook()
    names = ("huge-cell", "bad-timezone", "latitude-out-of-range", "unknown-city-in-venues", "unknown-venue")
    for name in names:
        BROKEN[name][0](workbook)
    code, lines = report(saved(workbook, tmp_path), capsys)
    # a row left out for its own problem is no longer among the known cities or venues of the next
    assert (code, [line.split("; known")[0] for line in lines]) == (
        1,
        [BROKEN[name][1][0].split("; known")[0] for name in names],
    )


# --- hostile files: a clear error, in bounded time and memory ---------------------------------------------------


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def hostile_renamed_text(folder: Path) -> Path:
    path = folder / "program.xlsx"
    path.write_text("id,title\nthis is a CSV file renamed to .xlsx\n")
    return path


def hostile_zip_without_workbook(folder: Path) -> Path:
    return write_zip(folder / "program.xlsx", {"hello.txt": b"not a workbook"})


def hostile_macros(folder: Path) -> Path:
    path = saved(minimal_workbook(), folder)
    rewrite_member(path, "xl/vbaProject.bin", lambda _: b"\xd0\xcf\x11\xe0 macros")
    return path


def hostile_xlsm(folder: Path) -> Path:
    return saved(minimal_workbook(), folder, "program.xlsm")


def hostile_external_links(folder: Path) -> Path:
    path = saved(minimal_workbook(), folder)
    rewrite_member(path, "xl/externalLinks/externalLink1.xml", lambda _: b"<externalLink/>")
    return path


def hostile_external_links_in_other_case(folder: Path) -> Path:
    path = saved(minimal_workbook(), folder)
    rewrite_member(path, "XL/ExternalLinks/externalLink1.xml", lambda _: b"<externalLink/>")
    return path


def hostile_bomb(folder: Path) -> Path:
    path = saved(minimal_workbook(), folder)
    rewrite_member(path, "xl/media/padding.bin", lambda _: bytes(8 * 2**20))  # 8 MiB of zeros, packed to ~8 kB
    return path


def hostile_traversal(folder: Path) -> Path:
    members = {f"../../{table}.csv": (MINIMAL / f"{table}.csv").read_bytes() for table in TABLES}
    return write_zip(folder / "program.zip", members)


def hostile_oversized(folder: Path) -> Path:
    path = folder / "program.xlsx"
    with open(path, "wb") as file:
        file.truncate(21 * 2**20)
    return path


HOSTILE = {
    "renamed-csv": (
        hostile_renamed_text,
        "program.xlsx: is not an Excel workbook (.xlsx) (it cannot be opened as one)",
    ),
    "zip-without-workbook": (
        hostile_zip_without_workbook,
        "program.xlsx: is not an Excel workbook (.xlsx): it has no workbook part; save it from Excel as .xlsx",
    ),
    "macros-inside": (hostile_macros, "program.xlsx: holds macros; save it as 'Excel Workbook (.xlsx)' without them"),
    "xlsm": (
        hostile_xlsm,
        "program.xlsm: macro-enabled workbooks (.xlsm) are not accepted; save it as 'Excel Workbook (.xlsx)'",
    ),
    "external-links": (
        hostile_external_links,
        "program.xlsx: links to other workbooks (external links); break the links in Excel (Data → Edit Links)",
    ),
    "external-links-in-other-case": (
        hostile_external_links_in_other_case,
        "program.xlsx: links to other workbooks (external links)",
    ),
    "zip-bomb": (hostile_bomb, "program.xlsx: member 'xl/media/padding.bin' unpacks to "),
    "path-traversal": (hostile_traversal, "program.zip: member name '../../program.csv' points outside the archive"),
    "over-the-size-limit": (hostile_oversized, "program.xlsx: file is 21.0 MiB; the limit is 20 MiB"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_gets_one_clear_problem(tmp_path: Path, capsys, name: str) -> None:
    make, expected = HOSTILE[name]
    code, lines = report(make(tmp_path), capsys)
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith(expected), lines


def test_a_zip_bomb_is_refused_by_its_ratio_with_the_limit_named(tmp_path: Path, capsys) -> None:
    _, lines = report(hostile_bomb(tmp_path), capsys)
    assert re.fullmatch(r".*unpacks to [\d,]+× its size; the limit is 200×", lines[0]), lines


def test_a_million_empty_rows_end_where_the_values_end(tmp_path: Path) -> None:
    """Excel's used range can reach row 1,048,576 with formatted, empty cells: the table ends at its last value."""
    workbook = minimal_workbook()
    sheet = workbook["sessions"]
    for row in range(10, 1_048_577, 1_000):
        sheet.cell(row=row, column=1).number_format = "@"
    sheet.cell(row=1_048_576, column=30).number_format = "@"
    path = saved(workbook, tmp_path)
    assert read_source(path).problems == []
    assert len(read_tables(path, ["sessions.csv"]).records["sessions.csv"]) == 5


def test_a_value_far_below_empty_rows_is_still_read(tmp_path: Path) -> None:
    workbook = minimal_workbook()
    workbook["sessions"].cell(row=30_000, column=1).value = "lost-session"
    problems = read_source(saved(workbook, tmp_path)).problems
    assert problems
    assert all(re.match(r"program\.xlsx: sessions![A-Z]+30000: ", str(p)) for p in problems), problems


def test_too_many_rows_is_one_problem_naming_the_limit(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sources, "MAX_ROWS", 3)
    problems = read_source(saved(minimal_workbook(), tmp_path)).problems
    assert "program.xlsx: sessions: has values down to row 5; the limit is 3 rows" in [str(p) for p in problems]


# --- zip archives and CSV encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize("inside", ["", "mini-2020/"])
def test_a_zip_of_the_folder_loads_like_the_folder(tmp_path: Path, inside: str) -> None:
    members = {f"{inside}{table}.csv": (MINIMAL / f"{table}.csv").read_bytes() for table in TABLES}
    members["__MACOSX/._program.csv"] = b"\x00\x05\x16\x07"
    path = write_zip(tmp_path / "program.zip", members)
    assert export_ics(load_program(path)) == export_ics(load_program(MINIMAL))


def test_problems_in_a_zip_name_the_member_and_row(tmp_path: Path, capsys) -> None:
    members = {f"mini/{table}.csv": (MINIMAL / f"{table}.csv").read_bytes() for table in TABLES if table != "countries"}
    members["mini/sessions.csv"] = members["mini/sessions.csv"].replace(b"2020-03-03", b"2020-3-3")
    del members["mini/venues.csv"]
    code, lines = report(write_zip(tmp_path / "program.zip", members), capsys)
    assert (code, lines) == (
        1,
        [
            "program.zip: venues.csv is missing from the archive",
            "program.zip: mini/sessions.csv:4: date: '2020-3-3' is not a date (YYYY-MM-DD)",
        ],
    )


def test_csv_saved_by_japanese_excel_cp932_is_read(tmp_path: Path) -> None:
    for table in TABLES:
        text = (MINIMAL / f"{table}.csv").read_text(encoding="utf-8")
        (tmp_path / f"{table}.csv").write_bytes(text.encode("cp932"))
    program = load_program(tmp_path)
    assert program.venues["tokyo-station"].name_ja == "東京駅"


def test_a_utf8_file_with_a_bom_stays_utf8(tmp_path: Path) -> None:
    for table in TABLES:
        text = (MINIMAL / f"{table}.csv").read_text(encoding="utf-8")
        (tmp_path / f"{table}.csv").write_bytes(text.encode("utf-8-sig"))
    assert load_program(tmp_path).cities["osaka"].name_ja == "大阪"


def test_bytes_neither_utf8_nor_japanese_get_the_save_as_message(tmp_path: Path, capsys) -> None:
    for table in TABLES:
        (tmp_path / f"{table}.csv").write_bytes((MINIMAL / f"{table}.csv").read_bytes())
    sessions = tmp_path / "sessions.csv"
    sessions.write_bytes(sessions.read_bytes().replace(b"A morning lecture.", b"Caf\xe9, then a lecture."))
    assert report(tmp_path, capsys) == (
        1,
        ["sessions.csv:3: file is not UTF-8 (byte 0xe9) nor Japanese CP932; save it as 'CSV UTF-8'"],
    )


def test_a_workbook_cell_starting_with_equals_typed_as_text_stays_text(tmp_path: Path) -> None:
    workbook = minimal_workbook()
    cell = workbook["sessions"]["I2"]
    cell.value = '=HYPERLINK("http://example.com")'
    cell.data_type = "s"  # typed with a leading apostrophe in Excel: text, not a formula
    program = load_program(saved(workbook, tmp_path))
    assert program.sessions_by_id["arrival"].description == '=HYPERLINK("http://example.com")'
    assert load_workbook(tmp_path / "program.xlsx")["sessions"]["I2"].data_type == "s"


def test_the_date_of_a_session_can_be_an_excel_date_without_a_format(tmp_path: Path) -> None:
    workbook = minimal_workbook()
    workbook["sessions"]["B2"] = date(2020, 3, 2)
    assert read_source(saved(workbook, tmp_path)).problems == []


# --- what probing the Organisers page found: each hostile upload is one problem, read in the worker -------------


@pytest.mark.parametrize("name", hostile.CASES)
def test_an_upload_found_hostile_from_outside_is_one_problem_naming_it(tmp_path: Path, capsys, name: str) -> None:
    code, lines = report(hostile.write(name, tmp_path), capsys)
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith(hostile.CASES[name][2]), lines


def test_a_million_problems_are_the_first_thousand_and_a_count(tmp_path: Path, capsys) -> None:
    """A CSV of empty-ish rows gave 2.1 million problems (600 MB); organisers need the first ones and the count."""
    path = tmp_path / "program.zip"
    path.write_bytes(hostile.minimal_zip(sessions=hostile.csv_text(hostile.many_sessions(0) + [["x"]] * 40_000)))
    code, lines = report(path, capsys)
    assert code == 1
    assert len(lines) == loading.MAX_PROBLEMS + 1
    assert re.fullmatch(r"\(more\): and [\d,]+ more problems not listed: .*", lines[-1]), lines[-1]
    assert int(re.search(r"and ([\d,]+) more", lines[-1])[1].replace(",", "")) > 200_000


def test_rows_without_positions_are_counted_as_the_reader_places_them(tmp_path: Path) -> None:
    rows = hostile.records("sessions")
    path = tmp_path / "program.xlsx"
    path.write_bytes(hostile.minimal_workbook(sessions=hostile.sheet(hostile.rows_xml(rows, positions=False))))
    assert read_source(path).problems == []
    assert sources.sheet_extent(hostile.sheet(hostile.rows_xml(hostile.many_sessions(9), positions=False))) == (10, 14)


def test_merged_cells_over_a_whole_sheet_are_one_problem_without_listing_their_cells(tmp_path: Path) -> None:
    """A1:XFD1000 took 82 s and 2.1 GB: every cell of the range went into a set."""
    merged = '<mergeCells count="1"><mergeCell ref="A1:XFD1000"/></mergeCells>'
    path = tmp_path / "program.xlsx"
    rows = hostile.records("sessions")
    path.write_bytes(hostile.minimal_workbook(sessions=hostile.sheet(hostile.rows_xml(rows), merged)))
    tables = read_tables(path, ["sessions.csv"])
    assert tables.merged == [("sessions", 1, 1, 1000, 16384)]
    assert tables.reported("sessions!XFD1000")
    assert not tables.reported("sessions!A1001")
    assert [str(p) for p in read_source(path).problems] == [
        "program.xlsx: sessions!A1:XFD1000: merged cells: unmerge them and fill in each cell"
    ]


def test_elements_with_a_namespace_prefix_are_measured_too() -> None:
    part = b'<x:worksheet xmlns:x="m"><x:sheetData><x:row r="1"><x:c r="XFD1048576" t="n"><x:v>1</x:v></x:c>'
    assert sources.sheet_extent(part) == (1_048_576, 16_384)


@pytest.mark.parametrize(
    ("part", "old", "new"),
    [
        ("xl/_rels/workbook.xml.rels", b"<Relationship ", b'<Relationship Id="rId1" Target="x.xml"/><Relationship '),
        ("xl/_rels/workbook.xml.rels", b"</Relationships>", b'<Other Id="rId9" Target="x.xml"/></Relationships>'),
        ("xl/workbook.xml", b' r:id="rId5"', b' r:id="rId5" xmlns:q="' + hostile.RELS.encode() + b'" q:id="rId1"'),
    ],
    ids=["relationship-id-twice", "relationship-of-another-kind", "sheet-with-two-ids"],
)
def test_a_workbook_other_readers_could_resolve_otherwise_is_damaged(
    tmp_path: Path, part: str, old: bytes, new: bytes
) -> None:
    """Where the reading library and our own look at the package could pick different parts, a limit checked on
    one part would not bound the other: such a workbook is refused."""
    path = tmp_path / "program.xlsx"
    path.write_bytes(
        hostile.with_parts(hostile.minimal_workbook(), lambda n, d: d.replace(old, new, 1) if n == part else d)
    )
    assert [str(p) for p in read_source(path).problems] == [
        "program.xlsx: cannot be read as a workbook (its parts are damaged)"
    ]
