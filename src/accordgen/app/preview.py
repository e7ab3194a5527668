"""The true preview: a generated DOCX as PDF pages, through a LibreOffice kept warm for the
application's lifetime.

``accordgen app`` starts ``unoserver`` (PyPI) under the system Python, which has Debian's
``python3-uno`` (a virtual environment has no UNO), before it becomes the Voilà server; the
address goes to the kernels in ``ACCORDGEN_UNOSERVER``. unoserver keeps one LibreOffice running
and converts in about 0.3 s where a cold ``soffice --convert-to`` takes over a second. It gets a
parent-death signal, so it stops with the application whatever stops it. Without it (no
LibreOffice, no system UNO) the preview falls back to one cold conversion through
:mod:`accordgen.tools.pdf`, and without LibreOffice at all to a French message.

Pages are shown as JPEG images made by poppler's ``pdftoppm``: every browser shows them, with
the header, the « PROJET » mark and the page numbers as the reviewer will see them.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from ..errors import AccordgenError, PdfError
from ..tools.warm import ENV

SYSTEM_PYTHON = "/usr/bin/python3"
# LibreOffice starts once the app answers, plus a few seconds for its kernel: started at the same
# time, it made the app's first page 3 s slower on this 2-core machine.
_LAUNCH = """\
import json, os, signal, socket, sys, threading, time, xmlrpc.client
parent = os.getppid()
advert = {advert!r}
warm = {warm!r}

def unadvertise():  # only our own advert (another app may have replaced it)
    try:
        with open(advert, 'rb') as fh:
            if json.loads(fh.read(4096)).get('pid') == os.getpid():
                os.unlink(advert)
    except (OSError, ValueError, AttributeError):
        pass

def when_ready():  # once unoserver answers: one conversion (LibreOffice's first costs twice
    # the next ones), then the advert (batches and renders of this workspace may use it)
    class Limited(xmlrpc.client.Transport):
        def make_connection(self, host):
            conn = super().make_connection(host)
            conn.timeout = 2
            return conn
    url = 'http://127.0.0.1:%s' % {port!r}
    server = xmlrpc.client.ServerProxy(url, transport=Limited())
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and os.getppid() == parent:
        try:
            server.system.listMethods()
        except Exception:
            time.sleep(0.5)
            continue
        if warm:
            try:  # unoserver 3 (API 3): inpath, indata, outpath, convert_to, filtername, ...
                xmlrpc.client.ServerProxy(url, allow_none=True).convert(
                    warm, None, None, 'pdf', 'writer_pdf_Export', [], False, None, None)
            except Exception:
                pass
        if advert:
            info = {{'address': '127.0.0.1:%s' % {port!r}, 'pid': os.getpid(), 'workspace': {workspace!r}}}
            tmp = '%s.%d.tmp' % (advert, os.getpid())
            with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 'w') as fh:
                json.dump(info, fh)
            os.replace(tmp, advert)
        return

def watchdog():  # the app gone: what unoserver has not stopped 5 s later is killed
    while os.getppid() == parent:
        time.sleep(0.5)
    if advert:
        unadvertise()
    time.sleep(5)
    os.killpg(0, signal.SIGKILL)

def stopped(signum, frame):  # stopped before unoserver runs (it then handles the signals)
    if advert:
        unadvertise()
    os._exit(0)

signal.signal(signal.SIGTERM, stopped)
threading.Thread(target=watchdog, daemon=True).start()
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        socket.create_connection(({host!r}, {after}), 0.5).close()
        break
    except OSError:
        time.sleep(0.3)
time.sleep({delay})
sys.path.append({site!r})
from unoserver.server import main
sys.argv = ['unoserver'] + sys.argv[1:]
if advert or warm:
    threading.Thread(target=when_ready, daemon=True).start()
try:
    main()
finally:
    if advert:
        unadvertise()
    os.killpg(0, signal.SIGKILL)  # an oosplash whose soffice.bin died may stay: none is left
"""

class PreviewError(AccordgenError):
    """No PDF preview: LibreOffice is absent or failed (the message says which, in French)."""


def _parent_death_signal() -> None:  # runs in the child before exec
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _site_of_unoserver() -> str | None:
    try:
        import unoserver
    except ImportError:
        return None
    return str(Path(unoserver.__file__).resolve().parent.parent)


def _warm_up_document() -> Path | str:
    """A small DOCX of accordgen's own (a packaged template) LibreOffice converts once at start."""
    from ..resources import TEMPLATES, packaged

    path = packaged(TEMPLATES) / "lettre_resiliation.docx"
    return path if path.is_file() else ""


