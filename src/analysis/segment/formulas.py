"""Numbered policy formulas (三个强化, 1+6+N, 四治融合 …) found in text."""

from __future__ import annotations

import re

import pandas as pd

from .rules import CJK

__all__ = ["formula_spans", "formulas"]

_NUMS = "一二两三四五六七八九十百千万"
_NUMS2 = "二两三四五六七八九十百千万"
_QUOTED_RE = re.compile(r"“([^“”\n]{1,16})”|‘([^‘’\n]{1,16})’|「([^「」\n]{1,16})」")
_PLUS_CHAIN_RE = re.compile(r"^[^+\s]{1,8}(?:\+[^+\s]{1,8})+$")
_DIGIT_LIST_RE = re.compile(r"^\d{1,2}(?:、\d{1,2}){1,5}$")
# 二…十/两 first; or 一/百/千/万 first with a second numeral (一村一辅警,
# 百千万工程, 千岗万哨) — so 一站式 and 百姓… are not formulas.
_QUOTED_NUM_RE = re.compile(r"^(?:[二两三四五六七八九十]|[一百千万][^一二两三四五六七八九十百千万]*[一二两三四五六七八九十百千万])")
_BARE_PATTERNS = (
    # 1+6+N, 2+3+N: counts and letters joined by "+".
    ("plus_chain", re.compile(r"(?<![0-9A-Za-z.])(?:\d{1,2}|[NX])(?:\+(?:\d{1,2}|[NX]))+(?![0-9A-Za-z.%])")),
    # 八比八看八争先, 六防六促, 四中心四室: the same numeral (≥ 2) repeated.
    ("repeated_numeral", re.compile(
        rf"([{_NUMS2}])((?:(?!\1)[\u4e00-\u9fff]){{1,2}})、?\1((?:(?!\1)[\u4e00-\u9fff]){{1,2}})"
        rf"(?:、?\1(?:(?!\1)[\u4e00-\u9fff]){{1,2}})?")),
    # 四治融合, 三调对接, 三社联动, 四位一体.
    ("numeral_fusion", re.compile(
        rf"[{_NUMS2}][\u4e00-\u9fff](?:融合|对接|联动|合一|结合|一体|共治)")),
    # 三个强化, 四个聚焦: numeral + 个 + a two-character verb used as a slogan.
    ("numbered_aims", re.compile(
        rf"[{_NUMS2}]个(?:强化|聚焦|坚持|精准|必到|不怕|到位|确保|提升|突出|注重|紧盯|自信|维护|全面)")),
)


def formula_spans(text: str) -> pd.DataFrame:
    """Numbered policy formulas in ``text`` with their character spans.

    Two sources, quoted first:

    * a quoted expression (“…”, ‘…’, 「…」, at most 16 characters) that is a
      ``+`` chain (党建+网格化+铁脚板, 1+6+N), a list of small integers
      (1、3、5), or starts with a count numeral: 二…十/两, or 一/百/千/万
      when a second numeral follows (一村一辅警, 百千万工程; not 一站式, 百姓);
    * unquoted patterns: ``+`` chains of counts (2+3+N), a repeated numeral
      (八比八看八争先), a numeral fused with 融合/对接/联动/合一/结合/一体/共治
      (四治融合, 三调对接), and numeral + 个 + a slogan verb (三个强化).

    Dates (2024年10月), percentages (13.9%) and counts (3000余份, 1865人) are
    not formulas: none of the rules admits an Arabic number outside a ``+``
    chain or a quoted list.

    Returns
    -------
    DataFrame
        ``start``, ``end`` (offsets into ``text``), ``text`` (as written),
        ``formula`` (``text`` with 、 between CJK characters removed, so
        八比、八看、八争先 == 八比八看八争先) and ``kind``, in text order.
    """
    rows = []
    taken: list[tuple[int, int]] = []
    for m in _QUOTED_RE.finditer(text):
        q = next(g for g in m.groups() if g is not None)
        start = m.start() + 1
        qs = q.strip()
        if _PLUS_CHAIN_RE.match(qs):
            kind = "quoted_plus"
        elif _DIGIT_LIST_RE.match(qs):
            kind = "quoted_list"
        elif _QUOTED_NUM_RE.match(qs):
            kind = "quoted_numeral"
        else:
            continue
        rows.append((start, start + len(q), q, kind))
        taken.append((m.start(), m.end()))
    for kind, rx in _BARE_PATTERNS:
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            rows.append((m.start(), m.end(), m.group(0), kind))
            taken.append((m.start(), m.end()))
    df = pd.DataFrame(rows, columns=["start", "end", "text", "kind"])
    df["formula"] = df["text"].map(_normalise_formula)
    return df.sort_values(["start", "end"], kind="stable").reset_index(drop=True)[
        ["start", "end", "text", "formula", "kind"]
    ]


def _normalise_formula(s: str) -> str:
    s = re.sub(rf"(?<=[{CJK}])[、,，](?=[{CJK}])", "", s.strip())
    return s.replace(" ", "")


def formulas(text: str) -> list[str]:
    """Numbered policy formulas in ``text``, normalised, in text order.

    See :func:`formula_spans` for the rules.
    """
    return formula_spans(text)["formula"].tolist()
