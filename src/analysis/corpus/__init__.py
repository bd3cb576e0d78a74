"""Corpus building: raw compilation → one row per table-of-contents entry.

:func:`load_compilation` turns a compilation (``.txt`` in UTF-8/GB18030, ``.docx``)
or a folder of per-article files into a :class:`Corpus` whose ``articles`` and
``paragraphs`` follow the data contract in ``docs/architecture.md``.

Modules: ``model`` (the :class:`Corpus` and its errors), ``read`` (bytes → lines),
``lines`` (rules for one line), ``parse`` (TOC, bodies, tables of a file),
``folder`` (a folder of articles), ``load`` (the entry point), ``tables``
(coverage and body length), ``stage`` (``prepare`` / ``write``).
"""

from .lines import clean_line, is_heading
from .load import load_compilation
from .model import (ARTICLE_COLUMNS, PARAGRAPH_COLUMNS, SECTION_KEYS, Corpus,
                    CorpusFormatError, CorpusWarning)
from .read import decode_bytes, read_text_file
from .tables import SECTION_ORDER, STATUS_ORDER, body_length_table, coverage_table

__all__ = [
    "ARTICLE_COLUMNS", "Corpus", "CorpusFormatError", "CorpusWarning", "PARAGRAPH_COLUMNS",
    "SECTION_KEYS", "SECTION_ORDER", "STATUS_ORDER", "body_length_table", "clean_line",
    "coverage_table", "decode_bytes", "is_heading", "load_compilation", "read_text_file",
]
