"""The estimator: LDA in the scikit-learn style around a seeded, single-process gensim model.

One variational fit stops in a local optimum that depends on its seed. :class:`TopicModel`
therefore fits ``restarts`` times from seeds derived from ``random_state``
(:func:`restart_seeds`) and keeps the fit with the highest variational bound on its
training documents (gensim's ``LdaModel.bound``), recording every restart's bound and the
chosen fit's bound after each pass.

Topic ids are gensim's, 0-based, in every table and figure ("T0" …).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..config import TopicsParams
from .diagnostics import frex, relevance

__all__ = ["MODEL_KEYS", "TopicModel", "model_from_params", "model_kwargs", "restart_seeds"]

#: The :class:`TopicModel` parameters, named as in ``[topics]`` of ``params.toml``.
MODEL_KEYS = ("num_topics", "no_below", "no_above", "keep_n", "alpha", "eta",
              "passes", "iterations", "chunksize", "gamma_threshold", "random_state",
              "restarts")


#: Bounds per token closer than this are a tie, won by the earlier restart: far above
#: the last-bit differences between BLAS kernels, far below the written precision, so the
#: choice is the same on every machine.
BOUND_TIE = 1e-9


def restart_seeds(random_state: int, restarts: int) -> list[int]:
    """Seeds of the ``restarts`` fits of one :class:`TopicModel`.

    Restart 0 uses ``random_state`` itself (so one restart is the plain seeded
    fit); restart ``r ≥ 1`` uses word ``r − 1`` of
    ``numpy.random.SeedSequence(random_state).generate_state(restarts − 1)``. The
    words do not depend on how many are drawn, so adding restarts keeps the
    earlier ones.
    """
    if restarts < 1:
        raise ValueError(f"restarts must be ≥ 1, not {restarts}")
    derived = np.random.SeedSequence(int(random_state)).generate_state(restarts - 1)
    return [int(random_state), *(int(s) for s in derived)]


class TopicModel:
    """LDA in the scikit-learn style around single-process ``gensim.models.LdaModel``.

    Parameters
    ----------
    num_topics : int
        Number of topics K.
    no_below, no_above, keep_n :
        Dictionary filters (``Dictionary.filter_extremes``): keep words in at
        least ``no_below`` documents and at most a share ``no_above`` of them,
        then the ``keep_n`` most frequent.
    alpha, eta :
        Dirichlet priors as gensim takes them (``"auto"``, ``"symmetric"``, a float).
    passes, iterations, chunksize, gamma_threshold :
        gensim's training settings.
    random_state : int
        Seed of restart 0, from which the other restarts' seeds derive
        (:func:`restart_seeds`), of the E-step that scores every restart's bound,
        and of inference for new documents.
    restarts : int
        Independent fits; the one with the highest variational bound on the
        training documents is kept. ``restarts=1`` is the plain seeded fit.
    estep : {"compiled", "gensim"}
        The E-step: gensim's updates compiled (:mod:`~analysis.topics.estep`,
        several times faster) or gensim's own Python loop. Both give the same
        model to far below the written precision.
    trace_passes : bool
        Record the chosen fit's bound after every pass (``convergence_``; the
        reported model does). The chosen restart is fitted once more with a gensim
        callback that scores the bound under its own seeded random state, so the
        traced fit is the chosen fit bit for bit (checked); it costs one fit and
        one bound per pass. When False, ``convergence_`` holds the final pass only.

    Attributes
    ----------
    dictionary_ : gensim.corpora.Dictionary
    model_ : gensim.models.LdaModel
        The chosen restart's model.
    restarts_ : DataFrame
        One row per restart: ``restart``, ``seed``, ``bound_per_word`` (variational
        bound on the training documents, nats per kept token) and ``chosen``
        (the highest bound; of bounds within :data:`BOUND_TIE`, the first).
    convergence_ : DataFrame
        The chosen fit's ``pass`` (1 …) and ``bound_per_word`` after it.
    vocab_ : list of str
        Terms in column order of ``topic_word_``.
    topic_word_ : ndarray (K, V)
        Topic-word probabilities (rows sum to 1).
    doc_topic_ : ndarray (n_docs, K)
        Topic proportions of the training documents (NaN rows: no kept word).
    doc_lengths_ : ndarray (n_docs,)
        Kept (in-dictionary) tokens per training document.
    term_frequency_ : ndarray (V,)
        Corpus count of each term over the training documents.
    """

    def __init__(self, num_topics: int = 8, no_below: int = 3, no_above: float = 0.5,
                 keep_n: int = 5000, alpha: Any = "auto", eta: Any = "symmetric",
                 passes: int = 20, iterations: int = 400, chunksize: int = 2000,
                 gamma_threshold: float = 0.001, random_state: int = 0, restarts: int = 1,
                 estep: str = "compiled", trace_passes: bool = False):
        self.num_topics = num_topics
        self.no_below = no_below
        self.no_above = no_above
        self.keep_n = keep_n
        self.alpha = alpha
        self.eta = eta
        self.passes = passes
        self.iterations = iterations
        self.chunksize = chunksize
        self.gamma_threshold = gamma_threshold
        self.random_state = random_state
        self.restarts = restarts
        self.estep = estep
        self.trace_passes = trace_passes

    def get_params(self) -> dict[str, Any]:
        """Constructor parameters, as scikit-learn's ``get_params``."""
        return {k: getattr(self, k) for k in (*MODEL_KEYS, "estep", "trace_passes")}

    def fit(self, docs: Sequence[Sequence[str]]) -> "TopicModel":
        """Build the dictionary from token lists, train ``restarts`` LDA fits and keep
        the one with the highest bound on ``docs``; return self."""
        from .estep import ESTEPS

        if self.estep not in ESTEPS:
            raise ValueError(f"estep must be one of {ESTEPS}, not {self.estep!r}")
        seeds = restart_seeds(self.random_state, self.restarts)
        dictionary, bows = _vocabulary(tuple(tuple(d) for d in docs), self.no_below,
                                       self.no_above, self.keep_n)
        self.dictionary_ = dictionary
        scored = _BoundPerWord([b for b in bows if b], self.random_state)
        best, bounds = None, []
        for seed in seeds:
            lda = self._train(bows, seed)
            bounds.append(scored(lda))
            if best is None or bounds[-1] > bounds[best[0]] + BOUND_TIE:
                best = (len(bounds) - 1, lda)
        chosen, self.model_ = best
        self.restarts_ = pd.DataFrame({"restart": range(len(seeds)), "seed": seeds,
                                       "bound_per_word": bounds,
                                       "chosen": np.arange(len(seeds)) == chosen})
        self.convergence_ = pd.DataFrame({"pass": [self.passes],
                                          "bound_per_word": [bounds[chosen]]})
        if self.trace_passes:
            self.model_, self.convergence_ = self._traced(bows, seeds[chosen], scored)
        self.vocab_ = [dictionary[i] for i in range(len(dictionary))]
        lam = self.model_.state.get_lambda().astype(np.float64)
        self.topic_word_ = lam / lam.sum(axis=1, keepdims=True)
        self.term_frequency_ = np.array([dictionary.cfs[i] for i in range(len(dictionary))],
                                        dtype=float)
        self.doc_lengths_ = np.array([sum(c for _, c in b) for b in bows], dtype=int)
        self.doc_topic_ = self._infer(bows)
        return self

    def _train(self, bows: list, seed: int, callbacks: list | None = None):
        """One gensim fit of ``bows`` from ``seed``."""
        from gensim.models import LdaModel

        from .estep import CompiledLdaModel

        lda = CompiledLdaModel if self.estep == "compiled" else LdaModel
        return lda(
            corpus=bows, id2word=self.dictionary_, num_topics=self.num_topics,
            alpha=self.alpha, eta=self.eta, passes=self.passes,
            iterations=self.iterations, chunksize=self.chunksize,
            gamma_threshold=self.gamma_threshold, random_state=seed,
            eval_every=None, update_every=1, callbacks=callbacks,
            # float32 (gensim's default) gives topic-word matrices that differ at ~1e-7
            # between OpenBLAS kernels; float64 agrees to 8 decimals (docs/numbers.md).
            dtype=np.float64,
        )

    def _traced(self, bows: list, seed: int, scored: "_BoundPerWord"):
        """The chosen restart fitted again, its bound scored after every pass."""
        lda = self._train(bows, seed, callbacks=[scored])
        trace = np.asarray(lda.metrics[scored.title], dtype=np.float64)
        lda.callbacks = None  # as untraced fits are, without a reference to the documents
        del lda.metrics
        chosen = self.model_
        if not np.array_equal(lda.state.get_lambda(), chosen.state.get_lambda()):
            raise RuntimeError("the traced refit of the chosen restart differs from it")
        return lda, pd.DataFrame({"pass": np.arange(1, len(trace) + 1),
                                  "bound_per_word": trace})

    def _infer(self, bows: list) -> np.ndarray:
        # Each document is inferred alone from a freshly seeded state, so its
        # proportions depend on the document and the model only (not on the
        # batch it came in or on earlier calls). Restoring a saved state draws
        # exactly what a new RandomState(seed) would, without building one per
        # document.
        from gensim.utils import get_random_state

        rng = get_random_state(self.random_state)
        seeded = rng.get_state()
        self.model_.random_state = rng
        out = np.full((len(bows), self.num_topics), np.nan)
        for row, bow in enumerate(bows):
            if not bow:
                continue
            rng.set_state(seeded)
            gamma, _ = self.model_.inference([bow])
            g = gamma[0].astype(np.float64)
            out[row] = g / g.sum()
        return out

    def bows(self, docs: Sequence[Sequence[str]]) -> list:
        """Bag-of-words of token lists under the fitted dictionary."""
        return [self.dictionary_.doc2bow(list(d)) for d in docs]

    def n_tokens(self, docs: Sequence[Sequence[str]]) -> np.ndarray:
        """Tokens per document that the dictionary knows."""
        return np.array([sum(c for _, c in b) for b in self.bows(docs)], dtype=int)

    def transform(self, docs: Sequence[Sequence[str]]) -> np.ndarray:
        """Topic proportions (n_docs × K) of token lists; NaN rows have no known word."""
        return self._infer(self.bows(docs))

    def heldout_bound(self, docs: Sequence[Sequence[str]]) -> float:
        """Per-word variational bound (log, base e) on documents not used in fitting."""
        return _BoundPerWord([b for b in self.bows(docs) if b], self.random_state)(self.model_)

    def word_scores(self, by: str = "prob", *, lam: float = 0.6,
                    frex_weight: float = 0.5) -> np.ndarray:
        """Topic × word scores: ``prob`` (φ), ``relevance`` (λ) or ``frex``."""
        if by == "prob":
            return self.topic_word_
        if by == "relevance":
            return relevance(self.topic_word_, self.term_frequency_, lam)
        if by == "frex":
            return frex(self.topic_word_, frex_weight)
        raise ValueError(f"unknown word score {by!r}: use prob, relevance or frex")

    def top_words(self, n: int = 10, by: str = "prob", lam: float = 0.6,
                  frex_weight: float = 0.5) -> list[list[str]]:
        """The ``n`` top words of each topic by ``prob``, ``relevance`` or ``frex``."""
        score = self.word_scores(by, lam=lam, frex_weight=frex_weight)
        order = np.argsort(-score, axis=1, kind="stable")[:, :n]
        return [[self.vocab_[j] for j in row] for row in order]


