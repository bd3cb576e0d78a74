"""Bilingual figure labels: a Chinese term with its English gloss, or one of the two.

The glossary is ``data/glossary.csv`` (``term,english,note``; ``[figures] glossary``) and
``[figures] language`` is ``"zh+en"`` (default: term and gloss), ``"en"`` (gloss only,
for international journals) or ``"zh"`` (term only). The run context activates the
run's labels once (:func:`use_labels`); ``draw_*`` functions call :func:`term`. Terms
without a gloss are drawn as they are and collected in :func:`missing`, so a run can
report them and a test can fail on them.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["LANGUAGES", "Labels", "active", "cjk_runs", "load_glossary", "missing", "register",
           "term", "use_labels"]

LANGUAGES = ("zh+en", "en", "zh")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def cjk_runs(text: str) -> list[str]:
    """The maximal runs of CJK characters in ``text``."""
    return _CJK.findall(str(text))


def load_glossary(path: str | Path) -> dict[str, str]:
    """``{term: english}`` from a ``term,english,note`` CSV.

    Raises
    ------
    ValueError
        Naming the file and row of a duplicate term or a row without English.
    """
    path = Path(path)
    out: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            t, en = row["term"].strip(), (row["english"] or "").strip()
            if not t:
                continue
            if not en:
                raise ValueError(f"{path}, line {i}: term {t!r} has no English gloss")
            if t in out:
                raise ValueError(f"{path}, line {i}: duplicate term {t!r}")
            out[t] = en
    return out


@dataclass(frozen=True)
class Labels:
    """How figures show a Chinese term.

    Attributes
    ----------
    language : str
        One of :data:`LANGUAGES`.
    glossary : dict
        ``{term: english}``.
    """

    language: str = "zh+en"
    glossary: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.language not in LANGUAGES:
            raise ValueError(f"figure language {self.language!r}: use one of {LANGUAGES}")

    def term(self, text: str, sep: str = " ") -> str:
        """``text`` in the figure language; ``sep`` joins term and gloss in ``zh+en``."""
        text = str(text)
        if self.language == "zh" or not cjk_runs(text):
            return text
        gloss = self.glossary.get(text)
        if gloss is None:
            _MISSING.add(text)
            return text
        return gloss if self.language == "en" else f"{text}{sep}{gloss}"


_MISSING: set[str] = set()
_ACTIVE: list[Labels] = []


def _default() -> Labels:
    from ..config import ROOT

    path = ROOT / "data" / "glossary.csv"
    return Labels("zh+en", load_glossary(path) if path.exists() else {})


def use_labels(labels: Labels) -> None:
    """Make ``labels`` the labels of the figures drawn from now on."""
    _ACTIVE[:] = [labels]


def active() -> Labels:
    """The labels in force (the project glossary in ``zh+en`` unless a run set others)."""
    if not _ACTIVE:
        _ACTIVE.append(_default())
    return _ACTIVE[0]


def term(text: str, sep: str = " ") -> str:
    """``text`` labelled by :func:`active` labels."""
    return active().term(text, sep)


def register(glosses) -> None:
    """Add curated ``{term: gloss}`` pairs that live with their own data (topic labels)."""
    active().glossary.update({str(k): str(v) for k, v in dict(glosses).items() if str(v)})


def missing() -> list[str]:
    """Terms drawn so far that have no gloss, sorted."""
    return sorted(_MISSING)
