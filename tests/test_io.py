"""Readers and writers of jetfeat.io: round trips, chunking and error messages."""

from __future__ import annotations

import json

import awkward as ak
import h5py
import numpy as np
import pytest

from jetfeat import io as jio
from jetfeat.jets import as_jet_batch


def _random_jets(rng, n_jets=37, width=12):
    """Zero-padded (E, px, py, pz) jets with physical four-momenta, sorted by pT."""
    jets = np.zeros((n_jets, width, 4), dtype=np.float32)
    counts = rng.integers(1, width + 1, size=n_jets)
    for i, count in enumerate(counts):
        pt = np.sort(rng.exponential(40.0, count))[::-1] + 1.0
        eta = rng.normal(0.0, 0.3, count)
        phi = rng.uniform(-0.4, 0.4, count)
        jets[i, :count, 1] = pt * np.cos(phi)
        jets[i, :count, 2] = pt * np.sin(phi)
        jets[i, :count, 3] = pt * np.sinh(eta)
        jets[i, :count, 0] = pt * np.cosh(eta)
    labels = rng.integers(0, 2, size=n_jets).astype(np.int8)
    return jets, labels


@pytest.fixture
def sample(rng):
    return _random_jets(rng)


def _write_jetclass(path, jets, labels, extra_class=None):
    import uproot

    batch = as_jet_batch(jets)
    branches = {}
    for k, name in enumerate(("part_energy", "part_px", "part_py", "part_pz")):
        branches[name] = ak.unflatten(batch.p4s[:, k].astype(np.float32), batch.counts)
    branches["label_Tbqq"] = labels.astype(np.float32)
    qcd = (1 - labels).astype(np.float32)
    if extra_class is not None:
        qcd = np.where(extra_class, 0.0, qcd).astype(np.float32)
        branches["label_Hbb"] = extra_class.astype(np.float32)
    branches["label_QCD"] = qcd
    branches["jet_pt"] = np.zeros(len(labels), dtype=np.float32)
    with uproot.recreate(path) as handle:
        handle["tree"] = branches


# --- landscape HDF5 -------------------------------------------------------------------------


def test_landscape_round_trip(tmp_path, sample):
    jets, labels = sample
    path = jio.write_landscape(tmp_path / "jets.h5", jets, labels, metadata={"seed": 7})
    data = jio.read_landscape(path)
    np.testing.assert_array_equal(data.jets, jets)
    np.testing.assert_array_equal(data.labels, labels)
    assert data.weights is None
    assert jio.read_metadata(path) == {"seed": 7}


def test_landscape_layout_matches_pandas(tmp_path, sample):
    jets, labels = sample
    path = jio.write_landscape(tmp_path / "jets.h5", jets, labels, n_particles=12)
    with h5py.File(path) as handle:
        group = handle["table"]
        columns = [name.decode() for name in group["axis0"][()]]
        assert columns[:5] == ["E_0", "PX_0", "PY_0", "PZ_0", "E_1"]
        assert columns[-6:] == ["truthE", "truthPX", "truthPY", "truthPZ", "ttv",
                                "is_signal_new"]
        assert group.attrs["pandas_type"] == b"frame"
        assert group["block0_values"].shape == (len(labels), 4 * 12 + 4)
        assert group["block0_values"].dtype == np.float32
        np.testing.assert_array_equal(group["block1_values"][:, 1], labels)
        np.testing.assert_array_equal(group["axis1"][()], np.arange(len(labels)))


def test_landscape_readable_by_pandas(tmp_path, sample):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("tables", reason="pandas.read_hdf needs PyTables")
    jets, labels = sample
    path = jio.write_landscape(tmp_path / "jets.h5", jets, labels)
    frame = pd.read_hdf(path, "table")
    assert frame.shape == (len(labels), 4 * jets.shape[1] + 6)
    np.testing.assert_array_equal(frame["is_signal_new"].to_numpy(), labels)
    names = [f"{p}_{i}" for i in range(jets.shape[1]) for p in ("E", "PX", "PY", "PZ")]
    np.testing.assert_array_equal(frame[names].to_numpy().reshape(jets.shape), jets)


