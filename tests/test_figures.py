"""The figure pipeline: CJK font from pip, missing glyphs fail, fonts embedded, stable bytes."""

from __future__ import annotations

import hashlib
import warnings

import matplotlib.pyplot as plt
import pypdf
import pytest

from analysis.plots import style as figures


def _figure(text: str):
    figures.setup_style()
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_title(text)
    ax.bar(["枫桥经验", "综治中心"], [3, 5])
    return fig


def test_font_comes_from_the_pip_package():
    source = figures.source_font_path()
    assert "site-packages" in str(source) and source.name == figures.CJK_FONT_FILE
    assert figures.setup_style() == "Noto Sans CJK SC Core"
    assert plt.rcParams["font.family"][:2] == ["Noto Sans CJK SC Core", "Noto Sans CJK SC"]


def test_core_subset_keeps_outlines_and_advances_of_the_full_font():
    from fontTools.ttLib import TTFont

    from analysis.plots.fonts import core_repertoire, core_subset

    full = TTFont(figures.cjk_font_path())
    core = TTFont(core_subset(figures.cjk_font_path()))
    fmap, cmap = full.getBestCmap(), core.getBestCmap()
    assert set(cmap) == set(core_repertoire()) & set(fmap)
    assert len(cmap) > 7000 and "GSUB" not in core
    for ch in "平安建设枫桥经验矛盾纠纷化解 Safe China – ·…":
        a, b = full["glyf"][fmap[ord(ch)]], core["glyf"][cmap[ord(ch)]]
        a.expand(full["glyf"]), b.expand(core["glyf"])
        assert a.getCoordinates(full["glyf"])[0] == b.getCoordinates(core["glyf"])[0], ch
        assert full["hmtx"][fmap[ord(ch)]] == core["hmtx"][cmap[ord(ch)]], ch
    names = {r.nameID: r.toUnicode() for r in core["name"].names if r.platformID == 3}
    assert names[6] == "NotoSansCJKscCore-Regular" and names[16] == "Noto Sans CJK SC Core"


def _pdf_fonts(path) -> set[str]:
    from pypdf import PdfReader

    page = PdfReader(path).pages[0]
    return {str(f["/BaseFont"]).split("+", 1)[-1]
            for f in page["/Resources"]["/Font"].values()}


def test_common_text_embeds_the_core_font_and_rare_characters_fall_back(tmp_path):
    # 堃 and 犇 are outside GB 2312, so outside the core subset.
    common = figures.save(_figure("平安建设"), tmp_path / "common")[1]
    rare = figures.save(_figure("平安建设 堃犇"), tmp_path / "rare")[1]
    assert _pdf_fonts(common) == {"NotoSansCJKscCore-Regular"}
    assert _pdf_fonts(rare) == {"NotoSansCJKscCore-Regular", "NotoSansCJKsc-Regular"}


def test_converted_font_has_truetype_outlines_and_the_same_glyphs():
    from fontTools.ttLib import TTFont

    src, ttf = TTFont(figures.source_font_path()), TTFont(figures.cjk_font_path())
    assert "CFF " in src and "CFF " not in ttf and "glyf" in ttf
    assert ttf.sfntVersion == "\x00\x01\x00\x00"
    # post format 3 carries no glyph names, so compare glyph ids, not names.
    assert len(ttf.getGlyphOrder()) == len(src.getGlyphOrder())
    ids = {cp: ttf.getGlyphID(n) for cp, n in ttf.getBestCmap().items()}
    assert ids == {cp: src.getGlyphID(n) for cp, n in src.getBestCmap().items()}
    # Outlines survive the cubic-to-quadratic conversion: same advance, ink inside it.
    glyf, hmtx = ttf["glyf"], ttf["hmtx"]
    for ch in "平安建设枫桥经验矛盾纠纷":
        name = ttf.getBestCmap()[ord(ch)]
        g = glyf[name]
        assert g.numberOfContours > 0 and 0 <= g.xMin < g.xMax <= hmtx[name][0] + 50, ch


