"""What a replica serves from the store: published programs beside the directory's, pinned versions, their feeds."""

from __future__ import annotations

import asyncio
import gettext
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import feedparser
import pytest
from directories import TWO, edited_copy, programs_directory, set_program_field, set_program_id

from kizuna import i18n
from kizuna.calendars.feeds import feeds, write_feeds
from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.i18n import LANGUAGES, language, speaking
from kizuna.publishing import programs, published, store
from kizuna.publishing.programs import DEFAULT_ENV, PROGRAM_ENV, PROGRAMS_ENV, configured_programs, feeds_owner
from kizuna.publishing.published import FeedCache, Shelf, published_changes, published_feed, show_published, store_url
from kizuna.publishing.store import Store
from kizuna_app import served_feeds
from kizuna_app.served_feeds import PublishedFeeds

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "good" / "minimal"
MONTHS = ROOT / "tests" / "fixtures" / "good" / "across-months"
DEFAULT_DATABASE = published.DEFAULT_DATABASE  # before the fixture below moves it


@pytest.fixture(autouse=True)
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A programs directory of two programs, no database unless a test sets one, no default database file."""
    for name in (PROGRAM_ENV, DEFAULT_ENV, "KIZUNA_BASE_URL", "KIZUNA_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(PROGRAMS_ENV, str(programs_directory(tmp_path / "programs", TWO)))
    monkeypatch.setattr(published, "DEFAULT_DATABASE", tmp_path / "var" / "kizuna.sqlite3")


def copy_of(source: Path, folder: Path, program_id: str | None = None, title: str | None = None) -> Path:
    """A program folder to publish: a copy of `source`, with another id or title if asked."""
    shutil.copytree(source, folder)
    if program_id:
        set_program_id(folder, program_id)
    if title:
        set_program_field(folder, "title", title)
    return folder


def test_the_replica_looks_for_the_store_s_own_default_database() -> None:
    assert DEFAULT_DATABASE == store.DEFAULT_DATABASE


def test_without_a_database_the_directory_alone_is_served_and_nothing_is_created(tmp_path: Path) -> None:
    catalog = configured_programs()
    assert catalog.ids == ["months-2030", "clair-seminar-2019"]
    assert store_url() is None
    assert not (tmp_path / "var").exists()
    assert feeds_owner("months-2030") is None


def test_a_published_program_joins_the_directory_ones_and_the_most_recent_is_the_default(
    database: Store, tmp_path: Path
) -> None:
    database.publish(copy_of(MINIMAL, tmp_path / "next", "next-2031", "Next Year"))
    catalog = configured_programs()
    entry = catalog.find("next-2031")
    assert (entry.path, entry.published, entry.title) == (None, 1, "Next Year")
    assert set(catalog.ids) == {"next-2031", "months-2030", "clair-seminar-2019"}
    assert catalog.ids[0] == "months-2030"  # the minimal program starts in 2020: the 2030 one is still the latest
    assert catalog.default.id == "months-2030"
    database.publish(copy_of(MONTHS, tmp_path / "later", "next-2030", "Later"))
    published.look_again()
    catalog = configured_programs()
    assert catalog.find("next-2030").published == 1
    assert catalog.default.id == "next-2030"  # the same start as months-2030: the ids decide, as in the directory


def test_a_published_program_wins_over_the_directory_program_of_the_same_id(database: Store, tmp_path: Path) -> None:
    database.publish(copy_of(MONTHS, tmp_path / "months", title="Months, as published"))
    catalog = configured_programs()
    (entry,) = [entry for entry in catalog.programs if entry.id == "months-2030"]
    assert (entry.path, entry.title) == (None, "Months, as published")
    assert feeds_owner("months-2030").number == 1
    assert feeds_owner("") is None  # the 2019 program's feeds, in feeds/ itself, are still the directory's files


def test_the_configured_default_program_may_be_a_published_one(
    database: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database.publish(copy_of(MINIMAL, tmp_path / "mini"))
    monkeypatch.setenv(DEFAULT_ENV, "mini-2020")
    assert configured_programs().default.id == "mini-2020"


def test_one_program_alone_ignores_the_store(database: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database.publish(copy_of(MINIMAL, tmp_path / "mini"))
    monkeypatch.setenv(PROGRAM_ENV, str(ROOT / "data" / "2019"))
    assert configured_programs().ids == ["clair-seminar-2019"]
    assert feeds_owner("mini-2020") is None


def test_reruns_ask_the_store_its_revision_at_most_every_poll_interval(
    database: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shelf = Shelf(database.url, poll=60)
    asked: list[str] = []
    original = Store.revision

    def counting(self: Store) -> str:
        asked.append("revision")
        return original(self)

    monkeypatch.setattr(Store, "revision", counting)
    assert shelf.current()[1] == ()
    database.publish(copy_of(MINIMAL, tmp_path / "mini"))
    for _ in range(100):
        assert shelf.current()[1] == ()  # not seen before the interval is over
    assert asked == ["revision"]
    shelf.checked -= 60
    assert [version.program_id for version in shelf.current()[1]] == ["mini-2020"]
    assert asked == ["revision", "revision"]


def test_a_database_that_does_not_answer_keeps_the_last_programs_read(database: Store, tmp_path: Path) -> None:
    database.publish(copy_of(MINIMAL, tmp_path / "mini"))
    shelf = Shelf(database.url, poll=0)
    assert len(shelf.current()[1]) == 1
    shelf.store.engine.dispose()
    (tmp_path / "published.sqlite3").unlink()
    (tmp_path / "published.sqlite3").mkdir()  # not a database any more
    assert len(shelf.current()[1]) == 1


def test_a_pinned_version_is_shown_while_published_and_the_latest_otherwise(database: Store, tmp_path: Path) -> None:
    first = database.publish(copy_of(MINIMAL, tmp_path / "v1")).version
    second = database.publish(copy_of(MINIMAL, tmp_path / "v2", title="Second")).version
    shown = show_published("mini-2020", second.number, 1)
    assert (shown.program.title, shown.version, shown.pinned) == ("Minimal Test Program", first, 1)
    assert show_published("mini-2020", 2).pinned is None
    assert show_published("mini-2020", 2, 2).pinned == 2  # the latest, pinned: it stays in the link
    unknown = show_published("mini-2020", 2, 9)
    assert (unknown.program.title, unknown.pinned, unknown.withdrawn) == ("Second", None, False)
    database.withdraw("mini-2020", 1)
    published.look_again()
    assert published.published_programs()[1][0].number == 2  # what the page's next run looks at first
    withdrawn = show_published("mini-2020", 2, 1)
    assert (withdrawn.version.number, withdrawn.pinned, withdrawn.withdrawn) == (2, None, True)
    assert shown.key != withdrawn.key


def test_a_published_feed_is_byte_for_byte_the_directory_programs_feed(database: Store, tmp_path: Path) -> None:
    version = database.publish(ROOT / "data" / "2019").version
    written = write_feeds(load_program(BUILT_IN_PROGRAM), tmp_path / "static")
    for path in written:
        found = published_feed(version, path.name, None)
        assert found.body == path.read_bytes(), path.name
    assert len(written) == len(feeds(load_program(BUILT_IN_PROGRAM))) * len(LANGUAGES)  # each feed in each language
    assert published_feed(version, "kizuna-2019-nowhere.ics", None) is None


MAKE_FEED = """
import sys
from kizuna.publishing.published import published_feed, published_programs
(version,) = published_programs()[1]
sys.stdout.buffer.write(published_feed(version, sys.argv[1], None).body)
"""


def test_replicas_in_other_time_zones_at_other_times_make_the_same_feed_bytes(database: Store, tmp_path: Path) -> None:
    """Two fresh processes: nothing of a replica's clock, zone or locale gets into a feed."""
    version = database.publish(copy_of(MONTHS, tmp_path / "months")).version
    name = "kizuna-2030.ics"
    made = []
    for zone in ("Pacific/Kiritimati", "America/Adak"):
        env = {**os.environ, "TZ": zone, "LC_ALL": "C"}
        result = subprocess.run([sys.executable, "-c", MAKE_FEED, name], env=env, capture_output=True, check=True)
        made.append(result.stdout)
    assert made[0] == made[1] == published_feed(version, name, None).body
    assert b"DTSTAMP" in made[0]


