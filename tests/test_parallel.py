"""Forked tasks (issue 19): the same results as a loop, and stages only after their inputs."""

from __future__ import annotations

import os

from analysis.parallel import fork_map, run_graph
from analysis.stages import STAGES


def test_fork_map_equals_a_loop_keeps_order_and_forks(corpus):
    titles = corpus.articles["title"].tolist()[:9]

    def length(i):  # a closure: the workers inherit it, nothing is pickled
        return len(titles[i]), os.getpid()

    forked, alone = fork_map(length, range(9), 2), fork_map(length, range(9), 1)
    assert [n for n, _ in forked] == [n for n, _ in alone] == [len(t) for t in titles]
    assert {pid for _, pid in alone} == {os.getpid()}
    assert os.getpid() not in {pid for _, pid in forked}


def _trace(n_jobs: int) -> tuple[list[tuple[str, str]], dict]:
    """Run the pipeline's stage graph with tasks that report their inputs' presence."""
    events: list[tuple[str, str]] = []
    finished: set[str] = set()
    seen: dict[str, set] = {}

    def task(name):
        return lambda: (name, os.getpid())

    def start(name):
        events.append(("start", name))
        seen[name] = set(finished)

    def done(name, result):
        assert result[0] == name
        events.append(("done", name))
        finished.add(name)

    run_graph({s.name: (s.after, task(s.name)) for s in STAGES}, n_jobs,
              on_start=start, on_done=done)
    return events, seen


def test_run_graph_starts_a_stage_only_after_the_stages_it_reads():
    for n_jobs in (1, 2):
        events, seen = _trace(n_jobs)
        assert sorted(n for kind, n in events if kind == "done") == sorted(s.name for s in STAGES)
        for s in STAGES:
            assert set(s.after) <= seen[s.name], (n_jobs, s.name, seen[s.name])
    # One process: the stages in their listed order, each finished before the next.
    events, _ = _trace(1)
    assert events == [(k, s.name) for s in STAGES for k in ("start", "done")]


def test_compare_reads_topics_not_the_cooccurrence_stage():
    by_name = {s.name: s for s in STAGES}
    assert by_name["compare"].after == ("topics",)
    assert set(by_name["variables"].after) == {s.name for s in STAGES} - {"variables"}


def test_the_stages_that_tokenize_are_found_from_their_code():
    """reproduce builds the segmenter's tokenizers before forking only when a stage to
    run uses it (read from the stage's code, as its cache key is)."""
    assert {s.name for s in STAGES if s.uses("segmenter")} == {"segment", "topics",
                                                                "cooccur", "compare"}


def test_a_worker_whose_task_forked_its_own_tasks_takes_further_tasks():
    """A stage that forks its groupings (compare, the K sweep's coherence) leaves its
    worker able to run the next stage."""
    def nested(i):
        return sum(fork_map(lambda j: j * i, range(3), 2))

    assert fork_map(nested, range(6), 2) == [3 * i for i in range(6)]
    out = {}
    run_graph({"a": ((), lambda: nested(1)), "b": ((), lambda: nested(2)),
               "c": (("a", "b"), lambda: nested(3)), "d": (("c",), lambda: nested(4))}, 2,
              on_done=out.__setitem__)
    assert out == {"a": 3, "b": 6, "c": 9, "d": 12}


def test_warnings_raised_in_workers_reach_the_caller():
    import warnings

    def warn(i):
        warnings.warn(f"item {i}", UserWarning)
        return i

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert fork_map(warn, range(3), 2) == [0, 1, 2]
        run_graph({"a": ((), lambda: warn(7))}, 2)  # one task runs here, not forked
        run_graph({"b": ((), lambda: warn(8)), "c": (("b",), lambda: warn(9))}, 2)
    assert sorted(str(w.message) for w in caught) == [f"item {i}" for i in (0, 1, 2, 7, 8, 9)]


def test_the_heap_is_frozen_while_forking_and_thawed_after():
    """Workers inherit a frozen heap (the collector leaves it alone); the caller's heap
    is thawed afterwards, and a worker forking its own tasks keeps its inheritance frozen."""
    import gc

    assert gc.get_freeze_count() == 0
    assert fork_map(lambda i: gc.get_freeze_count() > 0, range(2), 2) == [True, True]
    assert gc.get_freeze_count() == 0

    def nested(i):
        fork_map(lambda j: j, range(2), 2)
        return gc.get_freeze_count() > 0

    assert fork_map(nested, range(2), 2) == [True, True]
    out = {}
    run_graph({"a": ((), lambda: nested(0)), "b": ((), lambda: nested(1))}, 2,
              on_done=out.__setitem__)
    assert out == {"a": True, "b": True} and gc.get_freeze_count() == 0
