"""Angularities, pT_D, girth and planar flow against numpy sums and exact configurations."""

from __future__ import annotations

import numpy as np
import pytest

from jetfeat import _core
from jetfeat.jets import as_jet_batch
from jetfeat.substructure import compute
from jetfeat.substructure._angularities import angularities, jet_shapes
from jetfeat.substructure._kinematics import kinematics


def numpy_axis(p4s):
    energy, px, py, pz = p4s.sum(axis=0)
    return 0.5 * np.log((energy + pz) / (energy - pz)), np.arctan2(py, px)


def numpy_distances(ptyphims, axis_y, axis_phi):
    dphi = np.angle(np.exp(1j * (ptyphims[:, 2] - axis_phi)))
    return np.hypot(ptyphims[:, 1] - axis_y, dphi)


def numpy_planar_flow(p4s):
    momentum = p4s[:, 1:].sum(axis=0)
    n = momentum / np.linalg.norm(momentum)
    # Project onto the plane transverse to n; the tensor's invariants do not depend on the basis.
    transverse = p4s[:, 1:] - np.outer(p4s[:, 1:] @ n, n)
    tensor = (transverse.T / p4s[:, 0]) @ transverse
    eigenvalues = np.linalg.eigvalsh(tensor)
    largest_two = eigenvalues[-2:]
    return 4 * largest_two.prod() / largest_two.sum() ** 2


@pytest.fixture
def random_jets(rng):
    jets = []
    for m in (1, 2, 3, 12, 50):
        pt = rng.exponential(20.0, m) + 0.1
        phi = np.angle(np.exp(1j * rng.normal(3.0, 0.3, m)))
        rows = np.stack([pt, rng.normal(-0.4, 0.3, m), phi, rng.choice([0.0, 0.13957], m)],
                        axis=1)
        jets.append(rows)
    return as_jet_batch(jets, coords="ptyphim")


@pytest.mark.parametrize("radius", [0.4, 0.8, 1.0])
def test_angularities_match_numpy(random_jets, radius):
    pairs = [(1.0, 0.5), (1.0, 1.0), (1.0, 2.0), (0.0, 0.0), (2.0, 0.0), (0.5, 1.5), (0.0, 1.0)]
    columns = angularities(random_jets, pairs=pairs, jet_radius=radius)
    for i in range(random_jets.n_jets):
        p4s, ptyphims = random_jets.jet(i)
        distances = numpy_distances(ptyphims, *numpy_axis(p4s))
        z = ptyphims[:, 0] / ptyphims[:, 0].sum()
        for kappa, beta in pairs:
            expected = np.sum(z**kappa * (distances / radius) ** beta)
            name = f"lambda_kappa{kappa:g}_beta{beta:g}"
            assert columns[name][i] == pytest.approx(expected, rel=1e-12, abs=1e-15), (i, name)


def test_named_angularity_defaults(random_jets):
    columns = angularities(random_jets)
    assert list(columns) == ["lambda_kappa1_beta0.5", "lambda_kappa1_beta1",
                             "lambda_kappa1_beta2", "lambda_kappa0_beta0"]
    np.testing.assert_array_equal(columns["lambda_kappa0_beta0"], random_jets.counts)
    by_name = angularities(random_jets, pairs=["LHA", "width"])
    np.testing.assert_array_equal(by_name["lambda_kappa1_beta0.5"],
                                  columns["lambda_kappa1_beta0.5"])


def test_shapes_match_numpy_and_identities(random_jets):
    shapes = jet_shapes(random_jets)
    lam = angularities(random_jets, pairs=[(2.0, 0.0), (1.0, 1.0)], jet_radius=0.8)
    np.testing.assert_allclose(shapes["pT_D"] ** 2, lam["lambda_kappa2_beta0"], rtol=1e-13)
    np.testing.assert_allclose(shapes["girth"], 0.8 * lam["lambda_kappa1_beta1"], rtol=1e-13)
    for i in range(random_jets.n_jets):
        p4s, ptyphims = random_jets.jet(i)
        pt = ptyphims[:, 0]
        assert shapes["pT_D"][i] == pytest.approx(np.sqrt(np.sum(pt**2)) / pt.sum(), rel=1e-13)
        distances = numpy_distances(ptyphims, *numpy_axis(p4s))
        assert shapes["girth"][i] == pytest.approx(np.sum(pt * distances) / pt.sum(), rel=1e-12)
        if len(p4s) >= 2:
            assert shapes["planar_flow"][i] == pytest.approx(numpy_planar_flow(p4s), rel=1e-9,
                                                             abs=1e-12)
    assert np.all((shapes["planar_flow"] >= 0.0) & (shapes["planar_flow"] <= 1.0))


