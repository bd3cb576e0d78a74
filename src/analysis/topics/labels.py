"""Human labels for the topics (``data/topic_labels.toml``), checked against the model.

:func:`check_labels` refuses to use labels when the fitted topics no longer
match them: the code never relabels silently.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from ..curation import warn_if_other_corpus
from .model import TopicModel

__all__ = ["LabelMismatchError", "LabelWarning", "check_labels", "draft_labels_toml",
           "load_labels", "match_labels", "provisional_labels", "resolve_labels"]


class LabelMismatchError(RuntimeError):
    """The fitted topics no longer match the labelled ones in ``topic_labels.toml``."""


class LabelWarning(UserWarning):
    """The run goes on with provisional labels (T0 … and their top words)."""


def load_labels(path: str | Path) -> dict:
    """Read ``topic_labels.toml``: ``meta`` and a list ``topic`` of labelled topics."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    data.setdefault("topic", [])
    return data


def match_labels(top_words: Sequence[Sequence[str]], labels: Sequence[dict]) -> pd.DataFrame:
    """Match model topics to labelled topics by top-word overlap (Hungarian).

    Returns one row per model topic: ``topic``, the matched ``label_id``,
    ``label``, ``gloss``, ``overlap`` (shared top words) and ``n_top_words``.
    """
    overlap = np.array([[len(set(t) & set(lab["top_words"])) for lab in labels]
                        for t in top_words])
    rows, cols = linear_sum_assignment(overlap, maximize=True)
    out = []
    for r, c in zip(rows, cols):
        lab = labels[c]
        out.append({"topic": int(r), "label_id": int(lab["id"]), "label": lab["label"],
                    "gloss": lab["gloss"], "overlap": int(overlap[r, c]),
                    "n_top_words": len(lab["top_words"])})
    return pd.DataFrame(out).sort_values("topic").reset_index(drop=True)


def check_labels(model: TopicModel, labels: dict, *, min_overlap: int) -> pd.DataFrame:
    """Labels for the model's topics, or :class:`LabelMismatchError` if they do not fit.

    Every topic must be matched to a labelled topic sharing at least
    ``min_overlap`` of its reference top words; K must be the labelled K.
    """
    topics = labels["topic"]
    if len(topics) != model.num_topics:
        raise LabelMismatchError(
            f"topic_labels.toml labels {len(topics)} topics, the model has "
            f"{model.num_topics}: relabel by reading the new topics, do not reuse these")
    n = len(topics[0]["top_words"])
    matched = match_labels(model.top_words(n), topics)
    bad = matched[matched["overlap"] < min_overlap]
    if len(bad):
        detail = "; ".join(f"T{r.topic}→label {r.label_id} '{r.label}' shares {r.overlap}/{n}"
                           for r in bad.itertuples())
        raise LabelMismatchError(
            f"fitted topics no longer match topic_labels.toml (need ≥{min_overlap} shared "
            f"top words): {detail}. Read the new topics and relabel them by hand.")
    return matched


def provisional_labels(model: TopicModel, n: int = 10) -> pd.DataFrame:
    """Labels that say what they are: ``T0 (provisional)`` glossed by the top words."""
    rows = [{"topic": k, "label_id": k, "label": f"T{k} (provisional)",
             "gloss": "provisional, unlabelled: " + " ".join(words), "overlap": 0,
             "n_top_words": n}
            for k, words in enumerate(model.top_words(n))]
    return pd.DataFrame(rows)


def draft_labels_toml(model: TopicModel, n: int = 10, *, reason: str,
                      corpus_sha256: str | None = None) -> str:
    """A ``topic_labels.toml`` draft for a researcher to fill in (labels left empty)."""
    lines = ["# DRAFT written by the topic stage because the labels did not fit this model:",
             f"# {reason}",
             "# Read each topic's top words (results/topic_terms.csv) and exemplar paragraphs",
             "# (results/topic_exemplars.csv), write a label and an English gloss, then save",
             "# this file as the [topics] labels file. Nothing here is a label yet.",
             "", "[meta]", f"num_topics = {model.num_topics}",
             f"random_state = {model.random_state}", 'written = ""', 'by = ""']
    if corpus_sha256:
        lines.append(f'corpus_sha256 = "{corpus_sha256}"')
    lines.append("")
    for k, words in enumerate(model.top_words(n)):
        quoted = ", ".join(f'"{w}"' for w in words)
        lines += ["[[topic]]", f"id = {k}", 'label = ""', 'gloss = ""',
                  f"top_words = [{quoted}]", ""]
    return "\n".join(lines)


def resolve_labels(model: TopicModel, path: str | Path, *, min_overlap: int,
                   strict: bool, corpus_sha256: str | None = None
                   ) -> tuple[pd.DataFrame, str | None]:
    """The labels to use, and a draft labels file when they had to be provisional.

    With ``strict`` (the published run), a missing or non-matching labels file
    raises :class:`LabelMismatchError`. Otherwise the run goes on with
    :func:`provisional_labels`, one :class:`LabelWarning` says so, and the
    returned draft (:func:`draft_labels_toml`, bound to ``corpus_sha256``) is for
    the user to edit. Labels written for another corpus (``[meta] corpus_sha256``)
    are used only where their top words fit, with a
    :class:`~analysis.curation.CurationWarning`.
    """
    path = Path(path)
    try:
        if not path.exists():
            raise LabelMismatchError(f"{path}: no labels file")
        if corpus_sha256:
            warn_if_other_corpus(path, corpus_sha256, "topic labels")
        return check_labels(model, load_labels(path), min_overlap=min_overlap), None
    except LabelMismatchError as exc:
        if strict:
            raise
        import warnings

        warnings.warn(f"topic labels: {exc} Going on with provisional labels T0 … "
                      f"T{model.num_topics - 1}; a draft labels file is written for you to "
                      "edit (reproduce --strict-labels refuses instead).", LabelWarning,
                      stacklevel=2)
        return provisional_labels(model), draft_labels_toml(model, reason=str(exc),
                                                             corpus_sha256=corpus_sha256)
