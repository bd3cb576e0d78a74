"""Which articles enter a group's estimate, at which level of evidence.

Two levels are kept apart throughout the comparisons:

* **text-level** — article bodies (``text_status`` ``full`` or ``truncated``);
  groups without a body get *no* text-level estimate (a status column, NaN
  estimates, or :class:`~analysis.evidence.NoTextError` from two-group comparisons);
* **title-level** — table-of-contents titles, available for every article;
  repeated entries (``duplicate_of`` set) are counted once.

What a group stands on is :func:`analysis.evidence.coverage`; the functions here
attach it to results and pick the groups a comparison can use.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.evidence import group_series, has_text, not_duplicate

__all__ = ["LEVELS", "check_level", "level_groups", "slug",
           "text_articles", "topic_columns", "with_coverage"]

LEVELS = ("text", "title")


def check_level(level: str) -> None:
    """Raise ``ValueError`` unless ``level`` is ``"text"`` or ``"title"``."""
    if level not in LEVELS:
        raise ValueError("level must be 'text' or 'title'")


def text_articles(articles: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``articles`` that have body text."""
    return articles[has_text(articles).to_numpy()]


def level_groups(articles: pd.DataFrame, by: str, level: str) -> pd.Series:
    """Group per ``article_id`` of the articles that enter at ``level``:
    articles with a body (``"text"``) or every non-repeated TOC entry (``"title"``)."""
    g = group_series(articles, by)
    return g[has_text(articles)] if level == "text" else g[not_duplicate(articles)]


def with_coverage(result: pd.DataFrame, cov: pd.DataFrame, by: str) -> pd.DataFrame:
    """``result`` with the coverage columns of its group appended."""
    return result.merge(cov, on=by, how="left", validate="many_to_one")


def topic_columns(doc_topics: pd.DataFrame, topic_cols=None) -> list[str]:
    """The topic columns: ``topic_cols`` if given, else every ``topic*`` column."""
    if topic_cols is not None:
        return list(topic_cols)
    cols = [c for c in doc_topics.columns if str(c).startswith("topic")]
    if not cols:
        raise ValueError("no topic columns found; pass topic_cols")
    return cols


def slug(s: str) -> str:
    """A group name as a file-name part (``county``, ``party_committee``)."""
    return re.sub(r"[^0-9A-Za-z_]+", "_", str(s)).strip("_") or "group"
