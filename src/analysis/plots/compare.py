"""Figures of the compare stage: prevalence, differences, keyness, CA, actors.

Each ``draw_*`` takes the table its compute function returns, plus ``evidence``
(the line from :func:`analysis.evidence.evidence_label` for the level drawn), and
returns a Figure, or None when the table has fewer than two groups with data (a
comparison of one group is no comparison; the skip is logged). Every figure shows
its groups' coverage. Intervals are drawn only where both bounds are finite; a
group or difference without an interval (too few units, or splits that cannot reach alpha)
gets an open marker and a note.
"""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .labels import term
from .style import CATEGORIES, caption, colour, figsize, human, setup_style, tag

__all__ = ["draw_actor_mentions", "draw_correspondence", "draw_difference", "draw_keyness",
           "draw_topic_prevalence", "group_colour", "last_refusal"]

log = logging.getLogger(__name__)
#: Interval bounds of the compare tables.
LO, HI = "ci_low", "ci_high"


def _wrap(label: str, width: int = 30) -> str:
    return textwrap.fill(str(label), width, break_on_hyphens=False)


def group_colour(by: str, group, i: int) -> str:
    """A group's colour: the category's own (:func:`~.style.colour`) when ``by`` is a
    codebook grouping, else the ``i``-th palette colour."""
    return colour(by, group) if by in CATEGORIES else colour("topic", i)


def _titles(n: int) -> str:
    return f"{n} title" + ("" if n == 1 else "s")


def _no_text_note(cov: pd.DataFrame, by: str) -> str | None:
    none = cov[cov["n_text"] == 0]
    if none.empty:
        return None
    parts = [f"{human(r[by])} ({_titles(int(r['n_articles']))})" for _, r in none.iterrows()]
    return "No text-level estimate (titles only): " + ", ".join(parts) + "."


#: Why the last ``draw_*`` of this process returned None (see :func:`last_refusal`).
_REFUSAL: list[str] = []


def last_refusal() -> str:
    """Why the last ``draw_*`` call that returned None drew nothing (and forget it)."""
    reason = _REFUSAL[-1] if _REFUSAL else "fewer than two groups with data"
    _REFUSAL.clear()
    return reason


def _too_few(groups: Iterable, what: str, by: str) -> bool:
    groups = list(groups)
    if len(groups) < 2:
        reason = (f"figure of {what} by {by}: {len(groups)} group(s) with data "
                  f"({', '.join(map(str, groups)) or 'none'}); it needs two")
        log.warning(reason)
        _REFUSAL[:] = [reason]
        return True
    return False


def _finite(lo, hi) -> np.ndarray:
    return np.isfinite(np.asarray(lo, dtype=float)) & np.isfinite(np.asarray(hi, dtype=float))


