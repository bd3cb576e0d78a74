"""Audits of the segmenter on a corpus: what the lexicon, filters and places do.

Each audit takes the paragraphs table and a built
:class:`~analysis.segment.Segmenter` and returns a DataFrame; the segment stage
writes them as ``results/segmentation_audit*.csv``.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from .segmenter import Segmenter
from .sentences import split_sentences
from .wordlists import read_false_matches

__all__ = ["audit_samples", "filter_audit", "heldout_audit", "lexicon_false_matches",
           "occurrences_whole", "place_audit", "plain_segmenter", "segmentation_audit",
           "stopword_audit"]


def occurrences_whole(words: list[tuple[str, str]], text: str, term: str,
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


def plain_segmenter(segmenter: Segmenter) -> Segmenter:
    """The same segmenter without lexicon: plain jieba with the same options."""
    return Segmenter(**{**segmenter.get_params(), "lexicon": False, "cache_dir": False})


def lexicon_false_matches(segmenter: Segmenter) -> dict[str, list[str]]:
    """Reviewed string matches that are not the term, per lexicon word.

    Read from the reviewed table ``<layer>.tsv`` next to each user dictionary
    file ``<layer>.txt`` (column ``false_matches``); empty without such tables.
    """
    lex = segmenter.lexicon
    files = list(lex.values()) if isinstance(lex, dict) else [lex]
    out: dict[str, list[str]] = {}
    for f in files:
        if isinstance(f, (str, os.PathLike)) and Path(f).with_suffix(".tsv").exists():
            out.update(read_false_matches(Path(f).with_suffix(".tsv")))
    return out


def segmentation_audit(paragraphs: pd.DataFrame, segmenter: Segmenter, *,
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
    segmenter.setup()
    if false_matches is None:
        false_matches = lexicon_false_matches(segmenter)
    plain = plain_segmenter(segmenter)
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
            k, bad = occurrences_whole(ow, segmenter.normalize(t), word, lex, fm)
            _, pbad = occurrences_whole(pw, plain.normalize(t), word, frozenset(), fm)
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


def heldout_audit(paragraphs: pd.DataFrame, segmenter: Segmenter,
                  terms: pd.DataFrame) -> pd.DataFrame:
    """How often held-out terms stay whole in the corpus sentences that contain them.

    A term stays whole in a sentence when no word boundary of
    :meth:`Segmenter.words` falls strictly inside any of its occurrences there
    (inside a longer word counts as whole); it is kept when, wherever it is
    cut, no piece is a single character (so ``min_len`` loses none of it).

    Parameters
    ----------
    terms : DataFrame
        ``word``, ``source`` and ``jieba_alone`` (how plain jieba cuts the term
        on its own, "/"-joined), e.g. ``data/lexicon/heldout_terms.tsv``.

    Returns
    -------
    DataFrame
        Per term found in some sentence: ``term``, ``source``, ``jieba_alone``,
        ``sentences``, ``whole``, ``kept``, ``share_whole``, ``share_kept``;
        then the rows ``(all)`` and
        ``(jieba splits alone)`` that pool the sentences of all terms / of the
        terms plain jieba cuts when alone. ``backend`` names the engine.
    """
    sents = [s for t in paragraphs["text"] for s in split_sentences(segmenter.normalize(t))]
    rows = []
    for word, source, alone in zip(terms["word"], terms["source"], terms["jieba_alone"]):
        n = whole = kept = 0
        for s in sents:
            if word not in s:
                continue
            cuts, pos = set(), 0
            for w, _ in segmenter.words(s):
                pos += len(w)
                cuts.add(pos)
            starts = [m.start() for m in re.finditer(re.escape(word), s)]
            inner = [[0] + sorted(c - a for c in cuts if a < c < a + len(word)) + [len(word)]
                     for a in starts]
            n += 1
            whole += all(len(e) == 2 for e in inner)
            kept += all(b - a >= 2 for e in inner for a, b in zip(e, e[1:]))
        if n:
            rows.append({"term": word, "source": source, "jieba_alone": alone,
                         "sentences": n, "whole": whole, "kept": kept})
    df = pd.DataFrame(rows, columns=["term", "source", "jieba_alone", "sentences", "whole",
                                     "kept"])
    hard = df[df["jieba_alone"].str.contains("/")]
    pooled = [{"term": "(all)", "source": "", "jieba_alone": "",
               "sentences": df["sentences"].sum(), "whole": df["whole"].sum(),
               "kept": df["kept"].sum()},
              {"term": "(jieba splits alone)", "source": "", "jieba_alone": "",
               "sentences": hard["sentences"].sum(), "whole": hard["whole"].sum(),
               "kept": hard["kept"].sum()}]
    df = pd.concat([df, pd.DataFrame(pooled)], ignore_index=True)
    n_sent = df["sentences"].where(df["sentences"] > 0)
    df["share_whole"] = (df["whole"] / n_sent).round(6)
    df["share_kept"] = (df["kept"] / n_sent).round(6)
    df["backend"] = segmenter.backend_
    return df


def filter_audit(paragraphs: pd.DataFrame, segmenter: Segmenter) -> pd.DataFrame:
    """Words removed by each rule of the pipeline (first rule that fires).

    Returns
    -------
    DataFrame
        ``step`` (``punct``, ``place``, ``number``, ``stopword:<layer>``,
        ``min_len``, ``pos``, ``keep``), ``words`` (word occurrences),
        ``types`` (distinct words), ``share_of_words`` (of all non-punctuation
        words), ``share_of_all`` (of all words including punctuation),
        ``backend`` (the engine that produced the words: ``rjieba`` or ``jieba``).
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
        "backend": segmenter.backend_,
    } for s in steps]
    return pd.DataFrame(rows)


def stopword_audit(paragraphs: pd.DataFrame, segmenter: Segmenter, *, top: int = 15) -> pd.DataFrame:
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


def audit_samples(paragraphs: pd.DataFrame, segmenter: Segmenter, *, n: int = 12,
                  audit: pd.DataFrame | None = None) -> pd.DataFrame:
    """Side-by-side samples: sentences where plain jieba and ours differ.

    Takes, for each lexicon term in turn (by corpus frequency), the first
    sentence (corpus order) containing it whose segmentation differs, until
    ``n`` sentences are collected. ``audit`` is :func:`segmentation_audit` of
    the same inputs, when already computed (its term order is used).
    """
    segmenter.setup()
    plain = plain_segmenter(segmenter)
    sents = []
    for aid, pid, t in zip(paragraphs["article_id"], paragraphs["para_id"], paragraphs["text"]):
        for s in split_sentences(segmenter.normalize(t)):
            sents.append((aid, pid, s))
    if audit is None:
        audit = segmentation_audit(paragraphs, segmenter)
    terms = audit["term"].tolist()
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
