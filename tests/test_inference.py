"""Inference over units: the Welch permutation test, its inversion, max-T, power, the
interval of a group mean, and the difference table built on them.

Real inputs: the committed article topic shares of the articles with text
(``results/article_topics.csv``) and 枫桥 mention rates (``results/fengqiao_by_article.csv``),
split by the ``[contrast]`` groups (county, city).
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from analysis import compare as C
from analysis import permutation as perm
from analysis import stats
from analysis.compare.inference import Inference, difference, group_estimate, unit_values
from analysis.config import ROOT
from analysis.evidence import NoTextError, resolve_contrast

INF = Inference(n_boot=999, min_units=5, random_state=3, n_perm=999, max_exact=100000,
                alpha=0.05, power=0.8, power_sims=100, power_perm=199)
ALPHA = 0.05


def _rng(seed=0):
    return np.random.default_rng(seed)


@pytest.fixture(scope="module")
def topics():
    """(county, city) article topic shares of the articles with text, (n, 5) each."""
    df = pd.read_csv(ROOT / "results" / "article_topics.csv")
    meta = pd.read_csv(ROOT / "results" / "article_metadata.csv")[["article_id", "tier"]]
    df = df[df["evidence"] == "text"].merge(meta, on="article_id", validate="one_to_one")
    cols = [c for c in df.columns if c.startswith("topic_")]
    xa = df[df["tier"] == "county"][cols].to_numpy(float)
    xb = df[df["tier"] == "city"][cols].to_numpy(float)
    assert len(xa) >= 8 and len(xb) >= 8 and len(cols) == 5
    return xa, xb


@pytest.fixture(scope="module")
def fengqiao():
    """(county, city) 枫桥 mentions per 10,000 characters of the articles with text."""
    df = pd.read_csv(ROOT / "results" / "fengqiao_by_article.csv")
    df = df[df["text_status"] != "title_only"]
    xa = df[df["tier"] == "county"][["per_10k_chars"]].to_numpy(float)
    xb = df[df["tier"] == "city"][["per_10k_chars"]].to_numpy(float)
    assert len(xa) >= 8 and len(xb) >= 8
    return xa, xb


def _exact(n_a, n_b):
    return perm.splits(n_a, n_b, n_perm=99, max_exact=10 ** 6, rng=_rng())


# ------------------------------------------------------------------ the test


def _abs_welch(a, b, axis):
    return np.abs(st.ttest_ind(a, b, axis=axis, equal_var=False).statistic)


@pytest.mark.parametrize("n_a, n_b", [(5, 4), (4, 4), (6, 3)])
def test_exact_p_equals_scipy_permutation_test(topics, n_a, n_b):
    xa, xb = topics
    x = np.concatenate([xa[:n_a], xb[:n_b]])
    sp = _exact(n_a, n_b)
    assert sp.exact and len(sp.rows) == math.comb(n_a + n_b, n_a)
    p, t = perm.welch_test(x, sp)
    for j in range(x.shape[1]):
        ref = st.permutation_test((x[:n_a, j], x[n_a:, j]), _abs_welch, vectorized=True,
                                  permutation_type="independent", n_resamples=np.inf,
                                  alternative="greater")
        assert p[j] == pytest.approx(ref.pvalue, abs=1e-12)
        assert abs(t[0, j]) == pytest.approx(ref.statistic)
    # The kernel that the inversion uses gives the same p-values.
    assert np.array_equal(perm.welch_p(x, sp), p)


def test_monte_carlo_p_agrees_with_the_exact_p(topics):
    xa, xb = topics
    x = np.concatenate([xa, xb])
    exact, _ = perm.welch_test(x, _exact(len(xa), len(xb)))
    sp = perm.splits(len(xa), len(xb), n_perm=9999, max_exact=1000, rng=_rng(1))
    assert not sp.exact and len(sp.rows) == 10000
    mc, _ = perm.welch_test(x, sp)
    se = np.sqrt(exact * (1 - exact) / 9999)
    assert (np.abs(mc - exact) <= 4 * se + 2e-4).all()
    assert (mc >= 1 / 10000).all()                       # the observed split counts


def test_smallest_p_counts_the_mirror_split_of_equal_groups():
    # Two equal groups: swapping them gives the same |t|, so p >= 2 / C(n, n_a).
    x = np.array([[0.9], [0.8], [0.85], [0.1], [0.2], [0.15]])
    sp = _exact(3, 3)
    assert perm.welch_test(x, sp)[0][0] == pytest.approx(2 / 20)
    assert sp.smallest_p == pytest.approx(2 / 20)
    assert _exact(4, 3).smallest_p == pytest.approx(1 / 35)
    assert perm.welch_test(np.array([[0.9], [0.8], [0.85], [0.7], [0.1], [0.2], [0.15]]),
                           _exact(4, 3))[0][0] == pytest.approx(1 / 35)


# ------------------------------------------------------------- the inversion


def _columns(topics, fengqiao):
    """Real columns (topics, 枫桥 rates, subsets of units) and random ones."""
    xa, xb = topics
    fa, fb = fengqiao
    cases = [(xa, xb, 1.0), (xa[:6], xb[:5], 1.0), (xa[:5], xb[:5], 1.0),
             (fa, fb, None), (fa[:6], fb[:6], None)]
    rng = _rng(5)
    for _ in range(4):
        n_a, n_b = rng.integers(4, 9, size=2)
        ya = rng.beta(0.5, 2, size=(n_a, 6))
        yb = rng.beta(0.5, 2, size=(n_b, 6)) + rng.uniform(-0.2, 0.2, size=6).clip(-0.05)
        cases.append((ya, yb.clip(0, 1), 1.0))
    return cases


def test_inverted_interval_agrees_with_its_test(topics, fengqiao):
    seen_sig = seen_not = 0
    for xa, xb, limit in _columns(topics, fengqiao):
        x = np.concatenate([xa, xb])
        sp = perm.splits(len(xa), len(xb), n_perm=1999, max_exact=20000, rng=_rng(2))
        lo, hi, p = perm.invert(x, sp, ALPHA, limit=limit)
        assert np.array_equal(p, perm.welch_test(x, sp)[0])
        est = xa.mean(0) - xb.mean(0)
        sig = (lo > 0) | (hi < 0)
        assert np.array_equal(sig, p <= ALPHA)
        assert (lo <= est).all() and (est <= hi).all()
        seen_sig += sig.sum()
        seen_not += (~sig).sum()
        # The bounds are accepted shifts; just outside them the test rejects.
        assert (perm.welch_test(x, sp, delta=lo)[0] > ALPHA).all()
        assert (perm.welch_test(x, sp, delta=hi)[0] > ALPHA).all()
        edge = limit if limit is not None else np.inf
        out_lo, out_hi = lo - 1e-6, hi + 1e-6
        p_lo = perm.welch_test(x, sp, delta=out_lo)[0]
        p_hi = perm.welch_test(x, sp, delta=out_hi)[0]
        assert ((p_lo <= ALPHA) | (lo <= -edge)).all()
        assert ((p_hi <= ALPHA) | (hi >= edge)).all()
        if limit is not None:
            assert (lo >= -limit).all() and (hi <= limit).all()
    assert seen_sig >= 1 and seen_not >= 3          # both outcomes were exercised


def test_a_difference_of_proportions_stays_in_its_range():
    rng = _rng(9)
    for n_a, n_b in [(4, 4), (5, 3), (8, 10)]:
        # Near the edges, with ties: values of 0 and 1 in both groups.
        xa = rng.choice([0.0, 0.02, 0.9, 1.0], size=(n_a, 20))
        xb = rng.choice([0.0, 0.05, 0.1, 1.0], size=(n_b, 20))
        sp = perm.splits(n_a, n_b, n_perm=999, max_exact=20000, rng=rng)
        lo, hi, p = perm.invert(np.concatenate([xa, xb]), sp, ALPHA, limit=1.0)
        ok = np.isfinite(lo)
        assert ok.all()
        assert (lo >= -1).all() and (hi <= 1).all() and (hi - lo <= 2).all()
        assert np.array_equal((lo > 0) | (hi < 0), p <= ALPHA)


@pytest.mark.parametrize("n_a, n_b", [(2, 2), (3, 3), (4, 2)])
def test_no_interval_when_the_splits_cannot_reach_alpha(topics, n_a, n_b):
    xa, xb = topics
    x = np.concatenate([xa[:n_a], xb[:n_b]])
    sp = _exact(n_a, n_b)
    assert sp.smallest_p > ALPHA
    lo, hi, p = perm.invert(x, sp, ALPHA, limit=1.0)
    assert np.isnan(lo).all() and np.isnan(hi).all() and (p > ALPHA).all()


# ------------------------------------------------------------------- max-T


def test_max_t_is_at_least_the_raw_p_and_equals_it_for_one_column(topics):
    xa, xb = topics
    x = np.concatenate([xa, xb])
    sp = perm.splits(len(xa), len(xb), n_perm=1999, max_exact=1000, rng=_rng(4))
    p, t = perm.welch_test(x, sp)
    adj = perm.max_t_adjust(t)
    assert (adj >= p).all() and (adj <= 1).all()
    for j in range(x.shape[1]):
        assert perm.max_t_adjust(t[:, [j]])[0] == p[j]
    # The largest |t| gets the smallest adjusted p (single step: monotone in |t_obs|).
    order = np.argsort(-np.abs(t[0]))
    assert (np.diff(adj[order]) >= 0).all()


def test_max_t_controls_the_family_wise_error_under_the_null(topics):
    # Null data: 8 + 8 units drawn from the same real articles (rows sum to 1: the
    # columns are dependent, as topic shares are).
    pool = np.concatenate(topics)
    rng = _rng(11)
    reps, any_adj, any_raw = 400, 0, 0
    for _ in range(reps):
        x = pool[rng.integers(0, len(pool), size=16)]
        sp = perm.splits(8, 8, n_perm=199, max_exact=0, rng=rng)
        p, t = perm.welch_test(x, sp)
        any_adj += (perm.max_t_adjust(t) <= ALPHA).any()
        any_raw += (p <= ALPHA).any()
    fwer = any_adj / reps
    se = math.sqrt(ALPHA * (1 - ALPHA) / reps)       # 0.011
    assert fwer <= ALPHA + 3 * se
    # Without the adjustment the family-wise error is several times alpha.
    assert any_raw / reps > ALPHA + 3 * se


# ------------------------------------------------------------------- power


def test_minimum_detectable_difference_grows_as_n_shrinks(topics):
    xa, xb = topics
    big = perm.minimum_detectable(xa, xb, alpha=ALPHA, power=0.8, n_sim=200, n_perm=199,
                                  rng=_rng(1), limit=1.0)
    small = perm.minimum_detectable(xa[:5], xb[:5], alpha=ALPHA, power=0.8, n_sim=200,
                                    n_perm=199, rng=_rng(1), limit=1.0)
    assert np.isfinite(big).all() and (big > 0).all()
    assert (small > big).all()
    assert (big <= 1).all()
    # Groups too small to reach alpha: no mde.
    none = perm.minimum_detectable(xa[:2], xb[:2], alpha=ALPHA, power=0.8, n_sim=50,
                                   n_perm=199, rng=_rng(1), limit=1.0)
    assert np.isnan(none).all()


def test_a_shift_of_the_mde_is_detected_with_the_stated_power(topics):
    xa, xb = topics
    mde = perm.minimum_detectable(xa, xb, alpha=ALPHA, power=0.8, n_sim=200, n_perm=199,
                                  rng=_rng(2), limit=1.0)
    # Fresh data sets from the same model (each group's residuals resampled), group a
    # shifted by the mde (or by half of it), each tested with its own random splits.
    rng = _rng(3)
    ra, rb = xa - xa.mean(0), xb - xb.mean(0)
    reps = 300
    hits, half = np.zeros(5), np.zeros(5)
    for _ in range(reps):
        ya = ra[rng.integers(0, len(ra), len(ra))]
        yb = rb[rng.integers(0, len(rb), len(rb))]
        sp = perm.splits(len(ya), len(yb), n_perm=199, max_exact=0, rng=rng)
        hits += perm.welch_p(np.concatenate([ya + mde, yb]), sp) <= ALPHA
        half += perm.welch_p(np.concatenate([ya + mde / 2, yb]), sp) <= ALPHA
    # Monte Carlo se of a power near 0.8: 0.023 here and 0.028 in the mde's own 200
    # simulations; 3 combined se below 0.8 is 0.69.
    assert (hits / reps >= 0.69).all()
    assert (half / reps < 0.8).all()


# ------------------------------------------------------- a group mean's interval


def test_mean_interval_stays_inside_the_range(topics, fengqiao):
    xa, xb = topics
    zeros = np.zeros((10, 4))
    zeros[0, 0] = 0.6                               # one unit carries the column
    zeros[:2, 1] = [0.01, 0.02]
    zeros[:, 2] = 0.25                              # constant
    zeros[:, 3] = 1.0                               # every unit at the edge
    cases = [(np.concatenate([xa, xb]), "proportion"), (xa[:5], "proportion"),
             (xb[:3], "proportion"), (zeros, "proportion"),
             (np.concatenate(fengqiao), "rate"), (fengqiao[0][:5], "rate"),
             (np.r_[np.zeros(8), 3.0][:, None], "rate")]
    for x, scale in cases:
        r = stats.mean_interval(x, scale=scale, n_boot=999, alpha=ALPHA, rng=_rng(6))
        lo, hi, m = r["ci_low"], r["ci_high"], r["estimate"]
        given = ~r["edge"]
        # A rate's upper bound may be its range's edge (inf) when a third of the
        # resamples draw only zeros; a proportion's is at most 1.
        assert np.isfinite(lo[given]).all() and (np.isfinite(hi[given]) | (scale == "rate")).all()
        assert not np.isnan(hi[given]).any()
        assert np.isnan(lo[~given]).all() and np.isnan(hi[~given]).all()
        assert (lo[given] <= m[given]).all() and (m[given] <= hi[given]).all()
        low, high = stats.RANGES[scale]
        assert (lo[given] >= low).all() and (hi[given] <= high).all()
    r = stats.mean_interval(zeros, scale="proportion", n_boot=999, alpha=ALPHA, rng=_rng(6))
    assert r["edge"].tolist() == [False, False, False, True]
    assert r["ci_low"][2] == r["ci_high"][2] == 0.25       # constant: the point


def test_degenerate_resamples_are_counted_not_clipped():
    x = np.zeros((10, 2))
    x[0, 0] = 0.6                                   # one unit of ten: P(none drawn) = 0.35
    x[:, 1] = np.linspace(0.1, 0.3, 10)             # no ties: no degenerate resample
    t, n_deg = stats.bootstrap_t_stats(x, 2000, _rng(8), scale="proportion")
    idx = _rng(8).integers(0, 10, size=(2000, 10))
    none_drawn = (idx != 0).all(axis=1)             # resample mean 0: logit -inf
    assert n_deg[0] == none_drawn.sum() and n_deg[1] == 0
    assert np.isneginf(t[none_drawn, 0]).all()
    assert np.isfinite(t[~none_drawn, 0]).all()     # all others finite, none clipped
    assert np.abs(t[:, 0]).max() == np.inf
    r = stats.mean_interval(x, scale="proportion", n_boot=2000, alpha=ALPHA, rng=_rng(8))
    assert r["n_degenerate"].tolist() == n_deg.tolist()
    assert r["ci_high"][0] == 1.0                   # the infinite t* reach the range's edge


def test_mean_interval_covers_a_beta_mean_at_n_10(topics):
    v = np.concatenate(topics)[:, 1]                # topic_1's article shares
    mu, var = v.mean(), v.var()
    conc = mu * (1 - mu) / var - 1
    reps = 400
    x = _rng(12).beta(mu * conc, (1 - mu) * conc, size=(10, reps))
    r = stats.mean_interval(x, scale="proportion", n_boot=999, alpha=ALPHA, rng=_rng(13))
    cov = np.mean((r["ci_low"] <= mu) & (mu <= r["ci_high"]))
    se = math.sqrt(0.95 * 0.05 / reps)              # 0.011
    assert abs(cov - 0.95) <= 3 * se
    assert ((r["ci_low"] >= 0) & (r["ci_high"] <= 1)).all()


def test_group_estimate_point_only_below_the_minimum(topics):
    xa, _ = topics
    small = group_estimate(xa[:4], "g", INF)
    assert np.isnan(small["ci_low"]).all() and small["n_units"] == 4
    assert small["status"][0] == "point only: n=4 < 5 units for an interval"
    assert np.allclose(small["estimate"], xa[:4].mean(0))
    ok = group_estimate(xa, "g", INF)
    assert ok["status"] == ["estimated"] * 5
    assert ((ok["ci_low"] >= 0) & (ok["ci_high"] <= 1)).all()
    assert group_estimate(np.empty((0, 5)), "g", INF)["status"][0] == "no units"


# ---------------------------------------------------------- the difference table


def test_difference_table_on_real_topics(topics):
    xa, xb = topics
    ua, ub = list(range(len(xa))), list(range(100, 100 + len(xb)))
    x_a = np.column_stack([xa, np.full(len(xa), 0.1)])     # a flat sixth column
    x_b = np.column_stack([xb, np.full(len(xb), 0.1)])
    compared = np.array([True, True, True, False, True, True])
    notes = ["", "", "", "not compared: unstable (similarity 0.2 < 0.5)", "", ""]
    d = difference(x_a, x_b, ua, ub, "county", "city", INF, compared=compared,
                   not_compared=notes)
    assert len(d) == 6
    assert (d["significant"] == ((d["ci_low"] > 0) | (d["ci_high"] < 0))).all()
    assert (d["significant"] == (d["p_value"] <= ALPHA)).all()
    used = d.iloc[[0, 1, 2, 4]]
    assert (used["p_adj"] >= used["p_value"]).all()
    assert (used["status"] == "estimated").all()
    assert np.allclose(used["estimate"], xa.mean(0)[[0, 1, 2, 4]] - xb.mean(0)[[0, 1, 2, 4]])
    assert ((used["ci_low"] >= -1) & (used["ci_high"] <= 1)).all()
    assert (used["mde"] > 0).all() and (used["mde"] <= 1).all()
    assert (used["p_exact"]).all() and (used["n_splits"] == math.comb(19, 10)).all()
    assert (d["n_a"] == 10).all() and (d["n_b"] == 9).all()
    assert d.loc[0, "p_adj_family"].startswith("max-T over 4 ")
    for j in (3, 5):
        row = d.iloc[j]
        assert np.isnan(row[["estimate", "ci_low", "ci_high", "p_value", "p_adj",
                             "mde"]].astype(float)).all()
        assert not row["significant"] and not row["significant_adj"]
    assert d.loc[3, "status"] == notes[3]
    assert d.loc[5, "status"].startswith("not compared: no variation within either group")
    # max-T over the compared columns only: the same numbers without the others.
    alone = difference(xa[:, [0, 1, 2, 4]], xb[:, [0, 1, 2, 4]], ua, ub, "county", "city",
                       INF, influence=False)
    assert np.array_equal(alone["p_adj"].to_numpy(), used["p_adj"].to_numpy())


def test_difference_of_rates_is_not_bounded_above(fengqiao):
    fa, fb = fengqiao
    d = difference(fa, fb, list(range(len(fa))), list(range(len(fb))), "county", "city",
                   INF, scale="rate", influence=False).iloc[0]
    assert d["status"] == "estimated"
    assert d["ci_low"] <= d["estimate"] <= d["ci_high"]
    assert d["significant"] == ((d["ci_low"] > 0) or (d["ci_high"] < 0))
    assert d["significant"] == (d["p_value"] <= ALPHA)


def test_a_contrast_of_three_vs_three_units_gets_no_test(topics):
    xa, xb = topics
    d = difference(xa[:3], xb[:3], [1, 2, 3], [4, 5, 6], "a", "b", INF, influence=False)
    assert d["status"].str.startswith("no test: 20 splits of 3 vs 3 units").all()
    assert d["ci_low"].isna().all() and d["ci_high"].isna().all()
    assert not d["significant"].any() and not d["significant_adj"].any()
    assert (d["p_value"] >= 0.1).all()


def _two_groups(values_a, values_b):
    rows = [{"article_id": i + 1, "m": v} for i, v in enumerate(values_a)]
    rows += [{"article_id": 100 + i, "m": v} for i, v in enumerate(values_b)]
    df = pd.DataFrame(rows)
    xa, ua = unit_values(df, ["m"], range(1, len(values_a) + 1))
    xb, ub = unit_values(df, ["m"], range(100, 100 + len(values_b)))
    return xa[0], xb[0], ua, ub


def test_refits_are_reported_beside_not_mixed_into_the_interval():
    a = [0.30, 0.32, 0.28, 0.31, 0.29, 0.33]
    b = [0.20, 0.22, 0.18, 0.21, 0.19, 0.23]
    xa, xb, ua, ub = _two_groups(a, b)
    one = difference(xa, xb, ua, ub, "a", "b", INF, influence=False)
    # Refit 1 agrees; refit 2 shifts group a down by 0.15 (a topic that moved).
    two = difference(xa, xb, ua, ub, "a", "b", INF, influence=False,
                     refits=[(xa, xb), (xa - 0.15, xb)])
    for col in ("estimate", "ci_low", "ci_high", "p_value"):
        assert two.loc[0, col] == one.loc[0, col]
    assert two.loc[0, "sign_agreement"] == 0.5
    assert two.loc[0, "refit_reject_share"] == 1.0          # both refits' tests reject
    assert two.loc[0, "n_refits"] == 2
    assert two.loc[0, "refit_estimates"] == "0.100 -0.050"


def test_one_article_that_drives_a_difference_is_found():
    a = [0.10, 0.12, 0.11, 0.09, 0.10, 0.95]      # article 6 carries the group
    b = [0.10, 0.11, 0.09, 0.10, 0.12, 0.08]
    xa, xb, ua, ub = _two_groups(a, b)
    d = difference(xa, xb, ua, ub, "a", "b", INF).iloc[0]
    assert d["loo_most_influential"] == "6"
    assert d["loo_estimate_without"] == pytest.approx(np.mean(a[:5]) - np.mean(b))
    assert d["loo_min"] <= d["loo_estimate_without"] <= d["loo_max"]


def test_clusters_average_articles_into_one_unit():
    df = pd.DataFrame({"article_id": [1, 2, 3], "m": [0.2, 0.4, 0.9]})
    x, units = unit_values(df, ["m"], [1, 2, 3], clusters=pd.Series({1: "滁州市", 2: "滁州市"}))
    assert units == ["article 3", "滁州市"]
    assert x[0, :, 0].tolist() == pytest.approx([0.9, 0.3])


def test_keyness_needs_two_documents_and_agreement_across_them():
    arts = pd.DataFrame({"article_id": [1, 2, 3, 4, 5, 6, 7], "g": list("XXXYYYZ"),
                         "text_status": ["full"] * 7, "n_chars": [1] * 7})
    toks = {1: ["甲"] * 30 + ["乙"] * 70, 2: ["乙"] * 100, 3: ["乙"] * 100,
            4: ["乙"] * 100, 5: ["乙"] * 100, 6: ["乙"] * 100, 7: ["丙"] * 30 + ["乙"] * 70}
    kw = C.keyness(toks, arts, "g", min_count=1, correction="none", inference=INF)
    jia = kw[(kw["g"] == "X") & (kw["term"] == "甲")].iloc[0]
    assert jia["significant"] and not jia["key"]            # G² says key …
    assert jia["key_note"] == "in one document of the group only"
    bing = kw[(kw["g"] == "Z") & (kw["term"] == "丙")].iloc[0]
    assert bing["significant"] and not bing["key"]
    assert bing["key_note"] == "group has fewer than 2 documents"


def test_contrast_is_one_definition_on_the_real_corpus(params, corpus):
    c = resolve_contrast(corpus.articles, params.contrast)
    assert (c.by, c.a, c.b) == ("tier", "county", "city")
    city = c.articles[(c.articles["tier"] == "city") & c.articles["text"].fillna("").ne("")]
    # Article 6 (a political-legal committee) is in the city group, as in the network.
    assert 6 in set(city["article_id"])
    assert c.clusters.loc[4] == c.clusters.loc[5] == "滁州市"
    p = params.contrast.__class__(by="tier", groups=("county", "national"), within_col="",
                                  within_value="", cluster_by="")
    with pytest.raises(NoTextError, match="national"):
        resolve_contrast(corpus.articles, p)
    auto = resolve_contrast(corpus.articles, p.__class__(
        by="tier", groups=(), within_col="", within_value="", cluster_by=""))
    assert auto.pair == ("county", "city") and auto.clusters is None


def test_differential_network_permutes_the_same_units_as_the_comparisons():
    from analysis.cooccur.stage import _as_units

    arts = pd.DataFrame({"article_id": [4, 5, 6], "tier": ["city"] * 3})
    win = pd.DataFrame({"article_id": [4, 4, 5, 6], "tokens": [["甲"], ["乙"], ["丙"], ["丁"]]})
    w, a = _as_units(win, arts, pd.Series({4: "滁州市", 5: "滁州市"}))
    assert len(a) == 2                                     # 滁州市 (4 and 5) and article 6
    assert w["article_id"].tolist()[:3] == [1, 1, 1] and w["article_id"].iloc[3] == 2


def test_brute_force_count_of_the_exact_splits():
    """The splits enumerate each way of choosing group a once, observed first."""
    sp = _exact(3, 4)
    assert sp.rows.shape == (35, 7) and sp.rows[0, :3].sum() == 3 and sp.rows[0].sum() == 3
    chosen = {tuple(np.flatnonzero(r)) for r in sp.rows}
    assert chosen == set(combinations(range(7), 3))
