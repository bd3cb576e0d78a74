"""What text a result stands on: text statuses, coverage, and captions built from it.

Every figure and table says whether it rests on article bodies (text-level) or on
table-of-contents titles (title-level). The words of that statement come from the
corpus at hand (:class:`Coverage`), never from facts about one compilation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "COVERAGE_COLUMNS", "Contrast", "Coverage", "MISSING_GROUP", "NO_TEXT_STATUS", "NoTextError",
    "RESERVED_GROUP_NAMES",
    "TEXT_STATUSES", "coverage", "coverage_labels", "evidence_label", "group_series",
    "has_text", "not_duplicate", "resolve_contrast",
]

#: ``text_status`` values that mean an article has body text.
TEXT_STATUSES = ("full", "truncated")
MISSING_GROUP = "(missing)"
NO_TEXT_STATUS = "no text: no text-level estimate"
COVERAGE_COLUMNS = ["n_articles", "n_text", "n_full", "n_truncated", "n_title_only",
                    "n_duplicates", "n_chars", "n_tokens", "evidence"]
#: Columns that group tables write beside the grouping column: a metadata column of
#: one of these names could not be told apart from them, so it cannot be a group.
RESERVED_GROUP_NAMES = frozenset(COVERAGE_COLUMNS) | {
    "actor", "article_ids", "articles_a", "articles_b", "articles_mentioning",
    "articles_with_formula", "by", "ci_excludes_zero", "ci_high", "ci_low", "correction",
    "direction", "docs", "docs_rest", "estimate", "evidence_a", "evidence_b", "formula",
    "freq", "freq_rest", "g2", "group_a", "group_b", "key", "keyness_group", "label",
    "level", "log_ratio", "measure", "mentions", "n_a", "n_b", "n_docs", "n_docs_rest",
    "n_units", "name_en", "p_adjusted", "p_value", "pattern", "per_10k", "per_10k_chars",
    "per_10k_rest", "per_1k_tokens", "share_articles", "significant", "size", "size_rest",
    "status", "term", "text_articles_mentioning", "text_mentions", "text_status_note",
    "title_mentions", "titles_mentioning", "topic", "value"}


class NoTextError(ValueError):
    """A text-level result was asked of a group that has (too little) body text."""


def has_text(articles: pd.DataFrame) -> pd.Series:
    """Boolean per ``article_id``: the article has body text (full or truncated)."""
    return pd.Series(articles["text_status"].isin(TEXT_STATUSES).to_numpy(),
                     index=articles["article_id"].to_numpy())


def not_duplicate(articles: pd.DataFrame) -> pd.Series:
    """Boolean per ``article_id``: not a repeated TOC entry (``duplicate_of`` unset).

    Title-level analyses skip repeated entries so one title is not counted twice.
    """
    dup = (articles["duplicate_of"].notna() if "duplicate_of" in articles.columns
           else pd.Series(False, index=articles.index))
    return pd.Series((~dup).to_numpy(), index=articles["article_id"].to_numpy())


def group_series(articles: pd.DataFrame, by: str) -> pd.Series:
    """Group name per ``article_id``; missing values become ``"(missing)"``."""
    if by not in articles.columns:
        raise KeyError(f"grouping column {by!r} not in articles "
                       f"(columns: {', '.join(map(str, articles.columns))})")
    if by in RESERVED_GROUP_NAMES:
        raise ValueError(f"grouping column {by!r} has the name of a column the group tables "
                         "write themselves; rename it in the corpus")
    g = articles[by].astype(object).where(articles[by].notna(), MISSING_GROUP)
    return pd.Series(g.astype(str).to_numpy(), index=articles["article_id"].to_numpy(),
                     name=by)


def _token_counts(tokens) -> pd.Series | None:
    if tokens is None:
        return None
    if isinstance(tokens, pd.Series) and pd.api.types.is_numeric_dtype(tokens):
        return tokens.astype(float)
    return pd.Series({k: float(len(v)) for k, v in dict(tokens).items()}, dtype=float)


def coverage(articles: pd.DataFrame, by: str, tokens=None) -> pd.DataFrame:
    """What text each group stands on.

    Parameters
    ----------
    articles : DataFrame
        ``article_id``, ``text_status``, ``n_chars`` (or ``text``) and ``by``.
    by : str
        Grouping column; missing values become ``"(missing)"``.
    tokens : mapping article_id -> token list, or Series of counts, optional
        Body tokens, to report ``n_tokens`` (NaN when not given).

    Returns
    -------
    DataFrame
        One row per group (sorted): ``n_articles``, ``n_text`` (full or truncated),
        ``n_full``, ``n_truncated``, ``n_title_only``, ``n_duplicates``, ``n_chars``,
        ``n_tokens`` and ``evidence``: ``"text"`` (every article has a body),
        ``"title-only"`` (none has) or ``"mixed"``.
    """
    g = group_series(articles, by)
    status = pd.Series(articles["text_status"].to_numpy(), index=g.index)
    n_chars = (articles["n_chars"] if "n_chars" in articles.columns
               else articles.get("text", pd.Series("", index=articles.index)).fillna("").str.len())
    chars = pd.Series(n_chars.fillna(0).to_numpy(), index=g.index)
    counts = _token_counts(tokens)
    dup = ~not_duplicate(articles)
    rows = []
    for name in sorted(g.unique()):
        ids = g.index[g == name]
        st = status.loc[ids]
        text = st.isin(TEXT_STATUSES)
        n_text = int(text.sum())
        n_tok = (float(counts.reindex(ids[text.to_numpy()]).fillna(0).sum())
                 if counts is not None else np.nan)
        rows.append({
            by: name, "n_articles": len(ids), "n_text": n_text,
            "n_full": int((st == "full").sum()),
            "n_truncated": int((st == "truncated").sum()),
            "n_title_only": int((st == "title_only").sum()),
            "n_duplicates": int(dup.reindex(ids).sum()),
            "n_chars": int(chars.loc[ids].sum()), "n_tokens": n_tok,
            "evidence": ("title-only" if n_text == 0
                         else "text" if n_text == len(ids) else "mixed"),
        })
    return pd.DataFrame(rows, columns=[by, *COVERAGE_COLUMNS])


def coverage_labels(cov: pd.DataFrame, by: str) -> dict[str, str]:
    """Tick labels that show coverage: ``"county\\n(n=10, text 10)"``."""
    return {r[by]: f"{r[by]}\n(n={r['n_articles']}, text {r['n_text']})"
            for _, r in cov.iterrows()}


@dataclass(frozen=True)
class Coverage:
    """Counts of one corpus's text statuses: what its captions may say."""

    n_articles: int
    n_full: int
    n_truncated: int
    n_title_only: int
    n_duplicates: int = 0

    @property
    def n_text(self) -> int:
        return self.n_full + self.n_truncated

    @classmethod
    def of(cls, articles: pd.DataFrame) -> "Coverage":
        st = articles["text_status"]
        return cls(n_articles=len(articles), n_full=int((st == "full").sum()),
                   n_truncated=int((st == "truncated").sum()),
                   n_title_only=int((st == "title_only").sum()),
                   n_duplicates=int((~not_duplicate(articles)).sum()))


