"""The iCalendar export, read back with icalendar and with two independent calendar programs."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from checkers import calcurse_days, ical_js_events, require
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event

from kizuna.calendars.ics import export_ics, precision_note
from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.i18n import speaking
from kizuna.program.filtering import Filter, describe
from kizuna.program.languages import in_language, language_of
from kizuna.program.model import PRECISIONS, Program, within

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = load_program(BUILT_IN_PROGRAM)
TIMED = "visit-jnto"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def with_session(program: Program, session_id: str, **changes: object) -> Program:
    sessions = tuple(
        dataclasses.replace(session, **changes) if session.id == session_id else session for session in program.sessions
    )
    return dataclasses.replace(program, sessions=sessions)


def with_venue(program: Program, venue_id: str, **changes: object) -> Program:
    venues = {**program.venues, venue_id: dataclasses.replace(program.venues[venue_id], **changes)}
    return dataclasses.replace(program, venues=venues)


def timed_program() -> Program:
    return with_session(PROGRAM, TIMED, start=time(9, 30), end=time(11, 0))


def parse(data: bytes) -> Calendar:
    calendar = Calendar.from_ical(data)
    for component in calendar.walk():
        assert component.errors == [], f"{component.name}: {component.errors}"
    return calendar


def events(data: bytes) -> dict[str, Event]:
    """The parsed VEVENTs by session id (the UID's part before '@')."""
    return {str(event["UID"]).split("@")[0]: event for event in parse(data).walk("VEVENT")}


def unfolded(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")


def one_event(program: Program, session_id: str, **options: object) -> Event:
    found = events(export_ics(program, Filter.of(sessions=[session_id]), **options))
    assert list(found) == [session_id]
    return found[session_id]


def test_calendar_header_names_the_filter() -> None:
    lines = unfolded(export_ics(PROGRAM, Filter.of(themes=["tourism-promotion"])))
    title = "Local Government Exchange and Cooperation Seminar 2019 — Tourism Promotion"
    assert lines[0] == "BEGIN:VCALENDAR"
    for expected in (
        "PRODID:-//Kizuna//Kizuna seminar program//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{title}",
        f"X-WR-CALNAME:{title}",
        "X-WR-TIMEZONE:Asia/Tokyo",
    ):
        assert expected in lines
    assert "X-WR-CALNAME:Local Government Exchange and Cooperation Seminar 2019" in unfolded(export_ics(PROGRAM))


@pytest.mark.parametrize(
    ("view_filter", "count"),
    [
        (Filter(), 19),
        (Filter.of(themes=["multiculturalism"]), 1),
        (Filter.of(days=[date(2019, 12, 18)]), 5),
        (Filter.of(cities=["shimonoseki"], kinds=["transfer"]), 2),
        (Filter.of(themes=["water-supply"], cities=["tokyo"]), 0),
    ],
)
def test_one_vevent_per_filtered_session(view_filter: Filter, count: int) -> None:
    data = export_ics(PROGRAM, view_filter)
    assert data.count(b"BEGIN:VEVENT\r\n") == count
    assert list(events(data)) == [session.id for session in view_filter.apply(PROGRAM)]


def test_uid_is_stable_across_filters() -> None:
    by_theme = events(export_ics(PROGRAM, Filter.of(themes=["tourism-promotion"])))
    by_city = events(export_ics(PROGRAM, Filter.of(cities=["shimonoseki"])))
    shared = by_theme.keys() & by_city.keys()
    assert "visit-chofu-garden" in shared
    for session_id in shared:
        assert by_theme[session_id]["UID"] == by_city[session_id]["UID"]
    assert str(by_theme["visit-jnto"]["UID"]) == "visit-jnto@clair-seminar-2019.kizuna"


def test_uid_is_unchanged_when_title_changes() -> None:
    renamed = with_session(PROGRAM, "visit-chofu-garden", title="Chofu Garden (renamed)")
    before = one_event(PROGRAM, "visit-chofu-garden")
    after = one_event(renamed, "visit-chofu-garden")
    assert str(after["SUMMARY"]) == "Chofu Garden (renamed)"
    assert after["UID"] == before["UID"]


def test_same_data_and_filter_give_identical_bytes() -> None:
    view_filter = Filter.of(themes=["tourism-promotion", "multiculturalism", "water-supply"], cities=["shimonoseki"])
    data = export_ics(PROGRAM, view_filter)
    assert export_ics(load_program(BUILT_IN_PROGRAM), view_filter) == data
    script = (
        "import sys; from kizuna.calendars.ics import export_ics; from kizuna.checks.loading import load_program; "
        "from kizuna.config import BUILT_IN_PROGRAM; "
        "from kizuna.program.filtering import Filter; "
        "sys.stdout.buffer.write(export_ics(load_program(BUILT_IN_PROGRAM), Filter.of("
        "themes=['water-supply', 'multiculturalism', 'tourism-promotion'], cities=['shimonoseki'])))"
    )
    for zone, seed in (("America/Los_Angeles", "1"), ("Pacific/Kiritimati", "2")):
        env = {**os.environ, "TZ": zone, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, env=env, check=True, timeout=60)
        assert result.stdout == data


def test_dtstamp_is_program_updated_in_utc() -> None:
    data = export_ics(PROGRAM)
    stamp = PROGRAM.updated.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert data.count(f"DTSTAMP:{stamp}\r\n".encode()) == 19
    updated = datetime(2020, 1, 2, 3, 4, 5, tzinfo=ZoneInfo("Asia/Tokyo"))
    event = one_event(dataclasses.replace(PROGRAM, updated=updated), "arrival")
    assert event.to_ical().count(b"DTSTAMP:20200101T180405Z") == 1
    assert event.decoded("DTSTAMP") == updated.astimezone(UTC)


def test_sequence_follows_revision() -> None:
    assert int(one_event(PROGRAM, "visit-jnto")["SEQUENCE"]) == 0
    revised = one_event(with_session(PROGRAM, "visit-jnto", revision=3), "visit-jnto")
    assert "SEQUENCE:3" in unfolded(revised.to_ical())
    later = one_event(with_session(PROGRAM, "visit-jnto", revision=4), "visit-jnto")
    assert int(later["SEQUENCE"]) > int(revised["SEQUENCE"])


def test_cancelled_session_has_status_cancelled() -> None:
    found = events(export_ics(with_session(PROGRAM, "visit-mori-museum", status="cancelled")))
    assert str(found["visit-mori-museum"]["STATUS"]) == "CANCELLED"
    assert {str(event["STATUS"]) for key, event in found.items() if key != "visit-mori-museum"} == {"CONFIRMED"}


def test_date_only_session_is_all_day_ending_next_day() -> None:
    text = export_ics(PROGRAM, Filter.of(sessions=["lecture-local-administration"])).decode()
    assert "DTSTART;VALUE=DATE:20191216" in text
    assert "DTEND;VALUE=DATE:20191217" in text
    new_year = one_event(with_session(PROGRAM, "departure", date=date(2019, 12, 31)), "departure")
    assert new_year.decoded("DTSTART") == date(2019, 12, 31)
    assert new_year.decoded("DTEND") == date(2020, 1, 1)
    assert not isinstance(new_year.decoded("DTEND"), datetime)


def test_timed_session_is_zoned_with_a_vtimezone() -> None:
    data = export_ics(timed_program())
    text = data.decode()
    assert "DTSTART;TZID=Asia/Tokyo:20191217T093000" in text
    assert "DTEND;TZID=Asia/Tokyo:20191217T110000" in text
    calendar = parse(data)
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    event = events(data)[TIMED]
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2019, 12, 17, 0, 30, tzinfo=UTC)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=90)


