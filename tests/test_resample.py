"""analysis.resample gives numpy's resampled means and standard errors bit for bit.

The inputs are the committed article-topic proportions of the articles with text
(results/article_topics.csv), in the shapes the stages pass: one model, several
refits, and the coverage bench's simulated samples (many samples, one per column).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import resample, stats
from analysis.config import ROOT


@pytest.fixture(scope="module")
def proportions() -> np.ndarray:
    df = pd.read_csv(ROOT / "results" / "article_topics.csv")
    df = df[df["evidence"] == "text"]
    cols = [c for c in df.columns if c.startswith("topic_")]
    assert len(df) >= 10 and len(cols) >= 2
    return df[cols].to_numpy(dtype=float)


def _numpy(x, idx):
    return stats._mean_se(x[:, idx], axis=2)


def _same(x, idx):
    mean, se = resample.mean_se(x, idx)
    mean0, se0 = _numpy(x, idx)
    assert mean.shape == mean0.shape == se.shape
    # Equal bits, not a tolerance: the intervals must not move when the kernel is used
    # (array_equal takes -0.0 for 0.0, so the signs are compared too).
    assert np.array_equal(mean, mean0) and np.array_equal(se, se0)
    assert np.array_equal(np.signbit(mean), np.signbit(mean0))


@pytest.mark.parametrize("n_units", [2, 3, 7, 8, 9, 16, 17])
@pytest.mark.parametrize("columns", ["one", "all"])
def test_one_model_equals_numpy(proportions, n_units, columns):
    x = proportions[:n_units, :1] if columns == "one" else proportions[:n_units]
    idx = np.random.default_rng(n_units).integers(0, n_units, size=(301, n_units))
    _same(x[None], idx)


@pytest.mark.parametrize("n_units", [3, 8, 17])
@pytest.mark.parametrize("k", [1, 5])
def test_refits_equal_numpy(proportions, n_units, k):
    rng = np.random.default_rng(7)
    # refits: the same articles, proportions perturbed as another seed would
    x = np.stack([proportions[:n_units, :k] * rng.uniform(0.8, 1.2, (n_units, k))
                  for _ in range(4)])
    _same(x, rng.integers(0, n_units, size=(211, n_units)))


@pytest.mark.parametrize("n_units", [3, 10, 20, 130])
def test_coverage_samples_equal_numpy(proportions, n_units):
    """The coverage bench's shape: many simulated samples, one per column."""
    rng = np.random.default_rng(11)
    v = proportions[:, 0]
    conc = v.mean() * (1 - v.mean()) / v.var() - 1          # Beta with the topic's moments
    x = rng.beta(v.mean() * conc, (1 - v.mean()) * conc, size=(n_units, 200))[None]
    _same(x, rng.integers(0, n_units, size=(99, n_units)))


@pytest.mark.parametrize("scale", ["proportion", "real"])
def test_bootstrap_t_stats_unchanged(proportions, scale):
    """The bootstrap-t statistics equal those computed with numpy's copies."""
    t, n_deg = stats.bootstrap_t_stats(proportions, 500, np.random.default_rng(3),
                                       scale=scale)
    rng = np.random.default_rng(3)
    idx = rng.integers(0, len(proportions), size=(500, len(proportions)))
    mb, seb = (a[0] for a in _numpy(proportions[None], idx))
    link, dlink, _ = stats.LINKS[scale]
    m = proportions.mean(axis=0)
    expect = (link(mb) - link(m)) / (seb * dlink(mb))
    assert np.isfinite(expect).all() and (n_deg == 0).all()
    assert np.array_equal(t, expect)


@pytest.mark.parametrize("shape", [(1, 3, 1), (1, 9, 1), (3, 9, 1), (2, 9, 5)])
def test_zeros_keep_numpys_sign(shape):
    """A resample of -0.0 values sums to +0.0 in numpy (its sums start at 0.0)."""
    x = np.full(shape, -0.0)
    _same(x, np.zeros((5, shape[1]), dtype=np.int64))


def test_bad_indices_are_refused(proportions):
    x = proportions[None]
    with pytest.raises(IndexError, match="outside"):
        resample.mean_se(x, np.full((3, 4), x.shape[1]))
    with pytest.raises(ValueError, match="n >= 2"):
        resample.mean_se(x, np.zeros((3, 1), dtype=np.int64))
