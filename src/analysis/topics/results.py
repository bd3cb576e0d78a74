"""The topic stage end to end: :func:`build` computes, :func:`read_results` reads back.

Both return a :class:`TopicResults` holding the stage's tables exactly as the
stage writes them (labels attached, at the written CSV precision), so a later
stage gets the same numbers whether it reads the CSVs or takes the object.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd

from .. import io
from ..config import TopicsParams
from .choose import choose_k
from .labels import resolve_labels
from .model import TopicModel, model_from_params, model_kwargs
from .select import select_k
from .diagnostics import coherence
from .refits import refit_tables, seed_refits, stability_from_refits
from .tables import (article_documents, article_topics, convergence_table, exemplars,
                     paragraph_documents, paragraph_topics, token_table, topic_terms)

__all__ = ["TABLES", "TopicResults", "build", "read_results"]

#: Field of :class:`TopicResults` -> its role in :data:`analysis.io.OUTPUTS`, in writing order.
TABLES = {
    "k_table": "topics_k_selection",
    "terms": "topic_terms",
    "exemplars": "topic_exemplars",
    "article_topics": "article_topics",
    "para_topics": "paragraph_topics",
    "stability": "topic_stability",
    "coherence": "topic_coherence",
    "convergence": "topic_convergence",
    "para_refits": "paragraph_topics_refits",
    "article_refits": "article_topics_refits",
    "labels": "topic_labels",
}

Tokenize = Callable[[list[str]], Sequence[Sequence[str]]]


@dataclass(frozen=True, eq=False)
class TopicResults:
    """The topic stage's tables, as written to ``results/`` (see :data:`TABLES`).

    Attributes
    ----------
    k_table : K selection (:func:`select_k`) with ``chosen`` and ``evidence``.
    terms : top words by prob, relevance and FREX, with ``label`` and ``gloss``.
    para_topics : paragraph × topic proportions (``evidence`` = ``text``).
    article_topics : one row per article with body paragraphs, its shares inferred from
        the whole article as one document (``evidence`` = ``text``); titles get none.
    exemplars : representative paragraphs per topic, labelled.
    stability : per-topic stability over the refits of the reported model, with
        ``stable`` and ``stability_note`` (``[topics] min_stability``), labelled.
    coherence : per-topic NPMI of the reported model (sliding window and paragraph window).
    convergence : the reported fit's restarts (final bound each, which was chosen) and
        the chosen fit's bound after every pass (:func:`~.tables.convergence_table`).
    para_refits, article_refits : paragraph and article proportions of every refit
        (``seed`` column; the reported model's seed included), topics aligned to it.
    labels : ``topic``, ``label_id``, ``label``, ``gloss``, ``overlap``, ``n_top_words``.
    num_topics : K of the reported model.
    model : the fitted :class:`TopicModel` when built; ``None`` when read from CSVs.
        Not part of equality: two results are equal when their tables are.
    draft_labels : a draft ``topic_labels.toml`` when the labels were provisional.
    k_choice : with ``num_topics = "auto"``, the rule's inputs and the chosen K
        (:func:`~analysis.topics.choose.choose_k`); else None. Not read back.
    tokens : the paragraphs' tokens as given to the model (:func:`~.tables.token_table`),
        written to ``data/processed/``; None when read from the results folder.
    """

    k_table: pd.DataFrame
    terms: pd.DataFrame
    para_topics: pd.DataFrame
    article_topics: pd.DataFrame
    exemplars: pd.DataFrame
    stability: pd.DataFrame
    coherence: pd.DataFrame
    convergence: pd.DataFrame
    para_refits: pd.DataFrame
    article_refits: pd.DataFrame
    labels: pd.DataFrame
    num_topics: int
    model: TopicModel | None = field(default=None, compare=False, repr=False)
    draft_labels: str | None = field(default=None, compare=False, repr=False)
    k_choice: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    tokens: pd.DataFrame | None = field(default=None, compare=False, repr=False)

    def __eq__(self, other: object) -> bool:
        # DataFrames have no truth value, so the dataclass's tuple comparison cannot be used.
        if not isinstance(other, TopicResults):
            return NotImplemented
        return self.num_topics == other.num_topics and all(
            getattr(self, f.name).equals(getattr(other, f.name))
            for f in fields(self) if f.name in TABLES)

    __hash__ = None  # mutable DataFrames inside


def _read(source) -> pd.DataFrame:
    # Only an empty field is missing: a term or title such as "NA" stays text.
    return io.read_csv(source, keep_default_na=False, na_values=[""])


def _as_written(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` as :func:`read_results` will read it back after ``io.write_csv``."""
    return io.as_written(df, keep_default_na=False, na_values=[""])


def _labelled(df: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    return df.merge(labels[["topic", "label", "gloss"]], on="topic", how="left")


def _k_sweep(docs, p: TopicsParams, cache_dir) -> pd.DataFrame:
    return select_k(docs, p.k_range, p.k_seeds, n_jobs=p.n_jobs,
                    heldout_frac=p.heldout_frac, random_state=p.split_seed,
                    model_kwargs=model_kwargs(p), topn=p.top_n, npmi_window=p.npmi_window,
                    exclusivity_weight=p.exclusivity_frex_weight,
                    include_cv=p.include_cv, cache_dir=cache_dir)


def build(articles: pd.DataFrame, paragraphs: pd.DataFrame, *, p: TopicsParams,
          tokenize: Tokenize, cache_dir: str | Path, labels_path: str | Path,
          strict_labels: bool = True, corpus_sha256: str | None = None) -> TopicResults:
    """Run the topic stage: documents, final model, labels, K table, prevalence.

    Parameters
    ----------
    articles, paragraphs : DataFrame
        The corpus tables (with unit metadata when available).
    p : TopicsParams
        ``[topics]`` of the run.
    tokenize : callable
        Texts → token lists (the run's ``Segmenter.tokenize``).
    cache_dir : path
        Disk cache of the K sweep and of per-topic stability.
    labels_path : path
        ``topic_labels.toml``.
    strict_labels : bool
        Refuse labels that do not fit (the published run); otherwise go on with
        provisional labels and a draft (:func:`~analysis.topics.labels.resolve_labels`).
    corpus_sha256 : str, optional
        The corpus at hand: labels written for another one are said to be so.

    Returns
    -------
    TopicResults
        With ``model`` set to the fitted final model.

    Raises
    ------
    LabelMismatchError
        With ``strict_labels``, when the labels no longer fit the fitted topics
        (checked before the K sweep when K is fixed, after it when ``"auto"``).
    """
    frame = paragraph_documents(paragraphs, include_headings=p.include_headings)
    docs = tokenize(frame["text"].tolist())
    k_table = choice = None
    if p.num_topics == "auto":
        k_table = _k_sweep(docs, p, cache_dir)
        k, choice = choose_k(k_table)
        model = model_from_params(p, num_topics=k, trace_passes=True).fit(docs)
    else:
        model = model_from_params(p, trace_passes=True).fit(docs)
    labels, draft = resolve_labels(model, labels_path, min_overlap=p.label_min_overlap,
                                   strict=strict_labels, corpus_sha256=corpus_sha256)
    if k_table is None:
        k_table = _k_sweep(docs, p, cache_dir)
    k_table.insert(1, "chosen", k_table["k"] == model.num_topics)
    k_table.insert(2, "evidence", "text")
    para = paragraph_topics(model, frame, docs)
    arts = article_topics(model, frame, docs)
    _, art_docs = article_documents(frame, docs)
    refits = seed_refits(model, docs, p.refit_seeds, extra_docs=art_docs, n_jobs=p.n_jobs,
                         cache_dir=cache_dir)
    para_refits, article_refits = refit_tables(refits, para, arts)
    ex = _labelled(exemplars(para, frame, articles, n=p.n_exemplars,
                             min_tokens=p.exemplar_min_tokens), labels)
    ex.insert(0, "evidence", "text")
    tables = {
        "k_table": k_table,
        "terms": _labelled(topic_terms(model, n=p.top_n, lam=p.relevance_lambda,
                                       frex_weight=p.frex_weight), labels),
        "exemplars": ex,
        "article_topics": arts,
        "para_topics": para.assign(evidence="text"),
        "stability": _labelled(stability_from_refits(refits, model.random_state,
                                                     min_stability=p.min_stability), labels),
        "coherence": _labelled(topic_coherence(model, docs, p), labels),
        "convergence": convergence_table(model),
        "para_refits": para_refits,
        "article_refits": article_refits,
        "labels": labels,
    }
    return TopicResults(**{k: _as_written(v) for k, v in tables.items()},
                        num_topics=model.num_topics, model=model, draft_labels=draft,
                        k_choice=None if choice is None else _as_written(choice),
                        tokens=token_table(frame, docs))


def topic_coherence(model: TopicModel, docs, p: TopicsParams) -> pd.DataFrame:
    """Per-topic NPMI of the reported model's top words, in a sliding window of
    ``npmi_window`` tokens and with each paragraph as one window."""
    longest = max((len(d) for d in docs), default=1)
    return pd.DataFrame({
        "topic": range(model.num_topics),
        "model": f"reported (K = {model.num_topics}, seed {model.random_state}, best of "
                 f"{model.restarts} restarts)",
        "top_n": p.top_n,
        "npmi_window": coherence(model, docs, "c_npmi", p.top_n, p.npmi_window),
        "window_tokens": p.npmi_window,
        # A window at least as long as the longest paragraph holds whole paragraphs.
        "npmi_paragraph": coherence(model, docs, "c_npmi", p.top_n, longest),
    })


def read_results(results_dir: str | Path) -> TopicResults:
    """The :class:`TopicResults` that the topic stage wrote to ``results_dir`` (no model).

    Equal to what :func:`build` returned for that run.
    """
    tables = {f: _read(io.output_path(results_dir, role)) for f, role in TABLES.items()}
    k = sum(c.startswith("topic_") for c in tables["para_topics"].columns)
    return TopicResults(**tables, num_topics=k)
