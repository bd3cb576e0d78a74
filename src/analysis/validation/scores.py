"""Score answers against the key: precision, agreement, gold accuracy, topic log odds.

- **Model precision** (Chang et al. 2009): the share of answers that pick the
  key's option, per kind and topic, gold items excluded; exact binomial test
  against chance (``scipy.stats.binomtest``, one-sided: better than chance,
  chance = 1 / number of options) and the Clopper–Pearson interval. Answers of
  several coders on one item are treated as independent trials, as in Chang et
  al.; the interval is therefore narrower than an item-clustered one.
- **Agreement**: Krippendorff's α (nominal) over coders × items, by the
  ``krippendorff`` package.
- **Gold accuracy** per coder on the attention-check items.
- **Topic log odds** (TLO, Chang et al. 2009) for topic intrusion:
  log θ_d,intruder − log θ_d,chosen, averaged over coders per document and
  then over documents; 0 is best, more negative is worse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import krippendorff
import numpy as np
import pandas as pd
from scipy.stats import binomtest

__all__ = ["Scores", "score"]


@dataclass(frozen=True)
class Scores:
    """The tables :func:`score` returns (each has a ``coders`` column)."""

    precision: pd.DataFrame
    agreement: pd.DataFrame
    gold: pd.DataFrame
    tlo: pd.DataFrame


def _joined(tasks: pd.DataFrame, key: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
    unknown = set(key["task_id"]) ^ set(tasks["task_id"])
    if unknown:
        raise ValueError(f"tasks and key differ in task ids: {sorted(unknown)[:5]}")
    given = answers[answers["status"] == "answered"] if "status" in answers else answers
    extra = set(given["task_id"]) - set(key["task_id"])
    if extra:
        raise ValueError(f"answers to tasks not in the key: {sorted(extra)[:5]}")
    cols = ["task_id", "topic", "gold", "answer", "chance", "option_theta"]
    out = given[["coder_id", "task_id", "kind", "choice"]].merge(
        key[cols], on="task_id", how="left", validate="many_to_one")
    out["choice"] = out["choice"].astype(int)
    out["correct"] = out["choice"] == out["answer"].astype(int)
    # tables list kinds in the order of the key (the form's order)
    rank = {k: i for i, k in enumerate(dict.fromkeys(key["kind"]))}
    out = out.assign(_rank=out["kind"].map(rank)).sort_values(["_rank", "coder_id", "task_id"],
                                                                kind="stable")
    return out.drop(columns="_rank").reset_index(drop=True)


def _binomial_row(group: pd.DataFrame, alpha: float) -> dict:
    n, k = len(group), int(group["correct"].sum())
    chance = float(group["chance"].iloc[0])
    if group["chance"].nunique() != 1:
        raise ValueError("a precision group mixes items with different numbers of options")
    test = binomtest(k, n, chance, alternative="greater")
    ci = binomtest(k, n, chance).proportion_ci(confidence_level=1 - alpha, method="exact")
    return {"n_items": group["task_id"].nunique(), "n_coders": group["coder_id"].nunique(),
            "n_answers": n, "n_correct": k, "precision": k / n, "chance": chance,
            "p_value": test.pvalue, "ci_low": ci.low, "ci_high": ci.high,
            "ci_level": 1 - alpha}


def _precision(df: pd.DataFrame, alpha: float) -> pd.DataFrame:
    rows = []
    model = df[~df["gold"].astype(bool)]
    for kind, g in model.groupby("kind", sort=False):
        for topic, t in g.groupby("topic", sort=True):
            rows.append({"kind": kind, "topic": str(topic), **_binomial_row(t, alpha)})
        rows.append({"kind": kind, "topic": "all", **_binomial_row(g, alpha)})
    return pd.DataFrame(rows)


def _alpha(df: pd.DataFrame) -> float:
    data = df.pivot(index="coder_id", columns="task_id", values="choice").to_numpy(float)
    if data.shape[0] < 2:
        return float("nan")
    try:
        return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    except ValueError:  # one value only: α is undefined
        return float("nan")


def _agreement(df: pd.DataFrame) -> pd.DataFrame:
    model = df[~df["gold"].astype(bool)]
    parts = [(kind, g) for kind, g in model.groupby("kind", sort=False)] + [("all", model)]
    return pd.DataFrame([{"kind": kind, "n_items": g["task_id"].nunique(),
                          "n_coders": g["coder_id"].nunique(), "n_answers": len(g),
                          "krippendorff_alpha": _alpha(g), "level": "nominal"}
                         for kind, g in parts])


def _gold(df: pd.DataFrame) -> pd.DataFrame:
    gold = df[df["gold"].astype(bool)]
    rows = []
    for coder, g in gold.groupby("coder_id", sort=True):
        parts = [(kind, x) for kind, x in g.groupby("kind", sort=False)] + [("all", g)]
        rows += [{"coder_id": coder, "kind": kind, "n_gold": len(x),
                  "n_correct": int(x["correct"].sum()), "accuracy": x["correct"].mean()}
                 for kind, x in parts]
    return pd.DataFrame(rows, columns=["coder_id", "kind", "n_gold", "n_correct", "accuracy"])


def _tlo(df: pd.DataFrame) -> pd.DataFrame:
    ti = df[(df["kind"] == "topic_intrusion") & ~df["gold"].astype(bool)].copy()
    cols = ["kind", "topic", "n_documents", "n_answers", "tlo_mean", "tlo_sd"]
    if ti.empty:
        return pd.DataFrame(columns=cols)
    theta = ti["option_theta"].map(json.loads)
    ti["tlo"] = [np.log(t[a]) - np.log(t[c])
                 for t, a, c in zip(theta, ti["answer"].astype(int), ti["choice"])]
    per_doc = ti.groupby(["topic", "task_id"], sort=True).agg(
        tlo=("tlo", "mean"), n=("tlo", "size")).reset_index()
    parts = [(str(t), g) for t, g in per_doc.groupby("topic", sort=True)] + [("all", per_doc)]
    return pd.DataFrame([{"kind": "topic_intrusion", "topic": t, "n_documents": len(g),
                          "n_answers": int(g["n"].sum()), "tlo_mean": g["tlo"].mean(),
                          "tlo_sd": g["tlo"].std(ddof=1) if len(g) > 1 else float("nan")}
                         for t, g in parts], columns=cols)


def score(tasks: pd.DataFrame, key: pd.DataFrame, answers: pd.DataFrame, *,
          alpha: float = 0.05, coders: str = "human") -> Scores:
    """Score coders' answers.

    Parameters
    ----------
    tasks, key : from :func:`~analysis.validation.tasks.make_tasks` (all kinds
        concatenated, or read back from ``validation/tasks_*.csv`` / ``key_*.csv``).
    answers : from :func:`~analysis.validation.answers.read_answers`; rows with
        ``status = "missing"`` are left out.
    alpha : level of the tests; intervals have confidence ``1 - alpha``.
    coders : written into every table's ``coders`` column: ``"human"`` or
        ``"simulated"`` (simulated coders are no human validation).

    Returns
    -------
    Scores
        ``precision`` (kind, topic, n_items, n_coders, n_answers, n_correct,
        precision, chance, p_value, ci_low, ci_high, ci_level), ``agreement``
        (Krippendorff's α per kind and over all kinds), ``gold`` (accuracy per
        coder and kind) and ``tlo`` (topic log odds per dominant topic).
    """
    df = _joined(tasks, key, answers)
    tables = [_precision(df, alpha), _agreement(df), _gold(df), _tlo(df)]
    for t in tables:
        t.insert(0, "coders", coders)
    return Scores(*tables)
