# Type stubs for the private extension module jetfeat._core. Each area keeps its own section.

# --- config ---
def build_info() -> dict[str, object]: ...

# --- efp ---
import numpy as np
from numpy.typing import NDArray

def efp_compute(
    coords: NDArray[np.float64],
    offsets: NDArray[np.int64],
    ops: NDArray[np.int32],
    n_vec: int,
    n_mat: int,
    n_scal: int,
    max_power: int,
    out_offsets: NDArray[np.int64],
    out_slots: NDArray[np.int64],
    kappas: NDArray[np.float64],
    betas: NDArray[np.float64],
    normed: bool,
    measure: str,
    n_threads: int,
) -> NDArray[np.float64]:
    """Run a compiled EFP plan (jetfeat._efp_plan) on packed jets: (N, n_kappa * n_beta * F)."""

# --- clustering, N-subjettiness, soft drop, Lund plane ---
# Codes: algorithm 0 kt, 1 C/A, 2 anti-kt, 3 genkt; recombination 0 E-scheme, 1 WTA pT;
# axes 0 kt, 1 ca, 2 wta_kt, 3 wta_ca, 4 onepass_kt, 5 onepass_wta_kt, 6 onepass_ca,
# 7 onepass_wta_ca. n_threads <= 0 means all cores.
import numpy as np

def cluster_history(
    p4s: np.ndarray, offsets: np.ndarray, algorithm: int, R: float, p: float,
    recombination: int, n_threads: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...
def exclusive_subjets(
    p4s: np.ndarray, offsets: np.ndarray, algorithm: int, R: float, p: float,
    recombination: int, n_subjets: int, dcut: float, n_threads: int,
) -> tuple[np.ndarray, np.ndarray]: ...
def exclusive_dmerge(
    p4s: np.ndarray, offsets: np.ndarray, algorithm: int, R: float, p: float,
    recombination: int, n_max: int, n_threads: int,
) -> np.ndarray: ...
def nsubjettiness(
    p4s: np.ndarray, offsets: np.ndarray, n_max: int, beta: float, axes: int, normalized: bool,
    R0: float, n_threads: int,
) -> np.ndarray: ...
def soft_drop(
    p4s: np.ndarray, offsets: np.ndarray, zcut: float, beta: float, R0: float, n_threads: int,
) -> np.ndarray: ...
def iterated_soft_drop(
    p4s: np.ndarray, offsets: np.ndarray, zcut: float, beta: float, R0: float, theta_cut: float,
    n_threads: int,
) -> np.ndarray: ...
def lund_primary(
    p4s: np.ndarray, offsets: np.ndarray, n_threads: int,
) -> tuple[np.ndarray, np.ndarray]: ...

# --- kinematics, ECFs, angularities ---
import numpy as _np
from numpy.typing import NDArray as _NDArray

def jet_kinematics(
    p4s: _NDArray[_np.float64], offsets: _NDArray[_np.int64], n_threads: int = 1
) -> _NDArray[_np.float64]: ...
def energy_correlators(
    ptyphims: _NDArray[_np.float64], offsets: _NDArray[_np.int64], beta: float, n_max: int,
    n_threads: int = 1,
) -> _NDArray[_np.float64]: ...
def generalized_energy_correlators(
    ptyphims: _NDArray[_np.float64], offsets: _NDArray[_np.int64], beta: float, n: int,
    n_threads: int = 1,
) -> _NDArray[_np.float64]: ...
def angularities(
    ptyphims: _NDArray[_np.float64], offsets: _NDArray[_np.int64], axes: _NDArray[_np.float64],
    jet_radius: float, kappas: _NDArray[_np.float64], betas: _NDArray[_np.float64],
    n_threads: int = 1,
) -> _NDArray[_np.float64]: ...
def jet_shapes(
    p4s: _NDArray[_np.float64], ptyphims: _NDArray[_np.float64], offsets: _NDArray[_np.int64],
    axes: _NDArray[_np.float64], n_threads: int = 1,
) -> _NDArray[_np.float64]: ...

# --- disco ---
import numpy as np
from numpy.typing import NDArray

# Each dcov_stats_* returns {"covariance_xy_sqr", "variance_x_sqr", "variance_y_sqr",
# "correlation_xy_sqr"} (V-statistics); the binary ones add "energy_distance", "label_fraction".
def dcov_stats_1d(
    x: NDArray[np.float64], y: NDArray[np.float64], weights: NDArray[np.float64], n_threads: int
) -> dict[str, float]: ...
def dcov_stats_1d_binary(
    x: NDArray[np.float64], label: NDArray[np.uint8], weights: NDArray[np.float64]
) -> dict[str, float]: ...
def dcov_stats_pairwise(
    x: NDArray[np.float64], y: NDArray[np.float64], weights: NDArray[np.float64], n_threads: int
) -> dict[str, float]: ...
def dcov_stats_pairwise_binary(
    x: NDArray[np.float64], label: NDArray[np.uint8], weights: NDArray[np.float64],
    n_threads: int,
) -> dict[str, float]: ...
def whiten(
    x: NDArray[np.float64], weights: NDArray[np.float64], what: str
) -> NDArray[np.float64]: ...
def score_candidates(
    selected: NDArray[np.float64], candidates: NDArray[np.float64], y: NDArray[np.float64],
    weights: NDArray[np.float64], block_size: int, affine_invariant: bool, binary: bool,
    n_threads: int,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]: ...
