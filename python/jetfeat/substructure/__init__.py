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
from . import _clustering, _lund, _nsubjettiness, _softdrop  # noqa: F401
from ._clustering import clustering_history, exclusive_subjets
from ._lund import lund_plane
from ._nsubjettiness import nsubjettiness
from ._softdrop import iterated_soft_drop_multiplicity, soft_drop

__all__ = [
    "FAMILIES", "PRESETS", "Family", "compute", "register",
    "clustering_history", "exclusive_subjets", "iterated_soft_drop_multiplicity", "lund_plane",
    "nsubjettiness", "soft_drop",
]
