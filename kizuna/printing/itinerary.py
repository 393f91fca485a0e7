"""The printable itinerary: a view's sessions day by day, with the venues in Japanese, an overview map and a QR code
back to the same view, as a PDF with every font embedded (fpdf2; the QR code by segno, both drawn as vectors). Its
labels, dates and program texts are in the reader's language (the current context's), set in a font that has the
language's script (`fonts`)."""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pydeck as pdk
import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from kizuna.i18n import N_, SOURCE, language, visitors
from kizuna.printing.fonts import FONT_ENV, FontMissing, printing_font
from kizuna.program.dates import day_range, long_day, time_span
from kizuna.program.filtering import describe
from kizuna.program.languages import in_language
from kizuna.program.model import City, Program, Session
from kizuna.program.text import clean_text, kind_label, one_line
from kizuna.views import basemap
from kizuna.views.agenda import by_day
from kizuna.views.basemap import lon_lat
from kizuna.views.maps import (
    COAST,
    LAND_TINTS,
    LOGISTICS_COLOUR,
    MIN_EXTENT_M,
    PLACE_SIZE,
    ROUTE_ONLY,
    SEA,
    city_labels,
    halos,
    location_note,
    map_legend,
    mercator,
    metres_per_mercator,
    place_labels,
    placed,
    point_note,
    rgb,
    session_colour,
    transfer_lines,
    venue_points,
)
from kizuna.views.marks import Edition, published_line
from kizuna.views.share import View, share_url

_ = visitors.gettext
FALLBACK_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Arabic, Hebrew, symbols (fonts-dejavu-core)
PLACEHOLDERS = "\ufffd□"  # for a character no font has, the first one the fonts have (else ?)
INVISIBLE = frozenset({"Cc", "Cn", "Co", "Cs", "Me", "Mn", "Sk"})  # left out when no font has them: skin tones…
Colour = tuple[int, int, int]
INK, MUTED, CANCELLED, CHANGED = (17, 24, 39), (75, 85, 99), (185, 28, 28), (180, 83, 9)
NOTHING = N_("No sessions match this view.")
MIN_MODULE = 0.4 / 25.4 * 72  # 0.4 mm: the smallest QR module a phone camera reads from paper, in points


@dataclass(frozen=True)
class Layout:
    """One paper size: margins and sizes in points; nothing on A6 is under 8 pt."""

    size: tuple[float, float]  # width, height in points
    margin: float
    title: float
    heading: float
    body: float
    small: float
    map_height: float
    qr_size: float
    dot: float


PAPERS = {
    "a4": Layout((595.28, 841.89), 42, title=18, heading=12.5, body=10, small=8, map_height=230, qr_size=86, dot=3.2),
    "a6": Layout((297.64, 419.53), 17, title=12, heading=10, body=8.5, small=8, map_height=150, qr_size=70, dot=2.4),
}


def print_view(
    program: Program, view: View, base_url: str | None, paper: str = "a4", edition: Edition | None = None
) -> bytes:
    """The itinerary of a view, its QR code and link opening that view on the dashboard at `base_url` (none
    without one): the CLI and the dashboard both call this, so the same view prints the same bytes. A published
    program's `edition` (views.marks.edition_of) says which version it is, and the sessions it changed are marked."""
    if view.lang is None and language() != SOURCE:  # the QR code opens the view in the printout's language
        view = replace(view, lang=language())
    link = share_url(base_url, view) if base_url else None
    shown = in_language(program, language())
    description = describe(shown, view.filter)
    return itinerary_pdf(
        shown, view.filter.apply(shown), description=description, link=link, paper=paper, edition=edition
    )


