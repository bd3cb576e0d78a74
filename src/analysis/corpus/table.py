"""A corpus kept as one table (CSV, TSV, JSONL or Parquet): one row per article.

The columns that hold the id, title, body text, date and section are named in
``[corpus]`` (:class:`~analysis.config.CorpusParams`); further columns become
article metadata that comparisons may group by. The text cell holds the body, one
paragraph per line; an empty cell keeps the article as ``title_only``. The result
follows the data contract (``docs/architecture.md``), like a compilation file.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import warnings
from pathlib import Path

import pandas as pd

from ..config import CorpusParams
from ..evidence import RESERVED_GROUP_NAMES
from .lines import clean_line
from .model import ARTICLE_COLUMNS, Corpus, CorpusFormatError, CorpusWarning
from .parse import Body, TocEntry, article_frames, display_path
from .read import decode_bytes

__all__ = ["TABLE_SUFFIXES", "attach_metadata", "load_table", "metadata_columns", "read_table"]

TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".parquet")
#: A section for every article of a table without a section column.
NO_SECTION = "all"


def _cell(value, where: str) -> str:
    """One cell as text: missing → ``""``; whole floats (2021.0 from a column with gaps) → ``2021``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, dict, tuple)):
        raise CorpusFormatError(f"{where}: a list or object where text is expected")
    return str(value)


def _read_jsonl(path: Path) -> pd.DataFrame:
    rows = []
    for n, line in enumerate(decode_bytes(path.read_bytes(), path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusFormatError(f"{path}: line {n}: not JSON ({exc.msg})") from None
        if not isinstance(rec, dict):
            raise CorpusFormatError(f"{path}: line {n}: a JSON object is expected")
        rows.append(rec)
    return pd.DataFrame(rows)


def read_table(path: str | Path) -> pd.DataFrame:
    """Every cell of a CSV/TSV (UTF-8 or GB18030), JSONL or Parquet file as text.

    Raises
    ------
    CorpusFormatError
        An unreadable file, a malformed line, a nested value, or no rows.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv"):
            text = decode_bytes(path.read_bytes(), path)
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                                sep="\t" if suffix == ".tsv" else ",")
        elif suffix == ".jsonl":
            frame = _read_jsonl(path)
        elif suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            raise CorpusFormatError(f"{path}: a table corpus is {', '.join(TABLE_SUFFIXES)}")
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        if isinstance(exc, CorpusFormatError):
            raise
        raise CorpusFormatError(f"{path}: not a readable {suffix[1:]} table ({exc})") from None
    if frame.empty:
        raise CorpusFormatError(f"{path}: the table has no rows")
    frame.columns = [str(c).strip() for c in frame.columns]
    cells = {c: [_cell(v, f"{path}: row {n}, column {c!r}")
                 for n, v in enumerate(frame[c].tolist(), start=1)] for c in frame.columns}
    return pd.DataFrame(cells, columns=frame.columns)


def metadata_columns(columns, used, listed, where: str) -> tuple[list[str], list[str]]:
    """The metadata columns to keep, and the columns left unused.

    ``listed`` (``[corpus] metadata``) names them; empty keeps every column not in
    ``used``. Columns named like the data contract's own are never metadata.
    """
    columns = list(columns)
    missing = [c for c in listed if c not in columns]
    if missing:
        raise CorpusFormatError(f"{where}: [corpus] metadata names column(s) {missing} that "
                                f"the table does not have; its columns are {columns}")
    free = [c for c in columns if c not in used]
    keep = list(listed) if listed else [c for c in free if c not in ARTICLE_COLUMNS]
    clash = [c for c in keep if c in RESERVED_GROUP_NAMES]
    if clash:
        raise CorpusFormatError(f"{where}: metadata column(s) {clash} have names the group "
                                "tables use for their own columns; rename them in the table")
    return keep, [c for c in free if c not in keep]


def attach_metadata(articles: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """``articles`` with the metadata columns of ``meta`` (same rows, same order); empty → missing."""
    out = articles.copy()
    for col in meta.columns:
        out[col] = [v if v != "" else None for v in meta[col].tolist()]
    return out


def _article_id(value: str, n: int, where: str, column: str, seen: dict[int, int]) -> int:
    if not column:
        return n
    try:
        number = float(value)
        if not number.is_integer():
            raise ValueError
        article_id = int(number)
    except ValueError:
        raise CorpusFormatError(
            f"{where}, column {column!r}: id {value!r} is not a whole number (set [corpus] "
            f'id = "" to number the rows; the column can stay as metadata)') from None
    if article_id in seen:
        raise CorpusFormatError(f"{where}, column {column!r}: id {article_id} is also the id "
                                f"of row {seen[article_id]}")
    seen[article_id] = n
    return article_id


def _check_columns(frame: pd.DataFrame, p: CorpusParams, shown: str) -> None:
    for key in ("id", "title", "text", "date", "section"):
        col = getattr(p, key)
        if col and col not in frame.columns:
            raise CorpusFormatError(f"{shown}: no column {col!r} ([corpus] {key}); the table's "
                                    f"columns are {list(frame.columns)}")


def load_table(path: str | Path, p: CorpusParams, *, root: Path | None = None) -> Corpus:
    """Read a table corpus into the ``articles`` and ``paragraphs`` of the data contract.

    Parameters
    ----------
    path : str or Path
        ``.csv``/``.tsv`` (UTF-8 with or without BOM, or GB18030), ``.jsonl``
        (one JSON object per line) or ``.parquet``.
    p : CorpusParams
        Column names (``id``, ``title``, ``text``, ``date``, ``section``, ``metadata``).
    root : Path, optional
        Messages name ``path`` relative to this folder when it lies inside it.

    Raises
    ------
    CorpusFormatError
        A missing column, an id that is not a whole number or repeats, an empty
        title or section; the message names the file, the row and the column.
    """
    path = Path(path)
    shown = display_path(path, root)
    frame = read_table(path)
    _check_columns(frame, p, shown)
    used = [c for c in (p.id, p.title, p.text, p.date, p.section) if c]
    keep, unused = metadata_columns(frame.columns, used, p.metadata, shown)
    entries, bodies, seen = [], {}, {}
    for n, row in enumerate(frame.to_dict("records"), start=1):
        where = f"{shown}: row {n}"
        article_id = _article_id(row[p.id].strip() if p.id else "", n, where, p.id, seen)
        title = clean_line(row[p.title])
        if not title:
            raise CorpusFormatError(f"{where}, column {p.title!r}: the title is empty")
        section = row[p.section].strip() if p.section else NO_SECTION
        if not section:
            raise CorpusFormatError(f"{where}, column {p.section!r}: the section is empty")
        entries.append(TocEntry(article_id, title, None, section, n))
        paragraphs = [(n, t) for t in map(clean_line, row[p.text].splitlines()) if t]
        date = row[p.date].strip() if p.date else ""
        bodies[article_id] = Body(title, date or None, None, paragraphs, False, n)
    notes: list[str] = []
    if unused:
        notes.append(f"{shown}: column(s) {unused} are not in [corpus] metadata and are not kept")
        warnings.warn(notes[-1], CorpusWarning, stacklevel=2)
    articles, paragraphs = article_frames(entries, bodies, path, notes, root=root)
    articles = attach_metadata(articles, frame[keep])
    return Corpus(articles, paragraphs, path, hashlib.sha256(path.read_bytes()).hexdigest(),
                  {}, notes=notes)
