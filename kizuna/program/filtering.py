"""One filter object drives the map, timeline, agenda, downloads, share links and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from kizuna.i18n import visitors
from kizuna.program.dates import day_month
from kizuna.program.model import Program, Session
from kizuna.program.text import kind_label

FACETS = ("themes", "cities", "days", "kinds", "sessions")
# The CLI's option names (--theme …), also the share links' query keys, and the facet each one sets.
OPTION_FACETS = {"theme": "themes", "city": "cities", "day": "days", "kind": "kinds", "id": "sessions"}


@dataclass(frozen=True)
class Filter:
    """OR within a facet, AND across facets; an empty facet means all."""

    themes: frozenset[str] = frozenset()
    cities: frozenset[str] = frozenset()
    days: frozenset[date] = frozenset()
    kinds: frozenset[str] = frozenset()
    sessions: frozenset[str] = frozenset()

    @classmethod
    def of(cls, **facets: object) -> Filter:
        """Build from any iterables, e.g. ``Filter.of(themes=["multiculturalism"])``."""
        return cls(**{name: frozenset(values) for name, values in facets.items()})

    def matches(self, session: Session) -> bool:
        return (
            (not self.themes or not self.themes.isdisjoint(session.themes))
            and (not self.cities or session.city in self.cities or session.to_city in self.cities)
            and (not self.days or session.date in self.days)
            and (not self.kinds or session.kind in self.kinds)
            and (not self.sessions or session.id in self.sessions)
        )

    def apply(self, program: Program) -> list[Session]:
        """The matching sessions in program order."""
        if self.is_empty:
            return list(program.sessions)
        return [session for session in program.sessions if self.matches(session)]

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, facet) for facet in FACETS)

    def replace(self, **facets: object) -> Filter:
        return Filter.of(**{facet.name: getattr(self, facet.name) for facet in fields(self)} | facets)


def valid_values(program: Program) -> dict[str, list[str]]:
    """Every value each facet accepts, as text (what the CLI and share links take)."""
    return {
        "themes": list(program.themes),
        "cities": list(program.cities),
        "days": [day.isoformat() for day in program.days],
        "kinds": list(program.kinds),
        "sessions": [session.id for session in program.sessions],
    }


def parse_filter(program: Program, **raw: list[str]) -> tuple[Filter, dict[str, list[str]]]:
    """Keep the values the program knows; return the rest per facet so callers can report them."""
    allowed = valid_values(program)
    kept: dict[str, list] = {}
    rejected: dict[str, list[str]] = {}
    for facet, values in raw.items():
        good = [value for value in values if value in allowed[facet]]
        bad = [value for value in values if value not in allowed[facet]]
        kept[facet] = [date.fromisoformat(value) for value in good] if facet == "days" else good
        if bad:
            rejected[facet] = bad
    return Filter.of(**kept), rejected


def describe(program: Program, view_filter: Filter) -> str:
    """A short human label for the filter, e.g. 'Tourism Promotion · Shimonoseki', in the reader's language (days and
    kinds; the names are the program's)."""
    titles = {s.id: s.title for s in program.sessions if s.id in view_filter.sessions} if view_filter.sessions else {}
    parts = [
        " + ".join(program.themes[slug].label for slug in sorted(view_filter.themes)),
        " + ".join(program.cities[slug].name for slug in sorted(view_filter.cities)),
        " + ".join(day_month(day, short=True) for day in sorted(view_filter.days)),
        " + ".join(kind_label(kind) for kind in sorted(view_filter.kinds)),
        " + ".join(titles.get(i, i) for i in sorted(view_filter.sessions)),
    ]
    return " · ".join(part for part in parts if part)


def shown_of(shown: int, total: int) -> str:
    """'5 of 19 sessions' ('セッション19件中5件'): how many sessions a view shows of the program's."""
    # Translators: how many sessions the view shows of the program's; the plural follows {total}.
    return visitors.ngettext("{shown} of {total} session", "{shown} of {total} sessions", total).format(
        shown=shown, total=total
    )


def slug(program: Program, view_filter: Filter) -> str:
    """A file-name part for the filter, e.g. 'tourism-promotion-shimonoseki'."""
    parts = [*sorted(view_filter.themes), *sorted(view_filter.cities)]
    parts += [day.isoformat() for day in sorted(view_filter.days)]
    parts += [*sorted(view_filter.kinds), *sorted(view_filter.sessions)]
    name = "-".join(parts)
    return name if len(name) <= 80 else f"{name[:60]}-and-more"
