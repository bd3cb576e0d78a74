"""Coverage of the nominal 95% intervals the comparisons publish, at small n.

Which interval, and from which n on, may the comparisons draw? This simulation
answers it for the article-level topic shares of the seed (issues 14 and 25). For
each topic, article values are drawn from

* ``beta``: a Beta distribution with the mean and variance of the topic's observed
  text-level article shares (``results/article_topics.csv``, rows with
  ``evidence = text``), and
* ``empirical``: the observed article values themselves, drawn with replacement, a
  harsher population: a few articles carry most of a topic, with ties.

**Group mean** (all text articles' population of the topic), at each n of
``[bench] coverage_ns``, ``coverage_reps`` samples: the project's interval
(:func:`analysis.stats.mean_interval`, bootstrap-t on the logit scale,
``coverage_boot`` resamples), the percentile bootstrap and Student's t. Samples are
bootstrapped in blocks of ``CHUNK`` that share their resample indices (each interval
is still the method's own; the coverage indicators of one block are barely dependent).

**Difference** of the two ``[contrast]`` groups' means (each group's own population
of the topic, built from its articles), at n_a = n_b = n and at the seed contrast's
units (``[bench] coverage_contrast_units``, 10 county vs 8 city), ``coverage_reps_difference``
samples: the project's interval (:func:`analysis.permutation.invert`, the inverted
Welch permutation test, with the splits of ``[compare]``: exact up to ``max_exact``,
else ``n_perm`` random ones) and Welch's t for reference.

Columns: ``coverage`` (share of the intervals given that hold the true mean or
difference of population means), ``mc_se`` (its Monte Carlo standard error,
``sqrt(c(1-c)/reps)``), ``median_width``, ``outside_range`` (share of intervals
leaving [0, 1] for a mean, [-1, 1] for a difference: 0 for the project's methods),
``no_interval`` (share of samples without an interval: a test whose splits cannot
reach alpha, e.g. 3 vs 3 units), ``degenerate_share`` (the project's mean: share of
bootstrap resamples with infinite t*, kept not clipped), ``share_significant`` and
``significant_agrees`` (differences: share with ``significant`` — the interval excludes
0 — and share where that equals ``p <= alpha``: 1 for the project's interval).

Rule: ``[compare] min_articles_ci`` is the smallest n from which on (every larger n in
the table too) the project's group-mean interval covers at least 0.93 for every topic
of the ``beta`` population (:func:`smallest_n`; ``tests/test_interval_coverage.py``).
Differences need no such rule: the inverted test's coverage is read here at each n, and
a contrast whose splits cannot reach alpha gets no interval.

Run by hand, not by reproduce; the table is committed. With the ``[bench]`` settings it
takes about 290 s of CPU in each of ``n_jobs = 2`` workers (the differences' exact
43,758 splits of 10 vs 8 units dominate); the committed table took 562 s of wall
time on the 2-core machine shared with a load of about 9. Monte Carlo se of a
coverage near 0.95: 0.0034 for a mean (4,000 samples), 0.0049 for a difference
(2,000), widths and agreement from 100 inverted intervals per cell.

    python bench/interval_coverage.py [--params params.toml] [--reps N] [--reps-diff N]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats as st

from analysis import io, resample
from analysis import permutation as perm
from analysis.compare.inference import DIFFERENCE_METHOD, INTERVAL_METHOD
from analysis.config import ROOT, load_params
from analysis.parallel import fork_map
from analysis.stats import mean_interval

CHUNK = 100       # samples that share one set of bootstrap resamples
ALPHA = 0.05      # nominal 95%
#: Bisection tolerance of the inverted test here (the stages use 1e-7): a bound is
#: an accepted shift within 1e-5 of a rejected one, so coverage can differ from the
#: exact inversion only for the ~1e-4 of samples whose bound lies that close to the truth.
TOL = 1e-5
MEAN_METHODS = (INTERVAL_METHOD, "percentile", "t")
DIFF_METHODS = (DIFFERENCE_METHOD, "welch-t")


def populations(article_topics: pd.DataFrame, kind: str):
    """``{topic: sampler(rng, size) -> array}`` and the population means of the
    text-level articles in ``article_topics``."""
    text = article_topics[article_topics["evidence"] == "text"]
    cols = [c for c in text.columns if c.startswith("topic_")]
    out, means = {}, {}
    for c in cols:
        v = text[c].to_numpy(dtype=float)
        mu, var = v.mean(), v.var()
        if kind == "beta":
            conc = mu * (1 - mu) / var - 1
            out[c] = (lambda rng, size, a=mu * conc, b=(1 - mu) * conc:
                      rng.beta(a, b, size=size))
        elif kind == "empirical":
            out[c] = (lambda rng, size, v=v: rng.choice(v, size=size))
        else:
            raise ValueError(kind)
        means[c] = mu
    return out, means


def mean_intervals(x: np.ndarray, method: str, n_boot: int, rng) -> dict:
    """Bounds of each column's interval (``x``: n × samples) and the degenerate share."""
    n, reps = x.shape
    if method == "t":
        m, se = x.mean(0), x.std(0, ddof=1) / np.sqrt(n)
        q = st.t.ppf(1 - ALPHA / 2, n - 1)
        return dict(lo=m - q * se, hi=m + q * se)
    lo, hi, deg = np.empty(reps), np.empty(reps), np.zeros(reps)
    for i in range(0, reps, CHUNK):
        block = x[:, i:i + CHUNK]
        if method == INTERVAL_METHOD:
            r = mean_interval(block, scale="proportion", n_boot=n_boot, alpha=ALPHA, rng=rng)
            lo[i:i + CHUNK], hi[i:i + CHUNK] = r["ci_low"], r["ci_high"]
            deg[i:i + CHUNK] = r["n_degenerate"] / n_boot
        elif method == "percentile":
            idx = rng.integers(0, n, size=(n_boot, n))
            mb = resample.mean_se(block[None], idx)[0][0]
            lo[i:i + CHUNK], hi[i:i + CHUNK] = np.percentile(
                mb, [100 * ALPHA / 2, 100 * (1 - ALPHA / 2)], axis=0)
        else:
            raise ValueError(method)
    out = dict(lo=lo, hi=hi)
    if method == INTERVAL_METHOD:
        out["degenerate"] = deg
    return out


