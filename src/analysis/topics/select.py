"""Choosing K: coherence, exclusivity, held-out bound and stability over seeds."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from itertools import combinations
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
from tqdm import tqdm

from .cache import cache_key, cached_table
from .diagnostics import coherence_many, exclusivity
from .model import TopicModel
from .stability import background, cosine, stability

__all__ = ["SELECT_K_CODE", "select_k"]

#: The files whose code computes :func:`select_k` (part of its cache key).
SELECT_K_CODE = ("model.py", "estep.py", "diagnostics.py", "stability.py", "select.py")
CV_FLAG = "c_v: not recommended by its authors; shown for comparison only"


def _split(n: int, frac: float, seed: int) -> np.ndarray:
    """Boolean mask of held-out documents."""
    rng = np.random.default_rng(seed)
    held = np.zeros(n, dtype=bool)
    held[rng.permutation(n)[: int(round(frac * n))]] = True
    return held


def _evaluate_run(job: dict) -> dict:
    """Fit one (K, seed) on all docs and on the training split; score all but coherence
    (:func:`_add_coherence` counts the documents once for every run)."""
    docs, held = job["docs"], job["held"]
    kw = dict(job["model_kwargs"], num_topics=job["k"], random_state=job["seed"])
    full = TopicModel(**kw).fit(docs)
    train = TopicModel(**kw).fit([d for d, h in zip(docs, held) if not h])
    return {
        "k": job["k"], "seed": job["seed"],
        "top_words": full.top_words(job["topn"]),
        "dictionary": full.dictionary_,
        "exclusivity": exclusivity(full.topic_word_, job["topn"], job["excl_weight"]).mean(),
        "heldout_bound": train.heldout_bound([d for d, h in zip(docs, held) if h]),
        "topic_word": full.topic_word_,
        "background": background(full),
    }


def _add_coherence(runs: list[dict], docs: list[list[str]], *, topn: int,
                   npmi_window: int | None, include_cv: bool, n_jobs: int) -> None:
    """Mean NPMI, UMass (and c_v) of every run's top words, in place."""
    dictionary = runs[0]["dictionary"]
    if any(r["dictionary"].token2id != dictionary.token2id for r in runs):
        raise RuntimeError("K-sweep models built different dictionaries from one corpus")
    measures = [("npmi", "c_npmi", npmi_window), ("umass", "u_mass", None)]
    measures += [("cv", "c_v", None)] if include_cv else []
    sets = [r["top_words"] for r in runs]
    for name, measure, window in measures:
        for run, scores in zip(runs, coherence_many(sets, dictionary, docs, measure, topn,
                                                    window, n_jobs=n_jobs)):
            run[name] = scores.mean()


def select_k(docs: Sequence[Sequence[str]], ks: Sequence[int], seeds: Sequence[int], *,
             n_jobs: int = 1, heldout_frac: float = 0.2, random_state: int = 0,
             model_kwargs: dict | None = None, topn: int = 10,
             npmi_window: int | None = 10, exclusivity_weight: float = 0.7,
             include_cv: bool = True, cache_dir: str | Path | None = None) -> pd.DataFrame:
    """Diagnostics for each K over several seeds (stm's ``searchK`` for gensim).

    For each K and seed one model is fitted on all documents (coherence,
    exclusivity, stability) and one on the documents outside a held-out share
    (held-out bound). Runs go to ``n_jobs`` processes; every model is
    single-process and seeded, so the table is the same for any ``n_jobs``.

    Every run is a single fit (``restarts`` in ``model_kwargs`` is ignored): the
    sweep describes K through the spread over seeds, at a fraction of the cost of
    best-of-R fits. The reported model and its refits
    (:func:`~analysis.topics.refits.seed_refits`) are best-of-R fits.

    Parameters
    ----------
    docs : list of token lists
    ks, seeds : the grid; stability needs at least two seeds.
    heldout_frac, random_state : held-out share of documents and the seed of that split.
    model_kwargs : other :class:`TopicModel` parameters (dictionary filters, priors …);
        ``num_topics``, ``random_state`` and ``restarts`` are set by the sweep.
    topn : top words for coherence and exclusivity.
    npmi_window : NPMI sliding window in tokens (``None``: gensim's default).
    exclusivity_weight : FREX weight on exclusivity in stm's exclusivity.
    include_cv : add c_v, flagged in ``cv_flag`` (its authors no longer recommend it).
    cache_dir : folder for a cache keyed by the docs, every argument but ``n_jobs``
        and the code in :data:`SELECT_K_CODE`.

    Returns
    -------
    DataFrame, one row per K: ``n_seeds``; ``<metric>_mean`` and ``<metric>_sd``
    (sample sd over seeds) for npmi, umass, exclusivity, heldout_bound,
    heldout_perplexity (exp of minus the per-word bound) and cv; and
    ``stability_mean`` / ``stability_sd`` over seed pairs: mean similarity of
    Hungarian-matched topics, centred cosine (see :func:`match_topics`); and, for
    comparison, ``cosine_matched`` (plain cosine) with ``cosine_chance``, the
    mean plain cosine of all topic pairs.
    """
    docs = [list(d) for d in docs]
    ks, seeds = [int(k) for k in ks], [int(s) for s in seeds]
    if len(seeds) < 2:
        raise ValueError("stability needs at least two seeds")
    model_kwargs = {k: v for k, v in (model_kwargs or {}).items()
                    if k not in ("num_topics", "random_state", "restarts")}
    settings = dict(ks=ks, seeds=seeds, heldout_frac=heldout_frac, random_state=random_state,
                    model_kwargs=model_kwargs, topn=topn, npmi_window=npmi_window,
                    exclusivity_weight=exclusivity_weight, include_cv=include_cv)
    path = None
    if cache_dir is not None:
        key = cache_key(dict(settings, docs=docs), files=SELECT_K_CODE)
        path = Path(cache_dir) / f"select_k_{key}.csv"
    return cached_table(path, lambda: _sweep(docs, n_jobs=n_jobs, **settings))


