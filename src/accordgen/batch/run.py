"""Batch generation: a register -> jobs -> papermill runs in parallel -> a manifest.

The flow of :func:`run_batch`:

1. *Preparation* (this process): every row of the register is loaded and validated like a
   single document (``dossier.load`` with the row's overrides), its output name is fixed and
   sanitised, and its inputs hash (``render.inputs_hash``) is compared with the previous
   manifest: an unchanged row whose DOCX is still the one recorded is *skipped*; a broken
   row *fails* here with its French message. Nothing else is started for them.
2. *Execution*: the remaining rows run through papermill, in parallel, on a local process
   pool or on Dask distributed -- the same job functions for both:

   - ``document`` mode: one run of the kind's notebook per row; the executed notebook is kept
     beside the DOCX (``<name>.ipynb``) as the record of what was generated, and how;
   - ``groupe`` mode: one run of ``notebooks/batch_groupe.ipynb`` per group of rows, which
     renders them all in one kernel (``lots/lot-<date>-groupe-NN.ipynb`` records the group).

   Every papermill run has its own private working directory; DOCX files are written
   atomically (complete under their final name, or absent). With ``pdf=True`` (``--pdf``),
   the worker that rendered DOCX files then converts them to PDF with LibreOffice
   (``accordgen.tools.pdf``: one LibreOffice run per document, or per group, with the worker's own
   profile); an unchanged row whose PDF is missing gets its PDF only.
3. The *manifest* (``manifeste.csv`` in the output folder) is rewritten atomically as rows
   finish, so a batch killed at any point leaves a manifest that matches the files on disk;
   the next run skips what is done and redoes the rest.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import shutil
import sys
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ..errors import AccordgenError, OutputError, RegisterError, ValidationError
from ..kinds import get_kind
from ..render.output import write_atomic
from ..resources import notebook_path
from .register import Register, Row, canonical_path, override_values, read_register

MANIFEST = "manifeste.csv"
WORKDIR = ".accordgen-lot"
GROUP_DIR = "lots"
GROUP_NOTEBOOK = "batch_groupe.ipynb"
MODES = ("document", "groupe")
EXECUTORS = ("local", "dask")
DONE, FAILED, SKIPPED = "done", "failed", "skipped"
MAX_NAME_BYTES = 150
POLL_SECONDS = 0.1
MANIFEST_EVERY = 0.5  # seconds between two rewrites of the manifest while groups run


# --------------------------------------------------------------------------------------
# The manifest
# --------------------------------------------------------------------------------------


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


def write_manifest(path: Path, entries: Sequence[Entry]) -> None:
    """Write the manifest atomically: ``;``-separated UTF-8 with a BOM (what a French
    spreadsheet opens directly), one line per row in register order."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\n")
    writer.writerow(COLUMNS)
    for e in sorted(entries, key=lambda e: e.ligne):
        writer.writerow([f"{e.duree_s:.3f}" if c == "duree_s" else getattr(e, c) for c in COLUMNS])
    write_atomic(path, buf.getvalue().encode("utf-8-sig"))


def read_manifest(path: Path | str) -> list[Entry]:
    """The entries of a manifest; an absent or unreadable manifest has none."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    entries = []
    for row in csv.DictReader(io.StringIO(text), delimiter=";"):
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
    return entries


# --------------------------------------------------------------------------------------
# Output names and messages
# --------------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^\w.\-]")


def safe_output_name(raw: str) -> str:
    """A file name that stays in the output folder: last path component only, letters
    (accents allowed), digits, ``.``, ``_`` and ``-`` kept, anything else -> ``_``, no
    leading dot, ``.docx`` appended when missing, at most 150 bytes before the extension.
    Raises ValueError (French) when nothing usable is left."""
    name = unicodedata.normalize("NFC", str(raw)).strip()
    name = re.split(r"[/\\]", name)[-1].strip()
    name = _UNSAFE.sub("_", name).lstrip(".")
    if name.lower().endswith(".docx"):
        name = name[:-5]
    name = name.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", "ignore").rstrip(".")
    if not name.strip("_-."):
        raise ValueError(f"nom de sortie inutilisable : « {raw} »")
    return name + ".docx"


def one_line(text: str) -> str:
    """A multi-line French message on one manifest line."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    if not lines:
        return ""
    rest = [line[2:] if line.startswith("- ") else line for line in lines[1:]]
    return lines[0] + (" — " + " ; ".join(rest) if rest else "")


