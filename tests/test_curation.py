"""The curated word lists are reproducible from their data tooling.

Lexicon and stopword curation is data tooling, not library code:
``data/lexicon/candidates.py`` (candidates, calibration, user dictionary) and
``data/stopwords/build_domain.py`` (the domain layer). Each script is run into a
temporary folder and must give the committed files byte for byte.
"""

from __future__ import annotations

import importlib.util

import pandas as pd
import pytest

from analysis.config import ROOT
from analysis.segment import read_wordlist

LEXICON_DIR = ROOT / "data" / "lexicon"
STOP_DIR = ROOT / "data" / "stopwords"
CORE = ["枫桥经验", "综治中心", "矛盾纠纷", "多元化解", "网格员", "平安建设"]


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def lexicon_tool():
    return _load(LEXICON_DIR / "candidates.py", "lexicon_candidates_tool")


@pytest.fixture(scope="module")
def domain_tool():
    return _load(STOP_DIR / "build_domain.py", "domain_stopwords_tool")


@pytest.fixture(scope="module")
def lexicon_out(lexicon_tool, tmp_path_factory):
    out = tmp_path_factory.mktemp("lexicon")
    lexicon_tool.main(["--out", str(out)])
    return out


@pytest.fixture(scope="module")
def domain_out(domain_tool, tmp_path_factory):
    out = tmp_path_factory.mktemp("stopwords")
    assert domain_tool.main(["--out", str(out)]) == 0
    return out


# ----------------------------------------------------------------- lexicon
@pytest.mark.parametrize("name", ["candidates.csv", "calibration.csv", "general.txt",
                                  "corpus.txt", "newword_candidates.tsv"])
def test_lexicon_files_are_reproducible(lexicon_out, name):
    assert (lexicon_out / name).read_bytes() == (LEXICON_DIR / name).read_bytes()


def test_userdict_frequencies_stay_minimal(lexicon_out):
    cal = pd.read_csv(lexicon_out / "calibration.csv")
    # only core terms may be raised above suggest_freq, and they are never split
    raised = cal[cal["freq"] > cal["suggest_freq"]]
    assert len(cal) > 0 and raised["core"].all()
    assert (cal.loc[cal["core"], "split_occurrences"] == 0).all()


def _table(name):
    return pd.read_csv(LEXICON_DIR / name, sep="\t", dtype=str, keep_default_na=False)


@pytest.mark.parametrize("layer", ["general", "corpus"])
def test_every_lexicon_entry_has_a_recorded_source(layer):
    entries = _table(f"{layer}.tsv")
    words = [ln.split()[0] for ln in (LEXICON_DIR / f"{layer}.txt").read_text("utf-8").splitlines()
             if not ln.startswith("#")]   # the corpus layer names its corpus in a comment
    assert words == entries["word"].tolist() and len(words) >= 20
    assert (entries["source"].str.len() > 0).all()
    readme = (LEXICON_DIR / "README.md").read_text("utf-8")
    assert f"{layer}.tsv" in readme and "#222" in readme


def test_general_layer_cites_public_documents_and_is_not_the_corpus_layer():
    general, corpus = _table("general.tsv"), _table("corpus.tsv")
    assert set(CORE) <= set(corpus.loc[corpus["core"] == "yes", "word"])
    # every general entry names a law, regulation or official document
    assert general["source"].str.contains("《").all()
    assert not set(general["word"]) & set(corpus["word"])


def test_heldout_terms_are_public_and_not_in_the_lexicon():
    held, general, corpus = _table("heldout_terms.tsv"), _table("general.tsv"), _table("corpus.tsv")
    assert len(held) >= 40 and held["source"].str.contains("《").all()
    assert not set(held["word"]) & (set(general["word"]) | set(corpus["word"]))
    # the split rule of README.md: a general entry is one plain jieba cuts on its own
    from analysis.segment import Segmenter

    plain = Segmenter(lexicon=False, stopwords=False, cache_dir=False)
    assert all(len(plain.words(w)) > 1 for w in general["word"])
    assert all("/".join(x for x, _ in plain.words(w)) == a
               for w, a in zip(held["word"], held["jieba_alone"]))


def test_accepted_new_words_are_discovery_candidates_with_their_statistics(lexicon_out):
    new = pd.read_csv(lexicon_out / "newword_candidates.tsv", sep="\t", keep_default_na=False)
    corpus = _table("corpus.tsv")
    found = corpus[corpus["source"].str.startswith("new-word discovery")]
    assert len(found) >= 20
    rows = new.set_index("word")
    for w, src in zip(found["word"], found["source"]):
        assert rows.loc[w, "layer"] == "corpus"
        assert f"n={rows.loc[w, 'count']}," in src and f"PMI={rows.loc[w, 'pmi']:.2f}" in src
    assert {"评查", "共治"} <= set(found["word"])
    assert (new["pmi"] >= 3.0).all() and (new[["left_entropy", "right_entropy"]] >= 1.0).all().all()


def test_core_terms_are_found_by_the_data_driven_candidates(lexicon_tool, corpus):
    texts = corpus.paragraphs["text"].tolist() + corpus.articles["title"].tolist()
    ids = corpus.paragraphs["article_id"].tolist() + corpus.articles["article_id"].tolist()
    general, _ = read_wordlist(STOP_DIR / "general.txt")
    cands = lexicon_tool.lexicon_candidates(texts, ids, exclude=general)
    top = cands["candidate"].head(100).tolist()
    for term in CORE:
        assert term in top, term
    row = cands.set_index("candidate").loc["矛盾纠纷"]
    assert row["parts"] == "矛盾/纠纷" and row["count"] >= 80 and row["g2"] > 100


# ----------------------------------------------------------------- stopwords
@pytest.mark.parametrize("name", ["domain_candidates.csv", "domain.txt"])
def test_domain_files_are_reproducible(domain_out, name):
    assert (domain_out / name).read_bytes() == (STOP_DIR / name).read_bytes()


def test_domain_layer_follows_its_rule_and_review(domain_out):
    cands = pd.read_csv(domain_out / "domain_candidates.csv", keep_default_na=False)
    review = pd.read_csv(STOP_DIR / "domain_review.tsv", sep="\t", dtype=str)
    flagged = set(cands.loc[cands["rule"], "word"])
    assert flagged == set(review["word"])  # every flag reviewed, nothing else
    stop = set(review.loc[review["decision"] == "stop", "word"])
    layer, _ = read_wordlist(STOP_DIR / "domain.txt")
    assert set(layer) == stop
    assert {"工作", "开展", "推进", "持续"} <= stop
    row = cands.set_index("word").loc["工作"]
    assert row["article_share"] == 1.0 and row["evenness"] >= 0.9


def test_general_layer_is_the_stopwordsiso_list():
    import stopwordsiso

    words, _ = read_wordlist(STOP_DIR / "general.txt")
    assert set(words) == set(stopwordsiso.stopwords("zh"))
    assert "stopwordsiso" in (STOP_DIR / "README.md").read_text("utf-8")
