"""Bad input never breaks the dashboard: broken data, hostile text and random links."""

from __future__ import annotations

import json
import random
import re
import string
from pathlib import Path

import pyarrow as pa
import pytest
from checkers import calcurse_days, ical_js_events, require
from google.protobuf.json_format import MessageToDict
from pages import card_texts, card_title
from streamlit.testing.v1 import AppTest
from test_text import STREAMLIT_REWRITES, text_nodes

from kizuna.calendars.ics import export_ics
from kizuna.checks.loading import load_program
from kizuna.program.filtering import Filter
from kizuna.program.text import CUT, one_line, plain, swatch
from kizuna.publishing import auth, published

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
    noun = "problem; fix it" if len(expected) == 1 else "problems; fix them"
    assert f"has {len(expected)} {noun}" in at.error[0].value
    rows = at.dataframe[0].value.to_dict("records")
    assert len(rows) == len(expected)
    for row, line in zip(rows, expected, strict=True):
        row_number = row["cell or row"].removeprefix("row ")  # a folder's CSV files: a row, never a cell
        where = f"{row['file or sheet']}:{row_number}" if row_number else row["file or sheet"]
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


MARKDOWN_FIELDS = {"body", "label", "title", "help", "placeholder"}  # the proto fields Streamlit shows as Markdown
MARKUP = (
    *("![", "](", "<img", "<a ", "<iframe", "<script", "<b>", "$", "**bold**", "_it_", "# heading", "# note", "~~"),
    *(":red[", ":blue", ":small[", ":material", ":streamlit:", ":smile:", "&amp;", "&#65;", "&lt;"),
)


def markdown_sources(at: AppTest) -> list[str]:
    """Every string of the page that Streamlit renders as Markdown: headings, text, captions and alerts, widget,
    expander, popover and tab labels, dialog titles, help texts (st.html is HTML: the page's own style only)."""
    return [text for node in nodes(at._tree) if node.type != "html" for text in markdown_fields(node)]


def nodes(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from nodes(child)


def markdown_fields(node) -> list[str]:
    proto = getattr(node, "proto", None)
    return strings(MessageToDict(proto, preserving_proto_field_name=True)) if proto is not None else []


def strings(value: object, name: str = "") -> list[str]:
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in strings(item, key)]
    return [value] if name in MARKDOWN_FIELDS and isinstance(value, str) else []


def markup_left(source: str) -> list[str]:
    """The markup of the program's text that escaping left in a Markdown source (the page's own is none of it)."""
    unescaped = re.sub(r"\\.", "", source.replace(CUT, ""))
    return [mark for mark in MARKUP if mark in unescaped]


def rewritten(source: str) -> list[str]:
    """What Streamlit would rewrite after parsing: addresses into links, shortcodes into icons, arrows."""
    return [name for piece in text_nodes(source) for name, rule in STREAMLIT_REWRITES.items() if rule.search(piece)]


def shown(source: str) -> str:
    """The characters a Markdown source of plain() text shows."""
    return squash(re.sub(r"\\(.)", r"\1", source.replace(CUT, "")))


def shown_as_text(at: AppTest) -> str:
    """The page's Markdown, checked to hold no markup of the program's and nothing Streamlit rewrites; what it shows."""
    sources = markdown_sources(at)
    assert {source: markup_left(source) for source in sources if markup_left(source)} == {}
    assert {source: rewritten(source) for source in sources if rewritten(source)} == {}
    return "\n".join(shown(source) for source in sources)


HOSTILE_SESSIONS = [session.id for session in load_program(HOSTILE).sessions]


def test_a_program_title_with_markdown_is_shown_as_its_text_not_rendered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The title went to st.title as it was: a published title's ![x](https://…) had every visitor fetch it."""
    program = load_program(HOSTILE)
    assert "![x](https://evil.example/" in program.title
    at = run_app(monkeypatch, HOSTILE)
    (title,) = at.title
    assert title.value == plain(program.title)
    assert markup_left(title.value) == []
    assert rewritten(title.value) == []
    assert title.proto.hide_anchor  # no link to the heading: its address would be made of the title


