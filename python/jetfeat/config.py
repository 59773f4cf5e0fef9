"""Build and run-time configuration: ``jetfeat.show_config()``."""

from __future__ import annotations

import os
import platform

from . import _core


def build_info() -> dict:
    """Return build and threading facts: OpenMP, threads, compiler, SIMD and versions."""
    from . import __version__

    info = dict(_core.build_info())
    info["jetfeat"] = __version__
    info["python"] = platform.python_version()
    info["machine"] = platform.machine()
    info["cpu_count"] = os.cpu_count()
    info["OMP_NUM_THREADS"] = os.environ.get("OMP_NUM_THREADS", "(unset)")
    return info


def show_config() -> None:
    """Print how jetfeat was built and how many threads its kernels use."""
    info = build_info()
    threads = (
        f"OpenMP, up to {info['max_threads']} threads"
        if info["openmp"]
        else "single-threaded (built without OpenMP)"
    )
    lines = [
        f"jetfeat {info['jetfeat']} (python {info['python']}, {info['machine']})",
        f"  parallelism : {threads}",
        f"  compiler    : {info['compiler']} ({info['build_type']}), SIMD {info['simd']}",
        f"  cpu_count   : {info['cpu_count']}, OMP_NUM_THREADS={info['OMP_NUM_THREADS']}",
    ]
    print("\n".join(lines))
