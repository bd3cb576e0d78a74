"""Keyness: which terms a group over- or under-uses against all other groups.

G² (:func:`analysis.stats.g2`, the 2×2 table of Dunning 1993, 1 df) tests the
difference; Hardie's log ratio measures its size. Both come from
:func:`analysis.stats.keyness_2x2`. Because G² counts tokens as independent, each
term also carries the number of documents it occurs in, and
:func:`keyness_article_check` re-tests key terms with the article-level bootstrap.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.evidence import NoTextError, coverage, group_series
from analysis import permutation as perm
from analysis.stats import bh, group_rng, keyness_2x2

from .groups import check_level, level_groups, with_coverage
from .inference import Inference, from_options, unit_values
from .terms import term_difference

__all__ = ["CORRECTIONS", "group_counts", "keyness", "keyness_article_check",
           "term_group_table"]

CORRECTIONS = ("bh", "bonferroni", "none")


def group_counts(tokens: Mapping, groups: pd.Series) -> pd.DataFrame:
    """Term × group frequency table (rows sorted by term) of the articles in ``groups``."""
    counters: dict[str, Counter] = {}
    for aid, grp in groups.items():
        if aid in tokens:
            counters.setdefault(grp, Counter()).update(tokens[aid])
    table = pd.DataFrame({g: pd.Series(c, dtype=float) for g, c in sorted(counters.items())})
    return table.fillna(0).astype(int).sort_index()


def _adjust(p: np.ndarray, correction: str) -> np.ndarray:
    """p-values adjusted across the terms of one group."""
    if correction == "bh":
        return bh(p)
    if correction == "bonferroni":
        return np.minimum(p * len(p), 1.0)
    if correction == "none":
        return p
    raise ValueError("correction must be 'bh', 'bonferroni' or 'none'")


def _article_rates(tokens: Mapping, groups: pd.Series, terms: list[str],
                   per: float = 1000.0) -> pd.DataFrame:
    """Per document in ``groups``: each term's rate per ``per`` tokens."""
    index = {t: j for j, t in enumerate(terms)}
    ids = [i for i in groups.index if i in tokens]
    mat = np.zeros((len(ids), len(terms)))
    for row, i in enumerate(ids):
        for t, n in Counter(tokens[i]).items():
            if t in index:
                mat[row, index[t]] = n
        mat[row] *= per / max(len(tokens[i]), 1)
    return pd.DataFrame(mat, columns=terms).assign(article_id=ids)


def _article_test(rates: pd.DataFrame, groups: pd.Series, grp: str, inf: Inference,
                  clusters: pd.Series | None) -> dict:
    """Article-level permutation test of group ``grp`` against the rest, per term:
    mean per-document rate, labels shuffled over documents (or clusters)."""
    terms = [c for c in rates.columns if c != "article_id"]
    ids_a = groups.index[groups == grp]
    ids_b = groups.index[groups != grp]
    xa, _ = unit_values(rates, terms, ids_a, clusters)
    xb, _ = unit_values(rates, terms, ids_b, clusters)
    na, nb = xa.shape[1], xb.shape[1]
    if min(na, nb) < 2:   # a Welch statistic needs two units per side
        nan = np.full(len(terms), np.nan)
        return {"units": na, "article_p": nan, "article_q": nan}
    sp = perm.splits(na, nb, n_perm=inf.n_perm, max_exact=inf.max_exact,
                     rng=group_rng(inf.random_state, f"keyness|{grp}"))
    p = perm.welch_p(np.concatenate([xa[0], xb[0]]), sp)
    return {"units": na, "article_p": p, "article_q": bh(p)}


def _key_flags(kw: pd.DataFrame, alpha: float) -> tuple[np.ndarray, list[str]]:
    """A term is *key* for a group only when G² is significant, the article-level
    test agrees (q < alpha), the group has at least two documents and the term
    occurs in at least two of them; the note says which condition failed."""
    notes = np.select(
        [kw["n_docs"] < 2, kw["docs"] < 2, ~kw["significant"], ~(kw["article_q"] < alpha)],
        ["group has fewer than 2 documents", "in one document of the group only",
         "G2 not significant", "not significant across documents"], default="key")
    return notes == "key", list(notes)


