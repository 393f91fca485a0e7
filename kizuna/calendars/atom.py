"""A published program's changes as an Atom feed (RFC 4287): one entry per moment the shown version changed (each
publish, each withdrawal), newest first, with the version's note, its date and what it changed, session by session.

Made with ElementTree from the program's history (`publishing.history`), so every character of the organiser's text
is escaped by the XML writer, and the same history makes the same bytes on every replica. Ids are made of the program
id and the version number alone (like the calendars' UIDs), so they outlive a change of the dashboard's address.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kizuna.program.changes import described
from kizuna.program.text import clean_text, counted, one_line
from kizuna.publishing.comparing import moment_summary, moment_title
from kizuna.views.share import View, app_address, share_url

if TYPE_CHECKING:
    from kizuna.program.model import Program
    from kizuna.publishing.history import Step

ATOM = "http://www.w3.org/2005/Atom"
CHANGES_FEED = "changes.atom"  # in feeds/<program id>/, beside the program's calendar feeds
MEDIA_TYPE = "application/atom+xml"
NOT_XML = re.compile("[\ufffe\uffff]")  # characters XML 1.0 forbids that clean_text leaves


def changes_feed_path(program_id: str) -> str:
    """`feeds/<program id>/changes.atom`, under the static folder's address (app/static/)."""
    from kizuna.calendars.feeds import FEEDS_PATH

    return f"{FEEDS_PATH}/{program_id}/{CHANGES_FEED}"


def changes_feed_url(app_url: str, program_id: str) -> str:
    """The feed's address on the host the visitor uses."""
    return f"{app_address(app_url)}app/static/{changes_feed_path(program_id)}"


def text(value: str) -> str:
    return NOT_XML.sub("", clean_text(value))


def stamp(moment: datetime) -> str:
    """RFC 3339 in UTC, to the second: '2026-12-06T06:30:00Z'."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def element(parent: ET.Element, name: str, value: str | None = None, **attributes: str) -> ET.Element:
    child = ET.SubElement(parent, name, attributes)
    if value is not None:
        child.text = text(value)
    return child


def feed_id(program_id: str) -> str:
    return f"urn:kizuna:{program_id}:changes"


def entry_id(program_id: str, step: Step) -> str:
    moment = step.moment
    return f"{feed_id(program_id)}:{'withdrawn' if moment.withdrawal else 'published'}-{moment.cause}"


def entry_content(step: Step, first: bool, notes: Mapping[int, str]) -> str:
    """The entry's plain text: when, the note of the version shown, what it changed and one line per changed
    session, old → new."""
    moment = step.moment
    lines = [f"{moment_title(step)} on {moment.at.astimezone(UTC):%Y-%m-%d at %H:%M} UTC."]
    note = one_line(notes.get(moment.number, "")) if moment.number is not None else ""
    if note:
        lines.append(f"Note: {note}" if not moment.withdrawal else f"Note of version {moment.number}: {note}")
    if first and step.program is not None:
        lines.append(f"The first version: {counted(len(step.program.sessions), 'session')}.")
    else:
        lines.append(f"For visitors it {moment_summary(step, first)}.")
        lines += [f"- {described(change)}" for change in step.changes]
    return "\n".join(lines)


def changes_atom(
    program: Program, steps: Sequence[Step], notes: Mapping[int, str], base_url: str | None = None
) -> bytes:
    """The feed of `program` (the version shown now) from its history `steps` (oldest first) and each version's
    note by number. With the dashboard's address, the feed links to itself and each entry to the version it shows."""
    feed = ET.Element("feed", xmlns=ATOM)  # Atom's namespace as the default: its elements and plain attributes
    element(feed, "id", feed_id(program.id))
    element(feed, "title", f"{one_line(program.title)}: what changed")
    element(feed, "subtitle", "Each publish and withdrawal of the program, with what it changed, session by session.")
    updated = max((step.moment.at for step in steps), default=program.updated)
    element(feed, "updated", stamp(updated))
    author = element(feed, "author")
    element(author, "name", one_line(program.organiser) or "Kizuna")
    element(feed, "generator", "Kizuna")
    if base_url:
        element(feed, "link", rel="self", type="application/atom+xml", href=changes_feed_url(base_url, program.id))
        element(feed, "link", rel="alternate", type="text/html", href=share_url(base_url, View(program=program.id)))
    for index in reversed(range(len(steps))):
        step = steps[index]
        first = index == 0
        note = "" if step.moment.withdrawal else one_line(notes.get(step.moment.cause, ""))
        entry = element(feed, "entry")
        element(entry, "id", entry_id(program.id, step))
        heading = moment_title(step)
        element(entry, "title", f"{heading}: {moment_summary(step, first)}")
        element(entry, "updated", stamp(step.moment.at))
        if base_url and step.moment.number is not None:
            shown = share_url(base_url, View(program=program.id, version=step.moment.number))
            element(entry, "link", rel="alternate", type="text/html", href=shown)
        if note:
            element(entry, "summary", note)
        element(entry, "content", entry_content(step, first, notes), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"
