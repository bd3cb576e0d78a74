"""Tests of analysis.cooccur: measures, counting, networks, permutation test, KWIC, stage."""

from __future__ import annotations

import itertools
import re
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import cooccur as co
from analysis import evidence
from analysis.context import RunContext
from analysis.io import FLOAT_FORMAT
from analysis.cooccur import stage
from analysis.plots import cooccur as plots
from analysis.plots.style import style
from analysis.stats import keyness_2x2 as stats_keyness

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def windows(corpus, segmenter):
    return co.build_windows(corpus.paragraphs, segmenter, unit="sentence")


@pytest.fixture(scope="module")
def net(windows, params):
    return co.network_from_params(params.cooccur).fit(windows["tokens"])


def toy_windows() -> list[list[str]]:
    lines = (DATA / "cooccur_2x2_windows.txt").read_text(encoding="utf-8").splitlines()
    return [line.split() for line in lines if line and not line.startswith("#")]


# --------------------------------------------------------------------------
# Measures against a hand-computed 2×2 table
# --------------------------------------------------------------------------

def test_measures_match_hand_computed_2x2():
    # Table over N = 20 windows, a = 甲 (8 windows), b = 乙 (5), both in 4:
    #            b     not b
    #   a        4       4      | 8
    #   not a    1      11      | 12
    #            5      15      | 20
    # Jaccard = 4 / (8 + 5 - 4) = 4/9 = 0.444444
    # Dice    = 2·4 / (8 + 5)   = 8/13 = 0.615385
    # PMI     = ln(4·20 / (8·5)) = ln 2 = 0.693147;  -ln(4/20) = ln 5 = 1.609438
    # NPMI    = 0.693147 / 1.609438 = 0.430677
    # Expected: E11 = 8·5/20 = 2, E12 = 8·15/20 = 6, E21 = 12·5/20 = 3, E22 = 12·15/20 = 9
    # G² = 2 [4 ln(4/2) + 4 ln(4/6) + 1 ln(1/3) + 11 ln(11/9)]
    #    = 2 [2.7725887 − 1.6218604 − 1.0986123 + 2.2073777] = 2 · 2.2594937 = 4.5189874
    # p  = P(χ²₁ > 4.5189874) = erfc(√(4.5189874/2)) = erfc(1.503161) = 0.03352
    m = co.association([4], [8], [5], 20).iloc[0]
    assert m["count"] == 4
    assert m["expected"] == pytest.approx(2.0)
    assert m["jaccard"] == pytest.approx(4 / 9)
    assert m["dice"] == pytest.approx(8 / 13)
    assert m["npmi"] == pytest.approx(0.430677, abs=1e-6)
    assert m["g2"] == pytest.approx(4.5189874, abs=1e-6)
    assert m["p_value"] == pytest.approx(0.03352, abs=1e-5)


def test_measure_edge_cases():
    m = co.association([0, 6, 3], [4, 6, 3], [5, 6, 3], [20, 6, 10])
    # never together: NPMI −1; G² of [[0,4],[5,11]]: E = 1, 3, 4, 12
    # 2 [4 ln(4/3) + 5 ln(5/4) + 11 ln(11/12)] = 2 [1.150728 + 1.115718 − 0.957125] = 2.618642
    assert m.loc[0, "npmi"] == -1.0 and m.loc[0, "jaccard"] == 0.0
    assert m.loc[0, "g2"] == pytest.approx(2.618642, abs=1e-6)
    # together in every window: NPMI 1, Jaccard 1, G² 0 (all cells equal expectation)
    assert m.loc[1, "npmi"] == 1.0 and m.loc[1, "jaccard"] == 1.0 and m.loc[1, "g2"] == 0.0
    # always together, 3 of 10 windows: PMI = ln(10/3), −ln(3/10) = ln(10/3) → NPMI 1
    assert m.loc[2, "npmi"] == pytest.approx(1.0)


