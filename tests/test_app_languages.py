"""The dashboard in the reader's language (AppTest): `lang=` in links, the browser's locale, the sidebar's picker, the
page's `lang` attribute, downloads made in the reader's language, and a pseudo-locale run that finds any text a
visitor reads that did not go through the catalogues."""

from __future__ import annotations

import contextvars
import dataclasses
import gettext
import re
import shutil
from collections.abc import Iterator, Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import ClassVar

import pytest
from directories import SOURCES, TWO, edit_sessions, programs_directory
from google.protobuf.message import Message
from pages import APP, card, card_texts, card_title, dashboard, downloaded, record_downloads
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block
from test_app_changes import publish_twice

import kizuna.i18n
from kizuna import catalogues
from kizuna.calendars.ics import venue_location
from kizuna.checks.loading import load_program
from kizuna.i18n import DOMAINS, LANGUAGES, language, language_name, speaking
from kizuna.printing import itinerary
from kizuna.program import dates
from kizuna.program.filtering import Filter
from kizuna.program.languages import in_language
from kizuna.program.text import CUT, plain
from kizuna.publishing import published
from kizuna.publishing.store import Store
from kizuna.views.share import LANGUAGE_KEY, View, read_view, share_url, view_query
from kizuna_app import page

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "2019"
PROGRAM = load_program(DATA)
MINIMAL = ROOT / "tests" / "fixtures" / "good" / "minimal"
TRANSLATED = ROOT / "tests" / "fixtures" / "good" / "translated"  # en ja ko, some texts without ja or ko
JNTO = "visit-jnto"
ENGLISH_DATES = "15–21 December 2019"
JAPANESE_DATES = "2019年12月15日～21日"
SETTINGS = ("KIZUNA_PROGRAM", "KIZUNA_PROGRAMS", "KIZUNA_DEFAULT_PROGRAM", "KIZUNA_BASE_URL", "KIZUNA_MAP_STYLE")


@pytest.fixture(autouse=True)
def built_in_program(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)


class Wrapped(gettext.NullTranslations):
    """A catalogue that translates every message into ⟦message⟧: text that went through it shows it did. It keeps
    the messages it was asked for."""

    asked: ClassVar[set[str]] = set()

    def gettext(self, message: str) -> str:
        Wrapped.asked.add(message)
        return f"⟦{message}⟧"

    def ngettext(self, singular: str, plural: str, number: int) -> str:
        Wrapped.asked.add(singular)
        return f"⟦{singular if number == 1 else plural}⟧"


def fake_catalogue(monkeypatch: pytest.MonkeyPatch, *langs: str) -> None:
    """Each of `langs` translated by `Wrapped`, whatever the catalogues shipped hold; the others as before."""
    real = kizuna.i18n.catalogue
    monkeypatch.setattr(
        kizuna.i18n, "catalogue", lambda lang, domain: Wrapped() if lang in langs else real(lang, domain)
    )


def opened(query: dict | None = None, locale: str | None = None) -> AppTest:
    """The visitors' page run once, opened with these query params by a browser with this locale."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query or {})
    if locale:
        at.context["locale"] = locale
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def header_line(at: AppTest) -> str:
    return at.main.markdown[0].value


def address(at: AppTest) -> dict[str, list[str]]:
    return {key: value if isinstance(value, list) else [value] for key, value in at.query_params.items()}


def document_language(at: AppTest) -> str:
    """What the page's script sets as the top document's `lang`; without the script, Streamlit's page's own: "en"."""
    scripts = [html.proto.body for html in at.get("html") if "documentElement.lang" in html.proto.body]
    if not scripts:
        return "en"
    (script,) = scripts
    return re.search(r'documentElement\.lang = "([^"]*)"', script).group(1)


def test_an_english_page_with_nothing_in_another_language_sends_no_script() -> None:
    """Streamlit's html element brings its sanitizer to the browser (13 kB on a first visit): only pages that need
    the script get it, and once a session had it, every later run, so going back to English sets `lang` back."""
    at = dashboard()
    assert not [html for html in at.get("html") if "documentElement.lang" in html.proto.body]
    picker(at).set_value("ja").run()
    assert document_language(at) == "ja"
    with speaking("ja"):
        picker(at).set_value("en").run()
    assert [html for html in at.get("html") if "documentElement.lang" in html.proto.body]
    assert document_language(at) == "en"


def picker(at: AppTest):
    return at.sidebar.selectbox(key="language-picker")


def in_other_languages(at: AppTest) -> dict[str, Block]:
    """The containers keyed with the language of the program texts they hold (`lang-<language>-…`, or for a card
    whose title is such a text `dialog-lang-<language>-…`), by key: the page's script gives each its `lang`."""
    found = {}

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if isinstance(node, Block) and proto is not None and proto.id.startswith("$$ID-"):
            key = proto.id.split("-", 2)[2]  # the frontend's class is `st-key-<key>`
            if key.startswith((page.TEXT_LANGUAGE, page.TITLE_LANGUAGE)):
                assert key not in found, key
                found[key] = node
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


