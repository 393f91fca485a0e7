"""A published program's history: which version was served when, what each change did to each session, and the
calendar bookkeeping that follows from it, so an organiser never raises a `revision` or bumps `updated` by hand.

Served states, not versions, are compared: a withdrawal that brings an older version back changes sessions too.
Per session, SEQUENCE starts at the organiser's `revision` and rises by one at every served change of it (never
falling, also across withdrawals); LAST-MODIFIED is when that change was served. A session that leaves the program
stays in it as cancelled, so calendars that had it drop it instead of keeping a ghost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from kizuna.program.changes import SessionChange, compare
from kizuna.program.model import Program, Session, ordered


@dataclass(frozen=True)
class Moment:
    """A change of the served version: a publish, or a withdrawal (`number` is then the version served again, or
    None when none is left)."""

    at: datetime
    number: int | None
    withdrawal: bool
    cause: int  # the version published or withdrawn


@dataclass(frozen=True)
class Step:
    """One moment with the program served after it and what that changed for each session."""

    moment: Moment
    program: Program | None
    changes: tuple[SessionChange, ...]


def moments(versions: Sequence) -> list[Moment]:
    """The moments the served version changed, oldest first, from the store's versions (any order): each publish,
    and each withdrawal of the version being served."""
    events = sorted(
        [(v.published_at, 0, v.number) for v in versions]
        + [(v.withdrawn_at, 1, v.number) for v in versions if v.withdrawn and v.withdrawn_at is not None]
    )
    published: set[int] = set()
    withdrawn: set[int] = set()
    served: int | None = None
    found = []
    for at, is_withdrawal, number in events:
        (withdrawn if is_withdrawal else published).add(number)
        live = max(published - withdrawn, default=None)
        if live != served:
            served = live
            found.append(Moment(at, live, bool(is_withdrawal), number))
    return found


def history(versions: Sequence, load: Callable[[int], Program]) -> list[Step]:
    """Every moment with its changes; `load(number)` reads a version's program (each is read once)."""
    programs: dict[int, Program] = {}
    steps = []
    previous: Program | None = None
    for moment in moments(versions):
        program = None
        if moment.number is not None:
            program = programs.get(moment.number) or programs.setdefault(moment.number, load(moment.number))
        if program is None:
            changes: tuple[SessionChange, ...] = ()
        else:
            changes = compare(previous, program)
        steps.append(Step(moment, program, changes))
        previous = program if program is not None else previous
    return steps


def stamped(steps: Sequence[Step]) -> Program | None:
    """The program served after the last step, each session with its SEQUENCE (as `revision`) and LAST-MODIFIED
    (`modified`) derived from the steps, and every session that left it kept as cancelled. None: nothing served."""
    current: dict[str, Session] = {}  # every session ever served, as last served, stamped
    sources: dict[str, Program] = {}  # the program each was last served in: its venue, city and themes are there
    gone: set[str] = set()
    served: Program | None = None
    for index, step in enumerate(steps):
        if step.program is None:
            continue
        served, at = step.program, step.moment.at
        changed = {change.session_id for change in step.changes}
        for session in served.sessions:
            old = current.get(session.id)
            if old is None:
                current[session.id] = replace(session, modified=at if index else None)
            elif session.id in changed or session.id in gone:
                current[session.id] = replace(session, revision=max(session.revision, old.revision + 1), modified=at)
            else:
                current[session.id] = replace(
                    session, revision=max(session.revision, old.revision), modified=old.modified
                )
            sources[session.id] = served
            gone.discard(session.id)
        for session_id in current.keys() - served.sessions_by_id.keys() - gone:
            old = current[session_id]
            current[session_id] = replace(old, status="cancelled", revision=old.revision + 1, modified=at)
            gone.add(session_id)
    return None if served is None else with_sessions(served, current, sources, gone)


def with_sessions(served: Program, current: dict[str, Session], sources: dict[str, Program], gone: set[str]) -> Program:
    """`served` with its sessions stamped and the gone ones added, with the venue, city and themes they need."""
    venues, cities, themes = dict(served.venues), dict(served.cities), dict(served.themes)
    for session_id in sorted(gone):
        session, source = current[session_id], sources[session_id]
        venues.setdefault(session.venue_id, source.venues[session.venue_id])
        for city in (session.city, session.to_city):
            if city:
                cities.setdefault(city, source.cities[city])
        for theme in session.themes:
            themes.setdefault(theme, source.themes[theme])
    sessions = ordered(current[s.id] for s in served.sessions) + tuple(current[i] for i in sorted(gone))
    return replace(served, venues=venues, cities=cities, themes=themes, sessions=ordered(sessions))
