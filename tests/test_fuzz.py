"""Mutations of good files — a workbook's XML, a zip's structure, CSV text — each read as an upload is read: it
must end in a program or in problems, within the worker's limits, never in an exception.

Derandomized, so a run in CI is the run seen here; `max_examples` keeps the whole module within about 15 s.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import hostile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kizuna.checks.loading import Reading, check_file

FUZZ = settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
GOOD_WORKBOOK = hostile.minimal_workbook()
GOOD_ZIP = hostile.minimal_zip()
with zipfile.ZipFile(hostile.io.BytesIO(GOOD_WORKBOOK)) as archive:
    PARTS = {info.filename: archive.read(info) for info in archive.infolist()}
# What the hostile files held, for the mutations to splice in: far cells, rows without positions, huge merges, ...
TOKENS = [
    b'<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>',
    b'<row r="1048576">',
    b"<row>",
    b"<c>",
    b'<c r="A0"><v>1</v></c>',
    b'<mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>',
    b'<c r="B2"><f>SUM(A1:A9)</f></c>',
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    b"&b;",
    b"&#0;",
    b"\x00",
    b"\xff\xfe",
    b'r="99999999999999999999"',
    b"<x:c>",
    b"</sheetData>",
    b'<c r="A1" t="s"><v>99999</v></c>',
]
MEMBER_NAMES = [".", "/", "./sessions.csv", "a/b/c/sessions.csv", "x" * 300, "sessions.csv", "\\program.csv"]


def read(tmp_path: Path, name: str, data: bytes) -> Reading:
    path = tmp_path / name
    path.write_bytes(data)
    reading = check_file(path)
    assert isinstance(reading, Reading)
    assert (reading.program is None) == bool(reading.problems), reading.problems
    return reading


def mutated(data: bytes, draw: st.DrawFn) -> bytes:
    """One mutation of `data`: a slice cut, duplicated or replaced, or a token or random bytes spliced in."""
    start = draw(st.integers(0, len(data)))
    end = draw(st.integers(start, min(len(data), start + 200)))
    kind = draw(st.sampled_from(["cut", "twice", "token", "bytes"]))
    if kind == "cut":
        return data[:start] + data[end:]
    if kind == "twice":
        return data[:end] + data[start:end] * draw(st.integers(2, 50)) + data[end:]
    insert = draw(st.sampled_from(TOKENS)) if kind == "token" else draw(st.binary(max_size=40))
    return data[:start] + insert + data[end:]


@st.composite
def workbooks(draw: st.DrawFn) -> bytes:
    parts = dict(PARTS)
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(parts)))
        parts[name] = mutated(parts[name], draw)
    return hostile.zipped(parts)


@st.composite
def zips(draw: st.DrawFn) -> bytes:
    """The zip's own structure: bytes of its headers changed, or members with odd names added."""
    if draw(st.booleans()):
        return mutated(GOOD_ZIP, draw)
    with zipfile.ZipFile(hostile.io.BytesIO(GOOD_ZIP)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    for _ in range(draw(st.integers(1, 3))):
        members[draw(st.sampled_from(MEMBER_NAMES))] = draw(st.sampled_from([b"", b"id\n", *members.values()]))
    return hostile.zipped(members)


@st.composite
def csv_programs(draw: st.DrawFn) -> bytes:
    table = draw(st.sampled_from(hostile.TABLES))
    text = (hostile.MINIMAL / f"{table}.csv").read_bytes()
    if draw(st.booleans()):
        text = mutated(text, draw)
    else:
        at = draw(st.integers(0, len(text)))
        cell = draw(st.text(alphabet=st.characters(codec="utf-8"), max_size=60)).encode("utf-8", "surrogatepass")
        text = text[:at] + cell + text[at:]
    return hostile.minimal_zip(**{table: text})


@FUZZ
@given(data=workbooks())
def test_a_mutated_workbook_is_a_program_or_problems(tmp_path: Path, data: bytes) -> None:
    read(tmp_path, "program.xlsx", data)


@FUZZ
@given(data=zips())
def test_a_zip_of_mutated_structure_is_a_program_or_problems(tmp_path: Path, data: bytes) -> None:
    read(tmp_path, "program.zip", data)


@FUZZ
@given(data=csv_programs())
def test_mutated_csv_text_is_a_program_or_problems(tmp_path: Path, data: bytes) -> None:
    read(tmp_path, "program.zip", data)
