"""The world basemap in Chromium's pixels: land under every guest's capital, Japan's islands in detail, the names of
the cities around a venue, and every file from the dashboard's own host (the detail tiles only where a view needs them).

Each view is opened once, in one browser context whose requests are logged; the tests read the screenshots of those
pages at the pixels where deck.gl draws each point of the view the page was sent (build_deck's initial view).
"""

from __future__ import annotations

import io
import json
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, Response, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from test_maps import mercator

from bench.serving import ROOT, dashboard
from kizuna.checks.loading import load_program
from kizuna.program.filtering import Filter
from kizuna.program.model import Program, Session
from kizuna.views import basemap
from kizuna.views.maps import LAND_TINTS, PLACE_SIZE, SEA, build_deck, text_width

from .conftest import MAP, marker_pixel, wait_ready
from .test_where_the_visitor_looks import PROGRAM

WORLDWIDE_FOLDER = ROOT / "tests" / "fixtures" / "good" / "worldwide"  # guests from every continent
WORLDWIDE = load_program(WORLDWIDE_FOLDER)
WORLD_LAND = json.loads(basemap.GEOMETRY.read_text(encoding="utf-8"))["features"]  # the world file as served
TSUNOSHIMA = "visit-tsunoshima-lighthouse"  # a lighthouse on a 4 km² island
SHINJUKU = "visit-shinjuku-multicultural-plaza"  # a venue in a city, with the bay in view
WORLD_FILE = "/app/static/basemap/basemap-"
DETAIL_TILES = "/app/static/basemap/japan-"
TOLERANCE = 12  # summed over R, G, B: a basemap colour as drawn
CAPITAL_RING = (6.5, 9.5)  # px around a capital: outside its 5-px dot and the dot's soft edge
VENUE_RING = (10.5, 13.5)  # px around a venue: outside its 7-px dot and 2-px white edge
LAND_NEAR_CAPITAL = 0.25  # of the ring's land and sea pixels: land touches the dot, not just a coast in the distance
LAND_NEAR_VENUE = 0.15  # the same around the lighthouse, which stands at its island's tip
WHEEL_SCALE = 2 / (1 + math.exp(-600 * 0.01))  # deck.gl's zoom for 600 px of mouse wheel at its scroll speed
ZOOM_LEVELS = 10  # zoom levels the smallest capital's island may need to grow wider than its dot
ISLAND_REACH = 40  # px (about 4 km at the lighthouse's zoom): sea lies within this on every side of the marker
INK = 180  # a label's glyphs are darker than this in every channel; the land's and sea's brightest are above 230


