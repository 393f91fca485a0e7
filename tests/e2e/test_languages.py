"""The dashboard and the Organisers page in the reader's language, in Chromium: `lang=` links (ja, ko, zh, fr), a
browser in Japanese, the picker, the page's `lang` attribute, and axe-core on the page in Japanese.

Every text asserted is the catalogues' (kizuna/translations) or CLDR's, or the 2019 program's own Japanese title,
written out here as a reader sees it. One server for the module: the session's (`app_url`), whose Organisers page
checks an upload with no key and no store, as a fresh install's does; six page loads in all."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from openpyxl import load_workbook
from playwright.sync_api import BrowserContext, Page, expect

from kizuna.cli import main as kizuna
from kizuna.i18n import DOMAINS, catalogue_path

from .conftest import download, open_view, wait_ready
from .test_accessibility import axe_violations, blocking, describe, require_axe
from .test_dashboard import query

PROGRAM_JA = "地方自治体交流協力セミナー2019"  # data/2019/program.csv, title_ja
PROGRAM_EN = "Local Government Exchange and Cooperation Seminar 2019"
UPLOAD = "seminar-2019.xlsx"


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`kizuna template --example` with an hour that does not exist (C3), an unknown venue (G4) and a sheet of notes."""
    path = tmp_path_factory.mktemp("broken") / UPLOAD
    assert kizuna(["template", "--example", "-o", str(path)]) == 0
    book = load_workbook(path)
    sessions = book["sessions"]
    header = [cell.value for cell in sessions[1]]
    sessions.cell(3, header.index("start") + 1, "25:00")
    sessions.cell(4, header.index("venue") + 1, "nowhere")
    book.create_sheet("notes")
    book.save(path)
    return path


@cache
def english_messages() -> tuple[str, ...]:
    """The catalogues' English messages of more than one word, as a page shows them (without Markdown's marks and
    placeholders): none of them may be left on a page in Japanese."""
    found = []
    for domain in DOMAINS:
        with catalogue_path("ja", domain).open("rb") as file:
            catalog = read_po(file)
        for message in catalog:
            if isinstance(message.id, str) and " " in message.id and "{" not in message.id:
                found.append(re.sub(r"[`*]", "", message.id))
    return tuple(found)


def english_left(page: Page) -> list[str]:
    text = page.locator("body").inner_text()
    return [message for message in english_messages() if message in text]


def language_picker(page: Page, label: str):
    return page.get_by_test_id("stSidebar").get_by_role("combobox", name=label)


def expect_document_language(page: Page, tag: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", tag)


def expect_japanese_dashboard(page: Page) -> None:
    expect_document_language(page, "ja")
    expect(page.get_by_role("heading", level=1)).to_have_text(PROGRAM_JA)
    expect(page.get_by_text("2019年12月15日～21日", exact=True)).to_be_visible()  # CLDR's ja interval, full-width ～
    expect(page.get_by_text("セッション19件中19件", exact=True)).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("heading", name="絞り込み")).to_be_visible()
    for label in ("テーマ", "都市", "日付", "種類"):
        expect(sidebar.get_by_role("combobox", name=label)).to_be_visible()
    expect(page.get_by_role("heading", name="予定一覧")).to_be_attached()
    expect(page.get_by_role("button", name="この表示をダウンロード（.ics）")).to_be_visible()
    expect(language_picker(page, "言語")).to_have_value("日本語")
    assert english_left(page) == []
    expect(page.locator('[class*="st-key-lang-"]')).to_have_count(0)  # every text in Japanese: none marked English


def test_a_japanese_link_shows_the_dashboard_in_japanese_and_axe_finds_nothing_serious(
    page: Page, app_url: str
) -> None:
    require_axe()
    open_view(page, f"{app_url}/?lang=ja")
    expect_japanese_dashboard(page)
    assert query(page)["lang"] == ["ja"]  # the link keeps the language
    found = blocking(axe_violations(page))
    assert not found, describe(found, f"the dashboard in Japanese ({page.url})")


