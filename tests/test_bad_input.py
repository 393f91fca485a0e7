"""Bad input never breaks the dashboard: broken data, hostile text and random links."""

from __future__ import annotations

import random
import re
import string
from pathlib import Path

import pandas as pd
import pytest
from checkers import calcurse_days, ical_js_events, require
from pages import card_texts, card_title
from streamlit.testing.v1 import AppTest

from kizuna.filtering import Filter
from kizuna.ics import export_ics
from kizuna.loading import load_program
from kizuna.text import one_line, plain

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BROKEN = sorted(path for path in (FIXTURES / "broken").iterdir() if path.is_dir())
HOSTILE = FIXTURES / "good" / "hostile-text"


def run_app(monkeypatch: pytest.MonkeyPatch, folder: Path, query: dict | None = None) -> AppTest:
    monkeypatch.setenv("KIZUNA_PROGRAM", str(folder))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize("folder", BROKEN, ids=[path.name for path in BROKEN])
def test_every_broken_program_shows_its_problems_in_a_panel_not_a_traceback(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = run_app(monkeypatch, folder)
    assert not at.exception, [e.value for e in at.exception]
    expected = (folder / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert at.code[0].value.splitlines() == expected
    assert f"{len(expected)} problem(s)" in at.error[0].value
    rows = at.dataframe[0].value.to_dict("records")
    assert len(rows) == len(expected)
    for row, line in zip(rows, expected, strict=True):
        where = row["file"] if pd.isna(row["row"]) else f"{row['file']}:{int(row['row'])}"
        assert line.startswith(f"{where}: "), (row, line)
        assert line.endswith(row["problem"]), (row, line)


def test_hostile_text_is_shown_as_the_same_text(monkeypatch: pytest.MonkeyPatch) -> None:
    program = load_program(HOSTILE)
    at = run_app(monkeypatch, HOSTILE)
    assert not at.exception, [e.value for e in at.exception]
    labels = [button.label for button in at.button if button.key and button.key.startswith("agenda-")]
    assert len(labels) == len(program.sessions)
    for session, label in zip(program.sessions, labels, strict=True):
        assert label.endswith(plain(session.title))


def test_hostile_text_card_escapes_title_description_and_venue(monkeypatch: pytest.MonkeyPatch) -> None:
    program = load_program(HOSTILE)
    session = program.sessions[0]
    at = run_app(monkeypatch, HOSTILE, {"session": session.id})
    assert not at.exception
    shown = [squash(text) for text in [*card_texts(at), card_title(at)]]
    assert squash(plain(session.title)) in shown
    assert squash(plain(session.description)) in shown
    assert any(plain(program.venues[session.venue_id].name) in text for text in shown)


def squash(text: str) -> str:
    """Streamlit trims blank lines' spaces; the rendered text is the same."""
    return re.sub(r"\s+", " ", text)


def test_hostile_text_exports_to_calendars_that_calcurse_and_ical_js_accept(tmp_path: Path) -> None:
    require("calcurse")
    require("node")
    program = load_program(HOSTILE)
    path = tmp_path / "hostile.ics"
    path.write_bytes(export_ics(program, Filter()))
    events = ical_js_events(path)["events"]
    by_uid = {event["uid"].split("@")[0]: event for event in events}
    for session in program.sessions:
        event = by_uid[session.id]
        assert event["summary"] == one_line(session.title)
        assert event["description"].startswith(session.description.replace("\r", ""))
    shown = calcurse_days(path, "2020-03-01", 6)
    assert sum(shown.values()) == len(program.sessions)


def random_query(rng: random.Random) -> dict[str, list[str]]:
    keys = ["theme", "city", "day", "kind", "session", "show", "embed", "", "x" * 300, "<b>", "théme"]
    alphabet = string.printable + "日本語🏯\u202e\u0000\ufffd"
    values = ["tourism-promotion", "tokyo", "2019-12-18", "visit", "visit-jnto", "home", "2019-02-30", "-1", ""]
    query: dict[str, list[str]] = {}
    for _ in range(rng.randint(0, 6)):
        key = rng.choice(keys) if rng.random() < 0.8 else "".join(rng.choices(alphabet, k=rng.randint(1, 20)))
        count = rng.choice([1, 1, 2, 3, 60])
        query[key] = [
            rng.choice(values) if rng.random() < 0.5 else "".join(rng.choices(alphabet, k=rng.randint(0, 120)))
            for _ in range(count)
        ]
    return query


@pytest.mark.slow
def test_a_thousand_random_links_render_without_an_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each link is opened as a new visit would be: the view is read again from the query string."""
    monkeypatch.setenv("KIZUNA_PROGRAM", str(ROOT / "data" / "2019"))
    rng = random.Random(20191215)
    at = AppTest.from_file(APP, default_timeout=60).run()
    for attempt in range(1_000):
        query = random_query(rng)
        at.query_params.clear()
        for key, values in query.items():
            at.query_params[key] = values
        del at.session_state["restored"]
        at.run()
        assert not at.exception, (attempt, query, [e.value for e in at.exception])
        assert at.title, (attempt, query)
