"""Keyword co-occurrence: windows, association measures, networks, KWIC.

- :mod:`.windows`: sentence / paragraph / title windows, window × term counts, glossary.
- :mod:`.measures`: count, Jaccard, Dice, NPMI, G² per pair; keyword selection; edge filters.
- :mod:`.network`: the :class:`CooccurrenceNetwork` estimator, Louvain, layout, GEXF, ego networks.
- :mod:`.differential`: two groups of articles compared per edge by an article-level
  permutation test with BH q-values.
- :mod:`.kwic`: concordance lines; every edge traceable to its sentences.
- :mod:`.stage`: ``prepare(ctx)`` and ``write(ctx)``; figures are in :mod:`analysis.plots.cooccur`.

Body windows are text-level (only articles with a body); the title network is
title-level. Captions say which, from the corpus's coverage.
"""

from ..evidence import NoTextError
from .differential import (differential_layout, differential_network, group_articles,
                           group_coverage)
from .kwic import cooccurrence_lines, edge_lines, kwic
from .measures import (MEASURES, association, cooccurrence, filter_edges, keyness,
                       pair_measures, select_keywords)
from .network import (CooccurrenceNetwork, build_graph, detect_communities, ego_network,
                      layout_nodes, network_from_params, seeded_layout,
                      title_network_from_params, write_gexf)
from .windows import (WINDOW_COLUMNS, build_title_windows, build_windows, doc_term_matrix,
                      load_glossary, term_table)

__all__ = [
    "MEASURES", "WINDOW_COLUMNS", "CooccurrenceNetwork", "NoTextError", "association",
    "build_graph", "build_title_windows", "build_windows", "cooccurrence",
    "cooccurrence_lines", "detect_communities", "differential_layout", "differential_network",
    "doc_term_matrix", "edge_lines", "ego_network", "filter_edges", "group_articles",
    "group_coverage", "keyness", "kwic", "layout_nodes", "load_glossary", "network_from_params",
    "pair_measures", "seeded_layout", "select_keywords", "term_table",
    "title_network_from_params", "write_gexf",
]
