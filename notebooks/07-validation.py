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
# # 07 · Validation: do human readers see the topics and labels the model found?
#
# > **The scores committed in `results/validation_*.csv` come from simulated coders, not
# > human validation.** No person has answered the form yet. Simulated coders (a perfect
# > coder, noisy coders and a coder guessing at random) only show that the workflow runs end
# > to end and what its tables look like. Once real coders return their files to
# > `validation/answers/`, this notebook scores them instead, and every table says
# > `coders = human`.
#
# **Question.** Are the topics of the topics notebook coherent to a reader, and do the human
# labels in `data/topic_labels.toml` describe the paragraphs the model assigns to them?
#
# **Method (for a methods section).** We follow Chang et al. (2009, "Reading tea leaves")
# and Ying, Montgomery & Stewart (2022, "Topics, concepts, and measurement", *Political
# Analysis*). Multiple-choice items of these kinds test the model:
# *word intrusion* (a topic's most probable words plus one word probable in another topic
# and improbable in this one), *word-set intrusion* (three word sets from one topic, one
# from another), *topic intrusion* (a paragraph with the top words of its three most likely
# topics and of one unlikely topic), *label intrusion* (the same with the human labels) and
# *optimal label* (pick the label of the paragraph's most likely topic). Gold items, whose
# intruder is everyday vocabulary far from governance (fruit, animals, sport), check each
# coder's attention and are left out of model precision.
#
# The workflow, make → send → read → score:
# - **make**: `python -m analysis validate make` writes `validation/tasks_<kind>.csv`, the
#   answer keys `validation/key_<kind>.csv` (kept from coders) and `validation/form.html`;
# - **send** `form.html` to coders: one offline file, no server; it shuffles the items per
#   coder, keeps work across reloads, and downloads the answers as JSON or CSV;
# - **read**: put the returned files in `validation/answers/`; `read_answers` checks form
#   version, coder ids and task ids and refuses partial or duplicated files;
# - **score**: `python -m analysis validate score` gives precision with exact binomial tests
#   and Clopper–Pearson intervals, Krippendorff's α, gold accuracy per coder and topic log
#   odds.

# %% tags=["parameters"]
params_file = "../params.toml"
answers_dir = ""          # "" = validation/answers if it holds files, else simulated coders

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from analysis import config, prose
from analysis.validation import read_answers, read_topic_results, score
from analysis.validation.cli import load_validation_params, read_tasks

pd.set_option("display.max_colwidth", 60)
pd.set_option("display.width", 200)
vp = load_validation_params(params_file)
folder = config.ROOT / "validation"
tasks, key = read_tasks(folder, vp.kinds)
view = read_topic_results(config.ROOT / "results", config.ROOT / "data" / "topic_labels.toml",
                          config.ROOT / "data" / "processed" / "paragraphs.csv")
human = sorted(Path(answers_dir or folder / "answers").glob("*.json"))
paths = human or sorted((folder / "answers_simulated").glob("*.json"))
coders = "human" if human else "simulated"
answers = read_answers(paths, tasks, form_version=vp.form_version)
res = score(tasks, key, answers, alpha=vp.alpha, coders=coders)
who = ("simulated coders, not human validation" if coders == "simulated"
       else "human coders")
display(Markdown(prose.answers_line(answers, who, vp.form_version, len(paths))))

# %% [markdown]
# ## 1 · The items

# %%
counts = key.groupby("kind", sort=False).agg(
    items=("task_id", "size"), gold=("gold", "sum"), options=("n_options", "first"),
    chance=("chance", "first"))
print(counts.round(3))
display(Markdown(prose.items_summary(key, n_per_topic=vp.n_per_topic,
                                      num_topics=view.num_topics, n_gold=vp.n_gold,
                                      n_words=vp.n_words)))

# %% [markdown]
# One item of each kind as the coder sees it (words are shown in Chinese only; labels carry
# their English gloss), with the keyed answer:

# %%
first = key[~key["gold"]].groupby("kind", sort=False).head(1)
show = first[["task_id", "kind", "topic", "answer_text"]].merge(
    tasks[["task_id", "options"]], on="task_id")
print(show.to_string(index=False))

