"""Uploads from the Organisers page: file names never trusted, problems as the table and the report show them."""

from __future__ import annotations

import gettext
from pathlib import Path

import hostile
import pytest
from test_sources import HOSTILE, MINIMAL, minimal_workbook, saved

from kizuna import i18n
from kizuna.cli import main
from kizuna.i18n import speaking
from kizuna.program.problems import shown
from kizuna.publishing.uploads import (
    ACCEPTED_TYPES,
    TABLES,
    Upload,
    check_upload,
    report,
    report_name,
    save_upload,
    shown_name,
    upload_refusal,
)


def minimal_csv(*names: str) -> list[Upload]:
    return [Upload(name, (MINIMAL / name).read_bytes()) for name in names or TABLES]


def test_a_workbook_upload_reads_like_the_file(tmp_path: Path) -> None:
    path = saved(minimal_workbook(), tmp_path)
    checked = check_upload([Upload("Program 2020.xlsx", path.read_bytes())])
    assert checked.valid
    assert checked.program.id == "mini-2020"
    assert checked.name == "Program 2020.xlsx"


def test_the_csv_files_upload_together(tmp_path: Path) -> None:
    checked = check_upload(minimal_csv())
    assert checked.valid
    assert checked.name == "6 CSV files"


def test_missing_csv_files_are_named() -> None:
    checked = check_upload(minimal_csv("program.csv", "themes.csv"))
    assert [str(p) for p in checked.problems] == [
        "cities.csv: file is missing",
        "venues.csv: file is missing",
        "sessions.csv: file is missing",
    ]


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\sessions.csv", "sessions.csv"),
        ("evil\x00name\r\n.csv", "evilname .csv"),
        ("a" * 200 + ".xlsx", "a" * 79 + "…"),
    ],
)
def test_a_browser_file_name_is_shown_only_cleaned(name: str, shown: str) -> None:
    assert shown_name(name) == shown


@pytest.mark.parametrize("name", ["../../sessions.csv", "notes.csv", "program.csv.exe", ".csv"])
def test_a_csv_upload_is_accepted_only_under_a_table_name(tmp_path: Path, name: str) -> None:
    files = [*minimal_csv("program.csv", "themes.csv"), Upload(name, b"id\n")]
    refused = upload_refusal(files)
    if name == "../../sessions.csv":  # its last part is a table's name: saved as that, inside the folder
        assert refused == []
        folder = save_upload(files, tmp_path)
        assert sorted(p.name for p in folder.iterdir()) == ["program.csv", "sessions.csv", "themes.csv"]
        assert folder.parent == tmp_path
        return
    assert len(refused) == 1
    assert "is not one of a program's files" in refused[0].message


def test_a_table_uploaded_twice_is_refused() -> None:
    refused = upload_refusal([*minimal_csv("themes.csv"), Upload("THEMES.csv", b"")])
    assert [str(p) for p in refused] == ["THEMES.csv: uploaded twice"]


def test_a_workbook_goes_alone() -> None:
    files = [Upload("program.xlsx", b"PK"), *minimal_csv("themes.csv")]
    assert [str(p) for p in upload_refusal(files)] == [
        "program.xlsx: a workbook or a .zip goes alone: upload it by itself, or only the CSV files together"
    ]


def offered(kind: str, folder: Path) -> list[Upload]:
    """The minimal program as a file of each type the upload widget offers."""
    if kind == "csv":
        return minimal_csv()
    data = saved(minimal_workbook(), folder).read_bytes() if kind == "xlsx" else hostile.minimal_zip()
    return [Upload(f"program.{kind}", data)]


@pytest.mark.parametrize("kind", ACCEPTED_TYPES)
def test_every_type_the_upload_widget_offers_can_be_a_valid_program(kind: str, tmp_path: Path) -> None:
    checked = check_upload(offered(kind, tmp_path))
    assert checked.valid, checked.problems


def test_an_xlsm_is_not_offered_and_one_that_arrives_anyway_is_refused_with_the_reason(tmp_path: Path) -> None:
    assert "xlsm" not in ACCEPTED_TYPES
    path = saved(minimal_workbook(), tmp_path, "program.xlsm")
    checked = check_upload([Upload("program.xlsm", path.read_bytes())])
    assert [str(p) for p in checked.problems] == [
        "program.xlsm: macro-enabled workbooks (.xlsm) are not accepted; save it as 'Excel Workbook (.xlsx)'"
    ]


def test_a_workbook_is_saved_under_our_own_name(tmp_path: Path) -> None:
    path = save_upload([Upload("../../../tmp/x.XLSX", b"PK")], tmp_path)
    assert path == tmp_path / "upload.xlsx"


def test_a_file_over_the_limit_is_refused_before_it_is_saved(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kizuna.publishing.uploads.MAX_FILE_BYTES", 10)
    refused = upload_refusal([Upload("program.xlsx", bytes(11))])
    assert [str(p) for p in refused] == ["program.xlsx: file is 0.0 MiB; the limit is 0 MiB"]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_upload_gets_the_one_clear_problem_validate_gives(tmp_path: Path, name: str) -> None:
    make, expected = HOSTILE[name]
    path = make(tmp_path)
    checked = check_upload([Upload(path.name, path.read_bytes())])
    assert len(checked.problems) == 1, checked.problems
    assert str(checked.problems[0]).startswith(expected)
    assert not checked.valid


def test_the_report_is_what_kizuna_validate_prints(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    workbook = minimal_workbook()
    workbook["sessions"]["C2"] = "25:00"
    workbook.create_sheet("notes")
    path = saved(workbook, tmp_path, "mini.xlsx")
    checked = check_upload([Upload("mini.xlsx", path.read_bytes())])
    assert main(["validate", str(path)]) == 1
    assert report(checked.problems) == capsys.readouterr().out
    assert checked.notices == ("mini.xlsx: sheet 'notes' is not part of a program; ignored",)
    assert report_name(checked) == "mini-problems.txt"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("x/../Plan 2030 <b>.xlsx", "Plan-2030--b-problems.txt"), ("6 CSV files", "program-problems.txt")],
)
def test_the_report_file_name_is_plain(name: str, expected: str) -> None:
    checked = check_upload([Upload(name, b"")]) if name.endswith(".xlsx") else check_upload(minimal_csv("themes.csv"))
    assert report_name(checked) == expected


class Wrapped(gettext.NullTranslations):
    """A fake Japanese catalogue: each message marked ⟦…⟧."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"


def fake_japanese(lang: str, domain: str) -> gettext.NullTranslations:
    return Wrapped() if lang == "ja" else gettext.NullTranslations()


def test_what_an_upload_is_told_is_read_in_the_language_of_whoever_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Checked once and kept in the browser session, then shown in the language the page speaks at each run."""
    monkeypatch.setattr(i18n, "catalogue", fake_japanese)
    checked = check_upload([*minimal_csv("program.csv", "themes.csv"), Upload("notes.txt", b"")])
    assert checked.name == "3 files"  # the English text itself, as logs and tests read it
    (refused,) = checked.problems
    refusal = f"is not one of a program's files ({', '.join(TABLES)}), a workbook (.xlsx) or a .zip"
    assert str(refused) == f"notes.txt: {refusal}"
    with speaking("ja"):
        assert shown(checked.name) == "⟦3 files⟧"
        assert str(refused) == f"notes.txt: ⟦{refusal}⟧"
    assert shown(checked.name) == "3 files"
