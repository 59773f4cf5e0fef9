"""Feature sets and the chunked, resumable extraction pipeline (``jetfeat extract``).

A :class:`FeatureSet` is a list of components, each computing named columns for a batch of
jets: jet kinematics (pT and mass), EFP sets (:class:`jetfeat.efp.EFPSet`) and substructure
families (:func:`jetfeat.substructure.compute`). Feature sets come from a preset name, a
config file (TOML or JSON) or a config dict, all through :func:`get_feature_set`.

:func:`extract` reads any dataset that :mod:`jetfeat.io` reads, one chunk at a time. It
writes one Parquet part per chunk plus a manifest into an output directory, so memory stays
bounded by one chunk and an interrupted run resumes where it stopped. With ``scheduler`` or
``n_workers`` the chunks run as tasks on dask.distributed.

Config format (JSON shown; TOML uses the same keys)::

    {
      "kinematics": true,
      "efp": [
        {"dmax": 5, "prime": true, "kappas": [1.0], "betas": [0.5, 1.0, 2.0]},
        {"specs": ["d<=3"], "kappas": [0.5]},
        {"pool": "discoffs", "chimax": 3}
      ],
      "substructure": {"nsubjettiness": {"beta": 1.0}}
    }

``substructure`` also accepts a preset name (``"standard"``, ``"all"``) or a list of
family names.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from . import io as jio
from .jets import JetBatch, as_jet_batch
from .table import FeatureTable

logger = logging.getLogger(__name__)

__all__ = [
    "FeatureSet",
    "PRESETS",
    "get_feature_set",
    "extract",
    "read_features",
    "jet_kinematics",
]

# The DisCo-FFS EFP pool: every prime graph with d <= 7 at each (kappa, beta) below.
POOL_KAPPAS = (-1.0, 0.0, 0.5, 1.0, 2.0)
POOL_BETAS = (0.5, 1.0, 2.0)

PRESETS: dict[str, dict] = {
    "kinematics": {"kinematics": True},
    "efp-d5": {
        "kinematics": True,
        "efp": [{"dmax": 5, "prime": True, "kappas": [1.0], "betas": list(POOL_BETAS)}],
    },
    "discoffs-pool-chi3": {"kinematics": True, "efp": [{"pool": "discoffs", "chimax": 3}]},
    "discoffs-pool": {"kinematics": True, "efp": [{"pool": "discoffs"}]},
    "standard": {"substructure": "standard"},
    "substructure": {"substructure": "all"},
    # The substructure "all" set brings its own jet pT and mass (columns pT and m).
    "all": {"efp": [{"pool": "discoffs"}], "substructure": "all"},
}

_CONFIG_KEYS = {"kinematics", "efp", "substructure"}
_EFP_KEYS = {"specs", "dmax", "chimax", "prime", "kappas", "betas", "pool", "normed",
             "measure"}

_MANIFEST = "_jetfeat_manifest.json"
_PART_PREFIX = "part-"


# ---------------------------------------------------------------------------------------------
# Components
# ---------------------------------------------------------------------------------------------


def jet_kinematics(jets) -> FeatureTable:
    """Compute the jet transverse momentum and mass from the constituent four-momenta.

    The jet four-momentum is the sum of its constituents, P = sum_i p_i;
    ``jet_pt`` = sqrt(P_x^2 + P_y^2) and ``jet_mass`` = sqrt(max(P_E^2 - |P|^2, 0)), in GeV.

    Parameters
    ----------
    jets : array_like, awkward.Array or JetBatch
        Jets in any layout :func:`jetfeat.as_jet_batch` accepts.

    Returns
    -------
    FeatureTable
        Columns ``jet_pt`` and ``jet_mass``, shape (N,) each.

    Notes
    -----
    Both are IRC safe. Cost O(M) per jet. A jet without constituents gets 0 for both.
    """
    batch = as_jet_batch(jets)
    jet_of_row = np.repeat(np.arange(batch.n_jets), batch.counts)

    # bincount sums each jet's rows in order, so the result does not depend on chunking.
    total = np.stack([np.bincount(jet_of_row, weights=batch.p4s[:, k], minlength=batch.n_jets)
                      for k in range(4)], axis=1)
    pt = np.hypot(total[:, 1], total[:, 2])
    mass2 = total[:, 0] ** 2 - pt**2 - total[:, 3] ** 2
    return FeatureTable({"jet_pt": pt, "jet_mass": np.sqrt(np.maximum(mass2, 0.0))})


class _Kinematics:
    def names(self) -> list[str]:
        return ["jet_pt", "jet_mass"]

    def compute(self, batch: JetBatch, n_jobs) -> FeatureTable:
        return jet_kinematics(batch)


class _EFPs:
    """One EFP set, built on first use from its config entry (so the object pickles small)."""

    def __init__(self, entry: Mapping):
        self.entry = dict(entry)
        self._efpset = None

    def __getstate__(self):
        return {"entry": self.entry, "_efpset": None}

    def efpset(self):
        if self._efpset is None:
            self._efpset = _build_efpset(self.entry)
        return self._efpset

    def names(self) -> list[str]:
        return list(self.efpset().feature_names)

    def compute(self, batch: JetBatch, n_jobs) -> FeatureTable:
        values = self.efpset().compute(batch, n_jobs=n_jobs)
        return FeatureTable.from_array(values, self.names())


def _build_efpset(entry: Mapping):
    from . import efp

    options = {key: entry[key] for key in ("normed", "measure", "dmax", "chimax", "prime")
               if key in entry}
    if entry.get("pool") is not None:
        if entry["pool"] != "discoffs":
            raise ValueError(
                f"EFP pool {entry['pool']!r} is unknown; the only pool is 'discoffs' "
                "(prime graphs with d <= 7 at the DisCo-FFS kappas and betas)."
            )
        # The DisCo-FFS pool, optionally cut further (for example chimax=3).
        options = {"dmax": 7, "prime": True, **options}
        return efp.EFPSet(kappas=list(POOL_KAPPAS), betas=list(POOL_BETAS), **options)
    specs = entry.get("specs") or []
    if isinstance(specs, str):
        specs = [specs]
    if not specs and "dmax" not in entry:
        raise ValueError(
            f"EFP entry {dict(entry)} selects no graphs; give 'specs' (for example ['d<=5']), "
            "'dmax' or 'pool'."
        )
    return efp.EFPSet(*specs, kappas=list(entry.get("kappas", [1.0])),
                      betas=list(entry.get("betas", [1.0])), **options)


class _Substructure:
    def __init__(self, observables):
        self.observables = observables

    def names(self) -> list[str]:
        # The registry reports names only by computing; one tiny two-particle jet does it.
        jet = np.array([[[500.0, 300.0, 0.0, 400.0], [100.0, 60.0, 10.0, 79.0]]])
        return self.compute(as_jet_batch(jet), None).names

    def compute(self, batch: JetBatch, n_jobs, empty_jets: str = "raise") -> FeatureTable:
        from . import substructure

        return substructure.compute(batch, self.observables, n_jobs=n_jobs,
                                    empty_jets=empty_jets)


class _Function:
    def __init__(self, function: Callable, names: Sequence[str]):
        self.function = function
        self._names = list(names)

    def names(self) -> list[str]:
        return list(self._names)

    def compute(self, batch: JetBatch, n_jobs) -> FeatureTable:
        values = np.asarray(self.function(batch), dtype=np.float64)
        if values.ndim == 1:
            values = values[:, np.newaxis]
        return FeatureTable.from_array(values, self._names)


# ---------------------------------------------------------------------------------------------
# FeatureSet
# ---------------------------------------------------------------------------------------------


class FeatureSet:
    """A named list of feature components computed together on each batch of jets.

    Build one with :func:`get_feature_set` (preset, config file or dict), or
    :meth:`from_function` for a custom feature.

    Parameters
    ----------
    config : dict
        Config with the keys ``kinematics``, ``efp`` and ``substructure`` (see the module
        docstring).
    name : str, default="custom"
        Preset name or a label recorded in the output metadata.

    Examples
    --------
    >>> fs = get_feature_set("efp-d5")  # doctest: +SKIP
    >>> table = fs.compute(jets, n_jobs=-1)  # doctest: +SKIP
    """

    def __init__(self, config: Mapping, name: str = "custom"):
        self.config = _validate_config(config)
        self.name = name
        self._components: list = []
        if self.config.get("kinematics"):
            self._components.append(_Kinematics())
        for entry in self.config.get("efp", []):
            self._components.append(_EFPs(entry))
        if self.config.get("substructure") is not None:
            self._components.append(_Substructure(self.config["substructure"]))
        self._names: list[str] | None = None

    @classmethod
    def from_function(cls, function: Callable, names: Sequence[str],
                      name: str = "function") -> FeatureSet:
        """Wrap ``function(batch: JetBatch) -> (N,) or (N, F) array`` with column ``names``.

        For Dask runs the function must be importable (defined at module level) so it pickles.
        """
        feature_set = cls({}, name=name)
        feature_set._components = [_Function(function, names)]
        feature_set.config = {"function": f"{function.__module__}.{function.__qualname__}",
                              "names": list(names)}
        return feature_set

    @property
    def names(self) -> list[str]:
        """Column names in output order (duplicates across components appear once)."""
        if self._names is None:
            names: list[str] = []
            for component in self._components:
                names.extend(n for n in component.names() if n not in names)
            self._names = names
        return list(self._names)

    def compute(self, jets, n_jobs: int | None = None, *, coords: str = "epxpypz",
                empty_jets: str = "raise") -> FeatureTable:
        """Compute every feature of the set for a batch of jets.

        Parameters
        ----------
        jets : array_like, awkward.Array or JetBatch
            Jets in any layout :func:`jetfeat.as_jet_batch` accepts.
        n_jobs : int, default=None
            Threads for the C++ kernels: None means 1, -1 means all cores.
        coords : {"epxpypz", "ptyphim"}, default="epxpypz"
            Meaning of the four input columns.
        empty_jets : {"raise", "zero"}, default="raise"
            Passed to :func:`jetfeat.substructure.compute` for sets with substructure
            families: "raise" rejects a jet without particles, "zero" gives it 0.0.

        Returns
        -------
        FeatureTable
            One column per name in :attr:`names`; metadata records the set's config.
        """
        _check_n_jobs(n_jobs)
        batch = as_jet_batch(jets, coords=coords)
        columns: dict[str, np.ndarray] = {}
        for component in self._components:
            if isinstance(component, _Substructure):
                table = component.compute(batch, n_jobs, empty_jets=empty_jets)
            else:
                table = component.compute(batch, n_jobs)
            for column in table.names:
                # A column two components both provide (for example jet mass) is kept once.
                columns.setdefault(column, table[column])
        return FeatureTable(columns, metadata={"feature_set": self.name, "config": self.config})

    def __repr__(self) -> str:
        return f"FeatureSet({self.name!r}, config={self.config})"


def _validate_config(config: Mapping) -> dict:
    if not isinstance(config, Mapping):
        raise TypeError(f"a feature set config must be a dict, got {type(config).__name__}")
    unknown = set(config) - _CONFIG_KEYS
    if unknown:
        raise ValueError(
            f"feature set config has unknown key(s) {sorted(unknown)}; allowed keys are "
            f"{sorted(_CONFIG_KEYS)}"
        )
    config = json.loads(json.dumps(dict(config)))
    efp_entries = config.get("efp", [])
    if isinstance(efp_entries, Mapping):
        efp_entries = [efp_entries]
    for entry in efp_entries:
        bad = set(entry) - _EFP_KEYS
        if bad:
            raise ValueError(
                f"EFP entry {entry} has unknown key(s) {sorted(bad)}; allowed keys are "
                f"{sorted(_EFP_KEYS)}"
            )
    if efp_entries:
        config["efp"] = list(efp_entries)
    return config


def _check_n_jobs(n_jobs) -> None:
    if n_jobs is None:
        return
    if not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"n_jobs={n_jobs!r} is invalid; use None (1 thread), a positive int "
                         "or -1 (all cores)")


def _load_config_file(path: Path) -> dict:
    text = path.read_text()
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: invalid JSON ({exc})") from exc
    if path.suffix.lower() == ".toml":
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            from ._optional import import_optional

            tomllib = import_optional("tomli", "reading a TOML feature config")
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: invalid TOML ({exc})") from exc
    raise ValueError(f"{path}: a feature config must be a .toml or .json file")


def get_feature_set(name_or_config) -> FeatureSet:
    """Return the feature set for a preset name, a config file path or a config dict.

    Parameters
    ----------
    name_or_config : str, path-like, dict or FeatureSet
        A preset name (see :data:`PRESETS`: ``"discoffs-pool"`` with 7,350 EFPs plus jet
        mass and pT, ``"discoffs-pool-chi3"``, ``"efp-d5"``, ``"standard"``,
        ``"substructure"``, ``"all"``, ``"kinematics"``), a ``.toml`` or ``.json`` config file,
        or a config dict.

    Returns
    -------
    FeatureSet
    """
    if isinstance(name_or_config, FeatureSet):
        return name_or_config
    if isinstance(name_or_config, Mapping):
        return FeatureSet(name_or_config)
    if isinstance(name_or_config, str) and name_or_config in PRESETS:
        return FeatureSet(PRESETS[name_or_config], name=name_or_config)
    path = Path(name_or_config)
    if path.suffix.lower() in (".toml", ".json"):
        if not path.is_file():
            raise FileNotFoundError(f"{path}: feature config file not found")
        return FeatureSet(_load_config_file(path), name=path.name)
    raise ValueError(
        f"{name_or_config!r} is neither a preset ({sorted(PRESETS)}) nor a .toml/.json config"
    )


# ---------------------------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------------------------


def _plan(inputs: list[dict], chunk_size: int) -> list[dict]:
    """Return one task per (file, row range): the unit of work, output and resumption."""
    tasks = []
    for file_index, record in enumerate(inputs):
        path, n_jets = record["path"], record["n_jets"]
        for chunk_index, start in enumerate(range(0, n_jets, chunk_size)):
            tasks.append({
                "path": str(path), "file_index": file_index, "chunk_index": chunk_index,
                "start": start, "stop": min(start + chunk_size, n_jets),
                "part": f"{_PART_PREFIX}{file_index:05d}-{chunk_index:06d}.parquet",
            })
    return tasks


def _input_record(path: Path, reader_options: dict) -> dict:
    stat = path.stat()
    return {"path": str(path.resolve()), "bytes": stat.st_size,
            "n_jets": jio.count_jets(path, **jio._count_options(reader_options))}


def _run_task(task: dict, feature_set: FeatureSet, output: str, n_jobs, reader_options: dict,
              provenance: dict) -> tuple[str, int, int]:
    """Read one chunk, compute its features and write its Parquet part atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = jio.read_rows(task["path"], task["start"], task["stop"], **reader_options)
    try:
        table = feature_set.compute(data.jets, n_jobs=n_jobs)
    except ValueError as exc:
        raise _in_file(exc, task) from exc

    columns = {name: table[name] for name in table.names}
    columns["label"] = data.labels
    if data.weights is not None:
        columns["weight"] = data.weights
    arrow = pa.table(columns)
    meta = {**provenance, "source": task["path"], "rows": [task["start"], task["stop"]]}
    arrow = arrow.replace_schema_metadata({"jetfeat": json.dumps(meta, default=str)})

    # Write to a temporary name, then rename: a part file that exists is always complete,
    # which is what resumption relies on.
    final = Path(output) / task["part"]
    temporary = final.with_name(f".tmp-{uuid.uuid4().hex}-{task['part']}")
    pq.write_table(arrow, temporary)
    os.replace(temporary, final)
    return task["part"], task["stop"] - task["start"], len(data.labels)


