"""The corpus loader on the real compilation and on small fixtures of every input form."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus import (
    CorpusFormatError,
    CorpusWarning,
    coverage_table,
    is_heading,
    load_compilation,
)
from analysis.corpus import stage as corpus_stage
from analysis.evidence import Coverage, evidence_label, has_text

DATA = Path(__file__).parent / "data"

# Dates as printed under (or appended to) each body title, read off the raw file by hand.
# Articles 8 and 10 print a byline instead of a date.
PRINTED_DATES = {
    1: "2024-10-14", 2: "2024-10-16", 3: "2024-08-14", 4: "2024-08-29", 5: "2024-07-02",
    6: "2024-07-17", 7: "2024-09-09", 9: "2024-10-01", 11: "2024-07-26", 12: "2024-09-07",
    13: "2024-08-27", 14: "2024-10-25", 15: "2024-09-24", 16: "2024-07-18", 17: "2024-07-01",
    18: "2024-08-09", 19: "2024-11-15", 20: "2024-08-15",
}
WEB_PAGE_TEXT = ["阅读全文", "赞赏", "打赏", "赏赞", "笔笔文库", "链接地址", "本文标题", "微信扫一扫",
                 "登陆", "¥", "热门推荐", "联系客服", "二维码", "订阅号", "查看更多"]


@pytest.fixture(scope="module")
def articles(corpus):
    return corpus.articles.set_index("article_id")


def test_every_toc_entry_is_kept(articles):
    assert list(articles.index) == list(range(1, 76))
    assert articles["title"].str.len().min() >= 6


def test_sections_follow_the_toc_headings(articles):
    for article_id, row in articles.iterrows():
        expected = ("party_committees" if article_id <= 42
                    else "political_legal_organs" if article_id <= 70 else "other_units")
        assert row["section"] == expected, article_id
    assert articles["section"].value_counts().to_dict() == {
        "party_committees": 42, "political_legal_organs": 28, "other_units": 5}


def test_text_status_article_by_article(articles):
    for article_id, row in articles.iterrows():
        expected = "full" if article_id <= 19 else "truncated" if article_id == 20 else "title_only"
        assert row["text_status"] == expected, article_id
        assert (row["text"] != "") == (article_id <= 20), article_id
    assert articles["text_status"].value_counts().to_dict() == {
        "title_only": 55, "full": 19, "truncated": 1}


def test_toc_pages_and_titles_with_ragged_leaders(articles):
    # Entries whose TOC lines have spaces inside the dot leaders or after the number.
    assert articles.loc[21, ["title", "page"]].tolist() == ["沾益区勇当平安建设“排头兵”", 64]
    assert articles.loc[41, ["title", "page"]].tolist() == ["矿区社区党建引领下好平安建设“四步棋”", 106]
    assert articles.loc[66, "title"] == "县司法局奏响平安建设“主旋律”,当好群众身边“解铃人”"
    assert articles.loc[66, "page"] == 172
    assert articles.loc[64, "title"] == "扬州旅游警察大队“联盟4+”党建品牌赋能平安景区建设"
    assert articles.loc[51, "title"] == "紫阳公安2024年平安建设工作综述"
    assert articles.loc[1, "page"] == 1 and articles.loc[75, "page"] == 196
    assert articles["page"].is_monotonic_increasing


def test_dates_parsed_for_every_body_that_prints_one(articles):
    for article_id in range(1, 21):
        date = articles.loc[article_id, "date"]
        if article_id in PRINTED_DATES:
            assert date == PRINTED_DATES[article_id], article_id
        else:
            assert pd.isna(date), article_id
    assert articles.loc[21:, "date"].isna().all()


def test_body_titles_and_bylines(articles):
    assert articles.loc[10, "body_title"] == "全力打造基层平安建设新模式"
    assert articles.loc[10, "byline"].startswith("北京市西城区西长安街街道工委书记")
    assert articles.loc[10, "byline"].endswith("宫浩")
    assert articles.loc[8, "byline"] == "宣城市委党校褚卫东"
    others = articles.drop(index=[10]).loc[:20]
    assert others["body_title"].isna().all()
    assert articles.drop(index=[8, 10])["byline"].isna().all()
    # The byline and date are metadata, not the first paragraph.
    assert not articles.loc[8, "text"].startswith("宣城市委党校")
    assert articles.loc[1, "text"].startswith("平安,是发展的基石。")


def test_duplicate_title_is_flagged(articles):
    assert articles.loc[57, "duplicate_of"] == 53
    assert articles["duplicate_of"].notna().sum() == 1


def test_page_breaks_rejoined(corpus):
    paras = corpus.paragraphs
    joined = "\n".join(paras["text"])
    # Splits by the source's page breaks (no-break-space lines) and line wraps.
    for fragment in ["面对高质量发展的新时代命题,白银市坚持严打整治,保障人民安宁。",
                     "司法行政资源向乡镇街道、村社区延伸。",
                     "开启了平安中国建设省域先行实践之路。",
                     "温州相继开展了社会矛盾纠纷排查化解",
                     "全县共立刑事案件数同比下降13.9%"]:
        assert fragment in joined, fragment
    body = paras[paras["kind"] == "body"]
    bad = body[~body["text"].str.contains(r"[。!?！？;；:：…\]】][”’）)」』]*$")]
    assert bad.empty, bad[["article_id", "para_id", "text"]].to_string()
    assert not paras["text"].str.fullmatch(r"\s*").any()
    assert not paras["text"].str.contains("\u00a0").any()


def test_no_web_page_text_in_any_article(corpus):
    for word in WEB_PAGE_TEXT:
        assert not corpus.articles["text"].str.contains(word, regex=False).any(), word
        assert not corpus.articles["title"].str.contains(word, regex=False).any(), word
    # It is reported, not silently dropped.
    dropped = "\n".join(corpus.dropped["text"])
    assert "阅读全文" in dropped and "链接地址" in dropped
    assert corpus.meta["url"].endswith("376091.html")
    assert corpus.meta["posted"] == "2024-11-23 07:03:52"


def test_article_20_ends_at_the_paywall(articles, corpus):
    last = corpus.paragraphs[corpus.paragraphs["article_id"] == 20]["text"].iloc[-1]
    assert last.endswith("为数据价值转化提供支持。")


def test_headings(corpus):
    paras = corpus.paragraphs
    heads = paras[paras["kind"] == "heading"]
    assert set(heads.loc[heads["article_id"] == 1, "text"]) == {
        "一、竭尽全力防风险,社会大局平稳可控", "二、凝心聚力铸品牌,基层治理成效显著",
        "三、严打整治保平安,治安秩序持续向好"}
    art8 = heads.loc[heads["article_id"] == 8, "text"].tolist()
    assert "(一)“枫桥经验”的理念演变" in art8
    assert "1.以“党建+服务”提升服务民生质量" in art8
    assert heads.loc[heads["article_id"] == 19].empty
    # "一是…" enumerations are body text, not headings.
    assert not heads["text"].str.startswith("一是").any()
    assert is_heading("（二）坚持群众主体原则") and not is_heading("2.5万公里的行程")


def test_article_1_paragraphs_counted_by_hand(corpus):
    # Raw lines 36–68: 14 paragraphs, 3 of them headings (lines 52/56 and 60/62 are joined).
    p1 = corpus.paragraphs[corpus.paragraphs["article_id"] == 1]
    assert len(p1) == 14
    assert (p1["kind"] == "heading").sum() == 3
    assert list(p1["para_id"]) == list(range(1, 15))


def test_text_is_the_paragraphs_joined(corpus):
    for article_id, group in corpus.paragraphs.groupby("article_id"):
        text = corpus.articles.set_index("article_id").loc[article_id, "text"]
        assert text == "\n".join(group["text"])


def test_warnings_name_the_entries(ctx):
    with pytest.warns(CorpusWarning) as record:
        c = load_compilation(ctx.input(ctx.params.corpus.raw), root=ctx.root)
    messages = "\n".join(str(w.message) for w in record)
    assert messages == "\n".join(c.notes)
    # Paths are shown relative to the root given.
    assert messages.startswith("data/raw/pingan_fengqiao_compilation_2024.txt: ")
    assert "55 table-of-contents entries have no body" in messages
    assert "75 中国石油集团测井有限公司建设平安企业实现高质量发展" in messages
    assert "article 20 故城县推动“智慧枫桥”建设 is truncated" in messages
    assert "article 57 repeats the title of article 53" in messages


def test_coverage_table_counts_text_as_evidence_does(corpus):
    table = coverage_table(corpus.articles).set_index("section")
    assert table.loc["total", "with_text"] == has_text(corpus.articles).sum() == 20
    assert table.loc["party_committees", ["full", "truncated", "title_only", "articles"]].tolist() \
        == [19, 1, 22, 42]
    assert table["evidence"].to_dict() == {
        "party_committees": "mixed", "political_legal_organs": "title-only",
        "other_units": "title-only", "total": "mixed"}
    assert table.loc["total", "body_chars"] == corpus.articles["n_chars"].sum()


def test_stage_tables_and_caption(ctx):
    s = corpus_stage.prepare(ctx)
    assert len(s.body_length) == 75 and s.coverage["section"].iloc[-1] == "total"
    assert s.evidence == evidence_label("text", Coverage.of(s.corpus.articles))
    assert "20 of 75 articles have text; 1 truncated" in s.evidence and "1–20" not in s.evidence


def test_stage_writes_processed_tables_results_and_figure(ctx):
    names = {p.relative_to(ctx.out).as_posix() for p in corpus_stage.write(ctx)}
    assert names == {
        "data/processed/articles.csv", "data/processed/paragraphs.csv",
        "data/processed/dropped_lines.csv", "results/corpus_coverage.csv",
        "results/corpus_body_length.csv", "figures/corpus_coverage.png",
        "figures/corpus_coverage.pdf"}
    written = pd.read_csv(ctx.paths.processed / "articles.csv")
    assert len(written) == 75 and {"unit_type", "tier", "province"} <= set(written.columns)


# ---------------------------------------------------------------- fixtures

MINI_FORMS = ["corpus_mini_utf8.txt", "corpus_mini_bom_crlf.txt", "corpus_mini_gb18030.txt",
              "corpus_mini.docx"]


@pytest.mark.parametrize("name", MINI_FORMS)
def test_every_input_form_gives_the_same_corpus(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        reference = load_compilation(DATA / "corpus_mini_utf8.txt")
        other = load_compilation(DATA / name)
    pd.testing.assert_frame_equal(reference.articles, other.articles)
    pd.testing.assert_frame_equal(reference.paragraphs, other.paragraphs)
    a = other.articles.set_index("article_id")
    assert a["text_status"].tolist() == ["full", "full", "truncated", "title_only", "title_only",
                                         "title_only"]
    assert a.loc[6, "duplicate_of"] == 5
    assert a.loc[2, "body_title"] == "全力打造基层平安建设新模式"
    assert "白银市坚持严打整治" in a.loc[1, "text"]


def test_folder_of_articles():
    with pytest.warns(CorpusWarning, match="3 龙湾区法院以法治力量护航平安建设"):
        c = load_compilation(DATA / "corpus_mini_folder")
    a = c.articles.set_index("article_id")
    assert a["section"].tolist() == ["party_committees", "party_committees",
                                     "political_legal_organs"]
    assert a["text_status"].tolist() == ["full", "full", "title_only"]
    assert a.loc[1, "date"] == "2024-10-14"
    assert a.loc[2, "byline"].endswith("宫浩")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        mini = load_compilation(DATA / "corpus_mini_utf8.txt").articles.set_index("article_id")
    assert a.loc[1, "text"] == mini.loc[1, "text"]


def test_folder_rejects_duplicate_ids(tmp_path):
    folder = tmp_path / "f"
    shutil.copytree(DATA / "corpus_mini_folder", folder)
    with open(folder / "articles.csv", "a", encoding="utf-8") as fh:
        fh.write("2,重复的标题,各级党委,4\n")
    with pytest.raises(CorpusFormatError, match=r"articles.csv: line 5: article_id 2 appears twice"):
        load_compilation(folder)


def test_folder_needs_an_index(tmp_path):
    (tmp_path / "1.txt").write_text("平安建设", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match="needs an articles.csv"):
        load_compilation(tmp_path)


@pytest.mark.parametrize("name, message", [
    ("empty.txt", r"empty.txt: the file is empty"),
    ("blank_lines.txt", r"blank_lines.txt: the file is empty"),
    ("binary.txt", r"binary.txt: looks like a binary file \(line \d+\)"),
    ("latin1.txt", r"latin1.txt: line 3: not valid UTF-8"),
    ("no_toc.txt", r"no_toc.txt: no table of contents found"),
    ("toc_gap.txt", r"toc_gap.txt: line 14: table of contents jumps to entry 7 where entry 4"),
    ("not_a_docx.docx", r"not_a_docx.docx: not a readable .docx"),
])
def test_bad_input_names_file_and_line(name, message):
    with pytest.raises(CorpusFormatError, match=message):
        load_compilation(DATA / "corpus_bad" / name)


def test_missing_path():
    with pytest.raises(CorpusFormatError, match="no such file"):
        load_compilation(DATA / "does_not_exist.txt")
