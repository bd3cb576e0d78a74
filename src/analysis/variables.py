"""Numbers a paper cites, generated from ``results/`` (never retyped).

``write(ctx)`` reads the tables the other stages wrote and writes

- ``results/variables.json``: every variable (name, value, unit, note);
- ``results/variables.tex``: one ``\\newcommand`` per ASCII-valued variable, safe for
  pdflatex (ASCII names and values, ``$-$`` for a minus sign, the unit in a comment);
- ``results/variables_zh.tex``: the variables whose value holds Chinese, for XeLaTeX/ctex;
- ``results/tables/*.tex``: booktabs tables (:mod:`analysis.latex_tables`).

Every variable is declared in one place, by a collector returning :class:`Var`
records: its name says what it is (by topic label id, group, term; never by rank),
so a rerun cannot silently change what a macro names. Macro names are ``\\pa`` +
CamelCase of the name; digits are spelled out (``label_id 3`` → ``LabelThree``).
To add numbers, add a collector to :data:`COLLECTORS`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

__all__ = ["COLLECTORS", "Var", "collect", "macro_name", "number_word", "prepare", "to_tex",
           "write"]

_LATEX_ESCAPES = {"%": r"\%", "&": r"\&", "#": r"\#", "_": r"\_", "$": r"\$",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}"}
_WORDS = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]


@dataclass(frozen=True)
class Var:
    """One citable variable.

    Attributes
    ----------
    name : str
        ``lower_snake`` letters (the macro name is derived from it).
    value : str
        The formatted value (already at its stated precision).
    unit : str
        Unit or what is counted (written as a comment next to the macro).
    note : str
        Where it comes from.
    """

    name: str
    value: str
    unit: str = ""
    note: str = ""


def number_word(n: int) -> str:
    """``12`` → ``OneTwo``: an identifier's digits spelled out, for macro names."""
    return "".join(_WORDS[int(d)] for d in str(int(n)))


def macro_name(name: str) -> str:
    """``corpus_articles_total`` → ``paCorpusArticlesTotal`` (letters only)."""
    if not re.fullmatch(r"[a-z][a-z_]*", name):
        raise ValueError(f"variable name {name!r}: use lower-case letters and underscores")
    return "pa" + "".join(part.capitalize() for part in name.split("_") if part)


def fmt(value, digits: int | None = None) -> str:
    """A number as text: ints as is, floats at ``digits`` decimals; NaN → ``NA``."""
    if isinstance(value, bool):
        raise TypeError("booleans are not citable numbers")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "NA" if math.isnan(value) else f"{value:.{3 if digits is None else digits}f}"
    return str(value)


def _is_ascii(text: str) -> bool:
    return all(ord(ch) < 128 for ch in text)


def tex_value(value: str) -> str:
    """A value as pdflatex-safe text: escapes, and ``$-$`` for a minus sign."""
    out = "".join(_LATEX_ESCAPES.get(ch, ch) for ch in value.replace("−", "-"))
    # A hyphen before a digit is a minus sign (-0.3, [-3.0, 4.1]).
    return re.sub(r"(?<![A-Za-z])-(?=\d|\.\d)", "$-$", out)


def _corpus_vars(results: Path) -> list[Var]:
    cov = pd.read_csv(results / "corpus_coverage.csv").set_index("section")
    total = cov.loc["total"]
    out = [Var("corpus_articles", fmt(int(total["articles"])), "articles", "table of contents"),
           Var("corpus_articles_full", fmt(int(total["full"])), "articles"),
           Var("corpus_articles_truncated", fmt(int(total["truncated"])), "articles"),
           Var("corpus_articles_title_only", fmt(int(total["title_only"])), "articles"),
           Var("corpus_articles_with_text", fmt(int(total["with_text"])), "articles"),
           Var("corpus_body_chars", fmt(int(total["body_chars"])), "characters")]
    names = {"party_committees": "party", "political_legal_organs": "politicallegal",
             "other_units": "other"}
    for section, short in names.items():
        if section in cov.index:
            out += [Var(f"corpus_{short}_articles", fmt(int(cov.loc[section, "articles"])),
                        "articles", f"section {section}"),
                    Var(f"corpus_{short}_with_text", fmt(int(cov.loc[section, "with_text"])),
                        "articles", f"section {section}")]
    return out


def _segment_vars(results: Path) -> list[Var]:
    f = pd.read_csv(results / "segmentation_audit_filters.csv").set_index("step")
    return [Var("segment_kept_tokens", fmt(int(f.loc["keep", "words"])), "tokens",
                "tokens kept by the segmenter's filters (all article text)"),
            Var("segment_vocabulary", fmt(int(f.loc["keep", "types"])), "word types",
                "vocabulary after the segmenter's filters, before the LDA dictionary")]


