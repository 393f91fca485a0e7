"""The `kizuna` command: export, list, print, validate and convert a program; write a workbook to fill in; publish
and compare published versions; serve the dashboard."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from kizuna import config
from kizuna.calendars.ics import export_ics
from kizuna.checks.loading import ProgramInvalid, check_file
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.printing.fonts import FontMissing
from kizuna.program.changes import described
from kizuna.program.filtering import OPTION_FACETS, Filter, parse_filter, valid_values
from kizuna.program.model import Program
from kizuna.program.records import session_records
from kizuna.publishing.programs import (
    Chosen,
    UnknownProgram,
    choose_program,
    configured_programs,
    one_program,
    resolve_program,
    write_feeds_of,
)
from kizuna.publishing.published import Unavailable
from kizuna.views.basemap import write_basemap
from kizuna.views.share import View, program_key

if TYPE_CHECKING:
    from kizuna.publishing.comparing import Comparison
    from kizuna.publishing.store import Store, Version


MAX_VERSION = 2**31 - 1  # the store's version numbers are 32-bit integers
PROGRAM_HELP = (
    "any program id the dashboard serves (the programs directory's or a published one), or a program's folder, .zip "
    "or .xlsx (default: the dashboard's default program)"
)


class UsageError(Exception):
    """Bad command-line values: exit status 2."""


class Failure(Exception):
    """What the command needs is missing (a font to print with): exit status 1, with what to do."""


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--program", type=Path, metavar="ID|PATH", help=PROGRAM_HELP)
    parser.add_argument(
        "--version",
        type=version_number,
        metavar="N",
        help="a published program's version N (default: its live version, the latest not withdrawn)",
    )
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
    export.add_argument("--base-url", default=config.configured_base_url(), help="dashboard address for event URLs")
    add_print_command(commands)
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
    publish.add_argument("--base-url", default=config.configured_base_url(), help="dashboard address for event URLs")
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
    add_store_commands(commands)
    commands.add_parser(
        "serve",
        help="run the dashboard; Streamlit's options pass through (--server.port 8501 --server.address 0.0.0.0 …)",
        add_help=False,
    )
    return parser


def add_print_command(commands: argparse._SubParsersAction) -> None:
    printing = commands.add_parser("print", help="write the selected sessions as an itinerary to print (PDF)")
    add_filter_options(printing)
    printing.add_argument("--paper", choices=("a4", "a6"), default="a4", help="a4: the desk copy; a6: a pocket booklet")
    printing.add_argument(
        "--base-url",
        default=config.configured_base_url(),
        metavar="URL",
        help=f"dashboard address the QR code and link open (default: ${config.BASE_URL_ENV}; none: no QR code)",
    )
    printing.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf", help="file to write")


def add_store_commands(commands: argparse._SubParsersAction) -> None:
    publish = commands.add_parser("publish", help="check a program and store it in the database as a new version")
    publish.add_argument(
        "program",
        type=Path,
        metavar="PROGRAM",
        help="a program's id in the programs directory, or its folder, .zip or .xlsx",
    )
    publish.add_argument("--note", default="", help="a word on this version, listed with it")
    publish.add_argument(
        "--dry-run",
        action="store_true",
        help="check the program and print what publishing it would change against its live version; store nothing",
    )
    listing = commands.add_parser("programs", help="list the published programs and their versions")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    withdraw = commands.add_parser("withdraw", help="withdraw a version: links then show the program's one before")
    withdraw.add_argument("program_id", metavar="PROGRAM_ID")
    withdraw.add_argument("version", type=version_number, metavar="VERSION")
    changes = add_changes_command(commands)
    for command in (publish, listing, withdraw, changes):
        command.add_argument(
            "--database-url",
            metavar="URL",
            help=f"sqlite:///FILE or postgresql+psycopg://… (default: ${config.DATABASE_URL_ENV}, else "
            f"{config.DEFAULT_DATABASE})",
        )


CHANGES_HELP = """\
What changed between two versions of a published program, session by session: added, removed, cancelled,
restored, moved (date, time, city, venue) and edited (title, description, themes, kind), each old -> new.

