"""Figures of the topic stage: K diagnostics, top words, article × topic heatmap.

Each ``draw_*`` takes the stage's tables (see :class:`analysis.topics.TopicResults`)
and the evidence line of its caption, and returns a Figure; saving is the stage's job.
"""

from __future__ import annotations

import textwrap
from typing import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .style import PALETTE, setup_style

__all__ = ["draw_article_heatmap", "draw_k_diagnostics", "draw_top_words"]

SECTION_ORDER = ["party_committees", "political_legal_organs", "other_units"]
TIER_ORDER = ["national", "province", "city", "county", "grassroots"]
_SECTION_SHORT = {"party_committees": "党委", "political_legal_organs": "政法",
                  "other_units": "其他"}
_K_PANELS = [("npmi", "NPMI coherence (higher better)"),
             ("umass", "UMass coherence (higher better)"),
             ("exclusivity", "Exclusivity (stm, FREX w=0.7)"),
             ("stability", "Stability across seeds: matched topics,\n"
                           "centred cosine (0 = chance, 1 = identical)"),
             ("heldout_perplexity", "Held-out perplexity, gensim bound (lower better;\n"
                                    "known to grow with K on short texts)"),
             ("cv", "c_v — flagged: its authors no longer\nrecommend it; for comparison only")]


def draw_k_diagnostics(k_table: pd.DataFrame, *, chosen_k: int, evidence: str) -> plt.Figure:
    """Coherence, exclusivity, held-out perplexity and stability against K (±1 sd).

    Parameters
    ----------
    k_table : DataFrame
        :func:`analysis.topics.select_k`'s table (``k``, ``n_seeds``, ``<metric>_mean|sd``).
    chosen_k : int
        K of the reported model (a dashed line).
    evidence : str
        Caption line on the text the models stand on.
    """
    panels = [p for p in _K_PANELS if f"{p[0]}_mean" in k_table.columns]
    n_seeds = int(k_table["n_seeds"].iloc[0])
    setup_style()  # also in force when the stage saves the figure
    fig, axes = plt.subplots(2, 3, figsize=(9.5, 5.6), sharex=True)
    for ax, (m, title) in zip(axes.flat, panels):
        ax.errorbar(k_table["k"], k_table[f"{m}_mean"], yerr=k_table[f"{m}_sd"],
                    marker="o", ms=3.5, capsize=2.5, lw=1.2,
                    color=PALETTE[4 if m == "cv" else 0])
        ax.axvline(chosen_k, color=PALETTE[3], ls="--", lw=1)
        ax.set_title(title, fontsize=8.5)
        ax.set_xticks(k_table["k"])
    for ax in axes.flat[len(panels):]:
        ax.axis("off")
    for ax in axes[-1]:
        ax.set_xlabel("K (number of topics)")
    fig.suptitle(f"Choosing K for LDA on body paragraphs: mean ± sd over {n_seeds} seeds; "
                 f"dashed line: chosen K = {chosen_k}\n{evidence}", fontsize=9.5)
    fig.tight_layout()
    return fig


def draw_top_words(terms: pd.DataFrame, labels: pd.DataFrame, *, evidence: str) -> plt.Figure:
    """Top words by probability for every topic, titled with label and gloss.

    Parameters
    ----------
    terms : DataFrame
        :func:`analysis.topics.topic_terms`' table; its ``method == "prob"`` rows are drawn.
    labels : DataFrame
        ``topic``, ``label``, ``gloss``.
    evidence : str
        Caption line on the text the model stands on.
    """
    prob = terms[terms["method"] == "prob"].sort_values(["topic", "rank"], kind="stable")
    topics = sorted(prob["topic"].unique())
    k = len(topics)
    ncol = 4 if k > 6 else 3
    nrow = int(np.ceil(k / ncol))
    lab = labels.set_index("topic")
    setup_style()  # also in force when the stage saves the figure
    fig, axes = plt.subplots(nrow, ncol, figsize=(2.6 * ncol, 2.9 * nrow))
    for i, ax in enumerate(np.atleast_1d(axes).flat):
        if i >= k:
            ax.axis("off")
            continue
        t = topics[i]
        words = prob[prob["topic"] == t]
        n = len(words)
        ax.barh(range(n), words["prob"].to_numpy(dtype=float), color=PALETTE[t % 6])
        ax.set_yticks(range(n), words["term"].tolist())
        ax.invert_yaxis()
        ax.tick_params(axis="x", labelsize=6.5)
        gloss = textwrap.fill(str(lab.loc[t, "gloss"]), 34)
        ax.set_title(f"T{t} {lab.loc[t, 'label']}\n{gloss}", fontsize=8)
    fig.supxlabel("word probability in topic", fontsize=8)
    fig.suptitle("Top words per topic (probability); LDA on body paragraphs\n"
                 f"{evidence}", fontsize=9.5)
    fig.tight_layout()
    return fig


