"""Sequential-recombination clustering inside jets and the kT splitting scales.

Clustering runs in C++ (``jetfeat._core``) with FastJet's distance definitions and merging order:

.. math::

    d_{ij} = \\min(s_i, s_j) \\, \\Delta R_{ij}^2 / R^2, \\qquad d_{iB} = s_i,

with :math:`s = p_T^2` (kT), 1 (Cambridge/Aachen), :math:`p_T^{-2}` (anti-kT) or
:math:`p_T^{2p}` (generalised kT), and :math:`\\Delta R_{ij}^2 = \\Delta y^2 + \\Delta\\phi^2`
(rapidity y, phi wrapped into [0, pi]). Recombination is the E-scheme (four-momentum sum) or the
winner-take-all pT scheme (pT_a + pT_b along the harder input, massless), as fastjet-contrib's
``WinnerTakeAllRecombiner``. The merging order, including the choice among exactly equal
distances, follows FastJet's N2Plain strategy; FastJet's tiled strategies (used for small R)
can order exact ties, such as the final C/A beam mergings with d_iB = 1, differently.

Feature names of the ``kt_splitting`` family: ``sqrt_d12_kt_R1`` is sqrt(d_12) in GeV of the
exclusive kT clustering with R = 1, the d_ij of the merging that takes 2 jets to 1 (FastJet's
``exclusive_dmerge(1)``); ``sqrt_d23_kt_R1`` takes 3 jets to 2. Both are 0 for a jet with too
few particles, including a jet without particles (all padding).
"""

from __future__ import annotations

import logging

import numpy as np

from .. import _core
from ..jets import JetBatch, as_jet_batch
from ._registry import Family, _threads, add_to_preset, register

logger = logging.getLogger(__name__)

__all__ = ["exclusive_subjets", "clustering_history", "ALGORITHMS", "RECOMBINATIONS"]

# Algorithm names and their codes in jetfeat._core.
ALGORITHMS = {"kt": 0, "cambridge": 1, "ca": 1, "antikt": 2, "genkt": 3}
RECOMBINATIONS = {"E_scheme": 0, "WTA_pt_scheme": 1}

# FastJet's JetDefinition::max_allowable_R: with it every particle of a jet ends in one jet.
RECLUSTER_R = 1000.0


def format_number(value: float) -> str:
    """Format a parameter for a feature name: ``1.0 -> "1"``, ``0.1 -> "0.1"``."""
    return f"{value:g}"


def prepare_batch(jets, coords: str) -> JetBatch:
    """Pack ``jets`` and reject particles whose direction is undefined (pT = 0 with E > 0).

    Clustering needs every particle's rapidity and phi, and a particle exactly along the beam
    has neither. It is rejected here with its jet and particle index, where FastJet would give
    it the arbitrary rapidity 1e5 and cluster it.
    """
    batch = as_jet_batch(jets, coords=coords)
    zero_pt = np.flatnonzero(batch.ptyphims[:, 0] == 0.0)
    if zero_pt.size:
        row = int(zero_pt[0])
        jet = int(np.searchsorted(batch.offsets, row, side="right") - 1)
        raise ValueError(
            f"jet {jet}, particle {row - int(batch.offsets[jet])} has pT = 0 and E = "
            f"{batch.p4s[row, 0]:g} GeV, so its rapidity and phi are undefined; remove such "
            "particles (or zero all four entries to mark them as padding) before clustering."
        )
    return batch


def check_positive(name: str, value: float) -> float:
    """Return ``value`` as float, raising ValueError unless it is finite and > 0."""
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return value


def _definition_codes(algorithm: str, recombination: str, R: float, p: float) -> tuple:
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm={algorithm!r} is not supported; use one of {sorted(ALGORITHMS)}")
    if recombination not in RECOMBINATIONS:
        raise ValueError(
            f"recombination={recombination!r} is not supported; use one of {sorted(RECOMBINATIONS)}"
        )
    R = check_positive("R", R)
    p = float(p)
    if not np.isfinite(p):
        raise ValueError(f"p must be finite, got {p!r}")
    return ALGORITHMS[algorithm], RECOMBINATIONS[recombination], R, p


