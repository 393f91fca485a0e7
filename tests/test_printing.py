"""The printed itinerary read back as a reader would: poppler's text, fonts and page sizes, zbar's QR code."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from checkers import require
from directories import TWO, edit_sessions, programs_directory, set_program_id

from kizuna import cli
from kizuna.checks.loading import load_program
from kizuna.i18n import speaking
from kizuna.printing import fonts as font_lookup
from kizuna.printing import itinerary
from kizuna.printing.fonts import CJK_FONT_PACKAGE, FONT_ENV, FontMissing, printing_font
from kizuna.printing.itinerary import NOTHING, print_view
from kizuna.program.dates import day_range, long_day
from kizuna.program.filtering import Filter
from kizuna.program.languages import in_language
from kizuna.publishing.programs import PROGRAMS_ENV
from kizuna.views.maps import LAND_CREDIT, MARKS, ROUTE_ONLY
from kizuna.views.share import View, share_url

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = load_program(ROOT / "data" / "2019")
HOSTILE = ROOT / "tests" / "fixtures" / "good" / "hostile-text"
BASE = "https://kizuna.example.org/"
TOURISM_IN_SHIMONOSEKI = ["--theme", "tourism-promotion", "--city", "shimonoseki"]
NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@pytest.fixture(autouse=True)
def poppler_and_a_plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    require("pdftotext")
    for name in ("KIZUNA_BASE_URL", "KIZUNA_PROGRAM", "KIZUNA_PROGRAMS", "KIZUNA_DEFAULT_PROGRAM", FONT_ENV):
        monkeypatch.delenv(name, raising=False)


def printed(tmp_path: Path, *options: str, paper: str = "a4", base: str | None = BASE) -> Path:
    """`kizuna print` run in this process; the PDF it wrote."""
    path = tmp_path / f"itinerary-{paper}.pdf"
    argv = ["print", *options, "--paper", paper, "-o", str(path)]
    assert cli.main([*argv, "--base-url", base] if base else argv) == 0
    return path


def poppler(tool: str, path: Path, *options: str) -> str:
    return subprocess.run(
        [tool, *options, str(path), *(["-"] if tool == "pdftotext" else [])],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


def text_of(path: Path) -> str:
    """The PDF's text as pdftotext extracts it, every run of white space one space (lines wrap anywhere)."""
    return " ".join(poppler("pdftotext", path, "-enc", "UTF-8").split())


def page_sizes(path: Path) -> set[tuple[int, int]]:
    found = re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+) pts", poppler("pdfinfo", path, "-f", "1", "-l", "9999"))
    return {(round(float(width)), round(float(height))) for width, height in found}


def page_count(path: Path) -> int:
    return int(re.search(r"Pages: +(\d+)", poppler("pdfinfo", path))[1])


def fonts(path: Path) -> list[tuple[str, str]]:
    """(name, embedded) of every font pdffonts lists."""
    rows = poppler("pdffonts", path).splitlines()[2:]
    return [(row.split()[0], row.split()[-5]) for row in rows]


def qr_code(path: Path, tmp_path: Path) -> str:
    """What zbar reads from the first page rendered at 150 dpi."""
    require("zbarimg")
    image = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", "-f", "1", "-l", "1", str(path), str(image)],
        check=True,
        timeout=60,
    )
    found = subprocess.run(["zbarimg", "--raw", "-q", f"{image}.png"], capture_output=True, text=True, timeout=60)
    return found.stdout.strip()


