"""Kizuna dashboard: `streamlit run app.py`.

The page is imported from kizuna_app/ so Python compiles it once; Streamlit recompiles the entry script on every rerun.
"""

from kizuna_app.page import main

main()
