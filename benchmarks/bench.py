"""``make bench``: what batch generation costs, measured in one run (a benchmark, not a test).

On the same templates and contexts (the example dossier's documents, cycled to N):

(a) baseline: a plain docxtpl loop, for each document: open the template, render, save;
(b) accordgen's in-process render (``render.render_bytes``: template parsed once);
(c) ``accordgen batch --mode groupe`` on a register of N documents of mixed kinds, as a
    whole command (subprocess, wall time), against the baseline plus one kernel start;
(r) ``accordgen compare``: the signed accord against its consolidated version, per redline;
(p) PDF export of the dossier's documents in one LibreOffice run (when LibreOffice is here);
(w) a small ``accordgen batch --pdf`` (3 documents) with a cold LibreOffice, then with the
    warm one ``accordgen app`` keeps for the workspace (unoserver, found by its advert);
(d) ``accordgen batch --mode document`` on a few rows with 1 then 2 workers;
(m) peak memory (RSS summed over the process tree, kernels included) of grouped batches of
    N and 5 N documents.

Prints each figure with its ratio to the baseline and writes them to
``outputs/bench/bench-<timestamp>.json`` and ``outputs/bench/latest.json``.
``--quick`` runs the same steps on small numbers (a smoke run, figures not meaningful).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
import nbformat
import psutil
from docxtpl import DocxTemplate

from accordgen import load, render_bytes
from accordgen.demo import dossier_documents
from accordgen.render.template import _cached
from accordgen.rules.fr import FILTERS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "seine-et-marne-orange-2022"
OUT = ROOT / "outputs" / "bench"

TARGETS = {
    "b_render_vs_baseline": ("<=", 0.25, "(b) at most 0.25x (a) (issue 14)"),
    "c_batch_vs_baseline": ("<=", 0.30, "(c) at most 0.30x (a)"),
    "c_batch_vs_baseline_plus_kernel": ("<=", 1.5, "(c) at most 1.5x baseline + one kernel start"),
    "d_speedup_2_workers": (">=", 1.7, "(d) 2 workers at least 1.7x faster than 1"),
    "m_peak_5x_vs_1x": ("<=", 1.2, "peak memory of 5N within 1.2x of N"),
}


def documents() -> list[tuple[str, Path]]:
    """Every example document (kind, YAML), as ``make demo`` finds them: no kind listed here."""
    return dossier_documents(EXAMPLE)


def write_register(path: Path, docs: list[tuple[str, Path]], n: int) -> None:
    """A register of ``n`` rows cycling over ``docs``, each with its own output name."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["type", "fichier", "sortie"])
        for i in range(n):
            kind, yaml = docs[i % len(docs)]
            writer.writerow([kind, str(yaml), f"lot-{i:05d}-{yaml.stem}"])


def baseline(contexts: list[tuple[Path, dict[str, Any]]], n: int) -> float:
    """(a) open, render, save, for each of the n documents (docxtpl as documented)."""
    # sandboxed, autoescaped, StrictUndefined, accordgen's French filters; docxtpl's own values
    # (its sub-documents) are printed as docxtpl prints them
    env = jinja2.sandbox.SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters.update(FILTERS)
    start = time.perf_counter()
    for i in range(n):
        template, context = contexts[i % len(contexts)]
        tpl = DocxTemplate(str(template))
        tpl.render(_as_docxtpl(tpl, context), jinja_env=env)
        tpl.save(io.BytesIO())
    return time.perf_counter() - start


def _as_docxtpl(tpl: DocxTemplate, context: dict[str, Any]) -> dict[str, Any]:
    """The context as a docxtpl user would write it: a clause variant (accordgen's own value,
    rendered by its engine) becomes docxtpl's sub-document of the same Word file, per template."""
    clauses = context.get("clauses")
    if not isinstance(clauses, dict) or not any(hasattr(c, "subdoc") for c in clauses.values()):
        return context  # the accord's `clauses` are its clause values (durations...)
    return {**context, "clauses": {topic: tpl.new_subdoc(io.BytesIO(clause.subdoc().blob))
                                   if hasattr(clause, "subdoc") else clause
                                   for topic, clause in clauses.items()}}


