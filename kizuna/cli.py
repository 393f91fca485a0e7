"""The `kizuna` command: export, list and validate a program."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from kizuna import config
from kizuna.basemap import publish_basemap
from kizuna.feeds import write_feeds
from kizuna.filtering import OPTION_FACETS, Filter, parse_filter, valid_values
from kizuna.ics import export_ics
from kizuna.loading import ProgramInvalid, data_version, default_program_dir, load_program, read_source
from kizuna.model import Program
from kizuna.records import session_records


class UsageError(Exception):
    """Bad command-line values: exit status 2."""


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--program", type=Path, metavar="DIR", help="program folder (default: the built-in 2019 one)")
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
    publish.add_argument("--program", type=Path, metavar="DIR", help="program folder (default: the built-in 2019 one)")
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
    validate.add_argument("program", nargs="?", type=Path, metavar="DIR")
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


def run_feeds(args: argparse.Namespace, program: Program) -> None:
    version = data_version(args.program or default_program_dir())
    for path in write_feeds(program, args.output, args.base_url, version):
        print(path)
    print(publish_basemap(args.output))


def run_validate(args: argparse.Namespace) -> int:
    folder = args.program or default_program_dir()
    reading = read_source(Path(folder))
    for notice in reading.notices:
        print(f"note: {notice}", file=sys.stderr)
    problems = reading.problems
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{folder}: valid", file=sys.stderr)
    return 1 if problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "validate":
            return run_validate(args)
        program = load_program(args.program)
        {"export": run_export, "list": run_list, "feeds": run_feeds}[args.command](args, program)
    except ProgramInvalid as error:
        print("\n".join(str(problem) for problem in error.problems), file=sys.stderr)
        return 1
    except UsageError as error:
        print(f"kizuna {args.command}: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"kizuna {args.command}: {error.strerror}: {error.filename}", file=sys.stderr)
        return 1
    return 0


def main_exit() -> None:
    """Entry point of the `kizuna` console script."""
    sys.exit(main())
