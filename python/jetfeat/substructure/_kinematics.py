"""Jet kinematics from the E-scheme sum of the constituents.

Family ``"kinematics"`` gives ``pT``, ``y``, ``eta``, ``phi``, ``m``, ``E`` and
``multiplicity``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable

import numpy as np

from .. import _core
from ..jets import JetBatch
from ._registry import Family, add_to_preset, register

logger = logging.getLogger(__name__)

KINEMATICS_COLUMNS = ("pT", "y", "eta", "phi", "m", "E", "multiplicity")


def format_parameter(value: float) -> str:
    """Format a parameter for a feature name: ``1.0 -> "1"``, ``0.5 -> "0.5"``."""
    return f"{float(value):g}"


def positive_values(value, name: str) -> tuple[float, ...]:
    """Return ``value`` (a number or an iterable of numbers) as a tuple of finite floats > 0.

    Raises
    ------
    ValueError
        If any entry is not finite or not > 0, or the iterable is empty.
    TypeError
        If ``value`` is a string or an entry is not a number.
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name}={value!r} is a string; give a number or a list of numbers")
    values = tuple(value) if isinstance(value, Iterable) else (value,)
    if not values:
        raise ValueError(f"{name} is empty; give at least one value, for example {name}=1.0")
    result = []
    for entry in values:
        try:
            number = float(entry)
        except (TypeError, ValueError) as error:
            raise TypeError(f"{name}={entry!r} is not a number") from error
        if not math.isfinite(number) or number <= 0.0:
            raise ValueError(f"{name}={entry!r} is invalid; it must be a finite number > 0")
        result.append(number)
    return tuple(result)


def kinematics(batch: JetBatch, n_threads: int = 1) -> dict[str, np.ndarray]:
    """Compute the kinematics of each jet's four-momentum (the E-scheme sum of its constituents).

    P_J = sum_i p_i; pT = sqrt(px^2 + py^2), y = 0.5 ln((E + pz) / (E - pz)),
    eta = asinh(pz / pT), phi = atan2(py, px), m = sqrt(E^2 - |p|^2).

    Parameters
    ----------
    batch : JetBatch
        Jets from :func:`jetfeat.as_jet_batch`.
    n_threads : int, default=1
        Threads for the C++ kernel; 0 means all cores.

    Returns
    -------
    dict of str to ndarray of shape (N,)
        ``pT`` [GeV], ``y``, ``eta``, ``phi`` [rad, in (-pi, pi]], ``m`` [GeV], ``E`` [GeV] and
        ``multiplicity`` (number of non-padding constituents, as float64).

    Notes
    -----
    A jet with pT = 0 (no constituents, or a sum along the beam) has no direction: it gets
    y = eta = phi = 0. A squared mass that rounding makes slightly negative gives m = 0.
    Cost O(M) per jet. pT, y, phi and m are IRC safe; multiplicity is not.
    """
    values = _core.jet_kinematics(batch.p4s, batch.offsets, n_threads)
    return {name: np.ascontiguousarray(values[:, column])
            for column, name in enumerate(KINEMATICS_COLUMNS)}


def jet_axes(batch: JetBatch, n_threads: int = 1) -> np.ndarray:
    """Return the E-scheme jet axis of each jet as an ``(N, 2)`` array of (y, phi)."""
    values = _core.jet_kinematics(batch.p4s, batch.offsets, n_threads)
    return np.ascontiguousarray(values[:, [1, 3]])


register(Family(
    name="kinematics",
    compute=kinematics,
    summary="pT, y, eta, phi, m, E and multiplicity of the E-scheme jet four-momentum",
))
add_to_preset("standard", "kinematics", keep=["pT", "eta", "m", "multiplicity"])
add_to_preset("all", "kinematics")
