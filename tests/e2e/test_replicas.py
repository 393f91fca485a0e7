"""Two replicas sharing one PostgreSQL behind nginx: what one publishes (its Organisers page), the other serves, and
the feeds are byte for byte the same through either; a publish killed with a replica leaves the last version.

Each replica is the real server (`deploy/serve.py`) with `KIZUNA_DATABASE_URL` pointing at a throwaway cluster
(tests/postgres.py). nginx balances both (`ip_hash`, with the WebSocket upgrade) and has one more port per replica,
so a request can be pinned to one of them. Deadlines are generous; nothing is timed but "within a minute".
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from checkers import missing
from directories import set_program_id
from playwright.sync_api import BrowserContext, Page, expect

from bench.serving import ROOT, free_port, start, wait_healthy
from kizuna.calendars.feeds import REFRESH
from kizuna.calendars.ics import export_ics
from kizuna.checks.loading import load_program
from kizuna.cli import main as kizuna
from kizuna.i18n import speaking
from kizuna.program.filtering import Filter
from kizuna.publishing.history import history, stamped
from kizuna.publishing.store import Store

from .conftest import wait_ready

PROGRAM_ID = "replicas-2030"
KEY = "e2e-replicas-organiser-key-5d1e"
FEED = f"/app/static/feeds/{PROGRAM_ID}/kizuna-2030.ics"
JAPANESE = f"/app/static/feeds/{PROGRAM_ID}/kizuna-2030.ja.ics"
GOOD = ROOT / "tests" / "fixtures" / "good"
WITHIN = 60  # seconds: every replica serves a publish within a minute

NGINX = """
worker_processes 1;
pid nginx.pid;
error_log error.log warn;
events {{ worker_connections 256; }}
http {{
    log_format upstream '$remote_addr "$request" $status upstream=$upstream_addr';
    access_log access.log upstream;
    client_body_temp_path tmp;
    proxy_temp_path tmp;
    fastcgi_temp_path tmp;
    uwsgi_temp_path tmp;
    scgi_temp_path tmp;
    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
    upstream both {{
        ip_hash;
        server 127.0.0.1:{a} max_fails=1 fail_timeout=10s;
        server 127.0.0.1:{b} max_fails=1 fail_timeout=10s;
    }}
    upstream only_a {{ server 127.0.0.1:{a}; }}
    upstream only_b {{ server 127.0.0.1:{b}; }}
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
    proxy_set_header Host $host;
    proxy_read_timeout 86400;
    server {{
        listen 127.0.0.1:{listen};
        location / {{ proxy_pass http://both; proxy_next_upstream error timeout http_502 http_503; }}
    }}
    server {{ listen 127.0.0.1:{pin_a}; location / {{ proxy_pass http://only_a; }} }}
    server {{ listen 127.0.0.1:{pin_b}; location / {{ proxy_pass http://only_b; }} }}
}}
"""


@dataclass
class Replicas:
    """Two dashboard replicas behind nginx: `url` balances them, `pinned[name]` reaches one of them only."""

    url: str
    pinned: dict[str, str]
    processes: dict[str, subprocess.Popen]
    database: str


def program_folder(source: str, folder: Path) -> Path:
    """A fixture program under the id the replicas are asked for."""
    shutil.copytree(GOOD / source, folder)
    set_program_id(folder, PROGRAM_ID)
    return folder


def expected_feed(folder: Path) -> bytes:
    """The whole program's feed as `kizuna feeds` would write it from this folder: made here, a third "replica"."""
    return export_ics(load_program(folder), Filter(), refresh=REFRESH)


def expected_published_feed(database: str) -> bytes:
    """The whole program's feed as the store's history stamps its live version (SEQUENCE, cancelled removals)."""
    with Store(database) as store:
        steps = history(store.versions(PROGRAM_ID), lambda number: store.load(PROGRAM_ID, number)[0])
    return export_ics(stamped(steps), Filter(), refresh=REFRESH)


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def validators(url: str) -> tuple[str, str]:
    """The feed's ETag and Last-Modified: what a calendar sends back to ask whether it changed."""
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.headers["ETag"], response.headers["Last-Modified"]


def eventually(check: Callable[[], object], what: str, within: float = WITHIN) -> object:
    """Poll until `check` returns something true; fail after the deadline with `what` and the last value."""
    deadline = time.monotonic() + within
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {within:.0f} s (last: {found!r})")
        time.sleep(0.5)


@pytest.fixture
def replicas(postgres_cluster, tmp_path: Path) -> Iterator[Replicas]:
    if not shutil.which("nginx"):
        missing("nginx is not installed", "scripts/bootstrap --test installs nginx-light")
    database = postgres_cluster.create_database()
    Store(database).close()  # the schema, made once before the replicas poll it
    ports = {"a": free_port(), "b": free_port()}
    env = {"KIZUNA_DATABASE_URL": database, "KIZUNA_STATIC_DIR": str(tmp_path / "static")}
    env |= {"KIZUNA_PROGRAMS": str(ROOT / "data"), "KIZUNA_PROGRAM": "", "KIZUNA_ORGANISER_KEY": KEY}
    processes = {}
    logs = {name: (tmp_path / f"replica-{name}.log").open("wb") for name in ports}
    for name, port in ports.items():
        processes[name], _ = start(port=port, env=env, output=logs[name])
    listen, pin_a, pin_b = free_port(), free_port(), free_port()
    config = NGINX.format(a=ports["a"], b=ports["b"], listen=listen, pin_a=pin_a, pin_b=pin_b)
    if os.geteuid() == 0:  # nginx's workers drop to nobody, who cannot enter pytest's private temp folder
        config = "user root;\n" + config
    (tmp_path / "tmp").mkdir()
    (tmp_path / "nginx.conf").write_text(config, encoding="utf-8")
    nginx = subprocess.Popen(["nginx", "-p", str(tmp_path), "-c", "nginx.conf", "-g", "daemon off;"])
    pinned = {"a": f"http://127.0.0.1:{pin_a}", "b": f"http://127.0.0.1:{pin_b}"}
    try:
        for name, process in processes.items():
            wait_healthy(f"http://127.0.0.1:{ports[name]}", process, timeout=120)
        wait_healthy(f"http://127.0.0.1:{listen}", nginx)
        yield Replicas(f"http://127.0.0.1:{listen}", pinned, processes, database)
    finally:
        nginx.terminate()
        nginx.wait(10)
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait(10)
        for log in logs.values():
            log.close()


def publish_through(page: Page, url: str, program: Path) -> None:
    """Upload the program as a zip on the replica's Organisers page, unlock publishing, publish it."""
    archive = program.with_suffix(".zip")
    assert kizuna(["convert", str(program), str(archive)]) == 0
    page.goto(f"{url}/organisers")
    expect(page.get_by_role("heading", name="Organisers", level=1)).to_be_visible(timeout=60_000)
    wait_ready(page)
    page.locator('input[type="file"]').set_input_files(archive)
    expect(page.get_by_text(re.compile(rf"^{archive.name} is valid"))).to_be_visible(timeout=60_000)
    wait_ready(page)
    page.get_by_label("Organiser key", exact=True).fill(KEY)
    page.get_by_role("button", name="Unlock publishing").click()
    wait_ready(page)
    page.get_by_role("button", name=f"Publish {PROGRAM_ID}").click()
    expect(page.get_by_text(re.compile(r"^Published: .*, version 1\.$"))).to_be_visible(timeout=60_000)


def open_program(page: Page, url: str, title: str, within: float = WITHIN) -> None:
    """Open the link, again until the replica serves `title` under it (it looks at the store every few seconds)."""

    def shown() -> str:
        page.goto(url)
        wait_ready(page)
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_be_visible(timeout=60_000)
        return heading.inner_text() == title and title

    eventually(shown, f"{url} showing {title!r}", within)


def session_count(page: Page) -> str:
    """The count line's figure, "3 of 3 sessions"."""
    return page.locator("strong", has_text=re.compile(r"^\d+ of \d+ sessions$")).first.inner_text()


PAUSED_PUBLISH = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from sqlalchemy import event
    from kizuna.publishing.store import Store

    store = Store(sys.argv[1])

    def pause(conn):  # every row of the version is written, nothing committed
        Path(sys.argv[3]).write_text("inside")
        time.sleep(600)

    event.listen(store.engine, "commit", pause)
    store.publish(Path(sys.argv[2]))
    """
)


def test_what_one_replica_publishes_the_other_serves_and_a_killed_publish_leaves_the_last_version(
    replicas: Replicas, fresh_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    first = program_folder("across-months", tmp_path / "first")
    publish_through(fresh_context().new_page(), replicas.pinned["a"], first)
    first_feed = expected_feed(first)

    page = fresh_context().new_page()
    link = f"/?program={PROGRAM_ID}"
    open_program(page, replicas.pinned["b"] + link, "Program Across Two Months")
    first_count = session_count(page)
    assert first_count == "3 of 3 sessions"
    for name, url in replicas.pinned.items():
        eventually(lambda url=url: fetch(url + FEED) == (200, first_feed), f"the feed through replica {name}")
    assert fetch(replicas.pinned["a"] + FEED) == fetch(replicas.pinned["b"] + FEED)
    assert validators(replicas.pinned["a"] + FEED) == validators(replicas.pinned["b"] + FEED)
    with speaking("ja"):  # the same feed in Japanese, at its own address, alike through either replica
        japanese = expected_feed(first)
    assert japanese != first_feed
    for name, url in replicas.pinned.items():
        eventually(lambda url=url: fetch(url + JAPANESE) == (200, japanese), f"the Japanese feed through {name}")
    assert validators(replicas.pinned["a"] + JAPANESE) == validators(replicas.pinned["b"] + JAPANESE)
    assert fetch(replicas.url + FEED.replace(".ics", ".de.ics"))[0] == 404  # no language Kizuna speaks
    assert not (tmp_path / "static" / "feeds" / PROGRAM_ID).exists()  # made from the database, not from a disk

    # Another version, killed inside its transaction, with replica A, while B serves.
    with Store(replicas.database) as store:
        revision = store.revision()
    second = program_folder("across-years", tmp_path / "second")
    marker = tmp_path / "inside"
    publisher = subprocess.Popen(
        [sys.executable, "-c", PAUSED_PUBLISH, replicas.database, str(second), str(marker)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        eventually(lambda: marker.exists() or publisher.poll() is not None, "the publish reaching its commit", 120)
        assert marker.exists(), "the publishing process ended before its commit"
        assert fetch(replicas.pinned["b"] + FEED) == (200, first_feed)  # the open transaction blocks no reader
        os.kill(publisher.pid, signal.SIGKILL)
        os.kill(replicas.processes["a"].pid, signal.SIGKILL)
    finally:
        publisher.kill()
        publisher.wait(30)
    replicas.processes["a"].wait(30)

    with Store(replicas.database) as store:  # nothing of it was stored: B has nothing new to see
        assert (store.revision(), [v.number for v in store.versions(PROGRAM_ID)]) == (revision, [1])
    for url in (replicas.pinned["b"], replicas.url):  # B alone, and through the balancer, which has lost A
        open_program(page, url + link, "Program Across Two Months", within=10)
        assert session_count(page) == first_count
        assert fetch(url + FEED) == (200, first_feed)

    # The same version published for real: B serves it; a link pinned to version 1 keeps the first.
    assert kizuna(["publish", str(second), "--database-url", replicas.database]) == 0
    open_program(page, replicas.url + link, "Program Across the New Year")
    assert session_count(page) != first_count
    second_feed = expected_published_feed(replicas.database)
    assert second_feed != expected_feed(second)  # the first version's sessions it dropped stay, cancelled
    eventually(lambda: fetch(replicas.url + FEED) == (200, second_feed), "the second version's feed")
    open_program(page, replicas.url + link + "&version=1", "Program Across Two Months", within=10)
    assert "version=1" in page.url
