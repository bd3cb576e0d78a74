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


def _options(opts: dict):
    """The :class:`~analysis.compare.inference.Inference` and ``clusters`` of the keyword
    options (:func:`analysis.compare.stage.inference_options`)."""
    return from_options(**opts), opts.get("clusters")


def topic_prevalence(doc_topics: pd.DataFrame, articles: pd.DataFrame, by: str, *,
                     topic_cols=None, weight_col: str | None = "n_tokens",
                     level: str = "text", scale: str = "proportion", tokens=None,
                     **opts) -> pd.DataFrame:
    """Mean of a per-article measure (topic share by default) per group, with intervals
    over units.

    Parameters
    ----------
    doc_topics : DataFrame
        ``article_id`` plus one column per topic (the reported model's article
        shares); several rows per article are aggregated by :func:`article_prevalence`.
    articles : DataFrame
        Articles with ``by``, ``text_status`` and ``n_chars``.
    by : str
        Grouping column.
    level : {"text", "title"}
        ``"text"``: only articles with body text enter; groups without any get
        ``status`` = ``"no text: no text-level estimate"`` and NaN values.
    scale : {"proportion", "rate"}
        The measure's range: intervals are built on the logit or log scale.
    tokens : mapping or Series, optional
        Body tokens, for the ``n_tokens`` coverage column.
    **opts
        :func:`analysis.compare.stage.inference_options` (``n_boot``,
        ``min_articles``, ``alpha``, ``random_state``, ``clusters`` …).

    Returns
    -------
    DataFrame
        Long: ``by``, ``topic``, ``estimate``, ``ci_low``, ``ci_high``, ``n_units``,
        ``n_degenerate``, ``interval``, ``level``, ``status`` and the coverage columns.
    """
    check_level(level)
    inf, clusters = _options(opts)
    prev, cols, units = _article_units(doc_topics, articles, by, level, topic_cols, weight_col)
    cov = coverage(articles, by, tokens)
    rows = []
    for name in cov[by]:
        x, _ = unit_values(prev, cols, units.index[units == name], clusters)
        r = group_estimate(x[0] if len(x) else np.empty((0, len(cols))), name, inf,
                           scale=scale)
        if r["n_units"] == 0 and level == "text":
            r["status"] = [NO_TEXT_STATUS] * len(cols)
        rows += [{by: name, "topic": t, "estimate": r["estimate"][j],
                  "ci_low": r["ci_low"][j], "ci_high": r["ci_high"][j],
                  "n_units": r["n_units"], "n_degenerate": r["n_degenerate"][j],
                  "interval": (f"{INTERVAL_METHOD}, {1 - inf.alpha:.0%}"
                               if r["status"][j] == "estimated" else "none"),
                  "level": level, "scale": scale, "status": r["status"][j]}
                 for j, t in enumerate(cols)]
    return with_coverage(pd.DataFrame(rows), cov, by)


def _group_units(prev, cols, units, cov, by, a, b, level, clusters):
    """Per-unit values of groups ``a`` and ``b``: ``{name: (n_seeds, n_units, k)}`` and
    the unit keys; errors name the group that cannot be compared."""
    xs, keys = {}, {}
    for name in (a, b):
        if name not in cov.index:
            raise KeyError(f"{by}={name!r} not in articles")
        ids = units.index[units == name]
        if len(ids) == 0 and level == "text":
            raise NoTextError(
                f"{by}={name!r} has no article with body text "
                f"({cov.loc[name, 'n_articles']} articles, titles only): "
                "no text-level estimate")
        xs[name], keys[name] = unit_values(prev, cols, ids, clusters)
        if len(keys[name]) < 2:
            raise ValueError(f"{by}={name!r}: {len(keys[name])} {level}-level units; "
                             "a difference needs at least 2 per group")
    return xs, keys


