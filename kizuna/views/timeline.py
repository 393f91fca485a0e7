"""The week as an Altair chart: one column per day, sessions stacked in program order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache

import altair as alt
from altair.utils.schemapi import debug_mode
from babel.numbers import get_decimal_symbol, get_group_symbol

from kizuna.i18n import N_, SOURCE, language, locale, visitors
from kizuna.program.dates import short_day, time_span
from kizuna.program.model import Program, Session
from kizuna.program.text import listed
from kizuna.views.maps import LOGISTICS_COLOUR

_ = visitors.gettext

CLICK_PARAM = "block_click"  # the Vega-Lite parameter a click on a block sets (read back by the page)
DETAIL_LIMIT = 300  # sessions drawn one by one; above it the timeline counts them
# Translators: the colour of the sessions that have no theme: arrivals, transfers, nights, departures.
LOGISTICS = N_("Logistics")


def day_names(program: Program) -> dict:
    """'Tue 17 Dec|Tokyo → Shimonoseki' per day, in the reader's language: the cities come from the whole program.
    The axis shows these texts as they are: no date is formatted by Vega."""
    return days_named(program, language())


@lru_cache(maxsize=16)
def days_named(program: Program, lang: str) -> dict:
    cities: dict = {day: [] for day in program.days}
    for session in program.sessions:
        for slug in (session.city, session.to_city):
            if slug and program.cities[slug].name not in cities[session.date]:
                cities[session.date].append(program.cities[slug].name)
    return {day: f"{short_day(day)}|{' → '.join(names) or ' '}" for day, names in cities.items()}


def timeline_rows(program: Program, sessions: Sequence[Session], marks: Mapping[str, str] | None = None) -> list[dict]:
    """One row per session: its day column and slot (position in the day), and what the tooltip shows; its label
    starts with ✕ when it is cancelled, with ↻ when it has a change mark (`marks`, by session id: views.marks)."""
    marks = marks or {}
    days = day_names(program)
    cancelled, all_day = _("Cancelled"), _("all day (no time given)")
    rows = []
    slot: dict = {}
    for session in sessions:
        slot[session.date] = slot.get(session.date, 0) + 1
        rows.append(
            {
                "id": session.id,
                "day": days[session.date],
                "slot": slot[session.date],
                "title": session.title,
                "label": block_label(session, marks.get(session.id, "")),
                "status": session.status,
                "change": marks.get(session.id) or (cancelled if session.status == "cancelled" else "—"),
                "when": time_span(session.start, session.end, missing=all_day),
                "city": program.cities[session.city].name,
                "venue": program.venues[session.venue_id].name,
                "theme": colour_label(program, session),
                "themes": listed(program.themes[t].label for t in session.themes) or _(LOGISTICS),
            }
        )
    return rows


def block_label(session: Session, mark: str) -> str:
    """The text on a session's block."""
    if session.status == "cancelled":
        return f"✕ {session.title}"
    return f"↻ {session.title}" if mark else session.title


def day_axis(program: Program) -> alt.X:
    """Every program day is a column, even when the filter leaves it empty."""
    return alt.X(
        "day:O",
        scale=alt.Scale(domain=list(day_names(program).values())),
        axis=alt.Axis(
            title=None,
            orient="bottom",  # two-line labels (day, cities) grow away from the blocks
            labelAngle=0,
            labelExpr="split(datum.label, '|')",
            labelPadding=6,
            labelFontSize=11,
        ),
    )


def colour_label(program: Program, session: Session) -> str:
    """What a session's block is coloured by: its first theme, or Logistics."""
    return program.themes[session.themes[0]].label if session.themes else _(LOGISTICS)


def legend_colours(program: Program, sessions: Sequence[Session], encoding: dict) -> dict:
    """The encoding with a colour scale of only the colours the sessions use, so the legend lists what the view
    shows; a theme keeps its colour whatever the filter (no legend at all for an empty view)."""
    used = {colour_label(program, session) for session in sessions}
    pairs = [(theme.label, theme.colour) for theme in program.themes.values()] + [(_(LOGISTICS), LOGISTICS_COLOUR)]
    shown = [(label, colour) for label, colour in pairs if label in used]
    if not shown:
        return {**encoding, "color": {**encoding["color"], "legend": None}}
    scale = {"domain": [label for label, _ in shown], "range": [colour for _, colour in shown]}
    return {**encoding, "color": {**encoding["color"], "scale": scale}}


