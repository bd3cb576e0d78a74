"""The statistics the stages share, each written once.

G² for 2×2 tables, Hardie's log ratio, two-corpus keyness, Benjamini–Hochberg,
the cluster (article) bootstrap and the interval of a group mean. The permutation
test of a difference, its inversion and its power live in :mod:`analysis.permutation`.
Stages import these; no other module computes them.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
from scipy import stats as _st

from . import resample

__all__ = ["LINKS", "RANGES", "bh", "bootstrap_t_stats", "g2", "group_rng",
           "keyness_2x2", "log_ratio", "mean_interval", "permutation_p"]


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


def permutation_p(n_as_extreme, n_perm: int) -> np.ndarray:
    """Monte Carlo permutation p-value ``(1 + #as extreme) / (1 + n_perm)``
    (Phipson & Smyth 2010), never zero."""
    return (1 + np.asarray(n_as_extreme, dtype=float)) / (1 + n_perm)


# ------------------------------------------------- intervals for a group mean

#: Link of each kind of measure: (link, its derivative, inverse). A proportion's
#: interval is built on the logit scale and a rate's on the log scale, so the
#: back-transformed bounds stay inside [0, 1] and [0, inf).
def _logit(m):
    with np.errstate(divide="ignore"):
        return np.log(m) - np.log1p(-m)


def _dlogit(m):
    with np.errstate(divide="ignore"):
        return 1.0 / (m * (1.0 - m))


def _dlog(m):
    with np.errstate(divide="ignore"):
        return 1.0 / m


def _log(m):
    with np.errstate(divide="ignore"):
        return np.log(m)


LINKS = {"proportion": (_logit, _dlogit, _st.logistic.cdf),
         "rate": (_log, _dlog, np.exp),
         "real": (lambda m: m, lambda m: np.ones_like(m), lambda g: g)}

#: The range of a group mean of each kind of measure.
RANGES = {"proportion": (0.0, 1.0), "rate": (0.0, np.inf), "real": (-np.inf, np.inf)}


def _mean_se(x: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    n = x.shape[axis]
    return x.mean(axis=axis), x.std(axis=axis, ddof=1) / np.sqrt(n)


def bootstrap_t_stats(x: np.ndarray, n_boot: int, rng: np.random.Generator, *,
                      scale: str = "real") -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap-t statistics of the column means of the units ``x`` (``(n, k)``) on the
    link scale of ``scale`` (:data:`LINKS`).

    ``t* = (g(m*) - g(m)) / se_g*`` with the delta-method standard error
    ``se_g* = se* g'(m*)``. A resample whose units are all equal (zero standard
    error) or whose mean sits on the edge of the range (``g(m*) = ±inf``) has an
    infinite t* in the direction of its mean, or 0 when its mean equals the
    estimate: such *degenerate* resamples are kept, never clipped, and counted.

    Returns
    -------
    t : ndarray (n_boot, k)
    n_degenerate : ndarray (k,) of int
    """
    link, dlink, _ = LINKS[scale]
    x = np.asarray(x, dtype=float)
    if len(x) < 2:
        raise ValueError("a bootstrap-t interval needs at least 2 units")
    m = x.mean(axis=0)
    idx = rng.integers(0, len(x), size=(n_boot, len(x)))
    mb, seb = (a[0] for a in resample.mean_se(x[None], idx))
    g, gb = link(m), link(mb)
    with np.errstate(invalid="ignore", divide="ignore"):
        seg = seb * dlink(mb)
        t = (gb - g) / seg
    ok = np.isfinite(t) & (seg > 0)
    same = mb == m
    t = np.where(ok, t, np.where(same, 0.0, np.copysign(np.inf, mb - m)))
    return t, (~ok).sum(axis=0)


def mean_interval(x: np.ndarray, *, scale: str, n_boot: int, alpha: float,
                  rng: np.random.Generator) -> dict:
    """Estimate and ``1 - alpha`` bootstrap-t interval of each column mean of ``x``.

    The interval is built on the link scale of ``scale`` (logit for proportions, log
    for rates) and transformed back, so it lies inside the measure's range
    (:data:`RANGES`) and is never wider than it. Quantiles of t* are read without
    interpolation (lower / higher order statistic), so infinite t* of degenerate
    resamples give a bound on the range's edge instead of NaN. A column whose mean
    is on the edge of the range (all units 0, say) gets no interval.

    Returns
    -------
    dict with ``estimate``, ``ci_low``, ``ci_high``, ``n_degenerate``, ``edge``
    (bool: mean on the range's edge).
    """
    link, dlink, inv = LINKS[scale]
    x = np.asarray(x, dtype=float)
    m, se = _mean_se(x, axis=0)
    t, n_deg = bootstrap_t_stats(x, n_boot, rng, scale=scale)
    q_lo = np.quantile(t, alpha / 2, axis=0, method="lower")
    q_hi = np.quantile(t, 1 - alpha / 2, axis=0, method="higher")
    g = link(m)
    with np.errstate(invalid="ignore"):
        seg = se * dlink(m)
        lo, hi = inv(g - q_hi * seg), inv(g - q_lo * seg)
    edge = ~np.isfinite(g)
    # All units equal (se = 0) inside the range: the interval is the point.
    flat = (se == 0) & ~edge
    lo, hi = np.where(flat, m, lo), np.where(flat, m, hi)
    lo_r, hi_r = RANGES[scale]
    lo = np.where(edge, np.nan, np.clip(lo, lo_r, hi_r))
    hi = np.where(edge, np.nan, np.clip(hi, lo_r, hi_r))
    return dict(estimate=m, ci_low=lo, ci_high=hi, n_degenerate=n_deg, edge=edge)


