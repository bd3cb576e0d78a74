"""Correspondence analysis of terms × groups (symmetric map, principal coordinates)."""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.evidence import COVERAGE_COLUMNS, NoTextError, coverage

from .keyness import term_group_table

__all__ = ["correspondence", "correspondence_analysis"]


def correspondence_analysis(table: pd.DataFrame, *, n_components: int = 2) -> dict:
    """Correspondence analysis of a non-negative contingency table by SVD.

    Standardised residuals S = D_r^{-1/2} (P − r cᵀ) D_c^{-1/2}; principal
    coordinates are D_r^{-1/2} U Σ (rows) and D_c^{-1/2} V Σ (columns).
    Signs are fixed so that the column with the largest |coordinate| on each
    axis is positive, so results are deterministic.

    Returns
    -------
    dict
        ``rows`` / ``columns`` (DataFrames of principal coordinates, mass and
        contribution to inertia), ``eigenvalues`` (principal inertias of the
        kept axes), ``total_inertia`` and ``explained`` (share per axis).
    """
    n = table.to_numpy(dtype=float)
    if (n < 0).any():
        raise ValueError("contingency table must be non-negative")
    table = table.loc[n.sum(axis=1) > 0, n.sum(axis=0) > 0]
    n = table.to_numpy(dtype=float)
    p = n / n.sum()
    r, c = p.sum(axis=1), p.sum(axis=0)
    s = (p - np.outer(r, c)) / np.sqrt(np.outer(r, c))
    u, sv, vt = np.linalg.svd(s, full_matrices=False)
    k = min(n_components, min(n.shape) - 1)
    if k < 1:
        raise ValueError("correspondence analysis needs at least 2 rows and 2 columns")
    u, sv, v = u[:, :k], sv[:k], vt[:k].T
    flip = np.sign(v[np.abs(v).argmax(axis=0), range(k)])
    u, v = u * flip, v * flip
    dims = [f"dim{i + 1}" for i in range(k)]
    f = pd.DataFrame(u * sv / np.sqrt(r)[:, None], index=table.index, columns=dims)
    g = pd.DataFrame(v * sv / np.sqrt(c)[:, None], index=table.columns, columns=dims)
    f["mass"], g["mass"] = r, c
    f["inertia"] = (s ** 2).sum(axis=1)
    g["inertia"] = (s ** 2).sum(axis=0)
    total = float((s ** 2).sum())
    return {"rows": f, "columns": g, "eigenvalues": sv ** 2,
            "total_inertia": total, "explained": sv ** 2 / total}


def correspondence(tokens: Mapping, articles: pd.DataFrame, by: str, *,
                   level: str = "text", n_terms: int = 60,
                   n_components: int = 2) -> pd.DataFrame:
    """CA of terms × groups as one long table for CSV and plotting.

    Only groups with tokens at ``level`` enter (for ``"text"``: groups with
    body text).

    Returns
    -------
    DataFrame
        ``kind`` (``term``/``group``), ``label``, ``dim1`` …, ``mass``,
        ``inertia``, ``freq``; ``explained_dimK`` (share of inertia per axis),
        ``total_inertia``, ``level`` and the coverage columns.

    Raises
    ------
    NoTextError
        With fewer than two groups that have tokens.
    """
    table = term_group_table(tokens, articles, by, level=level, n_terms=n_terms)
    if table.shape[1] < 2:
        raise NoTextError(f"{level}-level CA by {by!r} needs two groups with tokens; "
                          f"found {list(table.columns)}")
    ca = correspondence_analysis(table, n_components=n_components)
    rows = ca["rows"].assign(kind="term", freq=table.sum(axis=1))
    cols = ca["columns"].assign(kind="group", freq=table.sum(axis=0))
    out = pd.concat([cols, rows]).rename_axis("label").reset_index()
    for i, e in enumerate(ca["explained"]):
        out[f"explained_dim{i + 1}"] = e
    out["total_inertia"], out["level"] = ca["total_inertia"], level
    cov = coverage(articles, by).rename(columns={by: "label"})
    out = out.merge(cov, on="label", how="left")
    # Terms have no coverage: integer columns with missing values stay integers.
    for col in COVERAGE_COLUMNS[:-3]:
        out[col] = out[col].astype("Int64")
    dims = [c for c in out.columns if re.fullmatch(r"dim\d+", c)]
    return out[["kind", "label", *dims, "mass", "inertia", "freq",
                *[c for c in out.columns if c.startswith("explained_")],
                "total_inertia", "level", *COVERAGE_COLUMNS]]
