"""The dashboard (AppTest) telling visitors what changed in a published program: the marks on the agenda, the card,
the timeline and the map, cancelled sessions kept and struck through, and the What changed view."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pytest
from directories import TWO, edit_sessions, programs_directory, set_program_id
from pages import card, card_title, dashboard, downloaded, record_downloads
from streamlit.testing.v1 import AppTest

from kizuna.printing import itinerary
from kizuna.program.text import plain
from kizuna.publishing import published
from kizuna.publishing.store import Store

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "good" / "minimal"
SETTINGS = ("KIZUNA_PROGRAM", "KIZUNA_DEFAULT_PROGRAM", "KIZUNA_BASE_URL", "KIZUNA_MAP_STYLE", "KIZUNA_DATABASE_URL")
NEXT = {"program": "next-2031"}
MOVED = "Moved from Wednesday 4 March · Time added: 10:00–11:30"


@pytest.fixture(autouse=True)
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Two programs in the directory, feeds to a folder of the test's own, no default database file."""
    for name in (*SETTINGS, "KIZUNA_CHANGE_DAYS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KIZUNA_PROGRAMS", str(programs_directory(tmp_path / "programs", TWO)))
    monkeypatch.setenv("KIZUNA_STATIC_DIR", str(tmp_path / "static"))
    monkeypatch.setattr(published, "DEFAULT_DATABASE", tmp_path / "var" / "kizuna.sqlite3")


def publish_twice(database: Store, tmp_path: Path) -> Path:
    """next-2031 published twice: version 2 moves the Osaka Castle visit a day earlier, at 10:00–11:30, and cancels
    the Tokyo lecture; nothing else. The second version's folder."""
    for number, note in ((1, "First cut"), (2, "The castle visit moves")):
        folder = tmp_path / f"v{number}"
        shutil.copytree(MINIMAL, folder)
        set_program_id(folder, "next-2031")
        if number == 2:
            castle = {"date": "2020-03-03", "start": "10:00", "end": "11:30"}
            edit_sessions(folder, {"visit-osaka-castle": castle, "lecture-tourism": {"status": "cancelled"}})
        database.publish(folder, note=note)
    published.look_again()
    return folder


@pytest.fixture
def two_versions(database: Store, tmp_path: Path) -> Store:
    publish_twice(database, tmp_path)
    return database


def params(at: AppTest) -> dict[str, list[str]]:
    return {key: value if isinstance(value, list) else [value] for key, value in at.query_params.items()}


def markdown_texts(at: AppTest) -> list[str]:
    return [m.value for m in at.main.markdown]


def agenda_button(at: AppTest, session_id: str):
    return at.button(key=f"agenda-{session_id}")


def test_the_agenda_marks_the_changes_of_the_latest_version(two_versions: Store) -> None:
    at = dashboard(NEXT)
    texts = markdown_texts(at)
    assert f":orange[:material/update: **{plain(MOVED)}**]" in texts
    assert f":orange[:material/update: **{plain('Cancelled')}**]" in texts
    assert sum(":material/update:" in text for text in texts) == 2  # the unchanged sessions carry no mark
    lecture = agenda_button(at, "lecture-tourism")
    assert lecture.proto.label.endswith(f"~~{plain('Lecture: Tourism in Tokyo')}~~")  # struck through, still listed
    assert "~~" not in agenda_button(at, "visit-osaka-castle").proto.label
    assert any(caption.value.endswith("cancelled") for caption in at.main.caption)


def test_the_card_says_what_changed_and_when(two_versions: Store) -> None:
    at = dashboard({**NEXT, "session": "visit-osaka-castle"})
    assert card_title(at) == "Visit to Osaka Castle"
    (warning,) = card(at).warning
    assert warning.value == plain(MOVED)
    assert any(c.value.startswith(plain("Changed in version 2, published ")) for c in card(at).caption)
    at = dashboard({**NEXT, "session": "lecture-tourism"})
    assert [e.value for e in card(at).error] == ["This session is cancelled."]
    assert [w.value for w in card(at).warning] == ["Cancelled"]
    unchanged = dashboard({**NEXT, "session": "transfer-to-osaka"})
    assert not card(unchanged).warning


