"""A published program's history (kizuna.publishing.history): which version was served when, and the calendar
bookkeeping derived from it (SEQUENCE, LAST-MODIFIED, DTSTAMP, removed sessions kept as cancelled)."""

from __future__ import annotations

import csv
import dataclasses
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from checkers import calcurse_days, ical_js_events, khal_list, require
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from kizuna.calendars.feeds import feed_bytes, feeds
from kizuna.calendars.ics import export_ics, file_name
from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.program.model import City, Program, Session, Theme, Venue, ordered
from kizuna.publishing import published
from kizuna.publishing.history import Moment, history, moments, stamped
from kizuna.publishing.programs import DEFAULT_ENV, PROGRAM_ENV
from kizuna.publishing.published import published_feed
from kizuna.publishing.store import Store, Version

PROGRAM = load_program(BUILT_IN_PROGRAM)
KARATO = "visit-karato-market"
LIGHTHOUSE = "visit-tsunoshima-lighthouse"
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def version(number: int, published: int, withdrawn: int | None = None, legacy: bool = False) -> Version:
    """A store's version row: published `published` minutes after T0, withdrawn `withdrawn` minutes after it (a
    `legacy` withdrawal, from before the store kept its time, has none)."""
    return Version(
        program_id=PROGRAM.id,
        number=number,
        content_hash=f"{number:064d}",
        published_at=at(published),
        note="",
        withdrawn=withdrawn is not None,
        title=PROGRAM.title,
        start_date=PROGRAM.start_date,
        end_date=PROGRAM.end_date,
        sessions=len(PROGRAM.sessions),
        withdrawn_at=None if withdrawn is None or legacy else at(withdrawn),
    )


def edited(program: Program, session_id: str, **fields: object) -> Program:
    sessions = [dataclasses.replace(s, **fields) if s.id == session_id else s for s in program.sessions]
    return dataclasses.replace(program, sessions=ordered(sessions))


def without(program: Program, session_id: str) -> Program:
    return dataclasses.replace(program, sessions=tuple(s for s in program.sessions if s.id != session_id))


def served(versions: list[Version], programs: dict[int, Program]) -> Program | None:
    return stamped(history(versions, programs.__getitem__))


def vevents(data: bytes) -> dict[str, bytes]:
    """Each VEVENT's bytes as written, by session id."""
    found = {}
    for block in data.split(b"BEGIN:VEVENT\r\n")[1:]:
        block = block.split(b"END:VEVENT\r\n")[0]
        uid = next(line for line in block.replace(b"\r\n ", b"").split(b"\r\n") if line.startswith(b"UID:"))
        found[uid[4:].split(b"@")[0].decode()] = block
    return found


def parsed(data: bytes) -> dict[str, object]:
    return {str(event["UID"]).split("@")[0]: event for event in Calendar.from_ical(data).walk("VEVENT")}


# --- moments --------------------------------------------------------------------------------------------------


def test_each_publish_is_a_moment_whatever_order_the_versions_come_in() -> None:
    rows = [version(3, 20), version(1, 0), version(2, 10)]  # the store lists the newest first; any order will do
    assert moments(rows) == [Moment(at(0), 1, False, 1), Moment(at(10), 2, False, 2), Moment(at(20), 3, False, 3)]
    assert moments([]) == []


def test_withdrawing_the_live_version_serves_the_previous_one_again() -> None:
    assert moments([version(1, 0), version(2, 10, withdrawn=30)]) == [
        Moment(at(0), 1, False, 1),
        Moment(at(10), 2, False, 2),
        Moment(at(30), 1, True, 2),
    ]


def test_withdrawing_an_older_version_changes_nothing_served() -> None:
    assert moments([version(1, 0, withdrawn=30), version(2, 10)]) == [
        Moment(at(0), 1, False, 1),
        Moment(at(10), 2, False, 2),
    ]


def test_withdrawing_every_version_leaves_nothing_served_and_a_new_publish_serves_again() -> None:
    rows = [version(1, 0, withdrawn=20), version(2, 10, withdrawn=15), version(3, 40)]
    assert moments(rows) == [
        Moment(at(0), 1, False, 1),
        Moment(at(10), 2, False, 2),
        Moment(at(15), 1, True, 2),
        Moment(at(20), None, True, 1),
        Moment(at(40), 3, False, 3),
    ]


