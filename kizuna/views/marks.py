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

from kizuna.i18n import N_, visitors
from kizuna.program.changes import (
    ADDED,
    CANCELLED,
    EDITED,
    FIELD_NAMES,
    MOVED,
    REMOVED,
    RESTORED,
    WHAT,
    SessionChange,
    described,
)
from kizuna.program.dates import clock, day_heading, long_day, time_span
from kizuna.program.model import Program, Session
from kizuna.program.text import listed
from kizuna.publishing.history import Step

if TYPE_CHECKING:
    from kizuna.publishing.published import Shown

_ = visitors.gettext

SIMPLE = {  # a session's mark, by kind of change
    # Translators: the mark of a session added to the program.
    ADDED: N_("New"),
    REMOVED: N_("Removed from the program"),
    # Translators: the mark of a cancelled session (ja 中止).
    CANCELLED: N_("Cancelled"),
    RESTORED: N_("Back on the program"),
}
# Translators: in 'Edited: details', when the change is in nothing a participant reads by name.
DETAILS = N_("details")


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
        return _(SIMPLE[change.kind])
    old, new = before.sessions_by_id[change.session_id], after.sessions_by_id[change.session_id]
    parts = moved(old, new, before) if change.kind == MOVED else []
    edited = [field.field for field in change.fields if field.field in WHAT]
    if edited or change.kind == EDITED:
        names = [_(FIELD_NAMES[name]) for name in edited] or [_(DETAILS)]
        # Translators: a session's mark: 'Edited: title, description'.
        parts.append(_("Edited: {fields}").format(fields=listed(names)))
    return " · ".join(parts)


def moved(old: Session, new: Session, before: Program) -> list[str]:
    parts = []
    if old.date != new.date:
        # Translators: a moved session's mark, naming the day it was on: 'Moved from Friday 20 December'.
        parts.append(_("Moved from {day}").format(day=day_heading(old.date)))
    if (old.start, old.end) != (new.start, new.end):
        if old.start is None:
            parts.append(_("Time added: {time}").format(time=time_span(new.start, new.end)))
        elif new.start is None:
            parts.append(_("Time removed (was {time})").format(time=time_span(old.start, old.end)))
        else:
            # Translators: the time a session had before: 'Time changed from 09:30–11:00'.
            parts.append(_("Time changed from {time}").format(time=time_span(old.start, old.end)))
    if (old.city, old.to_city) != (new.city, new.to_city):
        parts.append(_("City changed from {city}").format(city=before.cities[old.city].name))
    if old.venue_id != new.venue_id:
        parts.append(_("Venue changed from {venue}").format(venue=before.venues[old.venue_id].name))
    # Translators: the mark of a session whose day, time or place changed (no more said).
    return parts or [_("Moved")]


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
    moment = moment_text(edition.published_at, timezone)
    # Translators: {moment} is a day and time: 'Sunday 6 December 2026 at 15:20 (Asia/Tokyo)'.
    return _("Version {number}, published {moment}.").format(number=edition.number, moment=moment)


def moment_text(at: datetime, timezone: str) -> str:
    """'Sunday 6 December 2026 at 15:20 (Asia/Tokyo)': a UTC moment in the program's time zone."""
    local = at.replace(tzinfo=at.tzinfo or UTC).astimezone(ZoneInfo(timezone))
    # Translators: a day, a time and the time zone's name: 'Sunday 6 December 2026 at 15:20 (Asia/Tokyo)'.
    return _("{day} at {time} ({timezone})").format(
        day=long_day(local.date()), time=clock(local.time()), timezone=timezone
    )


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
        moment = step.moment
        heading, note = log_heading(step, timezone), "" if moment.withdrawal else notes.get(moment.cause, "")
        if index == 0 and step.program is not None:
            count = len(step.program.sessions)
            first = visitors.ngettext(
                "First published, with {count} session.", "First published, with {count} sessions.", count
            )
            lines: tuple[str, ...] = (first.format(count=count),)
        else:
            lines = tuple(described(change) for change in step.changes) or (_("No session changed."),)
        entries.append(LogEntry(heading, note, lines))
    return entries[::-1]


def log_heading(step: Step, timezone: str) -> str:
    """'Version 2, published Sunday 6 December 2026 at 15:20 (Asia/Tokyo)', 'Version 3 withdrawn Monday 7 December
    2026 at 09:00 (Asia/Tokyo); version 2 is shown again'."""
    moment = step.moment
    when = moment_text(moment.at, timezone)
    if not moment.withdrawal:
        return _("Version {version}, published {moment}").format(version=moment.cause, moment=when)
    if moment.number is None:
        return _("Version {version} withdrawn {moment}").format(version=moment.cause, moment=when)
    return _("Version {version} withdrawn {moment}; version {shown} is shown again").format(
        version=moment.cause, moment=when, shown=moment.number
    )


def changed_when(edition: Edition, timezone: str) -> str:
    """When the last step's changes came, for a changed session's card: 'Changed in version 2, published Sunday 6
    December 2026 at 15:20 (Asia/Tokyo).' (or '… when version 3 was withdrawn, …')."""
    if not edition.steps:
        return ""
    moment = edition.steps[-1].moment
    when = moment_text(moment.at, timezone)
    if moment.withdrawal:
        return _("Changed when version {version} was withdrawn, {moment}.").format(version=moment.cause, moment=when)
    return _("Changed in version {version}, published {moment}.").format(version=moment.cause, moment=when)
