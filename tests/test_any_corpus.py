"""The pipeline on any corpus: a complete compilation, a researcher's own table.

``tests/data/complete_compilation.txt`` (built by ``make_complete_compilation.py``) has
the seed's header and table of contents and a body under every entry, made of the seed's
own paragraphs in their original order. It is a test construct, not real article text.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import re
import shutil
import tomllib
import warnings
from pathlib import Path

import pandas as pd
import pypdf
import pytest

from analysis import reproduce
from analysis.config import CorpusParams, ParamsError, load_params, resolve
from analysis.context import RunContext
from analysis.corpus import ARTICLE_COLUMNS, CorpusFormatError, CorpusWarning, load_compilation
from analysis.curation import CurationWarning, recorded_corpus
from analysis.gazetteer import load_gazetteer
from analysis.topics.choose import AUTO_K_RULE, choose_k
from analysis.topics.labels import LabelWarning
from analysis.units.overrides import OVERRIDE_COLUMNS, OverrideError, load_overrides

DATA = Path(__file__).parent / "data"
COMPLETE = DATA / "complete_compilation.txt"
TEXT_LABEL = re.compile(r"text-level: article bodies \((\d+) of (\d+) articles? have text"
                        r"(?:; (\d+) truncated by the source)?\)")


@pytest.fixture(scope="module")
def complete_run(params, tmp_path_factory):
    out = tmp_path_factory.mktemp("complete")
    run_params = params.reduced().replace({"corpus.raw": str(COMPLETE)})
    summary = reproduce.run(out=out, params=run_params, quiet=True)
    return out, summary


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_every_stage_runs_on_the_complete_compilation(complete_run):
    _, summary = complete_run
    assert all(row["status"] == "built" for row in summary.values()), summary


def test_coverage_says_every_article_has_text(complete_run):
    out, _ = complete_run
    cov = pd.read_csv(out / "results" / "corpus_coverage.csv").set_index("section")
    assert cov.loc["total", "articles"] == cov.loc["total", "with_text"] == 75
    assert cov.loc["total", "truncated"] == 0


def test_no_caption_names_the_seed_and_every_evidence_line_matches(complete_run):
    out, _ = complete_run
    pdfs = sorted((out / "figures").glob("*.pdf"))
    assert len(pdfs) >= 20
    checked = 0
    for pdf in pdfs:
        text = _pdf_text(pdf).replace("\n", " ")
        assert "1–20" not in text and "21–75" not in text, pdf.name
        for n_text, n_all, n_trunc in TEXT_LABEL.findall(text):
            # Every article of this corpus has a body, none truncated: whatever subset a
            # figure stands on, its caption must say so.
            assert n_text == n_all and n_trunc in ("", "0"), (pdf.name, n_text, n_all, n_trunc)
            checked += 1
    assert checked >= 10, "too few text-level captions found"
    html = (out / "figures" / "topics_ldavis.html").read_text(encoding="utf-8")
    assert "1–20" not in html
    assert "75 of 75 articles have text" in html


def test_courts_and_police_get_text_level_prevalence(complete_run):
    out, _ = complete_run
    prev = pd.read_csv(out / "results" / "topic_prevalence_by_unit_type.csv")
    for unit in ("court", "public_security", "procuratorate"):
        rows = prev[prev["unit_type"] == unit]
        assert len(rows) and rows["estimate"].notna().all(), unit


# ------------------------------------------------------------ a researcher's own table
# data/examples/your_corpus: the seed's entries as a table with the researcher's own
# column names and metadata (built from data/raw by build.py; no invented text), a
# header-only overrides file and no topic labels.
EXAMPLE = Path(__file__).parents[1] / "data" / "examples" / "your_corpus"


def _example_overrides() -> dict:
    with open(EXAMPLE / "params.toml", "rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def table_params(params):
    return params.reduced().replace(_example_overrides())


@pytest.fixture(scope="module")
def table_run(table_params, tmp_path_factory):
    out = tmp_path_factory.mktemp("table")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        summary = reproduce.run(out=out, params=table_params, quiet=True)
    return out, summary, caught


def test_the_example_table_is_rebuilt_from_the_seed(tmp_path):
    spec = importlib.util.spec_from_file_location("your_corpus_build", EXAMPLE / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rebuilt = module.main(tmp_path / "corpus.csv")
    assert rebuilt.read_bytes() == (EXAMPLE / "corpus.csv").read_bytes()
    table = pd.read_csv(EXAMPLE / "corpus.csv", dtype=str, keep_default_na=False)
    # Every body paragraph is one of the seed's paragraphs, in the seed's order.
    seed = load_params()
    ctx = RunContext(seed, tmp_path)
    seed_paras = ctx.corpus.paragraphs["text"].tolist()
    table_paras = [p for body in table["body"] for p in body.split("\n") if p]
    assert table_paras == seed_paras


def test_every_stage_runs_on_the_table_corpus(table_run):
    out, summary, _ = table_run
    assert all(row["status"] == "built" for row in summary.values()), summary


def test_table_metadata_travels_into_the_articles(table_run):
    out, _, _ = table_run
    arts = pd.read_csv(out / "data" / "processed" / "articles.csv", dtype=str,
                       keep_default_na=False)
    table = pd.read_csv(EXAMPLE / "corpus.csv", dtype=str, keep_default_na=False)
    assert arts["article_id"].tolist() == [str(i) for i in range(1, len(table) + 1)]
    for col in ("doc", "jurisdiction", "quarter", "province"):
        assert arts[col].tolist() == table[col].tolist(), col
    assert arts["title"].tolist() == table["headline"].tolist()
    assert (arts["section"] == "all").all()
    # The corpus's own province is kept; with classify = "none" nothing is read from titles.
    has_province = arts["province"] != ""
    assert (arts.loc[has_province, "province_source"] == "corpus").all() and has_province.any()
    assert (arts.loc[~has_province, "province_source"] == "").all() and (~has_province).any()
    assert (arts["unit_type"] == "").all() and (arts["tier"] == "").all()
    assert arts["text_status"].value_counts().to_dict() == {"title_only": 55, "full": 20}


def test_table_run_writes_draft_labels_and_the_auto_k_choice(table_run, table_params):
    out, _, caught = table_run
    draft = out / "data" / "topic_labels.draft.toml"
    assert draft.exists()
    meta = tomllib.loads(draft.read_text(encoding="utf-8"))["meta"]
    sha = hashlib.sha256((EXAMPLE / "corpus.csv").read_bytes()).hexdigest()
    assert meta["corpus_sha256"] == sha
    assert sum(issubclass(w.category, LabelWarning) for w in caught) == 1
    choice = pd.read_csv(out / "results" / "topics_k_choice.csv")
    ksel = pd.read_csv(out / "results" / "topics_k_selection.csv")
    assert choice["k"].tolist() == list(table_params.topics.k_range)
    # The rule checked from the sweep table itself: highest mean NPMI (no ties here).
    best = ksel.loc[ksel["npmi_mean"].idxmax(), "k"]
    assert ksel["npmi_mean"].nunique() == len(ksel)
    assert choice.loc[choice["chosen"], "k"].tolist() == [best]
    assert ksel.loc[ksel["chosen"], "k"].tolist() == [best] == [meta["num_topics"]]
    terms = pd.read_csv(out / "results" / "topic_terms.csv")
    assert terms["label"].str.endswith("(provisional)").all()


def test_table_run_compares_the_groups_named_in_params(table_run, table_params):
    out, _, _ = table_run
    res = out / "results"
    p = table_params.compare
    for by in p.groups:
        prev = pd.read_csv(res / f"topic_prevalence_by_{by}.csv")
        assert by in prev.columns and prev[by].nunique() >= 2, by
    prev = pd.read_csv(res / "topic_prevalence_by_jurisdiction.csv")
    assert (prev["level"] == "text").all()
    for group, n_text in (("city", 9), ("county", 10)):
        rows = prev[prev["jurisdiction"] == group]
        assert len(rows) and rows["estimate"].notna().all(), group
        assert (rows["n_text"] == n_text).all(), group
    kw = pd.read_csv(res / "keyness_by_jurisdiction.csv")
    assert {"city", "county"} <= set(kw["jurisdiction"])
    kw = pd.read_csv(res / "keyness_by_quarter.csv")
    assert {"2024Q3", "2024Q4"} <= set(kw["quarter"])
    # [contrast] by = "jurisdiction", groups = []: the two groups with most text, county
    # (10) and city (9); no place clustering in this corpus.
    diff = pd.read_csv(res / "topic_prevalence_difference_county_vs_city.csv")
    assert (diff["by"] == table_params.contrast.by).all()
    assert diff[["group_a", "group_b", "n_a", "n_b"]].drop_duplicates().values.tolist() == [
        ["county", "city", 10, 9]]
    # Every topic is estimated, or not compared (unstable over the refits) and says so.
    tested = diff["status"] == "estimated"
    assert diff.loc[tested, "estimate"].notna().all() and tested.any()
    assert diff.loc[~tested, "status"].str.startswith("not compared: unstable").all()
    assert diff.loc[~tested, "estimate"].isna().all()


# ----------------------------------------------------------------- table loading
def _mini_table(n: int = 4) -> pd.DataFrame:
    """The seed's first ``n`` entries (real titles and bodies) under researcher names."""
    table = pd.read_csv(EXAMPLE / "corpus.csv", dtype=str, keep_default_na=False)
    return table.head(n).copy()


