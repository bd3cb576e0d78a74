"""The LDA anchor (bench/lda_anchor.py) on a real slice of the seed: 60 body paragraphs,
K = 3, few passes and Gibbs iterations. No timing is asserted, only what the
table's figures must satisfy."""

from __future__ import annotations

import dataclasses
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from gensim.corpora import Dictionary

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import lda_anchor  # noqa: E402

SMALL = lda_anchor.Setting(num_topics=3, passes=3, iterations=50, tomotopy_iters=60,
                           ll_tol=0.01)


@pytest.fixture(scope="module")
def docs(params, ctx):
    return lda_anchor.seed_documents(params, ctx)[:60]


@pytest.fixture(scope="module")
def res(docs, params):
    return lda_anchor.anchor(docs, params.topics, SMALL, seed=params.topics.random_state)


def test_documents_are_the_topic_stage_documents(docs, params, segmenter, corpus):
    from analysis.topics import paragraph_documents

    frame = paragraph_documents(corpus.paragraphs,
                                include_headings=params.topics.include_headings)
    assert docs == [list(d) for d in segmenter.tokenize(frame["text"].head(60).tolist())]


def test_every_engine_sees_the_same_kept_tokens(res, docs, params):
    tp = params.topics
    d = Dictionary(docs)
    d.filter_extremes(no_below=tp.no_below, no_above=tp.no_above, keep_n=tp.keep_n)
    kept = sum(w in d.token2id for doc in docs for w in doc)
    assert kept > 0
    assert res["same_tokens"]
    assert {e: r["tokens"] for e, r in res["runs"].items()} == dict.fromkeys(lda_anchor.ENGINES,
                                                                             kept)


def test_npmi_finite_and_bounded_at_equal_k(res, params):
    for e, r in res["runs"].items():
        assert len(r["top_words"]) == SMALL.num_topics, e
        assert all(len(w) == params.topics.top_n for w in r["top_words"]), e
        assert len(r["npmi_per_topic"]) == SMALL.num_topics, e
        assert all(math.isfinite(x) and -1 <= x <= 1 for x in r["npmi_per_topic"]), e
        assert r["npmi_mean"] == pytest.approx(np.mean(r["npmi_per_topic"]))


def test_throughput_and_ratios(res):
    base = res["runs"]["project"]
    for e, r in res["runs"].items():
        assert r["seconds"] > 0 and r["token_sweeps_per_s"] > 0, e
        sweeps = SMALL.tomotopy_iters if e == "tomotopy" else SMALL.passes
        assert r["sweeps"] == sweeps
        assert r["token_sweeps_per_s"] == pytest.approx(r["tokens"] * sweeps / r["seconds"])
        ratio = res["ratios"][e]
        assert ratio["speedup_vs_project"] == pytest.approx(base["seconds"] / r["seconds"])
        assert ratio["token_sweeps_ratio_vs_project"] == pytest.approx(
            r["token_sweeps_per_s"] / base["token_sweeps_per_s"])
        assert ratio["npmi_minus_project"] == pytest.approx(r["npmi_mean"] - base["npmi_mean"])
    assert res["ratios"]["project"]["speedup_vs_project"] == 1.0


def test_plain_gensim_is_the_project_model(res):
    # Same dictionary, bag-of-words, settings and seed: the same topics.
    p, g = res["runs"]["project"], res["runs"]["gensim"]
    assert p["top_words"] == g["top_words"]
    assert p["npmi_per_topic"] == g["npmi_per_topic"]


def test_tomotopy_reproducible_with_its_seed(docs, params):
    tp = params.topics
    a = lda_anchor.fit_tomotopy(docs, tp, SMALL, seed=11)
    b = lda_anchor.fit_tomotopy(docs, tp, SMALL, seed=11)
    c = lda_anchor.fit_tomotopy(docs, tp, SMALL, seed=12)
    assert a["vocab"] == b["vocab"]
    assert np.array_equal(a["phi"], b["phi"])
    assert a["ll_trace"] == b["ll_trace"]
    assert not np.array_equal(a["phi"], c["phi"])
    # the trace: 20 blocks ending at the requested number of iterations
    assert [n for n, _ in a["ll_trace"]] == list(range(3, 61, 3))
    assert a["plateau"] == (abs(a["ll_change_last_quarter"]) < SMALL.ll_tol)
    assert a["priors"] == {"alpha": 1 / 3, "eta": 1 / 3, "optim_interval": 10}


def test_resample_is_seeded_with_replacement(docs):
    a = lda_anchor.resample(docs, 500, seed=5)
    assert a == lda_anchor.resample(docs, 500, seed=5)
    assert a != lda_anchor.resample(docs, 500, seed=6)
    assert len(a) == 500 and all(any(x is d for d in docs) for x in a)


def test_settings_from_params(params):
    tp, b = params.topics, params.bench
    seed = lda_anchor.setting(params, "seed")
    assert (seed.passes, seed.iterations, seed.tomotopy_iters) == (
        tp.passes, tp.iterations, b.anchor_tomotopy_iters_seed)
    res = lda_anchor.setting(params, "resampled")
    assert (res.passes, res.iterations, res.tomotopy_iters) == (
        b.anchor_passes, b.anchor_iterations, b.anchor_tomotopy_iters)
    auto = dataclasses.replace(tp, num_topics="auto")
    assert lda_anchor.reported_k(auto) == tp.k_range[0]
    with pytest.raises(ValueError, match="eta"):
        lda_anchor._tomotopy_priors(dataclasses.replace(tp, eta="auto"), 3)
    with pytest.raises(ValueError, match="unknown anchor corpus"):
        lda_anchor.setting(params, "other")
