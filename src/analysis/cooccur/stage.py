"""The co-occurrence stage: what its notebook and its writer share, and its outputs.

:func:`prepare` builds every table of the stage from a run context (windows, the
main and title networks, ego networks and concordances, the differential
network); :func:`figures` draws its figures; :func:`write` writes both.
Evidence captions come from the coverage of the corpus at hand: the main, ego
and differential networks are text-level (article bodies), the title network
is title-level.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..evidence import Coverage, NoTextError, evidence_label, resolve_contrast
from ..io import OUTPUTS
from ..parallel import fork_map
from ..plots import cooccur as plots
from ..plots.style import style
from ..skips import skip
from .differential import (differential_layout, differential_network, group_articles,
                           group_coverage, within_text)
from .kwic import edge_lines, kwic
from .network import (CooccurrenceNetwork, ego_network, layout_nodes, network_from_params,
                      title_network_from_params, write_gexf)
from .windows import build_title_windows, build_windows, load_glossary

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..config import ContrastParams, CooccurParams
    from ..context import RunContext

__all__ = ["CooccurInputs", "Differential", "EgoNetworks", "differential_figure",
           "ego_figure", "figures", "network_figure", "prepare", "summary", "title_figure",
           "unsupported", "write"]


@dataclass(frozen=True)
class EgoNetworks:
    """Ego networks of ``[cooccur] ego_terms`` and their concordances."""

    terms: pd.DataFrame               #: term, slug, english, n_windows, status, n_neighbors
    edges: dict[str, pd.DataFrame]    #: term -> ego edges (terms that are tokens)
    kwic: pd.DataFrame | None         #: KWIC lines of every ego term that is a token


@dataclass(frozen=True)
class Differential:
    """The differential network of ``[cooccur.differential]``, or why there is none."""

    groups: tuple[str, str]
    slugs: tuple[str, str]            #: the groups as ASCII file-name parts
    group_col: str
    within: dict
    coverage: pd.DataFrame            #: group_coverage with status and group_col
    table: pd.DataFrame | None        #: None when a group has too little body text
    evidence: Coverage                #: coverage of the articles of both groups

    @property
    def stem(self) -> str:
        """Figure stem, ``cooccurrence_differential_<a>_vs_<b>``."""
        return f"cooccurrence_differential_{self.slugs[0]}_vs_{self.slugs[1]}"


@dataclass(frozen=True)
class CooccurInputs:
    """Everything the writer and notebook 03 show (see :func:`prepare`)."""

    params: CooccurParams
    articles: pd.DataFrame
    coverage: Coverage
    unit_col: str                     #: articles column shown as "unit" in line tables
    glossary: dict[str, str]
    windows: pd.DataFrame             #: body windows (``[cooccur] unit``)
    network: CooccurrenceNetwork      #: fitted main network
    ego: EgoNetworks
    differential: Differential | None  #: None when the grouping columns are missing
    title_windows: pd.DataFrame
    title_network: CooccurrenceNetwork

    @property
    def label_gloss(self) -> dict | None:
        """The glossary for figure labels (None when ``gloss = false``)."""
        return self.glossary if self.params.gloss else None

    @property
    def window_word(self) -> str:
        return f"{self.params.unit} windows"


def _slug(value, fallback: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", str(value).lower()).strip("_")
    return s or fallback


def _unit_col(articles: pd.DataFrame, unit_col: str) -> str:
    if unit_col not in articles:
        warnings.warn(f"articles have no {unit_col!r} column; showing 'section' as unit",
                      stacklevel=3)
        return "section"
    return unit_col


def _ego_networks(net: CooccurrenceNetwork, windows: pd.DataFrame, articles: pd.DataFrame,
                  p: CooccurParams, *, glossary: dict, unit_col: str) -> EgoNetworks:
    rows, edges, kwics = [], {}, []
    n_windows = net.terms_.set_index("term")["n_windows"]
    for i, term in enumerate(p.ego_terms):
        slug = _slug(p.ego_slugs[i] if i < len(p.ego_slugs) else "", f"term{i + 1}")
        row = {"term": term, "slug": slug, "english": glossary.get(term, ""),
               "n_windows": int(n_windows.get(term, 0))}
        try:
            e = ego_network(net.counts_, net.vocab_, term, measure=net.measure,
                            n_neighbors=p.ego_neighbors, min_count=p.ego_min_count,
                            positive_only=net.positive_only, n_other_edges=p.ego_other_edges)
        except KeyError:
            warnings.warn(f"ego term {term!r} is not a token of the segmentation; "
                          "no ego network drawn", stacklevel=3)
            rows.append({**row, "status": "not a token", "n_neighbors": 0})
            continue
        nb = (set(e["source"]) | set(e["target"])) - {term}
        rows.append({**row, "status": "ok" if nb else "no neighbours", "n_neighbors": len(nb)})
        edges[term] = e
        kwics.append(kwic(term, windows, articles, window=p.kwic_window, unit_col=unit_col))
    return EgoNetworks(pd.DataFrame(rows), edges,
                       pd.concat(kwics, ignore_index=True) if kwics else None)


def _as_units(windows: pd.DataFrame, articles: pd.DataFrame,
              clusters: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Windows and articles with ``article_id`` replaced by a unit number: articles of one
    ``[contrast] cluster_by`` value pool their windows and are permuted together."""
    key = articles["article_id"].map(clusters)
    key = key.where(key.notna(), "article " + articles["article_id"].astype(str))
    codes = {k: i + 1 for i, k in enumerate(dict.fromkeys(key))}
    unit = dict(zip(articles["article_id"], key.map(codes)))
    return (windows.assign(article_id=windows["article_id"].map(unit)),
            articles.assign(article_id=articles["article_id"].map(unit))
            .drop_duplicates("article_id"))


