"""Segmentation engines: a private jieba, and jieba-rs made to give its output.

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
import logging
import re
from contextlib import contextmanager

__all__ = ["AMBIGUOUS", "BACKENDS", "PROBE_TEXTS", "BackendFallbackWarning", "RJieba",
           "new_jieba", "static_rjieba_problem"]

BACKENDS = ("jieba", "rjieba", "auto")

# jieba.posseg's Han block (re_han_internal) and one ASCII letter or digit (re_eng1).
_POSSEG_HAN_RE = re.compile("[\u4E00-\u9FD5a-zA-Z0-9+#&\\._]+")
_ASCII_ALNUM_RE = re.compile("[a-zA-Z0-9]+")
# Padding entry that brings jieba-rs's total to jieba's (never in a text block).
_PAD_WORD = "\ue000\ue001"
AMBIGUOUS = "\x00ambiguous"   # tag placeholder: jieba's tag needs the route
PROBE_TEXTS = (
    "2024年10月,白银市召开平安建设推进会,群众满意度达96.85%,同比上升3.2个百分点。",
    "推行“1+6+N”工作机制,落实A级标准和5G+智慧警务、QQ群与ABC-123号。",
    "坚持和发展新时代“枫桥经验”,矛盾纠纷多元化解,网格员走访3000余户 。",
)


class BackendFallbackWarning(UserWarning):
    """The fast segmentation backend cannot promise jieba's output; jieba is used."""


@contextmanager
def quiet_jieba():
    """Silence jieba's logger inside the block."""
    # jieba logs "Building prefix dict ..." at DEBUG on every new Tokenizer.
    logger = logging.getLogger("jieba")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


@functools.lru_cache(maxsize=1)
def jieba_base() -> tuple[dict, int, dict]:
    """jieba's default dictionary (word frequencies, total, POS tags), read once."""
    import jieba
    import jieba.posseg

    with quiet_jieba():
        tok = jieba.Tokenizer()
        tok.initialize()
        tags = jieba.posseg.POSTokenizer(tok).word_tag_tab
    return tok.FREQ, tok.total, tags


def new_jieba(lexicon: list[tuple[str, int | None, str | None]]):
    """A private ``Tokenizer`` + ``POSTokenizer`` pair holding ``lexicon``.

    Both start from copies of the default dictionary read once per process
    (building one from the dictionary file costs about 1.5 s), so no two
    segmenters, and not ``jieba.dt``, share mutable state.
    """
    import jieba
    import jieba.posseg

    freq, total, tags = jieba_base()
    tok = jieba.Tokenizer()
    tok.FREQ, tok.total, tok.initialized = dict(freq), total, True
    for word, f, tag in lexicon:
        tok.add_word(word, f, tag)
    # POSTokenizer.__init__ would re-read the dictionary file for its tags.
    pos = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
    pos.tokenizer = tok
    pos.word_tag_tab = dict(tags)
    return tok, pos


class RJieba:
    """jieba-rs holding a copy of a jieba tokenizer's dictionary; jieba's tags.

    ``cut`` returns jieba-rs words; ``tag`` gives the tag ``jieba.posseg``
    (no HMM) would give each word, or ``AMBIGUOUS`` where that depends on
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
        """jieba.posseg's tag of one jieba-rs word, or :data:`AMBIGUOUS`."""
        if _ASCII_ALNUM_RE.fullmatch(word):
            # posseg runs single letters/digits of the route into one "eng"
            # word; a dictionary word of them keeps its own tag.
            return AMBIGUOUS if len(word) > 1 and self.freq.get(word) else "eng"
        if _POSSEG_HAN_RE.fullmatch(word):
            return self.tags.get(word, "x")
        if len(word) == 1 or word == "\r\n":
            return "x"
        return AMBIGUOUS   # spans a posseg block boundary: jieba cannot give it


def static_rjieba_problem(lexicon: list[tuple[str, int | None, str | None]],
                          hmm: bool) -> str | None:
    """Why jieba-rs cannot reproduce a jieba set-up, known before any probe (or None)."""
    if hmm:
        return "hmm=True: jieba.posseg's HMM has no jieba-rs counterpart"
    if any(f == 0 for _, f, _ in lexicon):
        return "a user word has frequency 0 (jieba's forced split)"
    return None
