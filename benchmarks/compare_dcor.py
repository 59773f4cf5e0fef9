"""Time jetfeat.disco against dcor 0.7 on the same samples in one run and print the ratios.

Two parts:

1. 1-D x against 1-D y at n = 1e4, 1e5, 1e6 (``--quick``: 1e4, 1e5): jetfeat's O(n log n)
   path against dcor's ``method="mergesort"`` and ``method="avl"``, for a continuous y and for a
   0/1 label.
2. Batched scoring as in one DisCo-FFS iteration: ``--candidates`` columns (default 7,350), each
   joined to ``--selected`` features (default 10) on ``--blocks`` blocks of ``--block-size``
   events (default 3 x 2048). jetfeat scores all candidates; dcor's
   ``distance_correlation_af_inv_sqr`` runs on ``--dcor-candidates`` of them, and its time for
   all candidates is extrapolated from those. Throughput counts unordered event pairs times
   candidates, per second and per thread.

Every timing is the best of ``--repeat`` runs; every jetfeat value is checked against dcor and
the largest relative difference is printed. Run: ``python benchmarks/compare_dcor.py --quick``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import dcor
import numpy as np

from jetfeat import disco


def best_time(function, repeat: int, clock=time.perf_counter):
    """Return (best time in seconds on ``clock``, last result) of ``repeat`` calls."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = clock()
        result = function()
        best = min(best, clock() - start)
    return best, result


def relative_difference(a, b) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def compare_1d(sizes, repeat: int, n_jobs) -> None:
    print("\n1-D dCor^2: jetfeat O(n log n) vs dcor fast methods (wall seconds, best of "
          f"{repeat}; ratios are dcor / jetfeat)")
    print(f"{'y':>7} {'n':>9} {'jetfeat':>9} {'mergesort':>10} {'avl':>9} {'ratio_ms':>9} "
          f"{'ratio_avl':>10} {'cpu_ratio_ms':>13} {'max_rel_diff':>13}")
    rng = np.random.default_rng(1)

    # Warm up dcor's numba compilation outside the timings.
    for method in ("mergesort", "avl"):
        dcor.distance_correlation_sqr(rng.normal(size=64), rng.normal(size=64), method=method)

    for n in sizes:
        x = rng.normal(size=n)
        targets = {
            "cont": x**2 + rng.normal(size=n),
            "label": (rng.random(n) < 1.0 / (1.0 + np.exp(-x))).astype(float),
        }
        for kind, y in targets.items():
            t_jet, v_jet = best_time(lambda: disco.distance_correlation_sqr(x, y, n_jobs=n_jobs),
                                     repeat)
            t_ms, v_ms = best_time(
                lambda: dcor.distance_correlation_sqr(x, y, method="mergesort"), repeat)
            t_avl, v_avl = best_time(lambda: dcor.distance_correlation_sqr(x, y, method="avl"),
                                     repeat)
            # CPU-time ratio with one thread each, less sensitive to other load on the machine.
            c_jet, _ = best_time(lambda: disco.distance_correlation_sqr(x, y), repeat,
                                 time.process_time)
            c_ms, _ = best_time(lambda: dcor.distance_correlation_sqr(x, y, method="mergesort"),
                                repeat, time.process_time)
            diff = max(relative_difference(v_jet, v_ms), relative_difference(v_jet, v_avl))
            print(f"{kind:>7} {n:>9} {t_jet:>9.4f} {t_ms:>10.4f} {t_avl:>9.4f} "
                  f"{t_ms / t_jet:>9.2f} {t_avl / t_jet:>10.2f} {c_ms / c_jet:>13.2f} "
                  f"{diff:>13.1e}")


def scoring_sample(rng, n: int, k: int, n_candidates: int):
    """Selected features, candidates and labels with a mix of informative and noise columns."""
    labels = (rng.random(n) < 0.5).astype(float)
    selected = rng.normal(size=(n, k)) + 0.3 * labels[:, None]
    candidates = rng.normal(size=(n, n_candidates))
    candidates += rng.uniform(0.0, 0.5, size=n_candidates) * labels[:, None]
    candidates[:, ::7] += 0.5 * selected[:, :1]
    return selected, candidates, labels


