"""Tests for analysis.segment on the real corpus and small fixtures.

The curation of the lexicon and the domain stopword layer (data tooling) is
tested in tests/test_curation.py.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import jieba
import jieba.posseg
import pandas as pd
import pytest

from analysis import segment
from analysis.config import ROOT
from analysis.context import RunContext
from analysis.segment import LEVEL_TAGS, Segmenter, formulas, split_sentences, stage

DATA = Path(__file__).parent / "data"
LEXICON_DIR = ROOT / "data" / "lexicon"
STOP_DIR = ROOT / "data" / "stopwords"
CORE = ["枫桥经验", "综治中心", "矛盾纠纷", "多元化解", "网格员", "平安建设"]
# Reviewed string matches that are not the term (see data/lexicon/corpus.tsv).
FALSE_MATCHES = {"多元化解": ["多元化解决"]}


@pytest.fixture(scope="module")
def texts(corpus):
    return corpus.paragraphs["text"].tolist() + corpus.articles["title"].tolist()


@pytest.fixture(scope="module")
def like(segmenter):
    """A segmenter like the run's (``[segment]``) with some arguments changed, no cache."""
    def make(**changes) -> Segmenter:
        return Segmenter(**{**segmenter.get_params(), "cache_dir": False, **changes})
    return make


@pytest.fixture(scope="module")
def seg(like):
    return like()


@pytest.fixture(scope="module")
def plain(like):
    return like(lexicon=False)


def spans(words):
    out, pos = [], 0
    for w, _ in words:
        out.append((pos, pos + len(w), w))
        pos += len(w)
    return out


def occurrences(text, term):
    masked = [(i, i + len(f)) for f in FALSE_MATCHES.get(term, [])
              for i in range(len(text)) if text.startswith(f, i)]
    return [i for i in range(len(text)) if text.startswith(term, i)
            and not any(a <= i < b for a, b in masked)]


# ----------------------------------------------------------------- lexicon
def test_core_terms_are_single_tokens_wherever_they_occur(seg, texts):
    seen = dict.fromkeys(CORE, 0)
    for t in texts:
        sp = spans(seg.words(t))
        toks = seg.tokens(t)
        for term in CORE:
            occ = occurrences(t, term)
            for i in occ:
                assert (i, i + len(term), term) in sp, (term, t)
            assert toks.count(term) == len(occ), (term, t)
            seen[term] += len(occ)
    # every core term is in the corpus, so the loop above tested something
    assert all(n >= 6 for n in seen.values()), seen
    assert seen["矛盾纠纷"] >= 100 and seen["枫桥经验"] >= 60


def test_multiple_resolution_phrase_is_not_cut_into_duoyuanhua(seg, plain, texts):
    hits = [t for t in texts if "矛盾纠纷多元化解" in t]
    assert len(hits) >= 4
    for t in hits:
        words = [w for w, _ in seg.words(t)]
        assert "多元化" not in words
        assert "多元化" in [w for w, _ in plain.words(t)]  # the trap is real
    # 多元化解决 is 多元化 + 解决, and must stay so
    sentence = next(t for t in texts if "多元化解决" in t)
    assert "解决" in [w for w, _ in seg.words(sentence)]


def test_other_words_segment_as_plain_jieba(seg, plain, texts):
    lexicon = {w for w, _, _ in seg.lexicon_}
    changed = 0
    total = 0
    for t in texts:
        ours = spans(seg.words(t))
        theirs = spans(plain.words(t))
        theirs_set = set(theirs)
        total += len(ours)
        for k, (a, b, w) in enumerate(ours):
            if w in lexicon or (a, b, w) in theirs_set:
                continue
            changed += 1
            # Only a neighbour of a lexicon word may differ, and only because
            # plain jieba had one word straddling that lexicon word's edge.
            neighbours = [ours[j] for j in (k - 1, k + 1) if 0 <= j < len(ours)
                          and ours[j][2] in lexicon]
            assert neighbours, (w, t)
            straddle = [p for p in theirs if p[0] < b and a < p[1]
                        and any(p[0] < nb and na < p[1] for na, nb, _ in neighbours)]
            assert straddle, (w, t)
    assert total > 20000
    assert changed / total < 0.001


