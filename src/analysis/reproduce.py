"""One command from ``data/raw`` and ``params.toml`` to every table and figure.

Each stage's key is the sha256 of what it reads (:mod:`analysis.stages` derives
code, params sections and files from the code) and of the keys of the stages it
comes after. A stage whose key and outputs are unchanged since the last run is
reused, not rebuilt (content hashes, never timestamps). ``results/manifest.json``
records the hash of every output, the params, the seeds, the inputs and the
precision policy; the machine that ran them is described in the uncommitted
``results/environment.json``. Views a corpus cannot support are skipped with their
reason (:mod:`analysis.skips`) and listed in ``results/skipped.csv``; ``--strict``
turns them into errors.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

from . import curation, environment, skips
from .config import ROOT, Params, load_params, resolve
from .context import RunContext
from .io import sha256_file
from .parallel import run_graph
from .stages import STAGES, Stage

__all__ = ["ENVIRONMENT_FILE", "SKIPPED_FILE", "build_manifest", "main", "run", "sha256_file"]

#: Machine description of the last run (under the output's ``results/``; not committed).
ENVIRONMENT_FILE = "environment.json"
#: Views skipped by the stages, with their reasons (written by every run).
SKIPPED_FILE = "skipped.csv"

#: How numbers are written (docs/numbers.md); recorded in the manifest.
PRECISION = {
    "csv_float_format": "%.6g",
    "csv": "6 significant digits for every float; p and q values likewise",
    "variables_tex": "digits fixed per variable in analysis.variables",
    "verify_tolerance": {"rel": 1e-4, "abs": 1e-9},
}


def _display(path: Path, root: Path) -> str:
    """A path relative to ``root`` when inside it, else absolute as given."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _hash_paths(paths, root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(_display(p, root).encode())
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file()):
                h.update(str(f.relative_to(p)).encode())
                h.update(sha256_file(f).encode())
        elif p.exists():
            h.update(sha256_file(p).encode())
        else:
            h.update(b"<missing>")
    return h.hexdigest()


def _step_key(stage: Stage, ctx: RunContext, keys: dict[str, str]) -> str:
    h = hashlib.sha256(stage.name.encode())
    for f in stage.code_files():
        h.update(_display(f, ROOT).encode())
        h.update(sha256_file(f).encode())
    sections = {s: ctx.params.section(s) for s in stage.sections()}
    h.update(json.dumps(sections, sort_keys=True, ensure_ascii=False).encode())
    h.update(_hash_paths(stage.input_files(ctx.params, ctx.root), ctx.root).encode())
    for dep in stage.after:
        h.update(keys.get(dep, "").encode())
    return h.hexdigest()


def _unchanged(previous: dict, key: str, out: Path) -> bool:
    return previous.get("key") == key and all(
        (out / rel).exists() and sha256_file(out / rel) == digest
        for rel, digest in previous.get("outputs", {}).items())


