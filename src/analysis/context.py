"""The run context: everything a stage needs, built once per run and handed down.

A :class:`RunContext` holds the checked :class:`~analysis.config.Params`, where
inputs are read from (the project root) and where outputs go (an output root),
plus the two things every text stage shares: the segmenter built from
``[segment]`` and the corpus annotated with unit metadata. Stages and notebooks
take a context; nothing below it reads ``params.toml``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import io
from .config import ROOT, Params, Paths, load_params, resolve
from .evidence import Coverage

__all__ = ["RunContext"]


@dataclass
class RunContext:
    """Params, input root, output paths, and the shared segmenter and corpus.

    Parameters
    ----------
    params : Params
        Checked parameters (:func:`analysis.config.load_params`).
    out : Path, optional
        Output root (default: the project root).
    root : Path, optional
        Root that relative input paths in ``params`` resolve against.
    strict_labels : bool
        Refuse topic labels that do not fit the model (the published run); when
        False, stages go on with provisional labels and write a draft.
    """

    params: Params
    out: Path = ROOT
    root: Path = ROOT
    strict_labels: bool = True
    _cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        # Figures drawn from now on use this run's language and glossary ([figures]).
        from .plots.labels import Labels, load_glossary, use_labels

        f = self.params.figures
        use_labels(Labels(f.language, load_glossary(self.input(f.glossary))))

    @classmethod
    def from_file(cls, params_file: str | Path | None = None, out: str | Path | None = None,
                  *, reduced: bool = False) -> "RunContext":
        """Context of a run from a parameters file (the entry point for notebooks)."""
        params = load_params(params_file)
        if reduced:
            params = params.reduced()
        return cls(params, Path(out).resolve() if out else ROOT)

    @property
    def paths(self) -> Paths:
        """Output locations (``results/``, ``figures/``, ``data/processed/``, ``.cache/``)."""
        return Paths(Path(self.out))

    def input(self, path: str | Path) -> Path:
        """A path from ``params`` resolved against the project root."""
        return resolve(path, self.root)

    @cached_property
    def segmenter(self):
        """The one segmenter of this run, from ``[segment]``."""
        from .segment import Segmenter

        return Segmenter.from_params(self.params.segment, root=self.root,
                                     gazetteer=self.input(self.params.units.gazetteer),
                                     cache_dir=self.paths.cache / "segment")

    @cached_property
    def corpus(self):
        """The compilation from ``[corpus].raw``, with unit metadata (``[units]``)."""
        from .corpus import CorpusWarning, load_compilation
        from .units import annotate_corpus

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CorpusWarning)
            corpus = load_compilation(self.input(self.params.corpus.raw), root=self.root,
                                      columns=self.params.corpus)
        return annotate_corpus(corpus, self.params.units, root=self.root)

    @property
    def articles(self) -> pd.DataFrame:
        return self.corpus.articles

    @cached_property
    def coverage(self) -> Coverage:
        """Text-status counts of this corpus: the source of every evidence caption."""
        return Coverage.of(self.corpus.articles)

    # ---------------------------------------------------------------- writing
    def write_csv(self, df: pd.DataFrame, name: str) -> Path:
        """Write ``results/<name>``."""
        return io.write_csv(df, self.paths.results / name)

    def save_figure(self, fig, name: str) -> list[Path]:
        """Save ``figures/<name>.<fmt>`` in the formats and dpi of ``[figures]``.

        ``fig`` is a Figure or a function drawing one. A figure that cannot be drawn
        or does not fit its page (:data:`analysis.skips.CANNOT_DRAW`) is skipped with
        its reason (``results/skipped.csv``) and nothing is written.
        """
        from .skips import draw_or_skip

        draw = fig if callable(fig) else (lambda: fig)
        return draw_or_skip(name, draw, lambda f, stem: io.save_figure(
            f, self.paths.figures / stem, formats=self.params.figures.formats,
            dpi=self.params.figures.dpi))
