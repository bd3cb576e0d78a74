"""The filter rules of the segmenter: punctuation, numbers, place names.

Every word jieba returns is classed by the first rule that fires (see
:meth:`analysis.segment.Segmenter.explain`). The rules that look at the word
alone live here; stopword layers and the lexicon are read by
:mod:`analysis.segment.wordlists`.
"""

from __future__ import annotations

import re

__all__ = ["CJK", "NUMBER_RE", "PLACE_EXCEPTIONS", "PLACE_MODES", "PLACE_SUFFIXES",
           "PLACE_TOKEN", "WORDCHAR_RE", "is_place"]

PLACE_TOKEN = "<PLACE>"
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
#: Suffixes of Chinese administrative units used by the place rule.
PLACE_SUFFIXES = ("街道", "省", "市", "县", "区", "镇", "乡", "村", "州", "旗")
# jieba tags these words ns (or they carry a suffix) but in this corpus they are
# common nouns or governance vocabulary, not places. Reviewed on the seed
# corpus; see data/lexicon/README.md ("Place names").
PLACE_EXCEPTIONS = frozenset(
    "城市 文明城市 城镇 山村 新村 山区 湖区 四区 各乡镇 治安 德治 满意度 三联 美丽 "
    "法治化 普及 深度 安宁 长安 桥头堡 保平安 宜居 美德 锦旗 山林 定岗 治本 爱国 "
    "延时 重大意义 多角度 各支部 扎根 广度 契约 关联 广大干部 法律条文 江水 高山 "
    "新建 上山 大桥 千山 松林 枫桥 平安县 湖 美 香 德 南 云 坪 河 榆 朝 庐 "
    "平安 中心 西山 东关 城关 城南 河东 永安 三江 府城 铜城 山城 城区 郊区".split()
)


def is_place(word: str, pos: str, names: frozenset, short_names: frozenset) -> bool:
    """Whether a word is a place name.

    A word is a place if it is not in :data:`PLACE_EXCEPTIONS`, has two or more
    characters and either (a) is a full gazetteer name (``names``: provinces,
    prefectures, counties); (b) is tagged ``ns``/``nr``/``nrt`` and ends in an
    administrative suffix (:data:`PLACE_SUFFIXES`); or (c) is tagged ``ns`` and
    is a short gazetteer name (``short_names``: 滁州, 灌阳).
    """
    if word in PLACE_EXCEPTIONS or len(word) < 2:
        return False
    if word in names:
        return True
    if pos in ("ns", "nr", "nrt") and word.endswith(PLACE_SUFFIXES):
        return True
    return pos == "ns" and word in short_names
