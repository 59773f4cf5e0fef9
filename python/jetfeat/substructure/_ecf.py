"""Energy correlation functions (pt_R measure) and the ratios built from them.

Families
--------
``"ecf"``
    ``ecf1`` [GeV], ``ecf{N}_beta{b}`` [GeV^N], ``e{N}_beta{b}``, ``C1_beta{b}``,
    ``C2_beta{b}``, ``C3_beta{b}`` (with ``n_max=4``), ``D2_beta{b}`` and, for each ``alpha``,
    ``D2_alpha{a}_beta{b}``. For example ``ecf3_beta1``, ``e2_beta1``, ``D2_alpha1_beta2``.
``"ecf_generalized"``
    ``ecfg{N}_v{v}_beta{b}`` (N particles, product of the v smallest pairwise angles) and the
    series ``U1..U3``, ``M2``, ``M3``, ``N2``, ``N3`` with the suffix ``_beta{b}``.

Parameters in names are printed with ``%g``: beta = 1.0 gives ``beta1``, 0.5 gives ``beta0.5``.

Conventions
-----------
Weights are pT_i [GeV] and angles R_ij = sqrt(dy^2 + dphi^2) in (rapidity, phi), the
``pt_R`` measure of fastjet-contrib's EnergyCorrelator. A ratio whose denominator is zero is
set to 0: this happens only when every pair of constituents with pT > 0 is collinear (for
example a one-particle jet), where the numerator is zero as well. So a one-particle jet has
e2 = e3 = C1 = C2 = D2 = 0, and a two-particle jet has e3 = C2 = D2 = 0.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np

from .. import _core
from .._warnings import PerformanceWarning
from ..jets import JetBatch
from ._kinematics import format_parameter, positive_values
from ._registry import Family, add_to_preset, register

logger = logging.getLogger(__name__)


def safe_ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Return numerator / denominator, with 0 where the denominator is 0."""
    out = np.zeros(np.broadcast(numerator, denominator).shape, dtype=np.float64)
    np.divide(numerator, denominator, out=out, where=denominator != 0.0)
    return out


def _normalised(ecfs: np.ndarray) -> np.ndarray:
    """Return e_N = ECF(N) / ECF(1)^N for the columns N = 1..n_max of ``ecfs``."""
    powers = np.arange(1, ecfs.shape[1] + 1)
    return safe_ratio(ecfs, ecfs[:, :1] ** powers)


# Above this multiplicity a jet's angle matrices (two M x M float64 arrays per thread) pass
# 16 MB and ECF(3) costs more than 1.7e8 multiply-adds, so a PerformanceWarning is emitted first.
_LARGE_MULTIPLICITY = 1000


def _warn_if_large(batch: JetBatch, n: int) -> None:
    largest = int(batch.counts.max(initial=0))
    if n >= 3 and largest > _LARGE_MULTIPLICITY:
        warnings.warn(
            f"a jet has {largest} constituents: N = {n} correlators cost O(M^{n}) time and "
            f"{16 * largest**2 / 1e6:.0f} MB of scratch per thread; trim soft constituents or "
            "use n_max=2 if this is not intended",
            PerformanceWarning,
            stacklevel=3,
        )


def _check_n_max(n_max, low: int, high: int) -> int:
    if isinstance(n_max, bool) or not isinstance(n_max, (int, np.integer)) or not (
        low <= n_max <= high
    ):
        raise ValueError(f"n_max={n_max!r} is invalid; use an integer from {low} to {high}")
    return int(n_max)


