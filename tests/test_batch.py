"""Batch generation from a register: good and broken rows, resume after a kill, both modes and
Dask, overrides, output names, the manifest, the batch notebook."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import psutil
import pytest
from docx import Document as open_docx

from accordgen.batch.jobs import DocumentJob, RowJob, run_document_job
from accordgen.batch.manifest import COLUMNS, MANIFEST, Entry, read_manifest
from accordgen.demo import dossier_documents
from accordgen.tools.text import document_text

from conftest import EXAMPLE, ROOT, run_cli

pytestmark = pytest.mark.slow
ACCORD = EXAMPLE / "accord.yaml"
HERE = EXAMPLE.name  # a row without sortie: <dossier>/<kind's name>.docx, as the app writes it


def write_register(path: Path, rows: list[dict[str, object]]) -> Path:
    """A ``;`` register (as French spreadsheets save them) with the columns the rows use."""
    columns = ["type", "fichier", "sortie"]
    for row in rows:
        columns += [c for c in row if c not in columns]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns])
    return path


def batch(register: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("batch", register, "--out", out, "--quiet", *args)


def entries(out: Path) -> dict[int, Entry]:
    found = read_manifest(out / MANIFEST)
    lines = [e.ligne for e in found]
    assert len(lines) == len(set(lines)), f"a row appears twice in the manifest: {lines}"
    return {e.ligne: e for e in found}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_consistent(out: Path) -> dict[int, Entry]:
    """Every done/skipped row's DOCX exists, is whole and is the one the manifest records."""
    found = entries(out)
    for e in found.values():
        if e.statut in ("done", "skipped"):
            assert (out / e.sortie).is_file(), f"ligne {e.ligne} : {e.sortie} absent"
            assert sha256(out / e.sortie) == e.sha256, f"ligne {e.ligne} : SHA-256 différent"
            assert re.fullmatch(r"[0-9a-f]{64}", e.empreinte_entrees)
        else:
            assert e.statut == "failed" and e.message and not e.sha256
    return found


def assert_whole_docx_files(out: Path) -> list[Path]:
    docx = sorted(out.rglob("*.docx"))
    for path in docx:
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None, f"{path.name} est abîmé"
        assert open_docx(str(path)).paragraphs, path.name
    return docx


def test_good_rows_are_produced_and_broken_rows_reported(tmp_path: Path) -> None:
    """Criterion 1: every example document plus an unknown kind, an invalid value and a
    missing file: the good rows are produced, the broken ones are in the manifest with their
    message, and the command exits with status 1."""
    docs = dossier_documents(EXAMPLE)
    assert docs
    bad = tmp_path / "dossier-invalide" / "accord.yaml"
    bad.parent.mkdir()
    bad.write_text(ACCORD.read_text(encoding="utf-8").replace("exemplaires: 2", "exemplaires: deux"),
                   encoding="utf-8")
    rows: list[dict[str, object]] = [{"type": k, "fichier": p.relative_to(EXAMPLE.parent)} for k, p in docs]
    rows += [
        {"type": "contrat-de-vente", "fichier": "seine-et-marne-orange-2022/accord.yaml"},
        {"type": "accord", "fichier": bad, "sortie": "accord-invalide"},
        {"type": "accord", "fichier": "seine-et-marne-orange-2022/absent.yaml"},
    ]
    # the register sits beside the dossier: "fichier" is relative to the register's folder
    register = write_register(tmp_path / "registre.csv", rows)
    shutil.copytree(EXAMPLE, tmp_path / EXAMPLE.name)
    out = tmp_path / "sortie"

    proc = batch(register, out, "--mode", "groupe")

    assert proc.returncode == 1, proc.stderr
    n = len(docs)
    assert proc.stdout.strip() == (
        f"{n + 3} documents : {n} générés, 0 ignoré (inchangés), 3 en échec — manifeste : {out / MANIFEST}")
    found = assert_consistent(out)
    assert len(found) == n + 3
    header = (out / MANIFEST).read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(";") == COLUMNS
    for i in range(n):
        e = found[i + 2]
        assert e.statut == "done", e.message
        assert re.fullmatch(r"\d+\.\d{3}", f"{e.duree_s:.3f}")
        assert e.notebook.startswith("lots/") and (out / e.notebook).is_file()
        assert document_text(out / e.sortie)
    unknown, invalid, missing = (found[n + 2], found[n + 3], found[n + 4])
    assert unknown.statut == "failed"
    assert "type de document inconnu : « contrat-de-vente »" in unknown.message
    assert invalid.statut == "failed" and str(bad) in invalid.message
    assert "signature.exemplaires : nombre entier attendu" in invalid.message
    assert missing.statut == "failed" and "absent.yaml : fichier introuvable" in missing.message
    for e in (unknown, invalid, missing):
        assert f"échec ligne {e.ligne} " in proc.stderr and e.message in proc.stderr
    assert not (out / "accord-invalide.docx").exists()
    assert len(assert_whole_docx_files(out)) == n
    # the executed group notebooks record the rows they produced
    records = "".join(p.read_text(encoding="utf-8") for p in (out / "lots").glob("*.ipynb"))
    for _, path in docs:
        assert path.name in records


