"""Figures of the units stage: the corpus by issuing unit, tier and province."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from ..evidence import Coverage
from .style import setup_style

__all__ = ["draw_by_province", "draw_by_unit_type_tier", "units_caption"]

_STATUS_STYLE = {  # colour and hatch: readable in greyscale print too
    "full": ("#0072B2", ""),
    "truncated": ("#56B4E9", "///"),
    "title_only": ("#E69F00", ".."),
}
_MISSING_LABEL = "未定 (not stated / ambiguous)"


def units_caption(cov: Coverage) -> str:
    """Where the unit metadata comes from, in the words of this corpus's coverage."""
    return (f"Unit metadata read from titles; bodies ({cov.n_text} of {cov.n_articles} "
            "articles) only settle places. ")


def _stacked_barh(ax, table: pd.DataFrame) -> None:
    left = pd.Series(0.0, index=table.index)
    for status, (colour, hatch) in _STATUS_STYLE.items():
        values = table.get(status, pd.Series(0, index=table.index))
        ax.barh(range(len(table)), values, left=left, color=colour, hatch=hatch,
                edgecolor="white", linewidth=0.5, label=status)
        left += values
    for y, total in enumerate(left):
        if total:
            ax.text(total + 0.2, y, str(int(total)), va="center", fontsize=7)
    ax.set_yticks(range(len(table)), table.index)
    ax.invert_yaxis()


def _counts(articles: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    return (articles.groupby(by + ["text_status"], dropna=False).size()
            .unstack("text_status", fill_value=0))


def draw_by_unit_type_tier(articles: pd.DataFrame, *, caption: str, evidence: str,
                           tiers: Sequence[str], unit_types: Mapping[str, str]):
    """Articles by unit_type (rows) in one panel per tier, stacked by text_status.

    Parameters
    ----------
    articles : DataFrame
        ``unit_type``, ``tier`` and ``text_status`` per article.
    caption : str
        Where the metadata comes from (:func:`units_caption`).
    evidence : str
        The evidence line (:func:`analysis.evidence.evidence_label`, ``"mixed"``).

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
    labels = [f"{unit_types[u]} {u}" for u in types]
    fig, axes = plt.subplots(1, len(tiers),
                             figsize=(2.0 * len(tiers) + 2.2, 0.32 * len(types) + 1.6),
                             sharey=True, squeeze=False)
    top = int(_counts(data, ["unit_type", "tier"]).sum(axis=1).max())
    for ax, tier in zip(axes[0], tiers):
        sub = _counts(data[data["tier"] == tier], ["unit_type"]).reindex(types, fill_value=0)
        sub.index = labels
        _stacked_barh(ax, sub)
        ax.set_title(tier, fontsize=9)
        ax.set_xlim(0, top * 1.25 + 1)
        ax.set_xlabel("articles")
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, title="text_status", loc="lower center", ncol=3,
               bbox_to_anchor=(0.5, -0.02), frameon=False)
    fig.suptitle("Corpus by issuing unit and tier (n = %d articles)" % len(data), fontsize=10)
    fig.text(0.5, -0.08, caption + evidence, ha="center", fontsize=7)
    fig.tight_layout(rect=(0, 0.06, 1, 0.97))
    return fig


def draw_by_province(articles: pd.DataFrame, *, caption: str, evidence: str):
    """Articles by province, stacked by text_status; missing provinces shown, not dropped.

    ``articles`` needs ``province`` and ``text_status``; ``caption`` and ``evidence``
    are as in :func:`draw_by_unit_type_tier`. Returns the Figure.
    """
    import matplotlib.pyplot as plt

    setup_style()
    data = articles.assign(province=articles["province"].fillna(_MISSING_LABEL))
    table = _counts(data, ["province"])
    table = table.loc[sorted(table.index, key=lambda p: (p == _MISSING_LABEL,
                                                         -table.loc[p].sum(), p))]
    fig, ax = plt.subplots(figsize=(6.0, 0.28 * len(table) + 1.4))
    _stacked_barh(ax, table)
    ax.set_xlim(0, table.sum(axis=1).max() * 1.15 + 1)
    ax.set_xlabel("articles")
    handles, names = ax.get_legend_handles_labels()
    fig.legend(handles, names, title="text_status", loc="lower center", ncol=3,
               bbox_to_anchor=(0.5, 0.0), frameon=False)
    ax.set_title("Corpus by province of the issuing unit (n = %d articles)" % len(data))
    fig.text(0.5, -0.03, "未定: a name found in several provinces, a sub-county name, or no place\n"
             "in the title; never guessed. " + caption + "\n" + evidence,
             ha="center", va="top", fontsize=7)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig
