"""The agenda's paging and grouping."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.views.agenda import PAGE_SIZE, by_day, entry_details, page_count, page_of

PROGRAM = load_program(BUILT_IN_PROGRAM)


@pytest.mark.parametrize(("total", "pages"), [(0, 1), (1, 1), (PAGE_SIZE, 1), (PAGE_SIZE + 1, 2), (10_000, 250)])
def test_page_count_covers_every_entry(total: int, pages: int) -> None:
    assert page_count(total) == pages


def test_pages_hold_every_entry_once_and_a_page_past_the_end_shows_the_last() -> None:
    items = list(range(95))
    pages = [list(page_of(items, n)) for n in range(1, page_count(len(items)) + 1)]
    assert [n for page in pages for n in page] == items
    assert list(page_of(items, 99)) == pages[-1]
    assert list(page_of(items, 0)) == pages[0]


def test_sessions_are_grouped_under_their_day_in_program_order() -> None:
    days = by_day(list(PROGRAM.sessions))
    assert [day for day, _ in days] == PROGRAM.days
    assert [s for _, sessions in days for s in sessions] == list(PROGRAM.sessions)


def test_an_entry_says_when_where_and_whether_it_is_cancelled() -> None:
    session = PROGRAM.sessions_by_id["visit-karato-market"]
    assert entry_details(PROGRAM, session) == "Fri 20 Dec · Shimonoseki · Karato Market · visit"
    cancelled = replace(PROGRAM.sessions_by_id["courtesy-call-mayor"], status="cancelled")
    assert entry_details(PROGRAM, cancelled).endswith("· courtesy call · cancelled")
