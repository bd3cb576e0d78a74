"""Every interval in every results table lies inside its parameter's range, and every
"significant" agrees with its interval (issue 25).

The range of each table's estimates is read from the table itself (its ``scale``
column, written by the comparisons) or, for tables of shares and precisions, from
what they estimate. The committed tables are what ``make verify`` rebuilds, so these
checks hold for the numbers a paper would cite.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.config import ROOT

RESULTS = ROOT / "results"
#: Tables of shares or precisions: estimates in [0, 1] without a ``scale`` column.
SHARE_TABLES = ("title_themes_by_", "validation_precision")
DIFFERENCE_COLUMNS = {"p_value", "significant"}


def _interval_tables() -> list[str]:
    return sorted(p.name for p in RESULTS.glob("*.csv")
                  if {"ci_low", "ci_high"} <= set(pd.read_csv(p, nrows=0).columns))


def _range(name: str, df: pd.DataFrame) -> tuple[float, float]:
    """The range of the table's estimates: a group mean of a proportion lies in [0, 1],
    a difference of two in [-1, 1]; a rate is >= 0 and a difference of rates is real."""
    diff = DIFFERENCE_COLUMNS <= set(df.columns) or "difference" in name
    if "scale" in df.columns:
        scales = set(df["scale"].dropna())
        assert len(scales) == 1, (name, scales)
        scale = scales.pop()
    elif name.startswith(SHARE_TABLES) or "title_themes_difference" in name:
        scale = "proportion"
    else:
        pytest.fail(f"{name}: an interval table without a scale column or a known range")
    if scale == "proportion":
        return (-1.0, 1.0) if diff else (0.0, 1.0)
    if scale == "rate":
        return (-np.inf, np.inf) if diff else (0.0, np.inf)
    return (-np.inf, np.inf)


def test_the_comparison_tables_have_intervals():
    names = _interval_tables()
    for expected in ("topic_prevalence_difference_", "topic_prevalence_by_tier.csv",
                     "actor_mentions_difference_", "title_themes_by_section.csv"):
        assert any(n.startswith(expected) for n in names), expected
    assert not [n for n in names if n.startswith("topic_prevalence_titles")]


@pytest.mark.parametrize("name", _interval_tables())
def test_intervals_lie_inside_the_parameters_range(name):
    df = pd.read_csv(RESULTS / name)
    lo_r, hi_r = _range(name, df)
    lo, hi = df["ci_low"].to_numpy(float), df["ci_high"].to_numpy(float)
    has = ~np.isnan(lo)
    assert (np.isnan(hi) == ~has).all(), f"{name}: a bound without its partner"
    assert (lo[has] >= lo_r).all() and (hi[has] <= hi_r).all(), name
    assert (lo[has] <= hi[has]).all(), name
    if np.isfinite(hi_r - lo_r):
        assert ((hi[has] - lo[has]) <= hi_r - lo_r).all(), name
    assert np.isfinite(lo[has]).all() or not np.isfinite(lo_r), name
    if "estimate" in df.columns:
        est = df["estimate"].to_numpy(float)
        ok = has & ~np.isnan(est)
        assert ((lo[ok] <= est[ok] + 1e-9) & (est[ok] <= hi[ok] + 1e-9)).all(), name


@pytest.mark.parametrize("name", [n for n in _interval_tables()
                                  if "difference" in n or "article_check" in n])
def test_significant_exactly_when_the_interval_excludes_zero(name):
    df = pd.read_csv(RESULTS / name)
    sig = df["significant"].astype(str).eq("True")
    excludes = (df["ci_low"] > 0) | (df["ci_high"] < 0)
    assert (sig == excludes).all(), df.loc[sig != excludes, ["ci_low", "ci_high"]]
    if "p_adj" in df.columns:
        tested = df["p_value"].notna()
        assert (df.loc[tested, "p_adj"] >= df.loc[tested, "p_value"] - 1e-12).all(), name
