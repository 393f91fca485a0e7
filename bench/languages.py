"""The dashboard in Japanese against the same in English: a new visitor's first render and a filter rerun.

Both open the 2019 program from its folder, taking turns in one process (bench/programs.py), so the difference is
what the catalogues, the CLDR dates and the program's translations cost; `lang=ja` in the link chooses Japanese.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from unittest.mock import patch

from bench.programs import taking_turns
from kizuna import i18n
from kizuna.config import STATIC_DIR_ENV
from kizuna.publishing.programs import PROGRAM_ENV, PROGRAMS_ENV, list_programs, write_feeds_of

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def speaking(query: Mapping[str, str], static: Path) -> Iterator[Mapping[str, str]]:
    """The 2019 program, opened by a link with `query`; AppTest words the widgets' options in this thread, so it
    speaks the link's language too."""
    settings = {PROGRAM_ENV: str(ROOT / "data" / "2019"), STATIC_DIR_ENV: str(static)}
    with patch.dict(os.environ, settings), i18n.speaking(query.get("lang", i18n.SOURCE)):
        os.environ.pop(PROGRAMS_ENV, None)
        yield query


def figures(reruns: int, rounds: int, tmp: Path) -> dict[str, float]:
    """Medians in English and in Japanese, and the seconds the Japanese catalogues take to read, once per process."""
    static = tmp / "static"
    write_feeds_of(list_programs(ROOT / "data"), static, None)
    i18n.catalogue.cache_clear()
    began = time.perf_counter()
    for domain in i18n.CATALOGUES["ja"]:
        i18n.catalogue("ja", domain)
    catalogues = time.perf_counter() - began
    setups = {"en": partial(speaking, {}, static), "ja": partial(speaking, {"lang": "ja"}, static)}
    first, rerun = taking_turns(setups, rounds, reruns)
    median = statistics.median
    return {
        "first en": median(first["en"]),
        "first ja": median(first["ja"]),
        "rerun en": median(rerun["en"]),
        "rerun ja": median(rerun["ja"]),
        "catalogues": catalogues,
    }