def _differential(windows: pd.DataFrame, articles: pd.DataFrame, p: CooccurParams,
                  cp: ContrastParams) -> Differential | None:
    """The two groups of ``[contrast]`` (the project's one group definition)."""
    d = p.differential
    try:
        contrast = resolve_contrast(articles, cp)
    except NoTextError as exc:
        if not (len(cp.groups) == 2 and cp.by in articles.columns):
            warnings.warn(f"{exc}; differential network skipped", stacklevel=3)
            return None
        contrast = None   # named groups without text: their coverage says so below
    a, b = contrast.pair if contrast is not None else cp.groups
    group_col = cp.by
    within = {cp.within_col: cp.within_value} if cp.within_col else {}
    cov = group_coverage(articles, group_col=group_col, groups=(a, b), within=within)
    clusters = contrast.clusters if contrast is not None else None
    win, units = (windows, articles) if clusters is None else _as_units(
        windows, articles, clusters)
    try:
        table = differential_network(
            win, units, group_col=group_col, groups=(a, b), measure=d.measure,
            n_perm=d.n_perm, random_state=p.random_state, min_count=d.min_count,
            alpha=d.alpha, min_articles=d.min_articles, within=within or None,
            n_keywords=d.n_keywords, min_windows=d.min_windows)
        cov["status"] = "compared"
    except NoTextError as exc:
        warnings.warn(str(exc), stacklevel=3)
        table = None
        cov["status"] = "no text: not compared"
    compared = group_articles(articles, group_col=group_col, groups=(a, b), within=within)
    return Differential(
        groups=(a, b), slugs=(_slug(a, "group1"), _slug(b, "group2")), group_col=group_col,
        within=within, coverage=cov.assign(group_col=group_col), table=table,
        evidence=Coverage.of(compared))


def prepare(ctx: RunContext) -> CooccurInputs:
    """Windows, networks, ego networks, concordances and the differential network.

    Warns (UserWarning) where ``[cooccur]`` asks for something the corpus cannot
    give: an ego term that is not a token, a differential group without body
    text (then :attr:`Differential.table` is None), missing metadata columns.
    """
    p = ctx.params.cooccur
    articles = ctx.articles
    unit_col = _unit_col(articles, p.unit_col)
    glossary = load_glossary(ctx.input(p.glossary))
    windows = build_windows(ctx.corpus.paragraphs, ctx.segmenter, unit=p.unit)
    net = network_from_params(p).fit(windows["tokens"], glossary=glossary)
    twin = build_title_windows(articles, ctx.segmenter, drop_duplicates=p.title.drop_duplicates)
    tnet = title_network_from_params(p).fit(twin["tokens"], glossary=glossary)
    return CooccurInputs(
        params=p, articles=articles, coverage=ctx.coverage, unit_col=unit_col,
        glossary=glossary, windows=windows, network=net,
        ego=_ego_networks(net, windows, articles, p, glossary=glossary, unit_col=unit_col),
        differential=_differential(windows, articles, p, ctx.params.contrast),
        title_windows=twin, title_network=tnet)


# ------------------------------------------------------------------- figures

def _describe(net: CooccurrenceNetwork, window_word: str) -> str:
    s = net.summary()
    return (f"{s['n_windows']} {window_word}; {s['n_nodes']} of {s['n_keywords']} keywords, "
            f"{s['n_edges']} edges ({s['measure']}, ≥ {net.min_count} co-occurrences, "
            f"top {net.top_n_edges}); {s['n_communities']} Louvain communities, "
            f"modularity Q = {s['modularity']:.3f} (seed {net.random_state})")


