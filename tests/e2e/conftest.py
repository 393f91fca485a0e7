"""Fixtures for the browser tests: one dashboard server per session, Debian's Chromium, failure artifacts."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Locator, Page, expect
from test_maps import mercator

from bench.serving import CHROMIUM, CHROMIUM_ARGS, READY, ROOT, dashboard
from kizuna.program.model import Program, Session
from kizuna.views.maps import build_deck

ARTIFACTS = ROOT / "test-results" / "e2e"
VIEWPORT = {"width": 1280, "height": 900}
MAP = '[data-testid="stDeckGlJsonChart"]'
HERE = Path(__file__).parent
REPORTS = pytest.StashKey[dict]()
SERVER_LOG = pytest.StashKey[Path]()
SAVED = pytest.StashKey[list]()

expect.set_options(timeout=20_000)


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    """Keep each phase's report on the item, and point a failure at its artifacts and the server log."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    if report.failed and HERE in Path(item.path).parents:
        lines = [f"screenshots and page text: {ARTIFACTS}/{artifact_name(item)}*"]
        if SERVER_LOG in item.config.stash:
            lines.append(f"dashboard server log: {item.config.stash[SERVER_LOG]}")
        report.sections.append(("e2e artifacts", "\n".join(lines)))
    return report


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    saved = config.stash.get(SAVED, [])
    if not saved:
        return
    terminalreporter.section("e2e failure artifacts")
    terminalreporter.write_line(f"saved in {ARTIFACTS}:")
    for path in saved:
        terminalreporter.write_line(f"  {path.name}")
    log = config.stash.get(SERVER_LOG, None)
    if log and log.exists():
        ARTIFACTS.mkdir(parents=True, exist_ok=True)  # another run may have removed it meanwhile
        shutil.copyfile(log, ARTIFACTS / "streamlit.log")
        terminalreporter.write_line(f"dashboard server log: {log} (copied to {ARTIFACTS / 'streamlit.log'})")


def artifact_name(item: pytest.Item) -> str:
    return re.sub(r"[^\w.-]+", "_", item.name).strip("_")[:150]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not os.access(CHROMIUM, os.X_OK):
        reason = f"{CHROMIUM} is missing: apt-get install -y chromium (never `playwright install` here)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "accept_downloads": True, "viewport": VIEWPORT}


@pytest.fixture(scope="session")
def server_log(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Path:
    log = tmp_path_factory.mktemp("e2e-server") / "streamlit.log"
    pytestconfig.stash[SERVER_LOG] = log
    return log


@pytest.fixture(scope="session")
def app_url(server_log: Path) -> Iterator[str]:
    """The base URL of one `streamlit run app.py` on loopback, shared by every test."""
    with dashboard(log=server_log) as url:
        yield url


@pytest.fixture(scope="session")
def shared_context(browser: Browser, browser_context_args: dict) -> Iterator[BrowserContext]:
    """One context for the tests' `page`s: its HTTP cache keeps Streamlit's immutable bundles between tests.

    Each `page` is its own tab, so its own Streamlit session; tests that need a first visit use `fresh_context`.
    """
    context = browser.new_context(**browser_context_args)
    yield context
    context.close()


@pytest.fixture
def context(shared_context: BrowserContext) -> BrowserContext:
    return shared_context


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    tab = context.new_page()
    yield tab
    tab.close()


@pytest.fixture
def fresh_context(browser: Browser, browser_context_args: dict) -> Iterator[Callable[..., BrowserContext]]:
    """`browser.new_context()` with the session's options (overridable): no cookies, no Streamlit session."""
    opened: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        context = browser.new_context(**{**browser_context_args, **options})
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


@pytest.fixture(autouse=True)
def failure_artifacts(
    request: pytest.FixtureRequest, browser: Browser, page: Page, fresh_context: Callable[..., BrowserContext]
) -> Iterator[None]:
    """On failure, save a screenshot and the text of every open page (torn down before the pages close)."""
    yield
    reports = request.node.stash.get(REPORTS, {})
    if not any(report.failed for report in reports.values()):
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    others = [p for context in browser.contexts for p in context.pages if p is not page and p.url != "about:blank"]
    pages = [page, *others]
    name = artifact_name(request.node)
    saved = request.config.stash.setdefault(SAVED, [])
    for index, shown in enumerate(pages):
        stem = name if index == 0 else f"{name}-{index}"
        if shown.is_closed():
            continue
        try:
            shown.screenshot(path=ARTIFACTS / f"{stem}.png", full_page=True, timeout=15_000)
            saved.append(ARTIFACTS / f"{stem}.png")
            text = f"URL: {shown.url}\n\n{shown.inner_text('body', timeout=5_000)}"
            (ARTIFACTS / f"{stem}.txt").write_text(text, encoding="utf-8")
            saved.append(ARTIFACTS / f"{stem}.txt")
        except Error as error:
            print(f"could not save the artifacts of {shown.url}: {error}")
    print(f"e2e failure artifacts: {ARTIFACTS}")


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Console errors and uncaught page errors of `page` (the page asks no outside server, so none is expected)."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        where = message.location.get("url", "") if message.location else ""
        if message.type == "error":
            errors.append(f"console: {message.text} ({where})")

    def on_page_error(error: Error) -> None:
        errors.append(f"page error: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    return errors


def wait_ready(page: Page) -> None:
    """The script has finished its run (call it after waiting on what the run should change)."""
    page.wait_for_selector(READY, timeout=60_000)


def open_view(page: Page, url: str) -> None:
    """Navigate to a view and wait until the script has run and the deck.gl map has its canvas."""
    page.goto(url)
    wait_ready(page)
    expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=60_000)
    page.wait_for_selector(f"{MAP} canvas", timeout=30_000)
    wait_ready(page)


def marker_pixel(
    page: Page, program: Program, sessions: Sequence[Session], lon: float, lat: float
) -> tuple[float, float]:
    """Where deck.gl draws a point on the map's canvas, from the initial view the page was sent for `sessions`."""
    view = json.loads(build_deck(program, sessions).to_json())["initialViewState"]
    box = page.locator(f"{MAP} canvas").first.bounding_box()
    (x, y), (cx, cy) = mercator(lon, lat, view["zoom"]), mercator(view["longitude"], view["latitude"], view["zoom"])
    return box["x"] + box["width"] / 2 + x - cx, box["y"] + box["height"] / 2 + y - cy


def hover_until(page: Page, x: float, y: float, shown: Locator) -> Locator:
    """Hover the map at (x, y) until `shown` (a tooltip) appears: the layers draw and picking answers a moment after
    the canvas exists."""
    for _ in range(20):
        page.mouse.move(x, y + 1)
        page.mouse.move(x, y)
        if shown.count() and shown.first.is_visible():
            break
        page.wait_for_timeout(250)
    return shown


def download(page: Page, button: str, folder: Path) -> Path:
    """Click the button, wait for the file it downloads, save it in `folder` under its suggested name."""
    with page.expect_download() as download_info:
        page.get_by_role("button", name=button).click()
    found = download_info.value
    path = folder / found.suggested_filename
    found.save_as(path)
    return path