def test_landscape_written_by_pandas(tmp_path, sample):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("tables", reason="DataFrame.to_hdf needs PyTables")
    jets, labels = sample
    n, width, _ = jets.shape
    columns = {}
    for i in range(width):
        for k, prefix in enumerate(("E", "PX", "PY", "PZ")):
            columns[f"{prefix}_{i}"] = jets[:, i, k]
    for name in ("truthE", "truthPX", "truthPY", "truthPZ"):
        columns[name] = np.zeros(n, dtype=np.float32)
    columns["ttv"] = np.zeros(n, dtype=np.int64)
    columns["is_signal_new"] = labels.astype(np.int64)
    path = tmp_path / "pandas.h5"
    pd.DataFrame(columns).to_hdf(path, key="table", format="fixed", mode="w")
    data = jio.read_landscape(path)
    np.testing.assert_array_equal(data.jets, jets)
    np.testing.assert_array_equal(data.labels, labels)


def test_landscape_chunks_cover_file(tmp_path, sample):
    jets, labels = sample
    path = jio.write_landscape(tmp_path / "jets.h5", jets, labels)
    chunks = list(jio.iter_chunks(path, chunk_size=10))
    assert [len(c.labels) for c in chunks] == [10, 10, 10, 7]
    np.testing.assert_array_equal(np.concatenate([c.jets for c in chunks]), jets)
    np.testing.assert_array_equal(np.concatenate([c.labels for c in chunks]), labels)


def test_landscape_weights_and_appends(tmp_path, sample):
    jets, labels = sample
    weights = np.linspace(0.5, 2.0, len(labels))
    with jio.LandscapeWriter(tmp_path / "w.h5", n_particles=jets.shape[1],
                             with_weights=True) as writer:
        writer.append(jets[:20], labels[:20], weights[:20])
        writer.append(jets[20:], labels[20:], weights[20:])
    data = jio.read_landscape(tmp_path / "w.h5")
    np.testing.assert_array_equal(data.jets, jets)
    np.testing.assert_allclose(data.weights, weights.astype(np.float32))


def test_landscape_missing_label_column(tmp_path, sample):
    jets, labels = sample
    path = jio.write_landscape(tmp_path / "jets.h5", jets, labels)
    with pytest.raises(ValueError, match=r"jets\.h5.*missing label column 'target'"):
        jio.read_landscape(path, label_column="target")


def test_landscape_missing_constituent_column(tmp_path):
    path = tmp_path / "broken.h5"
    with h5py.File(path, "w") as handle:
        group = handle.create_group("table")
        group["block0_items"] = np.array([b"PX_0", b"is_signal_new"])
        group["block0_values"] = np.zeros((3, 2), dtype=np.float32)
    with pytest.raises(ValueError, match=r"broken\.h5.*missing column 'E_0'"):
        jio.read_landscape(path)


def test_landscape_bad_label_value(tmp_path, sample):
    jets, labels = sample
    path = jio.write_landscape(tmp_path / "jets.h5", jets, labels)
    with h5py.File(path, "r+") as handle:
        handle["table/block1_values"][5, 1] = 3
    with pytest.raises(ValueError, match=r"'is_signal_new' has the value 3 at jet 5.*0 \(bac"):
        jio.read_landscape(path)


