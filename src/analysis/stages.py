"""The pipeline's stages and what each one reads, derived from the code.

A stage is a module ``analysis.<name>.stage`` (or ``analysis.variables``) with
``prepare(ctx)`` and ``write(ctx) -> list[Path]``. What a stage's outputs depend
on is not listed by hand:

- **code**: the stage's package and every ``analysis`` module it imports, followed
  import by import (and the :class:`~analysis.context.RunContext` properties it
  uses, with their imports);
- **params sections**: every ``params.<section>`` that code names;
- **files**: every path-valued parameter of those sections that exists.

``reproduce`` folds all three (and the keys of the stages it comes after) into a
stage's cache key, so a change anywhere a stage reads rebuilds it, and a change
elsewhere does not.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .config import Params, resolve

__all__ = ["STAGES", "Stage", "stage_by_name"]

SRC = Path(__file__).resolve().parent
_PARAMS_RE = re.compile(r"\bparams\.([a-z_]+)\b")
_CTX_RE = re.compile(r"\bctx\.([a-z_]+)\b")


def _module_file(name: str) -> Path | None:
    """File of ``analysis.x.y`` (a module or a package's ``__init__``), or None."""
    parts = name.split(".")
    if parts[0] != "analysis":
        return None
    base = SRC.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def _package_of(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    parts = ["analysis", *rel.parts]
    if parts[-1] == "__init__":
        parts = parts[:-1]
        return ".".join(parts)
    return ".".join(parts[:-1])


def _imports(path: Path) -> set[Path]:
    """``analysis`` modules imported anywhere in ``path`` (module level or inside functions)."""
    return set(_imports_of(path, path.read_text(encoding="utf-8")))


@lru_cache(maxsize=None)
def _imports_of(path: Path, text: str) -> frozenset[Path]:
    """:func:`_imports` of a file's text, parsed once per text (every stage walks them)."""
    tree = ast.parse(text, str(path))
    package = _package_of(path)
    found: set[Path] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            names = [mod] + [f"{mod}.{a.name}" for a in node.names]
        for name in names:
            f = _module_file(name)
            if f is not None and f.name != "context.py":
                found.add(f)
    return frozenset(found)


@lru_cache(maxsize=None)
def _closure(start: tuple[Path, ...]) -> tuple[Path, ...]:
    seen: set[Path] = set()
    todo = list(start)
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        todo.extend(_imports(f) - seen)
    return tuple(sorted(seen))


@lru_cache(maxsize=None)
def _context_property_sources() -> dict[str, str]:
    from .context import RunContext

    out = {}
    for name, member in vars(RunContext).items():
        func = getattr(member, "func", None) or getattr(member, "fget", None)
        if func is None and inspect.isfunction(member) and not name.startswith("__"):
            func = member
        if func is not None:
            out[name] = inspect.getsource(func)
    return out


def _context_used(files) -> dict[str, str]:
    """Source of the RunContext members ``files`` use, following ``self.x`` within them."""
    props = _context_property_sources()
    todo = {m for f in files for m in _CTX_RE.findall(f.read_text(encoding="utf-8"))}
    used: dict[str, str] = {}
    while todo:
        name = todo.pop()
        if name in props and name not in used:
            used[name] = props[name]
            todo |= set(re.findall(r"\bself\.([a-z_]+)\b", props[name]))
    return used


@dataclass(frozen=True)
class Stage:
    """One step of the pipeline.

    Parameters
    ----------
    name : str
        Step name (``--only NAME``).
    module : str
        Module holding ``prepare(ctx)`` and ``write(ctx)``.
    after : tuple of str
        Stages whose outputs this one reads.
    description : str
    """

    name: str
    module: str
    after: tuple[str, ...] = ()
    description: str = ""

    def write(self, ctx) -> list[Path]:
        return importlib.import_module(self.module).write(ctx)

    def uses(self, member: str) -> bool:
        """Whether the stage's code uses the RunContext member ``member``."""
        return member in _context_used(self._own_files())

    def _own_files(self) -> tuple[Path, ...]:
        f = _module_file(self.module)
        if f is None:
            raise FileNotFoundError(f"stage {self.name}: no module {self.module}")
        package = f.parent if f.parent != SRC else None
        own = sorted(package.rglob("*.py")) if package is not None else [f]
        return tuple(own)

    def code_files(self) -> tuple[Path, ...]:
        """Source files whose text determines this stage's outputs."""
        own = self._own_files()
        files = set(_closure(own))
        for source in _context_used(own).values():
            for line in source.splitlines():
                m = re.search(r"from \.(\w+) import", line)
                if m and (f := _module_file(f"analysis.{m.group(1)}")) is not None:
                    files |= set(_closure((f,)))
        return tuple(sorted(files | {SRC / "context.py", SRC / "config.py"}))

    def sections(self) -> tuple[str, ...]:
        """``params.toml`` sections the stage's code (and the context it uses) reads."""
        # context.py names every section; what a stage takes from it is counted below,
        # through the RunContext properties the stage uses.
        text = "\n".join(f.read_text(encoding="utf-8") for f in self.code_files()
                         if f.name not in ("context.py", "config.py") or f.parent != SRC)
        names = set(_PARAMS_RE.findall(text))
        for source in _context_used(self._own_files()).values():
            names |= set(_PARAMS_RE.findall(source))
        valid = {f for f in Params.__dataclass_fields__ if f != "source"}
        return tuple(sorted(names & valid))

    def input_files(self, params: Params, root: Path) -> tuple[Path, ...]:
        """Existing files and folders named by path-valued parameters of its sections."""
        found = set()
        for section in self.sections():
            for value in _strings(params.section(section)):
                if "/" in value or value.endswith((".txt", ".csv", ".toml", ".docx")):
                    p = resolve(value, root)
                    if p.exists():
                        found.add(p)
        return tuple(sorted(found))


def _strings(node) -> list[str]:
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [node] if isinstance(node, str) else []


STAGES: tuple[Stage, ...] = (
    Stage("corpus", "analysis.corpus.stage",
          description="articles and paragraphs, coverage table and figure"),
    Stage("units", "analysis.units.stage", after=("corpus",),
          description="issuing-unit metadata table and figures"),
    Stage("segment", "analysis.segment.stage", after=("corpus",),
          description="segmentation audit"),
    Stage("topics", "analysis.topics.stage", after=("units", "segment"),
          description="LDA: K selection, terms, exemplars, pyLDAvis"),
    Stage("cooccur", "analysis.cooccur.stage", after=("units", "segment"),
          description="co-occurrence networks, GEXF, KWIC"),
    Stage("compare", "analysis.compare.stage", after=("topics",),
          description="group comparisons"),
    Stage("variables", "analysis.variables",
          after=("corpus", "units", "segment", "topics", "cooccur", "compare"),
          description="results/variables.tex and .json"),
)


def stage_by_name(name: str) -> Stage:
    for s in STAGES:
        if s.name == name:
            return s
    raise KeyError(f"unknown stage {name!r}; stages are: {', '.join(s.name for s in STAGES)}")
