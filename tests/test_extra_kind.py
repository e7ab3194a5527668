"""A kind is one class plus its template and notebook: an extra kind defined in the test
folder alone (tests/data/extra_kind), registered through the ``accordgen.kinds`` entry point
group, renders through the CLI, its notebook (papermill) and a batch, with no change to
accordgen."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from accordgen.tools.text import document_text

from conftest import EXAMPLE

EXTRA = Path(__file__).parent / "data" / "extra_kind"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment where the extra kind is installed: its module on the path and a
    distribution's metadata declaring the entry point (what ``pip install`` would write)."""
    root = tmp_path_factory.mktemp("site")
    info = root / "accordgen_note_test-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: accordgen-note-test\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[accordgen.kinds]\nnote-information = note_kind:NoteKind\n")
    path = os.pathsep.join([str(root), str(EXTRA), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return {**os.environ, "PYTHONPATH": path, "PYTHONIOENCODING": "utf-8"}


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    folder = tmp_path / "dossier"
    folder.mkdir()
    shutil.copy(EXAMPLE / "accord.yaml", folder / "accord.yaml")
    shutil.copy(EXTRA / "note.yaml", folder / "note.yaml")
    return folder


def cli(env: dict[str, str], *args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "accordgen", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=600)


EXPECTED = ("L'accord « ACCORD DE COOPÉRATION ENTRE LE DÉPARTEMENT DE SEINE-ET-MARNE ET ORANGE », signé le "
            "1er juillet 2022, est en vigueur jusqu'au 30 juin 2027 inclus.")


def normalised(docx: Path) -> str:
    return document_text(docx.read_bytes()).replace("\u00a0", " ")


def test_the_extra_kind_is_listed_and_renders_through_the_cli(site: dict[str, str], dossier: Path,
                                                              tmp_path: Path) -> None:
    listed = cli(site, "kinds", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "note-information" in listed.stdout and "Note d'information" in listed.stdout
    out = tmp_path / "sortie" / "note.docx"
    proc = cli(site, "render", "note-information", dossier / "note.yaml", "-o", out, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = normalised(out)
    assert EXPECTED in text and "Objet : Point d'étape sur l'accord avec Orange" in text
    check = cli(site, "check", "note-information", dossier / "note.yaml", cwd=tmp_path)
    assert "Destinataire : Direction des finances" in check.stdout


def test_without_the_extension_the_kind_is_unknown(dossier: Path, tmp_path: Path) -> None:
    proc = cli({**os.environ, "PYTHONIOENCODING": "utf-8"}, "check", "note-information",
               dossier / "note.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert "note-information" in proc.stderr and "Traceback" not in proc.stderr


def test_the_extra_kind_renders_through_its_notebook(site: dict[str, str], dossier: Path,
                                                     tmp_path: Path) -> None:
    (dossier / "accord.yaml").unlink()  # the demo runs every document: keep the note alone...
    shutil.copy(EXAMPLE / "accord.yaml", tmp_path / "accord.yaml")
    (dossier / "note.yaml").write_text((EXTRA / "note.yaml").read_text().replace(
        "accord: accord.yaml", "accord: ../accord.yaml"))  # ...with its accord one folder up
    proc = cli(site, "demo", dossier, "--out", tmp_path / "demo", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (docx,) = (tmp_path / "demo").glob("note-*.docx")  # the kind's output name, as everywhere
    assert EXPECTED in normalised(docx)
    assert (tmp_path / "demo" / "notebooks" / "note.ipynb").is_file()


def test_the_extra_kind_renders_in_a_batch(site: dict[str, str], dossier: Path, tmp_path: Path) -> None:
    register = tmp_path / "registre.csv"
    with register.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["type", "fichier", "sortie"])
        writer.writerow(["note-information", str(dossier / "note.yaml"), "note-a"])
        writer.writerow(["note-information", str(dossier / "note.yaml"), "note-b"])
    proc = cli(site, "batch", register, "--out", tmp_path / "lot", "--workers", "1", "--quiet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in ("note-a", "note-b"):
        assert EXPECTED in normalised(tmp_path / "lot" / f"{name}.docx")
