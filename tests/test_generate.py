"""Pythia 8 generation: settings, a few jets by default, physics sanity when slow tests run."""

from __future__ import annotations

import numpy as np
import pytest

from jetfeat import features
from jetfeat import io as jio
from jetfeat.cli import main as cli_main

pytest.importorskip("pythia8mc")
pytest.importorskip("fastjet")

from jetfeat import generate  # noqa: E402


def _jet_eta(jets):
    total = jets.sum(axis=1, dtype=np.float64)
    pt = np.hypot(total[:, 1], total[:, 2])
    return np.arcsinh(total[:, 3] / pt), pt


def test_settings_follow_landscape():
    settings = generate.GeneratorConfig().pythia_settings("top", 5)
    for line in ("Beams:eCM = 14000", "Top:gg2ttbar = on", "24:onIfAny = 1 2 3 4 5",
                 "PhaseSpace:pTHatMin = 450", "PhaseSpace:pTHatMax = 800",
                 "PartonLevel:MPI = off", "HadronLevel:all = on", "Random:seed = 5"):
        assert line in settings
    qcd = generate.GeneratorConfig(mpi=True).pythia_settings("qcd", 6)
    assert "HardQCD:all = on" in qcd
    assert "PhaseSpace:pTHatMin = 400" in qcd
    assert "PartonLevel:MPI = on" in qcd


def test_config_checked():
    with pytest.raises(ValueError, match="pT window"):
        generate.GeneratorConfig(pt_min=700, pt_max=650).check()
    with pytest.raises(ValueError, match="process 'higgs' is unknown"):
        generate.GeneratorConfig().pythia_settings("higgs", 1)


def test_task_seeds_distinct():
    seeds = generate._task_seeds(3, 500)
    assert len(set(seeds)) == 500
    assert all(1 <= s <= 900_000_000 for s in seeds)
    assert generate._task_seeds(3, 10) == seeds[:10]


def test_few_top_jets_pass_selection():
    jets, truth, info = generate.generate_jets(4, "top", seed=11)
    assert jets.shape == (4, 200, 4)
    eta, pt = _jet_eta(jets)
    assert np.all((pt > 550.0) & (pt < 650.0))
    assert np.all(np.abs(eta) < 2.0)
    # The matched top carries roughly the jet momentum.
    assert np.all(truth[:, 0] > 500.0)
    counts = np.any(jets != 0, axis=2).sum(axis=1)
    for jet, count in zip(jets, counts):
        pt_constituents = np.hypot(jet[:count, 1], jet[:count, 2])
        assert np.all(np.diff(pt_constituents) <= 0.0)
        assert not np.any(jet[count:])
    assert "Top:gg2ttbar = on" in info["settings"]


def test_round_trip_generate_read_extract(tmp_path):
    path = generate.generate(tmp_path / "gen.h5", n_signal=3, n_background=3, seed=2,
                             n_workers=1, batch_size=3, progress=False)
    data = jio.read_landscape(path)
    assert sorted(data.labels.tolist()) == [0, 0, 0, 1, 1, 1]
    metadata = jio.read_metadata(path)
    assert [task["process"] for task in metadata["tasks"]] == ["top", "qcd"]
    assert all(task["counts"]["n_events_generated"] >= 3 for task in metadata["tasks"])
    assert metadata["config"]["jet_radius"] == 0.8

    output = features.extract(path, "kinematics", tmp_path / "features", chunk_size=4,
                              progress=False)
    frame = features.read_features(output)
    direct = features.jet_kinematics(data.jets)
    np.testing.assert_array_equal(frame["jet_mass"], direct["jet_mass"])
    np.testing.assert_array_equal(frame["label"], data.labels)


def test_default_sample_cached(tmp_path):
    first = generate.default_sample(4, cache_dir=tmp_path, n_workers=1, progress=False)
    stamp = first.stat().st_mtime_ns
    second = generate.default_sample(4, cache_dir=tmp_path, n_workers=1, progress=False)
    assert first == second
    assert second.stat().st_mtime_ns == stamp
    assert len(jio.read_landscape(first).labels) == 4


def test_cli_generate_parquet(tmp_path, capsys):
    code = cli_main(["generate", "-o", str(tmp_path / "g.parquet"), "-n", "2", "-j", "1",
                     "--quiet", "--seed", "4"])
    assert code == 0
    data = jio.read_parquet(tmp_path / "g.parquet")
    assert sorted(data.labels.tolist()) == [0, 1]


@pytest.mark.slow
def test_physics_sanity(tmp_path):
    path = generate.generate(tmp_path / "sanity.h5", n_signal=300, n_background=300, seed=9,
                             batch_size=100, progress=False)
    data = jio.read_landscape(path)
    mass = features.jet_kinematics(data.jets)["jet_mass"]
    eta, pt = _jet_eta(data.jets)
    top, qcd = data.labels == 1, data.labels == 0
    assert np.all((pt > 550.0) & (pt < 650.0))
    assert np.all(np.abs(eta) < 2.0)
    assert 150.0 < np.median(mass[top]) < 200.0
    assert np.mean((mass[top] > 150.0) & (mass[top] < 200.0)) > 0.6
    # The QCD mass spectrum falls: fewer jets in each 50 GeV bin above 50 GeV.
    histogram = np.histogram(mass[qcd], bins=[50, 100, 150, 200, 250])[0]
    assert np.all(np.diff(histogram) < 0)
    multiplicity = np.any(data.jets != 0, axis=2).sum(axis=1)
    assert multiplicity[top].mean() > multiplicity[qcd].mean()


