"""Screenshots of the map in the four views the basemap has to serve, from running dashboards in headless Chromium.

    python scripts/map_shots.py --out-prefix docs/map-after- [--url URL] [--worldwide-url URL]

`--url` serves the built-in program as its default, `--worldwide-url` the worldwide fixture (guests from every
continent). A dashboard not given by URL is started from this checkout with that program alone and an empty store.
Each shot is saved as <out-prefix><name>.png: worldwide-home, tsunoshima, shinjuku, 2019-home.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/, which starts the dashboard
from bench.serving import CHROMIUM, CHROMIUM_ARGS, READY, ROOT, dashboard

VIEWPORT = {"width": 1280, "height": 900}
MAP = '[data-testid="stDeckGlJsonChart"]'
BASEMAP_SETTLE_MS = 3000  # the land is drawn a moment after its file arrives
PROGRAMS = {"2019": ROOT / "data" / "2019", "worldwide": ROOT / "tests" / "fixtures" / "good" / "worldwide"}
SHOTS = {  # file name: (which dashboard, query)
    "worldwide-home": ("worldwide", "?show=home"),
    "tsunoshima": ("2019", "?id=visit-tsunoshima-lighthouse"),
    "shinjuku": ("2019", "?id=visit-shinjuku-multicultural-plaza"),
    "2019-home": ("2019", "?show=home"),
}


@contextmanager
def started(program: Path, store: Path) -> Iterator[str]:
    """A dashboard of this checkout showing `program` alone, with its own empty store of published programs."""
    with dashboard(env={"KIZUNA_PROGRAM": str(program), "XDG_DATA_HOME": str(store)}) as url:
        yield url


def map_png(browser: Browser, url: str, full_page: bool) -> bytes:
    """The map element (or the whole page) once the page's run has finished and the basemap is drawn."""
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(url)
        page.wait_for_selector(READY, timeout=60_000)
        page.wait_for_selector(f"{MAP} canvas", timeout=30_000)
        page.wait_for_timeout(BASEMAP_SETTLE_MS)
        if full_page:
            return page.screenshot(full_page=True)
        return page.locator(MAP).screenshot()
    finally:
        page.close()


def save_small(png: bytes, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.open(io.BytesIO(png)).save(path, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a dashboard whose default program is the built-in one (default: start one)")
    parser.add_argument("--worldwide-url", help="a dashboard whose default program is the worldwide fixture")
    parser.add_argument("--out-prefix", required=True, help="path prefix of the PNG files, e.g. docs/map-before-")
    parser.add_argument("--full-page", action="store_true", help="the whole page rather than the map alone")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        store = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kizuna-map-shots-")))
        urls = {"2019": args.url, "worldwide": args.worldwide_url}
        for name, url in urls.items():
            urls[name] = (url or stack.enter_context(started(PROGRAMS[name], store / name))).rstrip("/")
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        for name, (program, query) in SHOTS.items():
            path = Path(f"{args.out_prefix}{name}.png")
            save_small(map_png(browser, f"{urls[program]}/{query}", args.full_page), path)
            print(f"{path}  {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
