"""The entry point: load a compilation from a ``.txt``, a ``.docx``, a folder or a table."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..config import CorpusParams
from .folder import load_folder
from .model import Corpus, CorpusFormatError
from .parse import parse_lines
from .read import read_lines
from .table import TABLE_SUFFIXES, load_table

__all__ = ["load_compilation"]


def load_compilation(path: str | Path, *, root: str | Path | None = None,
                     columns: CorpusParams | None = None) -> Corpus:
    """Load a compilation from a ``.txt``, a ``.docx``, a folder of articles or a table.

    Parameters
    ----------
    path : str or Path
        A text file (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK;
        LF or CRLF), a ``.docx`` of the same compilation, or a folder holding
        ``articles.csv`` (``article_id``, ``title``, ``section``; optional
        ``page``, ``date``, ``byline``, ``file``, ``text_status``) and one
        UTF-8 ``<article_id>.txt`` per article (further columns: metadata), or
        one table, ``.csv``/``.tsv``/``.jsonl``/``.parquet``, with one row per
        article (:func:`~analysis.corpus.table.load_table`).
    root : str or Path, optional
        Warnings name ``path`` relative to this folder when it lies inside it.
    columns : CorpusParams, optional
        ``[corpus]`` column names of a table or folder (default: the codebook's).

    Returns
    -------
    Corpus

    Raises
    ------
    CorpusFormatError
        Empty, binary or undecodable input, or no table of contents.
    """
    path = Path(path)
    root = Path(root) if root is not None else None
    if not path.exists():
        raise CorpusFormatError(f"{path}: no such file or folder")
    if path.is_dir():
        return load_folder(path, root=root, p=columns)
    if path.suffix.lower() in TABLE_SUFFIXES:
        return load_table(path, columns if columns is not None else CorpusParams(), root=root)
    data = path.read_bytes()
    return parse_lines(read_lines(path, data), path, hashlib.sha256(data).hexdigest(), root=root)
