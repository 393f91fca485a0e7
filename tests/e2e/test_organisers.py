"""The Organisers page in Chromium: upload a workbook, preview it, a wrong key refused, publish, open the share link."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import hostile
import pytest
from openpyxl import load_workbook
from playwright.sync_api import BrowserContext, Page, expect

from bench.serving import dashboard
from kizuna.cli import main as kizuna

from .conftest import MAP, download, open_view, wait_ready

KEY = "e2e-organiser-key-3f9c1d2a7b"
PROGRAM_ID = "organisers-e2e-2019"
TITLE = "Seminar Published from the Browser"


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`kizuna template --example`, given an id and a title of its own so the share link can only be the upload's."""
    path = tmp_path_factory.mktemp("upload") / "next-seminar.xlsx"
    assert kizuna(["template", "--example", "-o", str(path)]) == 0
    book = load_workbook(path)
    program = book["program"]
    header = [cell.value for cell in program[1]]
    program.cell(2, header.index("id") + 1, PROGRAM_ID)
    program.cell(2, header.index("title") + 1, TITLE)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A dashboard with an organiser key and a SQLite store of its own; its URL and its log."""
    tmp = tmp_path_factory.mktemp("organisers")
    env = {
        "KIZUNA_PROGRAM": "",
        "KIZUNA_PROGRAMS": "",
        "KIZUNA_ORGANISER_KEY": KEY,
        "KIZUNA_DATABASE_URL": f"sqlite:///{tmp / 'kizuna.sqlite3'}",
        "KIZUNA_STATIC_DIR": str(tmp / "static"),
    }
    log = tmp / "streamlit.log"
    with dashboard(env=env, log=log) as url:
        yield url, log


def unlock(page: Page, key: str) -> None:
    field = page.get_by_label("Organiser key", exact=True)
    field.fill(key)
    page.get_by_role("button", name="Unlock publishing").click()
    wait_ready(page)


def test_an_organiser_uploads_previews_publishes_and_the_share_link_opens_it(
    page: Page, fresh_context: Callable[..., BrowserContext], server: tuple[str, Path], workbook: Path
) -> None:
    url, log = server
    page.goto(f"{url}/organisers")
    expect(page.get_by_role("heading", name="Organisers", level=1)).to_be_visible(timeout=60_000)
    wait_ready(page)

    page.locator('input[type="file"]').set_input_files(workbook)
    expect(page.get_by_text(f"next-seminar.xlsx is valid: {TITLE}, 19 sessions.")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    page.wait_for_selector(f"{MAP} canvas", timeout=30_000)  # the preview's map, drawn
    expect(page.get_by_role("button", name=re.compile("Participants arrive in Tokyo"))).to_be_visible()
    wait_ready(page)

    unlock(page, "not-the-key")
    expect(page.get_by_text("Refused: that is not the organiser key.")).to_be_visible()
    expect(page.get_by_label("Organiser key", exact=True)).to_have_value("")
    expect(page.get_by_role("button", name=f"Publish {PROGRAM_ID}")).to_have_count(0)

    unlock(page, KEY)  # answered after the wait the failure asked for
    page.get_by_label("Note (optional)", exact=True).fill("First version, from the e2e test")
    page.get_by_role("button", name=f"Publish {PROGRAM_ID}").click()
    expect(page.get_by_text(f"Published: {TITLE}, version 1.")).to_be_visible(timeout=60_000)
    share = page.get_by_text(re.compile(rf"\?program={PROGRAM_ID}$")).first
    link = share.inner_text().strip()
    assert link == f"{url}/?program={PROGRAM_ID}"
    feed = page.get_by_text(re.compile(r"/app/static/feeds/.*\.ics$")).first.inner_text().strip()
    assert feed == f"{url}/app/static/feeds/{PROGRAM_ID}/kizuna-2019.ics"

    visitor = fresh_context().new_page()
    open_view(visitor, link)
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.get_by_text("19 of 19 sessions")).to_be_visible()
    with urllib.request.urlopen(feed, timeout=30) as response:
        assert response.headers.get("Content-Type", "").startswith("text/calendar")
        assert response.read().count(b"BEGIN:VEVENT") == 19

    assert KEY not in page.url
    assert KEY not in log.read_text(encoding="utf-8", errors="replace")


def test_the_workbook_that_killed_the_server_is_one_problem_and_visitors_are_still_served(
    page: Page, server: tuple[str, Path], tmp_path: Path
) -> None:
    """A sheet whose first row names cell XFD1048576: once the reader asked for 512 GB and the process died."""
    url, _ = server
    path = hostile.write("last-cell-in-the-first-row", tmp_path)
    page.goto(f"{url}/organisers")
    expect(page.get_by_role("heading", name="Organisers", level=1)).to_be_visible(timeout=60_000)
    wait_ready(page)
    page.locator('input[type="file"]').set_input_files(path)
    expect(page.get_by_text("program.xlsx is not valid (1 problem)", exact=False)).to_be_visible(timeout=60_000)
    report = download(page, "Download the report (.txt)", tmp_path).read_text(encoding="utf-8")
    assert report == "program.xlsx: sessions: has values down to row 1,048,576; the limit is 50,000 rows\n"
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as answer:
        assert answer.read() == b"ok"
    open_view(page, f"{url}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_selector(f"{MAP} canvas", timeout=30_000)