def test_userdict_with_bom_and_crlf_loads():
    path = DATA / "segment_userdict_bom_crlf.txt"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    lines, _ = segment.read_wordlist(path)
    entries = segment.parse_userdict(lines)
    assert entries[0] == ("综治中心", 1, "nt")
    assert [e[0] for e in entries] == ["综治中心", "矛盾纠纷", "多元化解", "网格员"]
    s = Segmenter(lexicon=path)
    words = s.words("推进综治中心建设,化解矛盾纠纷多元化解,网格员入户")
    assert ("综治中心", "nt") in words
    assert [w for w, _ in words].count("网格员") == 1
    assert "多元化解" in [w for w, _ in words]


def test_bad_userdict_line_is_reported():
    with pytest.raises(ValueError, match="line 2"):
        segment.parse_userdict(["综治中心 1 nt", "a 1 nt extra"])


def test_global_jieba_is_unchanged(like):
    before_cut = jieba.lcut("矛盾纠纷多元化解,枫桥经验,综治中心", HMM=False)
    dt = jieba.dt
    total, n_freq = dt.total, len(dt.FREQ)
    tags = dict(jieba.posseg.dt.word_tag_tab)
    s = like()
    assert "矛盾纠纷" in s.tokens("矛盾纠纷多元化解")
    assert s.tokenizer_ is not jieba.dt
    assert jieba.dt is dt and dt.total == total and len(dt.FREQ) == n_freq
    assert "枫桥经验" not in dt.FREQ and "综治中心" not in dt.FREQ
    assert jieba.posseg.dt.word_tag_tab == tags
    assert jieba.lcut("矛盾纠纷多元化解,枫桥经验,综治中心", HMM=False) == before_cut
    assert "枫桥经验" not in before_cut


# ----------------------------------------------------------------- stopwords
def test_stopword_layers_each_remove_their_words(corpus, like):
    text = corpus.paragraphs["text"].iloc[4]  # 深入开展安全生产治本攻坚三年行动 ...
    assert "开展" in text and "等" in text
    none = like(stopwords=False, min_len=1)
    general = like(stopwords={"general": STOP_DIR / "general.txt"}, min_len=1)
    both = like(min_len=1)
    t_none, t_gen, t_both = none.tokens(text), general.tokens(text), both.tokens(text)
    assert "等" in t_none and "等" not in t_gen
    assert "开展" in t_gen and "开展" not in t_both
    assert "加强" in t_gen and "加强" not in t_both
    reasons = {w: r for w, _, _, r in both.explain(text)}
    assert reasons["等"] == "stopword:general" and reasons["开展"] == "stopword:domain"
    # a layer removes only its own words
    assert [w for w in t_none if w not in general.stopword_layers_["general"]] == t_gen


def test_meaningful_terms_are_not_stopwords(seg, corpus):
    protected, _ = segment.read_wordlist(STOP_DIR / "protected.txt")
    assert {"法治", "调解", "网格"} <= set(protected)
    for name, words in seg.stopword_layers_.items():
        assert not set(protected) & words, name
        assert not {w for w, _, _ in seg.lexicon_} & words, name
    kept = [tok for t in corpus.paragraphs["text"] for tok in seg.tokens(t)]
    for term in ("法治", "调解", "网格", "治理", "平安"):
        assert term in kept, term


# ----------------------------------------------------------------- options
SENT_PLACES = "2024年以来,白银市紧紧围绕主动创稳提质增效总体目标"
SENT_NUMBERS = "全市已有4万多辆农用车粘贴“反光贴”"


def test_places_drop_placeholder_keep(like):
    drop = like(places="drop").tokens(SENT_PLACES)
    ph = like(places="placeholder").tokens(SENT_PLACES)
    keep = like(places="keep").tokens(SENT_PLACES)
    tags = set(LEVEL_TAGS.values())
    assert "白银市" not in drop and not tags & set(drop)
    assert ph[0] == "<prefecture>" and ph[1:] == drop
    assert "白银市" in keep and not tags & set(keep)
    # adjacent place words give one tag, the finest level among them
    s = like(places="placeholder")
    chain = s.tokens("北京市西城区西长安街街道")   # 北京市/西城区/西长安街 + 街道
    assert chain[0] == "<town>" and len(tags & set(chain)) == 1
    assert s.tokens("乳源瑶族自治县召开会议")[0] == "<county>"
    assert s.tokens("鳌峰街道开展巡逻")[0] == "<town>"
    with pytest.raises(ValueError):
        like(places="mask").tokens("x")


