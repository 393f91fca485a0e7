"""The naive reference page the dashboard is measured against: a table, one multiselect, one map, one chart."""

import altair as alt
import pandas as pd
import pydeck as pdk
import streamlit as st

from kizuna.checks.loading import load_program
from kizuna.program.records import RECORD_FIELDS, session_records
from kizuna.publishing.programs import configured_programs


@st.cache_resource
def frame(folder: str):
    program = load_program(folder)
    return program, pd.DataFrame.from_records(session_records(program, program.sessions), columns=RECORD_FIELDS)


program, rows = frame(str(configured_programs(published=False).default.path))  # the dashboard's default
themes = st.multiselect("Themes", list(program.themes), key="themes")
shown = rows[rows["themes"].map(lambda t: not themes or bool(set(t) & set(themes)))]
st.dataframe(shown.drop(columns=["themes"]))
layer = pdk.Layer("ScatterplotLayer", data=shown[["lon", "lat", "title"]], get_position=["lon", "lat"], get_radius=200)
st.pydeck_chart(pdk.Deck(layers=[layer], map_style=None))
st.altair_chart(alt.Chart(shown[["date", "kind"]]).mark_bar().encode(x="date:O", y="count()", color="kind:N"))
