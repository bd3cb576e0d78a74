"""The statistics the stages share, each written once.

G² for 2×2 tables, Hardie's log ratio, two-corpus keyness, Benjamini–Hochberg,
the cluster (article) bootstrap and permutation p-values. Stages import these;
no other module computes them.
"""

from __future__ import annotations

import math
import zlib
from functools import lru_cache
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats as _st

from . import resample

__all__ = ["bh", "bootstrap_means", "g2", "group_rng", "keyness_2x2", "log_ratio",
           "bootstrap_t_coverage", "clopper_pearson", "exact_difference_interval",
           "exact_unconditional_p", "holm", "mde_two_proportions", "moment_sampler",
           "score_statistic",
           "percentile_interval", "permutation_p", "permutation_test",
           "studentized_difference_draws", "studentized_draws"]


def g2(o11, o12, o21, o22) -> np.ndarray:
    """Log-likelihood G² = 2 Σ O ln(O/E) of 2×2 tables given cell by cell (vectorised).

    ``0 ln 0`` counts as 0; tiny negative values from rounding are clipped to 0.
    For keyness, ``o11, o12`` are the term's frequencies in the target and the
    reference corpus and ``o21, o22`` the other tokens of each (Dunning 1993).
    """
    obs = np.stack([np.asarray(v, dtype=float) for v in (o11, o12, o21, o22)])
    n = obs.sum(axis=0)
    r1, r2 = obs[0] + obs[1], obs[2] + obs[3]
    c1, c2 = obs[0] + obs[2], obs[1] + obs[3]
    with np.errstate(divide="ignore", invalid="ignore"):
        exp = np.stack([r1 * c1, r1 * c2, r2 * c1, r2 * c2]) / n
        terms = np.where(obs > 0, obs * np.log(obs / exp), 0.0)
    return np.maximum(2.0 * terms.sum(axis=0), 0.0)


def log_ratio(freq_a, freq_b, size_a, size_b, zero: float = 0.5) -> np.ndarray:
    """Hardie's (2014) log ratio: log2 of the ratio of relative frequencies.

    A zero frequency is replaced by ``zero`` so the ratio stays finite; non-zero
    frequencies are used as they are.
    """
    a, b, c, d = (np.asarray(v, dtype=float) for v in (freq_a, freq_b, size_a, size_b))
    return np.log2((np.where(a > 0, a, zero) / c) / (np.where(b > 0, b, zero) / d))


def keyness_2x2(freq_a, freq_b, size_a: float, size_b: float,
                zero: float = 0.5) -> pd.DataFrame:
    """Two-corpus keyness of terms: G² (1 df), its p-value and the log ratio.

    Parameters
    ----------
    freq_a, freq_b : array-like
        Term frequencies in the target corpus (size ``size_a`` tokens) and the
        reference corpus (``size_b``).
    """
    a = np.asarray(freq_a, dtype=float)
    b = np.asarray(freq_b, dtype=float)
    stat = g2(a, b, size_a - a, size_b - b)
    return pd.DataFrame({"g2": stat, "p_value": _st.chi2.sf(stat, 1),
                         "log_ratio": log_ratio(a, b, size_a, size_b, zero)})


def bh(p) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q), via scipy; empty input stays empty."""
    p = np.asarray(p, dtype=float)
    return _st.false_discovery_control(p, method="bh") if p.size else p


def group_rng(random_state: int, name: str) -> np.random.Generator:
    """A random stream per (seed, group name), so one group's draws do not depend
    on which other groups are estimated."""
    return np.random.default_rng(
        np.random.SeedSequence([int(random_state), zlib.crc32(str(name).encode("utf-8"))]))


def bootstrap_means(x: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Means of ``n_boot`` resamples of the rows of ``x`` (units drawn with replacement)."""
    x = np.asarray(x, dtype=float)
    idx = rng.integers(0, len(x), size=(n_boot, len(x)))
    return x[idx].mean(axis=1)


