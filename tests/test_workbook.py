"""Writing a program for organisers: the Excel template, folders and zips, and `kizuna template` / `convert`.

What is written is read back by the same reader as any organiser's file (`kizuna.checks.sources`), so a round trip
tests the writer against the reader, and the calendars of both programs must be the same bytes.
"""

from __future__ import annotations

import io
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kizuna.calendars.ics import export_ics
from kizuna.checks.loading import OPTIONAL_FILES, SCHEMA, load_program
from kizuna.checks.sources import read_tables
from kizuna.checks.workbook import (
    TABLE_ORDER,
    VALIDATED_ROWS,
    Records,
    empty_tables,
    template_header,
    workbook_bytes,
    write_folder,
    write_workbook,
    write_zip,
)
from kizuna.cli import main
from kizuna.program.model import CONFIDENCES, KINDS, PRECISIONS, STATUSES, THEME_GROUPS

ROOT = Path(__file__).resolve().parent.parent
DATA_2019 = ROOT / "data" / "2019"
GOOD = sorted(path for path in (Path(__file__).parent / "fixtures" / "good").iterdir() if path.is_dir())
MINIMAL = Path(__file__).parent / "fixtures" / "good" / "minimal"
COLUMNS = {name: [column.name for column in columns] for name, columns in SCHEMA.items()}
SHEETS = ["instructions", "program", "themes", "cities", "venues", "sessions", "countries"]


def records(path: Path) -> Records:
    tables = read_tables(path, list(SCHEMA), OPTIONAL_FILES)
    assert tables.problems == []
    return tables.records


def padded(tables: Records) -> Records:
    """Rows as wide as their header: a workbook does not keep empty cells at a row's end, a CSV file does."""
    return {name: [[*row, *[""] * (len(rows[0]) - len(row))] for row in rows] for name, rows in tables.items() if rows}


def template(tmp_path: Path, *options: str) -> Path:
    path = tmp_path / "program.xlsx"
    assert main(["template", "-o", str(path), *options]) == 0
    return path


def validations(path: Path, sheet: str) -> dict[str, tuple]:
    """Column header -> (type, list source, range) of the data validation on that column, which must be one
    that Excel enforces (a warning for references)."""
    worksheet = load_workbook(path)[sheet]
    header = {cell.column_letter: cell.value for cell in worksheet[1]}
    found = {}
    for validation in worksheet.data_validations.dataValidation:
        (cells,) = str(validation.sqref).split()
        column = header[cells.split(":")[0].rstrip("0123456789")]
        found[column] = (validation.type, validation.formula1, cells)
        if validation.type is not None:
            assert validation.showErrorMessage, column
            assert validation.errorStyle == ("warning" if "!" in validation.formula1 else None), column
    return found


def test_the_blank_template_has_the_instructions_first_then_every_sheet_with_a_bold_frozen_header(
    tmp_path: Path,
) -> None:
    workbook = load_workbook(template(tmp_path))
    assert workbook.sheetnames == SHEETS
    assert workbook.active.title == "instructions"
    for name in TABLE_ORDER:
        sheet = workbook[name.removesuffix(".csv")]
        assert [cell.value for cell in sheet[1]] == template_header(name)
        assert [column for column in template_header(name) if column in COLUMNS[name]] == COLUMNS[name]
        assert sheet.max_row == 1
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.freeze_panes == "A2"
        assert all(8 <= sheet.column_dimensions[cell.column_letter].width <= 50 for cell in sheet[1])
    assert workbook["instructions"].freeze_panes == "A2"


def test_a_workbook_can_leave_the_instructions_out(tmp_path: Path) -> None:
    write_workbook(records(MINIMAL), tmp_path / "program.xlsx", instructions=False)
    assert load_workbook(tmp_path / "program.xlsx").sheetnames == SHEETS[1:]


def test_the_instructions_explain_every_column_with_its_allowed_values(tmp_path: Path) -> None:
    rows = list(load_workbook(template(tmp_path))["instructions"].iter_rows(values_only=True))
    assert rows[0] == ("sheet", "column", "required?", "meaning", "allowed values / format", "example")
    described = {(sheet, column): row for sheet, column, *row in rows[1:] if column}
    expected = {(name.removesuffix(".csv"), column) for name in SCHEMA for column in template_header(name)}
    assert set(described) == expected
    assert all(meaning and allowed for _, meaning, allowed, _ in described.values())
    assert described["sessions", "kind"][2] == f"one of: {', '.join(KINDS)} (dropdown)"
    assert described["venues", "precision"][2] == f"one of: {', '.join(PRECISIONS)} (dropdown)"
    assert described["sessions", "to_city"][0] == "transfers only"
    assert described["program", "updated"][3] == "2026-11-26T00:00:00Z"


