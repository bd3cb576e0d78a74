"""Paths and the one typed parameters object.

Every parameter and seed lives in ``params.toml`` at the project root.
:func:`load_params` reads it once, at an entry point (``reproduce``, a notebook's
set-up cell, a test fixture), checks every key against the dataclasses below and
returns a frozen :class:`Params`. Nothing below an entry point reads the file.

The dataclass defaults are the only defaults in the code; they equal the values in
the committed ``params.toml``, which must still name every key: a missing key, an
unknown key or a value of the wrong type raises :class:`ParamsError` naming the file,
the section and the key, so a misspelt key can never silently change a seed.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

__all__ = [
    "PATHS", "ROOT", "Params", "ParamsError", "Paths", "build_section", "load_params",
    "params_from_dict",
    "resolve",
]


def _find_root() -> Path:
    env = os.environ.get("PINGAN_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "params.toml").exists() and (parent / "data").is_dir():
            return parent
    return Path.cwd()


ROOT = _find_root()


@dataclass(frozen=True)
class Paths:
    """Project locations, derived from one root folder."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def raw(self) -> Path:
        return self.data / "raw"

    @property
    def processed(self) -> Path:
        return self.data / "processed"

    @property
    def results(self) -> Path:
        return self.root / "results"

    @property
    def figures(self) -> Path:
        return self.root / "figures"

    @property
    def cache(self) -> Path:
        return self.root / ".cache"

    @property
    def params(self) -> Path:
        return self.root / "params.toml"


PATHS = Paths(ROOT)


def resolve(path: str | os.PathLike, root: Path | None = None) -> Path:
    """Resolve a path from ``params.toml`` relative to the project root."""
    p = Path(path)
    return p if p.is_absolute() else (root or ROOT) / p


class ParamsError(ValueError):
    """A parameters file that does not match :class:`Params`."""


# --------------------------------------------------------------------- sections
# Each field's comment lives in params.toml, next to the value a run uses.

#: Columns of the data contract (corpus.model.ARTICLE_COLUMNS): a metadata column
#: of a table corpus may not take one of these names.
_CONTRACT = ("article_id", "section", "title", "body_title", "date", "byline", "page", "text",
             "text_status", "duplicate_of", "n_paragraphs", "n_chars", "source_line")


@dataclass(frozen=True)
class CorpusParams:
    raw: str = "data/raw/pingan_fengqiao_compilation_2024.txt"
    id: str = "article_id"
    title: str = "title"
    text: str = "text"
    date: str = "date"
    section: str = "section"
    metadata: tuple[str, ...] = ()

    def __post_init__(self):
        for key in ("title", "text"):
            if not getattr(self, key):
                raise ValueError(f"{key}: a table corpus needs a {key} column name")
        named = [v for v in (self.id, self.title, self.text, self.date, self.section) if v]
        if len(set(named)) != len(named):
            raise ValueError(f"id, title, text, date, section: one column named twice ({named})")
        if len(set(self.metadata)) != len(self.metadata):
            raise ValueError(f"metadata: a column listed twice ({list(self.metadata)})")
        clash = sorted((set(self.metadata) & set(named)) | (set(self.metadata) & set(_CONTRACT)))
        if clash:
            raise ValueError(f"metadata: {clash} are mapped or data-contract columns, not metadata")


@dataclass(frozen=True)
class UnitsParams:
    classify: str = "titles"
    overrides: str = "data/metadata/overrides.csv"
    gazetteer: str = "data/gazetteer/divisions.csv"
    max_gap: int = 2
    campaign_words: tuple[str, ...] = ("平安", "法治", "智慧", "和谐", "美丽")

    def __post_init__(self):
        if self.classify not in ("titles", "none"):
            raise ValueError(f"classify: {self.classify!r} is not 'titles' or 'none'")


