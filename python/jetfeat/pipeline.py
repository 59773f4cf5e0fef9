"""``jetfeat run``: extract a feature pool, select with DisCo-FFS, train taggers and report.

:func:`run` does the whole job on one dataset. It computes the candidate pool, holds out a
stratified test split and runs :class:`~jetfeat.selection.DisCoSelector` on the rest. On the
same split it trains the final tagger on the selected features and the baselines: all pool
features, the standard substructure set, and random, mutual-information and
XGBoost-importance selections of the same size. It prints a table and writes a report folder
with ``report.md``, ``metrics.json``, PNG plots and the saved tagger.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import time
from pathlib import Path

import numpy as np

from .metrics import MIN_BACKGROUND_PASSING, bootstrap_metrics, evaluate, summarize_runs
from .models import Tagger
from .table import FeatureTable

logger = logging.getLogger(__name__)

__all__ = ["run", "describe_feature", "add_arguments", "run_cli", "DEFAULT_POOL"]

# The published DisCo-FFS pool is every prime EFP graph with d <= 7 on the grid kappa in
# {-1, 0, 0.5, 1, 2} x beta in {0.5, 1, 2} (7,350 columns, preset "discoffs-pool"). The
# default drops the 4 graphs with chi = 4 (7,290 EFP columns), whose O(M^4) cost makes the full
# pool about 5x slower to extract: on 2 cores a default run on 30,000 Pythia jets took 7.6
# minutes with this pool, where the full pool would need about 11 minutes of extraction alone.
DEFAULT_POOL = "discoffs-pool-chi3"


def _pool_configs():
    """Return pools defined here on top of the feature-set presets, name -> config dict."""
    from .features import POOL_BETAS, POOL_KAPPAS

    return {"discoffs-pool-d5": {"kinematics": True, "efp": [
        {"specs": ["d<=5", "p==1"], "kappas": list(POOL_KAPPAS), "betas": list(POOL_BETAS)}]}}

# Test-split background jets below which R30 is called unreliable in the report, on top of the
# per-working-point count of passing background jets.
MIN_TEST_BACKGROUND = 2000

# Readable meanings of the non-EFP feature names that feature sets produce.
_DESCRIPTIONS = {
    "jet_mass": "jet mass [GeV]",
    "jet_pt": "jet pT [GeV]",
    "m": "jet mass [GeV]",
    "pt": "jet pT [GeV]",
    "pT": "jet pT [GeV]",
    "eta": "jet pseudorapidity",
    "multiplicity": "constituent multiplicity",
}
_PREFIX_DESCRIPTIONS = (
    ("tau", "N-subjettiness ratio or tau_N"),
    ("C2", "energy correlation ratio C2"),
    ("D2", "energy correlation ratio D2"),
    ("e2", "energy correlation function e_2"),
    ("e3", "energy correlation function e_3"),
    ("sd", "soft-drop groomed observable"),
    ("lund", "Lund-plane observable"),
)


def describe_feature(name: str) -> str:
    """Return a one-line meaning of a feature name: EFP graph with kappa and beta, or observable."""
    if name.startswith("efp_"):
        try:
            from .efp import graph_of
            from .plots import efp_parameters

            edges = graph_of(name)
            kappa, beta = efp_parameters(name)
        except (ImportError, ValueError):
            return "energy flow polynomial"
        if not edges:
            # The single-vertex graph is sum_i z_i^kappa; at kappa = 0 it counts constituents.
            meaning = "constituent multiplicity" if kappa == 0 else f"sum of z_i^{kappa:g}"
            return f"EFP, 1 vertex, 0 edges ({meaning}), kappa={kappa:g}"
        n_vertices = len({v for edge in edges for v in edge})
        return (f"EFP, {n_vertices} vertices, {len(edges)} edges {edges}, kappa={kappa:g}, "
                f"beta={beta:g}")
    if name in _DESCRIPTIONS:
        return _DESCRIPTIONS[name]
    for prefix, meaning in _PREFIX_DESCRIPTIONS:
        if name.startswith(prefix):
            return meaning
    return "substructure observable"


# ---------------------------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------------------------


def _load_jets(data, max_jets):
    """Return (jets, labels, weights, source description) from a path or the default sample."""
    from . import io as jio

    if data is None:
        from .generate import default_sample

        data = default_sample()
        logger.info("using the default Pythia sample %s", data)
    loaded = jio.read(data)
    jets, labels, weights = loaded.jets, loaded.labels, loaded.weights
    if max_jets is not None and max_jets < len(labels):
        # Random, seeded subset so both classes stay represented even in sorted files.
        keep = np.sort(np.random.default_rng(0).choice(len(labels), max_jets, replace=False))
        jets, labels = jets[keep], labels[keep]
        weights = None if weights is None else weights[keep]
    return jets, np.asarray(labels), weights, str(data)


def _compute_table(jets, preset, n_jobs):
    from .features import get_feature_set

    if isinstance(preset, str):
        preset = _pool_configs().get(preset, preset)
    return get_feature_set(preset).compute(jets, n_jobs=n_jobs)


def _table_from_frame(frame, label_column):
    if label_column not in frame.columns:
        raise ValueError(f"feature table has no label column {label_column!r}; columns "
                         f"include {list(frame.columns)[:8]}")
    labels = frame[label_column].to_numpy()
    weights = frame["weight"].to_numpy() if "weight" in frame.columns else None
    names = [c for c in frame.columns if c not in (label_column, "weight")]
    return FeatureTable({name: frame[name].to_numpy() for name in names}), labels, weights


# ---------------------------------------------------------------------------------------------
# Training and evaluation
# ---------------------------------------------------------------------------------------------


def _split(labels, test_fraction, validation_fraction, seed):
    from sklearn.model_selection import train_test_split

    index = np.arange(labels.size)
    development, test = train_test_split(index, test_size=test_fraction, stratify=labels,
                                         random_state=seed)
    train, val = train_test_split(development, test_size=validation_fraction,
                                  stratify=labels[development], random_state=seed)
    return development, train, val, test


def _train_and_test(X, names, labels, weights, split, *, model, n_seeds, n_bootstrap, seed,
                    n_jobs):
    """Train ``n_seeds`` taggers on the features ``names``.

    Returns (result dict, tagger of the first seed, its test scores).
    """
    # Stack only the requested columns: a full copy of the 7,350-column pool is 1.8 GB at
    # 30,000 jets.
    matrix = np.column_stack([X[name] for name in names])
    _, train, val, test = split
    w = (lambda rows: None) if weights is None else (lambda rows: weights[rows])
    runs, taggers, first_scores = [], [], None
    for offset in range(n_seeds):
        tagger = Tagger(model, random_state=seed + offset, n_jobs=n_jobs)
        tagger.fit(matrix[train], labels[train], sample_weight=w(train), feature_names=names,
                   X_val=matrix[val], y_val=labels[val])
        scores = tagger.predict_proba(matrix[test])
        runs.append(evaluate(labels[test], scores, w(test)))
        taggers.append(tagger)
        if first_scores is None:
            first_scores = scores
    spread = summarize_runs(runs)
    bootstrap = bootstrap_metrics(labels[test], first_scores, w(test), n_bootstrap=n_bootstrap,
                                  random_state=seed)
    result = {"features": list(names), "n_features": len(names),
              "n_parameters": taggers[0].n_parameters(), "test": {}}
    for metric in ("auc", "accuracy", "r30", "r50"):
        result["test"][metric] = {
            "value": spread[metric]["value"],
            "std_seeds": spread[metric]["std"],
            "std_bootstrap": bootstrap[metric]["std"],
            "n_infinite_seeds": spread[metric]["n_infinite"],
        }
    result["test"]["n_background_passing_r30"] = runs[0]["n_background_passing_r30"]
    result["test"]["r30_reliable"] = bool(runs[0]["r30_reliable"])
    return result, taggers[0], first_scores


def _drop_unusable(table, model, loop_classifier):
    """Drop non-finite columns, and beyond-float32 ones when XGBoost trains; return both."""
    from .selection import fits_float32

    matrix = table.to_numpy()
    finite = np.isfinite(matrix).all(axis=0)
    uses_xgboost = "xgboost" in (model, loop_classifier)
    in_range = fits_float32(matrix) if uses_xgboost else np.ones(len(table), dtype=bool)
    # NOTE: kappa = -1 EFPs of jets with very soft constituents exceed float32, so on such
    # samples the published pool loses those columns; a log transform could keep them.
    dropped = {}
    for index, name in enumerate(table.names):
        if not finite[index]:
            dropped[name] = "non-finite values"
        elif not in_range[index]:
            dropped[name] = "values beyond the float32 range XGBoost accepts"
    if dropped:
        logger.warning("dropped %d of %d pool columns that the taggers cannot use, for example "
                       "%s", len(dropped), len(table), list(dropped.items())[:3])
        table = FeatureTable({name: table[name] for name in table.names if name not in dropped},
                             table.metadata)
    return table, dropped


def _mutual_information_ranking(matrix, labels, seed, n_jobs=None, max_values=20_000_000):
    from sklearn.feature_selection import mutual_info_classif

    # The k-nearest-neighbour estimator costs about O(n log n) per column, so a 7,000-column
    # pool is ranked on a subsample: at most max_values matrix entries, and 2,000 to 20,000
    # events, which is plenty to order features by information.
    max_events = int(np.clip(max_values // max(matrix.shape[1], 1), 2_000, 20_000))
    rows = np.arange(labels.size)
    if rows.size > max_events:
        rows = np.sort(np.random.default_rng(seed).choice(rows, max_events, replace=False))
    information = mutual_info_classif(matrix[rows], labels[rows], random_state=seed,
                                      n_jobs=n_jobs)
    return np.argsort(-information, kind="stable")


# ---------------------------------------------------------------------------------------------
# run()
# ---------------------------------------------------------------------------------------------


def run(data=None, *, features=None, labels=None, weights=None, out="jetfeat-run",
        n_features=10, pool=DEFAULT_POOL, standard="standard", model="xgboost",
        loop_classifier="xgboost", window=(0.3, 0.7), block_size=2048, test_fraction=0.3,
        validation_fraction=0.2, n_seeds=3, n_bootstrap=200, baselines=True, max_jets=None,
        random_state=0, n_jobs=None):
    """Run feature extraction, DisCo-FFS, final tagger training, baselines and the report.

    Parameters
    ----------
    data : str or path-like, default=None
        Jet file that :func:`jetfeat.io.read` reads (landscape HDF5, npz, Parquet, JetClass
        ROOT). None uses :func:`jetfeat.generate.default_sample`, generating it on first use.
    features : FeatureTable or pandas.DataFrame, default=None
        Precomputed candidate pool; skips extraction and needs ``labels``.
    labels : array_like of shape (n_jets,), default=None
        Labels for ``features``, 1 for signal and 0 for background.
    weights : array_like of shape (n_jets,), default=None
        Jet weights for ``features``.
    out : str or path-like, default="jetfeat-run"
        Report folder, created if missing.
    n_features : int, default=10
        Features DisCo-FFS adds to the jet mass and pT.
    pool : str or dict, default="discoffs-pool-chi3"
        Candidate pool: ``"discoffs-pool-chi3"`` (jet mass, pT and the 7,290 EFPs of the
        published pool whose graphs have chi <= 3), ``"discoffs-pool-d5"`` (the 810 EFPs with
        d <= 5 on the published kappa x beta grid) or anything
        :func:`jetfeat.features.get_feature_set` accepts (preset name, config file or dict).
        ``"discoffs-pool"`` is the published 7,350-EFP pool.
    standard : str or None, default="standard"
        Feature-set preset of the standard-substructure baseline; None skips it.
    model : {"xgboost", "gbdt", "mlp", "logistic"}, default="xgboost"
        Final tagger and baseline taggers.
    loop_classifier : {"xgboost", "mlp"}, default="xgboost"
        Classifier inside the DisCo-FFS loop.
    window : tuple of float, default=(0.3, 0.7)
        Loop-classifier scores that define the DisCo-FFS confusion set.
    block_size : int, default=2048
        Confusion events per distance-correlation block.
    test_fraction : float, default=0.3
        Stratified fraction of jets held out for the test metrics.
    validation_fraction : float, default=0.2
        Fraction of the remaining jets used for early stopping.
    n_seeds : int, default=3
        Retrainings of each tagger with different seeds; their spread is ``std_seeds``.
    n_bootstrap : int, default=200
        Bootstrap resamples of the test set; their spread is ``std_bootstrap``.
    baselines : bool, default=True
        Train the baseline taggers.
    max_jets : int, default=None
        Use a random subset of this many jets.
    random_state : int, default=0
        Seed of the split, the selection and the taggers.
    n_jobs : int, default=None
        Threads for extraction, XGBoost and DisCo; None means 1, -1 all cores.

    Returns
    -------
    dict
        The content of ``metrics.json``.
    """
    started = time.perf_counter()
    timing = {}
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)

    # 1. Candidate pool (and the standard set when jets are available).
    standard_table = None
    if features is not None:
        if labels is None:
            raise ValueError("features were given without labels; pass labels=...")
        table = features if isinstance(features, FeatureTable) else FeatureTable(
            {str(c): features[c].to_numpy() for c in features.columns})
        labels = np.asarray(labels)
        source, pool_name = "precomputed feature table", "precomputed"
        if standard is not None:
            logger.info("standard-set baseline skipped: no jets to compute it from")
    else:
        jets, labels, weights, source = _load_jets(data, max_jets)
        tick = time.perf_counter()
        table = _compute_table(jets, pool, n_jobs)
        timing["extract_pool_s"] = time.perf_counter() - tick
        pool_name = pool if isinstance(pool, str) else "custom config"
        if standard is not None and baselines:
            tick = time.perf_counter()
            try:
                standard_table = _compute_table(jets, standard, n_jobs)
            except (ValueError, ImportError) as exc:
                logger.warning("standard-set baseline skipped: %s", exc)
            timing["extract_standard_s"] = time.perf_counter() - tick
    if labels.shape != (table.n_rows,):
        raise ValueError(f"{labels.shape[0]} labels for {table.n_rows} jets")
    weights = None if weights is None else np.asarray(weights, dtype=np.float64)
    table, dropped = _drop_unusable(table, model, loop_classifier)
    dropped_standard = {}
    if standard_table is not None:
        standard_table, dropped_standard = _drop_unusable(standard_table, model, loop_classifier)
    split = _split(labels, test_fraction, validation_fraction, random_state)
    development, train, val, test = split
    matrix = table.to_numpy()
    logger.info("pool %s: %d features on %d jets (%d test)", pool_name, len(table),
                table.n_rows, test.size)

    # 2. DisCo-FFS on the development jets (training + validation).
    from .selection import DisCoSelector

    tick = time.perf_counter()
    selector = DisCoSelector(n_features=n_features, classifier=loop_classifier,
                             window=tuple(window), block_size=block_size,
                             validation_fraction=validation_fraction,
                             random_state=random_state, n_jobs=n_jobs, verbose=1)
    selector.fit(matrix[development], labels[development],
                 None if weights is None else weights[development], feature_names=table.names)
    timing["selection_s"] = time.perf_counter() - tick
    selected = selector.selected_features_
    scores_by_name = {entry["feature"]: entry["disco_score"] for entry in selector.history_}

    # 3. Final tagger and baselines, all on the same split.
    tick = time.perf_counter()
    common = {"model": model, "n_seeds": n_seeds, "n_bootstrap": n_bootstrap,
              "seed": random_state, "n_jobs": n_jobs}
    models, curves = {}, {}
    models["DisCo-FFS"], final_tagger, curves["DisCo-FFS"] = _train_and_test(
        table, selected, labels, weights, split, **common)
    final_tagger.save(out / "tagger")
    skipped = {}
    if baselines:
        k = len(selected)
        result, all_tagger, curves["all features"] = _train_and_test(
            table, table.names, labels, weights, split, **common)
        models[f"all {len(table)} features"] = result

        rng = np.random.default_rng(random_state)
        initial = selected[: selector.history_[0]["n_selected"]]
        others = [name for name in table.names if name not in initial]
        pick = list(initial) + [others[i] for i in rng.choice(len(others), k - len(initial),
                                                               replace=False)]
        models["random"], _, curves["random"] = _train_and_test(
            table, pick, labels, weights, split, **common)

        order = _mutual_information_ranking(matrix[development], labels[development],
                                            random_state, n_jobs=n_jobs)
        mi_names = [table.names[i] for i in order[:k]]
        models["mutual information"], _, curves["mutual information"] = _train_and_test(
            table, mi_names, labels, weights, split, **common)

        if model == "xgboost":
            importances = all_tagger.feature_importances()
            ranked = sorted(importances, key=lambda name: -importances[name])[:k]
            models["XGBoost importance"], _, curves["XGBoost importance"] = _train_and_test(
                table, ranked, labels, weights, split, **common)
        else:
            skipped["XGBoost importance"] = f"needs model='xgboost', not {model!r}"

        if standard_table is not None:
            standard_names = standard_table.names
            models[f"standard ({standard})"], _, curves["standard"] = _train_and_test(
                standard_table, standard_names, labels, weights, split, **common)
        elif standard is not None:
            skipped["standard"] = "not computed (no jets, or the preset is unavailable)"
    timing["training_s"] = time.perf_counter() - tick
    timing["total_s"] = time.perf_counter() - started

    # 4. Report.
    n_test_background = int(np.count_nonzero(labels[test] == 0))
    notes = []
    if n_test_background < MIN_TEST_BACKGROUND:
        notes.append(f"The test split has only {n_test_background} background jets (fewer than "
                     f"{MIN_TEST_BACKGROUND}); R30 and R50 carry large uncertainties.")
    for name, result in models.items():
        if not result["test"]["r30_reliable"]:
            notes.append(f"{name}: only {result['test']['n_background_passing_r30']} background "
                         f"test jets pass at eps_S = 0.3 (fewer than {MIN_BACKGROUND_PASSING}); "
                         "its R30 is a small-number estimate.")
    from . import __version__

    report = {
        "jetfeat_version": __version__,
        "source": source,
        "pool": pool_name,
        "n_pool_features": len(table),
        "dropped_features": dropped,
        "dropped_standard_features": dropped_standard,
        "n_jets": int(table.n_rows),
        "split": {"train": int(train.size), "validation": int(val.size), "test": int(test.size),
                  "test_background": n_test_background},
        "settings": {"n_features": n_features, "model": model,
                     "loop_classifier": loop_classifier, "window": list(window),
                     "block_size": block_size,
                     "n_seeds": n_seeds, "n_bootstrap": n_bootstrap,
                     "random_state": random_state},
        "selection": {
            "selected_features": [{"name": name, "description": describe_feature(name),
                                   "disco_score": scores_by_name.get(name)}
                                  for name in selected],
            "history": selector.history_,
            "stop_reason": selector.stop_reason_,
            "n_excluded": len(selector.excluded_features_),
        },
        "models": models,
        "skipped_baselines": skipped,
        "notes": notes,
        "timing_s": timing,
    }
    _write_report(out, report, selector, curves, labels[test])
    print(format_table(report))
    return report


# ---------------------------------------------------------------------------------------------
# Report output
# ---------------------------------------------------------------------------------------------


def _format_metric(entry, digits):
    value, std = entry["value"], entry["std_seeds"]
    boot = entry["std_bootstrap"]
    if not math.isfinite(value):
        return "inf"
    parts = [f"{value:.{digits}f}"]
    if math.isfinite(std):
        parts.append(f"± {std:.{digits}f} (seeds)")
    if math.isfinite(boot):
        parts.append(f"± {boot:.{digits}f} (stat)")
    if entry.get("n_infinite_seeds"):
        # Seeds where no background jet passed are left out of the mean, so their count is shown.
        parts.append(f"[inf for {entry['n_infinite_seeds']} seed(s)]")
    return " ".join(parts)


def format_table(report) -> str:
    """Return the plain-text summary printed by ``jetfeat run``."""
    lines = [f"pool {report['pool']}: {report['n_pool_features']} features, "
             f"{report['n_jets']} jets, test split {report['split']['test']} "
             f"({report['split']['test_background']} background)", "",
             "selected features (in order):"]
    for index, item in enumerate(report["selection"]["selected_features"], start=1):
        score = item["disco_score"]
        score_text = "start" if score is None else f"DisCo {score:.4f}"
        lines.append(f"  {index:2d}. {item['name']:<32s} {score_text:<13s} {item['description']}")
    lines += ["", f"{'tagger':<26s} {'n':>5s} {'params':>8s}  {'AUC':<40s} {'R30':<36s} "
                  "R50"]
    for name, result in report["models"].items():
        test = result["test"]
        lines.append(f"{name:<26s} {result['n_features']:>5d} {result['n_parameters']:>8d}  "
                     f"{_format_metric(test['auc'], 4):<40s} {_format_metric(test['r30'], 1):<36s} "
                     f"{_format_metric(test['r50'], 1)}")
    for note in report["notes"]:
        lines.append(f"note: {note}")
    return "\n".join(lines)


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _sanitize(value):
    """Replace inf and nan by strings, which strict JSON readers accept."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: _sanitize(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_sanitize(item) for item in value]
    return value


