"""Figures of the topic stage: K diagnostics, convergence, top words, article × topic heatmap.

Each ``draw_*`` takes the stage's tables (see :class:`analysis.topics.TopicResults`)
and the evidence line of its caption, and returns a Figure; saving is the stage's job.
"""

from __future__ import annotations

import textwrap
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .labels import register, term
from .style import caption, colour, figsize, fits, human, setup_style

__all__ = ["draw_article_heatmap", "draw_article_heatmaps", "draw_convergence",
           "draw_k_diagnostics", "draw_top_words", "draw_top_words_pages"]

SECTION_ORDER = ["party_committees", "political_legal_organs", "other_units"]
TIER_ORDER = ["national", "province", "city", "county", "grassroots"]
_SECTION_SHORT = {"party_committees": "党委", "political_legal_organs": "政法",
                  "other_units": "其他"}
_K_PANELS = [("npmi", "NPMI coherence (higher better)"),
             ("umass", "UMass coherence (higher better)"),
             ("exclusivity", "Exclusivity (stm, FREX w = 0.7)"),
             ("stability", "Stability across seeds: matched topics,\n"
                           "centred cosine (0 = chance, 1 = identical)"),
             ("heldout_perplexity", "Held-out perplexity, gensim bound\n(lower better; "
                                    "grows with K on short texts)"),
             ("cv", "c_v (flagged: its authors no longer\nrecommend it; comparison only)")]
#: Rows of a heatmap page: 6 pt labels, a page at most MAX_HEIGHT tall.
_ROW_IN = 0.105
_HEAT_OVERHEAD_IN = 2.2


def _register_topic_labels(labels: pd.DataFrame) -> None:
    """Curated topic labels carry their own gloss (``data/topic_labels.toml``)."""
    if "gloss" in labels.columns:
        register(dict(zip(labels["label"].astype(str), labels["gloss"].astype(str))))


def draw_k_diagnostics(k_table: pd.DataFrame, *, chosen_k: int, evidence: str) -> plt.Figure:
    """Coherence, exclusivity, held-out perplexity and stability against K (±1 sd).

    K is drawn on a numeric axis: unevenly sampled K values keep their spacing.

    Parameters
    ----------
    k_table : DataFrame
        :func:`analysis.topics.select_k`'s table (``k``, ``n_seeds``, ``<metric>_mean|sd``).
    chosen_k : int
        K of the reported model (a dashed line).
    evidence : str
        Caption line on the text the models stand on.
    """
    from matplotlib.ticker import MultipleLocator

    panels = [p for p in _K_PANELS if f"{p[0]}_mean" in k_table.columns]
    n_seeds = int(k_table["n_seeds"].iloc[0])
    setup_style()  # also in force when the stage saves the figure
    fig, axes = plt.subplots(2, 3, figsize=figsize("double", 4.6), sharex=True)
    ks = k_table["k"].astype(int).to_numpy()
    for ax, (m, title) in zip(axes.flat, panels):
        ax.errorbar(ks, k_table[f"{m}_mean"], yerr=k_table[f"{m}_sd"],
                    marker="o", ms=3, capsize=2, lw=1, color=colour("topic", 8 if m == "cv" else 0))
        ax.axvline(chosen_k, color=colour("topic", 6), ls="--", lw=0.8)
        ax.set_title(title, fontsize=6.5, loc="left")
        ax.set_xticks(ks)
        ax.xaxis.set_minor_locator(MultipleLocator(1))
        ax.tick_params(axis="x", labelsize=6)
    for ax in axes.flat[len(panels):]:
        ax.axis("off")
    for ax in axes[-1]:
        ax.set_xlabel("K (number of topics; axis to scale)")
    fig.suptitle(f"Choosing K for LDA on body paragraphs: mean ± sd over {n_seeds} seeds; "
                 f"dashed line: chosen K = {chosen_k}", x=0.01, ha="left")
    caption(fig, [evidence])
    return fig