def _in_file(exc: ValueError, task: dict) -> ValueError:
    """Return ``exc`` reworded with the input file and the jet index in that file.

    The feature code sees one chunk, so its messages count jets from the chunk start.
    """
    start = int(task["start"])
    message = re.sub(r"^jet (\d+)", lambda m: f"jet {start + int(m.group(1))}", str(exc))
    return ValueError(
        f"{task['path']} (jets {start}:{task['stop']}): {message} The input itself is bad, so "
        "running the command again fails the same way: fix or drop that jet in the file first."
    )


def _prepare_output(output: Path, manifest: dict, resume: bool) -> None:
    manifest_path = output / _MANIFEST
    if output.exists() and not output.is_dir():
        raise ValueError(f"{output}: exists and is not a directory; extraction writes a "
                         "directory of Parquet parts. Choose another output path.")
    if manifest_path.is_file():
        old = json.loads(manifest_path.read_text())
        same = all(old.get(key) == manifest[key] for key in _RESUME_KEYS)
        if resume and not same:
            differing = [key for key in _RESUME_KEYS if old.get(key) != manifest[key]]
            raise ValueError(
                f"{output}: contains an extraction with different {differing}; pass another "
                "output directory, or resume=False (--no-resume) to replace it."
            )
        if not resume:
            for part in output.glob(f"{_PART_PREFIX}*.parquet"):
                part.unlink()
    elif output.is_dir() and any(output.iterdir()):
        raise ValueError(
            f"{output}: directory is not empty and has no jetfeat manifest; extraction will not "
            "write into it. Choose a new or empty output directory."
        )
    output.mkdir(parents=True, exist_ok=True)
    for stale in output.glob(".tmp-*"):
        stale.unlink()
    temporary = output / f".tmp-{uuid.uuid4().hex}.json"
    temporary.write_text(json.dumps(manifest, indent=1, default=str))
    os.replace(temporary, manifest_path)