def run(params_file: str | Path | None = None, out: str | Path | None = None, *,
        force: bool = False, only: list[str] | None = None, quiet: bool = False,
        params: Params | None = None, strict_labels: bool = False,
        strict: bool = False) -> dict:
    """Run the pipeline; return a summary ``{stage: {status, seconds, outputs}}``.

    Parameters
    ----------
    params_file : path, optional
        Parameters file (default ``params.toml`` at the project root).
    out : path, optional
        Output root for ``results/``, ``figures/``, ``data/processed/`` and the
        caches (default: the project root). Inputs are read from the project.
    force : bool
        Rebuild every stage even when its inputs are unchanged.
    only : list of str, optional
        Run just these stages (their upstream outputs must exist in ``out``).
    params : Params, optional
        Checked parameters to use instead of reading ``params_file``.
    strict_labels : bool
        Refuse topic labels that do not fit the fitted model (the published run:
        ``make reproduce``). By default a run on a new corpus or with other settings
        goes on with provisional labels and writes ``data/topic_labels.draft.toml``
        under the output root.
    strict : bool
        Fail (:class:`~analysis.skips.SkippedViewError`, naming every view) when a
        stage skipped a view; ``results/skipped.csv`` is written first, the manifest
        is not.
    """
    params_file = Path(params_file or ROOT / "params.toml").resolve()
    out = Path(out or ROOT).resolve()
    ctx = RunContext(params if params is not None else load_params(params_file), out,
                     strict_labels=strict_labels)
    names = [s.name for s in STAGES]
    for name in only or []:
        if name not in names:
            raise SystemExit(f"unknown step {name!r}; steps are: {', '.join(names)}")
    state_file = ctx.paths.cache / "reproduce_state.json"
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    keys: dict[str, str] = {}
    summary: dict[str, dict] = {}
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    total = time.perf_counter()
    todo = []
    for stage in STAGES:
        key = keys[stage.name] = _step_key(stage, ctx, keys)
        if only and stage.name not in only:
            continue
        previous = state.get(stage.name, {})
        if not force and _unchanged(previous, key, out):
            summary[stage.name] = {"status": "reused", "seconds": 0.0,
                                   "outputs": len(previous["outputs"])}
            say(f"[{stage.name}] reused ({len(previous['outputs'])} outputs unchanged)")
            _say_skips(say, stage.name, previous.get("skipped", []))
            continue
        todo.append(stage)
    if todo:
        _check_curation(ctx)

    def done(name: str, result: tuple[list[Path], float, list]) -> None:
        written, seconds, skipped = result
        outputs = {_display(p, out): sha256_file(p) for p in sorted(set(map(Path, written)))}
        skipped = sorted({(s.output, s.reason) for s in skipped})
        state[name] = {"key": keys[name], "outputs": outputs, "skipped": skipped}
        state_file.parent.mkdir(parents=True, exist_ok=True)
        state_file.write_text(json.dumps(state, indent=1, sort_keys=True))
        summary[name] = {"status": "built", "seconds": round(seconds, 2),
                         "outputs": len(outputs)}
        say(f"[{name}] built {len(outputs)} outputs in {seconds:.1f} s")
        _say_skips(say, name, skipped)

    _build(todo, ctx, ctx.params.reproduce.n_jobs, done,
           lambda name: say(f"[{name}] building: {STAGE_BY_NAME[name].description} …"))
    summary = {s.name: summary[s.name] for s in STAGES if s.name in summary}
    _write_skipped(ctx, state, strict=strict)
    _write_environment(ctx)
    manifest_path = _write_manifest(ctx, state, params_file)
    say("")
    say(f"{'step':<10} {'status':<7} {'seconds':>8} {'outputs':>8}")
    for name, row in summary.items():
        say(f"{name:<10} {row['status']:<7} {row['seconds']:>8.1f} {row['outputs']:>8}")
    say(f"total {time.perf_counter() - total:.1f} s; manifest: {manifest_path}")
    return summary


STAGE_BY_NAME = {s.name: s for s in STAGES}


def _build(todo: list[Stage], ctx: RunContext, n_jobs: int, on_done, on_start) -> None:
    """Build ``todo``, each stage once the stages it comes after are done, up to
    ``n_jobs`` side by side in forked processes; ``on_done(name, (paths, seconds))``.

    Each stage writes its own files, so the outputs do not depend on ``n_jobs``. The
    corpus and segmenter (its tokenizers built) are loaded first, so forked stages
    share them.
    """
    def timed(stage: Stage):
        def run() -> tuple[list[Path], float, list]:
            t0 = time.perf_counter()
            with skips.recording() as skipped:
                written = [Path(p) for p in stage.write(ctx)]
            return written, time.perf_counter() - t0, skipped
        return run

    if n_jobs > 1 and len(todo) > 1:
        # Loaded once, before the fork: every text stage would otherwise read the
        # lexicon and build its own tokenizers (about 2 s each).
        ctx.corpus  # noqa: B018
        if any(s.uses("segmenter") for s in todo):
            ctx.segmenter.setup()
    run_graph({s.name: (s.after, timed(s)) for s in todo}, n_jobs,
              on_start=on_start, on_done=on_done)


def _check_curation(ctx: RunContext) -> None:
    """Warn when the lexicon additions were made for another corpus (overrides and labels
    are checked by the stages that read them)."""
    seg = ctx.params.segment
    for layer in seg.lexicon_layers:
        path = ctx.input(seg.lexicon_dir) / f"{layer}.txt"
        if path.is_file():
            curation.warn_if_other_corpus(path, ctx.corpus.sha256, f"{layer} lexicon entries")


def _say_skips(say, stage: str, skipped) -> None:
    for output, reason in skipped:
        say(f"[{stage}] skipped {output}: {reason}")


