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
# # 04 · Comparing units: do they write about 平安建设 in different terms?
#
# The question: do party committees, political-legal committees, courts, procuratorates,
# police, justice bureaus and other units write about 平安建设 differently, and do city,
# county and grassroots units differ?
#
# **What the seed allows.** Only articles 1–20 have body text (20 is cut by a paywall), and
# all twenty sit in the party-committee section. Courts, procuratorates, police, justice
# bureaus and "other units" have titles only. So every *text-level* comparison here is a
# comparison **among party-committee articles** (by tier, by province, by unit type where a
# party-committee-section article is classified otherwise), and what the bodies say about
# courts and police is how *party-committee texts portray* them. Comparisons that include
# the political-legal organs are *title-level* and are labelled so.
#
# Every table carries the coverage of its groups (`n_articles`, `n_text`, `evidence`);
# every figure shows it in its legend or tick labels. The inputs (articles with their unit
# columns, tokens from the run's segmenter, the topic stage's results, the actor lexicon)
# come from `analysis.compare.stage.prepare(ctx)`, the call `make reproduce` makes before
# it writes the same tables and figures (`compare.stage.write`).

# %% tags=["parameters"]
params_file = "../params.toml"

# %%
import pandas as pd
from IPython.display import display

from analysis import compare, segment
from analysis.compare import stage as compare_stage
from analysis.context import RunContext
from analysis.plots import compare as plots

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 30)
ctx = RunContext.from_file(params_file)
x = compare_stage.prepare(ctx)
cp = ctx.params.compare
articles, labels, boot = x.articles, x.labels, x.boot
a, b = x.pair
print(x.evidence("text"))
print(x.evidence("title"))


# %% [markdown]
# ## 1. Coverage: what each group stands on
# `evidence` is `text` when every article of the group has a body, `title-only` when none
# has, `mixed` otherwise (then text-level results use only its `n_text` articles).

# %%
for by in ["section", "unit_type", "tier"]:
    display(compare.coverage(articles, by, x.body_tokens))

# %% [markdown]
# By section, only `party_committees` has text (20 of 42 articles). By unit type, the
# twenty bodies belong to party committees and one political-legal committee (article 6,
# 安康市政法, printed in the party-committee section). By tier, bodies exist for city,
# county and one grassroots article (10, a Beijing subdistrict); national and provincial
# units are titles only. These counts bound everything below.

# %% [markdown]
# ## 2. Topic prevalence per group (text-level), cluster bootstrap over articles
# Article prevalence is the token-weighted mean of its paragraphs' topic proportions; the
# group estimate is the mean over its text articles; the 95% interval comes from resampling
# *articles* (not paragraphs) within the group, with a fixed seed. Groups with fewer than
# `min_articles_ci` text articles get a point estimate but no interval.

# %%
prev_tier = compare.topic_prevalence(x.topics.para_topics, articles, "tier",
                                     tokens=x.body_tokens, **boot)
fig = plots.draw_topic_prevalence(prev_tier, "tier", evidence=x.evidence("text"),
                                  topic_labels=labels)

# %%
prev_tier.assign(topic=prev_tier["topic"].map(labels).fillna(prev_tier["topic"]))[
    ["tier", "topic", "estimate", "ci_low", "ci_high", "n_units", "status", "evidence"]]

# %% [markdown]
# Groups without any body (national, province) appear with `status` = "no text: no
# text-level estimate" and empty values, rather than being dropped silently. The same
# holds by section: the political-legal organs and other units get **no** text-level
# estimate.

# %%
prev_section = compare.topic_prevalence(x.topics.para_topics, articles, "section",
                                        tokens=x.body_tokens, **boot)
prev_section.drop_duplicates("section")[["section", "n_articles", "n_text", "n_units",
                                         "status", "evidence"]]

# %% [markdown]
# ### Title-level prevalence (a separate, weaker estimate)
# Topic proportions inferred from the titles alone, with the model fitted on bodies. A title
# is a dozen characters; these estimates say which body topics a title's words resemble,
# nothing more. They are the only topic view of the political-legal organs. Every article
# has a title, so each group's estimate rests on all its entries (repeated titles once),
# including the party-committee articles that also have a body.

# %%
tprev = compare.topic_prevalence(x.topics.title_topics, articles, "section",
                                 level="title", weight_col=None, **boot)
fig = plots.draw_topic_prevalence(tprev, "section", evidence=x.evidence("title"),
                                  topic_labels=labels)

# %%
tprev[["section", "topic", "estimate", "ci_low", "ci_high", "n_units", "level"]]

# %% [markdown]
# ## 3. Difference between the two best-covered text groups
# In the style of stm's `plot.estimateEffect(method = "difference")`: one point and one
# 95% interval per topic, a zero line. The two groups are chosen by the number of text
# articles (`difference_by` in params).

# %%
diff = compare.prevalence_difference(x.topics.para_topics, articles, cp.difference_by, a, b,
                                     **boot)
