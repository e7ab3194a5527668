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
from .folders import is_real_folder
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
    output_dir: str
    workdir: str
    pdf: bool = False

    @property
    def lines(self) -> list[int]:
        return [self.row.ligne]

    def run(self) -> list[RowResult]:
        return run_document_job(self)


@dataclass(frozen=True)
class GroupJob:
    """``groupe`` mode: one papermill run of batch_groupe.ipynb for several rows."""

    rows: tuple[RowJob, ...]
    output_dir: str
    workdir: str
    results_file: str
    notebook: str
    pdf: bool = False

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

    @property
    def lines(self) -> list[int]:
        return [r.ligne for r in self.rows]

    def run(self) -> list[RowResult]:
        return run_pdf_job(self)


Job = DocumentJob | GroupJob | PdfJob


def run_job(job: Job) -> list[RowResult]:
    """The one function submitted to an executor."""
    return job.run()


def convert_pdfs(out: Path, names: Sequence[str], docx_written: bool = True) -> list[tuple[str, str]]:
    """Convert the DOCX files ``names`` of ``out`` to PDF beside them (LibreOffice runs of up to
    ``pdf.CHUNK`` files, with this process's own profiles); for each: ``(pdf name, "")`` or
    ``("", French message)``."""
    from ..tools.pdf import convert_each

    def failure(exc: BaseException) -> str:
        detail = exc.message if isinstance(exc, PdfError) and exc.docx else failure_message(exc)
        what = "le DOCX a été écrit" if docx_written else "le DOCX est à jour"
        return one_line(f"{what}, mais pas le PDF : {detail}")

    try:
        results = convert_each([out / name for name in names])
    except Exception as exc:  # noqa: BLE001 - LibreOffice absent on this worker...
        return [("", failure(exc))] * len(names)
    return [(r.name, "") if isinstance(r, Path) else ("", failure(r)) for r in results]


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
    """One papermill run of the row's kind notebook; the executed notebook is moved beside
    the DOCX (``<name>.ipynb``)."""
    from ..runner import run_notebook

    start = time.perf_counter()
    row = job.row
    out = Path(job.output_dir)
    stem = row.sortie[: -len(".docx")]
    record = f"{stem}.ipynb"
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
        with private_dir(job.workdir, "document-") as work:
            executed = work / record
            try:
                run_notebook(kind, row.chemin, out, executed, output_name=row.sortie, extra=extra)
            finally:
                if executed.exists():
                    os.replace(executed, out / record)
        data = (out / row.sortie).read_bytes()
    except Exception as exc:  # noqa: BLE001 - a failing row never stops the others
        return [RowResult(row.ligne, FAILED, message=failure_message(exc, list(row.overrides)),
                          duree_s=time.perf_counter() - start,
                          notebook=record if (out / record).exists() else "")]
    pdf = ""
    if job.pdf:
        ((pdf, problem),) = convert_pdfs(out, [row.sortie])
        if problem:
            return [RowResult(row.ligne, FAILED, message=problem, duree_s=time.perf_counter() - start,
                              notebook=record)]
    return [RowResult(row.ligne, DONE, sha256=hashlib.sha256(data).hexdigest(),
                      empreinte=embedded_inputs_hash(data) or row.empreinte,
                      duree_s=time.perf_counter() - start, notebook=record, pdf=pdf)]


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
    """One papermill run of batch_groupe.ipynb renders all the group's rows in one kernel; it
    appends one JSON line per row to the group's result file."""
    from papermill.exceptions import PapermillExecutionError

    from ..runner import execute

    out = Path(job.output_dir)
    record = job.notebook
    error = ""
    with private_dir(job.workdir, "groupe-") as work:
        jobs_file = work / "lignes.json"
        jobs_file.write_text(json.dumps({"results_file": job.results_file,
                                         "lignes": [asdict(r) for r in job.rows]},
                                        ensure_ascii=False), encoding="utf-8")
        executed = work / Path(record).name
        try:
            execute(notebook_path(GROUP_NOTEBOOK), executed,
                    {"jobs_file": str(jobs_file), "output_dir": str(out)})
        except PapermillExecutionError as exc:
            error = f"{GROUP_NOTEBOOK} a échoué (cellule {exc.exec_count}) : {exc.ename} : {exc.evalue}"
        except Exception as exc:  # noqa: BLE001 - kernel death, missing kernel...
            error = f"{GROUP_NOTEBOOK} n'a pas pu s'exécuter ({type(exc).__name__} : {exc})"
        finally:
            if executed.exists() and is_real_folder((out / record).parent):
                os.replace(executed, out / record)
    results, _ = read_results(job.results_file)
    seen = {r.ligne for r in results}
    for row in job.rows:
        if row.ligne not in seen:
            results.append(RowResult(row.ligne, FAILED, notebook=record, message=one_line(
                error or f"{GROUP_NOTEBOOK} s'est arrêté avant cette ligne")))
    if job.pdf:
        # The batch may already have recorded these rows (read from the result file while
        # the notebook ran): after_pdf tells it to add the PDF, or the PDF's failure.
        names = {row.ligne: row.sortie for row in job.rows}
        done = [r for r in results if r.statut == DONE and r.ligne in names]
        start = time.perf_counter()
        converted = convert_pdfs(out, [names[r.ligne] for r in done])
        share = (time.perf_counter() - start) / max(1, len(done))
        for r, (pdf, problem) in zip(done, converted, strict=True):
            r.pdf, r.after_pdf, r.duree_pdf_s = pdf, True, share
            if problem:
                r.statut, r.message, r.sha256 = FAILED, problem, ""
    return results


def run_pdf_job(job: PdfJob) -> list[RowResult]:
    """One LibreOffice run for unchanged rows whose PDF is missing."""
    out = Path(job.output_dir)
    start = time.perf_counter()
    converted = convert_pdfs(out, [row.sortie for row in job.rows], docx_written=False)
    share = (time.perf_counter() - start) / max(1, len(converted))
    return [RowResult(row.ligne, FAILED if problem else SKIPPED, pdf=pdf, duree_pdf_s=share, after_pdf=True,
                      message=problem or "inchangé depuis la génération précédente ; PDF produit")
            for row, (pdf, problem) in zip(job.rows, converted, strict=True)]