def compare_scoring(args) -> None:
    n = args.blocks * args.block_size
    pairs_per_candidate = args.blocks * args.block_size * (args.block_size - 1) / 2
    rng = np.random.default_rng(2)
    selected, candidates, labels = scoring_sample(rng, n, args.selected, args.candidates)
    threads = os.cpu_count() if args.n_jobs == -1 else (args.n_jobs or 1)

    print(f"\nBatched scoring: {args.candidates} candidates + {args.selected} selected features, "
          f"{args.blocks} blocks of {args.block_size} events, n_jobs={args.n_jobs}")
    wall = time.perf_counter()
    cpu = time.process_time()
    t_jet, scores = best_time(
        lambda: disco.score_candidates(selected, candidates, labels, block_size=args.block_size,
                                       n_jobs=args.n_jobs),
        args.repeat,
    )
    # On a shared machine the wall time includes waiting for a core, but the process CPU time
    # (all threads) does not. Pairs per CPU-second therefore estimates one uncontended core.
    cpu = (time.process_time() - cpu) / args.repeat
    wall = (time.perf_counter() - wall) / args.repeat
    pairs = args.candidates * pairs_per_candidate
    print(f"  jetfeat: {t_jet:.3f} s wall for the whole iteration (best of {args.repeat}), "
          f"{pairs / t_jet / 1e9:.3f} G pairs/s, {pairs / t_jet / threads / 1e9:.3f} G pairs/s "
          f"per thread")
    print(f"           {cpu:.3f} s CPU per iteration (mean, all threads; wall mean {wall:.3f} s), "
          f"{pairs / cpu / 1e9:.3f} G pairs per CPU-second")

    # dcor on a subset of candidates, block by block, as DisCo-FFS would call it.
    subset = np.linspace(0, args.candidates - 1, args.dcor_candidates).astype(int)
    blocks = np.array_split(np.arange(n), args.blocks)
    dcor.distance_correlation_af_inv_sqr(selected[:64], labels[:64])  # numba warm-up
    start = time.perf_counter()
    reference = np.array([
        np.mean([dcor.distance_correlation_af_inv_sqr(
            np.column_stack([selected[block], candidates[block, c]]), labels[block])
            for block in blocks])
        for c in subset
    ])
    t_dcor_each = (time.perf_counter() - start) / len(subset)
    t_dcor = t_dcor_each * args.candidates
    print(f"  dcor   : {t_dcor_each:.3f} s per candidate ({len(subset)} timed), "
          f"{t_dcor:.0f} s extrapolated to {args.candidates} candidates")
    print(f"  ratio  : {t_dcor / t_jet:.1f}x; max relative difference on the timed candidates "
          f"{relative_difference(scores[subset], reference):.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="1-D sizes 1e4 and 1e5 only, 256 candidates on one block")
    parser.add_argument("--n-jobs", type=int, default=None,
                        help="jetfeat threads (None: 1, -1: all cores); dcor is single-threaded")
    parser.add_argument("--candidates", type=int, default=7350, help="candidate columns")
    parser.add_argument("--selected", type=int, default=10, help="selected features k")
    parser.add_argument("--blocks", type=int, default=3, help="event blocks per iteration")
    parser.add_argument("--block-size", type=int, default=2048, help="events per block")
    parser.add_argument("--dcor-candidates", type=int, default=8,
                        help="candidates timed with dcor (its total is extrapolated)")
    parser.add_argument("--repeat", type=int, default=3, help="timings keep the best of these")
    args = parser.parse_args()

    sizes = [10**4, 10**5, 10**6]
    if args.quick:
        sizes = [10**4, 10**5]
        args.candidates = min(args.candidates, 256)
        args.blocks = 1
        args.repeat = 1

    print(f"jetfeat vs dcor {dcor.__version__}; {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores")
    compare_1d(sizes, args.repeat, args.n_jobs)
    compare_scoring(args)


if __name__ == "__main__":
    main()