def test_place_rule_on_corpus_words(seg):
    for w, pos in [("灌阳县", "ns"), ("滁州", "ns"), ("杨梅镇", "nr"), ("全椒县", "n"),
                   ("乳源瑶族自治县", "ns"), ("乳源", "n"), ("玉溪", "nr"), ("安康", "nr"),
                   ("乐昌", "nr"), ("广西", "ns"), ("西津", "ns"), ("鳌峰", "n"),
                   ("鳌峰街道", "n")]:
        assert seg.is_place(w, pos), w
    assert seg.place_level("鳌峰", "n") == "subdistrict"
    assert seg.place_level("乳源", "n") == "county"
    # common words that are also county or township short forms stay words
    for w, pos in [("城市", "ns"), ("治安", "ns"), ("德治", "ns"), ("枫桥", "ns"),
                   ("社区", "n"), ("全市", "n"), ("安宁", "ns"), ("平安", "a"), ("城区", "n"),
                   ("资源", "n"), ("公安", "n"), ("民生", "n"), ("法官", "n"), ("乡贤", "n")]:
        assert not seg.is_place(w, pos), w


def test_numbers_dates_percentages_counts(seg, like):
    text = "2024年10月,满意度达13.9%,发放资料3000余份,开展40场次,培训1865人"
    toks = seg.tokens(text)
    assert not any(ch.isdigit() for t in toks for ch in t)
    keep = like(drop_numbers=False, min_len=1).tokens(text)
    assert "2024" in keep and "1865" in keep
    assert "4" not in seg.tokens(SENT_NUMBERS)
    reasons = {w: r for w, _, _, r in seg.explain("三个月内完成两级综治中心建设")}
    assert reasons["两级"] == "number"


def test_min_len_and_pos_keep(like):
    text = "坚持线上线下相结合,正面引导,积极回应群众关切"
    one = like(min_len=1, stopwords=False).tokens(text)
    two = like(min_len=2, stopwords=False).tokens(text)
    assert "线" in one and "线" not in two and all(len(t) >= 2 for t in two)
    s = like(pos_keep=["n"])
    toks = s.tokens(text)
    tags = dict(s.words(text))
    assert toks and all(tags[t] == "n" for t in toks)
    assert "群众" in toks and "回应" not in toks


def test_traditional_is_converted(seg, like):
    trad = "化解矛盾糾紛多元化解,推進綜治中心建設,網格員入戶走訪"
    simp = "化解矛盾纠纷多元化解,推进综治中心建设,网格员入户走访"
    assert seg.tokens(trad) == seg.tokens(simp)
    assert "綜治中心" in like(convert_traditional=False).normalize(trad)


def test_words_are_unfiltered_and_join_to_the_text(seg, texts):
    for t in texts:
        words = seg.words(t)
        assert "".join(w for w, _ in words) == t
        assert all(isinstance(p, str) and p for _, p in words)


def test_default_segmenter_is_constructor_defaults_only(ctx, params, segmenter):
    bare = Segmenter()
    bare._setup()
    assert bare.lexicon_ == [] and bare.stopword_layers_ == {} and bare.pos_keep_ is None
    assert bare.gazetteer_ == {} and bare._cache_path(["x"]) is None
    assert "枫桥经验" not in bare.tokens("坚持和发展新时代枫桥经验")
    # the run's segmenter is [segment] with the project's gazetteer
    built = Segmenter.from_params(params.segment, root=ctx.root,
                                  gazetteer=ctx.input(params.units.gazetteer))
    built._setup()
    segmenter._setup()
    assert built.fingerprint_ == segmenter.fingerprint_
    assert segmenter.lexicon == {name: LEXICON_DIR / f"{name}.txt"
                                 for name in params.segment.lexicon_layers}
    assert list(segmenter.lexicon_layers_) == ["general", "corpus"]
    assert list(segmenter.stopword_layers_) == list(params.segment.stopword_layers)
    assert "北京" in segmenter.gazetteer_short_ and "北京市" in segmenter.gazetteer_
    changed = dataclasses.replace(params.segment, places="placeholder", min_len=3)
    other = Segmenter.from_params(changed, root=ctx.root)
    assert other.places == "placeholder" and other.min_len == 3


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="backend"):
        Segmenter(backend="pkuseg").tokens("平安建设")


