"""Figures of the corpus stage: what text the compilation holds."""

from __future__ import annotations

import pandas as pd

from .labels import term
from .style import caption, colour, figsize, human, setup_style, tag

__all__ = ["SECTION_ZH", "draw_coverage", "section_label"]

_STATUSES = ["full", "truncated", "title_only"]
_HATCH = {"truncated": "////"}
_MAX_TICK_LABELS = 20
#: The compilation's section headings (the codebook's ``section`` values).
SECTION_ZH = {"party_committees": "各级党委", "political_legal_organs": "政法机关",
              "other_units": "其他单位"}


def section_label(section: str, sep: str = "\n") -> str:
    """A section as drawn: its Chinese heading in the figure language."""
    zh = SECTION_ZH.get(section)
    return term(zh, sep) if zh else human(section)


def _title_only_note(table: pd.DataFrame) -> str:
    total = table.set_index("section").loc["total"]
    n, n_title = int(total["articles"]), int(total["title_only"])
    if not n_title:
        return "article id"
    return f"article id ({n_title} of {n} articles: title only, no body)"


def draw_coverage(table: pd.DataFrame, articles: pd.DataFrame, *, evidence: str):
    """Two panels: articles by section × text status; body length per article.

    Parameters
    ----------
    table : DataFrame
        :func:`analysis.corpus.coverage_table` (with its ``total`` row).
    articles : DataFrame
        ``article_id``, ``text_status`` and ``n_chars`` per article.
    evidence : str
        The evidence line (:func:`analysis.evidence.evidence_label`) for the caption.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    setup_style()
    sections = table[table["section"] != "total"].set_index("section")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=figsize("double", 3.0),
                                   gridspec_kw={"width_ratios": [1, 1.6]})
    left = pd.Series(0, index=sections.index)
    for status in _STATUSES:
        bars = ax1.barh(range(len(sections)), sections[status], left=left,
                        color=colour("text_status", status), label=human(status),
                        hatch=_HATCH.get(status), edgecolor="white", linewidth=0.4)
        tag(list(bars), "text_status", status)
        left += sections[status]
    ax1.set_yticks(range(len(sections.index)), [section_label(s) for s in sections.index])
    ax1.invert_yaxis()
    ax1.set_xlabel("articles in the table of contents")
    ax1.legend(frameon=False, loc="lower right", title=human("text_status"))
    ax1.set_title("Articles by section and text status", loc="left")

    bodies = articles[articles["text_status"] != "title_only"].sort_values("article_id")
    bars = ax2.bar(bodies["article_id"].astype(str), bodies["n_chars"],
                   color=[colour("text_status", s) for s in bodies["text_status"]],
                   edgecolor="white", linewidth=0.4)
    for bar, status in zip(bars, bodies["text_status"]):
        tag(bar, "text_status", status)
        bar.set_hatch(_HATCH.get(status))
    ax2.set_xlabel(_title_only_note(table))
    ax2.set_ylabel("body length (characters)")
    ax2.set_title("Body length per article", loc="left")
    ax2.tick_params(axis="x", labelsize=6, rotation=90)
    if len(bodies) > _MAX_TICK_LABELS:  # a long compilation: label every k-th bar only
        step = -(-len(bodies) // _MAX_TICK_LABELS)
        for i, label in enumerate(ax2.get_xticklabels()):
            label.set_visible(i % step == 0)
    fig.suptitle("Corpus coverage", x=0.01, ha="left")
    caption(fig, [evidence])
    return fig