Without options: the live version (the latest not withdrawn) against the version it replaced (the latest older one
not withdrawn). --to M: version M instead of the live one; --from N: against version N, which must be older.
Withdrawn versions are not compared. --all: the program's whole history instead, oldest first: every publish and
every withdrawal, each with what it changed for visitors (a withdrawal shows an older version again), as the
program's changes feed (feeds/PROGRAM_ID/changes.atom) lists them. --json: the same as JSON.
"""


def add_changes_command(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    changes = commands.add_parser(
        "changes",
        help="what changed between two versions of a published program (or in each of its versions, --all)",
        description=CHANGES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    changes.add_argument("program_id", metavar="PROGRAM_ID", help="a published program's id (kizuna programs)")
    changes.add_argument(
        "--from", dest="older", type=version_number, metavar="N", help="the older version (default: the one replaced)"
    )
    changes.add_argument(
        "--to", dest="newer", type=version_number, metavar="M", help="the newer version (default: the live one)"
    )
    changes.add_argument("--all", action="store_true", help="every publish and withdrawal, oldest first")
    changes.add_argument("--json", action="store_true", help="print JSON")
    return changes


def version_number(text: str) -> int:
    """A version as the store numbers them: 1, 2, 3 … (a database integer: larger ones cannot exist)."""
    digits = text.lstrip("0")
    if not text.isascii() or not text.isdigit() or len(digits) > 10 or not 1 <= int(digits or 0) <= MAX_VERSION:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a version number (1 to {MAX_VERSION:,})")
    return int(text)


def filter_from(args: argparse.Namespace, program: Program) -> Filter:
    if args.session:
        raise UsageError("--session is now --id (in a share link, session= opens a session's card)")
    view_filter, rejected = parse_filter(program, **{facet: getattr(args, opt) for opt, facet in OPTION_FACETS.items()})
    if rejected:
        allowed = valid_values(program)
        option_of = {facet: option for option, facet in OPTION_FACETS.items()}
        lines = [
            f"unknown --{option_of[facet]} {', '.join(map(repr, bad))}; valid: {', '.join(allowed[facet])}"
            for facet, bad in rejected.items()
        ]
        raise UsageError("\n".join(lines))
    return view_filter


def run_export(args: argparse.Namespace, chosen: Chosen) -> None:
    program = chosen.program
    data = export_ics(program, filter_from(args, program), base_url=args.base_url)
    if args.output:
        args.output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


def run_list(args: argparse.Namespace, chosen: Chosen) -> None:
    program = chosen.program
    records = session_records(program, filter_from(args, program).apply(program))
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return
    for record in records:
        print(f"{record['date']}  {record['city']:<12} {record['kind']:<14} {record['title']}  [{record['id']}]")


def run_print(args: argparse.Namespace, chosen: Chosen) -> None:
    """The PDF of what the dashboard shows for these filters, its QR code opening that view there."""
    from kizuna.printing.itinerary import print_view  # fpdf2: imported only to print

    program = chosen.program
    view_filter = filter_from(args, program)
    base = args.base_url
    key = program_key(program.id, chosen.default_id, chosen.version)
    view = View(filter=view_filter, program=key, version=chosen.version)
    try:
        data = print_view(program, view, base, args.paper, chosen.edition)
    except FontMissing as error:
        raise Failure(str(error)) from None
    args.output.write_bytes(data)
    if not base:
        print(f"kizuna print: no --base-url or ${config.BASE_URL_ENV}: printed without the QR code", file=sys.stderr)
    print(args.output)


def run_feeds(args: argparse.Namespace) -> int:
    """Every valid program of the directory (or the one --program names), each in its place under feeds/."""
    if args.program is None:  # the directory's: a published program's feeds are made by the dashboard
        catalog = configured_programs(published=False)
    else:
        catalog = one_program(resolve_program(args.program))
    if not catalog.programs and catalog.invalid:
        raise ProgramInvalid(catalog.invalid[0].path, list(catalog.invalid[0].problems))
    for entry in catalog.invalid:
        print(f"kizuna feeds: {entry.path}: not published, not a valid program (see kizuna validate)", file=sys.stderr)
    for path in write_feeds_of(catalog, args.output, args.base_url):
        print(path)
    print(write_basemap(args.output))
    return 0


def run_validate(args: argparse.Namespace) -> int:
    folder = resolve_program(args.program)
    reading = check_file(Path(folder))
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
    from kizuna.checks.workbook import empty_tables, valid_records, write_workbook  # openpyxl: 0.17 s to import

    if args.output.suffix.lower() != ".xlsx":
        raise UsageError(f"{args.output}: the template is a workbook; name it FILE.xlsx")
    refuse_to_overwrite(args.output, args.force)
    write_workbook(valid_records(BUILT_IN_PROGRAM)[0] if args.example else empty_tables(), args.output)
    print(args.output)


def run_convert(args: argparse.Namespace) -> None:
    from kizuna.checks.workbook import valid_records, write_program

    source = resolve_program(args.source)
    if args.destination.resolve() == source.resolve():
        raise UsageError("SRC and DEST are the same")
    refuse_to_overwrite(args.destination, args.force)
    records, notices = valid_records(source)
    for notice in notices:
        print(f"note: {notice}", file=sys.stderr)
    write_program(records, args.destination)
    print(args.destination)


def run_publish(args: argparse.Namespace, store: Store | None) -> int:
    """Store the program as a new version and say what it changed for visitors; with --dry-run, only say it."""
    from kizuna.publishing.comparing import after_publish

    if args.dry_run:
        return dry_run(args, store)
    assert store is not None  # opened, or made, for a real publish
    published = store.publish(resolve_program(args.program), note=args.note)
    version = published.version
    if published.created:
        where = config.shown_url(store.url)
        print(f"{version.program_id}: published as version {version.number} ({version.sessions:,} sessions) in {where}")
        comparison = after_publish(store, version)
        if not comparison.first:  # a first version: the line above says all there is
            print_comparison(comparison)
    else:
        print(
            f"{version.program_id}: unchanged, the same as version {version.number} ({when(version)}); nothing stored"
        )
    return 0


def dry_run(args: argparse.Namespace, store: Store | None) -> int:
    """Check the program as a publish does (the store's own limits too) and compare it with the live version of its
    id; nothing is written (no database is made where there is none)."""
    from kizuna.publishing.comparing import before_publish
    from kizuna.publishing.store import clean_note, prepare

    path = resolve_program(args.program)
    clean_note(args.note)  # NoteTooLong: a usage error, as a publish would find it
    prepared = prepare(check_file(path), path.name)  # ProgramInvalid: its problems, exit status 1
    program = prepared.program
    comparison = before_publish(store, program)
    base = comparison.base
    if base is not None and base.content_hash == prepared.content_hash:
        print(f"{program.id}: unchanged, the same as version {base.number} ({when(base)}); publishing stores nothing")
        return 0
    versions = store.versions(program.id) if store is not None else []
    number = versions[0].number + 1 if versions else 1
    print(
        f"{program.id}: dry run, nothing stored; would be published as version {number} "
        f"({len(program.sessions):,} sessions)"
    )
    print_comparison(comparison)
    return 0


def print_comparison(comparison: Comparison) -> None:
    """'This publish moves 2 sessions, cancels 1, …', against which version, then one line per change."""
    print(comparison.headline("This publish"))
    if comparison.base is not None:
        print(f"  (compared with version {comparison.base.number}, {when(comparison.base)})")
    for line in comparison.lines():
        print(f"  {line}")
    notice = comparison.removal_notice()
    if notice:
        print(notice)


def run_changes(args: argparse.Namespace, store: Store | None) -> int:
    """`kizuna changes`: two versions compared, or with --all every moment of the program's history."""
    from kizuna.publishing.comparing import CannotCompare, between, published_versions

    try:
        if args.all:
            if args.older is not None or args.newer is not None:
                raise UsageError("--all lists every version's changes: it takes no --from or --to")
            return print_history(args, store, published_versions(store, args.program_id))
        comparison = between(store, args.program_id, args.older, args.newer)
    except CannotCompare as error:
        raise UsageError(str(error)) from None
    if args.json:
        print(json.dumps(comparison.record(), ensure_ascii=False, indent=2))
        return 0
    target, base = comparison.target, comparison.base
    against = f"version {base.number} ({when(base)})" if base else "no earlier version"
    print(f"{comparison.program_id}: version {target.number} ({when(target)}) against {against}")
    print(comparison.headline(f"Version {target.number}"))
    for line in comparison.lines():
        print(f"  {line}")
    return 0


def print_history(args: argparse.Namespace, store: Store | None, versions: list[Version]) -> int:
    from kizuna.publishing.comparing import moment_record, moment_summary, moment_title
    from kizuna.publishing.history import history

    assert store is not None  # published_versions found versions in it
    program_id = args.program_id
    steps = history(versions, lambda number: store.load(program_id, number)[0])
    notes = {version.number: version.note for version in versions}
    if args.json:
        records = [moment_record(step, index == 0, notes) for index, step in enumerate(steps)]
        print(json.dumps({"program": program_id, "moments": records}, ensure_ascii=False, indent=2))
        return 0
    for index, step in enumerate(steps):
        note = notes.get(step.moment.cause, "")
        noted = f"  {json.dumps(note, ensure_ascii=False)}" if note and not step.moment.withdrawal else ""
        print(f"{step.moment.at:%Y-%m-%d %H:%M} UTC  {moment_title(step)}{noted}: {moment_summary(step, index == 0)}")
        if index:
            for change in step.changes:
                print(f"  {described(change)}")
    return 0


def when(version: Version) -> str:
    return f"published {version.published_at:%Y-%m-%d %H:%M} UTC"


def run_programs(args: argparse.Namespace, store: Store) -> int:
    """Every program ever published, with its versions: the live one (latest not withdrawn) and the withdrawn."""
    from kizuna.publishing.store import live_version, version_state

    history = store.history()
    if args.json:
        print(json.dumps([program_record(versions) for versions in history.values()], ensure_ascii=False, indent=2))
        return 0
    if not history:
        print(f"kizuna programs: nothing is published in {config.shown_url(store.url)}", file=sys.stderr)
    for program_id, versions in history.items():
        live = live_version(versions)
        print(f"{program_id}  {(live or versions[0]).title}  ({len(versions)} version{'s' * (len(versions) > 1)})")
        for version in versions:
            state = version_state(version, live)
            note = f"  {json.dumps(version.note, ensure_ascii=False)}" if version.note else ""
            print(f"  {version.number:>3}  {version.published_at:%Y-%m-%d %H:%M} UTC  {state:<9}{note}".rstrip())
    return 0


def program_record(versions: list[Version]) -> dict:
    """One program of `kizuna programs --json`; its title and dates are the live version's, else the latest's."""
    from kizuna.publishing.store import live_version

    live = live_version(versions)
    described = live or versions[0]
    return {
        "id": described.program_id,
        "title": described.title,
        "start_date": described.start_date.isoformat(),
        "end_date": described.end_date.isoformat(),
        "versions": len(versions),
        "latest": versions[0].number,
        "live": live.number if live else None,
        "published_at": live.published_at.isoformat() if live else None,
        "note": live.note if live else None,
        "sessions": live.sessions if live else None,
        "withdrawn": [version.number for version in versions if version.withdrawn],
    }


def run_withdraw(args: argparse.Namespace, store: Store) -> int:
    program_id, number = args.program_id, args.version
    before = store.version(program_id, number)
    if before is None:
        numbers = ", ".join(str(version.number) for version in store.versions(program_id))
        known = f"its versions: {numbers}" if numbers else f"published: {', '.join(store.history()) or '(none)'}"
        raise UsageError(f"no version {number} of {program_id!r}; {known}")
    if before.withdrawn:
        print(f"{program_id}: version {number} was already withdrawn")
        return 0
    store.withdraw(program_id, number)
    live = store.version(program_id)
    now = f"its links now show version {live.number}" if live else "no version of it is published now"
    print(f"{program_id}: version {number} withdrawn; {now}")
    return 0


STORE_COMMANDS = {"publish": run_publish, "programs": run_programs, "withdraw": run_withdraw, "changes": run_changes}


def reads_only(args: argparse.Namespace) -> bool:
    """Commands that only read the store: where no database exists they find nothing, and make none."""
    return args.command == "changes" or (args.command == "publish" and args.dry_run)


def database_exists(url: str) -> bool:
    """False only for an SQLite file that does not exist (opening it would create it)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return True  # the store says what is wrong with it
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return True
    return parsed.database.startswith("file:") or Path(parsed.database).exists()


def run_store_command(args: argparse.Namespace) -> int:
    """A command on the database; what goes wrong there is said without the URL's password."""
    from sqlalchemy.exc import SQLAlchemyError

    from kizuna.publishing.store import DatabaseUrlError, NoteTooLong, PublishConflict, Store, database_url

    url = args.database_url or database_url()
    try:
        if reads_only(args) and not database_exists(url):
            return STORE_COMMANDS[args.command](args, None)
        with Store(url) as store:
            return STORE_COMMANDS[args.command](args, store)
    except (DatabaseUrlError, NoteTooLong) as error:
        raise UsageError(str(error)) from None
    except PublishConflict as error:
        print(f"kizuna {args.command}: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        reason = config.without_password(reason, url)
        print(f"kizuna {args.command}: the database {config.shown_url(url)} cannot be used: {reason}", file=sys.stderr)
        return 1


def serve(options: Sequence[str]) -> NoReturn:
    """Become the dashboard's server (kizuna_app/serve.py), so signals and the exit status are its own."""
    os.execv(sys.executable, [sys.executable, "-m", "kizuna_app.serve", *options])


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["serve"]:
        serve(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "base_url", None):
            try:
                config.check_web_address(args.base_url)
            except ValueError as error:
                raise UsageError(f"--base-url (or ${config.BASE_URL_ENV}): {error}") from None
        if args.command in STORE_COMMANDS:
            return run_store_command(args)
        if args.command in ("validate", "feeds"):
            return {"validate": run_validate, "feeds": run_feeds}[args.command](args)
        if args.command in ("template", "convert"):
            {"template": run_template, "convert": run_convert}[args.command](args)
            return 0
        chosen = choose_program(args.program, args.version)
        {"export": run_export, "list": run_list, "print": run_print}[args.command](args, chosen)
    except ProgramInvalid as error:
        print("\n".join(str(problem) for problem in error.problems), file=sys.stderr)
        return 1
    except (UsageError, UnknownProgram) as error:
        print(f"kizuna {args.command}: {error}", file=sys.stderr)
        return 2
    except Failure as error:
        print(f"kizuna {args.command}: {error}", file=sys.stderr)
        return 1
    except Unavailable as error:
        print(f"kizuna {args.command}: published program {error} cannot be read from the store now", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"kizuna {args.command}: {error.strerror}: {error.filename}", file=sys.stderr)
        return 1
    return 0


def main_exit() -> None:
    """Entry point of the `kizuna` console script."""
    sys.exit(main())
