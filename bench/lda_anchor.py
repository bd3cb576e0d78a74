"""LDA anchor (issue 19): the project's ``TopicModel.fit`` against plain gensim and tomotopy.

Every engine gets the same documents: the topic stage's token lists (corpus
``seed``) or ``[bench] anchor_docs`` of them drawn with replacement with
``[bench] seed`` (corpus ``resampled``, timing only). The dictionary is built as
``TopicModel.fit`` builds it (``[topics]`` filters); gensim gets its bag-of-words,
tomotopy the same documents as word lists restricted to that dictionary, so every
engine sees the same kept tokens.

Throughput is in *token-sweeps per second*: kept tokens × passes (gensim, the
project) or × Gibbs iterations (tomotopy), divided by the fit's seconds. Topics are
compared by NPMI (gensim ``CoherenceModel`` ``c_npmi``, ``[topics] top_n`` words,
window ``npmi_window``) on the seed corpus's documents, at the same K.

``run_engine`` is one measured process (``run.py --task lda_anchor``);
``anchor`` runs every engine in-process (tests); ``summarize`` adds the ratios.
"""

from __future__ import annotations

import time
import types
from dataclasses import dataclass
from typing import Sequence

import numpy as np

ENGINES = ("project", "gensim", "tomotopy")
CORPORA = ("seed", "resampled")


@dataclass(frozen=True)
class Setting:
    """What one corpus is fitted with: K, gensim passes/iterations, Gibbs iterations."""

    num_topics: int
    passes: int
    iterations: int
    tomotopy_iters: int
    ll_tol: float

    def describe(self, engine: str) -> str:
        if engine == "tomotopy":
            return f"K={self.num_topics}, {self.tomotopy_iters} Gibbs iterations, 1 worker"
        return f"K={self.num_topics}, {self.passes} passes, {self.iterations} iterations"


def reported_k(tp) -> int:
    """K of the reported model: ``num_topics``, or the first of ``k_range`` when "auto"."""
    return int(tp.k_range[0]) if tp.num_topics == "auto" else int(tp.num_topics)


def setting(params, corpus: str) -> Setting:
    """The :class:`Setting` of ``corpus`` (``[topics]`` for seed, ``[bench] anchor_*`` else)."""
    tp, b = params.topics, params.bench
    if corpus == "seed":
        return Setting(reported_k(tp), tp.passes, tp.iterations, b.anchor_tomotopy_iters_seed,
                       b.anchor_ll_tol)
    if corpus == "resampled":
        return Setting(reported_k(tp), b.anchor_passes, b.anchor_iterations,
                       b.anchor_tomotopy_iters, b.anchor_ll_tol)
    raise ValueError(f"unknown anchor corpus {corpus!r}: use one of {CORPORA}")


def seed_documents(params, ctx=None) -> list[list[str]]:
    """The topic stage's documents: body paragraphs tokenized by the run's Segmenter
    (``ctx``, a :class:`~analysis.context.RunContext`, default: one on ``params``)."""
    from analysis.context import RunContext
    from analysis.topics import paragraph_documents

    ctx = RunContext(params) if ctx is None else ctx
    frame = paragraph_documents(ctx.corpus.paragraphs,
                                include_headings=params.topics.include_headings)
    return [list(d) for d in ctx.segmenter.tokenize(frame["text"].tolist())]


def resample(docs: Sequence[Sequence[str]], n: int, seed: int) -> list:
    """``n`` documents drawn uniformly with replacement (``numpy.random.default_rng(seed)``)."""
    idx = np.random.default_rng(seed).integers(0, len(docs), size=n)
    return [docs[i] for i in idx]


def dictionary(docs, tp):
    """The dictionary ``TopicModel.fit`` builds from ``docs`` (same calls, same filters)."""
    from gensim.corpora import Dictionary

    d = Dictionary(docs)
    d.filter_extremes(no_below=tp.no_below, no_above=tp.no_above, keep_n=tp.keep_n)
    return d


def top_words(phi: np.ndarray, vocab: Sequence[str], n: int) -> list[list[str]]:
    """The ``n`` most probable words of each topic (stable order, as ``TopicModel``)."""
    order = np.argsort(-phi, axis=1, kind="stable")[:, :n]
    return [[vocab[j] for j in row] for row in order]


