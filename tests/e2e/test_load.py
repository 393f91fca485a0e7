"""Load and faults on loopback: many visitors at once, a long session, a server restart, the bytes a visit costs.
Bounded in time."""

from __future__ import annotations

import gzip
import re
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect
from streamlit import file_util

from bench.serving import READY, dashboard, free_port
from bench.wire import first_and_repeat
from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM

from .conftest import open_view

PROGRAM = load_program(BUILT_IN_PROGRAM)
THEMES = list(PROGRAM.themes)
LOGISTICS_SWITCH = "Show arrival, transfers, overnight and departure"
SERVER_ERRORS = re.compile(r"Traceback|Error|Exception")


def count_with(theme: str, logistics: bool) -> int:
    return sum(1 for s in PROGRAM.sessions if theme in s.themes and (logistics or not s.is_logistics))


def rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def server_pid(port: int) -> int:
    """The dashboard server started by `dashboard` on that port."""
    for path in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = path.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--server.port" in command and str(port).encode() in command:
            return int(path.parent.name)
    raise LookupError(f"no streamlit process on port {port}")


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[tuple[str, int, Path]]:
    port = free_port()
    log = tmp_path / "server.log"
    with dashboard(port=port, log=log) as url:
        yield url, port, log


def flip_logistics(page: Page) -> None:
    page.get_by_text(LOGISTICS_SWITCH).click()


def settled(page: Page, logistics: bool, timeout: float = 60_000) -> None:
    """Wait until the page shows the logistics state asked for and its script run has ended."""
    if logistics:
        expect(page).not_to_have_url(re.compile(r"kind="), timeout=timeout)
    else:
        expect(page).to_have_url(re.compile(r"kind="), timeout=timeout)
    page.wait_for_selector(READY, timeout=timeout)


@pytest.mark.slow
def test_twenty_visitors_changing_filters_at_once_all_end_right(browser: Browser, own_server) -> None:
    url, _, log = own_server
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(20)]
    try:
        pages = [context.new_page() for context in contexts]
        themes = [THEMES[index % len(THEMES)] for index in range(len(pages))]
        for page, theme in zip(pages, themes, strict=True):
            open_view(page, f"{url}/?theme={theme}")
        for change in range(10):
            for page in pages:  # every page's rerun is in flight before any is awaited
                flip_logistics(page)
            for page in pages:
                settled(page, logistics=change % 2 == 1)
        for page, theme in zip(pages, themes, strict=True):
            assert parse_qs(urlsplit(page.url).query) == {"theme": [theme]}
            expected = f"{count_with(theme, True)} of {len(PROGRAM.sessions)} sessions"
            expect(page.get_by_text(re.compile(r"^\d+ of \d+ sessions$"))).to_have_text(expected)
            expect(page.get_by_test_id("stException")).to_have_count(0)
    finally:
        for context in contexts:
            context.close()
    assert not SERVER_ERRORS.search(log.read_text(errors="replace")), log.read_text(errors="replace")[-3000:]


@pytest.mark.slow
def test_five_hundred_reruns_in_one_session_grow_memory_by_at_most_ten_percent(page: Page, own_server) -> None:
    url, port, log = own_server
    pid = server_pid(port)
    open_view(page, f"{url}/?theme=tourism-promotion")
    logistics = True
    started = time.monotonic()
    for rerun in range(1, 501):
        flip_logistics(page)
        logistics = not logistics
        settled(page, logistics)
        if rerun == 50:  # after warm-up: caches, fonts and the first chart specs are in place
            baseline = rss_mib(pid)
        assert time.monotonic() - started < 600, "the soak is over its time bound"
    final = rss_mib(pid)
    assert final <= baseline * 1.10, f"RSS grew from {baseline:.0f} MiB to {final:.0f} MiB over 450 reruns"
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert not SERVER_ERRORS.search(log.read_text(errors="replace"))


def test_a_share_link_reopens_identically_after_a_server_restart(page: Page, tmp_path: Path) -> None:
    port = free_port()
    link = "/?theme=multiculturalism&theme=tourism-promotion&day=2019-12-19&session=opinion-exchange-session"

    def view() -> tuple:
        tags = page.get_by_test_id("stMultiSelect").locator("[data-tag]").all_inner_texts()
        agenda = page.locator('[class*="st-key-agenda-"]').all_inner_texts()
        heading = page.get_by_role("heading", level=3).all_inner_texts()
        return tags, agenda, heading, parse_qs(urlsplit(page.url).query)

    with dashboard(port=port, log=tmp_path / "first.log") as url:
        open_view(page, url + link)
        expect(page.get_by_role("heading", name="Opinion Exchange Session")).to_be_visible()
        before = view()
    with dashboard(port=port, log=tmp_path / "second.log") as url:
        open_view(page, url + link)
        expect(page.get_by_role("heading", name="Opinion Exchange Session")).to_be_visible()
        assert view() == before


DECK_GL = "DeckGlJsonChart"  # Streamlit's largest script on the page: 3 MB as a file


def streamlit_script(name: str) -> Path:
    """The file of Streamlit's script whose hashed name starts with `name`."""
    return next((Path(file_util.get_static_dir()) / "static" / "js").glob(f"{name}.*.js"))


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_a_first_visit_gets_the_scripts_gzipped_and_a_repeat_visit_takes_them_from_the_cache(
    browser: Browser, app_url: str
) -> None:
    first, repeat = first_and_repeat(browser, app_url + "/")
    deck = next(response for response in first.fetched.values() if f"/{DECK_GL}." in response.url)
    assert (deck.status, deck.encoding) == (200, "gzip")
    assert deck.wire < deck.body / 3, f"{deck.wire:,} bytes on the wire for {deck.body:,}"
    assert first.wire <= 2_500_000
    bundles = [response for response in repeat.fetched.values() if urlsplit(response.url).path.startswith("/static/")]
    assert len(bundles) > 50
    assert [response.url for response in bundles if not response.cached and response.status != 304] == []


def test_a_gzipped_script_keeps_its_length_validators_and_a_year_in_the_cache(app_url: str) -> None:
    file = streamlit_script(DECK_GL)
    url = f"{app_url}/static/js/{file.name}"
    status, headers, body = get(url, **{"Accept-Encoding": "gzip, deflate, br"})
    assert (status, headers["content-encoding"]) == (200, "gzip")
    assert int(headers["content-length"]) == len(body)
    assert gzip.decompress(body) == file.read_bytes()
    assert headers["cache-control"] == "public, immutable, max-age=31536000"
    assert headers["vary"] == "Accept-Encoding"

    plain_status, plain, whole = get(url)
    assert (plain_status, whole) == (200, file.read_bytes())
    assert "content-encoding" not in plain
    assert (plain["etag"], plain["last-modified"]) == (headers["etag"], headers["last-modified"])
    assert get(url, **{"Accept-Encoding": "gzip", "If-None-Match": headers["etag"]})[0] == 304
