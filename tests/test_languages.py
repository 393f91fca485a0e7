"""Content in several languages: a program's `languages`, its translation columns, `in_language` and `language_of`,
the problems translation columns can have, and problems shown in the reader's language wherever they were made."""

from __future__ import annotations

import gettext
import io
import json
import pickle
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kizuna import i18n
from kizuna.checks import sandbox
from kizuna.checks.loading import (
    OPTIONAL_FILES,
    SCHEMA,
    check_file,
    load_program,
    problem_row,
    reading_of,
    validate_program,
)
from kizuna.checks.sources import MAX_COLUMNS, Tables, read_tables
from kizuna.checks.workbook import empty_tables, workbook_bytes, write_workbook
from kizuna.i18n import speaking
from kizuna.program import languages
from kizuna.program.languages import in_language, language_of
from kizuna.program.model import Program, Translations, within
from kizuna.program.problems import Problem, said, said_data, said_from, shown

FIXTURES = Path(__file__).parent / "fixtures"
TRANSLATED = FIXTURES / "good" / "translated"
MINIMAL = FIXTURES / "good" / "minimal"


class Marked(gettext.NullTranslations):
    """A stand-in catalogue: every message 'translated' as ⟦message⟧, placeholders kept."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"⟦{singular if n == 1 else plural}⟧"


@pytest.fixture
def marked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every language but English reads the stand-in catalogue (the real ones come with the lead's merge)."""

    def catalogue(lang: str, domain: str) -> gettext.NullTranslations:
        return gettext.NullTranslations() if lang == "en" else Marked()

    monkeypatch.setattr(i18n, "catalogue", catalogue)


@pytest.fixture(scope="module")
def program() -> Program:
    return load_program(TRANSLATED)


def copy_of(folder: Path, tmp_path: Path) -> Path:
    copied = tmp_path / folder.name
    shutil.copytree(folder, copied)
    return copied


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def with_languages(folder: Path, languages_cell: str) -> None:
    edit(folder / "program.csv", "summary,source\n", "summary,source,languages\n")
    edit(folder / "program.csv", ",Hand-written fixture\n", f",Hand-written fixture,{languages_cell}\n")


# The columns


def test_the_languages_and_translation_columns_are_read_into_the_model(program: Program) -> None:
    assert program.languages == ("en", "ja", "ko")
    assert program.title == "Translated Test Program"  # the base columns stay the model's fields
    assert program.translations == {
        "ja": {"title": "翻訳テストプログラム", "short_title": "翻訳テストプログラム", "summary": program_summary_ja()},
        "ko": {"title": "번역 테스트 프로그램", "short_title": "번역 테스트 프로그램"},
    }
    sessions = program.sessions_by_id
    assert sessions["arrival"].translations == {"ja": {"title": "参加者東京着"}, "ko": {"title": "참가자 도쿄 도착"}}
    assert sessions["visit-osaka-castle"].translations == {"ja": {"description": "城内を歩いて見学します。"}}
    assert program.themes["tourism"].translations == {
        "ja": {"label": "観光", "description": "二つのテーマの一つ。"},
        "ko": {"label": "관광"},
    }
    assert program.themes["culture"].translations == {}
    tokyo = program.cities["tokyo"]
    assert (tokyo.name, tokyo.name_ja, tokyo.translations) == (
        "Tokyo",
        "東京",
        {"ja": {"name": "東京"}, "ko": {"name": "도쿄"}},
    )
    assert program.venues["tokyo-station"].translations == {"ja": {"name": "東京駅"}}
    assert program.countries[0].translations == {"ja": {"country": "日本", "capital": "東京"}}


def program_summary_ja() -> str:
    return "英語のプログラムに日本語と一部韓国語の文を添えたものです。"


def test_a_program_without_languages_is_in_english_and_its_japanese_names_are_japanese() -> None:
    minimal = load_program(MINIMAL)
    assert minimal.languages == ("en",)
    assert minimal.translations == {}
    assert minimal.sessions[0].translations == {}
    assert minimal.cities["osaka"].translations == {"ja": {"name": "大阪"}}  # name_ja is name's Japanese translation
    assert in_language(minimal, "ja").cities["osaka"].name == "大阪"


