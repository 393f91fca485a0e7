"""The floor for a page like the dashboard: one pydeck map on the same basemap and one Vega-Lite chart, nothing else."""

import pydeck as pdk
import streamlit as st

from kizuna.views.maps import basemap_layers

st.title("Floor")
point = pdk.Layer("ScatterplotLayer", data=[{"p": [139.7, 35.7]}], get_position="p", get_radius=1000)
st.pydeck_chart(pdk.Deck(layers=[*basemap_layers(), point], map_provider=None))  # the dashboard's own basemap
chart = {"mark": "bar", "encoding": {"x": {"field": "a"}, "y": {"field": "b"}}}
st.vega_lite_chart({"data": {"values": [{"a": 1, "b": 2}]}, **chart})