def itinerary_pdf(
    program: Program,
    sessions: Sequence[Session],
    *,
    description: str,
    link: str | None,
    paper: str = "a4",
    edition: Edition | None = None,
) -> bytes:
    """The sessions as shown (filtered and ordered), day by day; `description` names the view (empty: the whole
    program). The same input gives the same bytes: the file's date is the program's last update."""
    shown = in_language(program, language())  # the program itself when it is in the reader's language already
    if shown is not program:  # the same sessions, their texts in the reader's language
        program, sessions = shown, [shown.sessions_by_id[session.id] for session in sessions]
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}, not {paper!r}")
    pdf = Itinerary(PAPERS[paper], program, edition)
    if description:
        pdf.set_title(clean_text(_("{title} — {view}").format(title=program.title, view=description)))
    else:
        pdf.set_title(clean_text(_("{title} — the whole program").format(title=program.title)))
    pdf.set_subject(clean_text(description or _("The whole program")))
    pdf.add_page()
    header(pdf, program, sessions, description, link)
    if not sessions:
        pdf.line_of(_(NOTHING), pdf.layout.heading, INK, bold=True)
    else:
        overview_map(pdf, program, sessions)
        for day, entries in by_day(sessions):
            day_heading(pdf, program, day, entries[0])
            for session in entries:
                session_block(pdf, program, session)
    return bytes(pdf.output())


class Itinerary(FPDF):
    """A page of the itinerary: its fonts, margins and footer."""

    def __init__(self, layout: Layout, program: Program, edition: Edition | None = None) -> None:
        super().__init__(unit="pt", format=layout.size)
        self.layout = layout
        self.program = program
        self.edition = edition
        self.marks = edition.marks if edition else {}  # the sessions this version changed, by id
        self.set_margins(layout.margin, layout.margin, layout.margin)
        self.set_auto_page_break(True, margin=layout.margin + layout.small * 2)
        self.set_creation_date(program.updated)
        self.set_author(clean_text(program.organiser))
        self.set_creator("Kizuna")
        self.set_lang(language())
        self.alias_nb_pages()
        self.glyphs = self.load_font()
        self.fallback = FALLBACK_FONT.is_file()  # loaded on the first character the main font does not have
        self.day: date | None = None  # the day being printed: a page that goes on with it says so at its top

    def load_font(self) -> set[int]:
        """Embed the font of the reader's language (which sets Japanese too); return the characters it can draw."""
        font = printing_font(language())
        try:
            self.add_font("text", fname=font.path, collection_font_number=font.index)
        except Exception as error:  # fontTools raises many kinds for a file that is not a font
            message = _("{file} cannot be read as a font ({error}); see ${setting}")
            raise FontMissing(message.format(file=font.path, error=type(error).__name__, setting=FONT_ENV)) from None
        self.set_font("text", size=self.layout.body)
        return set(self.fonts["text"].cmap)

    def load_fallback(self) -> None:
        """Add the fallback font for the characters the main one lacks (it costs a font's parsing: only then)."""
        self.fallback = False
        self.add_font("fallback", fname=FALLBACK_FONT)
        self.set_fallback_fonts(["fallback"])
        self.glyphs |= set(self.fonts["fallback"].cmap)

    @property
    def placeholder(self) -> str:
        """What stands for a character no font has."""
        return next((mark for mark in PLACEHOLDERS if ord(mark) in self.glyphs), "?")

    def printable(self, text: str) -> str:
        """One line of text the fonts can draw: controls, joiners and direction overrides out, a visible
        placeholder for a character no font has (an emoji, a script neither font covers)."""
        text = one_line(text)
        return text if text.isascii() else "".join(map(self.shown, text))

    def shown(self, char: str) -> str:
        category = unicodedata.category(char)
        if category == "Cf":
            return ""
        if category == "Zs" and ord(char) not in self.glyphs:  # CLDR's thin and narrow spaces, which CJK fonts lack
            return "\u00a0"
        if ord(char) not in self.glyphs and self.fallback:
            self.load_fallback()
        if ord(char) in self.glyphs:
            return char
        return "" if category in INVISIBLE else self.placeholder

    def line_of(self, text: str, size: float, colour: Colour, bold: bool = False, indent: float = 0, link: str = ""):
        """A paragraph of user text, as text (never markup), wrapped to the margins."""
        text, width = self.printable(text), self.epw - indent
        self.set_x(self.l_margin + indent)
        self.set_font_size(size)
        self.set_text_color(*colour)
        stroke = {"text_mode": "FILL_STROKE", "line_width": size * 0.035, "draw_color": colour}
        with self.local_context(**stroke) if bold else nullcontext():
            if self.get_string_width(text) <= width:  # a tenth of what wrapping costs
                self.cell(width, size * 1.3, text, link=link, **NEXT_LINE)
            else:
                self.multi_cell(width, size * 1.3, text, align="L", link=link, **NEXT_LINE)

    def lines_needed(self, text: str, size: float, indent: float = 0) -> int:
        text, width = self.printable(text), self.epw - indent
        self.set_font_size(size)
        if self.get_string_width(text) <= width:
            return 1
        return len(self.multi_cell(width, size, text, dry_run=True, output="LINES"))

    def header(self) -> None:
        if self.day is not None:
            self.line_of(_("{day} (continued)").format(day=long_day(self.day)), self.layout.body, MUTED, bold=True)
            self.ln(self.layout.small * 0.5)

    def footer(self) -> None:
        self.set_y(-(self.layout.margin + self.layout.small))
        self.set_font("text", size=self.layout.small)
        self.set_text_color(*MUTED)
        # Translators: the footer of every page; {total} is the number of pages.
        page = _("page {number} of {total}").format(number=self.page_no(), total="{nb}")
        footer = f"{self.printable(self.program.short_title)} · {page}"
        self.cell(0, self.layout.small, footer, align="R")


