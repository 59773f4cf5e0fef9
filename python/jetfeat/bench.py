"""Throughput benchmarks: ``jetfeat bench`` and :func:`run_benchmark`.

The benchmark times a chosen feature set, each of its families (EFPs by degree d,
N-subjettiness, ECFs, soft drop, ...) and the end-to-end cost of tagging a jet, on the same jets:

- as a function of the number of constituents M (jets truncated to their M leading-pT particles,
  or random jets with exactly M particles), with a log-log fit of the cost growth printed next
  to the expected exponent (M^chi for EFPs, M^2 for clustering);
- as a function of the number of OpenMP threads (1, 2, all), with the 1 -> N speed-up;
- against the field's reference libraries where they are installed, on the same jets in the
  same run: energyflow for EFPs and dcor for distance correlations (with the largest relative
  difference of the values), and fastjet-contrib for ECFs, N-subjettiness and soft drop
  (through the test-only programs of a source tree), each with the ratio of times.

Every point runs ``warmup`` untimed calls, then up to ``repeats`` timed calls, and reports the
median with the interquartile range and the min/max. The report prints as a table, and saves
as JSON and as a PNG plot of jets/s against M.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import importlib.util
import json
import logging
import math
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .jets import JetBatch, as_jet_batch
from .table import FeatureTable

logger = logging.getLogger(__name__)

__all__ = [
    "BenchmarkReport",
    "Measurement",
    "fit_exponent",
    "load_jets",
    "random_jets",
    "resolve_feature_set",
    "run_benchmark",
    "time_call",
    "truncate_jets",
]

DEFAULT_MULTIPLICITIES = (25, 50, 100, 150)
DEFAULT_THREADS = (1, 2, -1)
DEFAULT_EFP_DEGREES = (1, 2, 3, 4)
DEFAULT_DISCO_SIZES = (500, 1000, 2000)

# Model kinds of jetfeat.models.Tagger timed in the tagging benchmark.
TAGGER_MODELS = ("xgboost", "gbdt", "mlp", "logistic")

# Expected growth of the cost with the number of constituents M (cost ~ M^exponent) for the
# algorithms behind each family. Kinematics and angularities take one pass over the particles.
# N-subjettiness axes, soft drop and the Lund plane need an O(M^2) pairwise clustering, as in
# FastJet's N2Plain strategy. The ECF family is dominated by the triple sum of e_3. EFP rows use
# the variable-elimination complexity chi of their graphs instead.
# NOTE: these are the textbook costs of the algorithms, not read from the kernels; a family
# that uses a faster algorithm (for example an O(M log M) clustering) shows a smaller slope.
EXPECTED_EXPONENTS = {
    "kinematics": 1.0,
    "angularities": 1.0,
    "ecf": 3.0,
    "nsubjettiness": 2.0,
    "softdrop": 2.0,
    "clustering": 2.0,
    "lund": 2.0,
}

# Jet parameters of the random jets: anti-kT R = 0.8 jets of pT ~ 600 GeV, as in the top
# tagging landscape dataset.
_RANDOM_JET_PT = 600.0
_RANDOM_JET_RADIUS = 0.8


# --------------------------------------------------------------------------------------------
# Jets
# --------------------------------------------------------------------------------------------


def random_jets(n_jets: int, n_constituents: int, *, seed: int | None = 0) -> JetBatch:
    """Generate jets of massless particles with a falling pT spectrum around a jet axis.

    Each jet has exactly ``n_constituents`` particles. The pT fractions z_i are log-normal
    (sigma = 1.2, normalised to sum 1), so a few hard particles carry most of the 600 GeV; the
    distance Delta R_i to the axis follows R * Beta(1, 3) with R = 0.8, so particles cluster
    near the axis; the axis has |y| < 1.5 and a uniform phi.

    Parameters
    ----------
    n_jets : int
        Number of jets N.
    n_constituents : int
        Particles per jet M.
    seed : int, default=0
        Seed of ``numpy.random.default_rng``; None draws fresh entropy.

    Returns
    -------
    JetBatch
        N jets of M particles each, particles sorted by decreasing pT.
    """
    if n_jets < 1 or n_constituents < 1:
        raise ValueError(
            f"random_jets needs n_jets >= 1 and n_constituents >= 1, got {n_jets} and "
            f"{n_constituents}"
        )
    rng = np.random.default_rng(seed)
    shape = (n_jets, n_constituents)

    # Falling pT spectrum: log-normal fractions, sorted so the leading particle comes first.
    fractions = np.exp(rng.normal(0.0, 1.2, size=shape))
    fractions = -np.sort(-fractions / fractions.sum(axis=1, keepdims=True), axis=1)
    pt = _RANDOM_JET_PT * fractions

    # Directions: a jet axis, then offsets concentrated near it inside R.
    axis_y = rng.uniform(-1.5, 1.5, size=(n_jets, 1))
    axis_phi = rng.uniform(-np.pi, np.pi, size=(n_jets, 1))
    delta_r = _RANDOM_JET_RADIUS * rng.beta(1.0, 3.0, size=shape)
    angle = rng.uniform(0.0, 2.0 * np.pi, size=shape)
    rapidity = axis_y + delta_r * np.cos(angle)
    phi = axis_phi + delta_r * np.sin(angle)

    # Massless four-momenta (E, px, py, pz) in GeV.
    p4s = np.stack(
        [pt * np.cosh(rapidity), pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(rapidity)],
        axis=-1,
    )
    return as_jet_batch(p4s)


def truncate_jets(batch: JetBatch, n_constituents: int, n_jets: int) -> JetBatch | None:
    """Return ``n_jets`` jets cut to their ``n_constituents`` leading-pT particles.

    Only jets with at least M particles are used, so every returned jet has exactly M. When
    fewer than ``n_jets`` jets qualify, they are repeated in order (the cost of a jet does not
    depend on which other jets share the batch).

    Parameters
    ----------
    batch : JetBatch
        Source jets.
    n_constituents : int
        Particles kept per jet, M.
    n_jets : int
        Jets in the result.

    Returns
    -------
    JetBatch or None
        The truncated jets, or None when no jet has M particles.
    """
    eligible = np.flatnonzero(batch.counts >= n_constituents)
    if eligible.size == 0:
        return None
    chosen = eligible[np.arange(n_jets) % eligible.size]

    # Leading particles by pT inside each chosen jet, from the packed ptyphims column.
    rows = np.empty((n_jets, n_constituents), dtype=np.int64)
    for out_index, jet_index in enumerate(chosen):
        start, stop = batch.offsets[jet_index], batch.offsets[jet_index + 1]
        order = np.argsort(-batch.ptyphims[start:stop, 0], kind="stable")[:n_constituents]
        rows[out_index] = start + order
    return as_jet_batch(batch.p4s[rows])


def load_jets(source, *, n_jets: int, seed: int = 0) -> tuple[JetBatch | None, np.ndarray | None,
                                                               str]:
    """Resolve ``source`` to jets, labels (or None) and a description for the report.

    ``source`` is ``"random"`` (None is returned for the jets: they are generated per M),
    ``"default"`` (:func:`jetfeat.generate.default_sample`), ``"generate"`` (``n_jets`` new
    Pythia jets from :func:`jetfeat.generate.generate_jets`), a path read with
    :func:`jetfeat.io.iter_chunks`, a ``(jets, labels)`` tuple, or any jets
    :func:`jetfeat.as_jet_batch` accepts.
    """
    if isinstance(source, str) and source == "random":
        return None, None, "random jets (log-normal pT fractions, R = 0.8)"

    if isinstance(source, str) and source == "default":
        # The cached Pythia sample; the first call generates it (about n_jets / 60 CPU-seconds).
        generate = importlib.import_module("jetfeat.generate")
        path = Path(generate.default_sample())
        jets, labels = _read_jet_file(path, n_jets)
        return _first_jets(jets, labels, n_jets) + (f"jetfeat.generate.default_sample() ({path})",)

    if isinstance(source, str) and source == "generate":
        # Fresh Pythia jets, half top and half QCD, generated in this process.
        generate = importlib.import_module("jetfeat.generate")
        half = max(n_jets // 2, 1)
        top, _, _ = generate.generate_jets(half, "top", seed=seed + 1)
        qcd, _, _ = generate.generate_jets(half, "qcd", seed=seed + 2)
        labels = np.concatenate([np.ones(half, dtype=np.int8), np.zeros(half, dtype=np.int8)])
        return _first_jets(np.concatenate([top, qcd]), labels, 2 * half) + (
            f"{2 * half} jets from jetfeat.generate.generate_jets (top and QCD)",)

    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.exists():
            raise FileNotFoundError(
                f"jet file {path} does not exist; pass a file jetfeat.io reads, 'default' for "
                "the cached Pythia sample, or 'random'"
            )
        jets, labels = _read_jet_file(path, n_jets)
        return _first_jets(jets, labels, n_jets) + (str(path),)

    jets, labels = _split_jets_labels(source)
    return _first_jets(jets, labels, n_jets) + (f"{type(jets).__name__} from the caller",)


def _split_jets_labels(sample):
    """Split a ``(jets, labels)`` pair, a mapping with ``jets``/``labels`` or bare jets."""
    if isinstance(sample, dict) or hasattr(sample, "files"):
        labels = sample["labels"] if "labels" in sample else None
        return sample["jets"], labels
    if isinstance(sample, tuple) and len(sample) == 2:
        return sample
    for jets_name, labels_name in (("jets", "labels"), ("batch", "labels")):
        if hasattr(sample, jets_name):
            return getattr(sample, jets_name), getattr(sample, labels_name, None)
    return sample, None


def _first_jets(jets, labels, n_jets: int) -> tuple[JetBatch, np.ndarray | None]:
    batch = as_jet_batch(jets)
    if batch.n_jets > n_jets:
        batch = batch.select(slice(0, n_jets))
    if labels is not None:
        labels = np.asarray(labels)[: batch.n_jets]
    return batch, labels


def _read_jet_file(path: Path, n_jets: int):
    """Read up to ``n_jets`` jets (and labels, when the file has them) from ``path``."""
    try:
        io = importlib.import_module("jetfeat.io")
    except ModuleNotFoundError:
        io = None
    if io is not None and hasattr(io, "iter_chunks"):
        for chunk in io.iter_chunks(path, chunk_size=n_jets):
            return _split_jets_labels(chunk)
        raise ValueError(f"jet file {path} contains no jets")

    # NOTE: without jetfeat.io only .npz files with a 'jets' array (and optional 'labels') load.
    if path.suffix != ".npz":
        raise ValueError(
            f"cannot read {path}: jetfeat.io is not available in this build, and only .npz files "
            "with a 'jets' array load without it"
        )
    with np.load(path) as data:
        if "jets" not in data:
            raise ValueError(f"{path} has arrays {list(data)}; expected one named 'jets'")
        labels = data["labels"][:n_jets] if "labels" in data else None
        return data["jets"][:n_jets], labels


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


@dataclass
class Measurement:
    """Timing of one workload on one batch of jets with one thread count.

    Attributes
    ----------
    workload : str
        Workload name, for example ``"efp_d3"`` or ``"nsubjettiness"``.
    family : str
        Feature family (``"efp"``, ``"nsubjettiness"``, ``"set"`` for the whole set, ...).
    library : str
        ``"jetfeat"`` or the reference library that ran the same workload.
    n_constituents : int or None
        Particles per jet M, or None for jets of natural (mixed) multiplicity.
    threads : int
        Threads used by the call.
    n_jets : int
        Jets per timed call.
    times_s : list of float
        Wall-clock seconds of each timed call.
    """

    workload: str
    family: str
    library: str
    n_constituents: int | None
    threads: int
    n_jets: int
    times_s: list[float]

    @property
    def median_s(self) -> float:
        """Median seconds per call."""
        return statistics.median(self.times_s)

    @property
    def iqr_s(self) -> tuple[float, float]:
        """First and third quartile of the seconds per call."""
        q1, q3 = np.percentile(self.times_s, [25.0, 75.0])
        return float(q1), float(q3)

    @property
    def jets_per_s(self) -> float:
        """Throughput from the median time."""
        return self.n_jets / self.median_s

    @property
    def us_per_jet(self) -> float:
        """Latency per jet in microseconds from the median time."""
        return 1e6 * self.median_s / self.n_jets

    def to_dict(self) -> dict:
        """Return the raw times and the derived statistics as a JSON-ready dict."""
        q1, q3 = self.iqr_s
        return {
            **asdict(self),
            "median_s": self.median_s,
            "q1_s": q1,
            "q3_s": q3,
            "min_s": min(self.times_s),
            "max_s": max(self.times_s),
            "jets_per_s": self.jets_per_s,
            "us_per_jet": self.us_per_jet,
        }


def time_call(function: Callable[[], object], *, warmup: int, repeats: int,
              max_seconds: float) -> tuple[list[float], object]:
    """Time ``function()`` and return the seconds of each timed call plus the last result.

    ``warmup`` untimed calls come first (they fill caches and trigger lazy set-up). Then at
    least 3 and at most ``repeats`` calls are timed, fewer than ``repeats`` only when they
    would together exceed ``max_seconds``; 3 is the least that gives a median and a spread.
    """
    result = None
    first = None
    for _ in range(warmup):
        start = time.perf_counter()
        result = function()
        first = time.perf_counter() - start
    if first is not None and first > 0.0:
        repeats = max(min(repeats, int(max_seconds / first)), min(3, repeats))

    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return times, result


# --------------------------------------------------------------------------------------------
# Workloads
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    """One timed computation on a batch of jets.

    Attributes
    ----------
    name : str
        Row label in the report; a reference workload has the name of the jetfeat workload it
        repeats.
    family : str
        Feature family, or ``"set"`` for the whole feature set.
    library : str
        ``"jetfeat"``, ``"energyflow"``, ...
    prepare : callable
        ``prepare(batch) -> input`` converts the jets to the library's input; not timed.
    run : callable
        ``run(input, threads) -> result``; the timed call.
    expected_exponent : float or None
        Expected growth of the cost with M (cost ~ M^exponent); None when unknown.
    threaded : bool
        False when the call always runs on one thread (reference libraries), so it is timed
        with 1 thread only.
    values : callable or None
        ``values(result) -> ndarray (N, k)`` for comparing jetfeat with a reference.
    params : dict
        Parameters of a substructure family (its defaults merged with the request).
    self_timed : bool
        True when ``run`` returns the seconds the library measured itself for the whole
        batch (an external program that excludes its start-up and input parsing).
    """

    name: str
    family: str
    library: str
    prepare: Callable[[JetBatch], object]
    run: Callable[[object, int], object]
    expected_exponent: float | None = None
    threaded: bool = True
    values: Callable[[object], np.ndarray] | None = None
    params: dict = field(default_factory=dict)
    self_timed: bool = False


def _identity(batch: JetBatch) -> JetBatch:
    return batch


def _table_values(result) -> np.ndarray:
    """Return an (N, k) float64 matrix from a FeatureTable, a DataFrame or an array."""
    if hasattr(result, "to_numpy"):
        result = result.to_numpy()
    array = np.asarray(result, dtype=np.float64)
    return array[:, np.newaxis] if array.ndim == 1 else array


def _efp_workloads(degrees: Sequence[int], references: bool,
                   notes: list[str]) -> list[Workload]:
    """Return one jetfeat workload per EFP degree d, and the energyflow one where installed."""
    if not degrees:
        return []
    try:
        efp = importlib.import_module("jetfeat.efp")
    except ModuleNotFoundError:
        notes.append("EFPs not timed: jetfeat.efp is not part of this build")
        return []
    energyflow = _try_import("energyflow") if references else None

    workloads = []
    for degree in degrees:
        spec = f"d=={degree}"
        try:
            efp_set = efp.EFPSet(spec, "p==1")
        except ImportError as exc:
            # Selecting graphs by spec string needs the multigraph catalogue.
            notes.append(f"EFPs by degree not timed: {exc}")
            return []
        chi = _max_chi(efp_set)
        workloads.append(Workload(
            name=f"efp_d{degree}", family="efp", library="jetfeat", prepare=_identity,
            run=lambda batch, threads, efp_set=efp_set: efp_set.compute(batch, n_jobs=threads),
            expected_exponent=chi, values=_table_values,
        ))
        if energyflow is None:
            continue

        # The same connected graphs with energyflow's defaults matching jetfeat's: hadronic
        # measure, beta = 1, kappa = 1, normalised pT fractions, (pT, y, phi, m) input.
        reference = energyflow.EFPSet(spec, "p==1", measure="hadr", beta=1, kappa=1,
                                      normed=True, coords="ptyphim")
        workloads.append(Workload(
            name=f"efp_d{degree}", family="efp", library="energyflow",
            prepare=_per_jet_ptyphims,
            run=lambda events, threads, reference=reference: reference.batch_compute(
                events, n_jobs=1),
            expected_exponent=chi, threaded=False, values=_table_values,
        ))
    return workloads


def _per_jet_ptyphims(batch: JetBatch) -> list[np.ndarray]:
    return [batch.jet(i)[1] for i in range(batch.n_jets)]


def _max_chi(efp_set) -> float | None:
    """Return the largest variable-elimination cost exponent chi among the set's graphs."""
    specs = efp_set.specs
    if not len(specs):
        return None
    return float(specs[:, list(efp_set.spec_cols).index("c")].max())