def _topics_vars(results: Path) -> list[Var]:
    table = pd.read_csv(results / "topics_k_selection.csv")
    chosen = table[table["chosen"].astype(str) == "True"]
    if len(chosen) != 1:
        raise ValueError(f"{results / 'topics_k_selection.csv'}: expected one chosen K")
    row = chosen.iloc[0]
    out = [Var("topics_k", fmt(int(row["k"])), "topics"),
           Var("topics_k_min", fmt(int(table["k"].min())), "topics", "K sweep"),
           Var("topics_k_max", fmt(int(table["k"].max())), "topics", "K sweep"),
           Var("topics_seeds", fmt(int(row["n_seeds"])), "seeds", "seeds per K of the sweep")]
    # The sweep's models (held-out split, k_seeds), not the reported model: named so.
    for measure, digits in [("npmi", 3), ("umass", 2), ("stability", 3), ("exclusivity", 2)]:
        for stat in ("mean", "sd"):
            out.append(Var(f"topics_sweep_{measure}_{stat}",
                           fmt(float(row[f"{measure}_{stat}"]), digits), "",
                           "K sweep models at the chosen K, over seeds"))
    paragraphs = pd.read_csv(results / "paragraph_topics.csv")
    out += [Var("topics_documents", fmt(len(paragraphs)), "paragraphs"),
            Var("topics_model_tokens", fmt(int(paragraphs["n_tokens"].sum())), "tokens",
                "tokens of the LDA documents after the dictionary filter")]
    stab = pd.read_csv(results / "topic_stability.csv")
    labels = pd.read_csv(results / "topic_labels.csv").set_index("topic")
    out.append(Var("topics_refits", fmt(int(stab["n_refits"].iloc[0])), "refits",
                   "refits of the reported model with other seeds"))
    coh = pd.read_csv(results / "topic_coherence.csv")
    window = int(coh["window_tokens"].iloc[0])
    out += [Var("topics_reported_npmi_window_mean", fmt(float(coh["npmi_window"].mean()), 3),
                "NPMI", f"reported model, mean over topics, {window}-token window"),
            Var("topics_reported_npmi_paragraph_mean",
                fmt(float(coh["npmi_paragraph"].mean()), 3), "NPMI",
                "reported model, mean over topics, paragraph window")]
    for r in coh.itertuples():
        lid = number_word(int(labels.loc[r.topic, "label_id"]))
        out += [Var(f"topic_label_{lid.lower()}_npmi_window", fmt(float(r.npmi_window), 3),
                    "NPMI", f"reported model, {window}-token window"),
                Var(f"topic_label_{lid.lower()}_npmi_paragraph", fmt(float(r.npmi_paragraph), 3),
                    "NPMI", "reported model, paragraph window")]
    for r in stab.itertuples():
        lid = number_word(int(labels.loc[r.topic, "label_id"]))
        out += [Var(f"topic_label_{lid.lower()}_stability", fmt(float(r.stability_mean), 3),
                    "centred cosine", f"topic with label id {labels.loc[r.topic, 'label_id']}, "
                    "mean over seed refits"),
                Var(f"topic_label_{lid.lower()}_stability_min", fmt(float(r.stability_min), 3),
                    "centred cosine", "worst seed")]
        if "stable" in stab.columns:
            # Only stable topics are compared (compare: status "not compared: ...").
            out.append(Var(f"topic_label_{lid.lower()}_stable",
                           "yes" if str(r.stable) == "True" else "no", "",
                           "stability status: compared only when stable"))
    if "stable" in stab.columns:
        out.append(Var("topics_stable", fmt(int(stab["stable"].astype(str).eq("True").sum())),
                       "topics", "topics stable over the refits (compared)"))
    return out


def _cooccur_vars(results: Path) -> list[Var]:
    summary = pd.read_csv(results / "cooccurrence_summary.csv").set_index("network")
    out = []
    for network, prefix in [("main", "cooc"), ("title", "cooc_title")]:
        row = summary.loc[network]
        out += [Var(f"{prefix}_windows", fmt(int(row["n_windows"])), "windows"),
                Var(f"{prefix}_nodes", fmt(int(row["n_nodes"])), "nodes"),
                Var(f"{prefix}_edges", fmt(int(row["n_edges"])), "edges"),
                Var(f"{prefix}_communities", fmt(int(row["n_communities"])), "communities"),
                Var(f"{prefix}_modularity", fmt(float(row["modularity"]), 3), "Q")]
    for path in sorted(results.glob("cooccurrence_differential_*_vs_*.csv")):
        if path.name.endswith("_coverage.csv"):
            continue
        d = pd.read_csv(path, keep_default_na=False)
        a, b = d["group_a"].iloc[0], d["group_b"].iloc[0]
        ga, gb = re.sub("[^a-z]", "", a.lower()), re.sub("[^a-z]", "", b.lower())
        q = pd.to_numeric(d["q_value"])
        pre = f"cooc_diff_{ga}_vs_{gb}"
        out += [Var(f"{pre}_pairs", fmt(len(d)), "term pairs tested", path.name),
                Var(f"{pre}_stronger_{ga}", fmt(int((d["stronger_in"] == a).sum())), "edges",
                    "BH q < alpha"),
                Var(f"{pre}_stronger_{gb}", fmt(int((d["stronger_in"] == b).sum())), "edges",
                    "BH q < alpha"),
                Var(f"{pre}_min_q", fmt(float(q.min()), 3), "BH q", "smallest over pairs")]
    return out


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


