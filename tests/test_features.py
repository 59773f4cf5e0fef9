"""Feature sets and the chunked, resumable extraction pipeline."""

from __future__ import annotations

import json

import numpy as np
import pyarrow.parquet as pq
import pytest

from jetfeat import features
from jetfeat import io as jio
from jetfeat.cli import main as cli_main
from jetfeat.jets import as_jet_batch


def _random_jets(rng, n_jets=45, width=10):
    """Zero-padded (E, px, py, pz) jets of massless particles around phi = 0, eta = 0."""
    jets = np.zeros((n_jets, width, 4))
    counts = rng.integers(1, width + 1, size=n_jets)
    for i, count in enumerate(counts):
        pt = rng.exponential(50.0, count) + 1.0
        eta = rng.normal(0.0, 0.3, count)
        phi = rng.normal(0.0, 0.3, count)
        jets[i, :count] = np.stack([pt * np.cosh(eta), pt * np.cos(phi), pt * np.sin(phi),
                                    pt * np.sinh(eta)], axis=1)
    return jets, rng.integers(0, 2, size=n_jets).astype(np.int8)


@pytest.fixture
def dataset(tmp_path, rng):
    jets, labels = _random_jets(rng)
    path = jio.write_landscape(tmp_path / "jets.h5", jets, labels)
    # The file stores float32; compare against what the reader returns.
    return path, jio.read_landscape(path)


# Calls of _counting_feature, to check which chunks an extraction recomputes.
CALLS: list[int] = []
FAIL_ON_CALL: list[int] = []


def _counting_feature(batch):
    CALLS.append(batch.n_jets)
    if FAIL_ON_CALL and len(CALLS) == FAIL_ON_CALL[0]:
        raise RuntimeError("simulated interruption")
    return batch.counts.astype(np.float64)


def _multiplicity_set():
    return features.FeatureSet.from_function(_counting_feature, ["n_constituents"])


# --- feature sets ---------------------------------------------------------------------------


def test_kinematics_brute_force(rng):
    jets, _ = _random_jets(rng)
    table = features.jet_kinematics(jets)
    for i, jet in enumerate(jets):
        energy, px, py, pz = jet.sum(axis=0)
        assert table["jet_pt"][i] == pytest.approx(np.hypot(px, py), rel=1e-12)
        mass = np.sqrt(max(energy**2 - px**2 - py**2 - pz**2, 0.0))
        # E^2 - |p|^2 cancels, so a massless jet keeps about sqrt(1e-16) * E of noise.
        assert table["jet_mass"][i] == pytest.approx(mass, rel=1e-9, abs=1e-4)


def test_kinematics_empty_jet():
    jets = np.zeros((2, 3, 4))
    jets[1, 0] = (10.0, 6.0, 0.0, 8.0)
    table = features.jet_kinematics(jets)
    np.testing.assert_array_equal(table["jet_pt"], [0.0, 6.0])
    np.testing.assert_array_equal(table["jet_mass"], [0.0, 0.0])


def test_kinematics_top_mass(pythia_sample):
    jets, labels = pythia_sample
    mass = features.jet_kinematics(jets[:1000])["jet_mass"]
    top = mass[labels[:1000] == 1]
    assert 150.0 < np.median(top) < 200.0


def test_presets_listed():
    for name in ("discoffs-pool", "discoffs-pool-chi3", "efp-d5", "substructure", "standard",
                 "all", "kinematics"):
        assert features.get_feature_set(name).name == name


def test_unknown_preset():
    with pytest.raises(ValueError, match="'nope' is neither a preset"):
        features.get_feature_set("nope")


def test_config_files(tmp_path):
    (tmp_path / "f.json").write_text(json.dumps({"kinematics": True}))
    (tmp_path / "f.toml").write_text("kinematics = true\n\n[[efp]]\nspecs = ['d<=3']\n"
                                     "kappas = [1.0]\nbetas = [0.5, 1.0]\n")
    assert features.get_feature_set(tmp_path / "f.json").names == ["jet_pt", "jet_mass"]
    toml_set = features.get_feature_set(str(tmp_path / "f.toml"))
    assert toml_set.config["efp"] == [{"specs": ["d<=3"], "kappas": [1.0], "betas": [0.5, 1.0]}]


