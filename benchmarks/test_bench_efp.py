"""Benchmarks of jetfeat.efp: all 1000 EFPs with d <= 7, and the DisCo-FFS pool.

``python -m pytest benchmarks/test_bench_efp.py`` times them; ``--benchmark-disable`` runs each
once as a correctness test. Every benchmark checks its result against energyflow 1.4.0 (when
installed) or an independent numpy contraction.
"""

from __future__ import annotations

import numpy as np
import pytest

from jetfeat.efp import EFPSet, discoffs_pool

N_JETS = 20


def random_jets(n_jets, n_particles, seed=7):
    rng = np.random.default_rng(seed)
    pt = rng.exponential(20.0, (n_jets, n_particles)) + 0.5
    y, phi = rng.normal(0.0, 0.4, (2, n_jets, n_particles))
    return np.stack([pt * np.cosh(y), pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(y)], -1)


def numpy_reference(jet, kappa, beta):
    """Triangle and K4 EFPs of one jet by numpy contractions (independent of the plan)."""
    pt = np.hypot(jet[:, 1], jet[:, 2])
    y = 0.5 * np.log((jet[:, 0] + jet[:, 3]) / (jet[:, 0] - jet[:, 3]))
    phi = np.arctan2(jet[:, 2], jet[:, 1])
    z = (pt / pt.sum()) ** kappa
    dphi = np.abs(phi[:, None] - phi[None, :])
    dphi = np.minimum(dphi, 2 * np.pi - dphi)
    theta = ((y[:, None] - y[None, :]) ** 2 + dphi**2) ** (beta / 2)
    weighted = theta * z[None, :]
    triangle = np.trace(weighted @ weighted @ weighted)
    k4 = 0.0
    for b in range(z.shape[0]):
        # Fix particle b: sum_{a,c,d} x_a x_c x_d theta_ac theta_ad theta_cd with x = z theta_b.
        x = z * theta[b]
        k4 += z[b] * np.einsum("a,c,d,ac,ad,cd->", x, x, x, theta, theta, theta, optimize=True)
    return triangle, k4


@pytest.fixture(scope="module")
def d7():
    return EFPSet(dmax=7)


@pytest.mark.parametrize("n_particles", [25, 50, 100, 150], ids=lambda m: f"M{m}")
@pytest.mark.parametrize("n_jobs", [1, 2], ids=lambda n: f"threads{n}")
def test_bench_efp_d7(benchmark, d7, n_particles, n_jobs):
    n_jets = N_JETS if n_particles <= 100 else 4
    jets = random_jets(n_jets, n_particles)
    values = benchmark(d7.compute, jets, n_jobs=n_jobs)
    benchmark.extra_info.update(
        n_jets=n_jets,
        n_particles=n_particles,
        n_features=len(d7),
        flop_per_jet=2 * d7.multiply_adds(n_particles),
    )

    triangle = d7.tokens.index("d3_01-02-12")
    k4 = d7.tokens.index("d6_01-02-03-12-13-23")
    expected = np.array([numpy_reference(jet, 1.0, 1.0) for jet in jets[:2]])
    np.testing.assert_allclose(values[:2, triangle], expected[:, 0], rtol=1e-10)
    np.testing.assert_allclose(values[:2, k4], expected[:, 1], rtol=1e-10)


def test_bench_efp_d7_vs_energyflow(benchmark, d7):
    ef = pytest.importorskip("energyflow")
    jets = random_jets(N_JETS, 20)
    values = benchmark(d7.compute, jets)
    from jetfeat._multigraphs import token_of

    reference = ef.EFPSet(
        "d<=7", measure="hadr", beta=1.0, kappa=1.0, normed=True, coords="epxpypz"
    )
    reference_tokens = [token_of(graph) for graph in reference.graphs()]
    order = [reference_tokens.index(token) for token in d7.tokens]
    expected = np.array([reference.compute(jet) for jet in jets[:2]])[:, order]
    np.testing.assert_allclose(values[:2], expected, rtol=1e-10)


@pytest.mark.parametrize("n_jobs", [1, 2], ids=lambda n: f"threads{n}")
def test_bench_discoffs_pool(benchmark, n_jobs):
    pool = discoffs_pool()
    jets = random_jets(N_JETS, 50)
    values = benchmark(pool.compute, jets, n_jobs=n_jobs)
    benchmark.extra_info.update(n_jets=N_JETS, n_particles=50, n_features=len(pool))

    assert values.shape == (N_JETS, 7350)
    triangle = pool.feature_names.index("efp_d3_01-02-12_k0.5_b2")
    expected = [numpy_reference(jet, 0.5, 2.0)[0] for jet in jets[:2]]
    np.testing.assert_allclose(values[:2, triangle], expected, rtol=1e-10)
