"""Degrade, never abort (issue 29): corpora nobody tuned for finish, listing what they
could not support in ``results/skipped.csv``; ``--strict`` fails on the same runs.

The table corpora are built here from real text: 31 documents, each a contiguous run of
the seed's body paragraphs in their order (``data/examples/your_corpus/corpus.csv``), under
titles a researcher might bring: "文档1", "文档2", … (numbered), or titles that share no
word (glossary terms with no character in common, so no segmentation can find a shared
word).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis import reproduce, skips
from analysis.config import ParamsError, load_params
from analysis.context import RunContext
from analysis.plots.style import OVERFLOW_TOLERANCE, figsize, overflow
from analysis.plots.topics import draw_top_words, draw_top_words_pages

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "data" / "examples" / "your_corpus" / "corpus.csv"
COMPLETE = Path(__file__).parent / "data" / "complete_compilation.txt"
N_DOCS = 31

#: A researcher's table mapped in [corpus] (docs/your-corpus.md); the rest as shipped.
TABLE = {"corpus.id": "", "corpus.title": "title", "corpus.text": "text", "corpus.date": "",
         "corpus.section": "", "corpus.metadata": []}
#: Fewer and shorter models than [reproduce.reduced]: these tests are about what a corpus
#: supports, not about the models.
FAST = {"topics.k_range": [4, 5], "topics.passes": 10, "topics.iterations": 100,
        "compare.n_boot": 100, "compare.power_sims": 50, "compare.n_perm": 199,
        "cooccur.differential.n_perm": 199}


def _bodies(n: int = N_DOCS) -> list[str]:
    """``n`` documents: contiguous runs of the seed's body paragraphs, in order."""
    table = pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)
    paras = [p for body in table["body"] for p in body.split("\n") if p]
    bounds = [round(i * len(paras) / n) for i in range(n + 1)]
    return ["\n".join(paras[bounds[i]:bounds[i + 1]]) for i in range(n)]


def _unrelated_titles(n: int = N_DOCS) -> list[str]:
    """Glossary terms (2+ characters) sharing no character with any other title."""
    used, titles = set(), []
    for term in pd.read_csv(ROOT / "data" / "glossary.csv", dtype=str)["term"]:
        if len(term) >= 2 and not set(term) & used:
            used |= set(term)
            titles.append(term)
    assert len(titles) >= n
    return titles[:n]


def _table_corpus(folder: Path, titles: list[str]) -> Path:
    path = folder / "corpus.csv"
    pd.DataFrame({"title": titles, "text": _bodies(len(titles))}).to_csv(path, index=False)
    return path


def _run(params, out: Path, *, strict: bool = False) -> dict:
    return reproduce.run(out=out, params=params, quiet=True, strict=strict)


@pytest.fixture(scope="module")
def runs(params, tmp_path_factory):
    """The three corpora of issue 29, each run once (not strict)."""
    base = params.reduced()
    out = {}
    for name, titles in (("numbered", [f"文档{i + 1}" for i in range(N_DOCS)]),
                         ("unrelated", _unrelated_titles())):
        folder = tmp_path_factory.mktemp(name)
        raw = _table_corpus(folder, titles)
        p = base.replace({**TABLE, **FAST, "corpus.raw": str(raw)})
        out[name] = (p, folder / "out", _run(p, folder / "out"))
    # The complete compilation with K chosen by the sweep, over Ks that need more than
    # the one-page layout of the top-word panels.
    p = base.replace({**FAST, "corpus.raw": str(COMPLETE), "topics.num_topics": "auto",
                      "topics.k_range": [9, 12]})
    folder = tmp_path_factory.mktemp("complete_auto")
    out["complete"] = (p, folder, _run(p, folder))
    return out


def _skipped(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "results" / "skipped.csv", keep_default_na=False)


