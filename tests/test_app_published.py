"""The dashboard (AppTest) serving published programs beside the directory's: picker, links, pinned versions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from directories import TWO, programs_directory, set_program_id
from pages import dashboard
from streamlit.testing.v1 import AppTest

from kizuna.program.text import plain
from kizuna.publishing import published
from kizuna.publishing.store import Store

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "good" / "minimal"
SETTINGS = ("KIZUNA_PROGRAM", "KIZUNA_DEFAULT_PROGRAM", "KIZUNA_BASE_URL", "KIZUNA_MAP_STYLE", "KIZUNA_DATABASE_URL")


@pytest.fixture(autouse=True)
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Two programs in the directory, feeds to a folder of the test's own, no default database file."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KIZUNA_PROGRAMS", str(programs_directory(tmp_path / "programs", TWO)))
    monkeypatch.setenv("KIZUNA_STATIC_DIR", str(tmp_path / "static"))
    monkeypatch.setattr(published, "DEFAULT_DATABASE", tmp_path / "var" / "kizuna.sqlite3")


def publish(database: Store, tmp_path: Path, name: str, program_id: str = "next-2031", title: str = "") -> int:
    """Publish a copy of the minimal program (another id, and title), and let the page see it at once."""
    folder = tmp_path / name
    shutil.copytree(MINIMAL, folder)
    set_program_id(folder, program_id)
    if title:
        program_csv = folder / "program.csv"
        program_csv.write_text(program_csv.read_text().replace("Minimal Test Program", title), encoding="utf-8")
    number = database.publish(folder).version.number
    published.look_again()
    return number


def picker(at: AppTest):
    return next(box for box in at.sidebar.selectbox if box.label == "Seminar")


def params(at: AppTest) -> dict[str, list[str]]:
    return {key: value if isinstance(value, list) else [value] for key, value in at.query_params.items()}


def test_without_a_database_visiting_the_page_creates_none(tmp_path: Path) -> None:
    at = dashboard()
    assert picker(at).options[0].startswith("Program Across Two Months")
    assert not (tmp_path / "var").exists()


def test_a_published_program_is_in_the_picker_and_its_link_opens_it(database: Store, tmp_path: Path) -> None:
    publish(database, tmp_path, "next", title="Next Year's Seminar")
    at = dashboard()
    assert "Next Year's Seminar · 2–4 March 2020" in picker(at).options
    assert at.title[0].value == "Program Across Two Months"  # the minimal program starts in 2020: not the default
    at = dashboard({"program": "next-2031"})
    assert at.title[0].value == plain("Next Year's Seminar")
    assert params(at) == {"program": ["next-2031"]}  # no version: the link follows the latest
    assert "http://localhost:8501/app/static/feeds/next-2031/kizuna-2020.ics" in [c.value for c in at.code]


def test_a_link_with_a_version_shows_that_version_and_keeps_it(database: Store, tmp_path: Path) -> None:
    publish(database, tmp_path, "v1", title="First Cut")
    publish(database, tmp_path, "v2", title="Second Cut")
    at = dashboard({"program": "next-2031", "version": "1", "city": "tokyo"})
    assert at.title[0].value == "First Cut"
    assert not at.warning
    assert params(at) == {"program": ["next-2031"], "version": ["1"], "city": ["tokyo"]}
    at.multiselect(key="cities").set_value([]).run()
    assert params(at) == {"program": ["next-2031"], "version": ["1"]}  # a change of view keeps the pin
    assert dashboard({"program": "next-2031"}).title[0].value == "Second Cut"


def test_a_withdrawn_version_shows_the_latest_with_a_notice(database: Store, tmp_path: Path) -> None:
    publish(database, tmp_path, "v1", title="First Cut")
    publish(database, tmp_path, "v2", title="Second Cut")
    database.withdraw("next-2031", 1)
    published.look_again()
    at = dashboard({"program": "next-2031", "version": "1"})
    assert at.title[0].value == "Second Cut"
    (warning,) = at.warning
    assert plain("Version 1 of Second Cut was withdrawn; showing the latest, version 2.") in warning.value
    assert params(at) == {"program": ["next-2031"]}
    unknown = dashboard({"program": "next-2031", "version": "7"})
    assert "does not exist" in unknown.warning[0].value


def test_a_published_program_replaces_the_directory_program_of_the_same_id(database: Store, tmp_path: Path) -> None:
    publish(database, tmp_path, "months", program_id="months-2030", title="Months As Published")
    at = dashboard()
    assert [option.split(" · ")[0] for option in picker(at).options] == [
        "Months As Published",
        "Local Government Exchange and Cooperation Seminar 2019",
    ]
    assert at.title[0].value == "Months As Published"


def test_switching_program_drops_the_pinned_version(database: Store, tmp_path: Path) -> None:
    publish(database, tmp_path, "v1", title="First Cut")
    publish(database, tmp_path, "v2", title="Second Cut")
    at = dashboard({"program": "next-2031", "version": "1"})
    picker(at).set_value("clair-seminar-2019").run()
    assert params(at) == {"program": ["clair-seminar-2019"]}
    picker(at).set_value("next-2031").run()
    assert at.title[0].value == "Second Cut"
    assert params(at) == {"program": ["next-2031"]}


def test_a_version_for_a_directory_program_is_ignored_with_a_notice() -> None:
    at = dashboard({"program": "clair-seminar-2019", "version": "2"})
    (warning,) = at.warning
    assert plain("has no published versions; ignored version 2 in the link.") in warning.value
    assert params(at) == {"program": ["clair-seminar-2019"]}
