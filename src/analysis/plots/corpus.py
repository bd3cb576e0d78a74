"""Figures of the corpus stage: what text the compilation holds."""

from __future__ import annotations

import pandas as pd

from .style import PALETTE, setup_style

__all__ = ["draw_coverage"]

_STATUSES = ["full", "truncated", "title_only"]
_COLOURS = {"full": PALETTE[0], "truncated": PALETTE[1], "title_only": "#BBBBBB"}
_MAX_TICK_LABELS = 20
_SECTION_LABELS = {"party_committees": "各级党委\nparty committees",
                   "political_legal_organs": "政法机关\npolitical-legal organs",
                   "other_units": "其他单位\nother units"}


def _title_only_note(table: pd.DataFrame) -> str:
    total = table.set_index("section").loc["total"]
    n, n_title = int(total["articles"]), int(total["title_only"])
    if not n_title:
        return "article_id"
    return f"article_id ({n_title} of {n} articles: title only, no body)"


def draw_coverage(table: pd.DataFrame, articles: pd.DataFrame, *, evidence: str):
    """Two panels: articles by section × text_status; body length per article.

    Parameters
    ----------
    table : DataFrame
        :func:`analysis.corpus.coverage_table` (with its ``total`` row).
    articles : DataFrame
        ``article_id``, ``text_status`` and ``n_chars`` per article.
    evidence : str
        The evidence line (:func:`analysis.evidence.evidence_label`) for the title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    setup_style()
    sections = table[table["section"] != "total"].set_index("section")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7.2, 3.0),
                                   gridspec_kw={"width_ratios": [1, 1.6]})
    left = pd.Series(0, index=sections.index)
    for status in _STATUSES:
        ax1.barh(sections.index, sections[status], left=left, color=_COLOURS[status],
                 label=status.replace("_", "-"), hatch="//" if status == "truncated" else None)
        left += sections[status]
    ax1.set_yticks(range(len(sections.index)))
    ax1.set_yticklabels([_SECTION_LABELS.get(s, s) for s in sections.index])
    ax1.invert_yaxis()
    ax1.set_xlabel("articles in the table of contents")
    ax1.legend(frameon=False, loc="lower right")
    ax1.set_title("Articles by section and text status")

    bodies = articles[articles["text_status"] != "title_only"].sort_values("article_id")
    ax2.bar(bodies["article_id"].astype(str), bodies["n_chars"],
            color=[_COLOURS[s] for s in bodies["text_status"]], hatch=None)
    for bar, status in zip(ax2.patches, bodies["text_status"]):
        if status == "truncated":
            bar.set_hatch("//")
    ax2.set_xlabel(_title_only_note(table))
    ax2.set_ylabel("body length (characters)")
    ax2.set_title("Body length per article")
    ax2.tick_params(axis="x", labelsize=7)
    if len(bodies) > _MAX_TICK_LABELS:  # a long compilation: label every k-th bar only
        step = -(-len(bodies) // _MAX_TICK_LABELS)
        for i, label in enumerate(ax2.get_xticklabels()):
            label.set_visible(i % step == 0)
    fig.suptitle("Corpus coverage — " + evidence, fontsize=9, y=1.02)
    return fig
