"""Shared fixtures: the team's Pythia sample and fastjet-contrib reference files, when present.

Both live outside the repository in ``../shared`` (or where ``JETFEAT_SHARED`` points); tests
that need them skip with a reason when the folder is absent, so a plain clone still passes.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("JETFEAT_SHARED", REPO_ROOT.parent / "shared"))


def pytest_report_header(config):
    versions = []
    for name in ("jetfeat", "numpy", "awkward", "energyflow", "fastjet", "dcor", "xgboost",
                 "sklearn"):
        try:
            module = importlib.import_module(name)
            versions.append(f"{name} {getattr(module, '__version__', '?')}")
        except Exception:  # noqa: BLE001 - the header only reports what imports
            versions.append(f"{name} (missing)")
    return ["versions: " + ", ".join(versions), f"shared folder: {SHARED_DIR}"]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        pytest.skip(f"shared folder {SHARED_DIR} is absent (set JETFEAT_SHARED to use another)")
    return SHARED_DIR


@pytest.fixture(scope="session")
def pythia_sample(shared_dir):
    """Return (jets (4000, 200, 4) float32 E,px,py,pz, labels int8) of the shared Pythia sample."""
    path = shared_dir / "data" / "pythia_top_qcd_4k.npz"
    if not path.is_file():
        pytest.skip(f"Pythia sample {path} is absent")
    with np.load(path) as data:
        return data["jets"], data["labels"]


@pytest.fixture(scope="session")
def fjcontrib_dir(shared_dir) -> Path:
    path = shared_dir / "reference" / "fjcontrib-1.051"
    if not path.is_dir():
        pytest.skip(f"fastjet-contrib reference folder {path} is absent")
    return path


@pytest.fixture
def rng():
    return np.random.default_rng(20261204)
