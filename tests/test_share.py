"""Share links: the dashboard's whole view in the query string, read back tolerantly."""

from __future__ import annotations

from datetime import date
from itertools import chain, combinations
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kizuna.checks.loading import load_program
from kizuna.cli import build_parser
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.program.filtering import Filter
from kizuna.program.model import KINDS, LOGISTICS_KINDS
from kizuna.views.share import (
    MAX_VALUES,
    OPEN_SESSION_KEY,
    PROGRAM_KEY,
    QUERY_KEYS,
    VERSION_KEY,
    View,
    kinds_facet,
    kinds_widgets,
    link_program,
    link_version,
    program_key,
    read_view,
    share_url,
    version_notices,
    view_query,
)

PROGRAM = load_program(BUILT_IN_PROGRAM)
BASE = "http://localhost:8501/"
KIND_OPTIONS = [kind for kind in KINDS if kind in PROGRAM.kinds]  # what the dashboard's kinds picker offers
EVERYDAY = frozenset(PROGRAM.kinds) - LOGISTICS_KINDS


def read_link(params: dict[str, list[str]]) -> View:
    """A link read as the dashboard of one program reads it: that program is its default."""
    return read_view(PROGRAM, params, default_program=PROGRAM.id)


def subsets(values):
    values = list(values)
    return chain.from_iterable(combinations(values, n) for n in range(len(values) + 1))


def test_a_full_link_restores_filter_open_session_and_home_layer() -> None:
    params = {
        "theme": ["multiculturalism", "tourism-promotion"],
        "city": ["tokyo"],
        "day": ["2019-12-16"],
        "kind": ["visit"],
        "session": ["visit-shinjuku-multicultural-plaza"],
        "show": ["home"],
    }
    view = read_link(params)
    assert view.filter == Filter.of(
        themes=["multiculturalism", "tourism-promotion"], cities=["tokyo"], days=[date(2019, 12, 16)], kinds=["visit"]
    )
    assert view.open_session == "visit-shinjuku-multicultural-plaza"
    assert view.show_home is True
    assert view.notices == ()
    assert [s.id for s in view.filter.apply(PROGRAM)] == [
        "visit-shinjuku-multicultural-plaza",
        "visit-tourist-information-center",
    ]


def test_an_empty_link_is_the_whole_program_with_no_card_open() -> None:
    view = read_link({})
    assert view == View()
    assert view.notices == ()


def test_the_open_session_does_not_narrow_the_view() -> None:
    view = read_link({"session": ["visit-jnto"]})
    assert view.filter.is_empty
    assert view.open_session == "visit-jnto"


@pytest.mark.parametrize(
    "link",
    ["?session=visit-karato-market", "?theme=tourism-promotion&city=shimonoseki&session=visit-tsunoshima-bridge"],
)
def test_links_shared_before_id_existed_still_open_their_card_over_the_same_view(link: str) -> None:
    params = parse_qs(link[1:])
    view = read_link(params)
    assert view.notices == ()
    assert view.open_session == params["session"][0]
    assert view.filter.sessions == frozenset()  # session= opens a card; it never narrows
    assert view_query(view) == params


def test_id_narrows_the_view_as_the_cli_option_does_and_opens_no_card() -> None:
    view = read_link({"id": ["visit-jnto", "visit-karato-market"]})
    assert [s.id for s in view.filter.apply(PROGRAM)] == ["visit-jnto", "visit-karato-market"]
    assert view.open_session is None
    assert view_query(view) == {"id": ["visit-jnto", "visit-karato-market"]}


def test_every_link_key_but_session_and_show_is_a_cli_option() -> None:
    (commands,) = [action for action in build_parser()._actions if action.choices]
    export = commands.choices["export"]
    options = {name.removeprefix("--") for action in export._actions for name in action.option_strings}
    assert set(QUERY_KEYS) <= options
    assert OPEN_SESSION_KEY not in QUERY_KEYS