def font_sizes(data: bytes) -> set[float]:
    """Every font size the pages' content streams set (`/F1 8 Tf`)."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL)
    sizes = set()
    for stream in streams:
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue
        sizes |= {float(size) for size in re.findall(rb"/F\d+ ([\d.]+) Tf", content)}
    return sizes


def in_view(options: list[str]) -> tuple[list, list]:
    """The 2019 sessions the options select, and the others."""
    chosen = {
        s.id
        for s in cli.filter_from(cli.build_parser().parse_args(["print", *options, "-o", "x"]), PROGRAM).apply(PROGRAM)
    }
    return [s for s in PROGRAM.sessions if s.id in chosen], [s for s in PROGRAM.sessions if s.id not in chosen]


@pytest.mark.parametrize("paper", ["a4", "a6"])
def test_the_view_prints_each_title_and_japanese_venue_and_nothing_outside_it(tmp_path: Path, paper: str) -> None:
    text = text_of(printed(tmp_path, *TOURISM_IN_SHIMONOSEKI, paper=paper))
    shown, others = in_view(TOURISM_IN_SHIMONOSEKI)
    assert len(shown) == 5
    for session in shown:
        venue = PROGRAM.venues[session.venue_id]
        assert session.title in text
        assert venue.name_ja in text
        assert venue.address_ja in text
        assert venue.address in text
    city_names = {
        city.name_ja for city in PROGRAM.cities.values()
    }  # in the header: "Tokyo (東京) → Shimonoseki (下関)"
    used = {session.venue_id for session in shown}
    for session in others:
        assert session.title not in text
        venue = PROGRAM.venues[session.venue_id]
        if session.venue_id not in used and venue.name_ja not in city_names:
            assert venue.name_ja not in text
    assert "Tourism Promotion · Shimonoseki (5 sessions of 19)" in text


def test_the_whole_program_prints_every_session_day_by_day_with_time_not_given(tmp_path: Path) -> None:
    text = text_of(printed(tmp_path))
    positions = [text.index(session.title) for session in PROGRAM.sessions]
    assert positions == sorted(positions)
    assert text.count("time not given") == len(PROGRAM.sessions)  # the report gives no clock times
    assert text.index("Sunday 15 December 2019") < text.index("Saturday 21 December 2019")
    assert "approximate (within about 500 m)" in text
    assert "city only: the venue is not known" in text
    assert ROUTE_ONLY in text


@pytest.mark.parametrize(
    ("options", "marks"),
    [
        (["--id", "visit-tourist-information-center"], {"exact"}),
        (["--id", "visit-jnto"], {"halo"}),
        (["--kind", "transfer"], {"transfer"}),
        (["--day", "2019-12-17"], {"exact", "halo", "transfer"}),
    ],
)
def test_the_printed_legend_names_only_the_marks_on_its_map(tmp_path: Path, options: list[str], marks: set) -> None:
    text = text_of(printed(tmp_path, *options))
    assert {mark for mark, legend in MARKS.items() if legend in text} == marks
    assert (ROUTE_ONLY in text) == ("transfer" in marks)
    assert LAND_CREDIT in text


@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("a6", (298, 420))])
def test_every_page_has_the_papers_size_and_every_font_is_embedded(tmp_path: Path, paper: str, size: tuple) -> None:
    path = printed(tmp_path, paper=paper)
    assert page_sizes(path) == {size}
    assert page_count(path) > 1
    found = fonts(path)
    assert found
    assert all(embedded == "yes" for _, embedded in found), found
    assert any("IPAexGothic" in name for name, _ in found)


def test_nothing_on_the_pocket_booklet_is_under_8_points(tmp_path: Path) -> None:
    sizes = font_sizes(printed(tmp_path, paper="a6").read_bytes())
    assert sizes
    assert min(sizes) >= 8


@pytest.mark.parametrize("paper", ["a4", "a6"])
def test_the_qr_code_opens_the_same_view_as_the_dashboards_share_link(tmp_path: Path, paper: str) -> None:
    path = printed(tmp_path, *TOURISM_IN_SHIMONOSEKI, paper=paper)
    view = View(filter=Filter.of(themes=["tourism-promotion"], cities=["shimonoseki"]))
    link = share_url(BASE, view)
    assert link == f"{BASE}?theme=tourism-promotion&city=shimonoseki"  # the default program's: no program key
    assert qr_code(path, tmp_path) == link
    assert link in "".join(text_of(path).split())  # the printed link, wrapped where the page ends


def test_a_program_other_than_the_default_carries_its_program_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PROGRAMS_ENV, str(programs_directory(tmp_path / "programs", TWO)))  # 2030's is the default
    path = printed(tmp_path, "--program", "clair-seminar-2019", "--city", "tokyo")
    assert qr_code(path, tmp_path) == f"{BASE}?program=clair-seminar-2019&city=tokyo"


def test_the_same_view_prints_the_same_bytes_as_the_dashboards_call(tmp_path: Path) -> None:
    first = printed(tmp_path, *TOURISM_IN_SHIMONOSEKI).read_bytes()
    again = printed(tmp_path, *TOURISM_IN_SHIMONOSEKI).read_bytes()
    view = View(filter=Filter.of(themes=["tourism-promotion"], cities=["shimonoseki"]))
    assert first == again == print_view(PROGRAM, view, BASE, "a4")
    stamp = PROGRAM.updated.strftime("%Y%m%d%H%M%S")
    assert f"/CreationDate (D:{stamp}Z".encode() in first  # the program's last update, not the clock


def test_an_empty_view_prints_one_page_saying_so(tmp_path: Path) -> None:
    path = printed(tmp_path, "--theme", "multiculturalism", "--city", "shimonoseki", paper="a6")
    assert page_count(path) == 1
    text = text_of(path)
    assert NOTHING in text
    assert "Multiculturalism · Shimonoseki (0 sessions of 19)" in text


def test_without_a_base_url_it_prints_without_a_qr_code_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = printed(tmp_path, "--id", "visit-jnto", base=None)
    assert "without the QR code" in capsys.readouterr().err
    assert "Visit to the Japan National Tourism Organization (JNTO)" in text_of(path)
    assert "Open this view" not in text_of(path)
    assert b"/URI" not in path.read_bytes()


def test_hostile_text_prints_as_text_and_nothing_in_the_file_runs(tmp_path: Path) -> None:
    path = printed(tmp_path, "--program", str(HOSTILE))
    text = text_of(path)
    assert "<script>alert(1)</script> <img src=x onerror=alert(2)>" in text
    assert "**bold** _it_ [link](javascript:alert(1))" in text
    assert "<i>Venue</i> & [markdown](x) 会場" in text
    assert "東京駅" in text
    assert "大阪城" in text
    assert "Visit" in text  # around emoji no font has, each shown as a placeholder
    assert "with a ZWJ family" in text
    data = path.read_bytes()
    assert b"/JavaScript" not in data
    assert b"/AA" not in data  # no action on opening a page or an annotation
    assert set(re.findall(rb"/S /(\w+)", data)) <= {b"URI", b"Transparency"}  # links only (and blending groups)
    assert set(re.findall(rb"/URI \((.*?)\)", data)) == {f"{BASE}?program=mini-2020".encode()}  # not the default


@pytest.mark.parametrize(
    ("options", "valid"),
    [(["--city", "nowhere"], "valid: tokyo, shimonoseki"), (["--day", "2019-13-45"], "valid: 2019-12-15")],
)
def test_an_unknown_filter_value_exits_2_with_the_valid_values(
    tmp_path: Path, capsys: pytest.CaptureFixture, options: list[str], valid: str
) -> None:
    assert cli.main(["print", *options, "-o", str(tmp_path / "x.pdf")]) == 2
    assert valid in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_a_base_url_that_is_not_a_web_address_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["print", "--base-url", "javascript:alert(1)", "-o", str(tmp_path / "x.pdf")]) == 2
    assert "not a web address" in capsys.readouterr().err


def test_without_a_japanese_font_it_exits_1_naming_the_package_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr(font_lookup, "JAPANESE_FONTS", (tmp_path / "none.ttf",))
    assert cli.main(["print", "-o", str(tmp_path / "x.pdf")]) == 1
    err = capsys.readouterr().err
    assert "install the Debian package fonts-ipaexfont-gothic" in err
    assert FONT_ENV in err
    assert "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists()


def test_a_font_setting_that_is_not_a_font_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    not_a_font = tmp_path / "font.ttf"
    not_a_font.write_text("hello", encoding="utf-8")
    monkeypatch.setenv(FONT_ENV, str(not_a_font))
    assert cli.main(["print", "-o", str(tmp_path / "x.pdf")]) == 1
    assert "cannot be read as a font" in capsys.readouterr().err


@pytest.mark.skipif(not itinerary.FALLBACK_FONT.is_file(), reason="fonts-dejavu-core is not installed")
def test_a_font_without_japanese_glyphs_exits_1_rather_than_print_placeholders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv(FONT_ENV, str(itinerary.FALLBACK_FONT))  # DejaVu Sans: Latin, Greek, Arabic, no kanji
    assert cli.main(["print", "--id", "visit-karato-market", "-o", str(tmp_path / "x.pdf")]) == 1
    assert "has no Japanese glyphs" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.skipif(not NOTO_CJK.is_file(), reason="fonts-noto-cjk is not installed")
def test_a_font_collection_prints_with_its_japanese_member(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FONT_ENV, str(NOTO_CJK))
    path = printed(tmp_path, "--id", "visit-karato-market")
    assert [(name.split("+")[-1], embedded) for name, embedded in fonts(path)] == [("NotoSansCJKJP", "yes")]
    assert "唐戸市場" in text_of(path)


def test_an_unknown_paper_is_refused() -> None:
    with pytest.raises(ValueError, match="a4, a6"):
        itinerary.itinerary_pdf(PROGRAM, [], description="", link=None, paper="letter")


@pytest.fixture
def cancelled(tmp_path: Path) -> Path:
    """The 2019 program with Karato Market cancelled."""
    folder = programs_directory(tmp_path / "programs", ("2019",)) / "2019"
    sessions = folder / "sessions.csv"
    lines = sessions.read_text(encoding="utf-8").splitlines()
    lines = [
        re.sub(r",confirmed,(\d+)$", r",cancelled,\1", line) if line.startswith("visit-karato") else line
        for line in lines
    ]
    sessions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_a_cancelled_session_is_marked(tmp_path: Path, cancelled: Path) -> None:
    text = text_of(printed(tmp_path, "--program", str(cancelled), "--day", "2019-12-20"))
    assert "Cancelled: this session will not take place. Visit to Karato Market" in text
    assert text.count("Cancelled") == 1


def test_characters_no_font_has_become_one_visible_placeholder_and_invisible_ones_go() -> None:
    page = itinerary.Itinerary(itinerary.PAPERS["a4"], PROGRAM)
    assert page.printable("a\u200bb\u202ec\u200d 👩🏽 ok\x1b[31m\n下関") == f"abc {page.placeholder} ok[31m 下関"
    assert page.placeholder in "\ufffd□"


@pytest.mark.parametrize("where", ["Dockerfile", "packages.txt", "scripts/bootstrap"])
@pytest.mark.parametrize("package", [font_lookup.FONT_PACKAGE, CJK_FONT_PACKAGE])
def test_the_fonts_are_installed_wherever_the_dashboard_runs(where: str, package: str) -> None:
    text = (ROOT / where).read_text(encoding="utf-8")
    if where == "scripts/bootstrap":  # installed for the dashboard, not only with --test
        text = text.split("if $with_tests", 1)[0]
    assert re.search(rf"(?<![\w-]){re.escape(package)}(?![\w-])", text)


@pytest.mark.parametrize(("length", "paper"), [(3000, "a4"), (600, "a4"), (300, "a6")])
def test_a_link_too_long_for_a_qr_code_a_phone_reads_is_printed_without_one(
    tmp_path: Path, length: int, paper: str
) -> None:
    base = f"https://kizuna.example.org/{'p' * length}/"  # 600: a QR code of 0.3 mm modules on A4; 300 on A6
    path = printed(tmp_path, "--city", "tokyo", base=base, paper=paper)
    assert "p" * length in "".join(text_of(path).split())
    assert qr_code(path, tmp_path) == ""


@pytest.mark.parametrize(("length", "paper"), [(150, "a4"), (120, "a6")])
def test_a_link_of_ordinary_length_gets_a_qr_code_even_on_a6(tmp_path: Path, length: int, paper: str) -> None:
    base = f"https://kizuna.example.org/{'p' * length}/"
    path = printed(tmp_path, "--city", "tokyo", base=base, paper=paper)
    assert qr_code(path, tmp_path) == f"{base}?city=tokyo"


@pytest.mark.parametrize("paper", ["a4", "a6"])
def test_every_page_says_which_day_it_is_on_a_page_that_goes_on_with_one(tmp_path: Path, paper: str) -> None:
    path = printed(tmp_path, paper=paper)
    days = {long_day(session.date) for session in PROGRAM.sessions}
    last_day = None
    for number in range(1, page_count(path) + 1):
        lines = [line.strip() for line in poppler("pdftotext", path, "-f", str(number), "-l", str(number)).splitlines()]
        lines = [line for line in lines if line]
        if number > 1:
            first = lines[0].removesuffix(" (continued)")
            assert first in days, (number, lines[:2])
            if lines[0].endswith(" (continued)"):
                assert first == last_day, (number, first, last_day)
        last_day = next((line for line in reversed(lines) if line.removesuffix(" (continued)") in days), last_day)
        last_day = last_day.removesuffix(" (continued)") if last_day else None


def test_a_published_program_prints_its_version_and_marks_what_that_version_changed(
    tmp_path: Path, database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Version 2 moves a visit and cancels a lecture: the printout says it is version 2, when it was published and
    its note, and marks those two sessions; a program of the directory prints as before."""
    from kizuna.publishing import published
    from kizuna.publishing.programs import choose_program

    monkeypatch.setenv(PROGRAMS_ENV, str(programs_directory(tmp_path / "programs", TWO)))
    for number in (1, 2):
        folder = tmp_path / f"v{number}"
        shutil.copytree(ROOT / "tests" / "fixtures" / "good" / "minimal", folder)
        set_program_id(folder, "next-2031")
        if number == 2:
            castle = {"date": "2020-03-03", "start": "10:00", "end": "11:30"}
            edit_sessions(folder, {"visit-osaka-castle": castle, "lecture-tourism": {"status": "cancelled"}})
        database.publish(folder, note="The castle visit moves" if number == 2 else "")
    published.look_again()
    chosen = choose_program("next-2031")
    (version,) = [v for v in database.versions("next-2031") if v.number == 2]
    path = tmp_path / "v2.pdf"
    path.write_bytes(print_view(chosen.program, View(program="next-2031"), BASE, "a4", chosen.edition))
    text = text_of(path)
    local = version.published_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"Version 2, published {long_day(local.date())} at {local:%H:%M} (Asia/Tokyo)." in text
    assert "Note: The castle visit moves" in text
    assert "Printed from the program as updated" not in text
    assert "Changed in this version: Moved from Wednesday 4 March · Time added: 10:00–11:30" in text
    assert "Cancelled: this session will not take place. Changed in this version: Cancelled" in text
    assert text.count("Changed in this version:") == 2
    first = choose_program("next-2031", version=1)
    path.write_bytes(print_view(first.program, View(program="next-2031", version=1), BASE, "a4", first.edition))
    text = text_of(path)
    assert "Version 1, published" in text
    assert "Changed in this version" not in text  # a first publish changes nothing
    directory = choose_program("clair-seminar-2019")
    assert directory.edition is None
    assert "Printed from the program as updated on" in text_of(printed(tmp_path, "--program", "clair-seminar-2019"))


