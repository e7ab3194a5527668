"""PDF export (``--pdf``, ``accordgen.tools.pdf``): every kind through LibreOffice, LibreOffice absent,
failing or hanging conversions, profile isolation between parallel conversions, batches."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import threading
import time
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree import ElementTree

import pytest

from accordgen import DOCUMENT_KINDS
from accordgen.batch.run import MANIFEST, read_manifest
from accordgen.errors import PdfError
from accordgen.tools import pdf as pdfmod
from examples_support import examples_by_kind, kinds_with_example

from conftest import EXAMPLE, pdf_pages, pdf_text, require_libreoffice, run_cli

# One example per registered kind, found by its ``type`` (a new kind is covered by itself).
EXAMPLES = [(kind, str(examples_by_kind()[kind][0].relative_to(EXAMPLE))) for kind in kinds_with_example()]


def test_every_kind_has_an_example_to_export() -> None:
    assert [k for k, _ in EXAMPLES] == list(DOCUMENT_KINDS)


def words(text: str) -> str:
    """Whitespace-normalised (no-break spaces included), case-folded, compatibility forms
    (« … » read as « ... ») and the typographic apostrophe read as the straight one: the
    document prints French typography, its properties keep the values as typed."""
    return " ".join(unicodedata.normalize("NFKC", text).replace("\u2019", "'").split()).casefold()


def core_title(docx: Path) -> str:
    with zipfile.ZipFile(docx) as zf:
        root = ElementTree.fromstring(zf.read("docProps/core.xml"))
    return root.findtext("{http://purl.org/dc/elements/1.1/}title") or ""


def title_paragraphs(docx: Path) -> list[str]:
    from accordgen.tools.text import paragraphs

    return [p.split("] ", 1)[1] for p in paragraphs(docx, styles=True)
            if p.startswith("[Title] ") and p.split("] ", 1)[1].strip()]


def assert_title_printed(title: str, text: str) -> None:
    """The document's title (dc:title) is in the PDF's text. A derived document's title is
    « <document> – <accord's title> »: its pages print the accord's title as is, and the
    document's words around it (« AVENANT N° 1 À L'ACCORD … PORTANT RENOUVELLEMENT »)."""
    text = words(text)
    if words(title) in text:
        return
    parts = [words(p) for p in title.replace(" — ", " – ").split(" – ")]
    assert len(parts) > 1, f"titre absent du PDF : {title!r}"
    *kind_parts, accord_title = parts
    assert accord_title in text, f"titre de l'accord absent du PDF : {accord_title!r}"
    present = set(text.replace("'", " ").split())
    for part in kind_parts:
        missing = [w for w in part.replace("'", " ").split() if w not in present]
        assert not missing, f"mots du titre absents du PDF : {missing} ({title!r})"


def fake_soffice(tmp_path: Path, body: str) -> Path:
    """An executable standing for LibreOffice: ``body`` is Python that sees ``args``,
    ``outdir``, ``files`` and ``profile``."""
    script = tmp_path / "faux-soffice"
    script.write_text(
        f"#!{sys.executable}\n"
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "args = sys.argv[1:]\n"
        "outdir = Path(args[args.index('--outdir') + 1])\n"
        "files = [Path(a) for a in args[args.index('--outdir') + 2:]]\n"
        "profile = next(a for a in args if a.startswith('-env:UserInstallation=')).split('=', 1)[1]\n"
        + body, encoding="utf-8")
    script.chmod(0o755)
    return script


WRITE_PDFS = ("for f in files:\n"
              "    (outdir / (f.stem + '.pdf')).write_bytes(b'%PDF-1.4\\n% faux\\n%%EOF\\n')\n")


def no_part_files(folder: Path) -> bool:
    return not [p for p in folder.rglob("*.part")]


# --------------------------------------------------------------------------------------
# Finding LibreOffice; absent LibreOffice
# --------------------------------------------------------------------------------------


def test_env_var_wins_and_a_wrong_one_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exe = fake_soffice(tmp_path, "")
    monkeypatch.setenv("ACCORDGEN_SOFFICE", str(exe))
    assert pdfmod.find_soffice() == str(exe)
    monkeypatch.setenv("ACCORDGEN_SOFFICE", str(tmp_path / "absent" / "soffice"))
    assert pdfmod.find_soffice() is None  # no silent fallback to another LibreOffice
    with pytest.raises(PdfError) as err:
        pdfmod.require_soffice()
    assert "la variable ACCORDGEN_SOFFICE désigne" in str(err.value)
    assert str(tmp_path / "absent" / "soffice") in str(err.value)


def test_absent_libreoffice_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACCORDGEN_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pdfmod, "CANDIDATES", (str(tmp_path / "opt" / "libreoffice*" / "soffice"),))
    assert pdfmod.find_soffice() is None
    with pytest.raises(PdfError) as err:
        pdfmod.convert(tmp_path / "x.docx")
    message = str(err.value)
    assert message.startswith("LibreOffice introuvable : l'export PDF en a besoin")
    assert "libreoffice-writer" in message and "https://fr.libreoffice.org" in message
    assert "ACCORDGEN_SOFFICE" in message
    # the /opt/libreofficeX.Y layout is found
    exe = tmp_path / "opt" / "libreoffice7.6" / "soffice"
    exe.parent.mkdir(parents=True)
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    assert pdfmod.find_soffice() == str(exe)


def _without_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "bin-vide"
    empty.mkdir()
    monkeypatch.setenv("ACCORDGEN_SOFFICE", str(tmp_path / "nulle-part" / "soffice"))
    monkeypatch.setenv("PATH", str(empty))


def test_render_pdf_without_libreoffice_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _without_libreoffice(tmp_path, monkeypatch)
    out = tmp_path / "sortie" / "accord.docx"
    proc = run_cli("render", "accord", EXAMPLE / "accord.yaml", "-o", out, "--pdf")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("erreur : LibreOffice introuvable pour l'export PDF")
    assert "ACCORDGEN_SOFFICE" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() and not out.with_suffix(".pdf").exists()
    assert proc.stdout == ""


@pytest.mark.slow
def test_batch_pdf_without_libreoffice_does_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _without_libreoffice(tmp_path, monkeypatch)
    register = write_register(tmp_path / "registre.csv", [{"type": "accord", "fichier": EXAMPLE / "accord.yaml"}])
    out = tmp_path / "lot"
    proc = run_cli("batch", register, "--out", out, "--quiet", "--pdf")
    assert proc.returncode == 2, proc.stderr
    assert "LibreOffice introuvable" in proc.stderr
    assert not out.exists()


# --------------------------------------------------------------------------------------
# Failing, hanging and parallel conversions (a stand-in for LibreOffice: fast, no LibreOffice)
# --------------------------------------------------------------------------------------


def test_failed_conversion_leaves_no_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """LibreOffice writes half a PDF and exits 1: French message with its stderr, the DOCX
    is kept, no PDF (not the partial one, not an older one that no longer matches)."""
    exe = fake_soffice(tmp_path, (
        "for f in files:\n"
        "    (outdir / (f.stem + '.pdf')).write_bytes(b'%PDF-1.4 tronque')\n"
        "print('Error: boum, conversion impossible', file=sys.stderr)\n"
        "sys.exit(1)\n"))
    monkeypatch.setenv("ACCORDGEN_SOFFICE", str(exe))
    out = tmp_path / "sortie" / "accord.docx"
    out.parent.mkdir()
    out.with_suffix(".pdf").write_bytes(b"%PDF ancien")
    proc = run_cli("render", "accord", EXAMPLE / "accord.yaml", "-o", out, "--pdf")
    assert proc.returncode == 2
    assert proc.stdout == f"{out} écrit (Accord de coopération)\n"
    assert proc.stderr == (f"erreur : {out} : le DOCX a été écrit, mais pas le PDF : LibreOffice n'a pas pu "
                           "le convertir en PDF (Error: boum, conversion impossible)\n")
    assert out.is_file()
    assert not out.with_suffix(".pdf").exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["accord.docx"]


def test_exit_status_without_pdf_and_missing_docx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exe = fake_soffice(tmp_path, "sys.exit(81)\n")
    monkeypatch.setenv("ACCORDGEN_SOFFICE", str(exe))
    docx = tmp_path / "a.docx"
    docx.write_bytes(b"x")
    (result, missing) = pdfmod.convert_each([docx, tmp_path / "absent.docx"])
    assert isinstance(result, PdfError) and isinstance(missing, PdfError)
    assert str(result) == f"{docx} : LibreOffice n'a pas pu le convertir en PDF (LibreOffice s'est arrêté avec le code 81)"
    assert str(missing) == f"{tmp_path / 'absent.docx'} : fichier introuvable : pas de PDF"
    with pytest.raises(PdfError) as err:
        pdfmod.convert([docx, tmp_path / "absent.docx"])
    assert str(err.value).startswith("2 fichiers non convertis en PDF :\n  - ")
    assert no_part_files(tmp_path) and not list(tmp_path.glob("*.pdf"))


def test_hanging_libreoffice_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pids = tmp_path / "pids"
    exe = fake_soffice(tmp_path, (
        "import subprocess\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"Path({str(pids)!r}).write_text(f'{{os.getpid()}} {{child.pid}}')\n"
        + WRITE_PDFS.replace("for f", "time.sleep(60)\nfor f")))
    monkeypatch.setenv("ACCORDGEN_SOFFICE", str(exe))
    docx = tmp_path / "a.docx"
    docx.write_bytes(b"x")
    start = time.monotonic()
    with pytest.raises(PdfError) as err:
        pdfmod.convert(docx, timeout=2)
    assert time.monotonic() - start < 20
    assert "LibreOffice n'a pas terminé en 2 s (arrêté)" in str(err.value)
    for pid in map(int, pids.read_text().split()):  # LibreOffice and what it started
        deadline = time.monotonic() + 5
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(pid), f"processus {pid} toujours là"
    assert not (tmp_path / "a.pdf").exists()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


def test_parallel_conversions_use_separate_profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Conversions running at the same time never share a profile (threads of one process,
    or processes); one after the other in a process, they reuse it."""
    log = tmp_path / "journal.txt"
    exe = fake_soffice(tmp_path, (
        f"with open({str(log)!r}, 'a') as fh:\n"
        "    fh.write(f'{profile} {time.time()} debut\\n')\n"
        "time.sleep(0.6)\n"
        + WRITE_PDFS +
        f"with open({str(log)!r}, 'a') as fh:\n"
        "    fh.write(f'{profile} {time.time()} fin\\n')\n"))
    monkeypatch.setenv("ACCORDGEN_SOFFICE", str(exe))
    docs = []
    for i in range(4):
        docs.append(tmp_path / f"d{i}.docx")
        docs[-1].write_bytes(b"x")
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda d: pdfmod.convert(d), docs))
    assert [r[0].name for r in results] == [f"d{i}.pdf" for i in range(4)]
    runs = _runs(log)
    assert len(runs) == 4 and len({profile for profile, _, _ in runs}) == 4
    assert max(start for _, start, _ in runs) < min(end for _, _, end in runs), "not concurrent"
    log.unlink()
    pdfmod.convert(docs[0])
    assert _runs(log)[0][0] in {profile for profile, _, _ in runs}  # reused

    # two processes at once: their own profile folders
    log.unlink()
    code = "import sys; from accordgen.tools.pdf import convert; convert(sys.argv[1])"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(d)]) for d in docs[:2]]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    runs = _runs(log)
    assert len({Path(profile).parent for profile, _, _ in runs}) == 2
    assert max(start for _, start, _ in runs) < min(end for _, _, end in runs), "not concurrent"
    for profile, _, _ in runs:  # removed when their process exits
        assert not Path(profile.removeprefix("file://")).parent.exists()


