"""N-subjettiness against fastjet-contrib 1.051 (Nsubjettiness), its example output and brute
force."""

from __future__ import annotations

import re

import numpy as np
import pytest
from test_clustering import assert_rel, random_jets, reference_table

import jetfeat.substructure as sub
from jetfeat.jets import as_jet_batch
from jetfeat.substructure._nsubjettiness import AXES

N_PYTHIA_JETS = 100
DETERMINISTIC = ["kt", "ca", "wta_kt", "wta_ca"]
ONE_PASS = ["onepass_kt", "onepass_wta_kt", "onepass_ca", "onepass_wta_ca"]


@pytest.fixture(scope="module")
def pythia_batch(pythia_sample):
    jets, _ = pythia_sample
    return as_jet_batch(jets[:N_PYTHIA_JETS])


def _compare(batch, axes, beta, normalized, R0=0.8, n_max=6):
    ref = reference_table(batch, "nsub", AXES[axes], beta, int(normalized), R0, n_max)
    got = sub.nsubjettiness(batch, n_max, beta=beta, axes=axes, normalized=normalized, R0=R0)
    rtol = 1e-6 if axes.startswith("onepass") else 1e-9
    assert_rel(got, ref, rtol, f"tau_N with {axes} axes, beta={beta}")


@pytest.mark.fastjet
@pytest.mark.parametrize("axes", DETERMINISTIC + ONE_PASS)
@pytest.mark.parametrize("beta, normalized", [(1.0, False), (2.0, True), (0.5, False)],
                         ids=["beta1", "beta2-normalized", "beta0.5"])
def test_tau_matches_fastjet_contrib_pythia(pythia_batch, axes, beta, normalized):
    _compare(pythia_batch, axes, beta, normalized)


@pytest.mark.fastjet
@pytest.mark.parametrize("axes", ["kt", "wta_ca", "onepass_kt", "onepass_wta_kt"])
def test_tau_matches_fastjet_contrib_random(rng, axes):
    _compare(random_jets(rng), axes, 1.0, True, R0=1.0, n_max=4)


@pytest.mark.fastjet
@pytest.mark.parametrize("axes", ["onepass_kt", "onepass_wta_kt"])
def test_one_pass_beta_half_small_jets(axes):
    # At beta < 1 a particle alone on its axis adds pT DeltaR^beta with DeltaR of rounding size,
    # so on jets of a few particles tau_N can miss fastjet-contrib by more than the usual 1e-6
    # relative. The PseudoJet round trip of the axes keeps that under 1e-5, where 5.3e-6 was
    # measured with 8 lanes and 2.5e-5 without the round trip. Every difference is a rounding
    # term far below the jet's scalar pT sum (2.6e-8 of it measured).
    batch = random_jets(np.random.default_rng(11), n_jets=400, max_particles=9)
    ref = np.asarray(reference_table(batch, "nsub", AXES[axes], 0.5, 0, 1.0, 6))
    got = sub.nsubjettiness(batch, 6, beta=0.5, axes=axes)

    # Values that are rounding noise on both sides (tau_N at most 1e-9 of tau_1) are left out of
    # the relative check.
    real = ref > 1e-9 * ref[:, :1]
    relative = np.abs(got - ref)[real] / ref[real]
    assert relative.max() <= 1e-5, f"max relative difference {relative.max():.3g}"

    pt_sum = np.add.reduceat(batch.ptyphims[:, 0], batch.offsets[:-1])
    absolute = np.abs(got - ref) / pt_sum[:, None]
    assert absolute.max() <= 1e-7, f"max difference over sum pT {absolute.max():.3g}"


def _event_jets(fjcontrib_dir, algorithm="antikt", R=1.0, n_jets=2):
    """Cluster single-event.dat (px py pz E per line) and return the hardest jets' particles."""
    fastjet = pytest.importorskip("fastjet")
    event = np.loadtxt(fjcontrib_dir / "data" / "single-event.dat")
    particles = [fastjet.PseudoJet(*row) for row in event]
    algo = {"antikt": fastjet.antikt_algorithm, "cambridge": fastjet.cambridge_algorithm}[algorithm]
    sequence = fastjet.ClusterSequence(particles, fastjet.JetDefinition(algo, R))
    jets = fastjet.sorted_by_pt(sequence.inclusive_jets())[:n_jets]
    return [np.array([[c.E(), c.px(), c.py(), c.pz()] for c in jet.constituents()])
            for jet in jets]


