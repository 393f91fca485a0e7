"""What changed between two versions of a program, session by session: computed, never typed by the organiser.

A session is compared by its id on what a participant acts on: when (date, time), where (city, venue), what
(title, description, themes, kind) and whether it takes place (status). The organiser's `revision` and `order` are
bookkeeping, not news, and are left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter

from kizuna.i18n import N_, SOURCE, language, visitors
from kizuna.program.dates import long_day, time_span
from kizuna.program.model import Program, Session
from kizuna.program.text import kind_label, listed

_ = visitors.gettext

ADDED, REMOVED, CANCELLED, RESTORED, MOVED, EDITED = "added", "removed", "cancelled", "restored", "moved", "edited"
KINDS = (MOVED, CANCELLED, REMOVED, ADDED, RESTORED, EDITED)  # the order a summary names them in
WHEN_WHERE = ("date", "time", "city", "venue")  # a change of any of these moves the session
WHAT = ("title", "description", "themes", "kind")
FIELDS = (*WHEN_WHERE, *WHAT, "status")
FIELD_NAMES = {  # each of FIELDS as a reader reads it in a change ('date: Friday 20 December → …', 'Edited: title')
    "date": N_("date"),
    "time": N_("time"),
    "city": N_("city"),
    "venue": N_("venue"),
    "title": N_("title"),
    "description": N_("description"),
    "themes": N_("themes"),
    "kind": N_("kind"),
    "status": N_("status"),
}
STATUS_NAMES = {"confirmed": N_("confirmed"), "cancelled": N_("cancelled")}
HEADS = {  # a change's line begins with its kind and the session's title
    MOVED: N_("Moved: {title}"),
    CANCELLED: N_("Cancelled: {title}"),
    REMOVED: N_("Removed: {title}"),
    ADDED: N_("Added: {title}"),
    RESTORED: N_("Restored: {title}"),
    EDITED: N_("Edited: {title}"),
}
# A summary names each kind of change with its number, the first with the noun ('moves 2 sessions'), the others
# without ('cancels 1'): a whole phrase per kind, which a language words in its own order ('セッションの中止1件').
FIRST = {
    # Translators: the first part of a summary of changes: 'moves 2 sessions, cancels 1, adds 1'.
    MOVED: lambda n: visitors.ngettext("moves {count} session", "moves {count} sessions", n),
    CANCELLED: lambda n: visitors.ngettext("cancels {count} session", "cancels {count} sessions", n),
    REMOVED: lambda n: visitors.ngettext("removes {count} session", "removes {count} sessions", n),
    ADDED: lambda n: visitors.ngettext("adds {count} session", "adds {count} sessions", n),
    RESTORED: lambda n: visitors.ngettext("restores {count} session", "restores {count} sessions", n),
    EDITED: lambda n: visitors.ngettext("edits {count} session", "edits {count} sessions", n),
}
LATER = {
    # Translators: a later part of a summary of changes, its sessions named by the first: 'moves 2 sessions,
    # cancels 1, adds 1'.
    MOVED: lambda n: visitors.ngettext("moves {count}", "moves {count}", n),
    CANCELLED: lambda n: visitors.ngettext("cancels {count}", "cancels {count}", n),
    REMOVED: lambda n: visitors.ngettext("removes {count}", "removes {count}", n),
    ADDED: lambda n: visitors.ngettext("adds {count}", "adds {count}", n),
    RESTORED: lambda n: visitors.ngettext("restores {count}", "restores {count}", n),
    EDITED: lambda n: visitors.ngettext("edits {count}", "edits {count}", n),
}


@dataclass(frozen=True)
class Facts:
    """A session as a participant reads it: each compared field as the text the dashboard shows, in the language
    current when it was worded (its kind and status as the data gives them, put into words by `details`)."""

    title: str
    values: tuple[str, ...]  # in FIELDS order

    def __getitem__(self, name: str) -> str:
        return self.values[FIELDS.index(name)]


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class SessionChange:
    """One session's change between two versions; `before` is None for a new session, `after` for a removed one."""

    session_id: str
    before: Facts | None
    after: Facts | None

    @property
    def kind(self) -> str:
        if self.before is None:
            return ADDED
        if self.after is None:
            return REMOVED
        if self.after["status"] != self.before["status"]:
            return CANCELLED if self.after["status"] == "cancelled" else RESTORED
        if any(self.before[name] != self.after[name] for name in WHEN_WHERE):
            return MOVED
        return EDITED

    @property
    def title(self) -> str:
        return (self.after or self.before).title

    @property
    def fields(self) -> tuple[FieldChange, ...]:
        """The fields that differ, old → new (none for an added or removed session)."""
        if self.before is None or self.after is None:
            return ()
        pairs = zip(FIELDS, self.before.values, self.after.values, strict=True)
        return tuple(FieldChange(name, old, new) for name, old, new in pairs if old != new)


