"""Programs uploaded through the browser: placed in a private temporary folder under names of our own, then read.

An upload is one workbook, one `.zip`, or some of the six CSV files. Its file names come from the browser and are
never trusted: a workbook or zip is saved as `upload.xlsx` or `upload.zip` (its own name is only shown, cleaned), and
a CSV file is accepted only under one of the six names a program folder holds.

What it says to the organiser (problems, notices, the upload's name) is kept as `problems.said` messages: shown in the
language of whoever reads the page, also after they change it.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from kizuna.checks.loading import SCHEMA, Reading, check_file
from kizuna.checks.sources import MAX_FILE_BYTES, WORKBOOK_SUFFIXES, marked
from kizuna.i18n import N_
from kizuna.program.model import Program
from kizuna.program.problems import Problem, Said, said
from kizuna.program.text import one_line

PACKED = (*sorted(WORKBOOK_SUFFIXES), ".zip")  # one file that holds the whole program
ACCEPTED_TYPES = ("xlsx", "zip", "csv")  # what the upload widget offers: only what can be read (not .xlsm)
TABLES = tuple(SCHEMA)  # the only names a CSV upload may have
SAVED_STEM = "upload"  # the name a workbook or a zip is saved under, whatever the browser called it
MAX_SHOWN_NAME = 80  # characters of an uploaded file's name shown back


@dataclass(frozen=True)
class Upload:
    """One file as the browser sent it."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Checked:
    """What checking an upload found: the program when it is valid, else every problem, and what was ignored."""

    name: str  # the upload, as the organiser knows it: its file's name, or "3 CSV files" (a Said: `problems.shown`)
    program: Program | None
    problems: tuple[Problem, ...]
    notices: tuple[str, ...]
    upload_hash: str  # of the uploaded bytes: the same files give the same hash
    records: dict[str, list[list[str]]] = field(default_factory=dict)  # the tables as the files hold them

    @property
    def valid(self) -> bool:
        return self.program is not None and not self.problems

    @property
    def reading(self) -> Reading:
        """What checking found, as a publish takes it: the upload is not read a second time."""
        return Reading(self.program, list(self.problems), list(self.notices), self.records)


def shown_name(name: str) -> str:
    """A browser's file name fit to show: its last part, on one line, without control characters, cut short."""
    last = PurePosixPath(name.replace("\\", "/")).name
    cleaned = one_line(last)
    return cleaned if len(cleaned) <= MAX_SHOWN_NAME else cleaned[: MAX_SHOWN_NAME - 1] + "…"


def suffix(name: str) -> str:
    return PurePosixPath(shown_name(name)).suffix.lower()


def upload_hash(files: Sequence[Upload]) -> str:
    digest = hashlib.sha256()
    for upload in sorted(files, key=lambda u: (u.name, u.data)):
        digest.update(hashlib.sha256(upload.name.encode("utf-8", "replace")).digest())
        digest.update(hashlib.sha256(upload.data).digest())
    return digest.hexdigest()[:16]


def upload_refusal(files: Sequence[Upload]) -> list[Problem]:
    """Why these files cannot be one program, before anything is saved; [] when they can be."""
    if not files:
        message = said(N_("no file: upload a workbook, a .zip or the program's CSV files"))
        return [Problem("upload", None, None, message)]
    too_big = [f for f in files if len(f.data) > MAX_FILE_BYTES]
    if too_big:
        message = said(
            N_("file is {size:.1f} MiB; the limit is {limit} MiB"),
            size=len(too_big[0].data) / 2**20,
            limit=MAX_FILE_BYTES // 2**20,
        )
        return [Problem(shown_name(too_big[0].name), None, None, message)]
    packed = [f for f in files if suffix(f.name) in PACKED]
    if packed and len(files) > 1:
        message = said(N_("a workbook or a .zip goes alone: upload it by itself, or only the CSV files together"))
        return [Problem(shown_name(packed[0].name), None, None, message)]
    if packed:
        return []
    return csv_refusals(files)


def csv_refusals(files: Sequence[Upload]) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for upload in files:
        name = shown_name(upload.name)
        table = name.lower()
        if table not in TABLES:
            message = said(
                N_("is not one of a program's files ({tables}), a workbook (.xlsx) or a .zip"), tables=", ".join(TABLES)
            )
            problems.append(Problem(name, None, None, message))
        elif table in seen:
            problems.append(Problem(name, None, None, said(N_("uploaded twice"))))
        seen.add(table)
    return problems


def save_upload(files: Sequence[Upload], folder: Path) -> Path:
    """Write accepted files into `folder` under our own names; the path to read as a program.

    Call `upload_refusal` first: the files are assumed to be one workbook, one zip, or CSV files with table names."""
    if suffix(files[0].name) in PACKED:
        path = folder / f"{SAVED_STEM}{suffix(files[0].name)}"
        path.write_bytes(files[0].data)
        return path
    program = folder / "program"
    program.mkdir()
    for upload in files:
        (program / TABLES[TABLES.index(shown_name(upload.name).lower())]).write_bytes(upload.data)
    return program


@contextmanager
def saved(files: Sequence[Upload]) -> Iterator[Path]:
    """The upload saved in a private temporary folder (mode 0700), removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="kizuna-upload-") as folder:
        yield save_upload(files, Path(folder))


def upload_label(files: Sequence[Upload]) -> str:
    """The upload's file name, or how many files it is ("3 CSV files": never one)."""
    if len(files) == 1:
        return shown_name(files[0].name)
    if all(suffix(f.name) == ".csv" for f in files):
        return said(N_("{count} CSV files"), count=len(files))
    return said(N_("{count} files"), count=len(files))


def renamed(notice: str, own: str, label: str) -> str:
    """A notice about the file as saved (`own`), about the organiser's file (`label`) instead."""
    if isinstance(notice, Said):
        return Said(notice.msgid, {key: label if value == own else value for key, value in notice.params.items()})
    return label + notice.removeprefix(own) if notice.startswith(own) else notice


def check_upload(files: Sequence[Upload]) -> Checked:
    """Read the upload as `kizuna validate` reads a file: every problem, located in the organiser's own file."""
    label, digest = upload_label(files), upload_hash(files)
    refused = upload_refusal(files)
    if refused:
        return Checked(label, None, tuple(refused), (), digest)
    with saved(files) as path:
        reading = check_file(path)  # in a worker: nothing the file holds can harm this process
    own = path.name  # upload.xlsx or upload.zip: say the organiser's own name instead
    problems = tuple(replace(p, file=label) if p.file == own else p for p in reading.problems)
    notices = tuple(renamed(notice, own, label) for notice in reading.notices)
    return Checked(label, reading.program, problems, notices, digest, reading.records)


def report(problems: Sequence[Problem]) -> str:
    """The problems as `kizuna validate` prints them, one a line; a line a spreadsheet would run as a formula (a file
    named `=…`) gets the text mark before it, as CSV cells do."""
    return "".join(f"{marked(str(problem))}\n" for problem in problems)


def report_name(checked: Checked) -> str:
    """The report's file name: the upload's stem (only letters, digits, '-' and '_'), then `-problems.txt`."""
    stem = PurePosixPath(checked.name).stem if checked.name.lower().endswith(PACKED) else "program"
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in stem).strip("-") or "program"
    return f"{safe[:40]}-problems.txt"
