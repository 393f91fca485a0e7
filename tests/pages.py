"""Reading the dashboard's page in AppTest: what Streamlit's test API has no accessor for."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def dashboard(query: dict | None = None) -> AppTest:
    """The visitors' page run once, opened with these query params; it must not raise."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query or {})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


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


def click_chart(at: AppTest, key: str, selection: dict) -> AppTest:
    """Run the page as after a click on the chart (map or timeline) with this key: the browser sends the chart's
    selection state as its widget value, which AppTest has no setter for."""
    (chart,) = [c for kind in ("deck_gl_json_chart", "vega_lite_chart") for c in at.get(kind) if c.key == key]
    states = at._tree.get_widget_states()
    states.widgets.add(id=chart.proto.id, string_value=json.dumps({"selection": selection}))
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    return at


def record_downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable]:
    """The data callables of deferred download buttons, by the file id their button carries, as the runs register
    them: calling one is what a click on the button does."""
    found: dict[str, Callable] = {}
    register = MediaFileManager.add_deferred

    def recording(self: MediaFileManager, data: Callable, *args, **kwargs) -> str:
        found[file_id := register(self, data, *args, **kwargs)] = data
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)
    return found


def downloaded(at: AppTest, found: dict[str, Callable], name: str) -> bytes:
    """The bytes the download button with this key (or, for a button without one, this label) gives."""
    (button,) = [b for b in at.get("download_button") if name in (b.key, b.proto.label)]
    return found[button.proto.deferred_file_id]()
