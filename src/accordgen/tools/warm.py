"""A LibreOffice kept warm by ``accordgen app`` (``unoserver``), found and used by PDF exports.

``accordgen app`` runs one unoserver for its lifetime (see :mod:`accordgen.app.preview`). Its
address reaches PDF exports in two ways:

- the app's kernels get it in ``ACCORDGEN_UNOSERVER`` (« PDF à signer », the preview);
- a ``batch --pdf`` or ``render --pdf`` started from a terminal while the app runs on the same
  workspace finds the *advert* the app's unoserver launcher writes once it answers: a small
  JSON (address, launcher pid, workspace) in accordgen's own runtime folder
  (``$XDG_RUNTIME_DIR/accordgen``, else ``<temp>/accordgen-<uid>``, private to the user), named
  after the workspace's path. The launcher removes it when the app stops; an advert whose
  process is gone (the app killed with SIGKILL) is ignored and removed by the next reader.

:func:`convert` asks unoserver for one PDF over XML-RPC with bounded waits; any failure
raises :class:`WarmUnavailable` (the server is unreachable or too slow: do not ask it again)
or :class:`WarmFailed` (this document failed there), and :mod:`accordgen.tools.pdf` falls
back to a cold ``soffice --convert-to`` run. unoserver's XML-RPC server answers one request
at a time; conversions from several batch workers also take a lock file in the runtime
folder, so that they queue here (with a bounded wait) rather than in the server's socket.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
import time
import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path

ENV = "ACCORDGEN_UNOSERVER"
PDF_EXPORT = "writer_pdf_Export"
PDFA_OPTIONS = ["SelectPdfVersion=2"]
"""The same export as the cold path's ``PDFA_FILTER``: unoserver passes ``Name=value`` as the
filter's FilterData, a decimal value as a number (PDF/A-2b: every font embedded, XMP id)."""
CONNECT_TIMEOUT = 2.0
"""Seconds to reach the server (it answers at once when it is up: a refused or silent port is
a gone app)."""
CONVERT_TIMEOUT = 60.0
"""Seconds for one conversion once connected (about 0.3 s when warm)."""
PROBE_TIMEOUT = 5.0
"""Seconds for a first answer from a server this process has not used yet."""
QUEUE_TIMEOUT = 120.0
"""Seconds waited for the other conversions of this user's processes ahead in the queue."""


_answered: set[str] = set()  # per process: servers that answered once


class WarmUnavailable(Exception):
    """No warm LibreOffice to ask (refused, silent, timed out, or not a unoserver)."""


class WarmFailed(Exception):
    """The warm LibreOffice could not convert this document (another may still convert)."""


# --------------------------------------------------------------------------------------
# Where the advert lives
# --------------------------------------------------------------------------------------


def runtime_dir() -> Path:
    """accordgen's runtime folder for this user, created private (0700) when absent; refused
    (OSError) when it is a link or belongs to someone else."""
    base = os.environ.get("XDG_RUNTIME_DIR", "").strip()
    uid = os.getuid() if hasattr(os, "getuid") else 0
    folder = Path(base) / "accordgen" if base and Path(base).is_dir() \
        else Path(tempfile.gettempdir()) / f"accordgen-{uid}"
    with contextlib.suppress(FileExistsError):
        os.mkdir(folder, 0o700)
    st = os.lstat(folder)
    if not stat.S_ISDIR(st.st_mode) or (hasattr(os, "getuid") and st.st_uid != uid):
        raise OSError(f"{folder} : not a private folder of this user")
    return folder


def advert_path(workspace: Path | str) -> Path:
    """The advert of the warm LibreOffice serving ``workspace`` (one per workspace)."""
    key = hashlib.sha256(str(Path(workspace).resolve()).encode("utf-8")).hexdigest()[:20]
    return runtime_dir() / f"office-{key}.json"


def _alive(pid: int, port: str) -> bool:
    """The launcher ``pid`` runs, is this user's, and is the unoserver of ``port`` (not a
    process that got its number since)."""
    try:
        os.kill(pid, 0)
    except (OSError, ValueError, OverflowError):
        return False
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.parent.is_dir():
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            return False
        return b"unoserver" in b" ".join(argv) and port.encode() in argv
    return True


