"""Validation tasks for topics and their labels, with a separate answer key.

Kinds (``make_tasks(view, kind, ...)``):

- ``word_intrusion`` (Chang et al. 2009, "Reading tea leaves: how humans
  interpret topic models", NIPS): a topic's ``n_words`` most probable words and
  one intruder, a word probable in another topic and improbable in this one.
- ``word_set_intrusion`` (R4WSI; Ying, Montgomery & Stewart 2022, "Topics,
  concepts, and measurement: a crowdsourced procedure for validating topics as
  measures", *Political Analysis*): four sets of four words; three are drawn
  from one topic's top words, one from another topic's.
- ``topic_intrusion`` (T8WSI, ibid.; Chang et al.'s topic intrusion): a
  paragraph with the top-8 words of its three most likely topics and of one
  unlikely topic, the intruder.
- ``label_intrusion`` (LI, ibid.): a paragraph with the human labels of its
  three most likely topics and of one unlikely topic, the intruder.
- ``optimal_label`` (OL, ibid.): a paragraph with the label of its most likely
  topic and the labels of three other topics; the answer is the first.

Gold items are attention checks whose answer does not depend on the model:
the intruder (a word, a word set or a label) is everyday vocabulary from far
outside governance (fruit, animals, sport, music…), checked to occur nowhere in
the corpus text or the topic lists. They are flagged only in the key, are
excluded from model precision, and give each coder a gold accuracy.
"""

from __future__ import annotations

import json
from typing import Callable

import numpy as np
import pandas as pd

from .model import TopicModelView, dominant_topic
from .params import KINDS

__all__ = ["GOLD_LABELS", "GOLD_WORDS", "make_tasks"]

#: Out-of-domain words for gold items (word, English).
GOLD_WORDS = (("西瓜", "watermelon"), ("香蕉", "banana"), ("葡萄", "grape"), ("钢琴", "piano"),
              ("吉他", "guitar"), ("小提琴", "violin"), ("足球", "football"), ("篮球", "basketball"),
              ("熊猫", "panda"), ("企鹅", "penguin"), ("长颈鹿", "giraffe"), ("恐龙", "dinosaur"),
              ("咖啡", "coffee"), ("蛋糕", "cake"), ("巧克力", "chocolate"), ("冰淇淋", "ice cream"),
              ("雨伞", "umbrella"), ("风筝", "kite"), ("沙滩", "beach"), ("火锅", "hotpot"))
#: Out-of-domain topic labels for gold items (label, English gloss).
GOLD_LABELS = (("烹饪与美食", "Cooking and food"), ("体育赛事", "Sports competitions"),
               ("天文观测", "Astronomy and stargazing"), ("时装设计", "Fashion design"),
               ("宠物饲养", "Keeping pets"), ("园艺与花卉", "Gardening and flowers"))

_PREFIX = {"word_intrusion": "WI", "word_set_intrusion": "WSI", "topic_intrusion": "TI",
           "label_intrusion": "LI", "optimal_label": "OL"}
_DOC_KINDS = ("topic_intrusion", "label_intrusion", "optimal_label")
_SEP = "、"
TASK_COLUMNS = ["task_id", "kind", "topic", "article_id", "para_id", "document", "n_options",
                "options", "options_en"]
KEY_COLUMNS = ["task_id", "kind", "topic", "gold", "answer", "answer_text", "n_options",
               "chance", "intruder_topic", "option_topics", "option_theta",
               "intruder_prob_other", "intruder_prob_this_max"]


