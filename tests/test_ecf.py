"""ECFs against brute-force sums, fastjet-contrib 1.051 and its example output."""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pytest

from jetfeat import _core
from jetfeat.jets import as_jet_batch
from jetfeat.substructure import compute
from jetfeat.substructure._ecf import (
    energy_correlation_functions,
    generalized_energy_correlation_functions,
)
from fastjet_ref.build import build_program, run_program

REFERENCE_RTOL = 1e-9


def random_jet(rng, m, spread=0.4, phi_centre=3.0):
    """Return (m, 4) (pT, y, phi, m) rows around phi_centre; phi = 3 makes pairs cross +-pi."""
    pt = rng.exponential(20.0, m) + 0.5
    y = rng.normal(0.3, spread, m)
    phi = np.angle(np.exp(1j * rng.normal(phi_centre, spread, m)))
    mass = rng.choice([0.0, 0.13957, 0.49368], m)
    return np.stack([pt, y, phi, mass], axis=1)


def brute_force_angles(ptyphims, beta):
    dy = ptyphims[:, None, 1] - ptyphims[None, :, 1]
    dphi = np.angle(np.exp(1j * (ptyphims[:, None, 2] - ptyphims[None, :, 2])))
    return (dy**2 + dphi**2) ** (beta / 2)