def test_config_errors(tmp_path):
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['efps'\]"):
        features.get_feature_set({"efps": []})
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['kapas'\]"):
        features.get_feature_set({"efp": [{"specs": ["d<=2"], "kapas": [1]}]})
    (tmp_path / "bad.json").write_text("{kinematics: }")
    with pytest.raises(ValueError, match=r"bad\.json: invalid JSON"):
        features.get_feature_set(tmp_path / "bad.json")
    with pytest.raises(FileNotFoundError, match=r"missing\.toml"):
        features.get_feature_set(tmp_path / "missing.toml")


def test_n_jobs_checked(rng):
    jets, _ = _random_jets(rng)
    with pytest.raises(ValueError, match="n_jobs=0 is invalid"):
        features.get_feature_set("kinematics").compute(jets, n_jobs=0)


def test_efp_preset_matches_efpset(rng):
    efp = pytest.importorskip("jetfeat.efp", reason="the EFP module is not merged yet")
    jets, _ = _random_jets(rng)
    # Explicit edge lists (dipole, wedge, triangle) need no graph catalogue.
    graphs = [[(0, 1)], [(0, 1), (1, 2)], [(0, 1), (1, 2), (0, 2)]]
    feature_set = features.get_feature_set(
        {"efp": [{"specs": graphs, "kappas": [1.0], "betas": [1.0, 2.0]}]})
    direct = efp.EFPSet(*graphs, kappas=[1.0], betas=[1.0, 2.0])
    table = feature_set.compute(jets)
    assert table.names == list(direct.feature_names)
    np.testing.assert_allclose(table.to_numpy(), direct.compute(jets), rtol=1e-12)


def test_efp_d5_preset_matches_efpset(rng):
    efp = pytest.importorskip("jetfeat.efp", reason="the EFP module is not merged yet")
    jets, _ = _random_jets(rng)
    table = features.get_feature_set("efp-d5").compute(jets)
    direct = efp.EFPSet(dmax=5, prime=True, kappas=[1.0], betas=[0.5, 1.0, 2.0])
    assert table.names == ["jet_pt", "jet_mass", *direct.feature_names]
    np.testing.assert_array_equal(table.to_numpy()[:, 2:], direct.compute(jets))


def test_pool_preset_sizes():
    pytest.importorskip("jetfeat.efp", reason="the EFP module is not merged yet")
    pool = features.get_feature_set("discoffs-pool").names
    assert len(pool) == 7350 + 2
    assert pool[:2] == ["jet_pt", "jet_mass"]
    assert all(name.startswith("efp_") for name in pool[2:])
    chi3 = features.get_feature_set("discoffs-pool-chi3").names
    assert set(chi3) < set(pool)
    # The chi = 4 graphs (those containing K4) are the ones the chi <= 3 pool drops.
    assert (len(pool) - len(chi3)) % 15 == 0


def test_substructure_preset_matches_registry(rng):
    from jetfeat import substructure

    if not substructure.PRESETS.get("standard"):
        pytest.skip("no substructure family registers the 'standard' preset yet")
    jets, _ = _random_jets(rng)
    table = features.get_feature_set("standard").compute(jets)
    direct = substructure.compute(jets, "standard")
    assert table.names == direct.names
    np.testing.assert_array_equal(table.to_numpy(), direct.to_numpy())


# --- extraction -----------------------------------------------------------------------------


def test_extract_matches_direct(tmp_path, dataset):
    path, data = dataset
    output = features.extract(path, "kinematics", tmp_path / "out", chunk_size=10,
                              progress=False)
    frame = features.read_features(output)
    direct = features.jet_kinematics(data.jets)
    assert list(frame.columns) == ["jet_pt", "jet_mass", "label"]
    np.testing.assert_array_equal(frame["jet_pt"].to_numpy(), direct["jet_pt"])
    np.testing.assert_array_equal(frame["jet_mass"].to_numpy(), direct["jet_mass"])
    np.testing.assert_array_equal(frame["label"].to_numpy(), data.labels)


