"""The segment stage: audit the run's segmenter on the corpus and write the tables.

``prepare(ctx)`` returns the audit tables (:class:`SegmentAudit`) that notebook
01 shows and ``write(ctx)`` writes as ``results/segmentation_audit*.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..io import OUTPUTS
from .audit import (audit_samples, filter_audit, heldout_audit, place_audit,
                    segmentation_audit, stopword_audit)

if TYPE_CHECKING:
    from ..context import RunContext

__all__ = ["SegmentAudit", "prepare", "write"]


@dataclass(frozen=True)
class SegmentAudit:
    """The segmentation audit of one run (one table per ``results`` file).

    Attributes
    ----------
    audit : DataFrame
        Per lexicon term: plain jieba vs the segmenter (``segmentation_audit.csv``).
    filters : DataFrame
        Words removed per pipeline rule (``segmentation_audit_filters.csv``).
    places : DataFrame
        Words classed as places (``segmentation_audit_places.csv``).
    samples : DataFrame
        Side-by-side sentences (``segmentation_audit_samples.csv``).
    stopwords : DataFrame
        Per stopword layer (``segmentation_audit_stopwords.csv``).
    heldout : DataFrame
        Held-out terms kept whole in corpus sentences (``segmentation_heldout.csv``).
    backend : str
        The engine that produced the tokens (``"jieba"`` or ``"rjieba"``).
    """

    audit: pd.DataFrame
    filters: pd.DataFrame
    places: pd.DataFrame
    samples: pd.DataFrame
    stopwords: pd.DataFrame
    heldout: pd.DataFrame
    backend: str


#: Attribute of :class:`SegmentAudit` -> role in :data:`analysis.io.OUTPUTS`, in writing order.
_ROLES = {"audit": "segmentation_audit", "filters": "segmentation_audit_filters",
          "stopwords": "segmentation_audit_stopwords", "places": "segmentation_audit_places",
          "samples": "segmentation_audit_samples", "heldout": "segmentation_heldout"}


def prepare(ctx: RunContext) -> SegmentAudit:
    """Audit ``ctx.segmenter`` on every paragraph of ``ctx.corpus``."""
    paragraphs, seg = ctx.corpus.paragraphs, ctx.segmenter
    seg.setup()
    audit = segmentation_audit(paragraphs, seg)
    terms = pd.read_csv(ctx.input(ctx.params.segment.heldout_terms), sep="\t", dtype=str,
                        keep_default_na=False)
    return SegmentAudit(
        audit=audit,
        filters=filter_audit(paragraphs, seg),
        places=place_audit(paragraphs, seg),
        samples=audit_samples(paragraphs, seg, audit=audit),
        stopwords=stopword_audit(paragraphs, seg),
        heldout=heldout_audit(paragraphs, seg, terms),
        backend=seg.backend_,
    )


def write(ctx: RunContext) -> list[Path]:
    """Write the ``segmentation_audit*.csv`` tables and ``segmentation_heldout.csv``."""
    result = prepare(ctx)
    return [ctx.write_csv(getattr(result, attr), OUTPUTS[role]) for attr, role in _ROLES.items()]
