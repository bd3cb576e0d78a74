"""Markdown prose built from result tables, so a notebook's sentences cannot
contradict its outputs.

Every function takes tables (or objects) that the stages compute and returns
Markdown. Notebooks show it with ``display(Markdown(prose.<function>(...)))``;
their static text keeps only questions, headings and method descriptions.
"""

from .corpus import (corpus_coverage, dates_and_bylines, duplicates, segmentation_summary,
                     unit_types_with_text)
from .differences import (article_check_summary, difference_line, difference_paragraph,
                          item_name, title_difference_summary)
from .groups import contrast_definition, contrast_units, grouping_definition, prevalence_status
from .network import (communities, differential_summary, network_summary,
                      strongest_partners, title_hub)
from .pattern import (association_influence, kwic_context, mention_concentration, titles_naming,
                      topic_association)
from .terms import (actor_sparsity, correspondence_summary, formula_recurrence,
                    keyness_summary, place_check, place_names, places_among)
from .text import id_list, listing, number, percent, plural, signed
from .validation import (agreement_summary, answers_line, document_item_limit,
                         intruder_ceiling, items_summary, precision_lines)
from .topics import (coherence_summary, exemplar_sources, heading_lengths, k_reading, k_rule,
                     single_topic_share, stability_summary, topic_concentration,
                     topic_names)

__all__ = [
    "agreement_summary", "answers_line", "document_item_limit", "intruder_ceiling",
    "items_summary", "precision_lines",
    "actor_sparsity", "article_check_summary", "association_influence", "coherence_summary",
    "communities",
    "contrast_definition", "contrast_units", "corpus_coverage", "correspondence_summary",
    "dates_and_bylines", "difference_line", "difference_paragraph", "differential_summary",
    "duplicates", "exemplar_sources", "formula_recurrence", "grouping_definition",
    "heading_lengths", "id_list", "item_name", "k_reading", "k_rule", "keyness_summary",
    "kwic_context", "listing",
    "mention_concentration", "network_summary", "number", "percent", "place_check", "place_names",
    "places_among", "plural", "prevalence_status", "segmentation_summary", "signed",
    "single_topic_share", "stability_summary", "strongest_partners", "title_hub",
    "title_difference_summary", "titles_naming", "topic_association",
    "topic_concentration", "topic_names",
    "unit_types_with_text",
]
