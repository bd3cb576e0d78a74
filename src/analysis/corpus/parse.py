"""Parsing a compilation's lines: table of contents, bodies, and the article tables.

The seed is a web-page copy of a compilation: a header, a table of contents
(TOC) grouped under numbered section headings, the bodies of some articles, a
paywall, and the site's footer. :func:`parse_lines` turns such lines into a
:class:`~analysis.corpus.model.Corpus`. Nothing is dropped silently: every TOC
entry is a row with a ``text_status``; lines removed as web-page text are listed
in ``Corpus.dropped``; entries without a body, truncated bodies and repeated
titles raise :class:`~analysis.corpus.model.CorpusWarning`.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .lines import (DATE_RE, FOOTER_MARKERS, PAYWALL_MARKERS, SECTION_RE, TOC_ENTRY_RE,
                    clean_line, ends_paragraph, is_heading, is_marker, parse_date, title_key)
from .model import (ARTICLE_COLUMNS, DROPPED_COLUMNS, PARAGRAPH_COLUMNS, SECTION_KEYS, Corpus,
                    CorpusFormatError, CorpusWarning)

__all__ = ["Body", "TocEntry", "article_frames", "display_path", "find_bodies", "match_title",
           "parse_lines", "parse_toc", "section_key", "split_body"]


@dataclass
class TocEntry:
    """One table-of-contents entry and the line it stands on."""

    article_id: int
    title: str
    page: int | None
    section: str
    line: int


@dataclass
class Body:
    """The printed body of one entry: title as printed, date, byline, paragraphs."""

    body_title: str
    date: str | None
    byline: str | None
    paragraphs: list[tuple[int, str]]
    truncated: bool
    line: int


def section_key(name: str) -> str:
    """English key of a TOC section heading (the heading itself when unknown)."""
    return SECTION_KEYS.get(name, name)


def display_path(path: Path, root: Path | None = None) -> str:
    """Path as shown in messages: relative to ``root`` when inside it, else as given."""
    if root is not None:
        try:
            return str(Path(path).resolve().relative_to(Path(root).resolve()))
        except ValueError:
            pass
    return str(path)


# --------------------------------------------------------------------------
# Table of contents
# --------------------------------------------------------------------------

def parse_toc(lines: list[str], path: Path) -> tuple[list[TocEntry], int]:
    """Find the TOC; return its entries and the index of the first line after it."""
    entries: list[TocEntry] = []
    section = None
    end = None
    for i, raw in enumerate(lines):
        text = clean_line(raw)
        if not text:
            continue
        found = list(TOC_ENTRY_RE.finditer(text))
        if found:
            if section is None:
                raise CorpusFormatError(
                    f"{path}: line {i + 1}: table-of-contents entry before any section heading"
                )
            for m in found:
                entries.append(TocEntry(int(m["num"]), clean_line(m["title"]),
                                        int(m["page"]), section, i + 1))
            continue
        m = SECTION_RE.match(text)
        if m and not entries or (m and entries and len(text) <= 20):
            section = section_key(m["name"])
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

def match_title(text: str, entry_key: str) -> bool:
    """Does a body line print this TOC title (maybe shortened, maybe with a date)?"""
    key = title_key(text)
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
        if (paragraphs and not paragraphs[-1][2] and not ends_paragraph(paragraphs[-1][1])
                and not is_heading(text)):
            paragraphs[-1][1] += text
        else:
            paragraphs.append([lineno, text, is_heading(text)])
    return [(lineno, text) for lineno, text, _ in paragraphs]


def _looks_like_byline(text: str) -> bool:
    return (len(text) <= 30 and not re.search(r"[。,，;；:：!！?？“”]", text)
            and not is_heading(text) and not DATE_RE.search(text))


def split_body(lines: list[tuple[int, str]], title_line: int, title_text: str,
               truncated: bool) -> Body:
    """A body from its title line and the lines under it (byline and date taken off)."""
    date = parse_date(title_text)
    body_title = DATE_RE.sub("", title_text).strip()
    byline = None
    rest = list(lines)
    # Up to two lines after the title may be a byline and/or a date.
    for _ in range(2):
        if not rest:
            break
        text = rest[0][1]
        only_date = DATE_RE.fullmatch(text)
        if date is None and only_date:
            date = parse_date(text)
            rest.pop(0)
        elif byline is None and _looks_like_byline(text):
            byline = text
            rest.pop(0)
        else:
            break
    return Body(body_title, date, byline, _assemble(rest), truncated, title_line)


def _content_lines(lines: list[str], start: int,
                   dropped: list[dict]) -> tuple[list[tuple[int, str]], int | None]:
    """Non-empty cleaned lines from ``start`` up to the paywall/footer, and where it cuts."""
    content: list[tuple[int, str]] = []
    cut_at = None
    for i in range(start, len(lines)):
        text = clean_line(lines[i])
        if not text:
            continue
        if is_marker(text, PAYWALL_MARKERS) or is_marker(text, FOOTER_MARKERS):
            cut_at = i
            break
        content.append((i + 1, text))
    if cut_at is not None:
        for j in range(cut_at, len(lines)):
            text = clean_line(lines[j])
            if text:
                dropped.append({"line": j + 1, "text": text,
                                "reason": "web page text after the paywall/footer"})
    return content, cut_at


def find_bodies(lines: list[str], start: int, entries: list[TocEntry],
                dropped: list[dict]) -> dict[int, Body]:
    """Locate each entry's body by its printed title, in TOC order."""
    content, cut_at = _content_lines(lines, start, dropped)
    keys = {e.article_id: title_key(e.title) for e in entries}
    starts: list[tuple[int, TocEntry]] = []  # (index into content, entry)
    pos = 0
    for entry in entries:
        for k in range(pos, len(content)):
            if match_title(content[k][1], keys[entry.article_id]):
                starts.append((k, entry))
                pos = k + 1
                break

    if starts:
        for lineno, text in content[: starts[0][0]]:
            dropped.append({"line": lineno, "text": text,
                            "reason": "text between the table of contents and the first body"})
    paywalled = cut_at is not None and is_marker(clean_line(lines[cut_at]), PAYWALL_MARKERS)
    bodies: dict[int, Body] = {}
    for n, (k, entry) in enumerate(starts):
        stop = starts[n + 1][0] if n + 1 < len(starts) else len(content)
        is_last = n + 1 == len(starts)
        bodies[entry.article_id] = split_body(content[k + 1: stop], content[k][0],
                                              content[k][1], truncated=is_last and paywalled)
    return bodies


