"""Data text shown through Markdown-rendering widgets must come out as the same text."""

from __future__ import annotations

import re

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&\"'])")


def plain(text: str) -> str:
    """Escape every Markdown/HTML-significant character so text renders literally, line breaks kept."""
    escaped = MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("\r", ""))
    return escaped.replace("\n", "  \n")


SWATCHES = {
    "🟥": (221, 46, 68),
    "🟧": (244, 144, 12),
    "🟨": (253, 203, 88),
    "🟩": (120, 177, 89),
    "🟦": (85, 172, 238),
    "🟪": (170, 142, 214),
    "🟫": (193, 105, 79),
    "⬛": (49, 55, 61),
}


def swatch(colour: str) -> str:
    """The coloured-square emoji nearest to #RRGGBB, for labels that cannot be styled."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return min(SWATCHES, key=lambda s: sum((a - b) ** 2 for a, b in zip(SWATCHES[s], (red, green, blue), strict=True)))