def difference_intervals(xa: np.ndarray, xb: np.ndarray, method: str, compare, rng, *,
                         truth: float, n_invert: int) -> dict:
    """Intervals of ``mean(a) - mean(b)`` for each column (sample) of ``xa``, ``xb``.

    Welch's t: bounds for every sample. The inverted permutation test: for every
    sample the p-values at the true difference (the interval holds the truth exactly
    when the test does not reject it) and at 0; for the first ``n_invert`` samples the
    interval itself (:func:`analysis.permutation.invert`, a bisection of ~30 tests).
    """
    n_a, n_b = len(xa), len(xb)
    if method == "welch-t":
        va, vb = xa.var(0, ddof=1) / n_a, xb.var(0, ddof=1) / n_b
        d, se = xa.mean(0) - xb.mean(0), np.sqrt(va + vb)
        with np.errstate(divide="ignore", invalid="ignore"):     # constant samples
            df = (va + vb) ** 2 / (va ** 2 / (n_a - 1) + vb ** 2 / (n_b - 1))
        q = st.t.ppf(1 - ALPHA / 2, df)
        return dict(lo=d - q * se, hi=d + q * se)
    if method != DIFFERENCE_METHOD:
        raise ValueError(method)
    reps = xa.shape[1]
    p_truth, p0, reach = np.empty(reps), np.empty(reps), np.empty(reps, bool)
    lo, hi = np.full(n_invert, np.nan), np.full(n_invert, np.nan)
    x = np.concatenate([xa, xb])
    for i in range(0, reps, CHUNK):
        # The splits of [compare]: every split up to max_exact, else n_perm random ones
        # (new random splits for each block, as each contrast has its own).
        sp = perm.splits(n_a, n_b, n_perm=compare.n_perm, max_exact=compare.max_exact,
                         rng=rng)
        block = x[:, i:i + CHUNK]
        p_truth[i:i + CHUNK] = perm.welch_p(block, sp, delta=truth)
        reach[i:i + CHUNK] = sp.smallest_p <= ALPHA
        if i < n_invert:
            m = min(n_invert - i, block.shape[1])
            lo[i:i + m], hi[i:i + m], p0[i:i + m] = perm.invert(block[:, :m], sp, ALPHA,
                                                               limit=1.0, tol=TOL)
            if m < block.shape[1]:
                p0[i + m:i + CHUNK] = perm.welch_p(block[:, m:], sp)
        else:
            p0[i:i + CHUNK] = perm.welch_p(block, sp)
    return dict(lo=lo, hi=hi, p=p0[:n_invert], p_truth=p_truth, p0=p0, reach=reach)