def test_dropdowns_offer_the_vocabularies_and_the_ids_of_the_other_sheets(tmp_path: Path) -> None:
    path = template(tmp_path, "--example")
    cities, venues = "cities!$A$2:$A$2001", "venues!$A$2:$A$2001"
    sessions = validations(path, "sessions")
    assert sessions["kind"] == ("list", '"' + ",".join(KINDS) + '"', f"L2:L{VALIDATED_ROWS + 1}")  # after 2 *_ja
    assert sessions["status"][:2] == ("list", '"' + ",".join(STATUSES) + '"')
    assert (sessions["city"][1], sessions["to_city"][1], sessions["venue"][1]) == (cities, cities, venues)
    assert sessions["order"][0] == sessions["revision"][0] == "whole"
    venue_checks = validations(path, "venues")
    assert venue_checks["city"][1] == cities
    assert venue_checks["precision"][1] == '"' + ",".join(PRECISIONS) + '"'
    assert venue_checks["confidence"][1] == '"' + ",".join(CONFIDENCES) + '"'
    assert venue_checks["lat"][0] == venue_checks["lon"][0] == "decimal"
    assert validations(path, "themes")["group"][1] == '"' + ",".join(THEME_GROUPS) + '"'


def test_the_themes_column_takes_several_slugs_so_it_only_prompts_with_them(tmp_path: Path) -> None:
    validation = next(
        check
        for check in load_workbook(template(tmp_path, "--example"))["sessions"].data_validations.dataValidation
        if str(check.sqref) == f"M2:M{VALIDATED_ROWS + 1}"
    )
    assert validation.type is None
    assert validation.prompt.startswith("Theme slugs separated by semicolons (;). In the themes sheet: tourism-")


def test_a_long_list_of_themes_is_cut_to_what_excel_accepts_in_a_prompt() -> None:
    tables = empty_tables()
    tables["themes.csv"] += [[f"theme-number-{n}", "T", "#000000", "topic", ""] for n in range(40)]
    with zipfile.ZipFile(io.BytesIO(workbook_bytes(tables))) as archive:
        part = archive.read("xl/worksheets/sheet6.xml").decode()
    prompt = part.split('prompt="')[1].split('"')[0]
    assert len(prompt) <= 255
    assert prompt.endswith("…")


def test_dates_times_and_numbers_are_typed_cells_and_updated_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "minimal.xlsx"
    write_workbook(records(MINIMAL), path)
    workbook = load_workbook(path)
    program, sessions, cities = workbook["program"], workbook["sessions"], workbook["cities"]
    for cell in (program["D2"], program["E2"], sessions["B3"]):
        assert cell.is_date
        assert cell.number_format == "yyyy-mm-dd"
    assert sessions["C3"].is_date
    assert sessions["C3"].number_format == "hh:mm"
    assert (sessions["C3"].value.hour, sessions["C3"].value.minute) == (9, 30)
    assert (cities["E2"].data_type, cities["L2"].value) == ("n", None)
    assert (sessions["L3"].value, sessions["N3"].value) == (2, 0)
    assert (program["H2"].data_type, program["H2"].value) == ("s", "2020-03-01T00:00:00Z")


@pytest.mark.parametrize("text", ["=1+1", "@SUM(A1)", "+81 3 1234", "-dash", '=HYPERLINK("http://x.invalid")'])
def test_text_that_looks_like_a_formula_is_written_as_text_and_read_back_the_same(tmp_path: Path, text: str) -> None:
    tables = records(MINIMAL)
    tables["sessions.csv"][2][7] = text  # lecture-tourism's title
    path = tmp_path / "program.xlsx"
    write_workbook(tables, path)
    cell = load_workbook(path)["sessions"]["H3"]
    assert (cell.data_type, cell.value) == ("s", text)
    with zipfile.ZipFile(path) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet6.xml").decode()
    assert records(path)["sessions.csv"][2][7] == text
    assert load_program(path).sessions_by_id["lecture-tourism"].title == text