NEXT_LINE = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}


def header(pdf: Itinerary, program: Program, sessions: Sequence[Session], description: str, link: str | None) -> None:
    """Title, dates and cities, the view and its count; the QR code at the top right, the link under it all."""
    layout = pdf.layout
    top = pdf.y
    matrix = qr_matrix(link, layout.qr_size) if link else None
    room = layout.qr_size + layout.qr_size / 8 if matrix else 0  # the QR code's own quiet zone stays white
    pdf.set_right_margin(layout.margin + room)
    cities = " → ".join(city_name(city) for city in program.cities.values())
    pdf.line_of(program.title, layout.title, INK, bold=True)
    pdf.line_of(f"{day_range(program.start_date, program.end_date)} · {cities}", layout.body, INK)
    pdf.ln(layout.body * 0.4)
    pdf.line_of(view_line(description, len(sessions), len(program.sessions)), layout.body, INK)
    if pdf.edition:
        pdf.line_of(published_line(pdf.edition, program.timezone), layout.small, MUTED, bold=True)
        if pdf.edition.note:
            pdf.line_of(_("Note: {note}").format(note=pdf.edition.note), layout.small, MUTED)
        if pdf.marks:
            marked = _("Sessions changed in version {number} are marked “Changed in this version”.")
            pdf.line_of(marked.format(number=pdf.edition.number), layout.small, MUTED)
    else:
        updated = program.updated.date()
        line = _("Printed from the program as updated on {date}.").format(date=day_range(updated, updated))
        pdf.line_of(line, layout.small, MUTED)
    pdf.set_right_margin(layout.margin)
    if matrix:
        qr_code(pdf, matrix, link, pdf.w - layout.margin - layout.qr_size, top)
        pdf.set_y(max(pdf.y, top + layout.qr_size) + layout.small * 0.5)
    if link:
        pdf.line_of(_("Open this view on your phone: {link}").format(link=link), layout.small, MUTED, link=link)
    pdf.ln(layout.body * 0.8)


def city_name(city: City) -> str:
    """'Tokyo (東京)': the city and, where it differs, its Japanese name."""
    return f"{city.name} ({city.name_ja})" if city.name_ja and city.name_ja != city.name else city.name


def view_line(description: str, count: int, total: int) -> str:
    """'This view: Tourism Promotion · Shimonoseki (5 sessions of 19)', or 'The whole program (19 sessions of 19)'."""
    if description:
        return visitors.ngettext(
            "This view: {description} ({count} session of {total})",
            "This view: {description} ({count} sessions of {total})",
            count,
        ).format(description=description, count=count, total=total)
    return visitors.ngettext(
        "The whole program ({count} session of {total})", "The whole program ({count} sessions of {total})", count
    ).format(count=count, total=total)


