"""Installed, not checked out: `pip install .` (not editable) into a fresh virtual environment, then the command line
and the dashboard run from a folder that is not the checkout, with only the installed package to go on."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bench.serving import READY, ROOT, free_port, stop, wait_healthy
from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM

pytestmark = pytest.mark.slow
SOURCES = ("pyproject.toml", "README.md", "app.py", ".streamlit", "data", "kizuna", "kizuna_app")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin/` of a fresh venv holding the package built from a copy of the sources (so no build/ is left here)."""
    where = tmp_path_factory.mktemp("install")
    source = where / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "venv", str(where / "venv")], check=True)
    pip = [str(where / "venv" / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, str(source)], check=True, timeout=600)
    shutil.rmtree(source)  # what runs below has only the installed copy
    return where / "venv" / "bin"


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """An environment in an empty folder: a home of its own, no KIZUNA_ setting, nothing of the checkout's."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "home").mkdir()
    keep = {"PATH", "LANG", "LC_ALL", "TZ"}
    return {**{key: value for key, value in os.environ.items() if key in keep}, "HOME": str(tmp_path / "home")}


def run(installed: Path, env: dict[str, str], *arguments: str) -> subprocess.CompletedProcess:
    result = subprocess.run([str(installed / "kizuna"), *arguments], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result


def test_the_installed_package_is_not_the_checkout(installed: Path) -> None:
    where = subprocess.run(
        [str(installed / "python"), "-c", "import kizuna, kizuna_app; print(kizuna.__file__, kizuna_app.__file__)"],
        cwd="/",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert all(Path(path).is_relative_to(installed.parent) for path in where), where


def test_list_and_print_the_built_in_program(installed: Path, elsewhere: dict[str, str], tmp_path: Path) -> None:
    program = load_program(BUILT_IN_PROGRAM)
    listed = json.loads(run(installed, elsewhere, "list", "--json").stdout)
    assert [record["id"] for record in listed] == [session.id for session in program.sessions]
    run(installed, elsewhere, "print", "-o", "itinerary.pdf")
    text = subprocess.run(["pdftotext", "itinerary.pdf", "-"], capture_output=True, text=True, check=True).stdout
    addresses = {venue.address_ja for venue in program.venues.values() if venue.address_ja}
    assert addresses
    assert all(address.replace(" ", "") in text.replace(" ", "") for address in addresses)


def test_the_store_defaults_to_the_users_folder_and_both_settings_are_read(
    installed: Path, elsewhere: dict[str, str], tmp_path: Path
) -> None:
    programs = tmp_path / "programs"
    shutil.copytree(BUILT_IN_PROGRAM, programs / "edited")
    sessions = programs / "edited" / "sessions.csv"
    first = load_program(BUILT_IN_PROGRAM).sessions[0]
    sessions.write_text(sessions.read_text(encoding="utf-8").replace(first.title, "Edited title", 1), encoding="utf-8")
    listed = run(installed, {**elsewhere, "KIZUNA_PROGRAMS": str(programs)}, "list", "--json").stdout
    assert json.loads(listed)[0]["title"] == "Edited title"  # asked first: a published version of an id wins

    run(installed, elsewhere, "template", "--example", "-o", "program.xlsx")
    published = run(installed, elsewhere, "publish", "program.xlsx").stdout
    default = tmp_path / "home" / ".local" / "share" / "kizuna" / "kizuna.sqlite3"
    assert str(default) in published
    assert default.is_file()
    assert not list(installed.parent.rglob("*.sqlite3")), "nothing is written into the install"

    chosen = {**elsewhere, "KIZUNA_DATABASE_URL": f"sqlite:///{tmp_path / 'chosen.sqlite3'}"}
    run(installed, chosen, "publish", "program.xlsx")
    assert (tmp_path / "chosen.sqlite3").is_file()


@pytest.fixture
def served(installed: Path, elsewhere: dict[str, str], tmp_path: Path) -> Iterator[str]:
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115
    command = [str(installed / "kizuna"), "serve", "--server.port", str(port), "--server.address", "127.0.0.1"]
    process = subprocess.Popen(command, env=elsewhere, stdout=log, stderr=log)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
        log.close()


def test_kizuna_serve_runs_the_dashboard_with_its_settings(served: str, page: Page) -> None:
    program = load_program(BUILT_IN_PROGRAM)
    with page.expect_response(lambda response: "/app/static/basemap/" in response.url, timeout=60_000) as land:
        page.goto(served)
    # The map's land, written next to the installed page and served from there: static files are served only
    # with .streamlit/config.toml's enableStaticServing, so the settings were read from the install too.
    assert land.value.status == 200
    page.wait_for_selector(READY, timeout=60_000)
    expect(page.get_by_role("heading", level=1)).to_have_text(program.title)
