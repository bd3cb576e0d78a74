"""Sentences about the topic model: K selection, stability, coherence, concentration."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .differences import item_name
from .text import id_list, listing, number, percent, plural

__all__ = ["coherence_summary", "exemplar_sources", "heading_lengths", "k_reading", "k_rule",
           "single_topic_share", "stability_summary",
           "topic_concentration", "topic_names"]


def _topic(t, labels: Mapping | None) -> str:
    return item_name(t if str(t).startswith("topic_") else f"topic_{int(t)}", labels)


def _best(k: pd.DataFrame, col: str, largest: bool = True) -> int:
    row = k.sort_values([col, "k"], ascending=[not largest, True], kind="stable").iloc[0]
    return int(row["k"])


def _trend(k: pd.DataFrame, col: str) -> str:
    d = np.diff(k.sort_values("k")[col].to_numpy(dtype=float))
    return "rises with every added topic" if (d > 0).all() else (
        "falls with every added topic" if (d < 0).all() else "does not move monotonically")


def _neighbours(k: pd.DataFrame, chosen: int, col: str, sd: str, digits: int,
                name: str) -> str:
    s = k.set_index("k")
    parts = []
    for n in (chosen - 1, chosen + 1):
        if n in s.index:
            gap = s.at[chosen, col] - s.at[n, col]
            sds = [s.at[chosen, sd], s.at[n, sd]]
            if all(pd.isna(v) for v in sds):
                parts.append(f"{number(gap, digits)} against K = {n} (no sd over seeds)")
                continue
            within = abs(gap) <= np.nanmax(sds)
            parts.append(f"{number(gap, digits)} against K = {n} "
                         f"({'within' if within else 'beyond'} one sd over seeds)")
    return f"{name} at K = {chosen} minus its neighbours: " + listing(parts) if parts else ""


def _within_one_sd(k: pd.DataFrame, col: str, sd: str) -> tuple[int, list[int]]:
    """The best K on ``col`` and every K whose mean lies within one sd over seeds of it
    (the larger of the two sds, as :func:`_neighbours` compares)."""
    s = k.set_index("k")
    best = _best(k, col)
    out = []
    for n in s.index:
        spread = np.nanmax([s.at[best, sd], s.at[n, sd], 0.0])
        if abs(s.at[best, col] - s.at[n, col]) <= spread:
            out.append(int(n))
    return best, sorted(out)


def _k_list(ks) -> str:
    ks = list(ks)
    return ("K = " + listing(str(n) for n in ks)) if ks else "no K"


def k_rule(k: pd.DataFrame, chosen: int, *, rule: str | None = None,
           digits: int = 3) -> str:
    """Whether the chosen K meets the rule of ``params.toml`` ``[topics]``, from the sweep.

    With ``rule`` (``num_topics = "auto"``), the sentence names the rule that chose K.
    Otherwise the rule for a fixed K: mean NPMI and mean stability both within one sd
    over seeds of the best K on that measure; the sentence lists the K that meet each
    condition and says whether the chosen one does.
    """
    if rule is not None:
        return f"K = {chosen} was chosen by `num_topics = \"auto\"`: {rule}."
    s = k.set_index("k")
    parts, meets = [], []
    for col, sd, name in (("npmi_mean", "npmi_sd", "NPMI"),
                          ("stability_mean", "stability_sd", "stability")):
        best, ok = _within_one_sd(k, col, sd)
        meets.append(set(ok))
        gap = s.at[chosen, col] - s.at[best, col]
        where = ("is the best" if best == chosen else
                 f"is {number(abs(gap), digits)} below the best, K = {best} "
                 f"({number(s.at[best, col], digits)})")
        parts.append(f"by {name}, K = {chosen} {where}; within one sd over seeds of the "
                     f"best: {_k_list(ok)}")
    both = sorted(meets[0] & meets[1])
    verdict = ("meets it" if chosen in both else
               "does not meet it: the choice needs a reason beyond the diagnostics")
    return ("The rule in `params.toml` (a K whose mean NPMI and mean stability both lie "
            "within one sd over seeds of the best K): " + "; ".join(parts)
            + f". Both conditions hold for {_k_list(both)}; the chosen K = {chosen} "
            f"{verdict}.")


def k_reading(k: pd.DataFrame, chosen: int, *, digits: int = 3,
              rule: str | None = None) -> str:
    """What the K sweep (``topics_k_selection``) says, from its columns.

    Names the best K by NPMI, UMass and stability, the K whose stability varies
    most and least between seed pairs (``stability_sd``), the trends of
    exclusivity and held-out perplexity, how far the chosen K is from its
    neighbours relative to the sd over seeds, and whether it meets the rule of
    ``params.toml`` (:func:`k_rule`; ``rule`` for ``num_topics = "auto"``).
    """
    sd = k.dropna(subset=["stability_sd"]).sort_values(["stability_sd", "k"],
                                                       ascending=[False, True], kind="stable")
    s = k.set_index("k")
    out = [f"Over K = {int(k['k'].min())}…{int(k['k'].max())} with "
           f"{int(k['n_seeds'].iloc[0])} seeds each: NPMI is highest at K = "
           f"{_best(k, 'npmi_mean')}, UMass at K = {_best(k, 'umass_mean')}, stability "
           f"at K = {_best(k, 'stability_mean')}.",
           (f"Between seed pairs, stability varies most at K = {int(sd.iloc[0]['k'])} "
            f"(sd {number(sd.iloc[0]['stability_sd'], digits)}) and least at K = "
            f"{int(sd.iloc[-1]['k'])} (sd {number(sd.iloc[-1]['stability_sd'], digits)})."
            if len(sd) else "With one pair of seeds per K, stability has no sd over seeds."),
           f"Exclusivity {_trend(k, 'exclusivity_mean')}; held-out perplexity "
           f"{_trend(k, 'heldout_perplexity_mean')}.",
           f"The chosen K = {chosen} has NPMI {number(s.at[chosen, 'npmi_mean'], digits)} "
           f"(sd {number(s.at[chosen, 'npmi_sd'], digits)}) and stability "
           f"{number(s.at[chosen, 'stability_mean'], digits)} "
           f"(sd {number(s.at[chosen, 'stability_sd'], digits)}). "
           + "; ".join(x for x in (_neighbours(k, chosen, "npmi_mean", "npmi_sd", digits,
                                               "NPMI"),
                                   _neighbours(k, chosen, "stability_mean", "stability_sd",
                                               digits, "stability")) if x) + ".",
           k_rule(k, chosen, rule=rule, digits=digits)]
    return " ".join(out)


def stability_summary(st: pd.DataFrame, labels: Mapping | None = None, *,
                      digits: int = 2, per_topic: bool = True) -> str:
    """Per-topic stability over the refits (``topic_stability``): mean and worst refit.

    Says which topics are unstable (``stable`` column, the ``min_stability`` rule) and
    which have a worst refit at or below zero (centred cosine: no closer than
    unrelated topics) rather than naming a band by hand.
    """
    n = int(st["n_refits"].iloc[0])
    lo, hi = st.loc[st["stability_mean"].idxmin()], st.loc[st["stability_mean"].idxmax()]
    wlo, whi = st.loc[st["stability_min"].idxmin()], st.loc[st["stability_min"].idxmax()]
    out = [f"Over {plural(n, 'refit')}, the mean matched similarity per topic ranges from "
           f"{number(lo['stability_mean'], digits)} ({_topic(lo['topic'], labels)}) to "
           f"{number(hi['stability_mean'], digits)} ({_topic(hi['topic'], labels)}); the "
           f"worst refit per topic ranges from {number(wlo['stability_min'], digits)} "
           f"({_topic(wlo['topic'], labels)}, seed {int(wlo['worst_seed'])}) to "
           f"{number(whi['stability_min'], digits)} ({_topic(whi['topic'], labels)})."]
    if "stable" in st.columns:
        shaky = st[~st["stable"].astype(bool)]
        out.append("Unstable by the rule of `min_stability` (not compared): "
                   + listing(_topic(t, labels) for t in shaky["topic"]) + "."
                   if len(shaky) else "Every topic passes the rule of `min_stability`.")
    bad = st[st["stability_min"] <= 0]
    if len(bad):
        out.append("In at least one refit, " + listing(_topic(t, labels) for t in bad["topic"])
                   + (" has" if len(bad) == 1 else " have")
                   + " no matched topic closer than an unrelated one (worst ≤ 0).")
    if not per_topic:
        return " ".join(out)
    lines = [f"- {_topic(r.topic, labels)}: mean {number(r.stability_mean, digits)}, worst "
             f"{number(r.stability_min, digits)} (seed {int(r.worst_seed)})"
             for r in st.itertuples()]
    return " ".join(out) + "\n\n" + "\n".join(lines)


def coherence_summary(coh: pd.DataFrame, k: pd.DataFrame | None = None, *,
                      digits: int = 3) -> str:
    """Per-topic NPMI of the reported model (``topic_coherence``), and how it differs
    from the K sweep's mean over other models."""
    m = coh["model"].iloc[0]
    out = [f"NPMI of the {m} model's top {int(coh['top_n'].iloc[0])} words: mean "
           f"{number(coh['npmi_window'].mean(), digits)} with a "
           f"{int(coh['window_tokens'].iloc[0])}-token window (per topic "
           f"{number(coh['npmi_window'].min(), digits)} to "
           f"{number(coh['npmi_window'].max(), digits)}), and "
           f"{number(coh['npmi_paragraph'].mean(), digits)} with each paragraph as the window "
           f"({number(coh['npmi_paragraph'].min(), digits)} to "
           f"{number(coh['npmi_paragraph'].max(), digits)})."]
    if k is not None:
        kk = len(coh)
        row = k[k["k"] == kk].iloc[0]
        out.append(f"The K sweep's NPMI for K = {kk}, {number(row['npmi_mean'], digits)}, "
                   f"is a mean over {int(row['n_seeds'])} other fits, not this model.")
    return " ".join(out)


