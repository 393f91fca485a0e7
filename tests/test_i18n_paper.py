"""The exports in the reader's language: the printout, the calendars and their feeds, the add-to-calendar links and
the changes feed, each run in a pseudo-locale (every string through the catalogue comes back as ⟦string⟧), and the
feeds of each language served by a replica beside today's English ones."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import feedparser
import pytest
from checkers import require
from directories import TWO, edit_sessions, edited_copy, programs_directory, set_program_id
from icalendar import Calendar
from test_published import call

import kizuna.i18n
from kizuna.calendars.atom import changes_atom
from kizuna.calendars.feeds import REFRESH, feed_bytes, write_feeds
from kizuna.calendars.ics import export_ics
from kizuna.calendars.links import add_links, map_links, map_note, subscribe_links
from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.i18n import speaking
from kizuna.printing.itinerary import print_view
from kizuna.program.filtering import Filter
from kizuna.program.languages import in_language
from kizuna.publishing import published
from kizuna.publishing.history import history
from kizuna.publishing.programs import DEFAULT_ENV, PROGRAM_ENV, PROGRAMS_ENV, choose_program
from kizuna.publishing.store import Store
from kizuna.views.share import View
from kizuna_app import served_feeds

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = load_program(BUILT_IN_PROGRAM)
MINIMAL = ROOT / "tests" / "fixtures" / "good" / "minimal"
MONTHS = ROOT / "tests" / "fixtures" / "good" / "across-months"
BASE = "https://kizuna.example.org/"


def wrapped(text: str) -> bool:
    """Whether the text went through the catalogue whole (what it holds may have too: ⟦⟦Version 2⟧ on …⟧)."""
    return text.startswith("⟦") and text.endswith("⟧")


class Wrapped(gettext.NullTranslations):
    """A catalogue that translates every message into ⟦message⟧: text that went through it shows it did."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, singular: str, plural: str, number: int) -> str:
        return f"⟦{singular if number == 1 else plural}⟧"


