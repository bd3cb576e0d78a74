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
# **Evidence level.** Only the articles with a body (the first line printed below says
# how many, and the corpus notebook which) carry topics. The title-only entries (every
# court, police, procuratorate and "other unit" entry) get none: a title is a handful of
# tokens, and LDA shares inferred from so few words reflect the prior and the corpus's most
# frequent words, not the title.
#
# Every number here comes from `analysis.topics.stage.prepare`, the function that
# `make reproduce` calls before it writes; the K sweep and the refits are cached on disk
# (`.cache/topics`). Every number and every comparison in the prose is generated from these
# tables (`analysis.prose`).

# %% tags=["parameters"]
params_file = "../params.toml"

# %%
# %matplotlib inline
import pandas as pd
from IPython.display import Markdown, display

from analysis import prose
from analysis.context import RunContext
from analysis.gazetteer import load_gazetteer
from analysis.topics import ldavis_page
from analysis.topics import stage as topics_stage
from analysis.topics.choose import AUTO_K_RULE

pd.set_option("display.max_colwidth", None)
pd.set_option("display.width", 200)
ctx = RunContext.from_file(params_file)
res = topics_stage.prepare(ctx)
names = prose.topic_names(res.labels)
places = prose.place_names(load_gazetteer(ctx.input(ctx.params.units.gazetteer)))
for level, line in topics_stage.captions(ctx, res).items():
    print(f"{level}: {line}")

# %% [markdown]
# ## 1 · The documents
# Documents are **body paragraphs**. Headings (`一、…`, `(一)…`) are left out
# (`include_headings`): they are slogan-like summaries of a few tokens each — too short
# to estimate a topic mix — and keeping them would count the same words twice in an
# article's prevalence.
#
# A word enters the vocabulary if it occurs in at least `no_below` paragraphs; the
# comparison of thresholds that argues for it is recorded next to `no_below` in
# `params.toml`. The segmenter drops the place names it recognises (`places`); the check
# below looks for gazetteer place names among the topics' top words anyway.

# %%
p = ctx.params.topics
print(ctx.corpus.paragraphs.groupby("kind")["n_chars"].describe().round(1))
model, docs = res.model, res.para_topics
print(f"\ndocuments: {len(docs)} body paragraphs from {docs['article_id'].nunique()} "
      f"articles; kept tokens: {model.doc_lengths_.sum()}; vocabulary after filters: "
      f"{len(model.vocab_)} words (in ≥ {p.no_below} paragraphs, ≤ {p.no_above:.0%} of them)")
display(Markdown(prose.heading_lengths(ctx.corpus.paragraphs) + " "
                 + prose.place_check(res.terms["term"].unique(), places,
                                     "the topics' top words")))

# %% [markdown]
# ## 2 · Choosing K
# `select_k` fits, for every K of `k_range` and each seed of `k_seeds`, one model on all
# paragraphs (coherence, exclusivity, stability) and one without a held-out share of them
# (`heldout_frac`; the held-out bound is computed on that share). **Stability** is the mean
# similarity of topics matched one-to-one (Hungarian algorithm) between every pair of
# seeds. Similarity is the cosine of each topic's *departure from the corpus word
# distribution*: plain cosine is high for any two topics that share the corpus's frequent
# words — even for topics fitted to shuffled tokens (tested in `tests/test_topics.py`) —
# whereas the centred cosine is about zero for unrelated topics and one for identical ones.
# The table keeps plain cosine and its chance level for comparison. The sweep's models are
# other fits than the reported one: its columns describe K, not the published model.

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
# **Reading the diagnostics** (generated from the table):

# %%
rule = AUTO_K_RULE if p.num_topics == "auto" else None
display(Markdown(prose.k_reading(k, model.num_topics, rule=rule)))
k.loc[k["k"] == model.num_topics, cols].round(3)

# %% [markdown]
# Exclusivity grows as topics get narrower, so it cannot pick K on its own. gensim's
# held-out perplexity bound is known to grow with added topics on short documents (a
# behaviour of gensim's bound discussed in its issue tracker), so it is shown but not used.
# c_v is shown only for comparison: its authors no longer recommend it. `params.toml`
# states the rule for K (no numbers); which K meet it, and whether the chosen K does, is the
# last sentence of the reading above, generated from the table. Where several K meet it,
# the choice among them is a reading choice, not a statistical result.
# %% [markdown]
# ## 3 · Did the fit reach its optimum?
# A variational LDA fit stops in a local optimum that depends on its seed. The reported
# model is the best of `restarts` fits (the first with `random_state`, the others with
# seeds derived from it) by the variational bound on the training paragraphs, in nats per
# kept token (higher is better); the K sweep above uses single fits. Below: every
# restart's final bound, and the chosen fit's bound after each pass
# (`results/topic_convergence.csv`).

