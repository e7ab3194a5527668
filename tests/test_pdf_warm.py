"""PDF exports through the LibreOffice ``accordgen app`` keeps warm (unoserver): a ``batch
--pdf`` or ``render --pdfa`` started from a terminal on the app's workspace finds it by the
advert in accordgen's runtime folder and converts through it (the cold LibreOffice is made to
fail here, so a PDF proves it); a stale or silent address falls back to a cold run."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from accordgen.tools import pdf as pdfmod
from accordgen.tools import warm

from conftest import pdf_text, require_libreoffice

DOSSIER = "seine-et-marne-orange-2022"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cold_that_fails(tmp_path: Path) -> tuple[Path, Path]:
    """An executable standing for LibreOffice that fails and leaves a mark when run."""
    mark = tmp_path / "soffice-froid-lance"
    script = tmp_path / "soffice-en-panne"
    script.write_text(f"#!/bin/sh\ntouch {mark}\nexit 1\n")
    script.chmod(0o755)
    return script, mark


def run(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("ACCORDGEN_WORKSPACE", warm.ENV)}
    return subprocess.run([sys.executable, "-m", "accordgen", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600, env={**base, "PYTHONIOENCODING": "utf-8", **env})


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, subprocess.Popen[bytes]]]:
    """A workspace and the warm LibreOffice advertised for it, as ``accordgen app`` starts it."""
    require_libreoffice()
    from accordgen.app.preview import start_warm_office
    from accordgen.workspace import init_workspace

    workspace = init_workspace(tmp_path_factory.mktemp("chaud") / "espace").path
    advert = warm.advert_path(workspace)
    proc = start_warm_office(free_port(), free_port(), advert=advert, workspace=workspace)
    if proc is None:
        pytest.skip("python3-uno absent du Python du système : pas de LibreOffice chaud (unoserver)")
    try:
        deadline = time.monotonic() + 120
        while not advert.is_file() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert advert.is_file(), "unoserver n'a pas annoncé son adresse"
        yield workspace, advert, proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def test_a_pdf_batch_converts_through_the_apps_warm_libreoffice(office: tuple[Path, Path, subprocess.Popen[bytes]],
                                                                tmp_path: Path) -> None:
    workspace, _advert, _proc = office
    register = workspace / "dossiers" / "registre-chaud.csv"
    register.write_text("type;fichier\n" + "".join(
        f"convention-specifique;{DOSSIER}/convention-{n}.yaml\n" for n in (1, 2, 3)), encoding="utf-8")
    broken, mark = cold_that_fails(tmp_path)
    out = tmp_path / "sortie"
    proc = run("batch", str(register), "--out", str(out), "--pdf", "--quiet", "--workers", "2",
               cwd=workspace, ACCORDGEN_SOFFICE=str(broken))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not mark.exists(), "le LibreOffice froid a été lancé"
    for n in (1, 2, 3):
        pdf = out / DOSSIER / f"convention-specifique-{n}.pdf"  # where the app writes it too
        assert pdf.read_bytes().startswith(b"%PDF")
        assert f"CONVENTION SPÉCIFIQUE N° {n}" in pdf_text(pdf)


def test_render_pdfa_through_the_warm_libreoffice_is_pdfa_2b_with_its_signature_fields(
        office: tuple[Path, Path, subprocess.Popen[bytes]], tmp_path: Path) -> None:
    import pikepdf

    workspace, _advert, _proc = office
    broken, mark = cold_that_fails(tmp_path)
    docx = tmp_path / "convention-1.docx"
    proc = run("render", "convention-specifique", f"dossiers/{DOSSIER}/convention-1.yaml", "-o", str(docx),
               "--pdfa", cwd=workspace, ACCORDGEN_SOFFICE=str(broken))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not mark.exists()
    with pikepdf.open(docx.with_suffix(".pdf")) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == "2" and meta.get("pdfaid:conformance") == "B"
        names = {str(f.get("/T")) for f in pdf.Root.AcroForm.Fields if f.get("/FT") == "/Sig"}
    assert len(names) == 2, names  # one empty signature field per signatory
    assert "CONVENTION SPÉCIFIQUE N° 1" in pdf_text(docx.with_suffix(".pdf"))


def test_a_stale_advert_is_ignored_removed_and_the_pdf_made_cold(tmp_path: Path) -> None:
    require_libreoffice()
    from accordgen.workspace import init_workspace

    workspace = init_workspace(tmp_path / "espace").path
    gone = subprocess.Popen(["true"])
    gone.wait()  # a process that has ended: the app killed without a word
    advert = warm.advert_path(workspace)
    advert.write_text(json.dumps({"address": f"127.0.0.1:{free_port()}", "pid": gone.pid,
                                  "workspace": str(workspace)}))
    docx = tmp_path / "c1.docx"
    started = time.monotonic()
    proc = run("render", "convention-specifique", f"dossiers/{DOSSIER}/convention-1.yaml", "-o", str(docx),
               "--pdf", cwd=workspace)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "CONVENTION SPÉCIFIQUE N° 1" in pdf_text(docx.with_suffix(".pdf"))
    assert not advert.exists(), "l'annonce périmée n'a pas été retirée"
    assert time.monotonic() - started < 60


def test_a_refused_or_silent_warm_address_falls_back_to_a_cold_run_without_waiting(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The env var of the app's kernels naming a port nothing answers on (refused) or a port
    that accepts and never answers (silent): the PDF is made cold, within the time limits."""
    require_libreoffice()
    from accordgen import load, render

    docx = render(load(Path(__file__).resolve().parents[1] / "examples" / DOSSIER / "convention-1.yaml"),
                  tmp_path / "c1.docx")
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections (the kernel does), never reads them
    monkeypatch.setattr(warm, "PROBE_TIMEOUT", 1.0)
    try:
        for address in (f"127.0.0.1:{free_port()}", f"127.0.0.1:{silent.getsockname()[1]}"):
            monkeypatch.setenv(warm.ENV, address)
            started = time.monotonic()
            (pdf,) = pdfmod.convert(docx, tmp_path / address.replace(":", "-"))
            assert "CONVENTION SPÉCIFIQUE N° 1" in pdf_text(pdf)
            assert time.monotonic() - started < 30, address
            assert pdfmod._warm_gone.get(address, 0) > time.monotonic()  # not asked again at once
    finally:
        silent.close()


def test_the_advert_goes_when_the_warm_libreoffice_stops(office: tuple[Path, Path, subprocess.Popen[bytes]]) -> None:
    """Last of the module: stopped as the app's death stops it (SIGTERM), the launcher removes
    its advert and leaves no LibreOffice."""
    import psutil

    workspace, advert, proc = office
    assert warm.advertised(workspace) == json.loads(advert.read_text())["address"]
    family = psutil.Process(proc.pid).children(recursive=True)
    os.kill(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)
    assert not advert.exists()
    assert warm.advertised(workspace) is None
    _gone, alive = psutil.wait_procs(family, timeout=30)
    assert not alive, [p.name() for p in alive]
