"""Subscription feeds: which exist, what they hold, how they reach the disk, and which one a view is in."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from directories import FIVE, IDS, SOURCES, TWO, programs_directory
from icalendar import Calendar

from kizuna import cli
from kizuna.calendars import feeds as feeds_module
from kizuna.calendars import ics
from kizuna.calendars.feeds import (
    FEEDS_PATH,
    REFRESH,
    STAMP,
    TEMP_PREFIX,
    Feed,
    containing_feeds,
    feed_bytes,
    feed_url,
    feeds,
    feeds_current,
    in_language_named,
    named_language,
    refresh_feeds,
    session_count,
    write_feeds,
)
from kizuna.checks.loading import data_hash, load_program
from kizuna.config import BUILT_IN_PROGRAM, STATIC_DIR_ENV
from kizuna.i18n import LANGUAGES, speaking
from kizuna.program.filtering import Filter
from kizuna.publishing.programs import PROGRAMS_ENV, feeds_folder, list_programs, refresh_feeds_in_background
from kizuna.views import basemap

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = load_program(BUILT_IN_PROGRAM)
WHOLE = "kizuna-2019.ics"


def uids(path: Path) -> set[str]:
    return {str(event["UID"]) for event in Calendar.from_ical(path.read_bytes()).walk("VEVENT")}


def test_feeds_cover_program_themes_cities_and_themes_in_cities() -> None:
    names = [feed.name for feed in feeds(PROGRAM)]
    themes, cities = len(PROGRAM.themes), len(PROGRAM.cities)
    assert len(names) == len(set(names)) == 1 + themes + cities + themes * cities
    assert "kizuna-2019.ics" in names
    assert "kizuna-2019-tourism-promotion-shimonoseki.ics" in names


def test_written_feeds_hold_their_sessions_with_refresh_hints(tmp_path: Path) -> None:
    paths = write_feeds(PROGRAM, tmp_path)
    by_name = {path.name: path for path in paths}
    whole = by_name["kizuna-2019.ics"].read_bytes()
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT6H" in whole
    assert b"X-PUBLISHED-TTL:PT6H" in whole
    expected = {f"{s.id}@{PROGRAM.id}.kizuna" for s in Filter.of(themes=["multiculturalism"]).apply(PROGRAM)}
    assert uids(by_name["kizuna-2019-multiculturalism.ics"]) == expected


def test_regenerating_from_unchanged_data_is_byte_identical_and_leaves_files_alone(tmp_path: Path) -> None:
    first = {path: path.read_bytes() for path in write_feeds(PROGRAM, tmp_path)}
    old = 1_000_000_000
    for path in first:
        os.utime(path, (old, old))
    second = write_feeds(load_program(BUILT_IN_PROGRAM), tmp_path)
    assert {path: path.read_bytes() for path in second} == first
    assert all(path.stat().st_mtime == old for path in second)  # ETag and Last-Modified stay valid


def test_a_changed_session_keeps_its_uid_and_raises_its_sequence(tmp_path: Path) -> None:
    jnto = PROGRAM.sessions_by_id["visit-jnto"]
    changed = replace(jnto, title="Visit to JNTO (moved)", revision=jnto.revision + 1, status="cancelled")
    sessions = tuple(changed if s.id == jnto.id else s for s in PROGRAM.sessions)
    (path,) = [p for p in write_feeds(replace(PROGRAM, sessions=sessions), tmp_path) if p.name == "kizuna-2019.ics"]
    event = next(e for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT") if e["UID"].startswith("visit-jnto@"))
    assert str(event["UID"]) == f"visit-jnto@{PROGRAM.id}.kizuna"
    assert event["SEQUENCE"] == jnto.revision + 1
    assert str(event["STATUS"]) == "CANCELLED"
    assert len(uids(path)) == len(PROGRAM.sessions)  # the cancelled session stays in the feed


def test_the_stamp_tells_whether_feeds_are_current(tmp_path: Path) -> None:
    version = data_hash(ROOT / "data" / "2019")
    assert not feeds_current(version, None, tmp_path)
    write_feeds(PROGRAM, tmp_path, version=version)
    assert feeds_current(version, None, tmp_path)
    assert not feeds_current(version, "https://kizuna.example.org/", tmp_path)
    assert not feeds_current("another-version", None, tmp_path)
    assert (tmp_path / FEEDS_PATH).is_dir()


def test_feed_url_is_on_the_visitors_host_under_static() -> None:
    feed = feeds(PROGRAM)[0]  # the whole program
    assert feed_url("http://127.0.0.1:8501/", feed) == "http://127.0.0.1:8501/app/static/feeds/kizuna-2019.ics"
    assert (
        feed_url("https://h.example/kizuna/?x=1", feed) == "https://h.example/kizuna/app/static/feeds/kizuna-2019.ics"
    )


def test_data_version_follows_content_not_file_times(tmp_path: Path) -> None:
    for source in (ROOT / "data" / "2019").glob("*.csv"):
        (tmp_path / source.name).write_bytes(source.read_bytes())
    assert data_hash(tmp_path) == data_hash(ROOT / "data" / "2019")
    (tmp_path / "sessions.csv").write_bytes((tmp_path / "sessions.csv").read_bytes() + b"\n")
    assert data_hash(tmp_path) != data_hash(ROOT / "data" / "2019")


def test_a_feed_read_while_it_is_rewritten_is_always_a_whole_calendar(tmp_path: Path) -> None:
    path = tmp_path / FEEDS_PATH / WHOLE
    write_feeds(PROGRAM, tmp_path)
    seen: set[bytes] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.add(path.read_bytes())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for turn in range(10):  # another base URL changes every event's URL, so every file is rewritten
            write_feeds(PROGRAM, tmp_path, base_url=f"https://{turn % 2}.kizuna.example/")
    finally:
        done.set()
        reader.join()
    assert len(seen) > 1, "the reader saw the feed change"
    for data in seen:
        assert data.endswith(b"END:VCALENDAR\r\n")
        assert len(Calendar.from_ical(data).walk("VEVENT")) == len(PROGRAM.sessions)
    assert not list(path.parent.glob(f"{TEMP_PREFIX}*")), "no temporary file is left behind"


def test_files_of_feeds_that_no_longer_exist_are_removed_and_the_rest_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / FEEDS_PATH
    kept = {path: path.read_bytes() for path in write_feeds(PROGRAM, tmp_path)}
    (folder / "kizuna-2019-old.ics").write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    (folder / f"{TEMP_PREFIX}dead.tmp").write_bytes(b"half a feed")
    os.utime(folder / f"{TEMP_PREFIX}dead.tmp", (1_000_000_000, 1_000_000_000))
    (folder / f"{TEMP_PREFIX}busy.tmp").write_bytes(b"being written right now")
    (tmp_path / "other.ics").write_bytes(b"not a feed")  # beside feeds/, not in it
    write_feeds(PROGRAM, tmp_path)
    assert {path.name for path in folder.iterdir()} == {path.name for path in kept} | {STAMP, f"{TEMP_PREFIX}busy.tmp"}
    assert {path: path.read_bytes() for path in kept} == kept
    assert (tmp_path / "other.ics").exists()


@pytest.mark.parametrize(
    ("option", "setting", "folder"),
    [
        ("option", None, "option"),
        (None, "setting", "setting"),
        ("option", "setting", "option"),
        (None, None, "static"),  # relative to the current folder: the scripts and the container start in the app's
    ],
)
def test_the_cli_writes_feeds_where_it_is_told(
    option: str | None, setting: str | None, folder: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(STATIC_DIR_ENV, raising=False)
    if setting:
        monkeypatch.setenv(STATIC_DIR_ENV, str(tmp_path / setting))
    assert cli.main(["feeds", *(["-o", str(tmp_path / option)] if option else [])]) == 0
    printed = [Path(line).absolute() for line in capsys.readouterr().out.split()]
    names = [in_language_named(feed.name, lang) for lang in LANGUAGES for feed in feeds(PROGRAM)]  # English first
    expected = [tmp_path / folder / FEEDS_PATH / name for name in names]
    assert printed == [*expected, tmp_path / folder / basemap.FOLDER / basemap.file_name()]
    assert all(path.is_file() for path in printed)
    assert [path.name for path in tmp_path.iterdir()] == [folder]
    assert not (ROOT / "kizuna" / "static").exists()


def test_the_cli_reports_a_folder_it_cannot_write_and_exits_1(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert cli.main(["feeds", "-o", str(blocker)]) == 1
    assert str(blocker / FEEDS_PATH) in capsys.readouterr().err


def test_the_dashboards_background_write_logs_a_folder_it_cannot_write(tmp_path: Path, caplog) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with caplog.at_level(logging.ERROR, logger="kizuna.calendars.feeds"):
        refresh_feeds(PROGRAM, blocker, None, "v1").join()
    assert f"feeds not written to {blocker}" in caplog.text


def test_the_dashboards_background_write_runs_only_when_feeds_are_stale(tmp_path: Path) -> None:
    refresh_feeds(PROGRAM, tmp_path, None, "v1").join()
    assert feeds_current("v1", None, tmp_path)
    assert refresh_feeds(PROGRAM, tmp_path, None, "v1") is None
    assert (tmp_path / FEEDS_PATH / WHOLE).is_file()


def test_a_non_editable_install_writes_feeds_outside_its_own_folder(tmp_path: Path) -> None:
    """What a wheel installs is the package folder alone, away from the repository and from the current folder."""
    site, work = tmp_path / "site-packages", tmp_path / "work"
    shutil.copytree(ROOT / "kizuna", site / "kizuna", ignore=shutil.ignore_patterns("__pycache__"))
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "KIZUNA_PROGRAM": str(ROOT / "data" / "2019")}
    env.pop(STATIC_DIR_ENV, None)
    command = [sys.executable, "-c", "import kizuna, runpy; print(kizuna.__file__); runpy.run_module('kizuna')"]
    result = subprocess.run([*command, "feeds"], cwd=work, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == str(site / "kizuna" / "__init__.py")
    assert (work / "static" / FEEDS_PATH / WHOLE).is_file()
    assert sorted(path.name for path in site.iterdir()) == ["kizuna"]


def every_language(found: list[Feed]) -> set[str]:
    return {in_language_named(feed.name, lang) for feed in found for lang in LANGUAGES}


def names(found: list[Feed]) -> list[str]:
    return [feed.name for feed in found]


def holds(feed: Feed, view: Filter) -> bool:
    """Straight from the filters: every session of the view matches the feed's filter."""
    return all(feed.filter.matches(session) for session in view.apply(PROGRAM))