def _runs(log: Path) -> list[tuple[str, float, float]]:
    starts: dict[str, float] = {}
    runs = []
    for line in log.read_text().splitlines():
        profile, when, what = line.split()
        if what == "debut":
            starts[profile] = float(when)
        else:
            runs.append((profile, starts.pop(profile), float(when)))
    return runs


def test_manifest_without_pdf_column_is_read(tmp_path: Path) -> None:
    old = ("\ufeffligne;type;fichier;sortie;sha256;statut;message;duree_s;empreinte_entrees;notebook\n"
           f"2;accord;a.yaml;a.docx;{'0' * 64};done;;1.000;{'1' * 64};a.ipynb\n")
    (tmp_path / MANIFEST).write_text(old, encoding="utf-8")
    (entry,) = read_manifest(tmp_path / MANIFEST)
    assert entry.pdf == "" and entry.notebook == "a.ipynb" and entry.statut == "done"


# --------------------------------------------------------------------------------------
# With LibreOffice
# --------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "file"), EXAMPLES, ids=[k for k, _ in EXAMPLES])
def test_every_kind_renders_to_pdf(kind: str, file: str, tmp_path: Path) -> None:
    require_libreoffice()
    out = tmp_path / "x.docx"
    proc = run_cli("render", kind, EXAMPLE / file, "-o", out, "--pdf")
    assert proc.returncode == 0, proc.stderr
    pdf = tmp_path / "x.pdf"
    assert proc.stdout.splitlines()[1] == f"{pdf} écrit (PDF)"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf_pages(pdf) >= 1
    text = pdf_text(pdf)
    assert_title_printed(core_title(out), text)
    for heading in title_paragraphs(out):  # the title as the document prints it
        assert words(heading) in words(text)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.docx", "x.pdf"]