fig = plots.draw_difference(diff, evidence=x.evidence("text"), topic_labels=labels)

# %%
key = compare.key_differences(diff, topic_labels=labels)
display(diff.assign(topic=diff["topic"].map(labels).fillna(diff["topic"]))
        .sort_values("estimate")[["topic", "estimate", "ci_low", "ci_high", "ci_excludes_zero",
                                  "n_a", "n_b", "level"]])
key

# %% [markdown]
# **Reading it.** Each interval is a per-topic 95% interval with no correction for looking
# at all topics at once; with about ten articles a side, one interval in twenty excluding
# zero is expected by chance. A difference whose interval excludes zero is a pattern of
# *these* county and city party-committee articles (evidence: text-level, `n_a`/`n_b`
# articles), not of county and city governments in general: the compilation was edited,
# not sampled.

# %% [markdown]
# ## 4. Keyness: words over-used by each group against the rest (text-level)
# G² (log-likelihood, 1 df) for the test, Hardie's log ratio (log2 of the ratio of relative
# frequencies, 0.5 for a zero count) for the size, Benjamini–Hochberg adjustment across the
# terms tested within each group (`correction` in params). Terms need `keyness_min_count`
# occurrences overall.

# %%
kw = compare.keyness(x.body_tokens, articles, "tier", min_count=cp.keyness_min_count,
                     alpha=cp.alpha, correction=cp.correction)
fig = plots.draw_keyness(kw, "tier", evidence=x.evidence("text"), top_n=cp.keyness_top_n)

# %%
(kw[kw["significant"] & (kw["direction"] == "over")].groupby("tier").head(8)
 [["tier", "term", "freq", "freq_rest", "per_10k", "per_10k_rest", "g2", "log_ratio",
   "p_adjusted", "n_text"]])

# %% [markdown]
# Place names are dropped by the segmenter, so keyness is not just "Wenzhou says Wenzhou".
# What remains still mixes style (我市 / 全县 / 该县 are how a city or a county refers to
# itself) with substance. The grassroots column is **one article** (10, 西长安街街道): its
# keywords are that article's, not "the grassroots".

# %% [markdown]
# ### Does a key word hold across articles? (article-level check)
# G² counts tokens as if they were independent, so one long article can make a word "key"
# for its whole group (the `in k/n` annotations show how many of the group's articles use
# it). Here the top key words of the two best-covered tiers are re-tested as differences in
# the mean per-article rate (per 1,000 tokens) with the article-level cluster bootstrap.
# The words were *selected* on the same data and there are many of them, so an interval
# that excludes zero is a robustness filter, not a confirmatory test.

# %%
td = compare.keyness_article_check(x.body_tokens, articles, cp.difference_by, a, b,
                                   n_terms=cp.article_check_terms,
                                   min_count=cp.keyness_min_count, alpha=cp.alpha,
                                   correction=cp.correction, **boot)
td[td["ci_excludes_zero"]].sort_values("estimate")[
    ["term", "keyness_group", "g2", "docs", "n_docs", "estimate", "ci_low", "ci_high",
     "n_a", "n_b"]]

# %%
compare.key_differences(td, prefix="compareTerm", item="term", digits=2, rank="ci")

# %% [markdown]
# ### Title-level keyness by section
# The only keyness view that includes the political-legal organs: titles against titles.
# `draw_keyness` returns None (no figure) when fewer than two sections over-use a title
# term significantly; the table below then shows the strongest candidates.

# %%
kwt = compare.keyness(x.title_tokens, articles, "section", level="title",
                      min_count=cp.title_keyness_min_count, alpha=cp.alpha,
                      correction=cp.correction)
fig = plots.draw_keyness(kwt, "section", evidence=x.evidence("title"), top_n=cp.keyness_top_n)

# %%
kwt[kwt["direction"] == "over"].groupby("section").head(6)[
    ["section", "term", "freq", "freq_rest", "g2", "log_ratio", "p_adjusted", "significant"]]

# %% [markdown]
# ## 5. Correspondence analysis, terms × tier (text-level)
# CA of the most frequent terms against the tiers with body text (SVD of standardised
# residuals; tested against χ²/N and a hand-computed 2×2 case). National and provincial
# units have no body and are not in the map.

# %%
ca = compare.correspondence(x.body_tokens, articles, "tier", n_terms=cp.ca_terms)
fig = plots.draw_correspondence(ca, "tier", evidence=x.evidence("text"))

# %%
ca[ca["kind"] == "group"][["label", "dim1", "dim2", "mass", "inertia", "explained_dim1",
                           "explained_dim2", "n_text"]]

# %% [markdown]
# With three column points the map is exact in two dimensions. The second axis is carried
# by the single grassroots article, so only the first axis (city vs county vocabulary) is a
# comparison of several articles on each side.

