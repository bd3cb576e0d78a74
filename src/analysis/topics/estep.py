"""gensim's LDA E-step, compiled: the same updates without a Python loop per document.

gensim's ``LdaModel.inference`` runs the variational updates of Hoffman et al.
(2010) one document at a time in Python; on a few hundred paragraphs that loop
is over 80% of a fit. :class:`CompiledLdaModel` replaces only that method with a
numba loop doing the same arithmetic in the same order per document (same
initial draw from the model's random state, same convergence test, same
sufficient statistics). What differs is rounding: the compiled sums and
digamma differ from OpenBLAS's and gensim's in the last bits, as two BLAS
kernels do, far below the precision at which results are written
(``tests/test_topics_speed.py`` compares both paths).
"""

from __future__ import annotations

import numba
import numpy as np
from gensim.matutils import dirichlet_expectation
from gensim.models import LdaModel
from gensim.models.ldamodel import update_dir_prior

__all__ = ["CompiledLdaModel", "ESTEPS", "compile_now", "digamma"]

#: Names of the E-step implementations :class:`~analysis.topics.model.TopicModel` accepts.
ESTEPS = ("compiled", "gensim")
_EPS = float(np.finfo(np.float64).eps)


@numba.njit(cache=True)
def digamma(x: float) -> float:
    """ψ(x) for x > 0: recurrence up to x ≥ 10, then the asymptotic series (error < 1e-15)."""
    shift = 0.0
    while x < 10.0:
        shift -= 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    series = f * (-1.0 / 12 + f * (1.0 / 120 + f * (-1.0 / 252 + f * (
        1.0 / 240 + f * (-1.0 / 132 + f * (691.0 / 32760 - f / 12.0))))))
    return shift + np.log(x) - 0.5 / x + series


@numba.njit(cache=True)
def _exp_elog_theta(gammad: np.ndarray, out: np.ndarray) -> None:
    """exp(E[log θ]) of a Dirichlet(gammad), written into ``out``."""
    total = digamma(gammad.sum())
    for k in range(gammad.shape[0]):
        out[k] = np.exp(digamma(gammad[k]) - total)


@numba.njit(cache=True)
def _phinorm(theta: np.ndarray, betad: np.ndarray, out: np.ndarray) -> None:
    for j in range(betad.shape[1]):
        s = 0.0
        for k in range(theta.shape[0]):
            s += theta[k] * betad[k, j]
        out[j] = s + _EPS


@numba.njit(cache=True)
def _estep(indptr, ids, cts, gamma, beta, alpha, iterations, threshold, sstats, collect):
    """Update ``gamma`` (documents × K) in place; add to ``sstats`` if ``collect``.

    Returns the number of documents that converged within ``iterations``.
    """
    n_topics = gamma.shape[1]
    theta = np.empty(n_topics)
    last = np.empty(n_topics)
    converged = 0
    for d in range(gamma.shape[0]):
        lo, hi = indptr[d], indptr[d + 1]
        n = hi - lo
        dids, dcts = ids[lo:hi], cts[lo:hi]
        # The document's columns of exp(E[log β]), contiguous, as gensim takes them.
        betad = np.empty((n_topics, n))
        for k in range(n_topics):
            for j in range(n):
                betad[k, j] = beta[k, dids[j]]
        gammad = gamma[d]
        phinorm = np.empty(n)
        ratio = np.empty(n)
        _exp_elog_theta(gammad, theta)
        _phinorm(theta, betad, phinorm)
        for _ in range(iterations):
            last[:] = gammad
            for j in range(n):
                ratio[j] = dcts[j] / phinorm[j]
            for k in range(n_topics):
                s = 0.0
                for j in range(n):
                    s += ratio[j] * betad[k, j]
                gammad[k] = alpha[k] + theta[k] * s
            _exp_elog_theta(gammad, theta)
            _phinorm(theta, betad, phinorm)
            if np.abs(gammad - last).sum() / n_topics < threshold:
                converged += 1
                break
        if collect:
            for j in range(n):
                ratio[j] = dcts[j] / phinorm[j]
            for k in range(n_topics):
                for j in range(n):
                    sstats[k, dids[j]] += theta[k] * ratio[j]
    return converged


def _pack(chunk) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR arrays (row pointers, term ids, counts) of a list of bag-of-words."""
    indptr = np.zeros(len(chunk) + 1, dtype=np.int64)
    np.cumsum([len(doc) for doc in chunk], out=indptr[1:])
    pairs = np.array([pair for doc in chunk for pair in doc], dtype=np.float64).reshape(-1, 2)
    # Term ids are below 2**53, so they survive the float64 round trip exactly.
    return indptr, np.ascontiguousarray(pairs[:, 0], dtype=np.int64), np.ascontiguousarray(pairs[:, 1])


def compile_now() -> None:
    """Compile (or load from numba's cache) the E-step now, e.g. at install time,
    so that the first fit does not pay for it."""
    gamma = np.ones((1, 2))
    _estep(np.array([0, 1]), np.array([0]), np.array([1.0]), gamma, np.ones((2, 1)),
           np.ones(2), 1, 0.001, np.zeros((2, 1)), True)


class CompiledLdaModel(LdaModel):
    """``gensim.models.LdaModel`` whose ``inference`` is the compiled E-step (float64 only)."""

    def _packed(self, chunk: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:func:`_pack` of ``chunk``, kept for the next pass over the same documents.

        Every pass hands over the same document objects; the cache holds them, so
        their ids cannot be reused by other objects while the key is stored.
        """
        if len(chunk) < 2:
            return _pack(chunk)
        key = tuple(map(id, chunk))
        cache = self.__dict__.setdefault("_packs", {})
        if key not in cache:
            cache[key] = (chunk, _pack(chunk))
        return cache[key][1]

    def inference(self, chunk, collect_sstats=False):
        if self.dtype != np.float64:
            raise ValueError(f"the compiled E-step is float64 only, not {self.dtype}")
        chunk = list(chunk)
        packed = self._packed(chunk)
        # The same draw as gensim's inference, so the random stream stays gensim's.
        gamma = self.random_state.gamma(100., 1. / 100., (len(chunk), self.num_topics))
        gamma = np.ascontiguousarray(gamma, dtype=np.float64)
        shape = self.expElogbeta.shape if collect_sstats else (0, 0)
        sstats = np.zeros(shape, dtype=np.float64)
        indptr, ids, cts = packed
        _estep(indptr, ids, cts, gamma, np.ascontiguousarray(self.expElogbeta),
               np.asarray(self.alpha, dtype=np.float64), int(self.iterations),
               float(self.gamma_threshold), sstats, bool(collect_sstats))
        if not collect_sstats:
            return gamma, None
        sstats *= self.expElogbeta
        return gamma, sstats

    def update_alpha(self, gammat, rho):
        """gensim's update of the learnt prior, with E[log θ] of all documents at once.

        gensim adds the documents' E[log θ] in a Python loop; the column sum of one
        array adds the same numbers in the same order (row by row), so the prior is
        identical to the last bit. One topic would make numpy sum pairwise: gensim's
        loop then.
        """
        gammat = np.ascontiguousarray(gammat)
        if gammat.ndim != 2 or gammat.shape[1] < 2:
            return super().update_alpha(gammat, rho)
        n_docs = float(len(gammat))
        logphat = dirichlet_expectation(gammat).sum(axis=0) / n_docs
        self.alpha = update_dir_prior(self.alpha, n_docs, logphat, rho)
        return self.alpha
