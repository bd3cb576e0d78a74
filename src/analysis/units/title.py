"""Parsing the head of a title, where Chinese titles name their unit.

白银市…, 公安榆阳分局芹河派出所…, 河南省生态环境厅…: a chain of place names
(resolved through the gazetteer), sub-county names and development zones, then a
unit word such as 法院 or 司法局. :func:`parse_head` returns the chain as tokens
and :func:`keyword_at` the unit word; :mod:`analysis.units.classify` reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..gazetteer import Gazetteer

__all__ = ["HAN", "Tok", "Unit", "consistent", "keyword_at", "mentioned_place", "parse_head"]

HAN = r"\u4e00-\u9fff"

# ---------------------------------------------------------------------------
# Unit words. Order matters at equal distance from the place chain: specific
# forms (中级人民法院, 公安厅, 司法局) come before generic ones (法院, 厅/局).
# "station" marks field offices (派出所, 司法所, 人民法庭) whose name is their
# town's: admin_level town, tier grassroots.
# ---------------------------------------------------------------------------
_KEYWORDS: tuple[tuple[str, re.Pattern, str, str | None, bool], ...] = tuple(
    (name, re.compile(rx), unit_type, level, named)
    for name, rx, unit_type, level, named in [
        ("political_legal", r"政法(?:委员会|委|系统|机关|战线|队伍|单位|部门|工作)?",
         "political_legal_committee", None, False),
        ("supreme_court", r"最高人民法院", "court", "national", False),
        ("high_court", r"高级人民法院", "court", "province", False),
        ("intermediate_court", r"中级人民法院|中院", "court", "prefecture", False),
        ("tribunal", rf"(?P<name>[{HAN}]{{1,4}}?)人民法庭", "court", "station", True),
        ("court", r"(?:人民)?法院", "court", None, False),
        ("supreme_procuratorate", r"最高人民检察院", "procuratorate", "national", False),
        ("procuratorate", r"(?:人民)?检察(?:院|机关|分院)?", "procuratorate", None, False),
        ("police_station", rf"(?P<name>[{HAN}]{{1,4}}?)派出所", "public_security", "station", True),
        ("police_ministry", r"公安部", "public_security", "national", False),
        ("police_department", r"公安厅", "public_security", "province", False),
        ("police", r"公安|警察|交警|特警|刑警|巡警|警务", "public_security", None, False),
        ("justice_station", rf"(?P<name>[{HAN}]{{1,4}}?)司法所", "justice_administration", "station", True),
        ("justice_ministry", r"司法部", "justice_administration", "national", False),
        ("justice_department", r"司法厅", "justice_administration", "province", False),
        ("justice", r"司法(?:局|行政)", "justice_administration", None, False),
        ("prison", r"监狱", "prison", None, False),
        ("governance_center",
         r"综治中心|社会治理综合服务中心|社会治安综合治理中心|综合治理中心",
         "governance_center", None, False),
        ("law_society", r"法学会", "law_society", None, False),
        ("enterprise", rf"[{HAN}（）()]{{0,14}}?(?:股份有限公司|有限责任公司|有限公司|集团|公司)",
         "enterprise", None, True),
        ("national_agency", rf"国家[{HAN}]{{1,8}}?(?:局|委员会)", "government_department",
         "national", True),
        # 厅/局 end the name of a department; the guard keeps 大厅, 格局, 大局 … out.
        ("department", rf"[{HAN}]{{1,9}}?(?<![大餐客展门格布全变开破结赢胜时当残终饭赌棋新])(?:厅|局|委员会|办公室)",
         "government_department", None, True),
    ]
)
# Structural words inside a unit name: 公安(局)…分局, 区委, 党工委.
_ORG_RE = re.compile(rf"公安局(?=[{HAN}]{{1,6}}?分局)|公安(?=[{HAN}]{{1,6}}?分局)|公安分局|分局"
                     r"|党工委|工委|党委|委(?!员)")
_SUB_RE = re.compile(rf"(?P<name>[{HAN}]{{1,4}}?)(?P<suffix>街道办事处|街道|社区|镇|乡|村)")
_SUB_LEVEL = {"街道办事处": "subdistrict", "街道": "subdistrict", "社区": "community",
              "镇": "town", "乡": "township", "村": "village"}
# 乡村, 乡镇, 镇街 are words, not places; 农村 and 乡村 neither.
_SUB_GUARD = re.compile(r"乡(?=[村镇贤土亲愁风])|镇(?=街)")
_ZONE_RE = re.compile(
    rf"(?P<name>[{HAN}]{{0,4}}?)(?P<suffix>经济技术开发区|高新技术产业开发区|高新技术开发区|"
    rf"经济开发区|工业园区|产业园区|高新区|经开区|开发区|新区|高新(?=[{HAN}]{{0,2}}分局|公安|派出所))")
# Words that never name a place: verbs and nouns of the titles themselves.
_NOT_A_NAME = re.compile("推进|推动|建设|打造|开展|提升|强化|深化|持续|聚焦|全面|坚持|探索|构建|"
                         "创新|实施|加强|做实|夯实|振兴|基层|治理|工作|社会")
# Department names may hold 建设 or 社会 (住房和城乡建设局, 人力资源和社会保障局), not verbs.
_VERBS = re.compile("推进|推动|打造|开展|提升|强化|深化|持续|聚焦|坚持|探索|构建|实施|加强|做实|夯实|筑牢")
_LEVEL_WORDS = {"省": "province", "市": None, "县": "county", "旗": "county", "区": "district",
                "乡": "township", "镇": "town"}
_STATION_WORDS = ("派出所", "司法所", "人民法庭")


@dataclass
class Tok:
    """One token of a title's head: a place, sub-county name, zone, level word or organ."""

    kind: str            # place | sub | zone | level | org
    start: int
    end: int
    text: str
    level: str | None = None
    rows: list = field(default_factory=list)
    how: str = "name"    # name | short | pending (short name awaiting the body)
    hint: str | None = None


