"""Topic prevalence per group and differences between two groups.

Articles (or clusters of articles), never paragraphs, are the units; with refits
of the topic model (a ``seed`` column) the uncertainty covers the seeds as well
(:mod:`analysis.compare.inference`). Each group draws from its own seeded stream
(:func:`analysis.stats.group_rng`), so a group's interval does not change when
other groups are added. The same machinery serves any per-article measure (actor
rates, term rates): pass its columns as ``topic_cols``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis import io
from analysis.evidence import NO_TEXT_STATUS, NoTextError, coverage
from .groups import check_level, level_groups, topic_columns, with_coverage
from .inference import INTERVAL_METHOD, difference, from_options, group_estimate, unit_values

__all__ = ["article_prevalence", "key_differences", "macro_part", "prevalence_difference",
           "read_key_differences", "topic_label_map", "topic_prevalence"]


def article_prevalence(doc_topics: pd.DataFrame, *, topic_cols=None,
                       weight_col: str | None = "n_tokens") -> pd.DataFrame:
    """Article × topic prevalence (index ``article_id``, or ``seed`` and ``article_id``).

    Several rows per article (paragraphs) are averaged with ``weight_col``
    as weights (token-weighted, as the topic stage defines article
    prevalence); without that column every row weighs the same. With a
    ``seed`` column (refits of the topic model) each refit is kept apart.
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
    keys = [df[k].to_numpy() for k in ("seed", "article_id") if k in df.columns]
    names = [k for k in ("seed", "article_id") if k in df.columns]
    vals = df[cols].to_numpy(dtype=float) * w[:, None]
    num = pd.DataFrame(vals, columns=cols).groupby(keys).sum()
    den = pd.Series(w).groupby(keys).sum()
    out = num.div(den.where(den > 0), axis=0)
    out.index.names = names
    return out.sort_index()


def _article_units(doc_topics: pd.DataFrame, articles: pd.DataFrame, by: str, level: str,
                   topic_cols, weight_col) -> tuple[pd.DataFrame, list[str], pd.Series]:
    """Article prevalence (long, per refit), its measure columns, and the group of each
    article that enters an estimate at this level."""
    prev = article_prevalence(doc_topics, topic_cols=topic_cols,
                              weight_col=weight_col).reset_index()
    g = level_groups(articles, by, level)
    return prev, topic_columns(doc_topics, topic_cols), g[g.index.isin(prev["article_id"])]


def topic_prevalence(doc_topics: pd.DataFrame, articles: pd.DataFrame, by: str, *,
                     topic_cols=None, weight_col: str | None = "n_tokens",
                     level: str = "text", n_boot: int = 2000, ci: float = 0.95,
                     min_articles: int = 5, random_state: int, n_perm: int = 9999,
                     max_exact: int = 100000, alpha: float = 0.05, coverage_reps: int = 0,
                     coverage_boot: int = 499, min_coverage: float = 0.93,
                     clusters: pd.Series | None = None, tokens=None) -> pd.DataFrame:
    """Mean topic prevalence per group, with intervals over articles (and refits).

    Parameters
    ----------
    doc_topics : DataFrame
        ``article_id`` plus one column per topic, and ``seed`` when it holds
        several refits of the topic model; paragraph rows are aggregated by
        :func:`article_prevalence`.
    articles : DataFrame
        Articles with ``by``, ``text_status`` and ``n_chars``.
    by : str
        Grouping column.
    level : {"text", "title"}
        ``"text"``: only articles with body text enter; groups without any get
        ``status`` = ``"no text: no text-level estimate"`` and NaN values.
        ``"title"``: prevalence inferred from titles, for every unique title.
    n_boot, ci, min_articles, random_state :
        Bootstrap-t replicates per refit, interval level, the fewest units for an
        interval (fewer: point estimate only) and the seed (one stream per group).
    coverage_reps, coverage_boot, min_coverage :
        Each interval's coverage is simulated at its n for populations fitted to the
        group's values; below ``min_coverage`` the interval is withheld (0 reps: no check).
    clusters : Series, optional
        ``article_id`` → cluster key: articles of one cluster count as one unit.
    tokens : mapping or Series, optional
        Body tokens, for the ``n_tokens`` coverage column.

    Returns
    -------
    DataFrame
        Long: ``by``, ``topic``, ``estimate``, ``ci_low``, ``ci_high``,
        ``n_units``, ``n_seeds``, ``interval``, ``interval_coverage``, ``level``,
        ``status`` and the coverage columns.
    """
    check_level(level)
    inf = from_options(n_boot=n_boot, ci=ci, min_articles=min_articles,
                       random_state=random_state, n_perm=n_perm, max_exact=max_exact,
                       alpha=alpha, coverage_reps=coverage_reps,
                       coverage_boot=coverage_boot, min_coverage=min_coverage)
    prev, cols, units = _article_units(doc_topics, articles, by, level, topic_cols, weight_col)
    cov = coverage(articles, by, tokens)
    rows = []
    for name in cov[by]:
        x, _ = unit_values(prev, cols, units.index[units == name], clusters)
        r = group_estimate(x, name, inf)
        if r["n_units"] == 0 and level == "text":
            r["status"] = [NO_TEXT_STATUS] * len(cols)
        rows += [{by: name, "topic": t, "estimate": r["estimate"][j],
                  "ci_low": r["ci_low"][j], "ci_high": r["ci_high"][j],
                  "n_units": r["n_units"], "n_seeds": x.shape[0],
                  "interval": INTERVAL_METHOD if r["status"][j] == "estimated" else "none",
                  "interval_coverage": r["coverage"][j], "level": level,
                  "status": r["status"][j]}
                 for j, t in enumerate(cols)]
    return with_coverage(pd.DataFrame(rows), cov, by)