def accordgen_render(docs: list[Any], n: int) -> float:
    """(b) accordgen's render path, compiled-template cache emptied first (the one parse of
    each template is part of the figure)."""
    _cached.cache_clear()
    start = time.perf_counter()
    for i in range(n):
        render_bytes(docs[i % len(docs)])
    return time.perf_counter() - start


def redlines(old: bytes, new: bytes, n: int) -> float:
    """(r) ``accordgen compare`` in process: the signed accord against its consolidated
    version (the largest pair of the dossier), n times."""
    from accordgen.tools.redline import compare

    start = time.perf_counter()
    for _ in range(n):
        compare(old, new)
    return time.perf_counter() - start


def pdf_exports(docs: list[Any], work: Path) -> float | None:
    """(p) the dossier's documents to PDF in one LibreOffice run (``--pdf`` in a grouped
    batch); None when LibreOffice is absent."""
    from accordgen.tools import pdf

    if pdf.find_soffice() is None:
        return None
    files = [work / f"pdf-{i:02d}.docx" for i in range(len(docs))]
    for path, doc in zip(files, docs, strict=True):
        path.write_bytes(render_bytes(doc))
    pdf.convert(files[:1], warm=False)  # the process's LibreOffice profile exists from here on
    start = time.perf_counter()
    pdf.convert(files, warm=False)  # a cold run, even when an app keeps one warm ((w) compares)
    return time.perf_counter() - start


# --- (s) signature-ready PDF: PDF/A and signature fields against the plain export -----------


def signature_ready_pdfs(docs: list[Any], work: Path) -> dict[str, float] | None:
    """(s) per document, in one LibreOffice run each: plain PDF without fields (the export
    alone), PDF/A-2b without fields, and the signature fields added to a PDF (pdfplumber +
    pyHanko, in process); None when LibreOffice is absent."""
    from accordgen.tools import pdf
    from accordgen.tools.pdfsign import with_signature_fields

    if pdf.find_soffice() is None:
        return None
    folder = work / "s"
    folder.mkdir()
    files = [folder / f"s-{i:02d}.docx" for i in range(len(docs))]
    for path, doc in zip(files, docs, strict=True):
        path.write_bytes(render_bytes(doc))
    pdf.convert(files[:1], folder / "warm", fields=False, warm=False)  # profile created before timing
    figures = {}
    for key, pdfa in (("plain", False), ("pdfa", True)):
        start = time.perf_counter()
        made = pdf.convert(files, folder / key, pdfa=pdfa, fields=False, warm=False)
        figures[f"{key}_ms"] = (time.perf_counter() - start) / len(files) * 1000
    pairs = [(f.read_bytes(), p.read_bytes()) for f, p in zip(files, made, strict=True)]
    with_signature_fields(*pairs[0])  # imports (pdfplumber, pyHanko) out of the timing
    start = time.perf_counter()
    for docx, data in pairs:
        with_signature_fields(docx, data)
    figures["fields_ms"] = (time.perf_counter() - start) / len(pairs) * 1000
    return figures


# --- (w) a --pdf batch with the app's warm LibreOffice, against a cold one -----------------