def test_missing_glyph_is_an_error(tmp_path):
    with pytest.raises(figures.MissingGlyphError, match="missing from font"):
        figures.save(_figure("平安\ue000建设"), tmp_path / "bad")


def test_chinese_renders_without_warnings(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        written = figures.save(_figure("平安建设 · 矛盾纠纷多元化解"), tmp_path / "ok")
    assert [p.suffix for p in written] == [".png", ".pdf"]


def test_png_is_300_dpi(tmp_path):
    from PIL import Image

    png, _ = figures.save(_figure("网格员"), tmp_path / "dpi")
    dpi = Image.open(png).info["dpi"]
    assert round(dpi[0]) == 300 and round(dpi[1]) == 300


def _embedded_fonts(pdf_path):
    found = []
    for page in pypdf.PdfReader(pdf_path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for desc in font.get("/DescendantFonts", [font]):
                desc = desc.get_object()
                fd = desc["/FontDescriptor"].get_object() if "/FontDescriptor" in desc else {}
                files = [k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in fd]
                found.append((str(font["/Subtype"]), str(font.get("/BaseFont")), files))
    return found


def test_pdf_embeds_the_cjk_font(tmp_path):
    _, pdf = figures.save(_figure("综治中心"), tmp_path / "embed")
    fonts = _embedded_fonts(pdf)
    cjk = [f for f in fonts if "NotoSansCJK" in f[1]]
    assert cjk, fonts
    # pdf.fonttype 42: a Type0/CID font with its outlines embedded (subset), never Type 3.
    assert all(sub == "/Type0" and files for sub, _, files in cjk), cjk
    assert not any(sub == "/Type3" for sub, _, _ in fonts)


def _font_programs(pdf_path):
    """(descendant subtype, font-file key, first 4 bytes of the program) per embedded font."""
    out = []
    for page in pypdf.PdfReader(pdf_path).pages:
        for font in page["/Resources"]["/Font"].values():
            for desc in font.get_object().get("/DescendantFonts", []):
                desc = desc.get_object()
                fd = desc["/FontDescriptor"].get_object()
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in fd:
                        out.append((str(desc["/Subtype"]), key, fd[key].get_object().get_data()[:4]))
    return out


def test_every_committed_pdf_declares_the_font_it_embeds():
    # What pdffonts calls "Mismatch between font type and embedded font file": a
    # CIDFontType2 (TrueType) whose FontFile2 holds a CFF program ("OTTO"). Ghostscript
    # garbles such text and MuPDF cannot render its glyphs.
    from analysis.config import ROOT

    pdfs = sorted((ROOT / "figures").glob("*.pdf"))
    assert len(pdfs) >= 20
    for pdf in pdfs:
        programs = _font_programs(pdf)
        assert programs, pdf.name
        for subtype, key, head in programs:
            assert (subtype, key) == ("/CIDFontType2", "/FontFile2"), (pdf.name, subtype, key)
            assert head in (b"\x00\x01\x00\x00", b"true"), (pdf.name, head)


def test_same_figure_same_bytes(tmp_path):
    digests = []
    for run in ("a", "b"):
        paths = figures.save(_figure("平安建设"), tmp_path / run / "fig", formats=("png", "pdf", "svg"))
        digests.append([hashlib.sha256(p.read_bytes()).hexdigest() for p in paths])
    assert digests[0] == digests[1]


def test_coverage_figure_on_the_real_corpus(ctx):
    from analysis.corpus import stage as corpus_stage

    written = corpus_stage.write(ctx)
    png = next(p for p in written if p.name == "corpus_coverage.png")
    pdf = png.with_suffix(".pdf")
    assert pdf in written
    assert png.stat().st_size > 10_000 and pdf.stat().st_size > 5_000
    assert any("NotoSansCJK" in name for _, name, _ in _embedded_fonts(pdf))