def _column_for(path: str, columns: Mapping[str, str]) -> str | None:
    """The override column a problem's field path comes from, if any."""
    for canon, column in columns.items():
        if path == canon or path.startswith((canon + ".", canon + "[")) or \
                canon.startswith((path + ".", path + "[")):
            return column
    return None


def failure_message(exc: BaseException, override_columns: Sequence[str] = ()) -> str:
    """The manifest message of a failed row: the French message of the error, on one line,
    with the register column named when an override caused the problem."""
    if isinstance(exc, ValidationError) and override_columns:
        canon = {canonical_path(c): c for c in override_columns}
        problems, named = [], False
        for path, msg in exc.problems:
            column = _column_for(path, canon)
            if column and "colonne « " not in msg:
                msg = f"colonne « {column} » du registre : {msg}"
            named = named or column is not None
            problems.append((path, msg))
        text = one_line(str(type(exc)(exc.file, problems)))
        if not named:
            text += f" (valeurs remplacées par le registre : {', '.join(override_columns)})"
        return text
    if isinstance(exc, AccordgenError):
        return one_line(str(exc))
    return one_line(f"erreur inattendue ({type(exc).__name__} : {exc})")


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


# --------------------------------------------------------------------------------------
# Preparation (in the calling process)
# --------------------------------------------------------------------------------------


def _job(row: Row, name: str, overrides: dict[str, Any], digest: str) -> dict[str, Any]:
    """A row to render, as plain data (pickled for the workers, JSON for a group notebook)."""
    return {
        "ligne": row.number, "type": row.kind, "fichier": row.file, "chemin": str(row.path),
        "sortie": name, "overrides": overrides, "empreinte": digest,
    }


def prepare(
    register: Register, out: Path, previous: Sequence[Entry], force: bool = False
) -> tuple[dict[int, Entry], list[dict[str, Any]]]:
    """Validate every row; returns the rows already settled (failed or skipped) and the
    jobs to run, in register order."""
    from ..dossier import load
    from ..render import inputs_hash

    before = {e.sortie.casefold(): e for e in previous if e.sortie}
    claimed: dict[str, int] = {}
    settled: dict[int, Entry] = {}
    jobs: list[dict[str, Any]] = []
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
            if row.path is None:
                raise RegisterError(f"{register.path}, ligne {row.number} : colonne fichier vide "
                                    "(indiquez le fichier YAML du document)")
            overrides = override_values(row, row.path)
            doc = load(row.path, row.kind, overrides)
            if not entry.sortie:
                try:
                    entry.sortie = safe_output_name(doc.output_stem)
                except ValueError as exc:
                    raise ValidationError(row.path, [("sortie", str(exc))]) from None
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
            jobs.append(_job(row, entry.sortie, overrides, digest))
    return settled, jobs


# --------------------------------------------------------------------------------------
# Job functions (run in worker processes: local pool or Dask workers)
# --------------------------------------------------------------------------------------


def _result(job: Mapping[str, Any], statut: str, **values: Any) -> dict[str, Any]:
    return {"ligne": job["ligne"], "statut": statut, "sha256": "", "message": "",
            "empreinte": "", "duree_s": 0.0, "notebook": "", "pdf": "", **values}


