"""Keyword co-occurrence: windows, association measures, networks, KWIC.

Words co-occur when they appear in the same *window*: a sentence (default) or a
paragraph of an article body, or a table-of-contents title for the title
network. Counting uses a binary window × term matrix ``X`` from
:mod:`scipy.sparse`; the co-occurrence counts of the selected keywords are
``X.T @ X`` restricted to those columns, so the work grows with the number of
co-occurring pairs, not with the vocabulary squared.

For each pair the 2×2 table over windows is::

              b in window     b not in window
    a in         n_ab            n_a - n_ab
    a not     n_b - n_ab     N - n_a - n_b + n_ab

and the measures are count (``n_ab``), Jaccard, Dice, NPMI and the
log-likelihood ratio G² with its χ²(1) p-value.

Networks are :mod:`networkx` graphs with seeded Louvain communities and a
deterministic Kamada–Kawai layout (or a seeded spring layout). The differential network tests, per edge, whether the
measure differs between two groups of articles more than when the group
labels are shuffled over *articles* (not windows), with Benjamini–Hochberg
FDR control. Every link can be traced to its sentences with
:func:`cooccurrence_lines` and :func:`edge_lines`; :func:`kwic` gives
concordance lines.

Evidence: body windows are text-level (articles 1–20 only); the title
network is title-level.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse, stats

from .config import write_csv

__all__ = [
    "MEASURES", "NoTextError", "CooccurrenceNetwork",
    "load_glossary", "build_windows", "build_title_windows",
    "doc_term_matrix", "term_table", "keyness", "select_keywords",
    "association", "cooccurrence", "filter_edges",
    "build_graph", "detect_communities", "seeded_layout", "write_gexf",
    "ego_network", "group_coverage", "differential_network",
    "kwic", "cooccurrence_lines", "edge_lines",
    "community_colours", "place_labels",
    "plot_network", "plot_ego", "plot_differential", "write_outputs",
]

#: Association measures, all "larger = stronger association".
MEASURES = ("count", "jaccard", "dice", "npmi", "g2")
WINDOW_COLUMNS = ["window_id", "article_id", "para_id", "sent_id", "text", "tokens", "words"]


class NoTextError(ValueError):
    """A group of articles has too few article bodies for a text-level analysis."""


# --------------------------------------------------------------------------
# Glossary
# --------------------------------------------------------------------------

def load_glossary(path: str | Path) -> dict[str, str]:
    """Read ``term,english,note`` into ``{term: english}``.

    A missing file gives an empty dict, so figures simply stay monolingual.
    """
    path = Path(path)
    if not path.exists():
        return {}
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"term", "english"} - set(table.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {sorted(missing)}")
    table = table[(table["term"].str.strip() != "") & (table["english"].str.strip() != "")]
    dup = table["term"][table["term"].duplicated()]
    if len(dup):
        raise ValueError(f"{path}: duplicate term(s) {sorted(set(dup))}")
    return dict(zip(table["term"].str.strip(), table["english"].str.strip()))


# --------------------------------------------------------------------------
# Windows
# --------------------------------------------------------------------------

def build_windows(paragraphs: pd.DataFrame, segmenter, unit: str = "sentence",
                  kinds: tuple[str, ...] = ("body", "heading")) -> pd.DataFrame:
    """One row per sentence (or paragraph) of the article bodies.

    Parameters
    ----------
    paragraphs : DataFrame
        ``Corpus.paragraphs`` (article_id, para_id, kind, text).
    segmenter : analysis.segment.Segmenter
        Gives ``sentences``, ``sentence_tokens``, ``tokenize`` and ``words``.
    unit : {"sentence", "paragraph"}
    kinds : paragraph kinds to keep.

    Returns
    -------
    DataFrame
        window_id, article_id, para_id, sent_id, text, tokens (filtered, for
        counting) and words (unfiltered, for concordances). ``sent_id`` is 0
        for paragraph windows.
    """
    if unit not in ("sentence", "paragraph"):
        raise ValueError(f"unit must be 'sentence' or 'paragraph', not {unit!r}")
    paras = paragraphs[paragraphs["kind"].isin(kinds)].sort_values(["article_id", "para_id"])
    rows = []
    if unit == "paragraph":
        texts = paras["text"].tolist()
        for (aid, pid, text), toks in zip(paras[["article_id", "para_id", "text"]].itertuples(
                index=False), segmenter.tokenize(texts)):
            rows.append((aid, pid, 0, text, list(toks)))
    else:
        keys = []
        for aid, pid, text in paras[["article_id", "para_id", "text"]].itertuples(index=False):
            keys.extend((aid, pid, i, s) for i, s in enumerate(segmenter.sentences(text)))
        # tokenize() is cached by content; same tokens as sentence_tokens()
        toks = segmenter.tokenize([k[3] for k in keys])
        rows = [(*k, list(t)) for k, t in zip(keys, toks)]
    return _finish_windows(rows, segmenter)


def build_title_windows(articles: pd.DataFrame, segmenter, title_col: str = "title",
                        drop_duplicates: bool = True) -> pd.DataFrame:
    """One window per table-of-contents title (title-level evidence).

    Repeated titles (``duplicate_of`` set) are dropped by default, so a title
    printed twice in the compilation is not counted twice.
    """
    arts = articles.sort_values("article_id")
    if drop_duplicates and "duplicate_of" in arts:
        arts = arts[arts["duplicate_of"].isna()]
    titles = arts[title_col].astype(str).tolist()
    rows = [(aid, 0, 0, t, list(toks)) for aid, t, toks in
            zip(arts["article_id"], titles, segmenter.tokenize(titles))]
    return _finish_windows(rows, segmenter)


def _finish_windows(rows, segmenter) -> pd.DataFrame:
    win = pd.DataFrame(rows, columns=["article_id", "para_id", "sent_id", "text", "tokens"])
    win["words"] = [[w for w, _ in segmenter.words(t)] for t in win["text"]]
    win.insert(0, "window_id", np.arange(len(win)))
    return win[WINDOW_COLUMNS]


# --------------------------------------------------------------------------
# Counting
# --------------------------------------------------------------------------

def doc_term_matrix(token_lists) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Window × term count matrix and the sorted vocabulary.

    Returns
    -------
    counts : csr_matrix, shape (n_windows, n_terms)
        Token counts; ``counts > 0`` is the binary incidence matrix.
    vocab : ndarray of str, sorted
    """
    token_lists = list(token_lists)
    lengths = np.fromiter((len(t) for t in token_lists), dtype=np.int64, count=len(token_lists))
    flat = [w for toks in token_lists for w in toks]
    codes, vocab = pd.factorize(pd.Series(flat, dtype=object), sort=True)
    rows = np.repeat(np.arange(len(token_lists)), lengths)
    counts = sparse.csr_matrix((np.ones(len(flat), dtype=np.int64), (rows, codes)),
                               shape=(len(token_lists), len(vocab)))
    counts.sum_duplicates()
    return counts, np.asarray(vocab, dtype=object)


