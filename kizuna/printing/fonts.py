"""Which font prints Japanese, found without loading the PDF library: a page can say up front it cannot print."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

FONT_ENV = "KIZUNA_PDF_FONT"  # a .ttf, .otf or .ttc with Japanese glyphs, instead of the ones looked for below
FONT_PACKAGE = "fonts-ipaexfont-gothic"
JAPANESE_FONTS = (
    Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),  # Debian's fonts-ipaexfont-gothic
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),  # Debian's fonts-noto-cjk
)


JAPANESE_SAMPLE = "東京下関市役所住所あア"  # kanji, hiragana and katakana any Japanese font draws


class FontMissing(LookupError):
    """No font with Japanese glyphs to print with: the message says what to install."""


def japanese_font() -> Path:
    """$KIZUNA_PDF_FONT, else the first of JAPANESE_FONTS installed; checked to be a font that draws Japanese."""
    asked = os.environ.get(FONT_ENV, "").strip()
    if asked:
        if not Path(asked).is_file():
            raise FontMissing(f"${FONT_ENV} is {asked!r}, which is not a file; name a .ttf, .otf or .ttc font")
        found: Path | None = Path(asked)
    else:
        found = next((path for path in JAPANESE_FONTS if path.is_file()), None)
    if found is None:
        raise FontMissing(
            f"no Japanese font to print with: install the Debian package {FONT_PACKAGE} "
            f"(sudo apt-get install {FONT_PACKAGE}), or set ${FONT_ENV} to a .ttf, .otf or .ttc font file"
        )
    stat = found.stat()
    problem = font_problem(found, stat.st_size, stat.st_mtime_ns)
    if problem:
        raise FontMissing(f"{found} {problem}; see ${FONT_ENV}")
    return found


@lru_cache(maxsize=8)
def collection_index(path: Path) -> int:
    """Which font of the file to use: in a .ttc collection its Japanese one (Noto Sans CJK JP), else the first."""
    if path.suffix.lower() != ".ttc":
        return 0
    from fontTools.ttLib import TTCollection

    with TTCollection(path, lazy=True) as collection:
        names = [font["name"].getDebugName(1) or "" for font in collection.fonts]
    return next((index for index, name in enumerate(names) if name.endswith(" JP")), 0)


@lru_cache(maxsize=8)
def font_problem(path: Path, size: int, modified: int) -> str | None:
    """Why the file cannot set Japanese, or None; read once per file version (size and time of change)."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, lazy=True, fontNumber=collection_index(path)) as font:
            characters = font.getBestCmap() or {}
    except Exception as error:  # fontTools raises many kinds for a file that is not a font
        return f"cannot be read as a font ({type(error).__name__})"
    missing = [c for c in JAPANESE_SAMPLE if ord(c) not in characters]
    return f"has no Japanese glyphs (none for {''.join(missing)})" if missing else None
