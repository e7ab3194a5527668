"""Executors: a local process pool or Dask distributed, behind one small interface
(``submit(job) -> future``; futures have ``done()`` and ``result()``)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from ..errors import AccordgenError
from .jobs import Job, run_job

EXECUTORS = ("local", "dask")


def _ignore_sigint() -> None:
    """Pool workers leave Ctrl-C to the batch, which stops them (no traceback per worker)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _warm_up() -> None:
    """A job that does nothing: submitted first, it makes the pool start its worker processes
    (papermill already imported) while the register is being validated."""
    from .. import runner  # noqa: F401


class Executor:
    """Where the jobs run: ``local`` (a process pool) or ``dask``."""

    def __init__(self, kind: str, workers: int, scheduler: str | None) -> None:
        self.kind = kind
        self._close: list[Callable[[], object]] = []
        self._pool: Any = None
        if kind == "local":
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
            ctx = mp.get_context(method)
            if method == "forkserver":
                ctx.set_forkserver_preload(["accordgen.batch", "papermill"])
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_ignore_sigint)
            self._submit: Callable[..., Any] = pool.submit
            self._close.append(lambda: pool.shutdown(wait=True, cancel_futures=True))
            self._pool = pool
            for _ in range(workers):
                pool.submit(_warm_up)
        else:
            import logging

            from dask.distributed import Client, LocalCluster

            if scheduler:
                client = Client(scheduler)
            else:
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.ERROR)
                self._close.append(cluster.close)
                client = Client(cluster)
            self._close.insert(0, client.close)
            self._submit = lambda fn, arg: client.submit(fn, arg, pure=False)

    def submit(self, job: Job) -> Any:
        return self._submit(run_job, job)

    def stop(self) -> None:
        """Stop now (Ctrl-C): end the worker processes instead of waiting for their jobs; their
        kernels notice and exit. Rows not finished are simply absent from the manifest."""
        pool = self._pool
        if pool is not None:
            for proc in list(getattr(pool, "_processes", {}).values()):  # no public API in 3.11
                with contextlib.suppress(Exception):
                    proc.terminate()
            self._close = [lambda: pool.shutdown(wait=False, cancel_futures=True)]
        self.close()

    def close(self) -> None:
        closers, self._close = self._close, []
        for close in closers:
            with contextlib.suppress(Exception):
                close()


def start_executor(executor: str, workers: int, scheduler: str | None) -> Future[Executor]:
    """Start the executor in a background thread (a future of it): the worker processes, or
    the Dask cluster, come up while this process validates the register's rows."""
    from concurrent.futures import ThreadPoolExecutor

    starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accordgen-executor")
    future = starter.submit(Executor, executor, workers, scheduler)
    starter.shutdown(wait=False)
    return future


def started(future: Future[Executor], executor: str, scheduler: str | None) -> Executor:
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - no cluster, unreachable scheduler...
        where = f" ({scheduler})" if scheduler else ""
        raise AccordgenError(f"impossible de démarrer l'exécuteur {executor}{where} : "
                             f"{type(exc).__name__} : {exc}") from None


def dask_workers(scheduler: str) -> int:
    """Number of worker threads of an existing Dask cluster."""
    from dask.distributed import Client

    with Client(scheduler) as client:
        return max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
