# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · Topics: what the article bodies talk about, how K was chosen, how stable it is
#
# **Question.** Which recurring themes organise the body text of the compilation, and
# would another researcher, refitting with another seed, find the same ones?
#
# **Evidence level.** Only articles 1–20 have body text (20 is cut by a paywall); all of
# them are in the *party committees* section. Topics are therefore **text-level for
# articles 1–20 only**. For the 55 title-only articles (every court, police,
# procuratorate and "other unit" entry) the notebook shows a topic mix inferred from
# the title alone, always marked *title-level*.
#
# Every number here comes from `analysis.topics.stage.prepare`, the function that
# `make reproduce` calls before it writes; the K sweep is cached on disk (`.cache/topics`),
# so this notebook refits only the final model.

# %% tags=["parameters"]
params_file = "../params.toml"

# %%
# %matplotlib inline
import pandas as pd

from analysis.context import RunContext
from analysis.topics import ldavis_page
from analysis.topics import stage as topics_stage

pd.set_option("display.max_colwidth", None)
pd.set_option("display.width", 200)
ctx = RunContext.from_file(params_file)
res = topics_stage.prepare(ctx)

# %% [markdown]
# ## 1 · The documents
# Documents are **body paragraphs**. Headings (`一、…`, `(一)…`) are left out
# (`include_headings = false`): they are slogan-like summaries of 4–23 characters, a few
# tokens each — too short to estimate a topic mix — and keeping them would count the
# same words twice in an article's prevalence.
#
# A word enters the vocabulary if it occurs in at least 5 paragraphs: with a threshold of
# 3, the extra rare words made topics markedly less stable across seeds for almost no
# change in coherence (the comparison is recorded next to `no_below` in `params.toml`).
# The segmenter drops the place names it recognises (`places = "drop"`), so no place name
# is among the topics' top words below.

# %%
p = ctx.params.topics
print(ctx.corpus.paragraphs.groupby("kind")["n_chars"].describe().round(1))
model, docs = res.model, res.para_topics
print(f"\ndocuments: {len(docs)} body paragraphs from {docs['article_id'].nunique()} "
      f"articles; kept tokens: {model.doc_lengths_.sum()}; vocabulary after filters: "
      f"{len(model.vocab_)} words (in ≥ {p.no_below} paragraphs, ≤ {p.no_above:.0%} of them)")

# %% [markdown]
# ## 2 · Choosing K
# `select_k` fits, for every K in the range and each of five seeds, one model on all
# paragraphs (coherence, exclusivity, stability) and one on 80 % of them (the held-out
# bound on the other 20 %). **Stability** is the mean similarity of topics matched
# one-to-one (Hungarian algorithm) between every pair of seeds. Similarity is the cosine
# of each topic's *departure from the corpus word distribution*: plain cosine is high for
# any two topics that share the corpus's frequent words — even for topics fitted to
# shuffled tokens (tested in `tests/test_topics.py`) — whereas the centred cosine is about
# 0 for unrelated topics and 1 for identical ones. The table keeps plain cosine and its
# chance level for comparison.

# %%
k = res.k_table
cols = ["k", "npmi_mean", "npmi_sd", "umass_mean", "umass_sd", "exclusivity_mean",
        "stability_mean", "stability_sd", "cosine_matched", "cosine_chance",
        "heldout_perplexity_mean", "cv_mean"]
k[cols].round(3)

# %%
figs = topics_stage.figures(ctx, res)  # the figures `make reproduce` saves
figs["topics_k_diagnostics"]

# %% [markdown]
# **Reading the diagnostics.** NPMI is highest at K = 5 and UMass is best at 4 and second
# at 5; both decline with larger K. Stability is highest, and level, at 5 and 6; at K = 4
# it is lower and varies most between seed pairs. Exclusivity rises with K, as
# it must when topics get narrower, so it cannot pick K on its own. gensim's held-out
# perplexity bound grows with every added topic on these short paragraphs (a known
# behaviour of gensim's bound, gensim issue #701), so it is shown but not used. c_v is
# shown only for comparison: its authors no longer recommend it. We chose **K = 5**
# (`params.toml`, with this reasoning). The differences between neighbouring K are within
# one standard deviation over seeds: K = 5 is a defensible reading choice, not a
# statistical result, and K = 6 would be equally defensible.

