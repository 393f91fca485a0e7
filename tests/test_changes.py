"""What changed between two versions of a program (kizuna.program.changes): properties over random edits of the
built-in program, each kind of change classified, and the summary an organiser reads before publishing."""

from __future__ import annotations

import dataclasses
from datetime import date, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.program.changes import (
    ADDED,
    CANCELLED,
    EDITED,
    MOVED,
    REMOVED,
    RESTORED,
    SessionChange,
    changes_between,
    compare,
    compose,
    counts,
    described,
    facts,
    summary,
)
from kizuna.program.model import Program, Session, ordered

PROGRAM = load_program(BUILT_IN_PROGRAM)
IDS = [session.id for session in PROGRAM.sessions]
VENUES = sorted(PROGRAM.venues)
THEMES = sorted(PROGRAM.themes)
KARATO = "visit-karato-market"  # Friday 20 December 2019, no time
LIGHTHOUSE = "visit-tsunoshima-lighthouse"
EDITS = ("date", "time", "venue", "cancel", "restore", "remove", "copy", "retitle", "describe", "themes")


def with_sessions(program: Program, sessions: list[Session]) -> Program:
    return dataclasses.replace(program, sessions=ordered(sessions))


def edited(program: Program, session_id: str, **fields: object) -> Program:
    """The program with one session's fields changed, as an organiser would type them."""
    return with_sessions(
        program, [dataclasses.replace(s, **fields) if s.id == session_id else s for s in program.sessions]
    )


def without(program: Program, session_id: str) -> Program:
    return with_sessions(program, [s for s in program.sessions if s.id != session_id])


def with_copy(program: Program, session_id: str, new_id: str) -> Program:
    session = program.sessions_by_id[session_id]
    return with_sessions(
        program, [*program.sessions, dataclasses.replace(session, id=new_id, order=session.order + 50)]
    )


def apply(program: Program, edit: tuple[str, int, int], serial: int) -> Program:
    """One random edit: `which` picks the session (among the program's), `value` the new date, time, venue…"""
    kind, which, value = edit
    if not program.sessions:
        return program
    session = program.sessions[which % len(program.sessions)]
    if kind == "date":
        return edited(program, session.id, date=program.days[value % len(program.days)])
    if kind == "time":
        start = time(8 + value % 10, 30 * (value % 2))
        return edited(program, session.id, start=start, end=time(start.hour + 1, start.minute))
    if kind == "venue":
        venue = program.venues[VENUES[value % len(VENUES)]]
        return edited(program, session.id, venue_id=venue.id, city=venue.city)
    if kind == "cancel":
        return edited(program, session.id, status="cancelled")
    if kind == "restore":
        return edited(program, session.id, status="confirmed")
    if kind == "remove":
        return without(program, session.id)
    if kind == "copy":
        return with_copy(program, session.id, f"{session.id}-copy-{serial}")
    if kind == "retitle":
        return edited(program, session.id, title=f"{session.title} ({value})")
    if kind == "describe":
        return edited(program, session.id, description=f"Now {value}.")
    return edited(program, session.id, themes=(THEMES[value % len(THEMES)],))


edits = st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 200), st.integers(0, 200)), min_size=0, max_size=12)


def edited_by(program: Program, changes: list[tuple[str, int, int]], start: int = 0) -> Program:
    for serial, edit in enumerate(changes, start):
        program = apply(program, edit, serial)
    return program


def by_id(changes: tuple[SessionChange, ...]) -> dict[str, SessionChange]:
    found = {change.session_id: change for change in changes}
    assert len(found) == len(changes), "a session listed twice"
    return found


# --- properties -----------------------------------------------------------------------------------------------


def test_comparing_the_built_in_program_with_itself_or_a_fresh_load_of_it_gives_nothing() -> None:
    assert compare(PROGRAM, PROGRAM) == ()
    assert compare(PROGRAM, load_program(BUILT_IN_PROGRAM)) == ()
    assert summary(compare(PROGRAM, PROGRAM)) == "changes no session"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
def test_a_version_compared_with_itself_gives_nothing(first: list) -> None:
    version = edited_by(PROGRAM, first)
    assert compare(version, version) == ()
    assert compare(version, dataclasses.replace(version)) == ()  # another object, the same content


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits, edits)
def test_a_to_b_then_b_to_c_composes_to_a_to_c(first: list, second: list) -> None:
    a = PROGRAM
    b = edited_by(a, first)
    c = edited_by(b, second, start=len(first))
    composed, direct = compose(compare(a, b), compare(b, c)), compare(a, c)
    # The same changes, session by session; compose cannot know C's order of sessions B→C left alone, so its order
    # is its own (documented): second's, then first's others.
    assert by_id(composed) == by_id(direct)
    assert sorted(change.kind for change in composed) == sorted(change.kind for change in direct)
    assert counts(composed) == counts(direct)
    assert summary(composed) == summary(direct)
    # Composing with nothing changes nothing; composing a change with its reverse gives nothing.
    assert by_id(compose(compare(a, b), ())) == by_id(compare(a, b))
    assert by_id(compose((), compare(a, b))) == by_id(compare(a, b))
    assert compose(compare(a, b), compare(b, a)) == ()


