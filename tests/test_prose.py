"""Generated prose states what the result tables say (analysis.prose).

Each sentence is parsed back and its numbers compared with the table it came from,
at the precision it is written with; "significant" must appear exactly for the rows
whose ``significant`` column is True.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from analysis import compare, io, prose, segment
from analysis.config import ROOT
from analysis.evidence import coverage, resolve_contrast
from analysis.gazetteer import load_gazetteer

RESULTS = ROOT / "results"
NUM = r"[+-]?\d+\.\d+"


def _table(role: str, *fill: str) -> pd.DataFrame:
    return io.read_csv(io.output_path(RESULTS, role, *fill) if fill else
                       io.output_path(RESULTS, role))


def _read(name: str) -> pd.DataFrame:
    return io.read_csv(RESULTS / name)


@pytest.fixture(scope="module")
def contrast(articles, params):
    return resolve_contrast(articles, params.contrast)


@pytest.fixture(scope="module")
def topic_diff(contrast):
    return _read(f"topic_prevalence_difference_{contrast.a}_vs_{contrast.b}.csv")


def test_number_formats():
    assert prose.id_list([3, 1, 2, 5, 4, 9, 11]) == "articles 1–5, 9 and 11"
    assert prose.id_list([8]) == "article 8"
    assert prose.id_list([4, 5]) == "articles 4 and 5"
    assert prose.signed(0.18449, 3) == "+0.184" and prose.signed(-0.2, 2) == "-0.20"
    assert prose.number(np.nan) == "NA" and prose.percent(0.456) == "46%"
    assert prose.plural(1, "entry", "entries") == "1 entry"


def _bullets(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("- ")]


def _check_difference_bullets(text: str, diff: pd.DataFrame, digits: int) -> None:
    bullets = _bullets(text)
    assert len(bullets) == len(diff)
    tol = 0.51 * 10 ** -digits
    for line, (_, r) in zip(bullets, diff.iterrows()):
        if pd.isna(r["estimate"]):
            # Not compared (unstable topic, no variation): the row's status, no numbers.
            assert str(r["status"]) in line and "p = " not in line, line
            continue
        est = float(re.search(rf"\*\*: ({NUM}),", line).group(1))
        assert abs(est - r["estimate"]) <= tol, line
        if pd.isna(r["ci_low"]):
            assert "no interval" in line
        else:
            lo, hi = map(float, re.search(rf"interval \[({NUM}), ({NUM})\]", line).groups())
            assert abs(lo - r["ci_low"]) <= tol and abs(hi - r["ci_high"]) <= tol
        p = float(re.search(rf"permutation p = ({NUM})", line).group(1))
        p_adj = float(re.search(rf"p_adj = ({NUM})", line).group(1))
        assert abs(p - r["p_value"]) <= 5.1e-4 and abs(p_adj - r["p_adj"]) <= 5.1e-4
        assert ("**significant**" in line) == bool(r["significant"]), line
        if r["status"] != "estimated":
            assert str(r["status"]) in line, line
        elif r["significant"]:
            assert ("holds after adjusting" in line) == bool(r["significant_adj"]), line
        elif pd.notna(r["mde"]):
            # A null is stated with its minimum detectable difference.
            mde = float(re.search(rf"differences smaller than ({NUM}) in absolute value "
                                  "cannot be ruled out", line).group(1))
            assert abs(mde - r["mde"]) <= tol, line
        if "n_refits" in diff.columns and pd.notna(r["n_refits"]) and r["n_refits"] >= 1:
            n = int(r["n_refits"])
            agree = int(re.search(rf"(\d+) of {n} agree in sign", line).group(1))
            reject = int(re.search(rf"rejects in (\d+) of {n}", line).group(1))
            assert agree == round(r["sign_agreement"] * n), line
            assert reject == round(r["refit_reject_share"] * n), line
        if "loo_min" in diff.columns and pd.notna(r["loo_min"]):
            lo, hi = map(float, re.search(rf"unit out: ({NUM}) to ({NUM})", line).groups())
            assert abs(lo - r["loo_min"]) <= tol and abs(hi - r["loo_max"]) <= tol
            assert str(r["loo_most_influential"]) in line
            assert ("verdict changes" in line) == bool(r["loo_conclusion_flips"])


def test_topic_difference_paragraph_states_the_table(topic_diff, params, contrast):
    units = prose.contrast_units(contrast)
    text = prose.difference_paragraph(topic_diff, alpha=params.compare.alpha, units=units)
    _check_difference_bullets(text, topic_diff, 3)
    lead = text.split("\n\n")[0]
    tested = topic_diff[topic_diff["status"] == "estimated"]
    assert ("Significant:" in lead) == bool(tested["significant"].any())
    assert f"({topic_diff['n_a'].iloc[0]} vs {topic_diff['n_b'].iloc[0]} units" in lead
    assert str(topic_diff["p_adj_family"].iloc[0]) in lead
    if len(tested) and not tested["significant"].any():
        lo, hi = tested["mde"].min(), tested["mde"].max()
        span = f"{lo:.3f}" if f"{lo:.3f}" == f"{hi:.3f}" else f"{lo:.3f}–{hi:.3f}"
        assert f"differences smaller than {span}" in lead and "cannot be ruled out" in lead
    # The paragraph follows the table: a row marked significant is called so.
    first = tested.index[0]
    flipped = topic_diff.assign(significant=topic_diff.index == first,
                                significant_adj=False)
    text = prose.difference_paragraph(flipped, alpha=params.compare.alpha)
    assert "**significant**" in _bullets(text)[list(topic_diff.index).index(first)]
    name = f"T{flipped.loc[first, 'topic'][6:]}"
    assert (f"Significant: {name} (1 of {len(tested)}; 0 after the family-wise adjustment)"
            in text)


def test_topic_difference_lines_state_stability():
    st = _table("topic_stability")
    diff = _read(next(p.name for p in RESULTS.glob("topic_prevalence_difference_*.csv")))
    text = prose.difference_paragraph(diff, alpha=0.05, stability=st)
    for line, (_, r) in zip(_bullets(text), diff.iterrows()):
        row = st[st["topic"].astype(int) == int(r["topic"][6:])].iloc[0]
        assert f"mean matched similarity {row['stability_mean']:.2f}" in line, line
        if "stable" in st.columns:
            flag = "stable" if str(row["stable"]) == "True" else "unstable"
            assert f"Stability: {flag} (" in line
            # Only stable topics are compared.
            assert (r["status"] == "estimated" or pd.isna(r["estimate"])
                    or flag == "stable"), line


def test_prevalence_status_names_every_group():
    prev = _read(next(p.name for p in RESULTS.glob("topic_prevalence_by_tier.csv")))
    text = prose.prevalence_status(prev, "tier")
    for group, g in prev.groupby("tier"):
        assert str(group) in text
        if (g["status"] == "estimated").all():
            assert f"{group} ({int(g['n_units'].iloc[0])} unit" in text
    assert "withheld" not in text and "coverage" not in text
    est = prev[prev["status"] == "estimated"]
    if len(est):
        assert str(est["interval"].iloc[0]) in text
    # Intervals of a share never leave [0, 1].
    assert ((est["ci_low"] >= 0) & (est["ci_high"] <= 1)).all()


def test_title_difference_summary_states_the_table(contrast, params):
    td = _read(f"title_themes_difference_{contrast.a}_vs_{contrast.b}.csv")
    text = prose.title_difference_summary(td, alpha=params.compare.alpha)
    tested = td[td["status"] == "ok"]
    assert str(td["family"].iloc[0]) in text
    sig = tested[tested["significant"].astype(bool)]
    assert (f"{len(sig)} of {len(tested)} themes differ" in text) == (len(sig) > 0)
    null = tested[~tested["significant"].astype(bool)]
    if len(null):
        lo, hi = null["mde"].min(), null["mde"].max()
        span = f"{lo:.2f}" if f"{lo:.2f}" == f"{hi:.2f}" else f"{lo:.2f}–{hi:.2f}"
        assert f"smaller than {span}" in text and "cannot be ruled out" in text


def test_actor_and_rate_difference_paragraphs(params, contrast):
    ab = f"{contrast.a}_vs_{contrast.b}"
    ad = _read(f"actor_mentions_difference_{ab}.csv")
    _check_difference_bullets(prose.difference_paragraph(
        ad, alpha=params.compare.alpha, item="actor", digits=1), ad, 1)
    fd = _read(f"fengqiao_rate_difference_{ab}.csv")
    _check_difference_bullets(prose.difference_paragraph(
        fd, alpha=params.compare.alpha, item="measure", digits=2), fd, 2)


def test_contrast_units_match_the_difference_table(contrast, topic_diff):
    units = prose.contrast_units(contrast)
    text = prose.contrast_definition(contrast)
    for side, col in ((contrast.a, "n_a"), (contrast.b, "n_b")):
        n = int(topic_diff[col].iloc[0])
        assert re.search(rf"{side}: \d+ articles? with a body \([^)]*\) in {n} units?", text)
    arts = contrast.articles
    by_group = coverage(arts, contrast.by).set_index(contrast.by)
    for side in (contrast.a, contrast.b):
        assert f"{side}: {by_group.loc[side, 'n_text']} article" in text
    merged = {k: v for k, v in units.items() if len(v) > 1}
    for key, ids in merged.items():
        assert f"{key} ({prose.id_list(ids)})" in text
    assert prose.contrast_definition(None, "no groups").endswith("no groups")


def test_stability_summary_states_range_and_worst_refit():
    st = _table("topic_stability")
    text = prose.stability_summary(st)
    nums = [float(x) for x in re.findall(rf"(?<![\w.])({NUM})", text.split("\n\n")[0])]
    expect = [st["stability_mean"].min(), st["stability_mean"].max(),
              st["stability_min"].min(), st["stability_min"].max()]
    assert np.allclose(nums, expect, atol=0.0051)
    bad = set(st.loc[st["stability_min"] <= 0, "topic"].astype(int))
    m = re.search(r"In at least one refit, (.*?) ha(?:s|ve) no matched", text)
    assert (m is not None) == bool(bad)
    assert set(map(int, re.findall(r"T(\d+)", m.group(1)))) == bad if m else True
    assert len(_bullets(text)) == len(st)


def test_k_reading_names_the_most_variable_k():
    k = _table("topics_k_selection")
    chosen = int(k.loc[k["chosen"], "k"].iloc[0])
    text = prose.k_reading(k, chosen)
    most = int(k.loc[k["stability_sd"].idxmax(), "k"])
    least = int(k.loc[k["stability_sd"].idxmin(), "k"])
    assert f"varies most at K = {most} (sd {k['stability_sd'].max():.3f})" in text
    assert f"least at K = {least}" in text
    assert f"NPMI is highest at K = {int(k.loc[k['npmi_mean'].idxmax(), 'k'])}" in text
    assert f"The chosen K = {chosen}" in text
    # The rule of params.toml, checked against the table: K within one sd over seeds of
    # the best on NPMI and on stability.
    s = k.set_index("k")
    admitted = []
    for col, sd in (("npmi_mean", "npmi_sd"), ("stability_mean", "stability_sd")):
        best = s[col].idxmax()
        admitted.append({int(n) for n in s.index if abs(s.at[best, col] - s.at[n, col])
                         <= np.nanmax([s.at[best, sd], s.at[n, sd], 0.0])})
    both = sorted(admitted[0] & admitted[1])
    assert f"Both conditions hold for K = {prose.listing(map(str, both))};" in text
    assert text.endswith(f"the chosen K = {chosen} meets it." if chosen in both else
                         "the choice needs a reason beyond the diagnostics.")
    auto = prose.k_reading(k, chosen, rule="highest mean NPMI")
    assert auto.endswith('`num_topics = "auto"`: highest mean NPMI.')


def test_params_k_rationale_states_no_numbers():
    # issue 25, item 10: the K rationale states the rule; numbers come from the table.
    text = (ROOT / "params.toml").read_text(encoding="utf-8")
    block = text[text.index("# Choosing K"):text.index("k_range =")]
    assert not re.search(r"\d\.\d", block), block


def test_coherence_summary_is_the_reported_model():
    coh, k = _table("topic_coherence"), _table("topics_k_selection")
    text = prose.coherence_summary(coh, k)
    assert f"mean {coh['npmi_window'].mean():.3f} with a" in text
    assert f"{coh['npmi_paragraph'].mean():.3f} with each paragraph" in text
    assert str(coh["model"].iloc[0]) in text


def test_keyness_summary_uses_the_key_flag_and_finds_place_names(params):
    kw = _table("keyness_by", "tier")
    places = prose.place_names(load_gazetteer(ROOT / params.units.gazetteer))
    top_n = params.compare.keyness_top_n
    text = prose.keyness_summary(kw, "tier", top_n=top_n, places=places)
    for line in _bullets(text):
        group = re.match(r"- \*\*(.+?)\*\*", line).group(1)
        g = kw[kw["tier"] == group]
        listed = re.findall(r"(\S+) \(\d+/\d+\)", line.split("by G²:")[-1]) if "by G²:" in \
            line else []
        expect = g[g["key"] & (g["direction"] == "over")]["term"].head(top_n).tolist()
        assert listed == expect
    expected_places = [t for grp, g in kw.groupby("tier")
                       for t in g[g["direction"] == "over"].head(top_n)["term"] if t in places]
    tail = text.split("\n\n")[-1]
    for t in expected_places:
        assert t in tail
    if not expected_places:
        assert tail.startswith("No term among")
    assert places & {"乳源", "安康"} == {"乳源", "安康"}


def test_formula_recurrence_lists_every_article_of_a_recurring_formula(articles):
    fb = compare.formulas_by_group(articles, "tier", segment.formulas, level="text")
    text = prose.formula_recurrence(fb, articles)
    pooled = (fb.assign(ids=fb["article_ids"].astype(str).str.split()).explode("ids")
              .groupby("formula")["ids"].agg(lambda s: sorted({int(i) for i in s})))
    recurring = pooled[pooled.str.len() > 1]
    lines = _bullets(text)
    assert len(lines) == len(recurring)
    meta = articles.set_index("article_id")
    for line in lines:
        formula = line[2:].split(": articles ")[0]
        ids = [int(i) for i in re.findall(r"(\d+) \(", line)]
        assert ids == recurring[formula]
        provinces = meta.loc[ids, "province"].nunique()
        assert ("provinces" in line) == (provinces > 1), line
    assert f"{(pooled.str.len() == 1).sum()} occur in one article only" in text


def test_corpus_coverage_counts(articles):
    text = prose.corpus_coverage(articles)
    n_text = int(articles["text_status"].isin(["full", "truncated"]).sum())
    assert f"lists {len(articles)} entries" in text
    assert f"{n_text} of them have a body" in text
    n_title = int((articles["text_status"] == "title_only").sum())
    assert f"The other {n_title} entries" in text
    dup = articles[articles["duplicate_of"].notna()]
    assert prose.duplicates(articles).count("repeats") == len(dup)


def test_pattern_association_and_its_influence(params, ctx):
    from analysis.topics import read_results
    res = read_results(RESULTS)
    pattern = params.compare.fengqiao_pattern
    paras = ctx.corpus.paragraphs
    ft = compare.actor_topics(res.para_topics, paras, compare.term_table(pattern, "p"))
    top = ft.loc[ft["difference"].abs().idxmax()]
    text = prose.association_influence(res.para_topics, paras, pattern)
    full = float(re.search(rf"\(({NUM})\), leaving", text).group(1))
    assert abs(full - top["difference"]) <= 5.1e-4
    assert text.startswith(f"For T{int(top['topic'][6:])} ")
    listed = prose.topic_association(ft)
    order = [int(t) for t in re.findall(r"T(\d+) [+-]", listed)]
    assert order == [int(t[6:]) for t in ft.sort_values("difference", ascending=False)["topic"]]


def test_mention_concentration(articles, params):
    per = compare.term_by_article(articles, params.compare.fengqiao_pattern)
    text = prose.mention_concentration(per, params.compare.fengqiao_pattern)
    t = per[per["text_status"] != "title_only"]
    assert f"{int((t['text_mentions'] > 0).sum())} of the {len(t)} bodies" in text
    assert f"{int(t['text_mentions'].sum())} times in all" in text


def test_differential_summary_counts_the_pairs(contrast, params):
    ab = f"{contrast.a}_vs_{contrast.b}"
    table = _read(f"cooccurrence_differential_{ab}.csv")
    cov = _read(f"cooccurrence_differential_{ab}_coverage.csv")
    text = prose.differential_summary(table, cov, params.cooccur.differential.alpha)
    s = table["stronger_in"]
    k = int((s.notna() & (s.astype(str) != "")).sum())
    assert (f"{k} of {len(table)} tested pairs differ" in text if k
            else f"none of the {len(table)} tested pairs" in text)
    for r in cov.itertuples():
        assert f"{r.group} {r.n_text} of {r.n_articles} entries" in text
    # The network groups are the contrast's: every text article of each side is listed.
    units = prose.contrast_units(contrast)
    ids = sorted(i for v in units.values() for i in v)
    listed = sorted(int(i) for s in cov["article_ids"] for i in str(s).split())
    assert listed == ids


def test_validation_prose_states_the_scores():
    agreement, gold, tlo = (_read("validation_agreement.csv"), _read("validation_gold.csv"),
                            _read("validation_tlo.csv"))
    text = prose.agreement_summary(agreement, gold, tlo, "coders")
    alpha = agreement.set_index("kind").loc["all", "krippendorff_alpha"]
    acc = gold.loc[gold["kind"] == "all", "accuracy"]
    assert f"α = {alpha:.2f}" in text
    assert f"from {acc.min():.0%} to {acc.max():.0%}" in text
    prec = _read("validation_precision.csv")
    overall = prec[prec["topic"].astype(str) == "all"].set_index("kind")
    lines = _bullets(prose.precision_lines(overall, "coders"))
    assert len(lines) == len(overall)
    for line, (kind, r) in zip(lines, overall.iterrows()):
        assert f"precision {r.precision:.2f}" in line and f"{r.n_correct} of {r.n_answers}" in line


def test_topic_names_are_short_and_keyed_by_column():
    from analysis.topics import read_results
    labels = read_results(RESULTS).labels
    names = prose.topic_names(labels)
    assert set(names) == {f"topic_{t}" for t in labels["topic"]}
    r = labels.iloc[0]
    assert names[f"topic_{r['topic']}"] == f"T{r['topic']} {r['label']}"


def _captions(text: str) -> str:
    return " ".join(re.findall(r"\\caption\{(.*)\}", text))


def test_latex_captions_read_alpha_and_the_tables_interval(tmp_path):
    # Captions state the [compare] alpha and the interval the table was built with,
    # never a typed "95%", "93%" or "q < 0.05".
    import shutil

    from analysis.latex_tables import write_tables

    for name in ("corpus_coverage.csv", "topic_prevalence_by_tier.csv", "keyness_by_tier.csv"):
        shutil.copy(RESULTS / name, tmp_path / name)
    caps = _captions("".join(p.read_text(encoding="utf-8")
                             for p in write_tables(tmp_path, {}, alpha=0.1)))
    assert "q < 0.1)" in caps and "0.05" not in caps and "93" not in caps
    prev = _read("topic_prevalence_by_tier.csv")
    method = str(prev.loc[prev["status"] == "estimated", "interval"].iloc[0])
    assert method.replace("%", "\\%") in caps and "refits" not in caps


def test_variables_cite_the_new_quantities():
    from analysis.variables import collect

    names = {v.name: v for v in collect(RESULTS)}
    assert names["compare_alpha"].value == f"{float(names['compare_alpha'].value):g}"
    assert {"compare_interval_level", "compare_power", "compare_topic_family"} <= set(names)
    for field in ("p_adj", "m_d_e", "status", "significant_adj"):
        assert any(n.startswith("compare_topic_") and n.endswith(field) for n in names), field
    # Removed quantities are not cited any more.
    assert not [n for n in names if n.startswith("compare_") and n.endswith(("_q", "_seeds"))]
    padj = next(v for n, v in names.items() if n.endswith("_p_adj"))
    assert "max-T" in padj.note
