"""The `kizuna` command: export, list, print, validate and convert a program; write a workbook to fill in; publish
and compare published versions; serve the dashboard.

Every command but `serve` speaks the language `--lang` names (a BCP 47 tag), else $KIZUNA_LANG's, else English: its
messages, its help, and what it writes for people (calendars, the printout, the workbook). The system's locale is
not followed: a command's output stays the same wherever it runs, as scripts expect."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from kizuna import config
from kizuna.calendars.ics import export_ics
from kizuna.checks.loading import ProgramInvalid, check_file
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.i18n import LANGUAGES, N_, SOURCE, language, language_tag, organisers, speaking
from kizuna.printing.fonts import FontMissing
from kizuna.program.changes import described
from kizuna.program.filtering import OPTION_FACETS, Filter, parse_filter, valid_values
from kizuna.program.languages import in_language
from kizuna.program.model import Program
from kizuna.program.problems import shown
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


_ = organisers.gettext

MAX_VERSION = 2**31 - 1  # the store's version numbers are 32-bit integers
LANG_ENV = "KIZUNA_LANG"  # the language of every command, unless --lang names one
PROGRAM_HELP = N_(
    "any program id the dashboard serves (the programs directory's or a published one), or a program's folder, .zip "
    "or .xlsx (default: the dashboard's default program)"
)
FILTER_HELP = {
    "theme": N_("only this theme"),
    "city": N_("only this city"),
    "day": N_("only this day"),
    "kind": N_("only this kind"),
    "id": N_("only the session with this id"),
}
# argparse's own words a person meets (its help's headings, its errors), read from the organisers' catalogue.
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("expected one argument"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)


class UsageError(Exception):
    """Bad command-line values: exit status 2."""


class Failure(Exception):
    """What the command needs is missing (a font to print with): exit status 1, with what to do."""


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--program", type=Path, metavar="ID|PATH", help=_(PROGRAM_HELP))
    parser.add_argument(
        "--version",
        type=version_number,
        metavar="N",
        help=_("a published program's version N (default: its live version, the latest not withdrawn)"),
    )
    for option in OPTION_FACETS:
        metavar = "YYYY-MM-DD" if option == "day" else option.upper()
        parser.add_argument(f"--{option}", action="append", default=[], metavar=metavar, help=_(FILTER_HELP[option]))
    parser.add_argument("--session", action="append", default=[], help=argparse.SUPPRESS)


def add_language_option(parser: argparse.ArgumentParser) -> None:
    """--lang, read before the command line is (`chosen_language`): here for the help, and so argparse accepts it."""
    parser.add_argument(
        "--lang",
        metavar="TAG",
        default=argparse.SUPPRESS,
        help=_(
            "the language of the command's messages and of what it writes for people: en, ja, ko, zh (Simplified "
            "Chinese) or fr, or a BCP 47 tag of one (ja-JP) (default: ${variable}, else English; the system's locale "
            "is not followed)"
        ).format(variable=LANG_ENV),
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kizuna", description=_("The seminar program as data and calendars."))
    add_language_option(parser)
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help=_("write the selected sessions as iCalendar (.ics)"))
    add_filter_options(export)
    export.add_argument("-o", "--output", type=Path, metavar="FILE", help=_("file to write (default: stdout)"))
    export.add_argument("--base-url", default=config.configured_base_url(), help=_("dashboard address for event URLs"))
    add_print_command(commands)
    listing = commands.add_parser("list", help=_("list the selected sessions"))
    add_filter_options(listing)
    listing.add_argument("--json", action="store_true", help=_("print a JSON array"))
    publish = commands.add_parser(
        "feeds", help=_("write the subscription feeds (.ics) and the map's basemap that the dashboard serves")
    )
    publish.add_argument("--program", type=Path, metavar="ID|PATH", help=_("only this program (default: every one)"))
    publish.add_argument(
        "-o",
        "--output",
        type=Path,
        default=config.static_dir(Path("static")),
        metavar="DIR",
        help=_("static folder; feeds go in its feeds/ (default: ${variable}, else ./static)").format(
            variable=config.STATIC_DIR_ENV
        ),
    )
    publish.add_argument("--base-url", default=config.configured_base_url(), help=_("dashboard address for event URLs"))
    validate = commands.add_parser("validate", help=_("check a program folder; one problem per line"))
    validate.add_argument("program", nargs="?", type=Path, metavar="ID|PATH", help=_(PROGRAM_HELP))
    template = commands.add_parser("template", help=_("write an Excel workbook to fill in: instructions, dropdowns"))
    template.add_argument("-o", "--output", type=Path, default=Path("program.xlsx"), metavar="FILE.xlsx")
    template.add_argument("--example", action="store_true", help=_("filled in with the built-in 2019 program"))
    template.add_argument("--force", action="store_true", help=_("replace FILE if it exists"))
    convert = commands.add_parser("convert", help=_("copy a valid program between a folder, a .zip and an .xlsx"))
    convert.add_argument("source", type=Path, metavar="SRC", help=_("a program's id, or its folder, .zip or .xlsx"))
    convert.add_argument("destination", type=Path, metavar="DEST", help=_("a .xlsx or .zip file, else a folder"))
    convert.add_argument("--force", action="store_true", help=_("replace DEST if it exists"))
    add_store_commands(commands)
    for command in commands.choices.values():
        add_language_option(command)
    commands.add_parser(
        "serve",
        help=_("run the dashboard; Streamlit's options pass through (--server.port 8501 --server.address 0.0.0.0 …)"),
        add_help=False,
    )
    return parser


def add_print_command(commands: argparse._SubParsersAction) -> None:
    printing = commands.add_parser("print", help=_("write the selected sessions as an itinerary to print (PDF)"))
    add_filter_options(printing)
    printing.add_argument(
        "--paper", choices=("a4", "a6"), default="a4", help=_("a4: the desk copy; a6: a pocket booklet")
    )
    printing.add_argument(
        "--base-url",
        default=config.configured_base_url(),
        metavar="URL",
        help=_("dashboard address the QR code and link open (default: ${variable}; none: no QR code)").format(
            variable=config.BASE_URL_ENV
        ),
    )
    printing.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf", help=_("file to write"))


def add_store_commands(commands: argparse._SubParsersAction) -> None:
    publish = commands.add_parser("publish", help=_("check a program and store it in the database as a new version"))
    publish.add_argument(
        "program",
        type=Path,
        metavar="PROGRAM",
        help=_("a program's id in the programs directory, or its folder, .zip or .xlsx"),
    )
    publish.add_argument("--note", default="", help=_("a word on this version, listed with it"))
    publish.add_argument(
        "--dry-run",
        action="store_true",
        help=_("check the program and print what publishing it would change against its live version; store nothing"),
    )
    listing = commands.add_parser("programs", help=_("list the published programs and their versions"))
    listing.add_argument("--json", action="store_true", help=_("print a JSON array"))
    withdraw = commands.add_parser("withdraw", help=_("withdraw a version: links then show the program's one before"))
    withdraw.add_argument("program_id", metavar="PROGRAM_ID")
    withdraw.add_argument("version", type=version_number, metavar="VERSION")
    changes = add_changes_command(commands)
    for command in (publish, listing, withdraw, changes):
        command.add_argument(
            "--database-url",
            metavar="URL",
            help=_("sqlite:///FILE or postgresql+psycopg://… (default: ${variable}, else {database})").format(
                variable=config.DATABASE_URL_ENV, database=config.DEFAULT_DATABASE
            ),
        )


CHANGES_HELP = N_("""\
What changed between two versions of a published program, session by session: added, removed, cancelled,
restored, moved (date, time, city, venue) and edited (title, description, themes, kind), each old -> new.

