"""What the views write, in the reader's language: every text the 2019 program's map, timeline, agenda, driver card,
filter label, marks and change wording show is a translated string, program content or a CLDR date (read through a
pseudo-catalogue that wraps each translation in ⟦…⟧); plurals as each language has them; the change wording in
Japanese word order, keeping its facts; caches per language."""

from __future__ import annotations

import dataclasses
import gettext
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from kizuna import i18n
from kizuna.checks.loading import load_program
from kizuna.program.changes import compare, described, details, summary
from kizuna.program.dates import day_heading, long_day, short_day
from kizuna.program.filtering import Filter, describe, shown_of
from kizuna.program.model import PRECISIONS, Program, ordered, within
from kizuna.program.text import counted, kind_label, listed
from kizuna.publishing.history import Moment, Step
from kizuna.views import timeline
from kizuna.views.agenda import entry_details
from kizuna.views.driver import driver_card
from kizuna.views.maps import PRECISION_LABELS, build_deck, location_note, map_legend
from kizuna.views.marks import Edition, change_log, changed_when, published_line, step_marks

PROGRAM = load_program(Path(__file__).resolve().parent.parent / "data" / "2019")
KARATO = "visit-karato-market"  # Friday 20 December 2019, no time
LIGHTHOUSE = "visit-tsunoshima-lighthouse"
AT = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")
PLACEHOLDER = re.compile(r"(\{[a-z_]+\})")


def wrapped(message: str) -> str:
    """'Moved from {day}' → '⟦Moved from ⟧{day}': the words wrapped, the placeholders left out, so what fills them is
    checked too."""
    return "".join(part if PLACEHOLDER.fullmatch(part) else f"⟦{part}⟧" for part in PLACEHOLDER.split(message) if part)


