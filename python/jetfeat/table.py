"""FeatureTable: named feature columns, one row per jet."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np


class FeatureTable(Mapping):
    """An ordered mapping of feature name to a 1-D float64 array, one entry per jet.

    Parameters
    ----------
    columns : mapping of str to array_like
        Feature name to values; every column must have the same length.
    metadata : dict, default=None
        Free-form provenance (parameters, jetfeat version) carried into Parquet output.

    Examples
    --------
    >>> table = FeatureTable({"m": np.array([172.0, 80.4]), "pt": np.array([600.0, 580.0])})
    >>> table.names
    ['m', 'pt']
    >>> table.to_numpy().shape
    (2, 2)
    """

    def __init__(self, columns: Mapping[str, np.ndarray], metadata: dict | None = None):
        self._columns: dict[str, np.ndarray] = {}
        length = None
        for name, values in columns.items():
            array = np.asarray(values, dtype=np.float64)
            if array.ndim != 1:
                raise ValueError(f"feature {name!r} has shape {array.shape}; columns must be 1-D")
            if length is not None and array.shape[0] != length:
                raise ValueError(
                    f"feature {name!r} has {array.shape[0]} rows but earlier columns have {length}"
                )
            length = array.shape[0]
            self._columns[str(name)] = array
        self._length = 0 if length is None else length
        self.metadata = dict(metadata or {})

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self._columns[name]
        except KeyError:
            raise KeyError(
                f"no feature named {name!r}; the table has {len(self._columns)} features, "
                f"for example {list(self._columns)[:5]}"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __repr__(self) -> str:
        return f"FeatureTable({self.n_rows} jets x {len(self)} features)"

    @property
    def names(self) -> list[str]:
        """Feature names in column order."""
        return list(self._columns)

    @property
    def n_rows(self) -> int:
        """Number of jets (rows)."""
        return self._length

    def to_numpy(self) -> np.ndarray:
        """Return the features as an ``(n_rows, n_features)`` float64 array in column order."""
        if not self._columns:
            return np.zeros((self._length, 0))
        return np.column_stack(list(self._columns.values()))

    def to_pandas(self):
        """Return the features as a pandas DataFrame with one column per feature."""
        import pandas as pd

        return pd.DataFrame(self._columns, copy=False)

    @classmethod
    def from_array(cls, array: np.ndarray, names: list[str], metadata: dict | None = None):
        """Build a table from an ``(n_rows, n_features)`` array and its column names."""
        array = np.asarray(array, dtype=np.float64)
        if array.ndim != 2 or array.shape[1] != len(names):
            raise ValueError(
                f"array of shape {array.shape} does not match {len(names)} feature names"
            )
        return cls({name: array[:, i] for i, name in enumerate(names)}, metadata)

    def concat(self, other: FeatureTable) -> FeatureTable:
        """Return a table with the columns of ``self`` followed by those of ``other``."""
        clash = set(self._columns) & set(other._columns)
        if clash:
            raise ValueError(f"feature names appear in both tables: {sorted(clash)[:5]}")
        return FeatureTable({**self._columns, **other._columns}, {**self.metadata,
                                                                   **other.metadata})
