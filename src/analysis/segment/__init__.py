"""Segmentation: jieba with a governance lexicon, layered stopwords, formulas.

- :mod:`.segmenter`: :class:`Segmenter` (private jieba, filters, token cache);
- :mod:`.backends`: the jieba set-up and the jieba-rs backend;
- :mod:`.rules`: punctuation, number and place rules;
- :mod:`.wordlists`: reading the user dictionary and stopword layers;
- :mod:`.sentences`: :func:`split_sentences`;
- :mod:`.formulas`: numbered policy formulas (:func:`formulas`);
- :mod:`.audit`: how the segmenter treats a corpus (the stage's tables);
- :mod:`.stage`: ``prepare(ctx)`` / ``write(ctx)``.

Curating the lexicon and the domain stopword layer is data tooling, not part
of the library: ``data/lexicon/candidates.py`` and ``data/stopwords/build_domain.py``.
"""

from .audit import (audit_samples, filter_audit, heldout_audit, lexicon_false_matches,
                    occurrences_whole,
                    place_audit, plain_segmenter, segmentation_audit, stopword_audit)
from .backends import BACKENDS, BackendFallbackWarning
from .formulas import formula_spans, formulas
from .rules import LEVEL_TAGS, PLACE_EXCEPTIONS, PLACE_MODES, PLACE_SUFFIXES
from .segmenter import Segmenter
from .sentences import split_sentences
from .wordlists import parse_userdict, read_false_matches, read_wordlist

__all__ = [
    "BACKENDS", "BackendFallbackWarning", "LEVEL_TAGS", "PLACE_EXCEPTIONS", "PLACE_MODES",
    "PLACE_SUFFIXES", "Segmenter", "audit_samples", "filter_audit", "formula_spans", "formulas", "heldout_audit",
    "lexicon_false_matches", "occurrences_whole", "parse_userdict", "place_audit",
    "plain_segmenter", "read_false_matches", "read_wordlist", "segmentation_audit",
    "split_sentences", "stopword_audit",
]
