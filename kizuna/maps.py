"""The itinerary as a pydeck map: venues coloured by theme, uncertainty halos, transfer lines."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize
from pydeck.data_utils.viewport_helpers import bbox_to_zoom_level

from kizuna.model import Program, Session, Venue
from kizuna.text import channels

LOGISTICS_COLOUR = "#6B7280"
PRECISION_LABELS = {
    "exact": "exact (within ~100 m)",
    "approximate": "approximate (within ~500 m)",
    "district": "district only (within ~3 km)",
    "city": "city only: the venue is not known",
}
MAX_LISTED = 5  # sessions named in one marker's tooltip


def rgb(colour: str, alpha: int = 255) -> list[int]:
    return [*channels(colour), alpha]


def session_colour(program: Program, session: Session) -> str:
    return program.themes[session.themes[0]].colour if session.themes else LOGISTICS_COLOUR


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_day(day: date) -> str:
    """'Tue 17 Dec', in English whatever the server's locale."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


def day_label(session: Session) -> str:
    """'Tue 17 Dec' or 'Tue 17 Dec 09:30'."""
    time = f" {session.start.hour:02d}:{session.start.minute:02d}" if session.start else ""
    return short_day(session.date) + time


def venue_label(venue: Venue, sessions: Sequence[Session]) -> str:
    lines = [f"{day_label(s)} · {s.title}" for s in sessions[:MAX_LISTED]]
    if len(sessions) > MAX_LISTED:
        lines.append(f"… and {len(sessions) - MAX_LISTED} more")
    names = f"{venue.name} / {venue.name_ja}" if venue.name_ja else venue.name
    return "\n".join([*lines, names, f"Location: {PRECISION_LABELS[venue.precision]}"])


def venue_points(program: Program, sessions: Sequence[Session]) -> list[dict]:
    """One marker per venue of the shown sessions (transfers are lines, not markers)."""
    by_venue: dict[str, list[Session]] = {}
    for session in sessions:  # already in program order
        if session.kind != "transfer":
            by_venue.setdefault(session.venue, []).append(session)
    points = []
    for venue_id, group in sorted(by_venue.items()):
        venue = program.venues[venue_id]
        points.append(
            {
                "position": [venue.lon, venue.lat],
                "colour": rgb(session_colour(program, group[0])),
                "fill": rgb(session_colour(program, group[0]), 255 if venue.precision == "exact" else 60),
                "radius": venue.radius_m,
                "exact": venue.precision == "exact",
                "session_id": group[0].id,
                "label": venue_label(venue, group),
            }
        )
    return points


def transfer_lines(program: Program, sessions: Sequence[Session]) -> list[dict]:
    lines = []
    for session in sessions:
        if session.kind == "transfer" and session.to_city:
            origin, destination = program.cities[session.city], program.cities[session.to_city]
            lines.append(
                {
                    "from": [origin.lon, origin.lat],
                    "to": [destination.lon, destination.lat],
                    "session_id": session.id,
                    "label": f"{day_label(session)} · {session.title}\nRoute only: the report does not say how.",
                }
            )
    return lines


def city_labels(program: Program, sessions: Sequence[Session]) -> list[dict]:
    used = {s.city for s in sessions} | {s.to_city for s in sessions if s.to_city}
    return [
        {"position": [city.lon, city.lat], "name": city.name, "label": city.name}
        for slug, city in program.cities.items()
        if slug in used
    ]


def home_links(program: Program) -> tuple[list[dict], list[dict]]:
    """The participants' home capitals, each linked to the city where the program starts."""
    if not program.countries or not program.sessions:
        return [], []
    hub = program.cities[program.sessions[0].city]
    capitals = [
        {"position": [c.lon, c.lat], "name": c.country, "label": f"{c.country}: {c.capital}"} for c in program.countries
    ]
    links = [{"from": item["position"], "to": [hub.lon, hub.lat], "label": item["label"]} for item in capitals]
    return capitals, links