def prevalence_difference(doc_topics: pd.DataFrame, articles: pd.DataFrame, by: str,
                          a: str, b: str, *, topic_cols=None,
                          weight_col: str | None = "n_tokens", level: str = "text",
                          scale: str = "proportion", refits: pd.DataFrame | None = None,
                          stability: pd.DataFrame | None = None,
                          family: str = "topics of this contrast", influence: bool = True,
                          **opts) -> pd.DataFrame:
    """Difference in the mean of a per-article measure, group ``a`` minus group ``b``.

    The estimate is the reported model's (``doc_topics``); the interval inverts the
    permutation test over units, so ``significant`` ⇔ the interval excludes 0. See
    :func:`analysis.compare.inference.difference` for every column.

    Parameters
    ----------
    refits : DataFrame, optional
        The same measure under each refit of the model (``seed`` column, topics
        aligned): reproducibility columns, never part of the interval.
    stability : DataFrame, optional
        ``topic`` (0-based), ``stable`` and ``stability_note``: unstable topics are
        not compared and stay out of the ``p_adj`` family.

    Raises
    ------
    NoTextError
        At ``level="text"``, if either group has no article with body text.
    ValueError
        If either group has fewer than 2 units at this level.
    """
    check_level(level)
    inf, clusters = _options(opts)
    prev, cols, units = _article_units(doc_topics, articles, by, level, topic_cols, weight_col)
    cov = coverage(articles, by).set_index(by)
    xs, keys = _group_units(prev, cols, units, cov, by, a, b, level, clusters)
    compared, notes = None, None
    if stability is not None:
        st = stability.set_index("topic").reindex(range(len(cols)))
        compared = st["stable"].fillna(False).astype(bool).to_numpy()
        notes = [("" if ok else f"not compared: {note}")
                 for ok, note in zip(compared, st["stability_note"].fillna(""))]
    refit_x = None
    if refits is not None:
        rprev, _, _ = _article_units(refits, articles, by, level, topic_cols, weight_col)
        ra, _ = unit_values(rprev, cols, units.index[units == a], clusters)
        rb, _ = unit_values(rprev, cols, units.index[units == b], clusters)
        refit_x = list(zip(ra, rb))
    out = difference(xs[a][0], xs[b][0], keys[a], keys[b], a, b, inf, scale=scale,
                     compared=compared, not_compared=notes, refits=refit_x, family=family,
                     influence=influence)
    out.insert(0, "topic", cols)
    out = out.assign(group_a=a, group_b=b, by=by, level=level, scale=scale,
                     clustered=clusters is not None,
                     units_used_a=" ".join(map(str, keys[a])),
                     units_used_b=" ".join(map(str, keys[b])),
                     evidence=f"{level}-level: {len(keys[a])} vs {len(keys[b])} units "
                              f"with {'body text' if level == 'text' else 'titles'}")
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
    (``[lo, hi]``, or ``NA`` where the row has none), ``P``, ``PAdj``, ``MDE``,
    ``Significant`` (the interval excludes zero, i.e. p ≤ alpha), ``SignificantAdj``
    (p_adj ≤ alpha), ``Status``, with refits ``SignAgreement`` and ``RefitReject``,
    ``LooMin``, ``LooMax``, ``LooFlips`` (leaving one unit out changes the conclusion)
    and ``Label`` when ``labels`` names the item. Common keys: ``By``, ``GroupA``,
    ``GroupB``, ``UnitsA``, ``UnitsB``, ``Level``, ``Family``.
    """
    r0 = diff.iloc[0]
    out = {f"{prefix}By": str(r0["by"]), f"{prefix}GroupA": str(r0["group_a"]),
           f"{prefix}GroupB": str(r0["group_b"]), f"{prefix}UnitsA": str(r0["n_a"]),
           f"{prefix}UnitsB": str(r0["n_b"]), f"{prefix}Level": str(r0["level"]),
           f"{prefix}Family": str(r0["p_adj_family"])}
    for _, r in diff.iterrows():
        key = prefix + macro_part((ids or {}).get(r[item], r[item]))
        ci = ("NA" if pd.isna(r["ci_low"])
              else f"[{_num(r['ci_low'], digits)}, {_num(r['ci_high'], digits)}]")
        out.update({f"{key}Est": _num(r["estimate"], digits), f"{key}CI": ci,
                    f"{key}P": _num(r["p_value"], 3), f"{key}PAdj": _num(r["p_adj"], 3),
                    f"{key}MDE": _num(r["mde"], digits),
                    f"{key}Significant": "yes" if r["significant"] else "no",
                    f"{key}SignificantAdj": "yes" if r["significant_adj"] else "no",
                    f"{key}Status": str(r["status"])})
        if "sign_agreement" in diff.columns:
            out.update({f"{key}SignAgreement": _num(r["sign_agreement"], 2),
                        f"{key}RefitReject": _num(r["refit_reject_share"], 2)})
        if "loo_min" in diff.columns:
            out.update({f"{key}LooMin": _num(r["loo_min"], digits),
                        f"{key}LooMax": _num(r["loo_max"], digits),
                        f"{key}LooFlips": ("yes" if str(r["loo_conclusion_flips"]) == "True"
                                           else "no")})
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
