"""Reading the dashboard's page in AppTest: what Streamlit's test API has no accessor for."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block


def card(at: AppTest) -> Block | None:
    """The open session card: a dialog, which AppTest keeps in its tree's event block."""
    dialogs = [block for block in at._tree.children[2].children.values() if block.type == "dialog"]
    assert len(dialogs) <= 1, dialogs
    return dialogs[0] if dialogs else None


def card_title(at: AppTest) -> str | None:
    """The title of the open session card, if any."""
    shown = card(at)
    return shown.proto.dialog.title if shown else None


def card_texts(at: AppTest) -> list[str]:
    return [m.value for m in card(at).markdown]
