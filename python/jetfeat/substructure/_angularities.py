"""Generalised angularities and the jet shapes pT_D, girth and planar flow.

Families
--------
``"angularities"``
    ``lambda_kappa{k}_beta{b}`` for each (kappa, beta) pair. The default pairs are the named
    angularities: Les Houches angularity LHA = (1, 0.5), width = (1, 1), mass-like (1, 2) and
    multiplicity (0, 0), giving ``lambda_kappa1_beta0.5``, ``lambda_kappa1_beta1``,
    ``lambda_kappa1_beta2`` and ``lambda_kappa0_beta0``.
``"jet_shapes"``
    ``pT_D``, ``girth`` and ``planar_flow``.

Both measure Delta R_i = sqrt((y_i - y_J)^2 + (phi_i - phi_J)^2) to the E-scheme jet axis
(y_J, phi_J), the rapidity and azimuth of the sum of the constituent four-momenta.
"""

from __future__ import annotations

import logging
import math

import numpy as np

from .. import _core
from ..jets import JetBatch
from ._kinematics import format_parameter, jet_axes
from ._registry import Family, add_to_preset, register

logger = logging.getLogger(__name__)

NAMED_ANGULARITIES = {
    "LHA": (1.0, 0.5),
    "width": (1.0, 1.0),
    "mass": (1.0, 2.0),
    "multiplicity": (0.0, 0.0),
}
# NOTE: only the E-scheme axis is available. A winner-take-all axis needs the reclustering kernel
# of the clustering family, which this module does not use yet.
_AXES = ("escheme",)


def _check_axis(axis: str) -> None:
    if axis not in _AXES:
        raise ValueError(
            f"axis={axis!r} is not supported; use one of {_AXES} (the E-scheme jet axis)"
        )


def _pairs(pairs) -> tuple[tuple[float, float], ...]:
    """Return (kappa, beta) pairs as floats, accepting the names in NAMED_ANGULARITIES."""
    if isinstance(pairs, str):
        pairs = [pairs]
    result = []
    for pair in pairs:
        if isinstance(pair, str):
            if pair not in NAMED_ANGULARITIES:
                raise ValueError(
                    f"unknown angularity {pair!r}; use a (kappa, beta) pair or one of "
                    f"{sorted(NAMED_ANGULARITIES)}"
                )
            pair = NAMED_ANGULARITIES[pair]
        try:
            kappa, beta = (float(value) for value in pair)
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"angularity {pair!r} is invalid; give (kappa, beta) as two numbers"
            ) from error
        if not (math.isfinite(kappa) and math.isfinite(beta)) or kappa < 0.0 or beta < 0.0:
            raise ValueError(
                f"angularity (kappa, beta) = ({kappa}, {beta}) is invalid; both must be finite "
                "and >= 0"
            )
        result.append((kappa, beta))
    if not result:
        raise ValueError("pairs is empty; give at least one (kappa, beta) pair")
    return tuple(result)


def _check_directions(batch: JetBatch, pairs) -> None:
    """Reject pT = 0 particles when a pair with kappa = 0 and beta > 0 needs their direction."""
    if not any(kappa == 0.0 and beta > 0.0 for kappa, beta in pairs):
        return
    no_direction = np.flatnonzero(batch.ptyphims[:, 0] == 0.0)
    if no_direction.size:
        row = int(no_direction[0])
        jet = int(np.searchsorted(batch.offsets, row, side="right") - 1)
        raise ValueError(
            f"jet {jet}, particle {row - batch.offsets[jet]} has pT = 0 (along the beam), so its "
            "Delta R is undefined, and an angularity with kappa = 0 and beta > 0 would count it; "
            "drop such particles or use kappa > 0"
        )


