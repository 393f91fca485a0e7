"""The `kizuna` command run as a real process: `python -m kizuna` and the installed console script."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from checkers import calcurse_days, ical_js_events, require
from directories import TWO, edited_copy, programs_directory
from icalendar import Calendar

from kizuna import cli, config
from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.publishing.programs import DEFAULT_ENV, PROGRAMS_ENV
from kizuna.views.share import read_view

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "2019"
SCRIPT = shutil.which("kizuna", path=str(Path(sys.executable).parent))
MODULE = [sys.executable, "-m", "kizuna"]


def run(*args: str, command: list[str] = MODULE, cwd: Path = ROOT) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("KIZUNA_PROGRAM", None)
    env.pop("KIZUNA_BASE_URL", None)
    return subprocess.run([*command, *args], capture_output=True, cwd=cwd, env=env, timeout=120)


def listed(*options: str) -> list[dict]:
    result = run("list", "--json", *options)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def uids(data: bytes) -> list[str]:
    calendar = Calendar.from_ical(data)
    return [str(event["UID"]).split("@")[0] for event in calendar.walk("VEVENT")]


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def report_dates() -> dict[str, str]:
    """Session id -> date, read straight from the CSV file, not through kizuna."""
    with (DATA / "sessions.csv").open(newline="", encoding="utf-8") as file:
        return {row["id"]: row["date"] for row in csv.DictReader(file)}


@pytest.mark.parametrize(
    "options",
    [
        ["--theme", "multiculturalism"],
        ["--city", "shimonoseki"],
        ["--day", "2019-12-18"],
        ["--kind", "visit"],
        ["--id", "visit-jnto"],
        ["--theme", "tourism-promotion", "--theme", "multiculturalism", "--city", "tokyo", "--kind", "visit"],
    ],
)
def test_export_holds_exactly_the_listed_sessions(options: list[str], tmp_path: Path) -> None:
    out = tmp_path / "filtered.ics"
    result = run("export", "-o", str(out), *options)
    assert result.returncode == 0, result.stderr.decode()
    expected = [record["id"] for record in listed(*options)]
    assert expected
    assert uids(out.read_bytes()) == expected


def test_city_option_includes_the_transfer_into_that_city() -> None:
    ids = [record["id"] for record in listed("--city", "shimonoseki")]
    assert "transfer-to-shimonoseki" in ids
    assert "arrival" not in ids


def test_export_without_output_writes_the_same_bytes_to_stdout(tmp_path: Path) -> None:
    out = tmp_path / "theme.ics"
    assert run("export", "--theme", "tourism-promotion", "-o", str(out)).returncode == 0
    result = run("export", "--theme", "tourism-promotion")
    assert result.returncode == 0
    assert result.stdout == out.read_bytes()
    assert result.stdout.startswith(b"BEGIN:VCALENDAR\r\n")


def test_console_script_behaves_like_the_module(tmp_path: Path) -> None:
    if SCRIPT is None:
        pytest.skip("the kizuna console script is not installed (pip install -e .)")
    script = run("export", "--day", "2019-12-19", command=[SCRIPT])
    assert script.returncode == 0, script.stderr.decode()
    assert script.stdout == run("export", "--day", "2019-12-19").stdout
    bad = run("list", "--kind", "party", command=[SCRIPT])
    assert bad.returncode == 2
    assert b"courtesy-call" in bad.stderr


def test_list_json_fields() -> None:
    records = listed()
    assert len(records) == 19
    fields = {"id", "title", "date", "start", "end", "city", "kind", "themes", "venue", "venue_ja"}
    fields |= {"lat", "lon", "precision", "status"}
    for record in records:
        assert fields <= record.keys()
        assert record["start"] is None
        assert record["end"] is None
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", record["date"])
        assert isinstance(record["themes"], list)
        assert isinstance(record["lat"], float)
    by_id = {record["id"]: record for record in records}
    assert by_id["visit-chofu-garden"]["themes"] == ["tourism-promotion", "regional-revitalisation"]
    assert by_id["visit-chofu-garden"]["venue_ja"] == "長府庭園"
    assert {record["id"]: record["date"] for record in records} == report_dates()


@pytest.mark.parametrize(
    ("option", "value", "valid"),
    [
        ("--theme", "cooking", ["tourism-promotion", "multiculturalism", "water-supply"]),
        ("--city", "kyoto", ["tokyo", "shimonoseki"]),
        ("--day", "2019-12-22", [f"2019-12-{day}" for day in range(15, 22)]),
        ("--kind", "party", ["arrival", "lecture", "visit", "courtesy-call", "departure"]),
    ],
)
@pytest.mark.parametrize("command", ["list", "export"])
def test_unknown_value_exits_2_and_lists_valid_values(command: str, option: str, value: str, valid: list[str]) -> None:
    result = run(command, option, value)
    assert result.returncode == 2
    assert result.stdout == b""
    stderr = result.stderr.decode()
    assert value in stderr
    for known in valid:
        assert known in stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize("command", ["list", "export"])
def test_the_old_session_option_exits_2_and_names_its_new_name(command: str, capsys: pytest.CaptureFixture) -> None:
    assert cli.main([command, "--session", "visit-jnto"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--id" in captured.err
    assert "session=" in captured.err  # …and what session= means in a link


def test_id_narrows_like_the_links_id_key(capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["list", "--json", "--id", "visit-jnto", "--id", "departure"]) == 0
    assert [record["id"] for record in json.loads(capsys.readouterr().out)] == ["visit-jnto", "departure"]
    view = read_view(load_program(BUILT_IN_PROGRAM), {"id": ["visit-jnto", "departure"]})
    assert [s.id for s in view.filter.apply(load_program(BUILT_IN_PROGRAM))] == ["visit-jnto", "departure"]
    assert view.open_session is None


def test_program_option_reads_another_folder(tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(DATA, folder)
    rows = csv_rows(folder / "sessions.csv")
    title = rows[0].index("title")
    departure = next(row for row in rows if row[0] == "departure")
    departure[title] = "Participants fly home (edited copy)"
    with (folder / "sessions.csv").open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(rows)
    records = listed("--program", str(folder), "--id", "departure")
    assert [record["title"] for record in records] == ["Participants fly home (edited copy)"]
    exported = run("export", "--program", str(folder))
    assert exported.returncode == 0
    assert b"SUMMARY:Participants fly home (edited copy)" in exported.stdout
    assert uids(exported.stdout) == list(report_dates())


def corrupt(path: Path, row_id: str, column: str, value: str) -> int:
    """Set one cell; returns its spreadsheet row number (header = 1)."""
    rows = csv_rows(path)
    index = rows[0].index(column)
    number = next(n for n, row in enumerate(rows, start=1) if row[0] == row_id)
    rows[number - 1][index] = value
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(rows)
    return number


@pytest.mark.parametrize("command", [["list"], ["export"], ["export", "-o", "out.ics"]])
def test_invalid_program_exits_1_with_located_problems(command: list[str], tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(DATA, folder)
    date_row = corrupt(folder / "sessions.csv", "visit-jnto", "date", "2019-12-32")
    lat_row = corrupt(folder / "venues.csv", "karato-market", "lat", "north")
    result = run(*command, "--program", str(folder), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == b""
    assert not (tmp_path / "out.ics").exists()
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert lines
    for line in lines:
        assert re.fullmatch(r"[\w.-]+\.csv:\d+: \w+: .+", line), line
    assert any(line.startswith(f"sessions.csv:{date_row}: date: ") and "2019-12-32" in line for line in lines)
    assert any(line.startswith(f"venues.csv:{lat_row}: lat: ") and "north" in line for line in lines)


def test_whole_export_is_read_by_calcurse_and_ical_js(tmp_path: Path) -> None:
    require("calcurse")
    require("node")
    result = run("export", "-o", "all.ics", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    path = tmp_path / "all.ics"
    dates = report_dates()
    assert len(dates) == 19
    events = ical_js_events(path)["events"]
    assert {event["uid"].split("@")[0]: event["date"] for event in events} == dates
    with (DATA / "sessions.csv").open(newline="", encoding="utf-8") as file:
        expected = Counter((row["date"], row["title"]) for row in csv.DictReader(file))
    first = min(date.fromisoformat(day) for day in dates.values())
    span = (max(date.fromisoformat(day) for day in dates.values()) - first).days + 1
    assert calcurse_days(path, first.isoformat(), span) == expected


# Several programs: --program takes an id from the programs directory


@pytest.fixture
def two_programs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The 2019 program and the across-months fixture in a programs directory of their own."""
    folder = programs_directory(tmp_path / "programs", TWO)
    monkeypatch.setenv(PROGRAMS_ENV, str(folder))
    monkeypatch.delenv("KIZUNA_PROGRAM", raising=False)
    monkeypatch.delenv(DEFAULT_ENV, raising=False)
    return folder


