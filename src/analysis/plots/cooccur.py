"""Figures of the co-occurrence stage: networks, ego networks, differential networks.

The ``draw_*`` functions take the stage's tables (nodes with positions, edges with
a ``weight``) and the caption text, and return a matplotlib Figure; they never
save. :func:`place_labels` (non-overlapping labels with leader lines) is shared
with other stages' scatter plots.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from .style import PALETTE, style

__all__ = ["community_colours", "draw_differential", "draw_ego", "draw_graph", "draw_network",
           "label_text", "place_labels"]

_GREY = "#9A9A9A"
#: 16 label directions: right, left, up, down, then the diagonals, then between.
_ANGLES = np.deg2rad([0, 180, 90, 270, 45, 135, 315, 225,
                      22.5, 157.5, 337.5, 202.5, 67.5, 112.5, 292.5, 247.5])


def community_colours(communities: dict, n_colours: int = 7) -> dict:
    """term -> colour; communities beyond the palette's first colours are grey."""
    pal = [c for c in PALETTE if c != "#000000"][:n_colours]
    return {t: (pal[c - 1] if c - 1 < len(pal) else _GREY) for t, c in communities.items()}


def _scale(values, lo, hi):
    v = np.asarray(values, dtype=float)
    span = v.max() - v.min() if len(v) else 0.0
    return np.full(v.shape, (lo + hi) / 2) if span == 0 else lo + (hi - lo) * (v - v.min()) / span


def _caption(fig, text: str, width_in: float, fontsize: float, y: float = -0.02) -> None:
    chars = max(40, int(width_in * 72 / (fontsize * 0.55)))
    lines = [textwrap.fill(t, chars) for t in text.split("\n")]
    fig.text(0.01, y, "\n".join(lines), fontsize=fontsize, va="top", ha="left", color="#333333")


def label_text(term: str, glossary: dict | None) -> str:
    """``term`` with its English gloss on a second line, when the glossary has one."""
    gloss = (glossary or {}).get(term, "")
    return f"{term}\n{gloss}" if gloss else term


def _overlap(b1, b2) -> float:
    w = min(b1[2], b2[2]) - max(b1[0], b2[0])
    h = min(b1[3], b2[3]) - max(b1[1], b2[1])
    return w * h if w > 0 and h > 0 else 0.0


def _best_spot(cx, cy, w, h, r0, pt, axbox, placed, obstacles, node, max_rings):
    """The first free label box around a node (see :func:`place_labels`), or None."""
    best = None
    for ring in range(max_rings):
        r = r0 + ring * 6 * pt
        for ang in _ANGLES:
            dx, dy = np.cos(ang), np.sin(ang)
            # centre so that the label's near edge is r from the node centre
            lx = cx + dx * (r + w / 2) if abs(dx) > 1e-9 else cx
            ly = cy + dy * (r + h / 2) if abs(dy) > 1e-9 else cy
            box = (lx - w / 2, ly - h / 2, lx + w / 2, ly + h / 2)
            if (box[0] < axbox.x0 or box[2] > axbox.x1 or box[1] < axbox.y0
                    or box[3] > axbox.y1 or any(_overlap(box, b) > 0 for b in placed)):
                continue
            soft = sum(_overlap(box, b) for m, b in obstacles.items() if m != node)
            if best is None or soft < best[0] - 1e-9:
                best = (soft, lx, ly, box, ring)
            if soft == 0:
                break
        if best is not None and best[0] == 0:
            break
    return best


