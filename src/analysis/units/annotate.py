"""The article table with unit metadata, and reports on the curated corrections.

:func:`annotate` adds the codebook columns (:func:`~analysis.units.classify.classify_unit`)
to an article table and applies curated overrides; :func:`override_report` says
which values were corrected and why; :func:`agreement` summarises it per field;
:func:`metadata_table` is the appendix table.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from ..config import UnitsParams, resolve
from ..gazetteer import Gazetteer, load_gazetteer
from .classify import classify_unit
from .codebook import FIELDS
from .overrides import OverrideError, apply_overrides, check_value, load_overrides

__all__ = ["METADATA_COLUMNS", "REPORT_COLUMNS", "agreement", "annotate", "annotate_corpus",
           "metadata_table", "override_report"]

METADATA_COLUMNS = [
    "article_id", "title", "section", "text_status", "unit_type", "admin_level", "tier",
    "province", "place", "unit_type_source", "admin_level_source", "tier_source",
    "province_source", "place_source", "unit_note", "override_reason",
]
REPORT_COLUMNS = ["article_id", "title", "field", "classifier", "curated", "changed", "reason"]


def _body(text) -> str | None:
    return text if isinstance(text, str) else None


def _check_own(articles: pd.DataFrame, field: str, gazetteer: Gazetteer) -> None:
    """A corpus's own codebook column must hold codebook values (place is free text)."""
    for aid, value in zip(articles["article_id"], articles[field]):
        problem = pd.notna(value) and check_value(field, value, gazetteer.provinces)
        if problem:
            raise OverrideError(f"article {aid}: the corpus's own column {problem}; "
                                "rename the column to keep it as plain metadata")


def annotate(articles: pd.DataFrame, overrides: pd.DataFrame | None = None, *,
             gazetteer: Gazetteer, max_gap: int = UnitsParams.max_gap,
             campaign_words: tuple[str, ...] = UnitsParams.campaign_words,
             classify: str = UnitsParams.classify) -> pd.DataFrame:
    """Add the unit columns to an article table, then apply curated overrides.

    Parameters
    ----------
    articles : DataFrame
        With ``article_id``, ``title`` and ``text`` (empty for title-only entries).
        A codebook column it already has (a corpus's own ``unit_type``, ``tier`` …)
        is kept as given, with source ``corpus``.
    overrides : DataFrame, optional
        From :func:`~analysis.units.overrides.load_overrides`.
    gazetteer, max_gap, campaign_words
        As in :func:`~analysis.units.classify.classify_unit`.
    classify : {"titles", "none"}
        Read the other codebook columns from titles (and bodies), or leave them missing.

    Returns
    -------
    DataFrame
        A copy with ``unit_type``, ``admin_level``, ``tier``, ``province``,
        ``place``, ``unit_note``, ``override_reason`` and ``<field>_source``
        (``rule`` | ``body`` | ``corpus`` | ``override``) for each field.
    """
    out = articles.copy()
    own = [f for f in FIELDS if f in articles.columns]
    if classify == "titles":
        infos = [classify_unit(t, _body(x), gazetteer=gazetteer, max_gap=max_gap,
                               campaign_words=campaign_words)
                 for t, x in zip(out["title"], out["text"])]
    elif classify == "none":
        infos = None
    else:
        raise ValueError(f"classify must be 'titles' or 'none', not {classify!r}")
    for f in FIELDS:
        if f in own:
            out[f] = [v if isinstance(v, str) and v else None for v in articles[f]]
            _check_own(out, f, gazetteer)
        else:
            out[f] = [getattr(i, f) for i in infos] if infos else None
    out["unit_note"] = [i.note for i in infos] if infos else None
    for f in FIELDS:
        if f in own:
            out[f"{f}_source"] = [None if pd.isna(v) else "corpus" for v in out[f]]
        else:
            out[f"{f}_source"] = [getattr(i, f"{f}_source") for i in infos] if infos else None
    out["override_reason"] = None
    if overrides is not None and len(overrides):
        out = apply_overrides(out, overrides)
    return out


def annotate_corpus(corpus, p: UnitsParams, *, root: Path):
    """``corpus`` with its articles annotated and the overrides of ``p`` applied.

    Parameters
    ----------
    corpus : analysis.corpus.Corpus
    p : UnitsParams
        Gazetteer and overrides files (relative to ``root``), ``max_gap``,
        ``campaign_words``.
    root : Path
        Folder the relative paths of ``p`` resolve against.

    Returns
    -------
    Corpus
        A copy whose ``articles`` carry the unit columns.
    """
    gazetteer = load_gazetteer(resolve(p.gazetteer, root))
    overrides = (load_overrides(resolve(p.overrides, root), corpus.articles, gazetteer=gazetteer,
                                corpus_sha256=corpus.sha256)
                 if p.overrides else None)
    articles = annotate(corpus.articles, overrides, gazetteer=gazetteer, max_gap=p.max_gap,
                        campaign_words=p.campaign_words, classify=p.classify)
    return dataclasses.replace(corpus, articles=articles)


def override_report(articles: pd.DataFrame, *, gazetteer: Gazetteer,
                    max_gap: int = UnitsParams.max_gap,
                    campaign_words: tuple[str, ...] = UnitsParams.campaign_words
                    ) -> pd.DataFrame:
    """Where the curated values differ from the classifier's, and why.

    One row per overridden (article, field): ``article_id``, ``title``,
    ``field``, ``classifier`` value, ``curated`` value, ``changed`` and ``reason``.
    The classifier is re-run on the title and text (with the same ``gazetteer``,
    ``max_gap`` and ``campaign_words`` as :func:`annotate`), so the report needs
    only the annotated table.
    """
    rows = []
    for r in articles.sort_values("article_id", kind="stable").to_dict("records"):
        fields = [f for f in FIELDS if r.get(f"{f}_source") == "override"]
        if not fields:
            continue
        info = classify_unit(r["title"], _body(r["text"]), gazetteer=gazetteer,
                             max_gap=max_gap, campaign_words=campaign_words)
        for f in fields:
            before, after = getattr(info, f), r[f]
            after = None if pd.isna(after) else after
            rows.append({"article_id": r["article_id"], "title": r["title"], "field": f,
                         "classifier": before, "curated": after, "changed": before != after,
                         "reason": r["override_reason"]})
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def agreement(report: pd.DataFrame, *, n_articles: int) -> pd.DataFrame:
    """Per field: articles, how many the curation changed, and the agreement rate.

    Parameters
    ----------
    report : DataFrame
        :func:`override_report`.
    n_articles : int
        Articles in the corpus (the denominator).
    """
    n = n_articles
    rows = []
    for f in FIELDS:
        changed = int(report.loc[(report["field"] == f) & report["changed"], "article_id"].nunique())
        rows.append({"field": f, "n_articles": n, "n_overridden": changed,
                     "agreement": round((n - changed) / n, 4) if n else float("nan")})
    rows.append({"field": "any", "n_articles": n,
                 "n_overridden": int(report.loc[report["changed"], "article_id"].nunique()),
                 "agreement": None})
    return pd.DataFrame(rows)


def metadata_table(articles: pd.DataFrame) -> pd.DataFrame:
    """The appendix table: one row per article, every value with its source."""
    return (articles[METADATA_COLUMNS].sort_values("article_id", kind="stable")
            .reset_index(drop=True))
