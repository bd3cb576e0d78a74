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
# **What the seed allows.** Only party-committee articles have body text (the evidence
# lines printed below give the counts). Courts, procuratorates, police, justice bureaus and
# "other units" have titles only. So every *text-level* comparison here is a comparison
# **among party-committee articles** (by tier, by province, by unit type where a
# party-committee-section article is classified otherwise), and what the bodies say about
# courts and police is how *party-committee texts portray* them. Comparisons that include
# the political-legal organs are *title-level* and are labelled so.
#
# Every table carries the coverage of its groups (`n_articles`, `n_text`, `evidence`);
# every figure shows it in its legend or tick labels; every section that compares groups
# starts with the groups and their n. The inputs (articles with their unit columns, tokens
# from the run's segmenter, the topic stage's results and refits, the actor lexicon, the one
# two-group comparison of `[contrast]`) come from `analysis.compare.stage.prepare(ctx)`, the
# call `make reproduce` makes before it writes the same tables and figures
# (`compare.stage.write`). Every number and every comparison in the prose is generated from
# these tables (`analysis.prose`).

# %% tags=["parameters"]
params_file = "../params.toml"

# %%
import pandas as pd
from IPython.display import Markdown, display

from analysis import compare, prose, segment
from analysis.compare import stage as compare_stage
from analysis.compare.inference import from_options
from analysis.context import RunContext
from analysis.gazetteer import load_gazetteer
from analysis.plots import compare as plots
from analysis.plots import titles as title_plots

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 30)
ctx = RunContext.from_file(params_file)
x = compare_stage.prepare(ctx)
cp = ctx.params.compare
articles, labels, boot = x.articles, x.labels, x.boot
c = x.contrast
units = prose.contrast_units(c)
tnames = prose.topic_names(x.topics.labels)
# What the stage compares: the reported model's article shares, the refits' shares
# (reproducibility only) and the per-topic stability flags, as compare.stage.write reads them.
shares, refits, stab = compare_stage.topic_inputs(x.topics, ctx.params.topics.random_state)
places = prose.place_names(load_gazetteer(ctx.input(ctx.params.units.gazetteer)))
kw_opts = dict(alpha=cp.alpha, correction=cp.correction, inference=from_options(**boot),
               clusters=boot["clusters"])
print(x.evidence("text"))
print(x.evidence("title"))
print("contrast:", x.contrast_note)

# %% [markdown]
# ## 1. Coverage: what each group stands on
# `evidence` is `text` when every article of the group has a body, `title-only` when none
# has, `mixed` otherwise (then text-level results use only its `n_text` articles). These
# counts bound everything below.

# %%
for by in ["section", "unit_type", "tier"]:
    cov = compare.coverage(articles, by, x.body_tokens)
    display(Markdown(prose.grouping_definition(cov, by)))
    display(cov)

# %% [markdown]
# ## 2. Topic prevalence per group (text-level), over units
# An article's share of a topic is the reported model's (the labelled model whose words
# the topics notebook shows); the group estimate is the mean over its text units (articles, or
# articles of one `cluster_by` value merged). The interval, at the level set by `alpha`, is a
# bootstrap-t over units built on the logit scale, so it stays between zero and one; resamples
# with no spread are counted (`n_degenerate`), never clipped. Groups with fewer than
# `min_articles_ci` units get a point estimate and no interval, and their `status` says so.
# Refits of the model with other seeds are not mixed into any interval (the next section reports
# them as reproducibility).

# %%
display(Markdown(prose.grouping_definition(compare.coverage(articles, "tier", x.body_tokens),
                                           "tier")))
prev_tier = compare.topic_prevalence(shares, articles, "tier", tokens=x.body_tokens, **boot)
display(Markdown(prose.prevalence_status(prev_tier, "tier")))
fig = plots.draw_topic_prevalence(prev_tier, "tier", evidence=x.evidence("text"),
                                  topic_labels=labels)