@pytest.mark.parametrize(
    "view",
    [
        Filter.of(themes=["tourism-promotion"], cities=["shimonoseki"]),
        Filter.of(days=[date(2019, 12, 16)]),
        Filter.of(sessions=["visit-jnto"]),
        Filter(),
    ],
)
def test_containing_feeds_are_every_feed_holding_the_view_smallest_first(view: Filter) -> None:
    found = containing_feeds(PROGRAM, view)
    assert set(names(found)) == {feed.name for feed in feeds(PROGRAM) if holds(feed, view)}
    order = {feed.name: index for index, feed in enumerate(feeds(PROGRAM))}
    assert found[:-1] == sorted(found[:-1], key=lambda feed: (session_count(PROGRAM, feed), order[feed.name]))
    assert found[-1].name == WHOLE


def test_a_view_that_is_a_feed_lists_that_feed_first_then_the_larger_ones_holding_it() -> None:
    found = containing_feeds(PROGRAM, Filter.of(themes=["tourism-promotion"], cities=["shimonoseki"]))
    assert names(found) == [
        "kizuna-2019-tourism-promotion-shimonoseki.ics",
        "kizuna-2019-tourism-promotion.ics",  # ties keep the order of feeds(): themes, cities, theme in city
        "kizuna-2019-regional-revitalisation.ics",
        "kizuna-2019-regional-revitalisation-shimonoseki.ics",
        "kizuna-2019-shimonoseki.ics",
        WHOLE,
    ]
    assert [session_count(PROGRAM, feed) for feed in found] == [5, 7, 7, 7, 12, len(PROGRAM.sessions)]


