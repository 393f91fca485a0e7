"""Render the README's screenshots from the real dashboard in headless Chromium: python scripts/screenshots.py"""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

from kizuna.serving import CHROMIUM, CHROMIUM_ARGS, READY, ROOT, dashboard

SHOTS = {
    "dashboard.png": "",
    "shimonoseki-tourism.png": "?theme=tourism-promotion&city=shimonoseki&session=visit-tsunoshima-bridge",
}


def main() -> int:
    with dashboard() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1700})
        for name, query in SHOTS.items():
            page.goto(f"{url}/{query}")
            page.wait_for_selector(READY, timeout=60_000)
            page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=30_000)
            page.wait_for_timeout(1500)
            page.screenshot(path=ROOT / "docs" / name, full_page=True)
            print(ROOT / "docs" / name)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
