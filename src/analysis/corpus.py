"""Corpus building: raw compilation → one row per table-of-contents entry.

The seed is a web-page copy of a compilation: a header, a table of contents
(TOC) grouped under numbered section headings, the bodies of the first
articles, a paywall, and the site's footer. :func:`load_compilation` turns such
a file (``.txt`` in UTF-8/GB18030, ``.docx``) or a folder of per-article files
into a :class:`Corpus` whose ``articles`` and ``paragraphs`` follow the data
contract in ``docs/architecture.md``.

Nothing is dropped silently: every TOC entry is a row with a ``text_status``;
lines removed as web-page text are listed in ``Corpus.dropped``; entries without
a body, truncated bodies and repeated titles raise :class:`CorpusWarning`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .config import write_csv

__all__ = [
    "Corpus",
    "CorpusFormatError",
    "CorpusWarning",
    "SECTION_KEYS",
    "coverage_table",
    "load_compilation",
    "load_corpus",
    "plot_coverage",
    "read_text_file",
    "write_outputs",
]

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

_CN_NUM = "一二三四五六七八九十"
_SECTION_RE = re.compile(rf"^[{_CN_NUM}]+\s*[、.．]\s*(?P<name>\S.*?)\s*$")
# One TOC entry: "12.标题……………37". Several can share a line; leaders vary
# (… ⋯ · . and stray spaces between them).
_TOC_ENTRY_RE = re.compile(
    r"(?P<num>\d{1,4})\s*[.．、]\s*(?P<title>\S.*?)\s*"
    r"(?:[…⋯]|\.{2,}|·{2,})[…⋯.·\s]*?(?P<page>\d{1,5})(?=\s|$)"
)
_DATE_RE = re.compile(r"[（(]\s*(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*[）)]")
_HEADING_RE = re.compile(
    rf"^(?:[{_CN_NUM}]+、|[（(][{_CN_NUM}]+[）)]|\d{{1,2}}\s*[.．、](?!\d))"
)
#: Web-page text: the first of these ends the compilation (paywall or footer).
_PAYWALL_MARKERS = ("阅读全文", "想阅读完全部图文内容", "您需要先登陆")
_FOOTER_MARKERS = ("本文标题:", "本文标题：", "链接地址:", "链接地址：", "微信扫一扫", "请选择打赏类型")
_SENTENCE_END = "。!?！？;；:：…】]"
_CLOSERS = "”’）)」』"
_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")


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
        One row per TOC entry (see module docstring).
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
        default_factory=lambda: pd.DataFrame(columns=["line", "text", "reason"])
    )
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------
# Reading bytes
# --------------------------------------------------------------------------

def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_bytes(data: bytes, path: Path) -> str:
    """Decode a text file: UTF-8 (BOM optional), UTF-16 with BOM, or GB18030.

    Raises
    ------
    CorpusFormatError
        Empty, binary or undecodable input; the message gives the line of the
        first bad byte.
    """
    if not data.strip():
        raise CorpusFormatError(f"{path}: the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise CorpusFormatError(f"{path}: invalid UTF-16 at byte {exc.start}") from exc
    if b"\x00" in data[:8192] or data.startswith(b"PK\x03\x04"):
        nul = max(data.find(b"\x00"), 0)
        raise CorpusFormatError(
            f"{path}: looks like a binary file (line {_line_of(data, nul)}); "
            "expected UTF-8 or GB18030 text, or a .docx"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_err:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise CorpusFormatError(
                f"{path}: line {_line_of(data, utf8_err.start)}: not valid UTF-8 "
                f"(byte {data[utf8_err.start]:#04x} at offset {utf8_err.start}) "
                f"and not valid GB18030 (line {_line_of(data, exc.start)})"
            ) from exc
        # GB18030 accepts many byte strings; insist the result reads as Chinese.
        han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
        letters = sum(1 for ch in text if ch.isalpha())
        if letters and han / letters < 0.5:
            raise CorpusFormatError(
                f"{path}: line {_line_of(data, utf8_err.start)}: not valid UTF-8, and "
                "decoding as GB18030 does not give Chinese text; unknown encoding"
            )
        return text


def read_text_file(path: str | Path) -> str:
    """Read a text file with :func:`decode_bytes`, normalising line endings."""
    path = Path(path)
    text = decode_bytes(path.read_bytes(), path)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_docx_lines(path: Path) -> list[str]:
    import docx  # python-docx; imported lazily, most users read .txt
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise CorpusFormatError(f"{path}: not a readable .docx file ({exc})") from exc
    # One docx paragraph is one "line"; error messages count paragraphs.
    lines = [para.text.replace("\n", " ") for para in document.paragraphs]
    if not any(line.strip() for line in lines):
        raise CorpusFormatError(f"{path}: the document is empty")
    return lines


# --------------------------------------------------------------------------
# Line-level helpers
# --------------------------------------------------------------------------

def clean_line(line: str) -> str:
    """Normalise one source line: NFC, no-break spaces, spaces next to Chinese."""
    line = unicodedata.normalize("NFC", line).replace("\u00a0", " ").replace("\u3000", " ")
    line = _SPACE_NEAR_CJK.sub("", line.strip())
    line = re.sub(r"^(\d{1,2}) +(?=[.．、])", r"\1", line)  # "1 .以…" → "1.以…"
    return re.sub(r"[ \t]{2,}", " ", line)


def _key(title: str) -> str:
    """Comparison key for titles: no spaces, unified quotes and punctuation."""
    title = clean_line(title)
    title = _DATE_RE.sub("", title)
    table = str.maketrans({'"': "", "“": "", "”": "", "'": "", "‘": "", "’": "",
                           ",": ",", "：": ":", " ": ""})
    return title.translate(table)


def is_heading(text: str) -> bool:
    """A section heading such as ``一、…``, ``（一）…`` or ``1.…`` (short, not a sentence)."""
    if not _HEADING_RE.match(text):
        return False
    inner = text.rstrip("。")
    return len(text) <= 60 and "。" not in inner


def _ends_paragraph(text: str) -> bool:
    """True when a line ends a sentence, so the next line starts a new paragraph."""
    if not text:
        return True
    if text[-1] in _SENTENCE_END:
        return True
    if text[-1] in _CLOSERS:
        stripped = text.rstrip(_CLOSERS)
        return bool(stripped) and stripped[-1] in _SENTENCE_END
    return False


def _is_marker(text: str, markers: tuple[str, ...]) -> bool:
    return any(m in text for m in markers)


# --------------------------------------------------------------------------
# Table of contents
# --------------------------------------------------------------------------

@dataclass
class _TocEntry:
    article_id: int
    title: str
    page: int | None
    section: str
    line: int


def _section_key(name: str) -> str:
    return SECTION_KEYS.get(name, name)


def parse_toc(lines: list[str], path: Path) -> tuple[list[_TocEntry], int]:
    """Find the TOC; return its entries and the index of the first line after it."""
    entries: list[_TocEntry] = []
    section = None
    end = None
    for i, raw in enumerate(lines):
        text = clean_line(raw)
        if not text:
            continue
        found = list(_TOC_ENTRY_RE.finditer(text))
        if found:
            if section is None:
                raise CorpusFormatError(
                    f"{path}: line {i + 1}: table-of-contents entry before any section heading"
                )
            for m in found:
                entries.append(_TocEntry(int(m["num"]), clean_line(m["title"]),
                                         int(m["page"]), section, i + 1))
            continue
        m = _SECTION_RE.match(text)
        if m and not entries or (m and entries and len(text) <= 20):
            section = _section_key(m["name"])
            continue
        if entries:
            end = i
            break
    if not entries:
        raise CorpusFormatError(
            f"{path}: no table of contents found (expected section headings such as "
            "'一、各级党委' followed by entries such as '1.标题……1')"
        )
    expected = list(range(entries[0].article_id, entries[0].article_id + len(entries)))
    for want, entry in zip(expected, entries):
        if entry.article_id != want:
            raise CorpusFormatError(
                f"{path}: line {entry.line}: table of contents jumps to entry "
                f"{entry.article_id} where entry {want} was expected"
            )
    return entries, (end if end is not None else len(lines))


# --------------------------------------------------------------------------
# Bodies
# --------------------------------------------------------------------------

def _match_title(text: str, entry_key: str) -> bool:
    """Does a body line print this TOC title (maybe shortened, maybe with a date)?"""
    key = _key(text)
    if not key:
        return False
    if key == entry_key:
        return True
    # Printed titles may drop the unit's name (article 10 of the seed): accept a
    # long enough suffix of the TOC title, never a longer line.
    return len(key) >= 8 and entry_key.endswith(key) and len(key) >= 0.5 * len(entry_key)


def _assemble(block: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join lines split by page breaks or line wraps into paragraphs."""
    paragraphs: list[list] = []
    for lineno, text in block:
        if (paragraphs and not paragraphs[-1][2] and not _ends_paragraph(paragraphs[-1][1])
                and not is_heading(text)):
            paragraphs[-1][1] += text
        else:
            paragraphs.append([lineno, text, is_heading(text)])
    return [(lineno, text) for lineno, text, _ in paragraphs]


