"""Browser tests: the real dashboard (`streamlit run app.py`) driven through headless Chromium.

A package so its modules get unique names (`e2e.test_dashboard`) and `tests/` is on sys.path for `checkers`.
"""
