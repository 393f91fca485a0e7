"""The dashboard run headless with Streamlit's AppTest: filters, share links, hostile links, downloads, bad data."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pyarrow as pa
import pytest
from directories import FIVE, IDS, SOURCES, TWO, programs_directory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from pages import card_texts, card_title, click_chart, dashboard, downloaded, record_downloads
from streamlit.testing.v1 import AppTest

from kizuna.checks.loading import load_program
from kizuna.program.filtering import Filter
from kizuna.program.model import LOGISTICS_KINDS
from kizuna.program.text import plain
from kizuna.views.share import read_view

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
DATA = ROOT / "data" / "2019"
PROGRAM = load_program(DATA)
TOTAL = len(PROGRAM.sessions)
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def built_in_program(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts from the built-in program and no public address."""
    for name in ("KIZUNA_PROGRAM", "KIZUNA_PROGRAMS", "KIZUNA_DEFAULT_PROGRAM", "KIZUNA_BASE_URL", "KIZUNA_MAP_STYLE"):
        monkeypatch.delenv(name, raising=False)


STREAMLIT_KEYS = {"embed", "embed_options"}  # Streamlit's own; st.query_params never shows them to the app


def url_params(at: AppTest) -> dict[str, list[str]]:
    """The address bar the app wrote, as lists of values (what the app itself reads)."""
    return {
        key: value if isinstance(value, list) else [value]
        for key, value in at.query_params.items()
        if key not in STREAMLIT_KEYS
    }


def count_line(at: AppTest) -> str:
    lines = [m.value for m in at.main.markdown if " sessions** · " in m.value]
    assert len(lines) == 1, [m.value for m in at.main.markdown]
    return lines[0]


def shown_count(at: AppTest) -> int:
    return int(count_line(at).removeprefix("**").split(" of ")[0])


def deck(at: AppTest) -> dict:
    (chart,) = at.get("deck_gl_json_chart")
    return json.loads(chart.proto.json)


def deck_layer(at: AppTest, layer_id: str) -> list[dict]:
    return next(item["data"] for item in deck(at)["layers"] if item["id"] == layer_id)


def timeline_ids(at: AppTest) -> list[str]:
    (chart,) = at.get("vega_lite_chart")
    return pa.ipc.open_stream(chart.proto.data.data).read_all().column("id").to_pylist()


def agenda_ids(at: AppTest) -> list[str]:
    return [b.key.removeprefix("agenda-") for b in at.main.button if b.key and b.key.startswith("agenda-")]


def ids(view_filter: Filter) -> list[str]:
    return [s.id for s in view_filter.apply(PROGRAM)]


# The default view


def test_the_default_view_shows_the_whole_program_without_errors() -> None:
    at = dashboard()
    assert at.title[0].value == PROGRAM.title
    assert count_line(at) == f"**{TOTAL} of {TOTAL} sessions** · All sessions"
    assert TOTAL == 19
    assert not at.warning
    assert not at.error
    assert url_params(at) == {}
    assert at.sidebar.code[0].value == "http://localhost:8501/"


def test_the_default_view_has_the_map_timeline_agenda_and_downloads() -> None:
    at = dashboard()
    (chart,) = at.get("deck_gl_json_chart")
    assert json.loads(chart.proto.tooltip) == {"text": "{label}"}
    assert [layer["id"] for layer in deck(at)["layers"]] == [
        "sea",
        "land",
        "land-detail",
        "uncertainty",
        "transfers",
        "venues",
        "places",
        "cities",
    ]
    assert len(deck_layer(at, "venues")) == 11  # 13 venues, two pairs sharing a point
    assert timeline_ids(at) == ids(Filter())
    assert agenda_ids(at) == ids(Filter())
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        "Download this view (.ics)",
        "A4, the desk copy",  # Print (PDF)
        "A6, a pocket booklet",
        "Download the whole program (.ics)",
    ]
    assert "card-ics" not in [b.key for b in at.get("download_button")]
    assert card_title(at) is None
    assert any("as a list" in c.value for c in at.main.caption)  # the agenda: the map as text


def test_the_header_escapes_the_data_it_shows() -> None:
    at = dashboard()
    (about,) = at.expander
    assert plain(PROGRAM.summary) in [m.value for m in about.markdown]
    assert "🟧 Tourism Promotion" in at.main.markdown[0].value
    assert at.main.markdown[0].value.startswith("**15–21 December 2019**")


# Filters


