"""Soft drop grooming and iterated soft drop on the Cambridge/Aachen history of each jet.

Each jet is reclustered with C/A (R = 1000, E-scheme). Walking down from the whole jet, the last
merging j -> (j1, j2) is undone and j is kept when

.. math::

    z = \\frac{\\min(p_{T1}, p_{T2})}{p_{T1} + p_{T2}} > z_{\\mathrm{cut}}
    \\left(\\frac{\\Delta R_{12}}{R_0}\\right)^{\\beta},

otherwise the walk continues into the harder (larger pT) branch. beta = 0 is the modified mass
drop tagger (mMDT) without a mass-drop cut. The soft-drop beta here is not the N-subjettiness
beta: the two families keep separate parameters.

Feature names (beta, z_cut, R0 in the name), for example with beta = 0, z_cut = 0.1, R0 = 1:
``sd_mass_beta0_zcut0.1_R1`` (GeV), ``sd_pt_...`` (GeV), ``sd_zg_...``, ``sd_rg_...``,
``sd_mu_...`` = max(m_1, m_2) / m, ``sd_nconst_...``. A jet groomed down to one particle has
z_g = R_g = mu = 0 (a jet without particles gets 0 everywhere), and mu = 0 when the kept jet has m^2 <= 0 (collinear massless particles).
Iterated soft drop: ``isd_mult_beta-1_zcut0.005_R1_thetacut0``.
"""

from __future__ import annotations

import logging

import numpy as np

from .. import _core
from ..jets import JetBatch
from ._clustering import check_positive, format_number, prepare_batch
from ._registry import Family, _threads, add_to_preset, register

logger = logging.getLogger(__name__)

__all__ = ["soft_drop", "iterated_soft_drop_multiplicity"]

_COLUMNS = ("pt", "mass", "zg", "rg", "mu", "E", "px", "py", "pz", "nconst")


def _check(zcut, beta, R0) -> tuple[float, float, float]:
    zcut = float(zcut)
    if not 0.0 <= zcut < 1.0:
        raise ValueError(f"zcut must be in [0, 1), got {zcut!r}")
    beta = float(beta)
    if not np.isfinite(beta):
        raise ValueError(f"beta must be finite, got {beta!r}")
    return zcut, beta, check_positive("R0", R0)


def soft_drop(jets, *, zcut: float = 0.1, beta: float = 0.0, R0: float = 1.0,
              coords: str = "epxpypz", n_jobs: int | None = None) -> dict:
    """Groom each jet with soft drop.

    Parameters
    ----------
    jets : array_like, awkward.Array or JetBatch
        Jets in any layout :func:`jetfeat.as_jet_batch` accepts.
    zcut : float, default=0.1
        Soft-drop z_cut in [0, 1).
    beta : float, default=0.0
        Soft-drop angular exponent (0: mMDT; > 0 grooms less at small angle).
    R0 : float, default=1.0
        Angular normalisation (fastjet-contrib's default).
    coords : {"epxpypz", "ptyphim"}, default="epxpypz"
        Meaning of the four input columns.
    n_jobs : int, default=None
        Threads: None means 1, -1 means all cores.

    Returns
    -------
    dict of ndarray, each of shape (N,)
        ``pt``, ``mass`` (GeV; signed as FastJet's m(), negative only by rounding for a
        massless groomed jet), ``zg``, ``rg``, ``mu``, ``E``, ``px``, ``py``, ``pz`` (GeV) and
        ``nconst`` (particles in the groomed jet).

    Notes
    -----
    IRC safe for beta > 0 and Sudakov safe for beta = 0 (groomed mass). Cost: one O(M^2) C/A
    clustering plus O(M) declustering per jet.

    References
    ----------
    A. J. Larkoski, S. Marzani, G. Soyez, J. Thaler, arXiv:1402.2657;
    M. Dasgupta, A. Fregoso, S. Marzani, G. P. Salam, arXiv:1307.0007 (mMDT).
    """
    zcut, beta, R0 = _check(zcut, beta, R0)
    batch = prepare_batch(jets, coords)
    table = _core.soft_drop(batch.p4s, batch.offsets, zcut, beta, R0, _threads(n_jobs))
    return {name: table[:, i].copy() for i, name in enumerate(_COLUMNS)}


