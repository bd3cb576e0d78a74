"""Sentences about the co-occurrence networks."""

from __future__ import annotations

import pandas as pd

from .text import id_list, listing, number, percent, plural

__all__ = ["communities", "differential_summary", "network_summary", "strongest_partners",
           "title_hub"]


def network_summary(summary: pd.DataFrame, network: str = "main") -> str:
    """One network's size and partition (``cooccurrence_summary`` row)."""
    r = summary.set_index("network").loc[network]
    return (f"The {network} network has {r['n_nodes']} nodes and {r['n_edges']} edges "
            f"({r['measure']}, {r['n_windows']} windows); Louvain finds "
            f"{plural(int(r['n_communities']), 'community', 'communities')} with modularity "
            f"{number(r['modularity'], 2)}.")


def communities(nodes: pd.DataFrame, *, top: int = 5) -> str:
    """The most frequent terms of each community (``nodes_`` of a network: ``term``,
    ``freq``, ``community``)."""
    lines = []
    for c, g in nodes.groupby("community", sort=True):
        terms = g.sort_values(["freq", "term"], ascending=[False, True])["term"].head(top)
        lines.append(f"- community {c} ({plural(len(g), 'term')}): {', '.join(terms)}")
    return "\n".join(lines)


def strongest_partners(edges: pd.DataFrame, term: str, measure: str, *, n: int = 3) -> str:
    """The terms most strongly tied to ``term`` among the network's edges."""
    e = edges[(edges["source"] == term) | (edges["target"] == term)]
    if e.empty:
        return f"{term} has no edge in this network."
    e = e.assign(other=e["source"].where(e["source"] != term, e["target"]))
    e = e.sort_values([measure, "other"], ascending=[False, True]).head(n)
    return (f"{term}'s strongest ties by {measure}: " + listing(
        f"{r.other} ({number(getattr(r, measure), 3)}, {r.count} windows)"
        for r in e.itertuples()) + ".")


def differential_summary(table: pd.DataFrame | None, cov: pd.DataFrame, alpha: float) -> str:
    """The groups of the differential network with their n, and how many pairs differ.

    ``cov`` has ``group``, ``n_articles``, ``n_text``, ``article_ids``, ``status``;
    the table's ``attrs["n_articles"]`` are the units the test shuffled (articles, or
    ``[contrast] cluster_by`` clusters).
    """
    sides = listing(
        f"{r.group} {r.n_text} of {r.n_articles} entries with a body "
        f"({id_list(str(r.article_ids).split())})" for r in cov.itertuples())
    if table is None:
        return f"Groups: {sides}. The groups were not compared ({listing(cov['status'])})."
    s = table["stronger_in"]
    k = int((s.notna() & (s.astype(str) != "")).sum())
    verdict = (f"{k} of {len(table)} tested pairs differ with q < {alpha:g}" if k else
               f"none of the {len(table)} tested pairs differs with q < {alpha:g}: the data "
               "do not show a difference in how these terms are linked, which is not "
               "evidence that there is none")
    units = table.attrs.get("n_articles")
    shuffled = (f"over {units[0]} and {units[1]} units (articles of one `cluster_by` value "
                "count as one)" if units else "over units")
    return f"Groups: {sides}. Shuffling group labels {shuffled}, {verdict}."


def title_hub(title_windows: pd.DataFrame, nodes: pd.DataFrame) -> str:
    """Share of titles that hold the title network's most widespread term (``nodes_``
    with ``term`` and ``n_windows``; one window per title)."""
    top = nodes.sort_values(["n_windows", "term"], ascending=[False, True]).iloc[0]
    n = len(title_windows)
    return (f"{top['term']} is in {int(top['n_windows'])} of the {n} title windows "
            f"({percent(top['n_windows'] / n)}), with degree {int(top['degree'])} of the "
            f"{len(nodes) - 1} other nodes.")
