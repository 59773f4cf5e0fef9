"""Jet kinematics against numpy sums and FastJet's PseudoJet."""

from __future__ import annotations

import numpy as np
import pytest

from jetfeat import _core
from jetfeat.jets import as_jet_batch
from jetfeat.substructure import FAMILIES, compute
from jetfeat.substructure._kinematics import KINEMATICS_COLUMNS, kinematics, positive_values


def numpy_kinematics(p4s):
    energy, px, py, pz = p4s.sum(axis=0)
    pt = np.hypot(px, py)
    mass = np.sqrt(max(energy**2 - pt**2 - pz**2, 0.0))
    return {
        "pT": pt,
        "y": 0.5 * np.log((energy + pz) / (energy - pz)),
        "eta": np.arcsinh(pz / pt),
        "phi": np.arctan2(py, px),
        "m": mass,
        "E": energy,
        "multiplicity": float(len(p4s)),
    }


@pytest.fixture
def random_jets(rng):
    jets = []
    for m in (1, 2, 5, 30, 80):
        pt = rng.exponential(20.0, m) + 0.1
        rows = np.stack([pt, rng.normal(0.0, 1.5, m), rng.uniform(-np.pi, np.pi, m),
                         rng.choice([0.0, 0.13957, 0.938], m)], axis=1)
        jets.append(rows)
    return as_jet_batch(jets, coords="ptyphim")


def test_kinematics_matches_numpy(random_jets):
    columns = kinematics(random_jets)
    assert tuple(columns) == KINEMATICS_COLUMNS
    for i in range(random_jets.n_jets):
        p4s, _ = random_jets.jet(i)
        expected = numpy_kinematics(p4s)
        for name, value in expected.items():
            assert columns[name][i] == pytest.approx(value, rel=1e-12, abs=1e-12), (i, name)


@pytest.mark.fastjet
def test_kinematics_matches_fastjet(pythia_sample):
    fastjet = pytest.importorskip("fastjet")
    jets, _ = pythia_sample
    batch = as_jet_batch(jets[:300])
    columns = kinematics(batch)
    for i in range(batch.n_jets):
        p4s, _ = batch.jet(i)
        jet = fastjet.join([fastjet.PseudoJet(px, py, pz, e) for e, px, py, pz in p4s])
        assert columns["pT"][i] == pytest.approx(jet.pt(), rel=1e-12)
        assert columns["y"][i] == pytest.approx(jet.rap(), rel=1e-10, abs=1e-12)
        assert columns["eta"][i] == pytest.approx(jet.eta(), rel=1e-10, abs=1e-12)
        assert columns["phi"][i] == pytest.approx(jet.phi_std(), rel=1e-12, abs=1e-12)
        assert columns["m"][i] == pytest.approx(jet.m(), rel=1e-9)
        assert columns["E"][i] == pytest.approx(jet.E(), rel=1e-12)
        assert columns["multiplicity"][i] == len(jet.constituents())


def test_kinematics_phi_range(rng):
    # Jets straddling phi = pi: the sum may sit on either side but stays in (-pi, pi].
    rows = [np.array([[10.0, 0.0, np.pi - 0.01, 0.0], [10.0, 0.0, -np.pi + 0.01, 0.0]]),
            np.array([[5.0, 1.0, -np.pi, 0.0]])]
    columns = kinematics(as_jet_batch(rows, coords="ptyphim"))
    assert np.all(columns["phi"] > -np.pi)
    assert np.all(columns["phi"] <= np.pi)
    assert columns["phi"][0] == pytest.approx(np.pi, abs=1e-12)
    assert columns["phi"][1] == pytest.approx(np.pi, abs=1e-12)


def test_kinematics_empty_and_beam_jets():
    jets = np.zeros((3, 2, 4))
    jets[1, 0] = [10.0, 0.0, 0.0, 10.0]  # a massless particle along the beam: pT = 0
    jets[2, 0] = [5.0, 3.0, 0.0, 4.0]
    columns = kinematics(as_jet_batch(jets))
    for name in KINEMATICS_COLUMNS:
        assert columns[name][0] == 0.0, name
    assert columns["pT"][1] == 0.0
    assert (columns["y"][1], columns["eta"][1], columns["phi"][1]) == (0.0, 0.0, 0.0)
    assert columns["E"][1] == 10.0
    assert columns["multiplicity"][1] == 1.0
    assert columns["m"][2] == 0.0
    assert columns["pT"][2] == pytest.approx(3.0)


def test_kinematics_single_particle_mass(rng):
    rows = np.array([[25.0, -0.7, 1.2, 0.13957]])
    columns = kinematics(as_jet_batch(rows, coords="ptyphim"))
    assert columns["m"][0] == pytest.approx(0.13957, rel=1e-9)
    assert columns["y"][0] == pytest.approx(-0.7, rel=1e-13)
    assert columns["phi"][0] == pytest.approx(1.2, rel=1e-13)


def test_kinematics_threads_bitwise_equal(random_jets):
    one = _core.jet_kinematics(random_jets.p4s, random_jets.offsets, 1)
    two = _core.jet_kinematics(random_jets.p4s, random_jets.offsets, 2)
    np.testing.assert_array_equal(one, two)


def test_kinematics_registered_and_in_standard_preset(random_jets):
    assert "kinematics" in FAMILIES
    table = compute(random_jets, "standard")
    for name in ("pT", "eta", "m", "multiplicity"):
        np.testing.assert_array_equal(table[name], kinematics(random_jets)[name])


def test_core_kinematics_rejects_bad_shape():
    with pytest.raises(ValueError, match="p4s must have extent 4"):
        _core.jet_kinematics(np.zeros((3, 3)), np.array([0, 3]), 1)


@pytest.mark.parametrize("bad", [0.0, -2.0, float("nan"), [], [1.0, float("inf")]])
def test_positive_values_rejects(bad):
    with pytest.raises(ValueError, match="beta"):
        positive_values(bad, "beta")


@pytest.mark.parametrize("bad", ["1.5", [1.0, "x"], [None]])
def test_positive_values_rejects_non_numbers(bad):
    with pytest.raises(TypeError, match="beta"):
        positive_values(bad, "beta")
