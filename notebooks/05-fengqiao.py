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
# # 05 · Where and how does the 枫桥经验 appear?
#
# The "Fengqiao experience" (枫桥经验) is the slogan this compilation pairs with 平安建设.
# This notebook asks where it appears (which units, which tiers, titles or bodies), in which
# words (枫桥经验, 枫桥式 …), next to which terms, in which topics, and with which numbered
# formulas. Every result is labelled **text-level** (article bodies: articles 1–20, all
# party-committee units; 20 truncated) or **title-level** (table-of-contents titles, all 75
# entries); the two lines printed below the set-up are built from the corpus's coverage.
# The inputs come from `analysis.compare.stage.prepare(ctx)`; the ego network and the
# concordance are the co-occurrence stage's outputs, read from `results/`. The political-legal organs have titles only: whether *their* articles invoke
# 枫桥 in the body cannot be known from this seed.

# %% tags=["parameters"]
params_file = "../params.toml"

# %%
import pandas as pd
from IPython.display import Image, display

from analysis import compare, io, segment
from analysis.compare import stage as compare_stage
from analysis.context import RunContext

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 80)
pd.set_option("display.max_rows", 120)
ctx = RunContext.from_file(params_file)
x = compare_stage.prepare(ctx)
cp = ctx.params.compare
pattern = cp.fengqiao_pattern
articles, labels, boot = x.articles, x.labels, x.boot
a, b = x.pair
print(x.evidence("text"))
print(x.evidence("title"))

# %% [markdown]
# ## 1. In titles (title-level, all 75 entries)

# %%
compare.titles_matching(articles, pattern)

# %%
compare.term_mentions(articles, "section", pattern)[
    ["section", "n_articles", "titles_mentioning", "n_text", "text_mentions",
     "text_articles_mentioning", "per_10k_chars", "text_status_note"]]

# %% [markdown]
# Four titles name 枫桥, all of them party-committee articles that also have a body
# (2 玉溪, 5 滁州, 8 宣城, 20 故城). No title of a political-legal organ or other unit does;
# that is a fact about titles, not about what their articles say.

# %% [markdown]
# ## 2. In bodies, by unit type and tier (text-level)

# %%
for by in ["unit_type", "tier"]:
    display(compare.term_mentions(articles, by, pattern)[
        [by, "n_articles", "n_text", "text_mentions", "text_articles_mentioning",
         "per_10k_chars", "titles_mentioning", "text_status_note"]])

# %%
per_article = compare.term_by_article(articles, pattern)
per_article[per_article["text_status"] != "title_only"][
    ["article_id", "unit_type", "tier", "province", "n_chars", "text_mentions",
     "per_10k_chars", "title_mentions"]]

# %% [markdown]
# Mentions are concentrated: two articles written *about* the Fengqiao experience (5 and 8,
# whose titles name it) carry a large share of them. So a group comparison must resample
# articles. Below, the rate per 10,000 characters is compared between the two best-covered
# tiers with the same article-level cluster bootstrap as the topic comparisons.

# %%
rate_diff = compare.prevalence_difference(per_article, articles, cp.difference_by, a, b,
                                          topic_cols=["per_10k_chars"], weight_col=None,
                                          **boot)
rate_diff[["topic", "group_a", "group_b", "estimate", "ci_low", "ci_high",
           "ci_excludes_zero", "n_a", "n_b", "level"]]

# %% [markdown]
# ## 3. In which words
# Segmented words that contain 枫桥 (paragraph tokens, bodies only).

# %%
compare.token_forms(x.para_tokens, pattern)

# %% [markdown]
# ## 4. Next to which terms (sentence windows, text-level)
# The ego network of 枫桥经验 from the co-occurrence stage (`results/` and `figures/`,
# written by `analysis.cooccur.stage`): terms most associated with it within windows
# (measure and window as in `[cooccur]`), and the words over-used in paragraphs that
# mention 枫桥 against all other paragraphs (G², log ratio).

# %%
ego_terms = io.read_csv(io.output_path(ctx.paths.results, "cooccurrence_ego_terms"))
ego_terms[ego_terms["term"] == "枫桥经验"]

# %%
slug = ego_terms.set_index("term").loc["枫桥经验", "slug"]
display(Image(filename=str(ctx.paths.figures / f"cooccurrence_ego_{slug}.png"), width=520))
ego = io.read_csv(io.output_path(ctx.paths.results, "cooccurrence_ego_edges"))
ego = ego[ego["ego"] == "枫桥经验"]
ego[(ego["source"] == "枫桥经验") | (ego["target"] == "枫桥经验")]

# %%
compare.actor_keywords(x.para_tokens, x.paragraphs, compare.term_table(pattern, "fengqiao"),
                       top_n=15)

# %% [markdown]
# ## 5. In which topics (text-level, paragraph level)
# Mean topic proportion of the paragraphs that mention 枫桥 against all other paragraphs.

# %%
ft = compare.actor_topics(x.topics.para_topics, x.paragraphs,
                          compare.term_table(pattern, "fengqiao"))
ft.assign(topic=ft["topic"].map(labels).fillna(ft["topic"])).sort_values(
    "difference", ascending=False)

# %% [markdown]
# ## 6. KWIC: every body occurrence of 枫桥经验 (text-level, verbatim)
# `kwic_window` characters each side (`[cooccur]`), from the source paragraph, as the
# co-occurrence stage wrote them; the unit is the article's `unit_type`.

# %%
kw = io.read_csv(io.output_path(ctx.paths.results, "cooccurrence_kwic"))
kw[kw["keyword"] == "枫桥经验"][["article_id", "para_id", "unit", "left", "keyword", "right"]]

# %% [markdown]
# ## 7. Formulas around it
# Numbered policy formulas (`segment.formulas`) in the paragraphs that mention 枫桥, and in
# the titles (title-level) of the articles that name it.

# %%
compare.formulas_near(x.paragraphs, pattern, segment.formulas)

# %% [markdown]
# ## What this shows, and what it cannot
# * **Text-level.** The 枫桥经验 is invoked in most of the twenty party-committee bodies,
#   mostly in the fixed phrase 坚持和发展新时代“枫桥经验” (see the KWIC lines), next to
#   新时代, 矛盾纠纷 and 基层 / 社会治理 — the slogan frames dispute resolution at the
#   grassroots, and the 枫桥式 compounds attach it to specific institutions. The rate per
#   10,000 characters is driven by two articles written about it (5 and 8); the city–county
#   interval above says how much of the tier difference survives resampling articles.
# * **Title-level.** Only four titles name it, all party committees.
# * **Cannot be said.** Whether courts, procuratorates, police or justice bureaus invoke the
#   枫桥经验 in their own texts: their entries are titles only. The 枫桥式 institutions that
#   appear here (e.g. police stations and people's tribunals) are described *by* party
#   committees.
