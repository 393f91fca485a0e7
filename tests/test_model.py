"""The program model: the one order every view lists sessions in (`kizuna.program.model.ordered`)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, time
from pathlib import Path

import pytest
from checkers import require
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from kizuna import cli
from kizuna.checks.loading import load_program
from kizuna.printing.itinerary import itinerary_pdf
from kizuna.program.model import Session, ordered

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "good" / "minimal"
DAY = date(2030, 5, 14)
TIMES = [time(hour, minute) for hour in (9, 10, 11) for minute in (0, 30)]  # few, so that times tie
ORDERS = st.integers(min_value=0, max_value=6)  # few, so that orders tie too
ANY_START = st.none() | st.sampled_from(TIMES)
PROPERTY = settings(max_examples=300, deadline=None, derandomize=True)


def session(number: int, order: int, start: time | None, day: date = DAY) -> Session:
    return Session(f"s{number}", day, "tokyo", "hall", f"Session {number}", "visit", ("t",), order, start=start)


@st.composite
def a_day(draw: st.DrawFn, starts: st.SearchStrategy = ANY_START) -> list[Session]:
    """One day's sessions in any order: some timed, some not, orders and times that tie and disagree."""
    rows = draw(st.lists(st.tuples(ORDERS, starts), max_size=9))
    return [session(number, order, start) for number, (order, start) in enumerate(rows)]


@st.composite
def an_agreeing_day(draw: st.DrawFn) -> list[Session]:
    """A day whose times never disagree with `order`: a later `order` starts no earlier."""
    orders = sorted(draw(st.lists(ORDERS, max_size=9)))
    timed = draw(st.lists(st.booleans(), min_size=len(orders), max_size=len(orders)))
    starts = sorted(draw(st.lists(st.sampled_from(TIMES), min_size=len(orders), max_size=len(orders))))
    rows = [(order, start if is_timed else None) for order, start, is_timed in zip(orders, starts, timed, strict=True)]
    return draw(st.permutations([session(number, *row) for number, row in enumerate(rows)]))


def in_order(s: Session) -> tuple[int, str]:
    return s.order, s.id


def old_order(s: Session) -> tuple:
    """The rule before: an untimed session counted as midnight."""
    return s.date, s.start or time.min, s.order, s.id


@PROPERTY
@given(a_day())
def test_timed_sessions_are_listed_by_start_time(day: list[Session]) -> None:
    timed = [s for s in ordered(day) if s.start is not None]
    assert timed == sorted(timed, key=lambda s: (s.start, s.order, s.id))


@PROPERTY
@given(a_day())
def test_untimed_sessions_keep_their_order_among_themselves(day: list[Session]) -> None:
    untimed = [s for s in ordered(day) if s.start is None]
    assert untimed == sorted(untimed, key=in_order)


@PROPERTY
@given(a_day())
def test_an_untimed_session_comes_after_every_session_ordered_before_it(day: list[Session]) -> None:
    listed = ordered(day)
    for place, untimed in enumerate(listed):
        if untimed.start is None:
            assert all(in_order(s) > in_order(untimed) for s in listed[place + 1 :])


@PROPERTY
@given(a_day())
def test_an_untimed_session_between_two_that_agree_is_listed_between_them(day: list[Session]) -> None:
    """Where every timed session ordered before it starts no later than every one ordered after it, an untimed
    session is listed exactly where its `order` puts it: after the sessions before it, before those after it."""
    listed = ordered(day)
    for place, untimed in enumerate(listed):
        before = [s.start for s in listed if s.start is not None and in_order(s) < in_order(untimed)]
        after = [s.start for s in listed if s.start is not None and in_order(s) > in_order(untimed)]
        if untimed.start is None and max(before, default=time.min) <= min(after, default=time.max):
            assert [in_order(s) < in_order(untimed) for s in listed] == [n < place for n in range(len(listed))]


@PROPERTY
@given(an_agreeing_day())
def test_a_day_whose_times_agree_with_order_is_listed_in_order(day: list[Session]) -> None:
    assert list(ordered(day)) == sorted(day, key=in_order)


@PROPERTY
@given(st.one_of(a_day(starts=st.none()), a_day(starts=st.sampled_from(TIMES))))
def test_a_day_all_timed_or_all_untimed_keeps_the_old_order(day: list[Session]) -> None:
    assert list(ordered(day)) == sorted(day, key=old_order)


@PROPERTY
@given(st.data())
def test_the_order_is_a_permutation_of_the_sessions_whatever_order_they_come_in(data: st.DataObject) -> None:
    day = data.draw(a_day())
    listed = ordered(day)
    assert sorted(listed, key=in_order) == sorted(day, key=in_order)
    assert ordered(data.draw(st.permutations(day))) == listed


@PROPERTY
@given(st.lists(a_day(), max_size=3))
def test_days_are_listed_by_date_each_day_on_its_own(days: list[list[Session]]) -> None:
    dated = [
        [session(n * 10 + int(s.id[1:]), s.order, s.start, date(2030, 5, 20 - n)) for s in day]
        for n, day in enumerate(days)
    ]
    listed = ordered(s for day in dated for s in day)
    assert [s.date for s in listed] == sorted(s.date for day in dated for s in day)
    for day in dated:
        assert [s for s in listed if day and s.date == day[0].date] == list(ordered(day))


def an_evening_after_a_timed_visit(folder: Path) -> Path:
    """The minimal program, its first day written as organisers do: an arrival and a dinner without a time
    around the one visit that has one."""
    shutil.copytree(MINIMAL, folder)
    sessions = folder / "sessions.csv"
    header, _, _, *rest = sessions.read_text(encoding="utf-8").splitlines()
    first_day = [
        "arrival,2020-03-02,,,tokyo,,tokyo-station,Participants arrive in Tokyo,,arrival,,1,confirmed,0",
        "visit,2020-03-02,10:00,11:00,tokyo,,city-hall,Visit to City Hall,,visit,tourism,2,confirmed,0",
        "dinner,2020-03-02,,,tokyo,,city-hall,Welcome dinner,,exchange,culture,3,confirmed,0",
    ]
    sessions.write_text("\n".join([header, *first_day, *rest]) + "\n", encoding="utf-8")
    return folder


def test_untimed_sessions_are_not_listed_as_midnight_before_the_days_one_timed_session(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """An untimed session sorted as 00:00, so the day's one timed visit came last whatever `order` said."""
    folder = an_evening_after_a_timed_visit(tmp_path / "evening")
    expected = ["arrival", "visit", "dinner"]
    assert cli.main(["list", "--json", "--program", str(folder)]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out) if r["date"] == "2020-03-02"] == expected
    assert cli.main(["list", "--program", str(folder)]) == 0
    assert [line.split("[")[-1].rstrip("]") for line in capsys.readouterr().out.splitlines()][:3] == expected
    assert cli.main(["export", "--program", str(folder)]) == 0
    events = Calendar.from_ical(capsys.readouterr().out).walk("VEVENT")
    assert [str(event["UID"]).split("@")[0] for event in events][:3] == expected
    require("pdftotext")
    program = load_program(folder)
    pdf = tmp_path / "itinerary.pdf"
    pdf.write_bytes(itinerary_pdf(program, program.sessions, description="", link=None))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    titles = ["Participants arrive in Tokyo", "Visit to City Hall", "Welcome dinner"]
    assert [text.index(title) for title in titles] == sorted(text.index(title) for title in titles)
