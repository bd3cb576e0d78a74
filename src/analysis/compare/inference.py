"""Inference over units (articles, or clusters of articles) for group means and differences.

One estimand per claim: the difference in the mean of a per-article measure (a topic
share of the reported model, a mention rate) between the units of two groups.

* A **difference** is tested by shuffling group labels over units with the
  Welch-studentized statistic, and its interval is the inversion of that same test
  (:mod:`analysis.permutation`): ``significant`` is true exactly when the interval
  excludes 0. ``p_adj`` is Westfall–Young max-T across the columns of the table (its
  family), valid under any dependence. ``mde`` is the smallest difference the test
  detects with the stated power at these n. Leave-one-unit-out checks give the range
  of the estimate and whether the conclusion changes.
* A **group mean** gets a bootstrap-t interval on the link scale (logit for
  proportions, log for rates), so it stays inside the measure's range; below
  ``min_units`` units only the point estimate is given, and the status says so.
* Refits of the topic model under other seeds are **reproducibility**, never mixed
  into an interval: their estimates, sign agreement and share of refits whose own
  test rejects are reported beside the reported model's numbers; a topic whose
  refits do not find it again (``stable`` false) is not compared.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import permutation as perm
from analysis.stats import RANGES, group_rng, mean_interval

__all__ = ["DIFFERENCE_METHOD", "INTERVAL_METHOD", "Inference", "difference",
           "from_options", "group_estimate", "unit_values"]

INTERVAL_METHOD = "bootstrap-t on the link scale"
DIFFERENCE_METHOD = "inverted Welch permutation test"


@dataclass(frozen=True)
class Inference:
    """Settings of the inference over units (``[compare]``).

    Attributes
    ----------
    n_boot : bootstrap replicates of a group mean's interval.
    min_units : fewer units than this: a group mean gets no interval.
    random_state : seed of every random stream (one per group or contrast).
    n_perm : random splits when there are more than ``max_exact``.
    max_exact : largest number of splits enumerated exactly.
    alpha : test level; intervals have level ``1 - alpha``.
    power, power_sims, power_perm : the minimum detectable difference is the shift
        detected with this power, over ``power_sims`` simulated data sets each tested
        with ``power_perm`` random splits.
    """

    n_boot: int = 2000
    min_units: int = 5
    random_state: int = 0
    n_perm: int = 9999
    max_exact: int = 100000
    alpha: float = 0.05
    power: float = 0.8
    power_sims: int = 200
    power_perm: int = 199


def from_options(*, n_boot: int, min_articles: int, random_state: int, n_perm: int,
                 max_exact: int, alpha: float, power: float, power_sims: int,
                 power_perm: int, **_) -> Inference:
    """:class:`Inference` from the keyword options of the compare functions
    (``min_articles`` is ``min_units``; other keys such as ``clusters`` are ignored)."""
    return Inference(n_boot=n_boot, min_units=min_articles, random_state=random_state,
                     n_perm=n_perm, max_exact=max_exact, alpha=alpha, power=power,
                     power_sims=power_sims, power_perm=power_perm)


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


def group_estimate(x: np.ndarray, name: str, inf: Inference, *,
                   scale: str = "proportion") -> dict:
    """Mean, interval and status of one group's ``(n_units, k)`` values."""
    n, k = x.shape
    nan = np.full(k, np.nan)
    if n == 0:
        return dict(estimate=nan, ci_low=nan, ci_high=nan, n_units=0,
                    n_degenerate=np.zeros(k, int), status=["no units"] * k)
    est = x.mean(axis=0)
    if n < max(inf.min_units, 2):
        return dict(estimate=est, ci_low=nan, ci_high=nan, n_units=n,
                    n_degenerate=np.zeros(k, int),
                    status=[f"point only: n={n} < {inf.min_units} units for an interval"] * k)
    r = mean_interval(x, scale=scale, n_boot=inf.n_boot, alpha=inf.alpha,
                      rng=group_rng(inf.random_state, name))
    status = np.where(r["edge"], "point only: every unit at the edge of the range "
                                 f"({RANGES[scale][0]:g})", "estimated")
    return dict(estimate=est, ci_low=r["ci_low"], ci_high=r["ci_high"], n_units=n,
                n_degenerate=r["n_degenerate"], status=list(status))