@dataclass(frozen=True)
class SegmentParams:
    lexicon_dir: str = "data/lexicon"
    lexicon_layers: tuple[str, ...] = ("general", "corpus")
    stopword_dir: str = "data/stopwords"
    stopword_layers: tuple[str, ...] = ("general", "domain", "selfref")
    townships: str = "data/gazetteer/townships.csv"
    heldout_terms: str = "data/lexicon/heldout_terms.tsv"
    pos_keep: str | tuple[str, ...] = "all"
    min_len: int = 2
    drop_numbers: bool = True
    places: str = "drop"
    convert_traditional: bool = True
    hmm: bool = False
    backend: str = "rjieba"
    candidate_min_count: int = 3
    candidate_min_docs: int = 2
    candidate_max_n: int = 3
    candidate_min_g2: float = 10.83
    domain_min_article_share: float = 0.5
    domain_min_evenness: float = 0.75
    domain_filler_pos: tuple[str, ...] = ("v", "vd", "vn", "d", "ad", "a", "c")
    newword_min_count: int = 3
    newword_min_docs: int = 1
    newword_max_len: int = 4
    newword_min_pmi: float = 3.0
    newword_min_entropy: float = 1.0

    def __post_init__(self):
        if self.newword_max_len < 2 or self.newword_min_count < 1 or self.newword_min_docs < 1:
            raise ParamsError("[segment] newword_max_len must be >= 2 and newword_min_count, "
                              "newword_min_docs >= 1")


@dataclass(frozen=True)
class TopicsParams:
    include_headings: bool = False
    num_topics: int | str = 5
    no_below: int = 5
    no_above: float = 0.5
    keep_n: int = 5000
    alpha: str | float = "auto"
    eta: str | float = "symmetric"
    passes: int = 40
    iterations: int = 400
    chunksize: int = 2000
    gamma_threshold: float = 0.001
    random_state: int = 20240501
    restarts: int = 5
    k_range: tuple[int, ...] = (4, 5, 6, 7, 8, 9, 10, 12, 14, 16)
    k_seeds: tuple[int, ...] = (11, 22, 33, 44, 55)
    refit_seeds: tuple[int, ...] = (101, 102, 103, 104, 105, 106, 107, 108, 109, 110)
    min_stability: float = 0.5
    heldout_frac: float = 0.2
    split_seed: int = 7
    npmi_window: int = 10
    include_cv: bool = True
    exclusivity_frex_weight: float = 0.7
    n_jobs: int = 2
    top_n: int = 10
    relevance_lambda: float = 0.6
    frex_weight: float = 0.5
    n_exemplars: int = 3
    exemplar_min_tokens: int = 10
    labels: str = "data/topic_labels.toml"
    label_min_overlap: int = 6
    ldavis_R: int = 30

    def __post_init__(self):
        if isinstance(self.num_topics, str) and self.num_topics != "auto":
            raise ValueError(f"num_topics: {self.num_topics!r} is neither a number nor 'auto'")
        if isinstance(self.num_topics, int) and self.num_topics < 2:
            raise ValueError(f"num_topics: {self.num_topics} < 2")
        if self.num_topics == "auto" and not self.k_range:
            raise ValueError("num_topics = 'auto' needs a non-empty k_range to choose from")
        if self.restarts < 1:
            raise ValueError(f"restarts: {self.restarts} < 1")
        for key, seeds in (("random_state", (self.random_state,)),
                           ("refit_seeds", self.refit_seeds)):
            if any(s < 0 for s in seeds):
                raise ValueError(f"{key}: seeds must be ≥ 0 (restart seeds derive from "
                                 "them with numpy's SeedSequence)")
        if not 0 <= self.min_stability <= 1:
            raise ValueError(f"min_stability: {self.min_stability} is not in [0, 1]")
        if isinstance(self.num_topics, int) and self.num_topics not in self.k_range:
            # The sweep's table marks the reported K and its figure draws it; a K the
            # sweep never fitted would be reported without its diagnostics.
            raise ValueError(f"num_topics: {self.num_topics} is not in [topics] k_range "
                             f"{list(self.k_range)}: the K sweep must include the reported "
                             "K (add it to k_range, or set num_topics = \"auto\")")


@dataclass(frozen=True)
class DifferentialParams:
    measure: str = "jaccard"
    n_keywords: int = 40
    min_windows: int = 5
    min_count: int = 5
    n_perm: int = 9999
    alpha: float = 0.05
    min_articles: int = 3


@dataclass(frozen=True)
class TitleNetworkParams:
    measure: str = "jaccard"
    n_keywords: int = 40
    min_windows: int = 2
    min_count: int = 2
    top_n_edges: int = 60
    n_labels: int = 40
    drop_duplicates: bool = True


