"""Tests of ``jetfeat bench``: report structure, consistency of the numbers, files and CLI.

No test compares a time with a threshold: the checks are on structure, on relations that hold
for any machine speed (throughput x latency = 1, speed-up defined from the same medians) and
on values. Two small numpy families registered by a fixture stand in for the C++ families, so
these tests do not depend on which kernels a build contains.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from jetfeat import as_jet_batch, bench
from jetfeat.cli import main
from jetfeat.substructure import _registry

# Tiny settings: every timing point runs 3 calls on a few jets.
FAST = dict(n_jets=6, multiplicities=(8, 16), threads=(1, 2), repeats=3, warmup=0,
            max_seconds=0.0, efp_degrees=(), disco_sizes=(), tagger=False)


def _jet_mass(batch, threads):
    sums = np.add.reduceat(batch.p4s, batch.offsets[:-1], axis=0)
    return {"bench_mass": np.sqrt(np.maximum(sums[:, 0] ** 2 - (sums[:, 1:] ** 2).sum(1), 0.0))}


def _pair_sum(batch, threads):
    # sum_ij pT_i pT_j Delta R_ij, an O(M^2) observable like e_2 without the normalisation.
    values = []
    for i in range(batch.n_jets):
        pt, y, phi = batch.jet(i)[1][:, :3].T
        delta_r = np.hypot(y[:, None] - y[None, :], phi[:, None] - phi[None, :])
        values.append(float(pt @ delta_r @ pt))
    return {"bench_pairs": np.array(values)}


@pytest.fixture
def test_families():
    """Register two numpy families and a preset ``bench_test``; remove them afterwards."""
    families = [_registry.Family("bench_mass", _jet_mass, summary="jet mass"),
                _registry.Family("bench_pairs", _pair_sum, summary="pT-weighted pair sum")]
    for family in families:
        _registry.register(family)
    _registry.add_to_preset("bench_test", "bench_mass")
    _registry.add_to_preset("bench_test", "bench_pairs")
    yield "bench_test"
    for family in families:
        _registry.FAMILIES.pop(family.name)
    _registry.PRESETS.pop("bench_test")


@pytest.fixture
def report(test_families):
    return bench.run_benchmark("random", features=test_families, **FAST)


# --- jets -----------------------------------------------------------------------------------


def test_random_jets_shape_and_physics():
    batch = bench.random_jets(5, 30, seed=3)
    assert batch.n_jets == 5
    assert np.all(batch.counts == 30)
    pt = batch.ptyphims[:, 0].reshape(5, 30)
    np.testing.assert_allclose(pt.sum(axis=1), 600.0, rtol=1e-12)
    assert np.all(np.diff(pt, axis=1) <= 0.0), "particles must be sorted by decreasing pT"
    np.testing.assert_allclose(batch.ptyphims[:, 3], 0.0, atol=1e-5)


def test_random_jets_seeded():
    first = bench.random_jets(3, 10, seed=11)
    second = bench.random_jets(3, 10, seed=11)
    other = bench.random_jets(3, 10, seed=12)
    np.testing.assert_array_equal(first.p4s, second.p4s)
    assert not np.array_equal(first.p4s, other.p4s)


def test_random_jets_rejects_empty():
    with pytest.raises(ValueError, match="n_constituents >= 1"):
        bench.random_jets(3, 0)


def test_truncate_keeps_leading_particles(rng):
    jets = [rng.uniform(1.0, 2.0, size=(count, 4)) for count in (5, 12, 3, 9)]
    for jet in jets:
        jet[:, 0] = 10.0  # E above |p| keeps every particle physical
    batch = as_jet_batch(jets)
    truncated = bench.truncate_jets(batch, 4, n_jets=5)
    assert truncated.n_jets == 5
    assert np.all(truncated.counts == 4)

    # Jets 0, 1 and 3 have >= 4 particles; they are used in that order and then repeated.
    for out_index, source_index in enumerate([0, 1, 3, 0, 1]):
        source_pt = np.sort(batch.jet(source_index)[1][:, 0])[::-1][:4]
        np.testing.assert_allclose(truncated.jet(out_index)[1][:, 0], source_pt)


def test_truncate_without_enough_particles():
    batch = bench.random_jets(3, 10)
    assert bench.truncate_jets(batch, 11, n_jets=3) is None


def test_truncate_pythia_jets(pythia_sample):
    jets, _ = pythia_sample
    batch = as_jet_batch(jets[:200])
    truncated = bench.truncate_jets(batch, 50, n_jets=20)
    assert np.all(truncated.counts == 50)


def test_load_jets_from_npz(tmp_path):
    batch = bench.random_jets(8, 12)
    padded, _ = batch.padded()
    path = tmp_path / "jets.npz"
    np.savez(path, jets=padded, labels=np.arange(8) % 2)
    loaded, labels, label = bench.load_jets(path, n_jets=5)
    assert loaded.n_jets == 5
    np.testing.assert_allclose(loaded.p4s, batch.select(slice(0, 5)).p4s)
    np.testing.assert_array_equal(labels, [0, 1, 0, 1, 0])
    assert str(path) in label


def test_load_jets_default_sample(tmp_path, monkeypatch):
    from jetfeat import generate

    batch = bench.random_jets(8, 12)
    padded, _ = batch.padded()
    path = tmp_path / "cached.npz"
    np.savez(path, jets=padded, labels=np.arange(8) % 2)
    monkeypatch.setattr(generate, "default_sample", lambda: path)
    loaded, labels, label = bench.load_jets("default", n_jets=6)
    assert loaded.n_jets == 6
    np.testing.assert_array_equal(labels, [0, 1, 0, 1, 0, 1])
    assert "default_sample" in label


@pytest.mark.slow
def test_load_jets_generated():
    pytest.importorskip("pythia8mc")
    pytest.importorskip("fastjet")
    loaded, labels, label = bench.load_jets("generate", n_jets=4)
    assert loaded.n_jets == 4
    np.testing.assert_array_equal(labels, [1, 1, 0, 0])
    assert np.all(loaded.counts > 0)


def test_load_jets_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        bench.load_jets(tmp_path / "absent.h5", n_jets=5)


# --- timing helpers -------------------------------------------------------------------------


def test_time_call_counts_calls():
    calls = []
    times, result = bench.time_call(lambda: calls.append(1) or len(calls), warmup=2, repeats=7,
                                    max_seconds=1e9)
    assert len(times) == 7
    assert len(calls) == 9
    assert result == 9


def test_time_call_budget_keeps_three_repeats():
    times, _ = bench.time_call(lambda: sum(range(1000)), warmup=1, repeats=50, max_seconds=0.0)
    assert len(times) == 3


def test_fit_exponent_recovers_power_law():
    sizes = np.array([25, 50, 100, 150])
    assert bench.fit_exponent(sizes, 3e-7 * sizes**2.0) == pytest.approx(2.0)
    assert bench.fit_exponent(sizes, 1e-9 * sizes**3.0) == pytest.approx(3.0)
    assert bench.fit_exponent([50], [1.0]) is None


def test_thread_counts_resolved():
    assert bench.resolve_thread_counts([1, 2, -1], max_threads=2) == [1, 2]
    assert bench.resolve_thread_counts([None, -1], max_threads=8) == [1, 8]
    assert bench.resolve_thread_counts([4], max_threads=8) == [1, 4]
    with pytest.raises(ValueError, match="thread count 0"):
        bench.resolve_thread_counts([0], max_threads=2)


def test_compare_values_orders():
    ours = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert bench.compare_values(ours, ours.copy())["max_relative_difference"] == 0.0
    swapped = bench.compare_values(ours, ours[:, ::-1].copy())
    assert swapped["matched_by"] == "sorted values per jet"
    assert swapped["max_relative_difference"] == 0.0
    mismatch = bench.compare_values(ours, ours[:, :2])
    assert mismatch["matched_by"] == "shape mismatch"


# --- report ---------------------------------------------------------------------------------


def test_report_structure(report):
    data = report.to_dict()
    for key in ("machine", "settings", "references", "measurements", "scaling", "speedups",
                "reference_ratios", "value_checks", "consistency", "tagger", "disco", "notes"):
        assert key in data
    for key in ("cpu", "cores", "build", "libraries", "load_average", "date"):
        assert key in data["machine"]
    assert data["machine"]["build"]["compiler"]

    # Whole set plus two families, at two M values and two thread counts.
    workloads = {(point.workload, point.n_constituents, point.threads)
                 for point in report.measurements}
    expected = {(name, m, threads) for name in ("set:bench_test", "bench_mass", "bench_pairs")
                for m in (8, 16) for threads in (1, 2)}
    assert workloads == expected


def test_report_numbers_positive_and_consistent(report):
    for point in report.measurements:
        assert len(point.times_s) == 3
        assert all(t > 0.0 for t in point.times_s)
        assert point.n_jets == 6
        assert point.jets_per_s * point.us_per_jet == pytest.approx(1e6)
        q1, q3 = point.iqr_s
        assert min(point.times_s) <= q1 <= point.median_s <= q3 <= max(point.times_s)


def test_report_set_matches_family_sum(report):
    rows = report.consistency()
    assert len(rows) == 4
    for row in rows:
        assert sorted(row["families"]) == ["bench_mass", "bench_pairs"]
        assert row["ratio"] > 0.0
        # Generous: the whole-set call runs the same two families, so only the shared per-call
        # work and other processes separate the fastest runs of the two.
        assert 0.1 < row["ratio_of_min"] < 10.0


def test_report_scaling_and_speedups(report):
    scaling = {(row["workload"], row["threads"]): row for row in report.scaling()}
    assert set(scaling) == {(name, threads) for name in
                            ("set:bench_test", "bench_mass", "bench_pairs") for threads in (1, 2)}
    for row in scaling.values():
        assert row["multiplicities"] == [8, 16]
        assert np.isfinite(row["slope"])
    speedups = report.speedups()
    assert len(speedups) == 3 * 2
    for row in speedups:
        single = report._find(row["workload"], "jetfeat", row["n_constituents"], 1)
        double = report._find(row["workload"], "jetfeat", row["n_constituents"], 2)
        assert row["speedup"] == pytest.approx(single.median_s / double.median_s)


def test_report_threads_give_identical_values(report):
    checks = [check for check in report.value_checks if check["against"].startswith("jetfeat")]
    assert len(checks) == 3 * 2
    assert all(check["bitwise_identical"] for check in checks)


def test_report_writes_json_and_png(report, tmp_path):
    json_path = report.to_json(tmp_path / "bench.json")
    data = json.loads(json_path.read_text())
    assert data["format"] == "jetfeat-bench/1"
    assert len(data["measurements"]) == len(report.measurements)
    assert data["measurements"][0]["median_s"] > 0.0

    png_path = report.plot(tmp_path / "bench.png")
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_table_lists_sections(report):
    text = report.format_table()
    for heading in ("Feature extraction", "Growth with M", "Thread speed-up",
                    "Whole set against the sum of its families", "Reference libraries"):
        assert heading in text
    assert "bench_pairs" in text


def test_missing_reference_reported(test_families, monkeypatch):
    real_import, real_version = bench._try_import, bench._installed_version
    monkeypatch.setattr(bench, "_try_import",
                        lambda name: None if name == "energyflow" else real_import(name))
    monkeypatch.setattr(bench, "_installed_version",
                        lambda name: None if name == "energyflow" else real_version(name))
    status = bench.reference_status(True)
    assert status["energyflow"] == {"available": False, "reason": "energyflow is not installed"}
    assert status["fastjet-contrib"]["available"] is False
    assert status["fastjet-contrib"]["reason"]

    text = bench.run_benchmark("random", features=test_families, **FAST).format_table()
    assert "energyflow is not installed" in text


def test_references_switched_off():
    status = bench.reference_status(False)
    assert all(not entry["available"] for entry in status.values())


def test_skipped_multiplicity_noted(test_families, rng):
    jets = bench.random_jets(10, 12)
    settings = {**FAST, "multiplicities": (8, 40)}
    report = bench.run_benchmark(jets, features=test_families, **settings)
    assert {point.n_constituents for point in report.measurements} == {8}
    assert any("M=40 skipped" in note for note in report.notes)


def test_tagger_rows(test_families):
    settings = {**FAST, "tagger": True, "multiplicities": (8,), "threads": (1,),
                "tagger_models": ("xgboost", "logistic")}
    report = bench.run_benchmark("random", features=test_families, **settings)
    modes = {(row["model"], row["mode"]) for row in report.tagger}
    assert modes == {(model, mode) for model in ("xgboost", "logistic")
                     for mode in ("batch", "single")}
    for row in report.tagger:
        assert row["features_us_per_jet"] > 0.0
        assert row["inference_us_per_jet"] > 0.0
        assert row["total_us_per_jet"] == pytest.approx(
            row["features_us_per_jet"] + row["inference_us_per_jet"])


def test_saved_tagger_features(test_families, tmp_path):
    from jetfeat.features import get_feature_set
    from jetfeat.models import Tagger

    source = {"substructure": test_families}
    table = get_feature_set(source).compute(bench.random_jets(60, 12))
    tagger = Tagger("logistic").fit(table.to_pandas()[["bench_pairs"]], np.arange(60) % 2)
    folder = tagger.save(tmp_path / "pairs_tagger")

    settings = {**FAST, "tagger": True, "multiplicities": (8,), "threads": (1,),
                "tagger_models": ("logistic",)}
    report = bench.run_benchmark("random", features=str(folder), tagger_source=source,
                                 **settings)
    # Only the family that provides the tagger's one feature is computed.
    assert {point.workload for point in report.measurements} == {"set:tagger pairs_tagger",
                                                                  "bench_pairs"}
    assert ("saved logistic", "single") in {(row["model"], row["mode"])
                                            for row in report.tagger}


def test_saved_tagger_efp_subset(tmp_path):
    pytest.importorskip("jetfeat._multigraphs")
    from jetfeat.features import get_feature_set
    from jetfeat.models import Tagger

    source = {"kinematics": True, "efp": [{"specs": ["d<=2"], "kappas": [1.0], "betas": [1.0]}]}
    table = get_feature_set(source).compute(bench.random_jets(60, 12))
    efp_names = [name for name in table.names if name.startswith("efp_")]
    tagger = Tagger("logistic").fit(table.to_pandas()[efp_names[-1:]], np.arange(60) % 2)
    folder = tagger.save(tmp_path / "efp_tagger")

    plan = bench.resolve_feature_set(str(folder), tagger_source=source)
    # The kinematics component and the unused graphs are dropped.
    assert [component.name for component in plan.components] == [
        "efp:specs=['d<=2'] (1 graphs)"]
    batch = bench.random_jets(5, 10, seed=4)
    computed = plan.compute(batch, 1)
    assert computed.names == efp_names[-1:]
    np.testing.assert_allclose(computed[efp_names[-1]],
                               get_feature_set(source).compute(batch)[efp_names[-1]])


def test_family_list_config(test_families):
    report = bench.run_benchmark("random", features=["bench_pairs"], **FAST)
    assert {point.workload for point in report.measurements} == {"set:bench_pairs",
                                                                  "bench_pairs"}


# --- errors ---------------------------------------------------------------------------------


def test_invalid_settings_rejected(test_families):
    with pytest.raises(ValueError, match="n_jets=0"):
        bench.run_benchmark("random", features=test_families, **{**FAST, "n_jets": 0})
    with pytest.raises(ValueError, match="multiplicities is empty"):
        bench.run_benchmark("random", features=test_families,
                            **{**FAST, "multiplicities": ()})
    with pytest.raises(ValueError, match="unknown feature set 'no-such-set'"):
        bench.run_benchmark("random", features="no-such-set", **FAST)
    with pytest.raises(ValueError, match="unknown substructure family 'nope'"):
        bench.run_benchmark("random", features=["nope"], **FAST)
    with pytest.raises(ValueError, match=r"unknown tagger model\(s\) \['svm'\]"):
        bench.run_benchmark("random", features=test_families,
                            **{**FAST, "tagger": True, "tagger_models": ("svm",)})
    with pytest.raises(ValueError, match="each DisCo sample size n=0"):
        bench.run_benchmark("random", features=test_families, **{**FAST, "disco_sizes": (0,)})


# --- command line ---------------------------------------------------------------------------


def test_cli_writes_outputs(test_families, tmp_path, capsys):
    json_path, png_path = tmp_path / "out.json", tmp_path / "out.png"
    code = main(["bench", "--features", test_families, "-M", "8,16", "--threads", "1,-1",
                 "-n", "5", "--repeats", "3", "--warmup", "0", "--efp-degrees", "0",
                 "--disco-sizes", "0", "--no-tagger", "--json", str(json_path),
                 "--plot", str(png_path)])
    assert code == 0
    output = capsys.readouterr().out
    assert "Feature extraction" in output
    assert json.loads(json_path.read_text())["settings"]["multiplicities"] == [8, 16]
    assert png_path.stat().st_size > 0


def test_cli_reports_bad_file(tmp_path, capsys):
    code = main(["bench", "--jets", str(tmp_path / "absent.h5"), "--no-tagger"])
    assert code == 1
    assert "absent.h5 does not exist" in capsys.readouterr().err


def test_cli_rejects_bad_list(capsys):
    with pytest.raises(SystemExit):
        main(["bench", "-M", "25,abc"])
    assert "not a list of integers" in capsys.readouterr().err


# --- references (need the kernels of other areas) -------------------------------------------


def test_efp_against_energyflow():
    pytest.importorskip("energyflow")
    pytest.importorskip("jetfeat.efp")
    report = bench.run_benchmark("random", features="kinematics", **{**FAST, "efp_degrees": (2,)})
    skipped = [note for note in report.notes if note.startswith("EFPs by degree not timed")]
    if skipped:
        pytest.skip(skipped[0])
    checks = [check for check in report.value_checks if check["against"] == "energyflow"]
    assert len(checks) == 2
    for check in checks:
        assert check["max_relative_difference"] < 1e-10
    assert {row["library"] for row in report.reference_ratios()} == {"energyflow"}


@pytest.mark.slow
def test_distance_correlation_against_dcor(test_families):
    # Slow because importing dcor compiles its numba code (about 10 s).
    pytest.importorskip("dcor")
    pytest.importorskip("jetfeat.disco")
    report = bench.run_benchmark("random", features=test_families,
                                 **{**FAST, "disco_sizes": (50, 100)})
    checks = [check for check in report.value_checks if check["against"] == "dcor"]
    assert {(check["workload"], check["n_samples"]) for check in checks} == {
        (workload, n) for workload in ("distance_correlation", "score_candidates_20")
        for n in (50, 100)}
    for check in checks:
        assert check["max_relative_difference"] < 1e-9
    speedups = [row for row in report.speedups() if row["workload"] == "score_candidates_20"]
    assert [row["n_samples"] for row in speedups] == [50, 100]


# --- plot script of the pytest-benchmark suite ----------------------------------------------


def _load_plot_script():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "plot_benchmarks.py"
    spec = importlib.util.spec_from_file_location("plot_benchmarks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_plot_script_reads_pytest_benchmark(tmp_path, capsys):
    script = _load_plot_script()
    entries = [
        {"name": f"test_efp[M{m}-1-threads]", "group": "efp_d3",
         "params": {"multiplicity": m, "n_jobs": 1}, "stats": {"median": 1e-6 * m**3}}
        for m in (25, 50, 100)
    ]
    path = tmp_path / "pytest.json"
    path.write_text(json.dumps({"benchmarks": entries, "jetfeat_n_jets": 10}))
    series = script.load_series([path])
    assert list(series) == ["efp_d3 (1 thr)"]
    assert series["efp_d3 (1 thr)"][0] == (25, pytest.approx(1e-7 * 25**3))

    # Other parameter and key names, jets per call from extra_info, and an entry without it.
    other = [
        {"name": f"test_nsub[M{m}-2-threads-kt]", "params": {"batch": m, "threads": 2,
                                                            "axes": "kt"},
         "extra_info": {"n_jets": 4}, "stats": {"median": 4e-6 * m**2}}
        for m in (50, 150)
    ] + [{"name": "test_unknown[M50]", "params": {"n_particles": 50}, "stats": {"median": 1.0}}]
    other_path = tmp_path / "other.json"
    other_path.write_text(json.dumps({"benchmarks": other}))
    other_series = script.load_series([other_path])
    assert list(other_series) == ["test_nsub(axes=kt) (2 thr)"]
    assert script.slope(other_series["test_nsub(axes=kt) (2 thr)"]) == pytest.approx(2.0)
    assert "test_unknown[M50]: no n_jets" in capsys.readouterr().err
    assert script.slope(series["efp_d3 (1 thr)"]) == pytest.approx(3.0)

    assert script.main([str(path), "-o", str(tmp_path / "plot.png")]) == 0
    assert "time ~ M^3.00" in capsys.readouterr().out
    assert (tmp_path / "plot.png").stat().st_size > 0


def test_plot_script_reads_bench_report(report, tmp_path):
    script = _load_plot_script()
    series = script.load_series([report.to_json(tmp_path / "report.json")])
    assert "bench_pairs (1 thr)" in series
    assert [m for m, _ in series["bench_pairs (1 thr)"]] == [8, 16]


def test_plot_script_rejects_other_json(tmp_path):
    script = _load_plot_script()
    path = tmp_path / "other.json"
    path.write_text("{}")
    with pytest.raises(ValueError, match="neither pytest-benchmark JSON"):
        script.load_series([path])


def _ecf_family():
    from jetfeat.substructure import FAMILIES

    if "ecf" not in FAMILIES:
        pytest.skip("the ecf family is not part of this build")
    return ["ecf"]


def test_fastjet_reference_missing(monkeypatch):
    features = _ecf_family()
    monkeypatch.setattr(bench, "fastjet_reference_dir", lambda: None)
    report = bench.run_benchmark("random", features=features,
                                 **{**FAST, "multiplicities": (8,), "threads": (1,)})
    status = report.references["fastjet-contrib"]
    assert status["available"] is False
    assert "not in this installation" in status["reason"]
    assert {point.library for point in report.measurements} == {"jetfeat"}


def test_fastjet_reference_timed():
    pytest.importorskip("fastjet")
    features = _ecf_family()
    report = bench.run_benchmark("random", features=features,
                                 **{**FAST, "multiplicities": (8,), "threads": (1,)})
    status = report.references["fastjet-contrib"]
    if not status["available"]:
        pytest.skip(f"fastjet-contrib programs unavailable: {status['reason']}")
    timed = [point for point in report.measurements if point.library == "fastjet-contrib"]
    assert [point.workload for point in timed] == ["ecf"]
    assert all(t > 0.0 for t in timed[0].times_s)
    ratios = [row for row in report.reference_ratios() if row["library"] == "fastjet-contrib"]
    assert len(ratios) == 1
    assert ratios[0]["ratio"] > 0.0


def test_benchmark_fixtures_record_machine(tmp_path):
    pytest.importorskip("pytest_benchmark")
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    # A throwaway benchmark on the shared fixtures, run by pytest-benchmark in a subprocess.
    repo = Path(__file__).resolve().parents[1]
    shutil.copy(repo / "benchmarks" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_tiny.py").write_text(
        "def test_tiny(benchmark, jets, multiplicity, n_jobs):\n"
        "    counts = benchmark(lambda: jets.counts)\n"
        "    assert (counts == multiplicity).all()\n"
    )
    output = tmp_path / "tiny.json"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(tmp_path), "-q", "-p", "no:cacheprovider",
         "-c", str(tmp_path / "conftest.py"), f"--rootdir={tmp_path}",
         f"--benchmark-json={output}", "--benchmark-min-rounds=1",
         "--benchmark-max-time=0.0001", "--benchmark-warmup=off"],
        capture_output=True, text=True, env={**os.environ, "JETFEAT_BENCH_N_JETS": "3"},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(output.read_text())
    assert data["jetfeat_n_jets"] == 3
    assert data["machine_info"]["jetfeat"]["build"]["compiler"]
    params = sorted((entry["params"]["multiplicity"], entry["params"]["n_jobs"])
                    for entry in data["benchmarks"])
    assert params == sorted((m, n) for m in (25, 50, 100, 150) for n in (1, 2, -1))

    series = _load_plot_script().load_series([output])
    assert set(series) == {"test_tiny (1 thr)", "test_tiny (2 thr)", "test_tiny (all threads)"}
