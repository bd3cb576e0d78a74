"""Rebuild the domain stopword layer from its rule and the review.

Run from the project root:  .venv/bin/python data/stopwords/build_domain.py

1. Segment all paragraphs of the bodies (20 articles) with the lexicon and the
   general layer only, and score every remaining word with
   ``analysis.segment.domain_stopword_candidates`` (article share, evenness of
   its rate across articles, majority POS); thresholds from ``[segment]``.
2. Every word the rule flags must have a decision in ``domain_review.tsv``
   (``stop`` or ``keep`` with a reason); an unreviewed flag is an error.
3. Write ``domain_candidates.csv`` (all scored words with rule and decision)
   and ``domain.txt`` (flagged, reviewed ``stop``, not protected, not in the
   lexicon).
"""

import sys
import warnings
from pathlib import Path

import pandas as pd

from analysis import config, segment
from analysis.corpus import load_corpus

HERE = Path(__file__).resolve().parent


def main() -> int:
    p = config.load_params()["segment"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = load_corpus()
    seg = segment.Segmenter(stopwords={"general": HERE / "general.txt"}, cache_dir=False)
    cands = segment.domain_stopword_candidates(
        corpus.paragraphs, seg, min_article_share=p["domain_min_article_share"],
        min_evenness=p["domain_min_evenness"], filler_pos=p["domain_filler_pos"])
    review = pd.read_csv(HERE / "domain_review.tsv", sep="\t", dtype=str)
    protected, _ = segment.read_wordlist(HERE / "protected.txt")
    seg._setup()
    lexicon = {w for w, _, _ in seg.lexicon_}
    cands = cands.merge(review, on="word", how="left")
    missing = cands[cands["rule"] & cands["decision"].isna()]["word"].tolist()
    if missing:
        print("flagged by the rule but not reviewed:", " ".join(missing), file=sys.stderr)
        return 1
    chosen = cands[cands["rule"] & (cands["decision"] == "stop")]["word"]
    chosen = sorted(w for w in chosen if w not in protected and w not in lexicon)
    cands.to_csv(HERE / "domain_candidates.csv", index=False, float_format="%.6g",
                 lineterminator="\n")
    header = ("# domain filler layer: built by data/stopwords/build_domain.py "
              "(rule in params.toml [segment], review in domain_review.tsv)\n")
    (HERE / "domain.txt").write_text(header + "\n".join(chosen) + "\n", encoding="utf-8")
    print(f"{int(cands['rule'].sum())} flagged, {len(chosen)} in domain.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
