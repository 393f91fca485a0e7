"""The program as typed, immutable objects shared by the CLI, the dashboard and the tests."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property
from types import MappingProxyType

from kizuna.i18n import visitors

_ = visitors.gettext

KINDS = (
    "arrival",
    "lecture",
    "visit",
    "briefing",
    "courtesy-call",
    "exchange",
    "transfer",
    "overnight",
    "departure",
)
LOGISTICS_KINDS = frozenset({"arrival", "transfer", "overnight", "departure"})

# How far the true place may be from the point, in metres (see data/README.md).
PRECISION_RADIUS_M = {"exact": 100, "approximate": 500, "district": 3_000, "city": 10_000}
PRECISIONS = tuple(PRECISION_RADIUS_M)


def within(precision: str) -> str:
    """How far the map point may be from the place, in words: 'within about 500 m', 'within about 3 km'."""
    metres = PRECISION_RADIUS_M[precision]
    if metres >= 1000:
        return _("within about {km} km").format(km=f"{metres // 1000:g}")
    return _("within about {metres} m").format(metres=metres)


class Translations(Mapping[str, Mapping[str, str]]):
    """An item's texts in other languages: language → field → text (`{"ja": {"title": "…"}}`), only those given.
    Immutable and hashable, like the records that hold it."""

    __slots__ = ("hashed", "texts")

    def __init__(self, texts: Mapping[str, Mapping[str, str]] | None = None) -> None:
        given = {lang: {name: text for name, text in fields.items() if text} for lang, fields in (texts or {}).items()}
        self.texts = {lang: MappingProxyType(fields) for lang, fields in given.items() if fields}
        self.hashed: int | None = None

    def __getitem__(self, lang: str) -> Mapping[str, str]:
        return self.texts[lang]

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts)

    def __len__(self) -> int:
        return len(self.texts)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Translations):
            return self.texts == other.texts
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __hash__(self) -> int:
        if self.hashed is None:
            self.hashed = hash(frozenset((lang, frozenset(fields.items())) for lang, fields in self.texts.items()))
        return self.hashed

    def __reduce__(self) -> tuple:
        return Translations, ({lang: dict(fields) for lang, fields in self.texts.items()},)

    def __repr__(self) -> str:
        return f"Translations({ {lang: dict(fields) for lang, fields in self.texts.items()}!r})"


NO_TRANSLATIONS = Translations()

CONFIDENCES = ("high", "medium", "low")
STATUSES = ("confirmed", "cancelled")
THEME_GROUPS = ("seminar", "topic")


@dataclass(frozen=True, slots=True)
class Theme:
    slug: str
    label: str
    colour: str
    group: str
    description: str = ""
    translations: Translations = NO_TRANSLATIONS


@dataclass(frozen=True, slots=True)
class City:
    slug: str
    name: str
    name_ja: str
    prefecture: str
    lat: float
    lon: float
    translations: Translations = NO_TRANSLATIONS  # `name_ja` is the Japanese name, given here too


@dataclass(frozen=True, slots=True)
class Venue:
    id: str
    name: str
    name_ja: str
    address: str
    city: str
    lat: float
    lon: float
    precision: str
    confidence: str
    source: str
    note: str = ""
    address_ja: str = ""  # the address as a driver in Japan reads it
    translations: Translations = NO_TRANSLATIONS  # `name_ja` is the Japanese name, given here too

    @property
    def radius_m(self) -> int:
        return PRECISION_RADIUS_M[self.precision]


@dataclass(frozen=True, slots=True)
class Country:
    country: str
    capital: str
    lat: float
    lon: float
    timezone: str
    translations: Translations = NO_TRANSLATIONS


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    date: date
    city: str
    venue_id: str
    title: str
    kind: str
    themes: tuple[str, ...]
    order: int
    status: str = "confirmed"
    revision: int = 0
    description: str = ""
    start: time | None = None
    end: time | None = None
    to_city: str | None = None
    # Set by the store for a published program (kizuna.publishing.history), None in a programs directory: when the
    # version that last changed this session was published (the calendar's LAST-MODIFIED).
    modified: datetime | None = None
    translations: Translations = NO_TRANSLATIONS

    @property
    def is_logistics(self) -> bool:
        return self.kind in LOGISTICS_KINDS

    @property
    def is_route(self) -> bool:
        """A transfer: a line between two cities on the map, not a place one can go to."""
        return self.kind == "transfer"


def ordered(sessions: Iterable[Session]) -> tuple[Session, ...]:
    """Sessions day by day, each day as the organiser wrote it: timed ones by start time (then `order`, id); an
    untimed one after every session that comes before it in `order` (then id), as early as that allows. So untimed
    sessions keep their `order` among themselves, a day whose times agree with `order` is in `order`, and a day with
    no untimed (or no timed) session is by start time (or by `order`) as before."""
    days: dict[date, list[Session]] = {}
    for session in sessions:
        days.setdefault(session.date, []).append(session)
    return tuple(session for day in sorted(days) for session in day_order(days[day]))


def day_order(sessions: Sequence[Session]) -> list[Session]:
    """One day's sessions in the order `ordered` gives."""
    timed = sorted((s for s in sessions if s.start is not None), key=lambda s: (s.start, s.order, s.id))
    rank = {session: n for n, session in enumerate(timed, 1)}
    after: list[list[Session]] = [[] for _ in range(len(timed) + 1)]  # untimed sessions after the first n timed
    reached = 0
    for session in sorted(sessions, key=lambda s: (s.order, s.id)):
        if session.start is None:
            after[reached].append(session)
        else:
            reached = max(reached, rank[session])
    return [*after[0], *(s for n, timed_session in enumerate(timed, 1) for s in (timed_session, *after[n]))]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one loaded program, cached per version
class Program:
    id: str
    title: str
    short_title: str
    start_date: date
    end_date: date
    timezone: str
    organiser: str
    updated: datetime
    summary: str
    source: str
    themes: dict[str, Theme] = field(default_factory=dict)
    cities: dict[str, City] = field(default_factory=dict)
    venues: dict[str, Venue] = field(default_factory=dict)
    sessions: tuple[Session, ...] = ()
    countries: tuple[Country, ...] = ()
    # The languages its texts are written in, the program's own first: the base columns are in it, `translations`
    # (here and on each item) in the others. `kizuna.program.languages.in_language` makes the program as a reader of
    # one language reads it: `translated_to` that language, `untranslated` the program as loaded.
    languages: tuple[str, ...] = ("en",)
    translations: Translations = NO_TRANSLATIONS
    translated_to: str = ""
    untranslated: Program | None = field(default=None, repr=False)

    @cached_property
    def in_languages(self) -> dict[str, Program]:
        """`kizuna.program.languages.in_language`'s cache: this program as read in each language."""
        return {}

    @cached_property
    def sessions_by_id(self) -> dict[str, Session]:
        return {session.id: session for session in self.sessions}

    @property
    def days(self) -> list[date]:
        """Every day of the program, first to last."""
        return [date.fromordinal(n) for n in range(self.start_date.toordinal(), self.end_date.toordinal() + 1)]

    @cached_property
    def kinds(self) -> tuple[str, ...]:
        used = {session.kind for session in self.sessions}
        return tuple(kind for kind in KINDS if kind in used)