def warm_pdf_batch(work: Path, rows: int = 3, runs: int = 3) -> dict[str, float] | None:
    """(w) ``accordgen batch --pdf --mode groupe`` of ``rows`` documents in two fresh
    workspaces, one with a warm LibreOffice advertised for it as ``accordgen app`` does (one
    conversion made first, as the app's preview would have), the other cold; the two alternate,
    ``runs`` times each, medians kept. Also the PDF conversion alone (``tools.pdf.convert`` of
    the same DOCX files, in process, signature fields included). None without LibreOffice or
    without the system Python's UNO."""
    import signal

    from accordgen.app.preview import start_warm_office
    from accordgen.app.server import free_port
    from accordgen.tools import pdf, warm
    from accordgen.workspace import init_workspace

    if pdf.find_soffice() is None:
        return None
    (work / "w").mkdir()
    spaces = {key: init_workspace(work / "w" / key).path for key in ("froid", "chaud")}
    folder = next(p for p in (spaces["froid"] / "dossiers").iterdir() if (p / "accord.yaml").is_file())
    names = sorted(p.name for p in folder.glob("convention-*.yaml"))[:rows]
    for workspace in spaces.values():
        (workspace / "dossiers" / "registre-pdf.csv").write_text(
            "type;fichier\n" + "".join(f"convention-specifique;{folder.name}/{n}\n" for n in names),
            encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in (warm.ENV, "ACCORDGEN_WORKSPACE")}

    def batch(key: str, out: Path) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "accordgen", "batch", "dossiers/registre-pdf.csv", "--out",
                        str(out), "--quiet", "--pdf", "--mode", "groupe"], cwd=spaces[key], env=env,
                       check=True, capture_output=True)
        return time.perf_counter() - start

    docx = [work / "w" / f"w-{i}.docx" for i in range(len(names))]
    for path, name in zip(docx, names, strict=True):
        path.write_bytes(render_bytes(load(folder / name)))

    def convert_alone(key: str, out: str) -> float:
        os.environ["ACCORDGEN_WORKSPACE"] = str(spaces[key])
        try:
            start = time.perf_counter()
            pdf.convert(docx, work / "w" / out)
            return time.perf_counter() - start
        finally:
            del os.environ["ACCORDGEN_WORKSPACE"]

    advert = warm.advert_path(spaces["chaud"])
    proc = start_warm_office(free_port(), free_port(), advert=advert, workspace=spaces["chaud"])
    if proc is None:
        return None
    times: dict[str, list[float]] = {k: [] for k in ("cold_batch_s", "warm_batch_s", "cold_convert_s",
                                                      "warm_convert_s")}
    try:
        deadline = time.monotonic() + 120
        while not advert.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = warm.advertised(spaces["chaud"])
        if address is None:
            return None
        warm.convert(address, docx[0].read_bytes())  # the app's first preview, before
        pdf.convert(docx[:1], work / "w" / "profil", warm=False)  # this process's profile exists
        for i in range(runs):
            times["cold_convert_s"].append(convert_alone("froid", f"pdf-froid-{i}"))
            times["warm_convert_s"].append(convert_alone("chaud", f"pdf-chaud-{i}"))
            times["cold_batch_s"].append(batch("froid", work / "w" / f"lot-froid-{i}"))
            times["warm_batch_s"].append(batch("chaud", work / "w" / f"lot-chaud-{i}"))
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    figures = {k: statistics.median(v) for k, v in times.items()}
    figures["rows"] = len(names)
    return figures


# --- kernel start ---------------------------------------------------------------------------


