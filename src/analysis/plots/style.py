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

from ..skips import CannotDraw  # noqa: E402
from .fonts import core_subset, truetype_outlines  # noqa: E402

__all__ = [
    "CATEGORIES", "CJK_FONT_FILE", "FigureOverflowError", "MAX_HEIGHT", "MIN_FONT_PT",
    "MISSING_COLOUR", "MissingGlyphError", "PALETTE", "WIDTHS", "caption", "cjk_font_path",
    "colour", "colours", "figsize", "fits", "human", "overflow", "save", "setup_style", "show",
    "style", "tag",
]

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"

#: Paul Tol's colour-blind-safe "muted" scheme (9 colours), then black and mid grey,
#: so the largest grouping (11 unit types) gets 11 distinct colours.
PALETTE = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
           "#882255", "#AA4499", "#000000", "#777777"]
#: Missing, unknown or "other" categories.
MISSING_COLOUR = "#DDDDDD"

#: The codebook's categories (``data/codebook.md``) in a fixed order: a category's
#: colour is ``PALETTE[position]`` in every figure, whichever groups a figure shows.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "text_status": ("full", "truncated", "title_only"),
    "section": ("party_committees", "political_legal_organs", "other_units"),
    "tier": ("national", "province", "city", "county", "grassroots"),
    "unit_type": ("party_committee", "political_legal_committee", "court", "procuratorate",
                  "public_security", "justice_administration", "prison", "governance_center",
                  "law_society", "government_department", "enterprise"),
}
#: Human titles for code names drawn as legend or axis titles.
HUMAN = {"text_status": "text status", "unit_type": "issuing unit type", "tier": "tier",
         "section": "section", "province": "province", "title_only": "title only",
         "party_committees": "party committees", "political_legal_organs": "political-legal organs",
         "other_units": "other units"}

#: Journal column widths (inches) and the tallest figure a page takes.
WIDTHS = {"single": 3.5, "onehalf": 5.5, "double": 7.0}
MAX_HEIGHT = 9.0
#: Smallest text at print size (points).
MIN_FONT_PT = 6.0
#: How far (inches) drawn content may reach outside the page before :func:`save` refuses it.
OVERFLOW_TOLERANCE = 0.03

#: Matplotlib writes these into PNG/PDF/SVG; fixed values keep bytes stable.
STABLE_METADATA = {
    "png": {"Software": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None, "ModDate": None},
    "svg": {"Creator": None, "Date": None},
}


class MissingGlyphError(RuntimeError):
    """A figure asked for a character its font cannot draw."""


class FigureOverflowError(CannotDraw):
    """Drawn content reaches outside the figure's named page size (a figure that cannot
    fit is skipped, :mod:`analysis.skips`)."""


def figsize(width: str, height: float) -> tuple[float, float]:
    """``(width, height)`` in inches for a named column width (:data:`WIDTHS`).

    Raises
    ------
    ValueError
        For an unknown width name or a height above :data:`MAX_HEIGHT`.
    """
    if width not in WIDTHS:
        raise ValueError(f"figure width {width!r}: use one of {sorted(WIDTHS)}")
    if not 0 < height <= MAX_HEIGHT:
        raise ValueError(f"figure height {height:.2f} in: must be in (0, {MAX_HEIGHT}]")
    return WIDTHS[width], float(height)


def colour(kind: str, value) -> str:
    """The one colour of category ``value`` of ``kind`` in every figure.

    ``kind`` is a key of :data:`CATEGORIES` (codebook order), or ``"topic"`` /
    ``"community"`` (an integer index). Missing and unknown values are grey.
    """
    if kind in ("topic", "community"):
        return PALETTE[int(value) % len(PALETTE)]
    if kind not in CATEGORIES:
        raise KeyError(f"no colour mapping for {kind!r}; kinds: {sorted(CATEGORIES)}")
    order = CATEGORIES[kind]
    return PALETTE[order.index(value)] if value in order else MISSING_COLOUR


def colours(kind: str, values) -> dict:
    """``{value: colour(kind, value)}``."""
    return {v: colour(kind, v) for v in values}


def tag(artists, kind: str, value) -> None:
    """Mark artists as drawing category ``value`` of ``kind`` (``gid = "kind=value"``),
    so tests can check that a category has one colour across figures."""
    if not isinstance(artists, (list, tuple)):
        artists = [artists]
    for a in artists:
        a.set_gid(f"{kind}={value}")


def human(name) -> str:
    """A code name as a reader should see it (``text_status`` → ``text status``)."""
    name = str(name)
    return HUMAN.get(name, name.replace("_", " "))


def wrap_visual(text: str, width: int) -> str:
    """``textwrap.fill`` by visual width: a CJK character counts as two Latin ones."""
    import textwrap

    def visual(line):
        return len(line) + sum(1 for ch in line if "\u3400" <= ch <= "\u9fff")

    w = width
    while True:
        out = textwrap.fill(text, w, break_on_hyphens=False)
        if w <= 10 or all(visual(line) <= width for line in out.split("\n")):
            return out
        w -= 4