def test_cooccurrence_table_from_toy_windows():
    counts, vocab = co.doc_term_matrix(toy_windows())
    pairs = co.cooccurrence(counts, vocab, ["甲", "乙", "丙"]).set_index(["source", "target"])
    row = pairs.loc[("乙", "甲")]  # sorted code points: 乙 (U+4E59) < 甲 (U+7532)
    assert (row["count"], row["n_source"], row["n_target"], row["n_windows"]) == (4, 5, 8, 20)
    assert row["g2"] == pytest.approx(4.5189874, abs=1e-6)
    # 乙 and 丙 share 4 windows, fewer than expected 5·19/20 = 4.75: not an edge
    assert pairs.loc[("丙", "乙"), "expected"] == pytest.approx(4.75)
    edges = co.filter_edges(pairs.reset_index(), measure="jaccard", min_count=1)
    assert set(zip(edges["source"], edges["target"])) == {("乙", "甲"), ("丙", "甲")}
    assert co.filter_edges(pairs.reset_index(), measure="jaccard",
                           min_count=5)["count"].min() >= 5
    assert len(co.filter_edges(pairs.reset_index(), measure="jaccard", top_n=1)) == 1


def test_windows_cover_the_bodies(windows, corpus, segmenter):
    paras = corpus.paragraphs
    assert set(windows["article_id"]) == set(range(1, 21))
    with_text = evidence.has_text(corpus.articles)
    assert set(windows["article_id"]) == set(with_text.index[with_text])
    # sentences of a paragraph join back to it (no text lost or invented)
    for (aid, pid), grp in windows.groupby(["article_id", "para_id"]):
        text = paras.loc[(paras["article_id"] == aid) & (paras["para_id"] == pid), "text"].item()
        assert "".join(grp.sort_values("sent_id")["text"]).replace(" ", "") == \
            segmenter.normalize(text).replace(" ", "")
    by_para = co.build_windows(paras[paras["article_id"] <= 3], segmenter, unit="paragraph")
    assert len(by_para) == (paras["article_id"] <= 3).sum()
    assert (by_para["sent_id"] == 0).all()


# --------------------------------------------------------------------------
# Sparse counting against a naive reference
# --------------------------------------------------------------------------

def test_sparse_counts_match_naive_reference(windows):
    sample = windows[windows["article_id"].isin([1, 2, 3])]
    toks = sample["tokens"].tolist()
    counts, vocab = co.doc_term_matrix(toks)
    kw = co.select_keywords(counts, vocab, method="frequency", n=30, min_windows=2)
    assert len(kw) == 30
    pairs = co.cooccurrence(counts, vocab, kw)
    got = {(s, t): c for s, t, c in pairs[["source", "target", "count"]].itertuples(index=False)}
    sets = [set(t) for t in toks]
    naive = {}
    for s, t in itertools.combinations(sorted(kw), 2):
        n = sum(1 for x in sets if s in x and t in x)
        if n:
            naive[(s, t)] = n
    assert got == naive
    df = {w: sum(1 for x in sets if w in x) for w in kw}
    for s, t, ns, nt in pairs[["source", "target", "n_source", "n_target"]].itertuples(index=False):
        assert (ns, nt) == (df[s], df[t])
    tt = co.term_table(counts, vocab).set_index("term")
    assert tt.loc[kw[0], "freq"] == sum(t.count(kw[0]) for t in toks)


