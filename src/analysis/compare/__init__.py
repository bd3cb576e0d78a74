"""Group comparisons that say what text they stand on.

Every comparison takes the ``articles`` table and a grouping column ``by``
(``section``, ``unit_type``, ``tier``, ``province``, ``text_status`` …) and
returns a DataFrame carrying the group's coverage
(:func:`analysis.evidence.coverage`): how many articles it has, how many with
body text, and the evidence level. Text-level results (article bodies) and
title-level results (table-of-contents titles) are kept apart (``groups``).

Modules: ``groups`` (levels, best-covered groups), ``prevalence`` (topic
prevalence and differences with a cluster bootstrap over articles; key
differences for ``variables.tex``), ``keyness`` (G² and log ratio per group),
``correspondence`` (CA of terms × groups), ``actors`` (actor mentions, their
topics and words), ``terms`` (one pattern across groups; numbered formulas),
``tokens`` (tokens keyed by article and paragraph), ``titles`` (themes in titles:
the short-text method for title-level comparisons), ``stage`` (``prepare`` /
``write``). Figures: :mod:`analysis.plots.compare`, :mod:`analysis.plots.titles`.
"""

from analysis.evidence import NoTextError, coverage

from .actors import (actor_difference, actor_keywords, actor_mentions, actor_rates,
                     actor_topics, count_actors, load_actors, title_actor_mentions)
from .correspondence import correspondence, correspondence_analysis
from .groups import level_groups, slug, text_articles
from .keyness import group_counts, keyness, keyness_article_check, term_group_table
from .prevalence import (article_prevalence, key_differences, prevalence_difference,
                         read_key_differences, topic_label_map, topic_prevalence)
from .terms import (formulas_by_group, formulas_near, term_by_article, term_difference,
                    term_mentions, term_table, titles_matching, token_forms)
from .titles import (Theme, load_theme_dictionary, title_theme_difference, title_themes,
                     topic_themes)
from .tokens import article_tokens, paragraph_tokens

__all__ = [
    "NoTextError", "Theme", "actor_difference", "actor_keywords", "actor_mentions", "actor_rates",
    "actor_topics", "article_prevalence", "article_tokens", "best_covered_groups",
    "correspondence", "correspondence_analysis", "count_actors", "coverage",
    "formulas_by_group", "formulas_near", "group_counts", "key_differences", "keyness",
    "keyness_article_check", "level_groups", "load_actors", "load_theme_dictionary",
    "paragraph_tokens",
    "prevalence_difference", "read_key_differences", "slug", "term_by_article",
    "term_difference", "term_group_table", "term_mentions", "term_table", "text_articles",
    "title_actor_mentions", "title_theme_difference", "title_themes", "titles_matching",
    "token_forms", "topic_label_map", "topic_prevalence", "topic_themes",
]
