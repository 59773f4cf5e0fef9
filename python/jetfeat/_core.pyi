# Type stubs for the private extension module jetfeat._core. Each area keeps its own section.

# --- config ---
def build_info() -> dict[str, object]: ...

# --- efp ---

# --- clustering, N-subjettiness, soft drop, Lund plane ---

# --- kinematics, ECFs, angularities ---

# --- disco ---