def _binary(counts: sparse.spmatrix) -> sparse.csr_matrix:
    X = sparse.csr_matrix(counts, copy=True)
    X.data = (X.data > 0).astype(np.int64)
    X.eliminate_zeros()
    return X


def term_table(counts: sparse.spmatrix, vocab) -> pd.DataFrame:
    """term, freq (tokens) and n_windows (windows containing the term)."""
    freq = np.asarray(counts.sum(axis=0)).ravel()
    nwin = np.asarray((counts > 0).sum(axis=0)).ravel()
    return pd.DataFrame({"term": vocab, "freq": freq, "n_windows": nwin})


def _g2_2x2(o11, o12, o21, o22):
    """G² = 2 Σ O ln(O/E) of 2×2 tables given as arrays (0 ln 0 = 0)."""
    obs = np.stack([o11, o12, o21, o22]).astype(float)
    n = obs.sum(axis=0)
    r1, r2 = obs[0] + obs[1], obs[2] + obs[3]
    c1, c2 = obs[0] + obs[2], obs[1] + obs[3]
    with np.errstate(divide="ignore", invalid="ignore"):
        exp = np.stack([r1 * c1, r1 * c2, r2 * c1, r2 * c2]) / n
        terms = np.where(obs > 0, obs * np.log(obs / exp), 0.0)
    return np.maximum(2.0 * terms.sum(axis=0), 0.0)


def keyness(counts: sparse.spmatrix, vocab, target) -> pd.DataFrame:
    """G² keyness of each term in the target windows against all other windows.

    Token frequencies are compared (the usual corpus-linguistics 2×2 table of
    term vs other tokens × target vs reference). ``log_ratio`` is log2 of the
    ratio of relative frequencies (0.5 added to both counts).
    """
    target = np.asarray(target, dtype=bool)
    counts = sparse.csr_matrix(counts)
    a = np.asarray(counts[target].sum(axis=0)).ravel().astype(float)
    b = np.asarray(counts[~target].sum(axis=0)).ravel().astype(float)
    ta, tb = a.sum(), b.sum()
    g2 = _g2_2x2(a, b, ta - a, tb - b)
    log_ratio = np.log2(((a + 0.5) / ta) / ((b + 0.5) / tb))
    return pd.DataFrame({"term": vocab, "freq_target": a.astype(int),
                         "freq_reference": b.astype(int), "g2": g2, "log_ratio": log_ratio,
                         "p_value": stats.chi2.sf(g2, 1)})


def select_keywords(counts: sparse.spmatrix, vocab, method: str = "frequency", n: int = 60,
                    min_windows: int = 5, terms=None, target=None, exclude=()) -> list[str]:
    """Pick the keywords (network nodes).

    Parameters
    ----------
    method : {"frequency", "keyness", "list"}
        ``frequency``: most windows; ``keyness``: largest positive G² of the
        ``target`` windows against the rest; ``list``: ``terms`` as given
        (terms absent from the windows are dropped with a warning).
    n, min_windows : at most ``n`` terms found in at least ``min_windows`` windows.
    exclude : terms never selected.

    Ties are broken by term (code-point order), so the choice is deterministic.
    """
    tt = term_table(counts, vocab)
    tt = tt[~tt["term"].isin(set(exclude))]
    if method == "list":
        if terms is None:
            raise ValueError("method='list' needs terms")
        present = set(tt["term"][tt["n_windows"] > 0])
        absent = [t for t in terms if t not in present]
        if absent:
            warnings.warn(f"keywords not found in any window: {absent}", stacklevel=2)
        return sorted(dict.fromkeys(t for t in terms if t in present))
    tt = tt[tt["n_windows"] >= min_windows]
    if method == "frequency":
        ranked = tt.sort_values(["n_windows", "freq", "term"], ascending=[False, False, True],
                                kind="mergesort")
    elif method == "keyness":
        if target is None:
            raise ValueError("method='keyness' needs a boolean target mask over windows")
        kt = keyness(counts, vocab, target)
        kt = kt[kt["term"].isin(set(tt["term"])) & (kt["log_ratio"] > 0)]
        ranked = kt.sort_values(["g2", "term"], ascending=[False, True], kind="mergesort")
    else:
        raise ValueError(f"unknown keyword method {method!r}")
    return sorted(ranked["term"].head(n))


# --------------------------------------------------------------------------
# Measures
# --------------------------------------------------------------------------

def association(n_ab, n_a, n_b, n) -> pd.DataFrame:
    """All measures for pairs with joint count ``n_ab``, margins ``n_a``, ``n_b`` of ``n`` windows.

    Conventions: Jaccard/Dice are 0 when both margins are 0; NPMI is -1 when
    ``n_ab = 0`` and 1 when the pair fills every window; ``g2`` is the
    unsigned G² and ``expected`` (``n_a n_b / n``) tells its direction.
    """
    m = _measures(*(np.ravel(v) if np.ndim(v) else v for v in (n_ab, n_a, n_b, n)))
    m["count"] = m["count"].astype(np.int64)
    m["p_value"] = stats.chi2.sf(m["g2"], 1)
    return pd.DataFrame(m)[["count", "expected", "jaccard", "dice", "npmi", "g2", "p_value"]]


def _measures(n_ab, n_a, n_b, n, only: str | None = None) -> dict:
    """The measures as arrays of any (broadcast) shape (``only``: just that one)."""
    n_ab, n_a, n_b, n = np.broadcast_arrays(*(np.asarray(v, dtype=float)
                                              for v in (n_ab, n_a, n_b, n)))

    def jaccard():
        union = n_a + n_b - n_ab
        return np.where(union > 0, n_ab / np.where(union > 0, union, 1), 0.0)

    def dice():
        tot = n_a + n_b
        return np.where(tot > 0, 2 * n_ab / np.where(tot > 0, tot, 1), 0.0)

    def npmi():
        with np.errstate(divide="ignore", invalid="ignore"):
            p_ab = n_ab / n
            pmi = np.log(n_ab * n / (n_a * n_b))
            return np.where(n_ab <= 0, -1.0, np.where(p_ab >= 1, 1.0, pmi / -np.log(p_ab)))

    def expected():
        return np.where(n > 0, n_a * n_b / np.where(n > 0, n, 1), 0.0)

    funcs = {"count": lambda: n_ab, "expected": expected, "jaccard": jaccard, "dice": dice,
             "npmi": npmi,
             "g2": lambda: _g2_2x2(n_ab, n_a - n_ab, n_b - n_ab, n - n_a - n_b + n_ab)}
    return {k: f() for k, f in funcs.items() if only is None or k == only}