@pytest.mark.parametrize(
    ("widget", "value", "count", "query"),
    [
        ("themes", ["tourism-promotion"], 7, {"theme": ["tourism-promotion"]}),
        ("themes", ["multiculturalism", "water-supply"], 2, {"theme": ["multiculturalism", "water-supply"]}),
        ("cities", ["shimonoseki"], 12, {"city": ["shimonoseki"]}),
        ("cities", ["tokyo"], 9, {"city": ["tokyo"]}),
        ("days", ["2019-12-18"], 5, {"day": ["2019-12-18"]}),
        ("days", ["2019-12-15", "2019-12-21"], 2, {"day": ["2019-12-15", "2019-12-21"]}),
        ("kinds", ["visit"], 9, {"kind": ["visit"]}),
        ("kinds", ["transfer"], 2, {"kind": ["transfer"]}),
    ],
)
def test_each_filter_changes_the_count_and_writes_the_url(
    widget: str, value: list[str], count: int, query: dict
) -> None:
    at = dashboard()
    at.multiselect(key=widget).set_value(value).run()
    assert not at.exception
    assert shown_count(at) == count
    assert url_params(at) == query
    view = read_view(PROGRAM, url_params(at))
    assert ids(view.filter) == timeline_ids(at) == agenda_ids(at)
    assert len(ids(view.filter)) == count
    assert at.sidebar.code[0].value == "http://localhost:8501/?" + urlencode(query, doseq=True)


def test_the_logistics_toggle_hides_arrival_transfers_overnight_and_departure() -> None:
    at = dashboard()
    at.toggle(key="logistics").set_value(False).run()
    assert shown_count(at) == 14
    everyday = sorted(set(PROGRAM.kinds) - LOGISTICS_KINDS)
    assert url_params(at) == {"kind": everyday}
    assert not any(PROGRAM.sessions_by_id[i].is_logistics for i in agenda_ids(at))
    assert deck_layer(at, "transfers") == []
    at.toggle(key="logistics").set_value(True).run()
    assert shown_count(at) == TOTAL
    assert url_params(at) == {}


def test_filters_combine_and_the_map_follows() -> None:
    at = dashboard()
    at.multiselect(key="themes").set_value(["tourism-promotion"])
    at.multiselect(key="cities").set_value(["tokyo"]).run()
    assert shown_count(at) == 2
    assert url_params(at) == {"theme": ["tourism-promotion"], "city": ["tokyo"]}
    markers = deck_layer(at, "venues")
    assert sorted(i for m in markers for i in m["session_ids"]) == ["visit-jnto", "visit-tourist-information-center"]


def test_a_filter_matching_nothing_says_so() -> None:
    at = dashboard()
    at.multiselect(key="themes").set_value(["water-supply"])
    at.multiselect(key="cities").set_value(["tokyo"]).run()
    assert shown_count(at) == 0
    assert any("No session matches" in info.value for info in at.info)
    assert agenda_ids(at) == []


def test_the_home_countries_toggle_adds_the_capitals_and_writes_show_home() -> None:
    at = dashboard()
    at.toggle(key="home").set_value(True).run()
    assert shown_count(at) == TOTAL
    assert url_params(at) == {"show": ["home"]}
    assert len(deck_layer(at, "home-capitals")) == 9


def test_the_reset_button_clears_every_filter_and_closes_the_card() -> None:
    at = dashboard({"theme": "multiculturalism", "city": "tokyo", "session": "visit-jnto", "show": "home"})
    at.toggle(key="logistics").set_value(False)
    at.multiselect(key="days").set_value(["2019-12-16"]).run()
    assert shown_count(at) == 1
    (reset,) = [b for b in at.sidebar.button if b.label == "Reset filters"]
    reset.click().run()
    assert not at.exception
    assert shown_count(at) == TOTAL
    assert url_params(at) == {}
    for widget in ("themes", "cities", "days", "kinds"):
        assert at.multiselect(key=widget).value == []
    assert at.toggle(key="logistics").value is True
    assert at.toggle(key="home").value is False
    assert card_title(at) is None


# Share links