def draw_topic_prevalence(prev: pd.DataFrame, by: str, *, evidence: str,
                          topic_labels: Mapping[str, str] | None = None):
    """Dot-and-whisker plot of group prevalence per topic, groups dodged.

    Parameters
    ----------
    prev : DataFrame
        :func:`analysis.compare.topic_prevalence` (one level); ``ci_low`` /
        ``ci_high`` are NaN where a group has no interval.
    by : str
        Its grouping column.
    evidence : str
        Evidence line of ``prev``'s level, for the caption.
    topic_labels : mapping, optional
        ``topic_k`` -> display label.

    Returns
    -------
    matplotlib.figure.Figure or None
        None when fewer than two groups have an estimate.
    """
    import matplotlib.pyplot as plt

    setup_style()
    level = prev["level"].iloc[0]
    est = prev[prev["estimate"].notna()]
    groups = sorted(est[by].unique())
    if _too_few(groups, f"{level}-level topic prevalence", by):
        return None
    topics = list(dict.fromkeys(prev["topic"]))
    cov = prev.drop_duplicates(by)
    labels = {r[by]: f"{human(r[by])} (n={r['n_articles']}, text {r['n_text']}, "
                     f"used {r['n_units']})" for _, r in cov.iterrows()}
    height = min(9.0, len(topics) * (0.1 + 0.075 * len(groups)) + 1.6)
    fig, ax = plt.subplots(figsize=figsize("double", height))
    step = 0.8 / max(len(groups), 1)
    no_ci = set()
    for i, grp in enumerate(groups):
        d = est[est[by] == grp].set_index("topic").reindex(topics)
        y = np.arange(len(topics)) + (i - (len(groups) - 1) / 2) * step
        c = group_colour(by, grp, i)
        ok = _finite(d[LO], d[HI])
        if ok.any():
            bars = ax.hlines(y[ok], d[LO][ok], d[HI][ok], color=c, lw=0.9)
            tag(bars, by, grp)
        if ok.any():
            tag(ax.scatter(d["estimate"][ok], y[ok], s=9, color=c, zorder=3,
                           label=labels[grp]), by, grp)
        if (~ok & d["estimate"].notna().to_numpy()).any():
            no_ci.add(grp)
            open_pts = ax.scatter(d["estimate"][~ok], y[~ok], s=14, marker="D",
                                  facecolors="white", edgecolors=c, linewidths=0.9, zorder=3,
                                  label=None if ok.any() else labels[grp])
            tag(open_pts, by, grp)
    ax.set_yticks(range(len(topics)), [_wrap((topic_labels or {}).get(t, t)) for t in topics])
    ax.invert_yaxis()
    ax.set_xlabel("mean topic prevalence per article (95% interval)")
    ax.set_title(f"Topic prevalence by {human(by)}, {level} level", loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0),
              frameon=False, title=human(by), alignment="left")
    notes = ["Bootstrap-t over units on the logit scale (articles; one place counts once); "
             "reported model. n = articles; text = with body; used = units entering this "
             f"{level}-level estimate."]
    if no_ci:
        notes.append("Open diamonds: no interval (fewer units than the minimum for one): "
                     + ", ".join(human(g) for g in sorted(no_ci)) + ".")
    note = _no_text_note(cov, by) if level == "text" else None
    if note:
        notes.append(note)
    caption(fig, notes + [evidence])
    return fig


def draw_difference(diff: pd.DataFrame, *, evidence: str,
                    topic_labels: Mapping[str, str] | None = None):
    """stm ``plot.estimateEffect(method="difference")`` style: one point and a
    horizontal 95% interval per topic, a dashed zero line.

    ``diff`` is :func:`analysis.compare.prevalence_difference`; ``evidence`` the
    line of its level. Topics without a finite interval get an open marker.
    Returns a Figure.
    """
    import matplotlib.pyplot as plt

    setup_style()
    r = diff.iloc[0]
    skipped = diff[diff["estimate"].isna()]
    d = diff[diff["estimate"].notna()].sort_values(["estimate", "topic"], kind="stable")
    fig, ax = plt.subplots(figsize=figsize("onehalf", min(9.0, 0.32 * len(d) + 1.9)))
    y = np.arange(len(d))
    ok = _finite(d[LO], d[HI])
    sig = d["significant"].astype(str).eq("True").to_numpy() & ok
    colors = np.where(sig, colour("topic", 6), "#555555")
    ax.hlines(y[ok], d[LO][ok], d[HI][ok], colors=colors[ok], lw=1.1)
    ax.scatter(d["estimate"][ok], y[ok], c=colors[ok], s=14, zorder=3)
    if (~ok).any():
        ax.scatter(d["estimate"][~ok], y[~ok], s=16, marker="D", facecolors="white",
                   edgecolors="#555555", zorder=3)
    ax.axvline(0, color="black", lw=0.7, ls="--")
    ax.set_yticks(y, [_wrap((topic_labels or {}).get(t, t), 34) for t in d["topic"]])
    a, b = human(r["group_a"]), human(r["group_b"])
    ax.set_xlabel(f"difference in mean prevalence: {a} − {b} (95% interval)")
    ax.set_title(f"{human(r['by'])}: {a} (n={r['n_a']}) vs {b} (n={r['n_b']})", loc="left")
    notes = [f"Units: {a} {r['n_a']}, {b} {r['n_b']}. Interval: {r['interval']}; "
             "it excludes zero exactly when the permutation test rejects.",
             f"Coloured: significant: {int(sig.sum())} of {len(d)} compared."]
    if (~ok).any():
        notes.append("Open diamonds: no interval (the splits of these units cannot "
                     "reach the test's level).")
    if len(skipped):
        names = [(topic_labels or {}).get(t, t).split(":")[0] for t in skipped["topic"]]
        why = sorted({str(st).removeprefix("not compared: ").split(":")[0]
                      for st in skipped["status"]})
        notes.append(f"Not compared ({'; '.join(why)}; see the table's status): "
                     + ", ".join(names) + ".")
    if "mde" in d.columns and d["mde"].notna().any():
        lo, hi = d["mde"].min(), d["mde"].max()
        power = float(d["mde_power"].iloc[0]) if "mde_power" in d.columns else 0.8
        notes.append(f"Smallest differences detected with {power:.0%} power at these n: "
                     f"{lo:.2f}" + (f"–{hi:.2f}." if hi > lo else "."))
    caption(fig, notes + [evidence])
    return fig


