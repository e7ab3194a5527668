"""PDF export: DOCX -> PDF through LibreOffice headless (``soffice --convert-to pdf``).

- :func:`find_soffice` / :func:`require_soffice` locate LibreOffice: the ``ACCORDGEN_SOFFICE``
  environment variable when set (then nothing else is tried), else ``soffice`` or
  ``libreoffice`` on the PATH, else the usual install locations (Linux, /opt, macOS, Windows).
- :func:`convert` converts one or several DOCX files in *one* LibreOffice run (its start costs
  about a second), up to :data:`CHUNK` files per run; ``pdfa=True`` asks LibreOffice's PDF
  export for PDF/A-2b (every font embedded, XMP identification).
- Each PDF then carries one empty signature field per signatory of its DOCX, over the
  signatory's block (:mod:`.pdfsign`, an incremental update that keeps the PDF/A claim).
- When ``accordgen app`` keeps a LibreOffice warm for the workspace (:mod:`.warm`), each file is
  converted there first (about 0.3 s, no start); a file it cannot convert goes to the cold run.

Parallel runs never share a LibreOffice profile: a profile is locked by the LibreOffice that
uses it, and a second LibreOffice on the same profile hands its work to the first or waits.
Each process keeps its own profiles (one per conversion running at the same time in it) in a
private temporary folder removed when the process exits; a profile is reused by the next
conversion of the same process, which saves its creation (see the README for figures). The
PDFs are written into a private folder, then each one is copied under its final name through
a temporary file and a rename: a PDF appears whole or not at all.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ..errors import AccordgenError, PdfError
from ..render.output import write_atomic
from ..tempdirs import process_tempdir

ENV_VAR = "ACCORDGEN_SOFFICE"
NAMES = ("soffice", "libreoffice")
CANDIDATES = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice*/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    "C:/Program Files/LibreOffice/program/soffice.exe",
)
INSTALL = ("installez LibreOffice Writer (paquet « libreoffice-writer » sous Debian ou Ubuntu, "
           "ou https://fr.libreoffice.org) ou indiquez le chemin du programme soffice dans la "
           f"variable d'environnement {ENV_VAR}")
CHUNK = 50
"""Most DOCX files converted by one LibreOffice run (a run that fails fails only these)."""
TIMEOUT_BASE, TIMEOUT_PER_FILE = 90.0, 5.0
"""Default time limit of one LibreOffice run: start (first start included) plus per file."""
_NOISE = ("javaldx", "java may not function")
PDF_FILTER = "pdf:writer_pdf_Export"
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
"""LibreOffice's PDF export, plain or PDF/A-2b (SelectPdfVersion 2: PDF/A-2b, fonts embedded)."""


# --------------------------------------------------------------------------------------
# Finding LibreOffice
# --------------------------------------------------------------------------------------


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def find_soffice() -> str | None:
    """The LibreOffice program to run, or None when there is none."""
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        found = configured if _executable(configured) else shutil.which(configured)
        return found or None
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    for pattern in CANDIDATES:
        for path in sorted(glob.glob(pattern), reverse=True):  # the newest /opt/libreofficeX.Y first
            if _executable(path):
                return path
    return None


def require_soffice() -> str:
    """The LibreOffice program; raises PdfError (French, what to install) when absent."""
    found = find_soffice()
    if found:
        return found
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        raise PdfError(f"LibreOffice introuvable pour l'export PDF : la variable {ENV_VAR} désigne "
                       f"« {configured} », qui n'existe pas ou n'est pas un programme exécutable : "
                       "indiquez-y le chemin du programme soffice de LibreOffice, ou retirez-la "
                       "(LibreOffice est alors cherché aux emplacements habituels)")
    raise PdfError(f"LibreOffice introuvable : l'export PDF en a besoin ; {INSTALL}")


# --------------------------------------------------------------------------------------
# Private profiles, per process
# --------------------------------------------------------------------------------------


_lock = threading.Lock()
_free: dict[int, list[Path]] = {}  # per process: profiles no LibreOffice uses now


@contextlib.contextmanager
def _profile() -> Iterator[Path]:
    """A profile no other LibreOffice uses now; kept for reuse unless the run was killed."""
    with _lock:
        free = _free.setdefault(os.getpid(), [])
        profile = free.pop() if free else Path(
            tempfile.mkdtemp(prefix="profil-", dir=process_tempdir("accordgen-libreoffice-")))
    try:
        yield profile
    except BaseException:
        shutil.rmtree(profile, ignore_errors=True)  # killed midway: its lock file may remain
        raise
    if profile.is_dir():  # not discarded after a run that had to be killed
        with _lock:
            free.append(profile)


# --------------------------------------------------------------------------------------
# Conversion
# --------------------------------------------------------------------------------------


