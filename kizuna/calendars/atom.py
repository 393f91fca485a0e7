"""A published program's changes as an Atom feed (RFC 4287): one entry per moment the shown version changed (each
publish, each withdrawal), newest first, with the version's note, its date and what it changed, session by session.

Made with ElementTree from the program's history (`publishing.history`), so every character of the organiser's text
is escaped by the XML writer, and the same history makes the same bytes on every replica. Ids are made of the program
id and the version number alone (like the calendars' UIDs), so they outlive a change of the dashboard's address.

The feed is in the reader's language (the current context's); each language's has its own address, named as the
calendar feeds' are (`changes.ja.atom` beside `changes.atom`, which stays English), and says its language (xml:lang).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kizuna.i18n import SOURCE, language, visitors
from kizuna.program.changes import described
from kizuna.program.languages import in_language
from kizuna.program.text import clean_text, one_line
from kizuna.publishing.comparing import moment_summary, moment_title
from kizuna.views.share import View, app_address, share_url

if TYPE_CHECKING:
    from kizuna.program.model import Program
    from kizuna.publishing.history import Step

ATOM = "http://www.w3.org/2005/Atom"
CHANGES_FEED = "changes.atom"  # in feeds/<program id>/, beside the program's calendar feeds
MEDIA_TYPE = "application/atom+xml"
NOT_XML = re.compile("[\ufffe\uffff]")  # characters XML 1.0 forbids that clean_text leaves
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ = visitors.gettext


def changes_feed_name(lang: str | None = None) -> str:
    """'changes.atom' in English (None), 'changes.ja.atom' in Japanese."""
    from kizuna.calendars.feeds import in_language_named

    return in_language_named(CHANGES_FEED, lang)


def changes_language(name: str) -> str | None:
    """The language of a changes feed's file name ('changes.ja.atom' → 'ja', 'changes.atom' → 'en'); None: a name
    no changes feed has."""
    from kizuna.calendars.feeds import named_language

    english, lang = named_language(name)
    return lang if english == CHANGES_FEED else None


def changes_feed_path(program_id: str, lang: str | None = None) -> str:
    """`feeds/<program id>/changes.atom` (`changes.ja.atom` in Japanese), under the static folder's address
    (app/static/)."""
    from kizuna.calendars.feeds import FEEDS_PATH

    return f"{FEEDS_PATH}/{program_id}/{changes_feed_name(lang)}"


def changes_feed_url(app_url: str, program_id: str, lang: str | None = None) -> str:
    """The feed's address in a language on the host the visitor uses; English (None or 'en') at the address it
    always had."""
    return f"{app_address(app_url)}app/static/{changes_feed_path(program_id, lang)}"


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
    at = moment.at.astimezone(UTC)
    # Translators: when a version was published or withdrawn; {title} is e.g. 'Version 2 published'.
    when = _("{title} on {date} at {time} UTC.")
    lines = [when.format(title=moment_title(step), date=f"{at:%Y-%m-%d}", time=f"{at:%H:%M}")]
    note = one_line(notes.get(moment.number, "")) if moment.number is not None else ""
    if note and not moment.withdrawal:
        lines.append(_("Note: {note}").format(note=note))
    elif note:
        lines.append(_("Note of version {number}: {note}").format(number=moment.number, note=note))
    if first and step.program is not None:
        count = len(step.program.sessions)
        lines.append(
            visitors.ngettext(
                "The first version: {count} session.", "The first version: {count} sessions.", count
            ).format(count=count)
        )
    else:
        # Translators: {summary} says what a version did, e.g. 'moves 1 session, cancels 1'.
        lines.append(_("For visitors it {summary}.").format(summary=moment_summary(step, first)))
        lines += [f"- {described(change)}" for change in step.changes]
    return "\n".join(lines)


def changes_atom(
    program: Program, steps: Sequence[Step], notes: Mapping[int, str], base_url: str | None = None
) -> bytes:
    """The feed of `program` (the version shown now) from its history `steps` (oldest first) and each version's
    note by number, in the reader's language. With the dashboard's address, the feed links to itself and each entry
    to the version it shows."""
    lang = None if language() == SOURCE else language()
    program = in_language(program, language())
    feed = ET.Element("feed", xmlns=ATOM)  # Atom's namespace as the default: its elements and plain attributes
    if lang:
        feed.set(XML_LANG, lang)
    element(feed, "id", feed_id(program.id))
    element(feed, "title", _("{title}: what changed").format(title=one_line(program.title)))
    subtitle = _("Each publish and withdrawal of the program, with what it changed, session by session.")
    element(feed, "subtitle", subtitle)
    updated = max((step.moment.at for step in steps), default=program.updated)
    element(feed, "updated", stamp(updated))
    author = element(feed, "author")
    element(author, "name", one_line(program.organiser) or "Kizuna")
    element(feed, "generator", "Kizuna")
    if base_url:
        self_url = changes_feed_url(base_url, program.id, lang)
        element(feed, "link", rel="self", type="application/atom+xml", href=self_url)
        shown = share_url(base_url, View(program=program.id, lang=lang))
        element(feed, "link", rel="alternate", type="text/html", href=shown)
    for index in reversed(range(len(steps))):
        step = steps[index]
        first = index == 0
        note = "" if step.moment.withdrawal else one_line(notes.get(step.moment.cause, ""))
        entry = element(feed, "entry")
        element(entry, "id", entry_id(program.id, step))
        # Translators: an entry's title, e.g. 'Version 2 published: moves 1 session, cancels 1'.
        title = _("{heading}: {summary}").format(heading=moment_title(step), summary=moment_summary(step, first))
        element(entry, "title", title)
        element(entry, "updated", stamp(step.moment.at))
        if base_url and step.moment.number is not None:
            shown = share_url(base_url, View(program=program.id, version=step.moment.number, lang=lang))
            element(entry, "link", rel="alternate", type="text/html", href=shown)
        if note:
            element(entry, "summary", note)
        element(entry, "content", entry_content(step, first, notes), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"
