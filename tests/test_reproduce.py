"""The whole pipeline, twice: byte-identical outputs, reuse of unchanged steps, inputs
derived from the code, and every tokenizing stage following ``[segment]``.

Runs the reduced profile of ``params.toml`` (``[reproduce.reduced]``), which exercises
every stage with fewer models, replicates and permutations.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from analysis import reproduce
from analysis.io import sha256_file
from analysis.stages import STAGES, stage_by_name

RAW_SHA256 = "732a6a430a4dc5a089d2f74c9700702120ab62581696563ee817c529a35f6315"


@pytest.fixture(scope="module")
def reduced(params):
    return params.reduced()


@pytest.fixture(scope="module")
def two_runs(reduced, tmp_path_factory):
    a = tmp_path_factory.mktemp("run_a")
    b = tmp_path_factory.mktemp("run_b")
    first = reproduce.run(out=a, params=reduced, quiet=True)
    again = reproduce.run(out=a, params=reduced, quiet=True)
    other = reproduce.run(out=b, params=reduced, quiet=True)
    return a, b, first, again, other


def _manifest(root):
    return json.loads((root / "results" / "manifest.json").read_text(encoding="utf-8"))


def test_every_step_runs(two_runs):
    _, _, first, _, _ = two_runs
    assert [name for name in first] == [s.name for s in STAGES]
    assert all(row["status"] == "built" and row["outputs"] > 0 for row in first.values())


def test_second_run_reuses_every_step(two_runs):
    _, _, _, again, _ = two_runs
    assert {row["status"] for row in again.values()} == {"reused"}


def test_two_runs_give_identical_bytes(two_runs):
    a, b, *_ = two_runs
    ma, mb = _manifest(a), _manifest(b)
    assert ma["outputs"] == mb["outputs"]
    assert len(ma["outputs"]) >= 20
    kinds = {p.rsplit(".", 1)[-1] for p in ma["outputs"]}
    assert {"csv", "png", "pdf", "tex", "json"} <= kinds
    # The manifest itself is stable too (no dates, no absolute paths).
    assert (a / "results" / "manifest.json").read_bytes() == (b / "results" / "manifest.json").read_bytes()


def test_outputs_do_not_depend_on_the_number_of_processes(two_runs, reduced, tmp_path):
    """Stages side by side, compare's groupings and the K sweep in forked processes
    (issue 19) write the same bytes as one process doing everything in turn."""
    a, *_ = two_runs
    serial = reduced.replace({"reproduce.n_jobs": 1, "compare.n_jobs": 1,
                              "topics.n_jobs": 1})
    reproduce.run(out=tmp_path, params=serial, quiet=True)
    assert _manifest(tmp_path)["outputs"] == _manifest(a)["outputs"]


def test_manifest_records_inputs_environment_and_seeds(two_runs):
    a, *_ = two_runs
    m = _manifest(a)
    for path, digest in m["outputs"].items():
        assert re.fullmatch(r"[0-9a-f]{64}", digest), path
        assert sha256_file(a / path) == digest
    assert m["raw"] == {"path": "data/raw/pingan_fengqiao_compilation_2024.txt",
                        "sha256": RAW_SHA256}
    assert m["inputs"]["data/raw/pingan_fengqiao_compilation_2024.txt"]["sha256"] == RAW_SHA256
    for folder in ("data/stopwords", "data/topic_labels.toml", "data/lexicon",
                   "data/gazetteer/divisions.csv", "data/metadata/overrides.csv"):
        assert folder in m["inputs"], folder
    # The machine is described beside the manifest, never in it (same bytes anywhere).
    assert "environment" not in m and "results/environment.json" not in m["outputs"]
    env = json.loads((a / "results" / "environment.json").read_text(encoding="utf-8"))
    assert env["versions"]["gensim"] and env["versions"]["numpy"] and env["versions"]["python"]
    assert env["blas"] and all(row["internal_api"] for row in env["blas"])
    # What the seed cannot support: figures of groupings with fewer than two groups with
    # data (e.g. keyness by unit type). Listed with their reason, hashed, and not drawn.
    skipped = pd.read_csv(a / "results" / "skipped.csv")
    assert list(skipped.columns) == ["stage", "output", "reason"] and len(skipped)
    assert skipped["reason"].str.endswith("it needs two").all()
    for output in skipped["output"]:
        assert not list((a / "figures").glob(f"{output}.*")), output
    assert "results/skipped.csv" in m["outputs"]
    assert m["precision"]["csv_float_format"] == "%.6g"
    assert m["seeds"]["topics.random_state"] == m["params"]["topics"]["random_state"]
    for name, value in m["seeds"].items():
        values = value if isinstance(value, list) else [value]
        assert values and all(isinstance(v, int) and not isinstance(v, bool) for v in values), name


def test_variables_tex_is_well_formed(two_runs):
    a, *_ = two_runs
    tex = (a / "results" / "variables.tex").read_text(encoding="utf-8").splitlines()
    values = json.loads((a / "results" / "variables.json").read_text(encoding="utf-8"))
    zh = (a / "results" / "variables_zh.tex").read_text(encoding="utf-8").splitlines()
    commands = [line for line in tex + zh if not line.startswith("%")]
    assert len(commands) == len(values) >= 10
    names = []
    for line in commands:
        m = re.fullmatch(r"\\newcommand\{\\(pa[A-Za-z]+)\}\{((?:[^{}]|\{\})*)\}(  % .*)?", line)
        assert m, line
        names.append(m.group(1))
    assert len(set(names)) == len(names)
    assert all(line.isascii() for line in tex)
    assert values["corpus_articles"]["value"] == "75"
    assert values["corpus_articles_with_text"]["value"] == "20"


def test_segment_params_reach_every_tokenizing_stage(two_runs, reduced, tmp_path):
    """A robustness run with other [segment] settings rebuilds, and changes, every
    stage that tokenizes; the stages that do not tokenize are reused unchanged."""
    a, *_ = two_runs
    changed = reduced.replace({"segment.min_len": 3, "segment.places": "keep"})
    # Start from run a's outputs and state, so reuse is decided by the step keys.
    import shutil

    shutil.copytree(a, tmp_path, dirs_exist_ok=True)
    summary = reproduce.run(out=tmp_path, params=changed, quiet=True)
    assert summary["corpus"]["status"] == "reused" and summary["units"]["status"] == "reused"
    for name in ("segment", "topics", "cooccur", "compare", "variables"):
        assert summary[name]["status"] == "built", name
    before, after = _manifest(a)["outputs"], _manifest(tmp_path)["outputs"]
    for stem in ("results/paragraph_topics.csv", "results/cooccurrence_edges.csv",
                 "results/keyness_by_tier.csv", "results/segmentation_audit_filters.csv"):
        assert before[stem] != after[stem], f"{stem} ignored the [segment] change"
    # The refitted topics no longer fit the published labels: the run went on with
    # provisional labels and wrote a draft for the researcher, as it says.
    labels = pd.read_csv(tmp_path / "results" / "topic_labels.csv")
    assert labels["label"].str.endswith("(provisional)").all()
    draft = (tmp_path / "data" / "topic_labels.draft.toml").read_text(encoding="utf-8")
    assert draft.count("[[topic]]") == changed.topics.num_topics and 'label = ""' in draft
    # The published run refuses instead.
    from analysis.topics import LabelMismatchError

    with pytest.raises(LabelMismatchError, match="shared top words"):
        reproduce.run(out=tmp_path, params=changed, quiet=True, only=["topics"], force=True,
                      strict_labels=True)


def test_stage_inputs_are_derived_from_the_code(params):
    topics = stage_by_name("topics")
    names = {f.name for f in topics.code_files()}
    assert {"config.py", "context.py"} <= names
    assert any(f.parent.name == "topics" for f in topics.code_files())
    assert any(f.parent.name == "segment" for f in topics.code_files()), \
        "topics tokenizes through ctx.segmenter, so segment code is an input"
    assert not any(f.parent.name == "compare" for f in topics.code_files())
    assert {"topics", "segment"} <= set(topics.sections())
    files = {p.name for p in topics.input_files(params, reproduce.ROOT)}
    assert {"topic_labels.toml", "lexicon", "stopwords"} <= files
    corpus = stage_by_name("corpus")
    assert not any(f.parent.name in ("segment", "topics") for f in corpus.code_files())
    assert "segment" not in corpus.sections()


def test_unchanged_step_is_reused_and_force_rebuilds(reduced, tmp_path):
    reproduce.run(out=tmp_path, params=reduced, quiet=True, only=["corpus"])
    again = reproduce.run(out=tmp_path, params=reduced, quiet=True, only=["corpus"])
    assert again["corpus"]["status"] == "reused"
    forced = reproduce.run(out=tmp_path, params=reduced, quiet=True, only=["corpus"], force=True)
    assert forced["corpus"]["status"] == "built"


def test_raw_outside_the_project_is_recorded_as_given(reduced, tmp_path):
    import shutil

    outside = tmp_path / "elsewhere" / "compilation.txt"
    outside.parent.mkdir()
    shutil.copy(reproduce.ROOT / reduced.corpus.raw, outside)
    params = reduced.replace({"corpus.raw": str(outside)})
    reproduce.run(out=tmp_path / "out", params=params, quiet=True, only=["corpus"])
    m = _manifest(tmp_path / "out")
    assert m["raw"] == {"path": str(outside), "sha256": RAW_SHA256}
    assert m["inputs"][str(outside)]["sha256"] == RAW_SHA256


def test_unknown_step_is_refused(tmp_path):
    with pytest.raises(SystemExit, match="unknown step"):
        reproduce.run(out=tmp_path, only=["nope"], quiet=True)
