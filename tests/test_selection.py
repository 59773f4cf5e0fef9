import warnings

import dcor
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from jetfeat.selection import DisCoSelector, SelectionWarning, score_candidates_numpy


def toy_pool(seed, n=3000):
    """Jets with a weak mass, a useless pT, one informative feature, its copy, and noise."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    columns = {
        "m": 0.8 * y + rng.normal(size=n),
        "pt": rng.normal(size=n),
        "noise_a": rng.normal(size=n),
        "noise_b": rng.exponential(size=n),
        "informative": 1.5 * y + rng.normal(size=n),
        "noise_c": rng.normal(size=n),
    }
    # Equal to "informative" up to rounding, but not bitwise.
    columns["informative_copy"] = columns["informative"] * (1 + 1e-14)
    columns["weak"] = 0.4 * y + rng.normal(size=n)
    return pd.DataFrame(columns), y


def fast_selector(**params):
    params = {"block_size": 256, "random_state": 0, "classifier": "xgboost", **params}
    return DisCoSelector(**params)


# -- numpy DisCo scorer against dcor ---------------------------------------------------------

@pytest.mark.parametrize("affine_invariant", [True, False], ids=["affine", "plain"])
@pytest.mark.parametrize("n_selected", [0, 1, 3], ids=["univariate", "one", "three"])
def test_numpy_scores_match_dcor(rng, affine_invariant, n_selected):
    n = 240
    y = rng.integers(0, 2, n).astype(float)
    selected = rng.normal(size=(n, n_selected)) + y[:, None]
    if n_selected > 1:
        selected[:, 1] += 2.0 * selected[:, 0]  # correlated columns exercise the whitening
    candidates = np.column_stack([2 * y + rng.normal(size=n), rng.normal(size=n),
                                  np.exp(rng.normal(size=n)) * (1 + y)])
    got = score_candidates_numpy(selected, candidates, y, block_size=120,
                                 affine_invariant=affine_invariant)
    reference_fn = (dcor.distance_correlation_af_inv_sqr if affine_invariant
                    else dcor.distance_correlation_sqr)
    for index in range(candidates.shape[1]):
        per_block = []
        for block in range(2):
            rows = slice(block * 120, (block + 1) * 120)
            x = np.column_stack([selected[rows], candidates[rows, index]])
            per_block.append(reference_fn(x, y[rows, None]))
        assert got[index] == pytest.approx(np.mean(per_block), rel=1e-9)


def test_numpy_scores_weights_equal_repetition(rng):
    n = 200
    y = rng.integers(0, 2, n).astype(float)
    selected = rng.normal(size=(n, 2)) + y[:, None]
    candidates = np.column_stack([y + rng.normal(size=n), rng.normal(size=n)])
    weights = rng.integers(1, 4, n).astype(float)
    got = score_candidates_numpy(selected, candidates, y, weights, block_size=n)
    repeat = np.repeat(np.arange(n), weights.astype(int))
    for index in range(2):
        x = np.column_stack([selected, candidates[:, index]])[repeat]
        assert got[index] == pytest.approx(dcor.distance_correlation_af_inv_sqr(
            x, y[repeat, None]), rel=1e-9)


def test_numpy_scores_degenerate_candidates(rng):
    n = 100
    y = rng.integers(0, 2, n).astype(float)
    selected = rng.normal(size=(n, 2))
    candidates = np.column_stack([np.ones(n), selected @ [1.0, -2.0] + 3.0,
                                  y + rng.normal(size=n)])
    got = score_candidates_numpy(selected, candidates, y, block_size=n)
    assert np.isfinite(got).all()
    assert got[0] == 0.0  # constant column
    assert got[1] == 0.0  # linear combination of the selected columns
    assert got[2] > 0


# -- selector: known results -----------------------------------------------------------------

@pytest.mark.parametrize("seed", [1, 2, 3])
def test_informative_feature_picked_first(seed):
    X, y = toy_pool(seed)
    selector = fast_selector(n_features=2, random_state=seed).fit(X, y)
    assert selector.selected_features_[:2] == ["m", "pt"]
    assert selector.selected_features_[2] == "informative"
    assert selector.selected_features_[3] == "weak"
    assert selector.excluded_features_["informative_copy"] == "identical to informative"
    assert list(selector.get_feature_names_out()) == ["m", "pt", "informative", "weak"]


def test_univariate_mode_and_mlp_loop(rng):
    X, y = toy_pool(4)
    selector = fast_selector(n_features=1, scoring="univariate", classifier="mlp").fit(X, y)
    assert selector.selected_features_[-1] == "informative"


def test_estimator_as_loop_classifier():
    X, y = toy_pool(5)
    selector = fast_selector(n_features=1, classifier=LogisticRegression()).fit(X, y)
    assert selector.selected_features_[-1] == "informative"


def test_history_and_determinism():
    X, y = toy_pool(6)
    first = fast_selector(n_features=2).fit(X, y)
    second = fast_selector(n_features=2).fit(X, y)
    assert first.selected_features_ == second.selected_features_
    assert [h["disco_score"] for h in first.history_] == [h["disco_score"]
                                                          for h in second.history_]
    assert len(first.history_) == 3
    assert first.history_[0]["feature"] is None
    assert first.history_[1]["feature"] == "informative"
    assert first.history_[2]["val_auc"] > first.history_[0]["val_auc"]
    for entry in first.history_:
        assert set(entry) >= {"n_selected", "feature", "disco_score", "val_auc", "val_r30",
                              "val_r50", "n_confusion", "n_blocks", "top_candidates"}
    assert first.history_[1]["top_candidates"][0][0] == "informative"
    assert 0 < first.history_[1]["disco_score"] <= 1


def test_transform_and_sklearn_api():
    X, y = toy_pool(7)
    selector = fast_selector(n_features=1).fit(X.to_numpy(), y, feature_names=list(X.columns))
    reduced = selector.transform(X.to_numpy())
    assert reduced.shape == (len(y), 3)
    np.testing.assert_array_equal(reduced[:, 2], X["informative"].to_numpy())
    assert clone(selector).get_params()["block_size"] == 256
    assert not hasattr(clone(selector), "selected_features_")


def test_explicit_initial_features_and_none():
    X, y = toy_pool(8)
    selector = fast_selector(n_features=1, initial_features=["weak"]).fit(X, y)
    assert selector.selected_features_ == ["weak", "informative"]
    empty = fast_selector(n_features=1, initial_features=None).fit(X, y)
    assert empty.selected_features_ == ["informative"]


def test_small_confusion_set_uses_one_block(caplog):
    X, y = toy_pool(9, n=1500)
    selector = fast_selector(n_features=1, block_size=5000).fit(X, y)
    assert selector.history_[0]["n_blocks"] == 1
    assert "fewer than block_size" in caplog.text


def test_empty_confusion_window_stops():
    X, y = toy_pool(10)
    X["m"] = y * 10.0 + np.random.default_rng(0).normal(size=len(y)) * 0.01
    with pytest.warns(SelectionWarning, match="stopped after adding 0"):
        selector = fast_selector(n_features=2).fit(X, y)
    assert selector.selected_features_ == ["m", "pt"]
    assert "events have scores in" in selector.stop_reason_


def test_constant_and_duplicate_columns_excluded():
    X, y = toy_pool(11)
    X["flat"] = 3.0
    X["noise_a_again"] = X["noise_a"]
    selector = fast_selector(n_features=1).fit(X, y)
    assert selector.excluded_features_["flat"] == "constant"
    assert selector.excluded_features_["noise_a_again"] == "duplicate of noise_a"


# -- selector: bad input ---------------------------------------------------------------------

def test_bad_labels_rejected():
    X, y = toy_pool(12, n=500)
    with pytest.raises(ValueError, match="labels 0"):
        fast_selector().fit(X, y * 2)
    with pytest.raises(ValueError, match="labels 0"):
        fast_selector().fit(X, np.zeros_like(y))


def test_non_finite_column_named():
    X, y = toy_pool(13, n=500)
    X.loc[17, "noise_b"] = np.nan
    with pytest.raises(ValueError, match="'noise_b'.*event 17"):
        fast_selector().fit(X, y)


def test_duplicate_names_rejected():
    X, y = toy_pool(14, n=500)
    with pytest.raises(ValueError, match="repeated"):
        fast_selector().fit(X.to_numpy(), y, feature_names=["m"] * X.shape[1])


def test_constant_initial_feature_rejected():
    X, y = toy_pool(15, n=500)
    X["m"] = 1.0
    with pytest.raises(ValueError, match="'m' is constant"):
        fast_selector().fit(X, y)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"n_features": 0}, "n_features"),
        ({"window": (0.7, 0.3)}, "window"),
        ({"block_size": 1}, "block_size"),
        ({"scoring": "joint"}, "scoring"),
        ({"classifier": "forest"}, "classifier"),
        ({"initial_features": ["nope"]}, "'nope' is not among"),
        ({"initial_features": "m"}, "wrap one name"),
    ],
    ids=["n_features", "window", "block_size", "scoring", "classifier", "unknown-initial",
         "string-initial"],
)
def test_bad_params_rejected(params, message):
    X, y = toy_pool(16, n=500)
    with pytest.raises((ValueError, TypeError), match=message):
        fast_selector(**params).fit(X, y)


def test_no_warning_on_clean_run():
    X, y = toy_pool(17)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fast_selector(n_features=1).fit(X, y)


def test_float32_overflow_column_excluded():
    X, y = toy_pool(18)
    X["huge"] = X["informative"] * 1e39
    selector = fast_selector(n_features=1).fit(X, y)
    assert selector.excluded_features_["huge"].startswith("outside the float32 range")
    assert selector.selected_features_[-1] == "informative"


def test_numpy_scores_match_compiled(rng):
    from jetfeat.disco import score_candidates

    n = 600
    y = rng.integers(0, 2, n).astype(float)
    selected = rng.normal(size=(n, 2)) + y[:, None]
    candidates = rng.normal(size=(n, 6)) + 0.5 * y[:, None] * np.arange(6)
    weights = rng.uniform(0.5, 2.0, n)
    np.testing.assert_allclose(
        score_candidates_numpy(selected, candidates, y, weights, block_size=200),
        score_candidates(selected, candidates, y, weights=weights, block_size=200), rtol=1e-10)


def test_weighted_fit_selects_informative():
    X, y = toy_pool(19)
    weights = np.random.default_rng(19).uniform(0.5, 2.0, len(y))
    selector = fast_selector(n_features=1).fit(X, y, sample_weight=weights)
    assert selector.selected_features_[-1] == "informative"
    with pytest.raises(ValueError, match="sample_weight"):
        fast_selector().fit(X, y, sample_weight=-weights)


def test_no_candidates_left_stops():
    X, y = toy_pool(20)
    X = X[["m", "pt", "informative"]]
    with pytest.warns(SelectionWarning, match="no candidates left"):
        selector = fast_selector(n_features=3).fit(X, y)
    assert selector.selected_features_ == ["m", "pt", "informative"]
