import json

import numpy as np
import pytest

from jetfeat import cli, io
from jetfeat.pipeline import describe_feature, run

# A small EFP pool from explicit edge lists, so the test needs no graph catalogue.
SMALL_POOL = {
    "kinematics": True,
    "efp": [{"specs": [[(0, 1)], [(0, 1), (1, 2)], [(0, 1), (1, 2), (0, 2)], [(0, 1), (0, 1)]],
             "kappas": [0.5, 1.0], "betas": [0.5, 1.0, 2.0]}],
}
# Top and QCD jets separate so well that few jets land in (0.3, 0.7), so a wider window keeps
# the confusion set large enough on a small sample.
FAST = {"n_features": 3, "window": (0.05, 0.95), "block_size": 64, "n_seeds": 2,
        "n_bootstrap": 20}


@pytest.fixture(scope="module")
def small_run(pythia_sample, tmp_path_factory):
    jets, labels = pythia_sample
    path = tmp_path_factory.mktemp("data") / "jets.npz"
    io.write_npz(path, jets[:1200], labels[:1200])
    out = tmp_path_factory.mktemp("report")
    report = run(path, pool=SMALL_POOL, out=out, standard="standard", **FAST)
    return report, out


def test_report_files_written(small_run):
    _, out = small_run
    for name in ("report.md", "metrics.json", "roc.png", "selection_progress.png",
                 "selected_efps.png", "tagger/tagger.json"):
        assert (out / name).is_file(), name
    text = (out / "report.md").read_text()
    assert "candidate pool" in text
    assert "![roc.png](roc.png)" in text


def test_metrics_json_structure(small_run):
    report, out = small_run
    stored = json.loads((out / "metrics.json").read_text())
    assert stored["n_jets"] == 1200
    assert stored["n_pool_features"] == 2 + 4 * 2 * 3
    assert stored["split"]["test"] == 360
    selected = stored["selection"]["selected_features"]
    assert [item["name"] for item in selected[:2]] == ["jet_mass", "jet_pt"]
    assert len(selected) == 5
    assert all(item["name"].startswith("efp_") for item in selected[2:])
    assert "kappa=" in selected[2]["description"]
    assert len(stored["selection"]["history"]) == 4
    expected_models = {"DisCo-FFS", "all 26 features", "random", "mutual information",
                       "XGBoost importance", "standard (standard)"}
    assert set(stored["models"]) == expected_models
    assert stored["dropped_features"] == {}
    assert isinstance(stored["dropped_standard_features"], dict)
    for name, result in stored["models"].items():
        for metric in ("auc", "accuracy", "r30", "r50"):
            assert set(result["test"][metric]) == {"value", "std_seeds", "std_bootstrap",
                                                    "n_infinite_seeds"}
        assert 0.5 < result["test"]["auc"]["value"] <= 1.0, name
        assert result["n_parameters"] > 0
    assert stored["models"]["DisCo-FFS"]["n_features"] == 5
    assert stored["models"]["random"]["n_features"] == 5
    # 180 background test jets are far too few for a trustworthy R30, and the notes state it.
    assert any("R30" in note for note in stored["notes"])


def test_top_tagging_quality(small_run):
    report, _ = small_run
    # Mass, pT and three EFPs separate top from QCD jets well even on 840 training jets.
    assert report["models"]["DisCo-FFS"]["test"]["auc"]["value"] > 0.85


def test_precomputed_features(rng, tmp_path):
    n = 1500
    y = rng.integers(0, 2, n)
    features = {"jet_mass": y + rng.normal(size=n), "jet_pt": rng.normal(size=n),
                "tau32_beta1": 2 * y + rng.normal(size=n), "noise": rng.normal(size=n),
                "efp_d1_01_k-1_b2": np.exp(rng.normal(size=n)) * 1e39}
    import pandas as pd

    report = run(features=pd.DataFrame(features), labels=y, out=tmp_path, n_features=1,
                 standard=None,
                 block_size=128, n_seeds=1, n_bootstrap=10)
    assert report["selection"]["selected_features"][-1]["name"] == "tau32_beta1"
    assert report["pool"] == "precomputed"
    assert list(report["dropped_features"]) == ["efp_d1_01_k-1_b2"]
    assert report["n_pool_features"] == 4


def test_cli_run_from_extracted_features(pythia_sample, tmp_path, capsys):
    from jetfeat.features import extract

    jets, labels = pythia_sample
    data = tmp_path / "jets.npz"
    io.write_npz(data, jets[:800], labels[:800])
    extracted = extract([data], SMALL_POOL, tmp_path / "features", progress=False)
    code = cli.main(["run", "--features", str(extracted), "--n-features", "2", "--window",
                     "0.05", "0.95", "--block-size", "64", "--seeds", "1", "--no-baselines",
                     "--out", str(tmp_path / "r")])
    assert code == 0
    output = capsys.readouterr().out
    assert "selected features" in output
    assert (tmp_path / "r" / "metrics.json").is_file()


def test_describe_feature():
    assert describe_feature("jet_mass") == "jet mass [GeV]"
    text = describe_feature("efp_d2_01-12_k0.5_b2")
    assert "kappa=0.5" in text
    assert "beta=2" in text
    assert "3 vertices" in text
    assert "constituent multiplicity" in describe_feature("efp_d0_0_k0_b0.5")
    assert describe_feature("tau21_beta1").startswith("N-subjettiness")


def test_bad_input(tmp_path):
    with pytest.raises(ValueError, match="without labels"):
        run(features={"a": np.zeros(3)}, out=tmp_path)