def test_no_vtimezone_when_every_session_is_date_only() -> None:
    assert b"VTIMEZONE" not in export_ics(PROGRAM)
    assert b"VTIMEZONE" not in export_ics(timed_program(), Filter.of(days=[date(2019, 12, 18)]))


def test_location_has_english_and_japanese_names_and_address() -> None:
    location = str(one_event(PROGRAM, "visit-mori-museum")["LOCATION"])
    for part in ("Chofu Mori Residence", "長府毛利邸", "4-10 Chofu Soja-machi, Shimonoseki"):
        assert part in location


def test_geo_is_the_venue_point() -> None:
    geo = one_event(PROGRAM, "visit-tsunoshima-lighthouse")["GEO"]
    assert (geo.latitude, geo.longitude) == (34.3525, 130.8410)


@pytest.mark.parametrize(
    ("session_id", "precision"),
    [
        ("lecture-local-administration", "approximate"),
        ("visit-water-treatment-plant", "district"),
        ("arrival", "city"),
        ("visit-tourist-information-center", "exact"),
        ("courtesy-call-mayor", "exact"),
    ],
)
def test_description_notes_an_approximate_location(session_id: str, precision: str) -> None:
    session = PROGRAM.sessions_by_id[session_id]
    assert PROGRAM.venues[session.venue_id].precision == precision
    lines = str(one_event(PROGRAM, session_id)["DESCRIPTION"]).split("\n")
    notes = [line for line in lines if line.startswith("Location ")]
    assert bool(notes) == (precision != "exact")
    if precision == "city":
        assert "only the city is known" in notes[0]