def call(path: str, headers: list[tuple[bytes, bytes]] = ()) -> tuple[int, dict[str, str], bytes, list[str]]:
    """One GET through the middleware; what reached the app behind it (Streamlit's) is listed."""
    passed: list[str] = []
    sent: list[dict] = []

    async def streamlit(scope, receive, send) -> None:
        passed.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"from static/"})

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "headers": list(headers), "query_string": b""}
    middleware = PublishedFeeds(streamlit)
    middleware.prefix = ""  # Streamlit's baseUrlPath, unset
    # A thread of its own: the browser tests' Playwright keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, middleware(scope, receive, send)).result()
    start = sent[0]
    head = {key.decode(): value.decode() for key, value in start["headers"]}
    body = b"".join(message.get("body", b"") for message in sent[1:])
    return start["status"], head, body, passed


def test_the_middleware_serves_a_published_programs_feeds_and_passes_the_rest_on(
    database: Store, tmp_path: Path
) -> None:
    version = database.publish(copy_of(MONTHS, tmp_path / "months")).version
    status, head, body, passed = call("/app/static/feeds/months-2030/kizuna-2030.ics")
    assert (status, passed) == (200, [])
    assert head["content-type"].startswith("text/calendar")
    assert body == published_feed(version, "kizuna-2030.ics", None).body
    assert head["last-modified"].endswith("GMT")
    assert call("/app/static/feeds/months-2030/kizuna-2030.ics", [(b"if-none-match", head["etag"].encode())])[0] == 304
    assert call("/app/static/feeds/months-2030/kizuna-1999.ics")[:1] == (404,)
    for other in ("/app/static/feeds/kizuna-2019.ics", "/app/static/basemap/x.json", "/", "/_stcore/health"):
        assert call(other)[3] == [other]  # the directory's feeds and everything else: Streamlit's


