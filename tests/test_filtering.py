"""The filter shared by the CLI, the dashboard and the calendar export, on the built-in 2019 program."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.program.filtering import Filter, describe, parse_filter, shown_of, slug, valid_values
from kizuna.program.model import Session

PROGRAM = load_program(BUILT_IN_PROGRAM)
ALL_IDS = [session.id for session in PROGRAM.sessions]


def ids(view_filter: Filter) -> list[str]:
    return [session.id for session in view_filter.apply(PROGRAM)]


def test_empty_filter_keeps_every_session_in_program_order() -> None:
    assert Filter().is_empty
    assert ids(Filter()) == ALL_IDS
    assert len(ALL_IDS) == 19


def test_values_within_a_facet_are_ored() -> None:
    multicultural = {"visit-shinjuku-multicultural-plaza"}
    assert set(ids(Filter.of(themes=["multiculturalism"]))) == multicultural
    assert set(ids(Filter.of(themes=["multiculturalism", "water-supply"]))) == multicultural | {
        "visit-water-treatment-plant"
    }
    days = Filter.of(days=[date(2019, 12, 15), date(2019, 12, 21)])
    assert ids(days) == ["arrival", "departure"]


def test_facets_are_anded() -> None:
    tourism_in_tokyo = Filter.of(themes=["tourism-promotion"], cities=["tokyo"])
    assert ids(tourism_in_tokyo) == ["visit-tourist-information-center", "visit-jnto"]
    assert ids(Filter.of(kinds=["visit"], days=[date(2019, 12, 19)])) == [
        "visit-tsunoshima-bridge",
        "visit-tsunoshima-lighthouse",
    ]
    assert ids(Filter.of(themes=["water-supply"], cities=["tokyo"])) == []


def test_city_facet_matches_a_transfer_to_that_city() -> None:
    shimonoseki = ids(Filter.of(cities=["shimonoseki"]))
    assert "transfer-to-shimonoseki" in shimonoseki
    assert PROGRAM.sessions_by_id["transfer-to-shimonoseki"].city == "tokyo"
    assert "transfer-to-tokyo" in ids(Filter.of(cities=["tokyo"]))
    assert ids(Filter.of(cities=["tokyo"], kinds=["transfer"])) == ["transfer-to-shimonoseki", "transfer-to-tokyo"]


def test_apply_keeps_program_order_whatever_the_order_given() -> None:
    chosen = ["departure", "visit-karato-market", "arrival", "visit-jnto"]
    assert ids(Filter.of(sessions=chosen)) == ["arrival", "visit-jnto", "visit-karato-market", "departure"]


def test_parse_filter_keeps_known_values_and_returns_unknown_ones_per_facet() -> None:
    view_filter, rejected = parse_filter(
        PROGRAM,
        themes=["multiculturalism", "cooking"],
        cities=["shimonoseki"],
        days=["2019-12-18", "2019-12-22", "18 Dec"],
        kinds=["visit", "party"],
        sessions=[],
    )
    assert view_filter == Filter.of(
        themes=["multiculturalism"], cities=["shimonoseki"], days=[date(2019, 12, 18)], kinds=["visit"]
    )
    assert rejected == {"themes": ["cooking"], "days": ["2019-12-22", "18 Dec"], "kinds": ["party"]}


def test_parse_filter_of_only_known_values_rejects_nothing() -> None:
    everything = valid_values(PROGRAM)
    view_filter, rejected = parse_filter(PROGRAM, **everything)
    assert rejected == {}
    assert view_filter.days == frozenset(PROGRAM.days)
    assert view_filter.sessions == frozenset(ALL_IDS)
    assert ids(view_filter.replace(themes=[])) == ALL_IDS


@pytest.mark.parametrize(
    ("view_filter", "label", "name"),
    [
        (Filter(), "", ""),
        (Filter.of(themes=["tourism-promotion"]), "Tourism Promotion", "tourism-promotion"),
        (
            Filter.of(themes=["tourism-promotion"], cities=["shimonoseki"]),
            "Tourism Promotion · Shimonoseki",
            "tourism-promotion-shimonoseki",
        ),
        (
            Filter.of(themes=["tourism-promotion", "multiculturalism"]),
            "Multiculturalism + Tourism Promotion",
            "multiculturalism-tourism-promotion",
        ),
        (Filter.of(days=[date(2019, 12, 18)]), "18 Dec", "2019-12-18"),
        (Filter.of(kinds=["courtesy-call"]), "courtesy call", "courtesy-call"),
        (Filter.of(sessions=["visit-jnto"]), "Visit to the Japan National Tourism Organization (JNTO)", "visit-jnto"),
    ],
)
def test_describe_and_slug(view_filter: Filter, label: str, name: str) -> None:
    assert describe(PROGRAM, view_filter) == label
    assert slug(PROGRAM, view_filter) == name


def test_how_many_sessions_a_view_shows_of_the_programs() -> None:
    assert shown_of(5, len(PROGRAM.sessions)) == f"5 of {len(PROGRAM.sessions)} sessions"
    assert (shown_of(1, 1), shown_of(0, 1), shown_of(1, 2)) == ("1 of 1 session", "0 of 1 session", "1 of 2 sessions")


def test_slug_of_a_long_filter_is_shortened() -> None:
    name = slug(PROGRAM, Filter.of(sessions=ALL_IDS))
    assert len(name) <= 80
    assert name.endswith("-and-more")


def facet_values(session: Session) -> dict[str, set]:
    return {
        "themes": set(session.themes),
        "cities": {session.city, session.to_city} - {None},
        "days": {session.date},
        "kinds": {session.kind},
        "sessions": {session.id},
    }


facets = st.fixed_dictionaries(
    {
        "themes": st.sets(st.sampled_from(list(PROGRAM.themes))),
        "cities": st.sets(st.sampled_from(list(PROGRAM.cities))),
        "days": st.sets(st.sampled_from(PROGRAM.days)),
        "kinds": st.sets(st.sampled_from(list(PROGRAM.kinds))),
        "sessions": st.sets(st.sampled_from(ALL_IDS), max_size=6),
    }
)


@settings(max_examples=100, deadline=None)
@given(facets)
def test_apply_is_or_within_and_across_facets(chosen: dict[str, set]) -> None:
    expected = [
        session.id
        for session in PROGRAM.sessions
        if all(not values or values & facet_values(session)[facet] for facet, values in chosen.items())
    ]
    assert ids(Filter.of(**chosen)) == expected
