"""What a visitor is told of a published program's changes: the marks per session and the What changed view's list."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from kizuna import config
from kizuna.checks.loading import load_program
from kizuna.program.model import Program, ordered
from kizuna.publishing.history import Step, history
from kizuna.views.marks import Edition, change_log, changed_when, published_line, recent_marks, step_marks

MINIMAL = load_program(Path(__file__).resolve().parent / "fixtures" / "good" / "minimal")
AT = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Listed:
    """What `history` reads of a store's version."""

    number: int
    published_at: datetime
    withdrawn: bool = False
    withdrawn_at: datetime | None = None


def with_sessions(program: Program, **changed) -> Program:
    """The program with sessions replaced by id (None removes one); a Session value under a new id adds it."""
    sessions = {s.id: s for s in program.sessions}
    for session_id, session in changed.items():
        session_id = session_id.replace("_", "-")
        if session is None:
            sessions.pop(session_id)
        else:
            sessions[session_id] = session
    return replace(program, sessions=ordered(sessions.values()))


def steps_of(*programs: Program, withdrawn: dict[int, datetime] | None = None) -> list[Step]:
    """The history of these programs published one a day from AT, as versions 1, 2 …; `withdrawn`: when."""
    withdrawn = withdrawn or {}
    versions = [
        Listed(n, AT + timedelta(days=n - 1), n in withdrawn, withdrawn.get(n)) for n in range(1, len(programs) + 1)
    ]
    return history(versions, lambda number: programs[number - 1])


SESSIONS = MINIMAL.sessions_by_id
V2 = with_sessions(
    MINIMAL,
    visit_osaka_castle=replace(SESSIONS["visit-osaka-castle"], date=date(2020, 3, 3), start=time(10), end=time(11, 30)),
    lecture_tourism=replace(SESSIONS["lecture-tourism"], status="cancelled"),
    arrival=None,
    transfer_to_osaka=replace(SESSIONS["transfer-to-osaka"], title="Shinkansen from Tokyo to Osaka"),
    dinner=replace(SESSIONS["visit-osaka-castle"], id="dinner", title="Farewell dinner"),
)


def test_each_kind_of_change_has_its_mark() -> None:
    assert step_marks(steps_of(MINIMAL, V2)) == {
        "visit-osaka-castle": "Moved from Wednesday 4 March · Time added: 10:00–11:30",
        "lecture-tourism": "Cancelled",
        "arrival": "Removed from the program",
        "transfer-to-osaka": "Edited: title",
        "dinner": "New",
    }


def test_a_time_or_place_change_says_what_it_was() -> None:
    lecture = SESSIONS["lecture-tourism"]
    moved = with_sessions(MINIMAL, lecture_tourism=replace(lecture, start=time(14), end=None, venue_id="tokyo-station"))
    assert step_marks(steps_of(MINIMAL, moved)) == {
        "lecture-tourism": "Time changed from 09:30–11:00 · Venue changed from Tokyo Metropolitan Government Building"
    }
    untimed = with_sessions(MINIMAL, lecture_tourism=replace(lecture, start=None, end=None, description="Cut short."))
    marks = step_marks(steps_of(MINIMAL, untimed))
    assert marks == {"lecture-tourism": "Time removed (was 09:30–11:00) · Edited: description"}


def test_a_first_publish_or_an_unchanged_one_marks_nothing() -> None:
    assert step_marks(steps_of(MINIMAL)) == {}
    assert step_marks(steps_of(MINIMAL, MINIMAL)) == {}
    assert step_marks([]) == {}


def test_only_the_last_step_is_marked() -> None:
    renamed = with_sessions(V2, dinner=replace(V2.sessions_by_id["dinner"], title="Farewell party"))
    assert step_marks(steps_of(MINIMAL, V2, renamed)) == {"dinner": "Edited: title"}


def test_a_withdrawal_marks_what_it_undid() -> None:
    steps = steps_of(MINIMAL, V2, withdrawn={2: AT + timedelta(days=2)})
    assert steps[-1].moment.withdrawal
    assert step_marks(steps) == {
        "arrival": "New",
        "visit-osaka-castle": "Moved from Tuesday 3 March · Time removed (was 10:00–11:30)",
        "lecture-tourism": "Back on the program",
        "transfer-to-osaka": "Edited: title",
        "dinner": "Removed from the program",
    }


def test_marks_last_the_configured_days_after_the_change() -> None:
    steps = steps_of(MINIMAL, V2)  # version 2 published a day after AT
    published = AT + timedelta(days=1)
    assert recent_marks(steps, published + timedelta(days=7), 7) == step_marks(steps)
    assert recent_marks(steps, published + timedelta(days=7, seconds=1), 7) == {}
    assert recent_marks(steps, published + timedelta(days=20), 30) == step_marks(steps)
    assert recent_marks(steps, published, 0) == {}  # 0: never marked
    assert recent_marks([], published, 7) == {}


@pytest.mark.parametrize(("value", "days"), [(None, 7), ("", 7), ("3", 3), ("0", 0), ("-1", 7), ("a week", 7)])
def test_the_days_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, value: str | None, days: int) -> None:
    if value is None:
        monkeypatch.delenv(config.CHANGE_DAYS_ENV, raising=False)
    else:
        monkeypatch.setenv(config.CHANGE_DAYS_ENV, value)
    assert config.change_days() == days


def test_the_change_log_lists_each_version_newest_first_with_its_note_and_changes() -> None:
    steps = steps_of(MINIMAL, V2, withdrawn={2: AT + timedelta(days=2)})
    edition = Edition(1, AT, "", tuple(steps), ((1, "First cut"), (2, "The castle moves")))
    withdrawal, second, first = change_log(edition, "Asia/Tokyo")
    assert (
        withdrawal.heading
        == "Version 2 withdrawn Thursday 3 December 2026 at 15:00 (Asia/Tokyo); version 1 is shown again"
    )
    assert second.heading == "Version 2, published Wednesday 2 December 2026 at 15:00 (Asia/Tokyo)"
    assert second.note == "The castle moves"
    assert (
        "Moved: Visit to Osaka Castle — date: Wednesday 4 March 2020 → Tuesday 3 March 2020; time: → 10:00–11:30"
        in [line.replace("(none) ", "") for line in second.lines]
    )
    assert "Cancelled: Lecture: Tourism in Tokyo — status: confirmed → cancelled" in second.lines
    assert "Removed: Participants arrive in Tokyo" in second.lines
    assert "Added: Farewell dinner" in second.lines
    assert first.heading == "Version 1, published Tuesday 1 December 2026 at 15:00 (Asia/Tokyo)"
    assert first.note == "First cut"
    assert first.lines == ("First published, with 4 sessions.",)


def test_the_version_line_and_when_a_change_came() -> None:
    steps = tuple(steps_of(MINIMAL, V2))
    edition = Edition(2, AT + timedelta(days=1), "The castle moves", steps)
    assert (
        published_line(edition, "Asia/Tokyo") == "Version 2, published Wednesday 2 December 2026 at 15:00 (Asia/Tokyo)."
    )
    assert published_line(edition, "UTC") == "Version 2, published Wednesday 2 December 2026 at 06:00 (UTC)."
    assert (
        changed_when(edition, "Asia/Tokyo")
        == "Changed in version 2, published Wednesday 2 December 2026 at 15:00 (Asia/Tokyo)."
    )
    assert edition.marks == step_marks(steps)  # a printout marks its version's changes whatever their age
