"""Exact inference for proportions of short texts (titles): the share of a group's
titles that mention a theme, and the difference of two such shares.

Clopper–Pearson intervals for one share; for a difference, an exact unconditional
score test (the test of Barnard's kind) and the interval that inverts it
(Chan & Zhang 1999), so "significant" holds exactly when the interval excludes 0;
Holm's adjustment across the themes of one contrast and an approximate minimum
detectable difference (Cohen's h).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats as _st

__all__ = ["clopper_pearson", "exact_difference_interval", "exact_unconditional_p", "holm",
           "mde_two_proportions", "score_statistic"]


def clopper_pearson(k, n, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Clopper–Pearson) interval of a binomial proportion ``k / n``, vectorised.

    Uses :meth:`scipy.stats.binomtest(...).proportion_ci(method="exact")
    <scipy.stats._result_classes.BinomTestResult.proportion_ci>`; the bounds lie in
    [0, 1] by construction. ``n = 0`` gives NaN bounds.
    """
    k, n = np.broadcast_arrays(np.asarray(k, dtype=int), np.asarray(n, dtype=int))
    lo, hi = np.full(k.shape, np.nan), np.full(k.shape, np.nan)
    for i in np.ndindex(k.shape):
        if n[i] > 0:
            r = _st.binomtest(int(k[i]), int(n[i])).proportion_ci(confidence_level=ci,
                                                                   method="exact")
            lo[i], hi[i] = r.low, r.high
    return lo, hi


