"""Topic models: LDA on body paragraphs, a defensible K, labels and exemplars.

The documents are the body paragraphs of the articles that have text (1–20;
20 is truncated). :class:`TopicModel` wraps a single-process, seeded
:class:`gensim.models.LdaModel` in the scikit-learn style. :func:`select_k`
answers "why this K?" with coherence (NPMI, UMass; c_v flagged), exclusivity,
held-out bound and stability across seeds (Hungarian-matched topics), fitting
models in parallel processes so the table does not depend on the worker count.
Labels come from ``data/topic_labels.toml``; :func:`check_labels` refuses to
use them when the fitted topics no longer match (it never relabels silently).

Topic ids are gensim's, 0-based, in every table and figure ("T0" …). The
pyLDAvis page numbers topics from 1 (its JavaScript treats 0 as "no topic"),
so page topic *n* is model topic *n − 1*; the page says so in its header.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import textwrap
import tomllib
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.stats import rankdata
from tqdm import tqdm

from .config import write_csv

__all__ = [
    "LabelMismatchError", "TopicModel", "TopicResults", "article_topics", "build",
    "check_labels", "coherence", "exclusivity", "exemplars", "frex", "ldavis_html",
    "load_labels", "match_labels", "match_topics", "model_from_params", "background",
    "paragraph_documents", "paragraph_topics", "plot_article_heatmap",
    "plot_k_diagnostics", "plot_top_words", "relevance", "select_k", "stability",
    "title_topics", "topic_stability", "topic_terms", "write_outputs",
]

#: Part of every cache key (with this file's hash and the gensim/numpy versions).
_CACHE_VERSION = "topics-4"
SECTION_ORDER = ["party_committees", "political_legal_organs", "other_units"]
TIER_ORDER = ["national", "province", "city", "county", "grassroots"]
_MODEL_KEYS = ("num_topics", "no_below", "no_above", "keep_n", "alpha", "eta",
               "passes", "iterations", "chunksize", "gamma_threshold", "random_state")


class LabelMismatchError(RuntimeError):
    """The fitted topics no longer match the labelled ones in ``topic_labels.toml``."""


# --------------------------------------------------------------------------
# The estimator
# --------------------------------------------------------------------------

class TopicModel:
    """LDA in the scikit-learn style around single-process ``gensim.models.LdaModel``.

    Parameters
    ----------
    num_topics : int
        Number of topics K.
    no_below, no_above, keep_n :
        Dictionary filters (``Dictionary.filter_extremes``): keep words in at
        least ``no_below`` documents and at most a share ``no_above`` of them,
        then the ``keep_n`` most frequent.
    alpha, eta :
        Dirichlet priors as gensim takes them (``"auto"``, ``"symmetric"``, a float).
    passes, iterations, chunksize, gamma_threshold :
        gensim's training settings.
    random_state : int
        Seed of training and of inference for new documents.

    Attributes
    ----------
    dictionary_ : gensim.corpora.Dictionary
    model_ : gensim.models.LdaModel
    vocab_ : list of str
        Terms in column order of ``topic_word_``.
    topic_word_ : ndarray (K, V)
        Topic-word probabilities (rows sum to 1).
    doc_topic_ : ndarray (n_docs, K)
        Topic proportions of the training documents (NaN rows: no kept word).
    doc_lengths_ : ndarray (n_docs,)
        Kept (in-dictionary) tokens per training document.
    term_frequency_ : ndarray (V,)
        Corpus count of each term over the training documents.
    """

    def __init__(self, num_topics: int = 8, no_below: int = 3, no_above: float = 0.5,
                 keep_n: int = 5000, alpha: Any = "auto", eta: Any = "symmetric",
                 passes: int = 20, iterations: int = 400, chunksize: int = 2000,
                 gamma_threshold: float = 0.001, random_state: int = 0):
        self.num_topics = num_topics
        self.no_below = no_below
        self.no_above = no_above
        self.keep_n = keep_n
        self.alpha = alpha
        self.eta = eta
        self.passes = passes
        self.iterations = iterations
        self.chunksize = chunksize
        self.gamma_threshold = gamma_threshold
        self.random_state = random_state

    def get_params(self) -> dict[str, Any]:
        """Constructor parameters, as scikit-learn's ``get_params``."""
        return {k: getattr(self, k) for k in _MODEL_KEYS}

    def fit(self, docs: Sequence[Sequence[str]]) -> "TopicModel":
        """Build the dictionary from token lists and train LDA; return self."""
        from gensim.corpora import Dictionary
        from gensim.models import LdaModel

        docs = [list(d) for d in docs]
        dictionary = Dictionary(docs)
        dictionary.filter_extremes(no_below=self.no_below, no_above=self.no_above,
                                   keep_n=self.keep_n)
        if len(dictionary) == 0:
            raise ValueError("no word survives the dictionary filters")
        bows = [dictionary.doc2bow(d) for d in docs]
        self.dictionary_ = dictionary
        self.model_ = LdaModel(
            corpus=bows, id2word=dictionary, num_topics=self.num_topics,
            alpha=self.alpha, eta=self.eta, passes=self.passes,
            iterations=self.iterations, chunksize=self.chunksize,
            gamma_threshold=self.gamma_threshold, random_state=self.random_state,
            eval_every=None, update_every=1,
        )
        self.vocab_ = [dictionary[i] for i in range(len(dictionary))]
        # gensim keeps float32; normalise in float64 so rows sum to 1 exactly enough.
        lam = self.model_.state.get_lambda().astype(np.float64)
        self.topic_word_ = lam / lam.sum(axis=1, keepdims=True)
        self.term_frequency_ = np.array([dictionary.cfs[i] for i in range(len(dictionary))],
                                        dtype=float)
        self.doc_lengths_ = np.array([sum(c for _, c in b) for b in bows], dtype=int)
        self.doc_topic_ = self._infer(bows)
        return self

    def _infer(self, bows: list) -> np.ndarray:
        # Each document is inferred alone from a freshly seeded state, so its
        # proportions depend on the document and the model only (not on the
        # batch it came in or on earlier calls).
        from gensim.utils import get_random_state

        out = np.full((len(bows), self.num_topics), np.nan)
        for row, bow in enumerate(bows):
            if not bow:
                continue
            self.model_.random_state = get_random_state(self.random_state)
            gamma, _ = self.model_.inference([bow])
            g = gamma[0].astype(np.float64)
            out[row] = g / g.sum()
        return out

    def bows(self, docs: Sequence[Sequence[str]]) -> list:
        """Bag-of-words of token lists under the fitted dictionary."""
        return [self.dictionary_.doc2bow(list(d)) for d in docs]

    def n_tokens(self, docs: Sequence[Sequence[str]]) -> np.ndarray:
        """Tokens per document that the dictionary knows."""
        return np.array([sum(c for _, c in b) for b in self.bows(docs)], dtype=int)

    def transform(self, docs: Sequence[Sequence[str]]) -> np.ndarray:
        """Topic proportions (n_docs × K) of token lists; NaN rows have no known word."""
        return self._infer(self.bows(docs))

    def heldout_bound(self, docs: Sequence[Sequence[str]]) -> float:
        """Per-word variational bound (log, base e) on documents not used in fitting."""
        from gensim.utils import get_random_state

        bows = [b for b in self.bows(docs) if b]
        n_words = sum(c for b in bows for _, c in b)
        self.model_.random_state = get_random_state(self.random_state)
        return float(self.model_.bound(bows) / n_words)

    def top_words(self, n: int = 10, by: str = "prob", lam: float = 0.6,
                  frex_weight: float = 0.5) -> list[list[str]]:
        """The ``n`` top words of each topic by ``prob``, ``relevance`` or ``frex``."""
        score = _scores(self, by, lam, frex_weight)
        order = np.argsort(-score, axis=1, kind="stable")[:, :n]
        return [[self.vocab_[j] for j in row] for row in order]