@pytest.mark.parametrize("name", ["numbered", "unrelated", "complete"])
def test_every_stage_finishes(runs, name):
    _, out, summary = runs[name]
    assert [row["status"] for row in summary.values()] == ["built"] * len(summary), summary
    assert (out / "results" / "manifest.json").exists()
    table = _skipped(out)
    assert list(table.columns) == skips.SKIPPED_COLUMNS
    assert (table["reason"] != "").all()
    # Deterministic order: stage order of the pipeline, then output.
    stages = [s.name for s in reproduce.STAGES]
    keys = [(stages.index(r.stage), r.output) for r in table.itertuples()]
    assert keys == sorted(keys)


@pytest.mark.parametrize("name, keywords", [("numbered", 1), ("unrelated", 0)])
def test_the_empty_title_network_is_skipped_with_its_reason(runs, name, keywords):
    _, out, _ = runs[name]
    table = _skipped(out).set_index("output")
    reason = table.loc["cooccurrence_title_network", "reason"]
    assert reason.startswith(f"the title network has no edges: 0 of {keywords} keywords")
    assert f"({N_DOCS} unique titles)" in reason
    assert not list((out / "figures").glob("cooccurrence_title_network.*"))
    # The tables say the same: an empty network, written, not dropped.
    edges = pd.read_csv(out / "results" / "cooccurrence_title_edges.csv")
    assert edges.empty and (out / "results" / "cooccurrence_title_network.gexf").exists()
    # The body network of the same run is drawn.
    assert (out / "figures" / "cooccurrence_network.png").exists()


def test_one_group_comparisons_are_listed(runs):
    _, out, _ = runs["numbered"]
    table = _skipped(out)
    compare = table[table["stage"] == "compare"].set_index("output")["reason"]
    # Every article stands in section "all": no title keyness by section, no figures.
    assert compare["keyness_titles_by_section.csv"].startswith(
        "title-level keyness by 'section' needs two groups")
    assert compare["topic_prevalence_by_section"] == ("figure of text-level topic prevalence "
                                                      "by section: 1 group(s) with data (all); "
                                                      "it needs two")
    for output in compare.index:
        assert not list((out / "figures").glob(f"{Path(output).stem}.*")), output
        assert not (out / "results" / output).exists(), output


def test_the_complete_compilation_draws_every_topic_on_pages_that_fit(runs):
    p, out, _ = runs["complete"]
    k = int(pd.read_csv(out / "results" / "topics_k_choice.csv").query("chosen")["k"].iloc[0])
    assert k in p.topics.k_range
    pages = sorted((out / "figures").glob("topic_top_words*.pdf"))
    assert pages, "topic_top_words was not drawn"
    assert "topic_top_words" not in set(_skipped(out)["output"])


@pytest.mark.parametrize("name", ["numbered", "unrelated"])
def test_strict_fails_on_the_same_run_naming_the_views(runs, name):
    p, out, _ = runs[name]
    with pytest.raises(skips.SkippedViewError, match=r"--strict: \d+ view\(s\) skipped.*"
                                                     r"cooccur: cooccurrence_title_network"):
        _run(p, out, strict=True)
    # Nothing was rebuilt: the stages' recorded skips are what strict refuses.
    assert len(_skipped(out)) >= 2


def test_strict_on_the_command_line_exits_1(runs, tmp_path, capsys):
    p, out, _ = runs["numbered"]
    params_file = tmp_path / "params.toml"
    params_file.write_text(_toml(p.to_dict()), encoding="utf-8")
    assert reproduce.main(["--params", str(params_file), "--out", str(out), "--strict",
                           "--quiet"]) == 1
    assert "cooccurrence_title_network" in capsys.readouterr().err


def _toml(data: dict, prefix: str = "") -> str:
    """``data`` (Params.to_dict) as TOML text."""
    import json

    scalars, tables = [], []
    for key, value in data.items():
        if isinstance(value, dict):
            tables.append(_toml(value, f"{prefix}{key}."))
        else:
            scalars.append(f"{json.dumps(key, ensure_ascii=False)} = "
                           f"{json.dumps(value, ensure_ascii=False)}")
    head = [f"[{prefix[:-1]}]"] if prefix else []
    return "\n".join(head + scalars) + "\n" + "".join(tables)


