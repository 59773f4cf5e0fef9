"""EFPSet input handling: layouts, bad input, threads, names."""

from __future__ import annotations

import pickle
import re

import numpy as np
import pytest

import jetfeat
from jetfeat._multigraphs import token_of
from jetfeat.efp import EFP, EFPSet, discoffs_pool, graph_of

GRAPHS = [
    [(0, 1)],
    [(0, 1), (1, 2)],
    [(0, 1), (1, 2), (0, 2)],
    [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)],
    [(0, 1), (0, 1), (2, 3), (3, 4), (2, 4)],
]


@pytest.fixture
def efps():
    return EFPSet(*GRAPHS, kappas=(0.5, 1.0), betas=(1.0, 2.0))


@pytest.fixture
def jets(rng):
    """(4, 20, 4) float64 (E, px, py, pz) jets with 20, 15, 1 and 8 real particles."""
    n_jets, width = 4, 20
    pt = rng.exponential(10.0, (n_jets, width)) + 0.1
    y = rng.normal(0.0, 0.4, (n_jets, width))
    phi = rng.normal(3.0, 0.4, (n_jets, width))
    out = np.stack([pt * np.cosh(y), pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(y)], -1)
    for jet, count in enumerate((20, 15, 1, 8)):
        out[jet, count:] = 0.0
    return out


def test_output_shape_and_names(efps, jets):
    values = efps.compute(jets)
    assert values.shape == (4, len(efps)) == (4, 20)
    assert values.dtype == np.float64
    assert len(efps.feature_names) == len(set(efps.feature_names)) == 20
    assert efps.feature_names[0] == "efp_d1_01_k0.5_b1"
    for name in efps.feature_names:
        # XGBoost rejects '[', ']' and '<' in feature names.
        assert re.fullmatch(r"[A-Za-z0-9_.\-]+", name), name


def test_graph_of_round_trips(efps):
    for index, name in enumerate(efps.feature_names):
        assert token_of(graph_of(name)) == token_of(efps.graphs[index % 5])
    with pytest.raises(ValueError, match="not an EFP feature name"):
        graph_of("tau21_beta1")


def test_table_columns(efps, jets):
    table = efps.table(jets)
    assert table.names == efps.feature_names
    np.testing.assert_array_equal(table.to_numpy(), efps.compute(jets))


def test_layouts_give_same_result(efps, jets):
    expected = efps.compute(jets)
    fortran = np.asfortranarray(jets)
    np.testing.assert_array_equal(efps.compute(fortran), expected)
    wide = np.zeros((8, 20, 8))
    wide[::2, :, ::2] = jets
    strided = wide[::2, :, ::2]
    assert not strided.flags.c_contiguous
    np.testing.assert_array_equal(efps.compute(strided), expected)
    np.testing.assert_array_equal(efps.compute(jets[1:3]), expected[1:3])
    np.testing.assert_array_equal(efps.compute(jets[2]), expected[2:3])
    shuffled = jets[:, ::-1]  # padding first: rows of zeros are dropped wherever they sit
    np.testing.assert_allclose(efps.compute(shuffled), expected, rtol=1e-12)


def test_float32_and_ptyphim_input(efps, jets):
    as32 = jets.astype(np.float32)
    np.testing.assert_array_equal(efps.compute(as32), efps.compute(as32.astype(np.float64)))
    batch = jetfeat.as_jet_batch(jets)
    ptyphim = [batch.jet(i)[1] for i in range(4)]
    np.testing.assert_allclose(
        efps.compute(ptyphim, coords="ptyphim"), efps.compute(jets), rtol=1e-10
    )


def test_awkward_input_and_slices(efps, jets):
    ak = pytest.importorskip("awkward")
    ragged = ak.Array([jet[np.any(jet != 0, axis=1)] for jet in jets])
    expected = efps.compute(jets)
    np.testing.assert_array_equal(efps.compute(ragged), expected)
    np.testing.assert_array_equal(efps.compute(ragged[1:3]), expected[1:3])


def test_caller_array_not_modified(efps, jets):
    before = jets.copy()
    efps.compute(jets)
    np.testing.assert_array_equal(jets, before)


def test_threads_bitwise_equal(rng):
    efps = EFPSet(*GRAPHS, kappas=(-1.0, 1.0), betas=(0.5, 2.0))
    pt = rng.exponential(10.0, (37, 30)) + 0.1
    y, phi = rng.normal(0, 0.4, (2, 37, 30))
    jets = np.stack([pt * np.cosh(y), pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(y)], -1)
    one = efps.compute(jets, n_jobs=1)
    two = efps.compute(jets, n_jobs=2)
    every = efps.compute(jets, n_jobs=-1)
    assert np.array_equal(one, two)
    assert np.array_equal(one, every)


def test_empty_batch(efps):
    values = efps.compute(np.zeros((0, 10, 4)))
    assert values.shape == (0, len(efps))


def test_unnormed_empty_jet_is_zero():
    values = EFPSet(*GRAPHS, normed=False).compute(np.zeros((2, 5, 4)))
    np.testing.assert_array_equal(values, 0.0)


