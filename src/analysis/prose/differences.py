"""A difference table as an honest paragraph: estimate, interval, p, p_adj, power,
refits, influence.

The word "significant" is written for a row only when its ``significant`` column is
True (the interval, which inverts the test, excludes zero); whether it survives the
family-wise adjustment (``p_adj``) is said beside it. A null is stated with its
minimum detectable difference, never as "no difference".
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from .text import id_list, listing, number, signed

__all__ = ["article_check_summary", "difference_line", "difference_paragraph", "item_name",
           "title_difference_summary"]


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


def _mde(r: pd.Series, digits: int) -> str:
    power = f"{float(r['mde_power']):.0%}" if "mde_power" in r.index else "80%"
    if pd.isna(r.get("mde")):
        return "no difference within the measure's range is detected with " + power + " power"
    return (f"differences smaller than {number(r['mde'], digits)} in absolute value cannot be "
            f"ruled out (detected with {power} power at these n)")


def _p(value, alpha: float) -> str:
    """A p value at three decimals, or four where three would round it onto ``alpha``
    (0.0504 is not "0.050", which would read as significant at 0.05)."""
    text = number(value, 3)
    if not pd.isna(value) and value != alpha and text == number(alpha, 3):
        text = number(value, 4)
    return text


def _span(values, digits: int) -> str:
    """``0.12`` or ``0.12–0.31``: the range of the non-missing values."""
    v = pd.Series(values, dtype=float).dropna()
    if v.empty:
        return "NA"
    low, high = v.min(), v.max()
    return (number(low, digits) if number(low, digits) == number(high, digits)
            else f"{number(low, digits)}–{number(high, digits)}")


def _verdict(r: pd.Series, alpha: float, digits: int = 3) -> str:
    if str(r["status"]) != "estimated":
        return str(r["status"])
    if r["significant"]:
        adj = ("and it holds after adjusting for the family" if r["significant_adj"]
               else "but not after adjusting for the family")
        return f"**significant** at {alpha:g} (the interval excludes zero), {adj}"
    return f"not significant at {alpha:g}: the interval includes zero; " + _mde(r, digits)


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


def _stability(r: pd.Series, item: str, stability: pd.DataFrame | None) -> str:
    """The topic's matched similarity over refits (``topic_stability``) and, where the
    table has it, its ``stable`` flag: only stable topics are compared."""
    m = re.fullmatch(r"topic_(\d+)", str(r[item]))
    if stability is None or m is None:
        return ""
    st = stability.assign(_t=stability["topic"].astype(int)).set_index("_t")
    t = int(m.group(1))
    if t not in st.index:
        return ""
    row = st.loc[t]
    sim = (f"mean matched similarity {number(row['stability_mean'], 2)} over "
           f"{int(row['n_refits'])} refits, worst {number(row['stability_min'], 2)}")
    if "stable" not in st.columns or pd.isna(row["stable"]):
        return f" Stability: {sim}."
    flag = "stable" if str(row["stable"]) == "True" else "unstable"
    note = row.get("stability_note", "")
    note = (f"; {note}" if isinstance(note, str) and note and note not in str(r["status"])
            else "")
    return f" Stability: {flag} ({sim}{note})."


def _refits(r: pd.Series) -> str:
    if "n_refits" not in r.index or pd.isna(r["n_refits"]) or int(r["n_refits"]) < 1:
        return ""
    n = int(r["n_refits"])
    return (f" Reproducibility over {n} refits of the model: "
            f"{number(r['sign_agreement'] * n, 0)} of {n} agree in sign, and the test "
            f"rejects in {number(r['refit_reject_share'] * n, 0)} of {n}"
            f" (their estimates: {r['refit_estimates']}).")


def difference_line(r: pd.Series, *, alpha: float, item: str = "topic",
                    labels: Mapping | None = None, digits: int = 3,
                    units: Mapping | None = None,
                    stability: pd.DataFrame | None = None) -> str:
    """One Markdown bullet for one row of a difference table; ``stability``
    (``topic_stability``) adds the topic's stability over refits."""
    name = item_name(r[item], labels)
    if pd.isna(r["estimate"]):
        return f"- **{name}**: {r['status']}." + _stability(r, item, stability)
    ci = ("no interval" if pd.isna(r["ci_low"])
          else f"interval [{signed(r['ci_low'], digits)}, {signed(r['ci_high'], digits)}]")
    exact = "exact" if bool(r.get("p_exact", False)) else "Monte Carlo"
    return (f"- **{name}**: {signed(r['estimate'], digits)}, {ci}, "
            f"permutation p = {_p(r['p_value'], alpha)} ({exact}), p_adj = "
            f"{_p(r['p_adj'], alpha)}; {_verdict(r, alpha, digits)}."
            + _stability(r, item, stability) + _refits(r) + _influence(r, digits, units))


