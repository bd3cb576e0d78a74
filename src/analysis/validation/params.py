"""Checks of the ``[validation]`` parameters beyond their types.

The dataclass is :class:`analysis.config.ValidationParams`, typed and loaded with the
rest of ``params.toml``. Library functions take these values as keyword arguments;
only :mod:`analysis.validation.cli` reads the parameters file.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..config import ValidationParams, build_section

__all__ = ["KINDS", "ValidationParams", "check", "validation_params"]

#: Task kinds, in the order the form presents them.
KINDS = ("word_intrusion", "word_set_intrusion", "topic_intrusion", "label_intrusion",
         "optimal_label")


def check(vp: ValidationParams) -> ValidationParams:
    """``vp`` if its values make sense, else ``ValueError`` naming the key."""
    unknown = [k for k in vp.kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"validation.kinds: unknown kind(s) {unknown}; use {list(KINDS)}")
    if vp.language not in {"zh", "zh+en"}:
        raise ValueError(f"validation.language: {vp.language!r} is not 'zh' or 'zh+en'")
    if not 0 < vp.alpha < 1:
        raise ValueError(f"validation.alpha: {vp.alpha} is not in (0, 1)")
    for name in ("n_per_topic", "n_words"):
        if getattr(vp, name) < 1:
            raise ValueError(f"validation.{name}: must be at least 1")
    if vp.n_gold < 0:
        raise ValueError("validation.n_gold: must be at least 0")
    return vp


def validation_params(section: Mapping[str, Any]) -> ValidationParams:
    """Build and check :class:`ValidationParams` from a parsed ``[validation]`` table.

    Raises
    ------
    ValueError
        Naming the key, for an unknown or missing key, a mistyped or a senseless value.
    """
    return check(build_section(ValidationParams, dict(section), "validation", "<params>"))
