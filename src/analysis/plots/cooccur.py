"""Figures of the co-occurrence stage: networks, ego networks, differential networks.

The ``draw_*`` functions take the stage's tables (nodes with positions, edges with
a ``weight``) and the caption text, and return a matplotlib Figure; they never
save. Labels are placed by adjustText (:func:`adjust_labels`: repelled from each
other and from the nodes, joined to their node by a leader line when moved); the
most frequent ``n_labels`` nodes are labelled and the caption says how many are not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.text import Text

from ..skips import CannotDraw
from .labels import Labels, active
from .style import CATEGORIES, MISSING_COLOUR, colour, figsize, human, style, tag
from .style import caption as add_caption

__all__ = ["adjust_labels", "community_colours", "draw_differential", "draw_ego", "draw_graph",
           "draw_network", "label_text"]

_GREY = MISSING_COLOUR
#: adjustText iterations: a fixed count (not a time limit) keeps the layout reproducible.
_ADJUST_ITER = 600


def community_colours(communities: dict, n_colours: int = 8) -> dict:
    """term -> colour; communities beyond the first ``n_colours`` are grey."""
    return {t: (colour("community", c - 1) if c - 1 < n_colours else _GREY)
            for t, c in communities.items()}


def _scale(values, lo, hi):
    v = np.asarray(values, dtype=float)
    span = v.max() - v.min() if len(v) else 0.0
    return np.full(v.shape, (lo + hi) / 2) if span == 0 else lo + (hi - lo) * (v - v.min()) / span


def label_text(term: str, glossary: dict | None) -> str:
    """``term`` in the figure language (gloss on a second line in ``zh+en``);
    ``glossary=None`` draws the term alone."""
    if glossary is None:
        return term
    return Labels(active().language, {**active().glossary, **glossary}).term(term, "\n")


class _LabelRegion:
    """The region a leader line is clipped by: what ``Text.contains`` tests, with the
    label's extent laid out once per draw.

    matplotlib clips a line that starts at a label by bisection, asking ``contains``
    a dozen times per draw, and ``Text.contains`` lays the text out each time. The
    extent here is keyed by what it depends on (the renderer the text measures with,
    the figure's dpi, the label's display position), so every answer is the same.
    """

    def __init__(self, text):
        self.text = text
        self._key, self._extent = None, None

    def contains(self, event) -> tuple[bool, dict]:
        t = self.text
        if not t.get_visible() or t._renderer is None:
            return False, {}
        key = (t._renderer, t.get_figure(root=True).dpi, tuple(t._get_xy_display()))
        if key != self._key:
            self._key, self._extent = key, Text.get_window_extent(t)
        box = self._extent
        inside = box.x0 <= event.x <= box.x1 and box.y0 <= event.y <= box.y1
        # The label's background box, as Text.contains adds it.
        if t.get_bbox_patch() is not None:
            inside = inside or t.get_bbox_patch().contains(event)[0]
        return inside, {}


def adjust_labels(ax, texts: list, objects=None) -> list:
    """Place ``texts`` with adjustText and return those kept.

    adjustText moves the labels off each other and off ``objects``; a leader line
    joins a moved label to its point. The rule for what it cannot free: a label
    that still overlaps one placed before it (``texts`` are in order of importance)
    is removed with its leader line, so the node stays unlabelled and is counted so.
    """
    from adjustText import adjust_text

    if not texts:
        return []
    ax.figure.draw_without_rendering()
    _, patches = adjust_text(texts, ax=ax, objects=objects, iter_lim=_ADJUST_ITER,
                             expand=(1.15, 1.4), force_text=(0.4, 0.8), min_arrow_len=4,
                             ensure_inside_axes=True,
                             arrowprops=dict(arrowstyle="-", color="#555555", lw=0.4))
    renderer = ax.figure.canvas.get_renderer()
    kept, boxes = [], []
    for t in texts:
        box = t.get_window_extent(renderer)
        if any(box.overlaps(b) for b in boxes):
            for p in patches:
                if getattr(p, "patchA", None) is t or getattr(
                        getattr(p, "arrow_patch", None), "patchA", None) is t:
                    p.remove()
            t.remove()
            continue
        kept.append(t)
        boxes.append(box)
    for p in patches:
        if getattr(p, "patchA", None) in kept:
            p.set_patchA(_LabelRegion(p.patchA))
    return kept


def draw_graph(ax, nodes: pd.DataFrame, edges: pd.DataFrame, *, colours: dict,
               n_labels: int, glossary=None, fontsize: float = 7.0, size_range=(18, 320),
               width_range=(0.3, 2.8), edge_colours: dict | None = None) -> list:
    """Draw a network on ``ax``: node area = ``freq``, edge width = ``weight``.

    Parameters
    ----------
    nodes : DataFrame
        term, freq, x, y.
    edges : DataFrame
        source, target, weight (source < target).

    Returns
    -------
    list of matplotlib Text
        The labels of the ``n_labels`` most frequent nodes.
    """
    if nodes.empty:
        raise CannotDraw("a network without nodes cannot be drawn")
    nodes = nodes.sort_values("term")
    terms = nodes["term"].tolist()
    pos = dict(zip(terms, zip(nodes["x"], nodes["y"])))
    freq = dict(zip(terms, nodes["freq"]))
    area = dict(zip(terms, _scale(nodes["freq"].to_numpy(), *size_range)))
    # thin edges first, so strong edges are drawn on top
    ranked_edges = sorted(zip(edges["weight"], zip(edges["source"], edges["target"])))
    widths = _scale([w for w, _ in ranked_edges], *width_range) if ranked_edges else []
    xs = np.array([pos[n] for n in terms]) if terms else np.zeros((0, 2))
    for (_, (u, v)), lw in zip(ranked_edges, widths):
        c = (edge_colours or {}).get((u, v), (edge_colours or {}).get((v, u), "#8C8C8C"))
        ax.plot([pos[u][0], pos[v][0]], [pos[u][1], pos[v][1]], color=c, lw=lw,
                alpha=0.55, zorder=1, solid_capstyle="round")
    nodes_artist = ax.scatter(xs[:, 0], xs[:, 1], s=[area[n] for n in terms],
               c=[colours.get(n, _GREY) for n in terms], edgecolors="white", linewidths=0.5,
               zorder=2)
    pad = 0.12 * (np.ptp(xs, axis=0).max() if len(xs) > 1 else 1.0) + 0.05
    ax.set_xlim(xs[:, 0].min() - pad, xs[:, 0].max() + pad)
    ax.set_ylim(xs[:, 1].min() - pad, xs[:, 1].max() + pad)
    ax.set_axis_off()
    ranked = sorted(terms, key=lambda n: (-freq[n], n))[:n_labels]
    texts = [ax.text(*pos[n], label_text(n, glossary), fontsize=fontsize, ha="center",
                     va="center", linespacing=1.0, zorder=5,
                     bbox=dict(boxstyle="square,pad=0.02", fc="white", ec="none", alpha=0.5))
             for n in ranked]
    return adjust_labels(ax, texts, objects=nodes_artist)


def _community_legend(ax, nodes: pd.DataFrame, colours: dict, glossary) -> None:
    from matplotlib.lines import Line2D

    handles = []
    for c, grp in nodes.groupby("community", sort=True):
        members = grp.sort_values(["freq", "term"], ascending=[False, True])["term"].tolist()
        if colours[members[0]] == _GREY:
            continue
        top = " · ".join(label_text(m, glossary).replace("\n", " ") for m in members[:2])
        handles.append(Line2D([], [], marker="o", ls="", color=colours[members[0]],
                              label=f"{c}: {top}"))
    if _GREY in {colours[n] for n in nodes["term"]}:
        handles.append(Line2D([], [], marker="o", ls="", color=_GREY,
                              label="smaller communities"))
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.0),
                  ncol=2, frameon=False, fontsize=6, handletextpad=0.2, columnspacing=1.0,
                  title="community: two most frequent terms", title_fontsize=6,
                  alignment="left")


def _unlabelled(n_nodes: int, texts: list) -> str:
    k = n_nodes - len(texts)
    return (f"All {n_nodes} nodes labelled." if k == 0 else
            f"{len(texts)} most frequent of {n_nodes} nodes labelled; {k} unlabelled.")


def draw_network(nodes: pd.DataFrame, edges: pd.DataFrame, *, title: str, caption: str,
                 glossary=None, n_labels: int = 40, height: float = 7.2):
    """Network figure: node area = frequency, edge width = measure, colour = community.

    Parameters
    ----------
    nodes : DataFrame
        term, freq, community, x, y (``CooccurrenceNetwork.nodes_``).
    edges : DataFrame
        source, target, weight (``CooccurrenceNetwork.edges_``).
    caption : str
        Evidence line and note, printed under the figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt


    colours = community_colours(dict(zip(nodes["term"], nodes["community"])))
    with style():
        fig, ax = plt.subplots(figsize=figsize("double", height))
        texts = draw_graph(ax, nodes, edges, colours=colours, n_labels=n_labels,
                           glossary=glossary, fontsize=6.5)
        ax.set_title(title, loc="left")
        _community_legend(ax, nodes, colours, glossary)
        add_caption(fig, caption.split("\n") + [_unlabelled(len(nodes), texts)])
    return fig


