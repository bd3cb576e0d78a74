"""Issuing-unit metadata: who wrote each article, at which level, where.

Modules: ``codebook`` (values and :class:`UnitInfo`), ``title`` (parsing the head
of a title), ``classify`` (:func:`classify_unit`), ``overrides`` (the curated
corrections), ``annotate`` (the article table and reports), ``stage``
(``prepare`` / ``write``).
"""

from .annotate import (METADATA_COLUMNS, agreement, annotate, annotate_corpus, metadata_table,
                       override_report)
from .classify import classify_unit
from .codebook import (ADMIN_LEVELS, FIELDS, SOURCES, TIER_OF, TIERS, UNIT_TYPE_ZH, UNIT_TYPES,
                       UnitInfo)
from .overrides import MISSING, OVERRIDE_COLUMNS, OverrideError, apply_overrides, load_overrides

__all__ = [
    "ADMIN_LEVELS", "FIELDS", "METADATA_COLUMNS", "MISSING", "OVERRIDE_COLUMNS", "OverrideError",
    "SOURCES", "TIERS", "TIER_OF", "UNIT_TYPES", "UNIT_TYPE_ZH", "UnitInfo", "agreement",
    "annotate", "annotate_corpus", "apply_overrides", "classify_unit", "load_overrides",
    "metadata_table", "override_report",
]
