"""Tests for analysis.segment on the real corpus and small fixtures."""

from __future__ import annotations

from pathlib import Path

import jieba
import jieba.posseg
import pandas as pd
import pytest

from analysis import config, segment
from analysis.segment import PLACE_TOKEN, Segmenter, formulas, split_sentences

DATA = Path(__file__).parent / "data"
LEXICON_DIR = config.PATHS.data / "lexicon"
STOP_DIR = config.PATHS.data / "stopwords"
CORE = ["枫桥经验", "综治中心", "矛盾纠纷", "多元化解", "网格员", "平安建设"]
# Reviewed string matches that are not the term (see data/lexicon/entries.tsv).
FALSE_MATCHES = {"多元化解": ["多元化解决"]}


@pytest.fixture(scope="module")
def texts(corpus):
    return corpus.paragraphs["text"].tolist() + corpus.articles["title"].tolist()


@pytest.fixture(scope="module")
def seg():
    return Segmenter(cache_dir=False)


@pytest.fixture(scope="module")
def plain():
    return Segmenter(lexicon=False, cache_dir=False)


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


def test_userdict_is_reproducible_from_curated_entries(tmp_path, texts):
    out = tmp_path / "userdict.txt"
    cal = segment.build_userdict(LEXICON_DIR / "entries.tsv", texts, out)
    assert out.read_bytes() == (LEXICON_DIR / "userdict.txt").read_bytes()
    # frequencies stay minimal: only core terms may be raised above suggest_freq
    raised = cal[cal["freq"] > cal["suggest_freq"]]
    assert raised["core"].all()
    assert (cal.loc[cal["core"], "split_occurrences"] == 0).all()


def test_every_lexicon_entry_has_a_recorded_source():
    entries = pd.read_csv(LEXICON_DIR / "entries.tsv", sep="\t", dtype=str, keep_default_na=False)
    words = [ln.split()[0] for ln in (LEXICON_DIR / "userdict.txt").read_text("utf-8").splitlines()]
    assert words == entries["word"].tolist()
    assert (entries["source"].str.len() > 0).all()
    assert set(CORE) <= set(entries.loc[entries["core"] == "yes", "word"])
    readme = (LEXICON_DIR / "README.md").read_text("utf-8")
    assert "entries.tsv" in readme and "#222" in readme


def test_core_terms_are_found_by_the_data_driven_candidates(texts, corpus):
    ids = corpus.paragraphs["article_id"].tolist() + corpus.articles["article_id"].tolist()
    general, _ = segment.read_wordlist(STOP_DIR / "general.txt")
    cands = segment.lexicon_candidates(texts, ids, exclude=general)
    top = cands["candidate"].head(100).tolist()
    for term in CORE:
        assert term in top, term
    row = cands.set_index("candidate").loc["矛盾纠纷"]
    assert row["parts"] == "矛盾/纠纷" and row["count"] >= 80 and row["g2"] > 100


def test_userdict_with_bom_and_crlf_loads():
    path = DATA / "segment_userdict_bom_crlf.txt"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    lines, _ = segment.read_wordlist(path)
    entries = segment.parse_userdict(lines)
    assert entries[0] == ("综治中心", 1, "nt")
    assert [e[0] for e in entries] == ["综治中心", "矛盾纠纷", "多元化解", "网格员"]
    s = Segmenter(lexicon=path, stopwords=False, cache_dir=False)
    words = s.words("推进综治中心建设,化解矛盾纠纷多元化解,网格员入户")
    assert ("综治中心", "nt") in words
    assert [w for w, _ in words].count("网格员") == 1
    assert "多元化解" in [w for w, _ in words]


def test_bad_userdict_line_is_reported():
    with pytest.raises(ValueError, match="line 2"):
        segment.parse_userdict(["综治中心 1 nt", "a 1 nt extra"])


def test_global_jieba_is_unchanged():
    before_cut = jieba.lcut("矛盾纠纷多元化解,枫桥经验,综治中心", HMM=False)
    dt = jieba.dt
    total, n_freq = dt.total, len(dt.FREQ)
    tags = dict(jieba.posseg.dt.word_tag_tab)
    s = Segmenter(cache_dir=False)
    assert "矛盾纠纷" in s.tokens("矛盾纠纷多元化解")
    assert s.tokenizer_ is not jieba.dt
    assert jieba.dt is dt and dt.total == total and len(dt.FREQ) == n_freq
    assert "枫桥经验" not in dt.FREQ and "综治中心" not in dt.FREQ
    assert jieba.posseg.dt.word_tag_tab == tags
    assert jieba.lcut("矛盾纠纷多元化解,枫桥经验,综治中心", HMM=False) == before_cut
    assert "枫桥经验" not in before_cut