def test_kizuna_validate_finds_nothing_wrong_in_the_example_template(tmp_path: Path, capsys) -> None:
    path = template(tmp_path, "--example")
    capsys.readouterr()
    assert main(["validate", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"{path}: valid\n"


@pytest.mark.parametrize("folder", [DATA_2019, *GOOD], ids=lambda path: path.name)
def test_workbook_to_folder_to_workbook_loses_nothing(tmp_path: Path, folder: Path) -> None:
    first = tmp_path / "first.xlsx"
    write_workbook(records(folder), first)
    write_folder(records(first), tmp_path / "folder")
    second = tmp_path / "second.xlsx"
    write_workbook(records(tmp_path / "folder"), second)
    assert padded(records(second)) == padded(records(first))
    assert second.read_bytes() == first.read_bytes()


@pytest.mark.parametrize("folder", [DATA_2019, *GOOD], ids=lambda path: path.name)
def test_folder_to_workbook_to_folder_exports_the_same_calendar(tmp_path: Path, folder: Path) -> None:
    assert main(["convert", str(folder), str(tmp_path / "program.xlsx")]) == 0
    assert main(["convert", str(tmp_path / "program.xlsx"), str(tmp_path / "back")]) == 0
    assert export_ics(load_program(tmp_path / "back")) == export_ics(load_program(folder))


def test_a_folder_is_written_in_the_dialect_of_data_2019(tmp_path: Path) -> None:
    """UTF-8 without BOM, "\\n", quotes only where needed: the minimal fixture comes back byte for byte."""
    write_folder(records(MINIMAL), tmp_path)
    for name in TABLE_ORDER:
        assert (tmp_path / name).read_bytes() == (MINIMAL / name).read_bytes(), name
    write_folder(records(DATA_2019), tmp_path)
    for name in set(TABLE_ORDER) - {"venues.csv"}:  # venues.csv quotes one cell that needs no quotes
        assert (tmp_path / name).read_bytes() == (DATA_2019 / name).read_bytes(), name
    assert records(tmp_path) == records(DATA_2019)


def test_a_zip_holds_the_csv_files_at_its_root_with_the_programs_updated_time(tmp_path: Path) -> None:
    write_zip(records(MINIMAL), tmp_path / "program.zip")
    with zipfile.ZipFile(tmp_path / "program.zip") as archive:
        assert archive.namelist() == list(TABLE_ORDER)
        assert {info.date_time for info in archive.infolist()} == {(2020, 3, 1, 0, 0, 0)}
        assert archive.read("sessions.csv") == (MINIMAL / "sessions.csv").read_bytes()


def test_the_same_tables_give_the_same_bytes_whenever_they_are_written(tmp_path: Path, monkeypatch) -> None:
    tables = records(DATA_2019)
    first_workbook, first_zip = workbook_bytes(tables), tmp_path / "first.zip"
    write_zip(tables, first_zip)
    later = time.time() + 86_400 * 400
    monkeypatch.setattr(time, "time", lambda: later)
    assert workbook_bytes(tables) == first_workbook
    write_zip(tables, tmp_path / "second.zip")
    assert (tmp_path / "second.zip").read_bytes() == first_zip.read_bytes()
    properties = load_workbook(io.BytesIO(first_workbook)).properties
    updated = load_program(DATA_2019).updated
    assert properties.created == properties.modified == updated.replace(tzinfo=None)


def test_convert_will_not_overwrite_without_force(tmp_path: Path, capsys) -> None:
    destination = tmp_path / "program.xlsx"
    destination.write_bytes(b"the organiser's own work")
    assert main(["convert", str(MINIMAL), str(destination)]) == 2
    assert "exists; add --force" in capsys.readouterr().err
    assert destination.read_bytes() == b"the organiser's own work"
    assert main(["convert", str(MINIMAL), str(destination), "--force"]) == 0
    assert export_ics(load_program(destination)) == export_ics(load_program(MINIMAL))


def test_template_will_not_overwrite_a_filled_in_workbook_and_writes_only_xlsx(tmp_path: Path, capsys) -> None:
    path = template(tmp_path)
    assert main(["template", "-o", str(path)]) == 2
    assert main(["template", "-o", str(tmp_path / "program.zip")]) == 2
    assert main(["template", "-o", str(path), "--force", "--example"]) == 0
    assert load_program(path).id == "clair-seminar-2019"


def test_convert_into_an_empty_folder_needs_no_force(tmp_path: Path) -> None:
    (tmp_path / "next-year").mkdir()
    assert main(["convert", str(MINIMAL), str(tmp_path / "next-year")]) == 0
    assert sorted(path.name for path in (tmp_path / "next-year").iterdir()) == sorted(TABLE_ORDER)


def test_convert_with_force_replaces_the_program_files_and_nothing_else(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(MINIMAL, source)
    (source / "countries.csv").unlink()  # optional: the converted program must not keep the old one
    destination = tmp_path / "destination"
    shutil.copytree(DATA_2019, destination)
    (destination / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["convert", str(source), str(destination), "--force"]) == 0
    assert not (destination / "countries.csv").exists()
    assert (destination / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert load_program(destination).countries == ()


def test_an_invalid_program_is_not_converted_and_its_problems_are_printed_as_validate_prints_them(
    tmp_path: Path, capsys
) -> None:
    broken = Path(__file__).parent / "fixtures" / "broken" / "unknown-venue"
    assert main(["validate", str(broken)]) == 1
    problems = capsys.readouterr().out
    assert main(["convert", str(broken), str(tmp_path / "program.xlsx")]) == 1
    assert capsys.readouterr().err == problems
    assert not (tmp_path / "program.xlsx").exists()


def test_convert_takes_a_program_id_from_the_programs_directory(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("KIZUNA_PROGRAM", raising=False)
    monkeypatch.setenv("KIZUNA_PROGRAMS", str(ROOT / "data"))
    monkeypatch.chdir(tmp_path)
    assert main(["convert", "clair-seminar-2019", "program.zip"]) == 0
    assert export_ics(load_program(tmp_path / "program.zip")) == export_ics(load_program(DATA_2019))
    assert main(["convert", "no-such-seminar", "other.zip"]) == 2


def test_convert_onto_its_own_source_is_a_usage_error(tmp_path: Path) -> None:
    shutil.copytree(MINIMAL, tmp_path / "program")
    assert main(["convert", str(tmp_path / "program"), str(tmp_path / "program"), "--force"]) == 2


@pytest.mark.parametrize("text", ["=1+1", "@SUM(A1)", "+81 3 1234", "-dash", "'=already marked", "=-1"])
def test_csv_for_excel_marks_what_it_would_run_as_a_formula_and_reads_it_back_unchanged(
    tmp_path: Path, text: str
) -> None:
    """OWASP's advice on CSV injection: a cell Excel would run starts with a quote, which the reader takes off."""
    tables = records(MINIMAL)
    tables["sessions.csv"][2][7] = text
    write_folder(tables, tmp_path / "folder")
    written = (tmp_path / "folder" / "sessions.csv").read_text(encoding="utf-8")
    assert f"'{text}" in written
    assert records(tmp_path / "folder")["sessions.csv"][2][7] == text
    assert main(["convert", str(tmp_path / "folder"), str(tmp_path / "program.xlsx")]) == 0
    assert load_workbook(tmp_path / "program.xlsx")["sessions"]["H3"].value == text
    assert load_program(tmp_path / "program.xlsx").sessions_by_id["lecture-tourism"].title == text


@pytest.mark.parametrize("number", ["-73.9", "+5", "-0.5e3"])
def test_negative_numbers_stay_numbers_in_csv(tmp_path: Path, number: str) -> None:
    tables = records(MINIMAL)
    tables["sessions.csv"][2][7] = number
    write_folder(tables, tmp_path)
    assert f",{number}," in (tmp_path / "sessions.csv").read_text(encoding="utf-8")
    assert records(tmp_path)["sessions.csv"][2][7] == number


@pytest.mark.parametrize("text", ["\tcmd", "x\n=1+1"])
def test_csv_cells_starting_with_a_tab_are_marked_too(tmp_path: Path, text: str) -> None:
    tables = records(MINIMAL)
    tables["sessions.csv"][2][8] = text  # its description
    write_folder(tables, tmp_path)
    assert records(tmp_path)["sessions.csv"][2][8] == text
    assert (f"'{text}" in (tmp_path / "sessions.csv").read_text(encoding="utf-8")) == (not text.startswith("x"))


def test_the_problems_report_marks_a_line_excel_would_run(tmp_path: Path) -> None:
    from kizuna.program.problems import Problem
    from kizuna.publishing.uploads import report

    lines = report([Problem("=HYPERLINK(1).xlsx", None, None, "is not a workbook"), Problem("a.csv", 2, None, "x")])
    assert lines == "'=HYPERLINK(1).xlsx: is not a workbook\na.csv:2: x\n"
