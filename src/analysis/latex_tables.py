"""Booktabs tables for a paper (``results/tables/*.tex``), written with pandas'
``Styler.to_latex`` from the result tables.

Tables are pdflatex-safe: Chinese terms are given by their English gloss
(``data/glossary.csv``; a term without one is marked ``[unglossed]`` and counted in
the table's caption), code names are written as words, a minus sign is ``$-$``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from .variables import tex_value

__all__ = ["TABLE_DIR", "write_tables"]

TABLE_DIR = "tables"
_TOP_WORDS = 8
_TOP_KEYNESS = 5


def _cell(text) -> str:
    text = str(text).replace("_", " ")
    return tex_value("".join(ch if ord(ch) < 128 else "?" for ch in text))


def _num(x, digits: int) -> str:
    x = float(x)
    return "--" if math.isnan(x) else tex_value(f"{x:.{digits}f}")


def _gloss(term: str, glossary: dict, missing: list) -> str:
    if term in glossary:
        return _cell(glossary[term])
    missing.append(term)
    return "[unglossed]"


def _latex(df: pd.DataFrame, caption: str, label: str, colspec: str) -> str:
    styler = df.style.hide(axis="index")
    return styler.to_latex(hrules=True, caption=_cell(caption), label=f"tab:{label}",
                           column_format=colspec, position="htbp") + "\n"


def _topic_terms(results: Path, glossary: dict) -> tuple[str, str]:
    terms = pd.read_csv(results / "topic_terms.csv")
    labels = pd.read_csv(results / "topic_labels.csv").set_index("topic")
    prob = terms[terms["method"] == "prob"].sort_values(["topic", "rank"], kind="stable")
    rows, missing = [], []
    for t, grp in prob.groupby("topic", sort=True):
        words = [_gloss(w, glossary, missing) for w in grp["term"].head(_TOP_WORDS)]
        rows.append({"Topic": f"T{t}", "Label": _cell(labels.loc[t, "gloss"]),
                     "Top words (English gloss)": ", ".join(words)})
    cap = f"Topics: label and {_TOP_WORDS} most probable words, glossed"
    cap += f" ({len(missing)} unglossed)." if missing else "."
    return "topic_terms", _latex(pd.DataFrame(rows), cap, "topic-terms", "llp{8cm}")


_CORRECTIONS = {"bh": "Benjamini-Hochberg q", "bonferroni": "Bonferroni-adjusted p",
                "none": "unadjusted p"}


def _why_no_interval(prev: pd.DataFrame) -> str:
    """The reasons, from the table's statuses, that some estimates have no interval."""
    point = sorted({str(s).removeprefix("point only: ") for s in prev["status"]
                    if str(s).startswith("point only")})
    reasons = sorted({re.sub(r"n=\d+ < ", "fewer than ", r) for r in point})
    return ("; no interval (point estimate only): " + "; ".join(reasons)) if reasons else ""


def _prevalence(path: Path) -> tuple[str, str] | None:
    by = re.fullmatch(r"topic_prevalence_by_(.+)\.csv", path.name).group(1)
    prev = pd.read_csv(path, keep_default_na=False, na_values=[""])
    est = prev[pd.to_numeric(prev["estimate"], errors="coerce").notna()]
    groups = sorted(est[by].astype(str).unique())
    if len(groups) < 2:
        return None
    rows = []
    for t, grp in est.groupby("topic", sort=False):
        row = {"Topic": _cell(t.replace("topic_", "T"))}
        for g in groups:
            r = grp[grp[by].astype(str) == g]
            if r.empty:
                row[_cell(g)] = "--"
                continue
            r = r.iloc[0]
            ci = (f" [{_num(r['ci_low'], 2)}, {_num(r['ci_high'], 2)}]"
                  if pd.notna(r["ci_low"]) and pd.notna(r["ci_high"]) else "")
            row[_cell(g)] = _num(r["estimate"], 2) + ci
        rows.append(row)
    method = est.loc[est["status"] == "estimated", "interval"]
    cap = (f"Mean topic share per article by {by.replace('_', ' ')} (text level, reported "
           "model), with intervals over units"
           + (f" ({method.iloc[0]})" if len(method) else "") + _why_no_interval(est) + ".")
    return f"prevalence_{by}", _latex(pd.DataFrame(rows), cap, f"prevalence-{by}",
                                      "l" + "r" * len(groups))


def _keyness(path: Path, glossary: dict, alpha: float) -> tuple[str, str] | None:
    by = re.fullmatch(r"keyness_by_(.+)\.csv", path.name).group(1)
    kw = pd.read_csv(path, keep_default_na=False, na_values=[""])
    over = kw[kw["significant"].astype(str).eq("True") & (kw["direction"] == "over")]
    if over.empty:
        return None
    rows, missing = [], []
    for g, grp in over.groupby(by, sort=True):
        for r in grp.sort_values("g2", ascending=False).head(_TOP_KEYNESS).itertuples():
            rows.append({"Group": _cell(g), "Term (gloss)": _gloss(r.term, glossary, missing),
                         "G2": _num(r.g2, 1), "Articles": f"{int(r.docs)}/{int(r.n_docs)}",
                         "Article q": _num(r.article_q, 3),
                         "Key": "yes" if str(r.key) == "True" else "no"})
    adj = _CORRECTIONS.get(str(kw["correction"].iloc[0]) if "correction" in kw.columns
                           else "bh", "adjusted p")
    cap = (f"Top {_TOP_KEYNESS} over-used terms per {by.replace('_', ' ')} group by G2 "
           f"(text level, vs the other groups, {adj} < {alpha:g}), with the "
           "articles of the group that use them and an article-level permutation test "
           f"(Benjamini-Hochberg q < {alpha:g}). Key: both tests pass and the term is in at "
           "least 2 articles of a group of at least 2")
    cap += f"; {len(missing)} unglossed." if missing else "."
    return f"keyness_{by}", _latex(pd.DataFrame(rows), cap, f"keyness-{by}", "llrrrl")


def _coverage(results: Path) -> tuple[str, str]:
    cov = pd.read_csv(results / "corpus_coverage.csv")
    df = pd.DataFrame({_cell(c): cov[c].map(_cell) for c in cov.columns})
    return "corpus_coverage", _latex(df, "Corpus coverage by section and text status.",
                                     "corpus-coverage", "l" + "r" * (cov.shape[1] - 1))


def write_tables(results: str | Path, glossary: dict, *, alpha: float) -> list[Path]:
    """Write every table into ``results/tables/``; return the paths.

    Tables: ``topic_terms``, ``prevalence_<group>`` (groupings with two or more
    estimated groups), ``keyness_<group>``, ``corpus_coverage``. Captions take the
    interval method and level from the tables and ``alpha`` from ``[compare]``.
    """
    results = Path(results)
    out_dir = results / TABLE_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = [_coverage(results)]
    if (results / "topic_terms.csv").exists():
        tables.append(_topic_terms(results, glossary))
    tables += [_prevalence(p) for p in sorted(results.glob("topic_prevalence_by_*.csv"))]
    tables += [_keyness(p, glossary, alpha)
               for p in sorted(results.glob("keyness_by_*.csv"))]
    written = []
    for stem, tex in (t for t in tables if t is not None):
        path = out_dir / f"{stem}.tex"
        path.write_text(tex, encoding="utf-8")
        written.append(path)
    # A table no longer produced must not linger from an earlier run.
    for old in set(out_dir.glob("*.tex")) - set(written):
        old.unlink()
    return written
