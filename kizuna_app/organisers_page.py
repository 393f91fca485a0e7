"""The Organisers page as Streamlit runs it: a file, so AppTest can switch to it; the page is kizuna_app.organisers."""

from kizuna_app.organisers import main

main()
