"""Jet substructure observables computed in batches by the C++ core.

``compute(jets, observables)`` returns a :class:`~jetfeat.table.FeatureTable`. Each family
module below registers itself on import.
"""

from ._registry import FAMILIES, PRESETS, Family, compute, register

# Family modules: importing each registers its observables.
# (one import line per family module, e.g. `from . import _kinematics  # noqa: F401`)
from . import _kinematics  # noqa: F401, I001
from . import _ecf  # noqa: F401
from . import _angularities  # noqa: F401

__all__ = ["FAMILIES", "PRESETS", "Family", "compute", "register"]