@dataclass(frozen=True)
class CooccurParams:
    unit: str = "sentence"
    measure: str = "jaccard"
    keyword_method: str = "frequency"
    n_keywords: int = 60
    min_windows: int = 5
    keywords: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    min_count: int = 3
    min_measure: float = 0.0
    top_n_edges: int = 100
    positive_only: bool = True
    resolution: float = 1.0
    layout: str = "spring"
    layout_iterations: int = 200
    random_state: int = 20240606
    n_labels: int = 40
    gloss: bool = True
    glossary: str = "data/glossary.csv"
    unit_col: str = "unit_type"
    kwic_window: int = 30
    ego_terms: tuple[str, ...] = ("枫桥经验", "综治中心", "网格", "调解", "矛盾纠纷")
    ego_slugs: tuple[str, ...] = ("fengqiao_experience", "governance_center", "grid",
                                  "mediation", "disputes")
    ego_neighbors: int = 15
    ego_min_count: int = 2
    ego_other_edges: int = 15
    n_jobs: int = 2
    differential: DifferentialParams = field(default_factory=DifferentialParams)
    title: TitleNetworkParams = field(default_factory=TitleNetworkParams)


@dataclass(frozen=True)
class CompareParams:
    groups: tuple[str, ...] = ("section", "unit_type", "tier", "province", "text_status")
    figure_groups: tuple[str, ...] = ("section", "unit_type", "tier")
    actors: str = "data/actors.csv"
    n_boot: int = 2000
    min_articles_ci: int = 10
    random_state: int = 20240707
    n_perm: int = 9999
    max_exact: int = 100000
    alpha: float = 0.05
    power: float = 0.8
    power_sims: int = 200
    power_perm: int = 199
    correction: str = "bh"
    keyness_min_count: int = 5
    keyness_top_n: int = 12
    keyness_groups: tuple[str, ...] = ("unit_type", "tier")
    article_check_terms: int = 25
    title_keyness_groups: tuple[str, ...] = ("section",)
    title_keyness_min_count: int = 3
    ca_groups: tuple[str, ...] = ("tier",)
    ca_terms: int = 60
    actor_keywords_top_n: int = 10
    fengqiao_pattern: str = "枫桥"
    n_jobs: int = 2
    title_theme_method: str = "frex"
    title_theme_terms: int = 10
    title_theme_dictionary: str = ""
    title_min_titles: int = 5

    def __post_init__(self):
        if self.title_theme_method not in ("frex", "prob", "relevance"):
            raise ValueError(f"title_theme_method = {self.title_theme_method!r}: use "
                             "\"frex\", \"prob\" or \"relevance\"")
        for key in ("title_theme_terms", "title_min_titles"):
            if getattr(self, key) < 1:
                raise ValueError(f"{key}: {getattr(self, key)} < 1")
        if not 0 < self.alpha < 1:
            raise ValueError(f"alpha must lie in (0, 1), not {self.alpha}")
        if not 0 < self.power < 1:
            raise ValueError(f"power must lie in (0, 1), not {self.power}")
        if self.power_perm + 1 < 1 / self.alpha:
            raise ValueError(f"power_perm = {self.power_perm} random splits cannot give "
                             f"p <= alpha = {self.alpha}: need power_perm >= "
                             f"{math.ceil(1 / self.alpha) - 1}")


@dataclass(frozen=True)
class ContrastParams:
    by: str = "tier"
    groups: tuple[str, ...] = ("county", "city")
    within_col: str = ""
    within_value: str = ""
    cluster_by: str = "place"


@dataclass(frozen=True)
class FiguresParams:
    dpi: int = 300
    formats: tuple[str, ...] = ("png", "pdf")
    language: str = "zh+en"
    glossary: str = "data/glossary.csv"

    def __post_init__(self):
        if self.language not in ("zh+en", "en", "zh"):
            raise ParamsError(f"[figures] language = {self.language!r}: "
                              "use \"zh+en\", \"en\" or \"zh\"")


@dataclass(frozen=True)
class ReproduceParams:
    # Stages that do not depend on each other run in this many processes.
    n_jobs: int = 2
    # "section.key" (or "section.sub.key") -> value; applied by Params.reduced().
    reduced: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if self.n_jobs < 1:
            raise ValueError(f"n_jobs: {self.n_jobs} < 1")


