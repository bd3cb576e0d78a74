"""Writing outputs the one project way: tables, figures, and the names they go by.

Writers and readers share :data:`OUTPUTS`, the map from an output's role to its
file name, so a table is never written under one name and read under another.
"""

from __future__ import annotations

import hashlib
import io as _io
import os
from pathlib import Path

import pandas as pd

__all__ = ["FLOAT_FORMAT", "OUTPUTS", "as_written", "output_path", "read_csv", "save_figure",
           "sha256_file", "write_csv"]

#: Precision policy for CSV numbers: 6 significant digits (docs/numbers.md).
FLOAT_FORMAT = "%.6g"

#: Role -> file name (relative to the results or figures folder). A ``{}`` is
#: filled with the grouping or comparison the file is about.
OUTPUTS: dict[str, str] = {
    # corpus
    "articles": "articles.csv",
    "paragraphs": "paragraphs.csv",
    "dropped_lines": "dropped_lines.csv",
    "corpus_coverage": "corpus_coverage.csv",
    "corpus_body_length": "corpus_body_length.csv",
    # units
    "article_metadata": "article_metadata.csv",
    "unit_overrides": "unit_overrides.csv",
    "unit_agreement": "unit_agreement.csv",
    # segment
    "segmentation_audit": "segmentation_audit.csv",
    "segmentation_audit_filters": "segmentation_audit_filters.csv",
    "segmentation_audit_stopwords": "segmentation_audit_stopwords.csv",
    "segmentation_audit_places": "segmentation_audit_places.csv",
    "segmentation_audit_samples": "segmentation_audit_samples.csv",
    "segmentation_heldout": "segmentation_heldout.csv",
    "tokens": "tokens.csv",                         # data/processed/: the model's tokens
    # topics
    "topics_k_selection": "topics_k_selection.csv",
    "topics_k_choice": "topics_k_choice.csv",       # only with num_topics = "auto"
    "topic_terms": "topic_terms.csv",
    "topic_stability": "topic_stability.csv",
    "topic_coherence": "topic_coherence.csv",
    "topic_convergence": "topic_convergence.csv",
    "paragraph_topics_refits": "paragraph_topics_refits.csv",
    "article_topics_refits": "article_topics_refits.csv",
    "topic_exemplars": "topic_exemplars.csv",
    "paragraph_topics": "paragraph_topics.csv",
    "article_topics": "article_topics.csv",
    "topics_ldavis": "topics_ldavis.html",
    "topic_labels": "topic_labels.csv",
    # cooccur (the differential files take the slugs of the two groups)
    "cooccurrence_edges": "cooccurrence_edges.csv",
    "cooccurrence_nodes": "cooccurrence_nodes.csv",
    "cooccurrence_gexf": "cooccurrence_network.gexf",
    "cooccurrence_title_edges": "cooccurrence_title_edges.csv",
    "cooccurrence_title_nodes": "cooccurrence_title_nodes.csv",
    "cooccurrence_title_gexf": "cooccurrence_title_network.gexf",
    "cooccurrence_edge_sentences": "cooccurrence_edge_sentences.csv",
    "cooccurrence_kwic": "cooccurrence_kwic.csv",
    "cooccurrence_ego_terms": "cooccurrence_ego_terms.csv",
    "cooccurrence_ego_edges": "cooccurrence_ego_edges.csv",
    "cooccurrence_differential": "cooccurrence_differential_{}_vs_{}.csv",
    "cooccurrence_differential_coverage": "cooccurrence_differential_{}_vs_{}_coverage.csv",
    "cooccurrence_summary": "cooccurrence_summary.csv",
    # compare ({} = grouping column, or "<a>_vs_<b>" for a difference)
    "coverage_by": "coverage_by_{}.csv",
    "actor_mentions_by": "actor_mentions_by_{}.csv",
    "actor_mentions_titles_by": "actor_mentions_titles_by_{}.csv",
    "formulas_by": "formulas_by_{}.csv",
    "formulas_titles_by": "formulas_titles_by_{}.csv",
    "keyness_by": "keyness_by_{}.csv",
    "keyness_titles_by": "keyness_titles_by_{}.csv",
    "correspondence": "correspondence_{}.csv",
    "topic_prevalence_by": "topic_prevalence_by_{}.csv",
    "title_themes_by": "title_themes_by_{}.csv",
    "fengqiao_mentions_by": "fengqiao_mentions_by_{}.csv",
    "topic_prevalence_difference": "topic_prevalence_difference_{}.csv",
    "actor_mentions_difference": "actor_mentions_difference_{}.csv",
    "keyness_article_check": "keyness_article_check_{}.csv",
    "fengqiao_rate_difference": "fengqiao_rate_difference_{}.csv",
    "title_themes_difference": "title_themes_difference_{}.csv",
    "compare_key_differences": "compare_key_differences.csv",
    "actor_topics": "actor_topics.csv",
    "actor_keywords": "actor_keywords.csv",
    "fengqiao_by_article": "fengqiao_by_article.csv",
    "fengqiao_formulas": "fengqiao_formulas.csv",
}


def output_path(folder: str | os.PathLike, role: str, *fill: str) -> Path:
    """``folder / OUTPUTS[role]`` with ``{}`` filled by ``fill``."""
    return Path(folder) / OUTPUTS[role].format(*fill)


def sha256_file(path: str | os.PathLike) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_csv(df: pd.DataFrame, path: str | os.PathLike,
              float_format: str = FLOAT_FORMAT) -> Path:
    """Write a results table: UTF-8, LF, no index, fixed float format.

    A fixed format (and row order chosen by the caller) keeps the bytes stable
    from run to run, which ``results/manifest.json`` relies on.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, float_format=float_format, lineterminator="\n",
              encoding="utf-8")
    return path


def read_csv(path: str | os.PathLike, **kwargs) -> pd.DataFrame:
    """Read a table written by :func:`write_csv` (UTF-8)."""
    return pd.read_csv(path, encoding="utf-8", **kwargs)


def as_written(df: pd.DataFrame, **read_kwargs) -> pd.DataFrame:
    """``df`` as it reads back after :func:`write_csv` (numbers at the written precision).

    Figures are drawn from this, not from the full-precision frame, so a figure is
    a function of its source table: last-bit differences between BLAS kernels that
    the table's precision hides cannot move a label or a pixel.
    """
    buf = _io.StringIO()
    df.to_csv(buf, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    buf.seek(0)
    return pd.read_csv(buf, **read_kwargs)


def save_figure(fig, path: str | os.PathLike, *, formats=("png", "pdf"),
                dpi: int = 300) -> list[Path]:
    """Save ``fig`` as ``path.<fmt>`` for each format with stable bytes, and close it.

    The one place figures are written; see :func:`analysis.plots.style.save`.
    """
    from .plots.style import save

    return save(fig, path, formats=tuple(formats), dpi=dpi)