def test_unreadable_hdf5(tmp_path):
    path = tmp_path / "garbage.h5"
    path.write_bytes(b"this is not HDF5")
    with pytest.raises(ValueError, match=r"garbage\.h5: cannot be opened as HDF5"):
        jio.read_landscape(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nothing\.h5: no such file"):
        jio.read_landscape(tmp_path / "nothing.h5")
    with pytest.raises(FileNotFoundError, match="no such file"):
        list(jio.iter_chunks(tmp_path / "nothing.parquet"))


# --- JetClass ROOT --------------------------------------------------------------------------


def test_jetclass_round_trip(tmp_path, sample):
    jets, labels = sample
    path = tmp_path / "TTBar_000.root"
    _write_jetclass(path, jets, labels)
    data = jio.read_jetclass(path, max_particles=jets.shape[1])
    np.testing.assert_array_equal(data.jets, jets)
    np.testing.assert_array_equal(data.labels, labels)
    chunks = list(jio.iter_chunks(path, chunk_size=16, max_particles=jets.shape[1]))
    np.testing.assert_array_equal(np.concatenate([c.jets for c in chunks]), jets)


def test_jetclass_truncation_keeps_leading_pt(tmp_path, sample):
    jets, labels = sample
    path = tmp_path / "TTBar_000.root"
    # Reverse the constituent order inside each jet: truncation must still keep the hardest.
    reversed_jets = [jet[np.any(jet != 0, axis=1)][::-1] for jet in jets]
    _write_jetclass(path, reversed_jets, labels)
    data = jio.read_jetclass(path, max_particles=3)
    assert data.jets.shape == (len(labels), 3, 4)
    for i, jet in enumerate(jets):
        count = int(np.any(jet != 0, axis=1).sum())
        if count >= 3:
            np.testing.assert_array_equal(data.jets[i], jet[:3])


def test_jetclass_background_selection(tmp_path, sample):
    jets, labels = sample
    higgs = (labels == 0) & (np.arange(len(labels)) % 3 == 0)
    path = tmp_path / "mixed.root"
    _write_jetclass(path, jets, labels, extra_class=higgs)
    data = jio.read_jetclass(path, background=["label_QCD"], max_particles=jets.shape[1])
    assert len(data.labels) == len(labels) - higgs.sum()
    np.testing.assert_array_equal(data.jets, jets[~higgs])


def test_jetclass_missing_branch(tmp_path, sample):
    jets, labels = sample
    path = tmp_path / "TTBar_000.root"
    _write_jetclass(path, jets, labels)
    with pytest.raises(ValueError, match=r"TTBar_000\.root: missing branch 'label_Zqq'"):
        jio.read_jetclass(path, signal="label_Zqq")


# --- numpy ----------------------------------------------------------------------------------


def test_npz_row_ranges(tmp_path, sample):
    jets, labels = sample
    weights = np.arange(len(labels), dtype=np.float64)
    path = jio.write_npz(tmp_path / "jets.npz", jets, labels, weights)
    data = jio.read_rows(path, 7, 19)
    np.testing.assert_array_equal(data.jets, jets[7:19])
    np.testing.assert_array_equal(data.labels, labels[7:19])
    np.testing.assert_array_equal(data.weights, weights[7:19])


def test_npz_compressed(tmp_path, sample):
    jets, labels = sample
    np.savez_compressed(tmp_path / "c.npz", X=jets, y=labels)
    data = jio.read_rows(tmp_path / "c.npz", 3, 30)
    np.testing.assert_array_equal(data.jets, jets[3:30])


def test_npz_missing_labels(tmp_path, sample):
    jets, _ = sample
    np.savez(tmp_path / "nolabels.npz", jets=jets)
    with pytest.raises(ValueError, match=r"nolabels\.npz: missing array 'labels'"):
        jio.read_npz(tmp_path / "nolabels.npz")


def test_npy_needs_labels(tmp_path, sample):
    jets, labels = sample
    np.save(tmp_path / "jets.npy", jets)
    np.save(tmp_path / "labels.npy", labels)
    with pytest.raises(ValueError, match="pass labels="):
        jio.read_npz(tmp_path / "jets.npy")
    data = jio.read_npz(tmp_path / "jets.npy", labels=tmp_path / "labels.npy")
    np.testing.assert_array_equal(data.jets, jets)


def test_npz_float_labels_other_than_01(tmp_path, sample):
    jets, labels = sample
    np.savez(tmp_path / "soft.npz", jets=jets, labels=labels * 0.5)
    with pytest.raises(ValueError, match=r"'labels' has the value 0\.5"):
        jio.read_npz(tmp_path / "soft.npz")


def test_npz_wrong_shape(tmp_path):
    np.savez(tmp_path / "flat.npz", jets=np.zeros((4, 12)), labels=np.zeros(4))
    with pytest.raises(ValueError, match=r"'jets' has shape \(4, 12\)"):
        jio.read_npz(tmp_path / "flat.npz")


@pytest.mark.parametrize("bad_labels, value", [([0.7, 1.0, 0.2], "0.7"), ([0, 1, 256], "256"),
                                               ([0, 2, 1], "2")])
def test_write_npz_rejects_bad_labels(tmp_path, sample, bad_labels, value):
    jets = sample[0][:3]
    with pytest.raises(ValueError, match=rf"'labels' has the value {value}.* at jet"):
        jio.write_npz(tmp_path / "bad.npz", jets, bad_labels)
    assert not (tmp_path / "bad.npz").exists()


def test_write_npz_rejects_three_columns(tmp_path, sample):
    jets, labels = sample
    with pytest.raises(ValueError, match=r"'jets' has shape \(37, 12, 3\)"):
        jio.write_npz(tmp_path / "bad.npz", jets[:, :, :3], labels)
    with pytest.raises(ValueError, match=r"37 jets but 36 labels"):
        jio.write_npz(tmp_path / "bad.npz", jets, labels[:-1])
    with pytest.raises(ValueError, match=r"non-finite weight nan at jet 2"):
        jio.write_npz(tmp_path / "bad.npz", jets[:3], labels[:3], [1.0, 1.0, np.nan])


# --- Parquet --------------------------------------------------------------------------------


def test_parquet_round_trip(tmp_path, sample):
    jets, labels = sample
    weights = np.full(len(labels), 0.25)
    path = jio.write_parquet(tmp_path / "jets.parquet", jets, labels, weights,
                             metadata={"origin": "test"}, row_group_size=8)
    data = jio.read_parquet(path, max_particles=jets.shape[1])
    np.testing.assert_array_equal(data.jets, jets)
    np.testing.assert_array_equal(data.labels, labels)
    np.testing.assert_array_equal(data.weights, weights)
    assert jio.read_metadata(path) == {"origin": "test"}


@pytest.mark.parametrize("chunk_size", [1, 5, 8, 13, 100])
def test_parquet_chunks_across_row_groups(tmp_path, sample, chunk_size):
    jets, labels = sample
    path = jio.write_parquet(tmp_path / "jets.parquet", jets, labels, row_group_size=8)
    chunks = list(jio.iter_chunks(path, chunk_size=chunk_size, max_particles=jets.shape[1]))
    np.testing.assert_array_equal(np.concatenate([c.jets for c in chunks]), jets)
    np.testing.assert_array_equal(np.concatenate([c.labels for c in chunks]), labels)


def test_parquet_jetclass_columns(tmp_path, sample):
    import pyarrow.parquet as pq

    jets, labels = sample
    batch = as_jet_batch(jets)
    record = {name: ak.unflatten(np.ascontiguousarray(batch.p4s[:, k]), batch.counts)
              for k, name in enumerate(("part_energy", "part_px", "part_py", "part_pz"))}
    record["label"] = labels
    pq.write_table(ak.to_arrow_table(ak.zip(record, depth_limit=1)), tmp_path / "jc.parquet")
    data = jio.read_parquet(tmp_path / "jc.parquet", max_particles=jets.shape[1])
    np.testing.assert_allclose(data.jets, jets)


def test_parquet_missing_column(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"label": [0, 1]}), tmp_path / "nojets.parquet")
    with pytest.raises(ValueError, match=r"nojets\.parquet: missing column 'jets'"):
        jio.read_parquet(tmp_path / "nojets.parquet")