def network_figure(x: CooccurInputs) -> Figure:
    """The main (text-level) network."""
    net = x.network
    note = (_describe(net, x.window_word) + "; node area = frequency, "
            "edge width = measure, colour = community")
    return plots.draw_network(
        net.nodes_, net.edges_, title="Keyword co-occurrence network (article bodies)",
        caption=f"{evidence_label('text', x.coverage)}\n{note}", glossary=x.label_gloss,
        n_labels=x.params.n_labels)


def title_figure(x: CooccurInputs) -> Figure:
    """The title (title-level) network."""
    net = x.title_network
    return plots.draw_network(
        net.nodes_, net.edges_, title="Keyword co-occurrence in article titles (all units)",
        caption=f"{evidence_label('title', x.coverage)}\n{_describe(net, 'unique titles')}",
        glossary=x.label_gloss, n_labels=x.params.title.n_labels)


def ego_figure(x: CooccurInputs, term: str) -> Figure:
    """The ego network of ``term`` (an ego term with status ``ok``)."""
    p, net = x.params, x.network
    edges = x.ego.edges[term]
    row = x.ego.terms.set_index("term").loc[term]
    note = (f"{row['n_windows']} {x.window_word} contain the term; top {row['n_neighbors']} "
            f"neighbours by {net.measure}, ≥ {p.ego_min_count} co-occurrences; "
            "colour = community in the main network (grey: not in it)")
    nodes = layout_nodes(edges, net.terms_, seed=p.random_state, include=(term,),
                         method=p.layout, iterations=p.layout_iterations)
    return plots.draw_ego(nodes, edges, term,
                          caption=f"{evidence_label('text', x.coverage)}\n{note}",
                          communities=net.communities_, glossary=x.label_gloss)


def differential_figure(x: CooccurInputs) -> Figure:
    """The differential network (needs :attr:`Differential.table`)."""
    d = x.differential
    diff = d.table
    a, b = d.groups
    wa, wb = diff.attrs["n_windows"]
    n_sig = (diff["stronger_in"] == a).sum(), (diff["stronger_in"] == b).sum()
    note = (f"{d.group_col} = {a} vs {b}{within_text(d.within)}; {wa} vs {wb} windows; "
            f"{diff.attrs['n_perm']} permutations of group labels over units, "
            f"BH q < {diff.attrs['alpha']:g}: {n_sig[0]} edges stronger in {a}, "
            f"{n_sig[1]} in {b}")
    nodes, edges = differential_layout(diff, x.network.terms_, seed=x.params.random_state,
                                       method=x.params.layout,
                                       iterations=x.params.layout_iterations)
    return plots.draw_differential(
        diff, nodes, edges, caption=f"{evidence_label('text', d.evidence)}\n{note}",
        labels=(a, b), glossary=x.label_gloss, group_kind=d.group_col)


def _empty_network(net: CooccurrenceNetwork, what: str, window_word: str,
                   min_windows: int) -> str | None:
    """Why a network cannot be drawn (no edges), or None."""
    s = net.summary()
    if s["n_edges"]:
        return None
    return (f"the {what} network has no edges: {s['n_nodes']} of {s['n_keywords']} keywords "
            f"(terms in >= {min_windows} {window_word}) and no pair in >= {net.min_count} "
            f"{window_word} together ({s['n_windows']} {window_word})")


def unsupported(x: CooccurInputs) -> dict[str, str]:
    """Figures of the stage the corpus cannot support, ``{file stem: reason}``."""
    p, out = x.params, {}
    why = _empty_network(x.network, "body", x.window_word, p.min_windows)
    if why:
        out["cooccurrence_network"] = why
    for r in x.ego.terms.itertuples():
        if r.status != "ok":
            out[f"cooccurrence_ego_{r.slug}"] = (
                f"ego term {r.term!r}: {r.status} (ego networks need a token of the "
                f"segmentation with neighbours in >= {p.ego_min_count} {x.window_word})")
    d = x.differential
    if d is None:
        out["cooccurrence_differential"] = ("[contrast] names no two groups with body text "
                                            "in the articles")
    elif d.table is None:
        out[d.stem] = (f"{d.group_col} = {d.groups[0]} vs {d.groups[1]}: a group has fewer "
                       f"than {p.differential.min_articles} articles with body text")
    why = _empty_network(x.title_network, "title", "unique titles", p.title.min_windows)
    if why:
        out["cooccurrence_title_network"] = why
    return out


def figure_tasks(x: CooccurInputs) -> list[tuple[str, Callable[[], Figure]]]:
    """Every figure of the stage the corpus supports, as ``(file stem, function drawing
    it)``; :func:`unsupported` says why the others are not drawn."""
    tasks = [("cooccurrence_network", partial(network_figure, x))]
    tasks += [(f"cooccurrence_ego_{r.slug}", partial(ego_figure, x, r.term))
              for r in x.ego.terms.itertuples() if r.status == "ok"]
    if x.differential is not None and x.differential.table is not None:
        tasks.append((x.differential.stem, partial(differential_figure, x)))
    tasks.append(("cooccurrence_title_network", partial(title_figure, x)))
    skipped = unsupported(x)
    return [(stem, draw) for stem, draw in tasks if stem not in skipped]


