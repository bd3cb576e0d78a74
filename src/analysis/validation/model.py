"""What the validation tasks need from a fitted topic model, read from ``results/``.

The tasks are built from the committed outputs of :mod:`analysis.topics`, not
from a refitted model: ``topic_terms.csv`` (top words by probability,
relevance and FREX), ``paragraph_topics.csv`` (θ of every body paragraph),
``topic_exemplars.csv``, ``data/processed/paragraphs.csv`` (the text) and the
human labels in ``data/topic_labels.toml``.

``topic_terms.csv`` lists only the top-10 words of each topic per method, so
the topic–word matrix here is partial: a cell is known when the word is in one
of that topic's lists and NaN otherwise. An unlisted word's probability is at
most the topic's ``prob_ceiling`` (its 10th-largest word probability).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["TopicModelView", "read_topic_results"]


@dataclass(frozen=True)
class TopicModelView:
    """A read-only view of one topic model, as the validation tasks use it.

    Attributes
    ----------
    topic_word : terms × topics probabilities φ_kw; NaN where the term is not in
        any published list of that topic (then φ_kw ≤ ``prob_ceiling[k]``).
    top_words : per topic, the words in order of probability (``method == prob``).
    frex_words : per topic, the FREX top words (frequent *and* exclusive).
    listed_words : per topic, every word in any of its lists (prob, relevance,
        FREX), by probability; the pool word sets are drawn from.
    prob_ceiling : per topic, the smallest probability in its ``prob`` list.
    labels, glosses : per topic, the human label (Chinese) and its English gloss.
    paragraphs : one row per body paragraph: ``article_id``, ``para_id``,
        ``n_tokens``, ``text`` and ``topic_0`` … ``topic_{K-1}`` (θ_d).
    exemplars : ``topic_exemplars.csv`` as read.
    """

    topic_word: pd.DataFrame
    top_words: tuple[tuple[str, ...], ...]
    frex_words: tuple[tuple[str, ...], ...]
    listed_words: tuple[tuple[str, ...], ...]
    prob_ceiling: tuple[float, ...]
    labels: tuple[str, ...]
    glosses: tuple[str, ...]
    paragraphs: pd.DataFrame
    exemplars: pd.DataFrame

    @property
    def num_topics(self) -> int:
        """Number of topics K."""
        return len(self.top_words)

    @property
    def theta_columns(self) -> list[str]:
        """The θ columns of :attr:`paragraphs`, ``topic_0`` … ``topic_{K-1}``."""
        return [f"topic_{k}" for k in range(self.num_topics)]


def _labels(terms: pd.DataFrame, labels_path: Path, k: int) -> tuple[tuple, tuple]:
    with open(labels_path, "rb") as fh:
        toml_labels = {t["label"]: t["gloss"] for t in tomllib.load(fh).get("topic", [])}
    per_topic = terms.drop_duplicates("topic").set_index("topic").sort_index()
    if list(per_topic.index) != list(range(k)):
        raise ValueError(f"topic_terms.csv: topics are {list(per_topic.index)}, not 0…{k - 1}")
    labels, glosses = [], []
    for topic, row in per_topic.iterrows():
        # topic_terms.csv carries the label matched to each model topic by
        # analysis.topics.check_labels; it must be one of the human labels.
        if row["label"] not in toml_labels:
            raise ValueError(f"topic {topic}: label {row['label']!r} of topic_terms.csv "
                             f"is not in {labels_path}")
        labels.append(str(row["label"]))
        glosses.append(str(toml_labels[row["label"]]))
    return tuple(labels), tuple(glosses)


def read_topic_results(results_dir: str | Path, labels_path: str | Path,
                       paragraphs_csv: str | Path) -> TopicModelView:
    """Build a :class:`TopicModelView` from the committed topic outputs.

    Parameters
    ----------
    results_dir : folder with ``topic_terms.csv``, ``paragraph_topics.csv`` and
        ``topic_exemplars.csv``.
    labels_path : ``data/topic_labels.toml``.
    paragraphs_csv : ``data/processed/paragraphs.csv`` (paragraph text).

    Returns
    -------
    TopicModelView

    Raises
    ------
    ValueError
        If a file lacks a column, topics are not numbered 0…K−1, a label is not in
        the labels file, or a paragraph with θ has no text.
    """
    results_dir = Path(results_dir)
    terms = pd.read_csv(results_dir / "topic_terms.csv")
    need = {"topic", "method", "rank", "term", "prob", "label"}
    if need - set(terms.columns):
        raise ValueError(f"topic_terms.csv lacks columns {sorted(need - set(terms.columns))}")
    k = int(terms["topic"].max()) + 1
    terms = terms.sort_values(["topic", "method", "rank"], kind="stable")
    phi = (terms.drop_duplicates(["term", "topic"])
           .pivot(index="term", columns="topic", values="prob")
           .reindex(columns=range(k)))
    phi.columns.name = "topic"
    by = {m: {t: tuple(g["term"]) for t, g in terms[terms["method"] == m].groupby("topic")}
          for m in ("prob", "frex")}
    listed = tuple(tuple(phi[t].dropna().sort_values(ascending=False, kind="stable").index)
                   for t in range(k))
    ceiling = tuple(float(terms[(terms["method"] == "prob") & (terms["topic"] == t)]["prob"].min())
                    for t in range(k))
    labels, glosses = _labels(terms, Path(labels_path), k)
    theta = pd.read_csv(results_dir / "paragraph_topics.csv")
    cols = [f"topic_{t}" for t in range(k)]
    if set(cols) - set(theta.columns):
        raise ValueError(f"paragraph_topics.csv lacks θ columns for K = {k}")
    text = pd.read_csv(paragraphs_csv, usecols=["article_id", "para_id", "text"])
    paras = theta.merge(text, on=["article_id", "para_id"], how="left", validate="one_to_one")
    if paras["text"].isna().any():
        raise ValueError(f"{paragraphs_csv}: no text for some paragraphs of paragraph_topics.csv")
    paras = paras[["article_id", "para_id", "n_tokens", "text"] + cols]
    return TopicModelView(
        topic_word=phi, top_words=tuple(by["prob"].get(t, ()) for t in range(k)),
        frex_words=tuple(by["frex"].get(t, ()) for t in range(k)), listed_words=listed,
        prob_ceiling=ceiling, labels=labels, glosses=glosses,
        paragraphs=paras.reset_index(drop=True),
        exemplars=pd.read_csv(results_dir / "topic_exemplars.csv"))


def dominant_topic(view: TopicModelView) -> np.ndarray:
    """The most likely topic of each paragraph of ``view.paragraphs``."""
    return view.paragraphs[view.theta_columns].to_numpy().argmax(axis=1)
