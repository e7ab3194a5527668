"""What a worker runs (a local pool process or a Dask worker): typed jobs and their results.

A job is a small frozen dataclass, pickled to the worker; a group's rows cross to its kernel
as JSON (``asdict``), and the kernel's results come back as JSON lines.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ..errors import AccordgenError, PdfError
from ..kinds import get_kind
from ..resources import notebook_path
from .manifest import DONE, FAILED, SKIPPED, embedded_inputs_hash
from .messages import failure_message, one_line

GROUP_NOTEBOOK = "batch_groupe.ipynb"


@dataclass(frozen=True)
class RowJob:
    """A row of the register to render: validated, named, hashed."""

    ligne: int
    type: str
    fichier: str
    chemin: str
    sortie: str
    overrides: Mapping[str, Any] = field(default_factory=dict)
    empreinte: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RowJob:
        return cls(**{f.name: data[f.name] for f in fields(cls)})


@dataclass
class RowResult:
    """What became of one row in a worker."""

    ligne: int
    statut: str
    sha256: str = ""
    message: str = ""
    empreinte: str = ""
    duree_s: float = 0.0
    notebook: str = ""
    pdf: str = ""
    after_pdf: bool = False
    """A PDF step's result for a row the batch may already have recorded."""
    duree_pdf_s: float = 0.0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RowResult:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class DocumentJob:
    """``document`` mode: one papermill run of the row's kind notebook."""

    row: RowJob
    staging: str
    """Where the worker leaves the row's files; the batch moves them into the output folder
    once the manifest lists them."""
    workdir: str
    pdf: bool = False
    pdfa: bool = False

    @property
    def lines(self) -> list[int]:
        return [self.row.ligne]

    def run(self) -> list[RowResult]:
        return run_document_job(self)


@dataclass(frozen=True)
class GroupJob:
    """``groupe`` mode: one papermill run of batch_groupe.ipynb for several rows."""

    rows: tuple[RowJob, ...]
    staging: str
    workdir: str
    results_file: str
    notebook: str
    """The group's executed notebook, relative to the output folder (``lots/...``)."""
    pdf: bool = False
    pdfa: bool = False

    @property
    def lines(self) -> list[int]:
        return [r.ligne for r in self.rows]

    def run(self) -> list[RowResult]:
        return run_group_job(self)


@dataclass(frozen=True)
class PdfRow:
    ligne: int
    sortie: str


@dataclass(frozen=True)
class PdfJob:
    """PDF only, for unchanged (skipped) rows whose PDF is missing."""

    rows: tuple[PdfRow, ...]
    output_dir: str
    staging: str
    pdfa: bool = False

    @property
    def lines(self) -> list[int]:
        return [r.ligne for r in self.rows]

    def run(self) -> list[RowResult]:
        return run_pdf_job(self)


Job = DocumentJob | GroupJob | PdfJob


def run_job(job: Job) -> list[RowResult]:
    """The one function submitted to an executor."""
    return job.run()


def convert_pdfs(source: Path, names: Sequence[str], target: Path,
                 docx_written: bool = True, pdfa: bool = False) -> list[tuple[str, str]]:
    """Convert the DOCX files ``names`` of ``source`` (relative paths: ``<dossier>/x.docx``)
    to PDF under the same relative paths in ``target`` (LibreOffice runs of up to
    ``pdf.CHUNK`` files, with this process's own profiles, or the app's warm LibreOffice);
    for each: ``(pdf name, "")`` or ``("", French message)``."""
    from ..tools.pdf import convert_each

    def failure(exc: BaseException) -> str:
        detail = exc.message if isinstance(exc, PdfError) and exc.docx else failure_message(exc)
        what = "le DOCX a été écrit" if docx_written else "le DOCX est à jour"
        return one_line(f"{what}, mais pas le PDF : {detail}")

    pdf_names = [name[: -len(".docx")] + ".pdf" for name in names]
    try:
        results = convert_each([source / name for name in names], target, pdfa=pdfa,
                               targets=[target / name for name in pdf_names])
    except Exception as exc:  # noqa: BLE001 - LibreOffice absent on this worker...
        return [("", failure(exc))] * len(names)
    return [(pdf, "") if isinstance(r, Path) else ("", failure(r))
            for pdf, r in zip(pdf_names, results, strict=True)]


def keep_notebook(executed: Path, target: Path) -> bool:
    """Move an executed notebook to ``target`` when it is whole (papermill writes it in
    place: a full disk leaves it empty or cut); True when moved."""
    try:
        json.loads(executed.read_bytes())
    except (OSError, ValueError):
        return False
    os.replace(executed, target)
    return True


@contextlib.contextmanager
def private_dir(root: str, prefix: str) -> Iterator[Path]:
    """A private working directory for one papermill run (its kernel's cwd)."""
    Path(root).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=prefix, dir=root))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def notebook_parameters(path: Path) -> set[str]:
    """Names of a notebook's ``parameters`` cell (papermill injects its values after it)."""
    import papermill as pm

    return set(pm.inspect_notebook(str(path)))