@dataclass
class _Body:
    body_title: str
    date: str | None
    byline: str | None
    paragraphs: list[tuple[int, str]]
    truncated: bool
    line: int


def _parse_date(text: str) -> str | None:
    m = _DATE_RE.search(text)
    if not m:
        return None
    return f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"


def _looks_like_byline(text: str) -> bool:
    return (len(text) <= 30 and not re.search(r"[。,，;；:：!！?？“”]", text)
            and not is_heading(text) and not _DATE_RE.search(text))


def _split_body(lines: list[tuple[int, str]], title_line: int, title_text: str,
                truncated: bool) -> _Body:
    date = _parse_date(title_text)
    body_title = _DATE_RE.sub("", title_text).strip()
    byline = None
    rest = list(lines)
    # Up to two lines after the title may be a byline and/or a date.
    for _ in range(2):
        if not rest:
            break
        text = rest[0][1]
        only_date = _DATE_RE.fullmatch(text)
        if date is None and only_date:
            date = _parse_date(text)
            rest.pop(0)
        elif byline is None and _looks_like_byline(text):
            byline = text
            rest.pop(0)
        else:
            break
    return _Body(body_title, date, byline, _assemble(rest), truncated, title_line)


def find_bodies(lines: list[str], start: int, entries: list[_TocEntry], path: Path,
                dropped: list[dict]) -> dict[int, _Body]:
    """Locate each entry's body by its printed title, in TOC order."""
    content: list[tuple[int, str]] = []
    cut_at = None
    for i in range(start, len(lines)):
        text = clean_line(lines[i])
        if not text:
            continue
        if _is_marker(text, _PAYWALL_MARKERS) or _is_marker(text, _FOOTER_MARKERS):
            cut_at = i
            break
        content.append((i + 1, text))
    if cut_at is not None:
        for j in range(cut_at, len(lines)):
            text = clean_line(lines[j])
            if text:
                dropped.append({"line": j + 1, "text": text,
                                "reason": "web page text after the paywall/footer"})

    keys = {e.article_id: _key(e.title) for e in entries}
    starts: list[tuple[int, _TocEntry]] = []  # (index into content, entry)
    pos = 0
    for entry in entries:
        for k in range(pos, len(content)):
            if _match_title(content[k][1], keys[entry.article_id]):
                starts.append((k, entry))
                pos = k + 1
                break

    if starts:
        for lineno, text in content[: starts[0][0]]:
            dropped.append({"line": lineno, "text": text,
                            "reason": "text between the table of contents and the first body"})
    bodies: dict[int, _Body] = {}
    for n, (k, entry) in enumerate(starts):
        stop = starts[n + 1][0] if n + 1 < len(starts) else len(content)
        is_last = n + 1 == len(starts)
        bodies[entry.article_id] = _split_body(
            content[k + 1: stop], content[k][0], content[k][1],
            truncated=is_last and cut_at is not None and _is_marker(
                clean_line(lines[cut_at]), _PAYWALL_MARKERS),
        )
    return bodies


