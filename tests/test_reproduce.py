"""The whole pipeline, twice: byte-identical outputs, reuse of unchanged steps.

Runs the reduced profile of ``params.toml`` (``[reproduce.reduced]``), which exercises
every stage with fewer models, replicates and permutations.
"""

from __future__ import annotations

import json
import re

import pytest

from analysis import reproduce
from analysis.config import load_params


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    params = reproduce.reduced_params(load_params())
    a = tmp_path_factory.mktemp("run_a")
    b = tmp_path_factory.mktemp("run_b")
    first = reproduce.run(out=a, params=params, quiet=True)
    again = reproduce.run(out=a, params=params, quiet=True)
    other = reproduce.run(out=b, params=params, quiet=True)
    return a, b, first, again, other


def _manifest(root):
    return json.loads((root / "results" / "manifest.json").read_text(encoding="utf-8"))


def test_every_step_runs(two_runs):
    _, _, first, _, _ = two_runs
    assert [name for name in first] == [s.name for s in reproduce.STEPS]
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


def test_manifest_records_inputs_versions_and_seeds(two_runs):
    a, *_ = two_runs
    m = _manifest(a)
    for path, digest in m["outputs"].items():
        assert re.fullmatch(r"[0-9a-f]{64}", digest), path
        assert reproduce.sha256_file(a / path) == digest
    assert m["inputs"]["raw"]["data/raw/pingan_fengqiao_compilation_2024.txt"] == (
        "732a6a430a4dc5a089d2f74c9700702120ab62581696563ee817c529a35f6315")
    assert {"lexicon", "stopwords", "topic_labels"} <= set(m["inputs"])
    assert m["versions"]["gensim"] and m["versions"]["jieba"] and m["versions"]["python"]
    assert m["seeds"], "no seeds recorded"
    for name, value in m["seeds"].items():
        values = value if isinstance(value, list) else [value]
        assert values and all(isinstance(v, int) and not isinstance(v, bool) for v in values), name
    assert m["seeds"]["topics.random_state"] == m["params"]["topics"]["random_state"]


def test_variables_tex_is_well_formed(two_runs):
    a, *_ = two_runs
    tex = (a / "results" / "variables.tex").read_text(encoding="utf-8").splitlines()
    values = json.loads((a / "results" / "variables.json").read_text(encoding="utf-8"))
    commands = [line for line in tex if not line.startswith("%")]
    assert len(commands) == len(values) >= 10
    names = []
    for line in commands:
        m = re.fullmatch(r"\\newcommand\{\\(pa[A-Za-z]+)\}\{([^{}]*)\}", line)
        assert m, line
        names.append(m.group(1))
    assert len(set(names)) == len(names)
    assert values["corpus_articles"] == "75"
    assert values["corpus_articles_with_text"] == "20"


def test_unchanged_step_is_reused_and_force_rebuilds(tmp_path):
    params = reproduce.reduced_params(load_params())
    reproduce.run(out=tmp_path, params=params, quiet=True, only=["corpus"])
    again = reproduce.run(out=tmp_path, params=params, quiet=True, only=["corpus"])
    assert again["corpus"]["status"] == "reused"
    forced = reproduce.run(out=tmp_path, params=params, quiet=True, only=["corpus"], force=True)
    assert forced["corpus"]["status"] == "built"


def test_unknown_step_is_refused(tmp_path):
    with pytest.raises(SystemExit, match="unknown step"):
        reproduce.run(out=tmp_path, only=["nope"], quiet=True)
