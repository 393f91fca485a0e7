"""The dashboard as a person uses it: filters, map, timeline, agenda, share links, downloads, a phone."""

from __future__ import annotations

import csv
import io
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from checkers import calcurse_days, ical_js_events, require
from icalendar import Calendar
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from bench.serving import ROOT, dashboard
from kizuna.calendars.ics import venue_location
from kizuna.checks.loading import load_program
from kizuna.program.model import Program, Venue
from kizuna.views.maps import LOGISTICS_COLOUR

from .conftest import MAP, download, hover_until, marker_pixel, open_view, wait_ready

DATA = ROOT / "data" / "2019"
SESSIONS = list(csv.DictReader((DATA / "sessions.csv").open(encoding="utf-8")))
THEMES = {row["slug"]: row for row in csv.DictReader((DATA / "themes.csv").open(encoding="utf-8"))}
TITLES = {row["id"]: row["title"] for row in SESSIONS}
DATES = {row["id"]: row["date"] for row in SESSIONS}
KARATO = "visit-karato-market"


def themes_of(row: dict) -> set[str]:
    return {slug for slug in row["themes"].split(";") if slug}


def hexrgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


PALETTE = {slug: hexrgb(row["colour"]) for slug, row in THEMES.items()} | {"logistics": hexrgb(LOGISTICS_COLOUR)}


# --- helpers -------------------------------------------------------------------------------------------------


def map_colours(page: Page) -> dict[str, int]:
    """How many pixels of the map element are (close to) each theme colour and the logistics grey."""
    image = Image.open(io.BytesIO(page.locator(MAP).screenshot())).convert("RGB")
    colours = image.getcolors(maxcolors=image.width * image.height) or []
    return {
        name: sum(count for count, pixel in colours if sum(abs(a - b) for a, b in zip(pixel, rgb, strict=True)) <= 40)
        for name, rgb in PALETTE.items()
    }


def settled_map(page: Page, unlike: dict[str, int] | None = None, timeout: float = 20) -> dict[str, int]:
    """The map's colour counts once two screenshots in a row agree (and differ from `unlike`, if given)."""
    deadline = time.monotonic() + timeout
    last = map_colours(page)
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        now = map_colours(page)
        if now == last and sum(now.values()) > 0 and now != unlike:
            return now
        last = now
    return last


def count_line(page: Page) -> Locator:
    return page.get_by_text(re.compile(r"^\d+ of \d+ sessions$"))


def agenda_ids(page: Page) -> list[str]:
    """Session ids of the agenda's entries, from the `st-key-agenda-<id>` class of each keyed button."""
    classes = page.locator('[class*="st-key-agenda-"]').evaluate_all("nodes => nodes.map(n => n.className)")
    return [re.search(r"st-key-agenda-(\S+)", names).group(1) for names in classes]