def test_an_empty_languages_cell_means_english(tmp_path: Path) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    with_languages(folder, "")
    assert load_program(folder).languages == ("en",)


def test_language_tags_are_read_as_kizuna_names_them(tmp_path: Path) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    with_languages(folder, '"en-GB  ja-JP,zh-Hans-CN"')
    assert load_program(folder).languages == ("en", "ja", "zh")


def test_translations_are_immutable_hashable_and_pickle(program: Program) -> None:
    session = program.sessions_by_id["arrival"]
    assert {session: 1}[session] == 1
    assert replace(session, translations=Translations()) != session  # a new translation is a change
    with pytest.raises(TypeError):
        session.translations["ja"]["title"] = "x"  # type: ignore[index]
    again = pickle.loads(pickle.dumps(program))
    assert again.sessions_by_id["arrival"].translations == session.translations
    assert hash(again.sessions_by_id["arrival"].translations) == hash(session.translations)


# in_language and language_of


def test_in_language_shows_each_translation_and_the_first_language_where_one_is_missing(program: Program) -> None:
    ja = in_language(program, "ja")
    assert (ja.title, ja.short_title, ja.summary) == (
        "翻訳テストプログラム",
        "翻訳テストプログラム",
        program_summary_ja(),
    )
    sessions = ja.sessions_by_id
    assert sessions["arrival"].title == "参加者東京着"
    assert sessions["visit-osaka-castle"].title == "Visit to Osaka Castle"  # no title_ja: the English one
    assert sessions["visit-osaka-castle"].description == "城内を歩いて見学します。"
    assert (ja.themes["tourism"].label, ja.themes["culture"].label) == ("観光", "Culture")
    assert (ja.cities["tokyo"].name, ja.cities["osaka"].name) == ("東京", "Osaka")
    assert ja.venues["tokyo-station"].name == "東京駅"
    assert [(c.country, c.capital) for c in ja.countries] == [("日本", "東京"), ("Thailand", "Bangkok")]
    ko = in_language(program, "ko")
    assert (ko.title, ko.short_title, ko.summary) == ("번역 테스트 프로그램", "번역 테스트 프로그램", program.summary)
    assert [s.id for s in ja.sessions] == [s.id for s in program.sessions]  # same order, same everything else
    assert ja.sessions_by_id["visit-osaka-castle"].start == program.sessions_by_id["visit-osaka-castle"].start


def test_language_of_says_which_language_each_text_is_shown_in(program: Program) -> None:
    ja, ko = in_language(program, "ja"), in_language(program, "ko")
    castle = ja.sessions_by_id["visit-osaka-castle"]
    assert (language_of(ja, castle, "title"), language_of(ja, castle, "description")) == ("en", "ja")
    assert language_of(ja, ja.cities["osaka"], "name") == "en"
    assert language_of(ja, ja.cities["tokyo"], "name") == "ja"
    assert (language_of(ko, ko, "title"), language_of(ko, ko, "summary")) == ("ko", "en")
    assert language_of(program, program.sessions_by_id["arrival"], "title") == "en"  # the program as loaded
    assert language_of(ja, ja.sessions_by_id["arrival"], "kind") == "en"  # not a text with translations
    assert language_of(ja, "not an item", "title") == "en"
    french = in_language(program, "fr")  # not one of its languages: everything in the first
    assert french.title == program.title
    assert language_of(french, french, "title") == "en"


def test_a_program_written_in_japanese_first(tmp_path: Path) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    with_languages(folder, "ja en")
    edit(folder / "sessions.csv", "venue,title,description", "venue,title,title_en,description")
    edit(folder / "sessions.csv", "Participants arrive in Tokyo,", "参加者東京着,Participants arrive in Tokyo,")
    for title in ("Lecture: Tourism in Tokyo,", "Transfer from Tokyo to Osaka,", "Visit to Osaka Castle,"):
        edit(folder / "sessions.csv", title, f"{title},")
    japanese = load_program(folder)
    assert in_language(japanese, "ja") is japanese
    english = in_language(japanese, "en")
    assert english.sessions_by_id["arrival"].title == "Participants arrive in Tokyo"
    assert language_of(english, english.sessions_by_id["arrival"], "title") == "en"
    assert language_of(english, english.sessions_by_id["lecture-tourism"], "title") == "ja"
    assert language_of(japanese, japanese.sessions_by_id["arrival"], "title") == "ja"