def prevalence_difference(doc_topics: pd.DataFrame, articles: pd.DataFrame, by: str,
                          a: str, b: str, *, topic_cols=None,
                          weight_col: str | None = "n_tokens", level: str = "text",
                          n_boot: int = 2000, ci: float = 0.95, min_articles: int = 5,
                          random_state: int, n_perm: int = 9999, max_exact: int = 100000,
                          alpha: float = 0.05, coverage_reps: int = 0,
                          coverage_boot: int = 499, min_coverage: float = 0.93,
                          clusters: pd.Series | None = None,
                          influence: bool = True) -> pd.DataFrame:
    """Difference in mean topic prevalence, group ``a`` minus group ``b``, per topic.

    Intervals pool bootstrap-t draws over articles and over the refits in
    ``doc_topics`` (a ``seed`` column); the permutation test shuffles group labels
    over articles; q values are BH across the topics. See
    :func:`analysis.compare.inference.difference` for every column.

    Raises
    ------
    NoTextError
        At ``level="text"``, if either group has no article with body text.
    ValueError
        If either group has fewer than 2 units at this level.
    """
    check_level(level)
    inf = from_options(n_boot=n_boot, ci=ci, min_articles=min_articles,
                       random_state=random_state, n_perm=n_perm, max_exact=max_exact,
                       alpha=alpha, coverage_reps=coverage_reps,
                       coverage_boot=coverage_boot, min_coverage=min_coverage)
    prev, cols, units = _article_units(doc_topics, articles, by, level, topic_cols, weight_col)
    cov = coverage(articles, by).set_index(by)
    xs, keys = {}, {}
    for name in (a, b):
        if name not in cov.index:
            raise KeyError(f"{by}={name!r} not in articles")
        ids = units.index[units == name]
        if len(ids) == 0 and level == "text":
            raise NoTextError(
                f"{by}={name!r} has no article with body text "
                f"({cov.loc[name, 'n_articles']} articles, titles only): "
                "no text-level estimate; use level='title' for a title-level one")
        xs[name], keys[name] = unit_values(prev, cols, ids, clusters)
        if len(keys[name]) < 2:
            raise ValueError(f"{by}={name!r}: {len(keys[name])} {level}-level units; "
                             "a difference needs at least 2 per group")
    out = difference(xs[a], xs[b], keys[a], keys[b], a, b, inf, influence=influence)
    out.insert(0, "topic", cols)
    out = out.assign(group_a=a, group_b=b, by=by, level=level,
                     clustered=clusters is not None,
                     articles_a=int(cov.loc[a, "n_articles"]),
                     articles_b=int(cov.loc[b, "n_articles"]),
                     evidence_a=cov.loc[a, "evidence"], evidence_b=cov.loc[b, "evidence"])
    return out


_DIGITS = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]


