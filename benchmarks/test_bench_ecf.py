"""pytest-benchmark timings of the ECF, angularity and kinematics kernels, with value checks.

Run with ``pytest benchmarks/test_bench_ecf.py --benchmark-only``. Every benchmark also checks
its result against an independent numpy computation (tr((W Z)^N) identities for e2 and e3).
"""

from __future__ import annotations

import numpy as np
import pytest

from jetfeat.jets import as_jet_batch
from jetfeat.substructure._angularities import angularities, jet_shapes
from jetfeat.substructure._ecf import (
    energy_correlation_functions,
    generalized_energy_correlation_functions,
)
from jetfeat.substructure._kinematics import kinematics


def random_batch(n_jets, m, seed=7):
    rng = np.random.default_rng(seed)
    jets = [np.stack([rng.exponential(5.0, m) + 0.1, rng.normal(0.0, 0.3, m),
                      rng.normal(0.0, 0.3, m), np.zeros(m)], axis=1) for _ in range(n_jets)]
    return as_jet_batch(jets, coords="ptyphim")


def numpy_e2_e3(batch, i, beta=1.0):
    """e2 = z^T W z / 2 and e3 = tr((W Z)^3) / 6, with W_ij = R_ij^beta and Z = diag(z)."""
    _, rows = batch.jet(i)
    z = rows[:, 0] / rows[:, 0].sum()
    dy = rows[:, None, 1] - rows[None, :, 1]
    dphi = np.angle(np.exp(1j * (rows[:, None, 2] - rows[None, :, 2])))
    weights = (dy**2 + dphi**2) ** (beta / 2)
    scaled = weights * z[None, :]
    return z @ weights @ z / 2, np.trace(scaled @ scaled @ scaled) / 6


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("m, n_jets", [(50, 200), (150, 40)], ids=["M50", "M150"])
def test_bench_ecf_c2_d2(benchmark, m, n_jets, threads):
    batch = random_batch(n_jets, m)
    columns = benchmark(energy_correlation_functions, batch, threads, beta=1.0, n_max=3)
    for i in (0, n_jets - 1):
        e2, e3 = numpy_e2_e3(batch, i)
        assert columns["e2_beta1"][i] == pytest.approx(e2, rel=1e-12)
        assert columns["e3_beta1"][i] == pytest.approx(e3, rel=1e-11)
        assert columns["D2_beta1"][i] == pytest.approx(e3 / e2**3, rel=1e-10)


@pytest.mark.parametrize("threads", [1, 2])
def test_bench_ecf4(benchmark, threads):
    batch = random_batch(20, 50)
    columns = benchmark(energy_correlation_functions, batch, threads, beta=1.0, n_max=4)
    general = generalized_energy_correlation_functions(batch.select(slice(0, 2)), n_max=4)
    np.testing.assert_allclose(columns["e4_beta1"][:2], general["ecfg4_v6_beta1"], rtol=1e-12)


def test_bench_generalized_n3(benchmark):
    batch = random_batch(50, 50)
    columns = benchmark(generalized_energy_correlation_functions, batch, 1, beta=1.0, n_max=3)
    for i in (0, 49):
        e2, e3 = numpy_e2_e3(batch, i)
        assert columns["ecfg3_v3_beta1"][i] == pytest.approx(e3, rel=1e-11)
        assert columns["ecfg2_v1_beta1"][i] == pytest.approx(e2, rel=1e-12)


def test_bench_angularities_and_shapes(benchmark):
    batch = random_batch(2000, 60)

    def run():
        return angularities(batch, 1), jet_shapes(batch, 1), kinematics(batch, 1)

    lam, shapes, kin = benchmark(run)
    np.testing.assert_array_equal(lam["lambda_kappa0_beta0"], kin["multiplicity"])
    np.testing.assert_allclose(shapes["girth"], 0.8 * lam["lambda_kappa1_beta1"], rtol=1e-13)