def _write_skipped(ctx: RunContext, state: dict, *, strict: bool) -> Path:
    """``results/skipped.csv`` from every stage's recorded skips (header only if none).

    Raises
    ------
    SkippedViewError
        With ``strict``, when a view was skipped (after writing the file).
    """
    rows = [skips.Skip(s.name, output, reason) for s in STAGES
            for output, reason in state.get(s.name, {}).get("skipped", [])]
    table = skips.skipped_table(rows, [s.name for s in STAGES])
    path = ctx.write_csv(table, SKIPPED_FILE)
    if strict and len(table):
        views = "; ".join(f"{r.stage}: {r.output} ({r.reason})" for r in table.itertuples())
        raise skips.SkippedViewError(
            f"--strict: {len(table)} view(s) skipped (listed in {path}): {views}")
    return path


def _write_environment(ctx: RunContext) -> Path:
    """``results/environment.json``: the machine of this run (versions, BLAS, CPU flags).

    Kept out of the manifest, which must have the same bytes on every machine; the file
    is not committed (``.gitignore``).
    """
    path = ctx.paths.results / ENVIRONMENT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(environment.describe(), indent=2, sort_keys=True) + "\n",
                    encoding="utf-8")
    return path


def _write_manifest(ctx: RunContext, state: dict, params_file: Path) -> Path:
    manifest = build_manifest(ctx, state, params_file)
    path = ctx.paths.results / "manifest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def _seeds(node: dict, prefix: str = "") -> dict:
    found = {}
    for key, value in node.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            found.update(_seeds(value, name + "."))
        elif "seed" in key or key == "random_state":
            found[name] = value
    return found


def _inputs(ctx: RunContext) -> dict[str, dict]:
    """Every input file a stage reads: path (as given when outside the project) and sha256."""
    files = sorted({f for s in STAGES for f in s.input_files(ctx.params, ctx.root)})
    out = {}
    for f in files:
        digest = sha256_file(f) if f.is_file() else _hash_paths([f], ctx.root)
        out[_display(f, ctx.root)] = {"sha256": digest, "kind": "file" if f.is_file() else "folder"}
    return out


def build_manifest(ctx: RunContext, state: dict, params_file: Path | None = None) -> dict:
    """Hashes of every output (``results/skipped.csv`` included), params, seeds, inputs and
    the precision policy. Nothing in it describes the machine (``environment.json``)."""
    outputs = {}
    for stage in STAGES:
        outputs.update(state.get(stage.name, {}).get("outputs", {}))
    skipped = ctx.paths.results / SKIPPED_FILE
    if skipped.is_file():
        outputs[_display(skipped, ctx.out)] = sha256_file(skipped)
    params = ctx.params.to_dict()
    raw = resolve(ctx.params.corpus.raw, ctx.root)
    return {
        "outputs": dict(sorted(outputs.items())),
        "params": params,
        "params_file": params_file.name if params_file else None,
        "seeds": _seeds(params),
        "raw": {"path": ctx.params.corpus.raw,
                "sha256": sha256_file(raw) if raw.is_file() else _hash_paths([raw], ctx.root)},
        "inputs": _inputs(ctx),
        "precision": PRECISION,
    }


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m analysis reproduce",
                                     description="Build every table and figure.")
    parser.add_argument("--force", action="store_true", help="rebuild every step")
    parser.add_argument("--only", action="append", metavar="STEP",
                        help=f"run one step ({', '.join(s.name for s in STAGES)}); repeatable")
    parser.add_argument("--params", default=None, help="parameters file (default params.toml)")
    parser.add_argument("--out", default=None, help="output root (default: the project root)")
    parser.add_argument("--reduced", action="store_true",
                        help="the [reproduce.reduced] profile (fewer models; for tests)")
    parser.add_argument("--strict-labels", action="store_true",
                        help="refuse topic labels that do not fit (the published run)")
    parser.add_argument("--strict", action="store_true",
                        help="fail when a view is skipped (results/skipped.csv lists them)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    params = load_params(args.params)
    try:
        run(args.params, args.out, force=args.force, only=args.only, quiet=args.quiet,
            params=params.reduced() if args.reduced else params,
            strict_labels=args.strict_labels, strict=args.strict)
    except skips.SkippedViewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
