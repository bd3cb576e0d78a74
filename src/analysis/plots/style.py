"""Figure pipeline: one style, a CJK font shipped by pip, byte-stable files.

The Chinese font is Noto Sans CJK SC from the ``mplfonts`` wheel, converted once
to TrueType outlines (:mod:`analysis.plots.fonts`) so the PDFs' embedded fonts
match their declaration, and registered with matplotlib, so rendering never
depends on the fonts of the machine. :func:`save` writes PNG (300 dpi) and PDF (fonts
embedded as Type 42 / CID) with fixed metadata, so two runs give the same
bytes, and turns matplotlib's "missing glyph" warnings into errors.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from .fonts import truetype_outlines  # noqa: E402

__all__ = [
    "CJK_FONT_FILE", "MissingGlyphError", "cjk_font_path", "show",
    "save", "setup_style", "style",
]

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"

#: Okabe–Ito colour-blind-safe palette.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
           "#F0E442", "#000000"]

#: Matplotlib writes these into PNG/PDF/SVG; fixed values keep bytes stable.
STABLE_METADATA = {
    "png": {"Software": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None, "ModDate": None},
    "svg": {"Creator": None, "Date": None},
}


class MissingGlyphError(RuntimeError):
    """A figure asked for a character its font cannot draw."""


def source_font_path() -> Path:
    """Path of the CJK font inside the installed ``mplfonts`` package (OpenType/CFF)."""
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / CJK_FONT_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path}: mplfonts does not ship {CJK_FONT_FILE}")
    return path


def cjk_font_path() -> Path:
    """The font figures use: :func:`source_font_path` with TrueType outlines.

    Embedded as Type 42 / CID, a CFF font is declared TrueType and breaks in
    Ghostscript and MuPDF; the converted copy (:mod:`analysis.plots.fonts`) matches
    its declaration.
    """
    return truetype_outlines(source_font_path())


@lru_cache(maxsize=1)
def _registered_font() -> str:
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def setup_style() -> str:
    """Register the CJK font and set the project style; return the font name."""
    name = _registered_font()
    plt.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": [name, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "none",
        "svg.hashsalt": "pingan-themes",
        "figure.dpi": 100,
        "savefig.dpi": 300,
        "savefig.bbox": "tight",
        "font.size": 9,
        "axes.titlesize": 10,
        "axes.labelsize": 9,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "legend.fontsize": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
        "image.cmap": "viridis",
    })
    return name


@contextmanager
def style():
    """Context manager: project style inside, previous rcParams restored after."""
    with matplotlib.rc_context():
        setup_style()
        yield


def _check_glyphs(caught: list[warnings.WarningMessage], where: str) -> None:
    missing = [str(w.message) for w in caught
               if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    if missing:
        raise MissingGlyphError(f"{where}: " + "; ".join(sorted(set(missing))))


def save(fig, path: str | Path, formats: tuple[str, ...] = ("png", "pdf"),
         dpi: int = 300) -> list[Path]:
    """Save ``fig`` as ``path.<fmt>`` for each format and close it.

    Raises
    ------
    MissingGlyphError
        If matplotlib reports a character the font cannot render.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    # Font embedding, tight bounding box and dpi are read when the file is written,
    # so saving applies the project style whatever the caller's rcParams are.
    with style():
        for fmt in formats:
            out = path.with_suffix(f".{fmt}")
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                fig.savefig(out, format=fmt, metadata=STABLE_METADATA.get(fmt),
                            dpi=dpi if fmt == "png" else None)
            _check_glyphs(caught, str(out))
            written.append(out)
    plt.close(fig)
    return written


def show(fig, *, dpi: int = 150, width: int | None = None):
    """A figure as an inline PNG for a notebook (the Agg backend shows nothing by itself).

    Drawn in the project style, as :func:`save` writes it; ``width`` in screen pixels.
    """
    import io

    from IPython.display import Image

    buf = io.BytesIO()
    with style():
        fig.savefig(buf, format="png", dpi=dpi, metadata=STABLE_METADATA["png"])
    plt.close(fig)
    return Image(data=buf.getvalue(), format="png", width=width)
