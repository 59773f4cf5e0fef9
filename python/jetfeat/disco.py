"""Distance covariance, distance correlation and batched DisCo scoring of candidate features.

All statistics are V-statistics (the biased estimators of Szekely, Rizzo and Bakirov,
arXiv:0803.4101), the same as ``dcor.distance_correlation`` and friends in dcor 0.7. For samples
x (n, p) and y (n, q) with Euclidean distances a_ij = |x_i - x_j| and b_ij = |y_i - y_j|:

    A_ij = a_ij - abar_i - abar_j + abar        (double centring, likewise B)
    dCov^2(x, y) = sum_ij omega_i omega_j A_ij B_ij
    dCor^2(x, y) = dCov^2(x, y) / sqrt(dVar^2(x) dVar^2(y)),   dVar^2(x) = dCov^2(x, x)

where omega_i = w_i / sum(w) are the event weights (1/n without weights), abar_i =
sum_j omega_j a_ij are weighted row means and abar = sum_i omega_i abar_i. Pairs are weighted
w_i w_j and the centring uses the weighted means, as in the DisCo loss of Kasieczka and Shih
(arXiv:2001.05310). With unit weights the definitions reduce to dcor's. dCor^2 is 0 when either
variable is constant.

The function name gives the power it returns: ``distance_correlation`` returns dCor,
``distance_correlation_sqr`` returns dCor^2, and ``score_candidates`` returns dCor^2.
"""

from __future__ import annotations

import logging
import math
import numbers
import os
from typing import NamedTuple

import numpy as np

from . import _core

logger = logging.getLogger(__name__)

__all__ = [
    "DistanceStats",
    "distance_covariance_sqr",
    "distance_covariance",
    "distance_correlation_sqr",
    "distance_correlation",
    "distance_correlation_af_inv_sqr",
    "distance_correlation_af_inv",
    "distance_stats_sqr",
    "energy_distance",
    "score_candidates",
]

_METHODS = ("auto", "fast", "pairwise")


class DistanceStats(NamedTuple):
    """Squared distance statistics of one pair of samples (V-statistics).

    Attributes
    ----------
    covariance_xy : float
        dCov^2(x, y).
    correlation_xy : float
        dCor^2(x, y), 0 when x or y is constant.
    variance_x : float
        dVar^2(x) = dCov^2(x, x).
    variance_y : float
        dVar^2(y) = dCov^2(y, y).
    """

    covariance_xy: float
    correlation_xy: float
    variance_x: float
    variance_y: float


# --- input checks -----------------------------------------------------------------------------


def _n_threads(n_jobs) -> int:
    """Convert scikit-learn's ``n_jobs`` to the kernel thread count (0 means all cores)."""
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral):
        raise TypeError(f"n_jobs must be an int or None, got {n_jobs!r}")
    n_jobs = int(n_jobs)
    if n_jobs == 0:
        raise ValueError("n_jobs=0 is invalid: use None for one thread or -1 for all cores")
    if n_jobs == -1:
        return 0
    if n_jobs < 0:
        # scikit-learn's convention: -2 means all cores but one.
        return max(1, (os.cpu_count() or 1) + 1 + n_jobs)
    return n_jobs


def _column_name(source, j: int) -> str:
    columns = getattr(source, "columns", None)
    if columns is not None and j < len(columns):
        return f"{j} ({columns[j]!r})"
    return str(j)


