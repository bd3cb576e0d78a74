"""The codebook of issuing units: values, tiers, labels, and :class:`UnitInfo`.

The definitions are in ``data/codebook.md``; this module holds the values the
classifier, the overrides and the figures share.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ADMIN_LEVELS", "FIELDS", "SOURCES", "TIERS", "TIER_OF", "UNIT_TYPES",
           "UNIT_TYPE_ZH", "UnitInfo"]

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

