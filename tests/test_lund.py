"""Primary Lund plane declusterings against fastjet-contrib 1.051 (LundPlane) and its example."""

from __future__ import annotations

import re

import numpy as np
import pytest
from test_clustering import assert_rel, random_jets, reference_ragged
from test_nsubjettiness import _event_jets

import jetfeat.substructure as sub
from jetfeat.jets import as_jet_batch

FIELDS = ["delta", "kt", "z", "psi", "kappa", "m"]


@pytest.mark.fastjet
def test_declusterings_match_fastjet_contrib(pythia_sample, rng):
    for batch in (as_jet_batch(pythia_sample[0][:150]), random_jets(rng)):
        ref, counts = reference_ragged(batch, "lund")
        got = sub.lund_plane(batch, library="numpy")
        assert np.array_equal(np.diff(got["offsets"]), counts)
        for column, name in enumerate(FIELDS):
            assert_rel(got[name], ref[:, column], 1e-9, name)


@pytest.mark.fastjet
def test_lund_example(fjcontrib_dir):
    # LundPlane example: anti-kT R = 1 jets of the event, (ln 1/Delta, ln kT) of each primary
    # declustering printed with six significant digits.
    text = (fjcontrib_dir / "LundPlane" / "example.ref").read_text()
    blocks = re.findall(r"declusterings of jet \d+ are:\n(.*)\n", text)
    assert len(blocks) == 2, "expected the declusterings of two jets in the example output"
    jets = _event_jets(fjcontrib_dir, "antikt", 1.0, n_jets=len(blocks))
    planes = sub.lund_plane(jets)
    for plane, block in zip(planes, blocks):
        expected = np.array(re.findall(r"\(([-0-9.e]+), ([-0-9.e]+)\)", block), float)
        got = np.stack([plane["ln_inv_delta"].to_numpy(), plane["ln_kt"].to_numpy()], axis=1)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def _p4(pt, y, phi):
    return [pt * np.cosh(y), pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(y)]


def test_three_particle_jet_by_hand():
    # C/A merges the close pair (DeltaR = 0.05) first, so the primary sequence is the wide
    # emission (pT 5 at DeltaR ~ 0.5 from the core) and then the collinear split inside the core.
    jet = np.array([_p4(80.0, 0.0, 0.0), _p4(20.0, 0.05, 0.0), _p4(5.0, 0.0, 0.5)])
    plane = sub.lund_plane(jet, library="numpy")
    assert plane["offsets"].tolist() == [0, 2]
    assert plane["z"][0] == pytest.approx(5.0 / 105.0, rel=1e-3)
    assert plane["delta"][1] == pytest.approx(0.05, rel=1e-12)
    assert plane["kt"][1] == pytest.approx(20.0 * 0.05, rel=1e-12)
    assert plane["z"][1] == pytest.approx(0.2, rel=1e-12)
    # The softer branch sits at larger rapidity and the same phi: psi = atan2(+, 0) = pi/2.
    assert plane["psi"][1] == pytest.approx(np.pi / 2, rel=1e-12)
    np.testing.assert_allclose(plane["ln_kt"], np.log(plane["kt"]), rtol=1e-15)


def test_summary_features_brute_force(pythia_sample):
    jets = pythia_sample[0][:40]
    table = sub.compute(jets, {"lund": {"kt_cut": 2.0}})
    planes = sub.lund_plane(jets).tolist()
    for i, plane in enumerate(planes):
        kts = np.array([step["kt"] for step in plane])
        assert table["lund_nprimary"][i] == len(plane)
        assert table["lund_nprimary_kt2"][i] == np.sum(kts > 2.0)
        best = int(np.argmax(kts))
        assert table["lund_ktmax"][i] == kts[best]
        assert table["lund_lnktmax"][i] == pytest.approx(np.log(kts[best]), rel=1e-15)
        assert table["lund_z_ktmax"][i] == plane[best]["z"]
        assert table["lund_delta_ktmax"][i] == plane[best]["delta"]


def test_single_particle_jet_has_no_declusterings():
    jets = [np.array([_p4(30.0, 0.0, 0.0)]), np.array([_p4(30.0, 0.0, 0.0), _p4(3.0, 0.2, 0.1)])]
    planes = sub.lund_plane(jets)
    assert [len(p) for p in planes.tolist()] == [0, 1]
    table = sub.compute(jets, ["lund"])
    assert table["lund_nprimary"].tolist() == [0.0, 1.0]
    assert table["lund_ktmax"][0] == 0.0
    assert table["lund_lnktmax"][0] == 0.0


def test_threads_bitwise_equal(pythia_sample):
    jets = pythia_sample[0][:300]
    one = sub.lund_plane(jets, library="numpy", n_jobs=1)
    two = sub.lund_plane(jets, library="numpy", n_jobs=2)
    for name in FIELDS:
        assert np.array_equal(one[name], two[name])


def test_bad_kt_cut():
    with pytest.raises(ValueError, match="kt_cut must be a finite number > 0"):
        sub.compute(np.array([_p4(30.0, 0.0, 0.0)]), {"lund": {"kt_cut": -1.0}})
