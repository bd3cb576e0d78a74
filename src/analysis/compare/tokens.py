"""Tokens keyed the way the comparisons look them up, from the run's segmenter."""

from __future__ import annotations

import pandas as pd

from .groups import check_level, text_articles

__all__ = ["article_tokens", "paragraph_tokens"]


def article_tokens(articles: pd.DataFrame, segmenter, *, level: str = "text") -> dict:
    """``{article_id: tokens}`` of bodies (text articles only) or of all titles.

    ``segmenter`` is the run's :class:`analysis.segment.Segmenter` (``ctx.segmenter``).
    """
    check_level(level)
    rows = text_articles(articles) if level == "text" else articles
    field = "text" if level == "text" else "title"
    toks = segmenter.tokenize([t or "" for t in rows[field]])
    return {int(a): list(t) for a, t in zip(rows["article_id"], toks)}


def paragraph_tokens(paragraphs: pd.DataFrame, segmenter) -> dict:
    """``{(article_id, para_id): tokens}`` for every paragraph."""
    toks = segmenter.tokenize([t or "" for t in paragraphs["text"]])
    return {(int(a), int(i)): list(t)
            for a, i, t in zip(paragraphs["article_id"], paragraphs["para_id"], toks)}