def caption(fig, lines, *, fontsize: float = 6.0) -> None:
    """Write ``lines`` under the axes, inside the page, wrapped to the figure width.

    The figure must use the constrained layout: its area is shrunk to leave room.
    """
    import textwrap

    width_in, height_in = fig.get_size_inches()
    # about 0.52 em per Latin character; a CJK character is a full em (counts twice)
    chars = max(30, int((width_in - 0.1) * 72 / (fontsize * 0.52)))
    text = "\n".join(wrap_visual(str(x), chars) for x in lines if x)
    n = text.count("\n") + 1
    frac = min(0.45, (n * fontsize * 1.3 + 4) / 72 / height_in)
    fig.text(0.01, 0.004, text, ha="left", va="bottom", fontsize=fontsize, color="#333333",
             linespacing=1.2)
    engine = fig.get_layout_engine()
    if engine is None or not hasattr(engine, "set"):
        raise ValueError("caption() needs a figure with layout='constrained'")
    engine.set(rect=(0, frac, 1, 1 - frac))


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
def _registered_fonts() -> tuple[str, ...]:
    """Register the core subset and the full CJK font; their names, core first."""
    full = cjk_font_path()
    names = []
    for path in (core_subset(full), full):
        font_manager.fontManager.addfont(str(path))
        names.append(font_manager.FontProperties(fname=str(path)).get_name())
    return tuple(names)


def setup_style() -> str:
    """Register the CJK fonts and set the project style; return the first font's name.

    Text draws in the GB 2312 core subset (:func:`~analysis.plots.fonts.core_subset`);
    a character outside it falls back, glyph by glyph, to the full font.
    """
    names = _registered_fonts()
    plt.rcParams.update({
        # The fonts themselves, not "sans-serif": matplotlib falls back glyph by glyph
        # only along font.family.
        "font.family": [*names, "DejaVu Sans"],
        "font.sans-serif": [*names, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "none",
        "svg.hashsalt": "pingan-themes",
        "figure.dpi": 100,
        "savefig.dpi": 300,
        # Figures are drawn at their print size: saved as drawn (no tight crop), so
        # the file has the named width and a point in the file is a point on paper.
        "savefig.bbox": None,
        "figure.constrained_layout.use": True,
        "font.size": 7,
        "axes.titlesize": 7.5,
        "axes.labelsize": 7,
        "xtick.labelsize": 6.5,
        "ytick.labelsize": 6.5,
        "legend.fontsize": 6.5,
        "legend.title_fontsize": 6.5,
        "figure.titlesize": 8,
        "figure.labelsize": 7,
        "axes.linewidth": 0.6,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
        "image.cmap": "viridis",
    })
    return names[0]


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


def overflow(fig) -> float:
    """How far (inches) drawn content reaches outside the page (<= 0: it fits).

    Lays the figure out in the project style without rasterising it, so a ``draw_*``
    function can try layouts until one fits before :func:`save` refuses it.
    """
    with style():
        fig.draw_without_rendering()
        box = fig.get_tightbbox(fig.canvas.get_renderer())
    w, h = fig.get_size_inches()
    return max(-box.x0, -box.y0, box.x1 - w, box.y1 - h)


def fits(fig) -> bool:
    """Whether ``fig``'s content stays on its page (within :data:`OVERFLOW_TOLERANCE`)."""
    return overflow(fig) <= OVERFLOW_TOLERANCE


def _check_overflow(fig, where: str) -> None:
    """Refuse a figure whose drawn content leaves its page (it would be cut off)."""
    # Layout and text extents without rasterising the figure (saving draws it anyway).
    fig.draw_without_rendering()
    box = fig.get_tightbbox(fig.canvas.get_renderer())
    w, h = fig.get_size_inches()
    out = max(-box.x0, -box.y0, box.x1 - w, box.y1 - h)
    if out > OVERFLOW_TOLERANCE:
        raise FigureOverflowError(
            f"{where}: content reaches {out:.2f} in outside the {w:.2f} x {h:.2f} in page "
            f"(drawn extent x {box.x0:.2f}..{box.x1:.2f}, y {box.y0:.2f}..{box.y1:.2f})")


def _freeze_layout(fig) -> None:
    """Fix the layout once, at a stated precision, for every format.

    The constrained layout is otherwise solved again for each file at its dpi, and its
    last bits depend on what the process drew before; rounded positions (1e-6 of the
    figure) make the PNG and PDF share one layout and the bytes stable.
    """
    for ax in fig.axes:
        ax.set_position([round(float(v), 6) for v in ax.get_position().bounds])
    for t in (fig._suptitle, fig._supxlabel, fig._supylabel):
        if t is not None:
            t.set_position(tuple(round(float(v), 6) for v in t.get_position()))
    fig.set_layout_engine("none")


def save(fig, path: str | Path, formats: tuple[str, ...] = ("png", "pdf"),
         dpi: int = 300) -> list[Path]:
    """Save ``fig`` as ``path.<fmt>`` for each format and close it.

    The page is the figure's size (:func:`figsize`): nothing is cropped or grown.

    Raises
    ------
    MissingGlyphError
        If matplotlib reports a character the font cannot render.
    FigureOverflowError
        If drawn content reaches outside the page.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    # Font embedding, tight bounding box and dpi are read when the file is written,
    # so saving applies the project style whatever the caller's rcParams are.
    with style():
        _check_overflow(fig, str(path))
        _freeze_layout(fig)
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