# --------------------------------------------------------------------------
# Assembly into DataFrames
# --------------------------------------------------------------------------

def _status(body: Body | None) -> str:
    if body is not None and body.truncated:
        return "truncated"
    return "full" if body is not None and body.paragraphs else "title_only"


def article_frames(entries: list[TocEntry], bodies: dict[int, Body], path: Path,
                   notes: list[str], *, root: Path | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``articles`` and ``paragraphs`` tables; warnings are emitted and kept in ``notes``."""
    rows, paras = [], []
    first_by_title: dict[str, int] = {}
    for e in entries:
        body = bodies.get(e.article_id)
        has_text = body is not None and bool(body.paragraphs)
        key = title_key(e.title)
        duplicate_of = first_by_title.get(key)
        first_by_title.setdefault(key, e.article_id)
        texts = [t for _, t in body.paragraphs] if has_text else []
        rows.append({
            "article_id": e.article_id,
            "section": e.section,
            "title": e.title,
            "body_title": body.body_title if body and title_key(body.body_title) != key else None,
            "date": body.date if body else None,
            "byline": body.byline if body else None,
            "page": e.page,
            "text": "\n".join(texts),
            "text_status": _status(body),
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
    _warn_about(articles, display_path(path, root), notes)
    return articles, paragraphs


def _warn_about(articles: pd.DataFrame, shown: str, notes: list[str]) -> None:
    def emit(message: str) -> None:
        notes.append(message)
        warnings.warn(message, CorpusWarning, stacklevel=4)

    missing = articles[articles["text_status"] == "title_only"]
    if len(missing):
        listed = "; ".join(f"{r.article_id} {r.title}" for r in missing.itertuples())
        emit(f"{shown}: {len(missing)} table-of-contents entries have no body and are kept "
             f"as title_only: {listed}")
    for r in articles[articles["text_status"] == "truncated"].itertuples():
        emit(f"{shown}: article {r.article_id} {r.title} is truncated by the source "
             f"(paywall); kept as truncated")
    for r in articles[articles["duplicate_of"].notna()].itertuples():
        emit(f"{shown}: article {r.article_id} repeats the title of article "
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


def parse_lines(lines: list[str], path: Path, sha: str, *, root: Path | None = None) -> Corpus:
    """The :class:`Corpus` of one compilation file's lines."""
    notes: list[str] = []
    dropped: list[dict] = []
    entries, end = parse_toc(lines, path)
    first_toc_line = entries[0].line
    # The section heading sits above the first entry; anything above it is the page header.
    for i in range(first_toc_line - 1):
        text = clean_line(lines[i])
        if text and not SECTION_RE.match(text):
            dropped.append({"line": i + 1, "text": text,
                            "reason": "page header before the table of contents"})
    bodies = find_bodies(lines, end, entries, dropped)
    articles, paragraphs = article_frames(entries, bodies, path, notes, root=root)
    meta = _meta(lines, first_toc_line, dropped)
    return Corpus(articles, paragraphs, path, sha, meta,
                  pd.DataFrame(dropped, columns=DROPPED_COLUMNS), notes)
