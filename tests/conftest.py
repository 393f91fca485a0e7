"""Fixtures shared by every test module, the browser tests included."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres import postgres_cluster  # noqa: F401  (a throwaway PostgreSQL cluster, started on first use)

from kizuna.publishing.store import Store


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Store]:
    """The dashboard's database (KIZUNA_DATABASE_URL), an SQLite file of the test's own."""
    url = f"sqlite:///{tmp_path / 'published.sqlite3'}"
    monkeypatch.setenv("KIZUNA_DATABASE_URL", url)
    with Store(url) as opened:
        yield opened