def _printed_table(path, header):
    """Rows of numbers printed under each line starting with ``header`` until a non-number."""
    rows, lines = [], path.read_text().splitlines()
    for i, line in enumerate(lines):
        if line.split()[:1] == [header]:
            for following in lines[i + 1:]:
                try:
                    rows.append([float(x) for x in following.split()])
                except ValueError:
                    break
    return rows


@pytest.mark.fastjet
def test_basic_usage_example(fjcontrib_dir):
    # example_basic_usage: anti-kT R = 1 jets of the event, unnormalised measure, tau_1..tau_3
    # with one-pass WTA kT axes at beta = 1 and one-pass kT axes at beta = 2, printed with %f.
    rows = _printed_table(fjcontrib_dir / "Nsubjettiness" / "example_basic_usage.ref", "beta")
    jets = _event_jets(fjcontrib_dir)
    assert len(rows) == 2 * len(jets)
    for index, jet in enumerate(jets):
        for row, axes in zip(rows[2 * index:2 * index + 2], ["onepass_wta_kt", "onepass_kt"]):
            beta = row[0]
            tau = sub.nsubjettiness(jet, 3, beta=beta, axes=axes)[0]
            np.testing.assert_allclose(tau, row[1:4], atol=6e-7, rtol=0)
            ratios = [tau[1] / tau[0], tau[2] / tau[1]]
            np.testing.assert_allclose(ratios, row[4:6], atol=6e-7, rtol=0)


def _exclusive_kt_subjets(p4s, n):
    """Cluster at most 8 particles into n exclusive-kT E-scheme subjets (rows E, px, py, pz)."""
    # Repeated pairwise merging, with no beam because R is huge.
    jets = [row.copy() for row in p4s]
    while len(jets) > n:
        best, pair = np.inf, None
        for i in range(len(jets)):
            for j in range(i + 1, len(jets)):
                a, b = jets[i], jets[j]
                pa, pb = np.hypot(a[1], a[2]), np.hypot(b[1], b[2])
                ya = 0.5 * np.log((a[0] + a[3]) / (a[0] - a[3]))
                yb = 0.5 * np.log((b[0] + b[3]) / (b[0] - b[3]))
                dphi = abs(np.arctan2(a[2], a[1]) - np.arctan2(b[2], b[1]))
                dphi = min(dphi, 2 * np.pi - dphi)
                d = min(pa, pb) ** 2 * ((ya - yb) ** 2 + dphi**2)
                if d < best:
                    best, pair = d, (i, j)
        i, j = pair
        jets[i] = jets[i] + jets[j]
        del jets[j]
    return np.array(jets)


def _brute_force_tau(p4s, n, beta, R0=None):
    """tau_N with exclusive-kT E-scheme axes found by brute force on at most 8 particles."""
    pt = np.hypot(p4s[:, 1], p4s[:, 2])
    y = 0.5 * np.log((p4s[:, 0] + p4s[:, 3]) / (p4s[:, 0] - p4s[:, 3]))
    phi = np.arctan2(p4s[:, 2], p4s[:, 1])
    axes = _exclusive_kt_subjets(p4s, n)
    ay = 0.5 * np.log((axes[:, 0] + axes[:, 3]) / (axes[:, 0] - axes[:, 3]))
    aphi = np.arctan2(axes[:, 2], axes[:, 1])
    dphi = np.abs(phi[:, None] - aphi[None, :])
    dphi = np.minimum(dphi, 2 * np.pi - dphi)
    dr = np.sqrt((y[:, None] - ay[None, :]) ** 2 + dphi**2)
    tau = np.sum(pt * np.min(dr, axis=1) ** beta)
    return tau if R0 is None else tau / np.sum(pt * R0**beta)


