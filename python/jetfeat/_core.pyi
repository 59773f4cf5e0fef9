# Type stubs for the private extension module jetfeat._core. Each area keeps its own section.

# --- config ---
def build_info() -> dict[str, object]: ...

# --- efp ---

# --- substructure ---

# --- disco ---