class Wording:
    """A program's sessions as Facts. Each day, time span, place and list of themes is put into words once and the
    same text shared by every session that has it: comparing 10,000 sessions makes few new strings. One Wording
    speaks one language: the current one when it is made."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.days: dict = {}
        self.spans: dict = {}
        self.places: dict = {}
        self.cities: dict = {}
        self.themes: dict = {}

    def __call__(self, session: Session) -> Facts:
        day = self.days.get(session.date) or self.days.setdefault(session.date, long_day(session.date))
        key = (session.start, session.end)
        when = self.spans.get(key)
        if when is None:
            when = self.spans[key] = time_span(session.start, session.end, missing="")
        key = (session.city, session.to_city)
        city = self.cities.get(key) or self.cities.setdefault(key, self.route(*key))
        where = self.places.get(session.venue_id)
        if where is None:
            where = self.places[session.venue_id] = self.place(session.venue_id)
        themes = self.themes.get(session.themes)
        if themes is None:
            labels = self.program.themes
            themes = self.themes[session.themes] = listed(labels[t].label if t in labels else t for t in session.themes)
        values = (day, when, city, where, session.title, session.description, themes, session.kind, session.status)
        return Facts(session.title, values)

    def place(self, venue_id: str) -> str:
        venue = self.program.venues.get(venue_id)
        if venue is None:
            return ""
        if not venue.address:
            return venue.name
        # Translators: a venue's name and its address: 'Karato Market, 5-50 Karato-cho, Shimonoseki'.
        return _("{venue}, {address}").format(venue=venue.name, address=venue.address)

    def route(self, city: str, to_city: str | None) -> str:
        cities = self.program.cities
        words = cities[city].name if city in cities else city
        if to_city:
            words += " → " + (cities[to_city].name if to_city in cities else "")
        return words


def facts(program: Program, session: Session) -> Facts:
    return Wording(program)(session)


# What `facts` reads of a session itself; what it reads through the program (venue, city and theme names) is compared
# once per program in `renamed`. Equal readings give equal facts, so only the sessions whose readings differ are put
# into words: that keeps comparing 10,000 sessions fast.
reading = attrgetter(
    "date", "start", "end", "city", "to_city", "venue_id", "title", "description", "themes", "kind", "status"
)


def renamed(old: Mapping[str, object], new: Mapping[str, object]) -> frozenset[str]:
    """The ids of a program's venues, cities or themes that differ between two versions."""
    return frozenset(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))


