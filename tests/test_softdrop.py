"""Soft drop and iterated soft drop against fastjet-contrib 1.051 (RecursiveTools), its example
outputs and hand-built jets."""

from __future__ import annotations

import re

import numpy as np
import pytest
from test_clustering import assert_rel, random_jets, reference_table
from test_nsubjettiness import _event_jets

import jetfeat.substructure as sub
from jetfeat.jets import as_jet_batch

N_PYTHIA_JETS = 200
FIELDS = ["pt", "mass", "zg", "rg", "mu", "E", "px", "py", "pz", "nconst"]


@pytest.fixture(scope="module")
def pythia_batch(pythia_sample):
    jets, _ = pythia_sample
    return as_jet_batch(jets[:N_PYTHIA_JETS])


@pytest.mark.fastjet
@pytest.mark.parametrize("zcut, beta, R0", [(0.1, 0.0, 1.0), (0.1, 1.0, 0.8), (0.2, 2.0, 1.0),
                                            (0.3, -0.5, 1.0)])
def test_soft_drop_matches_fastjet_contrib(pythia_batch, rng, zcut, beta, R0):
    for batch in (pythia_batch, random_jets(rng)):
        ref = reference_table(batch, "softdrop", zcut, beta, R0)
        got = sub.soft_drop(batch, zcut=zcut, beta=beta, R0=R0)
        groomed_to_one = ref[:, 3] < 0  # fastjet-contrib marks "no substructure" with -1
        for column, name in enumerate(FIELDS):
            expected = ref[:, column].copy()
            if name in ("zg", "rg", "mu"):
                expected[groomed_to_one] = 0.0
            assert_rel(got[name], expected, 1e-9, f"{name} (zcut={zcut}, beta={beta})")


@pytest.mark.fastjet
@pytest.mark.parametrize("zcut, beta, theta_cut", [(0.005, -1.0, 0.0), (0.1, 0.0, 0.0),
                                                   (0.05, 1.0, 0.1)])
def test_iterated_soft_drop_matches_fastjet_contrib(pythia_batch, zcut, beta, theta_cut):
    ref = reference_table(pythia_batch, "isd", zcut, beta, 1.0, theta_cut)[:, 0]
    got = sub.iterated_soft_drop_multiplicity(pythia_batch, zcut=zcut, beta=beta,
                                              theta_cut=theta_cut)
    assert np.array_equal(got, ref.astype(np.int64))


def _printed_blocks(path, groomed_label):
    """Parse the original / groomed jet blocks of a RecursiveTools example output."""
    number = r"([-+0-9.e]+)"
    text = path.read_text()
    originals = re.findall(rf"original\s+jet:\s+pt = {number} m = {number}", text)
    groomed = re.findall(
        rf"{groomed_label}\s+jet:\s+pt = {number} m = {number} y = {number} phi = {number}\n"
        rf"\s+delta_R between subjets: {number}\n\s+symmetry measure\(z\):\s+{number}\n"
        rf"\s+mass drop\(mu\):\s+{number}", text)
    return np.array(originals, float), np.array(groomed, float)


