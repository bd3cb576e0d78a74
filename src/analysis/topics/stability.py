"""Do topics come back under another seed? Hungarian matching and stability."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from .cache import cache_key, cached_table
from .model import TopicModel

__all__ = ["STABILITY_CODE", "background", "cosine", "match_topics", "stability",
           "topic_stability"]

#: The files whose code computes :func:`topic_stability` (part of its cache key).
STABILITY_CODE = ("model.py", "stability.py")


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


def topic_stability(model: TopicModel, docs: Sequence[Sequence[str]], seeds: Sequence[int],
                    *, cache_dir: str | Path | None = None) -> pd.DataFrame:
    """How well each topic of ``model`` reappears when refitted with other seeds.

    Refits with every seed in ``seeds`` (other parameters unchanged), matches
    topics (Hungarian, centred cosine, see :func:`match_topics`) and reports per
    topic the mean and minimum matched similarity, and the refit seed of the minimum.
    ``cache_dir``: folder of a disk cache keyed by the docs, the model, the seeds
    and the code in :data:`STABILITY_CODE`.
    """
    others = [int(s) for s in seeds if int(s) != model.random_state]

    def compute() -> pd.DataFrame:
        sims = np.empty((model.num_topics, len(others)))
        for j, s in enumerate(others):
            refit = TopicModel(**dict(model.get_params(), random_state=s)).fit(docs)
            sims[:, j] = match_topics(model.topic_word_, refit.topic_word_,
                                      background(model))[1]
        return pd.DataFrame({"topic": range(model.num_topics), "n_refits": len(others),
                             "stability_mean": sims.mean(axis=1),
                             "stability_min": sims.min(axis=1),
                             "worst_seed": [others[i] for i in sims.argmin(axis=1)]})

    path = None
    if cache_dir is not None:
        key = cache_key(dict(docs=[list(d) for d in docs], model=model.get_params(),
                             seeds=[int(s) for s in seeds]), files=STABILITY_CODE)
        path = Path(cache_dir) / f"topic_stability_{key}.csv"
    return cached_table(path, compute)
