"""``python -m analysis validate make|score``: the validation workflow from the shell.

``make`` writes ``validation/tasks_<kind>.csv``, ``validation/key_<kind>.csv``
and ``validation/form.html``. ``score`` reads answer files (default
``validation/answers/*.json``) and writes ``results/validation_*.csv`` and
``results/validation_variables.json``; ``score --simulate`` makes simulated
coders' answers (``validation/answers_simulated/``) and scores those, labelled
``simulated``. This is the only module of the package that reads ``params.toml``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from .. import config
from .answers import AnswersError, read_answers
from .form import write_form
from .model import read_topic_results
from ..io import write_csv
from .params import ValidationParams, check
from .scores import Scores, score
from .simulate import simulate_answers, write_answer_files
from .tasks import make_tasks

__all__ = ["load_validation_params", "main", "read_tasks", "variables", "write_table"]


def write_table(df: pd.DataFrame, path: Path) -> Path:
    """Write a table the project way (:func:`analysis.io.write_csv`)."""
    return write_csv(df, path)


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m analysis validate",
                                 description="Human validation of topics and labels (issue 18).")
    ap.add_argument("command", choices=["make", "score"])
    ap.add_argument("answers", nargs="*", type=Path,
                    help="score: answer files (default validation/answers/*.json)")
    ap.add_argument("--params", type=Path, default=None, help="parameters file (params.toml)")
    ap.add_argument("--out", type=Path, default=None,
                    help="folder holding validation/ and results/ (default: project root)")
    ap.add_argument("--simulate", action="store_true",
                    help="score: simulated coders instead of answer files (labelled simulated)")
    ap.add_argument("--allow-partial", action="store_true",
                    help="score: keep coders who left tasks unanswered")
    return ap


def load_validation_params(path: str | Path | None = None) -> ValidationParams:
    """The ``[validation]`` section of ``params.toml`` (or of ``path``)."""
    return check(config.load_params(path).validation)


def read_tasks(folder: Path, kinds) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Concatenated ``tasks_<kind>.csv`` and ``key_<kind>.csv`` of ``folder``, in ``kinds`` order."""
    tasks = [pd.read_csv(folder / f"tasks_{k}.csv", dtype={"document": str},
                         keep_default_na=False, na_values={"article_id": [""], "para_id": [""]})
             for k in kinds]
    keys = [pd.read_csv(folder / f"key_{k}.csv") for k in kinds]
    return pd.concat(tasks, ignore_index=True), pd.concat(keys, ignore_index=True)


def _make(vp: ValidationParams, params, out: Path) -> int:
    view = read_topic_results(config.PATHS.results,
                              config.resolve(params.topics.labels),
                              config.PATHS.processed / "paragraphs.csv")
    folder = out / "validation"
    all_tasks, gold = [], []
    for kind in vp.kinds:
        tasks, key = make_tasks(view, kind, n_per_topic=vp.n_per_topic,
                                random_state=vp.random_state, n_words=vp.n_words,
                                n_gold=vp.n_gold, min_tokens=vp.min_tokens)
        write_table(tasks, folder / f"tasks_{kind}.csv")
        write_table(key, folder / f"key_{kind}.csv")
        all_tasks.append(tasks)
        gold += list(key.loc[key["gold"], "task_id"])
        print(f"{kind}: {len(tasks)} tasks ({int(key['gold'].sum())} gold)")
    path = write_form(pd.concat(all_tasks, ignore_index=True), folder / "form.html",
                      language=vp.language, form_version=vp.form_version, gold=gold,
                      seed=vp.random_state)
    print(f"wrote {path}")
    return 0


def variables(scores: Scores) -> dict[str, float]:
    """Flat ``{name: number}`` of the headline scores; names are ASCII letters only.

    ``val`` + kind + measure + ``Simulated``/``Human``, e.g.
    ``valWordIntrusionPrecisionSimulated``.
    """
    who = scores.precision["coders"].iloc[0].capitalize()

    def camel(s: str) -> str:
        return "".join(p.capitalize() for p in s.split("_"))

    out: dict[str, float] = {}
    for r in scores.precision[scores.precision["topic"] == "all"].itertuples(index=False):
        for name, col in (("Precision", "precision"), ("CiLow", "ci_low"),
                          ("CiHigh", "ci_high"), ("PValue", "p_value"), ("Chance", "chance"),
                          ("Items", "n_items"), ("Answers", "n_answers")):
            out[f"val{camel(r.kind)}{name}{who}"] = getattr(r, col)
    for r in scores.agreement.itertuples(index=False):
        out[f"val{camel(r.kind)}Alpha{who}"] = r.krippendorff_alpha
    out[f"valCoders{who}"] = int(scores.precision["n_coders"].max())
    gold = scores.gold[scores.gold["kind"] == "all"]["accuracy"]
    out[f"valGoldAccuracyMin{who}"] = gold.min()
    out[f"valGoldAccuracyMean{who}"] = gold.mean()
    tlo = scores.tlo[scores.tlo["topic"] == "all"]
    if len(tlo):
        out[f"valTopicIntrusionTlo{who}"] = tlo["tlo_mean"].iloc[0]
    counts = ("Items", "Answers", "Coders")
    return {k: int(v) if k.endswith(tuple(c + who for c in counts)) else float(f"{float(v):.6g}")
            for k, v in out.items()}


def _write_scores(scores: Scores, out: Path) -> None:
    results = out / "results"
    for name in ("precision", "agreement", "gold", "tlo"):
        write_table(getattr(scores, name), results / f"validation_{name}.csv")
    (results / "validation_variables.json").write_text(
        json.dumps(variables(scores), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {results}/validation_{{precision,agreement,gold,tlo}}.csv, "
          "validation_variables.json")


def _score(vp: ValidationParams, args, out: Path) -> int:
    folder = out / "validation"
    tasks, key = read_tasks(folder, vp.kinds)
    real = sorted((folder / "answers").glob("*.json"))
    if args.simulate:
        if args.answers or real:
            print("--simulate refuses to run next to real answers "
                  f"({args.answers or real[:3]}): it would overwrite their scores",
                  file=sys.stderr)
            return 2
        files = simulate_answers(tasks, key, coders=vp.simulated_coders,
                                 random_state=vp.simulate_seed, form_version=vp.form_version)
        paths, coders = write_answer_files(files, folder / "answers_simulated"), "simulated"
    else:
        paths, coders = sorted(args.answers) or real, "human"
        if not paths:
            print(f"no answer files in {folder / 'answers'}; pass paths, or --simulate for "
                  "simulated coders (not human validation)", file=sys.stderr)
            return 2
    try:
        answers = read_answers(paths, tasks, form_version=vp.form_version,
                               allow_partial=args.allow_partial)
    except AnswersError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    _write_scores(score(tasks, key, answers, alpha=vp.alpha, coders=coders), out)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``validate make`` or ``validate score``; return the exit status."""
    args = _parser().parse_args(argv)
    params = config.load_params(args.params)
    vp = check(params.validation)
    out = (args.out or config.ROOT).resolve()
    if args.command == "make":
        return _make(vp, params, out)
    return _score(vp, args, out)
