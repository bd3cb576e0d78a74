"""``verify``: committed outputs against a rebuild, cell by cell within tolerance."""

from __future__ import annotations

import json
import shutil

from analysis import verify
from analysis.config import ROOT


def _copy_committed(tmp_path):
    """The committed results (tables only: figures are checked through them)."""
    manifest = json.loads((ROOT / "results" / "manifest.json").read_text(encoding="utf-8"))
    paths = [p for p in manifest["outputs"] if p.endswith((".csv", ".tex", ".json", ".gexf"))]
    for p in paths:
        (tmp_path / p).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / p, tmp_path / p)
    return paths


def test_identical_outputs_pass(tmp_path):
    paths = _copy_committed(tmp_path)
    report = verify.compare_trees(ROOT, tmp_path, paths)
    assert not report["differences"] and len(report["identical"]) == len(paths)


def test_one_edited_cell_fails_with_file_line_and_column(tmp_path, capsys):
    paths = _copy_committed(tmp_path)
    target = tmp_path / "results" / "article_topics.csv"
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    col = next(i for i, c in enumerate(header) if c.startswith("topic_"))
    cells = lines[3].rstrip("\n").split(",")
    old = cells[col]
    cells[col] = f"{float(old) + 0.01:.6g}"
    lines[3] = ",".join(cells) + "\n"
    target.write_text("".join(lines), encoding="utf-8")
    report = verify.compare_trees(ROOT, tmp_path, paths)
    assert report["different"] == ["results/article_topics.csv"]
    (d,) = report["differences"]
    assert d.where == f"line 4, column {header[col]!r}"
    assert (d.expected, d.actual) == (old, cells[col])
    verify._print_report(report, 1e-4, 1e-9)
    out = capsys.readouterr().out
    assert "different:           1" in out and "results/article_topics.csv: line 4" in out


def test_last_digit_noise_is_within_tolerance(tmp_path):
    paths = _copy_committed(tmp_path)
    target = tmp_path / "results" / "article_topics.csv"
    text = target.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    cells = lines[1].rstrip("\n").split(",")
    i = next(k for k, c in enumerate(cells) if "." in c and "e" not in c and len(c) > 5)
    last = int(cells[i][-1])
    cells[i] = cells[i][:-1] + str((last + 1) % 10 if last < 9 else 8)
    lines[1] = ",".join(cells) + "\n"
    target.write_text("".join(lines), encoding="utf-8")
    report = verify.compare_trees(ROOT, tmp_path, paths)
    assert not report["differences"]
    assert report["within tolerance"] == ["results/article_topics.csv"]


def test_missing_output_is_a_difference(tmp_path):
    paths = _copy_committed(tmp_path)
    (tmp_path / "results" / "corpus_coverage.csv").unlink()
    report = verify.compare_trees(ROOT, tmp_path, paths)
    assert [str(d) for d in report["differences"]] == [
        "results/corpus_coverage.csv: file: expected 'present', got 'missing'"]
