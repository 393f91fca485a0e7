"""Render the README's screenshots from the real dashboard in headless Chromium: python scripts/screenshots.py"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/, which starts the dashboard
from bench.serving import CHROMIUM, CHROMIUM_ARGS, READY, ROOT, dashboard

DESKTOP = {"width": 1400, "height": 1700}
PHONE = {"width": 390, "height": 844}
# name: (query, viewport, whole page or only the first screen)
SHOTS = {
    "dashboard.png": ("", DESKTOP, True),
    "shimonoseki-tourism.png": (
        "?theme=tourism-promotion&city=shimonoseki&session=visit-tsunoshima-bridge",
        DESKTOP,
        True,
    ),
    "phone.png": ("", PHONE, False),
    "phone-card.png": ("?session=courtesy-call-mayor", PHONE, False),
    "ja-desktop.png": ("?lang=ja&theme=tourism-promotion", DESKTOP, False),
    "ko-desktop.png": ("?lang=ko&session=visit-karato-market", DESKTOP, False),
    "ja-phone.png": ("?lang=ja", PHONE, False),
    "ko-phone.png": ("?lang=ko&session=courtesy-call-mayor", PHONE, False),
}


def main() -> int:
    with dashboard() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, (query, viewport, full_page) in SHOTS.items():
            page = browser.new_page(viewport=viewport)
            with page.expect_response(lambda response: "/app/static/basemap/" in response.url, timeout=60_000):
                page.goto(f"{url}/{query}")
            page.wait_for_selector(READY, timeout=60_000)
            page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=30_000)
            page.wait_for_timeout(3000)  # the land is drawn a moment after its file arrives
            page.screenshot(path=ROOT / "docs" / name, full_page=full_page)
            print(ROOT / "docs" / name)
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
