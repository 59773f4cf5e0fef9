"""Plot jets/s against the number of constituents M from benchmark JSON files.

Reads either format:

- pytest-benchmark output (``python -m pytest benchmarks/ --benchmark-json=bench.json``): one line
  per benchmark, parameter set and thread count, with throughput = jets per call / median
  seconds (see :func:`series_from_pytest_benchmark` for where M and the jet count come from);
- ``jetfeat bench --json report.json``: one line per workload, library and thread count.

Usage::

    python benchmarks/plot_benchmarks.py bench.json [more.json ...] -o benchmarks.png

The script also prints the log-log slope of time against M for every line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

# Names under which benchmark files record the particles per jet M and the thread count,
# in params (fixture or parametrize values) or in benchmark.extra_info.
_MULTIPLICITY_KEYS = ("multiplicity", "n_particles", "n_constituents", "batch")
_THREAD_KEYS = ("n_jobs", "threads", "n_threads")


def _first_int(mappings, keys):
    for mapping in mappings:
        for key in keys:
            value = mapping.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                return key, value
    return None, None


def series_from_pytest_benchmark(data: dict) -> dict[str, list[tuple[int, float]]]:
    """Return line label -> [(M, median seconds per jet)] from a pytest-benchmark document.

    M comes from a ``multiplicity``, ``n_particles``, ``n_constituents`` or (integer) ``batch``
    parameter or ``extra_info`` entry. The jets per call come from ``extra_info["n_jets"]``,
    or for benchmarks on the ``jets`` fixture of ``benchmarks/conftest.py`` from the file's
    ``jetfeat_n_jets``. Entries without both are left out with a message on standard error.
    """
    series: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for entry in data["benchmarks"]:
        params = entry.get("params") or {}
        extra = entry.get("extra_info") or {}
        m_key, multiplicity = _first_int([extra, params], _MULTIPLICITY_KEYS)
        if multiplicity is None:
            continue
        n_jets = extra.get("n_jets")
        if n_jets is None and "multiplicity" in params:
            n_jets = data.get("jetfeat_n_jets")
        if n_jets is None:
            print(f"{entry['name']}: no n_jets in extra_info, left out", file=sys.stderr)
            continue

        # One line per benchmark and remaining parameters, for each thread count.
        thread_key, threads = _first_int([params, extra], _THREAD_KEYS)
        threads = 1 if threads is None else threads
        threads_label = "all threads" if threads == -1 else f"{threads} thr"
        others = ",".join(f"{key}={value}" for key, value in sorted(params.items())
                          if key not in (m_key, thread_key))
        name = entry.get("group") or entry["name"].split("[", 1)[0]
        label = f"{name}({others})" if others else name
        series[f"{label} ({threads_label})"].append(
            (multiplicity, float(entry["stats"]["median"]) / int(n_jets)))
    return series


def series_from_jetfeat_bench(data: dict) -> dict[str, list[tuple[int, float]]]:
    """Return line label -> [(M, median seconds per jet)] from a ``jetfeat bench`` report."""
    series: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for point in data["measurements"]:
        if point["n_constituents"] is None:
            continue
        # Reference libraries are marked "[library]"; the plot draws them dashed.
        library = "" if point["library"] == "jetfeat" else f" [{point['library']}]"
        label = f"{point['workload']}{library} ({point['threads']} thr)"
        series[label].append((point["n_constituents"], point["median_s"] / point["n_jets"]))
    return series


def load_series(paths: list[Path]) -> dict[str, list[tuple[int, float]]]:
    """Read every file and merge their lines; a label seen twice gets the file name appended."""
    merged: dict[str, list[tuple[int, float]]] = {}
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format", "").startswith("jetfeat-bench/"):
            series = series_from_jetfeat_bench(data)
        elif "benchmarks" in data:
            series = series_from_pytest_benchmark(data)
        else:
            raise ValueError(
                f"{path} is neither pytest-benchmark JSON (no 'benchmarks' list) nor a "
                "'jetfeat bench --json' report (no 'format' field)"
            )
        for label, points in series.items():
            key = label if label not in merged else f"{label} from {path.name}"
            merged[key] = sorted(points)
    return merged


def slope(points: list[tuple[int, float]]) -> float | None:
    """Return the least-squares slope of log(time) against log(M), None below 2 values of M."""
    sizes = np.array([m for m, _ in points], dtype=np.float64)
    if np.unique(sizes).size < 2:
        return None
    seconds = np.array([t for _, t in points], dtype=np.float64)
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


def plot(series: dict[str, list[tuple[int, float]]], output: Path, title: str) -> None:
    """Draw jets/s against M on log-log axes, one line per series, and save a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(8, 5.5))
    for label, points in sorted(series.items()):
        axis.plot([m for m, _ in points], [1.0 / t for _, t in points], marker="o",
                  linestyle="--" if "[" in label else "-", label=label)
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("constituents per jet M")
    axis.set_ylabel("jets / s")
    axis.set_title(title)
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize="x-small", loc="best")
    figure.tight_layout()
    figure.savefig(output, dpi=120)
    plt.close(figure)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, print the slopes and write the plot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="benchmark JSON files")
    parser.add_argument("-o", "--output", type=Path, default=Path("benchmarks.png"),
                        help="PNG to write (default: benchmarks.png)")
    parser.add_argument("--title", default="jetfeat throughput", help="plot title")
    args = parser.parse_args(argv)

    series = load_series(args.files)
    if not series:
        print("no benchmark with a multiplicity parameter in the given files", file=sys.stderr)
        return 1
    width = max(len(label) for label in series)
    for label, points in sorted(series.items()):
        fitted = slope(points)
        text = "no slope (one M only)" if fitted is None else f"time ~ M^{fitted:.2f}"
        print(f"{label.ljust(width)}  {text}")
    plot(series, args.output, args.title)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
