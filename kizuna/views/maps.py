"""The itinerary as a pydeck map: venues coloured by theme, uncertainty halos, transfer lines."""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Mapping, Sequence

import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from kizuna.config import TileStyle
from kizuna.i18n import N_, language, visitors
from kizuna.program.dates import short_moment
from kizuna.program.model import Program, Session, Venue
from kizuna.program.text import channels
from kizuna.views import basemap
from kizuna.views.basemap import mercator

_ = visitors.gettext

LOGISTICS_COLOUR = "#6B7280"
# How precise a venue's point is, each precision's radius as model.within words it (tests check they agree); shown
# translated: `precision_label`.
PRECISION_LABELS = {
    "exact": N_("exact (within about 100 m)"),
    "approximate": N_("approximate (within about 500 m)"),
    "district": N_("district only (within about 3 km)"),
    "city": N_("city only: the venue is not known"),
}
CONFIDENCE_LABELS = {
    # Translators: how sure the program is of a venue: 'confidence in the venue: high'.
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
}
MAX_LISTED = 5  # sessions named in one marker's tooltip
FIT_PIXELS = (260, 340)  # what the first view must fit: a phone's map less room for labels
LABEL_PIXELS = (820, 520)  # the widest map a page shows: where names around the view are looked for
EARTH_M = 40_075_016.686  # the equator's length: one Mercator unit
MIN_EXTENT_M = 25_000  # the least a fitted view shows across a phone's map, so a coast or a neighbour is in it
HALO_SHARE = 0.4  # a halo wider than this share of the fitted map's shorter side is drawn as a ring only
PLACES_FROM_ZOOM = 6  # names of the cities around the venues from this zoom in (the whole country needs none)
MAX_PLACES = 8
MAX_LABELLED = 100  # labels tried per layer, first come first placed; the rest are in the tooltips
ROUTE_ONLY = N_("Route only: from city to city, not the way travelled.")  # shown translated: _(ROUTE_ONLY)
LAND_CREDIT = N_(
    "Land and borders: Natural Earth (public domain). Japan's coast: © OpenStreetMap contributors (ODbL). "
    "Place names: GeoNames (CC BY 4.0)."
)  # whose geography the map draws (basemap.md), shown translated
MARKS = {  # the map's legend, one entry per kind of mark (shown translated)
    "exact": N_("Filled dot: exact place."),
    "halo": N_("Ring with a halo: approximate; the halo shows how far off it may be."),
    "transfer": N_("Grey lines: transfers. Route only: from city to city, not the way travelled."),
}


def precision_label(precision: str) -> str:
    """'approximate (within about 500 m)' in the reader's language."""
    return _(PRECISION_LABELS[precision])


def location_note(venue: Venue, with_note: bool = True) -> str:
    """How precise the venue's point is and how sure the program is of the venue, with the venue's note."""
    confidence = CONFIDENCE_LABELS.get(venue.confidence)
    line = _("Location: {precision} · confidence in the venue: {confidence}").format(
        precision=precision_label(venue.precision), confidence=_(confidence) if confidence else venue.confidence
    )
    return f"{line} · {venue.note}" if with_note and venue.note else line


def point_note(venue: Venue) -> str:
    """The same without the note, only when the point is not the venue's exact place or the venue is not certain."""
    return "" if venue.precision == "exact" and venue.confidence == "high" else location_note(venue, with_note=False)


def rgb(colour: str, alpha: int = 255) -> list[int]:
    return [*channels(colour), alpha]


def session_colour(program: Program, session: Session) -> str:
    return program.themes[session.themes[0]].colour if session.themes else LOGISTICS_COLOUR


def session_line(session: Session, marks: Mapping[str, str]) -> str:
    """'Fri 20 Dec · Visit to X (cancelled) — Moved from Friday 20 December': a session in a tooltip."""
    line = f"{short_moment(session.date, session.start)} · {session.title}"
    if session.status == "cancelled":
        line = _("{session} (cancelled)").format(session=line)
    mark = marks.get(session.id)
    if not mark or mark == _("Cancelled"):
        return line
    # Translators: a session in a map tooltip and its change mark: 'Fri 20 Dec · Visit to X — Moved from …'.
    return _("{session} — {change}").format(session=line, change=mark)


