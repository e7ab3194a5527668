"""Batch generation: a register -> jobs -> papermill runs in parallel -> a manifest.

The flow of :func:`run_batch`:

1. *Preparation* (:mod:`.plan`, this process): every row is validated; unchanged rows are
   skipped, broken rows fail with their French message.
2. *Execution* (:mod:`.executors`, :mod:`.jobs`): the remaining rows run through papermill, in
   parallel, on a local process pool or on Dask distributed -- the same jobs for both:

   - ``document`` mode: one run of the kind's notebook per row; the executed notebook is kept
     beside the DOCX (``<name>.ipynb``) as the record of what was generated, and how;
   - ``groupe`` mode: one run of ``notebooks/batch_groupe.ipynb`` per group of rows, which
     renders them all in one kernel (:mod:`.group`; ``lots/lot-<date>-groupe-NN.ipynb``
     records the group).

   With ``pdf=True`` (``--pdf``), the worker that rendered DOCX files then converts them to
   PDF with LibreOffice; an unchanged row whose PDF is missing gets its PDF only.

   A row without ``sortie`` goes where the application writes it, ``<dossier>/<kind's
   name>.docx`` of the output folder (by default the workspace's ``outputs/``); the staging
   folder mirrors those paths and the document folders are created without following links.
3. The *manifest* (:mod:`.manifest`) is rewritten atomically as rows finish, so a batch killed
   at any point leaves a manifest that matches the files on disk; the next run skips what is
   done and redoes the rest.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import AccordgenError, OutputError
from .executors import EXECUTORS, Executor, dask_workers, default_workers, start_executor, started
from .folders import own_folder, remove_file, remove_tree
from .group import executer_groupe
from .jobs import DocumentJob, GroupJob, Job, PdfJob, PdfRow, RowJob, RowResult, read_results
from .lock import Lock, sigterm_as_interrupt
from .manifest import (
    COLUMNS,
    DONE,
    FAILED,
    MANIFEST,
    SKIPPED,
    Entry,
    read_manifest,
    sha256_file,
    write_manifest,
)
from .messages import failure_message, one_line, safe_output_name
from .plan import groups, prepare
from .register import Register, read_register
from .result import BatchResult, verifier

WORKDIR = ".accordgen-lot"
GROUP_DIR = "lots"
MODES = ("document", "groupe")
MAX_WORKERS = 256
MAX_GROUP_SIZE = 100_000
POLL_SECONDS = 0.1
MANIFEST_EVERY = 0.5  # seconds between two rewrites of the manifest while groups run


def _clean_leftovers(out: Path, work_root: Path) -> None:
    """Remove what a killed batch may have left: work folders and temporary ``.part`` files
    (never a final name). Called with the lock held."""
    for stale in work_root.glob("run-*"):
        remove_tree(stale)
    for part in out.glob(".*.part"):
        with contextlib.suppress(OSError):
            part.unlink()


def _progress_bar(total: int, progress: bool | None) -> Any:
    from tqdm.auto import tqdm

    enabled = sys.stderr.isatty() if progress is None else progress
    return tqdm(total=total, disable=not enabled, unit="doc", desc="Génération", leave=True)


@dataclass
class BatchRun:
    """One run of a batch over an output folder: its settings and what it has recorded."""

    register: Register
    out: Path
    mode: str
    workers: int
    executor: str
    scheduler: str | None
    force: bool
    group_size: int | None
    progress: bool | None
    pdf: bool
    pdfa: bool = False
    entries: dict[int, Entry] = field(default_factory=dict)
    pending: dict[int, Entry] = field(default_factory=dict)
    staging: Path = Path()
    """This run's folder for finished files not yet listed by the manifest."""
    installs: list[str] = field(default_factory=list)

    @property
    def manifest(self) -> Path:
        return self.out / MANIFEST

    @property
    def work_root(self) -> Path:
        return self.out / WORKDIR

    def run(self, starting: Future[Executor] | None, used: list[Executor]) -> list[Entry]:
        """Validate every row, run what is to be done, write the final manifest."""
        previous = read_manifest(self.manifest)
        settled, jobs = prepare(self.register, self.out, previous, self.force)
        # unchanged rows without their PDF get it (a PDF-only job)
        pdf_only = [PdfRow(e.ligne, e.sortie) for e in settled.values()
                    if self.pdf and e.statut == SKIPPED and not e.pdf]
        self.entries = dict(settled)
        self.entries.update(self._still_on_disk(previous, jobs))
        self.pending = {job.ligne: Entry(job.ligne, job.type, job.fichier, job.sortie,
                                         empreinte_entrees=job.empreinte) for job in jobs}
        bar = _progress_bar(len(self.register.rows), self.progress)
        bar.update(len(settled))
        try:
            if (jobs or pdf_only) and starting is not None:
                ex = started(starting, self.executor, self.scheduler)
                used.append(ex)
                stamp = time.strftime("%Y%m%d-%H%M%S")
                run_dir = self.work_root / f"run-{stamp}-{os.getpid()}"
                run_dir.mkdir()
                self.staging = run_dir / "sorties"
                self.staging.mkdir()
                try:
                    self.execute(ex, self.units(jobs, pdf_only, run_dir, stamp), bar)
                finally:
                    remove_tree(run_dir)
        finally:
            bar.close()
        if not self.pdf:
            # a DOCX made again without --pdf: the PDF this batch made of the old one is outdated
            before = {e.sortie.casefold(): e.pdf for e in previous if e.pdf}
            for e in self.entries.values():
                old_pdf = before.get(e.sortie.casefold()) if e.statut == DONE else None
                if old_pdf and old_pdf != e.pdf:
                    remove_file(self.out, old_pdf)
        final = [self.entries[r.number] for r in self.register.rows if r.number in self.entries]
        self.write(final)
        return final

    def _still_on_disk(self, previous: Sequence[Entry], jobs: Sequence[RowJob]) -> dict[int, Entry]:
        """The previous entries of the rows to redo whose files are still the recorded ones:
        listed until replaced, so that a batch killed midway leaves no file of the output
        folder unlisted (the next run redoes them: their inputs changed)."""
        before = {e.sortie.casefold(): e for e in previous if e.sortie and e.statut in (DONE, SKIPPED)}
        kept: dict[int, Entry] = {}
        for job in jobs:
            old = before.get(job.sortie.casefold())
            target = self.out / job.sortie
            if old is not None and target.is_file() and sha256_file(target) == old.sha256:
                kept[job.ligne] = replace(old, ligne=job.ligne)
        return kept

    def units(self, jobs: list[RowJob], pdf_only: Sequence[PdfRow], run_dir: Path, stamp: str) -> list[Job]:
        """The jobs to submit: one per row, or one per group; then the PDF-only ones."""
        staging = str(self.staging)
        units: list[Job] = []
        if self.mode == "document":
            units += [DocumentJob(job, staging, str(run_dir), self.pdf, self.pdfa) for job in jobs]
        elif jobs:
            own_folder(self.out, GROUP_DIR, 0o777)
            parts = groups(jobs, self.workers, self.group_size)
            width = max(2, len(str(len(parts))))
            for k, group in enumerate(parts, start=1):
                units.append(GroupJob(tuple(group), staging, str(run_dir),
                                      str(run_dir / f"groupe-{k:0{width}d}.jsonl"),
                                      f"{GROUP_DIR}/lot-{stamp}-groupe-{k:0{width}d}.ipynb", self.pdf,
                                      self.pdfa))
        if pdf_only:
            units += [PdfJob(tuple(group), str(self.out), staging, self.pdfa)
                      for group in groups(list(pdf_only), self.workers, None)]
        return units

    def _stage(self, *names: str) -> None:
        """Files of the staging folder to move into the output folder after the next
        manifest write (the manifest lists a file before it appears)."""
        self.installs += [n for n in names if n]

    def write(self, entries: Sequence[Entry] | None = None) -> None:
        """Write the manifest, then move into the output folder the files it now lists."""
        try:
            write_manifest(self.manifest, list(self.entries.values()) if entries is None else entries)
        except OutputError as exc:
            self.installs = []  # not listed: never moved into the output folder
            cause = str(exc)[len(exc.path) + 3:].split(" : ")[0]
            raise OutputError(self.manifest, f"{cause} : le manifeste n'a pas pu être "
                              "mis à jour ; les documents qu'il ne liste pas n'ont pas été placés dans le "
                              "dossier de sortie. Relancez le lot une fois le problème réglé : il reprendra "
                              "où il s'est arrêté") from None
        moves, self.installs = self.installs, []
        for name in moves:
            source, target = self.staging / name, self.out / name
            try:
                parent = self.out
                for folder in Path(name).parts[:-1]:  # <dossier>/: created, never followed if a link
                    parent = own_folder(parent, folder, 0o777)
                os.replace(source, target)
            except OutputError as exc:
                self._install_failed(name, OSError(0, str(exc)))
            except OSError as exc:
                self._install_failed(name, exc)

    def _install_failed(self, name: str, exc: OSError) -> None:
        for e in self.entries.values():
            if name in (e.sortie, e.pdf, e.notebook) and e.statut != FAILED:
                e.statut, e.sha256 = FAILED, ""
                e.message = one_line(f"{self.out / name} : non placé dans le dossier de sortie ({exc.strerror})")

    def record(self, results: list[RowResult], bar: Any) -> bool:
        """Record finished rows (their files move in after the next manifest write); True
        when an entry changed."""
        changed = False
        for r in results:
            entry = self.pending.pop(r.ligne, None)
            if entry is None:
                # already recorded (seen in the result file while running, or an unchanged
                # row): only the PDF step, if any, has something to add
                done = self.entries.get(r.ligne)
                if done is not None and r.after_pdf:
                    done.pdf, done.duree_s = r.pdf, done.duree_s + r.duree_pdf_s
                    done.message = r.message or done.message
                    if r.statut == FAILED:
                        done.statut, done.sha256 = FAILED, ""
                    self._stage(r.pdf)
                    changed = True
                continue
            entry.statut, entry.message = r.statut, r.message
            entry.sha256 = r.sha256
            entry.duree_s = float(r.duree_s) + float(r.duree_pdf_s)
            entry.empreinte_entrees = r.empreinte or entry.empreinte_entrees
            entry.notebook = r.notebook
            entry.pdf = r.pdf
            if entry.statut == DONE:
                self._stage(entry.sortie, entry.pdf)
            else:
                entry.sha256 = ""
            self._stage(entry.notebook)
            self.entries[entry.ligne] = entry
            bar.update(1)
            changed = True
        return changed

    def finish_group(self, unit: GroupJob) -> None:
        """A group ended: its executed notebook, if whole, moves into ``lots/`` and its rows
        point to it (never to a notebook that was not written)."""
        if (self.staging / unit.notebook).is_file():
            self._stage(unit.notebook)
            for n in unit.lines:
                e = self.entries.get(n)
                if e is not None and e.statut in (DONE, FAILED) and n not in self.pending:
                    e.notebook = unit.notebook

    def execute(self, ex: Executor, units: list[Job], bar: Any) -> None:
        """Run the jobs on the executor; record each finished row and rewrite the manifest."""
        tails = {id(u): 0 for u in units}
        # From here on the manifest lists what this run has settled, and the previous entries
        # of the rows still to do while their files are the recorded ones; a file moves into
        # the output folder only once the manifest lists it, so a run killed at any point
        # leaves a manifest that lists every file of the batch; the rest is redone next time.
        self.write()
        try:
            futures = {ex.submit(unit): unit for unit in units}
            running = set(futures)
            dirty, last_write, write_cost = False, time.monotonic(), 0.0
            while running:
                changed = False
                finished = [f for f in running if f.done()]
                for fut in finished:
                    running.discard(fut)
                    unit = futures[fut]
                    try:
                        results = fut.result()
                    except Exception as exc:  # noqa: BLE001 - a dead worker fails its rows only
                        results = [RowResult(n, FAILED, message=one_line(
                            f"le processus de travail s'est arrêté ({type(exc).__name__} : {exc})"),
                            after_pdf=isinstance(unit, PdfJob)) for n in unit.lines]
                    changed |= self.record(results, bar)
                    if isinstance(unit, GroupJob):
                        self.finish_group(unit)
                for fut in running:
                    unit = futures[fut]
                    # a group with PDFs reports its rows when it ends: its DOCX files must stay
                    # in the staging folder until LibreOffice has converted them
                    if isinstance(unit, GroupJob) and not unit.pdf:
                        results, tails[id(unit)] = read_results(unit.results_file, tails[id(unit)])
                        changed |= self.record(results, bar)
                if not finished:
                    ex.check()  # raises when no worker is left to run what remains
                dirty |= changed
                # rewrite the manifest when a job ends, else at most every MANIFEST_EVERY seconds
                # (and never more than ~5 % of the time: 5,000 lines take some 20 ms to write)
                if dirty and (finished or time.monotonic() - last_write >= max(MANIFEST_EVERY, 20 * write_cost)):
                    tick = time.perf_counter()
                    self.write()
                    write_cost, last_write, dirty = time.perf_counter() - tick, time.monotonic(), False
                if running and not finished:
                    time.sleep(POLL_SECONDS)
        except BaseException:
            ex.stop()  # Ctrl-C, SIGTERM or an internal error: do not wait for the running jobs
            with contextlib.suppress(Exception):
                self.write()  # what was recorded is listed, then moved in; the rest is redone
            raise
        finally:
            ex.close()
        if self.pending:  # a job that returned without a result for some of its rows
            self.record([RowResult(n, FAILED, message="aucun résultat pour cette ligne")
                         for n in list(self.pending)], bar)
        self.write()