def test_rerun_skips_unchanged_rows_and_redoes_the_others(tmp_path: Path) -> None:
    register = tmp_path / "registre.csv"
    rows: list[dict[str, object]] = [
        {"type": "accord", "fichier": ACCORD, "sortie": "a"},
        {"type": "accord", "fichier": ACCORD, "sortie": "b", "signature.lieu": "Meaux"},
        {"type": "accord", "fichier": ACCORD, "sortie": "c"},
    ]
    write_register(register, rows)
    out = tmp_path / "out"
    assert batch(register, out, "--mode", "groupe").returncode == 0
    first = assert_consistent(out)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("*.docx")}

    proc = batch(register, out, "--mode", "groupe")
    assert proc.returncode == 0
    assert "3 documents : 0 généré, 3 ignorés (inchangés), 0 en échec" in proc.stdout
    again = assert_consistent(out)
    assert {e.statut for e in again.values()} == {"skipped"}
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.docx")} == stamps
    assert [e.empreinte_entrees for e in again.values()] == [e.empreinte_entrees for e in first.values()]

    # an input changed (override cell), an output deleted, an output replaced: those are redone
    rows[1]["signature.lieu"] = "Provins"
    write_register(register, rows)
    (out / "a.docx").unlink()
    (out / "c.docx").write_bytes(b"pas un docx")
    proc = batch(register, out, "--mode", "groupe")
    assert proc.returncode == 0
    third = assert_consistent(out)
    assert [third[n].statut for n in (2, 3, 4)] == ["done", "done", "done"]
    assert third[3].empreinte_entrees != first[3].empreinte_entrees
    assert "Fait à Provins" in document_text(out / "b.docx")
    assert third[2].sha256 == first[2].sha256  # same inputs, same bytes

    proc = batch(register, out, "--mode", "groupe", "--force")
    assert proc.returncode == 0 and "3 documents : 3 générés" in proc.stdout


def _our_processes(out: Path) -> list[psutil.Process]:
    """Processes (orphan kernels) still working in the batch's private folders."""
    found = []
    for proc in psutil.process_iter():
        try:
            if str(out) in proc.cwd():
                found.append(proc)
        except psutil.Error:
            continue
    return found


