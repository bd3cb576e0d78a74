"""Scale: parallel segmentation, tokens on disk, streamed LDA, chunked co-occurrence.

For corpora far larger than the seed (every provincial report, years of a
newspaper) nothing here holds the corpus in memory:

1. :func:`tokenize_file` cuts a one-document-per-line UTF-8 file into byte
   ranges and segments them in worker processes; each worker writes its own
   shard of a :class:`TokenStore` (see *Format*). Shards are numbered by their
   range, so the store reads back in input order whatever the worker count.
2. :func:`build_dictionary` builds a gensim ``Dictionary`` from the stream.
3. :func:`train_lda` fits gensim's single-process ``LdaModel`` on
   :class:`BowCorpus`, which re-reads the shards on every pass.
4. :func:`cooccurrence_counts` counts sentence windows shard by shard into a
   sparse upper-triangular term × term matrix (:class:`WindowCounts`, summed
   across shards); :func:`cooccurrence_table` turns it into the same table as
   :func:`analysis.cooccur.cooccurrence` would give on all windows at once.

Parallel work goes through :func:`run_tasks`: in-process, a local process
pool, or Dask. With ``scheduler=None`` and ``n_jobs > 1`` it is a
``ProcessPoolExecutor``; ``"processes"`` / ``"threads"`` / ``"sync"`` use
``dask.bag`` on this machine; ``"tcp://host:port"`` sends the same tasks to a
``dask.distributed`` cluster (``Client(address)``). The tasks are plain
functions of picklable arguments; results come back in task order.

Format
------
A :class:`TokenStore` is a folder with ``manifest.json`` and shards
``tokens-00000.txt[.gz]``. One line per document (paragraph): the number of
sentences, then each sentence's tokens space-joined, all tab-separated
(``2\\t枫桥经验 基层治理\\t调解``). The document's tokens are the
sentences' tokens in order (the same as ``Segmenter.tokens`` on the whole
paragraph: sentence ends are jieba block boundaries).

LDA from a cluster's tokens
---------------------------
Segmentation and counting spread over a Dask cluster; LDA does not. gensim's
``LdaModel`` is single-process online variational Bayes (Hoffman et al.
2010): it streams ``chunksize`` documents at a time and keeps only the
K × V topic–word statistics, so memory does not grow with the corpus. To
train from the tokens the cluster wrote::

    store = TokenStore(out_dir)              # the folder every worker wrote to
    dictionary = build_dictionary(store, no_below=5, no_above=0.5, keep_n=100_000)
    lda = train_lda(store, dictionary, num_topics=20, chunksize=2000, passes=1,
                    random_state=1)

The workers must write to storage the training machine can read (a shared
file system or a copied folder). Limits: training is one core and linear in
tokens × K × passes (the 100 MB bench corpus, 300 000 paragraphs and 9 M
tokens over a small resampled vocabulary, takes about 25 s per pass at
K = 20; a real corpus's larger vocabulary costs more); the vocabulary must
fit in memory (``keep_n`` bounds it); one pass with ``update_every=1`` is
online LDA, whose topics depend on document order (the store's order is
fixed, so a rerun is identical). ``LdaMulticore`` is not used: its result depends on the worker
count, which breaks byte-identical reruns. Everything here is for timing and
for corpora beyond the seed; the seed's analyses do not read it.
"""

from __future__ import annotations

import gzip
import io
import json
import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

__all__ = [
    "BowCorpus", "TokenStore", "WindowCounts", "build_dictionary", "byte_ranges",
    "cooccurrence_counts", "cooccurrence_table", "read_range", "run_tasks",
    "segment_parallel", "synthetic_corpus", "tokenize_file", "train_lda", "window_counts",
]

_SEGMENTERS: dict = {}


def _worker_segmenter(segmenter):
    """One built segmenter per process and configuration (built once, reused).

    Called in the parent before a local pool starts, so forked workers inherit
    the built segmenter instead of loading jieba's dictionary again.
    """
    key = repr(sorted(segmenter.get_params().items(), key=lambda kv: kv[0]))
    seg = _SEGMENTERS.get(key)
    if seg is None:
        seg = _SEGMENTERS[key] = segmenter
        seg.setup()
    return seg