@dataclass(repr=False)  # a failing test's traceback shows its arguments: not every request
class Views:
    """The module's views, each a page opened once in one browser context, with each page's requests."""

    context: BrowserContext
    pages: dict[str, Page] = field(default_factory=dict)
    requests: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # by page
    everything: list[str] = field(default_factory=list)  # every request of the context
    failed: list[str] = field(default_factory=list)  # responses with an error status

    def open(self, urls: dict[str, str]) -> None:
        """Load every view at once (each page waits mostly on its server), then until each has its land drawn."""
        for name, url in urls.items():
            page = self.pages[name] = self.context.new_page()
            page.on("request", lambda request, name=name: self.requests[name].append(request.url))
            page.goto(url, wait_until="commit")
        for name in urls:
            page = self.front(name)
            wait_ready(page)  # as conftest's open_view, after the navigation
            expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=60_000)
            page.wait_for_selector(f"{MAP} canvas", timeout=30_000)
            wait_ready(page)
            wait_for_land(page)

    def front(self, name: str) -> Page:
        """The view's page, brought to the front: a tab behind another draws no frames and takes no screenshots."""
        self.pages[name].bring_to_front()
        return self.pages[name]

    def note(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")


@pytest.fixture(scope="module")
def worldwide_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A dashboard showing the worldwide fixture alone, with its own empty store of published programs."""
    tmp = tmp_path_factory.mktemp("worldwide")
    env = {"KIZUNA_PROGRAM": str(WORLDWIDE_FOLDER), "XDG_DATA_HOME": str(tmp)}
    with dashboard(env=env, log=tmp / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def views(browser: Browser, browser_context_args: dict, app_url: str, worldwide_url: str) -> Iterator[Views]:
    """The home countries of the worldwide program; the lighthouse, the Shinjuku venue and the whole built-in
    program; in a first visit's context (nothing cached)."""
    shown = Views(browser.new_context(**browser_context_args))
    shown.context.on("request", lambda request: shown.everything.append(request.url))
    shown.context.on("response", shown.note)
    shown.open(
        {
            "home": f"{worldwide_url}/?show=home",
            "tsunoshima": f"{app_url}/?id={TSUNOSHIMA}",
            "shinjuku": f"{app_url}/?id={SHINJUKU}",
            "whole program": f"{app_url}/",
        }
    )
    yield shown
    shown.context.close()


def near(pixel: Sequence[int], colour: Sequence[int]) -> bool:
    return sum(abs(a - b) for a, b in zip(pixel[:3], colour[:3], strict=True)) <= TOLERANCE


def is_land(pixel: Sequence[int]) -> bool:
    return any(near(pixel, tint) for tint in LAND_TINTS)


def is_sea(pixel: Sequence[int]) -> bool:
    return near(pixel, SEA)


def screen(page: Page) -> Image.Image:
    """The viewport's pixels (page coordinates), the mouse off the map so no tooltip covers it."""
    page.mouse.move(1, 1)
    return Image.open(io.BytesIO(page.screenshot())).convert("RGB")


def map_box(page: Page) -> dict[str, float]:
    box = page.locator(f"{MAP} canvas").first.bounding_box()
    assert box is not None
    return box


def map_share(page: Page, test: Callable[[Sequence[int]], bool]) -> float:
    """The share of the map's pixels that pass `test`."""
    box = map_box(page)
    left, top = round(box["x"]), round(box["y"])
    image = screen(page).crop((left, top, left + round(box["width"]), top + round(box["height"])))
    counts = image.getcolors(maxcolors=image.width * image.height) or []
    return sum(count for count, pixel in counts if test(pixel)) / (image.width * image.height)


def wait_for_land(page: Page, share: float = 0.02, timeout_ms: int = 20_000) -> None:
    """Until the world file has arrived and some land is drawn (the layers draw a moment after the canvas exists)."""
    for _ in range(timeout_ms // 250):
        if map_share(page, is_land) > share:
            return
        page.wait_for_timeout(250)


def point_pixel(box: dict[str, float], view: dict, lon: float, lat: float) -> tuple[float, float]:
    """Where deck.gl draws a point on the map's canvas in the initial view (page coordinates), as conftest's
    marker_pixel does."""
    (x, y), (cx, cy) = mercator(lon, lat, view["zoom"]), mercator(view["longitude"], view["latitude"], view["zoom"])
    return box["x"] + box["width"] / 2 + x - cx, box["y"] + box["height"] / 2 + y - cy


def inside(box: dict[str, float], x: float, y: float, margin: float) -> bool:
    return box["x"] + margin <= x <= box["x"] + box["width"] - margin and (
        box["y"] + margin <= y <= box["y"] + box["height"] - margin
    )


def shown_pixel(box: dict[str, float], view: dict, lon: float, lat: float, repeat: bool) -> tuple[float, float] | None:
    """The point's pixel with room for its ring around it, on a map that draws the world again past ±180° if
    `repeat`; None when it is not on the map."""
    for turn in (0, -360, 360) if repeat else (0,):
        x, y = point_pixel(box, view, lon + turn, lat)
        if inside(box, x, y, CAPITAL_RING[1] + 1):
            return x, y
    return None


def ring(image: Image.Image, x: float, y: float, radii: tuple[float, float]) -> list[tuple[int, int, int]]:
    """The pixels whose centres lie between the two radii of (x, y)."""
    inner, outer = radii
    return [
        image.getpixel((i, j))
        for j in range(math.floor(y - outer), math.ceil(y + outer) + 1)
        for i in range(math.floor(x - outer), math.ceil(x + outer) + 1)
        if inner <= math.hypot(i + 0.5 - x, j + 0.5 - y) <= outer
    ]


def land_share(pixels: Sequence[Sequence[int]]) -> float:
    """Land's share of the pixels that are land or sea (lines, labels and other dots left out)."""
    land, sea = sum(map(is_land, pixels)), sum(map(is_sea, pixels))
    return land / (land + sea) if land + sea else 0.0


def next_frame(page: Page) -> None:
    """Until the page has drawn a frame: deck.gl applies a change of view and draws on an animation frame."""
    page.evaluate("new Promise(done => requestAnimationFrame(done))")


def wheel(page: Page, pointer: tuple[int, int], steps: int) -> None:
    """Zoom the map about the pointer by `steps` wheel steps of WHEEL_SCALE (out if negative), a frame apart so each
    applies to the view the last one left: as many steps out about the same pointer undo them."""
    page.mouse.move(*pointer)
    for _ in range(abs(steps)):
        page.mouse.wheel(0, -600 if steps > 0 else 600)
        next_frame(page)


def dot_centre(image: Image.Image, x: float, y: float, colour: Sequence[int]) -> tuple[float, float] | None:
    """The centre of the dot drawn in `colour` within a few pixels of (x, y), if there is one."""
    found = [
        (i + 0.5, j + 0.5)
        for j in range(math.floor(y) - 6, math.ceil(y) + 7)
        for i in range(math.floor(x) - 6, math.ceil(x) + 7)
        if near(image.getpixel((i, j)), colour)
    ]
    return (sum(i for i, _ in found) / len(found), sum(j for _, j in found) / len(found)) if found else None


def land_when_zoomed_in(page: Page, x: float, y: float, dot: Sequence[int]) -> tuple[float, int]:
    """Zoom in about a capital's dot two levels at a time until land lies around it (its island grown wider than the
    dot); the land's share of the ring and the levels it took. The map is left zoomed in.

    deck.gl zooms about the mouse at whole pixels, so the dot moves away from a pointer off its centre: it is found
    again after each step (or foreseen, where it is not drawn)."""
    share, levels = 0.0, 0
    while share < LAND_NEAR_CAPITAL and levels < ZOOM_LEVELS:
        pointer = (round(x), round(y))
        wheel(page, pointer, 2)
        levels += 2
        image = screen(page)
        foreseen = pointer[0] + WHEEL_SCALE**2 * (x - pointer[0]), pointer[1] + WHEEL_SCALE**2 * (y - pointer[1])
        x, y = dot_centre(image, *foreseen, dot) or foreseen
        share = land_share(ring(image, x, y, CAPITAL_RING))
    return share, levels


def land_under(lon: float, lat: float) -> list[list[float]] | None:
    """The outer ring of the served world file's land the point lies on, if any."""
    lon = (lon + 180) % 360 - 180  # the same place whichever turn of the world it is given in
    for feature in WORLD_LAND:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for outer, *holes in polygons:
            if encloses(outer, lon, lat) and not any(encloses(hole, lon, lat) for hole in holes):
                return outer
    return None


def encloses(ring: list[list[float]], x: float, y: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def extent(ring: list[list[float]], zoom: float) -> float:
    """The greater of a ring's width and height in pixels at a zoom."""
    xs, ys = zip(*(mercator(lon, lat, zoom) for lon, lat in ring), strict=True)
    return max(max(xs) - min(xs), max(ys) - min(ys))


def told(page: Page, x: float, y: float, text: str) -> bool:
    """Whether hovering the dot at (x, y) shows a tooltip with `text`: at its centre, else at its edges, where a
    neighbour's dot drawn over it may leave it uncovered."""
    tooltip = page.locator(".deck-tooltip").filter(has_text=text)
    for dx, dy in ((0, 0), (-3, 0), (3, 0), (0, -3), (0, 3)):
        page.mouse.move(x + dx, y + dy)
        try:
            tooltip.wait_for(state="visible", timeout=3_000 if dx == dy == 0 else 1_000)
        except PlaywrightTimeoutError:
            continue
        return True
    return False


def on_the_web(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https", "ws", "wss")


def shown_for(program: Program, session_id: str) -> list[Session]:
    """The sessions `?id=<session_id>` shows."""
    return Filter.of(sessions=[session_id]).apply(program)


def test_every_guests_capital_is_on_the_map_beside_or_on_land_and_named_in_its_tooltip(views: Views) -> None:
    page = views.front("home")
    deck = json.loads(build_deck(WORLDWIDE, WORLDWIDE.sessions, show_home=True).to_json())
    view = deck["initialViewState"]
    repeat = any(v.get("repeat") for v in deck.get("views") or [])
    layer = next(layer for layer in deck["layers"] if layer["id"] == "home-capitals")
    capitals, dot = {c["name"]: c for c in layer["data"]}, layer["getFillColor"]
    assert len(capitals) == len(WORLDWIDE.countries) == 25
    box, image = map_box(page), screen(page)

    at = {name: shown_pixel(box, view, *c["position"], repeat) for name, c in capitals.items()}
    off_map = sorted(name for name, pixel in at.items() if pixel is None)
    at = {name: dot_centre(image, *pixel, dot) or pixel for name, pixel in at.items() if pixel}
    untold = [name for name, pixel in at.items() if not told(page, *pixel, capitals[name]["label"])]
    shares = {name: land_share(ring(image, *pixel, CAPITAL_RING)) for name, pixel in at.items()}
    seaward = {name for name, share in shares.items() if share < LAND_NEAR_CAPITAL}
    islands = {name: land_under(*capitals[name]["position"]) for name in seaward}
    sizes = {name: extent(island, view["zoom"]) for name, island in islands.items() if island}
    hidden = {name: size for name, size in sizes.items() if size < 2 * CAPITAL_RING[1]}  # wholly under the dot
    in_the_sea = {name: round(shares[name], 2) for name in seaward - hidden.keys()}

    assert untold == [], f"no tooltip naming these countries at their capital: {untold}"
    assert in_the_sea == {}, f"capitals whose dot no land touches (land's share of the ring): {in_the_sea}"
    if hidden:  # the smallest such island is drawn under its capital's dot, as zooming in shows
        smallest = min(hidden, key=hidden.__getitem__)
        share, levels = land_when_zoomed_in(page, *at[smallest], dot)
        assert share >= LAND_NEAR_CAPITAL, f"{smallest}: still no land around the dot {levels} levels closer"
    width, zoom = box["width"], view["zoom"]
    assert off_map == [], f"capitals not wholly on the {width:.0f}-px map at zoom {zoom} (dot and ring): {off_map}"


def test_the_lighthouse_stands_on_its_island_with_sea_around_it(views: Views) -> None:
    page = views.front("tsunoshima")
    lighthouse = PROGRAM.venues[PROGRAM.sessions_by_id[TSUNOSHIMA].venue_id]
    x, y = marker_pixel(page, PROGRAM, shown_for(PROGRAM, TSUNOSHIMA), lighthouse.lon, lighthouse.lat)
    deadline = time.monotonic() + 20
    while True:  # until the detail tile has arrived and is drawn: the world file has no such island
        image = screen(page)
        share = land_share(ring(image, x, y, VENUE_RING))
        if share >= LAND_NEAR_VENUE or time.monotonic() > deadline:
            break
        page.wait_for_timeout(250)
    assert any(DETAIL_TILES in url for url in views.requests["tsunoshima"]), "no detail tile was fetched"
    assert share >= LAND_NEAR_VENUE, f"land is {share:.0%} of the land and sea around the lighthouse's marker"

    def sea_within(angle: float) -> bool:
        steps = range(math.ceil(VENUE_RING[0]), ISLAND_REACH + 1)
        return any(is_sea(image.getpixel((int(x + r * math.cos(angle)), int(y + r * math.sin(angle))))) for r in steps)

    landlocked = [k * 360 // 16 for k in range(16) if not sea_within(k * math.pi / 8)]
    assert landlocked == [], f"no sea within {ISLAND_REACH} px of the marker towards these bearings (°): {landlocked}"


def test_a_city_venue_shows_land_sea_and_the_names_of_the_cities_around(views: Views) -> None:
    page = views.front("shinjuku")
    land, sea = map_share(page, is_land), map_share(page, is_sea)
    assert land > 0.05, f"land is {land:.1%} of the map"
    assert sea > 0.05, f"sea is {sea:.1%} of the map"

    deck = json.loads(build_deck(PROGRAM, shown_for(PROGRAM, SHINJUKU)).to_json())
    names = next(layer["data"] for layer in deck["layers"] if layer["id"] == "places")
    box = map_box(page)
    image = screen(page)
    inked, blank = [], []
    for row in names:
        x, y = point_pixel(box, deck["initialViewState"], *row["position"])
        x, y = x + row["offset"][0], y + row["offset"][1]
        half_width, half_height = text_width(row["name"], PLACE_SIZE) / 2, PLACE_SIZE / 2
        if not inside(box, x - half_width, y - half_height, 0) or not inside(box, x + half_width, y + half_height, 0):
            continue  # placed for a wider map than this one
        glyphs = sum(
            max(image.getpixel((i, j))) < INK
            for j in range(math.floor(y - half_height), math.ceil(y + half_height))
            for i in range(math.floor(x - half_width), math.ceil(x + half_width))
        )
        (inked if glyphs >= 4 * len(row["name"]) else blank).append(row["name"])
    assert inked, f"no city's name drawn around the venue (placed: {[row['name'] for row in names]})"
    assert blank == [], f"these names were placed on the map but are not drawn there: {blank}"


def test_each_view_asks_its_own_host_only_and_fetches_detail_tiles_only_where_it_needs_them(
    views: Views,
) -> None:
    views.front("whole program").wait_for_timeout(1000)  # time for any tile request the whole country's view makes
    for name, page in views.pages.items():
        own = urlsplit(page.url).netloc
        web = [url for url in views.requests[name] if on_the_web(url)]
        elsewhere = sorted({url for url in web if urlsplit(url).netloc != own})
        assert elsewhere == [], f"{name}: requests to other hosts: {elsewhere}"
        world = [url for url in web if WORLD_FILE in url]
        assert len(world) == 1, f"{name}: the world file was asked for {len(world)} times"
    hosts = {urlsplit(page.url).netloc for page in views.pages.values()}
    others = {urlsplit(url).netloc for url in views.everything if on_the_web(url)} - hosts
    assert others == set(), f"the browser context asked other hosts: {sorted(others)}"
    assert views.failed == [], f"failed requests: {views.failed}"

    tiles = {name: sum(DETAIL_TILES in url for url in urls) for name, urls in views.requests.items()}
    assert tiles["tsunoshima"] > 0, tiles
    assert tiles["whole program"] == 0, f"detail tiles fetched by the whole country's view: {tiles}"
