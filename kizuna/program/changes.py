"""What changed between two versions of a program, session by session: computed, never typed by the organiser.

A session is compared by its id on what a participant acts on: when (date, time), where (city, venue), what
(title, description, themes, kind) and whether it takes place (status). The organiser's `revision` and `order` are
bookkeeping, not news, and are left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kizuna.program.dates import long_day, time_span
from kizuna.program.model import Program, Session

ADDED, REMOVED, CANCELLED, RESTORED, MOVED, EDITED = "added", "removed", "cancelled", "restored", "moved", "edited"
KINDS = (MOVED, CANCELLED, REMOVED, ADDED, RESTORED, EDITED)  # the order a summary names them in
WHEN_WHERE = ("date", "time", "city", "venue")  # a change of any of these moves the session
WHAT = ("title", "description", "themes", "kind")
FIELDS = (*WHEN_WHERE, *WHAT, "status")
VERBS = {MOVED: "moves", CANCELLED: "cancels", REMOVED: "removes", ADDED: "adds", RESTORED: "restores", EDITED: "edits"}


@dataclass(frozen=True)
class Facts:
    """A session as a participant reads it: each compared field as the text the dashboard shows."""

    title: str
    values: tuple[str, ...]  # in FIELDS order

    def __getitem__(self, name: str) -> str:
        return self.values[FIELDS.index(name)]


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class SessionChange:
    """One session's change between two versions; `before` is None for a new session, `after` for a removed one."""

    session_id: str
    before: Facts | None
    after: Facts | None

    @property
    def kind(self) -> str:
        if self.before is None:
            return ADDED
        if self.after is None:
            return REMOVED
        if self.after["status"] != self.before["status"]:
            return CANCELLED if self.after["status"] == "cancelled" else RESTORED
        if any(self.before[name] != self.after[name] for name in WHEN_WHERE):
            return MOVED
        return EDITED

    @property
    def title(self) -> str:
        return (self.after or self.before).title

    @property
    def fields(self) -> tuple[FieldChange, ...]:
        """The fields that differ, old → new (none for an added or removed session)."""
        if self.before is None or self.after is None:
            return ()
        pairs = zip(FIELDS, self.before.values, self.after.values, strict=True)
        return tuple(FieldChange(name, old, new) for name, old, new in pairs if old != new)


def facts(program: Program, session: Session) -> Facts:
    venue = program.venues.get(session.venue_id)
    where = f"{venue.name}, {venue.address}" if venue and venue.address else (venue.name if venue else "")
    city = program.cities[session.city].name if session.city in program.cities else session.city
    if session.to_city:
        city += " → " + (program.cities[session.to_city].name if session.to_city in program.cities else "")
    themes = ", ".join(program.themes[t].label if t in program.themes else t for t in session.themes)
    when = time_span(session.start, session.end, missing="")
    values = (long_day(session.date), when, city, where, session.title, session.description, themes, session.kind)
    return Facts(session.title, (*values, session.status))


def read(program: Program, session: Session) -> tuple:
    """Everything `facts` reads of a session, as it is: equal readings give equal facts, so only the sessions whose
    readings differ are put into words (what keeps comparing 10,000 sessions fast)."""
    cities, themes = program.cities, program.themes
    return (
        session.date,
        session.start,
        session.end,
        session.city,
        cities.get(session.city),
        session.to_city,
        cities.get(session.to_city) if session.to_city else None,
        session.venue_id,
        program.venues.get(session.venue_id),
        session.title,
        session.description,
        session.themes,
        tuple(themes.get(theme) for theme in session.themes),
        session.kind,
        session.status,
    )


def compare(old: Program | None, new: Program) -> tuple[SessionChange, ...]:
    """Every session that differs between `old` and `new`, in `new`'s program order, removed ones last (in `old`'s
    order). With `old` None every session is new. Comparing a version with itself gives nothing."""
    previous = old.sessions_by_id if old is not None else {}
    kept = []
    for session in new.sessions:
        was = previous.get(session.id)
        if was is None:
            kept.append(SessionChange(session.id, None, facts(new, session)))
        elif read(old, was) != read(new, session):
            before, after = facts(old, was), facts(new, session)
            if before != after:
                kept.append(SessionChange(session.id, before, after))
    current = new.sessions_by_id
    gone = [SessionChange(s.id, facts(old, s), None) for s in old.sessions if s.id not in current] if old else []
    return (*kept, *gone)


def changes_between(
    before: Mapping[str, Facts], after: Mapping[str, Facts], new_order: Sequence[str], old_order: Sequence[str]
) -> tuple[SessionChange, ...]:
    kept = [SessionChange(i, before.get(i), after[i]) for i in new_order if before.get(i) != after[i]]
    gone = [SessionChange(i, before[i], None) for i in old_order if i not in after]
    return (*kept, *gone)


def compose(first: Iterable[SessionChange], second: Iterable[SessionChange]) -> tuple[SessionChange, ...]:
    """A→B then B→C as A→C: each session from its state before the first to its state after the second; a
    session that ends as it began drops out. Sessions keep their order in `second`, then `first`'s others."""
    earlier = {change.session_id: change for change in first}
    later = {change.session_id: change for change in second}
    composed = []
    for session_id in [*later, *(i for i in earlier if i not in later)]:
        start = earlier[session_id].before if session_id in earlier else later[session_id].before
        end = later[session_id].after if session_id in later else earlier[session_id].after
        if start != end:
            composed.append(SessionChange(session_id, start, end))
    return tuple(composed)


def counts(changes: Iterable[SessionChange]) -> dict[str, int]:
    """How many sessions each kind of change touches, in KINDS order, kinds with none left out."""
    counted = Counter(change.kind for change in changes)
    return {kind: counted[kind] for kind in KINDS if counted[kind]}


def summary(changes: Iterable[SessionChange]) -> str:
    """'moves 2 sessions, cancels 1, adds 1, edits 3', or 'changes no session'."""
    counted = counts(changes)
    if not counted:
        return "changes no session"
    parts = [f"{VERBS[kind]} {number}" for kind, number in counted.items()]
    parts[0] += " session" if next(iter(counted.values())) == 1 else " sessions"
    return ", ".join(parts)


def described(change: SessionChange) -> str:
    """One line for a list of changes: 'Moved: Visit to X — date: Friday 20 December → Thursday 19 December'."""
    head = f"{change.kind.capitalize()}: {change.title}"
    return f"{head} — {details(change)}" if change.fields else head


def details(change: SessionChange) -> str:
    """The fields that differ, old → new: 'date: Friday 20 December → Thursday 19 December' ('' for none)."""
    return "; ".join(f"{c.field}: {c.old or '(none)'} → {c.new or '(none)'}" for c in change.fields)
