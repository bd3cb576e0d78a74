"""Figures of the units stage: the corpus by issuing unit, tier and province."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from ..evidence import Coverage
from .labels import term
from .style import caption as add_caption
from .style import colour, figsize, human, setup_style, tag

__all__ = ["draw_by_province", "draw_by_unit_type_tier", "units_caption"]

_STATUSES = ("full", "truncated", "title_only")
#: Hatches too, so the statuses stay apart in greyscale print.
_HATCH = {"full": "", "truncated": "////", "title_only": ".."}
_MISSING = "未定"


def units_caption(cov: Coverage) -> str:
    """Where the unit metadata comes from, in the words of this corpus's coverage."""
    return (f"Unit metadata read from titles; bodies ({cov.n_text} of {cov.n_articles} "
            "articles) only settle places. ")


def _stacked_barh(ax, table: pd.DataFrame) -> None:
    left = pd.Series(0.0, index=table.index)
    for status in _STATUSES:
        values = table.get(status, pd.Series(0, index=table.index))
        bars = ax.barh(range(len(table)), values, left=left,
                       color=colour("text_status", status), hatch=_HATCH[status],
                       edgecolor="white", linewidth=0.4, label=human(status))
        tag(list(bars), "text_status", status)
        left += values
    for y, total in enumerate(left):
        if total:
            ax.text(total + 0.2, y, str(int(total)), va="center", fontsize=6)
    ax.set_yticks(range(len(table)), table.index)
    ax.invert_yaxis()


def _counts(articles: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    return (articles.groupby(by + ["text_status"], dropna=False).size()
            .unstack("text_status", fill_value=0))


def draw_by_unit_type_tier(articles: pd.DataFrame, *, caption: str, evidence: str,
                           tiers: Sequence[str], unit_types: Mapping[str, str]):
    """Articles by unit type (rows) in one panel per tier, stacked by text status.

    Parameters
    ----------
    articles : DataFrame
        ``unit_type``, ``tier`` and ``text_status`` per article.
    caption : str
        Where the metadata comes from (:func:`units_caption`).
    evidence : str
        The evidence line (:func:`analysis.evidence.evidence_label`, ``"mixed"``).
    unit_types : mapping
        Code -> Chinese name, in codebook order.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    setup_style()
    data = articles.assign(tier=articles["tier"].fillna("none"))
    order = list(tiers)
    tiers = [t for t in (*order, "none") if t in set(data["tier"])]
    types = [u for u in unit_types if u in set(data["unit_type"])]
    labels = [term(unit_types[u]) for u in types]
    fig, axes = plt.subplots(1, len(tiers),
                             figsize=figsize("double", min(9.0, 0.16 * len(types) + 1.9)),
                             sharey=True, squeeze=False)
    top = int(_counts(data, ["unit_type", "tier"]).sum(axis=1).max())
    for ax, tier in zip(axes[0], tiers):
        sub = _counts(data[data["tier"] == tier], ["unit_type"]).reindex(types, fill_value=0)
        sub.index = labels
        _stacked_barh(ax, sub)
        ax.set_title(human(tier if tier != "none" else "no tier"), fontsize=7)
        ax.set_xlim(0, top * 1.3 + 1)
        ax.set_xlabel("articles")
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, title=human("text_status"), loc="outside upper right",
               ncol=3, frameon=False)
    fig.suptitle("Corpus by issuing unit and tier (n = %d articles)" % len(data),
                 x=0.01, ha="left")
    add_caption(fig, [caption + evidence])
    return fig


def draw_by_province(articles: pd.DataFrame, *, caption: str, evidence: str):
    """Articles by province, stacked by text status; missing provinces shown, not dropped.

    ``articles`` needs ``province`` and ``text_status``; ``caption`` and ``evidence``
    are as in :func:`draw_by_unit_type_tier`. Returns the Figure.
    """
    import matplotlib.pyplot as plt

    setup_style()
    data = articles.assign(province=articles["province"].fillna(_MISSING))
    table = _counts(data, ["province"])
    table = table.loc[sorted(table.index, key=lambda p: (p == _MISSING,
                                                         -table.loc[p].sum(), p))]
    table.index = [term(p) for p in table.index]
    fig, ax = plt.subplots(figsize=figsize("onehalf", min(9.0, 0.16 * len(table) + 1.8)))
    _stacked_barh(ax, table)
    ax.set_xlim(0, table.sum(axis=1).max() * 1.15 + 1)
    ax.set_xlabel("articles")
    ax.legend(title=human("text_status"), loc="center right", frameon=False)
    ax.set_title("Corpus by province of the issuing unit (n = %d articles)" % len(data),
                 loc="left")
    add_caption(fig, [f"{term(_MISSING)}: a name found in several provinces, a sub-county "
                      "name, or no place in the title; never guessed. " + caption, evidence])
    return fig
