"""Inference over articles (and topic-model refits) for group estimates and differences.

Units are articles, or clusters of articles (``cluster_by``: articles from one
place count once). A value per unit may come from several refits of the topic
model (a ``seed`` column); then intervals pool the bootstrap draws of every
refit, stm's "global" uncertainty by the method of composition (Roberts, Stewart
& Tingley 2019), so they cover the variation over seeds as well as over articles.

* Intervals are studentized bootstrap (bootstrap-t) intervals. Their coverage at
  small n is simulated in ``bench/interval_coverage.py``
  (``results/interval_coverage.csv``); below ``min_units`` units no interval is
  given, only the point estimate, and the status says so.
* Two-group differences get a permutation p-value over units (exact when the
  splits are few), Benjamini–Hochberg q across the measures compared, the share
  of refits that agree in sign, and leave-one-unit-out influence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.stats import (bh, bootstrap_t_coverage, group_rng, percentile_interval,
                            permutation_test, studentized_difference_draws,
                            studentized_draws)

__all__ = ["INTERVAL_METHOD", "Inference", "difference", "from_options", "group_estimate",
           "unit_values"]

INTERVAL_METHOD = "bootstrap-t"


@dataclass(frozen=True)
class Inference:
    """Settings of the article-level inference (``[compare]``).

    Attributes
    ----------
    n_boot : bootstrap replicates per refit.
    ci : interval level.
    min_units : fewer units than this: point estimate only, no interval.
    random_state : seed of the bootstrap and Monte Carlo permutation streams.
    n_perm : random splits when an exact permutation test has more than ``max_exact``.
    max_exact : largest number of splits enumerated exactly.
    alpha : level of ``significant`` (interval excludes zero and q < alpha).
    coverage_reps, coverage_boot : samples and bootstrap replicates of the coverage
        check of each interval at its n (0 reps: no check).
    min_coverage : an interval whose simulated coverage is below this is withheld.
    """

    n_boot: int = 2000
    ci: float = 0.95
    min_units: int = 5
    random_state: int = 0
    n_perm: int = 9999
    max_exact: int = 100000
    alpha: float = 0.05
    coverage_reps: int = 0
    coverage_boot: int = 499
    min_coverage: float = 0.93


def from_options(*, n_boot: int, ci: float, min_articles: int, random_state: int,
                 n_perm: int = 9999, max_exact: int = 100000, alpha: float = 0.05,
                 coverage_reps: int = 0, coverage_boot: int = 499,
                 min_coverage: float = 0.93, **_) -> Inference:
    """:class:`Inference` from the keyword options of the compare functions
    (``min_articles`` is ``min_units``; other keys such as ``clusters`` are ignored)."""
    return Inference(n_boot=n_boot, ci=ci, min_units=min_articles, random_state=random_state,
                     n_perm=n_perm, max_exact=max_exact, alpha=alpha,
                     coverage_reps=coverage_reps, coverage_boot=coverage_boot,
                     min_coverage=min_coverage)


def _coverage(va: np.ndarray, vb: np.ndarray | None, name: str,
              inf: Inference) -> np.ndarray:
    """Simulated coverage of each column's bootstrap-t interval at the observed n, for
    populations fitted to the observed unit values (``va``, ``vb``: units × k);
    NaN without a check (``coverage_reps = 0``)."""
    k = va.shape[1]
    if inf.coverage_reps <= 0:
        return np.full(k, np.nan)
    rng = group_rng(inf.random_state, f"{name}|coverage")
    return np.array([bootstrap_t_coverage(
        va[:, j], None if vb is None else vb[:, j], n_a=len(va),
        n_b=None if vb is None else len(vb), ci=inf.ci, reps=inf.coverage_reps,
        n_boot=inf.coverage_boot, rng=rng) for j in range(k)])


def _withhold(lo, hi, coverage, n_text: str, inf: Inference):
    """Intervals whose checked coverage is too low become NaN; per-column status."""
    bad = coverage < inf.min_coverage
    status = np.where(bad, [f"interval withheld: simulated coverage {c:.3f} < "
                            f"{inf.min_coverage:.2f} at {n_text}" for c in coverage],
                      "estimated")
    return np.where(bad, np.nan, lo), np.where(bad, np.nan, hi), list(status)


def unit_values(values: pd.DataFrame, cols: list[str], ids,
                clusters: pd.Series | None = None) -> tuple[np.ndarray, list]:
    """Per-unit values of the articles ``ids``, as ``(n_seeds, n_units, k)``.

    ``values`` has ``article_id``, the ``cols`` and optionally ``seed`` (one row
    per article and refit). ``clusters`` maps ``article_id`` to a cluster key;
    articles of one cluster are averaged into one unit. Returns the array and
    the unit keys (article ids, or cluster keys).
    """
    ids = list(ids)
    df = values[values["article_id"].isin(ids)]
    if "seed" not in df.columns:
        df = df.assign(seed=0)
    unit = df["article_id"]
    if clusters is not None:
        unit = unit.map(clusters).fillna("article " + unit.astype(str)).astype(str)
    df = df.assign(_unit=unit)
    g = df.groupby(["seed", "_unit"], sort=True)[cols].mean()
    seeds = g.index.get_level_values(0).unique()
    units = list(g.index.get_level_values(1).unique())
    arr = g.reindex(pd.MultiIndex.from_product([seeds, units])).to_numpy(dtype=float)
    return arr.reshape(len(seeds), len(units), len(cols)), units


def group_estimate(x: np.ndarray, name: str, inf: Inference) -> dict:
    """Point estimate (mean over refits of the unit mean), interval and status of
    one group's ``(n_seeds, n_units, k)`` values."""
    n_seeds, n, k = x.shape
    nan = np.full(k, np.nan)
    if n == 0:
        return dict(estimate=nan, ci_low=nan, ci_high=nan, n_units=0, coverage=nan,
                    status=["no units"] * k)
    est = x.mean(axis=1).mean(axis=0)
    if n < inf.min_units:
        return dict(estimate=est, ci_low=nan, ci_high=nan, n_units=n, coverage=nan,
                    status=[f"point only: n={n} < {inf.min_units} units for an interval"] * k)
    draws = studentized_draws(x, inf.n_boot, group_rng(inf.random_state, name))
    lo, hi = percentile_interval(draws.reshape(-1, k), inf.ci)
    coverage = _coverage(x.mean(axis=0), None, name, inf)
    lo, hi, status = _withhold(lo, hi, coverage, f"n={n}", inf)
    return dict(estimate=est, ci_low=lo, ci_high=hi, n_units=n, coverage=coverage,
                status=status)