def draw_convergence(convergence: pd.DataFrame, *, evidence: str) -> plt.Figure:
    """The reported fit's restarts and the chosen fit's bound after every pass.

    Parameters
    ----------
    convergence : DataFrame
        :func:`analysis.topics.convergence_table`'s table (``kind`` = ``restart`` /
        ``pass``, ``restart``, ``pass``, ``bound_per_word``, ``chosen``).
    evidence : str
        Caption line on the text the model stands on.
    """
    runs = convergence[convergence["kind"] == "restart"]
    trace = convergence[convergence["kind"] == "pass"]
    chosen = runs[runs["chosen"].astype(bool)].iloc[0]
    setup_style()  # also in force when the stage saves the figure
    fig, (left, right) = plt.subplots(1, 2, figsize=figsize("double", 2.4),
                                      width_ratios=[2, 1])
    left.plot(trace["pass"], trace["bound_per_word"], marker="o", ms=2, lw=1,
              color=colour("topic", 0))
    left.set_xlabel("pass")
    left.set_ylabel("bound per token (nats)")
    left.set_title(f"Chosen fit (restart {int(chosen['restart'])}): bound after each pass",
                   fontsize=6.5, loc="left")
    is_chosen = runs["chosen"].astype(bool).to_numpy()
    right.scatter(runs["restart"], runs["bound_per_word"], s=12,
                  c=[colour("topic", 6) if c else colour("topic", 0) for c in is_chosen])
    right.set_xticks(runs["restart"].astype(int))
    right.set_xlabel("restart")
    right.set_title("Final bound of every restart", fontsize=6.5, loc="left")
    for ax in (left, right):
        ax.tick_params(labelsize=6)
    fig.suptitle(f"LDA fit: best of {len(runs)} restarts by the variational bound on the "
                 "training paragraphs", x=0.01, ha="left")
    caption(fig, [evidence])
    return fig


def _top_words_figure(prob: pd.DataFrame, lab: pd.DataFrame, topics: list, ncol: int, *,
                      title: str, evidence: str) -> plt.Figure:
    """One page of top-word panels for ``topics``, ``ncol`` panels a row."""
    k = len(topics)
    nrow = int(np.ceil(k / ncol))
    n_words = int(prob.groupby("topic").size().max())
    setup_style()  # also in force when the stage saves the figure
    fig, axes = plt.subplots(nrow, ncol, figsize=figsize(
        "double", min(9.0, nrow * (0.12 * n_words + 0.7) + 0.7)))
    for i, ax in enumerate(np.atleast_1d(axes).flat):
        if i >= k:
            ax.axis("off")
            continue
        t = topics[i]
        words = prob[prob["topic"] == t]
        n = len(words)
        ax.barh(range(n), words["prob"].to_numpy(dtype=float), color=colour("topic", t))
        ax.set_yticks(range(n), [term(w) for w in words["term"]], fontsize=6)
        ax.invert_yaxis()
        ax.tick_params(axis="x", labelsize=6)
        name = "\n".join(textwrap.fill(line, 18, break_on_hyphens=False)
                         for line in term(str(lab.loc[t, "label"]), "\n").split("\n"))
        # The topic number on its own line: a CJK label does not wrap and the panels
        # are narrow beside their glossed word labels.
        ax.set_title(f"T{t}\n{name}", fontsize=6.5, loc="left")
        if i + ncol >= k:  # the lowest panel of its column
            # An axis label, not fig.supxlabel: the constrained layout keeps axis
            # labels above the caption, while a figure label sat on top of it.
            # Short and left-aligned: a longer, centred label is wider than a narrow
            # panel and can leave the page at the right edge.
            ax.set_xlabel("word probability", fontsize=6, loc="left")
    fig.suptitle(title, x=0.01, ha="left")
    caption(fig, [evidence])
    return fig


def _top_words_tables(terms: pd.DataFrame, labels: pd.DataFrame):
    prob = terms[terms["method"] == "prob"].sort_values(["topic", "rank"], kind="stable")
    _register_topic_labels(labels)
    return prob, labels.set_index("topic"), sorted(prob["topic"].unique())


