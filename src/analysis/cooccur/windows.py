"""Co-occurrence windows and their window × term counts.

Words co-occur when they appear in the same *window*: a sentence (default) or a
paragraph of an article body, or a table-of-contents title for the title
network. Counting uses a sparse window × term matrix, so the work grows with the
number of co-occurring pairs, not with the vocabulary squared.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

__all__ = ["WINDOW_COLUMNS", "binary", "build_title_windows", "build_windows",
           "doc_term_matrix", "load_glossary", "term_table"]

WINDOW_COLUMNS = ["window_id", "article_id", "para_id", "sent_id", "text", "tokens", "words"]


def load_glossary(path: str | Path) -> dict[str, str]:
    """Read ``term,english,note`` into ``{term: english}``.

    A missing file gives an empty dict, so figures simply stay monolingual.
    """
    path = Path(path)
    if not path.exists():
        return {}
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"term", "english"} - set(table.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {sorted(missing)}")
    table = table[(table["term"].str.strip() != "") & (table["english"].str.strip() != "")]
    dup = table["term"][table["term"].duplicated()]
    if len(dup):
        raise ValueError(f"{path}: duplicate term(s) {sorted(set(dup))}")
    return dict(zip(table["term"].str.strip(), table["english"].str.strip()))


def build_windows(paragraphs: pd.DataFrame, segmenter, *, unit: str = "sentence",
                  kinds: tuple[str, ...] = ("body", "heading")) -> pd.DataFrame:
    """One row per sentence (or paragraph) of the article bodies.

    Parameters
    ----------
    paragraphs : DataFrame
        ``Corpus.paragraphs`` (article_id, para_id, kind, text).
    segmenter : analysis.segment.Segmenter
        Gives ``sentences``, ``tokenize`` and ``words``.
    unit : {"sentence", "paragraph"}
    kinds : tuple of str
        Paragraph kinds to keep.

    Returns
    -------
    DataFrame
        window_id, article_id, para_id, sent_id, text, tokens (filtered, for
        counting) and words (unfiltered, for concordances). ``sent_id`` is 0
        for paragraph windows.
    """
    if unit not in ("sentence", "paragraph"):
        raise ValueError(f"unit must be 'sentence' or 'paragraph', not {unit!r}")
    paras = paragraphs[paragraphs["kind"].isin(kinds)].sort_values(["article_id", "para_id"])
    rows = []
    if unit == "paragraph":
        texts = paras["text"].tolist()
        for (aid, pid, text), toks in zip(paras[["article_id", "para_id", "text"]].itertuples(
                index=False), segmenter.tokenize(texts)):
            rows.append((aid, pid, 0, text, list(toks)))
    else:
        keys = []
        for aid, pid, text in paras[["article_id", "para_id", "text"]].itertuples(index=False):
            keys.extend((aid, pid, i, s) for i, s in enumerate(segmenter.sentences(text)))
        # tokenize() is cached by content; same tokens as sentence_tokens()
        toks = segmenter.tokenize([k[3] for k in keys])
        rows = [(*k, list(t)) for k, t in zip(keys, toks)]
    return _finish_windows(rows, segmenter)


def build_title_windows(articles: pd.DataFrame, segmenter, *, title_col: str = "title",
                        drop_duplicates: bool = True) -> pd.DataFrame:
    """One window per table-of-contents title (title-level evidence).

    Repeated titles (``duplicate_of`` set) are dropped by default, so a title
    printed twice in the compilation is not counted twice.
    """
    arts = articles.sort_values("article_id")
    if drop_duplicates and "duplicate_of" in arts:
        arts = arts[arts["duplicate_of"].isna()]
    titles = arts[title_col].astype(str).tolist()
    rows = [(aid, 0, 0, t, list(toks)) for aid, t, toks in
            zip(arts["article_id"], titles, segmenter.tokenize(titles))]
    return _finish_windows(rows, segmenter)


def _finish_windows(rows, segmenter) -> pd.DataFrame:
    win = pd.DataFrame(rows, columns=["article_id", "para_id", "sent_id", "text", "tokens"])
    win["words"] = [[w for w, _ in segmenter.words(t)] for t in win["text"]]
    win.insert(0, "window_id", np.arange(len(win)))
    return win[WINDOW_COLUMNS]


def doc_term_matrix(token_lists) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Window × term count matrix and the sorted vocabulary.

    Returns
    -------
    counts : csr_matrix, shape (n_windows, n_terms)
        Token counts; ``counts > 0`` is the binary incidence matrix.
    vocab : ndarray of str, sorted
    """
    token_lists = list(token_lists)
    lengths = np.fromiter((len(t) for t in token_lists), dtype=np.int64, count=len(token_lists))
    flat = [w for toks in token_lists for w in toks]
    codes, vocab = pd.factorize(pd.Series(flat, dtype=object), sort=True)
    rows = np.repeat(np.arange(len(token_lists)), lengths)
    counts = sparse.csr_matrix((np.ones(len(flat), dtype=np.int64), (rows, codes)),
                               shape=(len(token_lists), len(vocab)))
    counts.sum_duplicates()
    return counts, np.asarray(vocab, dtype=object)


def binary(counts: sparse.spmatrix) -> sparse.csr_matrix:
    """The 0/1 incidence matrix of a count matrix (a term is in a window or not)."""
    X = sparse.csr_matrix(counts, copy=True)
    X.data = (X.data > 0).astype(np.int64)
    X.eliminate_zeros()
    return X


def term_table(counts: sparse.spmatrix, vocab) -> pd.DataFrame:
    """term, freq (tokens) and n_windows (windows containing the term)."""
    freq = np.asarray(counts.sum(axis=0)).ravel()
    nwin = np.asarray((counts > 0).sum(axis=0)).ravel()
    return pd.DataFrame({"term": vocab, "freq": freq, "n_windows": nwin})