# ----------------------------------------------------------------- sentences
def test_split_sentences_on_corpus_paragraph(corpus):
    text = corpus.paragraphs["text"].iloc[6]  # 平安,让群众幸福成色更足;平安,是 ...
    sents = split_sentences(text)
    assert sents == ["平安,让群众幸福成色更足;", "平安,是基层治理的出发点和最终目标。"]
    assert split_sentences("他说:“好!”然后走了。第二句?第三句…") == [
        "他说:“好!”", "然后走了。", "第二句?", "第三句…"]
    assert split_sentences("满意度为13.9%,同比上升。") == ["满意度为13.9%,同比上升。"]


def test_sentence_tokens_partition_paragraph_tokens(seg, corpus):
    for t in corpus.paragraphs["text"]:
        per = seg.sentence_tokens(t)
        assert [x for s in per for x in s] == seg.tokens(t)


# ----------------------------------------------------------------- cache
def test_tokenize_cache_hits_and_invalidates(tmp_path, corpus, monkeypatch, ctx, segmenter,
                                             like):
    texts = corpus.paragraphs["text"].tolist()
    lex = tmp_path / "lex.txt"
    lex.write_bytes((LEXICON_DIR / "corpus.txt").read_bytes())
    cache = tmp_path / "cache"
    s = like(lexicon=lex, cache_dir=cache)
    first = s.tokenize(texts)
    assert s.cache_hit_ is False and len(list(cache.iterdir())) == 1
    assert first == [s.tokens(t) for t in texts]

    s2 = like(lexicon=lex, cache_dir=cache)

    def boom(self, text):
        raise AssertionError("segmented despite a cache hit")

    with monkeypatch.context() as m:
        m.setattr(Segmenter, "tokens", boom)
        second = s2.tokenize(texts)
    assert s2.cache_hit_ is True and second == first

    assert segmenter._cache_path(texts).parent == ctx.paths.cache / "segment"
    key = s2.cache_key(texts)
    assert like(lexicon=lex, cache_dir=cache).cache_key(texts[:-1]) != key
    assert like(lexicon=lex, cache_dir=cache).cache_key(texts[:-1] + [texts[-1] + "。"]) != key
    assert like(lexicon=lex, cache_dir=cache, min_len=1).cache_key(texts) != key
    assert like(lexicon=lex, cache_dir=cache, places="keep").cache_key(texts) != key
    assert like(lexicon=lex, cache_dir=cache, gazetteer=None).cache_key(texts) != key
    assert like(lexicon=lex, cache_dir=cache,
                stopwords={"general": STOP_DIR / "general.txt"}).cache_key(texts) != key
    lex.write_bytes(lex.read_bytes() + "测试词 1 n\n".encode())
    changed = like(lexicon=lex, cache_dir=cache)
    assert changed.cache_key(texts) != key
    changed.tokenize(texts)
    assert changed.cache_hit_ is False
    assert changed.fingerprint_["jieba"] == jieba.__version__


# ----------------------------------------------------------------- formulas
def test_formulas_on_corpus_sentences(texts):
    assert formulas("完善“党建+网格化+铁脚板”基层治理模式,充分发挥基层网格员") == ["党建+网格化+铁脚板"]
    assert formulas("确山县“三个强化”促提升平安建设谱新篇") == ["三个强化"]
    assert formulas("潼关县“四个聚焦”做实平安建设工作") == ["四个聚焦"]
    assert formulas("淇县着眼“五个坚持”夯实基层基础全面建设更高水平“平安淇县”") == ["五个坚持"]
    assert formulas("灌阳县落实“八比八看八争先”工作措施深入推进平安建设纪实") == ["八比八看八争先"]
    assert formulas("横州市探索“四治融合”平安建设新路径") == ["四治融合"]
    # the same formula with separators normalises to one key
    hits = [f for t in texts for f in formulas(t) if f.startswith("八比")]
    assert set(hits) == {"八比八看八争先"} and len(hits) >= 4
    sent = next(t for t in texts if "2+3+N" in t)
    assert "2+3+N" in formulas(sent)
    ones = [f for t in texts for f in formulas(t) if f == "1+6+N"]
    assert len(ones) >= 10
    sent = next(t for t in texts if "三调对接" in t)
    assert "三调对接" in formulas(sent)
    found = {f for t in texts for f in formulas(t)}
    assert {"三微", "三题", "三能", "一村一辅警", "两代表一委员"} <= found
    assert "一站式" not in found and "枫桥经验" not in found and "百姓评理说事点" not in found
    assert "百千万工程" in found


