"""Subscription feeds: which exist, what they hold, and that unchanged data leaves them byte-identical."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from icalendar import Calendar

from kizuna.feeds import FEEDS_PATH, feed_for, feed_url, feeds, feeds_current, write_feeds
from kizuna.filtering import Filter
from kizuna.loading import data_version, load_program

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = load_program()


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
    second = write_feeds(load_program(), tmp_path)
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
    version = data_version(ROOT / "data" / "2019")
    assert not feeds_current(version, None, tmp_path)
    write_feeds(PROGRAM, tmp_path, version=version)
    assert feeds_current(version, None, tmp_path)
    assert not feeds_current(version, "https://kizuna.example.org/", tmp_path)
    assert not feeds_current("another-version", None, tmp_path)
    assert (tmp_path / FEEDS_PATH).is_dir()


def test_feed_for_finds_exact_filters_only() -> None:
    assert feed_for(PROGRAM, Filter()).name == "kizuna-2019.ics"
    assert feed_for(PROGRAM, Filter.of(cities=["tokyo"])).name == "kizuna-2019-tokyo.ics"
    assert feed_for(PROGRAM, Filter.of(days=[PROGRAM.start_date])) is None


def test_feed_url_is_on_the_visitors_host_under_static() -> None:
    feed = feed_for(PROGRAM, Filter())
    assert feed_url("http://127.0.0.1:8501/", feed) == "http://127.0.0.1:8501/app/static/feeds/kizuna-2019.ics"
    assert (
        feed_url("https://h.example/kizuna/?x=1", feed) == "https://h.example/kizuna/app/static/feeds/kizuna-2019.ics"
    )


def test_data_version_follows_content_not_file_times(tmp_path: Path) -> None:
    for source in (ROOT / "data" / "2019").glob("*.csv"):
        (tmp_path / source.name).write_bytes(source.read_bytes())
    assert data_version(tmp_path) == data_version(ROOT / "data" / "2019")
    (tmp_path / "sessions.csv").write_bytes((tmp_path / "sessions.csv").read_bytes() + b"\n")
    assert data_version(tmp_path) != data_version(ROOT / "data" / "2019")