def test_the_timeline_and_the_map_tooltip_carry_the_marks(two_versions: Store) -> None:
    at = dashboard(NEXT)
    (timeline,) = at.get("vega_lite_chart")
    rows = pa.ipc.open_stream(timeline.proto.data.data).read_all().to_pylist()
    changes = {row["id"]: row["change"] for row in rows}
    assert changes["visit-osaka-castle"] == MOVED
    assert changes["lecture-tourism"] == "Cancelled"
    assert changes["arrival"] == "—"
    labels = {row["id"]: row["label"] for row in rows}
    assert labels["lecture-tourism"] == "✕ Lecture: Tourism in Tokyo"
    assert labels["visit-osaka-castle"] == "↻ Visit to Osaka Castle"
    spec = json.loads(timeline.proto.spec)
    tooltip = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rect")["encoding"]["tooltip"]
    assert {"field": "change", "type": "nominal", "title": "Change"} in tooltip
    (chart,) = at.get("deck_gl_json_chart")
    venues = next(layer["data"] for layer in json.loads(chart.proto.json)["layers"] if layer["id"] == "venues")
    labels = "\n".join(point["label"] for point in venues)
    assert f"Tue 3 Mar 10:00 · Visit to Osaka Castle — {MOVED}" in labels
    assert "Mon 2 Mar 09:30 · Lecture: Tourism in Tokyo (cancelled)" in labels


def test_the_what_changed_view_opens_from_a_link_and_lists_each_version(two_versions: Store) -> None:
    at = dashboard({**NEXT, "show": "changes"})
    assert at.main.subheader[0].value == "What changed"  # at the top, under the header
    texts = markdown_texts(at)
    headings = [text for text in texts if text.startswith("**Version")]
    assert len(headings) == 2
    assert headings[0].startswith("**" + plain("Version 2, published"))  # newest first, in the program's time
    assert headings[0].endswith(plain("(Asia/Tokyo)") + "**")
    assert headings[1].startswith("**" + plain("Version 1, published"))
    assert plain("The castle visit moves") in texts
    assert plain("First cut") in texts
    changes = next(text for text in texts if "Osaka Castle" in text and text.startswith("- "))
    assert plain("Moved: Visit to Osaka Castle — date: Wednesday 4 March 2020 → Tuesday 3 March 2020") in changes
    assert plain("Cancelled: Lecture: Tourism in Tokyo — status: confirmed → cancelled") in changes
    assert "- " + plain("First published, with 4 sessions.") in texts
    assert params(at) == {"program": ["next-2031"], "show": ["changes"]}
    at.button(key="close-changes").click().run()
    assert "What changed" not in [h.value for h in at.main.subheader]
    assert params(at) == {"program": ["next-2031"]}


def test_the_header_button_opens_the_what_changed_view_and_the_link_says_so(two_versions: Store) -> None:
    at = dashboard(NEXT)
    assert "What changed" not in [h.value for h in at.main.subheader]
    at.button(key="open-changes").click().run()
    assert "What changed" in [h.value for h in at.main.subheader]
    assert params(at) == {"program": ["next-2031"], "show": ["changes"]}


def test_marks_end_after_the_configured_days(two_versions: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIZUNA_CHANGE_DAYS", "0")
    at = dashboard(NEXT)
    assert not any(":material/update:" in text for text in markdown_texts(at))
    assert agenda_button(at, "lecture-tourism").proto.label.endswith("~~")  # cancelled stays struck through


def test_a_directory_program_shows_no_marks_and_no_what_changed_button(two_versions: Store) -> None:
    at = dashboard({"program": "clair-seminar-2019"})
    assert not any(":material/update:" in text for text in markdown_texts(at))
    assert "open-changes" not in [b.key for b in at.main.button]
    (timeline,) = at.get("vega_lite_chart")
    assert set(pa.ipc.open_stream(timeline.proto.data.data).read_all().column("change").to_pylist()) == {"—"}
    linked = dashboard({"program": "clair-seminar-2019", "show": "changes"})
    assert "What changed" in [h.value for h in linked.main.subheader]
    assert "no changes are recorded" in linked.main.info[0].value


def test_the_pages_printout_is_the_shown_version_with_its_changes(
    two_versions: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple] = []
    monkeypatch.setattr(itinerary, "print_view", lambda *args: calls.append(args) or b"%PDF-")
    found = record_downloads(monkeypatch)
    at = dashboard(NEXT)
    assert downloaded(at, found, "print-a4") == b"%PDF-"
    (edition,) = [args[4] for args in calls]
    assert edition.number == 2
    assert edition.note == "The castle visit moves"
    assert edition.marks == {"visit-osaka-castle": MOVED, "lecture-tourism": "Cancelled"}


def test_a_link_pinned_to_the_first_version_shows_its_history_only(two_versions: Store) -> None:
    at = dashboard({**NEXT, "version": "1", "show": "changes"})
    assert not any(":material/update:" in text for text in markdown_texts(at))  # a first publish is no news
    headings = [text for text in markdown_texts(at) if text.startswith("**Version")]
    assert len(headings) == 1
    assert headings[0].startswith("**" + plain("Version 1, published"))
    assert params(at) == {"program": ["next-2031"], "version": ["1"], "show": ["changes"]}
