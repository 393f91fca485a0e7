"""The agenda: the shown sessions as a day-by-day list, paged, the map's text alternative."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TypeVar

from kizuna.i18n import visitors
from kizuna.program.dates import short_moment
from kizuna.program.model import Program, Session
from kizuna.program.text import kind_label

PAGE_SIZE = 40
Item = TypeVar("Item")


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    """Pages needed for `total` entries; an empty list still has its one (empty) page."""
    return max(1, -(-total // size))


def page_of(items: Sequence[Item], page: int, size: int = PAGE_SIZE) -> Sequence[Item]:
    """The entries of page `page` (1-based), clamped to the pages that exist."""
    page = min(max(page, 1), page_count(len(items), size))
    return items[(page - 1) * size : page * size]


def by_day(sessions: Sequence[Session]) -> list[tuple[date, list[Session]]]:
    """Consecutive sessions grouped under their day, in the order given."""
    days: list[tuple[date, list[Session]]] = []
    for session in sessions:
        if not days or days[-1][0] != session.date:
            days.append((session.date, []))
        days[-1][1].append(session)
    return days


def entry_details(program: Program, session: Session) -> str:
    """'Tue 17 Dec · Tokyo · JNTO head office · visit': the line under an agenda entry."""
    parts = [short_moment(session.date, session.start), program.cities[session.city].name]
    parts += [program.venues[session.venue_id].name, kind_label(session.kind)]
    if session.status == "cancelled":
        # Translators: a cancelled session, at the end of its line in the agenda (ja 中止).
        parts.append(visitors.gettext("cancelled"))
    return " · ".join(parts)
