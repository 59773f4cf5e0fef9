"""Readers and writers for jet datasets: landscape HDF5, JetClass ROOT, numpy and Parquet.

Every reader returns jets as a zero-padded ``(N, M, 4)`` array of (E, px, py, pz) in GeV, labels
as ``(N,)`` int8 (1 = signal, 0 = background) and optional per-jet weights ``(N,)`` float64.
:func:`iter_chunks` yields the same triple in row chunks, so a file larger than memory is read
one chunk at a time whatever its format.

Formats (detected from the file extension):

- ``.h5`` / ``.hdf5``: the top tagging landscape layout, a pandas DataFrame written with
  ``to_hdf(key="table", format="fixed")``. Columns ``E_i, PX_i, PY_i, PZ_i`` (i = 0..199), then
  ``truthE, truthPX, truthPY, truthPZ``, ``ttv`` and the label ``is_signal_new``. It is read
  with h5py from the PyTables datasets ``table/block<k>_values``, so PyTables is not needed.
- ``.root``: JetClass ntuples, tree ``tree`` with the jagged branches ``part_energy``,
  ``part_px``, ``part_py``, ``part_pz`` and one-hot ``label_*`` branches, read with uproot.
- ``.npz``: arrays ``jets`` ``(N, M, 4)``, ``labels`` ``(N,)`` and optional ``weights``.
  ``.npy``: jets only, labels come from the ``labels`` argument.
- ``.parquet`` / ``.pq``: one row per jet with a ragged list column ``jets`` (``var * 4``
  numbers) or the four list columns ``part_energy, part_px, part_py, part_pz``, plus
  ``label`` and optional ``weight``. :func:`write_parquet` writes the first form.
"""

from __future__ import annotations

import glob
import json
import logging
import os
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

logger = logging.getLogger(__name__)

__all__ = [
    "JetData",
    "detect_format",
    "expand_inputs",
    "count_jets",
    "read_rows",
    "iter_chunks",
    "read",
    "read_landscape",
    "read_jetclass",
    "read_npz",
    "read_parquet",
    "write_landscape",
    "LandscapeWriter",
    "write_npz",
    "write_parquet",
    "read_metadata",
]

FORMATS = ("landscape", "jetclass", "npz", "npy", "parquet")

_EXTENSIONS = {
    ".h5": "landscape",
    ".hdf5": "landscape",
    ".root": "jetclass",
    ".npz": "npz",
    ".npy": "npy",
    ".parquet": "parquet",
    ".pq": "parquet",
}

# Landscape column names: the four momentum components of constituent i are
# f"{prefix}_{i}" for these prefixes, in this order.
_LANDSCAPE_PREFIXES = ("E", "PX", "PY", "PZ")
_LANDSCAPE_TRUTH = ("truthE", "truthPX", "truthPY", "truthPZ")
LANDSCAPE_LABEL = "is_signal_new"

# JetClass jagged branches in (E, px, py, pz) order.
_JETCLASS_PARTICLES = ("part_energy", "part_px", "part_py", "part_pz")

# Root-group attribute under which jetfeat writes its JSON provenance into HDF5 files.
_METADATA_ATTRIBUTE = "jetfeat_metadata"


class JetData(NamedTuple):
    """Jets, labels and weights of one file or one chunk of a file.

    Attributes
    ----------
    jets : ndarray of shape (N, M, 4)
        (E, px, py, pz) in GeV, zero-padded; float32 or float64 as stored in the file.
    labels : ndarray of shape (N,)
        int8, 1 for signal and 0 for background.
    weights : ndarray of shape (N,) or None
        float64 per-jet weights, None when the file has none.
    """

    jets: np.ndarray
    labels: np.ndarray
    weights: np.ndarray | None


# ---------------------------------------------------------------------------------------------
# Paths and formats
# ---------------------------------------------------------------------------------------------


def detect_format(path: str | os.PathLike) -> str:
    """Return the reader name for ``path`` from its extension (one of ``FORMATS``)."""
    suffix = Path(path).suffix.lower()
    if suffix not in _EXTENSIONS:
        raise ValueError(
            f"{path}: cannot tell the format from the extension {suffix!r}; supported extensions "
            f"are {sorted(_EXTENSIONS)} (landscape HDF5, JetClass ROOT, numpy, Parquet). Rename "
            "the file or pass format=... explicitly."
        )
    return _EXTENSIONS[suffix]