def brute_force_ecfs(ptyphims, beta, n_max=4):
    """ECF(N) by explicit sums over all N-tuples, and ECFG(v, N) normalised, for small M."""
    angles = brute_force_angles(ptyphims, beta)
    pt = ptyphims[:, 0]
    ecfs, generalized = [], {}
    for n in range(1, n_max + 1):
        total = 0.0
        partial = np.zeros(max(n * (n - 1) // 2, 1))
        for combo in itertools.combinations(range(len(pt)), n):
            weight = np.prod(pt[list(combo)])
            pair_angles = sorted(angles[a, b] for a, b in itertools.combinations(combo, 2))
            total += weight * np.prod(pair_angles)
            if n >= 2:
                partial += weight * np.cumprod(pair_angles)
        ecfs.append(total)
        if n >= 2:
            generalized[n] = partial / pt.sum() ** n
    return np.array(ecfs), generalized


def jets_as_text(batch):
    """Format a JetBatch for the reference program: count, then per jet M and px py pz E rows."""
    lines = [str(batch.n_jets)]
    for i in range(batch.n_jets):
        p4s, _ = batch.jet(i)
        lines.append(str(len(p4s)))
        lines.extend(f"{px:.17g} {py:.17g} {pz:.17g} {e:.17g}" for e, px, py, pz in p4s)
    return "\n".join(lines) + "\n"


def reference_values(batch, beta, alpha, n_max):
    """Run ecf_ref on ``batch`` and return {column name: (N,) array}."""
    binary = build_program("ecf_ref.cpp")
    output = run_program(binary, jets_as_text(batch), "values", repr(beta), repr(alpha),
                         str(n_max))
    lines = [line for line in output.splitlines() if line and not line.startswith("#")]
    header = lines[0].split()
    assert header[0] == "columns"
    values = np.array([[float(x) for x in line.split()] for line in lines[1:]])
    assert values.shape == (batch.n_jets, len(header) - 1)
    return {name: values[:, column] for column, name in enumerate(header[1:])}


@pytest.fixture(scope="module")
def pythia_batch(pythia_sample):
    # In float32 input E and |p| of a massless particle disagree at 1e-7, and jetfeat (from
    # E +- pz) and FastJet (from pT^2 + max(m^2, 0)) then derive rapidities that differ at that
    # level. Rebuilding the four-vectors in float64 from (pT, y, phi, m) gives both programs the
    # same particles, so the comparison tests the correlators rather than the input rounding.
    jets, _ = pythia_sample
    rounded = as_jet_batch(jets[:200])
    return as_jet_batch([rounded.jet(i)[1] for i in range(rounded.n_jets)], coords="ptyphim")


# --- brute force -----------------------------------------------------------------------------

@pytest.mark.parametrize("beta", [0.5, 1.0, 1.5, 2.0], ids=lambda b: f"beta{b}")
@pytest.mark.parametrize("m", [1, 2, 3, 4, 5, 9])
def test_ecf_matches_brute_force(rng, m, beta):
    rows = random_jet(rng, m)
    batch = as_jet_batch(rows, coords="ptyphim")
    expected, _ = brute_force_ecfs(batch.ptyphims, beta)
    got = _core.energy_correlators(batch.ptyphims, batch.offsets, beta, 4)[0]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0.0)


@pytest.mark.parametrize("n", [2, 3, 4])
@pytest.mark.parametrize("beta", [0.5, 1.0, 2.0], ids=lambda b: f"beta{b}")
def test_generalized_ecf_matches_brute_force(rng, n, beta):
    batch = as_jet_batch(random_jet(rng, 8), coords="ptyphim")
    _, expected = brute_force_ecfs(batch.ptyphims, beta, n_max=n)
    got = _core.generalized_energy_correlators(batch.ptyphims, batch.offsets, beta, n)[0]
    np.testing.assert_allclose(got, expected[n], rtol=1e-12, atol=0.0)


def test_ecf_n_max_prefixes_agree(rng):
    jets = [random_jet(rng, m) for m in (3, 17, 40)]
    batch = as_jet_batch(jets, coords="ptyphim")
    full = _core.energy_correlators(batch.ptyphims, batch.offsets, 1.0, 4)
    for n_max in (1, 2, 3):
        part = _core.energy_correlators(batch.ptyphims, batch.offsets, 1.0, n_max)
        np.testing.assert_array_equal(part, full[:, :n_max])


def test_ecf_columns_follow_definitions(rng):
    batch = as_jet_batch([random_jet(rng, m) for m in (6, 7, 8)], coords="ptyphim")
    columns = energy_correlation_functions(batch, beta=[1.0, 2.0], n_max=4, alpha=[0.5, 2.0])
    for b in ("1", "2"):
        e2, e3, e4 = (columns[f"e{n}_beta{b}"] for n in (2, 3, 4))
        np.testing.assert_allclose(columns[f"ecf2_beta{b}"] / columns["ecf1"] ** 2, e2, rtol=1e-14)
        np.testing.assert_allclose(columns[f"C1_beta{b}"], e2, rtol=1e-14)
        np.testing.assert_allclose(columns[f"C2_beta{b}"], e3 / e2**2, rtol=1e-14)
        np.testing.assert_allclose(columns[f"C3_beta{b}"], e4 * e2 / e3**2, rtol=1e-14)
        np.testing.assert_allclose(columns[f"D2_beta{b}"], e3 / e2**3, rtol=1e-14)
    e3_half = energy_correlation_functions(batch, beta=0.5)["e3_beta0.5"]
    np.testing.assert_allclose(columns["D2_alpha0.5_beta1"], e3_half / columns["e2_beta1"] ** 1.5,
                               rtol=1e-14)
    np.testing.assert_allclose(columns["D2_alpha2_beta1"],
                               columns["e3_beta2"] / columns["e2_beta1"] ** 6, rtol=1e-14)
    assert "D2_alpha2_beta2" not in columns


def test_generalized_full_angles_equal_ecf(rng):
    batch = as_jet_batch([random_jet(rng, m) for m in (5, 12, 20)], coords="ptyphim")
    general = generalized_energy_correlation_functions(batch, beta=1.5, n_max=4)
    plain = energy_correlation_functions(batch, beta=1.5, n_max=4)
    np.testing.assert_allclose(general["ecfg2_v1_beta1.5"], plain["e2_beta1.5"], rtol=1e-13)
    np.testing.assert_allclose(general["ecfg3_v3_beta1.5"], plain["e3_beta1.5"], rtol=1e-13)
    np.testing.assert_allclose(general["ecfg4_v6_beta1.5"], plain["e4_beta1.5"], rtol=1e-13)
    np.testing.assert_allclose(general["N2_beta1.5"],
                               general["ecfg3_v2_beta1.5"] / general["ecfg2_v1_beta1.5"] ** 2)
    np.testing.assert_allclose(general["M3_beta1.5"],
                               general["ecfg4_v1_beta1.5"] / general["ecfg3_v1_beta1.5"])


# --- edge cases ------------------------------------------------------------------------------

def test_one_particle_jet_ratios_are_zero():
    batch = as_jet_batch(np.array([[50.0, 0.1, 0.2, 0.0]]), coords="ptyphim")
    columns = energy_correlation_functions(batch, n_max=4, alpha=2.0)
    assert columns["ecf1"][0] == pytest.approx(50.0)
    for name in ("ecf2_beta1", "e2_beta1", "e3_beta1", "e4_beta1", "C1_beta1", "C2_beta1",
                 "C3_beta1", "D2_beta1", "D2_alpha2_beta1"):
        assert columns[name][0] == 0.0, name
    general = generalized_energy_correlation_functions(batch, n_max=4)
    for name, values in general.items():
        assert values[0] == 0.0, name


def test_two_particle_jet_has_zero_d2():
    batch = as_jet_batch(np.array([[30.0, 0.0, 0.0, 0.0], [10.0, 0.3, 0.4, 0.0]]),
                         coords="ptyphim")
    columns = energy_correlation_functions(batch)
    assert columns["e2_beta1"][0] == pytest.approx(30.0 * 10.0 * 0.5 / 40.0**2, rel=1e-14)
    assert columns["e3_beta1"][0] == 0.0
    assert columns["C2_beta1"][0] == 0.0
    assert columns["D2_beta1"][0] == 0.0


def test_collinear_jet_has_zero_ratios():
    # Massless, collinear constituents: a zero-mass jet with e2 = 0, so D2 has a zero denominator.
    rows = np.array([[10.0, 0.5, 1.0, 0.0], [20.0, 0.5, 1.0, 0.0], [5.0, 0.5, 1.0, 0.0]])
    batch = as_jet_batch(rows, coords="ptyphim")
    columns = compute(batch, {"kinematics": {}, "ecf": {"n_max": 4}})
    assert columns["m"][0] == pytest.approx(0.0, abs=1e-6)
    for name in ("e2_beta1", "e3_beta1", "C2_beta1", "C3_beta1", "D2_beta1"):
        assert columns[name][0] == 0.0, name
    assert np.all(np.isfinite(columns.to_numpy()))


def test_empty_jet_gives_zeros(rng):
    jets = np.zeros((2, 5, 4))
    jets[1, :3] = [[50.0, 10.0, 5.0, 30.0], [40.0, 12.0, 3.0, 25.0], [20.0, 5.0, 1.0, 15.0]]
    columns = energy_correlation_functions(as_jet_batch(jets), n_max=4)
    for name, values in columns.items():
        assert values[0] == 0.0, name
        assert values[1] != 0.0 or name.startswith(("e4", "ecf4", "C3")), name


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_ecf_rejects_bad_beta(rng, bad):
    batch = as_jet_batch(random_jet(rng, 4), coords="ptyphim")
    with pytest.raises(ValueError, match="beta"):
        energy_correlation_functions(batch, beta=bad)
    with pytest.raises(ValueError, match="beta"):
        _core.energy_correlators(batch.ptyphims, batch.offsets, bad, 3)


@pytest.mark.parametrize("n_max", [0, 5, 2.5, "3"])
def test_ecf_rejects_bad_n_max(rng, n_max):
    batch = as_jet_batch(random_jet(rng, 4), coords="ptyphim")
    with pytest.raises(ValueError, match="n_max"):
        energy_correlation_functions(batch, n_max=n_max)


def test_ecf_alpha_needs_e3(rng):
    batch = as_jet_batch(random_jet(rng, 4), coords="ptyphim")
    with pytest.raises(ValueError, match="n_max >= 3"):
        energy_correlation_functions(batch, n_max=2, alpha=1.0)


def test_ecf_rejects_non_finite_jet():
    jets = np.ones((3, 4, 4))
    jets[..., 0] = 10.0
    jets[2, 1, 3] = np.nan
    with pytest.raises(ValueError, match="jet 2, particle 1"):
        compute(jets, "ecf")


def test_core_rejects_bad_offsets(rng):
    batch = as_jet_batch(random_jet(rng, 4), coords="ptyphim")
    with pytest.raises(ValueError, match="offsets"):
        _core.energy_correlators(batch.ptyphims, np.array([0, 3]), 1.0, 3)


# --- threads and presets ---------------------------------------------------------------------

def test_ecf_threads_bitwise_equal(pythia_batch):
    batch = pythia_batch.select(slice(0, 120))
    one = compute(batch, {"ecf": {"beta": [1.0, 0.5], "n_max": 4}}, n_jobs=1).to_numpy()
    two = compute(batch, {"ecf": {"beta": [1.0, 0.5], "n_max": 4}}, n_jobs=2).to_numpy()
    np.testing.assert_array_equal(one, two)
    one = compute(batch.select(slice(0, 30)), {"ecf_generalized": {"n_max": 4}}, n_jobs=1)
    two = compute(batch.select(slice(0, 30)), {"ecf_generalized": {"n_max": 4}}, n_jobs=2)
    np.testing.assert_array_equal(one.to_numpy(), two.to_numpy())


def test_standard_preset_names(pythia_batch):
    table = compute(pythia_batch.select(slice(0, 10)), "standard")
    for name in ("pT", "eta", "m", "multiplicity", "e2_beta1", "e3_beta1", "C2_beta1",
                 "D2_beta1"):
        assert name in table.names
    for name in table.names:
        assert not re.search(r"[\[\]<]", name)


# --- fastjet-contrib reference program -------------------------------------------------------

@pytest.mark.fastjet
@pytest.mark.parametrize("beta, alpha", [(1.0, 2.0), (2.0, 1.0), (0.5, 1.0)],
                         ids=["beta1", "beta2", "beta0.5"])
def test_ecf_matches_fastjet_contrib_on_pythia(pythia_batch, beta, alpha):
    # All 200 jets at beta = 1; 60 jets for the other exponents keep the suite fast.
    batch = pythia_batch if beta == 1.0 else pythia_batch.select(slice(0, 60))
    expected = reference_values(batch, beta, alpha, 3)
    b = f"_beta{beta:g}"
    columns = energy_correlation_functions(batch, beta=beta, alpha=alpha)
    general = generalized_energy_correlation_functions(batch, beta=beta)
    pairs = {
        "ecf1": columns["ecf1"], "ecf2": columns["ecf2" + b], "ecf3": columns["ecf3" + b],
        "C1": columns["C1" + b], "C2": columns["C2" + b], "D2": columns["D2" + b],
        "D2_alpha": columns[f"D2_alpha{alpha:g}" + b],
        "g2_1": general["ecfg2_v1" + b], "g3_1": general["ecfg3_v1" + b],
        "g3_2": general["ecfg3_v2" + b], "g3_3": general["ecfg3_v3" + b],
        "N2": general["N2" + b], "M2": general["M2" + b], "U1": general["U1" + b],
        "U2": general["U2" + b],
    }
    for name, got in pairs.items():
        np.testing.assert_allclose(got, expected[name], rtol=REFERENCE_RTOL, atol=0.0,
                                   err_msg=name)


@pytest.mark.fastjet
def test_four_point_ecf_matches_fastjet_contrib(pythia_batch):
    # The smallest jets keep fastjet-contrib's O(M^4) loops to a few seconds.
    order = np.argsort(pythia_batch.counts, kind="stable")[:6]
    batch = pythia_batch.select(order)
    expected = reference_values(batch, 1.0, 2.0, 4)
    columns = energy_correlation_functions(batch, n_max=4)
    general = generalized_energy_correlation_functions(batch, n_max=4)
    pairs = {"ecf4": columns["ecf4_beta1"], "C3": columns["C3_beta1"], "N3": general["N3_beta1"],
             "M3": general["M3_beta1"], "U3": general["U3_beta1"]}
    pairs.update({f"g4_{v}": general[f"ecfg4_v{v}_beta1"] for v in range(1, 7)})
    for name, got in pairs.items():
        np.testing.assert_allclose(got, expected[name], rtol=REFERENCE_RTOL, atol=0.0,
                                   err_msg=name)


@pytest.mark.fastjet
def test_ecf_matches_fastjet_contrib_on_random_jets(rng):
    jets = [random_jet(rng, m, spread=spread) for m, spread in
            [(2, 0.3), (3, 0.5), (7, 1.0), (25, 0.2), (40, 0.6), (60, 0.8)]]
    batch = as_jet_batch(jets, coords="ptyphim")
    expected = reference_values(batch, 1.5, 0.5, 4)
    columns = energy_correlation_functions(batch, beta=1.5, n_max=4, alpha=0.5)
    np.testing.assert_allclose(columns["ecf3_beta1.5"], expected["ecf3"], rtol=REFERENCE_RTOL)
    np.testing.assert_allclose(columns["ecf4_beta1.5"], expected["ecf4"], rtol=REFERENCE_RTOL)
    np.testing.assert_allclose(columns["D2_beta1.5"][1:], expected["D2"][1:], rtol=REFERENCE_RTOL)
    np.testing.assert_allclose(columns["D2_alpha0.5_beta1.5"], expected["D2_alpha"],
                               rtol=REFERENCE_RTOL)


# --- fastjet-contrib 1.051 example output ----------------------------------------------------

def _cluster_reference_event(fjcontrib_dir, n_jets):
    """Return the n_jets hardest anti-kT R = 1.0 jets of single-event.dat as one JetBatch."""
    fastjet = pytest.importorskip("fastjet")
    rows = np.loadtxt(fjcontrib_dir / "data" / "single-event.dat", comments="#")
    particles = [fastjet.PseudoJet(*map(float, row[:4])) for row in rows]
    sequence = fastjet.ClusterSequence(particles,
                                       fastjet.JetDefinition(fastjet.antikt_algorithm, 1.0))
    jets = fastjet.sorted_by_pt(sequence.inclusive_jets())[:n_jets]
    constituents = [np.array([[c.E(), c.px(), c.py(), c.pz()] for c in jet.constituents()])
                    for jet in jets]
    return as_jet_batch(constituents)


def _tables(text):
    """Return {title: [rows of number strings]} for each dashed-line table in a .ref file."""
    tables, lines = [], text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("---") and index + 2 < len(lines) and lines[index + 2].startswith("---"):
            title = lines[index + 1].strip()
            rows = []
            for row in lines[index + 3:]:
                if row.startswith("---"):
                    break
                rows.append(row)
            tables.append((title, rows))
    return tables


def _assert_printed(got, printed, name):
    """Check ``got`` against a number printed with a fixed number of decimals.

    The tolerance is half a unit in the last printed digit, or 1e-9 relative where that is
    looser: D2(alpha=1, beta=0.2) ~ 1.7e6 is printed to 1e-10 relative, finer than two double
    precision summations of e2^15 agree.
    """
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    tolerance = max(0.5 * 10.0**-decimals * (1 + 1e-9), REFERENCE_RTOL * abs(got))
    assert abs(got - float(printed)) <= tolerance, f"{name}: {got} vs printed {printed}"


@pytest.mark.fastjet
def test_example_basic_usage_ref(fjcontrib_dir):
    batch = _cluster_reference_event(fjcontrib_dir, 1)
    text = (fjcontrib_dir / "EnergyCorrelator" / "example_basic_usage.ref").read_text()
    tables = dict(_tables(text))
    checked = 0
    for title, series in [("EnergyCorrelator: C series", ("C1", "C2", "C3")),
                          ("EnergyCorrelator: N series", ("N2", "N3")),
                          ("EnergyCorrelator: M series", ("M2", "M3")),
                          ("EnergyCorrelator: U series", ("U1", "U2", "U3"))]:
        for row in tables[title][1:]:
            beta, *values = row.split()
            general = generalized_energy_correlation_functions(batch, beta=float(beta), n_max=4)
            plain = energy_correlation_functions(batch, beta=float(beta), n_max=4)
            for name, printed in zip(series, values):
                key = f"{name}_beta{float(beta):g}"
                got = (plain if name.startswith("C") else general)[key][0]
                _assert_printed(got, printed, key)
                checked += 1

    rows = tables["EnergyCorrelator: D2, orignal (alpha=beta) and generalized"][1:]
    for row in rows:
        beta, d2, d2_alpha1, d2_alpha2 = row.split()
        columns = energy_correlation_functions(batch, beta=float(beta), alpha=[1.0, 2.0])
        b = f"_beta{float(beta):g}"
        _assert_printed(columns["D2" + b][0], d2, "D2" + b)
        for alpha, printed in (("1", d2_alpha1), ("2", d2_alpha2)):
            key = f"D2_alpha{alpha}{b}" if f"D2_alpha{alpha}{b}" in columns else "D2" + b
            _assert_printed(columns[key][0], printed, key)
        checked += 4
    assert checked == 31


@pytest.mark.fastjet
def test_example_ref_pt_r_tables(fjcontrib_dir):
    batch = _cluster_reference_event(fjcontrib_dir, 2)
    text = (fjcontrib_dir / "EnergyCorrelator" / "example.ref").read_text()
    pt_r_tables = [(title, rows) for title, rows in _tables(text) if title.endswith("with pt_R")]
    checked = 0
    jet = -1
    for title, rows in pt_r_tables:
        if title.startswith("EnergyCorrelator:  ECF(N,beta)"):
            jet += 1
        single = batch.select([jet])
        data = [row.split() for row in rows[1:] if row.strip()]
        if title.startswith("EnergyCorrelator:  ECF(N,beta)"):
            for beta, *values in data:
                columns = energy_correlation_functions(single, beta=float(beta), n_max=4)
                b = f"_beta{float(beta):g}"
                names = ["ecf1", "ecf2" + b, "ecf3" + b, "ecf4" + b]
                for name, printed in zip(names, values[:4]):
                    _assert_printed(columns[name][0], printed, f"jet {jet} {name}")
                    checked += 1
        elif title.startswith(("EnergyCorrelatorC2:", "EnergyCorrelatorD2:", "EnergyCorrelatorC1:",
                               "EnergyCorrelatorN2:", "EnergyCorrelatorN3:",
                               "EnergyCorrelatorM2:", "EnergyCorrelatorU1:",
                               "EnergyCorrelatorU2:", "EnergyCorrelatorU3:")):
            name = title.split(":")[0].removeprefix("EnergyCorrelator")
            for beta, printed in data:
                b = f"_beta{float(beta):g}"
                if name[0] in "CD":
                    got = energy_correlation_functions(single, beta=float(beta))[name + b][0]
                else:
                    got = generalized_energy_correlation_functions(
                        single, beta=float(beta), n_max=4)[name + b][0]
                _assert_printed(got, printed, f"jet {jet} {name}{b}")
                checked += 1
        elif title.startswith("EnergyCorrelatorGeneralizedD2:"):
            alphas = [0.1, 0.2, 0.5, 1.0]
            for beta, *values in data:
                columns = energy_correlation_functions(single, beta=float(beta), alpha=alphas)
                b = f"_beta{float(beta):g}"
                for alpha, printed in zip(alphas, values):
                    key = f"D2_alpha{alpha:g}{b}"
                    got = columns[key if key in columns else "D2" + b][0]
                    _assert_printed(got, printed, f"jet {jet} {key}")
                    checked += 1
        elif title.startswith("EnergyCorrelatorGeneralized:  ECFG(angles, N, beta=1)"):
            general = generalized_energy_correlation_functions(single, beta=1.0, n_max=4)
            for angles, *values in data:
                # Cells are right-aligned: the last value is N = 4, the one before N = 3, ...
                for n, printed in zip(range(4, 4 - len(values), -1), reversed(values)):
                    if n == 1:
                        continue
                    key = f"ecfg{n}_v{angles}_beta1"
                    _assert_printed(general[key][0], printed, f"jet {jet} {key}")
                    checked += 1
    assert jet == 1
    # Per jet: 24 ECF(N), 18 C1/C2/D2, 36 N2/N3/M2/U1/U2/U3, 20 generalised D2, 10 ECFG cells.
    assert checked == 216


# --- energyflow: e_N are complete-graph EFPs divided by N! -----------------------------------

COMPLETE_GRAPHS = {
    2: [(0, 1)],
    3: [(0, 1), (0, 2), (1, 2)],
    4: [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)],
}


