"""EFPs against explicit nested sums over particle indices, written independently in numpy."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from jetfeat.efp import EFPSet

GRAPHS = {
    "wedge": [(0, 1), (1, 2)],
    "triangle": [(0, 1), (1, 2), (2, 0)],
    "square": [(0, 1), (1, 2), (2, 3), (3, 0)],
    "K4": [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)],
    "K4_doubled_edge": [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3), (2, 3)],
    "house": [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 4), (3, 4)],
    "doubled_wedge": [(0, 1), (0, 1), (1, 2), (1, 2), (1, 2)],
}


def weights_and_angles(ptyphims, kappa, beta):
    """z_i = pT_i^kappa / (sum pT)^kappa and theta_ij = (dy^2 + dphi^2)^(beta/2)."""
    pt, y, phi = ptyphims[:, 0], ptyphims[:, 1], ptyphims[:, 2]
    z = (pt / pt.sum()) ** kappa
    dphi = np.abs(phi[:, None] - phi[None, :])
    dphi = np.minimum(dphi, 2 * np.pi - dphi)
    theta = ((y[:, None] - y[None, :]) ** 2 + dphi**2) ** (beta / 2)
    return z, theta


def nested_sum(edges, z, theta):
    """sum over all vertex assignments of prod_v z_{i_v} prod_edges theta."""
    n_vertices = 1 + max(v for edge in edges for v in edge)
    total = 0.0
    for assignment in itertools.product(range(z.shape[0]), repeat=n_vertices):
        term = np.prod(z[list(assignment)])
        for first, second in edges:
            term *= theta[assignment[first], assignment[second]]
        total += term
    return total


@pytest.mark.parametrize("kappa", [-1.0, 0.0, 0.5, 1.0, 2.0])
@pytest.mark.parametrize("beta", [0.5, 1.0, 2.0, 1.5])
def test_graphs_match_nested_sums(rng, kappa, beta):
    n_particles = 5
    ptyphims = np.column_stack(
        [
            rng.uniform(1.0, 50.0, n_particles),
            rng.normal(0.0, 0.4, n_particles),
            rng.uniform(-np.pi, np.pi, n_particles),
            np.zeros(n_particles),
        ]
    )
    names = list(GRAPHS)
    values = EFPSet(*GRAPHS.values(), kappa=kappa, beta=beta).compute(ptyphims, coords="ptyphim")
    z, theta = weights_and_angles(ptyphims, kappa, beta)
    for column, name in enumerate(names):
        expected = nested_sum(GRAPHS[name], z, theta)
        assert values[0, column] == pytest.approx(expected, rel=1e-12), name


def test_edge_d0_graph_is_weight_sum(rng):
    ptyphims = np.column_stack(
        [rng.uniform(1, 9, 6), rng.normal(size=6), rng.normal(size=6), np.zeros(6)]
    )
    values = EFPSet([], kappas=(0.5, 1.0, 2.0)).compute(ptyphims, coords="ptyphim")
    pt = ptyphims[:, 0]
    expected = [np.sum((pt / pt.sum()) ** kappa) for kappa in (0.5, 1.0, 2.0)]
    np.testing.assert_allclose(values[0], expected, rtol=1e-14)
