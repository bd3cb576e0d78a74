"""The compare stage: group comparisons of the run's corpus, tables and figures.

:func:`prepare` gathers what both notebooks 04/05 and :func:`write` use: the
articles with their unit columns (``ctx.corpus``), tokens from the run's one
segmenter (``ctx.segmenter``), the topic stage's results (read from the run's
results folder), the actor lexicon and the bootstrap settings of ``[compare]``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .. import io
from ..evidence import Contrast, Coverage, NoTextError, coverage, evidence_label, resolve_contrast
from ..parallel import fork_map
from ..plots.compare import (draw_actor_mentions, draw_correspondence, draw_difference,
                             draw_keyness, draw_topic_prevalence, last_refusal)
from ..plots.titles import draw_title_themes
from ..segment import formulas
from ..skips import skip
from ..topics import TopicResults, read_results
from .actors import (actor_difference, actor_keywords, actor_mentions, actor_topics,
                     load_actors, title_actor_mentions)
from .correspondence import correspondence
from .groups import slug
from .inference import from_options
from .keyness import keyness, keyness_article_check
from .prevalence import (key_differences, prevalence_difference, topic_label_map,
                         topic_prevalence)
from .terms import formulas_by_group, formulas_near, term_by_article, term_mentions
from .titles import (Theme, load_theme_dictionary, title_theme_difference, title_themes,
                     topic_themes)
from .tokens import article_tokens, paragraph_tokens

if TYPE_CHECKING:
    from ..config import CompareParams
    from ..context import RunContext

__all__ = ["CompareInputs", "inference_options", "prepare", "write"]


def inference_options(p: CompareParams, clusters: pd.Series | None = None) -> dict:
    """Keywords of the inference over units from ``[compare]`` (``n_boot``,
    ``min_articles``, ``random_state``, ``n_perm``, ``max_exact``, ``alpha``, ``power``,
    ``power_sims``, ``power_perm``) and the units of ``[contrast] cluster_by``
    (``clusters``)."""
    return dict(n_boot=p.n_boot, min_articles=p.min_articles_ci,
                random_state=p.random_state, n_perm=p.n_perm, max_exact=p.max_exact,
                alpha=p.alpha, power=p.power, power_sims=p.power_sims,
                power_perm=p.power_perm, clusters=clusters)


@dataclass(frozen=True)
class CompareInputs:
    """What the notebooks show and the writer writes.

    Attributes
    ----------
    articles, paragraphs : DataFrame
        The run's corpus, with unit columns.
    body_tokens, title_tokens : dict
        ``{article_id: tokens}`` of bodies (text articles) and of every title.
    para_tokens : dict
        ``{(article_id, para_id): tokens}``.
    actors : DataFrame
        The actor lexicon (:func:`~analysis.compare.actors.load_actors`).
    topics : TopicResults or None
        The topic stage's results; None when the results folder has none.
    labels : dict
        ``topic_k`` -> display label.
    groups : tuple of str
        The ``[compare] groups`` present as article columns.
    contrast : Contrast or None
        The two groups of ``[contrast]`` (:func:`analysis.evidence.resolve_contrast`);
        None when the corpus cannot give them (``contrast_note`` says why).
    contrast_note : str
        The contrast's description, or why there is none.
    boot : dict
        :func:`inference_options`.
    coverage : Coverage
        Text statuses of the corpus, for evidence lines (:meth:`evidence`).
    themes : tuple of Theme
        Themes of the title-level comparisons (:mod:`analysis.compare.titles`): the
        reported model's top terms per topic, then the curated dictionary's, if any.
    """

    articles: pd.DataFrame
    paragraphs: pd.DataFrame
    body_tokens: Mapping
    title_tokens: Mapping
    para_tokens: Mapping
    actors: pd.DataFrame
    topics: TopicResults | None
    labels: Mapping[str, str]
    groups: tuple[str, ...]
    contrast: Contrast | None
    contrast_note: str
    boot: Mapping
    coverage: Coverage
    themes: tuple[Theme, ...] = ()

    def evidence(self, level: str) -> str:
        """The evidence line for figures at ``level`` (``"text"`` or ``"title"``)."""
        return evidence_label(level, self.coverage)


def prepare(ctx: RunContext) -> CompareInputs:
    """Inputs of the compare stage from the run context."""
    p = ctx.params.compare
    corpus, seg = ctx.corpus, ctx.segmenter
    arts = corpus.articles
    results = ctx.paths.results
    topics = (read_results(results)
              if io.output_path(results, "paragraph_topics").exists() else None)
    if topics is None:
        warnings.warn(f"{results}: no topic results; comparisons of topics are left out",
                      stacklevel=2)
    missing = [g for g in p.groups if g not in arts.columns]
    if missing:
        warnings.warn(f"[compare] groups {missing} are not columns of the articles; "
                      "they are left out", stacklevel=2)
    try:
        contrast = resolve_contrast(arts, ctx.params.contrast)
        note = contrast.description
    except NoTextError as exc:
        contrast, note = None, f"no comparison: {exc}"
        warnings.warn(note, stacklevel=2)
    clusters = contrast.clusters if contrast is not None else None
    return CompareInputs(
        articles=arts, paragraphs=corpus.paragraphs,
        body_tokens=article_tokens(arts, seg, level="text"),
        title_tokens=article_tokens(arts, seg, level="title"),
        para_tokens=paragraph_tokens(corpus.paragraphs, seg),
        actors=load_actors(ctx.input(p.actors)), topics=topics,
        labels=topic_label_map(topics.labels) if topics is not None else {},
        groups=tuple(g for g in p.groups if g in arts.columns),
        contrast=contrast, contrast_note=note,
        boot=inference_options(p, clusters), coverage=ctx.coverage,
        themes=_themes(ctx, topics))


def _themes(ctx: RunContext, topics: TopicResults | None) -> tuple[Theme, ...]:
    """The title themes: topics' top terms (``title_theme_method``, ``title_theme_terms``)
    and the dictionary of ``title_theme_dictionary`` (none when empty)."""
    p = ctx.params.compare
    themes = []
    if topics is not None:
        try:
            themes = topic_themes(topics.terms, method=p.title_theme_method,
                                  n=p.title_theme_terms)
        except ValueError as exc:
            warnings.warn(f"title themes from topics left out: {exc}", stacklevel=2)
    if p.title_theme_dictionary:
        themes += load_theme_dictionary(ctx.input(p.title_theme_dictionary))
    if not themes:
        warnings.warn("no title themes (no topic results, no theme dictionary); "
                      "title-level theme comparisons are left out", stacklevel=2)
    return tuple(themes)


def _figure(ctx: RunContext, fig, stem: str) -> list[Path]:
    """Save ``fig``; a draw function returns None for a grouping with fewer than
    two groups with data (it logs the details): the figure is skipped with its reason."""
    if fig is None:
        skip(stem, last_refusal())
        return []
    return ctx.save_figure(fig, stem)


def _csv(ctx: RunContext, df: pd.DataFrame, role: str, *fill: str) -> Path:
    return ctx.write_csv(df, io.OUTPUTS[role].format(*fill))


def _write_group(ctx: RunContext, x: CompareInputs, by: str) -> list[Path]:
    """Tables and figures of one grouping column (every ``*_by_<by>`` output)."""
    p, arts = ctx.params.compare, x.articles
    cov = coverage(arts, by, x.body_tokens)
    am = actor_mentions(arts, by, x.actors, tokens=x.body_tokens)
    out = [_csv(ctx, cov, "coverage_by", by), _csv(ctx, am, "actor_mentions_by", by),
           _csv(ctx, title_actor_mentions(arts, by, x.actors), "actor_mentions_titles_by", by),
           _csv(ctx, formulas_by_group(arts, by, formulas, level="text"), "formulas_by", by),
           _csv(ctx, formulas_by_group(arts, by, formulas, level="title"),
                "formulas_titles_by", by)]
    two_text = int((cov["n_text"] > 0).sum()) >= 2
    draw = by in p.figure_groups
    if draw:
        out += _figure(ctx, draw_actor_mentions(am, by, evidence=x.evidence("text")),
                               f"actor_mentions_{by}")
    kw_opts = dict(alpha=p.alpha, correction=p.correction, inference=from_options(**x.boot),
                   clusters=x.boot["clusters"])
    if by in p.keyness_groups and two_text:
        kw = keyness(x.body_tokens, arts, by, min_count=p.keyness_min_count, **kw_opts)
        out.append(_csv(ctx, kw, "keyness_by", by))
        out += _figure(ctx, draw_keyness(kw, by, evidence=x.evidence("text"),
                                            top_n=p.keyness_top_n), f"keyness_{by}")
    elif by in p.keyness_groups:
        skip(io.OUTPUTS["keyness_by"].format(by), "fewer than two groups with body text")
    kwt = None
    if by in p.title_keyness_groups:
        try:
            kwt = keyness(x.title_tokens, arts, by, level="title",
                          min_count=p.title_keyness_min_count, **kw_opts)
        except NoTextError as exc:
            skip(io.OUTPUTS["keyness_titles_by"].format(by), str(exc))
    if kwt is not None:
        out.append(_csv(ctx, kwt, "keyness_titles_by", by))
        out += _figure(ctx, draw_keyness(kwt, by, evidence=x.evidence("title"),
                                            top_n=p.keyness_top_n), f"keyness_titles_{by}")
    if by in p.ca_groups and two_text:
        ca = correspondence(x.body_tokens, arts, by, n_terms=p.ca_terms)
        out.append(_csv(ctx, ca, "correspondence", by))
        out += _figure(ctx, draw_correspondence(io.as_written(ca), by,
                                                   evidence=x.evidence("text")),
                               f"correspondence_biplot_{by}")
    elif by in p.ca_groups:
        skip(io.OUTPUTS["correspondence"].format(by), "fewer than two groups with body text")
    return out


def topic_inputs(topics: TopicResults, reference_seed: int
                 ) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame | None]:
    """What the comparisons of topics read from the topic stage: the reported model's
    article shares, the refits' article shares (the reported seed left out) and the
    per-topic stability flags (None when the stage has none)."""
    shares, refits = topics.article_topics, topics.article_refits
    refits = refits[refits["seed"] != reference_seed]
    stab = topics.stability if "stable" in topics.stability.columns else None
    return shares, (refits if len(refits) else None), stab


def _write_topic_prevalence(ctx: RunContext, x: CompareInputs, by: str, *,
                            draw: bool) -> list[Path]:
    """Mean topic share per group (text level: the reported model's article shares)."""
    shares, _, _ = topic_inputs(x.topics, ctx.params.topics.random_state)
    prev = topic_prevalence(shares, x.articles, by, tokens=x.body_tokens, **x.boot)
    role = "topic_prevalence_by"
    out = [_csv(ctx, prev, role, by)]
    if draw:
        fig = draw_topic_prevalence(prev, by, evidence=x.evidence("text"),
                                    topic_labels=x.labels)
        out += _figure(ctx, fig, Path(io.OUTPUTS[role].format(by)).stem)
    return out


def _write_title_themes(ctx: RunContext, x: CompareInputs, by: str, *,
                        draw: bool) -> list[Path]:
    """Title-level themes: share of each group's unique titles mentioning each theme."""
    p = ctx.params.compare
    tt = title_themes(x.articles, x.title_tokens, by, list(x.themes), ci=1 - p.alpha,
                      min_titles=p.title_min_titles)
    out = [_csv(ctx, tt, "title_themes_by", by)]
    if draw:
        fig = draw_title_themes(io.as_written(tt, keep_default_na=False, na_values=[""]),
                                by, evidence=x.evidence("title"), min_titles=p.title_min_titles)
        out += _figure(ctx, fig, Path(io.OUTPUTS["title_themes_by"].format(by)).stem)
    return out


def _write_title_difference(ctx: RunContext, x: CompareInputs) -> list[Path]:
    """Title-level themes, ``a`` vs ``b`` of ``[contrast]``: every article has a title, so
    the pair is taken from ``[contrast] groups`` even when a group has no body text."""
    p, pc = ctx.params.compare, ctx.params.contrast
    if x.contrast is not None:
        arts, by, a, b = x.contrast.articles, x.contrast.by, x.contrast.a, x.contrast.b
    elif pc.groups and pc.by in x.articles.columns and (
            not pc.within_col or pc.within_col in x.articles.columns):
        arts, (a, b), by = x.articles, pc.groups, pc.by
        if pc.within_col:
            arts = arts[arts[pc.within_col].astype(str) == pc.within_value]
    else:
        warnings.warn(f"title themes: no [contrast] pair ({x.contrast_note})", stacklevel=2)
        return []
    diff = title_theme_difference(arts, x.title_tokens, by, a, b, list(x.themes),
                                  alpha=p.alpha, min_titles=p.title_min_titles,
                                  power=p.power)
    return [_csv(ctx, diff, "title_themes_difference", f"{slug(a)}_vs_{slug(b)}")]


def _write_differences(ctx: RunContext, x: CompareInputs) -> list[Path]:
    """``a`` vs ``b`` of ``[contrast]``: topics, actors, key words, the pattern's rate,
    and ``compare_key_differences.csv`` (every item keyed by its id, never by rank)."""
    p = ctx.params.compare
    if x.contrast is None:
        return [_csv(ctx, pd.DataFrame({"key": ["compareContrastNote"],
                                        "value": [x.contrast_note]}),
                     "compare_key_differences")]
    c = x.contrast
    arts, by, a, b = c.articles, c.by, c.a, c.b
    ab = f"{slug(a)}_vs_{slug(b)}"
    # The settings every number below was computed with, citable next to them.
    out, kd = [], {"compareContrastNote": c.description, "compareAlpha": f"{p.alpha:g}",
                   "compareIntervalLevel": f"{1 - p.alpha:.0%}",
                   "comparePower": f"{p.power:.0%}"}
    if x.topics is not None:
        shares, refits, stab = topic_inputs(x.topics, ctx.params.topics.random_state)
        diff = prevalence_difference(shares, arts, by, a, b, refits=refits, stability=stab,
                                     **x.boot)
        out.append(_csv(ctx, diff, "topic_prevalence_difference", ab))
        out += _figure(ctx, draw_difference(diff, evidence=x.evidence("text"),
                                               topic_labels=x.labels), f"topic_difference_{ab}")
        ids = dict(zip("topic_" + x.topics.labels["topic"].astype(str),
                       x.topics.labels["label_id"].astype(str)))
        kd.update(key_differences(diff, ids=ids, labels=x.labels))
    ad = actor_difference(arts, by, a, b, x.actors, **x.boot)
    out.append(_csv(ctx, ad, "actor_mentions_difference", ab))
    kd.update(key_differences(ad, prefix="compareActor", item="actor", digits=1))
    td = keyness_article_check(x.body_tokens, arts, by, a, b, n_terms=p.article_check_terms,
                               min_count=p.keyness_min_count, correction=p.correction,
                               **x.boot)
    out.append(_csv(ctx, td, "keyness_article_check", ab))
    kd.update({"compareTermTested": str(len(td)),
               "compareTermSignificant": str(int(td["significant"].sum()))})
    fq = p.fengqiao_pattern
    fd = prevalence_difference(term_by_article(arts, fq), arts, by, a, b,
                               topic_cols=["per_10k_chars"], weight_col=None, scale="rate",
                               family="measure (one)", **x.boot)
    out.append(_csv(ctx, fd.rename(columns={"topic": "measure"}).assign(pattern=fq),
                    "fengqiao_rate_difference", ab))
    kd.update(key_differences(fd, prefix="comparePattern", ids={"per_10k_chars": "rate"},
                              digits=2))
    out.append(_csv(ctx, pd.DataFrame(sorted(kd.items()), columns=["key", "value"]),
                    "compare_key_differences"))
    return out


def write(ctx: RunContext) -> list[Path]:
    """Write every comparison table and figure; return the paths written.

    Per grouping column ``<g>`` of ``[compare] groups``: coverage, actor
    mentions (bodies and titles), formulas (bodies and titles), topic prevalence
    (text level), title themes (title level, :mod:`~analysis.compare.titles`),
    mentions of ``fengqiao_pattern``; keyness, title keyness and CA for the groups
    listed for them. For the two groups of ``[contrast]``: differences in topics,
    actors, key words, the pattern's rate and title themes, and
    ``compare_key_differences.csv`` (read back by
    :func:`~analysis.compare.prevalence.read_key_differences`). Also
    ``actor_topics``, ``actor_keywords``, ``fengqiao_by_article`` and
    ``fengqiao_formulas``. File names: ``io.OUTPUTS``.
    """
    x = prepare(ctx)
    p = ctx.params.compare
    # Longest first, so that short tasks fill the gaps at the end: the contrast
    # (bootstrap-t intervals, coverage checks, permutation tests), the groupings with
    # keyness and CA, then topic prevalence per grouping.
    def weight(by: str) -> int:
        return (2 * (by in p.ca_groups) + 2 * (by in p.keyness_groups)
                + (by in p.figure_groups) + (by in p.title_keyness_groups))

    tasks = [partial(_write_differences, ctx, x)]
    tasks += [partial(_write_group, ctx, x, by) for by in sorted(x.groups, key=weight,
                                                                 reverse=True)]
    if x.topics is not None:
        tasks += [partial(_write_topic_prevalence, ctx, x, by, draw=by in p.figure_groups)
                  for by in x.groups]
    if x.themes:
        tasks.append(partial(_write_title_difference, ctx, x))
        tasks += [partial(_write_title_themes, ctx, x, by, draw=by in p.figure_groups)
                  for by in x.groups]
    tasks.append(partial(_write_shared, ctx, x))
    return [path for part in fork_map(lambda task: task(), tasks, p.n_jobs) for path in part]


def _write_shared(ctx: RunContext, x: CompareInputs) -> list[Path]:
    """Tables not split by a grouping: actors by topic and keywords, the pattern's
    mentions by article and grouping, and the formulas near it."""
    p, arts, paras = ctx.params.compare, x.articles, x.paragraphs
    written: list[Path] = []
    if x.topics is not None:
        written.append(_csv(ctx, actor_topics(x.topics.para_topics, paras, x.actors),
                            "actor_topics"))
    written.append(_csv(ctx, actor_keywords(x.para_tokens, paras, x.actors,
                                            top_n=p.actor_keywords_top_n), "actor_keywords"))
    fq = p.fengqiao_pattern
    written.append(_csv(ctx, term_by_article(arts, fq), "fengqiao_by_article"))
    written += [_csv(ctx, term_mentions(arts, by, fq), "fengqiao_mentions_by", by)
                for by in x.groups]
    written.append(_csv(ctx, formulas_near(paras, fq, formulas), "fengqiao_formulas"))
    return written
