"""What a publish changes, said before it (`kizuna publish --dry-run`, the Organisers page) and after it: a program
compared with the version of its id that visitors see, by `program.changes`. Also the versions `kizuna changes`
compares, and their changes as JSON.

The store is only read here (and passed in: None when no database exists yet, so nothing is published).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kizuna.i18n import language, visitors
from kizuna.program.changes import FIELDS, REMOVED, SessionChange, compare, counts, described, details, summary
from kizuna.program.languages import in_language

if TYPE_CHECKING:
    from kizuna.program.changes import Facts
    from kizuna.program.model import Program
    from kizuna.publishing.history import Step
    from kizuna.publishing.store import Store, Version

_ = visitors.gettext


class CannotCompare(ValueError):
    """Versions that cannot be compared: an unknown program or version, a withdrawn one, or the wrong order."""


@dataclass(frozen=True)
class Comparison:
    """A program (a version, or one about to be published) against the version it replaces; `base` None: there is
    none (the first version), and then no session is listed as a change."""

    program_id: str
    base: Version | None
    target: Version | None  # None: the program is not stored (yet)
    changes: tuple[SessionChange, ...]

    @property
    def first(self) -> bool:
        return self.base is None

    def headline(self, number: int | None = None) -> str:
        """'This publish moves 2 sessions, cancels 1, adds 1, edits 3' ('Version 3 moves …' with its number), or says
        it is the first version."""
        if self.base is None:
            if number is None:
                first = _(
                    "This publish is the first version of {program}: nothing published before to compare it with."
                )
            else:
                first = _(
                    "Version {number} is the first version of {program}: nothing published before to compare it with."
                )
            return first.format(number=number, program=self.program_id)
        if number is None:
            # Translators: {changes} is a list such as "moves 2 sessions, cancels 1" (its words translated too).
            return _("This publish {changes}.").format(changes=summary(self.changes))
        return _("Version {number} {changes}.").format(number=number, changes=summary(self.changes))

    def lines(self) -> list[str]:
        """One line per changed session, old → new (`changes.described`)."""
        return [described(change) for change in self.changes]

    def removal_notice(self) -> str | None:
        """Sessions a publish removes stay in the feeds as cancelled: their subscribers are told so."""
        removed = sum(change.kind == REMOVED for change in self.changes)
        if not removed:
            return None
        return visitors.ngettext(
            "It removes {count} session: the calendar feeds keep it as cancelled, so subscribers' calendars will show "
            "it as cancelled.",
            "It removes {count} sessions: the calendar feeds keep them as cancelled, so subscribers' calendars will "
            "show them as cancelled.",
            removed,
        ).format(count=removed)

    def record(self) -> dict:
        """`kizuna changes --json` of two versions."""
        return {
            "program": self.program_id,
            "from": self.base.number if self.base else None,
            "to": self.target.number if self.target else None,
            "from_published_at": self.base.published_at.isoformat() if self.base else None,
            "to_published_at": self.target.published_at.isoformat() if self.target else None,
            "first": self.first,
            "summary": None if self.first else summary(self.changes),
            "counts": counts(self.changes),
            "changes": [change_record(change) for change in self.changes],
        }


def change_record(change: SessionChange) -> dict:
    """One session's change as JSON: its kind, the fields old → new, and the session before and after."""
    return {
        "session": change.session_id,
        "kind": change.kind,
        "title": change.title,
        "fields": [{"field": c.field, "old": c.old, "new": c.new} for c in change.fields],
        "details": details(change),
        "before": facts_record(change.before),
        "after": facts_record(change.after),
    }


def facts_record(facts: Facts | None) -> dict[str, str] | None:
    return None if facts is None else dict(zip(FIELDS, facts.values, strict=True))


def live_of(store: Store | None, program_id: str) -> tuple[Program, Version] | None:
    """The live version of the program (the latest not withdrawn) and its program; None when there is none."""
    if store is None:
        return None
    try:
        return store.load(program_id)
    except KeyError:
        return None


def before_publish(store: Store | None, program: Program) -> Comparison:
    """What publishing `program` would change for visitors: against the live version of its id."""
    live = live_of(store, program.id)
    if live is None:
        return Comparison(program.id, None, None, ())
    old, version = live
    return Comparison(program.id, version, None, compared(old, program))


def compared(old: Program, new: Program) -> tuple[SessionChange, ...]:
    """The changes as the reader reads them: each version's texts in the current language, worded in it."""
    lang = language()
    return compare(in_language(old, lang), in_language(new, lang))