def test_extract_parts_and_metadata(tmp_path, dataset):
    path, _ = dataset
    output = features.extract(path, "kinematics", tmp_path / "out", chunk_size=20,
                              progress=False)
    parts = sorted(p.name for p in output.glob("part-*.parquet"))
    assert parts == ["part-00000-000000.parquet", "part-00000-000001.parquet",
                     "part-00000-000002.parquet"]
    meta = json.loads(pq.read_schema(output / parts[1]).metadata[b"jetfeat"])
    assert meta["rows"] == [20, 40]
    assert meta["feature_set"]["name"] == "kinematics"
    assert meta["chunk_size"] == 20
    assert "jetfeat_version" in meta
    manifest = json.loads((output / "_jetfeat_manifest.json").read_text())
    assert manifest["complete"] is True
    assert manifest["inputs"][0]["n_jets"] == 45


def test_extract_chunk_size_invariant(tmp_path, dataset):
    path, _ = dataset
    small = features.read_features(features.extract(path, "kinematics", tmp_path / "a",
                                                     chunk_size=7, progress=False))
    large = features.read_features(features.extract(path, "kinematics", tmp_path / "b",
                                                     chunk_size=1000, progress=False))
    np.testing.assert_array_equal(small.to_numpy(), large.to_numpy())


def test_extract_resumes_after_interruption(tmp_path, dataset):
    path, data = dataset
    CALLS.clear()
    FAIL_ON_CALL[:] = [3]
    with pytest.raises(RuntimeError, match="simulated interruption"):
        features.extract(path, _multiplicity_set(), tmp_path / "out", chunk_size=10,
                         progress=False)
    assert len(list((tmp_path / "out").glob("part-*.parquet"))) == 2
    with pytest.raises(ValueError, match="incomplete"):
        features.read_features(tmp_path / "out")

    CALLS.clear()
    FAIL_ON_CALL.clear()
    output = features.extract(path, _multiplicity_set(), tmp_path / "out", chunk_size=10,
                              progress=False)
    # Chunks 0 and 1 were finished; only rows 20:45 are computed again.
    assert CALLS == [10, 10, 5]
    frame = features.read_features(output)
    np.testing.assert_array_equal(frame["n_constituents"], np.any(data.jets != 0, 2).sum(1))


def test_extract_rejects_changed_parameters(tmp_path, dataset):
    path, _ = dataset
    features.extract(path, "kinematics", tmp_path / "out", chunk_size=10, progress=False)
    with pytest.raises(ValueError, match=r"different \['chunk_size'\].*resume=False"):
        features.extract(path, "kinematics", tmp_path / "out", chunk_size=20, progress=False)
    features.extract(path, "kinematics", tmp_path / "out", chunk_size=20, resume=False,
                     progress=False)
    assert len(list((tmp_path / "out").glob("part-*.parquet"))) == 3


def test_extract_refuses_foreign_directory(tmp_path, dataset):
    path, _ = dataset
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "thesis.tex").write_text("keep me")
    with pytest.raises(ValueError, match="not empty and has no jetfeat manifest"):
        features.extract(path, "kinematics", tmp_path / "out", progress=False)
    assert (tmp_path / "out" / "thesis.tex").read_text() == "keep me"


def test_extract_several_files_with_weights(tmp_path, rng):
    jets, labels = _random_jets(rng)
    weights = rng.uniform(0.5, 1.5, len(labels))
    jio.write_npz(tmp_path / "a.npz", jets[:30], labels[:30], weights[:30])
    jio.write_npz(tmp_path / "b.npz", jets[30:], labels[30:], weights[30:])
    output = features.extract(str(tmp_path / "*.npz"), "kinematics", tmp_path / "out",
                              chunk_size=16, progress=False)
    frame = features.read_features(output)
    np.testing.assert_array_equal(frame["weight"], weights)
    np.testing.assert_array_equal(frame["label"], labels)
    np.testing.assert_allclose(frame["jet_mass"], features.jet_kinematics(jets)["jet_mass"],
                               rtol=1e-12)