@pytest.mark.slow
def test_real_conversions_in_parallel_threads(tmp_path: Path) -> None:
    """Three LibreOffice conversions at once from one process (three profiles), then again
    (profiles reused): every PDF whole."""
    require_libreoffice()
    from accordgen.dossier import load
    from accordgen.render import render

    docs = [render(load(EXAMPLE / file, kind), tmp_path / f"{kind}.docx") for kind, file in EXAMPLES[:3]]
    barrier = threading.Barrier(3)

    def one(docx: Path) -> Path:
        barrier.wait()
        return pdfmod.convert(docx)[0]

    for _ in range(2):
        with ThreadPoolExecutor(3) as pool:
            pdfs = list(pool.map(one, docs))
        assert [p.name for p in pdfs] == [d.with_suffix(".pdf").name for d in docs]
        assert all(pdf_pages(p) >= 1 for p in pdfs)
    assert no_part_files(tmp_path)


def write_register(path: Path, rows: list[dict[str, object]]) -> Path:
    columns = ["type", "fichier", "sortie"]
    for row in rows:
        columns += [c for c in row if c not in columns]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns])
    return path


def register_of_every_kind(tmp_path: Path) -> Path:
    return write_register(tmp_path / "registre.csv", [
        {"type": kind, "fichier": EXAMPLE / file} for kind, file in EXAMPLES])


