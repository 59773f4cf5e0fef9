"""Tagger metrics used in jet tagging: ROC AUC, accuracy and background rejection R30, R50.

The background rejection at signal efficiency eps_S is ``R = 1 / eps_B(eps_S)``, read off the
ROC curve by linear interpolation of eps_B in eps_S. R30 and R50 are the rejections at
eps_S = 0.3 and 0.5, the working points quoted in the top tagging comparison (Kasieczka et al.,
arXiv:1902.09914). Uncertainties come from bootstrap resampling of the evaluated events
(:func:`bootstrap_metrics`) or from the spread over retrainings with several seeds
(:func:`summarize_runs`).
"""

from __future__ import annotations

import logging
import math

import numpy as np

logger = logging.getLogger(__name__)

__all__ = [
    "MIN_BACKGROUND_PASSING",
    "roc_curve",
    "roc_auc",
    "accuracy",
    "background_rejection",
    "evaluate",
    "bootstrap_metrics",
    "summarize_runs",
]

# Fewer background events than this passing the cut at eps_S = 0.3 make R30 a small-number
# estimate whose relative Poisson uncertainty exceeds about 30 %; such values are flagged.
MIN_BACKGROUND_PASSING = 10

# Working points reported by evaluate(): metric name -> signal efficiency eps_S.
WORKING_POINTS = {"r30": 0.3, "r50": 0.5}


def _check_inputs(y_true, y_score, sample_weight=None):
    """Return (y, score, weight) as validated 1-D float arrays; raise ValueError on bad input."""
    y = np.asarray(y_true)
    score = np.asarray(y_score, dtype=np.float64)
    if y.ndim != 1 or score.ndim != 1:
        raise ValueError(
            f"y_true and y_score must be 1-D, got shapes {y.shape} and {score.shape}"
        )
    if y.shape != score.shape:
        raise ValueError(
            f"y_true has {y.shape[0]} entries but y_score has {score.shape[0]}; pass one score "
            "per event"
        )
    values = np.unique(y)
    if not np.isin(values, [0, 1]).all():
        raise ValueError(
            f"y_true must contain only 0 (background) and 1 (signal), got values "
            f"{values[:10].tolist()}"
        )
    if values.size < 2:
        raise ValueError(
            f"y_true contains only class {values.tolist()}; ROC metrics need both signal (1) "
            "and background (0) events"
        )
    bad = np.flatnonzero(~np.isfinite(score))
    if bad.size:
        raise ValueError(
            f"y_score is not finite at {bad.size} events (first index {bad[0]}, value "
            f"{score[bad[0]]}); check the classifier output"
        )
    if sample_weight is None:
        weight = np.ones_like(score)
    else:
        weight = np.asarray(sample_weight, dtype=np.float64)
        if weight.shape != score.shape:
            raise ValueError(
                f"sample_weight has shape {weight.shape} but y_score has {score.shape}"
            )
        if not np.isfinite(weight).all() or (weight < 0).any():
            raise ValueError("sample_weight must be finite and non-negative")
    return y.astype(np.int8), score, weight


def roc_curve(y_true, y_score, sample_weight=None):
    """Compute the ROC curve as signal and background efficiencies.

    Parameters
    ----------
    y_true : array_like of shape (n_events,)
        Truth labels, 1 for signal and 0 for background.
    y_score : array_like of shape (n_events,)
        Classifier output, larger for more signal-like events.
    sample_weight : array_like of shape (n_events,), default=None
        Event weights; None gives every event weight 1.

    Returns
    -------
    eps_s : ndarray of shape (n_thresholds,)
        Signal efficiency (true positive rate) at each threshold, non-decreasing.
    eps_b : ndarray of shape (n_thresholds,)
        Background efficiency (false positive rate) at the same thresholds.
    thresholds : ndarray of shape (n_thresholds,)
        Score thresholds, decreasing; an event passes when ``score >= threshold``.
    """
    from sklearn.metrics import roc_curve as sk_roc_curve

    y, score, weight = _check_inputs(y_true, y_score, sample_weight)

    # drop_intermediate=False keeps every threshold, so the interpolation of eps_B works on the
    # full staircase rather than a thinned one.
    eps_b, eps_s, thresholds = sk_roc_curve(y, score, sample_weight=weight,
                                            drop_intermediate=False)
    return eps_s, eps_b, thresholds


