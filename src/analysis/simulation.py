"""Planted effects: corpora drawn from a known topic model, fitted and compared as a run does.

An estimator is trusted only after it recovers effects planted in data it did not
see. This module draws corpora from a known model (by default the reported model's
own topic–word distributions, article shares and paragraph lengths), plants a
difference between two groups of articles in one topic's mean share (balanced by the
opposite change in another), fits LDA with the run's settings (restarts included),
matches the fitted topics to the true ones, infers each article's shares from the
whole article, and compares the groups with :func:`analysis.compare.inference.difference`.

The generative model, per article of group ``g``: ``θ ~ Dirichlet(c · m_g)`` with
``m_g`` the base shares (plus the planted shift for group a); per paragraph
``θ_p ~ Dirichlet(c_p · θ)``; per token a topic from ``θ_p`` and a word from that
topic's distribution. Paragraph counts and lengths are drawn from the real corpus.
``c`` and ``c_p`` are moment estimates from the fitted model's article and paragraph
shares. The estimand is the planted difference in mean article share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .compare.inference import Inference, difference
from .parallel import fork_map
from .topics.model import TopicModel
from .topics.stability import match_topics

__all__ = ["Truth", "draw_corpus", "one_run", "simulate", "summarise", "truth_from_model"]


@dataclass(frozen=True)
class Truth:
    """A known topic model to draw corpora from.

    Attributes
    ----------
    topic_word : ndarray (K, V), rows sum to 1.
    vocab : list of str, the V words.
    base : ndarray (K,), mean article shares (sum to 1).
    concentration : article shares are Dirichlet(concentration · base).
    para_concentration : paragraph shares are Dirichlet(para_concentration · θ_article).
    para_lengths : tokens per paragraph to draw from.
    paras_per_article : paragraphs per article to draw from.
    """

    topic_word: np.ndarray
    vocab: list
    base: np.ndarray
    concentration: float
    para_concentration: float
    para_lengths: np.ndarray
    paras_per_article: np.ndarray


def _dirichlet_concentration(shares: np.ndarray, means: np.ndarray) -> float:
    """Method of moments: Var θ_k = m_k (1 - m_k) / (c + 1), averaged over topics."""
    var = ((shares - means) ** 2).mean(axis=0)
    m = shares.mean(axis=0) if means.ndim == 2 else means
    ok = var > 0
    return float(max(np.median(m[ok] * (1 - m[ok]) / var[ok]) - 1, 0.5))


def truth_from_model(model: TopicModel, para_topics: pd.DataFrame,
                     article_topics: pd.DataFrame) -> Truth:
    """A :class:`Truth` from a fitted model and its paragraph and article shares
    (the topic stage's ``paragraph_topics`` and ``article_topics`` tables)."""
    cols = [f"topic_{k}" for k in range(model.num_topics)]
    arts = article_topics.set_index("article_id")[cols]
    theta = arts.to_numpy(dtype=float)
    base = theta.mean(axis=0)
    para = para_topics[para_topics["n_tokens"] > 0]
    p_theta = para[cols].to_numpy(dtype=float)
    own = arts.loc[para["article_id"]].to_numpy(dtype=float)
    return Truth(topic_word=np.asarray(model.topic_word_, dtype=float),
                 vocab=list(model.vocab_), base=base / base.sum(),
                 concentration=_dirichlet_concentration(theta, base),
                 para_concentration=_dirichlet_concentration(p_theta, own),
                 para_lengths=para["n_tokens"].to_numpy(dtype=int),
                 paras_per_article=para.groupby("article_id").size().to_numpy(dtype=int))


def _shifted(base: np.ndarray, delta: float, up: int, down: int) -> np.ndarray:
    m = base.copy()
    m[up] += delta
    m[down] -= delta
    if m.min() <= 0:
        raise ValueError(f"a shift of {delta} leaves topic {down} with share {m[down]:.3f}")
    return m


def draw_corpus(truth: Truth, *, n_a: int, n_b: int, delta: float, up: int, down: int,
                rng: np.random.Generator) -> dict:
    """One corpus: group a's mean shares are the base plus ``delta`` in topic ``up`` and
    minus ``delta`` in ``down``; group b's are the base.

    Returns ``docs`` (paragraph token lists), ``article`` (article index of each
    paragraph), ``group`` (``"a"``/``"b"`` per article) and ``theta`` (articles × K,
    the drawn article shares).
    """
    k, v = truth.topic_word.shape
    means = {"a": _shifted(truth.base, delta, up, down), "b": truth.base}
    groups = ["a"] * n_a + ["b"] * n_b
    docs, article, theta = [], [], []
    cum = np.cumsum(truth.topic_word, axis=1)
    for i, g in enumerate(groups):
        th = rng.dirichlet(truth.concentration * means[g])
        theta.append(th)
        for _ in range(int(rng.choice(truth.paras_per_article))):
            tp = rng.dirichlet(truth.para_concentration * th + 1e-3)
            n_tok = int(rng.choice(truth.para_lengths))
            z = rng.choice(k, size=n_tok, p=tp / tp.sum())
            u = rng.random(n_tok)
            words = np.minimum((cum[z] < u[:, None]).sum(axis=1), v - 1)
            docs.append([truth.vocab[w] for w in words])
            article.append(i)
    return dict(docs=docs, article=np.array(article), group=np.array(groups),
                theta=np.array(theta))


def _fitted_on_truth_vocab(model: TopicModel, truth: Truth) -> np.ndarray:
    """The fitted topic–word matrix in the truth's vocabulary (absent words: 0)."""
    index = {w: j for j, w in enumerate(truth.vocab)}
    out = np.zeros((model.num_topics, len(truth.vocab)))
    cols = [index[w] for w in model.vocab_]
    out[:, cols] = model.topic_word_
    return out


def one_run(truth: Truth, *, n_a: int, n_b: int, delta: float, up: int, down: int,
            model_params: dict, inference: Inference, seed: int, top_n: int = 10,
            min_overlap: int = 5) -> pd.DataFrame:
    """Draw, fit, match and compare once; one row per true topic.

    Columns: ``topic``, ``role`` (``up``, ``down``, ``null``), ``planted``,
    ``realised`` (difference of the drawn article shares), ``estimate``, ``ci_low``,
    ``ci_high``, ``p_value``, ``p_adj``, ``significant``, ``significant_adj``,
    ``similarity`` (centred cosine of the matched fitted topic), ``overlap`` (top
    ``top_n`` words shared with it) and ``recovered_all`` (every topic shares at
    least ``min_overlap`` top words with its match).
    """
    rng = np.random.default_rng(seed)
    c = draw_corpus(truth, n_a=n_a, n_b=n_b, delta=delta, up=up, down=down, rng=rng)
    model = TopicModel(**dict(model_params, random_state=seed)).fit(c["docs"])
    fitted = _fitted_on_truth_vocab(model, truth)
    background = truth.topic_word.mean(axis=0)
    perm, sim = match_topics(truth.topic_word, fitted, background)
    top = lambda m: np.argsort(-m, axis=1, kind="stable")[:, :top_n]  # noqa: E731
    t_true, t_fit = top(truth.topic_word), top(fitted[perm])
    overlap = np.array([len(set(a) & set(b)) for a, b in zip(t_true, t_fit)])
    joined = [[] for _ in c["group"]]
    for i, d in zip(c["article"], c["docs"]):
        joined[i].extend(d)
    theta_hat = model.transform(joined)[:, perm]
    in_a = c["group"] == "a"
    d = difference(theta_hat[in_a], theta_hat[~in_a], [], [], "a", "b", inference,
                   scale="proportion", influence=False, mde=False,
                   family="topics of this contrast")
    k = truth.topic_word.shape[0]
    planted = np.zeros(k)
    planted[up], planted[down] = delta, -delta
    role = np.array(["unshifted"] * k, dtype=object)
    if delta:
        role[up], role[down] = "up", "down"
    return pd.DataFrame({
        "topic": range(k), "role": role, "planted": planted,
        "realised": c["theta"][in_a].mean(axis=0) - c["theta"][~in_a].mean(axis=0),
        **{col: d[col].to_numpy() for col in ("estimate", "ci_low", "ci_high", "p_value",
                                              "p_adj", "significant", "significant_adj")},
        "scale": "proportion", "similarity": sim, "overlap": overlap,
        "recovered_all": bool((overlap >= min_overlap).all())})


def simulate(truth: Truth, settings: list[tuple[int, int, float]], *, reps: int,
             random_state: int, model_params: dict, inference: Inference,
             n_jobs: int = 1, up: int | None = None, down: int | None = None,
             top_n: int = 10, min_overlap: int = 5, first_rep: int = 0) -> pd.DataFrame:
    """Every run of every setting ``(n_a, n_b, delta)``: :func:`one_run` rows with
    ``n_a``, ``n_b``, ``delta`` and ``rep``. The shift goes into the smallest topic
    (``up``) and out of the largest (``down``) unless given; run ``r`` of setting ``s``
    is seeded from ``(random_state, s, r)``, so the table is the same for any
    ``n_jobs``, and runs ``first_rep …`` extend an earlier table of runs ``0 … first_rep-1``."""
    order = np.argsort(truth.base, kind="stable")
    up = int(order[0]) if up is None else up
    down = int(order[-1]) if down is None else down
    jobs = [(s, r, n_a, n_b, delta) for s, (n_a, n_b, delta) in enumerate(settings)
            for r in range(first_rep, first_rep + reps)]

    def run(job) -> pd.DataFrame:
        s, r, n_a, n_b, delta = job
        seed = int(np.random.SeedSequence([random_state, s, r]).generate_state(1)[0])
        out = one_run(truth, n_a=n_a, n_b=n_b, delta=delta, up=up, down=down,
                      model_params=model_params, inference=inference, seed=seed,
                      top_n=top_n, min_overlap=min_overlap)
        return out.assign(n_a=n_a, n_b=n_b, delta=delta, rep=r)

    return pd.concat(fork_map(run, jobs, n_jobs), ignore_index=True)


def _mc(p: float, n: int) -> float:
    return float(np.sqrt(p * (1 - p) / n)) if n else np.nan


def summarise(runs: pd.DataFrame) -> pd.DataFrame:
    """Per setting and role (``up``, ``down``, ``unshifted``): coverage of the planted and of
    the realised difference, bias, rejection rate (power for up/down, false-positive
    rate per null topic), with Monte Carlo standard errors; per setting also the
    family-wise false-positive rate over the null topics (``p_adj``) and the share of
    runs that recovered every topic."""
    if runs["role"].isna().any():
        raise ValueError("runs without a role: read the runs table with keep_default_na=False")
    rows = []
    for (n_a, n_b, delta), g in runs.groupby(["n_a", "n_b", "delta"], sort=True):
        n_runs = g["rep"].nunique()
        per_run = g.groupby("rep")
        fw = per_run.apply(lambda r: bool((r.loc[r["role"] == "unshifted", "significant_adj"]
                                           .astype(bool)).any()), include_groups=False)
        recovered = per_run["recovered_all"].first().astype(bool)
        for role, h in g.groupby("role", sort=True):
            n = len(h)
            cover = ((h["ci_low"] <= h["planted"]) & (h["planted"] <= h["ci_high"])).mean()
            cover_r = ((h["ci_low"] <= h["realised"]) & (h["realised"] <= h["ci_high"])).mean()
            reject = h["significant"].astype(bool).mean()
            bias = (h["estimate"] - h["planted"]).mean()
            rows.append({
                "n_a": n_a, "n_b": n_b, "delta": delta, "role": role, "runs": n_runs,
                "estimates": n, "coverage": cover, "coverage_mc_se": _mc(cover, n),
                "coverage_realised": cover_r,
                "bias": bias, "bias_mc_se": float(h["estimate"].std(ddof=1) / np.sqrt(n)),
                "bias_vs_realised": (h["estimate"] - h["realised"]).mean(),
                "rejection_rate": reject, "rejection_mc_se": _mc(reject, n),
                "median_width": float((h["ci_high"] - h["ci_low"]).median()),
                "familywise_fp": float(fw.mean()), "familywise_fp_mc_se": _mc(fw.mean(), n_runs),
                "recovered_all": float(recovered.mean()),
                "recovered_mc_se": _mc(recovered.mean(), n_runs)})
    return pd.DataFrame(rows)
