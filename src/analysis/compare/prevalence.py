"""Topic prevalence per group, with a cluster bootstrap over articles.

Articles, never paragraphs, are the resampling units, and each group draws from
its own seeded stream (:func:`analysis.stats.group_rng`), so a group's interval
does not change when other groups are added. The same machinery serves any
per-article measure (actor rates, term rates): pass its columns as ``topic_cols``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis import io
from analysis.evidence import NO_TEXT_STATUS, NoTextError, coverage
from analysis.stats import bootstrap_means, group_rng, percentile_interval

from .groups import check_level, level_groups, topic_columns, with_coverage

__all__ = ["article_prevalence", "key_differences", "prevalence_difference",
           "read_key_differences", "topic_label_map", "topic_prevalence"]


def article_prevalence(doc_topics: pd.DataFrame, *, topic_cols=None,
                       weight_col: str | None = "n_tokens") -> pd.DataFrame:
    """Article × topic prevalence (index ``article_id``).

    Several rows per article (paragraphs) are averaged with ``weight_col``
    as weights (token-weighted, as the topic stage defines article
    prevalence); without that column every row weighs the same.
    """
    cols = topic_columns(doc_topics, topic_cols)
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


def _units(articles: pd.DataFrame, by: str, prev: pd.DataFrame, level: str) -> pd.Series:
    """Group of each article that enters an estimate at this level."""
    g = level_groups(articles, by, level)
    return g[g.index.isin(prev.index)]


def _group_estimate(x: np.ndarray, name: str, *, level: str, n_boot: int, ci: float,
                    min_articles: int, random_state: int):
    """Mean, CI bounds and status of one group's article rows ``x``."""
    n, k = x.shape
    if n == 0:
        nan = np.full(k, np.nan)
        return nan, nan, nan, (NO_TEXT_STATUS if level == "text" else "no articles")
    if n < min_articles:
        nan = np.full(k, np.nan)
        return (x.mean(axis=0), nan, nan,
                f"too few articles for a CI (n={n} < {min_articles})")
    lo, hi = percentile_interval(bootstrap_means(x, n_boot, group_rng(random_state, name)), ci)
    return x.mean(axis=0), lo, hi, "estimated"


def topic_prevalence(doc_topics: pd.DataFrame, articles: pd.DataFrame, by: str, *,
                     topic_cols=None, weight_col: str | None = "n_tokens",
                     level: str = "text", n_boot: int = 2000, ci: float = 0.95,
                     min_articles: int = 3, random_state: int,
                     tokens=None) -> pd.DataFrame:
    """Mean topic prevalence per group with cluster-bootstrap CIs.

    Each group's articles are drawn with replacement ``n_boot`` times and the
    mean article prevalence recomputed.

    Parameters
    ----------
    doc_topics : DataFrame
        ``article_id`` plus one column per topic; paragraph rows are
        aggregated by :func:`article_prevalence`.
    articles : DataFrame
        Articles with ``by``, ``text_status`` and ``n_chars``.
    by : str
        Grouping column.
    level : {"text", "title"}
        ``"text"``: only articles with body text enter; groups without any get
        ``status`` = ``"no text: no text-level estimate"`` and NaN values.
        ``"title"``: prevalence inferred from titles, for every unique title.
    n_boot, ci : int, float
        Bootstrap replicates and interval level (``[compare]``).
    min_articles : int
        Below this many articles the point estimate is given but the CI is NaN.
    random_state : int
        Seed; each group draws from its own stream of it.
    tokens : mapping or Series, optional
        Body tokens, for the ``n_tokens`` coverage column.

    Returns
    -------
    DataFrame
        Long: ``by``, ``topic``, ``estimate``, ``ci_low``, ``ci_high``,
        ``n_units``, ``level``, ``status`` and the coverage columns.
    """
    check_level(level)
    prev = article_prevalence(doc_topics, topic_cols=topic_cols, weight_col=weight_col)
    cols = list(prev.columns)
    units = _units(articles, by, prev, level)
    cov = coverage(articles, by, tokens)
    rows = []
    for name in cov[by]:
        ids = units.index[units == name]
        est, lo, hi, status = _group_estimate(
            prev.loc[ids, cols].to_numpy(dtype=float), name, level=level, n_boot=n_boot,
            ci=ci, min_articles=min_articles, random_state=random_state)
        rows += [{by: name, "topic": t, "estimate": est[j], "ci_low": lo[j],
                  "ci_high": hi[j], "n_units": len(ids), "level": level, "status": status}
                 for j, t in enumerate(cols)]
    return with_coverage(pd.DataFrame(rows), cov, by)


def prevalence_difference(doc_topics: pd.DataFrame, articles: pd.DataFrame, by: str,
                          a: str, b: str, *, topic_cols=None,
                          weight_col: str | None = "n_tokens", level: str = "text",
                          n_boot: int = 2000, ci: float = 0.95, min_articles: int = 3,
                          random_state: int) -> pd.DataFrame:
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
    check_level(level)
    prev = article_prevalence(doc_topics, topic_cols=topic_cols, weight_col=weight_col)
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
        draws[name] = bootstrap_means(x, n_boot, group_rng(random_state, name))
    lo, hi = percentile_interval(draws[a] - draws[b], ci)
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


_ORDINALS = ["One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]


def key_differences(diff: pd.DataFrame, *, n: int = 3,
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


def read_key_differences(results_dir: str | os.PathLike) -> dict[str, str]:
    """``compare_key_differences.csv`` (written from :func:`key_differences`) as
    ``{macro_name: value}`` for ``results/variables.tex``."""
    df = io.read_csv(io.output_path(results_dir, "compare_key_differences"), dtype=str,
                     keep_default_na=False)
    return dict(zip(df["key"], df["value"]))


def topic_label_map(labels: pd.DataFrame | None) -> dict[str, str]:
    """Display label per topic column: ``{"topic_0": "0: label (gloss)"}``.

    ``labels`` has ``topic``, ``label`` and optionally ``gloss`` (the topic
    stage's labels or ``topic_terms.csv``); one row per topic is used.
    """
    if labels is None or "label" not in labels.columns:
        return {}
    out = {}
    for _, r in labels.drop_duplicates("topic").iterrows():
        text = str(r["label"])
        if "gloss" in labels.columns and pd.notna(r["gloss"]) and r["gloss"] != r["label"]:
            text = f"{text} ({r['gloss']})"
        out[f"topic_{int(r['topic'])}"] = f"{int(r['topic'])}: {text}"
    return out
