"""Topic models on the real corpus and on a planted-topic fixture built from its vocabulary."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import io
from analysis import topics as T
from analysis.context import RunContext
from analysis.evidence import evidence_label
from analysis.plots.topics import _order_articles
from analysis.topics import cache, stage
from analysis.topics.select import SELECT_K_CODE
from analysis.topics.refits import REFITS_CODE
from analysis.topics.estep import CompiledLdaModel
from analysis.topics.stability import cosine

DATA = Path(__file__).parent / "data"
FAST = dict(no_below=1, no_above=1.0, passes=10, iterations=100)  # fixture models


@pytest.fixture(scope="module")
def frame(corpus, params):
    return T.paragraph_documents(corpus.paragraphs,
                                 include_headings=params.topics.include_headings)


@pytest.fixture(scope="module")
def docs(frame, segmenter):
    return segmenter.tokenize(frame["text"].tolist())


@pytest.fixture(scope="module")
def model(params, docs):
    return T.model_from_params(params.topics).fit(docs)


def planted_corpus(vocabulary: set[str], n_docs: int = 100, length: int = 25,
                   seed: int = 0) -> tuple[list[list[str]], list[list[str]]]:
    """Documents drawn mostly from one planted word set, and the same tokens shuffled."""
    with open(DATA / "topics_planted_words.toml", "rb") as fh:
        groups = list(tomllib.load(fh)["planted"].values())
    missing = sorted({w for g in groups for w in g} - vocabulary)
    assert not missing, f"fixture words not in the corpus vocabulary: {missing}"
    rng = np.random.default_rng(seed)
    planted = []
    for i in range(n_docs):
        main = i % len(groups)
        doc = []
        for _ in range(length):
            g = main if rng.random() < 0.85 else rng.integers(len(groups))
            doc.append(groups[g][rng.integers(len(groups[g]))])
        planted.append(doc)
    pool = [str(w) for w in rng.permutation([w for d in planted for w in d])]
    shuffled = [list(pool[i * length:(i + 1) * length]) for i in range(n_docs)]
    return planted, shuffled


@pytest.fixture(scope="module")
def planted(docs):
    return planted_corpus({w for d in docs for w in d})


# --------------------------------------------------------------------------
# The estimator
# --------------------------------------------------------------------------

def test_documents_are_body_paragraphs_of_text_articles(frame, corpus, docs, model):
    assert set(frame["kind"]) == {"body"}
    assert frame["article_id"].between(1, 20).all()
    assert len(frame) == (corpus.paragraphs["kind"] == "body").sum()
    assert model.topic_word_.shape == (model.num_topics, len(model.vocab_))
    np.testing.assert_allclose(model.topic_word_.sum(axis=1), 1, rtol=1e-5)
    ok = model.doc_lengths_ > 0
    assert ok.mean() > 0.95
    np.testing.assert_allclose(model.doc_topic_[ok].sum(axis=1), 1, rtol=1e-9)
    assert np.isnan(model.doc_topic_[~ok]).all()


def test_same_seed_gives_identical_matrices(params, docs, model):
    again = T.model_from_params(params.topics).fit(docs)
    assert again.vocab_ == model.vocab_
    np.testing.assert_array_equal(again.topic_word_, model.topic_word_)
    np.testing.assert_array_equal(again.doc_topic_, model.doc_topic_)


def test_different_seed_gives_different_but_matched_topics(params, docs, model):
    p = params.topics
    other = T.model_from_params(p, random_state=p.random_state + 1).fit(docs)
    assert not np.allclose(other.topic_word_, model.topic_word_, atol=1e-3)
    bg = T.background(model)
    perm, sim = T.match_topics(model.topic_word_, other.topic_word_, bg)
    assert sorted(perm) == list(range(model.num_topics))
    # Centred cosine of all pairs averages about 0; matched pairs are well above it.
    chance = cosine(model.topic_word_ - bg, other.topic_word_ - bg).mean()
    assert abs(chance) < 0.1
    assert sim.mean() > chance + 0.2
    # Matching undoes a permutation exactly.
    shuffled = model.topic_word_[[2, 0, 1, *range(3, model.num_topics)]]
    perm, sim = T.match_topics(shuffled, model.topic_word_)
    assert list(perm[:3]) == [2, 0, 1]
    np.testing.assert_allclose(sim, 1)


def test_restarts_keep_the_fit_with_the_highest_bound(params, docs, model):
    p = params.topics
    runs = model.restarts_
    assert p.restarts > 1 and len(runs) == p.restarts
    assert list(runs["seed"]) == T.restart_seeds(p.random_state, p.restarts)
    assert runs["seed"].iloc[0] == p.random_state and runs["seed"].is_unique
    # On the seed's paragraphs the restarts reach different optima; the best is kept.
    assert runs["bound_per_word"].nunique() == len(runs)
    best = runs["bound_per_word"].idxmax()
    assert runs["chosen"].tolist() == [i == best for i in range(len(runs))]
    # The kept model is the chosen restart: its own bound on the training documents.
    assert model.heldout_bound(docs) == runs.loc[best, "bound_per_word"]
    # One restart is the plain seeded fit (restart 0), as before restarts existed.
    single = T.model_from_params(p, restarts=1).fit(docs)
    assert single.heldout_bound(docs) == runs.loc[0, "bound_per_word"]
    bows = single.bows(docs)
    plain = CompiledLdaModel(corpus=bows, id2word=single.dictionary_, num_topics=p.num_topics,
                             alpha=p.alpha, eta=p.eta, passes=p.passes,
                             iterations=p.iterations, chunksize=p.chunksize,
                             gamma_threshold=p.gamma_threshold, random_state=p.random_state,
                             eval_every=None, update_every=1, dtype=np.float64)
    np.testing.assert_array_equal(plain.state.get_lambda(), single.model_.state.get_lambda())
    # Adding restarts keeps the earlier seeds.
    assert T.restart_seeds(p.random_state, 3) == T.restart_seeds(p.random_state, 7)[:3]


def test_convergence_trace_leaves_the_fit_unchanged(params, docs, model):
    p = params.topics
    traced = T.model_from_params(p, trace_passes=True).fit(docs)
    np.testing.assert_array_equal(traced.topic_word_, model.topic_word_)
    np.testing.assert_array_equal(traced.doc_topic_, model.doc_topic_)
    pd.testing.assert_frame_equal(traced.restarts_, model.restarts_)
    trace = traced.convergence_
    assert list(trace["pass"]) == list(range(1, p.passes + 1))
    chosen = model.restarts_.loc[model.restarts_["chosen"], "bound_per_word"].iloc[0]
    assert trace["bound_per_word"].iloc[-1] == chosen
    # The bound rises over the passes: far more at the start than at the end.
    b = trace["bound_per_word"].to_numpy()
    assert b[-1] > b[0] and b[9] - b[0] > 10 * abs(b[-1] - b[-10])
    # Untraced, only the final pass is recorded.
    assert model.convergence_.to_dict("list") == {"pass": [p.passes],
                                                  "bound_per_word": [chosen]}
    table = T.convergence_table(traced)
    assert (table["kind"] == "restart").sum() == p.restarts
    assert (table.loc[table["kind"] == "pass", "seed"] == traced.restarts_.loc[
        traced.restarts_["chosen"], "seed"].iloc[0]).all()


def test_transform_depends_on_the_document_only(model, docs):
    batch = model.transform(docs[:6])
    single = model.transform([docs[4]])
    np.testing.assert_array_equal(batch[4], single[0])
    np.testing.assert_array_equal(model.transform(docs[:6]), batch)
    assert np.isnan(model.transform([["这个词不在词典里"]])).all()


def test_relevance_and_frex_by_hand():
    phi = np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]])
    tf = np.array([6.0, 4.0, 10.0])
    rel = T.relevance(phi, tf, lam=0.6)
    assert rel[0, 0] == pytest.approx(0.6 * np.log(0.5) + 0.4 * np.log(0.5 / 0.3))
    assert rel[1, 2] == pytest.approx(0.6 * np.log(0.8) + 0.4 * np.log(0.8 / 0.5))
    # Exclusivity ranks of topic 1: 1/6 < 1/4 < 4/5 → 1/3, 2/3, 1; frequency ranks
    # with a tie: 0.5, 0.5, 1.
    np.testing.assert_allclose(T.frex(phi, 0.5), [[1, 2 / 3, 1 / 3], [0.4, 1 / 1.75, 1]])
    assert T.exclusivity(phi, n=2, weight=0.7)[0] == pytest.approx(1 + 2 / 3)


def test_topic_terms_lists_three_rankings(model, params):
    p = params.topics
    terms = T.topic_terms(model, n=p.top_n, lam=p.relevance_lambda, frex_weight=p.frex_weight)
    assert len(terms) == 3 * model.num_topics * p.top_n
    prob = terms[terms["method"] == "prob"]
    for k, g in prob.groupby("topic"):
        assert list(g["term"]) == model.top_words(p.top_n)[k]
        assert g["prob"].is_monotonic_decreasing
    # FREX favours words exclusive to the topic: its top words are less shared.
    excl = model.topic_word_ / model.topic_word_.sum(axis=0)
    vocab = {w: i for i, w in enumerate(model.vocab_)}
    share = {m: np.mean([excl[r.topic, vocab[r.term]] for r in g.itertuples()])
             for m, g in terms.groupby("method")}
    assert share["frex"] > share["prob"]


# --------------------------------------------------------------------------
# Prevalence, titles, exemplars
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def prevalence(model, frame, docs):
    return T.paragraph_topics(model, frame, docs), T.article_topics(model, frame, docs)


def test_article_shares_infer_the_whole_article(prevalence, frame, docs, corpus, model):
    para, arts = prevalence
    cols = T.topic_columns(model.num_topics)
    with_body = corpus.articles.loc[corpus.articles["text_status"] != "title_only",
                                    "article_id"]
    assert list(arts["article_id"]) == sorted(with_body) == sorted(frame["article_id"].unique())
    assert list(arts.columns) == ["article_id", "n_tokens", *cols, "evidence"]
    assert (arts["evidence"] == "text").all()
    np.testing.assert_allclose(arts[cols].sum(axis=1), 1, rtol=1e-9)
    assert (arts["n_tokens"] == para.groupby("article_id")["n_tokens"].sum().to_numpy()).all()
    for aid in (1, 8, 20):
        joined = [t for d, a in zip(docs, frame["article_id"]) if a == aid for t in d]
        row = arts.loc[arts["article_id"] == aid, cols].to_numpy()[0]
        np.testing.assert_array_equal(row, model.transform([joined])[0])
    # Not the token-weighted mean of the paragraphs' shares, which the prior pulls
    # towards the middle: the article's largest share is larger when it is inferred whole.
    p = para[para["n_tokens"] > 0]
    mean = p[cols].mul(p["n_tokens"], axis=0).groupby(p["article_id"]).sum()
    mean = mean.div(mean.sum(axis=1), axis=0).to_numpy()
    whole = arts[cols].to_numpy()
    assert not np.allclose(whole, mean, atol=1e-3)
    assert np.median(whole.max(axis=1) - mean.max(axis=1)) > 0


def test_tokens_table_joins_and_splits_back(frame, docs):
    tokens = T.token_table(frame, docs)
    assert list(tokens.columns) == ["article_id", "para_id", "tokens"]
    assert [t.split() for t in tokens["tokens"]] == [list(d) for d in docs]
    with pytest.raises(ValueError, match="whitespace"):
        T.token_table(frame.iloc[:1], [["平安 建设"]])


def test_exemplars_quote_paragraphs_verbatim(prevalence, frame, corpus, params, model):
    para, _ = prevalence
    p = params.topics
    ex = T.exemplars(para, frame, corpus.articles, n=p.n_exemplars,
                     min_tokens=p.exemplar_min_tokens)
    assert len(ex) == model.num_topics * p.n_exemplars
    texts = corpus.paragraphs.set_index(["article_id", "para_id"])["text"]
    titles = corpus.articles.set_index("article_id")["title"]
    for r in ex.itertuples():
        assert r.text == texts[(r.article_id, r.para_id)]
        assert r.title == titles[r.article_id]
        assert r.n_tokens >= p.exemplar_min_tokens
        eligible = para[para["n_tokens"] >= p.exemplar_min_tokens]
        if r.rank == 1:
            assert r.proportion == eligible[f"topic_{r.topic}"].max()


def test_heatmap_order_uses_tier_when_present():
    at = pd.DataFrame({"article_id": [1, 2, 3, 4], "title": list("abcd"),
                       "section": ["other_units", "party_committees", "party_committees",
                                   "political_legal_organs"]})
    assert list(_order_articles(at)["article_id"]) == [2, 3, 4, 1]
    at["tier"] = ["city", "grassroots", "city", None]
    assert list(_order_articles(at)["article_id"]) == [3, 2, 4, 1]


# --------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------

def test_labels_still_fit_the_fitted_topics(model, params, ctx):
    """Fails loudly when the model changed: relabel data/topic_labels.toml by hand."""
    p = params.topics
    labels = T.load_labels(ctx.input(p.labels))
    matched = T.check_labels(model, labels, min_overlap=p.label_min_overlap)
    assert len(matched) == model.num_topics
    assert sorted(matched["label_id"]) == list(range(model.num_topics))
    assert (matched["overlap"] >= p.label_min_overlap).all()


def test_label_matching_follows_words_and_refuses_misfits(model, params, ctx):
    p = params.topics
    labels = T.load_labels(ctx.input(p.labels))
    reordered = dict(labels, topic=labels["topic"][::-1])
    a = T.check_labels(model, labels, min_overlap=p.label_min_overlap)
    b = T.check_labels(model, reordered, min_overlap=p.label_min_overlap)
    pd.testing.assert_frame_equal(a, b)
    # Words from nowhere in the model's top lists: no topic fits.
    vocab = sorted(set(model.vocab_) - {w for t in model.top_words(50) for w in t})
    bogus = [dict(t, top_words=vocab[10 * i:10 * i + 10]) for i, t in enumerate(labels["topic"])]
    with pytest.raises(T.LabelMismatchError, match="relabel"):
        T.check_labels(model, dict(labels, topic=bogus), min_overlap=p.label_min_overlap)
    fewer = labels["topic"][:-1]
    with pytest.raises(T.LabelMismatchError, match=f"labels {len(fewer)} topics"):
        T.check_labels(model, dict(labels, topic=fewer), min_overlap=p.label_min_overlap)


# --------------------------------------------------------------------------
# Choosing K
# --------------------------------------------------------------------------

def test_stability_is_higher_for_planted_topics_than_shuffled_tokens(planted):
    real, shuffled = planted
    kw = dict(ks=[4], seeds=[1, 2, 3], model_kwargs=FAST, include_cv=False)
    s_real = T.select_k(real, **kw)["stability_mean"].iloc[0]
    s_shuf = T.select_k(shuffled, **kw)["stability_mean"].iloc[0]
    assert s_real > 0.6
    assert s_real > s_shuf + 0.2


def test_select_k_same_table_for_one_and_two_workers(planted, tmp_path):
    real, _ = planted
    kw = dict(ks=[3, 4], seeds=[1, 2], model_kwargs=FAST, heldout_frac=0.2, random_state=5)
    one = T.select_k(real, n_jobs=1, **kw)
    two = T.select_k(real, n_jobs=2, **kw)
    pd.testing.assert_frame_equal(one, two, check_exact=True)
    assert list(one["k"]) == [3, 4] and (one["n_seeds"] == 2).all()
    assert one.filter(like="_mean").notna().all().all()
    assert one["cv_flag"].str.contains("not recommended").all()
    # The disk cache returns the same frame and is keyed by the arguments.
    cached = T.select_k(real, n_jobs=1, cache_dir=tmp_path, **kw)
    pd.testing.assert_frame_equal(one, cached, check_exact=True)
    assert len(list(tmp_path.glob("select_k_*.csv"))) == 1
    T.select_k(real, n_jobs=1, cache_dir=tmp_path, **dict(kw, random_state=6))
    assert len(list(tmp_path.glob("select_k_*.csv"))) == 2


# --------------------------------------------------------------------------
# pyLDAvis and the written outputs
# --------------------------------------------------------------------------

def test_ldavis_page_opens_offline_with_model_order(model):
    page = T.ldavis_page(model)
    remote_script = re.compile(r"<script[^>]*\bsrc\s*=\s*[\"']?\s*(https?:)?//", re.I)
    remote_css = re.compile(r"<link[^>]*\bhref\s*=\s*[\"']?\s*(https?:)?//", re.I)
    assert not remote_script.search(page)
    assert not remote_css.search(page)
    # No dynamic loading either (pyLDAvis's own templates inject <script> tags).
    assert not re.search(r"@import|LDAvis_load_lib|createElement\(\s*[\"']script", page)
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)  # everything inline
    data = json.loads(re.search(r'new LDAvis\("#ldavis_topics", (\{.*\})\);', page).group(1))
    # sort_topics=False: page topic n is model topic n - 1.
    assert data["topic.order"] == list(range(1, model.num_topics + 1))
    assert "page topic <i>n</i> is model topic" in page


def test_cache_keys_hash_only_the_code_that_computes_them(tmp_path, monkeypatch):
    """Editing a caption or a table writer keeps the K sweep's cache; editing its code does not."""
    pkg = Path(T.__file__).parent
    copy = tmp_path / "topics"
    shutil.copytree(pkg, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "_HERE", copy)
    payload = {"docs": [["调解", "纠纷"]], "ks": [4, 5]}

    def keys():
        return (cache.cache_key(payload, files=SELECT_K_CODE),
                cache.cache_key(payload, files=REFITS_CODE))

    before = keys()
    for name in ("stage.py", "ldavis.py", "tables.py", "results.py", "labels.py"):
        with open(copy / name, "a", encoding="utf-8") as fh:
            fh.write("\n# a new caption\n")
    assert keys() == before
    with open(copy / "select.py", "a", encoding="utf-8") as fh:
        fh.write("\n# changed\n")
    after = keys()
    assert after[0] != before[0] and after[1] == before[1]
    with open(copy / "model.py", "a", encoding="utf-8") as fh:
        fh.write("\n# changed\n")
    assert keys()[1] != before[1]
    assert cache.cache_key(dict(payload, ks=[4]), files=SELECT_K_CODE) != after[0]