def _family_workloads(requests: Sequence[tuple[str, dict]]) -> list[Workload]:
    """Return one jetfeat workload per substructure family request ``(name, params)``."""
    substructure = importlib.import_module("jetfeat.substructure")
    workloads = []
    for name, params in requests:
        family = substructure.FAMILIES[name]
        exponent = getattr(family, "cost_exponent", None) or EXPECTED_EXPONENTS.get(name)
        label = name if not params else f"{name}({_format_params(params)})"
        workloads.append(Workload(
            name=label, family=name, library="jetfeat", prepare=_identity,
            run=lambda batch, threads, request={name: dict(params)}: substructure.compute(
                batch, request, n_jobs=threads),
            expected_exponent=exponent, values=_table_values,
            params={**family.defaults, **params},
        ))
    return workloads


def _format_params(params: dict) -> str:
    return ",".join(f"{key}={value}" for key, value in sorted(params.items()))


def _installed_version(module: str) -> str | None:
    """Return the version of an importable module's distribution, or None when absent."""
    import importlib.metadata
    import importlib.util

    if importlib.util.find_spec(module) is None:
        return None
    try:
        return importlib.metadata.version(module)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _try_import(module: str):
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        logger.info("reference library %s is not available: %s", module, exc)
        return None


@dataclass
class FeatureSetPlan:
    """A feature set resolved into one whole-set call and the component calls that make it up.

    Attributes
    ----------
    label : str
        Name shown in the report (preset, config file or tagger folder).
    compute : callable
        ``compute(batch, threads) -> FeatureTable`` of the whole set.
    components : list of Workload
        jetfeat workloads whose union is the set: kinematics, each EFP set and each
        substructure family.
    tagger : object or None
        The loaded :class:`jetfeat.models.Tagger` when the set is a saved tagger's features.
    """

    label: str
    compute: Callable[[JetBatch, int], object]
    components: list[Workload] = field(default_factory=list)
    tagger: object = None


