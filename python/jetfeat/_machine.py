"""Machine and library facts recorded next to every benchmark result."""

from __future__ import annotations

import datetime
import importlib.metadata
import logging
import os
import platform

logger = logging.getLogger(__name__)

# Distributions whose versions change the measured numbers: the reference libraries and the
# packages that run the tagger and the array handling.
_LIBRARIES = ("numpy", "awkward", "xgboost", "scikit-learn", "energyflow", "fastjet", "dcor")


def cpu_model() -> str:
    """Return the CPU model name from /proc/cpuinfo, or the platform's processor string."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def library_versions() -> dict[str, str | None]:
    """Return the installed version of each library that affects the numbers (None if absent)."""
    versions: dict[str, str | None] = {}
    for name in _LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def load_average() -> list[float] | None:
    """Return the 1, 5 and 15 minute load averages, or None where the OS has none.

    A load above the core count means other processes competed for the CPU while the
    benchmark ran, so the timings are upper bounds.
    """
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def machine_info() -> dict:
    """Collect CPU, core count, compiler, OpenMP threads and library versions as a dict.

    Returns
    -------
    dict
        JSON-serialisable facts: ``cpu``, ``cores`` (logical CPUs the process may use),
        ``build`` (from :func:`jetfeat.config.build_info`), ``OMP_WAIT_POLICY``,
        ``libraries``, ``load_average``, ``platform`` and the UTC ``date``.
    """
    from .config import build_info

    try:
        usable_cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not available on macOS or Windows
        usable_cores = os.cpu_count()
    return {
        "cpu": cpu_model(),
        "cores": usable_cores,
        "build": build_info(),
        # How idle OpenMP threads wait changes multi-threaded timings on a busy machine.
        "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "(unset)"),
        "libraries": library_versions(),
        "load_average": load_average(),
        "platform": platform.platform(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
