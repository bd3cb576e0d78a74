"""Means and standard errors of resampled units, compiled, bit for bit numpy's.

The bootstrap-t intervals and their coverage checks (:mod:`analysis.stats`) take the
mean and standard error of every resample. With numpy that is
``x[:, idx].mean(axis=2)`` and ``.std(axis=2, ddof=1)``, which first copies every
resample (``seeds × resamples × units × columns`` floats) and then makes four more
arrays of that size. :func:`mean_se` reads the units in place instead (about 5x
faster on the coverage checks).

It does the same floating-point operations in the same order, so the numbers are
identical, not just close:

- numpy sums the units axis pairwise when it is innermost in memory and one unit
  after another otherwise. ``x[:, idx]`` is laid out resamples × units × seeds ×
  columns, so the units axis is innermost only with one seed and one column.
  The kernels do the same: :func:`_pairwise` is numpy's ``pairwise_sum`` (8
  accumulators, up to 128 units; above that numpy itself computes it), and
  :func:`_mean_se_in_order` adds the units in order;
- the variance is two-pass, ``sum((x - mean)**2) / (n - 1)``, as ``np.var`` computes it.

``tests/test_resample.py`` asserts equality with numpy on the shapes the stages use.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["compile_now", "mean_se"]

_BLOCK = 128  # numpy's PW_BLOCKSIZE


@numba.njit(cache=True)
def _pairwise(a: np.ndarray) -> float:
    """numpy's ``pairwise_sum`` of at most ``_BLOCK`` values (numba cannot cache the
    recursion numpy uses above that; :func:`mean_se` leaves those sums to numpy)."""
    n = a.shape[0]
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[i]
        return res
    r = a[:8].copy()
    i = 8
    while i < n - (n % 8):
        for j in range(8):
            r[j] += a[i + j]
        i += 8
    res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    while i < n:
        res += a[i]
        i += 1
    return res


@numba.njit(cache=True)
def _mean_se_pairwise(x, idx, mean, se):
    """One seed, one column: ``x`` (units,), outputs (resamples,)."""
    n_boot, n = idx.shape
    buf = np.empty(n)
    root_n = np.sqrt(n)
    for b in range(n_boot):
        for i in range(n):
            buf[i] = x[idx[b, i]]
        m = (0.0 + _pairwise(buf)) / n  # numpy adds the pairwise sum to its start, 0.0
        for i in range(n):
            d = buf[i] - m
            buf[i] = d * d
        mean[b] = m
        se[b] = np.sqrt(_pairwise(buf) / (n - 1)) / root_n


@numba.njit(cache=True)
def _mean_se_in_order(xt, idx, mean, se):
    """Units added one after another: ``xt`` (units, seeds × columns), outputs
    (resamples, seeds × columns). The inner loops run over independent sums, so
    they vectorise without reordering any sum."""
    n_boot, n = idx.shape
    width = xt.shape[1]
    acc = np.empty(width)
    root_n = np.sqrt(n)
    for b in range(n_boot):
        # From 0.0, as numpy's reduction starts (so a sum of -0.0s is +0.0, as there).
        acc[:] = 0.0
        for i in range(n):
            row = xt[idx[b, i]]
            for c in range(width):
                acc[c] += row[c]
        for c in range(width):
            mean[b, c] = acc[c] / n
        row = xt[idx[b, 0]]
        for c in range(width):
            d = row[c] - mean[b, c]
            acc[c] = d * d
        for i in range(1, n):
            row = xt[idx[b, i]]
            for c in range(width):
                d = row[c] - mean[b, c]
                acc[c] += d * d
        for c in range(width):
            se[b, c] = np.sqrt(acc[c] / (n - 1)) / root_n


def mean_se(x: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard error (``ddof = 1``) of every resample of units.

    Parameters
    ----------
    x : ndarray, shape (n_seeds, n_units, k)
        Unit values (float64).
    idx : ndarray of int, shape (n_boot, n)
        Unit indices of each resample (``n >= 2``).

    Returns
    -------
    mean, se : ndarray, shape (n_seeds, n_boot, k)
        Equal bit for bit to ``x[:, idx].mean(axis=2)`` and
        ``x[:, idx].std(axis=2, ddof=1) / sqrt(n)``.
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    idx = np.ascontiguousarray(idx, dtype=np.int64)
    if x.ndim != 3 or idx.ndim != 2 or idx.shape[1] < 2:
        raise ValueError(f"need x (seeds, units, k) and idx (resamples, n >= 2), not "
                         f"{x.shape} and {idx.shape}")
    if idx.size and (idx.min() < 0 or idx.max() >= x.shape[1]):
        raise IndexError(f"resample indices outside 0..{x.shape[1] - 1}")
    # Where numpy sums pairwise: see the module docstring.
    pairwise = x.shape[0] == 1 and x.shape[2] == 1
    if pairwise and idx.shape[1] > _BLOCK:
        resampled = x[:, idx]
        return (resampled.mean(axis=2),
                resampled.std(axis=2, ddof=1) / np.sqrt(idx.shape[1]))
    n_seeds, n_units, k = x.shape
    n_boot = idx.shape[0]
    if pairwise:
        mean, se = np.empty(n_boot), np.empty(n_boot)
        _mean_se_pairwise(x[0, :, 0].copy(), idx, mean, se)
        return mean.reshape(1, n_boot, 1), se.reshape(1, n_boot, 1)
    xt = np.ascontiguousarray(x.transpose(1, 0, 2)).reshape(n_units, n_seeds * k)
    mean, se = np.empty((n_boot, n_seeds * k)), np.empty((n_boot, n_seeds * k))
    _mean_se_in_order(xt, idx, mean, se)
    return tuple(np.ascontiguousarray(a.reshape(n_boot, n_seeds, k).transpose(1, 0, 2))
                 for a in (mean, se))


def compile_now() -> None:
    """Compile (or load from numba's cache) the kernels now, e.g. at install time."""
    for seeds in (1, 2):
        mean_se(np.ones((seeds, 2, 1)), np.zeros((1, 2), dtype=np.int64))
