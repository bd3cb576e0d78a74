"""Validation tasks, answers and scores on the real committed topic outputs (issue 18)."""

from __future__ import annotations

import json
import re
import tomllib
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom

from analysis.config import ROOT
from analysis.validation import (KINDS, AnswersError, PartialAnswersWarning, ValidationParams,
                                 make_tasks, read_answers, read_topic_results, score,
                                 simulate_answers, validation_params, write_answer_files,
                                 write_form)
from analysis.validation.cli import main as cli_main
from analysis.validation.cli import read_tasks, variables, write_table
from analysis.validation.tasks import GOLD_LABELS, GOLD_WORDS

VP = ValidationParams()


@pytest.fixture(scope="module")
def view():
    return read_topic_results(ROOT / "results", ROOT / "data" / "topic_labels.toml",
                              ROOT / "data" / "processed" / "paragraphs.csv")


@pytest.fixture(scope="module")
def made(view):
    parts = [make_tasks(view, kind, n_per_topic=VP.n_per_topic, random_state=VP.random_state,
                        n_words=VP.n_words, n_gold=VP.n_gold, min_tokens=VP.min_tokens)
             for kind in KINDS]
    return (pd.concat([p[0] for p in parts], ignore_index=True),
            pd.concat([p[1] for p in parts], ignore_index=True))


def _files(made, coders, seed=1, version=VP.form_version):
    tasks, key = made
    return simulate_answers(tasks, key, coders=coders, random_state=seed, form_version=version)


def _read(made, files, tmp_path, **kw):
    paths = write_answer_files(files, tmp_path)
    return read_answers(paths, made[0], form_version=kw.pop("version", VP.form_version), **kw)


def test_view_of_committed_topics(view):
    terms = pd.read_csv(ROOT / "results" / "topic_terms.csv")
    assert view.num_topics == terms["topic"].nunique() == 5
    labels = tomllib.loads((ROOT / "data" / "topic_labels.toml").read_text("utf-8"))["topic"]
    assert set(view.labels) == {t["label"] for t in labels}
    row = terms.iloc[0]
    assert view.topic_word.loc[row["term"], row["topic"]] == pytest.approx(row["prob"])
    assert len(view.paragraphs) == len(pd.read_csv(ROOT / "results" / "paragraph_topics.csv"))
    assert all(len(w) == 10 for w in view.top_words)


def test_word_intruders_are_probable_elsewhere_and_absent_here(view, made):
    _, key = made
    tasks = made[0].set_index("task_id")
    wi = key[(key["kind"] == "word_intrusion") & ~key["gold"]]
    assert len(wi) == view.num_topics * VP.n_per_topic
    for r in wi.itertuples():
        k, j = int(r.topic), int(r.intruder_topic)
        assert j != k and r.answer_text in view.top_words[j]
        assert r.answer_text not in view.listed_words[k]
        shown = set(json.loads(tasks.loc[r.task_id, "options"])) - {r.answer_text}
        assert shown == set(view.top_words[k][:VP.n_words])
        assert r.intruder_prob_this_max == view.prob_ceiling[k]


def test_document_items_follow_theta(view, made):
    tasks, key = made
    paras = view.paragraphs.set_index(["article_id", "para_id"])[view.theta_columns]
    where = tasks.set_index("task_id")[["article_id", "para_id"]]
    for r in key[key["kind"].isin(["topic_intrusion", "label_intrusion"]) & ~key["gold"]].itertuples():
        theta = paras.loc[tuple(where.loc[r.task_id])].to_numpy()
        topics = json.loads(r.option_topics)
        top3 = set(np.argsort(-theta, kind="stable")[:3])
        assert set(topics) - {topics[r.answer]} == top3 and topics[r.answer] not in top3
        assert json.loads(r.option_theta)[r.answer] == pytest.approx(theta[topics[r.answer]], rel=1e-5)
    ol = key[(key["kind"] == "optimal_label") & ~key["gold"]]
    for r in ol.itertuples():
        theta = json.loads(r.option_theta)
        assert theta[r.answer] == max(theta) and json.loads(r.option_topics)[r.answer] == r.topic


