"""The topic stage: ``prepare(ctx)`` for notebooks and the writer, ``write(ctx)`` for reproduce."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .. import io
from ..evidence import evidence_label
from ..parallel import fork_map
from ..plots.topics import (draw_article_heatmaps, draw_convergence, draw_k_diagnostics,
                            draw_top_words_pages)
from .ldavis import ldavis_page
from .results import TABLES, TopicResults, build

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..context import RunContext

__all__ = ["captions", "figures", "prepare", "write", "write_results"]


def prepare(ctx: RunContext) -> TopicResults:
    """Fit the reported model and compute every table of the stage (K sweep cached).

    Returns
    -------
    TopicResults
        The tables as :func:`write` writes them, with the fitted ``model``.
    """
    p = ctx.params.topics
    corpus = ctx.corpus
    return build(corpus.articles, corpus.paragraphs, p=p, tokenize=ctx.segmenter.tokenize,
                 cache_dir=ctx.paths.cache / "topics", labels_path=ctx.input(p.labels),
                 strict_labels=ctx.strict_labels, corpus_sha256=corpus.sha256)


def captions(ctx: RunContext, res: TopicResults) -> dict[str, str]:
    """Evidence lines by level: ``text`` (the corpus's bodies; titles get no topic shares)."""
    return {"text": evidence_label("text", ctx.coverage)}


def _figure_makers(ctx: RunContext, res: TopicResults) -> list[Callable[[], dict]]:
    """Functions each drawing some of the stage's figures, ``{file stem: Figure}``."""
    ev = captions(ctx, res)
    p = ctx.params.topics
    sweep = f"K-sweep models, {len(p.k_seeds)} seeds per K"
    reported = (f"Reported model (K = {res.num_topics}, seed {p.random_state}, best of "
                f"{p.restarts} restarts)")
    return [
        lambda: {"topics_k_diagnostics": draw_k_diagnostics(
            res.k_table, chosen_k=res.num_topics, evidence=f"{ev['text']} {sweep}.")},
        lambda: {"topic_convergence": draw_convergence(res.convergence,
                                                       evidence=f"{ev['text']} {reported}.")},
        lambda: draw_top_words_pages(res.terms, res.labels,
                                     evidence=f"{ev['text']} {reported}."),
        lambda: draw_article_heatmaps(res.article_topics, ctx.articles, res.labels,
                                      evidence=f"{ev['text']} {reported}."),
    ]


def figures(ctx: RunContext, res: TopicResults) -> dict[str, Figure]:
    """The stage's figures by file stem (not saved)."""
    return {stem: fig for make in _figure_makers(ctx, res) for stem, fig in make().items()}


def write(ctx: RunContext) -> list[Path]:
    """Write the stage's tables, figures and pyLDAvis page; return their paths.

    Tables (``results/``): see :data:`analysis.topics.results.TABLES`; the tokens the
    model was given, per paragraph, in ``data/processed/tokens.csv``. Figures:
    ``topics_k_diagnostics``, ``topic_convergence``, ``topic_top_words`` and
    ``article_topic_heatmap`` in the
    ``[figures]`` formats, and ``topics_ldavis.html``.
    """
    return write_results(ctx, prepare(ctx))


def write_results(ctx: RunContext, res: TopicResults) -> list[Path]:
    """Write the outputs of :func:`write` from prepared results (which must hold the model).

    Figures and the pyLDAvis page are drawn in ``[topics] n_jobs`` processes.
    """
    out = [ctx.write_csv(getattr(res, name), io.OUTPUTS[role]) for name, role in TABLES.items()]
    out.append(io.write_csv(res.tokens, io.output_path(ctx.paths.processed, "tokens")))

    def ldavis() -> list[Path]:
        page = ldavis_page(res.model, labels=res.labels, r=ctx.params.topics.ldavis_R,
                           caption=f"LDA, K = {res.num_topics}, on body paragraphs. "
                                   f"{evidence_label('text', ctx.coverage)}.")
        path = io.output_path(ctx.paths.figures, "topics_ldavis")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
        return [path]

    def saved(make: Callable[[], dict]) -> Callable[[], list[Path]]:
        return lambda: [p for stem, fig in make().items() for p in ctx.save_figure(fig, stem)]

    tasks = [saved(make) for make in _figure_makers(ctx, res)] + [ldavis]
    for paths in fork_map(lambda task: task(), tasks, ctx.params.topics.n_jobs):
        out += paths
    if res.k_choice is not None:
        out.append(ctx.write_csv(res.k_choice, io.OUTPUTS["topics_k_choice"]))
    if res.draft_labels is not None:
        draft = ctx.out / "data" / "topic_labels.draft.toml"
        draft.parent.mkdir(parents=True, exist_ok=True)
        draft.write_text(res.draft_labels, encoding="utf-8")
        out.append(draft)
    return out
