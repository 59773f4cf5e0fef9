"""Import optional dependencies with a message that names the feature and the package."""

from __future__ import annotations

import importlib
from types import ModuleType

# Feature extras and the pip requirement that provides each optional module.
_INSTALL_HINTS = {
    "fastjet": "pip install 'jetfeat[generate]'  (or: pip install 'fastjet==3.5.2.*')",
    "pythia8mc": "pip install 'jetfeat[generate]'  (or: pip install 'pythia8mc==8.317.2')",
    "dask": "pip install 'jetfeat[dask]'",
    "distributed": "pip install 'jetfeat[dask]'",
    "energyflow": "pip install --no-deps energyflow==1.4.0 wasserstein==1.1.0",
    "dcor": "pip install dcor==0.7",
}


def import_optional(module: str, feature: str) -> ModuleType:
    """Import ``module`` or raise ImportError saying which feature needs it and how to install it.

    Parameters
    ----------
    module : str
        Top-level module name, for example ``"fastjet"``.
    feature : str
        What the caller was doing, for example ``"jet generation"``.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        hint = _INSTALL_HINTS.get(module, f"pip install {module}")
        raise ImportError(
            f"{feature} needs the optional package '{module}', which is not installed "
            f"or failed to import ({exc}). Install it with: {hint}"
        ) from exc