def printed_in(lang: str, tmp_path: Path, program=PROGRAM, view: View | None = None) -> Path:
    """`print_view` in that language (what `kizuna print --lang` calls)."""
    path = tmp_path / f"itinerary.{lang}.pdf"
    with speaking(lang):
        path.write_bytes(print_view(program, view or View(), BASE, "a4"))
    return path


def font_names(path: Path) -> set[str]:
    """The fonts' names without the subset's tag (ABCDEF+NotoSansCJKKR → NotoSansCJKKR)."""
    return {name.split("+")[-1] for name, _ in fonts(path)}


def all_embedded(path: Path) -> bool:
    found = fonts(path)
    return bool(found) and all(embedded == "yes" for _, embedded in found)


@pytest.mark.parametrize(
    ("lang", "dates", "first_day"),
    [
        ("ja", "2019年12月15日～21日", "12月15日日曜日"),
        ("ko", "2019년 12월 15일~21일", "12월 15일 일요일"),
        ("zh", "2019年12月15日\u2009–\u200921日", "12月15日星期日"),  # CLDR's thin spaces, printed as spaces
        ("fr", "15–21 décembre 2019", "dimanche 15 décembre"),
    ],
)
@pytest.mark.skipif(not NOTO_CJK.is_file(), reason="fonts-noto-cjk is not installed")
def test_a_printout_in_each_language_dates_its_days_as_the_language_does(
    tmp_path: Path, lang: str, dates: str, first_day: str
) -> None:
    path = printed_in(lang, tmp_path)
    text = text_of(path)
    with speaking(lang):
        assert day_range(PROGRAM.start_date, PROGRAM.end_date) == dates
        assert first_day in long_day(PROGRAM.start_date)
        headings = [long_day(day) for day in sorted({session.date for session in PROGRAM.sessions})]
    assert " ".join(dates.split()) in text
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
    assert "Sunday 15 December 2019" not in text
    assert all_embedded(path), fonts(path)
    assert b"/Lang (" + lang.encode() + b")" in path.read_bytes()