Without options: the live version (the latest not withdrawn) against the version it replaced (the latest older one
not withdrawn). --to M: version M instead of the live one; --from N: against version N, which must be older.
Withdrawn versions are not compared. --all: the program's whole history instead, oldest first: every publish and
every withdrawal, each with what it changed for visitors (a withdrawal shows an older version again), as the
program's changes feed (feeds/PROGRAM_ID/changes.atom) lists them. --json: the same as JSON.
""")


def add_changes_command(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    changes = commands.add_parser(
        "changes",
        help=_("what changed between two versions of a published program (or in each of its versions, --all)"),
        description=_(CHANGES_HELP),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    changes.add_argument("program_id", metavar="PROGRAM_ID", help=_("a published program's id (kizuna programs)"))
    changes.add_argument(
        "--from",
        dest="older",
        type=version_number,
        metavar="N",
        help=_("the older version (default: the one replaced)"),
    )
    changes.add_argument(
        "--to", dest="newer", type=version_number, metavar="M", help=_("the newer version (default: the live one)")
    )
    changes.add_argument("--all", action="store_true", help=_("every publish and withdrawal, oldest first"))
    changes.add_argument("--json", action="store_true", help=_("print JSON"))
    return changes


def version_number(text: str) -> int:
    """A version as the store numbers them: 1, 2, 3 … (a database integer: larger ones cannot exist)."""
    digits = text.lstrip("0")
    if not text.isascii() or not text.isdigit() or len(digits) > 10 or not 1 <= int(digits or 0) <= MAX_VERSION:
        raise argparse.ArgumentTypeError(
            _("{value} is not a version number (1 to {largest})").format(
                value=repr(text[:40]), largest=f"{MAX_VERSION:,}"
            )
        )
    return int(text)


def filter_from(args: argparse.Namespace, program: Program) -> Filter:
    if args.session:
        raise UsageError(_("--session is now --id (in a share link, session= opens a session's card)"))
    view_filter, rejected = parse_filter(program, **{facet: getattr(args, opt) for opt, facet in OPTION_FACETS.items()})
    if rejected:
        allowed = valid_values(program)
        option_of = {facet: option for option, facet in OPTION_FACETS.items()}
        lines = [
            _("unknown --{option} {values}; valid: {valid}").format(
                option=option_of[facet], values=", ".join(map(repr, bad)), valid=", ".join(allowed[facet])
            )
            for facet, bad in rejected.items()
        ]
        raise UsageError("\n".join(lines))
    return view_filter


def shown_program(chosen: Chosen) -> Program:
    """The chosen program as the command shows it: its texts in the command's language where it has them."""
    return in_language(chosen.program, language())


