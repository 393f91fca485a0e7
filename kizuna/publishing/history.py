"""A published program's history: which version was served when, what each change did to each session, and the
calendar bookkeeping that follows from it, so an organiser never raises a `revision` or bumps `updated` by hand.

Served states, not versions, are compared: a withdrawal that brings an older version back changes sessions too.
Per session, SEQUENCE starts at the organiser's `revision` and rises by one at every served change of it (never
falling, also across withdrawals); LAST-MODIFIED is when that change was served. A session that leaves the program
stays in it as cancelled, so calendars that had it drop it instead of keeping a ghost.

Which sessions a step changed is read from their texts as `program.changes` words them, in the current language; the
stamps are made from a history worded in the source language (`stamping_history`), so every replica stamps alike
whoever reads, and a reader's history (`told_in`) is the same steps worded in their language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from kizuna.i18n import SOURCE, speaking
from kizuna.program.changes import SessionChange, compare
from kizuna.program.languages import in_language
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

    @property
    def changed(self) -> set[str]:
        return {change.session_id for change in self.changes}


def moments(versions: Sequence) -> list[Moment]:
    """The moments the served version changed, oldest first, from the store's versions (any order): each publish,
    and each withdrawal of the version being served. A withdrawal from before the store kept its time (schema 1) is
    taken as the last thing that happened, so the history still ends on the version the store calls live."""
    known = [v.published_at for v in versions] + [v.withdrawn_at for v in versions if v.withdrawn_at is not None]
    last = max(known, default=None)
    events = sorted(
        [(v.published_at, 0, v.number) for v in versions]
        + [(v.withdrawn_at or last, 1, v.number) for v in versions if v.withdrawn]
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
    """Every moment with its changes, worded in the current language; `load(number)` reads a version's program (each
    is read once)."""
    return steps_of(moments(versions), load)


def stamping_history(versions: Sequence, load: Callable[[int], Program]) -> list[Step]:
    """The history `stamped` reads: the programs as stored, worded in the source language, so a session's SEQUENCE
    and LAST-MODIFIED do not depend on who asks first. A session whose translation alone changed (a new `title_ja`)
    counts as changed too: the calendars in that language show it."""
    with speaking(SOURCE):
        steps = history(versions, load)
    translated = sorted({lang for step in steps if step.program for lang in step.program.languages[1:]})
    for lang in translated:
        steps = [
            replace(step, changes=(*step.changes, *(c for c in told.changes if c.session_id not in step.changed)))
            for step, told in zip(steps, told_in(steps, lang), strict=True)
        ]
    return steps


def told_in(steps: Sequence[Step], lang: str) -> tuple[Step, ...]:
    """The same moments as a reader of `lang` reads them: each version's texts in that language (`in_language`) and
    worded in it (the changes a stamping history holds of other languages' texts left out)."""
    stored = {step.moment.number: step.program for step in steps if step.program is not None}
    shown = {number: in_language(program, lang) for number, program in stored.items()}
    with speaking(lang):
        return tuple(steps_of([step.moment for step in steps], shown.__getitem__))


def steps_of(found: Sequence[Moment], load: Callable[[int], Program]) -> list[Step]:
    programs: dict[int, Program] = {}
    steps = []
    previous: Program | None = None
    for moment in found:
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
    (`modified`) derived from the steps (a `stamping_history`'s), and every session that left it kept as cancelled.
    None: nothing served.

    A change's `modified` is the moment it was served, or just after the DTSTAMP calendars already had for the
    session when that is later (an organiser's `updated` ahead of the store's clock): DTSTAMP, the later of `updated`
    and `modified` (calendars.ics), then advances with every change."""
    current: dict[str, Session] = {}  # every session ever served, as last served, stamped
    sources: dict[str, Program] = {}  # the program each was last served in: its venue, city and themes are there
    gone: set[str] = set()
    served: Program | None = None
    for index, step in enumerate(steps):
        if step.program is None:
            continue
        previous, served, at = served, step.program, step.moment.at
        changed = step.changed
        for session in served.sessions:
            old = current.get(session.id)
            if old is None:
                current[session.id] = replace(session, modified=at if index else None)
            elif session.id in changed or session.id in gone:
                revision = max(session.revision, old.revision + 1)
                current[session.id] = replace(session, revision=revision, modified=changed_at(old, previous, at))
            else:
                current[session.id] = replace(
                    session, revision=max(session.revision, old.revision), modified=old.modified
                )
            sources[session.id] = served
            gone.discard(session.id)
        for session_id in current.keys() - served.sessions_by_id.keys() - gone:
            old = current[session_id]
            current[session_id] = replace(
                old, status="cancelled", revision=old.revision + 1, modified=changed_at(old, previous, at)
            )
            gone.add(session_id)
    return None if served is None else with_sessions(served, current, sources, gone)


def changed_at(old: Session, previous: Program, at: datetime) -> datetime:
    """When a change of `old` (last served in `previous`) is served at `at`: then, or a second after the DTSTAMP
    calendars have for it when that is later (calendars.ics writes whole seconds)."""
    seen = max(previous.updated, old.modified) if old.modified else previous.updated
    return max(at, seen.replace(microsecond=0) + timedelta(seconds=1))


def with_sessions(served: Program, current: dict[str, Session], sources: dict[str, Program], gone: set[str]) -> Program:
    """`served` with its sessions stamped and the gone ones added, with the venue, city and themes they need."""
    venues, cities, themes = dict(served.venues), dict(served.cities), dict(served.themes)
    for session_id in sorted(gone):
        session, source = current[session_id], sources[session_id]
        if session.venue_id not in venues:
            venues[session.venue_id] = source.venues[session.venue_id]
        for city in (session.city, session.to_city, venues[session.venue_id].city):
            if city and city not in cities:
                cities[city] = source.cities[city]
        for theme in session.themes:
            if theme not in themes:
                themes[theme] = source.themes[theme]
    sessions = ordered(current[s.id] for s in served.sessions) + tuple(current[i] for i in sorted(gone))
    # A session gone on a day the new version no longer has keeps its day: the program's days are widened to hold it,
    # as every view expects of a session's date.
    ghost_days = [current[i].date for i in gone]
    start = min([served.start_date, *ghost_days])
    end = max([served.end_date, *ghost_days])
    return replace(
        served,
        venues=venues,
        cities=cities,
        themes=themes,
        sessions=ordered(sessions),
        start_date=start,
        end_date=end,
    )
