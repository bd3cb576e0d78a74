"""Coverage of nominal 95% intervals for a group mean and a two-group difference at small n.

Which interval, and from which n on, may the comparisons draw? This simulation
answers it for the article-level topic prevalences of the seed (issue 14). For each
topic, article values are drawn from

* ``beta``: a Beta distribution with the mean and variance of the topic's observed
  text-level article prevalences (``results/article_topics.csv``), and
* ``empirical``: the observed article values themselves, drawn with replacement, a
  harsher population: a few articles carry most of a topic, with ties.

At each n (``[bench] coverage_ns``) it draws ``coverage_reps`` samples and records how
often each method's interval holds the population mean, or the difference of means
between the two ``[contrast]`` groups (n articles each, each group's own population for
the topic): the studentized bootstrap the project
uses (:func:`analysis.stats.studentized_draws`), the percentile bootstrap it used before,
and Student's t (Welch's for differences). ``mc_se`` is the Monte Carlo standard error.

Writes ``results/interval_coverage.csv``. ``[compare] min_articles_ci`` is the smallest n
from which on the project's method reaches 93% for the mean of every topic of the
``beta`` population with a median width under 1 (``smallest_n``,
``tests/test_interval_coverage.py``). Differences, whose coverage depends on both
groups, are checked one by one at their own n by the compare stage.

    python bench/interval_coverage.py [--params params.toml] [--reps N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats as st

from analysis import io
from analysis.compare.inference import INTERVAL_METHOD
from analysis.config import ROOT, load_params
from analysis.stats import (bootstrap_means, percentile_interval, studentized_difference_draws,
                            studentized_draws)

CHUNK = 25  # samples that share one set of bootstrap resamples (memory bound)


def populations(article_topics: pd.DataFrame, kind: str, rng: np.random.Generator):
    """``{topic: sampler(size) -> array}`` and the population means of the text-level
    articles in ``article_topics``."""
    text = article_topics[article_topics["evidence"] == "text"]
    cols = [c for c in text.columns if c.startswith("topic_")]
    out, means = {}, {}
    for c in cols:
        v = text[c].to_numpy(dtype=float)
        mu, var = v.mean(), v.var()
        if kind == "beta":
            conc = mu * (1 - mu) / var - 1
            out[c] = (lambda size, a=mu * conc, b=(1 - mu) * conc: rng.beta(a, b, size=size))
        elif kind == "empirical":
            out[c] = (lambda size, v=v: rng.choice(v, size=size))
        else:
            raise ValueError(kind)
        means[c] = mu
    return out, means


def _intervals_mean(s: np.ndarray, method: str, n_boot: int, rng) -> tuple:
    """Interval bounds for each row of ``s`` (reps × n)."""
    n = s.shape[1]
    if method == "t":
        m, se = s.mean(1), s.std(1, ddof=1) / np.sqrt(n)
        q = st.t.ppf(0.975, n - 1)
        return m - q * se, m + q * se
    lo, hi = np.empty(len(s)), np.empty(len(s))
    for i in range(0, len(s), CHUNK):
        block = s[i:i + CHUNK]
        if method == INTERVAL_METHOD:
            d = studentized_draws(block[:, :, None], n_boot, rng)   # (chunk, B, 1)
            lo[i:i + CHUNK], hi[i:i + CHUNK] = percentile_interval(d[:, :, 0].T, 0.95)
        else:
            d = np.stack([bootstrap_means(row, n_boot, rng) for row in block], axis=1)
            lo[i:i + CHUNK], hi[i:i + CHUNK] = percentile_interval(d, 0.95)
    return lo, hi


def _intervals_diff(sa: np.ndarray, sb: np.ndarray, method: str, n_boot: int, rng) -> tuple:
    n = sa.shape[1]
    if method == "t":
        va, vb = sa.var(1, ddof=1) / n, sb.var(1, ddof=1) / n
        d, se = sa.mean(1) - sb.mean(1), np.sqrt(va + vb)
        with np.errstate(divide="ignore", invalid="ignore"):   # constant samples
            df = (va + vb) ** 2 / (va ** 2 / (n - 1) + vb ** 2 / (n - 1))
        q = st.t.ppf(0.975, df)
        return d - q * se, d + q * se
    lo, hi = np.empty(len(sa)), np.empty(len(sa))
    for i in range(0, len(sa), CHUNK):
        a, b = sa[i:i + CHUNK], sb[i:i + CHUNK]
        if method == INTERVAL_METHOD:
            d = studentized_difference_draws(a[:, :, None], b[:, :, None], n_boot, rng, rng)
            lo[i:i + CHUNK], hi[i:i + CHUNK] = percentile_interval(d[:, :, 0].T, 0.95)
        else:
            d = np.stack([bootstrap_means(ra, n_boot, rng) - bootstrap_means(rb, n_boot, rng)
                          for ra, rb in zip(a, b)], axis=1)
            lo[i:i + CHUNK], hi[i:i + CHUNK] = percentile_interval(d, 0.95)
    return lo, hi


def simulate_cell(sample, truth: float, n: int, method: str, *, reps: int, n_boot: int,
                  rng: np.random.Generator, sample_b=None) -> dict:
    """Coverage, its Monte Carlo se and the median width of one (population, n, method)."""
    if sample_b is None:
        lo, hi = _intervals_mean(sample((reps, n)), method, n_boot, rng)
    else:
        lo, hi = _intervals_diff(sample((reps, n)), sample_b((reps, n)), method, n_boot, rng)
    cov = float(np.mean((lo <= truth) & (truth <= hi)))
    return {"coverage": cov, "mc_se": float(np.sqrt(cov * (1 - cov) / reps)),
            "median_width": float(np.median(hi - lo))}


def run(article_topics: pd.DataFrame, *, by: str, a: str, b: str, ns, reps: int,
        n_boot: int, seed: int) -> pd.DataFrame:
    """The coverage table: one row per measure, population, topic, n and method.

    Means use each topic's population over all text articles; differences use, for
    the same topic, the populations of the ``[contrast]`` groups ``a`` and ``b``.
    """
    rows = []
    methods = [INTERVAL_METHOD, "percentile", "t"]
    for kind in ("beta", "empirical"):
        for n in ns:
            rng = np.random.default_rng([seed, n, kind == "beta"])
            pops, means = populations(article_topics, kind, rng)
            pa, ma = populations(article_topics[article_topics[by] == a], kind, rng)
            pb, mb = populations(article_topics[article_topics[by] == b], kind, rng)
            for topic in pops:
                for method in methods:
                    base = dict(population=kind, topic=topic, n=n, method=method)
                    rows.append({"measure": "mean", **base, **simulate_cell(
                        pops[topic], means[topic], n, method, reps=reps, n_boot=n_boot,
                        rng=rng)})
                    rows.append({"measure": f"difference ({a} - {b})", **base,
                                 **simulate_cell(pa[topic], ma[topic] - mb[topic], n, method,
                                                 reps=reps, n_boot=n_boot, rng=rng,
                                                 sample_b=pb[topic])})
    out = pd.DataFrame(rows)
    out.insert(0, "nominal", 0.95)
    return out


def smallest_n(table: pd.DataFrame, *, method: str = INTERVAL_METHOD,
               population: str = "beta", threshold: float = 0.93,
               max_width: float = 1.0) -> int | None:
    """The smallest n from which on (every larger n in the table too) ``method`` covers at
    least ``threshold`` for the mean of every topic of ``population``, with a median width
    below ``max_width`` (the range of a proportion: wider says nothing); None if none.

    Differences are not part of the rule: their coverage depends on both groups'
    populations, so the compare stage checks each interval at its own n instead
    (``[compare] coverage_reps``).
    """
    t = table[(table["method"] == method) & (table["population"] == population)
              & (table["measure"] == "mean")]
    ok = t.groupby("n").apply(lambda g: bool((g["coverage"] >= threshold).all()
                                             and (g["median_width"] < max_width).all()),
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
    args = ap.parse_args(argv)
    params = load_params(args.params)
    p, c = params.bench, params.contrast
    a, b = c.groups
    shares = io.read_csv(ROOT / "results" / "article_topics.csv")
    if c.by not in shares.columns:  # article_topics holds ids and shares only
        meta = io.read_csv(ROOT / "results" / "article_metadata.csv")[["article_id", c.by]]
        shares = shares.merge(meta, on="article_id", how="left", validate="one_to_one")
    table = run(shares, by=c.by, a=a, b=b,
                ns=p.coverage_ns, reps=args.reps or p.coverage_reps, n_boot=p.coverage_boot,
                seed=p.seed)
    path = io.write_csv(table, ROOT / "results" / "interval_coverage.csv")
    summary = (table.groupby(["population", "measure", "method", "n"])["coverage"].min()
               .unstack("n"))
    print(summary.groupby(level=["population", "method"]).min().round(3).to_string())
    print(f"smallest n for an interval of a mean ({INTERVAL_METHOD}, beta): "
          f"{smallest_n(table)}")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
