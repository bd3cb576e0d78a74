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
    out = tmp_path / "divisions.csv"
    _build_module().main(out)
    assert out.read_bytes() == (GAZ / "divisions.csv").read_bytes()


def test_gazetteer_knows_the_hard_cases():
    table = pd.read_csv(GAZ / "divisions.csv", comment="#", dtype=str)
    by_name = table.groupby("name")["province"].apply(set)
    assert by_name["长安区"] == {"陕西", "河北"}        # ambiguous: never guessed
    assert by_name["海南藏族自治州"] == {"青海"}          # 海南州 is not 海南省
    assert by_name["平安区"] == {"青海"}
    assert "横州市" in by_name.index and "南郑区" in by_name.index
