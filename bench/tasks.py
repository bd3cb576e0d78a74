"""The measured tasks. Each runs in its own process (``run.py --task NAME``) and
prints one JSON line with its inner timings; run.py adds wall time and memory.

Texts are resampled seed paragraphs (``analysis.scale.synthetic_corpus``):
timing material only.
"""

from __future__ import annotations

import hashlib
import json
import time
import warnings
from pathlib import Path


def _digest(obj) -> str:
    return hashlib.sha256(json.dumps(obj, ensure_ascii=False).encode("utf-8")).hexdigest()


def _corpus():
    from analysis.config import load_params, resolve
    from analysis.corpus import CorpusWarning, load_compilation

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        return load_compilation(resolve(load_params().corpus.raw))


def _segmenter(backend: str | None = None, params_file: str | None = None):
    """The project's segmenter (``[segment]``), on ``backend`` if given; no token cache."""
    import dataclasses

    from analysis.config import ROOT, load_params, resolve
    from analysis.segment import Segmenter

    params = load_params(params_file)
    p = params.segment if backend is None else dataclasses.replace(params.segment, backend=backend)
    return Segmenter.from_params(p, root=ROOT, gazetteer=resolve(params.units.gazetteer, ROOT))


def sample_texts(mb: float, seed: int, work_dir: str) -> list[str]:
    """Resampled seed paragraphs, about ``mb`` MB of UTF-8 (cached under work_dir)."""
    from analysis.scale import synthetic_corpus

    path = Path(work_dir) / f"sample_{mb:g}MB_seed{seed}.txt"
    if not path.exists():
        synthetic_corpus(_corpus().paragraphs["text"].tolist(), int(mb * 1e6), path, seed=seed)
    return path.read_text(encoding="utf-8").splitlines()


def rotated_texts(mb: float) -> list[str]:
    """About ``mb`` MB of seed paragraphs, each pass rotating every paragraph by one
    more character (``p[k:] + p[:k]``), so no text repeats and no per-text cache helps."""
    paras = [p for p in _corpus().paragraphs["text"].tolist() if len(p) > 1]
    out, size, k = [], 0, 0
    while size < mb * 1e6:
        k += 1
        for p in paras:
            r = p[k % len(p):] + p[:k % len(p)]
            out.append(r)
            size += len(r.encode("utf-8"))
    return out


def segment(engine: str, mb: float, seed: int, repeats: int, work_dir: str,
            material: str = "resampled") -> dict:
    """Throughput of one segmentation engine on one core (setup excluded, best of repeats).

    ``material`` is ``resampled`` (:func:`sample_texts`) or ``rotated``
    (:func:`rotated_texts`). Engines: ``jieba_lcut`` (jieba with our lexicon, no
    filtering), ``plain_jieba_lcut`` (``jieba.lcut`` defaults on a private plain
    ``Tokenizer``), ``rjieba_cut``, ``segmenter_jieba`` / ``segmenter_rjieba``
    (``[segment]`` on that backend) and ``segmenter_default`` (``[segment]`` as is).
    """
    from analysis.segment.backends import new_jieba, quiet_jieba

    texts = sample_texts(mb, seed, work_dir) if material == "resampled" else rotated_texts(mb)
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    t0 = time.perf_counter()
    if engine == "jieba_lcut":          # plain jieba with the same dictionary, no filtering
        seg = _segmenter("jieba")
        seg._setup()
        tok, _ = new_jieba(seg.lexicon_)
        fn = lambda t: tok.lcut(t, HMM=False)  # noqa: E731
    elif engine == "rjieba_cut":        # jieba-rs alone: the physical reference
        seg = _segmenter("rjieba")
        seg._setup()
        cut = seg.rjieba_.rj.cut
        fn = lambda t: cut(t, False)  # noqa: E731
    elif engine == "plain_jieba_lcut":  # what a user of jieba would call
        import jieba

        with quiet_jieba():
            seg = jieba.Tokenizer()
            seg.initialize()
        fn = seg.lcut
    elif engine in ("segmenter_jieba", "segmenter_rjieba", "segmenter_default"):
        backend = engine.split("_")[1]
        seg = _segmenter(None if backend == "default" else backend)
        seg._setup()
        fn = seg.tokens
    else:
        raise ValueError(engine)
    setup = time.perf_counter() - t0
    # Best of at least `repeats` runs and 3 s of runs: fast engines get more
    # runs, so load from other processes hits both sides alike.
    best, out, spent, n = float("inf"), None, 0.0, 0
    while n < repeats or spent < 3.0:
        t0 = time.perf_counter()
        out = [fn(t) for t in texts]
        dt = time.perf_counter() - t0
        best, spent, n = min(best, dt), spent + dt, n + 1
    return {"engine": engine, "backend": getattr(seg, "backend_", None),
            "setup_s": setup, "seconds": best, "runs": n, "mb": n_bytes / 1e6,
            "mb_per_s": n_bytes / 1e6 / best, "n_texts": len(texts),
            "n_fallback_texts": getattr(seg, "n_fallback_texts_", 0),
            "digest": _digest(out)}


