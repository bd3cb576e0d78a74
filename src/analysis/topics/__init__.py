"""Topic models: LDA on body paragraphs, a defensible K, labels and exemplars.

The documents are the body paragraphs of the articles that have text.
:class:`TopicModel` (``model``) wraps a single-process, seeded gensim ``LdaModel``
in the scikit-learn style. :func:`select_k` (``select``) answers "why this K?"
with coherence (NPMI, UMass; c_v flagged), exclusivity (``diagnostics``),
held-out bound and stability across seeds (Hungarian-matched topics,
``stability``). Labels come from ``data/topic_labels.toml`` (``labels``):
:func:`check_labels` refuses them when the fitted topics no longer match.
Every reported fit is the best of ``restarts`` by its variational bound, with its
convergence recorded (``model``). ``tables`` computes prevalence per paragraph and per
article (the article inferred as one document; titles get none), exemplars, top terms,
the convergence table and the tokens file; ``results`` assembles them (:func:`build`)
and reads them back (:func:`read_results`); ``stage`` writes them with the figures
(:mod:`analysis.plots.topics`) and the pyLDAvis page (``ldavis``).

Topic ids are gensim's, 0-based, in every table and figure ("T0" …).
"""

from .diagnostics import coherence, exclusivity, frex, relevance
from .labels import LabelMismatchError, check_labels, load_labels, match_labels
from .ldavis import ldavis_page
from .model import MODEL_KEYS, TopicModel, model_from_params, model_kwargs, restart_seeds
from .results import TABLES, TopicResults, build, read_results
from .select import select_k
from .refits import seed_refits, stability_from_refits
from .stability import background, cosine, match_topics, stability
from .tables import (article_documents, article_topics, convergence_table, exemplars,
                     paragraph_documents, paragraph_topics, token_table, topic_columns,
                     topic_terms)

__all__ = [
    "LabelMismatchError", "MODEL_KEYS", "TABLES", "TopicModel", "TopicResults",
    "article_documents", "article_topics", "background", "build", "check_labels",
    "coherence", "convergence_table", "cosine", "exclusivity", "exemplars", "frex",
    "ldavis_page", "load_labels", "match_labels", "match_topics", "model_from_params",
    "model_kwargs", "paragraph_documents", "paragraph_topics", "read_results", "relevance",
    "restart_seeds", "select_k", "stability", "token_table", "topic_columns",
    "seed_refits", "stability_from_refits", "topic_terms",
]