MAP = CorpusParams(id="", title="headline", text="body", date="published", section="",
                   metadata=("doc", "jurisdiction", "quarter"))


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_the_three_table_formats_load_alike(tmp_path, suffix):
    table = _mini_table()
    path = tmp_path / f"t{suffix}"
    if suffix == ".csv":
        table.to_csv(path, index=False)
    elif suffix == ".jsonl":
        table.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        table.to_parquet(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        c = load_compilation(path, columns=MAP)
    a = c.articles
    assert list(a.columns[: len(ARTICLE_COLUMNS)]) == ARTICLE_COLUMNS
    assert a["doc"].tolist() == table["doc"].tolist()
    assert a["title"].tolist() == table["headline"].tolist()
    assert a["date"].tolist() == table["published"].tolist()
    first = table["body"].iloc[0].split("\n")
    assert c.paragraphs.loc[c.paragraphs["article_id"] == 1, "text"].tolist() == first
    assert a["text_status"].tolist() == ["full"] * 4
    assert c.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_empty_body_is_title_only_and_the_unlisted_columns_are_reported(tmp_path):
    table = _mini_table()
    table.loc[2, "body"] = ""
    path = tmp_path / "t.csv"
    table.to_csv(path, index=False)
    p = dataclasses.replace(MAP, metadata=("jurisdiction",))
    with pytest.warns(CorpusWarning, match=r"column\(s\) \['doc', 'province', 'quarter'\] are "
                                           r"not in \[corpus\] metadata"):
        c = load_compilation(path, columns=p)
    assert c.articles["text_status"].tolist() == ["full", "full", "title_only", "full"]
    assert "doc" not in c.articles.columns and "jurisdiction" in c.articles.columns


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.drop(columns=["body"]), r"t.csv: no column 'body' \(\[corpus\] text\)"),
    (lambda t: t.assign(headline=["a", "", "c", "d"]), r"t.csv: row 2, column 'headline'"),
    (lambda t: t.assign(num=["1", "2", "x3", "4"]), r"t.csv: row 3, column 'num': id 'x3'"),
    (lambda t: t.assign(num=["1", "2", "2", "4"]), r"row 3, column 'num': id 2 is also .* row 2"),
    (lambda t: t.drop(columns=["quarter"]), r"metadata names column\(s\) \['quarter'\]"),
    (lambda t: t.rename(columns={"quarter": "status"}).assign(num=["1", "2", "3", "4"]),
     r"\['status'\] have names the group tables use"),
])
def test_bad_tables_name_file_row_and_column(tmp_path, edit, message):
    table = edit(_mini_table())
    path = tmp_path / "t.csv"
    table.to_csv(path, index=False)
    p = MAP
    if "num" in table.columns:
        p = dataclasses.replace(MAP, id="num", metadata=("jurisdiction", "status")
                                if "status" in table.columns else ("jurisdiction",))
    with pytest.raises(CorpusFormatError, match=message):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CorpusWarning)
            load_compilation(path, columns=p)


