"""A program's texts in the reader's language: the translations a program carries, its first language where one is
missing.

A program declares its languages (`program.csv`'s `languages`, first its own); each text people read (the program's
title, short title and summary, session titles and descriptions, theme labels and descriptions, city, venue, country
and capital names) is written in the first language and may carry a translation per other language (`title_ja`).
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any, TypeVar

from kizuna.program.model import NO_TRANSLATIONS, Program

Item = TypeVar("Item")

lock = threading.Lock()


def in_language(program: Program, lang: str) -> Program:
    """The program with every text people read (program and session titles, descriptions, theme labels, city and
    venue names) in `lang` where the program has it, else in the program's first language. Cached per program and
    language; the program itself when `lang` is its first language (or the language it is already in)."""
    if lang == program.translated_to:
        return program
    program = program.untranslated or program
    if lang == program.languages[0] or not lang:
        return program
    with lock:
        known = program.in_languages
        if lang not in known:
            known[lang] = translation(program, lang)
        return known[lang]


def translation(program: Program, lang: str) -> Program:
    """The program as a reader of `lang` reads it (in_language's work, once per program and language)."""
    sessions = tuple(in_text(session, lang) for session in program.sessions)
    return replace(
        in_text(program, lang),
        themes={slug: in_text(theme, lang) for slug, theme in program.themes.items()},
        cities={slug: in_text(city, lang) for slug, city in program.cities.items()},
        venues={venue_id: in_text(venue, lang) for venue_id, venue in program.venues.items()},
        sessions=sessions,
        countries=tuple(in_text(country, lang) for country in program.countries),
        translated_to=lang,
        untranslated=program,
    )


def in_text(item: Item, lang: str) -> Item:
    """The item with its `lang` texts where it has them; the item itself when it has none."""
    texts = item.translations.get(lang)  # type: ignore[attr-defined]
    return replace(item, **texts) if texts else item  # type: ignore[type-var]


def language_of(program: Program, item: Any, field: str) -> str:
    """The language of the text `field` of `item` (the program, a session, venue, city or theme of `program` as
    `in_language` gave it) as shown: the reader's where translated, else the program's first language."""
    lang = program.translated_to
    if lang and field in getattr(item, "translations", NO_TRANSLATIONS).get(lang, ()):
        return lang
    return program.languages[0]
