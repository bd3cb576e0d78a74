"""Disk cache of the slow topic computations: the K sweep and per-topic stability.

A cache key hashes the inputs (documents and settings), the gensim and numpy
versions, and the source of only the files that compute the cached table, so
editing a caption or a table writer does not rerun the K sweep.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

__all__ = ["CACHE_VERSION", "cache_key", "cached_table", "code_hash"]

#: Bump when the cached tables change meaning without a change to the hashed code.
CACHE_VERSION = "topics-5"
_HERE = Path(__file__).parent


def code_hash(files: Sequence[str]) -> str:
    """sha256 of the named source files of this package, in the given order."""
    h = hashlib.sha256()
    for name in files:
        h.update(name.encode("utf-8") + b"\0")
        h.update((_HERE / name).read_bytes())
    return h.hexdigest()


def cache_key(payload: dict, *, files: Sequence[str]) -> str:
    """Key of ``payload`` (JSON-able inputs), the code in ``files`` and the library versions."""
    import gensim

    env = {"code": code_hash(files), "gensim": gensim.__version__, "numpy": np.__version__,
           "version": CACHE_VERSION}
    blob = json.dumps(dict(payload, _env=env), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


def _write(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Write exactly (17 significant digits), atomically; return the frame as read back."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    df.to_csv(tmp, index=False, float_format="%.17g")
    os.replace(tmp, path)
    return pd.read_csv(path)


def cached_table(path: Path | None, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """The table cached at ``path``, else ``compute()`` written there.

    Either way the frame is the one read back from the file, so a cached and a
    fresh run return the same frame. ``path=None`` computes without caching.
    """
    if path is None:
        return compute()
    if path.exists():
        return pd.read_csv(path)
    return _write(compute(), path)
