"""The week as an Altair chart: one column per day, sessions stacked in program order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import altair as alt
import pandas as pd

from kizuna.maps import LOGISTICS_COLOUR
from kizuna.model import Program, Session

SELECTION = "pick"
DETAIL_LIMIT = 300  # sessions drawn one by one; above it the timeline counts them
LOGISTICS = "Logistics"


@lru_cache(maxsize=8)
def day_names(program: Program) -> dict:
    """'Tue 17 Dec|Tokyo → Shimonoseki' per day: the cities come from the whole program."""
    cities: dict = {day: [] for day in program.days}
    for session in program.sessions:
        for slug in (session.city, session.to_city):
            if slug and program.cities[slug].name not in cities[session.date]:
                cities[session.date].append(program.cities[slug].name)
    return {day: f"{day:%a} {day.day} {day:%b}|{' → '.join(names) or ' '}" for day, names in cities.items()}


def timeline_frame(program: Program, sessions: Sequence[Session]) -> pd.DataFrame:
    days = day_names(program)
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
                "when": f"{session.start:%H:%M}" if session.start else "all day (no time given)",
                "city": program.cities[session.city].name,
                "venue": program.venues[session.venue].name,
                "theme": program.themes[session.themes[0]].label if session.themes else LOGISTICS,
                "themes": ", ".join(program.themes[t].label for t in session.themes) or LOGISTICS,
            }
        )
    return pd.DataFrame(rows, columns=["id", "day", "slot", "title", "when", "city", "venue", "theme", "themes"])


def day_axis(program: Program) -> alt.X:
    """Every program day is a column, even when the filter leaves it empty."""
    return alt.X(
        "day:O",
        scale=alt.Scale(domain=list(day_names(program).values())),
        axis=alt.Axis(
            title=None,
            orient="top",
            labelAngle=0,
            labelExpr="split(datum.label, '|')",
            labelBaseline="bottom",
            labelPadding=4,
        ),
    )


def theme_colour(program: Program) -> alt.Color:
    domain = [theme.label for theme in program.themes.values()] + [LOGISTICS]
    palette = [theme.colour for theme in program.themes.values()] + [LOGISTICS_COLOUR]
    return alt.Color("theme:N", scale=alt.Scale(domain=domain, range=palette), legend=alt.Legend(orient="bottom"))


def build_timeline(program: Program, sessions: Sequence[Session], selected: str | None = None) -> alt.TopLevelMixin:
    """Clicking a block selects that session (selection parameter `pick`, field `id`).

    Past DETAIL_LIMIT sessions the blocks would be unreadable: the chart counts sessions per day and theme.
    """
    if len(sessions) > DETAIL_LIMIT:
        return build_day_counts(program, sessions)
    frame = timeline_frame(program, sessions)
    pick = alt.selection_point(name=SELECTION, fields=["id"], on="click", clear="dblclick")
    base = alt.Chart(frame).encode(x=day_axis(program), y=alt.Y("slot:O", axis=None))
    blocks = base.mark_rect(cornerRadius=4, stroke="white", strokeWidth=2).encode(
        color=theme_colour(program),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
        tooltip=[
            alt.Tooltip("title:N", title="Session"),
            alt.Tooltip("when:N", title="Time"),
            alt.Tooltip("city:N", title="City"),
            alt.Tooltip("venue:N", title="Venue"),
            alt.Tooltip("themes:N", title="Themes"),
        ],
    )
    if selected:
        blocks = blocks.encode(strokeWidth=alt.condition(alt.datum.id == selected, alt.value(4), alt.value(2)))
    labels = base.mark_text(fontSize=11, color="white", limit=110, ellipsis="…").encode(text="title:N")
    return (
        alt.layer(blocks.add_params(pick), labels)
        .properties(height=max(180, 44 * int(frame["slot"].max() if len(frame) else 1)))
        .configure_view(strokeWidth=0)
    )


def build_day_counts(program: Program, sessions: Sequence[Session]) -> alt.Chart:
    """Sessions per day and (first) theme: a few hundred bytes whatever the number of sessions."""
    days = day_names(program)
    counts = Counter((days[s.date], program.themes[s.themes[0]].label if s.themes else LOGISTICS) for s in sessions)
    frame = pd.DataFrame([(day, theme, n) for (day, theme), n in counts.items()], columns=["day", "theme", "sessions"])
    pick = alt.selection_point(name=SELECTION, fields=["day"], on="click", clear="dblclick")
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=day_axis(program),
            y=alt.Y("sessions:Q", title="Sessions"),
            color=theme_colour(program),
            tooltip=["day:N", "theme:N", "sessions:Q"],
        )
        .add_params(pick)
        .properties(height=260)
        .configure_view(strokeWidth=0)
    )
