"""Bytes on the wire of a first and a repeat visit to the dashboard, as Chromium counts them (bench/run.py).

Served as `scripts/run` serves it, and through nginx with deploy/nginx.conf in front of that server. A visit is
counted from the navigation until the page's run has finished, the map and the timeline are drawn and no request has
been in flight for a second; the repeat visit is a new tab in the same browser context once the first has closed, so
it finds what the first left in the HTTP cache.
"""

from __future__ import annotations

import base64
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page

from bench.serving import READY, ROOT, dashboard, free_port, wait_healthy

NGINX_CONF = ROOT / "deploy" / "nginx.conf"
DRAWN = (  # the page's run has finished, the map and the timeline are drawn
    f'{READY} [data-testid="stDeckGlJsonChart"] canvas',
    '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg',
)
QUIET_MS = 1_000  # then no request in flight for this long: late ones (fonts, the favicon) still belong to the visit


@dataclass
class Fetched:
    """One HTTP response of a visit."""

    url: str
    status: int = 0
    encoding: str = ""  # its Content-Encoding, '' for none
    cached: bool = False  # taken from the browser's cache without asking the server
    wire: int = 0  # bytes received for it, headers included, as sent (compressed): CDP's encodedDataLength
    body: int = 0  # its body's bytes once decoded
    done: bool = False  # finished or failed


@dataclass
class Visit:
    """What one page load cost on the network, from Chromium's DevTools protocol (CDP) `Network` events."""

    fetched: dict[str, Fetched] = field(default_factory=dict)  # by CDP request id
    socket: int = 0  # WebSocket payload received (Streamlit's messages), decompressed, as the page reads it
    socket_extensions: str = ""  # the WebSocket's negotiated extensions (permessage-deflate compresses it)

    @property
    def wire(self) -> int:
        return sum(response.wire for response in self.fetched.values())

    @property
    def body(self) -> int:
        return sum(response.body for response in self.fetched.values())

    @property
    def loading(self) -> bool:
        return not all(response.done for response in self.fetched.values())

    def count(self, cached: bool | None = None, status: int | None = None) -> int:
        """How many responses, of those taken from the cache or not, with that status or any."""
        return sum(
            (cached is None or r.cached == cached) and (status is None or r.status == status)
            for r in self.fetched.values()
        )


def record(page: Page) -> Visit:
    """Count `page`'s network traffic from now on into the returned Visit."""
    visit = Visit()
    cdp = page.context.new_cdp_session(page)

    def fetched(event: dict) -> Fetched:
        return visit.fetched.setdefault(event["requestId"], Fetched(event.get("request", {}).get("url", "")))

    def received(event: dict) -> None:
        response, found = event["response"], fetched(event)
        headers = {name.lower(): value for name, value in response["headers"].items()}
        found.url, found.encoding = response["url"], headers.get("content-encoding", "")
        found.status = found.status or response["status"]  # a revalidated response shows as its cached 200 here
        found.cached |= bool(response.get("fromDiskCache") or response.get("fromPrefetchCache"))

    def raw(event: dict) -> None:
        fetched(event).status = event["statusCode"]  # as it came over the wire: 304 for a revalidated one

    def from_memory(event: dict) -> None:
        fetched(event).cached = True

    def data(event: dict) -> None:
        fetched(event).body += event["dataLength"]

    def finished(event: dict) -> None:
        found = fetched(event)
        found.wire, found.done = int(event["encodedDataLength"]), True

    def failed(event: dict) -> None:
        fetched(event).done = True

    def frame(event: dict) -> None:
        payload = event["response"]["payloadData"]
        visit.socket += len(base64.b64decode(payload)) if event["response"]["opcode"] == 2 else len(payload.encode())

    def handshake(event: dict) -> None:
        headers = {name.lower(): value for name, value in event["response"]["headers"].items()}
        visit.socket_extensions = headers.get("sec-websocket-extensions", "")

    for name, handler in {
        "requestWillBeSent": fetched,
        "responseReceived": received,
        "responseReceivedExtraInfo": raw,
        "requestServedFromCache": from_memory,
        "dataReceived": data,
        "loadingFinished": finished,
        "loadingFailed": failed,
        "webSocketFrameReceived": frame,
        "webSocketHandshakeResponseReceived": handshake,
    }.items():
        cdp.on(f"Network.{name}", handler)
    cdp.send("Network.enable")
    return visit