def segment_parallel(n_jobs: int, mb: float, seed: int, work_dir: str,
                     scheduler: str | None = None) -> dict:
    """Segmenter(rjieba).tokens over ``n_jobs`` processes, results in input order."""
    from analysis.scale import segment_parallel as run

    texts = sample_texts(mb, seed, work_dir)
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    t0 = time.perf_counter()
    out = run(texts, _segmenter("rjieba"), n_jobs=n_jobs,
              chunk_size=max(1, len(texts) // (4 * max(n_jobs, 1))), scheduler=scheduler or None)
    seconds = time.perf_counter() - t0
    return {"n_jobs": n_jobs, "seconds": seconds, "mb": n_bytes / 1e6,
            "mb_per_s": n_bytes / 1e6 / seconds, "digest": _digest(out)}


def tokenize_parallel(n_jobs: int, mb: float, seed: int, work_dir: str,
                      scheduler: str | None = None, block_mb: float = 4.0) -> dict:
    """scale.tokenize_file (shards on disk, input order) on ``n_jobs`` processes."""
    from analysis.scale import TokenStore, synthetic_corpus, tokenize_file

    work = Path(work_dir)
    src = work / f"synthetic_{mb:g}MB_seed{seed}.txt"
    if not src.exists():
        synthetic_corpus(_corpus().paragraphs["text"].tolist(), int(mb * 1e6), src, seed=seed)
    # Building the segmenter (jieba's dictionary, ~2 s) happens once in the
    # parent either way (forked workers inherit it): timed apart, as in `segment`.
    t0 = time.perf_counter()
    seg = _segmenter("rjieba")
    seg._setup()
    setup = time.perf_counter() - t0
    t0 = time.perf_counter()
    store = tokenize_file(src, work / f"tokens_parallel_{n_jobs}", seg, n_jobs=n_jobs,
                          block_bytes=int(block_mb * 2**20), scheduler=scheduler or None)
    seconds = time.perf_counter() - t0
    h = hashlib.sha256()
    for shard in store.shards:
        for doc in TokenStore.read_shard(shard):
            h.update(json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    return {"n_jobs": n_jobs, "seconds": seconds, "setup_s": setup,
            "mb": src.stat().st_size / 1e6,
            "mb_per_s": src.stat().st_size / 1e6 / seconds, "n_shards": len(store.shards),
            "digest": h.hexdigest()}


def select_k(n_jobs: int, ks: list, seeds: list, params_file: str | None = None) -> dict:
    """topics.select_k on the seed's body paragraphs; tokenising is not timed."""
    from analysis import config, topics

    p = config.load_params(params_file).topics
    frame = topics.paragraph_documents(_corpus().paragraphs, include_headings=p.include_headings)
    docs = _segmenter(params_file=params_file).tokenize(frame["text"].tolist())
    t0 = time.perf_counter()
    table = topics.select_k(docs, ks, seeds, n_jobs=n_jobs, heldout_frac=p.heldout_frac,
                            random_state=p.split_seed, model_kwargs=topics.model_kwargs(p),
                            topn=p.top_n, npmi_window=p.npmi_window,
                            exclusivity_weight=p.exclusivity_frex_weight,
                            include_cv=p.include_cv, cache_dir=None)
    seconds = time.perf_counter() - t0
    csv = table.to_csv(index=False, float_format="%.17g")
    return {"n_jobs": n_jobs, "seconds": seconds, "n_models": 2 * len(ks) * len(seeds),
            "digest": hashlib.sha256(csv.encode()).hexdigest()}


def scale(mb: float, b: dict, work_dir: str) -> dict:
    """Synthetic corpus → tokens on disk → dictionary → one LDA fit → co-occurrence."""
    from analysis.scale import (build_dictionary, cooccurrence_counts, synthetic_corpus,
                                tokenize_file, train_lda)

    work = Path(work_dir)
    stages = {}
    t0 = time.perf_counter()
    src = work / f"synthetic_{mb:g}MB_seed{b['seed']}.txt"
    if not src.exists():
        synthetic_corpus(_corpus().paragraphs["text"].tolist(), int(mb * 1e6), src, seed=b["seed"])
    stages["synthetic"] = time.perf_counter() - t0
    scheduler = b["scheduler"] or None

    t0 = time.perf_counter()
    seg = _segmenter("auto")
    seg._setup()   # in the parent: forked workers inherit it
    store = tokenize_file(src, work / f"tokens_{mb:g}MB", seg, n_jobs=b["n_jobs"],
                          block_bytes=int(b["block_mb"] * 2**20), compress=b["compress"],
                          scheduler=scheduler)
    stages["segment"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    dictionary = build_dictionary(store, no_below=b["no_below"], no_above=b["no_above"],
                                  keep_n=b["keep_n"])
    stages["dictionary"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    lda = train_lda(store, dictionary, num_topics=b["num_topics"], chunksize=b["chunksize"],
                    passes=b["passes"], iterations=b["iterations"],
                    random_state=b["random_state"])
    stages["lda"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    vocab = [dictionary[i] for i in range(len(dictionary))]
    counts = cooccurrence_counts(store, vocab, n_jobs=b["n_jobs"], scheduler=scheduler)
    stages["cooccur"] = time.perf_counter() - t0

    shard_bytes = sum(p.stat().st_size for p in store.shards)
    return {"mb": src.stat().st_size / 1e6, "stages": stages,
            "seconds": sum(v for k, v in stages.items() if k != "synthetic"),
            "n_docs": store.n_docs, "n_windows": store.n_windows,
            "n_tokens": sum(s["n_tokens"] for s in store.manifest["shards"]),
            "n_shards": len(store.shards), "token_store_mb": shard_bytes / 1e6,
            "vocab": len(dictionary), "lda_topics": lda.num_topics,
            "joint_nnz": int(counts.joint.nnz), "backend": seg.backend_}


def realtext_stage(stage: str, corpus: str, out: str, reduced: bool) -> dict:
    """One reproduce stage on the rotated real-text corpus (``bench/realtext.py``)."""
    import realtext

    return realtext.stage(stage, corpus, out, reduced)


def lda_anchor(engine: str, corpus: str, params_file: str | None = None) -> dict:
    """One engine of the LDA anchor on one corpus (``bench/lda_anchor.py``)."""
    import lda_anchor as anchor

    return anchor.run_engine(engine, corpus, params_file)


TASKS = {"segment": segment, "segment_parallel": segment_parallel,
         "tokenize_parallel": tokenize_parallel, "select_k": select_k,
         "scale": scale, "realtext_stage": realtext_stage, "lda_anchor": lda_anchor}
