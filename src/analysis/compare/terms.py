"""One term or pattern across groups (e.g. 枫桥), and numbered policy formulas.

Pattern counts run on raw bodies (text-level, NaN without a body) and titles
(title-level, repeated entries once); term rates per article run on tokens.
Formulas (三个强化, 1+6+N …) come from an extractor such as
``analysis.segment.formulas``, passed in by the caller.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.evidence import coverage, group_series, has_text, not_duplicate

from .actors import actor_mentions, title_actor_mentions
from .groups import check_level, text_articles, with_coverage
from .prevalence import prevalence_difference

__all__ = ["UNIT_COLUMNS", "formulas_by_group", "formulas_near", "term_by_article",
           "term_difference", "term_mentions", "term_table", "titles_matching",
           "token_forms"]

#: Unit columns carried by the per-article tables, where present.
UNIT_COLUMNS = ("section", "unit_type", "tier", "province")


def term_table(pattern: str, key: str = "term") -> pd.DataFrame:
    """A one-row actor table (see :func:`~analysis.compare.actors.load_actors`)
    for an arbitrary regex (e.g. ``枫桥``)."""
    t = pd.DataFrame({"actor": [key], "name_en": [pattern], "patterns": [pattern]})
    t["regex"] = [re.compile(pattern)]
    return t


def _article_ids(articles: pd.DataFrame, extra: Sequence[str],
                 columns: Sequence[str]) -> list[str]:
    return ["article_id", *[c for c in columns if c in articles.columns], *extra]


def term_by_article(articles: pd.DataFrame, pattern: str, *,
                    columns: Sequence[str] = UNIT_COLUMNS) -> pd.DataFrame:
    """Per article: matches of ``pattern`` in the body (NaN without body), per
    10,000 body characters, and in the title."""
    out = articles[_article_ids(articles, ["text_status", "n_chars"], columns)].copy()
    rx = re.compile(pattern)
    has = has_text(articles).to_numpy()
    body = np.array([len(rx.findall(t or "")) for t in articles["text"].fillna("")], float)
    out["text_mentions"] = np.where(has, body, np.nan)
    out["per_10k_chars"] = np.where(has, 1e4 * body / articles["n_chars"].clip(lower=1), np.nan)
    out["title_mentions"] = [len(rx.findall(t or "")) for t in articles["title"].fillna("")]
    return out.sort_values("article_id", kind="stable").reset_index(drop=True)


def titles_matching(articles: pd.DataFrame, pattern: str, *,
                    columns: Sequence[str] = UNIT_COLUMNS) -> pd.DataFrame:
    """TOC entries whose title matches ``pattern`` (title-level), with unit columns."""
    cols = _article_ids(articles, ["text_status", "title"], columns)
    hit = articles["title"].fillna("").str.contains(pattern, regex=True)
    return articles.loc[hit, cols].sort_values("article_id", kind="stable").reset_index(drop=True)


def token_forms(tokens: Mapping, substring: str) -> pd.DataFrame:
    """Segmented words containing ``substring`` (e.g. 枫桥经验, 枫桥式, 智慧枫桥),
    with their frequency and number of documents."""
    freq, docs = Counter(), Counter()
    for toks in tokens.values():
        hit = [t for t in toks if substring in t]
        freq.update(hit)
        docs.update(set(hit))
    out = pd.DataFrame({"token": list(freq), "freq": [freq[t] for t in freq],
                        "n_docs": [docs[t] for t in freq]}, columns=["token", "freq", "n_docs"])
    return out.sort_values(["freq", "token"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def term_mentions(articles: pd.DataFrame, by: str, pattern: str) -> pd.DataFrame:
    """Mentions of one regex per group, in bodies (text-level: NaN for
    groups without text) and in titles (title-level), side by side."""
    actors = term_table(pattern)
    body = actor_mentions(articles, by, actors)
    titles = title_actor_mentions(articles, by, actors)[[by, "titles_mentioning"]]
    out = body.drop(columns=["actor", "name_en", "level"]).merge(titles, on=by)
    out.insert(1, "pattern", pattern)
    return out.rename(columns={"mentions": "text_mentions",
                               "articles_mentioning": "text_articles_mentioning",
                               "status": "text_status_note"})


def term_difference(tokens: Mapping, articles: pd.DataFrame, by: str, a: str, b: str,
                    terms: Sequence[str], *, per: float = 1000.0, **boot) -> pd.DataFrame:
    """Article-level check of keyness: difference (``a`` − ``b``) in the mean
    per-article rate of each term (per ``per`` tokens), with the cluster
    bootstrap over articles of
    :func:`~analysis.compare.prevalence.prevalence_difference` (text-level;
    ``boot``: its bootstrap keywords).

    Unlike G², which counts tokens as independent, this asks whether the
    difference holds across articles rather than in one long article.
    """
    ids = [i for i in text_articles(articles)["article_id"] if i in tokens]
    cols = [f"t{j}" for j in range(len(terms))]
    rows = []
    for i in ids:
        cnt, n = Counter(tokens[i]), max(len(tokens[i]), 1)
        rows.append({"article_id": i, **{c: per * cnt[t] / n for c, t in zip(cols, terms)}})
    table = pd.DataFrame(rows, columns=["article_id", *cols])
    d = prevalence_difference(table, articles, by, a, b, topic_cols=cols, weight_col=None,
                              scale="rate", family="terms of this check", **boot)
    d["topic"] = list(terms)
    d = d.rename(columns={"topic": "term"})
    d["measure"] = f"mean per-article rate per {per:g} tokens"
    return d


def formulas_by_group(articles: pd.DataFrame, by: str,
                      extract: Callable[[str], list[str]], *,
                      level: str = "text") -> pd.DataFrame:
    """Numbered policy formulas (三个强化, 1+6+N …) per group.

    ``extract`` returns the formulas of a string (``analysis.segment.formulas``).
    ``level="text"`` reads bodies (only groups with text appear),
    ``level="title"`` reads titles (repeated entries once).

    Returns
    -------
    DataFrame
        ``by``, ``formula``, ``mentions``, ``articles_with_formula``,
        ``article_ids``, ``level`` and coverage; sorted by group, mentions
        descending, formula.
    """
    check_level(level)
    field = "text" if level == "text" else "title"
    rows_in = (text_articles(articles) if level == "text"
               else articles[not_duplicate(articles).to_numpy()])
    g = group_series(articles, by)
    rows = [{by: g.loc[aid], "formula": f, "article_id": int(aid)}
            for aid, txt in zip(rows_in["article_id"], rows_in[field])
            for f in extract(txt or "")]
    cols = [by, "formula", "mentions", "articles_with_formula", "article_ids"]
    if not rows:
        out = pd.DataFrame(columns=cols)
    else:
        out = (pd.DataFrame(rows).groupby([by, "formula"], sort=True)["article_id"]
               .agg(mentions="size", articles_with_formula="nunique", article_ids=_id_list)
               .reset_index())
        out = out.sort_values([by, "mentions", "formula"], ascending=[True, False, True],
                              kind="stable").reset_index(drop=True)
    out["level"] = level
    return with_coverage(out, coverage(articles, by), by)


def _id_list(ids: pd.Series) -> str:
    """Sorted unique article ids, space-separated (``"2 5 8"``)."""
    return " ".join(map(str, sorted(set(ids))))


def formulas_near(paragraphs: pd.DataFrame, pattern: str,
                  extract: Callable[[str], list[str]]) -> pd.DataFrame:
    """Formulas in the paragraphs that match ``pattern`` (text-level)."""
    rx = re.compile(pattern)
    rows = [{"article_id": int(r.article_id), "para_id": int(r.para_id), "formula": f}
            for r in paragraphs.itertuples() if rx.search(r.text or "")
            for f in extract(r.text)]
    df = pd.DataFrame(rows, columns=["article_id", "para_id", "formula"])
    out = (df.groupby("formula").agg(mentions=("para_id", "size"),
                                     n_articles=("article_id", "nunique"),
                                     article_ids=("article_id", _id_list))
           .reset_index().sort_values(["mentions", "formula"], ascending=[False, True],
                                      kind="stable").reset_index(drop=True))
    out["level"] = "text"
    return out