def fit_view(positions: Sequence[Sequence[float]]) -> pdk.ViewState:
    """Centre on the points' bounding box, zoomed so all of them show."""
    if not positions:
        return pdk.ViewState(latitude=36.2, longitude=138.2, zoom=4)
    lons = [p[0] for p in positions]
    lats = [p[1] for p in positions]
    zoom = bbox_to_zoom_level([[max(lats), min(lons)], [min(lats), max(lons)]]) - 0.2
    centre_lat, centre_lon = (max(lats) + min(lats)) / 2, (max(lons) + min(lons)) / 2
    return pdk.ViewState(latitude=centre_lat, longitude=centre_lon, zoom=min(max(zoom, 2), 12))


class CompactDeck(pdk.Deck):
    """pydeck indents its JSON and Streamlit sends it as it is: the same spec without indentation is half the bytes."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"), ensure_ascii=False)


def build_deck(
    program: Program, sessions: Sequence[Session], selected: str | None = None, show_home: bool = False
) -> pdk.Deck:
    """Layers stay readable without map tiles: city labels and outlines carry the picture.

    Few kinds of layer, plain lines and unboxed labels: each extra GPU program delays the first draw by about
    a second where WebGL runs in software (bench/run.py).
    """
    points = venue_points(program, sessions)
    lines = transfer_lines(program, sessions)
    layers = [
        pdk.Layer(
            "ScatterplotLayer",
            id="uncertainty",
            data=[{k: p[k] for k in ("position", "radius", "fill", "colour")} for p in points if not p["exact"]],
            get_position="position",
            get_radius="radius",
            radius_units=pdk.types.String("meters"),
            radius_min_pixels=10,
            get_fill_color="fill",
            get_line_color="colour",
            stroked=True,
            line_width_min_pixels=1,
        ),
        pdk.Layer(
            "LineLayer",
            id="transfers",
            data=lines,
            get_source_position="from",
            get_target_position="to",
            get_color=rgb(LOGISTICS_COLOUR),
            get_width=3,
            pickable=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="venues",
            data=points,
            get_position="position",
            get_radius=7,
            radius_units=pdk.types.String("pixels"),
            get_fill_color="colour",
            get_line_color=[255, 255, 255, 255],
            stroked=True,
            line_width_min_pixels=2,
            pickable=True,
            auto_highlight=True,
        ),
        pdk.Layer(
            "TextLayer",
            id="cities",
            data=city_labels(program, sessions),
            get_position="position",
            get_text="name",
            get_size=15,
            get_color=[17, 24, 39, 255],
            get_alignment_baseline=pdk.types.String("top"),
            get_pixel_offset=[0, 14],
        ),
    ]
    if selected:
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                id="selected",
                data=selected_marker(program, selected),
                get_position="position",
                get_radius=13,
                radius_units=pdk.types.String("pixels"),
                filled=False,
                stroked=True,
                get_line_color=[17, 24, 39, 255],
                line_width_min_pixels=3,
            )
        )
    positions = [p["position"] for p in points] + [line["from"] for line in lines] + [line["to"] for line in lines]
    if show_home:
        capitals, links = home_links(program)
        layers[:0] = home_layers(capitals, links)
        positions += [c["position"] for c in capitals]
    return CompactDeck(
        layers=layers,
        initial_view_state=fit_view(positions),
        map_style=None,
        tooltip={"text": "{label}"},
    )


def selected_marker(program: Program, session_id: str) -> list[dict]:
    session = program.sessions_by_id.get(session_id)
    if session is None:
        return []
    venue = program.venues[session.venue]
    return [{"position": [venue.lon, venue.lat]}]


def home_layers(capitals: list[dict], links: list[dict]) -> list[pdk.Layer]:
    grey = [107, 114, 128, 160]
    return [
        pdk.Layer(
            "LineLayer",
            id="home-links",
            data=links,
            get_source_position="from",
            get_target_position="to",
            get_color=grey,
            get_width=1.5,
            pickable=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="home-capitals",
            data=capitals,
            get_position="position",
            get_radius=5,
            radius_units=pdk.types.String("pixels"),
            get_fill_color=[55, 65, 81, 255],
            pickable=True,
        ),
        pdk.Layer(
            "TextLayer",
            id="home-names",
            data=capitals,
            get_position="position",
            get_text="name",
            get_size=12,
            get_color=[55, 65, 81, 255],
            get_pixel_offset=[0, 14],
        ),
    ]
