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


# Markdown may hold digits only as a heading number ("## 2.", "# 05 ·"), a year
# (19xx/20xx) or inside a backticked identifier or path (`min_articles_ci`,
# `results/validation_*.csv`). Every other number is generated from the results.
_HEADING_NUMBER = re.compile(r"^(#{1,6}[ \t]+)\d+(?:\.\d+)*[ \t]*[.·:]?(?=[ \t])")
_IDENTIFIER = re.compile(r"`[A-Za-z_][\w./<>*\-]*`")
_YEAR = re.compile(r"(?<!\d)(?<!\d[.,])(?:19|20)\d\d(?![\d%]|[.,]\d|\s*%)")


def markdown_digits(text: str) -> list[str]:
    """The lines of a markdown cell that hold a digit the notebook policy does not allow."""
    bad = []
    for line in text.splitlines():
        rest = _HEADING_NUMBER.sub(r"\1", line)
        rest = _YEAR.sub("", _IDENTIFIER.sub("", rest))
        if re.search(r"\d", rest):
            bad.append(line.strip())
    return bad


def test_markdown_digit_rule_on_examples():
    allowed = ["## 2. Topic prevalence", "# 05 · Where", "### 1 · The items",
               "Chang et al. (2009, \"Reading\") and Ying (2022)", "in 2024.", "groups below `min_articles_ci` units",
               "seeds in `k_seeds`; see `results/validation_*.csv`", "G² and χ² tests"]
    refused = ["With 8 city and 10 county articles", "about 0.3–0.5", "lawyers in 9",
               "## 7. Formulas (三个强化, 1+6+N)", "`1+6+N` formula", "articles 1–20",
               "2024.5 percent", "λ = 0.6", "2,000 draws", "a share of 20%", "1.2024 units",
               "５ articles"]
    assert not markdown_digits("\n".join(allowed))
    assert [markdown_digits(s) for s in refused] == [[s] for s in refused]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_markdown_holds_no_hand_typed_numbers(script):
    nb = jupytext.read(script)
    bad = [(i + 1, line) for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
           for line in markdown_digits(c.source)]
    assert not bad, (f"{script.name}: numbers typed into markdown (generate them with "
                     f"analysis.prose): " + "; ".join(f"cell {i}: {s[:80]}" for i, s in bad[:8]))
