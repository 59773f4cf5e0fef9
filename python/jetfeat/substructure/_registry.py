"""Registry of substructure observable families and the ``compute`` entry point."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from ..jets import JetBatch, as_jet_batch
from ..table import FeatureTable

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Family:
    """One family of observables computed together by one kernel call.

    Attributes
    ----------
    name : str
        Registry key, for example ``"nsubjettiness"``.
    compute : callable
        ``compute(batch: JetBatch, n_jobs: int, **params) -> dict[str, ndarray]``; the keys are
        full feature names that carry their parameters (for example ``"tau21_beta1"``).
    defaults : dict
        Default keyword parameters of ``compute``.
    summary : str
        One line for listings and reports.
    """

    name: str
    compute: Callable[..., dict]
    defaults: Mapping = field(default_factory=dict)
    summary: str = ""


FAMILIES: dict[str, Family] = {}

# Named presets: preset name -> list of (family name, parameter overrides, feature names kept or
# None for all). Families register their part of a preset with add_to_preset().
PRESETS: dict[str, list[tuple[str, dict, list[str] | None]]] = {}


def register(family: Family) -> Family:
    """Add ``family`` to the registry (called once per family module at import)."""
    if family.name in FAMILIES:
        raise ValueError(f"substructure family {family.name!r} is registered twice")
    FAMILIES[family.name] = family
    return family


def add_to_preset(preset: str, family: str, params: dict | None = None,
                  keep: list[str] | None = None) -> None:
    """Make ``preset`` include ``family`` with ``params``, keeping only ``keep`` names if given."""
    PRESETS.setdefault(preset, []).append((family, dict(params or {}), keep))


def _requests(observables) -> list[tuple[str, dict, list[str] | None]]:
    if isinstance(observables, str):
        if observables in PRESETS:
            return PRESETS[observables]
        observables = [observables]
    if isinstance(observables, Mapping):
        items = list(observables.items())
    elif isinstance(observables, Iterable):
        items = [(name, {}) for name in observables]
    else:
        raise TypeError(f"observables must be a preset name, a list or a dict, got {observables!r}")
    requests = []
    for name, params in items:
        if name in PRESETS:
            requests.extend(PRESETS[name])
            continue
        if name not in FAMILIES:
            raise ValueError(
                f"unknown substructure family or preset {name!r}; families: {sorted(FAMILIES)}, "
                f"presets: {sorted(PRESETS)}"
            )
        requests.append((name, dict(params or {}), None))
    return requests


def compute(jets, observables="standard", *, coords: str = "epxpypz",
            n_jobs: int | None = None, empty_jets: str = "raise") -> FeatureTable:
    """Compute substructure observables for a batch of jets.

    Parameters
    ----------
    jets : array_like, awkward.Array or JetBatch
        Jets in any layout :func:`jetfeat.as_jet_batch` accepts.
    observables : str, list of str or dict, default="standard"
        A preset name (``"standard"``, ``"all"``), a list of family names, or a dict of family
        name to keyword parameters (for example ``{"nsubjettiness": {"beta": 2.0}}``).
    coords : {"epxpypz", "ptyphim"}, default="epxpypz"
        Meaning of the four input columns.
    n_jobs : int, default=None
        Threads for the C++ kernels: None means 1, -1 means all cores.
    empty_jets : {"raise", "zero"}, default="raise"
        What to do with a jet without particles (an all-zero padded row): "raise" raises a
        ValueError naming the first one; "zero" gives 0.0 for every observable of that jet.

    Returns
    -------
    FeatureTable
        One column per observable, named with its parameters; ``.to_pandas()`` converts it.

    Raises
    ------
    ValueError
        With ``empty_jets="raise"``, when a jet has no particles: its observables are not
        defined, and a silent 0.0 would look like a real value to a tagger.
    """
    if empty_jets not in ("raise", "zero"):
        raise ValueError(f"empty_jets={empty_jets!r} is invalid; use 'raise' or 'zero'")
    batch: JetBatch = as_jet_batch(jets, coords=coords)
    if empty_jets == "raise":
        empty = np.flatnonzero(batch.counts == 0)
        if empty.size:
            raise ValueError(
                f"jet {int(empty[0])} has no particles ({empty.size} of {batch.n_jets} jets are "
                "empty), so its substructure observables are undefined. Drop empty jets first "
                "(batch = jetfeat.as_jet_batch(jets); batch = batch.select(batch.counts > 0)), "
                "or pass empty_jets='zero' to get 0.0 for them."
            )
    threads = _threads(n_jobs)
    columns: dict = {}
    for name, params, keep in _requests(observables):
        family = FAMILIES[name]
        values = family.compute(batch, threads, **{**family.defaults, **params})
        for column, array in values.items():
            if keep is None or column in keep:
                columns[column] = array
    logger.debug("computed %d substructure columns for %d jets", len(columns), batch.n_jets)
    return FeatureTable(columns, metadata={"observables": repr(observables)})


def _threads(n_jobs: int | None) -> int:
    """Translate scikit-learn's n_jobs convention (None: 1, -1: all cores) to a thread count."""
    if n_jobs is None:
        return 1
    if n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"n_jobs={n_jobs} is invalid; use None or a positive int, or -1 for all")
    return 0 if n_jobs == -1 else int(n_jobs)
