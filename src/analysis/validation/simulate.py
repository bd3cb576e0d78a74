"""Simulated coders, for tests and the committed example scores.

Scores of simulated coders say only that the pipeline works: they are
**simulated coders, not human validation**, and every table made from them
carries ``coders = "simulated"``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

__all__ = ["answer_file_name", "parse_coder", "simulate_answers", "write_answer_files"]


def parse_coder(spec: str) -> float | None:
    """Accuracy of a coder spec: ``perfect`` → 1.0, ``random`` → None, ``noisy:0.8`` → 0.8.

    Raises
    ------
    ValueError
        For any other spec, or an accuracy outside [0, 1].
    """
    if spec == "perfect":
        return 1.0
    if spec == "random":
        return None
    m = re.fullmatch(r"noisy:([0-9]*\.?[0-9]+)", spec)
    if not m or not 0 <= float(m.group(1)) <= 1:
        raise ValueError(f"simulated coder {spec!r}: use 'perfect', 'random' or 'noisy:P' "
                         "with 0 ≤ P ≤ 1")
    return float(m.group(1))


def answer_file_name(form_version: str, coder_id: str) -> str:
    """The file name the form gives a coder's JSON download."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", coder_id)
    return f"answers_{form_version}_{safe}.json"


def _choose(rng, accuracy: float | None, answer: int, n_options: int) -> int:
    if accuracy is None:
        return int(rng.integers(n_options))
    if rng.random() < accuracy:
        return answer
    wrong = [i for i in range(n_options) if i != answer]
    return int(wrong[rng.integers(len(wrong))])


def simulate_answers(tasks: pd.DataFrame, key: pd.DataFrame, *, coders: Sequence[str],
                     random_state: int, form_version: str) -> list[dict]:
    """Answers of simulated coders, in the format of the form's JSON download.

    Parameters
    ----------
    tasks, key : all tasks and their key (same ``task_id`` values).
    coders : one spec per coder (:func:`parse_coder`): a perfect coder always
        picks the key's option, a random one picks uniformly among the options,
        ``noisy:P`` picks the key's option with probability P and otherwise a
        uniformly drawn wrong one.
    random_state : seed; coder ``i`` draws from ``default_rng([random_state, i])``.
    form_version : written into each file and record.

    Returns
    -------
    list of dict
        One answer file per coder (``form_version``, ``coder_id``, ``coders =
        "simulated"``, ``answers``), records in task-id order, without timestamps.
    """
    merged = tasks[["task_id", "options"]].merge(key[["task_id", "answer", "n_options"]],
                                                 on="task_id", validate="one_to_one")
    merged = merged.sort_values("task_id", kind="stable")
    files = []
    for i, spec in enumerate(coders):
        accuracy = parse_coder(spec)
        rng = np.random.default_rng([random_state, i])
        coder = f"sim{i + 1:02d}-{spec.replace(':', '-')}"
        records = []
        for row in merged.itertuples(index=False):
            choice = _choose(rng, accuracy, int(row.answer), int(row.n_options))
            records.append({"form_version": form_version, "coder_id": coder,
                            "task_id": row.task_id, "choice": choice,
                            "choice_text": json.loads(row.options)[choice]})
        files.append({"form_version": form_version, "coder_id": coder, "coders": "simulated",
                      "answers": records})
    return files


def write_answer_files(files: Sequence[dict], folder: str | Path) -> list[Path]:
    """Write answer files as JSON (UTF-8, stable bytes) into ``folder``; return the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for f in files:
        path = folder / answer_file_name(f["form_version"], f["coder_id"])
        path.write_text(json.dumps(f, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