def run_export(args: argparse.Namespace, chosen: Chosen) -> None:
    program = shown_program(chosen)
    data = export_ics(program, filter_from(args, program), base_url=args.base_url)
    if args.output:
        args.output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


def run_list(args: argparse.Namespace, chosen: Chosen) -> None:
    program = shown_program(chosen)
    records = session_records(program, filter_from(args, program).apply(program))
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return
    for record in records:
        print(f"{record['date']}  {record['city']:<12} {record['kind']:<14} {record['title']}  [{record['id']}]")


def run_print(args: argparse.Namespace, chosen: Chosen) -> None:
    """The PDF of what the dashboard shows for these filters, its QR code opening that view there."""
    from kizuna.printing.itinerary import print_view  # fpdf2: imported only to print

    program = shown_program(chosen)
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
        without = _("no --base-url or ${variable}: printed without the QR code").format(variable=config.BASE_URL_ENV)
        print(f"kizuna print: {without}", file=sys.stderr)
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
        left = _("{path}: not published, not a valid program (see kizuna validate)").format(path=entry.path)
        print(f"kizuna feeds: {left}", file=sys.stderr)
    for path in write_feeds_of(catalog, args.output, args.base_url):
        print(path)
    print(write_basemap(args.output))
    return 0


def run_validate(args: argparse.Namespace) -> int:
    folder = resolve_program(args.program)
    reading = check_file(Path(folder))
    print_notices(reading.notices)
    problems = reading.problems
    for problem in problems:
        print(problem)
    if not problems:
        print(_("{program}: valid").format(program=folder), file=sys.stderr)
    return 1 if problems else 0


def print_notices(notices: Sequence[str]) -> None:
    """What reading a program ignored, one a line on stderr."""
    for notice in notices:
        print(_("note: {notice}").format(notice=shown(notice)), file=sys.stderr)


def refuse_to_overwrite(path: Path, force: bool) -> None:
    """An organiser's filled-in workbook must not be lost to a second `kizuna template`; an empty folder is free."""
    if path.exists() and not force and not (path.is_dir() and not any(path.iterdir())):
        raise UsageError(_("{path} exists; add --force to replace it").format(path=path))


