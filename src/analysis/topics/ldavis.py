"""The pyLDAvis page, self-contained so it opens offline.

Topic ids are 0-based everywhere else ("T0" …). The pyLDAvis page numbers
topics from 1 (its JavaScript treats 0 as "no topic"), so page topic *n* is
model topic *n − 1*; the page says so in its header.
"""

from __future__ import annotations

import html
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .model import TopicModel

__all__ = ["ldavis_page"]


def _label_table(labels: pd.DataFrame) -> str:
    rows = "".join(
        f"<tr><td>{t + 1}</td><td>T{t}</td><td>{html.escape(str(lab))}</td>"
        f"<td>{html.escape(str(g))}</td></tr>"
        for t, lab, g in zip(labels["topic"], labels["label"], labels["gloss"]))
    return ("<table><tr><th>page topic</th><th>model topic</th><th>label</th>"
            f"<th>gloss</th></tr>{rows}</table>")


def _rounded(node):
    if isinstance(node, float):
        return float(f"{node:.6g}")
    if isinstance(node, list):
        return [_rounded(v) for v in node]
    if isinstance(node, dict):
        return {k: _rounded(v) for k, v in node.items()}
    return node


def ldavis_page(model: TopicModel, *, labels: pd.DataFrame | None = None, r: int = 30,
                caption: str = "") -> str:
    """HTML of a pyLDAvis page with d3 and LDAvis inlined (no network needed).

    Topics keep the model's order (``sort_topics=False``); the page numbers
    them from 1, so page topic n is model topic n − 1, as its header states.

    Parameters
    ----------
    model : TopicModel
        A fitted model (its training documents give the topic sizes).
    labels : DataFrame, optional
        ``topic``, ``label``, ``gloss``: a table of them above the plot.
    r : int
        Terms shown per topic.
    caption : str
        First line of the page: what the model stands on.
    """
    import pyLDAvis
    import pyLDAvis.urls as urls

    ok = ~np.isnan(model.doc_topic_).any(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        prepared = pyLDAvis.prepare(
            topic_term_dists=model.topic_word_, doc_topic_dists=model.doc_topic_[ok],
            doc_lengths=model.doc_lengths_[ok], vocab=model.vocab_,
            term_frequency=model.term_frequency_, R=r, mds="pcoa", n_jobs=1,
            sort_topics=False, start_index=1)
        # Numbers at the precision of the result tables (6 significant digits): the
        # PCoA and relevance values differ in the last bits between BLAS kernels.
        data = json.dumps(_rounded(json.loads(prepared.to_json())))
    js_dir = Path(urls.LOCAL_JS_DIR)
    d3 = Path(urls.D3_LOCAL).read_text(encoding="utf-8")
    ldavis = Path(urls.LDAVIS_LOCAL).read_text(encoding="utf-8")
    css = (js_dir / "ldavis.v1.0.0.css").read_text(encoding="utf-8")
    rows = _label_table(labels) if labels is not None else ""
    return f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>LDA topics (pyLDAvis)</title>
<style>{css}
body {{font-family: sans-serif;}} .note {{font-size: 13px; max-width: 1100px;}}
/* LDAvis clips large topic circles at the left edge of its plot: let them show. */
#ldavis_topics {{padding-left: 90px;}} #ldavis_topics svg {{overflow: visible;}}
.note table {{border-collapse: collapse;}} .note td, .note th {{border: 1px solid #ccc; padding: 2px 6px;}}
</style>
<script>{d3}</script>
<script>{ldavis}</script>
</head><body>
<div class="note"><p>{html.escape(caption)}</p>
<p>Topic numbers on this page start at 1: page topic <i>n</i> is model topic
<i>n</i>&nbsp;−&nbsp;1 (T<i>n−1</i> in the tables and figures). Topics are not re-sorted.</p>
{rows}</div>
<div id="ldavis_topics" style="background-color:white;"></div>
<script>new LDAvis("#ldavis_topics", {data});</script>
</body></html>
"""