def expand_inputs(inputs) -> list[Path]:
    """Expand a path, a glob pattern, a directory or a list of them into a sorted list of files.

    A directory contributes every file inside it with a supported extension; a pattern such as
    ``"JetClass/train/TTBar_*.root"`` contributes its matches. The result keeps the order of
    ``inputs`` and sorts the files found within each entry.

    Raises
    ------
    FileNotFoundError
        When an entry matches no file.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    files: list[Path] = []
    for entry in inputs:
        entry_str = os.fspath(entry)
        path = Path(entry_str)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in _EXTENSIONS)
            if not found:
                raise FileNotFoundError(
                    f"{path}: directory has no jet files with extensions {sorted(_EXTENSIONS)}"
                )
        elif path.is_file():
            found = [path]
        elif glob.has_magic(entry_str):
            found = sorted(Path(p) for p in glob.glob(entry_str) if Path(p).is_file())
            if not found:
                raise FileNotFoundError(f"{entry_str}: the pattern matches no file")
        else:
            raise FileNotFoundError(f"{path}: no such file or directory")
        files.extend(found)
    return files


def _check_file(path: str | os.PathLike) -> Path:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file; check the path and the working directory")
    if path.is_dir():
        raise ValueError(f"{path}: is a directory; pass one file (expand_inputs lists a folder)")
    return path


def _check_output_folder(path: str | os.PathLike) -> Path:
    """Return ``path`` as a Path after checking that the folder it goes into exists."""
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(
            f"{path}: the output folder {folder} does not exist; create it first (for example "
            f"mkdir -p {folder}) or choose an output path in an existing folder."
        )
    return path


def _check_labels(labels, path: Path, column: str, start: int = 0) -> np.ndarray:
    """Return ``labels`` as int8 after checking that every value is 0 or 1."""
    values = np.asarray(labels)
    if values.ndim != 1:
        raise ValueError(
            f"{path}: column {column!r} has shape {values.shape}; labels must be 1-D, one per jet"
        )
    bad = ~np.isin(values, (0, 1))
    if np.any(bad):
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{path}: column {column!r} has the value {values[row].item()!r} at jet {start + row}; "
            "labels must be 0 (background) or 1 (signal). For a multi-class file choose the "
            "signal class (for JetClass, signal='label_Tbqq') or convert the labels to 0/1."
        )
    return values.astype(np.int8)


def _check_weights(weights, path: Path, column: str, start: int = 0) -> np.ndarray:
    values = np.asarray(weights, dtype=np.float64)
    bad = ~np.isfinite(values)
    if np.any(bad):
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{path}: column {column!r} has the non-finite weight {values[row]} at jet "
            f"{start + row}; fix or drop that jet."
        )
    return values


def _check_range(path: Path, start: int, stop: int | None, n_total: int) -> tuple[int, int]:
    stop = n_total if stop is None else int(stop)
    start = int(start)
    if not 0 <= start <= stop <= n_total:
        raise ValueError(
            f"{path}: rows {start}:{stop} are out of range for a file with {n_total} jets"
        )
    return start, stop


# ---------------------------------------------------------------------------------------------
# Landscape HDF5 (pandas "fixed" layout, read and written with h5py)
# ---------------------------------------------------------------------------------------------


class _LandscapeLayout:
    """Column map of a landscape table: name to (block dataset name, column index)."""

    def __init__(self, handle, path: Path, key: str):
        import h5py

        if key not in handle or not isinstance(handle[key], h5py.Group):
            raise ValueError(
                f"{path}: no group {key!r}; a landscape file is written by pandas "
                f"to_hdf(key='table', format='fixed'). Groups present: {list(handle)}"
            )
        group = handle[key]
        self.group = group
        self.where: dict[str, tuple[str, int]] = {}
        block = 0
        while f"block{block}_items" in group:
            items = [_decode(name) for name in group[f"block{block}_items"][()]]
            for column, name in enumerate(items):
                self.where[name] = (f"block{block}_values", column)
            block += 1
        if block == 0:
            raise ValueError(
                f"{path}: group {key!r} has no block0_items dataset, so it is not a pandas "
                "fixed-format table. Rewrite it with DataFrame.to_hdf(format='fixed') or "
                "jetfeat.io.write_landscape."
            )
        first = group["block0_values"]
        self.n_rows = int(first.shape[0])

        # Count constituents: E_0, E_1, ... up to the first missing index.
        n_particles = 0
        while f"E_{n_particles}" in self.where:
            n_particles += 1
        if n_particles == 0:
            raise ValueError(
                f"{path}: missing column 'E_0'; a landscape table needs the constituent columns "
                "E_i, PX_i, PY_i, PZ_i. Columns found include "
                f"{list(self.where)[:8]}."
            )
        for i in range(n_particles):
            for prefix in _LANDSCAPE_PREFIXES:
                if f"{prefix}_{i}" not in self.where:
                    raise ValueError(
                        f"{path}: missing column '{prefix}_{i}' although 'E_{i}' exists; every "
                        "constituent needs E, PX, PY and PZ columns."
                    )
        self.n_particles = n_particles

    def indices(self, names: Sequence[str]) -> tuple[str, np.ndarray]:
        """Return the one block holding all ``names`` and their column indices in it."""
        blocks = {self.where[name][0] for name in names}
        if len(blocks) != 1:
            raise ValueError(f"columns {names[:3]}... are split over blocks {sorted(blocks)}")
        return blocks.pop(), np.array([self.where[name][1] for name in names])


def _decode(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _landscape_count(path: Path, key: str) -> int:
    import h5py

    with _open_h5(path, h5py) as handle:
        return _LandscapeLayout(handle, path, key).n_rows


# File signatures (first bytes) of the formats jetfeat reads, with format, description and reader.
_SIGNATURES = (
    (b"\x89HDF\r\n\x1a\n", "landscape", "an HDF5", "jetfeat.io.read_landscape"),
    (b"root", "jetclass", "a ROOT", "jetfeat.io.read_jetclass"),
    (b"PK\x03\x04", "npz", "a numpy .npz (zip)", "jetfeat.io.read_npz"),
    (b"\x93NUMPY", "npy", "a numpy .npy", "jetfeat.io.read_npz"),
    (b"PAR1", "parquet", "a Parquet", "jetfeat.io.read_parquet"),
)


def _sniff(path: Path) -> tuple[str, str, str] | None:
    """Return (format, description, reader) from the file's first bytes, None if unknown."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError:
        return None
    for signature, fmt, description, reader in _SIGNATURES:
        if head.startswith(signature):
            return fmt, description, reader
    return None


def _unreadable(path: Path, expected: str, exc: Exception) -> ValueError:
    """Return a one-paragraph error for a file that is not ``expected``, naming its real format."""
    found = _sniff(path)
    if found is not None and not found[1].endswith(f" {expected}"):
        fmt, description, reader = found
        return ValueError(
            f"{path}: is {description} file, not {expected}, whatever its extension says; "
            f"read it with jetfeat.io.read(path, format={fmt!r}) (the {reader} format), or "
            "rename it to the extension of its format."
        )
    # Library messages can span lines; keep the error one paragraph.
    detail = " ".join(f"{type(exc).__name__}: {exc}".split())
    return ValueError(
        f"{path}: cannot be opened as {expected} ({detail}); the file is damaged, incomplete or "
        f"not {expected}. Download or generate it again."
    )


def _open_h5(path: Path, h5py):
    try:
        return h5py.File(path, "r")
    except OSError as exc:
        raise _unreadable(path, "HDF5", exc) from exc


