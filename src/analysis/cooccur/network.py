"""Keyword co-occurrence networks: graph, communities, layout, GEXF, ego networks.

Networks are :mod:`networkx` graphs with seeded Louvain communities and a
seeded spring layout (or Kamada–Kawai). Nodes and edges
are always added in sorted order, so communities and positions depend on the
content only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

from ..io import FLOAT_FORMAT
from .measures import association, cooccurrence, filter_edges, select_keywords
from .windows import binary, doc_term_matrix, term_table

if TYPE_CHECKING:
    from ..config import CooccurParams

__all__ = ["CooccurrenceNetwork", "build_graph", "detect_communities", "ego_network",
           "layout_nodes", "network_from_params", "seeded_layout", "title_network_from_params",
           "write_gexf"]

_INT_ATTRS = ("count", "n_source", "n_target")


def build_graph(edges: pd.DataFrame, terms: pd.DataFrame, *, glossary: dict | None = None,
                measure: str = "jaccard") -> nx.Graph:
    """Undirected graph of the edges; nodes carry freq, n_windows and english.

    Nodes and edges are added in sorted order so iteration order (and hence
    Louvain and the layout) depends on content only.
    """
    glossary = glossary or {}
    G = nx.Graph(measure=measure)
    nodes = sorted(set(edges["source"]) | set(edges["target"]))
    info = terms.set_index("term")
    for t in nodes:
        G.add_node(t, label=t, english=glossary.get(t, ""),
                   freq=int(info.at[t, "freq"]), n_windows=int(info.at[t, "n_windows"]))
    attrs = [c for c in ("count", "expected", "jaccard", "dice", "npmi", "g2", "p_value",
                         "n_source", "n_target") if c in edges]
    for row in edges.sort_values(["source", "target"]).itertuples(index=False):
        r = row._asdict()
        G.add_edge(r["source"], r["target"], weight=float(r["weight"]),
                   **{a: (int(r[a]) if a in _INT_ATTRS else float(r[a])) for a in attrs})
    return G


def detect_communities(G: nx.Graph, *, weight: str = "weight", resolution: float = 1.0,
                       seed: int = 0) -> tuple[dict, float]:
    """Seeded Louvain communities, numbered 1.. by size (then first term).

    Returns
    -------
    membership : dict
        term -> community number.
    modularity : float
        Of the partition, on the same weights.
    """
    if G.number_of_edges() == 0:
        return {n: i + 1 for i, n in enumerate(sorted(G))}, float("nan")
    comms = nx.community.louvain_communities(G, weight=weight, resolution=resolution, seed=seed)
    comms = sorted((sorted(c) for c in comms), key=lambda c: (-len(c), c[0]))
    q = nx.community.modularity(G, [set(c) for c in comms], weight=weight, resolution=resolution)
    return {t: k + 1 for k, c in enumerate(comms) for t in c}, float(q)


def seeded_layout(G: nx.Graph, *, weight: str = "weight", seed: int = 0,
                  method: str = "spring", k: float | None = None,
                  iterations: int = 200) -> dict:
    """Node positions that depend only on the graph (and ``seed``).

    ``spring`` (default, Fruchterman–Reingold) uses the edge ``weight`` rescaled
    to (0, 1] and ``seed``; it gives the same coordinates under every BLAS kernel.
    ``kamada_kawai`` places nodes by their path distances (edge count), with
    separate components one step beyond the largest distance instead of
    networkx's 10⁶; it is deterministic on one machine, but its optimiser can move
    nodes by ~1e-3 under another BLAS kernel. Coordinates are rounded to 6 decimals.
    """
    H = nx.Graph()
    H.add_nodes_from(sorted(G))
    wmax = max((d[weight] for _, _, d in G.edges(data=True)), default=1.0) or 1.0
    for u, v, d in sorted(G.edges(data=True), key=lambda e: (min(e[0], e[1]), max(e[0], e[1]))):
        H.add_edge(u, v, w=max(d[weight] / wmax, 1e-3))
    if len(H) <= 2 or method == "spring":
        pos = nx.spring_layout(H, weight="w", seed=seed, k=k, iterations=iterations)
    elif method == "kamada_kawai":
        hops = dict(nx.shortest_path_length(H))
        far = max(max(d.values()) for d in hops.values()) + 1
        dist = {u: {v: hops[u].get(v, far) for v in H} for u in H}
        pos = nx.kamada_kawai_layout(H, dist=dist)
    else:
        raise ValueError(f"unknown layout {method!r}")
    return {n: (float(round(p[0], 6)), float(round(p[1], 6))) for n, p in pos.items()}


def _written(value):
    """A float at the written precision (:data:`analysis.io.FLOAT_FORMAT`); else as is."""
    if isinstance(value, (float, np.floating)):
        return float(FLOAT_FORMAT % value)
    return value


def write_gexf(G: nx.Graph, path: str | Path, *, pos: dict | None = None,
               colours: dict | None = None) -> Path:
    """GEXF for Gephi with every attribute; byte-stable (no modification date).

    ``pos`` and ``colours`` (term -> hex) go into Gephi's ``viz`` tags. Every float
    (attributes, sizes, positions) is written at the CSV precision, 6 significant
    digits (``docs/numbers.md``): full-precision floats differ in their last digits
    between CPUs.
    """
    H = G.copy()   # new attribute dicts, same node and edge order
    H.graph.update({k: _written(v) for k, v in H.graph.items()})
    for _, _, d in H.edges(data=True):
        d.update({k: _written(v) for k, v in d.items()})
    for n, d in H.nodes(data=True):
        d.update({k: _written(v) for k, v in d.items()})
        viz = {"size": _written(float(d.get("freq", 1)))}
        if pos is not None and n in pos:
            viz["position"] = {"x": _written(float(pos[n][0]) * 500),
                               "y": _written(float(pos[n][1]) * 500), "z": 0.0}
        if colours is not None and n in colours:
            r, g, b = (int(colours[n][i:i + 2], 16) for i in (1, 3, 5))
            viz["color"] = {"r": r, "g": g, "b": b, "a": 1.0}
        d["viz"] = viz
    text = "\n".join(nx.generate_gexf(H))
    text = re.sub(r' lastmodifieddate="[^"]*"', "", text)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    return path


class CooccurrenceNetwork:
    """Keyword co-occurrence network, scikit-learn style.

    Parameters
    ----------
    measure : str
        One of :data:`~analysis.cooccur.measures.MEASURES`; edge weight, community
        and layout weight.
    keyword_method, n_keywords, min_windows, keywords, exclude
        See :func:`~analysis.cooccur.measures.select_keywords`.
    min_count, min_measure, top_n_edges, positive_only
        See :func:`~analysis.cooccur.measures.filter_edges`.
    resolution : float
        Louvain resolution.
    layout : {"kamada_kawai", "spring"}
        ``layout_k`` and ``layout_iterations`` apply to ``spring`` only.
    random_state : int
        Seed of Louvain and the layout.

    Attributes
    ----------
    counts_, vocab_ : window × term counts and vocabulary.
    terms_ : term, freq, n_windows for the whole vocabulary.
    keywords_ : the selected keywords.
    pairs_ : every co-occurring keyword pair with all measures.
    edges_ : the filtered edges (with ``community_source``/``community_target``).
    graph_ : networkx Graph (nodes carry ``community``, ``x``, ``y``).
    nodes_ : term, english, freq, n_windows, degree, community, x, y.
    communities_ : dict term -> community; modularity_ : float.
    pos_ : dict term -> (x, y).
    """

    def __init__(self, measure="jaccard", keyword_method="frequency", n_keywords=60,
                 min_windows=5, keywords=None, exclude=(), min_count=3, min_measure=None,
                 top_n_edges=100, positive_only=True, resolution=1.0, layout="spring",
                 layout_k=None, layout_iterations=200, random_state=0):
        self.measure = measure
        self.keyword_method = keyword_method
        self.n_keywords = n_keywords
        self.min_windows = min_windows
        self.keywords = keywords
        self.exclude = exclude
        self.min_count = min_count
        self.min_measure = min_measure
        self.top_n_edges = top_n_edges
        self.positive_only = positive_only
        self.resolution = resolution
        self.layout = layout
        self.layout_k = layout_k
        self.layout_iterations = layout_iterations
        self.random_state = random_state

    def fit(self, token_lists, target=None, glossary=None):
        """Count, select keywords, measure, filter, find communities, lay out."""
        self.counts_, self.vocab_ = doc_term_matrix(token_lists)
        self.terms_ = term_table(self.counts_, self.vocab_)
        self.keywords_ = select_keywords(
            self.counts_, self.vocab_, method=self.keyword_method, n=self.n_keywords,
            min_windows=self.min_windows, terms=self.keywords, target=target,
            exclude=self.exclude)
        self.pairs_ = cooccurrence(self.counts_, self.vocab_, self.keywords_)
        edges = filter_edges(self.pairs_, measure=self.measure, min_count=self.min_count,
                             min_measure=self.min_measure, top_n=self.top_n_edges,
                             positive_only=self.positive_only)
        G = build_graph(edges, self.terms_, glossary=glossary, measure=self.measure)
        self.communities_, self.modularity_ = detect_communities(
            G, resolution=self.resolution, seed=self.random_state)
        self.pos_ = seeded_layout(G, seed=self.random_state, method=self.layout,
                                  k=self.layout_k, iterations=self.layout_iterations)
        for n, d in G.nodes(data=True):
            d["community"] = self.communities_[n]
            d["degree"] = G.degree(n)
            d["x"], d["y"] = self.pos_[n]
        self.graph_ = G
        edges["community_source"] = edges["source"].map(self.communities_)
        edges["community_target"] = edges["target"].map(self.communities_)
        self.edges_ = edges
        self.nodes_ = (pd.DataFrame([{"term": n, **{k: d[k] for k in (
            "english", "freq", "n_windows", "degree", "community", "x", "y")}}
            for n, d in G.nodes(data=True)])
            .reindex(columns=["term", "english", "freq", "n_windows", "degree",
                              "community", "x", "y"])
            .sort_values(["community", "freq", "term"], ascending=[True, False, True],
                         kind="mergesort").reset_index(drop=True))
        return self

    def summary(self) -> dict:
        """Size, communities and modularity of the fitted network."""
        return {"n_windows": int(self.counts_.shape[0]), "n_terms": int(len(self.vocab_)),
                "n_keywords": len(self.keywords_), "n_nodes": self.graph_.number_of_nodes(),
                "n_edges": self.graph_.number_of_edges(),
                "n_communities": len(set(self.communities_.values())),
                "modularity": self.modularity_, "measure": self.measure}


def network_from_params(p: CooccurParams) -> CooccurrenceNetwork:
    """The main (body-text) network estimator of ``[cooccur]``."""
    return CooccurrenceNetwork(
        measure=p.measure, keyword_method=p.keyword_method, n_keywords=p.n_keywords,
        min_windows=p.min_windows, keywords=list(p.keywords) or None, exclude=p.exclude,
        min_count=p.min_count, min_measure=p.min_measure, top_n_edges=p.top_n_edges,
        positive_only=p.positive_only, resolution=p.resolution, layout=p.layout,
        layout_iterations=p.layout_iterations, random_state=p.random_state)


def title_network_from_params(p: CooccurParams) -> CooccurrenceNetwork:
    """The title network estimator: ``[cooccur.title]`` sizes, the rest from ``[cooccur]``.

    Keywords are always the most frequent title terms (a keyword list or keyness
    target of the body network does not apply to titles).
    """
    t = p.title
    return CooccurrenceNetwork(
        measure=t.measure, keyword_method="frequency", n_keywords=t.n_keywords,
        min_windows=t.min_windows, keywords=None, exclude=p.exclude,
        min_count=t.min_count, min_measure=p.min_measure, top_n_edges=t.top_n_edges,
        positive_only=p.positive_only, resolution=p.resolution, layout=p.layout,
        layout_iterations=p.layout_iterations, random_state=p.random_state)


def ego_network(counts: sparse.spmatrix, vocab, term: str, *, measure: str = "jaccard",
                n_neighbors: int = 15, min_count: int = 2, positive_only: bool = True,
                n_other_edges: int | None = 15) -> pd.DataFrame:
    """Edges among ``term`` and its ``n_neighbors`` most associated terms.

    Neighbours are ranked by ``measure`` with ``term`` (ties by term) among
    terms co-occurring at least ``min_count`` times. Every edge to ``term``
    is kept; of the edges between neighbours (same filters) only the
    ``n_other_edges`` strongest, so the figure stays legible.

    Raises
    ------
    KeyError
        If ``term`` is not a token of any window (check the segmenter's lexicon).
    """
    index = {t: i for i, t in enumerate(vocab)}
    if term not in index:
        raise KeyError(f"{term!r} is not a token in any window")
    X = binary(counts).tocsc()
    col = X[:, index[term]]
    joint = np.asarray((col.T @ X).todense()).ravel()
    joint[index[term]] = 0
    cand = np.flatnonzero(joint >= min_count)
    df = np.asarray(X.sum(axis=0)).ravel()
    meas = association(joint[cand], df[index[term]], df[cand], X.shape[0])
    meas.insert(0, "term", np.asarray(vocab, dtype=object)[cand])
    if positive_only:
        meas = meas[meas["count"] > meas["expected"]]
    top = meas.sort_values([measure, "term"], ascending=[False, True], kind="mergesort")
    members = [term] + top["term"].head(n_neighbors).tolist()
    pairs = cooccurrence(counts, vocab, members, min_count=min_count)
    edges = filter_edges(pairs, measure=measure, min_count=min_count,
                         positive_only=positive_only)
    is_ego = (edges["source"] == term) | (edges["target"] == term)
    keep = is_ego | (edges.index.isin(edges[~is_ego].head(n_other_edges).index)
                     if n_other_edges is not None else True)
    return edges[keep].reset_index(drop=True)


def layout_nodes(edges: pd.DataFrame, terms: pd.DataFrame, *, seed: int = 0,
                 include=(), method: str = "spring", iterations: int = 200) -> pd.DataFrame:
    """Nodes of the graph of ``edges`` (plus the terms ``include``) with a layout.

    For figures drawn from an edge table (ego and differential networks): the
    positions of :func:`seeded_layout` (``method``) on the edges' ``weight``.

    Returns
    -------
    DataFrame
        term (sorted), freq, x, y.
    """
    G = build_graph(edges, terms)
    freq = terms.set_index("term")["freq"]
    for t in include:
        if t not in G:
            G.add_node(t, freq=int(freq[t]))
    pos = seeded_layout(G, seed=seed, method=method, iterations=iterations)
    nodes = sorted(G)
    return pd.DataFrame({"term": nodes, "freq": [G.nodes[n].get("freq", 1) for n in nodes],
                         "x": [pos[n][0] for n in nodes], "y": [pos[n][1] for n in nodes]})
