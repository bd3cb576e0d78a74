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
# formulas. Every result is labelled **text-level** (article bodies, all of them from
# party-committee units) or **title-level** (table-of-contents titles, every entry); the two
# lines printed below the set-up give the counts, built from the corpus's coverage. Every
# number and every comparison in the prose is generated from the tables (`analysis.prose`).
# The inputs come from `analysis.compare.stage.prepare(ctx)`; the ego network and the
# concordance are the co-occurrence stage's outputs, read from `results/`. The political-legal organs have titles only: whether *their* articles invoke
# 枫桥 in the body cannot be known from this seed.

# %% tags=["parameters"]
params_file = "../params.toml"

# %%
import pandas as pd
from IPython.display import Image, Markdown, display

from analysis import compare, io, prose, segment
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
c = x.contrast
units = prose.contrast_units(c)
tnames = prose.topic_names(x.topics.labels)
print(x.evidence("text"))
print(x.evidence("title"))

# %% [markdown]
# ## 1. In titles (title-level, every entry)

# %%
display(Markdown(prose.grouping_definition(compare.coverage(articles, "section"), "section",
                                           level="title")))
matches = compare.titles_matching(articles, pattern)
display(Markdown(prose.titles_naming(matches, articles, pattern)))
matches

# %%
compare.term_mentions(articles, "section", pattern)[
    ["section", "n_articles", "titles_mentioning", "n_text", "text_mentions",
     "text_articles_mentioning", "per_10k_chars", "text_status_note"]]

# %% [markdown]
# Which titles name it is a fact about titles, not about what their articles say.

# %% [markdown]
# ## 2. In bodies, by unit type and tier (text-level)

# %%
for by in ["unit_type", "tier"]:
    display(Markdown(prose.grouping_definition(compare.coverage(articles, by), by)))
    display(compare.term_mentions(articles, by, pattern)[
        [by, "n_articles", "n_text", "text_mentions", "text_articles_mentioning",
         "per_10k_chars", "titles_mentioning", "text_status_note"]])

# %%
per_article = compare.term_by_article(articles, pattern)
display(Markdown(prose.mention_concentration(per_article, pattern)))
per_article[per_article["text_status"] != "title_only"][
    ["article_id", "unit_type", "tier", "province", "n_chars", "text_mentions",
     "per_10k_chars", "title_mentions"]]

# %% [markdown]
# Where mentions are concentrated in a few articles, a group comparison must rest on units,
# not tokens. Below, the rate per ten thousand characters is compared between the two
# groups of the comparison with the same inference as the topic comparisons, as
# `make reproduce` writes it (`fengqiao_rate_difference_*.csv`): a permutation test over
# units, the interval that inverts it (significant exactly when it excludes zero, a valid
# method for zero-heavy rates), `p_adj` over its one-measure family, and `mde`, the
# smallest difference the test detects with `power` at these n: if the rate does not
# differ, differences smaller than its `mde` cannot be ruled out.

# %%
display(Markdown(prose.contrast_definition(c, x.contrast_note)))
rate_diff = compare.prevalence_difference(per_article, c.articles, c.by, c.a, c.b,
                                          topic_cols=["per_10k_chars"], weight_col=None,
                                          scale="rate", family="measure (one)", **boot)
display(Markdown(prose.difference_paragraph(
    rate_diff, alpha=cp.alpha, labels={"per_10k_chars": "mentions per 10,000 characters"},
    digits=2, units=units, what="measure")))
rate_diff[["topic", "group_a", "group_b", "status", "estimate", "ci_low", "ci_high",
           "p_value", "p_adj", "p_adj_family", "significant", "mde", "loo_min", "loo_max",
           "loo_most_influential", "n_a", "n_b", "evidence"]]

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
display(Markdown(prose.strongest_partners(ego, "枫桥经验", ego["measure"].iloc[0], n=5)))
ego[(ego["source"] == "枫桥经验") | (ego["target"] == "枫桥经验")]

# %%
compare.actor_keywords(x.para_tokens, x.paragraphs, compare.term_table(pattern, "fengqiao"),
                       top_n=15)

# %% [markdown]
# ## 5. In which topics (text-level, paragraph level)
# Mean topic proportion (reported model) of the paragraphs that mention 枫桥 against all
# other paragraphs, and how much of the largest difference one article supplies.

# %%
ft = compare.actor_topics(x.topics.para_topics, x.paragraphs,
                          compare.term_table(pattern, "fengqiao"))
display(Markdown(prose.topic_association(ft, tnames) + " "
                 + prose.association_influence(x.topics.para_topics, x.paragraphs, pattern,
                                               labels=tnames)))
ft.assign(topic=ft["topic"].map(labels).fillna(ft["topic"])).sort_values(
    "difference", ascending=False)

# %% [markdown]
# ## 6. KWIC: every body occurrence of 枫桥经验 (text-level, verbatim)
# `kwic_window` characters each side (`[cooccur]`), from the source paragraph, as the
# co-occurrence stage wrote them; the unit is the article's `unit_type`.

# %%
kw = io.read_csv(io.output_path(ctx.paths.results, "cooccurrence_kwic"))
display(Markdown(prose.kwic_context(kw, "枫桥经验", "新时代")))
kw[kw["keyword"] == "枫桥经验"][["article_id", "para_id", "unit", "left", "keyword", "right"]]

# %% [markdown]
# ## 7. Formulas around it
# Numbered policy formulas (`segment.formulas`) in the paragraphs that mention 枫桥, and in
# the titles (title-level) of the articles that name it.

# %%
compare.formulas_near(x.paragraphs, pattern, segment.formulas)

# %% [markdown]
# ## What this shows, and what it cannot
# * **Text-level.** How widely the bodies invoke the 枫桥经验, how concentrated the mentions
#   are, in which fixed phrase, next to which terms and in which topics, generated from the
#   sections above. The 枫桥式 compounds (*In which words*) attach it to specific institutions.

# %%
display(Markdown("\n\n".join([
    prose.mention_concentration(per_article, pattern),
    prose.kwic_context(kw, "枫桥经验", "新时代"),
    prose.strongest_partners(ego, "枫桥经验", ego["measure"].iloc[0], n=5),
    prose.topic_association(ft, tnames),
    prose.association_influence(x.topics.para_topics, x.paragraphs, pattern, labels=tnames),
    prose.difference_paragraph(
        rate_diff, alpha=cp.alpha, labels={"per_10k_chars": "mentions per 10,000 characters"},
        digits=2, units=units, what="measure"),
    prose.titles_naming(matches, articles, pattern)])))

# %% [markdown]
# * **Cannot be said.** Whether courts, procuratorates, police or justice bureaus invoke the
#   枫桥经验 in their own texts: their entries are titles only. The 枫桥式 institutions that
#   appear here (e.g. police stations and people's tribunals) are described *by* party
#   committees.