def test_hostile_values_are_dropped_with_notices_and_the_rest_applies() -> None:
    long_value = "tourism-promotion" + "x" * 9_983
    assert len(long_value) == 10_000
    params = {
        "theme": ["<script>alert(1)</script>", "tourism-promotion"],
        "day": ["2019-13-45", "2019-12-19"],
        "kind": [long_value, "visit"],
        "city": ["", "shimonoseki"],
        "utm_source": ["newsletter"],
        "session": ["<img src=x onerror=alert(1)>"],
        "show": ["satellite"],
    }
    view = read_link(params)
    assert view.filter == Filter.of(
        themes=["tourism-promotion"], cities=["shimonoseki"], days=[date(2019, 12, 19)], kinds=["visit"]
    )
    assert view.open_session is None
    assert view.show_home is False
    text = "\n".join(view.notices)
    for fragment in ("<script>alert(1)</script>", "2019-13-45", "utm_source", "<img src=x onerror=alert(1)>"):
        assert fragment in text
    assert "satellite" in text
    assert "kind" in text  # the over-long value is reported under its key...
    assert all(len(notice) < 300 for notice in view.notices)  # ...but never echoed whole
    assert len(view.notices) == 7  # one per kind of problem: key, empty value, theme, day, kind, session, layer


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("theme", "<script>alert(1)</script>"),
        ("theme", "Tourism-Promotion"),
        ("city", "osaka"),
        ("day", "2019-13-45"),
        ("day", "20191216"),
        ("day", "2019-12-14"),
        ("kind", "party"),
        ("session", "no-such-session"),
        ("id", "no-such-session"),
        ("show", "satellite"),
        ("<script>", "1"),
        ("x" * 10_000, "1"),
    ],
)
def test_each_unknown_value_or_key_gives_one_notice_and_no_filter(key: str, value: str) -> None:
    view = read_link({key: [value]})
    assert view.filter.is_empty
    assert view.open_session is None
    assert view.show_home is False
    assert len(view.notices) == 1
    assert len(view.notices[0]) < 300


@pytest.mark.parametrize("key", ["theme", "city", "day", "kind", "id", "session", "show"])
def test_empty_values_are_dropped_with_a_notice_and_the_rest_applies(key: str) -> None:
    view = read_link({key: [""], "city": ["tokyo"]} if key != "city" else {key: ["", "tokyo"]})
    assert view.filter == Filter.of(cities=["tokyo"])
    assert view.open_session is None
    assert view.show_home is False
    assert view.notices == (f"Ignored empty values for {key!r}.",)


def test_a_thousand_unknown_keys_give_one_short_notice() -> None:
    view = read_link({f"k{n}": ["x"] for n in range(1_000)} | {"city": ["tokyo"]})
    assert view.filter == Filter.of(cities=["tokyo"])
    assert len(view.notices) == 1
    assert "and 995 more" in view.notices[0]
    assert len(view.notices[0]) < 300


def test_a_thousand_repeated_keys_are_capped_with_a_notice() -> None:
    view = read_link({"theme": ["water-supply"] * 1_000, "city": ["tokyo"]})
    assert view.filter == Filter.of(themes=["water-supply"], cities=["tokyo"])
    assert view.notices == (f"Used the first {MAX_VALUES} of 1000 values for 'theme'.",)


def test_a_thousand_distinct_hostile_values_give_few_short_notices() -> None:
    values = [f"<script>alert({n})</script>" for n in range(1_000)]
    view = read_link({"theme": values, "day": ["2019-12-15"]})
    assert view.filter == Filter.of(days=[date(2019, 12, 15)])
    assert len(view.notices) == 2
    assert "50 of 1000" in view.notices[0]
    assert len(view.notices[1]) < 500


def test_values_past_the_cap_are_not_applied() -> None:
    values = ["<script>"] * MAX_VALUES + ["water-supply"]
    view = read_link({"theme": values})
    assert view.filter.is_empty


