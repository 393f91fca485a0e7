"""The bundled basemap in the browser: land and sea drawn, and no request to anyone else's server."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from kizuna.program.filtering import Filter
from kizuna.views.maps import LAND_TINTS, SEA

from .conftest import MAP, marker_pixel, open_view, wait_ready
from .test_dashboard import choose, settled_map
from .test_where_the_visitor_looks import PROGRAM

BASEMAP = [tuple(colour[:3]) for colour in (SEA, *LAND_TINTS)]


def basemap_share(page: Page) -> float:
    """The share of the map's pixels that are sea or land (not the page's background)."""
    image = Image.open(io.BytesIO(page.locator(MAP).screenshot())).convert("RGB")
    colours = image.getcolors(maxcolors=image.width * image.height) or []
    near = sum(
        count
        for count, pixel in colours
        if any(sum(map(abs, (a - b for a, b in zip(pixel, c, strict=True)))) <= 12 for c in BASEMAP)
    )
    return near / (image.width * image.height)


@pytest.mark.parametrize(
    ("query", "scheme"), [("", "light"), ("?city=shimonoseki", "light"), ("?show=home", "light"), ("", "dark")]
)
def test_the_map_shows_land_and_sea_under_the_markers(fresh_context, app_url: str, query: str, scheme: str) -> None:
    page = fresh_context(color_scheme=scheme).new_page()  # the system setting picks Streamlit's light or dark theme
    open_view(page, f"{app_url}/{query}")
    markers = settled_map(page)
    share = 0.0
    for _ in range(40):  # until the basemap file has arrived and is drawn
        share = basemap_share(page)
        if share > 0.5:
            break
        page.wait_for_timeout(250)
    assert share > 0.5, f"only {share:.0%} of the map is land or sea"
    assert markers["tourism-promotion"] > 0 or markers["logistics"] > 0, markers


def test_loading_filtering_clicking_and_downloading_ask_only_the_dashboards_host(fresh_context, app_url: str) -> None:
    context = fresh_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    open_view(page, app_url)
    choose(page, "Themes", "Tourism Promotion")
    expect(page).to_have_url(re.compile(r"\?theme=tourism-promotion$"))
    wait_ready(page)
    tokyo = PROGRAM.venues["jnto-head-office"]
    shown = Filter.of(themes=["tourism-promotion"]).apply(PROGRAM)
    settled_map(page)
    x, y = marker_pixel(page, PROGRAM, shown, tokyo.lon, tokyo.lat)
    page.mouse.click(x, y)
    card = page.get_by_role("dialog")  # the marker's session card, then back to the view to download it
    expect(card.get_by_role("heading", name=PROGRAM.sessions_by_id["visit-jnto"].title)).to_be_visible()
    card.get_by_role("button", name="Close", exact=True).last.click()
    expect(card).to_have_count(0)
    wait_ready(page)
    with page.expect_download():
        page.get_by_role("button", name="Download this view (.ics)").click()
    page.get_by_role("button", name="Print (PDF)").click()
    with page.expect_download():
        page.get_by_role("button", name="A4, the desk copy").click()
    own = urlsplit(app_url).netloc
    web = [url for url in requests if urlsplit(url).scheme in ("http", "https", "ws", "wss")]
    assert any("/app/static/basemap/basemap-" in url for url in web), "the basemap file was not fetched"
    elsewhere = sorted({url for url in web if urlsplit(url).netloc != own})
    assert elsewhere == [], f"requests to other hosts: {elsewhere}"
