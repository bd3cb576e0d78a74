"""Figures of the compare stage: prevalence, differences, keyness, CA, actors.

Each ``draw_*`` takes the table its compute function returns, plus ``evidence``
(the line from :func:`analysis.evidence.evidence_label` for the level drawn), and
returns a Figure; the stage saves it. Every figure shows its groups' coverage.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .style import PALETTE, setup_style

__all__ = ["draw_actor_mentions", "draw_correspondence", "draw_difference", "draw_keyness",
           "draw_topic_prevalence"]


def _wrap(label: str, width: int = 36) -> str:
    return textwrap.fill(str(label), width)


def _caption(fig, lines: Iterable[str]) -> None:
    fig.text(0.01, -0.01, "\n".join(lines), ha="left", va="top", fontsize=7,
             color="#333333", wrap=True)


def _no_text_note(cov: pd.DataFrame, by: str) -> str | None:
    none = cov[cov["n_text"] == 0]
    if none.empty:
        return None
    parts = [f"{r[by]} ({r['n_articles']} titles)" for _, r in none.iterrows()]
    return "No text-level estimate (titles only): " + ", ".join(parts)


def draw_topic_prevalence(prev: pd.DataFrame, by: str, *, evidence: str,
                          topic_labels: Mapping[str, str] | None = None):
    """Dot-and-whisker plot of group prevalence per topic, groups dodged.

    Parameters
    ----------
    prev : DataFrame
        :func:`analysis.compare.topic_prevalence` (one level).
    by : str
        Its grouping column.
    evidence : str
        Evidence line of ``prev``'s level, for the title.
    topic_labels : mapping, optional
        ``topic_k`` -> display label.

    Returns
    -------
    matplotlib.figure.Figure
        The legend shows each group's coverage; groups without an estimate are
        named in the caption.
    """
    import matplotlib.pyplot as plt

    setup_style()
    level = prev["level"].iloc[0]
    est = prev[prev["estimate"].notna()]
    groups = sorted(est[by].unique())
    topics = list(dict.fromkeys(prev["topic"]))
    cov = prev.drop_duplicates(by)
    labels = {r[by]: f"{r[by]} (n={r['n_articles']}, text {r['n_text']}, used {r['n_units']})"
              for _, r in cov.iterrows()}
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(topics) + 1.6))
    step = 0.7 / max(len(groups), 1)
    for i, grp in enumerate(groups):
        d = est[est[by] == grp].set_index("topic").reindex(topics)
        y = np.arange(len(topics)) + (i - (len(groups) - 1) / 2) * step
        err = np.vstack([d["estimate"] - d["ci_low"], d["ci_high"] - d["estimate"]])
        ax.errorbar(d["estimate"], y, xerr=np.nan_to_num(err), fmt="o", ms=3.5,
                    capsize=2, lw=1, color=PALETTE[i % len(PALETTE)], label=labels[grp])
    ax.set_yticks(range(len(topics)), [_wrap((topic_labels or {}).get(t, t)) for t in topics])
    ax.invert_yaxis()
    ax.set_xlabel("mean topic prevalence per article (95% cluster-bootstrap CI)")
    ax.set_title(f"Topic prevalence by {by} — {evidence}", loc="left")
    # Outside the axes: inside, it covered the points of the last topic.
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
              title=by, alignment="left")
    notes = [f"Bootstrap resamples articles within each group. n = articles; "
             f"text = with body; used = entering this {level}-level estimate."]
    note = _no_text_note(cov, by) if level == "text" else None
    if note:
        notes.append(note)
    small = cov[(cov["n_units"] > 0) & cov["ci_low"].isna()]
    if len(small):
        notes.append("No CI (too few articles): " + ", ".join(small[by]))
    _caption(fig, notes)
    return fig


def draw_difference(diff: pd.DataFrame, *, evidence: str,
                    topic_labels: Mapping[str, str] | None = None):
    """stm ``plot.estimateEffect(method="difference")`` style: one point and a
    horizontal 95% CI per topic, a dashed zero line.

    ``diff`` is :func:`analysis.compare.prevalence_difference`; ``evidence`` the
    line of its level. Returns a Figure.
    """
    import matplotlib.pyplot as plt

    setup_style()
    r = diff.iloc[0]
    d = diff.sort_values(["estimate", "topic"], kind="stable")
    fig, ax = plt.subplots(figsize=(6.5, 0.5 * len(d) + 1.6))
    y = np.arange(len(d))
    colors = [PALETTE[3] if x else "#777777" for x in d["ci_excludes_zero"]]
    ax.hlines(y, d["ci_low"], d["ci_high"], colors=colors, lw=1.2)
    ax.scatter(d["estimate"], y, c=colors, s=14, zorder=3)
    ax.axvline(0, color="black", lw=0.8, ls="--")
    ax.set_yticks(y, [_wrap((topic_labels or {}).get(t, t)) for t in d["topic"]])
    ax.set_xlabel(f"difference in mean prevalence: {r['group_a']} − {r['group_b']} (95% CI)")
    ax.set_title(f"{r['by']}: {r['group_a']} (n={r['n_a']}) vs {r['group_b']} "
                 f"(n={r['n_b']}) — {evidence}", loc="left")
    _caption(fig, [
        f"Coverage: {r['group_a']} {r['n_a']} of {r['articles_a']} articles with "
        f"{r['level']}; {r['group_b']} {r['n_b']} of {r['articles_b']}.",
        "Cluster bootstrap over articles; highlighted: CI excludes zero "
        "(no correction for multiple topics)."])
    return fig


def draw_keyness(kw: pd.DataFrame, by: str, *, evidence: str, top_n: int = 12):
    """Per group, the ``top_n`` significant over-used terms by G², bar = log ratio.

    ``kw`` is :func:`analysis.compare.keyness`; ``evidence`` the line of its
    level. Returns a Figure.
    """
    import matplotlib.pyplot as plt

    setup_style()
    corr = kw["correction"].iloc[0]
    groups = sorted(kw[by].unique())
    fig, axes = plt.subplots(1, len(groups), figsize=(3.1 * len(groups), 0.28 * top_n + 1.6),
                             squeeze=False)
    for i, (ax, grp) in enumerate(zip(axes[0], groups)):
        d = kw[(kw[by] == grp) & kw["significant"] & (kw["direction"] == "over")].head(top_n)
        y = np.arange(len(d))
        ax.barh(y, d["log_ratio"], color=PALETTE[i % len(PALETTE)])
        for yy, (lr, g2, k, n) in enumerate(zip(d["log_ratio"], d["g2"], d["docs"],
                                                 d["n_docs"])):
            ax.text(lr, yy, f" G²={g2:.1f}, in {k}/{n}", va="center", fontsize=6)
        ax.set_yticks(y, d["term"])
        ax.invert_yaxis()
        ax.set_xlabel("log ratio (log2, vs rest)")
        r = kw[kw[by] == grp].iloc[0]
        ax.set_title(f"{grp}\n(n={r['n_articles']}, text {r['n_text']}, "
                     f"{int(r['size'])} tokens)", fontsize=8)
        if d.empty:
            ax.text(0.5, 0.5, "no significant\nover-used term", ha="center",
                    transform=ax.transAxes, fontsize=7)
        ax.margins(x=0.35)
    fig.suptitle(f"Keyness by {by} — {evidence}", x=0.01, ha="left", fontsize=10)
    _caption(fig, [f"G² (log-likelihood) vs all other groups; multiple comparisons: "
                   f"{'Benjamini–Hochberg' if corr == 'bh' else corr}, α=0.05. "
                   "'in k/n': documents of the group containing the term."])
    fig.tight_layout()
    return fig


def draw_correspondence(ca: pd.DataFrame, by: str, *, evidence: str,
                        note: str | None = None):
    """Symmetric CA biplot: terms in grey, groups in bold colour with coverage.

    ``ca`` is :func:`analysis.compare.correspondence`; ``evidence`` the line of
    its level; ``note`` replaces the first caption line. Returns a Figure.
    """
    import matplotlib.pyplot as plt

    from .cooccur import place_labels

    setup_style()
    level = ca["level"].iloc[0]
    terms, groups = ca[ca["kind"] == "term"], ca[ca["kind"] == "group"]
    two_d = "dim2" in ca.columns
    fig, ax = plt.subplots(figsize=(7, 6 if two_d else 3))
    ty = terms["dim2"] if two_d else np.linspace(-1, 1, len(terms))
    gy = groups["dim2"] if two_d else np.zeros(len(groups))
    ax.scatter(terms["dim1"], ty, s=6, color="#999999")
    colours = {}
    for i, (x, y, g) in enumerate(zip(groups["dim1"], gy, groups["label"])):
        colours[g] = PALETTE[i % len(PALETTE)]
        ax.scatter([x], [y], s=60, marker="s", color=colours[g], zorder=4)
    ax.axhline(0, color="black", lw=0.5)
    ax.axvline(0, color="black", lw=0.5)
    ax.margins(0.12)
    ax.autoscale_view()
    pos = {("g", g): (x, y) for x, y, g in zip(groups["dim1"], gy, groups["label"])}
    pos.update({("t", t): (x, y) for x, y, t in zip(terms["dim1"], ty, terms["label"])})
    labels = {("g", r["label"]): f"{r['label']} (n={int(r['n_articles'])}, "
                                 f"text {int(r['n_text'])})" for _, r in groups.iterrows()}
    labels.update({("t", t): t for t in terms["label"]})
    area = {k: (60 if k[0] == "g" else 6) for k in pos}
    for txt, key in zip(place_labels(ax, pos, labels, area, fontsize=7), labels):
        txt.set_color(colours[key[1]] if key[0] == "g" else "#444444")
    e = ca.iloc[0]
    ax.set_xlabel(f"dimension 1 ({100 * e['explained_dim1']:.1f}% of inertia)")
    ax.set_ylabel(f"dimension 2 ({100 * e['explained_dim2']:.1f}% of inertia)"
                  if two_d else "(terms spread vertically for legibility)")
    ax.set_title(f"Correspondence analysis, terms × {by}\n{evidence}", loc="left")
    _caption(fig, [
        note or ("Only groups with body text are included (n = articles, text = with body)."
                 if level == "text" else "All groups, titles only."),
        f"{len(terms)} most frequent terms; symmetric map (principal coordinates); "
        "a group with one article places that article's own vocabulary."])
    return fig


def draw_actor_mentions(am: pd.DataFrame, by: str, *, evidence: str,
                        value: str = "per_10k_chars"):
    """Heatmap of actor mentions (rate per 10k characters, counts annotated).

    ``am`` is :func:`analysis.compare.actor_mentions`; only groups with body text
    are drawn and the caption names those left out. ``evidence`` is the
    text-level line. Returns a Figure.
    """
    import matplotlib.pyplot as plt

    setup_style()
    est = am[am["status"] == "estimated"]
    groups = sorted(est[by].unique())
    actors = list(dict.fromkeys(est["actor"]))
    mat = est.pivot(index="actor", columns=by, values=value).reindex(index=actors,
                                                                     columns=groups)
    cnt = est.pivot(index="actor", columns=by, values="mentions").reindex(index=actors,
                                                                          columns=groups)
    cov = am.drop_duplicates(by).set_index(by)
    fig, ax = plt.subplots(figsize=(1.3 * len(groups) + 3.2, 0.3 * len(actors) + 1.8))
    im = ax.imshow(mat.to_numpy(dtype=float), aspect="auto", cmap="Blues")
    top = np.nanmax(mat.to_numpy()) / 2
    for i in range(len(actors)):
        for j in range(len(groups)):
            ax.text(j, i, f"{int(cnt.iat[i, j])}", ha="center", va="center", fontsize=6,
                    color="white" if mat.iat[i, j] > top else "black")
    names = dict(zip(est["actor"], est["name_en"]))
    ax.set_yticks(range(len(actors)), [names[a] for a in actors])
    ax.set_xticks(range(len(groups)),
                  [f"{g}\n(n={cov.loc[g, 'n_articles']}, text {cov.loc[g, 'n_text']})"
                   for g in groups])
    fig.colorbar(im, ax=ax, label="mentions per 10,000 characters", shrink=0.6)
    ax.set_title(f"Actors named in article bodies by {by} — {evidence}", loc="left")
    notes = ["Cells: count of mentions; colour: rate per 10k characters of body text.",
             "This shows how the texts with a body portray these actors, "
             "not what the units named write themselves."]
    note = _no_text_note(cov.reset_index(), by)
    if note:
        notes.append(note)
    _caption(fig, notes)
    return fig