def test_view_query_is_sorted_so_equal_views_give_equal_links() -> None:
    one = View(Filter.of(themes=["water-supply", "multiculturalism"], days=[date(2019, 12, 18), date(2019, 12, 16)]))
    two = View(Filter.of(themes=["multiculturalism", "water-supply"], days=[date(2019, 12, 16), date(2019, 12, 18)]))
    assert share_url(BASE, one) == share_url(BASE, two)
    assert view_query(one) == {"theme": ["multiculturalism", "water-supply"], "day": ["2019-12-16", "2019-12-18"]}


def test_share_url_of_the_whole_program_is_the_bare_address() -> None:
    assert share_url(BASE, View()) == BASE
    assert share_url("https://example.org/kizuna/?theme=old&x=1", View()) == "https://example.org/kizuna/"


def test_share_url_replaces_the_query_of_the_base_address() -> None:
    url = share_url("https://example.org/kizuna/?theme=old", View(Filter.of(cities=["tokyo"]), "visit-jnto", True))
    assert url == "https://example.org/kizuna/?city=tokyo&session=visit-jnto&show=home"


def test_show_changes_opens_the_what_changed_view_beside_the_home_layer() -> None:
    view = read_link({"show": ["changes"]})
    assert view.show_changes is True
    assert view.show_home is False
    assert view.notices == ()
    both = read_link({"show": ["home", "changes"], "city": ["tokyo"]})
    assert (both.show_home, both.show_changes) == (True, True)
    assert share_url(BASE, both) == f"{BASE}?city=tokyo&show=changes&show=home"
    assert read_link({"show": ["home"]}) == View(show_home=True)  # an older link opens what it did


def round_trip(base: str, view: View) -> View:
    return read_link(parse_qs(urlsplit(share_url(base, view)).query))


def facet(values) -> st.SearchStrategy:
    return st.frozensets(st.sampled_from(list(values)))


views = st.builds(
    View,
    filter=st.builds(
        Filter,
        themes=facet(PROGRAM.themes),
        cities=facet(PROGRAM.cities),
        days=facet(PROGRAM.days),
        kinds=facet(PROGRAM.kinds),
    ),
    open_session=st.none() | st.sampled_from([s.id for s in PROGRAM.sessions]),
    show_home=st.booleans(),
    show_changes=st.booleans(),
)


@given(view=views, base=st.sampled_from([BASE, "https://example.org/kizuna/?old=1", "https://example.org"]))
def test_share_url_round_trips_every_dashboard_view(view: View, base: str) -> None:
    back = round_trip(base, view)
    assert back == view
    assert back.notices == ()
    assert back.filter.apply(PROGRAM) == view.filter.apply(PROGRAM)


@given(view=views)
def test_view_query_read_back_directly_is_the_same_view(view: View) -> None:
    assert read_link(view_query(view)) == view


def test_kinds_widgets_then_kinds_facet_gives_back_every_kind_facet() -> None:
    for kinds in map(frozenset, subsets(PROGRAM.kinds)):  # all 512
        chosen, logistics = kinds_widgets(PROGRAM, kinds)
        assert set(chosen) <= set(KIND_OPTIONS), kinds
        assert chosen == [kind for kind in KIND_OPTIONS if kind in chosen], kinds  # picker order
        everything = kinds == frozenset(PROGRAM.kinds)  # "every kind" is written as no kind facet
        assert kinds_facet(PROGRAM, chosen, logistics) == (frozenset() if everything else kinds), kinds


def test_kinds_facet_then_kinds_widgets_is_a_fixed_point() -> None:
    for chosen in map(list, subsets(KIND_OPTIONS)):
        for logistics in (True, False):
            kinds = kinds_facet(PROGRAM, chosen, logistics)
            assert kinds_facet(PROGRAM, *kinds_widgets(PROGRAM, kinds)) == kinds, (chosen, logistics)


def test_logistics_switch_off_hides_the_logistics_kinds() -> None:
    kinds = kinds_facet(PROGRAM, [], False)
    assert kinds == EVERYDAY
    assert kinds_widgets(PROGRAM, kinds) == ([], False)
    shown = Filter(kinds=kinds).apply(PROGRAM)
    assert len(shown) == 14
    assert not any(session.is_logistics for session in shown)