def _order_articles(at: pd.DataFrame) -> pd.DataFrame:
    at = at.copy()
    at["_s"] = at["section"].map({s: i for i, s in enumerate(SECTION_ORDER)}).fillna(99)
    keys = ["_s"]
    if "tier" in at.columns:
        at["_t"] = at["tier"].map({t: i for i, t in enumerate(TIER_ORDER)}).fillna(99)
        keys.append("_t")
    return at.sort_values(keys + ["article_id"], kind="stable").drop(
        columns=[c for c in ("_s", "_t") if c in at.columns])


def _row_names(p: pd.DataFrame) -> list[str]:
    """'12 乐昌市主动创稳推动平安建… [党委/county]': id, TOC title (cut), section, tier."""
    names = []
    for r in p.itertuples():
        title = r.title if len(r.title) <= 12 else r.title[:12] + "…"
        group = _SECTION_SHORT.get(r.section, r.section)
        if "tier" in p.columns:
            group += "/" + (r.tier if isinstance(r.tier, str) else "?")
        names.append(f"{r.article_id} {title} [{group}]")
    return names


def _heatmap_panel(ax, p: pd.DataFrame, cols: list[str], xt: list[str], *, top: bool,
                   title: str):
    im = ax.imshow(p[cols].to_numpy(dtype=float), aspect="auto", vmin=0, vmax=1,
                   cmap="viridis", interpolation="nearest")
    ax.set_yticks(range(len(p)), _row_names(p), fontsize=5.5)
    if top:  # column labels above the first of several panels
        ax.xaxis.tick_top()
        ax.set_xticks(range(len(cols)), xt, rotation=40, ha="left", fontsize=7)
    else:
        ax.set_xticks(range(len(cols)), xt, rotation=40, ha="right", fontsize=7)
    ax.spines[:].set_visible(False)
    ax.set_title(title, fontsize=8, loc="left")
    # Section boundaries as lines
    sec = p["section"].to_numpy()
    for i in np.flatnonzero(sec[1:] != sec[:-1]):
        ax.axhline(i + 0.5, color="white", lw=1.5)
    return im


def draw_article_heatmap(article_topics: pd.DataFrame, labels: pd.DataFrame, *,
                         evidence: Mapping[str, str]) -> plt.Figure:
    """Article × topic prevalence, text-level and title-level rows in separate panels.

    Rows are ordered by section, then tier when the ``tier`` column is present,
    then article_id.

    Parameters
    ----------
    article_topics : DataFrame
        :func:`analysis.topics.article_topics`' table.
    labels : DataFrame
        ``topic``, ``label``.
    evidence : mapping
        Caption line of each panel, by evidence level (``"text"``, ``"title"``).
    """
    cols = [c for c in article_topics.columns if c.startswith("topic_")]
    lab = labels.set_index("topic")
    xt = [f"T{i} {lab.loc[i, 'label']}" for i in range(len(cols))]
    parts = [(ev, _order_articles(article_topics[article_topics["evidence"] == ev]))
             for ev in ("text", "title")]
    parts = [(ev, p) for ev, p in parts if len(p)]
    heights = [len(p) for _, p in parts]
    what = {"text": "token-weighted mean over body paragraphs",
            "title": "inferred from the title alone"}
    setup_style()  # also in force when the stage saves the figure
    fig, axes = plt.subplots(len(parts), 1, figsize=(3.4 + 0.6 * len(cols),
                             2.6 + 0.14 * sum(heights)), layout="constrained",
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for i, (ax, (ev, p)) in enumerate(zip(axes[:, 0], parts)):
        im = _heatmap_panel(ax, p, cols, xt, top=i == 0 and len(parts) > 1,
                            title=f"{evidence[ev]}\n{what[ev]}")
    fig.colorbar(im, ax=axes[:, 0].tolist(), shrink=0.5, label="topic prevalence")
    order_note = ("section, tier, article_id" if "tier" in article_topics.columns
                  else "section, article_id (tier not available)")
    fig.suptitle(f"Article × topic prevalence (rows ordered by {order_note})",
                 fontsize=9.5)
    return fig