def test_in_language_is_the_program_itself_in_its_first_language_and_cached_otherwise(program: Program) -> None:
    assert in_language(program, "en") is program
    ja = in_language(program, "ja")
    assert in_language(program, "ja") is ja
    assert in_language(ja, "ja") is ja
    assert in_language(ja, "en") is program
    assert in_language(ja, "ko") is in_language(program, "ko")
    untranslated = program.sessions_by_id["transfer-to-osaka"]
    assert untranslated.translations.get("ja")
    assert ja.sessions_by_id["transfer-to-osaka"] is not untranslated
    osaka = program.cities["osaka"]
    assert ja.cities["osaka"] is osaka  # an item with nothing in the language is shared, not copied


def test_in_language_does_one_step_per_item_once_per_program_and_language(
    monkeypatch: pytest.MonkeyPatch, program: Program
) -> None:
    steps: list[object] = []
    in_text = languages.in_text

    def counted(item: object, lang: str) -> object:
        steps.append(item)
        return in_text(item, lang)

    monkeypatch.setattr(languages, "in_text", counted)
    for count in (1_000, 2_000):
        sessions = tuple(replace(program.sessions[n % 3], id=f"session-{n}") for n in range(count))
        big = replace(program, sessions=sessions)
        others = 1 + len(big.themes) + len(big.cities) + len(big.venues) + len(big.countries)
        steps.clear()
        ja = in_language(big, "ja")
        assert len(steps) == count + others
        assert in_language(big, "ja") is ja
        assert len(steps) == count + others
        assert ja.sessions[3].title == "参加者東京着"


# Problems of translation columns


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (
            "en klingon",
            "languages",
            "'klingon' is not a language Kizuna knows; write tags separated by spaces, from: en ja ko zh fr",
        ),
        ("en ja ja-JP", "languages", "'ja-JP' is listed twice (as ja)"),
        (
            "zh-Hant",
            "languages",
            "'zh-Hant' is not a language Kizuna knows; write tags separated by spaces, from: en ja ko zh fr",
        ),
    ],
)
def test_an_unknown_or_repeated_language_is_a_problem_of_the_languages_cell(
    tmp_path: Path, cells: str, column: str, message: str
) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    with_languages(folder, cells)
    assert validate_program(folder) == [Problem("program.csv", 2, column, message)]


def test_a_translation_in_an_undeclared_language_is_a_problem_at_its_column(tmp_path: Path) -> None:
    folder = copy_of(TRANSLATED, tmp_path)
    edit(folder / "program.csv", ",en ja ko\n", ",en ja\n")
    problems = validate_program(folder)
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("program.csv", 1, "title_ko"),
        ("themes.csv", 1, "label_ko"),
        ("cities.csv", 1, "name_ko"),
        ("sessions.csv", 1, "title_ko"),
    ]
    assert problems[-1].message == (
        "title_ko is in a language the program does not declare (ko): add ko to program.csv's languages (en ja), "
        "or remove the column"
    )


def test_an_empty_translation_column_needs_no_language(tmp_path: Path) -> None:
    """The template has translation columns: left empty, they are no problem whatever the languages."""
    folder = copy_of(MINIMAL, tmp_path)
    edit(folder / "themes.csv", "slug,label,colour", "slug,label,label_ko,colour")
    edit(folder / "themes.csv", "tourism,Tourism,", "tourism,Tourism,,")
    edit(folder / "themes.csv", "culture,Culture,", "culture,Culture,,")
    assert validate_program(folder) == []


def test_a_translation_into_the_first_language_is_a_problem(tmp_path: Path) -> None:
    folder = copy_of(TRANSLATED, tmp_path)
    edit(folder / "themes.csv", "label,label_ja,label_ko,", "label,label_ja,label_en,")
    [problem] = validate_program(folder)
    assert (problem.file, problem.row, problem.column) == ("themes.csv", 1, "label_en")
    assert problem.message.startswith("label_en is in the program's first language (en), which label is written in")