def agenda_entry(page: Page, session_id: str) -> Locator:
    return page.locator(f".st-key-agenda-{session_id} button")


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option in a sidebar multiselect the way a person does: open it, click the option, close it."""
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option).click()
    page.keyboard.press("Escape")


def multiselect(page: Page, label: str) -> Locator:
    return page.get_by_test_id("stMultiSelect").filter(has=page.get_by_role("combobox", name=label))


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def no_exception(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)


# --- tests ---------------------------------------------------------------------------------------------------


def test_default_view_draws_everything(page: Page, app_url: str, console_errors: list[str]) -> None:
    open_view(page, app_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Local Government Exchange and Cooperation Seminar 2019")
    for label in ("Themes", "Cities", "Days", "Kinds"):
        expect(page.get_by_role("combobox", name=label)).to_be_visible()
    expect(count_line(page)).to_have_text(f"{len(SESSIONS)} of {len(SESSIONS)} sessions")

    colours = settled_map(page)
    assert colours["tourism-promotion"] >= 30, f"too few orange marker pixels on the map: {colours}"
    assert colours["logistics"] >= 100, f"the transfer line is not drawn: {colours}"
    assert sum(colours.values()) >= 300, f"the map looks blank: {colours}"

    timeline = page.get_by_test_id("stVegaLiteChart")
    expect(timeline).to_have_count(1)
    expect(timeline.locator("svg, canvas").first).to_be_visible()

    expect(page.get_by_role("heading", name="Agenda")).to_be_visible()
    listed = agenda_ids(page)
    assert sorted(listed) == sorted(TITLES)
    assert [DATES[i] for i in listed] == sorted(DATES[i] for i in listed), "the agenda is not in date order"
    expect(agenda_entry(page, KARATO)).to_contain_text("Visit to Karato Market")
    expect(agenda_entry(page, KARATO)).to_be_visible()
    no_exception(page)
    assert console_errors == [], f"unexpected console errors: {console_errors}"


def test_choosing_a_theme_narrows_url_count_agenda_and_map(page: Page, app_url: str, console_errors: list[str]) -> None:
    open_view(page, app_url)
    before = settled_map(page)
    expected = [row["id"] for row in SESSIONS if "multiculturalism" in themes_of(row)]
    assert len(expected) >= 1

    choose(page, "Themes", "Multiculturalism")
    expect(page).to_have_url(re.compile(r"\?theme=multiculturalism$"))
    expect(count_line(page)).to_have_text(f"{len(expected)} of {len(SESSIONS)} sessions")
    wait_ready(page)
    expect(multiselect(page, "Themes").locator("[data-tag]")).to_have_text(["🟩 Multiculturalism"])

    expect(page.locator('[class*="st-key-agenda-"]')).to_have_count(len(expected))
    assert sorted(agenda_ids(page)) == sorted(expected)
    for session_id in expected:
        expect(agenda_entry(page, session_id)).to_contain_text(TITLES[session_id])

    after = settled_map(page, unlike=before)
    assert after != before, f"the map did not change: {after}"
    assert after["multiculturalism"] > 0, f"no Multiculturalism marker: {after}"
    assert after["logistics"] < before["logistics"] / 5, f"the transfer line is still drawn: {before} -> {after}"
    no_exception(page)
    assert console_errors == [], f"unexpected console errors: {console_errors}"


def test_share_link_restores_the_view_in_a_fresh_browser(fresh_context, app_url: str) -> None:
    link = f"{app_url}/?theme=tourism-promotion&city=shimonoseki&session={KARATO}"
    fresh = fresh_context().new_page()
    open_view(fresh, link)

    expect(multiselect(fresh, "Themes").locator("[data-tag]")).to_have_text(["🟧 Tourism Promotion"])
    expect(multiselect(fresh, "Cities").locator("[data-tag]")).to_have_text(["Shimonoseki"])
    expect(fresh.get_by_role("heading", name="Visit to Karato Market")).to_be_visible()
    expect(fresh.get_by_text("Friday 20 December 2019")).to_be_visible()
    assert query(fresh) == {"theme": ["tourism-promotion"], "city": ["shimonoseki"], "session": [KARATO]}
    expected = [r["id"] for r in SESSIONS if r["city"] == "shimonoseki" and "tourism-promotion" in themes_of(r)]
    expect(count_line(fresh)).to_have_text(f"{len(expected)} of {len(SESSIONS)} sessions")
    no_exception(fresh)


def test_filtered_download_matches_the_agenda_and_imports(page: Page, app_url: str, tmp_path: Path) -> None:
    require("node")
    require("calcurse")
    open_view(page, f"{app_url}/?city=shimonoseki")
    choose(page, "Themes", "Tourism Promotion")
    expect(page).to_have_url(re.compile(r"\?theme=tourism-promotion&city=shimonoseki$"))
    expected = [r["id"] for r in SESSIONS if r["city"] == "shimonoseki" and "tourism-promotion" in themes_of(r)]
    expect(count_line(page)).to_have_text(f"{len(expected)} of {len(SESSIONS)} sessions")
    wait_ready(page)
    listed = agenda_ids(page)
    assert sorted(listed) == sorted(expected)

    path = download(page, "Download this view (.ics)", tmp_path)
    assert path.suffix == ".ics"

    calendar = Calendar.from_ical(path.read_bytes())
    uids = [str(event["UID"]) for event in calendar.walk("VEVENT")]
    assert all(re.fullmatch(r"[a-z0-9-]+@[a-z0-9-]+\.kizuna", uid) for uid in uids), uids
    assert sorted(uid.split("@")[0] for uid in uids) == sorted(listed)

    read = ical_js_events(path)["events"]
    assert {event["uid"].split("@")[0]: event["date"] for event in read} == {i: DATES[i] for i in listed}
    shown = calcurse_days(path, min(DATES.values()), 7)
    assert shown == Counter((DATES[i], TITLES[i]) for i in listed)


def test_hostile_link_is_shown_as_text(page: Page, app_url: str, console_errors: list[str]) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_view(page, f"{app_url}/?theme=<img src=x onerror=alert(1)>&day=nope")

    warnings = page.get_by_test_id("stAlertContentWarning")
    theme_notice = warnings.filter(has_text="theme")
    expect(theme_notice).to_have_count(1)
    expect(theme_notice).to_contain_text("<img src=x onerror=alert(1)>")
    expect(warnings.filter(has_text="nope")).to_have_count(1)
    expect(page.locator('img[src="x"]')).to_have_count(0)
    expect(count_line(page)).to_have_text(f"{len(SESSIONS)} of {len(SESSIONS)} sessions")
    expect(page).not_to_have_url(re.compile(r"theme=|day="))  # the rejected values leave the address bar
    page.wait_for_timeout(500)  # an injected onerror handler would have fired by now
    assert dialogs == []
    no_exception(page)
    assert console_errors == [], f"unexpected console errors: {console_errors}"


def test_phone_agenda_is_readable_and_filters_reachable(fresh_context, app_url: str) -> None:
    width = 390
    phone = fresh_context(viewport={"width": width, "height": 844}).new_page()
    open_view(phone, app_url)

    entry = agenda_entry(phone, KARATO)
    entry.scroll_into_view_if_needed()
    expect(entry).to_be_visible()
    expect(entry).to_contain_text("Visit to Karato Market")
    expect(entry).to_be_in_viewport(ratio=1)
    box = entry.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= width, box
    assert phone.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"

    themes = phone.get_by_role("combobox", name="Themes")
    expect(themes).not_to_be_in_viewport()
    phone.get_by_role("button", name="Expand sidebar").click()
    expect(phone.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "false")
    expect(themes).to_be_in_viewport(ratio=1)
    choose(phone, "Themes", "Multiculturalism")
    expect(phone).to_have_url(re.compile(r"\?theme=multiculturalism$"))


def test_agenda_entry_opens_its_card_with_calendar_links(page: Page, app_url: str, console_errors: list[str]) -> None:
    open_view(page, app_url)
    expect(page.get_by_role("dialog")).to_have_count(0)
    agenda_entry(page, KARATO).click()
    expect(page).to_have_url(re.compile(rf"\?session={KARATO}$"))
    card = page.get_by_role("dialog")
    expect(card.get_by_role("heading", name="Visit to Karato Market")).to_be_visible()
    wait_ready(page)

    google = card.get_by_role("link", name="Google Calendar").and_(
        page.locator('a[href^="https://calendar.google.com/calendar/render"]')
    )
    expect(google).to_have_count(1)
    link = parse_qs(urlsplit(google.get_attribute("href")).query)
    assert link["action"] == ["TEMPLATE"]
    assert link["dates"] == ["20191220/20191221"]
    assert link["text"] == ["Visit to Karato Market"]
    assert query(page) == {"session": [KARATO]}
    no_exception(page)
    assert console_errors == [], f"unexpected console errors: {console_errors}"


# --- a program whose every text is hostile ------------------------------------------------------------------

HOSTILE = ROOT / "tests" / "fixtures" / "good" / "hostile-text"
MARKS = """selector => [...document.querySelectorAll(selector)].map(node => ({
    tag: node.tagName.toLowerCase(),
    url: node.getAttribute("href") || node.getAttribute("src") || node.getAttribute("xlink:href") || "",
    text: node.textContent.trim(),
    button: node.closest('[data-testid^="stBaseLinkButton"]') !== null,
}))"""
LINKS_AND_MEDIA = "a[href], img, image, iframe, object, embed, video, audio, source"
EMPHASIS = "strong, em, del, s, h1, h2, h3, h4, h5, h6"
RENDERED_MARKUP = (
    '.katex, [class*="stMarkdownColored"], [class*="stMarkdownBadge"], [data-testid="stMarkdownContainer"] '
    'span[role="img"], [data-testid="stMarkdownContainer"] img, blockquote, ul, ol, hr, table'
)
HOSTILE_FRAGMENTS = {"bold", "it", "Minimal", "strike", "heading", "heading?", "note", "not a heading"}


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A dashboard serving the hostile-text program: Markdown, HTML and web addresses in every text it holds."""
    tmp = tmp_path_factory.mktemp("hostile")
    env = {"KIZUNA_PROGRAM": str(HOSTILE), "KIZUNA_STATIC_DIR": str(tmp / "static")}
    with dashboard(env=env, log=tmp / "streamlit.log") as url:
        yield url