def qr_matrix(link: str, size: float) -> tuple[bytearray, ...] | None:
    """The link's QR code, its rows of dark (1) and light modules; None for a link too long for a code of `size`
    points that a phone reads (modules of MIN_MODULE or more), or for any QR code."""
    try:
        matrix = segno.make_qr(link, error="m").matrix
    except segno.DataOverflowError:
        return None
    return matrix if size / len(matrix) >= MIN_MODULE else None


def qr_code(pdf: Itinerary, matrix: Sequence[bytearray], link: str, x: float, y: float) -> None:
    """The QR code as vector squares (runs of dark modules merged), a link too."""
    module = pdf.layout.qr_size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row, cells in enumerate(matrix):
        start = None
        for column, dark in enumerate([*cells, 0]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                pdf.rect(x + start * module, y + row * module, (column - start) * module, module, style="F")
                start = None
    pdf.link(x, y, pdf.layout.qr_size, pdf.layout.qr_size, link)


def day_heading(pdf: Itinerary, program: Program, day: date, first: Session) -> None:
    """The day, kept on the page of its first session."""
    size = pdf.layout.heading
    pdf.day = None  # a page that this heading starts does not go on with the day before
    keep_room(pdf, program, first, above=size * 2.2)
    pdf.ln(size * 0.4)
    pdf.line_of(long_day(day), size, INK, bold=True)
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.5)
    pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)
    pdf.ln(size * 0.5)
    pdf.day = day


class Line(NamedTuple):
    text: str
    size: float
    colour: Colour
    bold: bool = False


def session_lines(pdf: Itinerary, program: Program, session: Session) -> list[Line]:
    """What is printed of a session: status, title, when and where, the venue in English and Japanese, its address
    and how sure the point and the venue are."""
    layout, venue = pdf.layout, program.venues[session.venue_id]
    route = f"{program.cities[session.city].name} → {program.cities[session.to_city].name}" if session.to_city else ""
    where = route or program.cities[session.city].name
    cancelled = session.status == "cancelled"
    lines = [Line(_("Cancelled: this session will not take place."), layout.body, CANCELLED, True)] if cancelled else []
    mark = pdf.marks.get(session.id)
    changed = _("Changed in this version: {change}").format(change=mark) if mark else ""
    lines += [Line(changed, layout.body, CHANGED, True)] if mark else []
    when = f"{time_span(session.start, session.end)} · {where} · {kind_label(session.kind)}"
    lines += [
        Line(session.title, layout.body + 1, MUTED if cancelled else INK, True),
        Line(when, layout.body, MUTED),
        Line(venue.name, layout.body, INK),
    ]
    lines += [Line(venue.name_ja, layout.body + 2, INK)] if venue.name_ja and venue.name_ja != venue.name else []
    lines += [Line(venue.address_ja, layout.body + 2, INK)] if venue.address_ja else []
    lines += [Line(venue.address, layout.body, INK)] if venue.address else []
    if venue.note or point_note(venue):
        lines.append(Line(location_note(venue), layout.small, MUTED))
    if session.to_city:
        lines.append(Line(_(ROUTE_ONLY), layout.small, MUTED))
    return lines


def block_height(pdf: Itinerary, program: Program, session: Session) -> float:
    lines = session_lines(pdf, program, session)
    return sum(pdf.lines_needed(line.text, line.size, pdf.layout.body) * line.size * 1.3 for line in lines)


def keep_room(pdf: Itinerary, program: Program, session: Session, above: float = 0) -> None:
    """A new page unless the session's lines (and `above` them) fit on this one; measured only near the page's
    foot, where they may not."""
    if pdf.y + above + pdf.layout.body * 16 <= pdf.page_break_trigger or pdf.y < pdf.t_margin + pdf.layout.title * 4:
        return
    if pdf.y + above + block_height(pdf, program, session) > pdf.page_break_trigger:
        pdf.add_page()


