"""The dashboard as an ASGI app: Streamlit's (`st.App`, on Starlette and uvicorn) with the published programs' feeds.

`deploy/serve.py` runs it with `streamlit run`, which finds `app` here and serves it with the usual options.
"""

import sys
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the page imports kizuna_app, as it does under `streamlit run app.py`

from kizuna_app.served_feeds import PublishedFeeds  # noqa: E402

app = st.App(ROOT / "app.py", middleware=[Middleware(PublishedFeeds)])