def test_killed_batch_resumes_with_every_row_produced_once(tmp_path: Path) -> None:
    """Criterion 2: SIGKILL in the middle of a batch, then the same command again."""
    docs = dossier_documents(EXAMPLE)
    rows: list[dict[str, object]] = [
        {"type": docs[i % len(docs)][0], "fichier": docs[i % len(docs)][1], "sortie": f"doc-{i:03d}"}
        for i in range(100)
    ]
    register = write_register(tmp_path / "registre.csv", rows)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "accordgen", "batch", str(register), "--out", str(out),
           "--mode", "groupe", "--workers", "1", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 300
    done_before = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            done_before = sum(e.statut == "done" for e in read_manifest(out / MANIFEST))
            if done_before:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the batch ended before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert 0 < done_before < len(rows)
    # an orphaned kernel notices its parent is gone within a second or so
    deadline = time.monotonic() + 20
    while _our_processes(out) and time.monotonic() < deadline:
        time.sleep(0.2)

    killed = assert_consistent(out)
    assert 0 < len(killed) < len(rows)
    assert_whole_docx_files(out)  # no partial DOCX under a final name (temporary files are hidden .part)

    proc2 = batch(register, out, "--mode", "groupe", "--workers", "1")
    assert proc2.returncode == 0, proc2.stderr
    final = assert_consistent(out)
    assert sorted(final) == [n + 2 for n in range(len(rows))]
    assert {e.statut for e in final.values()} <= {"done", "skipped"}
    for line, e in killed.items():
        assert final[line].statut == "skipped" and final[line].sha256 == e.sha256
    produced = assert_whole_docx_files(out)
    assert sorted(p.name for p in produced) == sorted(f"doc-{i:03d}.docx" for i in range(len(rows)))
    assert not list(out.glob(".*.part"))
    assert re.search(rf"^{len(rows)} documents : {len(rows) - len(killed)} générés?, {len(killed)} ignorés? "
                     r"\(inchangés\), 0 en échec", proc2.stdout)


def test_both_modes_and_dask_give_the_same_documents(tmp_path: Path) -> None:
    """Criterion 3: per-document mode, grouped mode and the Dask executor (local cluster of
    two workers) produce the same documents for the same rows."""
    docs = dossier_documents(EXAMPLE)
    derived = next((k, p) for k, p in docs if k != "accord")
    rows: list[dict[str, object]] = [
        {"type": "accord", "fichier": ACCORD},
        {"type": "accord", "fichier": ACCORD, "sortie": "accord-meaux", "signature.lieu": "Meaux"},
        {"type": derived[0], "fichier": derived[1]},
    ]
    register = write_register(tmp_path / "registre.csv", rows)
    runs = {
        "document": ("--mode", "document", "--workers", "2"),
        "groupe": ("--mode", "groupe", "--workers", "2"),
        "dask": ("--mode", "groupe", "--executor", "dask", "--workers", "2"),
    }
    results = {}
    for name, args in runs.items():
        out = tmp_path / name
        proc = batch(register, out, *args)
        assert proc.returncode == 0, f"{name}: {proc.stdout}\n{proc.stderr}"
        found = assert_consistent(out)
        assert {e.statut for e in found.values()} == {"done"}, name
        results[name] = {e.sortie: (document_text(out / e.sortie), e.sha256) for e in found.values()}
    assert results["document"] == results["groupe"] == results["dask"]
    assert "Fait à Meaux" in results["groupe"]["accord-meaux.docx"][0]
    # per-document mode keeps each executed notebook beside its DOCX, with its parameters
    executed = (tmp_path / "document" / "accord-meaux.ipynb").read_text(encoding="utf-8")
    assert "signature.lieu" in executed and "Meaux" in executed
    assert (tmp_path / "document" / HERE / "accord.ipynb").is_file()
    assert len(list((tmp_path / "dask" / "lots").glob("*.ipynb"))) == 2  # one per group


