"""Concordances: every link traceable to its sentences, and keyword-in-context lines."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["cooccurrence_lines", "edge_lines", "kwic"]

_LINE_COLUMNS = ["article_id", "para_id", "sent_id", "window_id", "title", "unit"]


def _article_info(articles: pd.DataFrame | None, unit_col: str) -> pd.DataFrame:
    if articles is None:
        return pd.DataFrame(columns=["article_id", "title", "unit"])
    if unit_col not in articles:
        raise KeyError(f"articles have no column {unit_col!r}")
    return articles[["article_id", "title", unit_col]].rename(columns={unit_col: "unit"})


def kwic(term: str, windows: pd.DataFrame, articles: pd.DataFrame | None = None, *,
         window: int = 30, unit_col: str = "unit_type") -> pd.DataFrame:
    """Keyword-in-context lines for a token.

    A line is written wherever ``term`` is a word of the segmentation (so
    it matches the network's counting, not substrings of longer words). The
    context is ``window`` characters of the source paragraph on each side.

    Returns
    -------
    DataFrame
        article_id, para_id, sent_id, window_id, title, unit, left, keyword, right.
    """
    rows = []
    for (aid, pid), grp in windows.sort_values("window_id").groupby(
            ["article_id", "para_id"], sort=True):
        texts = grp["text"].tolist()
        ptext = "".join(texts)
        start = 0
        for text, words, sid, wid in zip(texts, grp["words"], grp["sent_id"], grp["window_id"]):
            for off in _word_offsets(term, text, words):
                s = start + off
                rows.append((aid, pid, sid, wid, ptext[max(0, s - window):s], term,
                             ptext[s + len(term):s + len(term) + window]))
            start += len(text)
    out = pd.DataFrame(rows, columns=["article_id", "para_id", "sent_id", "window_id",
                                      "left", "keyword", "right"])
    out = out.merge(_article_info(articles, unit_col), on="article_id", how="left")
    return out[[*_LINE_COLUMNS, "left", "keyword", "right"]]


def _word_offsets(term: str, text: str, words) -> list[int]:
    """Character offsets of ``term`` as a whole word of ``words`` in ``text``."""
    if term not in words:
        return []
    if "".join(words) == text:
        return [o for w, o in zip(words, np.cumsum([0] + [len(w) for w in words])) if w == term]
    # the segmenter normalised the text: fall back to substring positions
    return [m.start() for m in re.finditer(re.escape(term), text)]


def cooccurrence_lines(term_a: str, term_b: str, windows: pd.DataFrame,
                       articles: pd.DataFrame | None = None, *,
                       unit_col: str = "unit_type") -> pd.DataFrame:
    """The windows (sentences) in which both terms occur as tokens.

    Its length equals the pair's ``count`` in
    :func:`~analysis.cooccur.measures.cooccurrence`.
    """
    both = windows[[term_a in set(t) and term_b in set(t) for t in windows["tokens"]]]
    out = both[["window_id", "article_id", "para_id", "sent_id", "text"]].merge(
        _article_info(articles, unit_col), on="article_id", how="left")
    out.insert(0, "term_b", term_b)
    out.insert(0, "term_a", term_a)
    return out[["term_a", "term_b", *_LINE_COLUMNS, "text"]].sort_values(
        "window_id", kind="mergesort").reset_index(drop=True)


def edge_lines(edges: pd.DataFrame, windows: pd.DataFrame,
               articles: pd.DataFrame | None = None, *,
               unit_col: str = "unit_type") -> pd.DataFrame:
    """:func:`cooccurrence_lines` for every edge, in edge order."""
    sets = [set(t) for t in windows["tokens"]]
    info = _article_info(articles, unit_col).set_index("article_id")
    parts = []
    for s, t in edges[["source", "target"]].itertuples(index=False):
        hit = windows[[s in x and t in x for x in sets]]
        part = hit[["article_id", "para_id", "sent_id", "window_id", "text"]].copy()
        part.insert(0, "target", t)
        part.insert(0, "source", s)
        parts.append(part)
    cols = ["source", "target", *_LINE_COLUMNS, "text"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    out["title"] = out["article_id"].map(info["title"]) if len(info) else pd.NA
    out["unit"] = out["article_id"].map(info["unit"]) if len(info) else pd.NA
    return out[cols]
