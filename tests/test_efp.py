"""EFP values against energyflow 1.4.0, the reference implementation (arXiv:1712.07124)."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from jetfeat.efp import EFP, EFPSet

ef = pytest.importorskip("energyflow")

KAPPAS = (-1.0, 0.0, 0.5, 1.0, 2.0)
BETAS = (0.5, 1.0, 2.0)
RTOL = 1e-10


@functools.cache
def energyflow_set(dmax, measure="hadr", kappa=1.0, beta=1.0, normed=True):
    return ef.EFPSet(
        f"d<={dmax}", measure=measure, kappa=kappa, beta=beta, normed=normed, coords="epxpypz"
    )


@functools.cache
def graphs_up_to(dmax):
    """energyflow's graphs with d <= dmax, in its order, as tuples of edge tuples."""
    return tuple(
        tuple(tuple(int(v) for v in edge) for edge in graph)
        for graph in energyflow_set(dmax).graphs()
    )


@functools.cache
def jetfeat_set(dmax, measure="hadr", normed=True, kappas=KAPPAS, betas=BETAS):
    graphs = [list(graph) for graph in graphs_up_to(dmax)]
    return EFPSet(*graphs, kappas=kappas, betas=betas, measure=measure, normed=normed)


def reference_values(dmax, jets, kappas, betas, measure="hadr", normed=True):
    """energyflow values in EFPSet column order (kappa-major, then beta, then graph)."""
    blocks = []
    for kappa in kappas:
        for beta in betas:
            reference = energyflow_set(dmax, measure, kappa, beta, normed)
            rows = [reference.compute(jet[np.any(jet != 0.0, axis=1)]) for jet in jets]
            blocks.append(np.array(rows))
    return np.concatenate(blocks, axis=1)


def random_jets(rng, n_jets, n_particles, phi_center=0.0, massive=True):
    """Zero-padded (E, px, py, pz) jets with exponential pT and Gaussian (y, phi) spread."""
    pt = rng.exponential(20.0, (n_jets, n_particles)) + 0.5
    y = rng.normal(0.3, 0.5, (n_jets, n_particles))
    phi = rng.normal(phi_center, 0.5, (n_jets, n_particles))
    mass = rng.uniform(0.0, 0.5, (n_jets, n_particles)) if massive else np.zeros_like(pt)
    mt = np.sqrt(pt**2 + mass**2)
    return np.stack([mt * np.cosh(y), pt * np.cos(phi), pt * np.sin(phi), mt * np.sinh(y)], -1)


def check_against_energyflow(jets, dmax=7, measure="hadr", normed=True, kappas=KAPPAS, betas=BETAS):
    efps = jetfeat_set(dmax, measure, normed, tuple(kappas), tuple(betas))
    ours = efps.compute(jets)
    reference = reference_values(dmax, jets, kappas, betas, measure, normed)
    assert ours.shape == reference.shape
    np.testing.assert_allclose(ours, reference, rtol=RTOL, atol=0.0)


def test_random_jets_full_grid_d7(rng):
    # All 1000 graphs with d <= 7 at all 15 (kappa, beta) pairs; small M keeps energyflow fast.
    check_against_energyflow(random_jets(rng, 2, 7))


def test_one_and_two_particle_jets(rng):
    jets = random_jets(rng, 2, 2)
    jets[0, 1] = 0.0  # jet 0 keeps a single particle, the second row is padding
    check_against_energyflow(jets)


def test_jets_straddling_phi_pi(rng):
    jets = random_jets(rng, 2, 6, phi_center=np.pi)
    check_against_energyflow(jets)


def test_phi_wraparound_is_rotation_invariant(rng):
    jets = random_jets(rng, 3, 12, phi_center=np.pi)
    rotation = np.pi - 0.3
    cos, sin = np.cos(rotation), np.sin(rotation)
    rotated = jets.copy()
    rotated[..., 1] = cos * jets[..., 1] - sin * jets[..., 2]
    rotated[..., 2] = sin * jets[..., 1] + cos * jets[..., 2]
    efps = jetfeat_set(5)
    np.testing.assert_allclose(efps.compute(rotated), efps.compute(jets), rtol=1e-9)