def test_every_command_takes_a_program_id_from_the_directory(
    two_programs: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    months = load_program(two_programs / "across-months")
    assert cli.main(["list", "--json", "--program", "months-2030"]) == 0
    assert [record["id"] for record in json.loads(capsys.readouterr().out)] == [s.id for s in months.sessions]
    out = tmp_path / "months.ics"
    assert cli.main(["export", "--program", "months-2030", "--city", "osaka", "-o", str(out)]) == 0
    assert cli.main(["export", "--program", str(two_programs / "across-months"), "--city", "osaka"]) == 0
    assert out.read_bytes() == capsys.readouterr().out.encode()
    assert cli.main(["validate", "months-2030"]) == 0
    assert "across-months: valid" in capsys.readouterr().err
    assert cli.main(["feeds", "--program", "clair-seminar-2019", "-o", str(tmp_path / "static")]) == 0
    assert (tmp_path / "static" / "feeds" / "kizuna-2019.ics").is_file()
    assert not (tmp_path / "static" / "feeds" / "months-2030").exists()  # that program alone


def test_without_a_program_the_commands_use_the_directorys_default(
    two_programs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    assert cli.main(["list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["date"].startswith("2030-")  # the most recent program
    monkeypatch.setenv(DEFAULT_ENV, "clair-seminar-2019")
    assert cli.main(["list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["date"].startswith("2019-")


@pytest.mark.parametrize("command", [["list"], ["export"], ["feeds"], ["validate"]])
def test_an_unknown_program_id_exits_2_and_lists_the_known_ids(
    two_programs: Path, command: list[str], capsys: pytest.CaptureFixture
) -> None:
    shutil.copytree(ROOT / "tests" / "fixtures" / "broken" / "bad-date", two_programs / "broken")
    program = ["no-such-seminar"] if command == ["validate"] else ["--program", "no-such-seminar"]
    assert cli.main([*command, *program]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"kizuna {command[0]}: " in captured.err
    assert "'no-such-seminar'" in captured.err
    assert "known ids: months-2030, clair-seminar-2019" in captured.err
    assert "not valid: broken" in captured.err


def test_an_unknown_program_id_exits_2_from_the_real_command(two_programs: Path) -> None:
    result = run("list", "--program", "no-such-seminar")
    assert result.returncode == 2
    assert "known ids: months-2030, clair-seminar-2019" in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


SECRET_ADDRESS = "https://organiser:s3cret@kizuna.example.org/"


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--base-url", SECRET_ADDRESS],
        ["print", "--base-url", SECRET_ADDRESS, "-o", "never.pdf"],
        ["export", "--base-url", "javascript:alert(1)//"],
        ["feeds", "--base-url", "kizuna.example.org", "-o", "never"],
        ["print", "--base-url", "https://kizuna.example.org/my app/", "-o", "never.pdf"],
        ["print", "--base-url", "https://kizuna.example.org:99999/", "-o", "never.pdf"],
        ["export", "--base-url", "https://kizuna.example.org:abc/"],
    ],
)
def test_a_base_url_unfit_for_links_is_a_usage_error_that_does_not_repeat_a_password(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert "--base-url" in captured.err
    assert "s3cret" not in captured.err + captured.out
    assert list(tmp_path.iterdir()) == []


def test_kizuna_base_url_set_with_a_password_is_refused_by_the_command_and_unused_by_the_page(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(config.BASE_URL_ENV, SECRET_ADDRESS)
    assert cli.main(["export"]) == 2
    assert "KIZUNA_BASE_URL" in capsys.readouterr().err
    assert config.base_url() is None  # links fall back to the page's own address
    monkeypatch.setenv(config.BASE_URL_ENV, "https://kizuna.example.org/")
    assert config.base_url() == "https://kizuna.example.org/"
    assert "s3cret" not in caplog.text


@pytest.fixture
def published_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A store of the test's own, as the dashboard would read it, holding the minimal program in two versions."""
    from kizuna.publishing import published

    url = f"sqlite:///{tmp_path / 'kizuna.sqlite3'}"
    monkeypatch.setenv("KIZUNA_DATABASE_URL", url)
    monkeypatch.delenv("KIZUNA_PROGRAM", raising=False)
    monkeypatch.setenv(PROGRAMS_ENV, str(ROOT / "data"))
    first = shutil.copytree(ROOT / "tests" / "fixtures" / "good" / "minimal", tmp_path / "first")
    assert cli.main(["publish", str(first), "--note", "first"]) == 0
    (first / "program.csv").write_text(
        (first / "program.csv").read_text(encoding="utf-8").replace("Minimal Test Program", "Minimal Second Edition"),
        encoding="utf-8",
    )
    assert cli.main(["publish", str(first), "--note", "second"]) == 0
    published.look_again()
    return url


def test_a_published_program_is_listed_exported_and_printed_by_its_id(
    published_store: str, tmp_path: Path, capsys
) -> None:
    """The command line reads the dashboard's catalogue: the programs directory and the store."""
    capsys.readouterr()
    assert cli.main(["list", "--program", "mini-2020", "--json"]) == 0
    assert {record["id"] for record in json.loads(capsys.readouterr().out)} == {
        s.id for s in load_program(ROOT / "tests" / "fixtures" / "good" / "minimal").sessions
    }
    assert cli.main(["export", "--program", "mini-2020"]) == 0
    assert "X-WR-CALNAME:Minimal Second Edition" in capsys.readouterr().out.replace("\r\n ", "")
    assert cli.main(["export", "--program", "mini-2020", "--version", "1"]) == 0
    assert "X-WR-CALNAME:Minimal Test Program" in capsys.readouterr().out.replace("\r\n ", "")
    pdf = tmp_path / "mini.pdf"
    base = "https://kizuna.example.org/"
    assert cli.main(["print", "--program", "mini-2020", "--version", "1", "--base-url", base, "-o", str(pdf)]) == 0
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Minimal Test Program" in text
    assert "program=mini-2020" in text.replace("\n", "")
    assert "version=1" in text.replace("\n", "")


def test_a_version_that_is_not_live_or_not_published_is_refused(published_store: str, capsys) -> None:
    assert cli.main(["list", "--program", "mini-2020", "--version", "3"]) == 2
    assert "version 3 of 'mini-2020' does not exist; its live version is 2" in capsys.readouterr().err
    assert cli.main(["withdraw", "mini-2020", "1"]) == 0
    from kizuna.publishing import published

    published.look_again()
    assert cli.main(["list", "--program", "mini-2020", "--version", "1"]) == 2
    assert "version 1 of 'mini-2020' was withdrawn" in capsys.readouterr().err
    assert cli.main(["list", "--program", "clair-seminar-2019", "--version", "1"]) == 2
    assert "--version applies to the store's programs" in capsys.readouterr().err


# What a publish changes: publish --dry-run, publish, changes

MOVED = "Moved: Visit to Osaka Castle — date: Wednesday 4 March 2020 → Tuesday 3 March 2020; time: (none) → 10:00"
EDITED_CHANGES = [
    "Cancelled: Lecture: Tourism in Tokyo — status: confirmed → cancelled",
    MOVED,
    "Added: New lecture in Osaka",
    "Removed: Participants arrive in Tokyo",
]


def stored(url: str) -> tuple[str, list[int]]:
    """The store's revision and the minimal program's versions: what a command that writes nothing leaves alone."""
    from kizuna.publishing.store import Store

    with Store(url) as store:
        return store.revision(), [version.number for version in store.versions("mini-2020")]


def test_publish_dry_run_prints_what_it_would_change_and_stores_nothing(
    published_store: str, tmp_path: Path, capsys
) -> None:
    edited = edited_copy(tmp_path / "first", tmp_path / "edited")
    before = stored(published_store)
    capsys.readouterr()
    assert cli.main(["publish", str(edited), "--dry-run", "--note", "moved"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "mini-2020: dry run, nothing stored; would be published as version 3 (4 sessions)"
    assert lines[1] == "This publish moves 1 session, cancels 1, removes 1, adds 1."
    assert lines[2].startswith("  (compared with version 2, published 20")
    assert lines[3:7] == [f"  {line}" for line in EDITED_CHANGES]
    assert lines[7] == (
        "It removes 1 session: the calendar feeds keep it as cancelled, so subscribers' calendars will show it as "
        "cancelled."
    )
    assert len(lines) == 8
    assert stored(published_store) == before  # nothing written: no version, the same revision
    assert cli.main(["publish", str(edited)]) == 0
    published_lines = capsys.readouterr().out.splitlines()
    assert published_lines[0].startswith("mini-2020: published as version 3 (4 sessions) in ")
    assert published_lines[1:] == lines[1:]  # the same summary, after storing
    assert cli.main(["publish", str(edited), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("mini-2020: unchanged, the same as version 3 (published 20")
    assert out.endswith("; publishing stores nothing\n")


def test_publish_dry_run_with_no_database_says_first_version_and_makes_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    database = tmp_path / "none" / "kizuna.sqlite3"
    monkeypatch.setenv("KIZUNA_DATABASE_URL", f"sqlite:///{database}")
    assert cli.main(["publish", str(ROOT / "tests" / "fixtures" / "good" / "minimal"), "--dry-run"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "mini-2020: dry run, nothing stored; would be published as version 1 (4 sessions)",
        "This publish is the first version of mini-2020: nothing published before to compare it with.",
    ]
    assert not database.parent.exists()
    broken = tmp_path / "broken"
    shutil.copytree(ROOT / "tests" / "fixtures" / "good" / "minimal", broken)
    corrupt(broken / "sessions.csv", "arrival", "date", "2020-13-01")
    assert cli.main(["publish", str(broken), "--dry-run"]) == 1  # checked as a publish checks it
    assert "2020-13-01" in capsys.readouterr().err
    assert not database.parent.exists()


def test_changes_compares_the_live_version_with_the_one_it_replaced_and_any_two_asked_for(
    published_store: str, tmp_path: Path, capsys
) -> None:
    assert cli.main(["publish", str(edited_copy(tmp_path / "first", tmp_path / "edited")), "--note", "moved"]) == 0
    capsys.readouterr()
    assert cli.main(["changes", "mini-2020"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("mini-2020: version 3 (published 20")
    assert " against version 2 (published 20" in lines[0]
    assert lines[1] == "Version 3 moves 1 session, cancels 1, removes 1, adds 1."
    assert lines[2:] == [f"  {line}" for line in EDITED_CHANGES]
    assert cli.main(["changes", "mini-2020", "--from", "1", "--to", "2"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == ["Version 2 changes no session."]  # only the program's title
    assert cli.main(["changes", "mini-2020", "--to", "1"]) == 0
    assert "Version 1 is the first version of mini-2020" in capsys.readouterr().out
    assert cli.main(["changes", "mini-2020", "--from", "1", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["from"], record["to"], record["summary"]) == (1, 3, "moves 1 session, cancels 1, removes 1, adds 1")
    assert record["counts"] == {"moved": 1, "cancelled": 1, "removed": 1, "added": 1}
    (moved,) = [change for change in record["changes"] if change["kind"] == "moved"]
    assert moved["session"] == "visit-osaka-castle"
    assert moved["fields"] == [
        {"field": "date", "old": "Wednesday 4 March 2020", "new": "Tuesday 3 March 2020"},
        {"field": "time", "old": "", "new": "10:00"},
    ]
    (removed,) = [change for change in record["changes"] if change["kind"] == "removed"]
    assert (removed["session"], removed["after"], removed["before"]["title"]) == (
        "arrival",
        None,
        "Participants arrive in Tokyo",
    )


def test_changes_all_lists_every_publish_and_withdrawal_with_what_it_changed(
    published_store: str, tmp_path: Path, capsys
) -> None:
    assert cli.main(["publish", str(edited_copy(tmp_path / "first", tmp_path / "edited")), "--note", "moved"]) == 0
    assert cli.main(["withdraw", "mini-2020", "3"]) == 0
    capsys.readouterr()
    assert cli.main(["changes", "mini-2020", "--all"]) == 0
    lines = capsys.readouterr().out.splitlines()
    heads = [line.split("UTC  ", 1)[1] for line in lines if not line.startswith("  ")]
    assert heads == [
        'Version 1 published  "first": the first version, 4 sessions',
        'Version 2 published  "second": changes no session',
        'Version 3 published  "moved": moves 1 session, cancels 1, removes 1, adds 1',
        "Version 3 withdrawn: version 2 is shown again: moves 1 session, removes 1, adds 1, restores 1",
    ]
    assert f"  {MOVED}" in lines
    assert "  Restored: Lecture: Tourism in Tokyo — status: cancelled → confirmed" in lines
    assert cli.main(["changes", "mini-2020", "--all", "--json"]) == 0
    moments = json.loads(capsys.readouterr().out)["moments"]
    assert [(m["event"], m["version"], m["shown"], m["note"]) for m in moments] == [
        ("published", 1, 1, "first"),
        ("published", 2, 2, "second"),
        ("published", 3, 3, "moved"),
        ("withdrawn", 3, 2, "moved"),
    ]
    assert moments[0]["first"]
    assert moments[0]["changes"] == []
    assert moments[2]["counts"] == {"moved": 1, "cancelled": 1, "removed": 1, "added": 1}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["no-such-program"], "no published program 'no-such-program'; published: mini-2020"),
        (["mini-2020", "--to", "9"], "--to 9: no version 9 of 'mini-2020'; its versions: 1, 2, 3"),
        (["mini-2020", "--from", "7"], "--from 7 must be older than the live version, 2"),
        (
            ["mini-2020", "--to", "3"],
            "--to 3: version 3 of 'mini-2020' was withdrawn; its versions not withdrawn: 1, 2",
        ),
        (["mini-2020", "--from", "3", "--to", "2"], "--from 3 must be older than --to 2"),
        (["mini-2020", "--from", "2", "--to", "2"], "--from 2 must be older than --to 2"),
        (["mini-2020", "--from", "2", "--to", "4"], "--to 4: no version 4 of 'mini-2020'"),
        (["mini-2020", "--from", "3"], "--from 3 must be older than the live version, 2"),
        (["mini-2020", "--all", "--from", "1"], "--all lists every version's changes: it takes no --from or --to"),
    ],
)
def test_changes_refuses_bad_versions_with_exit_2_and_writes_nothing(
    options: list[str], message: str, published_store: str, tmp_path: Path, capsys
) -> None:
    assert cli.main(["publish", str(edited_copy(tmp_path / "first", tmp_path / "edited"))]) == 0
    assert cli.main(["withdraw", "mini-2020", "3"]) == 0
    before = stored(published_store)
    capsys.readouterr()
    assert cli.main(["changes", *options]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("kizuna changes: ")
    assert message in captured.err
    assert stored(published_store) == before


def test_changes_of_a_withdrawn_from_version_is_refused(published_store: str, capsys) -> None:
    assert cli.main(["withdraw", "mini-2020", "1"]) == 0
    capsys.readouterr()
    assert cli.main(["changes", "mini-2020", "--from", "1"]) == 2
    assert "--from 1: version 1 of 'mini-2020' was withdrawn; its versions not withdrawn: 2" in capsys.readouterr().err
    assert cli.main(["changes", "mini-2020"]) == 0  # version 2 replaced nothing still published: the first left
    assert "Version 2 is the first version of mini-2020" in capsys.readouterr().out


def test_changes_without_a_database_exits_2_and_makes_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    database = tmp_path / "none" / "kizuna.sqlite3"
    monkeypatch.setenv("KIZUNA_DATABASE_URL", f"sqlite:///{database}")
    assert cli.main(["changes", "mini-2020"]) == 2
    assert "no published program 'mini-2020'; published: (none)" in capsys.readouterr().err
    assert not database.parent.exists()


def test_the_changes_help_says_what_is_compared_by_default_and_with_all(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.main(["changes", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "the live version (the latest not withdrawn) against the version it replaced" in text
    assert "--all: the program's whole history instead, oldest first: every publish and every withdrawal" in text