def _write_report(out, report, selector, curves, test_labels):
    from .plots import plot_roc, plot_selected_efps, plot_selection_progress

    (out / "metrics.json").write_text(json.dumps(_sanitize(report), indent=2,
                                                 default=_json_default))
    plot_roc({name: (test_labels, scores) for name, scores in curves.items()}, out / "roc.png",
             title=f"test split, pool {report['pool']}")
    reference = {f"{name} (test)": result["test"]["r30"]["value"]
                 for name, result in report["models"].items() if name.startswith("all")}
    plot_selection_progress(selector.history_, out / "selection_progress.png",
                            baselines=reference)
    figures = ["roc.png", "selection_progress.png"]
    scores = {item["name"]: item["disco_score"]
              for item in report["selection"]["selected_features"]}
    if plot_selected_efps(selector.selected_features_, out / "selected_efps.png",
                          scores=scores) is not None:
        figures.append("selected_efps.png")
    report_lines = [
        "# jetfeat run report", "",
        f"- data: {report['source']}",
        f"- candidate pool: `{report['pool']}` ({report['n_pool_features']} features used, "
        f"{len(report['dropped_features'])} dropped as unusable, listed in metrics.json)",
        f"- jets: {report['n_jets']} (train {report['split']['train']}, validation "
        f"{report['split']['validation']}, test {report['split']['test']} of which "
        f"{report['split']['test_background']} background)",
        f"- DisCo-FFS stop: {report['selection']['stop_reason']}",
        f"- jetfeat {report['jetfeat_version']}", "",
        "Uncertainties: (seeds) is the standard deviation over retrainings with "
        f"{report['settings']['n_seeds']} seeds, (stat) the bootstrap standard deviation over "
        f"{report['settings']['n_bootstrap']} resamples of the test split.", "",
        "```", format_table(report), "```", "",
    ]
    report_lines += [f"![{name}]({name})" for name in figures]
    if report["skipped_baselines"]:
        report_lines += ["", "Skipped baselines:"]
        report_lines += [f"- {name}: {why}" for name, why in report["skipped_baselines"].items()]
    (out / "report.md").write_text("\n".join(report_lines) + "\n")


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the options of ``jetfeat run``."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--data", default=None, metavar="PATH",
                        help="jet file (landscape .h5, .npz, .parquet, JetClass .root); default: "
                             "the cached Pythia sample, generated on first use")
    source.add_argument("--features", default=None, metavar="DIR",
                        help="output directory of `jetfeat extract` to use as the pool instead "
                             "of extracting one")
    parser.add_argument("--n-features", type=int, default=10, metavar="N",
                        help="features DisCo-FFS adds to jet mass and pT (default: 10)")
    parser.add_argument("--out", default="jetfeat-run", metavar="DIR",
                        help="report folder (default: jetfeat-run)")
    parser.add_argument("--pool", default=DEFAULT_POOL,
                        help=f"candidate pool: {DEFAULT_POOL} (default, the published EFP pool "
                             "without its 4 chi = 4 graphs), discoffs-pool-d5 (EFPs with d <= 5, "
                             "fast), a feature-set preset such as "
                             "discoffs-pool (the published 7,350 EFPs) or a .toml/.json config")
    parser.add_argument("--model", default="xgboost",
                        choices=["xgboost", "gbdt", "mlp", "logistic"],
                        help="final and baseline tagger (default: xgboost)")
    parser.add_argument("--loop-classifier", default="xgboost", choices=["xgboost", "mlp"],
                        help="classifier inside the DisCo-FFS loop (default: xgboost)")
    parser.add_argument("--window", type=float, nargs=2, default=(0.3, 0.7),
                        metavar=("LOW", "HIGH"),
                        help="loop-classifier scores that define the confusion set "
                             "(default: 0.3 0.7)")
    parser.add_argument("--block-size", type=int, default=2048, metavar="N",
                        help="confusion events per distance-correlation block (default: 2048)")
    parser.add_argument("--max-jets", type=int, default=None, metavar="N",
                        help="use a random subset of this many jets")
    parser.add_argument("--seeds", type=int, default=3, metavar="N",
                        help="retrainings per tagger for the seed spread (default: 3)")
    parser.add_argument("--no-baselines", action="store_true",
                        help="train only the DisCo-FFS tagger")
    parser.add_argument("--random-state", type=int, default=0, metavar="SEED", help="seed (default: 0)")
    parser.add_argument("-j", "--n-jobs", type=int, default=-1,
                        help="threads; -1 for all cores (default: -1)")


def run_cli(args: argparse.Namespace) -> int:
    """Run ``jetfeat run`` with parsed arguments; return the exit code."""
    options = {"out": args.out, "n_features": args.n_features, "pool": args.pool,
               "model": args.model, "loop_classifier": args.loop_classifier,
               "window": args.window, "block_size": args.block_size, "max_jets": args.max_jets,
               "n_seeds": args.seeds, "baselines": not args.no_baselines,
               "random_state": args.random_state, "n_jobs": args.n_jobs}
    if args.features is not None:
        from .features import read_features

        table, labels, weights = _table_from_frame(read_features(args.features), "label")
        run(features=table, labels=labels, weights=weights, **options)
    else:
        run(args.data, **options)
    print(f"report written to {Path(args.out) / 'report.md'}")
    return 0
