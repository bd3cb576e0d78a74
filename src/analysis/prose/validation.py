"""Sentences about the validation scores (notebook 07), from its tables."""

from __future__ import annotations

import json

import pandas as pd

__all__ = ["agreement_summary", "answers_line", "document_item_limit", "intruder_ceiling",
           "items_summary", "precision_lines"]


def answers_line(answers: pd.DataFrame, who: str, form_version: str, n_files: int) -> str:
    """Who answered: the number of coders, their kind, the form and the files."""
    return (f"**Answers scored here: {answers['coder_id'].nunique()} {who}** "
            f"(form `{form_version}`, {n_files} files).")


def items_summary(key: pd.DataFrame, *, n_per_topic: int, num_topics: int, n_gold: int,
                  n_words: int) -> str:
    """Items per kind and topic, gold items and chance levels (answer key ``key``)."""
    chance = key.groupby("kind")["chance"].first()
    return (f"Each kind has {n_per_topic} items per topic for the {num_topics} topics, plus "
            f"{n_gold} gold items per kind: {len(key)} items in all. Chance is one over the "
            f"number of options: {chance.max():.2f} for word-set, topic and label items, "
            f"{chance.min():.3f} for word intrusion ({n_words} topic words plus the "
            "intruder).")


def intruder_ceiling(key: pd.DataFrame) -> str:
    """How often a word intruder's own-topic probability exceeds its ceiling here."""
    wi = key[(key["kind"] == "word_intrusion") & ~key["gold"]]
    above = (wi["intruder_prob_other"] > wi["intruder_prob_this_max"]).mean()
    return (f"In {above:.0%} of the {len(wi)} word-intrusion items the intruder's probability "
            f"in its own topic (median {wi['intruder_prob_other'].median():.4f}) exceeds the "
            f"ceiling of its probability in the tested topic (median "
            f"{wi['intruder_prob_this_max'].median():.4f}).")


def document_item_limit(key: pd.DataFrame) -> str:
    """Shares of the third topic and of the intruder in topic/label intrusion items."""
    doc = key[key["kind"].isin(["topic_intrusion", "label_intrusion"]) & ~key["gold"]]
    thetas = doc["option_theta"].map(json.loads).map(sorted)   # the intruder is the smallest
    third, intruder = thetas.str[1], thetas.str[0]
    return (f"Across the {len(doc)} topic- and label-intrusion items, the third most likely "
            f"topic has a median share of {third.median():.4f} of the paragraph and the "
            f"intruder {intruder.median():.4f}; in {(third < 0.05).mean():.0%} of them the "
            "third topic has less than five per cent. Low precision on these two kinds can "
            "reflect this rather than incoherent topics; optimal-label items do not have the "
            "problem.")


def precision_lines(overall: pd.DataFrame, who: str) -> str:
    """One bullet per item kind: precision, interval, chance, binomial p, answers."""
    return "\n".join(
        f"- **{kind.replace('_', ' ')}**: precision {r.precision:.2f} "
        f"({r.ci_level:.0%} CI {r.ci_low:.2f}–{r.ci_high:.2f}; chance {r.chance:.2f}, "
        f"one-sided binomial p = {r.p_value:.1e}; "
        f"{r.n_correct} of {r.n_answers} answers, {r.n_coders} {who})"
        for kind, r in overall.iterrows())


def agreement_summary(agreement: pd.DataFrame, gold: pd.DataFrame, tlo: pd.DataFrame,
                      who: str) -> str:
    """Krippendorff's α over all items, gold accuracy range and mean topic log odds."""
    alpha_all = agreement.set_index("kind").loc["all", "krippendorff_alpha"]
    acc = gold.loc[gold["kind"] == "all", "accuracy"]
    return (f"Agreement over all model items: α = {alpha_all:.2f} among {who}. Gold accuracy "
            f"ranges from {acc.min():.0%} to {acc.max():.0%}; a human coder below full gold "
            "accuracy should be checked before their answers are kept. Mean topic log odds: "
            f"{tlo.set_index('topic').loc['all', 'tlo_mean']:.2f}.")
