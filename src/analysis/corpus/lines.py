"""Rules for one source line: cleaning, title keys, headings, dates, web-page text."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_line", "ends_paragraph", "is_heading", "is_marker", "parse_date",
           "title_key"]

_CN_NUM = "一二三四五六七八九十"
SECTION_RE = re.compile(rf"^[{_CN_NUM}]+\s*[、.．]\s*(?P<name>\S.*?)\s*$")
# One TOC entry: "12.标题……………37". Several can share a line; leaders vary
# (… ⋯ · . and stray spaces between them).
TOC_ENTRY_RE = re.compile(
    r"(?P<num>\d{1,4})\s*[.．、]\s*(?P<title>\S.*?)\s*"
    r"(?:[…⋯]|\.{2,}|·{2,})[…⋯.·\s]*?(?P<page>\d{1,5})(?=\s|$)"
)
DATE_RE = re.compile(r"[（(]\s*(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*[）)]")
_HEADING_RE = re.compile(
    rf"^(?:[{_CN_NUM}]+、|[（(][{_CN_NUM}]+[）)]|\d{{1,2}}\s*[.．、](?!\d))"
)
#: Web-page text: the first of these ends the compilation (paywall or footer).
PAYWALL_MARKERS = ("阅读全文", "想阅读完全部图文内容", "您需要先登陆")
FOOTER_MARKERS = ("本文标题:", "本文标题：", "链接地址:", "链接地址：", "微信扫一扫", "请选择打赏类型")
_SENTENCE_END = "。!?！？;；:：…】]"
_CLOSERS = "”’）)」』"
_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")


def clean_line(line: str) -> str:
    """Normalise one source line: NFC, no-break spaces, spaces next to Chinese."""
    line = unicodedata.normalize("NFC", line).replace("\u00a0", " ").replace("\u3000", " ")
    line = _SPACE_NEAR_CJK.sub("", line.strip())
    line = re.sub(r"^(\d{1,2}) +(?=[.．、])", r"\1", line)  # "1 .以…" → "1.以…"
    return re.sub(r"[ \t]{2,}", " ", line)


def title_key(title: str) -> str:
    """Comparison key for titles: no spaces, unified quotes and punctuation."""
    title = clean_line(title)
    title = DATE_RE.sub("", title)
    table = str.maketrans({'"': "", "“": "", "”": "", "'": "", "‘": "", "’": "",
                           ",": ",", "：": ":", " ": ""})
    return title.translate(table)


def is_heading(text: str) -> bool:
    """A section heading such as ``一、…``, ``（一）…`` or ``1.…`` (short, not a sentence)."""
    if not _HEADING_RE.match(text):
        return False
    inner = text.rstrip("。")
    return len(text) <= 60 and "。" not in inner


def ends_paragraph(text: str) -> bool:
    """True when a line ends a sentence, so the next line starts a new paragraph."""
    if not text:
        return True
    if text[-1] in _SENTENCE_END:
        return True
    if text[-1] in _CLOSERS:
        stripped = text.rstrip(_CLOSERS)
        return bool(stripped) and stripped[-1] in _SENTENCE_END
    return False


def is_marker(text: str, markers: tuple[str, ...]) -> bool:
    """Does the line hold one of ``markers`` (paywall or footer text)?"""
    return any(m in text for m in markers)


def parse_date(text: str) -> str | None:
    """``YYYY-MM-DD`` of a printed ``（2024年10月14日）``, else None."""
    m = DATE_RE.search(text)
    if not m:
        return None
    return f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