# --------------------------------------------------------------------------
# Assembly into DataFrames
# --------------------------------------------------------------------------

def _frames(entries: list[_TocEntry], bodies: dict[int, _Body], path: Path,
            notes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, paras = [], []
    first_by_title: dict[str, int] = {}
    for e in entries:
        body = bodies.get(e.article_id)
        has_text = body is not None and bool(body.paragraphs)
        key = _key(e.title)
        duplicate_of = first_by_title.get(key)
        first_by_title.setdefault(key, e.article_id)
        if body is not None and body.truncated:
            status = "truncated"
        elif has_text:
            status = "full"
        else:
            status = "title_only"
        texts = [t for _, t in body.paragraphs] if has_text else []
        rows.append({
            "article_id": e.article_id,
            "section": e.section,
            "title": e.title,
            "body_title": body.body_title if body and _key(body.body_title) != key else None,
            "date": body.date if body else None,
            "byline": body.byline if body else None,
            "page": e.page,
            "text": "\n".join(texts),
            "text_status": status,
            "duplicate_of": duplicate_of,
            "n_paragraphs": len(texts),
            "n_chars": sum(len(t) for t in texts),
            "source_line": body.line if body else e.line,
        })
        for pid, (lineno, text) in enumerate(body.paragraphs if has_text else [], start=1):
            paras.append({
                "article_id": e.article_id, "para_id": pid,
                "kind": "heading" if is_heading(text) else "body",
                "text": text, "n_chars": len(text), "source_line": lineno,
            })
    articles = pd.DataFrame(rows, columns=ARTICLE_COLUMNS)
    articles["duplicate_of"] = articles["duplicate_of"].astype("Int64")
    articles["page"] = articles["page"].astype("Int64")
    paragraphs = pd.DataFrame(paras, columns=PARAGRAPH_COLUMNS)
    _warn_about(articles, path, notes)
    return articles, paragraphs


def display_path(path: Path) -> str:
    """Path as shown in messages: relative to the project when inside it."""
    from .config import ROOT

    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _warn_about(articles: pd.DataFrame, path: Path, notes: list[str]) -> None:
    path = display_path(path)

    def emit(message: str) -> None:
        notes.append(message)
        warnings.warn(message, CorpusWarning, stacklevel=4)

    missing = articles[articles["text_status"] == "title_only"]
    if len(missing):
        listed = "; ".join(f"{r.article_id} {r.title}" for r in missing.itertuples())
        emit(f"{path}: {len(missing)} table-of-contents entries have no body and are kept "
             f"as title_only: {listed}")
    for r in articles[articles["text_status"] == "truncated"].itertuples():
        emit(f"{path}: article {r.article_id} {r.title} is truncated by the source "
             f"(paywall); kept as truncated")
    for r in articles[articles["duplicate_of"].notna()].itertuples():
        emit(f"{path}: article {r.article_id} repeats the title of article "
             f"{int(r.duplicate_of)} ({r.title}); duplicate_of is set")


def _meta(lines: list[str], toc_start_line: int, dropped: list[dict]) -> dict:
    meta: dict = {}
    head = [clean_line(x) for x in lines[: max(toc_start_line - 1, 0)]]
    head = [x for x in head if x]
    if head:
        meta["title"] = head[0]
    for text in head:
        m = re.search(r"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2})?", text)
        if m and "posted" not in meta:
            meta["posted"] = m.group(0)
    for row in dropped:
        m = re.search(r"https?://\S+", row["text"])
        if m:
            meta["url"] = m.group(0)
    return meta


def _parse_lines(lines: list[str], path: Path, sha: str) -> Corpus:
    notes: list[str] = []
    dropped: list[dict] = []
    entries, end = parse_toc(lines, path)
    first_toc_line = entries[0].line
    # The section heading sits above the first entry; anything above it is the page header.
    for i in range(first_toc_line - 1):
        text = clean_line(lines[i])
        if text and not _SECTION_RE.match(text):
            dropped.append({"line": i + 1, "text": text, "reason": "page header before the table of contents"})
    bodies = find_bodies(lines, end, entries, path, dropped)
    articles, paragraphs = _frames(entries, bodies, path, notes)
    meta = _meta(lines, first_toc_line, dropped)
    return Corpus(articles, paragraphs, path, sha, meta,
                  pd.DataFrame(dropped, columns=["line", "text", "reason"]), notes)


# --------------------------------------------------------------------------
# Folder of articles
# --------------------------------------------------------------------------

def _load_folder(folder: Path) -> Corpus:
    index = folder / "articles.csv"
    if not index.exists():
        raise CorpusFormatError(f"{folder}: a folder corpus needs an articles.csv")
    meta = pd.read_csv(index, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing_cols = {"article_id", "title", "section"} - set(meta.columns)
    if missing_cols:
        raise CorpusFormatError(f"{index}: missing column(s) {sorted(missing_cols)}")
    if meta.empty:
        raise CorpusFormatError(f"{index}: the file lists no articles")
    digest = hashlib.sha256(index.read_bytes())
    entries: list[_TocEntry] = []
    bodies: dict[int, _Body] = {}
    seen_ids: set[int] = set()
    for n, row in enumerate(meta.itertuples(index=False), start=2):
        try:
            article_id = int(row.article_id)
        except ValueError as exc:
            raise CorpusFormatError(f"{index}: line {n}: article_id {row.article_id!r} is not a number") from exc
        if article_id in seen_ids:
            raise CorpusFormatError(f"{index}: line {n}: article_id {article_id} appears twice")
        seen_ids.add(article_id)
        title = clean_line(row.title)
        if not title:
            raise CorpusFormatError(f"{index}: line {n}: article {article_id} has no title")
        page = getattr(row, "page", "") or ""
        entries.append(_TocEntry(article_id, title, int(page) if page.isdigit() else None,
                                 _section_key(row.section.strip()), n))
        name = getattr(row, "file", "") or f"{article_id}.txt"
        file = folder / name
        if not file.exists():
            continue
        digest.update(file.read_bytes())
        text_lines = [(i + 1, clean_line(x)) for i, x in enumerate(read_text_file(file).split("\n"))]
        text_lines = [(i, x) for i, x in text_lines if x]
        if not text_lines:
            continue
        title_line, title_text = (text_lines[0] if _match_title(text_lines[0][1], _key(title))
                                  else (0, title))
        rest = text_lines[1:] if title_line else text_lines
        status = (getattr(row, "text_status", "") or "").strip()
        bodies[article_id] = _split_body(rest, title_line, title_text, truncated=status == "truncated")
        if getattr(row, "date", ""):
            bodies[article_id].date = row.date
        if getattr(row, "byline", ""):
            bodies[article_id].byline = row.byline
    notes: list[str] = []
    articles, paragraphs = _frames(entries, bodies, folder, notes)
    return Corpus(articles, paragraphs, folder, digest.hexdigest(), {}, notes=notes)


# --------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------

def load_compilation(path: str | Path) -> Corpus:
    """Load a compilation from a ``.txt``, a ``.docx`` or a folder of articles.

    Parameters
    ----------
    path : str or Path
        A text file (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK;
        LF or CRLF), a ``.docx`` of the same compilation, or a folder holding
        ``articles.csv`` (``article_id``, ``title``, ``section``; optional
        ``page``, ``date``, ``byline``, ``file``, ``text_status``) and one
        UTF-8 ``<article_id>.txt`` per article.

    Returns
    -------
    Corpus

    Raises
    ------
    CorpusFormatError
        Empty, binary or undecodable input, or no table of contents.
    """
    path = Path(path)
    if not path.exists():
        raise CorpusFormatError(f"{path}: no such file or folder")
    if path.is_dir():
        return _load_folder(path)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() == ".docx":
        if not data:
            raise CorpusFormatError(f"{path}: the file is empty")
        lines = _read_docx_lines(path)
    else:
        lines = decode_bytes(data, path).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return _parse_lines(lines, path, sha)


def load_corpus(path: str | Path | None = None, params: dict | None = None) -> Corpus:
    """Load the project's compilation (``[corpus].raw`` in ``params.toml``).

    ``articles`` carries the unit metadata of :func:`analysis.units.annotate`,
    with ``[units].overrides`` applied when the file is the configured one.
    """
    from .config import load_params, resolve
    from .units import annotate, load_overrides

    params = params or load_params()
    configured = resolve(params["corpus"]["raw"])
    source = resolve(path) if path is not None else configured
    corpus = load_compilation(source)
    units = params.get("units", {})
    overrides = None
    # The curated overrides are keyed to the project's compilation; another
    # file gets the classifier's values only.
    if units.get("overrides") and source.resolve() == configured.resolve():
        overrides = load_overrides(resolve(units["overrides"]), corpus.articles)
    corpus.articles = annotate(corpus.articles, overrides, units)
    return corpus


# --------------------------------------------------------------------------
# Outputs: processed tables, coverage table and figure
# --------------------------------------------------------------------------

STATUS_ORDER = ["full", "truncated", "title_only"]
SECTION_ORDER = ["party_committees", "political_legal_organs", "other_units"]


def coverage_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles by section × text_status, with body characters and totals."""
    table = pd.crosstab(articles["section"], articles["text_status"])
    table = table.reindex(columns=STATUS_ORDER, fill_value=0)
    order = [s for s in SECTION_ORDER if s in table.index] + [
        s for s in table.index if s not in SECTION_ORDER]
    table = table.reindex(order)
    table["articles"] = table[STATUS_ORDER].sum(axis=1)
    table["with_text"] = table["full"] + table["truncated"]
    table["body_chars"] = articles.groupby("section")["n_chars"].sum().reindex(order)
    table.loc["total"] = table.sum(axis=0)
    table["evidence"] = [
        "text" if r.with_text == r.articles else "title-only" if r.with_text == 0 else "mixed"
        for r in table.itertuples()]
    table.index.name = "section"
    return table.reset_index()


def plot_coverage(articles: pd.DataFrame, path: str | Path) -> list[Path]:
    """Two panels: articles by section × text_status; body length per article."""
    import matplotlib.pyplot as plt

    from . import figures

    figures.setup_style()
    table = coverage_table(articles)
    table = table[table["section"] != "total"].set_index("section")
    colours = {"full": figures.PALETTE[0], "truncated": figures.PALETTE[1],
               "title_only": "#BBBBBB"}
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7.2, 3.0),
                                   gridspec_kw={"width_ratios": [1, 1.6]})
    left = pd.Series(0, index=table.index)
    for status in STATUS_ORDER:
        ax1.barh(table.index, table[status], left=left, color=colours[status],
                 label=status.replace("_", "-"), hatch="//" if status == "truncated" else None)
        left += table[status]
    labels = {"party_committees": "各级党委\nparty committees",
              "political_legal_organs": "政法机关\npolitical-legal organs",
              "other_units": "其他单位\nother units"}
    ax1.set_yticks(range(len(table.index)))
    ax1.set_yticklabels([labels.get(s, s) for s in table.index])
    ax1.invert_yaxis()
    ax1.set_xlabel("articles in the table of contents")
    ax1.legend(frameon=False, loc="lower right")
    ax1.set_title("Articles by section and text status")

    bodies = articles[articles["text_status"] != "title_only"].sort_values("article_id")
    ax2.bar(bodies["article_id"].astype(str), bodies["n_chars"],
            color=[colours[s] for s in bodies["text_status"]],
            hatch=None)
    for bar, status in zip(ax2.patches, bodies["text_status"]):
        if status == "truncated":
            bar.set_hatch("//")
    ax2.set_xlabel("article_id (articles 21–75: title only, no body)")
    ax2.set_ylabel("body length (characters)")
    ax2.set_title("Body length per article")
    ax2.tick_params(axis="x", labelsize=7)
    fig.suptitle("Corpus coverage — " + figures.evidence_label("text").split(":")[0]
                 + " analyses rest on articles 1–20 only", fontsize=9, y=1.02)
    return figures.save(fig, path)




def write_outputs(corpus: Corpus, processed_dir: str | Path, results_dir: str | Path,
                  figures_dir: str | Path) -> list[Path]:
    """Write articles/paragraphs CSVs, the coverage table and the coverage figure."""
    processed_dir, results_dir, figures_dir = map(Path, (processed_dir, results_dir, figures_dir))
    written = [
        write_csv(corpus.articles, processed_dir / "articles.csv"),
        write_csv(corpus.paragraphs, processed_dir / "paragraphs.csv"),
        write_csv(corpus.dropped, processed_dir / "dropped_lines.csv"),
        write_csv(coverage_table(corpus.articles), results_dir / "corpus_coverage.csv"),
        write_csv(corpus.articles[["article_id", "section", "title", "text_status", "date",
                                    "n_paragraphs", "n_chars"]],
                   results_dir / "corpus_body_length.csv"),
    ]
    written += plot_coverage(corpus.articles, figures_dir / "corpus_coverage")
    return written