def summarise(r: dict, truth: float, lo_range: float, hi_range: float) -> dict:
    """Coverage, Monte Carlo se, median width and the other columns of one cell."""
    lo, hi = r["lo"], r["hi"]
    given = np.isfinite(lo) & np.isfinite(hi)
    if "p_truth" in r:
        # Inverted test: the interval holds the truth <=> the test accepts the truth.
        reach = r["reach"]
        held = r["p_truth"][reach] > ALPHA
        n_cov = int(reach.sum())
        no_interval = float(1 - reach.mean())
    else:
        held = (lo[given] <= truth) & (truth <= hi[given])
        n_cov = int(given.sum())
        no_interval = float(1 - given.mean())
    cov = float(held.mean()) if n_cov else np.nan
    n_int = int(given.sum())
    row = {"reps": len(r["p_truth"]) if "p_truth" in r else len(lo), "coverage": cov,
           "mc_se": float(np.sqrt(cov * (1 - cov) / n_cov)) if n_cov else np.nan,
           "no_interval": no_interval, "reps_interval": len(lo),
           "median_width": float(np.median(hi[given] - lo[given])) if n_int else np.nan,
           "outside_range": float(np.mean((lo[given] < lo_range) | (hi[given] > hi_range)))
           if n_int else np.nan,
           "degenerate_share": float(np.mean(r["degenerate"])) if "degenerate" in r else np.nan}
    if "p_truth" in r:
        sig = (lo > 0) | (hi < 0)                   # NaN bounds: not significant
        row["share_significant"] = float(np.mean(r["p0"] <= ALPHA))
        row["significant_agrees"] = float(np.mean(sig == (r["p"] <= ALPHA)))
        inside = (lo <= truth) & (truth <= hi)
        accepted = r["p_truth"][:len(lo)] > ALPHA
        row["interval_agrees"] = (float(np.mean((inside == accepted)[given]))
                                  if n_int else np.nan)
    else:
        sig = given & ((lo > 0) | (hi < 0))
        row["share_significant"] = float(sig.mean()) if lo_range < 0 else np.nan
        row["significant_agrees"] = np.nan
        row["interval_agrees"] = np.nan
    return row


def _cell_rng(seed: int, *key) -> np.random.Generator:
    return np.random.default_rng([seed, *(int(k) for k in key)])


def _task(args) -> list[dict]:
    """Every row of one (population, topic): means, then differences."""
    (kind, ti, topic, pop, truth, pa, pb, truth_d, ns, pairs, reps, reps_d, n_invert,
     n_boot, compare, seed, label) = args
    rows = []
    kind_i = ("beta", "empirical").index(kind)
    for n in ns:
        x = pop(_cell_rng(seed, 0, kind_i, ti, n), (n, reps))
        for mi, method in enumerate(MEAN_METHODS):
            r = mean_intervals(x, method, n_boot, _cell_rng(seed, 1, kind_i, ti, n, mi))
            rows.append({"measure": "mean", "population": kind, "topic": topic, "n": n,
                         "n_b": np.nan, "method": method, "truth": truth,
                         **summarise(r, truth, 0.0, 1.0)})
    for n_a, n_b in pairs:
        rng = _cell_rng(seed, 2, kind_i, ti, n_a, n_b)
        xa, xb = pa(rng, (n_a, reps_d)), pb(rng, (n_b, reps_d))
        for mi, method in enumerate(DIFF_METHODS):
            r = difference_intervals(xa, xb, method, compare,
                                     _cell_rng(seed, 3, kind_i, ti, n_a, n_b, mi),
                                     truth=truth_d, n_invert=min(n_invert, reps_d))
            rows.append({"measure": f"difference ({label})", "population": kind,
                         "topic": topic, "n": n_a, "n_b": n_b, "method": method,
                         "truth": truth_d, **summarise(r, truth_d, -1.0, 1.0)})
    return rows