def resolve_feature_set(features, *, tagger_source="all") -> FeatureSetPlan:
    """Resolve a feature set name, a config, a family list or a saved tagger folder.

    Parameters
    ----------
    features : str, path, dict, list or FeatureSet
        A :mod:`jetfeat.features` preset (``"standard"``, ``"efp-d5"``, ...), a ``.toml`` or
        ``.json`` feature config, a config dict, a :class:`jetfeat.features.FeatureSet`, a
        folder written by :meth:`jetfeat.models.Tagger.save` (its selected features are timed),
        a substructure preset, or a list of substructure family names.
    tagger_source : str, path or dict, default="all"
        Feature set that a saved tagger's features were chosen from, as anything
        :func:`jetfeat.features.get_feature_set` takes. Only the components that provide at
        least one of the tagger's features are computed.

    Returns
    -------
    FeatureSetPlan
    """
    feature_module = importlib.import_module("jetfeat.features")
    substructure = importlib.import_module("jetfeat.substructure")

    if isinstance(features, (str, os.PathLike)) and (Path(features) / "tagger.json").is_file():
        return _tagger_plan(Path(features), feature_module.get_feature_set(tagger_source))

    if isinstance(features, feature_module.FeatureSet) or isinstance(features, dict) or (
            isinstance(features, (str, os.PathLike)) and (
                str(features) in feature_module.PRESETS
                or Path(features).suffix.lower() in (".toml", ".json"))):
        feature_set = feature_module.get_feature_set(features)
        return FeatureSetPlan(
            label=str(feature_set.name),
            compute=lambda batch, threads: feature_set.compute(batch, n_jobs=threads),
            components=_feature_set_components(feature_set),
        )

    if isinstance(features, str) and features in substructure.PRESETS:
        requests = substructure._registry._requests(features)
    elif isinstance(features, str):
        raise ValueError(
            f"unknown feature set {features!r}: it is neither a jetfeat.features preset "
            f"({sorted(feature_module.PRESETS)}), a .toml/.json config, a saved tagger folder "
            f"nor a substructure preset ({sorted(substructure.PRESETS)})"
        )
    else:
        requests = [(name, {}, None) for name in features]
    for name, _, _ in requests:
        if name not in substructure.FAMILIES:
            raise ValueError(
                f"unknown substructure family {name!r} in the feature config; registered "
                f"families: {sorted(substructure.FAMILIES)}"
            )
    return FeatureSetPlan(
        label=features if isinstance(features, str) else "+".join(name for name, *_ in requests),
        compute=lambda batch, threads: substructure.compute(batch, features, n_jobs=threads),
        components=_family_workloads([(name, params) for name, params, _ in requests]),
    )


def _feature_set_components(feature_set, selected: set[str] | None = None) -> list[Workload]:
    """Split a FeatureSet into one workload per component, keeping only ``selected`` names.

    NOTE: jetfeat.features.FeatureSet exposes no public list of its components, so this reads
    its private ``_components``; the classes are matched by name.
    """
    substructure = importlib.import_module("jetfeat.substructure")
    workloads: list[Workload] = []
    for component in feature_set._components:
        kind = type(component).__name__
        if selected is not None and not selected.intersection(component.names()):
            continue
        if kind == "_Substructure":
            requests = [(name, params) for name, params, _ in
                        substructure._registry._requests(component.observables)]
            if selected is not None:
                requests = [request for request in requests
                            if selected.intersection(_family_names(*request))]
            workloads.extend(_family_workloads(requests))
        elif kind == "_EFPs":
            workloads.append(_efp_component_workload(component, selected))
        else:
            name = "jet_kinematics" if kind == "_Kinematics" else "function"
            workloads.append(Workload(
                name=name, family=name, library="jetfeat", prepare=_identity,
                run=lambda batch, threads, component=component: component.compute(batch, threads),
                expected_exponent=1.0 if kind == "_Kinematics" else None, values=_table_values,
            ))
    return workloads


def _family_names(name: str, params: dict) -> list[str]:
    """Return the column names of one substructure family request (computed on a tiny jet)."""
    substructure = importlib.import_module("jetfeat.substructure")
    jet = np.array([[[500.0, 300.0, 0.0, 400.0], [100.0, 60.0, 10.0, 79.0],
                     [50.0, 20.0, 30.0, 33.0]]])
    return substructure.compute(jet, {name: params}).names


def _efp_component_workload(component, selected: set[str] | None) -> Workload:
    """Return the workload of one EFP entry, reduced to the graphs ``selected`` names use."""
    efp = importlib.import_module("jetfeat.efp")
    efp_set = component.efpset()
    # The graph selection names the row; the (kappa, beta) grid shows in the column count.
    selection = {key: value for key, value in component.entry.items()
                 if key not in ("kappas", "betas")}
    label = f"efp:{_format_params(selection)}"
    if selected is not None:
        # Keep the graphs whose token appears in a selected name, on the same (kappa, beta) grid.
        graphs = [edges for edges, token in zip(efp_set.graphs, efp_set.tokens, strict=True)
                  if any(name.startswith(f"efp_{token}_") for name in selected)]
        efp_set = efp.EFPSet(*graphs, kappas=efp_set.kappas, betas=efp_set.betas,
                             normed=efp_set.normed, measure=efp_set.measure)
        label += f" ({len(graphs)} graphs)"
    chi = _max_chi(efp_set)
    return Workload(
        name=label, family="efp", library="jetfeat", prepare=_identity,
        run=lambda batch, threads, efp_set=efp_set: efp_set.table(batch, n_jobs=threads),
        expected_exponent=chi, values=_table_values,
    )


def _tagger_plan(folder: Path, source) -> FeatureSetPlan:
    """Plan the features a saved tagger uses, computed from the components that provide them."""
    models = importlib.import_module("jetfeat.models")
    tagger = models.Tagger.load(folder)
    selected = list(tagger.feature_names_)
    components = _feature_set_components(source, set(selected))

    def compute(batch, threads):
        # The tagger's columns, in its training order, from the components that provide them.
        columns = {}
        for component in components:
            table = component.run(batch, threads)
            columns.update({name: table[name] for name in table.names if name in selected})
        missing = [name for name in selected if name not in columns]
        if missing:
            raise ValueError(
                f"the tagger in {folder} uses {len(missing)} feature(s) that feature set "
                f"{source.name!r} does not provide, for example {missing[:3]}; pass the set "
                "it was trained on"
            )
        return FeatureTable({name: columns[name] for name in selected})

    return FeatureSetPlan(label=f"tagger {folder.name}", compute=compute,
                          components=components, tagger=tagger)


# --------------------------------------------------------------------------------------------
# fastjet-contrib through the test-only reference programs
# --------------------------------------------------------------------------------------------

# Internal repeats of each timing run of a reference program.
_FASTJET_REPEATS = 3


def fastjet_reference_dir() -> Path | None:
    """Return the folder of the fastjet reference programs, or None when it is not installed.

    The programs live in the source tree under ``tests/fastjet_ref/``, which an editable
    install or a checkout has, or where ``JETFEAT_FASTJET_REF`` points. A wheel install has
    none.
    """
    candidates = []
    if os.environ.get("JETFEAT_FASTJET_REF"):
        candidates.append(Path(os.environ["JETFEAT_FASTJET_REF"]))
    candidates.append(Path(__file__).resolve().parents[2] / "tests" / "fastjet_ref")
    for folder in candidates:
        if (folder / "build.py").is_file():
            return folder
    return None