def test_description_carries_the_japanese_address_after_the_venue() -> None:
    lines = str(one_event(PROGRAM, "visit-karato-market")["DESCRIPTION"]).split("\n")
    venue = next(index for index, line in enumerate(lines) if line.startswith("Venue: "))
    assert lines[venue + 1] == "Address in Japanese: 山口県下関市唐戸町5-50"
    without = with_venue(PROGRAM, "karato-market", address_ja="")
    assert "Address in Japanese" not in str(one_event(without, "visit-karato-market")["DESCRIPTION"])


def test_categories_are_theme_labels() -> None:
    text = export_ics(PROGRAM, Filter.of(sessions=["visit-chofu-garden"])).decode()
    assert "CATEGORIES:Tourism Promotion,Regional Revitalisation" in text
    assert [str(c) for c in one_event(PROGRAM, "visit-chofu-garden")["CATEGORIES"].cats] == [
        "Tourism Promotion",
        "Regional Revitalisation",
    ]
    assert "CATEGORIES" not in one_event(PROGRAM, "transfer-to-tokyo")


def test_url_only_with_base_url() -> None:
    assert b"URL" not in export_ics(PROGRAM)
    event = one_event(PROGRAM, "visit-jnto", base_url="https://kizuna.example.org/app/")
    assert str(event["URL"]) == "https://kizuna.example.org/app/?program=clair-seminar-2019&session=visit-jnto"
    assert (
        export_ics(PROGRAM, base_url="https://kizuna.example.org").count(b"\r\nURL:https://kizuna.example.org/") == 19
    )


def test_summary_with_line_breaks_stays_on_one_line() -> None:
    program = with_session(PROGRAM, "visit-jnto", title="Visit\r\nto the\rJNTO\n\n head office ")
    event = one_event(program, "visit-jnto")
    assert str(event["SUMMARY"]) == "Visit to the JNTO head office"


def test_control_characters_are_stripped() -> None:
    program = with_session(PROGRAM, "visit-jnto", title="JN\x00T\x07O\x1b\x7f", description="a\x0bb\x0cc\x1fd")
    data = export_ics(program, Filter.of(sessions=["visit-jnto"]))
    assert not CONTROL.search(data.decode())
    event = events(data)["visit-jnto"]
    assert str(event["SUMMARY"]) == "JNTO"
    assert str(event["DESCRIPTION"]).startswith("abcd\n\n")


