"""Writing DOCX files: deterministic archives and atomic replacement.

The same inputs give the same bytes (fixed timestamps and member order), and a file
appears under its final name whole or not at all (temporary file, fsync, rename).
"""

from __future__ import annotations

import contextlib
import io
import os
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path

from ..errors import OutputError, write_error_message

_EPOCH = (1980, 1, 1, 0, 0, 0)


_DOSDATE = ((_EPOCH[0] - 1980) << 9) | (_EPOCH[1] << 5) | _EPOCH[2]  # _EPOCH's time is 00:00:00
_ATTR = 0o644 << 16
_VERSION = 20  # zip 2.0: what zipfile writes for stored and deflated members


def _deflate(data: bytes) -> tuple[int, bytes]:
    """CRC-32 and raw deflate stream (level 6) of ``data``, as zipfile computes them."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush()


class Deflated:
    """The compressed form of a template's own members, computed once: a render's member that
    *is* the template's (the very bytes object: the render left it unchanged) is copied into
    the archive instead of being compressed again (the styles alone are about 800 kB)."""

    def __init__(self, members: Mapping[str, bytes]) -> None:
        self._members = members
        self._done: dict[str, tuple[int, bytes]] = {}

    def get(self, name: str, data: bytes) -> tuple[int, bytes] | None:
        if self._members.get(name) is not data:
            return None
        hit = self._done.get(name)
        if hit is None:
            hit = self._done[name] = _deflate(data)
        return hit


def build_zip(members: Mapping[str, bytes], compress: bool = True,
              known: Deflated | None = None) -> bytes:
    """A zip archive of ``members`` in the given order, with fixed metadata: the same bytes as
    :mod:`zipfile` writes (``tests/test_reproducible.py`` compares them), written here because
    zipfile cannot take a member compressed beforehand (``known``: a template's members,
    compressed once). ``compress`` False: stored as is, for an archive only read back in
    memory."""
    if sum(len(d) for d in members.values()) > zipfile.ZIP64_LIMIT // 2 or len(members) >= 0xFFFF:
        return _zipfile_archive(members, compress)  # zip64 territory: zipfile knows it
    body = bytearray()
    central = bytearray()
    for name, data in members.items():
        if compress:
            crc, payload = (known.get(name, data) if known is not None else None) or _deflate(data)
            method = zipfile.ZIP_DEFLATED
        else:
            crc, payload, method = zlib.crc32(data), data, zipfile.ZIP_STORED
        try:
            fname, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            fname, flags = name.encode("utf-8"), 0x800
        offset = len(body)
        body += struct.pack(zipfile.structFileHeader, zipfile.stringFileHeader, _VERSION, 0, flags, method,
                            0, _DOSDATE, crc, len(payload), len(data), len(fname), 0)
        body += fname
        body += payload
        central += struct.pack(zipfile.structCentralDir, zipfile.stringCentralDir, _VERSION, 0, _VERSION, 0,
                               flags, method, 0, _DOSDATE, crc, len(payload), len(data), len(fname), 0, 0,
                               0, 0, _ATTR, offset)
        central += fname
    end = struct.pack(zipfile.structEndArchive, zipfile.stringEndArchive, 0, 0, len(members), len(members),
                      len(central), len(body), 0)
    return bytes(body + central + end)


def _zipfile_archive(members: Mapping[str, bytes], compress: bool = True) -> bytes:
    """:func:`build_zip` through :mod:`zipfile` (the reference it matches)."""
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = method
            info.external_attr = _ATTR
            info.create_system = 0
            zf.writestr(info, data, compresslevel=6 if compress else None)
    return buf.getvalue()


def _umask() -> int:
    """This process's umask (read without changing it where Linux shows it)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere: read by setting it (not thread-safe, but brief)
    os.umask(mask)
    return mask


def write_atomic(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    path = Path(path)
    tmp_name: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, 0o666 & ~_umask())  # mkstemp makes it 0600: as open() would
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        raise OutputError(path, write_error_message(exc)) from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    return path
