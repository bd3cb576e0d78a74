"""The segmenter: jieba with a governance lexicon, layered stopwords, place rules.

:class:`Segmenter` owns a private ``jieba.Tokenizer`` (and a
``jieba.posseg.POSTokenizer`` on top of it), so the global ``jieba.dt`` is
never touched. Text goes through one pipeline, in this order:

1. traditional → simplified (OpenCC ``t2s``), if ``convert_traditional``;
2. jieba with POS tags (``hmm=False`` by default: the HMM guesses new words,
   which makes token sets depend on accidents of the text); or jieba-rs made
   to give the same words and tags (:mod:`analysis.segment.backends`);
3. per word, the first rule that fires decides (see :meth:`Segmenter.explain`):
   ``punct`` (no CJK letter or digit) · ``place`` (dropped, a level tag such as
   ``<county>`` or kept) · ``number`` (numbers, dates, percentages, counts and
   their fragments) · ``stopword:<layer>`` (layers in their order) · ``min_len`` ·
   ``pos`` (tag not in ``pos_keep``).

The lexicon layers (``data/lexicon/<layer>.txt``) and the stopword layers
(``data/stopwords/<layer>.txt``) are plain UTF-8 word lists read by
:mod:`analysis.segment.wordlists`. Token lists are cached on disk, keyed by the
sha256 of the texts, lexicon bytes, stopword bytes, gazetteer bytes, options,
the jieba version and the source of the modules that decide tokens
(:data:`TOKEN_CODE`).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import warnings
from pathlib import Path

from ..config import SegmentParams, resolve
from ..gazetteer import load_gazetteer, load_townships
from . import backends, rules, wordlists
from .backends import AMBIGUOUS, BACKENDS, PROBE_TEXTS, BackendFallbackWarning, RJieba
from .rules import LEVEL_TAGS, PLACE_MODES, WORDCHAR_RE
from .sentences import split_sentences
from .wordlists import read_lexicon, read_stopwords

__all__ = ["TOKEN_CODE", "Segmenter"]

#: Modules whose source decides the tokens: their bytes are part of the cache key
#: (audits, formulas and sentence splitting are not, so editing them keeps the cache).
TOKEN_CODE = (Path(__file__), Path(backends.__file__), Path(rules.__file__),
              Path(wordlists.__file__))
_MEMO_MAX = 1_000_000
_TAG_RANK = {tag: i for i, tag in enumerate(dict.fromkeys(LEVEL_TAGS.values()))}


def _sha(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def _version(pkg: str) -> str:
    try:
        return importlib.metadata.version(pkg)
    except importlib.metadata.PackageNotFoundError:
        return "none"


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
    lexicon : path, list, dict, False or None
        User dictionary: a file (``word [freq] [tag]`` per line), a list of
        words or ``(word, freq, tag)`` tuples, layers ``{name: file or list}``
        (added in order; ``lexicon_layers_`` keeps each layer's words), or
        ``None``/``False``/``[]`` for none (the project's layers come with
        :meth:`from_params`). A missing frequency is set by
        ``Tokenizer.suggest_freq`` (whole-word minimum).
    stopwords : dict, list, False or None
        Stopword layers ``{name: path or iterable of words}`` (applied in
        order), a list of paths (layer named by file stem), or
        ``None``/``False``/``{}`` for none.
    pos_keep : iterable of str, "all" or None
        jieba POS tags to keep (exact tags); ``"all"`` or ``None`` keeps every tag.
    min_len : int
        Tokens shorter than this (in characters) are dropped.
    drop_numbers : bool
        Drop numbers, dates, percentages, counts and their fragments (万余人次).
    places : {"drop", "placeholder", "keep"}
        What to do with place names (see :meth:`place_level`). ``placeholder``
        maps each to its level tag (:data:`analysis.segment.rules.LEVEL_TAGS`:
        ``<county>``, ``<town>`` …); adjacent place words give one tag, the
        finest level among them.
    convert_traditional : bool
        Convert traditional to simplified characters (OpenCC ``t2s``) first.
    hmm : bool
        Let jieba's HMM join unknown words.
    cache_dir : path, False or None
        Cache folder for :meth:`tokenize`; ``None`` or ``False``: no cache.
    backend : {"rjieba", "jieba", "auto"}
        Segmentation engine: pure-Python jieba, or jieba-rs with jieba's
        dictionary and tags (same output, see the module docstring; falls back
        to jieba with a :class:`BackendFallbackWarning` when it cannot promise
        that). ``"auto"`` is rjieba when it can, else jieba. The engine in use
        is ``backend_``; texts given to jieba by the per-text guard are counted
        in ``n_fallback_texts_``.
    gazetteer : path or None
        Divisions table (:func:`analysis.gazetteer.load_gazetteer`) whose full
        and short names the place rule uses; ``None``: suffix rule only.
    townships : path or None
        Township table (:func:`analysis.gazetteer.load_townships`): names and
        short forms of towns, townships and subdistricts for the place rule.
    """

    def __init__(self, lexicon=None, stopwords=None, *, pos_keep=None, min_len=2,
                 drop_numbers=True, places="drop", convert_traditional=True, hmm=False,
                 cache_dir=None, backend="rjieba", gazetteer=None, townships=None):
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
        self.gazetteer = gazetteer
        self.townships = townships

    # ------------------------------------------------------------ construction
    @classmethod
    def from_params(cls, p: SegmentParams, *, root: Path, gazetteer=None,
                    cache_dir=None) -> "Segmenter":
        """Build from a :class:`analysis.config.SegmentParams` (``[segment]``).

        Relative paths resolve against ``root``; ``gazetteer`` is the divisions
        table whose names ``places`` acts on; ``cache_dir`` holds token caches.
        """
        sw_dir = resolve(p.stopword_dir, root)
        layers = {name: sw_dir / f"{name}.txt" for name in p.stopword_layers}
        lex_dir = resolve(p.lexicon_dir, root)
        return cls(
            lexicon={name: lex_dir / f"{name}.txt" for name in p.lexicon_layers},
            stopwords=layers,
            pos_keep=p.pos_keep if isinstance(p.pos_keep, str) else list(p.pos_keep),
            min_len=p.min_len,
            drop_numbers=p.drop_numbers,
            places=p.places,
            convert_traditional=p.convert_traditional,
            hmm=p.hmm,
            backend=p.backend,
            gazetteer=gazetteer,
            townships=resolve(p.townships, root) if p.townships else None,
            cache_dir=cache_dir,
        )

    def get_params(self) -> dict:
        """Constructor arguments, as stored."""
        keys = ["lexicon", "stopwords", "pos_keep", "min_len", "drop_numbers", "places",
                "convert_traditional", "hmm", "cache_dir", "backend", "gazetteer", "townships"]
        return {k: getattr(self, k) for k in keys}

    def setup(self) -> "Segmenter":
        """Read the lexicon, stopwords and gazetteer and build the tokenizers now, not at
        the first text (e.g. before forking, so that forked processes share them).
        Returns ``self``."""
        self._setup()
        return self

    def _setup(self) -> None:
        """Read the lexicon, stopwords and gazetteer; build the tokenizers (once)."""
        if hasattr(self, "key_"):
            return
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, got {self.backend!r}")
        if self.places not in PLACE_MODES:
            raise ValueError(f"places must be one of {PLACE_MODES}, got {self.places!r}")
        lexicon, stopwords = self.lexicon, self.stopwords
        pos_keep = "all" if self.pos_keep is None else self.pos_keep

        self.lexicon_, lex_bytes, self.lexicon_layers_ = read_lexicon(lexicon)
        self.stopword_layers_, sw_bytes = read_stopwords(stopwords)
        self.pos_keep_ = None if pos_keep in ("all", "*") else frozenset(pos_keep)
        gaz = load_gazetteer(self.gazetteer) if self.gazetteer is not None else None
        towns = load_townships(self.townships) if self.townships is not None else None
        self.gazetteer_, self.gazetteer_short_ = rules.place_index(gaz, towns)
        self.word_freq_ = backends.jieba_base()[0]   # jieba's own, without user words

        self.tokenizer_, self.pos_tokenizer_ = backends.new_jieba(self.lexicon_)
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
        gaz = Path(self.gazetteer) if self.gazetteer is not None else None
        towns = Path(self.townships) if self.townships is not None else None
        self.fingerprint_ = {
            "lexicon_sha256": _sha(lex_bytes),
            "stopwords_sha256": {k: _sha(v) for k, v in sw_bytes.items()},
            "options": options,
            "jieba": _version("jieba"),
            "opencc": _version("opencc") if self.convert_traditional else None,
            "gazetteer_sha256": _sha(gaz.read_bytes()) if gaz else None,
            "townships_sha256": _sha(towns.read_bytes()) if towns else None,
            "code_sha256": _sha(b"".join(p.read_bytes() for p in TOKEN_CODE)),
        }
        self.key_ = _sha(json.dumps(self.fingerprint_, sort_keys=True, ensure_ascii=False))

    # ------------------------------------------------------------ per text
    def normalize(self, text: str) -> str:
        """Text as segmented: traditional → simplified when configured."""
        self._setup()
        return self.converter_.convert(text) if self.converter_ is not None else text

    def _setup_rjieba(self) -> None:
        """Use jieba-rs when it can reproduce this tokenizer; else warn and keep jieba."""
        problem = backends.static_rjieba_problem(self.lexicon_, self.hmm)
        if problem is None:
            try:
                engine = RJieba(self.tokenizer_, self.pos_tokenizer_)
            except (ImportError, ValueError) as exc:
                problem = f"rjieba unavailable: {exc}"
            else:
                self.rjieba_ = engine
                self.tags_ = _Memo(engine.tag)
                self.backend_ = "rjieba"
                probe = list(PROBE_TEXTS) + [f"在{w}和{w}中。" for w, _, _ in self.lexicon_]
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
        if any(t is AMBIGUOUS for _, t in out):
            self.n_fallback_texts_ += 1
            return self._words_jieba(text, normalized=True)
        return out

    def words(self, text: str) -> list[tuple[str, str]]:
        """Every word with its jieba POS tag, unfiltered (joins back to the text)."""
        self._setup()
        if self.rjieba_ is not None:
            return self._words_rjieba(text)
        return self._words_jieba(text)

    def place_level(self, word: str, pos: str) -> str | None:
        """Level of a place name, or None (:func:`analysis.segment.rules.place_level`
        with this segmenter's gazetteer and townships)."""
        self._setup()
        return rules.place_level(word, pos, self.gazetteer_, self.gazetteer_short_,
                                 self.word_freq_)

    def is_place(self, word: str, pos: str) -> bool:
        """Whether a word is a place name (:meth:`place_level` finds a level)."""
        return self.place_level(word, pos) is not None

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
        chain = None   # index in ``out`` of the placeholder of the current run of places
        placeholder = self.places == "placeholder"
        decisions = self.decisions_
        for pair in words:
            reason, tok = decisions[pair]
            if reason != "place":
                chain = None
            elif not placeholder:
                tok = None
            elif chain is None:
                chain = len(out)
            else:
                # adjacent place words give one tag: the finest level among them
                first = out[chain]
                if _TAG_RANK[tok] > _TAG_RANK[first[2]]:
                    out[chain] = (first[0], first[1], tok, first[3])
                tok = None
            out.append((pair[0], pair[1], tok, reason))
        return out

    def _decide(self, pair: tuple[str, str]) -> tuple[str, str | None]:
        """(reason, token) of one (word, tag), before the placeholder rule."""
        word, pos = pair
        w = word.strip()
        if not w or not WORDCHAR_RE.search(w):
            return "punct", None
        if self.places != "keep":
            level = self.place_level(w, pos)
            if level is not None:
                return "place", LEVEL_TAGS[level]
        reason = self._reason(w, pos)
        return reason, (w if reason == "keep" else None)

    def _fast_token(self, word: str) -> str | None:
        """Token of one jieba-rs word (places dropped or kept); notes ambiguous words."""
        tag = self.tags_[word]
        if tag is AMBIGUOUS:
            self.ambiguous_words_.add(word)
            return None
        reason, tok = self.decisions_[(word, tag)]
        return None if reason == "place" else tok

    def _reason(self, w: str, pos: str) -> str:
        if self.drop_numbers and rules.is_number(w):
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
        texts, lexicon, stopword and gazetteer bytes, options, the jieba and
        OpenCC versions and the code in :data:`TOKEN_CODE`: any change gives a
        new key. Writes are atomic. Without ``cache_dir`` nothing is cached.
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
        if self.cache_dir is False or self.cache_dir is None:
            return None
        base = Path(self.cache_dir)
        return base / f"{self.cache_key(texts)}.json"

    def __getstate__(self) -> dict:
        # jieba tokenizers hold a lock; pickle the parameters only and rebuild
        # lazily (for process pools and Dask workers).
        return {k: v for k, v in self.__dict__.items() if not k.endswith("_")}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"Segmenter({args})"