def session_block(pdf: Itinerary, program: Program, session: Session) -> None:
    """A session's lines beside a bar in its theme's colour, on one page."""
    keep_room(pdf, program, session)
    top = pdf.y
    for line in session_lines(pdf, program, session):
        pdf.line_of(line.text, line.size, line.colour, line.bold, pdf.layout.body)
    pdf.set_fill_color(*rgb(session_colour(program, session))[:3])
    pdf.rect(pdf.l_margin, top + 1, pdf.layout.body * 0.3, pdf.y - top - 2, style="F")
    pdf.ln(pdf.layout.body * 0.6)


class Ring(NamedTuple):
    tint: int
    hole: bool
    points: tuple[tuple[float, float], ...]  # Mercator units
    box: tuple[float, float, float, float]  # west, north, east, south


@lru_cache(maxsize=1)
def land() -> tuple[Ring, ...]:
    """The basemap's land as rings in Mercator units, read once per process."""
    return tuple(rings_of(json.loads(basemap.GEOMETRY.read_text(encoding="utf-8"))["features"]))


def rings_of(features) -> Iterator[Ring]:
    for feature in features:
        tint = feature["properties"].get("tint", len(LAND_TINTS) - 1)
        geometry = feature["geometry"]
        for polygon in geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]:
            for number, ring in enumerate(polygon):
                points = tuple(mercator(lon, max(min(lat, 85.0), -85.0)) for lon, lat in ring)
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                yield Ring(tint, number > 0, points, (min(xs), min(ys), max(xs), max(ys)))


@dataclass(frozen=True)
class Frame:
    """Where the map is on the page and which part of the world it shows."""

    x: float
    y: float
    width: float
    height: float
    west: float  # Mercator units at the frame's left and top edges
    north: float
    scale: float  # points per Mercator unit

    def at(self, point: Sequence[float]) -> tuple[float, float]:
        return self.x + (point[0] - self.west) * self.scale, self.y + (point[1] - self.north) * self.scale

    def view(self) -> pdk.ViewState:
        """The web map's view of the same place at the same scale (a point a pixel), for the rules both share."""
        lon, lat = lon_lat(self.west + self.width / 2 / self.scale, self.north + self.height / 2 / self.scale)
        return pdk.ViewState(latitude=lat, longitude=lon, zoom=math.log2(self.scale / 512))

    def box(self) -> tuple[float, float, float, float]:
        """West, south, east, north in degrees."""
        west, north = lon_lat(self.west, self.north)
        east, south = lon_lat(self.west + self.width / self.scale, self.north + self.height / self.scale)
        return west, south, east, north

    def shows(self, box: tuple[float, float, float, float]) -> bool:
        east, south = self.west + self.width / self.scale, self.north + self.height / self.scale
        return box[0] < east and box[2] > self.west and box[1] < south and box[3] > self.north


PADDING = 0.12
MAX_PLACES_PRINTED = 6


def frame_for(positions: Sequence[Sequence[float]], x: float, y: float, width: float, height: float) -> Frame:
    """The frame fitting every position (longitude, latitude) with a margin, north up, centred."""
    points = [mercator(lon, lat) for lon, lat in positions]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    centre_x, centre_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    least = MIN_EXTENT_M / metres_per_mercator(lon_lat(centre_x, centre_y)[1])
    span = max(max(xs) - min(xs), (max(ys) - min(ys)) * width / height, least / (1 + 2 * PADDING)) * (1 + 2 * PADDING)
    scale = width / span
    return Frame(x, y, width, height, centre_x - width / 2 / scale, centre_y - height / 2 / scale, scale)