def _as_samples(values, name: str, *, min_events: int = 2) -> np.ndarray:
    """Return ``values`` as a C-contiguous float64 (n, k) array after checking it."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array, got {type(values).__name__}") from exc
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be 1-D (n,) or 2-D (n, k) with one row per event, got shape "
            f"{array.shape}"
        )
    if array.shape[0] < min_events:
        raise ValueError(
            f"{name} has {array.shape[0]} events; distance statistics need at least {min_events}"
        )
    finite = np.isfinite(array)
    if not finite.all():
        event, column = np.argwhere(~finite)[0]
        raise ValueError(
            f"{name} has a non-finite value ({array[event, column]}) at event {event}, column "
            f"{_column_name(values, int(column))}; remove or impute such events first"
        )
    return np.ascontiguousarray(array)


def _check_same_length(n_x: int, n_y: int, name_x: str, name_y: str) -> None:
    if n_x != n_y:
        raise ValueError(
            f"{name_x} has {n_x} events but {name_y} has {n_y}; both need one row per event"
        )


def _as_weights(weights, n: int, name: str = "weights") -> np.ndarray:
    """Return float64 event weights of length n (ones for None) after checking them."""
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or w.shape[0] != n:
        raise ValueError(f"{name} must have shape ({n},), one weight per event, got {w.shape}")
    bad = ~np.isfinite(w)
    if bad.any():
        raise ValueError(f"{name} has a non-finite value at event {int(np.argmax(bad))}")
    if (w < 0).any():
        event = int(np.argmax(w < 0))
        raise ValueError(
            f"{name} has a negative value ({w[event]}) at event {event}; distance correlation "
            "needs non-negative weights, so drop or absorb negative-weight events first"
        )
    if not w.sum() > 0:
        raise ValueError(f"{name} sum to zero; at least one event needs a positive weight")
    return np.ascontiguousarray(w)


def _is_binary(y: np.ndarray) -> bool:
    return y.shape[1] == 1 and bool(np.all((y == 0.0) | (y == 1.0)))


def _binary_labels(y: np.ndarray, binary, name: str = "y") -> np.ndarray | None:
    """Return y as uint8 0/1 labels when the binary path applies, else None.

    ``binary=None`` detects 0/1 labels; ``True`` requires them and raises naming the first other
    value; ``False`` always takes the general path.
    """
    if binary is None:
        return y[:, 0].astype(np.uint8) if _is_binary(y) else None
    if not binary:
        return None
    if y.shape[1] != 1:
        raise ValueError(f"binary=True needs a 1-D label {name}, got {y.shape[1]} columns")
    bad = (y[:, 0] != 0.0) & (y[:, 0] != 1.0)
    if bad.any():
        event = int(np.argmax(bad))
        raise ValueError(
            f"binary=True needs {name} to contain only 0 and 1, got {y[event, 0]} at event "
            f"{event}; pass binary=None or False for a continuous {name}"
        )
    return y[:, 0].astype(np.uint8)


# --- statistics -------------------------------------------------------------------------------


def _stats(x, y, weights, method, binary, n_jobs) -> dict:
    """Return the kernel statistics dict of (x, y) after all checks."""
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    x = _as_samples(x, "x")
    y = _as_samples(y, "y")
    _check_same_length(x.shape[0], y.shape[0], "x", "y")
    w = _as_weights(weights, x.shape[0])
    threads = _n_threads(n_jobs)
    one_dimensional = x.shape[1] == 1 and y.shape[1] == 1
    if method == "fast" and not one_dimensional:
        raise ValueError(
            f"method='fast' needs 1-D x and y, got {x.shape[1]} and {y.shape[1]} columns; use "
            "method='pairwise' or 'auto'"
        )
    use_fast = method == "fast" or (method == "auto" and one_dimensional)

    # dCov is symmetric in x and y: when only x is a 0/1 label, swap so the label path applies.
    swapped = False
    labels = _binary_labels(y, binary)
    if labels is None and binary is None and x.shape[1] == 1 and _is_binary(x):
        x, y = y, x
        labels = y[:, 0].astype(np.uint8)
        swapped = True

    if labels is not None and use_fast:
        stats = _core.dcov_stats_1d_binary(x[:, 0], labels, w)
    elif labels is not None:
        stats = _core.dcov_stats_pairwise_binary(x, labels, w, threads)
    elif use_fast:
        stats = _core.dcov_stats_1d(x[:, 0], y[:, 0], w, threads)
    else:
        stats = _core.dcov_stats_pairwise(x, y, w, threads)

    if swapped:
        stats["variance_x_sqr"], stats["variance_y_sqr"] = (
            stats["variance_y_sqr"],
            stats["variance_x_sqr"],
        )
    return stats


def distance_covariance_sqr(x, y, *, weights=None, method="auto", binary=None,
                            n_jobs=None) -> float:
    """Compute the squared distance covariance dCov^2(x, y) (V-statistic).

    dCov^2(x, y) = sum_ij omega_i omega_j A_ij B_ij with the double-centred distance matrices
    A, B of the module docstring and omega_i = w_i / sum(w).

    Parameters
    ----------
    x : array_like, shape (n,) or (n, p)
        First sample, one row per event.
    y : array_like, shape (n,) or (n, q)
        Second sample, for example the 0/1 truth label or the jet mass.
    weights : array_like, shape (n,), default=None
        Non-negative event weights; pairs are weighted w_i w_j and only ratios matter. None
        gives every event weight 1.
    method : {"auto", "fast", "pairwise"}, default="auto"
        ``"fast"``: O(n log n) algorithm for 1-D x and y. ``"pairwise"``: exact O(n^2 (p + q))
        pass over the event pairs for any dimension, with O(n (p + q)) memory. ``"auto"`` picks
        ``"fast"`` when both are 1-D. Both give the same value up to rounding.
    binary : bool, default=None
        Use the energy-distance form when y (or a 1-D x) is a 0/1 label. None detects 0/1
        values; True requires them and raises ValueError otherwise; False always takes the
        general path.
    n_jobs : int, default=None
        Threads of the pairwise pass and of the 1-D merge sort (above 65,536 events): None
        means 1, -1 means all cores. The result is bitwise identical for any value.

    Returns
    -------
    float
        dCov^2(x, y) >= 0 (up to rounding); equals ``dcor.distance_covariance_sqr`` without
        weights.

    Notes
    -----
    The 1-D path sorts the events by x, then merge-sorts them by y while summing weighted
    moments of the dominated events, which gives sum_ij w_i w_j |x_i - x_j| |y_i - y_j| in
    O(n log n) time and O(n) memory (refs. [2], [4]). With a 0/1 label y the statistics
    follow from the energy distance E between the two classes, dCov^2 = 2 p^2 q^2 E and
    dVar^2(y) = 4 p^2 q^2 with class fractions p, q, so dCor^2 = p q E / dVar(x); for 1-D x this
    needs one sort. The pairwise path keeps only row sums of the distance matrices.

    References
    ----------
    .. [1] G. J. Szekely, M. L. Rizzo, N. K. Bakirov, "Measuring and testing dependence by
       correlation of distances", Ann. Statist. 35 (2007) 2769, arXiv:0803.4101.
    .. [2] X. Huo, G. J. Szekely, "Fast computing for distance covariance", Technometrics 58
       (2016) 435, arXiv:1410.1503.
    .. [3] G. Kasieczka, D. Shih, "Robust jet classifiers through distance correlation",
       Phys. Rev. Lett. 125 (2020) 122001, arXiv:2001.05310.
    .. [4] A. Chaudhuri, W. Hu, "A fast algorithm for computing distance correlation",
       Comput. Stat. Data Anal. 135 (2019) 15, arXiv:1810.11332.
    """
    return float(_stats(x, y, weights, method, binary, n_jobs)["covariance_xy_sqr"])


def distance_covariance(x, y, *, weights=None, method="auto", binary=None,
                        n_jobs=None) -> float:
    """Compute the distance covariance dCov(x, y) = sqrt(dCov^2(x, y)).

    Parameters
    ----------
    x : array_like, shape (n,) or (n, p)
        First sample, one row per event.
    y : array_like, shape (n,) or (n, q)
        Second sample, for example the 0/1 truth label or the jet mass.
    weights : array_like, shape (n,), default=None
        Non-negative event weights; pairs are weighted w_i w_j and only ratios matter. None
        gives every event weight 1.
    method : {"auto", "fast", "pairwise"}, default="auto"
        ``"fast"``: O(n log n) algorithm for 1-D x and y. ``"pairwise"``: exact O(n^2 (p + q))
        pass over the event pairs for any dimension, with O(n (p + q)) memory. ``"auto"`` picks
        ``"fast"`` when both are 1-D. Both give the same value up to rounding.
    binary : bool, default=None
        Use the energy-distance form when y (or a 1-D x) is a 0/1 label. None detects 0/1
        values; True requires them and raises ValueError otherwise; False always takes the
        general path.
    n_jobs : int, default=None
        Threads of the pairwise pass and of the 1-D merge sort (above 65,536 events): None
        means 1, -1 means all cores. The result is bitwise identical for any value.

    Returns
    -------
    float
        dCov(x, y); a rounding-level negative dCov^2 gives 0.

    See Also
    --------
    distance_covariance_sqr : the squared statistic, with the algorithm notes.
    """
    value = distance_covariance_sqr(x, y, weights=weights, method=method, binary=binary,
                                    n_jobs=n_jobs)
    # dCov^2 >= 0 exactly; rounding can leave a value of order -1e-17 for independent samples.
    return math.sqrt(max(value, 0.0))


def distance_correlation_sqr(x, y, *, weights=None, method="auto", binary=None,
                             n_jobs=None) -> float:
    """Compute the squared distance correlation dCor^2(x, y) (V-statistic).

    dCor^2(x, y) = dCov^2(x, y) / sqrt(dVar^2(x) dVar^2(y)), 0 when x or y is constant. This
    is the quantity the DisCo regulariser penalises.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, p)
        First sample, one row per event.
    y : array_like, shape (n,) or (n, q)
        Second sample, for example the 0/1 truth label or the jet mass.
    weights : array_like, shape (n,), default=None
        Non-negative event weights; pairs are weighted w_i w_j and only ratios matter. None
        gives every event weight 1.
    method : {"auto", "fast", "pairwise"}, default="auto"
        ``"fast"``: O(n log n) algorithm for 1-D x and y. ``"pairwise"``: exact O(n^2 (p + q))
        pass over the event pairs for any dimension, with O(n (p + q)) memory. ``"auto"`` picks
        ``"fast"`` when both are 1-D. Both give the same value up to rounding.
    binary : bool, default=None
        Use the energy-distance form when y (or a 1-D x) is a 0/1 label. None detects 0/1
        values; True requires them and raises ValueError otherwise; False always takes the
        general path.
    n_jobs : int, default=None
        Threads of the pairwise pass and of the 1-D merge sort (above 65,536 events): None
        means 1, -1 means all cores. The result is bitwise identical for any value.

    Returns
    -------
    float
        dCor^2 in [0, 1]; equals ``dcor.distance_correlation_sqr`` without weights.

    Notes
    -----
    The 1-D path sorts the events by x, then merge-sorts them by y while summing weighted
    moments of the dominated events, which gives sum_ij w_i w_j |x_i - x_j| |y_i - y_j| in
    O(n log n) time and O(n) memory (refs. [2], [4]). With a 0/1 label y the statistics
    follow from the energy distance E between the two classes, dCov^2 = 2 p^2 q^2 E and
    dVar^2(y) = 4 p^2 q^2 with class fractions p, q, so dCor^2 = p q E / dVar(x); for 1-D x this
    needs one sort. The pairwise path keeps only row sums of the distance matrices.

    References
    ----------
    .. [1] G. J. Szekely, M. L. Rizzo, N. K. Bakirov, "Measuring and testing dependence by
       correlation of distances", Ann. Statist. 35 (2007) 2769, arXiv:0803.4101.
    .. [2] X. Huo, G. J. Szekely, "Fast computing for distance covariance", Technometrics 58
       (2016) 435, arXiv:1410.1503.
    .. [3] G. Kasieczka, D. Shih, "Robust jet classifiers through distance correlation",
       Phys. Rev. Lett. 125 (2020) 122001, arXiv:2001.05310.
    .. [4] A. Chaudhuri, W. Hu, "A fast algorithm for computing distance correlation",
       Comput. Stat. Data Anal. 135 (2019) 15, arXiv:1810.11332.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([1.0, 2.0, 3.0, 4.0])
    >>> round(distance_correlation_sqr(x, 2.0 * x + 1.0), 12)
    1.0
    """
    return float(_stats(x, y, weights, method, binary, n_jobs)["correlation_xy_sqr"])


def distance_correlation(x, y, *, weights=None, method="auto", binary=None,
                         n_jobs=None) -> float:
    """Compute the distance correlation dCor(x, y) = sqrt(dCor^2(x, y)).

    Parameters
    ----------
    x : array_like, shape (n,) or (n, p)
        First sample, one row per event.
    y : array_like, shape (n,) or (n, q)
        Second sample, for example the 0/1 truth label or the jet mass.
    weights : array_like, shape (n,), default=None
        Non-negative event weights; pairs are weighted w_i w_j and only ratios matter. None
        gives every event weight 1.
    method : {"auto", "fast", "pairwise"}, default="auto"
        ``"fast"``: O(n log n) algorithm for 1-D x and y. ``"pairwise"``: exact O(n^2 (p + q))
        pass over the event pairs for any dimension, with O(n (p + q)) memory. ``"auto"`` picks
        ``"fast"`` when both are 1-D. Both give the same value up to rounding.
    binary : bool, default=None
        Use the energy-distance form when y (or a 1-D x) is a 0/1 label. None detects 0/1
        values; True requires them and raises ValueError otherwise; False always takes the
        general path.
    n_jobs : int, default=None
        Threads of the pairwise pass and of the 1-D merge sort (above 65,536 events): None
        means 1, -1 means all cores. The result is bitwise identical for any value.

    Returns
    -------
    float
        dCor in [0, 1]; equals ``dcor.distance_correlation`` without weights.

    See Also
    --------
    distance_correlation_sqr : the squared statistic, with the algorithm notes.
    """
    value = distance_correlation_sqr(x, y, weights=weights, method=method, binary=binary,
                                     n_jobs=n_jobs)
    return math.sqrt(max(value, 0.0))


def distance_stats_sqr(x, y, *, weights=None, method="auto", binary=None,
                       n_jobs=None) -> DistanceStats:
    """Compute dCov^2(x, y), dCor^2(x, y), dVar^2(x) and dVar^2(y) in one pass.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, p)
        First sample, one row per event.
    y : array_like, shape (n,) or (n, q)
        Second sample, for example the 0/1 truth label or the jet mass.
    weights : array_like, shape (n,), default=None
        Non-negative event weights; pairs are weighted w_i w_j and only ratios matter. None
        gives every event weight 1.
    method : {"auto", "fast", "pairwise"}, default="auto"
        ``"fast"``: O(n log n) algorithm for 1-D x and y. ``"pairwise"``: exact O(n^2 (p + q))
        pass over the event pairs for any dimension, with O(n (p + q)) memory. ``"auto"`` picks
        ``"fast"`` when both are 1-D. Both give the same value up to rounding.
    binary : bool, default=None
        Use the energy-distance form when y (or a 1-D x) is a 0/1 label. None detects 0/1
        values; True requires them and raises ValueError otherwise; False always takes the
        general path.
    n_jobs : int, default=None
        Threads of the pairwise pass and of the 1-D merge sort (above 65,536 events): None
        means 1, -1 means all cores. The result is bitwise identical for any value.

    Returns
    -------
    DistanceStats
        Named tuple (covariance_xy, correlation_xy, variance_x, variance_y), all squared, in
        the order of ``dcor.distance_stats_sqr``.
    """
    stats = _stats(x, y, weights, method, binary, n_jobs)
    return DistanceStats(
        covariance_xy=float(stats["covariance_xy_sqr"]),
        correlation_xy=float(stats["correlation_xy_sqr"]),
        variance_x=float(stats["variance_x_sqr"]),
        variance_y=float(stats["variance_y_sqr"]),
    )


def _whitened(values, name: str, weights) -> np.ndarray:
    """Whiten a sample with more than one column; a single column needs no whitening."""
    array = _as_samples(values, name)
    if array.shape[1] == 1:
        return array
    w = _as_weights(weights, array.shape[0])
    return _core.whiten(array, w, name)


def distance_correlation_af_inv_sqr(x, y, *, weights=None, method="auto", binary=None,
                                    n_jobs=None) -> float:
    """Compute the squared affine-invariant distance correlation.

    dCor^2(x S_x^{-1/2}, y S_y^{-1/2}) with S_x, S_y the weighted covariance matrices, so the
    value does not change under x -> x M + c for any invertible M. A 1-D sample is only
    rescaled by whitening, which leaves dCor unchanged, so it is used as given.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, p)
        First sample, one row per event.
    y : array_like, shape (n,) or (n, q)
        Second sample, for example the 0/1 truth label or the jet mass.
    weights : array_like, shape (n,), default=None
        Non-negative event weights; pairs are weighted w_i w_j and only ratios matter. None
        gives every event weight 1.
    method : {"auto", "fast", "pairwise"}, default="auto"
        ``"fast"``: O(n log n) algorithm for 1-D x and y. ``"pairwise"``: exact O(n^2 (p + q))
        pass over the event pairs for any dimension, with O(n (p + q)) memory. ``"auto"`` picks
        ``"fast"`` when both are 1-D. Both give the same value up to rounding.
    binary : bool, default=None
        Use the energy-distance form when y (or a 1-D x) is a 0/1 label. None detects 0/1
        values; True requires them and raises ValueError otherwise; False always takes the
        general path.
    n_jobs : int, default=None
        Threads of the pairwise pass and of the 1-D merge sort (above 65,536 events): None
        means 1, -1 means all cores. The result is bitwise identical for any value.

    Returns
    -------
    float
        Affine-invariant dCor^2; equals ``dcor.distance_correlation_af_inv_sqr`` without
        weights.

    Raises
    ------
    ValueError
        When a column of x or y is constant or a linear combination of the others (singular
        covariance), naming that column.

    Notes
    -----
    Whitening orthonormalises the columns in order (Gram-Schmidt under the weighted inner
    product), which is Cholesky whitening. Whitening matrices differ only by an orthogonal
    transformation, which leaves distances and hence dCor unchanged, so the result equals
    dcor's, which uses the symmetric inverse square root.

    References
    ----------
    .. [1] G. J. Szekely, M. L. Rizzo, N. K. Bakirov, Ann. Statist. 35 (2007) 2769,
       arXiv:0803.4101, section 3.2.
    """
    x_white = _whitened(x, "x", weights)
    y_white = _whitened(y, "y", weights)
    _check_same_length(x_white.shape[0], y_white.shape[0], "x", "y")
    return distance_correlation_sqr(x_white, y_white, weights=weights, method=method,
                                    binary=binary, n_jobs=n_jobs)


def distance_correlation_af_inv(x, y, *, weights=None, method="auto", binary=None,
                                n_jobs=None) -> float:
    """Compute the affine-invariant distance correlation (the square root of the squared one).

    Parameters
    ----------
    x : array_like, shape (n,) or (n, p)
        First sample, one row per event.
    y : array_like, shape (n,) or (n, q)
        Second sample, for example the 0/1 truth label or the jet mass.
    weights : array_like, shape (n,), default=None
        Non-negative event weights; pairs are weighted w_i w_j and only ratios matter. None
        gives every event weight 1.
    method : {"auto", "fast", "pairwise"}, default="auto"
        ``"fast"``: O(n log n) algorithm for 1-D x and y. ``"pairwise"``: exact O(n^2 (p + q))
        pass over the event pairs for any dimension, with O(n (p + q)) memory. ``"auto"`` picks
        ``"fast"`` when both are 1-D. Both give the same value up to rounding.
    binary : bool, default=None
        Use the energy-distance form when y (or a 1-D x) is a 0/1 label. None detects 0/1
        values; True requires them and raises ValueError otherwise; False always takes the
        general path.
    n_jobs : int, default=None
        Threads of the pairwise pass and of the 1-D merge sort (above 65,536 events): None
        means 1, -1 means all cores. The result is bitwise identical for any value.

    Returns
    -------
    float
        Affine-invariant dCor; equals ``dcor.distance_correlation_af_inv`` without weights.

    See Also
    --------
    distance_correlation_af_inv_sqr : the squared statistic.
    """
    value = distance_correlation_af_inv_sqr(x, y, weights=weights, method=method,
                                            binary=binary, n_jobs=n_jobs)
    return math.sqrt(max(value, 0.0))


def energy_distance(x, y, *, weights_x=None, weights_y=None, n_jobs=None) -> float:
    """Compute the energy distance between two samples (V-statistic).

    E = 2 E|X - Y| - E|X - X'| - E|Y - Y'|, with the expectations as weighted means over the
    events of each sample.

    Parameters
    ----------
    x : array_like, shape (n_x,) or (n_x, p)
        First sample, for example the signal jets' features.
    y : array_like, shape (n_y,) or (n_y, p)
        Second sample with the same p variables.
    weights_x, weights_y : array_like, default=None
        Non-negative event weights of each sample; each sample is normalised on its own. None
        means unit weights.
    n_jobs : int, default=None
        Threads for multivariate samples: None means 1, -1 means all cores.

    Returns
    -------
    float
        E >= 0; equals ``dcor.energy_distance(x, y)`` without weights.

    Notes
    -----
    O((n_x + n_y) log(n_x + n_y)) for 1-D samples (one sort and per-sample prefix sums),
    O((n_x + n_y)^2 p) otherwise.

    References
    ----------
    .. [1] G. J. Szekely, M. L. Rizzo, "Energy statistics: a class of statistics based on
       distances", J. Stat. Plan. Inference 143 (2013) 1249.
    """
    x = _as_samples(x, "x", min_events=1)
    y = _as_samples(y, "y", min_events=1)
    if x.shape[1] != y.shape[1]:
        raise ValueError(
            f"x has {x.shape[1]} columns but y has {y.shape[1]}; both samples need the same "
            "variables"
        )
    w_x = _as_weights(weights_x, x.shape[0], "weights_x")
    w_y = _as_weights(weights_y, y.shape[0], "weights_y")

    # Each sample's weights are normalised on their own, so both samples count equally whatever
    # their sizes. The labels mark which sample an event came from.
    joined = np.concatenate([x, y])
    labels = np.concatenate([np.ones(x.shape[0], np.uint8), np.zeros(y.shape[0], np.uint8)])
    w = np.concatenate([w_x / w_x.sum(), w_y / w_y.sum()])
    if joined.shape[1] == 1:
        stats = _core.dcov_stats_1d_binary(joined[:, 0], labels, w)
    else:
        stats = _core.dcov_stats_pairwise_binary(joined, labels, w, _n_threads(n_jobs))
    return float(stats["energy_distance"])


# --- batched candidate scoring ----------------------------------------------------------------


def score_candidates(selected, candidates, y, *, weights=None, block_size=2048,
                     affine_invariant=True, binary=None, n_jobs=None) -> np.ndarray:
    """Score candidate features joined to a selected set by dCor^2 with y, block by block.

    For each candidate column c, returns the mean over event blocks of
    dCor^2([selected, c], y), affine-invariant by default: the inner loop of DisCo-FFS feature
    selection, which adds the candidate that maximises this score.

    Parameters
    ----------
    selected : array_like, shape (n, k), or None
        Features already selected; None or k = 0 scores each candidate alone.
    candidates : array_like, shape (n, n_candidates)
        Candidate features, one column each. A pandas DataFrame's column names appear in
        messages.
    y : array_like, shape (n,)
        0/1 truth labels, or a continuous target with ``binary=False``.
    weights : array_like, shape (n,), default=None
        Non-negative event weights, normalised within each block.
    block_size : int, default=2048
        Minimum events per block. The n events are cut into n // block_size contiguous blocks
        of near-equal size (as ``numpy.array_split``), so every event is used. The remainder of
        n / block_size spreads over the blocks, and no block exceeds 2 * block_size - 1 events.
    affine_invariant : bool, default=True
        Whiten [selected, c] with its weighted covariance in each block (as
        ``dcor.distance_correlation_af_inv_sqr``); False uses the raw feature values.
    binary : bool, default=None
        Treat y as 0/1 labels (energy-distance form). None detects 0/1 values; True raises
        unless y holds only 0 and 1; False takes the continuous-y path.
    n_jobs : int, default=None
        Threads over candidates: None means 1, -1 means all cores. The scores are bitwise
        identical for any value.

    Returns
    -------
    ndarray, shape (n_candidates,)
        dCor^2 (squared, not dCor) of each candidate, averaged over the blocks with equal block
        weights.

    Raises
    ------
    ValueError
        On non-finite values (naming the column and event), length mismatches, fewer than
        ``block_size`` events, a block containing only one class (or a constant y), or a
        selected column that is constant or collinear with earlier selected columns in a block.

    Notes
    -----
    Blocks are contiguous in event order: shuffle the events first, or a block may hold one
    class only. A candidate that is constant in a block, or (affine-invariant) a linear
    combination of the selected columns there, has no defined affine-invariant dCor^2 and
    scores 0 in that block rather than NaN; such candidates are logged at INFO level. Linear
    dependence means a residual variance after regression on the selected set below 1e-10 of
    the candidate's variance.

    With the selected set whitened once per block (orthonormal columns q), whitening [S, c]
    only appends r, the residual of c after weighted regression on S scaled to unit variance,
    so D^2_{S+c}(i, j) = D^2_S(i, j) + (r_i - r_j)^2. Each candidate then costs one pass over
    the m (m - 1) / 2 event pairs of a block of m events, O(m^2) with D^2_S shared by groups of
    candidates, plus O(m k) for the regression. Memory is O(m (k + threads)), never m x m.

    References
    ----------
    .. [1] R. Das, G. Kasieczka, D. Shih, "Feature selection with distance correlation",
       arXiv:2212.00046.
    .. [2] G. J. Szekely, M. L. Rizzo, N. K. Bakirov, Ann. Statist. 35 (2007) 2769,
       arXiv:0803.4101.
    """
    if isinstance(block_size, bool) or not isinstance(block_size, numbers.Integral):
        raise TypeError(f"block_size must be an int, got {block_size!r}")
    if block_size < 2:
        raise ValueError(f"block_size must be at least 2 events, got {block_size}")

    candidate_array = _as_samples(candidates, "candidates")
    n = candidate_array.shape[0]
    if selected is None:
        selected_array = np.empty((n, 0))
    else:
        selected_array = np.asarray(selected, dtype=np.float64)
        if selected_array.ndim == 1:
            selected_array = selected_array[:, None]
        if selected_array.ndim == 2 and selected_array.shape[1] == 0:
            selected_array = np.empty((selected_array.shape[0], 0))
        else:
            selected_array = _as_samples(selected, "selected")
    y_array = _as_samples(y, "y")
    if y_array.shape[1] != 1:
        raise ValueError(
            f"y must be 1-D (one label or target per event), got shape {y_array.shape}"
        )
    _check_same_length(n, selected_array.shape[0], "candidates", "selected")
    _check_same_length(n, y_array.shape[0], "candidates", "y")
    if n < block_size:
        raise ValueError(
            f"only {n} events for block_size={block_size}; pass at least {block_size} events or a "
            "smaller block_size"
        )
    w = _as_weights(weights, n)
    labels = _binary_labels(y_array, binary)

    scores, degenerate = _core.score_candidates(
        np.ascontiguousarray(selected_array), candidate_array, np.ascontiguousarray(y_array[:, 0]),
        w, int(block_size), bool(affine_invariant), labels is not None, _n_threads(n_jobs),
    )

    skipped = np.flatnonzero(degenerate)
    if skipped.size:
        shown = ", ".join(_column_name(candidates, int(j)) for j in skipped[:10])
        logger.info(
            "%d of %d candidate columns are constant or linearly dependent on the selected set in "
            "at least one block and score 0 in those blocks: %s%s", skipped.size,
            candidate_array.shape[1], shown, " ..." if skipped.size > 10 else "",
        )
    return scores
