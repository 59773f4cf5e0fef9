import numpy as np
import pandas as pd
import pytest

from jetfeat.metrics import roc_auc
from jetfeat.models import MODELS, Tagger, xgboost_safe_names


@pytest.fixture
def toy(rng):
    n = 1500
    y = rng.integers(0, 2, n)
    X = np.column_stack([y + rng.normal(size=n), rng.normal(size=n), 0.5 * y + rng.normal(size=n)])
    return X, y


@pytest.mark.parametrize("model", sorted(MODELS))
def test_tagger_learns_and_round_trips(model, toy, tmp_path):
    X, y = toy
    names = ["tau21_beta1", "efp_[1,2]_k1_b<1", "m"]
    tagger = Tagger(model, random_state=3)
    tagger.fit(X[:1000], y[:1000], feature_names=names, X_val=X[1000:1200], y_val=y[1000:1200])
    score = tagger.predict_proba(X[1200:])
    assert score.shape == (300,)
    assert roc_auc(y[1200:], score) > 0.8
    assert tagger.feature_names_ == names

    folder = tagger.save(tmp_path / model)
    loaded = Tagger.load(folder)
    assert loaded.feature_names_ == names
    assert loaded.model == model
    np.testing.assert_allclose(loaded.predict_proba(X[1200:]), score, rtol=1e-6)
    assert loaded.jetfeat_version_


def test_safe_names_are_unique_and_readable():
    names = ["a[1]", "a(1)", "x<2", "plain"]
    safe = xgboost_safe_names(names)
    assert safe == ["a(1)", "a(1)__2", "xlt2", "plain"]
    for name in safe:
        assert not set("[]<") & set(name)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_parameter_counts(toy):
    X, y = toy
    logistic = Tagger("logistic").fit(X, y)
    assert logistic.n_parameters() == 3 + 1
    mlp = Tagger("mlp", params={"max_iter": 20, "early_stopping": False}).fit(X, y)
    assert mlp.n_parameters() == (3 * 32 + 32) + (32 * 32 + 32) + (32 + 1)
    booster = Tagger("xgboost", params={"n_estimators": 5, "max_depth": 2}).fit(X, y)
    frame = booster.estimator_.get_booster().trees_to_dataframe()
    n_leaves = int((frame["Feature"] == "Leaf").sum())
    assert booster.n_parameters() == 2 * (len(frame) - n_leaves) + n_leaves
    assert 5 <= n_leaves <= 5 * 4
    assert Tagger("gbdt", params={"max_iter": 5}).fit(X, y).n_parameters() > 5


def test_predict_selects_columns_by_name(toy):
    X, y = toy
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    tagger = Tagger("logistic").fit(frame[["c", "a"]], y)
    wide = frame.assign(extra=1.0)
    np.testing.assert_allclose(tagger.predict_proba(wide),
                               tagger.predict_proba(frame[["c", "a"]].to_numpy()))
    with pytest.raises(ValueError, match="lacks 1 feature"):
        tagger.predict_proba(frame[["a", "b"]])


def test_feature_importances_name_every_feature(toy):
    X, y = toy
    tagger = Tagger("xgboost", params={"n_estimators": 20}).fit(X, y, feature_names=["s[0]", "n",
                                                                                   "w"])
    importances = tagger.feature_importances()
    assert list(importances) == ["s[0]", "n", "w"]
    assert importances["s[0]"] > importances["n"]


def test_bad_input(toy):
    X, y = toy
    with pytest.raises(ValueError, match="unknown model"):
        Tagger("forest").fit(X, y)
    with pytest.raises(ValueError, match="labels 0"):
        Tagger("logistic").fit(X, y + 1)
    bad = X.copy()
    bad[5, 1] = np.inf
    with pytest.raises(ValueError, match="'x1'.*non-finite"):
        Tagger("logistic").fit(bad, y)
    with pytest.raises(ValueError, match="not fitted"):
        Tagger().predict_proba(X)
    with pytest.raises(FileNotFoundError, match="tagger.json"):
        Tagger.load("/nonexistent-folder")


def test_xgboost_rejects_float32_overflow(toy):
    X, y = toy
    X = X.copy()
    X[3, 2] = 1e40
    with pytest.raises(ValueError, match="'c'.*float32"):
        Tagger("xgboost").fit(X, y, feature_names=["a", "b", "c"])
