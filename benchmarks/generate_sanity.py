"""Generate top, W and QCD jets and print the physics checks and the generation rate.

Usage: ``python benchmarks/generate_sanity.py [--n-jets 2000] [--workers N] [--mpi]``.
Prints, per process, the jet mass median and the fraction in the top (150-200 GeV) and
W (65-95 GeV) windows, the mean constituent multiplicity, the pT and |eta| ranges, and the
jets per CPU-second recorded in the file metadata.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from jetfeat import features, generate
from jetfeat import io as jio


def summarise(path: Path, signal: str) -> None:
    """Print the checks for one generated file of ``signal`` and QCD jets."""
    data = jio.read_landscape(path)
    mass = features.jet_kinematics(data.jets)["jet_mass"]
    total = data.jets.sum(axis=1, dtype=np.float64)
    pt = np.hypot(total[:, 1], total[:, 2])
    eta = np.arcsinh(total[:, 3] / pt)
    multiplicity = np.any(data.jets != 0, axis=2).sum(axis=1)
    metadata = jio.read_metadata(path)
    for name, selected in ((signal, data.labels == 1), ("qcd", data.labels == 0)):
        m = mass[selected]
        print(f"{name:>4}: {selected.sum():5d} jets, mass median {np.median(m):6.1f} GeV, "
              f"in 150-200 GeV {np.mean((m > 150) & (m < 200)):.2f}, "
              f"in 65-95 GeV {np.mean((m > 65) & (m < 95)):.2f}, "
              f"multiplicity {multiplicity[selected].mean():5.1f}, "
              f"pT {pt[selected].min():.1f}-{pt[selected].max():.1f} GeV, "
              f"max |eta| {np.abs(eta[selected]).max():.2f}")
    qcd_histogram = np.histogram(mass[data.labels == 0], bins=[0, 50, 100, 150, 200, 250, 300])
    print(f"  QCD mass histogram (0-300 GeV, 50 GeV bins): {qcd_histogram[0].tolist()}")
    print(f"  {metadata['jets_per_cpu_second']} jets per CPU-second, "
          f"{metadata['wall_seconds']} s wall")


def main() -> None:
    """Parse the options, generate the samples and print their summaries."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-jets", type=int, default=2000, help="jets per sample")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: all)")
    parser.add_argument("--mpi", action="store_true", help="turn multi-parton interactions on")
    parser.add_argument("--signals", nargs="+", default=["top", "w"], choices=["top", "w"])
    args = parser.parse_args()
    config = generate.GeneratorConfig(mpi=args.mpi)
    with tempfile.TemporaryDirectory() as folder:
        for signal in args.signals:
            path = generate.generate(Path(folder) / f"{signal}.h5", n_signal=args.n_jets // 2,
                                     n_background=args.n_jets // 2, signal=signal, seed=17,
                                     n_workers=args.workers, config=config, batch_size=100)
            summarise(path, signal)


if __name__ == "__main__":
    main()