def _sweep(docs: list[list[str]], *, ks: list[int], seeds: list[int], n_jobs: int,
           heldout_frac: float, random_state: int, model_kwargs: dict, topn: int,
           npmi_window: int | None, exclusivity_weight: float,
           include_cv: bool) -> pd.DataFrame:
    """Fit and score every (K, seed) run, in ``n_jobs`` processes; summarise per K."""
    held = _split(len(docs), heldout_frac, random_state)
    jobs = [dict(docs=docs, held=held, k=k, seed=s, model_kwargs=model_kwargs, topn=topn,
                 window=npmi_window, excl_weight=exclusivity_weight, include_cv=include_cv)
            for k in ks for s in seeds]
    # A progress bar on terminals only (disable=None), so logs and notebooks stay clean.
    bar = dict(total=len(jobs), desc=f"select_k: {len(ks)} K x {len(seeds)} seeds",
               unit="fit", disable=None)
    if n_jobs > 1:
        with ProcessPoolExecutor(max_workers=n_jobs) as pool:
            runs = list(tqdm(pool.map(_evaluate_run, jobs), **bar))
    else:
        runs = [_evaluate_run(j) for j in tqdm(jobs, **bar)]
    _add_coherence(runs, docs, topn=topn, npmi_window=npmi_window, include_cv=include_cv,
                   n_jobs=n_jobs)
    return _summarise_runs(runs, ks, include_cv)


def _sd(values: np.ndarray) -> float:
    """Sample sd; NaN for a single value (one seed pair has no spread)."""
    return float(values.std(ddof=1)) if len(values) > 1 else float("nan")


def _summarise_runs(runs: list[dict], ks: list[int], include_cv: bool) -> pd.DataFrame:
    metrics = ["npmi", "umass", "exclusivity", "heldout_bound"] + (["cv"] if include_cv else [])
    rows = []
    for k in ks:
        mine = sorted((r for r in runs if r["k"] == k), key=lambda r: r["seed"])
        row: dict[str, Any] = {"k": k, "n_seeds": len(mine)}
        for m in metrics:
            vals = np.array([r[m] for r in mine], dtype=float)
            row[f"{m}_mean"], row[f"{m}_sd"] = vals.mean(), _sd(vals)
        perp = np.exp(-np.array([r["heldout_bound"] for r in mine]))
        row["heldout_perplexity_mean"], row["heldout_perplexity_sd"] = perp.mean(), _sd(perp)
        words = [r["topic_word"] for r in mine]
        stab = stability(words, mine[0]["background"])
        row["stability_mean"], row["stability_sd"] = stab.mean(), _sd(stab)
        # Plain cosine and its chance level (mean over all topic pairs), for
        # comparison: shared frequent words keep both high.
        row["cosine_matched"] = stability(words).mean()
        row["cosine_chance"] = np.mean([cosine(a, b).mean()
                                        for a, b in combinations(words, 2)])
        if include_cv:
            row["cv_flag"] = CV_FLAG
        rows.append(row)
    return pd.DataFrame(rows)