def _js(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _item(rng, topic: int, options: list[tuple], answer: int, **extra) -> dict:
    """One task: ``options`` are (text, english, topic, theta); shuffled, answer tracked."""
    order = rng.permutation(len(options))
    opts = [options[i] for i in order]
    pos = int(np.flatnonzero(order == answer)[0])
    theta = [None if o[3] is None else float(f"{o[3]:.6g}") for o in opts]
    return {"topic": topic, "n_options": len(opts), "options": _js([o[0] for o in opts]),
            "options_en": _js([o[1] for o in opts] if any(o[1] for o in opts) else []), "answer": pos,
            "answer_text": opts[pos][0], "chance": 1 / len(opts),
            "option_topics": _js([o[2] for o in opts]),
            "option_theta": _js(theta if any(t is not None for t in theta) else []),
            "gold": False, **extra}


def _clean_gold(view: TopicModelView, pairs: tuple) -> list[tuple[str, str]]:
    text = "".join(view.paragraphs["text"])
    known = set(view.topic_word.index)
    return [p for p in pairs if p[0] not in known and p[0] not in text]


def _intruders(view: TopicModelView, k: int, n: int, rng) -> list[tuple[str, int]]:
    """``n`` intruders for topic ``k``: (word, topic it comes from).

    First from words in another topic's probability *and* FREX top lists
    (probable and exclusive there) that are in none of topic ``k``'s lists, so
    φ_kw is below ``prob_ceiling[k]``; then, if short, any other topic's
    probability top word absent from ``k``'s lists.
    """
    mine = set(view.listed_words[k])
    best: dict[str, tuple[int, float, int]] = {}   # word -> (tier, -φ_jw, j)
    for j in range(view.num_topics):
        for w in view.top_words[j] if j != k else ():
            if w not in mine:
                cand = (0 if w in view.frex_words[j] else 1,
                        -float(view.topic_word.loc[w, j]), j)
                best[w] = min(best.get(w, cand), cand)
    picked: list[tuple[str, int]] = []
    for tier in (0, 1):
        pool = [(w, c[2]) for w, c in best.items() if c[0] == tier]
        take = min(n - len(picked), len(pool))
        picked += [pool[i] for i in rng.choice(len(pool), take, replace=False)]
    if len(picked) < n:
        raise ValueError(f"topic {k}: only {len(picked)} candidate intruder words, "
                         f"n_per_topic = {n}")
    return picked


def _word_intrusion(view, rng, k, n, gold, *, n_words, **_) -> list[dict]:
    shown = [(w, "", k, None) for w in view.top_words[k][:n_words]]
    if len(shown) < n_words:
        raise ValueError(f"topic {k}: fewer than n_words = {n_words} top words")
    if gold:
        words = [w for w, _ in gold]
        return [_item(rng, k, shown + [(w, "", -1, None)], n_words, gold=True)
                for w in _draw(rng, words, n, "gold words")]
    out = []
    for w, j in _intruders(view, k, n, rng):
        out.append(_item(rng, k, shown + [(w, "", j, None)], n_words, intruder_topic=j,
                         intruder_prob_other=float(view.topic_word.loc[w, j]),
                         intruder_prob_this_max=view.prob_ceiling[k]))
    return out


def _draw(rng, words, size: int, what: str) -> list[str]:
    if len(words) < size:
        raise ValueError(f"{what}: {len(words)} words, need {size}")
    return [words[i] for i in rng.choice(len(words), size, replace=False)]


def _word_set_intrusion(view, rng, k, n, gold, *, set_size, n_sets, **_) -> list[dict]:
    out = []
    mine = list(view.listed_words[k])
    for _i in range(n):
        own = _draw(rng, mine, (n_sets - 1) * set_size, f"topic {k}")
        sets = [(_SEP.join(own[s * set_size:(s + 1) * set_size]), "", k, None)
                for s in range(n_sets - 1)]
        if gold:
            intr = _draw(rng, [w for w, _ in gold], set_size, "gold words")
            out.append(_item(rng, k, sets + [(_SEP.join(intr), "", -1, None)], n_sets - 1,
                             gold=True))
            continue
        j = int(rng.choice([t for t in range(view.num_topics) if t != k]))
        other = [w for w in view.listed_words[j] if w not in set(mine)]
        intr = _draw(rng, other, set_size, f"topic {j} without topic {k}'s words")
        out.append(_item(rng, k, sets + [(_SEP.join(intr), "", j, None)], n_sets - 1,
                         intruder_topic=j))
    return out


def _doc_item(view, rng, kind, row, gold, *, topic_words, **_) -> dict:
    """One document task on paragraph ``row`` of ``view.paragraphs``."""
    theta = view.paragraphs.loc[row, view.theta_columns].to_numpy(dtype=float)
    order = [int(t) for t in np.argsort(-theta, kind="stable")]

    def words(t):
        return (_SEP.join(view.top_words[t][:topic_words]), "", t, theta[t])

    def label(t):
        return (view.labels[t], view.glosses[t], t, theta[t])

    if kind == "optimal_label":
        if gold:
            fill = [(z, e, -1, None) for z, e in
                    (gold[i] for i in rng.choice(len(gold), 3, replace=False))]
            return _item(rng, order[0], [label(order[0])] + fill, 0, gold=True)
        others = [int(t) for t in rng.choice(order[1:], 3, replace=False)]
        return _item(rng, order[0], [label(order[0])] + [label(t) for t in others], 0)
    make = words if kind == "topic_intrusion" else label
    shown = [make(t) for t in order[:3]]
    if gold:
        if kind == "topic_intrusion":
            odd = (_SEP.join(_draw(rng, [w for w, _ in gold], topic_words, "gold words")), "")
        else:
            odd = gold[int(rng.integers(len(gold)))]
        return _item(rng, order[0], shown + [(odd[0], odd[1], -1, None)], 3, gold=True)
    j = int(rng.choice(order[3:]))
    return _item(rng, order[0], shown + [make(j)], 3, intruder_topic=j)


def _documents(view, n: int, n_gold: int, min_tokens: int, slot: int,
               random_state: int) -> tuple[dict[int, list[int]], list[int]]:
    """Paragraph rows per dominant topic, and rows for gold items.

    One permutation per topic (seeded by ``random_state`` alone), sliced by
    ``slot`` so the three document kinds get different paragraphs when enough
    exist; the pool wraps around otherwise.
    """
    rng = np.random.default_rng(random_state)
    top = dominant_topic(view)
    ok = view.paragraphs["n_tokens"].to_numpy() >= min_tokens
    regular, gold = {}, []
    k_all = view.num_topics
    perms = {k: rng.permutation(np.flatnonzero(ok & (top == k))) for k in range(k_all)}
    for k, perm in perms.items():
        if len(perm) == 0:
            raise ValueError(f"topic {k}: no paragraph with ≥ {min_tokens} tokens is mostly it")
        regular[k] = [int(perm[(slot * n + i) % len(perm)]) for i in range(n)]
    for i in range(n_gold):
        perm = perms[i % k_all]
        gold.append(int(perm[(len(_DOC_KINDS) * n + slot * n_gold + i) % len(perm)]))
    return regular, gold


def _records(view, kind, rng, n_per_topic, n_gold, random_state, min_tokens, kw) -> list[dict]:
    k_all = view.num_topics
    if kind in _DOC_KINDS:
        if k_all < 4:
            raise ValueError(f"{kind} needs at least 4 topics, the model has {k_all}")
        labels = _clean_gold(view, GOLD_LABELS if kind != "topic_intrusion" else GOLD_WORDS)
        regular, gold_rows = _documents(view, n_per_topic, n_gold, min_tokens,
                                        _DOC_KINDS.index(kind), random_state)
        recs = [_doc_item(view, rng, kind, r, None, **kw)
                for k in range(k_all) for r in regular[k]]
        recs += [_doc_item(view, rng, kind, r, labels, **kw) for r in gold_rows]
        for rec, row in zip(recs, [r for k in range(k_all) for r in regular[k]] + gold_rows):
            para = view.paragraphs.loc[row]
            rec.update(article_id=int(para["article_id"]), para_id=int(para["para_id"]),
                       document=str(para["text"]))
        return recs
    build: Callable = _word_intrusion if kind == "word_intrusion" else _word_set_intrusion
    recs = [r for k in range(k_all) for r in build(view, rng, k, n_per_topic, None, **kw)]
    gold = _clean_gold(view, GOLD_WORDS)
    for i in range(n_gold):
        recs += build(view, rng, i % k_all, 1, gold, **kw)
    return recs


def make_tasks(view: TopicModelView, kind: str, *, n_per_topic: int, random_state: int,
               n_words: int = 5, n_gold: int = 0, min_tokens: int = 10, set_size: int = 4,
               n_sets: int = 4, topic_words: int = 8) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Make validation tasks of one kind and their answer key.

    Parameters
    ----------
    view : the topic model (:func:`~analysis.validation.model.read_topic_results`).
    kind : one of ``word_intrusion``, ``word_set_intrusion``, ``topic_intrusion``,
        ``label_intrusion``, ``optimal_label`` (see the module docstring).
    n_per_topic : tasks per topic; for document kinds, paragraphs per dominant topic.
    random_state : seed of ``numpy.random.default_rng``; same seed, same tasks.
    n_words : topic words in a word-intrusion item (Chang et al. 2009 use 5).
    n_gold : gold (attention-check) items, spread over topics.
    min_tokens : fewest modelled tokens of a paragraph used in a document task.
    set_size, n_sets : word-set intrusion layout (R4WSI: 4 sets of 4 words).
    topic_words : words per topic in topic intrusion (T8WSI: 8).

    Returns
    -------
    tasks : one row per item, in random order, no answers: ``task_id``, ``kind``,
        ``topic``, ``article_id``, ``para_id``, ``document``, ``n_options``,
        ``options`` and ``options_en`` (JSON lists; ``options_en`` holds label
        glosses, empty for words, which are shown in Chinese only).
    key : ``task_id``, ``kind``, ``topic``, ``gold``, ``answer`` (0-based option),
        ``answer_text``, ``n_options``, ``chance``, ``intruder_topic``,
        ``option_topics`` (−1 for gold fillers), ``option_theta`` (θ_d of each
        option's topic, document kinds), ``intruder_prob_other`` (φ of the
        intruder in its own topic) and ``intruder_prob_this_max`` (upper bound of
        its φ in the tested topic), word intrusion only.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown task kind {kind!r}; use one of {list(KINDS)}")
    rng = np.random.default_rng(random_state)
    kw = dict(n_words=n_words, set_size=set_size, n_sets=n_sets, topic_words=topic_words)
    recs = _records(view, kind, rng, n_per_topic, n_gold, random_state, min_tokens, kw)
    recs = [recs[i] for i in rng.permutation(len(recs))]
    frame = pd.DataFrame(recs)
    frame.insert(0, "task_id", [f"{_PREFIX[kind]}-{i + 1:03d}" for i in range(len(frame))])
    frame["kind"] = kind
    for col, default in (("article_id", pd.NA), ("para_id", pd.NA), ("document", ""),
                         ("intruder_topic", pd.NA), ("intruder_prob_other", np.nan),
                         ("intruder_prob_this_max", np.nan)):
        if col not in frame:
            frame[col] = default
    for col in ("article_id", "para_id", "intruder_topic"):
        frame[col] = frame[col].astype("Int64")
    return frame[TASK_COLUMNS].copy(), frame[KEY_COLUMNS].copy()
