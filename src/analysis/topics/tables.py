"""The stage's tables: documents, prevalence per paragraph, title and article, exemplars, terms."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .model import TopicModel

__all__ = ["article_topics", "exemplars", "paragraph_documents", "paragraph_topics",
           "title_topics", "topic_columns", "topic_terms"]

#: Article columns copied into ``article_topics`` when the articles table has them.
ARTICLE_META = ["article_id", "section", "unit_type", "tier", "title", "text_status",
                "duplicate_of"]


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


def title_topics(model: TopicModel, articles: pd.DataFrame,
                 title_docs: Sequence[Sequence[str]]) -> pd.DataFrame:
    """Topic proportions inferred from every article's title (``evidence`` = ``title``).

    ``title_docs`` are the token lists of ``articles["title"]``, row for row.
    """
    out = articles[["article_id"]].reset_index(drop=True).copy()
    out["evidence"] = "title"
    out["n_tokens"] = model.n_tokens(title_docs)
    out[topic_columns(model.num_topics)] = model.transform(title_docs)
    return out


def article_topics(para_topics: pd.DataFrame, articles: pd.DataFrame, *,
                   title_rows: pd.DataFrame) -> pd.DataFrame:
    """Article × topic prevalence, one row per article (all TOC entries kept).

    Articles with body text get the token-weighted mean of their paragraphs'
    proportions (``evidence`` = ``text``); the others get their title's
    inferred proportions from ``title_rows`` (``evidence`` = ``title``), never text-level.
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
    meta = [c for c in ARTICLE_META if c in articles.columns]
    out = articles[meta].merge(both, on="article_id", how="left", validate="one_to_one")
    return out[meta + ["evidence", "n_tokens"] + cols].sort_values(
        "article_id", kind="stable").reset_index(drop=True)


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