# --------------------------------------------------------------------------- tasks
def run_tasks(func: Callable, jobs: Sequence, *, n_jobs: int = 1,
              scheduler: str | None = None) -> list:
    """``[func(job) for job in jobs]``, possibly in parallel; results in job order.

    Parameters
    ----------
    n_jobs : worker processes for the local pool (``scheduler=None``) or for
        Dask's local schedulers.
    scheduler : None, "processes", "threads", "sync" or "tcp://host:port"
        None: in-process when ``n_jobs == 1``, else ``ProcessPoolExecutor``.
        Other values run ``dask.bag`` (a ``tcp://`` address through
        ``distributed.Client``).
    """
    jobs = list(jobs)
    if scheduler is None:
        if n_jobs <= 1 or len(jobs) <= 1:
            return [func(j) for j in jobs]
        # fork (where there is one): workers inherit built segmenters (see _worker_segmenter)
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
        with ProcessPoolExecutor(max_workers=n_jobs, mp_context=ctx) as pool:
            return list(pool.map(func, jobs))
    import dask.bag as db

    bag = db.from_sequence(jobs, npartitions=max(1, len(jobs))).map(func)
    if scheduler.startswith("tcp://"):
        from distributed import Client

        with Client(scheduler) as client:
            return list(client.compute(bag, sync=True))
    kwargs = {"num_workers": n_jobs} if scheduler == "processes" else {}
    return list(bag.compute(scheduler=scheduler, **kwargs))


# --------------------------------------------------------------------------- in memory
def _tokens_chunk(job) -> list[list[str]]:
    segmenter, texts = job
    seg = _worker_segmenter(segmenter)
    return [seg.tokens(t) for t in texts]


def segment_parallel(texts: Sequence[str], segmenter, *, n_jobs: int = 2,
                     chunk_size: int = 2000, scheduler: str | None = None) -> list[list[str]]:
    """``segmenter.tokens`` of every text, in input order, over worker processes.

    Each worker builds the segmenter once (about 2 s) and reuses it.
    """
    texts = list(texts)
    if scheduler is None:
        _worker_segmenter(segmenter)
    jobs = [(segmenter, texts[i:i + chunk_size]) for i in range(0, len(texts), chunk_size)]
    chunks = run_tasks(_tokens_chunk, jobs, n_jobs=n_jobs, scheduler=scheduler)
    return [toks for chunk in chunks for toks in chunk]


# --------------------------------------------------------------------------- synthetic corpus
def synthetic_corpus(paragraphs: Sequence[str], size_bytes: int, path: str | os.PathLike, *,
                     seed: int) -> Path:
    """Write a corpus of about ``size_bytes`` by resampling ``paragraphs``.

    One paragraph per line (line breaks inside a paragraph become spaces),
    drawn uniformly with replacement by ``numpy.random.default_rng(seed)``,
    until the file reaches ``size_bytes`` UTF-8 bytes. For timing only: it
    repeats the seed's text and says nothing about any real corpus.
    """
    paras = [p.replace("\r", " ").replace("\n", " ") for p in paragraphs if p.strip()]
    encoded = [(p + "\n").encode("utf-8") for p in paras]
    rng = np.random.default_rng(seed)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
    written = 0
    with open(tmp, "wb") as fh:
        while written < size_bytes:
            for i in rng.integers(0, len(encoded), size=4096):
                fh.write(encoded[i])
                written += len(encoded[i])
                if written >= size_bytes:
                    break
    os.replace(tmp, path)
    return path


# --------------------------------------------------------------------------- token store
def byte_ranges(path: str | os.PathLike, block_bytes: int) -> list[tuple[int, int]]:
    """Split a file into ``[start, end)`` byte ranges of whole lines, about ``block_bytes`` each."""
    size = os.path.getsize(path)
    ranges, start = [], 0
    with open(path, "rb") as fh:
        while start < size:
            end = min(start + block_bytes, size)
            if end < size:
                fh.seek(end)
                fh.readline()          # extend to the end of the current line
                end = fh.tell()
            ranges.append((start, end))
            start = end
    return ranges


def read_range(path: str | os.PathLike, start: int, end: int) -> list[str]:
    """The lines (documents) in a byte range, without line ends."""
    with open(path, "rb") as fh:
        fh.seek(start)
        data = fh.read(end - start)
    return data.decode("utf-8").splitlines()


def _encode_doc(sentences: list[list[str]]) -> str:
    parts = [str(len(sentences))]
    for s in sentences:
        for t in s:
            if " " in t or "\t" in t or "\n" in t:
                raise ValueError(f"token with whitespace cannot be stored: {t!r}")
        parts.append(" ".join(s))
    return "\t".join(parts)


def _decode_doc(line: str) -> list[list[str]]:
    parts = line.rstrip("\n").split("\t")
    n = int(parts[0])
    return [p.split(" ") if p else [] for p in parts[1:1 + n]]


