"""The loader and `kizuna validate`: each broken fixture reports exactly its expected.txt; the 2019 program is clean."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from datetime import date, time
from pathlib import Path

import pytest

from kizuna.checks import loading
from kizuna.checks.loading import ProgramInvalid, load_program, problem_row, validate_program
from kizuna.program.model import KINDS, PRECISIONS, Program
from kizuna.program.problems import Problem

ROOT = Path(__file__).resolve().parent.parent
DATA_2019 = ROOT / "data" / "2019"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL = FIXTURES / "good" / "minimal"
BROKEN = sorted(path for path in (FIXTURES / "broken").iterdir() if path.is_dir())

LOADER_BUGS: dict[str, str] = {}  # fixture name -> reason, for a known bug pinned as xfail(strict=True)


def expected(folder: Path) -> list[str]:
    return (folder / "expected.txt").read_text(encoding="utf-8").splitlines()


def reported(folder: Path) -> list[str]:
    return [str(problem) for problem in validate_program(folder)]


def broken_cases(with_known_bugs: bool) -> list:
    def marks(name: str) -> list[pytest.MarkDecorator]:
        bug = LOADER_BUGS.get(name) if with_known_bugs else None
        return [pytest.mark.xfail(strict=True, reason=bug)] if bug else []

    return [pytest.param(folder, id=folder.name, marks=marks(folder.name)) for folder in BROKEN]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def run_validate(folder: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    command = [sys.executable, "-m", "kizuna", "validate", str(folder)]
    return subprocess.run(command, capture_output=True, encoding="utf-8", cwd=ROOT, env=env, timeout=120)


def test_has_enough_broken_fixtures() -> None:
    assert len(BROKEN) >= 24
    assert all((folder / "expected.txt").is_file() for folder in BROKEN)


def test_minimal_program_loads_times_and_date_only_sessions() -> None:
    program = load_program(MINIMAL)
    sessions = program.sessions_by_id
    assert len(sessions) == 4
    assert (sessions["lecture-tourism"].start, sessions["lecture-tourism"].end) == (time(9, 30), time(11, 0))
    assert (sessions["arrival"].start, sessions["arrival"].end) == (None, None)
    assert sessions["transfer-to-osaka"].to_city == "osaka"
    assert sessions["visit-osaka-castle"].themes == ("tourism", "culture")
    assert program.themes["culture"].colour == "#1B998B"
    assert [country.country for country in program.countries] == ["Japan", "Thailand"]


@pytest.mark.parametrize("folder", broken_cases(with_known_bugs=True))
def test_reports_exactly_the_expected_problems(folder: Path) -> None:
    assert reported(folder) == expected(folder)


def test_collects_problems_from_several_files(tmp_path: Path) -> None:
    folder = tmp_path / "program"
    shutil.copytree(MINIMAL, folder)
    edit(folder / "program.csv", ",Asia/Tokyo,", ",Tokyo,")
    edit(folder / "sessions.csv", "09:30,11:00", "11:00,09:30")
    edit(folder / "countries.csv", "Thailand,Bangkok,13.7519", "Thailand,Bangkok,-91")
    assert reported(folder) == [
        "program.csv:2: timezone: 'Tokyo' is not a known IANA time zone (e.g. Asia/Tokyo)",
        "sessions.csv:3: end: end 09:30 is not after start 11:00",
        "countries.csv:3: lat: -91 is out of range (-90 to 90)",
    ]


def test_reports_a_missing_program_folder(tmp_path: Path) -> None:
    assert reported(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: program folder not found"]


def test_load_program_raises_program_invalid_with_every_problem() -> None:
    folder = FIXTURES / "broken" / "end-before-start"
    with pytest.raises(ProgramInvalid) as raised:
        load_program(folder)
    assert [str(problem) for problem in raised.value.problems] == expected(folder)


@pytest.fixture(scope="module")
def program_2019() -> Program:
    return load_program(DATA_2019)


def test_2019_program_has_no_problems() -> None:
    assert validate_program(DATA_2019) == []


def test_2019_has_19_sessions_in_the_seminar_week(program_2019: Program) -> None:
    assert len(program_2019.sessions) == 19
    assert (program_2019.start_date, program_2019.end_date) == (date(2019, 12, 15), date(2019, 12, 21))
    assert all(date(2019, 12, 15) <= session.date <= date(2019, 12, 21) for session in program_2019.sessions)


def test_2019_sessions_have_no_clock_times(program_2019: Program) -> None:
    assert [s.id for s in program_2019.sessions if s.start or s.end] == []


def test_2019_every_non_logistics_session_has_a_theme(program_2019: Program) -> None:
    assert [s.id for s in program_2019.sessions if not s.is_logistics and not s.themes] == []


def test_2019_cities_are_tokyo_and_shimonoseki(program_2019: Program) -> None:
    assert set(program_2019.cities) == {"tokyo", "shimonoseki"}


def test_2019_logistics_follow_the_report(program_2019: Program) -> None:
    logistics = {(s.date.day, s.kind, s.city, s.to_city) for s in program_2019.sessions if s.is_logistics}
    assert {
        (15, "arrival", "tokyo", None),
        (17, "transfer", "tokyo", "shimonoseki"),
        (20, "transfer", "shimonoseki", "tokyo"),
        (20, "overnight", "tokyo", None),
        (21, "departure", "tokyo", None),
    } <= logistics


@pytest.mark.parametrize(
    ("name", "day"),
    [
        ("Chofu Garden", 18),
        ("Mori Museum", 18),
        ("Tsunoshima Bridge", 19),
        ("Tsunoshima Lighthouse", 19),
        ("Karato Market", 20),
    ],
)
def test_2019_named_visits_are_on_their_day(program_2019: Program, name: str, day: int) -> None:
    days = {session.date for session in program_2019.sessions if name in session.title}
    assert days == {date(2019, 12, day)}


def test_2019_venue_precisions_are_allowed(program_2019: Program) -> None:
    assert {venue.precision for venue in program_2019.venues.values()} <= set(PRECISIONS)


def test_2019_every_venue_has_its_address_in_japanese_and_says_where_it_is_not_verified(
    program_2019: Program,
) -> None:
    for venue in program_2019.venues.values():
        assert re.search(r"[\u4e00-\u9fff]", venue.address_ja), venue.id
        assert ("not verified" in venue.address) == ("住所未確認" in venue.address_ja), venue.id
        assert program_2019.cities[venue.city].name_ja in venue.address_ja, venue.id


def test_a_venues_file_made_before_address_ja_existed_still_loads(tmp_path: Path, program_2019: Program) -> None:
    folder = tmp_path / "old"
    shutil.copytree(DATA_2019, folder)
    venues = folder / "venues.csv"
    rows = list(csv.reader(venues.open(encoding="utf-8", newline="")))
    drop = rows[0].index("address_ja")
    with venues.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([row[:drop] + row[drop + 1 :] for row in rows])
    old = load_program(folder)
    assert {venue.address_ja for venue in old.venues.values()} == {""}
    assert old.venues.keys() == program_2019.venues.keys()
    assert [venue.address for venue in old.venues.values()] == [v.address for v in program_2019.venues.values()]


def test_a_venues_file_missing_an_older_column_is_still_a_problem(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(DATA_2019, folder)
    edit(folder / "venues.csv", "id,name,name_ja,address,address_ja,", "id,name,name_ja,address_ja,")
    assert [str(p) for p in validate_program(folder)] == ["venues.csv:1: address: column is missing"]


def test_2019_has_nine_countries(program_2019: Program) -> None:
    assert len(program_2019.countries) == 9


def test_cli_accepts_the_2019_program() -> None:
    result = run_validate(DATA_2019)
    assert (result.returncode, result.stdout) == (0, "")


@pytest.mark.parametrize("folder", broken_cases(with_known_bugs=False))
def test_cli_prints_exactly_the_problems_and_exits_1_for_every_broken_folder(folder: Path) -> None:
    result = run_validate(folder)
    assert "Traceback" not in result.stderr
    assert (result.returncode, result.stdout.splitlines()) == (1, expected(folder))


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("2147483648", "2147483648 is out of range"),
        ("9" * 5000, "is out of range (0 to 2,147,483,647)"),  # int() of it raised past 4,300 digits
        ("١٢", "'١٢' is not a whole number"),
    ],
)
def test_a_revision_or_order_fits_a_calendars_sequence(cell: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        loading.whole_number(cell)


@pytest.mark.parametrize(
    ("cell", "meant"),
    [
        ("9.30", "09:30"),  # a time typed as a number
        ("9.3", "09:30"),  # ... which Excel keeps as 9.3
        ("9,30", "09:30"),
        ("9h30", "09:30"),
        ("930", "09:30"),
        ("2130", "21:30"),
        ("9:30 AM", "09:30"),
        ("9:30 p.m.", "21:30"),
        ("12 am", "00:00"),
        ("9時30分", "09:30"),
        ("午後2時半", "14:30"),
        ("９時３０分", "09:30"),
        ("0.3958333333333333", "09:30"),  # Excel's own number for the time, its format lost
    ],
)
def test_a_time_typed_another_common_way_says_how_to_write_it(cell: str, meant: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(repr(cell))} is not a time: write {meant}$"):
        loading.parse_time(cell)


@pytest.mark.parametrize("cell", ["25.00", "9.75", "13 pm", "24:00", "1260", "9", "soon"])
def test_a_cell_that_is_no_time_at_all_gets_the_general_message(cell: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(repr(cell))} is not a time \\(HH:MM, 24-hour\\)$"):
        loading.parse_time(cell)


@pytest.mark.parametrize(
    ("cell", "listed"),
    [
        ("tourism, culture", "tourism;culture"),
        ("tourism,culture", "tourism;culture"),
        ("tourism culture", "tourism;culture"),
        ("Tourism, Culture", "tourism;culture"),
        ("tourism、culture", "tourism;culture"),
        ("tourism, culture;food", "tourism;culture;food"),
    ],
)
def test_themes_separated_by_commas_or_spaces_say_to_separate_them_with_semicolons(cell: str, listed: str) -> None:
    message = f"{cell!r} is not a list of theme slugs: separate them with ; ({listed})"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        loading.parse_slugs(cell)


@pytest.mark.parametrize(
    ("cell", "fix"),
    [
        ("Karato Market", ": write karato-market"),
        ("karato_market", ": write karato-market"),
        ("Osaka--Castle", ": write osaka-castle"),
        ("唐戸市場", ""),  # no slug stands for it: the general message
        ("karato market!", ""),
    ],
)
def test_a_slug_typed_as_a_name_says_its_slug_form(cell: str, fix: str) -> None:
    message = f"{cell!r} is not a slug (lower-case letters, digits and single hyphens){fix}"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        loading.parse_slug(cell)


def test_a_theme_with_a_capital_among_semicolons_says_its_slug_form() -> None:
    with pytest.raises(
        ValueError,
        match=re.escape("'Culture' is not a slug (lower-case letters, digits and single hyphens): write culture"),
    ):
        loading.parse_slugs("tourism;Culture")


@pytest.mark.parametrize(
    ("file", "old", "new", "problem"),
    [
        (
            "sessions.csv",
            ",osaka-castle,Visit",
            ",osaka-castel,Visit",
            "sessions.csv:5: venue: unknown venue 'osaka-castel'; did you mean 'osaka-castle'? "
            "known: city-hall, osaka-castle, tokyo-station",
        ),
        (
            "venues.csv",
            'Chuo-ku, Osaka",osaka,',
            'Chuo-ku, Osaka",oosaka,',
            "venues.csv:4: city: unknown city 'oosaka'; did you mean 'osaka'? known: osaka, tokyo",
        ),
        (
            "sessions.csv",
            "visit,tourism;culture",
            "visit,tourism;cultures",
            "sessions.csv:5: themes: unknown theme 'cultures'; did you mean 'culture'? known: culture, tourism",
        ),
    ],
)
def test_an_unknown_id_close_to_a_known_one_asks_if_it_was_meant(
    tmp_path: Path, file: str, old: str, new: str, problem: str
) -> None:
    folder = tmp_path / "program"
    shutil.copytree(MINIMAL, folder)
    edit(folder / file, old, new)
    assert reported(folder) == [problem]


def test_kyoto_is_not_offered_tokyo_nor_osaka_dome_osaka_castle() -> None:
    """Different places that merely look alike get no "did you mean": the list of known ids says the rest."""
    assert loading.nearest("kyoto", ("osaka", "tokyo")) is None
    assert loading.nearest("osaka-dome", ("city-hall", "osaka-castle", "tokyo-station")) is None


@pytest.mark.parametrize(("cell", "guess"), [("Lecture", "lecture"), ("visits", "visit"), ("excursion", None)])
def test_a_kind_not_allowed_asks_if_the_nearest_was_meant(cell: str, guess: str | None) -> None:
    hint = f"; did you mean {guess!r}?" if guess else ""
    with pytest.raises(
        ValueError, match=re.escape(f"{cell!r} is not one of: arrival,") + f".*departure{re.escape(hint)}$"
    ):
        loading.one_of(KINDS)(cell)


def test_an_unknown_id_among_thousands_lists_a_few_and_guesses_within_its_budget() -> None:
    """A file of 50,000 venues and 50,000 sessions naming none of them: short messages, a bounded search."""
    known = {f"venue-{number}": None for number in range(50_000)}
    table = loading.Table("venues.csv", readable=True)
    refs = loading.References("venue", table, known)
    messages = [refs.problem("venue", f"elsewhere-{number}")[1] for number in range(50_000)]
    listed = ", ".join(sorted(known)[: loading.MAX_LISTED])
    assert messages[0] == f"unknown venue 'elsewhere-0'; known: {listed}, … (50,000 in all)"
    assert refs.work <= loading.MAX_GUESS_WORK


def test_ids_too_long_to_be_real_are_neither_guessed_nor_quoted_whole() -> None:
    """199-character ids of 'a' and 'b' made difflib's every comparison cost 3 ms: 330 s for one hostile file."""
    known = {"ab" * 99 + str(number): None for number in range(100)}
    refs = loading.References("city", loading.Table("cities.csv", readable=True), known)
    column, message = refs.problem("city", "ba" * 99)
    assert (column, refs.work) == ("city", 0)
    assert len(message) < 45 * (loading.MAX_LISTED + 3)
    assert "did you mean" not in message


