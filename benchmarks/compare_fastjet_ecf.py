"""Time jetfeat's ECFs against fastjet-contrib 1.051 EnergyCorrelator on the same jets.

Usage::

    python benchmarks/compare_fastjet_ecf.py [--jets 200] [--repeats 3] [--rounds 3] [--threads 1 2]

Both sides run on identical jets in one run, in ``--rounds`` alternating rounds, and report
their fastest pass in microseconds per jet. fastjet-contrib is timed inside the test-only C++ program
``tests/fastjet_ref/ecf_ref.cpp`` (std::chrono around the EnergyCorrelator calls,
single-threaded, pt_R measure, storage_array strategy). jetfeat is timed with
``time.perf_counter`` around one batch call, including the Python ratio step, for each thread
count in ``--threads``. For "N2 and M2" that call computes the generalised ECFs up to N = 3.

Jets with M = 50 are the 50 hardest constituents of shared Pythia jets with at least 50
constituents (random jets when the shared sample is absent). The sample holds only four jets
with 150 or more constituents, so M = 150 jets are random (pT exponential with mean 5 GeV, y and
phi Gaussian with width 0.3 around the axis). Before timing, the script checks that both sides
agree to 1e-9.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fastjet_ref.build import build_program, run_program  # noqa: E402

from jetfeat.jets import JetBatch, as_jet_batch  # noqa: E402
from jetfeat.substructure._ecf import (  # noqa: E402
    energy_correlation_functions,
    generalized_energy_correlation_functions,
)

SHARED = Path(os.environ.get("JETFEAT_SHARED", ROOT.parent / "shared"))


def random_batch(n_jets: int, m: int, seed: int) -> JetBatch:
    rng = np.random.default_rng(seed)
    jets = []
    for _ in range(n_jets):
        rows = np.stack([rng.exponential(5.0, m) + 0.1, rng.normal(0.0, 0.3, m),
                         rng.normal(0.0, 0.3, m), np.zeros(m)], axis=1)
        jets.append(rows)
    return as_jet_batch(jets, coords="ptyphim")


def pythia_batch(n_jets: int, m: int) -> JetBatch | None:
    path = SHARED / "data" / "pythia_top_qcd_4k.npz"
    if not path.is_file():
        return None
    with np.load(path) as data:
        jets, counts = data["jets"], data["n_constituents"]
    chosen = np.flatnonzero(counts >= m)[:n_jets]
    if chosen.size < n_jets:
        return None
    rounded = as_jet_batch(jets[chosen, :m])
    # Rebuild in float64 from (pT, y, phi, m) so both programs see identical particles.
    return as_jet_batch([rounded.jet(i)[1] for i in range(rounded.n_jets)], coords="ptyphim")


def jets_as_text(batch: JetBatch) -> str:
    lines = [str(batch.n_jets)]
    for i in range(batch.n_jets):
        p4s, _ = batch.jet(i)
        lines.append(str(len(p4s)))
        lines.extend(f"{px:.17g} {py:.17g} {pz:.17g} {e:.17g}" for e, px, py, pz in p4s)
    return "\n".join(lines) + "\n"


def reference_timing(binary: Path, text: str, what: str, repeats: int) -> float:
    output = run_program(binary, text, "time", what, "1", str(repeats))
    line = next(line for line in output.splitlines() if line.startswith("us_per_jet"))
    return float(line.split()[1])


def jetfeat_timing(batch: JetBatch, what: str, threads: int, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        if what == "n2m2":
            generalized_energy_correlation_functions(batch, threads, beta=1.0, n_max=3)
        else:
            energy_correlation_functions(batch, threads, beta=1.0, n_max=3)
        best = min(best, time.perf_counter() - start)
    return 1e6 * best / batch.n_jets


def check_agreement(binary: Path, batch: JetBatch) -> None:
    subset = batch.select(slice(0, 5))
    output = run_program(binary, jets_as_text(subset), "values", "1", "2", "3")
    lines = [line for line in output.splitlines() if line and not line.startswith("#")]
    header = lines[0].split()[1:]
    values = np.array([[float(x) for x in line.split()] for line in lines[1:]])
    ours = energy_correlation_functions(subset, beta=1.0, n_max=3)
    ours.update(generalized_energy_correlation_functions(subset, beta=1.0, n_max=3))
    for name, column in (("ecf3", "ecf3_beta1"), ("C2", "C2_beta1"), ("D2", "D2_beta1"),
                         ("N2", "N2_beta1"), ("M2", "M2_beta1")):
        np.testing.assert_allclose(ours[column], values[:, header.index(name)], rtol=1e-9)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jets", type=int, default=200, help="jets per multiplicity (default 200)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="passes per timing, fastest kept (default 3)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="timings per side, alternating, fastest kept (default 3)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2],
                        help="jetfeat thread counts to time (default 1 2)")
    args = parser.parse_args(argv)

    binary = build_program("ecf_ref.cpp")
    print(f"{'M':>4} {'jets':>6} {'observables':<12} {'fastjet-contrib us/jet':>23} "
          f"{'threads':>7} {'jetfeat us/jet':>15} {'speed-up':>9}")
    for m, n_jets in ((50, args.jets), (150, max(args.jets // 4, 10))):
        batch = pythia_batch(n_jets, m) if m == 50 else None
        source = "pythia"
        if batch is None:
            batch, source = random_batch(n_jets, m, seed=m), "random"
        check_agreement(binary, batch)
        text = jets_as_text(batch)
        for what, label in (("ecf123", "ECF(1..3)"), ("c2d2", "C2 and D2"),
                            ("n2m2", "N2 and M2")):
            # Rounds alternate between the two sides and each keeps its fastest, so that a slow
            # spell of the machine does not land on one side only.
            reference = float("inf")
            ours = {threads: float("inf") for threads in args.threads}
            for _ in range(args.rounds):
                reference = min(reference, reference_timing(binary, text, what, args.repeats))
                for threads in args.threads:
                    ours[threads] = min(ours[threads],
                                        jetfeat_timing(batch, what, threads, args.repeats))
            for threads in args.threads:
                print(f"{m:>4} {n_jets:>6} {label:<12} {reference:>23.1f} {threads:>7} "
                      f"{ours[threads]:>15.2f} {reference / ours[threads]:>8.1f}x   "
                      f"({source} jets)")


if __name__ == "__main__":
    main()
