"""Share links: the whole view lives in the query string, with the CLI's option names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit, urlunsplit

from kizuna.filtering import OPTION_FACETS, Filter, parse_filter
from kizuna.model import LOGISTICS_KINDS, Program

QUERY_KEYS = OPTION_FACETS  # each narrows the view, as the same option does on the command line
SELECTED_KEY = "session"  # the session whose card is open; it does not narrow the view (the CLI has no cards)
LAYERS_KEY = "show"  # optional map layers, e.g. show=home
PROGRAM_KEY = "program"  # a program of the directory by id; absent: the default program, so older links still work
LAYERS = ("home",)
MAX_VALUES = 50  # per key: a link with more is hostile or broken
MAX_LENGTH = 100  # per value


@dataclass(frozen=True)
class View:
    """What a share link restores: the filter, the open session, and what was dropped from the link."""

    selection: Filter = Filter()
    selected: str | None = None
    show_home: bool = False
    program: str | None = None  # None: the default program, whose links carry no program key
    notices: tuple[str, ...] = field(default=(), compare=False)


def shorten(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "…")


def listing(values: Sequence[str]) -> str:
    """At most five values, each cut short: a notice never echoes a hostile link whole."""
    return ", ".join(shorten(value) for value in values[:5]) + (
        f" and {len(values) - 5} more" if len(values) > 5 else ""
    )


def link_program(params: Mapping[str, Sequence[str]], known: Sequence[str], default: str) -> str:
    """The id of the program a link opens: its `program` when the dashboard has that program, else the default."""
    asked = [value for value in params.get(PROGRAM_KEY, []) if value]
    return asked[0] if asked and asked[0] in known else default


def program_notices(program: Program, asked: Sequence[str]) -> list[str]:
    """What `link_program` left aside: a program the dashboard does not have (the default opened instead)."""
    if asked and asked[0] != program.id:
        return [f"The program in the link, {shorten(asked[0])}, is not on this dashboard; showing {program.title}."]
    if len(asked) > 1:
        return [f"Ignored more programs in the link: {listing(asked[1:])}."]
    return []


def read_view(program: Program, params: Mapping[str, Sequence[str]], default_program: str | None = None) -> View:
    """Parse query params; what is unknown is dropped with one notice per kind of problem, the rest applies.

    `program` is the one `link_program` chose; `default_program` the id of the one a link without the key opens."""
    notices: list[str] = []
    raw: dict[str, list[str]] = {}
    own_keys = (SELECTED_KEY, LAYERS_KEY, PROGRAM_KEY)
    unknown_keys = [key for key in params if key not in QUERY_KEYS and key not in own_keys]
    if unknown_keys:
        notices.append(f"Ignored unknown link options: {listing(unknown_keys)}.")
    for key, values in params.items():
        if key in unknown_keys:
            continue
        if not all(values):
            notices.append(f"Ignored empty values for {key!r}.")
        values = [value for value in values if value]
        if len(values) > MAX_VALUES:
            notices.append(f"Used the first {MAX_VALUES} of {len(values)} values for {key!r}.")
            values = values[:MAX_VALUES]
        raw[key] = [value[:MAX_LENGTH] for value in values]
    facets = {QUERY_KEYS[key]: list(dict.fromkeys(values)) for key, values in raw.items() if key in QUERY_KEYS}
    selection, rejected = parse_filter(program, **facets)
    key_of = {facet: key for key, facet in QUERY_KEYS.items()}
    for facet, bad in rejected.items():
        notices.append(f"Ignored unknown {key_of[facet]} value(s) in the link: {listing(bad)}.")
    chosen = raw.get(SELECTED_KEY, [])
    known = [value for value in chosen if value in program.sessions_by_id]
    missing = [value for value in chosen if value not in program.sessions_by_id]
    if missing:
        notices.append(f"Sessions in the link that are not in this program: {listing(missing)}.")
    layers = raw.get(LAYERS_KEY, [])
    if set(layers) - set(LAYERS):
        notices.append(f"Ignored unknown map layers: {listing([v for v in layers if v not in LAYERS])}.")
    notices[:0] = program_notices(program, raw.get(PROGRAM_KEY, []))
    shown = None if program.id == (default_program or program.id) else program.id
    return View(selection, known[0] if known else None, "home" in layers, shown, tuple(notices))


def view_query(view: View) -> dict[str, list[str]]:
    """The query params of a view, sorted so equal views give equal links."""
    query: dict[str, list[str]] = {PROGRAM_KEY: [view.program]} if view.program else {}
    for key, facet in QUERY_KEYS.items():
        values = sorted(str(value) for value in getattr(view.selection, facet))
        if values:
            query[key] = values
    if view.selected:
        query[SELECTED_KEY] = [view.selected]
    if view.show_home:
        query[LAYERS_KEY] = ["home"]
    return query


def share_url(base: str, view: View) -> str:
    query = urlencode(view_query(view), doseq=True)
    parts = urlsplit(base)
    base = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))
    return f"{base}?{query}" if query else base


def kinds_facet(program: Program, chosen: Sequence[str], show_logistics: bool) -> frozenset[str]:
    """The kind facet from the kinds picker and the logistics switch; the switch wins."""
    hidden = set() if show_logistics else LOGISTICS_KINDS
    kinds = (set(chosen) - hidden) or (set(program.kinds) - hidden)
    return frozenset() if kinds == set(program.kinds) else frozenset(kinds)


def kinds_widgets(program: Program, kinds: frozenset[str]) -> tuple[list[str], bool]:
    """The inverse of `kinds_facet`: what the kinds picker and the logistics switch show."""
    if not kinds:
        return [], True
    if kinds & LOGISTICS_KINDS:
        return [kind for kind in program.kinds if kind in kinds], True
    everyday = [kind for kind in program.kinds if kind not in LOGISTICS_KINDS]
    return ([] if set(everyday) == kinds else [kind for kind in everyday if kind in kinds]), False