# Manifest keys that must match for a run to resume into an existing output directory.
_RESUME_KEYS = ("feature_set", "names", "chunk_size", "inputs", "reader_options")


def extract(input, feature_set, output, *, chunk_size: int = 10_000, n_jobs: int | None = None,
            resume: bool = True, scheduler=None, n_workers: int | None = None,
            progress: bool = True, **reader_options) -> Path:
    """Compute a feature set for every jet of a dataset and write a partitioned Parquet dataset.

    Parameters
    ----------
    input : str, path-like or list of them
        Files, directories or glob patterns in any format :mod:`jetfeat.io` reads.
    feature_set : str, dict, path or FeatureSet
        Anything :func:`get_feature_set` accepts, for example ``"discoffs-pool"``.
    output : str or path-like
        Output directory. It receives ``part-FFFFF-CCCCC.parquet`` (file F, chunk C) with one
        column per feature plus ``label`` (and ``weight`` when the input has weights), and the
        manifest ``_jetfeat_manifest.json``. Read it back with :func:`read_features`.
    chunk_size : int, default=10000
        Jets per chunk. Peak memory is about one chunk of input plus its feature columns,
        ``chunk_size * len(names) * 8`` bytes: 590 MB for the 7,352 columns of
        ``"discoffs-pool"`` at the default, so lower it on small machines.
    n_jobs : int, default=None
        C++ threads per chunk: None means 1, -1 means all cores.
    resume : bool, default=True
        Skip chunks whose part already exists from an interrupted run with the same inputs,
        feature set and chunk size. False deletes earlier parts and starts again.
    scheduler : str or distributed.Client, default=None
        Address of a running dask.distributed scheduler (for example ``"tcp://10.0.0.1:8786"``)
        or a Client; each chunk becomes one task. Workers must see ``input`` and ``output``
        at the same paths.
    n_workers : int, default=None
        Start a local Dask cluster with this many single-threaded worker processes.
    progress : bool, default=True
        Show a tqdm progress bar with jets per second.
    **reader_options
        Passed to :func:`jetfeat.io.read_rows`, for example ``signal="label_Tbqq"`` or
        ``max_particles=128``.

    Returns
    -------
    Path
        The output directory.

    Notes
    -----
    The parts of a finished run hold the jets in input order: sort the part names and
    concatenate. Features are identical for any ``n_jobs`` and any scheduler because each jet
    is computed on its own.
    """
    feature_set = get_feature_set(feature_set)
    chunk_size = int(chunk_size)
    if chunk_size < 1:
        raise ValueError(f"chunk_size={chunk_size} is invalid; use a positive number of jets")
    _check_n_jobs(n_jobs)
    from . import __version__

    files = jio.expand_inputs(input)
    output = Path(output)
    manifest = {
        "jetfeat_version": __version__,
        "feature_set": {"name": feature_set.name, "config": feature_set.config},
        "names": feature_set.names,
        "chunk_size": chunk_size,
        "inputs": [_input_record(path, reader_options) for path in files],
        "reader_options": reader_options,
    }
    _prepare_output(output, manifest, resume)
    tasks = _plan(manifest["inputs"], chunk_size)
    todo = [task for task in tasks if not (output / task["part"]).is_file()]
    done_jets = sum(t["stop"] - t["start"] for t in tasks) - sum(t["stop"] - t["start"]
                                                                 for t in todo)
    if len(todo) < len(tasks):
        logger.info("resuming %s: %d of %d chunks already done", output, len(tasks) - len(todo),
                    len(tasks))
    provenance = {"jetfeat_version": __version__, "feature_set": manifest["feature_set"],
                  "chunk_size": chunk_size, "reader_options": reader_options}

    from tqdm.auto import tqdm

    bar = tqdm(total=done_jets + sum(t["stop"] - t["start"] for t in todo), initial=done_jets,
               unit="jet", unit_scale=True, desc="extract", disable=not progress,
               file=sys.stderr)
    run = _Runner(feature_set, str(output), n_jobs, reader_options, provenance)
    with bar:
        if scheduler is None and n_workers is None:
            for task in todo:
                _, n_read, _ = run(task)
                bar.update(n_read)
        else:
            from ._dask import run_tasks

            for _, n_read, _ in run_tasks(run, todo, scheduler=scheduler, n_workers=n_workers):
                bar.update(n_read)

    manifest["complete"] = True
    manifest["parts"] = [task["part"] for task in tasks]
    (output / _MANIFEST).write_text(json.dumps(manifest, indent=1, default=str))
    logger.info("extracted %d features for %d chunks into %s", len(feature_set.names),
                len(tasks), output)
    return output