def macro_part(name) -> str:
    """``public_security`` → ``PublicSecurity``, ``3`` → ``Three`` (letters only)."""
    words = re.findall(r"[A-Za-z]+|[0-9]", str(name))
    if not words:
        raise ValueError(f"{name!r} has no ASCII letters or digits for a macro name")
    return "".join(_DIGITS[int(w)] if w.isdigit() else w[:1].upper() + w[1:] for w in words)


def _num(v: float, digits: int) -> str:
    return "NA" if pd.isna(v) else f"{v:.{digits}f}"


def key_differences(diff: pd.DataFrame, *, prefix: str = "compareTopic", item: str = "topic",
                    ids: Mapping[str, str] | None = None,
                    labels: Mapping[str, str] | None = None,
                    digits: int = 3) -> dict[str, str]:
    """Every row of a difference table as citable strings, keyed by item, never by rank.

    Keys are ``prefix`` + the item's id (``ids`` maps an item to a stable ASCII id,
    e.g. a topic's label id; else the item itself) + a field: ``Est``, ``CI``
    (``[lo, hi]`` or ``NA`` below the minimum n), ``P``, ``Q``, ``Significant``
    (interval excludes zero and q < alpha), ``SignAgreement`` (share of refits),
    ``LooMin``, ``LooMax``, ``LooFlips`` (leaving one unit out changes the
    conclusion) and ``Label`` when ``labels`` names the item. Common keys:
    ``By``, ``GroupA``, ``GroupB``, ``UnitsA``, ``UnitsB``, ``Seeds``, ``Level``.
    """
    r0 = diff.iloc[0]
    out = {f"{prefix}By": str(r0["by"]), f"{prefix}GroupA": str(r0["group_a"]),
           f"{prefix}GroupB": str(r0["group_b"]), f"{prefix}UnitsA": str(r0["n_a"]),
           f"{prefix}UnitsB": str(r0["n_b"]), f"{prefix}Seeds": str(r0["n_seeds"]),
           f"{prefix}Level": str(r0["level"])}
    for _, r in diff.iterrows():
        key = prefix + macro_part((ids or {}).get(r[item], r[item]))
        ci = ("NA" if pd.isna(r["ci_low"])
              else f"[{_num(r['ci_low'], digits)}, {_num(r['ci_high'], digits)}]")
        out.update({f"{key}Est": _num(r["estimate"], digits), f"{key}CI": ci,
                    f"{key}P": _num(r["p_value"], 3), f"{key}Q": _num(r["q_value"], 3),
                    f"{key}Significant": "yes" if r["significant"] else "no",
                    f"{key}SignAgreement": _num(r["sign_agreement"], 2)})
        if "loo_min" in diff.columns:
            out.update({f"{key}LooMin": _num(r["loo_min"], digits),
                        f"{key}LooMax": _num(r["loo_max"], digits),
                        f"{key}LooFlips": "yes" if r["loo_conclusion_flips"] else "no"})
        if labels and r[item] in labels:
            out[f"{key}Label"] = str(labels[r[item]])
    return out


def read_key_differences(results_dir: str | os.PathLike) -> dict[str, str]:
    """``compare_key_differences.csv`` (written from :func:`key_differences`) as
    ``{macro_name: value}`` for ``results/variables.tex``."""
    df = io.read_csv(io.output_path(results_dir, "compare_key_differences"), dtype=str,
                     keep_default_na=False)
    return dict(zip(df["key"], df["value"]))


def topic_label_map(labels: pd.DataFrame | None) -> dict[str, str]:
    """Display label per topic column: ``{"topic_0": "0: label – gloss"}``.

    ``labels`` has ``topic``, ``label`` and optionally ``gloss`` (the topic
    stage's labels or ``topic_terms.csv``); one row per topic is used.
    """
    if labels is None or "label" not in labels.columns:
        return {}
    out = {}
    for _, r in labels.drop_duplicates("topic").iterrows():
        text = str(r["label"])
        if "gloss" in labels.columns and pd.notna(r["gloss"]) and r["gloss"] != r["label"]:
            # A dash, not parentheses: glosses carry their own "(…)".
            text = f"{text} – {r['gloss']}"
        out[f"topic_{int(r['topic'])}"] = f"{int(r['topic'])}: {text}"
    return out
