"""Benchmarks: `make bench` (or `.venv/bin/python bench/run.py [options]`).

Every measured thing runs in its own subprocess (wall time, peak memory of
its process tree); every figure is reported as a ratio against a baseline
measured in the same run. Prints a table and writes ``results/bench.json``
(machine-specific; not part of the reproduce manifest). See bench/README.md.

    bench/run.py                      # segmentation, parallel segmentation, select_k, reproduce, lda
    bench/run.py --only segment       # one group (segment, parallel, select_k, reproduce, lda)
    bench/run.py --scale 10,100       # scale mode: synthetic corpora of 10 and 100 MB
    bench/run.py --realtext           # ~3M characters of rotated seed text through reproduce
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import measure  # noqa: E402

PY = sys.executable
GROUPS = ("segment", "parallel", "select_k", "reproduce", "lda")


# One BLAS thread per process: a worker is one core, so 1 vs N workers compares
# processes, not OpenBLAS threads competing with them.
ONE_THREAD = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def _task(name: str, **kwargs) -> dict:
    """Run bench/tasks.py:<name>(**kwargs) in a fresh process, measured."""
    cmd = [PY, str(HERE / "run.py"), "--task", name, "--kwargs", json.dumps(kwargs)]
    out = measure.run(cmd, cwd=str(ROOT), env={**os.environ, **ONE_THREAD})
    if out["returncode"] != 0 or out["result"] is None:
        print(f"  task {name} {kwargs} failed:\n{out['stderr_tail']}", file=sys.stderr)
    return out


def _say(*a):
    print(*a, flush=True)


def _params(path: str | None):
    sys.path.insert(0, str(ROOT / "src"))
    from analysis import config

    return config.load_params(path)


# ----------------------------------------------------------------- groups
def bench_segment(b: dict, work: str) -> dict:
    runs = {}
    for engine in ("jieba_lcut", "segmenter_jieba", "segmenter_rjieba", "rjieba_cut"):
        _say(f"  segment: {engine} …")
        runs[engine] = _task("segment", engine=engine, mb=b["segment_mb"], seed=b["seed"],
                             repeats=b["segment_repeats"], work_dir=work)
    r = {k: v["result"] or {} for k, v in runs.items()}
    sj, sr = r["segmenter_jieba"], r["segmenter_rjieba"]
    return {
        "runs": runs,
        "ratios": {
            "segmenter_rjieba_vs_segmenter_jieba": sr.get("mb_per_s", 0) / sj.get("mb_per_s", 1),
            "segmenter_rjieba_vs_jieba_lcut": sr.get("mb_per_s", 0) / r["jieba_lcut"].get("mb_per_s", 1),
            "segmenter_jieba_vs_jieba_lcut": sj.get("mb_per_s", 0) / r["jieba_lcut"].get("mb_per_s", 1),
            "segmenter_rjieba_vs_rjieba_cut": sr.get("mb_per_s", 0) / r["rjieba_cut"].get("mb_per_s", 1),
        },
        "identical_tokens": sj.get("digest") == sr.get("digest") and sj.get("digest") is not None,
        "rotated": bench_segment_rotated(b, work),
    }


def bench_segment_rotated(b: dict, work: str) -> dict:
    """Default ``[segment]`` tokens vs plain ``jieba.lcut`` on rotated paragraphs (issue 15)."""
    runs = {}
    for engine in ("plain_jieba_lcut", "segmenter_default", "segmenter_jieba"):
        _say(f"  segment (rotated {b['rotated_mb']:g} MB): {engine} …")
        runs[engine] = _task("segment", engine=engine, mb=b["rotated_mb"], seed=b["seed"],
                             repeats=b["segment_repeats"], work_dir=work, material="rotated")
    r = {k: v["result"] or {} for k, v in runs.items()}
    d, j = r["segmenter_default"], r["segmenter_jieba"]
    return {
        "runs": runs,
        "ratios": {
            "segmenter_default_vs_plain_jieba_lcut":
                d.get("mb_per_s", 0) / r["plain_jieba_lcut"].get("mb_per_s", 1),
            "segmenter_default_vs_segmenter_jieba": d.get("mb_per_s", 0) / j.get("mb_per_s", 1),
        },
        "identical_tokens": d.get("digest") == j.get("digest") and d.get("digest") is not None,
        "default_backend": d.get("backend"),
    }


def _one_vs_many(task: str, label: str, b: dict, same_key: str, **kwargs) -> dict:
    """1 worker vs n_jobs workers, alternated ``parallel_repeats`` times; best wall time each."""
    runs: dict = {"1": [], str(b["n_jobs"]): []}
    for rep in range(b["parallel_repeats"]):
        for n in (1, b["n_jobs"]):
            _say(f"  {label}: {n} worker(s), run {rep + 1} …")
            runs[str(n)].append(_task(task, n_jobs=n, **kwargs))
    best = {n: min(rs, key=lambda r: (r["result"] or {}).get("seconds", float("inf")))
            for n, rs in runs.items()}
    one, many = best["1"]["result"] or {}, best[str(b["n_jobs"])]["result"] or {}
    digests = {(r["result"] or {}).get("digest") for rs in runs.values() for r in rs}
    return {"runs": best, "all_runs": runs,
            "ratios": {f"speedup_{b['n_jobs']}_workers": one.get("seconds", 0) / many.get("seconds", 1)},
            # CPU seconds per wall second of the best runs: how many cores it got
            "cores_used": {n: r["cpu_seconds"] / r["seconds"] for n, r in best.items()},
            same_key: len(digests) == 1 and None not in digests}


def bench_parallel(b: dict, work: str) -> dict:
    return _one_vs_many("tokenize_parallel", "parallel segmentation", b, "identical_tokens",
                        mb=b["parallel_mb"], seed=b["seed"], work_dir=work,
                        scheduler=b["scheduler"] or None, block_mb=b["block_mb"])


def bench_select_k(b: dict, params_file: str | None) -> dict:
    return _one_vs_many("select_k", "select_k", b, "identical_tables",
                        ks=b["select_k_ks"], seeds=b["select_k_seeds"], params_file=params_file)


def bench_reproduce(params_file: str | None, repeats: int = 3) -> dict:
    """``repeats`` cold runs (each into an empty output root: no stage, token or model
    cache) and ``repeats`` warm reruns of the last; medians, each run's seconds per
    stage, and whether the outputs equal the committed ones (``results/manifest.json``)."""
    code = ("import json, sys; from analysis import reproduce; "
            "s = reproduce.run(sys.argv[1], sys.argv[2], quiet=True, strict_labels=True); "
            "print(json.dumps(s))")
    runs: dict[str, list] = {"cold": [], "warm": []}
    outs = [tempfile.mkdtemp(prefix="pingan-bench-reproduce-") for _ in range(repeats)]
    params = params_file or str(ROOT / "params.toml")
    try:
        for label, out in [("cold", o) for o in outs] + [("warm", outs[-1])] * repeats:
            _say(f"  reproduce: {label} {len(runs[label]) + 1}/{repeats} …")
            # Sampled once a second: reading PSS of every process ten times a second
            # took CPU from the run on 2 cores (cold runs 10–15 s slower).
            r = measure.run([PY, "-c", code, params, out], cwd=str(ROOT), interval=1.0)
            if r["returncode"] != 0:
                print(f"  reproduce ({label}) failed:\n{r['stderr_tail']}", file=sys.stderr)
            runs[label].append(r)
        committed = json.loads((ROOT / "results" / "manifest.json").read_text())["outputs"]
        same = [json.loads((Path(o) / "results" / "manifest.json").read_text())["outputs"]
                == committed for o in outs]
    finally:
        for out in outs:
            shutil.rmtree(out, ignore_errors=True)
    med = {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}
    stages = {name: [(r["result"] or {}).get(name, {}).get("seconds") for r in runs["cold"]]
              for name in (runs["cold"][0]["result"] or {})}
    return {"runs": runs, "median_seconds": med,
            "cold_stage_seconds": stages,
            "cold_stage_seconds_median": {k: statistics.median(v) for k, v in stages.items()
                                          if None not in v},
            "ratios": {"cold_vs_warm": med["cold"] / med["warm"]},
            "targets": {"cold_s": 60.0, "warm_s": 3.0},
            "outputs_equal_committed": same,
            "ok": all(r["returncode"] == 0 for v in runs.values() for r in v) and all(same)}


def bench_lda(params_file: str | None) -> dict:
    """LDA anchor (bench/lda_anchor.py): every engine on every corpus, one process each."""
    import lda_anchor

    out = {}
    for corpus in lda_anchor.CORPORA:
        runs = {}
        for engine in lda_anchor.ENGINES:
            _say(f"  lda anchor: {corpus} corpus, {engine} …")
            runs[engine] = _task("lda_anchor", engine=engine, corpus=corpus,
                                 params_file=params_file)
        results = {e: r["result"] for e, r in runs.items()}
        measured = {e: {k: r[k] for k in ("seconds", "peak_tree_rss_mb", "max_rss_mb",
                                          "cpu_seconds", "returncode")}
                    for e, r in runs.items()}
        ok = all(r["returncode"] == 0 and r["result"] is not None for r in runs.values())
        out[corpus] = ({**lda_anchor.summarize(results), "processes": measured, "ok": True}
                       if ok else {"runs": results, "processes": measured, "ok": False})
    return out


def bench_scale(b: dict, sizes: list[float]) -> dict:
    work = ROOT / b["scale_dir"]
    work.mkdir(parents=True, exist_ok=True)
    runs = {}
    for mb in sizes:
        _say(f"  scale: {mb:g} MB (segment on {b['n_jobs']} workers → dictionary → LDA K="
             f"{b['num_topics']} → co-occurrence) …")
        runs[f"{mb:g}"] = _task("scale", mb=mb, b=b, work_dir=str(work))
    out = {"runs": runs, "ratios": {}}
    keys = list(runs)
    base = runs[keys[0]]
    for k in keys[1:]:
        size_ratio = float(k) / float(keys[0])
        time_ratio = (runs[k]["result"] or {}).get("seconds", float("nan")) / (
            (base["result"] or {}).get("seconds", float("nan")))
        out["ratios"][f"time_{k}MB_vs_{keys[0]}MB"] = time_ratio
        out["ratios"][f"time_per_MB_{k}MB_vs_{keys[0]}MB"] = time_ratio / size_ratio
    # marginal seconds per MB between consecutive sizes (equal values = linear
    # growth once the fixed costs, such as loading dictionaries, are paid)
    secs = {k: (r["result"] or {}).get("seconds", float("nan")) for k, r in runs.items()}
    for a, c in zip(keys, keys[1:]):
        out["ratios"][f"marginal_s_per_MB_{a}_to_{c}MB"] = (secs[c] - secs[a]) / (float(c) - float(a))
    out["ratios"][f"s_per_MB_at_{keys[0]}MB"] = secs[keys[0]] / float(keys[0])
    out["max_rss_gb_target"] = b["max_rss_gb"]
    out["under_rss_target"] = all(_memory(r) / 1024 < b["max_rss_gb"] for r in runs.values())
    return out


def bench_realtext(b: dict, progress=None) -> dict:
    """Every stage of reproduce on the rotated real-text table corpus (bench/realtext.py),
    each in its own measured process, into one output root; ``progress(summary)`` is
    called after each stage."""
    import realtext
    from analysis.stages import STAGES

    work = ROOT / b["scale_dir"] / "realtext"
    corpus, out = work / "corpus.csv", work / "out"
    shutil.rmtree(out, ignore_errors=True)
    size = realtext.build_corpus(corpus, chars=b["realtext_chars"], docs=b["realtext_docs"])
    _say(f"  realtext: {size['docs']} documents, {size['chars']} characters, "
         f"{size['paragraphs']} paragraphs (rotated seed paragraphs)")
    stages = {}
    for st in STAGES:
        _say(f"  realtext: {st.name} …")
        run = _task("realtext_stage", stage=st.name, corpus=str(corpus), out=str(out),
                    reduced=b["realtext_reduced"])
        stages[st.name] = {"stage_s": (run["result"] or {}).get("seconds"),
                           "process_s": run["seconds"], "cpu_s": run.get("cpu_seconds"),
                           "peak_tree_rss_mb": run["peak_tree_rss_mb"],
                           "peak_tree_pss_mb": run.get("peak_tree_pss_mb"),
                           "max_rss_mb": run["max_rss_mb"], "ok": run["returncode"] == 0}
        v = stages[st.name]
        _say(f"    {st.name}: {v['stage_s']} s in stage, {v['process_s']:.1f} s process, "
             f"{v['cpu_s']:.1f} CPU-s, peak RSS {v['peak_tree_rss_mb']:.0f} MB (tree), "
             f"ok={v['ok']}")
        if progress is not None:  # a long run keeps what it measured if stopped
            progress(_realtext_summary(size, b, stages, len(STAGES)))
        if run["returncode"] != 0:
            break
    return _realtext_summary(size, b, stages, len(STAGES))


def _realtext_summary(size: dict, b: dict, stages: dict, n_stages: int) -> dict:
    peak = max(max(v["peak_tree_rss_mb"], v["max_rss_mb"]) for v in stages.values())
    memory = max(max(v["peak_tree_pss_mb"] or v["peak_tree_rss_mb"], v["max_rss_mb"])
                 for v in stages.values())
    return {"corpus": size, "reduced_profile": b["realtext_reduced"], "stages": stages,
            "total_process_s": sum(v["process_s"] for v in stages.values()),
            "peak_rss_mb": peak, "peak_memory_mb": memory,
            "max_rss_gb_target": b["max_rss_gb"],
            "under_rss_target": memory / 1024 < b["max_rss_gb"],
            "ok": len(stages) == n_stages and all(v["ok"] for v in stages.values())}


def _row(what, value, baseline, ratio, rss):
    return f"{what:<50} {value:>14} {baseline:>14} {ratio:>9} {rss:>10}"


def _peak(run: dict) -> float:
    """Upper bound of a run's memory: the RSS sum of its process tree (a page that
    forked workers share counts once per process) or its largest process."""
    return max(run["peak_tree_rss_mb"], run["max_rss_mb"])


def _memory(run: dict) -> float:
    """Physical memory of a run, the figure the 2 GB target is about: the PSS sum of
    its process tree (each shared page counted once), or its largest process."""
    return max(run.get("peak_tree_pss_mb") or run["peak_tree_rss_mb"], run["max_rss_mb"])


def print_table(res: dict) -> None:
    _say("")
    _say(_row("measure", "value", "baseline", "ratio", "peak MB"))
    _say("-" * 101)
    if "segment" in res:
        s = res["segment"]
        r = {k: v["result"] or {} for k, v in s["runs"].items()}
        rss = {k: _peak(v) for k, v in s["runs"].items()}
        for eng, base, key in [("segmenter_rjieba", "segmenter_jieba", "segmenter_rjieba_vs_segmenter_jieba"),
                               ("segmenter_rjieba", "jieba_lcut", "segmenter_rjieba_vs_jieba_lcut"),
                               ("segmenter_jieba", "jieba_lcut", "segmenter_jieba_vs_jieba_lcut"),
                               ("segmenter_rjieba", "rjieba_cut", "segmenter_rjieba_vs_rjieba_cut")]:
            _say(_row(f"MB/s {eng} / {base}", f"{r[eng].get('mb_per_s', 0):.2f}",
                      f"{r[base].get('mb_per_s', 0):.2f}", f"{s['ratios'][key]:.1f}×",
                      f"{rss[eng]:.0f}"))
        _say(f"  (tokens identical rjieba vs jieba: {s['identical_tokens']}; "
             f"rjieba texts handed to jieba: {r['segmenter_rjieba'].get('n_fallback_texts')})")
        rot = s.get("rotated")
        if rot:
            rr = {k: v["result"] or {} for k, v in rot["runs"].items()}
            rrss = {k: _peak(v) for k, v in rot["runs"].items()}
            for eng, base, key in [
                    ("segmenter_default", "plain_jieba_lcut", "segmenter_default_vs_plain_jieba_lcut"),
                    ("segmenter_default", "segmenter_jieba", "segmenter_default_vs_segmenter_jieba")]:
                _say(_row(f"rotated MB/s {eng} / {base}", f"{rr[eng].get('mb_per_s', 0):.2f}",
                          f"{rr[base].get('mb_per_s', 0):.2f}", f"{rot['ratios'][key]:.1f}×",
                          f"{rrss[eng]:.0f}"))
            _say(f"  (rotated: default backend {rot['default_backend']}; tokens identical to "
                 f"the pure-jieba path: {rot['identical_tokens']})")
    for key, label in [("parallel", "parallel segmentation"), ("select_k", "select_k")]:
        if key in res:
            p = res[key]
            ns = list(p["runs"])
            one, many = p["runs"][ns[0]], p["runs"][ns[-1]]
            ratio = next(iter(p["ratios"].values()))
            same = p.get("identical_tokens", p.get("identical_tables"))
            _say(_row(f"{label}: s on 1 / {ns[-1]} workers",
                      f"{(many['result'] or {}).get('seconds', float('nan')):.1f}",
                      f"{(one['result'] or {}).get('seconds', float('nan')):.1f}", f"{ratio:.2f}×",
                      f"{_peak(many):.0f}/{_peak(one):.0f}"))
            cores = " / ".join(f"{v:.2f}" for v in p["cores_used"].values())
            _say(f"  (same output for 1 and {ns[-1]} workers: {same}; "
                 f"CPU-s per wall-s, 1 / {ns[-1]} workers: {cores})")
    if "reproduce" in res:
        p = res["reproduce"]
        c, w = p["runs"]["cold"][-1], p["runs"]["warm"][-1]
        m = p["median_seconds"]
        _say(_row("reproduce: median s cold / warm", f"{m['cold']:.1f}", f"{m['warm']:.1f}",
                  f"{p['ratios']['cold_vs_warm']:.1f}×",
                  f"{_peak(c):.0f}/{_peak(w):.0f}"))
        _say("  cold, median s per stage: " + ", ".join(
            f"{k} {v:.1f}" for k, v in p["cold_stage_seconds_median"].items()))
        _say(f"  (every run succeeded and equals the committed outputs: {p['ok']})")
    if "lda" in res:
        import lda_anchor

        _say("\nLDA anchor (fit seconds, setup excluded; token-sweeps/s = kept tokens × "
             "passes or Gibbs iterations / s; NPMI on the seed corpus)")
        for line in lda_anchor.table_lines({c: v for c, v in res["lda"].items() if v["ok"]}):
            _say(line)
    if "scale" in res:
        p = res["scale"]
        keys = list(p["runs"])
        for k in keys:
            r = p["runs"][k]
            st = (r["result"] or {}).get("stages", {})
            stages = " ".join(f"{n}={v:.1f}" for n, v in st.items() if n != "synthetic")
            _say(_row(f"scale {k} MB: s total", f"{(r['result'] or {}).get('seconds', float('nan')):.1f}",
                      "", "", f"{_peak(r):.0f}"))
            _say(f"  stages (s): {stages}")
        for name, v in p["ratios"].items():
            _say(_row(f"scale {name}", "", "", f"{v:.2f}", ""))
        _say(f"  (peak memory (PSS) of every run under {p['max_rss_gb_target']} GB: "
             f"{p['under_rss_target']})")
    if "realtext" in res:
        p = res["realtext"]
        _say(f"realtext: {p['corpus']['docs']} documents, {p['corpus']['chars']} characters "
             f"(reduced profile: {p['reduced_profile']})")
        for name, v in p["stages"].items():
            _say(_row(f"realtext {name}: s in stage / process", f"{v['stage_s'] or float('nan'):.1f}",
                      f"{v['process_s']:.1f}", "", f"{max(v['peak_tree_rss_mb'], v['max_rss_mb']):.0f}"))
        _say(f"  (all stages ran: {p['ok']}; peak memory (PSS of the tree) "
             f"{p['peak_memory_mb']:.0f} MB, under {p['max_rss_gb_target']} GB: "
             f"{p['under_rss_target']}; RSS sum {p['peak_rss_mb']:.0f} MB; "
             f"total {p['total_process_s']:.0f} s)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--params", default=None, help="parameters file (default params.toml)")
    ap.add_argument("--only", default=None, help=f"comma list of {','.join(GROUPS)}")
    ap.add_argument("--scale", default=None, help="scale mode: sizes in MB, e.g. 10,100")
    ap.add_argument("--realtext", action="store_true",
                    help="every reproduce stage on ~3M characters of rotated seed text")
    ap.add_argument("--out", default=str(ROOT / "results" / "bench.json"))
    ap.add_argument("--task", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--kwargs", default="{}", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.task:      # inside a measured subprocess
        sys.path.insert(0, str(ROOT / "src"))
        import tasks

        print(json.dumps(tasks.TASKS[args.task](**json.loads(args.kwargs))), flush=True)
        return 0

    b = _params(args.params).section("bench")   # plain data: passed to tasks as JSON
    work = ROOT / b["scale_dir"]
    work.mkdir(parents=True, exist_ok=True)
    res: dict = {}
    t0 = time.perf_counter()
    out = Path(args.out)
    if args.realtext:
        res["realtext"] = bench_realtext(b, progress=lambda r: _write(out, {"realtext": r}, b))
    elif args.scale:
        sizes = [float(x) for x in args.scale.split(",") if x.strip()]
        res["scale"] = bench_scale(b, sizes)
    else:
        groups = args.only.split(",") if args.only else list(GROUPS)
        if "segment" in groups:
            res["segment"] = bench_segment(b, str(work))
        if "parallel" in groups:
            res["parallel"] = bench_parallel(b, str(work))
        if "select_k" in groups:
            res["select_k"] = bench_select_k(b, args.params)
        if "reproduce" in groups and b["reproduce"]:
            res["reproduce"] = bench_reproduce(args.params)
        if "lda" in groups:
            res["lda"] = bench_lda(args.params)
    _write(out, res, b)  # before printing: a long run is never lost to the report
    print_table(res)
    _say(f"\nwrote {out} in {time.perf_counter() - t0:.0f} s")
    return 0


def _write(out: Path, res: dict, b: dict) -> None:
    """Merge ``res`` into ``results/bench.json`` (other groups' results are kept)."""
    previous = json.loads(out.read_text()) if out.exists() else {}
    previous.setdefault("results", {}).update(res)
    previous["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count(),
                           "system": platform.system(), "machine": platform.machine()}
    previous["bench_params"] = b
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(previous, indent=1, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    sys.exit(main())