def start_warm_office(port: int, uno_port: int, after: tuple[str, int] | None = None,
                      delay: float = 3.0, advert: Path | None = None,
                      workspace: Path | None = None) -> subprocess.Popen[bytes] | None:
    """Start unoserver on 127.0.0.1:``port`` (LibreOffice on ``uno_port``), or None when the
    system Python has no UNO or LibreOffice is missing. With ``after`` (host, port), LibreOffice
    starts ``delay`` seconds after that address answers. Its output goes to a temporary log.

    With ``advert`` (:func:`accordgen.tools.warm.advert_path` of ``workspace``), the launcher
    writes there the address and its pid once unoserver answers, so that a ``batch --pdf`` or
    ``render --pdf`` of that workspace converts through it; it removes the advert when it stops
    or when its parent (the app) is gone."""
    from ..tools.pdf import find_soffice

    site, soffice = _site_of_unoserver(), find_soffice()
    if site is None or soffice is None or not os.access(SYSTEM_PYTHON, os.X_OK):
        return None
    if subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode != 0:
        return None
    profile = Path(tempfile.mkdtemp(prefix="accordgen-office-"))
    host, wait_port = after or ("127.0.0.1", 0)
    code = _LAUNCH.format(site=site, host=host, after=wait_port, delay=delay if after else 0,
                          advert=str(advert) if advert else "", port=str(port),
                          workspace=str(workspace or ""), warm=str(_warm_up_document()))
    if after is None:
        code = code.replace("deadline = time.monotonic() + 60", "deadline = 0")
    argv = [SYSTEM_PYTHON, "-c", code, "--interface", "127.0.0.1", "--port", str(port),
            "--uno-port", str(uno_port), "--executable", soffice,
            "--user-installation", str(profile / "profil")]
    # Its own session (process group): a signal to the app's group (Ctrl+C, killpg) would reach
    # LibreOffice twice, directly and forwarded by unoserver. The parent-death signal asks
    # unoserver to stop LibreOffice; LibreOffice stopped while starting may hang (oosplash with a
    # dead soffice.bin), so the launcher's watchdog kills its whole group 5 s after the app died.
    with (profile / "unoserver.log").open("wb") as log:  # the child keeps its own descriptor
        return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                preexec_fn=_parent_death_signal, start_new_session=True)


def _warm_pdf(address: str, docx: bytes, wait: float) -> bytes:
    """The PDF by the app's warm LibreOffice (:func:`accordgen.tools.warm.convert`, bounded
    waits); while it is still starting (unavailable), asked again every 0.2 s up to ``wait``."""
    from ..tools import warm

    deadline = time.monotonic() + wait
    while True:
        try:
            return warm.convert(address, docx)
        except warm.WarmUnavailable:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def pdf_bytes(docx_path: Path, wait: float = 30.0) -> bytes:
    """The PDF of ``docx_path``: by the warm LibreOffice when the app runs one, else by one
    cold conversion. Raises PreviewError in French when LibreOffice is absent or fails."""
    address = os.environ.get(ENV, "")
    if address:
        try:
            return _warm_pdf(address, docx_path.read_bytes(), wait)
        except Exception:  # noqa: BLE001 - any failure of the warm path falls back to a cold run
            pass
    from ..tools.pdf import convert, find_soffice

    if find_soffice() is None:
        raise PreviewError("Aperçu PDF indisponible : LibreOffice n'est pas installé sur ce poste "
                           "(installez libreoffice-writer) ; le DOCX reste téléchargeable")
    with tempfile.TemporaryDirectory(prefix="accordgen-apercu-") as tmp:
        copy = Path(tmp) / docx_path.name
        shutil.copyfile(docx_path, copy)
        try:
            convert([copy])
        except PdfError as exc:
            raise PreviewError(f"Aperçu PDF impossible : {exc}") from None
        return copy.with_suffix(".pdf").read_bytes()


def page_images(pdf: bytes, resolution: int = 60) -> list[bytes]:
    """The PDF's pages as JPEG images (poppler's pdftoppm; ten times faster than PNG here);
    [] when poppler is absent."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        return []
    with tempfile.TemporaryDirectory(prefix="accordgen-pages-") as tmp:
        src = Path(tmp) / "document.pdf"
        src.write_bytes(pdf)
        subprocess.run([exe, "-jpeg", "-r", str(resolution), str(src), str(Path(tmp) / "page")],
                       check=True, capture_output=True, timeout=60)
        return [p.read_bytes() for p in sorted(Path(tmp).glob("page*.jpg"), key=lambda p: (len(p.name), p.name))]

