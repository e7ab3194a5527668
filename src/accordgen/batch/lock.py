"""One batch at a time per output folder, and SIGTERM handled like Ctrl-C while it runs."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputError
from .folders import own_folder


class Lock:
    """One batch at a time per output folder (two would overwrite each other's manifest)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "verrou"
        self.fd: int | None = None

    def __enter__(self) -> Lock:
        own_folder(self.path.parent.parent, self.path.parent.name)
        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
        except OSError as exc:
            raise OutputError(self.path, f"verrou du lot impossible à ouvrir ({exc.strerror}) : "
                              "supprimez ce fichier puis relancez") from None
        try:
            import fcntl
        except ImportError:  # Windows: no advisory lock
            return self
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            self.fd = None
            raise OutputError(self.path.parent.parent, "un autre lot est en cours dans ce dossier de "
                              "sortie : attendez qu'il se termine ou choisissez un autre dossier") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, ``timeout``, systemd, CI): stopped like Ctrl-C."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While the batch runs, SIGTERM stops it cleanly, as Ctrl-C does (workers stopped,
    manifest written); main thread only (a notebook kernel runs batches there too)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