# ------------------------------------------------------------------ engines
def fit_project(docs, tp, s: Setting) -> dict:
    """``TopicModel.fit`` from ``[topics]`` (its dictionary and inference are part of it)."""
    from analysis.topics import model_from_params

    # One fit, as the other engines make ([topics] restarts would repeat it R times).
    model = model_from_params(tp, num_topics=s.num_topics, passes=s.passes,
                              iterations=s.iterations, restarts=1)
    t0 = time.perf_counter()
    model.fit(docs)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "tokens": int(model.doc_lengths_.sum()), "sweeps": s.passes,
            "vocab": model.vocab_, "phi": model.topic_word_}


def fit_gensim(docs, tp, s: Setting) -> dict:
    """Plain ``gensim.models.LdaModel``, the project's settings, float64, one process."""
    from gensim.models import LdaModel

    d = dictionary(docs, tp)
    bows = [d.doc2bow(doc) for doc in docs]
    t0 = time.perf_counter()
    lda = LdaModel(corpus=bows, id2word=d, num_topics=s.num_topics, alpha=tp.alpha,
                   eta=tp.eta, passes=s.passes, iterations=s.iterations,
                   chunksize=tp.chunksize, gamma_threshold=tp.gamma_threshold,
                   random_state=tp.random_state, eval_every=None, update_every=1,
                   dtype=np.float64)
    seconds = time.perf_counter() - t0
    lam = lda.state.get_lambda()
    return {"seconds": seconds, "tokens": int(sum(c for b in bows for _, c in b)),
            "sweeps": s.passes, "vocab": [d[i] for i in range(len(d))],
            "phi": lam / lam.sum(axis=1, keepdims=True)}


def _tomotopy_priors(tp, k: int) -> tuple[float, float, int]:
    """(alpha, eta, optim_interval) nearest to gensim's ``alpha``/``eta`` settings.

    gensim's ``"auto"`` alpha starts at 1/K and is learnt, asymmetric; tomotopy
    learns an asymmetric alpha every ``optim_interval`` iterations (its default, 10).
    ``"symmetric"`` is 1/K in gensim.
    """
    def value(x, name):
        if x in ("auto", "symmetric"):
            return 1.0 / k
        if isinstance(x, (int, float)):
            return float(x)
        raise ValueError(f"[topics] {name} = {x!r}: the tomotopy anchor takes "
                         "\"auto\", \"symmetric\" or a number")

    if tp.eta == "auto":
        raise ValueError("[topics] eta = \"auto\": tomotopy does not learn eta")
    return value(tp.alpha, "alpha"), value(tp.eta, "eta"), 10 if tp.alpha == "auto" else 0


