"""Build ``corpus.csv``: the seed's articles as a researcher's own table (notebook 06).

A worked example of a table corpus, not a new source. Every row is one entry of the
seed compilation (``data/raw/pingan_fengqiao_compilation_2024.txt``): its real title and,
for the 20 entries whose body the source prints, its real body paragraphs in order
(one paragraph per line); the other 55 rows have an empty body, as in the source. No text
is invented or rewritten. The metadata columns are named and coded the way a researcher's
spreadsheet might be, and filled from the seed's curated annotation
(``data/metadata/overrides.csv`` applied to the classifier):

- ``doc``: a string id (``P01`` …), so ``[corpus] id = ""`` numbers the rows;
- ``headline``, ``body``, ``published`` (``YYYY-MM-DD`` or empty): mapped in ``[corpus]``;
- ``jurisdiction``: the seed's ``tier`` (``city``, ``county`` …);
- ``province``: a codebook column the corpus brings itself (kept, never reclassified);
- ``quarter``: ``2024Q3`` … from the date, empty without one.

Run from the project root: ``python data/examples/your_corpus/build.py``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
OUT = HERE / "corpus.csv"


def build() -> pd.DataFrame:
    """The table, one row per seed entry, in the seed's order."""
    from analysis.context import RunContext
    from analysis.corpus import CorpusWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        articles = RunContext.from_file().articles.sort_values("article_id")
    dates = pd.to_datetime(articles["date"], format="%Y-%m-%d")
    quarter = [f"{d.year}Q{d.quarter}" if pd.notna(d) else "" for d in dates]
    return pd.DataFrame({
        "doc": [f"P{a:02d}" for a in articles["article_id"]],
        "headline": articles["title"].tolist(),
        "body": articles["text"].fillna("").tolist(),
        "published": articles["date"].fillna("").tolist(),
        "jurisdiction": articles["tier"].fillna("").tolist(),
        "province": articles["province"].fillna("").tolist(),
        "quarter": quarter,
    })


def main(out: Path = OUT) -> Path:
    """Write the table as UTF-8 CSV (LF line ends, every field quoted where needed)."""
    build().to_csv(out, index=False, lineterminator="\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    print(main())
