"""Rebuild the domain stopword layer from its rule and the review (data tooling).

Run from the project root:  .venv/bin/python data/stopwords/build_domain.py [--out DIR]

1. Segment all paragraphs of the bodies with the lexicon and the general layer
   only, and score every remaining word with :func:`domain_stopword_candidates`
   (article share, evenness of its rate across articles, majority POS);
   thresholds from ``[segment]``.
2. Every word the rule flags must have a decision in ``domain_review.tsv``
   (``stop`` or ``keep`` with a reason); an unreviewed flag is an error.
3. Write ``domain_candidates.csv`` (all scored words with rule and decision)
   and ``domain.txt`` (flagged, reviewed ``stop``, not protected, not in the
   lexicon), next to this script or into ``--out``.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from analysis.context import RunContext
from analysis.io import write_csv
from analysis.segment import Segmenter, read_wordlist

HERE = Path(__file__).resolve().parent


def domain_stopword_candidates(paragraphs: pd.DataFrame, segmenter: Segmenter, *,
                               min_article_share: float = 0.75, min_evenness: float = 0.85,
                               filler_pos: Iterable[str] = ("v", "vd", "vn", "d", "ad", "a")
                               ) -> pd.DataFrame:
    """Rank words by how evenly they spread over articles (filler candidates).

    For each word left by ``segmenter`` (which should not yet apply the
    domain layer): its count, paragraph document frequency, the share of
    articles it occurs in, and the *evenness* of its rate across articles,
    the normalised entropy of per-article relative frequencies (1 = the same
    rate in every article, i.e. it says nothing about which article it is
    in). ``rule`` marks words with article share ≥ ``min_article_share``,
    evenness ≥ ``min_evenness`` and a majority POS in ``filler_pos``.

    Returns
    -------
    DataFrame
        ``word``, ``pos``, ``count``, ``para_df``, ``article_share``,
        ``evenness``, ``rule`` (bool); sorted by rule, evenness, word.
    """
    counts: dict = defaultdict(Counter)
    para_df: Counter = Counter()
    tags: dict = defaultdict(Counter)
    art_tokens: Counter = Counter()
    for aid, text in zip(paragraphs["article_id"], paragraphs["text"]):
        seen = set()
        for word, pos, tok, reason in segmenter.explain(text):
            if tok is None or reason == "place":
                continue
            counts[tok][aid] += 1
            tags[tok][pos] += 1
            art_tokens[aid] += 1
            seen.add(tok)
        para_df.update(seen)
    arts = sorted(art_tokens)
    sizes = np.array([art_tokens[a] for a in arts], dtype=float)
    rows = []
    filler = set(filler_pos)
    for w in counts:
        c = np.array([counts[w][a] for a in arts], dtype=float)
        rate = c / sizes
        p = rate / rate.sum()
        nz = p[p > 0]
        evenness = float(-(nz * np.log(nz)).sum() / math.log(len(arts))) if len(arts) > 1 else 0.0
        share = float((c > 0).mean())
        pos = sorted(tags[w].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        rule = share >= min_article_share and evenness >= min_evenness and pos in filler
        rows.append((w, pos, int(c.sum()), para_df[w], round(share, 4), round(evenness, 4), rule))
    df = pd.DataFrame(rows, columns=["word", "pos", "count", "para_df", "article_share",
                                     "evenness", "rule"])
    return df.sort_values(["rule", "evenness", "word"], ascending=[False, False, True],
                          kind="stable").reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    """Write domain_candidates.csv and domain.txt; 1 if a flagged word is unreviewed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--params", default=None, help="parameters file (default params.toml)")
    ap.add_argument("--out", default=None, help="folder for the two files (default: here)")
    args = ap.parse_args(argv)
    ctx = RunContext.from_file(args.params)
    p = ctx.params.segment
    # the run's segmenter without the domain layer it is about to rebuild
    seg = Segmenter.from_params(dataclasses.replace(p, stopword_layers=("general",)),
                                root=ctx.root, gazetteer=ctx.input(ctx.params.units.gazetteer))
    cands = domain_stopword_candidates(
        ctx.corpus.paragraphs, seg, min_article_share=p.domain_min_article_share,
        min_evenness=p.domain_min_evenness, filler_pos=p.domain_filler_pos)
    review = pd.read_csv(HERE / "domain_review.tsv", sep="\t", dtype=str)
    protected, _ = read_wordlist(HERE / "protected.txt")
    seg._setup()
    lexicon = {w for w, _, _ in seg.lexicon_}
    cands = cands.merge(review, on="word", how="left")
    missing = cands[cands["rule"] & cands["decision"].isna()]["word"].tolist()
    if missing:
        print("flagged by the rule but not reviewed:", " ".join(missing), file=sys.stderr)
        return 1
    chosen = cands[cands["rule"] & (cands["decision"] == "stop")]["word"]
    chosen = sorted(w for w in chosen if w not in protected and w not in lexicon)
    out = Path(args.out) if args.out else HERE
    out.mkdir(parents=True, exist_ok=True)
    write_csv(cands, out / "domain_candidates.csv")
    header = ("# domain filler layer: built by data/stopwords/build_domain.py "
              "(rule in params.toml [segment], review in domain_review.tsv)\n")
    (out / "domain.txt").write_text(header + "\n".join(chosen) + "\n", encoding="utf-8")
    print(f"{int(cands['rule'].sum())} flagged, {len(chosen)} in domain.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
