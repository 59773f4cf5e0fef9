"""Jet input: turn numpy, awkward or list input into one packed, validated batch of jets.

Every kernel in jetfeat reads jets through :class:`JetBatch`, a ragged layout with the
particles of all jets packed one after another:

- ``p4s``: ``(P, 4)`` float64, (E, px, py, pz) in GeV;
- ``ptyphims``: ``(P, 4)`` float64, (pT [GeV], rapidity y, phi [rad], m [GeV]), phi in (-pi, pi];
- ``offsets``: ``(N + 1,)`` int64, the particles of jet ``i`` are rows ``offsets[i]:offsets[i+1]``.

Conventions
-----------
- Zero-padded input ``(N, M, 4)`` (the layout of the top tagging landscape dataset) and a single
  jet ``(M, 4)`` are accepted. Rows whose four entries are all zero are padding and are dropped
  wherever they sit.
- ``coords="epxpypz"`` (default) reads (E, px, py, pz); ``coords="ptyphim"`` reads (pT, y, phi, m).
- Rapidity y = 0.5 ln((E + pz) / (E - pz)), not pseudorapidity. A particle with pT = 0 but E > 0
  (exactly along the beam) has no finite rapidity: it is stored with y = 0 and phi = 0. It
  carries no weight in pT-weighted observables with kappa > 0, and observables that would need
  its direction reject it with a ValueError.
- The caller's arrays are never modified; any dtype that is a real number, any strides and any
  memory order give the same batch as a fresh contiguous float64 copy.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

logger = logging.getLogger(__name__)

__all__ = ["JetBatch", "as_jet_batch", "COORDS"]

COORDS = ("epxpypz", "ptyphim")

# Relative tolerance on E^2 - p^2 below which a slightly negative squared mass (rounding in
# float32 input) is treated as zero instead of being rejected.
_MASS2_TOLERANCE = 1e-6


@dataclass(frozen=True)
class JetBatch:
    """A packed batch of jets with both coordinate layouts.

    Attributes
    ----------
    p4s : ndarray of shape (P, 4)
        (E, px, py, pz) in GeV of every particle, C-contiguous float64.
    ptyphims : ndarray of shape (P, 4)
        (pT [GeV], y, phi [rad] in (-pi, pi], m [GeV]) of the same particles.
    offsets : ndarray of shape (N + 1,)
        int64 start of each jet's particles in the packed arrays; ``offsets[-1] == P``.
    """

    p4s: np.ndarray
    ptyphims: np.ndarray
    offsets: np.ndarray

    @property
    def n_jets(self) -> int:
        """Number of jets N."""
        return int(self.offsets.shape[0] - 1)

    @property
    def counts(self) -> np.ndarray:
        """Number of (non-padding) particles in each jet, shape (N,)."""
        return np.diff(self.offsets)

    def __len__(self) -> int:
        return self.n_jets

    def jet(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Return the ``(p4s, ptyphims)`` rows of jet ``i`` (views, not copies)."""
        if not -self.n_jets <= i < self.n_jets:
            raise IndexError(f"jet index {i} is out of range for a batch of {self.n_jets} jets")
        i = i % self.n_jets
        start, stop = self.offsets[i], self.offsets[i + 1]
        return self.p4s[start:stop], self.ptyphims[start:stop]

    def select(self, indices: np.ndarray | slice) -> JetBatch:
        """Return a new batch with the jets at ``indices`` (a slice or integer array)."""
        index = np.arange(self.n_jets)[indices]
        counts = self.counts[index]
        offsets = np.zeros(index.shape[0] + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        rows = _rows_of_jets(self.offsets, index)
        return JetBatch(
            p4s=np.ascontiguousarray(self.p4s[rows]),
            ptyphims=np.ascontiguousarray(self.ptyphims[rows]),
            offsets=offsets,
        )

    def padded(self, max_particles: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Return zero-padded ``(N, M, 4)`` (E, px, py, pz) and the particle counts.

        Parameters
        ----------
        max_particles : int, default=None
            M. None uses the largest jet; smaller jets are truncated to their leading rows.
        """
        counts = self.counts
        width = int(counts.max(initial=0)) if max_particles is None else int(max_particles)
        out = np.zeros((self.n_jets, width, 4), dtype=np.float64)
        kept = np.minimum(counts, width)
        jet_index = np.repeat(np.arange(self.n_jets), kept)
        slot = np.arange(kept.sum()) - np.repeat(np.cumsum(kept) - kept, kept)
        source = np.repeat(self.offsets[:-1], kept) + slot
        out[jet_index, slot] = self.p4s[source]
        return out, kept


def _rows_of_jets(offsets: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Return the packed particle rows of the jets in ``index``, in order."""
    starts = offsets[:-1][index]
    counts = offsets[1:][index] - starts
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(starts, counts) + within


def _jet_of_row(offsets: np.ndarray, row: int) -> int:
    return int(np.searchsorted(offsets, row, side="right") - 1)


def _check_real_dtype(array: np.ndarray, what: str) -> None:
    if array.dtype == np.bool_ or not (
        np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)
    ):
        raise TypeError(
            f"{what} has dtype {array.dtype}; jets must be real numbers (float32 or float64). "
            "Convert with np.asarray(jets, dtype=np.float64)."
        )


def _pack_padded(array: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pack ``(N, M, 4)`` zero-padded rows into ``(P, 4)`` rows plus offsets."""
    real = np.any(array != 0.0, axis=2)
    counts = real.sum(axis=1)
    offsets = np.zeros(array.shape[0] + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])

    # Boolean indexing copies, so the caller's array is never touched; NaN rows count as real.
    rows = np.asarray(array[real], dtype=np.float64)
    return np.ascontiguousarray(rows), offsets


def _pack_sequence(jets: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """Pack a list of ``(M_i, 4)`` arrays (ragged) into rows plus offsets."""
    parts = []
    for i, jet in enumerate(jets):
        array = np.asarray(jet)
        _check_real_dtype(array, f"jet {i}")
        if array.size == 0:
            array = array.reshape(0, 4)
        if array.ndim != 2 or array.shape[1] != 4:
            raise ValueError(
                f"jet {i} has shape {array.shape}; each jet in a list must be (M, 4) "
                "with four coordinates per particle."
            )
        parts.append(array[np.any(array != 0.0, axis=1)].astype(np.float64))
    counts = np.array([part.shape[0] for part in parts], dtype=np.int64)
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    rows = np.concatenate(parts) if parts else np.zeros((0, 4))
    return np.ascontiguousarray(rows, dtype=np.float64), offsets


_RECORD_FIELDS = {
    "epxpypz": [("E", "e", "energy", "t"), ("px", "x"), ("py", "y"), ("pz", "z")],
    "ptyphim": [("pt", "pT", "rho"), ("y", "rap", "rapidity"), ("phi",), ("m", "mass", "tau")],
}


def _pack_awkward(jets, coords: str) -> tuple[np.ndarray, np.ndarray]:
    """Pack an awkward array of jets: ``N * var * 4`` numbers or ``N * var * record``."""
    import awkward as ak

    if jets.ndim == 2 and ak.fields(jets):
        # Records with named coordinates, for example vector's Momentum4D.
        columns = []
        for aliases in _RECORD_FIELDS[coords]:
            name = next((field for field in aliases if field in ak.fields(jets)), None)
            if name is None:
                raise ValueError(
                    f"awkward record array has fields {ak.fields(jets)}; coords={coords!r} "
                    f"needs one of {aliases}. Pass coords='epxpypz' or coords='ptyphim' to match."
                )
            columns.append(jets[name])
        jets = ak.concatenate([column[..., np.newaxis] for column in columns], axis=-1)
    if jets.ndim == 2:
        jets = jets[np.newaxis]
    if jets.ndim != 3:
        raise ValueError(
            f"awkward array has {jets.ndim} dimensions; expected N * var * 4 numbers (a batch of "
            "jets) or var * 4 (one jet)."
        )
    counts = ak.to_numpy(ak.num(jets, axis=1)).astype(np.int64)
    inner = ak.num(jets, axis=2)
    flat_inner = ak.to_numpy(ak.flatten(inner)) if len(inner) else np.zeros(0, dtype=np.int64)
    if flat_inner.size and np.any(flat_inner != 4):
        bad = int(np.flatnonzero(flat_inner != 4)[0])
        offsets = np.concatenate([[0], np.cumsum(counts)])
        raise ValueError(
            f"jet {_jet_of_row(offsets, bad)} has a particle with {flat_inner[bad]} coordinates; "
            "every particle needs exactly 4."
        )

    # ak.flatten copies only what the (possibly sliced) view selects, so slices of larger
    # arrays give the same rows as a fresh array.
    rows = ak.to_numpy(ak.flatten(jets, axis=1)).astype(np.float64).reshape(-1, 4)
    real = np.any(rows != 0.0, axis=1)
    jet_of_row = np.repeat(np.arange(counts.shape[0]), counts)
    counts = np.bincount(jet_of_row[real], minlength=counts.shape[0]).astype(np.int64)
    offsets = np.zeros(counts.shape[0] + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return np.ascontiguousarray(rows[real]), offsets


def _check_finite(rows: np.ndarray, offsets: np.ndarray) -> None:
    finite = np.isfinite(rows).all(axis=1)
    if not finite.all():
        row = int(np.flatnonzero(~finite)[0])
        jet = _jet_of_row(offsets, row)
        raise ValueError(
            f"jet {jet}, particle {row - offsets[jet]} has a non-finite coordinate "
            f"{rows[row].tolist()}; remove such particles or fix the input before computing "
            "features."
        )


def _ptyphims_from_p4s(p4s: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    energy, px, py, pz = p4s.T
    if np.any(energy < 0.0):
        row = int(np.flatnonzero(energy < 0.0)[0])
        jet = _jet_of_row(offsets, row)
        raise ValueError(
            f"jet {jet}, particle {row - offsets[jet]} has negative energy "
            f"E={float(energy[row])} GeV; check the column order, which must be "
            "(E, px, py, pz) for coords='epxpypz'."
        )
    pt2 = px * px + py * py
    pt = np.sqrt(pt2)
    mass2 = energy * energy - pt2 - pz * pz
    tachyonic = mass2 < -_MASS2_TOLERANCE * energy * energy
    if np.any(tachyonic):
        row = int(np.flatnonzero(tachyonic)[0])
        jet = _jet_of_row(offsets, row)
        raise ValueError(
            f"jet {jet}, particle {row - offsets[jet]} has E={float(energy[row])} GeV smaller than "
            f"|p|={float(np.sqrt(pt2[row] + pz[row] ** 2))} GeV; check the column order "
            "(E, px, py, pz) and the units."
        )

    with np.errstate(divide="ignore", invalid="ignore"):
        rapidity = 0.5 * np.log((energy + pz) / (energy - pz))
    along_beam = (pt == 0.0) | ~np.isfinite(rapidity)
    rapidity[along_beam] = 0.0
    phi = np.arctan2(py, px)
    phi[phi <= -np.pi] = np.pi
    phi[along_beam] = 0.0
    mass = np.sqrt(np.maximum(mass2, 0.0))
    return np.ascontiguousarray(np.stack([pt, rapidity, phi, mass], axis=1))


def _p4s_from_ptyphims(rows: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pt, rapidity, phi, mass = rows.T
    if np.any(pt < 0.0) or np.any(mass < 0.0):
        row = int(np.flatnonzero((pt < 0.0) | (mass < 0.0))[0])
        jet = _jet_of_row(offsets, row)
        raise ValueError(
            f"jet {jet}, particle {row - offsets[jet]} has pT={float(pt[row])} GeV and "
            f"m={float(mass[row])} GeV; both must be >= 0 for coords='ptyphim' "
            "(columns pT, y, phi, m)."
        )
    transverse_mass = np.sqrt(pt * pt + mass * mass)
    p4s = np.stack(
        [
            transverse_mass * np.cosh(rapidity),
            pt * np.cos(phi),
            pt * np.sin(phi),
            transverse_mass * np.sinh(rapidity),
        ],
        axis=1,
    )

    # Keep the caller's pT, y and m exactly; only phi is wrapped into (-pi, pi].
    wrapped = np.array(rows, dtype=np.float64, copy=True)
    wrapped[:, 2] = np.angle(np.exp(1j * phi))
    wrapped[wrapped[:, 2] <= -np.pi, 2] = np.pi
    return np.ascontiguousarray(p4s), np.ascontiguousarray(wrapped)


def as_jet_batch(jets, coords: str = "epxpypz") -> JetBatch:
    """Convert jets to a validated :class:`JetBatch`.

    Parameters
    ----------
    jets : array_like, awkward.Array, list of arrays or JetBatch
        A zero-padded batch ``(N, M, 4)``, a single jet ``(M, 4)``, a list of ``(M_i, 4)``
        arrays, or an awkward array ``N * var * 4`` (or of records with coordinate fields).
        Float32 or float64 (integers are converted); any strides or memory order.
    coords : {"epxpypz", "ptyphim"}, default="epxpypz"
        Meaning of the four columns: (E, px, py, pz) or (pT, y, phi, m), in GeV and radians.

    Returns
    -------
    JetBatch
        Packed particles with both coordinate layouts; padding rows removed.

    Raises
    ------
    ValueError
        On a wrong shape, a non-finite coordinate, negative energy, E < |p|, or negative pT or
        mass; the message names the jet and particle index.
    TypeError
        On a non-numeric dtype.
    """
    if isinstance(jets, JetBatch):
        return jets
    if coords not in COORDS:
        raise ValueError(f"coords={coords!r} is not supported; use one of {COORDS}.")

    integer_input = False
    if type(jets).__module__.startswith("awkward"):
        rows, offsets = _pack_awkward(jets, coords)
    elif isinstance(jets, (list, tuple)) and jets and not np.isscalar(jets[0]) and (
        len({np.shape(jet) for jet in jets}) > 1 or np.ndim(jets[0]) == 2
    ):
        rows, offsets = _pack_sequence(jets)
    else:
        array = np.asarray(jets)
        _check_real_dtype(array, "jets")
        integer_input = np.issubdtype(array.dtype, np.integer)
        if array.ndim == 2:
            array = array[np.newaxis]
        if array.ndim != 3 or array.shape[-1] != 4:
            raise ValueError(
                f"jets have shape {array.shape}; expected (N, M, 4) for a batch or (M, 4) for one "
                f"jet, with 4 coordinates ({coords}) per particle."
            )
        rows, offsets = _pack_padded(array)

    _check_finite(rows, offsets)
    if coords == "epxpypz":
        p4s = rows
        try:
            ptyphims = _ptyphims_from_p4s(rows, offsets)
        except ValueError as exc:
            if not integer_input:
                raise
            raise ValueError(
                f"{exc} The jets were given as integers, which truncates momenta: pass "
                "floating-point four-vectors (float32 or float64)."
            ) from None
    else:
        p4s, ptyphims = _p4s_from_ptyphims(rows, offsets)
    logger.debug("packed %d jets with %d particles", offsets.shape[0] - 1, rows.shape[0])
    return JetBatch(p4s=p4s, ptyphims=ptyphims, offsets=offsets)