def test_a_withdrawal_from_before_the_store_kept_its_time_still_ends_with_the_live_version_served() -> None:
    """Schema 1 stores have withdrawn versions without withdrawn_at: the history must still end on the version the
    store calls live, or the served program would be a withdrawn one's."""
    found = moments([version(1, 0), version(2, 10, withdrawn=0, legacy=True)])
    assert found[-1].number == 1
    assert [moment.number for moment in found] == [1, 2, 1]
    assert moments([version(1, 0, withdrawn=0, legacy=True), version(2, 10)])[-1].number == 2


# --- stamped --------------------------------------------------------------------------------------------------


def test_one_version_is_served_as_published_and_exports_byte_identical_files() -> None:
    program = served([version(1, 0)], {1: PROGRAM})
    assert [(s.id, s.revision, s.modified) for s in program.sessions] == [
        (s.id, s.revision, None) for s in PROGRAM.sessions
    ]
    assert export_ics(program) == export_ics(PROGRAM)
    assert [feed.name for feed in feeds(program)] == [feed.name for feed in feeds(PROGRAM)]
    for feed in feeds(PROGRAM):
        assert feed_bytes(program, feed.name, "https://kizuna.example") == feed_bytes(
            PROGRAM, feed.name, "https://kizuna.example"
        )


def test_a_moved_session_gets_a_higher_sequence_its_publish_time_and_the_others_stay_as_they_were() -> None:
    moved = edited(PROGRAM, KARATO, date=date(2019, 12, 19), start=time(10))
    program = served([version(1, 0), version(2, 10)], {1: PROGRAM, 2: moved})
    old = PROGRAM.sessions_by_id[KARATO]
    new = program.sessions_by_id[KARATO]
    assert (new.date, new.start, new.revision, new.modified) == (date(2019, 12, 19), time(10), old.revision + 1, at(10))
    for session in PROGRAM.sessions:
        if session.id != KARATO:
            assert program.sessions_by_id[session.id] == session  # revision and modified (None) as published
    before, after = vevents(export_ics(PROGRAM)), vevents(export_ics(program))
    assert {i for i in before if before[i] != after[i]} == {KARATO}
    event = parsed(export_ics(program))[KARATO]
    assert event["LAST-MODIFIED"].dt == at(10)
    assert event["DTSTAMP"].dt == at(10) > parsed(export_ics(PROGRAM))[KARATO]["DTSTAMP"].dt
    assert event["SEQUENCE"] == old.revision + 1


def test_a_removed_session_comes_back_cancelled_and_a_re_added_one_rises_again() -> None:
    programs = {1: PROGRAM, 2: without(PROGRAM, KARATO), 3: PROGRAM}
    original = PROGRAM.sessions_by_id[KARATO]
    ghost = served([version(1, 0), version(2, 10)], programs).sessions_by_id[KARATO]
    assert (ghost.status, ghost.revision, ghost.modified) == ("cancelled", original.revision + 1, at(10))
    assert dataclasses.replace(ghost, status="confirmed", revision=original.revision, modified=None) == original
    event = parsed(export_ics(served([version(1, 0), version(2, 10)], programs)))[KARATO]
    assert (str(event["STATUS"]), event["SEQUENCE"]) == ("CANCELLED", original.revision + 1)
    back = served([version(1, 0), version(2, 10), version(3, 20)], programs).sessions_by_id[KARATO]
    assert (back.status, back.revision, back.modified) == ("confirmed", original.revision + 2, at(20))
    # withdrawing the version that removed it brings it back too, higher again
    back = served([version(1, 0), version(2, 10, withdrawn=30)], programs).sessions_by_id[KARATO]
    assert (back.status, back.revision, back.modified) == ("confirmed", original.revision + 2, at(30))


def test_a_cancelled_session_rises_and_withdrawing_the_cancellation_rises_it_again() -> None:
    programs = {1: PROGRAM, 2: edited(PROGRAM, LIGHTHOUSE, status="cancelled")}
    original = PROGRAM.sessions_by_id[LIGHTHOUSE]
    cancelled = served([version(1, 0), version(2, 10)], programs).sessions_by_id[LIGHTHOUSE]
    assert (cancelled.status, cancelled.revision, cancelled.modified) == ("cancelled", original.revision + 1, at(10))
    restored = served([version(1, 0), version(2, 10, withdrawn=20)], programs).sessions_by_id[LIGHTHOUSE]
    assert (restored.status, restored.revision, restored.modified) == ("confirmed", original.revision + 2, at(20))
    # an older version withdrawn: the served program is unchanged
    same = served([version(1, 0, withdrawn=20), version(2, 10)], programs)
    assert same.sessions == served([version(1, 0), version(2, 10)], programs).sessions


