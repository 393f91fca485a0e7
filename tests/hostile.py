"""Hostile uploads, each one a few kilobytes: what probing the Organisers page from outside sent.

Workbooks are written part by part, as another program than Excel could write them, so each can hold exactly the
XML that once hurt the server; `CASES` names each with the one problem it must now get.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from kizuna.checks.sources import column_letter

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "good" / "minimal"
TABLES = ("program", "themes", "cities", "venues", "sessions", "countries")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def records(table: str, folder: Path = MINIMAL) -> list[list[str]]:
    with open(folder / f"{table}.csv", encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def cell(ref: str | None, text: str) -> str:
    where = f' r="{ref}"' if ref else ""
    return f'<c{where} t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def rows_xml(rows: list[list[str]], positions: bool = True, first: int = 1) -> str:
    """`<row>` elements of inline-string cells; without positions, as a hand-made file may write them."""
    out = []
    for number, row in enumerate(rows, start=first):
        cells = "".join(
            cell(f"{column_letter(i)}{number}" if positions else None, text) for i, text in enumerate(row, 1)
        )
        out.append(f'<row r="{number}">{cells}</row>' if positions else f"<row>{cells}</row>")
    return "".join(out)


def sheet(data: str, after: str = "") -> bytes:
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
    return f"{head}<sheetData>{data}</sheetData>{after}</worksheet>".encode()


def workbook(sheets: dict[str, bytes]) -> bytes:
    """An .xlsx package holding these sheets' XML, in this order."""
    names = list(sheets)
    types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(names) + 1)
    )
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{types}</Types>",
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
        + "".join(
            f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, start=1)
        )
        + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(names) + 1)
        )
        + "</Relationships>",
    }
    members = {name: text.encode() for name, text in parts.items()}
    members |= {f"xl/worksheets/sheet{i}.xml": xml for i, xml in enumerate(sheets.values(), start=1)}
    return zipped(members)


def zipped(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def minimal_workbook(**changed: bytes) -> bytes:
    """The minimal program as a workbook, with some sheets' XML replaced."""
    return workbook({table: changed.get(table) or sheet(rows_xml(records(table))) for table in TABLES})


def with_parts(book: bytes, change: Callable[[str, bytes], bytes], **added: bytes) -> bytes:
    """A package with each part passed through `change(name, data)`, and parts added (`/` written as `__`)."""
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        parts = {info.filename: change(info.filename, archive.read(info)) for info in archive.infolist()}
    return zipped(parts | {name.replace("__", "/"): data for name, data in added.items()})


def zipped_twice(package: bytes, member: str) -> bytes:
    """The package with a second member of the same name: readers differ on which copy they take."""
    buffer = io.BytesIO(package)
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "a") as archive:
        warnings.simplefilter("ignore")  # "Duplicate name": the point
        archive.writestr(member, b"id\n")
    return buffer.getvalue()


def sheet_listed_twice(name: str, data: bytes) -> bytes:
    """workbook.xml naming its first sheet a second time, pointing at another part."""
    if name != "xl/workbook.xml":
        return data
    return data.replace(b"<sheets>", b'<sheets><sheet name="sessions" sheetId="99" r:id="rId1"/>')


def minimal_zip(compression: int = zipfile.ZIP_DEFLATED, **changed: bytes) -> bytes:
    members = {f"{table}.csv": (MINIMAL / f"{table}.csv").read_bytes() for table in TABLES}
    return zipped(members | {f"{name}.csv": data for name, data in changed.items()}, compression)


def sessions_with(extra: str) -> bytes:
    """The minimal sessions sheet, `extra` XML added to its first row."""
    rows = records("sessions")
    data = rows_xml(rows)
    return sheet(data.replace("</row>", extra + "</row>", 1))


def many_sessions(count: int) -> list[list[str]]:
    header, first, *_ = records("sessions")
    at = header.index("id")
    return [header, *([f"s{n}" if i == at else value for i, value in enumerate(first)] for n in range(count))]


def csv_text(rows: list[list[str]]) -> bytes:
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\n").writerows(rows)
    return text.getvalue().encode()


def program_with(column: str, value: str) -> bytes:
    header, row = records("program")
    row[header.index(column)] = value
    return csv_text([header, row])


