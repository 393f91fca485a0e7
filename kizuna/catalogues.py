"""Keeping the catalogues: which sources each domain's strings come from, extracting them, updating every language's
catalogue, and what a catalogue still lacks. `scripts/translations` runs it; the tests use `lacking` to fail on an
empty, fuzzy or missing entry. This is Babel's `pybabel extract` and `update` through its API, with the domains'
sources kept here rather than in two mapping files.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po, write_po

from kizuna.i18n import CATALOGUES, CLDR, DOMAINS, TRANSLATIONS, catalogue_path

ROOT = Path(__file__).resolve().parent.parent
# Each module's strings belong to one domain: `visitors` if a participant can read them, else `organisers`.
SOURCES = {
    "visitors": (
        "kizuna_app/page.py",
        "kizuna_app/navigation.py",
        "kizuna_app/served_feeds.py",
        "kizuna/program/*.py",
        "kizuna/views/*.py",
        "kizuna/calendars/*.py",
        "kizuna/printing/*.py",
        "kizuna/publishing/comparing.py",
        "kizuna/publishing/published.py",
    ),
    "organisers": (
        "kizuna_app/organisers.py",
        "kizuna/checks/*.py",
        "kizuna/cli.py",
        "kizuna/config.py",
        "kizuna/publishing/auth.py",
        "kizuna/publishing/history.py",
        "kizuna/publishing/programs.py",
        "kizuna/publishing/store.py",
        "kizuna/publishing/uploads.py",
    ),
}
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
HEADER = "Kizuna's interface"


def sources(domain: str) -> Iterator[Path]:
    for pattern in SOURCES[domain]:
        yield from sorted(ROOT.glob(pattern))


def extract(domain: str) -> Catalog:
    """Every string marked for translation in the domain's sources, with where it is used."""
    template = Catalog(project="Kizuna", domain=domain, header_comment=f"# {HEADER}: the {domain}' strings.")
    for path in sources(domain):
        for line, message, comments, context in extract_from_file(
            "python", path, keywords=KEYWORDS, comment_tags=("Translators:",)
        ):
            template.add(
                message, locations=[(path.relative_to(ROOT).as_posix(), line)], auto_comments=comments, context=context
            )
    return template


def template_path(domain: str) -> Path:
    return TRANSLATIONS / f"{domain}.pot"


def update() -> list[str]:
    """Write each domain's template and bring every shipped catalogue in line with it: new strings added empty,
    strings no longer used dropped, translations kept. Returns what each catalogue lacks afterwards."""
    report = []
    for domain in DOMAINS:
        template = extract(domain)
        write(template_path(domain), template)
        for lang, domains in CATALOGUES.items():
            if domain not in domains:
                continue
            path = catalogue_path(lang, domain)
            if path.exists():
                with path.open("rb") as file:
                    messages = read_po(file, locale=CLDR[lang], domain=domain)
                messages.update(template, no_fuzzy_matching=True, update_header_comment=True)
                messages.obsolete.clear()
            else:
                messages = Catalog(locale=CLDR[lang], domain=domain, project="Kizuna")
                messages.update(template, no_fuzzy_matching=True, update_header_comment=True)
            write(path, messages)
            report += [f"{path.relative_to(ROOT)}: {lack}" for lack in lacking(lang, domain)]
    return report


def write(path: Path, messages: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, messages, width=120, omit_header=False, include_previous=False)


def lacking(lang: str, domain: str) -> list[str]:
    """What a shipped catalogue lacks: each string of the sources it has no translation for, or only a fuzzy one."""
    with catalogue_path(lang, domain).open("rb") as file:
        messages = read_po(file, locale=CLDR[lang], domain=domain)
    found = []
    for message in extract(domain):
        if not message.id:
            continue
        entry = messages.get(message.id, message.context)
        key = message.id if isinstance(message.id, str) else message.id[0]
        if entry is None:
            found.append(f"missing: {key!r}")
        elif entry.fuzzy:
            found.append(f"fuzzy: {key!r}")
        elif not (all(entry.string) if isinstance(entry.string, tuple | list) else entry.string):
            found.append(f"empty: {key!r}")
    return found