def every_fact_compared(old: Program, new: Program) -> tuple[SessionChange, ...]:
    """compare() by its definition: every session of both versions put into words, then compared."""
    before = {s.id: facts(old, s) for s in old.sessions}
    after = {s.id: facts(new, s) for s in new.sessions}
    return changes_between(before, after, [s.id for s in new.sessions], [s.id for s in old.sessions])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits, edits)
def test_compare_puts_into_words_only_what_differs_and_finds_what_comparing_every_session_finds(
    first: list, second: list
) -> None:
    b = edited_by(PROGRAM, first)
    c = edited_by(b, second, start=len(first))
    renamed = dataclasses.replace(
        c,
        venues={
            v: dataclasses.replace(venue, note="a note that no participant reads") for v, venue in c.venues.items()
        },
    )
    for old, new in ((PROGRAM, b), (b, c), (PROGRAM, c), (c, renamed), (renamed, PROGRAM)):
        assert compare(old, new) == every_fact_compared(old, new)
    assert compare(c, renamed) == ()  # a venue's note is not news


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
def test_every_change_is_of_one_kind_and_says_what_differs(first: list) -> None:
    a, b = PROGRAM, edited_by(PROGRAM, first)
    changes = compare(a, b)
    for change in changes:
        old, new = a.sessions_by_id.get(change.session_id), b.sessions_by_id.get(change.session_id)
        assert (change.before is None, change.after is None) == (old is None, new is None)
        if old is None:
            assert change.kind == ADDED
            assert change.fields == ()
        elif new is None:
            assert change.kind == REMOVED
            assert change.fields == ()
        elif old.status != new.status:
            assert change.kind == (CANCELLED if new.status == "cancelled" else RESTORED)
        elif (old.date, old.start, old.end, old.city, old.venue_id) != (
            new.date,
            new.start,
            new.end,
            new.city,
            new.venue_id,
        ):
            assert change.kind == MOVED
        else:
            assert change.kind == EDITED
            assert (old.title, old.description, old.themes, old.kind) != (
                new.title,
                new.description,
                new.themes,
                new.kind,
            )
        assert change.kind in counts(changes)
        assert described(change).startswith(f"{change.kind.capitalize()}: {change.title}")
    unchanged = set(a.sessions_by_id) & set(b.sessions_by_id) - {change.session_id for change in changes}
    for session_id in unchanged:
        old, new = a.sessions_by_id[session_id], b.sessions_by_id[session_id]
        assert dataclasses.replace(old, order=0, revision=0) == dataclasses.replace(new, order=0, revision=0)
    # New sessions first in the new version's order, then the removed ones in the old version's order.
    kept = [change.session_id for change in changes if change.after is not None]
    assert kept == [s.id for s in b.sessions if s.id in set(kept)]
    assert all(change.after is None for change in changes[len(kept) :])


# --- each kind ------------------------------------------------------------------------------------------------

FRIDAY, THURSDAY = "Friday 20 December 2019", "Thursday 19 December 2019"


@pytest.mark.parametrize(
    ("make", "kind", "fields"),
    [
        (lambda p: edited(p, KARATO, date=date(2019, 12, 19)), MOVED, [("date", FRIDAY, THURSDAY)]),
        (lambda p: edited(p, KARATO, start=time(10), end=time(11, 30)), MOVED, [("time", "", "10:00–11:30")]),
        (
            lambda p: edited(p, KARATO, date=date(2019, 12, 19), start=time(10)),
            MOVED,
            [("date", FRIDAY, THURSDAY), ("time", "", "10:00")],
        ),
        (lambda p: edited(p, KARATO, venue_id="chofu-garden"), MOVED, [("venue",)]),
        (lambda p: edited(p, KARATO, city="tokyo"), MOVED, [("city", "Shimonoseki", "Tokyo")]),
        (lambda p: edited(p, LIGHTHOUSE, status="cancelled"), CANCELLED, [("status", "confirmed", "cancelled")]),
        (  # cancelled and moved at once: the cancellation is what matters
            lambda p: edited(p, LIGHTHOUSE, status="cancelled", date=date(2019, 12, 20)),
            CANCELLED,
            [("date", THURSDAY, FRIDAY), ("status", "confirmed", "cancelled")],
        ),
        (
            lambda p: edited(p, KARATO, title="Karato Market"),
            EDITED,
            [("title", "Visit to Karato Market", "Karato Market")],
        ),
        (lambda p: edited(p, KARATO, description="New words."), EDITED, [("description",)]),
        (lambda p: edited(p, KARATO, themes=("tourism-promotion",)), EDITED, [("themes",)]),
        (lambda p: without(p, KARATO), REMOVED, []),
        (lambda p: with_copy(p, KARATO, "visit-karato-market-again"), ADDED, []),
    ],
    ids=[
        "date",
        "time-added",
        "date-and-time",
        "venue",
        "city",
        "cancel",
        "cancel-and-move",
        "title",
        "description",
        "themes",
        "remove",
        "add",
    ],
)
def test_each_kind_of_change_is_classified_with_its_old_and_new_values(make, kind: str, fields: list[tuple]) -> None:
    (change,) = compare(PROGRAM, make(PROGRAM))
    assert change.kind == kind
    assert [(f.field, f.old, f.new)[: len(expected)] for f, expected in zip(change.fields, fields, strict=True)] == [
        tuple(expected) for expected in fields
    ]