def roc_auc(y_true, y_score, sample_weight=None) -> float:
    """Return the area under the ROC curve (0.5 for a random guess, 1 for a perfect tagger)."""
    from sklearn.metrics import roc_auc_score

    y, score, weight = _check_inputs(y_true, y_score, sample_weight)
    return float(roc_auc_score(y, score, sample_weight=weight))


def accuracy(y_true, y_score, sample_weight=None, threshold=0.5) -> float:
    """Return the (weighted) fraction of events classified correctly by ``score >= threshold``."""
    y, score, weight = _check_inputs(y_true, y_score, sample_weight)
    correct = (score >= threshold) == (y == 1)
    return float(np.sum(weight * correct) / np.sum(weight))


def background_rejection(y_true, y_score, eps_s=0.3, sample_weight=None) -> float:
    """Compute the background rejection 1 / eps_B at signal efficiency ``eps_s``.

    eps_B(eps_S) is interpolated linearly on the ROC curve between the two thresholds that
    bracket ``eps_s``.

    Parameters
    ----------
    y_true, y_score, sample_weight
        As in :func:`roc_curve`.
    eps_s : float, default=0.3
        Signal efficiency of the working point, in (0, 1].

    Returns
    -------
    float
        1 / eps_B; ``inf`` when no background event passes at that working point.
    """
    if not 0.0 < eps_s <= 1.0:
        raise ValueError(f"eps_s must be in (0, 1], got {eps_s}")
    sig_eff, bkg_eff, _ = roc_curve(y_true, y_score, sample_weight)
    eps_b = _interpolate_eps_b(sig_eff, bkg_eff, eps_s)
    return math.inf if eps_b <= 0.0 else 1.0 / eps_b


def _interpolate_eps_b(sig_eff, bkg_eff, eps_s):
    """Return eps_B at ``eps_s`` on the ROC staircase given by :func:`roc_curve`.

    Where background events pass without signal, the curve has several eps_B at one eps_S.
    Exactly at such an eps_S the tightest cut (smallest eps_B) is taken. Between two signal
    efficiencies, eps_B is interpolated linearly from the last point of the lower one to the
    first point of the upper one, which is what np.interp does on the non-decreasing array.
    """
    at_point = sig_eff == eps_s
    if at_point.any():
        return float(bkg_eff[at_point].min())
    return float(np.interp(eps_s, sig_eff, bkg_eff))


def _background_passing(y, score, weight, eps_s):
    """Return the number of background events (unweighted) passing the cut at ``eps_s``."""
    signal_scores = np.sort(score[y == 1])[::-1]
    n_needed = max(int(math.ceil(eps_s * signal_scores.size)), 1)
    threshold = signal_scores[n_needed - 1]
    return int(np.count_nonzero(score[y == 0] >= threshold))