def energy_correlation_functions(batch: JetBatch, n_threads: int = 1, *, beta=1.0,
                                 n_max: int = 3, alpha=None) -> dict[str, np.ndarray]:
    """Compute ECF(N, beta), e_N, C1..C3 and D2 (plus generalised D2) for each jet.

    ECF(N, beta) = sum_{i1<...<iN} pT_i1 ... pT_iN prod_{a<b in i1..iN} R_ab^beta [GeV^N],
    e_N = ECF(N) / ECF(1)^N, C1 = e2, C2 = e3 / e2^2, C3 = e4 e2 / e3^2, D2 = e3 / e2^3 and the
    generalised D2^(alpha, beta) = e3^(alpha) / (e2^(beta))^(3 alpha / beta).

    Parameters
    ----------
    batch : JetBatch
        Jets from :func:`jetfeat.as_jet_batch`.
    n_threads : int, default=1
        Threads for the C++ kernel; 0 means all cores.
    beta : float or sequence of float, default=1.0
        Angular exponent(s), each > 0. Columns are made for every value.
    n_max : int, default=3
        Largest N (1 to 4). ``n_max=4`` adds ECF(4), e4 and C3 at O(M^4) cost.
    alpha : float or sequence of float, default=None
        Angular exponent(s) of e3 in the generalised D2; adds ``D2_alpha{a}_beta{b}`` for each
        alpha != beta (alpha = beta is ``D2_beta{b}``). Needs ``n_max >= 3``.

    Returns
    -------
    dict of str to ndarray of shape (N,)
        ``ecf1`` (= scalar pT sum, GeV), ``ecf{N}_beta{b}``, ``e{N}_beta{b}``, ``C1_beta{b}``,
        ``C2_beta{b}``, ``C3_beta{b}``, ``D2_beta{b}``, ``D2_alpha{a}_beta{b}``, as far as
        ``n_max`` allows.

    Notes
    -----
    ECFs with beta > 0 are IRC safe; C2 and D2 are not IRC safe on their own but are Sudakov
    safe. A ratio with a zero denominator (all pairs collinear, for example a one-particle
    jet) is 0. Cost per jet: O(M^2) for e2, O(M^3) for e3 and O(M^4) for e4 with M constituents;
    the fastjet-contrib loops have the same order with larger constants. Scratch memory is two
    M x M float64 matrices per thread; a PerformanceWarning is emitted for n_max >= 3 when a jet
    has more than 1000 constituents.

    References
    ----------
    .. [1] A. Larkoski, G. Salam, J. Thaler, "Energy correlation functions for jet
       substructure", arXiv:1305.0007.
    .. [2] A. Larkoski, I. Moult, D. Neill, "Power counting to better jet observables",
       arXiv:1409.6298.

    Examples
    --------
    >>> from jetfeat.substructure import compute
    >>> table = compute(jets, {"ecf": {"beta": [1.0, 2.0], "alpha": 1.0}})  # doctest: +SKIP
    >>> table["D2_beta1"], table["D2_alpha1_beta2"]  # doctest: +SKIP
    """
    betas = positive_values(beta, "beta")
    n_max = _check_n_max(n_max, 1, 4)
    alphas = () if alpha is None else positive_values(alpha, "alpha")
    if alphas and n_max < 3:
        raise ValueError(f"alpha={alpha!r} needs e3: set n_max >= 3 (got n_max={n_max})")
    _warn_if_large(batch, n_max)

    columns: dict[str, np.ndarray] = {}
    normalised_by_beta: dict[float, np.ndarray] = {}
    for b in betas:
        ecfs = _core.energy_correlators(batch.ptyphims, batch.offsets, b, n_max, n_threads)
        e = _normalised(ecfs)
        normalised_by_beta[b] = e
        suffix = f"_beta{format_parameter(b)}"
        columns["ecf1"] = np.ascontiguousarray(ecfs[:, 0])
        for n in range(2, n_max + 1):
            columns[f"ecf{n}{suffix}"] = np.ascontiguousarray(ecfs[:, n - 1])
        for n in range(2, n_max + 1):
            columns[f"e{n}{suffix}"] = np.ascontiguousarray(e[:, n - 1])
        if n_max >= 2:
            columns[f"C1{suffix}"] = np.ascontiguousarray(e[:, 1])
        if n_max >= 3:
            columns[f"C2{suffix}"] = safe_ratio(e[:, 2], e[:, 1] ** 2)
            columns[f"D2{suffix}"] = safe_ratio(e[:, 2], e[:, 1] ** 3)
        if n_max >= 4:
            columns[f"C3{suffix}"] = safe_ratio(e[:, 3] * e[:, 1], e[:, 2] ** 2)

    for a in alphas:
        if a not in normalised_by_beta:
            ecfs = _core.energy_correlators(batch.ptyphims, batch.offsets, a, 3, n_threads)
            normalised_by_beta[a] = _normalised(ecfs)
        e3_alpha = normalised_by_beta[a][:, 2]
        for b in betas:
            if a == b:
                continue
            e2_beta = normalised_by_beta[b][:, 1]
            name = f"D2_alpha{format_parameter(a)}_beta{format_parameter(b)}"
            columns[name] = safe_ratio(e3_alpha, e2_beta ** (3.0 * a / b))
    return columns


