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

# --- kinematics, ECFs, angularities ---

# --- disco ---
