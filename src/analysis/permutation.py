"""Permutation inference over units for a difference of two group means.

One test serves every claim: the Welch-studentized difference of means, with group
labels shuffled over units (articles or places). Everything else is read from the
same splits, so the pieces cannot disagree:

- :func:`welch_test` — two-sided p-values, exact when every split can be enumerated,
  else Monte Carlo with the observed split counted (Phipson & Smyth 2010);
- :func:`invert` — the confidence interval as the set of shifts δ that the test does
  not reject at ``alpha`` (Lehmann & Romano 2005, §5.12; Ernst 2004): the test of
  ``H0: mean(a) - mean(b) = δ`` is the test of ``a - δ`` against ``b``. Each bound is
  found by bisection between a shift the test accepts and one it rejects, starting
  from 0, so "significant" (p ≤ alpha) holds exactly when the interval excludes 0;
- :func:`max_t_adjust` — Westfall & Young's (1993) single-step max-T adjusted p-values
  across the columns of one contrast, from the same splits: valid under any
  dependence between the columns (topic shares that sum to one are dependent);
- :func:`minimum_detectable` — the smallest shift detected with the stated power by
  this test at the observed n, by simulation from each group's own residuals.

Studentizing keeps the permutation test asymptotically valid for a difference of
means when the groups' variances differ (Janssen 1997; Chung & Romano 2013); the
splits make it exact when the groups' distributions are equal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import numba
import numpy as np

__all__ = ["Splits", "invert", "max_t_adjust", "minimum_detectable", "splits",
           "welch_p", "welch_test"]

#: Relative tolerance for "as extreme as the observed statistic": the sums behind a
#: statistic come from BLAS, whose kernels may order additions differently.
_TIE = 1e-9


@dataclass(frozen=True)
class Splits:
    """Group-a indicators of the splits a test enumerates or samples.

    ``rows`` is ``(n_splits, n)``; row 0 is the observed split (units ``0 .. n_a-1``
    in group a). ``exact``: every split is enumerated.
    """

    rows: np.ndarray
    n_a: int
    exact: bool

    @property
    def n(self) -> int:
        return self.rows.shape[1]

    @property
    def smallest_p(self) -> float:
        """The smallest p-value these splits can give: the observed split alone, or
        with its mirror image when every split of two equal groups is enumerated (the
        split that swaps the groups has the same |t|, so it is always as extreme)."""
        mirror = self.exact and 2 * self.n_a == self.n
        return (2.0 if mirror else 1.0) / len(self.rows)


@lru_cache(maxsize=16)
def _exact_rows(n: int, n_a: int) -> np.ndarray:
    rows = np.zeros((math.comb(n, n_a), n))
    for i, chosen in enumerate(combinations(range(n), n_a)):
        rows[i, list(chosen)] = 1.0        # the first combination is the observed split
    rows.setflags(write=False)
    return rows


def splits(n_a: int, n_b: int, *, n_perm: int, max_exact: int,
           rng: np.random.Generator) -> Splits:
    """Every split of ``n_a + n_b`` units when there are at most ``max_exact``; else the
    observed split and ``n_perm`` random ones."""
    n = n_a + n_b
    if n_a < 1 or n_b < 1:
        raise ValueError("both groups need at least one unit")
    if math.comb(n, n_a) <= max_exact:
        return Splits(_exact_rows(n, n_a), n_a, True)
    order = rng.random((n_perm, n)).argsort(axis=1)
    rows = np.zeros((n_perm + 1, n))
    rows[0, :n_a] = 1.0
    np.put_along_axis(rows[1:], order[:, :n_a], 1.0, axis=1)
    return Splits(rows, n_a, False)


class _Moments:
    """Sums behind the Welch t of every split, for any shift δ of group a.

    With ``y = x - δ·1_a``, each split's group-a sums are ``S1 - δ c`` and
    ``S2 - 2δ A1 + δ² c`` (``c``: how many of group a's units the split puts in a),
    so one matrix product per moment serves every δ the inversion tries.
    """

    def __init__(self, rows: np.ndarray, x: np.ndarray, n_a: int):
        x = np.asarray(x, dtype=float)
        x = x - x.mean(axis=0)             # centred: no cancellation in the squares
        ind = np.zeros(rows.shape[1])
        ind[:n_a] = 1.0
        self.n_a, self.n_b = n_a, rows.shape[1] - n_a
        k = x.shape[1]
        # One product for every moment: [x, x², x·1_a, 1_a].
        # Computed column-major (moments × splits), the order the kernel walks them;
        # the numpy path reads transposed views.
        m = np.concatenate([x, x * x, x * ind[:, None], ind[:, None]], axis=1)
        sums = m.T @ rows.T
        self._cols = (sums[:k], sums[k:2 * k], sums[2 * k:3 * k])
        self._c = np.ascontiguousarray(sums[3 * k])
        self.s1, self.s2, self.a1 = (a.T for a in self._cols)
        self.c = self._c[:, None]
        self.t1, self.t2 = x.sum(axis=0), (x * x).sum(axis=0)
        self.ta1 = x[:n_a].sum(axis=0)
        self.scale = np.abs(x).max(axis=0) + 1e-300

    def t(self, delta) -> np.ndarray:
        """Welch t of ``mean(a) - mean(b) - δ`` per split and column; groups with zero
        variance on both sides give ``±inf`` (different means) or 0, never NaN."""
        d_ = np.asarray(delta, dtype=float)
        n_a, n_b = self.n_a, self.n_b
        sa1 = self.s1 - d_ * self.c
        sa2 = self.s2 - 2 * d_ * self.a1 + d_ * d_ * self.c
        tot1 = self.t1 - d_ * n_a
        tot2 = self.t2 - 2 * d_ * self.ta1 + d_ * d_ * n_a
        ma, mb = sa1 / n_a, (tot1 - sa1) / n_b
        va = np.maximum(sa2 - n_a * ma * ma, 0.0) / (n_a - 1)
        vb = np.maximum((tot2 - sa2) - n_b * mb * mb, 0.0) / (n_b - 1)
        d = ma - mb
        se = np.sqrt(va / n_a + vb / n_b)
        scale = self.scale + np.abs(d_)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(se > 1e-12 * scale, d / se, np.copysign(np.inf, d))
        # Equal means up to rounding: no evidence either way.
        return np.where(np.abs(d) <= 1e-12 * scale, 0.0, t)

    def p(self, delta, active=None) -> np.ndarray:
        """p-values at shift ``delta`` (per column); columns not ``active`` get NaN."""
        k = self.s1.shape[1]
        d_ = np.ascontiguousarray(np.broadcast_to(np.asarray(delta, float), (k,)))
        act = np.ones(k, np.bool_) if active is None else np.asarray(active, np.bool_)
        s1, s2, a1 = self._cols
        return _p_kernel(s1, s2, a1, self._c, self.t1, self.t2,
                         self.ta1, self.scale, self.n_a, self.n_b, d_, act, _TIE)


@numba.njit(cache=True)
def _p_kernel(s1, s2, a1, c, t1, t2, ta1, scale0, n_a, n_b, delta, active, tie):
    """The share of splits whose Welch |t| at shift δ reaches the observed split's, per
    column (``s1``, ``s2``, ``a1``: columns × splits). It compares ``d² ≥ T² se²``
    instead of ``|d / se| ≥ T``, with the same conventions as :meth:`_Moments.t`:
    equal means give t = 0, zero variance on both sides gives |t| = inf."""
    k, n_splits = s1.shape
    out = np.full(k, np.nan)
    ia, ib = 1.0 / n_a, 1.0 / n_b
    wa, wb = 1.0 / ((n_a - 1) * n_a), 1.0 / ((n_b - 1) * n_b)
    for j in range(k):
        if not active[j]:
            continue
        dj = delta[j]
        scale = scale0[j] + abs(dj)
        tiny, flat = 1e-12 * scale, (1e-12 * scale) ** 2
        tot1 = t1[j] - dj * n_a
        tot2 = t2[j] - 2 * dj * ta1[j] + dj * dj * n_a
        # The observed split (row 0): its |t|, then the threshold with the tie margin.
        sa1 = s1[j, 0] - dj * c[0]
        sa2 = s2[j, 0] - 2 * dj * a1[j, 0] + dj * dj * c[0]
        sb1 = tot1 - sa1
        d = sa1 * ia - sb1 * ib
        se2 = max(sa2 - sa1 * sa1 * ia, 0.0) * wa + max((tot2 - sa2) - sb1 * sb1 * ib, 0.0) * wb
        if abs(d) <= tiny:
            obs = 0.0
        elif se2 > flat:
            obs = abs(d) / np.sqrt(se2)
        else:
            obs = np.inf
        finite = np.isfinite(obs)
        thresh = obs - tie * max(1.0, obs) if finite else obs
        t2_ = thresh * thresh if thresh > 0 else 0.0
        count = 0
        for i in range(n_splits):
            sa1 = s1[j, i] - dj * c[i]
            sa2 = s2[j, i] - 2 * dj * a1[j, i] + dj * dj * c[i]
            sb1 = tot1 - sa1
            d = sa1 * ia - sb1 * ib
            if abs(d) <= tiny:
                if thresh <= 0.0:
                    count += 1
                continue
            se2 = (max(sa2 - sa1 * sa1 * ia, 0.0) * wa
                   + max((tot2 - sa2) - sb1 * sb1 * ib, 0.0) * wb)
            if se2 <= flat:
                count += 1                       # |t| = inf
            elif finite and d * d >= t2_ * se2:
                count += 1
        out[j] = count / n_splits
    return out


def _threshold(obs: np.ndarray) -> np.ndarray:
    """``|t|`` at least this counts as "as extreme as" the observed ``obs``."""
    with np.errstate(invalid="ignore"):            # inf - inf where obs is infinite
        return np.where(np.isfinite(obs), obs - _TIE * np.maximum(1.0, obs), obs)


def _p_from_t(t: np.ndarray) -> np.ndarray:
    """Share of splits whose |t| is at least the observed (row 0) |t|."""
    return (np.abs(t) >= _threshold(np.abs(t[0]))).mean(axis=0)


def welch_test(x: np.ndarray, sp: Splits, delta=0.0) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided p-values of ``H0: mean(a) - mean(b) = delta`` per column.

    ``x`` is ``(n, k)`` with group a's units first. Returns ``(p, t)``, ``t`` the
    statistics of every split (row 0 observed).
    """
    t = _Moments(sp.rows, x, sp.n_a).t(delta)
    return _p_from_t(t), t


def welch_p(x: np.ndarray, sp: Splits, delta=0.0) -> np.ndarray:
    """The p-values of :func:`welch_test` alone (no statistics kept: faster)."""
    return _Moments(sp.rows, x, sp.n_a).p(delta)


def _bound(mom, alpha, est, p0, limit, tol, direction: int) -> np.ndarray:
    """Outermost accepted shift on one side of ``est`` (vectorised over columns)."""
    k = len(est)
    acc = est.copy()
    rej = np.full(k, np.nan)
    # 0 lies on this side: it brackets the bound, from inside or from outside.
    zero_side = direction * (0.0 - est) > 0
    rej = np.where(zero_side & (p0 <= alpha), 0.0, rej)
    acc = np.where(zero_side & (p0 > alpha), 0.0, acc)
    # Otherwise step outwards (doubling) until a shift is rejected or the limit is met.
    step = np.full(k, 0.05 * limit) if limit is not None else np.maximum(np.abs(est), 1.0) * 0.05
    for _ in range(64):
        open_ = np.isnan(rej)
        if not open_.any():
            break
        trial = acc + direction * step
        if limit is not None:
            trial = np.clip(trial, -limit, limit)
        p = mom.p(np.where(open_, trial, est), open_)
        hit = open_ & (p <= alpha)
        rej = np.where(hit, trial, rej)
        acc = np.where(open_ & ~hit, trial, acc)
        if limit is not None:
            # Accepted at the edge of the parameter's range: the bound is the edge.
            rej = np.where(open_ & ~hit & (np.abs(trial) >= limit), direction * np.inf, rej)
        step = step * 2
    # Never rejected without a range: the interval is unbounded on this side.
    acc = np.where(np.isnan(rej), direction * np.inf, acc)
    closed = np.isfinite(rej)
    for _ in range(200):
        gap = np.abs(rej - acc)
        todo = closed & (gap > tol)
        if not todo.any():
            break
        mid = np.where(todo, 0.5 * (acc + rej), est)
        ok = mom.p(mid, todo) > alpha
        acc = np.where(todo & ok, mid, acc)
        rej = np.where(todo & ~ok, mid, rej)
    return acc


def invert(x: np.ndarray, sp: Splits, alpha: float, *, limit: float | None = None,
           tol: float = 1e-7) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Confidence interval of ``mean(a) - mean(b)`` by inverting :func:`welch_test`.

    Parameters
    ----------
    x : ndarray (n, k)
        Unit values, group a's units first (``sp.n_a`` of them).
    sp : Splits
    alpha : float
        Shifts with p > alpha are in the interval (level ``1 - alpha``).
    limit : float, optional
        The parameter's range is ``[-limit, limit]`` (1 for a difference of
        proportions); a bound that reaches it stays there.
    tol : float
        Bisection stops when the accepted and rejected shifts are this close; the
        bound reported is the accepted one, so it never lies outside the set.

    Returns
    -------
    lo, hi, p : ndarray (k,)
        NaN bounds where the splits cannot reach ``alpha`` at all (then no shift is
        ever rejected and there is no interval to report).
    """
    x = np.asarray(x, dtype=float)
    n_a = sp.n_a
    est = x[:n_a].mean(axis=0) - x[n_a:].mean(axis=0)
    mom = _Moments(sp.rows, x, n_a)
    p0 = mom.p(0.0)
    lo = _bound(mom, alpha, est, p0, limit, tol, -1)
    hi = _bound(mom, alpha, est, p0, limit, tol, +1)
    if sp.smallest_p > alpha:
        lo, hi = np.full_like(lo, np.nan), np.full_like(hi, np.nan)
    return lo, hi, p0


def max_t_adjust(t: np.ndarray) -> np.ndarray:
    """Single-step max-T adjusted p-values across columns (Westfall & Young 1993).

    ``t`` holds the statistics of every split (row 0 observed), ``(n_splits, k)``;
    ``p_adj[j]`` is the share of splits whose largest |t| over the columns reaches
    the observed |t_j|.
    """
    a = np.abs(t)
    m = a.max(axis=1)
    return (m[:, None] >= _threshold(a[0])[None, :]).mean(axis=0)


def minimum_detectable(xa: np.ndarray, xb: np.ndarray, *, alpha: float, power: float,
                       n_sim: int, n_perm: int, rng: np.random.Generator,
                       limit: float | None = None, tol: float = 1e-4) -> np.ndarray:
    """Smallest shift of group a that the Welch permutation test detects with ``power``.

    Each simulated data set resamples each group's own residuals (values minus the
    group mean) at the observed n, adds the shift to group a and tests with
    ``n_perm`` random splits; the same draws serve every shift, so power rises with
    the shift. Returns NaN where even ``limit`` (the parameter's range) is not
    detected with that power, or the splits cannot reach ``alpha``.
    """
    xa, xb = np.asarray(xa, float), np.asarray(xb, float)
    n_a, n_b, k = len(xa), len(xb), xa.shape[1]
    ra, rb = xa - xa.mean(axis=0), xb - xb.mean(axis=0)
    ia = rng.integers(0, n_a, size=(n_sim, n_a))
    ib = rng.integers(0, n_b, size=(n_sim, n_b))
    base = np.concatenate([ra[ia], rb[ib]], axis=1)             # (n_sim, n, k)
    sp = splits(n_a, n_b, n_perm=n_perm, max_exact=n_perm + 1, rng=rng)
    if sp.smallest_p > alpha:
        return np.full(k, np.nan)
    flat = np.moveaxis(base, 0, 1).reshape(n_a + n_b, n_sim * k)
    mom = _Moments(sp.rows, flat, n_a)

    def power_at(delta: np.ndarray) -> np.ndarray:
        # Group a shifted by +delta: the test of "no difference" at shift -delta.
        p = mom.p(-np.tile(delta, n_sim)).reshape(n_sim, k)
        return (p <= alpha).mean(axis=0)

    spread = np.maximum(np.abs(np.concatenate([xa, xb])).max(axis=0), 1e-12)
    hi = np.full(k, limit) if limit is not None else 4.0 * spread
    reach = power_at(hi) >= power
    if limit is None:
        for _ in range(20):
            short = ~reach
            if not short.any():
                break
            hi = np.where(short, hi * 2, hi)
            reach = power_at(hi) >= power
    lo = np.zeros(k)
    for _ in range(60):
        if (hi - lo <= tol * np.maximum(1.0, hi)).all():
            break
        mid = 0.5 * (lo + hi)
        ok = power_at(mid) >= power
        hi, lo = np.where(ok, mid, hi), np.where(ok, lo, mid)
    return np.where(reach, hi, np.nan)
