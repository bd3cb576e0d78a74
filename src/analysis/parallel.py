"""Independent tasks over one process's data, run in forked processes.

The pipeline's stages and a stage's groupings each write their own files and draw
their random numbers from streams named after them (:func:`analysis.stats.group_rng`),
so running them side by side changes no output, only the wall time. Forking lets
the workers inherit the loaded corpus, tokens and models instead of pickling them.
"""

from __future__ import annotations

import gc
import warnings
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

from . import skips

__all__ = ["fork_map", "run_graph"]

#: The function and items of each running :func:`fork_map` or :func:`run_graph`, by
#: key, inherited by its workers. Keyed, because a worker's task may run its own
#: (a stage forking its groupings) and the worker then takes further tasks.
_PAYLOADS: dict[int, tuple[Callable[[Any], Any], list]] = {}


def _call(key: int, i: int) -> tuple[Any, list, list]:
    """Run item ``i`` in a worker; return its result, the warnings it raised and the
    views it skipped (:mod:`analysis.skips`)."""
    func, items = _PAYLOADS[key]
    with warnings.catch_warnings(record=True) as caught, skips.recording() as skipped:
        result = func(items[i])
    return result, [(w.message, w.category, w.filename, w.lineno) for w in caught], skipped


def _result(returned: tuple[Any, list, list]) -> Any:
    """A worker's result, its warnings raised again and its skips recorded here, where
    callers catch and collect them."""
    result, caught, skipped = returned
    for message, category, filename, lineno in caught:
        warnings.warn_explicit(message, category, filename, lineno)
    skips.replay(skipped)
    return result


def _register(func: Callable[[Any], Any], items: list) -> int:
    key = max(_PAYLOADS, default=0) + 1
    _PAYLOADS[key] = (func, items)
    return key


@contextmanager
def _frozen() -> Iterator[None]:
    """``gc.freeze()`` while forking: the collector then leaves the objects the workers
    inherit alone, so it neither rescans them nor makes the workers copy their pages
    (Python's ``gc`` docs). Only the outermost call unfreezes; a worker that forks
    its own tasks keeps what it inherited frozen."""
    outermost = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if outermost:
            gc.unfreeze()


def run_graph(tasks: dict[str, tuple[Sequence[str], Callable[[], Any]]], n_jobs: int, *,
              on_start: Callable[[str], None] = lambda name: None,
              on_done: Callable[[str, Any], None] = lambda name, result: None) -> None:
    """Run ``{name: (after, func)}`` so that each task starts once the tasks it comes
    ``after`` have finished (names not in ``tasks`` count as finished), up to
    ``n_jobs`` at a time in forked processes; in the given order with ``n_jobs == 1``.

    ``on_start(name)`` and ``on_done(name, func())`` run in this process, and so do
    the warnings a task raised, again, when it is done.
    """
    names = list(tasks)
    if n_jobs <= 1 or len(names) < 2:
        for name in names:
            on_start(name)
            on_done(name, tasks[name][1]())
        return
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    key = _register(lambda name: tasks[name][1](), names)
    done: set[str] = set()
    waiting, running = list(names), {}
    try:
        with _frozen(), ProcessPoolExecutor(
                max_workers=n_jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            while waiting or running:
                ready = [n for n in waiting if not (set(tasks[n][0]) & (set(names) - done))]
                for name in ready[:n_jobs - len(running)]:
                    waiting.remove(name)
                    on_start(name)
                    running[pool.submit(_call, key, names.index(name))] = name
                if not running:
                    raise ValueError(f"tasks {waiting} wait on each other")
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    name = running.pop(future)
                    done.add(name)
                    on_done(name, _result(future.result()))
    finally:
        del _PAYLOADS[key]


def fork_map(func: Callable[[Any], Any], items: Sequence, n_jobs: int) -> list:
    """``[func(x) for x in items]``, in up to ``n_jobs`` forked processes.

    ``func`` need not be picklable (the workers inherit it); its results must be.
    Warnings raised in a worker are raised again here, after it returns. One item or
    ``n_jobs == 1`` runs in this process.
    """
    items = list(items)
    if n_jobs <= 1 or len(items) < 2:
        return [func(x) for x in items]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    key = _register(func, items)
    try:
        with _frozen(), ProcessPoolExecutor(
                max_workers=min(n_jobs, len(items)),
                mp_context=multiprocessing.get_context("fork")) as pool:
            returned = list(pool.map(_call, [key] * len(items), range(len(items))))
        return [_result(r) for r in returned]
    finally:
        del _PAYLOADS[key]