# name -> (file name, bytes maker, the one problem `kizuna validate` must print, from its start)
CASES: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "last-cell-in-the-first-row": (
        "program.xlsx",
        lambda: minimal_workbook(sessions=sessions_with(cell("XFD1048576", "x"))),
        "program.xlsx: sessions: has values down to row 1,048,576; the limit is 50,000 rows",
    ),
    "first-row-at-a-million": (
        "program.xlsx",
        lambda: minimal_workbook(
            sessions=sheet(rows_xml(records("sessions"), positions=False).replace("<row>", '<row r="1000000">', 1))
        ),
        "program.xlsx: sessions: has values down to row 1,000,000; the limit is 50,000 rows",
    ),
    "rows-without-positions": (
        "program.xlsx",
        lambda: minimal_workbook(sessions=sheet(rows_xml(many_sessions(60_000), positions=False))),
        "program.xlsx: sessions: has values down to row 60,001; the limit is 50,000 rows",
    ),
    "many-merged-ranges": (
        "program.xlsx",
        lambda: minimal_workbook(
            sessions=sheet(
                rows_xml(records("sessions")), "<mergeCells>" + '<mergeCell ref="Z1:Z2"/>' * 1001 + "</mergeCells>"
            )
        ),
        "program.xlsx: sessions: has 1,001 merged ranges; the limit is 1,000",
    ),
    "sheet-listed-twice": (
        "program.xlsx",
        lambda: with_parts(minimal_workbook(), sheet_listed_twice),
        "program.xlsx: cannot be read as a workbook (its parts are damaged)",
    ),
    "merged-ranges-in-a-part-no-sheet-names": (
        "program.xlsx",
        lambda: with_parts(
            minimal_workbook(),
            lambda name, data: data,
            xl__worksheets__other=sheet("", "<mergeCells>" + '<mergeCell ref="Z1:Z2"/>' * 5000 + "</mergeCells>"),
        ),
        "program.xlsx: xl/worksheets/other: has 5,000 merged ranges; the limit is 1,000",
    ),
    "header-of-300000-columns": (
        "program.zip",
        lambda: minimal_zip(sessions=b",".join([b"id"] * 300_000) + b"\n"),
        "program.zip: sessions.csv: its header row has 300,000 cells; the limit is 100 columns",
    ),
    "member-twice": (
        "program.zip",
        lambda: zipped_twice(minimal_zip(), "sessions.csv"),
        "program.zip: holds the member 'sessions.csv' twice",
    ),
    "damaged-sheet-xml": (
        "program.xlsx",
        lambda: minimal_workbook(
            sessions=b'<worksheet xmlns="'
            + MAIN.encode()
            + b'"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id'
        ),
        "program.xlsx: cannot be read as a workbook: sheet 'sessions' is damaged",
    ),
    "workbook-named-zip": (
        "program.zip",
        lambda: minimal_workbook(),
        "program.zip: is an Excel workbook, not a zip of CSV files: name it .xlsx",
    ),
    "zip-member-named-dot": (
        "program.zip",
        lambda: zipped({".": b"", "notes.txt": b"x"}),
        "program.zip: holds none of a program's files (program.csv, themes.csv, cities.csv, venues.csv, sessions.csv,",
    ),
    "csv-rows-over-the-limit": (
        "program.zip",
        lambda: minimal_zip(sessions=b"\n".join([b"id"] + [b","] * 60_000)),
        "program.zip: sessions.csv: has more than 50,000 rows; the limit is 50,000 rows",
    ),
    "csv-row-of-two-million-cells": (
        "program.zip",
        lambda: minimal_zip(zipfile.ZIP_STORED, countries=b"country,capital,lat,lon,timezone\n" + b"," * 2_100_000),
        "program.zip: holds 2,100,",
    ),
    "csv-cell-of-15000-characters": (
        "program.zip",
        lambda: minimal_zip(program=program_with("summary", "x" * 15_000)),
        "program.zip: program.csv:2: summary: cell holds 15,000 characters; the limit is 10,000",
    ),
    "csv-field-over-the-csv-modules-limit": (
        "program.zip",
        lambda: minimal_zip(program=program_with("summary", "x" * 140_000)),
        "program.zip: program.csv:2: a cell holds over 10,000 characters, the limit",
    ),
    "timezone-that-is-a-folder": (
        "program.zip",
        lambda: minimal_zip(program=program_with("timezone", "Asia")),
        "program.zip: program.csv:2: timezone: 'Asia' is not a known IANA time zone",
    ),
    "updated-before-year-1-in-utc": (
        "program.zip",
        lambda: minimal_zip(program=program_with("updated", "0001-01-01T00:00:00+05:00")),
        "program.zip: program.csv:2: updated: '0001-01-01T00:00:00+05:00' is out of range",
    ),
}


def write(name: str, folder: Path) -> Path:
    file_name, make, _ = CASES[name]
    path = folder / name / file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(make())
    return path