@pytest.fixture(scope="module")
def small(ctx):
    """A context with a two-K, two-seed sweep, writing where the module's context does."""
    k = ctx.params.topics.num_topics
    params = ctx.params.replace({"topics.k_range": [k, k + 1], "topics.k_seeds": [11, 22]})
    return RunContext(params, ctx.out)


@pytest.fixture(scope="module")
def written(small):
    res = stage.prepare(small)
    return res, stage.write_results(small, res)


def test_write_small_grid(small, written):
    res, paths = written
    k = small.params.topics.num_topics
    names = {p.name for p in paths}
    for stem in ("topics_k_diagnostics", "topic_convergence", "topic_top_words",
                 "article_topic_heatmap"):
        assert {f"{stem}.{fmt}" for fmt in small.params.figures.formats} <= names
    assert "topics_ldavis.html" in names
    assert {io.OUTPUTS[role] for role in T.TABLES.values()} <= names
    assert io.output_path(small.paths.processed, "tokens") in paths
    # Titles get no topic shares: no title table, title rows or title figure.
    assert not any("title" in n for n in names), sorted(n for n in names if "title" in n)
    out = small.paths.results
    ks = pd.read_csv(out / "topics_k_selection.csv")
    assert list(ks["k"]) == [k, k + 1] and list(ks["chosen"]) == [True, False]
    arts = pd.read_csv(out / "article_topics.csv")
    assert list(arts["article_id"]) == list(range(1, 21))
    assert set(arts["evidence"]) == {"text"}
    conv = pd.read_csv(out / "topic_convergence.csv")
    runs = conv[conv["kind"] == "restart"]
    assert len(runs) == small.params.topics.restarts and runs["chosen"].sum() == 1
    assert runs.loc[runs["chosen"], "bound_per_word"].iloc[0] == runs["bound_per_word"].max()
    assert (conv["kind"] == "pass").sum() == small.params.topics.passes
    terms = pd.read_csv(out / "topic_terms.csv")
    assert terms["label"].notna().all() and terms["gloss"].notna().all()
    ex = pd.read_csv(out / "topic_exemplars.csv")
    assert {"article_id", "title", "text", "label"} <= set(ex.columns)
    # Captions come from the corpus's coverage, not from facts about one compilation.
    page = (small.paths.figures / "topics_ldavis.html").read_text(encoding="utf-8")
    assert evidence_label("text", small.coverage) in page
    assert "1–20" not in page


