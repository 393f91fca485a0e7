"""A problem found in a program's data, located the way the organiser's own file shows it."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PROBLEMS = 1_000  # listed; past that a file is broken throughout, and the rest are only counted


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a data file (row 1 is the header).

    `file` is the CSV file (`sessions.csv`), or the zip or workbook it came in, with `cell` then naming the
    place inside it: `sessions!C7` in a workbook, `sessions.csv:7` in a zip.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    cell: str | None = None

    def __str__(self) -> str:
        if self.cell:
            where = f"{self.file}: {self.cell}"
        else:
            where = self.file if self.row is None else f"{self.file}:{self.row}"
        return f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


def left_out(count: int) -> Problem:
    """The line that stands for the problems past MAX_PROBLEMS."""
    message = f"and {count:,} more problems not listed: fix the ones above, then check the file again"
    return Problem("(more)", None, None, message)
