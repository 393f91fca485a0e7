"""Several seminars side by side in a real browser: the picker, and a program= link opened in a fresh browser."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from directories import TWO, programs_directory
from playwright.sync_api import BrowserContext, Page, expect

from bench.serving import dashboard

from .conftest import open_view, wait_ready

SEMINAR_2019 = "Local Government Exchange and Cooperation Seminar 2019"


@pytest.fixture(scope="module")
def programs_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A dashboard serving a programs directory of two: the 2019 program and the across-months fixture."""
    tmp = tmp_path_factory.mktemp("programs")
    folder = programs_directory(tmp / "programs", TWO)
    env = {"KIZUNA_PROGRAM": "", "KIZUNA_PROGRAMS": str(folder), "KIZUNA_STATIC_DIR": str(tmp / "static")}
    with dashboard(env=env, log=tmp / "streamlit.log") as url:
        yield url


def test_the_picker_switches_seminar_and_its_link_reopens_it_in_a_fresh_browser(
    page: Page, fresh_context: Callable[..., BrowserContext], programs_url: str
) -> None:
    open_view(page, programs_url + "/?city=osaka")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Program Across Two Months")
    page.get_by_role("combobox", name="Seminar").click()
    page.get_by_role("option", name=f"{SEMINAR_2019} · 15–21 December 2019").click()
    expect(heading).to_have_text(SEMINAR_2019)
    expect(page).to_have_url(f"{programs_url}/?program=clair-seminar-2019")  # the city filter was reset
    wait_ready(page)
    other = fresh_context().new_page()
    open_view(other, page.url)
    expect(other.get_by_role("heading", level=1)).to_have_text(SEMINAR_2019)
    expect(other.get_by_text("19 of 19 sessions")).to_be_visible()
    assert parse_qs(urlsplit(other.url).query) == {"program": ["clair-seminar-2019"]}