class _Timeout(Exception):
    pass


def _run_soffice(exe: str, profile: Path, outdir: Path, files: Sequence[Path],
                 timeout: float, pdfa: bool = False) -> tuple[int, str]:
    """Run one conversion; returns its exit status and its messages (stdout + stderr)."""
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
           "--norestore", "--nologo", "--nodefault", "--convert-to", PDFA_FILTER if pdfa else PDF_FILTER,
           "--outdir", str(outdir), *map(str, files)]
    try:
        from ..runner import parent_death_signal

        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=os.name == "posix",
                                preexec_fn=parent_death_signal())  # noqa: PLW1509 - dies with its parent
    except OSError as exc:
        raise PdfError(f"impossible de lancer LibreOffice ({exe}) : {exc.strerror or exc} ; {INSTALL}") from None
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException as exc:  # time limit, Ctrl-C: no LibreOffice left behind
        _kill(proc)
        if isinstance(exc, subprocess.TimeoutExpired):
            raise _Timeout from None
        raise
    text = (out + b"\n" + err).decode("utf-8", "replace")
    return proc.returncode, text


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """End LibreOffice and what it started (soffice -> oosplash -> soffice.bin)."""
    with contextlib.suppress(OSError):
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    with contextlib.suppress(Exception):
        proc.communicate(timeout=10)


def _tail(text: str, limit: int = 600) -> str:
    """The end of LibreOffice's messages, on one line, without its known noise."""
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.startswith("convert ") and not any(n in line for n in _NOISE)]
    tail = " | ".join(lines)
    return tail if len(tail) <= limit else "…" + tail[-limit:]


def _chunks(files: Sequence[Path], size: int) -> list[list[Path]]:
    """Runs of at most ``size`` files whose names differ (LibreOffice names a PDF after its
    DOCX, all in one output folder)."""
    runs: list[tuple[list[Path], set[str]]] = []
    for path in files:
        key = path.stem.casefold()
        run = next((r for r in runs if len(r[0]) < size and key not in r[1]), None)
        if run is None:
            run = ([], set())
            runs.append(run)
        run[0].append(path)
        run[1].add(key)
    return [r[0] for r in runs]


def _as_list(docx_paths: Path | str | Iterable[Path | str]) -> list[Path]:
    if isinstance(docx_paths, (str, os.PathLike)):
        return [Path(docx_paths)]
    return [Path(p) for p in docx_paths]


_warm_gone: dict[str, float] = {}  # per process: warm addresses that did not answer, until when
WARM_RETRY = 30.0
"""Seconds before a warm LibreOffice that did not answer is asked again (the app's may start)."""


def _warm_address() -> str | None:
    from . import warm

    address = warm.find_address()
    return address if address and _warm_gone.get(address, 0.0) < time.monotonic() else None


def _warm_pdf(address: str, source: Path, pdfa: bool, timeout: float | None) -> bytes | None:
    """The PDF of ``source`` by the warm LibreOffice, or None (then a cold run converts it)."""
    from ..safeio import MAX_DOCX_BYTES, read_regular_file
    from . import warm

    try:
        docx = read_regular_file(source, MAX_DOCX_BYTES)
    except AccordgenError:
        return None
    try:
        return warm.convert(address, docx, pdfa=pdfa,
                            timeout=timeout if timeout is not None else warm.CONVERT_TIMEOUT)
    except warm.WarmUnavailable:
        _warm_gone[address] = time.monotonic() + WARM_RETRY
    except Exception:  # noqa: BLE001 - WarmFailed or anything unexpected: the cold path decides
        pass
    return None


