"""Publishing for real: subscription feeds from the running app, and two replicas behind nginx."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from checkers import calcurse_days, khal_events, require
from icalendar import Calendar
from playwright.sync_api import Page, expect

from bench.serving import ROOT, free_port, wait_healthy
from kizuna.calendars.feeds import REFRESH
from kizuna.calendars.ics import export_ics
from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.program.filtering import Filter

from .conftest import open_view, wait_ready

PROGRAM = load_program(BUILT_IN_PROGRAM)
LINK = "/?theme=tourism-promotion&city=shimonoseki&session=visit-karato-market"


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


def event_keys(data: bytes) -> list[tuple[str, str]]:
    events = Calendar.from_ical(data).walk("VEVENT")
    return sorted((str(e["UID"]), e.decoded("DTSTART").isoformat()) for e in events)


def test_subscribe_feed_from_the_running_app_imports_like_the_download(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    require("khal")
    require("calcurse")
    open_view(page, f"{app_url}/?theme=tourism-promotion")
    page.get_by_role("button", name="Subscribe").click()
    feed_text = page.get_by_text(re.compile(r"/app/static/feeds/kizuna-2019-tourism-promotion\.ics$"))
    expect(feed_text).to_be_visible()
    feed_url = feed_text.inner_text().strip()
    google = page.get_by_role("link", name="Google Calendar").first.get_attribute("href")
    assert parse_qs(urlsplit(google).query)["cid"] == ["webcal://" + feed_url.split("://", 1)[1]]
    outlook = page.get_by_role("link", name="Outlook.com").first.get_attribute("href")
    assert parse_qs(urlsplit(outlook).query)["url"] == [feed_url]

    status, content_type, feed = fetch(feed_url)
    assert status == 200
    assert content_type.startswith("text/calendar")
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT6H" in feed

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download this view (.ics)").click()
    download = tmp_path / "view.ics"
    download_info.value.save_as(download)
    assert event_keys(feed) == event_keys(download.read_bytes())

    feed_path = tmp_path / "feed.ics"
    feed_path.write_bytes(feed)
    assert sorted(khal_events(feed_path, "2019-12-15", "2019-12-22")) == sorted(
        khal_events(download, "2019-12-15", "2019-12-22")
    )
    assert calcurse_days(feed_path, "2019-12-15", 7) == calcurse_days(download, "2019-12-15", 7)


def replica(port: int, log: Path) -> subprocess.Popen:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # the entrypoint runs `python`
    env = {**os.environ, "PORT": str(port), "ADDRESS": "127.0.0.1", "PATH": path}
    output = log.open("wb")
    return subprocess.Popen(
        [str(ROOT / "deploy" / "start.sh")], env=env, stdout=output, stderr=output, start_new_session=True
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[tuple[str, dict[int, subprocess.Popen], Path]]:
    """Two replicas started by the container entrypoint, behind nginx with the repository's config."""
    if not shutil.which("nginx"):
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is not installed; scripts/test installs it")
        pytest.skip("nginx is not installed (scripts/test installs it)")
    ports = [free_port(), free_port()]
    replicas = {port: replica(port, tmp_path / f"replica-{port}.log") for port in ports}
    listen = free_port()
    config = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    config = config.replace("127.0.0.1:8501", f"127.0.0.1:{ports[0]}").replace(
        "127.0.0.1:8502", f"127.0.0.1:{ports[1]}"
    )
    config = config.replace("listen 127.0.0.1:8080", f"listen 127.0.0.1:{listen}")
    if os.geteuid() == 0:  # nginx's workers drop to nobody, who cannot enter pytest's private temp folder
        config = "user root;\n" + config
    (tmp_path / "tmp").mkdir()
    (tmp_path / "nginx.conf").write_text(config, encoding="utf-8")
    nginx = subprocess.Popen(["nginx", "-p", str(tmp_path), "-c", "nginx.conf", "-g", "daemon off;"])
    url = f"http://127.0.0.1:{listen}"
    try:
        for port, process in replicas.items():
            wait_healthy(f"http://127.0.0.1:{port}", process, timeout=120)
        wait_healthy(url, nginx)
        yield url, replicas, tmp_path
    finally:
        nginx.terminate()
        nginx.wait(10)
        for process in replicas.values():
            stop(process)


def serving_replica(log: Path) -> int:
    """The replica that served the page's last request, from nginx's access log (a WebSocket is logged on close)."""
    lines = [line for line in log.read_text().splitlines() if "upstream=127.0.0.1:" in line]
    assert lines, log.read_text()
    return int(re.search(r"upstream=127\.0\.0\.1:(\d+)", lines[-1]).group(1))


def test_a_share_link_survives_losing_a_replica_behind_nginx(proxied, fresh_context) -> None:
    url, replicas, folder = proxied
    page = fresh_context().new_page()
    open_view(page, url + LINK)
    expect(page.get_by_role("heading", name="Visit to Karato Market")).to_be_visible()
    before = page.locator('[class*="st-key-agenda-"]').all_inner_texts()
    feed_before = fetch(f"{url}/app/static/feeds/kizuna-2019.ics")

    lost = serving_replica(folder / "access.log")
    stop(replicas[lost])
    page.reload()
    wait_ready(page)
    open_view(page, page.url)
    expect(page.get_by_role("heading", name="Visit to Karato Market")).to_be_visible()
    assert page.locator('[class*="st-key-agenda-"]').all_inner_texts() == before
    assert parse_qs(urlsplit(page.url).query) == parse_qs(urlsplit(LINK).query)
    assert serving_replica(folder / "access.log") != lost

    status, content_type, feed = fetch(f"{url}/app/static/feeds/kizuna-2019.ics")
    assert (status, feed) == (200, feed_before[2])
    assert content_type.startswith("text/calendar")
    assert feed == export_ics(PROGRAM, Filter(), refresh=REFRESH)
