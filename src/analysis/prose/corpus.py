"""Sentences about the corpus: coverage, dates, repeated entries, segmentation."""

from __future__ import annotations

import pandas as pd

from ..evidence import TEXT_STATUSES
from .text import id_list, listing, percent, plural

__all__ = ["corpus_coverage", "dates_and_bylines", "duplicates", "segmentation_summary",
           "unit_types_with_text"]


def _counts(s: pd.Series) -> str:
    """``a 3, b 2`` for the values of ``s`` (most frequent first, ties by name)."""
    vc = s.astype(str).value_counts()
    vc = vc.sort_index().sort_values(ascending=False, kind="stable")
    return ", ".join(f"`{k}` {v}" for k, v in vc.items())


def corpus_coverage(articles: pd.DataFrame) -> str:
    """What the corpus holds: entries, bodies (by section), truncations, titles only.

    Parameters
    ----------
    articles : DataFrame
        ``article_id``, ``section`` and ``text_status``.
    """
    n = len(articles)
    text = articles[articles["text_status"].isin(TEXT_STATUSES)]
    trunc = articles[articles["text_status"] == "truncated"]
    title = articles[articles["text_status"] == "title_only"]
    secs = text["section"].astype(str).unique()
    where = (f"all in section `{secs[0]}`" if len(secs) == 1
             else f"in sections {_counts(text['section'])}")
    out = [f"The table of contents lists {plural(n, 'entry', 'entries')}, and all are kept. "
           f"{len(text)} of them have a body ({id_list(text['article_id'])}), {where}."]
    if len(trunc):
        out.append(f"Of these, {id_list(trunc['article_id'])} "
                   f"{'stops' if len(trunc) == 1 else 'stop'} where the source cuts the text.")
    if len(title):
        out.append(f"The other {len(title)} entries (by section: {_counts(title['section'])}) "
                   "are known by their title only.")
    no_body = sorted(set(articles["section"].astype(str)) - set(secs))
    if no_body:
        out.append(f"No entry of section {listing((f'`{s}`' for s in no_body), 'or')} has a "
                   "body, so "
                   "text-level statements are statements about the sections with bodies, "
                   "and comparisons that involve the others can use titles only.")
    return " ".join(out)


def unit_types_with_text(articles: pd.DataFrame, col: str = "unit_type") -> str:
    """Which issuing-unit types have bodies and which are known by titles only."""
    has = articles["text_status"].isin(TEXT_STATUSES)
    with_text = articles.loc[has, col].dropna()
    without = sorted(set(articles[col].dropna().astype(str)) - set(with_text.astype(str)))
    out = f"Bodies by `{col}`: {_counts(with_text)}."
    if without:
        n = articles[col].astype(str).isin(without).sum()
        out += (f" Every entry of {listing(f'`{u}`' for u in without)} ({n} entries) is "
                "known by its title alone.")
    return out


def dates_and_bylines(articles: pd.DataFrame) -> str:
    """Dates printed by the articles with text, bylines in their place, and body titles."""
    text = articles[articles["text_status"].isin(TEXT_STATUSES)]
    dates = pd.to_datetime(text["date"], errors="coerce").dropna()
    out = []
    if len(dates):
        first, last = dates.min(), dates.max()
        out.append(f"{len(dates)} of the {len(text)} articles with text print a date, from "
                   f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}.")
    byline = text[text["date"].isna() & text["byline"].notna()]
    if len(byline):
        out.append(f"{id_list(byline['article_id']).capitalize()} "
                   f"{'prints' if len(byline) == 1 else 'print'} a byline instead of a date.")
    if "body_title" in text.columns:
        bt = text[text["body_title"].notna()]
        if len(bt):
            out.append(f"{id_list(bt['article_id']).capitalize()} "
                       f"{'prints' if len(bt) == 1 else 'print'} above the body a title other "
                       "than its table-of-contents entry (`body_title`).")
    return " ".join(out)


def duplicates(articles: pd.DataFrame) -> str:
    """Repeated table-of-contents entries (``duplicate_of``)."""
    dup = articles[articles["duplicate_of"].notna()]
    if dup.empty:
        return "No entry repeats another."
    return " ".join(f"Entry {int(r.article_id)} repeats entry {int(r.duplicate_of)}."
                    for r in dup.itertuples())


def segmentation_summary(audit: pd.DataFrame, filters: pd.DataFrame) -> str:
    """What the lexicon and the filters do, from the segmentation audit tables.

    Parameters
    ----------
    audit : DataFrame
        ``segmentation_audit``: ``term``, ``corpus_count``, ``plain_whole``, ``ours_whole``.
    filters : DataFrame
        ``segmentation_audit_filters``: ``step``, ``share_of_words``.
    """
    occ = int(audit["corpus_count"].sum())
    plain, ours = int(audit["plain_whole"].sum()), int(audit["ours_whole"].sum())
    never = int((audit["plain_whole"] == 0).sum())
    split = audit[audit["ours_whole"] < audit["corpus_count"]]
    out = [f"The {len(audit)} lexicon terms occur {occ} times in the bodies. Plain jieba keeps "
           f"{plain} of these occurrences whole ({percent(plain / occ)}), this segmenter "
           f"{ours} ({percent(ours / occ)}); plain jieba never keeps {never} of the "
           f"{len(audit)} terms whole."]
    if len(split):
        out.append("Terms it does not always keep whole: " + listing(
            f"{r.term} ({r.ours_whole} of {r.corpus_count})" for r in split.itertuples()) + ".")
    share = filters.set_index("step")["share_of_words"]
    stop = share[share.index.str.startswith("stopword")].sum()
    out.append(f"Of the words (punctuation aside), place names remove "
               f"{percent(share.get('place', 0), 1)} and the stopword layers "
               f"{percent(stop, 1)}; {percent(share.get('keep', 0), 1)} are kept as tokens.")
    return " ".join(out)


