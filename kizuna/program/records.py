"""Sessions as flat records: the CLI's JSON, the agenda table and the map share these fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kizuna.program.dates import clock
from kizuna.program.model import Program, Session


def session_record(program: Program, session: Session) -> dict[str, Any]:
    venue = program.venues[session.venue_id]
    return {
        "id": session.id,
        "title": session.title,
        "date": session.date.isoformat(),
        "start": clock(session.start) if session.start else None,
        "end": clock(session.end) if session.end else None,
        "city": session.city,
        "to_city": session.to_city,
        "kind": session.kind,
        "themes": list(session.themes),
        "venue_id": venue.id,
        "venue": venue.name,
        "venue_ja": venue.name_ja,
        "address": venue.address,
        "address_ja": venue.address_ja,
        "lat": venue.lat,
        "lon": venue.lon,
        "precision": venue.precision,
        "confidence": venue.confidence,
        "order": session.order,
        "status": session.status,
        "revision": session.revision,
        "description": session.description,
    }


def session_records(program: Program, sessions: Iterable[Session]) -> list[dict[str, Any]]:
    return [session_record(program, session) for session in sessions]


RECORD_FIELDS = [
    "id",
    "title",
    "date",
    "start",
    "end",
    "city",
    "to_city",
    "kind",
    "themes",
    "venue_id",
    "venue",
    "venue_ja",
    "address",
    "address_ja",
    "lat",
    "lon",
    "precision",
    "confidence",
    "order",
    "status",
    "revision",
    "description",
]
