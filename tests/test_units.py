"""Unit metadata on the 75 real articles, overrides, outputs.

EXPECTED was written article by article from the title, the body (1–20) and the
gazetteer facts recorded in data/codebook.md ("The 75 articles, case by case").
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from analysis.context import RunContext
from analysis.corpus import CorpusWarning, load_compilation
from analysis.gazetteer import load_gazetteer
from analysis.units import (
    FIELDS, TIER_OF, OverrideError, agreement, annotate, annotate_corpus, classify_unit,
    load_overrides, metadata_table, override_report,
)
from analysis.units import stage as units_stage

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[1]
OVERRIDES = ROOT / "data" / "metadata" / "overrides.csv"

P, PLC, CT, PR, PS, JA = ("party_committee", "political_legal_committee", "court",
                          "procuratorate", "public_security", "justice_administration")
# article_id → (unit_type, admin_level, tier, province)
EXPECTED = {
    1: (P, "prefecture", "city", "甘肃"), 2: (P, "prefecture", "city", "云南"),
    3: (P, "prefecture", "city", "浙江"), 4: (P, "prefecture", "city", "安徽"),
    5: (P, "prefecture", "city", "安徽"), 6: (PLC, "prefecture", "city", "陕西"),
    7: (P, "prefecture", "city", "贵州"), 8: (P, "prefecture", "city", "安徽"),
    9: (P, "prefecture", "city", "青海"), 10: (P, "subdistrict", "grassroots", "北京"),
    11: (P, "county", "county", "广西"), 12: (P, "county", "county", "广东"),
    13: (P, "county", "county", "广东"), 14: (P, "county", "county", "河南"),
    15: (P, "county", "county", "河南"), 16: (P, "county", "county", "陕西"),
    17: (P, "county", "county", "广西"), 18: (P, "county", "county", "广东"),
    19: (P, "county", "county", "青海"), 20: (P, "county", "county", "河北"),
    21: (P, "district", "county", "云南"), 22: (P, "district", "county", "河南"),
    23: (P, "district", "county", "河南"), 24: (P, "district", "county", None),
    25: (P, "district", "county", "陕西"), 26: (P, "district", "county", "辽宁"),
    27: (P, "development_zone", "county", "湖北"),
    28: (P, "subdistrict", "grassroots", None), 29: (P, "subdistrict", "grassroots", None),
    30: (P, "subdistrict", "grassroots", None), 31: (P, "town", "grassroots", None),
    32: (P, "town", "grassroots", None), 33: (P, "town", "grassroots", None),
    34: (P, "town", "grassroots", None), 35: (P, "town", "grassroots", None),
    36: (P, "town", "grassroots", None), 37: (P, "town", "grassroots", None),
    38: (P, "town", "grassroots", None), 39: (P, "township", "grassroots", None),
    40: (P, "township", "grassroots", None), 41: (P, "community", "grassroots", None),
    42: (P, "village", "grassroots", None),
    43: (PLC, "prefecture", "city", "湖南"), 44: (PLC, "district", "county", "福建"),
    45: (PLC, "district", "county", "安徽"), 46: (PLC, "county", "county", "广西"),
    47: (CT, "district", "county", "浙江"), 48: (CT, "district", "county", "湖南"),
    49: (PR, "province", "province", "陕西"), 50: (PR, "county", "county", "陕西"),
    51: (PS, "county", "county", "陕西"), 52: (PS, "county", "county", "陕西"),
    53: (PS, "prefecture", "city", "陕西"), 54: (PS, "town", "grassroots", "陕西"),
    55: (PS, "prefecture", "city", "宁夏"), 56: (PS, "district", "county", "宁夏"),
    57: (PS, "prefecture", "city", "陕西"), 58: (PS, "county", "county", "福建"),
    59: (PS, "prefecture", "city", "内蒙古"), 60: (PS, "development_zone", "county", "陕西"),
    61: (PS, "district", "county", None), 62: (PS, "county", "county", "陕西"),
    63: (PS, "town", "grassroots", None), 64: (PS, "prefecture", "city", "江苏"),
    65: (JA, "prefecture", "city", "广东"), 66: (JA, "county", "county", None),
    67: (JA, "district", "county", "陕西"), 68: ("prison", "province", "province", "贵州"),
    69: ("governance_center", "county", "county", "福建"),
    70: ("law_society", "prefecture", "city", "广西"),
    71: ("government_department", "province", "province", "河南"),
    72: ("government_department", "county", "county", "广东"),
    73: ("government_department", "district", "county", "青海"),
    74: ("government_department", "county", "county", "陕西"),
    75: ("enterprise", "national", "national", None),
}
#: Articles whose curated values differ from the classifier's (see overrides.csv).
OVERRIDDEN = {8, 68}


@pytest.fixture(scope="module")
def raw_articles(ctx):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        return load_compilation(ctx.input(ctx.params.corpus.raw)).articles


@pytest.fixture(scope="module")
def gaz(ctx):
    return load_gazetteer(ctx.input(ctx.params.units.gazetteer))


def test_expectations_are_consistent_with_the_codebook():
    assert sorted(EXPECTED) == list(range(1, 76))
    for unit_type, admin, tier, _ in EXPECTED.values():
        assert TIER_OF[admin] == tier


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_curated_metadata_of_every_article(articles, article_id):
    row = articles.set_index("article_id").loc[article_id]
    got = (row["unit_type"], row["admin_level"], row["tier"],
           None if pd.isna(row["province"]) else row["province"])
    assert got == EXPECTED[article_id], (row["title"], row["unit_note"])


@pytest.mark.parametrize("article_id", sorted(set(EXPECTED) - OVERRIDDEN))
def test_classifier_alone_gets_the_rest(raw_articles, gaz, article_id):
    row = raw_articles.set_index("article_id").loc[article_id]
    info = classify_unit(row["title"], row["text"] or None, gazetteer=gaz)
    assert (info.unit_type, info.admin_level, info.tier, info.province) == EXPECTED[article_id]


def test_classifier_accuracy_before_overrides(raw_articles, gaz):
    infos = {r.article_id: classify_unit(r.title, r.text or None, gazetteer=gaz)
             for r in raw_articles.itertuples()}
    hits = {f: sum(getattr(infos[a], f) == EXPECTED[a][k] for a in EXPECTED)
            for k, f in enumerate(("unit_type", "admin_level", "tier", "province"))}
    assert hits == {"unit_type": 73, "admin_level": 74, "tier": 74, "province": 75}


def test_sources_record_body_and_override(articles):
    by_id = articles.set_index("article_id")
    # 乳源 is a short name at the head of the title; the body prints 乳源瑶族自治县.
    assert by_id.loc[13, "place"] == "乳源瑶族自治县"
    assert by_id.loc[13, "province_source"] == "body"
    # 海南州 is 青海's 海南藏族自治州, and the body says 青海.
    assert by_id.loc[9, "place"] == "海南藏族自治州"
    assert "青海" in by_id.loc[9, "unit_note"]
    assert by_id.loc[68, "unit_type_source"] == "override"
    assert by_id.loc[68, "tier_source"] == "rule"
    assert by_id.loc[1, "unit_type_source"] == "rule"
    assert set(articles[[f"{f}_source" for f in FIELDS]].stack()) <= {"rule", "body", "override"}


def test_ambiguous_places_are_missing_with_a_note(articles):
    by_id = articles.set_index("article_id")
    assert "河北/陕西" in by_id.loc[24, "unit_note"]
    assert "安徽/山西/黑龙江" in by_id.loc[61, "unit_note"]
    assert "曲江区" in by_id.loc[63, "unit_note"]
    assert pd.isna(by_id.loc[66, "place"]) and "no place" in by_id.loc[66, "unit_note"]
    assert "gazetteer stops at county" in by_id.loc[38, "unit_note"]  # 高桥镇


def test_override_report_says_what_and_why(articles, gaz):
    report = override_report(articles, gazetteer=gaz)
    changed = report[report["changed"]]
    assert set(changed["article_id"]) == OVERRIDDEN
    assert changed.set_index(["article_id", "field"]).loc[(68, "unit_type"), "classifier"] == P
    assert changed["reason"].str.len().min() > 40
    summary = agreement(report, n_articles=len(articles)).set_index("field")
    assert summary.loc["unit_type", "n_overridden"] == 2
    assert summary.loc["province", "agreement"] == 1.0
    assert summary.loc["any", "n_overridden"] == 2


@pytest.mark.parametrize("name, message", [
    ("unknown_id", "line 3: unknown article_id 999"),
    ("bad_value", "line 3: unit_type 'tribunal' is not a codebook value"),
    ("no_reason", "line 2: article 24 has no reason"),
    ("bad_province", "line 2: province '陕西省' is not a codebook value"),
    ("wrong_title", "line 2: title '长安区人民法院' is not the title of article 24"),
    ("bad_tier", "line 2: tier 'city' contradicts admin_level 'district'"),
])
def test_bad_overrides_name_file_and_line(raw_articles, gaz, name, message):
    path = DATA / f"units_overrides_{name}.csv"
    with pytest.raises(OverrideError) as err:
        load_overrides(path, raw_articles, gazetteer=gaz)
    assert str(path) in str(err.value) and message in str(err.value)


def test_overrides_apply_and_can_set_missing(raw_articles, gaz):
    ov = load_overrides(DATA / "units_overrides_ok.csv", raw_articles, gazetteer=gaz)
    out = annotate(raw_articles, ov, gazetteer=gaz).set_index("article_id")
    assert (out.loc[24, "province"], out.loc[24, "province_source"]) == ("陕西", "override")
    assert pd.isna(out.loc[61, "admin_level"]) and out.loc[61, "admin_level_source"] == "override"
    assert "with a comma" in out.loc[61, "override_reason"]
    assert out.loc[1, "province_source"] == "rule"


def test_project_overrides_file_is_valid(raw_articles, gaz):
    ov = load_overrides(OVERRIDES, raw_articles, gazetteer=gaz)
    assert set(ov["article_id"]) == OVERRIDDEN


def test_annotate_corpus_follows_units_params(ctx, params, raw_articles):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        raw = load_compilation(ctx.input(params.corpus.raw))
    # Without overrides every value is the classifier's; the input corpus is left as it was.
    plain = annotate_corpus(raw, replace(params.units, overrides=""), root=ctx.root)
    assert set(plain.articles["unit_type_source"]) <= {"rule", "body"}
    assert "unit_type" not in raw.articles.columns
    curated = annotate_corpus(raw, params.units, root=ctx.root).articles.set_index("article_id")
    assert curated.loc[68, "unit_type_source"] == "override"
    # max_gap 0: in 扬州旅游警察 two characters stand between the short place name and
    # the unit word, so neither is read any more and the title names no unit.
    tight = annotate_corpus(raw, replace(params.units, max_gap=0, overrides=""), root=ctx.root)
    assert plain.articles.set_index("article_id").loc[64, "unit_type"] == PS
    assert tight.articles.set_index("article_id").loc[64, "unit_type"] == "unknown"


def test_metadata_table_and_outputs(articles, params, tmp_path):
    table = metadata_table(articles)
    assert list(table["article_id"]) == list(range(1, 76))
    assert {"title", "section", "text_status", "unit_type", "province_source"} <= set(table.columns)
    first = units_stage.write(RunContext(params, tmp_path / "a"))
    second = units_stage.write(RunContext(params, tmp_path / "b"))
    names = sorted(p.name for p in first)
    assert names == sorted([
        "article_metadata.csv", "unit_overrides.csv", "unit_agreement.csv",
        "corpus_by_unit_type_tier.png", "corpus_by_unit_type_tier.pdf",
        "corpus_by_province.png", "corpus_by_province.pdf"])
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    written = pd.read_csv(tmp_path / "a" / "results" / "article_metadata.csv")
    assert len(written) == 75
    assert written["province"].isna().sum() == articles["province"].isna().sum()


def test_captions_come_from_the_coverage(ctx):
    s = units_stage.prepare(ctx)
    assert s.caption == ("Unit metadata read from titles; bodies (20 of 75 articles) "
                         "only settle places. ")
    assert s.evidence == "mixed: bodies where available (20 articles), titles elsewhere (55 articles)"
    assert "1–20" not in s.caption + s.evidence