def test_a_share_link_restores_the_widgets_and_opens_the_session_card() -> None:
    link = {
        "theme": ["tourism-promotion", "multiculturalism"],
        "city": "tokyo",
        "day": "2019-12-16",
        "kind": "visit",
        "session": "visit-tourist-information-center",
        "show": "home",
    }
    at = dashboard(link)
    assert not at.warning
    assert at.multiselect(key="themes").value == ["multiculturalism", "tourism-promotion"]
    assert at.multiselect(key="cities").value == ["tokyo"]
    assert at.multiselect(key="days").value == ["2019-12-16"]
    assert at.multiselect(key="kinds").value == ["visit"]
    assert at.toggle(key="logistics").value is False  # visits only: no logistics either way
    assert at.toggle(key="home").value is True
    assert shown_count(at) == 2
    assert card_title(at) == plain("Visit to the Tourist Information Center (TIC)")
    keys = [b.key for b in at.get("download_button")]
    assert keys == [None, "print-a4", "print-a6", None, "card-pdf", "card-ics"]  # the card's own print and calendar
    tic = PROGRAM.venues["tokyo-tourist-information-center"]
    assert deck_layer(at, "open-session") == [{"position": [tic.lon, tic.lat]}]
    assert read_view(PROGRAM, url_params(at)) == read_view(
        PROGRAM, {k: v if isinstance(v, list) else [v] for k, v in link.items()}
    )


def test_a_share_link_without_logistics_restores_the_toggle_off() -> None:
    everyday = sorted(set(PROGRAM.kinds) - LOGISTICS_KINDS)
    at = dashboard({"kind": everyday})
    assert at.multiselect(key="kinds").value == []
    assert at.toggle(key="logistics").value is False
    assert shown_count(at) == 14
    assert url_params(at) == {"kind": everyday}


def test_a_link_to_one_session_opens_its_card_over_the_whole_program() -> None:
    at = dashboard({"session": "visit-karato-market"})
    assert shown_count(at) == TOTAL
    assert card_title(at) == plain("Visit to Karato Market")
    assert url_params(at) == {"session": ["visit-karato-market"]}


def test_the_link_is_read_once_so_widget_changes_win() -> None:
    at = dashboard({"theme": "water-supply"})
    assert shown_count(at) == 1
    at.multiselect(key="themes").set_value([]).run()
    assert shown_count(at) == TOTAL
    assert url_params(at) == {}


@pytest.mark.parametrize(
    ("query", "count", "clean"),
    [
        ({"theme": HOSTILE}, TOTAL, {}),
        ({"day": "2019-13-45"}, TOTAL, {}),
        ({"theme": [HOSTILE] * 1_000}, TOTAL, {}),
        ({"theme": ["water-supply"] * 1_000}, 1, {"theme": ["water-supply"]}),
        ({HOSTILE: HOSTILE, "city": "tokyo"}, 9, {"city": ["tokyo"]}),
        ({"session": HOSTILE, "show": HOSTILE, "kind": "x" * 10_000}, TOTAL, {}),
    ],
    ids=["script-theme", "bad-day", "1000-script-themes", "1000-good-themes", "script-key", "bad-session-show-kind"],
)
def test_a_hostile_link_warns_escaped_applies_the_rest_and_cleans_the_url(query: dict, count: int, clean: dict) -> None:
    at = dashboard(query)
    assert at.warning
    for warning in at.warning:
        assert "<script>" not in warning.value
        assert len(warning.value) < 500
    assert shown_count(at) == count
    assert url_params(at) == clean
    assert card_title(at) is None


def test_streamlit_embed_options_pass_through_without_a_warning() -> None:
    at = dashboard({"embed": "true", "theme": "water-supply"})
    assert not at.warning
    assert shown_count(at) == 1
    assert at.query_params == {"embed": "true", "theme": "water-supply"}


def test_switching_logistics_off_drops_logistics_kinds_from_the_picker() -> None:
    at = dashboard()
    at.multiselect(key="kinds").set_value(["arrival", "visit"]).run()
    assert shown_count(at) == 10
    at.toggle(key="logistics").set_value(False).run()
    assert not at.exception
    assert at.multiselect(key="kinds").value == ["visit"]
    assert "arrival" not in at.multiselect(key="kinds").options
    assert shown_count(at) == 9
    assert url_params(at) == {"kind": ["visit"]}


def test_a_bad_date_in_the_link_is_named_in_the_warning() -> None:
    at = dashboard({"day": ["2019-13-45", "2019-12-19"]})
    assert shown_count(at) == 3
    assert any("2019\\-13\\-45" in w.value for w in at.warning)


def test_a_thousand_repeated_keys_warn_that_the_link_was_cut() -> None:
    at = dashboard({"theme": [HOSTILE] * 1_000})
    assert any("50 of 1000" in w.value for w in at.warning)
    assert len(at.warning) == 2


