"""Shared fixtures of the pytest-benchmark suite in ``benchmarks/``.

Run it with ``python -m pytest benchmarks/ --benchmark-json=bench.json``; ``--benchmark-disable``
runs every benchmark once as a plain correctness test. Each benchmark file parametrises over the
``multiplicity`` (particles per jet M) and ``n_jobs`` fixtures below, so the JSON has one entry
per (benchmark, M, threads) that ``benchmarks/plot_benchmarks.py`` turns into jets/s against M.

The jets are random (:func:`jetfeat.bench.random_jets`, exactly M particles each), or the shared
Pythia sample cut to its M leading-pT particles when ``JETFEAT_BENCH_JETS=pythia`` and the
shared folder is present.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from jetfeat import _machine, as_jet_batch, bench

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("JETFEAT_SHARED", REPO_ROOT.parent / "shared"))

# Jets per benchmarked call, enough that the fixed cost of a call (input checks, packing, the
# returned table) is small next to the per-jet work even at M = 25.
N_JETS = int(os.environ.get("JETFEAT_BENCH_N_JETS", "200"))

MULTIPLICITIES = (25, 50, 100, 150)
THREADS = (1, 2, -1)


def pytest_report_header(config):
    info = _machine.machine_info()
    build = info["build"]
    return [
        f"jetfeat bench: {info['cpu']}, {info['cores']} cores, {build['compiler']} "
        f"{build['build_type']}, OpenMP max {build['max_threads']} threads, "
        f"load average {info['load_average']}",
        f"jets: {os.environ.get('JETFEAT_BENCH_JETS', 'random')}, {N_JETS} per call",
    ]


def pytest_benchmark_update_machine_info(config, machine_info):
    """Add jetfeat's build, library versions and load average to pytest-benchmark's JSON."""
    machine_info["jetfeat"] = _machine.machine_info()


def pytest_benchmark_update_json(config, benchmarks, output_json):
    """Record the jets per call so the plot script can turn seconds into jets/s."""
    output_json["jetfeat_n_jets"] = N_JETS


@pytest.fixture(params=MULTIPLICITIES, ids=lambda m: f"M{m}")
def multiplicity(request) -> int:
    """Particles per jet M."""
    return request.param


@pytest.fixture(params=THREADS, ids=lambda n: "all-threads" if n == -1 else f"{n}-threads")
def n_jobs(request) -> int:
    """Threads in the n_jobs convention (-1: all cores)."""
    return request.param


@pytest.fixture(scope="session")
def source_jets():
    """Return the Pythia jets when requested and present, else None (random jets)."""
    if os.environ.get("JETFEAT_BENCH_JETS", "random") != "pythia":
        return None
    path = SHARED_DIR / "data" / "pythia_top_qcd_4k.npz"
    if not path.is_file():
        pytest.skip(f"JETFEAT_BENCH_JETS=pythia but the Pythia sample {path} is absent")
    with np.load(path) as data:
        return as_jet_batch(data["jets"])


@pytest.fixture
def jets(multiplicity, source_jets):
    """Return ``N_JETS`` jets with exactly ``multiplicity`` particles each, as a JetBatch."""
    if source_jets is None:
        return bench.random_jets(N_JETS, multiplicity, seed=multiplicity)
    batch = bench.truncate_jets(source_jets, multiplicity, N_JETS)
    if batch is None:
        pytest.skip(f"no Pythia jet has {multiplicity} particles")
    return batch
