"""Rebuild the lexicon's evidence and the user dictionary.

Run from the project root:  .venv/bin/python data/lexicon/candidates.py

1. ``candidates.csv``: 2-/3-word collocations that plain jieba splits, from the
   paragraphs of the 20 bodies plus the 75 TOC titles, scored by G² and PMI
   (``analysis.segment.lexicon_candidates``; thresholds from ``[segment]``
   in params.toml).
2. ``userdict.txt``: the curated entries of ``entries.tsv`` with frequencies
   chosen by ``analysis.segment.calibrate_lexicon``; the calibration table is
   written to ``calibration.csv``.
"""

import warnings
from pathlib import Path

from analysis import config, segment
from analysis.corpus import load_corpus

HERE = Path(__file__).resolve().parent


def main() -> None:
    params = config.load_params()["segment"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = load_corpus()
    texts = corpus.paragraphs["text"].tolist() + corpus.articles["title"].tolist()
    ids = corpus.paragraphs["article_id"].tolist() + corpus.articles["article_id"].tolist()
    general, _ = segment.read_wordlist(config.resolve(params["stopword_dir"]) / "general.txt")
    cands = segment.lexicon_candidates(
        texts, ids, min_count=params["candidate_min_count"],
        min_docs=params["candidate_min_docs"], max_n=params["candidate_max_n"],
        min_g2=params["candidate_min_g2"], exclude=general)
    cands.insert(0, "rank", range(1, len(cands) + 1))
    cands.to_csv(HERE / "candidates.csv", index=False, float_format="%.6g", lineterminator="\n")
    cal = segment.build_userdict(HERE / "entries.tsv", texts, config.resolve(params["lexicon"]))
    cal.to_csv(HERE / "calibration.csv", index=False, lineterminator="\n")
    print(f"{len(cands)} candidates; {len(cal)} lexicon entries; "
          f"{int((cal['split_occurrences'] > 0).sum())} entries split somewhere")


if __name__ == "__main__":
    main()
