"""Executors: a local process pool or Dask distributed, behind one small interface
(``submit(job) -> future``; futures have ``done()`` and ``result()``)."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from ..errors import AccordgenError
from .jobs import Job, run_job

EXECUTORS = ("local", "dask")
DASK_TIMEOUT = 60.0
"""Seconds a Dask batch waits without any worker (or scheduler) before it stops."""
DASK_TIMEOUT_VAR = "ACCORDGEN_DASK_TIMEOUT"
CHECK_EVERY = 2.0
_QUIET = ("distributed", "tornado", "asyncio")


def _init_worker(batch_pid: int) -> None:
    """Pool workers leave Ctrl-C to the batch, which stops them (no traceback per worker),
    and end as soon as the batch process is gone, even after a ``kill -9``: their parent is
    the pool's fork server, which itself waits for them, so a watch on the batch's pid is
    what ends them (their kernels have a parent-death signal and follow)."""
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_exit_with, args=(batch_pid,), name="accordgen-watch", daemon=True).start()


def _exit_with(pid: int) -> None:
    """Exit this process when process ``pid`` ends (pidfd on Linux, else polling)."""
    import select

    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = -1
    if fd >= 0:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        while not poller.poll(None):
            pass
        os._exit(1)
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass
        time.sleep(0.5)


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
        self._client: Any = None
        self._last_check = time.monotonic()
        self._alone_since: float | None = None
        self.timeout = float(os.environ.get(DASK_TIMEOUT_VAR) or DASK_TIMEOUT)
        if kind == "local":
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
            ctx = mp.get_context(method)
            if method == "forkserver":
                ctx.set_forkserver_preload(["accordgen.batch", "papermill"])
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                       initargs=(os.getpid(),))
            self._submit: Callable[..., Any] = pool.submit
            self._close.append(lambda: pool.shutdown(wait=True, cancel_futures=True))
            self._pool = pool
            for _ in range(workers):
                pool.submit(_warm_up)
        else:
            import logging

            from dask.distributed import Client, LocalCluster

            # the distributed loggers print tracebacks when a worker or the scheduler goes
            # away: the batch says it in French instead
            for name in _QUIET:
                logger = logging.getLogger(name)
                level = logger.level
                logger.setLevel(logging.CRITICAL + 1)
                self._close.append(lambda logger=logger, level=level: logger.setLevel(level))
            if scheduler:
                client = Client(scheduler)
            else:
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.ERROR)
                self._close.append(cluster.close)
                client = Client(cluster)
            self._close.insert(0, lambda: client.close(timeout=5))
            self._client = client
            self._submit = lambda fn, arg: client.submit(fn, arg, pure=False)

    def submit(self, job: Job) -> Any:
        return self._submit(run_job, job)

    def check(self) -> None:
        """Dask: raise AccordgenError (French) when no worker has been there, or the
        scheduler has not answered, for ``timeout`` seconds (checked every few seconds)."""
        now = time.monotonic()
        if self._client is None or now - self._last_check < CHECK_EVERY:
            return
        self._last_check = now
        try:
            alive = self._client.status == "running" and bool(
                self._client.scheduler_info(n_workers=1)["workers"])
        except Exception:  # noqa: BLE001 - scheduler gone or unreachable
            alive = False
        if alive:
            self._alone_since = None
            return
        if self._alone_since is None:
            self._alone_since = now
        elif now - self._alone_since >= self.timeout:
            raise AccordgenError(
                f"plus aucun worker Dask disponible (ou ordonnanceur injoignable) depuis "
                f"{self.timeout:.0f} s : le lot s'arrête ; les lignes terminées sont dans le manifeste, "
                "relancez le lot pour faire les autres")

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