def visit(context: BrowserContext, url: str) -> Visit:
    """Open `url` in a new tab of `context`, wait until the page is drawn and the network quiet, close the tab: what
    that cost."""
    page = context.new_page()
    try:
        counted = record(page)
        page.goto(url, timeout=60_000)
        for selector in DRAWN:
            page.wait_for_selector(selector, timeout=60_000)
        quiet = 0
        while quiet < QUIET_MS:
            page.wait_for_timeout(100)  # the CDP events arrive meanwhile
            quiet = 0 if counted.loading else quiet + 100
        return counted
    finally:
        page.close()


def first_and_repeat(browser: Browser, url: str) -> tuple[Visit, Visit]:
    """A first visit in a fresh browser context (empty cache), then the same page again in that context."""
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone's screen
    try:
        return visit(context, url), visit(context, url)
    finally:
        context.close()


def nginx_config(upstream: int, listen: int) -> str:
    """deploy/nginx.conf with both of its replicas at `upstream` and listening on `listen`."""
    config = NGINX_CONF.read_text(encoding="utf-8")
    config = config.replace("127.0.0.1:8501", f"127.0.0.1:{upstream}").replace(
        "127.0.0.1:8502", f"127.0.0.1:{upstream}"
    )
    config = config.replace("listen 127.0.0.1:8080", f"listen 127.0.0.1:{listen}")
    if os.geteuid() == 0:  # nginx's workers would drop to nobody, who cannot enter a private temporary folder
        config = "user root;\n" + config
    return config


@contextmanager
def behind_nginx(upstream: str) -> Iterator[str]:
    """The URL of nginx, run with deploy/nginx.conf, in front of the dashboard at `upstream` (http://127.0.0.1:port)."""
    if not shutil.which("nginx"):
        raise RuntimeError("nginx is not installed (scripts/bootstrap --test installs nginx-light)")
    listen = free_port()
    with tempfile.TemporaryDirectory(prefix="kizuna-nginx-") as folder:
        (Path(folder) / "tmp").mkdir()
        (Path(folder) / "nginx.conf").write_text(
            nginx_config(int(upstream.rsplit(":", 1)[1]), listen), encoding="utf-8"
        )
        nginx = subprocess.Popen(["nginx", "-p", folder, "-c", "nginx.conf", "-g", "daemon off;"])
        try:
            url = f"http://127.0.0.1:{listen}"
            wait_healthy(url, nginx)
            yield url
        finally:
            nginx.terminate()
            nginx.wait(10)


def server_gzip() -> tuple[Callable[[bytes], bytes], int]:
    """`compress` of kizuna_app/asgi.py, the very function the server keeps each script's gzip with."""
    from kizuna_app.asgi import LEVEL, compress

    return compress, LEVEL


def gzip_cpu(visit: Visit) -> tuple[dict[str, tuple[int, int, float]], int | None]:
    """CPU seconds the server spends, once per process, gzipping the Streamlit files a first visit fetched gzipped:
    path → (bytes, gzipped bytes, median of 3 CPU seconds); and the level (None: it gzips none of them)."""
    from streamlit import file_util

    folder = Path(file_util.get_static_dir())
    paths = [urlsplit(response.url).path.lstrip("/") for response in visit.fetched.values() if response.encoding]
    paths = [path for path in paths if path.startswith("static/") and (folder / path).is_file()]
    if not paths:
        return {}, None
    compress, level = server_gzip()
    found = {}
    for path in paths:
        body = (folder / path).read_bytes()
        seconds = statistics.median(cpu_seconds(compress, body) for _ in range(3))
        found[path] = (len(body), len(compress(body)), seconds)
    return found, level


def cpu_seconds(action: Callable[[bytes], object], argument: bytes) -> float:
    began = time.process_time()
    action(argument)
    return time.process_time() - began


def figures(browser: Browser) -> dict:
    """First and repeat visits served directly and through nginx; the gzip's CPU cost for the first visit's files."""
    with dashboard() as url:
        direct = first_and_repeat(browser, url + "/")
        with behind_nginx(url) as proxied:
            through_nginx = first_and_repeat(browser, proxied + "/")
    compressed, level = gzip_cpu(direct[0])
    return {"served": direct, "nginx": through_nginx, "gzip": compressed, "level": level}
