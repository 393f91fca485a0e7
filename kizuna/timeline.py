"""The week as an Altair chart: one column per day, sessions stacked in program order."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from kizuna.maps import LOGISTICS_COLOUR
from kizuna.model import Program, Session

SELECTION = "pick"
LOGISTICS = "Logistics"


def day_names(program: Program) -> dict:
    """'Tue 17 Dec|Tokyo → Shimonoseki' per day: the cities come from the whole program."""
    names = {}
    for day in program.days:
        cities: list[str] = []
        for session in program.sessions:
            if session.date == day:
                for slug in (session.city, session.to_city):
                    if slug and program.cities[slug].name not in cities:
                        cities.append(program.cities[slug].name)
        names[day] = f"{day:%a} {day.day} {day:%b}|{' → '.join(cities) or ' '}"
    return names


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


def build_timeline(program: Program, sessions: Sequence[Session], selected: str | None = None) -> alt.LayerChart:
    """Clicking a block selects that session (selection parameter `pick`, field `id`)."""
    frame = timeline_frame(program, sessions)
    domain = [theme.label for theme in program.themes.values()] + [LOGISTICS]
    palette = [theme.colour for theme in program.themes.values()] + [LOGISTICS_COLOUR]
    pick = alt.selection_point(name=SELECTION, fields=["id"], on="click", clear="dblclick")
    days = list(day_names(program).values())
    x = alt.X(
        "day:O",
        scale=alt.Scale(domain=days),
        axis=alt.Axis(
            title=None,
            orient="top",
            labelAngle=0,
            labelExpr="split(datum.label, '|')",
            labelBaseline="bottom",
            labelPadding=4,
        ),
    )
    y = alt.Y("slot:O", axis=None)
    base = alt.Chart(frame).encode(x=x, y=y)
    blocks = base.mark_rect(cornerRadius=4, stroke="white", strokeWidth=2).encode(
        color=alt.Color("theme:N", scale=alt.Scale(domain=domain, range=palette), legend=alt.Legend(orient="bottom")),
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