def _landscape_rows(path: Path, start: int, stop: int | None, key: str,
                    label_column: str, weight_column: str | None) -> JetData:
    import h5py

    with _open_h5(path, h5py) as handle:
        layout = _LandscapeLayout(handle, path, key)
        start, stop = _check_range(path, start, stop, layout.n_rows)
        names = [f"{p}_{i}" for i in range(layout.n_particles) for p in _LANDSCAPE_PREFIXES]
        block, columns = layout.indices(names)

        # The landscape order (E_0, PX_0, PY_0, PZ_0, E_1, ...) is one contiguous column
        # range, so it is read as a single hyperslab. Any other order reads rows, then gathers.
        dataset = layout.group[block]
        if np.array_equal(columns, np.arange(columns[0], columns[0] + columns.size)):
            jets = dataset[start:stop, columns[0]:columns[0] + columns.size]
        else:
            jets = np.ascontiguousarray(dataset[start:stop][:, columns])
        jets = jets.reshape(stop - start, layout.n_particles, 4)

        if label_column not in layout.where:
            raise ValueError(
                f"{path}: missing label column {label_column!r}; the landscape label is "
                f"'{LANDSCAPE_LABEL}'. Pass label_column=... naming the 0/1 column."
            )
        label_block, label_index = layout.where[label_column]
        labels = _check_labels(layout.group[label_block][start:stop, label_index], path,
                               label_column, start)

        weights = None
        if weight_column is not None and weight_column in layout.where:
            weight_block, weight_index = layout.where[weight_column]
            weights = _check_weights(layout.group[weight_block][start:stop, weight_index], path,
                                     weight_column, start)
    return JetData(jets, labels, weights)


def _string_dataset(group, name: str, values: Sequence[str]) -> None:
    encoded = np.array([v.encode("utf-8") for v in values])
    dataset = group.create_dataset(name, data=encoded)
    _set_array_attributes(dataset)
    _set_text(dataset, "kind", "string")
    _set_text(dataset, "name", "N.")
    _set_text(dataset, "nan_rep", "")


def _set_text(node, name: str, value: str) -> None:
    """Write a string attribute the way PyTables does (UTF-8, null-terminated, fixed size).

    h5py's default for bytes is ASCII and null-padded, which PyTables returns as bytes
    instead of str, and then pandas.read_hdf fails on the file.
    """
    import h5py

    encoded = value.encode("utf-8")
    string_type = h5py.h5t.C_S1.copy()
    string_type.set_size(max(len(encoded), 1))
    string_type.set_strpad(h5py.h5t.STR_NULLTERM)
    string_type.set_cset(h5py.h5t.CSET_UTF8)
    if name in node.attrs:
        del node.attrs[name]
    if not encoded:
        h5py.h5a.create(node.id, name.encode(), string_type, h5py.h5s.create(h5py.h5s.NULL))
        return

    # Write the raw bytes with the file type as memory type: converting from numpy's S<n>
    # would drop the last character to make room for a terminator.
    attribute = h5py.h5a.create(node.id, name.encode(), string_type,
                                h5py.h5s.create(h5py.h5s.SCALAR))
    attribute.write(np.array(encoded, dtype=f"S{len(encoded)}"), mtype=string_type)


def _write_metadata(handle, metadata: dict) -> None:
    """Store ``metadata`` as JSON bytes in a root dataset of an open landscape file.

    A dataset, not an attribute, because HDF5 limits attributes to 64 KiB by default and the
    settings and seeds of a large generation run exceed that.
    """
    if _METADATA_ATTRIBUTE in handle:
        del handle[_METADATA_ATTRIBUTE]
    if _METADATA_ATTRIBUTE in handle.attrs:
        del handle.attrs[_METADATA_ATTRIBUTE]
    encoded = np.frombuffer(json.dumps(metadata, default=str).encode("utf-8"), dtype=np.uint8)
    dataset = handle.create_dataset(_METADATA_ATTRIBUTE, data=encoded)
    _set_array_attributes(dataset)


def _set_array_attributes(dataset) -> None:
    # PyTables node attributes, so pandas.read_hdf recognises the datasets as plain arrays.
    _set_text(dataset, "CLASS", "ARRAY")
    _set_text(dataset, "FLAVOR", "numpy")
    _set_text(dataset, "TITLE", "")
    _set_text(dataset, "VERSION", "2.4")
    dataset.attrs["transposed"] = np.uint8(1)


