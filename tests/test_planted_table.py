"""A researcher's own table with a planted difference: the pipeline must find it.

60 documents (30 per group) are drawn from 5 topics with disjoint vocabularies, made of
words that the project's segmenter keeps whole (the seed's own topic terms); each
paragraph draws its own shares around its document's, so paragraphs lean to few topics. Group b's
mean share is 0.15 higher in one topic and 0.15 lower in another. A run of the
pipeline on that table (topics with restarts, then the comparisons) must flag both
differences with their signs, after the family-wise adjustment, and flag no other topic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import reproduce
from analysis.config import ROOT
from analysis.context import RunContext

K, WORDS, N_PER_GROUP, PARAS, PARA_LEN, PARA_CONC = 5, 12, 30, 6, 20, 1.0
PLANTED = {1: 0.15, 3: -0.15}     # group b minus group a, in mean share


def _vocabulary(params, tmp_path) -> list[list[str]]:
    """K disjoint sets of words, each a token of its own for the run's segmenter."""
    seg = RunContext(params, tmp_path).segmenter
    terms = pd.read_csv(ROOT / "results" / "topic_terms.csv")
    pool = list(dict.fromkeys(terms.sort_values(["method", "topic", "rank"])["term"]))
    whole = [w for w in pool if seg.tokenize([w])[0] == [w]]
    assert len(whole) >= K * WORDS, len(whole)
    return [whole[k * WORDS:(k + 1) * WORDS] for k in range(K)]


def _table(vocab, rng) -> pd.DataFrame:
    base = np.full(K, 1 / K)
    rows = []
    for g in ("a", "b"):
        mean = base.copy()
        if g == "b":
            for k, d in PLANTED.items():
                mean[k] += d
        for i in range(N_PER_GROUP):
            theta = rng.dirichlet(20 * mean)
            paras = []
            for _ in range(PARAS):
                # Paragraphs keep to few topics, as the seed's do (their shares are
                # Dirichlet around the document's with concentration about 0.6).
                para = rng.dirichlet(PARA_CONC * theta)
                z = rng.choice(K, size=PARA_LEN, p=para / para.sum())
                paras.append("，".join(vocab[k][rng.integers(WORDS)] for k in z) + "。")
            title = f"{vocab[int(np.argmax(theta))][0]}工作情况报告"
            rows.append({"doc": f"{g}{i:02d}", "headline": title, "body": "\n".join(paras),
                         "group": g})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def planted_run(params, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("planted")
    vocab = _vocabulary(params, tmp)
    table = _table(vocab, np.random.default_rng(20241207))
    path = tmp / "planted.csv"
    table.to_csv(path, index=False)
    run_params = params.reduced().replace({
        "corpus.raw": str(path), "corpus.id": "", "corpus.title": "headline",
        "corpus.text": "body", "corpus.date": "", "corpus.section": "",
        "corpus.metadata": ["doc", "group"], "units.classify": "none",
        "units.overrides": "data/examples/your_corpus/overrides.csv",
        "topics.labels": "data/examples/your_corpus/topic_labels.toml",
        "topics.num_topics": K, "compare.groups": ["group"],
        "compare.figure_groups": ["group"], "compare.keyness_groups": ["group"],
        "compare.title_keyness_groups": [], "compare.ca_groups": [],
        "cooccur.unit_col": "group", "contrast.by": "group", "contrast.groups": ["b", "a"],
        "contrast.cluster_by": ""})
    out = tmp / "out"
    reproduce.run(out=out, params=run_params, quiet=True,
                  only=["corpus", "units", "segment", "topics", "compare"])
    return out, vocab


def _topic_of_set(terms: pd.DataFrame, vocab) -> dict[int, int]:
    """Fitted topic -> planted word set, by the set holding most of its top words."""
    top = terms[terms["method"] == "prob"]
    out = {}
    for t, g in top.groupby("topic"):
        hits = [len(set(g["term"]) & set(v)) for v in vocab]
        out[int(t)] = int(np.argmax(hits))
    return out


def test_every_planted_topic_is_found(planted_run):
    out, vocab = planted_run
    terms = pd.read_csv(out / "results" / "topic_terms.csv")
    mapping = _topic_of_set(terms, vocab)
    assert sorted(mapping.values()) == list(range(K)), mapping


def test_the_planted_difference_is_flagged_with_its_sign_and_nothing_else(planted_run):
    out, vocab = planted_run
    mapping = _topic_of_set(pd.read_csv(out / "results" / "topic_terms.csv"), vocab)
    diff = pd.read_csv(out / "results" / "topic_prevalence_difference_b_vs_a.csv")
    assert (diff["n_a"] == N_PER_GROUP).all() and (diff["n_b"] == N_PER_GROUP).all()
    for _, r in diff.iterrows():
        planted = PLANTED.get(mapping[int(r["topic"].removeprefix("topic_"))], 0.0)
        if planted:
            assert r["significant"] and r["significant_adj"], r.to_dict()
            assert np.sign(r["estimate"]) == np.sign(planted)
            assert r["ci_low"] <= planted <= r["ci_high"], r.to_dict()
        else:
            assert not r["significant_adj"], r.to_dict()
        # The interval is the inversion of the test.
        assert bool(r["significant"]) == bool(r["ci_low"] > 0 or r["ci_high"] < 0)
