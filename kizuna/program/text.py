"""Text cleaning and escaping shared by the loader, the calendar export and the page; counts, lists and a session's
kind in the reader's words."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kizuna.i18n import N_, visitors

_ = visitors.gettext

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # and lone surrogates
LINE_BREAKS = re.compile(r"\s*[\r\n\x85\u2028\u2029]+\s*")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&\"'])")
# Streamlit rewrites the text of its Markdown after parsing, escapes or not: web and e-mail addresses become links,
# :name: an icon, an emoji or its logo, ' -> ' an arrow. Each needs its characters in one piece of text, so plain
# text is cut where one could start (after ':' before a word or '/', after '@', in 'www.', between '-', '<', '>',
# '~' and '=') by an empty directive: nothing shows, the characters stay as they are.
REWRITTEN = re.compile(r"(?<=:)(?=[\w+/-])|(?<=@)(?=[\w-])|(?<=www)(?=\.)|(?<=[-<>~])(?=[->=])", re.IGNORECASE)
CUT = ":small[]"


def clean_text(text: str) -> str:
    """Strip control characters (CR and LF stay) that calendar clients reject."""
    return CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


def shortened(value: str, limit: int = 40) -> str:
    """A value quoted in a message (`'karato-markt'`), cut short: a message never echoes a hostile cell whole."""
    return repr(cut(value, limit))


def cut(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def one_line(text: str) -> str:
    """SUMMARY must stay on one line: some clients refuse a line break there."""
    return LINE_BREAKS.sub(" ", clean_text(text)).strip()


def plain(text: str) -> str:
    """Text for Streamlit's Markdown (bodies, titles, captions, labels, dialog titles): shown as the same characters,
    line breaks kept. The one way program text reaches a surface that reads Markdown."""
    lines = (line.strip(" \t") for line in text.replace("\r", "").split("\n"))  # indentation would make a code block
    return "  \n".join(plain_line(line) for line in lines)


def plain_line(line: str) -> str:
    """Every Markdown/HTML-significant character escaped, and cut where Streamlit would rewrite the text."""
    return CUT.join(MARKDOWN_SPECIAL.sub(r"\\\1", piece) for piece in REWRITTEN.split(line))


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


def channels(colour: str) -> tuple[int, int, int]:
    """#RRGGBB as (red, green, blue)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return red, green, blue


def swatch(colour: str) -> str:
    """The coloured-square emoji nearest to #RRGGBB, for labels that cannot be styled."""
    rgb = channels(colour)
    return min(SWATCHES, key=lambda s: sum((a - b) ** 2 for a, b in zip(SWATCHES[s], rgb, strict=True)))


def counted(number: int, noun: str) -> str:
    """'1 session', '12 sessions' ('セッション12件'): a session, day or problem count in the reader's language, any
    other noun in English."""
    if noun == "session":
        return visitors.ngettext("{count} session", "{count} sessions", number).format(count=number)
    if noun == "day":
        return visitors.ngettext("{count} day", "{count} days", number).format(count=number)
    if noun == "problem":
        return visitors.ngettext("{count} problem", "{count} problems", number).format(count=number)
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def listed(items: Iterable[str], pattern: str | None = None) -> str:
    """'Tourism, Culture, Sport' ('観光、文化、スポーツ'): items in one line, joined two at a time by `pattern` (a
    translated '{items}…{item}'), by default as the reader's language writes a list."""
    # Translators: joins the items of a list one at a time: 'Tourism Promotion, Regional Revitalisation'.
    pattern = pattern or _("{items}, {item}")
    written: str | None = None
    for item in items:
        written = item if written is None else pattern.format(items=written, item=item)
    return written or ""


KIND_LABELS = {  # model.KINDS as a reader reads them, lower case (they follow a date or a place in a line)
    "arrival": N_("arrival"),
    "lecture": N_("lecture"),
    "visit": N_("visit"),
    "briefing": N_("briefing"),
    "courtesy-call": N_("courtesy call"),
    "exchange": N_("exchange"),
    "transfer": N_("transfer"),
    "overnight": N_("overnight"),
    "departure": N_("departure"),
}


def kind_label(kind: str) -> str:
    """'courtesy call' ('表敬訪問'): a session's kind as the agenda, the filter, the kinds picker and the printout
    name it."""
    label = KIND_LABELS.get(kind)
    return _(label) if label else kind.replace("-", " ")
