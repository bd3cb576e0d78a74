"""Themes in titles: a short-text method for the table-of-contents titles.

A title is a few tokens long, too short for a topic share: inferred from three
tokens, a title's topic proportions are mostly the model's prior. What a title can
tell is whether it *mentions* a theme. A **theme** is a set of key terms:

* the reported topic model's top terms (``topic_terms.csv``, the top
  ``[compare] title_theme_terms`` by ``title_theme_method``, FREX by default: FREX
  weighs a term's exclusivity to its topic, so the themes share few terms, where
  the most probable terms such as 平安 or 基层 stand at the top of several topics);
* optionally the themes of a curated dictionary (``title_theme_dictionary``, a CSV
  with ``theme`` and ``term`` columns and an optional ``label``).

A title *mentions* a theme when one of its tokens (the run's segmenter) equals one
of the theme's terms. Titles are counted once: a repeated table-of-contents entry
(``duplicate_of`` set) is left out, as in the title network. Each unique title is
one trial; titles from the same place are not merged (the binomial model treats them
as independent).

Per group (:func:`title_themes`): the share of the group's titles that mention the
theme, ``k`` of ``n``, with its exact Clopper–Pearson interval, which lies inside
[0, 1]. Groups with fewer than ``title_min_titles`` titles get counts and a share
but no interval, and their ``status`` says why.

For the two groups of ``[contrast]`` (:func:`title_theme_difference`): the
difference in share ``a - b`` per theme, tested with the exact unconditional test
of Barnard's kind (score statistic; :func:`analysis.exact.exact_unconditional_p`),
its interval the set of differences that the same test does not reject at
``alpha`` (:func:`analysis.exact.exact_difference_interval`, Chan & Zhang 1999), so
``significant`` (``p_value < alpha``) holds exactly when the interval excludes 0;
``p_adj`` is Holm's adjustment over the family of every theme of the contrast, and
``mde`` the smallest difference detectable with ``[compare] power`` at ``alpha``
(:func:`analysis.exact.mde_two_proportions`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import exact
from ..evidence import group_series, not_duplicate

__all__ = ["DIFFERENCE_COLUMNS", "THEME_COLUMNS", "Theme", "load_theme_dictionary",
           "theme_hits", "title_theme_difference", "title_themes", "topic_themes",
           "unique_titles"]

log = logging.getLogger(__name__)

#: Columns of ``title_themes_by_<g>.csv`` after the grouping column.
THEME_COLUMNS = ["theme", "theme_label", "theme_gloss", "theme_source", "terms", "n_titles",
                 "k_titles", "share", "ci_low", "ci_high", "ci", "interval", "status", "level",
                 "matched_terms", "article_ids"]
#: Columns of ``title_themes_difference_<a>_vs_<b>.csv``.
DIFFERENCE_COLUMNS = ["by", "group_a", "group_b", "theme", "theme_label", "theme_gloss",
                      "theme_source",
                      "terms", "k_a", "n_a", "share_a", "k_b", "n_b", "share_b", "estimate",
                      "ci_low", "ci_high", "ci", "p_value", "p_adj", "significant",
                      "ci_excludes_zero", "mde", "mde_power", "alpha", "test", "interval",
                      "family", "status", "level"]
CP_METHOD = "Clopper-Pearson exact binomial"
TEST = "exact unconditional (Barnard-type, score statistic), two-sided"
DIFF_INTERVAL = "exact unconditional, inverting the same test (Chan & Zhang 1999)"


@dataclass(frozen=True)
class Theme:
    """A set of key terms that a title mentions when one of its tokens is among them.

    Attributes
    ----------
    name : str
        Identifier (``topic_<k>`` for a topic's terms, the dictionary's name otherwise).
    label : str
        Display label.
    terms : tuple of str
        The key terms, in their order of rank.
    source : str
        Where the terms come from (``"topic model: frex top 10"``, ``"dictionary"``).
    gloss : str
        English gloss of the label ("" when there is none).
    """

    name: str
    label: str
    terms: tuple[str, ...]
    source: str
    gloss: str = ""


def topic_themes(terms: pd.DataFrame, *, method: str, n: int) -> list[Theme]:
    """One theme per topic: its top ``n`` terms by ``method`` (``topic_terms.csv``).

    ``terms`` has ``topic``, ``method``, ``rank``, ``term`` and optionally ``label``
    and ``gloss``. A topic with fewer than ``n`` terms of that method keeps all it has
    (logged).
    """
    missing = {"topic", "method", "rank", "term"} - set(terms.columns)
    if missing:
        raise ValueError(f"topic terms lack columns {sorted(missing)}")
    rows = terms[terms["method"] == method].sort_values(["topic", "rank"], kind="stable")
    if rows.empty:
        raise ValueError(f"topic terms have no method {method!r} "
                         f"(methods: {sorted(terms['method'].unique())})")
    out = []
    for k, grp in rows.groupby("topic", sort=True):
        top = grp.head(n)
        if len(top) < n:
            log.warning("topic %s has %d %s terms, fewer than title_theme_terms = %d",
                        k, len(top), method, n)
        label = str(top["label"].iloc[0]) if "label" in top.columns else f"topic {k}"
        gloss = top["gloss"].iloc[0] if "gloss" in top.columns else ""
        out.append(Theme(name=f"topic_{int(k)}", label=label,
                         terms=tuple(map(str, top["term"])),
                         source=f"topic model: {method} top {n}",
                         gloss="" if pd.isna(gloss) else str(gloss)))
    return out


def load_theme_dictionary(path: str | Path) -> list[Theme]:
    """Themes of a curated CSV: ``theme``, ``term`` and optional ``label`` and ``gloss``.

    Lines starting with ``#`` are comments. A theme's label (gloss) is its first
    non-empty ``label`` (``gloss``), else its name (""). Terms are matched to title
    tokens as they are written.
    """
    table = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False,
                        encoding="utf-8")
    missing = {"theme", "term"} - set(table.columns)
    if missing:
        raise ValueError(f"{path}: theme dictionary needs columns {sorted(missing)}")
    table = table[(table["theme"].str.strip() != "") & (table["term"].str.strip() != "")]
    if table.empty:
        raise ValueError(f"{path}: theme dictionary has no terms")
    out = []
    def first(grp: pd.DataFrame, col: str, default: str) -> str:
        values = grp[col].str.strip() if col in grp.columns else []
        return next((x for x in values if x), default)

    for name, grp in table.groupby("theme", sort=False):
        terms = tuple(dict.fromkeys(t.strip() for t in grp["term"]))
        out.append(Theme(name=str(name).strip(), label=first(grp, "label", str(name).strip()),
                         terms=terms, source="dictionary", gloss=first(grp, "gloss", "")))
    return out


def unique_titles(articles: pd.DataFrame, title_tokens) -> pd.Series:
    """Tokens per ``article_id`` of every non-repeated title (``duplicate_of`` unset)."""
    keep = not_duplicate(articles)
    ids = [int(a) for a in keep.index[keep.to_numpy()]]
    return pd.Series({a: list(title_tokens.get(a, [])) for a in ids}, dtype=object)


def theme_hits(tokens: pd.Series, themes: list[Theme]) -> pd.DataFrame:
    """Boolean ``article_id`` × theme: the title has a token among the theme's terms."""
    sets = {a: set(t) for a, t in tokens.items()}
    return pd.DataFrame({th.name: [bool(sets[a] & set(th.terms)) for a in tokens.index]
                         for th in themes}, index=tokens.index, dtype=bool)


