"""Settings read from the environment, so a hosted copy is configured without code changes."""

from __future__ import annotations

import os

BASE_URL_ENV = "KIZUNA_BASE_URL"


def base_url() -> str | None:
    """The public address of the hosted dashboard, used in calendar URLs and share links."""
    return os.environ.get(BASE_URL_ENV, "").strip() or None
