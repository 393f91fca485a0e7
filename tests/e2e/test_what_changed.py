"""A published program's changes in Chromium: the marks on the agenda, a cancelled session struck through, and the
What changed view opened by its link and by the header's button."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from directories import SOURCES, edit_sessions, set_program_id
from playwright.sync_api import Page, expect

from bench.serving import dashboard
from kizuna.publishing.store import Store

from .conftest import open_view, wait_ready

PROGRAM_ID = "changes-e2e-2019"
MOVED = "Moved from Friday 20 December · Time added: 10:00–11:30"


@pytest.fixture(scope="module")
def changed_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A dashboard whose one program is the 2019 one published twice: version 2 moves the Karato Market visit to
    19 December, 10:00–11:30, and cancels the lighthouse visit."""
    tmp = tmp_path_factory.mktemp("changes")
    url = f"sqlite:///{tmp / 'kizuna.sqlite3'}"
    with Store(url) as store:
        for number, note in ((1, "The program as planned"), (2, "Karato Market moves; no lighthouse")):
            folder = tmp / f"v{number}"
            shutil.copytree(SOURCES["2019"], folder)
            set_program_id(folder, PROGRAM_ID)
            if number == 2:
                karato = {"date": "2019-12-19", "start": "10:00", "end": "11:30"}
                edit_sessions(
                    folder, {"visit-karato-market": karato, "visit-tsunoshima-lighthouse": {"status": "cancelled"}}
                )
            store.publish(folder, note=note)
    env = {
        "KIZUNA_PROGRAM": "",
        "KIZUNA_PROGRAMS": str(tmp / "no-programs"),
        "KIZUNA_DATABASE_URL": url,
        "KIZUNA_STATIC_DIR": str(tmp / "static"),
    }
    (tmp / "no-programs").mkdir()
    with dashboard(env=env, log=tmp / "streamlit.log") as served:
        yield served


def test_a_visitor_sees_the_marks_and_the_what_changed_view(page: Page, changed_url: str) -> None:
    open_view(page, f"{changed_url}/?program={PROGRAM_ID}")
    agenda = page.locator('[class*="st-key-agenda-"]')
    expect(page.get_by_text(MOVED, exact=True)).to_be_visible()  # as text: no Markdown escapes, no cut directives
    lighthouse = page.locator(".st-key-agenda-visit-tsunoshima-lighthouse")
    expect(lighthouse.locator("del, s")).to_have_text("Visit to Tsunoshima Lighthouse")  # struck through, still there
    assert agenda.count() > 2

    page.get_by_role("button", name="What changed").click()
    wait_ready(page)
    expect(page.get_by_role("heading", name="What changed")).to_be_visible()
    assert parse_qs(urlsplit(page.url).query) == {"show": ["changes"]}  # the default program: no program key
    view = page.locator(".st-key-what-changed")
    expect(view.get_by_text("Karato Market moves; no lighthouse", exact=True)).to_be_visible()
    moved = "Moved: Visit to Karato Market — date: Friday 20 December 2019 → Thursday 19 December 2019"
    expect(view.get_by_text(moved)).to_be_visible()
    cancelled = "Cancelled: Visit to Tsunoshima Lighthouse — status: confirmed → cancelled"
    expect(view.get_by_text(cancelled)).to_be_visible()
    expect(view.get_by_text("First published, with 19 sessions.")).to_be_visible()

    again = page.context.new_page()  # the link alone opens it
    open_view(again, page.url)
    expect(again.get_by_role("heading", name="What changed")).to_be_visible()
    expect(again.locator(".st-key-what-changed").get_by_text(moved)).to_be_visible()
    again.close()