class LandscapeWriter:
    """Write jets in the top tagging landscape HDF5 layout, appending one chunk at a time.

    The file holds a pandas fixed-format DataFrame under key ``"table"``: a float32 block with
    ``E_i, PX_i, PY_i, PZ_i`` (i < ``n_particles``), ``truthE, truthPX, truthPY, truthPZ`` and,
    when weights are given, ``weight``; an int64 block with ``ttv`` and ``is_signal_new``.
    ``pandas.read_hdf(path, "table")`` reads it when PyTables is installed, and the readers of
    this module read it without PyTables.

    Parameters
    ----------
    path : str or path-like
        Output file; it is replaced.
    n_particles : int, default=200
        Constituents per jet M; longer jets are truncated to their first M rows.
    with_weights : bool, default=False
        Add a float32 ``weight`` column.
    metadata : dict, default=None
        JSON-serialisable provenance stored as the root attribute ``jetfeat_metadata``.

    Examples
    --------
    >>> with LandscapeWriter("jets.h5") as writer:  # doctest: +SKIP
    ...     writer.append(jets, labels)
    """

    def __init__(self, path, *, n_particles: int = 200, with_weights: bool = False,
                 metadata: dict | None = None):
        import h5py

        if n_particles < 1:
            raise ValueError(f"n_particles={n_particles} is invalid; use a positive int")
        self.path = Path(path)
        self.n_particles = int(n_particles)
        self.with_weights = bool(with_weights)
        self.n_rows = 0

        self._float_names = [f"{p}_{i}" for i in range(self.n_particles)
                             for p in _LANDSCAPE_PREFIXES]
        self._float_names += list(_LANDSCAPE_TRUTH)
        if self.with_weights:
            self._float_names.append("weight")
        self._int_names = ["ttv", LANDSCAPE_LABEL]

        _check_output_folder(self.path)
        self._file = h5py.File(self.path, "w")
        root = self._file
        _set_text(root, "CLASS", "GROUP")
        _set_text(root, "PYTABLES_FORMAT_VERSION", "2.1")
        _set_text(root, "TITLE", "")
        _set_text(root, "VERSION", "1.0")
        if metadata is not None:
            _write_metadata(root, metadata)

        group = self._file.create_group("table")
        for name, value in {
            "CLASS": "GROUP", "VERSION": "1.0", "pandas_type": "frame",
            "encoding": "UTF-8", "errors": "strict", "axis0_variety": "regular",
            "axis1_variety": "regular", "block0_items_variety": "regular",
            "block1_items_variety": "regular",
        }.items():
            _set_text(group, name, value)
        _set_text(group, "TITLE", "")
        group.attrs["nblocks"] = np.int64(2)
        group.attrs["ndim"] = np.int64(2)
        _string_dataset(group, "axis0", self._float_names + self._int_names)
        _string_dataset(group, "block0_items", self._float_names)
        _string_dataset(group, "block1_items", self._int_names)

        # Row chunks of about 1 MB keep appends and row-range reads efficient.
        rows_per_chunk = max(1, min(1024, 2**20 // (4 * len(self._float_names))))
        self._floats = group.create_dataset(
            "block0_values", shape=(0, len(self._float_names)), dtype=np.float32,
            maxshape=(None, len(self._float_names)), chunks=(rows_per_chunk,
                                                             len(self._float_names)))
        self._ints = group.create_dataset(
            "block1_values", shape=(0, 2), dtype=np.int64, maxshape=(None, 2),
            chunks=(4096, 2))
        _set_array_attributes(self._floats)
        _set_array_attributes(self._ints)
        self._group = group

    def append(self, jets, labels, weights=None, truth=None, ttv=None) -> None:
        """Append a chunk of jets.

        Parameters
        ----------
        jets : array_like of shape (N, M, 4)
            (E, px, py, pz) in GeV, zero-padded, constituents sorted by pT.
        labels : array_like of shape (N,)
            0/1 labels, stored as ``is_signal_new``.
        weights : array_like of shape (N,), default=None
            Required exactly when the writer was made with ``with_weights=True``.
        truth : array_like of shape (N, 4), default=None
            (E, px, py, pz) of the matched top (``truthE`` ...); zeros when None.
        ttv : array_like of shape (N,), default=None
            Train/test/validation flag (0, 1, 2) as in the landscape files; zeros when None.
        """
        jets = np.asarray(jets)
        if jets.ndim != 3 or jets.shape[2] != 4:
            raise ValueError(f"jets have shape {jets.shape}; expected (N, M, 4) (E, px, py, pz)")
        n = jets.shape[0]
        labels = _check_labels(labels, self.path, LANDSCAPE_LABEL)
        if labels.shape[0] != n:
            raise ValueError(f"{n} jets but {labels.shape[0]} labels")
        if (weights is None) == self.with_weights:
            raise ValueError(
                "weights must be given exactly when the writer was created with with_weights=True"
            )

        block = np.zeros((n, len(self._float_names)), dtype=np.float32)
        width = min(self.n_particles, jets.shape[1])
        block[:, :4 * width] = jets[:, :width].reshape(n, 4 * width)
        truth_start = 4 * self.n_particles
        if truth is not None:
            block[:, truth_start:truth_start + 4] = np.asarray(truth).reshape(n, 4)
        if self.with_weights:
            block[:, truth_start + 4] = _check_weights(weights, self.path, "weight")
        ints = np.zeros((n, 2), dtype=np.int64)
        if ttv is not None:
            ints[:, 0] = np.asarray(ttv)
        ints[:, 1] = labels

        self._floats.resize(self.n_rows + n, axis=0)
        self._floats[self.n_rows:] = block
        self._ints.resize(self.n_rows + n, axis=0)
        self._ints[self.n_rows:] = ints
        self.n_rows += n

    def close(self) -> None:
        """Write the row index (``axis1``) and close the file."""
        if self._file is None:
            return
        index = self._group.create_dataset("axis1", data=np.arange(self.n_rows, dtype=np.int64))
        _set_array_attributes(index)
        _set_text(index, "kind", "integer")
        _set_text(index, "name", "N.")
        self._file.close()
        self._file = None
        logger.info("wrote %d jets to %s", self.n_rows, self.path)

    def __enter__(self) -> LandscapeWriter:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def write_landscape(path, jets, labels, weights=None, *, n_particles: int | None = None,
                    truth=None, metadata: dict | None = None) -> Path:
    """Write jets to ``path`` in the top tagging landscape HDF5 layout.

    Parameters
    ----------
    path : str or path-like
        Output file, replaced if it exists.
    jets : array_like of shape (N, M, 4)
        (E, px, py, pz) in GeV, zero-padded.
    labels : array_like of shape (N,)
        0/1 labels.
    weights : array_like of shape (N,), default=None
        Optional per-jet weights (column ``weight``).
    n_particles : int, default=None
        Constituent columns written; None uses M.
    truth : array_like of shape (N, 4), default=None
        Truth four-momenta (``truthE`` ...); zeros when None.
    metadata : dict, default=None
        Provenance stored in the file (see :func:`read_metadata`).

    Returns
    -------
    Path
        ``path``.
    """
    jets = np.asarray(jets)
    width = jets.shape[1] if n_particles is None else n_particles
    with LandscapeWriter(path, n_particles=width, with_weights=weights is not None,
                         metadata=metadata) as writer:
        writer.append(jets, labels, weights, truth=truth)
    return Path(path)


def read_metadata(path) -> dict:
    """Return the provenance dict jetfeat stored in an HDF5 or Parquet file ({} if none)."""
    path = _check_file(path)
    fmt = detect_format(path)
    if fmt == "landscape":
        import h5py

        with _open_h5(path, h5py) as handle:
            if isinstance(handle.get(_METADATA_ATTRIBUTE), h5py.Dataset):
                return json.loads(handle[_METADATA_ATTRIBUTE][()].tobytes().decode("utf-8"))

            # Files written before the metadata moved to a dataset keep it in an attribute.
            text = handle.attrs.get(_METADATA_ATTRIBUTE)
        return json.loads(_decode(text)) if text is not None else {}
    if fmt == "parquet":
        import pyarrow.parquet as pq

        meta = pq.read_schema(path).metadata or {}
        text = meta.get(b"jetfeat")
        return json.loads(text) if text is not None else {}
    return {}


# ---------------------------------------------------------------------------------------------
# JetClass ROOT (uproot)
# ---------------------------------------------------------------------------------------------


def _open_tree(path: Path, tree: str):
    uproot = __import__("uproot")
    try:
        handle = uproot.open(path)
    except Exception as exc:  # uproot raises several types for a damaged file
        raise _unreadable(path, "ROOT", exc) from exc
    if tree not in handle:
        raise ValueError(
            f"{path}: no TTree {tree!r}; keys present: {handle.keys()}. JetClass files keep "
            "their jets in 'tree'; pass tree=... otherwise."
        )
    return handle[tree]


def _jetclass_count(path: Path, tree: str) -> int:
    return int(_open_tree(path, tree).num_entries)


def _jetclass_rows(path: Path, start: int, stop: int | None, tree: str, signal: str,
                   background: Sequence[str] | None, max_particles: int | None,
                   weight_branch: str | None) -> JetData:
    import awkward as ak

    ttree = _open_tree(path, tree)
    start, stop = _check_range(path, start, stop, int(ttree.num_entries))
    label_branches = [signal] + [b for b in (background or []) if b != signal]
    branches = list(_JETCLASS_PARTICLES) + label_branches
    if weight_branch is not None:
        branches.append(weight_branch)
    missing = [name for name in branches if name not in ttree.keys()]
    if missing:
        labels_present = [k for k in ttree.keys() if k.startswith("label_")]
        raise ValueError(
            f"{path}: missing branch {missing[0]!r} in tree {tree!r}. Particle branches must be "
            f"{list(_JETCLASS_PARTICLES)}; label branches present: {labels_present}. Choose the "
            "signal class with signal='label_...'."
        )
    arrays = ttree.arrays(branches, entry_start=start, entry_stop=stop, library="ak")

    labels = _check_labels(ak.to_numpy(arrays[signal]), path, signal, start)
    keep = np.ones(len(labels), dtype=bool)
    if background:
        # Keep signal jets and jets of the listed background classes; drop the other classes.
        keep = labels == 1
        for name in background:
            keep |= _check_labels(ak.to_numpy(arrays[name]), path, name, start) == 1
    weights = None
    if weight_branch is not None:
        weights = _check_weights(ak.to_numpy(arrays[weight_branch]), path, weight_branch,
                                 start)[keep]
    labels = labels[keep]
    arrays = arrays[keep]

    jets = _pad_components([arrays[name] for name in _JETCLASS_PARTICLES], max_particles)
    return JetData(jets, labels, weights)


def _pad_components(components, max_particles: int | None) -> np.ndarray:
    """Zero-pad four jagged (E, px, py, pz) arrays into ``(N, M, 4)``, leading pT kept."""
    import awkward as ak

    counts = ak.to_numpy(ak.num(components[0], axis=1)).astype(np.int64)
    width = int(counts.max(initial=0)) if max_particles is None else int(max_particles)
    n = counts.shape[0]
    flat = np.stack([ak.to_numpy(ak.flatten(c, axis=1)).astype(np.float32)
                     for c in components], axis=1)
    jet_of_row = np.repeat(np.arange(n), counts)
    slot = np.arange(flat.shape[0]) - np.repeat(np.cumsum(counts) - counts, counts)
    if max_particles is not None and np.any(counts > width):
        # Truncation keeps the hardest constituents: order each jet by decreasing pT first.
        pt = np.hypot(flat[:, 1], flat[:, 2])
        order = np.lexsort((-pt, jet_of_row))
        flat = flat[order]
    out = np.zeros((n, width, 4), dtype=np.float32)
    kept = slot < width
    out[jet_of_row[kept], slot[kept]] = flat[kept]
    return out


def read_jetclass(path, *, signal: str = "label_Tbqq", background: Sequence[str] | None = None,
                  max_particles: int | None = None, tree: str = "tree",
                  weight_branch: str | None = None) -> JetData:
    """Read a JetClass ROOT file (or its first ``tree``) into padded jets and 0/1 labels.

    Parameters
    ----------
    path : str or path-like
        A JetClass ntuple such as ``TTBar_000.root``.
    signal : str, default="label_Tbqq"
        One-hot label branch that defines label 1.
    background : list of str, default=None
        Label branches kept as label 0; jets of other classes are dropped. None keeps every
        jet, with label 0 for all non-signal classes.
    max_particles : int, default=None
        M of the padded output; None uses the largest jet of the file. Longer jets keep their
        M highest-pT constituents.
    tree : str, default="tree"
        TTree name.
    weight_branch : str, default=None
        Branch with per-jet weights; JetClass itself has none.

    Returns
    -------
    JetData
        ``jets`` float32 ``(N, M, 4)`` (E, px, py, pz) from ``part_energy, part_px, part_py,
        part_pz``; ``labels`` int8; ``weights`` or None.
    """
    path = _check_file(path)
    return _jetclass_rows(path, 0, None, tree, signal, background, max_particles, weight_branch)


# ---------------------------------------------------------------------------------------------
# numpy .npz / .npy
# ---------------------------------------------------------------------------------------------

_NPZ_JETS = ("jets", "X", "x")
_NPZ_LABELS = ("labels", "y", "label")
_NPZ_WEIGHTS = ("weights", "weight", "w")


class _NpzMember:
    """Row-range reads of one array stored in an ``.npz`` without loading the whole array.

    ``np.savez`` stores members uncompressed, so a row range is one seek and one read. A
    compressed member (``np.savez_compressed``) is decompressed up to the range on each read.
    """

    def __init__(self, archive: zipfile.ZipFile, name: str):
        self.archive = archive
        self.member = name + ".npy"
        with archive.open(self.member) as handle:
            version = np.lib.format.read_magic(handle)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle)
            else:
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle)
            self.offset = handle.tell()
        self.shape, self.fortran, self.dtype = shape, fortran, dtype

    def rows(self, start: int, stop: int) -> np.ndarray:
        if self.fortran or self.dtype.hasobject:
            # Row slices of a Fortran-ordered or object array are not contiguous bytes.
            with self.archive.open(self.member) as handle:
                return np.lib.format.read_array(handle)[start:stop]
        row_items = int(np.prod(self.shape[1:], dtype=np.int64))
        row_bytes = row_items * self.dtype.itemsize
        with self.archive.open(self.member) as handle:
            handle.seek(self.offset + start * row_bytes)
            buffer = handle.read((stop - start) * row_bytes)
        return np.frombuffer(buffer, dtype=self.dtype).reshape((stop - start,) + self.shape[1:])