def evaluate(y_true, y_score, sample_weight=None) -> dict:
    """Compute AUC, accuracy, R30 and R50 and flag background-starved working points.

    Parameters
    ----------
    y_true, y_score, sample_weight
        As in :func:`roc_curve`.

    Returns
    -------
    dict
        ``auc``, ``accuracy``, ``r30``, ``r50`` (floats, rejections may be inf),
        ``n_signal``, ``n_background``, ``n_background_passing_r30`` and ``..._r50`` (event
        counts behind each working point) and ``r30_reliable`` / ``r50_reliable`` (False when
        fewer than :data:`MIN_BACKGROUND_PASSING` background events pass).
    """
    y, score, weight = _check_inputs(y_true, y_score, sample_weight)
    result = {
        "auc": roc_auc(y, score, weight),
        "accuracy": accuracy(y, score, weight),
        "n_signal": int(np.count_nonzero(y == 1)),
        "n_background": int(np.count_nonzero(y == 0)),
    }
    for name, eps_s in WORKING_POINTS.items():
        result[name] = background_rejection(y, score, eps_s, weight)
        passing = _background_passing(y, score, weight, eps_s)
        result[f"n_background_passing_{name}"] = passing
        result[f"{name}_reliable"] = passing >= MIN_BACKGROUND_PASSING
        if passing < MIN_BACKGROUND_PASSING:
            # Info, not warning: callers evaluate many seeds and bootstrap samples, and the
            # returned r30_reliable / r50_reliable flags carry the fact into reports.
            logger.info(
                "only %d background events pass at eps_S = %.1f (out of %d); %s = %.4g is a "
                "small-number estimate, evaluate on more background jets",
                passing, eps_s, result["n_background"], name.upper(), result[name],
            )
    return result


def bootstrap_metrics(y_true, y_score, sample_weight=None, n_bootstrap=200, random_state=0):
    """Estimate metric uncertainties by resampling the evaluated events with replacement.

    Parameters
    ----------
    y_true, y_score, sample_weight
        As in :func:`roc_curve`.
    n_bootstrap : int, default=200
        Number of resampled copies of the event set.
    random_state : int or numpy Generator, default=0
        Seed of the resampling.

    Returns
    -------
    dict
        For each of ``auc``, ``accuracy``, ``r30`` and ``r50``: ``{"value": metric on the
        full set, "std": standard deviation over the resamples}``. Resamples where a rejection
        is infinite are left out of its standard deviation.

    Notes
    -----
    The bootstrap covers the statistical uncertainty of the evaluation set only, not the
    variation from retraining the classifier; use :func:`summarize_runs` for that.
    """
    y, score, weight = _check_inputs(y_true, y_score, sample_weight)
    rng = np.random.default_rng(random_state)
    central = evaluate(y, score, weight)

    samples = {name: [] for name in ("auc", "accuracy", "r30", "r50")}
    for _ in range(n_bootstrap):
        index = rng.integers(0, y.size, size=y.size)
        y_resampled = y[index]
        if y_resampled.min() == y_resampled.max():
            continue
        sig_eff, bkg_eff, _ = roc_curve(y_resampled, score[index], weight[index])
        samples["auc"].append(roc_auc(y_resampled, score[index], weight[index]))
        samples["accuracy"].append(accuracy(y_resampled, score[index], weight[index]))
        for name, eps_s in WORKING_POINTS.items():
            eps_b = _interpolate_eps_b(sig_eff, bkg_eff, eps_s)
            if eps_b > 0:
                samples[name].append(1.0 / eps_b)

    result = {}
    for name, values in samples.items():
        std = float(np.std(values, ddof=1)) if len(values) > 1 else math.nan
        result[name] = {"value": float(central[name]), "std": std}
    result["details"] = central
    return result


def summarize_runs(runs: list[dict]) -> dict:
    """Combine metric dicts from several retrainings into mean and standard deviation.

    Parameters
    ----------
    runs : list of dict
        Outputs of :func:`evaluate`, one per seed.

    Returns
    -------
    dict
        For each of ``auc``, ``accuracy``, ``r30`` and ``r50``: ``{"value": mean, "std":
        standard deviation with ddof=1 (nan for one run), "n_infinite": runs left out because
        the value was infinite}``. The mean is inf when every run is infinite.
    """
    if not runs:
        raise ValueError("summarize_runs needs at least one run")
    result = {}
    for name in ("auc", "accuracy", "r30", "r50"):
        values = np.array([run[name] for run in runs], dtype=np.float64)
        finite = values[np.isfinite(values)]
        mean = float(finite.mean()) if finite.size else math.inf
        std = float(finite.std(ddof=1)) if finite.size > 1 else math.nan
        result[name] = {"value": mean, "std": std, "n_infinite": int(values.size - finite.size)}
    return result
