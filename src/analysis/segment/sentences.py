"""Sentence splitting for Chinese text (the co-occurrence windows)."""

from __future__ import annotations

import re

__all__ = ["split_sentences"]

_SENT_END = "。！？!?；;…"
_CLOSERS = "”’」』）)》"
_SENT_RE = re.compile(rf"[^{_SENT_END}\n]*(?:[{_SENT_END}]+[{_CLOSERS}]*|\n|$)")


def split_sentences(text: str) -> list[str]:
    """Split Chinese text into sentences.

    A sentence ends after a run of 。！？!?；;… (full- or half-width), together
    with closing quotes or brackets that follow, or at a line break. Commas,
    colons and the ASCII full stop (decimals, "1.") do not split. Whitespace
    is stripped; empty pieces are dropped.
    """
    out = []
    for m in _SENT_RE.finditer(text):
        s = m.group(0).strip()
        if s:
            out.append(s)
    return out