def _fastjet_commands(family: str, params: dict) -> list[tuple[str, str, list[str]]] | None:
    """Return the timing runs whose sum matches one jetfeat family, or None when none does.

    Each run is (program source, input columns, arguments); the microseconds per jet of the
    runs add up. The arguments follow the usage lines of ``ecf_ref.cpp`` and
    ``clustering_ref.cpp``, whose timing modes measure inside the program, so neither process
    start-up nor input parsing is counted.
    """
    repeat = str(_FASTJET_REPEATS)
    if family == "ecf":
        beta = params.get("beta")
        if not isinstance(beta, (int, float)) or params.get("alpha") is not None:
            return None
        runs = [("ecf_ref.cpp", "pxpypzE", ["time", "ecf123", repr(float(beta)), repeat])]
        if params.get("n_max") == 4:
            runs.append(("ecf_ref.cpp", "pxpypzE", ["time", "ecf4", repr(float(beta)), repeat]))
        return runs if params.get("n_max") in (3, 4) else None
    if family == "nsubjettiness":
        # The timing mode measures the unnormalised measure with beta = 1 only.
        if params.get("beta") != 1.0 or params.get("normalized"):
            return None
        axes = importlib.import_module("jetfeat.substructure._nsubjettiness").AXES
        return [("clustering_ref.cpp", "Epxpypz",
                 ["time_nsub", str(axes[params["axes"]]), str(int(params["n_max"])), repeat])]
    if family == "softdrop":
        if params.get("R0", 1.0) != 1.0:
            return None
        # jetfeat reclusters with C/A and then grooms; the programs time the two steps apart.
        return [("clustering_ref.cpp", "Epxpypz", ["time_cluster", repeat]),
                ("clustering_ref.cpp", "Epxpypz",
                 ["time_softdrop", repr(float(params["zcut"])), repr(float(params["beta"])),
                  repeat])]
    return None


def _jets_as_text(batch: JetBatch, columns: str) -> str:
    """Write jets in the programs' input format: N, then per jet M and M particle rows."""
    order = [1, 2, 3, 0] if columns == "pxpypzE" else [0, 1, 2, 3]
    lines = [str(batch.n_jets)]
    for i in range(batch.n_jets):
        p4s = batch.jet(i)[0][:, order]
        lines.append(str(p4s.shape[0]))
        lines.extend(" ".join(repr(float(value)) for value in row) for row in p4s)
    return "\n".join(lines) + "\n"


def _fastjet_workloads(components: Sequence[Workload], report_references: dict,
                       notes: list[str]) -> list[Workload]:
    """Return fastjet-contrib workloads for the components with a matching timing mode."""
    import re
    import subprocess

    matched = [(component, _fastjet_commands(component.family, component.params))
               for component in components if component.library == "jetfeat"]
    matched = [(component, runs) for component, runs in matched if runs]
    if not matched:
        return []
    folder = fastjet_reference_dir()
    if folder is None:
        report_references["fastjet-contrib"] = {
            "available": False,
            "reason": "the reference programs (tests/fastjet_ref/ of the source tree) are not "
                      "in this installation; set JETFEAT_FASTJET_REF to their folder",
        }
        return []

    # Build every program once with the helper the tests use.
    spec = importlib.util.spec_from_file_location("_jetfeat_fastjet_build", folder / "build.py")
    builder = importlib.util.module_from_spec(spec)
    binaries = {}
    try:
        import pytest

        spec.loader.exec_module(builder)
        for source in {source for _, runs in matched for source, _, _ in runs}:
            binaries[source] = builder.build_program(folder / source)
    except (ImportError, RuntimeError, OSError, pytest.skip.Exception) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        report_references["fastjet-contrib"] = {"available": False,
                                                "reason": f"building the programs failed: "
                                                          f"{reason}"}
        return []
    report_references["fastjet-contrib"] = {
        "available": True, "version": _installed_version("fastjet") or "unknown",
        "programs": sorted(binaries),
    }

    pattern = re.compile(r"us_per_jet\s+([0-9.eE+-]+)")

    def run(texts: dict[str, str], threads: int, runs) -> float:
        microseconds = 0.0
        for source, columns, arguments in runs:
            result = subprocess.run([str(binaries[source]), *arguments], input=texts[columns],
                                    capture_output=True, text=True, check=False)
            found = pattern.search(result.stdout)
            if result.returncode != 0 or found is None:
                raise RuntimeError(
                    f"fastjet reference {source} {' '.join(arguments)} failed with code "
                    f"{result.returncode}: {result.stderr.strip()[-500:]}")
            microseconds += float(found.group(1))
        return microseconds * texts["n_jets"] * 1e-6

    def prepare(batch: JetBatch) -> dict:
        return {"Epxpypz": _jets_as_text(batch, "Epxpypz"),
                "pxpypzE": _jets_as_text(batch, "pxpypzE"), "n_jets": batch.n_jets}

    workloads = []
    for component, runs in matched:
        workloads.append(Workload(
            name=component.name, family=component.family, library="fastjet-contrib",
            prepare=prepare, run=lambda texts, threads, runs=runs: run(texts, threads, runs),
            expected_exponent=component.expected_exponent, threaded=False, self_timed=True,
        ))
    notes.append("fastjet-contrib times are measured inside the reference programs (steady "
                 "clock, " + str(_FASTJET_REPEATS) + " passes over the jets per run); their "
                 "values are compared with jetfeat by the test suite, not here")
    return workloads


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def fit_exponent(sizes: Sequence[float], seconds: Sequence[float]) -> float | None:
    """Return the least-squares slope of log(seconds) against log(size), None below 2 sizes."""
    sizes = np.asarray(sizes, dtype=np.float64)
    seconds = np.asarray(seconds, dtype=np.float64)
    if np.unique(sizes).size < 2:
        return None
    slope, _ = np.polyfit(np.log(sizes), np.log(seconds), 1)
    return float(slope)


@dataclass
class BenchmarkReport:
    """Result of :func:`run_benchmark`: raw timings, derived figures and the conditions.

    Attributes
    ----------
    machine : dict
        CPU, cores, build, library versions and load average, from
        :func:`jetfeat._machine.machine_info`.
    settings : dict
        Jets source, feature set, multiplicities, thread counts, repeats and warm-up.
    measurements : list of Measurement
        Feature timings: every workload x M x thread count, jetfeat and reference libraries.
    tagger : list of dict
        End-to-end tagging cost per model and mode (``"batch"`` or ``"single"``).
    disco : list of Measurement
        Distance correlation timings, where ``n_jets`` is the number of samples n.
    references : dict
        Reference library name -> ``{"available": bool, "version" or "reason": str}``.
    value_checks : list of dict
        Largest relative difference between jetfeat and each reference on the same input.
    notes : list of str
        Everything skipped or approximated, in plain words.
    """

    machine: dict
    settings: dict
    measurements: list[Measurement] = field(default_factory=list)
    tagger: list[dict] = field(default_factory=list)
    disco: list[Measurement] = field(default_factory=list)
    references: dict = field(default_factory=dict)
    value_checks: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    # Derived figures ------------------------------------------------------------------------

    def _find(self, workload: str, library: str, n_constituents, threads: int):
        for measurement in self.measurements:
            if (measurement.workload, measurement.library, measurement.n_constituents,
                    measurement.threads) == (workload, library, n_constituents, threads):
                return measurement
        return None

    def _series(self) -> dict[tuple[str, str, int], list[Measurement]]:
        """Group measurements with a fixed M by (workload, library, threads), sorted by M."""
        series: dict[tuple[str, str, int], list[Measurement]] = {}
        for measurement in self.measurements:
            if measurement.n_constituents is None:
                continue
            key = (measurement.workload, measurement.library, measurement.threads)
            series.setdefault(key, []).append(measurement)
        for points in series.values():
            points.sort(key=lambda point: point.n_constituents)
        return series

    def scaling(self) -> list[dict]:
        """Fit cost ~ M^slope for each workload, library and thread count.

        Returns
        -------
        list of dict
            ``workload, family, library, threads, multiplicities, slope, expected``.
        """
        rows = []
        expected = self.settings.get("expected_exponents", {})
        for (workload, library, threads), points in self._series().items():
            slope = fit_exponent([point.n_constituents for point in points],
                                 [point.median_s for point in points])
            rows.append({
                "workload": workload,
                "family": points[0].family,
                "library": library,
                "threads": threads,
                "multiplicities": [point.n_constituents for point in points],
                "slope": slope,
                "expected": expected.get(workload),
            })
        return rows

    def speedups(self) -> list[dict]:
        """Return the 1 -> N thread speed-up (median time ratio) of every threaded point."""
        rows = []
        for measurement in self.measurements:
            if measurement.threads == 1:
                continue
            single = self._find(measurement.workload, measurement.library,
                                measurement.n_constituents, 1)
            if single is None:
                continue
            rows.append({
                "workload": measurement.workload,
                "library": measurement.library,
                "n_constituents": measurement.n_constituents,
                "threads": measurement.threads,
                "speedup": single.median_s / measurement.median_s,
            })
        for measurement in self.disco:
            single = next((other for other in self.disco if other.threads == 1
                           and (other.workload, other.library, other.n_jets)
                           == (measurement.workload, measurement.library, measurement.n_jets)),
                          None)
            if measurement.threads == 1 or single is None:
                continue
            rows.append({
                "workload": measurement.workload,
                "library": measurement.library,
                "n_samples": measurement.n_jets,
                "threads": measurement.threads,
                "speedup": single.median_s / measurement.median_s,
            })
        return rows

    def reference_ratios(self) -> list[dict]:
        """Return reference time / jetfeat time (1 thread each) on the same jets.

        A ratio above 1 means jetfeat is faster.
        """
        rows = []
        for measurement in self.measurements:
            if measurement.library == "jetfeat":
                continue
            ours = self._find(measurement.workload, "jetfeat", measurement.n_constituents, 1)
            if ours is None:
                continue
            rows.append({
                "workload": measurement.workload,
                "library": measurement.library,
                "n_constituents": measurement.n_constituents,
                "ratio": measurement.median_s / ours.median_s,
            })
        for measurement in self.disco:
            if measurement.library == "jetfeat":
                continue
            ours = next((other for other in self.disco if other.library == "jetfeat"
                         and other.workload == measurement.workload
                         and other.n_jets == measurement.n_jets and other.threads == 1), None)
            if ours is not None:
                rows.append({
                    "workload": measurement.workload,
                    "library": measurement.library,
                    "n_samples": measurement.n_jets,
                    "ratio": measurement.median_s / ours.median_s,
                })
        return rows

    def consistency(self) -> list[dict]:
        """Compare the whole-set time with the sum of its family times at each M and thread count.

        The two differ by the work the families share inside one call (packing the jets,
        one clustering reused) and by timing noise. A ratio near 1, within a factor of a few, is
        expected. A ratio far from 1 means that a family is missing from the split or that a
        timing is wrong.
        """
        components = set(self.settings.get("set_components", []))
        rows = []
        for measurement in self.measurements:
            if measurement.family != "set" or measurement.library != "jetfeat":
                continue
            parts = [
                other for other in self.measurements
                if other.workload in components and other.library == "jetfeat"
                and other.n_constituents == measurement.n_constituents
                and other.threads == measurement.threads
            ]
            if not parts:
                continue
            total = sum(part.median_s for part in parts)
            fastest_total = sum(min(part.times_s) for part in parts)
            rows.append({
                "n_constituents": measurement.n_constituents,
                "threads": measurement.threads,
                "families": [part.workload for part in parts],
                "sum_of_families_s": total,
                "whole_set_s": measurement.median_s,
                "ratio": total / measurement.median_s,
                # The fastest runs are the least disturbed by other processes.
                "ratio_of_min": fastest_total / min(measurement.times_s),
            })
        return rows

    # Output ---------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        """Return the whole report, raw times and derived figures, as JSON-ready data."""
        return {
            "format": "jetfeat-bench/1",
            "machine": self.machine,
            "settings": self.settings,
            "references": self.references,
            "measurements": [measurement.to_dict() for measurement in self.measurements],
            "scaling": self.scaling(),
            "speedups": self.speedups(),
            "reference_ratios": self.reference_ratios(),
            "value_checks": self.value_checks,
            "consistency": self.consistency(),
            "tagger": self.tagger,
            "disco": [measurement.to_dict() for measurement in self.disco],
            "notes": self.notes,
        }

    def to_json(self, path: str | os.PathLike) -> Path:
        """Write :meth:`to_dict` to ``path`` as indented JSON and return the path."""
        path = Path(path)
        path.write_text(json.dumps(self.to_dict(), indent=1, default=_json_default) + "\n",
                        encoding="utf-8")
        return path

    def format_table(self) -> str:
        """Return the report as plain-text tables for a terminal."""
        return format_report(self)

    def plot(self, path: str | os.PathLike) -> Path:
        """Save jets/s against M, one line per workload and library (1 thread), as a PNG."""
        return plot_report(self, Path(path))