def _difference_core(xa: np.ndarray, xb: np.ndarray, a: str, b: str, inf: Inference,
                     withheld: np.ndarray | None = None) -> dict:
    """Estimate, interval, permutation p and BH q of ``mean(a) - mean(b)`` per column;
    intervals of ``withheld`` columns are left out (NaN)."""
    k = xa.shape[2]
    per_seed = xa.mean(axis=1) - xb.mean(axis=1)                       # (S, k)
    est = per_seed.mean(axis=0)
    nan = np.full(k, np.nan)
    lo = hi = nan
    enough = min(xa.shape[1], xb.shape[1]) >= inf.min_units
    if enough:
        draws = studentized_difference_draws(xa, xb, inf.n_boot,
                                             group_rng(inf.random_state, a),
                                             group_rng(inf.random_state, b))
        lo, hi = percentile_interval(draws.reshape(-1, k), inf.ci)
        if withheld is not None:
            lo, hi = np.where(withheld, np.nan, lo), np.where(withheld, np.nan, hi)
    # The test shuffles group labels over units; each unit's value is its mean over refits.
    pooled = np.concatenate([xa.mean(axis=0), xb.mean(axis=0)])
    in_a = np.r_[np.ones(xa.shape[1], bool), np.zeros(xb.shape[1], bool)]
    p, exact = permutation_test(pooled, in_a, n_perm=inf.n_perm, max_exact=inf.max_exact,
                                rng=group_rng(inf.random_state, f"{a}|{b}|perm"))
    q = bh(p)
    excludes = (lo > 0) | (hi < 0)
    sign = np.sign(est)
    return dict(estimate=est, ci_low=lo, ci_high=hi, p_value=p, p_exact=exact, q_value=q,
                ci_excludes_zero=excludes, significant=excludes & (q < inf.alpha),
                sign_agreement=(np.sign(per_seed) == sign).mean(axis=0),
                per_seed=per_seed, enough=enough)