def test_a_single_sessions_nearest_feed_is_its_theme_in_its_city() -> None:
    found = containing_feeds(PROGRAM, Filter.of(sessions=["visit-jnto"]))
    assert names(found) == [
        "kizuna-2019-tourism-promotion-tokyo.ics",
        "kizuna-2019-tourism-promotion.ics",
        "kizuna-2019-tokyo.ics",
        WHOLE,
    ]


def test_a_day_in_one_city_is_in_that_citys_feed() -> None:
    assert names(containing_feeds(PROGRAM, Filter.of(days=[date(2019, 12, 16)]))) == ["kizuna-2019-tokyo.ics", WHOLE]


def test_an_empty_view_offers_the_whole_program_only() -> None:
    empty = Filter.of(sessions=["visit-jnto"], cities=["shimonoseki"])
    assert empty.apply(PROGRAM) == []
    assert names(containing_feeds(PROGRAM, empty)) == [WHOLE]


# Several programs: each publishes in its own folder under feeds/


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_feeds_of_programs_with_the_same_file_names_coexist_and_neither_removes_the_others(tmp_path: Path) -> None:
    months, years = load_program(SOURCES["across-months"]), load_program(SOURCES["across-years"])
    assert "kizuna-2030.ics" in names(feeds(months))
    assert "kizuna-2030.ics" in names(feeds(years))
    write_feeds(PROGRAM, tmp_path)
    write_feeds(months, tmp_path, folder=months.id)
    write_feeds(years, tmp_path, folder=years.id)
    published = snapshot(tmp_path)
    for program, folder in ((months, months.id), (PROGRAM, ""), (years, years.id), (months, months.id)):
        write_feeds(program, tmp_path, folder=folder)
        assert snapshot(tmp_path) == published
    root = tmp_path / FEEDS_PATH
    assert {path.name for path in root.iterdir() if path.is_dir()} == {months.id, years.id}
    assert uids(root / months.id / "kizuna-2030.ics") == {f"{s.id}@{months.id}.kizuna" for s in months.sessions}
    assert uids(root / years.id / "kizuna-2030.ics") == {f"{s.id}@{years.id}.kizuna" for s in years.sessions}
    assert uids(root / WHOLE) == {f"{s.id}@{PROGRAM.id}.kizuna" for s in PROGRAM.sessions}


