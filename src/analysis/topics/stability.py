"""Do topics come back under another seed? Hungarian matching and stability."""

from __future__ import annotations

from itertools import combinations
from typing import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from .model import TopicModel

__all__ = ["background", "cosine", "match_topics", "stability"]


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of every row of ``a`` with every row of ``b``."""
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return a @ b.T


def match_topics(a: np.ndarray, b: np.ndarray,
                 background: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Hungarian matching of the topics of two topic-word matrices (same vocabulary).

    With ``background`` (the corpus word distribution), topics are compared by
    the cosine of their departures from it, ``φ_k − p``: plain cosine is high
    for any two topics that share the corpus's frequent words, even for topics
    fitted to shuffled tokens; centred cosine is about 0 for unrelated topics.

    Returns
    -------
    perm : ndarray (K,)
        ``b[perm[k]]`` is the topic of ``b`` matched to topic ``k`` of ``a``.
    sim : ndarray (K,)
        Similarity of each matched pair.
    """
    if background is not None:
        a, b = a - background, b - background
    s = cosine(a, b)
    rows, cols = linear_sum_assignment(s, maximize=True)
    perm = cols[np.argsort(rows)]
    return perm, s[np.arange(len(perm)), perm]


def stability(topic_words: Sequence[np.ndarray],
              background: np.ndarray | None = None) -> np.ndarray:
    """Mean matched-topic similarity for every pair of runs (in pair order)."""
    return np.array([match_topics(a, b, background)[1].mean()
                     for a, b in combinations(topic_words, 2)])


def background(model: TopicModel) -> np.ndarray:
    """Corpus word distribution of the training documents (the centre for stability)."""
    return model.term_frequency_ / model.term_frequency_.sum()