def model_from_params(p: dict, **overrides) -> TopicModel:
    """A :class:`TopicModel` from the ``[topics]`` section of ``params.toml``."""
    kw = {k: p[k] for k in _MODEL_KEYS if k in p}
    kw.update(overrides)
    return TopicModel(**kw)


# --------------------------------------------------------------------------
# Word scores: relevance, FREX, exclusivity
# --------------------------------------------------------------------------

def relevance(topic_word: np.ndarray, term_frequency: np.ndarray, lam: float) -> np.ndarray:
    """Relevance (Sievert & Shirley 2014): λ log φ_kw + (1 − λ) log(φ_kw / p_w)."""
    p_w = term_frequency / term_frequency.sum()
    log_phi = np.log(topic_word)
    return lam * log_phi + (1 - lam) * (log_phi - np.log(p_w))


def frex(topic_word: np.ndarray, weight: float = 0.5) -> np.ndarray:
    """FREX (Bischof & Airoldi 2012): harmonic mean of exclusivity and frequency ranks.

    ``weight`` is the weight on exclusivity. Ranks are empirical CDFs over the
    vocabulary within each topic, as in stm's ``calcfrex``.
    """
    excl = topic_word / topic_word.sum(axis=0, keepdims=True)
    v = topic_word.shape[1]
    excl_rank = rankdata(excl, axis=1) / v
    freq_rank = rankdata(topic_word, axis=1) / v
    return 1.0 / (weight / excl_rank + (1 - weight) / freq_rank)


def exclusivity(topic_word: np.ndarray, n: int = 10, weight: float = 0.7) -> np.ndarray:
    """Per-topic exclusivity as stm's ``exclusivity``: summed FREX of the top-``n`` words."""
    score = frex(topic_word, weight)
    top = np.argsort(-topic_word, axis=1, kind="stable")[:, :n]
    return np.take_along_axis(score, top, axis=1).sum(axis=1)


def _scores(model: TopicModel, by: str, lam: float, frex_weight: float) -> np.ndarray:
    if by == "prob":
        return model.topic_word_
    if by == "relevance":
        return relevance(model.topic_word_, model.term_frequency_, lam)
    if by == "frex":
        return frex(model.topic_word_, frex_weight)
    raise ValueError(f"unknown word score {by!r}: use prob, relevance or frex")