def test_the_organiser_s_revision_is_a_floor() -> None:
    programs = {
        1: PROGRAM,
        2: edited(PROGRAM, KARATO, revision=9),
        3: edited(PROGRAM, KARATO, revision=9, start=time(8)),
    }
    assert served([version(1, 0), version(2, 10)], programs).sessions_by_id[KARATO].revision == 9
    assert served([version(1, 0), version(2, 10), version(3, 20)], programs).sessions_by_id[KARATO].revision == 10


def with_osaka(program: Program) -> Program:
    """The program with a visit in a city, at a venue and on a theme no other session has."""
    city = City("osaka", "Osaka", "大阪", "Osaka", 34.6937, 135.5023)
    venue = Venue(
        "osaka-castle", "Osaka Castle", "大阪城", "1-1 Osakajo", "osaka", 34.6873, 135.5262, "exact", "high", "test"
    )
    theme = Theme("castles", "Castles", "#884400", "topic")
    visit = Session(
        "visit-osaka-castle",
        date(2019, 12, 17),
        "osaka",
        "osaka-castle",
        "Visit to Osaka Castle",
        "visit",
        ("castles",),
        9,
    )
    return dataclasses.replace(
        program,
        cities={**program.cities, "osaka": city},
        venues={**program.venues, "osaka-castle": venue},
        themes={**program.themes, "castles": theme},
        sessions=ordered([*program.sessions, visit]),
    )


def test_a_removed_session_keeps_its_venue_city_and_themes_when_the_new_version_dropped_them() -> None:
    program = served([version(1, 0), version(2, 10)], {1: with_osaka(PROGRAM), 2: PROGRAM})
    ghost = program.sessions_by_id["visit-osaka-castle"]
    assert ghost.status == "cancelled"
    assert program.venues["osaka-castle"].name == "Osaka Castle"
    assert program.cities["osaka"].name == "Osaka"
    assert program.themes["castles"].label == "Castles"
    event = parsed(export_ics(program))["visit-osaka-castle"]
    assert (str(event["STATUS"]), str(event["LOCATION"])) == ("CANCELLED", "Osaka Castle (大阪城), 1-1 Osakajo")
    # the feeds of that city and theme still exist, so their subscribers get the cancellation rather than a 404
    for name in ("kizuna-2019-osaka.ics", "kizuna-2019-castles.ics"):
        assert b"STATUS:CANCELLED" in feed_bytes(program, name)


# --- sequence never decreases, over random histories ------------------------------------------------------------

SESSIONS = [s.id for s in PROGRAM.sessions]
actions = st.lists(
    st.one_of(
        st.tuples(
            st.just("publish"),
            st.lists(
                st.tuples(
                    st.sampled_from(("move", "cancel", "remove", "retitle", "revise")), st.sampled_from(SESSIONS)
                ),
                max_size=4,
            ),
        ),
        st.tuples(st.just("withdraw-live"), st.just([])),
        st.tuples(st.just("withdraw-older"), st.just([])),
    ),
    min_size=1,
    max_size=8,
)


