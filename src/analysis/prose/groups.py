"""Sentences that define the groups of a comparison, with their n."""

from __future__ import annotations

import pandas as pd

from ..evidence import TEXT_STATUSES, Contrast
from .text import id_list, listing, plural

__all__ = ["contrast_definition", "contrast_units", "grouping_definition", "prevalence_status"]


def contrast_units(contrast: Contrast) -> dict[str, list[int]]:
    """Unit key → article ids of the text articles of both groups of a contrast.

    Keys are as the inference names units: the ``cluster_by`` value, else
    ``"article <id>"`` (:func:`analysis.compare.inference.unit_values`).
    """
    arts = contrast.articles
    text = arts[arts["text_status"].isin(TEXT_STATUSES)
                & arts[contrast.by].astype(str).isin([contrast.a, contrast.b])]
    out: dict[str, list[int]] = {}
    for aid in text["article_id"]:
        key = contrast.clusters.get(aid) if contrast.clusters is not None else None
        key = f"article {aid}" if key is None or pd.isna(key) else str(key)
        out.setdefault(key, []).append(int(aid))
    return out


def _side(contrast: Contrast, group: str, units: dict[str, list[int]]) -> str:
    arts = contrast.articles
    g = arts[arts[contrast.by].astype(str) == group]
    ids = set(g.loc[g["text_status"].isin(TEXT_STATUSES), "article_id"].astype(int))
    n_units = sum(1 for v in units.values() if set(v) & ids)
    return (f"{group}: {plural(len(ids), 'article')} with a body ({id_list(ids)}) in "
            f"{plural(n_units, 'unit')}, of {plural(len(g), 'entry', 'entries')}")


def contrast_definition(contrast: Contrast | None, note: str = "") -> str:
    """The one two-group comparison (``[contrast]``) with its n per group.

    Parameters
    ----------
    contrast : Contrast or None
        From :func:`analysis.evidence.resolve_contrast`; None gives ``note``.
    note : str
        Why there is no contrast (``CompareInputs.contrast_note``).
    """
    if contrast is None:
        return f"**Groups.** No two-group comparison: {note}"
    units = contrast_units(contrast)
    out = [f"**Groups** (`[contrast]`): {contrast.description}. Estimates are "
           f"{contrast.a} − {contrast.b}.",
           _side(contrast, contrast.a, units) + "; " + _side(contrast, contrast.b, units) + "."]
    merged = {k: v for k, v in units.items() if len(v) > 1}
    if merged:
        out.append("Units of more than one article: " + listing(
            f"{k} ({id_list(v)})" for k, v in sorted(merged.items())) + ".")
    return " ".join(out)


def grouping_definition(cov: pd.DataFrame, by: str, *, level: str = "text") -> str:
    """Groups of one column with their n, from :func:`analysis.evidence.coverage`.

    ``level="text"``: articles with a body per group, and the groups without any;
    ``level="title"``: unique titles per group (repeated entries once).
    """
    if level == "title":
        return f"**Groups by `{by}`** (title-level, unique titles): " + listing(
            f"{r[by]} {int(r['n_articles'] - r['n_duplicates'])}"
            for _, r in cov.iterrows()) + "."
    text = cov[cov["n_text"] > 0]
    none = cov[cov["n_text"] == 0]
    out = [f"**Groups by `{by}`.** With a body: " + listing(
        f"{r[by]} {r['n_text']} of {plural(int(r['n_articles']), 'entry', 'entries')}"
        for _, r in text.iterrows())
        + "."]
    if len(none):
        out.append("Titles only (no text-level estimate): " + listing(
            f"{r[by]} ({plural(int(r['n_articles']), 'entry', 'entries')})"
            for _, r in none.iterrows()) + ".")
    return " ".join(out)


def prevalence_status(prev: pd.DataFrame, by: str) -> str:
    """Which groups of a prevalence table have an interval, a point estimate only, or
    nothing, and how many bootstrap resamples were degenerate (counted, not clipped).

    Statuses are those of :func:`analysis.compare.inference.group_estimate`: an interval
    (``estimated``, level in ``interval``), ``point only: …`` (too few units, or every
    unit at the edge of the measure's range) or no estimate (no units, no text).
    """
    def name(t) -> str:
        return str(t).replace("topic_", "T")

    est, part, point, none = [], [], [], []
    for group, g in prev.groupby(by, sort=False):
        ok = g["status"] == "estimated"
        if ok.all():
            est.append(f"{group} ({plural(int(g['n_units'].iloc[0]), 'unit')})")
        elif g["estimate"].isna().all():
            none.append(f"{group} ({g['status'].iloc[0]})")
        elif not ok.any() and g["status"].nunique() == 1:
            point.append(f"{group} ({g['status'].iloc[0].removeprefix('point only: ')})")
        else:
            part.append(f"{group}: " + listing(
                f"{listing(name(t) for t in gg['topic'])} "
                f"({st.removeprefix('point only: ')})"
                for st, gg in g[~ok].groupby("status", sort=False)))
    out = []
    if est:
        level = prev.loc[prev["status"] == "estimated", "interval"].iloc[0]
        out.append(f"With an interval ({level}): " + listing(est) + ".")
    if part:
        out.append("An interval for some measures only: " + listing(part) + ".")
    if point:
        out.append("Point estimate only: " + listing(point) + ".")
    if none:
        out.append("No estimate: " + listing(none) + ".")
    if "n_degenerate" in prev.columns:
        deg = prev[prev["n_degenerate"].fillna(0) > 0]
        if len(deg):
            out.append("Bootstrap resamples with zero spread (counted; their bound is the "
                       "range's edge, never a clipped number): " + listing(
                           f"{r[by]} {name(r['topic'])} {int(r['n_degenerate'])}"
                           for _, r in deg.iterrows()) + ".")
    return " ".join(out)