#: What a ``compare_key_differences`` key holds, by its ending (longest first).
_COMPARE_FIELDS = {
    "SignificantAdj": ("", "p_adj <= alpha (family-wise, max-T over the Family)"),
    "SignAgreement": ("share of refits", "refits agreeing in sign with the estimate "
                      "(reproducibility, not in the interval)"),
    "RefitReject": ("share of refits", "refits whose own test rejects at alpha"),
    "Significant": ("", "interval excludes 0, i.e. permutation p <= alpha"),
    "LooFlips": ("", "leaving one unit out changes the conclusion"),
    "Status": ("", "estimated, or why not compared / not tested"),
    "Family": ("", "family of p_adj"),
    "PAdj": ("p", "Westfall-Young max-T adjusted p over the Family"),
    "LooMin": ("", "smallest estimate leaving one unit out"),
    "LooMax": ("", "largest estimate leaving one unit out"),
    "Label": ("", "topic label"),
    "MDE": ("", "minimum detectable difference at the stated power and alpha"),
    "Est": ("", "difference, group A minus group B"),
    "CI": ("", "interval inverting the permutation test, level 1 - alpha"),
    "P": ("p", "permutation p over units"),
    "Alpha": ("", "level of every test ([compare] alpha)"),
    "IntervalLevel": ("", "level of every interval, 1 - alpha"),
    "Power": ("", "power at which mde is computed ([compare] power)"),
}


def _compare_note(key: str) -> tuple[str, str]:
    for end, (unit, note) in _COMPARE_FIELDS.items():
        if key.endswith(end):
            return unit, f"{note}; compare_key_differences.csv"
    return "", "compare_key_differences.csv"


def _compare_vars(results: Path) -> list[Var]:
    # compare.key_differences names each number by item (topic label id, actor, pattern).
    from .compare import read_key_differences

    return [Var(_snake(k), v.replace("_", " "), *_compare_note(k))
            for k, v in read_key_differences(results).items()]


#: Each stage contributes a function ``results_dir -> [Var, ...]``.
COLLECTORS = [_corpus_vars, _segment_vars, _topics_vars, _cooccur_vars, _compare_vars]


def collect(results_dir: str | Path) -> list[Var]:
    """All citable variables, in a fixed order.

    Raises
    ------
    ValueError
        For a name defined twice or not made of lower-case letters and underscores.
    """
    results_dir = Path(results_dir)
    seen: set[str] = set()
    out = []
    for collector in COLLECTORS:
        for v in collector(results_dir):
            if v.name in seen:
                raise ValueError(f"variable {v.name} defined twice")
            macro_name(v.name)  # validates the name early
            seen.add(v.name)
            out.append(v)
    return out


def to_tex(variables: list[Var], *, chinese: bool = False) -> str:
    """``\\newcommand`` lines: ASCII-valued variables, or (``chinese``) the others."""
    engine = "XeLaTeX with ctex" if chinese else "pdflatex"
    lines = ["% Generated by `python -m analysis reproduce`; do not edit.",
             f"% For {engine}; cite e.g. \\paCorpusArticles."]
    for v in variables:
        if _is_ascii(v.value) == chinese:
            continue
        comment = "; ".join(x for x in (v.unit, v.note) if x)
        comment = "".join(ch if ord(ch) < 128 else "?" for ch in comment)
        lines.append(f"\\newcommand{{\\{macro_name(v.name)}}}{{{tex_value(v.value)}}}"
                     + (f"  % {comment}" if comment else ""))
    return "\n".join(lines) + "\n"


def prepare(ctx) -> list[Var]:
    """The citable numbers of a run, read from its ``results/``."""
    return collect(ctx.paths.results)


def write(ctx) -> list[Path]:
    """Write ``variables.json``, ``variables.tex``, ``variables_zh.tex`` and the
    booktabs tables into the run's ``results/``."""
    from .latex_tables import write_tables
    from .plots.labels import load_glossary

    results_dir = ctx.paths.results
    variables = collect(results_dir)
    paths = {"json": results_dir / "variables.json", "tex": results_dir / "variables.tex",
             "zh": results_dir / "variables_zh.tex"}
    paths["json"].write_text(json.dumps({v.name: asdict(v) for v in variables}, indent=2,
                                        ensure_ascii=False) + "\n", encoding="utf-8")
    paths["tex"].write_text(to_tex(variables), encoding="utf-8")
    paths["zh"].write_text(to_tex(variables, chinese=True), encoding="utf-8")
    glossary = load_glossary(ctx.input(ctx.params.figures.glossary))
    return list(paths.values()) + write_tables(results_dir, glossary,
                                               alpha=ctx.params.compare.alpha)