def publishable(base: Program, edits: list[tuple[str, str]]) -> Program:
    program = base
    for edit, session_id in edits:
        if session_id not in program.sessions_by_id:
            continue
        session = program.sessions_by_id[session_id]
        if edit == "move":
            program = edited(program, session_id, start=time((session.start.hour + 1) % 20 if session.start else 9))
        elif edit == "cancel":
            program = edited(program, session_id, status="cancelled" if session.status == "confirmed" else "confirmed")
        elif edit == "remove":
            program = without(program, session_id)
        elif edit == "retitle":
            program = edited(program, session_id, title=session.title + "!")
        else:
            program = edited(program, session_id, revision=session.revision + 2)
    return program


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions)
def test_sequence_never_decreases_across_publishes_and_withdrawals(steps: list) -> None:
    programs = {1: PROGRAM}
    rows = {1: version(1, 0)}
    seen: dict[str, int] = {s.id: s.revision for s in PROGRAM.sessions}
    modified: dict[str, datetime | None] = {s.id: None for s in PROGRAM.sessions}
    for minute, (action, edits) in enumerate(steps, 1):
        live = [number for number, row in rows.items() if not row.withdrawn]
        if action == "publish":
            number = max(rows) + 1
            base = programs[max(live)] if live else PROGRAM
            # half the publishes start again from the first version: removed sessions come back
            programs[number] = publishable(base if minute % 2 else PROGRAM, edits)
            rows[number] = version(number, minute)
        elif live and (action == "withdraw-live" or len(live) > 1):
            number = max(live) if action == "withdraw-live" else min(live)
            rows[number] = dataclasses.replace(rows[number], withdrawn=True, withdrawn_at=at(minute))
        program = served(list(rows.values()), programs)
        assert program is not None
        live = [number for number, row in rows.items() if not row.withdrawn]
        if not live:
            continue
        organiser = programs[max(live)].sessions_by_id
        assert {s.id for s in program.sessions} >= set(organiser)
        for session in program.sessions:
            assert session.revision >= seen.get(session.id, session.revision), session.id
            if session.id in organiser:
                assert session.revision >= organiser[session.id].revision
                assert dataclasses.replace(session, revision=0, modified=None) == dataclasses.replace(
                    organiser[session.id], revision=0
                )
            else:  # no longer in the served version: kept as cancelled
                assert session.status == "cancelled"
            if session.modified is not None and modified.get(session.id) is not None:
                assert session.modified >= modified[session.id]
            if session.revision == seen.get(session.id) and session.id in modified:
                assert session.modified == modified[session.id]  # not changed: not modified again
            seen[session.id] = session.revision
            modified[session.id] = session.modified


def test_a_removed_session_on_a_day_the_new_version_dropped_widens_the_program_s_days() -> None:
    last = max(PROGRAM.sessions, key=lambda s: s.date).date
    shorter = dataclasses.replace(
        PROGRAM,
        end_date=last - timedelta(days=1),
        sessions=tuple(s for s in PROGRAM.sessions if s.date < last),
    )
    program = served([version(1, 0), version(2, 10)], {1: PROGRAM, 2: shorter})
    gone = [s for s in program.sessions if s.date == last]
    assert gone
    assert all(s.status == "cancelled" for s in gone)
    assert (program.start_date, program.end_date) == (PROGRAM.start_date, PROGRAM.end_date)
    assert {s.date for s in program.sessions} <= set(program.days)


# --- end to end: the store, its feeds, and calendar programs ------------------------------------------------------

LUNCH = "lunch-karato-market"
MORI = "visit-mori-museum"


