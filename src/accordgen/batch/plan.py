"""Preparation, in the calling process: register rows -> typed jobs.

Every row is loaded and validated like a single document (``dossier.load`` with the row's
overrides), its output name is fixed and sanitised, and its inputs hash is compared with the
previous manifest: an unchanged row whose DOCX is still the one recorded is *skipped*; a
broken row *fails* here with its French message. A row without ``sortie`` is written where
the application writes it, ``<dossier>/<kind's name>.docx`` of the output folder.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from ..errors import OutputError, RegisterError, ValidationError
from ..kinds import get_kind
from .jobs import RowJob
from .manifest import DONE, FAILED, SKIPPED, Entry, sha256_file
from .messages import failure_message, safe_output_name, safe_output_path
from .register import Register, override_values


def prepare(
    register: Register, out: Path, previous: Sequence[Entry], force: bool = False
) -> tuple[dict[int, Entry], list[RowJob]]:
    """Validate every row; returns the rows already settled (failed or skipped) and the
    jobs to run, in register order."""
    from ..dossier import Loader
    from ..render import inputs_hash

    loader = Loader()  # the run's cache: each dossier read once for all its rows
    before = {e.sortie.casefold(): e for e in previous if e.sortie}
    claimed: dict[str, int] = {}
    settled: dict[int, Entry] = {}
    jobs: list[RowJob] = []
    for row in register.rows:
        start = time.perf_counter()
        entry = Entry(row.number, row.kind, row.file, "")
        try:
            if row.output:
                try:
                    entry.sortie = safe_output_name(row.output)
                except ValueError as exc:
                    raise RegisterError(f"{register.path}, ligne {row.number} : colonne sortie : {exc}") from None
            if not row.kind:
                raise RegisterError(f"{register.path}, ligne {row.number} : colonne type vide "
                                    "(indiquez le type du document)")
            get_kind(row.kind)
            if row.problem:
                raise RegisterError(f"{register.path}, ligne {row.number} : {row.problem}")
            if row.path is None:
                raise RegisterError(f"{register.path}, ligne {row.number} : colonne fichier vide "
                                    "(indiquez le fichier YAML du document)")
            overrides = override_values(row, row.path)
            doc = loader.load(row.path, row.kind, overrides)
            if not entry.sortie:  # where the application writes it: <dossier>/<kind's name>.docx
                try:
                    entry.sortie = safe_output_path(doc.output_relpath.as_posix())
                except ValueError as exc:
                    raise ValidationError(row.path, [("sortie", f"{exc} ; indiquez un nom dans la "
                                                                "colonne sortie du registre")]) from None
            key = entry.sortie.casefold()
            if key in claimed:
                raise OutputError(out / entry.sortie, f"même fichier de sortie que la ligne {claimed[key]} "
                                  "du registre : donnez à cette ligne un autre nom dans la colonne sortie")
            claimed[key] = row.number
            digest = inputs_hash(doc)
        except Exception as exc:  # noqa: BLE001 - a failing row never stops the others
            entry.statut, entry.message = FAILED, failure_message(exc, list(row.overrides))
            entry.duree_s = time.perf_counter() - start
            settled[row.number] = entry
            continue
        old = before.get(key)
        target = out / entry.sortie
        if (not force and old is not None and old.statut in (DONE, SKIPPED)
                and old.empreinte_entrees == digest and target.is_file()
                and sha256_file(target) == old.sha256):
            entry.statut, entry.sha256, entry.empreinte_entrees = SKIPPED, old.sha256, digest
            entry.notebook, entry.message = old.notebook, "inchangé depuis la génération précédente"
            if old.pdf and (out / old.pdf).is_file():
                entry.pdf = old.pdf  # made from this same DOCX
            entry.duree_s = time.perf_counter() - start
            settled[row.number] = entry
        else:
            jobs.append(RowJob(row.number, row.kind, row.file, str(row.path), entry.sortie,
                               overrides, digest))
    return settled, jobs


def groups(jobs: Sequence[RowJob], workers: int, group_size: int | None) -> list[list[RowJob]]:
    """Contiguous chunks of ``group_size`` rows, or else ``workers`` groups taking rows in
    turn (so each group gets its share of every kind, whatever the register's order)."""
    if group_size:
        return [list(jobs[i:i + group_size]) for i in range(0, len(jobs), group_size)]
    n = max(1, min(workers, len(jobs)))
    return [list(jobs[k::n]) for k in range(n)]