# %%
k.loc[k["k"] == model.num_topics, cols].round(3)

# %% [markdown]
# ## 3 · What the topics are
# Each topic's top words by probability, by relevance (λ = 0.6, Sievert & Shirley 2014)
# and by FREX (Bischof & Airoldi 2012), with the label and gloss written in
# `data/topic_labels.toml`. The labels are attached by matching top words
# (`check_labels`): if the model changes so that they no longer fit, `build` and the
# tests fail instead of relabelling.

# %%
terms = res.terms.assign(words=lambda d: d["term"])
wide = (terms.groupby(["topic", "method"])["words"].agg(" ".join).unstack("method")
        [["prob", "relevance", "frex"]])
res.labels.set_index("topic")[["label", "gloss", "overlap"]].join(wide)

# %%
figs["topic_top_words"]

# %% [markdown]
# ### Representative paragraphs (findThoughts)
# The three paragraphs with the highest share of each topic, among paragraphs with at
# least 10 kept tokens, quoted verbatim with their article. Several topics draw their
# exemplars from one or two long articles (article 8, a 45-paragraph case study, carries
# most of T2): a topic can be one article's vocabulary as much as a shared theme.

# %%
res.exemplars[["topic", "label", "rank", "article_id", "title", "proportion", "text"]].round(3)

# %% [markdown]
# ## 4 · How stable are these topics?
# Each topic of the final model (seed 20240501) against refits with the five sweep seeds:
# mean and worst matched similarity (centred cosine).

# %%
res.stability.drop(columns="gloss").round(3)

# %% [markdown]
# The learnt document-topic prior is small, so many paragraphs are close to single-topic:

# %%
theta = model.doc_topic_[model.doc_lengths_ > 0]
print("learnt alpha:", model.model_.alpha.round(3))
print("share of paragraphs whose largest topic has ≥ 0.9:", round(float((theta.max(1) >= 0.9).mean()), 3))

# %% [markdown]
# ## 5 · Topics by article
# Text-level rows are the token-weighted mean over an article's body paragraphs;
# title-level rows are inferred from the title alone.

# %%
at = res.article_topics
tcols = [c for c in at.columns if c.startswith("topic_")]
at.groupby("evidence")[tcols].mean().round(3)

# %%
figs["article_topic_heatmap"]

# %% [markdown]
# ## 6 · Interactive map (pyLDAvis)
# `make reproduce` writes `figures/topics_ldavis.html`, which opens offline (d3 and LDAvis
# are inlined). Topics keep the model's order (`sort_topics=False`), but pyLDAvis counts
# from 1: **page topic n is model topic n − 1** (T*n−1* in the tables and figures). The
# page repeats this mapping above the plot, with the labels.

# %%
page = ldavis_page(model, labels=res.labels, r=p.ldavis_R)
print(f"topics_ldavis.html: {len(page.encode('utf-8')) / 1e6:.1f} MB, self-contained")

# %% [markdown]
# ## What this shows, and what it does not
# At the text level (articles 1–20, all party-committee articles, 20 truncated), five
# themes organise the paragraphs: safety-and-security framing (T0), political-legal
# organs and data platforms (T1), neighbourhood governance led by party building (T2),
# dispute mediation (T3) and risk screening and crackdowns (T4). They are
# **moderately stable**: matched topics across seeds have a centred cosine of about
# 0.3–0.5, well above chance (≈ 0) but far from identical. Two topics lean on single
# articles: T1 makes up almost all of article 20 (the truncated 智慧枫桥 piece), and T2
# most of article 8, which supplies all three T2 exemplars. Statements about these topics should name that fragility and cite
# exemplar paragraphs rather than the word lists alone.
#
# The title-level rows say little: titles are a handful of words, nearly all
# "平安建设 …", so most title-only articles land in T0. They must not be read as what
# courts, police or procuratorates *write about*; the compilation holds no body text from
# any of them.
