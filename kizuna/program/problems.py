"""A problem found in a program's data, located the way the organiser's own file shows it."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any

from kizuna.i18n import organisers as problems_domain  # the messages are marked where problems are made (checks)

MAX_PROBLEMS = 1_000  # listed; past that a file is broken throughout, and the rest are only counted
Value = str | int | float | None  # what a message's placeholders hold: plain data, so it crosses from a worker as JSON


class Said(str):
    """A message in English (the text itself, as logs and tests read it) that keeps its msgid and values, so it is
    shown in the reader's language wherever and whenever it is shown: a problem made in a worker process, or kept
    and shown later, reads in the language of whoever reads it."""

    __slots__ = ("msgid", "params")
    msgid: str
    params: dict[str, Value]

    def __new__(cls, msgid: str, params: dict[str, Value], english: str | None = None) -> Said:
        """`english` when the msgid is not this program's own (`said_from`): formatted with care, by `FORMATTER`."""
        text = str.__new__(cls, msgid.format_map(params) if english is None else english)
        text.msgid = msgid
        text.params = params
        return text

    def __reduce__(self) -> tuple:
        return Said, (self.msgid, self.params)

    def translated(self) -> str:
        """The message in the current context's language (the organisers' catalogue); English if the translation
        does not fit the values."""
        try:
            return FORMATTER.vformat(problems_domain.gettext(self.msgid), (), self.params)
        except (KeyError, IndexError, ValueError, TypeError, AttributeError):
            return str(self)


class PlainFields(string.Formatter):
    """`str.format` for messages that may come from a worker: named fields only (no attribute or index lookups) and
    the few format specs messages use (`,`, `.1f`, `g`), so a message cannot reach into its values or grow huge."""

    SPEC = re.compile(r",?(?:\.[0-9])?[dfg]?")

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> tuple[Any, str]:
        if not field_name.isidentifier():
            raise KeyError(field_name)
        return kwargs[field_name], field_name

    def format_field(self, value: Any, format_spec: str) -> str:
        if not self.SPEC.fullmatch(format_spec):
            raise ValueError(format_spec)
        return format(value, format_spec)


FORMATTER = PlainFields()


def said(msgid: str, **params: Value) -> Said:
    """A message to show in the reader's language: `said(N_("{value} is not a date"), value=cell)`."""
    return Said(msgid, params)


def shown(text: str) -> str:
    """A message as the reader reads it: a `Said` in the current language, any other text as it is."""
    return text.translated() if isinstance(text, Said) else text


def said_data(text: str) -> str | dict[str, Any]:
    """A message as JSON-ready data (a worker's answer): a `Said` keeps its msgid and values."""
    return {"msgid": text.msgid, "params": text.params} if isinstance(text, Said) else str(text)


def said_from(data: object) -> str:
    """The inverse of `said_data`, checked (a worker's answer is not trusted): TypeError or ValueError otherwise."""
    if isinstance(data, str):
        return data
    if not isinstance(data, dict):
        raise TypeError("message")
    params = dict(data["params"])
    if not all(
        isinstance(key, str) and (value is None or type(value) in (str, int, float)) for key, value in params.items()
    ):
        raise TypeError("message values")
    msgid = str(data["msgid"])
    try:
        return Said(msgid, params, FORMATTER.vformat(msgid, (), params))
    except (IndexError, AttributeError) as error:
        raise ValueError("message") from error


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a data file (row 1 is the header).

    `file` is the CSV file (`sessions.csv`), or the zip or workbook it came in, with `cell` then naming the
    place inside it: `sessions!C7` in a workbook, `sessions.csv:7` in a zip. `message` is in English; a `Said`
    one is shown in the reader's language by `str()` and `text`.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    cell: str | None = None

    @property
    def text(self) -> str:
        """The message in the current context's language."""
        return shown(self.message)

    def __str__(self) -> str:
        if self.cell:
            where = f"{self.file}: {self.cell}"
        else:
            where = self.file if self.row is None else f"{self.file}:{self.row}"
        return f"{where}: {self.column}: {self.text}" if self.column else f"{where}: {self.text}"
