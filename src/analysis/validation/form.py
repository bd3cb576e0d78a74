"""One self-contained HTML form for coders: no server, no network, works from a file.

The coder enters an id and answers one item at a time. Items are grouped by
kind; within a kind their order is shuffled per coder by a seeded PRNG in
JavaScript (mulberry32 seeded with a 32-bit FNV-1a hash of ``seed:coder_id``),
so two coders see different orders and one coder always sees the same. Gold
items are spread through each kind: every block of items holds one gold item,
blocks and items within blocks are shuffled. Answers are kept in
``localStorage`` under the form version and coder id, so a reload or a closed
tab loses nothing. At the end the coder downloads the answers as JSON (and
CSV), the files :func:`~analysis.validation.answers.read_answers` reads.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Collection

import numpy as np
import pandas as pd

from . import form_assets as assets

__all__ = ["write_form"]

_BAD = ("http://", "https://")


def _blocks(tasks: pd.DataFrame, gold: Collection[str], seed: int) -> dict[str, int]:
    """Block number per task: gold items one per block, others dealt round-robin."""
    rng = np.random.default_rng(seed)
    out: dict[str, int] = {}
    for _kind, g in tasks.groupby("kind", sort=False):
        ids = list(g["task_id"])
        golds = [t for t in ids if t in gold]
        rest = [ids[i] for i in rng.permutation(len(ids)) if ids[i] not in gold]
        n_blocks = max(len(golds), 1)
        out.update({t: b for b, t in enumerate(golds)})
        out.update({t: i % n_blocks for i, t in enumerate(rest)})
    return out


def _payload(tasks: pd.DataFrame, *, language: str, form_version: str,
             gold: Collection[str], seed: int) -> str:
    blocks = _blocks(tasks, set(gold), seed)
    items = [{"id": r.task_id, "kind": r.kind, "block": blocks[r.task_id],
              "doc": "" if pd.isna(r.document) else str(r.document),
              "options": json.loads(r.options),
              "options_en": json.loads(r.options_en) if language == "zh+en" else []}
             for r in tasks.itertuples(index=False)]
    data = {"form_version": form_version, "seed": str(seed), "language": language,
            "kinds": list(dict.fromkeys(tasks["kind"])), "items": items,
            "instructions": assets.INSTRUCTIONS}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Inside <script>: no "</" can close it, and no "//" can spell an address.
    return text.replace("<", "\\u003c").replace("/", "\\/")


def write_form(tasks: pd.DataFrame, path: str | Path, *, form_version: str, seed: int,
               language: str = "zh+en", gold: Collection[str] = (),
               title: str = "主题模型人工检验 · Topic validation") -> Path:
    """Write the coders' form as one HTML file with inline CSS and JavaScript.

    Parameters
    ----------
    tasks : tasks of one or more kinds (``make_tasks`` output, concatenated), in
        the kind order the coder should meet them. The key is never passed.
    path : the ``.html`` file to write.
    form_version : shown on the form, written into every answer and into the
        ``localStorage`` key; :func:`read_answers` rejects other versions.
    seed : seeds the per-coder item order (and the Python-side block layout).
    language : ``"zh"`` (Chinese only) or ``"zh+en"`` (instructions and label
        glosses in English too; words are always shown in Chinese only).
    gold : task ids of gold items, so that they are spread through each kind.
        The form does not say which items they are.
    title : page title and heading.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ValueError
        For duplicate task ids, an unknown language, or (a safeguard) a network
        address in the written page.
    """
    if language not in {"zh", "zh+en"}:
        raise ValueError(f"language {language!r}: use 'zh' or 'zh+en'")
    if tasks["task_id"].duplicated().any():
        raise ValueError("duplicate task ids in tasks")
    en = language == "zh+en"
    intro_zh, intro_en = assets.INSTRUCTIONS["intro"]
    body = assets.BODY
    for name, value in assets.ENGLISH.items():
        body = body.replace(name, html.escape(value) if en else "")
    body = (body.replace("__TITLE__", html.escape(title))
            .replace("__INTRO__", html.escape(intro_zh) + (
                f' <span class="en">{html.escape(intro_en)}</span>' if en else ""))
            .replace("__VERSION__", html.escape(form_version)))
    page = "\n".join([
        "<!DOCTYPE html>", '<html lang="zh">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>", f"<style>{assets.CSS}</style>", "</head>",
        "<body>", body,
        '<script type="application/json" id="form-data">'
        + _payload(tasks, language=language, form_version=form_version, gold=gold, seed=seed)
        + "</script>", f"<script>{assets.JS}</script>", "</body>", "</html>", ""])
    if any(bad in page for bad in _BAD):
        raise ValueError("the form would contain a network address")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8", newline="\n")
    return path