def _limit(scale: str) -> float | None:
    lo, hi = RANGES[scale]
    return float(hi - lo) if np.isfinite(hi - lo) else None


def _test(xa: np.ndarray, xb: np.ndarray, name: str, inf: Inference) -> perm.Splits:
    return perm.splits(len(xa), len(xb), n_perm=inf.n_perm, max_exact=inf.max_exact,
                       rng=group_rng(inf.random_state, f"{name}|perm"))


def _influence(xa: np.ndarray, xb: np.ndarray, units_a: list, units_b: list, name: str,
               inf: Inference, est: np.ndarray, sig: np.ndarray) -> dict:
    """Leave one unit out: the range of estimates, the most influential unit, the
    estimate without it, and whether the sign or the conclusion (p ≤ alpha) changes."""
    k = xa.shape[1]
    rows = []
    for side, x, units in (("a", xa, units_a), ("b", xb, units_b)):
        for i, u in enumerate(units):
            keep = np.arange(len(x)) != i
            xa_i, xb_i = (x[keep], xb) if side == "a" else (xa, x[keep])
            if min(len(xa_i), len(xb_i)) < 2:
                continue
            sp = _test(xa_i, xb_i, name, inf)
            p = perm.welch_p(np.concatenate([xa_i, xb_i]), sp)
            rows.append((u, xa_i.mean(axis=0) - xb_i.mean(axis=0), p <= inf.alpha))
    if not rows:
        nan = np.full(k, np.nan)
        return dict(loo_min=nan, loo_max=nan, loo_most_influential=[""] * k,
                    loo_estimate_without=nan, loo_sign_flips=np.zeros(k, bool),
                    loo_conclusion_flips=np.zeros(k, bool))
    ests = np.array([r[1] for r in rows])
    sigs = np.array([r[2] for r in rows])
    worst = np.abs(ests - est).argmax(axis=0)
    return dict(loo_min=ests.min(axis=0), loo_max=ests.max(axis=0),
                loo_most_influential=[str(rows[j][0]) for j in worst],
                loo_estimate_without=ests[worst, np.arange(k)],
                loo_sign_flips=(np.sign(ests) != np.sign(est)).any(axis=0),
                loo_conclusion_flips=(sigs != sig).any(axis=0))


def _refit_columns(refits, sp: perm.Splits, est: np.ndarray, alpha: float) -> dict:
    """Each refit's estimate, their agreement in sign with the reported model and the
    share of refits whose own test rejects (reproducibility, not uncertainty)."""
    ests, rejects = [], []
    for xa_s, xb_s in refits:
        ests.append(xa_s.mean(axis=0) - xb_s.mean(axis=0))
        p = perm.welch_p(np.concatenate([xa_s, xb_s]), sp)
        rejects.append(p <= alpha)
    ests, rejects = np.array(ests), np.array(rejects)
    return dict(n_refits=len(ests),
                refit_estimates=[" ".join(f"{v:.3f}" for v in col) for col in ests.T],
                refit_sd=ests.std(axis=0, ddof=1) if len(ests) > 1 else np.full(len(est), np.nan),
                sign_agreement=(np.sign(ests) == np.sign(est)).mean(axis=0),
                refit_reject_share=rejects.mean(axis=0))