def test_planar_flow_limits():
    # Two massless back-to-back (in the transverse plane) particles: linear flow, Pf = 0.
    # Four equal particles at right angles around the axis: isotropic flow, Pf = 1.
    two = np.array([[50.0, 0.1, 0.0, 0.0], [50.0, -0.1, 0.0, 0.0]])
    ring = np.array([[50.0, 0.1, 0.0, 0.0], [50.0, -0.1, 0.0, 0.0],
                     [50.0, 0.0, 0.1, 0.0], [50.0, 0.0, -0.1, 0.0]])
    one = np.array([[50.0, 0.7, -2.0, 0.13957]])
    collinear = np.array([[30.0, 0.7, -2.0, 0.0], [20.0, 0.7, -2.0, 0.0]])
    shapes = jet_shapes(as_jet_batch([two, ring, one, collinear], coords="ptyphim"))
    assert shapes["planar_flow"][0] == pytest.approx(0.0, abs=1e-12)
    assert shapes["planar_flow"][1] == pytest.approx(1.0, rel=1e-4)
    assert shapes["planar_flow"][2] == 0.0
    assert shapes["planar_flow"][3] == 0.0
    assert shapes["pT_D"][2] == 1.0
    assert shapes["girth"][2] == pytest.approx(0.0, abs=1e-15)


def test_empty_jet_gives_zeros():
    jets = np.zeros((2, 3, 4))
    jets[1, 0] = [20.0, 3.0, 4.0, 10.0]
    batch = as_jet_batch(jets)
    for columns in (angularities(batch), jet_shapes(batch)):
        for name, values in columns.items():
            assert values[0] == 0.0, name
            assert np.isfinite(values[1]), name


def test_beam_particle_rejected_only_when_direction_counts():
    jets = np.zeros((2, 3, 4))
    jets[0, 0] = [20.0, 3.0, 4.0, 10.0]
    jets[1, 0] = [20.0, 3.0, 4.0, 10.0]
    jets[1, 1] = [5.0, 0.0, 0.0, 5.0]
    batch = as_jet_batch(jets)
    columns = angularities(batch, pairs=[(1.0, 1.0), (0.0, 0.0)])
    assert columns["lambda_kappa0_beta0"][1] == 2.0
    with pytest.raises(ValueError, match="jet 1, particle 1 has pT = 0"):
        angularities(batch, pairs=[(0.0, 1.0)])


@pytest.mark.parametrize("pairs, match", [
    ([(-1.0, 1.0)], "invalid"),
    ([(1.0, float("nan"))], "invalid"),
    (["LHB"], "unknown angularity"),
    ([(1.0,)], "two numbers"),
    ([], "empty"),
])
def test_angularities_reject_bad_pairs(random_jets, pairs, match):
    with pytest.raises(ValueError, match=match):
        angularities(random_jets, pairs=pairs)


@pytest.mark.parametrize("radius", [0.0, -0.4, float("inf")])
def test_angularities_reject_bad_radius(random_jets, radius):
    with pytest.raises(ValueError, match="jet_radius"):
        angularities(random_jets, jet_radius=radius)


def test_angularities_reject_unknown_axis(random_jets):
    with pytest.raises(ValueError, match="axis='wta'"):
        angularities(random_jets, axis="wta")
    with pytest.raises(ValueError, match="axis='wta'"):
        jet_shapes(random_jets, axis="wta")


def test_core_angularities_reject_bad_axes(random_jets):
    with pytest.raises(ValueError, match="axes"):
        _core.angularities(random_jets.ptyphims, random_jets.offsets, np.zeros((2, 2)), 0.8,
                           np.array([1.0]), np.array([1.0]), 1)


def test_angularities_threads_bitwise_equal(pythia_sample):
    jets, _ = pythia_sample
    batch = as_jet_batch(jets[:400])
    one = compute(batch, ["angularities", "jet_shapes"], n_jobs=1).to_numpy()
    two = compute(batch, ["angularities", "jet_shapes"], n_jobs=2).to_numpy()
    np.testing.assert_array_equal(one, two)


def test_pythia_mass_angularity_tracks_mass(pythia_sample):
    # For narrow jets m^2 ~ pT^2 R^2 lambda^1_2 / (1 + ...) to leading order in the angles:
    # check the two are strongly correlated, which catches a wrong axis or normalisation.
    jets, _ = pythia_sample
    batch = as_jet_batch(jets[:500])
    lam = angularities(batch, pairs=[(1.0, 2.0)], jet_radius=0.8)["lambda_kappa1_beta2"]
    kin = kinematics(batch)
    ratio = (kin["m"] / kin["pT"]) ** 2
    assert np.corrcoef(ratio, lam * 0.8**2)[0, 1] > 0.95
    assert np.median(ratio / (lam * 0.8**2)) == pytest.approx(1.0, abs=0.15)