def convert_pdfs(out: Path, names: Sequence[str], docx_written: bool = True) -> list[tuple[str, str]]:
    """Convert the DOCX files ``names`` of ``out`` to PDF beside them (LibreOffice runs of up to
    ``pdf.CHUNK`` files, with this process's own profiles); for each: ``(pdf name, "")`` or ``("", French
    message)``."""
    from ..errors import PdfError
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
def _private_dir(root: str, prefix: str) -> Iterator[Path]:
    """A private working directory for one papermill run (its kernel's cwd)."""
    Path(root).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=prefix, dir=root))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


_PARAMETERS: dict[str, tuple[float, set[str]]] = {}


def _notebook_parameters(path: Path) -> set[str]:
    """Names assigned in a notebook's ``parameters`` cell (cached while the file is
    unchanged): papermill injects its values after that cell."""
    stamp = path.stat().st_mtime
    hit = _PARAMETERS.get(str(path))
    if hit is None or hit[0] != stamp:
        names: set[str] = set()
        for cell in json.loads(path.read_text(encoding="utf-8")).get("cells", []):
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                source = "".join(cell.get("source", ""))
                names |= set(re.findall(r"^([A-Za-z_]\w*)\s*(?::[^=]*)?=", source, flags=re.M))
        hit = (stamp, names)
        _PARAMETERS[str(path)] = hit
    return hit[1]


def run_document_job(job: dict[str, Any]) -> list[dict[str, Any]]:
    """``document`` mode: one papermill run of the row's kind notebook; the executed
    notebook is moved beside the DOCX (``<name>.ipynb``)."""
    from ..runner import run_notebook

    start = time.perf_counter()
    out = Path(job["output_dir"])
    stem = job["sortie"][: -len(".docx")]
    record = f"{stem}.ipynb"
    try:
        kind = get_kind(job["type"])
        extra: dict[str, object] = {}
        if job["overrides"]:
            if "overrides" not in _notebook_parameters(kind.notebook_path):
                raise AccordgenError(
                    f"le notebook {kind.notebook} n'a pas de paramètre « overrides » : il ne peut pas "
                    "appliquer les colonnes de remplacement du registre (régénérez-le ou utilisez "
                    "le mode groupe)")
            extra["overrides"] = job["overrides"]
        if "par_lot" in _notebook_parameters(kind.notebook_path):
            extra["par_lot"] = True  # a notebook's side outputs are not the batch's (manifest)
        with _private_dir(job["workdir"], "document-") as work:
            executed = work / record
            try:
                run_notebook(kind, job["chemin"], out, executed, output_name=job["sortie"], extra=extra)
            finally:
                if executed.exists():
                    os.replace(executed, out / record)
        data = (out / job["sortie"]).read_bytes()
    except Exception as exc:  # noqa: BLE001 - a failing row never stops the others
        return [_result(job, FAILED, message=failure_message(exc, list(job["overrides"])),
                        duree_s=time.perf_counter() - start,
                        notebook=record if (out / record).exists() else "")]
    pdf = ""
    if job.get("pdf"):
        ((pdf, problem),) = convert_pdfs(out, [job["sortie"]])
        if problem:
            return [_result(job, FAILED, message=problem, duree_s=time.perf_counter() - start,
                            notebook=record)]
    return [_result(job, DONE, sha256=hashlib.sha256(data).hexdigest(),
                    empreinte=embedded_inputs_hash(data) or job["empreinte"],
                    duree_s=time.perf_counter() - start, notebook=record, pdf=pdf)]