def test_keyword_selection_methods(windows):
    counts, vocab = co.doc_term_matrix(windows["tokens"])
    tt = co.term_table(counts, vocab)
    top = co.select_keywords(counts, vocab, method="frequency", n=10, min_windows=5)
    threshold = tt.sort_values("n_windows", ascending=False)["n_windows"].iloc[9]
    assert all(tt.set_index("term").loc[top, "n_windows"] >= threshold)
    target = (windows["article_id"] == 10).to_numpy()
    key = co.select_keywords(counts, vocab, method="keyness", n=5, min_windows=3,
                             target=target)
    kt = co.keyness(counts, vocab, target).set_index("term")
    assert (kt.loc[key, "log_ratio"] > 0).all()
    assert kt.loc[key, "g2"].min() >= kt[kt["log_ratio"] > 0]["g2"].nlargest(40).iloc[-1] - 1e-9
    # the one keyness of analysis.stats: G² and Hardie's log ratio (zero -> 0.5)
    a, b = kt["freq_target"].to_numpy(), kt["freq_reference"].to_numpy()
    ref = stats_keyness(a, b, a.sum(), b.sum())
    np.testing.assert_allclose(kt["g2"], ref["g2"])
    np.testing.assert_allclose(kt["log_ratio"], ref["log_ratio"])
    with pytest.warns(UserWarning, match="not found"):
        assert co.select_keywords(counts, vocab, method="list",
                                  terms=["调解", "不存在的词"]) == ["调解"]


# --------------------------------------------------------------------------
# Networks
# --------------------------------------------------------------------------

def test_same_input_and_seed_give_identical_network(windows, params, net, tmp_path):
    again = co.network_from_params(params.cooccur).fit(windows["tokens"])
    pd.testing.assert_frame_equal(net.edges_, again.edges_)
    pd.testing.assert_frame_equal(net.nodes_, again.nodes_)
    assert net.communities_ == again.communities_
    assert net.pos_ == again.pos_
    assert net.modularity_ == again.modularity_
    a = co.write_gexf(net.graph_, tmp_path / "a.gexf", pos=net.pos_)
    b = co.write_gexf(again.graph_, tmp_path / "b.gexf", pos=again.pos_)
    assert a.read_bytes() == b.read_bytes()
    # the seeded spring layout is reproducible too
    s1 = co.seeded_layout(net.graph_, seed=7, method="spring")
    s2 = co.seeded_layout(again.graph_, seed=7, method="spring")
    assert s1 == s2


def test_network_reports_modularity_of_its_partition(net):
    G = net.graph_
    assert 0 < G.number_of_edges() <= net.top_n_edges
    parts = {}
    for n, c in net.communities_.items():
        parts.setdefault(c, set()).add(n)
    q = nx.community.modularity(G, parts.values(), weight="weight")
    assert net.modularity_ == pytest.approx(q)
    assert 0 < net.modularity_ < 1
    # communities numbered by size
    sizes = [len(parts[c]) for c in sorted(parts)]
    assert sizes == sorted(sizes, reverse=True)


def test_gexf_round_trip_keeps_every_attribute(net, tmp_path):
    path = co.write_gexf(net.graph_, tmp_path / "net.gexf", pos=net.pos_,
                         colours=plots.community_colours(net.communities_))
    H = nx.read_gexf(path)
    G = net.graph_
    assert set(H.nodes) == set(G.nodes)
    assert {frozenset(e) for e in H.edges} == {frozenset(e) for e in G.edges}
    # Floats are written at the precision policy (6 significant digits), like the CSVs.
    def written(x):
        return float(FLOAT_FORMAT % x) if isinstance(x, float) else x

    for n, d in G.nodes(data=True):
        for k in ("label", "english", "freq", "n_windows", "community", "degree", "x", "y"):
            assert H.nodes[n][k] == written(d[k]), k
    for u, v, d in G.edges(data=True):
        h = H.edges[u, v]
        for k in ("weight", "count", "expected", "jaccard", "dice", "npmi", "g2", "p_value"):
            assert h[k] == written(d[k]), k
    # Layout positions too: no number in the file carries more than 6 significant digits.
    text = path.read_text(encoding="utf-8")
    numbers = re.findall(r'(?:value|x|y|size)="(-?[0-9.]+(?:e-?[0-9]+)?)"', text)
    assert numbers and all(len(m.split("e")[0].replace("-", "").replace(".", "").lstrip("0"))
                           <= 6 for m in numbers)