def difference(xa: np.ndarray, xb: np.ndarray, units_a: list, units_b: list, a: str,
               b: str, inf: Inference, *, scale: str = "proportion",
               compared: np.ndarray | None = None, not_compared: list[str] | None = None,
               refits: list[tuple[np.ndarray, np.ndarray]] | None = None,
               family: str = "the columns of this table", mde: bool = True,
               influence: bool = True) -> pd.DataFrame:
    """Difference ``mean(a) - mean(b)`` per column of the ``(n_units, k)`` values.

    Parameters
    ----------
    scale : {"proportion", "rate", "real"}
        The measure's kind: a difference of proportions lies in [-1, 1].
    compared : bool array (k,), optional
        Columns to compare (default all); the others get a row with ``status`` from
        ``not_compared`` and no numbers, and stay out of the max-T family.
    refits : list of (xa, xb), optional
        The same units' values under each refit of the model (topics aligned).
    family : str
        What ``p_adj`` adjusts over, written in ``p_adj_family``.
    mde, influence : bool
        Compute the minimum detectable difference and the leave-one-out columns
        (simulations that measure power directly skip both).

    Returns
    -------
    DataFrame, one row per column: ``estimate``, ``ci_low``/``ci_high`` (level
    ``1 - alpha``), ``p_value`` (``p_exact``, ``n_splits``), ``p_adj`` (max-T across
    the compared columns), ``significant`` (interval excludes 0, i.e. p ≤ alpha),
    ``significant_adj`` (p_adj ≤ alpha), ``mde``, ``n_a``/``n_b`` (units),
    ``interval``, ``status``, the refit columns and the ``loo_*`` columns.
    """
    xa, xb = np.asarray(xa, float), np.asarray(xb, float)
    k = xa.shape[1]
    use = np.ones(k, bool) if compared is None else np.asarray(compared, bool).copy()
    notes = list(not_compared) if not_compared is not None else [""] * k
    # No variation inside either group (an actor nobody mentions): the shift model
    # would call any shift impossible, so such a column is described, not tested.
    flat = (np.ptp(xa, axis=0) == 0) & (np.ptp(xb, axis=0) == 0)
    notes = [f"not compared: no variation within either group (values "
             f"{xa[0, j]:g} and {xb[0, j]:g})" if flat[j] and use[j] else notes[j]
             for j in range(k)]
    use &= ~flat
    name = f"{a}|{b}"
    out = {c: np.full(k, np.nan) for c in ("estimate", "ci_low", "ci_high", "p_value",
                                           "p_adj", "mde")}
    sig = np.zeros(k, bool)
    sp = _test(xa, xb, name, inf)
    status = np.array(notes, dtype=object)
    if use.any():
        x = np.concatenate([xa[:, use], xb[:, use]])
        lo, hi, p = perm.invert(x, sp, inf.alpha, limit=_limit(scale))
        _, t = perm.welch_test(x, sp)
        out["estimate"][use] = xa[:, use].mean(axis=0) - xb[:, use].mean(axis=0)
        out["ci_low"][use], out["ci_high"][use], out["p_value"][use] = lo, hi, p
        out["p_adj"][use] = perm.max_t_adjust(t)
        out["mde"][use] = np.nan if not mde else perm.minimum_detectable(
            xa[:, use], xb[:, use], alpha=inf.alpha, power=inf.power, n_sim=inf.power_sims,
            n_perm=inf.power_perm, rng=group_rng(inf.random_state, f"{name}|power"),
            limit=_limit(scale))
        sig[use] = (lo > 0) | (hi < 0)
        reach = sp.smallest_p <= inf.alpha
        status[use] = ("estimated" if reach else
                       f"no test: {len(sp.rows)} splits of {len(xa)} vs {len(xb)} units "
                       f"cannot reach p <= {inf.alpha:g}")
    df = pd.DataFrame(out)
    df["significant"] = sig
    df["significant_adj"] = use & (df["p_adj"] <= inf.alpha).to_numpy()
    df["p_exact"], df["n_splits"] = sp.exact, len(sp.rows)
    df["p_adj_family"] = f"max-T over {int(use.sum())} {family}"
    df["n_a"], df["n_b"] = len(xa), len(xb)
    df["interval"] = f"{DIFFERENCE_METHOD}, {1 - inf.alpha:.0%}, over units"
    df["mde_power"] = inf.power
    df["status"] = status
    df = df[["estimate", "ci_low", "ci_high", "p_value", "p_exact", "n_splits", "p_adj",
             "p_adj_family", "significant", "significant_adj", "mde", "mde_power", "n_a",
             "n_b", "interval", "status"]]
    if refits:
        cols = _refit_columns([(ra[:, use], rb[:, use]) for ra, rb in refits], sp,
                              df["estimate"].to_numpy()[use], inf.alpha)
        for key, val in cols.items():
            full = np.full(k, np.nan, dtype=object if key == "refit_estimates" else float)
            full[use] = val
            df[key] = "" if key == "refit_estimates" and not use.any() else full
    if influence:
        loo = _influence(xa[:, use], xb[:, use], units_a, units_b, name, inf,
                         df["estimate"].to_numpy()[use], sig[use]) if use.any() else {}
        for key, val in loo.items():
            full = np.full(k, np.nan, dtype=object)
            full[use] = val
            df[key] = full
    return df
