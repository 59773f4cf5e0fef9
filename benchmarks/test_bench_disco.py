"""pytest-benchmark timings of jetfeat.disco; each benchmark also checks its value against dcor.

Run: ``python -m pytest benchmarks/test_bench_disco.py`` (``--benchmark-disable`` turns them
into plain correctness tests).
"""

from __future__ import annotations

import numpy as np
import pytest

from jetfeat import disco

dcor = pytest.importorskip("dcor")
pytest.importorskip("pytest_benchmark")

RTOL = 1e-10


@pytest.fixture
def rng():
    return np.random.default_rng(20261204)


@pytest.mark.parametrize("n", [10**4, 10**5], ids=["n1e4", "n1e5"])
def test_bench_1d_continuous(benchmark, rng, n):
    x = rng.normal(size=n)
    y = x**2 + rng.normal(size=n)
    value = benchmark(disco.distance_correlation_sqr, x, y)
    assert value == pytest.approx(dcor.distance_correlation_sqr(x, y, method="mergesort"),
                                  rel=RTOL)


@pytest.mark.parametrize("n", [10**4, 10**5], ids=["n1e4", "n1e5"])
def test_bench_1d_label(benchmark, rng, n):
    x = rng.normal(size=n)
    labels = (rng.random(n) < 1.0 / (1.0 + np.exp(-x))).astype(float)
    value = benchmark(disco.distance_correlation_sqr, x, labels)
    assert value == pytest.approx(dcor.distance_correlation_sqr(x, labels, method="mergesort"),
                                  rel=RTOL)


@pytest.mark.parametrize("n_jobs", [1, 2], ids=["threads1", "threads2"])
def test_bench_pairwise_label(benchmark, rng, n_jobs):
    labels = (rng.random(2000) < 0.5).astype(float)
    x = rng.normal(size=(2000, 5)) + 0.2 * labels[:, None]
    value = benchmark(disco.distance_correlation_sqr, x, labels, n_jobs=n_jobs)
    assert value == pytest.approx(dcor.distance_correlation_sqr(x, labels), rel=RTOL)


@pytest.mark.parametrize("n_jobs", [1, 2], ids=["threads1", "threads2"])
def test_bench_score_candidates(benchmark, rng, n_jobs):
    n, k, n_candidates, block_size = 2 * 1024, 10, 64, 1024
    labels = (rng.random(n) < 0.5).astype(float)
    selected = rng.normal(size=(n, k)) + 0.3 * labels[:, None]
    candidates = rng.normal(size=(n, n_candidates)) + 0.2 * labels[:, None]
    scores = benchmark(disco.score_candidates, selected, candidates, labels,
                       block_size=block_size, n_jobs=n_jobs)
    blocks = np.array_split(np.arange(n), n // block_size)
    for c in (0, 31, 63):
        expected = np.mean([dcor.distance_correlation_af_inv_sqr(
            np.column_stack([selected[block], candidates[block, c]]), labels[block])
            for block in blocks])
        assert scores[c] == pytest.approx(expected, rel=RTOL)