query_keys = st.sampled_from(["theme", "city", "day", "kind", "session", "show", "embed"]) | st.text(max_size=20)
known_values = [value for values in (PROGRAM.themes, PROGRAM.cities, PROGRAM.kinds) for value in values]
known_values += [d.isoformat() for d in PROGRAM.days] + [s.id for s in PROGRAM.sessions] + ["home"]
query_values = st.lists(st.sampled_from(known_values) | st.text(max_size=60), min_size=1, max_size=5)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=st.dictionaries(query_keys, query_values, max_size=6))
def test_any_query_string_renders_without_an_exception_and_leaves_a_clean_url(query: dict) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == PROGRAM.title
    written = read_view(PROGRAM, url_params(at))
    assert written.notices == ()
    assert shown_count(at) == len(written.filter.apply(PROGRAM))
    for warning in at.warning:
        assert "<script" not in warning.value


# Selecting a session


def test_clicking_an_agenda_entry_opens_its_card_and_writes_session_to_the_url() -> None:
    at = dashboard()
    at.button(key="agenda-visit-jnto").click().run()
    assert not at.exception
    assert card_title(at) == plain("Visit to the Japan National Tourism Organization (JNTO)")
    assert url_params(at) == {"session": ["visit-jnto"]}
    jnto = PROGRAM.venues["jnto-head-office"]
    assert deck_layer(at, "open-session") == [{"position": [jnto.lon, jnto.lat]}]
    assert shown_count(at) == TOTAL
    assert "session=visit-jnto" in at.sidebar.code[0].value


def test_clicking_a_timeline_block_opens_its_card_and_writes_session_to_the_url() -> None:
    at = dashboard({"theme": "tourism-promotion"})
    (timeline,) = at.get("vega_lite_chart")
    (click,) = json.loads(timeline.proto.spec)["params"]  # what a click on a block sets: the page must read it back
    click_chart(at, "timeline", {click["name"]: [{"id": "visit-jnto"}]})
    assert card_title(at) == plain("Visit to the Japan National Tourism Organization (JNTO)")
    assert url_params(at) == {"theme": ["tourism-promotion"], "session": ["visit-jnto"]}
    jnto = PROGRAM.venues["jnto-head-office"]
    assert deck_layer(at, "open-session") == [{"position": [jnto.lon, jnto.lat]}]


def test_clicking_a_shared_map_marker_opens_its_first_session_and_lists_the_others() -> None:
    at = dashboard()
    markers = deck_layer(at, "venues")
    index, marker = next((i, m) for i, m in enumerate(markers) if len(m["session_ids"]) > 1)
    click_chart(at, "map", {"indices": {"venues": [index]}, "objects": {"venues": [marker]}})
    first, *others = marker["session_ids"]
    assert card_title(at) == plain(PROGRAM.sessions_by_id[first].title)
    assert url_params(at) == {"session": [first]}
    assert [b.key.removeprefix("here-") for b in at.button if (b.key or "").startswith("here-")] == others


def test_clicking_another_entry_moves_the_card_and_close_shuts_it() -> None:
    at = dashboard()
    at.button(key="agenda-visit-jnto").click().run()
    at.button(key="agenda-departure").click().run()
    assert card_title(at) == plain("Participants return home")
    assert url_params(at) == {"session": ["departure"]}
    at.button(key="close-card").click().run()
    assert card_title(at) is None
    assert url_params(at) == {}
    assert "open-session" not in [layer["id"] for layer in deck(at)["layers"]]


def test_the_card_shows_the_venue_precision_and_escaped_description() -> None:
    at = dashboard({"session": "visit-mori-museum"})
    session = PROGRAM.sessions_by_id["visit-mori-museum"]
    texts = card_texts(at)
    assert plain(session.description) in texts
    assert "**Wednesday 18 December 2019** · time not given" in texts
    assert any("approximate" in text and "Hofu" in text for text in texts)  # precision and the venue note


# Downloads


def event_ids(data: bytes) -> list[str]:
    """The session ids of a calendar's events, from their UIDs (`<session id>@<program id>.kizuna`)."""
    return [str(event["UID"]).split("@")[0] for event in Calendar.from_ical(data).walk("VEVENT")]