def batch(register: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("batch", register, "--out", out, "--quiet", "--workers", "2", *args)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["document", "groupe"])
def test_batch_writes_a_pdf_per_docx(mode: str, tmp_path: Path) -> None:
    """Two workers convert at the same time (each with its own profile): one whole PDF per
    DOCX, recorded in the manifest's pdf column."""
    require_libreoffice()
    out = tmp_path / "lot"
    proc = batch(register_of_every_kind(tmp_path), out, "--mode", mode, "--pdf")
    assert proc.returncode == 0, proc.stderr
    n = len(EXAMPLES)
    assert f"{n} documents : {n} générés" in proc.stdout
    found = read_manifest(out / MANIFEST)
    assert [e.statut for e in found] == ["done"] * n
    assert sorted(p.stem for p in out.rglob("*.pdf")) == sorted(p.stem for p in out.rglob("*.docx"))
    for e in found:
        assert e.pdf == e.sortie.removesuffix(".docx") + ".pdf"
        assert pdf_pages(out / e.pdf) >= 1
        assert_title_printed(core_title(out / e.sortie), pdf_text(out / e.pdf))
    header = (out / MANIFEST).read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(";")[-1] == "pdf"
    assert no_part_files(out)


@pytest.mark.slow
def test_batch_rerun_makes_missing_pdfs_and_drops_outdated_ones(tmp_path: Path) -> None:
    require_libreoffice()
    register = register_of_every_kind(tmp_path)
    out = tmp_path / "lot"
    assert batch(register, out, "--mode", "groupe").returncode == 0  # DOCX only
    assert not list(out.rglob("*.pdf"))
    assert {e.pdf for e in read_manifest(out / MANIFEST)} == {""}

    # unchanged rows get their PDF only
    stamps = {p.name: p.stat().st_mtime_ns for p in out.rglob("*.docx")}
    proc = batch(register, out, "--mode", "groupe", "--pdf")
    assert proc.returncode == 0, proc.stderr
    n = len(EXAMPLES)
    assert f"{n} documents : 0 généré, {n} ignorés (inchangés), 0 en échec" in proc.stdout
    found = read_manifest(out / MANIFEST)
    assert {e.statut for e in found} == {"skipped"}
    assert all(e.pdf and (out / e.pdf).is_file() for e in found)
    assert {e.message for e in found} == {"inchangé depuis la génération précédente ; PDF produit"}
    assert {p.name: p.stat().st_mtime_ns for p in out.rglob("*.docx")} == stamps

    # a PDF deleted is made again; the others are left alone
    gone = found[0].pdf
    (out / gone).unlink()
    kept = {e.pdf: (out / e.pdf).stat().st_mtime_ns for e in found[1:]}
    assert batch(register, out, "--mode", "groupe", "--pdf").returncode == 0
    again = read_manifest(out / MANIFEST)
    assert again[0].pdf == gone and (out / gone).is_file()
    assert {e.pdf: (out / e.pdf).stat().st_mtime_ns for e in again[1:]} == kept

    # a DOCX made again without --pdf: its old PDF goes (it no longer matches)
    assert batch(register, out, "--mode", "groupe", "--force").returncode == 0
    assert not list(out.rglob("*.pdf"))
    assert {e.pdf for e in read_manifest(out / MANIFEST)} == {""}


