"""Fault injection for batches: kill -9 and SIGTERM of the command, a full disk, a group
kernel that dies, LibreOffice failing with a PDF-looking file, a Dask worker killed on a
separately started cluster. After each: no process of the batch is left, every file of the
output folder is listed in the manifest (DOCX with its hash), and a rerun does the rest."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from accordgen.batch.manifest import MANIFEST, read_manifest
from accordgen.demo import dossier_documents
from test_batch import (
    ACCORD,
    EXAMPLE,
    ROOT,
    assert_consistent,
    batch,
    entries,
    sha256,
    write_register,
)

pytestmark = pytest.mark.slow


def rows(n: int) -> list[dict[str, object]]:
    docs = dossier_documents(EXAMPLE)
    return [{"type": docs[i % len(docs)][0], "fichier": docs[i % len(docs)][1], "sortie": f"doc-{i:03d}"}
            for i in range(n)]


def start(register: Path, out: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "accordgen", "batch", str(register), "--out", str(out), "--quiet", *args]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env={**os.environ, **(env or {})})


def wait_for_done(proc: subprocess.Popen[str], out: Path, timeout: float = 300) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        done = sum(e.statut == "done" for e in read_manifest(out / MANIFEST))
        if done:
            return done
        time.sleep(0.05)
    raise AssertionError("the batch ended (or never produced a row) before it could be stopped")


def descendants(proc: subprocess.Popen[str]) -> list[psutil.Process]:
    with contextlib.suppress(psutil.Error):
        return psutil.Process(proc.pid).children(recursive=True)
    return []


def assert_gone(procs: list[psutil.Process], within: float = 5.0) -> None:
    _, alive = psutil.wait_procs(procs, timeout=within)
    names = []
    for p in alive:
        with contextlib.suppress(psutil.Error):
            names.append(f"{p.pid} {p.name()} {' '.join(p.cmdline())[:120]}")
            p.kill()
    assert not names, f"still running {within} s after the batch: {names}"


def assert_every_file_listed(out: Path) -> None:
    """Every DOCX, PDF and notebook of the output folder is named by the manifest (a DOCX
    with its hash); every name the manifest gives exists."""
    found = entries(out)
    listed = {e.sortie: e.sha256 for e in found.values() if e.statut in ("done", "skipped")}
    named = {n for e in found.values() for n in (e.notebook, e.pdf) if n}
    for path in out.rglob("*"):
        rel = path.relative_to(out).as_posix()
        if rel.startswith(".accordgen-lot") or rel == MANIFEST or path.is_dir():
            continue
        if path.suffix == ".docx":
            assert rel in listed, f"{rel} is not in the manifest"
            assert sha256(path) == listed[rel], f"{rel}: not the recorded file"
        else:
            assert rel in named, f"{rel} is not in the manifest"
        assert path.stat().st_size > 0, f"{rel} is empty"
    for name in named:
        assert (out / name).is_file(), f"the manifest names {name}, which is absent"
        if name.endswith(".ipynb"):
            json.loads((out / name).read_bytes())


@pytest.mark.parametrize(("sig", "mode"), [(signal.SIGKILL, "groupe"), (signal.SIGTERM, "document")])
def test_killed_batch_leaves_no_process_and_a_true_manifest(tmp_path: Path, sig: signal.Signals, mode: str) -> None:
    register = write_register(tmp_path / "registre.csv", rows(40 if mode == "groupe" else 8))
    out = tmp_path / "out"
    proc = start(register, out, "--mode", mode, "--workers", "2")
    try:
        wait_for_done(proc, out)
        children = descendants(proc)
        assert children, "the batch has no worker process"
        os.kill(proc.pid, sig)  # the command only, as `kill` does: not its process group
        proc.wait(timeout=30)
        assert_gone(children)
        _, err = proc.communicate(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    if sig == signal.SIGTERM:
        assert proc.returncode == 130 and "interrompu" in err and "Traceback" not in err, err
    killed = assert_consistent(out)
    assert_every_file_listed(out)

    again = batch(register, out, "--mode", mode, "--workers", "2")
    assert again.returncode == 0, again.stderr
    final = assert_consistent(out)
    assert {e.statut for e in final.values()} <= {"done", "skipped"}
    for line, e in killed.items():
        if e.statut == "done":
            assert final[line].statut == "skipped" and final[line].sha256 == e.sha256
    assert_every_file_listed(out)


SITE = '''
import os
import accordgen.batch.group as group
_render = group.render_group_row
def render_group_row(row, output_dir, loader=None):
    if row.sortie == "boom.docx":
        os._exit(1)  # the kernel dies in the middle of its group
    return _render(row, output_dir, loader)
group.render_group_row = render_group_row
'''


def test_group_kernel_death_fails_the_rest_and_points_to_no_missing_notebook(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITE, encoding="utf-8")
    register = write_register(tmp_path / "registre.csv", [
        {"type": "accord", "fichier": ACCORD, "sortie": "a"},
        {"type": "accord", "fichier": ACCORD, "sortie": "b"},
        {"type": "accord", "fichier": ACCORD, "sortie": "boom"},
        {"type": "accord", "fichier": ACCORD, "sortie": "c"},
    ])
    out = tmp_path / "out"
    proc = start(register, out, "--mode", "groupe", "--workers", "1",
                 env={"PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))})
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, err
    found = assert_consistent(out)
    assert [found[n].statut for n in (2, 3, 4, 5)] == ["done", "done", "failed", "failed"]
    assert not (out / "boom.docx").exists() and not (out / "c.docx").exists()
    assert_every_file_listed(out)  # rows done point to a notebook only if it was written


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 600 KB filesystem (tmpfs), or skip where it cannot be mounted."""
    mount = tmp_path / "petit-disque"
    mount.mkdir()
    if shutil.which("mount") is None or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mount)],
            capture_output=True).returncode != 0:
        pytest.skip("tmpfs impossible to mount here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.parametrize("mode", ["document", "groupe"])
def test_full_disk_says_what_was_written(tmp_path: Path, tiny_disk: Path, mode: str) -> None:
    register = write_register(tmp_path / "registre.csv", rows(30 if mode == "groupe" else 10))
    out = tiny_disk / "out"
    proc = batch(register, out, "--mode", mode, "--workers", "2")
    assert proc.returncode in (1, 2), proc.stderr
    assert "Traceback" not in proc.stderr and "erreur interne" not in proc.stderr
    written = list(out.glob("*.docx"))
    assert written, "the disk filled before any document: make the filesystem larger"
    assert "disque plein" in proc.stderr
    if proc.returncode == 2:  # the manifest itself could not be written: said so, truly
        assert "le manifeste n'a pas pu être mis à jour" in proc.stderr
    assert "aucun fichier n'a été écrit\n" not in proc.stderr.replace("échec ligne", "")
    assert_every_file_listed(out)
    for e in entries(out).values():
        if e.statut == "failed":
            assert not (out / e.sortie).exists() or e.sortie not in {p.name for p in written}


def test_libreoffice_failing_with_a_pdf_looking_file_is_a_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from accordgen.errors import PdfError
    from accordgen.tools.pdf import ENV_VAR, convert_each

    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\n"
                    'while [ "$1" != "--outdir" ]; do shift; done\n'
                    'out="$2"; shift 2\n'
                    'for f in "$@"; do n=$(basename "$f" .docx); printf "%%PDF-1.4\\n%%%%EOF\\n" > "$out/$n.pdf"; done\n'
                    "echo 'Error: source file could not be loaded' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv(ENV_VAR, str(fake))
    docx = tmp_path / "a.docx"
    docx.write_bytes(b"PK")
    (result,) = convert_each(docx)
    assert isinstance(result, PdfError)
    assert "n'a pas pu le convertir en PDF (Error: source file could not be loaded)" in result.message
    assert not (tmp_path / "a.pdf").exists()


def _dask_cluster(tmp_path: Path) -> tuple[subprocess.Popen[bytes], subprocess.Popen[bytes], str]:
    info = tmp_path / "ordonnanceur.json"
    with open(tmp_path / "dask.log", "ab") as logs:
        return _start_dask(tmp_path, info, logs)


def _start_dask(tmp_path: Path, info: Path, logs: Any) -> tuple[subprocess.Popen[bytes], subprocess.Popen[bytes], str]:
    dask = str(Path(sys.executable).with_name("dask"))
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0",
                                  "--no-dashboard", "--scheduler-file", str(info)],
                                 stdout=logs, stderr=logs, start_new_session=True)
    deadline = time.monotonic() + 60
    while not info.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    address = json.loads(info.read_text())["address"]
    worker = subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--nworkers", "1",
                               "--no-dashboard", "--host", "127.0.0.1"],
                              stdout=logs, stderr=logs, start_new_session=True, cwd=ROOT)
    return scheduler, worker, address


def test_dask_worker_killed_mid_run_stops_the_batch_with_a_message(tmp_path: Path) -> None:
    scheduler, worker, address = _dask_cluster(tmp_path)
    try:
        register = write_register(tmp_path / "registre.csv", rows(8))
        out = tmp_path / "out"
        proc = start(register, out, "--mode", "document", "--executor", "dask", "--scheduler", address,
                     "--workers", "1", env={"ACCORDGEN_DASK_TIMEOUT": "6"})
        wait_for_done(proc, out, timeout=240)
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and its nanny, mid-run
        started = time.monotonic()
        _, err = proc.communicate(timeout=120)
        assert time.monotonic() - started < 60
    finally:
        for p in (worker, scheduler):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=30)
    assert proc.returncode == 2, err
    assert "plus aucun worker Dask disponible" in err
    assert "Traceback" not in err and "distributed" not in err, err
    found = assert_consistent(out)
    assert_every_file_listed(out)
    assert any(e.statut == "done" for e in found.values())
    for e in found.values():
        if e.statut != "done":
            assert not (out / e.sortie).exists()
