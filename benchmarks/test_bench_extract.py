"""Extraction throughput and peak memory: a file ten times larger than one chunk.

Run with ``python -m pytest benchmarks/test_bench_extract.py -m slow -s``; the memory
numbers are printed. The assert checks that the traced peak of a ten-chunk file stays close
to that of a one-chunk file, so memory does not grow with the dataset.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from jetfeat import features
from jetfeat import io as jio

N_CHUNKS = 10
CHUNK = 2_000
WIDTH = 200


def _write_file(path, n_chunks, rng):
    """Write ``n_chunks * CHUNK`` landscape jets chunk by chunk, never holding the whole file."""
    with jio.LandscapeWriter(path, n_particles=WIDTH) as writer:
        for _ in range(n_chunks):
            jets = np.zeros((CHUNK, WIDTH, 4), dtype=np.float32)
            counts = rng.integers(20, 120, size=CHUNK)
            for i, count in enumerate(counts):
                pt = rng.exponential(10.0, count) + 0.5
                eta = rng.normal(0.0, 0.3, count)
                phi = rng.normal(0.0, 0.3, count)
                jets[i, :count] = np.stack([pt * np.cosh(eta), pt * np.cos(phi),
                                            pt * np.sin(phi), pt * np.sinh(eta)], axis=1)
            writer.append(jets, rng.integers(0, 2, CHUNK))
    return path


def _traced_peak(path, output) -> int:
    tracemalloc.start()
    features.extract(path, "kinematics", output, chunk_size=CHUNK, resume=False,
                     progress=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


@pytest.mark.slow
def test_extract_memory_bounded(tmp_path, benchmark):
    rng = np.random.default_rng(7)
    small = _write_file(tmp_path / "small.h5", 1, rng)
    big = _write_file(tmp_path / "big.h5", N_CHUNKS, rng)
    chunk_bytes = CHUNK * (4 * WIDTH + 6) * 4  # float32 rows of the landscape block

    # The first run also traces one-off imports (pyarrow, tqdm); measure the second.
    _traced_peak(small, tmp_path / "small_out")
    one_chunk_peak = _traced_peak(small, tmp_path / "small_out")
    big_peak = benchmark.pedantic(_traced_peak, args=(big, tmp_path / "big_out"), rounds=1,
                                  iterations=1)
    print(f"\nchunk: {CHUNK} jets = {chunk_bytes / 1e6:.1f} MB of float32 rows; "
          f"traced peak {one_chunk_peak / 1e6:.1f} MB for a 1-chunk file and "
          f"{big_peak / 1e6:.1f} MB for a {N_CHUNKS}-chunk file "
          f"({N_CHUNKS * chunk_bytes / 1e6:.0f} MB of rows)")

    # Ten times the data may cost only bookkeeping (manifest, task list) on top of one chunk.
    assert big_peak < 1.2 * one_chunk_peak
    frame = features.read_features(tmp_path / "big_out")
    assert len(frame) == N_CHUNKS * CHUNK
    last = jio.read_rows(big, (N_CHUNKS - 1) * CHUNK, N_CHUNKS * CHUNK)
    direct = features.jet_kinematics(last.jets)
    np.testing.assert_array_equal(frame["jet_mass"].to_numpy()[-CHUNK:], direct["jet_mass"])


@pytest.mark.slow
@pytest.mark.parametrize("preset", ["efp-d5", "standard"])
def test_extract_throughput(tmp_path, benchmark, preset):
    rng = np.random.default_rng(11)
    path = _write_file(tmp_path / "jets.h5", 1, rng)
    chunk = CHUNK // 4

    def run():
        return features.extract(path, preset, tmp_path / "out", chunk_size=chunk, n_jobs=-1,
                                resume=False, progress=False)

    benchmark.pedantic(run, rounds=1, iterations=1)

    # With --benchmark-disable the run is a correctness check only and records no timing.
    if benchmark.stats is not None:
        seconds = benchmark.stats.stats.mean
        print(f"\n{preset}: {CHUNK} jets in {seconds:.2f} s = {CHUNK / seconds:.0f} jets/s "
              f"(chunks of {chunk}, n_jobs=-1)")

    frame = features.read_features(tmp_path / "out")
    feature_set = features.get_feature_set(preset)
    direct = feature_set.compute(jio.read_landscape(path).jets)
    np.testing.assert_array_equal(frame[feature_set.names].to_numpy(), direct.to_numpy())
