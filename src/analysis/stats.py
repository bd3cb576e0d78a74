"""The statistics the stages share, each written once.

G² for 2×2 tables, Hardie's log ratio, two-corpus keyness, Benjamini–Hochberg,
the cluster (article) bootstrap and permutation p-values. Stages import these;
no other module computes them.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
from scipy import stats as _st

__all__ = ["bh", "bootstrap_means", "g2", "group_rng", "keyness_2x2", "log_ratio",
           "percentile_interval", "permutation_p"]


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
