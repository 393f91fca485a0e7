"""Hello-world page: the floor for cold-start measurements."""

import streamlit as st

st.title("Hello")