def cooccurrence(counts: sparse.spmatrix, vocab, keywords, min_count: int = 1) -> pd.DataFrame:
    """Every co-occurring keyword pair with its measures.

    Returns
    -------
    DataFrame
        source, target (source < target), n_source, n_target, n_windows and the
        columns of :func:`association`, sorted by source, target.
    """
    X = _binary(counts)
    index = {t: i for i, t in enumerate(vocab)}
    missing = [k for k in keywords if k not in index]
    if missing:
        raise KeyError(f"keywords not in the vocabulary: {missing}")
    kw = np.array(sorted(set(keywords)), dtype=object)
    cols = np.array([index[k] for k in kw], dtype=np.int64)
    Xk = X[:, cols].tocsc()
    joint = sparse.triu(Xk.T @ Xk, k=1).tocoo()
    keep = joint.data >= min_count
    i, j, n_ab = joint.row[keep], joint.col[keep], joint.data[keep]
    df = np.asarray(Xk.sum(axis=0)).ravel()
    order = np.lexsort((j, i))
    i, j, n_ab = i[order], j[order], n_ab[order]
    pairs = pd.DataFrame({"source": kw[i], "target": kw[j], "n_source": df[i],
                          "n_target": df[j], "n_windows": X.shape[0]})
    return pd.concat([pairs, association(n_ab, df[i], df[j], X.shape[0])], axis=1)


def filter_edges(pairs: pd.DataFrame, measure: str = "jaccard", min_count: int = 1,
                 min_measure: float | None = None, top_n: int | None = None,
                 positive_only: bool = True) -> pd.DataFrame:
    """Keep the strongest pairs as network edges.

    ``positive_only`` drops pairs that co-occur no more often than expected
    under independence (G² and NPMI would otherwise rank avoidance as
    association). Rows are sorted by the measure (descending), then
    source, target; ``weight`` holds the measure.
    """
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    e = pairs[pairs["count"] >= min_count]
    if positive_only:
        e = e[e["count"] > e["expected"]]
    if min_measure is not None:
        e = e[e[measure] >= min_measure]
    e = e.sort_values([measure, "source", "target"], ascending=[False, True, True],
                      kind="mergesort")
    if top_n is not None:
        e = e.head(top_n)
    e = e.reset_index(drop=True)
    e["weight"] = e[measure].astype(float)
    return e


# --------------------------------------------------------------------------
# Networks
# --------------------------------------------------------------------------

def build_graph(edges: pd.DataFrame, terms: pd.DataFrame, glossary: dict | None = None,
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
                   **{a: (int(r[a]) if a in ("count", "n_source", "n_target") else float(r[a]))
                      for a in attrs})
    return G


def detect_communities(G: nx.Graph, weight: str = "weight", resolution: float = 1.0,
                       seed: int = 0) -> tuple[dict, float]:
    """Seeded Louvain communities, numbered 1.. by size (then first term).

    Returns
    -------
    membership : dict term -> community number
    modularity : float, of the partition on the same weights
    """
    if G.number_of_edges() == 0:
        return {n: i + 1 for i, n in enumerate(sorted(G))}, float("nan")
    comms = nx.community.louvain_communities(G, weight=weight, resolution=resolution, seed=seed)
    comms = sorted((sorted(c) for c in comms), key=lambda c: (-len(c), c[0]))
    q = nx.community.modularity(G, [set(c) for c in comms], weight=weight, resolution=resolution)
    return {t: k + 1 for k, c in enumerate(comms) for t in c}, float(q)