def test_the_middleware_serves_a_published_programs_changes_as_atom(database: Store, tmp_path: Path) -> None:
    """feeds/<program id>/changes.atom: one entry per publish and withdrawal, read by an independent parser; an ETag
    that a withdrawal changes; other .atom names and programs that are not published are not ours."""
    database.publish(copy_of(MINIMAL, tmp_path / "mini"), note="first")
    database.publish(edited_copy(MINIMAL, tmp_path / "edited"), note="moved")
    database.publish(ROOT / "data" / "2019")  # its calendar feeds are in feeds/ itself; its changes in its own folder
    path = "/app/static/feeds/mini-2020/changes.atom"
    status, head, body, passed = call(path)
    assert (status, passed) == (200, [])
    assert head["content-type"] == "application/atom+xml"
    assert head["cache-control"] == f"public, max-age={served_feeds.MAX_AGE}"
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [entry.title for entry in parsed.entries] == [
        "Version 2 published: moves 1 session, cancels 1, removes 1, adds 1",
        "Version 1 published: the first version, 4 sessions",
    ]
    assert (
        "Visit to Osaka Castle — date: Wednesday 4 March 2020 → Tuesday 3 March 2020"
        in parsed.entries[0].content[0].value
    )
    assert call(path, [(b"if-none-match", head["etag"].encode())])[0] == 304
    assert call(path)[2] == body  # made once, the same bytes again
    assert call("/app/static/feeds/clair-seminar-2019/changes.atom")[0] == 200
    assert call("/app/static/feeds/mini-2020/other.atom")[:1] == (404,)
    for other in ("/app/static/feeds/no-such-program/changes.atom", "/app/static/feeds/changes.atom"):
        assert call(other)[3] == [other]  # no published program of that id: Streamlit's static files answer
    database.withdraw("mini-2020", 2)
    published.look_again()
    status, after, body, _ = call(path, [(b"if-none-match", head["etag"].encode())])
    assert status == 200  # the withdrawal is news: a new entry, a new tag
    assert after["etag"] != head["etag"]
    assert feedparser.parse(body).entries[0].title.startswith("Version 2 withdrawn: version 1 is shown again")


