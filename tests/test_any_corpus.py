"""The pipeline on a complete compilation: every caption follows that corpus's coverage.

``tests/data/complete_compilation.txt`` (built by ``make_complete_compilation.py``) has
the seed's header and table of contents and a body under every entry, made of the seed's
own paragraphs in their original order. It is a test construct, not real article text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pypdf
import pytest

from analysis import reproduce

COMPLETE = Path(__file__).parent / "data" / "complete_compilation.txt"
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