def angularities(batch: JetBatch, n_threads: int = 1, *,
                 pairs=("LHA", "width", "mass", "multiplicity"), jet_radius: float = 0.8,
                 axis: str = "escheme") -> dict[str, np.ndarray]:
    """Compute generalised angularities lambda^kappa_beta for each jet.

    lambda^kappa_beta = sum_i z_i^kappa (Delta R_i / R)^beta, with z_i = pT_i / sum_j pT_j and
    Delta R_i the (y, phi) distance of constituent i to the jet axis.

    Parameters
    ----------
    batch : JetBatch
        Jets from :func:`jetfeat.as_jet_batch`.
    n_threads : int, default=1
        Threads for the C++ kernel; 0 means all cores.
    pairs : sequence of (kappa, beta) or names, default=("LHA", "width", "mass", "multiplicity")
        Exponents, each >= 0; the names stand for (1, 0.5), (1, 1), (1, 2) and (0, 0).
    jet_radius : float, default=0.8
        R that scales Delta R (the clustering radius of the jets), > 0.
    axis : {"escheme"}, default="escheme"
        Jet axis: the rapidity and phi of the E-scheme sum of the constituents.

    Returns
    -------
    dict of str to ndarray of shape (N,)
        ``lambda_kappa{k}_beta{b}`` for each pair (for example ``lambda_kappa1_beta0.5``).

    Notes
    -----
    IRC safe for kappa = 1 and beta > 0; kappa != 1 breaks collinear safety and beta = 0 breaks
    infrared safety ((0, 0) is the constituent count). 0^0 is taken as 1. A jet with zero
    scalar pT sum gets 0 for kappa > 0. Cost O(M) per jet and pair.

    References
    ----------
    .. [1] A. Larkoski, J. Thaler, W. Waalewijn, "Gaining (mutual) information about
       quark/gluon discrimination", arXiv:1408.3122.

    Examples
    --------
    >>> from jetfeat.substructure import compute
    >>> options = {"angularities": {"pairs": ["LHA", (2, 0)], "jet_radius": 0.4}}
    >>> table = compute(jets, options)  # doctest: +SKIP
    >>> table["lambda_kappa1_beta0.5"], table["lambda_kappa2_beta0"]  # doctest: +SKIP
    """
    _check_axis(axis)
    pairs = _pairs(pairs)
    radius = float(jet_radius)
    if not math.isfinite(radius) or radius <= 0.0:
        raise ValueError(f"jet_radius={jet_radius!r} is invalid; it must be a finite number > 0")
    _check_directions(batch, pairs)

    axes = jet_axes(batch, n_threads)
    kappas = np.array([kappa for kappa, _ in pairs])
    betas = np.array([beta for _, beta in pairs])
    values = _core.angularities(batch.ptyphims, batch.offsets, axes, radius, kappas, betas,
                                n_threads)
    return {
        f"lambda_kappa{format_parameter(kappa)}_beta{format_parameter(beta)}":
            np.ascontiguousarray(values[:, column])
        for column, (kappa, beta) in enumerate(pairs)
    }


def jet_shapes(batch: JetBatch, n_threads: int = 1, *, axis: str = "escheme"
               ) -> dict[str, np.ndarray]:
    """Compute pT_D, girth and planar flow for each jet.

    pT_D = sqrt(sum_i pT_i^2) / sum_i pT_i; girth g = sum_i pT_i Delta R_i / sum_i pT_i;
    planar flow Pf = 4 det(I) / tr(I)^2 with I^{kl} = sum_i p_i^k p_i^l / E_i, where k, l run
    over the two momentum components transverse to the jet three-momentum.

    Parameters
    ----------
    batch : JetBatch
        Jets from :func:`jetfeat.as_jet_batch`.
    n_threads : int, default=1
        Threads for the C++ kernel; 0 means all cores.
    axis : {"escheme"}, default="escheme"
        Axis for Delta R in girth: (y, phi) of the E-scheme jet.

    Returns
    -------
    dict of str to ndarray of shape (N,)
        ``pT_D`` and ``planar_flow`` (dimensionless, in [0, 1]) and ``girth`` (radians).

    Notes
    -----
    pT_D^2 is the angularity lambda^2_0 (not collinear safe); girth is R times the width
    lambda^1_1 and IRC safe. Girth divides by the scalar pT sum of the constituents, not by the
    jet pT. Planar flow is IRC safe. It is near 0 for linear (two-prong) energy flow and near 1 for
    isotropic flow. The overall factor 1/m_J of the original definition cancels in the ratio.
    An empty jet, or one with zero scalar pT sum, gets pT_D = girth = 0. Planar flow is 0 when
    tr(I) <= 1e-12 sum_i |p_i|^2 / E_i, that is when every constituent lies within about 1e-6 rad
    of the axis (for example a one-particle jet), where I holds only rounding noise. Cost O(M)
    per jet.

    References
    ----------
    .. [1] A. Larkoski, J. Thaler, W. Waalewijn, arXiv:1408.3122 (pT_D as an angularity).
    .. [2] J. Gallicchio, M. Schwartz, "Quark and gluon tagging at the LHC", arXiv:1106.3076
       (girth).
    .. [3] L. Almeida et al., "Substructure of high-pT jets at the LHC", arXiv:0807.0234
       (planar flow).
    """
    _check_axis(axis)
    axes = jet_axes(batch, n_threads)
    values = _core.jet_shapes(batch.p4s, batch.ptyphims, batch.offsets, axes, n_threads)
    return {name: np.ascontiguousarray(values[:, column])
            for column, name in enumerate(("pT_D", "girth", "planar_flow"))}


register(Family(
    name="angularities",
    compute=angularities,
    defaults={"pairs": ("LHA", "width", "mass", "multiplicity"), "jet_radius": 0.8,
              "axis": "escheme"},
    summary="generalised angularities lambda^kappa_beta around the E-scheme jet axis",
))
register(Family(
    name="jet_shapes",
    compute=jet_shapes,
    defaults={"axis": "escheme"},
    summary="pT_D, girth and planar flow",
))
add_to_preset("all", "angularities")
add_to_preset("all", "jet_shapes")
