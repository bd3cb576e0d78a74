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
def prevalence(model, frame, docs, corpus, segmenter):
    para = T.paragraph_topics(model, frame, docs)
    arts = corpus.articles
    titles = T.title_topics(model, arts, segmenter.tokenize(arts["title"].tolist()))
    return para, T.article_topics(para, arts, title_rows=titles)


def test_article_prevalence_is_token_weighted_mean(prevalence, corpus, model):
    para, arts = prevalence
    cols = [f"topic_{k}" for k in range(model.num_topics)]
    assert list(arts["article_id"]) == list(corpus.articles["article_id"])
    for aid in (1, 8, 20):
        p = para[(para["article_id"] == aid) & (para["n_tokens"] > 0)]
        expected = (p[cols].to_numpy() * p[["n_tokens"]].to_numpy()).sum(0) / p["n_tokens"].sum()
        row = arts.loc[arts["article_id"] == aid, cols].to_numpy()[0]
        np.testing.assert_allclose(row, expected, rtol=1e-12)
        assert row != pytest.approx(p[cols].mean().to_numpy())  # not the plain mean
    np.testing.assert_allclose(arts[cols].sum(axis=1), 1, rtol=1e-9)


def test_title_inference_for_every_title_only_article(prevalence, model):
    _, arts = prevalence
    title_only = arts[arts["text_status"] == "title_only"]
    assert len(title_only) == 55
    assert (title_only["evidence"] == "title").all()
    assert (title_only["n_tokens"] >= 1).all(), title_only.loc[title_only["n_tokens"] < 1, "title"]
    cols = [f"topic_{k}" for k in range(model.num_topics)]
    assert np.isfinite(title_only[cols].to_numpy()).all()
    np.testing.assert_allclose(title_only[cols].sum(axis=1), 1, rtol=1e-9)
    # Articles with a body are never labelled title-level, and vice versa.
    assert (arts.loc[arts["text_status"] != "title_only", "evidence"] == "text").all()


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
    for stem in ("topics_k_diagnostics", "topic_top_words", "article_topic_heatmap",
                 "article_topic_heatmap_titles"):
        assert {f"{stem}.{fmt}" for fmt in small.params.figures.formats} <= names
    assert "topics_ldavis.html" in names
    assert {io.OUTPUTS[role] for role in T.TABLES.values()} <= names
    out = small.paths.results
    ks = pd.read_csv(out / "topics_k_selection.csv")
    assert list(ks["k"]) == [k, k + 1] and list(ks["chosen"]) == [True, False]
    arts = pd.read_csv(out / "article_topics.csv")
    assert len(arts) == 75
    assert set(arts.loc[arts["article_id"] <= 20, "evidence"]) == {"text"}
    assert set(arts.loc[arts["article_id"] > 20, "evidence"]) == {"title"}
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


def test_title_topics_cover_every_title(small, written, articles):
    """Title-level prevalence rests on every TOC title, from the CSV as from the object."""
    res, _ = written
    back = T.read_results(small.paths.results)
    tt = back.title_topics
    assert list(tt["article_id"]) == list(articles["article_id"])
    assert (tt["evidence"] == "title").all()
    cols = T.topic_columns(back.num_topics)
    assert np.isfinite(tt[cols].to_numpy()).all()
    # Title-only articles take exactly these rows in article_topics.
    at = back.article_topics[back.article_topics["evidence"] == "title"]
    pd.testing.assert_frame_equal(
        at[["article_id", "n_tokens", *cols]].reset_index(drop=True),
        tt[tt["article_id"].isin(at["article_id"])][["article_id", "n_tokens", *cols]]
        .reset_index(drop=True))


def test_same_inputs_same_bytes(small, written, tmp_path):
    res, paths = written
    again = RunContext(small.params, tmp_path)
    # Share the sweep's cache and the segmenter's; the model and tables are recomputed.
    shutil.copytree(small.paths.cache, again.paths.cache)
    for p in stage.write(again):
        if p.suffix in (".csv", ".html"):
            ref = (small.paths.results if p.suffix == ".csv" else small.paths.figures) / p.name
            assert p.read_bytes() == ref.read_bytes(), p.name