_TOP_WORDS_TITLE = "Top words per topic (probability); LDA on body paragraphs"


def draw_top_words(terms: pd.DataFrame, labels: pd.DataFrame, *, evidence: str) -> plt.Figure:
    """Top words by probability for every topic on one page, titled with label and gloss.

    Parameters
    ----------
    terms : DataFrame
        :func:`analysis.topics.topic_terms`' table; its ``method == "prob"`` rows are drawn.
    labels : DataFrame
        ``topic``, ``label``, ``gloss``.
    evidence : str
        Caption line on the text the model stands on.

    With many topics the page may not hold them all; :func:`draw_top_words_pages`
    splits them over pages that do.
    """
    prob, lab, topics = _top_words_tables(terms, labels)
    return _top_words_figure(prob, lab, topics, 4 if len(topics) > 6 else 3,
                             title=_TOP_WORDS_TITLE, evidence=evidence)


def _top_words_layouts(k: int, n_words: int):
    """``(topics per page, panels a row)`` to try, in order: the one-page default, then
    one page with fewer panels a row, then 2, 3, … pages, each as tall as a page allows."""
    default = 4 if k > 6 else 3
    yield k, default
    row_in = 0.12 * n_words + 0.7
    for n_pages in range(1, k + 1):
        per_page = int(np.ceil(k / n_pages))
        if n_pages > 1 and per_page == int(np.ceil(k / (n_pages - 1))):
            continue
        for ncol in (4, 3, 2):
            tall = np.ceil(per_page / ncol) * row_in + 0.7 > 9.0
            if (per_page, ncol) != (k, default) and ncol <= max(per_page, 2) and not tall:
                yield per_page, ncol


def draw_top_words_pages(terms: pd.DataFrame, labels: pd.DataFrame, *, evidence: str,
                         stem: str = "topic_top_words") -> dict[str, plt.Figure]:
    """:func:`draw_top_words` on as few pages as fit: ``{stem: Figure, stem_2: …}``.

    The one-page figure when its content stays on the page (the seed's K); else one
    page with fewer, wider panels a row; else the topics in order over 2, 3, … pages:
    the first layout whose every page fits (:func:`~analysis.plots.style.fits`). If
    none does, the one-page figure is returned and saving it reports the overflow
    (the stage then skips the figure with that reason).
    """
    prob, lab, topics = _top_words_tables(terms, labels)
    n_words = int(prob.groupby("topic").size().max()) if len(prob) else 0
    for per_page, ncol in _top_words_layouts(len(topics), n_words):
        chunks = [topics[i:i + per_page] for i in range(0, len(topics), per_page)]
        pages: dict[str, plt.Figure] = {}
        for j, chunk in enumerate(chunks):
            title = _TOP_WORDS_TITLE + (f" (page {j + 1} of {len(chunks)})"
                                        if len(chunks) > 1 else "")
            fig = _top_words_figure(prob, lab, chunk, ncol, title=title, evidence=evidence)
            pages[stem + (f"_{j + 1}" if j else "")] = fig
            with warnings.catch_warnings():
                # a layout being tried may collapse; it is then refused, not drawn
                warnings.simplefilter("ignore", UserWarning)
                ok = fits(fig)
            if not ok:
                break
        else:
            return pages
        for fig in pages.values():
            plt.close(fig)
    return {stem: draw_top_words(terms, labels, evidence=evidence)}


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
    """'12 党委 party committees · county': article id, section, tier."""
    names = []
    for r in p.itertuples():
        short = _SECTION_SHORT.get(r.section)
        group = term(short) if short else human(r.section)
        if "tier" in p.columns:
            group += " · " + (r.tier if isinstance(r.tier, str) else "no tier")
        names.append(f"{r.article_id} {group}")
    return names


