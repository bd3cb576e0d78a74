"""The gazetteer is derived from a package, never typed: rebuilding it gives the same file."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

GAZ = Path(__file__).parents[1] / "data" / "gazetteer"


def _build_module():
    spec = importlib.util.spec_from_file_location("gazetteer_build", GAZ / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_gazetteer_equals_a_fresh_build(tmp_path):
    out, towns = tmp_path / "divisions.csv", tmp_path / "townships.csv"
    _build_module().main(out, towns)
    assert out.read_bytes() == (GAZ / "divisions.csv").read_bytes()
    assert towns.read_bytes() == (GAZ / "townships.csv").read_bytes()


def test_townships_reach_subdistricts_with_short_forms():
    from analysis.gazetteer import load_townships

    t = load_townships(GAZ / "townships.csv")
    assert len(t.names) > 30_000
    assert t.names["鳌峰街道"] == "subdistrict" and t.names["西津街道"] == "subdistrict"
    assert t.short["鳌峰"] == "subdistrict" and t.short["西津"] == "subdistrict"
    assert t.short["常营"] == "township"      # 常营回族乡: suffix and ethnic qualifier stripped


def test_gazetteer_knows_the_hard_cases():
    table = pd.read_csv(GAZ / "divisions.csv", comment="#", dtype=str)
    by_name = table.groupby("name")["province"].apply(set)
    assert by_name["长安区"] == {"陕西", "河北"}        # ambiguous: never guessed
    assert by_name["海南藏族自治州"] == {"青海"}          # 海南州 is not 海南省
    assert by_name["平安区"] == {"青海"}
    assert "横州市" in by_name.index and "南郑区" in by_name.index