def test_overrides_change_the_document_and_bad_ones_name_the_column(tmp_path: Path) -> None:
    """Criterion 4, with output names: sanitised, and a second row for the same file fails."""
    rows: list[dict[str, object]] = [
        {"type": "accord", "fichier": ACCORD},
        {"type": "accord", "fichier": ACCORD, "sortie": "../../Accord Fontainebleau",
         "signature.lieu": "Fontainebleau", "signature.exemplaires": "3"},
        {"type": "accord", "fichier": ACCORD, "sortie": "x", "signature.exemplaires": "deux"},
        {"type": "accord", "fichier": ACCORD, "sortie": "y", "parties[5].representant.nom": "DURAND"},
        {"type": "accord", "fichier": ACCORD, "sortie": "accord_fontainebleau.DOCX"},
        {"type": "accord", "fichier": ACCORD, "sortie": "Accord_Fontainebleau"},
    ]
    register = write_register(tmp_path / "registre.csv", rows)
    out = tmp_path / "out"
    proc = batch(register, out, "--mode", "groupe")
    assert proc.returncode == 1
    found = assert_consistent(out)
    assert [found[n].statut for n in range(2, 8)] == ["done", "done", "failed", "failed", "failed", "failed"]
    plain = document_text(out / HERE / "accord.docx")
    changed = document_text(out / "Accord_Fontainebleau.docx")
    assert "Fait à Melun" in plain and "en deux (2) exemplaires" in plain
    assert "Fait à Fontainebleau" in changed and "en trois (3) exemplaires" in changed
    assert "Fait à Melun" not in changed
    assert "colonne « signature.exemplaires » du registre : nombre entier attendu" in found[4].message
    assert "colonne « parties[5].representant.nom » du registre : chemin inconnu" in found[5].message
    # names never leave the output folder; a name already taken (even with other capitals,
    # the same file on Windows or macOS shares) fails the later row, naming the earlier one
    assert not (tmp_path / "Accord Fontainebleau.docx").exists()
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.docx")) == [
        "Accord_Fontainebleau.docx", f"{HERE}/accord.docx"]
    for n, name in ((6, "accord_fontainebleau.docx"), (7, "Accord_Fontainebleau.docx")):
        assert found[n].sortie == name
        assert "même fichier de sortie que la ligne 3 du registre" in found[n].message


def test_notebook_without_overrides_parameter_fails_the_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kind's notebook that cannot apply the register's overrides must not silently ignore
    them (per-document mode)."""
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "accord.ipynb", as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = "\n".join(line for line in cell.source.splitlines() if "overrides" not in line)
    nbformat.write(nb, tmp_path / "accord.ipynb")
    monkeypatch.setenv("ACCORDGEN_NOTEBOOKS", str(tmp_path))
    row = RowJob(2, "accord", "a.yaml", str(ACCORD), "a.docx", {"signature.lieu": "Meaux"})
    (result,) = run_document_job(DocumentJob(row, str(tmp_path / "out"), str(tmp_path / "w")))
    assert result.statut == "failed"
    assert "n'a pas de paramètre « overrides »" in result.message
    assert not (tmp_path / "out" / "a.docx").exists()


def test_one_batch_at_a_time_per_output_folder(tmp_path: Path) -> None:
    import fcntl

    register = write_register(tmp_path / "registre.csv", [{"type": "accord", "fichier": ACCORD}])
    out = tmp_path / "out"
    (out / ".accordgen-lot").mkdir(parents=True)
    with open(out / ".accordgen-lot" / "verrou", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        proc = batch(register, out)
    assert proc.returncode == 2
    assert "un autre lot est en cours dans ce dossier de sortie" in proc.stderr
    assert not (out / HERE / "accord.docx").exists()


def test_batch_notebook_through_papermill(tmp_path: Path) -> None:
    import papermill as pm

    register = write_register(tmp_path / "registre.csv", [
        {"type": "accord", "fichier": ACCORD, "sortie": "accord-lot"}])
    out = tmp_path / "out"
    executed = tmp_path / "batch-execute.ipynb"
    pm.execute_notebook(
        str(ROOT / "notebooks" / "batch.ipynb"), str(executed),
        parameters={"registre": str(register), "output_dir": str(out), "mode": "groupe", "workers": 1},
        kernel_name="python3", cwd=str(ROOT / "notebooks"), progress_bar=False,
        kernel_manager_class="accordgen.runner.LocalKernelManager",
    )
    text = executed.read_text(encoding="utf-8")
    assert "1 document : 1 généré, 0 ignoré (inchangés), 0 en échec" in text
    assert "accord-lot.docx" in text  # the manifest table is shown
    assert assert_consistent(out)[2].statut == "done"