def test_unreadable_parquet(tmp_path):
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 nonsense")
    with pytest.raises(ValueError, match=r"bad\.parquet: cannot be read as Parquet"):
        jio.read_parquet(tmp_path / "bad.parquet")


# --- one interface --------------------------------------------------------------------------


def test_formats_agree(tmp_path, sample):
    jets, labels = sample
    paths = [
        jio.write_landscape(tmp_path / "a.h5", jets, labels),
        jio.write_npz(tmp_path / "b.npz", jets, labels),
        jio.write_parquet(tmp_path / "c.parquet", jets, labels),
    ]
    _write_jetclass(tmp_path / "d.root", jets, labels)
    paths.append(tmp_path / "d.root")
    for path in paths:
        options = {} if path.suffix in (".h5", ".npz") else {"max_particles": jets.shape[1]}
        data = jio.read(path, **options)
        np.testing.assert_array_equal(data.jets, jets, err_msg=str(path))
        np.testing.assert_array_equal(data.labels, labels, err_msg=str(path))


def test_iter_chunks_over_directory(tmp_path, sample):
    jets, labels = sample
    jio.write_npz(tmp_path / "part1.npz", jets[:20], labels[:20])
    jio.write_npz(tmp_path / "part2.npz", jets[20:], labels[20:])
    (tmp_path / "notes.txt").write_text("ignored")
    chunks = list(jio.iter_chunks(tmp_path, chunk_size=15))
    assert [len(c.labels) for c in chunks] == [15, 5, 15, 2]
    np.testing.assert_array_equal(np.concatenate([c.jets for c in chunks]), jets)
    assert jio.expand_inputs(str(tmp_path / "part*.npz")) == [tmp_path / "part1.npz",
                                                              tmp_path / "part2.npz"]


