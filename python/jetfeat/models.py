"""Lightweight jet taggers on feature subsets: XGBoost and scikit-learn models behind one API.

:class:`Tagger` wraps (never subclasses) an XGBoost or scikit-learn classifier, remembers the
feature names it was trained on, and saves itself to a folder with those names, its parameters
and the jetfeat version.
"""

from __future__ import annotations

import json
import logging
import pickle
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

__all__ = ["Tagger", "MODELS", "xgboost_safe_names"]

# Model kinds and their default hyperparameters. The MLP follows the loop network of DisCo-FFS
# (Das, Kasieczka, Shih, arXiv:2212.00046): two hidden layers of 32, Adam with learning rate
# 1e-3, batch size 512, robust scaling of the inputs, and early stopping on a validation split.
MODELS = {
    "xgboost": {
        "n_estimators": 400,
        "max_depth": 5,
        "learning_rate": 0.1,
        "tree_method": "hist",
        "early_stopping_rounds": 20,
        # Row subsampling makes retrainings with different seeds differ, so their spread
        # measures the training uncertainty (with subsample=1 hist trees are deterministic).
        "subsample": 0.8,
    },
    "gbdt": {"max_iter": 300, "learning_rate": 0.1, "early_stopping": True},
    "mlp": {
        "hidden_layer_sizes": (32, 32),
        "solver": "adam",
        "learning_rate_init": 1e-3,
        "batch_size": 512,
        "max_iter": 200,
        "early_stopping": True,
        "n_iter_no_change": 10,
    },
    "logistic": {"C": 1.0, "max_iter": 1000},
}

# File names inside a saved tagger folder.
_METADATA_FILE = "tagger.json"
_XGBOOST_FILE = "model.ubj"
_SKLEARN_FILE = "model.pkl"


def xgboost_safe_names(names) -> list[str]:
    """Map feature names to names XGBoost accepts, keeping them readable and unique.

    XGBoost rejects feature names that contain ``[``, ``]`` or ``<``. They become ``(``, ``)``
    and ``lt``; a suffix ``__2``, ``__3``, ... keeps names unique after the mapping.
    """
    safe = []
    seen = set()
    for name in names:
        mapped = str(name).replace("[", "(").replace("]", ")").replace("<", "lt")
        candidate = mapped
        counter = 2
        while candidate in seen:
            candidate = f"{mapped}__{counter}"
            counter += 1
        seen.add(candidate)
        safe.append(candidate)
    return safe


def _as_matrix(X, feature_names):
    """Return (float64 matrix, list of names), taking names from a DataFrame or FeatureTable."""
    names = None
    if hasattr(X, "to_numpy") and hasattr(X, "columns"):  # pandas DataFrame
        names = [str(column) for column in X.columns]
        X = X.to_numpy(dtype=np.float64)
    elif hasattr(X, "to_numpy") and hasattr(X, "names"):  # jetfeat FeatureTable
        names = list(X.names)
        X = X.to_numpy()
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_events, n_features), got shape {X.shape}")
    if feature_names is not None:
        names = [str(name) for name in feature_names]
    if names is None:
        names = [f"x{i}" for i in range(X.shape[1])]
    if len(names) != X.shape[1]:
        raise ValueError(f"{len(names)} feature names given for {X.shape[1]} columns")
    return X, names


def _check_labels(y, n_rows):
    y = np.asarray(y)
    if y.shape != (n_rows,):
        raise ValueError(f"y must have shape ({n_rows},), got {y.shape}")
    values = np.unique(y)
    if not np.isin(values, [0, 1]).all() or values.size != 2:
        raise ValueError(
            f"y must contain both labels 0 (background) and 1 (signal) and nothing else, got "
            f"{values[:10].tolist()}"
        )
    return y.astype(np.int32)