@pytest.mark.slow
def test_batch_row_whose_pdf_fails_is_a_failed_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exe = fake_soffice(tmp_path, (
        "for f in files:\n"
        "    (outdir / (f.stem + '.pdf')).write_bytes(b'%PDF-1.4 tronque')\n"
        "print('Error: plus de memoire', file=sys.stderr)\n"
        "sys.exit(1)\n"))
    monkeypatch.setenv("ACCORDGEN_SOFFICE", str(exe))
    register = write_register(tmp_path / "registre.csv", [
        {"type": "accord", "fichier": EXAMPLE / "accord.yaml"},
        {"type": "accord", "fichier": EXAMPLE / "accord.yaml", "sortie": "b"}])
    out = tmp_path / "lot"
    proc = batch(register, out, "--mode", "groupe", "--pdf")
    assert proc.returncode == 1
    found = read_manifest(out / MANIFEST)
    assert [e.statut for e in found] == ["failed", "failed"]
    for e in found:
        assert e.message == ("le DOCX a été écrit, mais pas le PDF : LibreOffice n'a pas pu le convertir "
                             "en PDF (Error: plus de memoire)")
        assert e.pdf == "" and e.sha256 == ""
        assert f"échec ligne {e.ligne} " in proc.stderr
    assert not list(out.rglob("*.pdf")) and no_part_files(out)


@pytest.mark.slow
def test_batch_notebook_writes_pdfs_when_asked(tmp_path: Path) -> None:
    """The drafters' batch notebook has a ``pdf`` parameter (False by default)."""
    import papermill as pm

    from conftest import ROOT

    require_libreoffice()
    register = write_register(tmp_path / "registre.csv", [
        {"type": "accord", "fichier": EXAMPLE / "accord.yaml", "sortie": "accord-lot"}])
    out = tmp_path / "out"
    pm.execute_notebook(
        str(ROOT / "notebooks" / "batch.ipynb"), str(tmp_path / "batch-execute.ipynb"),
        parameters={"registre": str(register), "output_dir": str(out), "mode": "groupe",
                    "workers": 1, "pdf": True},
        kernel_name="python3", cwd=str(ROOT / "notebooks"), progress_bar=False,
        kernel_manager_class="accordgen.runner.LocalKernelManager",
    )
    (entry,) = read_manifest(out / MANIFEST)
    assert entry.statut == "done" and entry.pdf == "accord-lot.pdf"
    assert pdf_pages(out / "accord-lot.pdf") >= 5