def test_a_browser_in_japanese_gets_japanese_and_the_picker_writes_english_into_the_link(
    fresh_context: Callable[..., BrowserContext], app_url: str
) -> None:
    context = fresh_context(locale="ja-JP")
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    open_view(page, app_url)
    expect_japanese_dashboard(page)
    assert "lang" not in query(page)  # the browser chose, not the visitor: a shared link opens in its reader's

    language_picker(page, "言語").click()
    page.get_by_role("option", name="English", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]lang=en(&|$)"))
    expect_document_language(page, "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(PROGRAM_EN)
    expect(page.get_by_text("15–21 December 2019", exact=True)).to_be_visible()
    expect(page.get_by_text("19 of 19 sessions", exact=True)).to_be_visible()
    expect(language_picker(page, "Language")).to_have_value("English")
    wait_ready(page)
    assert {"Reset filters", "Share this view"} <= set(english_left(page))  # what the check looks for, it finds

    own = urlsplit(app_url).netloc
    web = [url for url in requests if urlsplit(url).scheme in ("http", "https", "ws", "wss")]
    assert web, "no request was recorded"
    assert sorted({url for url in web if urlsplit(url).netloc != own}) == []


def test_the_organisers_page_in_japanese_says_an_upload_s_problems_in_japanese_at_their_cells(
    page: Page, app_url: str, broken: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    require_axe()
    page.goto(f"{app_url}/organisers?lang=ja")
    expect(page.get_by_role("heading", name="主催者", level=1)).to_be_visible(timeout=60_000)
    wait_ready(page)
    expect_document_language(page, "ja")
    expect(page.get_by_text("プログラムを確認し、参加者が見るとおりに表示してから公開します。")).to_be_visible()
    expect(page.get_by_role("region", name="プログラム：ブック、.zip、またはCSVファイル")).to_be_visible()

    page.locator('input[type="file"]').set_input_files(broken)
    verdict = (
        f"{UPLOAD}に問題があります（2件）。ファイルを修正して、もう一度アップロードしてください。公開はされていません。"
    )
    expect(page.get_by_text(verdict, exact=True)).to_be_visible(timeout=60_000)
    wait_ready(page)
    expect(page.get_by_text(f"{UPLOAD}：シート'notes'はプログラムの一部ではないため、無視しました")).to_be_visible()

    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_text(["ファイル・シート", "セル・行", "列", "問題"])
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    sheet = f"{UPLOAD} › sessions"
    time = "'25:00'は時刻ではありません（HH:MM、24時間制）"
    venue = re.compile(r"^不明な会場'nowhere'です。登録済みの会場：chofu-garden, .*, tsunoshima-lighthouse$")
    expect(rows.nth(0).get_by_role("cell")).to_have_text([sheet, "C3", "start", time])
    expect(rows.nth(1).get_by_role("cell")).to_have_text([sheet, "G4", "venue", venue])

    report = download(page, "レポートをダウンロード（.txt）", tmp_path).read_text(encoding="utf-8")
    capsys.readouterr()
    assert kizuna(["validate", "--lang", "ja", str(broken)]) != 0
    assert report == capsys.readouterr().out  # the report is `kizuna validate --lang ja`'s, byte for byte
    assert report.startswith(f"{UPLOAD}: sessions!C3: start: {time}\n{UPLOAD}: sessions!G4: venue: 不明な会場")
    assert query(page)["lang"] == ["ja"]
    for english in ("is not valid", "Organisers", "problem"):
        expect(page.get_by_text(english)).to_have_count(0)
    assert english_left(page) == []
    found = blocking(axe_violations(page))
    assert not found, describe(found, f"the Organisers page in Japanese with an upload's problems ({page.url})")


@dataclass(frozen=True)
class Reading:
    """What a reader of one language finds on the dashboard (catalogue and CLDR texts)."""

    attribute: str  # the page's `lang` (BCP 47)
    dates: str  # the program's dates, CLDR's interval format
    count: str  # "19 of 19 sessions", with the language's plural
    filters: str  # the sidebar's heading
    agenda: str
    language: str  # the picker's label
    picked: str  # the language as the picker names it, in itself
    untranslated: str  # the 2019 program has English and Japanese only: said once under its English title


READINGS = {
    "ko": Reading(
        "ko",
        "2019년 12월 15일~21일",
        "세션 19개 중 19개",
        "필터",
        "일정 목록",
        "언어",
        "한국어",
        "이 프로그램에는 한국어 번역이 없습니다. 텍스트는 영어로 표시됩니다.",
    ),
    "zh": Reading(
        "zh-Hans",
        "2019年12月15日\u2009–\u200921日",
        "19个日程中的19个",
        "筛选",
        "议程",
        "语言",
        "中文 (简体)",
        "此日程安排没有中文译文，内容以英语显示。",
    ),
    "fr": Reading(
        "fr",
        "15–21 décembre 2019",
        "19 sur 19 séances",
        "Filtres",
        "Agenda",
        "Langue",
        "Français",
        "Ce programme n’a pas de traduction en français\u00a0; ses textes sont en anglais.",
    ),
}


@pytest.mark.parametrize("lang", READINGS)
def test_a_link_in_korean_chinese_or_french_shows_the_dashboard_in_it(page: Page, app_url: str, lang: str) -> None:
    reading = READINGS[lang]
    open_view(page, f"{app_url}/?lang={lang}")
    expect_document_language(page, reading.attribute)
    expect(page.get_by_role("heading", level=1)).to_have_text(PROGRAM_EN)
    expect(page.get_by_text(reading.untranslated, exact=True)).to_be_visible()
    expect(page.locator('[lang="en"]').get_by_role("heading", level=1)).to_have_text(PROGRAM_EN)  # said English
    expect(page.get_by_text(reading.dates, exact=True)).to_be_visible()
    expect(page.get_by_text(reading.count, exact=True)).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("heading", name=reading.filters)).to_be_visible()
    expect(language_picker(page, reading.language)).to_have_value(reading.picked)
    expect(page.get_by_role("heading", name=reading.agenda, exact=True)).to_be_attached()
    expect(page.get_by_text("19 of 19 sessions", exact=True)).to_have_count(0)
    assert query(page)["lang"] == [lang]