def draw_keyness(kw: pd.DataFrame, by: str, *, evidence: str, top_n: int = 12):
    """Per group, the ``top_n`` significant over-used terms by G², bar = log ratio.

    ``kw`` is :func:`analysis.compare.keyness`; ``evidence`` the line of its
    level. Groups without a significant over-used term get no panel (they are
    named in the caption). Returns a Figure, or None when fewer than two groups
    have one.
    """
    import matplotlib.pyplot as plt

    setup_style()
    corr = kw["correction"].iloc[0]
    over = kw[kw["significant"].astype(str).eq("True") & (kw["direction"] == "over")]
    groups = sorted(over[by].unique())
    if _too_few(groups, "keyness (significant over-used terms)", by):
        return None
    empty = sorted(set(kw[by]) - set(groups))
    ncol = min(3, len(groups))
    nrow = -(-len(groups) // ncol)
    fig, axes = plt.subplots(nrow, ncol, squeeze=False, figsize=figsize(
        "double", min(9.0, nrow * (0.105 * top_n + 0.75) + 0.9)))
    for ax in axes.flat[len(groups):]:
        ax.axis("off")
    for ax, grp in zip(axes.flat, groups):
        d = over[over[by] == grp].head(top_n)
        y = np.arange(len(d))
        idx = sorted(set(kw[by])).index(grp)
        bars = ax.barh(y, d["log_ratio"], color=group_colour(by, grp, idx))
        tag(list(bars), by, grp)
        for yy, (lr, g2, k, n) in enumerate(zip(d["log_ratio"], d["g2"], d["docs"],
                                                 d["n_docs"])):
            ax.text(lr, yy, f" {g2:.0f}; {k}/{n}", va="center", fontsize=6)
        ax.set_yticks(y, [term(t) for t in d["term"]], fontsize=6)
        ax.invert_yaxis()
        ax.set_xlabel("log2 ratio vs rest", fontsize=6.5)
        r = kw[kw[by] == grp].iloc[0]
        ax.set_title(f"{human(grp)}\nn={r['n_articles']}, text {r['n_text']}\n"
                     f"{int(r['size'])} tokens", fontsize=6.5, loc="left")
        ax.set_xlim(min(0.0, float(d["log_ratio"].min())), float(d["log_ratio"].max()) * 1.9)
    level = kw["level"].iloc[0]
    fig.suptitle(f"Keyness by {human(by)}, {level} level", x=0.01, ha="left")
    notes = [f"G² (log-likelihood) vs all other groups; multiple comparisons: "
             f"{'Benjamini–Hochberg' if corr == 'bh' else corr}, α = 0.05. "
             "Bar labels: G²; k/n documents of the group containing the term."]
    if empty:
        notes.append("No significant over-used term: " + ", ".join(map(human, empty)) + ".")
    caption(fig, notes + [evidence])
    return fig


def draw_correspondence(ca: pd.DataFrame, by: str, *, evidence: str,
                        note: str | None = None, n_labels: int = 30):
    """Symmetric CA biplot: terms in grey, groups as coloured squares with coverage.

    ``ca`` is :func:`analysis.compare.correspondence`; ``evidence`` the line of
    its level; ``note`` replaces the first caption line. The ``n_labels`` most
    frequent terms are labelled (placed by adjustText, with leader lines); the
    caption says how many are not. Returns a Figure, or None with fewer than two
    groups.
    """
    import matplotlib.pyplot as plt

    from .cooccur import adjust_labels

    setup_style()
    level = ca["level"].iloc[0]
    terms, groups = ca[ca["kind"] == "term"], ca[ca["kind"] == "group"]
    if _too_few(groups["label"], "correspondence analysis", by):
        return None
    two_d = "dim2" in ca.columns and ca["dim2"].notna().any()
    fig, ax = plt.subplots(figsize=figsize("double", 6.0 if two_d else 3.2))
    ty = terms["dim2"] if two_d else np.linspace(-1, 1, len(terms))
    gy = groups["dim2"] if two_d else np.zeros(len(groups))
    pts = ax.scatter(terms["dim1"], ty, s=5, color="#999999")
    texts = []
    for i, (x, y, g) in enumerate(zip(groups["dim1"], gy, groups["label"])):
        c = group_colour(by, g, i)
        tag(ax.scatter([x], [y], s=40, marker="s", color=c, zorder=4), by, g)
        r = groups[groups["label"] == g].iloc[0]
        texts.append(ax.text(x, y, f"{human(g)} (n={int(r['n_articles'])}, "
                                   f"text {int(r['n_text'])})", color=c, fontsize=7,
                             zorder=5))
    ax.axhline(0, color="black", lw=0.4)
    ax.axvline(0, color="black", lw=0.4)
    ax.margins(0.08)
    order = terms.sort_values(["freq", "label"], ascending=[False, True]) \
        if "freq" in terms.columns else terms
    shown = order.head(n_labels)
    for x, y, t in zip(shown["dim1"], shown["dim2"] if two_d else ty[shown.index], shown["label"]):
        texts.append(ax.text(x, y, term(t), fontsize=6, color="#333333", zorder=5))
    adjust_labels(ax, texts, objects=pts)
    e = ca.iloc[0]
    ax.set_xlabel(f"dimension 1 ({100 * e['explained_dim1']:.1f}% of inertia)")
    ax.set_ylabel(f"dimension 2 ({100 * e['explained_dim2']:.1f}% of inertia)"
                  if two_d else "(terms spread vertically for legibility)")
    ax.set_title(f"Correspondence analysis, terms × {human(by)}", loc="left")
    caption(fig, [
        note or ("Only groups with body text are included (n = articles, text = with body)."
                 if level == "text" else "All groups, titles only."),
        f"{len(terms)} most frequent terms; the {len(shown)} most frequent are labelled, "
        f"{len(terms) - len(shown)} unlabelled (grey dots). Symmetric map (principal "
        "coordinates); a group with one article places that article's own vocabulary.",
        evidence])
    return fig


def draw_actor_mentions(am: pd.DataFrame, by: str, *, evidence: str,
                        value: str = "per_10k_chars"):
    """Heatmap of actor mentions (rate per 10k characters, counts annotated).

    ``am`` is :func:`analysis.compare.actor_mentions`; only groups with body text
    are drawn and the caption names those left out. ``evidence`` is the
    text-level line. Returns a Figure, or None with fewer than two such groups.
    """
    import matplotlib.pyplot as plt

    setup_style()
    est = am[am["status"] == "estimated"]
    groups = sorted(est[by].unique())
    if _too_few(groups, "actor mentions", by):
        return None
    actors = list(dict.fromkeys(est["actor"]))
    mat = est.pivot(index="actor", columns=by, values=value).reindex(index=actors,
                                                                     columns=groups)
    cnt = est.pivot(index="actor", columns=by, values="mentions").reindex(index=actors,
                                                                          columns=groups)
    cov = am.drop_duplicates(by).set_index(by)
    width = "double" if len(groups) > 4 else "onehalf"
    fig, ax = plt.subplots(figsize=figsize(width, min(9.0, 0.17 * len(actors) + 2.0)))
    im = ax.imshow(mat.to_numpy(dtype=float), aspect="auto", cmap="Blues")
    top = np.nanmax(mat.to_numpy()) / 2
    for i in range(len(actors)):
        for j in range(len(groups)):
            ax.text(j, i, f"{int(cnt.iat[i, j])}", ha="center", va="center", fontsize=6,
                    color="white" if mat.iat[i, j] > top else "black")
    names = dict(zip(est["actor"], est["name_en"]))
    ax.set_yticks(range(len(actors)), [names[a] for a in actors])
    ax.set_xticks(range(len(groups)),
                  [f"{_wrap(human(g), 14)}\n(n={cov.loc[g, 'n_articles']}, "
                   f"text {cov.loc[g, 'n_text']})" for g in groups], fontsize=6)
    fig.colorbar(im, ax=ax, label="mentions per 10,000 characters", shrink=0.6)
    ax.set_title(f"Actors named in article bodies by {human(by)}", loc="left")
    notes = ["Cells: count of mentions; colour: rate per 10k characters of body text. "
             "This shows how the texts with a body portray these actors, "
             "not what the units named write themselves."]
    note = _no_text_note(cov.reset_index(), by)
    if note:
        notes.append(note)
    caption(fig, notes + [evidence])
    return fig
