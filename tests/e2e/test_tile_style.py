"""The optional tile basemap in the browser: a MapLibre style and its tiles served from this machine, drawn under the
bundled coastlines, credited on the page, and nothing asked of any other host."""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

from bench.serving import dashboard
from kizuna.config import MAP_ATTRIBUTION_ENV, MAP_KEY_ENV, MAP_STYLE_ENV
from kizuna.views.maps import COAST

from .conftest import MAP, open_view

TILE_COLOUR = (255, 0, 255)  # pure magenta: nothing else on the map is drawn in it
SOURCE_CREDIT = "Test tiles © Kizuna test"  # the style's own attribution, which the map's control shows
DEPLOYMENT_CREDIT = "Map tiles © Kizuna test server"  # KIZUNA_MAP_ATTRIBUTION, which the legend under the map shows
TILE = re.compile(r"^/tiles/(\d+)/(\d+)/(\d+)\.png$")
TILE_SHARE = 0.75  # of the map's pixels: the markers, lines, labels and coast cover the rest
ATTRIBUTION = ".mapboxgl-ctrl-attrib, .maplibregl-ctrl-attrib"  # the map library's attribution control


class TileServer(ThreadingHTTPServer):
    """A style and magenta PNG tiles for any z/x/y on loopback; `paths` records what was asked, in order."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), TileHandler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.paths: list[str] = []
        buffer = io.BytesIO()
        Image.new("RGB", (256, 256), TILE_COLOUR).save(buffer, format="PNG")
        self.tile = buffer.getvalue()

    def style(self) -> bytes:
        source = {
            "type": "raster",
            "tiles": [f"{self.url}/tiles/{{z}}/{{x}}/{{y}}.png"],
            "tileSize": 256,
            "attribution": SOURCE_CREDIT,
        }
        layer = {"id": "test-tiles", "type": "raster", "source": "test-tiles"}
        return json.dumps({"version": 8, "sources": {"test-tiles": source}, "layers": [layer]}).encode()


class TileHandler(BaseHTTPRequestHandler):
    server: TileServer

    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        if self.path == "/style.json":
            self.reply(self.server.style(), "application/json")
        elif TILE.match(self.path):
            self.reply(self.server.tile, "image/png")
        else:
            self.send_error(404)

    def reply(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")  # the map fetches the style and tiles cross-origin
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a failing test's output shows the assertions, not every tile."""


@pytest.fixture(scope="module")
def tile_server() -> Iterator[TileServer]:
    server = TileServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def tiled_app_url(tile_server: TileServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A dashboard configured with the local style, as a deployment sets KIZUNA_MAP_STYLE and its credit line
    (a self-hosted style: no provider key)."""
    log: Path = tmp_path_factory.mktemp("tiles") / "streamlit.log"
    env = {MAP_STYLE_ENV: f"{tile_server.url}/style.json", MAP_ATTRIBUTION_ENV: DEPLOYMENT_CREDIT, MAP_KEY_ENV: ""}
    with dashboard(env=env, log=log) as url:
        yield url


def colour_share(image: Image.Image, colour: tuple[int, int, int], tolerance: int) -> float:
    """The share of the image's pixels within `tolerance` (summed over R, G, B) of `colour`."""
    counts = image.getcolors(maxcolors=image.width * image.height) or []
    near = sum(n for n, pixel in counts if sum(abs(a - b) for a, b in zip(pixel, colour, strict=True)) <= tolerance)
    return near / (image.width * image.height)


def map_image(page: Page) -> Image.Image:
    return Image.open(io.BytesIO(page.locator(MAP).screenshot())).convert("RGB")


def tiled_map(page: Page) -> Image.Image:
    """The map once its tiles have arrived and are drawn (the style and tiles load after the canvas exists)."""
    image = map_image(page)
    for _ in range(40):
        if colour_share(image, TILE_COLOUR, 12) > TILE_SHARE:
            break
        page.wait_for_timeout(250)
        image = map_image(page)
    return image


def test_the_configured_tiles_lie_under_the_coast_credited_and_from_no_other_host(
    fresh_context, tile_server: TileServer, tiled_app_url: str
) -> None:
    context: BrowserContext = fresh_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    open_view(page, tiled_app_url)
    image = tiled_map(page)

    tiles = colour_share(image, TILE_COLOUR, 12)
    assert tiles > TILE_SHARE, f"only {tiles:.0%} of the map shows the configured tiles"
    coast = colour_share(image, tuple(COAST[:3]), 12) * image.width * image.height  # not the transfers' grey
    assert coast > 300, f"the bundled coastline is not drawn over the tiles ({coast:.0f} pixels of its colour)"
    assert "/style.json" in tile_server.paths
    assert any(TILE.match(path) for path in tile_server.paths), f"no tile was asked for: {tile_server.paths}"
    others = [path for path in tile_server.paths if path != "/style.json" and not TILE.match(path)]
    assert others == [], f"the map asked the tile server for more than the style and tiles: {others}"

    attribution = page.locator(MAP).locator(ATTRIBUTION)
    expect(attribution).to_be_visible()
    expect(attribution).to_contain_text(SOURCE_CREDIT)
    expect(page.get_by_test_id("stCaptionContainer").filter(has_text=DEPLOYMENT_CREDIT)).to_be_visible()

    allowed = {urlsplit(tiled_app_url).netloc, urlsplit(tile_server.url).netloc}
    web = [url for url in requests if urlsplit(url).scheme in ("http", "https", "ws", "wss")]
    elsewhere = sorted({url for url in web if urlsplit(url).netloc not in allowed})
    assert elsewhere == [], f"requests to other hosts: {elsewhere}"
