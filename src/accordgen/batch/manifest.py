"""The batch manifest (``manifeste.csv``): what became of each row of the register.

``;``-separated UTF-8 with a BOM (what a French spreadsheet opens directly), one line per row
in register order, rewritten atomically. Cells that a spreadsheet would read as a formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) are written with a
leading ``'`` (OWASP's advice against CSV injection) and read back without it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from ..render.output import write_atomic

MANIFEST = "manifeste.csv"
DONE, FAILED, SKIPPED = "done", "failed", "skipped"
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_GROUP_RECORD = re.compile(r"lots/lot-[\w.-]+\.ipynb")


@dataclass
class Entry:
    """One line of the manifest: what became of one row of the register."""

    ligne: int
    type: str
    fichier: str
    sortie: str
    sha256: str = ""
    statut: str = ""
    message: str = ""
    duree_s: float = 0.0
    empreinte_entrees: str = ""
    notebook: str = ""
    """The executed notebook that records this row (relative to the output folder)."""
    pdf: str = ""
    """The row's PDF (relative to the output folder), once written; '' without one."""


COLUMNS = [f.name for f in fields(Entry)]


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula: ``'`` before a cell that
    starts with a formula character (and before one that already starts with ``'``, so that
    reading back is exact)."""
    return "'" + cell if cell.startswith((*_FORMULA, "'")) else cell


def restore(cell: str) -> str:
    """The cell as it was before :func:`neutralise`."""
    return cell[1:] if cell.startswith("'") else cell


def write_manifest(path: Path, entries: Sequence[Entry]) -> None:
    """Write the manifest atomically, one line per row in register order."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")  # RFC 4180: CR, LF in a cell quoted
    writer.writerow(COLUMNS)
    for e in sorted(entries, key=lambda e: e.ligne):
        writer.writerow([f"{e.duree_s:.3f}" if c == "duree_s" else neutralise(str(getattr(e, c)))
                         for c in COLUMNS])
    write_atomic(path, buf.getvalue().encode("utf-8-sig"))


def read_manifest(path: Path | str) -> list[Entry]:
    """The entries of a manifest; an absent or unreadable manifest has none."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:  # a \r inside a cell stays
            text = fh.read()
    except (OSError, UnicodeDecodeError, ValueError):
        return []
    entries = []
    for raw in csv.DictReader(io.StringIO(text), delimiter=";"):
        row = {k: restore(v) for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)}
        try:
            entries.append(Entry(
                ligne=int(row["ligne"]), type=row["type"], fichier=row["fichier"],
                sortie=row["sortie"], sha256=row["sha256"], statut=row["statut"],
                message=row["message"], duree_s=float(row["duree_s"] or 0),
                empreinte_entrees=row["empreinte_entrees"], notebook=row.get("notebook") or "",
                pdf=row.get("pdf") or "",  # absent from manifests written before PDF export
            ))
        except (KeyError, ValueError, TypeError):
            continue  # a line we did not write: ignore it (the row is redone)
    return [e for e in map(_trusted, entries) if e is not None]


def _trusted(entry: Entry) -> Entry | None:
    """The entry with only the file names a batch writes: its output a plain name in the
    output folder or in its document folders, its PDF and notebook named after it (a group
    notebook in ``lots/``). A manifest is a file anyone can edit: a name read from it is never
    trusted further."""
    from .messages import safe_output_path

    if not entry.sortie:  # a row that failed before it was named
        entry.pdf = entry.notebook = ""
        return entry
    try:
        if safe_output_path(entry.sortie) != entry.sortie:
            return None  # not a name the batch writes: the row is redone
    except ValueError:
        return None
    stem = entry.sortie[: -len(".docx")]
    if entry.pdf != f"{stem}.pdf":
        entry.pdf = ""
    if entry.notebook != f"{stem}.ipynb" and not _GROUP_RECORD.fullmatch(entry.notebook):
        entry.notebook = ""
    return entry


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def embedded_inputs_hash(docx: bytes) -> str:
    """The inputs hash a DOCX of accordgen carries in its core properties ('' if none)."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as zf:
            core = zf.read("docProps/core.xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError):
        return ""
    match = re.search(r"sha256:([0-9a-f]{64})", core)
    return match.group(1) if match else ""