class Tagger:
    """A binary jet tagger on a named feature subset.

    Parameters
    ----------
    model : {"xgboost", "gbdt", "mlp", "logistic"}, default="xgboost"
        ``"xgboost"``: ``xgboost.XGBClassifier`` (hist trees); ``"gbdt"``: scikit-learn
        ``HistGradientBoostingClassifier``; ``"mlp"``: ``MLPClassifier`` after a
        ``RobustScaler``; ``"logistic"``: ``LogisticRegression`` after a ``StandardScaler``.
    params : dict, default=None
        Hyperparameters that override the defaults in :data:`MODELS`.
    random_state : int, default=0
        Seed of the model.
    n_jobs : int, default=None
        Threads for XGBoost; None means 1, -1 all cores. scikit-learn models here are
        single-threaded.

    Attributes
    ----------
    feature_names_ : list of str
        Names of the columns the tagger was trained on, in order.
    estimator_ : object
        The fitted XGBoost or scikit-learn estimator.
    """

    def __init__(self, model="xgboost", *, params=None, random_state=0, n_jobs=None):
        self.model = model
        self.params = params
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _build(self):
        if self.model not in MODELS:
            raise ValueError(f"unknown model {self.model!r}; choose one of {sorted(MODELS)}")
        params = {**MODELS[self.model], **(self.params or {})}
        if self.model == "xgboost":
            import xgboost

            threads = 1 if self.n_jobs is None else self.n_jobs
            return xgboost.XGBClassifier(
                **params, random_state=self.random_state, n_jobs=threads,
                eval_metric="logloss",
            ), params

        from sklearn.pipeline import make_pipeline

        if self.model == "gbdt":
            from sklearn.ensemble import HistGradientBoostingClassifier

            return HistGradientBoostingClassifier(**params, random_state=self.random_state), params
        if self.model == "mlp":
            from sklearn.neural_network import MLPClassifier
            from sklearn.preprocessing import RobustScaler

            return make_pipeline(
                RobustScaler(), MLPClassifier(**params, random_state=self.random_state)
            ), params
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(
            StandardScaler(), LogisticRegression(**params, random_state=self.random_state)
        ), params

    def fit(self, X, y, *, sample_weight=None, feature_names=None, X_val=None, y_val=None):
        """Train the tagger.

        Parameters
        ----------
        X : array_like of shape (n_events, n_features), DataFrame or FeatureTable
            Training features; names come from the DataFrame or table columns.
        y : array_like of shape (n_events,)
            Labels, 1 for signal and 0 for background.
        sample_weight : array_like of shape (n_events,), default=None
            Event weights.
        feature_names : list of str, default=None
            Column names for a plain array; default ``x0, x1, ...``.
        X_val, y_val : array_like, default=None
            Validation set for early stopping by validation log loss: XGBoost keeps its best
            iteration and the MLP the weights of its best epoch. Without it XGBoost trains all
            ``n_estimators`` trees, and the MLP and ``"gbdt"`` split their own validation set
            from ``X`` (scikit-learn's early stopping, which for the MLP tracks accuracy).

        Returns
        -------
        self
        """
        X, names = _as_matrix(X, feature_names)
        y = _check_labels(y, X.shape[0])
        bad = ~np.isfinite(X).all(axis=0)
        if bad.any():
            column = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"feature {names[column]!r} (column {column}) has non-finite values; drop or "
                "repair it before training"
            )
        if self.model == "xgboost":
            too_large = ~(np.abs(X) <= np.finfo(np.float32).max).all(axis=0)
            if too_large.any():
                column = int(np.flatnonzero(too_large)[0])
                raise ValueError(
                    f"feature {names[column]!r} (column {column}) has values beyond the float32 "
                    f"range (max |x| = {np.abs(X[:, column]).max():.3g}) that XGBoost rejects; "
                    "drop the column or rescale it, for example with a logarithm"
                )
        estimator, params = self._build()
        self.params_ = params
        self.feature_names_ = names

        if self.model == "xgboost":
            safe = xgboost_safe_names(names)
            fit_kwargs = {"sample_weight": sample_weight, "verbose": False}
            if X_val is not None:
                X_val, _ = _as_matrix(X_val, names)
                y_val = _check_labels(y_val, X_val.shape[0])
                fit_kwargs["eval_set"] = [(self._frame(X_val, safe), y_val)]
            else:
                estimator.set_params(early_stopping_rounds=None)
            estimator.fit(self._frame(X, safe), y, **fit_kwargs)
        elif self.model == "mlp" and X_val is not None:
            X_val, _ = _as_matrix(X_val, names)
            y_val = _check_labels(y_val, X_val.shape[0])
            _fit_mlp_best_validation_loss(estimator, X, y, sample_weight, X_val, y_val)
        elif self.model == "logistic" or self.model == "mlp":
            # Pipelines route sample weights by step name; MLPClassifier takes none before
            # scikit-learn 1.7, so weights are only passed when given.
            step = estimator.steps[-1][0]
            kwargs = {} if sample_weight is None else {f"{step}__sample_weight": sample_weight}
            estimator.fit(X, y, **kwargs)
        else:
            estimator.fit(X, y, sample_weight=sample_weight)
        self.estimator_ = estimator
        logger.debug("trained %s tagger on %d events x %d features", self.model, *X.shape)
        return self

    @staticmethod
    def _frame(X, names):
        import pandas as pd

        return pd.DataFrame(X, columns=names, copy=False)

    def _matrix_for_predict(self, X):
        if not hasattr(self, "estimator_"):
            raise ValueError("this Tagger is not fitted yet; call fit(X, y) first")
        if hasattr(X, "columns") or hasattr(X, "names"):
            # Select the training columns by name, so a wider table works as input.
            available = list(X.columns) if hasattr(X, "columns") else list(X.names)
            missing = [name for name in self.feature_names_ if name not in available]
            if missing:
                raise ValueError(
                    f"input lacks {len(missing)} feature(s) the tagger was trained on, for "
                    f"example {missing[:5]}"
                )
            X = np.column_stack([np.asarray(X[name], dtype=np.float64)
                                 for name in self.feature_names_])
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(self.feature_names_):
            raise ValueError(
                f"X has shape {X.shape}, expected (n_events, {len(self.feature_names_)}) in the "
                f"order {self.feature_names_[:5]}..."
            )
        return X

    def predict_proba(self, X) -> np.ndarray:
        """Return the signal probability of each event, shape (n_events,)."""
        X = self._matrix_for_predict(X)
        if self.model == "xgboost":
            X = self._frame(X, xgboost_safe_names(self.feature_names_))
        return np.asarray(self.estimator_.predict_proba(X)[:, 1], dtype=np.float64)

    def n_parameters(self) -> int:
        """Count the trained model's parameters.

        Trees count two parameters per split (feature index and threshold) and one per leaf;
        networks and linear models count every weight and bias.
        """
        if not hasattr(self, "estimator_"):
            raise ValueError("this Tagger is not fitted yet; call fit(X, y) first")
        if self.model == "xgboost":
            frame = self.estimator_.get_booster().trees_to_dataframe()
            is_leaf = (frame["Feature"] == "Leaf").to_numpy()
            return int(2 * np.count_nonzero(~is_leaf) + np.count_nonzero(is_leaf))
        if self.model == "gbdt":
            total = 0
            for trees in self.estimator_._predictors:
                for tree in trees:
                    is_leaf = tree.nodes["is_leaf"].astype(bool)
                    total += 2 * int(np.count_nonzero(~is_leaf)) + int(np.count_nonzero(is_leaf))
            return total
        final = self.estimator_.steps[-1][1]
        if self.model == "mlp":
            return int(sum(w.size for w in final.coefs_) + sum(b.size for b in final.intercepts_))
        return int(final.coef_.size + final.intercept_.size)

    def feature_importances(self) -> dict:
        """Return XGBoost's total-gain importance per feature name (0 for unused features)."""
        if self.model != "xgboost":
            raise ValueError(f"feature importances are provided for XGBoost only, not {self.model}")
        booster = self.estimator_.get_booster()
        gains = booster.get_score(importance_type="total_gain")
        safe = xgboost_safe_names(self.feature_names_)
        return {name: float(gains.get(mapped, 0.0)) for name, mapped in zip(self.feature_names_,
                                                                             safe)}

    def save(self, path) -> Path:
        """Write the tagger to folder ``path`` and return the folder.

        The folder contains ``tagger.json`` (model kind, parameters, feature names, the
        XGBoost-safe names and the jetfeat version) and ``model.ubj`` (XGBoost's own format) or
        ``model.pkl`` (a pickle of the scikit-learn pipeline, readable with a compatible
        scikit-learn version only).
        """
        from . import __version__

        if not hasattr(self, "estimator_"):
            raise ValueError("this Tagger is not fitted yet; call fit(X, y) first")
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        metadata = {
            "model": self.model,
            "params": _jsonable(self.params_),
            "random_state": self.random_state,
            "feature_names": self.feature_names_,
            "xgboost_feature_names": xgboost_safe_names(self.feature_names_),
            "jetfeat_version": __version__,
        }
        if self.model == "xgboost":
            self.estimator_.save_model(folder / _XGBOOST_FILE)
        else:
            import sklearn

            metadata["sklearn_version"] = sklearn.__version__
            with open(folder / _SKLEARN_FILE, "wb") as stream:
                pickle.dump(self.estimator_, stream)
        (folder / _METADATA_FILE).write_text(json.dumps(metadata, indent=2))
        return folder

    @classmethod
    def load(cls, path) -> Tagger:
        """Read a tagger written by :meth:`save` from folder ``path``."""
        folder = Path(path)
        meta_path = folder / _METADATA_FILE
        if not meta_path.is_file():
            raise FileNotFoundError(
                f"{meta_path} not found; pass the folder written by Tagger.save"
            )
        metadata = json.loads(meta_path.read_text())
        tagger = cls(metadata["model"], params=metadata["params"],
                     random_state=metadata["random_state"])
        tagger.params_ = metadata["params"]
        tagger.feature_names_ = metadata["feature_names"]
        tagger.jetfeat_version_ = metadata["jetfeat_version"]
        if tagger.model == "xgboost":
            import xgboost

            estimator = xgboost.XGBClassifier()
            estimator.load_model(folder / _XGBOOST_FILE)
        else:
            # NOTE: pickles execute code on load; load only tagger folders you wrote yourself.
            with open(folder / _SKLEARN_FILE, "rb") as stream:
                estimator = pickle.load(stream)
        tagger.estimator_ = estimator
        return tagger


