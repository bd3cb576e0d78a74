"""The intervals the comparisons publish, and the smallest n a group mean gets one at,
rest on a coverage simulation (bench/interval_coverage.py → results/interval_coverage.csv)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from analysis import io
from analysis.compare.inference import DIFFERENCE_METHOD, INTERVAL_METHOD
from analysis.config import ROOT


@pytest.fixture(scope="module")
def sim():
    spec = importlib.util.spec_from_file_location("interval_coverage",
                                                  ROOT / "bench" / "interval_coverage.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def table():
    return io.read_csv(ROOT / "results" / "interval_coverage.csv")


def _mine(table, measure="mean"):
    is_mean = table["measure"] == "mean"
    if measure == "mean":
        return table[is_mean & (table["method"] == INTERVAL_METHOD)]
    return table[~is_mean & (table["method"] == DIFFERENCE_METHOD)]


def test_the_table_has_every_cell(table, params):
    p = params.bench
    ns = set(p.coverage_ns)
    mean = _mine(table)
    assert set(mean["n"]) == ns and set(mean["population"]) == {"beta", "empirical"}
    assert len(mean) == 2 * 5 * len(ns) and (mean["reps"] == p.coverage_reps).all()
    diff = _mine(table, "difference")
    cells = {(int(r.n), int(r.n_b)) for r in diff.itertuples()}
    assert cells == {(n, n) for n in ns} | {tuple(p.coverage_contrast_units)}
    assert (diff["reps"] == p.coverage_reps_difference).all()
    assert (diff["reps_interval"] == p.coverage_reps_interval).all()


def test_min_articles_for_an_interval_comes_from_the_simulation(params, sim, table):
    n = params.compare.min_articles_ci
    assert sim.smallest_n(table) == n
    mine = _mine(table)[lambda d: d["population"] == "beta"]
    at_n = mine[mine["n"] == n]
    assert len(at_n) == 5 and (at_n["coverage"] >= 0.93).all()
    assert (at_n["median_width"] < 1).all()
    # The n just below it falls short (or says nothing): a smaller n is not safe from
    # there on, even where a still smaller n happens to pass.
    below = mine[mine["n"] < n]
    if len(below):
        last = below[below["n"] == below["n"].max()]
        assert (last["coverage"].min() < 0.93) or (last["median_width"].max() >= 1.0)


def test_the_projects_intervals_stay_inside_their_range(table):
    assert (_mine(table)["outside_range"] == 0).all()
    assert (_mine(table, "difference")["outside_range"].fillna(0) == 0).all()
    # Student's t leaves [0, 1] at small n: why it is not used.
    t = table[(table["method"] == "t") & (table["n"] <= 5)]
    assert (t["outside_range"] > 0.1).all()


def test_significant_is_exactly_the_test_and_the_interval_its_inversion(table):
    diff = _mine(table, "difference")
    given = diff[diff["no_interval"] == 0]
    assert (given["significant_agrees"] == 1).all()
    # The bisection interval holds the truth exactly when the test accepts it (up
    # to the bench's bisection tolerance).
    assert (given["interval_agrees"] >= 0.99).all()
    # 3 vs 3 units: 20 splits, the smallest p is 2/20, so no interval at all.
    three = diff[diff["n"] == 3]
    assert (three["no_interval"] == 1).all() and three["coverage"].isna().all()
    assert (diff[diff["n"] > 3]["no_interval"] == 0).all()


def test_the_old_percentile_interval_undercovers_at_small_n(table):
    pct = table[(table["method"] == "percentile") & (table["n"] <= 5)]
    assert (pct.groupby("population")["coverage"].min() < 0.85).all()


@pytest.fixture(scope="module")
def article_topics(params):
    """The article shares the bench reads, with the contrast's column joined as it does."""
    shares = io.read_csv(ROOT / "results" / "article_topics.csv")
    by = params.contrast.by
    meta = io.read_csv(ROOT / "results" / "article_metadata.csv")[["article_id", by]]
    return shares.merge(meta, on="article_id", how="left", validate="one_to_one")


def _row(table, **key):
    t = table
    for k, v in key.items():
        t = t[t[k] == v]
    assert len(t) == 1
    return t.iloc[0]


def test_a_mean_cell_is_what_the_simulation_computes(sim, table, params, article_topics):
    # One cell recomputed with fewer samples agrees within Monte Carlo error.
    pops, means = sim.populations(article_topics, "beta")
    n = params.compare.min_articles_ci
    x = pops["topic_0"](np.random.default_rng(7), (n, 800))
    r = sim.mean_intervals(x, INTERVAL_METHOD, params.bench.coverage_boot,
                           np.random.default_rng(8))
    got = sim.summarise(r, means["topic_0"], 0.0, 1.0)
    row = _row(table, method=INTERVAL_METHOD, population="beta", n=n, topic="topic_0",
               measure="mean")
    assert abs(got["coverage"] - row["coverage"]) < 4 * np.hypot(got["mc_se"], row["mc_se"])
    assert got["outside_range"] == 0


def test_a_difference_cell_is_what_the_simulation_computes(sim, table, params,
                                                           article_topics):
    by, (a, b) = params.contrast.by, params.contrast.groups
    pa, ma = sim.populations(article_topics[article_topics[by] == a], "empirical")
    pb, mb = sim.populations(article_topics[article_topics[by] == b], "empirical")
    truth = ma["topic_3"] - mb["topic_3"]
    rng = np.random.default_rng(9)
    xa, xb = pa["topic_3"](rng, (5, 600)), pb["topic_3"](rng, (5, 600))
    r = sim.difference_intervals(xa, xb, DIFFERENCE_METHOD, params.compare,
                                 np.random.default_rng(10), truth=truth, n_invert=60)
    got = sim.summarise(r, truth, -1.0, 1.0)
    row = _row(table, method=DIFFERENCE_METHOD, population="empirical", n=5, n_b=5,
               topic="topic_3")
    assert abs(got["coverage"] - row["coverage"]) < 4 * np.hypot(got["mc_se"], row["mc_se"])
    assert got["significant_agrees"] == 1 and got["outside_range"] == 0
