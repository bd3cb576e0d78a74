"""The bench report prints every group of the committed ``results/bench.json``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import run as bench_run  # noqa: E402


def test_report_prints_every_group_of_the_committed_results(capsys):
    res = json.loads((ROOT / "results" / "bench.json").read_text(encoding="utf-8"))["results"]
    bench_run.print_table(res)
    out = capsys.readouterr().out
    for group, marker in {"reproduce": "reproduce: median s cold / warm",
                          "lda": "LDA anchor", "realtext": "realtext",
                          "scale": "scale"}.items():
        assert group in res, group
        assert marker in out, group
    # The cold-run record the issue asks for: three runs, their stages, the check.
    rep = res["reproduce"]
    assert len(rep["runs"]["cold"]) == len(rep["runs"]["warm"]) == 3
    assert set(rep["cold_stage_seconds"]) == {"corpus", "units", "segment", "topics",
                                               "cooccur", "compare", "variables"}
    assert rep["outputs_equal_committed"] == [True, True, True]