# %%
prev_tier.assign(topic=prev_tier["topic"].map(labels).fillna(prev_tier["topic"]))[
    ["tier", "topic", "estimate", "ci_low", "ci_high", "n_units", "n_degenerate", "status",
     "evidence"]]

# %% [markdown]
# Groups without any body appear with `status` = "no text: no text-level estimate" and
# empty values, rather than being dropped silently. The same holds by section:

# %%
display(Markdown(prose.grouping_definition(compare.coverage(articles, "section", x.body_tokens),
                                           "section")))
prev_section = compare.topic_prevalence(shares, articles, "section", tokens=x.body_tokens,
                                        **boot)
display(Markdown(prose.prevalence_status(prev_section, "section")))
prev_section.drop_duplicates("section")[["section", "n_articles", "n_text", "n_units",
                                         "status", "evidence"]]

# %% [markdown]
# ### Themes in titles (title-level, a separate and weaker kind of evidence)
# A title is about three tokens long: a topic share inferred from it would be mostly the
# model's prior. What a title can tell is whether it *mentions* a theme. A theme is the
# reported model's top terms of one topic (`title_theme_terms` by `title_theme_method`,
# FREX by default, so that the themes share few terms), plus the themes of a curated
# dictionary when `title_theme_dictionary` names one. A title mentions a theme when one of
# its tokens is one of the theme's terms. Every article has a title, so each group's share
# rests on all its entries (repeated titles once), including the party-committee articles
# that also have a body. The interval is the exact Clopper–Pearson interval of a binomial
# share; groups with fewer than `title_min_titles` titles get counts only. `matched_terms`
# says which terms carry a share: read a theme's share together with it.

# %%
display(Markdown(prose.grouping_definition(compare.coverage(articles, "section"), "section",
                                           level="title")))
themes = list(x.themes)
tthemes = compare.title_themes(articles, x.title_tokens, "section", themes, ci=1 - cp.alpha,
                               min_titles=cp.title_min_titles)
fig = title_plots.draw_title_themes(tthemes, "section", evidence=x.evidence("title"),
                                    min_titles=cp.title_min_titles)

# %%
tthemes[["section", "theme", "theme_label", "k_titles", "n_titles", "share", "ci_low",
         "ci_high", "status", "matched_terms"]]

# %% [markdown]
# The same for the two groups of the comparison, title against title: the difference in
# share, the exact unconditional test (Barnard's kind) and the interval that inverts it (so
# `significant` and `ci_excludes_zero` agree), Holm's adjustment across the themes
# (`p_adj`), and `mde`, the smallest difference these numbers of titles detect with
# `power` at `alpha`: a theme that does not pass says only that differences smaller than
# its `mde` cannot be ruled out (generated below).

# %%
tdiff = compare.title_theme_difference(c.articles, x.title_tokens, c.by, c.a, c.b, themes,
                                       alpha=cp.alpha, min_titles=cp.title_min_titles,
                                       power=cp.power)
display(Markdown(prose.title_difference_summary(tdiff, alpha=cp.alpha)))
tdiff[["theme", "theme_label", "k_a", "n_a", "k_b", "n_b", "estimate", "ci_low", "ci_high",
       "p_value", "p_adj", "significant", "ci_excludes_zero", "mde", "status"]]

# %% [markdown]
# ## 3. Difference between the two groups of the comparison
# In the style of stm's `plot.estimateEffect(method = "difference")`: one point and one
# interval per topic, a zero line. One estimand per claim: the difference in mean topic
# share between the units of the two groups, for the reported model. The permutation test
# shuffles group labels over units (Welch statistic; exact when the splits are few), and the
# interval is the set of shifts that same test does not reject at `alpha`, so a topic is
# significant exactly when its interval excludes zero. `p_adj` is the Westfall–Young max-T
# adjustment over the family its `p_adj_family` names (valid under the dependence of shares
# that sum to one). `mde` is the smallest difference the test detects with `power` at these
# n: a topic that does not differ says only that differences smaller than its `mde` cannot
# be ruled out. A topic that the refits do not find again (unstable, see the topics notebook) is not
# compared and its row says why; for the others, each refit's estimate, their sign agreement
# and the share of refits whose own test rejects say how much rests on one model fit, and
# the leave-one-unit-out range how much rests on one article.