def figures(x: CooccurInputs) -> Iterator[tuple[str, Figure]]:
    """Every figure of the stage as ``(file stem, Figure)``, drawn one at a time."""
    for stem, draw in figure_tasks(x):
        yield stem, draw()


# -------------------------------------------------------------------- tables

def summary(x: CooccurInputs) -> pd.DataFrame:
    """Size, communities and modularity of the main and the title network."""
    return pd.DataFrame([{"network": "main", "evidence": "text", **x.network.summary()},
                         {"network": "title", "evidence": "title",
                          **x.title_network.summary()}])


def _network_tables(ctx: RunContext, net: CooccurrenceNetwork, prefix: str,
                    evidence: str) -> list[Path]:
    edges = net.edges_.drop(columns=["weight"]).assign(measure=net.measure, evidence=evidence)
    colours = plots.community_colours(net.communities_)
    return [ctx.write_csv(edges, OUTPUTS[f"{prefix}_edges"]),
            ctx.write_csv(net.nodes_.assign(evidence=evidence), OUTPUTS[f"{prefix}_nodes"]),
            write_gexf(net.graph_, ctx.paths.results / OUTPUTS[f"{prefix}_gexf"],
                       pos=net.pos_, colours=colours)]


def _ego_tables(ctx: RunContext, x: CooccurInputs) -> list[Path]:
    out = [ctx.write_csv(x.ego.terms, OUTPUTS["cooccurrence_ego_terms"])]
    if x.ego.edges:
        edges = pd.concat([e.drop(columns=["weight"]).assign(ego=t, measure=x.network.measure)
                           for t, e in x.ego.edges.items()], ignore_index=True)
        out.append(ctx.write_csv(edges, OUTPUTS["cooccurrence_ego_edges"]))
    if x.ego.kwic is not None:
        out.append(ctx.write_csv(x.ego.kwic, OUTPUTS["cooccurrence_kwic"]))
    return out


def _differential_tables(ctx: RunContext, d: Differential | None) -> list[Path]:
    if d is None:
        return []
    out = [ctx.write_csv(d.coverage, OUTPUTS["cooccurrence_differential_coverage"]
                         .format(*d.slugs))]
    if d.table is not None:
        a, b = d.groups
        table = d.table.assign(group_a=a, group_b=b, measure=d.table.attrs["measure"])
        out.append(ctx.write_csv(table, OUTPUTS["cooccurrence_differential"].format(*d.slugs)))
    return out


def write(ctx: RunContext) -> list[Path]:
    """Every co-occurrence table and figure.

    Writes ``results/cooccurrence_{edges,nodes}.csv``, ``cooccurrence_network.gexf``,
    ``cooccurrence_edge_sentences.csv`` (every edge's sentences),
    ``cooccurrence_kwic.csv``, ``cooccurrence_ego_{terms,edges}.csv``,
    ``cooccurrence_differential_<a>_vs_<b>.csv`` (or only its ``_coverage.csv``
    when a group has no text), ``cooccurrence_title_{edges,nodes}.csv``,
    ``cooccurrence_title_network.gexf``, ``cooccurrence_summary.csv``, and the
    figures ``cooccurrence_network``, ``cooccurrence_ego_<slug>``,
    ``cooccurrence_differential_<a>_vs_<b>``, ``cooccurrence_title_network``.
    """
    x = prepare(ctx)
    out = _network_tables(ctx, x.network, "cooccurrence", "text")
    out.append(ctx.write_csv(edge_lines(x.network.edges_, x.windows, x.articles,
                                        unit_col=x.unit_col),
                             OUTPUTS["cooccurrence_edge_sentences"]))
    out += _ego_tables(ctx, x)
    out += _differential_tables(ctx, x.differential)
    out += _network_tables(ctx, x.title_network, "cooccurrence_title", "title")
    out.append(ctx.write_csv(summary(x), OUTPUTS["cooccurrence_summary"]))
    for stem, reason in sorted(unsupported(x).items()):
        skip(stem, reason)

    def draw_and_save(task: tuple[str, Callable[[], Figure]]) -> list[Path]:
        stem, draw = task
        # save in the project style: savefig reads bbox, dpi and font embedding from it
        with style():
            return ctx.save_figure(draw, stem)

    for paths in fork_map(draw_and_save, figure_tasks(x), x.params.n_jobs):
        out += paths
    return out
