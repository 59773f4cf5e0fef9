"""jetfeat: fast jet features, DisCo-FFS feature selection and lightweight jet taggers.

The public API lives in the submodules (``jetfeat.jets``, ``jetfeat.efp``,
``jetfeat.substructure``, ``jetfeat.io``, ``jetfeat.generate``, ``jetfeat.features``,
``jetfeat.disco``, ``jetfeat.selection``, ``jetfeat.models``, ``jetfeat.metrics``,
``jetfeat.plots``); the names below are re-exported for convenience and imported on first use.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jetfeat")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

try:
    from . import _core  # noqa: F401
except ImportError as exc:
    raise ImportError(
        f"jetfeat's compiled extension jetfeat._core failed to import ({exc}). The package was "
        "probably never built: install it with `pip install .` from the source tree."
    ) from exc

from .config import show_config
from .jets import JetBatch, as_jet_batch

# Re-exported names and the submodule that defines each; imported lazily to keep
# `import jetfeat` fast and free of optional dependencies.
_LAZY = {
    "EFPSet": "efp",
    "EFP": "efp",
    "graphs": "efp",
    "DisCoSelector": "selection",
    "distance_correlation": "disco",
}

__all__ = ["__version__", "show_config", "JetBatch", "as_jet_batch", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'jetfeat' has no attribute {name!r}")