# ----------------------------------------------------------------- stopwords
def test_stopword_layers_each_remove_their_words(corpus):
    text = corpus.paragraphs["text"].iloc[4]  # 深入开展安全生产治本攻坚三年行动 ...
    assert "开展" in text and "等" in text
    none = Segmenter(stopwords=False, min_len=1, cache_dir=False)
    general = Segmenter(stopwords={"general": STOP_DIR / "general.txt"}, min_len=1, cache_dir=False)
    both = Segmenter(min_len=1, cache_dir=False)
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


def test_domain_layer_is_reproducible_from_its_rule(corpus):
    p = config.load_params()["segment"]
    s = Segmenter(stopwords={"general": STOP_DIR / "general.txt"}, cache_dir=False)
    cands = segment.domain_stopword_candidates(
        corpus.paragraphs, s, min_article_share=p["domain_min_article_share"],
        min_evenness=p["domain_min_evenness"], filler_pos=p["domain_filler_pos"])
    review = pd.read_csv(STOP_DIR / "domain_review.tsv", sep="\t", dtype=str)
    flagged = set(cands.loc[cands["rule"], "word"])
    assert flagged == set(review["word"])  # every flag reviewed, nothing else
    stop = set(review.loc[review["decision"] == "stop", "word"])
    layer, _ = segment.read_wordlist(STOP_DIR / "domain.txt")
    assert set(layer) == stop
    assert {"工作", "开展", "推进", "持续"} <= stop
    row = cands.set_index("word").loc["工作"]
    assert row["article_share"] == 1.0 and row["evenness"] >= 0.9


def test_general_layer_is_the_stopwordsiso_list():
    import stopwordsiso

    words, _ = segment.read_wordlist(STOP_DIR / "general.txt")
    assert set(words) == set(stopwordsiso.stopwords("zh"))
    assert "stopwordsiso" in (STOP_DIR / "README.md").read_text("utf-8")


# ----------------------------------------------------------------- options
SENT_PLACES = "2024年以来,白银市紧紧围绕主动创稳提质增效总体目标"
SENT_NUMBERS = "全市已有4万多辆农用车粘贴“反光贴”"


def test_places_drop_placeholder_keep():
    drop = Segmenter(places="drop", cache_dir=False).tokens(SENT_PLACES)
    ph = Segmenter(places="placeholder", cache_dir=False).tokens(SENT_PLACES)
    keep = Segmenter(places="keep", cache_dir=False).tokens(SENT_PLACES)
    assert "白银市" not in drop and PLACE_TOKEN not in drop
    assert ph[0] == PLACE_TOKEN and ph[1:] == drop
    assert "白银市" in keep and PLACE_TOKEN not in keep
    # adjacent place words give one placeholder
    s = Segmenter(places="placeholder", cache_dir=False)
    assert s.tokens("北京市西城区西长安街街道").count(PLACE_TOKEN) == 1
    with pytest.raises(ValueError):
        Segmenter(places="mask", cache_dir=False).tokens("x")


def test_place_rule_on_corpus_words(seg):
    for w, pos in [("灌阳县", "ns"), ("滁州", "ns"), ("杨梅镇", "nr"), ("全椒县", "n"),
                   ("乳源瑶族自治县", "ns")]:
        assert seg.is_place(w, pos), w
    for w, pos in [("城市", "ns"), ("治安", "ns"), ("德治", "ns"), ("枫桥", "ns"),
                   ("社区", "n"), ("全市", "n"), ("安宁", "ns"), ("平安", "a"), ("城区", "n")]:
        assert not seg.is_place(w, pos), w


def test_numbers_dates_percentages_counts(seg):
    text = "2024年10月,满意度达13.9%,发放资料3000余份,开展40场次,培训1865人"
    toks = seg.tokens(text)
    assert not any(ch.isdigit() for t in toks for ch in t)
    keep = Segmenter(drop_numbers=False, min_len=1, cache_dir=False).tokens(text)
    assert "2024" in keep and "1865" in keep
    assert "4" not in seg.tokens(SENT_NUMBERS)
    reasons = {w: r for w, _, _, r in seg.explain("三个月内完成两级综治中心建设")}
    assert reasons["两级"] == "number"


def test_min_len_and_pos_keep():
    text = "坚持线上线下相结合,正面引导,积极回应群众关切"
    one = Segmenter(min_len=1, stopwords=False, cache_dir=False).tokens(text)
    two = Segmenter(min_len=2, stopwords=False, cache_dir=False).tokens(text)
    assert "线" in one and "线" not in two and all(len(t) >= 2 for t in two)
    s = Segmenter(pos_keep=["n"], cache_dir=False)
    toks = s.tokens(text)
    tags = dict(s.words(text))
    assert toks and all(tags[t] == "n" for t in toks)
    assert "群众" in toks and "回应" not in toks


def test_traditional_is_converted(seg):
    trad = "化解矛盾糾紛多元化解,推進綜治中心建設,網格員入戶走訪"
    simp = "化解矛盾纠纷多元化解,推进综治中心建设,网格员入户走访"
    assert seg.tokens(trad) == seg.tokens(simp)
    assert "綜治中心" in Segmenter(convert_traditional=False, cache_dir=False).normalize(trad)


