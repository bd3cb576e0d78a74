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
# # 03 · Keyword co-occurrence: which governance terms travel together?
#
# The question: in the 2024 平安建设 compilation, which key terms are written in the same
# sentence, how do they cluster, and do city and county party committees link them
# differently?
#
# **What this stands on.** Sentences of the article bodies — in the seed, articles 1–20
# only, all from the party-committee section, article 20 cut by a paywall — are the windows
# of the main, ego and differential networks (*text-level*). Courts, procuratorates, police
# and the other units have no body in the seed, so nothing here says how *they* write; the
# only analysis covering all units is the title network (*title-level*). Every number below
# comes from `analysis.cooccur.stage.prepare`, the function `make reproduce` calls before it
# writes, with the parameters of `[cooccur]` in `params.toml`; every figure is drawn by the
# same `stage.*_figure` function that writes it.

# %% tags=["parameters"]
params_file = "../params.toml"

# %%
import warnings

import pandas as pd
from IPython.display import display

from analysis import cooccur
from analysis.context import RunContext
from analysis.cooccur import stage as cooccur_stage
from analysis.evidence import evidence_label
from analysis.plots.style import show

pd.set_option("display.max_colwidth", 80)
ctx = RunContext.from_file(params_file)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", UserWarning)
    x = cooccur_stage.prepare(ctx)
for w in caught:
    print("warning:", w.message)
print(evidence_label("text", x.coverage))
cooccur_stage.summary(x)

# %% [markdown]
# ## The main network (text-level)
#
# Nodes are the most frequent tokens (windows containing them), edges the strongest pairs by
# the chosen measure among pairs that co-occur at least `min_count` times and more often than
# chance. Node area shows frequency, edge width the measure, colour the Louvain community
# (fixed seed). The layout is Kamada–Kawai (deterministic).

# %%
display(show(cooccur_stage.network_figure(x), width=760))

# %%
x.network.nodes_.groupby("community")["term"].apply(lambda s: " · ".join(s)).to_frame("terms")

# %%
edges = x.network.edges_
edges[["source", "target", "count", "expected", "jaccard", "dice", "npmi", "g2",
       "p_value"]].head(15)

# %% [markdown]
# ## Every link has its sentences
#
# The sentences behind the strongest edge, straight from the windows
# (`cooccurrence_lines`); `results/cooccurrence_edge_sentences.csv` holds them for every edge.

# %%
top = edges.iloc[0]
cooccur.cooccurrence_lines(top["source"], top["target"], x.windows, x.articles,
                           unit_col=x.unit_col)[["article_id", "title", "text"]].head(8)

# %% [markdown]
# ## Ego networks and concordances
#
# The key terms of `ego_terms` as the segmenter produces them: the table gives each term's
# number of sentence windows, or says that it is not a token (then no ego network is drawn).

# %%
x.ego.terms

# %%
for term in x.ego.terms.query("status == 'ok'")["term"]:
    display(show(cooccur_stage.ego_figure(x, term), width=380))

# %%
cooccur.kwic("网格", x.windows, x.articles, window=x.params.kwic_window,
             unit_col=x.unit_col)[["article_id", "left", "keyword", "right"]].head(10)

# %% [markdown]
# ## Differential network: city against county party committees (text-level)
#
# Per pair, the measure among city-level and among county-level party-committee articles;
# the p-value comes from shuffling the group labels over *articles* (sentences of one
# article move together), and q-values control the false discovery rate over all tested
# pairs. The coverage table states the articles each side stands on.

# %%
d = x.differential
display(d.coverage)
if d.table is not None:
    display(d.table.head(12))
    print("edges with q <", x.params.differential.alpha, ":",
          (d.table["stronger_in"] != "").sum(), "of", len(d.table), "tested")
    display(show(cooccur_stage.differential_figure(x), width=760))

# %% [markdown]
# A group without body text is not compared: the same call on the section column (courts,
# police and other units have titles only) stops with an explicit error.

# %%
try:
    cooccur.differential_network(x.windows, x.articles, group_col="section",
                                 groups=("party_committees", "political_legal_organs"))
except cooccur.NoTextError as exc:
    print("NoTextError:", exc)

# %% [markdown]
# ## Title network (title-level, all units)

# %%
display(show(cooccur_stage.title_figure(x), width=760))

# %% [markdown]
# ## Reading the results
#
# *Text-level, party-committee bodies only.* In the main network the Louvain partition
# separates, with moderate modularity (see the summary table), a dispute-handling cluster
# (矛盾纠纷, 化解, 调解, 排查) from clusters of service and grassroots vocabulary (服务,
# 基层, 社区, 综治中心) and of the programme's slogans (社会治理, 枫桥经验, 新时代).
# 枫桥经验 is tied above all to 新时代 — the fixed phrase 新时代“枫桥经验” — so its edges
# say as much about a formula as about practice; the sentences of any edge can be read in
# `cooccurrence_edge_sentences.csv` before it is interpreted. These are associations
# in 20 party-committee articles, not the vocabulary of courts, police or procuratorates.
#
# *City vs county.* With 8 city and 10 county articles, the permutation test over articles
# finds no pair whose association differs beyond what reshuffling the articles produces
# once the false discovery rate is controlled (see the count above): the data do not show
# a city–county difference in how these terms are linked, which is not evidence that there
# is none.
#
# *Title-level.* Almost every title contains 平安建设, so the title network is mostly a
# star around it; it shows the framing of the titles of all 75 units, not their content.
