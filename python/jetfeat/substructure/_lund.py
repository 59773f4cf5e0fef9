"""Primary Lund plane declusterings and summary features.

Each jet is reclustered with Cambridge/Aachen (R = 1000, E-scheme) and its mergings are undone
one by one, always following the harder (larger pT) branch. Each step j -> (j1, j2), with j1 the
harder, gives

.. math::

    \\Delta = \\Delta R_{12}, \\quad k_T = p_{T2} \\Delta, \\quad
    z = \\frac{p_{T2}}{p_{T1} + p_{T2}}, \\quad \\kappa = z \\Delta, \\quad
    \\psi = \\operatorname{atan2}(y_2 - y_1, \\phi_2 - \\phi_1),

with phi_2 - phi_1 wrapped into (-pi, pi]. The Lund plane coordinates are (ln 1/Delta, ln kT).

Summary features (family ``lund``): ``lund_nprimary`` (number of primary declusterings, at
most M - 1 for M particles), ``lund_nprimary_kt1`` (those with kT > 1 GeV; the cut is in the name),
``lund_ktmax`` (largest primary kT in GeV, 0 for a one-particle jet), ``lund_lnktmax``
(its logarithm, 0 for a one-particle jet) and ``lund_z_ktmax``, ``lund_delta_ktmax`` (z and
Delta of that declustering, 0 for a one-particle jet). A jet without particles has no
declustering and gets 0 everywhere.
"""

from __future__ import annotations

import logging

import numpy as np

from .. import _core
from ..jets import JetBatch
from ._clustering import check_positive, format_number, prepare_batch
from ._registry import Family, _threads, add_to_preset, register

logger = logging.getLogger(__name__)

__all__ = ["lund_plane"]

_FIELDS = ("delta", "kt", "z", "psi", "kappa", "m")


def lund_plane(jets, *, coords: str = "epxpypz", n_jobs: int | None = None,
               library: str = "awkward"):
    """Return the primary Lund plane declusterings of each jet.

    Parameters
    ----------
    jets : array_like, awkward.Array or JetBatch
        Jets in any layout :func:`jetfeat.as_jet_batch` accepts.
    coords : {"epxpypz", "ptyphim"}, default="epxpypz"
        Meaning of the four input columns.
    n_jobs : int, default=None
        Threads: None means 1, -1 means all cores.
    library : {"awkward", "numpy"}, default="awkward"
        ``"awkward"``: an ``N * var * {ln_inv_delta, ln_kt, z, psi, delta, kt, kappa, m}``
        record array, one entry per declustering from the largest angle down.
        ``"numpy"``: a dict of flat arrays with the same fields plus ``offsets`` (N + 1,).

    Returns
    -------
    awkward.Array or dict of ndarray
        kt and m in GeV, delta and psi in radians (psi in (-pi, pi]). An exactly collinear
        splitting (Delta = 0) has ln_inv_delta = +inf and ln_kt = -inf.

    Notes
    -----
    Cost: one O(M^2) C/A clustering plus O(M) declustering per jet. Matches fastjet-contrib's
    ``LundGenerator`` (LundPlane 2.1) on the same jets.

    References
    ----------
    F. A. Dreyer, G. P. Salam, G. Soyez, arXiv:1807.04758.
    """
    batch = prepare_batch(jets, coords)
    rows, offsets = _core.lund_primary(batch.p4s, batch.offsets, _threads(n_jobs))
    fields = {name: rows[:, i].copy() for i, name in enumerate(_FIELDS)}
    # An exactly collinear splitting (Delta = 0) gives ln 1/Delta = +inf and ln kT = -inf.
    with np.errstate(divide="ignore"):
        fields = {"ln_inv_delta": -np.log(fields["delta"]), "ln_kt": np.log(fields["kt"]),
                  **fields}
    if library == "numpy":
        return {**fields, "offsets": offsets}
    if library != "awkward":
        raise ValueError(f"library={library!r} is not supported; use 'awkward' or 'numpy'")
    import awkward as ak

    return ak.unflatten(ak.zip(fields), np.diff(offsets))


def _family(batch: JetBatch, n_jobs: int, kt_cut: float = 1.0) -> dict:
    kt_cut = check_positive("kt_cut", kt_cut)
    prepare_batch(batch, "epxpypz")
    rows, offsets = _core.lund_primary(batch.p4s, batch.offsets, n_jobs)
    counts = np.diff(offsets)
    n_jets = counts.shape[0]
    kt = rows[:, 1]
    jet_of_row = np.repeat(np.arange(n_jets), counts)

    above = np.bincount(jet_of_row, weights=kt > kt_cut, minlength=n_jets)
    # Row of the largest kT in each jet: sort by (jet, kT) and take each jet's last row.
    order = np.lexsort((kt, jet_of_row))
    has_rows = counts > 0
    last = offsets[1:][has_rows] - 1
    best = order[last]
    ktmax = np.zeros(n_jets)
    zmax = np.zeros(n_jets)
    deltamax = np.zeros(n_jets)
    ktmax[has_rows] = kt[best]
    zmax[has_rows] = rows[best, 2]
    deltamax[has_rows] = rows[best, 0]
    lnktmax = np.zeros(n_jets)
    np.log(ktmax, out=lnktmax, where=ktmax > 0)
    return {
        "lund_nprimary": counts.astype(np.float64),
        f"lund_nprimary_kt{format_number(kt_cut)}": above,
        "lund_ktmax": ktmax,
        "lund_lnktmax": lnktmax,
        "lund_z_ktmax": zmax,
        "lund_delta_ktmax": deltamax,
    }


register(Family("lund", _family, {"kt_cut": 1.0},
                "primary Lund plane summaries: emissions above a kT cut, leading kT, z, Delta"))
add_to_preset("all", "lund")
