"""The worldwide fixture, a program whose guests come from every continent: it stays valid and keeps its spread."""

from __future__ import annotations

from pathlib import Path

from kizuna.checks.loading import load_program, validate_program

WORLDWIDE = Path(__file__).resolve().parent / "fixtures" / "good" / "worldwide"

# Rough boxes (south, north, west, east) that hold no capital of another continent.
CONTINENTS = {
    "Africa": (-35.0, 32.0, -26.0, 35.0),
    "Asia": (0.0, 55.0, 60.0, 150.0),
    "Europe": (35.0, 60.0, -10.0, 30.0),
    "North America": (15.0, 60.0, -130.0, -60.0),
    "South America": (-40.0, 0.0, -82.0, -34.0),
    "Oceania": (-50.0, -10.0, 110.0, 180.0),
}


def test_worldwide_fixture_is_valid() -> None:
    assert validate_program(WORLDWIDE) == []


def test_worldwide_capitals_span_every_continent_and_the_antimeridian() -> None:
    countries = load_program(WORLDWIDE).countries
    reached = {
        continent
        for continent, (south, north, west, east) in CONTINENTS.items()
        for country in countries
        if south <= country.lat <= north and west <= country.lon <= east
    }
    assert reached == set(CONTINENTS)
    assert min(country.lon for country in countries) < -170
    assert max(country.lon for country in countries) > 170
