"""Group comparisons that say what text they stand on.

Every function takes the ``articles`` table and a grouping column ``by``
(``section``, ``unit_type``, ``tier``, ``province``, ``text_status`` …) and
returns a DataFrame that carries the group's coverage (:func:`coverage`):
how many articles it has, how many with body text, and the evidence level.

Two levels of evidence are kept apart throughout:

* **text-level** — article bodies (``text_status`` ``full`` or ``truncated``);
  groups without a body get *no* text-level estimate (status column, NaN
  estimates, or :class:`NoTextError` from two-group comparisons);
* **title-level** — table-of-contents titles, available for every article and
  always labelled as such.

Uncertainty comes from a cluster bootstrap that resamples *articles* (never
paragraphs) within each group, with one seeded stream per group so a group's
interval does not change when other groups are added.
"""

from __future__ import annotations

import re
import textwrap
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from .config import write_csv

__all__ = [
    "NoTextError", "TEXT_STATUSES", "MISSING_GROUP",
    "coverage", "coverage_labels", "article_prevalence", "topic_prevalence",
    "prevalence_difference", "best_covered_groups", "key_differences",
    "log_likelihood", "log_ratio", "keyness", "term_group_table",
    "correspondence_analysis", "correspondence",
    "load_actors", "count_actors", "actor_mentions", "title_actor_mentions",
    "actor_topics", "actor_keywords", "term_mentions", "topic_inputs", "with_units",
    "article_tokens", "paragraph_tokens", "load_or_build_topics", "titles_matching",
    "term_table", "term_by_article", "token_forms", "actor_rates", "actor_difference",
    "term_difference", "keyness_article_check", "read_key_differences",
    "formulas_by_group", "formulas_near",
    "plot_topic_prevalence", "plot_difference", "plot_keyness",
    "plot_correspondence", "plot_actor_mentions", "write_outputs",
]

#: ``text_status`` values that mean the article has (some) body text.
TEXT_STATUSES = ("full", "truncated")
#: Label for a missing group value (e.g. an ambiguous province): never guessed.
MISSING_GROUP = "(missing)"
NO_TEXT_STATUS = "no text: no text-level estimate"

COVERAGE_COLUMNS = ["n_articles", "n_text", "n_full", "n_truncated", "n_title_only",
                    "n_duplicates", "n_chars", "n_tokens", "evidence"]


class NoTextError(ValueError):
    """A text-level comparison was asked of a group that has no body text."""


# --------------------------------------------------------------------------
# Groups and coverage
# --------------------------------------------------------------------------

def _group_series(articles: pd.DataFrame, by: str) -> pd.Series:
    if by not in articles.columns:
        raise KeyError(f"grouping column {by!r} not in articles "
                       f"(columns: {', '.join(map(str, articles.columns))})")
    g = articles[by].astype(object).where(articles[by].notna(), MISSING_GROUP)
    return pd.Series(g.astype(str).to_numpy(), index=articles["article_id"].to_numpy(),
                     name=by)


def _has_text(articles: pd.DataFrame) -> pd.Series:
    return pd.Series(articles["text_status"].isin(TEXT_STATUSES).to_numpy(),
                     index=articles["article_id"].to_numpy())


def _not_duplicate(articles: pd.DataFrame) -> pd.Series:
    """Title-level analyses skip repeated TOC entries (``duplicate_of`` set),
    so one title is not counted twice."""
    dup = (articles["duplicate_of"].notna() if "duplicate_of" in articles.columns
           else pd.Series(False, index=articles.index))
    return pd.Series((~dup).to_numpy(), index=articles["article_id"].to_numpy())


def _token_counts(tokens) -> pd.Series | None:
    """Token count per article_id from token lists, counts, or None."""
    if tokens is None:
        return None
    if isinstance(tokens, pd.Series) and pd.api.types.is_numeric_dtype(tokens):
        return tokens.astype(float)
    return pd.Series({k: float(len(v)) for k, v in dict(tokens).items()}, dtype=float)


def coverage(articles: pd.DataFrame, by: str, tokens=None) -> pd.DataFrame:
    """What text each group stands on.

    Parameters
    ----------
    articles : DataFrame
        Articles table (``article_id``, ``text_status``, ``n_chars`` and ``by``).
    by : str
        Grouping column; missing values become ``"(missing)"``.
    tokens : mapping article_id -> token list, or Series of counts, optional
        Body tokens, to report ``n_tokens`` (NaN when not given).

    Returns
    -------
    DataFrame
        One row per group (sorted): ``n_articles``, ``n_text`` (full or
        truncated), ``n_full``, ``n_truncated``, ``n_title_only``, ``n_chars``,
        ``n_duplicates`` (repeated TOC titles, left out of title-level
        analyses), ``n_tokens`` and ``evidence``: ``"text"`` (every article has a body),
        ``"title-only"`` (none has) or ``"mixed"``.
    """
    g = _group_series(articles, by)
    status = pd.Series(articles["text_status"].to_numpy(), index=g.index)
    n_chars = (articles["n_chars"] if "n_chars" in articles.columns
               else articles.get("text", pd.Series("", index=articles.index)).fillna("").str.len())
    chars = pd.Series(n_chars.fillna(0).to_numpy(), index=g.index)
    counts = _token_counts(tokens)
    rows = []
    for name in sorted(g.unique()):
        ids = g.index[g == name]
        st = status.loc[ids]
        n_text = int(st.isin(TEXT_STATUSES).sum())
        n_dup = int((~_not_duplicate(articles)).reindex(ids).sum())
        n_tok = (float(counts.reindex(ids[st.isin(TEXT_STATUSES).to_numpy()])
                       .fillna(0).sum()) if counts is not None else np.nan)
        rows.append({
            by: name, "n_articles": len(ids), "n_text": n_text,
            "n_full": int((st == "full").sum()),
            "n_truncated": int((st == "truncated").sum()),
            "n_title_only": int((st == "title_only").sum()),
            "n_duplicates": n_dup,
            "n_chars": int(chars.loc[ids].sum()), "n_tokens": n_tok,
            "evidence": ("title-only" if n_text == 0
                         else "text" if n_text == len(ids) else "mixed"),
        })
    return pd.DataFrame(rows, columns=[by, *COVERAGE_COLUMNS])


def coverage_labels(cov: pd.DataFrame, by: str) -> dict[str, str]:
    """Tick labels that show coverage: ``"county\\n(n=10, text 10)"``."""
    return {r[by]: f"{r[by]}\n(n={r['n_articles']}, text {r['n_text']})"
            for _, r in cov.iterrows()}


def _with_coverage(result: pd.DataFrame, cov: pd.DataFrame, by: str) -> pd.DataFrame:
    return result.merge(cov, on=by, how="left", validate="many_to_one")


def _seed(random_state: int, group: str) -> np.random.Generator:
    # One stream per (seed, group name): a group's CI is independent of the others.
    return np.random.default_rng(
        np.random.SeedSequence([int(random_state), zlib.crc32(group.encode("utf-8"))]))


# --------------------------------------------------------------------------
# Topic prevalence with a cluster bootstrap over articles
# --------------------------------------------------------------------------

def _topic_columns(doc_topics: pd.DataFrame, topic_cols) -> list[str]:
    if topic_cols is not None:
        return list(topic_cols)
    cols = [c for c in doc_topics.columns if str(c).startswith("topic")]
    if not cols:
        raise ValueError("no topic columns found; pass topic_cols")
    return cols


def article_prevalence(doc_topics: pd.DataFrame, topic_cols=None,
                       weight_col: str | None = "n_tokens") -> pd.DataFrame:
    """Article × topic prevalence (index ``article_id``).

    Several rows per article (paragraphs) are averaged with ``weight_col``
    as weights (token-weighted, as the topic stage defines article
    prevalence); rows without weight fall back to an unweighted mean.
    """
    cols = _topic_columns(doc_topics, topic_cols)
    df = doc_topics
    if weight_col and weight_col in df.columns:
        w = df[weight_col].astype(float).to_numpy()
    else:
        w = np.ones(len(df))
    # Rows with no kept tokens have undefined proportions: they carry no weight.
    keep = (w > 0) & df[cols].notna().all(axis=1).to_numpy()
    df, w = df[keep], w[keep]
    vals = df[cols].to_numpy(dtype=float) * w[:, None]
    num = pd.DataFrame(vals, columns=cols).groupby(df["article_id"].to_numpy()).sum()
    den = pd.Series(w).groupby(df["article_id"].to_numpy()).sum()
    out = num.div(den.where(den > 0), axis=0)
    out.index.name = "article_id"
    return out.sort_index()


