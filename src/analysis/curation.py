"""Curated files bound to the corpus they were made for.

Overrides, topic labels and lexicon additions are written by reading one corpus.
Each records that corpus's sha256 (:attr:`analysis.corpus.Corpus.sha256`): a comment
line ``# corpus_sha256: <hex>`` in a CSV or text file, or the key ``corpus_sha256``
under ``[meta]`` of a TOML file. On another corpus they are not refused outright: the
stage that reads one says so (:class:`CurationWarning`) and keeps only what still
matches (overrides whose article and title match, labels whose top words fit).
"""

from __future__ import annotations

import re
import tomllib
import warnings
from pathlib import Path

__all__ = ["COMMENT_KEY", "CurationWarning", "comment_line", "recorded_corpus",
           "warn_if_other_corpus"]

COMMENT_KEY = "corpus_sha256"
_COMMENT_RE = re.compile(rf"^\s*#\s*{COMMENT_KEY}\s*[:=]\s*([0-9a-fA-F]{{64}})\s*$")


class CurationWarning(UserWarning):
    """A curated file was made for another corpus; what does not match it is skipped."""


def comment_line(sha256: str) -> str:
    """The comment line that binds a CSV or text file to a corpus."""
    return f"# {COMMENT_KEY}: {sha256}"


def recorded_corpus(path: str | Path) -> str | None:
    """The corpus sha256 a curated file records, or None when it records none.

    TOML files: ``[meta] corpus_sha256``; other files: a ``# corpus_sha256: <hex>``
    comment line among the leading comment lines.
    """
    path = Path(path)
    if path.suffix == ".toml":
        with open(path, "rb") as fh:
            value = tomllib.load(fh).get("meta", {}).get(COMMENT_KEY)
        return str(value).lower() if value else None
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            if line.strip() and not line.lstrip().startswith("#"):
                break
            m = _COMMENT_RE.match(line)
            if m:
                return m.group(1).lower()
    return None


def warn_if_other_corpus(path: str | Path, sha256: str, what: str) -> bool:
    """Warn when ``path`` records a corpus other than ``sha256``; True when it does."""
    recorded = recorded_corpus(path)
    if recorded is None or recorded == sha256.lower():
        return False
    warnings.warn(f"{path}: the {what} were made for corpus {recorded[:12]}…, this corpus is "
                  f"{sha256[:12]}…; read them against this corpus before relying on them",
                  CurationWarning, stacklevel=2)
    return True