def percentile_interval(draws: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of bootstrap draws (rows are replicates)."""
    lo, hi = np.percentile(draws, [100 * (1 - ci) / 2, 100 * (1 + ci) / 2], axis=0)
    return lo, hi


def permutation_p(n_as_extreme, n_perm: int) -> np.ndarray:
    """Monte Carlo permutation p-value ``(1 + #as extreme) / (1 + n_perm)``
    (Phipson & Smyth 2010), never zero."""
    return (1 + np.asarray(n_as_extreme, dtype=float)) / (1 + n_perm)


# ------------------------------------------------- intervals and tests over articles

#: Bootstrap-t statistics are clipped here: a resample whose units are all equal has
#: a zero standard error, and its t would be infinite.
_T_CLIP = 1e6


def _mean_se(x: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    n = x.shape[axis]
    return x.mean(axis=axis), x.std(axis=axis, ddof=1) / np.sqrt(n)


def _studentized(diff_b, se_b, est, se) -> np.ndarray:
    """``est - t* se`` with ``t* = (diff_b - est) / se_b``; 0/0 counts as t* = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (diff_b - est) / se_b
    t = np.clip(np.nan_to_num(t, nan=0.0, posinf=_T_CLIP, neginf=-_T_CLIP), -_T_CLIP, _T_CLIP)
    return est - t * se


def studentized_draws(x: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Bootstrap-t draws of the column means of the units in ``x``.

    ``x`` is ``(n_units, k)`` or, for several model refits sharing the units,
    ``(n_seeds, n_units, k)``; every refit uses the same resamples of units.
    Returns ``(n_boot, k)`` or ``(n_seeds, n_boot, k)`` draws ``m - t* se``, whose
    percentiles are the studentized (bootstrap-t) interval (Efron & Tibshirani
    1993, ch. 12). Needs at least 2 units.
    """
    x = np.asarray(x, dtype=float)
    squeeze = x.ndim == 2
    x = x[None] if squeeze else x
    n = x.shape[1]
    if n < 2:
        raise ValueError("a bootstrap-t interval needs at least 2 units")
    est, se = _mean_se(x, axis=1)
    idx = rng.integers(0, n, size=(n_boot, n))
    mb, seb = resample.mean_se(x, idx)
    out = _studentized(mb, seb, est[:, None], se[:, None])
    return out[0] if squeeze else out


def studentized_difference_draws(xa: np.ndarray, xb: np.ndarray, n_boot: int,
                                 rng_a: np.random.Generator,
                                 rng_b: np.random.Generator) -> np.ndarray:
    """Bootstrap-t draws of ``mean(xa) - mean(xb)`` (units resampled within each group;
    Welch standard error). Shapes as :func:`studentized_draws`."""
    xa, xb = np.asarray(xa, dtype=float), np.asarray(xb, dtype=float)
    squeeze = xa.ndim == 2
    xa, xb = (xa[None], xb[None]) if squeeze else (xa, xb)
    if min(xa.shape[1], xb.shape[1]) < 2:
        raise ValueError("a bootstrap-t interval needs at least 2 units per group")
    (ma, sa), (mb, sb) = _mean_se(xa, 1), _mean_se(xb, 1)
    ia = rng_a.integers(0, xa.shape[1], size=(n_boot, xa.shape[1]))
    ib = rng_b.integers(0, xb.shape[1], size=(n_boot, xb.shape[1]))
    (ma_b, sa_b), (mb_b, sb_b) = resample.mean_se(xa, ia), resample.mean_se(xb, ib)
    out = _studentized(ma_b - mb_b, np.hypot(sa_b, sb_b), (ma - mb)[:, None],
                       np.hypot(sa, sb)[:, None])
    return out[0] if squeeze else out


@lru_cache(maxsize=16)
def _exact_rows(n: int, n_a: int) -> np.ndarray:
    """Group-a indicators (as floats) of every split of ``n`` units into ``n_a`` and the rest."""
    rows = np.zeros((math.comb(n, n_a), n))
    for i, chosen in enumerate(combinations(range(n), n_a)):
        rows[i, list(chosen)] = 1.0
    rows.setflags(write=False)
    return rows


def _split_rows(n: int, n_a: int, n_perm: int, rng: np.random.Generator,
                max_exact: int) -> tuple[np.ndarray, bool]:
    """Group-a indicators of every split (exact) or of ``n_perm`` random ones."""
    if math.comb(n, n_a) <= max_exact:
        return _exact_rows(n, n_a), True
    order = rng.random((n_perm, n)).argsort(axis=1)
    rows = np.zeros((n_perm, n))
    np.put_along_axis(rows, order[:, :n_a], 1.0, axis=1)
    return rows, False


def permutation_test(x: np.ndarray, in_a: np.ndarray, *, n_perm: int,
                     rng: np.random.Generator, max_exact: int,
                     chunk: int = 20000) -> tuple[np.ndarray, bool]:
    """Two-sided permutation p-values of the difference in column means between the
    units ``in_a`` and the others, shuffling group labels over units.

    Exact (every split, the observed one included) when there are at most
    ``max_exact`` splits; otherwise ``n_perm`` random splits and
    :func:`permutation_p`. Returns ``(p, exact)``.
    """
    x = np.asarray(x, dtype=float)
    in_a = np.asarray(in_a, dtype=bool)
    n, n_a = len(x), int(in_a.sum())
    if n_a == 0 or n_a == n:
        raise ValueError("both groups need at least one unit")
    rows, exact = _split_rows(n, n_a, n_perm, rng, max_exact)
    total = x.sum(axis=0)
    obs = np.abs(x[in_a].mean(axis=0) - x[~in_a].mean(axis=0))
    count = np.zeros(x.shape[1])
    for start in range(0, len(rows), chunk):
        s = rows[start:start + chunk] @ x
        d = np.abs(s / n_a - (total - s) / (n - n_a))
        # Ties with the observed statistic count as "as extreme" (rounding guard).
        count += (d >= obs - 1e-12 * np.maximum(1.0, obs)).sum(axis=0)
    if exact:
        return count / len(rows), True
    return permutation_p(count, n_perm), False


# ------------------------------------------------- checking an interval's coverage at n

def moment_sampler(values: np.ndarray):
    """A population with the mean and variance of ``values``, to simulate samples from.

    Beta for values in [0, 1] (proportions), Gamma for non-negative values (rates),
    normal otherwise; a constant when the values do not vary. Returns
    ``sampler(rng, size) -> array`` and the population mean.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    m, var = float(v.mean()), float(v.var(ddof=1)) if len(v) > 1 else 0.0
    if var <= 0:
        return (lambda rng, size: np.full(size, m)), m
    if v.min() >= 0 and v.max() <= 1 and var < m * (1 - m):
        c = m * (1 - m) / var - 1
        return (lambda rng, size: rng.beta(m * c, (1 - m) * c, size=size)), m
    if v.min() >= 0 and m > 0:
        return (lambda rng, size: rng.gamma(m * m / var, var / m, size=size)), m
    return (lambda rng, size: rng.normal(m, np.sqrt(var), size=size)), m


def bootstrap_t_coverage(values_a: np.ndarray, values_b: np.ndarray | None, *, n_a: int,
                         n_b: int | None = None, ci: float, reps: int, n_boot: int,
                         rng: np.random.Generator) -> float:
    """Simulated coverage of the bootstrap-t interval for a mean (``values_b`` None) or a
    difference of means, at the given n, for populations fitted to the observed values
    (:func:`moment_sampler`)."""
    sample_a, mu_a = moment_sampler(values_a)
    sa = sample_a(rng, (reps, n_a))[:, :, None]
    if values_b is None:
        truth = mu_a
        draws = studentized_draws(sa, n_boot, rng)
    else:
        sample_b, mu_b = moment_sampler(values_b)
        truth = mu_a - mu_b
        draws = studentized_difference_draws(sa, sample_b(rng, (reps, n_b))[:, :, None],
                                             n_boot, rng, rng)
    lo, hi = percentile_interval(draws[:, :, 0].T, ci)
    tol = 1e-12 * max(1.0, abs(truth))
    return float(np.mean((lo - tol <= truth) & (truth <= hi + tol)))


# ------------------------------------------------- proportions of short texts (titles)

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