@dataclass(frozen=True)
class BenchParams:
    seed: int = 20240909
    n_jobs: int = 2
    scheduler: str = ""
    segment_mb: float = 2.0
    segment_repeats: int = 3
    rotated_mb: float = 6.0
    parallel_mb: float = 50.0
    parallel_repeats: int = 2
    select_k_ks: tuple[int, ...] = (4, 6, 8, 10)
    select_k_seeds: tuple[int, ...] = (11, 22)
    reproduce: bool = True
    scale_mb: tuple[float, ...] = (10, 100)
    scale_dir: str = ".cache/bench"
    block_mb: float = 4
    compress: bool = True
    no_below: int = 5
    no_above: float = 0.5
    keep_n: int = 100000
    num_topics: int = 20
    passes: int = 1
    chunksize: int = 2000
    iterations: int = 50
    random_state: int = 20240909
    max_rss_gb: float = 2.0
    coverage_ns: tuple[int, ...] = (3, 4, 5, 8, 10, 20)
    coverage_reps: int = 4000
    coverage_boot: int = 999
    coverage_reps_difference: int = 2000
    coverage_reps_interval: int = 100
    coverage_contrast_units: tuple[int, ...] = (10, 8)
    realtext_chars: int = 3_000_000
    realtext_docs: int = 350
    realtext_reduced: bool = True
    # LDA anchor (bench/lda_anchor.py): resampled corpus and its settings
    anchor_docs: int = 200_000
    anchor_passes: int = 2
    anchor_iterations: int = 50
    anchor_tomotopy_iters: int = 300
    anchor_tomotopy_iters_seed: int = 1000
    anchor_ll_tol: float = 0.01
    # Planted-effect simulation (bench/inference_simulation.py)
    sim_reps: int = 200
    sim_sizes: tuple[tuple[int, ...], ...] = ((8, 10), (30, 30))
    sim_deltas: tuple[float, ...] = (0.0, 0.05, 0.1, 0.2)
    sim_seed: int = 20241207
    sim_min_overlap: int = 5

    def __post_init__(self):
        for key in ("anchor_docs", "anchor_passes", "anchor_iterations"):
            if getattr(self, key) < 1:
                raise ValueError(f"{key}: {getattr(self, key)} < 1")
        for key in ("anchor_tomotopy_iters", "anchor_tomotopy_iters_seed"):
            # the plateau rule compares quarters of a 20-point log-likelihood trace
            if getattr(self, key) < 20:
                raise ValueError(f"{key}: {getattr(self, key)} < 20")
        if not self.anchor_ll_tol > 0:
            raise ValueError(f"anchor_ll_tol: {self.anchor_ll_tol} must be > 0")


@dataclass(frozen=True)
class ValidationParams:
    random_state: int = 20240818
    n_per_topic: int = 4
    n_words: int = 5
    n_gold: int = 2
    kinds: tuple[str, ...] = ("word_intrusion", "word_set_intrusion", "topic_intrusion",
                              "label_intrusion", "optimal_label")
    language: str = "zh+en"
    form_version: str = "pingan-validation-v2"
    alpha: float = 0.05
    min_tokens: int = 10
    simulated_coders: tuple[str, ...] = ("perfect", "noisy:0.85", "noisy:0.7", "random")
    simulate_seed: int = 20240819