@pytest.mark.parametrize("beta", [0.5, 1.0, 2.0])
def test_tau_brute_force(rng, beta):
    batch = random_jets(rng, n_jets=8, max_particles=9)
    for i in range(batch.n_jets):
        p4s, _ = batch.jet(i)
        got = sub.nsubjettiness(p4s, 3, beta=beta, axes="kt", normalized=True, R0=0.8)[0]
        for n in range(1, 4):
            expected = 0.0 if len(p4s) <= n else _brute_force_tau(p4s, n, beta, R0=0.8)
            assert got[n - 1] == pytest.approx(expected, rel=1e-10, abs=1e-14)


def _rapidity_phi(p4s):
    """Return the rapidity and phi in [0, 2 pi) of rows E, px, py, pz, as FastJet defines them."""
    y = 0.5 * np.log((p4s[:, 0] + p4s[:, 3]) / (p4s[:, 0] - p4s[:, 3]))
    return y, np.arctan2(p4s[:, 2], p4s[:, 1]) % (2 * np.pi)


def _delta_r(y, phi, axis_y, axis_phi):
    """Return the DeltaR of every particle (rows) to every axis (columns)."""
    dphi = np.abs(phi[:, None] - axis_phi[None, :])
    dphi = np.minimum(dphi, 2 * np.pi - dphi)
    return np.hypot(y[:, None] - axis_y[None, :], dphi)


def _one_pass_kt_axes(p4s, n, beta):
    """Run fastjet-contrib's one-pass minimisation from exclusive-kT seeds in numpy.

    Each update moves every axis to the mean (y, phi) of the particles nearest to it, weighted by
    pT (DeltaR^2 + 1e-8)^(beta/2 - 1), with phi unwrapped next to the old axis. An axis that no
    particle is nearest to stays where it is. The updates stop once the axes move 1e-4 or less on
    average. Returns the axes' y and phi and, per axis, whether any update gave it a particle.
    """
    y, phi = _rapidity_phi(p4s)
    pt = np.hypot(p4s[:, 1], p4s[:, 2])
    axis_y, axis_phi = _rapidity_phi(_exclusive_kt_subjets(p4s, n))
    reached = np.zeros(n, dtype=bool)
    for _ in range(1000):
        distance = _delta_r(y, phi, axis_y, axis_phi)
        nearest = np.argmin(distance, axis=1)
        weight = pt * (np.min(distance, axis=1) ** 2 + 1e-8) ** (beta / 2 - 1)
        new_y, new_phi = axis_y.copy(), axis_phi.copy()
        for k in range(n):
            mine = nearest == k
            if not mine.any():
                continue
            reached[k] = True
            dphi = phi[mine] - axis_phi[k]
            unwrapped = phi[mine] - 2 * np.pi * (dphi > np.pi) + 2 * np.pi * (dphi < -np.pi)
            new_y[k] = np.sum(weight[mine] * y[mine]) / np.sum(weight[mine])
            new_phi[k] = (np.sum(weight[mine] * unwrapped) / np.sum(weight[mine])) % (2 * np.pi)

        dphi = np.abs(new_phi - axis_phi)
        moved = np.mean(np.hypot(new_y - axis_y, np.minimum(dphi, 2 * np.pi - dphi)))
        axis_y, axis_phi = new_y, new_phi
        if moved <= 1e-4:
            break
    return axis_y, axis_phi, reached


# Particles (pT, y, phi, m) for which the second one-pass kT axis of tau_2 is never the nearest
# axis of any particle. Exclusive kT makes particle 0 one subjet and particles 1 to 4 the other.
# Particle 1 is slow and heavy (pT = 0.0127, m = 205.6). Its pT barely counts in the kT distance,
# but its transverse mass pulls the E-scheme rapidity of its subjet to y = -0.37, so that every
# particle is nearer to particle 0's axis. The only update moves that axis by about 7e-5, which
# leaves particle 4 nearer to the second seed, so tau_2 depends on where the unreached axis ends up.
UNREACHED_AXIS_JET = np.array([
    [7.59586, -1.15708, 0.29205, 0.0],
    [0.01270, -0.36511, -2.45884, 205.62115],
    [1.53961, -0.89811, 0.52018, 0.0],
    [0.12270, -1.54602, 0.02264, 0.41560],
    [0.00100, -0.67003, -0.00105, 0.0],
])