def _restricted_mle(p1, n1: int, p2, n2: int, delta: float) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood ``(p1, p2)`` under ``p1 - p2 = delta`` (Miettinen & Nurminen
    1985, closed form of the cubic; Farrington & Manning 1990), vectorised over the
    observed shares ``p1``, ``p2``."""
    if delta == 0:
        pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
        return pooled, pooled
    theta = n2 / n1
    a = 1.0 + theta
    b = -(1.0 + theta + p1 + theta * p2 + delta * (theta + 2.0))
    c = delta * delta + delta * (2.0 * p1 + theta + 1.0) + p1 + theta * p2
    d = -p1 * delta * (1.0 + delta)
    v = b ** 3 / (3.0 * a) ** 3 - b * c / (6.0 * a * a) + d / (2.0 * a)
    u = np.sign(v) * np.sqrt(np.maximum(b * b / (3.0 * a) ** 2 - c / (3.0 * a), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(u != 0, v / u ** 3, 0.0)
    w = (np.pi + np.arccos(np.clip(ratio, -1.0, 1.0))) / 3.0
    q1 = np.clip(2.0 * u * np.cos(w) - b / (3.0 * a), max(0.0, delta), min(1.0, 1.0 + delta))
    return q1, q1 - delta


def score_statistic(x1, n1: int, x2, n2: int, delta: float = 0.0) -> np.ndarray:
    """Score statistic of ``H0: p1 - p2 = delta`` (Farrington–Manning / Miettinen–Nurminen
    without the ``n / (n - 1)`` factor), vectorised over counts ``x1``, ``x2``.

    At ``delta = 0`` it is the pooled-variance z of :func:`scipy.stats.barnard_exact`
    (``pooled=True``); a table whose variance is 0 and whose difference equals ``delta``
    gets 0.
    """
    p1 = np.asarray(x1, dtype=float) / n1
    p2 = np.asarray(x2, dtype=float) / n2
    q1, q2 = _restricted_mle(p1, n1, p2, n2, delta)
    var = q1 * (1.0 - q1) / n1 + q2 * (1.0 - q2) / n2
    num = p1 - p2 - delta
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(var > 0, num / np.sqrt(np.where(var > 0, var, 1.0)),
                     np.sign(num) * np.inf)
    return np.where(np.abs(num) <= 1e-12, 0.0, z)


def _binom_rows(n: int, probs: np.ndarray) -> np.ndarray:
    return _st.binom.pmf(np.arange(n + 1)[None, :], n, probs[:, None])


def exact_unconditional_p(x1: int, n1: int, x2: int, n2: int, delta: float = 0.0, *,
                          grid: int = 100) -> float:
    """Two-sided exact unconditional p-value of ``H0: p1 - p2 = delta`` (Chan & Zhang 1999).

    Every table with ``n1``, ``n2`` trials is ordered by :func:`score_statistic`;
    the p-value is the largest probability, over the nuisance share ``p2`` (``p1 =
    p2 + delta``), of a table at least as extreme as the observed one. The maximum is
    taken on a grid of ``grid`` points and refined around the best one with
    :func:`scipy.optimize.minimize_scalar`. At ``delta = 0`` this is Barnard's test
    with the pooled statistic (:func:`scipy.stats.barnard_exact`).
    """
    from scipy.optimize import minimize_scalar

    z = score_statistic(np.arange(n1 + 1)[:, None], n1, np.arange(n2 + 1)[None, :], n2,
                        delta)
    z_obs = abs(float(z[x1, x2]))
    tail = (np.abs(z) >= z_obs - 1e-9 * max(1.0, z_obs)).astype(float)
    lo, hi = max(0.0, -delta), min(1.0, 1.0 - delta)

    def prob(p2) -> np.ndarray:
        p2 = np.atleast_1d(np.asarray(p2, dtype=float))
        b1 = _binom_rows(n1, np.clip(p2 + delta, 0.0, 1.0))
        b2 = _binom_rows(n2, p2)
        return np.einsum("gi,ij,gj->g", b1, tail, b2)

    pts = np.linspace(lo, hi, grid)
    vals = prob(pts)
    best = int(np.argmax(vals))
    a, b = pts[max(best - 1, 0)], pts[min(best + 1, grid - 1)]
    res = minimize_scalar(lambda t: -prob(t)[0], bounds=(a, b), method="bounded",
                          options={"xatol": 1e-10})
    return float(min(1.0, max(vals[best], -res.fun)))


def exact_difference_interval(x1: int, n1: int, x2: int, n2: int, ci: float, *,
                              step: float = 0.02, tol: float = 1e-6) -> tuple[float, float]:
    """Exact unconditional interval of ``p1 - p2``: the shifts ``delta`` that
    :func:`exact_unconditional_p` does not reject at ``1 - ci`` (Chan & Zhang 1999).

    Starting at the observed difference (p = 1), the bound on each side is the first
    ``delta`` where the p-value falls below ``1 - ci`` (a grid of ``step``, then
    bisection to ``tol``). So 0 lies outside the interval exactly when the test of
    ``delta = 0`` rejects, as long as the p-value falls monotonically between the
    estimate and 0 (checked by the callers' tests). Bounds lie in [-1, 1].
    """
    alpha = 1.0 - ci
    est = x1 / n1 - x2 / n2

    def accepted(d: float) -> bool:
        return exact_unconditional_p(x1, n1, x2, n2, d) >= alpha

    def bound(sign: int) -> float:
        inside = est
        while True:
            d = inside + sign * step
            if sign * d >= 1.0:
                d = float(sign)
            if not accepted(d):
                break
            if d == sign:
                return d
            inside = d
        outside = d
        while abs(outside - inside) > tol:
            mid = (inside + outside) / 2
            if accepted(mid):
                inside = mid
            else:
                outside = mid
        return inside

    return bound(-1), bound(+1)


def holm(p) -> np.ndarray:
    """Holm's step-down adjusted p-values (family-wise error under any dependence)."""
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    q = p[ok]
    if q.size:
        order = np.argsort(q, kind="stable")
        adj = np.maximum.accumulate((q.size - np.arange(q.size)) * q[order])
        res = np.empty_like(q)
        res[order] = np.minimum(adj, 1.0)
        out[ok] = res
    return out


def mde_two_proportions(n1: int, n2: int, pooled: float, *, alpha: float,
                        power: float = 0.8) -> float:
    """Smallest difference in share two groups of ``n1`` and ``n2`` detect with ``power``
    by a two-sided level-``alpha`` test, on the arcsine scale (Cohen's h).

    ``h = (z_{1-alpha/2} + z_power) * sqrt(1/n1 + 1/n2)`` (the normal approximation
    behind ``statsmodels``' ``NormalIndPower`` for Cohen's h, ignoring the far tail).
    It is converted back to shares as the pair whose angles ``2 asin(sqrt(p))`` lie
    ``h`` apart, centred on the pooled share's angle and shifted to stay inside
    [0, pi]; NaN when even 0 vs 1 (h = pi) is not enough.
    """
    h = (_st.norm.ppf(1 - alpha / 2) + _st.norm.ppf(power)) * math.sqrt(1 / n1 + 1 / n2)
    if h > math.pi:
        return float("nan")
    centre = 2 * math.asin(math.sqrt(min(max(pooled, 0.0), 1.0)))
    low = min(max(centre - h / 2, 0.0), math.pi - h)
    return float(math.sin((low + h) / 2) ** 2 - math.sin(low / 2) ** 2)