def _json_default(value):
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# --------------------------------------------------------------------------------------------
# Benchmark driver
# --------------------------------------------------------------------------------------------


def run_benchmark(
    jets="random",
    *,
    features="standard",
    tagger_source="all",
    families: Sequence[str] | None = None,
    efp_degrees: Sequence[int] | None = None,
    multiplicities: Sequence[int] = DEFAULT_MULTIPLICITIES,
    threads: Sequence[int | None] = DEFAULT_THREADS,
    n_jets: int = 100,
    repeats: int = 5,
    warmup: int = 1,
    max_seconds: float = 2.0,
    references: bool = True,
    tagger: bool = True,
    tagger_models: Sequence[str] = TAGGER_MODELS,
    disco_sizes: Sequence[int] = DEFAULT_DISCO_SIZES,
    seed: int = 0,
) -> BenchmarkReport:
    """Measure the throughput of a feature set, its families and a tagger built on it.

    For every M in ``multiplicities`` and every thread count, each workload runs on the same
    ``n_jets`` jets: the whole feature set, each of its substructure families, the EFPs of each
    degree d, and (1 thread) the same EFPs in energyflow. The throughput is
    jets/s = n_jets / median(t) and the latency per jet is median(t) / n_jets.

    Parameters
    ----------
    jets : str, path, array_like or JetBatch, default="random"
        ``"random"`` (:func:`random_jets` with exactly M particles), ``"default"`` (the cached
        Pythia sample of :func:`jetfeat.generate.default_sample`), ``"generate"`` (``n_jets``
        new Pythia jets, half top and half QCD), a jet file path, a
        ``(jets, labels)`` pair, or jets. Real jets are cut to their M leading-pT particles;
        jets with fewer than M particles are left out at that M.
    features : str, path, list or dict, default="standard"
        Feature set to time, see :func:`resolve_feature_set` (a saved tagger folder works too).
    tagger_source : str, path or dict, default="all"
        Feature set a saved tagger's features were chosen from (used only when ``features`` is
        a tagger folder).
    families : sequence of str, default=None
        Substructure families timed on their own in addition to the components of
        ``features`` (each component always gets its own row).
    efp_degrees : sequence of int, default=None
        EFP degrees d timed on their own (connected graphs with d edges, kappa = beta = 1).
        None means (1, 2, 3, 4); ``()`` times none.
    multiplicities : sequence of int, default=(25, 50, 100, 150)
        Particles per jet M.
    threads : sequence of int or None, default=(1, 2, -1)
        Thread counts in the n_jobs convention: None means 1, -1 all cores. Duplicates after
        resolving (2 and -1 on a 2-core machine) run once.
    n_jets : int, default=100
        Jets per timed call.
    repeats : int, default=5
        Maximum timed calls per point (at least 3 run, see ``max_seconds``).
    warmup : int, default=1
        Untimed calls before timing each point.
    max_seconds : float, default=2.0
        Time budget per point in seconds: fewer repeats (but at least 3) run when the
        warm-up call shows they would exceed it.
    references : bool, default=True
        Also time energyflow and dcor, where installed, on the same input.
    tagger : bool, default=True
        Also time tagging: features plus the inference of saved and reloaded
        :class:`jetfeat.models.Tagger` models, all jets at once and one jet at a time.
    tagger_models : sequence of str, default=("xgboost", "gbdt", "mlp", "logistic")
        Model kinds timed in the tagging benchmark.
    disco_sizes : sequence of int, default=(500, 1000, 2000)
        Sample sizes n for the distance correlation timings; ``()`` skips them.
    seed : int, default=0
        Seed for the random jets, labels and DisCo samples.

    Returns
    -------
    BenchmarkReport
        Raw times, derived figures (scaling slopes, speed-ups, reference ratios), machine
        information and notes on everything skipped.

    Notes
    -----
    Timings are wall-clock times of whole calls, including the Python-side checks and the
    creation of the returned table. Other processes on the machine inflate them, so the report
    records the load average before and after the run.
    """
    _check_positive("n_jets", n_jets)
    _check_positive("repeats", repeats)
    if warmup < 0:
        raise ValueError(f"warmup={warmup} is invalid; use 0 or more untimed calls")
    if not multiplicities:
        raise ValueError("multiplicities is empty; give at least one particle count M")
    for m in multiplicities:
        _check_positive("each multiplicity M", m)
    for size in disco_sizes:
        _check_positive("each DisCo sample size n", size)
    if max_seconds < 0:
        raise ValueError(f"max_seconds={max_seconds} is invalid; use a budget >= 0 seconds")
    if tagger:
        known = importlib.import_module("jetfeat.models").MODELS
        unknown = [kind for kind in tagger_models if kind not in known]
        if unknown:
            raise ValueError(f"unknown tagger model(s) {unknown}; choose from {sorted(known)}")
    from ._machine import load_average, machine_info

    machine = machine_info()
    notes: list[str] = []
    thread_counts = resolve_thread_counts(threads, machine["build"]["max_threads"])
    # Real jets: a pool of 1000 to cut to each M from, except freshly generated ones, whose
    # cost (about 60 jets per CPU-second) limits them to the jets timed per call.
    generating = isinstance(jets, str) and jets == "generate"
    source_batch, labels, source_label = load_jets(
        jets, n_jets=n_jets if generating else max(n_jets, 1000), seed=seed)

    # Workloads: the whole set, its components, extra families and the EFP degrees.
    plan = resolve_feature_set(features, tagger_source=tagger_source)
    component_names = [workload.name for workload in plan.components]
    extra_families = [(name, {}) for name in families or []
                      if name not in component_names]
    degrees = list(DEFAULT_EFP_DEGREES if efp_degrees is None else efp_degrees)
    extra = _family_workloads(extra_families) + _efp_workloads(degrees, references, notes)
    exponents = [w.expected_exponent for w in plan.components if w.expected_exponent is not None]
    whole_set = Workload(
        name=f"set:{plan.label}", family="set", library="jetfeat", prepare=_identity,
        run=plan.compute, expected_exponent=max(exponents, default=None), values=_table_values,
    )
    workloads = [whole_set, *plan.components, *extra]
    references_status = reference_status(references)
    if references:
        workloads += _fastjet_workloads([*plan.components, *extra], references_status, notes)

    report = BenchmarkReport(
        machine=machine,
        settings={
            "jets": source_label,
            "features": plan.label,
            "n_jets": n_jets,
            "multiplicities": list(multiplicities),
            "threads": thread_counts,
            "repeats": repeats,
            "warmup": warmup,
            "max_seconds": max_seconds,
            "seed": seed,
            "set_components": component_names,
            "expected_exponents": {w.name: w.expected_exponent for w in workloads},
        },
        references=references_status,
        notes=notes,
    )

    for m in multiplicities:
        batch = (random_jets(n_jets, m, seed=seed + m) if source_batch is None
                 else truncate_jets(source_batch, m, n_jets))
        if batch is None:
            notes.append(f"M={m} skipped: none of the {source_batch.n_jets} jets read from "
                         f"{source_label} has {m} particles")
            continue
        _measure_workloads(report, workloads, batch, m, thread_counts, repeats=repeats,
                           warmup=warmup, max_seconds=max_seconds)

    if tagger:
        # The jets keep their own multiplicity here; random jets get the median M.
        tagger_batch = source_batch if source_batch is not None else random_jets(
            max(n_jets, _TRAINING_JETS), int(np.median(multiplicities)), seed=seed)
        report.tagger = _bench_tagger(
            plan, tagger_batch, labels, thread_counts, tagger_models, n_jets=n_jets,
            repeats=repeats, warmup=warmup, max_seconds=max_seconds, seed=seed, notes=notes)

    if disco_sizes:
        report.disco = _bench_disco(report, disco_sizes, references, thread_counts,
                                    repeats=repeats, warmup=warmup, max_seconds=max_seconds,
                                    seed=seed)

    machine["load_average_after"] = load_average()
    busiest = max((machine["load_average"] or [0.0])[0],
                  (machine["load_average_after"] or [0.0])[0])
    if busiest > machine["cores"]:
        notes.append(f"the 1-minute load average reached {busiest} on {machine['cores']} cores: "
                     "other processes competed for the CPU, so the times are upper bounds and "
                     "the thread speed-ups understate the kernels")
    return report