def seeded_layout(G: nx.Graph, weight: str = "weight", seed: int = 0,
                  method: str = "kamada_kawai", k: float | None = None,
                  iterations: int = 200) -> dict:
    """Node positions that depend only on the graph (and ``seed``).

    ``kamada_kawai`` (default) places nodes by their path distances (edge
    count); it spreads dense keyword cores better than a spring layout and is
    deterministic. Separate components are kept one step beyond the largest
    distance instead of networkx's 10⁶. ``spring`` uses the edge ``weight``
    rescaled to (0, 1] and ``seed``. Coordinates are rounded to 6 decimals.
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


def write_gexf(G: nx.Graph, path: str | Path, pos: dict | None = None,
               colours: dict | None = None) -> Path:
    """GEXF for Gephi with every attribute; byte-stable (no modification date).

    ``pos`` and ``colours`` (term -> hex) go into Gephi's ``viz`` tags.
    """
    H = G.copy()
    for n, d in H.nodes(data=True):
        viz = {"size": float(d.get("freq", 1))}
        if pos is not None and n in pos:
            viz["position"] = {"x": float(pos[n][0]) * 500, "y": float(pos[n][1]) * 500, "z": 0.0}
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
    measure : one of :data:`MEASURES`; edge weight, community and layout weight.
    keyword_method, n_keywords, min_windows, keywords, exclude :
        see :func:`select_keywords`.
    min_count, min_measure, top_n_edges, positive_only : see :func:`filter_edges`.
    resolution : Louvain resolution.
    layout : "kamada_kawai" or "spring"; layout_k, layout_iterations : spring only.
    random_state : int seed of Louvain and the layout.

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
                 top_n_edges=100, positive_only=True, resolution=1.0, layout="kamada_kawai",
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
        edges = filter_edges(self.pairs_, self.measure, self.min_count, self.min_measure,
                             self.top_n_edges, self.positive_only)
        G = build_graph(edges, self.terms_, glossary, self.measure)
        self.communities_, self.modularity_ = detect_communities(
            G, "weight", self.resolution, self.random_state)
        self.pos_ = seeded_layout(G, "weight", self.random_state, self.layout, self.layout_k,
                                  self.layout_iterations)
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


# --------------------------------------------------------------------------
# Ego networks
# --------------------------------------------------------------------------

def ego_network(counts: sparse.spmatrix, vocab, term: str, measure: str = "jaccard",
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
    X = _binary(counts).tocsc()
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
    edges = filter_edges(pairs, measure, min_count, None, None, positive_only)
    is_ego = (edges["source"] == term) | (edges["target"] == term)
    keep = is_ego | (edges.index.isin(edges[~is_ego].head(n_other_edges).index)
                     if n_other_edges is not None else True)
    return edges[keep].reset_index(drop=True)


# --------------------------------------------------------------------------
# Differential networks
# --------------------------------------------------------------------------

def group_coverage(articles: pd.DataFrame, group_col: str, groups, within: dict | None = None
                   ) -> pd.DataFrame:
    """Articles and article bodies per group: what a text-level comparison stands on."""
    if group_col not in articles:
        raise KeyError(f"articles have no column {group_col!r}")
    arts = articles
    for col, val in (within or {}).items():
        arts = arts[arts[col] == val]
    rows = []
    for g in groups:
        sub = arts[arts[group_col] == g]
        has_text = sub["text_status"] != "title_only"
        rows.append({"group": g, "n_articles": len(sub), "n_text": int(has_text.sum()),
                     "n_truncated": int((sub["text_status"] == "truncated").sum()),
                     "article_ids": " ".join(map(str, sorted(sub.loc[has_text, "article_id"])))})
    return pd.DataFrame(rows)


def differential_network(windows: pd.DataFrame, articles: pd.DataFrame, group_col: str,
                         groups, keywords=None, measure: str = "jaccard", n_perm: int = 999,
                         random_state: int = 0, min_count: int = 3, alpha: float = 0.05,
                         min_articles: int = 3, within: dict | None = None,
                         n_keywords: int = 40, min_windows: int = 5) -> pd.DataFrame:
    """Per-edge measure in two groups of articles, difference and permutation test.

    The group labels are shuffled over articles (whole articles move, so
    within-article dependence between sentences is kept); the two-sided
    p-value is ``(1 + #{|d_perm| >= |d_obs|}) / (1 + n_perm)`` and
    ``q_value`` is Benjamini–Hochberg over all tested pairs (pooled count
    ``>= min_count``). Without ``keywords``, the ``n_keywords`` most frequent
    terms of the pooled windows of both groups are used.

    Raises
    ------
    NoTextError
        If either group has fewer than ``min_articles`` articles with body
        windows: a text-level network for it would be empty or misleading.

    Returns
    -------
    DataFrame
        source, target, count_a, count_b, measure_a, measure_b, diff (a - b),
        p_value, q_value, stronger_in (group name or ""); sorted by q, then
        |diff|. ``attrs`` records groups, article counts and the measure.
    """
    a, b = groups
    cov = group_coverage(articles, group_col, groups, within)
    arts = articles
    for col, val in (within or {}).items():
        arts = arts[arts[col] == val]
    with_windows = set(windows["article_id"])
    ids = {}
    for g in (a, b):
        sel = arts.loc[arts[group_col] == g, "article_id"]
        ids[g] = sorted(i for i in sel if i in with_windows)
        if len(ids[g]) < min_articles:
            row = cov.set_index("group").loc[g]
            raise NoTextError(
                f"group {group_col}={g!r}{_within_text(within)} has {len(ids[g])} article(s) "
                f"with body text ({row['n_articles']} articles in all, the rest title-only); "
                f"at least {min_articles} are needed. No text-level network is drawn for it.")
    art_ids = np.array(ids[a] + ids[b])
    label_a = np.r_[np.ones(len(ids[a]), bool), np.zeros(len(ids[b]), bool)]
    win = windows[windows["article_id"].isin(set(art_ids))]
    counts, vocab = doc_term_matrix(win["tokens"])
    if keywords is None:
        keywords = select_keywords(counts, vocab, "frequency", n_keywords, min_windows)
    index = {t: i for i, t in enumerate(vocab)}
    kw = sorted(k for k in set(keywords) if k in index)
    X = _binary(counts)[:, [index[k] for k in kw]].tocsr()
    pos_of = {aid: i for i, aid in enumerate(art_ids)}
    w_art = win["article_id"].map(pos_of).to_numpy()
    k = len(kw)
    per_art = np.zeros((len(art_ids), k * k))
    n_win = np.zeros(len(art_ids))
    for i in range(len(art_ids)):
        Xi = X[w_art == i]
        per_art[i] = (Xi.T @ Xi).toarray().ravel()
        n_win[i] = Xi.shape[0]
    total = per_art.sum(axis=0)
    iu, ju = np.triu_indices(k, 1)
    flat, diag_i, diag_j = iu * k + ju, iu * (k + 1), ju * (k + 1)
    keep = total[flat] >= min_count
    flat, diag_i, diag_j, iu, ju = flat[keep], diag_i[keep], diag_j[keep], iu[keep], ju[keep]

    def measure_pair(labels):
        lab = np.atleast_2d(labels).astype(float)
        ca, na = lab @ per_art, lab @ n_win
        cb, nb = total - ca, n_win.sum() - na
        ma = _measures(ca[:, flat], ca[:, diag_i], ca[:, diag_j], na[:, None], measure)[measure]
        mb = _measures(cb[:, flat], cb[:, diag_i], cb[:, diag_j], nb[:, None], measure)[measure]
        return ma, mb, ca[:, flat], cb[:, flat]

    ma, mb, ca, cb = measure_pair(label_a)
    d_obs = (ma - mb)[0]
    rng = np.random.default_rng(random_state)
    perms = np.stack([rng.permutation(label_a) for _ in range(n_perm)]) if n_perm else \
        np.empty((0, len(label_a)), bool)
    exceed = np.zeros(len(flat))
    for chunk in np.array_split(perms, max(1, int(np.ceil(n_perm / 500)))):
        if len(chunk):
            pa, pb, _, _ = measure_pair(chunk)
            # tolerance: equal differences must count as "as extreme" despite rounding
            exceed += (np.abs(pa - pb) >= np.abs(d_obs) - 1e-12).sum(axis=0)
    p = (1 + exceed) / (1 + n_perm)
    if len(p) and len(p) / (1 + n_perm) > alpha:
        warnings.warn(f"{len(p)} pairs tested with {n_perm} permutations: the smallest "
                      f"possible BH q is {len(p) / (1 + n_perm):.3g} > alpha = {alpha}; "
                      "raise n_perm or min_count", stacklevel=2)
    q = stats.false_discovery_control(p, method="bh") if len(p) else p
    kwa = np.array(kw, dtype=object)
    out = pd.DataFrame({"source": kwa[iu], "target": kwa[ju], "count_a": ca[0].astype(int),
                        "count_b": cb[0].astype(int), "measure_a": ma[0], "measure_b": mb[0],
                        "diff": d_obs, "p_value": p, "q_value": q})
    out["stronger_in"] = np.where(out["q_value"] < alpha, np.where(out["diff"] > 0, a, b), "")
    out = out.assign(_abs=out["diff"].abs()).sort_values(
        ["q_value", "_abs", "source", "target"], ascending=[True, False, True, True],
        kind="mergesort").drop(columns="_abs").reset_index(drop=True)
    out.attrs.update({"group_col": group_col, "groups": (a, b), "measure": measure,
                      "n_articles": (len(ids[a]), len(ids[b])),
                      "n_windows": (int(n_win[label_a].sum()), int(n_win[~label_a].sum())),
                      "n_perm": n_perm, "alpha": alpha, "within": dict(within or {})})
    return out


def _within_text(within: dict | None) -> str:
    return "".join(f" within {c}={v!r}" for c, v in (within or {}).items())


# --------------------------------------------------------------------------
# Concordances: every link traceable to its sentences
# --------------------------------------------------------------------------

def _article_info(articles: pd.DataFrame | None, unit_col: str) -> pd.DataFrame:
    if articles is None:
        return pd.DataFrame(columns=["article_id", "title", "unit"])
    if unit_col not in articles:
        raise KeyError(f"articles have no column {unit_col!r}")
    return articles[["article_id", "title", unit_col]].rename(columns={unit_col: "unit"})


def kwic(term: str, windows: pd.DataFrame, articles: pd.DataFrame | None = None,
         window: int = 30, unit_col: str = "unit_type") -> pd.DataFrame:
    """Keyword-in-context lines for a token.

    A line is written wherever ``term`` is a word of the segmentation (so
    it matches the network's counting, not substrings of longer words). The
    context is ``window`` characters of the source paragraph on each side.

    Returns
    -------
    DataFrame
        article_id, para_id, sent_id, window_id, title, unit, left, keyword, right.
    """
    rows = []
    for (aid, pid), grp in windows.sort_values("window_id").groupby(
            ["article_id", "para_id"], sort=True):
        texts = grp["text"].tolist()
        ptext = "".join(texts)
        start = 0
        for text, words, sid, wid in zip(texts, grp["words"], grp["sent_id"], grp["window_id"]):
            for off in _word_offsets(term, text, words):
                s = start + off
                rows.append((aid, pid, sid, wid, ptext[max(0, s - window):s], term,
                             ptext[s + len(term):s + len(term) + window]))
            start += len(text)
    out = pd.DataFrame(rows, columns=["article_id", "para_id", "sent_id", "window_id",
                                      "left", "keyword", "right"])
    out = out.merge(_article_info(articles, unit_col), on="article_id", how="left")
    return out[["article_id", "para_id", "sent_id", "window_id", "title", "unit",
                "left", "keyword", "right"]]


def _word_offsets(term: str, text: str, words) -> list[int]:
    """Character offsets of ``term`` as a whole word of ``words`` in ``text``."""
    if term not in words:
        return []
    if "".join(words) == text:
        return [o for w, o in zip(words, np.cumsum([0] + [len(w) for w in words])) if w == term]
    # the segmenter normalised the text: fall back to substring positions
    return [m.start() for m in re.finditer(re.escape(term), text)]


def cooccurrence_lines(term_a: str, term_b: str, windows: pd.DataFrame,
                       articles: pd.DataFrame | None = None,
                       unit_col: str = "unit_type") -> pd.DataFrame:
    """The windows (sentences) in which both terms occur as tokens.

    Its length equals the pair's ``count`` in :func:`cooccurrence`.
    """
    both = windows[[term_a in set(t) and term_b in set(t) for t in windows["tokens"]]]
    out = both[["window_id", "article_id", "para_id", "sent_id", "text"]].merge(
        _article_info(articles, unit_col), on="article_id", how="left")
    out.insert(0, "term_b", term_b)
    out.insert(0, "term_a", term_a)
    return out[["term_a", "term_b", "article_id", "para_id", "sent_id", "window_id", "title",
                "unit", "text"]].sort_values("window_id", kind="mergesort").reset_index(drop=True)


def edge_lines(edges: pd.DataFrame, windows: pd.DataFrame, articles: pd.DataFrame | None = None,
               unit_col: str = "unit_type") -> pd.DataFrame:
    """:func:`cooccurrence_lines` for every edge, in edge order."""
    sets = [set(t) for t in windows["tokens"]]
    info = _article_info(articles, unit_col).set_index("article_id")
    parts = []
    for s, t in edges[["source", "target"]].itertuples(index=False):
        hit = windows[[s in x and t in x for x in sets]]
        part = hit[["article_id", "para_id", "sent_id", "window_id", "text"]].copy()
        part.insert(0, "target", t)
        part.insert(0, "source", s)
        parts.append(part)
    cols = ["source", "target", "article_id", "para_id", "sent_id", "window_id", "title",
            "unit", "text"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    out["title"] = out["article_id"].map(info["title"]) if len(info) else pd.NA
    out["unit"] = out["article_id"].map(info["unit"]) if len(info) else pd.NA
    return out[cols]


# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------

_GREY = "#9A9A9A"


def community_colours(communities: dict, n_colours: int = 7) -> dict:
    """term -> colour; communities beyond the palette's first colours are grey."""
    from .figures import PALETTE

    pal = [c for c in PALETTE if c != "#000000"][:n_colours]
    return {t: (pal[c - 1] if c - 1 < len(pal) else _GREY) for t, c in communities.items()}


def _scale(values, lo, hi):
    v = np.asarray(values, dtype=float)
    span = v.max() - v.min() if len(v) else 0.0
    return np.full(v.shape, (lo + hi) / 2) if span == 0 else lo + (hi - lo) * (v - v.min()) / span


def _caption(fig, text: str, width_in: float, fontsize: float, y: float = -0.02) -> None:
    import textwrap

    chars = max(40, int(width_in * 72 / (fontsize * 0.55)))
    lines = [textwrap.fill(t, chars) for t in text.split("\n")]
    fig.text(0.01, y, "\n".join(lines), fontsize=fontsize, va="top", ha="left", color="#333333")


def _label_text(term: str, glossary: dict | None) -> str:
    gloss = (glossary or {}).get(term, "")
    return f"{term}\n{gloss}" if gloss else term


def _overlap(b1, b2) -> float:
    w = min(b1[2], b2[2]) - max(b1[0], b2[0])
    h = min(b1[3], b2[3]) - max(b1[1], b2[1])
    return w * h if w > 0 and h > 0 else 0.0


def place_labels(ax, pos: dict, labels: dict, marker_area: dict, fontsize: float = 7.0,
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
    list of matplotlib Text (annotations), in placement order.
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
    angles = np.deg2rad([0, 180, 90, 270, 45, 135, 315, 225,
                         22.5, 157.5, 337.5, 202.5, 67.5, 112.5, 292.5, 247.5])
    placed, texts = [], []
    for n, text in labels.items():
        cx, cy = to_px(pos[n])
        probe = ax.text(0, 0, text, fontsize=fontsize, ha="center", va="center",
                        linespacing=1.0)
        ext = probe.get_window_extent(renderer)
        probe.remove()
        w, h = ext.width + 1.0 * pt, ext.height + 0.5 * pt
        r0 = np.sqrt(marker_area.get(n, 20) / np.pi) * pt + 1.5 * pt
        best = None
        for ring in range(max_rings):
            r = r0 + ring * 6 * pt
            for ang in angles:
                dx, dy = np.cos(ang), np.sin(ang)
                # centre so that the label's near edge is r from the node centre
                lx = cx + dx * (r + w / 2) if abs(dx) > 1e-9 else cx
                ly = cy + dy * (r + h / 2) if abs(dy) > 1e-9 else cy
                box = (lx - w / 2, ly - h / 2, lx + w / 2, ly + h / 2)
                if (box[0] < axbox.x0 or box[2] > axbox.x1 or box[1] < axbox.y0
                        or box[3] > axbox.y1 or any(_overlap(box, b) > 0 for b in placed)):
                    continue
                soft = sum(_overlap(box, b) for m, b in obstacles.items() if m != n)
                if best is None or soft < best[0] - 1e-9:
                    best = (soft, lx, ly, box, ring)
                if soft == 0:
                    break
            if best is not None and best[0] == 0:
                break
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


def _draw_graph(ax, G: nx.Graph, pos: dict, colours: dict, n_labels: int, glossary,
                fontsize: float = 7.0, size_range=(18, 320), width_range=(0.3, 2.8),
                edge_colours: dict | None = None, weight: str = "weight") -> list:
    nodes = sorted(G)
    freq = [G.nodes[n].get("freq", 1) for n in nodes]
    area = dict(zip(nodes, _scale(freq, *size_range)))
    edges = sorted(G.edges(), key=lambda e: (G.edges[e][weight], e))
    widths = _scale([G.edges[e][weight] for e in edges], *width_range) if edges else []
    xs = np.array([pos[n] for n in nodes]) if nodes else np.zeros((0, 2))
    for (u, v), lw in zip(edges, widths):
        c = (edge_colours or {}).get((u, v), (edge_colours or {}).get((v, u), "#8C8C8C"))
        ax.plot([pos[u][0], pos[v][0]], [pos[u][1], pos[v][1]], color=c, lw=lw,
                alpha=0.55, zorder=1, solid_capstyle="round")
    ax.scatter(xs[:, 0], xs[:, 1], s=[area[n] for n in nodes],
               c=[colours.get(n, _GREY) for n in nodes], edgecolors="white", linewidths=0.5,
               zorder=2)
    pad = 0.12 * (np.ptp(xs, axis=0).max() if len(xs) > 1 else 1.0) + 0.05
    ax.set_xlim(xs[:, 0].min() - pad, xs[:, 0].max() + pad)
    ax.set_ylim(xs[:, 1].min() - pad, xs[:, 1].max() + pad)
    ax.set_axis_off()
    ax.figure.canvas.draw()
    ranked = sorted(nodes, key=lambda n: (-G.nodes[n].get("freq", 1), n))[:n_labels]
    return place_labels(ax, pos, {n: _label_text(n, glossary) for n in ranked}, area, fontsize)


def plot_network(G: nx.Graph, pos: dict, path, title: str, evidence: str, glossary=None,
                 n_labels: int = 40, figsize=(7.0, 6.2), formats=("png", "pdf"),
                 note: str = "") -> list[Path]:
    """Network figure: node area = frequency, edge width = measure, colour = community.

    ``evidence`` is ``"text"`` or ``"title"`` (see :func:`figures.evidence_label`).
    """
    from . import figures
    from matplotlib.lines import Line2D
    import matplotlib.pyplot as plt

    comm = {n: d.get("community", 0) for n, d in G.nodes(data=True)}
    colours = community_colours(comm)
    with figures.style():
        fig, ax = plt.subplots(figsize=figsize)
        _draw_graph(ax, G, pos, colours, n_labels, glossary)
        ax.set_title(title, loc="left")
        handles = []
        for c in sorted(set(comm.values())):
            members = sorted((n for n in G if comm[n] == c),
                             key=lambda n: (-G.nodes[n].get("freq", 1), n))
            if colours[members[0]] == _GREY:
                continue
            handles.append(Line2D([], [], marker="o", ls="", color=colours[members[0]],
                                  label=f"{c}: " + "·".join(members[:3])))
        if _GREY in {colours[n] for n in G}:
            handles.append(Line2D([], [], marker="o", ls="", color=_GREY,
                                  label="smaller communities"))
        if handles:
            ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                      ncol=min(4, len(handles)), frameon=False, fontsize=7,
                      handletextpad=0.2, columnspacing=1.0, title="community: top terms",
                      title_fontsize=7)
        caption = figures.evidence_label(evidence) + (f"\n{note}" if note else "")
        _caption(fig, caption, figsize[0], 6.5)
        return figures.save(fig, path, formats)


def plot_ego(edges: pd.DataFrame, term: str, terms: pd.DataFrame, path, evidence: str = "text",
             communities: dict | None = None, glossary=None, seed: int = 0,
             figsize=(3.5, 3.6), formats=("png", "pdf"), note: str = "") -> list[Path]:
    """Ego network of ``term`` (centre, black), neighbours coloured by main-network community."""
    from . import figures
    import matplotlib.pyplot as plt

    G = build_graph(edges, terms, glossary)
    if term not in G:
        G.add_node(term, freq=int(terms.set_index("term").at[term, "freq"]))
    pos = seeded_layout(G, "weight", seed, "kamada_kawai")
    colours = community_colours(communities or {})
    colours[term] = "#000000"
    with figures.style():
        fig, ax = plt.subplots(figsize=figsize)
        _draw_graph(ax, G, pos, colours, len(G), glossary, fontsize=6.5,
                    size_range=(14, 200), width_range=(0.3, 2.2))
        ax.set_title(f"Ego network: {_label_text(term, glossary).replace(chr(10), ' · ')}",
                     loc="left", fontsize=8)
        caption = figures.evidence_label(evidence) + (f"\n{note}" if note else "")
        _caption(fig, caption, figsize[0], 5.5, -0.01)
        return figures.save(fig, path, formats)


def plot_differential(diff: pd.DataFrame, path, terms: pd.DataFrame, labels=("a", "b"),
                      glossary=None, seed: int = 0, n_show: int = 18, figsize=(7.0, 4.6),
                      formats=("png", "pdf"), note: str = "") -> list[Path]:
    """Differential network (left) and the largest differences (right).

    Left: the pairs with the largest pooled counts as a grey backbone, and the
    FDR-significant edges coloured by the group they are stronger in. Right:
    the measure in each group for the ``n_show`` largest |differences|,
    filled markers where q < alpha.
    """
    from . import figures
    import matplotlib.pyplot as plt

    a, b = diff.attrs.get("groups", ("a", "b"))
    alpha = diff.attrs.get("alpha", 0.05)
    measure = diff.attrs.get("measure", "measure")
    na, nb = diff.attrs.get("n_articles", ("?", "?"))
    col = {a: figures.PALETTE[0], b: figures.PALETTE[3]}
    sig = diff[diff["stronger_in"] != ""]
    backbone = diff.assign(_c=diff["count_a"] + diff["count_b"]).sort_values(
        ["_c", "source", "target"], ascending=[False, True, True], kind="mergesort").head(40)
    shown = pd.concat([backbone, sig]).drop_duplicates(["source", "target"])
    e = shown.assign(weight=shown["diff"].abs() + 1e-6)
    G = build_graph(e, terms, glossary)
    pos = seeded_layout(G, "weight", seed, "kamada_kawai")
    ecol = {(r.source, r.target): (col[r.stronger_in] if r.stronger_in else "#D0D0D0")
            for r in shown.itertuples()}
    top = diff.assign(_abs=diff["diff"].abs()).sort_values(
        ["_abs", "source", "target"], ascending=[False, True, True], kind="mergesort"
    ).head(n_show).iloc[::-1]
    with figures.style():
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=figsize,
                                       gridspec_kw={"width_ratios": [1.25, 1]})
        colours = {n: "#BBBBBB" for n in G}
        for r in sig.itertuples():
            colours[r.source] = colours[r.target] = "#555555"
        _draw_graph(ax1, G, pos, colours, 30, glossary, fontsize=6.5, size_range=(12, 160),
                    width_range=(0.4, 2.6), edge_colours=ecol)
        head = f"Edges stronger in {labels[0]} (blue) / {labels[1]} (vermilion)"
        if sig.empty:
            head += f":\nnone at BH q < {alpha:g} (grey: most frequent pairs, for context)"
        ax1.set_title(head, loc="left", fontsize=8)
        y = np.arange(len(top))
        for yi, r in zip(y, top.itertuples()):
            filled = r.q_value < alpha
            ax2.plot([r.measure_b, r.measure_a], [yi, yi], color="#BBBBBB", lw=1, zorder=1)
            for v, g in ((r.measure_a, a), (r.measure_b, b)):
                ax2.scatter([v], [yi], s=18, zorder=2, color=col[g] if filled else "white",
                            edgecolors=col[g], linewidths=0.9)
        ax2.set_yticks(y, [f"{r.source}–{r.target}" for r in top.itertuples()], fontsize=6.5)
        ax2.set_xlabel(f"{measure} ({labels[0]}: blue, {labels[1]}: vermilion; "
                       f"filled = q < {alpha:g})", fontsize=6.5)
        ax2.set_title(f"Largest differences ({len(diff)} pairs tested)", loc="left", fontsize=8)
        fig.suptitle(f"Differential co-occurrence: {labels[0]} (n = {na} articles) vs "
                     f"{labels[1]} (n = {nb})", x=0.01, ha="left", fontsize=9)
        caption = figures.evidence_label("text") + (f"\n{note}" if note else "")
        _caption(fig, caption, figsize[0], 6, -0.01)
        fig.tight_layout()
        return figures.save(fig, path, formats)


# --------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------

def _slug(value, fallback: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", str(value).lower()).strip("_")
    return s or fallback




def _network_from_params(p: dict, **over) -> CooccurrenceNetwork:
    cfg = {"measure": p.get("measure", "jaccard"),
           "keyword_method": p.get("keyword_method", "frequency"),
           "n_keywords": p.get("n_keywords", 60), "min_windows": p.get("min_windows", 5),
           "keywords": p.get("keywords") or None, "exclude": tuple(p.get("exclude", ())),
           "min_count": p.get("min_count", 3), "min_measure": p.get("min_measure"),
           "top_n_edges": p.get("top_n_edges", 100),
           "positive_only": p.get("positive_only", True),
           "resolution": p.get("resolution", 1.0),
           "layout": p.get("layout", "kamada_kawai"),
           "layout_iterations": p.get("layout_iterations", 200),
           "random_state": p.get("random_state", 0)}
    cfg.update(over)
    return CooccurrenceNetwork(**cfg)


def _network_tables(net: CooccurrenceNetwork, stem: str, results_dir: Path,
                    evidence: str) -> list[Path]:
    edges = net.edges_.drop(columns=["weight"]).assign(measure=net.measure, evidence=evidence)
    nodes = net.nodes_.assign(evidence=evidence)
    colours = community_colours(net.communities_)
    return [write_csv(edges, results_dir / f"{stem}_edges.csv"),
            write_csv(nodes, results_dir / f"{stem}_nodes.csv"),
            write_gexf(net.graph_, results_dir / f"{stem}_network.gexf", net.pos_, colours)]


def _describe(net: CooccurrenceNetwork, window_word: str) -> str:
    s = net.summary()
    return (f"{s['n_windows']} {window_word}; {s['n_nodes']} of {s['n_keywords']} keywords, "
            f"{s['n_edges']} edges ({s['measure']}, ≥ {net.min_count} co-occurrences, "
            f"top {net.top_n_edges}); {s['n_communities']} Louvain communities, "
            f"modularity Q = {s['modularity']:.3f} (seed {net.random_state})")


def write_outputs(corpus, params: dict, results_dir, figures_dir, segmenter=None
                  ) -> list[Path]:
    """Every co-occurrence table and figure, from ``params["cooccur"]``.

    ``segmenter`` defaults to ``Segmenter.from_params(params)``; unit metadata
    (``unit_type``, ``tier`` …) is read from ``corpus.articles``.

    Writes ``results/cooccurrence_{edges,nodes}.csv``, ``cooccurrence_network.gexf``,
    ``cooccurrence_edge_sentences.csv`` (every edge's sentences),
    ``cooccurrence_kwic.csv``, ``cooccurrence_ego_{terms,edges}.csv``,
    ``cooccurrence_differential_<a>_vs_<b>.csv`` (or only the coverage table
    when a group has no text), ``cooccurrence_title_{edges,nodes}.csv``,
    ``cooccurrence_title_network.gexf``, ``cooccurrence_summary.csv``, and the
    figures ``cooccurrence_network``, ``cooccurrence_ego_<slug>``,
    ``cooccurrence_differential_<a>_vs_<b>``, ``cooccurrence_title_network``.
    """
    from .config import resolve

    if segmenter is None:
        from .segment import Segmenter
        segmenter = Segmenter.from_params(params)
    p = params["cooccur"]
    formats = tuple(params.get("figures", {}).get("formats", ("png", "pdf")))
    results_dir, figures_dir = Path(results_dir), Path(figures_dir)
    articles = corpus.articles
    unit_col = p.get("unit_col", "unit_type")
    if unit_col not in articles:
        warnings.warn(f"articles have no {unit_col!r} column; showing 'section' as unit",
                      stacklevel=2)
        unit_col = "section"
    glossary = load_glossary(resolve(p.get("glossary", "data/glossary.csv")))
    label_gloss = glossary if p.get("gloss", True) else None
    seed = p.get("random_state", 0)
    out: list[Path] = []

    # main network (text-level)
    windows = build_windows(corpus.paragraphs, segmenter, unit=p.get("unit", "sentence"))
    net = _network_from_params(p).fit(windows["tokens"], glossary=glossary)
    out += _network_tables(net, "cooccurrence", results_dir, "text")
    out.append(write_csv(edge_lines(net.edges_, windows, articles, unit_col),
                    results_dir / "cooccurrence_edge_sentences.csv"))
    wword = f"{p.get('unit', 'sentence')} windows"
    out += plot_network(net.graph_, net.pos_, figures_dir / "cooccurrence_network",
                        "Keyword co-occurrence network (article bodies)", "text",
                        label_gloss, p.get("n_labels", 40), formats=formats,
                        note=_describe(net, wword) + "; node area = frequency, "
                        "edge width = measure, colour = community")
    summary = [{"network": "main", "evidence": "text", **net.summary()}]

    # ego networks and concordances
    ego_rows, ego_edges, kwics = [], [], []
    for i, term in enumerate(p.get("ego_terms", [])):
        slugs = p.get("ego_slugs", [])
        slug = _slug(slugs[i] if i < len(slugs) else "", f"term{i + 1}")
        n_win = int(net.terms_.set_index("term")["n_windows"].get(term, 0))
        row = {"term": term, "slug": slug, "english": glossary.get(term, ""),
               "n_windows": n_win}
        try:
            e = ego_network(net.counts_, net.vocab_, term, net.measure,
                            p.get("ego_neighbors", 15), p.get("ego_min_count", 2),
                            net.positive_only, p.get("ego_other_edges", 15))
        except KeyError:
            warnings.warn(f"ego term {term!r} is not a token of the segmentation; "
                          "no ego network drawn", stacklevel=2)
            ego_rows.append({**row, "status": "not a token", "n_neighbors": 0})
            continue
        nb = sorted((set(e["source"]) | set(e["target"])) - {term})
        ego_rows.append({**row, "status": "ok" if nb else "no neighbours",
                         "n_neighbors": len(nb)})
        ego_edges.append(e.drop(columns=["weight"]).assign(ego=term, measure=net.measure))
        kwics.append(kwic(term, windows, articles, p.get("kwic_window", 30), unit_col))
        if nb:
            out += plot_ego(e, term, net.terms_, figures_dir / f"cooccurrence_ego_{slug}",
                            "text", net.communities_, label_gloss, seed, formats=formats,
                            note=f"{n_win} {wword} contain the term; top {len(nb)} neighbours "
                            f"by {net.measure}, ≥ {p.get('ego_min_count', 2)} co-occurrences; "
                            "colour = community in the main network (grey: not in it)")
    out.append(write_csv(pd.DataFrame(ego_rows), results_dir / "cooccurrence_ego_terms.csv"))
    if ego_edges:
        out.append(write_csv(pd.concat(ego_edges, ignore_index=True),
                        results_dir / "cooccurrence_ego_edges.csv"))
    if kwics:
        out.append(write_csv(pd.concat(kwics, ignore_index=True),
                        results_dir / "cooccurrence_kwic.csv"))

    # differential network
    d = p.get("differential", {})
    if d:
        out += _write_differential(windows, articles, d, glossary, label_gloss, seed, net,
                                   results_dir, figures_dir, formats)

    # title network (title-level)
    t = p.get("title", {})
    twin = build_title_windows(articles, segmenter, drop_duplicates=t.get("drop_duplicates", True))
    tnet = _network_from_params(p, **{k: t[k] for k in (
        "measure", "n_keywords", "min_windows", "min_count", "top_n_edges") if k in t},
        keyword_method="frequency", keywords=None).fit(twin["tokens"], glossary=glossary)
    out += _network_tables(tnet, "cooccurrence_title", results_dir, "title")
    out += plot_network(tnet.graph_, tnet.pos_, figures_dir / "cooccurrence_title_network",
                        "Keyword co-occurrence in article titles (all units)", "title",
                        label_gloss, t.get("n_labels", 40), formats=formats,
                        note=_describe(tnet, "unique titles"))
    summary.append({"network": "title", "evidence": "title", **tnet.summary()})
    out.append(write_csv(pd.DataFrame(summary), results_dir / "cooccurrence_summary.csv"))
    return out


def _write_differential(windows, articles, d, glossary, label_gloss, seed, net,
                        results_dir, figures_dir, formats) -> list[Path]:
    group_col = d.get("group_col", "tier")
    a, b = d.get("groups", ["city", "county"])
    within = {d["within_col"]: d["within_value"]} if d.get("within_col") else None
    stem = f"cooccurrence_differential_{_slug(a, 'group1')}_vs_{_slug(b, 'group2')}"
    missing = [c for c in [group_col, *(within or {})] if c not in articles]
    if missing:
        warnings.warn(f"articles have no column(s) {missing} (unit metadata not loaded?); "
                      "differential network skipped", stacklevel=2)
        return []
    cov = group_coverage(articles, group_col, (a, b), within)
    out = []
    try:
        diff = differential_network(
            windows, articles, group_col, (a, b), None, d.get("measure", "jaccard"),
            d.get("n_perm", 999), seed, d.get("min_count", 3), d.get("alpha", 0.05),
            d.get("min_articles", 3), within, d.get("n_keywords", 40), d.get("min_windows", 5))
    except NoTextError as exc:
        warnings.warn(str(exc), stacklevel=2)
        cov["status"] = "no text: not compared"
        return [write_csv(cov.assign(group_col=group_col), results_dir / f"{stem}_coverage.csv")]
    cov["status"] = "compared"
    out.append(write_csv(cov.assign(group_col=group_col), results_dir / f"{stem}_coverage.csv"))
    out.append(write_csv(diff.assign(group_a=a, group_b=b, measure=diff.attrs["measure"]),
                    results_dir / f"{stem}.csv"))
    na, nb = diff.attrs["n_articles"]
    wa, wb = diff.attrs["n_windows"]
    n_sig = (diff["stronger_in"] == a).sum(), (diff["stronger_in"] == b).sum()
    note = (f"{group_col} = {a} vs {b}{_within_text(within)}; {wa} vs {wb} windows; "
            f"{diff.attrs['n_perm']} permutations of group labels over articles, "
            f"BH q < {diff.attrs['alpha']:g}: {n_sig[0]} edges stronger in {a}, "
            f"{n_sig[1]} in {b}")
    out += plot_differential(diff, figures_dir / stem, net.terms_, (a, b), label_gloss, seed,
                             formats=formats, note=note)
    return out
