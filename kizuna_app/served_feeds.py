"""The published programs' feeds, made from the store by whichever replica is asked (deploy/kizuna_asgi.py).

They have the addresses a program's feeds have when it is in the programs directory (`/app/static/feeds/<id>/…`),
so a program keeps its subscribers when it moves from the directory to the store. This middleware answers for a
feeds folder that a published program owns and hands every other request to Streamlit unchanged, so the files
under static/ (the directory programs' feeds, the basemap) are served as before.
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
MAX_AGE = 300  # seconds a client or proxy may keep a feed; the next version reaches every replica within a minute


def base_path() -> str:
    """Streamlit's server.baseUrlPath as a path prefix ('' or '/kizuna')."""
    from streamlit import config as streamlit_config

    base = (streamlit_config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def feed_path() -> re.Pattern[str]:
    """`/app/static/feeds/<name>.ics` or `…/feeds/<place>/<name>.ics`: where Streamlit serves static/feeds/."""
    from kizuna.feeds import FEEDS_PATH

    return re.compile(rf"/app/static/{FEEDS_PATH}/(?:(?P<place>[A-Za-z0-9._-]+)/)?(?P<name>[A-Za-z0-9._-]+\.ics)")


def feed_response(place: str, name: str, headers: Headers) -> Response | None:
    """The response for feeds/<place>/<name> when a published program owns that folder; None: not ours."""
    from kizuna import config
    from kizuna.programs import feeds_owner
    from kizuna.published import Unavailable, published_feed

    owner = feeds_owner(place)
    if owner is None:
        return None
    try:
        found = published_feed(owner, name, config.base_url())
    except Unavailable:
        return Response("The feed cannot be read just now.", status_code=503, media_type="text/plain")
    if found is None:
        return Response("No such feed.", status_code=404, media_type="text/plain")
    common = {
        "ETag": found.etag,
        "Last-Modified": format_datetime(found.version.published_at, usegmt=True),
        "Cache-Control": f"public, max-age={MAX_AGE}",
        "Access-Control-Allow-Origin": "*",
        "X-Content-Type-Options": "nosniff",
    }
    if found.etag in {tag.strip() for tag in headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers=common)
    return Response(found.body, media_type="text/calendar", headers=common)


class PublishedFeeds:
    """ASGI middleware: GET and HEAD of a published program's feed; everything else goes on to Streamlit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.prefix = base_path()
        self.path = feed_path()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            path = scope["path"]
            matched = self.path.fullmatch(path.removeprefix(self.prefix)) if path.startswith(self.prefix) else None
            if matched is not None:
                place, name = matched["place"] or "", matched["name"]
                # The store and the export block: off the event loop, which serves every visitor's page.
                response = await to_thread.run_sync(feed_response, place, name, Headers(scope=scope))
                if response is not None:
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)