@pytest.mark.parametrize("beta", [0.5, 1.0, 2.0], ids=lambda b: f"beta{b}")
def test_e_n_match_energyflow_complete_graphs(pythia_batch, beta):
    # EFPs sum over all ordered N-tuples with theta_ii = 0, so each unordered tuple appears N!
    # times: e_N = EFP(K_N) / N! with the hadronic measure (pT, y, phi) and kappa = 1.
    energyflow = pytest.importorskip("energyflow")
    order = np.argsort(pythia_batch.counts, kind="stable")[:8]
    batch = pythia_batch.select(order)
    columns = energy_correlation_functions(batch, beta=beta, n_max=4)
    for n, graph in COMPLETE_GRAPHS.items():
        efp = energyflow.EFP(graph, measure="hadr", beta=beta, normed=True, coords="ptyphim")
        for i in range(batch.n_jets):
            expected = efp.compute(batch.jet(i)[1]) / math.factorial(n)
            assert columns[f"e{n}_beta{beta:g}"][i] == pytest.approx(expected, rel=1e-11), (n, i)


def test_large_jet_warns_about_cost(rng):
    from jetfeat._warnings import PerformanceWarning

    batch = as_jet_batch(random_jet(rng, 1001), coords="ptyphim")
    with pytest.warns(PerformanceWarning, match="1001 constituents"):
        energy_correlation_functions(batch, n_max=3)
    columns = energy_correlation_functions(batch, n_max=2)
    assert columns["e2_beta1"][0] > 0.0