def overview_map(pdf: Itinerary, program: Program, sessions: Sequence[Session]) -> None:
    """Land, sea, transfer lines, halos and markers as on the dashboard's map, as vectors, with its legend."""
    points, lines = venue_points(program, sessions), transfer_lines(program, sessions)
    positions = [p["position"] for p in points] + [end for line in lines for end in (line["from"], line["to"])]
    if not positions:  # transfers whose destination the program does not give: nothing to place
        return
    frame = frame_for(positions, pdf.l_margin, pdf.y, pdf.epw, pdf.layout.map_height)
    view = frame.view()
    taken: list[tuple] = []
    labels = placed(city_labels(program, sessions), pdf.layout.small, view.zoom, taken)
    around = placed(place_labels(program, view), PLACE_SIZE, view.zoom, taken, limit=MAX_PLACES_PRINTED)
    with pdf.local_context(), pdf.rect_clip(frame.x, frame.y, frame.width, frame.height):  # state kept, restored
        pdf.set_fill_color(*SEA[:3])
        pdf.rect(frame.x, frame.y, frame.width, frame.height, style="F")
        draw_land(pdf, frame)
        draw_marks(pdf, program, sessions, frame, points, lines)
        draw_labels(pdf, frame, around, MUTED)
        draw_labels(pdf, frame, labels, INK)
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.5)
    pdf.rect(frame.x, frame.y, frame.width, frame.height)
    pdf.set_y(frame.y + frame.height + pdf.layout.small * 0.4)
    pdf.line_of(map_legend(program=program, sessions=sessions), pdf.layout.small, MUTED)
    pdf.ln(pdf.layout.body * 0.4)


def draw_land(pdf: Itinerary, frame: Frame) -> None:
    """The rings the frame shows, thinned to what the page can show (a point every half point or more); from the
    zoom the map fetches Japan's detail at, its tiles over them, as on screen."""
    pdf.set_draw_color(*COAST[:3])
    pdf.set_line_width(0.3)
    zoom, _ = basemap.detail_tiles()
    rings = land()
    if frame.view().zoom >= zoom - 1:
        rings += tuple(rings_of(basemap.detail_features(*frame.box())))
    for ring in rings:
        if not frame.shows(ring.box):
            continue
        if ring.tint < 0:  # a detail tile's own sea, over the coarser land
            pdf.set_fill_color(*SEA[:3])
            pdf.polygon([frame.at(point) for point in ring.points], style="F")
            continue
        kept = [frame.at(ring.points[0])]
        for point in ring.points[1:]:
            x, y = frame.at(point)
            if abs(x - kept[-1][0]) + abs(y - kept[-1][1]) >= 0.5:
                kept.append((x, y))
        if len(kept) >= 3:
            pdf.set_fill_color(*(SEA if ring.hole else LAND_TINTS[ring.tint])[:3])
            pdf.polygon(kept, style="DF")


def draw_marks(
    pdf: Itinerary, program: Program, sessions: Sequence[Session], frame: Frame, points: list[dict], lines: list[dict]
) -> None:
    dot = pdf.layout.dot
    pdf.set_draw_color(*rgb(LOGISTICS_COLOUR)[:3])
    pdf.set_line_width(dot * 0.4)
    for line in lines:
        pdf.line(*frame.at(mercator(*line["from"])), *frame.at(mercator(*line["to"])))
    pdf.set_line_width(0.6)
    for halo in halos(program, sessions, min(frame.width, frame.height) / frame.scale):
        lon, lat = halo["position"]
        radius = max(halo["radius"] / metres_per_mercator(lat) * frame.scale, dot * 2)
        pdf.set_draw_color(*halo["colour"][:3])
        pdf.set_fill_color(*halo["fill"][:3])
        with pdf.local_context(fill_opacity=halo["fill"][3] / 255):
            pdf.circle(*frame.at(mercator(lon, lat)), radius, style="DF" if halo["fill"][3] else "D")
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(dot * 0.35)
    for point in points:
        pdf.set_fill_color(*point["colour"][:3])
        pdf.circle(*frame.at(mercator(*point["position"])), dot, style="DF")


def draw_labels(pdf: Itinerary, frame: Frame, labels: list[dict], colour: Colour) -> None:
    """Names centred where `placed` put them beside their points, kept inside the frame."""
    size = pdf.layout.small
    pdf.set_font_size(size)
    pdf.set_text_color(*colour)
    for label in labels:
        text = pdf.printable(label["name"])
        x, y = frame.at(mercator(*label["position"]))
        dx, dy = label["offset"]
        width = pdf.get_string_width(text)
        x = min(max(x + dx - width / 2, frame.x + 2), frame.x + frame.width - width - 2)
        pdf.text(x, min(max(y + dy + size * 0.35, frame.y + size), frame.y + frame.height - 3), text)
