"""Run the dashboard: `kizuna serve [streamlit options]` (or `python -m kizuna_app.serve`), from any folder.

It serves asgi.py: the page and the published programs' feeds, made from the store, with the project's Streamlit
settings (.streamlit/config.toml next to it, which Streamlit reads as the script's own).
Streamlit imports a page's libraries on the first visit. Here they are imported in the background while the
server starts and the first browser loads the page's scripts, so the first visitor does not wait for them.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import threading
import time
from pathlib import Path

SERVER = Path(__file__).resolve().parent / "asgi.py"  # the page with the published programs' feeds


def preload(port: str) -> None:
    """Import after the server answers, so start-up itself is not slowed down by the imports."""
    wait_for_server(port)
    import altair  # noqa: F401
    import pandas  # noqa: F401
    import pydeck  # noqa: F401
    import streamlit.emojis  # noqa: F401  (the emoji page icon)

    import kizuna_app.page  # noqa: F401  (and with it every kizuna module the page uses)
    from kizuna.printing.fonts import FontMissing, japanese_font

    with contextlib.suppress(FontMissing):  # the page says so
        japanese_font()  # checked once here, so the first visitor's page knows at once whether it can print
    from kizuna.checks.sandbox import POOL

    POOL.warm()  # a worker for uploads, ready before the first one (the log says how it is isolated)


def wait_for_server(port: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", int(port)), timeout=1):
                return
        except OSError:
            time.sleep(0.05)


def option(name: str, default: str) -> str:
    """A `--name value` or `--name=value` option from the command line."""
    arguments = sys.argv[1:]
    for index, argument in enumerate(arguments):
        if argument == name and index + 1 < len(arguments):
            return arguments[index + 1]
        if argument.startswith(name + "="):
            return argument.split("=", 1)[1]
    return default


def main() -> int:
    port = option("--server.port", os.environ.get("STREAMLIT_SERVER_PORT", "8501"))
    threading.Thread(target=preload, args=(port,), name="preload", daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(SERVER), *sys.argv[1:]]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