def _check_positive(name: str, value) -> None:
    if not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}={value!r} is invalid; it must be a positive integer")


def resolve_thread_counts(threads: Sequence[int | None], max_threads: int) -> list[int]:
    """Translate n_jobs values (None: 1, -1: all cores) to distinct thread counts, sorted."""
    counts = set()
    for n_jobs in threads:
        if n_jobs is None:
            counts.add(1)
        elif n_jobs == -1:
            counts.add(int(max_threads))
        elif isinstance(n_jobs, (int, np.integer)) and n_jobs >= 1:
            counts.add(int(n_jobs))
        else:
            raise ValueError(
                f"thread count {n_jobs!r} is invalid; use None or a positive int, or -1 for all "
                "cores"
            )
    if 1 not in counts:
        # Speed-ups and reference ratios are taken relative to one thread.
        counts.add(1)
    return sorted(counts)


def reference_status(references: bool) -> dict:
    """Return, for each reference library, whether it runs in this benchmark and why not."""
    if not references:
        reason = "reference comparisons were switched off"
        return {name: {"available": False, "reason": reason}
                for name in ("energyflow", "dcor", "fastjet-contrib")}
    status = {}
    for name in ("energyflow", "dcor"):
        # Found without importing: dcor's import compiles numba code for about 10 s.
        version = _installed_version(name)
        status[name] = ({"available": True, "version": version} if version is not None else
                        {"available": False, "reason": f"{name} is not installed"})

    # fastjet-contrib runs through compiled test programs; _fastjet_workloads fills it in.
    status["fastjet-contrib"] = {"available": False,
                                 "reason": "no feature set component has a fastjet-contrib "
                                           "timing mode"}
    return status


def _measure_workloads(report: BenchmarkReport, workloads: Sequence[Workload], batch: JetBatch,
                       m: int, thread_counts: Sequence[int], **timing) -> None:
    """Time every workload on ``batch`` and record value checks against the references."""
    results: dict[tuple[str, str, int], object] = {}
    for workload in workloads:
        prepared = workload.prepare(batch)
        for threads in thread_counts if workload.threaded else [1]:
            logger.info("timing %s (%s) at M=%d with %d threads", workload.name,
                        workload.library, m, threads)
            if workload.self_timed:
                times = [workload.run(prepared, threads) for _ in range(min(timing["repeats"], 3))]
                result = None
            else:
                call = functools.partial(workload.run, prepared, threads)
                times, result = time_call(call, **timing)
            report.measurements.append(Measurement(
                workload=workload.name, family=workload.family, library=workload.library,
                n_constituents=m, threads=threads, n_jets=batch.n_jets, times_s=times))
            if workload.values is not None and result is not None:
                results[(workload.name, workload.library, threads)] = workload.values(result)

    # Values: every thread count and every reference against jetfeat on 1 thread.
    for (name, library, threads), values in results.items():
        baseline = results.get((name, "jetfeat", 1))
        if baseline is None or (library == "jetfeat" and threads == 1):
            continue
        check = {"workload": name, "n_constituents": m}
        if library == "jetfeat":
            check.update(against=f"jetfeat, {threads} threads",
                         bitwise_identical=bool(np.array_equal(values, baseline)))
        else:
            check.update(against=library, **compare_values(baseline, values))
        report.value_checks.append(check)


def compare_values(ours: np.ndarray, reference: np.ndarray) -> dict:
    """Return the largest relative difference between two (N, k) value matrices.

    The columns are compared in order first. When that fails and the shapes agree, each jet's
    values are compared after sorting, for libraries that order the same observables
    differently. ``matched_by`` names the comparison that gave the number.
    """
    if ours.shape != reference.shape:
        return {"matched_by": "shape mismatch", "shape": list(ours.shape),
                "reference_shape": list(reference.shape), "max_relative_difference": None}
    direct = _max_relative_difference(ours, reference)
    if direct <= 1e-6:
        return {"matched_by": "column order", "max_relative_difference": direct}
    by_value = _max_relative_difference(np.sort(ours, axis=1), np.sort(reference, axis=1))
    if by_value < direct:
        return {"matched_by": "sorted values per jet", "max_relative_difference": by_value}
    return {"matched_by": "column order", "max_relative_difference": direct}


def _max_relative_difference(a: np.ndarray, b: np.ndarray) -> float:
    # Relative to each column's largest magnitude, so values near zero do not blow up.
    scale = np.maximum(np.max(np.abs(b), axis=0, keepdims=True), np.finfo(np.float64).tiny)
    difference = np.abs(a - b) / scale
    if np.isnan(difference).any():
        return float("inf")
    return float(difference.max(initial=0.0))


# --------------------------------------------------------------------------------------------
# Tagging and distance correlation
# --------------------------------------------------------------------------------------------

# Jets tagged one at a time per timed call in the single-jet mode.
_SINGLE_JETS = 20

# Jets the benchmark taggers train on.
_TRAINING_JETS = 200


