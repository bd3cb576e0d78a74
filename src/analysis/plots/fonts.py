"""A CJK font whose outlines match what a PDF declares.

The ``mplfonts`` wheel ships Noto Sans CJK SC as an OpenType font with CFF outlines.
matplotlib's ``pdf.fonttype = 42`` embeds it declared as TrueType, which Poppler reports
as a mismatch and Ghostscript renders as garbage. This module converts the font once to
TrueType (quadratic ``glyf``) outlines with fontTools, deterministically, and caches the
result outside the project (``PINGAN_FONT_CACHE``, else ``$XDG_CACHE_HOME`` or
``~/.cache``, under ``pingan-themes/fonts``).

Subsetting a 65,000-glyph font for each PDF takes about a second, most of it spent
reading the font. :func:`core_subset` therefore cuts the converted font down to the
characters of GB 2312 (the 6,763 common hanzi, punctuation and symbols) and of the
Latin and punctuation blocks in :data:`CORE_BLOCKS` (outlines and metrics unchanged) under its own name, and figures list
it first with the full font as matplotlib's per-glyph fallback, so a rarer character
still draws and PDFs embed the full font only when one occurs.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable

__all__ = ["CORE_SUFFIX", "core_subset", "font_cache_dir", "truetype_outlines"]

#: Raise when the conversion changes, so cached files are rebuilt.
CONVERTER_VERSION = "1"
#: Largest distance (font units of 1000/em) between a cubic curve and its quadratic copy.
MAX_ERR = 1.0
#: Added to the family and PostScript names of :func:`core_subset`'s font.
CORE_SUFFIX = " Core"
#: Raise when the core repertoire or naming changes.
CORE_VERSION = "3"


def font_cache_dir() -> Path:
    """Folder of converted fonts."""
    env = os.environ.get("PINGAN_FONT_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pingan-themes" / "fonts"


def _convert(src: Path, dst: Path) -> None:
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    # recalcTimestamp=False keeps head.modified, so the same input gives the same bytes.
    font = TTFont(src, recalcTimestamp=False)
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        # CFF contours run counter-clockwise, TrueType's clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, max_err=MAX_ERR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for key in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                "maxComponentElements"):
        setattr(maxp, key, 0)
    maxp.maxZones, maxp.numGlyphs = 1, len(order)
    font["head"].glyphDataFormat = 0
    # post format 2 cannot name 65,535 glyphs; format 3 carries no names.
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"
    _save(font, dst)


def _save(font, dst: Path) -> None:
    """Write atomically: another process never reads a half-written font."""
    tmp = dst.with_suffix(f".{os.getpid()}.tmp")
    font.save(tmp)
    os.replace(tmp, dst)


def _cached(src: str | Path, kind: str, version: str,
            build: Callable[[Path, Path], None]) -> Path:
    """``font_cache_dir()/<stem>-<kind>-<hash>.ttf``, built from ``src`` once; the hash
    covers the source bytes, fontTools' version and ``version``."""
    import fontTools

    src = Path(src)
    h = hashlib.sha256(src.read_bytes())
    h.update(f"{fontTools.version}/{version}".encode())
    dst = font_cache_dir() / f"{src.stem}-{kind}-{h.hexdigest()[:16]}.ttf"
    if not dst.exists():
        dst.parent.mkdir(parents=True, exist_ok=True)
        build(src, dst)
    return dst


def truetype_outlines(src: str | Path) -> Path:
    """Path of a TrueType-outline copy of the OpenType/CFF font ``src`` (converted once)."""
    return _cached(src, "glyf", f"{CONVERTER_VERSION}/{MAX_ERR}", _convert)


#: Blocks added to GB 2312 because captions and glosses use them: Latin-1 and Latin
#: Extended (· é ü), general punctuation (– … ‰), letterlike symbols, arrows, maths
#: operators, CJK punctuation and full-width forms.
CORE_BLOCKS = ((0x0020, 0x024F), (0x2000, 0x206F), (0x2100, 0x214F), (0x2190, 0x21FF),
               (0x2200, 0x22FF), (0x3000, 0x303F), (0xFF00, 0xFFEF))


def core_repertoire() -> list[int]:
    """Code points of GB 2312 (as Python's codec maps it) and :data:`CORE_BLOCKS`."""
    out = {cp for lo, hi in CORE_BLOCKS for cp in range(lo, hi + 1)}
    for cp in range(0x80, 0x10000):
        try:
            chr(cp).encode("gb2312")
        except UnicodeEncodeError:
            continue
        out.add(cp)
    return sorted(out)


def _core(src: Path, dst: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(src, recalcTimestamp=False)
    # matplotlib applies no OpenType layout, so GSUB/GPOS (and the glyphs only they
    # reach) are left out.
    options = subset.Options(notdef_outline=True, recalc_timestamp=False,
                             name_IDs=["*"], name_languages=["*"], layout_features=[])
    options.drop_tables += ["GSUB", "GPOS", "BASE"]
    sub = subset.Subsetter(options)
    sub.populate(unicodes=core_repertoire())
    sub.subset(font)
    # Its own names, so matplotlib can list it beside the full font and a PDF
    # never holds two different fonts under one name.
    names = font["name"]
    for record in names.names:
        if record.nameID in (1, 3, 4, 16):
            record.string = f"{record.toUnicode()}{CORE_SUFFIX}"
        elif record.nameID == 6:
            family, _, style = record.toUnicode().partition("-")
            record.string = f"{family}{CORE_SUFFIX.strip()}-{style}".rstrip("-")
    _save(font, dst)


def core_subset(ttf: str | Path) -> Path:
    """Path of the GB 2312 subset of the TrueType font ``ttf`` (built once, cached)."""
    return _cached(ttf, "core", CORE_VERSION, _core)