CHECKED_FILTERS = [
    Filter(),
    Filter.of(themes=["tourism-promotion"]),
    Filter.of(days=[date(2019, 12, 18)]),
    Filter.of(sessions=["opinion-exchange-session"]),
]


@pytest.mark.parametrize("view_filter", CHECKED_FILTERS)
def test_ical_js_and_calcurse_see_each_session_on_its_day(view_filter: Filter, tmp_path: Path) -> None:
    require("node")
    require("calcurse")
    sessions = view_filter.apply(PROGRAM)
    path = tmp_path / "program.ics"
    path.write_bytes(export_ics(PROGRAM, view_filter))
    read = ical_js_events(path)["events"]
    assert {event["uid"].split("@")[0]: event["date"] for event in read} == {
        session.id: session.date.isoformat() for session in sessions
    }
    assert all(event["all_day"] for event in read)
    expected = Counter((session.date.isoformat(), session.title) for session in sessions)
    assert calcurse_days(path, "2019-12-15", 7) == expected


def test_ical_js_and_calcurse_read_a_timed_session(tmp_path: Path) -> None:
    require("node")
    require("calcurse")
    path = tmp_path / "timed.ics"
    path.write_bytes(export_ics(timed_program(), Filter.of(days=[date(2019, 12, 17)])))
    read = {event["uid"].split("@")[0]: event for event in ical_js_events(path)["events"]}
    local = datetime(2019, 12, 17, 9, 30)
    assert read[TIMED]["utc"] == (local - timedelta(hours=9)).isoformat(timespec="milliseconds") + "Z"
    assert not read[TIMED]["all_day"]
    shown = calcurse_days(path, "2019-12-17", 1)
    assert shown[("2019-12-17", "Visit to the Japan National Tourism Organization (JNTO)")] == 1
    assert sum(shown.values()) == 3


def expected_one_line(text: str) -> list[str]:
    """SUMMARY and LOCATION compared word by word: control characters gone, line breaks now spaces."""
    return CONTROL.sub("", text).replace("\r", " ").replace("\n", " ").split()


def expected_multiline(text: str) -> str:
    return CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


AWKWARD = ',;:\\"\r\n\t \x00\x07\x1b\x7f\x85\u2028東京下関🎌👩\u200d💻é'
awkward = st.text(alphabet=st.one_of(st.sampled_from(AWKWARD), st.characters(codec="utf-8")), max_size=120)


def awkward_program(title: str, description: str, venue_name: str) -> Program:
    program = with_session(PROGRAM, "visit-jnto", title=title, description=description)
    return with_venue(program, "jnto-head-office", name=venue_name)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=awkward, description=awkward, venue_name=awkward)
def test_text_round_trips_through_icalendar(title: str, description: str, venue_name: str) -> None:
    program = awkward_program(title, description, venue_name)
    data = export_ics(program, Filter.of(sessions=["visit-jnto"]))
    event = events(data)["visit-jnto"]
    summary, location = str(event["SUMMARY"]), str(event["LOCATION"])
    for value in (summary, location):
        assert "\r" not in value
        assert "\n" not in value
        assert not CONTROL.search(value)
    assert summary.split() == expected_one_line(title)
    venue = program.venues["jnto-head-office"]
    assert location.split() == expected_one_line(f"{venue_name} ({venue.name_ja}), {venue.address}")
    text = str(event["DESCRIPTION"])
    prefix = expected_multiline(description)
    assert text.startswith(prefix)
    assert re.match(r"\n{1,2}Venue: " if description else "Venue: ", text[len(prefix) :])
    assert expected_multiline(venue_name) in text
    assert not CONTROL.search(text)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=awkward, description=awkward, venue_name=awkward)