def _influence(xa: np.ndarray, xb: np.ndarray, units_a: list, units_b: list, a: str,
               b: str, inf: Inference, full: dict, withheld: np.ndarray) -> dict:
    """Leave one unit out: the range of estimates, the most influential unit, the
    estimate without it, and whether the sign or the conclusion changes."""
    k = xa.shape[2]
    rows = []
    for side, x, units in (("a", xa, units_a), ("b", xb, units_b)):
        for i, u in enumerate(units):
            keep = np.arange(x.shape[1]) != i
            xa_i, xb_i = (x[:, keep], xb) if side == "a" else (xa, x[:, keep])
            if min(xa_i.shape[1], xb_i.shape[1]) == 0:
                continue
            rows.append((u, _difference_core(xa_i, xb_i, a, b, inf, withheld)))
    if not rows:
        nan = np.full(k, np.nan)
        return dict(loo_min=nan, loo_max=nan, loo_most_influential=[""] * k,
                    loo_estimate_without=nan, loo_sign_flips=np.zeros(k, bool),
                    loo_conclusion_flips=np.zeros(k, bool))
    ests = np.array([r["estimate"] for _, r in rows])                  # (n_loo, k)
    sig = np.array([r["significant"] for _, r in rows])
    worst = np.abs(ests - full["estimate"]).argmax(axis=0)
    flips_sign = (np.sign(ests) != np.sign(full["estimate"])).any(axis=0)
    return dict(loo_min=ests.min(axis=0), loo_max=ests.max(axis=0),
                loo_most_influential=[str(rows[j][0]) for j in worst],
                loo_estimate_without=ests[worst, np.arange(k)],
                loo_sign_flips=flips_sign,
                loo_conclusion_flips=(sig != full["significant"]).any(axis=0))


def difference(xa: np.ndarray, xb: np.ndarray, units_a: list, units_b: list, a: str,
               b: str, inf: Inference, *, influence: bool = True) -> pd.DataFrame:
    """Difference ``a - b`` per column with every check a reviewer asks for.

    Returns
    -------
    DataFrame, one row per column (in column order): ``estimate`` (mean over
    refits), ``estimate_sd_seeds``, ``ci_low``/``ci_high`` (pooled bootstrap-t,
    NaN below ``min_units``), ``p_value`` (``p_exact``), ``q_value`` (BH across the
    columns), ``ci_excludes_zero``, ``significant``, ``sign_agreement`` (share of
    refits whose estimate has the pooled sign), ``n_seeds``, ``n_a``/``n_b`` (units),
    ``interval``, ``status`` and, with ``influence``, the ``loo_*`` columns.
    """
    full = _difference_core(xa, xb, a, b, inf)
    k = xa.shape[2]
    n_seeds = xa.shape[0]
    n_text = f"n={xa.shape[1]} vs {xb.shape[1]}"
    coverage = np.full(k, np.nan)
    if full["enough"]:
        coverage = _coverage(xa.mean(axis=0), xb.mean(axis=0), f"{a}|{b}", inf)
        lo, hi, status = _withhold(full["ci_low"], full["ci_high"], coverage, n_text, inf)
        if np.isnan(lo).any():
            full = _difference_core(xa, xb, a, b, inf, withheld=np.isnan(lo))
    else:
        status = [f"point only: {n_text} < {inf.min_units} units for an interval"] * k
    withheld = np.isnan(full["ci_low"])
    out = {key: full[key] for key in ("estimate", "ci_low", "ci_high", "p_value", "q_value",
                                      "ci_excludes_zero", "significant", "sign_agreement")}
    out["estimate_sd_seeds"] = (full["per_seed"].std(axis=0, ddof=1) if n_seeds > 1
                                else np.full(k, np.nan))
    df = pd.DataFrame(out)
    df["p_exact"] = full["p_exact"]
    df["n_seeds"], df["n_a"], df["n_b"] = n_seeds, xa.shape[1], xb.shape[1]
    df["interval"] = f"{INTERVAL_METHOD}, {inf.ci:.0%}, over units" + (
        f" and {n_seeds} model refits" if n_seeds > 1 else "")
    df["interval_coverage"] = coverage
    df["status"] = status
    if influence:
        for key, val in _influence(xa, xb, units_a, units_b, a, b, inf, full,
                                   withheld).items():
            df[key] = val
    return df
