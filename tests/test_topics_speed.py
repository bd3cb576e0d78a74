"""The fast paths of the topic stage give what the slow ones give, on the real paragraphs.

The compiled E-step against gensim's own, shared coherence counts against one
``CoherenceModel`` per model, a reused dictionary against a fresh one, and forked
tasks against a loop (issue 19). Speed itself is measured in ``bench/``, not here.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.special import psi

from analysis import topics as T
from analysis.topics.diagnostics import coherence_many
from analysis.topics.estep import CompiledLdaModel, digamma


@pytest.fixture(scope="module")
def docs(corpus, segmenter, params):
    frame = T.paragraph_documents(corpus.paragraphs,
                                  include_headings=params.topics.include_headings)
    return segmenter.tokenize(frame["text"].tolist())


@pytest.fixture(scope="module")
def pair(params, docs):
    """The reported model's settings (fewer passes and restarts), fitted with each E-step:
    the restarts' bounds, hence the chosen restart, agree too."""
    kw = dict(passes=10, restarts=2)
    return (T.model_from_params(params.topics, estep="gensim", **kw).fit(docs),
            T.model_from_params(params.topics, estep="compiled", **kw).fit(docs))


def test_digamma_matches_scipy():
    x = np.concatenate([np.geomspace(1e-3, 1e4, 400), [0.5, 1.0, 2.0, 9.99, 10.0, 100.0]])
    ours = np.array([digamma(v) for v in x])
    assert np.allclose(ours, psi(x), rtol=1e-14, atol=1e-14)


def test_compiled_estep_fits_the_model_gensim_fits(pair):
    slow, fast = pair
    assert isinstance(fast.model_, CompiledLdaModel) and not isinstance(slow.model_,
                                                                          CompiledLdaModel)
    assert slow.vocab_ == fast.vocab_
    # Rounding differences only: far below the 6 significant digits results carry.
    np.testing.assert_allclose(fast.topic_word_, slow.topic_word_, rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(fast.doc_topic_, slow.doc_topic_, rtol=1e-8, atol=1e-11)
    np.testing.assert_allclose(fast.model_.alpha, slow.model_.alpha, rtol=1e-10)
    assert fast.top_words(10) == slow.top_words(10)
    assert fast.restarts_["chosen"].tolist() == slow.restarts_["chosen"].tolist()
    np.testing.assert_allclose(fast.restarts_["bound_per_word"], slow.restarts_["bound_per_word"],
                               rtol=1e-9)


def test_compiled_estep_infers_new_documents_and_bounds_like_gensim(pair, docs):
    slow, fast = pair
    held = docs[::7]
    np.testing.assert_allclose(fast.transform(held), slow.transform(held), rtol=1e-8,
                               atol=1e-11)
    assert fast.heldout_bound(held) == pytest.approx(slow.heldout_bound(held), rel=1e-9)


def test_empty_document_gets_the_prior_in_both(pair):
    slow, fast = pair
    for m in (slow, fast):
        gamma, _ = m.model_.inference([[]])
        np.testing.assert_allclose(gamma[0], m.model_.alpha, rtol=1e-12)


def test_compiled_estep_refuses_float32(docs):
    from gensim.corpora import Dictionary

    d = Dictionary(docs[:20])
    with pytest.raises(ValueError, match="float64"):
        CompiledLdaModel(corpus=[d.doc2bow(x) for x in docs[:20]], id2word=d, num_topics=2,
                         passes=1, random_state=1, dtype=np.float32)


def test_unknown_estep_is_refused(params, docs):
    with pytest.raises(ValueError, match="estep"):
        T.model_from_params(params.topics, estep="fast").fit(docs)


def test_shared_coherence_counts_score_each_model_as_alone(params, docs):
    from gensim.models import CoherenceModel

    models = [T.model_from_params(params.topics, num_topics=k, random_state=s, passes=3)
              .fit(docs) for k, s in ((4, 11), (7, 22))]
    assert models[0].vocab_ == models[1].vocab_  # one dictionary (shared, not rebuilt)
    assert models[0].dictionary_ is models[1].dictionary_
    for measure, window in (("c_npmi", 10), ("u_mass", None), ("c_v", None)):
        shared = coherence_many([m.top_words(10) for m in models], models[0].dictionary_,
                                docs, measure, 10, window)
        for m, got in zip(models, shared):
            kw = dict(topics=m.top_words(10), dictionary=m.dictionary_, coherence=measure,
                      topn=10)
            if measure == "u_mass":
                kw["corpus"] = m.bows(docs)
            else:
                kw.update(texts=docs, processes=1, window_size=window)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                alone = np.asarray(CoherenceModel(**kw).get_coherence_per_topic())
            np.testing.assert_array_equal(got, alone)


def test_learnt_prior_update_equals_gensims_bit_for_bit(pair, docs):
    """The prior update over all documents at once is gensim's loop, to the last bit."""
    import copy

    from gensim.models import LdaModel

    fast = pair[1].model_
    bow = [fast.id2word.doc2bow(d) for d in docs]
    gamma, _ = fast.inference([b for b in bow if b])
    ours, theirs = copy.deepcopy(fast), copy.deepcopy(fast)
    CompiledLdaModel.update_alpha(ours, gamma, 0.7)
    LdaModel.update_alpha(theirs, gamma, 0.7)
    assert not np.array_equal(ours.alpha, fast.alpha)  # the update did move the prior
    assert np.array_equal(ours.alpha, theirs.alpha)
