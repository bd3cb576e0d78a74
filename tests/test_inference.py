"""Article-level inference: bootstrap-t, permutation tests, refits, influence, keyness."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from analysis import compare as C
from analysis import stats
from analysis.compare.inference import Inference, difference, unit_values
from analysis.evidence import NoTextError, resolve_contrast

INF = Inference(n_boot=999, ci=0.95, min_units=5, random_state=3, n_perm=999,
                max_exact=100000, alpha=0.05)


def test_exact_permutation_p_equals_brute_force():
    x = np.array([[0.9], [0.7], [0.8], [0.1], [0.3], [0.2], [0.25]])
    in_a = np.array([1, 1, 1, 0, 0, 0, 0], bool)
    p, exact = stats.permutation_test(x, in_a, n_perm=99, max_exact=1000,
                                      rng=np.random.default_rng(0))
    obs = abs(x[in_a].mean() - x[~in_a].mean())
    hits = sum(abs(x[list(c)].mean() - np.delete(x, list(c)).mean()) >= obs - 1e-12
               for c in combinations(range(7), 3))
    assert exact and p[0] == pytest.approx(hits / math.comb(7, 3))
    # The three highest values in one group: only that split and its mirror image
    # (impossible with 3 vs 4) are as extreme, so p = 1/35.
    assert p[0] == pytest.approx(1 / 35)


def test_monte_carlo_permutation_when_splits_are_many():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 2))
    x[:20, 0] += 2.0
    in_a = np.r_[np.ones(20, bool), np.zeros(20, bool)]
    p, exact = stats.permutation_test(x, in_a, n_perm=999, max_exact=1000,
                                      rng=np.random.default_rng(2))
    assert not exact
    assert p[0] == pytest.approx(1 / 1000)      # never zero (Phipson & Smyth)
    assert p[1] > 0.05


def test_bootstrap_t_draws_are_centred_and_shared_across_refits():
    rng = np.random.default_rng(0)
    x = rng.beta(2, 5, size=(3, 12, 2))         # 3 refits, 12 units, 2 measures
    d = stats.studentized_draws(x, 500, np.random.default_rng(4))
    assert d.shape == (3, 500, 2)
    med = np.median(d, axis=1)
    assert np.allclose(med, x.mean(axis=1), atol=0.03)
    with pytest.raises(ValueError, match="at least 2 units"):
        stats.studentized_draws(x[:, :1], 10, rng)


def _two_groups(values_a, values_b, seeds=(0,)):
    rows = []
    for s in seeds:
        for i, v in enumerate(values_a):
            rows.append({"seed": s, "article_id": i + 1, "m": v(s) if callable(v) else v})
        for i, v in enumerate(values_b):
            rows.append({"seed": s, "article_id": 100 + i, "m": v(s) if callable(v) else v})
    df = pd.DataFrame(rows)
    xa, ua = unit_values(df, ["m"], range(1, len(values_a) + 1))
    xb, ub = unit_values(df, ["m"], range(100, 100 + len(values_b)))
    return xa, xb, ua, ub


def test_refits_that_disagree_widen_the_interval_and_lower_sign_agreement():
    a = [0.30, 0.32, 0.28, 0.31, 0.29, 0.33]
    b = [0.20, 0.22, 0.18, 0.21, 0.19, 0.23]
    one = difference(*_two_groups(a, b)[:2], *_two_groups(a, b)[2:], "a", "b", INF)
    # Refit 1 agrees; refit 2 shifts group a down by 0.15 (topics that moved).
    shifted = [lambda s, v=v: v - 0.15 * (s == 2) for v in a]
    xa, xb, ua, ub = _two_groups(shifted, b, seeds=(1, 2))
    two = difference(xa, xb, ua, ub, "a", "b", INF)
    w1 = one["ci_high"] - one["ci_low"]
    w2 = two["ci_high"] - two["ci_low"]
    assert (w2 > w1).all()
    assert two.loc[0, "sign_agreement"] == 0.5
    assert two.loc[0, "estimate"] == pytest.approx(np.mean(a) - np.mean(b) - 0.075)
    assert two.loc[0, "n_seeds"] == 2


def test_one_article_that_drives_a_difference_is_found():
    a = [0.10, 0.12, 0.11, 0.09, 0.10, 0.95]      # article 6 carries the group
    b = [0.10, 0.11, 0.09, 0.10, 0.12, 0.08]
    xa, xb, ua, ub = _two_groups(a, b)
    d = difference(xa, xb, ua, ub, "a", "b", INF).iloc[0]
    assert d["loo_most_influential"] == "6"
    assert d["loo_estimate_without"] == pytest.approx(np.mean(a[:5]) - np.mean(b))
    assert d["loo_min"] <= d["loo_estimate_without"] <= d["loo_max"]


def test_no_interval_below_the_minimum_number_of_units():
    xa, xb, ua, ub = _two_groups([0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8, 0.9])
    d = difference(xa, xb, ua, ub, "a", "b", INF).iloc[0]
    assert np.isnan(d["ci_low"]) and np.isnan(d["ci_high"])
    assert d["status"] == "point only: n=4 vs 5 < 5 units for an interval"
    assert not d["significant"]                    # never without an interval
    assert 0 < d["p_value"] <= 1 and d["p_exact"]


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


def test_an_interval_is_drawn_only_where_its_coverage_holds_at_its_n():
    inf = Inference(n_boot=499, ci=0.95, min_units=5, random_state=5, n_perm=999,
                    max_exact=100000, alpha=0.05, coverage_reps=400, coverage_boot=199,
                    min_coverage=0.93)
    skewed = [0.01, 0.02, 0.01, 0.03, 0.02, 0.01, 0.02, 0.01, 0.02, 0.95]
    even = [0.30, 0.35, 0.28, 0.33, 0.31, 0.36, 0.29, 0.34, 0.32, 0.30]
    xa, xb, ua, ub = _two_groups(skewed, even)
    d = difference(xa, xb, ua, ub, "a", "b", inf).iloc[0]
    assert d["interval_coverage"] < 0.93
    assert np.isnan(d["ci_low"]) and d["status"].startswith("interval withheld")
    assert not d["significant"]
    xa, xb, ua, ub = _two_groups([v + 0.1 for v in even], even)
    ok = difference(xa, xb, ua, ub, "a", "b", inf).iloc[0]
    assert ok["interval_coverage"] >= 0.93 and ok["status"] == "estimated"
    assert ok["ci_low"] < 0.1 < ok["ci_high"] and ok["significant"]


def test_moment_sampler_matches_mean_and_variance():
    rng = np.random.default_rng(0)
    v = np.array([0.1, 0.2, 0.15, 0.4, 0.05])
    sample, mu = stats.moment_sampler(v)
    draws = sample(rng, 200000)
    assert mu == pytest.approx(v.mean())
    assert draws.mean() == pytest.approx(v.mean(), abs=2e-3)
    assert draws.var() == pytest.approx(v.var(ddof=1), rel=0.03)
    assert ((draws >= 0) & (draws <= 1)).all()                 # Beta for proportions
    const, m = stats.moment_sampler(np.zeros(4))
    assert (const(rng, 3) == 0).all() and m == 0


def test_differential_network_permutes_the_same_units_as_the_comparisons():
    from analysis.cooccur.stage import _as_units

    arts = pd.DataFrame({"article_id": [4, 5, 6], "tier": ["city"] * 3})
    win = pd.DataFrame({"article_id": [4, 4, 5, 6], "tokens": [["甲"], ["乙"], ["丙"], ["丁"]]})
    w, a = _as_units(win, arts, pd.Series({4: "滁州市", 5: "滁州市"}))
    assert len(a) == 2                                     # 滁州市 (4 and 5) and article 6
    assert w["article_id"].tolist()[:3] == [1, 1, 1] and w["article_id"].iloc[3] == 2