def replaced(versions: Sequence[Version], number: int) -> Version | None:
    """The version `number` replaced: the latest older one not withdrawn (None: it was the first)."""
    return next((v for v in sorted(versions, key=lambda v: -v.number) if v.number < number and not v.withdrawn), None)


def after_publish(store: Store, version: Version) -> Comparison:
    """What publishing `version` changed: against the version it replaced."""
    base = replaced(store.versions(version.program_id), version.number)
    return versions_compared(store, version.program_id, base, version)


def versions_compared(store: Store, program_id: str, base: Version | None, target: Version) -> Comparison:
    new = store.load(program_id, target.number)[0]
    if base is None:
        return Comparison(program_id, None, target, ())
    return Comparison(program_id, base, target, compared(store.load(program_id, base.number)[0], new))


def published_versions(store: Store | None, program_id: str) -> list[Version]:
    """Every version of a published program, newest first; CannotCompare when it was never published."""
    found = store.versions(program_id) if store is not None else []
    if not found:
        known = ", ".join(store.history()) if store is not None else ""
        raise CannotCompare(
            _("no published program {program}; published: {programs}").format(
                program=repr(program_id), programs=known or _("(none)")
            )
        )
    return found


def between(store: Store | None, program_id: str, older: int | None, newer: int | None) -> Comparison:
    """Version `older` against `newer` of a published program. By default `newer` is the live version and `older`
    the one it replaced (the latest older version not withdrawn). Neither may be withdrawn; `older` is older."""
    versions = published_versions(store, program_id)
    by_number = {version.number: version for version in versions}

    def chosen(number: int, option: str) -> Version:
        version = by_number.get(number)
        if version is None:
            numbers = ", ".join(str(n) for n in sorted(by_number))
            raise CannotCompare(
                _("{option} {number}: no version {number} of {program}; its versions: {numbers}").format(
                    option=option, number=number, program=repr(program_id), numbers=numbers
                )
            )
        if version.withdrawn:
            kept = ", ".join(str(v.number) for v in sorted(versions, key=lambda v: v.number) if not v.withdrawn)
            raise CannotCompare(
                _(
                    "{option} {number}: version {number} of {program} was withdrawn; its versions not withdrawn: "
                    "{numbers}"
                ).format(option=option, number=number, program=repr(program_id), numbers=kept or _("(none)"))
            )
        return version

    if older is not None and newer is not None and older >= newer:
        raise CannotCompare(_("--from {older} must be older than --to {newer}").format(older=older, newer=newer))
    if newer is None:
        target = next((version for version in versions if not version.withdrawn), None)
        if target is None:
            raise CannotCompare(
                _("no version of {program} is published now: every one was withdrawn").format(program=repr(program_id))
            )
        if older is not None and older >= target.number:
            raise CannotCompare(
                _("--from {older} must be older than the live version, {live}").format(older=older, live=target.number)
            )
    else:
        target = chosen(newer, "--to")
    base = chosen(older, "--from") if older is not None else replaced(versions, target.number)
    return versions_compared(store, program_id, base, target)


def moment_title(step: Step) -> str:
    """'Version 2 published', 'Version 3 withdrawn: version 2 is shown again', 'Version 1 withdrawn: nothing is
    published'."""
    moment = step.moment
    if not moment.withdrawal:
        return _("Version {number} published").format(number=moment.cause)
    if moment.number is None:
        return _("Version {number} withdrawn: nothing is published").format(number=moment.cause)
    return _("Version {number} withdrawn: version {shown} is shown again").format(
        number=moment.cause, shown=moment.number
    )


def moment_summary(step: Step, first: bool) -> str:
    """What the moment did to the sessions: 'moves 1 session, cancels 1', or how many the first version holds."""
    if first and step.program is not None:
        count = len(step.program.sessions)
        return visitors.ngettext(
            "the first version, {count} session", "the first version, {count} sessions", count
        ).format(count=count)
    if step.program is None:
        return _("no session is shown any more")
    return summary(step.changes)


def moment_record(step: Step, first: bool, notes: dict[int, str]) -> dict:
    """One moment of `kizuna changes --all --json`."""
    moment = step.moment
    return {
        "at": moment.at.isoformat(),
        "event": "withdrawn" if moment.withdrawal else "published",
        "version": moment.cause,
        "shown": moment.number,
        "note": notes.get(moment.cause, ""),
        "first": first,
        "summary": moment_summary(step, first),
        "counts": {} if first else counts(step.changes),
        "changes": [] if first else [change_record(change) for change in step.changes],
    }
