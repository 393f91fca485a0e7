"""Dates and times as the page, the map, the timeline and the CLI write them, in each language as CLDR does."""

from __future__ import annotations

from datetime import date, time

import pytest
from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton, get_month_names

from kizuna.i18n import CLDR, LANGUAGES, speaking
from kizuna.program.dates import (
    NO_TIME,
    clock,
    day_heading,
    day_month,
    day_range,
    long_day,
    short_day,
    short_moment,
    time_span,
)


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


# --- in the reader's language, as CLDR (Babel) writes it -----------------------------------------------------------

DAY = date(2019, 12, 17)
YEAR = {"ja": "2019年", "ko": "2019년 ", "zh": "2019年", "fr": " 2019"}  # the year in DAY's full date


def wide_months(text: str, lang: str) -> str:
    """CLDR's abbreviated month names widened ('déc.' → 'décembre') where the locale's long date writes the month
    in full, as the day ranges write months; '12月' stays where a long date writes it so too (Chinese)."""
    wide, abbreviated = (get_month_names(width, locale=CLDR[lang]) for width in ("wide", "abbreviated"))
    if wide[12] not in format_skeleton("yMMMMd", date(2019, 12, 1), locale=CLDR[lang]):
        return text
    for number, name in wide.items():
        text = text.replace(abbreviated[number], name)
    return text


@pytest.mark.parametrize(
    ("lang", "written"),
    [
        ("en", "15–21 December 2019"),
        ("ja", "2019年12月15日～21日"),
        ("ko", "2019년 12월 15일~21일"),
        ("zh", format_interval(date(2019, 12, 15), date(2019, 12, 21), "yMMMd", locale="zh_Hans")),
        ("fr", "15–21 décembre 2019"),
    ],
)
def test_the_issues_range_in_each_language(lang: str, written: str) -> None:
    with speaking(lang):
        assert day_range(date(2019, 12, 15), date(2019, 12, 21)) == written


RANGES = [
    (date(2019, 12, 15), date(2019, 12, 21)),
    (date(2030, 11, 28), date(2030, 12, 3)),
    (date(2030, 12, 30), date(2031, 1, 2)),
]


@pytest.mark.parametrize("lang", ["ja", "ko", "zh", "fr"])
@pytest.mark.parametrize(("start", "end"), RANGES, ids=["same-month", "across-months", "across-years"])
def test_a_range_is_cldrs_interval_its_months_written_in_full(lang: str, start: date, end: date) -> None:
    expected = wide_months(format_interval(start, end, "yMMMd", locale=CLDR[lang]), lang)
    with speaking(lang):
        assert day_range(start, end) == expected
        assert day_range(start, start) == format_date(start, "long", locale=CLDR[lang])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_days_are_named_as_cldr_names_them(lang: str) -> None:
    locale = CLDR[lang]
    with speaking(lang):
        if lang != "en":  # English keeps its own 'Tuesday 17 December 2019' (en_GB's full date has a comma)
            assert long_day(DAY) == format_date(DAY, "full", locale=locale)
            assert day_heading(DAY) == format_date(DAY, "full", locale=locale).replace(YEAR[lang], "")
        assert short_day(DAY) == format_skeleton("MMMEd", DAY, locale=locale)
        assert day_month(DAY) == format_skeleton("MMMMd", DAY, locale=locale)
        assert day_month(DAY, short=True) == format_skeleton("MMMd", DAY, locale=locale)
        assert clock(time(9, 5)) == format_skeleton("Hm", time(9, 5), locale=locale)
        assert short_moment(DAY, time(9, 5)) == f"{short_day(DAY)} {clock(time(9, 5))}"


def test_weekdays_and_headings_in_each_language() -> None:
    expected = {
        "ja": ("12月17日(火)", "12月17日火曜日", "2019年12月17日火曜日"),
        "ko": ("12월 17일 (화)", "12월 17일 화요일", "2019년 12월 17일 화요일"),
        "zh": ("12月17日周二", "12月17日星期二", "2019年12月17日星期二"),
        "fr": ("mar. 17 déc.", "mardi 17 décembre", "mardi 17 décembre 2019"),
    }
    for lang, (short, heading, full) in expected.items():
        with speaking(lang):
            assert (short_day(DAY), day_heading(DAY), long_day(DAY)) == (short, heading, full), lang


@pytest.mark.parametrize("lang", ["ja", "ko", "zh", "fr"])
def test_a_time_span_is_cldrs_interval_of_two_times(lang: str) -> None:
    """Two clock times in CLDR's fallback interval pattern ('9:30～11:00'); a start alone is the clock time."""
    start, end = time(9, 30), time(11)
    fallback = Locale.parse(CLDR[lang]).interval_formats[None]
    with speaking(lang):
        written = time_span(start, end)
        assert written == fallback.format(*(format_skeleton("Hm", t, locale=CLDR[lang]) for t in (start, end)))
        assert time_span(start, None) == format_skeleton("Hm", start, locale=CLDR[lang])
    if lang in ("ko", "fr"):  # where CLDR's own hour-minute interval reads the same
        assert written == format_interval(start, end, "Hm", locale=CLDR[lang])


def test_the_time_spans_in_japanese_and_korean() -> None:
    with speaking("ja"):
        assert time_span(time(9, 30), time(11)) == "9:30～11:00"
    with speaking("ko"):
        assert time_span(time(9, 30), time(11)) == "09:30 ~ 11:00"


def test_english_is_written_as_it_always_was_whatever_was_asked_before() -> None:
    for lang in ("ja", "fr"):
        with speaking(lang):
            day_range(date(2019, 12, 15), date(2019, 12, 21))
            long_day(DAY)
    assert day_range(date(2019, 12, 15), date(2019, 12, 21)) == "15–21 December 2019"
    assert (short_day(DAY), day_heading(DAY), long_day(DAY)) == (
        "Tue 17 Dec",
        "Tuesday 17 December",
        "Tuesday 17 December 2019",
    )
    assert time_span(time(9, 30), time(11)) == "09:30–11:00"