def exemplar_sources(ex: pd.DataFrame, labels: Mapping | None = None) -> str:
    """Which articles supply each topic's exemplar paragraphs."""
    lines = []
    for t, g in ex.groupby("topic", sort=True):
        ids = g["article_id"].astype(int)
        src = (f"all {len(ids)} from {id_list(ids)}" if ids.nunique() == 1
               else f"{len(ids)} from {id_list(ids)}")
        lines.append(f"- {_topic(t, labels)}: {src}")
    one = [_topic(t, labels) for t, g in ex.groupby("topic") if g["article_id"].nunique() == 1]
    head = ("Topics whose exemplars all come from one article: " + listing(one) + "."
            if one else "No topic draws all its exemplars from one article.")
    return head + "\n\n" + "\n".join(lines)


def topic_concentration(para: pd.DataFrame, labels: Mapping | None = None) -> str:
    """Per topic: the share of its token weight that its largest article supplies, and
    the article where the topic reaches its highest share."""
    cols = [c for c in para.columns if c.startswith("topic_")]
    w = para[cols].mul(para["n_tokens"], axis=0).fillna(0)
    mass = w.groupby(para["article_id"]).sum()
    prev = mass.div(mass.sum(axis=1), axis=0)
    lines = []
    for c in cols:
        top = mass[c].idxmax()
        peak = prev[c].idxmax()
        lines.append(f"- {_topic(c, labels)}: {percent(mass[c].max() / mass[c].sum())} of its "
                     f"token weight from {id_list([top])}; highest article share "
                     f"{number(prev[c].max(), 2)} in {id_list([peak])}")
    return ("Token weight of each topic by article (paragraph proportions × kept tokens):\n\n"
            + "\n".join(lines))


def topic_names(labels: pd.DataFrame) -> dict[str, str]:
    """Short display names for prose: ``{"topic_3": "T3 矛盾纠纷调解"}`` (``topic``,
    ``label`` columns of the topic stage's labels)."""
    return {f"topic_{int(r.topic)}": f"T{int(r.topic)} {r.label}"
            for r in labels.drop_duplicates("topic").itertuples()}


def heading_lengths(paragraphs: pd.DataFrame) -> str:
    """Length range of heading paragraphs."""
    h = paragraphs.loc[paragraphs["kind"] == "heading", "n_chars"]
    return (f"The {len(h)} headings have {int(h.min())}–{int(h.max())} characters "
            f"(median {number(h.median(), 0)}).")


def single_topic_share(theta: np.ndarray, alpha: np.ndarray, threshold: float) -> str:
    """The learnt prior and the share of documents close to one topic."""
    share = float((theta.max(axis=1) >= threshold).mean())
    return (f"The learnt document–topic prior α is " + ", ".join(number(a, 3) for a in alpha)
            + f"; {percent(share)} of the {len(theta)} paragraphs with tokens put at least "
            f"{number(threshold, 2)} of their weight on one topic.")