def test_each_program_removes_only_its_own_old_feeds(tmp_path: Path) -> None:
    months = load_program(SOURCES["across-months"])
    write_feeds(PROGRAM, tmp_path)
    write_feeds(months, tmp_path, folder=months.id)
    old_2019, old_months = tmp_path / FEEDS_PATH / "kizuna-2019-old.ics", tmp_path / FEEDS_PATH / months.id / "old.ics"
    for old in (old_2019, old_months):
        old.write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    write_feeds(months, tmp_path, folder=months.id)
    assert not old_months.exists()
    assert old_2019.exists()
    write_feeds(PROGRAM, tmp_path)
    assert not old_2019.exists()
    assert (tmp_path / FEEDS_PATH / months.id / "kizuna-2030.ics").is_file()


def test_a_programs_stamp_and_feed_urls_are_in_its_folder() -> None:
    months = load_program(SOURCES["across-months"])
    assert feed_url("http://127.0.0.1:8501/", feeds(months)[0], months.id) == (
        "http://127.0.0.1:8501/app/static/feeds/months-2030/kizuna-2030.ics"
    )
    assert feed_url("http://127.0.0.1:8501/", feeds(PROGRAM)[0], "") == (
        "http://127.0.0.1:8501/app/static/feeds/kizuna-2019.ics"
    )