def test_formulas_unquoted_patterns():
    assert formulas("推行1+6+N工作机制和三调对接") == ["1+6+N", "三调对接"]
    assert formulas("坚持四治融合,落实八比八看八争先") == ["四治融合", "八比八看八争先"]


@pytest.mark.parametrize("text", [
    "2024年10月,白银市召开会议",
    "群众安全感满意度达13.9%",
    "发放宣传资料3000余份",
    "开展法治宣传40场次,培训1865人",
    "一步一个脚印,一是建一流队伍",
    "群众安全感满意度从2013年的86.56%上升到2023年的96.85%。",
])
def test_numbers_that_are_not_formulas(text):
    assert formulas(text) == []


def test_formula_spans_point_into_the_text():
    text = "以“党建+服务”提升服务,推进“1+6+N”基层治理,落实四治融合"
    df = segment.formula_spans(text)
    assert list(df.columns) == ["start", "end", "text", "formula", "kind"]
    for r in df.itertuples():
        assert text[r.start:r.end] == r.text
    assert df["kind"].tolist() == ["quoted_plus", "quoted_plus", "numeral_fusion"]


# ----------------------------------------------------------------- audit
def test_stage_writes_the_audit_tables_and_headline_numbers(ctx, params, corpus, seg):
    result = stage.prepare(ctx)
    assert result.backend == ctx.segmenter.backend_ == params.segment.backend
    paths = stage.write(ctx)
    assert [p.name for p in paths] == [
        "segmentation_audit.csv", "segmentation_audit_filters.csv",
        "segmentation_audit_stopwords.csv", "segmentation_audit_places.csv",
        "segmentation_audit_samples.csv", "segmentation_heldout.csv"]
    assert all(p.parent == ctx.paths.results for p in paths)
    audit = pd.read_csv(paths[0]).set_index("term")
    assert len(audit) == len(seg.lexicon_)
    for term in CORE:
        assert audit.loc[term, "plain_whole"] == 0
        assert audit.loc[term, "ours_whole"] == audit.loc[term, "corpus_count"] > 0
    assert audit.loc["枫桥经验", "plain_jieba"] == "枫桥/经验"
    assert audit.loc["矛盾纠纷", "corpus_count"] == sum(
        t.count("矛盾纠纷") for t in corpus.paragraphs["text"])
    n_duoyuan = sum(t.count("多元化解") - t.count("多元化解决") for t in corpus.paragraphs["text"])
    assert audit.loc["多元化解", "corpus_count"] == n_duoyuan == 6
    filt = pd.read_csv(paths[1]).set_index("step")
    n_words = sum(len(seg.words(t)) for t in corpus.paragraphs["text"])
    assert filt["words"].sum() == n_words
    assert filt.loc["keep", "words"] == sum(len(seg.tokens(t)) for t in corpus.paragraphs["text"])
    assert 0 < filt.loc["place", "share_of_words"] < 0.05
    sw = pd.read_csv(paths[2]).set_index("layer")
    assert sw.loc["domain", "tokens_removed"] == filt.loc["stopword:domain", "words"]
    assert sw.loc["general", "layer_size"] == len(seg.stopword_layers_["general"])
    places = pd.read_csv(paths[3])
    assert places["count"].sum() == filt.loc["place", "words"]
    samples = pd.read_csv(paths[4])
    assert len(samples) >= 10 and (samples["plain_jieba"] != samples["ours"]).all()
    # the tables prepare() returns are the ones written
    assert (filt["backend"] == result.backend).all()
    for table, path in zip([result.audit, result.filters, result.stopwords, result.places,
                            result.samples, result.heldout], paths):
        assert len(table) == len(pd.read_csv(path))
    # deterministic bytes, from a fresh context (a new segmenter)
    again = stage.write(RunContext(params, ctx.out / "again"))
    for p, q in zip(paths, again):
        assert p.read_bytes() == q.read_bytes()


