"""New-word discovery: character strings that behave like words but jieba lacks.

Data tooling, run by ``candidates.py``. Standard unsupervised new-word
discovery over the corpus: a string of 2..``max_len`` characters inside a
run of CJK characters is a candidate when

* it is frequent (``min_count`` occurrences in ``min_docs`` articles);
* it is cohesive: its *internal* PMI, the smallest over the ways of cutting it
  in two, ``log2 p(s) / (p(left) p(right))`` with character-n-gram
  probabilities, is at least ``min_pmi``;
* it is free: the entropy of the characters seen on its left and on its right
  (a run boundary counts as a new character each time) is at least
  ``min_entropy`` bits on both sides;
* it neither starts nor ends with a function character (:data:`EDGE_CHARS`: 的, 为, 等);
* jieba's own dictionary lacks it and plain jieba (no user words, HMM off)
  cuts it into pieces one of which is a single character, which the
  ``min_len`` filter would then lose (共治 → 共/治; 政治引领 → 政治/引领 is not
  a candidate: both halves survive as tokens).

The result is a list for review (``newword_candidates.tsv``), never a lexicon by
itself: accepted words go into the corpus layer ``corpus.tsv`` with their
statistics as source.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

import pandas as pd

from analysis.segment import Segmenter
from analysis.segment.backends import jieba_base
from analysis.segment.rules import CJK

__all__ = ["discover_new_words"]

_RUN_RE = re.compile(f"[{CJK}]+")
#: Particles, prepositions and conjunctions that glue words together: a string
#: starting or ending with one is a phrase fragment (的实践, 为载体), not a word.
EDGE_CHARS = frozenset("的地得了着过和与及或等为是在对把被将以于之也都就而并又且其向从由让使给")


def _entropy(counter: Counter, boundary: int) -> float:
    total = sum(counter.values()) + boundary
    h = -sum(c / total * math.log2(c / total) for c in counter.values())
    return h + boundary * (math.log2(total) / total) if boundary else h


def _cut_inside(words, text: str, term: str) -> bool:
    """Whether plain jieba puts a word boundary inside some occurrence of ``term``."""
    cuts, pos = set(), 0
    for w, _ in words:
        pos += len(w)
        cuts.add(pos)
    start = text.find(term)
    while start >= 0:
        if any(start < c < start + len(term) for c in cuts):
            return True
        start = text.find(term, start + 1)
    return False


def discover_new_words(texts: list[str], doc_ids: list, *, min_count: int = 3,
                       min_docs: int = 2, max_len: int = 4, min_pmi: float = 3.0,
                       min_entropy: float = 1.0) -> pd.DataFrame:
    """New-word candidates with their statistics (see the module docstring).

    Returns
    -------
    DataFrame
        ``word``, ``count``, ``n_docs``, ``pmi`` (internal, bits),
        ``left_entropy``, ``right_entropy`` (bits), ``plain_jieba`` (how plain
        jieba cuts the word alone, "/"-joined); sorted by count, pmi, word.
    """
    runs = [(m.group(), d) for t, d in zip(texts, doc_ids) for m in _RUN_RE.finditer(t)]
    grams: Counter = Counter()
    docs: dict = defaultdict(set)
    left: dict = defaultdict(Counter)
    right: dict = defaultdict(Counter)
    bound_l: Counter = Counter()
    bound_r: Counter = Counter()
    for run, d in runs:
        for n in range(1, max_len + 1):
            for i in range(len(run) - n + 1):
                g = run[i:i + n]
                grams[g] += 1
                if n < 2:
                    continue
                docs[g].add(d)
                if i:
                    left[g][run[i - 1]] += 1
                else:
                    bound_l[g] += 1
                if i + n < len(run):
                    right[g][run[i + n]] += 1
                else:
                    bound_r[g] += 1
    n_chars = sum(c for g, c in grams.items() if len(g) == 1)
    freq = jieba_base()[0]
    plain = Segmenter(lexicon=False, stopwords=False, cache_dir=False,
                      convert_traditional=False, backend="jieba")
    rows = []
    for g, c in grams.items():
        if (len(g) < 2 or c < min_count or len(docs[g]) < min_docs or freq.get(g, 0) > 0
                or g[0] in EDGE_CHARS or g[-1] in EDGE_CHARS):
            continue
        pmi = min(math.log2(c * n_chars / (grams[g[:k]] * grams[g[k:]]))
                  for k in range(1, len(g)))
        le, re_ = _entropy(left[g], bound_l[g]), _entropy(right[g], bound_r[g])
        if pmi < min_pmi or min(le, re_) < min_entropy:
            continue
        rows.append({"word": g, "count": c, "n_docs": len(docs[g]), "pmi": round(pmi, 4),
                     "left_entropy": round(le, 4), "right_entropy": round(re_, 4)})
    if not rows:
        return pd.DataFrame(columns=["word", "count", "n_docs", "pmi", "left_entropy",
                                     "right_entropy", "plain_jieba"])
    df = pd.DataFrame(rows)
    df["plain_jieba"] = ["/".join(w for w, _ in plain.words(x)) for x in df["word"]]
    df = df[[min(map(len, p.split("/"))) == 1 for p in df["plain_jieba"]]]
    texts_with = {w: [t for t in texts if w in t] for w in df["word"]}
    cut = [any(_cut_inside(plain.words(t), t, w) for t in texts_with[w]) for w in df["word"]]
    df = df[cut]
    return df.sort_values(["count", "pmi", "word"], ascending=[False, False, True],
                          kind="stable").reset_index(drop=True)