def test_read_results_rebuilds_what_build_returned(small, written):
    res, _ = written
    back = T.read_results(small.paths.results)
    assert back.model is None and res.model is not None
    assert back.num_topics == res.num_topics == small.params.topics.num_topics
    for name in T.TABLES:
        pd.testing.assert_frame_equal(getattr(back, name), getattr(res, name),
                                      check_exact=True, obj=name)
    assert back == res


def test_refit_tables_are_aligned_to_the_reported_model(small, written, frame, docs):
    """Each refit is a best-of-restarts fit from its seed, its topics reordered to the
    reported ones; the reported seed's rows are the reported tables."""
    res, _ = written
    p = small.params.topics
    cols = T.topic_columns(res.num_topics)
    for refits, base, keys in ((res.para_refits, res.para_topics, ["article_id", "para_id"]),
                               (res.article_refits, res.article_topics, ["article_id"])):
        assert sorted(refits["seed"].unique()) == sorted({*p.refit_seeds, p.random_state})
        assert list(refits.columns) == ["seed", *keys, "n_tokens", *cols]
        own = refits[refits["seed"] == p.random_state].reset_index(drop=True)
        pd.testing.assert_frame_equal(own[[*keys, "n_tokens", *cols]],
                                      base[[*keys, "n_tokens", *cols]], check_exact=True)
        for _, g in refits.groupby("seed"):
            assert g[keys].reset_index(drop=True).equals(base[keys].reset_index(drop=True))
    # One refit recomputed: its article shares, permuted by the Hungarian match.
    seed = p.refit_seeds[0]
    refit = T.model_from_params(p, random_state=seed).fit(docs)
    perm, sim = T.match_topics(res.model.topic_word_, refit.topic_word_,
                               T.background(res.model))
    theta = refit.transform(T.article_documents(frame, docs)[1])[:, perm]
    got = res.article_refits[res.article_refits["seed"] == seed][cols].to_numpy()
    np.testing.assert_allclose(got, theta, rtol=5e-6, atol=1e-12)  # %.6g in the CSV