def compare(old: Program | None, new: Program) -> tuple[SessionChange, ...]:
    """Every session that differs between `old` and `new`, in `new`'s program order, removed ones last (in `old`'s
    order). With `old` None every session is new. Comparing a version with itself gives nothing."""
    if old is None:
        wording = Wording(new)
        return tuple(SessionChange(session.id, None, wording(session)) for session in new.sessions)
    was_worded, worded = Wording(old), Wording(new)
    previous, venues = old.sessions_by_id, renamed(old.venues, new.venues)
    cities, themes = renamed(old.cities, new.cities), renamed(old.themes, new.themes)
    kept = []
    for session in new.sessions:
        was = previous.get(session.id)
        if was is None:
            kept.append(SessionChange(session.id, None, worded(session)))
        elif (
            reading(was) != reading(session)
            or session.venue_id in venues
            or session.city in cities
            or session.to_city in cities
            or (themes and not themes.isdisjoint(session.themes))
        ):
            before, after = was_worded(was), worded(session)
            if before != after:
                kept.append(SessionChange(session.id, before, after))
    current = new.sessions_by_id
    gone = [SessionChange(s.id, was_worded(s), None) for s in old.sessions if s.id not in current]
    return (*kept, *gone)


def changes_between(
    before: Mapping[str, Facts], after: Mapping[str, Facts], new_order: Sequence[str], old_order: Sequence[str]
) -> tuple[SessionChange, ...]:
    kept = [SessionChange(i, before.get(i), after[i]) for i in new_order if before.get(i) != after[i]]
    gone = [SessionChange(i, before[i], None) for i in old_order if i not in after]
    return (*kept, *gone)


def compose(first: Iterable[SessionChange], second: Iterable[SessionChange]) -> tuple[SessionChange, ...]:
    """A→B then B→C as A→C: each session from its state before the first to its state after the second; a
    session that ends as it began drops out. Sessions keep their order in `second`, then `first`'s others."""
    earlier = {change.session_id: change for change in first}
    later = {change.session_id: change for change in second}
    composed = []
    for session_id in [*later, *(i for i in earlier if i not in later)]:
        start = earlier[session_id].before if session_id in earlier else later[session_id].before
        end = later[session_id].after if session_id in later else earlier[session_id].after
        if start != end:
            composed.append(SessionChange(session_id, start, end))
    return tuple(composed)


def counts(changes: Iterable[SessionChange]) -> dict[str, int]:
    """How many sessions each kind of change touches, in KINDS order, kinds with none left out."""
    counted = Counter(change.kind for change in changes)
    return {kind: counted[kind] for kind in KINDS if counted[kind]}


def summary(changes: Iterable[SessionChange]) -> str:
    """'moves 2 sessions, cancels 1, adds 1, edits 3', or 'changes no session'."""
    counted = counts(changes)
    if not counted:
        return _("changes no session")
    return listed(
        (FIRST if index == 0 else LATER)[kind](number).format(count=number)
        for index, (kind, number) in enumerate(counted.items())
    )


def described(change: SessionChange) -> str:
    """One line for a list of changes: 'Moved: Visit to X — date: Friday 20 December → Thursday 19 December'."""
    head = _(HEADS[change.kind]).format(title=change.title)
    if not change.fields:
        return head
    # Translators: a changed session and what changed: 'Moved: Visit to X — date: Friday 20 December → Thursday …'.
    return _("{change} — {details}").format(change=head, details=details(change))


def details(change: SessionChange) -> str:
    """The fields that differ, old → new: 'date: Friday 20 December → Thursday 19 December' ('' for none)."""
    # Translators: joins the changed fields of a session: 'date: Friday → Thursday; time: 09:30 → 10:00'.
    return listed((field_change(c) for c in change.fields), _("{items}; {item}"))


def field_change(change: FieldChange) -> str:
    """'date: Friday 20 December → Thursday 19 December', 'time: (none) → 10:00'."""
    old, new = (field_value(change.field, value) or _("(none)") for value in (change.old, change.new))
    return _("{field}: {old} → {new}").format(field=_(FIELD_NAMES[change.field]), old=old, new=new)


def field_value(field: str, value: str) -> str:
    """A compared value as the reader reads it: a status or a kind in the reader's words (English keeps the data's
    own word for a kind, 'courtesy-call', as it always has); the other fields are worded already."""
    if field == "status" and value in STATUS_NAMES:
        return _(STATUS_NAMES[value])
    if field == "kind" and value and language() != SOURCE:
        return kind_label(value)
    return value
