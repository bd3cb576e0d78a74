"""``num_topics = "auto"``: K chosen from the K sweep (:func:`~analysis.topics.select.select_k`)
by a stated rule.

Kept apart from ``select.py`` so that the sweep's cache key (the code that computes
it, :data:`~analysis.topics.select.SELECT_K_CODE`) does not depend on the rule.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["AUTO_K_RULE", "choose_k"]

#: The rule of ``num_topics = "auto"``, as written next to its result.
AUTO_K_RULE = ("highest mean NPMI over seeds; ties at 6 significant digits: higher mean "
               "stability, then smaller K")


def choose_k(k_table: pd.DataFrame) -> tuple[int, pd.DataFrame]:
    """K for ``num_topics = "auto"`` from a :func:`select_k` table, and the rule's inputs.

    The rule (:data:`AUTO_K_RULE`): the K with the highest ``npmi_mean``; means
    are compared as written (6 significant digits, ``%.6g``), so a tie is a tie
    in the results table too, and is broken by the higher ``stability_mean``,
    then by the smaller K (fewer topics to read when the data cannot tell).

    Returns
    -------
    k : int
    table : DataFrame
        One row per K: ``k``, ``npmi_mean``, ``npmi_sd``, ``stability_mean``,
        ``stability_sd``, ``n_seeds``, ``rank`` (1 = chosen), ``chosen``, ``rule``.
    """
    if k_table.empty:
        raise ValueError("num_topics = 'auto': the K sweep is empty")
    cols = ["k", "npmi_mean", "npmi_sd", "stability_mean", "stability_sd", "n_seeds"]
    table = k_table[cols].copy()
    as_written = table[["npmi_mean", "stability_mean"]].map(lambda v: float(f"{v:.6g}"))
    order = (table.assign(_npmi=as_written["npmi_mean"], _stab=as_written["stability_mean"])
             .sort_values(["_npmi", "_stab", "k"], ascending=[False, False, True],
                          kind="stable", na_position="last"))
    table["rank"] = pd.Series(range(1, len(order) + 1), index=order.index)
    table["chosen"] = table["rank"] == 1
    table["rule"] = AUTO_K_RULE
    k = int(table.loc[table["chosen"], "k"].iloc[0])
    return k, table.sort_values("k", kind="stable").reset_index(drop=True)
