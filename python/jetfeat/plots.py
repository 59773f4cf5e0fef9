"""Plots for tagger reports: ROC curves, DisCo-FFS progress and selected EFP multigraphs.

Every function draws with matplotlib's Agg backend (no display needed), returns the Figure and,
when ``path`` is given, writes it there as PNG.
"""

from __future__ import annotations

import logging
import math
import re

logger = logging.getLogger(__name__)

__all__ = ["plot_roc", "plot_selection_progress", "plot_selected_efps", "efp_parameters"]

_EFP_SUFFIX = re.compile(r"_k(?P<kappa>-?[0-9.]+)_b(?P<beta>-?[0-9.]+)$")


def _figure(*args, **kwargs):
    # The Figure class with the Agg canvas avoids pyplot's global state and any GUI backend.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(*args, **kwargs)
    FigureCanvasAgg(figure)
    return figure


def _save(figure, path):
    if path is not None:
        figure.savefig(path, dpi=120, bbox_inches="tight")
        logger.debug("wrote %s", path)
    return figure


def plot_roc(curves, path=None, *, title=None):
    """Plot background rejection 1/eps_B against signal efficiency eps_S on a log scale.

    Parameters
    ----------
    curves : dict of str to (y_true, y_score)
        Label of each tagger and its test labels and scores.
    path : str or path-like, default=None
        PNG file to write.
    title : str, default=None
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from .metrics import roc_curve

    figure = _figure(figsize=(6, 4.5))
    ax = figure.add_subplot()
    for label, (y_true, y_score) in curves.items():
        eps_s, eps_b, _ = roc_curve(y_true, y_score)
        keep = eps_b > 0  # 1/eps_B is infinite before the first background event passes
        ax.plot(eps_s[keep], 1.0 / eps_b[keep], label=label)
    for eps in (0.3, 0.5):
        ax.axvline(eps, color="0.8", linewidth=0.8, zorder=0)
    ax.set_yscale("log")
    ax.set_xlim(0, 1)
    ax.set_xlabel(r"signal efficiency $\epsilon_S$")
    ax.set_ylabel(r"background rejection $1/\epsilon_B$")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small")
    if title:
        ax.set_title(title)
    return _save(figure, path)


def plot_selection_progress(history, path=None, *, baselines=None):
    """Plot validation R30 and AUC against the number of selected features.

    Parameters
    ----------
    history : list of dict
        ``DisCoSelector.history_``.
    path : str or path-like, default=None
        PNG file to write.
    baselines : dict of str to float, default=None
        Horizontal reference lines of R30 (for example the all-features tagger).

    Returns
    -------
    matplotlib.figure.Figure
    """
    n_selected = [entry["n_selected"] for entry in history]
    figure = _figure(figsize=(7, 4.5))
    ax_r30, ax_auc = figure.subplots(2, 1, sharex=True)
    ax_r30.plot(n_selected, [entry["val_r30"] for entry in history], "o-", label="DisCo-FFS")
    for label, value in (baselines or {}).items():
        if math.isfinite(value):
            ax_r30.axhline(value, linestyle="--", linewidth=0.9, label=label)
    ax_r30.set_ylabel("validation R30")
    ax_r30.legend(fontsize="small")
    ax_auc.plot(n_selected, [entry["val_auc"] for entry in history], "o-")
    ax_auc.set_ylabel("validation AUC")
    ax_auc.set_xlabel("number of selected features")
    labels = [entry["feature"] or "start" for entry in history]
    ax_auc.set_xticks(n_selected)
    ax_auc.set_xticklabels([f"{n}\n{label}" for n, label in zip(n_selected, labels)],
                           rotation=60, fontsize=6, ha="right")
    return _save(figure, path)


def efp_parameters(feature_name):
    """Return (kappa, beta) from an EFP feature name ``efp_<graph>_k<kappa>_b<beta>``."""
    match = _EFP_SUFFIX.search(feature_name)
    if match is None or not feature_name.startswith("efp_"):
        raise ValueError(f"{feature_name!r} is not an EFP feature name")
    return float(match["kappa"]), float(match["beta"])


def plot_selected_efps(feature_names, path=None, *, scores=None):
    """Draw the multigraph of every selected EFP with its kappa and beta.

    Parameters
    ----------
    feature_names : list of str
        Selected features; names that are not EFPs are skipped.
    path : str or path-like, default=None
        PNG file to write.
    scores : dict of str to float, default=None
        DisCo score of each feature, shown under its drawing.

    Returns
    -------
    matplotlib.figure.Figure or None
        None when no name is an EFP.
    """
    from ._multigraphs import draw_multigraph
    from .efp import graph_of

    efps = [name for name in feature_names if name.startswith("efp_")]
    if not efps:
        return None
    columns = min(len(efps), 5)
    rows = math.ceil(len(efps) / columns)
    figure = _figure(figsize=(2.2 * columns, 2.5 * rows))
    for index, name in enumerate(efps):
        ax = figure.add_subplot(rows, columns, index + 1)
        draw_multigraph(graph_of(name), ax)
        kappa, beta = efp_parameters(name)
        label = rf"$\kappa$={kappa:g}, $\beta$={beta:g}"
        if scores and name in scores and scores[name] is not None:
            label += f"\nDisCo {scores[name]:.3f}"
        ax.set_title(f"#{index + 1}: {label}", fontsize=8)
    return _save(figure, path)
