"""Do the comparisons find a difference that is there, and only then? (issue 25)

Corpora are drawn from the seed's reported topic model with a planted difference in
one topic's mean article share (:mod:`analysis.simulation`), fitted with the run's
``[topics]`` settings (restarts included), matched to the true topics and compared with
the run's ``[compare]`` inference. For every setting of ``[bench] sim_sizes`` ×
``sim_deltas`` it records, over ``sim_reps`` runs:

* ``coverage`` of the planted difference by the interval (target 0.93–0.97), with its
  Monte Carlo standard error, and ``coverage_realised`` (of the difference of the
  drawn article shares);
* ``bias`` of the estimate against the planted difference (target |bias| ≤ 0.01);
* ``rejection_rate``: power for the shifted topics, the per-topic false-positive rate
  for the others; ``familywise_fp``: runs with any null topic flagged after max-T
  (target ≤ 0.05);
* ``recovered_all``: runs whose fit found every true topic (top-word match).

Writes ``results/inference_simulation.csv`` (summary), ``results/inference_simulation_runs.csv``
(every topic of every run) and ``figures/inference_simulation.{png,pdf}``.

    python bench/inference_simulation.py [--reps N] [--n-jobs J]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from analysis import io
from analysis.compare.inference import from_options
from analysis.compare.stage import inference_options
from analysis.context import RunContext
from analysis.plots.simulation import draw_inference_simulation
from analysis.simulation import simulate, summarise, truth_from_model
from analysis.topics.model import model_from_params, model_kwargs
from analysis.topics.tables import article_topics, paragraph_documents, paragraph_topics

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=None, help="override [bench] sim_reps")
    ap.add_argument("--n-jobs", type=int, default=None, help="override [bench] n_jobs")
    ap.add_argument("--out", type=Path, default=ROOT, help="output root")
    ap.add_argument("--summarise-only", action="store_true",
                    help="recompute the summary and figure from the runs table, no fitting")
    ap.add_argument("--extend", action="store_true",
                    help="add --reps runs to those in results/inference_simulation_runs.csv "
                         "(seeded by run number, so the union equals one longer run)")
    args = ap.parse_args(argv)
    ctx = RunContext.from_file(out=args.out)
    p, b = ctx.params, ctx.params.bench
    runs_path = args.out / "results" / "inference_simulation_runs.csv"
    text = dict(keep_default_na=False, na_values=[""])   # a role is text, never NA
    if args.summarise_only:
        return _write_summary(ctx, io.read_csv(runs_path, **text), p.topics.num_topics)
    frame = paragraph_documents(ctx.corpus.paragraphs, include_headings=p.topics.include_headings)
    docs = ctx.segmenter.tokenize(frame["text"].tolist())
    model = model_from_params(p.topics).fit(docs)
    truth = truth_from_model(model, paragraph_topics(model, frame, docs),
                             article_topics(model, frame, docs))
    settings = [(int(n_a), int(n_b), float(d)) for n_a, n_b in b.sim_sizes
                for d in b.sim_deltas]
    inf = from_options(**inference_options(p.compare))
    start = time.time()
    earlier = io.read_csv(runs_path, **text) if args.extend else None
    first = int(earlier["rep"].max()) + 1 if earlier is not None else 0
    runs = simulate(truth, settings, reps=args.reps or b.sim_reps, random_state=b.sim_seed,
                    model_params=model_kwargs(p.topics), inference=inf,
                    n_jobs=args.n_jobs or b.n_jobs, top_n=p.topics.top_n,
                    min_overlap=b.sim_min_overlap, first_rep=first)
    if earlier is not None:
        runs = io.as_written(pd.concat([earlier, io.as_written(runs, **text)],
                                       ignore_index=True), **text)
    runs = runs.sort_values(["n_a", "n_b", "delta", "rep", "topic"], kind="stable")
    io.write_csv(runs, runs_path)
    print(f"{len(settings)} settings x {args.reps or b.sim_reps} runs in "
          f"{time.time() - start:.0f} s")
    return _write_summary(ctx, runs, model.num_topics)


def _write_summary(ctx, runs: pd.DataFrame, k: int) -> int:
    """The summary table and figure of a runs table."""
    inf = from_options(**inference_options(ctx.params.compare))
    summary = summarise(runs)
    io.write_csv(summary, ctx.out / "results" / "inference_simulation.csv")
    fig = draw_inference_simulation(summary, alpha=inf.alpha,
                                    evidence=f"Corpora drawn from the reported model (K = "
                                             f"{k}); {summary['runs'].max()} runs per setting.")
    ctx.save_figure(fig, "inference_simulation")
    print(summary.round(3).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
