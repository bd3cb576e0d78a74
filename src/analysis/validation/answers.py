"""Read and check the answer files coders return from the validation form.

A file is the form's JSON download (``{"form_version", "coder_id", "answers":
[records]}``) or its CSV download (one record per row). A record has
``form_version``, ``coder_id``, ``task_id``, ``choice`` (0-based option index),
``choice_text`` and optionally ``answered_at`` (never used in scoring).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Iterable

import pandas as pd

__all__ = ["ANSWER_FIELDS", "AnswersError", "PartialAnswersWarning", "read_answers"]

ANSWER_FIELDS = ["form_version", "coder_id", "task_id", "choice", "choice_text", "answered_at"]


class AnswersError(ValueError):
    """An answer file does not fit the tasks or the form; names the file and record."""


class PartialAnswersWarning(UserWarning):
    """A coder left tasks unanswered (kept as ``status = "missing"`` rows)."""


def _load(path: Path) -> tuple[list[dict], dict]:
    try:
        if path.suffix.lower() == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            return frame.to_dict("records"), {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AnswersError(f"{path}: cannot be read as answers ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("answers"), list):
        raise AnswersError(f"{path}: expected a JSON object with a list 'answers'")
    header = {k: data[k] for k in ("form_version", "coder_id") if k in data}
    return data["answers"], header


def _choice(value, n_options: int, where: str) -> int:
    try:
        choice = int(value)
    except (TypeError, ValueError):
        raise AnswersError(f"{where}: choice {value!r} is not an option number") from None
    if str(value).strip() != str(choice) or not 0 <= choice < n_options:
        raise AnswersError(f"{where}: choice {value!r} is not in 0…{n_options - 1}")
    return choice


def _check_record(rec: dict, i: int, path: Path, header: dict, tasks: pd.DataFrame,
                  form_version: str) -> dict:
    tid = rec.get("task_id") if isinstance(rec, dict) else None
    where = f"{path}: record {i} (task_id={tid!r})"
    if not isinstance(rec, dict):
        raise AnswersError(f"{where}: not an object")
    version = rec.get("form_version", header.get("form_version"))
    if version != form_version:
        raise AnswersError(f"{where}: form version {version!r}, expected {form_version!r}")
    coder = str(rec.get("coder_id", header.get("coder_id", ""))).strip()
    if not coder:
        raise AnswersError(f"{where}: no coder_id")
    if header.get("coder_id") not in (None, coder):
        raise AnswersError(f"{where}: coder {coder!r} in a file of coder {header['coder_id']!r}")
    if tid not in tasks.index:
        raise AnswersError(f"{where}: unknown task id")
    task = tasks.loc[tid]
    choice = _choice(rec.get("choice"), int(task["n_options"]), where)
    options = json.loads(task["options"])
    text = rec.get("choice_text")
    if text not in (None, "") and text != options[choice]:
        raise AnswersError(f"{where}: choice_text {text!r} is not option {choice} "
                           f"({options[choice]!r}): answers from another form?")
    stamp = rec.get("answered_at")
    return {"coder_id": coder, "task_id": tid, "kind": task["kind"], "choice": choice,
            "choice_text": options[choice], "answered_at": stamp or None, "file": str(path),
            "status": "answered"}


def _read_file(path: Path, tasks: pd.DataFrame, form_version: str) -> list[dict]:
    records, header = _load(path)
    if header.get("form_version", form_version) != form_version:
        raise AnswersError(f"{path}: form version {header['form_version']!r}, "
                           f"expected {form_version!r}")
    rows, seen = [], {}
    for i, rec in enumerate(records):
        row = _check_record(rec, i, path, header, tasks, form_version)
        if row["task_id"] in seen:
            raise AnswersError(f"{path}: record {i} (task_id={row['task_id']!r}): duplicate "
                               f"task, already answered in record {seen[row['task_id']]}")
        seen[row["task_id"]] = i
        rows.append(row)
    coders = {r["coder_id"] for r in rows} | ({header["coder_id"]} if "coder_id" in header else set())
    if len(coders) != 1:
        raise AnswersError(f"{path}: one file must hold one coder, found {sorted(coders) or 'none'}")
    return rows


def read_answers(paths: Iterable[str | Path], tasks: pd.DataFrame, *, form_version: str,
                 allow_partial: bool = False) -> pd.DataFrame:
    """Read answer files (one coder each) and check them against the tasks.

    Parameters
    ----------
    paths : answer files (``.json`` or ``.csv``), one per coder.
    tasks : the tasks the form was made from (all kinds), with ``task_id``,
        ``kind``, ``n_options`` and ``options``.
    form_version : the version written into the form; every record must carry it.
    allow_partial : keep coders who left tasks out; their unanswered tasks become
        rows with ``status = "missing"`` and a :class:`PartialAnswersWarning`.

    Returns
    -------
    DataFrame
        One row per coder and task: ``coder_id``, ``task_id``, ``kind``,
        ``choice`` (Int64; NA when missing), ``choice_text``, ``answered_at``,
        ``file``, ``status`` (``answered`` or ``missing``); sorted by coder and task.

    Raises
    ------
    AnswersError
        Naming the file and record, for an unreadable file, a wrong form version,
        a coder in two files, a task answered twice in one file, an unknown task
        id, an invalid choice, or (unless ``allow_partial``) missing tasks.
    """
    tasks = tasks.set_index("task_id", drop=False)
    rows: list[dict] = []
    owner: dict[str, Path] = {}
    for path in map(Path, paths):
        got = _read_file(path, tasks, form_version)
        coder = got[0]["coder_id"] if got else None
        if coder is None:
            raise AnswersError(f"{path}: no answers")
        if coder in owner:
            raise AnswersError(f"{path}: coder {coder!r} already answered in {owner[coder]} "
                               "(duplicate coder)")
        owner[coder] = path
        missing = sorted(set(tasks.index) - {r["task_id"] for r in got})
        if missing and not allow_partial:
            raise AnswersError(f"{path}: partial file: coder {coder!r} left {len(missing)} of "
                               f"{len(tasks)} tasks unanswered (first: {missing[:5]}); "
                               "pass allow_partial=True to keep it")
        if missing:
            warnings.warn(f"{path}: coder {coder!r} left {len(missing)} tasks unanswered",
                          PartialAnswersWarning, stacklevel=2)
        rows += got + [{"coder_id": coder, "task_id": t, "kind": tasks.loc[t, "kind"],
                        "choice": None, "choice_text": None, "answered_at": None,
                        "file": str(path), "status": "missing"} for t in missing]
    out = pd.DataFrame(rows, columns=["coder_id", "task_id", "kind", "choice", "choice_text",
                                      "answered_at", "file", "status"])
    out["choice"] = out["choice"].astype("Int64")
    return out.sort_values(["coder_id", "task_id"], kind="stable").reset_index(drop=True)