@pytest.mark.skipif(not NOTO_CJK.is_file(), reason="fonts-noto-cjk is not installed")
@pytest.mark.parametrize(
    ("lang", "face", "written"),
    [
        ("ko", "NotoSansCJKKR", "지방자치단체 교류협력 세미나 일정"),  # Hangul
        ("zh", "NotoSansCJKSC", "地方政府交流合作研讨会日程（简体中文）"),  # Simplified characters
    ],
)
def test_korean_and_chinese_print_in_their_own_face_of_noto_sans_cjk_every_glyph_drawn(
    tmp_path: Path, lang: str, face: str, written: str
) -> None:
    program = replace(PROGRAM, title=written, short_title=written[:12])
    path = printed_in(lang, tmp_path, program)
    text = text_of(path)
    assert written in text
    assert "唐戸市場" in text  # the Japanese names a taxi driver reads, in the same font
    assert "\ufffd" not in text  # no placeholder: the face has every character
    assert "□" not in text
    assert font_names(path) == {face}
    assert all_embedded(path)


def test_english_and_japanese_print_as_they_always_have_in_ipaex_gothic(tmp_path: Path) -> None:
    if not font_lookup.JAPANESE_FONTS[0].is_file():
        pytest.skip("fonts-ipaexfont-gothic is not installed")
    english = printed(tmp_path, "--id", "visit-karato-market")
    japanese = printed_in("ja", tmp_path, view=View(filter=Filter.of(sessions=["visit-karato-market"])))
    assert font_names(english) == font_names(japanese) == {"IPAexGothic"}
    assert all_embedded(japanese)


