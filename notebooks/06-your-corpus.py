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
# # 06 · Your own corpus, end to end
#
# The whole path on a second corpus, with no code edits: load a table with a text column
# and metadata columns, check what text each group stands on, pick the groups, run every
# stage into an output root of its own, and read the comparison.
#
# **The corpus.** `data/examples/your_corpus/corpus.csv` is built by `build.py` beside it
# from the seed compilation: its real titles and the real bodies the source prints, one
# row per entry, under column names a researcher's spreadsheet might use (`headline`,
# `body`, `published`) and with metadata columns of the researcher's own (`jurisdiction`,
# `quarter`, `province`). No text is invented; what it shows is the *route*, not new
# findings. Its settings are `"section.key"` overrides of `params.toml` in
# `data/examples/your_corpus/params.toml` (`docs/your-corpus.md` explains every key). The
# outputs go under `out`, never into the seed's `results/` or `figures/`.

# %% tags=["parameters"]
params_file = "../params.toml"
example_file = "../data/examples/your_corpus/params.toml"
out = "../.cache/notebook-06"
reduced = True   # the [reproduce.reduced] profile: every stage, fewer K-sweep models

# %%
import tomllib
import warnings
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from analysis import io, prose, reproduce
from analysis.config import load_params
from analysis.context import RunContext
from analysis.corpus import CorpusWarning
from analysis.evidence import coverage

params = load_params(params_file)
params = params.reduced() if reduced else params
with open(example_file, "rb") as fh:
    settings = tomllib.load(fh)
params = params.replace(settings)
ctx = RunContext(params, Path(out).resolve())
pd.Series(settings, name="value").to_frame()

# %% [markdown]
# ## 1. Load
# The table is read with the column names of `[corpus]`. Rows become `articles` with the
# data contract's columns (`text_status`, `n_paragraphs` …) followed by the metadata
# columns; bodies become `paragraphs`, one per line of the text cell. An empty body makes
# a row `title_only`. The corpus's hash (`corpus.sha256`) binds curated files to it.

# %%
with warnings.catch_warnings():
    warnings.simplefilter("ignore", CorpusWarning)
    corpus = ctx.corpus
articles = corpus.articles
print("source:", Path(params.corpus.raw).name, "| sha256:", corpus.sha256[:16], "…")
print("articles:", len(articles), "| paragraphs:", len(corpus.paragraphs))
print("metadata columns:", list(params.corpus.metadata))
articles[["article_id", "doc", "title", "text_status", "n_paragraphs", "jurisdiction",
          "quarter", "province", "province_source", "unit_type"]].head(8)

# %% [markdown]
# `province` is a codebook column the table brings itself: it is kept as given (source
# `corpus`). `[units] classify = "none"`, so no other unit column is read from titles.

# %%
articles["text_status"].value_counts()

# %% [markdown]
# ## 2. Check coverage and pick the groups
# A text-level estimate needs bodies. For each grouping column named in `[compare] groups`,
# the coverage table says how many articles each group has and how many of them have text.

# %%
print("groups:", list(params.compare.groups))
print("the comparison of [contrast]:", params.contrast.by, list(params.contrast.groups) or
      "the two groups with most text")
for by in params.compare.groups:
    display(coverage(articles, by)[[by, "n_articles", "n_text", "n_chars", "evidence"]])

# %% [markdown]
# ## 3. Run every stage
# `reproduce.run` with this corpus's parameters and its own output root. Without labels for
# this corpus it goes on with provisional topic labels and writes a draft labels file
# (`reproduce --strict-labels` would refuse instead). `force=True` rebuilds every stage, so
# the table below is the same on every execution.

# %%
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    summary = reproduce.run(out=ctx.out, params=params, quiet=True, force=True)
pd.DataFrame(summary).T[["status", "outputs"]]

# %%
results = ctx.paths.results
draft = ctx.out / "data" / "topic_labels.draft.toml"
print("draft labels written:", draft.exists(), "→", draft.relative_to(ctx.out))
print("[meta]" + draft.read_text(encoding="utf-8").split("[meta]")[1].split("[[topic]]")[0])

# %% [markdown]
# ## 4. Read the results
# ### K, chosen by rule
# `[topics] num_topics = "auto"`: the K of the sweep with the highest mean NPMI (ties at
# the written precision: the more stable, then the smaller K). The rule's inputs:

# %%
choice = io.read_csv(io.output_path(results, "topics_k_choice"))
chosen = int(choice.loc[choice["chosen"], "k"].iloc[0])
sweep = io.read_csv(io.output_path(results, "topics_k_selection"))
display(Markdown(prose.k_reading(sweep, chosen, rule=choice["rule"].iloc[0])))
choice.drop(columns="rule")

# %%
terms = io.read_csv(io.output_path(results, "topic_terms"))
terms.groupby("label")["term"].apply(lambda t: " ".join(t.head(8)))

# %% [markdown]
# ### The comparison
# Topic prevalence by `jurisdiction` (text-level: the reported model's article shares, mean
# over units with a bootstrap-t interval on the logit scale; groups without bodies get no
# estimate), then the difference between the two groups of `[contrast]`: a permutation
# test over units whose inversion is the interval (significant exactly when it excludes
# zero), `p_adj` over the topics, and `mde`, below which a difference cannot be ruled out.

# %%
prev = pd.read_csv(results / "topic_prevalence_by_jurisdiction.csv")
prev.pivot(index="topic", columns="jurisdiction", values="estimate").round(3)

# %%
prev.groupby("jurisdiction")[["n_articles", "n_text", "status"]].first()

# %%
diff_file = sorted(results.glob("topic_prevalence_difference_*.csv"))[0]
print(diff_file.name)
diff = pd.read_csv(diff_file)
display(Markdown(prose.difference_paragraph(diff, alpha=params.compare.alpha)))
diff[["topic", "group_a", "group_b", "n_a", "n_b", "status", "estimate", "ci_low", "ci_high",
      "p_value", "p_adj", "significant", "mde"]].round(3)

# %% [markdown]
# Key words per group (G² against the other groups, log ratio as effect size), from the
# bodies:

# %%
kw = pd.read_csv(results / "keyness_by_jurisdiction.csv")
top = kw[kw["direction"] == "over"] if "direction" in kw.columns else kw
top.sort_values("g2", ascending=False).groupby("jurisdiction").head(6)[
    ["jurisdiction", "term", "g2", "log_ratio", "p_adjusted"]].round(3)

# %% [markdown]
# ## What to do next with your own corpus
# - Write a `params.toml` (or overrides as in `data/examples/your_corpus/params.toml`)
#    naming your table and its columns, and the groups you want compared.
# - Run `python -m analysis reproduce --params my_params.toml --out my-run`.
# - Read `my-run/results/topic_terms.csv` and `topic_exemplars.csv`, fill in
#    `my-run/data/topic_labels.draft.toml`, save it and point `[topics] labels` at it.
# - Re-run with `--strict-labels`: from then on the labels must keep fitting the topics.
