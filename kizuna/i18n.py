"""The reader's language: gettext catalogues managed with Babel, one per language and audience, English the source.

Two domains: `visitors` (everything a participant reads: both pages' visitor side, calendars, feeds, the printout,
the program's dates) and `organisers` (the Organisers page, the checks' problems, the CLI's messages). English and
Japanese ship both; Korean, Simplified Chinese and French ship `visitors`, and an organiser reading one of those reads
the `organisers` strings in English. The catalogues are the `.po` files under `kizuna/translations/`; each is read
and compiled once per process (Babel's `read_po` and `write_mo`), so there is no compiled file to keep in step.
`scripts/translations` extracts the marked strings and updates every catalogue (`pybabel extract/update` through
Babel's API).

The language is the current context's (`contextvars`, as Django's `activate` and Flask-Babel's are per request): the
page sets it once per run, the CLI per command; code that writes text calls `gettext` and `ngettext` of its domain.
"""

from __future__ import annotations

import gettext as gettext_module
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

SOURCE = "en"
LANGUAGES = ("en", "ja", "ko", "zh", "fr")  # BCP 47; zh is Simplified Chinese (zh-Hans, zh-CN, zh-SG)
DOMAINS = ("visitors", "organisers")
CATALOGUES = {"ja": DOMAINS, "ko": ("visitors",), "zh": ("visitors",), "fr": ("visitors",)}  # shipped, each complete
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
CLDR = {"en": "en_GB", "ja": "ja", "ko": "ko", "zh": "zh_Hans", "fr": "fr"}  # the CLDR locale of each language

current: ContextVar[str] = ContextVar("language", default=SOURCE)


def language_tag(tag: str | None) -> str | None:
    """The language Kizuna speaks for a BCP 47 tag ('ja-JP' → 'ja', 'zh-Hans-CN' → 'zh'), or None: a language
    without a catalogue, Traditional Chinese (zh-Hant, zh-TW, zh-HK), or not a tag at all."""
    if not tag or len(tag) > 35:
        return None
    try:
        locale = Locale.parse(tag.strip().replace("_", "-"), sep="-")
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    if locale.language == "zh" and locale.script not in (None, "Hans"):
        return None
    return locale.language if locale.language in LANGUAGES else None


def preferred(tags: Iterable[str | None]) -> str | None:
    """The first of `tags` Kizuna speaks (a link's `lang`, then the browser's languages), or None."""
    for tag in tags:
        found = language_tag(tag)
        if found:
            return found
    return None


def accepted(header: str | None) -> list[str]:
    """The tags of an Accept-Language header, most wanted first ('ja-JP,ja;q=0.9,en;q=0.8' → ['ja-JP', 'ja', 'en'])."""
    weighted = []
    for position, part in enumerate((header or "")[:500].split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*":
            weighted.append((-weight, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def language() -> str:
    """The current context's language."""
    return current.get()


def locale(lang: str | None = None) -> Locale:
    """The CLDR locale of a language (the current one by default): dates, times, numbers and plural rules."""
    return cldr_locale(lang or current.get())


@cache
def cldr_locale(lang: str) -> Locale:
    return Locale.parse(CLDR.get(lang, CLDR[SOURCE]))


def use(lang: str) -> None:
    """Speak `lang` from now on in this context (a page's run sets it first)."""
    current.set(lang if lang in LANGUAGES else SOURCE)


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Speak `lang` within the block."""
    token = current.set(lang if lang in LANGUAGES else SOURCE)
    try:
        yield
    finally:
        current.reset(token)


def catalogue_path(lang: str, domain: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / f"{domain}.po"


@cache
def catalogue(lang: str, domain: str) -> gettext_module.NullTranslations:
    """One language's catalogue of one domain, read and compiled once per process; English, and a domain a
    language does not ship, translate nothing."""
    if domain not in CATALOGUES.get(lang, ()):
        return gettext_module.NullTranslations()
    with catalogue_path(lang, domain).open("rb") as file:
        messages = read_po(file, locale=CLDR[lang], domain=domain)
    compiled = BytesIO()
    write_mo(compiled, messages)  # fuzzy entries are left out, as `pybabel compile` does
    compiled.seek(0)
    return Translations(compiled, domain=domain)


class Domain:
    """The strings of one audience; `gettext` and `ngettext` translate into the current context's language."""

    def __init__(self, name: str) -> None:
        self.name = name

    def gettext(self, message: str) -> str:
        return catalogue(current.get(), self.name).gettext(message)

    def ngettext(self, singular: str, plural: str, number: int) -> str:
        return catalogue(current.get(), self.name).ngettext(singular, plural, number)


visitors = Domain("visitors")
organisers = Domain("organisers")


def N_(message: str) -> str:  # gettext's name for a string marked now and translated where it is shown
    return message


def language_name(lang: str) -> str:
    """A language's name in itself, for the picker: 'English', '日本語', '한국어', '中文 (简体)', 'Français'."""
    name = cldr_locale(lang).get_display_name(cldr_locale(lang)) or lang
    return name[:1].upper() + name[1:] if lang != "en" else "English"