def test_kizuna_feeds_publishes_every_program_of_the_directory_the_2019_one_where_it_always_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv(PROGRAMS_ENV, str(programs_directory(tmp_path / "programs", FIVE)))
    monkeypatch.delenv("KIZUNA_PROGRAM", raising=False)
    static = tmp_path / "static"
    assert cli.main(["feeds", "-o", str(static)]) == 0
    printed = capsys.readouterr().out.split()
    folder = static / FEEDS_PATH
    assert sorted(path.name for path in folder.iterdir() if path.is_dir()) == sorted(
        IDS[name] for name in FIVE if name != "2019"
    )
    assert {path.name for path in folder.glob("*.ics")} == every_language(feeds(PROGRAM))
    for name in FIVE[1:]:
        program = load_program(SOURCES[name]) if name != "hostile-text" else load_program(tmp_path / "programs" / name)
        assert {path.name for path in (folder / IDS[name]).glob("*.ics")} == every_language(feeds(program))
        assert str(folder / IDS[name] / feeds(program)[0].name) in printed
    published = snapshot(static)
    assert cli.main(["feeds", "-o", str(static)]) == 0
    assert snapshot(static) == published


def test_kizuna_feeds_skips_an_invalid_program_and_publishes_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    directory = programs_directory(tmp_path / "programs", TWO)
    shutil.copytree(ROOT / "tests" / "fixtures" / "broken" / "bad-date", directory / "broken")
    monkeypatch.setenv(PROGRAMS_ENV, str(directory))
    monkeypatch.delenv("KIZUNA_PROGRAM", raising=False)
    assert cli.main(["feeds", "-o", str(tmp_path / "static")]) == 0
    assert f"{directory / 'broken'}: not published" in capsys.readouterr().err
    assert (tmp_path / "static" / FEEDS_PATH / WHOLE).is_file()
    assert (tmp_path / "static" / FEEDS_PATH / "months-2030" / "kizuna-2030.ics").is_file()


def test_the_dashboards_background_write_publishes_each_programs_stale_feeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KIZUNA_PROGRAM", raising=False)
    catalog = list_programs(programs_directory(tmp_path / "programs", TWO))
    refresh_feeds_in_background(catalog, tmp_path / "static", None).join()
    for entry in catalog.programs:
        assert feeds_current(data_hash(entry.path), None, tmp_path / "static", feeds_folder(entry.id))
    published = snapshot(tmp_path / "static")
    (tmp_path / "static" / FEEDS_PATH / "months-2030" / STAMP).unlink()  # only this one is stale now
    refresh_feeds_in_background(catalog, tmp_path / "static", None).join()
    assert snapshot(tmp_path / "static") == published


def test_every_feed_is_written_in_every_language_the_english_one_where_it_always_was(tmp_path: Path) -> None:
    written = write_feeds(PROGRAM, tmp_path, "https://kizuna.example.org/")
    folder = tmp_path / FEEDS_PATH
    assert [path.name for path in written] == [
        in_language_named(feed.name, lang) for lang in LANGUAGES for feed in feeds(PROGRAM)
    ]
    english = export_ics_of(PROGRAM, Filter(), "en")
    assert (folder / WHOLE).read_bytes() == english  # today's address, today's bytes
    for lang in ("ja", "ko", "zh", "fr"):
        tagged = folder / f"kizuna-2019.{lang}.ics"
        assert tagged.read_bytes() == export_ics_of(PROGRAM, Filter(), lang) != english
        assert f"DESCRIPTION;LANGUAGE={lang}:".encode() in tagged.read_bytes()
        assert uids(tagged) == uids(folder / WHOLE)


def export_ics_of(program, view_filter: Filter, lang: str) -> bytes:
    with speaking(lang):
        return ics.export_ics(program, view_filter, base_url="https://kizuna.example.org/", refresh=REFRESH)


@pytest.mark.parametrize(
    ("name", "english", "lang"),
    [
        ("kizuna-2019.ics", "kizuna-2019.ics", "en"),
        ("kizuna-2019.ja.ics", "kizuna-2019.ics", "ja"),
        ("kizuna-2019-tourism-promotion-tokyo.zh.ics", "kizuna-2019-tourism-promotion-tokyo.ics", "zh"),
        ("changes.fr.atom", "changes.atom", "fr"),
        ("kizuna-2019.de.ics", "kizuna-2019.de.ics", "en"),  # a language Kizuna does not speak: no feed's name
        ("kizuna-2019.en.ics", "kizuna-2019.en.ics", "en"),  # English has one address, without a tag
        (".ja.ics", ".ja.ics", "en"),
    ],
)
def test_a_feeds_file_name_says_its_language(name: str, english: str, lang: str) -> None:
    assert named_language(name) == (english, lang)
    if lang != "en":
        assert in_language_named(english, lang) == name