def default_output_dir(registre: Path | str) -> Path:
    """Where a batch writes when no output folder is given: the ``outputs/`` folder of the
    register's workspace, where the application writes too. OutputError (French, naming
    ``--out``) outside a workspace."""
    from ..resources import OUTPUTS, current_workspace

    workspace = current_workspace(Path(registre).expanduser().absolute().parent)
    if workspace is None:
        raise OutputError(Path(registre), "ce registre n'est pas dans un espace de travail accordgen : "
                          "indiquez le dossier de sortie avec l'option --out DOSSIER (output_dir dans le "
                          "notebook), ou placez le registre dans un espace créé par « accordgen init »")
    return workspace / OUTPUTS


def run_batch(
    registre: Path | str,
    output_dir: Path | str | None = None,
    *,
    mode: str = "document",
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    force: bool = False,
    group_size: int | None = None,
    progress: bool | None = None,
    pdf: bool = False,
    pdfa: bool = False,
) -> BatchResult:
    """Generate every document of a register into ``output_dir`` (None or empty: the
    workspace's ``outputs/``, see :func:`default_output_dir`); see the module docstring.

    ``progress``: True/False, or None for a progress bar only on a terminal. ``pdf``: also a
    PDF beside each DOCX (LibreOffice; PdfError before anything is done when it is absent,
    except with a remote ``scheduler``, whose workers convert with their own LibreOffice).
    Raises RegisterError for an unreadable register; row problems are failed manifest entries."""
    if mode not in MODES:
        raise AccordgenError(f"mode inconnu : « {mode} » (attendu : {' ou '.join(MODES)})")
    if executor not in EXECUTORS:
        raise AccordgenError(f"exécuteur inconnu : « {executor} » (attendu : {' ou '.join(EXECUTORS)})")
    if executor == "dask":
        from ..extras import require_dask

        require_dask()
    pdf = pdf or pdfa
    if pdf and not scheduler:
        from ..tools.pdf import require_soffice

        require_soffice()
    started_at = time.perf_counter()
    if output_dir is None or not str(output_dir).strip():
        output_dir = default_output_dir(registre)
    register = read_register(registre)
    out = Path(output_dir).resolve()
    if scheduler and executor != "dask":
        raise AccordgenError("l'adresse d'un ordonnanceur (--scheduler) s'utilise avec l'exécuteur dask "
                             "(--executor dask)")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= MAX_WORKERS):
        raise AccordgenError(f"nombre de workers : entre 1 et {MAX_WORKERS} attendu (reçu {workers!r})")
    if group_size is not None and (isinstance(group_size, bool) or not isinstance(group_size, int)
                                   or not 1 <= group_size <= MAX_GROUP_SIZE):
        raise AccordgenError(f"taille de groupe : entre 1 et {MAX_GROUP_SIZE} lignes attendu "
                             f"(reçu {group_size!r})")
    if workers is None:
        try:
            workers = dask_workers(scheduler) if scheduler else default_workers()
        except Exception as exc:  # noqa: BLE001 - unreachable scheduler
            raise AccordgenError(f"ordonnanceur Dask injoignable ({scheduler}) : "
                                 f"{type(exc).__name__} : {exc}") from None
    workers = min(workers, MAX_WORKERS)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(out, f"dossier de sortie impossible à créer ({exc.strerror})") from None
    batch = BatchRun(register, out, mode, workers, executor, scheduler, force, group_size, progress, pdf, pdfa)
    with Lock(batch.work_root), sigterm_as_interrupt():
        _clean_leftovers(out, batch.work_root)
        starting = start_executor(executor, min(workers, len(register.rows)), scheduler) \
            if register.rows else None
        used: list[Executor] = []
        try:
            final = batch.run(starting, used)
        finally:
            if starting is not None and not used:
                with contextlib.suppress(Exception):
                    used.append(starting.result())  # started for nothing: wait, then stop it
            for ex in used:
                ex.close()
    return BatchResult(batch.manifest, final, time.perf_counter() - started_at)


__all__ = [
    "COLUMNS", "MANIFEST", "BatchResult", "Entry", "default_output_dir", "executer_groupe", "failure_message", "one_line",
    "read_manifest", "run_batch", "safe_output_name", "verifier", "write_manifest",
]
