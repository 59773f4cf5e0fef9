"""N-subjettiness tau_N and the ratios tau_{N}/tau_{N-1}.

.. math::

    \\tau_N = \\sum_{i \\in \\mathrm{jet}} p_{T,i} \\min_k \\Delta R_{ik}^{\\beta}
    \\quad [\\mathrm{GeV}], \\qquad
    \\tau_N^{\\mathrm{norm}} = \\tau_N \\Big/ \\sum_i p_{T,i} R_0^{\\beta}
    \\quad [\\mathrm{dimensionless}],

with :math:`\\Delta R^2 = \\Delta y^2 + \\Delta\\phi^2` to N axes. The axes reproduce
fastjet-contrib 1.051 (Nsubjettiness 2.3):

- ``kt``, ``ca``: exclusive kT / Cambridge-Aachen subjets, E-scheme;
- ``wta_kt``, ``wta_ca``: the same with winner-take-all pT recombination;
- ``onepass_kt``, ``onepass_wta_kt``, ``onepass_ca``, ``onepass_wta_ca``: those seeds refined by
  one pass of the iterative minimisation of tau_N (fastjet-contrib's ``OnePass_*_Axes``).

Feature names: ``tau2_beta1_wta_kt`` (unnormalised, GeV), ``tau2_beta1_wta_kt_norm_R1``
(normalised with R0 = 1), ``tau21_beta1_wta_kt`` = tau_2 / tau_1 (the same for both measures,
since the normalisation cancels). A jet with M <= N particles has tau_N = 0, and a ratio whose
denominator is 0 is set to 0. A jet without particles (all padding) gets 0 everywhere.
"""

from __future__ import annotations

import logging

import numpy as np

from .. import _core
from ..jets import JetBatch
from ._clustering import check_positive, format_number, prepare_batch
from ._registry import Family, _threads, add_to_preset, register

logger = logging.getLogger(__name__)

__all__ = ["nsubjettiness", "AXES"]

# Axes names and their codes in jetfeat._core.
AXES = {
    "kt": 0,
    "ca": 1,
    "wta_kt": 2,
    "wta_ca": 3,
    "onepass_kt": 4,
    "onepass_wta_kt": 5,
    "onepass_ca": 6,
    "onepass_wta_ca": 7,
}

# fastjet-contrib's one-pass minimisation is written for at most 20 axes.
MAX_N = 20


def _check(n_max, beta, axes, R0) -> tuple[int, float, int, float]:
    if axes not in AXES:
        raise ValueError(f"axes={axes!r} is not supported; use one of {list(AXES)}")
    if int(n_max) != n_max or not 1 <= n_max <= MAX_N:
        raise ValueError(f"n_max must be an int in 1..{MAX_N}, got {n_max!r}")
    return int(n_max), check_positive("beta", beta), AXES[axes], check_positive("R0", R0)


def nsubjettiness(jets, n_max: int = 4, *, beta: float = 1.0, axes: str = "wta_kt",
                  normalized: bool = False, R0: float = 1.0, coords: str = "epxpypz",
                  n_jobs: int | None = None) -> np.ndarray:
    """Compute tau_1 .. tau_{n_max} of each jet.

    Parameters
    ----------
    jets : array_like, awkward.Array or JetBatch
        Jets in any layout :func:`jetfeat.as_jet_batch` accepts.
    n_max : int, default=4
        Largest N (1..20).
    beta : float, default=1.0
        Angular exponent (> 0). beta = 1 is the usual choice; one-pass minimisation is exact
        for beta = 1 and 2 and approximate otherwise.
    axes : str, default="wta_kt"
        One of ``kt, ca, wta_kt, wta_ca, onepass_kt, onepass_wta_kt, onepass_ca,
        onepass_wta_ca``.
    normalized : bool, default=False
        Divide by sum_i pT_i R0^beta (dimensionless); otherwise tau_N is in GeV.
    R0 : float, default=1.0
        Characteristic jet radius of the normalisation.
    coords : {"epxpypz", "ptyphim"}, default="epxpypz"
        Meaning of the four input columns.
    n_jobs : int, default=None
        Threads: None means 1, -1 means all cores.

    Returns
    -------
    ndarray of shape (N, n_max)
        Column N - 1 holds tau_N; 0 for a jet with N or fewer particles.

    Notes
    -----
    IRC safe for beta > 0. Cost per jet: one O(M^2) clustering for all N, then O(M N) per tau_N
    (times the number of iterations, at most 1000, for one-pass axes).

    References
    ----------
    J. Thaler, K. Van Tilburg, arXiv:1011.2268 and arXiv:1108.2701.
    """
    n_max, beta, code, R0 = _check(n_max, beta, axes, R0)
    batch = prepare_batch(jets, coords)
    return _core.nsubjettiness(batch.p4s, batch.offsets, n_max, beta, code, bool(normalized), R0,
                               _threads(n_jobs))


def safe_ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Return numerator / denominator, and 0 where the denominator is 0."""
    out = np.zeros_like(numerator)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def _family(batch: JetBatch, n_jobs: int, beta: float = 1.0, axes: str = "wta_kt",
            n_max: int = 6, normalized: bool = False, R0: float = 1.0) -> dict:
    n_max, beta, code, R0 = _check(n_max, beta, axes, R0)
    prepare_batch(batch, "epxpypz")
    tau = _core.nsubjettiness(batch.p4s, batch.offsets, n_max, beta, code, bool(normalized), R0,
                              n_jobs)
    tag = f"beta{format_number(beta)}_{axes}"
    suffix = f"_norm_R{format_number(R0)}" if normalized else ""
    columns = {f"tau{n}_{tag}{suffix}": tau[:, n - 1] for n in range(1, n_max + 1)}
    for n in range(2, n_max + 1):
        columns[f"tau{n}{n - 1}_{tag}"] = safe_ratio(tau[:, n - 1], tau[:, n - 2])
    return columns


register(Family("nsubjettiness", _family,
                {"beta": 1.0, "axes": "wta_kt", "n_max": 6, "normalized": False, "R0": 1.0},
                "N-subjettiness tau_1..tau_6 [GeV] and ratios tau21, tau32, ... (WTA kT axes)"))
# WTA kT axes are the standard choice: deterministic, recoil-free and without minimisation.
add_to_preset("standard", "nsubjettiness", {"beta": 1.0, "axes": "wta_kt", "n_max": 3},
              ["tau21_beta1_wta_kt", "tau32_beta1_wta_kt"])
add_to_preset("all", "nsubjettiness")