def coherence(model: TopicModel, docs: Sequence[Sequence[str]], measure: str,
              topn: int = 10, window_size: int | None = None) -> np.ndarray:
    """Per-topic coherence (gensim ``CoherenceModel``) of the top-``topn`` words.

    ``measure`` is ``c_npmi``, ``u_mass`` or ``c_v``; the reference corpus is ``docs``.
    """
    from gensim.models import CoherenceModel

    docs = [list(d) for d in docs]
    kw: dict[str, Any] = dict(topics=model.top_words(topn), dictionary=model.dictionary_,
                              coherence=measure, topn=topn)
    if measure == "u_mass":
        kw["corpus"] = model.bows(docs)
    else:
        kw.update(texts=docs, processes=1, window_size=window_size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(CoherenceModel(**kw).get_coherence_per_topic(), dtype=float)


# --------------------------------------------------------------------------
# Matching and stability
# --------------------------------------------------------------------------

def _cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return a @ b.T


def match_topics(a: np.ndarray, b: np.ndarray,
                 background: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Hungarian matching of the topics of two topic-word matrices (same vocabulary).

    With ``background`` (the corpus word distribution), topics are compared by
    the cosine of their departures from it, ``φ_k − p``: plain cosine is high
    for any two topics that share the corpus's frequent words, even for topics
    fitted to shuffled tokens; centred cosine is about 0 for unrelated topics.

    Returns
    -------
    perm : ndarray (K,)
        ``b[perm[k]]`` is the topic of ``b`` matched to topic ``k`` of ``a``.
    sim : ndarray (K,)
        Similarity of each matched pair.
    """
    if background is not None:
        a, b = a - background, b - background
    s = _cosine(a, b)
    rows, cols = linear_sum_assignment(s, maximize=True)
    perm = cols[np.argsort(rows)]
    return perm, s[np.arange(len(perm)), perm]


def stability(topic_words: Sequence[np.ndarray],
              background: np.ndarray | None = None) -> np.ndarray:
    """Mean matched-topic similarity for every pair of runs (in pair order)."""
    return np.array([match_topics(a, b, background)[1].mean()
                     for a, b in combinations(topic_words, 2)])


def background(model: "TopicModel") -> np.ndarray:
    """Corpus word distribution of the training documents (the centre for stability)."""
    return model.term_frequency_ / model.term_frequency_.sum()


def topic_stability(model: TopicModel, docs: Sequence[Sequence[str]],
                    seeds: Sequence[int]) -> pd.DataFrame:
    """How well each topic of ``model`` reappears when refitted with other seeds.

    Refits with every seed in ``seeds`` (other parameters unchanged), matches
    topics (Hungarian, centred cosine, see :func:`match_topics`) and reports per topic the mean and minimum
    matched similarity, and the refit seed of the minimum.
    """
    others = [int(s) for s in seeds if int(s) != model.random_state]
    sims = np.empty((model.num_topics, len(others)))
    for j, s in enumerate(others):
        refit = TopicModel(**dict(model.get_params(), random_state=s)).fit(docs)
        sims[:, j] = match_topics(model.topic_word_, refit.topic_word_, background(model))[1]
    return pd.DataFrame({"topic": range(model.num_topics), "n_refits": len(others),
                         "stability_mean": sims.mean(axis=1), "stability_min": sims.min(axis=1),
                         "worst_seed": [others[i] for i in sims.argmin(axis=1)]})


# --------------------------------------------------------------------------
# Choosing K
# --------------------------------------------------------------------------

def _split(n: int, frac: float, seed: int) -> np.ndarray:
    """Boolean mask of held-out documents."""
    rng = np.random.default_rng(seed)
    held = np.zeros(n, dtype=bool)
    held[rng.permutation(n)[: int(round(frac * n))]] = True
    return held


def _evaluate_run(job: dict) -> dict:
    """Fit one (K, seed) on all docs and on the training split; score it."""
    docs, held = job["docs"], job["held"]
    kw = dict(job["model_kwargs"], num_topics=job["k"], random_state=job["seed"])
    full = TopicModel(**kw).fit(docs)
    train = TopicModel(**kw).fit([d for d, h in zip(docs, held) if not h])
    out = {
        "k": job["k"], "seed": job["seed"],
        "npmi": coherence(full, docs, "c_npmi", job["topn"], job["window"]).mean(),
        "umass": coherence(full, docs, "u_mass", job["topn"]).mean(),
        "exclusivity": exclusivity(full.topic_word_, job["topn"], job["excl_weight"]).mean(),
        "heldout_bound": train.heldout_bound([d for d, h in zip(docs, held) if h]),
        "topic_word": full.topic_word_,
        "background": background(full),
    }
    if job["include_cv"]:
        out["cv"] = coherence(full, docs, "c_v", job["topn"]).mean()
    return out


def _cache_key(payload: dict) -> str:
    """Hash of ``payload`` plus this module's source and the gensim/numpy versions."""
    import gensim

    extra = {"source": hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
             "gensim": gensim.__version__, "numpy": np.__version__}
    blob = json.dumps(dict(payload, _env=extra), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


def _write_cache(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Write exactly (17 significant digits), atomically; return the frame as read back."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    df.to_csv(tmp, index=False, float_format="%.17g")
    os.replace(tmp, path)
    return pd.read_csv(path)


def select_k(docs: Sequence[Sequence[str]], ks: Sequence[int], seeds: Sequence[int],
             n_jobs: int = 1, heldout_frac: float = 0.2, random_state: int = 0,
             model_kwargs: dict | None = None, topn: int = 10,
             npmi_window: int | None = 10, exclusivity_weight: float = 0.7,
             include_cv: bool = True, cache_dir: str | Path | None = None) -> pd.DataFrame:
    """Diagnostics for each K over several seeds (stm's ``searchK`` for gensim).

    For each K and seed one model is fitted on all documents (coherence,
    exclusivity, stability) and one on the documents outside a held-out share
    (held-out bound). Runs go to ``n_jobs`` processes; every model is
    single-process and seeded, so the table is the same for any ``n_jobs``.

    Parameters
    ----------
    docs : list of token lists
    ks, seeds : the grid; stability needs at least two seeds.
    heldout_frac, random_state : held-out share of documents and the seed of that split.
    model_kwargs : other :class:`TopicModel` parameters (dictionary filters, priors …).
    topn : top words for coherence and exclusivity.
    npmi_window : NPMI sliding window in tokens (``None``: gensim's default).
    exclusivity_weight : FREX weight on exclusivity in stm's exclusivity.
    include_cv : add c_v, flagged in ``cv_flag`` (its authors no longer recommend it).
    cache_dir : folder for a cache keyed by a hash of the docs and every argument.

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
                    if k not in ("num_topics", "random_state")}
    settings = dict(ks=ks, seeds=seeds, heldout_frac=heldout_frac, random_state=random_state,
                    model_kwargs=model_kwargs, topn=topn, npmi_window=npmi_window,
                    exclusivity_weight=exclusivity_weight, include_cv=include_cv)
    cache_file = None
    if cache_dir is not None:
        key = _cache_key(dict(settings, docs=docs, version=_CACHE_VERSION))
        cache_file = Path(cache_dir) / f"select_k_{key}.csv"
        if cache_file.exists():
            return pd.read_csv(cache_file)

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
    table = _summarise_runs(runs, ks, include_cv)
    if cache_file is not None:
        table = _write_cache(table, cache_file)  # the same frame whether cached or fresh
    return table


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
        row["cosine_chance"] = np.mean([_cosine(a, b).mean()
                                        for a, b in combinations(words, 2)])
        if include_cv:
            row["cv_flag"] = "c_v: not recommended by its authors; shown for comparison only"
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------
# Documents, prevalence, exemplars
# --------------------------------------------------------------------------

def paragraph_documents(paragraphs: pd.DataFrame, include_headings: bool = False) -> pd.DataFrame:
    """The paragraphs that are LDA documents, in (article_id, para_id) order."""
    keep = paragraphs if include_headings else paragraphs[paragraphs["kind"] == "body"]
    return keep.sort_values(["article_id", "para_id"], kind="stable").reset_index(drop=True)


def _topic_cols(k: int) -> list[str]:
    return [f"topic_{i}" for i in range(k)]


def paragraph_topics(model: TopicModel, paragraphs: pd.DataFrame,
                     docs: Sequence[Sequence[str]]) -> pd.DataFrame:
    """Paragraph × topic proportions with the kept-token count ``n_tokens``.

    ``docs`` are the token lists of ``paragraphs``, row for row.
    """
    theta = model.transform(docs)
    out = paragraphs[["article_id", "para_id", "kind"]].reset_index(drop=True).copy()
    out["n_tokens"] = model.n_tokens(docs)
    out[_topic_cols(model.num_topics)] = theta
    return out


def title_topics(model: TopicModel, articles: pd.DataFrame,
                 title_docs: Sequence[Sequence[str]]) -> pd.DataFrame:
    """Topic proportions inferred from each article's title (evidence ``title``)."""
    out = articles[["article_id"]].reset_index(drop=True).copy()
    out["evidence"] = "title"
    out["n_tokens"] = model.n_tokens(title_docs)
    out[_topic_cols(model.num_topics)] = model.transform(title_docs)
    return out


def article_topics(para_topics: pd.DataFrame, articles: pd.DataFrame,
                   title_rows: pd.DataFrame) -> pd.DataFrame:
    """Article × topic prevalence, one row per article (all TOC entries kept).

    Articles with body text get the token-weighted mean of their paragraphs'
    proportions (``evidence`` = ``text``); the others get their title's
    inferred proportions (``evidence`` = ``title``), never text-level.
    """
    cols = [c for c in para_topics.columns if c.startswith("topic_")]
    weighted = para_topics[cols].mul(para_topics["n_tokens"], axis=0)
    valid = para_topics["n_tokens"] > 0
    sums = weighted[valid].groupby(para_topics.loc[valid, "article_id"]).sum()
    n = para_topics[valid].groupby("article_id")["n_tokens"].sum()
    text = sums.div(n, axis=0).reset_index()
    text["evidence"] = "text"
    text["n_tokens"] = text["article_id"].map(n).astype(int)
    title = title_rows[~title_rows["article_id"].isin(text["article_id"])]
    both = pd.concat([text, title[text.columns]], ignore_index=True)
    meta = [c for c in ["article_id", "section", "unit_type", "tier", "title", "text_status",
                        "duplicate_of"] if c in articles.columns]
    out = articles[meta].merge(both, on="article_id", how="left", validate="one_to_one")
    return out[meta + ["evidence", "n_tokens"] + cols].sort_values(
        "article_id", kind="stable").reset_index(drop=True)


def exemplars(para_topics: pd.DataFrame, paragraphs: pd.DataFrame, articles: pd.DataFrame,
              n: int = 3, min_tokens: int = 10) -> pd.DataFrame:
    """The ``n`` most representative paragraphs per topic (stm's findThoughts).

    Ranked by the paragraph's proportion of the topic, among paragraphs with at
    least ``min_tokens`` kept tokens (a three-word paragraph can be pure by chance).
    Text is quoted verbatim with its article_id and TOC title.
    """
    cols = [c for c in para_topics.columns if c.startswith("topic_")]
    pool = para_topics[para_topics["n_tokens"] >= min_tokens]
    rows = []
    for c in cols:
        best = pool.sort_values([c, "article_id", "para_id"], ascending=[False, True, True],
                                kind="stable").head(n)
        for rank, (_, r) in enumerate(best.iterrows(), start=1):
            rows.append({"topic": int(c.split("_")[1]), "rank": rank,
                         "article_id": int(r["article_id"]), "para_id": int(r["para_id"]),
                         "proportion": r[c], "n_tokens": int(r["n_tokens"])})
    out = pd.DataFrame(rows)
    out = out.merge(articles[["article_id", "title"]], on="article_id", how="left")
    out = out.merge(paragraphs[["article_id", "para_id", "text"]],
                    on=["article_id", "para_id"], how="left")
    return out.sort_values(["topic", "rank"], kind="stable").reset_index(drop=True)


def topic_terms(model: TopicModel, n: int = 10, lam: float = 0.6,
                frex_weight: float = 0.5) -> pd.DataFrame:
    """Top words per topic by probability, relevance (λ) and FREX, in long form."""
    rows = []
    for by in ("prob", "relevance", "frex"):
        score = _scores(model, by, lam, frex_weight)
        order = np.argsort(-score, axis=1, kind="stable")[:, :n]
        for k, row in enumerate(order):
            for rank, j in enumerate(row, start=1):
                rows.append({"topic": k, "method": by, "rank": rank, "term": model.vocab_[j],
                             "score": score[k, j], "prob": model.topic_word_[k, j]})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------

def load_labels(path: str | Path) -> dict:
    """Read ``topic_labels.toml``: ``meta`` and a list ``topic`` of labelled topics."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    data.setdefault("topic", [])
    return data


def match_labels(top_words: Sequence[Sequence[str]], labels: Sequence[dict]) -> pd.DataFrame:
    """Match model topics to labelled topics by top-word overlap (Hungarian).

    Returns one row per model topic: ``topic``, the matched ``label_id``,
    ``label``, ``gloss``, ``overlap`` (shared top words) and ``n_top_words``.
    """
    overlap = np.array([[len(set(t) & set(lab["top_words"])) for lab in labels]
                        for t in top_words])
    rows, cols = linear_sum_assignment(overlap, maximize=True)
    out = []
    for r, c in zip(rows, cols):
        lab = labels[c]
        out.append({"topic": int(r), "label_id": int(lab["id"]), "label": lab["label"],
                    "gloss": lab["gloss"], "overlap": int(overlap[r, c]),
                    "n_top_words": len(lab["top_words"])})
    return pd.DataFrame(out).sort_values("topic").reset_index(drop=True)


def check_labels(model: TopicModel, labels: dict, min_overlap: int) -> pd.DataFrame:
    """Labels for the model's topics, or :class:`LabelMismatchError` if they do not fit.

    Every topic must be matched to a labelled topic sharing at least
    ``min_overlap`` of its reference top words; K must be the labelled K.
    """
    topics = labels.get("topic", [])
    if len(topics) != model.num_topics:
        raise LabelMismatchError(
            f"topic_labels.toml labels {len(topics)} topics, the model has "
            f"{model.num_topics}: relabel by reading the new topics, do not reuse these")
    n = len(topics[0]["top_words"])
    matched = match_labels(model.top_words(n), topics)
    bad = matched[matched["overlap"] < min_overlap]
    if len(bad):
        detail = "; ".join(f"T{r.topic}→label {r.label_id} '{r.label}' shares {r.overlap}/{n}"
                           for r in bad.itertuples())
        raise LabelMismatchError(
            f"fitted topics no longer match topic_labels.toml (need ≥{min_overlap} shared "
            f"top words): {detail}. Read the new topics and relabel them by hand.")
    return matched


# --------------------------------------------------------------------------
# pyLDAvis
# --------------------------------------------------------------------------

def ldavis_html(model: TopicModel, path: str | Path, labels: pd.DataFrame | None = None,
                r: int = 30, caption: str = "") -> Path:
    """Write a pyLDAvis page that opens offline (d3 and LDAvis inlined).

    Topics keep the model's order (``sort_topics=False``); the page numbers
    them from 1, so page topic n is model topic n − 1, as its header states.
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
        data = prepared.to_json()
    js_dir = Path(urls.LOCAL_JS_DIR)
    d3 = Path(urls.D3_LOCAL).read_text(encoding="utf-8")
    ldavis = Path(urls.LDAVIS_LOCAL).read_text(encoding="utf-8")
    css = (js_dir / "ldavis.v1.0.0.css").read_text(encoding="utf-8")
    rows = ""
    if labels is not None:
        rows = "".join(
            f"<tr><td>{t + 1}</td><td>T{t}</td><td>{html.escape(str(lab))}</td>"
            f"<td>{html.escape(str(g))}</td></tr>"
            for t, lab, g in zip(labels["topic"], labels["label"], labels["gloss"]))
        rows = ("<table><tr><th>page topic</th><th>model topic</th><th>label</th>"
                f"<th>gloss</th></tr>{rows}</table>")
    page = f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>LDA topics (pyLDAvis)</title>
<style>{css}
body {{font-family: sans-serif;}} .note {{font-size: 13px; max-width: 1100px;}}
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
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------

def plot_k_diagnostics(table: pd.DataFrame, chosen_k: int, path: str | Path,
                       formats: Sequence[str] = ("png", "pdf")) -> list[Path]:
    """Coherence, exclusivity, held-out perplexity and stability against K (±1 sd)."""
    import matplotlib.pyplot as plt
    from analysis import figures

    panels = [("npmi", "NPMI coherence (higher better)"),
              ("umass", "UMass coherence (higher better)"),
              ("exclusivity", "Exclusivity (stm, FREX w=0.7)"),
              ("stability", "Stability across seeds: matched topics,\n"
                            "centred cosine (0 = chance, 1 = identical)"),
              ("heldout_perplexity", "Held-out perplexity, gensim bound (lower better;\n"
                                     "known to grow with K on short texts)"),
              ("cv", "c_v — flagged: its authors no longer\nrecommend it; for comparison only")]
    panels = [p for p in panels if f"{p[0]}_mean" in table.columns]
    n_seeds = int(table["n_seeds"].iloc[0])
    with figures.style():
        fig, axes = plt.subplots(2, 3, figsize=(9.5, 5.6), sharex=True)
        for ax, (m, title) in zip(axes.flat, panels):
            ax.errorbar(table["k"], table[f"{m}_mean"], yerr=table[f"{m}_sd"], marker="o",
                        ms=3.5, capsize=2.5, lw=1.2,
                        color=figures.PALETTE[4 if m == "cv" else 0])
            ax.axvline(chosen_k, color=figures.PALETTE[3], ls="--", lw=1)
            ax.set_title(title, fontsize=8.5)
            ax.set_xticks(table["k"])
        for ax in axes.flat[len(panels):]:
            ax.axis("off")
        for ax in axes[-1]:
            ax.set_xlabel("K (number of topics)")
        fig.suptitle(f"Choosing K for LDA on body paragraphs: mean ± sd over {n_seeds} seeds; "
                     f"dashed line: chosen K = {chosen_k}\n"
                     f"{figures.evidence_label('text')}", fontsize=9.5)
        fig.tight_layout()
        return figures.save(fig, path, tuple(formats))


def plot_top_words(model: TopicModel, labels: pd.DataFrame, path: str | Path,
                   n: int = 10, formats: Sequence[str] = ("png", "pdf")) -> list[Path]:
    """Top words by probability for every topic, titled with label and gloss."""
    import matplotlib.pyplot as plt
    from analysis import figures

    k = model.num_topics
    ncol = 4 if k > 6 else 3
    nrow = int(np.ceil(k / ncol))
    lab = labels.set_index("topic")
    with figures.style():
        fig, axes = plt.subplots(nrow, ncol, figsize=(2.6 * ncol, 2.9 * nrow))
        for t, ax in enumerate(np.atleast_1d(axes).flat):
            if t >= k:
                ax.axis("off")
                continue
            order = np.argsort(-model.topic_word_[t], kind="stable")[:n]
            ax.barh(range(n), model.topic_word_[t, order], color=figures.PALETTE[t % 6])
            ax.set_yticks(range(n), [model.vocab_[j] for j in order])
            ax.invert_yaxis()
            ax.tick_params(axis="x", labelsize=6.5)
            gloss = textwrap.fill(str(lab.loc[t, "gloss"]), 34)
            ax.set_title(f"T{t} {lab.loc[t, 'label']}\n{gloss}", fontsize=8)
        fig.supxlabel("word probability in topic", fontsize=8)
        fig.suptitle("Top words per topic (probability); LDA on body paragraphs\n"
                     f"{figures.evidence_label('text')}", fontsize=9.5)
        fig.tight_layout()
        return figures.save(fig, path, tuple(formats))


def _order_articles(at: pd.DataFrame) -> pd.DataFrame:
    at = at.copy()
    at["_s"] = at["section"].map({s: i for i, s in enumerate(SECTION_ORDER)}).fillna(99)
    keys = ["_s"]
    if "tier" in at.columns:
        at["_t"] = at["tier"].map({t: i for i, t in enumerate(TIER_ORDER)}).fillna(99)
        keys.append("_t")
    return at.sort_values(keys + ["article_id"], kind="stable").drop(
        columns=[c for c in ("_s", "_t") if c in at.columns])


_SECTION_SHORT = {"party_committees": "党委", "political_legal_organs": "政法",
                  "other_units": "其他"}


def _row_names(p: pd.DataFrame) -> list[str]:
    """'12 乐昌市主动创稳推动平安建… [党委/county]': id, TOC title (cut), section, tier."""
    names = []
    for r in p.itertuples():
        title = r.title if len(r.title) <= 12 else r.title[:12] + "…"
        group = _SECTION_SHORT.get(r.section, r.section)
        if "tier" in p.columns:
            group += "/" + (r.tier if isinstance(r.tier, str) else "?")
        names.append(f"{r.article_id} {title} [{group}]")
    return names


def plot_article_heatmap(art_topics: pd.DataFrame, labels: pd.DataFrame,
                         path: str | Path, formats: Sequence[str] = ("png", "pdf")) -> list[Path]:
    """Article × topic prevalence, text-level and title-level rows in separate panels.

    Rows are ordered by section, then tier when the ``tier`` column is present,
    then article_id.
    """
    import matplotlib.pyplot as plt
    from analysis import figures

    cols = [c for c in art_topics.columns if c.startswith("topic_")]
    lab = labels.set_index("topic")
    xt = [f"T{i} {lab.loc[i, 'label']}" for i in range(len(cols))]
    parts = [(ev, _order_articles(art_topics[art_topics["evidence"] == ev]))
             for ev in ("text", "title")]
    parts = [(ev, p) for ev, p in parts if len(p)]
    heights = [len(p) for _, p in parts]
    with figures.style():
        fig, axes = plt.subplots(len(parts), 1, figsize=(3.4 + 0.6 * len(cols),
                                 2.6 + 0.14 * sum(heights)), layout="constrained",
                                 gridspec_kw={"height_ratios": heights}, squeeze=False)
        for i, (ax, (ev, p)) in enumerate(zip(axes[:, 0], parts)):
            im = ax.imshow(p[cols].to_numpy(dtype=float), aspect="auto", vmin=0, vmax=1,
                           cmap="viridis", interpolation="nearest")
            ax.set_yticks(range(len(p)), _row_names(p), fontsize=5.5)
            if i == 0 and len(parts) > 1:  # column labels above the first panel
                ax.xaxis.tick_top()
                ax.set_xticks(range(len(cols)), xt, rotation=40, ha="left", fontsize=7)
            else:
                ax.set_xticks(range(len(cols)), xt, rotation=40, ha="right", fontsize=7)
            ax.spines[:].set_visible(False)
            what = ("token-weighted mean over body paragraphs" if ev == "text"
                    else "inferred from the title alone")
            ax.set_title(f"{figures.evidence_label(ev)}\n{what}", fontsize=8, loc="left")
            # Section boundaries as lines
            sec = p["section"].to_numpy()
            for i in np.flatnonzero(sec[1:] != sec[:-1]):
                ax.axhline(i + 0.5, color="white", lw=1.5)
        fig.colorbar(im, ax=axes[:, 0].tolist(), shrink=0.5, label="topic prevalence")
        order_note = "section, tier, article_id" if "tier" in art_topics.columns \
            else "section, article_id (tier not available)"
        fig.suptitle(f"Article × topic prevalence (rows ordered by {order_note})",
                     fontsize=9.5)
        return figures.save(fig, path, tuple(formats))


# --------------------------------------------------------------------------
# End to end
# --------------------------------------------------------------------------

@dataclass
class TopicResults:
    """Everything the topic stage computes from one corpus and one params file."""

    params: dict
    docs_frame: pd.DataFrame
    docs: list
    k_table: pd.DataFrame
    model: TopicModel
    labels: pd.DataFrame
    terms: pd.DataFrame
    para_topics: pd.DataFrame
    article_topics: pd.DataFrame
    exemplars: pd.DataFrame
    stability: pd.DataFrame


def _frames(corpus) -> tuple[pd.DataFrame, pd.DataFrame]:
    if isinstance(corpus, tuple):
        return corpus
    return corpus.articles, corpus.paragraphs


def _default_tokenize(params: dict) -> Callable[[list[str]], list[list[str]]]:
    from analysis.segment import Segmenter

    return Segmenter.from_params(params).tokenize


def build(corpus, params: dict, tokenize: Callable | None = None,
          cache_dir: str | Path | None = None, n_jobs: int | None = None,
          labels_path: str | Path | None = None, strict: bool = True) -> TopicResults:
    """Run the topic stage: documents, K table, final model, labels, prevalence.

    Parameters
    ----------
    corpus : Corpus or (articles, paragraphs)
    params : the full params dict (reads ``[topics]``).
    tokenize : texts → token lists; default ``Segmenter.from_params(params).tokenize``
        (disk-cached by content hash).
    cache_dir : cache of the K sweep and of per-topic stability; default
        ``.cache/topics`` of the project.
    strict : raise :class:`LabelMismatchError` when labels do not fit (else
        label topics "unlabelled" — only for drafting new labels).
    """
    from analysis import config

    p = params["topics"]
    tokenize = tokenize or _default_tokenize(params)
    cache_dir = Path(cache_dir) if cache_dir is not None else config.PATHS.cache / "topics"
    articles, paragraphs = _frames(corpus)
    frame = paragraph_documents(paragraphs, p["include_headings"])
    docs = tokenize(frame["text"].tolist())
    model = model_from_params(p).fit(docs)
    path = labels_path or config.resolve(p["labels"])
    try:  # fail before the long K sweep
        labels = check_labels(model, load_labels(path), p["label_min_overlap"])
    except (LabelMismatchError, FileNotFoundError):
        if strict:
            raise
        labels = pd.DataFrame({"topic": range(model.num_topics), "label_id": -1,
                               "label": "unlabelled", "gloss": "unlabelled", "overlap": 0,
                               "n_top_words": 0})
    model_kwargs = {k: p[k] for k in _MODEL_KEYS if k in p}
    k_table = select_k(docs, p["k_range"], p["k_seeds"], n_jobs=n_jobs or p["n_jobs"],
                       heldout_frac=p["heldout_frac"], random_state=p["split_seed"],
                       model_kwargs=model_kwargs, topn=p["top_n"],
                       npmi_window=p["npmi_window"],
                       exclusivity_weight=p["exclusivity_frex_weight"],
                       include_cv=p["include_cv"], cache_dir=cache_dir)
    para = paragraph_topics(model, frame, docs)
    titles = tokenize(articles["title"].tolist())
    arts = article_topics(para, articles, title_topics(model, articles, titles))
    ex = exemplars(para, frame, articles, p["n_exemplars"], p["exemplar_min_tokens"])
    terms = topic_terms(model, p["top_n"], p["relevance_lambda"], p["frex_weight"])
    stab_file = cache_dir / ("topic_stability_" + _cache_key(dict(
        docs=docs, model=model.get_params(), seeds=p["k_seeds"], version=_CACHE_VERSION)) + ".csv")
    if stab_file.exists():
        stab = pd.read_csv(stab_file)
    else:
        stab = _write_cache(topic_stability(model, docs, p["k_seeds"]), stab_file)
    return TopicResults(params=p, docs_frame=frame, docs=docs, k_table=k_table, model=model,
                        labels=labels, terms=terms, para_topics=para, article_topics=arts,
                        exemplars=ex, stability=stab)


def _labelled(df: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    return df.merge(labels[["topic", "label", "gloss"]], on="topic", how="left")




def write_outputs(corpus, params: dict, results_dir: str | Path, figures_dir: str | Path,
                  tokenize: Callable | None = None, cache_dir: str | Path | None = None,
                  n_jobs: int | None = None) -> list[Path]:
    """Write the topic stage's tables, figures and pyLDAvis page; return their paths.

    Tables: ``topics_k_selection``, ``topic_terms``, ``topic_exemplars``,
    ``article_topics``, ``paragraph_topics`` (CSV in ``results_dir``).
    Figures: ``topics_k_diagnostics``, ``topic_top_words``,
    ``article_topic_heatmap`` (PNG + PDF) and ``topics_ldavis.html``.
    """
    res = build(corpus, params, tokenize=tokenize, cache_dir=cache_dir, n_jobs=n_jobs)
    results_dir, figures_dir = Path(results_dir), Path(figures_dir)
    formats = tuple(params.get("figures", {}).get("formats", ("png", "pdf")))
    k_table = res.k_table.copy()
    k_table.insert(1, "chosen", k_table["k"] == res.model.num_topics)
    k_table.insert(2, "evidence", "text")
    ex = _labelled(res.exemplars, res.labels)
    ex.insert(0, "evidence", "text")
    out = [
        write_csv(k_table, results_dir / "topics_k_selection.csv"),
        write_csv(_labelled(res.terms, res.labels), results_dir / "topic_terms.csv"),
        write_csv(ex, results_dir / "topic_exemplars.csv"),
        write_csv(res.article_topics, results_dir / "article_topics.csv"),
        write_csv(res.para_topics.assign(evidence="text"), results_dir / "paragraph_topics.csv"),
        write_csv(_labelled(res.stability, res.labels), results_dir / "topic_stability.csv"),
    ]
    from analysis import figures as _f

    out += plot_k_diagnostics(res.k_table, res.model.num_topics,
                              figures_dir / "topics_k_diagnostics", formats)
    out += plot_top_words(res.model, res.labels, figures_dir / "topic_top_words",
                          res.params["top_n"], formats)
    out += plot_article_heatmap(res.article_topics, res.labels,
                                figures_dir / "article_topic_heatmap", formats)
    out.append(ldavis_html(res.model, figures_dir / "topics_ldavis.html", res.labels,
                           r=res.params["ldavis_R"],
                           caption=f"LDA, K = {res.model.num_topics}, on body paragraphs. "
                                   f"{_f.evidence_label('text')}."))
    return out
