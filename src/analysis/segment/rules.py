"""The filter rules of the segmenter: punctuation, numbers, place names.

Every word jieba returns is classed by the first rule that fires (see
:meth:`analysis.segment.Segmenter.explain`). The rules that look at the word
alone live here; stopword layers and the lexicon are read by
:mod:`analysis.segment.wordlists`.
"""

from __future__ import annotations

import re

__all__ = ["CJK", "COMMON_WORD_FREQ", "RARE_WORD_FREQ", "LEVEL_TAGS", "NUMBER_FRAGMENT_RE", "NUMBER_RE",
           "PLACE_EXCEPTIONS", "PLACE_MODES", "PLACE_SUFFIXES", "WORDCHAR_RE",
           "is_number", "is_place", "place_index", "place_level"]

#: Placeholder of each gazetteer level (``places = "placeholder"``).
LEVEL_TAGS = {"province": "<province>", "prefecture": "<prefecture>", "county": "<county>",
              "district": "<county>", "development_zone": "<county>",
              "township": "<town>", "subdistrict": "<town>", "village": "<village>"}
# Level of a place known by its suffix only (longest suffix first).
_SUFFIX_LEVELS = (("自治区", "province"), ("自治州", "prefecture"), ("街道", "subdistrict"),
                  ("省", "province"), ("州", "prefecture"), ("市", "prefecture"),
                  ("县", "county"), ("区", "district"), ("旗", "county"),
                  ("镇", "township"), ("乡", "township"), ("村", "village"))
_LEVEL_RANK = {lv: i for i, lv in enumerate(["province", "prefecture", "county", "district",
                                               "development_zone", "township",
                                               "subdistrict", "village"])}