def read_results(path: Path | str, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
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
        with contextlib.suppress(ValueError):
            results.append(json.loads(line))
    return results, offset + end


def run_group_job(job: dict[str, Any]) -> list[dict[str, Any]]:
    """``groupe`` mode: one papermill run of batch_groupe.ipynb renders all the group's rows
    in one kernel; it appends one JSON line per row to the group's result file."""
    from papermill.exceptions import PapermillExecutionError

    from ..runner import execute

    out = Path(job["output_dir"])
    record = job["notebook"]
    error = ""
    with _private_dir(job["workdir"], "groupe-") as work:
        jobs_file = work / "lignes.json"
        jobs_file.write_text(json.dumps({"results_file": job["results_file"], "lignes": job["lignes"]},
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
            if executed.exists():
                (out / record).parent.mkdir(parents=True, exist_ok=True)
                os.replace(executed, out / record)
    results, _ = read_results(job["results_file"])
    seen = {r["ligne"] for r in results}
    for row in job["lignes"]:
        if row["ligne"] not in seen:
            results.append(_result(row, FAILED, notebook=record, message=one_line(
                error or f"{GROUP_NOTEBOOK} s'est arrêté avant cette ligne")))
    if job.get("pdf"):
        # The batch may already have recorded these rows (read from the result file while
        # the notebook ran): "apres_pdf" tells it to add the PDF, or the PDF's failure.
        names = {row["ligne"]: row["sortie"] for row in job["lignes"]}
        done = [r for r in results if r["statut"] == DONE and r["ligne"] in names]
        start = time.perf_counter()
        converted = convert_pdfs(out, [names[r["ligne"]] for r in done])
        share = (time.perf_counter() - start) / max(1, len(done))
        for r, (pdf, problem) in zip(done, converted, strict=True):
            r.update(pdf=pdf, apres_pdf=True, duree_pdf_s=share)
            if problem:
                r.update(statut=FAILED, message=problem, sha256="")
    return results


def run_pdf_job(job: dict[str, Any]) -> list[dict[str, Any]]:
    """PDF only, for unchanged (skipped) rows whose PDF is missing: one LibreOffice run."""
    out = Path(job["output_dir"])
    start = time.perf_counter()
    converted = convert_pdfs(out, [row["sortie"] for row in job["lignes"]], docx_written=False)
    share = (time.perf_counter() - start) / max(1, len(converted))
    return [_result(row, FAILED if problem else SKIPPED, pdf=pdf, duree_pdf_s=share, apres_pdf=True,
                    message=problem or "inchangé depuis la génération précédente ; PDF produit")
            for row, (pdf, problem) in zip(job["lignes"], converted, strict=True)]


def render_group_row(row: Mapping[str, Any], output_dir: Path) -> dict[str, Any]:
    """Render one row inside a group's kernel through ``accordgen.render`` (the one render
    path), writing the DOCX atomically."""
    from ..dossier import load
    from ..render import inputs_hash, render_bytes

    start = time.perf_counter()
    try:
        doc = load(row["chemin"], row["type"], row["overrides"] or None)
        digest = inputs_hash(doc)
        data = render_bytes(doc, digest)
        write_atomic(output_dir / row["sortie"], data)
    except Exception as exc:  # noqa: BLE001 - a failing row never stops the group
        return _result(row, FAILED, message=failure_message(exc, list(row["overrides"])),
                       duree_s=time.perf_counter() - start)
    return _result(row, DONE, sha256=hashlib.sha256(data).hexdigest(), empreinte=digest,
                   duree_s=time.perf_counter() - start)


def executer_groupe(jobs_file: str | Path, output_dir: str | Path) -> Any:
    """What batch_groupe.ipynb calls: render the rows of ``jobs_file`` one after the other in
    this kernel, append each result to the group's result file as soon as it is known, and
    return the group's table (pandas) for the executed notebook, the group's record."""
    import pandas as pd

    spec = json.loads(Path(jobs_file).read_text(encoding="utf-8"))
    out = Path(output_dir)
    lines = []
    with open(spec["results_file"], "a", encoding="utf-8") as fh:
        for row in spec["lignes"]:
            result = render_group_row(row, out)
            fh.write(json.dumps(result, ensure_ascii=False) + "\n")
            fh.flush()
            lines.append({
                "ligne": row["ligne"], "type": row["type"], "fichier": row["chemin"],
                "remplacements": json.dumps(row["overrides"], ensure_ascii=False) if row["overrides"] else "",
                "sortie": row["sortie"], "statut": result["statut"], "message": result["message"],
                "sha256": result["sha256"], "duree_s": round(result["duree_s"], 3),
            })
    return pd.DataFrame(lines).set_index("ligne") if lines else pd.DataFrame()


# --------------------------------------------------------------------------------------
# Executors: a local process pool or Dask distributed, behind one small interface
# --------------------------------------------------------------------------------------


def _ignore_sigint() -> None:
    """Pool workers leave Ctrl-C to the batch, which stops them (no traceback per worker)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _warm_up() -> None:
    """A job that does nothing: submitted first, it makes the pool start its worker processes
    (papermill already imported) while the register is being validated."""
    from .. import runner  # noqa: F401


class _Executor:
    """``submit(fn, arg) -> future``; futures have ``done()`` and ``result()``."""

    def __init__(self, kind: str, workers: int, scheduler: str | None) -> None:
        self.kind = kind
        self._close: list[Callable[[], object]] = []
        if kind == "local":
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
            ctx = mp.get_context(method)
            if method == "forkserver":
                ctx.set_forkserver_preload(["accordgen.batch", "papermill"])
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_ignore_sigint)
            self._submit: Callable[..., Any] = pool.submit
            self._close.append(lambda: pool.shutdown(wait=True, cancel_futures=True))
            self._pool = pool
            for _ in range(workers):
                pool.submit(_warm_up)
        else:
            import logging

            from dask.distributed import Client, LocalCluster

            if scheduler:
                client = Client(scheduler)
            else:
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.ERROR)
                self._close.append(cluster.close)
                client = Client(cluster)
            self._close.insert(0, client.close)
            self._submit = lambda fn, arg: client.submit(fn, arg, pure=False)

    def submit(self, fn: Callable[[Any], Any], arg: Any) -> Any:
        return self._submit(fn, arg)

    def stop(self) -> None:
        """Stop now (Ctrl-C): end the worker processes instead of waiting for their jobs; their
        kernels notice and exit. Rows not finished are simply absent from the manifest."""
        pool = getattr(self, "_pool", None)
        if pool is not None:
            for proc in list(getattr(pool, "_processes", {}).values()):  # no public API in 3.11
                with contextlib.suppress(Exception):
                    proc.terminate()
            self._close = [lambda: pool.shutdown(wait=False, cancel_futures=True)]
        self.close()

    def close(self) -> None:
        closers, self._close = self._close, []
        for close in closers:
            with contextlib.suppress(Exception):
                close()


def _start_executor(executor: str, workers: int, scheduler: str | None) -> Any:
    """Start the executor in a background thread (a future of it): the worker processes, or
    the Dask cluster, come up while this process validates the register's rows."""
    from concurrent.futures import ThreadPoolExecutor

    starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accordgen-executor")
    future = starter.submit(_Executor, executor, workers, scheduler)
    starter.shutdown(wait=False)
    return future


def _started(future: Any, executor: str, scheduler: str | None) -> _Executor:
    try:
        return future.result()  # type: ignore[no-any-return]
    except Exception as exc:  # noqa: BLE001 - no cluster, unreachable scheduler...
        where = f" ({scheduler})" if scheduler else ""
        raise AccordgenError(f"impossible de démarrer l'exécuteur {executor}{where} : "
                             f"{type(exc).__name__} : {exc}") from None


def dask_workers(scheduler: str) -> int:
    """Number of worker threads of an existing Dask cluster."""
    from dask.distributed import Client

    with Client(scheduler) as client:
        return max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------


def _pl(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n < 2 else plural}"


@dataclass
class BatchResult:
    """The outcome of a batch: one manifest entry per row, in register order."""

    manifest: Path
    entries: list[Entry]
    seconds: float = 0.0

    def _with(self, statut: str) -> list[Entry]:
        return [e for e in self.entries if e.statut == statut]

    @property
    def done(self) -> list[Entry]:
        return self._with(DONE)

    @property
    def skipped(self) -> list[Entry]:
        return self._with(SKIPPED)

    @property
    def failed(self) -> list[Entry]:
        return self._with(FAILED)

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        """« N documents : X générés, Y ignorés (inchangés), Z en échec — manifeste : … »"""
        return (f"{_pl(len(self.entries), 'document', 'documents')} : "
                f"{_pl(len(self.done), 'généré', 'générés')}, "
                f"{_pl(len(self.skipped), 'ignoré', 'ignorés')} (inchangés), "
                f"{len(self.failed)} en échec — manifeste : {self.manifest}")

    def table(self) -> Any:
        """The manifest as a pandas table indexed by register row."""
        import pandas as pd

        return pd.DataFrame([asdict(e) for e in self.entries], columns=COLUMNS).set_index("ligne")


def verifier(result: BatchResult) -> None:
    """Stop a notebook (or a script) with a French message when rows failed."""
    if result.failed:
        lines = ", ".join(str(e.ligne) for e in result.failed[:20])
        more = " ..." if len(result.failed) > 20 else ""
        raise AccordgenError(
            f"{_pl(len(result.failed), 'ligne', 'lignes')} du registre en échec (lignes {lines}{more}) : "
            f"voir la colonne message du manifeste {result.manifest}")


class _Lock:
    """One batch at a time per output folder (two would overwrite each other's manifest)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "verrou"
        self.fd: int | None = None

    def __enter__(self) -> _Lock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            import fcntl
        except ImportError:  # Windows: no advisory lock
            return self
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            self.fd = None
            raise OutputError(self.path.parent.parent, "un autre lot est en cours dans ce dossier de "
                              "sortie : attendez qu'il se termine ou choisissez un autre dossier") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)


def _clean_leftovers(out: Path, work_root: Path) -> None:
    """Remove what a killed batch may have left: work folders and temporary ``.part`` files
    (never a final name). Called with the lock held."""
    for stale in work_root.glob("run-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for part in out.glob(".*.part"):
        with contextlib.suppress(OSError):
            part.unlink()


def _groups(jobs: list[dict[str, Any]], workers: int, group_size: int | None) -> list[list[dict[str, Any]]]:
    """Contiguous chunks of ``group_size`` rows, or else ``workers`` groups taking rows in
    turn (so each group gets its share of every kind, whatever the register's order)."""
    if group_size:
        return [jobs[i:i + group_size] for i in range(0, len(jobs), group_size)]
    n = max(1, min(workers, len(jobs)))
    return [jobs[k::n] for k in range(n)]


def run_batch(
    registre: Path | str,
    output_dir: Path | str,
    *,
    mode: str = "document",
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    force: bool = False,
    group_size: int | None = None,
    progress: bool | None = None,
    pdf: bool = False,
) -> BatchResult:
    """Generate every document of a register into ``output_dir``; see the module docstring.

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
    if pdf and not scheduler:
        from ..tools.pdf import require_soffice

        require_soffice()
    started = time.perf_counter()
    register = read_register(registre)
    out = Path(output_dir).resolve()
    manifest = out / MANIFEST
    work_root = out / WORKDIR
    if scheduler and executor != "dask":
        raise AccordgenError("l'adresse d'un ordonnanceur (--scheduler) s'utilise avec l'exécuteur dask "
                             "(--executor dask)")
    if workers is None:
        try:
            workers = dask_workers(scheduler) if scheduler else default_workers()
        except Exception as exc:  # noqa: BLE001 - unreachable scheduler
            raise AccordgenError(f"ordonnanceur Dask injoignable ({scheduler}) : "
                                 f"{type(exc).__name__} : {exc}") from None
    workers = max(1, int(workers))
    with _Lock(work_root):
        _clean_leftovers(out, work_root)
        starting = _start_executor(executor, min(workers, len(register.rows)), scheduler) \
            if register.rows else None
        used: list[_Executor] = []
        try:
            final = _run(register, out, manifest, work_root, mode, workers, executor, scheduler,
                         force, group_size, progress, starting, used, pdf)
        finally:
            if starting is not None and not used:
                with contextlib.suppress(Exception):
                    used.append(starting.result())  # started for nothing: wait, then stop it
            for ex in used:
                ex.close()
    return BatchResult(manifest, final, time.perf_counter() - started)


def _run(
    register: Register, out: Path, manifest: Path, work_root: Path, mode: str, workers: int,
    executor: str, scheduler: str | None, force: bool, group_size: int | None,
    progress: bool | None, starting: Any, used: list[_Executor], pdf: bool = False,
) -> list[Entry]:
    """Validate every row, run what is to be done, write the final manifest."""
    previous = read_manifest(manifest)
    settled, jobs = prepare(register, out, previous, force)
    # unchanged rows without their PDF get it (a PDF-only job)
    pdf_only = [{"ligne": e.ligne, "sortie": e.sortie} for e in settled.values()
                if pdf and e.statut == SKIPPED and not e.pdf]
    entries: dict[int, Entry] = dict(settled)
    pending = {job["ligne"]: Entry(job["ligne"], job["type"], job["fichier"], job["sortie"],
                                   empreinte_entrees=job["empreinte"]) for job in jobs}
    bar = _progress_bar(len(register.rows), progress)
    bar.update(len(settled))
    try:
        if jobs or pdf_only:
            ex = _started(starting, executor, scheduler)
            used.append(ex)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            run_dir = work_root / f"run-{stamp}-{os.getpid()}"
            run_dir.mkdir(parents=True)
            try:
                _execute(ex, jobs, mode, workers, group_size, out, run_dir, stamp, pending, entries,
                         manifest, bar, pdf, pdf_only)
            finally:
                shutil.rmtree(run_dir, ignore_errors=True)
    finally:
        bar.close()
    if not pdf:
        # a DOCX made again without --pdf: the PDF this batch made of the old one is outdated
        before = {e.sortie.casefold(): e.pdf for e in previous if e.pdf}
        for e in entries.values():
            old_pdf = before.get(e.sortie.casefold()) if e.statut == DONE else None
            if old_pdf:
                with contextlib.suppress(OSError):
                    (out / old_pdf).unlink()
    final = [entries[r.number] for r in register.rows if r.number in entries]
    write_manifest(manifest, final)
    return final


def _progress_bar(total: int, progress: bool | None) -> Any:
    from tqdm.auto import tqdm

    enabled = sys.stderr.isatty() if progress is None else progress
    return tqdm(total=total, disable=not enabled, unit="doc", desc="Génération", leave=True)


def _execute(
    ex: _Executor, jobs: list[dict[str, Any]], mode: str, workers: int, group_size: int | None,
    out: Path, run_dir: Path, stamp: str, pending: dict[int, Entry], entries: dict[int, Entry],
    manifest: Path, bar: Any, pdf: bool = False, pdf_only: Sequence[dict[str, Any]] = (),
) -> None:
    """Run the jobs on the executor; record each finished row and rewrite the manifest."""
    units: list[tuple[Callable[[dict[str, Any]], list[dict[str, Any]]], dict[str, Any], list[int]]] = []
    if mode == "document":
        for job in jobs:
            units.append((run_document_job, {**job, "output_dir": str(out), "workdir": str(run_dir),
                                             "pdf": pdf}, [job["ligne"]]))
    elif jobs:
        groups = _groups(jobs, workers, group_size)
        width = max(2, len(str(len(groups))))
        for k, group in enumerate(groups, start=1):
            units.append((run_group_job, {
                "lignes": group, "output_dir": str(out), "workdir": str(run_dir),
                "results_file": str(run_dir / f"groupe-{k:0{width}d}.jsonl"),
                "notebook": f"{GROUP_DIR}/lot-{stamp}-groupe-{k:0{width}d}.ipynb", "pdf": pdf,
            }, [j["ligne"] for j in group]))
    if pdf_only:
        for group in _groups(list(pdf_only), workers, None):
            units.append((run_pdf_job, {"lignes": group, "output_dir": str(out), "pdf_seul": True},
                          [row["ligne"] for row in group]))
    tails = {id(u[1]): 0 for u in units}

    def record(results: list[dict[str, Any]], notebook: str = "") -> bool:
        changed = False
        for r in results:
            entry = pending.pop(r["ligne"], None)
            if entry is None:
                # already recorded (seen in the result file while running, or an unchanged
                # row): only the PDF step, if any, has something to add
                done = entries.get(r["ligne"])
                if done is not None and r.get("apres_pdf"):
                    done.pdf, done.duree_s = r["pdf"], done.duree_s + float(r.get("duree_pdf_s", 0))
                    done.message = r["message"] or done.message
                    if r["statut"] == FAILED:
                        done.statut, done.sha256 = FAILED, ""
                    changed = True
                continue
            entry.statut, entry.message = r["statut"], r["message"]
            entry.sha256 = r["sha256"]
            entry.duree_s = float(r["duree_s"]) + float(r.get("duree_pdf_s", 0))
            entry.empreinte_entrees = r["empreinte"] or entry.empreinte_entrees
            entry.notebook = r["notebook"] or notebook
            entry.pdf = r.get("pdf", "")
            if entry.statut != DONE:
                entry.sha256 = ""
            entries[entry.ligne] = entry
            bar.update(1)
            changed = True
        return changed

    # From here on the manifest lists only what this run has settled: a row still to do is
    # absent (its DOCX may be replaced at any moment), so a run killed at any point leaves a
    # manifest whose every line matches the file on disk; the absent rows are redone next time.
    write_manifest(manifest, list(entries.values()))
    try:
        futures = {ex.submit(fn, arg): (arg, lines) for fn, arg, lines in units}
        running = set(futures)
        dirty, last_write, write_cost = False, time.monotonic(), 0.0
        while running:
            changed = False
            finished = [f for f in running if f.done()]
            for fut in finished:
                running.discard(fut)
                arg, lines = futures[fut]
                try:
                    results = fut.result()
                except Exception as exc:  # noqa: BLE001 - a dead worker fails its rows only
                    results = [_result({"ligne": n}, FAILED, message=one_line(
                        f"le processus de travail s'est arrêté ({type(exc).__name__} : {exc})"),
                        apres_pdf=bool(arg.get("pdf_seul"))) for n in lines]
                changed |= record(results, arg.get("notebook", ""))
            for fut in running:
                arg, _ = futures[fut]
                if "results_file" in arg:
                    results, tails[id(arg)] = read_results(arg["results_file"], tails[id(arg)])
                    changed |= record(results, arg["notebook"])
            dirty |= changed
            # rewrite the manifest when a job ends, else at most every MANIFEST_EVERY seconds
            # (and never more than ~5 % of the time: 5,000 lines take some 20 ms to write)
            if dirty and (finished or time.monotonic() - last_write >= max(MANIFEST_EVERY, 20 * write_cost)):
                tick = time.perf_counter()
                write_manifest(manifest, list(entries.values()))
                write_cost, last_write, dirty = time.perf_counter() - tick, time.monotonic(), False
            if running and not finished:
                time.sleep(POLL_SECONDS)
    except BaseException:
        ex.stop()  # Ctrl-C or an internal error: do not wait for the running jobs
        raise
    finally:
        ex.close()
    if pending:  # a job that returned without a result for some of its rows
        record([_result({"ligne": n}, FAILED, message="aucun résultat pour cette ligne") for n in list(pending)])
        write_manifest(manifest, list(entries.values()))


__all__ = [
    "COLUMNS", "MANIFEST", "BatchResult", "Entry", "executer_groupe", "read_manifest",
    "run_batch", "safe_output_name", "verifier", "write_manifest",
]