def run(article_topics: pd.DataFrame, *, by: str, a: str, b: str, ns, pairs, reps: int,
        reps_difference: int, reps_interval: int, n_boot: int, compare, seed: int,
        n_jobs: int = 1) -> pd.DataFrame:
    """The coverage table: one row per measure, population, topic, n and method.

    Means use each topic's population over all text articles; differences use, for
    the same topic, the populations of the ``[contrast]`` groups ``a`` and ``b``.
    Results do not depend on ``n_jobs`` (one random stream per cell).
    """
    tasks = []
    for kind in ("beta", "empirical"):
        pops, means = populations(article_topics, kind)
        pa, ma = populations(article_topics[article_topics[by] == a], kind)
        pb, mb = populations(article_topics[article_topics[by] == b], kind)
        for ti, topic in enumerate(pops):
            tasks.append((kind, ti, topic, pops[topic], means[topic], pa[topic], pb[topic],
                          ma[topic] - mb[topic], list(ns), list(pairs), reps,
                          reps_difference, reps_interval, n_boot, compare, seed,
                          f"{a} - {b}"))
    rows = [r for part in fork_map(_task, tasks, n_jobs) for r in part]
    out = pd.DataFrame(rows)
    out.insert(0, "nominal", 1 - ALPHA)
    return out


def smallest_n(table: pd.DataFrame, *, method: str = INTERVAL_METHOD,
               population: str = "beta", threshold: float = 0.93,
               max_width: float = 1.0) -> int | None:
    """The smallest n from which on (every larger n in the table too) ``method`` covers
    at least ``threshold`` for the mean of every topic of ``population``, with every
    interval inside [0, 1] and a median width below ``max_width`` (an interval as wide
    as the range of a proportion says nothing); None if none."""
    t = table[(table["method"] == method) & (table["population"] == population)
              & (table["measure"] == "mean")]
    ok = t.groupby("n").apply(lambda g: bool((g["coverage"] >= threshold).all()
                                             and (g["median_width"] < max_width).all()
                                             and (g["outside_range"] == 0).all()),
                              include_groups=False).sort_index()
    good = None
    for n, passed in zip(ok.index[::-1], ok.to_numpy()[::-1]):
        if not passed:
            break
        good = int(n)
    return good


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--params", default=str(ROOT / "params.toml"))
    ap.add_argument("--reps", type=int, default=None, help="override [bench] coverage_reps")
    ap.add_argument("--reps-diff", type=int, default=None,
                    help="override [bench] coverage_reps_difference")
    ap.add_argument("--reps-interval", type=int, default=None,
                    help="override [bench] coverage_reps_interval")
    ap.add_argument("--jobs", type=int, default=None, help="override [bench] n_jobs")
    ap.add_argument("--out", default=str(ROOT / "results" / "interval_coverage.csv"))
    args = ap.parse_args(argv)
    params = load_params(args.params)
    p, c = params.bench, params.contrast
    a, b = c.groups
    ns = list(p.coverage_ns)
    pairs = [(n, n) for n in ns] + [tuple(p.coverage_contrast_units)]
    start = time.perf_counter()
    shares = io.read_csv(ROOT / "results" / "article_topics.csv")
    if c.by not in shares.columns:  # article_topics holds ids and shares only
        meta = io.read_csv(ROOT / "results" / "article_metadata.csv")[["article_id", c.by]]
        shares = shares.merge(meta, on="article_id", how="left", validate="one_to_one")
    table = run(shares, by=c.by, a=a, b=b,
                ns=ns, pairs=pairs, reps=args.reps or p.coverage_reps,
                reps_difference=args.reps_diff or p.coverage_reps_difference,
                reps_interval=args.reps_interval or p.coverage_reps_interval,
                n_boot=p.coverage_boot, compare=params.compare, seed=p.seed,
                n_jobs=args.jobs or p.n_jobs)
    path = io.write_csv(table, args.out)
    t = table.assign(cell=table["n"].astype(int).astype(str)
                     + np.where(table["n_b"].notna() & (table["n_b"] != table["n"]),
                                "v" + table["n_b"].fillna(0).astype(int).astype(str), ""))
    summary = t.groupby(["measure", "population", "method", "cell"], sort=False)[
        "coverage"].min().unstack("cell")
    print("lowest coverage over topics:")
    print(summary.round(3).to_string())
    print(f"smallest n for an interval of a mean ({INTERVAL_METHOD}, beta): "
          f"{smallest_n(table)}")
    print(f"wrote {path} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