def _open(path: Path, mode: str, gz: bool | None = None):
    if gz if gz is not None else path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, mode + "b", compresslevel=1), encoding="utf-8",
                                newline="\n")
    return open(path, mode, encoding="utf-8", newline="\n")


def _segment_range(job) -> dict:
    """Segment one byte range into sentence tokens and write its shard."""
    segmenter, src, start, end, shard = job
    seg = _worker_segmenter(segmenter)
    shard = Path(shard)
    tmp = shard.with_name(shard.name + f".{os.getpid()}.tmp")
    n_docs = n_windows = n_tokens = 0
    with _open(tmp, "w", gz=shard.suffix == ".gz") as fh:
        for text in read_range(src, start, end):
            sents = [seg.tokens(s) for s in seg.sentences(text)]
            fh.write(_encode_doc(sents) + "\n")
            n_docs += 1
            n_windows += len(sents)
            n_tokens += sum(map(len, sents))
    os.replace(tmp, shard)
    return {"file": shard.name, "n_docs": n_docs, "n_windows": n_windows,
            "n_tokens": n_tokens, "bytes_in": end - start}


class TokenStore:
    """Tokens of a corpus on disk, one shard per input range (see the module docstring)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.manifest = json.loads((self.path / "manifest.json").read_text(encoding="utf-8"))
        self.shards = [self.path / s["file"] for s in self.manifest["shards"]]

    @property
    def n_docs(self) -> int:
        """Documents (lines) in the store."""
        return sum(s["n_docs"] for s in self.manifest["shards"])

    @property
    def n_windows(self) -> int:
        """Sentence windows in the store."""
        return sum(s["n_windows"] for s in self.manifest["shards"])

    @staticmethod
    def read_shard(path: str | os.PathLike) -> Iterator[list[list[str]]]:
        """Documents of one shard as lists of sentence token lists."""
        with _open(Path(path), "r") as fh:
            for line in fh:
                yield _decode_doc(line)

    def iter_sentences(self) -> Iterator[list[list[str]]]:
        """Every document as its sentences' token lists, in input order."""
        for shard in self.shards:
            yield from self.read_shard(shard)

    def iter_docs(self) -> Iterator[list[str]]:
        """Every document's tokens, in input order."""
        for sents in self.iter_sentences():
            yield [t for s in sents for t in s]

    def iter_windows(self) -> Iterator[list[str]]:
        """Every sentence's tokens, in input order."""
        for sents in self.iter_sentences():
            yield from sents

    def __len__(self) -> int:
        return self.n_docs


def tokenize_file(src: str | os.PathLike, out_dir: str | os.PathLike, segmenter, *,
                  n_jobs: int = 1, block_bytes: int = 4 << 20, compress: bool = True,
                  scheduler: str | None = None) -> TokenStore:
    """Segment a one-document-per-line file into a :class:`TokenStore`.

    Parameters
    ----------
    src : UTF-8 text, one document (paragraph) per line.
    out_dir : the store's folder (created; existing shards are replaced). With a
        Dask cluster it must be on storage every worker can write to.
    segmenter : :class:`analysis.segment.Segmenter` (pickled by parameters;
        each worker builds it once).
    block_bytes : input bytes per shard (one task each).
    compress : gzip the shards (level 1).
    scheduler : see :func:`run_tasks`.
    """
    src, out = Path(src).resolve(), Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("tokens-*"):
        old.unlink()
    if scheduler is None:
        _worker_segmenter(segmenter)
    suffix = ".txt.gz" if compress else ".txt"
    jobs = [(segmenter, str(src), a, b, str(out / f"tokens-{i:05d}{suffix}"))
            for i, (a, b) in enumerate(byte_ranges(src, block_bytes))]
    shards = run_tasks(_segment_range, jobs, n_jobs=n_jobs, scheduler=scheduler)
    manifest = {"format": "sentence-tokens/1", "source": src.name,
                "source_bytes": os.path.getsize(src), "shards": shards}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False),
                                       encoding="utf-8")
    return TokenStore(out)


# --------------------------------------------------------------------------- gensim
def build_dictionary(store: TokenStore, *, no_below: int = 5, no_above: float = 0.5,
                     keep_n: int | None = 100_000, prune_at: int | None = 2_000_000):
    """gensim ``Dictionary`` built from the stream, then ``filter_extremes``."""
    from gensim.corpora import Dictionary

    dictionary = Dictionary(store.iter_docs(), prune_at=prune_at)
    dictionary.filter_extremes(no_below=no_below, no_above=no_above, keep_n=keep_n)
    return dictionary