def test_a_restored_session_and_bookkeeping_alone() -> None:
    cancelled = edited(PROGRAM, LIGHTHOUSE, status="cancelled")
    (change,) = compare(cancelled, PROGRAM)
    assert change.kind == RESTORED
    # revision and order are the organiser's bookkeeping, not news
    assert compare(PROGRAM, edited(PROGRAM, KARATO, revision=7, order=9)) == ()


def test_a_renamed_venue_moves_every_session_held_there() -> None:
    venue = PROGRAM.sessions_by_id[KARATO].venue_id
    renamed = dataclasses.replace(
        PROGRAM, venues={**PROGRAM.venues, venue: dataclasses.replace(PROGRAM.venues[venue], name="Karato Fish Market")}
    )
    changes = compare(PROGRAM, renamed)
    assert {change.session_id for change in changes} == {s.id for s in PROGRAM.sessions if s.venue_id == venue}
    assert {change.kind for change in changes} == {MOVED}


def test_a_renamed_city_or_theme_reaches_every_session_that_names_it() -> None:
    city, theme = PROGRAM.sessions_by_id[KARATO].city, THEMES[0]
    renamed = dataclasses.replace(
        PROGRAM,
        cities={**PROGRAM.cities, city: dataclasses.replace(PROGRAM.cities[city], name="Shimonoseki-shi")},
        themes={**PROGRAM.themes, theme: dataclasses.replace(PROGRAM.themes[theme], label="Another label")},
    )
    changes = compare(PROGRAM, renamed)
    assert changes == every_fact_compared(PROGRAM, renamed)
    touched = {s.id for s in PROGRAM.sessions if city in (s.city, s.to_city) or theme in s.themes}
    assert {change.session_id for change in changes} == touched
    assert compare(renamed, PROGRAM) == every_fact_compared(renamed, PROGRAM)


def test_against_no_version_every_session_is_new() -> None:
    changes = compare(None, PROGRAM)
    assert [change.session_id for change in changes] == IDS
    assert summary(changes) == f"adds {len(IDS)} sessions"


# --- summary and lines ----------------------------------------------------------------------------------------


def issue_edit(program: Program) -> Program:
    """The issue's: Karato Market to 19 December at 10:00, the lighthouse cancelled, nothing else touched."""
    return edited(edited(program, KARATO, date=date(2019, 12, 19), start=time(10)), LIGHTHOUSE, status="cancelled")


def test_the_summary_names_each_kind_once_in_a_fixed_order_the_first_with_its_noun() -> None:
    assert summary(compare(PROGRAM, issue_edit(PROGRAM))) == "moves 1 session, cancels 1"
    version = issue_edit(PROGRAM)
    version = edited(version, "visit-jnto", date=version.sessions_by_id["visit-jnto"].date + timedelta(days=1))
    version = with_copy(version, KARATO, "karato-again")
    for session_id in ("visit-chofu-garden", "visit-mori-museum", "visit-tsunoshima-bridge"):
        version = edited(version, session_id, title=version.sessions_by_id[session_id].title + "!")
    assert summary(compare(PROGRAM, version)) == "moves 2 sessions, cancels 1, adds 1, edits 3"
    version = without(without(edited(PROGRAM, LIGHTHOUSE, status="cancelled"), KARATO), "visit-jnto")
    assert summary(compare(PROGRAM, version)) == "cancels 1 session, removes 2"
    assert counts(compare(PROGRAM, version)) == {CANCELLED: 1, REMOVED: 2}
    assert summary(compare(version, PROGRAM)) == "adds 2 sessions, restores 1"


def test_each_change_is_one_line_with_old_and_new() -> None:
    moved, cancelled = compare(PROGRAM, issue_edit(PROGRAM))
    assert described(moved) == f"Moved: Visit to Karato Market — date: {FRIDAY} → {THURSDAY}; time: (none) → 10:00"
    assert described(cancelled) == "Cancelled: Visit to Tsunoshima Lighthouse — status: confirmed → cancelled"
    (removed,) = compare(PROGRAM, without(PROGRAM, KARATO))
    assert described(removed) == "Removed: Visit to Karato Market"
