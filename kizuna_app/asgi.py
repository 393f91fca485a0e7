"""The dashboard as an ASGI app: Streamlit's (`st.App`, on Starlette and uvicorn) with the published programs' feeds.

`kizuna serve` (serve.py) runs it with `streamlit run`, which finds `app` here and serves it with the usual options.

Everything it sends is compressed for a browser that asks. Streamlit gzips its own answers except its scripts and
styles (`/static/…`, 7 MB for a first visit, deck.gl's 3 MB among them) and the page itself, since gzipping those on
every request costs CPU each time; here each of those files is gzipped once per process and kept (`Bundles`). The
published programs' feeds, answered before Streamlit sees the request, get Starlette's gzip as Streamlit's answers do.
"""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

import streamlit as st
from anyio import to_thread
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit import file_util

from kizuna_app import ENTRY
from kizuna_app.served_feeds import PublishedFeeds, base_path

MINIMUM_SIZE = 1000  # bytes, as Streamlit's own gzip: a smaller answer fits in one packet either way
LEVEL = 9  # once per file, so the smallest: deck.gl's 3.05 MB chunk becomes 0.83 MB in 0.13 s of one core
FEEDS_LEVEL = 5  # on every request, as Streamlit's own gzip does
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


def bundle_paths(prefix: str) -> frozenset[str]:
    """The request paths Streamlit serves uncompressed: its page (`/`) and every file under its `static/` folder."""
    folder = Path(file_util.get_static_dir())
    files = {f"{prefix}/{path.relative_to(folder).as_posix()}" for path in (folder / "static").rglob("*")}
    return frozenset({f"{prefix}/", *files})


class Bundles:
    """ASGI middleware: Streamlit's page, scripts and styles gzipped once per file and kept for every later visitor.

    Streamlit still answers every request (status, ETag, `Cache-Control: public, immutable, max-age=…`, a 304 for a
    conditional one); only the body of a 200 is swapped for the kept gzip, with `Vary: Accept-Encoding`.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.paths = bundle_paths(base_path())
        self.gzipped: dict[tuple[str, str], asyncio.Future[bytes]] = {}  # (path, ETag): at most one per file

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        wanted = "gzip" in headers.get("accept-encoding", "") and "range" not in headers
        await self.app(scope, receive, Swap(self, scope["path"], wanted, send))

    async def compressed(self, key: tuple[str, str], body: bytes) -> bytes:
        """The kept gzip of a file; the first request for it compresses it in a thread while later ones wait for it."""
        if key not in self.gzipped:
            self.gzipped[key] = asyncio.ensure_future(to_thread.run_sync(compress, body))
        return await asyncio.shield(self.gzipped[key])  # a visitor who leaves does not cancel it for the others


def compress(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=LEVEL, mtime=0)


class Swap:
    """The `send` of one request for a bundle: Streamlit's answer as it is, or with its body gzipped."""

    def __init__(self, bundles: Bundles, path: str, wanted: bool, send: Send) -> None:
        self.bundles, self.path, self.wanted, self.send = bundles, path, wanted, send
        self.start: Message | None = None  # the held start of a response that will be gzipped
        self.chunks: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            message.setdefault("headers", [])
            headers = MutableHeaders(scope=message)
            if self.wanted and gzips(message["status"], headers):
                self.start = message  # held until the body is gzipped
            if self.start is not None or message["status"] == 304:  # the gzip around adds it to identity answers
                headers.add_vary_header("Accept-Encoding")
            if self.start is None:
                await self.send(message)
        elif self.start is None:
            await self.send(message)
        elif message["type"] != "http.response.body":  # e.g. a server's zero-copy `pathsend`: sent as it is
            start, self.start = self.start, None
            await self.send(start)
            await self.send(message)
        else:
            self.chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await self.finish()

    async def finish(self) -> None:
        headers = MutableHeaders(scope=self.start)
        body = await self.bundles.compressed((self.path, headers.get("etag", "")), b"".join(self.chunks))
        headers["Content-Encoding"] = "gzip"
        headers["Content-Length"] = str(len(body))
        await self.send(self.start)
        await self.send({"type": "http.response.body", "body": body})


def gzips(status: int, headers: MutableHeaders) -> bool:
    """Whether a response for a bundle is worth gzipping: a whole file, of a text type, not tiny, not encoded yet."""
    size = int(headers.get("content-length", "0"))
    textual = headers.get("content-type", "").startswith(COMPRESSIBLE)
    return status == 200 and textual and size >= MINIMUM_SIZE and "content-encoding" not in headers


app = st.App(
    ENTRY,
    middleware=[  # the first is the outermost: the feeds' answers pass the bundles' middleware untouched to gzip
        Middleware(GZipMiddleware, minimum_size=MINIMUM_SIZE, compresslevel=FEEDS_LEVEL),
        Middleware(Bundles),
        Middleware(PublishedFeeds),
    ],
)