def test_folder_extra_columns_become_metadata(tmp_path):
    folder = tmp_path / "f"
    shutil.copytree(DATA / "corpus_mini_folder", folder)
    index = pd.read_csv(folder / "articles.csv", dtype=str, keep_default_na=False)
    index["agency"] = ["市委", "街道", "法院"]
    index.to_csv(folder / "articles.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        a = load_compilation(folder).articles
    assert a["agency"].tolist() == ["市委", "街道", "法院"]


@pytest.mark.parametrize("section, key, value, message", [
    ("corpus", "metadata", ["text_status"], "data-contract columns"),
    ("corpus", "title", "", "needs a title column"),
    ("units", "classify", "bodies", "'bodies' is not 'titles' or 'none'"),
    ("topics", "num_topics", "many", "neither a number nor 'auto'"),
    ("topics", "num_topics", 1, "1 < 2"),
])
def test_new_keys_are_checked(params, section, key, value, message):
    with pytest.raises(ParamsError, match=rf"\[{section}\] {key}: .*{re.escape(message)}"):
        params.replace({f"{section}.{key}": value})


# ------------------------------------------------------------- corpus-bound curation
def test_seed_overrides_on_another_corpus_are_skipped_with_a_warning(tmp_path, params):
    # The seed's first ten entries in another order: ids no longer name the same titles.
    table = pd.read_csv(EXAMPLE / "corpus.csv", dtype=str, keep_default_na=False).head(10)
    table = table.iloc[::-1]
    path = tmp_path / "t.csv"
    table.to_csv(path, index=False)
    p = params.replace({**{k: v for k, v in _example_overrides().items()
                           if k.startswith("corpus.")},
                        "corpus.raw": str(path), "units.classify": "titles"})
    ctx = RunContext(p, tmp_path)
    with pytest.warns(CurationWarning) as caught:
        arts = ctx.articles
    text = " ".join(str(w.message) for w in caught if issubclass(w.category, CurationWarning))
    assert "2 override(s) that do not match it are skipped" in text
    assert "line 8: title '新时代“枫桥经验”" in text and "unknown article_id 68" in text
    assert (arts["unit_type_source"] != "override").all()


def test_seed_overrides_are_applied_on_the_seed(articles):
    curated = articles.set_index("article_id")
    assert curated.loc[8, "unit_type_source"] == "override"
    assert curated.loc[68, "unit_type"] == "prison"


def test_a_header_only_overrides_file_is_valid(params):
    gaz = load_gazetteer(resolve(params.units.gazetteer))
    empty = load_overrides(EXAMPLE / "overrides.csv", gazetteer=gaz,
                           corpus_sha256=recorded_corpus(EXAMPLE / "overrides.csv"))
    assert empty.empty and list(empty.columns) == list(OVERRIDE_COLUMNS)


def test_curated_files_record_the_seed_corpus(params):
    raw = hashlib.sha256(resolve(params.corpus.raw).read_bytes()).hexdigest()
    corpus_layer = f"{params.segment.lexicon_dir}/corpus.txt"
    for path in (params.units.overrides, params.topics.labels, corpus_layer):
        assert recorded_corpus(resolve(path)) == raw, path
    assert recorded_corpus(EXAMPLE / "overrides.csv") == hashlib.sha256(
        (EXAMPLE / "corpus.csv").read_bytes()).hexdigest()


# ------------------------------------------------------------------- K = "auto"
def test_auto_k_rule_breaks_ties_by_stability_then_smaller_k():
    table = pd.DataFrame({"k": [4, 5, 6, 7], "n_seeds": 2,
                          "npmi_mean": [-0.05, -0.0400001, -0.04, -0.04],
                          "npmi_sd": 0.01, "stability_mean": [0.5, 0.3, 0.4, 0.4],
                          "stability_sd": 0.1})
    k, choice = choose_k(table)
    # -0.0400001 is -0.04 at the written precision: a three-way tie. K = 6 and 7 are
    # more stable than 5 and level with each other, so the smaller wins.
    assert k == 6
    assert choice.set_index("k")["rank"].to_dict() == {4: 4, 5: 3, 6: 1, 7: 2}
    assert choice["chosen"].sum() == 1 and (choice["rule"] == AUTO_K_RULE).all()


def test_a_corpus_own_unit_column_must_hold_codebook_values(tmp_path, params):
    table = _mini_table()
    table["tier"] = ["city", "county", "prefecture-level", "city"]   # not a tier of the codebook
    path = tmp_path / "t.csv"
    table.to_csv(path, index=False)
    p = params.replace({**{k: v for k, v in _example_overrides().items()
                           if k.startswith(("corpus.", "units."))},
                        "corpus.raw": str(path), "corpus.metadata": ["tier"]})
    with pytest.raises(OverrideError, match=r"article 3: the corpus's own column tier "
                                            r"'prefecture-level' is not a codebook value"):
        RunContext(p, tmp_path).articles