@dataclass
class Unit:
    """The unit word of a title (法院, 公安局 …) with its type and level, if it fixes one."""

    unit_type: str
    level: str | None
    start: int
    end: int
    name: str | None


def _gap_ok(gap: str, campaign_words: tuple[str, ...]) -> bool:
    return not any(w in gap for w in campaign_words) and not _NOT_A_NAME.search(gap)


def keyword_at(title: str, pos: int, max_gap: int,
               campaign_words: tuple[str, ...]) -> Unit | None:
    """The unit word that starts at ``pos`` (or within ``max_gap`` characters)."""
    for gap in range(0, max_gap + 1):
        if gap and not _gap_ok(title[pos:pos + gap], campaign_words):
            return None
        for name, rx, unit_type, level, named in _KEYWORDS:
            if gap and named:
                continue  # a named form already carries its own name
            m = rx.match(title, pos + gap)
            if not m:
                continue
            sub = m.groupdict().get("name")
            if sub is not None and (not _gap_ok(sub, campaign_words) or re.search("[局委县市区省]", sub)):
                continue
            if name == "department" and (any(w in m.group(0) for w in campaign_words)
                                         or _VERBS.search(m.group(0))):
                continue
            if name == "department" and m.group(0).endswith("厅"):
                level = "province"
            return Unit(unit_type, level, m.start(), m.end(), sub)
    return None


def consistent(row: dict, parents: list[dict]) -> bool:
    """Is ``row`` inside one of ``parents`` (a province or a prefecture)?"""
    for p in parents:
        if p["province"] != row["province"]:
            continue
        if p["level"] == "province" or p["level"] != "prefecture" or row["prefecture"] == p["name"]:
            return True
    return False