# %% [markdown]
# **How intruders are chosen.** `results/topic_terms.csv` holds only a short list of top
# words per topic by probability, relevance and FREX, so a word's probability is known only
# in topics that list it. A word-intrusion intruder is a top word of another topic that is
# also among that topic's FREX words (probable *and* exclusive there) and that none of the
# tested topic's lists contains, so its probability in the tested topic is below the
# smallest probability on that topic's list (its "ceiling").

# %%
display(Markdown(prose.intruder_ceiling(key)))

# %% [markdown]
# **A limit of the document items.** The learnt document–topic prior is small (see the
# topics notebook), so paragraphs tend to put their weight on few topics. Then the third
# most likely topic and the intruder can both be almost absent from the paragraph, and topic
# and label intrusion ask coders to tell near-zero shares apart. How often, from the items:

# %%
display(Markdown(prose.document_item_limit(key)))

# %% [markdown]
# ## 2 · Model precision
# Share of answers that pick the keyed option (gold items excluded), with the exact
# binomial test against chance (one-sided) and the Clopper–Pearson interval. Answers of
# several coders on one item are counted as independent trials, as in Chang et al. (2009).

# %%
overall = res.precision[res.precision["topic"] == "all"].set_index("kind")
table = overall[["coders", "n_items", "n_coders", "n_answers", "precision", "chance",
                 "ci_low", "ci_high"]].round(3)
print(table.assign(p_value=overall["p_value"].map("{:.1e}".format)))
display(Markdown(prose.precision_lines(overall, who)))

# %%
fig, ax = plt.subplots(figsize=(7, 3.2))
y = range(len(overall))
ax.errorbar(overall["precision"], y, xerr=[overall["precision"] - overall["ci_low"],
                                           overall["ci_high"] - overall["precision"]],
            fmt="o", color="#36c", capsize=3, label=f"precision, {vp.alpha:.0%}-level CI")
ax.scatter(overall["chance"], y, marker="|", s=200, color="#a00", label="chance")
ax.set_yticks(list(y), [k.replace("_", " ") for k in overall.index])
ax.set_xlim(0, 1.02)
ax.set_xlabel("share of answers picking the keyed option")
ax.set_title(f"Validation precision: {who}", fontsize=10)
ax.legend(loc="lower right", fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# Precision by topic (the dominant topic for document items):

# %%
by_topic = res.precision[res.precision["topic"] != "all"].pivot(
    index="topic", columns="kind", values="precision")[list(vp.kinds)]
by_topic.index = [f"{t} {view.labels[int(t)]}" for t in by_topic.index]
print(by_topic.round(2))

# %% [markdown]
# ## 3 · Agreement, attention and topic log odds
# Krippendorff's α (nominal) between coders on the model items; accuracy of each coder on
# the gold items; and for topic intrusion Chang et al.'s topic log odds, the log share of the
# true intruder minus that of the chosen topic in the paragraph, averaged over coders per
# paragraph and then over paragraphs (zero is best).

# %%
print(res.agreement.set_index("kind")[["coders", "n_items", "n_coders",
                                       "krippendorff_alpha"]].round(3))
gold = res.gold[res.gold["kind"] == "all"].set_index("coder_id")[["n_gold", "accuracy"]]
print(gold.round(2))
print(res.tlo.set_index("topic")[["n_documents", "n_answers", "tlo_mean", "tlo_sd"]].round(3))
display(Markdown(prose.agreement_summary(res.agreement, res.gold, res.tlo, who)))

# %% [markdown]
# ## 4 · The committed tables are these numbers
# `python -m analysis validate score` wrote `results/validation_*.csv` from the same answer
# files; this cell checks that they match what was computed above.

# %%
for name in ("precision", "agreement", "gold", "tlo"):
    stored = pd.read_csv(config.ROOT / "results" / f"validation_{name}.csv", dtype={"topic": str})
    fresh = getattr(res, name).reset_index(drop=True)
    pd.testing.assert_frame_equal(stored, fresh, check_dtype=False, rtol=1e-5)
print("results/validation_*.csv match the answers in", paths[0].parent.name,
      f"(coders = {stored['coders'].iloc[0]})")
