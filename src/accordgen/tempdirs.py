"""Private temporary folders, one per process and purpose, removed when the process exits
(kernel sockets, LibreOffice profiles). Pool and Dask worker processes exit without running
atexit handlers; multiprocessing's finalizers do run there, so both are registered. A forked
child gets its own folder, never its parent's."""

from __future__ import annotations

import atexit
import multiprocessing.util
import os
import shutil
import tempfile
import threading
from pathlib import Path

_lock = threading.Lock()
_folders: dict[tuple[int, str], Path] = {}


def _remove(path: Path, pid: int) -> None:
    if os.getpid() == pid:  # a forked child inherits the handlers, not the folder
        shutil.rmtree(path, ignore_errors=True)


def process_tempdir(prefix: str) -> Path:
    """This process's folder for ``prefix`` (created on first use, removed at exit)."""
    key = (os.getpid(), prefix)
    with _lock:
        path = _folders.get(key)
        if path is None:
            path = _folders[key] = Path(tempfile.mkdtemp(prefix=prefix))
            atexit.register(_remove, path, key[0])
            multiprocessing.util.Finalize(None, _remove, args=(path, key[0]), exitpriority=10)
        return path