def test_unknown_feed_names_are_not_kept_so_random_names_cannot_fill_memory() -> None:
    """Regression: every name asked for was kept (with no body, so outside the byte budget) for ever."""
    cache = FeedCache(budget=100)
    for turn in range(1_000):
        assert cache.get(("months-2030", 1, "hash", None, f"random-{turn}.ics"), lambda: None) is None
    assert len(cache.files) == 0


def test_the_feed_cache_keeps_the_most_recent_bodies_within_its_budget() -> None:
    cache = FeedCache(budget=100)
    for turn in range(10):
        assert cache.get(("feed", turn), lambda turn=turn: bytes([turn]) * 40) == bytes([turn]) * 40
    assert list(cache.files) == [("feed", 8), ("feed", 9)]
    assert cache.size == sum(len(body) for body in cache.files.values()) == 80
    assert cache.get(("feed", 8), lambda: b"made again") == bytes([8]) * 40  # kept: not made again
    assert cache.get(("large", 0), lambda: b"x" * 500) == b"x" * 500  # served; the newest is kept even alone
    assert list(cache.files) == [("large", 0)]


def test_unknown_feed_names_asked_of_the_middleware_are_not_kept(
    database: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database.publish(copy_of(MONTHS, tmp_path / "months"))
    monkeypatch.setattr(published, "_feeds", cache := FeedCache())
    for turn in range(50):
        assert call(f"/app/static/feeds/months-2030/random-{turn}.ics")[:1] == (404,)
    assert call("/app/static/feeds/months-2030/kizuna-2030.ics")[:1] == (200,)
    assert [key[-1] for key in cache.files] == ["kizuna-2030.ics"]


TOO_LONG = served_feeds.MAX_NAME_CHARS + 1


@pytest.mark.parametrize(
    "path",
    [
        f"/app/static/feeds/months-2030/{'k' * TOO_LONG}.ics",
        f"/app/static/feeds/{'k' * 100_000}.ics",
        f"/app/static/feeds/{'p' * TOO_LONG}/kizuna-2030.ics",
        "/app/static/feeds/" + "/".join(["folder"] * 1_000) + "/kizuna-2030.ics",
        f"/app/static/{'b' * 300}.geojson",  # Streamlit's own static handler answered 500 ("File name too long")
    ],
)
def test_a_feed_path_too_long_for_any_feed_is_refused_before_any_lookup(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: such a name was looked up, then handed to Streamlit's static files, which answer 500 when the file
    system refuses a name that long (ENAMETOOLONG)."""
    asked: list[str] = []
    monkeypatch.setattr(programs, "feeds_owner", asked.append)
    status, _, body, passed = call(path)
    assert (status, passed, asked) == (404, [], [])
    assert body == b"No such feed."


def test_the_feeds_of_a_program_with_the_longest_id_the_store_takes_are_served(database: Store, tmp_path: Path) -> None:
    program_id = "m" * store.MAX_ID_CHARS
    version = database.publish(copy_of(MONTHS, tmp_path / "months", program_id=program_id)).version
    status, _, body, _ = call(f"/app/static/feeds/{program_id}/kizuna-2030.ics")
    assert (status, body) == (200, published_feed(version, "kizuna-2030.ics", None).body)


def test_if_none_match_is_compared_weakly_and_star_matches_any_feed(database: Store, tmp_path: Path) -> None:
    """Regression: `W/"…"` (what a proxy that compresses sends back) and `*` got the whole feed again (RFC 9110
    §13.1.2: If-None-Match uses the weak comparison, and `*` matches any current representation)."""
    database.publish(copy_of(MONTHS, tmp_path / "months"))
    path = "/app/static/feeds/months-2030/kizuna-2030.ics"
    etag = call(path)[1]["etag"]
    for sent, status in [
        (etag, 304),
        (f"W/{etag}", 304),
        ("*", 304),
        (f'"other", W/{etag}', 304),
        (f" W/{etag} ,", 304),
        ('"other"', 200),
        ('W/"other"', 200),
        (etag.strip('"'), 200),  # not an entity tag: no quotes
    ]:
        assert call(path, [(b"if-none-match", sent.encode())])[0] == status, sent
    assert call("/app/static/feeds/months-2030/kizuna-1999.ics", [(b"if-none-match", b"*")])[0] == 404


def test_feeds_owner_follows_the_feeds_folders_of_the_directory(database: Store) -> None:
    database.publish(ROOT / "data" / "2019")
    assert feeds_owner("").program_id == "clair-seminar-2019"  # its subscribers' addresses, in feeds/ itself
    assert feeds_owner("clair-seminar-2019") is None
    assert programs.feeds_folder("clair-seminar-2019") == ""


def test_stamps_are_the_same_whatever_language_asks_and_each_reads_its_own_history(
    database: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SEQUENCE and LAST-MODIFIED come from the history worded in English. A language whose words cannot tell the
    moved visit's old day and time from its new ones (a fake Japanese here) stamps as English does, and its readers
    get a history of their own, in their words."""
    from kizuna.program import changes

    day, span = changes.long_day, changes.time_span
    monkeypatch.setattr(changes, "long_day", lambda *a: "同じ日" if language() == "ja" else day(*a))
    monkeypatch.setattr(changes, "time_span", lambda *a, **k: "同じ時" if language() == "ja" else span(*a, **k))
    database.publish(copy_of(MINIMAL, tmp_path / "mini"))
    number = database.publish(edited_copy(MINIMAL, tmp_path / "edited")).version.number

    def stamps(first: str) -> dict[str, tuple]:
        with speaking(first):  # a replica whose first reader reads `first`
            program, _, _ = Shelf(database.url).served("mini-2020", number)
        return {session.id: (session.revision, session.modified, session.status) for session in program.sessions}

    english = stamps("en")
    assert stamps("ja") == english
    assert english["visit-osaka-castle"][0] == 1  # moved: its SEQUENCE rose
    shelf = Shelf(database.url)
    with speaking("ja"):
        japanese, _, read_in_japanese = shelf.served("mini-2020", number)
    in_english, _, read_in_english = shelf.served("mini-2020", number)
    assert japanese is in_english  # stamped once, for every language
    assert "visit-osaka-castle" in [change.session_id for change in read_in_english[-1].changes]
    assert "visit-osaka-castle" not in [change.session_id for change in read_in_japanese[-1].changes]


class Wrapped(gettext.NullTranslations):
    """A fake Japanese catalogue: each message marked ⟦…⟧."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"⟦{singular if n == 1 else plural}⟧"


def test_the_changes_feed_is_made_and_kept_per_language(
    database: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        i18n, "catalogue", lambda lang, domain: Wrapped() if lang == "ja" else gettext.NullTranslations()
    )
    monkeypatch.setattr(published, "_feeds", cache := FeedCache())
    database.publish(copy_of(MINIMAL, tmp_path / "mini"))
    version = database.publish(edited_copy(MINIMAL, tmp_path / "edited")).version
    english = published_changes(version, None)
    with speaking("ja"):
        japanese = published_changes(version, None)
    assert "⟦" not in english.body.decode()
    assert f"⟦Version {2} published⟧" in japanese.body.decode()
    assert english.etag != japanese.etag
    assert published_changes(version, None).body == english.body  # each kept: asked again, the same bytes
    assert published_changes(version, None, "ja").body == japanese.body
    assert len(cache.files) == 2
