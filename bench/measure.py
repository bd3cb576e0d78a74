"""Run a command in a subprocess; wall time and peak memory of its process tree.

Peak memory is reported three ways: ``peak_tree_rss_mb``, the largest sum of
the resident set sizes of the process and all its descendants (sampled with
psutil every ``interval`` seconds; the 2 GB target is checked on it, an upper
bound since forked workers share pages), ``peak_tree_pss_mb``, the same with
proportional set sizes (shared pages divided among their sharers), and
``max_rss_mb``, the kernel's ``ru_maxrss`` for the child (``os.wait4``), the
largest single process it or a waited-for descendant reached.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time

import psutil


def _tree_memory(proc: psutil.Process) -> tuple[int, int]:
    """(sum of RSS, sum of PSS) over the process and its descendants, in bytes.

    RSS counts pages shared between forked workers once per process (an upper
    bound); PSS divides shared pages among the processes sharing them.
    """
    rss = pss = 0
    try:
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0, 0
    for p in procs:
        try:
            info = p.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        except psutil.Error:
            pass
    return rss, pss


def run(cmd: list[str], interval: float = 0.1, env: dict | None = None,
        cwd: str | None = None) -> dict:
    """Run ``cmd``; return seconds, peak memory, return code and its last JSON line.

    The child's stdout goes to a temporary file; if its last non-empty line is
    a JSON object it is returned as ``result`` (the bench tasks print their
    inner timings so).
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd, text=True)
        ps = psutil.Process(child.pid)
        peak = peak_pss = 0
        while True:
            rss, pss = _tree_memory(ps)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(interval)
        seconds = time.perf_counter() - t0
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    result = None
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                result = json.loads(line)
            except json.JSONDecodeError:
                result = None
            break
    return {
        "seconds": seconds,
        "returncode": child.returncode,
        "peak_tree_rss_mb": peak / 2**20,
        "peak_tree_pss_mb": peak_pss / 2**20,
        # Linux: kilobytes; the largest process of the tree that was waited for.
        "max_rss_mb": usage.ru_maxrss / 1024,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,   # child and waited-for descendants
        "result": result,
        "stderr_tail": stderr[-3000:] if child.returncode else "",
    }
