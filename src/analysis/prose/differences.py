"""A difference table as an honest paragraph: estimate, interval, p, q, refits, influence.

The word "significant" is written for a row only when its ``significant`` column
is True (interval excludes zero and BH q below alpha); every other row says which
condition it fails.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from .text import id_list, listing, number, signed

__all__ = ["article_check_summary", "difference_line", "difference_paragraph", "item_name"]


def item_name(item, labels: Mapping | None = None) -> str:
    """Display name of a table item: its label in ``labels``, else ``T3`` for
    ``topic_3``, else the item itself."""
    if labels and item in labels:
        return str(labels[item])
    m = re.fullmatch(r"topic_(\d+)", str(item))
    return f"T{m.group(1)}" if m else str(item)


def _unit(unit: str, units: Mapping | None) -> str:
    ids = (units or {}).get(unit)
    if not ids or unit.startswith("article "):
        return unit
    return f"{unit} ({id_list(ids)})"


def _verdict(r: pd.Series, alpha: float) -> str:
    if r["significant"]:
        return "**significant**"
    fails = []
    if pd.isna(r["ci_low"]):
        fails.append("no interval (" + str(r["status"]).removeprefix("point only: ") + ")")
    elif not r["ci_excludes_zero"]:
        fails.append("the interval includes zero")
    if not r["q_value"] < alpha:
        fails.append(f"q is not below {alpha:g}")
    return "does not pass: " + " and ".join(fails)


def _influence(r: pd.Series, digits: int, units: Mapping | None) -> str:
    if "loo_min" not in r.index or pd.isna(r["loo_min"]):
        return ""
    verdict = ("the verdict changes when one unit is left out" if r["loo_conclusion_flips"]
               else "the verdict holds whichever unit is left out")
    sign = "; the sign flips for some unit left out" if r["loo_sign_flips"] else ""
    return (f" Leaving one unit out: {signed(r['loo_min'], digits)} to "
            f"{signed(r['loo_max'], digits)}; the most influential unit is "
            f"{_unit(str(r['loo_most_influential']), units)}, without it "
            f"{signed(r['loo_estimate_without'], digits)}; {verdict}{sign}.")


def difference_line(r: pd.Series, *, alpha: float, item: str = "topic",
                    labels: Mapping | None = None, digits: int = 3,
                    units: Mapping | None = None) -> str:
    """One Markdown bullet for one row of a difference table."""
    ci = ("no interval" if pd.isna(r["ci_low"])
          else f"interval [{signed(r['ci_low'], digits)}, {signed(r['ci_high'], digits)}]")
    exact = "exact" if bool(r.get("p_exact", False)) else "Monte Carlo"
    seeds = ""
    if int(r["n_seeds"]) > 1:
        seeds = (f"; {number(r['sign_agreement'], 2)} of the {int(r['n_seeds'])} model "
                 f"refits agree in sign (sd over refits {number(r['estimate_sd_seeds'], digits)})")
    return (f"- **{item_name(r[item], labels)}**: {signed(r['estimate'], digits)}, {ci}, "
            f"permutation p = {number(r['p_value'], 3)} ({exact}), q = "
            f"{number(r['q_value'], 3)}; {_verdict(r, alpha)}{seeds}."
            + _influence(r, digits, units))


def difference_paragraph(diff: pd.DataFrame, *, alpha: float, item: str = "topic",
                         labels: Mapping | None = None, digits: int = 3,
                         units: Mapping | None = None, what: str = "topic") -> str:
    """A difference table (:func:`analysis.compare.prevalence.prevalence_difference`,
    actor or term differences) as a lead paragraph and one bullet per row.

    Parameters
    ----------
    diff : DataFrame
        One row per item with the columns of
        :func:`analysis.compare.inference.difference`, ``group_a``/``group_b``, ``by``.
    alpha : float
        The level of ``significant`` (``[compare] alpha``).
    item : str
        Column naming the rows; ``labels`` maps its values to display names.
    digits : int
        Decimals of estimates and intervals (p and q always three).
    units : mapping, optional
        Unit key → article ids (:func:`analysis.prose.contrast_units`).
    what : str
        What a row is (singular noun).
    """
    r0, n = diff.iloc[0], len(diff)
    across = f"its BH q across the {n} {what}s" if n > 1 else "its q"
    head = (f"**{r0['group_a']} − {r0['group_b']}** by `{r0['by']}` "
            f"({r0['n_a']} vs {r0['n_b']} units; {r0['interval']}). A difference counts only "
            f"when its interval excludes zero and {across} is below {alpha:g}.")
    sig = diff[diff["significant"].astype(bool)]
    if sig.empty:
        summary = (f"None of the {n} {what}s passes both conditions." if n > 1
                   else "It does not pass both conditions.")
    else:
        summary = ("Significant: " + listing(item_name(v, labels) for v in sig[item])
                   + f" ({len(sig)} of {n}).")
    big = diff.loc[diff["estimate"].abs().idxmax()]
    largest = (f"The largest estimate in absolute value is "
               f"{item_name(big[item], labels)}, {signed(big['estimate'], digits)}.")
    lines = [difference_line(r, alpha=alpha, item=item, labels=labels, digits=digits,
                             units=units) for _, r in diff.iterrows()]
    return " ".join([head, summary, largest]) + "\n\n" + "\n".join(lines)




def article_check_summary(td: pd.DataFrame, *, alpha: float, digits: int = 2,
                          units: Mapping | None = None) -> str:
    """Key terms re-tested over articles (:func:`analysis.compare.keyness_article_check`):
    how many pass, which, and how many occur in one document of their group only."""
    if td.empty:
        return "No key term to re-test."
    r0 = td.iloc[0]
    one = td[td["docs"] < 2] if "docs" in td.columns else td.iloc[:0]
    passed = td[td["significant"].astype(bool)]
    out = [f"{len(td)} terms that G² flags for {r0['group_a']} or {r0['group_b']} were "
           f"re-tested as {r0['measure']} ({r0['n_a']} vs {r0['n_b']} units; selected on the "
           f"same data, so this is a robustness filter). {len(one)} of them occur in one "
           f"document of their group only."]
    if passed.empty:
        out.append(f"None passes (interval excluding zero and q below {alpha:g}).")
        return " ".join(out)
    out.append(f"{len(passed)} pass (interval excluding zero and q below {alpha:g}):")
    lines = [difference_line(r, alpha=alpha, item="term", digits=digits, units=units)
             for _, r in passed.iterrows()]
    return " ".join(out) + "\n\n" + "\n".join(lines)
