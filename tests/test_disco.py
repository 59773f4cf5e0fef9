"""Distance covariance / correlation against dcor 0.7 and a brute-force numpy reference."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from jetfeat import disco

dcor = pytest.importorskip("dcor")

RTOL = 1e-10


# --- references written from the definitions ---------------------------------------------------


def reference_stats(x, y, weights=None):
    """(dCov^2, dCor^2, dVar^2 x, dVar^2 y) from full n x n matrices, weighted double centring."""
    x = np.asarray(x, float).reshape(len(x), -1)
    y = np.asarray(y, float).reshape(len(y), -1)
    w = np.ones(len(x)) if weights is None else np.asarray(weights, float)
    omega = w / w.sum()

    def centred_distances(v):
        d = np.sqrt(((v[:, None, :] - v[None, :, :]) ** 2).sum(axis=-1))
        row = d @ omega
        grand = omega @ row
        return d - row[:, None] - row[None, :] + grand

    a, b = centred_distances(x), centred_distances(y)
    cov = omega @ (a * b) @ omega
    var_x = omega @ (a * a) @ omega
    var_y = omega @ (b * b) @ omega
    corr = cov / np.sqrt(var_x * var_y) if var_x * var_y > 0 else 0.0
    return cov, corr, var_x, var_y


def weighted_whiten(x, weights):
    """x (n, k) times the inverse Cholesky factor of its weighted covariance."""
    omega = weights / weights.sum()
    centred = x - omega @ x
    cov = centred.T @ (centred * omega[:, None])
    return np.linalg.solve(np.linalg.cholesky(cov), centred.T).T


def reference_energy(x, y, wx, wy):
    """2 E|X - Y| - E|X - X'| - E|Y - Y'| with weighted means."""
    x = x.reshape(len(x), -1)
    y = y.reshape(len(y), -1)
    px, py = wx / wx.sum(), wy / wy.sum()

    def mean_distance(u, pu, v, pv):
        return pu @ np.sqrt(((u[:, None, :] - v[None, :, :]) ** 2).sum(-1)) @ pv

    return 2 * mean_distance(x, px, y, py) - mean_distance(x, px, x, px) - mean_distance(
        y, py, y, py)


# --- samples -----------------------------------------------------------------------------------


def continuous_pair(rng, n, p=1, q=1):
    x = rng.normal(size=(n, p))
    y = x[:, :q] ** 2 + 0.7 * rng.normal(size=(n, q))
    return (x[:, 0], y[:, 0]) if p == q == 1 else (x, y)


def labelled_sample(rng, n, p=1):
    labels = (rng.random(n) < 0.35).astype(float)
    x = rng.normal(size=(n, p)) + 0.4 * labels[:, None]
    return (x[:, 0] if p == 1 else x), labels


# --- agreement with dcor -----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["fast", "pairwise"])
def test_1d_continuous_matches_dcor(rng, method):
    x, y = continuous_pair(rng, 700)
    assert disco.distance_covariance_sqr(x, y, method=method) == pytest.approx(
        dcor.distance_covariance_sqr(x, y), rel=RTOL)
    assert disco.distance_covariance(x, y, method=method) == pytest.approx(
        dcor.distance_covariance(x, y), rel=RTOL)
    assert disco.distance_correlation_sqr(x, y, method=method) == pytest.approx(
        dcor.distance_correlation_sqr(x, y), rel=RTOL)
    assert disco.distance_correlation(x, y, method=method) == pytest.approx(
        dcor.distance_correlation(x, y), rel=RTOL)


@pytest.mark.parametrize("method", ["fast", "pairwise"])
def test_1d_ties_match_dcor(rng, method):
    # Integer-valued samples have many ties in x and in y.
    x = rng.integers(0, 6, size=500).astype(float)
    y = (x + rng.integers(0, 3, size=500)) % 5
    assert disco.distance_correlation_sqr(x, y, method=method) == pytest.approx(
        dcor.distance_correlation_sqr(x, y), rel=RTOL)


@pytest.mark.parametrize("method", ["fast", "pairwise"])
def test_1d_binary_label_matches_dcor(rng, method):
    x, labels = labelled_sample(rng, 900)
    expected = dcor.distance_stats_sqr(x, labels)
    stats = disco.distance_stats_sqr(x, labels, method=method)
    assert stats.covariance_xy == pytest.approx(expected.covariance_xy, rel=RTOL)
    assert stats.correlation_xy == pytest.approx(expected.correlation_xy, rel=RTOL)
    assert stats.variance_x == pytest.approx(expected.variance_x, rel=RTOL)
    assert stats.variance_y == pytest.approx(expected.variance_y, rel=RTOL)


def test_label_as_x_matches_dcor(rng):
    x, labels = labelled_sample(rng, 400)
    expected = dcor.distance_stats_sqr(labels, x)
    stats = disco.distance_stats_sqr(labels, x)
    assert stats.correlation_xy == pytest.approx(expected.correlation_xy, rel=RTOL)
    assert stats.variance_x == pytest.approx(expected.variance_x, rel=RTOL)
    assert stats.variance_y == pytest.approx(expected.variance_y, rel=RTOL)


def test_multivariate_x_label_matches_dcor(rng):
    x, labels = labelled_sample(rng, 600, p=4)
    assert disco.distance_correlation_sqr(x, labels) == pytest.approx(
        dcor.distance_correlation_sqr(x, labels), rel=RTOL)
    assert disco.distance_covariance_sqr(x, labels) == pytest.approx(
        dcor.distance_covariance_sqr(x, labels), rel=RTOL)


def test_multivariate_x_y_matches_dcor(rng):
    x, y = continuous_pair(rng, 500, p=3, q=2)
    assert disco.distance_correlation_sqr(x, y) == pytest.approx(
        dcor.distance_correlation_sqr(x, y), rel=RTOL)
    assert disco.distance_covariance(x, y) == pytest.approx(
        dcor.distance_covariance(x, y), rel=RTOL)


def test_multivariate_x_continuous_y_matches_dcor(rng):
    x, y = continuous_pair(rng, 500, p=3, q=1)
    assert disco.distance_correlation_sqr(x, y[:, 0]) == pytest.approx(
        dcor.distance_correlation_sqr(x, y), rel=RTOL)


def test_af_inv_matches_dcor(rng):
    x, y = continuous_pair(rng, 400, p=3, q=2)
    mixing = rng.normal(size=(3, 3))
    x = x @ mixing + 5.0
    assert disco.distance_correlation_af_inv_sqr(x, y) == pytest.approx(
        dcor.distance_correlation_af_inv_sqr(x, y), rel=RTOL)
    assert disco.distance_correlation_af_inv(x, y) == pytest.approx(
        dcor.distance_correlation_af_inv(x, y), rel=RTOL)


def test_af_inv_with_label_matches_dcor(rng):
    x, labels = labelled_sample(rng, 500, p=3)
    assert disco.distance_correlation_af_inv_sqr(x, labels) == pytest.approx(
        dcor.distance_correlation_af_inv_sqr(x, labels), rel=RTOL)


def test_energy_distance_matches_dcor(rng):
    for dim in (1, 3):
        a = rng.normal(size=(300, dim))
        b = rng.normal(size=(200, dim)) + 0.3
        assert disco.energy_distance(a, b) == pytest.approx(dcor.energy_distance(a, b), rel=RTOL)


def test_constant_variable_gives_zero(rng):
    x = rng.normal(size=50)
    for method in ("fast", "pairwise"):
        assert disco.distance_correlation_sqr(x, np.full(50, 3.0), method=method) == 0.0
        assert disco.distance_correlation(np.zeros(50), x, method=method) == 0.0


def test_identical_samples_give_one(rng):
    x = rng.normal(size=300)
    for method in ("fast", "pairwise"):
        assert disco.distance_correlation_sqr(x, 3 * x - 2, method=method) == pytest.approx(
            1.0, rel=RTOL)


def test_fast_matches_pairwise_for_independent_samples(rng):
    # dCov^2 is of order 1/n here, a small difference of order-1 sums: the regime where the
    # O(n log n) path loses digits first.
    x, y = rng.normal(size=3000), rng.normal(size=3000)
    for target in (y, (y > 0.3).astype(float)):
        fast = disco.distance_covariance_sqr(x, target, method="fast")
        pairwise = disco.distance_covariance_sqr(x, target, method="pairwise")
        assert fast == pytest.approx(pairwise, rel=RTOL)


# --- weights -----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["fast", "pairwise"])
def test_weighted_1d_matches_reference(rng, method):
    x, y = continuous_pair(rng, 300)
    w = rng.exponential(size=300)
    expected = reference_stats(x, y, w)
    stats = disco.distance_stats_sqr(x, y, weights=w, method=method)
    assert stats.covariance_xy == pytest.approx(expected[0], rel=RTOL)
    assert stats.correlation_xy == pytest.approx(expected[1], rel=RTOL)
    assert stats.variance_x == pytest.approx(expected[2], rel=RTOL)
    assert stats.variance_y == pytest.approx(expected[3], rel=RTOL)


@pytest.mark.parametrize("method", ["fast", "pairwise"])
def test_weighted_label_matches_reference(rng, method):
    x, labels = labelled_sample(rng, 300)
    w = rng.exponential(size=300)
    w[:10] = 0.0
    expected = reference_stats(x, labels, w)
    stats = disco.distance_stats_sqr(x, labels, weights=w, method=method)
    assert stats.covariance_xy == pytest.approx(expected[0], rel=RTOL)
    assert stats.correlation_xy == pytest.approx(expected[1], rel=RTOL)
    assert stats.variance_x == pytest.approx(expected[2], rel=RTOL)
    assert stats.variance_y == pytest.approx(expected[3], rel=RTOL)


def test_weighted_label_energy_form(rng):
    # dCor^2(x, label) = p q E / dVar(x) with p, q the weighted class fractions.
    x, labels = labelled_sample(rng, 250, p=2)
    w = rng.exponential(size=250)
    p = w[labels == 1].sum() / w.sum()
    energy = reference_energy(x[labels == 1], x[labels == 0], w[labels == 1], w[labels == 0])
    variance_x = reference_stats(x, x, w)[0]
    assert disco.distance_correlation_sqr(x, labels, weights=w) == pytest.approx(
        p * (1 - p) * energy / np.sqrt(variance_x), rel=RTOL)


def test_weighted_multivariate_matches_reference(rng):
    x, y = continuous_pair(rng, 200, p=3, q=2)
    w = rng.exponential(size=200)
    expected = reference_stats(x, y, w)
    stats = disco.distance_stats_sqr(x, y, weights=w)
    assert stats.covariance_xy == pytest.approx(expected[0], rel=RTOL)
    assert stats.correlation_xy == pytest.approx(expected[1], rel=RTOL)


def test_weighted_multivariate_label_matches_reference(rng):
    x, labels = labelled_sample(rng, 200, p=3)
    w = rng.exponential(size=200)
    expected = reference_stats(x, labels, w)
    stats = disco.distance_stats_sqr(x, labels, weights=w)
    assert stats.covariance_xy == pytest.approx(expected[0], rel=RTOL)
    assert stats.correlation_xy == pytest.approx(expected[1], rel=RTOL)
    assert stats.variance_x == pytest.approx(expected[2], rel=RTOL)


def test_integer_weights_equal_repeated_events(rng):
    x, y = continuous_pair(rng, 120)
    counts = rng.integers(1, 4, size=120)
    repeated = disco.distance_correlation_sqr(np.repeat(x, counts), np.repeat(y, counts))
    for method in ("fast", "pairwise"):
        assert disco.distance_correlation_sqr(x, y, weights=counts, method=method) == \
            pytest.approx(repeated, rel=RTOL)


def test_weight_scale_does_not_matter(rng):
    x, labels = labelled_sample(rng, 200)
    w = rng.exponential(size=200)
    assert disco.distance_correlation_sqr(x, labels, weights=w) == pytest.approx(
        disco.distance_correlation_sqr(x, labels, weights=1e3 * w), rel=RTOL)


def test_weighted_af_inv_matches_reference(rng):
    x, y = continuous_pair(rng, 200, p=3, q=1)
    w = rng.exponential(size=200)
    expected = reference_stats(weighted_whiten(x, w), y, w)[1]
    assert disco.distance_correlation_af_inv_sqr(x, y, weights=w) == pytest.approx(
        expected, rel=RTOL)


def test_weighted_energy_distance_matches_reference(rng):
    a = rng.normal(size=(150, 2))
    b = rng.normal(size=(100, 2)) + 0.5
    wa, wb = rng.exponential(size=150), rng.exponential(size=100)
    assert disco.energy_distance(a, b, weights_x=wa, weights_y=wb) == pytest.approx(
        reference_energy(a, b, wa, wb), rel=RTOL)
    assert disco.energy_distance(a[:, 0], b[:, 0], weights_x=wa, weights_y=wb) == \
        pytest.approx(reference_energy(a[:, 0], b[:, 0], wa, wb), rel=RTOL)


# --- threads -----------------------------------------------------------------------------------


def test_results_independent_of_threads(rng):
    x, y = continuous_pair(rng, 700, p=3, q=1)
    _, labels = labelled_sample(rng, 700)
    for target in (y[:, 0], labels):
        serial = disco.distance_stats_sqr(x, target, n_jobs=1)
        assert disco.distance_stats_sqr(x, target, n_jobs=2) == serial
        assert disco.distance_stats_sqr(x, target, n_jobs=-1) == serial
    serial = disco.distance_stats_sqr(x[:, 0], y[:, 0], n_jobs=1)
    assert disco.distance_stats_sqr(x[:, 0], y[:, 0], n_jobs=2) == serial

    # Above 65,536 events the merges of the 1-D path run in parallel.
    big_x, big_y = continuous_pair(rng, 70_000)
    serial = disco.distance_stats_sqr(big_x, big_y, n_jobs=1)
    assert disco.distance_stats_sqr(big_x, big_y, n_jobs=2) == serial
    assert serial.correlation_xy == pytest.approx(
        dcor.distance_correlation_sqr(big_x, big_y, method="mergesort"), rel=RTOL)


# --- batched candidate scoring -----------------------------------------------------------------


def scoring_sample(rng, n=2 * 300 + 17, k=3, c=6):
    labels = (rng.random(n) < 0.5).astype(float)
    selected = rng.normal(size=(n, k)) @ rng.normal(size=(k, k))
    selected[:, 0] += labels
    candidates = rng.normal(size=(n, c))
    candidates[:, 1] += 0.8 * labels
    candidates[:, 2] = np.exp(0.5 * selected[:, 0]) + 0.3 * rng.normal(size=n)
    return selected, candidates, labels


def blocks_of(n, block_size):
    return np.array_split(np.arange(n), n // block_size)


def reference_scores(selected, candidates, y, block_size, affine=True, weights=None):
    scores = np.zeros(candidates.shape[1])
    blocks = blocks_of(len(y), block_size)
    for block in blocks:
        for c in range(candidates.shape[1]):
            x = np.column_stack([selected[block], candidates[block, c]])
            if weights is not None:
                w = weights[block]
                x = weighted_whiten(x, w) if affine else x
                scores[c] += reference_stats(x, y[block], w)[1]
            elif affine:
                scores[c] += dcor.distance_correlation_af_inv_sqr(x, y[block])
            else:
                scores[c] += dcor.distance_correlation_sqr(x, y[block])
    return scores / len(blocks)


def test_scores_match_dcor_af_inv(rng):
    selected, candidates, labels = scoring_sample(rng)
    scores = disco.score_candidates(selected, candidates, labels, block_size=300)
    np.testing.assert_allclose(scores, reference_scores(selected, candidates, labels, 300),
                               rtol=RTOL)


def test_scores_continuous_y_match_dcor(rng):
    selected, candidates, labels = scoring_sample(rng)
    y = labels + rng.normal(size=len(labels))
    scores = disco.score_candidates(selected, candidates, y, block_size=300)
    np.testing.assert_allclose(scores, reference_scores(selected, candidates, y, 300), rtol=RTOL)


def test_scores_not_affine_match_dcor(rng):
    selected, candidates, labels = scoring_sample(rng)
    scores = disco.score_candidates(selected, candidates, labels, block_size=300,
                                    affine_invariant=False)
    np.testing.assert_allclose(
        scores, reference_scores(selected, candidates, labels, 300, affine=False), rtol=RTOL)


def test_scores_weighted_match_reference(rng):
    selected, candidates, labels = scoring_sample(rng, n=2 * 150 + 5)
    w = rng.exponential(size=len(labels))
    for affine in (True, False):
        scores = disco.score_candidates(selected, candidates, labels, weights=w, block_size=150,
                                        affine_invariant=affine)
        np.testing.assert_allclose(
            scores, reference_scores(selected, candidates, labels, 150, affine, w), rtol=RTOL)


def test_scores_empty_selected_set(rng):
    _, candidates, labels = scoring_sample(rng)
    expected = [np.mean([dcor.distance_correlation_sqr(candidates[b, c], labels[b])
                         for b in blocks_of(len(labels), 300)])
                for c in range(candidates.shape[1])]
    for selected in (None, np.empty((len(labels), 0))):
        scores = disco.score_candidates(selected, candidates, labels, block_size=300)
        np.testing.assert_allclose(scores, expected, rtol=RTOL)


def test_scores_single_block_uses_all_events(rng):
    # 250 events with block_size 200 make one block of all 250 events.
    selected, candidates, labels = scoring_sample(rng, n=250)
    scores = disco.score_candidates(selected, candidates, labels, block_size=200)
    expected = [dcor.distance_correlation_af_inv_sqr(
        np.column_stack([selected, candidates[:, c]]), labels) for c in range(6)]
    np.testing.assert_allclose(scores, expected, rtol=RTOL)


def test_scores_independent_of_threads(rng):
    selected, candidates, labels = scoring_sample(rng, c=21)
    serial = disco.score_candidates(selected, candidates, labels, block_size=300, n_jobs=1)
    threaded = disco.score_candidates(selected, candidates, labels, block_size=300, n_jobs=2)
    np.testing.assert_array_equal(serial, threaded)


def test_scores_across_candidate_groups(rng):
    # 70 candidates span three groups of the kernel (32 candidates share one pass over a row).
    selected, candidates, labels = scoring_sample(rng, c=70)
    candidates[:, 40] = selected[:, 0] - 2.0 * selected[:, 2]
    serial = disco.score_candidates(selected, candidates, labels, block_size=300, n_jobs=1)
    threaded = disco.score_candidates(selected, candidates, labels, block_size=300, n_jobs=2)
    np.testing.assert_array_equal(serial, threaded)
    checked = [0, 31, 32, 40, 63, 64, 69]
    expected = reference_scores(selected, candidates[:, checked], labels, 300)
    expected[checked.index(40)] = 0.0
    np.testing.assert_allclose(serial[checked], expected, rtol=RTOL)


def test_scores_with_tied_events_match_dcor(rng):
    # Integer-valued features put many event pairs at distance exactly 0.
    _, candidates, labels = scoring_sample(rng)
    candidates = np.round(2.0 * candidates)
    blocks = blocks_of(len(labels), 300)
    scores = disco.score_candidates(None, candidates, labels, block_size=300,
                                    affine_invariant=False)
    expected = [np.mean([dcor.distance_correlation_sqr(candidates[b, c], labels[b])
                         for b in blocks]) for c in range(candidates.shape[1])]
    np.testing.assert_allclose(scores, expected, rtol=RTOL)
    selected = np.round(candidates[:, :1] + rng.normal(size=(len(labels), 1)))
    scores = disco.score_candidates(selected, candidates[:, 1:], labels, block_size=300,
                                    affine_invariant=False)
    expected = [np.mean([dcor.distance_correlation_sqr(
        np.column_stack([selected[b], candidates[b, c]]), labels[b]) for b in blocks])
        for c in range(1, candidates.shape[1])]
    np.testing.assert_allclose(scores, expected, rtol=RTOL)


def test_scores_ignore_candidate_scale(rng):
    selected, candidates, labels = scoring_sample(rng)
    scores = disco.score_candidates(selected, candidates, labels, block_size=300)
    scaled = candidates * np.array([1e-200, 1e200, 1e-150, 1e150, 1.0, 3.0])
    selected_scaled = selected * np.array([1e180, 1e-180, 1.0])
    np.testing.assert_allclose(
        disco.score_candidates(selected_scaled, scaled, labels, block_size=300), scores,
        rtol=RTOL)


def test_dependent_candidates_score_zero(rng, caplog):
    selected, candidates, labels = scoring_sample(rng)
    candidates[:, 3] = 2.0 * selected[:, 1] - selected[:, 2] + 4.0
    candidates[:, 4] = 7.0
    with caplog.at_level(logging.INFO, logger="jetfeat.disco"):
        scores = disco.score_candidates(selected, candidates, labels, block_size=300)
    assert scores[3] == 0.0
    assert scores[4] == 0.0
    assert np.all(scores[[0, 1, 2, 5]] > 0)
    assert "2 of 6 candidate columns" in caplog.text
    assert np.all(np.isfinite(scores))


def test_constant_candidate_without_selection_scores_zero(rng):
    _, candidates, labels = scoring_sample(rng)
    candidates[:, 0] = 1.5
    scores = disco.score_candidates(None, candidates, labels, block_size=300,
                                    affine_invariant=False)
    assert scores[0] == 0.0


def test_informative_candidate_ranks_first(rng):
    selected, candidates, labels = scoring_sample(rng)
    scores = disco.score_candidates(selected, candidates, labels, block_size=300)
    assert int(np.argmax(scores)) == 1


def test_scores_on_pythia_jets(pythia_sample):
    jets, labels = pythia_sample
    jets = jets[:1200].astype(np.float64)
    labels = labels[:1200].astype(float)
    total = jets.sum(axis=1)
    mass = np.sqrt(np.maximum(total[:, 0] ** 2 - (total[:, 1:] ** 2).sum(axis=1), 0.0))
    pt = np.hypot(total[:, 1], total[:, 2])
    multiplicity = (jets[:, :, 0] > 0).sum(axis=1).astype(float)
    assert disco.distance_correlation_sqr(mass, labels) == pytest.approx(
        dcor.distance_correlation_sqr(mass, labels), rel=RTOL)
    scores = disco.score_candidates(pt, np.column_stack([mass, multiplicity]), labels,
                                    block_size=600)
    expected = [np.mean([dcor.distance_correlation_af_inv_sqr(
        np.column_stack([pt[b], feature[b]]), labels[b]) for b in blocks_of(1200, 600)])
        for feature in (mass, multiplicity)]
    np.testing.assert_allclose(scores, expected, rtol=RTOL)


@pytest.mark.slow
def test_scores_on_full_pythia_sample(pythia_sample):
    # All 4,000 jets at the default block_size: one block of 4,000 events (4,000 // 2,048 = 1).
    jets, labels = pythia_sample
    jets = jets.astype(np.float64)
    labels = labels.astype(float)
    total = jets.sum(axis=1)
    mass = np.sqrt(np.maximum(total[:, 0] ** 2 - (total[:, 1:] ** 2).sum(axis=1), 0.0))
    pt = np.hypot(total[:, 1], total[:, 2])
    energy = total[:, 0]
    multiplicity = (jets[:, :, 0] > 0).sum(axis=1).astype(float)
    leading = jets[:, :, 0].max(axis=1) / energy
    selected = np.column_stack([pt, energy])
    candidates = np.column_stack([mass, multiplicity, leading])
    scores = disco.score_candidates(selected, candidates, labels, n_jobs=-1)
    expected = [dcor.distance_correlation_af_inv_sqr(np.column_stack([selected, c]), labels)
                for c in candidates.T]
    np.testing.assert_allclose(scores, expected, rtol=RTOL)


# --- bad input ---------------------------------------------------------------------------------


def test_length_mismatch_raises(rng):
    with pytest.raises(ValueError, match="x has 10 events but y has 9"):
        disco.distance_correlation(rng.normal(size=10), rng.normal(size=9))


def test_too_few_events_raises():
    with pytest.raises(ValueError, match="at least 2"):
        disco.distance_correlation_sqr([1.0], [2.0])


def test_non_finite_raises(rng):
    x = rng.normal(size=(20, 2))
    x[7, 1] = np.nan
    with pytest.raises(ValueError, match="non-finite value .* event 7, column 1"):
        disco.distance_correlation_sqr(x, rng.normal(size=20))


def test_negative_weight_raises(rng):
    w = np.ones(20)
    w[4] = -1.0
    with pytest.raises(ValueError, match="negative value .* event 4"):
        disco.distance_correlation_sqr(rng.normal(size=20), rng.normal(size=20), weights=w)


def test_zero_weights_raise(rng):
    with pytest.raises(ValueError, match="sum to zero"):
        disco.distance_correlation_sqr(rng.normal(size=20), rng.normal(size=20),
                                       weights=np.zeros(20))


def test_binary_true_rejects_other_labels(rng):
    y = np.array([0.0, 1.0, 2.0, 1.0])
    with pytest.raises(ValueError, match="only 0 and 1, got 2.0 at event 2"):
        disco.distance_correlation_sqr(rng.normal(size=4), y, binary=True)
    with pytest.raises(ValueError, match="only 0 and 1"):
        disco.score_candidates(None, rng.normal(size=(4, 2)), y, block_size=2, binary=True)


def test_fast_method_rejects_multivariate(rng):
    with pytest.raises(ValueError, match="method='fast' needs 1-D"):
        disco.distance_correlation_sqr(rng.normal(size=(10, 2)), rng.normal(size=10),
                                       method="fast")


def test_invalid_method_and_n_jobs(rng):
    x = rng.normal(size=10)
    with pytest.raises(ValueError, match="method must be one of"):
        disco.distance_correlation_sqr(x, x, method="avl")
    with pytest.raises(ValueError, match="n_jobs=0 is invalid"):
        disco.distance_correlation_sqr(x, x, n_jobs=0)
    with pytest.raises(TypeError, match="n_jobs must be an int"):
        disco.distance_correlation_sqr(x, x, n_jobs=1.5)


def test_af_inv_collinear_raises(rng):
    x = rng.normal(size=(50, 3))
    x[:, 2] = x[:, 0] - x[:, 1]
    with pytest.raises(ValueError, match="x column 2 is constant or a linear combination"):
        disco.distance_correlation_af_inv_sqr(x, rng.normal(size=50))


def test_scoring_fewer_events_than_block_raises(rng):
    selected, candidates, labels = scoring_sample(rng, n=100)
    with pytest.raises(ValueError, match="only 100 events for block_size=2048"):
        disco.score_candidates(selected, candidates, labels)


def test_scoring_single_class_block_raises(rng):
    selected, candidates, _ = scoring_sample(rng, n=600)
    labels = np.r_[np.ones(300), np.zeros(300)]
    with pytest.raises(ValueError, match=r"block 0 \(events 0..299\) contains only label 1"):
        disco.score_candidates(selected, candidates, labels, block_size=300)


def test_scoring_zero_weight_class_raises(rng):
    selected, candidates, labels = scoring_sample(rng, n=600)
    weights = np.where(labels == 1, 1.0, 0.0)
    weights[300:] = 1.0
    with pytest.raises(ValueError, match=r"label-0 events of block 0 .* zero total weight"):
        disco.score_candidates(selected, candidates, labels, weights=weights, block_size=300)


def test_scoring_collinear_selected_raises(rng):
    selected, candidates, labels = scoring_sample(rng)
    selected[:, 2] = selected[:, 0] + selected[:, 1]
    with pytest.raises(ValueError, match="selected column 2 is constant or a linear combination"):
        disco.score_candidates(selected, candidates, labels, block_size=300)


def test_scoring_non_finite_candidate_raises(rng):
    selected, candidates, labels = scoring_sample(rng)
    candidates[12, 4] = np.inf
    with pytest.raises(ValueError, match="candidates has a non-finite value .* event 12, column 4"):
        disco.score_candidates(selected, candidates, labels, block_size=300)


def test_scoring_names_dataframe_columns(rng):
    pd = pytest.importorskip("pandas")
    selected, candidates, labels = scoring_sample(rng)
    frame = pd.DataFrame(candidates, columns=[f"efp_{j}" for j in range(6)])
    frame.iloc[3, 2] = np.nan
    with pytest.raises(ValueError, match="column 2 \\('efp_2'\\)"):
        disco.score_candidates(selected, frame, labels, block_size=300)


def test_scoring_length_mismatch_raises(rng):
    selected, candidates, labels = scoring_sample(rng)
    with pytest.raises(ValueError, match="candidates has 617 events but y has 616"):
        disco.score_candidates(selected, candidates, labels[:-1], block_size=300)