class BowCorpus:
    """A :class:`TokenStore` as a re-iterable gensim bag-of-words corpus."""

    def __init__(self, store: TokenStore, dictionary):
        self.store = store
        self.dictionary = dictionary

    def __iter__(self):
        doc2bow = self.dictionary.doc2bow
        for doc in self.store.iter_docs():
            yield doc2bow(doc)

    def __len__(self) -> int:
        return len(self.store)


def train_lda(store: TokenStore, dictionary, *, num_topics: int = 20, chunksize: int = 2000,
              passes: int = 1, iterations: int = 50, random_state: int = 0,
              alpha="symmetric", eta=None):
    """gensim ``LdaModel`` (single process, online VB) trained from the stream."""
    from gensim.models import LdaModel

    return LdaModel(corpus=BowCorpus(store, dictionary), id2word=dictionary,
                    num_topics=num_topics, chunksize=chunksize, passes=passes,
                    iterations=iterations, random_state=random_state, alpha=alpha,
                    eta=eta, update_every=1, eval_every=None)


# --------------------------------------------------------------------------- co-occurrence
@dataclass
class WindowCounts:
    """Window counts over a fixed vocabulary, summable across chunks.

    ``joint`` is upper-triangular (diagonal included): ``joint[i, j]`` is the
    number of windows holding terms ``i`` and ``j``; the diagonal is each
    term's window frequency. ``n_windows`` counts every window, empty ones too.
    """

    n_windows: int
    joint: sparse.csr_matrix

    def __add__(self, other: "WindowCounts") -> "WindowCounts":
        return WindowCounts(self.n_windows + other.n_windows, (self.joint + other.joint).tocsr())


def window_counts(windows: Iterable[Sequence[str]], vocab: Sequence[str]) -> WindowCounts:
    """:class:`WindowCounts` of some windows (token lists); out-of-vocabulary terms ignored."""
    index = {t: i for i, t in enumerate(vocab)}
    indptr, indices = [0], []
    for w in windows:
        ids = {index[t] for t in w if t in index}
        indices.extend(sorted(ids))
        indptr.append(len(indices))
    n = len(indptr) - 1
    X = sparse.csr_matrix((np.ones(len(indices), dtype=np.int64), indices, indptr),
                          shape=(n, len(index)))
    return WindowCounts(n, sparse.triu(X.T @ X, format="csr"))


def _shard_counts(job) -> WindowCounts:
    shard, vocab = job
    return window_counts((s for doc in TokenStore.read_shard(shard) for s in doc), vocab)


def cooccurrence_counts(store: TokenStore, vocab: Sequence[str], *, n_jobs: int = 1,
                        scheduler: str | None = None) -> WindowCounts:
    """Sentence-window counts of a store, one shard per task, summed."""
    vocab = list(vocab)
    parts = run_tasks(_shard_counts, [(str(s), vocab) for s in store.shards], n_jobs=n_jobs,
                      scheduler=scheduler)
    total = WindowCounts(0, sparse.csr_matrix((len(vocab), len(vocab)), dtype=np.int64))
    for part in parts:
        total = total + part
    return total


def cooccurrence_table(counts: WindowCounts, vocab: Sequence[str], keywords: Iterable[str], *,
                       min_count: int = 1) -> pd.DataFrame:
    """Keyword pairs with their measures, as :func:`analysis.cooccur.cooccurrence` gives them."""
    from .cooccur.measures import association

    index = {t: i for i, t in enumerate(vocab)}
    kw = np.array(sorted(set(keywords)), dtype=object)
    missing = [k for k in kw if k not in index]
    if missing:
        raise KeyError(f"keywords not in the vocabulary: {missing}")
    cols = np.array([index[k] for k in kw], dtype=np.int64)
    full = counts.joint + sparse.triu(counts.joint, k=1).T
    sub = full.tocsr()[cols][:, cols]
    df = np.asarray(sub.diagonal()).ravel().astype(np.int64)
    joint = sparse.triu(sub, k=1).tocoo()
    keep = (joint.data >= min_count) & (joint.data > 0)
    i, j, n_ab = joint.row[keep], joint.col[keep], joint.data[keep].astype(np.int64)
    order = np.lexsort((j, i))
    i, j, n_ab = i[order], j[order], n_ab[order]
    pairs = pd.DataFrame({"source": kw[i], "target": kw[j], "n_source": df[i],
                          "n_target": df[j], "n_windows": counts.n_windows})
    return pd.concat([pairs, association(n_ab, df[i], df[j], counts.n_windows)], axis=1)
