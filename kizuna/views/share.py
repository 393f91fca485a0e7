"""Share links: the whole view lives in the query string, with the CLI's option names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit, urlunsplit

from kizuna.i18n import LANGUAGES, language_name, language_tag, visitors
from kizuna.program.filtering import OPTION_FACETS, Filter, parse_filter
from kizuna.program.model import LOGISTICS_KINDS, Program
from kizuna.program.text import listed, shortened

_ = visitors.gettext

QUERY_KEYS = OPTION_FACETS  # each narrows the view, as the same option does on the command line
OPEN_SESSION_KEY = "session"  # the session whose card is open; it does not narrow the view (the CLI has no cards)
LAYERS_KEY = "show"  # what else the page shows: show=home (a map layer), show=changes (the What changed view)
PROGRAM_KEY = "program"  # a program of the directory by id; absent: the default program, so older links still work
VERSION_KEY = "version"  # a published program's version, by number: pins it; absent: its live version
LANGUAGE_KEY = "lang"  # the page's language, a BCP 47 tag; absent: the browser's, so a link opens in its reader's
LAYERS = ("home", "changes")
MAX_VALUES = 50  # per key: a link with more is hostile or broken
MAX_LENGTH = 100  # per value


@dataclass(frozen=True)
class View:
    """What a share link restores: the filter, the open session, and what was dropped from the link."""

    filter: Filter = Filter()
    open_session: str | None = None  # the id of the session whose card is open
    show_home: bool = False
    program: str | None = None  # the link's program key (`program_key`); None: the default program
    version: int | None = None  # a pinned version of a published program; None: its live version
    show_changes: bool = False  # the What changed view is open
    lang: str | None = None  # the language chosen (`kizuna.i18n.LANGUAGES`); None: the browser's decides
    notices: tuple[str, ...] = field(default=(), compare=False)


def listing(values: Sequence[str]) -> str:
    """At most five values, each cut short: a notice never echoes a hostile link whole."""
    shown = listed(shortened(value) for value in values[:5])
    if len(values) <= 5:
        return shown
    more = len(values) - 5
    # Translators: a list of values cut short: "'a', 'b', 'c', 'd', 'e' and 995 more"
    return visitors.ngettext("{values} and {count} more", "{values} and {count} more", more).format(
        values=shown, count=more
    )


def link_program(params: Mapping[str, Sequence[str]], known: Sequence[str], default: str) -> str:
    """The id of the program a link opens: its `program` when the dashboard has that program, else the default."""
    asked = [value for value in params.get(PROGRAM_KEY, []) if value]
    return asked[0] if asked and asked[0] in known else default


def program_notices(program: Program, asked: Sequence[str]) -> list[str]:
    """What `link_program` left aside: a program the dashboard does not have (the default opened instead)."""
    if asked and asked[0] != program.id:
        notice = _("The program in the link, {asked}, is not on this dashboard; showing {title}.")
        return [notice.format(asked=shortened(asked[0]), title=program.title)]
    if len(asked) > 1:
        return [_("Ignored more programs in the link: {values}.").format(values=listing(asked[1:]))]
    return []


def link_version(params: Mapping[str, Sequence[str]], program_id: str) -> int | None:
    """The version a link pins: its first `version`, a whole number from 1, when the link opens that program (it
    names it, or names none and it is the default); None: the live version."""
    asked = [value for value in params.get(VERSION_KEY, []) if value]
    named = [value for value in params.get(PROGRAM_KEY, []) if value]
    if not asked or (named and named[0] != program_id):
        return None
    value = asked[0]
    return int(value) if value.isascii() and value.isdigit() and 0 < len(value) <= 9 and int(value) > 0 else None


def version_notices(
    params: Mapping[str, Sequence[str]], program: Program, live: int | None, pinned: int | None, withdrawn: bool
) -> list[str]:
    """What became of a link's `version` that is not shown: not a number, withdrawn or unknown (the live version, the
    latest not withdrawn, is shown instead), or a program that has no versions. `live` is None for a program of the
    directory."""
    asked = [value for value in params.get(VERSION_KEY, []) if value]
    named = [value for value in params.get(PROGRAM_KEY, []) if value]
    if not asked or pinned is not None or (named and named[0] != program.id):
        return []  # shown, or asked of another program (whose notice says it is not on this dashboard)
    number = link_version(params, program.id)
    if number is None:
        notice = _("Ignored the version in the link, {asked}: a version is a number from 1.")
        return [notice.format(asked=shortened(asked[0]))]
    if live is None:
        notice = _("{title} has no published versions; ignored version {number} in the link.")
        return [notice.format(title=program.title, number=number)]
    if withdrawn:
        notice = _("Version {number} of {title} was withdrawn; showing the latest, version {live}.")
    else:
        notice = _("Version {number} of {title} does not exist; showing the latest, version {live}.")
    return [notice.format(number=number, title=program.title, live=live)]


def link_language(params: Mapping[str, Sequence[str]]) -> str | None:
    """The language a link asks for, as Kizuna names it ('zh-Hans' → 'zh'), or None: none asked for, or one Kizuna
    does not speak (`read_view` says so)."""
    asked = [value for value in params.get(LANGUAGE_KEY, []) if value]
    return language_tag(asked[0][:MAX_LENGTH]) if asked else None


def language_notices(asked: Sequence[str]) -> list[str]:
    """What `link_language` left aside: a tag Kizuna has no catalogue for, or more than one language."""
    if asked and language_tag(asked[0]) is None:
        notice = _("Ignored the language in the link, {asked}: this page speaks {languages}.")
        return [notice.format(asked=shortened(asked[0]), languages=listed(map(language_name, LANGUAGES)))]
    if len(asked) > 1:
        return [_("Ignored more languages in the link: {values}.").format(values=listing(asked[1:]))]
    return []


def read_view(
    program: Program,
    params: Mapping[str, Sequence[str]],
    default_program: str | None = None,
    version: int | None = None,
    notices: Sequence[str] = (),
) -> View:
    """Parse query params; what is unknown is dropped with one notice per kind of problem, the rest applies.

    `program` is the one `link_program` chose; `default_program` the id of the one a link without the key opens
    (None: none does); `version` the version of it shown pinned, if any, and `notices` what became of the link's
    version otherwise (both decided before the program was read: `link_version`, `version_notices`)."""
    found: list[str] = []
    raw: dict[str, list[str]] = {}
    own_keys = (OPEN_SESSION_KEY, LAYERS_KEY, PROGRAM_KEY, VERSION_KEY, LANGUAGE_KEY)
    unknown_keys = [key for key in params if key not in QUERY_KEYS and key not in own_keys]
    if unknown_keys:
        found.append(_("Ignored unknown link options: {values}.").format(values=listing(unknown_keys)))
    for key, values in params.items():
        if key in unknown_keys:
            continue
        if not all(values):
            found.append(_("Ignored empty values for {key}.").format(key=repr(key)))
        values = [value for value in values if value]
        if len(values) > MAX_VALUES:
            notice = _("Used the first {limit} of {count} values for {key}.")
            found.append(notice.format(limit=MAX_VALUES, count=len(values), key=repr(key)))
            values = values[:MAX_VALUES]
        raw[key] = [value[:MAX_LENGTH] for value in values]
    facets = {QUERY_KEYS[key]: list(dict.fromkeys(values)) for key, values in raw.items() if key in QUERY_KEYS}
    view_filter, rejected = parse_filter(program, **facets)
    key_of = {facet: key for key, facet in QUERY_KEYS.items()}
    for facet, bad in rejected.items():
        # Translators: {key} is a link's option name, as in the address: theme, city, day, kind or id
        notice = _("Ignored unknown {key} value(s) in the link: {values}.")
        found.append(notice.format(key=key_of[facet], values=listing(bad)))
    asked = raw.get(OPEN_SESSION_KEY, [])
    known = [value for value in asked if value in program.sessions_by_id]
    missing = [value for value in asked if value not in program.sessions_by_id]
    if missing:
        found.append(_("Sessions in the link that are not in this program: {values}.").format(values=listing(missing)))
    layers = raw.get(LAYERS_KEY, [])
    if set(layers) - set(LAYERS):
        unknown = listing([v for v in layers if v not in LAYERS])
        found.append(_("Ignored unknown views in the link: {values}.").format(values=unknown))
    found += language_notices(raw.get(LANGUAGE_KEY, []))
    found[:0] = [*program_notices(program, raw.get(PROGRAM_KEY, [])), *notices]
    return View(
        view_filter,
        open_session=known[0] if known else None,
        show_home="home" in layers,
        program=program_key(program.id, default_program, version),
        version=version,
        show_changes="changes" in layers,
        lang=link_language(raw),
        notices=tuple(found),
    )


def program_key(program_id: str, default_program: str | None, version: int | None) -> str | None:
    """The `program` a link writes: none for the default program, unless a version is pinned (a version number
    means nothing without its program, and the default may be another program tomorrow). With no default program
    (None), as for an upload's preview, the link names its program."""
    return None if program_id == default_program and version is None else program_id


