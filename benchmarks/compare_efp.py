"""Time jetfeat.efp against energyflow 1.4.0 on the same jets and print the ratios.

Usage::

    python benchmarks/compare_efp.py            # M = 50 and 150 random jets, Pythia jets
    python benchmarks/compare_efp.py --quick    # M = 50 and Pythia only, fewer jets

Both libraries compute all 1000 EFPs with d <= 7 at kappa = 1, beta = 1 (hadronic measure,
normed). energyflow runs ``batch_compute(n_jobs=1)``; jetfeat runs with 1 and 2 threads on more
jets so its timing is stable. The script also checks that the two agree on the shared jets and
prints the plan's arithmetic per jet and the achieved FLOP/s (2 FLOP per multiply-add).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from jetfeat._multigraphs import token_of
from jetfeat.efp import EFPSet
from jetfeat.jets import as_jet_batch

SHARED = Path(os.environ.get("JETFEAT_SHARED", Path(__file__).resolve().parents[2] / "shared"))


def random_jets(n_jets: int, n_particles: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    pt = rng.exponential(20.0, (n_jets, n_particles)) + 0.5
    y, phi = rng.normal(0.0, 0.4, (2, n_jets, n_particles))
    return np.stack([pt * np.cosh(y), pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(y)], -1)


def pythia_jets(n_jets: int) -> np.ndarray | None:
    path = SHARED / "data" / "pythia_top_qcd_4k.npz"
    if not path.is_file():
        return None
    with np.load(path) as data:
        return data["jets"][:n_jets].astype(np.float64)


def timed(function, *args, **kwargs):
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start_wall, time.process_time() - start_cpu


def compare(label, jets, n_reference, efps, reference, reference_order):
    n_jets = jets.shape[0]
    counts = as_jet_batch(jets).counts
    flop = sum(2.0 * efps.multiply_adds(int(m)) for m in counts)

    ours, wall1, cpu1 = timed(efps.compute, jets, n_jobs=1)
    _, wall2, _ = timed(efps.compute, jets, n_jobs=2)

    subset = [jet[np.any(jet != 0.0, axis=1)] for jet in jets[:n_reference]]
    theirs, wall_ef, cpu_ef = timed(reference.batch_compute, subset, n_jobs=1)
    theirs = np.asarray(theirs, dtype=np.float64).reshape(n_reference, -1)[:, reference_order]
    worst = np.max(np.abs(ours[:n_reference] - theirs) / np.abs(theirs))

    ms_ours = 1e3 * wall1 / n_jets
    ms_ef = 1e3 * wall_ef / n_reference
    print(
        f"{label}: <M> = {counts.mean():.0f}, jetfeat on {n_jets} jets, energyflow on {n_reference}"
    )
    print(f"  energyflow      : {ms_ef:10.2f} ms/jet (cpu {1e3 * cpu_ef / n_reference:.2f})")
    print(
        f"  jetfeat 1 thread: {ms_ours:10.3f} ms/jet (cpu {1e3 * cpu1 / n_jets:.3f}), "
        f"{n_jets / wall1:.0f} jets/s, {flop / n_jets / 1e6:.1f} MFLOP/jet, "
        f"{flop / wall1 / 1e9:.1f} GFLOP/s"
    )
    print(f"  jetfeat 2 threads: {1e3 * wall2 / n_jets:9.3f} ms/jet, {n_jets / wall2:.0f} jets/s")
    print(
        f"  speed-up vs energyflow: {ms_ef / ms_ours:.0f}x (1 thread, wall), "
        f"{(cpu_ef / n_reference) / (cpu1 / n_jets):.0f}x (cpu); 2 vs 1 threads: "
        f"{wall1 / wall2:.2f}x; max relative difference {worst:.1e}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="M = 50 and Pythia only, fewer jets")
    args = parser.parse_args(argv)

    import energyflow as ef

    efps = EFPSet(dmax=7)
    reference = ef.EFPSet(
        "d<=7", measure="hadr", kappa=1.0, beta=1.0, normed=True, coords="epxpypz"
    )
    reference_tokens = [token_of(graph) for graph in reference.graphs()]
    reference_order = [reference_tokens.index(token) for token in efps.tokens]
    print(f"{len(efps)} EFPs (d <= 7), plan ops {efps.plan.op_counts}")

    compare(
        "random M=50",
        random_jets(40 if args.quick else 200, 50),
        1 if args.quick else 3,
        efps,
        reference,
        reference_order,
    )
    if not args.quick:
        compare("random M=150", random_jets(10, 150), 1, efps, reference, reference_order)
    jets = pythia_jets(40 if args.quick else 200)
    if jets is None:
        print(f"Pythia sample not found under {SHARED}; set JETFEAT_SHARED")
    else:
        compare("Pythia top/QCD", jets, 1 if args.quick else 3, efps, reference, reference_order)


if __name__ == "__main__":
    main()