def venue_lines(venue: Venue, sessions: Sequence[Session], marks: Mapping[str, str] | None = None) -> list[str]:
    """A venue's sessions, its names and how precise its point is: one block of a marker's tooltip; a session's
    change mark (`marks`, by id: views.marks) and whether it is cancelled follow its title."""
    names = f"{venue.name} / {venue.name_ja}" if venue.name_ja and venue.name_ja != venue.name else venue.name
    lines = [session_line(s, marks or {}) for s in sessions]
    return [*lines, names, _("Location: {precision}").format(precision=precision_label(venue.precision))]


def place_label(program: Program, sessions: Sequence[Session], marks: Mapping[str, str] | None = None) -> str:
    """Every venue at one point with its sessions, at most MAX_LISTED sessions in all."""
    by_venue: dict[str, list[Session]] = {}
    for session in sessions[:MAX_LISTED]:
        by_venue.setdefault(session.venue_id, []).append(session)
    blocks = ["\n".join(venue_lines(program.venues[venue_id], group, marks)) for venue_id, group in by_venue.items()]
    if len(sessions) > MAX_LISTED:
        more = len(sessions) - MAX_LISTED
        blocks.append(
            visitors.ngettext(
                "… and {count} more (click to list them)", "… and {count} more (click to list them)", more
            ).format(count=more)
        )
    return "\n\n".join(blocks)


def places(program: Program, sessions: Sequence[Session]) -> dict[tuple[float, float], list[Session]]:
    """The shown sessions grouped by map point, in program order (transfers are lines, not markers).

    Venues that share a point share one marker, so a click there can reach each of their sessions.
    """
    grouped: dict[tuple[float, float], list[Session]] = {}
    for session in sessions:
        if not session.is_route:
            venue = program.venues[session.venue_id]
            grouped.setdefault((venue.lon, venue.lat), []).append(session)
    return grouped


def same_place(program: Program, sessions: Sequence[Session], session: Session) -> list[Session]:
    """The shown sessions on the same map marker as `session`, itself included."""
    venue = program.venues[session.venue_id]
    return places(program, sessions).get((venue.lon, venue.lat), [session])


def venue_points(program: Program, sessions: Sequence[Session], marks: Mapping[str, str] | None = None) -> list[dict]:
    """One marker per map point; a click on it gives the ids of all its sessions."""
    return [
        {
            "position": list(position),
            "colour": rgb(session_colour(program, group[0])),
            "session_ids": [session.id for session in group],
            "label": place_label(program, group, marks),
        }
        for position, group in sorted(places(program, sessions).items())
    ]


def metres_per_mercator(lat: float) -> float:
    return EARTH_M * math.cos(math.radians(lat))


def outlined(radius_m: float, lat: float, span: float | None) -> bool:
    """Whether a halo is wider than HALO_SHARE of a map whose shorter side is `span` Mercator units: then only its
    ring is drawn, so it never hides the map."""
    return span is not None and 2 * radius_m / metres_per_mercator(lat) > HALO_SHARE * span


def halos(program: Program, sessions: Sequence[Session], span: float | None = None) -> list[dict]:
    """A translucent disc per shown venue whose point is not exact, as large as the point may be off; a ring alone
    where the disc would fill much of a map whose shorter side is `span` Mercator units."""
    shown = {s.venue_id: s for s in reversed(sessions) if not s.is_route}  # first session per venue
    rows = []
    for venue_id, session in sorted(shown.items()):
        venue = program.venues[venue_id]
        if venue.precision != "exact":
            colour = session_colour(program, session)
            rows.append(
                {
                    "position": [venue.lon, venue.lat],
                    "radius": venue.radius_m,
                    "fill": rgb(colour, 0 if outlined(venue.radius_m, venue.lat, span) else 60),
                    "colour": rgb(colour),
                }
            )
    return rows