def draw_ego(nodes: pd.DataFrame, edges: pd.DataFrame, term: str, *, caption: str,
             communities: dict | None = None, glossary=None):
    """Ego network of ``term`` (centre, black), neighbours coloured by main-network community.

    ``nodes`` (term, freq, x, y) come from
    :func:`analysis.cooccur.network.layout_nodes` of the ego ``edges``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt


    colours = community_colours(communities or {})
    colours[term] = "#000000"
    with style():
        fig, ax = plt.subplots(figsize=figsize("onehalf", 5.2))
        texts = draw_graph(ax, nodes, edges, colours=colours, n_labels=len(nodes),
                           glossary=glossary, fontsize=6, size_range=(14, 200),
                           width_range=(0.3, 2.2))
        ax.set_title(f"Ego network: {label_text(term, glossary).replace(chr(10), ' · ')}",
                     loc="left")
        add_caption(fig, caption.split("\n") + [_unlabelled(len(nodes), texts)])
    return fig


def _difference_panel(ax, diff: pd.DataFrame, col: dict, labels, n_show: int,
                      glossary, kind: str) -> None:
    a, b = diff.attrs.get("groups", ("a", "b"))
    alpha = diff.attrs.get("alpha", 0.05)
    measure = diff.attrs.get("measure", "measure")
    top = diff.assign(_abs=diff["diff"].abs()).sort_values(
        ["_abs", "source", "target"], ascending=[False, True, True], kind="mergesort"
    ).head(n_show).iloc[::-1]
    y = np.arange(len(top))
    for yi, r in zip(y, top.itertuples()):
        filled = r.q_value < alpha
        ax.plot([r.measure_b, r.measure_a], [yi, yi], color="#BBBBBB", lw=1, zorder=1)
        for v, g in ((r.measure_a, a), (r.measure_b, b)):
            tag(ax.scatter([v], [yi], s=14, zorder=2, color=col[g] if filled else "white",
                           edgecolors=col[g], linewidths=0.9), kind, g)
    pair = [f"{label_text(r.source, glossary)} – {label_text(r.target, glossary)}"
            .replace("\n", " ") for r in top.itertuples()]
    ax.set_yticks(y, pair, fontsize=6)
    ax.set_xlabel(f"{measure}; filled: q < {alpha:g}", fontsize=6.5)
    ax.set_title(f"Largest differences ({len(diff)} pairs tested)", loc="left", fontsize=7)
    from matplotlib.lines import Line2D

    ax.legend(handles=[Line2D([], [], marker="o", ls="", color=col[g], label=human(lab))
                       for g, lab in zip((a, b), labels)], loc="lower right", frameon=False,
              fontsize=6)


def draw_differential(diff: pd.DataFrame, nodes: pd.DataFrame, edges: pd.DataFrame, *,
                      caption: str, labels=("a", "b"), glossary=None, n_show: int = 18,
                      group_kind: str | None = None):
    """Differential network (top) and the largest differences (bottom).

    Top: the shown ``edges`` (:func:`analysis.cooccur.differential_layout`: the
    pairs with the largest pooled counts as a grey backbone, and the
    FDR-significant edges coloured by the group they are stronger in). Bottom:
    the measure in each group for the ``n_show`` largest |differences|,
    filled markers where q < alpha. ``group_kind`` (e.g. ``"tier"``) gives the
    two groups their colours in every figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt


    a, b = diff.attrs.get("groups", ("a", "b"))
    alpha = diff.attrs.get("alpha", 0.05)
    na, nb = diff.attrs.get("n_articles", ("?", "?"))
    if group_kind in CATEGORIES:
        col = {a: colour(group_kind, a), b: colour(group_kind, b)}
    else:
        col = {a: colour("topic", 0), b: colour("topic", 6)}
    sig = diff[diff["stronger_in"] != ""]
    ecol = {(r.source, r.target): (col[r.stronger_in] if r.stronger_in else "#D0D0D0")
            for r in edges.itertuples()}
    with style():
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=figsize("double", 8.6),
                                       gridspec_kw={"height_ratios": [1.5, 1]})
        colours = {n: "#BBBBBB" for n in nodes["term"]}
        for r in sig.itertuples():
            colours[r.source] = colours[r.target] = "#555555"
        texts = draw_graph(ax1, nodes, edges, colours=colours, n_labels=30, glossary=glossary,
                           fontsize=6, size_range=(12, 160), width_range=(0.4, 2.6),
                           edge_colours=ecol)
        head = f"Edges stronger in {human(labels[0])} / {human(labels[1])} (legend colours)"
        if sig.empty:
            head = (f"No edge differs at BH q < {alpha:g}; grey: the most frequent pairs, "
                    "for context")
        ax1.set_title(head, loc="left", fontsize=7)
        _difference_panel(ax2, diff, col, labels, n_show, glossary, group_kind or "group")
        fig.suptitle(f"Differential co-occurrence: {human(labels[0])} (n = {na} articles) "
                     f"vs {human(labels[1])} (n = {nb})", x=0.01, ha="left")
        add_caption(fig, caption.split("\n") + [_unlabelled(len(nodes), texts)])
    return fig
