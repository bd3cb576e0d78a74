"""Word scores and topic diagnostics: relevance, FREX, exclusivity, coherence."""

from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np
from scipy.stats import rankdata

from ..parallel import fork_map

__all__ = ["coherence", "coherence_many", "exclusivity", "frex", "relevance"]


def relevance(topic_word: np.ndarray, term_frequency: np.ndarray, lam: float) -> np.ndarray:
    """Relevance (Sievert & Shirley 2014): λ log φ_kw + (1 − λ) log(φ_kw / p_w)."""
    p_w = term_frequency / term_frequency.sum()
    log_phi = np.log(topic_word)
    return lam * log_phi + (1 - lam) * (log_phi - np.log(p_w))


def frex(topic_word: np.ndarray, weight: float = 0.5) -> np.ndarray:
    """FREX (Bischof & Airoldi 2012): harmonic mean of exclusivity and frequency ranks.

    ``weight`` is the weight on exclusivity. Ranks are empirical CDFs over the
    vocabulary within each topic, as in stm's ``calcfrex``.
    """
    excl = topic_word / topic_word.sum(axis=0, keepdims=True)
    v = topic_word.shape[1]
    excl_rank = rankdata(excl, axis=1) / v
    freq_rank = rankdata(topic_word, axis=1) / v
    return 1.0 / (weight / excl_rank + (1 - weight) / freq_rank)


def exclusivity(topic_word: np.ndarray, n: int = 10, weight: float = 0.7) -> np.ndarray:
    """Per-topic exclusivity as stm's ``exclusivity``: summed FREX of the top-``n`` words."""
    score = frex(topic_word, weight)
    top = np.argsort(-topic_word, axis=1, kind="stable")[:, :n]
    return np.take_along_axis(score, top, axis=1).sum(axis=1)


def coherence(model, docs: Sequence[Sequence[str]], measure: str, topn: int = 10,
              window_size: int | None = None) -> np.ndarray:
    """Per-topic coherence (gensim ``CoherenceModel``) of the top-``topn`` words.

    Parameters
    ----------
    model : TopicModel
        A fitted model.
    docs : list of token lists
        The reference corpus.
    measure : {"c_npmi", "u_mass", "c_v"}
    topn : int
        Top words per topic.
    window_size : int, optional
        Sliding window of ``c_npmi`` and ``c_v`` (``None``: gensim's default).
    """
    return coherence_many([model.top_words(topn)], model.dictionary_, docs, measure,
                          topn, window_size)[0]


def coherence_many(topic_sets: Sequence[Sequence[Sequence[str]]], dictionary,
                   docs: Sequence[Sequence[str]], measure: str, topn: int = 10,
                   window_size: int | None = None, n_jobs: int = 1) -> list[np.ndarray]:
    """Per-topic coherence of several models' top words, counted over ``docs`` once.

    One ``CoherenceModel`` holding every topic of every set counts their words in one
    pass (``estimate_probabilities``); each set is then scored from those counts. A
    word's and a pair's counts do not depend on which other words are counted, so
    each set scores exactly as it would alone. The sets are scored in ``n_jobs``
    forked processes, which inherit the counts. ``dictionary`` maps words to ids
    for every set (models fitted on the same documents with the same filters).
    """
    from gensim.models import CoherenceModel

    docs = [list(d) for d in docs]
    kw: dict[str, Any] = dict(dictionary=dictionary, coherence=measure, topn=topn)
    if measure == "u_mass":
        kw["corpus"] = [dictionary.doc2bow(d) for d in docs]
    else:
        kw.update(texts=docs, processes=1, window_size=window_size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        # Not CoherenceModel.for_topics: it joins all sets into one topic, whose
        # pairwise segmentation grows with the square of all their words.
        every = sorted({tuple(t) for s in topic_sets for t in s})
        cm = CoherenceModel(topics=[list(t) for t in every], **kw)
        cm.estimate_probabilities()

        def score(topics) -> np.ndarray:
            cm.topics = [list(t) for t in topics]
            return np.asarray(cm.get_coherence_per_topic(), dtype=float)

        return fork_map(score, topic_sets, n_jobs)