def transfer_lines(program: Program, sessions: Sequence[Session], marks: Mapping[str, str] | None = None) -> list[dict]:
    lines = []
    for session in sessions:
        if session.is_route and session.to_city:
            origin, destination = program.cities[session.city], program.cities[session.to_city]
            lines.append(
                {
                    "from": [origin.lon, origin.lat],
                    "to": [destination.lon, destination.lat],
                    "session_ids": [session.id],
                    "label": f"{session_line(session, marks or {})}\n{_(ROUTE_ONLY)}",
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


def place_labels(program: Program, view: pdk.ViewState) -> list[dict]:
    """The most populous cities (basemap.places) a wide map of the view shows, other than the program's own, in the
    reader's language where the data has it: context around the venues."""
    if view.zoom < PLACES_FROM_ZOOM:
        return []
    centre_x, centre_y = mercator(view.longitude, view.latitude)
    half_x, half_y = (pixels / 2 / (512 * 2**view.zoom) for pixels in LABEL_PIXELS)
    own = {bare(name) for city in program.cities.values() for name in (city.name, city.name_ja) if name}
    japanese = language() == "ja"
    found = []
    for place in basemap.places():
        x, y = mercator(place["lon"], place["lat"])
        if abs(x - centre_x) > half_x or abs(y - centre_y) > half_y:
            continue
        if bare(place["name"]) in own or (place["name_ja"] and bare(place["name_ja"]) in own):
            continue
        name = place["name_ja"] if japanese and place["name_ja"] else place["name"]
        found.append({"position": [place["lon"], place["lat"]], "name": name})
        if len(found) == MAX_PLACES * 3:  # most populous first: enough to place MAX_PLACES around collisions
            break
    return found


def bare(name: str) -> str:
    """A place's name without case or the Japanese suffix of its kind (東京都 and 東京, 下関市 and 下関 are one)."""
    return name.casefold().rstrip("都道府県市区町村")


def text_width(text: str, size: float) -> float:
    """A label's width in pixels, near enough to keep labels apart: wide characters a square, others 0.6 of it."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.6 * size for c in text)


def placed(rows: Sequence[dict], size: float, zoom: float, taken: list[tuple], limit: int | None = None) -> list[dict]:
    """The labels that can be drawn at the fitted zoom without overlapping one drawn before (`taken`, boxes in
    pixels, which grows): each under its point, else above, right or left of it, else left out. The row gains the
    chosen pixel offset."""
    kept = []
    for row in rows[:MAX_LABELLED]:  # bounded: a program may list thousands of cities or countries
        x, y = (value * 512 * 2**zoom for value in mercator(*row["position"]))
        width, height = text_width(row["name"], size) + 4, size + 2
        for dx, dy in ((0, 9 + height / 2), (0, -(9 + height / 2)), (9 + width / 2, 0), (-(9 + width / 2), 0)):
            box = (x + dx - width / 2, y + dy - height / 2, x + dx + width / 2, y + dy + height / 2)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken):
                taken.append(box)
                kept.append({**row, "offset": [round(dx, 1), round(dy, 1)]})
                break
        if limit is not None and len(kept) == limit:
            break
    return kept


def home_links(program: Program) -> tuple[list[dict], list[dict]]:
    """The participants' home capitals, each linked to the city where the program starts."""
    if not program.countries or not program.sessions:
        return [], []
    hub = program.cities[program.sessions[0].city]
    # Translators: a participant's country and its capital on the map: 'Cambodia: Phnom Penh'.
    capital = _("{country}: {capital}")
    capitals = [
        {
            "position": [c.lon, c.lat],
            "name": c.country,
            "label": capital.format(country=c.country, capital=c.capital),
        }
        for c in program.countries
    ]
    links = [{"from": item["position"], "to": [hub.lon, hub.lat], "label": item["label"]} for item in capitals]
    return capitals, links


def fit_view(positions: Sequence[Sequence[float]]) -> pdk.ViewState:
    """Centre on the points' bounding box, zoomed so all of them show on the smallest map (a phone's)."""
    if not positions:
        return pdk.ViewState(latitude=36.2, longitude=138.2, zoom=4)
    lons = [p[0] for p in positions]
    lats = [p[1] for p in positions]
    (west, north), (east, south) = mercator(min(lons), max(lats)), mercator(max(lons), min(lats))
    width, height = FIT_PIXELS
    spans = [width / (512 * (east - west)) if east > west else 2**12, height / (512 * (south - north or 1e-9))]
    centre_lat, centre_lon = (max(lats) + min(lats)) / 2, (max(lons) + min(lons)) / 2
    least = math.log2(width / (512 * MIN_EXTENT_M / metres_per_mercator(centre_lat)))
    zoom = min(math.log2(min(spans)), least)
    return pdk.ViewState(latitude=centre_lat, longitude=centre_lon, zoom=round(max(zoom, 0), 2))


def shorter_side(view: pdk.ViewState) -> float:
    """The fitted map's shorter side in Mercator units (a phone's, the smallest map)."""
    return min(FIT_PIXELS) / (512 * 2**view.zoom)


class CompactDeck(pdk.Deck):
    """pydeck indents its JSON and Streamlit sends it as it is: the same spec without indentation is half the bytes."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"), ensure_ascii=False)


def build_deck(
    program: Program,
    sessions: Sequence[Session],
    open_session: str | None = None,
    show_home: bool = False,
    tiles: TileStyle | None = None,
    bundled: bool = True,
    marks: Mapping[str, str] | None = None,
) -> pdk.Deck:
    """The bundled basemap (or a configured tile style) under the program's markers, lines and city labels, the open
    session's venue ringed.

    Few kinds of layer, plain lines and unboxed labels: each extra GPU program delays the first draw by about
    a second where WebGL runs in software (bench/run.py).
    """
    points = venue_points(program, sessions, marks)
    lines = transfer_lines(program, sessions, marks)
    capitals, links = home_links(program) if show_home else ([], [])
    positions = [p["position"] for p in points] + [end for line in lines for end in (line["from"], line["to"])]
    view = fit_view(positions + [c["position"] for c in capitals])
    taken: list[tuple] = []
    cities = placed(city_labels(program, sessions), CITY_SIZE, view.zoom, taken)
    capitals_named = placed(capitals, PLACE_SIZE, view.zoom, taken)
    around = placed(place_labels(program, view), PLACE_SIZE, view.zoom, taken, limit=MAX_PLACES)
    layers = [
        *(basemap_layers(tiles) if bundled else []),
        *(home_layers(capitals, links, capitals_named) if show_home else []),
        pdk.Layer(
            "ScatterplotLayer",
            id="uncertainty",
            data=halos(program, sessions, shorter_side(view)),
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
        text_layer("places", around, PLACE_SIZE, PLACE_INK),
        text_layer("cities", cities, CITY_SIZE, INK),
    ]
    if open_session:
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                id="open-session",
                data=open_session_marker(program, open_session),
                get_position="position",
                get_radius=13,
                radius_units=pdk.types.String("pixels"),
                filled=False,
                stroked=True,
                get_line_color=[17, 24, 39, 255],
                line_width_min_pixels=3,
            )
        )
    return CompactDeck(
        layers=layers,
        initial_view_state=view,
        tooltip={"text": "{label}"},  # "text", never "html": deck.gl sets it as the tooltip's innerText
        **map_style(tiles),
    )


INK = [17, 24, 39, 255]
PLACE_INK = [75, 85, 99, 255]
CITY_SIZE = 15
PLACE_SIZE = 12


def text_layer(name: str, rows: list[dict], size: int, colour: list[int]) -> pdk.Layer:
    """Names centred at their point moved by their pixel offset (`placed`), unboxed."""
    return pdk.Layer(
        "TextLayer",
        id=name,
        data=rows,
        get_position="position",
        get_text="name",
        get_size=size,
        get_color=colour,
        get_pixel_offset="offset",
        **characters(rows),
    )


def characters(rows: Sequence[Mapping]) -> dict:
    """A TextLayer draws only ASCII by default: names in another script (東京, 서울) or with accents ask it to draw
    every character they use."""
    return {"character_set": pdk.types.String("auto")} if any(not row["name"].isascii() for row in rows) else {}


def map_legend(
    tiles: TileStyle | None = None, program: Program | None = None, sessions: Sequence[Session] | None = None
) -> str:
    """What the map's marks are, only those the sessions draw (every kind when not given), and whose land and tiles
    lie under them."""
    shown = MARKS.keys() if program is None or sessions is None else marks_drawn(program, sessions)
    parts = [_(text) for mark, text in MARKS.items() if mark in shown]
    parts.append(_(LAND_CREDIT))
    return " ".join([*parts, tiles.attribution] if tiles else parts)


def marks_drawn(program: Program, sessions: Sequence[Session]) -> set[str]:
    """The kinds of mark (keys of MARKS) the sessions put on the map."""
    venues = [program.venues[session.venue_id] for session in sessions if not session.is_route]
    drawn = {"exact" if venue.precision == "exact" else "halo" for venue in venues}
    return (drawn | {"transfer"}) if transfer_lines(program, sessions) else drawn


def map_style(tiles: TileStyle | None) -> dict:
    """No provider and no style by default, so the page asks no tile or style server for anything;
    else the deployment's own style, with its key where the provider (CARTO) needs one."""
    if not tiles:
        return {"map_provider": None}
    if not tiles.key:
        return {"map_provider": None, "map_style": tiles.url}
    return {"map_provider": "carto", "map_style": tiles.url, "api_keys": {"carto": tiles.key}}


SEA = [214, 228, 237, 255]
LAND_TINTS = ([244, 240, 230, 255], [236, 231, 218, 255], [240, 234, 224, 255], [232, 228, 214, 255])
COAST = [120, 113, 100, 255]
WORLD = [[[-540, -85], [540, -85], [540, 85], [-540, 85]]]  # past ±180°, where a wide view can reach


def basemap_layers(tiles: TileStyle | None = None) -> list[pdk.Layer]:
    """Sea, then land tinted per country (neighbours differ, so borders show): polygon layers only, one GPU program.

    The land is one static file the browser fetches once (kizuna.views.basemap); a rerun sends only its address.
    Over a tile basemap only the coastlines are drawn, so the tiles show, and the coast stays if they fail.
    """
    if tiles:
        coast = {"get_line_color": COAST, "line_width_min_pixels": 1}
        return [pdk.Layer("GeoJsonLayer", id="land", data=basemap.url(), filled=False, **coast)]
    colours = [(-1, SEA), *enumerate(LAND_TINTS[:-1])]  # a detail tile's own sea is tint -1
    tints = " : ".join(f"properties.tint === {n} ? {colour}" for n, colour in colours)
    fill = {"filled": True, "stroked": False, "get_fill_color": f"{tints} : {LAND_TINTS[-1]}"}
    zoom, _ = basemap.detail_tiles()
    return [
        pdk.Layer("SolidPolygonLayer", id="sea", data=[{"polygon": WORLD}], get_polygon="polygon", get_fill_color=SEA),
        pdk.Layer("GeoJsonLayer", id="land", data=basemap.url(), **fill),
        # Japan's coast in detail: each tile its square of sea and every land in it, fetched only from `zoom` in
        pdk.Layer(
            "TileLayer",
            id="land-detail",
            data=basemap.detail_url(),
            min_zoom=zoom,
            max_zoom=zoom,
            extent=basemap.detail_extent(),
            visible_min_zoom=zoom - 0.5,  # deck.gl asks for tile zoom round(view zoom): none at all further out
            **fill,
        ),
    ]


def open_session_marker(program: Program, session_id: str) -> list[dict]:
    session = program.sessions_by_id.get(session_id)
    if session is None:
        return []
    venue = program.venues[session.venue_id]
    return [{"position": [venue.lon, venue.lat]}]


def home_layers(capitals: list[dict], links: list[dict], named: list[dict]) -> list[pdk.Layer]:
    """Lines from each capital to the program, its dot, and the names that fit (every one is in the dot's tooltip)."""
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
        text_layer("home-names", named, PLACE_SIZE, [55, 65, 81, 255]),
    ]


def clicked_session(objects: Mapping[str, Sequence[Mapping]]) -> str | None:
    """The first session of the marker or line a map click hit (the `objects` of Streamlit's click event)."""
    clicked = next((items[0] for items in objects.values() if items), None)
    ids = clicked.get("session_ids") if clicked else None
    return ids[0] if ids else None