def test_cache_key_hashes_only_the_code_that_decides_tokens():
    from analysis.segment.segmenter import TOKEN_CODE

    assert {p.name for p in TOKEN_CODE} == {"segmenter.py", "backends.py", "rules.py",
                                            "wordlists.py"}
    assert all(p.parent.name == "segment" and p.exists() for p in TOKEN_CODE)


# ----------------------------------------------------------------- issue 15
ISSUE15_SHORT = ["乳源", "西津", "鳌峰", "玉溪", "广西", "安康", "乐昌"]


@pytest.fixture(scope="module")
def corpus_tokens(seg, texts):
    return [tok for t in texts for tok in seg.tokens(t)]


def test_governance_words_jieba_lacks_are_tokens(seg, corpus_tokens, plain, texts):
    plain_tokens = {tok for t in texts for tok in plain.tokens(t)}
    for word in ["共治", "评查", "矛调", "议事室"]:
        assert corpus_tokens.count(word) == sum(t.count(word) for t in texts) > 0, word
        assert word not in plain_tokens, word      # lost without the lexicon
    assert seg.tokens("进一步加强案件评查工作") == ["进一步", "案件", "评查"]


def test_no_gazetteer_name_survives_places_drop(seg, corpus_tokens):
    from analysis.segment.backends import jieba_base
    from analysis.segment.rules import COMMON_WORD_FREQ, PLACE_EXCEPTIONS

    seg._setup()
    toks = set(corpus_tokens)
    for w in ISSUE15_SHORT:
        assert w not in toks, w
        (word, tag), = seg.words(w)            # one word, with jieba's own tag
        assert word == w and seg.is_place(w, tag), w
    # no full name of any level, townships included
    assert not (toks & set(seg.gazetteer_)) - PLACE_EXCEPTIONS
    # a short form of a county or higher unit survives only as a common word
    # (jieba frequency >= COMMON_WORD_FREQ, e.g. 资源, 公安) or a reviewed exception
    freq = jieba_base()[0]
    upper = {w for w, lv in seg.gazetteer_short_.items()
             if lv in ("province", "prefecture", "county", "district")}
    left = {w for w in toks & upper if w not in PLACE_EXCEPTIONS}
    assert left and all(freq.get(w, 0) >= COMMON_WORD_FREQ for w in left), left


def test_placeholder_gives_level_tags_on_the_corpus(like, texts):
    s = like(places="placeholder")
    toks = [tok for t in texts for tok in s.tokens(t)]
    found = set(toks) & set(LEVEL_TAGS.values())
    assert {"<province>", "<prefecture>", "<county>", "<town>"} <= found
    assert not set(ISSUE15_SHORT) & set(toks)
    explained = {w: tok for t in texts for w, _, tok, r in s.explain(t) if r == "place" and tok}
    assert explained["乳源"] == "<county>" and explained["鳌峰"] == "<town>"


def test_selfref_layer_removes_its_words_and_is_switchable(like, params, texts):
    assert "selfref" in params.segment.stopword_layers
    words, _ = segment.read_wordlist(STOP_DIR / "selfref.txt")
    assert {"全县", "全市", "我市", "该县", "县委"} <= set(words)
    layers = {n: STOP_DIR / f"{n}.txt" for n in params.segment.stopword_layers}
    without = like(stopwords={n: p for n, p in layers.items() if n != "selfref"})
    full = like()
    t_without = [tok for t in texts for tok in without.tokens(t)]
    t_full = [tok for t in texts for tok in full.tokens(t)]
    assert {"全县", "全市", "我市", "该县", "县委"} <= set(t_without)
    assert [w for w in t_without if w not in set(words)] == t_full
    reasons = {w: r for t in texts for w, _, _, r in full.explain(t)}
    assert reasons["全县"] == reasons["我市"] == "stopword:selfref"


