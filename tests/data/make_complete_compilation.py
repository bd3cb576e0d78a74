"""Build ``complete_compilation.txt``: the seed's format with a body under EVERY entry.

A test construct, not a real compilation. The seed has bodies for its first entries
only (the source page was cut by a paywall). To test the pipeline on a corpus where
every entry has text, this script keeps the seed's header and table of contents
verbatim and gives each of the 75 entries a body made of the seed's own body
paragraphs, reassigned in their original order (contiguous runs, so the sequence of
paragraphs is unchanged). No text is invented or paraphrased; the bodies are NOT the
articles' real texts and must never be read as such.

Run from the project root: ``python tests/data/make_complete_compilation.py``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
RAW = ROOT / "data" / "raw" / "pingan_fengqiao_compilation_2024.txt"
OUT = HERE / "complete_compilation.txt"


def main() -> Path:
    from analysis.corpus import CorpusWarning, load_compilation

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        corpus = load_compilation(RAW)
    articles = corpus.articles.sort_values("article_id")
    lines = RAW.read_text(encoding="utf-8").split("\n")
    # The header and table of contents end where the first body's title line stands.
    first = articles.iloc[0]["title"]
    toc_end = next(i for i, ln in enumerate(lines) if ln.strip() == first)
    paras = corpus.paragraphs.sort_values(["article_id", "para_id"])["text"].tolist()
    n = len(articles)
    # Contiguous runs; every entry gets at least two paragraphs and starts on a body
    # paragraph where it can, so a body never consists of a heading alone.
    bounds = [round(i * len(paras) / n) for i in range(n + 1)]
    out = lines[:toc_end]
    for k, title in enumerate(articles["title"]):
        out += [title, ""]
        for p in paras[bounds[k]:bounds[k + 1]]:
            out += [p, ""]
    OUT.write_text("\n".join(out) + "\n", encoding="utf-8")
    return OUT


if __name__ == "__main__":
    print(main())