# %%
conv = res.convergence
runs = conv[conv["kind"] == "restart"]
print(runs[["restart", "seed", "bound_per_word", "chosen"]].round(5).to_string(index=False))
trace = conv[conv["kind"] == "pass"]
print(f"chosen fit: bound {trace['bound_per_word'].iloc[0]:.4f} after pass 1, "
      f"{trace['bound_per_word'].iloc[-1]:.4f} after pass {int(trace['pass'].iloc[-1])}; "
      f"change over the last 10 passes "
      f"{trace['bound_per_word'].iloc[-1] - trace['bound_per_word'].iloc[-11]:.2g}")
figs["topic_convergence"]

# %% [markdown]
# ## 4 · What the topics are
# Each topic's top words by probability, by relevance (λ = `relevance_lambda`, Sievert &
# Shirley 2014) and by FREX (Bischof & Airoldi 2012), with the label and gloss written in
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
# The `n_exemplars` paragraphs with the highest share of each topic, among paragraphs with
# at least `exemplar_min_tokens` kept tokens, quoted verbatim with their article. A topic
# can be one article's vocabulary as much as a shared theme: where the exemplars come from,
# and how much of each topic's weight its largest article supplies, is generated below.

# %%
display(Markdown(prose.exemplar_sources(res.exemplars, names)))
display(Markdown(prose.topic_concentration(res.para_topics, names)))
res.exemplars[["topic", "label", "rank", "article_id", "title", "proportion", "text"]].round(3)

# %% [markdown]
# ## 5 · How stable are these topics?
# Each topic of the reported model (seed `random_state`) against its refits with the seeds
# of `refit_seeds`, each an independent best-of-`restarts` fit, so that the spread measures
# the data rather than one optimiser run: mean and worst matched similarity (centred cosine;
# about zero means no closer than an unrelated topic). A topic whose mean is below
# `min_stability` is *unstable* (`stable`, `stability_note`): it does not come back under
# other seeds, and it is not compared across groups.
# The comparisons (the compare-units notebook) report each refit's estimate as reproducibility beside
# the reported model's interval; refits never widen an interval.

# %%
display(Markdown(prose.stability_summary(res.stability, names)))
res.stability.drop(columns="gloss").round(3)

# %% [markdown]
# How concentrated the paragraphs' topic mixes are, under the learnt document–topic prior:

# %%
theta = model.doc_topic_[model.doc_lengths_ > 0]
display(Markdown(prose.single_topic_share(theta, model.model_.alpha, 0.9)))

# %% [markdown]
# ### Coherence of the reported model
# Per-topic NPMI of the published model's top words, with a sliding window and with each
# paragraph as one window (`results/topic_coherence.csv`). The K table's NPMI above is a
# mean over the sweep's other fits.

# %%
display(Markdown(prose.coherence_summary(res.coherence, res.k_table)))
res.coherence.drop(columns="gloss").round(3)

# %% [markdown]
# ## 6 · Topics by article
# Claims are about articles, so each article's shares are inferred from all its kept
# tokens at once (the article as one document), not averaged from its paragraphs' shares,
# which the document–topic prior pulls towards the middle. One row per article with a body.

# %%
at = res.article_topics
tcols = [c for c in at.columns if c.startswith("topic_")]
at.round(3)

# %%
figs["article_topic_heatmap"]

# %% [markdown]
# ## 7 · Interactive map (pyLDAvis)
# `make reproduce` writes `figures/topics_ldavis.html`, which opens offline (`d3` and LDAvis
# are inlined). Topics keep the model's order (`sort_topics=False`), but pyLDAvis counts
# from one: **page topic *n* is model topic *n* minus one** (as numbered in the tables and
# figures). The page repeats this mapping above the plot, with the labels.

# %%
page = ldavis_page(model, labels=res.labels, r=p.ldavis_R)
print(f"topics_ldavis.html: {len(page.encode('utf-8')) / 1e6:.1f} MB, self-contained")

# %% [markdown]
# ## What this shows, and what it does not
# At the text level (party-committee bodies only; see the coverage line at the top), the
# topics of the table under *What the topics are* organise the paragraphs. How stable each is over the
# refits, and how much of it one article supplies, is generated here from the tables; a
# statement about a topic should name that fragility and cite exemplar paragraphs rather
# than the word lists alone.

# %%
display(Markdown(prose.stability_summary(res.stability, names, per_topic=False)))
display(Markdown(prose.topic_concentration(res.para_topics, names)))

# %% [markdown]
# Nothing here speaks for the title-only entries: the compilation holds no body text from
# courts, police or procuratorates, and their titles carry no topic shares.
