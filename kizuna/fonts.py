"""Which font prints Japanese, found without loading the PDF library: a page can say up front it cannot print."""

from __future__ import annotations

import os
from pathlib import Path

FONT_ENV = "KIZUNA_PDF_FONT"  # a .ttf, .otf or .ttc with Japanese glyphs, instead of the ones looked for below
FONT_PACKAGE = "fonts-ipaexfont-gothic"
JAPANESE_FONTS = (
    Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),  # Debian's fonts-ipaexfont-gothic
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),  # Debian's fonts-noto-cjk
)


class FontMissing(LookupError):
    """No font with Japanese glyphs to print with: the message says what to install."""


def japanese_font() -> Path:
    """$KIZUNA_PDF_FONT, else the first of JAPANESE_FONTS installed."""
    asked = os.environ.get(FONT_ENV, "").strip()
    if asked:
        if not Path(asked).is_file():
            raise FontMissing(f"${FONT_ENV} is {asked!r}, which is not a file; name a .ttf, .otf or .ttc font")
        return Path(asked)
    found = next((path for path in JAPANESE_FONTS if path.is_file()), None)
    if found is None:
        raise FontMissing(
            f"no Japanese font to print with: install the Debian package {FONT_PACKAGE} "
            f"(sudo apt-get install {FONT_PACKAGE}), or set ${FONT_ENV} to a .ttf, .otf or .ttc font file"
        )
    return found