def test_stability_flags_follow_min_stability(small, written):
    res, _ = written
    p = small.params.topics
    st = res.stability
    assert (st["n_refits"] == len(p.refit_seeds)).all()
    assert st["stable"].tolist() == (st["stability_mean"] >= p.min_stability).tolist()
    for r in st.itertuples():
        assert r.stability_note.startswith("stable: " if r.stable else "unstable: ")
        assert f"min_stability {p.min_stability:.3g}" in r.stability_note
    # The rule on a table with known similarities: the threshold itself is stable.
    refits = pd.DataFrame({"seed": [1, 2, 3], "kind": "match", "row": -1,
                           "topic_0": [1.0, 0.5, 0.5], "topic_1": [1.0, 0.2, 0.7]})
    flags = T.stability_from_refits(refits, 1, min_stability=0.5)
    assert flags["stable"].tolist() == [True, False]
    assert flags["stability_mean"].tolist() == [0.5, pytest.approx(0.45)]
    assert flags["worst_seed"].tolist() == [2, 2]


def test_tokens_file_reproduces_the_coherence_table(small, written):
    """A reviewer's recomputation: NPMI of the reported top words from the written
    tokens with gensim's CoherenceModel, as topics.diagnostics.coherence computes it."""
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel

    p = small.params.topics
    tokens = io.read_csv(io.output_path(small.paths.processed, "tokens"), keep_default_na=False)
    texts = [t.split() for t in tokens["tokens"]]
    assert sum(map(len, texts)) > 10000
    dictionary = Dictionary(texts)
    dictionary.filter_extremes(no_below=p.no_below, no_above=p.no_above, keep_n=p.keep_n)
    terms = pd.read_csv(small.paths.results / "topic_terms.csv")
    top = [g.sort_values("rank")["term"].tolist()
           for _, g in terms[terms["method"] == "prob"].groupby("topic")]
    written_coh = pd.read_csv(small.paths.results / "topic_coherence.csv")
    longest = max(map(len, texts))
    for col, window in (("npmi_window", p.npmi_window), ("npmi_paragraph", longest)):
        cm = CoherenceModel(topics=top, texts=texts, dictionary=dictionary,
                            coherence="c_npmi", topn=p.top_n, window_size=window, processes=1)
        got = np.array(cm.get_coherence_per_topic())
        np.testing.assert_allclose(got, written_coh[col], rtol=5e-6, atol=1e-9, err_msg=col)


def test_same_inputs_same_bytes(small, written, tmp_path):
    res, paths = written
    again = RunContext(small.params, tmp_path)
    # Share the sweep's cache and the segmenter's; the model and tables are recomputed.
    shutil.copytree(small.paths.cache, again.paths.cache)
    for p in stage.write(again):
        if p.suffix in (".csv", ".html"):
            ref = Path(small.out) / p.relative_to(again.out)
            assert p.read_bytes() == ref.read_bytes(), p.name