def test_feed_bytes_answer_each_languages_name_and_no_other() -> None:
    assert feed_bytes(PROGRAM, "kizuna-2019.ja.ics") == export_ics_of_plain(PROGRAM, "ja")
    assert feed_bytes(PROGRAM, WHOLE) == export_ics_of_plain(PROGRAM, "en")
    with speaking("ko"):  # the name decides, not the context's language
        assert feed_bytes(PROGRAM, WHOLE) == export_ics_of_plain(PROGRAM, "en")
    for unknown in ("kizuna-2019.de.ics", "kizuna-2019.en.ics", "kizuna-2019.ja.ja.ics", "kizuna-2019.JA.ics"):
        assert feed_bytes(PROGRAM, unknown) is None, unknown


def export_ics_of_plain(program, lang: str) -> bytes:
    with speaking(lang):
        return ics.export_ics(program, Filter(), refresh=REFRESH)


@pytest.mark.parametrize(
    ("lang", "address"),
    [
        (None, "http://127.0.0.1:8501/app/static/feeds/months-2030/kizuna-2030.ics"),
        ("en", "http://127.0.0.1:8501/app/static/feeds/months-2030/kizuna-2030.ics"),
        ("ja", "http://127.0.0.1:8501/app/static/feeds/months-2030/kizuna-2030.ja.ics"),
        ("ko", "http://127.0.0.1:8501/app/static/feeds/months-2030/kizuna-2030.ko.ics"),
        ("de", "http://127.0.0.1:8501/app/static/feeds/months-2030/kizuna-2030.ics"),
    ],
)
def test_a_feeds_address_in_a_language(lang: str | None, address: str) -> None:
    months = load_program(SOURCES["across-months"])
    assert feed_url("http://127.0.0.1:8501/", feeds(months)[0], months.id, lang) == address


def test_each_event_is_made_once_per_language_whichever_feeds_hold_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cost stays bounded: 5 languages of 20 feeds make 5 × 19 events, not one per feed that holds one."""
    made: list[str] = []
    original = ics.build_event

    def counting(program, session, base_url=None):
        made.append(session.id)
        return original(program, session, base_url)

    monkeypatch.setattr(ics, "build_event", counting)
    write_feeds(PROGRAM, tmp_path)
    assert sorted(made) == sorted(session.id for session in PROGRAM.sessions for _ in LANGUAGES)


def test_feeds_are_written_again_when_a_translation_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_feeds(PROGRAM, tmp_path, version="v1")
    assert feeds_current("v1", None, tmp_path)
    monkeypatch.setattr(feeds_module, "catalogues_version", lambda: "another")
    assert not feeds_current("v1", None, tmp_path)


def test_the_catalogues_version_follows_the_visitors_catalogues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds_module, "catalogue_path", lambda lang, domain: tmp_path / f"{lang}-{domain}.po")
    for lang in ("ja", "ko", "zh", "fr"):
        (tmp_path / f"{lang}-visitors.po").write_text(f'msgid "Venue: {{venue}}"\nmsgstr "{lang}"\n', encoding="utf-8")
    (tmp_path / "ja-organisers.po").write_text("organisers' strings are in no feed", encoding="utf-8")
    before = feeds_module.catalogues_version.__wrapped__()
    (tmp_path / "ja-organisers.po").write_text("changed", encoding="utf-8")
    assert feeds_module.catalogues_version.__wrapped__() == before
    (tmp_path / "ko-visitors.po").write_text('msgid "Venue: {venue}"\nmsgstr "장소: {venue}"\n', encoding="utf-8")
    assert feeds_module.catalogues_version.__wrapped__() != before
