"""The programs directory: which entries are programs, the default one, ids on the command line, bad entries."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from directories import FIVE, IDS, ROOT, SOURCES, TWO, programs_directory, set_program_id

from kizuna.publishing import programs
from kizuna.publishing.programs import (
    DEFAULT_ENV,
    PROGRAMS_ENV,
    ROOT_FEEDS,
    UnknownProgram,
    configured_programs,
    feeds_folder,
    list_programs,
    resolve_program,
)


@pytest.fixture(autouse=True)
def no_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KIZUNA_PROGRAM", PROGRAMS_ENV, DEFAULT_ENV):
        monkeypatch.delenv(name, raising=False)


def test_the_repositorys_data_folder_holds_the_2019_program_alone() -> None:
    catalog = list_programs()
    assert catalog.folder == ROOT / "data"
    assert catalog.ids == ["clair-seminar-2019"]
    assert catalog.invalid == ()
    assert catalog.default.path == ROOT / "data" / "2019"
    assert "clair-seminar-2019" in ROOT_FEEDS


def test_programs_are_listed_by_id_most_recent_first_with_title_dates_and_path(tmp_path: Path) -> None:
    folder = programs_directory(tmp_path / "programs", FIVE)
    catalog = list_programs(folder)
    assert catalog.ids == ["years-2030", "months-2030", "mini-2020", "hostile-2020", "clair-seminar-2019"]
    months = catalog.find("months-2030")
    assert (months.title, months.start_date, months.end_date) == (
        "Program Across Two Months",
        date(2030, 11, 28),
        date(2030, 12, 3),
    )
    assert months.path == folder / "across-months"
    assert catalog.default.id == "years-2030"  # the latest start date


def test_the_configured_default_program_wins_when_it_is_in_the_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = programs_directory(tmp_path / "programs", FIVE)
    monkeypatch.setenv(DEFAULT_ENV, "clair-seminar-2019")
    assert list_programs(folder).default.id == "clair-seminar-2019"
    monkeypatch.setenv(DEFAULT_ENV, "no-such-program")
    assert list_programs(folder).default.id == "years-2030"


def test_hidden_entries_readme_files_other_files_and_excel_lock_files_are_not_programs(tmp_path: Path) -> None:
    folder = programs_directory(tmp_path / "programs", ("2019",))
    shutil.copytree(SOURCES["across-months"], folder / ".hidden")
    (folder / "README.md").write_text("# Programs\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a program\n", encoding="utf-8")
    (folder / "~$program.xlsx").write_bytes(b"Excel's lock file")
    catalog = list_programs(folder)
    assert catalog.ids == ["clair-seminar-2019"]
    assert catalog.invalid == ()


def test_an_invalid_program_is_listed_with_its_problems_and_the_others_stay(tmp_path: Path) -> None:
    folder = programs_directory(tmp_path / "programs", TWO)
    shutil.copytree(ROOT / "tests" / "fixtures" / "broken" / "bad-date", folder / "broken")
    (folder / "program.zip").write_bytes(b"not a zip")
    (folder / "program.xlsx").write_bytes(b"not a workbook")
    catalog = list_programs(folder)
    assert catalog.ids == ["months-2030", "clair-seminar-2019"]
    assert [entry.path.name for entry in catalog.invalid] == ["broken", "program.xlsx", "program.zip"]
    assert all(entry.problems and entry.id is None for entry in catalog.invalid)
    assert catalog.default.id == "months-2030"


def test_a_second_program_with_the_same_id_is_invalid_and_the_first_by_name_keeps_it(tmp_path: Path) -> None:
    folder = programs_directory(tmp_path / "programs", ("minimal",))
    shutil.copytree(SOURCES["hostile-text"], folder / "other")  # the fixture has minimal's id
    catalog = list_programs(folder)
    assert catalog.ids == ["mini-2020"]
    assert catalog.find("mini-2020").path == folder / "minimal"
    (duplicate,) = catalog.invalid
    assert duplicate.path == folder / "other"
    assert [str(p) for p in duplicate.problems] == ["other: id: program id 'mini-2020' is already the id of minimal"]


def test_a_rerun_only_looks_at_file_times_and_a_changed_program_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = programs_directory(tmp_path / "programs", TWO)
    reads: list[Path] = []
    original = programs.read_program
    monkeypatch.setattr(programs, "read_program", lambda path: reads.append(path) or original(path))
    first = list_programs(folder)
    assert sorted(path.name for path in reads) == ["2019", "across-months"]
    assert list_programs(folder) is first
    assert len(reads) == 2
    set_program_id(folder / "across-months", "renamed-2030")
    os.utime(folder / "across-months" / "program.csv", ns=(1, 1))  # even an older time is a change
    changed = list_programs(folder)
    assert [path.name for path in reads[2:]] == ["across-months"]
    assert changed.ids == ["renamed-2030", "clair-seminar-2019"]
    assert changed.version != first.version


def test_an_added_program_appears_on_the_next_listing(tmp_path: Path) -> None:
    folder = programs_directory(tmp_path / "programs", ("2019",))
    assert list_programs(folder).ids == ["clair-seminar-2019"]
    shutil.copytree(SOURCES["across-years"], folder / "next")
    assert list_programs(folder).ids == ["years-2030", "clair-seminar-2019"]


def test_kizuna_program_names_one_program_and_wins_over_the_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PROGRAMS_ENV, str(programs_directory(tmp_path / "programs", FIVE)))
    assert len(configured_programs().programs) == 5
    monkeypatch.setenv("KIZUNA_PROGRAM", str(SOURCES["minimal"]))
    catalog = configured_programs()
    assert catalog.folder is None
    assert catalog.ids == ["mini-2020"]
    assert resolve_program(None) == SOURCES["minimal"]


def test_a_program_value_is_a_path_when_one_exists_else_an_id_in_the_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = programs_directory(tmp_path / "programs", TWO)
    monkeypatch.setenv(PROGRAMS_ENV, str(folder))
    assert resolve_program("months-2030") == folder / "across-months"
    assert resolve_program(str(SOURCES["minimal"])) == SOURCES["minimal"]
    assert resolve_program(None) == folder / "across-months"
    monkeypatch.chdir(folder)
    (folder / "months-2030").mkdir()  # a folder of that name, here: the path wins
    assert resolve_program("months-2030") == Path("months-2030")


def test_an_unknown_program_names_the_known_ids_and_the_invalid_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = programs_directory(tmp_path / "programs", TWO)
    shutil.copytree(ROOT / "tests" / "fixtures" / "broken" / "bad-date", folder / "broken")
    monkeypatch.setenv(PROGRAMS_ENV, str(folder))
    with pytest.raises(UnknownProgram) as raised:
        resolve_program("years-2030")
    message = str(raised.value)
    assert "'years-2030'" in message
    assert "known ids: months-2030, clair-seminar-2019" in message
    assert "not valid: broken" in message


def test_a_directory_without_programs_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PROGRAMS_ENV, str(tmp_path))
    with pytest.raises(UnknownProgram, match="no program in"):
        resolve_program(None)
    assert list_programs(tmp_path).default is None


def test_the_2019_programs_feeds_stay_in_feeds_and_the_others_get_a_folder_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert feeds_folder("clair-seminar-2019") == ""
    assert feeds_folder(IDS["across-months"]) == "months-2030"
    monkeypatch.setenv("KIZUNA_PROGRAM", str(SOURCES["across-months"]))  # one program, as before the directory
    assert feeds_folder(IDS["across-months"]) == ""


def test_a_zip_of_a_program_folder_is_a_program_of_the_directory(tmp_path: Path) -> None:
    folder = programs_directory(tmp_path / "programs", ("2019",))
    shutil.make_archive(str(folder / "next-year"), "zip", root_dir=SOURCES["across-years"])
    catalog = list_programs(folder)
    assert catalog.ids == ["years-2030", "clair-seminar-2019"]
    assert catalog.find("years-2030").path == folder / "next-year.zip"
