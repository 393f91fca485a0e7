"""Write a program's tables as a workbook to fill in, a folder of CSV files or a zip of that folder.

The tables are records as `kizuna.checks.sources.read_tables` gives them: rows of text keyed by CSV file name
(`sessions.csv`), header first.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from kizuna.checks.loading import (
    COLUMN_NAMES,
    LAT,
    LON,
    SCHEMA,
    TRANSLATED,
    Column,
    ProgramInvalid,
    check_file,
    parse_colour,
    parse_date,
    parse_languages,
    parse_slug,
    parse_slugs,
    parse_time,
    parse_utc,
    parse_zone,
    translation_column,
    whole_number,
)
from kizuna.checks.sources import FORMULA_START, marked
from kizuna.files import replace_file
from kizuna.i18n import LANGUAGES, N_, cldr_locale, locale, organisers, speaking
from kizuna.program.model import CONFIDENCES, KINDS, LOGISTICS_KINDS, PRECISIONS, STATUSES, THEME_GROUPS, within

_ = organisers.gettext

Records = dict[str, list[list[str]]]

# The order organisers fill the sheets in: what a row refers to comes before it.
TABLE_ORDER = ("program.csv", "themes.csv", "cities.csv", "venues.csv", "sessions.csv", "countries.csv")
INSTRUCTIONS = "instructions"
VALIDATED_ROWS = 2000  # rows below the header that get dropdowns, room for a program to grow
EARLIEST_ZIP_TIME = datetime(1980, 1, 1)  # a zip cannot hold an earlier time
MIN_WIDTH, MAX_WIDTH = 8, 50

NUMBER_FORMATS = {parse_date: "yyyy-mm-dd", parse_time: "hh:mm", whole_number: "0", LAT: "General", LON: "General"}
VOCABULARIES = {
    ("sessions.csv", "kind"): KINDS,
    ("sessions.csv", "status"): STATUSES,
    ("venues.csv", "precision"): PRECISIONS,
    ("venues.csv", "confidence"): CONFIDENCES,
    ("themes.csv", "group"): THEME_GROUPS,
}
REFERENCES = {
    ("sessions.csv", "city"): ("cities.csv", "slug"),
    ("sessions.csv", "to_city"): ("cities.csv", "slug"),
    ("sessions.csv", "venue"): ("venues.csv", "id"),
    ("venues.csv", "city"): ("cities.csv", "slug"),
}
# type, operator, bounds; Excel checks what is typed, `kizuna validate` everything else
NUMBER_CHECKS = {
    LAT: ("decimal", "between", (-90, 90)),
    LON: ("decimal", "between", (-180, 180)),
    whole_number: ("whole", "greaterThanOrEqual", (0,)),
}

FORMATS = {
    parse_slug: N_("lower-case letters, digits and single hyphens; unique"),
    parse_slugs: N_("theme slugs from the themes sheet, separated by ;"),
    parse_date: N_("a date: type 2019-12-15 (shown as YYYY-MM-DD)"),
    parse_time: N_("a time, 24-hour: type 09:30"),
    parse_utc: N_("date and time in UTC, typed as text: YYYY-MM-DDTHH:MM:SSZ"),
    parse_zone: N_("a time zone name, e.g. Asia/Tokyo"),
    parse_colour: N_("a colour as #RRGGBB"),
    parse_languages: N_("language tags separated by spaces, from: {tags}"),
    LAT: N_("a number from -90 to 90 (degrees north)"),
    LON: N_("a number from -180 to 180 (degrees east)"),
    whole_number: N_("a whole number, 0 or more"),
}
SHEET_HELP = {
    "": N_(
        "Row 1 of every sheet holds the column names: keep them as they are. Fill one row per item from row 2. "
        "Cells with a dropdown offer the allowed values. Check the finished workbook with: kizuna validate FILE.xlsx"
    ),
    "program.csv": N_("The seminar itself: exactly one row."),
    "themes.csv": N_("The themes sessions are tagged with, one row per theme. Fill it before the sessions."),
    "cities.csv": N_("The cities the program visits, one row per city. Fill it before the venues and sessions."),
    "venues.csv": N_("The places where sessions happen, one row per place. Each is in a city of the cities sheet."),
    "sessions.csv": N_("The program: one row per session, arrival, transfers and departure included."),
    "countries.csv": N_("Optional: the participants' home countries, drawn on the map. May stay empty."),
}
TRANSLATIONS_HELP = N_(
    "Texts people read may also be given in other languages, each in a column of its own: the column's name, _ and "
    "the language (title_ja, description_ja; also _ko, _zh, _fr, _en). Every such language must be listed in the "
    "program sheet's languages column. An empty translation cell shows the text of the program's first language."
)
# The translation columns the blank template has: the organisers' own language, next to each column it translates.
TEMPLATE_LANGUAGES = ("ja",)
REQUIRED = {
    ("sessions.csv", "date"): N_("yes"),
    ("sessions.csv", "to_city"): N_("transfers only"),
    ("sessions.csv", "themes"): N_("yes, except for {kinds}"),
}
YES, NO = N_("yes"), N_("no")
# (table, column) -> (meaning, example): the meaning in plain words for the organisers, the example as typed.
COLUMN_HELP: dict[tuple[str, str], tuple[str, str]] = {
    ("program.csv", "id"): (
        N_("The program's short name, part of every calendar entry's id. Choose it once and keep it."),
        "clair-seminar-2019",
    ),
    ("program.csv", "title"): (
        N_("Full title, used as the calendar's name."),
        "Local Government Exchange and Cooperation Seminar 2019",
    ),
    ("program.csv", "short_title"): (
        N_("Short title for the dashboard; empty: the full title."),
        "Kizuna Seminar 2019",
    ),
    ("program.csv", "start_date"): (N_("First day of the seminar."), "2019-12-15"),
    ("program.csv", "end_date"): (
        N_("Last day; every session must fall between the first and last day."),
        "2019-12-21",
    ),
    ("program.csv", "timezone"): (N_("The time zone of every time in the sessions sheet."), "Asia/Tokyo"),
    ("program.csv", "organiser"): (N_("Who runs the seminar."), "CLAIR Singapore office"),
    ("program.csv", "updated"): (
        N_("When you last changed the program, in UTC. Calendars use it to notice changes: update it on every edit."),
        "2026-11-26T00:00:00Z",
    ),
    ("program.csv", "summary"): (
        N_("One or two sentences on the seminar, shown under the dashboard's title."),
        "A one-week exchange for senior level government officials …",
    ),
    ("program.csv", "source"): (
        N_("Where the program comes from; added to every calendar entry."),
        "Seminar report 2019 (CLAIR Singapore)",
    ),
    ("program.csv", "languages"): (
        N_(
            "The languages the program's texts are written in, its own language first: the columns without a "
            "language ending (title, description …) are in the first, each translation column (title_ja …) in its "
            "own. Empty: en."
        ),
        "en ja",
    ),
    ("themes.csv", "slug"): (
        N_("The theme's short name, used in the sessions sheet and in links."),
        "tourism-promotion",
    ),
    ("themes.csv", "label"): (N_("The theme's name on the dashboard and in calendars."), "Tourism Promotion"),
    ("themes.csv", "colour"): (N_("Its colour on the map and the timeline."), "#E67E22"),
    ("themes.csv", "group"): (
        N_("seminar: one of the seminar's announced themes; topic: another subject the program covers."),
        "seminar",
    ),
    ("themes.csv", "description"): (N_("What the theme covers."), "One of the seminar's two themes."),
    ("cities.csv", "slug"): (N_("The city's short name, used in the venues and sessions sheets."), "shimonoseki"),
    ("cities.csv", "name"): (
        N_("Name, in the program's first language (English unless languages says otherwise)."),
        "Shimonoseki",
    ),
    ("cities.csv", "name_ja"): (N_("Japanese name, shown to readers of Japanese."), "下関"),
    ("cities.csv", "prefecture"): (N_("Prefecture."), "Yamaguchi"),
    ("cities.csv", "lat"): (N_("Latitude of the city centre, where transfer lines start and end."), "33.9579"),
    ("cities.csv", "lon"): (N_("Longitude of the city centre."), "130.9413"),
    ("venues.csv", "id"): (N_("The venue's short name, used in the sessions sheet."), "shimonoseki-city-hall"),
    ("venues.csv", "name"): (
        N_("Name, in the program's first language (English unless languages says otherwise)."),
        "Shimonoseki City Hall",
    ),
    ("venues.csv", "name_ja"): (
        N_("Japanese name, shown to readers of Japanese and on the driver card."),
        "下関市役所",
    ),
    ("venues.csv", "address"): (
        N_("Postal address, or what is known of it."),
        "1-1 Nanbu-cho, Shimonoseki, Yamaguchi",
    ),
    ("venues.csv", "address_ja"): (
        N_("The address in Japanese, as a taxi driver reads it: printed and shown on the driver card."),
        "山口県下関市南部町1-1",
    ),
    ("venues.csv", "city"): (N_("The city the venue is in."), "shimonoseki"),
    ("venues.csv", "lat"): (N_("Latitude of the venue's point on the map."), "33.9579"),
    ("venues.csv", "lon"): (N_("Longitude of the venue's point on the map."), "130.9413"),
    ("venues.csv", "precision"): (
        N_(
            "How close the point is to the real place: exact ({exact}: the place itself), approximate "
            "({approximate}: the place is known, the point estimated), district ({district}: only the area is "
            "known), city (only the city is known: its centre)."
        ),
        "approximate",
    ),
    ("venues.csv", "confidence"): (
        N_("How sure we are that the seminar used this place at all: high, medium or low."),
        "medium",
    ),
    ("venues.csv", "source"): (N_("Where the point comes from."), "ja.wikipedia 下関市 infobox"),
    ("venues.csv", "note"): (
        N_("What is uncertain; shown with the session and in calendars."),
        "The report names the city only; the point is central Tokyo.",
    ),
    ("sessions.csv", "id"): (
        N_("The session's short name, unique. Keep it once published: calendars recognise the session by it."),
        "visit-karato-market",
    ),
    ("sessions.csv", "date"): (
        N_("The day of the session, within the program's first and last day."),
        "2019-12-19",
    ),
    ("sessions.csv", "start"): (N_("Local start time. Empty: the session is an all-day event."), "09:30"),
    ("sessions.csv", "end"): (N_("Local end time; needs a start time and must be after it."), "11:00"),
    ("sessions.csv", "city"): (
        N_("Where the session is; for a transfer, the city it leaves from."),
        "shimonoseki",
    ),
    ("sessions.csv", "to_city"): (N_("For a transfer only: the city it goes to."), "shimonoseki"),
    ("sessions.csv", "venue"): (
        N_("Where the session takes place; the venue must be in the session's city."),
        "karato-market",
    ),
    ("sessions.csv", "title"): (N_("One line."), "Visit to Karato Market"),
    ("sessions.csv", "description"): (
        N_("What happens; plain text, may have several lines."),
        "One of the local tourist destinations visited in Shimonoseki.",
    ),
    ("sessions.csv", "kind"): (
        N_(
            "What kind of session. arrival, transfer, overnight and departure are travel, which the dashboard can hide."
        ),
        "visit",
    ),
    ("sessions.csv", "themes"): (
        N_("The session's themes; the first one gives its colour on the map."),
        "tourism-promotion;multiculturalism",
    ),
    ("sessions.csv", "order"): (
        N_(
            "Its place within the day: 1, 2, 3 … Timed sessions are listed by time; one without a time comes after "
            "every session with a smaller order."
        ),
        "1",
    ),
    ("sessions.csv", "status"): (
        N_("Whether it takes place. A cancelled session stays in calendars, marked as cancelled."),
        "confirmed",
    ),
    ("sessions.csv", "revision"): (
        N_("Add 1 whenever you change the session, so subscribed calendars pick up the change. New sessions: 0."),
        "0",
    ),
    ("countries.csv", "country"): (N_("A participant's home country, unique."), "Thailand"),
    ("countries.csv", "capital"): (N_("Its capital."), "Bangkok"),
    ("countries.csv", "lat"): (N_("Latitude of the capital."), "13.7500"),
    ("countries.csv", "lon"): (N_("Longitude of the capital."), "100.5167"),
    ("countries.csv", "timezone"): (N_("The capital's time zone."), "Asia/Bangkok"),
}
# Examples of the template's translation columns, (table, column) -> example.
TRANSLATION_EXAMPLES = {
    ("program.csv", "title_ja"): "地方自治体交流協力セミナー2019",
    ("program.csv", "short_title_ja"): "絆セミナー2019",
    ("program.csv", "summary_ja"): "ASEAN諸国、インド及びスリランカの政府幹部職員を対象とする1週間の交流事業です …",
    ("themes.csv", "label_ja"): "観光振興",
    ("themes.csv", "description_ja"): "本セミナーの2つのテーマの一つです。",
    ("sessions.csv", "title_ja"): "唐戸市場訪問",
    ("sessions.csv", "description_ja"): "一行が下関を離れる前に訪れる地元の観光地の一つです。",
    ("countries.csv", "country_ja"): "タイ",
    ("countries.csv", "capital_ja"): "バンコク",
}


def sheet_name(table: str) -> str:
    return table.removesuffix(".csv")


def ordered(tables: Records) -> list[str]:
    """Table names in the order organisers fill them, any others after."""
    return [name for name in TABLE_ORDER if name in tables] + sorted(set(tables) - set(TABLE_ORDER))


def empty_tables() -> Records:
    """Every table with its header and no rows: the blank template, with a translation column for each of
    TEMPLATE_LANGUAGES next to each column it translates (`title`, `title_ja`)."""
    return {name: [template_header(name)] for name in TABLE_ORDER}


def template_header(name: str) -> list[str]:
    header = []
    for column in SCHEMA[name]:
        header.append(column.name)
        if column.name in TRANSLATED[name]:
            translations = [f"{column.name}_{lang}" for lang in TEMPLATE_LANGUAGES]
            header += [found for found in translations if found not in header and found not in COLUMN_NAMES[name]]
    return header


def valid_records(path: Path) -> tuple[Records, list[str]]:
    """The tables of a program as its files hold them, and the notices of reading it, read once in a worker (the
    file may be anyone's); only a valid program is returned, so nothing converts a broken one. Raises
    `ProgramInvalid` with every problem."""
    reading = check_file(path)
    if reading.problems or reading.program is None:
        raise ProgramInvalid(path, reading.problems)
    return reading.records, reading.notices


def write_program(tables: Records, path: Path) -> None:
    """Write as a workbook (.xlsx), a zip (.zip) or else a folder, by the path's suffix."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        write_workbook(tables, path)
    elif suffix == ".zip":
        write_zip(tables, path)
    else:
        write_folder(tables, path)


def write_folder(tables: Records, folder: Path) -> None:
    """One CSV file per table; program files of tables not given are removed, other files left alone."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in SCHEMA.keys() - tables.keys():
        (folder / name).unlink(missing_ok=True)
    for name in ordered(tables):
        replace_file(folder / name, csv_bytes(tables[name]))


def write_zip(tables: Records, path: Path) -> None:
    replace_file(path, program_zip(tables))


def program_zip(tables: Records) -> bytes:
    """The folder's CSV files at the zip's root, with fixed times so the same tables give the same bytes."""
    return zip_bytes(csv_members(tables), stamp_of(tables))


def csv_members(tables: Records) -> list[tuple[str, bytes]]:
    """Each table as its CSV file's name and bytes, in the order organisers fill them."""
    return [(name, csv_bytes(tables[name])) for name in ordered(tables)]


def csv_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    """UTF-8 without BOM, "\\n" line ends, quotes only where needed: the dialect of data/2019. Short rows (a
    workbook drops empty cells at a row's end) are padded to the header's width. A cell Excel would run as a
    formula (`=…`, `+…`, `@…`) is written after a text mark, which the reader takes off again."""
    width = len(rows[0]) if rows else 0
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\n").writerows([*map(marked, row), *[""] * (width - len(row))] for row in rows)
    return text.getvalue().encode("utf-8")


def zip_bytes(members: Sequence[tuple[str, bytes]], stamp: datetime) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, wherever it is written
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def stamp_of(tables: Records) -> datetime:
    """The program's `updated` time (naive UTC), so unchanged data gives identical files; else 1980-01-01."""
    rows = tables.get("program.csv") or []
    if len(rows) >= 2 and "updated" in rows[0]:
        cells = rows[1]
        index = rows[0].index("updated")
        try:
            updated = parse_utc(cells[index].strip()).replace(tzinfo=None) if index < len(cells) else None
        except ValueError:
            updated = None
        if updated and updated >= EARLIEST_ZIP_TIME:
            return updated
    return EARLIEST_ZIP_TIME


def write_workbook(tables: Records, path: Path, *, instructions: bool = True, lang: str | None = None) -> None:
    """An .xlsx to fill in: one sheet per table, typed cells, dropdowns, and first an instructions sheet; its
    words (instructions, dropdown messages) in `lang`, or the current language."""
    replace_file(Path(path), workbook_bytes(tables, instructions=instructions, lang=lang))


def workbook_bytes(tables: Records, *, instructions: bool = True, lang: str | None = None) -> bytes:
    if lang is not None:
        with speaking(lang):
            return workbook_bytes(tables, instructions=instructions)
    workbook = Workbook()
    workbook.remove(workbook.active)
    if instructions:
        add_instructions(workbook, tables)
    for name in ordered(tables):
        add_table(workbook.create_sheet(sheet_name(name)), name, tables[name])
    for name in ordered(tables):
        add_validations(workbook[sheet_name(name)], name, tables)
    stamp = stamp_of(tables)
    workbook.properties.creator = "Kizuna"
    workbook.properties.created = workbook.properties.modified = stamp
    buffer = io.BytesIO()
    # ExcelWriter, not Workbook.save: save() stamps the file with the current time.
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    with zipfile.ZipFile(buffer) as written:  # again, with fixed member times
        return zip_bytes([(info.filename, written.read(info)) for info in written.infolist()], stamp)


def add_table(sheet: Worksheet, name: str, rows: list[list[str]]) -> None:
    header = rows[0] if rows else [column.name for column in SCHEMA.get(name, ())]
    columns = {column.name: column for column in SCHEMA.get(name, ())}
    kinds = [columns.get(column_name.strip()) for column_name in header]
    for column_number, text in enumerate(header, start=1):
        put_text(sheet.cell(1, column_number), text)
    for row_number, row in enumerate(rows[1:], start=2):
        for column_number, text in enumerate(row, start=1):
            column = kinds[column_number - 1] if column_number <= len(kinds) else None
            put(sheet.cell(row_number, column_number), text, column)
    style_header(sheet, [header, *rows[1:]])


def put(cell: Cell, text: str, column: Column | None) -> None:
    """A date, time or number where the column holds one and the text parses; text otherwise."""
    if not text:
        return
    number_format = NUMBER_FORMATS.get(column.parse) if column else None
    if number_format:
        try:
            cell.value = column.parse(text.strip())
            cell.number_format = number_format
            return
        except ValueError:
            pass
    put_text(cell, text)


def put_text(cell: Cell, text: str) -> None:
    """Always a text cell: "=1+1" stays those four characters, never a formula, even after an edit in Excel."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)  # control characters the loader drops anyway; XML cannot hold them
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True


def style_header(sheet: Worksheet, rows: list[list[str]], wrap: Sequence[int] = ()) -> None:
    """Bold, frozen header; each column as wide as its longest line (within bounds)."""
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths: dict[int, int] = {}
    for row in rows:
        for index, text in enumerate(row):
            widths[index] = max(widths.get(index, 0), display_width(text))
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    for index in wrap:
        for cell in sheet[get_column_letter(index + 1)]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def display_width(text: str) -> int:
    """Characters of the longest line, Japanese ones counting twice as they do on screen."""
    lines = text.splitlines() or [""]
    return max(sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line) for line in lines)


def header_of(tables: Records, name: str) -> list[str]:
    rows = tables.get(name)
    return [cell.strip() for cell in rows[0]] if rows else []


def add_validations(sheet: Worksheet, name: str, tables: Records) -> None:
    for index, column_name in enumerate(header_of(tables, name)):
        validation = validation_for(name, column_name, tables)
        if validation is not None:
            letter = get_column_letter(index + 1)
            validation.add(f"{letter}2:{letter}{VALIDATED_ROWS + 1}")
            sheet.add_data_validation(validation)


def validation_for(name: str, column_name: str, tables: Records) -> DataValidation | None:
    """A dropdown for a fixed vocabulary or a reference, a bounds check for numbers, a hint for themes."""
    key = (name, column_name)
    if key in VOCABULARIES:
        allowed = VOCABULARIES[key]
        title = _("Not a {column}").format(column=column_name)
        error = _("Choose one of: {values}.").format(values=", ".join(allowed))
        return check("list", title, error, f'"{",".join(allowed)}"')
    if key in REFERENCES:
        return reference_validation(column_name, *REFERENCES[key], tables)
    if key == ("sessions.csv", "themes"):
        return themes_hint(tables)
    column = {column.name: column for column in SCHEMA.get(name, ())}.get(column_name)
    if column is not None and column.parse in NUMBER_CHECKS:
        kind, operator, bounds = NUMBER_CHECKS[column.parse]
        if kind == "whole":
            error = _("{column} is a whole number, 0 or more.").format(column=column_name)
        else:
            error = _("{column} is a number from {low} to {high}.").format(
                column=column_name, low=bounds[0], high=bounds[-1]
            )
        return check(kind, _("Not a number"), error, *map(str, bounds), operator=operator)
    return None


def check(kind: str, title: str, error: str, *formulas: str, **options: str) -> DataValidation:
    """A validation Excel enforces (without showErrorMessage it would accept anything silently)."""
    formula1, formula2 = (*formulas, None)[:2]
    return DataValidation(
        type=kind,
        formula1=formula1,
        formula2=formula2,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=title[:32],
        error=error,
        **options,
    )


def reference_validation(column_name: str, table: str, key: str, tables: Records) -> DataValidation | None:
    """A dropdown of the other sheet's key column. Only a warning on a miss, so a session can be typed
    before its venue exists; `kizuna validate` is what finally checks."""
    header = header_of(tables, table)
    if key not in header:
        return None
    letter = get_column_letter(header.index(key) + 1)
    source = f"{sheet_name(table)}!${letter}$2:${letter}${VALIDATED_ROWS + 1}"
    error = _("Not in the {column} column of the {sheet} sheet: add it there too.").format(
        column=key, sheet=sheet_name(table)
    )
    return check("list", _("Unknown {column}").format(column=column_name), error, source, errorStyle="warning")


def themes_hint(tables: Records) -> DataValidation:
    """A cell may hold several slugs ("a;b"), which a list dropdown would reject, so only an input message."""
    header = header_of(tables, "themes.csv")
    index = header.index("slug") if "slug" in header else None
    rows = tables["themes.csv"][1:] if index is not None else []
    slugs = [row[index].strip() for row in rows if len(row) > index and row[index].strip()]
    prompt = _("Theme slugs separated by semicolons (;)")
    if slugs:
        prompt = _("Theme slugs separated by semicolons (;). In the themes sheet: {slugs}").format(
            slugs=", ".join(slugs)
        )
    return DataValidation(
        type=None, allow_blank=True, showInputMessage=True, promptTitle=_("Themes"), prompt=shorten(prompt, 255)
    )


def shorten(text: str, limit: int) -> str:
    """Excel refuses a validation message over 255 characters."""
    return text if len(text) <= limit else text[: limit - 1].rsplit(", ", 1)[0] + "…"


def add_instructions(workbook: Workbook, tables: Records) -> None:
    """The instructions sheet, in the current language (the sheets' and columns' names stay as they are typed)."""
    sheet = workbook.create_sheet(INSTRUCTIONS)
    headings = (N_("sheet"), N_("column"), N_("required?"), N_("meaning"), N_("allowed values / format"), N_("example"))
    rows = [[_(heading) for heading in headings]]
    rows.append([_("(every sheet)"), "", "", _(SHEET_HELP[""]), "", ""])
    rows.append([_("(every sheet)"), "", "", _(TRANSLATIONS_HELP), "", ""])
    blank = empty_tables()
    for name in ordered(blank | tables):
        rows.append([sheet_name(name), "", "", _(SHEET_HELP[name]) if name in SHEET_HELP else "", "", ""])
        for column in SCHEMA.get(name, ()):
            rows.append(instruction(name, column))
            rows += [
                translation_instruction(name, found, column.name)
                for found in translation_columns(name, column.name, header_of(blank, name) + header_of(tables, name))
            ]
    for row_number, row in enumerate(rows, start=1):
        for column_number, text in enumerate(row, start=1):
            if text:
                put_text(sheet.cell(row_number, column_number), text)
    style_header(sheet, rows, wrap=(3, 4))


def translation_columns(name: str, base: str, header: list[str]) -> list[str]:
    """The translation columns of `base` in a header, each once, in the order of LANGUAGES."""
    found = {column for column in header if (translation_column(name, column) or ("", ""))[0] == base}
    return sorted(found, key=lambda column: LANGUAGES.index(column.rpartition("_")[2]))


def instruction(name: str, column: Column) -> list[str]:
    meaning, example = COLUMN_HELP.get((name, column.name), ("", ""))
    if meaning:
        meaning = _(meaning).format(
            exact=within("exact"), approximate=within("approximate"), district=within("district")
        )
    required = REQUIRED.get((name, column.name), YES if column.required else NO)
    kinds = ", ".join(kind for kind in KINDS if kind in LOGISTICS_KINDS)
    return [
        sheet_name(name),
        column.name,
        _(required).format(kinds=kinds),
        meaning,
        allowed_values(name, column),
        example,
    ]


def translation_instruction(name: str, column: str, base: str) -> list[str]:
    lang = column.rpartition("_")[2]
    language = cldr_locale(lang).get_display_name(locale()) or lang
    meaning = _("{column} in {language} ({tag}), for readers of that language; empty: {column} as it is.")
    meaning = meaning.format(column=base, language=language, tag=lang)
    return [sheet_name(name), column, _(NO), meaning, _("text"), TRANSLATION_EXAMPLES.get((name, column), "")]


def allowed_values(name: str, column: Column) -> str:
    key = (name, column.name)
    if key in VOCABULARIES:
        return _("one of: {values} (dropdown)").format(values=", ".join(VOCABULARIES[key]))
    if key in REFERENCES:
        table, ref = REFERENCES[key]
        # Translators: {column} is a column's name (slug, id), {sheet} a sheet's: "one of the slugs in the cities
        # sheet".
        return _("one of the {column}s in the {sheet} sheet (dropdown)").format(column=ref, sheet=sheet_name(table))
    return _(FORMATS[column.parse]).format(tags=" ".join(LANGUAGES)) if column.parse in FORMATS else _("text")