class _Runner:
    """Picklable task function: one call reads, computes and writes one chunk."""

    def __init__(self, feature_set, output, n_jobs, reader_options, provenance):
        self.feature_set = feature_set
        self.output = output
        self.n_jobs = n_jobs
        self.reader_options = reader_options
        self.provenance = provenance

    def __call__(self, task: dict) -> tuple[str, int, int]:
        return _run_task(task, self.feature_set, self.output, self.n_jobs,
                         self.reader_options, self.provenance)


def read_features(output, columns: Sequence[str] | None = None):
    """Read an extraction output directory into one pandas DataFrame, jets in input order.

    Parameters
    ----------
    output : str or path-like
        Directory written by :func:`extract`.
    columns : list of str, default=None
        Columns to read; None reads all (features, ``label`` and ``weight``).

    Returns
    -------
    pandas.DataFrame
    """
    import pandas as pd
    import pyarrow.parquet as pq

    output = Path(output)
    manifest_path = output / _MANIFEST
    if not manifest_path.is_file():
        raise FileNotFoundError(f"{output}: no {_MANIFEST}; this is not a jetfeat extraction "
                                "output directory")
    manifest = json.loads(manifest_path.read_text())
    if not manifest.get("complete"):
        raise ValueError(f"{output}: the extraction is incomplete. If it was interrupted, run "
                         "the same `jetfeat extract` command again to resume it; if it stopped "
                         "on an error in the input, fix the input first or it stops again")
    frames = [pq.read_table(output / part, columns=columns).to_pandas()
              for part in manifest["parts"]]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# ---------------------------------------------------------------------------------------------
