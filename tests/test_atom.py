"""The changes feed (Atom, RFC 4287) of a published program, read back by an independent parser (feedparser) and by
ElementTree for the elements RFC 4287 requires."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import feedparser
import pytest
from directories import edited_copy

from kizuna.calendars.atom import ATOM, CHANGES_FEED, XML_LANG, changes_atom, changes_feed_url, changes_language
from kizuna.i18n import speaking
from kizuna.program.languages import in_language
from kizuna.publishing.history import history
from kizuna.publishing.store import Store

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "good" / "minimal"
BASE = "https://kizuna.example.org/seminar"
MOVED = "Moved: Visit to Osaka Castle — date: Wednesday 4 March 2020 → Tuesday 3 March 2020; time: (none) → 10:00"
NS = {"atom": ATOM}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """The minimal program published, then edited in the seminar week and published, then that version withdrawn."""
    with Store(f"sqlite:///{tmp_path / 'kizuna.sqlite3'}") as opened:
        opened.publish(MINIMAL, note="First <b>programme</b> & more")
        opened.publish(edited_copy(MINIMAL, tmp_path / "edited"), note="Castle visit moved")
        opened.withdraw("mini-2020", 2)
        yield opened


def feed_of(store: Store, base_url: str | None = BASE) -> bytes:
    versions = store.versions("mini-2020")
    steps = history(versions, lambda number: store.load("mini-2020", number)[0])
    program = store.load("mini-2020")[0]
    return changes_atom(program, steps, {v.number: v.note for v in versions}, base_url)


def test_feedparser_reads_one_entry_per_publish_and_withdrawal_newest_first(store: Store) -> None:
    parsed = feedparser.parse(feed_of(store))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Minimal Test Program: what changed"
    assert parsed.feed.id == "urn:kizuna:mini-2020:changes"
    assert parsed.feed.author == "Kizuna test suite"
    assert [entry.title for entry in parsed.entries] == [
        "Version 2 withdrawn: version 1 is shown again: moves 1 session, removes 1, adds 1, restores 1",
        "Version 2 published: moves 1 session, cancels 1, removes 1, adds 1",
        "Version 1 published: the first version, 4 sessions",
    ]
    assert [entry.id for entry in parsed.entries] == [
        "urn:kizuna:mini-2020:changes:withdrawn-2",
        "urn:kizuna:mini-2020:changes:published-2",
        "urn:kizuna:mini-2020:changes:published-1",
    ]
    withdrawn, moved, first = parsed.entries
    assert parsed.feed.updated == withdrawn.updated
    assert moved.updated_parsed <= withdrawn.updated_parsed
    (content,) = moved.content
    assert content.type == "text/plain"
    lines = content.value.splitlines()
    assert lines[0].startswith("Version 2 published on 20")
    assert lines[1:] == [
        "Note: Castle visit moved",
        "For visitors it moves 1 session, cancels 1, removes 1, adds 1.",
        "- Cancelled: Lecture: Tourism in Tokyo — status: confirmed → cancelled",
        f"- {MOVED}",
        "- Added: New lecture in Osaka",
        "- Removed: Participants arrive in Tokyo",
    ]
    assert moved.summary == "Castle visit moved"
    assert "- Restored: Lecture: Tourism in Tokyo — status: cancelled → confirmed" in withdrawn.content[0].value
    assert "Note of version 1: First <b>programme</b> & more" in withdrawn.content[0].value
    assert first.content[0].value.splitlines()[1:] == [
        "Note: First <b>programme</b> & more",
        "The first version: 4 sessions.",
    ]
    assert first.link == f"{BASE}/?program=mini-2020&version=1"
    assert withdrawn.link == f"{BASE}/?program=mini-2020&version=1"  # the version shown again
    assert moved.link == f"{BASE}/?program=mini-2020&version=2"
    self_link = next(link.href for link in parsed.feed.links if link.rel == "self")
    assert self_link == changes_feed_url(BASE, "mini-2020") == f"{BASE}/app/static/feeds/mini-2020/{CHANGES_FEED}"


def test_the_feed_has_every_element_rfc_4287_requires(store: Store) -> None:
    for base_url in (BASE, None):
        root = ET.fromstring(feed_of(store, base_url))
        assert root.tag == f"{{{ATOM}}}feed"
        for name in ("id", "title", "updated", "author/atom:name"):
            assert root.find(f"atom:{name}", NS).text, name
        entries = root.findall("atom:entry", NS)
        assert len(entries) == 3
        for entry in entries:
            for name in ("id", "title", "updated"):
                assert entry.find(f"atom:{name}", NS).text, name
            assert entry.find("atom:content", NS).get("type") == "text"
            assert entry.find("atom:updated", NS).text.endswith("Z")
        assert len({entry.find("atom:id", NS).text for entry in entries}) == 3
        links = root.findall("atom:link", NS)
        assert [link.get("rel") for link in links] == (["self", "alternate"] if base_url else [])


def test_the_same_history_makes_the_same_bytes(store: Store) -> None:
    assert feed_of(store) == feed_of(store)
    assert feed_of(store).startswith(
        b"<?xml version='1.0' encoding='utf-8'?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
    )


def test_hostile_text_is_escaped_by_the_xml_writer_and_read_back_as_typed(store: Store) -> None:
    """A note or title with markup, an end of CDATA, ampersands and characters XML forbids: still well-formed."""
    versions = store.versions("mini-2020")
    steps = history(versions, lambda number: store.load("mini-2020", number)[0])
    program = store.load("mini-2020")[0]
    hostile = "<script>alert(1)</script> ]]> &amp; \x01\x0b\ufffe end"
    body = changes_atom(replace(program, title=hostile), steps, dict.fromkeys((1, 2), hostile), BASE)
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    root = ET.fromstring(body)
    expected = "<script>alert(1)</script> ]]> &amp;  end"
    assert root.find("atom:title", NS).text == f"{expected}: what changed"
    assert root.find("atom:entry", NS).find("atom:summary", NS) is None  # the withdrawal: no note of its own
    summaries = [element.text for element in root.findall("atom:entry/atom:summary", NS)]
    assert summaries == [expected, expected]
    assert b"<script>" not in body


def test_a_feed_in_japanese_says_so_and_links_to_itself_and_the_page_in_japanese(store: Store) -> None:
    with speaking("ja"):
        body = feed_of(store)
        program = in_language(store.load("mini-2020")[0], "ja")
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    root = ET.fromstring(body)
    assert root.get(XML_LANG) == "ja"
    assert body.startswith(
        b"<?xml version='1.0' encoding='utf-8'?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang"
    )
    assert parsed.feed.language == "ja"
    assert parsed.feed.title.startswith(program.title)
    self_link = next(link.href for link in parsed.feed.links if link.rel == "self")
    assert (
        self_link == changes_feed_url(BASE, "mini-2020", "ja") == f"{BASE}/app/static/feeds/mini-2020/changes.ja.atom"
    )
    alternate = next(link.href for link in parsed.feed.links if link.rel == "alternate")
    assert alternate == f"{BASE}/?program=mini-2020&lang=ja"
    assert [entry.link for entry in parsed.entries] == [
        f"{BASE}/?program=mini-2020&version={n}&lang=ja" for n in (1, 2, 1)
    ]
    assert [entry.id for entry in parsed.entries] == [entry.id for entry in feedparser.parse(feed_of(store)).entries]
    assert ET.fromstring(feed_of(store)).get(XML_LANG) is None  # English: as before


@pytest.mark.parametrize(
    ("lang", "name"),
    [(None, "changes.atom"), ("en", "changes.atom"), ("ko", "changes.ko.atom"), ("xx", "changes.atom")],
)
def test_the_changes_feeds_address_in_a_language(lang: str | None, name: str) -> None:
    assert changes_feed_url(BASE, "mini-2020", lang) == f"{BASE}/app/static/feeds/mini-2020/{name}"


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("changes.atom", "en"),
        ("changes.zh.atom", "zh"),
        ("changes.de.atom", None),
        ("changes.en.atom", None),
        ("other.atom", None),
        ("other.ja.atom", None),
        ("changes.ja.ics", None),
    ],
)
def test_only_a_changes_feeds_names_are_changes_feeds(name: str, lang: str | None) -> None:
    assert changes_language(name) == lang