# Choosing the language


def test_a_japanese_link_shows_the_page_in_japanese(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_catalogue(monkeypatch, "ja")
    at = dashboard({"lang": "ja"})
    assert JAPANESE_DATES in header_line(at)
    assert at.sidebar.header[0].value == "⟦Filters⟧"
    assert at.main.subheader[0].value == "⟦Agenda⟧"
    assert picker(at).value == "ja"
    assert document_language(at) == "ja"
    assert address(at)[LANGUAGE_KEY] == ["ja"]  # the link keeps it
    assert in_other_languages(at) == {}  # the 2019 program has every text in Japanese


def test_english_stays_english() -> None:
    at = dashboard()
    assert header_line(at).startswith(f"**{ENGLISH_DATES}**")
    assert at.sidebar.header[0].value == "Filters"
    assert (picker(at).value, document_language(at)) == ("en", "en")
    assert LANGUAGE_KEY not in address(at)  # no choice made: the link leaves it to its reader's browser


@pytest.mark.parametrize(
    ("tag", "lang", "attribute"),
    [
        ("ja", "ja", "ja"),
        ("ja-JP", "ja", "ja"),
        ("zh-Hans", "zh", "zh-Hans"),
        ("zh-CN", "zh", "zh-Hans"),
        ("fr", "fr", "fr"),
    ],
)
def test_a_link_s_language_tag_is_written_back_as_kizuna_names_it(tag: str, lang: str, attribute: str) -> None:
    at = dashboard({"lang": tag})
    assert address(at)[LANGUAGE_KEY] == [lang]
    assert (picker(at).value, document_language(at)) == (lang, attribute)
    assert not at.warning


def test_a_browser_in_japanese_gets_the_page_in_japanese(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_catalogue(monkeypatch, "ja")
    at = opened(locale="ja-JP")
    assert JAPANESE_DATES in header_line(at)
    assert at.sidebar.header[0].value == "⟦Filters⟧"
    assert document_language(at) == "ja"
    assert LANGUAGE_KEY not in address(at)  # the browser chose, not the visitor: a link shared opens in its reader's


@pytest.mark.parametrize("locale", ["de-DE", "zh-TW", "zh-Hant-HK"])
def test_a_browser_in_a_language_kizuna_does_not_speak_gets_english(locale: str) -> None:
    at = opened(locale=locale)
    assert header_line(at).startswith(f"**{ENGLISH_DATES}**")
    assert document_language(at) == "en"


def test_the_link_s_language_wins_over_the_browser_s() -> None:
    at = opened({"lang": "fr"}, locale="ja-JP")
    assert "15–21 décembre 2019" in header_line(at)
    assert document_language(at) == "fr"


@pytest.mark.parametrize("tag", ["xx-bad", "<script>alert(1)</script>", "zh-Hant", "a" * 500])
def test_a_language_kizuna_does_not_speak_gives_a_notice_and_english(tag: str) -> None:
    at = dashboard({"lang": tag, "theme": "water-supply"})
    (notice,) = at.warning
    assert "Ignored the language in the link" in notice.value
    assert "日本語" in notice.value  # what it could have asked for
    assert "<script>" not in notice.value
    assert len(notice.value) < 300
    assert header_line(at).startswith(f"**{ENGLISH_DATES}**")
    assert address(at) == {"theme": ["water-supply"]}  # the rest of the link applies, the bad tag is dropped


def test_a_bad_language_falls_back_to_the_browser_s() -> None:
    at = opened({"lang": "xx-bad"}, locale="ja-JP")
    assert JAPANESE_DATES in header_line(at)
    assert len(at.warning) == 1


def test_the_picker_writes_the_language_into_the_link_and_the_view_stays() -> None:
    at = dashboard({"theme": "water-supply", "session": JNTO})
    picker(at).set_value("ja").run()
    assert address(at) == {"theme": ["water-supply"], "session": [JNTO], LANGUAGE_KEY: ["ja"]}
    assert JAPANESE_DATES in header_line(at)
    assert document_language(at) == "ja"
    assert card_title(at) is not None  # the card stays open
    with speaking("ja"):  # AppTest words the widgets' options in the test's own thread: as the page does
        at.sidebar.multiselect(key="cities").set_value(["shimonoseki"]).run()
        assert address(at)[LANGUAGE_KEY] == ["ja"]  # and the choice stays in the link as the view changes
        picker(at).set_value("en").run()
    assert address(at)[LANGUAGE_KEY] == ["en"]  # chosen, so written, even when it is English
    assert header_line(at).startswith(f"**{ENGLISH_DATES}**")


def test_the_picker_s_choice_wins_over_the_browser_s() -> None:
    at = opened(locale="ja-JP")
    with speaking("ja"):
        picker(at).set_value("ko").run()
    assert "2019년 12월 15일" in header_line(at)
    assert address(at)[LANGUAGE_KEY] == ["ko"]


def test_the_share_link_carries_the_chosen_language() -> None:
    at = dashboard({"lang": "zh-CN", "city": "tokyo"})
    (link,) = [code.value for code in at.sidebar.code]
    assert link == "http://localhost:8501/?city=tokyo&lang=zh"


def test_a_link_shared_in_japanese_opens_the_same_view_in_english_without_lang() -> None:
    query = {"theme": "tourism-promotion", "day": "2019-12-17", "session": JNTO}
    japanese, english = dashboard({**query, LANGUAGE_KEY: "ja"}), dashboard(query)
    assert JAPANESE_DATES in header_line(japanese)
    assert ENGLISH_DATES in header_line(english)
    assert japanese.session_state["open_session"] == JNTO  # the card open, its title in the reader's language
    same = ("themes", "cities", "days", "kinds", "ids", "open_session", "logistics", "home")
    assert [japanese.session_state[key] for key in same] == [english.session_state[key] for key in same]
    assert {k: v for k, v in address(japanese).items() if k != LANGUAGE_KEY} == address(english)


# The share link (kizuna.views.share)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lang_round_trips_through_a_share_link(lang: str) -> None:
    view = View(Filter.of(cities=["tokyo"]), open_session=JNTO, lang=lang)
    url = share_url("http://localhost:8501/", view)
    assert url.endswith(f"&lang={lang}")
    params = {key: [value] for key, value in (part.split("=") for part in url.split("?")[1].split("&"))}
    assert read_view(PROGRAM, params, default_program=PROGRAM.id) == view


def test_a_view_without_a_language_writes_no_lang() -> None:
    assert LANGUAGE_KEY not in view_query(View(Filter.of(cities=["tokyo"])))


@pytest.mark.parametrize(("tag", "lang"), [("zh-Hans", "zh"), ("zh-CN", "zh"), ("ja-JP", "ja"), ("FR", "fr")])
def test_a_link_s_tag_is_read_as_kizuna_names_the_language(tag: str, lang: str) -> None:
    view = read_view(PROGRAM, {LANGUAGE_KEY: [tag]}, default_program=PROGRAM.id)
    assert (view.lang, view.notices) == (lang, ())
    assert view_query(view) == {LANGUAGE_KEY: [lang]}


def test_more_than_one_language_in_a_link_uses_the_first_with_a_notice() -> None:
    view = read_view(PROGRAM, {LANGUAGE_KEY: ["ja", "ko"]}, default_program=PROGRAM.id)
    assert view.lang == "ja"
    assert view.notices == ("Ignored more languages in the link: 'ko'.",)


def test_a_link_s_notices_are_in_the_reader_s_language(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_catalogue(monkeypatch, "ja")
    with speaking("ja"):
        view = read_view(PROGRAM, {"colour": ["red"], LANGUAGE_KEY: ["xx"]}, default_program=PROGRAM.id)
    unknown, language_notice = view.notices
    assert unknown == "⟦Ignored unknown link options: 'colour'.⟧"
    assert language_notice.startswith("⟦Ignored the language in the link, 'xx': this page speaks ")
    assert "日本語" in language_notice


# The page's language attribute


def test_the_language_attribute_is_set_by_a_hidden_element_that_changes_only_with_the_language() -> None:
    at = dashboard()
    first = [html.proto.body for html in at.get("html")]
    at.sidebar.multiselect(key="cities").set_value(["tokyo"]).run()
    assert [html.proto.body for html in at.get("html")] == first  # the same element: the browser runs nothing again
    picker(at).set_value("zh").run()
    assert document_language(at) == "zh-Hans"
    (html,) = [h for h in at.get("html") if "documentElement.lang" in h.proto.body]
    assert html.proto.unsafe_allow_javascript
    assert "display: none" in html.proto.body  # hidden
    assert "http" not in html.proto.body  # and no other host
    # it gives the program's texts in another language theirs too, Chinese as the page's attribute names it, once
    assert '{"zh": "zh-Hans"}' in html.proto.body
    assert html.proto.body.count("new MutationObserver") == 1
    assert "if (!window.kizunaTextLanguages)" in html.proto.body


# Downloads in the reader's language


def test_downloads_are_made_in_the_reader_s_language_and_cached_per_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """The files are made after the run, outside its language: each is made in the page's, and one language's
    file is never served to a reader of another."""
    found = record_downloads(monkeypatch)
    monkeypatch.setattr(page, "export_ics", lambda program, view_filter, base_url=None: language().encode())
    monkeypatch.setattr(itinerary, "print_view", lambda program, view, base, paper, edition=None: language().encode())
    page.calendar_bytes.clear()
    page.print_bytes.clear()
    made = {}
    for lang in ("en", "ja", "fr"):
        at = dashboard({"session": JNTO, LANGUAGE_KEY: lang})
        made[lang] = (downloaded(at, found, "card-ics"), downloaded(at, found, "print-a4"))
    assert made == {lang: (lang.encode(), lang.encode()) for lang in ("en", "ja", "fr")}


def test_the_calendar_cache_is_keyed_by_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page, "export_ics", lambda program, view_filter, base_url=None: language().encode())
    page.calendar_bytes.clear()
    made = [page.calendar_bytes(PROGRAM, "v1", Filter(), None, lang) for lang in ("ja", "en", "ja")]
    assert made == [b"ja", b"en", b"ja"]


def test_the_feed_address_follows_the_reader_s_language(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = []
    real = page.feed_url

    def recording(*args, **kwargs) -> str:
        asked.append(kwargs.get("lang"))
        return real(*args, **kwargs)

    monkeypatch.setattr(page, "feed_url", recording)
    dashboard({LANGUAGE_KEY: "ko"})
    assert asked
    assert set(asked) == {"ko"}


# Texts without a translation


def test_a_program_without_the_reader_s_language_says_so_once_under_its_title(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 2019 program is in English and Japanese: a reader of Korean reads its texts in English, said once in plain
    text under the title rather than beside every text."""
    fake_catalogue(monkeypatch, "ko")
    at = dashboard({LANGUAGE_KEY: "ko", "session": JNTO})
    notes = [caption.value for caption in at.main.caption if "translat" in caption.value]
    assert notes == [plain("⟦This program has no translation into 한국어; its texts are in 영어.⟧")]
    # and each of its texts a screen reader reads, or a font draws, is in a container saying it is English
    found = in_other_languages(at)
    assert [title.value for title in found.pop("lang-en-title").title] == [plain(PROGRAM.title)]
    for entry in PROGRAM.sessions:  # the agenda, one page
        (button,) = found.pop(f"lang-en-agenda-{entry.id}").button
        assert plain(entry.title) in button.label
    jnto = PROGRAM.sessions_by_id[JNTO]
    assert [text.value for text in found.pop("lang-en-card-description").markdown] == [plain(jnto.description)]
    assert found.pop("dialog-lang-en-card").button(key="close-card")  # the card's body: its title is the dialog's
    assert [text.value for text in found.pop("lang-en-about").markdown] == [plain(PROGRAM.summary)]
    assert found == {}  # the venue's line also names it in Japanese: no one language to say


def test_a_text_without_a_translation_is_marked_in_plain_text(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The 2019 program has Japanese: a session whose Japanese title and description are missing is shown in English
    to a reader of Japanese, with a note beside it, and its title is never marked up."""
    folder = tmp_path / "program"
    shutil.copytree(DATA, folder)
    edit_sessions(folder, {JNTO: {"title_ja": "", "description_ja": ""}})
    monkeypatch.setenv("KIZUNA_PROGRAM", str(folder))
    fake_catalogue(monkeypatch, "ja")
    at = opened({LANGUAGE_KEY: "ja", "session": JNTO})
    english = PROGRAM.sessions_by_id[JNTO]
    note = "⟦In 英語, not translated⟧"
    assert card_title(at) == plain(english.title)
    assert plain(note) in [caption.value for caption in card(at).caption]
    assert plain(english.description) in card_texts(at)
    (entry,) = [
        caption.value for caption in at.main.caption if "JNTO" in caption.value or "日本政府観光局" in caption.value
    ]
    assert entry.endswith(plain(f" · {note}"))
    translated = [caption.value for caption in at.main.caption if "⟦In 英語" in caption.value]
    assert len(translated) == 1  # the other sessions have their Japanese
    # and the English texts are in containers saying so, for their lang attribute (the venue's name is Japanese)
    english = {"lang-en-agenda-visit-jnto", "dialog-lang-en-card", "lang-en-card-description"}
    assert set(in_other_languages(at)) == english


def test_english_readers_see_no_translation_notes() -> None:
    at = dashboard({"session": JNTO})
    assert not any("translat" in caption.value for caption in at.caption)
    assert in_other_languages(at) == {}  # nor any container for a text in another language


def test_texts_without_a_translation_sit_in_containers_keyed_with_their_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A reader of Japanese, of a program in English with Japanese texts where some are missing: each text shown in
    English is in a container whose key says so (the page's script gives it lang="en"), beside its note, and the
    keys stay the same on a rerun."""
    monkeypatch.setenv("KIZUNA_PROGRAM", str(TRANSLATED))
    fake_catalogue(monkeypatch, "ja")
    program = load_program(TRANSLATED)
    castle = program.sessions_by_id["visit-osaka-castle"]  # no title_ja; its venue has no name_ja
    at = opened({LANGUAGE_KEY: "ja", "session": castle.id})
    found = in_other_languages(at)
    assert set(found) == {"lang-en-agenda-visit-osaka-castle", "dialog-lang-en-card", "lang-en-card-venue"}
    (button,) = found["lang-en-agenda-visit-osaka-castle"].button
    assert button.label == f"🟥 {plain(castle.title)}"
    assert card_title(at) == plain(castle.title)
    assert found["dialog-lang-en-card"].button(key="close-card")  # the card's body, in the dialog: whose title
    venue = program.venues[castle.venue_id]
    assert [text.value for text in found["lang-en-card-venue"].markdown] == [plain(venue_location(venue))]
    assert plain("⟦In 英語, not translated⟧") in [caption.value for caption in card(at).caption]  # the note stays
    with speaking("ja"):  # AppTest words the widgets' values again in the test's thread
        at.run()
    assert set(in_other_languages(at)) == set(found)

    # in Korean: the program's title is translated, two session titles and its summary are not, nor any description
    at = opened({LANGUAGE_KEY: "ko", "session": "transfer-to-osaka"})
    found = in_other_languages(at)
    assert set(found) == {
        "lang-en-agenda-transfer-to-osaka",
        "lang-en-agenda-visit-osaka-castle",
        "dialog-lang-en-card",
        "lang-en-card-description",
        "lang-en-about",  # the venue's line names it in Japanese too: not one language
    }
    transfer = program.sessions_by_id["transfer-to-osaka"]
    assert [text.value for text in found["lang-en-card-description"].markdown] == [plain(transfer.description)]
    assert [text.value for text in found["lang-en-about"].markdown] == [plain(program.summary)]


# Every text a visitor reads goes through the catalogues


PSEUDO = "ko"  # the language the pseudo-locale runs in: its dates are CLDR's, every message is ⟦wrapped⟧
READ = {"label", "help", "body", "options", "title", "placeholder", "alt", "raw_value"}  # proto fields people read
BRANDS = ("Outlook.com", "Office 365")
LETTER = re.compile(r"[^\W\d_]")
WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")
ESCAPE = re.compile(r"\\(.)")
DIRECTIVE = re.compile(r":material/\w+:|:[a-z]+\[")  # Streamlit Markdown's icons and colours: ':orange[', not words


def read_texts(node: object) -> Iterator[str]:
    """Every string of the page's elements a visitor reads, widgets' labels and options included."""
    proto = getattr(node, "proto", None)
    if isinstance(proto, Message) and type(node).__name__ != "Html":  # its script and style, not text
        yield from proto_texts(proto)
    for child in getattr(node, "children", {}).values():
        yield from read_texts(child)


def proto_texts(message: Message) -> Iterator[str]:
    for descriptor, value in message.ListFields():
        values = value if descriptor.is_repeated else [value]
        if descriptor.message_type is not None:
            for item in values:
                if isinstance(item, Message):
                    yield from proto_texts(item)
        elif descriptor.type == descriptor.TYPE_STRING and descriptor.name in READ:
            yield from values


def content(value: object, seen: set[int] | None = None) -> Iterator[str]:
    """Every text a program carries (its data, in every language it has), which the catalogues never hold."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from content(getattr(value, field.name), seen)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from content(key, seen)
            yield from content(item, seen)
    elif isinstance(value, tuple | list | frozenset | set):
        for item in value:
            yield from content(item, seen)


def program_dates(program) -> Iterator[str]:
    """The program's days and times as the current language writes them."""
    days = {*program.days, *(session.date for session in program.sessions)}
    for day in days:
        yield from (dates.short_day(day), dates.day_heading(day), dates.long_day(day), dates.day_month(day))
        yield dates.day_month(day, short=True)
    yield dates.day_range(program.start_date, program.end_date)
    for session in program.sessions:
        yield dates.time_span(session.start, session.end)
        yield dates.short_moment(session.date, session.start)


def untranslated_words(texts: list[str], *programs, others: tuple[str, ...] = ()) -> list[str]:
    """The texts that still hold a word once what went through a catalogue (⟦…⟧), the programs' own texts and
    dates, the languages' own names, brand names and `others` are taken out."""
    known = {*map(language_name, LANGUAGES), *BRANDS, *others}
    with speaking(PSEUDO):
        for program in programs:
            known |= {*content(program), *content(in_language(program, PSEUDO)), *program_dates(program)}
    ordered = sorted((text for text in known if LETTER.search(text)), key=len, reverse=True)
    found = []
    for text in texts:
        rest = DIRECTIVE.sub(" ", ESCAPE.sub(r"\1", text.replace(CUT, "")))
        while WRAPPED.search(rest):
            rest = WRAPPED.sub(" ", rest)
        for known_text in ordered:
            rest = rest.replace(known_text, " ")
        if LETTER.search(rest):
            found.append(text)
    return found


@pytest.fixture
def pseudo(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_catalogue(monkeypatch, PSEUDO)
    Wrapped.asked.clear()


@cache
def extracted() -> frozenset[str]:
    """Every message `scripts/translations` finds in the sources, so the catalogues can hold it."""
    messages = (message.id for domain in DOMAINS for message in catalogues.extract(domain) if message.id)
    return frozenset(message if isinstance(message, str) else message[0] for message in messages)


def visible(at: AppTest) -> list[str]:
    texts = list(read_texts(at._tree))
    assert texts
    return texts


@pytest.mark.parametrize(
    "query",
    [{}, {"show": "changes", "session": JNTO}, {"session": "transfer-to-shimonoseki", "show": "home"}],
    ids=["default", "changes-and-card", "transfer-card"],
)
def test_every_text_of_the_visitors_page_goes_through_the_catalogues(pseudo: None, query: dict) -> None:
    at = dashboard({**query, LANGUAGE_KEY: PSEUDO})
    assert untranslated_words(visible(at), PROGRAM) == []
    assert all(box.proto.placeholder.startswith("⟦") for box in at.multiselect)  # Streamlit's own says it in English
    assert sorted(Wrapped.asked - extracted()) == []  # asked for, but hidden from extraction (in an f-string, say)


def test_every_text_of_the_driver_view_goes_through_the_catalogues(pseudo: None) -> None:
    at = dashboard({"session": JNTO, LANGUAGE_KEY: PSEUDO})
    with speaking(PSEUDO):  # AppTest formats the widgets' values again in the test's thread
        at.button(key="driver-show").click().run()
    assert untranslated_words(visible(at), PROGRAM) == []


@pytest.fixture
def published_twice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database: Store) -> object:
    """next-2031 published twice (version 2 moves a visit and cancels a lecture), next to the programs directory."""
    monkeypatch.setenv("KIZUNA_PROGRAMS", str(programs_directory(tmp_path / "programs", TWO)))
    monkeypatch.setenv("KIZUNA_STATIC_DIR", str(tmp_path / "static"))
    monkeypatch.setattr(published, "DEFAULT_DATABASE", tmp_path / "var" / "kizuna.sqlite3")
    return load_program(publish_twice(database, tmp_path))


def test_every_text_of_a_published_program_s_changes_goes_through_the_catalogues(
    pseudo: None, published_twice: object
) -> None:
    at = dashboard({"program": "next-2031", "show": "changes", "session": "visit-osaka-castle", LANGUAGE_KEY: PSEUDO})
    assert at.session_state["changes"]
    notes = ("First cut", "The castle visit moves")  # the organisers' notes: their words, not the interface's
    texts = [text for text in visible(at) if text not in notes]
    in_directory = [load_program(SOURCES[name]) for name in TWO]  # the program picker names them
    assert untranslated_words(texts, published_twice, *in_directory) == []


def test_every_text_of_a_broken_program_s_panel_goes_through_the_catalogues(
    pseudo: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "program"
    shutil.copytree(DATA, folder)
    edit_sessions(folder, {"visit-jnto": {"date": "2019-12-32"}})
    monkeypatch.setenv("KIZUNA_PROGRAM", str(folder))
    at = opened({LANGUAGE_KEY: PSEUDO})
    (table,) = at.dataframe
    assert all(heading.startswith("⟦") for heading in table.value.columns)
    assert untranslated_words(visible(at), PROGRAM, others=(str(folder),)) == []


def test_the_pseudo_locale_check_finds_a_text_that_is_not_translated() -> None:
    assert untranslated_words(["⟦Filters⟧", "Tokyo", "Filters"], PROGRAM) == ["Filters"]
    assert untranslated_words([f"**{date(2019, 12, 16).day}** ⟦a⟧ · Shimonoseki"], PROGRAM) == []


def test_the_card_speaks_the_language_it_was_opened_in_when_a_click_inside_reruns_it_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A click inside the card reruns the dialog alone, in a new thread that did not start at `navigation.main`
    (a browser showed the card's dates in English after 'Show the driver' and back); AppTest reruns the whole page,
    so the dialog's function is run here as such a run starts: in a fresh context."""
    heard = []
    monkeypatch.setattr(page, "session_card", lambda *card: heard.append(language()))
    contextvars.Context().run(page.card_in, "fr", "the card's arguments")
    assert heard == ["fr"]