def view_query(view: View) -> dict[str, list[str]]:
    """The query params of a view, sorted so equal views give equal links."""
    query: dict[str, list[str]] = {PROGRAM_KEY: [view.program]} if view.program else {}
    if view.version is not None:
        query[VERSION_KEY] = [str(view.version)]
    for key, facet in QUERY_KEYS.items():
        values = sorted(str(value) for value in getattr(view.filter, facet))
        if values:
            query[key] = values
    if view.open_session:
        query[OPEN_SESSION_KEY] = [view.open_session]
    shown = [name for name, on in (("changes", view.show_changes), ("home", view.show_home)) if on]
    if shown:
        query[LAYERS_KEY] = shown
    if view.lang:
        query[LANGUAGE_KEY] = [view.lang]
    return query


def share_url(base: str, view: View) -> str:
    query = urlencode(view_query(view), doseq=True)
    root = app_address(base)
    return f"{root}?{query}" if query else root


def app_address(base: str) -> str:
    """The dashboard's address as every link starts it: no query or fragment, the path ending in '/'
    (`https://host/kizuna` and `https://host/kizuna/?x=1` both give `https://host/kizuna/`)."""
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + "/", "", ""))


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


ORGANISERS_PAGE = "organisers"  # the Organisers page's path: links and feeds hang from the app's root, never from it


def app_root(page_url: str) -> str:
    """The app's root address from the address of the page the visitor is on: `…/organisers` → `…/`."""
    parts = urlsplit(page_url)
    path = parts.path.rstrip("/")
    if path.rsplit("/", 1)[-1] != ORGANISERS_PAGE:
        return page_url
    return urlunsplit((parts.scheme, parts.netloc, path.removesuffix(ORGANISERS_PAGE), "", ""))
