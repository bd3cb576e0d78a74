"""Tables about the corpus: coverage by section and text status, body length per article."""

from __future__ import annotations

import pandas as pd

from ..evidence import has_text

__all__ = ["BODY_LENGTH_COLUMNS", "SECTION_ORDER", "STATUS_ORDER", "body_length_table",
           "coverage_table"]

STATUS_ORDER = ["full", "truncated", "title_only"]
SECTION_ORDER = ["party_committees", "political_legal_organs", "other_units"]
BODY_LENGTH_COLUMNS = ["article_id", "section", "title", "text_status", "date",
                       "n_paragraphs", "n_chars"]


def coverage_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles by section × text_status, with body characters and totals.

    ``with_text`` counts the articles :func:`analysis.evidence.has_text` calls
    text; ``evidence`` is ``text`` (all of a section), ``title-only`` (none) or
    ``mixed``. The last row, ``total``, sums the sections.
    """
    table = pd.crosstab(articles["section"], articles["text_status"])
    table = table.reindex(columns=STATUS_ORDER, fill_value=0)
    order = [s for s in SECTION_ORDER if s in table.index] + [
        s for s in table.index if s not in SECTION_ORDER]
    table = table.reindex(order)
    table["articles"] = table[STATUS_ORDER].sum(axis=1)
    text = pd.Series(has_text(articles).to_numpy(), index=articles.index)
    table["with_text"] = text.groupby(articles["section"]).sum().reindex(order).astype(int)
    table["body_chars"] = articles.groupby("section")["n_chars"].sum().reindex(order)
    table.loc["total"] = table.sum(axis=0)
    table["evidence"] = [
        "text" if r.with_text == r.articles else "title-only" if r.with_text == 0 else "mixed"
        for r in table.itertuples()]
    table.index.name = "section"
    return table.reset_index()


def body_length_table(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per article: section, title, text status, date, paragraphs and characters."""
    return articles[BODY_LENGTH_COLUMNS]