@pytest.mark.parametrize("chosen", [["arrival"], ["transfer", "departure"], sorted(LOGISTICS_KINDS)])
def test_the_logistics_switch_wins_over_logistics_kinds_in_the_picker(chosen: list[str]) -> None:
    kinds = kinds_facet(PROGRAM, chosen, False)
    shown = Filter(kinds=kinds).apply(PROGRAM)
    assert not any(session.is_logistics for session in shown)
    assert kinds == EVERYDAY


def test_logistics_kinds_mixed_with_others_and_the_switch_off_keep_the_others() -> None:
    assert kinds_facet(PROGRAM, ["arrival", "visit"], False) == {"visit"}
    assert kinds_facet(PROGRAM, ["arrival", "visit"], True) == {"arrival", "visit"}


# Several programs: program=<id>

PROGRAM_IDS = ["years-2030", "months-2030", PROGRAM.id]


def test_a_link_without_a_program_opens_the_default_program() -> None:
    assert link_program({"city": ["tokyo"]}, PROGRAM_IDS, "years-2030") == "years-2030"
    assert link_program({PROGRAM_KEY: ["", "months-2030"]}, PROGRAM_IDS, "years-2030") == "months-2030"


def test_a_link_to_another_program_opens_it_and_keeps_its_key_first() -> None:
    params = {PROGRAM_KEY: [PROGRAM.id], "city": ["tokyo"]}
    assert link_program(params, PROGRAM_IDS, "years-2030") == PROGRAM.id
    view = read_view(PROGRAM, params, default_program="years-2030")
    assert (view.program, view.notices) == (PROGRAM.id, ())
    assert share_url(BASE, view) == f"{BASE}?program={PROGRAM.id}&city=tokyo"
    assert read_view(PROGRAM, view_query(view), default_program="years-2030") == view


def test_the_default_programs_links_do_not_gain_a_program_key() -> None:
    link = "?theme=tourism-promotion&city=shimonoseki&session=visit-tsunoshima-bridge"
    view = read_view(PROGRAM, parse_qs(link[1:]), default_program=PROGRAM.id)
    assert view.program is None
    assert share_url(BASE, view) == BASE + link  # byte for byte what was shared before there were programs
    named = read_view(PROGRAM, {PROGRAM_KEY: [PROGRAM.id], "city": ["tokyo"]}, default_program=PROGRAM.id)
    assert (named.program, named.notices) == (None, ())
    assert PROGRAM_KEY not in view_query(named)


def test_without_a_default_program_a_link_names_its_program() -> None:
    """An upload's preview has no default to fall back on: its links, read back or built, say which program."""
    view = read_view(PROGRAM, {"city": ["tokyo"]})
    assert share_url(BASE, view) == f"{BASE}?program={PROGRAM.id}&city=tokyo"
    assert program_key(PROGRAM.id, None, None) == view.program == PROGRAM.id
    assert program_key(PROGRAM.id, PROGRAM.id, None) is None
    assert program_key(PROGRAM.id, PROGRAM.id, 2) == PROGRAM.id


def test_an_unknown_program_in_a_link_opens_the_default_with_one_short_escaped_notice() -> None:
    hostile = "<script>alert(1)</script>" * 100
    params = {PROGRAM_KEY: [hostile], "city": ["tokyo"]}
    assert link_program(params, PROGRAM_IDS, PROGRAM.id) == PROGRAM.id
    view = read_view(PROGRAM, params, default_program=PROGRAM.id)
    assert view.program is None
    assert view.filter == Filter.of(cities=["tokyo"])  # the rest of the link still applies
    (notice,) = view.notices
    assert "is not on this dashboard; showing Local Government Exchange and Cooperation Seminar 2019." in notice
    assert len(notice) < 200


def test_the_program_key_is_the_cli_option_of_the_same_name() -> None:
    (commands,) = [action for action in build_parser()._actions if action.choices]
    for command in ("export", "list", "feeds"):
        options = {name for action in commands.choices[command]._actions for name in action.option_strings}
        assert f"--{PROGRAM_KEY}" in options


