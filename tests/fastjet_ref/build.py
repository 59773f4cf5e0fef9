"""Compile the test-only C++ programs that print FastJet / fastjet-contrib reference values.

The PyPI ``fastjet`` wheel (3.5.2) ships ``libfastjet.so``, ``libfastjettools.so``,
``libfastjetcontribfragile.so`` and the contrib headers inside its package folder, so a small
program compiled against them gives reference values for the same jets jetfeat sees. FastJet
is GPL: it is linked only by these test programs, never by jetfeat.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CACHE_DIR = Path(tempfile.gettempdir()) / "jetfeat-fastjet-ref"


def fastjet_prefix() -> Path:
    """Return the fastjet wheel's package folder (holding include/ and lib64/), or skip."""
    fastjet = pytest.importorskip("fastjet", reason="the fastjet wheel is needed for references")
    prefix = Path(fastjet.__file__).resolve().parent
    if not (prefix / "include" / "fastjet" / "contrib").is_dir():
        pytest.skip(f"the fastjet wheel at {prefix} has no contrib headers")
    return prefix


def build_program(source: str | Path) -> Path:
    """Compile ``source`` (a path relative to this folder, or absolute) and return the binary.

    Binaries are cached by the hash of the source, so each program is compiled once per machine.
    Skips the calling test when no C++ compiler or no fastjet wheel is available.
    """
    source = Path(source)
    if not source.is_absolute():
        source = HERE / source
    compiler = os.environ.get("CXX", "g++")
    if shutil.which(compiler) is None:
        pytest.skip(f"no C++ compiler ({compiler}) to build the fastjet reference program")
    prefix = fastjet_prefix()
    libdir = prefix / "lib64" if (prefix / "lib64").is_dir() else prefix / "lib"

    digest = hashlib.sha256(source.read_bytes() + str(prefix).encode()).hexdigest()[:16]
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    binary = CACHE_DIR / f"{source.stem}-{digest}"
    if binary.exists():
        return binary

    command = [
        compiler, "-std=c++17", "-O2", str(source), "-o", str(binary) + ".tmp",
        f"-I{prefix / 'include'}", f"-L{libdir}", f"-Wl,-rpath,{libdir}",
        "-lfastjetcontribfragile", "-lfastjettools", "-lfastjet",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"compiling {source.name} failed:\n{' '.join(command)}\n{result.stderr}")
    os.replace(str(binary) + ".tmp", binary)
    return binary


def run_program(binary: Path, stdin_text: str, *args: str) -> str:
    """Run a reference program with ``stdin_text`` as input and return its standard output."""
    result = subprocess.run(
        [str(binary), *args], input=stdin_text, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{binary.name} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout
