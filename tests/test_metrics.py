import math

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from sklearn.metrics import roc_curve as sk_roc_curve

from jetfeat import metrics


def test_roc_curve_matches_sklearn(rng):
    y = rng.integers(0, 2, 500)
    score = y * 0.5 + rng.normal(size=500)
    weight = rng.uniform(0.5, 2.0, 500)
    eps_s, eps_b, thresholds = metrics.roc_curve(y, score, weight)
    fpr, tpr, ref_thresholds = sk_roc_curve(y, score, sample_weight=weight,
                                            drop_intermediate=False)
    np.testing.assert_allclose(eps_s, tpr)
    np.testing.assert_allclose(eps_b, fpr)
    np.testing.assert_allclose(thresholds, ref_thresholds)
    assert metrics.roc_auc(y, score, weight) == pytest.approx(
        roc_auc_score(y, score, sample_weight=weight))


def test_rejection_hand_computed():
    # 10 signal jets; the 3rd and 5th highest scores (0.7, 0.5) are the eps_S = 0.3 and 0.5
    # cuts. Of 20 background jets, 2 score >= 0.7 and 4 score >= 0.5.
    signal = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05]
    background = [0.95, 0.75, 0.65, 0.55] + [0.01 * i for i in range(1, 17)]
    y = np.array([1] * 10 + [0] * 20)
    score = np.array(signal + background)
    assert metrics.background_rejection(y, score, 0.3) == pytest.approx(10.0)
    assert metrics.background_rejection(y, score, 0.5) == pytest.approx(5.0)
    result = metrics.evaluate(y, score)
    assert result["r30"] == pytest.approx(10.0)
    assert result["r50"] == pytest.approx(5.0)
    assert result["n_background_passing_r30"] == 2
    assert result["n_background_passing_r50"] == 4
    assert result["accuracy"] == pytest.approx((5 + 16) / 30)


def test_rejection_interpolates_between_points():
    # 4 signal jets, so eps_S = 0.3 lies between 0.25 and 0.5. A background jet tied with the
    # 0.7 signal jet makes the segment rise from (0.25, 0.2) to (0.5, 0.4): eps_B(0.3) = 0.24.
    y = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0])
    score = np.array([0.9, 0.7, 0.5, 0.3, 0.8, 0.7, 0.4, 0.2, 0.1])
    assert metrics.background_rejection(y, score, 0.3) == pytest.approx(1 / 0.24)


def test_rejection_infinite_without_background():
    y = np.array([1, 1, 1, 0, 0])
    score = np.array([0.9, 0.8, 0.7, 0.1, 0.2])
    assert math.isinf(metrics.background_rejection(y, score, 0.3))


def test_evaluate_flags_small_background(caplog):
    caplog.set_level("INFO", logger="jetfeat.metrics")
    y = np.array([1] * 50 + [0] * 50)
    score = np.concatenate([np.linspace(0.5, 1.0, 50), np.linspace(0.0, 0.6, 50)])
    result = metrics.evaluate(y, score)
    assert result["n_background_passing_r30"] < metrics.MIN_BACKGROUND_PASSING
    assert result["r30_reliable"] is False
    assert "small-number estimate" in caplog.text


def test_bootstrap_gives_spread(rng):
    y = rng.integers(0, 2, 4000)
    score = y + rng.normal(size=4000)
    result = metrics.bootstrap_metrics(y, score, n_bootstrap=50, random_state=1)
    central = metrics.evaluate(y, score)
    for name in ("auc", "r30", "r50", "accuracy"):
        assert result[name]["value"] == pytest.approx(central[name])
        assert 0 < result[name]["std"] < 0.2 * result[name]["value"]
    again = metrics.bootstrap_metrics(y, score, n_bootstrap=50, random_state=1)
    assert again["r30"]["std"] == result["r30"]["std"]


def test_summarize_runs():
    runs = [{"auc": 0.9, "accuracy": 0.8, "r30": 10.0, "r50": 5.0},
            {"auc": 0.92, "accuracy": 0.82, "r30": 12.0, "r50": math.inf}]
    summary = metrics.summarize_runs(runs)
    assert summary["auc"]["value"] == pytest.approx(0.91)
    assert summary["r30"]["std"] == pytest.approx(math.sqrt(2.0))
    assert summary["r50"]["value"] == 5.0
    assert math.isnan(summary["r50"]["std"])
    assert summary["r50"]["n_infinite"] == 1
    assert summary["r30"]["n_infinite"] == 0


@pytest.mark.parametrize(
    ("y", "score", "message"),
    [
        ([0, 1, 2], [0.1, 0.2, 0.3], "only 0"),
        ([1, 1, 1], [0.1, 0.2, 0.3], "only class"),
        ([0, 1, 1], [0.1, np.nan, 0.3], "not finite"),
        ([0, 1], [0.1, 0.2, 0.3], "one score per event"),
    ],
    ids=["label-2", "one-class", "nan-score", "length-mismatch"],
)
def test_bad_input_rejected(y, score, message):
    with pytest.raises(ValueError, match=message):
        metrics.evaluate(np.array(y), np.array(score))


def test_bad_working_point():
    with pytest.raises(ValueError, match="eps_s"):
        metrics.background_rejection([0, 1], [0.1, 0.9], eps_s=1.5)