def _tagger_models(table, labels: np.ndarray, plan: FeatureSetPlan, kinds: Sequence[str],
                   seed: int) -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    """Train, save and reload one tagger of each kind; return name -> ``predict(X)``.

    The timed models are the reloaded ones, as an analysis would load them. A saved tagger
    passed as the feature set is timed as well, under ``"saved <kind>"``.
    """
    import tempfile
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    models = importlib.import_module("jetfeat.models")
    predictors: dict[str, Callable[[np.ndarray], np.ndarray]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            # The default MLP batch of 512 exceeds the few hundred training jets; the batch
            # size changes the training only, not the network that is timed.
            params = {"batch_size": 64} if kind == "mlp" else None
            with warnings.catch_warnings():
                # A few hundred jets do not let the MLP converge; only its inference is timed.
                warnings.simplefilter("ignore", ConvergenceWarning)
                tagger = models.Tagger(kind, params=params, random_state=seed).fit(table, labels)
            loaded = models.Tagger.load(tagger.save(Path(folder) / kind))
            predictors[kind] = _single_threaded(loaded).predict_proba
    if plan.tagger is not None:
        predictors[f"saved {plan.tagger.model}"] = _single_threaded(plan.tagger).predict_proba
    return predictors


def _single_threaded(tagger):
    """Make a loaded XGBoost tagger infer on 1 thread, so its latency does not use every core.

    NOTE: Tagger.load rebuilds the XGBoost model without the n_jobs it was trained with, and
    XGBoost's own thread pool is not limited by threadpoolctl, so n_jobs is set here.
    """
    if tagger.model == "xgboost":
        tagger.estimator_.set_params(n_jobs=1)
    return tagger


def _bench_tagger(plan: FeatureSetPlan, source: JetBatch, labels, thread_counts: Sequence[int],
                  kinds: Sequence[str], *, n_jets: int, seed: int, notes: list[str],
                  **timing) -> list[dict]:
    """Time features plus inference per jet for each model, in batch and single-jet mode.

    The models train on the first max(n_jets, 200) jets of ``source``, because early stopping
    needs a validation split with both classes. The timings use its first ``n_jets`` jets.
    """
    from threadpoolctl import threadpool_limits

    training = source.select(slice(0, max(n_jets, _TRAINING_JETS)))
    table = plan.compute(training, 1)
    if len(table) == 0:
        notes.append("tagging not timed: the feature set has no features")
        return []
    if labels is None or np.unique(labels[: training.n_jets]).size < 2:
        # Throughput does not depend on what the labels mean; balanced random labels train a
        # model of the usual size.
        labels = np.random.default_rng(seed).permutation(np.arange(training.n_jets) % 2)
        notes.append("tagger trained on random labels: the jets came without two classes")
    labels = np.asarray(labels)[: training.n_jets]
    models = _tagger_models(table, labels, plan, kinds, seed)
    batch = source.select(slice(0, n_jets))
    features = _table_values(table)[: batch.n_jets]

    # Feature extraction is the same for every model: all jets in one call per thread count,
    # and one jet per call on 1 thread.
    batch_feature_times = {
        threads: time_call(lambda threads=threads: plan.compute(batch, threads), **timing)[0]
        for threads in thread_counts
    }
    singles = [batch.select([i]) for i in range(min(_SINGLE_JETS, batch.n_jets))]
    single_features = [_table_values(plan.compute(jet, 1)) for jet in singles]
    single_feature_times, _ = time_call(lambda: [plan.compute(jet, 1) for jet in singles],
                                        **timing)

    rows = []
    for name, predict in models.items():
        # Inference on 1 thread: scikit-learn's gradient boosting predicts with OpenMP and the
        # MLP and logistic models call BLAS, which would otherwise use every core.
        with threadpool_limits(limits=1):
            batch_times, _ = time_call(lambda predict=predict: predict(features), **timing)
            single_times, _ = time_call(
                lambda predict=predict: [predict(row) for row in single_features], **timing)
        for threads in thread_counts:
            rows.append(_tagger_row(name, "batch", threads, batch.n_jets,
                                    batch_feature_times[threads], batch_times))
        rows.append(_tagger_row(name, "single", 1, len(singles), single_feature_times,
                                single_times))
    return rows


def _tagger_row(model: str, mode: str, threads: int, n_jets: int, feature_times, inference_times):
    features_us = 1e6 * statistics.median(feature_times) / n_jets
    inference_us = 1e6 * statistics.median(inference_times) / n_jets
    return {
        "model": model,
        "mode": mode,
        "threads": threads,
        "n_jets": n_jets,
        # Inference runs on 1 thread (see _bench_tagger); only the features use `threads`.
        "features_us_per_jet": features_us,
        "inference_us_per_jet": inference_us,
        "total_us_per_jet": features_us + inference_us,
        "jets_per_s": 1e6 / (features_us + inference_us),
        "feature_times_s": feature_times,
        "inference_times_s": inference_times,
    }


# Candidate features scored per call in the DisCo-FFS step benchmark, next to 2 selected ones.
_DISCO_CANDIDATES = 20


def _bench_disco(report: BenchmarkReport, sizes: Sequence[int], references: bool,
                 thread_counts: Sequence[int], *, seed: int, **timing) -> list[Measurement]:
    """Time distance correlations of n samples in jetfeat and dcor, checking the values.

    Two workloads run for each n: ``distance_correlation`` of two 1-D variables, and
    ``score_candidates``, one DisCo-FFS step that scores each of the candidate features joined
    to 2 selected ones by the affine-invariant dCor^2 with 0/1 labels (one block of n events).
    dcor scores the candidates one after another with ``distance_correlation_af_inv_sqr``.
    """
    try:
        disco = importlib.import_module("jetfeat.disco")
    except ModuleNotFoundError:
        report.notes.append("distance correlation not timed: jetfeat.disco is not in this build")
        return []
    dcor = _try_import("dcor") if references else None

    rng = np.random.default_rng(seed)
    measurements = []
    for n in sizes:
        # A non-linear dependence, so the distance correlation is far from 0 and from 1.
        x = rng.normal(size=n)
        y = x * x + 0.5 * rng.normal(size=n)

        # Features that depend on balanced labels with different strengths.
        labels = rng.permutation(np.arange(n) % 2).astype(np.float64)
        strengths = np.linspace(0.0, 1.0, 2 + _DISCO_CANDIDATES)
        features = labels[:, None] * strengths + rng.normal(size=(n, 2 + _DISCO_CANDIDATES))
        selected, candidates = features[:, :2], features[:, 2:]

        workloads = {
            ("distance_correlation", "jetfeat", 1):
                lambda x=x, y=y: disco.distance_correlation(x, y),
        }
        for threads in thread_counts:
            workloads[(f"score_candidates_{_DISCO_CANDIDATES}", "jetfeat", threads)] = (
                lambda selected=selected, candidates=candidates, labels=labels, threads=threads,
                n=n: disco.score_candidates(selected, candidates, labels, block_size=n,
                                            n_jobs=threads))
        if dcor is not None:
            workloads[("distance_correlation", "dcor", 1)] = (
                lambda x=x, y=y: dcor.distance_correlation(x, y))
            workloads[(f"score_candidates_{_DISCO_CANDIDATES}", "dcor", 1)] = (
                lambda selected=selected, candidates=candidates, labels=labels: np.array([
                    dcor.distance_correlation_af_inv_sqr(
                        np.column_stack([selected, candidates[:, j]]), labels)
                    for j in range(candidates.shape[1])]))

        values = {}
        for (workload, library, threads), function in workloads.items():
            times, values[(workload, library, threads)] = time_call(function, **timing)
            measurements.append(Measurement(
                workload=workload, family="disco", library=library, n_constituents=None,
                threads=threads, n_jets=n, times_s=times))

        for (workload, library, _), value in values.items():
            if library == "jetfeat":
                continue
            ours = np.atleast_1d(np.asarray(values[(workload, "jetfeat", 1)], dtype=np.float64))
            theirs = np.atleast_1d(np.asarray(value, dtype=np.float64))
            report.value_checks.append({
                "workload": workload, "n_samples": n, "against": library, "matched_by": "value",
                "max_relative_difference": float(np.max(np.abs(ours - theirs) / np.abs(theirs))),
            })
    return measurements


# --------------------------------------------------------------------------------------------
# Tables and plot
# --------------------------------------------------------------------------------------------


def _table(headers: Sequence[str], rows: Sequence[Sequence]) -> str:
    """Format rows as a left-aligned plain-text table."""
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(header), *(len(row[i]) for row in cells)) if cells else len(header)
              for i, header in enumerate(headers)]
    lines = ["  ".join(header.ljust(width) for header, width in zip(headers, widths, strict=True)),
             "  ".join("-" * width for width in widths)]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
              for row in cells]
    return "\n".join(lines)