def _ids(mask: pd.Series) -> str:
    return " ".join(str(a) for a in mask.index[mask.to_numpy()])


def _matched(tokens: pd.Series, mask: pd.Series, theme: Theme) -> str:
    """``"term:count"`` of the theme's terms in the matching titles (titles, not tokens),
    most frequent first: which terms carry a share."""
    counts = {t: sum(t in set(tokens[a]) for a in mask.index[mask.to_numpy()])
              for t in theme.terms}
    ranked = sorted(((c, -i, t) for i, (t, c) in enumerate(counts.items()) if c), reverse=True)
    return ";".join(f"{t}:{c}" for c, _, t in ranked)


def title_themes(articles: pd.DataFrame, title_tokens, by: str, themes: list[Theme], *,
                 ci: float, min_titles: int) -> pd.DataFrame:
    """Share of each group's unique titles that mention each theme.

    Parameters
    ----------
    articles : DataFrame
        ``article_id``, ``duplicate_of`` and the grouping column ``by``.
    title_tokens : mapping
        ``{article_id: tokens}`` of every title.
    by : str
        Grouping column; missing values form the group ``"(missing)"``.
    themes : list of Theme
    ci : float
        Level of the Clopper–Pearson interval.
    min_titles : int
        Groups with fewer unique titles get no interval (``status`` says so).

    Returns
    -------
    DataFrame
        One row per group and theme: ``by`` and :data:`THEME_COLUMNS` (``k_titles`` of
        ``n_titles`` mention the theme; ``article_ids`` are theirs).
    """
    tokens = unique_titles(articles, title_tokens)
    hits = theme_hits(tokens, themes)
    groups = group_series(articles, by).reindex(tokens.index)
    rows = []
    for grp in sorted(groups.unique()):
        in_grp = (groups == grp).to_numpy()
        n = int(in_grp.sum())
        for th in themes:
            mask = hits.loc[in_grp, th.name]
            k = int(mask.sum())
            lo, hi = exact.clopper_pearson(k, n, ci) if n >= min_titles else (np.nan, np.nan)
            status = ("ok" if n >= min_titles else
                      f"fewer than {min_titles} titles: counts only, no interval")
            rows.append({by: grp, "theme": th.name, "theme_label": th.label,
                         "theme_gloss": th.gloss, "theme_source": th.source,
                         "terms": ";".join(th.terms),
                         "n_titles": n, "k_titles": k, "share": k / n,
                         "ci_low": float(lo), "ci_high": float(hi), "ci": ci,
                         "interval": CP_METHOD, "status": status, "level": "title",
                         "matched_terms": _matched(tokens, mask, th),
                         "article_ids": _ids(mask)})
    return pd.DataFrame(rows, columns=[by, *THEME_COLUMNS])