def _npz_members(archive: zipfile.ZipFile, path: Path) -> tuple[str, str, str | None]:
    names = {info.filename[:-4] for info in archive.infolist() if info.filename.endswith(".npy")}

    def pick(options, what, required=True):
        for option in options:
            if option in names:
                return option
        if required:
            raise ValueError(
                f"{path}: missing array {options[0]!r} ({what}); arrays present: {sorted(names)}. "
                f"Save with np.savez(path, jets=..., labels=...)."
            )
        return None

    return pick(_NPZ_JETS, "jets (N, M, 4)"), pick(_NPZ_LABELS, "0/1 labels"), pick(
        _NPZ_WEIGHTS, "weights", required=False)


def _open_npz(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(
            f"{path}: cannot be read as an .npz archive ({exc}); the file is damaged or not "
            "written by np.savez."
        ) from exc


def _npz_count(path: Path) -> int:
    with _open_npz(path) as archive:
        jets_name, _, _ = _npz_members(archive, path)
        return int(_NpzMember(archive, jets_name).shape[0])


def _check_jet_shape(shape, path: Path, name: str) -> None:
    if len(shape) != 3 or shape[2] != 4:
        raise ValueError(
            f"{path}: array {name!r} has shape {tuple(shape)}; jets must be (N, M, 4) with "
            "(E, px, py, pz) per particle."
        )


def _npz_rows(path: Path, start: int, stop: int | None) -> JetData:
    with _open_npz(path) as archive:
        jets_name, labels_name, weights_name = _npz_members(archive, path)
        jets_member = _NpzMember(archive, jets_name)
        _check_jet_shape(jets_member.shape, path, jets_name)
        start, stop = _check_range(path, start, stop, jets_member.shape[0])
        labels_member = _NpzMember(archive, labels_name)
        if labels_member.shape[:1] != jets_member.shape[:1]:
            raise ValueError(
                f"{path}: {jets_member.shape[0]} jets but {labels_member.shape[0]} labels in "
                f"{labels_name!r}; both arrays need one entry per jet."
            )
        jets = jets_member.rows(start, stop)
        labels = _check_labels(labels_member.rows(start, stop), path, labels_name, start)
        weights = None
        if weights_name is not None:
            weights = _check_weights(_NpzMember(archive, weights_name).rows(start, stop), path,
                                     weights_name, start)
    return JetData(jets, labels, weights)


def _npy_rows(path: Path, start: int, stop: int | None, labels, weights) -> JetData:
    try:
        jets = np.load(path, mmap_mode="r")
    except ValueError as exc:
        raise ValueError(f"{path}: cannot be read as a .npy array ({exc})") from exc
    _check_jet_shape(jets.shape, path, "jets")
    start, stop = _check_range(path, start, stop, jets.shape[0])
    if labels is None:
        raise ValueError(
            f"{path}: a .npy file holds only the jets; pass labels=... (an array or the path of "
            "a .npy with one 0/1 label per jet), or save both with np.savez."
        )
    labels_array = np.load(labels, mmap_mode="r") if isinstance(labels, (str, os.PathLike)) \
        else np.asarray(labels)
    if labels_array.shape[0] != jets.shape[0]:
        raise ValueError(f"{path}: {jets.shape[0]} jets but {labels_array.shape[0]} labels")
    label_values = _check_labels(labels_array[start:stop], path, "labels", start)
    weight_values = None
    if weights is not None:
        weights_array = np.load(weights, mmap_mode="r") if isinstance(
            weights, (str, os.PathLike)) else np.asarray(weights)
        weight_values = _check_weights(weights_array[start:stop], path, "weights", start)
    return JetData(np.array(jets[start:stop]), label_values, weight_values)


def read_npz(path, labels=None, weights=None) -> JetData:
    """Read jets and labels from an ``.npz`` archive or a ``.npy`` array.

    Parameters
    ----------
    path : str or path-like
        ``.npz`` with arrays ``jets`` ``(N, M, 4)``, ``labels`` and optionally ``weights``
        (``X``/``y`` are accepted too), or ``.npy`` with the jets only.
    labels, weights : array_like or path, default=None
        For a ``.npy`` file: the labels (required) and weights, as arrays or ``.npy`` paths.

    Returns
    -------
    JetData
    """
    path = _check_file(path)
    if detect_format(path) == "npy":
        return _npy_rows(path, 0, None, labels, weights)
    return _npz_rows(path, 0, None)


def write_npz(path, jets, labels, weights=None) -> Path:
    """Write ``jets``, ``labels`` (and ``weights``) to an uncompressed ``.npz`` archive.

    Parameters
    ----------
    path : str or path-like
        Output file.
    jets : array_like of shape (N, M, 4)
        (E, px, py, pz) in GeV, zero-padded.
    labels : array_like of shape (N,)
        0/1 labels, stored as int8.
    weights : array_like of shape (N,), default=None
        Optional finite per-jet weights, stored as float64.

    Returns
    -------
    Path
        ``path``.
    """
    path = _check_output_folder(path)
    jets = np.asarray(jets)

    # The same checks as the other writers, so a bad value fails here and not at read time
    # (a cast to int8 would turn 0.7 into 0 and 256 into 0 without a word).
    _check_jet_shape(jets.shape, path, "jets")
    labels = _check_labels(labels, path, "labels")
    if labels.shape[0] != jets.shape[0]:
        raise ValueError(f"{path}: {jets.shape[0]} jets but {labels.shape[0]} labels")
    arrays = {"jets": jets, "labels": labels}
    if weights is not None:
        weights = _check_weights(weights, path, "weights")
        if weights.shape != labels.shape:
            raise ValueError(f"{path}: {labels.shape[0]} jets but weights of shape "
                             f"{weights.shape}; give one weight per jet")
        arrays["weights"] = weights
    np.savez(path, **arrays)
    return path


# ---------------------------------------------------------------------------------------------
# Parquet (ragged jets through pyarrow and awkward)
# ---------------------------------------------------------------------------------------------


def _parquet_file(path: Path):
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for a damaged file
        raise ValueError(
            f"{path}: cannot be read as Parquet ({type(exc).__name__}: {exc}); the file is "
            "damaged, incomplete or not Parquet."
        ) from exc


def _parquet_rows(path: Path, start: int, stop: int | None, max_particles: int | None,
                  label_column: str, weight_column: str | None) -> JetData:
    import awkward as ak
    import pyarrow as pa

    parquet = _parquet_file(path)
    start, stop = _check_range(path, start, stop, parquet.metadata.num_rows)
    names = parquet.schema_arrow.names
    if "jets" in names:
        particle_columns = ["jets"]
    elif all(name in names for name in _JETCLASS_PARTICLES):
        particle_columns = list(_JETCLASS_PARTICLES)
    else:
        raise ValueError(
            f"{path}: missing column 'jets'; a Parquet jet file needs a list column 'jets' "
            f"(var * 4: E, px, py, pz) or the columns {list(_JETCLASS_PARTICLES)}. Columns "
            f"present: {names}. jetfeat.io.write_parquet writes this layout."
        )
    if label_column not in names:
        raise ValueError(
            f"{path}: missing label column {label_column!r}; columns present: {names}. Pass "
            "label_column=... naming the 0/1 column."
        )
    columns = particle_columns + [label_column]
    if weight_column is not None and weight_column in names:
        columns.append(weight_column)

    # Read only the row groups that overlap [start, stop), then cut to the exact range.
    row_starts = np.cumsum([0] + [parquet.metadata.row_group(i).num_rows
                                  for i in range(parquet.num_row_groups)])
    first = int(np.searchsorted(row_starts, start, side="right") - 1)
    last = int(np.searchsorted(row_starts, stop, side="left"))
    groups = list(range(max(first, 0), min(last, parquet.num_row_groups)))
    if groups:
        table = parquet.read_row_groups(groups, columns=columns)
    else:
        table = parquet.schema_arrow.empty_table().select(columns)
    offset = start - int(row_starts[max(first, 0)]) if groups else 0
    table = table.slice(offset, stop - start)
    if table.num_rows == 0:
        table = pa.Table.from_batches([], schema=table.schema)
    arrays = ak.from_arrow(table)

    if particle_columns == ["jets"]:
        jets_ragged = arrays["jets"]
        components = [jets_ragged[:, :, k] for k in range(4)] if len(arrays) else [
            ak.Array([[]] * 0)] * 4
    else:
        components = [arrays[name] for name in particle_columns]
    if len(arrays) == 0:
        width = 0 if max_particles is None else max_particles
        jets = np.zeros((0, width, 4), dtype=np.float32)
    else:
        jets = _pad_components(components, max_particles)
    labels = _check_labels(ak.to_numpy(arrays[label_column]) if len(arrays) else
                           np.zeros(0, np.int8), path, label_column, start)
    weights = None
    if len(columns) > len(particle_columns) + 1:
        weights = _check_weights(ak.to_numpy(arrays[weight_column]), path, weight_column, start)
    return JetData(jets, labels, weights)


def read_parquet(path, *, max_particles: int | None = None, label_column: str = "label",
                 weight_column: str | None = "weight") -> JetData:
    """Read a Parquet file of ragged jets into padded jets, labels and weights.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`write_parquet` (list column ``jets``) or with the JetClass
        particle columns ``part_energy, part_px, part_py, part_pz``.
    max_particles : int, default=None
        M of the padded output; None uses the largest jet. Longer jets keep their M
        highest-pT constituents.
    label_column : str, default="label"
        The 0/1 label column.
    weight_column : str, default="weight"
        Weight column, used when present.

    Returns
    -------
    JetData
        ``jets`` float32 ``(N, M, 4)``.
    """
    path = _check_file(path)
    return _parquet_rows(path, 0, None, max_particles, label_column, weight_column)


def write_parquet(path, jets, labels, weights=None, *, metadata: dict | None = None,
                  row_group_size: int = 10_000) -> Path:
    """Write jets as a ragged Parquet file: list column ``jets`` (var * 4), ``label``, ``weight``.

    Padding rows (all four entries zero) are dropped, so each jet keeps only its constituents.

    Parameters
    ----------
    path : str or path-like
        Output file.
    jets : array_like of shape (N, M, 4), awkward.Array or JetBatch
        (E, px, py, pz) in GeV.
    labels : array_like of shape (N,)
        0/1 labels.
    weights : array_like of shape (N,), default=None
        Optional per-jet weights.
    metadata : dict, default=None
        Provenance stored under the schema metadata key ``jetfeat`` (see :func:`read_metadata`).
    row_group_size : int, default=10000
        Jets per Parquet row group, the unit of chunked reads.
    """
    import awkward as ak
    import pyarrow.parquet as pq

    from .jets import as_jet_batch

    _check_output_folder(path)
    batch = as_jet_batch(jets)
    labels = _check_labels(labels, Path(path), "label")
    if labels.shape[0] != batch.n_jets:
        raise ValueError(f"{batch.n_jets} jets but {labels.shape[0]} labels")
    particles = ak.unflatten(batch.p4s.astype(np.float32), batch.counts)
    fields = {"jets": particles, "label": labels}
    if weights is not None:
        fields["weight"] = np.asarray(weights, dtype=np.float64)
    table = ak.to_arrow_table(ak.zip(fields, depth_limit=1), extensionarray=False)
    if metadata is not None:
        table = table.replace_schema_metadata({"jetfeat": json.dumps(metadata, default=str)})
    pq.write_table(table, path, row_group_size=row_group_size)
    return Path(path)


# ---------------------------------------------------------------------------------------------
# One interface over all formats
# ---------------------------------------------------------------------------------------------


def count_jets(path, **options) -> int:
    """Return the number of jets in ``path`` (before any class selection for JetClass)."""
    path = _check_file(path)
    fmt = options.pop("format", None) or detect_format(path)
    if fmt == "landscape":
        return _landscape_count(path, options.get("key", "table"))
    if fmt == "jetclass":
        return _jetclass_count(path, options.get("tree", "tree"))
    if fmt == "npz":
        return _npz_count(path)
    if fmt == "npy":
        try:
            return int(np.load(path, mmap_mode="r").shape[0])
        except ValueError as exc:
            raise ValueError(f"{path}: cannot be read as a .npy array ({exc})") from exc
    if fmt == "parquet":
        return int(_parquet_file(path).metadata.num_rows)
    raise ValueError(f"format={fmt!r} is not supported; use one of {FORMATS}")


def read_rows(path, start: int = 0, stop: int | None = None, *, format: str | None = None,
              **options) -> JetData:
    """Read jets ``start:stop`` of ``path`` in any supported format.

    Parameters
    ----------
    path : str or path-like
        Input file.
    start, stop : int, default=0, None
        Row range; None reads to the end.
    format : {"landscape", "jetclass", "npz", "npy", "parquet"}, default=None
        None detects the format from the extension.
    **options
        Format options: ``key``, ``label_column``, ``weight_column`` (landscape);
        ``signal``, ``background``, ``max_particles``, ``tree``, ``weight_branch`` (JetClass);
        ``labels``, ``weights`` (npy); ``max_particles``, ``label_column``, ``weight_column``
        (Parquet).

    Returns
    -------
    JetData
        For JetClass with ``background`` set, jets of other classes are dropped, so fewer than
        ``stop - start`` rows can come back.
    """
    path = _check_file(path)
    fmt = format or detect_format(path)
    allowed = {
        "landscape": {"key", "label_column", "weight_column"},
        "jetclass": {"signal", "background", "max_particles", "tree", "weight_branch"},
        "npz": set(),
        "npy": {"labels", "weights"},
        "parquet": {"max_particles", "label_column", "weight_column"},
    }
    if fmt not in allowed:
        raise ValueError(f"format={fmt!r} is not supported; use one of {FORMATS}")
    unknown = set(options) - allowed[fmt]
    if unknown:
        raise TypeError(
            f"{path}: option(s) {sorted(unknown)} do not apply to the {fmt} format; it accepts "
            f"{sorted(allowed[fmt])}"
        )
    if fmt == "landscape":
        return _landscape_rows(path, start, stop, options.get("key", "table"),
                               options.get("label_column", LANDSCAPE_LABEL),
                               options.get("weight_column", "weight"))
    if fmt == "jetclass":
        return _jetclass_rows(path, start, stop, options.get("tree", "tree"),
                              options.get("signal", "label_Tbqq"), options.get("background"),
                              options.get("max_particles"), options.get("weight_branch"))
    if fmt == "npz":
        return _npz_rows(path, start, stop)
    if fmt == "npy":
        return _npy_rows(path, start, stop, options.get("labels"), options.get("weights"))
    return _parquet_rows(path, start, stop, options.get("max_particles"),
                         options.get("label_column", "label"),
                         options.get("weight_column", "weight"))


def iter_chunks(path, chunk_size: int = 10_000, *, format: str | None = None,
                **options) -> Iterator[JetData]:
    """Yield ``(jets, labels, weights)`` of ``path`` in chunks of ``chunk_size`` jets.

    Only one chunk is in memory at a time, so a 1.2M-jet landscape file (about 3.9 GB as
    float32) can be processed in fixed memory.

    Parameters
    ----------
    path : str, path-like or list of them
        A file, a directory, a glob pattern or a list; files are read one after another.
    chunk_size : int, default=10000
        Jets per chunk; the last chunk of each file may be shorter.
    format : str, default=None
        Force one reader (see :func:`read_rows`); None detects it per file.
    **options
        Passed to :func:`read_rows`.

    Yields
    ------
    JetData
        ``jets`` ``(n, M, 4)``, ``labels`` ``(n,)`` int8 and ``weights`` ``(n,)`` or None.

    Examples
    --------
    >>> for jets, labels, weights in iter_chunks("train.h5", chunk_size=50_000):  # doctest: +SKIP
    ...     table = jetfeat.substructure.compute(jets, "standard")
    """
    if int(chunk_size) < 1:
        raise ValueError(f"chunk_size={chunk_size} is invalid; use a positive number of jets")
    for file in expand_inputs(path):
        n_total = count_jets(file, format=format, **_count_options(options))
        for start in range(0, n_total, int(chunk_size)):
            stop = min(start + int(chunk_size), n_total)
            logger.debug("reading %s rows %d:%d", file, start, stop)
            yield read_rows(file, start, stop, format=format, **options)


def _count_options(options: dict) -> dict:
    return {key: options[key] for key in ("key", "tree") if key in options}


def read(path, *, format: str | None = None, **options) -> JetData:
    """Read a whole file (any supported format) into memory; see :func:`read_rows`."""
    return read_rows(path, 0, None, format=format, **options)


def read_landscape(path, *, key: str = "table", label_column: str = LANDSCAPE_LABEL,
                   weight_column: str | None = "weight", start: int = 0,
                   stop: int | None = None) -> JetData:
    """Read a top tagging landscape HDF5 file (train.h5, val.h5, test.h5).

    Parameters
    ----------
    path : str or path-like
        File written by pandas ``to_hdf(format="fixed")`` or :func:`write_landscape`.
    key : str, default="table"
        HDF5 group of the DataFrame.
    label_column : str, default="is_signal_new"
        The 0/1 label column.
    weight_column : str, default="weight"
        Weight column, used when present (the public files have none).
    start, stop : int, default=0, None
        Row range to read; the whole file by default. For files larger than memory use
        :func:`iter_chunks`.

    Returns
    -------
    JetData
        ``jets`` ``(N, M, 4)`` float32 with M = 200 for the public files; labels int8.
    """
    path = _check_file(path)
    return _landscape_rows(path, start, stop, key, label_column, weight_column)
