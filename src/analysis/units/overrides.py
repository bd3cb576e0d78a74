"""Curated corrections of the classifier: ``data/metadata/overrides.csv``.

Each row names an article (by ``article_id`` and its TOC ``title``), the codebook
values to set and the reason. :func:`load_overrides` checks every value against
the codebook and names the file and line of any problem; :func:`apply_overrides`
writes the values into an annotated article table, marking their source.
"""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import pandas as pd

from ..curation import CurationWarning, recorded_corpus
from ..gazetteer import Gazetteer
from .codebook import ADMIN_LEVELS, FIELDS, TIER_OF, TIERS, UNIT_TYPES

__all__ = ["MISSING", "OVERRIDE_COLUMNS", "OverrideError", "apply_overrides", "check_value",
           "load_overrides"]

OVERRIDE_COLUMNS = ("article_id", "title", *FIELDS, "reason")
#: Written in an override cell to set a value to missing (empty means "keep").
MISSING = "none"


class OverrideError(ValueError):
    """An overrides file breaks the codebook; the message names file and line."""


def check_value(fieldname: str, value: str, provinces: frozenset) -> str | None:
    """Why ``value`` is not a codebook value of ``fieldname`` (None when it is)."""
    allowed = {"unit_type": UNIT_TYPES, "admin_level": ADMIN_LEVELS, "tier": TIERS,
               "province": tuple(sorted(provinces))}.get(fieldname)
    if allowed is not None and value not in allowed:
        return f"{fieldname} {value!r} is not a codebook value (allowed: {', '.join(allowed)})"
    return None


def _mismatch(rec: dict, known: dict | None) -> str | None:
    """Why an override row does not name an article of this corpus (None: it does)."""
    try:
        article_id = int(rec["article_id"])
    except ValueError:
        return None  # a malformed id is an error of the file, not of the corpus
    if known is None:
        return None
    if article_id not in known:
        return f"unknown article_id {article_id}"
    if rec["title"] and rec["title"] != known[article_id]:
        return (f"title {rec['title']!r} is not the title of article {article_id} "
                f"({known[article_id]!r})")
    return None


def _check_row(rec: dict, where: str, known: dict | None, seen: set[int],
               provinces: frozenset) -> dict:
    """One validated override row (``tier`` filled in from ``admin_level``)."""
    try:
        article_id = int(rec["article_id"])
    except ValueError:
        raise OverrideError(f"{where}: article_id {rec['article_id']!r} is not a number") from None
    problem = _mismatch(rec, known)
    if problem:
        raise OverrideError(f"{where}: {problem}")
    if article_id in seen:
        raise OverrideError(f"{where}: article {article_id} is overridden twice")
    seen.add(article_id)
    if not rec["reason"]:
        raise OverrideError(f"{where}: article {article_id} has no reason")
    for f in FIELDS:
        if rec[f] and rec[f] != MISSING:
            problem = check_value(f, rec[f], provinces)
            if problem:
                raise OverrideError(f"{where}: {problem}")
    if not any(rec[f] for f in FIELDS):
        raise OverrideError(f"{where}: article {article_id} sets no value")
    if rec["admin_level"] and rec["admin_level"] != MISSING:
        derived = TIER_OF[rec["admin_level"]]
        if rec["tier"] and rec["tier"] != derived:
            raise OverrideError(f"{where}: tier {rec['tier']!r} contradicts admin_level "
                                f"{rec['admin_level']!r} (tier {derived!r})")
        rec["tier"] = derived
    return {"article_id": article_id, **{f: rec[f] for f in ("title", *FIELDS, "reason")}}


def load_overrides(path: str | Path, articles: pd.DataFrame | None = None, *,
                   gazetteer: Gazetteer, corpus_sha256: str | None = None) -> pd.DataFrame:
    """Read and validate an overrides file (``data/metadata/overrides.csv``).

    One row per corrected article: ``article_id``, ``title`` (as in the table of
    contents, checked against ``articles``), the codebook fields to set (empty
    keeps the classifier's value, ``none`` sets it missing) and a ``reason``.
    Lines starting with ``#`` are comments. If ``admin_level`` is set and
    ``tier`` is not, the tier follows from the codebook.

    Parameters
    ----------
    path : str or Path
    articles : DataFrame, optional
        ``article_id`` and ``title`` of the corpus the overrides belong to.
    gazetteer : Gazetteer
        Its provinces are the allowed ``province`` values.
    corpus_sha256 : str, optional
        The corpus at hand. When the file records another corpus (a
        ``# corpus_sha256:`` comment, :mod:`analysis.curation`), rows naming an
        unknown article or another title are skipped, listed in one
        :class:`~analysis.curation.CurationWarning`; rows that match are used.

    Raises
    ------
    OverrideError
        Unknown column, article_id or codebook value, a title that does not
        match (in a file made for this corpus or recording none), a repeated
        article, no value set, or no reason; the message names the file and line.
        A file with a header and no rows is valid.
    """
    path = Path(path)
    known = None if articles is None else dict(zip(articles["article_id"].astype(int),
                                                   articles["title"]))
    with open(path, encoding="utf-8-sig", newline="") as fh:
        lines = [(n, line) for n, line in enumerate(fh, start=1)
                 if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise OverrideError(f"{path}: no header line")
    reader = csv.reader([line for _, line in lines])
    header = [h.strip() for h in next(reader)]
    if set(header) != set(OVERRIDE_COLUMNS) or len(header) != len(OVERRIDE_COLUMNS):
        raise OverrideError(f"{path}: line {lines[0][0]}: columns must be "
                            f"{', '.join(OVERRIDE_COLUMNS)}; found {', '.join(header)}")
    recorded = recorded_corpus(path)
    other = corpus_sha256 is not None and recorded not in (None, corpus_sha256.lower())
    rows, seen, skipped = [], set(), []
    for (lineno, _), values in zip(lines[1:], reader):
        where = f"{path}: line {lineno}"
        if len(values) != len(header):
            raise OverrideError(f"{where}: {len(values)} fields where {len(header)} are expected")
        rec = {h: v.strip() for h, v in zip(header, values)}
        problem = _mismatch(rec, known) if other else None
        if problem:
            skipped.append(f"line {lineno}: {problem}")
            continue
        rows.append(_check_row(rec, where, known, seen, gazetteer.provinces))
    if skipped:
        warnings.warn(f"{path}: made for corpus {recorded[:12]}…, not this one "
                      f"({corpus_sha256[:12]}…); {len(skipped)} override(s) that do not match "
                      f"it are skipped: " + "; ".join(skipped), CurationWarning, stacklevel=2)
    return pd.DataFrame(rows, columns=list(OVERRIDE_COLUMNS))


def apply_overrides(articles: pd.DataFrame, overrides: pd.DataFrame) -> pd.DataFrame:
    """``articles`` (annotated) with the curated values set and their source ``override``.

    Raises
    ------
    OverrideError
        If an override names an article that is not in ``articles``.
    """
    out = articles.copy()
    index = {a: i for i, a in enumerate(out["article_id"].astype(int))}
    unknown = sorted(set(overrides["article_id"]) - set(index))
    if unknown:
        raise OverrideError(f"overrides name article(s) not in the corpus: {unknown}")
    for rec in overrides.to_dict("records"):
        i = out.index[index[int(rec["article_id"])]]
        for f in FIELDS:
            if rec[f]:
                out.at[i, f] = None if rec[f] == MISSING else rec[f]
                out.at[i, f"{f}_source"] = "override"
        out.at[i, "override_reason"] = rec["reason"]
    return out
