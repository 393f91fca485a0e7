"""Kizuna dashboard: `streamlit run app.py`.

The pages are imported from kizuna_app/ so Python compiles them once; Streamlit recompiles the entry script on every
rerun. The visitors' dashboard is at `/`, the Organisers page at `/organisers` (kizuna_app/navigation.py).
"""

from kizuna_app.navigation import main

main()
