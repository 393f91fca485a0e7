"""A problem found in a program's data, located the way the organiser's own file shows it."""

from __future__ import annotations

from dataclasses import dataclass


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