@pytest.mark.parametrize(
    ("column", "message"),
    [
        ("title_JA", "a translation column is named title_JA: write title_ja"),
        ("title_zh_hans", "a translation column is named title_zh_hans: write title_zh"),
        ("title_zh-Hans", "a translation column is named title_zh-Hans: write title_zh"),
        ("title_de", "'de' is not a language Kizuna knows; translation columns end in one of: _en, _ja, _ko, _zh, _fr"),
        ("kind_ja", "'kind' is not a column that has translations; in sessions.csv those are: title, description"),
        ("titel_ko", "'titel' is not a column that has translations; in sessions.csv those are: title, description"),
    ],
)
def test_a_column_that_is_almost_a_translation_column_says_what_to_write(
    tmp_path: Path, column: str, message: str
) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    edit(folder / "sessions.csv", "order,status,revision\n", f"order,status,revision,{column}\n")
    assert validate_program(folder) == [Problem("sessions.csv", 1, column, message)]


def test_a_repeated_translation_column_is_a_problem(tmp_path: Path) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    edit(folder / "sessions.csv", "order,status,revision\n", "order,status,revision,title_ja,title_ja\n")
    assert validate_program(folder) == [Problem("sessions.csv", 1, "title_ja", "column appears more than once")]


def test_hostile_languages_and_translation_columns_stay_within_the_limits(tmp_path: Path) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    with_languages(folder, "x" * 9_000)
    [problem] = validate_program(folder)
    assert problem.column == "languages"
    assert len(problem.message) < 200
    edit(folder / "program.csv", "x" * 9_000, "en " * 3_000)
    [problem] = validate_program(folder)
    assert problem.message == "'en' is listed twice (as en)"
    folder = copy_of(MINIMAL, tmp_path / "long")
    long_column = "title_" + "zh-Hans-" * 1_000
    edit(folder / "sessions.csv", "order,status,revision\n", f"order,status,revision,{long_column}\n")
    [problem] = validate_program(folder)
    assert problem.column == long_column
    assert len(problem.message) < 200
    folder = copy_of(MINIMAL, tmp_path / "wide")
    columns = ",".join(f"title_{lang}" for lang in ("ja", "ko", "zh", "fr") * 250)
    edit(folder / "sessions.csv", "order,status,revision\n", f"order,status,revision,{columns}\n")
    [problem] = validate_program(folder)
    assert problem.message == f"sessions.csv: its header row has 1,014 cells; the limit is {MAX_COLUMNS} columns"


def test_translation_problems_in_a_workbook_are_at_their_cells(tmp_path: Path) -> None:
    folder = copy_of(TRANSLATED, tmp_path)
    edit(folder / "program.csv", ",en ja ko\n", ",en ja\n")
    tables = read_tables(folder, list(SCHEMA), OPTIONAL_FILES)
    write_workbook(tables.records, tmp_path / "program.xlsx")
    cells = [problem.cell for problem in check_file(tmp_path / "program.xlsx").problems]
    assert cells == ["program!D1", "themes!D1", "cities!D1", "sessions!J1"]


# Problems in the reader's language


def test_problems_are_shown_in_the_readers_language_and_kept_in_english(marked: None, tmp_path: Path) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    with_languages(folder, "en klingon")
    [problem] = validate_program(folder)
    english = (
        "program.csv:2: languages: 'klingon' is not a language Kizuna knows; write tags separated by spaces, "
        "from: en ja ko zh fr"
    )
    assert str(problem) == english
    with speaking("ja"):
        assert str(problem) == (
            "program.csv:2: languages: ⟦'klingon' is not a language Kizuna knows; write tags separated by spaces, "
            "from: en ja ko zh fr⟧"
        )
        assert problem_row(problem)["problem"] == problem.text == str(problem).split(": ", 2)[2]
        assert problem_row(problem)["cell or row"] == "⟦row 2⟧"
    assert problem.message == english.split(": ", 2)[2]  # what logs and tests read