def run_template(args: argparse.Namespace) -> None:
    from kizuna.checks.workbook import empty_tables, valid_records, write_workbook  # openpyxl: 0.17 s to import

    if args.output.suffix.lower() != ".xlsx":
        raise UsageError(_("{path}: the template is a workbook; name it FILE.xlsx").format(path=args.output))
    refuse_to_overwrite(args.output, args.force)
    write_workbook(valid_records(BUILT_IN_PROGRAM)[0] if args.example else empty_tables(), args.output)
    print(args.output)


def run_convert(args: argparse.Namespace) -> None:
    from kizuna.checks.workbook import valid_records, write_program

    source = resolve_program(args.source)
    if args.destination.resolve() == source.resolve():
        raise UsageError(_("SRC and DEST are the same"))
    refuse_to_overwrite(args.destination, args.force)
    records, notices = valid_records(source)
    print_notices(notices)
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
        stored = organisers.ngettext(
            "{program}: published as version {number} ({count} session) in {database}",
            "{program}: published as version {number} ({count} sessions) in {database}",
            version.sessions,
        )
        where = config.shown_url(store.url)
        print(
            stored.format(
                program=version.program_id, number=version.number, count=f"{version.sessions:,}", database=where
            )
        )
        comparison = after_publish(store, version)
        if not comparison.first:  # a first version: the line above says all there is
            print_comparison(comparison)
    else:
        print(
            _("{program}: unchanged, the same as version {number} (published {when}); nothing stored").format(
                program=version.program_id, number=version.number, when=when(version)
            )
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
        print(
            _(
                "{program}: unchanged, the same as version {number} (published {when}); publishing stores nothing"
            ).format(program=program.id, number=base.number, when=when(base))
        )
        return 0
    versions = store.versions(program.id) if store is not None else []
    number = versions[0].number + 1 if versions else 1
    count = len(program.sessions)
    would = organisers.ngettext(
        "{program}: dry run, nothing stored; would be published as version {number} ({count} session)",
        "{program}: dry run, nothing stored; would be published as version {number} ({count} sessions)",
        count,
    )
    print(would.format(program=program.id, number=number, count=f"{count:,}"))
    print_comparison(comparison)
    return 0


def print_comparison(comparison: Comparison) -> None:
    """'This publish moves 2 sessions, cancels 1, …', against which version, then one line per change."""
    print(comparison.headline())
    if comparison.base is not None:
        against = _("(compared with version {number}, published {when})")
        print("  " + against.format(number=comparison.base.number, when=when(comparison.base)))
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
                raise UsageError(_("--all lists every version's changes: it takes no --from or --to"))
            return print_history(args, store, published_versions(store, args.program_id))
        comparison = between(store, args.program_id, args.older, args.newer)
    except CannotCompare as error:
        raise UsageError(str(error)) from None
    if args.json:
        print(json.dumps(comparison.record(), ensure_ascii=False, indent=2))
        return 0
    target, base = comparison.target, comparison.base
    if base is None:
        against = _("{program}: version {number} (published {when}) against no earlier version")
    else:
        against = _("{program}: version {number} (published {when}) against version {base} (published {base_when})")
    print(
        against.format(
            program=comparison.program_id,
            number=target.number,
            when=when(target),
            base=base.number if base else None,
            base_when=when(base) if base else None,
        )
    )
    print(comparison.headline(target.number))
    for line in comparison.lines():
        print(f"  {line}")
    return 0


def print_history(args: argparse.Namespace, store: Store | None, versions: list[Version]) -> int:
    from kizuna.publishing.comparing import moment_record, moment_summary, moment_title
    from kizuna.publishing.history import history

    assert store is not None  # published_versions found versions in it
    program_id, lang = args.program_id, language()
    steps = history(versions, lambda number: in_language(store.load(program_id, number)[0], lang))
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
    """When a version was published, as every language writes it here: '2026-12-06 08:11 UTC'."""
    return f"{version.published_at:%Y-%m-%d %H:%M} UTC"


def run_programs(args: argparse.Namespace, store: Store) -> int:
    """Every program ever published, with its versions: the live one (latest not withdrawn) and the withdrawn."""
    from kizuna.publishing.store import live_version, state_label, version_state

    history = store.history()
    if args.json:
        print(json.dumps([program_record(versions) for versions in history.values()], ensure_ascii=False, indent=2))
        return 0
    if not history:
        nothing = _("nothing is published in {database}").format(database=config.shown_url(store.url))
        print(f"kizuna programs: {nothing}", file=sys.stderr)
    for program_id, versions in history.items():
        live = live_version(versions)
        count = organisers.ngettext("({count} version)", "({count} versions)", len(versions)).format(
            count=len(versions)
        )
        print(f"{program_id}  {(live or versions[0]).title}  {count}")
        for version in versions:
            state = state_label(version_state(version, live))
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
        if numbers:
            unknown = _("no version {number} of {program}; its versions: {numbers}")
        else:
            unknown = _("no version {number} of {program}; published: {programs}")
        programs = ", ".join(store.history()) or _("(none)")
        raise UsageError(unknown.format(number=number, program=repr(program_id), numbers=numbers, programs=programs))
    if before.withdrawn:
        print(_("{program}: version {number} was already withdrawn").format(program=program_id, number=number))
        return 0
    store.withdraw(program_id, number)
    live = store.version(program_id)
    if live is None:
        withdrawn = _("{program}: version {number} withdrawn; no version of it is published now")
    else:
        withdrawn = _("{program}: version {number} withdrawn; its links now show version {live}")
    print(withdrawn.format(program=program_id, number=number, live=live.number if live else None))
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
        unusable = _("the database {database} cannot be used: {reason}").format(
            database=config.shown_url(url), reason=reason
        )
        print(f"kizuna {args.command}: {unusable}", file=sys.stderr)
        return 1


def serve(options: Sequence[str]) -> NoReturn:
    """Become the dashboard's server (kizuna_app/serve.py), so signals and the exit status are its own."""
    os.execv(sys.executable, [sys.executable, "-m", "kizuna_app.serve", *options])


def chosen_language(argv: Sequence[str]) -> str:
    """The language a command speaks: --lang's (the last one given), else $KIZUNA_LANG's, else English. Never the
    system's locale: the same command writes the same bytes on every machine. UsageError for a tag Kizuna does not
    speak."""
    tag, source = None, "--lang"
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        option, equals, value = arg.partition("=")
        if len(option) < 3 or not "--lang".startswith(option):  # argparse takes --la and --lan for --lang too
            continue
        if equals:
            tag = value
        elif index + 1 < len(argv):
            tag = argv[index + 1]
    if tag is None:
        tag, source = os.environ.get(LANG_ENV, "").strip() or None, f"${LANG_ENV}"
    if tag is None:
        return SOURCE
    found = language_tag(tag)
    if found is None:
        raise UsageError(
            _(
                "{option} {tag}: not a language Kizuna speaks; use one of {languages} (zh is Simplified Chinese), or "
                "a BCP 47 tag of one such as ja-JP"
            ).format(option=source, tag=repr(tag[:40]), languages=", ".join(LANGUAGES))
        )
    return found


@contextmanager
def argparse_speaking() -> Iterator[None]:
    """argparse's own words (ARGPARSE_WORDS) in the command's language while the command line is read: argparse
    translates them with gettext's global domain, which Kizuna does not use."""
    english = argparse._
    argparse._ = _
    try:
        yield
    finally:
        argparse._ = english


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["serve"]:
        serve(argv[1:])
    try:
        lang = chosen_language(argv)
    except UsageError as error:
        print(f"kizuna: {error}", file=sys.stderr)
        return 2
    with speaking(lang):
        with argparse_speaking():
            args = build_parser().parse_args(argv)
        return run(args)


def run(args: argparse.Namespace) -> int:
    """The command, in the language it speaks; what goes wrong is said on stderr, with its exit status."""
    try:
        if getattr(args, "base_url", None):
            try:
                config.check_web_address(args.base_url)
            except ValueError as error:
                raise UsageError(
                    _("--base-url (or ${variable}): {error}").format(variable=config.BASE_URL_ENV, error=error)
                ) from None
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
        unavailable = _("published program {program} cannot be read from the store now").format(program=error)
        print(f"kizuna {args.command}: {unavailable}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"kizuna {args.command}: {error.strerror}: {error.filename}", file=sys.stderr)
        return 1
    return 0


def main_exit() -> None:
    """Entry point of the `kizuna` console script."""
    sys.exit(main())