def _check_example(jets, originals, groomed, zcut, beta):
    assert len(groomed) > 0, "no groomed jet parsed from the example output"
    assert len(groomed) == len(originals) == len(jets)
    for jet, original, expected in zip(jets, originals, groomed):
        batch = as_jet_batch(jet)
        total = batch.p4s.sum(axis=0)
        np.testing.assert_allclose([np.hypot(total[1], total[2])], original[:1], rtol=1e-5)
        got = sub.soft_drop(jet, zcut=zcut, beta=beta)
        y = 0.5 * np.log((got["E"] + got["pz"]) / (got["E"] - got["pz"]))
        phi = np.mod(np.arctan2(got["py"], got["px"]), 2 * np.pi)
        values = np.concatenate([got["pt"], got["mass"], y, phi, got["rg"], got["zg"], got["mu"]])
        # The examples print six significant digits.
        np.testing.assert_allclose(values, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.fastjet
def test_softdrop_example(fjcontrib_dir):
    # example_softdrop: anti-kT R = 1 jets of the event, SoftDrop(beta = 2, z_cut = 0.1).
    originals, groomed = _printed_blocks(fjcontrib_dir / "RecursiveTools" / "example_softdrop.ref",
                                         "SoftDropped")
    jets = _event_jets(fjcontrib_dir, "antikt", 1.0, n_jets=len(groomed))
    _check_example(jets, originals, groomed, zcut=0.1, beta=2.0)


@pytest.mark.fastjet
def test_mmdt_example(fjcontrib_dir):
    # example_mmdt: C/A R = 1 jets, ModifiedMassDropTagger(z_cut = 0.1), i.e. soft drop with
    # beta = 0; every printed jet is tagged, so grooming and tagging modes agree.
    originals, groomed = _printed_blocks(fjcontrib_dir / "RecursiveTools" / "example_mmdt.ref",
                                         "tagged  ")
    jets = _event_jets(fjcontrib_dir, "cambridge", 1.0, n_jets=len(groomed))
    _check_example(jets, originals, groomed, zcut=0.1, beta=0.0)


def _p4(pt, y, phi, m=0.0):
    mt = np.hypot(pt, m)
    return [mt * np.cosh(y), pt * np.cos(phi), pt * np.sin(phi), mt * np.sinh(y)]


def test_hand_built_jet_drops_soft_wide_particle():
    # A hard two-prong core (z = 0.4, DeltaR = 0.1) plus a soft wide-angle particle (pT = 2 of
    # 102, DeltaR ~ 0.6): C/A merges the core first, soft drop removes the wide particle and
    # stops at the core, so z_g = 0.4 and R_g = 0.1.
    jet = np.array([_p4(60.0, 0.0, 0.0), _p4(40.0, 0.1, 0.0), _p4(2.0, 0.6, 0.0)])
    got = sub.soft_drop(jet, zcut=0.1, beta=0.0)
    assert got["zg"][0] == pytest.approx(0.4, rel=1e-12)
    assert got["rg"][0] == pytest.approx(0.1, rel=1e-12)
    assert got["nconst"][0] == 2
    core = np.array(jet[:2]).sum(axis=0)
    assert got["mass"][0] == pytest.approx(np.sqrt(core[0] ** 2 - np.sum(core[1:] ** 2)), rel=1e-9)
    assert sub.iterated_soft_drop_multiplicity(jet, zcut=0.1, beta=0.0)[0] == 1


def test_single_particle_jet():
    jet = np.array([_p4(50.0, 0.2, 1.0, m=0.5)])
    got = sub.soft_drop(jet)
    assert got["pt"][0] == pytest.approx(50.0, rel=1e-12)
    assert got["mass"][0] == pytest.approx(0.5, rel=1e-6)
    assert (got["zg"][0], got["rg"][0], got["mu"][0], got["nconst"][0]) == (0.0, 0.0, 0.0, 1.0)


def test_standard_preset_names(pythia_sample):
    table = sub.compute(pythia_sample[0][:20], "standard")
    got = sub.soft_drop(pythia_sample[0][:20])
    np.testing.assert_array_equal(table["sd_mass_beta0_zcut0.1_R1"], got["mass"])
    np.testing.assert_array_equal(table["sd_pt_beta0_zcut0.1_R1"], got["pt"])


def test_threads_bitwise_equal(pythia_sample):
    jets = pythia_sample[0][:300]
    one = sub.compute(jets, ["softdrop", "iterated_softdrop"], n_jobs=1).to_numpy()
    two = sub.compute(jets, ["softdrop", "iterated_softdrop"], n_jobs=2).to_numpy()
    assert np.array_equal(one, two)


@pytest.mark.parametrize("kwargs, message", [
    ({"zcut": 1.0}, r"zcut must be in \[0, 1\)"),
    ({"zcut": -0.1}, r"zcut must be in \[0, 1\)"),
    ({"beta": float("inf")}, "beta must be finite"),
    ({"R0": 0.0}, "R0 must be a finite number > 0"),
])
def test_bad_parameters(kwargs, message):
    jet = np.array([_p4(60.0, 0.0, 0.0), _p4(40.0, 0.1, 0.0)])
    with pytest.raises(ValueError, match=message):
        sub.soft_drop(jet, **kwargs)


def test_zero_mass_collinear_jet():
    # Massless particles along one direction: the jet and every subjet have m = 0, the
    # splittings have DeltaR = 0, and nothing may come out as NaN.
    direction = np.array(_p4(1.0, 0.4, -2.0))
    jet = np.stack([40.0 * direction, 30.0 * direction, 1.0 * direction])
    got = sub.soft_drop(jet, zcut=0.1, beta=0.0)
    for name in FIELDS:
        assert np.all(np.isfinite(got[name])), name
    assert got["pt"][0] == pytest.approx(71.0, rel=1e-12)
    assert abs(got["mass"][0]) <= 1e-6
    assert got["mu"][0] == 0.0
    tau = sub.nsubjettiness(jet, 3, axes="onepass_kt")
    assert np.all(np.isfinite(tau))
    # Rounding of the scaled momenta leaves angles of about 1e-16, hence a tolerance.
    assert np.all(np.abs(tau) <= 1e-12 * 71.0)
