"""A CJK font whose outlines match what a PDF declares.

The ``mplfonts`` wheel ships Noto Sans CJK SC as an OpenType font with CFF outlines.
matplotlib's ``pdf.fonttype = 42`` embeds it declared as TrueType, which Poppler reports
as a mismatch and Ghostscript renders as garbage. This module converts the font once to
TrueType (quadratic ``glyf``) outlines with fontTools, deterministically, and caches the
result outside the project (``PINGAN_FONT_CACHE``, else ``$XDG_CACHE_HOME`` or
``~/.cache``, under ``pingan-themes/fonts``).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["font_cache_dir", "truetype_outlines"]

#: Raise when the conversion changes, so cached files are rebuilt.
CONVERTER_VERSION = "1"
#: Largest distance (font units of 1000/em) between a cubic curve and its quadratic copy.
MAX_ERR = 1.0


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
    tmp = dst.with_suffix(f".{os.getpid()}.tmp")
    font.save(tmp)
    os.replace(tmp, dst)


def truetype_outlines(src: str | Path) -> Path:
    """Path of a TrueType-outline copy of the OpenType/CFF font ``src`` (converted once)."""
    import fontTools

    src = Path(src)
    h = hashlib.sha256(src.read_bytes())
    h.update(f"{fontTools.version}/{CONVERTER_VERSION}/{MAX_ERR}".encode())
    dst = font_cache_dir() / f"{src.stem}-glyf-{h.hexdigest()[:16]}.ttf"
    if not dst.exists():
        dst.parent.mkdir(parents=True, exist_ok=True)
        _convert(src, dst)
    return dst