def test_extract_jetclass_class_selection(tmp_path, rng):
    import awkward as ak
    import uproot

    jets, labels = _random_jets(rng)
    batch = as_jet_batch(jets)
    higgs = (labels == 0) & (np.arange(len(labels)) % 2 == 0)
    branches = {name: ak.unflatten(np.ascontiguousarray(batch.p4s[:, k]), batch.counts)
                for k, name in enumerate(("part_energy", "part_px", "part_py", "part_pz"))}
    branches["label_Tbqq"] = labels == 1
    branches["label_Hbb"] = higgs
    branches["label_QCD"] = (labels == 0) & ~higgs
    with uproot.recreate(tmp_path / "mixed.root") as handle:
        handle["tree"] = branches
    output = features.extract(tmp_path / "mixed.root", "kinematics", tmp_path / "out",
                              chunk_size=20, signal="label_Tbqq", background=["label_QCD"],
                              progress=False)
    frame = features.read_features(output)
    np.testing.assert_array_equal(frame["label"], labels[~higgs])
    # The reader returns float32, which leaves up to about 0.01 GeV of mass on a massless jet.
    np.testing.assert_allclose(frame["jet_mass"],
                               features.jet_kinematics(jets[~higgs])["jet_mass"], rtol=1e-5,
                               atol=1e-2)


def test_cli_extract(tmp_path, dataset, capsys):
    path, data = dataset
    code = cli_main(["extract", str(path), "--preset", "kinematics", "-o",
                     str(tmp_path / "cli"), "--chunk-size", "16", "--quiet"])
    assert code == 0
    assert "wrote features to" in capsys.readouterr().out
    frame = features.read_features(tmp_path / "cli")
    assert len(frame) == len(data.labels)


def test_cli_extract_missing_input(tmp_path, capsys):
    code = cli_main(["extract", str(tmp_path / "absent.h5"), "-o", str(tmp_path / "o")])
    assert code == 1
    assert "absent.h5: no such file" in capsys.readouterr().err


def test_extract_error_names_file_and_jet(tmp_path, rng, capsys):
    jets, labels = _random_jets(rng, n_jets=12)
    jets[9, 2, 1] = np.inf
    path = jio.write_npz(tmp_path / "nan9.npz", jets, labels)
    with pytest.raises(ValueError) as info:
        features.extract(path, "kinematics", tmp_path / "out", chunk_size=4, progress=False)
    message = str(info.value)
    assert "nan9.npz" in message
    assert "jet 9, particle 2 has a non-finite coordinate" in message
    assert "fails the same way" in message

    code = cli_main(["extract", str(path), "--preset", "kinematics", "-o",
                     str(tmp_path / "cli"), "--chunk-size", "4", "--quiet"])
    assert code == 1
    err = capsys.readouterr().err
    assert "nan9.npz" in err
    assert "jet 9, particle 2" in err


def test_cli_extract_messages_name_options(tmp_path, rng, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("not jets")
    assert cli_main(["extract", str(notes), "-o", str(tmp_path / "a")]) == 1
    err = capsys.readouterr().err
    assert "jetfeat extract reads files ending in" in err
    assert "format=" not in err

    jets, labels = _random_jets(rng, n_jets=6)
    np.save(tmp_path / "jets.npy", jets)
    assert cli_main(["extract", str(tmp_path / "jets.npy"), "-o", str(tmp_path / "b")]) == 1
    err = capsys.readouterr().err
    assert "--labels" in err
    assert "pass labels=" not in err

    assert cli_main(["extract", str(tmp_path / "jets.npz"), "-j", "0", "-o",
                     str(tmp_path / "c")]) == 1
    err = capsys.readouterr().err
    assert "-j/--n-jobs 0 is invalid" in err
    assert "None" not in err


def test_cli_extract_npy_with_labels(tmp_path, rng):
    jets, labels = _random_jets(rng, n_jets=6)
    np.save(tmp_path / "jets.npy", jets)
    np.save(tmp_path / "labels.npy", labels)
    code = cli_main(["extract", str(tmp_path / "jets.npy"), "--labels",
                     str(tmp_path / "labels.npy"), "--preset", "kinematics", "-o",
                     str(tmp_path / "out"), "--quiet"])
    assert code == 0
    frame = features.read_features(tmp_path / "out")
    np.testing.assert_array_equal(frame["label"], labels)


def test_read_features_incomplete_after_error(tmp_path, rng):
    jets, labels = _random_jets(rng, n_jets=8)
    jets[5, 0, 0] = np.nan
    path = jio.write_npz(tmp_path / "bad.npz", jets, labels)
    with pytest.raises(ValueError):
        features.extract(path, "kinematics", tmp_path / "out", chunk_size=4, progress=False)
    with pytest.raises(ValueError, match=r"incomplete\. If it was interrupted.*fix the input"):
        features.read_features(tmp_path / "out")
