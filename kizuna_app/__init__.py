"""The dashboard's pages and server: the only code that imports streamlit.

`ENTRY` is the script Streamlit runs for every visitor: app.py in a checkout, `dashboard.py` here when installed.
Streamlit serves the `static` folder next to it at /app/static/ (the basemap, the directory programs' feeds)."""

from pathlib import Path

from kizuna import config

ENTRY = config.HOME / "app.py" if config.HOME else Path(__file__).resolve().parent / "dashboard.py"
STATIC = ENTRY.parent / "static"