def test_the_qr_code_of_a_printout_in_japanese_opens_the_view_in_japanese(tmp_path: Path) -> None:
    view = View(filter=Filter.of(cities=["tokyo"]))
    path = printed_in("ja", tmp_path, view=view)
    assert qr_code(path, tmp_path) == f"{BASE}?city=tokyo&lang=ja"
    assert qr_code(printed_in("en", tmp_path, view=view), tmp_path) == f"{BASE}?city=tokyo"


def test_a_printout_in_japanese_has_the_programs_japanese_texts(tmp_path: Path) -> None:
    with speaking("ja"):
        program = in_language(PROGRAM, "ja")
    text = text_of(printed_in("ja", tmp_path))
    assert program.title in text
    for session in program.sessions:
        assert session.title in text


@pytest.mark.skipif(not NOTO_CJK.is_file(), reason="fonts-noto-cjk is not installed")
@pytest.mark.parametrize(("lang", "face"), [("ja", " JP"), ("en", " JP"), ("fr", " JP"), ("ko", " KR"), ("zh", " SC")])
def test_a_font_collection_gives_each_language_its_face(monkeypatch: pytest.MonkeyPatch, lang: str, face: str) -> None:
    from fontTools.ttLib import TTCollection

    monkeypatch.setenv(FONT_ENV, str(NOTO_CJK))
    found = printing_font(lang)
    with TTCollection(NOTO_CJK, lazy=True) as collection:
        assert collection.fonts[found.index]["name"].getDebugName(1) == f"Noto Sans CJK{face}"