def test_ical_js_reads_the_same_text_as_icalendar(title: str, description: str, venue_name: str) -> None:
    require("node")
    data = export_ics(awkward_program(title, description, venue_name), Filter.of(days=[date(2019, 12, 17)]))
    parsed = events(data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "awkward.ics"
        path.write_bytes(data)
        read = ical_js_events(path)["events"]
    assert len(read) == len(parsed) == 3
    for event in read:
        ours = parsed[event["uid"].split("@")[0]]
        assert event["summary"] == str(ours["SUMMARY"])
        assert event["description"] == str(ours["DESCRIPTION"])
        assert event["location"] == str(ours["LOCATION"])


def test_a_precision_note_words_the_radius_as_the_model_does() -> None:
    for precision in PRECISIONS:
        note = precision_note(precision)
        assert (note == "") == (precision == "exact")
        if precision in ("approximate", "district"):
            assert within(precision) in note


def test_an_english_calendar_says_no_language_and_a_japanese_one_says_its_own() -> None:
    english = export_ics(timed_program(), base_url="https://kizuna.example.org/").decode()
    assert ";LANGUAGE=" not in english
    assert "&lang=" not in "".join(unfolded(english.encode()))
    with speaking("ja"):
        japanese = export_ics(timed_program(), base_url="https://kizuna.example.org/")
        program = in_language(timed_program(), "ja")
    lines = unfolded(japanese)
    karato = program.sessions_by_id["visit-karato-market"]
    title_language = language_of(program, karato, "title")
    assert f"SUMMARY;LANGUAGE={title_language}:{karato.title}" in lines
    assert sum(line.startswith("DESCRIPTION;LANGUAGE=ja:") for line in lines) == len(PROGRAM.sessions)
    assert "URL:https://kizuna.example.org/?program=clair-seminar-2019&session=visit-karato-market&lang=ja" in lines


def test_a_calendar_in_japanese_is_named_in_japanese() -> None:
    view = Filter.of(themes=["tourism-promotion"])
    with speaking("ja"):
        program = in_language(PROGRAM, "ja")
        name = f"{program.title} — {describe(program, view)}"
        calendar = parse(export_ics(PROGRAM, view))
    assert str(calendar["X-WR-CALNAME"]) == str(calendar["NAME"]) == name


def test_the_dates_and_lists_of_a_description_follow_the_language() -> None:
    """Two themes are listed as the language lists them: 'a、b' in Japanese, 'a et b' in French."""
    for lang, joined in (("ja", "、"), ("zh", "和"), ("fr", " et ")):
        with speaking(lang):
            program = in_language(PROGRAM, lang)
            event = one_event(PROGRAM, "visit-chofu-garden")
        labels = [program.themes[theme].label for theme in program.sessions_by_id["visit-chofu-garden"].themes]
        assert len(labels) == 2
        assert joined.join(labels) in str(event["DESCRIPTION"])


def test_events_made_once_for_several_calendars_give_the_same_bytes() -> None:
    made: dict[str, bytes] = {}
    for view_filter in CHECKED_FILTERS:
        assert export_ics(timed_program(), view_filter, made=made) == export_ics(timed_program(), view_filter)
    assert set(made) == {session.id for session in PROGRAM.sessions}


@pytest.mark.parametrize("lang", ["ja", "ko", "zh", "fr"])
def test_a_calendar_in_each_language_is_read_by_icalendar_ical_js_and_calcurse(lang: str, tmp_path: Path) -> None:
    require("node")
    require("calcurse")
    with speaking(lang):
        data = export_ics(timed_program(), base_url="https://kizuna.example.org/")
        program = in_language(timed_program(), lang)
    parsed = events(data)
    path = tmp_path / f"program.{lang}.ics"
    path.write_bytes(data)
    read = {event["uid"].split("@")[0]: event for event in ical_js_events(path)["events"]}
    assert set(read) == set(parsed) == {session.id for session in PROGRAM.sessions}
    for session in program.sessions:
        assert read[session.id]["summary"] == str(parsed[session.id]["SUMMARY"]) == session.title
        assert read[session.id]["description"] == str(parsed[session.id]["DESCRIPTION"])
    expected = Counter((session.date.isoformat(), session.title) for session in program.sessions)
    assert calcurse_days(path, "2019-12-15", 7) == expected
