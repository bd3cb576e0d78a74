"""The corpus stage: processed tables, the coverage table and the coverage figure."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .. import io
from ..evidence import evidence_label
from ..plots.corpus import draw_coverage
from .model import Corpus
from .tables import body_length_table, coverage_table

if TYPE_CHECKING:
    from ..context import RunContext

__all__ = ["CorpusStage", "FIGURE", "prepare", "write"]

FIGURE = "corpus_coverage"


@dataclass(frozen=True)
class CorpusStage:
    """What the notebook shows and the writer writes.

    Attributes
    ----------
    corpus : Corpus
        The compilation with unit metadata (``ctx.corpus``).
    coverage : DataFrame
        :func:`~analysis.corpus.tables.coverage_table`.
    body_length : DataFrame
        :func:`~analysis.corpus.tables.body_length_table`.
    evidence : str
        The text-level evidence line of this corpus, for captions.
    """

    corpus: Corpus
    coverage: pd.DataFrame
    body_length: pd.DataFrame
    evidence: str


def prepare(ctx: RunContext) -> CorpusStage:
    """Tables of the corpus stage, from the run's corpus."""
    corpus = ctx.corpus
    return CorpusStage(corpus=corpus, coverage=coverage_table(corpus.articles),
                       body_length=body_length_table(corpus.articles),
                       evidence=evidence_label("text", ctx.coverage))


def write(ctx: RunContext) -> list[Path]:
    """Write ``data/processed/{articles,paragraphs,dropped_lines}.csv``, the coverage
    and body-length tables, and the coverage figure."""
    s = prepare(ctx)
    processed = ctx.paths.processed
    written = [io.write_csv(s.corpus.articles, io.output_path(processed, "articles")),
               io.write_csv(s.corpus.paragraphs, io.output_path(processed, "paragraphs")),
               io.write_csv(s.corpus.dropped, io.output_path(processed, "dropped_lines")),
               ctx.write_csv(s.coverage, io.OUTPUTS["corpus_coverage"]),
               ctx.write_csv(s.body_length, io.OUTPUTS["corpus_body_length"])]
    fig = draw_coverage(s.coverage, s.corpus.articles, evidence=s.evidence)
    return written + ctx.save_figure(fig, FIGURE)
