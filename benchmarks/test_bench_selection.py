"""Time one DisCo-FFS iteration on a candidate pool the size of the default ``jetfeat run`` pool.

The pool is synthetic so the benchmark needs no extraction: 812 columns (jet mass, pT and the
810 EFPs with d <= 5 on the published kappa x beta grid) for 24,000 development jets, the
training+validation part of the default 30,000-jet sample. One informative column hides among
noise columns that are partly correlated with each other, as EFPs are.

Run: ``pytest benchmarks/test_bench_selection.py --benchmark-only -p no:randomly``.
"""

import numpy as np
import pytest

from jetfeat.selection import DisCoSelector

N_EVENTS = 24_000
N_COLUMNS = 812
INFORMATIVE = 517


@pytest.fixture(scope="module")
def pool():
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, N_EVENTS)
    latent = rng.normal(size=(N_EVENTS, 20))
    mixing = rng.normal(size=(20, N_COLUMNS))
    X = latent @ mixing + rng.normal(size=(N_EVENTS, N_COLUMNS))

    # Mass and pT separate weakly, so about half of the jets fall in the confusion window and
    # the scores run over several 2048-event blocks, as in a real first iteration.
    X[:, 0] = 0.6 * y + rng.normal(size=N_EVENTS)
    X[:, 1] = rng.normal(size=N_EVENTS)
    X[:, INFORMATIVE] = 1.2 * y + rng.normal(size=N_EVENTS)
    names = ["jet_mass", "jet_pt"] + [f"efp_{i}" for i in range(2, N_COLUMNS)]
    return X, y, names


@pytest.mark.parametrize("n_jobs", [1, -1], ids=["1thread", "allthreads"])
def test_one_selection_iteration(benchmark, pool, n_jobs):
    X, y, names = pool

    def select():
        return DisCoSelector(n_features=1, random_state=0, n_jobs=n_jobs).fit(
            X, y, feature_names=names)

    # One fit with n_features=1 is one iteration: train on (m, pT), score 810 candidates on the
    # confusion set, add the best, and retrain once for the validation metrics.
    selector = benchmark.pedantic(select, rounds=1, iterations=1)
    assert selector.selected_features_ == ["jet_mass", "jet_pt", names[INFORMATIVE]]
    assert selector.history_[0]["n_blocks"] >= 3
    assert selector.history_[1]["val_auc"] > selector.history_[0]["val_auc"]