def test_without_noto_sans_cjk_korean_cannot_print_and_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(font_lookup, "CJK_FONTS", (tmp_path / "none.ttc",))
    for lang in ("ko", "zh"):
        with pytest.raises(FontMissing, match=f"install the Debian package {CJK_FONT_PACKAGE}"):
            printing_font(lang)


def test_a_japanese_font_set_for_a_korean_printout_is_refused_for_its_missing_hangul(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ipaex = font_lookup.JAPANESE_FONTS[0]
    if not ipaex.is_file():
        pytest.skip("fonts-ipaexfont-gothic is not installed")
    monkeypatch.setenv(FONT_ENV, str(ipaex))
    assert printing_font("ja").path == ipaex
    with pytest.raises(FontMissing, match="has no Korean glyphs"):
        printing_font("ko")
    with pytest.raises(FontMissing, match="has no Simplified Chinese glyphs"):
        printing_font("zh")


@pytest.mark.parametrize("lang", ["ja", "ko", "zh"])
def test_a_font_collection_that_is_not_a_font_is_refused_in_every_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """A .ttc is opened as a collection to choose the language's face: that too says it is no font, not a traceback."""
    broken = tmp_path / "fonts.ttc"
    broken.write_bytes(b"ttcf but not a collection")
    monkeypatch.setenv(FONT_ENV, str(broken))
    with pytest.raises(FontMissing, match="cannot be read as a font"):
        printing_font(lang)


@pytest.mark.skipif(not NOTO_CJK.is_file(), reason="fonts-noto-cjk is not installed")
@pytest.mark.parametrize(("lang", "dates"), [("ja", "2019年12月15日～21日"), ("ko", "2019년 12월 15일~21일")])
def test_kizuna_print_lang_labels_and_dates_the_printout_from_the_shipped_catalogue(
    tmp_path: Path, lang: str, dates: str
) -> None:
    """What an organiser runs: `kizuna print --lang`, read back by pdftotext, against the catalogue as shipped."""
    from babel.messages.pofile import read_po

    from kizuna.i18n import catalogue_path

    with catalogue_path(lang, "visitors").open("rb") as file:
        shipped = read_po(file)
    labels = [
        shipped.get(msgid).string for msgid in ("Printed from the program as updated on {date}.", "time not given")
    ]
    path = printed(tmp_path, "--lang", lang)
    text = text_of(path)
    assert dates in text
    for label in labels:  # each label's own words, around its placeholders
        words = [part.strip() for part in re.split(r"\{\w+\}", label) if part.strip()]
        assert words, label
        assert all(part in text for part in words), (label, text[:500])
    assert "Printed from the program" not in text
    assert all_embedded(path), fonts(path)