def keyness(tokens: Mapping, articles: pd.DataFrame, by: str, *, level: str = "text",
            min_count: int = 5, alpha: float = 0.05, correction: str = "bh",
            zero: float = 0.5, inference: Inference | None = None,
            clusters: pd.Series | None = None) -> pd.DataFrame:
    """Keyness of every term in each group against all other groups pooled.

    Parameters
    ----------
    tokens : mapping article_id -> list of str
        Body tokens (``level="text"``; only text articles are used) or title
        tokens (``level="title"``; repeated TOC entries are skipped).
    articles : DataFrame
        Articles with ``by`` and ``text_status``.
    by : str
        Grouping column.
    min_count : int
        Terms with fewer occurrences in group + rest are not tested.
    alpha : float
        Level for ``significant`` on the adjusted p-values.
    correction : {"bh", "bonferroni", "none"}
        Adjustment of p-values per group across the terms tested.
    zero : float
        Frequency that stands in for 0 in the log ratio.
    inference : Inference, optional
        Permutation settings of the article-level test (default: :class:`Inference`).
    clusters : Series, optional
        ``article_id`` → unit key: documents of one cluster are averaged.

    Returns
    -------
    DataFrame
        ``by``, ``term``, ``freq``, ``freq_rest``, ``size``, ``size_rest``,
        ``docs`` / ``docs_rest`` (documents containing the term, of ``n_docs``
        / ``n_docs_rest``), ``per_10k``, ``per_10k_rest``, ``g2``, ``log_ratio``,
        ``p_value``, ``p_adjusted``, ``significant`` (token-level G²),
        ``direction`` (``over``/``under``), ``units``, ``article_p`` / ``article_q``
        (permutation test of per-document rates over documents, BH per group),
        ``key`` and ``key_note`` (see :func:`_key_flags`), ``level``,
        ``correction`` and coverage; sorted by
        group, then G² descending, then term. Groups with no tokens at this
        level are absent (their coverage says why).

    Raises
    ------
    NoTextError
        With fewer than two groups that have tokens (there is no "rest").
    """
    check_level(level)
    if correction not in CORRECTIONS:
        raise ValueError("correction must be 'bh', 'bonferroni' or 'none'")
    inference = inference or Inference()
    groups = level_groups(articles, by, level)
    table = group_counts(tokens, groups)
    if table.shape[1] < 2:
        raise NoTextError(f"{level}-level keyness by {by!r} needs two groups with "
                          f"tokens; found {list(table.columns)}")
    sizes = table.sum()
    table = table[table.sum(axis=1) >= min_count]
    # Dispersion: in how many documents of the group a term occurs. G² treats
    # tokens as independent, so a term from one long article can look "key".
    docs = group_counts({k: set(v) for k, v in tokens.items()}, groups).reindex(
        index=table.index, columns=table.columns, fill_value=0)
    n_docs = groups[groups.index.isin(list(tokens))].value_counts()
    rates = _article_rates(tokens, groups, list(table.index))
    frames = []
    for grp in table.columns:
        a = table[grp].to_numpy()
        b = table.drop(columns=grp).sum(axis=1).to_numpy()
        c, d = float(sizes[grp]), float(sizes.drop(grp).sum())
        k = keyness_2x2(a, b, c, d, zero)
        padj = _adjust(k["p_value"].to_numpy(), correction)
        frames.append(pd.DataFrame({
            by: grp, "term": table.index, "freq": a, "freq_rest": b,
            "size": int(c), "size_rest": int(d),
            "docs": docs[grp].to_numpy(),
            "docs_rest": docs.drop(columns=grp).sum(axis=1).to_numpy(),
            "n_docs": int(n_docs.get(grp, 0)), "n_docs_rest": int(n_docs.drop(grp).sum()),
            "per_10k": 1e4 * a / c, "per_10k_rest": 1e4 * b / d,
            "g2": k["g2"].to_numpy(), "log_ratio": k["log_ratio"].to_numpy(),
            "p_value": k["p_value"].to_numpy(), "p_adjusted": padj,
            "significant": padj < alpha,
            "direction": np.where(a / c >= b / d, "over", "under"),
            **_article_test(rates, groups, grp, inference, clusters),
        }))
    out = pd.concat(frames, ignore_index=True)
    out["key"], out["key_note"] = _key_flags(out, alpha)
    out = out.sort_values([by, "g2", "term"], ascending=[True, False, True],
                          kind="stable").reset_index(drop=True)
    out["level"], out["correction"] = level, correction
    return with_coverage(out, coverage(articles, by), by)


def keyness_article_check(tokens: Mapping, articles: pd.DataFrame, by: str, a: str, b: str,
                          *, n_terms: int = 25, min_count: int = 5, alpha: float = 0.05,
                          correction: str = "bh", clusters: pd.Series | None = None,
                          **boot) -> pd.DataFrame:
    """Key words of ``a`` vs ``b`` (significant, over-used, top ``n_terms`` by
    G² per side) re-tested with :func:`~analysis.compare.terms.term_difference`.

    The terms are selected on the same data: the article-level test is a
    robustness filter against one-article effects, not a confirmatory test.
    ``boot`` are the inference keywords of
    :func:`~analysis.compare.prevalence.prevalence_difference` (with ``clusters``).

    Returns
    -------
    DataFrame
        The columns of ``term_difference`` plus ``keyness_group``, ``g2``,
        ``log_ratio``, ``docs``, ``n_docs`` from the keyness table.
    """
    two = articles[group_series(articles, by).isin([a, b]).to_numpy()]
    kw = keyness(tokens, two, by, min_count=min_count, alpha=alpha, correction=correction,
                 inference=from_options(alpha=alpha, **boot), clusters=clusters)
    cand = kw[kw["significant"] & (kw["direction"] == "over")].groupby(by).head(n_terms)
    td = term_difference(tokens, articles, by, a, b, list(dict.fromkeys(cand["term"])),
                         clusters=clusters, alpha=alpha, **boot)
    return td.merge(cand[[by, "term", "g2", "log_ratio", "docs", "n_docs", "key",
                          "key_note"]]
                    .rename(columns={by: "keyness_group"}), on="term", how="left")


def term_group_table(tokens: Mapping, articles: pd.DataFrame, by: str, *,
                     level: str = "text", n_terms: int = 60,
                     min_chars: int = 2) -> pd.DataFrame:
    """Term × group counts of the ``n_terms`` most frequent terms
    (at least ``min_chars`` characters; ties by term)."""
    check_level(level)
    table = group_counts(tokens, level_groups(articles, by, level))
    table = table[table.index.str.len() >= min_chars]
    total = table.sum(axis=1)
    order = pd.DataFrame({"total": total, "term": table.index}).sort_values(
        ["total", "term"], ascending=[False, True], kind="stable")
    return table.loc[order["term"].head(n_terms)]