def generalized_energy_correlation_functions(batch: JetBatch, n_threads: int = 1, *,
                                             beta=1.0, n_max: int = 3) -> dict[str, np.ndarray]:
    """Compute the generalised ECFs v_e_N^(beta) and the U, M and N series for each jet.

    v_e_N^(beta) = sum_{i1<...<iN} z_i1 ... z_iN prod_{m=1}^{v} min^(m) {R_ab^beta}, where
    z_i = pT_i / sum_j pT_j and min^(m) is the m-th smallest of the N(N-1)/2 pairwise angles.
    Series: U1 = 1_e2, U2 = 1_e3, U3 = 1_e4; M2 = 1_e3 / 1_e2, M3 = 1_e4 / 1_e3;
    N2 = 2_e3 / (1_e2)^2, N3 = 2_e4 / (1_e3)^2.

    Parameters
    ----------
    batch : JetBatch
        Jets from :func:`jetfeat.as_jet_batch`.
    n_threads : int, default=1
        Threads for the C++ kernel; 0 means all cores.
    beta : float or sequence of float, default=1.0
        Angular exponent(s), each > 0.
    n_max : int, default=3
        Largest N (2 to 4). ``n_max=4`` adds ``ecfg4_v*``, U3, M3 and N3 at O(M^4) cost.

    Returns
    -------
    dict of str to ndarray of shape (N,)
        ``ecfg{N}_v{v}_beta{b}`` for N = 2..n_max and v = 1..N(N-1)/2, then ``U1``, ``U2``,
        ``M2``, ``N2`` (and ``U3``, ``M3``, ``N3`` with ``n_max=4``), each with ``_beta{b}``.
        ``ecfg{N}_v{N(N-1)/2}`` equals ``e{N}`` of the ``"ecf"`` family.

    Notes
    -----
    The v_e_N are IRC safe for beta > 0; the ratios are Sudakov safe. A ratio with a zero
    denominator is 0, and every v_e_N of a jet with zero scalar pT sum is 0. Cost per jet
    O(M^3) for N = 3 and O(M^4) for N = 4 (each quadruple sorts its six angles). A
    PerformanceWarning is emitted when a jet has more than 1000 constituents.

    References
    ----------
    .. [1] I. Moult, L. Necib, J. Thaler, "New angles on energy correlation functions",
       arXiv:1609.07483.

    Examples
    --------
    >>> from jetfeat.substructure import compute
    >>> table = compute(jets, {"ecf_generalized": {"beta": 1.0}})  # doctest: +SKIP
    >>> table["N2_beta1"], table["M2_beta1"]  # doctest: +SKIP
    """
    betas = positive_values(beta, "beta")
    n_max = _check_n_max(n_max, 2, 4)
    _warn_if_large(batch, n_max)

    columns: dict[str, np.ndarray] = {}
    for b in betas:
        suffix = f"_beta{format_parameter(b)}"
        by_n = {}
        for n in range(2, n_max + 1):
            values = _core.generalized_energy_correlators(
                batch.ptyphims, batch.offsets, b, n, n_threads
            )
            by_n[n] = values
            for v in range(1, values.shape[1] + 1):
                columns[f"ecfg{n}_v{v}{suffix}"] = np.ascontiguousarray(values[:, v - 1])

        columns[f"U1{suffix}"] = np.ascontiguousarray(by_n[2][:, 0])
        if n_max >= 3:
            columns[f"U2{suffix}"] = np.ascontiguousarray(by_n[3][:, 0])
            columns[f"M2{suffix}"] = safe_ratio(by_n[3][:, 0], by_n[2][:, 0])
            columns[f"N2{suffix}"] = safe_ratio(by_n[3][:, 1], by_n[2][:, 0] ** 2)
        if n_max >= 4:
            columns[f"U3{suffix}"] = np.ascontiguousarray(by_n[4][:, 0])
            columns[f"M3{suffix}"] = safe_ratio(by_n[4][:, 0], by_n[3][:, 0])
            columns[f"N3{suffix}"] = safe_ratio(by_n[4][:, 1], by_n[3][:, 0] ** 2)
    return columns


register(Family(
    name="ecf",
    compute=energy_correlation_functions,
    defaults={"beta": 1.0, "n_max": 3, "alpha": None},
    summary="energy correlation functions ECF(N, beta), e_N, C1..C3, D2 (pt_R measure)",
))
register(Family(
    name="ecf_generalized",
    compute=generalized_energy_correlation_functions,
    defaults={"beta": 1.0, "n_max": 3},
    summary="generalised ECFs v_e_N and the U, M, N series (N2, M2, ...)",
))
add_to_preset("standard", "ecf", {"beta": 1.0, "n_max": 3},
              keep=["e2_beta1", "e3_beta1", "C2_beta1", "D2_beta1"])
add_to_preset("all", "ecf", {"beta": (1.0, 2.0), "n_max": 4, "alpha": (1.0, 2.0)})
add_to_preset("all", "ecf_generalized", {"beta": (1.0, 2.0), "n_max": 3})