@pytest.mark.parametrize("normed", [True, False], ids=["normed", "unnormed"])
def test_unnormed_and_ee_measure(rng, normed):
    jets = random_jets(rng, 2, 6)
    check_against_energyflow(jets, dmax=5, normed=normed)
    check_against_energyflow(jets, dmax=5, measure="ee", normed=normed)


def test_pythia_jets_match_energyflow(pythia_sample):
    jets, labels = pythia_sample
    # One top and one QCD jet at the IRC-safe point and one IRC-unsafe grid point.
    picks = [int(np.flatnonzero(labels == 1)[0]), int(np.flatnonzero(labels == 0)[0])]
    check_against_energyflow(jets[picks], kappas=(1.0,), betas=(1.0,))
    check_against_energyflow(jets[picks[:1]], kappas=(-1.0,), betas=(0.5,))


@pytest.mark.slow
def test_pythia_jets_full_grid(pythia_sample):
    jets, _ = pythia_sample
    check_against_energyflow(jets[:4])


@pytest.mark.slow
def test_random_jets_full_grid_larger_m(rng):
    check_against_energyflow(random_jets(rng, 2, 40))


def test_chi_matches_energyflow():
    reference = energyflow_set(7)
    chi = reference.specs[:, list(reference.cols).index("c")]
    efps = jetfeat_set(7)
    np.testing.assert_array_equal(efps.plan.chis, chi)
    np.testing.assert_array_equal(efps.specs[:, efps.spec_cols.index("c")], chi)


def test_specs_columns_match_energyflow():
    reference = energyflow_set(7)
    efps = jetfeat_set(7)
    for name in ("n", "e", "d", "v", "p", "h"):
        ours = efps.specs[:, efps.spec_cols.index(name)]
        theirs = reference.specs[:, list(reference.cols).index(name)]
        np.testing.assert_array_equal(ours, theirs, err_msg=f"spec column {name}")


def test_composite_is_product_of_primes(rng):
    jets = random_jets(rng, 4, 15)
    wedge = [(0, 1), (1, 2)]
    triangle = [(0, 1), (1, 2), (0, 2)]
    composite = wedge + [(3, 4), (4, 5), (3, 5)]
    values = EFPSet(wedge, triangle, composite, kappas=(0.5, 1.0), betas=(2.0,)).compute(jets)
    np.testing.assert_allclose(values[:, 2], values[:, 0] * values[:, 1], rtol=1e-13)
    np.testing.assert_allclose(values[:, 5], values[:, 3] * values[:, 4], rtol=1e-13)


def test_single_efp_matches_set(rng):
    jets = random_jets(rng, 3, 10)
    k4 = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    single = EFP(k4, kappa=0.5, beta=2.0).compute(jets)
    assert single.shape == (3,)
    reference = energyflow_set(6, kappa=0.5, beta=2.0)
    index = [sorted(graph) for graph in graphs_up_to(6)].index(sorted(k4))
    expected = [reference.compute(jet)[index] for jet in jets]
    np.testing.assert_allclose(single, expected, rtol=RTOL)
    grid = EFP(k4, kappas=(0.5, 1.0), betas=(1.0, 2.0)).compute(jets)
    assert grid.shape == (3, 4)
    np.testing.assert_allclose(grid[:, 1], single, rtol=0, atol=0)


def test_catalogue_selection_matches_energyflow(rng):
    from jetfeat._multigraphs import token_of

    jets = random_jets(rng, 2, 6)
    ours = EFPSet("d<=5", kappa=0.5, beta=2.0)
    reference = energyflow_set(5, kappa=0.5, beta=2.0)
    reference_tokens = [token_of(graph) for graph in graphs_up_to(5)]
    assert sorted(ours.tokens) == sorted(reference_tokens)
    order = [reference_tokens.index(token) for token in ours.tokens]
    expected = np.array([reference.compute(jet) for jet in jets])[:, order]
    np.testing.assert_allclose(ours.compute(jets), expected, rtol=RTOL)