@pytest.mark.parametrize("session_id", HOSTILE_SESSIONS)
def test_every_text_of_a_hostile_program_reaches_every_markdown_surface_escaped(
    session_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = load_program(HOSTILE)
    session = program.sessions_by_id[session_id]
    venue = program.venues[session.venue_id]
    at = run_app(monkeypatch, HOSTILE, {"session": session_id})
    assert not at.exception, [e.value for e in at.exception]
    page = shown_as_text(at)
    expected = [program.title, program.summary, program.organiser, program.source, session.title, session.description]
    expected += [venue.name, venue.name_ja, venue.address, venue.note, *(s.title for s in program.sessions)]
    expected += [city.name for city in program.cities.values()]
    expected += [program.themes[slug].label for slug in session.themes]
    assert [text for text in expected if squash(text).strip() not in page] == []


def test_option_labels_and_map_labels_of_a_hostile_program_are_its_text_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Option labels, the map's tooltips and the timeline's are text where they are shown, not Markdown: no escapes."""
    program = load_program(HOSTILE)
    at = run_app(monkeypatch, HOSTILE, {"session": "lecture-tourism"})
    assert at.multiselect(key="cities").options == [city.name for city in program.cities.values()]
    themes = [f"{swatch(theme.colour)} {theme.label}" for theme in program.themes.values()]
    assert at.multiselect(key="themes").options == themes
    (deck,) = at.get("deck_gl_json_chart")
    assert json.loads(deck.proto.tooltip) == {"text": "{label}"}  # deck.gl sets a "text" tooltip as innerText
    labels = "\n".join(
        point["label"]
        for layer in json.loads(deck.proto.json)["layers"]
        for point in layer["data"]
        if isinstance(layer["data"], list) and "label" in point
    )
    assert [session.id for session in program.sessions if session.title not in labels] == []
    assert [venue.id for venue in program.venues.values() if venue.name not in labels] == []
    (timeline,) = at.get("vega_lite_chart")  # Vega's tooltip escapes the HTML in the values it shows
    rows = pa.ipc.open_stream(timeline.proto.data.data).read_all()
    assert rows.column("title").to_pylist() == [session.title for session in program.sessions]
    assert rows.column("venue").to_pylist() == [program.venues[s.venue_id].name for s in program.sessions]


def test_an_uploaded_hostile_program_is_checked_previewed_and_published_as_text(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key = "a-long-organiser-key-for-the-tests"
    for name in ("KIZUNA_PROGRAM", "KIZUNA_PROGRAMS", auth.ORGANISERS_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(auth.KEY_ENV, key)
    monkeypatch.setenv("KIZUNA_DATABASE_URL", f"sqlite:///{tmp_path / 'kizuna.sqlite3'}")
    monkeypatch.setattr(published, "DEFAULT_DATABASE", tmp_path / "no-default-database.sqlite3")
    monkeypatch.setattr(auth.GUARD, "sleep", lambda seconds: None)
    auth.GUARD.forget()
    program = load_program(HOSTILE)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("kizuna_app/organisers_page.py").run()
    files = [(path.name, path.read_bytes(), "text/csv") for path in sorted(HOSTILE.glob("*.csv"))]
    at.file_uploader(key="upload").set_value(files).run()
    at.text_input(key="organiser-key").input(key)
    next(b for b in at.button if b.label == "Unlock publishing").click().run()
    next(b for b in at.button if b.label == f"Publish {program.id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    page = shown_as_text(at)
    assert f"is valid: {program.title}, 4 sessions." in page
    assert f"Published: {program.title}, version 1." in page
    assert f"{program.title} · {program.id} · version 1 live" in page  # the published programs' expander
    assert [title.value for title in at.title] == ["Organisers", plain(program.title)]  # and the preview's


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