@pytest.mark.slow
def test_w_jet_mass_peak(tmp_path):
    jets, truth, _ = generate.generate_jets(150, "w", seed=21)
    mass = features.jet_kinematics(jets)["jet_mass"]
    assert 65.0 < np.median(mass) < 95.0
    # The matched W is on its Breit-Wigner (width about 2.1 GeV), so allow a tail.
    truth = truth.astype(np.float64)
    truth_mass = np.sqrt(np.maximum(truth[:, 0] ** 2 - (truth[:, 1:] ** 2).sum(axis=1), 0.0))
    assert abs(np.median(truth_mass) - 80.4) < 2.0
    assert np.mean(np.abs(truth_mass - 80.4) < 10.0) > 0.9


def test_generated_arrays_survive_file_and_extraction(tmp_path):
    top, _, _ = generate.generate_jets(3, "top", seed=31)
    qcd, _, _ = generate.generate_jets(3, "qcd", seed=32)
    jets = np.concatenate([top, qcd])
    labels = np.array([1, 1, 1, 0, 0, 0])
    path = jio.write_landscape(tmp_path / "gen.h5", jets, labels)
    np.testing.assert_array_equal(jio.read_landscape(path).jets, jets)

    output = features.extract(path, "standard", tmp_path / "out", chunk_size=4,
                              progress=False)
    frame = features.read_features(output)
    direct = features.get_feature_set("standard").compute(jets)
    np.testing.assert_array_equal(frame[direct.names].to_numpy(), direct.to_numpy())
    np.testing.assert_array_equal(frame["label"], labels)


@pytest.mark.parametrize("argv, expected", [
    (["-o", "g.txt"], "jetfeat generate writes .h5, .hdf5, .parquet, .pq files"),
    (["-o", "g.h5", "-j", "0"], "-j/--workers 0 is invalid"),
    (["-o", "g.h5", "-n", "-5"], "--n-jets -5 is invalid"),
])
def test_cli_generate_messages_name_options(tmp_path, capsys, monkeypatch, argv, expected):
    monkeypatch.chdir(tmp_path)
    assert cli_main(["generate", *argv, "--quiet"]) == 1
    err = capsys.readouterr().err
    assert expected in err
    assert "format=" not in err
    assert "n_signal" not in err
    assert not list(tmp_path.iterdir())


def test_generate_checks_workers_and_extension(tmp_path):
    with pytest.raises(ValueError, match=r"n_workers=0 is invalid"):
        generate.generate(tmp_path / "g.h5", n_signal=1, n_background=1, n_workers=0)
    with pytest.raises(ValueError, match=r"generation writes \.h5, .*output_format="):
        generate.generate(tmp_path / "g.npz", n_signal=1, n_background=1)


def test_generate_checks_output_first(tmp_path, capsys):
    with pytest.raises(FileNotFoundError, match=r"output folder .*nodir does not exist"):
        generate.generate(tmp_path / "nodir" / "g.h5", n_signal=1, n_background=1)
    assert cli_main(["generate", "-o", str(tmp_path / "nodir" / "g.h5"), "--quiet"]) == 1
    assert "nodir does not exist" in capsys.readouterr().err

    existing = tmp_path / "old.h5"
    existing.write_bytes(b"keep me")
    with pytest.raises(FileExistsError, match=r"old\.h5: exists; pass overwrite=True"):
        generate.generate(existing, n_signal=1, n_background=1)
    assert cli_main(["generate", "-o", str(existing), "--quiet"]) == 1
    assert "exists; pass --overwrite" in capsys.readouterr().err
    assert existing.read_bytes() == b"keep me"


def test_generate_overwrite_replaces(tmp_path):
    existing = tmp_path / "old.h5"
    existing.write_bytes(b"old")
    generate.generate(existing, n_signal=1, n_background=1, n_workers=1, batch_size=1,
                      progress=False, overwrite=True)
    assert jio.read_landscape(existing).labels.tolist() == [1, 0]


def test_tasks_alternate_one_class_blocks():
    # docs/data.md describes this layout: one-class blocks of batch_size jets, alternating.
    tasks = generate._plan_tasks({"top": 20, "qcd": 20}, 1, 10, generate.GeneratorConfig())
    assert [(t["process"], t["n_jets"]) for t in tasks] == [("top", 10), ("qcd", 10)] * 2


def test_cli_help_shows_defaults(capsys):
    with pytest.raises(SystemExit):
        cli_main(["generate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for expected in ("GeV (default: 550)", "GeV (default: 650)", "radius R (default: 0.8)",
                     "replace OUTPUT if it exists"):
        assert expected in text


def test_photon_cutoff_matches_quarks():
    settings = generate.GeneratorConfig().pythia_settings("top", seed=1)
    assert "TimeShower:pTminChgL = 0.5" in settings


@pytest.mark.slow
def test_no_sub_mev_constituents_in_top_jets(tmp_path):
    # With Pythia's default 1e-6 GeV cut-off for photons off the W, about 5% of top jets carried
    # constituents below 1 MeV that QCD jets never have, which leaks the label.
    path = generate.generate(tmp_path / "tops.h5", n_signal=300, n_background=300, seed=7,
                             progress=False)
    data = jio.read_landscape(path)
    real = np.any(data.jets != 0.0, axis=-1)
    soft = ((data.jets[..., 0] < 1e-3) & real).any(axis=1)
    assert soft[data.labels == 1].sum() == 0
    assert soft[data.labels == 0].sum() == 0