def cli_export(options: list[str]) -> bytes:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("KIZUNA_PROGRAM", None)
    env.pop("KIZUNA_BASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "kizuna", "export", *options], capture_output=True, cwd=ROOT, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


@pytest.mark.parametrize(
    ("widgets", "logistics", "options", "count"),
    [
        (
            {
                "themes": ["tourism-promotion", "regional-revitalisation"],
                "cities": ["shimonoseki"],
                "days": ["2019-12-18", "2019-12-19"],
                "kinds": ["visit"],
            },
            True,
            "--theme tourism-promotion --theme regional-revitalisation --city shimonoseki"
            " --day 2019-12-18 --day 2019-12-19 --kind visit",
            4,
        ),
        (
            {"cities": ["tokyo"]},
            False,
            "--city tokyo --kind briefing --kind courtesy-call --kind exchange --kind lecture --kind visit",
            4,
        ),
        ({"days": ["2019-12-17"]}, True, "--day 2019-12-17", 3),
    ],
    ids=["four-facets", "tokyo-without-logistics", "one-day"],
)
def test_the_view_download_equals_kizuna_export_with_the_same_options(
    widgets: dict, logistics: bool, options: str, count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = record_downloads(monkeypatch)
    at = dashboard()
    for key, value in widgets.items():
        at.multiselect(key=key).set_value(value)
    at.toggle(key="logistics").set_value(logistics).run()
    assert not at.exception
    assert shown_count(at) == count
    page_bytes = downloaded(at, found, "Download this view (.ics)")
    assert page_bytes == cli_export(options.split())
    assert event_ids(page_bytes) == agenda_ids(at)
    assert len(agenda_ids(at)) == count


def test_the_whole_program_download_equals_kizuna_export_without_options(monkeypatch: pytest.MonkeyPatch) -> None:
    found = record_downloads(monkeypatch)
    at = dashboard({"theme": "water-supply"})
    assert shown_count(at) == 1
    page_bytes = downloaded(at, found, "Download the whole program (.ics)")
    assert page_bytes == cli_export([])
    assert event_ids(page_bytes) == [session.id for session in PROGRAM.sessions]


def test_the_cards_calendar_download_is_that_one_session(monkeypatch: pytest.MonkeyPatch) -> None:
    found = record_downloads(monkeypatch)
    at = dashboard({"city": "tokyo", "session": "visit-karato-market"})  # a card outside the filter: its own event
    page_bytes = downloaded(at, found, "card-ics")
    assert event_ids(page_bytes) == ["visit-karato-market"]
    assert page_bytes == cli_export(["--id", "visit-karato-market"])


# A broken program folder


def corrupt_copy(tmp_path: Path, file: str, row: int, column: str, value: str) -> Path:
    folder = tmp_path / "program"
    folder.mkdir()
    for source in DATA.glob("*.csv"):
        (folder / source.name).write_bytes(source.read_bytes())
    with (folder / file).open(newline="", encoding="utf-8") as handle:
        records = list(csv.reader(handle))
    records[row - 1][records[0].index(column)] = value  # row as a spreadsheet numbers it: header = 1
    with (folder / file).open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(records)
    return folder


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "message"),
    [
        ("sessions.csv", 6, "date", "2019-12-32", "'2019-12-32' is not a date (YYYY-MM-DD)"),
        ("venues.csv", 4, "lat", "north", "north"),
        ("themes.csv", 3, "colour", HOSTILE, "colour"),
    ],
)
def test_an_invalid_program_shows_an_error_panel_naming_file_row_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, file: str, row: int, column: str, value: str, message: str
) -> None:
    folder = corrupt_copy(tmp_path, file, row, column, value)
    monkeypatch.setenv("KIZUNA_PROGRAM", str(folder))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (error,) = at.error
    assert "has 1 problem; fix it and reload the page." in error.value
    assert plain(str(folder)) in error.value
    (table,) = at.dataframe
    problems = table.value.to_dict("records")
    assert [(p["file or sheet"], p["cell or row"], p["column"]) for p in problems] == [(file, f"row {row}", column)]
    assert message in problems[0]["problem"]
    (code,) = at.code
    assert code.value.startswith(f"{file}:{row}: {column}: ")
    assert not at.title
    assert not at.get("deck_gl_json_chart")


def test_a_missing_program_folder_shows_an_error_panel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIZUNA_PROGRAM", str(tmp_path / "nowhere"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "has 1 problem; fix it" in at.error[0].value
    assert "program folder not found" in at.code[0].value


# Where the visitor is looking

FIXTURES = ROOT / "tests" / "fixtures" / "good"


def dashboard_of(monkeypatch: pytest.MonkeyPatch, fixture: str, query: dict | None = None) -> AppTest:
    monkeypatch.setenv("KIZUNA_PROGRAM", str(FIXTURES / fixture))
    return dashboard(query)


def test_a_bad_links_notices_stay_until_the_view_changes() -> None:
    at = dashboard({"theme": HOSTILE, "city": "tokyo"})
    assert len(at.warning) == 1
    at.multiselect(key="kinds").set_value(["visit"]).run()  # an unrelated widget rerun would keep them
    assert not at.warning
    at.multiselect(key="kinds").set_value([]).run()  # back to the link's view: the notices stay gone
    assert not at.warning