def iterated_soft_drop_multiplicity(jets, *, zcut: float = 0.005, beta: float = -1.0,
                                    R0: float = 1.0, theta_cut: float = 0.0,
                                    coords: str = "epxpypz",
                                    n_jobs: int | None = None) -> np.ndarray:
    """Count the primary C/A emissions that pass soft drop (iterated soft drop n_SD).

    Parameters
    ----------
    jets : array_like, awkward.Array or JetBatch
        Jets in any layout :func:`jetfeat.as_jet_batch` accepts.
    zcut : float, default=0.005
        z_cut in [0, 1).
    beta : float, default=-1.0
        Angular exponent (beta < 0 makes n_SD IRC safe with a kT-like cut).
    R0 : float, default=1.0
        Angular normalisation.
    theta_cut : float, default=0.0
        Stop declustering once DeltaR_12 < theta_cut R0.
    coords, n_jobs
        As in :func:`soft_drop`.

    Returns
    -------
    ndarray of shape (N,), int64
        n_SD per jet.

    References
    ----------
    C. Frye, A. J. Larkoski, J. Thaler, K. Zhou, arXiv:1704.06266.
    """
    zcut, beta, R0 = _check(zcut, beta, R0)
    theta_cut = float(theta_cut)
    if not theta_cut >= 0:
        raise ValueError(f"theta_cut must be >= 0, got {theta_cut!r}")
    batch = prepare_batch(jets, coords)
    return _core.iterated_soft_drop(batch.p4s, batch.offsets, zcut, beta, R0, theta_cut,
                                    _threads(n_jobs))


def _family(batch: JetBatch, n_jobs: int, zcut: float = 0.1, beta: float = 0.0,
            R0: float = 1.0) -> dict:
    zcut, beta, R0 = _check(zcut, beta, R0)
    prepare_batch(batch, "epxpypz")
    table = _core.soft_drop(batch.p4s, batch.offsets, zcut, beta, R0, n_jobs)
    tag = f"beta{format_number(beta)}_zcut{format_number(zcut)}_R{format_number(R0)}"
    names = {"mass": 1, "pt": 0, "zg": 2, "rg": 3, "mu": 4, "nconst": 9}
    return {f"sd_{name}_{tag}": table[:, column].copy() for name, column in names.items()}


def _isd_family(batch: JetBatch, n_jobs: int, zcut: float = 0.005, beta: float = -1.0,
                R0: float = 1.0, theta_cut: float = 0.0) -> dict:
    zcut, beta, R0 = _check(zcut, beta, R0)
    theta_cut = float(theta_cut)
    if not theta_cut >= 0:
        raise ValueError(f"theta_cut must be >= 0, got {theta_cut!r}")
    prepare_batch(batch, "epxpypz")
    values = _core.iterated_soft_drop(batch.p4s, batch.offsets, zcut, beta, R0, theta_cut, n_jobs)
    tag = (f"beta{format_number(beta)}_zcut{format_number(zcut)}_R{format_number(R0)}"
           f"_thetacut{format_number(theta_cut)}")
    return {f"isd_mult_{tag}": values.astype(np.float64)}


register(Family("softdrop", _family, {"zcut": 0.1, "beta": 0.0, "R0": 1.0},
                "soft-drop groomed mass and pT [GeV], z_g, R_g, mu, multiplicity"))
register(Family("iterated_softdrop", _isd_family,
                {"zcut": 0.005, "beta": -1.0, "R0": 1.0, "theta_cut": 0.0},
                "iterated soft drop multiplicity n_SD"))
add_to_preset("standard", "softdrop", {"zcut": 0.1, "beta": 0.0, "R0": 1.0},
              ["sd_mass_beta0_zcut0.1_R1", "sd_pt_beta0_zcut0.1_R1"])
add_to_preset("all", "softdrop")
add_to_preset("all", "iterated_softdrop")