# ----------------------------------------------------------------- units of the mechanism
def test_num_topics_outside_k_range_fails_at_load_naming_both_keys(params, tmp_path):
    with pytest.raises(ParamsError, match=r"\[topics\] num_topics: 5 is not in \[topics\] "
                                          r"k_range \[4, 6, 8\]"):
        params.replace({"topics.num_topics": 5, "topics.k_range": [4, 6, 8]})
    text = (ROOT / "params.toml").read_text(encoding="utf-8").replace(
        "k_range = [4, 5, 6, 7, 8, 9, 10, 12, 14, 16]", "k_range = [4, 6, 8]")
    path = tmp_path / "params.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParamsError, match=rf"{path}.*num_topics: 5 is not in \[topics\] k_range"):
        load_params(path)


def test_a_figure_that_cannot_fit_is_skipped_and_nothing_written(params, tmp_path):
    ctx = RunContext(params, tmp_path)
    fig, ax = plt.subplots(figsize=figsize("single", 2.0), layout="constrained")
    ax.set_title("平安建设" * 30)           # far wider than a single column
    assert overflow(fig) > OVERFLOW_TOLERANCE
    with skips.recording() as found:
        assert ctx.save_figure(fig, "too_wide") == []
    assert [(s.output, s.reason.split(":")[0]) for s in found] == [
        ("too_wide", "FigureOverflowError")]
    assert not list((tmp_path / "figures").glob("too_wide.*"))


def test_skips_of_forked_workers_come_back(tmp_path):
    from analysis.parallel import fork_map

    def work(i):
        if i % 2:
            skips.skip(f"view{i}", f"odd {i}")
        return i

    with skips.recording() as found:
        assert fork_map(work, range(4), 2) == [0, 1, 2, 3]
    assert sorted((s.output, s.reason) for s in found) == [("view1", "odd 1"),
                                                          ("view3", "odd 3")]


def _many_topics(k: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``k`` topics of real top-word lists (the committed terms of the seed's model, by
    each ranking method), with provisional labels as a new corpus gets them."""
    terms = pd.read_csv(ROOT / "results" / "topic_terms.csv")
    lists = [g.sort_values("rank") for _, g in terms.groupby(["method", "topic"], sort=True)]
    rows, labels = [], []
    for t in range(k):
        words = lists[t % len(lists)].assign(topic=t, method="prob")
        rows.append(words)
        labels.append({"topic": t, "label": f"T{t} (provisional)",
                       "gloss": "provisional, unlabelled: " + " ".join(words["term"])})
    return pd.concat(rows, ignore_index=True), pd.DataFrame(labels)


@pytest.mark.parametrize("k", [5, 16])
def test_top_words_fit_for_every_k_of_the_sweep(k):
    terms, labels = _many_topics(k)
    pages = draw_top_words_pages(terms, labels, evidence="text-level: article bodies")
    drawn = []
    for stem, fig in pages.items():
        assert overflow(fig) <= OVERFLOW_TOLERANCE, stem
        drawn += [ax.get_title(loc="left").split("\n")[0] for ax in fig.axes
                  if ax.get_title(loc="left")]
        plt.close(fig)
    assert drawn == [f"T{t}" for t in range(k)]          # every topic once, in order
    if k == 5:
        assert list(pages) == ["topic_top_words"]
    else:
        # One page of four panels a row does not hold them: that is what is split.
        one = draw_top_words(terms, labels, evidence="text-level: article bodies")
        assert overflow(one) > OVERFLOW_TOLERANCE
        plt.close(one)
        assert list(pages)[0] == "topic_top_words"


def test_skipped_table_is_sorted_and_deduplicated():
    rows = [skips.Skip("compare", "b", "r"), skips.Skip("cooccur", "z", "r"),
            skips.Skip("compare", "a", "r"), skips.Skip("compare", "a", "r")]
    table = skips.skipped_table(rows, ["cooccur", "compare"])
    assert table.values.tolist() == [["cooccur", "z", "r"], ["compare", "a", "r"],
                                     ["compare", "b", "r"]]
    assert skips.skipped_table([]).columns.tolist() == ["stage", "output", "reason"]

