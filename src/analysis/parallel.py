"""Independent tasks over one process's data, run in forked processes.

The pipeline's stages and a stage's groupings each write their own files and draw
their random numbers from streams named after them (:func:`analysis.stats.stream_rng`),
so running them side by side changes no output, only the wall time. Forking lets
the workers inherit the loaded corpus, tokens and models instead of pickling them.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

__all__ = ["fork_map"]

#: The function and items of the running :func:`fork_map`, inherited by its workers.
_PAYLOAD: tuple[Callable[[Any], Any], list] | None = None


def _call(i: int) -> Any:
    func, items = _PAYLOAD
    return func(items[i])


def fork_map(func: Callable[[Any], Any], items: Sequence, n_jobs: int) -> list:
    """``[func(x) for x in items]``, in up to ``n_jobs`` forked processes.

    ``func`` need not be picklable (the workers inherit it); its results must be.
    One item or ``n_jobs == 1`` runs in this process.
    """
    global _PAYLOAD
    items = list(items)
    if n_jobs <= 1 or len(items) < 2:
        return [func(x) for x in items]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _PAYLOAD = (func, items)
    try:
        with ProcessPoolExecutor(max_workers=min(n_jobs, len(items)),
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_call, range(len(items))))
    finally:
        _PAYLOAD = None