def difference_paragraph(diff: pd.DataFrame, *, alpha: float, item: str = "topic",
                         labels: Mapping | None = None, digits: int = 3,
                         units: Mapping | None = None, what: str = "topic",
                         stability: pd.DataFrame | None = None) -> str:
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
    stability : DataFrame, optional
        ``topic_stability`` (topics only): each bullet states the topic's stability.
    """
    r0, n = diff.iloc[0], len(diff)
    tested = diff[diff["status"] == "estimated"]
    head = (f"**{r0['group_a']} − {r0['group_b']}** by `{r0['by']}` "
            f"({r0['n_a']} vs {r0['n_b']} units; {r0['interval']}). A difference is "
            f"significant when its interval excludes zero (p ≤ {alpha:g}); "
            + (f"`p_adj` adjusts by {r0['p_adj_family']}." if len(tested) > 1 else
               f"with one {what} tested, `p_adj` equals p ({r0['p_adj_family']})."))
    skipped = n - len(tested)
    if skipped:
        head += (f" {skipped} of the {n} {what}s {'is' if skipped == 1 else 'are'} not "
                 "tested (their rows say why).")
    sig = tested[tested["significant"].astype(bool)]
    if tested.empty:
        summary = f"No {what} is tested."
    elif sig.empty:
        span = _span(tested["mde"], digits)
        power = (f"{float(tested['mde_power'].iloc[0]):.0%}"
                 if "mde_power" in tested.columns else "the stated")
        if len(tested) == 1:
            summary = (f"The {what} does not differ significantly at {alpha:g}: differences "
                       f"smaller than {span} (its minimum detectable difference, {power} "
                       "power at these n) cannot be ruled out.")
        else:
            summary = (f"None of the {len(tested)} tested {what}s differs significantly at "
                       f"{alpha:g}: differences smaller than {span} (the {what}s' minimum "
                       f"detectable differences, {power} power at these n) cannot be ruled "
                       "out.")
    else:
        adj = sig[sig["significant_adj"].astype(bool)]
        summary = ("Significant: " + listing(item_name(v, labels) for v in sig[item])
                   + f" ({len(sig)} of {len(tested)}; {len(adj)} after the family-wise "
                   "adjustment).")
        if "n_refits" in sig.columns and sig["n_refits"].notna().all():
            summary += (" Over the refits of the model, the test rejects again for " + listing(
                f"{item_name(r[item], labels)} in "
                f"{number(r['refit_reject_share'] * r['n_refits'], 0)} of "
                f"{int(r['n_refits'])}" for _, r in sig.iterrows()) + ".")
        rest = tested[~tested["significant"].astype(bool)]
        if len(rest):
            summary += (f" For the other {len(rest)}, differences smaller than "
                        f"{_span(rest['mde'], digits)} (their minimum detectable differences) "
                        "cannot be ruled out.")
    lines = [difference_line(r, alpha=alpha, item=item, labels=labels, digits=digits,
                             units=units, stability=stability) for _, r in diff.iterrows()]
    if len(tested) <= 1:
        return " ".join([head, summary]) + "\n\n" + "\n".join(lines)
    big = tested.loc[tested["estimate"].abs().idxmax()]
    largest = (f"The largest estimate in absolute value is "
               f"{item_name(big[item], labels)}, {signed(big['estimate'], digits)}.")
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
    if "p_adj_family" in td.columns:
        out.append(f"`p_adj` adjusts by {r0['p_adj_family']}.")
    if passed.empty:
        null = (f"; differences smaller than {_span(td['mde'], digits)} per 1,000 tokens "
                "(the terms' minimum detectable differences) cannot be ruled out"
                if "mde" in td.columns and td["mde"].notna().any() else "")
        out.append(f"None passes (interval excluding zero, p ≤ {alpha:g}){null}.")
        return " ".join(out)
    adj = (f"; {int(passed['significant_adj'].astype(bool).sum())} of them after the "
           "family-wise adjustment" if "significant_adj" in passed.columns else "")
    out.append(f"{len(passed)} pass (interval excluding zero, p ≤ {alpha:g}{adj}):")
    lines = [difference_line(r, alpha=alpha, item="term", digits=digits, units=units)
             for _, r in passed.iterrows()]
    return " ".join(out) + "\n\n" + "\n".join(lines)


def title_difference_summary(td: pd.DataFrame, *, alpha: float, digits: int = 2) -> str:
    """Themes in titles, group ``a`` minus ``b``
    (:func:`analysis.compare.titles.title_theme_difference`): which themes differ, with
    Holm's ``p_adj``, and for the others the differences that cannot be ruled out."""
    if td.empty:
        return "No title theme to compare."
    r0 = td.iloc[0]
    tested = td[td["status"] == "ok"]
    head = (f"**Titles, {r0['group_a']} − {r0['group_b']}** by `{r0['by']}` "
            f"({int(r0['n_a'])} vs {int(r0['n_b'])} unique titles; {r0['test']}; "
            f"interval {r0['interval']}, level {float(r0['ci']):.0%}; `p_adj`: "
            f"{r0['family']}).")
    if tested.empty:
        return head + f" No theme is tested: {r0['status']}."
    sig = tested[tested["significant"].astype(bool)]
    null = tested[~tested["significant"].astype(bool)]
    out = [head]
    if len(sig):
        def theme(r) -> str:
            label = r["theme_label"]
            return label if isinstance(label, str) and label else str(r["theme"])

        out.append(f"{len(sig)} of {len(tested)} themes differ at {alpha:g}: " + listing(
            f"{theme(r)} {signed(r['estimate'], digits)} [{signed(r['ci_low'], digits)}, "
            f"{signed(r['ci_high'], digits)}], p = {number(r['p_value'], 3)}, p_adj = "
            f"{number(r['p_adj'], 3)}" for _, r in sig.iterrows()) + ".")
    if len(null):
        out.append(f"{'None of the' if sig.empty else 'For the other'} {len(null)} "
                   f"{'tested ' if sig.empty else ''}themes"
                   f"{' differs' if sig.empty else ''}: differences in share smaller than "
                   f"{_span(null['mde'], digits)} (their minimum detectable differences, "
                   f"{float(r0['mde_power']):.0%} power) cannot be ruled out.")
    skipped = len(td) - len(tested)
    if skipped:
        out.append(f"{skipped} theme{'s are' if skipped > 1 else ' is'} not tested "
                   "(their rows say why).")
    return " ".join(out)
