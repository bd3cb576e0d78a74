"""Formatting of numbers, counts and id lists for generated prose.

Every number a notebook states is formatted here, at a precision the caller
names, so a test can parse it back and compare it with the table it came from.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = ["id_list", "listing", "number", "percent", "plural", "signed"]


def _missing(x) -> bool:
    try:
        return x is None or math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def number(x, digits: int = 3) -> str:
    """``x`` with ``digits`` decimals; ``"NA"`` when missing."""
    return "NA" if _missing(x) else f"{float(x):.{digits}f}"


def signed(x, digits: int = 3) -> str:
    """``x`` with an explicit sign (``+0.184``, ``-0.220``); ``"NA"`` when missing."""
    return "NA" if _missing(x) else f"{float(x):+.{digits}f}"


def percent(x, digits: int = 0) -> str:
    """A share as a percentage (``0.46`` → ``46%``)."""
    return "NA" if _missing(x) else f"{float(x):.{digits}%}"


def plural(n: int, noun: str, many: str | None = None) -> str:
    """``1 article``, ``3 articles`` (``many`` for irregular plurals)."""
    return f"{n} {noun if n == 1 else (many or noun + 's')}"


def listing(items: Iterable, conj: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``; ``""`` for no items."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conj} {items[-1]}"


def _runs(values: list[int]) -> list[str]:
    """Consecutive integers as ranges: three or more in a row become ``a–b``."""
    out, start = [], 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[i - 1] + 1:
            run = values[start:i]
            out += [f"{run[0]}–{run[-1]}"] if len(run) >= 3 else [str(v) for v in run]
            start = i
    return out


def id_list(ids: Iterable, noun: str = "article") -> str:
    """``article 8``, ``articles 4 and 5``, ``articles 1–9 and 11`` (sorted, unique)."""
    vals = sorted({int(i) for i in ids})
    if not vals:
        return f"no {noun}s"
    parts = _runs(vals)
    many = len(vals) > 1
    return f"{noun}{'s' if many else ''} {listing(parts)}"
