"""Reading the segmenter's word lists: the user dictionary and stopword layers.

Both are plain UTF-8 files (a BOM and CRLF line ends are accepted); their
provenance is in the READMEs next to them (``data/lexicon``, ``data/stopwords``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable

import pandas as pd

__all__ = ["parse_userdict", "read_false_matches", "read_lexicon", "read_stopwords",
           "read_wordlist"]

def read_wordlist(path: str | os.PathLike) -> tuple[list[str], bytes]:
    """Read a UTF-8 word list, tolerating a BOM and CRLF/CR line ends.

    Blank lines and lines starting with ``#`` are skipped.

    Returns
    -------
    lines : list of str
        Stripped, non-empty, non-comment lines in file order.
    raw : bytes
        The file's bytes (for content hashes).
    """
    raw = Path(path).read_bytes()
    text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    lines = [ln.strip().lstrip("\ufeff") for ln in text.split("\n")]
    return [ln for ln in lines if ln and not ln.startswith("#")], raw


def parse_userdict(lines: Iterable[str]) -> list[tuple[str, int | None, str | None]]:
    """Parse jieba user-dictionary lines ``word [freq] [tag]``.

    Raises
    ------
    ValueError
        On a line with more than three fields or a non-integer frequency.
    """
    out = []
    for i, line in enumerate(lines, 1):
        parts = line.split()
        if not parts or len(parts) > 3:
            raise ValueError(f"user dictionary line {i}: expected 'word [freq] [tag]': {line!r}")
        word, freq, tag = parts[0], None, None
        for extra in parts[1:]:
            if extra.isdigit():
                freq = int(extra)
            elif tag is None:
                tag = extra
            else:
                raise ValueError(f"user dictionary line {i}: bad field {extra!r}")
        out.append((word, freq, tag))
    return out


def read_lexicon(lexicon) -> tuple[list[tuple[str, int | None, str | None]], bytes, dict]:
    """User-dictionary entries ``(word, freq, tag)``, the bytes they hash by, and
    the words of each layer ``{name: [word, ...]}``.

    ``lexicon`` is a file, a list of words or ``(word, freq, tag)`` tuples,
    layers ``{name: file or list}`` (concatenated in order), or
    ``False``/``None`` for none (see :class:`~analysis.segment.Segmenter`).

    Raises
    ------
    ValueError
        If a word is in two layers (naming both).
    """
    if isinstance(lexicon, dict):
        entries, raw, layers, seen = [], [], {}, {}
        for name, src in lexicon.items():
            part, data = _read_one_lexicon(src)
            for w, _, _ in part:
                if w in seen:
                    raise ValueError(f"lexicon word {w!r} is in layers {seen[w]!r} and {name!r}")
                seen[w] = name
            entries += part
            layers[name] = [w for w, _, _ in part]
            raw.append(name.encode("utf-8") + b"\0" + data)
        return entries, b"\0\0".join(raw), layers
    entries, data = _read_one_lexicon(lexicon)
    return entries, data, {"lexicon": [w for w, _, _ in entries]} if entries else {}


def _read_one_lexicon(lexicon) -> tuple[list[tuple[str, int | None, str | None]], bytes]:
    if lexicon is False or lexicon is None:
        return [], b""
    if isinstance(lexicon, (str, os.PathLike)):
        lines, raw = read_wordlist(lexicon)
        return parse_userdict(lines), raw
    entries = []
    for item in lexicon:
        if isinstance(item, str):
            entries.append((item, None, None))
        else:
            word, freq, tag = (tuple(item) + (None, None))[:3]
            entries.append((word, None if freq is None else int(freq), tag))
    return entries, json.dumps(entries, ensure_ascii=False).encode("utf-8")


def read_stopwords(stopwords) -> tuple[dict[str, frozenset], dict[str, bytes]]:
    """Stopword layers ``{name: words}`` (in order) and the bytes each hashes by.

    ``stopwords`` is ``{name: path or words}``, a list of paths (layer named by
    file stem), or ``False``/``None`` for none.
    """
    if stopwords is False or stopwords is None:
        return {}, {}
    if not isinstance(stopwords, dict):
        stopwords = {Path(p).stem: p for p in stopwords}
    layers, raw = {}, {}
    for name, src in stopwords.items():
        if isinstance(src, (str, os.PathLike)):
            words, data = read_wordlist(src)
        else:
            words = [w.strip() for w in src if w.strip()]
            data = "\n".join(sorted(words)).encode("utf-8")
        layers[name] = frozenset(words)
        raw[name] = data
    return layers, raw


def read_false_matches(entries: str | os.PathLike) -> dict[str, list[str]]:
    """Reviewed string matches that are not the term, per lexicon word.

    Read from a curated lexicon table (``data/lexicon/<layer>.tsv``, column
    ``false_matches``: space-separated strings, e.g. 多元化解决 for 多元化解).
    """
    df = pd.read_csv(entries, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return {w: f.split() for w, f in zip(df["word"], df["false_matches"]) if f.strip()}