def test_a_problem_made_in_the_worker_is_shown_in_the_readers_language(marked: None, tmp_path: Path) -> None:
    tables = read_tables(MINIMAL, list(SCHEMA), OPTIONAL_FILES)
    tables.records["sessions.csv"][2][1] = "2020/03/02"
    book = tmp_path / "program.xlsx"
    book.write_bytes(workbook_bytes(tables.records | {"extra.csv": [["a"]]}))
    with sandbox.Pool(size=1) as pool:
        reading = reading_of(pool.read_tables(book, list(SCHEMA), OPTIONAL_FILES))
    [problem] = reading.problems
    [notice] = reading.notices
    assert str(problem) == "program.xlsx: sessions!B3: date: '2020/03/02' is not a date (YYYY-MM-DD)"
    with speaking("ja"):
        assert str(problem) == "program.xlsx: sessions!B3: date: ⟦'2020/03/02' is not a date (YYYY-MM-DD)⟧"
        assert problem_row(problem)["problem"] == "⟦'2020/03/02' is not a date (YYYY-MM-DD)⟧"
        assert shown(notice) == "⟦program.xlsx: sheet 'extra' is not part of a program; ignored⟧"
    assert notice == "program.xlsx: sheet 'extra' is not part of a program; ignored"


def test_a_worker_failure_is_shown_in_the_readers_language(marked: None, tmp_path: Path) -> None:
    book = tmp_path / "sleep.xlsx"
    book.write_bytes(b"x")
    setup = "import time, kizuna.checks.sources as s; s.read_tables = lambda *a, **k: time.sleep(10)"
    with sandbox.Pool(size=1, limits=sandbox.Limits(seconds=1, setup=setup)) as pool:
        [problem] = pool.read_tables(book, list(SCHEMA), OPTIONAL_FILES).problems
    assert str(problem) == "sleep.xlsx: this file could not be read within the limits: it took longer than 1 s"
    with speaking("ja"):
        assert str(problem) == "sleep.xlsx: ⟦this file could not be read within the limits: it took longer than 1 s⟧"


def test_a_message_crosses_from_the_worker_as_its_msgid_and_values() -> None:
    message = said("{value} is not a date (YYYY-MM-DD)", value="'x'")
    data = json.loads(json.dumps(Tables(problems=[Problem("a.csv", 2, "date", message)], notices=[message]).as_data()))
    tables = Tables.from_data(data)
    assert tables.problems[0].message.msgid == tables.notices[0].msgid == "{value} is not a date (YYYY-MM-DD)"
    assert tables.problems[0].message == message
    assert said_from("plain text") == "plain text"
    assert said_data("plain text") == "plain text"


@pytest.mark.parametrize(
    "data",
    [
        {"msgid": "{value.__class__.__mro__}", "params": {"value": "x"}},
        {"msgid": "{value[0]}", "params": {"value": "x"}},
        {"msgid": "{value:>999999999}", "params": {"value": "x"}},
        {"msgid": "{value}", "params": {"value": ["a list"]}},
        {"msgid": "{value}", "params": {}},
        {"msgid": "{0}", "params": {}},
        ["not", "a", "message"],
    ],
)
def test_a_message_from_the_worker_cannot_reach_into_its_values(data: object) -> None:
    with pytest.raises((KeyError, TypeError, ValueError)):
        said_from(data)


