"""The dashboard's page: the only code besides app.py that imports streamlit."""