def _bootstrap_means(x: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    idx = rng.integers(0, len(x), size=(n_boot, len(x)))
    return x[idx].mean(axis=1)


def _units(articles: pd.DataFrame, by: str, prev: pd.DataFrame, level: str) -> pd.Series:
    """Group of each article that enters an estimate at this level."""
    g = _level_groups(articles, by, level)
    return g[g.index.isin(prev.index)]


def topic_prevalence(doc_topics: pd.DataFrame, articles: pd.DataFrame, by: str, *,
                     topic_cols=None, weight_col: str | None = "n_tokens",
                     level: str = "text", n_boot: int = 1000, ci: float = 0.95,
                     min_articles: int = 3, random_state: int = 0,
                     tokens=None) -> pd.DataFrame:
    """Mean topic prevalence per group with cluster-bootstrap CIs.

    Articles are the resampling units: each group's articles are drawn with
    replacement ``n_boot`` times and the mean article prevalence recomputed.

    Parameters
    ----------
    doc_topics : DataFrame
        ``article_id`` plus one column per topic; paragraph rows are
        aggregated by :func:`article_prevalence`.
    level : {"text", "title"}
        ``"text"``: only articles with body text enter; groups without any get
        ``status`` = ``"no text: no text-level estimate"`` and NaN values.
        ``"title"``: prevalence inferred from titles, for every article.
    min_articles : int
        Below this many articles the point estimate is given but the CI is NaN.

    Returns
    -------
    DataFrame
        Long: ``by``, ``topic``, ``estimate``, ``ci_low``, ``ci_high``,
        ``n_units``, ``level``, ``status`` and the coverage columns.
    """
    if level not in ("text", "title"):
        raise ValueError("level must be 'text' or 'title'")
    prev = article_prevalence(doc_topics, topic_cols, weight_col)
    cols = list(prev.columns)
    units = _units(articles, by, prev, level)
    cov = coverage(articles, by, tokens)
    lo_q, hi_q = 100 * (1 - ci) / 2, 100 * (1 + ci) / 2
    rows = []
    for name in cov[by]:
        ids = units.index[units == name]
        x = prev.loc[ids, cols].to_numpy(dtype=float)
        n = len(ids)
        if n == 0:
            est = lo = hi = np.full(len(cols), np.nan)
            status = NO_TEXT_STATUS if level == "text" else "no articles"
        else:
            est = x.mean(axis=0)
            if n >= min_articles:
                boots = _bootstrap_means(x, n_boot, _seed(random_state, name))
                lo, hi = np.percentile(boots, [lo_q, hi_q], axis=0)
                status = "estimated"
            else:
                lo = hi = np.full(len(cols), np.nan)
                status = f"too few articles for a CI (n={n} < {min_articles})"
        for j, t in enumerate(cols):
            rows.append({by: name, "topic": t, "estimate": est[j], "ci_low": lo[j],
                         "ci_high": hi[j], "n_units": n, "level": level, "status": status})
    return _with_coverage(pd.DataFrame(rows), cov, by)


def prevalence_difference(doc_topics: pd.DataFrame, articles: pd.DataFrame, by: str,
                          a: str, b: str, *, topic_cols=None,
                          weight_col: str | None = "n_tokens", level: str = "text",
                          n_boot: int = 1000, ci: float = 0.95, min_articles: int = 3,
                          random_state: int = 0) -> pd.DataFrame:
    """Difference in mean topic prevalence, group ``a`` minus group ``b``.

    Each group is resampled by article with its own seeded stream (the same
    streams as :func:`topic_prevalence`); the CI is the percentile interval
    of the bootstrap differences.

    Raises
    ------
    NoTextError
        At ``level="text"``, if either group has no article with body text.
    ValueError
        If either group has fewer than ``min_articles`` articles at this level.
    """
    prev = article_prevalence(doc_topics, topic_cols, weight_col)
    cols = list(prev.columns)
    units = _units(articles, by, prev, level)
    cov = coverage(articles, by).set_index(by)
    draws, means, ns = {}, {}, {}
    for name in (a, b):
        if name not in cov.index:
            raise KeyError(f"{by}={name!r} not in articles")
        ids = units.index[units == name]
        if len(ids) == 0 and level == "text":
            raise NoTextError(
                f"{by}={name!r} has no article with body text "
                f"({cov.loc[name, 'n_articles']} articles, titles only): "
                "no text-level estimate; use level='title' for a title-level one")
        if len(ids) < min_articles:
            raise ValueError(f"{by}={name!r}: {len(ids)} {level}-level articles "
                             f"< min_articles={min_articles}")
        x = prev.loc[ids, cols].to_numpy(dtype=float)
        means[name], ns[name] = x.mean(axis=0), len(ids)
        draws[name] = _bootstrap_means(x, n_boot, _seed(random_state, name))
    diff = draws[a] - draws[b]
    lo, hi = np.percentile(diff, [100 * (1 - ci) / 2, 100 * (1 + ci) / 2], axis=0)
    out = pd.DataFrame({
        "topic": cols, "estimate": means[a] - means[b], "ci_low": lo, "ci_high": hi,
        "group_a": a, "group_b": b, "by": by, "level": level,
        "n_a": ns[a], "n_b": ns[b],
        "articles_a": int(cov.loc[a, "n_articles"]),
        "articles_b": int(cov.loc[b, "n_articles"]),
        "evidence_a": cov.loc[a, "evidence"], "evidence_b": cov.loc[b, "evidence"],
    })
    out["ci_excludes_zero"] = (out["ci_low"] > 0) | (out["ci_high"] < 0)
    return out


def best_covered_groups(articles: pd.DataFrame, by: str, n: int = 2) -> list[str]:
    """The ``n`` groups with most text articles (ties: name order); need text."""
    cov = coverage(articles, by)
    cov = cov[cov["n_text"] > 0].sort_values(["n_text", by], ascending=[False, True],
                                             kind="stable")
    if len(cov) < n:
        raise NoTextError(f"only {len(cov)} {by} group(s) have body text; need {n}")
    return list(cov[by].head(n))


_ORDINALS = ["One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]


def key_differences(diff: pd.DataFrame, n: int = 3,
                    topic_labels: Mapping[str, str] | None = None,
                    prefix: str = "compare", item: str = "topic",
                    digits: int = 3, rank: str = "abs") -> dict[str, str]:
    """Top ``n`` differences as LaTeX-ready strings.

    ``rank="abs"`` orders by |estimate| (CIs covering zero included, flagged);
    ``rank="ci"`` keeps only differences whose CI excludes zero, ordered by
    the distance of the nearer CI bound from zero. Keys are letters only
    (``compareDiffOneTopic``, ``compareDiffOneEst``, ``compareDiffOneCI`` …) so
    they can become ``\\newcommand`` names.
    """
    if rank == "abs":
        score = diff["estimate"].abs()
    elif rank == "ci":
        score = np.minimum(diff["ci_low"].abs(), diff["ci_high"].abs()).where(
            diff["ci_excludes_zero"])
    else:
        raise ValueError("rank must be 'abs' or 'ci'")
    d = diff.assign(_abs=score).dropna(subset=["_abs"]).sort_values(
        ["_abs", item], ascending=[False, True], kind="stable").head(n)
    r0 = diff.iloc[0]
    out = {f"{prefix}DiffBy": str(r0["by"]), f"{prefix}DiffGroupA": str(r0["group_a"]),
           f"{prefix}DiffGroupB": str(r0["group_b"]), f"{prefix}DiffNA": str(r0["n_a"]),
           f"{prefix}DiffNB": str(r0["n_b"]), f"{prefix}DiffLevel": str(r0["level"])}
    for word, (_, r) in zip(_ORDINALS, d.iterrows()):
        label = (topic_labels or {}).get(r[item], r[item])
        out[f"{prefix}Diff{word}Topic"] = str(label)
        out[f"{prefix}Diff{word}Est"] = f"{r['estimate']:.{digits}f}"
        out[f"{prefix}Diff{word}CI"] = f"[{r['ci_low']:.{digits}f}, {r['ci_high']:.{digits}f}]"
        out[f"{prefix}Diff{word}Excludes"] = "yes" if r["ci_excludes_zero"] else "no"
    return out


# --------------------------------------------------------------------------
# Keyness: G² with log-ratio effect size
# --------------------------------------------------------------------------

def log_likelihood(a, b, c, d) -> np.ndarray:
    """Rayson's two-cell log-likelihood G² for frequencies ``a`` (corpus 1,
    size ``c``) and ``b`` (corpus 2, size ``d``); 0·ln 0 counts as 0."""
    a, b, c, d = (np.asarray(v, dtype=float) for v in (a, b, c, d))
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(a > 0, a * np.log(a / e1), 0.0)
        t2 = np.where(b > 0, b * np.log(b / e2), 0.0)
    return 2 * (t1 + t2)


def log_ratio(a, b, c, d, zero: float = 0.5) -> np.ndarray:
    """Hardie's log ratio, log2 of the relative-frequency ratio; zero
    frequencies are replaced by ``zero`` so the ratio stays finite."""
    a, b, c, d = (np.asarray(v, dtype=float) for v in (a, b, c, d))
    return np.log2((np.where(a > 0, a, zero) / c) / (np.where(b > 0, b, zero) / d))


def _group_counts(tokens: Mapping, groups: pd.Series) -> pd.DataFrame:
    """Term × group frequency table (rows sorted by term)."""
    counters: dict[str, Counter] = {}
    for aid, grp in groups.items():
        if aid in tokens:
            counters.setdefault(grp, Counter()).update(tokens[aid])
    table = pd.DataFrame({g: pd.Series(c, dtype=float) for g, c in sorted(counters.items())})
    return table.fillna(0).astype(int).sort_index()


def _level_groups(articles: pd.DataFrame, by: str, level: str) -> pd.Series:
    g = _group_series(articles, by)
    return g[_has_text(articles)] if level == "text" else g[_not_duplicate(articles)]


def keyness(tokens: Mapping, articles: pd.DataFrame, by: str, *, level: str = "text",
            min_count: int = 5, alpha: float = 0.05, correction: str = "bh",
            zero: float = 0.5) -> pd.DataFrame:
    """Keyness of every term in each group against all other groups pooled.

    G² (Rayson 2-cell log-likelihood, 1 df) tests the difference; Hardie's
    log ratio measures its size. p-values are adjusted per group across the
    terms tested: ``correction="bh"`` Benjamini–Hochberg
    (:func:`scipy.stats.false_discovery_control`), ``"bonferroni"``, or
    ``"none"``.

    Parameters
    ----------
    tokens : mapping article_id -> list of str
        Body tokens (``level="text"``; only text articles are used) or title
        tokens (``level="title"``).
    min_count : int
        Terms with fewer occurrences in group + rest are not tested.

    Returns
    -------
    DataFrame
        ``by``, ``term``, ``freq``, ``freq_rest``, ``size``, ``size_rest``,
        ``docs`` / ``docs_rest`` (documents containing the term, of ``n_docs``
        / ``n_docs_rest``), ``per_10k``, ``per_10k_rest``, ``g2``, ``log_ratio``, ``p_value``,
        ``p_adjusted``, ``significant``, ``direction`` (``over``/``under``),
        ``level``, ``correction`` and coverage; sorted by group, then G²
        descending, then term. Groups with no tokens at this level are absent
        (their coverage says why); with fewer than two such groups there is no
        "rest" and a :class:`NoTextError` is raised.
    """
    groups = _level_groups(articles, by, level)
    table = _group_counts(tokens, groups)
    if table.shape[1] < 2:
        raise NoTextError(f"{level}-level keyness by {by!r} needs two groups with "
                          f"tokens; found {list(table.columns)}")
    sizes = table.sum()
    table = table[table.sum(axis=1) >= min_count]
    # Dispersion: in how many documents of the group a term occurs. G² treats
    # tokens as independent, so a term from one long article can look "key".
    docs = _group_counts({k: set(v) for k, v in tokens.items()}, groups).reindex(
        index=table.index, columns=table.columns, fill_value=0)
    n_docs = groups[groups.index.isin(list(tokens))].value_counts()
    frames = []
    for grp in table.columns:
        a = table[grp].to_numpy()
        b = table.drop(columns=grp).sum(axis=1).to_numpy()
        c, d = float(sizes[grp]), float(sizes.drop(grp).sum())
        g2 = log_likelihood(a, b, c, d)
        p = stats.chi2.sf(g2, df=1)
        if correction == "bh":
            padj = stats.false_discovery_control(p, method="bh") if len(p) else p
        elif correction == "bonferroni":
            padj = np.minimum(p * len(p), 1.0)
        elif correction == "none":
            padj = p
        else:
            raise ValueError("correction must be 'bh', 'bonferroni' or 'none'")
        frames.append(pd.DataFrame({
            by: grp, "term": table.index, "freq": a, "freq_rest": b,
            "size": int(c), "size_rest": int(d),
            "docs": docs[grp].to_numpy(), "docs_rest": docs.drop(columns=grp).sum(axis=1).to_numpy(),
            "n_docs": int(n_docs.get(grp, 0)), "n_docs_rest": int(n_docs.drop(grp).sum()),
            "per_10k": 1e4 * a / c, "per_10k_rest": 1e4 * b / d,
            "g2": g2, "log_ratio": log_ratio(a, b, c, d, zero), "p_value": p,
            "p_adjusted": padj, "significant": padj < alpha,
            "direction": np.where(a / c >= b / d, "over", "under"),
        }))
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values([by, "g2", "term"], ascending=[True, False, True],
                          kind="stable").reset_index(drop=True)
    out["level"], out["correction"] = level, correction
    return _with_coverage(out, coverage(articles, by), by)


# --------------------------------------------------------------------------
# Correspondence analysis
# --------------------------------------------------------------------------

def correspondence_analysis(table: pd.DataFrame, n_components: int = 2) -> dict:
    """Correspondence analysis of a non-negative contingency table by SVD.

    Standardised residuals S = D_r^{-1/2} (P − r cᵀ) D_c^{-1/2}; principal
    coordinates are D_r^{-1/2} U Σ (rows) and D_c^{-1/2} V Σ (columns).
    Signs are fixed so that the column with the largest |coordinate| on each
    axis is positive, so results are deterministic.

    Returns
    -------
    dict
        ``rows`` / ``columns`` (DataFrames of principal coordinates, mass and
        contribution to inertia), ``eigenvalues`` (principal inertias of the
        kept axes), ``total_inertia`` and ``explained`` (share per axis).
    """
    n = table.to_numpy(dtype=float)
    if (n < 0).any():
        raise ValueError("contingency table must be non-negative")
    table = table.loc[n.sum(axis=1) > 0, n.sum(axis=0) > 0]
    n = table.to_numpy(dtype=float)
    p = n / n.sum()
    r, c = p.sum(axis=1), p.sum(axis=0)
    s = (p - np.outer(r, c)) / np.sqrt(np.outer(r, c))
    u, sv, vt = np.linalg.svd(s, full_matrices=False)
    k = min(n_components, min(n.shape) - 1)
    if k < 1:
        raise ValueError("correspondence analysis needs at least 2 rows and 2 columns")
    u, sv, v = u[:, :k], sv[:k], vt[:k].T
    flip = np.sign(v[np.abs(v).argmax(axis=0), range(k)])
    u, v = u * flip, v * flip
    dims = [f"dim{i + 1}" for i in range(k)]
    f = pd.DataFrame(u * sv / np.sqrt(r)[:, None], index=table.index, columns=dims)
    g = pd.DataFrame(v * sv / np.sqrt(c)[:, None], index=table.columns, columns=dims)
    f["mass"], g["mass"] = r, c
    f["inertia"] = (s ** 2).sum(axis=1)
    g["inertia"] = (s ** 2).sum(axis=0)
    total = float((s ** 2).sum())
    return {"rows": f, "columns": g, "eigenvalues": sv ** 2,
            "total_inertia": total, "explained": sv ** 2 / total}


def term_group_table(tokens: Mapping, articles: pd.DataFrame, by: str, *,
                     level: str = "text", n_terms: int = 60,
                     min_chars: int = 2) -> pd.DataFrame:
    """Term × group counts of the ``n_terms`` most frequent terms
    (at least ``min_chars`` characters; ties by term)."""
    table = _group_counts(tokens, _level_groups(articles, by, level))
    table = table[table.index.str.len() >= min_chars]
    total = table.sum(axis=1)
    order = pd.DataFrame({"total": total, "term": table.index}).sort_values(
        ["total", "term"], ascending=[False, True], kind="stable")
    return table.loc[order["term"].head(n_terms)]


def correspondence(tokens: Mapping, articles: pd.DataFrame, by: str, *,
                   level: str = "text", n_terms: int = 60,
                   n_components: int = 2) -> pd.DataFrame:
    """CA of terms × groups as one long table for CSV and plotting.

    Only groups with tokens at ``level`` enter (for ``"text"``: groups with
    body text). Rows: ``kind`` (``term``/``group``), ``label``, ``dim1`` …,
    ``mass``, ``inertia``, ``freq``; ``explained_dimK`` columns give the
    share of inertia per axis, ``level`` and coverage columns the evidence.
    """
    table = term_group_table(tokens, articles, by, level=level, n_terms=n_terms)
    if table.shape[1] < 2:
        raise NoTextError(f"{level}-level CA by {by!r} needs two groups with tokens; "
                          f"found {list(table.columns)}")
    ca = correspondence_analysis(table, n_components)
    rows = ca["rows"].assign(kind="term", freq=table.sum(axis=1))
    cols = ca["columns"].assign(kind="group", freq=table.sum(axis=0))
    out = pd.concat([cols, rows]).rename_axis("label").reset_index()
    for i, e in enumerate(ca["explained"]):
        out[f"explained_dim{i + 1}"] = e
    out["total_inertia"], out["level"] = ca["total_inertia"], level
    cov = coverage(articles, by).rename(columns={by: "label"})
    out = out.merge(cov, on="label", how="left")
    for col in COVERAGE_COLUMNS[:-3]:
        out[col] = out[col].astype("Int64")
    dims = [c for c in out.columns if re.fullmatch(r"dim\d+", c)]
    return out[["kind", "label", *dims, "mass", "inertia", "freq",
                *[c for c in out.columns if c.startswith("explained_")],
                "total_inertia", "level", *COVERAGE_COLUMNS]]


# --------------------------------------------------------------------------
# Actor mentions
# --------------------------------------------------------------------------

def load_actors(path: str | Path) -> pd.DataFrame:
    """Read the actor lexicon (``actor``, ``name_en``, ``patterns``, ``note``).

    ``patterns`` are ``|``-separated regular expressions; a ``regex`` column
    holds their union with longer alternatives first, so that e.g.
    ``人民法庭`` is one match, not two.
    """
    actors = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"actor", "name_en", "patterns"} - set(actors.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    if actors["actor"].duplicated().any():
        raise ValueError(f"{path}: duplicate actor keys")

    def union(p: str) -> re.Pattern:
        alts = sorted({x.strip() for x in p.split("|") if x.strip()}, key=lambda s: (-len(s), s))
        return re.compile("|".join(f"(?:{x})" for x in alts))

    actors["regex"] = actors["patterns"].map(union)
    return actors


def count_actors(texts: pd.Series, actors: pd.DataFrame) -> pd.DataFrame:
    """Non-overlapping pattern matches of each actor in each text
    (rows: ``texts.index``; columns: actor keys)."""
    data = {row.actor: [len(row.regex.findall(t or "")) for t in texts]
            for row in actors.itertuples()}
    return pd.DataFrame(data, index=texts.index)


def actor_mentions(articles: pd.DataFrame, by: str, actors: pd.DataFrame,
                   tokens=None) -> pd.DataFrame:
    """Text-level actor mentions per group.

    Counts come from article bodies only, so for groups whose articles are
    titles only every value is NaN and ``status`` says so. For the seed this
    is how party-committee articles *portray* courts, police and the other
    units — not what those units write.

    Returns
    -------
    DataFrame
        ``by``, ``actor``, ``name_en``, ``mentions``, ``articles_mentioning``,
        ``share_articles``, ``per_10k_chars``, ``per_1k_tokens``, ``level``,
        ``status`` and the coverage columns.
    """
    cov = coverage(articles, by, tokens)
    text_rows = articles[articles["text_status"].isin(TEXT_STATUSES)]
    counts = count_actors(pd.Series(text_rows["text"].to_numpy(),
                                    index=text_rows["article_id"].to_numpy()), actors)
    g = _group_series(articles, by)
    rows = []
    for _, c in cov.iterrows():
        ids = [i for i in g.index[g == c[by]] if i in counts.index]
        for act in actors.itertuples():
            if not ids:
                vals = dict(mentions=np.nan, articles_mentioning=np.nan,
                            share_articles=np.nan, per_10k_chars=np.nan,
                            per_1k_tokens=np.nan, status=NO_TEXT_STATUS)
            else:
                col = counts.loc[ids, act.actor]
                m = int(col.sum())
                vals = dict(mentions=m, articles_mentioning=int((col > 0).sum()),
                            share_articles=float((col > 0).mean()),
                            per_10k_chars=1e4 * m / c["n_chars"] if c["n_chars"] else np.nan,
                            per_1k_tokens=(1e3 * m / c["n_tokens"]
                                           if c["n_tokens"] and c["n_tokens"] == c["n_tokens"]
                                           else np.nan),
                            status="estimated")
            rows.append({by: c[by], "actor": act.actor, "name_en": act.name_en,
                         **vals, "level": "text"})
    return _with_coverage(pd.DataFrame(rows), cov, by)


def actor_rates(articles: pd.DataFrame, actors: pd.DataFrame) -> pd.DataFrame:
    """Per text article: mentions of each actor per 10,000 body characters
    (``article_id`` plus one column per actor key)."""
    rows = articles[articles["text_status"].isin(TEXT_STATUSES)]
    counts = count_actors(pd.Series(rows["text"].to_numpy(),
                                    index=rows["article_id"].to_numpy()), actors)
    rates = counts.div(rows["n_chars"].clip(lower=1).to_numpy(), axis=0) * 1e4
    return rates.rename_axis("article_id").reset_index()


def actor_difference(articles: pd.DataFrame, by: str, a: str, b: str,
                     actors: pd.DataFrame, **boot) -> pd.DataFrame:
    """Difference (``a`` − ``b``) in the mean per-article rate of actor mentions
    per 10,000 characters, with the article-level cluster bootstrap of
    :func:`prevalence_difference` (text-level; :class:`NoTextError` if a group
    has no body)."""
    rates = actor_rates(articles, actors)
    d = prevalence_difference(rates, articles, by, a, b, topic_cols=list(actors["actor"]),
                              weight_col=None, **boot)
    d = d.rename(columns={"topic": "actor"})
    d.insert(1, "name_en", d["actor"].map(dict(zip(actors["actor"], actors["name_en"]))))
    d["measure"] = "mean per-article mentions per 10k characters"
    return d


def term_difference(tokens: Mapping, articles: pd.DataFrame, by: str, a: str, b: str,
                    terms: Sequence[str], per: float = 1000.0, **boot) -> pd.DataFrame:
    """Article-level check of keyness: difference (``a`` − ``b``) in the mean
    per-article rate of each term (per ``per`` tokens), with the cluster
    bootstrap over articles of :func:`prevalence_difference` (text-level).

    Unlike G², which counts tokens as independent, this asks whether the
    difference holds across articles rather than in one long article.
    """
    ids = [i for i in articles.loc[articles["text_status"].isin(TEXT_STATUSES), "article_id"]
           if i in tokens]
    rows = []
    for i in ids:
        cnt, n = Counter(tokens[i]), max(len(tokens[i]), 1)
        rows.append({"article_id": i, **{f"t{j}": per * cnt[t] / n for j, t in enumerate(terms)}})
    table = pd.DataFrame(rows, columns=["article_id", *[f"t{j}" for j in range(len(terms))]])
    d = prevalence_difference(table, articles, by, a, b,
                              topic_cols=[f"t{j}" for j in range(len(terms))],
                              weight_col=None, **boot)
    d["topic"] = list(terms)
    d = d.rename(columns={"topic": "term"})
    d["measure"] = f"mean per-article rate per {per:g} tokens"
    return d


def keyness_article_check(tokens: Mapping, articles: pd.DataFrame, by: str, a: str, b: str,
                          *, n_terms: int = 25, min_count: int = 5, alpha: float = 0.05,
                          correction: str = "bh", **boot) -> pd.DataFrame:
    """Key words of ``a`` vs ``b`` (significant, over-used, top ``n_terms`` by
    G² per side) re-tested with :func:`term_difference`.

    The terms are selected on the same data: an interval excluding zero is a
    robustness filter against one-article effects, not a confirmatory test.
    Columns: those of :func:`term_difference` plus ``keyness_group``, ``g2``,
    ``log_ratio``, ``docs``, ``n_docs`` from the keyness table.
    """
    two = articles[_group_series(articles, by).isin([a, b]).to_numpy()]
    kw = keyness(tokens, two, by, min_count=min_count, alpha=alpha, correction=correction)
    cand = kw[kw["significant"] & (kw["direction"] == "over")].groupby(by).head(n_terms)
    td = term_difference(tokens, articles, by, a, b, list(dict.fromkeys(cand["term"])), **boot)
    return td.merge(cand[[by, "term", "g2", "log_ratio", "docs", "n_docs"]]
                    .rename(columns={by: "keyness_group"}), on="term", how="left")


def title_actor_mentions(articles: pd.DataFrame, by: str,
                         actors: pd.DataFrame) -> pd.DataFrame:
    """Title-level: how many titles in each group name each actor."""
    counts = count_actors(pd.Series(articles["title"].to_numpy(),
                                    index=articles["article_id"].to_numpy()), actors)
    g = _group_series(articles, by)
    counts, g = counts[_not_duplicate(articles)], g[_not_duplicate(articles)]
    out = (counts.gt(0).groupby(g).sum().rename_axis(by).reset_index()
           .melt(id_vars=by, var_name="actor", value_name="titles_mentioning"))
    out["level"] = "title"
    out = out.merge(actors[["actor", "name_en"]], on="actor")
    out = out.sort_values([by, "actor"], kind="stable").reset_index(drop=True)
    return _with_coverage(out, coverage(articles, by), by)


def actor_topics(para_topics: pd.DataFrame, paragraphs: pd.DataFrame,
                 actors: pd.DataFrame, topic_cols=None) -> pd.DataFrame:
    """Mean topic prevalence of paragraphs that name each actor vs those that don't.

    ``para_topics`` has ``article_id``, ``para_id`` and topic columns; it is
    joined to ``paragraphs`` (whose text is searched) on both keys.
    """
    cols = _topic_columns(para_topics, topic_cols)
    df = paragraphs[["article_id", "para_id", "text"]].merge(
        para_topics[["article_id", "para_id", *cols]], on=["article_id", "para_id"])
    hits = count_actors(df["text"], actors).gt(0)
    rows = []
    for act in actors["actor"]:
        has = hits[act].to_numpy()
        for t in cols:
            v = df[t].to_numpy(dtype=float)
            # Paragraphs without kept tokens have no proportions (NaN): skipped.
            w, wo = v[has & ~np.isnan(v)], v[~has & ~np.isnan(v)]
            w = w.mean() if len(w) else np.nan
            wo = wo.mean() if len(wo) else np.nan
            rows.append({"actor": act, "topic": t, "n_paragraphs": int(has.sum()),
                         "n_articles": int(df.loc[has, "article_id"].nunique()),
                         "prevalence_with": w, "prevalence_without": wo,
                         "difference": w - wo})
    out = pd.DataFrame(rows)
    out["level"] = "text"
    return out


def actor_keywords(para_tokens: Mapping, paragraphs: pd.DataFrame, actors: pd.DataFrame,
                   *, top_n: int = 10, min_count: int = 3) -> pd.DataFrame:
    """Keywords of paragraphs naming each actor, against all other paragraphs.

    ``para_tokens`` maps ``(article_id, para_id)`` to tokens. Terms matched by
    the actor's own patterns are left out. Ranked by G² among over-used
    terms (ties by term); ``top_n`` per actor.
    """
    keys = list(zip(paragraphs["article_id"], paragraphs["para_id"]))
    hits = count_actors(pd.Series(paragraphs["text"].to_numpy()), actors).gt(0)
    frames = []
    for act in actors.itertuples():
        has = hits[act.actor].to_numpy()
        if not has.any():
            continue
        cw, co = Counter(), Counter()
        for k, h in zip(keys, has):
            (cw if h else co).update(para_tokens.get(k, ()))
        terms = sorted(t for t in set(cw) | set(co)
                       if cw[t] + co[t] >= min_count and not act.regex.search(t))
        a = np.array([cw[t] for t in terms], dtype=float)
        b = np.array([co[t] for t in terms], dtype=float)
        c, d = float(sum(cw.values())), float(sum(co.values()))
        if not terms or c == 0 or d == 0:
            continue
        df = pd.DataFrame({"actor": act.actor, "term": terms, "freq_with": a,
                           "freq_without": b, "g2": log_likelihood(a, b, c, d),
                           "log_ratio": log_ratio(a, b, c, d),
                           "n_paragraphs": int(has.sum())})
        df = df[a / c > b / d].sort_values(["g2", "term"], ascending=[False, True],
                                           kind="stable").head(top_n)
        frames.append(df.assign(rank=range(1, len(df) + 1)))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    out["level"] = "text"
    return out


def term_table(pattern: str, key: str = "term") -> pd.DataFrame:
    """A one-row actor table for an arbitrary regex (e.g. ``枫桥``)."""
    t = pd.DataFrame({"actor": [key], "name_en": [pattern], "patterns": [pattern]})
    t["regex"] = [re.compile(pattern)]
    return t


def term_by_article(articles: pd.DataFrame, pattern: str,
                    columns=("section", "unit_type", "tier", "province")) -> pd.DataFrame:
    """Per article: matches of ``pattern`` in the body (NaN without body), per
    10,000 body characters, and in the title."""
    cols = ["article_id", *[c for c in columns if c in articles.columns], "text_status",
            "n_chars"]
    out = articles[cols].copy()
    rx = re.compile(pattern)
    has = articles["text_status"].isin(TEXT_STATUSES).to_numpy()
    body = np.array([len(rx.findall(t or "")) for t in articles["text"].fillna("")], float)
    out["text_mentions"] = np.where(has, body, np.nan)
    out["per_10k_chars"] = np.where(has, 1e4 * body / articles["n_chars"].clip(lower=1), np.nan)
    out["title_mentions"] = [len(rx.findall(t or "")) for t in articles["title"].fillna("")]
    return out.sort_values("article_id", kind="stable").reset_index(drop=True)


def token_forms(tokens: Mapping, substring: str) -> pd.DataFrame:
    """Segmented words containing ``substring`` (e.g. 枫桥经验, 枫桥式, 智慧枫桥),
    with their frequency and number of documents."""
    freq, docs = Counter(), Counter()
    for toks in tokens.values():
        hit = [t for t in toks if substring in t]
        freq.update(hit)
        docs.update(set(hit))
    out = pd.DataFrame({"token": list(freq), "freq": [freq[t] for t in freq],
                        "n_docs": [docs[t] for t in freq]}, columns=["token", "freq", "n_docs"])
    return out.sort_values(["freq", "token"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def term_mentions(articles: pd.DataFrame, by: str, pattern: str) -> pd.DataFrame:
    """Mentions of one regex per group, in bodies (text-level: NaN for
    groups without text) and in titles (title-level), side by side."""
    actors = term_table(pattern)
    body = actor_mentions(articles, by, actors)
    titles = title_actor_mentions(articles, by, actors)[[by, "titles_mentioning"]]
    out = body.drop(columns=["actor", "name_en", "level"]).merge(titles, on=by)
    out.insert(1, "pattern", pattern)
    return out.rename(columns={"mentions": "text_mentions",
                               "articles_mentioning": "text_articles_mentioning",
                               "status": "text_status_note"})


# --------------------------------------------------------------------------
# Numbered policy formulas
# --------------------------------------------------------------------------

def formulas_by_group(articles: pd.DataFrame, by: str,
                      extract: Callable[[str], list[str]], *,
                      level: str = "text") -> pd.DataFrame:
    """Numbered policy formulas (三个强化, 1+6+N …) per group.

    ``extract`` is ``segment.formulas``. ``level="text"`` reads bodies (only
    groups with text appear), ``level="title"`` reads titles.

    Returns
    -------
    DataFrame
        ``by``, ``formula``, ``mentions``, ``articles_with_formula``,
        ``article_ids``, ``level`` and coverage; sorted by group, mentions descending, formula.
    """
    field = "text" if level == "text" else "title"
    rows_in = (articles[articles["text_status"].isin(TEXT_STATUSES)] if level == "text"
               else articles[_not_duplicate(articles).to_numpy()])
    g = _group_series(articles, by)
    rows = []
    for aid, txt in zip(rows_in["article_id"], rows_in[field]):
        for f in extract(txt or ""):
            rows.append({by: g.loc[aid], "formula": f, "article_id": int(aid)})
    cols = [by, "formula", "mentions", "articles_with_formula", "article_ids"]
    if not rows:
        out = pd.DataFrame(columns=cols)
    else:
        df = pd.DataFrame(rows)
        out = (df.groupby([by, "formula"], sort=True)["article_id"]
               .agg(mentions="size", articles_with_formula="nunique",
                    article_ids=lambda s: " ".join(map(str, sorted(set(s)))))
               .reset_index())
        out = out.sort_values([by, "mentions", "formula"], ascending=[True, False, True],
                              kind="stable").reset_index(drop=True)
    out["level"] = level
    return _with_coverage(out, coverage(articles, by), by)


def titles_matching(articles: pd.DataFrame, pattern: str,
                    columns=("section", "unit_type", "tier", "province")) -> pd.DataFrame:
    """TOC entries whose title matches ``pattern`` (title-level), with unit columns."""
    cols = ["article_id", *[c for c in columns if c in articles.columns], "text_status", "title"]
    hit = articles["title"].fillna("").str.contains(pattern, regex=True)
    return articles.loc[hit, cols].sort_values("article_id", kind="stable").reset_index(drop=True)


def formulas_near(paragraphs: pd.DataFrame, pattern: str,
                  extract: Callable[[str], list[str]]) -> pd.DataFrame:
    """Formulas in the paragraphs that match ``pattern`` (text-level)."""
    rx = re.compile(pattern)
    rows = [{"article_id": int(r.article_id), "para_id": int(r.para_id), "formula": f}
            for r in paragraphs.itertuples() if rx.search(r.text or "")
            for f in extract(r.text)]
    df = pd.DataFrame(rows, columns=["article_id", "para_id", "formula"])
    out = (df.groupby("formula").agg(mentions=("para_id", "size"),
                                     n_articles=("article_id", "nunique"),
                                     article_ids=("article_id", lambda s: " ".join(
                                         map(str, sorted(set(s))))))
           .reset_index().sort_values(["mentions", "formula"], ascending=[False, True],
                                      kind="stable").reset_index(drop=True))
    out["level"] = "text"
    return out


# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------

def _wrap(label: str, width: int = 36) -> str:
    return textwrap.fill(str(label), width)


def _caption(fig, lines: Iterable[str]) -> None:
    fig.text(0.01, -0.01, "\n".join(lines), ha="left", va="top", fontsize=7,
             color="#333333", wrap=True)


def _evidence_tag(level: str) -> str:
    from analysis import figures
    return figures.evidence_label("text" if level == "text" else "title")


def _no_text_note(cov: pd.DataFrame, by: str) -> str | None:
    none = cov[cov["n_text"] == 0]
    if none.empty:
        return None
    parts = [f"{r[by]} ({r['n_articles']} titles)" for _, r in none.iterrows()]
    return "No text-level estimate (titles only): " + ", ".join(parts)


def plot_topic_prevalence(prev: pd.DataFrame, by: str, path: str | Path, *,
                          topic_labels: Mapping[str, str] | None = None,
                          formats=("png", "pdf")) -> list[Path]:
    """Dot-and-whisker plot of group prevalence per topic, groups dodged;
    the legend shows each group's coverage; groups without an estimate are
    named in the caption."""
    import matplotlib.pyplot as plt
    from analysis import figures

    level = prev["level"].iloc[0]
    est = prev[prev["estimate"].notna()]
    groups = sorted(est[by].unique())
    topics = list(dict.fromkeys(prev["topic"]))
    cov = prev.drop_duplicates(by)
    labels = {r[by]: f"{r[by]} (n={r['n_articles']}, text {r['n_text']}, used {r['n_units']})"
              for _, r in cov.iterrows()}
    with figures.style():
        fig, ax = plt.subplots(figsize=(7, 0.5 * len(topics) + 1.6))
        step = 0.7 / max(len(groups), 1)
        for i, grp in enumerate(groups):
            d = est[est[by] == grp].set_index("topic").reindex(topics)
            y = np.arange(len(topics)) + (i - (len(groups) - 1) / 2) * step
            err = np.vstack([d["estimate"] - d["ci_low"], d["ci_high"] - d["estimate"]])
            ax.errorbar(d["estimate"], y, xerr=np.nan_to_num(err), fmt="o", ms=3.5,
                        capsize=2, lw=1, color=figures.PALETTE[i % len(figures.PALETTE)],
                        label=labels[grp])
        ax.set_yticks(range(len(topics)),
                      [_wrap((topic_labels or {}).get(t, t)) for t in topics])
        ax.invert_yaxis()
        ax.set_xlabel("mean topic prevalence per article (95% cluster-bootstrap CI)")
        ax.set_title(f"Topic prevalence by {by} — {_evidence_tag(level)}", loc="left")
        # Outside the axes: inside, it covered the points of the last topic.
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
                  title=by, alignment="left")
        notes = [f"Bootstrap resamples articles within each group. n = articles; "
                 f"text = with body; used = entering this {level}-level estimate."]
        note = _no_text_note(cov, by) if level == "text" else None
        if note:
            notes.append(note)
        small = cov[(cov["n_units"] > 0) & cov["ci_low"].isna()]
        if len(small):
            notes.append("No CI (too few articles): " + ", ".join(small[by]))
        _caption(fig, notes)
        return figures.save(fig, path, formats)


def plot_difference(diff: pd.DataFrame, path: str | Path, *,
                    topic_labels: Mapping[str, str] | None = None,
                    formats=("png", "pdf")) -> list[Path]:
    """stm ``plot.estimateEffect(method="difference")`` style: one point and a
    horizontal 95% CI per topic, a dashed zero line."""
    import matplotlib.pyplot as plt
    from analysis import figures

    r = diff.iloc[0]
    d = diff.sort_values(["estimate", "topic"], kind="stable")
    with figures.style():
        fig, ax = plt.subplots(figsize=(6.5, 0.5 * len(d) + 1.6))
        y = np.arange(len(d))
        colors = [figures.PALETTE[3] if x else "#777777" for x in d["ci_excludes_zero"]]
        ax.hlines(y, d["ci_low"], d["ci_high"], colors=colors, lw=1.2)
        ax.scatter(d["estimate"], y, c=colors, s=14, zorder=3)
        ax.axvline(0, color="black", lw=0.8, ls="--")
        ax.set_yticks(y, [_wrap((topic_labels or {}).get(t, t)) for t in d["topic"]])
        ax.set_xlabel(f"difference in mean prevalence: {r['group_a']} − {r['group_b']} "
                      "(95% CI)")
        ax.set_title(f"{r['by']}: {r['group_a']} (n={r['n_a']}) vs {r['group_b']} "
                     f"(n={r['n_b']}) — {_evidence_tag(r['level'])}", loc="left")
        _caption(fig, [
            f"Coverage: {r['group_a']} {r['n_a']} of {r['articles_a']} articles with "
            f"{r['level']}; {r['group_b']} {r['n_b']} of {r['articles_b']}.",
            "Cluster bootstrap over articles; highlighted: CI excludes zero "
            "(no correction for multiple topics)."])
        return figures.save(fig, path, formats)


def plot_keyness(kw: pd.DataFrame, by: str, path: str | Path, *, top_n: int = 12,
                 formats=("png", "pdf")) -> list[Path]:
    """Per group, the ``top_n`` significant over-used terms by G², bar = log ratio."""
    import matplotlib.pyplot as plt
    from analysis import figures

    level, corr = kw["level"].iloc[0], kw["correction"].iloc[0]
    groups = sorted(kw[by].unique())
    with figures.style():
        fig, axes = plt.subplots(1, len(groups), figsize=(3.1 * len(groups), 0.28 * top_n + 1.6),
                                 squeeze=False)
        for i, (ax, grp) in enumerate(zip(axes[0], groups)):
            d = kw[(kw[by] == grp) & kw["significant"] & (kw["direction"] == "over")]
            d = d.head(top_n)
            y = np.arange(len(d))
            ax.barh(y, d["log_ratio"], color=figures.PALETTE[i % len(figures.PALETTE)])
            for yy, (lr, g2, k, n) in enumerate(zip(d["log_ratio"], d["g2"], d["docs"],
                                                     d["n_docs"])):
                ax.text(lr, yy, f" G²={g2:.1f}, in {k}/{n}", va="center", fontsize=6)
            ax.set_yticks(y, d["term"])
            ax.invert_yaxis()
            ax.set_xlabel("log ratio (log2, vs rest)")
            r = kw[kw[by] == grp].iloc[0]
            ax.set_title(f"{grp}\n(n={r['n_articles']}, text {r['n_text']}, "
                         f"{int(r['size'])} tokens)", fontsize=8)
            if d.empty:
                ax.text(0.5, 0.5, "no significant\nover-used term", ha="center",
                        transform=ax.transAxes, fontsize=7)
            ax.margins(x=0.35)
        fig.suptitle(f"Keyness by {by} — {_evidence_tag(level)}", x=0.01, ha="left",
                     fontsize=10)
        notes = [f"G² (log-likelihood) vs all other groups; multiple comparisons: "
                 f"{'Benjamini–Hochberg' if corr == 'bh' else corr}, α=0.05. "
                 "'in k/n': documents of the group containing the term."]
        _caption(fig, notes)
        fig.tight_layout()
        return figures.save(fig, path, formats)


def plot_correspondence(ca: pd.DataFrame, by: str, path: str | Path, *,
                        formats=("png", "pdf"), note: str | None = None) -> list[Path]:
    """Symmetric CA biplot: terms in grey, groups in bold colour with coverage."""
    import matplotlib.pyplot as plt
    from analysis import figures

    level = ca["level"].iloc[0]
    terms, groups = ca[ca["kind"] == "term"], ca[ca["kind"] == "group"]
    two_d = "dim2" in ca.columns
    with figures.style():
        fig, ax = plt.subplots(figsize=(7, 6 if two_d else 3))
        ty = terms["dim2"] if two_d else np.linspace(-1, 1, len(terms))
        gy = groups["dim2"] if two_d else np.zeros(len(groups))
        from analysis.cooccur import place_labels

        ax.scatter(terms["dim1"], ty, s=6, color="#999999")
        colours = {}
        for i, (x, y, g) in enumerate(zip(groups["dim1"], gy, groups["label"])):
            colours[g] = figures.PALETTE[i % len(figures.PALETTE)]
            ax.scatter([x], [y], s=60, marker="s", color=colours[g], zorder=4)
        ax.axhline(0, color="black", lw=0.5)
        ax.axvline(0, color="black", lw=0.5)
        ax.margins(0.12)
        ax.autoscale_view()
        pos = {("g", g): (x, y) for x, y, g in zip(groups["dim1"], gy, groups["label"])}
        pos.update({("t", t): (x, y) for x, y, t in zip(terms["dim1"], ty, terms["label"])})
        labels = {("g", r["label"]): f"{r['label']} (n={int(r['n_articles'])}, "
                                     f"text {int(r['n_text'])})" for _, r in groups.iterrows()}
        labels.update({("t", t): t for t in terms["label"]})
        area = {k: (60 if k[0] == "g" else 6) for k in pos}
        for txt, key in zip(place_labels(ax, pos, labels, area, fontsize=7), labels):
            txt.set_color(colours[key[1]] if key[0] == "g" else "#444444")
        e = ca.iloc[0]
        ax.set_xlabel(f"dimension 1 ({100 * e['explained_dim1']:.1f}% of inertia)")
        ax.set_ylabel(f"dimension 2 ({100 * e['explained_dim2']:.1f}% of inertia)"
                      if two_d else "(terms spread vertically for legibility)")
        ax.set_title(f"Correspondence analysis, terms × {by}\n{_evidence_tag(level)}",
                     loc="left")
        notes = [note or ("Only groups with body text are included (n = articles, text = "
                          "with body)." if level == "text" else "All groups, titles only."),
                 f"{len(terms)} most frequent terms; symmetric map (principal coordinates); "
                 "a group with one article places that article's own vocabulary."]
        _caption(fig, notes)
        return figures.save(fig, path, formats)


def plot_actor_mentions(am: pd.DataFrame, by: str, path: str | Path, *,
                        value: str = "per_10k_chars", formats=("png", "pdf")) -> list[Path]:
    """Heatmap of actor mentions (rate per 10k characters, counts annotated),
    groups with body text only; the caption names groups left out."""
    import matplotlib.pyplot as plt
    from analysis import figures

    est = am[am["status"] == "estimated"]
    groups = sorted(est[by].unique())
    actors = list(dict.fromkeys(est["actor"]))
    mat = est.pivot(index="actor", columns=by, values=value).reindex(index=actors,
                                                                     columns=groups)
    cnt = est.pivot(index="actor", columns=by, values="mentions").reindex(index=actors,
                                                                          columns=groups)
    cov = am.drop_duplicates(by).set_index(by)
    with figures.style():
        fig, ax = plt.subplots(figsize=(1.3 * len(groups) + 3.2, 0.3 * len(actors) + 1.8))
        im = ax.imshow(mat.to_numpy(dtype=float), aspect="auto", cmap="Blues")
        for i in range(len(actors)):
            for j in range(len(groups)):
                v = cnt.iat[i, j]
                ax.text(j, i, f"{int(v)}", ha="center", va="center", fontsize=6,
                        color="white" if mat.iat[i, j] > np.nanmax(mat.to_numpy()) / 2
                        else "black")
        names = dict(zip(est["actor"], est["name_en"]))
        ax.set_yticks(range(len(actors)), [names[a] for a in actors])
        ax.set_xticks(range(len(groups)),
                      [f"{g}\n(n={cov.loc[g, 'n_articles']}, text {cov.loc[g, 'n_text']})"
                       for g in groups])
        fig.colorbar(im, ax=ax, label="mentions per 10,000 characters", shrink=0.6)
        ax.set_title(f"Actors named in article bodies by {by} — {_evidence_tag('text')}",
                     loc="left")
        notes = ["Cells: count of mentions; colour: rate per 10k characters of body text.",
                 "This shows how the party-committee texts portray these actors, "
                 "not what courts, police or other units write themselves."]
        note = _no_text_note(cov.reset_index(), by)
        if note:
            notes.append(note)
        _caption(fig, notes)
        return figures.save(fig, path, formats)


# --------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------

def topic_inputs(topic_results=None, corpus=None, segmenter=None,
                 results_dir: str | Path | None = None) -> dict | None:
    """Normalise the topic stage's output for this module.

    Accepts a ``topics.TopicResults`` (title prevalence is then inferred for
    every title), a dict with ``paragraph_topics`` / ``title_topics`` /
    ``labels``, or ``None``: then ``paragraph_topics.csv``,
    ``article_topics.csv`` (rows with ``evidence == "title"``, i.e. title-only
    articles) and ``topic_terms.csv`` are read from ``results_dir`` if there.

    Returns
    -------
    dict or None
        ``paragraph_topics``, ``title_topics`` (may be None), ``labels``
        ({"topic_0": "label / gloss"}); None when no topic output exists.
    """
    if topic_results is None:
        d = Path(results_dir) if results_dir is not None else None
        if d is None or not (d / "paragraph_topics.csv").exists():
            return None
        para = pd.read_csv(d / "paragraph_topics.csv")
        arts = pd.read_csv(d / "article_topics.csv") if (d / "article_topics.csv").exists() \
            else None
        titles = arts[arts["evidence"] == "title"] if arts is not None else None
        labels = {}
        if (d / "topic_terms.csv").exists():
            tt = pd.read_csv(d / "topic_terms.csv")
            if {"topic", "label"} <= set(tt.columns):
                labels = _label_map(tt.drop_duplicates("topic"))
        return {"paragraph_topics": para, "title_topics": titles, "labels": labels}
    if isinstance(topic_results, Mapping):
        out = dict(topic_results)
        out.setdefault("title_topics", None)
        lab = out.get("labels")
        out["labels"] = (_label_map(lab) if isinstance(lab, pd.DataFrame) else dict(lab or {}))
        return out
    from analysis import topics as _topics

    titles = None
    if corpus is not None and segmenter is not None:
        arts = corpus.articles
        titles = _topics.title_topics(topic_results.model, arts,
                                      segmenter.tokenize(arts["title"].tolist()))
    return {"paragraph_topics": topic_results.para_topics, "title_topics": titles,
            "labels": _label_map(topic_results.labels)}


def _label_map(labels: pd.DataFrame | None) -> dict[str, str]:
    if labels is None or "label" not in labels.columns:
        return {}
    out = {}
    for _, r in labels.iterrows():
        text = str(r["label"])
        if "gloss" in labels.columns and pd.notna(r["gloss"]) and r["gloss"] != r["label"]:
            text = f"{text} ({r['gloss']})"
        out[f"topic_{int(r['topic'])}"] = f"{int(r['topic'])}: {text}"
    return out


def article_tokens(articles: pd.DataFrame, segmenter, level: str = "text") -> dict:
    """``{article_id: tokens}`` of bodies (text articles only) or of titles."""
    rows = (articles[articles["text_status"].isin(TEXT_STATUSES)] if level == "text"
            else articles)
    field = "text" if level == "text" else "title"
    toks = segmenter.tokenize([t or "" for t in rows[field]])
    return {int(a): list(t) for a, t in zip(rows["article_id"], toks)}


def paragraph_tokens(paragraphs: pd.DataFrame, segmenter) -> dict:
    """``{(article_id, para_id): tokens}`` for every paragraph."""
    toks = segmenter.tokenize([t or "" for t in paragraphs["text"]])
    return {(int(a), int(i)): list(t)
            for a, i, t in zip(paragraphs["article_id"], paragraphs["para_id"], toks)}


def load_or_build_topics(corpus, params: dict, segmenter,
                         results_dir: str | Path | None = None) -> dict:
    """Topic inputs for this module: the topic stage's CSVs in ``results_dir``
    if present, else ``topics.build`` (cached select_k) — see :func:`topic_inputs`."""
    tr = topic_inputs(None, results_dir=results_dir)
    if tr is not None:
        return tr
    from analysis import topics

    built = topics.build(corpus, params, tokenize=segmenter.tokenize)
    return topic_inputs(built, corpus, segmenter)


def with_units(articles: pd.DataFrame, params: dict | None = None) -> pd.DataFrame:
    """The articles table with the unit columns of ``analysis.units``
    (added by ``units.annotate`` with the curated overrides if missing)."""
    if {"unit_type", "tier", "province"} <= set(articles.columns):
        return articles
    from analysis import units
    from analysis.config import load_params, resolve

    up = (params or load_params()).get("units", {})
    overrides = units.load_overrides(resolve(up["overrides"])) if up.get("overrides") else None
    return units.annotate(articles, overrides, up)


def read_key_differences(results_dir: str | Path) -> dict[str, str]:
    """``compare_key_differences.csv`` as ``{macro_name: value}`` for
    ``results/variables.tex`` (names are letters only)."""
    df = pd.read_csv(Path(results_dir) / "compare_key_differences.csv", dtype=str,
                     keep_default_na=False)
    return dict(zip(df["key"], df["value"]))




def _slug(s: str) -> str:
    return re.sub(r"[^0-9A-Za-z_]+", "_", str(s)).strip("_") or "group"


def write_outputs(corpus, params: dict, results_dir: str | Path, figures_dir: str | Path,
                  topic_results: Mapping | None = None, *, segmenter=None,
                  formulas: Callable[[str], list[str]] | None = None) -> list[Path]:
    """Write every comparison table and figure; return the paths written.

    Parameters
    ----------
    corpus : Corpus
        With unit columns on ``corpus.articles`` (``analysis.units``).
    params : dict
        Whole parameter dict; the ``[compare]`` section is used.
    topic_results : TopicResults, mapping or None
        See :func:`topic_inputs`; ``None`` reads the topic stage's CSVs from
        ``results_dir``. Without any, no topic outputs are written.
    segmenter, formulas : optional
        Defaults ``analysis.segment.Segmenter()`` and ``analysis.segment.formulas``.

    Notes
    -----
    Per grouping column ``<g>`` of ``[compare] groups`` (results/):
    ``coverage_by_<g>``, ``actor_mentions_by_<g>``, ``actor_mentions_titles_by_<g>``,
    ``formulas_by_<g>``, ``formulas_titles_by_<g>``, ``topic_prevalence_by_<g>``,
    ``topic_prevalence_titles_by_<g>``, ``fengqiao_mentions_by_<g>``; for
    ``keyness_groups`` ``keyness_by_<g>``, for ``title_keyness_groups``
    ``keyness_titles_by_<g>``, for ``ca_groups`` ``correspondence_<g>``.
    For the two best-covered text groups ``<a>``, ``<b>`` of ``difference_by``:
    ``topic_prevalence_difference_<a>_vs_<b>``, ``actor_mentions_difference_…``,
    ``keyness_article_check_…``, ``fengqiao_rate_difference_…`` and
    ``compare_key_differences`` (see :func:`read_key_differences`). Also
    ``actor_topics``, ``actor_keywords``, ``fengqiao_by_article``,
    ``fengqiao_formulas``. Figures (figures/): ``topic_prevalence_by_<g>``,
    ``topic_prevalence_titles_by_<g>``, ``actor_mentions_<g>`` (``figure_groups``),
    ``keyness_<g>``, ``keyness_titles_<g>``, ``correspondence_biplot_<g>``,
    ``topic_difference_<a>_vs_<b>``.
    """
    from analysis.config import resolve

    p = params.get("compare", {})
    res, fig = Path(results_dir), Path(figures_dir)
    fmts = tuple(params.get("figures", {}).get("formats", ("png", "pdf")))
    arts, paras = with_units(corpus.articles, params), corpus.paragraphs
    if segmenter is None or formulas is None:
        from analysis import segment
        segmenter = segmenter or segment.Segmenter()
        formulas = formulas or segment.formulas
    body_tokens = article_tokens(arts, segmenter, "text")
    title_tokens = article_tokens(arts, segmenter, "title")
    para_tokens = paragraph_tokens(paras, segmenter)
    actors = load_actors(resolve(p.get("actors", "data/actors.csv")))
    boot = dict(n_boot=int(p.get("n_boot", 1000)), ci=float(p.get("ci", 0.95)),
                min_articles=int(p.get("min_articles_ci", 3)),
                random_state=int(p.get("random_state", 0)))
    written: list[Path] = []
    groups = [g for g in p.get("groups", ["section", "unit_type", "tier", "province",
                                          "text_status"]) if g in arts.columns]
    tr = topic_inputs(topic_results, corpus, segmenter, results_dir)
    labels = tr["labels"] if tr else {}
    for by in groups:
        cov = coverage(arts, by, body_tokens)
        written.append(write_csv(cov, res / f"coverage_by_{by}.csv"))
        am = actor_mentions(arts, by, actors, body_tokens)
        written.append(write_csv(am, res / f"actor_mentions_by_{by}.csv"))
        written.append(write_csv(title_actor_mentions(arts, by, actors),
                            res / f"actor_mentions_titles_by_{by}.csv"))
        written.append(write_csv(formulas_by_group(arts, by, formulas, level="text"),
                            res / f"formulas_by_{by}.csv"))
        written.append(write_csv(formulas_by_group(arts, by, formulas, level="title"),
                            res / f"formulas_titles_by_{by}.csv"))
        n_text_groups = int((cov["n_text"] > 0).sum())
        if by in p.get("figure_groups", ["section", "unit_type", "tier"]):
            written += plot_actor_mentions(am, by, fig / f"actor_mentions_{by}", formats=fmts)
        if by in p.get("keyness_groups", ["unit_type", "tier"]) and n_text_groups >= 2:
            kw = keyness(body_tokens, arts, by, min_count=int(p.get("keyness_min_count", 5)),
                         alpha=float(p.get("alpha", 0.05)),
                         correction=p.get("correction", "bh"))
            written.append(write_csv(kw, res / f"keyness_by_{by}.csv"))
            written += plot_keyness(kw, by, fig / f"keyness_{by}",
                                    top_n=int(p.get("keyness_top_n", 12)), formats=fmts)
        if by in p.get("title_keyness_groups", ["section"]):
            kwt = keyness(title_tokens, arts, by, level="title",
                          min_count=int(p.get("title_keyness_min_count", 3)),
                          alpha=float(p.get("alpha", 0.05)),
                          correction=p.get("correction", "bh"))
            written.append(write_csv(kwt, res / f"keyness_titles_by_{by}.csv"))
            written += plot_keyness(kwt, by, fig / f"keyness_titles_{by}",
                                    top_n=int(p.get("keyness_top_n", 12)), formats=fmts)
        if by in p.get("ca_groups", ["tier"]) and n_text_groups >= 2:
            ca = correspondence(body_tokens, arts, by, n_terms=int(p.get("ca_terms", 60)))
            written.append(write_csv(ca, res / f"correspondence_{by}.csv"))
            written += plot_correspondence(ca, by, fig / f"correspondence_biplot_{by}",
                                           formats=fmts)
        if tr is not None:
            pt = tr["paragraph_topics"]
            draw = by in p.get("figure_groups", ["section", "unit_type", "tier"])
            prev = topic_prevalence(pt, arts, by, tokens=body_tokens, **boot)
            written.append(write_csv(prev, res / f"topic_prevalence_by_{by}.csv"))
            if draw:
                written += plot_topic_prevalence(prev, by, fig / f"topic_prevalence_by_{by}",
                                                 topic_labels=labels, formats=fmts)
            tt = tr.get("title_topics")
            if tt is not None:
                tprev = topic_prevalence(tt, arts, by, level="title", weight_col=None, **boot)
                written.append(write_csv(tprev, res / f"topic_prevalence_titles_by_{by}.csv"))
                if draw:
                    written += plot_topic_prevalence(
                        tprev, by, fig / f"topic_prevalence_titles_by_{by}",
                        topic_labels=labels, formats=fmts)
    fq = p.get("fengqiao_pattern", "枫桥")
    by = p.get("difference_by", "tier")
    if by in arts.columns:
        a, b = best_covered_groups(arts, by)
        ab = f"{_slug(a)}_vs_{_slug(b)}"
        kd = {}
        if tr is not None:
            diff = prevalence_difference(tr["paragraph_topics"], arts, by, a, b, **boot)
            written.append(write_csv(diff, res / f"topic_prevalence_difference_{ab}.csv"))
            written += plot_difference(diff, fig / f"topic_difference_{ab}",
                                       topic_labels=labels, formats=fmts)
            kd.update(key_differences(diff, topic_labels=labels))
        ad = actor_difference(arts, by, a, b, actors, **boot)
        written.append(write_csv(ad, res / f"actor_mentions_difference_{ab}.csv"))
        kd.update(key_differences(ad, prefix="compareActor", item="actor", digits=1))
        td = keyness_article_check(body_tokens, arts, by, a, b,
                                   n_terms=int(p.get("article_check_terms", 25)),
                                   min_count=int(p.get("keyness_min_count", 5)),
                                   alpha=float(p.get("alpha", 0.05)),
                                   correction=p.get("correction", "bh"), **boot)
        written.append(write_csv(td, res / f"keyness_article_check_{ab}.csv"))
        kd.update(key_differences(td, prefix="compareTerm", item="term", digits=2, rank="ci"))
        fd = prevalence_difference(term_by_article(arts, fq), arts, by, a, b,
                                   topic_cols=["per_10k_chars"], weight_col=None, **boot)
        fd = fd.rename(columns={"topic": "measure"}).assign(pattern=fq)
        written.append(write_csv(fd, res / f"fengqiao_rate_difference_{ab}.csv"))
        written.append(write_csv(pd.DataFrame(sorted(kd.items()), columns=["key", "value"]),
                            res / "compare_key_differences.csv"))
    if tr is not None:
        written.append(write_csv(actor_topics(tr["paragraph_topics"], paras, actors),
                            res / "actor_topics.csv"))
    written.append(write_csv(actor_keywords(para_tokens, paras, actors,
                                       top_n=int(p.get("actor_keywords_top_n", 10))),
                        res / "actor_keywords.csv"))
    written.append(write_csv(term_by_article(arts, fq), res / "fengqiao_by_article.csv"))
    for by in groups:
        written.append(write_csv(term_mentions(arts, by, fq), res / f"fengqiao_mentions_by_{by}.csv"))
    written.append(write_csv(formulas_near(paras, fq, formulas), res / "fengqiao_formulas.csv"))
    return written