def _articles(n: int) -> str:
    return f"{n} article" + ("" if n == 1 else "s")


def evidence_label(level: str, cov: Coverage) -> str:
    """The caption line a figure must carry about the text it stands on.

    Parameters
    ----------
    level : {"text", "title", "mixed"}
    cov : Coverage
        Coverage of the articles the figure draws on.
    """
    if level == "text":
        cut = f"; {cov.n_truncated} truncated by the source" if cov.n_truncated else ""
        return (f"text-level: article bodies ({cov.n_text} of "
                f"{_articles(cov.n_articles)} have text{cut})")
    if level == "title":
        n = cov.n_articles - cov.n_duplicates
        return f"title-level: table-of-contents titles only ({n} unique titles)"
    if level == "mixed":
        return (f"mixed: bodies where available ({_articles(cov.n_text)}), "
                f"titles elsewhere ({_articles(cov.n_title_only)})")
    raise ValueError(f"level must be 'text', 'title' or 'mixed', not {level!r}")


@dataclass(frozen=True)
class Contrast:
    """The one two-group comparison of a run (``[contrast]``), resolved on a corpus.

    Attributes
    ----------
    by : grouping column.
    a, b : the groups, estimates are ``a`` minus ``b``.
    articles : the articles the comparison may use (within the restriction).
    clusters : ``article_id`` → unit key (``cluster_by``), or None (one unit per article).
    description : one line naming the groups, the restriction and the units.
    """

    by: str
    a: str
    b: str
    articles: pd.DataFrame
    clusters: pd.Series | None
    description: str

    @property
    def pair(self) -> tuple[str, str]:
        return self.a, self.b


def resolve_contrast(articles: pd.DataFrame, p) -> Contrast:
    """The groups of ``[contrast]`` (``p``) on these articles.

    With ``groups = []`` the two groups with most text articles are taken (ties
    by name). Raises :class:`NoTextError` naming the reason when the comparison
    cannot be made (a column is missing, or fewer than two groups have text).
    """
    for col in [p.by, p.within_col, p.cluster_by]:
        if col and col not in articles.columns:
            raise NoTextError(f"[contrast]: the articles have no column {col!r}")
    arts = articles
    if p.within_col:
        arts = arts[arts[p.within_col].astype(str) == p.within_value]
    cov = coverage(arts, p.by)
    with_text = cov[cov["n_text"] > 0].sort_values(["n_text", p.by],
                                                   ascending=[False, True], kind="stable")
    if p.groups:
        a, b = p.groups
        missing = [g for g in (a, b) if g not in set(with_text[p.by])]
        if missing:
            raise NoTextError(f"[contrast] groups {missing} of {p.by!r} have no article "
                              "with body text; no text-level comparison")
    elif len(with_text) < 2:
        raise NoTextError(f"[contrast]: only {len(with_text)} {p.by!r} group(s) have body "
                          "text; a comparison needs two")
    else:
        a, b = with_text[p.by].iloc[:2]
    clusters = None
    if p.cluster_by:
        key = arts.set_index("article_id")[p.cluster_by]
        clusters = key.where(key.notna() & (key.astype(str) != ""), None)
    within = f", within {p.within_col} = {p.within_value}" if p.within_col else ""
    units = f"; articles with the same {p.cluster_by} count as one unit" if p.cluster_by else ""
    return Contrast(by=p.by, a=str(a), b=str(b), articles=arts, clusters=clusters,
                    description=f"{p.by}: {a} vs {b}{within}{units}")
