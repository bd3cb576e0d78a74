"""What a loaded compilation is: the :class:`Corpus`, its columns, and its errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

__all__ = ["ARTICLE_COLUMNS", "Corpus", "CorpusFormatError", "CorpusWarning",
           "DROPPED_COLUMNS", "PARAGRAPH_COLUMNS", "SECTION_KEYS"]

#: TOC section headings of the seed → English keys of the data contract.
SECTION_KEYS = {
    "各级党委": "party_committees",
    "政法机关": "political_legal_organs",
    "其他单位": "other_units",
}

ARTICLE_COLUMNS = [
    "article_id", "section", "title", "body_title", "date", "byline", "page",
    "text", "text_status", "duplicate_of", "n_paragraphs", "n_chars",
    "source_line",
]
PARAGRAPH_COLUMNS = ["article_id", "para_id", "kind", "text", "n_chars", "source_line"]
DROPPED_COLUMNS = ["line", "text", "reason"]


class CorpusFormatError(ValueError):
    """The input cannot be read as a compilation; the message names file and line."""


class CorpusWarning(UserWarning):
    """Something a researcher must know about: missing bodies, truncation, repeats."""


@dataclass
class Corpus:
    """A parsed compilation.

    Attributes
    ----------
    articles : DataFrame
        One row per TOC entry (columns :data:`ARTICLE_COLUMNS`).
    paragraphs : DataFrame
        One row per paragraph of every article that has text.
    source : Path
        The file or folder read.
    sha256 : str
        Hash of the raw bytes (of ``articles.csv`` and every text, for a folder).
    meta : dict
        Compilation title, posting date and address when the file prints them.
    dropped : DataFrame
        Lines not assigned to any article, with the reason (web-page text …).
    notes : list of str
        Every warning raised while loading, in order.
    """

    articles: pd.DataFrame
    paragraphs: pd.DataFrame
    source: Path
    sha256: str
    meta: dict = field(default_factory=dict)
    dropped: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=DROPPED_COLUMNS)
    )
    notes: list[str] = field(default_factory=list)