def exclusive_subjets(jets, n_subjets: int | None = None, *, dcut: float | None = None,
                      algorithm: str = "kt", R: float = RECLUSTER_R, p: float = 1.0,
                      recombination: str = "E_scheme", coords: str = "epxpypz",
                      n_jobs: int | None = None, library: str = "awkward"):
    """Recluster each jet and return its exclusive subjets.

    The jet's particles are clustered with ``algorithm`` until ``n_subjets`` jets remain (or,
    with ``dcut``, until every remaining pair has d_ij > dcut), as FastJet's
    ``exclusive_jets(n)`` / ``exclusive_jets(dcut)``.

    Parameters
    ----------
    jets : array_like, awkward.Array or JetBatch
        Jets in any layout :func:`jetfeat.as_jet_batch` accepts.
    n_subjets : int, default=None
        Number of exclusive subjets (>= 1). A jet with fewer particles returns all of them.
    dcut : float, default=None
        Resolution d_cut in GeV^2 (for kT; the units of d_ij of ``algorithm``), used when
        ``n_subjets`` is None.
    algorithm : {"kt", "cambridge", "ca", "antikt", "genkt"}, default="kt"
        Sequential recombination algorithm.
    R : float, default=1000.0
        Jet radius in d_ij; the default (FastJet's maximum) keeps every particle in the jet.
    p : float, default=1.0
        Exponent of the generalised kT algorithm (ignored by the others).
    recombination : {"E_scheme", "WTA_pt_scheme"}, default="E_scheme"
        Four-momentum sum, or winner-take-all (massless, along the harder input).
    coords : {"epxpypz", "ptyphim"}, default="epxpypz"
        Meaning of the four input columns.
    n_jobs : int, default=None
        Threads: None means 1, -1 means all cores.
    library : {"awkward", "numpy"}, default="awkward"
        ``"awkward"`` returns an ``N * var * 4`` awkward array of (E, px, py, pz) in GeV;
        ``"numpy"`` returns ``(subjets (K, 4), offsets (N + 1,))``.

    Returns
    -------
    awkward.Array or tuple of ndarray
        Subjets of each jet in FastJet's order (not sorted by pT).

    Notes
    -----
    Cost O(M^2) per jet of M particles. E-scheme kT subjets are IRC safe for fixed n_subjets.
    """
    batch = prepare_batch(jets, coords)
    code, recomb, R, p = _definition_codes(algorithm, recombination, R, p)
    if n_subjets is None:
        if dcut is None:
            raise ValueError("give either n_subjets (an int >= 1) or dcut (a number >= 0)")
        dcut = float(dcut)
        if not dcut >= 0:
            raise ValueError(f"dcut must be >= 0, got {dcut!r}")
        n = 0
    else:
        if dcut is not None:
            raise ValueError("give n_subjets or dcut, not both")
        n = int(n_subjets)
        if n < 1 or n != n_subjets:
            raise ValueError(f"n_subjets must be an int >= 1, got {n_subjets!r}")
        dcut = 0.0
    subjets, offsets = _core.exclusive_subjets(batch.p4s, batch.offsets, code, R, p, recomb, n,
                                               dcut, _threads(n_jobs))
    if library == "numpy":
        return subjets, offsets
    if library != "awkward":
        raise ValueError(f"library={library!r} is not supported; use 'awkward' or 'numpy'")
    import awkward as ak

    return ak.unflatten(subjets, np.diff(offsets))


def clustering_history(jets, *, algorithm: str = "cambridge", R: float = RECLUSTER_R,
                       p: float = 1.0, recombination: str = "E_scheme", coords: str = "epxpypz",
                       n_jobs: int | None = None) -> dict:
    """Return the full clustering history of every jet.

    Parameters
    ----------
    jets, algorithm, R, p, recombination, coords, n_jobs
        As in :func:`exclusive_subjets`.

    Returns
    -------
    dict of ndarray
        ``parents`` (P, 2) int64: history indices (0..2M-1 within the jet, the first M are the
        particles) of the two inputs of each step, -1 for a merging with the beam;
        ``dij`` (P,): the distance of each step (GeV^2 for kT); ``p4s`` (P, 4): E, px, py, pz of
        the merged jet (zeros for a beam step); ``offsets`` (N + 1,): jet i's M_i steps are rows
        ``offsets[i]:offsets[i+1]`` (step s of jet i creates history entry M_i + s).
    """
    batch = prepare_batch(jets, coords)
    code, recomb, R, p = _definition_codes(algorithm, recombination, R, p)
    parents, dij, merged = _core.cluster_history(batch.p4s, batch.offsets, code, R, p, recomb,
                                                 _threads(n_jobs))
    return {"parents": parents, "dij": dij, "p4s": merged, "offsets": batch.offsets.copy()}


def _kt_splitting(batch: JetBatch, n_jobs: int, R: float = 1.0, n_max: int = 2) -> dict:
    """Compute the kT splitting scales sqrt(d_{n,n+1}) in GeV, n = 1..n_max.

    d_{n,n+1} is the d_ij of the exclusive kT (E-scheme) merging that takes n + 1 jets to n,
    0 for a jet with n or fewer particles. R defaults to 1.0 (the ATLAS convention).

    References
    ----------
    J. M. Butterworth, B. E. Cox, J. R. Forshaw, arXiv:hep-ph/0201098.
    """
    R = check_positive("R", R)
    if int(n_max) != n_max or n_max < 1:
        raise ValueError(f"n_max must be an int >= 1, got {n_max!r}")
    prepare_batch(batch, "epxpypz")
    dmerge = _core.exclusive_dmerge(batch.p4s, batch.offsets, ALGORITHMS["kt"], R, 1.0,
                                    RECOMBINATIONS["E_scheme"], int(n_max), n_jobs)
    return {
        f"sqrt_d{n}{n + 1}_kt_R{format_number(R)}": np.sqrt(dmerge[:, n - 1])
        for n in range(1, int(n_max) + 1)
    }


register(Family("kt_splitting", _kt_splitting, {"R": 1.0, "n_max": 2},
                "kT splitting scales sqrt(d12), sqrt(d23) [GeV] of exclusive kT (E-scheme)"))
add_to_preset("all", "kt_splitting")