def test_opening_a_card_is_a_change_of_view_that_clears_the_notices() -> None:
    at = dashboard({"day": "2019-13-45"})
    assert len(at.warning) == 1
    at.button(key="agenda-visit-jnto").click().run()
    assert not at.warning


@pytest.mark.parametrize(
    ("fixture", "dates"),
    [("across-months", "28 November – 3 December 2030"), ("across-years", "30 December 2030 – 2 January 2031")],
)
def test_the_header_writes_the_dates_across_months_and_years(
    monkeypatch: pytest.MonkeyPatch, fixture: str, dates: str
) -> None:
    at = dashboard_of(monkeypatch, fixture)
    assert at.main.markdown[0].value.startswith(f"**{plain(dates)}**")


def test_a_session_with_a_start_but_no_end_shows_its_start(monkeypatch: pytest.MonkeyPatch) -> None:
    at = dashboard_of(monkeypatch, "across-months", {"session": "opening-lecture"})
    assert f"**Friday 29 November 2030** · {plain('09:30')}" in card_texts(at)
    assert any(plain("Fri 29 Nov 09:30") in caption.value for caption in at.main.caption)  # the agenda entry


def test_a_new_filter_takes_the_agenda_back_to_page_one(monkeypatch: pytest.MonkeyPatch) -> None:
    at = dashboard_of(monkeypatch, "across-years")
    assert at.number_input(key="page").value == 1
    first_page = agenda_ids(at)
    at.number_input(key="page").set_value(2).run()
    assert agenda_ids(at) != first_page
    at.multiselect(key="themes").set_value(["tourism"]).run()
    assert at.number_input(key="page").value == 1
    assert (
        agenda_ids(at)[0]
        == next(s for s in load_program(FIXTURES / "across-years").sessions if "tourism" in s.themes).id
    )


def test_every_session_at_a_shared_map_point_is_reachable_from_its_card() -> None:
    at = dashboard({"session": "courtesy-call-mayor"})
    here = [b.key.removeprefix("here-") for b in at.button if b.key and b.key.startswith("here-")]
    assert here == ["briefing-shimonoseki-city", "briefing-disaster-prevention", "opinion-exchange-session"]
    for session_id in here:
        at.button(key=f"here-{session_id}").click().run()
        assert card_title(at) == plain(PROGRAM.sessions_by_id[session_id].title)
        assert url_params(at) == {"session": [session_id]}


def test_closing_the_card_keeps_the_filter() -> None:
    at = dashboard({"theme": "tourism-promotion", "session": "visit-jnto"})
    at.button(key="close-card").click().run()
    assert card_title(at) is None
    assert url_params(at) == {"theme": ["tourism-promotion"]}


@pytest.mark.parametrize(
    ("query", "feeds", "more"),
    [
        ({"city": "tokyo"}, ["Tokyo", "Whole program"], 0),
        (
            {"theme": "water-supply", "kind": "visit"},
            ["Water Supply", "Water Supply · Shimonoseki", "Shimonoseki"],
            False,
        ),
        ({"day": "2019-12-16", "theme": "tourism-promotion"}, ["Tourism Promotion · Tokyo"], 1),
        ({"theme": "water-supply", "city": "tokyo"}, ["Whole program"], 1),
    ],
    ids=["exact-feed", "same-sessions", "a-day", "empty-view"],
)
def test_subscribe_offers_the_feeds_that_contain_the_view_closest_first(query: dict, feeds: list, more: int) -> None:
    at = dashboard(query)
    offered = [option.split(" (")[0] for option in at.selectbox(key="feed").options]
    assert offered[: len(feeds)] == feeds
    assert offered[-1] == "Whole program"
    says_more = any("holds more than this view" in caption.value for caption in at.caption)
    assert says_more == bool(more)


def test_an_id_link_narrows_the_view_and_the_visitor_can_remove_it() -> None:
    at = dashboard({"id": ["visit-jnto", "departure"]})
    assert shown_count(at) == 2
    assert card_title(at) is None
    assert at.multiselect(key="ids").value == ["departure", "visit-jnto"]
    at.multiselect(key="ids").set_value(["departure"]).run()
    assert shown_count(at) == 1
    assert url_params(at) == {"id": ["departure"]}


