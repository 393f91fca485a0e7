"""Dates and times as the page, the map, the timeline and the CLI write them."""

from __future__ import annotations

from datetime import date, time

import pytest

from kizuna.program.dates import NO_TIME, day_heading, day_range, long_day, short_day, short_moment, time_span


@pytest.mark.parametrize(
    ("start", "end", "written"),
    [
        (date(2019, 12, 15), date(2019, 12, 21), "15–21 December 2019"),
        (date(2030, 11, 28), date(2030, 12, 3), "28 November – 3 December 2030"),
        (date(2030, 12, 30), date(2031, 1, 2), "30 December 2030 – 2 January 2031"),
        (date(2031, 1, 1), date(2031, 1, 1), "1 January 2031"),
        (date(2028, 2, 28), date(2028, 3, 1), "28 February – 1 March 2028"),
    ],
    ids=["same-month", "across-months", "across-years", "one-day", "leap-year"],
)
def test_a_range_is_written_as_people_write_it(start: date, end: date, written: str) -> None:
    assert day_range(start, end) == written


def test_days_are_named_in_english_from_tables() -> None:
    day = date(2019, 12, 17)
    assert short_day(day) == "Tue 17 Dec"
    assert day_heading(day) == "Tuesday 17 December"
    assert long_day(day) == "Tuesday 17 December 2019"
    assert [short_day(date(2019, 12, d)).split()[0] for d in range(16, 23)] == [
        "Mon",
        "Tue",
        "Wed",
        "Thu",
        "Fri",
        "Sat",
        "Sun",
    ]


@pytest.mark.parametrize(
    ("start", "end", "written"),
    [
        (time(9, 30), time(11, 0), "09:30–11:00"),
        (time(9, 30), None, "09:30"),
        (None, None, NO_TIME),
    ],
)
def test_a_time_span_shows_what_is_known(start: time | None, end: time | None, written: str) -> None:
    assert time_span(start, end) == written


def test_a_short_moment_adds_the_start_only_when_there_is_one() -> None:
    assert short_moment(date(2019, 12, 17), None) == "Tue 17 Dec"
    assert short_moment(date(2019, 12, 17), time(7, 5)) == "Tue 17 Dec 07:05"
