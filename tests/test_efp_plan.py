"""The EFP plan compiler and every kernel path of the C++ interpreter."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from jetfeat import _core
from jetfeat._efp_plan import OP_GEMM, OP_K4, compile_plan, connected_components
from jetfeat.efp import EFPSet
from jetfeat.jets import as_jet_batch

K4_FAMILY = [
    [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)],
    [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3), (2, 3)],
    [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3), (0, 4)],
    [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 4), (3, 4)],
]
CYCLES = [
    [(0, 1), (1, 2), (2, 0)],
    [(0, 1), (1, 2), (2, 3), (3, 0), (0, 4)],
    [(0, 1), (0, 1), (1, 2), (2, 3), (3, 0), (1, 3)],
]


def run(plan, batch, kappa=0.5, beta=1.5):
    return _core.efp_compute(
        batch.ptyphims,
        batch.offsets,
        plan.ops,
        plan.n_vec,
        plan.n_mat,
        plan.n_scal,
        plan.max_power,
        plan.out_offsets,
        plan.out_slots,
        np.array([kappa]),
        np.array([beta]),
        True,
        "hadr",
        1,
    )


@pytest.fixture
def batch(rng):
    # Multiplicities around the SIMD block sizes (8 rows, 8 or 16 columns) and one large jet.
    jets = []
    for m in (3, 8, 9, 16, 17, 31, 40):
        pt = rng.exponential(5.0, m) + 0.1
        y, phi = rng.normal(0.0, 0.5, (2, m))
        jets.append(np.column_stack([pt, y, phi, np.zeros(m)]))
    return as_jet_batch(jets, coords="ptyphim")


def test_symmetry_shortcuts_change_nothing(batch):
    # The K4 flags (X_ad == X_cd, X_cd symmetric, b <-> d) and the GEMM flags (a == b,
    # b symmetric) only select cheaper loops; clearing them must give the same values.
    plan = compile_plan(K4_FAMILY + CYCLES)
    assert (plan.ops[plan.ops[:, 0] == OP_K4, 13:16] == 1).all()
    expected = run(plan, batch)
    for flags in itertools.product([0, 1], repeat=3):
        ops = plan.ops.copy()
        ops[ops[:, 0] == OP_K4, 13:16] = flags
        ops[ops[:, 0] == OP_GEMM, 5] = flags[0] & ops[ops[:, 0] == OP_GEMM, 5]
        ops[ops[:, 0] == OP_GEMM, 6] = flags[1] & ops[ops[:, 0] == OP_GEMM, 6]
        changed = plan.__class__(**{**plan.__dict__, "ops": ops})
        np.testing.assert_allclose(run(changed, batch), expected, rtol=1e-12, err_msg=str(flags))


def test_shared_intermediates_are_computed_once():
    # Every leaf vector theta z is the same op in all three graphs.
    one = compile_plan([[(0, 1), (1, 2)]])
    three = compile_plan([[(0, 1), (1, 2)], [(0, 1), (1, 2), (1, 3)], [(0, 1), (0, 2), (0, 3)]])
    assert one.op_counts["matvec"] == 1
    assert three.op_counts["matvec"] == 1


def test_chi_of_known_graphs():
    plan = compile_plan([[], [(0, 1)], [(0, 1), (1, 2)], CYCLES[0], K4_FAMILY[0]])
    np.testing.assert_array_equal(plan.chis, [1, 2, 2, 3, 4])


def test_components_relabelled():
    parts = connected_components([(0, 1), (5, 7), (1, 2), (7, 9)])
    assert sorted(parts) == [[(0, 1), (1, 2)], [(0, 1), (1, 2)]]


def test_unsupported_core_raises():
    # The wheel W4 (hub plus a 4-cycle, d = 8) has chi = 4 without a K4 core.
    wheel = [(0, 1), (0, 2), (0, 3), (0, 4), (1, 2), (2, 3), (3, 4), (4, 1)]
    with pytest.raises(ValueError, match="5 vertices left .* not supported"):
        EFPSet(wheel)