@pytest.fixture(params=["sqlite", "postgresql"])
def shelved(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """A new, empty store of each kind, the one this process serves from (KIZUNA_DATABASE_URL)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kizuna.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_cluster").create_database()
    for name in (PROGRAM_ENV, DEFAULT_ENV, "KIZUNA_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KIZUNA_DATABASE_URL", url)
    monkeypatch.setattr(published, "DEFAULT_DATABASE", tmp_path / "var" / "kizuna.sqlite3")
    with Store(url) as opened:
        yield opened


def edit_sessions(folder: Path, change) -> None:
    path = folder / "sessions.csv"
    with path.open(newline="", encoding="utf-8") as file:
        header, *rows = list(csv.reader(file))
    rows = change(header, rows)
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file, lineterminator="\n").writerows([header, *rows])


def second_version(folder: Path) -> Path:
    """The issue's publish: Karato Market moved to 19 December 10:00–11:30, the lighthouse cancelled, the Mori Museum
    removed, a lunch added; nothing else touched (not `revision`, not `updated`)."""
    shutil.copytree(BUILT_IN_PROGRAM, folder)

    def change(header: list[str], rows: list[list[str]]) -> list[list[str]]:
        column = header.index
        kept = []
        for row in rows:
            if row[column("id")] == KARATO:
                row[column("date")], row[column("start")], row[column("end")] = "2019-12-19", "10:00", "11:30"
                lunch = list(row)
                lunch[column("id")], lunch[column("title")] = LUNCH, "Lunch at Karato Market"
                lunch[column("start")], lunch[column("end")], lunch[column("order")] = "12:00", "13:00", "20"
                kept += [row, lunch]
            elif row[column("id")] == LIGHTHOUSE:
                row[column("status")] = "cancelled"
                kept.append(row)
            elif row[column("id")] != MORI:
                kept.append(row)
        return kept

    edit_sessions(folder, change)
    return folder


def feed_of(number_version: Version, name: str) -> bytes:
    found = published_feed(number_version, name, None)
    assert found is not None, name
    return found.body


def test_a_publish_that_moves_cancels_removes_and_adds_updates_the_feeds_and_nothing_else(
    shelved: Store, tmp_path: Path
) -> None:
    first = shelved.publish(shutil.copytree(BUILT_IN_PROGRAM, tmp_path / "v1")).version
    names = [feed.name for feed in feeds(PROGRAM)]
    before = {name: feed_of(first, name) for name in names}
    directory = {feed.name: feed_bytes(PROGRAM, feed.name) for feed in feeds(PROGRAM)}
    assert before == directory  # one version: the directory's bytes
    second = shelved.publish(second_version(tmp_path / "v2")).version
    assert second.number == 2
    published.look_again()
    assert [v.number for v in published.published_programs()[1]] == [2]
    whole = file_name(PROGRAM)
    after = {name: feed_of(second, name) for name in names}
    for name in names:
        old, new = vevents(before[name]), vevents(after[name])
        for session_id in old.keys() - {KARATO, LIGHTHOUSE, MORI}:
            assert new[session_id] == old[session_id], (name, session_id)  # unchanged: byte for byte
    old, new = parsed(before[whole]), parsed(after[whole])
    assert set(new) == set(old) | {LUNCH}  # the removed session is still there
    moved = new[KARATO]
    assert moved["SEQUENCE"] > old[KARATO]["SEQUENCE"]
    assert moved["DTSTAMP"].dt > old[KARATO]["DTSTAMP"].dt
    assert moved["LAST-MODIFIED"].dt == second.published_at.replace(microsecond=0)
    assert moved["DTSTART"].dt == datetime(2019, 12, 19, 10, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert "LAST-MODIFIED" not in old[KARATO]
    for session_id in (LIGHTHOUSE, MORI):
        assert (str(old[session_id]["STATUS"]), str(new[session_id]["STATUS"])) == ("CONFIRMED", "CANCELLED")
        assert new[session_id]["SEQUENCE"] > old[session_id]["SEQUENCE"]
        assert new[session_id]["DTSTAMP"].dt > old[session_id]["DTSTAMP"].dt
    assert str(new[LUNCH]["STATUS"]) == "CONFIRMED"
    # the removed museum is still in the feeds it was in (its city's, its theme's)
    for name in names:
        assert (MORI in vevents(before[name])) == (MORI in vevents(after[name])), name
    # a link pinned to version 1 still gets version 1's bytes
    assert {name: feed_of(first, name) for name in names} == before
    # the calendar programs
    paths = {}
    for label, data in (("v1", before[whole]), ("v2", after[whole])):
        paths[label] = tmp_path / f"{label}.ics"
        paths[label].write_bytes(data)
    read_by_calendars(paths["v1"], paths["v2"])


def read_by_calendars(v1: Path, v2: Path) -> None:
    """ical.js, calcurse and khal read both versions; khal updates the moved event in place."""
    require("node")
    require("calcurse")
    require("khal")
    one = {e["uid"].split("@")[0]: e for e in ical_js_events(v1)["events"]}
    two = {e["uid"].split("@")[0]: e for e in ical_js_events(v2)["events"]}
    assert set(two) == set(one) | {LUNCH}
    assert (two[KARATO]["date"], two[KARATO]["all_day"], two[KARATO]["utc"]) == (
        "2019-12-19",
        False,
        "2019-12-19T01:00:00.000Z",
    )
    assert two[KARATO]["sequence"] > one[KARATO]["sequence"]
    assert (two[LIGHTHOUSE]["status"], two[MORI]["status"]) == ("CANCELLED", "CANCELLED")
    first_day = PROGRAM.start_date.isoformat()
    shown_one = calcurse_days(v1, first_day, 7)
    assert shown_one == Counter((s.date.isoformat(), s.title) for s in PROGRAM.sessions)
    shown_two = calcurse_days(v2, first_day, 7)
    assert shown_two[("2019-12-19", "Visit to Karato Market")] == 1
    assert shown_two[("2019-12-20", "Visit to Karato Market")] == 0
    listed = khal_over(v1, v2)
    assert [uid for _, _, uid, _ in listed].count(f"{KARATO}@{PROGRAM.id}.kizuna") == 1  # updated, not doubled
    karato = next(entry for entry in listed if entry[2].startswith(KARATO + "@"))
    assert karato[:2] == ("2019-12-19", "Visit to Karato Market")
    assert len({uid for _, _, uid, _ in listed}) == len(listed) == len(PROGRAM.sessions) + 1
    cancelled = {entry[2].split("@")[0] for entry in listed if entry[3].strip()}
    assert cancelled == {LIGHTHOUSE, MORI}


def khal_over(first: Path, second: Path) -> list[tuple[str, ...]]:
    """(ISO date, title, UID, 'CANCELLED ' or '') of every event khal lists after importing `first`, then `second`
    into the same calendar, as a participant re-importing the new file does."""
    fields = "{start-date}|{title}|{uid}|{cancelled}"
    return khal_list([first, second], "2019-12-14", "2019-12-23", fields, zone="Asia/Tokyo")


def test_dtstamp_advances_with_every_change_even_when_updated_is_ahead_of_the_store_s_clock() -> None:
    """An organiser's `updated` later than the publishes (a typo, a time zone taken for UTC): DTSTAMP is the later
    of the two, and the store's publish time alone would leave it where it was; a change still moves it on."""
    ahead = dataclasses.replace(PROGRAM, updated=datetime(2030, 1, 1, 12, 0, 0, 500_000, tzinfo=UTC))
    programs = {
        1: ahead,
        2: edited(ahead, KARATO, start=time(10)),
        3: edited(ahead, KARATO, start=time(11)),
        4: without(edited(ahead, KARATO, start=time(11)), LIGHTHOUSE),
    }
    rows = [version(1, 0), version(2, 10)]
    stamps = [parsed(export_ics(served(rows[:1], programs)))[KARATO]["DTSTAMP"].dt]
    for number in (2, 3):
        rows = [version(n, n) for n in range(1, number + 1)]  # a minute apart: the same as 2030 for DTSTAMP
        event = parsed(export_ics(served(rows, programs)))[KARATO]
        assert event["LAST-MODIFIED"].dt == event["DTSTAMP"].dt
        stamps.append(event["DTSTAMP"].dt)
    assert stamps[0] < stamps[1] < stamps[2]
    assert stamps[1] == datetime(2030, 1, 1, 12, 0, 1, tzinfo=UTC)
    rows = [version(n, n) for n in range(1, 5)]
    before = parsed(export_ics(served(rows[:3], programs)))[LIGHTHOUSE]["DTSTAMP"].dt
    ghost = parsed(export_ics(served(rows, programs)))[LIGHTHOUSE]
    assert str(ghost["STATUS"]) == "CANCELLED"
    assert ghost["DTSTAMP"].dt > before


def test_a_removed_session_whose_venue_moved_to_a_new_city_in_the_new_version_is_still_served() -> None:
    """The ghost's venue is the served one (same id): its city is looked up there, not in the older version."""
    moved = dataclasses.replace(
        with_osaka(PROGRAM), sessions=tuple(s for s in PROGRAM.sessions if s.venue_id != "karato-market")
    )
    venue = dataclasses.replace(PROGRAM.venues["karato-market"], city="osaka")
    moved = dataclasses.replace(moved, venues={**moved.venues, "karato-market": venue})
    program = served([version(1, 0), version(2, 10)], {1: PROGRAM, 2: moved})
    assert program.sessions_by_id[KARATO].status == "cancelled"
    assert program.venues["karato-market"].city == "osaka"
    assert b"STATUS:CANCELLED" in vevents(export_ics(program))[KARATO]


def test_a_change_to_a_translation_alone_raises_the_session_s_sequence_and_is_told_in_that_language_only() -> None:
    from kizuna.program.model import Translations
    from kizuna.publishing.history import stamping_history, told_in

    karato = PROGRAM.sessions_by_id[KARATO]
    texts = {lang: dict(fields) for lang, fields in karato.translations.items()}
    texts["ja"] = {**texts.get("ja", {}), "title": "唐戸市場の見学"}
    retitled = edited(PROGRAM, KARATO, translations=Translations(texts))
    versions, programs = [version(1, 0), version(2, 10)], {1: PROGRAM, 2: retitled}
    steps = stamping_history(versions, programs.__getitem__)
    program = stamped(steps)
    assert program.sessions_by_id[KARATO].revision == karato.revision + 1
    assert program.sessions_by_id[KARATO].modified == at(10)
    assert all(program.sessions_by_id[s.id] == s for s in PROGRAM.sessions if s.id != KARATO)
    assert [step.changes for step in told_in(steps, "en")][1] == ()  # nothing an English reader reads changed
    (change,) = told_in(steps, "ja")[1].changes
    assert (change.session_id, change.after.title) == (KARATO, "唐戸市場の見学")
