"""Synthetic program folders of any size, written as real CSV files and read back by the same loader."""

from __future__ import annotations

import csv
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

from kizuna.checks.loading import SCHEMA
from kizuna.program.model import KINDS, LOGISTICS_KINDS

BASE = Path(__file__).resolve().parent.parent / "data" / "2019"
CITIES = [("tokyo", 35.6812, 139.7671), ("shimonoseki", 33.9579, 130.9413), ("osaka", 34.6937, 135.5023)]
CITIES += [("fukuoka", 33.5902, 130.4017), ("sapporo", 43.0618, 141.3545), ("naha", 26.2124, 127.6809)]
PRECISIONS = ["exact", "approximate", "district", "city"]
WORDS = [
    "tourism",
    "market",
    "bridge",
    "harbour",
    "museum",
    "garden",
    "council",
    "plaza",
    "centre",
    "office",
    "school",
    "temple",
    "castle",
]


def write_csv(path: Path, rows: list[dict]) -> None:
    columns = [column.name for column in SCHEMA[path.name]]
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, columns)
        writer.writeheader()
        writer.writerows(rows)


def write_program(folder: Path, sessions: int, seed: int = 2019) -> Path:
    """A program of `sessions` sessions over ~sessions/150 days, 40% timed, on many venues and all themes."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(BASE / "themes.csv", folder / "themes.csv")
    shutil.copy(BASE / "countries.csv", folder / "countries.csv")
    themes = [row["slug"] for row in csv.DictReader((BASE / "themes.csv").open(encoding="utf-8"))]
    days = max(7, sessions // 150)
    first = date(2030, 1, 6)
    write_csv(
        folder / "program.csv",
        [
            {
                "id": f"synthetic-{sessions}",
                "title": f"Synthetic program of {sessions} sessions",
                "start_date": first.isoformat(),
                "end_date": (first + timedelta(days=days - 1)).isoformat(),
                "timezone": "Asia/Tokyo",
                "organiser": "Benchmark",
                "updated": "2030-01-01T00:00:00Z",
                "summary": "Generated for benchmarks.",
                "source": "bench/synthetic.py",
                "languages": "en ja",  # the 2019 themes and countries it copies carry Japanese
            }
        ],
    )
    write_csv(
        folder / "cities.csv",
        [{"slug": s, "name": s.title(), "name_ja": "", "prefecture": "", "lat": la, "lon": lo} for s, la, lo in CITIES],
    )
    venues = []
    for index in range(max(10, min(400, sessions // 25))):
        slug, lat, lon = CITIES[index % len(CITIES)]
        venues.append(
            {
                "id": f"venue-{index}",
                "name": f"{rng.choice(WORDS).title()} {index}",
                "name_ja": "会場",
                "address": f"{index} Example Street, {slug.title()}",
                "city": slug,
                "lat": round(lat + rng.uniform(-0.2, 0.2), 5),
                "lon": round(lon + rng.uniform(-0.2, 0.2), 5),
                "precision": rng.choice(PRECISIONS),
                "confidence": rng.choice(["high", "medium", "low"]),
                "source": "synthetic",
                "note": "",
            }
        )
    write_csv(folder / "venues.csv", venues)
    rows = []
    for index in range(sessions):
        venue = rng.choice(venues)
        kind = rng.choice([k for k in KINDS if k != "transfer"])
        timed = rng.random() < 0.4
        hour = rng.randint(8, 17)
        rows.append(
            {
                "id": f"session-{index}",
                "date": (first + timedelta(days=rng.randrange(days))).isoformat(),
                "start": f"{hour:02d}:00" if timed else "",
                "end": f"{hour + 1:02d}:30" if timed else "",
                "city": venue["city"],
                "to_city": "",
                "venue": venue["id"],
                "title": f"{kind.replace('-', ' ').title()}: {rng.choice(WORDS)} {index}",
                "description": f"Session {index}, generated; it has a longer description, like real ones do.",
                "kind": kind,
                "themes": "" if kind in LOGISTICS_KINDS else ";".join(rng.sample(themes, rng.randint(1, 2))),
                "order": index % 10 + 1,
                "status": "cancelled" if rng.random() < 0.03 else "confirmed",
                "revision": rng.randint(0, 3),
            }
        )
    write_csv(folder / "sessions.csv", rows)
    return folder