def _fit_mlp_best_validation_loss(pipeline, X, y, sample_weight, X_val, y_val):
    """Train the scaler + MLP pipeline epoch by epoch and keep the best validation-loss weights.

    scikit-learn's own early stopping scores a split of the training data by accuracy; DisCo-FFS
    selects the network by validation loss, so the epochs run through ``partial_fit`` here.
    Training stops after ``n_iter_no_change`` epochs without improvement or at ``max_iter``.
    """
    import copy

    from sklearn.metrics import log_loss

    scaler, network = pipeline.steps[0][1], pipeline.steps[-1][1]
    patience, max_epochs = network.n_iter_no_change, network.max_iter
    network.set_params(early_stopping=False)
    X_scaled = scaler.fit_transform(X)
    X_val_scaled = scaler.transform(X_val)
    weights = {} if sample_weight is None else {"sample_weight": sample_weight}

    best_loss, best_state, stale = np.inf, None, 0
    for epoch in range(max_epochs):
        network.partial_fit(X_scaled, y, classes=np.array([0, 1]), **weights)
        loss = log_loss(y_val, network.predict_proba(X_val_scaled)[:, 1], labels=[0, 1])
        if loss < best_loss:
            best_loss, stale = loss, 0
            best_state = (copy.deepcopy(network.coefs_), copy.deepcopy(network.intercepts_))
        else:
            stale += 1
            if stale >= patience:
                break
    network.coefs_, network.intercepts_ = best_state
    logger.debug("MLP stopped after %d epochs, best validation log loss %.4f", epoch + 1,
                 best_loss)


def _jsonable(params: dict) -> dict:
    """Return ``params`` with tuples turned into lists so json.dumps accepts it."""
    out = {}
    for key, value in params.items():
        out[key] = list(value) if isinstance(value, tuple) else value
    return out
