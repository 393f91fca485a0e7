"""Dates and times written as the reader's language writes them, whatever the server's locale.

English is written here as it always was ('Tuesday 17 December', '15–21 December 2019', '09:30–11:00'); every other
language through CLDR (Babel): '12月17日火曜日', '2019年12月15日～21日', '9:30～11:00'.
"""

from __future__ import annotations

import re
from datetime import date, time
from functools import lru_cache

from babel.dates import match_skeleton, parse_pattern

from kizuna.i18n import N_, SOURCE, cldr_locale, language, visitors

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
NO_TIME = N_("time not given")
ABBREVIATED_MONTH = re.compile(r"(?<!M)MMM(?!M)")
ABBREVIATED_WEEKDAY = re.compile(r"(?<!E)E{1,3}(?!E)")


@lru_cache(maxsize=8192)
def in_cldr(lang: str, skeleton: str, moment: date | time) -> str:
    """A date or time in a language other than English, by CLDR skeleton ('MMMMEEEEd', 'Hm')."""
    return parse_pattern(cldr_pattern(lang, skeleton)).apply(moment, cldr_locale(lang))


@lru_cache(maxsize=256)
def cldr_pattern(lang: str, skeleton: str) -> str:
    """The locale's pattern for a skeleton, its month and weekday names as wide as the skeleton asks. CLDR lacks
    many wide skeletons ('MMMMEEEEd' in French); ICU then widens the closest pattern's names and Babel does not,
    so the widening is done here."""
    skeletons = cldr_locale(lang).datetime_skeletons
    return widened(skeletons[match_skeleton(skeleton, skeletons) or skeleton].pattern, skeleton)


def widened(pattern: str, skeleton: str) -> str:
    if "MMMM" in skeleton:
        pattern = ABBREVIATED_MONTH.sub("MMMM", pattern)
    if "EEEE" in skeleton:
        pattern = ABBREVIATED_WEEKDAY.sub("EEEE", pattern)
    return pattern


def day_month(day: date, short: bool = False) -> str:
    """'17 December', or '17 Dec' when short."""
    if language() != SOURCE:
        return in_cldr(language(), "MMMd" if short else "MMMMd", day)
    month = MONTHS[day.month - 1]
    return f"{day.day} {month[:3] if short else month}"


def short_day(day: date) -> str:
    """'Tue 17 Dec': map, timeline and day picker."""
    if language() != SOURCE:
        return in_cldr(language(), "MMMEd", day)
    return f"{WEEKDAYS[day.weekday()][:3]} {day_month(day, short=True)}"


def day_heading(day: date) -> str:
    """'Tuesday 17 December': the agenda's day headings."""
    if language() != SOURCE:
        return in_cldr(language(), "MMMMEEEEd", day)
    return f"{WEEKDAYS[day.weekday()]} {day_month(day)}"


def long_day(day: date) -> str:
    """'Tuesday 17 December 2019': a session's card."""
    if language() != SOURCE:
        return in_cldr(language(), "yMMMMEEEEd", day)
    return f"{day_heading(day)} {day.year}"


def day_range(start: date, end: date) -> str:
    """'15–21 December 2019', '28 November – 3 December 2030', '30 December 2030 – 2 January 2031'."""
    if language() != SOURCE:
        return cldr_range(language(), start, end)
    if start == end:
        return f"{day_month(start)} {start.year}"
    if start.year != end.year:
        return f"{day_month(start)} {start.year} – {day_month(end)} {end.year}"
    if start.month != end.month:
        return f"{day_month(start)} – {day_month(end)} {end.year}"
    return f"{start.day}–{day_month(end)} {end.year}"


@lru_cache(maxsize=1024)
def cldr_range(lang: str, start: date, end: date) -> str:
    """CLDR's interval of two days, the month as the locale writes it in a full date ('15–21 décembre 2019'): CLDR
    gives day intervals with an abbreviated month only, widened here as `cldr_pattern` does; the rest is CLDR's
    pattern as Babel's `format_interval` applies it."""
    locale = cldr_locale(lang)
    if start == end:
        return in_cldr(lang, "yMMMMd", start)
    formats = locale.interval_formats
    patterns = formats[match_skeleton("yMMMd", formats) or "yMMMd"]
    field = "y" if start.year != end.year else "M" if start.month != end.month else "d"
    if field not in patterns:
        return locale.interval_formats[None].format(in_cldr(lang, "yMMMMd", start), in_cldr(lang, "yMMMMd", end))
    wide = "MMMM" in cldr_pattern(lang, "yMMMMd")
    first, second = (parse_pattern(widened(pattern, "MMMM" if wide else "")) for pattern in patterns[field])
    return first.apply(start, locale) + second.apply(end, locale)


def clock(moment: time) -> str:
    """'09:30' (24-hour, as the program gives it; '9:30' in Japanese, as CLDR writes it)."""
    if language() != SOURCE:
        return in_cldr(language(), "Hm", moment)
    return f"{moment.hour:02d}:{moment.minute:02d}"


def time_span(start: time | None, end: time | None, missing: str | None = None) -> str:
    """'09:30–11:00', just '09:30' when only the start is known, else `missing` ('time not given' by default)."""
    if start is None:
        return visitors.gettext(NO_TIME) if missing is None else missing
    if not end:
        return clock(start)
    if language() == SOURCE:
        return f"{clock(start)}–{clock(end)}"
    return cldr_locale(language()).interval_formats[None].format(clock(start), clock(end))


def short_moment(day: date, start: time | None) -> str:
    """'Tue 17 Dec' or 'Tue 17 Dec 09:30'."""
    return f"{short_day(day)} {clock(start)}" if start else short_day(day)
