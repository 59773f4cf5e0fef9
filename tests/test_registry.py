"""substructure.compute: jets without particles are rejected unless asked for zeros."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest

from jetfeat import features
from jetfeat import substructure as sub
from jetfeat.jets import as_jet_batch


def _jets():
    jets = np.zeros((3, 3, 4))
    jets[0, :2] = [[500.0, 300.0, 0.0, 400.0], [100.0, 60.0, 10.0, 79.0]]
    jets[2, :2] = [[300.0, 0.0, 200.0, 200.0], [80.0, 10.0, 50.0, 60.0]]
    return jets


@pytest.mark.parametrize("jets, first", [
    (_jets(), 1),
    (np.zeros((4, 0, 4)), 0),
    (ak.Array([[[10.0, 6.0, 0.0, 8.0]], [], []]), 1),
])
def test_compute_rejects_empty_jets(jets, first):
    with pytest.raises(ValueError, match=rf"^jet {first} has no particles.*"
                                         r"batch\.select\(batch\.counts > 0\).*empty_jets='zero'"):
        sub.compute(jets, "standard")


def test_compute_zero_option_keeps_zeros():
    table = sub.compute(_jets(), "standard", empty_jets="zero")
    values = table.to_numpy()
    assert np.all(values[1] == 0.0)
    assert np.all(np.isfinite(values))

    # Dropping the empty jet as the message says gives the same values for the others.
    batch = as_jet_batch(_jets())
    kept = sub.compute(batch.select(batch.counts > 0), "standard").to_numpy()
    np.testing.assert_array_equal(kept, values[[0, 2]])


def test_compute_rejects_unknown_empty_jets_option():
    with pytest.raises(ValueError, match=r"empty_jets='skip' is invalid"):
        sub.compute(_jets(), "standard", empty_jets="skip")


def test_feature_presets_pass_empty_jets_through():
    fs = features.get_feature_set("standard")
    with pytest.raises(ValueError, match=r"^jet 1 has no particles"):
        fs.compute(_jets())
    values = fs.compute(_jets(), empty_jets="zero").to_numpy()
    assert np.all(values[1] == 0.0)