@pytest.mark.fastjet
@pytest.mark.parametrize("beta", [1.0, 0.5])
def test_one_pass_unreached_axis_stays_on_seed(beta):
    pt, y, phi, mass = UNREACHED_AXIS_JET.T
    mt = np.hypot(pt, mass)
    jet = np.stack([mt * np.cosh(y), pt * np.cos(phi), pt * np.sin(phi), mt * np.sinh(y)], axis=1)

    axis_y, axis_phi, reached = _one_pass_kt_axes(jet, 2, beta)
    assert reached.tolist() == [True, False]

    # tau_2 with the unreached axis left on its seed, and without that axis (as if it became the
    # zero four-vector, whose rapidity is 1e5). The jet must tell the two apart.
    distance = _delta_r(*_rapidity_phi(jet), axis_y, axis_phi)
    tau_on_seed = np.sum(pt * np.min(distance, axis=1) ** beta)
    tau_without = np.sum(pt * distance[:, 0] ** beta)
    assert abs(tau_without / tau_on_seed - 1) > 1e-8

    got = sub.nsubjettiness(jet, 2, beta=beta, axes="onepass_kt")[0]
    assert got[1] == pytest.approx(tau_on_seed, rel=1e-10)
    ref = reference_table(as_jet_batch([jet]), "nsub", AXES["onepass_kt"], beta, 0, 1.0, 2)
    assert_rel(got, ref[0], 1e-10, f"tau_N with an unreached one-pass axis, beta={beta}")


def test_few_particles_give_zero_and_ratio_zero():
    one = np.array([[10.0, 6.0, 8.0, 0.0]])
    two = np.array([[10.0, 6.0, 8.0, 0.0], [5.0, 3.0, 0.0, 4.0]])
    tau = sub.nsubjettiness([one, two], 3)
    assert tau[0].tolist() == [0.0, 0.0, 0.0]
    assert tau[1, 0] > 0
    assert tau[1, 1] == 0.0
    assert tau[1, 2] == 0.0
    table = sub.compute([one, two], {"nsubjettiness": {"n_max": 3}})
    assert table["tau21_beta1_wta_kt"].tolist() == [0.0, 0.0]
    assert table["tau32_beta1_wta_kt"].tolist() == [0.0, 0.0]


def test_zero_mass_particles(rng):
    # Massless input (E = |p|) is the common case, and its values must be finite and >= 0.
    batch = random_jets(rng, n_jets=10)
    pt, y, phi = (batch.ptyphims[:, k] for k in range(3))
    massless = np.stack([pt * np.cosh(y), pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(y)], 1)
    jets = [massless[a:b] for a, b in zip(batch.offsets[:-1], batch.offsets[1:])]
    for axes in AXES:
        tau = sub.nsubjettiness(jets, 4, axes=axes)
        assert np.all(np.isfinite(tau)), axes
        assert np.all(tau >= 0), axes


def test_standard_preset_names(pythia_sample):
    table = sub.compute(pythia_sample[0][:20], "standard")
    assert "tau21_beta1_wta_kt" in table.names
    assert "tau32_beta1_wta_kt" in table.names
    tau = sub.nsubjettiness(pythia_sample[0][:20], 3)
    np.testing.assert_array_equal(table["tau21_beta1_wta_kt"], tau[:, 1] / tau[:, 0])


def test_normalised_names_and_units(pythia_sample):
    jets = pythia_sample[0][:10]
    plain = sub.compute(jets, {"nsubjettiness": {"n_max": 2, "axes": "kt"}})
    norm = sub.compute(jets, {"nsubjettiness": {"n_max": 2, "axes": "kt", "normalized": True,
                                                "R0": 0.8}})
    pt_sum = np.add.reduceat(as_jet_batch(jets).ptyphims[:, 0], as_jet_batch(jets).offsets[:-1])
    np.testing.assert_allclose(norm["tau1_beta1_kt_norm_R0.8"],
                               plain["tau1_beta1_kt"] / (pt_sum * 0.8), rtol=1e-12)
    np.testing.assert_allclose(norm["tau21_beta1_kt"], plain["tau21_beta1_kt"], rtol=1e-12)