def test_a_translation_that_does_not_fit_the_values_shows_the_english(monkeypatch: pytest.MonkeyPatch) -> None:
    class Wrong(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return "{missing} {value.__class__}"

    monkeypatch.setattr(i18n, "catalogue", lambda lang, domain: Wrong())
    with speaking("ja"):
        assert said("{value} is not a date (YYYY-MM-DD)", value="'x'").translated() == "'x' is not a date (YYYY-MM-DD)"


def test_within_is_in_the_readers_language(marked: None) -> None:
    assert within("district") == "within about 3 km"
    with speaking("ko"):
        assert within("approximate") == "⟦within about 500 m⟧"


# The workbook


def test_the_template_has_the_languages_field_and_japanese_translation_columns() -> None:
    tables = empty_tables()
    assert tables["program.csv"][0][-1] == "languages"
    assert tables["program.csv"][0][:3] == ["id", "title", "title_ja"]
    assert "description_ja" in tables["sessions.csv"][0]
    assert "label_ja" in tables["themes.csv"][0]
    assert tables["cities.csv"][0].count("name_ja") == 1  # its own column, once


def test_the_template_instructions_are_in_the_organisers_language(marked: None, tmp_path: Path) -> None:
    english = load_workbook(io.BytesIO(workbook_bytes(empty_tables(), lang="en")))["instructions"]
    assert [cell.value for cell in english[1]] == [
        "sheet",
        "column",
        "required?",
        "meaning",
        "allowed values / format",
        "example",
    ]
    rows = {(row[0], row[1]): row for row in english.iter_rows(values_only=True)}
    assert (
        rows["sessions", "title_ja"][3]
        == "title in Japanese (ja), for readers of that language; empty: title as it is."
    )
    assert rows["program", "languages"][4] == "language tags separated by spaces, from: en ja ko zh fr"
    write_workbook(empty_tables(), tmp_path / "ja.xlsx", lang="ja")
    book = load_workbook(tmp_path / "ja.xlsx")
    sheet = book["instructions"]
    assert next(cell.value for cell in sheet[1]) == "⟦sheet⟧"
    texts = [cell for row in sheet.iter_rows(min_row=2, values_only=True) for cell in row[2:5] if cell]
    assert len(texts) > 100
    assert [text for text in texts if not text.startswith("⟦")] == []
    meanings = {(row[0], row[1]): row[3] for row in sheet.iter_rows(values_only=True)}
    assert meanings["sessions", "title_ja"].startswith("⟦title in 日本語 (ja)")  # the language named in the reader's
    assert meanings["venues", "precision"].startswith("⟦How close the point is to the real place: exact (⟦within about")
    kinds = next(v for v in book["sessions"].data_validations.dataValidation if v.formula1.startswith('"arrival'))
    assert kinds.errorTitle == "⟦Not a kind⟧"
    assert book.sheetnames == ["instructions", "program", "themes", "cities", "venues", "sessions", "countries"]
    assert [cell.value for cell in book["program"][1]] == empty_tables()["program.csv"][0]  # names stay as typed


def test_the_workbook_round_trip_keeps_the_translations(tmp_path: Path, program: Program) -> None:
    """The blank template, filled in as an organiser would (the translated fixture's rows typed into its
    columns), then checked like any upload: the same program and translations as the fixture's folder."""
    path = tmp_path / "program.xlsx"
    write_workbook(empty_tables(), path, lang="ja")
    book = load_workbook(path)
    source = read_tables(TRANSLATED, list(SCHEMA), OPTIONAL_FILES).records
    for name, rows in source.items():
        sheet = book[name.removesuffix(".csv")]
        header = [cell.value for cell in sheet[1]]
        for column in rows[0]:
            if column not in header:  # the template has _ja columns; the fixture also _ko ones
                header.append(column)
                sheet.cell(1, len(header), column)
        for number, row in enumerate(rows[1:], start=2):
            for column, text in zip(rows[0], row, strict=True):
                if text:
                    sheet.cell(number, header.index(column) + 1, text)
    book.save(path)
    reading = check_file(path)
    assert reading.problems == []
    loaded = reading.program
    assert loaded.languages == program.languages
    assert loaded.translations == program.translations
    assert [s.translations for s in loaded.sessions] == [s.translations for s in program.sessions]
    assert {slug: t.translations for slug, t in loaded.themes.items()} == {
        slug: t.translations for slug, t in program.themes.items()
    }
    assert [c.translations for c in loaded.countries] == [c.translations for c in program.countries]
    assert in_language(loaded, "ja").sessions_by_id["arrival"].title == "参加者東京着"


def test_a_converted_program_keeps_its_translation_columns(tmp_path: Path, program: Program) -> None:
    tables = read_tables(TRANSLATED, list(SCHEMA), OPTIONAL_FILES)
    write_workbook(tables.records, tmp_path / "program.xlsx")
    loaded = check_file(tmp_path / "program.xlsx").program
    assert loaded is not None
    assert [s.translations for s in loaded.sessions] == [s.translations for s in program.sessions]
    rows = {
        (row[0], row[1]) for row in load_workbook(tmp_path / "program.xlsx")["instructions"].iter_rows(values_only=True)
    }
    assert {("sessions", "title_ko"), ("sessions", "title_ja"), ("cities", "name_ko")} <= rows
