"""Which font prints an itinerary in a language, found without loading the PDF library: a page can say up front it
cannot print.

Every printout has Japanese in it (the venues' names and addresses for a taxi driver), so every font has to set
Japanese; a Korean or Chinese printout needs Hangul or Simplified Chinese too. Noto Sans CJK (fonts-noto-cjk) has
all three: its collection holds a face per language (JP, KR, SC, TC), the same characters drawn the way each
language writes them, and the face of the printout's language is the one used. English, Japanese and French print
in IPAex Gothic where it is installed, as they always have.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from kizuna.i18n import visitors

_ = visitors.gettext

FONT_ENV = "KIZUNA_PDF_FONT"  # a .ttf, .otf or .ttc with Japanese glyphs, instead of the ones looked for below
FONT_PACKAGE = "fonts-ipaexfont-gothic"
CJK_FONT_PACKAGE = "fonts-noto-cjk"  # Korean and Chinese as well as Japanese
NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # Debian's fonts-noto-cjk
JAPANESE_FONTS = (
    Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),  # Debian's fonts-ipaexfont-gothic
    NOTO_CJK,
)
CJK_FONTS = (NOTO_CJK,)  # for the languages whose script IPAex lacks (SCRIPTS)

JAPANESE_SAMPLE = "東京下関市役所住所あア"  # kanji, hiragana and katakana any Japanese font draws
SAMPLES = {
    "ko": JAPANESE_SAMPLE + "서울한국어주소",  # Hangul
    "zh": JAPANESE_SAMPLE + "简体门这东关",  # Simplified characters that Japanese writes otherwise (門, 這, 東, 関)
}
SCRIPTS = ("ko", "zh")  # the languages with a script of their own besides Japanese
FACES = {"ko": " KR", "zh": " SC"}  # the face of a collection for a language, by its name's ending; else " JP"


class FontMissing(LookupError):
    """No font with the glyphs a printout needs: the message says what to install."""


class Font(NamedTuple):
    path: Path
    index: int  # the face in a .ttc collection; 0 for a single font


def printing_font(lang: str = "ja") -> Font:
    """The font a printout in `lang` is set in: $KIZUNA_PDF_FONT, else the first installed of the fonts for the
    language; checked to draw Japanese, and Korean or Simplified Chinese for those."""
    asked = os.environ.get(FONT_ENV, "").strip()
    if asked:
        if not Path(asked).is_file():
            message = _("${setting} is {value}, which is not a file; name a .ttf, .otf or .ttc font")
            raise FontMissing(message.format(setting=FONT_ENV, value=repr(asked)))
        found: Path | None = Path(asked)
    else:
        found = next((path for path in candidates(lang) if path.is_file()), None)
    if found is None:
        raise FontMissing(
            no_font(lang).format(package=CJK_FONT_PACKAGE if lang in SCRIPTS else FONT_PACKAGE, setting=FONT_ENV)
        )
    problem = font_problem(found, lang)
    if problem:
        raise FontMissing(problem)
    return Font(found, collection_index(found, lang))


def no_font(lang: str) -> str:
    if lang == "ko":
        return _(
            "no Korean font to print with: install the Debian package {package} (sudo apt-get install {package}), "
            "or set ${setting} to a .ttf, .otf or .ttc font file"
        )
    if lang == "zh":
        return _(
            "no Simplified Chinese font to print with: install the Debian package {package} (sudo apt-get install "
            "{package}), or set ${setting} to a .ttf, .otf or .ttc font file"
        )
    return _(
        "no Japanese font to print with: install the Debian package {package} (sudo apt-get install {package}), "
        "or set ${setting} to a .ttf, .otf or .ttc font file"
    )


def candidates(lang: str) -> tuple[Path, ...]:
    return CJK_FONTS if lang in SCRIPTS else JAPANESE_FONTS


def japanese_font() -> Path:
    """The font a Japanese (or English) printout is set in; FontMissing when there is none."""
    return printing_font("ja").path


@lru_cache(maxsize=16)
def collection_index(path: Path, lang: str = "ja") -> int:
    """Which font of the file to use: in a .ttc collection the face of the language (Noto Sans CJK KR for Korean, SC
    for Chinese, JP otherwise), else the first."""
    if path.suffix.lower() != ".ttc":
        return 0
    from fontTools.ttLib import TTCollection

    with TTCollection(path, lazy=True) as collection:
        names = [font["name"].getDebugName(1) or "" for font in collection.fonts]
    ending = FACES.get(lang, " JP")
    return next((index for index, name in enumerate(names) if name.endswith(ending)), 0)


def font_problem(path: Path, lang: str = "ja") -> str | None:
    """Why the file cannot set a printout in the language, or None."""
    stat = path.stat()
    characters = font_characters(path, stat.st_size, stat.st_mtime_ns, lang)
    if isinstance(characters, str):
        message = _("{file} cannot be read as a font ({error}); see ${setting}")
        return message.format(file=path, error=characters, setting=FONT_ENV)
    missing = "".join(c for c in SAMPLES.get(lang, JAPANESE_SAMPLE) if ord(c) not in characters)
    if not missing:
        return None
    if any(c in JAPANESE_SAMPLE for c in missing) or lang not in SCRIPTS:
        message = _("{file} has no Japanese glyphs (none for {characters}); see ${setting}")
    elif lang == "ko":
        message = _("{file} has no Korean glyphs (none for {characters}); see ${setting}")
    else:
        message = _("{file} has no Simplified Chinese glyphs (none for {characters}); see ${setting}")
    return message.format(file=path, characters=missing, setting=FONT_ENV)


@lru_cache(maxsize=16)
def font_characters(path: Path, size: int, modified: int, lang: str) -> frozenset[int] | str:
    """The characters the language's face of a font draws, or the name of the error reading it; read once per file
    version (size and time of change) and language."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, lazy=True, fontNumber=collection_index(path, lang)) as font:
            return frozenset(font.getBestCmap() or {})
    except Exception as error:  # fontTools raises many kinds for a file that is not a font
        return type(error).__name__