# %%
display(Markdown(prose.contrast_definition(c, x.contrast_note)))
diff = compare.prevalence_difference(shares, c.articles, c.by, c.a, c.b, refits=refits,
                                     stability=stab, **boot)
display(Markdown(prose.difference_paragraph(diff, alpha=cp.alpha, labels=tnames,
                                            units=units, stability=x.topics.stability)))
fig = plots.draw_difference(diff, evidence=x.evidence("text"), topic_labels=labels)

# %%
display(diff.assign(topic=diff["topic"].map(labels).fillna(diff["topic"]))
        .reindex(columns=["topic", "status", "estimate", "ci_low", "ci_high", "p_value",
                          "p_adj", "significant", "significant_adj", "mde", "n_refits",
                          "sign_agreement", "refit_reject_share", "loo_min", "loo_max",
                          "loo_most_influential", "loo_conclusion_flips", "n_a", "n_b",
                          "evidence"]))
compare.key_differences(diff, labels=labels)

# %% [markdown]
# **Reading it.** A difference that passes is a pattern of *these* articles of the two
# groups (text-level), not of the groups' governments in general: the compilation was
# edited, not sampled.

# %% [markdown]
# ## 4. Keyness: words over-used by each group against the rest (text-level)
# G² (log-likelihood, one degree of freedom) for the token-level test, Hardie's log ratio
# (binary logarithm of the ratio of relative frequencies, a half standing in for a zero
# count) for the size, Benjamini–Hochberg adjustment across the terms tested within each
# group (`correction`). Terms need `keyness_min_count` occurrences overall. Because G²
# counts tokens as independent, every term is also tested over documents (per-document
# rates, labels permuted over units), and a term is *key* only when both tests agree and it
# occurs in at least two of the group's documents (`key`, `key_note`).

# %%
display(Markdown(prose.grouping_definition(compare.coverage(articles, "tier", x.body_tokens),
                                           "tier")))
kw = compare.keyness(x.body_tokens, articles, "tier", min_count=cp.keyness_min_count,
                     **kw_opts)
display(Markdown(prose.keyness_summary(kw, "tier", top_n=cp.keyness_top_n, places=places)))
fig = plots.draw_keyness(kw, "tier", evidence=x.evidence("text"), top_n=cp.keyness_top_n)

# %%
(kw[kw["key"] & (kw["direction"] == "over")].groupby("tier").head(8)
 [["tier", "term", "freq", "freq_rest", "docs", "n_docs", "g2", "log_ratio", "p_adjusted",
   "article_q", "key_note"]])

# %% [markdown]
# Key terms mix style (我市 / 全县 / 该县 are how a city or a county refers to itself) with
# substance; read them with their document counts.

# %% [markdown]
# ### Does a key word hold across articles? (the two groups of the comparison)
# The top key words of the two groups are re-tested as differences in the mean per-article
# rate (per thousand tokens), with the same inference as the topic differences. The words
# were *selected* on the same data and there are many of them, so passing is a robustness
# filter, not a confirmatory test.

# %%
display(Markdown(prose.contrast_definition(c, x.contrast_note)))
td = compare.keyness_article_check(x.body_tokens, c.articles, c.by, c.a, c.b,
                                   n_terms=cp.article_check_terms,
                                   min_count=cp.keyness_min_count,
                                   correction=cp.correction, **boot)