@pytest.mark.parametrize("axes", ["wta_kt", "onepass_kt"])
def test_threads_bitwise_equal(pythia_sample, axes):
    jets = pythia_sample[0][:200]
    one = sub.nsubjettiness(jets, 4, axes=axes, n_jobs=1)
    two = sub.nsubjettiness(jets, 4, axes=axes, n_jobs=2)
    assert np.array_equal(one, two)


@pytest.mark.parametrize("kwargs, message", [
    ({"beta": 0.0}, "beta must be a finite number > 0"),
    ({"beta": float("nan")}, "beta must be a finite number > 0"),
    ({"axes": "anti_kt"}, "axes='anti_kt' is not supported"),
    ({"n_max": 0}, "n_max must be an int in 1..20"),
    ({"R0": 0.0}, "R0 must be a finite number > 0"),
])
def test_bad_parameters(kwargs, message):
    jet = np.array([[10.0, 6.0, 8.0, 0.0], [5.0, 3.0, 0.0, 4.0]])
    kwargs = {"n_max": 2, **kwargs}
    with pytest.raises(ValueError, match=message):
        sub.nsubjettiness(jet, **kwargs)


def test_bad_particles_name_the_jet():
    jets = [np.array([[10.0, 6.0, 8.0, 0.0]]), np.array([[10.0, 6.0, 8.0, np.nan]])]
    with pytest.raises(ValueError, match="jet 1"):
        sub.nsubjettiness(jets, 2)


ADVANCED_AXES = {"KT": "kt", "CA": "ca", "WTA KT": "wta_kt", "WTA CA": "wta_ca",
                 "OnePass KT": "onepass_kt", "OnePass WTA KT": "onepass_wta_kt"}


def _advanced_blocks(path):
    """Return {(jet, normalized, beta): {axes: [tau1, tau2, tau3, tau21, tau32]}} of the first
    value table of each measure per jet; lines starting with '#' (unstable in the example) are
    skipped."""
    blocks, jet, current = {}, 0, None
    for line in path.read_text().splitlines():
        if line.startswith("Analyzing Jet"):
            jet = int(line.split()[2].rstrip(":"))
            continue
        header = re.match(r"(Normalized|Unnormalized) Measure \(beta = ([0-9.]+)", line)
        if header:
            key = (jet, header.group(1) == "Normalized", float(header.group(2)))
            current = None if key in blocks else blocks.setdefault(key, {})
            continue
        if current is None or ":" not in line or line.startswith("#"):
            if line.startswith("---"):
                current = None
            continue
        name, values = line.split(":", 1)
        if name.strip() in ADVANCED_AXES:
            current[ADVANCED_AXES[name.strip()]] = [float(x) for x in values.split()]
    return blocks


@pytest.mark.fastjet
def test_advanced_usage_example(fjcontrib_dir):
    # example_advanced_usage: the same two anti-kT R = 1 jets; the deterministic axes and the
    # one-pass axes of both jets with the normalised (R0 = 1) and unnormalised measures at
    # beta = 1 and 2, printed with %f.
    blocks = _advanced_blocks(fjcontrib_dir / "Nsubjettiness" / "example_advanced_usage.ref")
    jets = _event_jets(fjcontrib_dir)
    assert len(blocks) == 8, f"expected 2 jets x 4 measures, parsed {sorted(blocks)}"
    for (jet, normalized, beta), rows in blocks.items():
        assert set(rows) == set(ADVANCED_AXES.values())
        for axes, expected in rows.items():
            tau = sub.nsubjettiness(jets[jet - 1], 3, beta=beta, axes=axes, normalized=normalized,
                                    R0=1.0)[0]
            got = [*tau, tau[1] / tau[0], tau[2] / tau[1]]
            np.testing.assert_allclose(got, expected, atol=6e-7, rtol=0,
                                       err_msg=f"jet {jet}, {axes}, beta={beta}")


@pytest.mark.slow
@pytest.mark.fastjet
@pytest.mark.parametrize("axes", ["kt", "wta_kt", "onepass_kt", "onepass_wta_kt"])
def test_tau_matches_fastjet_contrib_full_sample(pythia_sample, axes):
    _compare(as_jet_batch(pythia_sample[0]), axes, 1.0, False, n_max=6)
