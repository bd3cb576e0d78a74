"""The real-text scale run: a ~3M-character table corpus through every stage of reproduce.

The corpus is rotated from the seed's real paragraphs, not written: the worked example
``data/examples/your_corpus/corpus.csv`` (the seed's 20 printed bodies, with their titles
and metadata) is unrolled into its body paragraphs in order, and document ``i`` takes
consecutive paragraphs, wrapping around, from offset ``i * stride`` until it holds
``chars / docs`` characters. Its title is the title of the article its first paragraph
comes from plus ``·i`` (so titles stay distinct), its metadata that article's. The texts
therefore repeat the seed's about 60 times over: timing material, never analysed.

Each stage runs in its own measured process (``reproduce --only STAGE`` into one output
root), so the bench reports every stage's seconds and the peak RSS of its process tree.
"""

from __future__ import annotations

import csv
import json
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "examples" / "your_corpus"
COLUMNS = ("doc", "headline", "body", "published", "jurisdiction", "province", "quarter")


def build_corpus(path: str | Path, *, chars: int, docs: int, stride: int = 37) -> dict:
    """Write the rotated corpus as CSV (columns of the worked example); return its size."""
    with open(EXAMPLE / "corpus.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["body"]]
    paras = [(r, p) for r in rows for p in r["body"].split("\n") if p]
    per_doc = chars // docs
    out, total = [], 0
    for i in range(docs):
        k = (i * stride) % len(paras)
        src = paras[k][0]
        body, n = [], 0
        while n < per_doc:
            text = paras[k % len(paras)][1]
            body.append(text)
            n += len(text)
            k += 1
        total += n
        out.append({**{c: src[c] for c in COLUMNS}, "doc": f"R{i:04d}",
                    "headline": f"{src['headline']}·{i}", "body": "\n".join(body)})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    return {"docs": docs, "chars": total, "paragraphs": sum(r["body"].count("\n") + 1
                                                            for r in out)}


def overrides(corpus: str | Path) -> dict:
    """The worked example's settings (columns, groups) with ``corpus`` as the raw table."""
    with open(EXAMPLE / "params.toml", "rb") as fh:
        data = tomllib.load(fh)
    return {**data, "corpus.raw": str(corpus)}


def stage(name: str, corpus: str, out: str, reduced: bool) -> dict:
    """Run one stage of reproduce on the rotated corpus (upstream outputs already in ``out``)."""
    import warnings

    from analysis import reproduce
    from analysis.config import load_params

    params = load_params()
    params = (params.reduced() if reduced else params).replace(overrides(corpus))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = reproduce.run(out=out, params=params, only=[name], force=True, quiet=True,
                                strict_labels=False)
    return {"stage": name, "seconds": summary[name]["seconds"],
            "outputs": summary[name]["outputs"]}


if __name__ == "__main__":  # a quick look at the corpus it builds
    import sys

    print(json.dumps(build_corpus(sys.argv[1], chars=3_000_000, docs=350)))