@dataclass(frozen=True)
class Params:
    """Every parameter of a run, one frozen dataclass per ``params.toml`` section."""

    corpus: CorpusParams = field(default_factory=CorpusParams)
    units: UnitsParams = field(default_factory=UnitsParams)
    segment: SegmentParams = field(default_factory=SegmentParams)
    topics: TopicsParams = field(default_factory=TopicsParams)
    cooccur: CooccurParams = field(default_factory=CooccurParams)
    compare: CompareParams = field(default_factory=CompareParams)
    contrast: ContrastParams = field(default_factory=ContrastParams)
    figures: FiguresParams = field(default_factory=FiguresParams)
    reproduce: ReproduceParams = field(default_factory=ReproduceParams)
    bench: BenchParams = field(default_factory=BenchParams)
    validation: ValidationParams = field(default_factory=ValidationParams)
    source: str = field(default="<defaults>", compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The parameters as plain TOML-like data (lists, not tuples), without ``source``."""
        data = _plain(dataclasses.asdict(self))
        data.pop("source")
        return data

    def section(self, dotted: str) -> dict[str, Any]:
        """One section (``"topics"``, ``"cooccur.differential"``) as plain data."""
        node: Any = self.to_dict()
        for part in dotted.split("."):
            node = node[part]
        return node

    def replace(self, overrides: dict[str, Any]) -> "Params":
        """A copy with ``{"section.key": value}`` overrides applied and type-checked."""
        data = self.to_dict()
        for dotted, value in overrides.items():
            *parents, leaf = dotted.split(".")
            node = data
            for part in parents:
                if not isinstance(node.get(part), dict):
                    raise ParamsError(f"{self.source}: override {dotted!r}: no section {part!r}")
                node = node[part]
            if leaf not in node:
                raise ParamsError(f"{self.source}: override {dotted!r}: no key {leaf!r}")
            node[leaf] = value
        return params_from_dict(data, source=f"{self.source} + overrides")

    def reduced(self) -> "Params":
        """The ``[reproduce.reduced]`` profile: every stage, fewer models and replicates."""
        return self.replace(self.reproduce.reduced)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# ------------------------------------------------------------------- checking

def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


def _coerce(value: Any, tp: Any, where: str) -> Any:
    """``value`` checked against annotation ``tp``; lists become tuples, ints floats."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        for option in typing.get_args(tp):
            try:
                return _coerce(value, option, where)
            except ParamsError:
                continue
        raise ParamsError(f"{where}: expected {_type_name(tp)}, got {value!r}")
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise ParamsError(f"{where}: expected a list, got {value!r}")
        (item,) = typing.get_args(tp)[:1]
        return tuple(_coerce(v, item, f"{where}[{i}]") for i, v in enumerate(value))
    if origin is dict or tp is dict:
        if not isinstance(value, dict):
            raise ParamsError(f"{where}: expected a table, got {value!r}")
        return dict(value)
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp is int and isinstance(value, bool):
        raise ParamsError(f"{where}: expected int, got {value!r}")
    if tp is Any or isinstance(value, tp):
        return value
    raise ParamsError(f"{where}: expected {_type_name(tp)}, got {value!r}")


def _build(cls: type, data: Any, section: str, source: str) -> Any:
    if not isinstance(data, dict):
        raise ParamsError(f"{source}: [{section}] must be a table")
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls) if f.name != "source"]
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise ParamsError(f"{source}: [{section}] unknown key {unknown[0]!r} "
                          f"(known: {', '.join(names)})")
    kwargs = {}
    for name in names:
        where = f"{source}: [{section}] {name}" if section else f"{source}: [{name}]"
        if name not in data:
            raise ParamsError(f"{where}: missing key" if section else f"{where}: missing section")
        tp = hints[name]
        sub = f"{section}.{name}" if section else name
        kwargs[name] = (_build(tp, data[name], sub, source) if dataclasses.is_dataclass(tp)
                        else _coerce(data[name], tp, where))
    try:
        return cls(**kwargs)
    except ValueError as exc:  # a dataclass's own check (__post_init__): name the file
        raise ParamsError(f"{source}: [{section}] {exc}") from None


def build_section(cls: type, data: dict[str, Any], section: str, source: str) -> Any:
    """One section's dataclass from parsed TOML, checked like :func:`load_params` does."""
    return _build(cls, data, section, source)


def params_from_dict(data: dict[str, Any], source: str = "<dict>") -> Params:
    """Check ``data`` (parsed TOML) against :class:`Params` and build it."""
    params = _build(Params, data, "", source)
    return dataclasses.replace(params, source=source)


def load_params(path: str | os.PathLike | None = None) -> Params:
    """Read and check ``params.toml`` (or another parameters file).

    Raises
    ------
    ParamsError
        On an unknown, missing or mistyped key, naming the file, section and key.
    """
    p = Path(path) if path is not None else PATHS.params
    try:
        with open(p, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ParamsError(f"{p}: {exc}") from exc
    return params_from_dict(data, source=str(p))
