"""DisCo-FFS: feature selection by distance correlation on the events a tagger gets wrong.

DisCo-FFS (Das, Kasieczka, Shih, arXiv:2212.00046) grows a feature set one feature at a time.
Each iteration trains a classifier on the features selected so far and keeps the *confusion
set*: the events it scores inside a window around 0.5, by default (0.3, 0.7). It then adds the
candidate whose affine-invariant distance correlation with the truth label, computed together
with the selected features, is largest on that set. The distance correlation is averaged over
blocks of 2048 confusion events, which bounds the O(n^2) cost of each estimate.
"""

from __future__ import annotations

import logging
import math
import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.feature_selection import SelectorMixin

from ._warnings import JetfeatWarning
from .metrics import evaluate
from .models import Tagger, _as_matrix

logger = logging.getLogger(__name__)

__all__ = ["DisCoSelector", "SelectionWarning", "score_candidates_numpy"]

# Names under which feature sets store the jet mass and the jet pT; initial_features="auto"
# takes the first of each that the input has (compared case-insensitively).
_MASS_NAMES = ("m", "mass", "jet_m", "jet_mass", "mj")
_PT_NAMES = ("pt", "jet_pt", "ptj")

# Distance correlations on fewer confusion events than this are dominated by noise, so the
# selection stops instead of adding a feature.
MIN_CONFUSION_EVENTS = 50

# A column whose weighted variance is below this fraction of its mean square is constant up to
# rounding (float64 noise on a constant gives about 1e-32) and scores 0.
_CONSTANT_RTOL = 1e-20

# Candidate scores within this relative distance of the best count as a tie, which goes to the
# earliest column, so that rounding does not decide between equivalent features.
_TIE_RTOL = 1e-9


def fits_float32(X):
    """Return, per column of ``X``, whether every value is within float32's finite range."""
    return (np.abs(X) <= np.finfo(np.float32).max).all(axis=0)


class SelectionWarning(JetfeatWarning):
    """DisCo-FFS stopped early or skipped part of the input."""


def _weighted_centering(w):
    """Return a function double-centring an (n, n) matrix with normalised weights ``w``."""

    def center(matrix):
        row = matrix @ w
        grand = w @ row
        return matrix - row[:, None] - row[None, :] + grand

    return center


def _whiten(selected, w, affine_invariant):
    """Return the selected columns centred and, if affine-invariant, whitened with weights w.

    Columns that are linear combinations of earlier ones are dropped, because they add nothing
    to the Mahalanobis distance and would make the covariance singular.
    """
    if selected.shape[1] == 0:
        return selected
    centred = selected - w @ selected
    if not affine_invariant:
        return centred

    # Gram-Schmidt in the weighted inner product: each column is made orthogonal to the earlier
    # ones and scaled to unit variance, which whitens the block like Sigma^(-1/2) does up to a
    # rotation (distances, and hence dCor, do not change under rotations).
    whitened = []
    for column, raw_column in zip(centred.T, selected.T):
        residual = column.copy()
        for basis in whitened:
            residual -= (w @ (residual * basis)) * basis
        variance = w @ (residual * residual)
        if variance <= 1e-12 * (w @ (column * column)) or variance <= _CONSTANT_RTOL * (
                w @ (raw_column * raw_column)):
            continue
        whitened.append(residual / math.sqrt(variance))
    if not whitened:
        return np.zeros((selected.shape[0], 0))
    return np.column_stack(whitened)