def advertised(workspace: Path | str) -> str | None:
    """The address of the warm LibreOffice the app advertises for ``workspace``, or None
    (none, unreadable, or its process gone: then the stale advert is removed)."""
    try:
        path = advert_path(workspace)
        with open(path, "rb") as fh:
            info = json.loads(fh.read(4096))
        address, pid = str(info["address"]), int(info["pid"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if _alive(pid, address.rpartition(":")[2]):
        return address
    with contextlib.suppress(OSError):
        path.unlink()
    return None


def find_address(workspace: Path | str | None = None) -> str | None:
    """The warm LibreOffice to use: ``ACCORDGEN_UNOSERVER`` when set, else the one advertised
    for ``workspace`` (default: the current workspace), else None."""
    named = os.environ.get(ENV, "").strip()
    if named:
        return named
    if workspace is None:
        from ..resources import current_workspace

        try:
            workspace = current_workspace()
        except Exception:  # noqa: BLE001 - no usable workspace: no advert to look for
            return None
        if workspace is None:
            return None
    return advertised(workspace)


# --------------------------------------------------------------------------------------
# Converting
# --------------------------------------------------------------------------------------


class _Transport(xmlrpc.client.Transport):
    """XML-RPC over HTTP with time limits (the standard transport waits forever)."""

    def __init__(self, connect: float, read: float) -> None:
        super().__init__()
        self._connect, self._read = connect, read

    def make_connection(self, host):  # type: ignore[no-untyped-def]
        conn = super().make_connection(host)
        conn.timeout = self._connect
        return conn

    def send_request(self, host, handler, request_body, debug):  # type: ignore[no-untyped-def]
        conn = super().send_request(host, handler, request_body, debug)
        if conn.sock is not None:
            conn.sock.settimeout(self._read)  # connected: now the conversion's own limit
        return conn


@contextlib.contextmanager
def _queue(address: str, wait: float) -> Iterator[None]:
    """One conversion at a time per server among this user's processes (a lock file in the
    runtime folder); WarmUnavailable after ``wait`` seconds."""
    try:
        import fcntl
    except ImportError:  # not POSIX: the server queues the requests itself
        yield
        return
    try:
        name = hashlib.sha256(address.encode("utf-8")).hexdigest()[:20]
        fd = os.open(runtime_dir() / f"office-{name}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        raise WarmUnavailable(str(exc)) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WarmUnavailable("file d'attente trop longue") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def convert(address: str, docx: bytes, *, pdfa: bool = False, timeout: float = CONVERT_TIMEOUT,
            queue: float = QUEUE_TIMEOUT) -> bytes:
    """The PDF of ``docx`` made by the unoserver at ``host:port``; WarmUnavailable when it
    cannot be asked, WarmFailed when it could not convert (or returned no whole PDF)."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise WarmUnavailable(f"adresse invalide : {address!r}")
    proxy = xmlrpc.client.ServerProxy(f"http://{host}:{port}", allow_none=True,
                                      transport=_Transport(CONNECT_TIMEOUT, timeout))
    with _queue(address, queue), proxy:
        if address not in _answered:  # bound but not serving yet (unoserver starting): no wait
            try:
                xmlrpc.client.ServerProxy(f"http://{host}:{port}", transport=_Transport(
                    CONNECT_TIMEOUT, PROBE_TIMEOUT)).system.listMethods()
            except Exception as exc:  # noqa: BLE001 - refused, silent, not XML-RPC
                raise WarmUnavailable(str(exc)) from None
            _answered.add(address)
        try:
            # unoserver 3.x (API 3): inpath, indata, outpath, convert_to, filtername,
            # filter_options, update_index (False: as ``soffice --convert-to``), infiltername, password
            result = proxy.convert(None, xmlrpc.client.Binary(docx), None, "pdf", PDF_EXPORT,
                                   PDFA_OPTIONS if pdfa else [], False, None, None)
        except xmlrpc.client.Fault as exc:
            raise WarmFailed(" ".join(str(exc.faultString).strip().splitlines()[-1:])) from None
        except (OSError, xmlrpc.client.ProtocolError, xmlrpc.client.ResponseError) as exc:
            raise WarmUnavailable(str(exc)) from None
    data = bytes(getattr(result, "data", b"") or b"")
    if not (data.startswith(b"%PDF") and b"%%EOF" in data[-1024:]):
        raise WarmFailed("aucun PDF entier reçu")
    return data


__all__ = ["ENV", "WarmFailed", "WarmUnavailable", "advert_path", "advertised", "convert",
           "find_address", "runtime_dir"]
