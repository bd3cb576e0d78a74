"""Notebooks: paired with py:percent scripts, stored with outputs, thin, and current.

Each notebook is executed top to bottom with nbclient; its text outputs must equal the
outputs stored in git, so what readers see on the repository page comes from the
current code (refresh with `make notebooks`).
"""

from __future__ import annotations

from pathlib import Path

import copy
import re

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from analysis.verify import text_differences

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
SCRIPTS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.py"))


def _sources(nb):
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


def test_every_notebook_has_a_pair():
    ipynbs = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    assert SCRIPTS, "no notebooks found"
    assert [p.stem for p in SCRIPTS] == [p.stem for p in ipynbs]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_pair_in_sync(script):
    from_py = jupytext.read(script)
    from_ipynb = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    assert _sources(from_py) == _sources(from_ipynb), (
        f"{script.name} and its .ipynb differ: run `jupytext --sync {script}`")


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_stored_with_outputs_and_parameters_cell(script):
    nb = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and "parameters" in code[0].metadata.get("tags", []), "first code cell must be tagged parameters"
    assert any(c.get("outputs") for c in code), "notebook stored without outputs"
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    assert any("import" in c.source and "analysis" in c.source for c in code)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_notebooks_hold_no_function_definitions(script):
    # Logic belongs in src/analysis where tests reach it.
    text = script.read_text(encoding="utf-8")
    assert "\ndef " not in text and "\nclass " not in text


def _text_outputs(nb):
    """stdout and text/plain results per code cell (images and stderr excluded)."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        texts = []
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream" and o.get("name") == "stdout":
                texts.append(o["text"])
            elif o.get("output_type") in {"execute_result", "display_data"}:
                texts.append(o.get("data", {}).get("text/plain", "")
                             if "image/png" not in o.get("data", {}) else "<image>")
        out.append(re.sub(r" at 0x[0-9a-f]+", "", "".join(texts)))
    return out


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_notebook_runs_and_stored_outputs_are_current(script):
    stored = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    fresh = copy.deepcopy(stored)
    NotebookClient(fresh, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    # Words must match exactly; numbers within verify's tolerance, so a last-digit
    # difference from another CPU's BLAS kernel does not fail the test.
    for i, (new, old) in enumerate(zip(_text_outputs(fresh), _text_outputs(stored))):
        diffs = text_differences(old, new, path=f"{script.name} code cell {i + 1}")
        assert not diffs, (f"stored outputs are stale; run `make notebooks`: "
                           + "; ".join(map(str, diffs[:5])))
    assert len(_text_outputs(fresh)) == len(_text_outputs(stored))
