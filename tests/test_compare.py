"""Tests for analysis.compare: coverage, bootstrap CIs, keyness, CA, actors, the stage."""

from __future__ import annotations

import dataclasses
import importlib.util
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import compare as C
from analysis import evidence, io
from analysis.compare import stage
from analysis.config import ROOT
from analysis.context import RunContext
from analysis.config import ContrastParams
from analysis.evidence import MISSING_GROUP, NO_TEXT_STATUS, NoTextError, resolve_contrast
from analysis.plots.compare import draw_difference, draw_keyness, draw_topic_prevalence
from analysis.topics import TABLES

DATA = Path(__file__).parent / "data"
TRUE_DIFF = {"topic_0": 0.2, "topic_1": -0.2, "topic_2": 0.0}   # A − B, by construction
TRUE_MEAN_A = {"topic_0": 0.5, "topic_1": 0.3, "topic_2": 0.2}
# The inference keywords of [compare] (compare.stage.inference_options), kept small.
BOOT = dict(n_boot=2000, min_articles=3, random_state=11, n_perm=999, max_exact=100000,
            alpha=0.05, power=0.8, power_sims=40, power_perm=99)
#: Columns the rewritten inference dropped (issue 25): none may come back.
REMOVED = {"q_value", "ci_excludes_zero", "n_seeds", "estimate_sd_seeds", "articles_a",
           "articles_b", "evidence_a", "evidence_b", "interval_coverage"}


def _excludes_zero(d: pd.DataFrame) -> pd.Series:
    return (d["ci_low"] > 0) | (d["ci_high"] < 0)


@pytest.fixture(scope="module")
def fx():
    arts = pd.read_csv(DATA / "compare_articles.csv")
    prev = pd.read_csv(DATA / "compare_prevalence.csv")
    return arts, prev


@pytest.fixture(scope="module")
def actors():
    return C.load_actors(ROOT / "data" / "actors.csv")


