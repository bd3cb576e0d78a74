"""The stage's tables: documents, prevalence per paragraph and per article, exemplars, terms.

Titles get no topic shares: a title is a handful of tokens, and LDA shares inferred from
so few words reflect the prior and the corpus's most frequent words, not the title.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .model import TopicModel

__all__ = ["article_documents", "article_topics", "convergence_table", "exemplars",
           "paragraph_documents", "paragraph_topics", "token_table", "topic_columns",
           "topic_terms"]


def topic_columns(k: int) -> list[str]:
    """``topic_0`` … ``topic_{k-1}``: the prevalence columns of every table."""
    return [f"topic_{i}" for i in range(k)]


def paragraph_documents(paragraphs: pd.DataFrame, *,
                        include_headings: bool = False) -> pd.DataFrame:
    """The paragraphs that are LDA documents, in (article_id, para_id) order."""
    keep = paragraphs if include_headings else paragraphs[paragraphs["kind"] == "body"]
    return keep.sort_values(["article_id", "para_id"], kind="stable").reset_index(drop=True)


def paragraph_topics(model: TopicModel, paragraphs: pd.DataFrame,
                     docs: Sequence[Sequence[str]]) -> pd.DataFrame:
    """Paragraph × topic proportions with the kept-token count ``n_tokens``.

    ``docs`` are the token lists of ``paragraphs``, row for row.
    """
    theta = model.transform(docs)
    out = paragraphs[["article_id", "para_id", "kind"]].reset_index(drop=True).copy()
    out["n_tokens"] = model.n_tokens(docs)
    out[topic_columns(model.num_topics)] = theta
    return out


def article_documents(paragraphs: pd.DataFrame, docs: Sequence[Sequence[str]]
                      ) -> tuple[list[int], list[list[str]]]:
    """Each article's paragraph token lists joined into one document.

    ``paragraphs`` are the LDA documents (:func:`paragraph_documents`, in
    ``(article_id, para_id)`` order) and ``docs`` their token lists, row for row.
    Returns the article ids (ascending) and, for each, the concatenation of its
    paragraphs' tokens in paragraph order.
    """
    if len(paragraphs) != len(docs):
        raise ValueError(f"{len(paragraphs)} paragraphs but {len(docs)} token lists")
    joined: dict[int, list[str]] = {}
    for aid, d in zip(paragraphs["article_id"].astype(int), docs):
        joined.setdefault(int(aid), []).extend(d)
    ids = sorted(joined)
    return ids, [joined[a] for a in ids]


def article_topics(model: TopicModel, paragraphs: pd.DataFrame,
                   docs: Sequence[Sequence[str]]) -> pd.DataFrame:
    """Article × topic shares, inferred for each article as one document.

    Claims are about articles, so an article's shares are estimated from all its
    kept tokens at once (gensim's inference of the whole article as one bag of
    words, :meth:`TopicModel.transform`), not averaged from its paragraphs' shares,
    which the document–topic prior pulls towards its mean, each the more the shorter
    the paragraph. One row per article with body paragraphs: ``article_id``,
    ``n_tokens`` (kept tokens), ``topic_0`` … and ``evidence`` = ``text``.

    ``paragraphs`` and ``docs`` are as for :func:`article_documents`.
    """
    ids, art_docs = article_documents(paragraphs, docs)
    out = pd.DataFrame({"article_id": ids, "n_tokens": model.n_tokens(art_docs)})
    out[topic_columns(model.num_topics)] = model.transform(art_docs)
    out["evidence"] = "text"
    return out


def exemplars(para_topics: pd.DataFrame, paragraphs: pd.DataFrame, articles: pd.DataFrame,
              *, n: int = 3, min_tokens: int = 10) -> pd.DataFrame:
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


def topic_terms(model: TopicModel, *, n: int = 10, lam: float = 0.6,
                frex_weight: float = 0.5) -> pd.DataFrame:
    """Top words per topic by probability, relevance (λ) and FREX, in long form."""
    rows = []
    for by in ("prob", "relevance", "frex"):
        score = model.word_scores(by, lam=lam, frex_weight=frex_weight)
        order = np.argsort(-score, axis=1, kind="stable")[:, :n]
        for k, row in enumerate(order):
            for rank, j in enumerate(row, start=1):
                rows.append({"topic": k, "method": by, "rank": rank, "term": model.vocab_[j],
                             "score": score[k, j], "prob": model.topic_word_[k, j]})
    return pd.DataFrame(rows)


def convergence_table(model: TopicModel) -> pd.DataFrame:
    """The fit's restarts and the chosen fit's trace in one long table.

    ``kind`` = ``restart``: one row per restart with its final bound (``pass`` =
    ``passes``) and whether it was ``chosen``; ``kind`` = ``pass``: the chosen
    restart's bound after each pass. ``bound_per_word`` is the variational bound
    on the training documents in nats per kept token (higher is better).
    """
    cols = ["kind", "restart", "seed", "pass", "bound_per_word", "chosen"]
    runs = model.restarts_.assign(kind="restart", **{"pass": model.passes})
    best = runs[runs["chosen"]].iloc[0]
    trace = model.convergence_.assign(kind="pass", restart=best["restart"], seed=best["seed"],
                                      chosen=True)
    return pd.concat([runs[cols], trace[cols]], ignore_index=True)


def token_table(paragraphs: pd.DataFrame, docs: Sequence[Sequence[str]]) -> pd.DataFrame:
    """The tokens the model was given, per paragraph, for re-checking its numbers.

    ``article_id``, ``para_id`` and ``tokens`` (the paragraph's tokens before the
    dictionary filter, joined by single spaces; empty when none is left), row for
    row with ``paragraphs`` and ``docs``.

    Raises
    ------
    ValueError
        If a token holds whitespace (the join could not be undone).
    """
    bad = sorted({t for d in docs for t in d if not t or any(c.isspace() for c in t)})
    if bad:
        raise ValueError(f"tokens with whitespace cannot be space-joined: {bad[:5]}")
    out = paragraphs[["article_id", "para_id"]].reset_index(drop=True).copy()
    out["tokens"] = [" ".join(d) for d in docs]
    return out