def build_timeline(
    program: Program,
    sessions: Sequence[Session],
    open_session: str | None = None,
    marks: Mapping[str, str] | None = None,
) -> dict:
    """The Vega-Lite spec; a click on a block sets the parameter CLICK_PARAM to its session's `id` (the page then opens
    it), and the open session's block has a thicker outline. When a shown session is changed (`marks`) or cancelled,
    the tooltip says how (Change) and cancelled blocks have a dashed outline.

    Past DETAIL_LIMIT sessions the blocks would be unreadable: the chart counts sessions per day and theme.
    Altair builds each chart once per program (`chart_without_data`); a rerun only adds the rows.
    """
    if len(sessions) > DETAIL_LIMIT:
        spec = chart_without_data(program, False, language())
        encoding = legend_colours(program, sessions, spec["encoding"])
        return {**spec, "encoding": encoding, "data": {"values": day_counts(program, sessions)}}
    rows = timeline_rows(program, sessions, marks)
    spec = chart_without_data(program, True, language())
    blocks, labels = spec["layer"]
    encoding = legend_colours(program, sessions, blocks["encoding"])
    if any(row["change"] != "—" for row in rows):
        # Translators: the title of a changed session's change mark in the timeline's tooltip.
        change = {"field": "change", "type": "nominal", "title": _("Change")}
        encoding = {**encoding, "tooltip": [*encoding["tooltip"], change]}
    if any(row["status"] == "cancelled" for row in rows):
        dashed = {"test": "datum.status === 'cancelled'", "value": [4, 3]}
        encoding = {**encoding, "strokeDash": {"condition": dashed, "value": [1, 0]}}
    if open_session:  # the open session's block ringed; Altair writes the test
        ring = {"condition": {"test": str(alt.datum.id == open_session), "value": 4}, "value": 2}
        encoding = {**encoding, "strokeWidth": ring}
    height = max(180, 44 * max((row["slot"] for row in rows), default=1))
    return {**spec, "layer": [{**blocks, "encoding": encoding}, labels], "data": {"values": rows}, "height": height}


@lru_cache(maxsize=16)
def chart_without_data(program: Program, detail: bool, lang: str) -> dict:
    """The chart as a spec without rows, in `lang` (the current language): Altair's building and checking take
    longer than a whole rerun otherwise.

    The finished spec is checked against the Vega-Lite schema by the tests.
    """
    with debug_mode(False):
        chart = session_blocks(program) if detail else day_bars(program)
        spec = chart.configure_view(strokeWidth=0).to_dict(validate=False)
    del spec["data"]
    spec.pop("datasets", None)
    if lang != SOURCE:
        spec["config"] = {**spec["config"], "locale": {"number": number_format()}}
    return spec


def number_format() -> dict:
    """Vega's number locale for the current language, from CLDR: the axis and tooltip counts ('1 234' in French)."""
    lang = locale()
    return {
        "decimal": get_decimal_symbol(lang),
        "thousands": get_group_symbol(lang),
        "grouping": [3],
        "currency": ["", ""],
    }


def theme_colour() -> alt.Color:
    """The colour by theme, its legend at the bottom (its scale: `legend_colours`, per view)."""
    # Translators: the title of the timeline's colour legend (the sessions' themes).
    return alt.Color("theme:N", title=_("theme"), legend=alt.Legend(orient="bottom"))


def session_blocks(program: Program) -> alt.LayerChart:
    click = alt.selection_point(name=CLICK_PARAM, fields=["id"], on="click", clear="dblclick")
    base = alt.Chart(alt.Data(values=[])).encode(x=day_axis(program), y=alt.Y("slot:O", axis=None))
    blocks = base.mark_rect(cornerRadius=4, stroke="white", strokeWidth=2).encode(
        color=theme_colour(),
        opacity=alt.condition(click, alt.value(1.0), alt.value(0.35)),
        tooltip=[
            alt.Tooltip("title:N", title=_("Session")),
            alt.Tooltip("when:N", title=_("Time")),
            alt.Tooltip("city:N", title=_("City")),
            alt.Tooltip("venue:N", title=_("Venue")),
            alt.Tooltip("themes:N", title=_("Themes")),
        ],
    )
    labels = base.mark_text(fontSize=11, color="white", limit=110, ellipsis="…").encode(text="label:N")
    return alt.layer(blocks.add_params(click), labels)


def day_bars(program: Program) -> alt.Chart:
    """Sessions per day and (first) theme: a few hundred bytes whatever the number of sessions."""
    click = alt.selection_point(name=CLICK_PARAM, fields=["day"], on="click", clear="dblclick")
    return (
        alt.Chart(alt.Data(values=[]))
        .mark_bar()
        .encode(
            x=day_axis(program),
            y=alt.Y("sessions:Q", title=_("Sessions")),
            color=theme_colour(),
            tooltip=[
                # Translators: the titles of a day bar's tooltip in the timeline (lower case, as Vega names fields).
                alt.Tooltip("day:N", title=_("day")),
                alt.Tooltip("theme:N", title=_("theme")),
                alt.Tooltip("sessions:Q", title=_("sessions")),
            ],
        )
        .add_params(click)
        .properties(height=260)
    )


def day_counts(program: Program, sessions: Sequence[Session]) -> list[dict]:
    days = day_names(program)
    counts = Counter((days[s.date], colour_label(program, s)) for s in sessions)
    return [{"day": day, "theme": theme, "sessions": n} for (day, theme), n in counts.items()]


def clicked_session(click: Mapping) -> str | None:
    """The session of the block a timeline click hit (the CLICK_PARAM rows of Streamlit's click event, its
    `selection`); None for a day bar."""
    rows = click.get(CLICK_PARAM) or []
    return rows[0].get("id") if rows else None