def _heatmap_panel(ax, p: pd.DataFrame, cols: list[str], xt: list[str], *, title: str):
    im = ax.imshow(p[cols].to_numpy(dtype=float), aspect="auto", vmin=0, vmax=1,
                   cmap="viridis", interpolation="nearest")
    ax.set_yticks(range(len(p)), _row_names(p), fontsize=6)
    ax.xaxis.tick_top()
    ax.set_xticks(range(len(cols)), xt, fontsize=6)
    ax.spines[:].set_visible(False)
    ax.set_title(textwrap.fill(title, 55), fontsize=7, loc="left")
    # Section boundaries as lines
    sec = p["section"].to_numpy()
    for i in np.flatnonzero(sec[1:] != sec[:-1]):
        ax.axhline(i + 0.5, color="white", lw=1.5)
    return im


def draw_article_heatmap(part: pd.DataFrame, labels: pd.DataFrame, *, title: str,
                         note: str) -> plt.Figure:
    """One page of the article × topic heatmap (rows already ordered).

    Parameters
    ----------
    part : DataFrame
        Rows of :func:`analysis.topics.article_topics`' table for this page.
    labels : DataFrame
        ``topic``, ``label`` (and ``gloss``).
    title, note : str
        Panel title and caption (evidence line and row order).
    """
    cols = [c for c in part.columns if c.startswith("topic_")]
    _register_topic_labels(labels)
    lab = labels.set_index("topic")
    xt = [f"T{i}" for i in range(len(cols))]
    key = [f"T{i} = {term(str(lab.loc[i, 'label']))}" for i in range(len(cols))]
    setup_style()  # also in force when the stage saves the figure
    height = min(9.0, _HEAT_OVERHEAD_IN + _ROW_IN * len(part) + 0.1 * len(cols))
    fig, ax = plt.subplots(figsize=figsize("onehalf", height))
    im = _heatmap_panel(ax, part, cols, xt, title=title)
    fig.colorbar(im, ax=ax, shrink=min(1.0, 3.0 / height), label="topic prevalence")
    caption(fig, ["; ".join(key), note])
    return fig


def draw_article_heatmaps(article_topics: pd.DataFrame, articles: pd.DataFrame,
                          labels: pd.DataFrame, *, evidence: str) -> dict[str, plt.Figure]:
    """Article × topic shares of the articles with body text.

    Rows are ordered by section, then tier when the articles have a ``tier`` column,
    then article_id; more rows than a page holds are split over pages. Titles get no
    topic shares (a title is too short for LDA), so there is no title-level page.

    Parameters
    ----------
    article_topics : DataFrame
        :func:`analysis.topics.article_topics`' table (``article_id``, ``topic_*``).
    articles : DataFrame
        The corpus's articles: ``section`` (and ``tier``) by ``article_id``.
    labels : DataFrame
        ``topic``, ``label``.
    evidence : str
        Caption line (the text-level evidence of the corpus and the model).

    Returns
    -------
    dict
        File stem -> Figure: ``article_topic_heatmap``, ``…_2`` for further pages.
    """
    meta = [c for c in ("article_id", "section", "tier") if c in articles.columns]
    at = article_topics.merge(articles[meta], on="article_id", how="left",
                              validate="one_to_one")
    n_cols = sum(c.startswith("topic_") for c in at.columns)
    per_page = int((9.0 - _HEAT_OVERHEAD_IN - 0.1 * n_cols) / _ROW_IN)
    order_note = ("Rows ordered by section, tier, article id." if "tier" in at
                  else "Rows ordered by section, article id (tier not available).")
    p = _order_articles(at)
    pages = [p.iloc[i:i + per_page] for i in range(0, len(p), per_page)]
    out = {}
    for j, part in enumerate(pages):
        page = f" (page {j + 1} of {len(pages)})" if len(pages) > 1 else ""
        stem = "article_topic_heatmap" + (f"_{j + 1}" if j else "")
        out[stem] = draw_article_heatmap(
            part, labels, title=f"Article × topic shares{page}: each article's kept tokens "
                                "inferred as one document", note=f"{order_note} {evidence}")
    return out
