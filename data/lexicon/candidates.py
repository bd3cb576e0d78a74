"""Rebuild the lexicon's evidence and the user dictionary (data tooling, not library).

Run from the project root:  .venv/bin/python data/lexicon/candidates.py [--out DIR]

1. ``candidates.csv``: 2-/3-word collocations that plain jieba splits, from the
   paragraphs of the bodies plus the TOC titles, scored by G² and PMI
   (:func:`lexicon_candidates`; thresholds from ``[segment]`` in params.toml).
2. ``newword_candidates.tsv``: character strings jieba lacks, found by PMI and
   branching entropy (``newwords.discover_new_words``, thresholds
   ``newword_*``), with the lexicon layer each reviewed word went into.
3. ``<layer>.txt`` for each of ``[segment] lexicon_layers`` (``general``,
   ``corpus``): the curated entries of ``<layer>.tsv`` with frequencies chosen
   by :func:`calibrate_lexicon` (all layers together); the calibration table
   is written to ``calibration.csv``.

``--out`` writes the files to another folder (to compare with the committed
ones); by default they go to ``[segment] lexicon_dir`` (this folder).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from analysis.context import RunContext
from analysis.curation import comment_line
from analysis.io import write_csv
from analysis.segment import Segmenter, occurrences_whole, read_wordlist
from analysis.segment.rules import CJK
from analysis.stats import g2 as g2_2x2

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from newwords import discover_new_words  # noqa: E402  (a sibling script, not a package)


def _ngram_table(docs: list[list[tuple[str, str]]], doc_ids: list, exclude: frozenset,
                 max_n: int) -> tuple[Counter, Counter, dict, int]:
    """Unigram and 2..``max_n``-gram counts of CJK word runs, with the docs of each n-gram."""
    unigrams: Counter = Counter()
    grams: Counter = Counter()
    gram_docs: dict = defaultdict(set)
    for words, did in zip(docs, doc_ids):
        run: list[str] = []
        for w, _ in words + [("。", "x")]:
            if re.fullmatch(f"[{CJK}]+", w) and w not in exclude:
                run.append(w)
                unigrams[w] += 1
                continue
            for n in range(2, max_n + 1):
                for i in range(len(run) - n + 1):
                    g = tuple(run[i:i + n])
                    grams[g] += 1
                    gram_docs[g].add(did)
            run = []
    return unigrams, grams, gram_docs, sum(unigrams.values())


def lexicon_candidates(texts: list[str], doc_ids: list | None = None, *, min_count: int = 3,
                       min_docs: int = 2, max_n: int = 3, min_g2: float = 10.83,
                       exclude: Iterable[str] = ()) -> pd.DataFrame:
    """Multi-word units that plain jieba splits, scored as collocations.

    Adjacent CJK words (plain jieba, no user dictionary, HMM off) are joined
    into 2- and 3-grams inside runs not broken by punctuation, digits or
    ``exclude`` words (e.g. general stopwords). Each n-gram is scored as the
    association of its first word with the rest: pointwise mutual information
    (log2) and Dunning's G² on the 2×2 table of n-gram positions.

    Returns
    -------
    DataFrame
        ``candidate``, ``parts`` (as jieba splits it, "/"-joined), ``n``,
        ``count``, ``n_docs``, ``pmi``, ``g2``; filtered by ``min_count``,
        ``min_docs`` and ``min_g2``; sorted by g2, count, candidate.
    """
    seg = Segmenter(lexicon=False, stopwords=False, pos_keep="all", cache_dir=False)
    doc_ids = list(range(len(texts))) if doc_ids is None else list(doc_ids)
    docs = [seg.words(t) for t in texts]
    uni, grams, gram_docs, total = _ngram_table(docs, doc_ids, frozenset(exclude), max_n)
    if not grams:
        return pd.DataFrame(columns=["candidate", "parts", "n", "count", "n_docs", "pmi", "g2"])
    keys = [g for g, c in grams.items() if c >= min_count and len(gram_docs[g]) >= min_docs]
    # Positions as pairs (head word, rest): count head and rest marginals over
    # all n-grams of the same length, the usual collocation contingency table.
    head: dict = defaultdict(Counter)
    rest: dict = defaultdict(Counter)
    totals: Counter = Counter()
    for g, c in grams.items():
        head[len(g)][g[0]] += c
        rest[len(g)][g[1:]] += c
        totals[len(g)] += c
    k11 = np.array([grams[g] for g in keys], dtype=float)
    a = np.array([head[len(g)][g[0]] for g in keys], dtype=float)
    b = np.array([rest[len(g)][g[1:]] for g in keys], dtype=float)
    n = np.array([totals[len(g)] for g in keys], dtype=float)
    g2 = g2_2x2(k11, a - k11, b - k11, n - a - b + k11)
    pmi = np.log2(k11 * n / (a * b))
    df = pd.DataFrame({
        "candidate": ["".join(g) for g in keys],
        "parts": ["/".join(g) for g in keys],
        "n": [len(g) for g in keys],
        "count": k11.astype(int),
        "n_docs": [len(gram_docs[g]) for g in keys],
        "pmi": pmi.round(4),
        "g2": g2.round(4),
    })
    df = df[df["g2"] >= min_g2]
    return df.sort_values(["g2", "count", "candidate"], ascending=[False, False, True],
                          kind="stable").reset_index(drop=True)


def calibrate_lexicon(entries: pd.DataFrame, texts: list[str], *, max_rounds: int = 12
                      ) -> pd.DataFrame:
    """Choose user-dictionary frequencies: as low as possible, core terms whole.

    Every term starts at jieba's own ``suggest_freq(term)`` on the plain
    dictionary: the least frequency at which the term beats its own split when
    it stands alone (usually 1). Only terms marked ``core`` are raised further:
    their frequency is doubled while some occurrence in ``texts`` is still
    split (string matches inside the entry's ``false_matches`` excepted).
    Keeping all other frequencies minimal is what stops user words from
    capturing characters of their neighbours (jieba issues #222, #587).

    Parameters
    ----------
    entries : DataFrame
        Columns ``word``, ``tag``, ``core`` (bool) and ``false_matches``
        (space-separated strings, may be empty).
    texts : list of str
        Corpus texts the core terms must be whole in.

    Returns
    -------
    DataFrame
        ``word``, ``tag``, ``core``, ``suggest_freq``, ``freq``,
        ``occurrences``, ``split_occurrences`` (after calibration).
    """
    plain = Segmenter(lexicon=False, stopwords=False, pos_keep="all", cache_dir=False)
    plain._setup()
    words = entries["word"].tolist()
    tags = dict(zip(words, entries["tag"]))
    core = dict(zip(words, entries["core"].astype(bool)))
    false = {w: str(f).split() if isinstance(f, str) else []
             for w, f in zip(words, entries["false_matches"])}
    base = {w: plain.tokenizer_.suggest_freq(w, False) for w in words}
    freq = dict(base)
    names = frozenset(words)
    relevant = [t for t in texts if any(w in t for w in names)]
    counts: Counter = Counter()
    bad: Counter = Counter()
    for _ in range(max_rounds + 1):
        seg = Segmenter(lexicon=[(w, freq[w], tags[w]) for w in words], stopwords=False,
                        pos_keep="all", cache_dir=False, convert_traditional=False)
        counts, bad = Counter(), Counter()
        for t in relevant:
            tw = seg.words(t)
            for w in words:
                if w in t:
                    n, b = occurrences_whole(tw, t, w, names, false[w])
                    counts[w] += n
                    bad[w] += b
        failing = [w for w in words if bad[w] and core[w]]
        if not failing:
            break
        for w in failing:
            freq[w] *= 2
    return pd.DataFrame({
        "word": words, "tag": [tags[w] for w in words], "core": [core[w] for w in words],
        "suggest_freq": [base[w] for w in words], "freq": [freq[w] for w in words],
        "occurrences": [counts[w] for w in words],
        "split_occurrences": [bad[w] for w in words],
    })


def read_layer_tables(lexicon_dir: Path, layers: Iterable[str]) -> pd.DataFrame:
    """The curated tables ``<layer>.tsv`` (word, tag, core, source, false_matches,
    note), concatenated in layer order with a ``layer`` column."""
    parts = []
    for name in layers:
        df = pd.read_csv(lexicon_dir / f"{name}.tsv", sep="\t", dtype=str,
                         keep_default_na=False, comment=None, encoding="utf-8-sig")
        df.insert(0, "layer", name)
        parts.append(df)
    return pd.concat(parts, ignore_index=True)


def build_userdicts(entries: pd.DataFrame, texts: list[str], out: Path,
                    corpus_sha256: str) -> pd.DataFrame:
    """Calibrate all curated entries together and write one jieba user
    dictionary ``<layer>.txt`` per layer (``word freq tag`` lines, UTF-8, LF,
    no BOM, in the table's order). The ``corpus`` layer, found in this corpus,
    starts with a comment naming it (:mod:`analysis.curation`)."""
    entries = entries.copy()
    entries["core"] = entries["core"].str.lower().isin(["yes", "true", "1"])
    cal = calibrate_lexicon(entries, texts)
    cal.insert(0, "layer", entries["layer"].tolist())
    for name, part in cal.groupby("layer", sort=False):
        lines = [f"{w} {f} {t}" for w, f, t in zip(part["word"], part["freq"], part["tag"])]
        if name == "corpus":
            lines.insert(0, comment_line(corpus_sha256))
        (out / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cal


def main(argv: list[str] | None = None) -> None:
    """Write the candidate tables, the layer dictionaries and calibration.csv."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--params", default=None, help="parameters file (default params.toml)")
    ap.add_argument("--out", default=None, help="folder for the files (default: in place)")
    args = ap.parse_args(argv)
    ctx = RunContext.from_file(args.params)
    p = ctx.params.segment
    corpus = ctx.corpus
    texts = corpus.paragraphs["text"].tolist() + corpus.articles["title"].tolist()
    ids = corpus.paragraphs["article_id"].tolist() + corpus.articles["article_id"].tolist()
    general, _ = read_wordlist(ctx.input(p.stopword_dir) / "general.txt")
    cands = lexicon_candidates(
        texts, ids, min_count=p.candidate_min_count, min_docs=p.candidate_min_docs,
        max_n=p.candidate_max_n, min_g2=p.candidate_min_g2, exclude=general)
    cands.insert(0, "rank", range(1, len(cands) + 1))
    lex_dir = ctx.input(p.lexicon_dir)
    out = Path(args.out) if args.out else lex_dir
    out.mkdir(parents=True, exist_ok=True)
    write_csv(cands, out / "candidates.csv")
    entries = read_layer_tables(lex_dir, p.lexicon_layers)
    new = discover_new_words(texts, ids, min_count=p.newword_min_count,
                             min_docs=p.newword_min_docs, max_len=p.newword_max_len,
                             min_pmi=p.newword_min_pmi, min_entropy=p.newword_min_entropy)
    layer_of = dict(zip(entries["word"], entries["layer"]))
    new["layer"] = [layer_of.get(w, "") for w in new["word"]]
    new.to_csv(out / "newword_candidates.tsv", sep="\t", index=False, lineterminator="\n",
               encoding="utf-8")
    cal = build_userdicts(entries, texts, out, corpus.sha256)
    write_csv(cal, out / "calibration.csv")
    print(f"{len(cands)} candidates; {len(new)} new-word candidates "
          f"({int((new['layer'] != '').sum())} accepted); {len(cal)} lexicon entries; "
          f"{int((cal['split_occurrences'] > 0).sum())} entries split somewhere")


if __name__ == "__main__":
    main()