@pytest.mark.parametrize(
    ("problem", "row"),
    [
        (
            Problem("p.xlsx", 7, "start", "bad", "sessions!C7"),
            {"file or sheet": "p.xlsx › sessions", "cell or row": "C7", "column": "start", "problem": "bad"},
        ),
        (
            Problem("p.xlsx", 7, None, "row", "sessions!7:7"),
            {"file or sheet": "p.xlsx › sessions", "cell or row": "row 7", "column": "", "problem": "row"},
        ),
        (
            Problem("p.xlsx", None, None, "sheet is missing", "venues"),
            {"file or sheet": "p.xlsx › venues", "cell or row": "", "column": "", "problem": "sheet is missing"},
        ),
        (
            Problem("p.xlsx", None, None, "holds macros"),
            {"file or sheet": "p.xlsx", "cell or row": "", "column": "", "problem": "holds macros"},
        ),
        (
            Problem("p.zip", 7, "id", "bad", "2020/sessions.csv:7"),
            {"file or sheet": "p.zip › 2020/sessions.csv", "cell or row": "row 7", "column": "id", "problem": "bad"},
        ),
        (
            Problem("sessions.csv", 3, "id", "bad"),
            {"file or sheet": "sessions.csv", "cell or row": "row 3", "column": "id", "problem": "bad"},
        ),
    ],
)
def test_a_problem_row_names_the_sheet_and_cell_or_the_file_and_row(problem: Problem, row: dict) -> None:
    assert problem_row(problem) == row
