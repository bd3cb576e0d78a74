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
# `make reproduce` makes), shows how many of the table-of-contents entries have text,
# and states what every later analysis can and cannot rest on. Every number and every
# comparison in the prose is generated from the tables (`analysis.prose`).

# %% tags=["parameters"]
params_file = "../params.toml"

# %%
import pandas as pd
from IPython.display import Markdown, display

from analysis import prose
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
# What every later analysis stands on (generated from the articles table):

# %%
display(Markdown(prose.corpus_coverage(c.corpus.articles)))

# %% [markdown]
# ## The articles with text

# %%
cols = ["article_id", "title", "body_title", "date", "byline", "page", "n_paragraphs",
        "n_chars", "text_status"]
articles = c.corpus.articles
articles.loc[articles["text_status"] != "title_only", cols]

# %%
display(Markdown(prose.dates_and_bylines(articles)))

# %% [markdown]
# ## Paragraphs
# Lines broken by the source's page breaks and line wraps are rejoined; numbered headings
# (一、, （一） or an Arabic numeral with a point) are kept as paragraphs of kind `heading`.

# %%
p = c.corpus.paragraphs
summary = p.groupby("kind").agg(paragraphs=("text", "size"), median_chars=("n_chars", "median"))
summary

# %%
pd.set_option("display.max_colwidth", 80)
p[p["article_id"] == 1][["para_id", "kind", "text"]]

# %% [markdown]
# ## Title-only entries
# For these entries the title is the only evidence the seed holds.

# %%
display(Markdown(prose.duplicates(articles)))
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
display(Markdown(prose.unit_types_with_text(u.articles)))
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
# What the lexicon and the filters do, from the audit tables above (plain jieba splits
# lexicon terms such as 枫桥经验 → 枫桥/经验; the sample sentences show where):

# %%
display(Markdown(prose.segmentation_summary(s.audit, s.filters)))

# %% [markdown]
# Both stopword layers, and the words deliberately kept out of them (法治, 调解, 网格 …), are
# documented with their sources.
