"""The units stage: the appendix table, the override report, and two corpus figures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .. import io
from ..evidence import evidence_label
from ..gazetteer import load_gazetteer
from ..plots.units import draw_by_province, draw_by_unit_type_tier, units_caption
from .annotate import agreement, metadata_table, override_report
from .codebook import TIERS, UNIT_TYPE_ZH, UNIT_TYPES

if TYPE_CHECKING:
    from ..context import RunContext

__all__ = ["FIGURES", "UnitsStage", "prepare", "write"]

#: Figure stems this stage writes.
FIGURES = ("corpus_by_unit_type_tier", "corpus_by_province")


@dataclass(frozen=True)
class UnitsStage:
    """What the notebook shows and the writer writes.

    Attributes
    ----------
    articles : DataFrame
        The run's articles with unit metadata (``ctx.articles``).
    metadata : DataFrame
        The appendix table (:func:`~analysis.units.annotate.metadata_table`).
    overrides : DataFrame
        :func:`~analysis.units.annotate.override_report`.
    agreement : DataFrame
        :func:`~analysis.units.annotate.agreement`.
    caption, evidence : str
        Caption lines of the figures, from this corpus's coverage.
    """

    articles: pd.DataFrame
    metadata: pd.DataFrame
    overrides: pd.DataFrame
    agreement: pd.DataFrame
    caption: str
    evidence: str


def prepare(ctx: RunContext) -> UnitsStage:
    """Tables of the units stage, from the run's annotated corpus."""
    p = ctx.params.units
    articles = ctx.articles
    report = override_report(articles, gazetteer=load_gazetteer(ctx.input(p.gazetteer)),
                             max_gap=p.max_gap, campaign_words=p.campaign_words)
    return UnitsStage(articles=articles, metadata=metadata_table(articles), overrides=report,
                      agreement=agreement(report, n_articles=len(articles)),
                      caption=units_caption(ctx.coverage),
                      evidence=evidence_label("mixed", ctx.coverage))


def write(ctx: RunContext) -> list[Path]:
    """Write ``article_metadata.csv``, ``unit_overrides.csv``, ``unit_agreement.csv`` and
    the figures ``corpus_by_unit_type_tier`` and ``corpus_by_province``."""
    s = prepare(ctx)
    written = [ctx.write_csv(s.metadata, io.OUTPUTS["article_metadata"]),
               ctx.write_csv(s.overrides, io.OUTPUTS["unit_overrides"]),
               ctx.write_csv(s.agreement, io.OUTPUTS["unit_agreement"])]
    # The codebook's order and Chinese names, so the plot holds no codebook of its own.
    unit_types = {u: UNIT_TYPE_ZH[u] for u in UNIT_TYPES}
    figures = (draw_by_unit_type_tier(s.articles, caption=s.caption, evidence=s.evidence,
                                      tiers=TIERS, unit_types=unit_types),
               draw_by_province(s.articles, caption=s.caption, evidence=s.evidence))
    for stem, fig in zip(FIGURES, figures):
        written += ctx.save_figure(fig, stem)
    return written