def test_gold_items_are_obvious_and_flagged_only_in_key(view, made):
    tasks, key = made
    gold = key[key["gold"]]
    assert (gold.groupby("kind").size() == VP.n_gold).all()
    assert "gold" not in tasks.columns and "answer" not in tasks.columns
    text = "".join(view.paragraphs["text"])
    fillers = {w for w, _ in GOLD_WORDS} | {lab for lab, _ in GOLD_LABELS}
    for r in gold.itertuples():
        topics = json.loads(r.option_topics)
        odd = [o for o, t in zip(json.loads(tasks.set_index("task_id").loc[r.task_id, "options"]),
                                 topics) if t == -1]
        if r.kind == "optimal_label":   # the true label among three far-off ones
            assert topics[r.answer] == r.topic and len(odd) == 3
        else:                           # one far-off intruder
            assert topics[r.answer] == -1 and odd == [r.answer_text]
        words = [w for o in odd for w in o.split("、")]
        assert all(w in fillers for w in words) and not any(w in text for w in words)


def test_same_seed_same_bytes_other_seed_other_tasks(view, tmp_path):
    paths = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        tasks, key = make_tasks(view, "word_set_intrusion", n_per_topic=3, random_state=seed,
                                n_gold=1)
        paths.append(write_table(tasks, tmp_path / f"{name}.csv").read_bytes())
    assert paths[0] == paths[1] and paths[0] != paths[2]


def test_perfect_coder_scores_one(made, tmp_path):
    answers = _read(made, _files(made, ["perfect"]), tmp_path)
    res = score(*made, answers, coders="simulated")
    assert (res.precision["precision"] == 1.0).all()
    assert (res.gold["accuracy"] == 1.0).all()
    assert (res.tlo["tlo_mean"] == 0.0).all()
    assert set(res.precision["coders"]) == {"simulated"}


def test_random_coders_stay_within_the_99_percent_binomial_range(made, tmp_path):
    answers = _read(made, _files(made, ["random"] * 10, seed=7), tmp_path)
    res = score(*made, answers).precision.query("topic == 'all'")
    for r in res.itertuples():
        lo, hi = binom.interval(0.99, r.n_answers, r.chance)
        assert lo <= r.n_correct <= hi, r.kind
        assert r.n_answers == 10 * VP.n_per_topic * 5


def test_identical_coders_agree_perfectly(made, tmp_path):
    one = _files(made, ["noisy:0.6"])[0]
    twin = json.loads(json.dumps(one).replace(one["coder_id"], "twin"))
    res = score(*made, _read(made, [one, twin], tmp_path))
    assert np.allclose(res.agreement["krippendorff_alpha"], 1.0)


def test_topic_log_odds_of_choosing_the_top_topic(made, tmp_path):
    tasks, key = made
    files = _files(made, ["perfect"])
    ti = key.set_index("task_id")
    for rec in files[0]["answers"]:
        row = ti.loc[rec["task_id"]]
        if row["kind"] == "topic_intrusion" and not row["gold"]:
            theta = json.loads(row["option_theta"])
            rec["choice"], rec["choice_text"] = int(np.argmax(theta)), None
    res = score(tasks, key, _read(made, files, tmp_path))
    docs = key[(key["kind"] == "topic_intrusion") & ~key["gold"]]
    expect = np.mean([np.log(min(t)) - np.log(max(t)) for t in docs["option_theta"].map(json.loads)])
    assert res.tlo.query("topic == 'all'")["tlo_mean"].iloc[0] == pytest.approx(expect)
    assert res.precision.query("kind == 'topic_intrusion' and topic == 'all'")["precision"].iloc[0] == 0


def test_read_answers_rejects_a_wrong_form_version(made, tmp_path):
    files = _files(made, ["perfect"], version="old-version")
    with pytest.raises(AnswersError, match=r"answers_old-version_sim01-perfect\.json.*form version"):
        _read(made, files, tmp_path)


def test_read_answers_rejects_a_duplicate_coder(made, tmp_path):
    one = _files(made, ["perfect"])[0]
    paths = write_answer_files([one], tmp_path / "a") + write_answer_files([one], tmp_path / "b")
    with pytest.raises(AnswersError, match=r"b/answers_.*sim01-perfect.*duplicate coder"):
        read_answers(paths, made[0], form_version=VP.form_version)
    one["answers"].append(dict(one["answers"][3]))
    with pytest.raises(AnswersError, match=r"record \d+ .*duplicate task"):
        _read(made, [one], tmp_path / "c")