# Command line: jetfeat extract
# ---------------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the options of ``jetfeat extract``."""
    parser.add_argument("input", nargs="+",
                        help="jet files, directories or glob patterns (.h5 landscape, .root "
                             "JetClass, .npz/.npy, .parquet)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--preset", default=None, choices=sorted(PRESETS),
                       help="named feature set (default: efp-d5)")
    which.add_argument("--config", default=None, metavar="FILE",
                       help="TOML or JSON feature config (keys kinematics, efp, substructure)")
    parser.add_argument("-o", "--output", required=True,
                        help="output directory for the Parquet parts and manifest")
    parser.add_argument("--chunk-size", type=int, default=10_000,
                        help="jets per chunk and per Parquet part (default: 10000)")
    parser.add_argument("-j", "--n-jobs", type=int, default=None,
                        help="C++ threads per chunk; -1 for all cores (default: 1)")
    parser.add_argument("--no-resume", action="store_true",
                        help="delete parts of an earlier run in OUTPUT instead of resuming")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run chunks on this dask.distributed scheduler (tcp://host:port)")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="run chunks on a local Dask cluster with N worker processes")
    parser.add_argument("--signal", default=None,
                        help="JetClass signal label branch (default: label_Tbqq)")
    parser.add_argument("--background", nargs="+", default=None,
                        help="JetClass label branches kept as background (default: all others)")
    parser.add_argument("--max-particles", type=int, default=None,
                        help="truncate ragged inputs to this many leading-pT constituents")
    parser.add_argument("--labels", default=None, metavar="PATH",
                        help=".npy file with one 0/1 label per jet, for .npy jet input (which "
                             "contains only the jets)")
    parser.add_argument("--quiet", action="store_true", help="hide the progress bar")


def run_cli(args: argparse.Namespace) -> int:
    """Run ``jetfeat extract`` with parsed arguments; return the exit code."""
    feature_set = args.config if args.config is not None else (args.preset or "efp-d5")
    _check_cli_arguments(args)
    reader_options = {}
    if args.labels is not None:
        reader_options["labels"] = args.labels
    if args.signal is not None:
        reader_options["signal"] = args.signal
    if args.background is not None:
        reader_options["background"] = args.background
    if args.max_particles is not None:
        reader_options["max_particles"] = args.max_particles
    output = extract(args.input, feature_set, args.output, chunk_size=args.chunk_size,
                     n_jobs=args.n_jobs, resume=not args.no_resume, scheduler=args.scheduler,
                     n_workers=args.workers, progress=not args.quiet, **reader_options)
    print(f"wrote features to {output}")
    return 0


def _check_cli_arguments(args: argparse.Namespace) -> None:
    """Reject bad options with messages that name the command-line options, not Python ones."""
    if args.n_jobs is not None and (args.n_jobs == 0 or args.n_jobs < -1):
        raise ValueError(f"-j/--n-jobs {args.n_jobs} is invalid; give a positive number of "
                         "threads, or -1 for all cores (leave it out for 1 thread)")
    if args.chunk_size < 1:
        raise ValueError(f"--chunk-size {args.chunk_size} is invalid; use a positive number "
                         "of jets")
    if args.workers is not None and args.workers < 1:
        raise ValueError(f"--workers {args.workers} is invalid; use a positive number of "
                         "worker processes")
    suffixes = sorted(jio._EXTENSIONS)
    files = jio.expand_inputs(args.input)
    for path in files:
        suffix = path.suffix.lower()
        if suffix not in jio._EXTENSIONS:
            raise ValueError(
                f"{path}: cannot tell the format from the extension {suffix!r}; jetfeat extract "
                f"reads files ending in {', '.join(suffixes)}. Rename the file to the extension "
                "of its format."
            )
        if suffix == ".npy" and args.labels is None:
            raise ValueError(
                f"{path}: a .npy file contains only the jets; pass --labels LABELS.npy (a .npy "
                "with one 0/1 label per jet), or save jets and labels together with "
                "np.savez(path, jets=..., labels=...) and extract the .npz."
            )
    if args.labels is not None:
        if any(path.suffix.lower() != ".npy" for path in files):
            raise ValueError("--labels applies to .npy jet input only; the other formats "
                             "store their labels in the file")
        if not Path(args.labels).is_file():
            raise FileNotFoundError(f"{args.labels}: no such file (given by --labels)")