def kernel_start(work: Path, runs: int = 3) -> float:
    """Median wall time of a papermill run of a one-cell notebook: kernel start + stop."""
    import papermill as pm

    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    nb.cells = [nbformat.v4.new_code_cell("pass")]
    src = work / "vide.ipynb"
    nbformat.write(nb, src)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        pm.execute_notebook(str(src), str(work / "vide-out.ipynb"), kernel_name="python3",
                            progress_bar=False, log_output=False, cwd=str(work),
                            kernel_manager_class="accordgen.runner.LocalKernelManager")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _hwm(pid: int) -> int:
    """Peak RSS of a process (VmHWM, bytes), 0 when unknown."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_batch(register: Path, out: Path, *args: str, memory: bool = False) -> dict[str, float]:
    """``accordgen batch`` as a subprocess; wall time, and with ``memory`` the peak RSS of the
    process tree (sum over the CLI, its workers and their kernels, polled every 50 ms) and
    the largest single-process peak."""
    cmd = [sys.executable, "-m", "accordgen", "batch", str(register), "--out", str(out), "--quiet", *args]
    log = out.parent / f"{out.name}.log"
    with open(log, "wb") as fh:
        start = time.perf_counter()
        proc = psutil.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT)
        peak_tree = peak_one = 0
        while proc.poll() is None:
            if memory:
                total = 0
                try:
                    tree = [proc, *proc.children(recursive=True)]
                except psutil.NoSuchProcess:
                    tree = []
                for p in tree:
                    try:
                        rss = p.memory_info().rss
                    except psutil.Error:
                        continue
                    total += rss
                    peak_one = max(peak_one, rss, _hwm(p.pid))
                peak_tree = max(peak_tree, total)
            time.sleep(0.05)
        wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"accordgen batch a échoué ({proc.returncode}) : voir {log}")
    result = {"wall_s": wall}
    if memory:
        result["peak_tree_mb"] = peak_tree / 2**20
        result["peak_process_mb"] = peak_one / 2**20
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small numbers (smoke run)")
    parser.add_argument("-n", type=int, help="documents for (a), (b), (c) (default 1000)")
    args = parser.parse_args(argv)
    n = args.n or (60 if args.quick else 1000)
    n_doc_rows = 4 if args.quick else 10
    n_mem = (n, 5 * n)

    docs_meta = documents()
    if not docs_meta:
        raise SystemExit(f"aucun document d'exemple dans {EXAMPLE}")
    loaded = [load(path, kind) for kind, path in docs_meta]
    contexts = [(doc.kind.template_path, doc.context()) for doc in loaded]
    kinds = sorted({kind for kind, _ in docs_meta})
    print(f"{len(docs_meta)} documents d'exemple ({', '.join(kinds)}), cyclés sur {n} documents ; "
          f"{os.cpu_count()} processeurs")

    figures: dict[str, Any] = {}
    load_start = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="accordgen-bench-"))
    try:
        t_a = baseline(contexts, n)
        per_doc = t_a / n
        figures["a_baseline_s"] = t_a
        print(f"(a) docxtpl (ouvrir, rendre, enregistrer) : {t_a:7.2f} s pour {n}  "
              f"({per_doc * 1000:.1f} ms/doc)  1.00x")

        t_b = accordgen_render(loaded, n)
        figures["b_render_s"] = t_b
        figures["b_render_vs_baseline"] = t_b / t_a
        print(f"(b) accordgen render_bytes            : {t_b:7.2f} s pour {n}  "
              f"({t_b / n * 1000:.1f} ms/doc)  {t_b / t_a:.2f}x")

        by_kind = {doc.kind.name: doc for doc in loaded}
        if {"accord", "accord-consolide"} <= set(by_kind):
            n_r = 10 if args.quick else 50
            pair = (render_bytes(by_kind["accord"]), render_bytes(by_kind["accord-consolide"]))
            t_r = redlines(*pair, n_r)
            figures["r_redline_ms"] = t_r / n_r * 1000
            figures["r_redline_vs_baseline_doc"] = (t_r / n_r) / per_doc
            print(f"(r) accordgen compare (accord / version consolidée) : {t_r / n_r * 1000:.1f} ms "
                  f"par comparaison  {(t_r / n_r) / per_doc:.2f}x un document de (a)")

        t_p = pdf_exports(loaded, work)
        if t_p is not None:
            figures["p_pdf_ms_per_doc"] = t_p / len(loaded) * 1000
            figures["p_pdf_vs_baseline_doc"] = (t_p / len(loaded)) / per_doc
            print(f"(p) PDF, {len(loaded)} documents en un passage LibreOffice : {t_p:.2f} s  "
                  f"({t_p / len(loaded) * 1000:.0f} ms/doc)  {(t_p / len(loaded)) / per_doc:.1f}x "
                  "un document de (a)")

        # (s) signature-ready PDFs (issue 18): a section of its own
        s = signature_ready_pdfs(loaded, work)
        if s is not None:
            plain = s["plain_ms"]
            figures["s_pdf_plain_ms_per_doc"] = plain
            figures["s_pdfa_ms_per_doc"] = s["pdfa_ms"]
            figures["s_pdfa_vs_plain"] = s["pdfa_ms"] / plain
            figures["s_fields_ms_per_doc"] = s["fields_ms"]
            figures["s_fields_vs_plain"] = s["fields_ms"] / plain
            print(f"(s) PDF simple {plain:.0f} ms/doc ; PDF/A-2b {s['pdfa_ms']:.0f} ms/doc "
                  f"({s['pdfa_ms'] / plain:.2f}x) ; champs de signature +{s['fields_ms']:.0f} ms/doc "
                  f"(+{s['fields_ms'] / plain:.0%} du PDF simple)")

        w = warm_pdf_batch(work)
        if w is not None:
            figures.update({f"w_{k}": v for k, v in w.items()})
            figures["w_batch_warm_vs_cold"] = w["warm_batch_s"] / w["cold_batch_s"]
            figures["w_convert_warm_vs_cold"] = w["warm_convert_s"] / w["cold_convert_s"]
            print(f"(w) lot --pdf de {w['rows']:.0f} documents : froid {w['cold_batch_s']:.2f} s, avec le "
                  f"LibreOffice chaud de l'application {w['warm_batch_s']:.2f} s  "
                  f"{figures['w_batch_warm_vs_cold']:.2f}x ; conversion seule : froid "
                  f"{w['cold_convert_s']:.2f} s, chaud {w['warm_convert_s']:.2f} s  "
                  f"{figures['w_convert_warm_vs_cold']:.2f}x")

        t_k = kernel_start(work)
        figures["kernel_start_s"] = t_k
        print(f"    démarrage d'un noyau (papermill, notebook vide) : {t_k:.2f} s")

        reg = work / f"registre-{n}.csv"
        write_register(reg, docs_meta, n)
        c = run_batch(reg, work / "c", "--mode", "groupe")
        figures["c_batch_s"] = c["wall_s"]
        figures["c_batch_vs_baseline"] = c["wall_s"] / t_a
        figures["c_batch_vs_baseline_plus_kernel"] = c["wall_s"] / (t_a + t_k)
        print(f"(c) accordgen batch --mode groupe     : {c['wall_s']:7.2f} s pour {n}  "
              f"{c['wall_s'] / t_a:.2f}x ; {figures['c_batch_vs_baseline_plus_kernel']:.2f}x "
              f"de (a) + un noyau ({t_a + t_k:.2f} s)")

        reg_d = work / f"registre-{n_doc_rows}.csv"
        write_register(reg_d, docs_meta, n_doc_rows)
        for workers in (1, 2):
            d = run_batch(reg_d, work / f"d{workers}", "--mode", "document", "--workers", str(workers))
            figures[f"d_{workers}_worker_s"] = d["wall_s"]
            base_d = per_doc * n_doc_rows
            print(f"(d) accordgen batch --mode document, {workers} worker(s) : {d['wall_s']:6.2f} s "
                  f"pour {n_doc_rows}  {d['wall_s'] / base_d:.0f}x")
        figures["d_rows"] = n_doc_rows
        figures["d_speedup_2_workers"] = figures["d_1_worker_s"] / figures["d_2_worker_s"]
        print(f"    accélération avec 2 workers : {figures['d_speedup_2_workers']:.2f}x")

        for size in n_mem:
            reg_m = work / f"registre-m{size}.csv"
            write_register(reg_m, docs_meta, size)
            m = run_batch(reg_m, work / f"m{size}", "--mode", "groupe", memory=True)
            shutil.rmtree(work / f"m{size}", ignore_errors=True)
            figures[f"m_{size}_wall_s"] = m["wall_s"]
            figures[f"m_{size}_peak_tree_mb"] = m["peak_tree_mb"]
            figures[f"m_{size}_peak_process_mb"] = m["peak_process_mb"]
            print(f"(m) lot groupé de {size} : pic {m['peak_tree_mb']:.0f} Mo (arbre de processus), "
                  f"{m['peak_process_mb']:.0f} Mo (plus gros processus), {m['wall_s']:.1f} s  "
                  f"{m['wall_s'] / (per_doc * size):.2f}x")
        figures["m_peak_5x_vs_1x"] = figures[f"m_{n_mem[1]}_peak_tree_mb"] / figures[f"m_{n_mem[0]}_peak_tree_mb"]
        print(f"    pic {n_mem[1]} / pic {n_mem[0]} : {figures['m_peak_5x_vs_1x']:.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    targets = {}
    for key, (op, limit, label) in TARGETS.items():
        value = figures[key]
        met = value <= limit if op == "<=" else value >= limit
        targets[key] = {"value": round(value, 3), "target": f"{op} {limit}", "met": met, "label": label}
        print(f"{'OK  ' if met else 'RATÉ'} {label} : {value:.2f}")
    report = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "quick": args.quick,
        "n": n,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "load_avg_start": load_start,
                    "load_avg_end": os.getloadavg()},
        "documents": [f"{kind}:{path.relative_to(EXAMPLE)}" for kind, path in docs_meta],
        "figures": {k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()},
        "targets": targets,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2, ensure_ascii=False)
    stamped = OUT / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    stamped.write_text(text + "\n", encoding="utf-8")
    (OUT / "latest.json").write_text(text + "\n", encoding="utf-8")
    print(f"résultats : {stamped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