display(Markdown(prose.article_check_summary(td, alpha=cp.alpha, units=units)))
td.sort_values("estimate")[["term", "keyness_group", "g2", "docs", "n_docs", "estimate",
                            "ci_low", "ci_high", "p_value", "p_adj", "significant",
                            "significant_adj", "mde", "status", "n_a", "n_b"]]

# %% [markdown]
# ### Title-level keyness by section
# The only keyness view that includes the political-legal organs: titles against titles.
# `draw_keyness` returns None (no figure) when fewer than two sections over-use a title
# term significantly; the table below then shows the strongest candidates.

# %%
display(Markdown(prose.grouping_definition(compare.coverage(articles, "section"), "section",
                                           level="title")))
kwt = compare.keyness(x.title_tokens, articles, "section", level="title",
                      min_count=cp.title_keyness_min_count, **kw_opts)
display(Markdown(prose.keyness_summary(kwt, "section", top_n=cp.keyness_top_n,
                                       places=places)))
fig = plots.draw_keyness(kwt, "section", evidence=x.evidence("title"), top_n=cp.keyness_top_n)

# %%
kwt[kwt["direction"] == "over"].groupby("section").head(6)[
    ["section", "term", "freq", "freq_rest", "docs", "n_docs", "g2", "log_ratio",
     "p_adjusted", "key_note"]]

# %% [markdown]
# ## 5. Correspondence analysis, terms × tier (text-level)
# CA of the most frequent terms (`ca_terms`) against the tiers with body text (SVD of
# standardised residuals; tested against χ²/N and a hand-computed two-by-two case). Tiers
# without a body are not in the map. With as many column points as tiers, the map is exact
# in one dimension fewer than their number.

# %%
display(Markdown(prose.grouping_definition(compare.coverage(articles, "tier", x.body_tokens),
                                           "tier")))
ca = compare.correspondence(x.body_tokens, articles, "tier", n_terms=cp.ca_terms)
display(Markdown(prose.correspondence_summary(ca, "tier")))
fig = plots.draw_correspondence(ca, "tier", evidence=x.evidence("text"))

# %%
ca[ca["kind"] == "group"][["label", "dim1", "dim2", "mass", "inertia", "explained_dim1",
                           "explained_dim2", "n_text"]]

# %% [markdown]
# An axis carried by a group of one article is that article's vocabulary, not a comparison.

# %% [markdown]
# ## 6. Actors: whom the bodies name, and with which themes
# Counts of curated patterns (`data/actors.csv`, from the corpus's own vocabulary) in the
# article bodies. **These are party-committee texts describing courts, police,
# procuratorates, justice bureaus, grid workers and mediators — the only text-level view of
# those units the seed allows. They say nothing about how those units write themselves.**

# %%
display(Markdown(prose.grouping_definition(compare.coverage(articles, "tier", x.body_tokens),
                                           "tier")))
am = compare.actor_mentions(articles, "tier", x.actors, tokens=x.body_tokens)
fig = plots.draw_actor_mentions(am, "tier", evidence=x.evidence("text"))

# %%
am[am["status"] == "estimated"].pivot(index="actor", columns="tier",
                                      values="per_10k_chars").round(2)

# %% [markdown]
# The same inference for the actor rates between the two groups of the comparison (mean
# per-article mentions per ten thousand characters; each unit counts once, whereas the
# pooled rates of the heatmap weight long articles more). Actor counts come from fixed
# patterns on the raw bodies, so they do not depend on the segmenter or the topic model.

# %%
display(Markdown(prose.contrast_definition(c, x.contrast_note)))
ad = compare.actor_difference(c.articles, c.by, c.a, c.b, x.actors, **boot)
names = dict(zip(x.actors["actor"], x.actors["name_en"]))
display(Markdown(prose.difference_paragraph(ad, alpha=cp.alpha, item="actor", labels=names,
                                            digits=1, units=units, what="actor")))