def test_a_configured_tile_basemap_reaches_the_map_with_its_credit_and_never_the_link(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KIZUNA_MAP_STYLE", "https://tiles.example.org/style.json")
    monkeypatch.setenv("KIZUNA_MAP_KEY", "deployment-key")
    monkeypatch.setenv("KIZUNA_MAP_ATTRIBUTION", "© Example tiles")
    at = dashboard({"theme": "multiculturalism"})
    spec = deck(at)
    assert spec["mapStyle"] == "https://tiles.example.org/style.json"
    assert spec["layers"][0]["id"] == "land"
    assert any("© Example tiles" in caption.value for caption in at.main.caption)
    assert "deployment-key" not in at.sidebar.code[0].value
    assert all("deployment-key" not in str(value) for value in at.query_params.values())


def test_the_default_map_names_its_outlines_and_asks_no_tile_server() -> None:
    at = dashboard()
    assert "mapProvider" not in deck(at)
    assert any("Natural Earth" in caption.value for caption in at.main.caption)


# Several programs in the programs directory


@pytest.fixture
def directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Serve a programs directory made of the named fixture programs; feeds go to a folder of the test's own."""

    def make(names: tuple[str, ...] = TWO) -> Path:
        folder = programs_directory(tmp_path / "programs", names)
        monkeypatch.setenv("KIZUNA_PROGRAMS", str(folder))
        monkeypatch.setenv("KIZUNA_STATIC_DIR", str(tmp_path / "static"))
        return folder

    return make


def picker(at: AppTest):
    return next((box for box in at.sidebar.selectbox if box.label == "Seminar"), None)


def test_one_program_shows_no_picker() -> None:
    at = dashboard()
    assert picker(at) is None
    assert [box.key for box in at.sidebar.selectbox] == ["language-picker"]  # the language's, not a program's


def test_with_two_programs_the_picker_is_under_the_language_s_in_the_sidebar_and_the_most_recent_opens(
    directory,
) -> None:
    directory(TWO)
    at = dashboard()
    box = picker(at)
    assert [box.key for box in at.sidebar.selectbox] == ["language-picker", "program"]  # first the language
    assert box.options == [
        "Program Across Two Months · 28 November – 3 December 2030",
        "Local Government Exchange and Cooperation Seminar 2019 · 15–21 December 2019",
    ]
    assert box.value == "months-2030"
    assert at.title[0].value == "Program Across Two Months"
    assert url_params(at) == {}  # the default program: no program key
    assert at.sidebar.code[0].value == "http://localhost:8501/"
    assert not at.warning


def test_five_programs_are_all_offered_most_recent_first(directory) -> None:
    directory(FIVE)
    at = dashboard()
    assert [option.split(" · ")[0] for option in picker(at).options] == [
        "Program Across the New Year",
        "Program Across Two Months",
        "Minimal Test Program",
        load_program(SOURCES["hostile-text"]).title,  # the same dates as minimal, another id; options are not Markdown
        "Local Government Exchange and Cooperation Seminar 2019",
    ]
    assert at.title[0].value == "Program Across the New Year"


def test_a_link_with_program_opens_that_program_and_keeps_the_key(directory) -> None:
    directory(TWO)
    at = dashboard({"program": "clair-seminar-2019", "city": "tokyo", "session": "visit-jnto"})
    assert not at.warning
    assert at.title[0].value == PROGRAM.title
    assert picker(at).value == "clair-seminar-2019"
    assert shown_count(at) == 9
    assert card_title(at) == plain("Visit to the Japan National Tourism Organization (JNTO)")
    assert url_params(at) == {"program": ["clair-seminar-2019"], "city": ["tokyo"], "session": ["visit-jnto"]}
    assert at.sidebar.code[0].value == (
        "http://localhost:8501/?program=clair-seminar-2019&city=tokyo&session=visit-jnto"
    )


def test_an_unknown_program_in_the_link_opens_the_default_with_a_notice(directory) -> None:
    directory(TWO)
    at = dashboard({"program": HOSTILE, "city": "osaka"})
    assert at.title[0].value == "Program Across Two Months"
    (warning,) = at.warning
    assert "is not on this dashboard" in warning.value
    assert "<script>" not in warning.value
    assert url_params(at) == {"city": ["osaka"]}  # the rest of the link still applies
    at.multiselect(key="cities").set_value([]).run()
    assert not at.warning


def test_a_link_to_the_default_program_has_no_program_key(directory, monkeypatch: pytest.MonkeyPatch) -> None:
    directory(TWO)
    monkeypatch.setenv("KIZUNA_DEFAULT_PROGRAM", "clair-seminar-2019")
    at = dashboard({"program": "clair-seminar-2019", "theme": "tourism-promotion"})
    assert at.title[0].value == PROGRAM.title
    assert url_params(at) == {"theme": ["tourism-promotion"]}
    assert at.sidebar.code[0].value == "http://localhost:8501/?theme=tourism-promotion"  # as before programs


def test_switching_program_resets_the_filters_the_card_and_the_link(directory) -> None:
    directory(TWO)
    at = dashboard({"program": "clair-seminar-2019", "theme": "multiculturalism", "session": "visit-jnto"})
    at.toggle(key="home").set_value(True).run()
    picker(at).set_value("months-2030").run()
    assert not at.exception
    assert at.title[0].value == "Program Across Two Months"
    assert at.multiselect(key="themes").value == []
    assert at.toggle(key="home").value is False
    assert card_title(at) is None
    assert url_params(at) == {}
    picker(at).set_value("clair-seminar-2019").run()
    assert shown_count(at) == TOTAL
    assert url_params(at) == {"program": ["clair-seminar-2019"]}


def test_subscribe_offers_each_programs_own_feeds(directory) -> None:
    directory(TWO)
    at = dashboard()
    assert "http://localhost:8501/app/static/feeds/months-2030/kizuna-2030.ics" in [c.value for c in at.code]
    picker(at).set_value("clair-seminar-2019").run()
    assert "http://localhost:8501/app/static/feeds/kizuna-2019.ics" in [c.value for c in at.code]


def test_an_invalid_program_in_the_directory_is_named_once_and_the_valid_ones_are_served(directory) -> None:
    folder = directory(TWO)
    corrupt = corrupt_copy(folder.parent, "sessions.csv", 6, "date", "2019-12-32")
    corrupt.rename(folder / "next-year")
    (folder / "seminar.xlsx").write_bytes(b"not a workbook")
    at = dashboard()
    (warning,) = at.warning
    assert "next\\-year" in warning.value
    assert "seminar\\.xlsx" in warning.value
    assert [box.split(" · ")[0] for box in picker(at).options] == [
        "Program Across Two Months",
        "Local Government Exchange and Cooperation Seminar 2019",
    ]
    assert shown_count(at) == len(load_program(folder / "across-months").sessions)
    assert not at.error


def test_a_directory_of_invalid_programs_shows_each_ones_problems(directory, tmp_path: Path) -> None:
    folder = directory(())
    corrupt_copy(tmp_path, "venues.csv", 4, "lat", "north").rename(folder / "next-year")
    at = dashboard()
    (error,) = at.error
    assert plain(str(folder / "next-year")) in error.value
    assert at.code[0].value.startswith("venues.csv:4: lat: ")
    assert not at.title


def test_an_empty_directory_says_there_is_no_program(directory) -> None:
    folder = directory(())
    at = dashboard()
    (error,) = at.error
    assert "There is no program in" in error.value
    assert plain(str(folder)) in error.value


def test_the_page_publishes_every_programs_feeds_in_its_folder(directory, tmp_path: Path) -> None:
    directory(FIVE)
    dashboard()
    feeds = tmp_path / "static" / "feeds"
    for _ in range(100):  # written by a background thread
        if all((feeds / IDS[name] / ".published").exists() for name in FIVE[1:]) and (feeds / ".published").exists():
            break
        time.sleep(0.1)
    assert (feeds / "kizuna-2019.ics").is_file()
    for name in FIVE[1:]:
        assert (feeds / IDS[name] / ".published").is_file(), name


# Programs brought as a workbook


def test_the_dashboard_serves_a_workbook_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kizuna.cli import main

    workbook = tmp_path / "program.xlsx"
    assert main(["template", "--example", "-o", str(workbook)]) == 0
    monkeypatch.setenv("KIZUNA_PROGRAM", str(workbook))
    at = dashboard()
    assert at.title[0].value == load_program(ROOT / "data" / "2019").title
    assert count_line(at).startswith("**19 of 19 sessions**")


def test_a_broken_workbook_shows_its_problems_at_their_cells(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook

    from kizuna.cli import main

    workbook = tmp_path / "program.xlsx"
    assert main(["template", "--example", "-o", str(workbook)]) == 0
    book = load_workbook(workbook)
    header = [cell.value for cell in book["sessions"][1]]
    date_cell = book["sessions"].cell(row=4, column=header.index("date") + 1)
    date_cell.value = "2019-12-32"
    book.save(workbook)
    monkeypatch.setenv("KIZUNA_PROGRAM", str(workbook))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (table,) = at.dataframe
    problems = table.value.to_dict("records")
    assert [(p["file or sheet"], p["cell or row"], p["column"]) for p in problems] == [
        ("program.xlsx › sessions", f"{date_cell.column_letter}4", "date")
    ]
    assert (
        at.code[0].value
        == f"program.xlsx: sessions!{date_cell.column_letter}4: date: '2019-12-32' is not a date (YYYY-MM-DD)"
    )
