"""The Altair timeline, read back from its Vega-Lite spec."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from unittest.mock import ANY

import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema

from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.program.filtering import Filter
from kizuna.program.model import LOGISTICS_KINDS
from kizuna.views.maps import LOGISTICS_COLOUR
from kizuna.views.timeline import DETAIL_LIMIT, build_timeline, clicked_session, timeline_rows

PROGRAM = load_program(BUILT_IN_PROGRAM)
VEGA_LITE = load_schema()
DATA = Path(__file__).resolve().parent.parent / "data" / "2019"
FILTERS = {
    "all": Filter(),
    "one-day": Filter.of(days=[date(2019, 12, 18)]),
    "tokyo": Filter.of(cities=["tokyo"]),
    "multiculturalism": Filter.of(themes=["multiculturalism"]),
    "logistics": Filter.of(kinds=["arrival", "transfer", "overnight", "departure"]),
    "nothing": Filter.of(themes=["water-supply"], cities=["tokyo"]),
}


def spec(view_filter: Filter = Filter(), open_session: str | None = None) -> dict:
    """The spec the page sends, checked against the Vega-Lite schema (the page skips Altair's checks)."""
    chart = build_timeline(PROGRAM, view_filter.apply(PROGRAM), open_session)
    validate_jsonschema(json.loads(json.dumps(chart)), VEGA_LITE)
    return chart


def rows(chart: dict) -> list[dict]:
    return chart["data"]["values"]


def blocks(chart: dict) -> dict:
    return next(item for item in chart["layer"] if item["mark"]["type"] == "rect")


def csv_rows(name: str) -> list[dict]:
    with (DATA / name).open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_clicking_a_block_sets_the_click_param_to_its_session_id() -> None:
    chart = spec()
    (param,) = chart["params"]
    assert param["select"]["type"] == "point"
    assert param["select"]["fields"] == ["id"]
    assert param["views"] == [blocks(chart)["name"]]
    assert blocks(chart)["encoding"]["opacity"]["condition"]["param"] == param["name"]
    assert clicked_session({param["name"]: [{"id": "visit-jnto"}]}) == "visit-jnto"  # the event, as the page reads it
    assert clicked_session({param["name"]: []}) is None  # a click beside the blocks


@pytest.mark.parametrize("name", FILTERS)
def test_data_rows_are_the_filtered_sessions_in_program_order(name: str) -> None:
    chart = spec(FILTERS[name])
    assert [row["id"] for row in rows(chart)] == [s.id for s in FILTERS[name].apply(PROGRAM)]


def test_rows_carry_what_the_tooltip_shows() -> None:
    row = next(r for r in rows(spec()) if r["id"] == "visit-chofu-garden")
    assert row["title"] == "Visit to Chofu Garden"
    assert row["city"] == "Shimonoseki"
    assert row["venue"] == "Chofu Garden"
    assert row["theme"] == "Tourism Promotion"
    assert row["themes"] == "Tourism Promotion, Regional Revitalisation"
    assert row["when"] == "all day (no time given)"
    tooltip_fields = {item["field"] for item in blocks(spec())["encoding"]["tooltip"]}
    assert tooltip_fields <= set(row)


@pytest.mark.parametrize("name", FILTERS)
def test_every_program_day_is_on_the_x_axis_whatever_the_filter(name: str) -> None:
    chart = spec(FILTERS[name])
    domain = blocks(chart)["encoding"]["x"]["scale"]["domain"]
    assert len(domain) == 7
    assert [label.split("|")[0] for label in domain] == [f"{d:%a} {d.day} {d:%b}" for d in PROGRAM.days]
    assert {row["day"] for row in rows(chart)} <= set(domain)


def test_day_labels_name_the_cities_of_that_day_from_the_whole_program() -> None:
    domain = blocks(spec(FILTERS["one-day"]))["encoding"]["x"]["scale"]["domain"]
    assert domain[2] == "Tue 17 Dec|Tokyo → Shimonoseki"
    assert domain[5] == "Fri 20 Dec|Shimonoseki → Tokyo"
    assert domain[0] == "Sun 15 Dec|Tokyo"


def test_colour_domain_is_the_theme_labels_then_logistics_in_the_data_colours() -> None:
    scale = blocks(spec())["encoding"]["color"]["scale"]
    themes = csv_rows("themes.csv")
    assert scale["domain"] == [row["label"] for row in themes] + ["Logistics"]
    assert scale["range"] == [row["colour"] for row in themes] + [LOGISTICS_COLOUR]
    assert blocks(spec())["encoding"]["color"]["field"] == "theme"


def legend(encoding: dict) -> list[tuple[str, str]]:
    """The colour scale's (label, colour) pairs: what the legend lists (nothing without a legend)."""
    if encoding["color"]["legend"] is None:
        return []
    scale = encoding["color"]["scale"]
    return list(zip(scale["domain"], scale["range"], strict=True))


@pytest.mark.parametrize("name", FILTERS)
def test_the_legend_lists_only_the_colours_the_view_shows_each_theme_in_its_own(name: str) -> None:
    chart = spec(FILTERS[name])
    shown = {row["theme"] for row in rows(chart)}
    assert legend(blocks(chart)["encoding"]) == [
        pair for pair in legend(blocks(spec())["encoding"]) if pair[0] in shown
    ]


def test_the_legend_lists_no_logistics_when_the_view_has_no_logistics_session() -> None:
    everyday = Filter.of(kinds=[kind for kind in PROGRAM.kinds if kind not in LOGISTICS_KINDS])
    assert "Logistics" not in blocks(spec(everyday))["encoding"]["color"]["scale"]["domain"]
    without = replace(PROGRAM, sessions=tuple(s for s in PROGRAM.sessions if not s.is_logistics))
    domain = blocks(build_timeline(without, without.sessions))["encoding"]["color"]["scale"]["domain"]
    assert domain == [theme.label for theme in PROGRAM.themes.values()]


def test_an_empty_view_has_no_legend() -> None:
    assert blocks(spec(FILTERS["nothing"]))["encoding"]["color"]["legend"] is None
    assert blocks(spec())["encoding"]["color"]["legend"] == {"orient": "bottom"}


def test_a_counted_timeline_lists_only_the_colours_it_shows_too() -> None:
    visit = PROGRAM.sessions_by_id["visit-jnto"]
    many = replace(PROGRAM, sessions=tuple(replace(visit, id=f"visit-{n}") for n in range(DETAIL_LIMIT + 1)))
    chart = build_timeline(many, many.sessions)
    validate_jsonschema(json.loads(json.dumps(chart)), VEGA_LITE)
    theme = PROGRAM.themes[visit.themes[0]]
    assert legend(chart["encoding"]) == [(theme.label, theme.colour)]
    assert rows(chart) == [{"day": ANY, "theme": theme.label, "sessions": DETAIL_LIMIT + 1}]
    (param,) = chart["params"]
    assert clicked_session({param["name"]: [{"day": rows(chart)[0]["day"]}]}) is None  # a day bar opens no card


def test_a_block_is_coloured_by_its_first_theme_and_logistics_is_grey() -> None:
    by_id = {row["id"]: row["theme"] for row in rows(spec())}
    assert by_id["visit-chofu-garden"] == "Tourism Promotion"
    assert by_id["opinion-exchange-session"] == "Regional Revitalisation"
    assert by_id["briefing-shimonoseki-city"] == "Local Administration"
    for session in PROGRAM.sessions:
        if session.is_logistics:
            assert by_id[session.id] == "Logistics"


@pytest.mark.parametrize("name", FILTERS)
def test_slots_number_each_days_sessions_in_program_order(name: str) -> None:
    shown = FILTERS[name].apply(PROGRAM)
    table = timeline_rows(PROGRAM, shown)
    assert [row["id"] for row in table] == [s.id for s in shown]
    for day in {s.date for s in shown}:
        expected = [s.id for s in shown if s.date == day]  # program order
        on_day = sorted((row for row in table if row["id"] in expected), key=lambda row: row["slot"])
        assert [row["id"] for row in on_day] == expected
        assert [row["slot"] for row in on_day] == list(range(1, len(expected) + 1))


def test_slots_follow_the_order_column_of_the_data_within_a_day() -> None:
    by_id = {row["id"]: row["slot"] for row in timeline_rows(PROGRAM, PROGRAM.sessions)}
    for row in csv_rows("sessions.csv"):
        assert by_id[row["id"]] == int(row["order"]), row["id"]


def test_an_empty_view_gives_an_empty_chart_with_the_full_axis() -> None:
    chart = spec(FILTERS["nothing"])
    assert rows(chart) == []
    assert len(blocks(chart)["encoding"]["x"]["scale"]["domain"]) == 7
    assert chart["height"] == 180


def test_the_chart_grows_with_the_busiest_day() -> None:
    assert spec()["height"] == 44 * 5  # 18 Dec has five sessions
    assert spec(Filter.of(days=[date(2019, 12, 21)]))["height"] == 180


def test_the_open_session_gets_a_thicker_outline() -> None:
    condition = blocks(spec(open_session="visit-jnto"))["encoding"]["strokeWidth"]["condition"]
    assert "visit-jnto" in condition["test"]
    assert condition["value"] > blocks(spec(open_session="visit-jnto"))["encoding"]["strokeWidth"]["value"]
    assert "strokeWidth" not in blocks(spec())["encoding"]


def test_changed_and_cancelled_blocks_say_so_in_their_label_and_tooltip() -> None:
    sessions = [replace(s, status="cancelled") if s.id == "visit-chofu-garden" else s for s in PROGRAM.sessions]
    program = replace(PROGRAM, sessions=tuple(sessions))
    marks = {"visit-jnto": "Moved from Friday 20 December"}
    chart = build_timeline(program, program.sessions, marks=marks)
    validate_jsonschema(json.loads(json.dumps(chart)), VEGA_LITE)
    by_id = {row["id"]: row for row in rows(chart)}
    assert by_id["visit-jnto"]["change"] == "Moved from Friday 20 December"
    assert by_id["visit-jnto"]["label"] == "↻ " + by_id["visit-jnto"]["title"]
    assert (by_id["visit-chofu-garden"]["label"], by_id["visit-chofu-garden"]["change"]) == (
        "✕ Visit to Chofu Garden",
        "Cancelled",
    )
    assert {row["change"] for row in rows(chart)} == {"Moved from Friday 20 December", "Cancelled", "—"}
    encoding = blocks(chart)["encoding"]
    assert encoding["tooltip"][-1] == {"field": "change", "type": "nominal", "title": "Change"}
    assert encoding["strokeDash"]["condition"]["value"] == [4, 3]
    labels = next(item for item in chart["layer"] if item["mark"]["type"] == "text")
    assert labels["encoding"]["text"]["field"] == "label"


def test_without_changes_the_tooltip_has_no_change_line() -> None:
    encoding = blocks(spec())["encoding"]
    assert "change" not in {item["field"] for item in encoding["tooltip"]}
    assert "strokeDash" not in encoding


def test_the_day_bars_tooltip_and_legend_keep_the_titles_vega_showed() -> None:
    """Titles given so they can be translated; in English what Vega showed when it named the fields itself."""
    visit = PROGRAM.sessions_by_id["visit-jnto"]
    many = replace(PROGRAM, sessions=tuple(replace(visit, id=f"visit-{n}") for n in range(DETAIL_LIMIT + 1)))
    chart = build_timeline(many, many.sessions)
    assert [item["title"] for item in chart["encoding"]["tooltip"]] == ["day", "theme", "sessions"]
    assert chart["encoding"]["color"]["title"] == blocks(spec())["encoding"]["color"]["title"] == "theme"
    assert "locale" not in chart["config"]  # numbers as Vega writes them in English
