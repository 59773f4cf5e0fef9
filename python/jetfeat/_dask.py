"""Run extraction tasks on dask.distributed: an existing scheduler or a local cluster."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from ._optional import import_optional

logger = logging.getLogger(__name__)


def run_tasks(function: Callable, tasks: list, *, scheduler=None,
              n_workers: int | None = None) -> Iterator:
    """Submit ``function(task)`` for every task and yield the results as they finish.

    Parameters
    ----------
    function : callable
        Picklable; it runs on the workers, so it writes its own output and returns only a
        small summary (no arrays travel back to the client).
    tasks : list
        One entry per task.
    scheduler : str or distributed.Client, default=None
        Address of a running scheduler, or a Client to reuse.
    n_workers : int, default=None
        Used when ``scheduler`` is None: start a LocalCluster on 127.0.0.1 with this many
        worker processes of one thread each.

    Yields
    ------
    object
        ``function(task)`` for each task, in completion order.
    """
    distributed = import_optional("distributed", "extraction on a Dask cluster")
    cluster = None
    own_client = True
    if isinstance(scheduler, distributed.Client):
        client = scheduler
        own_client = False
    elif scheduler is not None:
        logger.info("connecting to the Dask scheduler at %s", scheduler)
        client = distributed.Client(scheduler)
    else:
        if int(n_workers) < 1:
            raise ValueError(f"n_workers={n_workers} is invalid; use a positive int")
        # One thread per worker: each task already uses n_jobs C++ threads of its own.
        cluster = distributed.LocalCluster(n_workers=int(n_workers), threads_per_worker=1,
                                           host="127.0.0.1", dashboard_address=None)
        client = distributed.Client(cluster)
        logger.info("started a local Dask cluster with %d workers", n_workers)
    try:
        futures = client.map(function, tasks, pure=False)
        for future in distributed.as_completed(futures):
            yield future.result()
    finally:
        if own_client:
            client.close()
        if cluster is not None:
            cluster.close()
