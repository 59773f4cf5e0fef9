"""pytest-benchmark timings of the clustering kernels, each checked against FastJet.

Run with ``python -m pytest benchmarks/test_bench_clustering.py --benchmark-json=out.json``;
``--benchmark-disable`` runs each case once as a correctness test. Jets are random (fixed seed,
exactly M particles each, see ``_random_jets``) so the file runs without the shared sample.
The values of every timed call are compared with the test-only FastJet / fastjet-contrib program
(tests/fastjet_ref/clustering_ref.cpp): relative 1e-9, or 1e-6 for one-pass axes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_clustering import assert_rel, reference_ragged, reference_table  # noqa: E402

from jetfeat import _core  # noqa: E402
from jetfeat.jets import as_jet_batch  # noqa: E402

N_JETS = 200


def _random_jets(n_jets: int, m: int, seed: int):
    """Jets of exactly m massless particles: log-normal pT, Gaussian spread of 0.25 in (y, phi)."""
    rng = np.random.default_rng(seed)
    pt = rng.lognormal(0.0, 1.2, (n_jets, m))
    y = rng.normal(0.0, 0.25, (n_jets, m)) + rng.uniform(-1.5, 1.5, (n_jets, 1))
    phi = rng.normal(0.0, 0.25, (n_jets, m)) + rng.uniform(-np.pi, np.pi, (n_jets, 1))
    jets = np.stack([pt * np.cosh(y), pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(y)], -1)
    return as_jet_batch(jets)


@pytest.fixture(scope="module", params=[50, 150], ids=lambda m: f"M{m}")
def batch(request):
    return _random_jets(N_JETS, request.param, seed=request.param)


@pytest.fixture(params=[1, 2], ids=lambda n: f"{n}-threads")
def threads(request) -> int:
    return request.param


@pytest.mark.fastjet
def test_bench_ca_clustering(benchmark, batch, threads):
    result = benchmark(_core.exclusive_dmerge, batch.p4s, batch.offsets, 1, 1000.0, 1.0, 0, 3,
                       threads)
    assert_rel(result, reference_table(batch, "dmerge", 1, 1000.0, 1, 0, 3), 1e-9, "d_ij")


@pytest.mark.fastjet
@pytest.mark.parametrize("axes, code", [("kt", 0), ("wta_kt", 2), ("onepass_kt", 4)])
def test_bench_nsubjettiness(benchmark, batch, threads, axes, code):
    result = benchmark(_core.nsubjettiness, batch.p4s, batch.offsets, 4, 1.0, code, False, 1.0,
                       threads)
    rtol = 1e-6 if axes.startswith("onepass") else 1e-9
    assert_rel(result, reference_table(batch, "nsub", code, 1.0, 0, 1.0, 4), rtol, axes)


@pytest.mark.fastjet
def test_bench_soft_drop(benchmark, batch, threads):
    result = benchmark(_core.soft_drop, batch.p4s, batch.offsets, 0.1, 0.0, 1.0, threads)
    ref = reference_table(batch, "softdrop", 0.1, 0.0, 1.0)
    assert_rel(result[:, :2], ref[:, :2], 1e-9, "groomed pT and mass")


@pytest.mark.fastjet
def test_bench_lund(benchmark, batch, threads):
    rows, offsets = benchmark(_core.lund_primary, batch.p4s, batch.offsets, threads)
    ref, counts = reference_ragged(batch, "lund")
    assert np.array_equal(np.diff(offsets), counts)
    assert_rel(rows, ref, 1e-9, "Lund declusterings")