#: A short form of a county or higher unit (乳源, 玉溪) counts as a place whatever
#: jieba's tag, unless jieba's own dictionary gives it at least this frequency (a
#: common word: 资源, 公安, 合作, 延长 are also county short forms); then only when
#: tagged ns.
COMMON_WORD_FREQ = 1000
#: The 38,000 township short forms include many common words (民生, 法官, 合力,
#: 源头 are towns or subdistricts too): one counts as a place when tagged ns or
#: when jieba's dictionary holds it below this frequency (鳌峰: 3, a rare word).
RARE_WORD_FREQ = 10
PLACE_MODES = ("drop", "placeholder", "keep")

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORDCHAR_RE = re.compile(rf"[{CJK}A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
CN_DIGITS = "零〇一二三四五六七八九十百千万亿两"
# A count, date part or percentage: digits or Chinese numerals, optionally
# "余/多" and one unit character. "四治" or "一线" are not matched.
NUMBER_RE = re.compile(
    rf"^(?:[0-9０-９.．,%％‰+\-~～/:：]+|[{CN_DIGITS}]+|[0-9０-９.．]+[{CN_DIGITS}]+)"
    r"[余多几]?[年月日号时分秒个次人件元户场名家条项起批支级类种位岁天周]?$"
)
# Units that follow a count (longest first); 元 is not one after a bare 多 (多元).
_UNITS = ("人次|场次|户次|件次|平方公里|平方米|公里|公顷|小时|元|亩|辆|套|册|份|名|家|项|天|"
          "场|次|件|户|位|个|人|起|批|所|条|支|吨|台|部|本|张|间|栋|篇|期|轮|处|年|月")
_COUNT_UNITS = _UNITS.replace("元|", "").replace("|年|月", "").replace("处|", "")
#: Fragments of counts and amounts whose digits jieba cut off (万余人次, 多万元,
#: 余件, 一个多), whatever the unit word.
NUMBER_FRAGMENT_RE = re.compile(
    rf"^(?:[万亿千百]+[余多]?(?:{_UNITS})?|余[万亿千百]?(?:{_UNITS})|多[万亿千百]+(?:{_UNITS})?"
    rf"|多(?:{_COUNT_UNITS})|[{CN_DIGITS}0-9]+个?[余多])$"
)
#: Suffixes of Chinese administrative units used by the place rule.
PLACE_SUFFIXES = ("街道", "省", "市", "县", "区", "镇", "乡", "村", "州", "旗")
# jieba tags these words ns (or they carry a suffix) but in this corpus they are
# common nouns or governance vocabulary, not places. Reviewed on the seed
# corpus; see data/lexicon/README.md ("Place names"). Issue 15 took out 西山 东关
# 城关 城南 河东 永安 三江 府城 铜城 山城: in the corpus they name places
# (西山瑶族乡, 城关派出所, 河东社区, 府城法庭).
PLACE_EXCEPTIONS = frozenset(
    "城市 文明城市 城镇 山村 新村 山区 湖区 四区 各乡镇 治安 德治 满意度 三联 美丽 "
    "法治化 普及 深度 安宁 长安 桥头堡 保平安 宜居 美德 锦旗 山林 定岗 治本 爱国 "
    "延时 重大意义 多角度 各支部 扎根 广度 契约 关联 广大干部 法律条文 江水 高山 "
    "新建 上山 大桥 千山 松林 枫桥 平安县 湖 美 香 德 南 云 坪 河 榆 朝 庐 "
    "平安 中心 城区 郊区 "
    # short forms of counties or townships that are common words here (issue 15):
    # 惠民政策, 投资兴业, 平和的方式, 九龙治水, 乡贤, 首善标准, 民族团结
    "惠民 兴业 平和 九龙 乡贤 首善 民族团结".split()
)


def is_number(word: str) -> bool:
    """Whether a word is a number, date, percentage, count or a fragment of one."""
    return bool(NUMBER_RE.match(word) or NUMBER_FRAGMENT_RE.match(word))


def _put(index: dict, name: str, level: str) -> None:
    # a name at several levels (海南: province and 海南州) takes the highest
    if name and (name not in index or _LEVEL_RANK[level] < _LEVEL_RANK[index[name]]):
        index[name] = level


def place_index(gazetteer=None, townships=None) -> tuple[dict, dict]:
    """``(full, short)``: level of every full name/alias and of every short form.

    ``gazetteer`` is a :class:`analysis.gazetteer.Gazetteer` (province to county),
    ``townships`` a :class:`analysis.gazetteer.Townships`; either may be None. A
    short form that is also a full name is only in ``full``; one of a county or
    higher unit and of a township takes the higher level.
    """
    out: dict[str, dict[str, str]] = {"full": {}, "short": {}}
    for kind, gaz_rows, town_levels in (
            ("full", gazetteer and gazetteer.by_name, townships and townships.names),
            ("short", gazetteer and gazetteer.by_short, townships and townships.short)):
        for name, rows in (gaz_rows or {}).items():
            for row in rows:
                _put(out[kind], name, row["level"])
        for name, level in (town_levels or {}).items():
            _put(out[kind], name, level)
    full = out["full"]
    return full, {k: v for k, v in out["short"].items() if k not in full}


def place_level(word: str, pos: str, full: dict, short: dict, freq: dict) -> str | None:
    """Level of a place name (a key of :data:`LEVEL_TAGS`), or None if not a place.

    A word is a place if it is not in :data:`PLACE_EXCEPTIONS`, has two or more
    characters and either (a) is a full gazetteer name of any level, down to
    townships and subdistricts (``full``: 全椒县, 鳌峰街道); (b) is tagged
    ``ns``/``nr``/``nrt`` and ends in an administrative suffix
    (:data:`PLACE_SUFFIXES`: 小岗村); or (c) is a short gazetteer form
    (``short``: 乳源, 西津) tagged ``ns`` or whose frequency in jieba's own
    dictionary (``freq``) is below :data:`COMMON_WORD_FREQ` (county and higher)
    or :data:`RARE_WORD_FREQ` (townships and subdistricts).
    """
    if word in PLACE_EXCEPTIONS or len(word) < 2:
        return None
    level = full.get(word)
    if level is not None:
        return level
    if pos in ("ns", "nr", "nrt") and word.endswith(PLACE_SUFFIXES):
        return next(lv for suf, lv in _SUFFIX_LEVELS if word.endswith(suf))
    level = short.get(word)
    if level is None:
        return None
    limit = RARE_WORD_FREQ if _LEVEL_RANK[level] >= _LEVEL_RANK["township"] else COMMON_WORD_FREQ
    return level if pos == "ns" or freq.get(word, 0) < limit else None


def is_place(word: str, pos: str, full: dict, short: dict, freq: dict) -> bool:
    """Whether :func:`place_level` finds a level for the word."""
    return place_level(word, pos, full, short, freq) is not None