# Published programs: version=<n>


def test_a_pinned_version_is_written_after_the_program_and_read_back() -> None:
    view = read_view(PROGRAM, {PROGRAM_KEY: [PROGRAM.id], VERSION_KEY: ["3"], "city": ["tokyo"]}, PROGRAM.id, 3)
    assert (view.program, view.version, view.notices) == (PROGRAM.id, 3, ())
    assert share_url(BASE, view) == f"{BASE}?program={PROGRAM.id}&version=3&city=tokyo"
    assert read_view(PROGRAM, view_query(view), PROGRAM.id, 3) == view


def test_a_pinned_version_of_the_default_program_names_the_program_too() -> None:
    """A version means nothing without its program, and tomorrow another program may be the default."""
    view = read_view(PROGRAM, {VERSION_KEY: ["2"]}, default_program=PROGRAM.id, version=2)
    assert share_url(BASE, view) == f"{BASE}?program={PROGRAM.id}&version=2"


def test_a_link_without_a_version_follows_the_latest_and_writes_none() -> None:
    view = read_view(PROGRAM, {"city": ["tokyo"]}, default_program=PROGRAM.id)
    assert view.version is None
    assert VERSION_KEY not in view_query(view)


@pytest.mark.parametrize(
    ("params", "pinned"),
    [
        ({VERSION_KEY: ["2"]}, 2),
        ({VERSION_KEY: ["2", "5"]}, 2),
        ({PROGRAM_KEY: [PROGRAM.id], VERSION_KEY: ["12"]}, 12),
        ({PROGRAM_KEY: ["another"], VERSION_KEY: ["2"]}, None),  # another program's version
        ({VERSION_KEY: ["0"]}, None),
        ({VERSION_KEY: ["-1"]}, None),
        ({VERSION_KEY: ["²"]}, None),  # a digit to str.isdigit, not to int()
        ({VERSION_KEY: ["1" * 40]}, None),
        ({VERSION_KEY: ["latest"]}, None),
        ({}, None),
    ],
)
def test_link_version_is_a_whole_number_from_1_of_the_program_the_link_opens(params: dict, pinned: int | None) -> None:
    assert link_version(params, PROGRAM.id) == pinned


def test_a_withdrawn_or_unknown_version_shows_the_latest_with_a_notice_that_says_which() -> None:
    params = {VERSION_KEY: ["2"]}
    (withdrawn,) = version_notices(params, PROGRAM, live=3, pinned=None, withdrawn=True)
    assert withdrawn == f"Version 2 of {PROGRAM.title} was withdrawn; showing the latest, version 3."
    (unknown,) = version_notices(params, PROGRAM, live=3, pinned=None, withdrawn=False)
    assert unknown == f"Version 2 of {PROGRAM.title} does not exist; showing the latest, version 3."
    assert version_notices(params, PROGRAM, live=3, pinned=2, withdrawn=False) == []
    view = read_view(PROGRAM, params, PROGRAM.id, None, [withdrawn])
    assert (view.version, view.notices) == (None, (withdrawn,))
    assert share_url(BASE, view) == BASE  # the link then follows the latest


def test_a_version_of_a_directory_program_or_not_a_number_is_ignored_with_a_short_escaped_notice() -> None:
    (directory,) = version_notices({VERSION_KEY: ["2"]}, PROGRAM, live=None, pinned=None, withdrawn=False)
    assert directory == f"{PROGRAM.title} has no published versions; ignored version 2 in the link."
    (hostile,) = version_notices({VERSION_KEY: ["<script>" * 50]}, PROGRAM, live=3, pinned=None, withdrawn=False)
    assert hostile.startswith("Ignored the version in the link, '<script>")
    assert len(hostile) < 120
    assert version_notices({PROGRAM_KEY: ["another"], VERSION_KEY: ["2"]}, PROGRAM, 3, None, False) == []
    assert read_link({VERSION_KEY: ["x"]}).notices == ()  # not an unknown key
