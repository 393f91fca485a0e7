"""Settings read from the environment, so a hosted copy is configured without code changes."""

from __future__ import annotations

import os
from pathlib import Path

BASE_URL_ENV = "KIZUNA_BASE_URL"
STATIC_DIR_ENV = "KIZUNA_STATIC_DIR"


def base_url() -> str | None:
    """The public address of the hosted dashboard, used in calendar URLs and share links."""
    return os.environ.get(BASE_URL_ENV, "").strip() or None


def static_dir(default: Path) -> Path:
    """The folder served at /app/static/ (feeds in its feeds/): settable, so the code folder may be read-only."""
    return Path(os.environ.get(STATIC_DIR_ENV, "").strip() or default)
