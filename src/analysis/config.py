"""Paths and parameters.

Every parameter and seed lives in ``params.toml`` at the project root. Functions
elsewhere take their parameters as arguments; only entry points (``reproduce``,
notebooks, ``Segmenter()`` defaults) read this file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def _find_root() -> Path:
    env = os.environ.get("PINGAN_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "params.toml").exists() and (parent / "data").is_dir():
            return parent
    return Path.cwd()


ROOT = _find_root()


@dataclass(frozen=True)
class Paths:
    """Project locations, derived from one root folder."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def raw(self) -> Path:
        return self.data / "raw"

    @property
    def processed(self) -> Path:
        return self.data / "processed"

    @property
    def results(self) -> Path:
        return self.root / "results"

    @property
    def figures(self) -> Path:
        return self.root / "figures"

    @property
    def cache(self) -> Path:
        # reproduce points this elsewhere (PINGAN_CACHE) for isolated runs.
        env = os.environ.get("PINGAN_CACHE")
        return Path(env) if env else self.root / ".cache"

    @property
    def params(self) -> Path:
        return self.root / "params.toml"


PATHS = Paths(ROOT)


def load_params(path: str | os.PathLike | None = None) -> dict[str, Any]:
    """Read ``params.toml`` (or another parameters file) into a dict."""
    p = Path(path) if path is not None else PATHS.params
    with open(p, "rb") as fh:
        return tomllib.load(fh)


def write_csv(df, path: str | os.PathLike, float_format: str = "%.6g") -> Path:
    """Write a results table the one project way: UTF-8, LF, no index, fixed float format.

    A fixed format (and row order chosen by the caller) keeps the bytes stable
    from run to run, which ``results/manifest.json`` relies on.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, float_format=float_format, lineterminator="\n",
              encoding="utf-8")
    return path


def resolve(path: str | os.PathLike, root: Path | None = None) -> Path:
    """Resolve a path from ``params.toml`` relative to the project root."""
    p = Path(path)
    return p if p.is_absolute() else (root or ROOT) / p
