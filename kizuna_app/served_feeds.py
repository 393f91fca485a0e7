"""The published programs' feeds, made from the store by whichever replica is asked (kizuna_app/asgi.py).

They have the addresses a program's feeds have when it is in the programs directory (`/app/static/feeds/<id>/…`),
so a program keeps its subscribers when it moves from the directory to the store. This middleware answers for a
feeds folder that a published program owns and hands every other request to Streamlit unchanged, so the files
under static/ (the directory programs' feeds, the basemap) are served as before. Each published program's changes
are served here too, as Atom at `/app/static/feeds/<program id>/changes.atom` (kizuna.calendars.atom).

Every feed is served in each language Kizuna speaks, the language's tag before the extension as the directory's
feed files are named (`kizuna-2030.ja.ics`, `changes.ko.atom`; kizuna.calendars.feeds): the English one at the
address it always had, a language Kizuna does not speak nowhere (404).
"""

from __future__ import annotations

import re
from email.utils import format_datetime

from anyio import to_thread
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

# kizuna's modules (the calendar library with them) are imported when Starlette builds its middleware, at the first
# request, rather than with this module: the server then answers as soon as it would without it.
STATIC = "/app/static/"  # where Streamlit serves static/
MAX_AGE = 300  # seconds a client or proxy may keep a feed; the next version reaches every replica within a minute
# Longer names and paths under feeds/ are refused (404) before anything is looked up: Streamlit's static files would
# answer 500 for them (the file system refuses a name over 255 bytes, a path over 4,096).
MAX_NAME_CHARS = 200  # a folder or file name: a program's feeds folder is its id (store.MAX_ID_CHARS), a feed ~100
MAX_PATH_CHARS = 512  # the path after the base path: /app/static/feeds/, a folder and a name at their limits take 419


def base_path() -> str:
    """Streamlit's server.baseUrlPath as a path prefix ('' or '/kizuna')."""
    from streamlit import config as streamlit_config

    base = (streamlit_config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def feeds_url_path() -> str:
    """`/app/static/feeds/`: where Streamlit serves static/feeds/, below the base path."""
    from kizuna.calendars.feeds import FEEDS_PATH

    return f"/app/static/{FEEDS_PATH}/"


def feed_path() -> re.Pattern[str]:
    """`/app/static/feeds/<name>.ics` or `…/feeds/<folder>/<name>.ics`: a feed a published program may own; and
    `…/feeds/<program id>/changes.atom`, its changes (each also `<name>.<language>.ics`, `changes.<language>.atom`)."""
    return re.compile(
        rf"{re.escape(feeds_url_path())}(?:(?P<folder>[A-Za-z0-9._-]+)/)?(?P<name>[A-Za-z0-9._-]+\.(?:ics|atom))"
    )


def too_long(path: str) -> bool:
    """A path no feed has, whose length alone would make Streamlit's static files fail: refused unread."""
    return len(path) > MAX_PATH_CHARS or any(len(part) > MAX_NAME_CHARS for part in path.split("/"))


def not_modified(etag: str, if_none_match: str) -> bool:
    """If-None-Match by the weak comparison RFC 9110 §13.1.2 asks for: a listed tag, W/ or not, or `*` (the feed
    exists). A proxy that compresses the feed sends the tag back weak."""
    if if_none_match.strip() == "*":
        return True
    return etag in {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}


def no_such_feed(lang: str = "en") -> Response:
    """404, said in the language of the feed asked for."""
    from kizuna.i18n import speaking, visitors

    with speaking(lang):
        return Response(visitors.gettext("No such feed."), status_code=404, media_type="text/plain")


def feed_response(folder: str, name: str, headers: Headers) -> Response | None:
    """The response for feeds/<folder>/<name> when a published program owns that folder (for changes.atom: has that
    id); None: not ours."""
    from kizuna import config
    from kizuna.calendars.atom import MEDIA_TYPE, changes_language
    from kizuna.calendars.feeds import named_language
    from kizuna.i18n import speaking, visitors
    from kizuna.publishing.programs import changes_owner, feeds_owner
    from kizuna.publishing.published import Unavailable, published_changes, published_feed

    atom = name.endswith(".atom")
    owner = changes_owner(folder) if atom else feeds_owner(folder)
    if owner is None:
        return None
    lang = changes_language(name) if atom else named_language(name)[1]
    if lang is None:  # an .atom name that is no changes feed
        return no_such_feed()
    try:
        if atom:
            found = published_changes(owner, config.base_url(), lang)
        else:
            found = published_feed(owner, name, config.base_url(), lang)
    except Unavailable:
        with speaking(lang):
            text = visitors.gettext("The feed cannot be read just now.")
        return Response(text, status_code=503, media_type="text/plain")
    if found is None:
        return no_such_feed(lang)
    common = {
        "ETag": found.etag,
        "Last-Modified": format_datetime(found.version.published_at, usegmt=True),
        "Cache-Control": f"public, max-age={MAX_AGE}",
        "Content-Language": lang,
        "Access-Control-Allow-Origin": "*",
        "X-Content-Type-Options": "nosniff",
    }
    if not_modified(found.etag, ", ".join(headers.getlist("if-none-match"))):
        return Response(status_code=304, headers=common)
    return Response(found.body, media_type=MEDIA_TYPE if atom else "text/calendar", headers=common)


class PublishedFeeds:
    """ASGI middleware: GET and HEAD of a published program's feed; everything else goes on to Streamlit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.prefix = base_path()
        self.path = feed_path()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.respond(scope) if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") else None
        if response is None:
            await self.app(scope, receive, send)
        else:
            await response(scope, receive, send)

    async def respond(self, scope: Scope) -> Response | None:
        """Ours: a published program's feed, or the refusal of a path too long for any feed; None: Streamlit's."""
        if not scope["path"].startswith(self.prefix):
            return None
        path = scope["path"].removeprefix(self.prefix)
        if path.startswith(STATIC) and too_long(path):  # any static file: Streamlit's handler fails on such names
            return no_such_feed()
        matched = self.path.fullmatch(path)
        if matched is None:
            return None
        # The store and the export block: off the event loop, which serves every visitor's page.
        return await to_thread.run_sync(feed_response, matched["folder"] or "", matched["name"], Headers(scope=scope))
