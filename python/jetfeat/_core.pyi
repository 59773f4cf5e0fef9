# Type stubs for the private extension module jetfeat._core. Each area keeps its own section.

# --- config ---
def build_info() -> dict[str, object]: ...

# --- efp ---

# --- clustering, N-subjettiness, soft drop, Lund plane ---

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