class _BoundPerWord:
    """Variational bound per kept token of fixed documents under a fitted gensim model.

    ``LdaModel.bound`` runs the E-step from draws of the model's random state; here
    that state is replaced by a fresh ``RandomState(seed)`` for the call and the
    model's own state is put back, so the score depends on the model and the
    documents only, and scoring during training (as a gensim callback metric, after
    every pass) leaves the training's random stream, hence the fit, unchanged.
    """

    title = "bound_per_word"
    logger = None  # gensim's Callback logs nothing for it

    def __init__(self, bows: list, seed: int):
        self.bows, self.seed = bows, seed
        self.n_words = sum(c for b in bows for _, c in b)

    def __call__(self, lda) -> float:
        from gensim.utils import get_random_state

        training = lda.random_state
        lda.random_state = get_random_state(self.seed)
        try:
            return float(lda.bound(self.bows) / self.n_words)
        finally:
            lda.random_state = training

    def get_value(self, **kwargs) -> float:
        """gensim's ``Metric`` interface: the bound of ``kwargs["model"]``."""
        return self(kwargs["model"])

    def __str__(self) -> str:
        return self.title


@lru_cache(maxsize=4)
def _vocabulary(docs: tuple[tuple[str, ...], ...], no_below: int, no_above: float,
                keep_n: int) -> tuple[Any, list]:
    """The filtered dictionary of ``docs`` and their bag-of-words.

    Kept for the next fit on the same documents (a K sweep fits dozens); the models
    only read them.
    """
    from gensim.corpora import Dictionary

    dictionary = Dictionary(docs)
    dictionary.filter_extremes(no_below=no_below, no_above=no_above, keep_n=keep_n)
    if len(dictionary) == 0:
        raise ValueError("no word survives the dictionary filters")
    return dictionary, [dictionary.doc2bow(d) for d in docs]


def model_kwargs(p: TopicsParams) -> dict[str, Any]:
    """The :class:`TopicModel` arguments held in ``[topics]``."""
    return {k: getattr(p, k) for k in MODEL_KEYS}


def model_from_params(p: TopicsParams, **overrides) -> TopicModel:
    """A :class:`TopicModel` from ``[topics]``, with ``overrides`` (e.g. ``random_state``)."""
    return TopicModel(**dict(model_kwargs(p), **overrides))
