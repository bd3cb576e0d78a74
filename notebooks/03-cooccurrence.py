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
# **What this stands on.** Sentences of the article bodies — in the seed, only
# party-committee articles have one (the evidence line printed below gives the counts) — are
# the windows of the main, ego and differential networks (*text-level*). Courts, procuratorates, police
# and the other units have no body in the seed, so nothing here says how *they* write; the
# only analysis covering all units is the title network (*title-level*). Every number below
# comes from `analysis.cooccur.stage.prepare`, the function `make reproduce` calls before it
# writes, with the parameters of `[cooccur]` in `params.toml`; every figure is drawn by the
# same `stage.*_figure` function that writes it. Every number and every comparison in the
# prose is generated from these results (`analysis.prose`).

# %% tags=["parameters"]
params_file = "../params.toml"

# %%
import warnings

import pandas as pd
from IPython.display import Markdown, display

from analysis import cooccur, prose
from analysis.context import RunContext
from analysis.cooccur import stage as cooccur_stage
from analysis.evidence import NoTextError, evidence_label, resolve_contrast
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
# ## Differential network: the two groups of `[contrast]` (text-level)
#
# Per pair, the measure in each group's articles; the p-value comes from shuffling the
# group labels over *units* (articles, or the articles of one `cluster_by` value together;
# sentences of one unit move together), and q-values control the false discovery rate over
# all tested pairs. The coverage table states the articles each side stands on.

# %%
try:
    contrast, note = resolve_contrast(x.articles, ctx.params.contrast), ""
except NoTextError as exc:
    contrast, note = None, str(exc)
display(Markdown(prose.contrast_definition(contrast, note)))
d = x.differential
display(d.coverage)
if d.table is not None:
    display(Markdown(prose.differential_summary(d.table, d.coverage,
                                                x.params.differential.alpha)))
    display(d.table.head(12))
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
# *Text-level, party-committee bodies only.* The partition and the strongest ties of the
# programme's slogan, generated from the network tables. Name a community only after reading
# the sentences of its edges (`cooccurrence_edge_sentences.csv`): an edge such as the one
# between 枫桥经验 and 新时代 may say as much about a fixed phrase (新时代“枫桥经验”) as about
# practice. These are associations in party-committee articles, not the vocabulary of
# courts, police or procuratorates.

# %%
measure = x.network.measure
display(Markdown(prose.network_summary(cooccur_stage.summary(x)) + "\n\n"
                 + prose.communities(x.network.nodes_) + "\n\n"
                 + prose.strongest_partners(edges, "枫桥经验", measure)))

# %% [markdown]
# *City vs county.* The differential network's verdict, with the groups' n:

# %%
if d.table is not None:
    display(Markdown(prose.differential_summary(d.table, d.coverage,
                                                x.params.differential.alpha)))

# %% [markdown]
# *Title-level.* The title network shows the framing of the titles of all units, not their
# content:

# %%
display(Markdown(prose.title_hub(x.title_windows, x.title_network.nodes_)))
