"""Differential co-occurrence networks: does a pair link more strongly in one group?

Per keyword pair, the measure among the windows of group *a*'s articles and of
group *b*'s, their difference, and a permutation test in which the group labels
are shuffled over *articles* (whole articles move, so the dependence between the
sentences of one article is kept), with Benjamini–Hochberg q-values.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..evidence import NoTextError, coverage, group_series, has_text
from ..stats import bh, permutation_p
from .measures import pair_measures, select_keywords
from .network import layout_nodes
from .windows import binary, doc_term_matrix

__all__ = ["differential_layout", "differential_network", "group_articles", "group_coverage",
           "within_text"]

#: Permutations evaluated per batch (bounds the memory of the label × pair arrays).
_BATCH = 500


def _restrict(articles: pd.DataFrame, within: dict | None) -> pd.DataFrame:
    for col, val in (within or {}).items():
        articles = articles[articles[col] == val]
    return articles


def group_articles(articles: pd.DataFrame, *, group_col: str, groups,
                   within: dict | None = None) -> pd.DataFrame:
    """The articles a comparison is about: in one of ``groups``, within the restriction."""
    arts = _restrict(articles, within)
    return arts[arts[group_col].isin(list(groups))]


def within_text(within: dict | None) -> str:
    """``" within unit_type='party_committee'"`` for messages and captions."""
    return "".join(f" within {c}={v!r}" for c, v in (within or {}).items())


def group_coverage(articles: pd.DataFrame, *, group_col: str, groups,
                   within: dict | None = None) -> pd.DataFrame:
    """Articles and article bodies per group: what a text-level comparison stands on.

    Returns
    -------
    DataFrame
        group (in the order of ``groups``), n_articles, n_text, n_truncated and
        article_ids (those with body text, space-separated).
    """
    if group_col not in articles:
        raise KeyError(f"articles have no column {group_col!r}")
    arts = _restrict(articles, within)
    cov = coverage(arts, group_col).set_index(group_col)
    text = has_text(arts)
    names = group_series(arts, group_col)
    rows = []
    for g in groups:
        row = cov.loc[g] if g in cov.index else None
        ids = sorted(text.index[(names == g).to_numpy() & text.to_numpy()])
        rows.append({"group": g, "n_articles": 0 if row is None else int(row["n_articles"]),
                     "n_text": 0 if row is None else int(row["n_text"]),
                     "n_truncated": 0 if row is None else int(row["n_truncated"]),
                     "article_ids": " ".join(map(str, ids))})
    return pd.DataFrame(rows)


def _group_ids(windows, articles, *, group_col, groups, within, min_articles) -> dict:
    """Article ids with body windows per group; NoTextError below ``min_articles``."""
    arts = _restrict(articles, within)
    with_windows = set(windows["article_id"])
    cov = group_coverage(articles, group_col=group_col, groups=groups, within=within)
    ids = {}
    for g in groups:
        sel = arts.loc[arts[group_col] == g, "article_id"]
        ids[g] = sorted(i for i in sel if i in with_windows)
        if len(ids[g]) < min_articles:
            row = cov.set_index("group").loc[g]
            raise NoTextError(
                f"group {group_col}={g!r}{within_text(within)} has {len(ids[g])} article(s) "
                f"with body text ({row['n_articles']} articles in all, the rest title-only); "
                f"at least {min_articles} are needed. No text-level network is drawn for it.")
    return ids


def _article_pair_counts(win: pd.DataFrame, art_ids: np.ndarray, keywords: list[str],
                         vocab, counts) -> tuple[np.ndarray, np.ndarray]:
    """Per article: the k × k co-occurrence counts (flattened) and its number of windows."""
    index = {t: i for i, t in enumerate(vocab)}
    X = binary(counts)[:, [index[k] for k in keywords]].tocsr()
    pos_of = {aid: i for i, aid in enumerate(art_ids)}
    w_art = win["article_id"].map(pos_of).to_numpy()
    k = len(keywords)
    per_art = np.zeros((len(art_ids), k * k))
    n_win = np.zeros(len(art_ids))
    for i in range(len(art_ids)):
        Xi = X[w_art == i]
        per_art[i] = (Xi.T @ Xi).toarray().ravel()
        n_win[i] = Xi.shape[0]
    return per_art, n_win


def _exceedances(measure_pair, label_a: np.ndarray, d_obs: np.ndarray, *, n_perm: int,
                 random_state: int) -> np.ndarray:
    """How often a shuffled labelling gives a difference at least as large as observed."""
    rng = np.random.default_rng(random_state)
    perms = np.stack([rng.permutation(label_a) for _ in range(n_perm)]) if n_perm else \
        np.empty((0, len(label_a)), bool)
    exceed = np.zeros(len(d_obs))
    for chunk in np.array_split(perms, max(1, int(np.ceil(n_perm / _BATCH)))):
        if len(chunk):
            pa, pb, _, _ = measure_pair(chunk)
            # tolerance: equal differences must count as "as extreme" despite rounding
            exceed += (np.abs(pa - pb) >= np.abs(d_obs) - 1e-12).sum(axis=0)
    return exceed


def differential_network(windows: pd.DataFrame, articles: pd.DataFrame, *, group_col: str,
                         groups, keywords=None, measure: str = "jaccard", n_perm: int = 999,
                         random_state: int = 0, min_count: int = 3, alpha: float = 0.05,
                         min_articles: int = 3, within: dict | None = None,
                         n_keywords: int = 40, min_windows: int = 5) -> pd.DataFrame:
    """Per-edge measure in two groups of articles, difference and permutation test.

    The two-sided p-value is :func:`analysis.stats.permutation_p` of
    ``#{|d_perm| >= |d_obs|}``; ``q_value`` is Benjamini–Hochberg over all tested
    pairs (pooled count ``>= min_count``). Without ``keywords``, the
    ``n_keywords`` most frequent terms of the pooled windows of both groups are used.

    Raises
    ------
    NoTextError
        If either group has fewer than ``min_articles`` articles with body
        windows: a text-level network for it would be empty or misleading.

    Returns
    -------
    DataFrame
        source, target, count_a, count_b, measure_a, measure_b, diff (a - b),
        p_value, q_value, stronger_in (group name or ""); sorted by q, then
        |diff|. ``attrs`` records groups, article counts and the measure.
    """
    a, b = groups
    ids = _group_ids(windows, articles, group_col=group_col, groups=(a, b), within=within,
                     min_articles=min_articles)
    art_ids = np.array(ids[a] + ids[b])
    label_a = np.r_[np.ones(len(ids[a]), bool), np.zeros(len(ids[b]), bool)]
    win = windows[windows["article_id"].isin(set(art_ids))]
    counts, vocab = doc_term_matrix(win["tokens"])
    if keywords is None:
        keywords = select_keywords(counts, vocab, method="frequency", n=n_keywords,
                                   min_windows=min_windows)
    kw = sorted(k for k in set(keywords) if k in set(vocab))
    per_art, n_win = _article_pair_counts(win, art_ids, kw, vocab, counts)
    k = len(kw)
    total = per_art.sum(axis=0)
    iu, ju = np.triu_indices(k, 1)
    flat, diag_i, diag_j = iu * k + ju, iu * (k + 1), ju * (k + 1)
    keep = total[flat] >= min_count
    flat, diag_i, diag_j, iu, ju = flat[keep], diag_i[keep], diag_j[keep], iu[keep], ju[keep]

    def measure_pair(labels):
        lab = np.atleast_2d(labels).astype(float)
        ca, na = lab @ per_art, lab @ n_win
        cb, nb = total - ca, n_win.sum() - na
        ma = pair_measures(ca[:, flat], ca[:, diag_i], ca[:, diag_j], na[:, None],
                           only=measure)[measure]
        mb = pair_measures(cb[:, flat], cb[:, diag_i], cb[:, diag_j], nb[:, None],
                           only=measure)[measure]
        return ma, mb, ca[:, flat], cb[:, flat]

    ma, mb, ca, cb = measure_pair(label_a)
    d_obs = (ma - mb)[0]
    exceed = _exceedances(measure_pair, label_a, d_obs, n_perm=n_perm,
                          random_state=random_state)
    p = permutation_p(exceed, n_perm)
    if len(p) and len(p) / (1 + n_perm) > alpha:
        warnings.warn(f"{len(p)} pairs tested with {n_perm} permutations: the smallest "
                      f"possible BH q is {len(p) / (1 + n_perm):.3g} > alpha = {alpha}; "
                      "raise n_perm or min_count", stacklevel=2)
    kwa = np.array(kw, dtype=object)
    out = pd.DataFrame({"source": kwa[iu], "target": kwa[ju], "count_a": ca[0].astype(int),
                        "count_b": cb[0].astype(int), "measure_a": ma[0], "measure_b": mb[0],
                        "diff": d_obs, "p_value": p, "q_value": bh(p)})
    out["stronger_in"] = np.where(out["q_value"] < alpha, np.where(out["diff"] > 0, a, b), "")
    out = out.assign(_abs=out["diff"].abs()).sort_values(
        ["q_value", "_abs", "source", "target"], ascending=[True, False, True, True],
        kind="mergesort").drop(columns="_abs").reset_index(drop=True)
    out.attrs.update({"group_col": group_col, "groups": (a, b), "measure": measure,
                      "n_articles": (len(ids[a]), len(ids[b])),
                      "n_windows": (int(n_win[label_a].sum()), int(n_win[~label_a].sum())),
                      "n_perm": n_perm, "alpha": alpha, "within": dict(within or {})})
    return out


def differential_layout(diff: pd.DataFrame, terms: pd.DataFrame, *, seed: int = 0,
                        n_backbone: int = 40, method: str = "spring",
                        iterations: int = 200) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The edges a differential figure shows, and its node positions.

    The ``n_backbone`` pairs with the largest pooled counts (context) and every
    pair with a significant difference; edge ``weight`` is ``|diff|``.

    Returns
    -------
    nodes : DataFrame
        term, freq, x, y (:func:`~analysis.cooccur.network.layout_nodes`).
    edges : DataFrame
        The shown rows of ``diff`` with ``weight``.
    """
    sig = diff[diff["stronger_in"] != ""]
    backbone = diff.assign(_c=diff["count_a"] + diff["count_b"]).sort_values(
        ["_c", "source", "target"], ascending=[False, True, True], kind="mergesort"
    ).head(n_backbone).drop(columns="_c")
    shown = pd.concat([backbone, sig]).drop_duplicates(["source", "target"])
    edges = shown.assign(weight=shown["diff"].abs() + 1e-6).reset_index(drop=True)
    return layout_nodes(edges, terms, seed=seed, method=method, iterations=iterations), edges
