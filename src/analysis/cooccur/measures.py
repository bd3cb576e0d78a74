"""Association measures of keyword pairs, keyword selection and edge filtering.

For each pair the 2×2 table over windows is::

              b in window     b not in window
    a in         n_ab            n_a - n_ab
    a not     n_b - n_ab     N - n_a - n_b + n_ab

and the measures are count (``n_ab``), Jaccard, Dice, NPMI and the
log-likelihood ratio G² (:func:`analysis.stats.g2`) with its χ²(1) p-value.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import sparse
from scipy import stats as _st

from ..stats import g2, keyness_2x2
from .windows import binary, term_table

__all__ = ["MEASURES", "association", "cooccurrence", "filter_edges", "keyness",
           "pair_measures", "select_keywords"]

#: Association measures, all "larger = stronger association".
MEASURES = ("count", "jaccard", "dice", "npmi", "g2")


def keyness(counts: sparse.spmatrix, vocab, target) -> pd.DataFrame:
    """G² keyness of each term in the target windows against all other windows.

    Token frequencies are compared (the usual corpus-linguistics 2×2 table of
    term vs other tokens × target vs reference), with
    :func:`analysis.stats.keyness_2x2`: ``log_ratio`` is Hardie's log ratio
    (a zero frequency counts as 0.5).
    """
    target = np.asarray(target, dtype=bool)
    counts = sparse.csr_matrix(counts)
    a = np.asarray(counts[target].sum(axis=0)).ravel().astype(float)
    b = np.asarray(counts[~target].sum(axis=0)).ravel().astype(float)
    k = keyness_2x2(a, b, a.sum(), b.sum())
    return pd.DataFrame({"term": vocab, "freq_target": a.astype(int),
                         "freq_reference": b.astype(int), "g2": k["g2"].to_numpy(),
                         "log_ratio": k["log_ratio"].to_numpy(),
                         "p_value": k["p_value"].to_numpy()})


def select_keywords(counts: sparse.spmatrix, vocab, *, method: str = "frequency", n: int = 60,
                    min_windows: int = 5, terms=None, target=None, exclude=()) -> list[str]:
    """Pick the keywords (network nodes).

    Parameters
    ----------
    method : {"frequency", "keyness", "list"}
        ``frequency``: most windows; ``keyness``: largest positive G² of the
        ``target`` windows against the rest; ``list``: ``terms`` as given
        (terms absent from the windows are dropped with a warning).
    n, min_windows : int
        At most ``n`` terms found in at least ``min_windows`` windows.
    exclude : iterable of str
        Terms never selected.

    Ties are broken by term (code-point order), so the choice is deterministic.
    """
    tt = term_table(counts, vocab)
    tt = tt[~tt["term"].isin(set(exclude))]
    if method == "list":
        if terms is None:
            raise ValueError("method='list' needs terms")
        present = set(tt["term"][tt["n_windows"] > 0])
        absent = [t for t in terms if t not in present]
        if absent:
            warnings.warn(f"keywords not found in any window: {absent}", stacklevel=2)
        return sorted(dict.fromkeys(t for t in terms if t in present))
    tt = tt[tt["n_windows"] >= min_windows]
    if method == "frequency":
        ranked = tt.sort_values(["n_windows", "freq", "term"], ascending=[False, False, True],
                                kind="mergesort")
    elif method == "keyness":
        if target is None:
            raise ValueError("method='keyness' needs a boolean target mask over windows")
        kt = keyness(counts, vocab, target)
        kt = kt[kt["term"].isin(set(tt["term"])) & (kt["log_ratio"] > 0)]
        ranked = kt.sort_values(["g2", "term"], ascending=[False, True], kind="mergesort")
    else:
        raise ValueError(f"unknown keyword method {method!r}")
    return sorted(ranked["term"].head(n))


def association(n_ab, n_a, n_b, n) -> pd.DataFrame:
    """All measures for pairs with joint count ``n_ab``, margins ``n_a``, ``n_b`` of ``n`` windows.

    Conventions: Jaccard/Dice are 0 when both margins are 0; NPMI is -1 when
    ``n_ab = 0`` and 1 when the pair fills every window; ``g2`` is the
    unsigned G² and ``expected`` (``n_a n_b / n``) tells its direction.
    """
    m = pair_measures(*(np.ravel(v) if np.ndim(v) else v for v in (n_ab, n_a, n_b, n)))
    m["count"] = m["count"].astype(np.int64)
    m["p_value"] = _st.chi2.sf(m["g2"], 1)
    return pd.DataFrame(m)[["count", "expected", "jaccard", "dice", "npmi", "g2", "p_value"]]


def pair_measures(n_ab, n_a, n_b, n, *, only: str | None = None) -> dict:
    """The measures as arrays of any (broadcast) shape (``only``: just that one)."""
    n_ab, n_a, n_b, n = np.broadcast_arrays(*(np.asarray(v, dtype=float)
                                              for v in (n_ab, n_a, n_b, n)))

    def jaccard():
        union = n_a + n_b - n_ab
        return np.where(union > 0, n_ab / np.where(union > 0, union, 1), 0.0)

    def dice():
        tot = n_a + n_b
        return np.where(tot > 0, 2 * n_ab / np.where(tot > 0, tot, 1), 0.0)

    def npmi():
        with np.errstate(divide="ignore", invalid="ignore"):
            p_ab = n_ab / n
            pmi = np.log(n_ab * n / (n_a * n_b))
            return np.where(n_ab <= 0, -1.0, np.where(p_ab >= 1, 1.0, pmi / -np.log(p_ab)))

    def expected():
        return np.where(n > 0, n_a * n_b / np.where(n > 0, n, 1), 0.0)

    funcs = {"count": lambda: n_ab, "expected": expected, "jaccard": jaccard, "dice": dice,
             "npmi": npmi,
             "g2": lambda: g2(n_ab, n_a - n_ab, n_b - n_ab, n - n_a - n_b + n_ab)}
    return {k: f() for k, f in funcs.items() if only is None or k == only}


def cooccurrence(counts: sparse.spmatrix, vocab, keywords, *, min_count: int = 1
                 ) -> pd.DataFrame:
    """Every co-occurring keyword pair with its measures.

    Returns
    -------
    DataFrame
        source, target (source < target), n_source, n_target, n_windows and the
        columns of :func:`association`, sorted by source, target.
    """
    X = binary(counts)
    index = {t: i for i, t in enumerate(vocab)}
    missing = [k for k in keywords if k not in index]
    if missing:
        raise KeyError(f"keywords not in the vocabulary: {missing}")
    kw = np.array(sorted(set(keywords)), dtype=object)
    cols = np.array([index[k] for k in kw], dtype=np.int64)
    Xk = X[:, cols].tocsc()
    joint = sparse.triu(Xk.T @ Xk, k=1).tocoo()
    keep = joint.data >= min_count
    i, j, n_ab = joint.row[keep], joint.col[keep], joint.data[keep]
    df = np.asarray(Xk.sum(axis=0)).ravel()
    order = np.lexsort((j, i))
    i, j, n_ab = i[order], j[order], n_ab[order]
    pairs = pd.DataFrame({"source": kw[i], "target": kw[j], "n_source": df[i],
                          "n_target": df[j], "n_windows": X.shape[0]})
    return pd.concat([pairs, association(n_ab, df[i], df[j], X.shape[0])], axis=1)


def filter_edges(pairs: pd.DataFrame, *, measure: str = "jaccard", min_count: int = 1,
                 min_measure: float | None = None, top_n: int | None = None,
                 positive_only: bool = True) -> pd.DataFrame:
    """Keep the strongest pairs as network edges.

    ``positive_only`` drops pairs that co-occur no more often than expected
    under independence (G² and NPMI would otherwise rank avoidance as
    association). Rows are sorted by the measure (descending), then
    source, target; ``weight`` holds the measure.
    """
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    e = pairs[pairs["count"] >= min_count]
    if positive_only:
        e = e[e["count"] > e["expected"]]
    if min_measure is not None:
        e = e[e[measure] >= min_measure]
    e = e.sort_values([measure, "source", "target"], ascending=[False, True, True],
                      kind="mergesort")
    if top_n is not None:
        e = e.head(top_n)
    e = e.reset_index(drop=True)
    e["weight"] = e[measure].astype(float)
    return e
