"""Views a corpus cannot support: skipped with their reason, never a run aborted.

A view (a figure or a table) that cannot be computed or drawn on the corpus at hand (an
empty network, a grouping with one group, a figure that does not fit its page) is
skipped: :func:`skip` logs it and records it in this process. ``reproduce`` collects
the records of each stage (:func:`recording`; :func:`analysis.parallel.fork_map` brings
those of forked workers back), keeps them with the stage's state, writes them to
``results/skipped.csv`` on every run, and with ``--strict`` fails naming them
(:class:`SkippedViewError`).

Only the conditions a corpus can cause are skips (:data:`CANNOT_DRAW`); any other
exception is a bug and still stops the run.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

import pandas as pd

__all__ = ["CANNOT_DRAW", "CannotDraw", "SKIPPED_COLUMNS", "Skip", "SkippedViewError",
           "draw_or_skip", "recording", "replay", "skip", "skipped_table"]

log = logging.getLogger(__name__)

#: Columns of ``results/skipped.csv``.
SKIPPED_COLUMNS = ["stage", "output", "reason"]


class CannotDraw(RuntimeError):
    """Raised by a ``draw_*`` function for data it cannot draw (its message is the reason)."""


class SkippedViewError(RuntimeError):
    """``reproduce --strict``: the run skipped views."""


#: What makes a figure a skip rather than an error (``plots.style.FigureOverflowError``
#: is a :class:`CannotDraw`).
CANNOT_DRAW = (CannotDraw,)


@dataclass(frozen=True, order=True)
class Skip:
    """One view not written: the stage (filled in by ``reproduce``), output and reason."""

    stage: str
    output: str
    reason: str


#: This process's skips, in the order they happened (see :func:`recording`).
_RECORDED: list[Skip] = []


def skip(output: str, reason: str) -> None:
    """Record that ``output`` (a file stem or name) is not written, and why; log it."""
    log.warning("%s skipped: %s", output, reason)
    _RECORDED.append(Skip("", str(output), str(reason)))


def replay(skips: Iterable[Skip]) -> None:
    """Record skips that happened in a forked worker (already logged there)."""
    _RECORDED.extend(skips)


@contextmanager
def recording() -> Iterator[list[Skip]]:
    """The skips recorded inside the block (the list fills when the block ends)."""
    start = len(_RECORDED)
    found: list[Skip] = []
    try:
        yield found
    finally:
        found.extend(_RECORDED[start:])


def draw_or_skip(stem: str, draw: Callable[[], object],
                 save: Callable[[object, str], list]) -> list:
    """``save(draw(), stem)``; a figure that cannot be drawn or fit is skipped (``[]``)."""
    import matplotlib.pyplot as plt

    fig = None
    try:
        fig = draw()
        return save(fig, stem)
    except CANNOT_DRAW as exc:
        if fig is not None:
            plt.close(fig)
        skip(stem, f"{type(exc).__name__}: {exc}")
        return []


def skipped_table(skips: Iterable[Skip], stage_order: list[str] | None = None) -> pd.DataFrame:
    """``results/skipped.csv``: one row per skip, by stage (in ``stage_order``), output, reason."""
    rank = {s: i for i, s in enumerate(stage_order or [])}
    rows = sorted(set(skips), key=lambda s: (rank.get(s.stage, len(rank)), s.stage,
                                              s.output, s.reason))
    return pd.DataFrame([[s.stage, s.output, s.reason] for s in rows], columns=SKIPPED_COLUMNS)