ad.sort_values("estimate")[["actor", "name_en", "estimate", "ci_low", "ci_high", "p_value",
                            "p_adj", "significant", "significant_adj", "mde", "status",
                            "loo_most_influential", "n_a", "n_b"]]

# %%
am_s = compare.actor_mentions(articles, "section", x.actors, tokens=x.body_tokens)
am_s[am_s["section"] == "party_committees"][["actor", "name_en", "mentions",
                                            "articles_mentioning", "per_10k_chars",
                                            "per_1k_tokens"]]

# %% [markdown]
# Which topics and words surround each actor (paragraph level, all bodies pooled): the mean
# topic proportion of paragraphs that name the actor against those that do not, and the
# words over-used in those paragraphs (G², top `actor_keywords_top_n`). An actor named in
# few paragraphs gives a noisy profile:

# %%
at = compare.actor_topics(x.topics.para_topics, x.paragraphs, x.actors)
display(Markdown(prose.actor_sparsity(at, names=names)))
top_topic = (at.sort_values(["actor", "difference"], ascending=[True, False])
             .groupby("actor").head(1))
display(top_topic.assign(topic=top_topic["topic"].map(labels).fillna(top_topic["topic"]))
        [["actor", "n_paragraphs", "n_articles", "topic", "prevalence_with",
          "prevalence_without", "difference"]])
ak = compare.actor_keywords(x.para_tokens, x.paragraphs, x.actors,
                            top_n=cp.actor_keywords_top_n)
ak.groupby("actor")["term"].agg(lambda s: " ".join(s)).to_frame("over-used words")

# %% [markdown]
# These associations are descriptive and pooled over the party-committee bodies. They show
# in which contexts party committees mention courts, police or mediators — for example
# whether police appear in crackdown-and-statistics passages or in dispute-resolution
# passages — not how those units describe their own work.

# %% [markdown]
# Titles name actors too (title-level, every entry, repeated titles counted once): here the
# political-legal organs appear as authors, not as subjects.

# %%
display(Markdown(prose.grouping_definition(compare.coverage(articles, "section"), "section",
                                           level="title")))
tam = compare.title_actor_mentions(articles, "section", x.actors)
tam.pivot(index="actor", columns="section", values="titles_mentioning")

# %% [markdown]
# ## 7. Numbered policy formulas (三个强化 and the like)
# From `segment.formulas`, per tier in the bodies (text-level) and per section in the titles
# (title-level). Counts within an article are repetitions of the same slogan, so
# `articles_with_formula` is the figure to compare.

# %%
display(Markdown(prose.grouping_definition(compare.coverage(articles, "tier", x.body_tokens),
                                           "tier")))
fb = compare.formulas_by_group(articles, "tier", segment.formulas, level="text")
display(Markdown(prose.formula_recurrence(fb, articles)))
display(fb.groupby("tier").head(8)[["tier", "formula", "mentions", "articles_with_formula",
                                    "article_ids", "n_text"]])
ft = compare.formulas_by_group(articles, "section", segment.formulas, level="title")
display(Markdown(prose.grouping_definition(compare.coverage(articles, "section"), "section",
                                           level="title")))
ft[["section", "formula", "mentions", "article_ids", "level"]]

# %% [markdown]
# ## 8. What the seed cannot support
# * Any text-level comparison of courts, procuratorates, police, justice bureaus, prisons,
#   law societies, comprehensive-governance centres or "other units" with party committees:
#   none of them has a body. Their rows say "no text-level estimate"; their only evidence is
#   a title.
# * Differences between political-legal committees and party committees, a grassroots-level
#   finding, or province comparisons, wherever a side has too few bodies: the counts are
#   below. The `*_by_province.csv` tables are written for completeness, not for inference.
# * Any population claim: the compilation is an edited selection, so intervals describe
#   uncertainty about these articles' average, not about all county or city governments.

# %%
for by in ["unit_type", "tier", "province"]:
    display(Markdown(prose.grouping_definition(compare.coverage(articles, by), by)))