# %% [markdown]
# ## 6. Actors: whom the bodies name, and with which themes
# Counts of curated patterns (`data/actors.csv`, from the corpus's own vocabulary) in the
# article bodies. **These are party-committee texts describing courts, police,
# procuratorates, justice bureaus, grid workers and mediators — the only text-level view of
# those units the seed allows. They say nothing about how those units write themselves.**

# %%
am = compare.actor_mentions(articles, "tier", x.actors, tokens=x.body_tokens)
fig = plots.draw_actor_mentions(am, "tier", evidence=x.evidence("text"))

# %%
am[am["status"] == "estimated"].pivot(index="actor", columns="tier",
                                      values="per_10k_chars").round(2)

# %% [markdown]
# The same article-level bootstrap for the actor rates, county − city (mean per-article
# mentions per 10,000 characters):

# %%
ad = compare.actor_difference(articles, cp.difference_by, a, b, x.actors, **boot)
ad.sort_values("estimate")[["actor", "name_en", "estimate", "ci_low", "ci_high",
                            "ci_excludes_zero", "n_a", "n_b"]]

# %% [markdown]
# Actor counts come from fixed patterns on the raw bodies, so they do not depend on the
# segmenter or the topic model. The pooled rates in the heatmap weight long articles more;
# the mean per-article rates above treat each article as one unit. With ten county and nine
# city articles, the county articles' higher pooled rates for mediators, courts and justice
# bureaus rest on a few articles each (see `articles_mentioning` in the CSV), and their
# article-level intervals all include zero: the texts do not support a tier difference in
# which actors party committees name. Law societies and prisons are never named in a body.

# %%
am_s = compare.actor_mentions(articles, "section", x.actors, tokens=x.body_tokens)
am_s[am_s["section"] == "party_committees"][["actor", "name_en", "mentions",
                                            "articles_mentioning", "per_10k_chars",
                                            "per_1k_tokens"]]

# %% [markdown]
# Which topics and words surround each actor (paragraph level, all twenty bodies pooled):
# the mean topic proportion of paragraphs that name the actor against those that do not,
# and the words over-used in those paragraphs (G², top 10).

# %%
at = compare.actor_topics(x.topics.para_topics, x.paragraphs, x.actors)
top_topic = (at.sort_values(["actor", "difference"], ascending=[True, False])
             .groupby("actor").head(1))
display(top_topic.assign(topic=top_topic["topic"].map(labels).fillna(top_topic["topic"]))
        [["actor", "n_paragraphs", "n_articles", "topic", "prevalence_with",
          "prevalence_without", "difference"]])
ak = compare.actor_keywords(x.para_tokens, x.paragraphs, x.actors,
                            top_n=cp.actor_keywords_top_n)
ak.groupby("actor")["term"].agg(lambda s: " ".join(s)).to_frame("over-used words")

# %% [markdown]
# These associations are descriptive and pooled over twenty party-committee bodies
# (paragraph level; an actor named in few paragraphs, e.g. lawyers in 9, gives a noisy
# profile). They show in which contexts party committees mention courts, police or
# mediators — for example whether police appear in crackdown-and-statistics passages or in
# dispute-resolution passages — not how those units describe their own work.

# %% [markdown]
# Titles name actors too (title-level, all 75 entries, repeated titles counted once): here
# the political-legal organs appear as authors, not as subjects.

# %%
tam = compare.title_actor_mentions(articles, "section", x.actors)
tam.pivot(index="actor", columns="section", values="titles_mentioning")

# %% [markdown]
# ## 7. Numbered policy formulas (三个强化, 1+6+N …)
# From `segment.formulas`, per tier in the bodies (text-level) and per section in the titles
# (title-level).

# %%
fb = compare.formulas_by_group(articles, "tier", segment.formulas, level="text")
display(fb.groupby("tier").head(8)[["tier", "formula", "mentions", "articles_with_formula",
                                    "article_ids", "n_text"]])
ft = compare.formulas_by_group(articles, "section", segment.formulas, level="title")
ft[["section", "formula", "mentions", "article_ids", "level"]]

# %% [markdown]
# Formulas are mostly local brands: most occur in a single article (`articles_with_formula`
# = 1), and the few that recur stay within one place — read the `article_ids` against the
# province column (e.g. 1+6+N in Guangdong county articles). Counts within an article are
# repetitions of the same slogan, so `articles_with_formula` is the figure to compare.

# %% [markdown]
# ## 8. What the seed cannot support
# * Any text-level comparison of courts, procuratorates, police, justice bureaus, prisons,
#   law societies, comprehensive-governance centres or "other units" with party committees:
#   none of them has a body. Their rows say "no text-level estimate"; their only evidence is
#   a title.
# * Differences between political-legal committees and party committees: one body
#   (article 6) on one side.
# * A grassroots-level finding: one body (article 10).
# * Province comparisons: at most three bodies per province; the tables are written
#   (`*_by_province.csv`) for completeness, not for inference.
# * Any population claim: the compilation is an edited selection, so intervals describe
#   uncertainty about these articles' average, not about all county or city governments.
