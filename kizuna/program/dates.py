"""Dates and times written as people write them, in English whatever the server's locale."""

from __future__ import annotations

from datetime import date, time

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
NO_TIME = "time not given"


def day_month(day: date, short: bool = False) -> str:
    """'17 December', or '17 Dec' when short."""
    month = MONTHS[day.month - 1]
    return f"{day.day} {month[:3] if short else month}"


def short_day(day: date) -> str:
    """'Tue 17 Dec': map, timeline and day picker."""
    return f"{WEEKDAYS[day.weekday()][:3]} {day_month(day, short=True)}"


def day_heading(day: date) -> str:
    """'Tuesday 17 December': the agenda's day headings."""
    return f"{WEEKDAYS[day.weekday()]} {day_month(day)}"


def long_day(day: date) -> str:
    """'Tuesday 17 December 2019': a session's card."""
    return f"{day_heading(day)} {day.year}"


def day_range(start: date, end: date) -> str:
    """'15–21 December 2019', '28 November – 3 December 2030', '30 December 2030 – 2 January 2031'."""
    if start == end:
        return f"{day_month(start)} {start.year}"
    if start.year != end.year:
        return f"{day_month(start)} {start.year} – {day_month(end)} {end.year}"
    if start.month != end.month:
        return f"{day_month(start)} – {day_month(end)} {end.year}"
    return f"{start.day}–{day_month(end)} {end.year}"


def clock(moment: time) -> str:
    """'09:30' (24-hour, as the program gives it)."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def time_span(start: time | None, end: time | None, missing: str = NO_TIME) -> str:
    """'09:30–11:00', just '09:30' when only the start is known, else `missing`."""
    if start is None:
        return missing
    return f"{clock(start)}–{clock(end)}" if end else clock(start)


def short_moment(day: date, start: time | None) -> str:
    """'Tue 17 Dec' or 'Tue 17 Dec 09:30'."""
    return f"{short_day(day)} {clock(start)}" if start else short_day(day)
