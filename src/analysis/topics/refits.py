"""Refits of the reported model under other seeds, aligned to it topic by topic.

The variational fit has many local optima (Roberts, Stewart & Tingley 2016 on
"local modes"): under another seed the same K can give other topics and other
prevalences. Every refit here is an independent best-of-``restarts`` fit with
the reported model's settings and another ``random_state`` (its restart seeds
derive from that seed, :func:`~analysis.topics.model.restart_seeds`), so that
the spread across refits measures the data rather than how far one optimiser
run got. Its topics are matched to the reported ones by the Hungarian algorithm
on centred topic–word distributions (:func:`~analysis.topics.stability.match_topics`),
and its document–topic proportions (paragraphs, and further documents such as
whole articles) are reordered to the reported topic ids. Per-topic stability is
the matched similarity; a topic whose mean over the refits is below
``[topics] min_stability`` is flagged unstable (:func:`stability_from_refits`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from ..parallel import fork_map
from .cache import cache_key, cached_table
from .model import TopicModel
from .stability import background, match_topics
from .tables import topic_columns

__all__ = ["REFITS_CODE", "refit_tables", "seed_refits", "stability_from_refits"]

#: The ``stability_note`` of a topic that passes the stability rule and of one that fails it.
STABLE_NOTE = "stable: mean matched similarity {mean:.3g} ≥ min_stability {t:.3g} over {n} refits"
UNSTABLE_NOTE = ("unstable: mean matched similarity {mean:.3g} < min_stability {t:.3g} over "
                 "{n} refits; the topic does not come back under other seeds and is not "
                 "compared")

#: The files whose code computes :func:`seed_refits` (part of its cache key).
REFITS_CODE = ("model.py", "estep.py", "stability.py", "refits.py")


def _refit(job: dict) -> dict:
    # A best-of-restarts fit like the reported one; its per-pass trace is not needed.
    model = TopicModel(**dict(job["params"], random_state=job["seed"],
                              trace_passes=False)).fit(job["docs"])
    return {"seed": job["seed"], "topic_word": model.topic_word_, "docs": model.doc_topic_,
            "extra": model.transform(job["extra"]) if job["extra"] else
            np.empty((0, model.num_topics))}


def _aligned(run: dict, model: TopicModel) -> list[pd.DataFrame]:
    perm, sim = match_topics(model.topic_word_, run["topic_word"], background(model))
    cols = topic_columns(model.num_topics)
    frames = [pd.DataFrame([sim], columns=cols).assign(kind="match", row=-1)]
    for kind in ("docs", "extra"):
        theta = run[kind][:, perm]
        frames.append(pd.DataFrame(theta, columns=cols).assign(kind=kind,
                                                               row=np.arange(len(theta))))
    return [f.assign(seed=run["seed"]) for f in frames]


def seed_refits(model: TopicModel, docs: Sequence[Sequence[str]], seeds: Sequence[int], *,
                extra_docs: Sequence[Sequence[str]] = (), n_jobs: int = 1,
                cache_dir: str | Path | None = None) -> pd.DataFrame:
    """Refit ``model`` with every seed and align each refit's topics to it.

    Parameters
    ----------
    model : TopicModel
        The fitted reported model.
    docs : token lists
        Its training documents.
    seeds : ints
        Refit seeds; the model's own seed is skipped (it is the reference). Each
        refit is a best-of-``model.restarts`` fit from its seed.
    extra_docs : token lists, optional
        Further documents (e.g. whole articles) whose proportions each refit infers.
    n_jobs : int
        Processes; every model is single-process and seeded, so the table is the
        same for any ``n_jobs``.
    cache_dir : path, optional
        Disk cache keyed by the documents, the settings, the seeds and
        :data:`REFITS_CODE`.

    Returns
    -------
    DataFrame
        Long: ``seed``, ``kind`` (``match``: matched similarity per topic;
        ``docs`` / ``extra``: proportions of document ``row``), ``row`` and
        ``topic_0`` …, in the reported model's topic order. The reference model
        is included under its own seed (similarity 1).
    """
    others = sorted({int(s) for s in seeds} - {int(model.random_state)})
    docs, extra = [list(d) for d in docs], [list(d) for d in extra_docs]

    def compute() -> pd.DataFrame:
        jobs = [dict(params=model.get_params(), seed=s, docs=docs, extra=extra)
                for s in others]
        runs = fork_map(_refit, jobs, n_jobs)
        ref = {"seed": int(model.random_state), "topic_word": model.topic_word_,
               "docs": model.doc_topic_,
               "extra": model.transform(extra) if extra else np.empty((0, model.num_topics))}
        frames = [f for run in [ref, *runs] for f in _aligned(run, model)]
        out = pd.concat(frames, ignore_index=True)
        return out[["seed", "kind", "row", *topic_columns(model.num_topics)]]

    path = None
    if cache_dir is not None:
        key = cache_key(dict(docs=docs, extra=extra, model=model.get_params(), seeds=others),
                        files=REFITS_CODE)
        path = Path(cache_dir) / f"seed_refits_{key}.csv"
    return cached_table(path, compute)


def stability_from_refits(refits: pd.DataFrame, reference_seed: int, *,
                          min_stability: float) -> pd.DataFrame:
    """Per-topic reproducibility of the reported topics over the refits.

    Parameters
    ----------
    refits : DataFrame
        :func:`seed_refits`' table.
    reference_seed : int
        The reported model's seed (its self-match is left out).
    min_stability : float
        The rule: a topic whose mean matched similarity over the refits is below
        it is unstable, it does not come back under other seeds, and is not
        compared across groups.

    Returns
    -------
    DataFrame
        ``topic``, ``n_refits``, ``stability_mean``, ``stability_min`` and the seed of
        the minimum ``worst_seed``, ``stable`` (``stability_mean >= min_stability``)
        and ``stability_note`` (the rule applied, in words).
    """
    m = refits[(refits["kind"] == "match") & (refits["seed"] != reference_seed)]
    cols = [c for c in refits.columns if c.startswith("topic_")]
    sims = m[cols].to_numpy(dtype=float)
    seeds = m["seed"].to_numpy()
    mean = sims.mean(axis=0)
    stable = mean >= min_stability
    notes = [(STABLE_NOTE if ok else UNSTABLE_NOTE).format(mean=v, t=min_stability, n=len(m))
             for v, ok in zip(mean, stable)]
    return pd.DataFrame({"topic": range(len(cols)), "n_refits": len(m),
                         "stability_mean": mean, "stability_min": sims.min(axis=0),
                         "worst_seed": seeds[sims.argmin(axis=0)], "stable": stable,
                         "stability_note": notes})


def refit_tables(refits: pd.DataFrame, para: pd.DataFrame,
                 articles: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Paragraph and article topic tables of every refit (with ``seed``), keyed like the
    reported model's ``paragraph_topics`` and ``article_topics`` (the ``docs`` and
    ``extra`` rows of :func:`seed_refits` run over ``para`` and ``articles``)."""
    cols = [c for c in refits.columns if c.startswith("topic_")]
    out = []
    for kind, base, keys in (("docs", para, ["article_id", "para_id", "n_tokens"]),
                             ("extra", articles, ["article_id", "n_tokens"])):
        r = refits[refits["kind"] == kind]
        meta = base[keys].reset_index(drop=True)
        table = meta.iloc[r["row"].to_numpy()].reset_index(drop=True)
        table.insert(0, "seed", r["seed"].to_numpy())
        table[cols] = r[cols].to_numpy()
        out.append(table)
    return out[0], out[1]
