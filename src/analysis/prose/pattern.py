"""Sentences about one pattern (e.g. 枫桥): titles, mentions, topics around it."""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..evidence import TEXT_STATUSES
from .differences import item_name
from .text import id_list, listing, percent, plural, signed

__all__ = ["association_influence", "kwic_context", "mention_concentration",
           "titles_naming", "topic_association"]


def titles_naming(matches: pd.DataFrame, articles: pd.DataFrame, pattern: str) -> str:
    """How many titles match ``pattern``, of which sections, and whether they have a body.

    ``matches`` is :func:`analysis.compare.titles_matching` output.
    """
    n = int(articles["duplicate_of"].isna().sum())
    if matches.empty:
        return f"No title of the {n} unique titles matches {pattern}."
    body = matches["text_status"].isin(TEXT_STATUSES)
    secs = matches["section"].astype(str).value_counts().sort_index()
    where = listing(f"`{s}` {k}" for s, k in secs.items())
    place = articles.set_index("article_id")["place"] if "place" in articles.columns else {}
    names = "articles " + listing(f"{r.article_id} ({place.get(r.article_id, '')})".replace(
        " ()", "") for r in matches.itertuples())
    silent = sorted(set(articles["section"].astype(str)) - set(secs.index))
    out = (f"{len(matches)} of the {n} unique titles match {pattern} (by section: {where}): "
           f"{names}. {int(body.sum())} of them have a body.")
    if silent:
        out += f" No title of {listing((f'`{s}`' for s in silent), 'or')} matches."
    return out


def mention_concentration(per_article: pd.DataFrame, pattern: str, *, top: int = 2) -> str:
    """How many bodies mention the pattern and what share the top articles carry.

    ``per_article`` is :func:`analysis.compare.term_by_article` output.
    """
    t = per_article[per_article["text_status"].isin(TEXT_STATUSES)]
    total = int(t["text_mentions"].sum())
    k = int((t["text_mentions"] > 0).sum())
    lead = t.sort_values(["text_mentions", "article_id"], ascending=[False, True]).head(top)
    share = lead["text_mentions"].sum() / total if total else np.nan
    parts = listing(f"{int(r.article_id)} ({int(r.text_mentions)})" for r in lead.itertuples())
    return (f"{k} of the {len(t)} bodies mention {pattern}, {total} times in all. "
            f"The {len(lead)} articles with most mentions, {parts}, carry "
            f"{percent(share)} of them.")


def topic_association(ft: pd.DataFrame, labels: Mapping | None = None, *,
                      digits: int = 3) -> str:
    """Topics over- and under-represented in the paragraphs that mention a pattern.

    ``ft`` is :func:`analysis.compare.actor_topics` output for one term.
    """
    ft = ft.sort_values("difference", ascending=False, kind="stable")
    r0 = ft.iloc[0]
    rows = listing(f"{item_name(r.topic, labels)} {signed(r.difference, digits)}"
                   for r in ft.itertuples())
    return (f"{plural(int(r0['n_paragraphs']), 'paragraph')} in "
            f"{plural(int(r0['n_articles']), 'article')} mention it. Mean topic share in "
            f"those paragraphs minus the others, largest first: {rows}.")


def association_influence(para_topics: pd.DataFrame, paragraphs: pd.DataFrame,
                          pattern: str, topic: str | None = None, *,
                          labels: Mapping | None = None, digits: int = 3) -> str:
    """Leave one article out of a paragraph-level topic association.

    The difference is recomputed as in :func:`analysis.compare.actor_topics`
    (mean share of ``topic`` in paragraphs matching ``pattern`` minus the
    others) without each article that has a matching paragraph. ``topic=None``
    takes the topic with the largest absolute difference.
    """
    cols = [c for c in para_topics.columns if c.startswith("topic_")]
    df = paragraphs[["article_id", "para_id", "text"]].merge(
        para_topics[["article_id", "para_id", *cols]], on=["article_id", "para_id"])
    df = df[df[cols].notna().all(axis=1)]
    hit = df["text"].fillna("").str.contains(re.compile(pattern))
    if topic is None:
        gap = df.loc[hit, cols].mean() - df.loc[~hit, cols].mean()
        topic = gap.abs().idxmax()

    def diff(keep: pd.Series) -> float:
        return df.loc[keep & hit, topic].mean() - df.loc[keep & ~hit, topic].mean()

    full = diff(pd.Series(True, index=df.index))
    without = {int(a): diff(df["article_id"] != a)
               for a in sorted(df.loc[hit, "article_id"].unique())}
    worst = max(without, key=lambda a: abs(without[a] - full))
    n_hit = int((hit & (df["article_id"] == worst)).sum())
    return (f"For {item_name(topic, labels)} ({signed(full, digits)}), leaving one article "
            f"out gives {signed(min(without.values()), digits)} to "
            f"{signed(max(without.values()), digits)}. The most influential is "
            f"{id_list([worst])}, which has {n_hit} of the {int(hit.sum())} matching "
            f"paragraphs with kept tokens; without it the difference is "
            f"{signed(without[worst], digits)}.")


def kwic_context(kwic: pd.DataFrame, keyword: str, before: str, *, chars: int = 5) -> str:
    """How many concordance lines of ``keyword`` have ``before`` among the last
    ``chars`` characters of their left context (a fixed phrase, e.g. 新时代“枫桥经验”)."""
    k = kwic[kwic["keyword"] == keyword]
    n = int(k["left"].fillna("").str[-chars:].str.contains(before, regex=False).sum())
    return (f"{n} of the {len(k)} concordance lines of {keyword} "
            f"({percent(n / len(k)) if len(k) else 'NA'}) have {before} within the "
            f"{chars} characters before it.")