def _number(value, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return f"{value:.{digits}g}"


def format_report(report: BenchmarkReport) -> str:
    """Return the report as plain-text tables: timings, scaling, threads, references, tagger."""
    machine = report.machine
    build = machine["build"]
    libraries = ", ".join(f"{name} {version}" for name, version in machine["libraries"].items()
                          if version is not None)
    settings = report.settings
    sections = [
        f"jetfeat {build['jetfeat']} bench on {machine['cpu']} ({machine['cores']} cores), "
        f"{build['compiler']} {build['build_type']}, SIMD {build['simd']}, "
        f"OpenMP {'on' if build['openmp'] else 'off'} (max {build['max_threads']} threads, "
        f"OMP_NUM_THREADS={build['OMP_NUM_THREADS']}, "
        f"OMP_WAIT_POLICY={machine.get('OMP_WAIT_POLICY', '(unset)')})",
        f"libraries: {libraries}",
        f"load average before {machine['load_average']}, after "
        f"{machine.get('load_average_after')}",
        f"jets: {settings['jets']}; {settings['n_jets']} jets per call; features "
        f"{settings['features']!r}; warm-up {settings['warmup']}, up to {settings['repeats']} "
        "repeats; times are medians with the interquartile range",
    ]

    rows = []
    for point in report.measurements:
        q1, q3 = point.iqr_s
        rows.append([point.workload, point.library, point.n_constituents, point.threads,
                     _number(point.jets_per_s), _number(point.us_per_jet),
                     _number(1e3 * point.median_s), f"{_number(1e3 * q1)}-{_number(1e3 * q3)}",
                     len(point.times_s)])
    sections.append("Feature extraction\n" + _table(
        ["workload", "library", "M", "threads", "jets/s", "us/jet", "median ms", "IQR ms",
         "runs"], rows))

    rows = [[row["workload"], row["library"], row["threads"], _number(row["slope"], 2),
             _number(row["expected"], 2), ",".join(map(str, row["multiplicities"]))]
            for row in report.scaling()]
    sections.append("Growth with M: time ~ M^slope\n" + _table(
        ["workload", "library", "threads", "slope", "expected", "M values"], rows))

    rows = [[row["workload"], row.get("n_constituents", "-"), row.get("n_samples", "-"),
             row["threads"], _number(row["speedup"], 2)]
            for row in report.speedups()]
    if rows:
        sections.append("Thread speed-up (time on 1 thread / time on N)\n" + _table(
            ["workload", "M", "n", "threads N", "speed-up"], rows))

    rows = [[row["workload"], row["library"], row.get("n_constituents", "-"),
             row.get("n_samples", "-"), _number(row["ratio"], 3)]
            for row in report.reference_ratios()]
    if rows:
        sections.append("Reference time / jetfeat time, 1 thread (above 1: jetfeat faster)\n"
                        + _table(["workload", "library", "M", "n", "ratio"], rows))

    rows = [[row["workload"], row.get("n_constituents", row.get("n_samples", "-")),
             row["against"], row.get("matched_by", "-"),
             _number(row.get("max_relative_difference")), row.get("bitwise_identical", "-")]
            for row in report.value_checks]
    if rows:
        sections.append("Value checks\n" + _table(
            ["workload", "M or n", "against", "matched by", "max rel. diff", "bitwise"], rows))

    rows = [[row["n_constituents"], row["threads"], _number(1e3 * row["sum_of_families_s"]),
             _number(1e3 * row["whole_set_s"]), _number(row["ratio"], 3),
             _number(row["ratio_of_min"], 3)]
            for row in report.consistency()]
    if rows:
        sections.append("Whole set against the sum of its families (medians, and fastest runs)\n"
                        + _table(["M", "threads", "sum ms", "set ms", "ratio", "ratio of min"],
                                 rows))

    rows = [[row["model"], row["mode"], row["threads"], _number(row["features_us_per_jet"]),
             _number(row["inference_us_per_jet"]), _number(row["total_us_per_jet"]),
             _number(row["jets_per_s"])] for row in report.tagger]
    if rows:
        sections.append("Tagging: features + inference per jet\n" + _table(
            ["model", "mode", "threads", "features us", "inference us", "total us", "jets/s"],
            rows))

    rows = [[point.workload, point.library, point.n_jets, point.threads,
             _number(1e3 * point.median_s),
             f"{_number(1e3 * point.iqr_s[0])}-{_number(1e3 * point.iqr_s[1])}"]
            for point in report.disco]
    if rows:
        sections.append("Distance correlation of n samples\n" + _table(
            ["workload", "library", "n", "threads", "median ms", "IQR ms"], rows))

    timed = {point.library for point in [*report.measurements, *report.disco]}
    rows = [[name, "yes" if status["available"] else "no", "yes" if name in timed else "no",
             status.get("version") or status.get("reason", "")]
            for name, status in report.references.items()]
    sections.append("Reference libraries\n" + _table(
        ["library", "available", "timed", "version or reason"], rows))
    if report.notes:
        sections.append("Notes\n" + "\n".join(f"- {note}" for note in report.notes))
    return "\n\n".join(sections)


def plot_report(report: BenchmarkReport, path: Path) -> Path:
    """Save jets/s against M on log-log axes, one panel per thread count, as a PNG.

    jetfeat workloads are solid lines, reference libraries dashed lines of the same colour.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = report._series()
    thread_counts = sorted({threads for _, _, threads in series})
    if not thread_counts:
        raise ValueError("the report has no timings at a fixed M to plot")
    figure, axes = plt.subplots(1, len(thread_counts), figsize=(6 * len(thread_counts), 4.5),
                                squeeze=False, sharey=True)
    workloads = sorted({workload for workload, _, _ in series})
    colours = {workload: plt.cm.tab20(i % 20) for i, workload in enumerate(workloads)}
    for axis, threads in zip(axes[0], thread_counts, strict=True):
        for (workload, library, point_threads), points in sorted(series.items()):
            # References run on 1 thread; they are drawn in every panel for comparison.
            if point_threads != threads and not (library != "jetfeat" and point_threads == 1):
                continue
            axis.plot([point.n_constituents for point in points],
                      [point.jets_per_s for point in points],
                      marker="o", color=colours[workload],
                      linestyle="-" if library == "jetfeat" else "--",
                      label=workload if library == "jetfeat" else f"{workload} ({library})")
        axis.set_xscale("log")
        axis.set_yscale("log")
        multiplicities = sorted({point.n_constituents for points in series.values()
                                 for point in points})
        axis.set_xticks(multiplicities, [str(m) for m in multiplicities])
        axis.minorticks_off()
        axis.set_xlabel("constituents per jet M")
        axis.set_title(f"{threads} thread{'s' if threads > 1 else ''}")
        axis.grid(True, which="both", alpha=0.3)
    axes[0][0].set_ylabel("jets / s")

    # One legend beside the panels, so no panel is hidden behind it.
    handles, labels = axes[0][0].get_legend_handles_labels()
    figure.legend(handles, labels, fontsize="small", loc="center left",
                  bbox_to_anchor=(1.0, 0.5))
    figure.suptitle(f"jetfeat bench: {report.settings['features']} on {report.machine['cpu']}")
    figure.tight_layout()
    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)
    return path


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def _int_list(text: str) -> list[int]:
    """Parse ``"25,50,100"`` or a range ``"1-4"`` into a list of ints."""
    try:
        if "-" in text.strip("-") and "," not in text:
            first, last = text.split("-", 1)
            return list(range(int(first), int(last) + 1))
        return [int(item) for item in text.split(",") if item.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a list of integers; write for example 25,50,100 or 1-4") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the ``jetfeat bench`` options on ``parser``."""
    parser.add_argument("--jets", default="random",
                        help="jets: 'random' (random jets with exactly M particles), 'default' "
                             "(the cached Pythia sample), 'generate' (new Pythia jets) or a jet "
                             "file (default: random)")
    parser.add_argument("--features", default="standard",
                        help="feature set: a preset of jetfeat extract, a .toml/.json config, "
                             "a saved tagger folder or a substructure preset (default: standard)")
    parser.add_argument("--tagger-source", default="all",
                        help="feature set a saved tagger's features were chosen from "
                             "(default: all)")

    # What to time.
    parser.add_argument("--families", type=lambda text: text.split(","), default=None,
                        help="comma-separated substructure families to time in addition to the "
                             "feature set's own components")
    parser.add_argument("--efp-degrees", type=_int_list, default=None,
                        help="EFP degrees d to time on their own, e.g. 1-4 or 2,3 (default: "
                             "1-4); 0 times none")

    # Grid and statistics.
    parser.add_argument("-M", "--multiplicities", type=_int_list,
                        default=list(DEFAULT_MULTIPLICITIES),
                        help="particles per jet M (default: 25,50,100,150)")
    parser.add_argument("--threads", type=_int_list, default=list(DEFAULT_THREADS),
                        help="thread counts, -1 for all cores (default: 1,2,-1)")
    parser.add_argument("-n", "--n-jets", type=int, default=100,
                        help="jets per timed call (default: 100)")
    parser.add_argument("--repeats", type=int, default=5,
                        help="maximum timed calls per point; the time budget never cuts them "
                             "below 3 (default: 5)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="untimed calls before each point (default: 1)")
    parser.add_argument("--max-seconds", type=float, default=2.0,
                        help="time budget per point in seconds (default: 2)")

    # Reference libraries, tagging and distance correlation.
    parser.add_argument("--no-references", action="store_true",
                        help="skip energyflow, dcor and fastjet-contrib")
    parser.add_argument("--no-tagger", action="store_true", help="skip the tagging timings")
    parser.add_argument("--models", type=lambda text: text.split(","),
                        default=list(TAGGER_MODELS),
                        help="tagger kinds to time (default: xgboost,gbdt,mlp,logistic)")
    parser.add_argument("--disco-sizes", type=_int_list, default=list(DEFAULT_DISCO_SIZES),
                        help="sample sizes n for distance correlation (default: 500,1000,2000); "
                             "0 skips them")

    # Output.
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("--json", type=Path, default=None, help="write the report as JSON here")
    parser.add_argument("--plot", type=Path, default=None,
                        help="write the jets/s against M plot as PNG here")


def run_cli(args: argparse.Namespace) -> int:
    """Run ``jetfeat bench``: print the tables and write the JSON and PNG files requested."""
    efp_degrees = args.efp_degrees
    if efp_degrees is not None:
        efp_degrees = [degree for degree in efp_degrees if degree > 0]
    report = run_benchmark(
        args.jets,
        features=args.features,
        tagger_source=args.tagger_source,
        families=args.families,
        efp_degrees=efp_degrees,
        multiplicities=args.multiplicities,
        threads=args.threads,
        n_jets=args.n_jets,
        repeats=args.repeats,
        warmup=args.warmup,
        max_seconds=args.max_seconds,
        references=not args.no_references,
        tagger=not args.no_tagger,
        tagger_models=args.models,
        disco_sizes=[size for size in args.disco_sizes if size > 0],
        seed=args.seed,
    )
    print(report.format_table())
    if args.json is not None:
        print(f"\nwrote {report.to_json(args.json)}")
    if args.plot is not None:
        print(f"wrote {report.plot(args.plot)}")
    return 0
