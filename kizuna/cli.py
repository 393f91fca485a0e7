"""The `kizuna` command: export, list, validate and convert a program; write a workbook to fill in."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from kizuna import config
from kizuna.basemap import publish_basemap
from kizuna.filtering import OPTION_FACETS, Filter, parse_filter, valid_values
from kizuna.ics import export_ics
from kizuna.loading import ProgramInvalid, load_program, read_source
from kizuna.model import Program
from kizuna.programs import UnknownProgram, configured_programs, one_program, publish_feeds, resolve_program
from kizuna.records import session_records

BUILT_IN_PROGRAM = Path(__file__).resolve().parent.parent / "data" / "2019"


PROGRAM_HELP = "a program's id in the programs directory, or its folder, .zip or .xlsx (default: the default program)"


class UsageError(Exception):
    """Bad command-line values: exit status 2."""


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--program", type=Path, metavar="ID|PATH", help=PROGRAM_HELP)
    for option in OPTION_FACETS:
        metavar = "YYYY-MM-DD" if option == "day" else option.upper()
        what = "the session with this id" if option == "id" else f"this {option}"
        parser.add_argument(f"--{option}", action="append", default=[], metavar=metavar, help=f"only {what}")
    parser.add_argument("--session", action="append", default=[], help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kizuna", description="The seminar program as data and calendars.")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write the selected sessions as iCalendar (.ics)")
    add_filter_options(export)
    export.add_argument("-o", "--output", type=Path, metavar="FILE", help="file to write (default: stdout)")
    export.add_argument("--base-url", default=config.base_url(), help="dashboard address for event URLs")
    listing = commands.add_parser("list", help="list the selected sessions")
    add_filter_options(listing)
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    publish = commands.add_parser(
        "feeds", help="write the subscription feeds (.ics) and the map's basemap that the dashboard serves"
    )
    publish.add_argument("--program", type=Path, metavar="ID|PATH", help="only this program (default: every one)")
    publish.add_argument(
        "-o",
        "--output",
        type=Path,
        default=config.static_dir(Path("static")),
        metavar="DIR",
        help=f"static folder; feeds go in its feeds/ (default: ${config.STATIC_DIR_ENV}, else ./static)",
    )
    publish.add_argument("--base-url", default=config.base_url(), help="dashboard address for event URLs")
    validate = commands.add_parser("validate", help="check a program folder; one problem per line")
    validate.add_argument("program", nargs="?", type=Path, metavar="ID|PATH", help=PROGRAM_HELP)
    template = commands.add_parser("template", help="write an Excel workbook to fill in: instructions, dropdowns")
    template.add_argument("-o", "--output", type=Path, default=Path("program.xlsx"), metavar="FILE.xlsx")
    template.add_argument("--example", action="store_true", help="filled in with the built-in 2019 program")
    template.add_argument("--force", action="store_true", help="replace FILE if it exists")
    convert = commands.add_parser("convert", help="copy a valid program between a folder, a .zip and an .xlsx")
    convert.add_argument("source", type=Path, metavar="SRC", help="a program's id, or its folder, .zip or .xlsx")
    convert.add_argument("destination", type=Path, metavar="DEST", help="a .xlsx or .zip file, else a folder")
    convert.add_argument("--force", action="store_true", help="replace DEST if it exists")
    return parser


def selection_from(args: argparse.Namespace, program: Program) -> Filter:
    if args.session:
        raise UsageError("--session is now --id (in a share link, session= opens a session's card)")
    selection, rejected = parse_filter(program, **{facet: getattr(args, opt) for opt, facet in OPTION_FACETS.items()})
    if rejected:
        allowed = valid_values(program)
        option_of = {facet: option for option, facet in OPTION_FACETS.items()}
        lines = [
            f"unknown --{option_of[facet]} {', '.join(map(repr, bad))}; valid: {', '.join(allowed[facet])}"
            for facet, bad in rejected.items()
        ]
        raise UsageError("\n".join(lines))
    return selection


def run_export(args: argparse.Namespace, program: Program) -> None:
    data = export_ics(program, selection_from(args, program), base_url=args.base_url)
    if args.output:
        args.output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


def run_list(args: argparse.Namespace, program: Program) -> None:
    records = session_records(program, selection_from(args, program).apply(program))
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return
    for record in records:
        print(f"{record['date']}  {record['city']:<12} {record['kind']:<14} {record['title']}  [{record['id']}]")


def run_feeds(args: argparse.Namespace) -> int:
    """Every valid program of the directory (or the one --program names), each in its place under feeds/."""
    catalog = configured_programs() if args.program is None else one_program(resolve_program(args.program))
    if not catalog.programs and catalog.invalid:
        raise ProgramInvalid(catalog.invalid[0].path, list(catalog.invalid[0].problems))
    for entry in catalog.invalid:
        print(f"kizuna feeds: {entry.path}: not published, not a valid program (see kizuna validate)", file=sys.stderr)
    for path in publish_feeds(catalog, args.output, args.base_url):
        print(path)
    print(publish_basemap(args.output))
    return 0


def run_validate(args: argparse.Namespace) -> int:
    folder = resolve_program(args.program)
    reading = read_source(Path(folder))
    for notice in reading.notices:
        print(f"note: {notice}", file=sys.stderr)
    problems = reading.problems
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{folder}: valid", file=sys.stderr)
    return 1 if problems else 0


def refuse_to_overwrite(path: Path, force: bool) -> None:
    """An organiser's filled-in workbook must not be lost to a second `kizuna template`; an empty folder is free."""
    if path.exists() and not force and not (path.is_dir() and not any(path.iterdir())):
        raise UsageError(f"{path} exists; add --force to replace it")


def run_template(args: argparse.Namespace) -> None:
    from kizuna.workbook import empty_tables, valid_records, write_workbook  # openpyxl: 0.17 s to import

    if args.output.suffix.lower() != ".xlsx":
        raise UsageError(f"{args.output}: the template is a workbook; name it FILE.xlsx")
    refuse_to_overwrite(args.output, args.force)
    write_workbook(valid_records(BUILT_IN_PROGRAM)[0] if args.example else empty_tables(), args.output)
    print(args.output)


def run_convert(args: argparse.Namespace) -> None:
    from kizuna.workbook import valid_records, write_program

    source = resolve_program(args.source)
    if args.destination.resolve() == source.resolve():
        raise UsageError("SRC and DEST are the same")
    refuse_to_overwrite(args.destination, args.force)
    records, notices = valid_records(source)
    for notice in notices:
        print(f"note: {notice}", file=sys.stderr)
    write_program(records, args.destination)
    print(args.destination)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command in ("validate", "feeds"):
            return {"validate": run_validate, "feeds": run_feeds}[args.command](args)
        if args.command in ("template", "convert"):
            {"template": run_template, "convert": run_convert}[args.command](args)
            return 0
        program = load_program(resolve_program(args.program))
        {"export": run_export, "list": run_list}[args.command](args, program)
    except ProgramInvalid as error:
        print("\n".join(str(problem) for problem in error.problems), file=sys.stderr)
        return 1
    except (UsageError, UnknownProgram) as error:
        print(f"kizuna {args.command}: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"kizuna {args.command}: {error.strerror}: {error.filename}", file=sys.stderr)
        return 1
    return 0


def main_exit() -> None:
    """Entry point of the `kizuna` console script."""
    sys.exit(main())
