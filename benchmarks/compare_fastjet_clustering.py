"""Time jetfeat against FastJet 3.5.2 / fastjet-contrib 1.051 on the same jets, in one run.

The reference times come from the test-only program tests/fastjet_ref/clustering_ref.cpp, which
times itself with steady_clock on one thread. jetfeat is timed around its C++ kernels with
time.perf_counter. Jets: the shared Pythia sample (top and QCD), each cut to
its M hardest particles (M = 50), or two Pythia jets overlaid on one axis (M = 150, the sample
has too few jets that large). Prints microseconds per jet and the ratios.

Usage: [JETFEAT_SHARED=/path/to/shared] python benchmarks/compare_fastjet_clustering.py
       [--jets 400] [--repeat 3] [--rounds 3] [--dump-jets PREFIX]

Each side is timed --rounds times, alternating, and reports its fastest timing; each timing
keeps the fastest of --repeat passes over the jets.

With --dump-jets, the jets are written to PREFIX_50.txt and PREFIX_150.txt (the input format of
the reference program and of benchmarks/clustering_cpu_driver.cpp) and nothing is timed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from fastjet_ref.build import build_program, run_program  # noqa: E402

from jetfeat import _core  # noqa: E402
from jetfeat.jets import as_jet_batch  # noqa: E402

# The shared folder sits next to the repository unless JETFEAT_SHARED points elsewhere.
SAMPLE = Path(os.environ.get("JETFEAT_SHARED", REPO.parent / "shared")) / "data" / "pythia_top_qcd_4k.npz"


def hardest(jet: np.ndarray, m: int) -> np.ndarray:
    """Return the m highest-pT particles of a zero-padded jet."""
    jet = jet[np.abs(jet).sum(axis=1) > 0]
    order = np.argsort(-np.hypot(jet[:, 1], jet[:, 2]))
    return jet[order[:m]].astype(np.float64)


def align(jet: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Boost `jet` along z and rotate it in phi so that its axis lies on `target`'s axis."""
    def axis(j):
        total = j.sum(axis=0)
        return (0.5 * np.log((total[0] + total[3]) / (total[0] - total[3])),
                np.arctan2(total[2], total[1]))

    (y0, phi0), (y1, phi1) = axis(jet), axis(target)
    dy, dphi = y1 - y0, phi1 - phi0
    E, px, py, pz = jet.T
    mass2 = np.maximum(E**2 - px**2 - py**2 - pz**2, 0.0)
    c, s = np.cos(dphi), np.sin(dphi)
    ch, sh = np.cosh(dy), np.sinh(dy)
    px, py, pz = px * c - py * s, px * s + py * c, pz * ch + E * sh
    # The energy is recomputed from the mass so that rounding never gives E < |p|.
    return np.stack([np.sqrt(px**2 + py**2 + pz**2 + mass2), px, py, pz], 1)


def make_jets(m: int, n_jets: int) -> list[np.ndarray]:
    data = np.load(SAMPLE)["jets"]
    counts = (np.abs(data).sum(axis=2) > 0).sum(axis=1)
    if m <= 100:
        picked = np.flatnonzero(counts >= m)[:n_jets]
        return [hardest(data[i], m) for i in picked]
    half = m // 2
    picked = np.flatnonzero(counts >= half)[: 2 * n_jets]
    return [np.concatenate([hardest(data[a], half), align(hardest(data[b], m - half),
                                                          hardest(data[a], half))])
            for a, b in zip(picked[0::2], picked[1::2])]


def to_text(jets) -> str:
    lines = [str(len(jets))]
    for jet in jets:
        lines.append(str(len(jet)))
        lines.extend("%.17g %.17g %.17g %.17g" % tuple(row) for row in jet)
    return "\n".join(lines) + "\n"


def reference_time(binary, text, *args) -> float:
    output = run_program(binary, text, *map(str, args))
    for line in output.splitlines():
        if line.startswith("time_us_per_jet"):
            return float(line.split()[1])
    raise RuntimeError(f"no timing in reference output:\n{output}")


def jetfeat_time(function, n_jets: int, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best / n_jets * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jets", type=int, default=400, help="jets per multiplicity")
    parser.add_argument("--repeat", type=int, default=3,
                        help="passes over the jets per timing, fastest kept (default 3)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="timings per side, alternating, fastest kept (default 3)")
    parser.add_argument("--dump-jets", metavar="PREFIX",
                        help="write the jets to PREFIX_50.txt and PREFIX_150.txt and stop")
    args = parser.parse_args()
    if args.dump_jets:
        for m in (50, 150):
            Path(f"{args.dump_jets}_{m}.txt").write_text(to_text(make_jets(m, args.jets)))
        return
    binary = build_program("clustering_ref.cpp")

    print(f"{'task':<34}{'M':>5}{'fastjet us':>12}{'jetfeat us':>12}{'ratio':>8}"
          f"{'jetfeat 2thr':>14}{'2thr gain':>10}")
    for m in (50, 150):
        jets = make_jets(m, args.jets)
        batch = as_jet_batch(jets)
        text = to_text(jets)
        n = batch.n_jets
        p4s, offsets = batch.p4s, batch.offsets

        def timed(threads, call):
            return jetfeat_time(lambda: call(threads), n, args.repeat)

        # Each task: the reference program's arguments and the jetfeat call.
        tasks = [("C/A clustering", ("time_cluster",),
                  lambda t: _core.exclusive_dmerge(p4s, offsets, 1, 1000.0, 1.0, 0, 1, t))]
        for name, code in [("tau1..4 one-pass kT axes", 4), ("tau1..4 kT axes", 0),
                           ("tau1..4 WTA kT axes", 2)]:
            tasks.append((name, ("time_nsub", code, 4),
                          lambda t, code=code: _core.nsubjettiness(p4s, offsets, 4, 1.0, code,
                                                                   False, 1.0, t)))
        tasks.append(("C/A clustering + soft drop", None,
                      lambda t: _core.soft_drop(p4s, offsets, 0.1, 0.0, 1.0, t)))

        # Rounds alternate between the two sides, and each side keeps its fastest round. The
        # development machine (a 2-core virtual machine) had slow spells of a second or more in
        # which everything ran about 25% slower, so the fastest rounds fall outside them.
        soft_drop_alone = []
        for name, reference_args, call in tasks:
            ref, one_thread, two_threads = [], [], []
            for _ in range(args.rounds):
                one_thread.append(timed(1, call))
                two_threads.append(timed(2, call))
                if reference_args is None:
                    # fastjet-contrib's soft drop is timed on clustered jets: add the clustering.
                    alone = reference_time(binary, text, "time_softdrop", 0.1, 0.0, args.repeat)
                    soft_drop_alone.append(alone)
                    ref.append(reference_time(binary, text, "time_cluster", args.repeat) + alone)
                else:
                    ref.append(reference_time(binary, text, *reference_args, args.repeat))
            ref_us, one_us, two_us = (min(x) for x in (ref, one_thread, two_threads))
            print(f"{name:<34}{m:>5}{ref_us:>12.2f}{one_us:>12.2f}{ref_us / one_us:>7.1f}x"
                  f"{two_us:>14.2f}{one_us / two_us:>9.2f}x")
        print(f"{'soft drop alone (fastjet)':<34}{m:>5}{min(soft_drop_alone):>12.2f}")


if __name__ == "__main__":
    main()
