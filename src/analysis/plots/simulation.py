"""The planted-effect simulation (:func:`analysis.simulation.summarise`) as one figure:
coverage, rejection rate and bias against the planted difference, per group size."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .style import caption, figsize, setup_style

__all__ = ["draw_inference_simulation"]

FONT_PT = 7.0
#: Group sizes are told apart by marker and line style, not colour (one colour family
#: for the whole figure: these are not categories of the corpus).
_STYLES = [("o", "-"), ("s", "--"), ("^", ":"), ("D", "-.")]


def draw_inference_simulation(summary: pd.DataFrame, *, alpha: float, evidence: str):
    """Three panels over the planted difference: coverage of the planted difference by
    the interval (band 0.93–0.97), rejection rate of the shifted topic (power) and of
    the null topics (with the family-wise rate), and bias; ±2 Monte Carlo se bars."""
    import matplotlib.pyplot as plt

    setup_style()
    fig, axes = plt.subplots(1, 3, figsize=figsize("double", 2.9))
    sizes = summary[["n_a", "n_b"]].drop_duplicates().to_numpy()
    for i, (n_a, n_b) in enumerate(sizes):
        marker, ls = _STYLES[i % len(_STYLES)]
        g = summary[(summary["n_a"] == n_a) & (summary["n_b"] == n_b)]
        label = f"{n_a} vs {n_b}"
        zero = (g["delta"] == 0) & (g["role"] == "unshifted")
        up, down = g[(g["role"] == "up") | zero], g[(g["role"] == "down") | zero]
        kw = dict(marker=marker, ls=ls, color="#333333", ms=4, lw=0.9, capsize=2)
        # The topic shifted down is drawn too (open markers): it is where the fit's
        # shrinkage towards the prior shows first.
        kw_down = dict(kw, mfc="white", color="#777777")
        axes[0].errorbar(up["delta"], up["coverage"], 2 * up["coverage_mc_se"],
                         label=f"{label}: up", **kw)
        axes[0].errorbar(down["delta"], down["coverage"], 2 * down["coverage_mc_se"],
                         label=f"{label}: down", **kw_down)
        axes[1].errorbar(up["delta"], up["rejection_rate"], 2 * up["rejection_mc_se"],
                         label=f"{label}: shifted topic", **kw)
        null = g[g["role"] == "unshifted"]
        axes[1].plot(null["delta"], null["familywise_fp"], marker=marker, ls="none",
                     mfc="white", mec="#333333", ms=4, label=f"{label}: family-wise FP")
        axes[2].errorbar(up["delta"], up["bias"], 2 * up["bias_mc_se"], label=label, **kw)
        axes[2].errorbar(down["delta"], down["bias"], 2 * down["bias_mc_se"], **kw_down)
    axes[0].axhspan(0.93, 0.97, color="#DDDDDD", zorder=0)
    axes[0].set_ylim(max(0.0, float(np.nanmin(summary["coverage"])) - 0.1), 1.0)
    axes[0].set_title("Coverage of planted difference", loc="left", fontsize=FONT_PT + 1)
    axes[1].axhline(alpha, color="#777777", lw=0.7, ls="--")
    axes[1].set_ylim(0, 1)
    axes[1].set_title("Rejection rate", loc="left", fontsize=FONT_PT + 1)
    axes[2].axhline(0, color="#777777", lw=0.7, ls="--")
    axes[2].axhspan(-0.01, 0.01, color="#DDDDDD", zorder=0)
    axes[2].set_title("Bias of the estimate", loc="left", fontsize=FONT_PT + 1)
    for ax in axes:
        ax.set_xlabel("planted difference in mean share", fontsize=FONT_PT)
        ax.tick_params(labelsize=FONT_PT)
    axes[0].legend(fontsize=FONT_PT, frameon=False, title="units: topic shifted",
                   title_fontsize=FONT_PT, loc="lower left")
    axes[1].legend(fontsize=FONT_PT, frameon=False, loc="upper left")
    caption(fig, ["Filled: the topic shifted up; open grey: the topic shifted down. "
                  "Grey bands: coverage target 0.93–0.97 and |bias| ≤ 0.01; dashed line: "
                  f"alpha = {alpha:g}. Bars: ±2 Monte Carlo standard errors. At a planted "
                  "difference of 0 every topic is null (coverage and rejection over all).",
                  evidence], fontsize=FONT_PT)
    return fig
