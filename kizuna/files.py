"""Files that others read while we write them: calendar feeds and the basemap, served as static files."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

TEMP_PREFIX = ".kizuna-"  # a file being written; renamed over its target when complete


def replace_file(path: Path, data: bytes) -> None:
    """Rename a complete copy over the file, so a calendar client fetching meanwhile gets old or new, never half."""
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=TEMP_PREFIX, suffix=".tmp", delete=False) as file:
        try:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())  # the new bytes are on disk before the name points at them
            os.fchmod(file.fileno(), 0o644)  # readable like any published file (temporary files start private)
            os.replace(file.name, path)
        except BaseException:
            os.unlink(file.name)
            raise


def update_file(path: Path, data: bytes) -> None:
    """Write only changed bytes, so an unchanged feed keeps its modification time and its ETag stays valid."""
    with contextlib.suppress(FileNotFoundError):
        if path.read_bytes() == data:
            return
    replace_file(path, data)