def _simulator():
    spec = importlib.util.spec_from_file_location("compare_make_fixtures",
                                                  DATA / "compare_make_fixtures.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.simulate


# ---------------------------------------------------------------- coverage

def test_coverage_by_section_on_real_corpus(corpus):
    cov = C.coverage(corpus.articles, "section").set_index("section")
    # From the TOC: 42 party-committee entries, bodies for 1–20 (20 truncated).
    assert cov.loc["party_committees", ["n_articles", "n_text", "n_full", "n_truncated",
                                        "n_title_only"]].tolist() == [42, 20, 19, 1, 22]
    assert cov.loc["party_committees", "evidence"] == "mixed"
    assert cov.loc["political_legal_organs", ["n_articles", "n_text"]].tolist() == [28, 0]
    assert cov.loc["political_legal_organs", "evidence"] == "title-only"
    assert cov.loc["other_units", "evidence"] == "title-only"
    assert cov["n_chars"].sum() == corpus.articles["n_chars"].sum()


def test_coverage_counts_tokens_of_text_articles_only(fx):
    arts, _ = fx
    toks = {i: ["x"] * 3 for i in arts["article_id"]}   # title-only ids too
    cov = C.coverage(arts, "group", toks).set_index("group")
    assert cov.loc["A", "n_tokens"] == 90 and cov.loc["C", "n_tokens"] == 0
    assert cov.loc["C", "evidence"] == "title-only"


def test_missing_group_value_is_labelled_not_guessed(fx):
    arts, _ = fx
    arts = arts.assign(province=np.where(arts["article_id"] <= 10, "陕西", None))
    cov = C.coverage(arts, "province").set_index("province")
    assert cov.loc[MISSING_GROUP, "n_articles"] == 55


# ------------------------------------------------- bootstrap prevalence CIs

def test_difference_ci_covers_known_difference(fx):
    arts, prev = fx
    d = C.prevalence_difference(prev, arts, "group", "A", "B", **BOOT).set_index("topic")
    for t, true in TRUE_DIFF.items():
        assert d.loc[t, "ci_low"] <= true <= d.loc[t, "ci_high"], t
    # The ±0.2 differences are large against 30 articles a side: significant, and after
    # the max-T adjustment too; the null topic is not, and says what it cannot rule out.
    assert d.loc["topic_0", "significant"] and d.loc["topic_1", "significant"]
    assert d.loc["topic_0", "significant_adj"] and d.loc["topic_1", "significant_adj"]
    assert not d.loc["topic_2", "significant"]
    assert 0 < d.loc["topic_2", "mde"] < 1
    # One estimand: significant <=> the interval (the inverted test) excludes 0 <=> p <= alpha.
    assert (d["significant"] == _excludes_zero(d)).all()
    assert (d["significant"] == (d["p_value"] <= BOOT["alpha"])).all()
    # The family-wise p is never below the raw p; it names its family.
    assert (d["p_adj"] >= d["p_value"] - 1e-12).all()
    assert d["p_adj_family"].iloc[0] == "max-T over 3 topics of this contrast"
    assert (d["status"] == "estimated").all() and not REMOVED & set(d.columns)
    assert (d["n_a"] == 30).all() and (d["n_b"] == 30).all()
    assert len(d["units_used_a"].iloc[0].split()) == 30
    assert d["evidence"].iloc[0] == "text-level: 30 vs 30 units with body text"
    # A difference of shares lies in [-1, 1].
    assert ((d["ci_low"] >= -1) & (d["ci_high"] <= 1)).all()


def test_unstable_topic_is_not_compared_and_leaves_the_family(fx):
    arts, prev = fx
    stab = pd.DataFrame({"topic": [0, 1, 2], "stable": [True, False, True],
                         "stability_note": ["", "unstable over refits", ""]})
    d = C.prevalence_difference(prev, arts, "group", "A", "B", stability=stab,
                                **BOOT).set_index("topic")
    assert d.loc["topic_1", "status"] == "not compared: unstable over refits"
    assert np.isnan(d.loc["topic_1", "estimate"]) and not d.loc["topic_1", "significant"]
    assert d.loc["topic_0", "status"] == "estimated"
    assert d["p_adj_family"].iloc[0] == "max-T over 2 topics of this contrast"


def test_refits_are_reproducibility_not_part_of_the_interval(fx):
    arts, prev = fx
    rng = np.random.default_rng(5)
    noisy = prev.assign(seed=2, **{c: prev[c] + rng.normal(0, 0.01, len(prev))
                                   for c in TRUE_DIFF})
    refits = pd.concat([prev.assign(seed=1), noisy], ignore_index=True)
    alone = C.prevalence_difference(prev, arts, "group", "A", "B", **BOOT)
    with_r = C.prevalence_difference(prev, arts, "group", "A", "B", refits=refits, **BOOT)
    pd.testing.assert_frame_equal(alone[["estimate", "ci_low", "ci_high", "p_value"]],
                                  with_r[["estimate", "ci_low", "ci_high", "p_value"]])
    r = with_r.set_index("topic")
    assert (r["n_refits"] == 2).all()
    assert r.loc["topic_0", "sign_agreement"] == 1 and r.loc["topic_0", "refit_reject_share"] == 1


def test_group_ci_covers_known_mean(fx):
    arts, prev = fx
    p = C.topic_prevalence(prev, arts, "group", **BOOT)
    a = p[p["group"] == "A"].set_index("topic")
    for t, true in TRUE_MEAN_A.items():
        assert a.loc[t, "ci_low"] <= true <= a.loc[t, "ci_high"], t
    assert (a["n_units"] == 30).all() and (a["n_text"] == 30).all()
    # A group mean of a share has its interval inside [0, 1]; no removed column is back.
    est = p[p["status"] == "estimated"]
    assert ((est["ci_low"] >= 0) & (est["ci_high"] <= 1)).all()
    assert (est["interval"] == "bootstrap-t on the link scale, 95%").all()
    assert not REMOVED & set(p.columns) and "n_degenerate" in p.columns


def test_ci_is_wider_with_fewer_articles(fx):
    arts, prev = fx
    few_ids = list(range(1, 9)) + list(range(31, 61))   # A keeps 8 of its 30 articles
    few = C.prevalence_difference(prev[prev["article_id"].isin(few_ids)],
                                  arts, "group", "A", "B", **BOOT)
    full = C.prevalence_difference(prev, arts, "group", "A", "B", **BOOT)
    w_few = few["ci_high"] - few["ci_low"]
    w_full = full["ci_high"] - full["ci_low"]
    assert (few["n_a"] == 8).all()
    assert (w_few > w_full).all()


def test_bootstrap_resamples_articles_not_paragraphs(fx):
    arts, prev = fx
    # Repeating every paragraph 5 times adds no information about articles:
    # an article-level (cluster) bootstrap must give the very same intervals.
    rep = pd.concat([prev] * 5, ignore_index=True)
    a = C.topic_prevalence(prev, arts, "group", **BOOT)
    b = C.topic_prevalence(rep, arts, "group", **BOOT)
    pd.testing.assert_frame_equal(a[["estimate", "ci_low", "ci_high"]],
                                  b[["estimate", "ci_low", "ci_high"]])


def test_difference_ci_coverage_over_simulations():
    simulate = _simulator()
    rng = np.random.default_rng(2024)
    hits, reps = 0, 120
    for r in range(reps):
        arts, prev = simulate(rng, n_per_group=20)
        d = C.prevalence_difference(prev, arts, "group", "A", "B",
                                    **{**BOOT, "n_perm": 199, "power_sims": 2,
                                       "power_perm": 19, "random_state": r},
                                    influence=False).set_index("topic")
        hits += d.loc["topic_0", "ci_low"] <= 0.2 <= d.loc["topic_0", "ci_high"]
    # Nominal 95% (the inverted permutation test, 20 units a side). 120 replications:
    # binomial SD ≈ 0.02.
    assert 0.85 <= hits / reps <= 0.995


def test_bootstrap_is_seeded_and_group_streams_independent(fx):
    arts, prev = fx
    a = C.topic_prevalence(prev, arts, "group", **BOOT)
    b = C.topic_prevalence(prev, arts, "group", **BOOT)
    pd.testing.assert_frame_equal(a, b)
    c = C.topic_prevalence(prev, arts, "group", **{**BOOT, "random_state": 12})
    assert not np.allclose(a["ci_low"].dropna(), c["ci_low"].dropna())
    # Dropping group B leaves group A's interval unchanged.
    only_a = C.topic_prevalence(prev, arts[arts["group"] != "B"], "group", **BOOT)
    pd.testing.assert_frame_equal(
        a[a["group"] == "A"][["ci_low", "ci_high"]].reset_index(drop=True),
        only_a[only_a["group"] == "A"][["ci_low", "ci_high"]].reset_index(drop=True))


# ------------------------------------------------------ groups without text

def test_group_without_text_gets_no_text_level_estimate(fx):
    arts, prev = fx
    p = C.topic_prevalence(prev, arts, "group", **BOOT)
    c = p[p["group"] == "C"]
    assert len(c) == 3
    assert c["estimate"].isna().all() and c["ci_low"].isna().all()
    assert (c["status"] == NO_TEXT_STATUS).all()
    assert (c["evidence"] == "title-only").all() and (c["n_units"] == 0).all()
    with pytest.raises(NoTextError, match="no article with body text"):
        C.prevalence_difference(prev, arts, "group", "A", "C", **BOOT)


def test_title_level_estimate_is_separate_and_labelled(fx):
    arts, prev = fx
    rng = np.random.default_rng(0)
    titles = pd.DataFrame({"article_id": arts["article_id"]})
    titles[["topic_0", "topic_1", "topic_2"]] = rng.dirichlet((1, 1, 1), len(arts))
    p = C.topic_prevalence(titles, arts, "group", level="title", weight_col=None, **BOOT)
    c = p[p["group"] == "C"]
    assert (p["level"] == "title").all()
    assert c["estimate"].notna().all() and (c["n_units"] == 5).all()
    d = C.prevalence_difference(titles, arts, "group", "A", "C", level="title",
                                weight_col=None, **BOOT)
    assert (d["level"] == "title").all()


def test_real_corpus_sections_without_text_say_so(corpus, actors):
    arts = corpus.articles
    am = C.actor_mentions(arts, "section", actors)
    plo = am[am["section"] == "political_legal_organs"]
    assert plo["mentions"].isna().all() and (plo["status"] == NO_TEXT_STATUS).all()
    with pytest.raises(NoTextError):
        C.keyness({i: ["平安"] for i in arts["article_id"]}, arts, "section")
    contrast = ContrastParams(by="section", groups=(), within_col="", within_value="",
                              cluster_by="")
    with pytest.raises(NoTextError, match="only 1 'section' group"):
        resolve_contrast(arts, contrast)


# ------------------------------------------------------------------ keyness

def test_keyness_uses_the_four_cell_g2_and_log_ratio_by_hand():
    # a=10 of c=1000 tokens vs b=5 of d=2000: the 2×2 table [[10, 5], [990, 1995]],
    # N = 3000, rows 15 / 2985, columns 1000 / 2000 →
    # E = [[5, 10], [995, 1990]];
    # G² = 2·(10·ln 2 − 5·ln 2 + 990·ln(990/995) + 1995·ln(1995/1990))
    #    = 2·(3.465736 − 4.987416 + 5.006276) = 6.969192
    # log ratio = log2((10/1000)/(5/2000)) = log2(4) = 2
    k = stats_keyness([10], [5], 1000, 2000)
    assert k["g2"][0] == pytest.approx(6.969192, abs=1e-6)
    assert k["log_ratio"][0] == pytest.approx(2.0)
    # a=0 of 1000 vs b=8 of 3000: [[0, 8], [1000, 2992]], E = [[2, 6], [998, 2994]];
    # 0·ln 0 = 0: G² = 2·(8·ln(8/6) + 1000·ln(1000/998) + 2992·ln(2992/2994)) = 4.608255
    # log ratio with 0 → 0.5: log2((0.5/1000)/(8/3000)) = log2(0.1875) = −2.415037
    k = stats_keyness([0], [8], 1000, 3000)
    assert k["g2"][0] == pytest.approx(4.608255, abs=1e-6)
    assert k["log_ratio"][0] == pytest.approx(-2.415037, abs=1e-6)


def stats_keyness(a, b, c, d):
    """Keyness of one term as ``compare.keyness`` computes it (via analysis.stats)."""
    arts = pd.DataFrame({"article_id": [1, 2], "g": ["X", "Y"],
                         "text_status": ["full", "full"], "n_chars": [1, 1]})
    toks = {1: ["甲"] * a[0] + ["乙"] * (c - a[0]), 2: ["甲"] * b[0] + ["乙"] * (d - b[0])}
    kw = C.keyness(toks, arts, "g", min_count=1, correction="none")
    row = kw[(kw["g"] == "X") & (kw["term"] == "甲")]
    return {k: row[k].to_numpy() for k in ("g2", "log_ratio")}


def test_keyness_table_matches_hand_example():
    arts = pd.DataFrame({"article_id": [1, 2, 3], "unit": ["X", "Y", "Y"],
                         "text_status": ["full", "full", "truncated"],
                         "n_chars": [1, 1, 1]})
    # X: 10 × 平安 in 1000 tokens; Y (two articles): 5 × 平安 in 2000 tokens.
    toks = {1: ["平安"] * 10 + ["甲"] * 990,
            2: ["平安"] * 5 + ["乙"] * 995,
            3: ["乙"] * 1000}
    kw = C.keyness(toks, arts, "unit", min_count=1, correction="none")
    x = kw[(kw["unit"] == "X") & (kw["term"] == "平安")].iloc[0]
    y = kw[(kw["unit"] == "Y") & (kw["term"] == "平安")].iloc[0]
    assert (x["freq"], x["freq_rest"], x["size"], x["size_rest"]) == (10, 5, 1000, 2000)
    # The 4-cell G² of the 2×2 table (hand value above), not Rayson's 2-cell 6.931472.
    assert x["g2"] == pytest.approx(6.969192, abs=1e-6) and x["log_ratio"] == pytest.approx(2)
    # chi-square with 1 df: p = erfc(sqrt(G²/2)) ≈ 0.00829
    assert x["p_value"] == pytest.approx(math.erfc(math.sqrt(6.969192 / 2)), rel=1e-6)
    assert x["direction"] == "over" and y["direction"] == "under"
    assert y["g2"] == pytest.approx(x["g2"]) and y["log_ratio"] == pytest.approx(-2)
    assert (kw["n_text"] > 0).all()   # coverage columns ride along


def test_keyness_benjamini_hochberg_by_hand():
    # Three terms, p = 0.01, 0.04, 0.03 (via G² = chi2.isf(p, 1)).
    # BH: sorted 0.01, 0.03, 0.04 → 0.01·3/1 = 0.03, 0.03·3/2 = 0.045, 0.04·3/3 = 0.04;
    # step-up minimum from the top: 0.04 → 0.04, 0.045 → 0.04, 0.03 → 0.03.
    p = np.array([0.01, 0.04, 0.03])
    assert stats.false_discovery_control(p, method="bh") == pytest.approx([0.03, 0.04, 0.04])
    # …and keyness applies it per group: build counts whose p are all < 1 and compare.
    arts = pd.DataFrame({"article_id": [1, 2], "g": ["X", "Y"],
                         "text_status": ["full", "full"], "n_chars": [1, 1]})
    toks = {1: ["甲"] * 30 + ["乙"] * 12 + ["丙"] * 20 + ["丁"] * 938,
            2: ["甲"] * 10 + ["乙"] * 8 + ["丙"] * 10 + ["丁"] * 972}
    kw = C.keyness(toks, arts, "g", min_count=1, correction="bh")
    x = kw[kw["g"] == "X"].set_index("term")
    assert x["p_adjusted"].to_numpy() == pytest.approx(
        stats.false_discovery_control(x["p_value"].to_numpy(), method="bh"))
    bon = C.keyness(toks, arts, "g", min_count=1, correction="bonferroni")
    xb = bon[bon["g"] == "X"].set_index("term")
    assert xb["p_adjusted"].to_numpy() == pytest.approx(np.minimum(4 * xb["p_value"], 1))


# --------------------------------------------------- correspondence analysis

def test_ca_perfect_association_by_hand():
    # [[10, 0], [0, 10]]: r = c = (½, ½); S = (P − rcᵀ)/√(rcᵀ) = [[½, −½], [−½, ½]];
    # one singular value 1 → inertia 1 (φ² = 1); row coords ±1/√½·(1/√2) = ±1.
    ca = C.correspondence_analysis(pd.DataFrame([[10, 0], [0, 10]], index=["a", "b"],
                                                columns=["X", "Y"]))
    assert ca["eigenvalues"] == pytest.approx([1.0])
    assert ca["total_inertia"] == pytest.approx(1.0)
    assert sorted(ca["rows"]["dim1"]) == pytest.approx([-1.0, 1.0])


def test_ca_inertia_equals_chi2_over_n_and_reconstitutes_table():
    tab = pd.DataFrame([[20, 5, 3], [4, 18, 9], [6, 7, 25], [10, 10, 2]],
                       index=list("abcd"), columns=["X", "Y", "Z"])
    ca = C.correspondence_analysis(tab, n_components=2)
    chi2 = stats.chi2_contingency(tab.to_numpy(), correction=False)[0]
    assert ca["total_inertia"] == pytest.approx(chi2 / tab.to_numpy().sum())
    assert ca["eigenvalues"].sum() == pytest.approx(ca["total_inertia"])  # 2 = all axes
    f = ca["rows"][["dim1", "dim2"]].to_numpy()
    g = ca["columns"][["dim1", "dim2"]].to_numpy()
    r, c = ca["rows"]["mass"].to_numpy(), ca["columns"]["mass"].to_numpy()
    p_hat = np.outer(r, c) * (1 + f @ np.diag(1 / np.sqrt(ca["eigenvalues"])) @ g.T)
    assert p_hat == pytest.approx(tab.to_numpy() / tab.to_numpy().sum())


# ------------------------------------------------------------------- actors

def test_actor_counts_by_hand_on_two_real_articles(corpus, actors):
    arts = corpus.articles.set_index("article_id")
    got = C.count_actors(arts.loc[[12, 16], "text"], actors)
    # Article 12 (乐昌市, source line 714), read and counted by hand:
    #  court 2: 退休法官; 乐昌市法院
    #  procuratorate 1: 检察官 · public_security 1: 警官
    #  lawyer 6: 律师等专业人员; 专业律师团队; 一村一法律顾问; 律师现场服务;
    #            乐昌市律师参与; 村(居)法律顾问
    #  justice_administration 1: 依托司法所
    #  mediator 19: 第三方调处中心 ×6 (para 1 once, para 2 four times, para 4 once);
    #            邓火坚个人调解室 (p1); 调解工作室申请调解 (p5); in p6: 人民调解组织 ×2,
    #            “邓火坚调解工作室”, 命名的调解室, 该调解室, 专职人民调解员,
    #            常驻邓火坚调解工作室, 村(居)人民调解员, 专兼结合人民调解员 (9);
    #            p7: 个人调解室, 全国模范人民调解员 (2)
    #  governance_center 0 (第三方调处中心 is a mediator, 综治办 not counted)
    #  petition 1: 涉法涉诉信访 · volunteers 1: 乡贤 · grid 1: 网格化平台
    #  party_committee 0, political_legal_committee 0
    a12 = {"court": 2, "procuratorate": 1, "public_security": 1, "lawyer": 6,
           "justice_administration": 1, "mediator": 19, "governance_center": 0,
           "petition": 1, "volunteers": 1, "grid": 1, "grid_worker": 0,
           "party_committee": 0, "political_legal_committee": 0}
    # Article 16 (潼关县, source line 888):
    #  political_legal_system 2: 政法干警基层日; 基层政法干警 (政法各单位, 政法工作 not counted)
    #  mediator 2: 黑女调解工作室; 行业领域调委会
    #  governance_center 0 (以人民为中心 is not a centre); court, police, party committee 0
    a16 = {"political_legal_system": 2, "mediator": 2, "governance_center": 0,
           "court": 0, "public_security": 0, "party_committee": 0, "lawyer": 0,
           "justice_administration": 0, "grid": 0}
    assert got.loc[12, list(a12)].to_dict() == a12
    assert got.loc[16, list(a16)].to_dict() == a16


def test_actor_union_counts_nested_patterns_once(actors):
    got = C.count_actors(pd.Series(["桂头人民法庭和乳源人民法院", "市委政法委和市委"]), actors)
    assert got.loc[0, "court"] == 2
    # 市委政法委 is the political-legal committee, not a party-committee mention.
    assert got.loc[1, "political_legal_committee"] == 1 and got.loc[1, "party_committee"] == 1


def test_actor_rates_and_title_level(corpus, actors):
    arts = corpus.articles
    am = C.actor_mentions(arts, "section", actors).set_index(["section", "actor"])
    pc = am.loc[("party_committees", "court")]
    assert pc["per_10k_chars"] == pytest.approx(
        1e4 * pc["mentions"] / arts.loc[arts["section"] == "party_committees", "n_chars"].sum())
    t = C.title_actor_mentions(arts, "section", actors).set_index(["section", "actor"])
    # TOC titles naming courts: 47 龙湾区法院, 48 鼎城区人民法院 (both political-legal organs).
    assert t.loc[("political_legal_organs", "court"), "titles_mentioning"] == 2
    assert (t["level"] == "title").all()


def test_term_mentions_fengqiao(corpus):
    tm = C.term_mentions(corpus.articles, "section", "枫桥").set_index("section")
    # Titles with 枫桥: 2 (枫桥玉溪), 5, 8 (枫桥经验), 20 (智慧枫桥) — all party committees.
    assert tm.loc["party_committees", "titles_mentioning"] == 4
    assert tm.loc["political_legal_organs", "titles_mentioning"] == 0
    assert math.isnan(tm.loc["political_legal_organs", "text_mentions"])
    body = corpus.articles.loc[corpus.articles["section"] == "party_committees", "text"]
    assert tm.loc["party_committees", "text_mentions"] == body.str.count("枫桥").sum()


def test_formulas_by_group_with_given_extractor(fx):
    arts = pd.DataFrame({"article_id": [1, 2, 3], "g": ["X", "X", "Y"],
                         "text_status": ["full", "full", "title_only"], "n_chars": [9, 9, 0],
                         "title": ["“三个强化”", "无", "“1+6+N”体系"],
                         "text": ["坚持“三个强化”和“四治融合”", "“三个强化”", ""]})
    import re
    extract = lambda s: re.findall(r"[一二三四五六七八九十]个\w{2}|\d\+\d\+N|四治融合", s)  # noqa: E731
    t = C.formulas_by_group(arts, "g", extract)
    assert t[["g", "formula", "mentions", "articles_with_formula"]].values.tolist() == [
        ["X", "三个强化", 2, 2], ["X", "四治融合", 1, 1]]
    ti = C.formulas_by_group(arts, "g", extract, level="title")
    assert ti.loc[ti["g"] == "Y", "formula"].tolist() == ["1+6+N"]


# ------------------------------------------------------------------- figures

def test_figures_render_with_coverage(fx, tmp_path):
    arts, prev = fx
    cov = evidence.Coverage.of(arts)
    p = C.topic_prevalence(prev, arts, "group", **BOOT)
    figs = [draw_topic_prevalence(p, "group", evidence=evidence.evidence_label("text", cov),
                                  topic_labels={"topic_0": "调解"})]
    d = C.prevalence_difference(prev, arts, "group", "A", "B", **BOOT)
    figs.append(draw_difference(d, evidence=evidence.evidence_label("text", cov)))
    ev = evidence.evidence_label("text", cov)
    # No group over-uses a term: no keyness figure (a grouping needs two groups with data).
    same = {i: ["平安", "枫桥", "网格"] * 5 for i in arts["article_id"]}
    assert draw_keyness(C.keyness(same, arts, "group", min_count=1), "group", evidence=ev) is None
    toks = {i: (["平安", "枫桥"] if g == "A" else ["网格", "调解"]) * 5 + ["社会"]
            for i, g in zip(arts["article_id"], arts["group"])}
    kw = C.keyness(toks, arts, "group", min_count=1)
    figs.append(draw_keyness(kw, "group", evidence=ev))
    # The evidence line (in the caption) comes from this corpus's coverage: 60 of 65 have text.
    assert any("60 of 65 articles have text" in t.get_text() for t in figs[0].texts)
    out = []
    for i, fig in enumerate(figs):
        out += io.save_figure(fig, tmp_path / f"fig{i}", formats=("png",))
    assert all(q.stat().st_size > 1000 for q in out) and len(out) == 3


# ------------------------------------------- article-level checks, titles

def test_term_and_actor_differences_are_article_level(fx):
    arts, _ = fx
    arts = arts.assign(text=[("法院" * 3 if g == "A" else "法院") + "。" * 96
                             if s == "full" else "" for g, s in zip(arts["group"],
                                                                    arts["text_status"])],
                       n_chars=[100 if s == "full" else 0 for s in arts["text_status"]])
    actors = C.term_table("法院", "court")
    d = C.actor_difference(arts, "group", "A", "B", actors, **BOOT).iloc[0]
    # A: 3 mentions per 100 chars = 300 per 10k; B: 100 per 10k; every article alike:
    # no variation within either group, so the rates are described, not tested.
    assert d["status"] == "not compared: no variation within either group (values 300 and 100)"
    assert np.isnan(d["estimate"]) and not d["significant"]
    with pytest.raises(NoTextError):
        C.actor_difference(arts, "group", "A", "C", actors, **BOOT)
    # Per-article counts that vary: A alternates 2 and 4 mentions (mean 300 per 10k),
    # B 0 and 2 (mean 100): the difference of the article means is 200.
    counts = {}
    for g in ("A", "B"):
        ids = arts.loc[(arts["group"] == g) & (arts["text_status"] == "full"), "article_id"]
        counts.update({i: (2 if g == "A" else 0) + 2 * (j % 2) for j, i in enumerate(ids)})
    varied = arts.assign(text=[("法院" * counts[i]) + "。" * (100 - 2 * counts[i])
                               if s == "full" else "" for i, s in zip(arts["article_id"],
                                                                      arts["text_status"])])
    d = C.actor_difference(varied, "group", "A", "B", actors, **BOOT).iloc[0]
    assert d["estimate"] == pytest.approx(200) and d["significant"]
    assert 0 <= d["ci_low"] <= 200 <= d["ci_high"] and d["status"] == "estimated"
    toks = {i: (["甲"] * (1 + 2 * (i % 2)) + ["乙"] * (9 - 2 * (i % 2)) if g == "A"
                else ["乙"] * 10) for i, g in zip(arts["article_id"], arts["group"])}
    t = C.term_difference(toks, arts, "group", "A", "B", ["甲", "乙"], **BOOT).set_index("term")
    # 甲: 1 or 3 of 10 tokens in A (per 1000: the mean of 100 and 300), never in B.
    a_ids = arts.loc[(arts["group"] == "A") & (arts["text_status"] == "full"), "article_id"]
    expect = np.mean([100 + 200 * (i % 2) for i in a_ids])
    assert t.loc["甲", "estimate"] == pytest.approx(expect)
    assert t.loc["乙", "estimate"] == pytest.approx(-expect)


def test_keyness_reports_dispersion_over_documents():
    arts = pd.DataFrame({"article_id": [1, 2, 3, 4], "g": ["X", "X", "Y", "Y"],
                         "text_status": ["full"] * 4, "n_chars": [1] * 4})
    toks = {1: ["甲"] * 20 + ["乙"] * 80, 2: ["乙"] * 100, 3: ["乙"] * 100, 4: ["乙"] * 100}
    kw = C.keyness(toks, arts, "g", min_count=1, correction="none")
    x = kw[(kw["g"] == "X") & (kw["term"] == "甲")].iloc[0]
    # Key by G², yet it occurs in one of the two X articles only.
    assert (x["docs"], x["n_docs"], x["docs_rest"], x["n_docs_rest"]) == (1, 2, 0, 2)
    assert x["significant"]


def test_title_level_counts_skip_repeated_titles(corpus, actors):
    # Hand count of TOC titles naming the police (公安, 派出所, 警察, 警务):
    # 51 52 53 54 55 56 58 59 60 61 62 63 64 = 13; entry 57 repeats 53's title.
    t = C.title_actor_mentions(corpus.articles, "section", actors).set_index(["section", "actor"])
    assert t.loc[("political_legal_organs", "public_security"), "titles_mentioning"] == 13
    # 集美区委政法系统 is the political-legal system, not a party-committee title.
    assert t.loc[("political_legal_organs", "party_committee"), "titles_mentioning"] == 0
    cov = C.coverage(corpus.articles, "section").set_index("section")
    assert cov.loc["political_legal_organs", "n_duplicates"] == 1


def test_titles_matching_fengqiao(corpus):
    got = C.titles_matching(corpus.articles, "枫桥")
    assert got["article_id"].tolist() == [2, 5, 8, 20]


def test_key_differences_are_keyed_by_item_not_rank(fx):
    arts, prev = fx
    d = C.prevalence_difference(prev, arts, "group", "A", "B", **BOOT)
    kd = C.key_differences(d, ids={"topic_0": "mediation"}, labels={"topic_0": "调解"})
    assert all(k.isalpha() for k in kd)
    assert kd["compareTopicMediationLabel"] == "调解"
    assert kd["compareTopicMediationSignificant"] == "yes"      # 0.2 vs 30 articles a side
    assert kd["compareTopicTopicTwoSignificant"] == "no"        # no difference by design
    assert kd["compareTopicTopicTwoEst"] == f"{d.loc[2, 'estimate']:.3f}"
    assert kd["compareTopicTopicTwoPAdj"] == f"{d.loc[2, 'p_adj']:.3f}"
    assert kd["compareTopicTopicTwoMDE"] == f"{d.loc[2, 'mde']:.3f}"
    assert kd["compareTopicTopicTwoStatus"] == "estimated"
    assert kd["compareTopicFamily"] == d.loc[0, "p_adj_family"]
    assert not [k for k in kd if k.endswith(("Q", "Seeds"))]


def _fake_topic_results(ctx, corpus) -> None:
    """Topic-stage outputs in ``ctx``'s results folder: random proportions for every
    paragraph and every article with a body, so the compare stage runs without the K
    sweep."""
    rng = np.random.default_rng(3)
    cols = ["topic_0", "topic_1", "topic_2"]
    pt = corpus.paragraphs[["article_id", "para_id"]].copy()
    pt["n_tokens"] = 10
    pt[cols] = rng.dirichlet((1, 1, 1), len(pt))
    at = pt[["article_id"]].drop_duplicates().assign(n_tokens=30)
    at[cols] = rng.dirichlet((1, 1, 1), len(at))
    labels = pd.DataFrame({"topic": [0, 1, 2], "label": ["甲", "乙", "丙"],
                           "gloss": ["a", "b", "c"]})
    labels["label_id"] = ["alpha", "beta", "gamma"]
    # Top terms per topic, as topic_terms.csv: the title themes' key terms.
    words = {0: ["平安建设", "综述"], 1: ["公安", "派出所"], 2: ["枫桥经验", "网格"]}
    terms = pd.DataFrame([(k, m, r, w) for m in ("frex", "prob") for k, ws in words.items()
                          for r, w in enumerate(ws, 1)],
                         columns=["topic", "method", "rank", "term"]).merge(labels, on="topic")
    # Two "refits": the reported proportions and a perturbed copy.
    refit = {c: rng.dirichlet((1, 1, 1), len(pt))[:, j] for j, c in enumerate(cols)}
    para_refits = pd.concat([pt.assign(seed=1), pt.assign(seed=2, **refit)], ignore_index=True)
    tables = {"para_topics": pt.assign(evidence="text"),
              "article_topics": at.assign(evidence="text"),
              "para_refits": para_refits, "article_refits": at.assign(seed=1),
              "labels": labels, "terms": terms}
    for field, role in TABLES.items():
        ctx.write_csv(tables.get(field, pd.DataFrame({"topic": [0]})), io.OUTPUTS[role])


def _small_ctx(params, root, **compare) -> RunContext:
    p = dataclasses.replace(
        params, figures=dataclasses.replace(params.figures, formats=("png",)),
        compare=dataclasses.replace(params.compare, **compare))
    return RunContext(p, root)


@pytest.fixture(scope="module")
def written(params, corpus, tmp_path_factory):
    """The stage written twice, into two roots, with the same fake topic results."""
    out = []
    for name in ("r1", "r2"):
        ctx = _small_ctx(params, tmp_path_factory.mktemp(name), n_boot=200, power_sims=20,
                         groups=("section", "tier"), figure_groups=("tier",))
        _fake_topic_results(ctx, corpus)
        out.append((ctx, stage.write(ctx)))
    return out


def test_write_names_files_by_content_and_is_deterministic(written):
    (ctx, out1), (_, out2) = written
    names = {q.name for q in out1}
    for expected in ["coverage_by_section.csv", "topic_prevalence_by_tier.csv",
                     "title_themes_by_tier.csv", "title_themes_by_section.csv",
                     "title_themes_difference_county_vs_city.csv",
                     "topic_prevalence_difference_county_vs_city.csv", "keyness_by_tier.csv",
                     "correspondence_tier.csv", "actor_mentions_by_tier.csv",
                     "formulas_by_tier.csv", "compare_key_differences.csv",
                     "fengqiao_mentions_by_section.csv", "keyness_titles_by_section.csv",
                     "topic_difference_county_vs_city.png", "keyness_tier.png",
                     "correspondence_biplot_tier.png", "actor_mentions_tier.png",
                     "title_themes_by_tier.png"]:
        assert expected in names, expected
    # Title topic shares are gone: titles are compared by the themes they mention.
    assert not [n for n in names if n.startswith("topic_prevalence_titles")]
    assert "keyness_by_section.csv" not in names   # one section has text: no text keyness
    assert "actor_mentions_section.png" not in names   # not in figure_groups
    kd = C.read_key_differences(ctx.paths.results)
    # City: 9 text articles, 4 and 5 from one place (滁州市) -> 8 units.
    assert kd["compareTopicGroupA"] == "county" and kd["compareTopicUnitsB"] == "8"
    assert "compareTopicSeeds" not in kd
    # The settings the numbers were computed with, citable beside them.
    p = ctx.params.compare
    assert kd["compareAlpha"] == f"{p.alpha:g}"
    assert kd["compareIntervalLevel"] == f"{1 - p.alpha:.0%}"
    assert kd["comparePower"] == f"{p.power:.0%}"
    assert kd["compareTopicBetaLabel"] == "1: 乙 – b"
    assert all(k.isalpha() for k in kd)
    assert len(out1) == len(out2)
    for a, b in zip(sorted(out1), sorted(out2)):
        assert a.read_bytes() == b.read_bytes(), a.name
    sec = pd.read_csv(ctx.paths.results / "topic_prevalence_by_section.csv")
    plo = sec[sec["section"] == "political_legal_organs"]
    assert plo["estimate"].isna().all() and (plo["status"] == NO_TEXT_STATUS).all()


def test_written_differences_agree_with_their_intervals(written):
    # On the real contrast (county vs city, units by place): in every difference table,
    # significant <=> the interval excludes 0 <=> p <= alpha; p_adj >= p; the units used
    # are listed; no removed column is written.
    ctx, _ = written[0]
    alpha = ctx.params.compare.alpha
    tables = [f"{role}_county_vs_city.csv" for role in
              ("topic_prevalence_difference", "actor_mentions_difference",
               "fengqiao_rate_difference", "keyness_article_check")]
    for name in tables:
        d = pd.read_csv(ctx.paths.results / name, keep_default_na=False, na_values=[""])
        assert not REMOVED & set(d.columns), name
        sig = d["significant"].astype(str) == "True"
        tested = d["estimate"].notna()
        assert (sig[tested] == _excludes_zero(d[tested])).all(), name
        assert (sig[tested] == (d.loc[tested, "p_value"] <= alpha)).all(), name
        assert not sig[~tested].any(), name
        assert (d.loc[tested, "p_adj"] >= d.loc[tested, "p_value"] - 1e-12).all(), name
        assert d["p_adj_family"].str.startswith("max-T over").all(), name
        assert (d["units_used_a"].astype(str).str.split().str.len() == d["n_a"]).all(), name
        assert (d.loc[tested, "mde"].dropna() > 0).all(), name
        assert d["status"].str.match(r"estimated|not compared: |no test: ").all(), name
    topics = pd.read_csv(ctx.paths.results / tables[0])
    assert ((topics["ci_low"] >= -1) & (topics["ci_high"] <= 1)).all()
    # Group means of shares: never outside [0, 1], the estimate inside its interval.
    for path in ctx.paths.results.glob("topic_prevalence_by_*.csv"):
        g = pd.read_csv(path)
        assert not REMOVED & set(g.columns), path.name
        est = g[g["status"] == "estimated"]
        assert ((est["ci_low"] >= 0) & (est["ci_high"] <= 1)).all(), path.name
        assert (est["ci_low"] <= est["estimate"]).all(), path.name
        assert (est["estimate"] <= est["ci_high"]).all(), path.name


def test_title_themes_rest_on_every_unique_title(written, corpus):
    # Every article has a title, so each group's title-level share uses all its
    # non-repeated entries — 42 party-committee titles, not only the 22 title-only ones.
    ctx, _ = written[0]
    t = pd.read_csv(ctx.paths.results / "title_themes_by_section.csv")
    arts = corpus.articles[corpus.articles["duplicate_of"].isna()]
    expected = arts.groupby("section").size()
    per = t.drop_duplicates("section").set_index("section")
    assert (per["n_titles"] == expected.reindex(per.index)).all()
    assert set(t["theme"]) == {"topic_0", "topic_1", "topic_2"}
    assert (t["level"] == "title").all()
    assert ((t["ci_low"] >= 0) & (t["ci_high"] <= 1)).all()
    d = pd.read_csv(ctx.paths.results / "title_themes_difference_county_vs_city.csv")
    assert (d["significant"] == d["ci_excludes_zero"]).all()


def test_stage_tokenizes_with_the_runs_segmenter(params, corpus, tmp_path):
    # The stage takes tokens from ctx.segmenter ([segment]), never Segmenter().
    seg = dataclasses.replace(params.segment, min_len=3)
    ctx = RunContext(dataclasses.replace(params, segment=seg), tmp_path)
    x = stage.prepare(ctx)
    assert x.topics is None and x.labels == {}   # no topic results in this root
    lengths = {len(t) for toks in x.body_tokens.values() for t in toks}
    assert min(lengths) >= 3
    assert x.body_tokens[1] == list(ctx.segmenter.tokenize([corpus.articles.set_index(
        "article_id").loc[1, "text"]])[0])
    assert x.contrast.pair == ("county", "city")
    assert "same place count as one unit" in x.contrast_note
    assert "20 of 75 articles have text" in x.evidence("text")