class Wrapping(gettext.NullTranslations):
    """A pseudo-catalogue: every translation is its English words in ⟦…⟧, so what is not wrapped was not
    translated."""

    def gettext(self, message: str) -> str:
        return wrapped(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return wrapped(singular if n == 1 else plural)


def clear_caches() -> None:
    timeline.chart_without_data.cache_clear()
    timeline.days_named.cache_clear()


@pytest.fixture
def pseudo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Japanese dates (CLDR) and pseudo-translated strings."""
    real = i18n.catalogue
    monkeypatch.setattr(i18n, "catalogue", lambda lang, domain: real(lang, domain) if lang == "en" else Wrapping())
    clear_caches()
    with i18n.speaking("ja"):
        yield
    clear_caches()


def catalogue_of(folder: Path, lang: str, entries: dict) -> None:
    messages = Catalog(locale=i18n.CLDR[lang], domain="visitors")
    for msgid, string in entries.items():
        messages.add(msgid, string)
    path = folder / lang / "LC_MESSAGES" / "visitors.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as file:
        write_po(file, messages)


@pytest.fixture
def own_catalogues(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Catalogues written by the test (a few real entries), not the shipped ones."""
    monkeypatch.setattr(i18n, "TRANSLATIONS", tmp_path)
    i18n.catalogue.cache_clear()
    clear_caches()
    yield tmp_path
    i18n.catalogue.cache_clear()
    clear_caches()


VOCABULARY = ("id", "slug", "kind", "status", "precision", "confidence", "group", "colour", "source")  # not content


def content(*programs: Program) -> list[str]:
    """Every text of the programs' own (titles, names, addresses, notes, labels), longest first."""
    items = []
    for program in programs:
        items += [program, *program.sessions, *program.venues.values(), *program.cities.values()]
        items += [*program.themes.values(), *program.countries]
    texts = {"Asia/Tokyo"}  # the program's time zone, named as the IANA names it
    for item in items:
        for field in dataclasses.fields(item):
            value = getattr(item, field.name)
            if isinstance(value, str) and field.name not in VOCABULARY:
                texts.update(line.strip() for line in value.splitlines() if line.strip())
    return sorted(texts, key=len, reverse=True)


def untranslated(text: str, texts: list[str]) -> str:
    """What is left of `text` once the programs' texts and every translated string are taken out: Latin letters
    left are English that did not go through a catalogue."""
    for piece in texts:
        text = text.replace(piece, " ")
    text = WRAPPED.sub(" ", text)
    return "".join(re.findall(r"[A-Za-z]+", text))


def assert_translated(texts: list[str], *programs: Program) -> None:
    assert texts
    own = content(PROGRAM, *programs)
    left = {text: untranslated(text, own) for text in texts}
    assert {text: rest for text, rest in left.items() if rest} == {}


def edited(program: Program, session_id: str, **fields: object) -> Program:
    sessions = [dataclasses.replace(s, **fields) if s.id == session_id else s for s in program.sessions]
    return dataclasses.replace(program, sessions=ordered(sessions))


def without(program: Program, session_id: str) -> Program:
    return dataclasses.replace(program, sessions=ordered(s for s in program.sessions if s.id != session_id))


def every_change(program: Program) -> Program:
    """A version of the program with each kind of change: moved (date, time, venue, city), cancelled, removed,
    added, edited (title, description, themes, kind)."""
    karato = program.sessions_by_id[KARATO]
    version = edited(program, KARATO, date=date(2019, 12, 19), start=time(10), end=time(11, 30))
    version = edited(version, LIGHTHOUSE, status="cancelled")
    version = edited(version, "visit-jnto", venue_id="chofu-garden", city="shimonoseki")
    version = edited(version, "visit-chofu-garden", title="Chofu Garden", description="New words.", kind="lecture")
    version = edited(version, "visit-mori-museum", themes=("tourism-promotion",))
    version = without(version, "visit-tsunoshima-bridge")
    added = dataclasses.replace(karato, id="farewell-dinner", title="Farewell dinner", order=karato.order + 50)
    return dataclasses.replace(version, sessions=ordered([*version.sessions, added]))


def steps_of(*programs: Program) -> tuple[Step, ...]:
    """Programs published one a day from AT as versions 1, 2 …"""
    steps, previous = [], None
    for number, program in enumerate(programs, 1):
        moment = Moment(AT + timedelta(days=number - 1), number, False, number)
        steps.append(Step(moment, program, compare(previous, program) if previous else ()))
        previous = program
    return tuple(steps)


def withdrawal_of(steps: tuple[Step, ...], restored: Program) -> tuple[Step, ...]:
    last = steps[-1]
    moment = Moment(last.moment.at + timedelta(days=1), last.moment.number - 1, True, last.moment.number)
    return (*steps, Step(moment, restored, compare(last.program, restored)))


# --- every text translated --------------------------------------------------------------------------------------


def test_the_agenda_the_filter_label_and_the_counts_are_translated_or_content(pseudo: None) -> None:
    cancelled = [dataclasses.replace(s, status="cancelled") for s in PROGRAM.sessions]
    texts = [entry_details(PROGRAM, session) for session in [*PROGRAM.sessions, *cancelled]]
    filters = [Filter.of(kinds=[kind]) for kind in PROGRAM.kinds] + [
        Filter.of(themes=PROGRAM.themes, cities=PROGRAM.cities, days=PROGRAM.days, sessions=["visit-jnto"])
    ]
    texts += [describe(PROGRAM, view_filter) for view_filter in filters]
    texts += [shown_of(n, len(PROGRAM.sessions)) for n in (0, 1, 5)]
    texts += [counted(n, noun) for n in (1, 2) for noun in ("session", "day", "problem")]
    assert_translated(texts)
    assert "12月18日" in describe(PROGRAM, Filter.of(days=[date(2019, 12, 18)]))  # the day as CLDR writes it


def test_the_map_tooltips_legend_and_location_notes_are_translated_or_content(pseudo: None) -> None:
    marks = {KARATO: "⟦Cancelled⟧", LIGHTHOUSE: "⟦Moved from ⟧12月20日金曜日"}
    cancelled = edited(PROGRAM, KARATO, status="cancelled")
    deck = json.loads(build_deck(cancelled, cancelled.sessions, show_home=True, marks=marks).to_json())
    texts = [
        row[key]
        for layer in deck["layers"]
        if isinstance(layer["data"], list)
        for row in layer["data"]
        for key in ("label", "name")
        if key in row
    ]
    texts += [map_legend(), map_legend(None, PROGRAM, PROGRAM.sessions)]
    texts += [location_note(venue) for venue in PROGRAM.venues.values()]
    assert_translated(texts)
    crowded = dataclasses.replace(PROGRAM.venues["chofu-garden"])
    many = [dataclasses.replace(PROGRAM.sessions_by_id[KARATO], id=f"k{n}", venue_id=crowded.id) for n in range(7)]
    crowd = json.loads(build_deck(PROGRAM, many).to_json())
    (marker,) = next(layer for layer in crowd["layers"] if layer["id"] == "venues")["data"]
    assert "⟦… and ⟧2⟦ more (click to list them)⟧" in marker["label"]


def test_the_driver_card_says_what_is_missing_in_the_readers_language(pseudo: None) -> None:
    venues = list(PROGRAM.venues.values())
    variants = [dataclasses.replace(v, name_ja="", address="", address_ja="") for v in venues]
    variants += [dataclasses.replace(v, address_ja="") for v in venues]
    texts = [text for venue in [*venues, *variants] for text in driver_card(venue).small]
    assert_translated(texts)


def test_the_timeline_titles_rows_and_legend_are_translated_or_content(pseudo: None) -> None:
    cancelled = edited(PROGRAM, LIGHTHOUSE, status="cancelled")
    spec = timeline.build_timeline(cancelled, cancelled.sessions, marks={KARATO: "⟦Moved⟧"})
    blocks = spec["layer"][0]
    texts = [item["title"] for item in blocks["encoding"]["tooltip"]] + [blocks["encoding"]["color"]["title"]]
    texts += blocks["encoding"]["color"]["scale"]["domain"] + blocks["encoding"]["x"]["scale"]["domain"]
    shown = ("day", "title", "label", "change", "when", "city", "venue", "theme", "themes")
    texts += [row[key] for row in spec["data"]["values"] for key in shown if row[key] != "—"]
    many = dataclasses.replace(
        PROGRAM,
        sessions=tuple(dataclasses.replace(PROGRAM.sessions[1], id=f"s{n}") for n in range(timeline.DETAIL_LIMIT + 1)),
    )
    counted_spec = timeline.build_timeline(many, many.sessions)
    texts += [item["title"] for item in counted_spec["encoding"]["tooltip"]]
    texts += [counted_spec["encoding"]["y"]["title"], counted_spec["encoding"]["color"]["title"]]
    assert_translated(texts)
    assert blocks["encoding"]["x"]["scale"]["domain"][2].startswith("12月17日(火)|")  # CLDR, not Vega, writes days


def test_the_change_wording_and_marks_are_translated_or_content(pseudo: None) -> None:
    version = every_change(PROGRAM)
    changes = compare(PROGRAM, version)
    assert {change.kind for change in changes} == {"moved", "cancelled", "removed", "added", "edited"}
    restored = compare(edited(PROGRAM, LIGHTHOUSE, status="cancelled"), PROGRAM)
    texts = [summary(changes), summary(restored), summary(()), summary(compare(None, PROGRAM))]
    texts += [described(change) for change in (*changes, *restored)]
    texts += [details(change) for change in changes if change.fields]
    steps = withdrawal_of(steps_of(PROGRAM, version), PROGRAM)
    texts += list(step_marks(steps[:2]).values()) + list(step_marks(steps).values())
    edition = Edition(2, AT + timedelta(days=1), "", steps[:2], ((1, "First"), (2, "Second")))
    for shown in (edition, dataclasses.replace(edition, steps=steps)):
        for entry in change_log(shown, "Asia/Tokyo"):
            texts += [entry.heading, *entry.lines]
        texts += [changed_when(shown, "Asia/Tokyo")]
    texts += [published_line(edition, "Asia/Tokyo")]
    assert_translated(texts, version)


def test_every_kind_and_precision_has_its_words() -> None:
    """The labels name every kind the data may hold, and the precision labels say the radii model.within says."""
    from kizuna.program.model import KINDS

    assert {kind: kind_label(kind) for kind in KINDS}["courtesy-call"] == "courtesy call"
    assert all(kind_label(kind) == kind.replace("-", " ") for kind in KINDS)  # English as before
    assert [PRECISION_LABELS[p] for p in PRECISIONS[:3]] == [
        f"exact ({within('exact')})",
        f"approximate ({within('approximate')})",
        f"district only ({within('district')})",
    ]


# --- the change wording in Japanese -----------------------------------------------------------------------------

JAPANESE = {
    "{items}, {item}": "{items}、{item}",
    "{items}; {item}": "{items}／{item}",
    ("moves {count} session", "moves {count} sessions"): ("セッションの日時・場所の変更{count}件",),
    ("cancels {count}", "cancels {count}"): ("中止{count}件",),
    ("adds {count}", "adds {count}"): ("追加{count}件",),
    ("edits {count}", "edits {count}"): ("内容編集{count}件",),
    ("removes {count}", "removes {count}"): ("削除{count}件",),
    "Moved: {title}": "日時・場所の変更：{title}",
    "{change} — {details}": "{change}（{details}）",
    "{field}: {old} → {new}": "{field}：{old} → {new}",
    "date": "日付",
    "time": "時間",
    "status": "状態",
    "confirmed": "確定",
    "cancelled": "中止",
    "Cancelled: {title}": "中止：{title}",
    "(none)": "なし",
    "Moved from {day}": "日程を変更（変更前：{day}）",
    "Time added: {time}": "時間を追加：{time}",
    "Time changed from {time}": "時間を変更（変更前：{time}）",
    ("First published, with {count} session.", "First published, with {count} sessions."): (
        "初めて公開されました（セッション{count}件）。",
    ),
}


def test_the_change_wording_in_japanese_is_whole_phrases_that_keep_the_facts(own_catalogues: Path) -> None:
    catalogue_of(own_catalogues, "ja", JAPANESE)
    moved = edited(PROGRAM, KARATO, date=date(2019, 12, 19), start=time(10))
    version = edited(moved, LIGHTHOUSE, status="cancelled")
    with i18n.speaking("ja"):
        changes = compare(PROGRAM, version)
        assert summary(changes) == "セッションの日時・場所の変更1件、中止1件"
        assert described(changes[0]) == (
            "日時・場所の変更：Visit to Karato Market"
            "（日付：2019年12月20日金曜日 → 2019年12月19日木曜日／時間：なし → 10:00）"
        )
        assert described(changes[1]) == "中止：Visit to Tsunoshima Lighthouse（状態：確定 → 中止）"
        marks = step_marks(steps_of(PROGRAM, moved))
        assert marks == {KARATO: "日程を変更（変更前：12月20日金曜日） · 時間を追加：10:00"}
        (first,) = change_log(Edition(1, AT, "", steps_of(PROGRAM)), "Asia/Tokyo")
        assert first.lines == (f"初めて公開されました（セッション{len(PROGRAM.sessions)}件）。",)
    # The same changes in English, after Japanese: nothing kept from it.
    assert summary(compare(PROGRAM, version)) == "moves 1 session, cancels 1"
    assert described(compare(PROGRAM, version)[0]).startswith("Moved: Visit to Karato Market — date: Friday 20")


def test_a_kind_change_names_the_kinds_in_the_readers_words_and_english_keeps_the_datas(pseudo: None) -> None:
    (change,) = compare(PROGRAM, edited(PROGRAM, "courtesy-call-mayor", kind="visit"))
    assert details(change) == "⟦kind⟧⟦: ⟧⟦courtesy call⟧⟦ → ⟧⟦visit⟧"
    with i18n.speaking("en"):
        (change,) = compare(PROGRAM, edited(PROGRAM, "courtesy-call-mayor", kind="visit"))
        assert details(change) == "kind: courtesy-call → visit"


# --- plurals ----------------------------------------------------------------------------------------------------

PLURALS = {
    ("{count} session", "{count} sessions"): {
        "ja": ("{count}件のセッション",),
        "fr": ("{count} séance", "{count} de séances", "{count} séances"),
    },
    ("{shown} of {total} session", "{shown} of {total} sessions"): {
        "ja": ("セッション{total}件中{shown}件",),
        "fr": ("{shown} sur {total} séance", "{shown} sur {total} de séances", "{shown} sur {total} séances"),
    },
    ("moves {count} session", "moves {count} sessions"): {
        "ja": ("セッションの日時・場所の変更{count}件",),
        "fr": ("déplace {count} séance", "déplace {count} de séances", "déplace {count} séances"),
    },
}


def test_plural_forms_in_english_japanese_and_french(own_catalogues: Path) -> None:
    for lang in ("ja", "fr"):
        catalogue_of(own_catalogues, lang, {ids: forms[lang] for ids, forms in PLURALS.items()})
    moved = edited(PROGRAM, KARATO, date=date(2019, 12, 19))
    two = edited(moved, LIGHTHOUSE, date=date(2019, 12, 20))
    seen = {}
    for lang in ("en", "ja", "fr"):
        with i18n.speaking(lang):
            seen[lang] = (
                [counted(n, "session") for n in (0, 1, 2, 1_000_000)],
                [shown_of(1, 1), shown_of(1, 19), shown_of(0, 19)],
                [summary(compare(PROGRAM, moved)), summary(compare(PROGRAM, two))],
            )
    assert seen["en"] == (
        ["0 sessions", "1 session", "2 sessions", "1000000 sessions"],
        ["1 of 1 session", "1 of 19 sessions", "0 of 19 sessions"],
        ["moves 1 session", "moves 2 sessions"],
    )
    assert seen["ja"] == (
        ["0件のセッション", "1件のセッション", "2件のセッション", "1000000件のセッション"],
        ["セッション1件中1件", "セッション19件中1件", "セッション19件中0件"],
        ["セッションの日時・場所の変更1件", "セッションの日時・場所の変更2件"],
    )
    assert seen["fr"] == (  # CLDR: 0 and 1 take the singular, a million "de"
        ["0 séance", "1 séance", "2 séances", "1000000 de séances"],
        ["1 sur 1 séance", "1 sur 19 séances", "0 sur 19 séances"],
        ["déplace 1 séance", "déplace 2 séances"],
    )


def test_a_list_is_joined_as_the_language_joins_it(own_catalogues: Path) -> None:
    catalogue_of(own_catalogues, "ja", {"{items}, {item}": "{items}、{item}"})
    assert listed(["Tourism", "Culture", "Sport"]) == "Tourism, Culture, Sport"
    with i18n.speaking("ja"):
        assert listed(["観光", "文化", "スポーツ"]) == "観光、文化、スポーツ"
        assert listed([]) == ""
        assert listed(["{x}"]) == "{x}"  # content is never read as a pattern


# --- caches and the reader's script -----------------------------------------------------------------------------


def test_the_timeline_is_built_once_per_program_and_language_and_never_mixes_them(pseudo: None) -> None:
    english = (PROGRAM.days[2], "Tue 17 Dec|Tokyo → Shimonoseki")
    with i18n.speaking("en"):
        first = timeline.build_timeline(PROGRAM, PROGRAM.sessions)
    japanese = timeline.build_timeline(PROGRAM, PROGRAM.sessions)
    with i18n.speaking("en"):
        again = timeline.build_timeline(PROGRAM, PROGRAM.sessions)
    assert first == again
    assert first["layer"][0]["encoding"]["x"]["scale"]["domain"][2] == english[1]
    assert japanese["layer"][0]["encoding"]["x"]["scale"]["domain"][2] == f"{short_day(english[0])}|Tokyo → Shimonoseki"
    assert japanese["layer"][0]["encoding"]["tooltip"][0]["title"] == "⟦Session⟧"
    assert first["layer"][0]["encoding"]["tooltip"][0]["title"] == "Session"
    assert "locale" not in first["config"]  # English as before
    assert japanese["config"]["locale"]["number"]["thousands"] == ","
    assert timeline.chart_without_data.cache_info().currsize == 2


def test_names_in_another_script_are_drawn_by_the_map() -> None:
    def text_layers(program: Program) -> list[dict]:
        spec = json.loads(build_deck(program, program.sessions, show_home=True).to_json())
        return [layer for layer in spec["layers"] if layer["@@type"] == "TextLayer"]

    assert all("characterSet" not in layer for layer in text_layers(PROGRAM))  # ASCII names: deck.gl's default
    tokyo = dataclasses.replace(PROGRAM.cities["tokyo"], name="東京")
    japanese = dataclasses.replace(PROGRAM, cities={**PROGRAM.cities, "tokyo": tokyo})
    cities = next(layer for layer in text_layers(japanese) if layer["id"] == "cities")
    assert cities["characterSet"] == "auto"


def test_dates_in_the_wording_follow_the_language() -> None:
    friday = date(2019, 12, 20)
    with i18n.speaking("ja"):
        assert (day_heading(friday), long_day(friday)) == ("12月20日金曜日", "2019年12月20日金曜日")
        (change,) = compare(PROGRAM, edited(PROGRAM, KARATO, date=date(2019, 12, 19)))
        assert (change.fields[0].old, change.fields[0].new) == ("2019年12月20日金曜日", "2019年12月19日木曜日")


def test_a_reader_of_japanese_is_not_told_a_venues_japanese_name_twice() -> None:
    karato = dataclasses.replace(PROGRAM.venues["karato-market"], name="唐戸市場")  # as in_language gives it in ja
    assert driver_card(karato).name == "唐戸市場"
    assert "唐戸市場" not in driver_card(karato).small
    assert driver_card(PROGRAM.venues["karato-market"]).small[0] == "Karato Market"
    program = dataclasses.replace(PROGRAM, venues={**PROGRAM.venues, "karato-market": karato})
    deck = json.loads(build_deck(program, [program.sessions_by_id[KARATO]]).to_json())
    (marker,) = next(layer for layer in deck["layers"] if layer["id"] == "venues")["data"]
    assert "唐戸市場 / 唐戸市場" not in marker["label"]
    assert "\n唐戸市場\n" in marker["label"]
