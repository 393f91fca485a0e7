"""The dashboard as an installed copy runs it (`kizuna serve`); a checkout runs app.py, which says the same."""

from kizuna_app.navigation import main

main()