def test_unknown_extension_and_options(tmp_path, sample):
    (tmp_path / "jets.csv").write_text("1,2,3")
    with pytest.raises(ValueError, match=r"jets\.csv: cannot tell the format"):
        jio.read(tmp_path / "jets.csv")
    jets, labels = sample
    path = jio.write_npz(tmp_path / "b.npz", jets, labels)
    with pytest.raises(TypeError, match=r"\['signal'\] do not apply to the npz format"):
        jio.read(path, signal="label_Tbqq")
    with pytest.raises(ValueError, match="chunk_size=0 is invalid"):
        list(jio.iter_chunks(path, chunk_size=0))


def test_shared_pythia_sample_round_trip(tmp_path, pythia_sample):
    jets, labels = pythia_sample
    path = jio.write_landscape(tmp_path / "pythia.h5", jets[:500], labels[:500],
                               metadata=json.loads(json.dumps({"n": 500})))
    data = jio.read_landscape(path)
    np.testing.assert_array_equal(data.jets, jets[:500])
    np.testing.assert_array_equal(data.labels, labels[:500])


def test_writers_name_missing_folder(tmp_path, sample):
    jets, labels = sample
    target = tmp_path / "nodir"
    for writer, name in ((jio.write_landscape, "out.h5"), (jio.write_npz, "out.npz"),
                         (jio.write_parquet, "out.parquet")):
        with pytest.raises(FileNotFoundError, match=r"the output folder .*nodir does not exist; "
                                                    r"create it first"):
            writer(target / name, jets, labels)
    assert not target.exists()


def test_readers_name_the_real_format(tmp_path, sample):
    jets, labels = sample
    npz = jio.write_npz(tmp_path / "jets.npz", jets, labels)
    disguised = tmp_path / "jets.h5"
    disguised.write_bytes(npz.read_bytes())
    with pytest.raises(ValueError, match=r"is a numpy \.npz \(zip\) file, not HDF5.*"
                                         r"format='npz'\) \(the jetfeat\.io\.read_npz format"):
        jio.read_landscape(disguised)
    data = jio.read(disguised, format="npz")
    np.testing.assert_array_equal(data.labels, labels)

    h5 = jio.write_landscape(tmp_path / "jets_real.h5", jets, labels)
    as_root = tmp_path / "jets.root"
    as_root.write_bytes(h5.read_bytes())
    with pytest.raises(ValueError, match=r"is an HDF5 file, not ROOT.*format='landscape'"):
        jio.read_jetclass(as_root)


def test_read_jetclass_error_is_one_paragraph(tmp_path):
    garbage = tmp_path / "garbage.root"
    garbage.write_bytes(b"not a root file at all" * 10)
    with pytest.raises(ValueError, match=r"cannot be opened as ROOT") as info:
        jio.read_jetclass(garbage)
    assert "\n" not in str(info.value)