def place_labels(ax, pos: dict, labels: dict, marker_area: dict, *, fontsize: float = 7.0,
                 max_rings: int = 10) -> list:
    """Place labels next to their nodes without overlaps (greedy, deterministic).

    Labels are placed in the order of ``labels`` (most important first). Each
    tries 16 directions at growing distances. A spot must not overlap a placed
    label or leave the axes; among those, the first that covers no other node
    wins, else the one covering least node area. A leader line is drawn when
    the label sits away from its node. A label with no legal spot is left out
    (the node stays unlabelled) rather than piled on another.

    Returns
    -------
    list of matplotlib Text
        The annotations, in placement order.
    """
    from matplotlib import patheffects

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    to_px = ax.transData.transform
    pt = fig.dpi / 72.0
    axbox = ax.get_window_extent(renderer)
    obstacles = {}
    for n, (x, y) in pos.items():
        cx, cy = to_px((x, y))
        r = np.sqrt(marker_area.get(n, 20) / np.pi) * pt
        obstacles[n] = (cx - r, cy - r, cx + r, cy + r)
    placed, texts = [], []
    for n, text in labels.items():
        cx, cy = to_px(pos[n])
        probe = ax.text(0, 0, text, fontsize=fontsize, ha="center", va="center",
                        linespacing=1.0)
        ext = probe.get_window_extent(renderer)
        probe.remove()
        w, h = ext.width + 1.0 * pt, ext.height + 0.5 * pt
        r0 = np.sqrt(marker_area.get(n, 20) / np.pi) * pt + 1.5 * pt
        best = _best_spot(cx, cy, w, h, r0, pt, axbox, placed, obstacles, n, max_rings)
        if best is None:
            continue
        _, lx, ly, box, ring = best
        placed.append(box)
        arrow = dict(arrowstyle="-", color="#555555", lw=0.4, shrinkA=0, shrinkB=2) \
            if ring > 0 else None
        t = ax.annotate(
            text, xy=pos[n], xytext=((lx - cx) / pt, (ly - cy) / pt), textcoords="offset points",
            ha="center", va="center", fontsize=fontsize, linespacing=1.0, arrowprops=arrow,
            zorder=5)
        t.set_path_effects([patheffects.withStroke(linewidth=1.8, foreground="white")])
        texts.append(t)
    return texts


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
        The labels of the ``n_labels`` most frequent nodes that found a spot.
    """
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
    ax.scatter(xs[:, 0], xs[:, 1], s=[area[n] for n in terms],
               c=[colours.get(n, _GREY) for n in terms], edgecolors="white", linewidths=0.5,
               zorder=2)
    pad = 0.12 * (np.ptp(xs, axis=0).max() if len(xs) > 1 else 1.0) + 0.05
    ax.set_xlim(xs[:, 0].min() - pad, xs[:, 0].max() + pad)
    ax.set_ylim(xs[:, 1].min() - pad, xs[:, 1].max() + pad)
    ax.set_axis_off()
    ax.figure.canvas.draw()
    ranked = sorted(terms, key=lambda n: (-freq[n], n))[:n_labels]
    return place_labels(ax, pos, {n: label_text(n, glossary) for n in ranked}, area,
                        fontsize=fontsize)


def _community_legend(ax, nodes: pd.DataFrame, colours: dict) -> None:
    from matplotlib.lines import Line2D

    handles = []
    for c, grp in nodes.groupby("community", sort=True):
        members = grp.sort_values(["freq", "term"], ascending=[False, True])["term"].tolist()
        if colours[members[0]] == _GREY:
            continue
        handles.append(Line2D([], [], marker="o", ls="", color=colours[members[0]],
                              label=f"{c}: " + "·".join(members[:3])))
    if _GREY in {colours[n] for n in nodes["term"]}:
        handles.append(Line2D([], [], marker="o", ls="", color=_GREY,
                              label="smaller communities"))
    if handles:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                  ncol=min(4, len(handles)), frameon=False, fontsize=7,
                  handletextpad=0.2, columnspacing=1.0, title="community: top terms",
                  title_fontsize=7)


def draw_network(nodes: pd.DataFrame, edges: pd.DataFrame, *, title: str, caption: str,
                 glossary=None, n_labels: int = 40, figsize=(7.0, 6.2)):
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
        fig, ax = plt.subplots(figsize=figsize)
        draw_graph(ax, nodes, edges, colours=colours, n_labels=n_labels, glossary=glossary)
        ax.set_title(title, loc="left")
        _community_legend(ax, nodes, colours)
        _caption(fig, caption, figsize[0], 6.5)
    return fig


def draw_ego(nodes: pd.DataFrame, edges: pd.DataFrame, term: str, *, caption: str,
             communities: dict | None = None, glossary=None, figsize=(3.5, 3.6)):
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
        fig, ax = plt.subplots(figsize=figsize)
        draw_graph(ax, nodes, edges, colours=colours, n_labels=len(nodes), glossary=glossary,
                   fontsize=6.5, size_range=(14, 200), width_range=(0.3, 2.2))
        ax.set_title(f"Ego network: {label_text(term, glossary).replace(chr(10), ' · ')}",
                     loc="left", fontsize=8)
        _caption(fig, caption, figsize[0], 5.5, -0.01)
    return fig


def _difference_panel(ax, diff: pd.DataFrame, col: dict, labels, n_show: int) -> None:
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
            ax.scatter([v], [yi], s=18, zorder=2, color=col[g] if filled else "white",
                       edgecolors=col[g], linewidths=0.9)
    ax.set_yticks(y, [f"{r.source}–{r.target}" for r in top.itertuples()], fontsize=6.5)
    ax.set_xlabel(f"{measure} ({labels[0]}: blue, {labels[1]}: vermilion; "
                  f"filled = q < {alpha:g})", fontsize=6.5)
    ax.set_title(f"Largest differences ({len(diff)} pairs tested)", loc="left", fontsize=8)


def draw_differential(diff: pd.DataFrame, nodes: pd.DataFrame, edges: pd.DataFrame, *,
                      caption: str, labels=("a", "b"), glossary=None, n_show: int = 18,
                      figsize=(7.0, 4.6)):
    """Differential network (left) and the largest differences (right).

    Left: the shown ``edges`` (:func:`analysis.cooccur.differential_layout`: the
    pairs with the largest pooled counts as a grey backbone, and the
    FDR-significant edges coloured by the group they are stronger in). Right:
    the measure in each group for the ``n_show`` largest |differences|,
    filled markers where q < alpha.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    a, b = diff.attrs.get("groups", ("a", "b"))
    alpha = diff.attrs.get("alpha", 0.05)
    na, nb = diff.attrs.get("n_articles", ("?", "?"))
    col = {a: PALETTE[0], b: PALETTE[3]}
    sig = diff[diff["stronger_in"] != ""]
    ecol = {(r.source, r.target): (col[r.stronger_in] if r.stronger_in else "#D0D0D0")
            for r in edges.itertuples()}
    with style():
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=figsize,
                                       gridspec_kw={"width_ratios": [1.25, 1]})
        colours = {n: "#BBBBBB" for n in nodes["term"]}
        for r in sig.itertuples():
            colours[r.source] = colours[r.target] = "#555555"
        draw_graph(ax1, nodes, edges, colours=colours, n_labels=30, glossary=glossary,
                   fontsize=6.5, size_range=(12, 160), width_range=(0.4, 2.6),
                   edge_colours=ecol)
        head = f"Edges stronger in {labels[0]} (blue) / {labels[1]} (vermilion)"
        if sig.empty:
            head += f":\nnone at BH q < {alpha:g} (grey: most frequent pairs, for context)"
        ax1.set_title(head, loc="left", fontsize=8)
        _difference_panel(ax2, diff, col, labels, n_show)
        fig.suptitle(f"Differential co-occurrence: {labels[0]} (n = {na} articles) vs "
                     f"{labels[1]} (n = {nb})", x=0.01, ha="left", fontsize=9)
        _caption(fig, caption, figsize[0], 6, -0.01)
        fig.tight_layout()
    return fig