@pytest.mark.parametrize(
    ("mutate", "match"),
    [
        (lambda j: j.__setitem__((1, 3, 2), np.nan), "jet 1, particle 3 has a non-finite"),
        (lambda j: j.__setitem__((2, 0, 1), np.inf), "jet 2, particle 0 has a non-finite"),
        (lambda j: j.__setitem__((3, 2, 0), -5.0), "jet 3, particle 2 has negative energy"),
    ],
    ids=["nan", "inf", "negative-energy"],
)
def test_bad_momenta_raise(efps, jets, mutate, match):
    mutate(jets)
    with pytest.raises(ValueError, match=match):
        efps.compute(jets)


def test_wrong_trailing_dimension(efps):
    with pytest.raises(ValueError, match=r"expected \(N, M, 4\)"):
        efps.compute(np.ones((2, 5, 3)))


def test_zero_pt_jet_raises(efps, jets):
    # Particles along the beam: E = |pz|, pT = 0.
    jets[1] = 0.0
    jets[1, :3, 0] = 10.0
    jets[1, :3, 3] = 10.0
    with pytest.raises(ValueError, match="jet 1 has 3 particles with total pT = 0"):
        efps.compute(jets)


def test_zero_pt_particle_with_nonpositive_kappa(jets):
    jets[2, 1] = [10.0, 0.0, 0.0, 10.0]
    with pytest.raises(ValueError, match=r"jet 2, particle 1 has pT = 0.*kappa=0 <= 0"):
        EFPSet(*GRAPHS, kappas=(0.0, 1.0)).compute(jets)
    # kappa > 0 gives that particle zero weight, which is well defined.
    EFPSet(*GRAPHS, kappa=0.5).compute(jets)


@pytest.mark.parametrize("beta", [0.0, -1.0, np.nan, np.inf])
def test_invalid_beta(beta):
    with pytest.raises(ValueError, match="beta must be a finite number > 0"):
        EFPSet([(0, 1)], beta=beta)


def test_invalid_options():
    with pytest.raises(ValueError, match="kappa must be a finite number"):
        EFPSet([(0, 1)], kappas=(1.0, np.nan))
    with pytest.raises(ValueError, match="measure='hadrdot' is not supported"):
        EFPSet([(0, 1)], measure="hadrdot")
    with pytest.raises(ValueError, match="self-loop|different vertices"):
        EFPSet([(0, 0)])
    with pytest.raises(ValueError, match="EFPSet needs graphs"):
        EFPSet()
    with pytest.raises(ValueError, match="prime=True filters catalogue graphs"):
        EFPSet([(0, 1)], prime=True)
    with pytest.raises(ValueError, match="n_jobs=0 is invalid"):
        EFPSet([(0, 1)]).compute(np.ones((1, 2, 4)) * [2, 1, 0, 0], n_jobs=0)


def test_efp_single_graph_names():
    efp = EFP([(0, 1), (1, 2)], kappa=2.0, beta=0.5)
    assert efp.chi == 2
    assert efp.feature_names == ["efp_d2_01-02_k2_b0.5"]
    assert EFPSet([(0, 1)], measure="ee").feature_names == ["efp_d1_01_ee_k1_b1"]


def test_discoffs_pool_size():
    pool = discoffs_pool()
    assert len(pool.graphs) == 490
    assert len(pool) == 7350
    assert len(set(pool.feature_names)) == 7350
    assert pool.feature_names[0] == "efp_d0_0_k-1_b0.5"
    assert all(chi <= 4 for chi in pool.plan.chis)


def test_spec_strings_select_catalogue_graphs():
    efps = EFPSet("d<=4", prime=True)
    assert len(efps.graphs) == 21  # energyflow 1.4.0: 21 prime graphs with d <= 4
    assert all(p == 1 for p in efps.specs[:, efps.spec_cols.index("p")])
    both = EFPSet([(0, 1), (0, 2)], "d<=2")
    assert len(both.graphs) == len(EFPSet("d<=2").graphs)  # the wedge is not repeated
    extended = EFPSet([(0, 1), (0, 2), (1, 2)], dmax=2)
    assert len(extended.graphs) == len(EFPSet(dmax=2).graphs) + 1


def test_isomorphic_graphs_share_a_name():
    names = EFPSet([(0, 1), (1, 2)], [(5, 3), (3, 4)]).feature_names
    assert names == ["efp_d2_01-02_k1_b1"]


def test_pickled_set_gives_same_values(efps, jets):
    # Dask and multiprocessing ship the set to workers by pickling it.
    restored = pickle.loads(pickle.dumps(efps))
    np.testing.assert_array_equal(restored.compute(jets), efps.compute(jets))
    assert restored.feature_names == efps.feature_names


def test_jet_batch_input(efps, jets):
    batch = jetfeat.as_jet_batch(jets)
    np.testing.assert_array_equal(efps.compute(batch), efps.compute(jets))


def test_graphs_listing_matches_set():
    records = jetfeat.graphs("d<=4", prime=True)
    assert [record.token for record in records] == EFPSet("d<=4", prime=True).tokens