@pytest.fixture
def pseudo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Japanese translated by `Wrapped`, whatever the shipped catalogues hold; every other language as before."""
    real = kizuna.i18n.catalogue
    monkeypatch.setattr(
        kizuna.i18n, "catalogue", lambda lang, domain: Wrapped() if lang == "ja" else real(lang, domain)
    )


@pytest.fixture(autouse=True)
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Two programs in the directory, no database unless a test makes one."""
    for name in (PROGRAM_ENV, DEFAULT_ENV, "KIZUNA_BASE_URL", "KIZUNA_DATABASE_URL", "KIZUNA_PDF_FONT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(PROGRAMS_ENV, str(programs_directory(tmp_path / "programs", TWO)))
    monkeypatch.setattr(published, "DEFAULT_DATABASE", tmp_path / "var" / "kizuna.sqlite3")


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """pdftotext's text of the PDF, every run of white space one space (lines wrap anywhere)."""
    require("pdftotext")
    path = tmp_path / "itinerary.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(text.stdout.split())


def with_karato_cancelled(program):
    sessions = tuple(replace(s, status="cancelled") if s.id == "visit-karato-market" else s for s in program.sessions)
    return replace(program, sessions=sessions)


def test_every_label_of_a_printout_in_japanese_comes_from_the_catalogue(pseudo: None, tmp_path: Path) -> None:
    with speaking("ja"):
        data = print_view(with_karato_cancelled(PROGRAM), View(), BASE)
        title = in_language(PROGRAM, "ja").title
    text = pdf_text(data, tmp_path)
    for label in (
        "⟦The whole program (19 sessions of 19)⟧",
        "⟦Printed from the program as updated on 2026年11月27日.⟧",
        "⟦Cancelled: this session will not take place.⟧",
        "⟦page 1 of ",
        "⟦time not given⟧",
    ):
        assert label in text, label
    assert re.search(r"⟦page (\d+) of \1⟧", text)  # the last page's footer: {total} filled in by the PDF library
    assert "⟦Open this view on your phone:" in text
    assert text.startswith(title)


def test_a_printout_of_a_published_version_in_japanese_says_what_changed_from_the_catalogue(
    pseudo: None, tmp_path: Path, database: Store
) -> None:
    for number in (1, 2):
        folder = tmp_path / f"v{number}"
        shutil.copytree(MINIMAL, folder)
        set_program_id(folder, "next-2031")
        if number == 2:
            edit_sessions(folder, {"visit-osaka-castle": {"date": "2020-03-03", "start": "10:00", "end": "11:30"}})
        database.publish(folder, note="The castle visit moves" if number == 2 else "")
    published.look_again()
    chosen = choose_program("next-2031")
    view = View(filter=Filter.of(sessions=["visit-osaka-castle"]), program="next-2031")
    with speaking("ja"):
        text = pdf_text(print_view(chosen.program, view, None, "a4", chosen.edition), tmp_path)
    assert "⟦Note: The castle visit moves⟧" in text
    assert "⟦Sessions changed in version 2 are marked “Changed in this version”.⟧" in text
    assert "⟦Changed in this version: " in text
    assert "⟦This view: " in text
    assert "(1 session of 4)⟧" in text


def description_labels(data: bytes) -> list[str]:
    """The labelled lines of each event's description: every line after its first empty one (the session's own
    description comes first)."""
    found = []
    for event in Calendar.from_ical(data).walk("VEVENT"):
        lines = str(event["DESCRIPTION"]).split("\n")
        found += lines[lines.index("") + 1 :] if "" in lines else lines
    return found


def test_every_label_of_a_calendar_in_japanese_comes_from_the_catalogue(pseudo: None) -> None:
    with speaking("ja"):
        data = export_ics(with_karato_cancelled(PROGRAM), base_url=BASE)
    labels = description_labels(data)
    assert labels
    assert all(map(wrapped, labels)), [line for line in labels if not wrapped(line)]
    assert any(line.startswith("⟦Venue: ") for line in labels)
    assert any(line.startswith("⟦Address in Japanese: ") for line in labels)
    assert any(line.startswith("⟦Location unknown: only the city is known") for line in labels)
    assert any(line.startswith("⟦Themes: ") for line in labels)
    assert any(line.startswith("⟦To: ") for line in labels)
    english = export_ics(with_karato_cancelled(PROGRAM), base_url=BASE)  # English has no catalogue to go through
    assert "⟦" not in english.decode()


def test_feeds_in_japanese_are_written_from_the_catalogue_and_the_english_ones_are_not(
    pseudo: None, tmp_path: Path
) -> None:
    written = {path.name: path.read_bytes() for path in write_feeds(PROGRAM, tmp_path)}
    assert "⟦Venue: " in written["kizuna-2019.ja.ics"].decode()
    assert "⟦" not in written["kizuna-2019.ics"].decode()
    assert "⟦" not in written["kizuna-2019.ko.ics"].decode()
    assert feed_bytes(PROGRAM, "kizuna-2019.ja.ics") == written["kizuna-2019.ja.ics"]


def test_the_add_to_calendar_and_map_links_speak_japanese_from_the_catalogue(pseudo: None) -> None:
    karato = PROGRAM.sessions_by_id["visit-karato-market"]
    with speaking("ja"):
        program = in_language(PROGRAM, "ja")
        added = add_links(program, program.sessions_by_id[karato.id])
        subscribed = subscribe_links(f"{BASE}app/static/feeds/kizuna-2019.ja.ics", "x")
        maps = map_links(program, program.sessions_by_id[karato.id])
        notes = {venue_id: map_note(program.venues[venue_id]) for venue_id in program.venues}
    assert set(added) == {"⟦Google Calendar⟧", "Outlook.com", "Office 365", "⟦Yahoo Calendar⟧"}
    assert set(subscribed) == {"⟦Apple Calendar / webcal⟧", "⟦Google Calendar⟧", "Outlook.com", "Office 365"}
    assert set(maps) == {"⟦Google Maps⟧", "⟦Apple Maps⟧", "⟦Android maps (geo:)⟧"}
    assert "%E2%9F%A6Venue%3A%20" in added["⟦Google Calendar⟧"]  # the details filled in: ⟦Venue: …
    shown = {note for note in notes.values() if note}
    assert shown
    assert all(note.startswith("⟦") and note.endswith("⟧") for note in shown), shown
    assert any("⟦The links open the map's point, " in note for note in shown)
    assert any(note.startswith("⟦Confidence in the venue: ") for note in shown)


@pytest.fixture
def store(tmp_path: Path):
    with Store(f"sqlite:///{tmp_path / 'kizuna.sqlite3'}") as opened:
        opened.publish(MINIMAL, note="first")
        opened.publish(edited_copy(MINIMAL, tmp_path / "edited"), note="moved")
        yield opened


def test_every_label_of_the_changes_feed_in_japanese_comes_from_the_catalogue(pseudo: None, store: Store) -> None:
    versions = store.versions("mini-2020")
    with speaking("ja"):
        steps = history(versions, lambda number: store.load("mini-2020", number)[0])
        body = changes_atom(store.load("mini-2020")[0], steps, {v.number: v.note for v in versions}, BASE)
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert wrapped(parsed.feed.title)
    assert wrapped(parsed.feed.subtitle)
    for entry in parsed.entries:
        assert entry.title.startswith("⟦")
        lines = entry.content[0].value.splitlines()
        labelled = [line for line in lines if not line.startswith("- ")]  # a change's line is program.changes'
        assert all(map(wrapped, labelled)), labelled
    assert "⟦The first version: 4 sessions.⟧" in parsed.entries[-1].content[0].value


@pytest.fixture
def months(database: Store, tmp_path: Path) -> Store:
    folder = tmp_path / "months"
    shutil.copytree(MONTHS, folder)
    database.publish(folder)
    database.publish(edited_copy(MINIMAL, tmp_path / "mini"), note="moved")
    published.look_again()
    return database


FEEDS = "/app/static/feeds/months-2030"


@pytest.mark.parametrize("lang", ["ja", "ko", "zh", "fr"])
def test_a_replica_serves_each_languages_feed_beside_the_english_one(months: Store, lang: str) -> None:
    program = months.load("months-2030")[0]
    status, head, body, passed = call(f"{FEEDS}/kizuna-2030.{lang}.ics")
    assert (status, passed) == (200, [])
    assert head["content-type"].startswith("text/calendar")
    assert head["content-language"] == lang
    assert body == feed_bytes(program, f"kizuna-2030.{lang}.ics")
    assert f"DESCRIPTION;LANGUAGE={lang}:".encode() in body
    assert call(f"{FEEDS}/kizuna-2030.{lang}.ics", [(b"if-none-match", head["etag"].encode())])[0] == 304
    english = call(f"{FEEDS}/kizuna-2030.ics")
    assert english[0] == 200
    assert english[2] == feed_bytes(program, "kizuna-2030.ics") == export_ics(program, Filter(), refresh=REFRESH)
    assert english[1]["etag"] != head["etag"]
    assert english[1]["content-language"] == "en"


@pytest.mark.parametrize("lang", ["ja", "fr"])
def test_a_replica_serves_each_languages_changes_feed(months: Store, lang: str) -> None:
    status, head, body, _ = call(f"/app/static/feeds/mini-2020/changes.{lang}.atom")
    assert status == 200
    assert head["content-type"] == "application/atom+xml"
    parsed = feedparser.parse(body)
    assert not parsed.bozo
    assert parsed.feed.language == lang
    assert (
        call(f"/app/static/feeds/mini-2020/changes.{lang}.atom", [(b"if-none-match", head["etag"].encode())])[0] == 304
    )
    assert call("/app/static/feeds/mini-2020/changes.atom")[1]["etag"] != head["etag"]


@pytest.mark.parametrize(
    "name",
    [
        "kizuna-2030.de.ics",  # a language Kizuna does not speak
        "kizuna-2030.en.ics",  # English has its one address
        "kizuna-2030.ja.ja.ics",
        "kizuna-2030.JA.ics",
        "kizuna-1999.ja.ics",  # no such feed, in a language Kizuna speaks
        ".ja.ics",
    ],
)
def test_a_feed_in_no_language_kizuna_speaks_is_not_found(months: Store, name: str) -> None:
    assert call(f"{FEEDS}/{name}")[:1] == (404,)


@pytest.mark.parametrize("name", ["changes.de.atom", "changes.en.atom", "changes.ja.ja.atom", "other.ja.atom"])
def test_a_changes_feed_in_no_language_kizuna_speaks_is_not_found(months: Store, name: str) -> None:
    assert call(f"/app/static/feeds/mini-2020/{name}")[:1] == (404,)


@pytest.mark.parametrize(
    "path",
    [
        f"{FEEDS}/../kizuna-2030.ja.ics",
        f"{FEEDS}/ja/../kizuna-2030.ja.ics",
        "/app/static/feeds/../months-2030/kizuna-2030.ja.ics",
        f"{FEEDS}/..%2Fkizuna-2030.ja.ics",
    ],
)
def test_a_path_that_climbs_out_of_a_feeds_folder_is_never_answered_as_a_feed(months: Store, path: str) -> None:
    _, _, body, passed = call(path)
    assert passed == [path]  # not ours: Streamlit's static files, which serve nothing outside static/
    assert body == b"from static/"


def test_a_missing_feed_is_said_in_its_language(months: Store, pseudo: None) -> None:
    status, _, body, _ = call(f"{FEEDS}/kizuna-1999.ja.ics")
    assert (status, body.decode()) == (404, "⟦No such feed.⟧")
    assert call(f"{FEEDS}/kizuna-1999.ics")[2] == b"No such feed."


def test_the_served_feeds_of_every_language_are_kept_within_the_cache_s_budget(
    months: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(published, "_feeds", cache := published.FeedCache(budget=10_000))
    for lang in ("", ".ja", ".ko", ".zh", ".fr"):
        assert call(f"{FEEDS}/kizuna-2030{lang}.ics")[0] == 200
    for turn in range(20):
        assert call(f"{FEEDS}/random-{turn}.ja.ics")[0] == 404
    assert cache.size <= max(cache.budget, max(len(body) for body in cache.files.values()))
    assert all("random" not in str(key) for key in cache.files)


def test_the_served_feed_middleware_refuses_long_tagged_names_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    from kizuna.publishing import programs

    asked: list[str] = []
    monkeypatch.setattr(programs, "feeds_owner", asked.append)
    name = "k" * served_feeds.MAX_NAME_CHARS + ".ja.ics"
    assert call(f"{FEEDS}/{name}")[:1] == (404,)
    assert asked == []


def test_a_directory_programs_feed_in_each_language_is_the_same_bytes_a_replica_makes(
    database: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "directory"
    shutil.copytree(MONTHS, folder)
    set_program_id(folder, "months-2030")
    version = database.publish(folder).version
    published.look_again()
    for path in write_feeds(load_program(folder), tmp_path / "static", folder="months-2030"):
        served = published.published_feed(version, path.name, None)
        assert served is not None, path.name
        assert served.body == path.read_bytes(), path.name
