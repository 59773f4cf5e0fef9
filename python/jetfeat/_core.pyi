# Type stubs for the private extension module jetfeat._core. Each area keeps its own section.

# --- config ---
def build_info() -> dict[str, object]: ...

# --- efp ---

# --- clustering, N-subjettiness, soft drop, Lund plane ---

# --- kinematics, ECFs, angularities ---

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
def whiten(x: NDArray[np.float64], weights: NDArray[np.float64], what: str) -> NDArray[np.float64]: ...
def score_candidates(
    selected: NDArray[np.float64], candidates: NDArray[np.float64], y: NDArray[np.float64],
    weights: NDArray[np.float64], block_size: int, affine_invariant: bool, binary: bool,
    n_threads: int,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]: ...
