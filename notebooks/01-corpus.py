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
# # 01 · The corpus: what it holds and what it lacks
#
# This notebook is the data section of a paper in executable form. It takes the corpus
# stage's tables from `analysis.corpus.stage.prepare(ctx)` (the same call the writer of
# `make reproduce` makes), shows how many of the 75 table-of-contents entries have text,
# and states what every later analysis can and cannot rest on.

# %% tags=["parameters"]
params_file = "../params.toml"

# %%
import pandas as pd
from IPython.display import display

from analysis.context import RunContext
from analysis.corpus import stage as corpus_stage
from analysis.plots.corpus import draw_coverage
from analysis.plots.units import draw_by_province
from analysis.segment import stage as segment_stage
from analysis.units import stage as units_stage

# %matplotlib inline

ctx = RunContext.from_file(params_file)
c = corpus_stage.prepare(ctx)
print("source:", c.corpus.source.name)
for note in c.corpus.notes:
    note = note.split(": ", 1)[-1]  # each warning starts with the source path
    print("warning:", note[:300], "…" if len(note) > 300 else "")

# %% [markdown]
# ## Source
# The file is a web-page copy of a compilation posted on a document-sharing site. The loader
# records what the page itself prints about it, and every line it did not assign to an
# article, with the reason.

# %%
print(c.corpus.meta)
print("sha256:", c.corpus.sha256)
c.corpus.dropped.groupby("reason").size()

# %% [markdown]
# ## Coverage: articles by section and text status

# %%
c.coverage

# %%
fig = draw_coverage(c.coverage, c.corpus.articles, evidence=c.evidence)

# %% [markdown]
# All 75 entries are kept. Only the first 20 articles, all in the party-committee section,
# have a body, and the 20th stops at the site's paywall. Every political-legal organ
# (courts, procuratorates, police, justice bureaus, prison administration, the governance
# centre and the law society) and every "other unit" is known **by its title alone**. Any
# text-level statement in this project is therefore a statement about party-committee
# writing (cities, counties, one subdistrict and one party-school author); comparisons that
# involve the other sections can only use titles, and say so.

# %% [markdown]
# ## The articles with text

# %%
cols = ["article_id", "title", "body_title", "date", "byline", "page", "n_paragraphs",
        "n_chars", "text_status"]
articles = c.corpus.articles
articles.loc[articles["text_status"] != "title_only", cols]

# %% [markdown]
# Articles 8 and 10 print a byline instead of a date; article 10 prints a shorter title
# than its table-of-contents entry (recorded as `body_title`). Dates run from July to
# November 2024.

# %% [markdown]
# ## Paragraphs
# Lines broken by the source's page breaks and line wraps are rejoined; numbered headings
# (一、 / （一） / 1.) are kept as paragraphs of kind `heading`.

# %%
p = c.corpus.paragraphs
summary = p.groupby("kind").agg(paragraphs=("text", "size"), median_chars=("n_chars", "median"))
summary

# %%
pd.set_option("display.max_colwidth", 80)
p[p["article_id"] == 1][["para_id", "kind", "text"]]

# %% [markdown]
# ## Title-only entries
# These titles are the only evidence the seed holds for 55 of the 75 units. Entry 57
# repeats entry 53.

# %%
articles.loc[articles["text_status"] == "title_only",
             ["article_id", "section", "title", "page", "duplicate_of"]]

# %% [markdown]
# ## Who wrote them: issuing units
# Unit type, level, tier and province are read from each title (and settled by the body
# where there is one) through the gazetteer, then corrected where `data/metadata/overrides.csv`
# says so, with the reason. The table below lists every corrected value next to the
# classifier's; the agreement of classifier and curation is given per field.

# %%
u = units_stage.prepare(ctx)
display(u.overrides[u.overrides["changed"]][["article_id", "field", "classifier", "curated"]])
u.agreement

# %%
fig = draw_by_province(u.articles, caption=u.caption, evidence=u.evidence)

# %% [markdown]
# ## Segmentation audit
# Topics and networks are only as good as their tokens (Denny & Spirling 2018). The
# segmenter is jieba with a governance lexicon mined from this corpus and curated
# (`data/lexicon/README.md`), layered stopwords (`data/stopwords/README.md`) and the options
# in `params.toml`. The tables below are the same ones `make reproduce` writes to
# `results/segmentation_audit*.csv`.

# %%
s = segment_stage.prepare(ctx)
audit = s.audit
print(f"backend: {s.backend}; {len(audit)} lexicon terms; "
      f"{int(audit['corpus_count'].sum())} occurrences; kept whole by plain jieba: "
      f"{int(audit['plain_whole'].sum())}, by ours: {int(audit['ours_whole'].sum())}")
audit.head(15)

# %% [markdown]
# What each filtering step removes (each word is counted at the first rule that fires):

# %%
s.filters

# %%
s.stopwords

# %% [markdown]
# Words the segmenter treats as place names (dropped from topic-model tokens by default):

# %%
s.places.head(15)

# %% [markdown]
# Sentences where plain jieba and our segmenter differ, side by side:

# %%
s.samples.head(6)[["term", "article_id", "plain_jieba", "ours"]]

# %% [markdown]
# Plain jieba keeps none of the lexicon terms whole (枫桥经验 → 枫桥/经验, 矛盾纠纷 → 矛盾/纠纷);
# ours keeps nearly all of them, and the few exceptions are listed in the audit table. Place
# names are dropped from topic-model tokens by default, and general and domain stopwords
# remove about a quarter of the words; both layers, and the words deliberately kept out of
# them (法治, 调解, 网格 …), are documented with their sources.
