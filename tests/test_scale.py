"""analysis.scale: streamed, chunked and parallel paths equal the in-memory ones.

No timing here: speed is measured in bench/.
"""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from gensim.corpora import Dictionary
from gensim.models import LdaModel

from analysis import cooccur, scale, topics
from analysis.segment import Segmenter


@pytest.fixture(scope="module")
def paras(corpus):
    # the windows' paragraphs, in cooccur.build_windows order
    p = corpus.paragraphs
    return p[p["kind"].isin(["body", "heading"])].sort_values(["article_id", "para_id"])


@pytest.fixture(scope="module")
def seg(segmenter):
    # the run's segmenter ([segment]) on the fast backend, as bench/ uses it
    return Segmenter(**{**segmenter.get_params(), "cache_dir": False, "backend": "rjieba"})


@pytest.fixture(scope="module")
def src(paras, tmp_path_factory):
    path = tmp_path_factory.mktemp("scale") / "paragraphs.txt"
    texts = paras["text"].tolist()
    assert not any("\n" in t for t in texts)
    path.write_text("".join(t + "\n" for t in texts), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store(src, seg, tmp_path_factory):
    # ~20 KB shards: several shards, two worker processes
    return scale.tokenize_file(src, tmp_path_factory.mktemp("store"), seg, n_jobs=2,
                               block_bytes=20_000)


@pytest.fixture(scope="module")
def windows(paras, seg):
    return cooccur.build_windows(paras, seg, unit="sentence")


def test_synthetic_corpus_resamples_paragraphs_deterministically(corpus, tmp_path):
    paras = corpus.paragraphs["text"].tolist()
    a = scale.synthetic_corpus(paras, 200_000, tmp_path / "a.txt", seed=3)
    b = scale.synthetic_corpus(paras, 200_000, tmp_path / "b.txt", seed=3)
    c = scale.synthetic_corpus(paras, 200_000, tmp_path / "c.txt", seed=4)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    longest = max(len(p.encode("utf-8")) for p in paras) + 1
    assert 200_000 <= a.stat().st_size < 200_000 + longest
    lines = a.read_text(encoding="utf-8").splitlines()
    assert set(lines) <= set(paras) and len(set(lines)) > 100


def test_byte_ranges_cover_the_file_on_line_boundaries(src):
    ranges = scale.byte_ranges(src, 7_000)
    assert len(ranges) > 10 and ranges[0][0] == 0 and ranges[-1][1] == src.stat().st_size
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    lines = [ln for a, b in ranges for ln in scale.read_range(src, a, b)]
    assert lines == src.read_text(encoding="utf-8").splitlines()


def test_token_store_equals_segmenter_in_input_order(store, paras, seg, windows):
    texts = paras["text"].tolist()
    assert len(store.shards) > 3 and store.n_docs == len(texts)
    assert list(store.iter_docs()) == [seg.tokens(t) for t in texts]
    assert list(store.iter_windows()) == windows["tokens"].tolist()
    assert store.n_windows == len(windows)


def test_uncompressed_store_has_the_same_tokens(src, seg, store, tmp_path):
    plain = scale.tokenize_file(src, tmp_path, seg, n_jobs=1, block_bytes=50_000, compress=False)
    assert plain.shards[0].suffix == ".txt"
    assert list(plain.iter_sentences()) == list(store.iter_sentences())


def test_segment_parallel_keeps_input_order(corpus, seg):
    texts = corpus.paragraphs["text"].tolist() + corpus.articles["title"].tolist()
    assert scale.segment_parallel(texts, seg, n_jobs=2, chunk_size=37) == [
        seg.tokens(t) for t in texts]


def test_chunked_cooccurrence_equals_cooccur_table(store, windows):
    counts, vocab = cooccur.doc_term_matrix(windows["tokens"])
    keywords = cooccur.select_keywords(counts, vocab, method="frequency", n=60, min_windows=5)
    expected = cooccur.cooccurrence(counts, vocab, keywords, min_count=3)
    chunked = scale.cooccurrence_counts(store, list(vocab), n_jobs=2)
    got = scale.cooccurrence_table(chunked, list(vocab), keywords, min_count=3)
    assert len(expected) > 100
    pd.testing.assert_frame_equal(got, expected)
    # counts summed over chunks equal counts of all windows at once
    whole = scale.window_counts(windows["tokens"], list(vocab))
    assert whole.n_windows == chunked.n_windows == len(windows)
    assert (whole.joint != chunked.joint).nnz == 0


def test_streamed_dictionary_and_lda_equal_in_memory(store, paras, seg):
    docs = [seg.tokens(t) for t in paras["text"]]
    d = scale.build_dictionary(store, no_below=3, no_above=0.5, keep_n=5000)
    ref = Dictionary(docs)
    ref.filter_extremes(no_below=3, no_above=0.5, keep_n=5000)
    assert d.token2id == ref.token2id and d.dfs == ref.dfs
    lda = scale.train_lda(store, d, num_topics=4, chunksize=100, passes=1, iterations=20,
                          random_state=5)
    mem = LdaModel(corpus=[ref.doc2bow(x) for x in docs], id2word=ref, num_topics=4,
                   chunksize=100, passes=1, iterations=20, random_state=5, alpha="symmetric",
                   update_every=1, eval_every=None)
    assert np.array_equal(lda.get_topics(), mem.get_topics())


def test_dask_cluster_equals_single_process(src, store, seg, windows, tmp_path):
    from distributed import LocalCluster

    vocab = sorted({t for w in windows["tokens"] for t in w})
    local = scale.cooccurrence_counts(store, vocab, n_jobs=1)
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        remote = scale.tokenize_file(src, tmp_path, seg, block_bytes=20_000, scheduler=address)
        assert list(remote.iter_sentences()) == list(store.iter_sentences())
        counts = scale.cooccurrence_counts(remote, vocab, scheduler=address)
        texts = windows["text"].tolist()[:300]
        toks = scale.segment_parallel(texts, seg, chunk_size=40, scheduler=address)
    assert counts.n_windows == local.n_windows and (counts.joint != local.joint).nnz == 0
    assert toks == windows["tokens"].tolist()[:300]
    # the default Dask path: dask.bag on a local process pool
    assert scale.segment_parallel(texts[:60], seg, n_jobs=2, chunk_size=20,
                                  scheduler="processes") == toks[:60]


def test_select_k_same_table_for_one_and_two_workers(paras, seg):
    docs = [seg.tokens(t) for t in paras.loc[paras["kind"] == "body", "text"]]
    kw = dict(model_kwargs={"passes": 2, "iterations": 30, "no_below": 3}, topn=5,
              include_cv=False, random_state=7)
    one = topics.select_k(docs, [3, 4], [1, 2], n_jobs=1, **kw)
    two = topics.select_k(docs, [3, 4], [1, 2], n_jobs=2, **kw)
    pd.testing.assert_frame_equal(one, two, check_exact=True)