def test_words_are_unfiltered_and_join_to_the_text(seg, texts):
    for t in texts:
        words = seg.words(t)
        assert "".join(w for w, _ in words) == t
        assert all(isinstance(p, str) and p for _, p in words)


def test_default_segmenter_equals_from_params():
    a, b = Segmenter(), Segmenter.from_params()
    a._setup()
    b._setup()
    assert a.fingerprint_ == b.fingerprint_
    params = config.load_params()
    params["segment"]["places"] = "placeholder"
    assert Segmenter.from_params(params).places == "placeholder"


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="backend"):
        Segmenter(backend="pkuseg", cache_dir=False).tokens("平安建设")


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
def test_tokenize_cache_hits_and_invalidates(tmp_path, corpus, monkeypatch):
    texts = corpus.paragraphs["text"].tolist()
    lex = tmp_path / "lex.txt"
    lex.write_bytes((LEXICON_DIR / "userdict.txt").read_bytes())
    cache = tmp_path / "cache"
    s = Segmenter(lexicon=lex, cache_dir=cache)
    first = s.tokenize(texts)
    assert s.cache_hit_ is False and len(list(cache.iterdir())) == 1
    assert first == [s.tokens(t) for t in texts]

    s2 = Segmenter(lexicon=lex, cache_dir=cache)

    def boom(self, text):
        raise AssertionError("segmented despite a cache hit")

    with monkeypatch.context() as m:
        m.setattr(Segmenter, "tokens", boom)
        second = s2.tokenize(texts)
    assert s2.cache_hit_ is True and second == first

    assert Segmenter()._cache_path(texts).parent == config.PATHS.cache / "segment"
    key = s2.cache_key(texts)
    assert Segmenter(lexicon=lex, cache_dir=cache).cache_key(texts[:-1]) != key
    assert Segmenter(lexicon=lex, cache_dir=cache).cache_key(texts[:-1] + [texts[-1] + "。"]) != key
    assert Segmenter(lexicon=lex, cache_dir=cache, min_len=1).cache_key(texts) != key
    assert Segmenter(lexicon=lex, cache_dir=cache, places="keep").cache_key(texts) != key
    assert Segmenter(lexicon=lex, cache_dir=cache,
                     stopwords={"general": STOP_DIR / "general.txt"}).cache_key(texts) != key
    lex.write_bytes(lex.read_bytes() + "测试词 1 n\n".encode())
    changed = Segmenter(lexicon=lex, cache_dir=cache)
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
def test_write_outputs_and_headline_numbers(tmp_path, corpus, seg):
    paths = segment.write_outputs(corpus.paragraphs, tmp_path, seg)
    names = {p.name for p in paths}
    assert {"segmentation_audit.csv", "segmentation_audit_filters.csv",
            "segmentation_audit_stopwords.csv", "segmentation_audit_samples.csv"} <= names
    audit = pd.read_csv(tmp_path / "segmentation_audit.csv").set_index("term")
    assert len(audit) == len(seg.lexicon_)
    for term in CORE:
        assert audit.loc[term, "plain_whole"] == 0
        assert audit.loc[term, "ours_whole"] == audit.loc[term, "corpus_count"] > 0
    assert audit.loc["枫桥经验", "plain_jieba"] == "枫桥/经验"
    assert audit.loc["矛盾纠纷", "corpus_count"] == sum(
        t.count("矛盾纠纷") for t in corpus.paragraphs["text"])
    n_duoyuan = sum(t.count("多元化解") - t.count("多元化解决") for t in corpus.paragraphs["text"])
    assert audit.loc["多元化解", "corpus_count"] == n_duoyuan == 6
    filt = pd.read_csv(tmp_path / "segmentation_audit_filters.csv").set_index("step")
    n_words = sum(len(seg.words(t)) for t in corpus.paragraphs["text"])
    assert filt["words"].sum() == n_words
    assert filt.loc["keep", "words"] == sum(len(seg.tokens(t)) for t in corpus.paragraphs["text"])
    assert 0 < filt.loc["place", "share_of_words"] < 0.05
    sw = pd.read_csv(tmp_path / "segmentation_audit_stopwords.csv").set_index("layer")
    assert sw.loc["domain", "tokens_removed"] == filt.loc["stopword:domain", "words"]
    assert sw.loc["general", "layer_size"] == len(seg.stopword_layers_["general"])
    samples = pd.read_csv(tmp_path / "segmentation_audit_samples.csv")
    assert len(samples) >= 10 and (samples["plain_jieba"] != samples["ours"]).all()
    # deterministic bytes
    again = segment.write_outputs(corpus.paragraphs, tmp_path / "again", seg)
    for p, q in zip(paths, again):
        assert p.read_bytes() == q.read_bytes()
