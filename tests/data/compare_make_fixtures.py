"""Regenerate the compare fixtures (run once; outputs are committed).

Two groups of articles with a KNOWN population difference in topic prevalence:

* group ``A``: 30 articles, article prevalence ~ Dirichlet(5, 3, 2), mean (0.5, 0.3, 0.2)
* group ``B``: 30 articles, article prevalence ~ Dirichlet(3, 5, 2), mean (0.3, 0.5, 0.2)
* group ``C``: 5 title-only articles (no paragraphs): must get no text-level estimate.

True difference A − B: topic_0 +0.2, topic_1 −0.2, topic_2 0.0. Each article has
2–6 paragraphs drawn from Dirichlet(60 · article prevalence) with 20–80 tokens;
token weights are independent of the proportions, so the expected token-weighted
article prevalence is the article's own prevalence.
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
ALPHA = {"A": (5.0, 3.0, 2.0), "B": (3.0, 5.0, 2.0)}


def simulate(rng, n_per_group=30):
    arts, paras = [], []
    aid = 0
    for grp in ("A", "B"):
        for _ in range(n_per_group):
            aid += 1
            theta = rng.dirichlet(ALPHA[grp])
            arts.append({"article_id": aid, "group": grp, "text_status": "full"})
            for pid in range(1, rng.integers(2, 7) + 1):
                p = rng.dirichlet(60 * theta)
                paras.append({"article_id": aid, "para_id": pid,
                              "n_tokens": int(rng.integers(20, 81)),
                              **{f"topic_{k}": p[k] for k in range(3)}})
    return pd.DataFrame(arts), pd.DataFrame(paras)


if __name__ == "__main__":
    arts, paras = simulate(np.random.default_rng(7))
    extra = pd.DataFrame({"article_id": range(61, 66), "group": "C",
                          "text_status": "title_only"})
    arts = pd.concat([arts, extra], ignore_index=True)
    arts["n_chars"] = np.where(arts["text_status"] == "full", 1000, 0)
    arts.to_csv(HERE / "compare_articles.csv", index=False, lineterminator="\n")
    paras.to_csv(HERE / "compare_prevalence.csv", index=False, float_format="%.6f",
                 lineterminator="\n")