def convert_each(
    docx_paths: Path | str | Iterable[Path | str],
    outdir: Path | str | None = None,
    *,
    timeout: float | None = None,
    pdfa: bool = False,
    fields: bool = True,
    warm: bool = True,
    targets: Sequence[Path | str] | None = None,
) -> list[Path | PdfError]:
    """Convert DOCX files to PDF; for each file, in order, the PDF written or the PdfError
    that says why not (French, naming the DOCX). The PDF of ``x.docx`` is ``x.pdf`` beside it,
    or in ``outdir``. When a conversion fails, no PDF is left under that name (an older one
    is removed: it no longer matches its DOCX). Raises PdfError when LibreOffice is absent.

    ``timeout``: seconds allowed per LibreOffice run (default: TIMEOUT_BASE plus
    TIMEOUT_PER_FILE per file); ``pdfa``: PDF/A-2b; ``fields``: the signatories' empty
    signature fields (see :mod:`.pdfsign`); ``warm``: convert through the LibreOffice that
    ``accordgen app`` keeps warm when there is one (:mod:`.warm`), each file it cannot convert
    then by a cold run; ``targets``: the PDF to write for each DOCX, in order (instead of
    ``<stem>.pdf`` in ``outdir``)."""
    files = _as_list(docx_paths)
    if not files:
        return []
    exe = require_soffice()
    target_dir = Path(outdir) if outdir is not None else None
    results: dict[int, Path | PdfError] = {}
    index: dict[Path, list[int]] = {}  # each DOCX once, even if given twice
    for i, path in enumerate(files):
        source = path.resolve()
        if not source.is_file():
            results[i] = PdfError("fichier introuvable : pas de PDF", path)
            continue
        index.setdefault(source, []).append(i)

    if targets is not None and len(targets) != len(files):
        raise ValueError("targets: one PDF path per DOCX")

    def target(i: int) -> Path:
        if targets is not None:
            return Path(targets[i])
        name = files[i].stem + ".pdf"
        return target_dir / name if target_dir is not None else files[i].with_name(name)

    def deliver(source: Path, data: bytes, whole: bool, why: str) -> None:
        signed_error = None
        if whole and fields:
            try:
                data = _with_fields(source, data)
            except AccordgenError as exc:
                signed_error = getattr(exc, "message", str(exc))
        for i in index[source]:
            if not whole:
                results[i] = PdfError(f"LibreOffice n'a pas pu le convertir en PDF ({why})", files[i])
                continue
            if signed_error:
                results[i] = PdfError(signed_error, files[i])
                continue
            try:
                results[i] = write_atomic(target(i), data)
            except AccordgenError as exc:
                results[i] = PdfError(f"PDF non écrit : {exc}", files[i])

    cold = list(index)
    address = _warm_address() if warm else None
    if address:
        cold = []
        for source in index:
            data = _warm_pdf(address, source, pdfa, timeout) if address else None
            if data is None:
                cold.append(source)
                if _warm_gone.get(address, 0.0) >= time.monotonic():
                    address = None  # unreachable or too slow: the rest go cold at once
                continue
            deliver(source, data, True, "")
    for run in _chunks(cold, CHUNK):
        limit = timeout if timeout is not None else TIMEOUT_BASE + TIMEOUT_PER_FILE * len(run)
        with _profile() as profile:
            work = Path(tempfile.mkdtemp(prefix="pdf-", dir=profile.parent))
            try:
                try:
                    status, messages = _run_soffice(exe, profile, work, run, limit, pdfa)
                except _Timeout:
                    shutil.rmtree(profile, ignore_errors=True)  # its lock file may remain
                    status, messages = -1, f"LibreOffice n'a pas terminé en {limit:.0f} s (arrêté)"
                for source in run:
                    made = work / (source.stem + ".pdf")
                    data = made.read_bytes() if made.is_file() else b""
                    # LibreOffice exiting with an error may leave a PDF-looking file: not trusted
                    whole = status == 0 and data.startswith(b"%PDF") and b"%%EOF" in data[-1024:]
                    why = _tail(messages) or (f"LibreOffice s'est arrêté avec le code {status}"
                                              if status else "aucun PDF produit")
                    deliver(source, data, whole, why)
            finally:
                shutil.rmtree(work, ignore_errors=True)
    for i, result in results.items():
        if isinstance(result, PdfError):
            with contextlib.suppress(OSError):
                target(i).unlink()
    return [results[i] for i in range(len(files))]


def _with_fields(docx: Path, pdf: bytes) -> bytes:
    from ..safeio import MAX_DOCX_BYTES, read_regular_file
    from .pdfsign import with_signature_fields

    try:
        return with_signature_fields(read_regular_file(docx, MAX_DOCX_BYTES), pdf)
    except AccordgenError:
        raise
    except Exception as exc:  # noqa: BLE001 - a PDF or DOCX the libraries cannot read
        raise PdfError(f"champs de signature non ajoutés : {exc}") from None


def convert(
    docx_paths: Path | str | Iterable[Path | str],
    outdir: Path | str | None = None,
    *,
    timeout: float | None = None,
    pdfa: bool = False,
    fields: bool = True,
    warm: bool = True,
) -> list[Path]:
    """Convert DOCX files to PDF in one LibreOffice run (see :func:`convert_each`); returns
    the PDFs written, in order. Raises PdfError naming every DOCX that could not be converted
    (the others are converted all the same)."""
    results = convert_each(docx_paths, outdir, timeout=timeout, pdfa=pdfa, fields=fields, warm=warm)
    errors = [r for r in results if isinstance(r, PdfError)]
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise PdfError("\n".join([f"{len(errors)} fichiers non convertis en PDF :"]
                                 + [f"  - {e}" for e in errors]))
    return [r for r in results if isinstance(r, Path)]


__all__ = ["ENV_VAR", "PdfError", "convert", "convert_each", "find_soffice", "require_soffice"]
