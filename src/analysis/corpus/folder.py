"""A compilation kept as a folder: ``articles.csv`` plus one text file per article."""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import pandas as pd

from ..config import CorpusParams
from .lines import clean_line, title_key
from .model import Corpus, CorpusFormatError, CorpusWarning
from .parse import Body, TocEntry, article_frames, match_title, section_key, split_body
from .read import read_text_file
from .table import attach_metadata, metadata_columns

__all__ = ["load_folder"]


#: Columns of ``articles.csv`` the loader reads itself; any other is metadata.
INDEX_COLUMNS = ("article_id", "title", "section", "page", "date", "byline", "file",
                 "text_status")


def _read_index(index: Path, p: CorpusParams | None) -> pd.DataFrame:
    if not index.exists():
        raise CorpusFormatError(f"{index.parent}: a folder corpus needs an articles.csv")
    meta = pd.read_csv(index, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if p is not None:
        # [corpus] column names → the names this loader reads.
        rename = {getattr(p, key): name for key, name in
                  (("id", "article_id"), ("title", "title"), ("section", "section"),
                   ("date", "date")) if getattr(p, key) and getattr(p, key) != name}
        meta = meta.rename(columns={k: v for k, v in rename.items() if k in meta.columns})
    missing_cols = {"article_id", "title", "section"} - set(meta.columns)
    if missing_cols:
        raise CorpusFormatError(f"{index}: missing column(s) {sorted(missing_cols)}")
    if meta.empty:
        raise CorpusFormatError(f"{index}: the file lists no articles")
    return meta


def _entry(row, n: int, index: Path, seen_ids: set[int]) -> TocEntry:
    try:
        article_id = int(row.article_id)
    except ValueError as exc:
        raise CorpusFormatError(
            f"{index}: line {n}: article_id {row.article_id!r} is not a number") from exc
    if article_id in seen_ids:
        raise CorpusFormatError(f"{index}: line {n}: article_id {article_id} appears twice")
    seen_ids.add(article_id)
    title = clean_line(row.title)
    if not title:
        raise CorpusFormatError(f"{index}: line {n}: article {article_id} has no title")
    page = getattr(row, "page", "") or ""
    return TocEntry(article_id, title, int(page) if page.isdigit() else None,
                    section_key(row.section.strip()), n)


def _body(file: Path, entry: TocEntry, row) -> Body | None:
    text_lines = [(i + 1, clean_line(x)) for i, x in enumerate(read_text_file(file).split("\n"))]
    text_lines = [(i, x) for i, x in text_lines if x]
    if not text_lines:
        return None
    title_line, title_text = (text_lines[0] if match_title(text_lines[0][1], title_key(entry.title))
                              else (0, entry.title))
    rest = text_lines[1:] if title_line else text_lines
    status = (getattr(row, "text_status", "") or "").strip()
    body = split_body(rest, title_line, title_text, truncated=status == "truncated")
    if getattr(row, "date", ""):
        body.date = row.date
    if getattr(row, "byline", ""):
        body.byline = row.byline
    return body


def load_folder(folder: Path, *, root: Path | None = None,
                p: CorpusParams | None = None) -> Corpus:
    """Read a folder holding ``articles.csv`` and one ``<article_id>.txt`` per article.

    ``articles.csv`` has ``article_id``, ``title``, ``section`` and optionally
    ``page``, ``date``, ``byline``, ``file`` and ``text_status``. An article
    without a file (or with an empty one) is kept as title-only. Any other
    column becomes article metadata (with ``p``: the ``[corpus] metadata`` ones,
    or every other when that list is empty; ``p`` also maps the id, title,
    section and date column names).
    """
    index = folder / "articles.csv"
    meta = _read_index(index, p)
    keep, unused = metadata_columns(meta.columns, INDEX_COLUMNS,
                                    p.metadata if p is not None else (), str(index))
    digest = hashlib.sha256(index.read_bytes())
    entries: list[TocEntry] = []
    bodies: dict[int, Body] = {}
    seen_ids: set[int] = set()
    for n, row in enumerate(meta.itertuples(index=False), start=2):
        entry = _entry(row, n, index, seen_ids)
        entries.append(entry)
        file = folder / (getattr(row, "file", "") or f"{entry.article_id}.txt")
        if not file.exists():
            continue
        digest.update(file.read_bytes())
        body = _body(file, entry, row)
        if body is not None:
            bodies[entry.article_id] = body
    notes: list[str] = []
    if unused:
        notes.append(f"{index}: column(s) {unused} are not in [corpus] metadata and are not kept")
        warnings.warn(notes[-1], CorpusWarning, stacklevel=2)
    articles, paragraphs = article_frames(entries, bodies, folder, notes, root=root)
    articles = attach_metadata(articles, meta[keep])
    return Corpus(articles, paragraphs, folder, digest.hexdigest(), {}, notes=notes)
