"""Extraction on dask.distributed: the same parts as a local run, on clusters bound to 127.0.0.1."""

from __future__ import annotations

import numpy as np
import pytest

from jetfeat import features
from jetfeat import io as jio

distributed = pytest.importorskip("distributed")


@pytest.fixture
def dataset(tmp_path, rng):
    jets = np.zeros((60, 8, 4))
    counts = rng.integers(1, 9, size=60)
    for i, count in enumerate(counts):
        pt = rng.exponential(40.0, count) + 1.0
        eta = rng.normal(0.0, 0.3, count)
        phi = rng.normal(0.0, 0.3, count)
        jets[i, :count] = np.stack([pt * np.cosh(eta), pt * np.cos(phi), pt * np.sin(phi),
                                    pt * np.sinh(eta)], axis=1)
    labels = rng.integers(0, 2, size=60)
    jio.write_npz(tmp_path / "a.npz", jets[:35], labels[:35])
    jio.write_npz(tmp_path / "b.npz", jets[35:], labels[35:])
    return [tmp_path / "a.npz", tmp_path / "b.npz"]


def test_dask_client_matches_local(tmp_path, dataset):
    local = features.read_features(features.extract(dataset, "kinematics", tmp_path / "local",
                                                    chunk_size=10, progress=False))
    # processes=False keeps scheduler and worker in this process, talking in-process.
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        output = features.extract(dataset, "kinematics", tmp_path / "dask", chunk_size=10,
                                  scheduler=client, progress=False)
        # The caller's client stays usable after the extraction.
        assert client.submit(sum, [1, 2]).result() == 3
    parts = sorted(p.name for p in output.glob("part-*.parquet"))
    assert parts == [f"part-00000-{k:06d}.parquet" for k in range(4)] + [
        f"part-00001-{k:06d}.parquet" for k in range(3)]
    frame = features.read_features(output)
    np.testing.assert_array_equal(frame.to_numpy(), local.to_numpy())


def test_dask_scheduler_address(tmp_path, dataset):
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  protocol="tcp", host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        output = features.extract(dataset, "kinematics", tmp_path / "out", chunk_size=25,
                                  scheduler=cluster.scheduler_address, progress=False)
    assert len(features.read_features(output)) == 60


def test_dask_local_cluster_workers(tmp_path, dataset):
    # Starts one worker process on 127.0.0.1 through extract(n_workers=...).
    output = features.extract(dataset, "kinematics", tmp_path / "out", chunk_size=30,
                              n_workers=1, progress=False)
    frame = features.read_features(output)
    direct = features.jet_kinematics(np.concatenate([jio.read(p).jets for p in dataset]))
    np.testing.assert_array_equal(frame["jet_mass"], direct["jet_mass"])


def test_dask_resume_skips_done_parts(tmp_path, dataset):
    features.extract(dataset, "kinematics", tmp_path / "out", chunk_size=10, progress=False)
    first = (tmp_path / "out" / "part-00000-000001.parquet")
    first.unlink()
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").glob("part-*")}
        features.extract(dataset, "kinematics", tmp_path / "out", chunk_size=10,
                         scheduler=client, progress=False)
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").glob("part-*")}
    assert first.is_file()
    assert all(after[name] == stamp for name, stamp in before.items())
