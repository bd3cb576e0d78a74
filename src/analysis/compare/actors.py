"""Which actors (courts, police, mediators, grid workers …) the texts name.

Counts come from the curated patterns of the actor lexicon (``[compare] actors``)
on raw text, so they depend neither on the segmenter nor on the topic model.
Body counts are text-level: they show how the authors of the bodies portray these
actors, not what the named units write themselves. Title counts are title-level.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.evidence import NO_TEXT_STATUS, coverage, group_series, not_duplicate
from analysis.stats import keyness_2x2

from .groups import text_articles, topic_columns, with_coverage
from .prevalence import prevalence_difference

__all__ = ["actor_difference", "actor_keywords", "actor_mentions", "actor_rates",
           "actor_topics", "count_actors", "load_actors", "title_actor_mentions"]


def load_actors(path: str | Path) -> pd.DataFrame:
    """Read the actor lexicon (``actor``, ``name_en``, ``patterns``, ``note``).

    ``patterns`` are ``|``-separated regular expressions; a ``regex`` column
    holds their union with longer alternatives first, so that e.g.
    ``人民法庭`` is one match, not two.
    """
    actors = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"actor", "name_en", "patterns"} - set(actors.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    if actors["actor"].duplicated().any():
        raise ValueError(f"{path}: duplicate actor keys")

    def union(p: str) -> re.Pattern:
        alts = sorted({x.strip() for x in p.split("|") if x.strip()}, key=lambda s: (-len(s), s))
        return re.compile("|".join(f"(?:{x})" for x in alts))

    actors["regex"] = actors["patterns"].map(union)
    return actors


def count_actors(texts: pd.Series, actors: pd.DataFrame) -> pd.DataFrame:
    """Non-overlapping pattern matches of each actor in each text
    (rows: ``texts.index``; columns: actor keys)."""
    data = {row.actor: [len(row.regex.findall(t or "")) for t in texts]
            for row in actors.itertuples()}
    return pd.DataFrame(data, index=texts.index)


def _body_counts(articles: pd.DataFrame, actors: pd.DataFrame) -> tuple[pd.DataFrame,
                                                                         pd.DataFrame]:
    """The text articles and their actor counts (index ``article_id``)."""
    rows = text_articles(articles)
    return rows, count_actors(pd.Series(rows["text"].to_numpy(),
                                        index=rows["article_id"].to_numpy()), actors)


def _mention_values(col: pd.Series, n_chars, n_tokens) -> dict:
    """Mentions of one actor in one group's articles, with rates."""
    m = int(col.sum())
    return dict(mentions=m, articles_mentioning=int((col > 0).sum()),
                share_articles=float((col > 0).mean()),
                per_10k_chars=1e4 * m / n_chars if n_chars else np.nan,
                # n_tokens is NaN when no tokens were given (NaN != NaN).
                per_1k_tokens=(1e3 * m / n_tokens if n_tokens and n_tokens == n_tokens
                               else np.nan),
                status="estimated")


def actor_mentions(articles: pd.DataFrame, by: str, actors: pd.DataFrame, *,
                   tokens=None) -> pd.DataFrame:
    """Text-level actor mentions per group.

    Counts come from article bodies only, so for groups whose articles are
    titles only every value is NaN and ``status`` says so.

    Parameters
    ----------
    tokens : mapping article_id -> tokens, optional
        Body tokens, for ``per_1k_tokens`` (NaN without).

    Returns
    -------
    DataFrame
        ``by``, ``actor``, ``name_en``, ``mentions``, ``articles_mentioning``,
        ``share_articles``, ``per_10k_chars``, ``per_1k_tokens``, ``status``,
        ``level`` and the coverage columns.
    """
    cov = coverage(articles, by, tokens)
    _, counts = _body_counts(articles, actors)
    g = group_series(articles, by)
    empty = dict(mentions=np.nan, articles_mentioning=np.nan, share_articles=np.nan,
                 per_10k_chars=np.nan, per_1k_tokens=np.nan, status=NO_TEXT_STATUS)
    rows = []
    for _, c in cov.iterrows():
        ids = [i for i in g.index[g == c[by]] if i in counts.index]
        for act in actors.itertuples():
            vals = (_mention_values(counts.loc[ids, act.actor], c["n_chars"], c["n_tokens"])
                    if ids else empty)
            rows.append({by: c[by], "actor": act.actor, "name_en": act.name_en,
                         **vals, "level": "text"})
    return with_coverage(pd.DataFrame(rows), cov, by)


def actor_rates(articles: pd.DataFrame, actors: pd.DataFrame) -> pd.DataFrame:
    """Per text article: mentions of each actor per 10,000 body characters
    (``article_id`` plus one column per actor key)."""
    rows, counts = _body_counts(articles, actors)
    rates = counts.div(rows["n_chars"].clip(lower=1).to_numpy(), axis=0) * 1e4
    return rates.rename_axis("article_id").reset_index()


