"""What a visitor is told of a published program's changes: a short mark per changed session (agenda, card, timeline,
map, printout) and the What changed view's list of versions.

Decided here from the program's history (kizuna.publishing.history), so the page only lays the texts out. A program
of the programs directory has no history, and so no marks. The first publish is no news: it marks nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kizuna.program.changes import ADDED, CANCELLED, EDITED, MOVED, REMOVED, RESTORED, WHAT, SessionChange, described
from kizuna.program.dates import clock, day_heading, long_day, time_span
from kizuna.program.model import Program, Session
from kizuna.program.text import counted
from kizuna.publishing.history import Step

if TYPE_CHECKING:
    from kizuna.publishing.published import Shown

SIMPLE = {
    ADDED: "New",
    REMOVED: "Removed from the program",
    CANCELLED: "Cancelled",
    RESTORED: "Back on the program",
}


def step_marks(steps: Sequence[Step]) -> dict[str, str]:
    """Each session changed by the last step, by id, with its mark: 'Moved from Friday 20 December · Time added:
    10:00–11:30', 'Cancelled', 'New', 'Edited: title'. None for a first publish (every session would be new)."""
    if len(steps) < 2 or steps[-1].program is None:
        return {}
    before = next((step.program for step in reversed(steps[:-1]) if step.program is not None), None)
    if before is None:
        return {}
    return {change.session_id: mark(change, before, steps[-1].program) for change in steps[-1].changes}


def recent_marks(steps: Sequence[Step], now: datetime, days: int) -> dict[str, str]:
    """`step_marks` while the last step is at most `days` days old at `now` (UTC); nothing after that, or with
    `days` 0."""
    if not steps or days <= 0 or now - steps[-1].moment.at > timedelta(days=days):
        return {}
    return step_marks(steps)


def mark(change: SessionChange, before: Program, after: Program) -> str:
    """One session's mark; a move names where it was ('Moved from Friday 20 December', 'Time changed from 09:30')."""
    if change.kind in SIMPLE:
        return SIMPLE[change.kind]
    old, new = before.sessions_by_id[change.session_id], after.sessions_by_id[change.session_id]
    parts = moved(old, new, before) if change.kind == MOVED else []
    edited = [field.field for field in change.fields if field.field in WHAT]
    if edited or change.kind == EDITED:
        parts.append("Edited: " + ", ".join(edited or ["details"]))
    return " · ".join(parts)


def moved(old: Session, new: Session, before: Program) -> list[str]:
    parts = []
    if old.date != new.date:
        parts.append(f"Moved from {day_heading(old.date)}")
    if (old.start, old.end) != (new.start, new.end):
        if old.start is None:
            parts.append(f"Time added: {time_span(new.start, new.end)}")
        elif new.start is None:
            parts.append(f"Time removed (was {time_span(old.start, old.end)})")
        else:
            parts.append(f"Time changed from {time_span(old.start, old.end)}")
    if (old.city, old.to_city) != (new.city, new.to_city):
        parts.append(f"City changed from {before.cities[old.city].name}")
    if old.venue_id != new.venue_id:
        parts.append(f"Venue changed from {before.venues[old.venue_id].name}")
    return parts or ["Moved"]


@dataclass(frozen=True)
class Edition:
    """Which version of a published program is shown: its number, when it was published, its note, its history up
    to it, and the notes of the program's versions (for the What changed view)."""

    number: int
    published_at: datetime  # UTC
    note: str
    steps: tuple[Step, ...] = ()
    notes: tuple[tuple[int, str], ...] = ()  # (version number, note) of every version

    @property
    def marks(self) -> dict[str, str]:
        """The sessions changed in this version (its last step), whatever its age: what a printout marks."""
        return step_marks(self.steps)


def edition_of(shown: Shown) -> Edition:
    """The Edition of a published program's version as shown."""
    version = shown.version
    notes = tuple((v.number, v.note) for v in shown.versions)
    return Edition(version.number, version.published_at, version.note, tuple(shown.steps), notes)


def published_line(edition: Edition, timezone: str) -> str:
    """'Version 2, published Sunday 6 December 2026 at 15:20 (Asia/Tokyo).'"""
    return f"Version {edition.number}, published {moment_text(edition.published_at, timezone)}."


def moment_text(at: datetime, timezone: str) -> str:
    """'Sunday 6 December 2026 at 15:20 (Asia/Tokyo)': a UTC moment in the program's time zone."""
    local = at.replace(tzinfo=at.tzinfo or UTC).astimezone(ZoneInfo(timezone))
    return f"{long_day(local.date())} at {clock(local.time())} ({timezone})"


@dataclass(frozen=True)
class LogEntry:
    """One step of the What changed view: a heading, the version's note, and its changes, one line each."""

    heading: str
    note: str
    lines: tuple[str, ...]


def change_log(edition: Edition, timezone: str) -> list[LogEntry]:
    """Each step of the history, newest first: 'Version 2, published Sunday 6 December 2026 at 15:20 (Asia/Tokyo)',
    its note, and each change old → new ('Moved: Visit to X — date: Friday 20 December 2019 → …')."""
    notes = dict(edition.notes)
    entries = []
    for index, step in enumerate(edition.steps):
        moment, when = step.moment, moment_text(step.moment.at, timezone)
        if moment.withdrawal:
            again = f"; version {moment.number} is shown again" if moment.number is not None else ""
            heading, note = f"Version {moment.cause} withdrawn {when}{again}", ""
        else:
            heading, note = f"Version {moment.cause}, published {when}", notes.get(moment.cause, "")
        if index == 0 and step.program is not None:
            lines: tuple[str, ...] = (f"First published, with {counted(len(step.program.sessions), 'session')}.",)
        else:
            lines = tuple(described(change) for change in step.changes) or ("No session changed.",)
        entries.append(LogEntry(heading, note, lines))
    return entries[::-1]


def changed_when(edition: Edition, timezone: str) -> str:
    """When the last step's changes came, for a changed session's card: 'Changed in version 2, published Sunday 6
    December 2026 at 15:20 (Asia/Tokyo).' (or '… when version 3 was withdrawn, …')."""
    if not edition.steps:
        return ""
    moment = edition.steps[-1].moment
    when = moment_text(moment.at, timezone)
    if moment.withdrawal:
        return f"Changed when version {moment.cause} was withdrawn, {when}."
    return f"Changed in version {moment.cause}, published {when}."
