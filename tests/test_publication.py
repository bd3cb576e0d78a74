"""Publication checks on the figures and LaTeX a run writes.

One reduced ``reproduce`` runs into a temporary folder while every figure is recorded as
it is saved: its texts and the colours of the artists tagged with a category. Then, for every figure:
its page is a named journal size and no text is below 6 pt (read from the PDF), the PDF
declares the fonts it embeds (``pdffonts``), Ghostscript and MuPDF render it like the PNG,
one category has one colour across all figures, and every Chinese term drawn has a gloss.
``variables.tex`` and every table compile with pdflatex. Missing tools fail, never skip.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import numpy as np
import pypdf
import pytest
from matplotlib.colors import to_hex
from PIL import Image, ImageFilter

from analysis import io
from analysis.plots import style
from analysis.plots.labels import active, cjk_runs, load_glossary

INSTALL = ("apt-get install -y --no-install-recommends ghostscript poppler-utils "
           "texlive-latex-base texlive-latex-recommended")


def _tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        pytest.fail(f"{name} is not installed: `{INSTALL}` (.ci/run does this)")
    return exe


def _artist_colours(a) -> set[str]:
    """Non-white colours an artist paints with (face, edge, line)."""
    found = []
    for getter in ("get_facecolor", "get_edgecolor", "get_color"):
        if hasattr(a, getter):
            c = np.atleast_2d(np.asarray(getattr(a, getter)(), dtype=object))
            for row in c:
                try:
                    rgba = tuple(float(x) for x in np.ravel(row))
                except (TypeError, ValueError):
                    rgba = None
                if rgba is None or len(rgba) != 4 or rgba[3] == 0:
                    continue
                found.append(to_hex(rgba))
    return {c for c in found if c != "#ffffff"}


class Recorder:
    """Wraps ``io.save_figure``: what every figure draws, before it is saved."""

    def __init__(self):
        self.texts: dict[str, list[str]] = {}
        self.colours: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))

    def __call__(self, fig, path, **kw):
        name = Path(path).name
        fig.canvas.draw()
        self.texts[name] = [t.get_text() for t in fig.findobj(
            lambda a: hasattr(a, "get_text") and a.get_visible()) if t.get_text()]
        for a in fig.findobj(lambda a: bool(a.get_gid())):
            self.colours[a.get_gid()][name] |= _artist_colours(a)
        return ORIGINAL_SAVE(fig, path, **kw)


ORIGINAL_SAVE = io.save_figure


@pytest.fixture(scope="module")
def run(params, tmp_path_factory):
    """(output root, Recorder) of one reduced reproduce."""
    from analysis.reproduce import run as reproduce

    rec = Recorder()
    io.save_figure = rec
    try:
        out = tmp_path_factory.mktemp("publication")
        # One process, so that the recorder sees every figure and every label
        # registered for drawing (forked tasks would do both in other processes).
        serial = params.reduced().replace({"reproduce.n_jobs": 1, "compare.n_jobs": 1,
                                           "topics.n_jobs": 1, "cooccur.n_jobs": 1})
        reproduce(out=out, params=serial, quiet=True, force=True)
    finally:
        io.save_figure = ORIGINAL_SAVE
    return out, rec


@pytest.fixture(scope="module")
def pdfs(run):
    found = sorted((run[0] / "figures").glob("*.pdf"))
    assert len(found) >= 20, found
    return found


def _font_sizes(pdf: Path) -> list[float]:
    """Printed size (pt) of every text run: ``Tf`` size times the ``Tm`` scale."""
    sizes = []
    for page in pypdf.PdfReader(pdf).pages:
        ops = pypdf.generic.ContentStream(page.get_contents(), page.pdf).operations
        tf, scale = None, 1.0
        for operands, op in ops:
            if op == b"BT":
                scale = 1.0
            elif op == b"Tf":
                tf = float(operands[1])
            elif op == b"Tm":
                a, b = float(operands[0]), float(operands[1])
                scale = (a * a + b * b) ** 0.5
            elif op in (b"Tj", b"TJ") and tf is not None:
                sizes.append(tf * scale)
    return sizes


def test_every_figure_has_a_named_size_and_readable_text(pdfs):
    widths = sorted(style.WIDTHS.values())
    for pdf in pdfs:
        box = pypdf.PdfReader(pdf).pages[0].mediabox
        w, h = float(box.width) / 72, float(box.height) / 72
        assert min(abs(w - x) for x in widths) < 0.01, (pdf.name, w)
        assert h <= style.MAX_HEIGHT + 0.01, (pdf.name, h)
        png = Image.open(pdf.with_suffix(".png"))
        dpi = png.info["dpi"][0]
        assert abs(png.size[0] / dpi - w) < 0.02 and abs(png.size[1] / dpi - h) < 0.02, pdf.name
        sizes = _font_sizes(pdf)
        assert sizes, pdf.name
        assert min(sizes) >= style.MIN_FONT_PT - 1e-6, (pdf.name, min(sizes))


def test_pdffonts_reports_no_mismatch(pdfs):
    exe = _tool("pdffonts")
    for pdf in pdfs:
        res = subprocess.run([exe, str(pdf)], capture_output=True, text=True, check=True)
        assert "mismatch" not in (res.stdout + res.stderr).lower(), (pdf.name, res.stderr)
        assert "CID TrueType" in res.stdout, (pdf.name, res.stdout)


def _gray(img: Image.Image, size) -> np.ndarray:
    # 50 dpi grey, blurred by 1.5 px: what is drawn where, not antialiasing or the
    # one-pixel shifts of a layout recomputed at another dpi.
    g = img.convert("L").resize(size, Image.Resampling.BOX)
    return np.asarray(g.filter(ImageFilter.GaussianBlur(1.5)), dtype=float)


def _similar(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


def test_ghostscript_and_mupdf_render_the_pdf_like_the_png(pdfs, tmp_path):
    import fitz

    gs = _tool("gs")
    fitz.TOOLS.mupdf_warnings()  # clear
    scores = {}
    for pdf in pdfs:
        png = Image.open(pdf.with_suffix(".png"))
        size = (png.size[0] // 6, png.size[1] // 6)  # 50 dpi
        ref = _gray(png, size)
        out = tmp_path / f"{pdf.stem}.gs.png"
        # antialiased like Agg and MuPDF
        res = subprocess.run([gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=png16m",
                              "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4", "-r150",
                              f"-sOutputFile={out}", str(pdf)], capture_output=True, text=True)
        assert res.returncode == 0 and not res.stderr.strip(), (pdf.name, res.stderr)
        # Both engines render RGB; the one grey conversion (PIL's) is applied to all three.
        pix = fitz.open(pdf)[0].get_pixmap(dpi=150, colorspace=fitz.csRGB, alpha=False)
        assert "glyph" not in fitz.TOOLS.mupdf_warnings(), pdf.name
        mu = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
        for engine, img in (("ghostscript", Image.open(out)), ("mupdf", mu)):
            scores[pdf.name, engine] = _similar(ref, _gray(img, size))
    low = {k: round(v, 3) for k, v in scores.items() if v < 0.95}
    assert not low, low
    # The measure tells figures apart: two different figures score far lower.
    a, b = (Image.open(p.with_suffix(".png")) for p in (pdfs[0], pdfs[-1]))
    size = (a.size[0] // 6, a.size[1] // 6)
    assert _similar(_gray(a, size), _gray(b, size)) < 0.9


def test_one_category_has_one_colour_across_figures(run):
    _, rec = run
    assert len(rec.colours) >= 10, sorted(rec.colours)
    for gid, per_figure in rec.colours.items():
        kind, value = gid.split("=", 1)
        used = set().union(*per_figure.values())
        if kind in style.CATEGORIES:
            assert used == {style.colour(kind, value).lower()}, (gid, dict(per_figure))
        else:
            assert len(used) == 1, (gid, dict(per_figure))
    # The same category appears in several figures (the test would be empty otherwise).
    assert max(len(v) for v in rec.colours.values()) >= 3


def test_categories_follow_the_codebook():
    from analysis.units.codebook import TIERS, UNIT_TYPES

    assert style.CATEGORIES["tier"] == TIERS
    assert style.CATEGORIES["unit_type"] == tuple(u for u in UNIT_TYPES if u != "unknown")
    largest = max(len(v) for v in style.CATEGORIES.values())
    assert len(set(style.PALETTE)) >= largest


def test_every_chinese_term_drawn_has_a_gloss(run, params):
    from analysis.config import ROOT

    _, rec = run
    glossary = {**load_glossary(ROOT / params.figures.glossary), **active().glossary}
    seen = 0
    for name, texts in rec.texts.items():
        joined = " ".join(" ".join(texts).split())  # wrapped lines joined again
        for text in texts:
            for term in cjk_runs(text):
                seen += 1
                assert term in glossary, (name, term, text)
                assert " ".join(glossary[term].split()) in joined, (name, term, glossary[term])
    assert seen > 100


def test_sizes_are_checked_when_saving(tmp_path):
    import matplotlib.pyplot as plt

    with pytest.raises(ValueError, match="figure width"):
        style.figsize("wide", 3)
    with pytest.raises(ValueError, match="height"):
        style.figsize("single", 9.5)
    style.setup_style()
    fig, ax = plt.subplots(figsize=style.figsize("single", 2))
    fig.text(0.5, 0.5, "a label that runs far past the right edge of a single column figure")
    with pytest.raises(style.FigureOverflowError, match="outside"):
        style.save(fig, tmp_path / "overflow")


def test_variables_and_tables_compile_with_pdflatex(run, tmp_path):
    exe = _tool("pdflatex")
    results = run[0] / "results"
    tables = sorted((results / "tables").glob("*.tex"))
    assert {"corpus_coverage", "topic_terms"} <= {t.stem for t in tables}
    assert any(t.stem.startswith("prevalence_") for t in tables)
    assert any(t.stem.startswith("keyness_") for t in tables)
    tex = (results / "variables.tex").read_text(encoding="utf-8")
    assert tex.isascii() and "\\paTopicLabelZeroStability" in tex
    # A minus sign is $-$ (NPMI is negative), never a bare hyphen before a digit.
    assert "{$-$0." in tex and re.search(r"[{ \[]-\d", tex) is None
    zh = (results / "variables_zh.tex").read_text(encoding="utf-8")
    assert not zh.isascii()
    body = "\n".join(f"\\input{{{t}}}" for t in tables)
    doc = tmp_path / "paper.tex"
    doc.write_text("\\documentclass{article}\n\\usepackage{booktabs}\n"
                   f"\\input{{{results / 'variables.tex'}}}\n\\begin{{document}}\n"
                   "Articles: \\paCorpusArticles; K = \\paTopicsK; NPMI \\paTopicsReportedNpmiWindowMean.\n"
                   f"{body}\n\\end{{document}}\n", encoding="utf-8")
    res = subprocess.run([exe, "-interaction=nonstopmode", "-halt-on-error", doc.name],
                         cwd=tmp_path, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-3000:]
    assert (tmp_path / "paper.pdf").stat().st_size > 1000