def assert_only_text(page: Page, own: str) -> None:
    """Nothing the program's text holds became a link, an image, a frame, a formula, a colour, an icon or emphasis."""
    marks = page.evaluate(MARKS, LINKS_AND_MEDIA)
    outside = [m for m in marks if urlsplit(urljoin(page.url, m["url"])).netloc not in (own, "") and not m["button"]]
    assert outside == [], f"links or media to other hosts: {outside}"
    assert [m for m in marks if "evil.example" in urlsplit(m["url"]).netloc] == []
    assert [m for m in page.evaluate(MARKS, EMPHASIS) if m["text"] in HOSTILE_FRAGMENTS] == []
    expect(page.locator(RENDERED_MARKUP)).to_have_count(0)


def hover_marker(page: Page, program: Program, venue: Venue) -> Locator:
    """Hover the venue's marker on the map of the whole program; the map's tooltip."""
    x, y = marker_pixel(page, program, program.sessions, venue.lon, venue.lat)
    return hover_until(page, x, y, page.locator(".deck-tooltip"))


def test_a_hostile_program_is_shown_as_its_text_and_asks_no_other_host(fresh_context, hostile_url: str) -> None:
    program = load_program(HOSTILE)
    context = fresh_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    alerts: list[str] = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    own = urlsplit(hostile_url).netloc

    lecture = program.sessions_by_id["lecture-tourism"]
    open_view(page, f"{hostile_url}/?session={lecture.id}")
    card = page.get_by_role("dialog")
    expect(card).to_be_visible()
    wait_ready(page)
    assert page.locator("h1").text_content() == program.title
    assert card.locator("h2").first.text_content() == lecture.title
    assert agenda_entry(page, lecture.id).locator("p").text_content().endswith(lecture.title)
    assert_only_text(page, own)

    page.keyboard.press("Escape")  # the card closes; the map's tooltip is text too
    expect(card).to_have_count(0)
    wait_ready(page)
    castle = program.venues["osaka-castle"]
    tooltip = hover_marker(page, program, castle)
    expect(tooltip).to_contain_text(f"{castle.name} / {castle.name_ja}")
    assert tooltip.evaluate("node => [...node.querySelectorAll('*')].map(child => child.tagName)") == ["BR", "BR"]

    visit = program.sessions_by_id["visit-osaka-castle"]
    agenda_entry(page, visit.id).click()
    expect(card.locator("h2").first).to_be_visible()
    wait_ready(page)
    assert card.locator("h2").first.text_content() == visit.title
    paragraphs = card.locator('[data-testid="stMarkdownContainer"] p').all_text_contents()
    assert venue_location(castle) in paragraphs
    assert_only_text(page, own)

    page.wait_for_timeout(500)  # an injected handler or image would have fired by now
    assert alerts == []
    web = [url for url in requests if urlsplit(url).scheme in ("http", "https", "ws", "wss")]
    assert sorted({url for url in web if urlsplit(url).netloc != own}) == []