def run_document_job(job: DocumentJob) -> list[RowResult]:
    """One papermill run of the row's kind notebook, into the staging folder; the executed
    notebook is staged too (``<name>.ipynb``, beside the DOCX once moved)."""
    from ..runner import run_notebook

    start = time.perf_counter()
    row = job.row
    staging = Path(job.staging)
    stem = row.sortie[: -len(".docx")]
    record = f"{stem}.ipynb"
    kept = False
    try:
        kind = get_kind(row.type)
        accepted = notebook_parameters(kind.notebook_path)
        extra: dict[str, object] = {}
        if row.overrides:
            if "overrides" not in accepted:
                raise AccordgenError(
                    f"le notebook {kind.notebook} n'a pas de paramètre « overrides » : il ne peut pas "
                    "appliquer les colonnes de remplacement du registre (régénérez-le ou utilisez "
                    "le mode groupe)")
            extra["overrides"] = dict(row.overrides)
        if "par_lot" in accepted:
            extra["par_lot"] = True  # a notebook's side outputs are not the batch's (manifest)
        folder = (staging / row.sortie).parent  # <dossier>/ inside the staging folder
        folder.mkdir(parents=True, exist_ok=True)
        with private_dir(job.workdir, "document-") as work:
            executed = work / Path(record).name
            try:
                run_notebook(kind, row.chemin, folder, executed, output_name=Path(row.sortie).name,
                             extra=extra)
            finally:
                kept = executed.exists() and keep_notebook(executed, staging / record)
        data = (staging / row.sortie).read_bytes()
    except Exception as exc:  # noqa: BLE001 - a failing row never stops the others
        with contextlib.suppress(OSError):
            (staging / row.sortie).unlink()
        return [RowResult(row.ligne, FAILED, message=failure_message(exc, list(row.overrides)),
                          duree_s=time.perf_counter() - start, notebook=record if kept else "")]
    pdf = ""
    if job.pdf:
        ((pdf, problem),) = convert_pdfs(staging, [row.sortie], staging, pdfa=job.pdfa)
        if problem:
            with contextlib.suppress(OSError):
                (staging / row.sortie).unlink()
            return [RowResult(row.ligne, FAILED, message=problem, duree_s=time.perf_counter() - start,
                              notebook=record if kept else "")]
    return [RowResult(row.ligne, DONE, sha256=hashlib.sha256(data).hexdigest(),
                      empreinte=embedded_inputs_hash(data) or row.empreinte,
                      duree_s=time.perf_counter() - start, notebook=record if kept else "", pdf=pdf)]


def read_results(path: Path | str, offset: int = 0) -> tuple[list[RowResult], int]:
    """Complete JSON lines of a group's result file from ``offset``; returns them and the
    offset after the last complete line (a line cut by a kill is left for later/never)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            data = fh.read()
    except FileNotFoundError:
        return [], offset
    end = data.rfind(b"\n") + 1
    results = []
    for line in data[:end].splitlines():
        with contextlib.suppress(ValueError, TypeError):
            results.append(RowResult.from_dict(json.loads(line)))
    return results, offset + end


def run_group_job(job: GroupJob) -> list[RowResult]:
    """One papermill run of batch_groupe.ipynb renders all the group's rows in one kernel, into
    the staging folder; it appends one JSON line per row to the group's result file. The
    group's executed notebook is staged under its own name; rows point to it only once the
    batch has moved it into ``lots/``."""
    from papermill.exceptions import PapermillExecutionError

    from ..runner import execute

    staging = Path(job.staging)
    error = ""
    with private_dir(job.workdir, "groupe-") as work:
        jobs_file = work / "lignes.json"
        jobs_file.write_text(json.dumps({"results_file": job.results_file,
                                         "lignes": [asdict(r) for r in job.rows]},
                                        ensure_ascii=False), encoding="utf-8")
        executed = work / Path(job.notebook).name
        (staging / job.notebook).parent.mkdir(parents=True, exist_ok=True)
        try:
            execute(notebook_path(GROUP_NOTEBOOK), executed,
                    {"jobs_file": str(jobs_file), "output_dir": str(staging)})
        except PapermillExecutionError as exc:
            error = f"{GROUP_NOTEBOOK} a échoué (cellule {exc.exec_count}) : {exc.ename} : {exc.evalue}"
        except Exception as exc:  # noqa: BLE001 - kernel death, missing kernel...
            error = f"{GROUP_NOTEBOOK} n'a pas pu s'exécuter ({type(exc).__name__} : {exc})"
        finally:
            if executed.exists():
                keep_notebook(executed, staging / job.notebook)
    results, _ = read_results(job.results_file)
    seen = {r.ligne for r in results}
    for row in job.rows:
        if row.ligne not in seen:
            results.append(RowResult(row.ligne, FAILED, message=one_line(
                error or f"{GROUP_NOTEBOOK} s'est arrêté avant cette ligne")))
    if job.pdf:
        # The batch may already have recorded these rows (read from the result file while
        # the notebook ran): after_pdf tells it to add the PDF, or the PDF's failure.
        names = {row.ligne: row.sortie for row in job.rows}
        done = [r for r in results if r.statut == DONE and r.ligne in names]
        start = time.perf_counter()
        converted = convert_pdfs(staging, [names[r.ligne] for r in done], staging, pdfa=job.pdfa)
        share = (time.perf_counter() - start) / max(1, len(done))
        for r, (pdf, problem) in zip(done, converted, strict=True):
            r.pdf, r.after_pdf, r.duree_pdf_s = pdf, True, share
            if problem:
                r.statut, r.message, r.sha256 = FAILED, problem, ""
    return results


def run_pdf_job(job: PdfJob) -> list[RowResult]:
    """One LibreOffice run for unchanged rows whose PDF is missing."""
    start = time.perf_counter()
    converted = convert_pdfs(Path(job.output_dir), [row.sortie for row in job.rows], Path(job.staging),
                             docx_written=False, pdfa=job.pdfa)
    share = (time.perf_counter() - start) / max(1, len(converted))
    return [RowResult(row.ligne, FAILED if problem else SKIPPED, pdf=pdf, duree_pdf_s=share, after_pdf=True,
                      message=problem or "inchangé depuis la génération précédente ; PDF produit")
            for row, (pdf, problem) in zip(job.rows, converted, strict=True)]