def _place_rows(gaz: Gazetteer, title: str, pos: int, prev: list[dict],
                max_gap: int, campaign_words: tuple[str, ...]) -> Tok | None:
    """Longest gazetteer name (full or alias; else a short name) starting at ``pos``."""
    for n in range(min(gaz.max_len, len(title) - pos), 1, -1):
        key = title[pos:pos + n]
        rows = gaz.by_name.get(key)
        if rows and key.endswith("区") and title.startswith("域", pos + n):
            continue  # 平安区域 is "safe area", not 平安区
        if rows:
            if prev:
                rows = [r for r in rows if consistent(r, prev)] or rows
            return Tok("place", pos, pos + n, key, rows=rows)
    if any(rx.match(title, pos) for _, rx, _, _, named in _KEYWORDS if not named):
        return None  # 公安 is a unit word before it is the short name of 公安县 (湖北)
    for n in range(min(gaz.max_len, len(title) - pos), 1, -1):
        key = title[pos:pos + n]
        rows = gaz.by_short.get(key)
        if not rows:
            continue
        if prev:
            rows = [r for r in rows if consistent(r, prev)]
            if not rows:
                continue
        end = pos + n
        rest = title[end:]
        # A short name counts when a unit word follows it (紫阳公安, 榆阳分局,
        # 安陆经济开发区), or when it is a province at the head (贵州…). Field
        # offices are named after their town, not a county: 曲江派出所 is left alone.
        station = rest.startswith(_STATION_WORDS)
        follows = (_ORG_RE.match(title, end) or _ZONE_RE.match(title, end)
                   or keyword_at(title, end, max_gap, campaign_words))
        head_province = pos == 0 and all(r["level"] == "province" for r in rows)
        if station:
            continue
        how = "short" if (follows or head_province) else "pending"
        if how == "pending" and (pos != 0 or _SUB_RE.match(title, pos)):
            continue
        if rest.startswith(("州", "县", "市", "区")):
            continue
        return Tok("place", pos, end, key, rows=rows, how=how)
    return None


def _sub_at(title: str, pos: int, campaign_words: tuple[str, ...]) -> Tok | None:
    m = _SUB_RE.match(title, pos)
    if not m or _SUB_GUARD.match(title, m.start("suffix")):
        return None
    name = m["name"]
    if not _gap_ok(name, campaign_words) or re.search("[省市县州]", name) or name[-1] in "农乡":
        return None
    return Tok("sub", m.start(), m.end(), m.group(0), level=_SUB_LEVEL[m["suffix"]])


def _zone_at(title: str, pos: int, campaign_words: tuple[str, ...]) -> Tok | None:
    m = _ZONE_RE.match(title, pos)
    if not m or not _gap_ok(m["name"], campaign_words) or re.search("[省市县州区]", m["name"]):
        return None
    return Tok("zone", m.start(), m.end(), m.group(0), level="development_zone",
                hint=m["name"] or None)


def parse_head(gaz: Gazetteer, title: str, max_gap: int,
               campaign_words: tuple[str, ...]) -> list[Tok]:
    """Tokens naming the unit at the head of the title: places, zones, 公安…分局, 区委."""
    toks: list[Tok] = []
    pos = 0
    if title[0] in _LEVEL_WORDS and keyword_at(title, 1, 0, campaign_words):
        toks.append(Tok("level", 0, 1, title[0], level=_LEVEL_WORDS[title[0]]))
        return toks
    while pos < len(title):
        prev = [r for t in toks if t.kind == "place" and t.how != "pending" for r in t.rows]
        org = _ORG_RE.match(title, pos) if (toks or pos == 0) else None
        if org and (toks or org.group(0).startswith("公安")):
            hint = "public_security" if "公安" in org.group(0) else (
                None if org.group(0) == "分局" else "party_committee")
            toks.append(Tok("org", pos, org.end(), org.group(0), hint=hint))
            pos = org.end()
            continue
        cands = [t for t in (_place_rows(gaz, title, pos, prev, max_gap, campaign_words),
                             _sub_at(title, pos, campaign_words),
                             _zone_at(title, pos, campaign_words)) if t]
        if not cands:
            break
        place = next((t for t in cands if t.kind == "place"), None)
        best = max(cands, key=lambda t: (t.end, t.kind == "place"))
        # 矿区社区: a county name followed directly by 社区/村 is the community's own
        # name. Otherwise the gazetteer name wins and the rest (经济开发区, 西长安街街道)
        # is parsed as the next token.
        if place and best is not place:
            rest = best.text[len(place.text):] if best.text.startswith(place.text) else None
            if not (best.kind == "sub" and rest in _SUB_LEVEL):
                best = place
        if best.how == "pending" and toks:
            break
        toks.append(best)
        pos = best.end
        if best.how == "pending":
            break
    return toks


def mentioned_place(gaz: Gazetteer, title: str) -> Tok | None:
    """A prefecture or province named inside the title (以宣城市…为例)."""
    for i in range(1, len(title)):
        for n in range(min(gaz.max_len, len(title) - i), 2, -1):
            rows = gaz.by_name.get(title[i:i + n])
            if rows and all(r["level"] in ("province", "prefecture") for r in rows):
                return Tok("place", i, i + n, title[i:i + n], rows=rows)
    return None