def fit_tomotopy(docs, tp, s: Setting, seed: int) -> dict:
    """``tomotopy.LDAModel``, 1 worker, Gibbs sampling on the dictionary's words.

    Trained in 20 blocks of ``tomotopy_iters / 20`` (only training is timed);
    ``ll_trace`` holds the log-likelihood per word after each block, and
    ``plateau`` says whether the means over the last two quarters of the trace
    differ by less than ``ll_tol`` nats per word.
    """
    import tomotopy

    d = dictionary(docs, tp)
    alpha, eta, interval = _tomotopy_priors(tp, s.num_topics)
    mdl = tomotopy.LDAModel(k=s.num_topics, alpha=alpha, eta=eta, seed=seed)
    mdl.optim_interval = interval
    for doc in docs:
        words = [w for w in doc if w in d.token2id]
        if words:  # a document with no kept word holds nothing to sample
            mdl.add_doc(words)
    step = max(1, s.tomotopy_iters // 20)
    seconds, done, trace = 0.0, 0, []
    while done < s.tomotopy_iters:
        n = min(step, s.tomotopy_iters - done)
        t0 = time.perf_counter()
        mdl.train(n, workers=1, parallel=tomotopy.ParallelScheme.NONE)
        seconds += time.perf_counter() - t0
        done += n
        trace.append([done, float(mdl.ll_per_word)])
    vocab = list(mdl.used_vocabs)
    phi = np.array([mdl.get_topic_word_dist(k) for k in range(s.num_topics)], dtype=float)
    q = max(1, len(trace) // 4)
    last, prev = np.mean([v for _, v in trace[-q:]]), np.mean([v for _, v in trace[-2 * q:-q]])
    return {"seconds": seconds, "tokens": int(mdl.num_words), "sweeps": s.tomotopy_iters,
            "vocab": vocab, "phi": phi, "ll_trace": trace,
            "ll_change_last_quarter": float(last - prev),
            "plateau": bool(abs(last - prev) < s.ll_tol),
            "priors": {"alpha": alpha, "eta": eta, "optim_interval": interval}}


def npmi(words: list[list[str]], vocab: Sequence[str], ref_docs, window: int) -> list[float]:
    """Per-topic NPMI of ``words`` on ``ref_docs`` (the project's ``coherence``)."""
    from gensim.corpora import Dictionary

    from analysis.topics import coherence

    topics = types.SimpleNamespace(top_words=lambda n: [w[:n] for w in words],
                                   dictionary_=Dictionary([list(vocab)]))
    return [float(x) for x in coherence(topics, ref_docs, "c_npmi", len(words[0]), window)]


def measure(engine: str, docs, ref_docs, tp, s: Setting, seed: int) -> dict:
    """Fit ``engine`` on ``docs``; its timing, tokens, top words and NPMI on ``ref_docs``."""
    if engine == "project":
        r = fit_project(docs, tp, s)
    elif engine == "gensim":
        r = fit_gensim(docs, tp, s)
    elif engine == "tomotopy":
        r = fit_tomotopy(docs, tp, s, seed)
    else:
        raise ValueError(f"unknown engine {engine!r}: use one of {ENGINES}")
    words = top_words(r.pop("phi"), r["vocab"], tp.top_n)
    per_topic = npmi(words, r.pop("vocab"), ref_docs, tp.npmi_window)
    return {**r, "engine": engine, "settings": s.describe(engine), "n_docs": len(docs),
            "token_sweeps_per_s": r["tokens"] * r["sweeps"] / r["seconds"],
            "top_words": words, "npmi_per_topic": per_topic,
            "npmi_mean": float(np.mean(per_topic))}


def run_engine(engine: str, corpus: str, params_file: str | None = None) -> dict:
    """One measured process: documents of ``corpus`` (setup, untimed), then ``engine``."""
    from analysis.config import load_params

    params = load_params(params_file)
    s = setting(params, corpus)
    ref = seed_documents(params)
    docs = ref if corpus == "seed" else resample(ref, params.bench.anchor_docs, params.bench.seed)
    out = measure(engine, docs, ref, params.topics, s, params.topics.random_state)
    return {**out, "corpus": corpus}


def anchor(docs, tp, s: Setting, seed: int, ref_docs=None) -> dict:
    """Every engine on ``docs`` in this process, summarized (see :func:`summarize`)."""
    ref = docs if ref_docs is None else ref_docs
    return summarize({e: measure(e, docs, ref, tp, s, seed) for e in ENGINES})


def summarize(runs: dict) -> dict:
    """Runs of one corpus by engine, with ratios against the project's fit.

    ``speedup_vs_project`` is the project's seconds over the engine's;
    ``token_sweeps_ratio_vs_project`` the engine's token-sweeps/s over the project's.
    """
    base = runs["project"]
    return {
        "runs": runs,
        "same_tokens": len({r["tokens"] for r in runs.values()}) == 1,
        "ratios": {e: {"speedup_vs_project": base["seconds"] / r["seconds"],
                       "token_sweeps_ratio_vs_project":
                           r["token_sweeps_per_s"] / base["token_sweeps_per_s"],
                       "npmi_minus_project": r["npmi_mean"] - base["npmi_mean"]}
                   for e, r in runs.items()},
    }


def table_lines(res: dict) -> list[str]:
    """The anchor table: one line per corpus and engine."""
    head = (f"{'corpus':<10} {'engine':<9} {'settings':<40} {'tokens':>9} {'s fit':>8} "
            f"{'s ratio':>8} {'Msweeps/s':>9} {'ratio':>7} {'NPMI':>7}")
    lines = [head, "-" * len(head)]
    for corpus, c in sorted(res.items(), key=lambda kv: CORPORA.index(kv[0])):
        for e in (e for e in ENGINES if e in c["runs"]):
            r, q = c["runs"][e], c["ratios"][e]
            lines.append(f"{corpus:<10} {e:<9} {r['settings']:<40} {r['tokens']:>9} "
                         f"{r['seconds']:>8.2f} {q['speedup_vs_project']:>7.2f}× "
                         f"{r['token_sweeps_per_s'] / 1e6:>9.3f} "
                         f"{q['token_sweeps_ratio_vs_project']:>6.1f}× {r['npmi_mean']:>7.3f}")
        t = c["runs"].get("tomotopy", {})
        lines.append(f"  (same kept tokens for every engine: {c['same_tokens']}; tomotopy "
                     f"log-likelihood/word plateaued: {t.get('plateau')}, change over the "
                     f"last quarter {t.get('ll_change_last_quarter', float('nan')):+.4f})")
    return lines