def title_theme_difference(articles: pd.DataFrame, title_tokens, by: str, a: str, b: str,
                           themes: list[Theme], *, alpha: float, min_titles: int,
                           power: float) -> pd.DataFrame:
    """Difference in the share of titles mentioning each theme, group ``a`` minus ``b``.

    The test is the two-sided exact unconditional test of equal shares (score
    statistic, nuisance share maximised; :func:`analysis.exact.exact_unconditional_p`)
    and the interval, at level ``1 - alpha``, the differences the same test does not
    reject (:func:`analysis.exact.exact_difference_interval`): ``significant`` is
    ``p_value < alpha`` and ``ci_excludes_zero`` is checked to agree with it. ``p_adj``
    is Holm's adjustment over the family of all themes of this contrast. ``mde`` is the
    smallest difference in share detectable with probability ``power`` at ``alpha``
    for these two numbers of titles, on the arcsine scale (Cohen's h) around the
    pooled share (:func:`analysis.exact.mde_two_proportions`). With fewer than
    ``min_titles`` titles in either group there is no test (``status``).

    Returns
    -------
    DataFrame
        One row per theme, :data:`DIFFERENCE_COLUMNS`.
    """
    per_group = title_themes(articles, title_tokens, by, themes, ci=1 - alpha,
                             min_titles=min_titles).set_index([by, "theme"])
    rows = []
    for th in themes:
        ga = per_group.loc[(a, th.name)] if (a, th.name) in per_group.index else None
        gb = per_group.loc[(b, th.name)] if (b, th.name) in per_group.index else None
        k_a, n_a = (int(ga["k_titles"]), int(ga["n_titles"])) if ga is not None else (0, 0)
        k_b, n_b = (int(gb["k_titles"]), int(gb["n_titles"])) if gb is not None else (0, 0)
        row = {"by": by, "group_a": a, "group_b": b, "theme": th.name,
               "theme_label": th.label, "theme_gloss": th.gloss,
               "theme_source": th.source,
               "terms": ";".join(th.terms), "k_a": k_a, "n_a": n_a,
               "share_a": k_a / n_a if n_a else np.nan, "k_b": k_b, "n_b": n_b,
               "share_b": k_b / n_b if n_b else np.nan, "ci": 1 - alpha,
               "mde_power": power, "alpha": alpha, "test": TEST, "interval": DIFF_INTERVAL,
               "level": "title"}
        row["estimate"] = row["share_a"] - row["share_b"]
        if min(n_a, n_b) < min_titles:
            row["status"] = (f"fewer than {min_titles} titles in "
                             f"{a if n_a < min_titles else b}: no test, no interval")
        else:
            row["p_value"] = exact.exact_unconditional_p(k_a, n_a, k_b, n_b)
            row["ci_low"], row["ci_high"] = exact.exact_difference_interval(
                k_a, n_a, k_b, n_b, 1 - alpha)
            row["mde"] = exact.mde_two_proportions(n_a, n_b, (k_a + k_b) / (n_a + n_b),
                                                   alpha=alpha, power=power)
            row["status"] = "ok"
        rows.append(row)
    out = pd.DataFrame(rows).reindex(columns=DIFFERENCE_COLUMNS)
    tested = out["status"] == "ok"
    out["p_adj"] = exact.holm(out["p_value"].to_numpy(dtype=float))
    out["family"] = f"Holm over the {int(tested.sum())} tested themes of this contrast"
    out["significant"] = (out["p_value"] < alpha).where(tested)
    out["ci_excludes_zero"] = ((out["ci_low"] > 0) | (out["ci_high"] < 0)).where(tested)
    disagree = out[tested & (out["significant"] != out["ci_excludes_zero"])]
    for _, r in disagree.iterrows():
        log.warning("title theme %s, %s vs %s: the test (p = %.4g) and its interval "
                    "[%.4g, %.4g] disagree at alpha = %g", r["theme"], a, b, r["p_value"],
                    r["ci_low"], r["ci_high"], alpha)
    return out