def score_candidates_numpy(selected, candidates, y, weights=None, *, block_size=2048,
                           affine_invariant=True):
    """Score candidates by the squared distance correlation of [selected + candidate] with y.

    dCor^2(X, y) = dCov^2(X, y) / sqrt(dVar^2(X) dVar^2(y)) with the weighted V-statistic
    estimator (Szekely, Rizzo, Bakirov, Ann. Statist. 35 (2007) 2769). X is the selected
    columns with one candidate appended. With ``affine_invariant=True``, X is first whitened by
    its weighted covariance in each block (Szekely and Rizzo's affinely invariant version), so
    the score does not depend on the units or linear mixing of the features.

    Parameters
    ----------
    selected : ndarray of shape (n_events, n_selected)
        Features already selected; ``n_selected`` may be 0 (univariate scores).
    candidates : ndarray of shape (n_events, n_candidates)
        Candidate features.
    y : ndarray of shape (n_events,)
        Labels 0 or 1.
    weights : ndarray of shape (n_events,), default=None
        Event weights; None gives equal weights.
    block_size : int, default=2048
        Events per block. Rows are cut into ``n_events // block_size`` consecutive blocks and
        the scores are averaged over blocks; the tail that does not fill a block is unused.
    affine_invariant : bool, default=True
        Whiten [selected + candidate] in each block before computing distances.

    Returns
    -------
    ndarray of shape (n_candidates,)
        Mean dCor^2 over blocks in [0, 1]. A candidate constant in a block, or (affine-invariant
        mode) a linear combination of the selected features there, scores 0 in that block.

    Notes
    -----
    Pure numpy reference used when the compiled ``jetfeat.disco`` module is unavailable.
    Cost per block: O(block_size^2 (n_selected + n_candidates)); memory about five
    block_size^2 float64 arrays (170 MB at 2048).

    The candidate enters through its residual after regression on the whitened selected
    features: the Mahalanobis distance of [S, c] is the one of S plus the squared difference
    of that residual scaled to unit variance, so the selected part is computed once per block.
    """
    selected = np.asarray(selected, dtype=np.float64)
    candidates = np.asarray(candidates, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n_events = y.shape[0]
    n_blocks = n_events // block_size
    if n_blocks == 0:
        raise ValueError(
            f"{n_events} events do not fill one block of {block_size}; lower block_size"
        )
    weights = np.ones(n_events) if weights is None else np.asarray(weights, dtype=np.float64)

    totals = np.zeros(candidates.shape[1])
    used_blocks = 0
    for block in range(n_blocks):
        rows = slice(block * block_size, (block + 1) * block_size)
        w = weights[rows] / weights[rows].sum()
        y_block = y[rows]
        if y_block.min() == y_block.max():
            logger.debug("block %d has one class only; skipped", block)
            continue
        center = _weighted_centering(w)

        # Label side: B is the double-centred |y_i - y_j|; pairing it with the raw distances
        # of X gives dCov^2 because the centring terms of X cancel against a centred B.
        label_centred = center(np.abs(np.subtract.outer(y_block, y_block)))
        label_dvar = float(w @ (label_centred * label_centred) @ w)
        weighted_label = label_centred * w[:, None] * w[None, :]

        # Selected side: squared (whitened) distances, shared by every candidate.
        basis = _whiten(selected[rows], w, affine_invariant)
        selected_d2 = np.zeros((block_size, block_size))
        for column in basis.T:
            diff = np.subtract.outer(column, column)
            selected_d2 += diff * diff
        selected_sum_d2 = float(w @ selected_d2 @ w)

        for index in range(candidates.shape[1]):
            raw = candidates[rows, index]
            column = raw - w @ raw
            scale = w @ (column * column)
            if scale <= _CONSTANT_RTOL * (w @ (raw * raw)):
                continue
            if affine_invariant:
                for vector in basis.T:
                    column = column - (w @ (column * vector)) * vector
                # Relative threshold: a residual this small means the candidate is (to
                # rounding) a linear combination of the selected features in this block.
                variance = w @ (column * column)
                if variance <= 1e-12 * scale:
                    continue
                column = column / math.sqrt(variance)
            distance = np.subtract.outer(column, column)
            np.multiply(distance, distance, out=distance)
            # sum_ij w_i w_j (c_i - c_j)^2 = 2 Var_w(c) for a centred column.
            sum_d2 = selected_sum_d2 + 2.0 * float(w @ (column * column))
            distance += selected_d2
            np.sqrt(distance, out=distance)
            dcov = float(np.vdot(weighted_label, distance))
            row_means = distance @ w
            grand = float(w @ row_means)
            dvar = sum_d2 - 2.0 * float(w @ (row_means * row_means)) + grand * grand
            if dvar <= 0:
                continue
            totals[index] += dcov / math.sqrt(dvar * label_dvar)
        used_blocks += 1
    if used_blocks == 0:
        raise ValueError("every block contains a single class; DisCo scores are undefined")
    return totals / used_blocks


def _score_candidates(selected, candidates, y, weights, block_size, affine_invariant, n_jobs):
    """Score candidates with the compiled batched scorer of jetfeat.disco."""
    from .disco import score_candidates

    return np.asarray(score_candidates(selected, candidates, y, weights=weights,
                                       block_size=block_size, affine_invariant=affine_invariant,
                                       n_jobs=n_jobs), dtype=np.float64)


class DisCoSelector(SelectorMixin, BaseEstimator):
    """DisCo-FFS forward feature selection for binary jet taggers.

    Starting from ``initial_features``, each iteration

    1. trains the loop classifier on the selected features (training split, early stopping on
       the validation split),
    2. scores training and validation events and keeps the confusion set, the events with
       score inside ``window``,
    3. scores every remaining candidate c by the affine-invariant dCor^2 between
       [selected + c] and the label on the confusion set, averaged over blocks of
       ``block_size`` events drawn at random,
    4. adds the best candidate and drops candidates numerically identical to it,

    until ``n_features`` features were added.

    Parameters
    ----------
    n_features : int, default=10
        Number of features to add to ``initial_features``.
    initial_features : "auto", list of str or int, or None, default="auto"
        Features selected before the first iteration. ``"auto"`` takes the jet mass and the
        jet pT when the input has columns with one of the usual names (``m``/``mass``/
        ``jet_mass`` and ``pt``/``jet_pt``), as in the published method. None starts empty.
    classifier : {"xgboost", "mlp"} or estimator, default="xgboost"
        Loop classifier. ``"xgboost"``: hist trees with early stopping on the validation
        split. ``"mlp"``: the published network, two hidden layers of 32, Adam 1e-3, batch 512,
        robust scaling, weights of the epoch with the lowest validation log loss. An
        estimator with ``predict_proba`` is cloned and trained on the training split.
    window : tuple of float, default=(0.3, 0.7)
        Open interval of classifier scores that defines the confusion set.
    block_size : int, default=2048
        Confusion events per distance-correlation block.
    scoring : {"multivariate", "univariate"}, default="multivariate"
        ``"multivariate"`` scores [selected + candidate] as published; ``"univariate"`` scores
        each candidate alone on the confusion set.
    affine_invariant : bool, default=True
        Use the affinely invariant distance correlation.
    validation_fraction : float, default=0.2
        Fraction of events held out (stratified) for early stopping and per-iteration metrics.
    identical_rtol : float, default=1e-10
        Candidates equal to the added feature within this relative tolerance on every event
        are dropped.
    random_state : int or None, default=None
        Seed of the split, the block sampling and the loop classifier.
    n_jobs : int or None, default=None
        Threads for XGBoost and the DisCo scoring; None means 1, -1 all cores.
    verbose : int, default=0
        1 logs one INFO line per iteration through the ``jetfeat.selection`` logger.

    Attributes
    ----------
    selected_features_ : list of str
        Selected feature names in the order they were added, initial features first.
    selected_indices_ : list of int
        Column indices of ``selected_features_``.
    history_ : list of dict
        One entry per feature set evaluated: ``n_selected``, ``feature`` (None for the initial
        set), ``disco_score``, ``val_auc``, ``val_r30``, ``val_r50``, ``n_confusion``,
        ``n_blocks`` and ``top_candidates`` (the five best (name, score) pairs).
    feature_names_ : ndarray of str
        Names of all input columns.
    excluded_features_ : dict
        Columns never offered as candidates, name -> reason: ``"constant"``,
        ``"duplicate of <name>"``, ``"identical to <name>"`` (dropped after that feature was
        added) or, with the XGBoost loop classifier, ``"outside the float32 range XGBoost
        accepts"`` (absolute value above 3.4e38).
    stop_reason_ : str
        Why the loop ended.

    Notes
    -----
    ``transform`` returns the selected columns in input column order (scikit-learn
    convention); ``selected_features_`` keeps the selection order.

    Cost per iteration: one classifier training plus O(n_blocks block_size^2 n_candidates) for
    the scores; memory O(block_size^2).

    References
    ----------
    R. Das, G. Kasieczka, D. Shih, "Feature selection with distance correlation",
    arXiv:2212.00046. G. J. Szekely, M. L. Rizzo, "The affinely invariant distance
    correlation", Bernoulli 20 (2014).
    """

    def __init__(self, *, n_features=10, initial_features="auto", classifier="xgboost",
                 window=(0.3, 0.7), block_size=2048, scoring="multivariate",
                 affine_invariant=True, validation_fraction=0.2, identical_rtol=1e-10,
                 random_state=None, n_jobs=None, verbose=0):
        self.n_features = n_features
        self.initial_features = initial_features
        self.classifier = classifier
        self.window = window
        self.block_size = block_size
        self.scoring = scoring
        self.affine_invariant = affine_invariant
        self.validation_fraction = validation_fraction
        self.identical_rtol = identical_rtol
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    # -- validation ---------------------------------------------------------------------------

    def _validate_params(self):
        if not isinstance(self.n_features, numbers.Integral) or self.n_features < 1:
            raise ValueError(f"n_features must be a positive integer, got {self.n_features!r}")
        if not isinstance(self.block_size, numbers.Integral) or self.block_size < 2:
            raise ValueError(f"block_size must be an integer >= 2, got {self.block_size!r}")
        low, high = self.window
        if not 0.0 <= low < high <= 1.0:
            raise ValueError(f"window must be (low, high) with 0 <= low < high <= 1, got "
                             f"{self.window!r}")
        if self.scoring not in ("multivariate", "univariate"):
            raise ValueError(f"scoring must be 'multivariate' or 'univariate', got "
                             f"{self.scoring!r}")
        if not 0.0 < self.validation_fraction < 1.0:
            raise ValueError(f"validation_fraction must be in (0, 1), got "
                             f"{self.validation_fraction!r}")
        is_name = isinstance(self.classifier, str)
        if is_name and self.classifier not in ("xgboost", "mlp"):
            raise ValueError(f"classifier must be 'xgboost', 'mlp' or an estimator, got "
                             f"{self.classifier!r}")
        if not is_name and not hasattr(self.classifier, "predict_proba"):
            raise TypeError(f"classifier {self.classifier!r} has no predict_proba method")

    def _resolve_initial(self, names):
        if self.initial_features is None:
            return []
        if isinstance(self.initial_features, str) and self.initial_features == "auto":
            lowered = {name.lower(): i for i, name in enumerate(names)}
            chosen = []
            for aliases, what in ((_MASS_NAMES, "jet mass"), (_PT_NAMES, "jet pT")):
                match = next((lowered[alias] for alias in aliases if alias in lowered), None)
                if match is None:
                    logger.warning("initial_features='auto' found no %s column (tried %s); "
                                   "starting without it", what, ", ".join(aliases))
                else:
                    chosen.append(match)
            return chosen
        if isinstance(self.initial_features, str):
            raise TypeError(f"initial_features must be 'auto', None or a list of names, got "
                            f"the string {self.initial_features!r}; wrap one name in a list")
        chosen = []
        for item in self.initial_features:
            if isinstance(item, numbers.Integral):
                if not 0 <= item < len(names):
                    raise ValueError(f"initial feature index {item} is out of range for "
                                     f"{len(names)} columns")
                chosen.append(int(item))
            elif item in names:
                chosen.append(names.index(item))
            else:
                raise ValueError(f"initial feature {item!r} is not among the input columns "
                                 f"(for example {names[:5]})")
        return list(dict.fromkeys(chosen))

    def _screen_columns(self, X, names):
        """Reject non-finite columns; return {index: reason} for constant and duplicate ones."""
        finite = np.isfinite(X)
        if not finite.all():
            column = int(np.flatnonzero(~finite.all(axis=0))[0])
            row = int(np.flatnonzero(~finite[:, column])[0])
            raise ValueError(
                f"feature {names[column]!r} (column {column}) is {X[row, column]} at event "
                f"{row}; remove or repair non-finite values before selection"
            )
        excluded = {}
        constant = np.ptp(X, axis=0) == 0
        for column in np.flatnonzero(constant):
            excluded[int(column)] = "constant"

        # XGBoost stores features as float32 and rejects larger values; EFPs with kappa < 0
        # reach them when a jet has a very soft constituent.
        if isinstance(self.classifier, str) and self.classifier == "xgboost":
            for column in np.flatnonzero(~fits_float32(X)):
                excluded.setdefault(int(column), "outside the float32 range XGBoost accepts")

        # Exact duplicates (same bytes) are found by hashing each column once.
        first_seen = {}
        for column in range(X.shape[1]):
            if column in excluded:
                continue
            key = hash(X[:, column].tobytes())
            if key in first_seen and np.array_equal(X[:, first_seen[key]], X[:, column]):
                excluded[column] = f"duplicate of {names[first_seen[key]]}"
            else:
                first_seen.setdefault(key, column)
        if excluded:
            logger.warning("%d of %d columns are never offered as candidates (constant, exact "
                           "duplicates or beyond float32), for example %s", len(excluded),
                           X.shape[1],
                           [(names[i], why) for i, why in list(excluded.items())[:3]])
        return excluded

    # -- loop classifier ----------------------------------------------------------------------

    def _train_loop_classifier(self, X_train, y_train, w_train, X_val, y_val, seed):
        if isinstance(self.classifier, str):
            tagger = Tagger(self.classifier, random_state=seed, n_jobs=self.n_jobs)
            tagger.fit(X_train, y_train, sample_weight=w_train, X_val=X_val, y_val=y_val)
            return tagger.predict_proba
        estimator = clone(self.classifier)
        if w_train is None:
            estimator.fit(X_train, y_train)
        else:
            estimator.fit(X_train, y_train, sample_weight=w_train)
        return lambda X: estimator.predict_proba(X)[:, 1]

    # -- fit ----------------------------------------------------------------------------------

    def fit(self, X, y, sample_weight=None, feature_names=None):
        """Run DisCo-FFS on ``X``.

        Parameters
        ----------
        X : array_like of shape (n_events, n_columns), DataFrame or FeatureTable
            Candidate pool; names come from the DataFrame or table columns.
        y : array_like of shape (n_events,)
            Labels, 1 for signal and 0 for background.
        sample_weight : array_like of shape (n_events,), default=None
            Event weights used in training, in the metrics and in the distance correlation.
        feature_names : list of str, default=None
            Column names for a plain array; default ``x0, x1, ...``.

        Returns
        -------
        self
        """
        from sklearn.model_selection import train_test_split

        self._validate_params()
        if hasattr(X, "columns"):
            self.feature_names_in_ = np.asarray([str(c) for c in X.columns], dtype=object)
        X, names = _as_matrix(X, feature_names)
        y = np.asarray(y)
        if y.shape != (X.shape[0],):
            raise ValueError(f"y has shape {y.shape} but X has {X.shape[0]} events")
        labels = np.unique(y)
        if not np.isin(labels, [0, 1]).all() or labels.size != 2:
            raise ValueError(f"y must contain both labels 0 (background) and 1 (signal) and "
                             f"nothing else, got {labels[:10].tolist()}")
        y = y.astype(np.int8)
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=np.float64)
            if sample_weight.shape != y.shape or not np.isfinite(sample_weight).all() or (
                    sample_weight < 0).any():
                raise ValueError("sample_weight must be finite, non-negative and have one "
                                 "entry per event")
        if len(set(names)) != len(names):
            duplicates = sorted({name for name in names if names.count(name) > 1})
            raise ValueError(f"feature names must be unique; repeated: {duplicates[:5]}")
        self.n_features_in_ = X.shape[1]
        self.feature_names_ = np.asarray(names, dtype=object)

        excluded = self._screen_columns(X, names)
        self.excluded_features_ = {names[i]: why for i, why in excluded.items()}
        selected = self._resolve_initial(names)
        for index in selected:
            if excluded.get(index, "").startswith(("constant", "outside")):
                raise ValueError(f"initial feature {names[index]!r} is "
                                 f"{excluded[index]}; choose another start set")
        candidates = [i for i in range(X.shape[1]) if i not in excluded and i not in selected]
        for index in selected:
            self._drop_identical(X, index, candidates, names)

        # Training / validation split, stratified so both classes appear in each part.
        rng = np.random.default_rng(self.random_state)
        seed = int(rng.integers(2**31 - 1))
        train, val = train_test_split(np.arange(y.size), test_size=self.validation_fraction,
                                      stratify=y, random_state=seed)
        if min(train.size, val.size) < 10:
            raise ValueError(f"{y.size} events are too few for a training/validation split; "
                             "DisCo-FFS needs thousands")
        w_train = None if sample_weight is None else sample_weight[train]
        w_val = None if sample_weight is None else sample_weight[val]
        scored = np.concatenate([train, val])

        self.history_ = []
        self.stop_reason_ = f"added {self.n_features} features"
        pending = {"feature": None, "disco_score": None, "top_candidates": []}
        n_initial = len(selected)
        while True:
            # 1. Loop classifier on the current set, and its validation metrics.
            if selected:
                predict = self._train_loop_classifier(
                    X[np.ix_(train, selected)], y[train], w_train, X[np.ix_(val, selected)],
                    y[val], seed)
                scores = predict(X[np.ix_(scored, selected)])
                val_metrics = evaluate(y[val], scores[train.size:], w_val)
            else:
                scores = np.full(scored.size, 0.5)
                val_metrics = {"auc": 0.5, "r30": math.nan, "r50": math.nan}
            low, high = self.window
            confusion = scored[(scores > low) & (scores < high)]
            n_blocks = confusion.size // self.block_size
            entry = {"n_selected": len(selected), **pending,
                     "val_auc": float(val_metrics["auc"]), "val_r30": float(val_metrics["r30"]),
                     "val_r50": float(val_metrics["r50"]), "n_confusion": int(confusion.size),
                     "n_blocks": int(max(n_blocks, 1) if confusion.size else 0)}
            self.history_.append(entry)
            if self.verbose:
                logger.info("DisCo-FFS: %d features (last %s), validation AUC %.4f, R30 %.1f, "
                            "%d confusion events", len(selected), pending["feature"],
                            entry["val_auc"], entry["val_r30"], confusion.size)
            if len(selected) - n_initial >= self.n_features:
                break
            if not candidates:
                self._stop("no candidates left", len(selected) - n_initial)
                break

            # 2. Confusion set, shuffled so that blocks are random subsets.
            if confusion.size < MIN_CONFUSION_EVENTS:
                self._stop(f"only {confusion.size} events have scores in {self.window} "
                           f"(at least {MIN_CONFUSION_EVENTS} needed)", len(selected) - n_initial)
                break
            confusion = rng.permutation(confusion)
            if n_blocks == 0:
                logger.warning("confusion set has %d events, fewer than block_size=%d; using "
                               "one block of %d events", confusion.size, self.block_size,
                               confusion.size)
                block_size = int(confusion.size)
            else:
                block_size = int(self.block_size)
                confusion = confusion[: n_blocks * block_size]
            if np.unique(y[confusion]).size < 2:
                self._stop("the confusion set contains a single class",
                           len(selected) - n_initial)
                break

            # 3. DisCo scores of all candidates on the confusion set.
            base = (X[np.ix_(confusion, selected)] if self.scoring == "multivariate"
                    else np.zeros((confusion.size, 0)))
            candidate_scores = _score_candidates(
                base, X[np.ix_(confusion, candidates)], y[confusion].astype(np.float64),
                None if sample_weight is None else sample_weight[confusion], block_size,
                self.affine_invariant, self.n_jobs)
            if not np.isfinite(candidate_scores).all():
                raise RuntimeError("DisCo scoring returned non-finite values; please report "
                                   "this with the input that caused it")

            # 4. Add the best; ties go to the earliest column so results are reproducible.
            order = np.argsort(-candidate_scores, kind="stable")
            tied = np.flatnonzero(candidate_scores >= candidate_scores[order[0]] * (1 - _TIE_RTOL))
            order = np.concatenate([tied, order[~np.isin(order, tied)]])
            best = candidates[int(order[0])]
            pending = {
                "feature": names[best],
                "disco_score": float(candidate_scores[order[0]]),
                "top_candidates": [(names[candidates[int(i)]], float(candidate_scores[i]))
                                   for i in order[:5]],
            }
            selected.append(best)
            candidates.remove(best)
            self._drop_identical(X, best, candidates, names)

        self.selected_indices_ = list(selected)
        self.selected_features_ = [names[i] for i in selected]
        return self

    def _drop_identical(self, X, index, candidates, names):
        """Remove from ``candidates`` every column equal to column ``index`` within tolerance."""
        reference = X[:, index]
        tolerance = self.identical_rtol * np.abs(reference)
        identical = [c for c in candidates
                     if np.all(np.abs(X[:, c] - reference) <= tolerance)]
        for column in identical:
            candidates.remove(column)
            self.excluded_features_[names[column]] = f"identical to {names[index]}"
        if identical:
            logger.info("dropped %d candidates identical to %s", len(identical), names[index])

    def _stop(self, reason, n_added):
        self.stop_reason_ = reason
        warnings.warn(f"DisCo-FFS stopped after adding {n_added} of {self.n_features} "
                      f"features: {reason}", SelectionWarning, stacklevel=3)

    # -- scikit-learn selector API ------------------------------------------------------------

    def _get_support_mask(self):
        mask = np.zeros(self.n_features_in_, dtype=bool)
        mask[self.selected_indices_] = True
        return mask

    def get_feature_names_out(self, input_features=None):
        """Return the selected feature names in input column order."""
        names = self.feature_names_ if input_features is None else np.asarray(input_features,
                                                                              dtype=object)
        return names[self._get_support_mask()]
