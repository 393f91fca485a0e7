"""The app's pages: the visitors' dashboard at `/` (its address and links unchanged) and the Organisers page.

The menu is hidden: visitors see the dashboard as before, with one link to the Organisers page at the foot of its
sidebar, and the Organisers page links back."""

from __future__ import annotations

import streamlit as st

from kizuna.views.share import ORGANISERS_PAGE
from kizuna_app import page


def visitors_page() -> st.Page:
    return st.Page(page.main, title="Seminar program", icon="🤝", default=True)


def main() -> None:
    organisers = st.Page(page.ORGANISERS_FILE, title="Organisers", icon="🤝", url_path=ORGANISERS_PAGE)
    st.navigation([visitors_page(), organisers], position="hidden").run()
