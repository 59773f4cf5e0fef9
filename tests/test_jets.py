"""Jet input layer: packing, padding removal, coordinate conversion and input validation."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest

import jetfeat
from jetfeat.jets import JetBatch, as_jet_batch


def random_p4s(rng, n_jets, n_particles, mass=0.0):
    """Return (n_jets, n_particles, 4) E,px,py,pz of particles with the given mass."""
    pt = rng.exponential(20.0, size=(n_jets, n_particles)) + 0.5
    y = rng.normal(0.0, 1.0, size=(n_jets, n_particles))
    phi = rng.uniform(-np.pi, np.pi, size=(n_jets, n_particles))
    mt = np.sqrt(pt**2 + mass**2)
    return np.stack([mt * np.cosh(y), pt * np.cos(phi), pt * np.sin(phi), mt * np.sinh(y)], -1)


def test_padding_rows_dropped(rng):
    jets = random_p4s(rng, 3, 6)
    jets[0, 4:] = 0.0
    jets[2, 1] = 0.0  # padding in the middle of a jet is dropped too
    batch = as_jet_batch(jets)
    assert batch.n_jets == 3
    np.testing.assert_array_equal(batch.counts, [4, 6, 5])
    np.testing.assert_array_equal(batch.jet(2)[0], jets[2, [0, 2, 3, 4, 5]])


def test_single_jet_is_batch_of_one(rng):
    jet = random_p4s(rng, 1, 5)[0]
    batch = as_jet_batch(jet)
    assert batch.n_jets == 1
    assert batch.counts.tolist() == [5]


def test_ptyphim_round_trip(rng):
    jets = random_p4s(rng, 4, 7, mass=0.14)
    batch = as_jet_batch(jets)
    again = as_jet_batch(batch.ptyphims.reshape(4, 7, 4), coords="ptyphim")
    np.testing.assert_allclose(again.p4s, batch.p4s, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(again.ptyphims, batch.ptyphims, rtol=1e-12, atol=1e-12)
    assert np.all(batch.ptyphims[:, 3] == pytest.approx(0.14, rel=1e-6))


def test_phi_range_is_half_open(rng):
    jets = np.array([[[10.0, -10.0, 0.0, 0.0], [10.0, -10.0, -0.0, 0.0]]])
    batch = as_jet_batch(jets)
    np.testing.assert_array_equal(batch.ptyphims[:, 2], [np.pi, np.pi])
    wrapped = as_jet_batch(np.array([[5.0, 0.0, -np.pi, 0.0]]), coords="ptyphim")
    assert wrapped.ptyphims[0, 2] == pytest.approx(np.pi)


def test_layouts_give_same_batch(rng):
    # Values exactly representable in float32, so the float32 variant must match bit for bit.
    jets = random_p4s(rng, 5, 8).astype(np.float32).astype(np.float64)
    jets[1, 6:] = 0.0
    reference = as_jet_batch(np.ascontiguousarray(jets))
    fortran = np.asfortranarray(jets)
    strided = np.zeros((5, 16, 8))
    strided[:, ::2, ::2] = jets
    variants = {
        "float32": jets.astype(np.float32),
        "fortran": fortran,
        "strided": strided[:, ::2, ::2],
        "list": [jet[np.any(jet != 0, axis=1)] for jet in jets],
        "awkward": ak.Array([jet[np.any(jet != 0, axis=1)].tolist() for jet in jets]),
    }
    for name, variant in variants.items():
        batch = as_jet_batch(variant)
        np.testing.assert_array_equal(batch.offsets, reference.offsets, err_msg=name)
        np.testing.assert_allclose(batch.p4s, reference.p4s, rtol=0, err_msg=name)


def test_awkward_slice_of_larger_array(rng):
    jets = random_p4s(rng, 6, 4)
    array = ak.Array(jets.tolist())
    batch = as_jet_batch(array[2:5])
    np.testing.assert_array_equal(batch.p4s, jets[2:5].reshape(-1, 4))


def test_awkward_records(rng):
    jets = random_p4s(rng, 2, 3)
    records = ak.zip({"E": jets[..., 0], "px": jets[..., 1], "py": jets[..., 2],
                      "pz": jets[..., 3]})
    batch = as_jet_batch(records)
    np.testing.assert_array_equal(batch.p4s, jets.reshape(-1, 4))


def test_input_not_modified(rng):
    jets = random_p4s(rng, 3, 4)
    jets[0, 3] = 0.0
    before = jets.copy()
    as_jet_batch(jets)
    np.testing.assert_array_equal(jets, before)


def test_empty_batch():
    batch = as_jet_batch(np.zeros((0, 10, 4)))
    assert batch.n_jets == 0
    assert batch.p4s.shape == (0, 4)


def test_select_and_padded(rng):
    jets = random_p4s(rng, 4, 5)
    jets[3, 2:] = 0.0
    batch = as_jet_batch(jets)
    subset = batch.select(np.array([3, 0]))
    assert subset.counts.tolist() == [2, 5]
    padded, counts = subset.padded()
    np.testing.assert_array_equal(padded[0, :2], jets[3, :2])
    np.testing.assert_array_equal(padded[0, 2:], 0.0)
    np.testing.assert_array_equal(counts, [2, 5])


@pytest.mark.parametrize(
    ("value", "column", "match"),
    [
        (np.nan, 1, r"jet 1, particle 2 has a non-finite coordinate"),
        (np.inf, 0, r"jet 1, particle 2 has a non-finite coordinate"),
        (-5.0, 0, r"jet 1, particle 2 has negative energy E=-5.0"),
        (1e-3, 0, r"jet 1, particle 2 has E=0.001 GeV smaller than \|p\|"),
    ],
    ids=["nan", "inf", "negative-energy", "tachyonic"],
)
def test_bad_momenta_named(rng, value, column, match):
    jets = random_p4s(rng, 3, 4)
    jets[1, 2, column] = value
    with pytest.raises(ValueError, match=match):
        as_jet_batch(jets)


def test_bad_shape_and_dtype():
    with pytest.raises(ValueError, match=r"shape \(2, 5, 3\).*expected \(N, M, 4\)"):
        as_jet_batch(np.ones((2, 5, 3)))
    with pytest.raises(TypeError, match="dtype <U1"):
        as_jet_batch(np.array([["a"] * 4]))
    with pytest.raises(ValueError, match="coords='cartesian' is not supported"):
        as_jet_batch(np.ones((1, 4)), coords="cartesian")
    with pytest.raises(ValueError, match="jet 1 has shape"):
        as_jet_batch([np.ones((2, 4)), np.ones((2, 3))])


def test_negative_pt_in_ptyphim():
    with pytest.raises(ValueError, match=r"pT=-1.0 GeV"):
        as_jet_batch(np.array([[-1.0, 0.0, 0.0, 0.0]]), coords="ptyphim")


def test_particle_along_beam_has_zero_direction():
    jets = np.array([[[100.0, 30.0, 40.0, 86.60254037844386], [7.0, 0.0, 0.0, 7.0]]])
    batch = as_jet_batch(jets)
    assert batch.ptyphims[1].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_batch_passthrough(rng):
    batch = as_jet_batch(random_p4s(rng, 2, 3))
    assert as_jet_batch(batch) is batch
    assert isinstance(batch, JetBatch)


def test_show_config(capsys):
    jetfeat.show_config()
    output = capsys.readouterr().out
    assert "parallelism" in output
    assert jetfeat.config.build_info()["max_threads"] >= 1


def test_integer_jets_hint_truncation():
    jets = np.array([[[113, 80, 80, 0], [50, 30, 40, 0]]])
    with pytest.raises(ValueError, match="given as integers, which truncates momenta"):
        as_jet_batch(jets)
    assert as_jet_batch(jets[:, 1:]).counts.tolist() == [1]
