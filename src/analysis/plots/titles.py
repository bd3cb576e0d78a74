"""Figures of themes in titles (title-level, :mod:`analysis.compare.titles`).

:func:`draw_title_themes` takes the table of
:func:`~analysis.compare.titles.title_themes` and returns a Figure, or None when
fewer than two groups have titles (logged). Every text is at least 7 pt; Chinese
labels and terms carry their English glosses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .compare import _finite, _too_few, _wrap, group_colour
from .labels import term
from .style import CATEGORIES, caption, figsize, human, setup_style, tag

__all__ = ["draw_title_themes"]

#: Every text of these figures is drawn at this size or larger (points).
FONT_PT = 7.0


def _theme_label(r: pd.Series) -> str:
    """``"0: 中文标签 – English gloss"`` for a topic's theme, else ``"name: label – gloss"``."""
    name = str(r["theme"])
    head = name.removeprefix("topic_") if name.startswith("topic_") else name
    text = str(r["theme_label"])
    gloss = r.get("theme_gloss")
    if isinstance(gloss, str) and gloss and gloss != text:
        text = f"{text} – {gloss}"
    return _wrap(f"{head}: {text}", 34)


def _terms_line(r: pd.Series) -> str:
    name = str(r["theme"]).removeprefix("topic_")
    return f"{name}: " + ", ".join(term(t) for t in str(r["terms"]).split(";"))


def _carried(data: pd.DataFrame, theme: str) -> str | None:
    """``"0: 平安建设 in 58 of 62"``: the matched term in most of a theme's titles, or None."""
    rows = data[data["theme"] == theme]
    k = int(rows["k_titles"].sum())
    counts: dict[str, int] = {}
    for cell in rows["matched_terms"].dropna().astype(str):
        for part in filter(None, cell.split(";")):
            t, c = part.rsplit(":", 1)
            counts[t] = counts.get(t, 0) + int(c)
    if not k or not counts:
        return None
    top = max(counts, key=lambda t: (counts[t], -list(counts).index(t)))
    return f"{theme.removeprefix('topic_')}: {term(top)} in {counts[top]} of {k}"


def _order(groups, by: str) -> list[str]:
    """Codebook order for a codebook grouping (then any other group by name), else by name."""
    known = [str(g) for g in CATEGORIES.get(by, ())]
    return sorted(groups, key=lambda g: (known.index(g) if g in known else len(known), g))


def draw_title_themes(table: pd.DataFrame, by: str, *, evidence: str, min_titles: int):
    """Share of each group's titles that mention each theme, with exact intervals.

    Parameters
    ----------
    table : DataFrame
        :func:`analysis.compare.titles.title_themes` as written (``ci_low`` /
        ``ci_high`` NaN for groups below ``min_titles``).
    by : str
        Its grouping column.
    evidence : str
        The title-level evidence line (:func:`analysis.evidence.evidence_label`).
    min_titles : int
        The minimum number of titles for an interval, for the caption.

    Returns
    -------
    matplotlib.figure.Figure or None
        None when fewer than two groups have titles.
    """
    import matplotlib.pyplot as plt

    setup_style()
    data = table[table["n_titles"] > 0]
    groups = _order(data[by].astype(str).unique(), by)
    if _too_few(groups, "title themes", by):
        return None
    themes = list(dict.fromkeys(data["theme"]))
    first = data.drop_duplicates("theme").set_index("theme").loc[themes].reset_index()
    sizes = data.drop_duplicates(by).set_index(data.drop_duplicates(by)[by].astype(str))
    labels = {g: f"{human(g)} ({int(sizes.loc[g, 'n_titles'])})" for g in groups}
    height = min(8.0, len(themes) * (0.25 + 0.09 * len(groups)) + 2.6)
    fig, ax = plt.subplots(figsize=figsize("double", height))
    step = 0.8 / len(groups)
    no_ci = []
    for i, grp in enumerate(groups):
        d = data[data[by].astype(str) == grp].set_index("theme").reindex(themes)
        y = np.arange(len(themes)) + (i - (len(groups) - 1) / 2) * step
        c = group_colour(by, grp, i)
        ok = _finite(d["ci_low"], d["ci_high"])
        if ok.any():
            tag(ax.hlines(y[ok], d["ci_low"][ok], d["ci_high"][ok], color=c, lw=0.9), by, grp)
            tag(ax.scatter(d["share"][ok], y[ok], s=10, color=c, zorder=3,
                           label=labels[grp]), by, grp)
        if (~ok).any():
            no_ci.append(grp)
            tag(ax.scatter(d["share"][~ok], y[~ok], s=14, marker="D", facecolors="white",
                           edgecolors=c, linewidths=0.9, zorder=3,
                           label=None if ok.any() else labels[grp]), by, grp)
    ax.set_yticks(range(len(themes)), [_theme_label(r) for _, r in first.iterrows()],
                  fontsize=FONT_PT)
    ax.invert_yaxis()
    ax.set_xlim(-0.02, 1.02)
    ax.tick_params(axis="x", labelsize=FONT_PT)
    ax.set_xlabel(f"share of the group's titles mentioning the theme "
                  f"({float(data['ci'].iloc[0]):.0%} exact interval)", fontsize=FONT_PT)
    ax.set_title(f"Themes in titles by {human(by)}", loc="left", fontsize=FONT_PT + 0.5)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
              title=f"{human(by)} (titles)",
              alignment="left", fontsize=FONT_PT, title_fontsize=FONT_PT)
    sources = "; ".join(dict.fromkeys(first["theme_source"].astype(str)))
    notes = [f"A title mentions a theme when one of its tokens is one of the theme's key "
             f"terms ({sources}; repeated titles counted once). Points: share "
             f"k/n of the group's n titles (legend); bars: Clopper-Pearson exact intervals."]
    if no_ci:
        notes.append(f"Open diamonds: fewer than {min_titles} titles, no interval: "
                     + ", ".join(human(g) for g in no_ci) + ".")
    notes.append("Key terms: " + "; ".join(_terms_line(r) for _, r in first.iterrows()) + ".")
    carried = [c for c in (_carried(data, t) for t in themes) if c]
    if carried:
        notes.append("Term matched in most of a theme's titles (titles mentioning the theme): "
                     + "; ".join(carried) + ".")
    caption(fig, notes + [evidence], fontsize=FONT_PT)
    return fig
