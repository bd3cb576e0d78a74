"""Themes in titles (issue 25, item 7): counts, exact intervals, the exact contrast.

Real inputs: the compilation's titles tokenized by the run's segmenter, themes from a
small planted topic-terms table and the dictionary fixture in ``tests/data``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st
from scipy.optimize import minimize_scalar

from analysis import exact as S
from analysis.compare import titles as T
from analysis.compare.tokens import article_tokens
from analysis.config import CompareParams, ParamsError, build_section

DATA = Path(__file__).parent / "data"
DICTIONARY = DATA / "title_themes_dictionary.csv"
CI, ALPHA, MIN_TITLES = 0.95, 0.05, 5

#: A topic-terms table as the topic stage writes it: two methods, ranked terms.
TERMS = pd.DataFrame(
    [(0, "frex", r, t) for r, t in enumerate(["平安建设", "综述", "纪实", "侧记"], 1)]
    + [(1, "frex", r, t) for r, t in enumerate(["公安", "派出所", "警务"], 1)]
    + [(0, "prob", r, t) for r, t in enumerate(["平安", "平安建设"], 1)]
    + [(1, "prob", r, t) for r, t in enumerate(["公安", "平安"], 1)],
    columns=["topic", "method", "rank", "term"]).assign(label=lambda d: "标签" + d["topic"]
                                                        .astype(str), gloss="a gloss")


@pytest.fixture(scope="module")
def title_tokens(articles, segmenter):
    return article_tokens(articles, segmenter, level="title")


@pytest.fixture(scope="module")
def themes():
    return T.topic_themes(TERMS, method="frex", n=3) + T.load_theme_dictionary(DICTIONARY)


def test_topic_themes_take_the_top_terms_of_the_method():
    th = T.topic_themes(TERMS, method="frex", n=3)
    assert [t.name for t in th] == ["topic_0", "topic_1"]
    assert th[0].terms == ("平安建设", "综述", "纪实")           # rank order, top 3
    assert th[1].terms == ("公安", "派出所", "警务")
    assert th[0].source == "topic model: frex top 3" and th[0].label == "标签0"
    with pytest.raises(ValueError, match="no method"):
        T.topic_themes(TERMS, method="relevance", n=3)


def test_dictionary_themes_keep_their_labels_and_terms():
    d = {t.name: t for t in T.load_theme_dictionary(DICTIONARY)}
    assert list(d) == ["fengqiao", "grid", "policing"]
    assert d["fengqiao"].terms == ("枫桥经验", "枫桥") and d["grid"].gloss == "grid management"
    assert d["policing"].source == "dictionary"


def test_dictionary_without_term_column_is_refused(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("theme,word\na,b\n", encoding="utf-8")
    with pytest.raises(ValueError, match="term"):
        T.load_theme_dictionary(bad)


def _recount(articles, segmenter, by, terms) -> pd.DataFrame:
    """k and n per group, straight from the articles: unique titles, tokenized here."""
    arts = articles[articles["duplicate_of"].isna()]
    toks = segmenter.tokenize(arts["title"].tolist())
    hit = [bool(set(t) & set(terms)) for t in toks]
    g = arts[by].astype(object).where(arts[by].notna(), "(missing)").astype(str)
    return pd.DataFrame({"g": g.to_numpy(), "hit": hit}).groupby("g")["hit"].agg(["sum", "size"])


@pytest.mark.parametrize("by,some_small", [("section", False), ("tier", True),
                                           ("unit_type", True)])
def test_counts_are_a_recount_and_intervals_are_exact_and_in_range(articles, segmenter,
                                                                   title_tokens, themes, by,
                                                                   some_small):
    tab = T.title_themes(articles, title_tokens, by, themes, ci=CI, min_titles=MIN_TITLES)
    assert len(tab) == articles[by].fillna("(missing)").nunique() * len(themes)
    # every unique title in exactly one group, per theme
    n_unique = int(articles["duplicate_of"].isna().sum())
    assert (tab.groupby("theme")["n_titles"].sum() == n_unique).all()
    for th in themes:
        rec = _recount(articles, segmenter, by, th.terms)
        t = tab[tab["theme"] == th.name].set_index(by)
        assert (t["k_titles"] == rec["sum"].reindex(t.index)).all(), th.name
        assert (t["n_titles"] == rec["size"].reindex(t.index)).all(), th.name
    ok = tab["n_titles"] >= MIN_TITLES
    assert ok.any() and (~ok).any() == some_small
    inside = tab[ok]
    assert ((inside["ci_low"] >= 0) & (inside["ci_low"] <= inside["share"])
            & (inside["share"] <= inside["ci_high"]) & (inside["ci_high"] <= 1)).all()
    for _, r in inside.iterrows():
        ref = st.binomtest(int(r["k_titles"]), int(r["n_titles"])).proportion_ci(
            confidence_level=CI, method="exact")
        assert (r["ci_low"], r["ci_high"]) == pytest.approx((ref.low, ref.high), abs=1e-12)
    # below the minimum: counts and share, no interval, and the status says why
    few = tab[~ok]
    assert few["ci_low"].isna().all() and few["ci_high"].isna().all()
    assert few["status"].str.contains(f"fewer than {MIN_TITLES} titles").all()
    assert (few["share"] == few["k_titles"] / few["n_titles"]).all()
    assert (inside["status"] == "ok").all()


def test_matched_terms_and_ids_say_which_titles_count(articles, title_tokens, themes):
    tab = T.title_themes(articles, title_tokens, "section", themes, ci=CI,
                         min_titles=MIN_TITLES)
    for _, r in tab.iterrows():
        ids = [int(a) for a in str(r["article_ids"]).split()] if r["k_titles"] else []
        assert len(ids) == r["k_titles"]
        terms = dict(x.split(":") for x in r["matched_terms"].split(";")) if ids else {}
        assert sum(map(int, terms.values())) >= r["k_titles"]
        assert set(terms) <= set(r["terms"].split(";"))


# ------------------------------------------------------------ the exact test

#: Tables (k1, n1, k2, n2) where every tie of the statistic is exact in floating point.
PLANTED = [(9, 12, 2, 10), (3, 10, 8, 12), (0, 8, 5, 9), (12, 30, 3, 25), (5, 20, 5, 20)]


@pytest.mark.parametrize("k1,n1,k2,n2", PLANTED)
def test_exact_p_at_zero_is_barnards_test(k1, n1, k2, n2):
    p = S.exact_unconditional_p(k1, n1, k2, n2)
    ref = st.barnard_exact([[k1, k2], [n1 - k1, n2 - k2]], pooled=True).pvalue
    assert p == pytest.approx(ref, abs=2e-6)


def test_exact_p_counts_tables_tied_with_the_observed_one():
    # 1/8 vs 14/19 is as extreme as 7/8 vs 5/19 (successes and failures swapped);
    # scipy's comparison of floats drops that tie, so its p is smaller than the
    # probability of the tables at least as extreme (checked on a fine grid here).
    k1, n1, k2, n2 = 7, 8, 5, 19
    p = S.exact_unconditional_p(k1, n1, k2, n2)
    ref = st.barnard_exact([[k1, k2], [n1 - k1, n2 - k2]], pooled=True).pvalue
    z = S.score_statistic(np.arange(n1 + 1)[:, None], n1, np.arange(n2 + 1)[None, :], n2)
    tail = np.isclose(np.abs(z), abs(z[k1, k2]), rtol=1e-9) | (np.abs(z) > abs(z[k1, k2]))
    grid = np.linspace(0, 1, 20001)
    prob = np.einsum("gi,ij,gj->g", st.binom.pmf(np.arange(n1 + 1), n1, grid[:, None]),
                     tail.astype(float), st.binom.pmf(np.arange(n2 + 1), n2, grid[:, None]))
    assert p == pytest.approx(prob.max(), rel=1e-6)
    assert p > ref


@pytest.mark.parametrize("k1,n1,k2,n2,delta", [(3, 10, 8, 12, 0.2), (0, 8, 5, 9, -0.4),
                                               (12, 30, 3, 25, 0.35), (9, 12, 2, 10, -0.1)])
def test_restricted_mle_maximises_the_likelihood_under_the_null(k1, n1, k2, n2, delta):
    q1, q2 = S._restricted_mle(np.array(k1 / n1), n1, np.array(k2 / n2), n2, delta)
    assert float(q1 - q2) == pytest.approx(delta)

    def nll(p2):
        return -(st.binom.logpmf(k1, n1, p2 + delta) + st.binom.logpmf(k2, n2, p2))

    best = minimize_scalar(nll, bounds=(max(0, -delta), min(1, 1 - delta)), method="bounded",
                           options={"xatol": 1e-12})
    assert float(q2) == pytest.approx(best.x, abs=1e-5)


@pytest.mark.parametrize("k1,n1,k2,n2", PLANTED[:3])
def test_interval_is_the_set_the_test_does_not_reject(k1, n1, k2, n2):
    lo, hi = S.exact_difference_interval(k1, n1, k2, n2, 1 - ALPHA)
    est = k1 / n1 - k2 / n2
    assert -1 <= lo <= est <= hi <= 1
    for bound, out in ((lo, lo - 1e-3), (hi, hi + 1e-3)):
        if abs(bound) < 1:
            assert S.exact_unconditional_p(k1, n1, k2, n2, bound) >= ALPHA
            assert S.exact_unconditional_p(k1, n1, k2, n2, out) < ALPHA
    p0 = S.exact_unconditional_p(k1, n1, k2, n2)
    assert (p0 < ALPHA) == (lo > 0 or hi < 0)


def _planted_articles(k_a, n_a, k_b, n_b) -> tuple[pd.DataFrame, dict]:
    """Titles of two groups, ``k`` of each mentioning 枫桥经验, plus one repeat."""
    rows, tokens = [], {}
    for grp, k, n in (("a", k_a, n_a), ("b", k_b, n_b)):
        for i in range(n):
            aid = len(rows) + 1
            rows.append({"article_id": aid, "g": grp, "duplicate_of": np.nan})
            tokens[aid] = ["推进", "枫桥经验"] if i < k else ["推进", "平安建设"]
    dup = len(rows) + 1    # a repeated entry of title 1: not counted again
    rows.append({"article_id": dup, "g": "a", "duplicate_of": 1.0})
    tokens[dup] = tokens[1]
    return pd.DataFrame(rows), tokens


def test_planted_split_gives_scipys_exact_p_and_an_agreeing_interval():
    arts, tokens = _planted_articles(9, 12, 2, 10)
    th = [T.Theme("fengqiao", "枫桥", ("枫桥经验",), "dictionary"),
          T.Theme("none", "无", ("不在",), "dictionary")]
    d = T.title_theme_difference(arts, tokens, "g", "a", "b", th, alpha=ALPHA,
                                 min_titles=MIN_TITLES, power=0.8).set_index("theme")
    r = d.loc["fengqiao"]
    assert (r["k_a"], r["n_a"], r["k_b"], r["n_b"]) == (9, 12, 2, 10)
    assert r["estimate"] == pytest.approx(9 / 12 - 2 / 10)
    ref = st.barnard_exact([[9, 2], [3, 8]], pooled=True).pvalue
    assert r["p_value"] == pytest.approx(ref, abs=2e-6)
    assert r["p_value"] < ALPHA and r["significant"] and r["ci_excludes_zero"]
    assert 0 < r["ci_low"] < r["estimate"] < r["ci_high"] <= 1
    # Holm over the two themes: the null theme has p = 1
    assert d.loc["none", "p_value"] == 1.0
    assert r["p_adj"] == pytest.approx(min(1.0, 2 * r["p_value"]))
    assert d["family"].iloc[0] == "Holm over the 2 tested themes of this contrast"
    # mde: the arcsine distance of the detectable pair is Cohen's h for these n
    h = (st.norm.ppf(1 - ALPHA / 2) + st.norm.ppf(0.8)) * np.sqrt(1 / 12 + 1 / 10)
    pooled = 11 / 22
    phi = 2 * np.arcsin(np.sqrt(pooled))
    assert r["mde"] == pytest.approx(np.sin((phi + h / 2) / 2) ** 2
                                     - np.sin((phi - h / 2) / 2) ** 2)


def test_groups_below_the_minimum_get_no_test():
    arts, tokens = _planted_articles(3, 4, 2, 10)
    th = [T.Theme("fengqiao", "枫桥", ("枫桥经验",), "dictionary")]
    r = T.title_theme_difference(arts, tokens, "g", "a", "b", th, alpha=ALPHA,
                                 min_titles=MIN_TITLES, power=0.8).iloc[0]
    assert r["n_a"] == 4 and r["estimate"] == pytest.approx(0.75 - 0.2)
    assert np.isnan(r["p_value"]) and np.isnan(r["ci_low"]) and np.isnan(r["mde"])
    assert pd.isna(r["significant"]) and "fewer than 5 titles in a" in r["status"]


def test_real_contrast_significant_agrees_with_its_interval(params, articles, title_tokens,
                                                           themes):
    c = params.contrast
    a, b = c.groups
    d = T.title_theme_difference(articles, title_tokens, c.by, a, b, themes, alpha=ALPHA,
                                 min_titles=MIN_TITLES, power=0.8)
    tested = d[d["status"] == "ok"]
    assert len(tested) == len(themes)
    assert (tested["significant"] == tested["ci_excludes_zero"]).all()
    assert (tested["significant"] == (tested["p_value"] < ALPHA)).all()
    assert ((tested["ci_low"] <= tested["estimate"]) & (tested["estimate"] <= tested["ci_high"])
            & (tested["ci_low"] >= -1) & (tested["ci_high"] <= 1)).all()
    assert (tested["p_adj"] >= tested["p_value"]).all()
    assert ((tested["mde"] > 0) & (tested["mde"] < 1)).all()
    for _, r in tested.iterrows():   # the counts are those of the by-group table
        g = T.title_themes(articles, title_tokens, c.by, [t for t in themes
                                                         if t.name == r["theme"]],
                           ci=CI, min_titles=MIN_TITLES).set_index(c.by)
        assert (r["k_a"], r["n_a"]) == (g.loc[a, "k_titles"], g.loc[a, "n_titles"])
        assert (r["k_b"], r["n_b"]) == (g.loc[b, "k_titles"], g.loc[b, "n_titles"])


def test_many_tables_interval_and_test_agree():
    rng = np.random.default_rng(7)
    for _ in range(12):
        n1, n2 = (int(v) for v in rng.integers(5, 25, 2))
        k1, k2 = int(rng.integers(0, n1 + 1)), int(rng.integers(0, n2 + 1))
        lo, hi = S.exact_difference_interval(k1, n1, k2, n2, 1 - ALPHA)
        p0 = S.exact_unconditional_p(k1, n1, k2, n2)
        assert (p0 < ALPHA) == (lo > 0 or hi < 0), (k1, n1, k2, n2, p0, lo, hi)


def test_holm_matches_the_step_down_rule():
    adj = S.holm([0.01, 0.04, 0.03, np.nan])
    assert adj[:3] == pytest.approx([0.03, 0.06, 0.06]) and np.isnan(adj[3])


def test_title_theme_parameters_are_checked(params):
    data = dataclasses.asdict(params.compare)
    for key, value in (("title_theme_method", "lda"), ("title_theme_terms", 0),
                       ("title_min_titles", 0), ("power", 1.0)):
        with pytest.raises(ParamsError, match=key):
            build_section(CompareParams, {**data, key: value}, "compare", "test")


def test_figure_draws_every_group_with_text_of_at_least_7_pt(articles, title_tokens, themes):
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    from analysis.evidence import Coverage, evidence_label
    from analysis.plots.titles import draw_title_themes

    tab = T.title_themes(articles, title_tokens, "tier", themes, ci=CI, min_titles=MIN_TITLES)
    ev = evidence_label("title", Coverage.of(articles))
    fig = draw_title_themes(tab, "tier", evidence=ev, min_titles=MIN_TITLES)
    fig.draw_without_rendering()
    texts = [t for t in fig.findobj(Text) if t.get_text().strip()]
    assert min(t.get_fontsize() for t in texts) >= 7
    caption = "\n".join(t.get_text() for t in texts)
    assert ev in caption.replace("\n", " ")
    assert "fewer than 5 titles, no interval: national, province" in caption.replace("\n", " ")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    n = tab.drop_duplicates("tier").set_index("tier")["n_titles"]
    assert legend == [f"{g} ({n[g]})" for g in ["national", "province", "city", "county",
                                               "grassroots"]]
    plt.close(fig)
    one = tab[tab["tier"] == "county"]
    assert draw_title_themes(one, "tier", evidence=ev, min_titles=MIN_TITLES) is None


def test_titles_are_compared_when_a_contrast_group_has_no_body(params, tmp_path):
    # political-legal organs have titles only: no text-level contrast, but a title one.
    import warnings

    from analysis.compare import stage
    from analysis.context import RunContext

    p = dataclasses.replace(
        params, compare=dataclasses.replace(params.compare,
                                            title_theme_dictionary=str(DICTIONARY)),
        contrast=dataclasses.replace(params.contrast, by="section",
                                     groups=("political_legal_organs", "party_committees")))
    ctx = RunContext(p, tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x = stage.prepare(ctx)
    assert x.contrast is None and [t.name for t in x.themes] == ["fengqiao", "grid",
                                                                 "policing"]
    (path,) = stage._write_title_difference(ctx, x)
    assert path.name == "title_themes_difference_political_legal_organs_vs_party_committees.csv"
    d = pd.read_csv(path).set_index("theme")
    assert (d["n_a"] == 27).all() and (d["n_b"] == 42).all()
    pol = d.loc["policing"]      # police units name themselves in their titles
    assert pol["k_b"] == 0 and pol["k_a"] > 0 and pol["significant"]
    assert pol["p_value"] == pytest.approx(S.exact_unconditional_p(int(pol["k_a"]), 27, 0, 42))