def test_number_fragments_are_dropped(seg, like, corpus_tokens):
    text = "服务群众1.2万余人次,挽回损失300多万元,受理案件50余件,一个多月,多元化解纠纷"
    reasons = {w: r for w, _, _, r in seg.explain(text)}
    fragments = [w for w in reasons if w in ("万余人次", "多万元", "余件", "一个多")]
    assert len(fragments) >= 3 and all(reasons[w] == "number" for w in fragments)
    assert "多元化解" in seg.tokens(text)
    assert "万余人次" in like(drop_numbers=False).tokens(text)
    for frag in ("多万元", "万余人次", "余件", "余万元", "余人次", "余名", "万多辆"):
        assert frag not in corpus_tokens, frag
    for word in ("多元", "多方", "多元化解", "多样"):
        assert word in corpus_tokens, word


def test_heldout_terms_stay_whole_in_corpus_sentences(corpus, seg):
    terms = pd.read_csv(LEXICON_DIR / "heldout_terms.tsv", sep="\t", dtype=str,
                        keep_default_na=False)
    table = segment.heldout_audit(corpus.paragraphs, seg, terms).set_index("term")
    pooled = table.loc["(all)"]
    assert pooled["sentences"] >= 100 and (table["backend"] == "rjieba").all()
    # no character of a held-out term is lost in 90 % of its sentences
    assert pooled["share_kept"] >= 0.9
    # the strict rate (no word boundary inside the term) is what it is: the
    # terms plain jieba cuts on their own are never whole (not in any layer)
    assert pooled["share_whole"] >= 0.75
    assert table.loc["(jieba splits alone)", "whole"] == 0
    assert table.loc["安全感", "whole"] == table.loc["安全感", "sentences"] > 10


def test_no_place_or_selfref_word_among_top_keyness_terms(ctx, params, seg):
    from analysis.compare.keyness import keyness
    from analysis.compare.tokens import article_tokens
    from analysis.segment.backends import jieba_base
    from analysis.segment.rules import COMMON_WORD_FREQ, PLACE_EXCEPTIONS, RARE_WORD_FREQ

    seg._setup()
    arts, p = ctx.corpus.articles, params.compare
    selfref = set(segment.read_wordlist(STOP_DIR / "selfref.txt")[0])
    short, TOWN = seg.gazetteer_short_, ("township", "subdistrict")
    freq = jieba_base()[0]
    tables = [keyness(article_tokens(arts, seg), arts, by, min_count=p.keyness_min_count)
              for by in p.keyness_groups]
    tables += [keyness(article_tokens(arts, seg, level="title"), arts, by, level="title",
                       min_count=p.title_keyness_min_count) for by in p.title_keyness_groups]
    n_checked = 0
    for by, kw in zip(list(p.keyness_groups) + list(p.title_keyness_groups), tables):
        over = kw[kw["direction"] == "over"].sort_values([by, "g2"], ascending=[True, False])
        for _, top in over.groupby(by):
            terms = set(top["term"].head(50))
            n_checked += len(terms)
            assert not terms & selfref, terms & selfref
            assert not terms & set(ISSUE15_SHORT)
            # no full name; a short form among them is a common word: frequent in
            # jieba's dictionary (资源, 平安, 人民; for townships 法官, 忠诚) or reviewed
            assert not terms & set(seg.gazetteer_) - PLACE_EXCEPTIONS
            odd = {t for t in terms & set(short) if t not in PLACE_EXCEPTIONS
                   and freq.get(t, 0) < (RARE_WORD_FREQ if short[t] in TOWN else COMMON_WORD_FREQ)}
            assert not odd, (by, odd)
    assert n_checked >= 200


def test_setup_builds_the_tokenizers_once_ahead_of_the_first_text(like, texts):
    """``setup()`` (called before reproduce forks its stages) does what the first text
    would: the same tokenizers, built once, the same tokens."""
    early = like()
    assert not hasattr(early, "tokenizer_")
    assert early.setup() is early
    tokenizer = early.tokenizer_
    assert early.setup().tokenizer_ is tokenizer  # a second call builds nothing
    lazy = like()
    sample = texts[:40]
    assert [early.tokens(t) for t in sample] == [lazy.tokens(t) for t in sample]
    assert early.key_ == lazy.key_ and early.backend_ == lazy.backend_