def actor_difference(articles: pd.DataFrame, by: str, a: str, b: str,
                     actors: pd.DataFrame, **boot) -> pd.DataFrame:
    """Difference (``a`` − ``b``) in the mean per-article rate of actor mentions
    per 10,000 characters, tested over units by
    :func:`~analysis.compare.prevalence.prevalence_difference` (text-level;
    ``NoTextError`` if a group has no body). ``boot``: its inference keywords."""
    rates = actor_rates(articles, actors)
    d = prevalence_difference(rates, articles, by, a, b, topic_cols=list(actors["actor"]),
                              weight_col=None, scale="rate",
                              family="actors of this contrast", **boot)
    d = d.rename(columns={"topic": "actor"})
    d.insert(1, "name_en", d["actor"].map(dict(zip(actors["actor"], actors["name_en"]))))
    d["measure"] = "mean per-article mentions per 10k characters"
    return d


def title_actor_mentions(articles: pd.DataFrame, by: str,
                         actors: pd.DataFrame) -> pd.DataFrame:
    """Title-level: how many (non-repeated) titles in each group name each actor."""
    counts = count_actors(pd.Series(articles["title"].to_numpy(),
                                    index=articles["article_id"].to_numpy()), actors)
    g = group_series(articles, by)
    keep = not_duplicate(articles)
    counts, g = counts[keep], g[keep]
    out = (counts.gt(0).groupby(g).sum().rename_axis(by).reset_index()
           .melt(id_vars=by, var_name="actor", value_name="titles_mentioning"))
    out["level"] = "title"
    out = out.merge(actors[["actor", "name_en"]], on="actor")
    out = out.sort_values([by, "actor"], kind="stable").reset_index(drop=True)
    return with_coverage(out, coverage(articles, by), by)


def actor_topics(para_topics: pd.DataFrame, paragraphs: pd.DataFrame,
                 actors: pd.DataFrame, *, topic_cols=None) -> pd.DataFrame:
    """Mean topic prevalence of paragraphs that name each actor vs those that don't.

    ``para_topics`` has ``article_id``, ``para_id`` and topic columns; it is
    joined to ``paragraphs`` (whose text is searched) on both keys.
    """
    cols = topic_columns(para_topics, topic_cols)
    df = paragraphs[["article_id", "para_id", "text"]].merge(
        para_topics[["article_id", "para_id", *cols]], on=["article_id", "para_id"])
    hits = count_actors(df["text"], actors).gt(0)
    rows = []
    for act in actors["actor"]:
        has = hits[act].to_numpy()
        for t in cols:
            v = df[t].to_numpy(dtype=float)
            # Paragraphs without kept tokens have no proportions (NaN): skipped.
            w, wo = v[has & ~np.isnan(v)], v[~has & ~np.isnan(v)]
            w = w.mean() if len(w) else np.nan
            wo = wo.mean() if len(wo) else np.nan
            rows.append({"actor": act, "topic": t, "n_paragraphs": int(has.sum()),
                         "n_articles": int(df.loc[has, "article_id"].nunique()),
                         "prevalence_with": w, "prevalence_without": wo,
                         "difference": w - wo})
    out = pd.DataFrame(rows)
    out["level"] = "text"
    return out


def _keywords_of(act, keys, has, para_tokens: Mapping, *, top_n: int,
                 min_count: int) -> pd.DataFrame | None:
    """Over-used terms of the paragraphs ``has`` against the others (one actor)."""
    cw, co = Counter(), Counter()
    for k, h in zip(keys, has):
        (cw if h else co).update(para_tokens.get(k, ()))
    terms = sorted(t for t in set(cw) | set(co)
                   if cw[t] + co[t] >= min_count and not act.regex.search(t))
    a = np.array([cw[t] for t in terms], dtype=float)
    b = np.array([co[t] for t in terms], dtype=float)
    c, d = float(sum(cw.values())), float(sum(co.values()))
    if not terms or c == 0 or d == 0:
        return None
    k = keyness_2x2(a, b, c, d)
    df = pd.DataFrame({"actor": act.actor, "term": terms, "freq_with": a,
                       "freq_without": b, "g2": k["g2"].to_numpy(),
                       "log_ratio": k["log_ratio"].to_numpy(),
                       "n_paragraphs": int(has.sum())})
    df = df[a / c > b / d].sort_values(["g2", "term"], ascending=[False, True],
                                       kind="stable").head(top_n)
    return df.assign(rank=range(1, len(df) + 1))


def actor_keywords(para_tokens: Mapping, paragraphs: pd.DataFrame, actors: pd.DataFrame,
                   *, top_n: int = 10, min_count: int = 3) -> pd.DataFrame:
    """Keywords of paragraphs naming each actor, against all other paragraphs.

    ``para_tokens`` maps ``(article_id, para_id)`` to tokens. Terms matched by
    the actor's own patterns are left out. Ranked by G² among over-used
    terms (ties by term); ``top_n`` per actor.
    """
    keys = list(zip(paragraphs["article_id"], paragraphs["para_id"]))
    hits = count_actors(pd.Series(paragraphs["text"].to_numpy()), actors).gt(0)
    frames = []
    for act in actors.itertuples():
        has = hits[act.actor].to_numpy()
        if has.any():
            df = _keywords_of(act, keys, has, para_tokens, top_n=top_n, min_count=min_count)
            if df is not None:
                frames.append(df)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    out["level"] = "text"
    return out