def test_read_answers_partial_file(made, tmp_path):
    one = _files(made, ["perfect"])[0]
    dropped = one["answers"].pop(0)["task_id"]
    with pytest.raises(AnswersError, match=r"answers_.*sim01-perfect\.json: partial file"):
        _read(made, [one], tmp_path)
    with pytest.warns(PartialAnswersWarning, match="1 tasks unanswered"):
        got = _read(made, [one], tmp_path, allow_partial=True)
    assert len(got) == len(made[0])
    assert got.set_index("task_id").loc[dropped, "status"] == "missing"
    assert score(*made, got).precision["n_answers"].sum() < score(
        *made, _read(made, _files(made, ["perfect"]), tmp_path / "full")).precision["n_answers"].sum()


@pytest.mark.parametrize("field, value, message", [
    ("task_id", "XX-999", "unknown task id"), ("choice", 99, "not in 0"),
    ("choice", "2a", "not an option number"), ("choice_text", "别的", "another form")])
def test_read_answers_names_the_bad_record(made, tmp_path, field, value, message):
    one = _files(made, ["perfect"])[0]
    one["answers"][2][field] = value
    with pytest.raises(AnswersError, match=rf"\.json: record 2 .*{message}"):
        _read(made, [one], tmp_path)


def test_form_is_offline_and_holds_no_answers(made, tmp_path):
    tasks, key = made
    path = write_form(tasks, tmp_path / "form.html", form_version="v-test", seed=3,
                      gold=set(key.loc[key["gold"], "task_id"]))
    for page in (path.read_text("utf-8"), (ROOT / "validation" / "form.html").read_text("utf-8")):
        assert "http://" not in page and "https://" not in page
        assert '"answer"' not in page and '"gold"' not in page
        assert "localStorage" in page and "mulberry32" in page
    assert all(t in path.read_text("utf-8") for t in tasks["task_id"])


def test_params_section_and_errors():
    section = tomllib.loads((ROOT / "params.toml").read_text("utf-8"))["validation"]
    assert validation_params(section) == VP
    with pytest.raises(ValueError, match="n_wrods"):
        validation_params({**section, "n_wrods": 5})
    with pytest.raises(ValueError, match="form_version"):
        validation_params({k: v for k, v in section.items() if k != "form_version"})
    with pytest.raises(ValueError, match="kinds"):
        validation_params({**section, "kinds": ["word_intrusion", "tea_leaves"]})


def test_committed_validation_files_are_current(tmp_path):
    assert cli_main(["make", "--out", str(tmp_path)]) == 0
    assert cli_main(["score", "--simulate", "--out", str(tmp_path)]) == 0
    new = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert new, "nothing written"
    for rel in new:
        assert (tmp_path / rel).read_bytes() == (ROOT / rel).read_bytes(), (
            f"{rel} is stale: run `python -m analysis validate make` and `validate score --simulate`")
    for name in ("precision", "agreement", "gold", "tlo"):
        assert set(pd.read_csv(ROOT / "results" / f"validation_{name}.csv")["coders"]) == {"simulated"}
    names = json.loads((ROOT / "results" / "validation_variables.json").read_text())
    assert all(re.fullmatch(r"val[A-Za-z]+Simulated", n) for n in names)


def test_cli_scores_given_answer_files(made, tmp_path):
    assert cli_main(["make", "--out", str(tmp_path)]) == 0
    tasks, key = read_tasks(tmp_path / "validation", VP.kinds)
    files = simulate_answers(tasks, key, coders=["perfect", "perfect"], random_state=1,
                             form_version=VP.form_version)
    files[1] = json.loads(json.dumps(files[1]).replace("sim02", "human2"))
    paths = write_answer_files(files, tmp_path / "validation" / "answers")
    assert cli_main(["score", "--simulate", "--out", str(tmp_path)]) == 2   # never over real answers
    assert cli_main(["score", "--out", str(tmp_path)]) == 0
    got = pd.read_csv(tmp_path / "results" / "validation_precision.csv")
    assert set(got["coders"]) == {"human"} and (got["precision"] == 1).all()
    assert "valWordIntrusionPrecisionHuman" in json.loads(
        (tmp_path / "results" / "validation_variables.json").read_text())
    paths[0].write_text(paths[0].read_text().replace(VP.form_version, "v0"))
    assert cli_main(["score", "--out", str(tmp_path)]) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        variables(score(tasks, key, read_answers(paths[1:], tasks, form_version=VP.form_version)))