def test_labels_do_not_overlap(net, ctx, params):
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    glossary = co.load_glossary(ctx.input(params.cooccur.glossary))
    assert glossary
    with style():
        fig, ax = plt.subplots(figsize=(7.0, 6.2))
        colours = plots.community_colours(net.communities_)
        texts = plots.draw_graph(ax, net.nodes_, net.edges_, colours=colours, n_labels=40,
                                 glossary=glossary)
        fig.canvas.draw()
        r = fig.canvas.get_renderer()
        # the text itself, without the leader line an Annotation's extent includes
        boxes = [Text.get_window_extent(t, r) for t in texts]
        plt.close(fig)
    # a label with no free spot is left out; nearly all must find one
    assert len(texts) >= 0.9 * min(40, net.graph_.number_of_nodes())
    overlaps = [(texts[i].get_text(), texts[j].get_text())
                for i, j in itertools.combinations(range(len(boxes)), 2)
                if boxes[i].overlaps(boxes[j])]
    assert overlaps == []


def _display_vertices(arrow) -> np.ndarray:
    path = arrow._get_path_in_displaycoord()[0]
    return np.concatenate([q.vertices for q in (path if isinstance(path, list) else [path])])


def test_leader_lines_are_clipped_as_by_the_label_itself(net, ctx, params):
    """The cached label region clips every leader line where the Text would, at the
    dpi of each file, after the draws ``save`` makes (issue 19: same bytes, faster)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    glossary = co.load_glossary(ctx.input(params.cooccur.glossary))
    with style():
        fig, ax = plt.subplots(figsize=(7.0, 6.2))
        plots.draw_graph(ax, net.nodes_, net.edges_, colours=plots.community_colours(
            net.communities_), n_labels=40, glossary=glossary)
        arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
        assert len(arrows) >= 5 and all(isinstance(p.patchA, plots._LabelRegion)
                                        for p in arrows)
        # As saving does: a file's dpi is set and the lines are drawn before the
        # labels, so the label state is the previous draw's; then after a draw.
        for dpi, drawn in [(300, False), (300, True), (72, False), (72, True),
                           (100, False)]:
            fig.set_dpi(dpi)
            if drawn:
                fig.draw_without_rendering()
            regions = [p.patchA for p in arrows]  # the same ones throughout: their caches
            cached = [_display_vertices(p) for p in arrows]
            for p, region in zip(arrows, regions):
                p.set_patchA(region.text)
            direct = [_display_vertices(p) for p in arrows]
            for p, region in zip(arrows, regions):
                p.set_patchA(region)
            # clipped: the lines start at the label's edge, not at its centre
            starts = [p.get_transform().transform(p._posA_posB[0]) for p in arrows]
            assert all(not np.allclose(c[0], s) for c, s in zip(cached, starts))
            for c, d in zip(cached, direct):
                assert np.array_equal(c, d)
        plt.close(fig)


def test_ego_network_centres_on_term(net):
    e = co.ego_network(net.counts_, net.vocab_, "调解", measure="jaccard", n_neighbors=10,
                       min_count=2)
    members = set(e["source"]) | set(e["target"])
    assert "调解" in members and len(members) <= 11
    assert (e["count"] >= 2).all() and (e["count"] > e["expected"]).all()
    # every neighbour is linked to the ego; at most 5 neighbour–neighbour edges here
    e5 = co.ego_network(net.counts_, net.vocab_, "调解", measure="jaccard", n_neighbors=10,
                        min_count=2, n_other_edges=5)
    ego = (e5["source"] == "调解") | (e5["target"] == "调解")
    assert ego.sum() == len(members) - 1 and (~ego).sum() <= 5
    with pytest.raises(KeyError, match="not a token"):
        co.ego_network(net.counts_, net.vocab_, "不存在的词")


# --------------------------------------------------------------------------
# Differential networks
# --------------------------------------------------------------------------

def _labels(ids, seed):
    rng = np.random.default_rng(seed)
    lab = rng.permutation(np.r_[np.zeros(len(ids) // 2, bool), np.ones(len(ids) - len(ids) // 2, bool)])
    return pd.DataFrame({"article_id": ids, "grp": np.where(lab, "x", "y"),
                         "text_status": "full", "title": ""})


def test_permutation_p_values_are_uniform_under_random_labels(windows):
    ids = sorted(windows["article_id"].unique())
    ps = []
    for seed in range(4):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            d = co.differential_network(windows, _labels(ids, 100 + seed), group_col="grp",
                                        groups=("x", "y"), measure="jaccard", n_perm=499,
                                        random_state=seed, min_count=5)
        ps.append(d["p_value"].to_numpy())
    p = np.concatenate(ps)
    assert len(p) > 500
    # valid and roughly uniform: ~5 % below 0.05, ~half below 0.5
    assert 0.02 <= (p < 0.05).mean() <= 0.09
    assert 0.38 <= (p < 0.5).mean() <= 0.60
    # discrete, correlated p-values: bound the KS distance, not its p-value
    assert stats.kstest(p, "uniform").statistic < 0.08


def test_permutation_finds_a_planted_difference(windows):
    ids = sorted(windows["article_id"].unique())
    groups = pd.DataFrame({"article_id": ids, "grp": ["x" if i % 2 else "y" for i in ids],
                           "text_status": "full", "title": ""})
    w = windows.copy()
    w["tokens"] = [list(t) for t in w["tokens"]]
    in_x = set(groups.loc[groups["grp"] == "x", "article_id"])
    for aid, grp in w.groupby("article_id"):
        first = grp.index[:6]
        if aid in in_x:      # together in three sentences
            for i in first[:3]:
                w.at[i, "tokens"] += ["植入甲", "植入乙"]
        else:                # apart: three sentences each
            for i in first[:3]:
                w.at[i, "tokens"] += ["植入甲"]
            for i in first[3:6]:
                w.at[i, "tokens"] += ["植入乙"]
    kw = co.select_keywords(*co.doc_term_matrix(w["tokens"]), n=10) + ["植入甲", "植入乙"]
    d = co.differential_network(w, groups, group_col="grp", groups=("x", "y"), keywords=kw,
                                measure="jaccard", n_perm=1999, random_state=1, min_count=3)
    top = d.iloc[0]
    assert (top["source"], top["target"]) == ("植入乙", "植入甲")
    assert top["measure_a"] == 1.0 and top["measure_b"] == 0.0
    assert top["q_value"] < 0.05 and top["stronger_in"] == "x"
    assert d.attrs["n_articles"] == (len(in_x), len(ids) - len(in_x))


def test_group_without_text_stops_with_clear_error(windows, corpus):
    assert co.NoTextError is evidence.NoTextError
    with pytest.raises(evidence.NoTextError, match="body text"):
        co.differential_network(windows, corpus.articles, group_col="section",
                                groups=("party_committees", "political_legal_organs"))
    cov = co.group_coverage(corpus.articles, group_col="section",
                            groups=("party_committees", "political_legal_organs"))
    assert cov.set_index("group").loc["political_legal_organs", "n_text"] == 0
    assert cov.set_index("group").loc["party_committees", "n_text"] == 20
    # the same counts as the coverage table every stage uses
    ref = evidence.coverage(corpus.articles, "section").set_index("section")
    for r in cov.itertuples():
        assert (r.n_articles, r.n_text, r.n_truncated) == tuple(
            ref.loc[r.group, ["n_articles", "n_text", "n_truncated"]])


def test_differential_options_are_keyword_only(windows, corpus):
    with pytest.raises(TypeError):
        co.differential_network(windows, corpus.articles, "tier", ("city", "county"))


# --------------------------------------------------------------------------
# KWIC and traceability
# --------------------------------------------------------------------------

def test_kwic_lines_contain_term_with_right_article(windows, corpus):
    arts = corpus.articles
    lines = co.kwic("调解", windows, arts, window=20, unit_col="section")
    n_tokens = sum(t.count("调解") for t in windows["tokens"])
    assert len(lines) == n_tokens > 0
    assert (lines["keyword"] == "调解").all()
    text_of = dict(zip(arts["article_id"], arts["text"]))
    title_of = dict(zip(arts["article_id"], arts["title"]))
    win = windows.set_index("window_id")
    for r in lines.itertuples():
        assert r.left + r.keyword + r.right in text_of[r.article_id].replace("\n", "")
        assert win.at[r.window_id, "article_id"] == r.article_id
        assert "调解" in win.at[r.window_id, "text"]
        assert r.title == title_of[r.article_id]
        assert len(r.left) <= 20 and len(r.right) <= 20


def test_every_edge_is_traceable_to_its_sentences(net, windows):
    lines = co.edge_lines(net.edges_, windows)
    per_edge = lines.groupby(["source", "target"]).size()
    for s, t, c in net.edges_[["source", "target", "count"]].itertuples(index=False):
        assert per_edge[(s, t)] == c
    one = net.edges_.iloc[0]
    sent = co.cooccurrence_lines(one["source"], one["target"], windows)
    assert len(sent) == one["count"]
    assert all(one["source"] in x and one["target"] in x for x in sent["text"])


# --------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def section_run(params, tmp_path_factory):
    """A run whose differential groups have no bodies, with figures as PNG only."""
    p = params.replace({
        "cooccur.unit_col": "section", "contrast.by": "section", "contrast.within_col": "",
        "contrast.groups": ["party_committees", "other_units"], "contrast.cluster_by": "",
        "figures.formats": ["png"]})
    run = RunContext(p, tmp_path_factory.mktemp("cooccur"))
    # a group without bodies: the differential step must say so, not draw
    with pytest.warns(UserWarning, match="body text"):
        out = stage.write(run)
    return run, out


def test_write_outputs(section_run, corpus):
    run, out = section_run
    results = run.paths.results
    names = {f.name for f in out}
    for name in ("cooccurrence_edges.csv", "cooccurrence_nodes.csv",
                 "cooccurrence_network.gexf", "cooccurrence_network.png",
                 "cooccurrence_title_network.gexf", "cooccurrence_title_network.png",
                 "cooccurrence_edge_sentences.csv", "cooccurrence_kwic.csv",
                 "cooccurrence_summary.csv",
                 "cooccurrence_differential_party_committees_vs_other_units_coverage.csv"):
        assert name in names
    assert all(f.exists() and f.name.isascii() for f in out)
    assert not any(f.name == "cooccurrence_differential_party_committees_vs_other_units.png"
                   for f in out)
    cov = pd.read_csv(results /
                      "cooccurrence_differential_party_committees_vs_other_units_coverage.csv")
    assert cov["status"].str.startswith("no text").all()
    summary = pd.read_csv(results / "cooccurrence_summary.csv").set_index("network")
    edges = pd.read_csv(results / "cooccurrence_edges.csv")
    assert summary.loc["main", "n_edges"] == len(edges)
    assert summary.loc["title", "n_windows"] == corpus.articles["duplicate_of"].isna().sum()
    ego = pd.read_csv(results / "cooccurrence_ego_terms.csv")
    for r in ego.itertuples():
        png = run.paths.figures / f"cooccurrence_ego_{r.slug}.png"
        assert png.exists() == (r.status == "ok")


def test_captions_come_from_the_corpus_coverage(section_run):
    import matplotlib.pyplot as plt

    run, _ = section_run
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        x = stage.prepare(run)
    assert x.differential is not None and x.differential.table is None
    text_line = evidence.evidence_label("text", evidence.Coverage.of(run.articles))
    title_line = evidence.evidence_label("title", evidence.Coverage.of(run.articles))
    for fig, line in ((stage.network_figure(x), text_line),
                      (stage.title_figure(x), title_line)):
        texts = "\n".join(t.get_text() for t in fig.texts)
        plt.close(fig)
        assert line in texts
        assert "1–20" not in texts and "1-20" not in texts
