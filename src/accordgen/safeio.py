"""Reading a user's file without trusting it: regular files only, bounded reads.

Every reader of a drafter's file (YAML parameters, DOCX to compare or to print, templates)
goes through :func:`read_regular_file`:

- the file is opened with ``O_NONBLOCK`` (a FIFO does not block the open) and checked with
  ``fstat`` on the open descriptor (no race between the check and the read): a FIFO, a
  device (``/dev/zero``), a socket or a directory is refused at once;
- the size cap applies to the bytes actually read (``st_size`` is not trusted: a file may
  grow while it is read, ``/proc`` files report 0);
- a missing file, a symlink loop, a permission problem... are :class:`InputError` in French
  naming the file.

:func:`read_zip_members` reads a zip archive (a DOCX) with bounded decompression: a member or
the whole archive inflating beyond its cap is refused without being decompressed further.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import zipfile
import zlib
from pathlib import Path

from .errors import InputError, read_error_message

MB = 1024 * 1024
MAX_YAML_BYTES = 2 * MB  # a parameter file: a real one is under 50 KB
MAX_DOCX_BYTES = 50 * MB  # a DOCX or template file, compressed
MAX_MEMBER_BYTES = 64 * MB  # one member of a DOCX, decompressed
MAX_ARCHIVE_BYTES = 256 * MB  # all members of a DOCX, decompressed
MAX_MEMBERS = 10_000
_CHUNK = 1 << 16

def size_text(limit: int) -> str:
    """``2 Mo`` for a limit in bytes (French unit: mégaoctet)."""
    return f"{limit // MB} Mo" if limit % MB == 0 else f"{limit} octets"


def read_regular_file(path: Path | str, limit: int, *, error: type[InputError] = InputError) -> bytes:
    """The bytes of the regular file at ``path`` (symlinks followed), at most ``limit``.

    Raises ``error`` (an :class:`InputError`) naming the file when it is missing, not a
    regular file, unreadable or larger than ``limit`` bytes. Never blocks on a FIFO.
    """
    name = str(path)
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise error(name, read_error_message(exc)) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise error(name, "c'est un dossier, pas un fichier")
        if not stat.S_ISREG(mode):
            raise error(name, "ce n'est pas un fichier ordinaire (tube, périphérique ou socket) : "
                              "refusé")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise error(name, f"fichier trop volumineux (plus de {size_text(limit)})")
        return b"".join(chunks)
    except OSError as exc:
        raise error(name, read_error_message(exc)) from None
    finally:
        os.close(fd)


def resolve(path: Path | str, *, error: type[InputError] = InputError) -> Path:
    """``Path(path).resolve()``, with a symlink loop (RuntimeError in Python 3.11, OSError
    ELOOP later) as an :class:`InputError` naming the file instead of an internal error."""
    try:
        return Path(path).resolve()
    except RuntimeError:
        raise error(str(path), read_error_message(OSError(errno.ELOOP, os.strerror(errno.ELOOP)))) from None
    except OSError as exc:
        raise error(str(path), read_error_message(exc)) from None


def zip_names(data: bytes, name: Path | str, *, error: type[InputError] = InputError,
              member_limit: int = MAX_MEMBER_BYTES, total_limit: int = MAX_ARCHIVE_BYTES) -> list[str]:
    """The member names of the zip archive ``data``, refused (``error`` naming ``name``) when
    its declared sizes pass the limits. Python's zipfile never inflates a member beyond its
    declared size (it stops there, then fails the CRC check), so a reader using zipfile
    (python-docx) stays within these limits; no member is decompressed here."""
    label = str(name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError,
            RuntimeError, OSError):
        raise error(label, "ce n'est pas un document Word (.docx) : archive zip illisible") from None
    _check_declared(infos, label, error, member_limit, total_limit)
    return [i.filename for i in infos]


def _check_declared(infos: list[zipfile.ZipInfo], label: str, error: type[InputError],
                    member_limit: int, total_limit: int) -> None:
    if len(infos) > MAX_MEMBERS:
        raise error(label, f"archive refusée : plus de {MAX_MEMBERS} éléments")
    for info in infos:
        if info.file_size > member_limit:
            raise error(label, f"archive refusée : l'élément {info.filename} dépasse "
                               f"{size_text(member_limit)} une fois décompressé")
    if sum(i.file_size for i in infos) > total_limit:
        raise error(label, f"archive refusée : son contenu dépasse {size_text(total_limit)} "
                           "une fois décompressé")


def read_zip_members(data: bytes, name: Path | str, *, error: type[InputError] = InputError,
                     member_limit: int = MAX_MEMBER_BYTES,
                     total_limit: int = MAX_ARCHIVE_BYTES) -> dict[str, bytes]:
    """Every file member of the zip archive ``data``, decompressed with bounded reads.

    Declared sizes beyond the limits are refused at once; they are not trusted either: each
    member is read by chunks and refused as soon as it passes ``member_limit``, or the
    archive ``total_limit``. Raises ``error`` naming
    ``name`` for an archive that is not a readable zip or inflates beyond the limits.
    """
    label = str(name)
    members: dict[str, bytes] = {}
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            _check_declared(infos, label, error, member_limit, total_limit)  # refused at once
            for info in infos:
                chunks: list[bytes] = []
                size = 0
                with zf.open(info) as fh:
                    while chunk := fh.read(_CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > member_limit:
                            raise error(label, f"archive refusée : l'élément {info.filename} dépasse "
                                               f"{size_text(member_limit)} une fois décompressé")
                        if total > total_limit:
                            raise error(label, "archive refusée : son contenu dépasse "
                                               f"{size_text(total_limit)} une fois décompressé")
                        chunks.append(chunk)
                members[info.filename] = b"".join(chunks)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError,
            RuntimeError, OSError):
        # RuntimeError: an encrypted member; OSError: a truncated archive
        raise error(label, "ce n'est pas un document Word (.docx) : archive zip illisible") from None
    return members
