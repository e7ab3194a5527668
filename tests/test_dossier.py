"""The dossier loader: every file read and validated once per Loader, invalid or unreadable
siblings reported (file and field) without breaking the other documents, what counts as signed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import accordgen
from accordgen.dossier import Loader
from accordgen.tools.text import document_text

from conftest import EXAMPLE, run_cli


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name in ("accord.yaml", "convention-4.yaml", "avenant-1.yaml"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    return tmp_path


def test_an_invalid_sibling_is_reported_with_its_file_and_field(folder: Path) -> None:
    (folder / "convention-9.yaml").write_text(
        (folder / "convention-4.yaml").read_text(encoding="utf-8")
        .replace("numero: 4", "numero: 9").replace("date_fin: 2023-12-31", "date_fin: 2023-02-30"),
        encoding="utf-8")
    for command in (("check", "accord", folder / "accord.yaml"),
                    ("render", "accord", folder / "accord.yaml", "-o", folder / "out" / "a.docx")):
        proc = run_cli(*command)
        assert proc.returncode == 0, proc.stderr
        said = (proc.stdout + proc.stderr).replace("\u00a0", " ")
        assert said.count("convention-9.yaml : document invalide, non pris en compte (date_fin : date "
                          "invalide ou impossible") == 1, said


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "loop", "complex-key"])
def test_a_stray_file_beside_the_dossier_breaks_nothing(folder: Path, kind: str) -> None:
    stray = folder / "stray.yaml"
    if kind == "fifo":
        os.mkfifo(stray)
    elif kind == "dev-zero":
        stray.symlink_to("/dev/zero")
    elif kind == "loop":
        stray.symlink_to(folder / "other.yaml")
        (folder / "other.yaml").symlink_to(stray)
    else:
        stray.write_text("? [a, b]\n: c\n", encoding="utf-8")
    proc = run_cli("check", "convention-specifique", folder / "convention-4.yaml")
    assert proc.returncode == 0, proc.stderr
    assert "stray.yaml : fichier ignoré, illisible" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_a_loader_reads_a_dossier_once_and_again_when_a_file_changes(folder: Path) -> None:
    loader = Loader()
    first = loader.load(folder / "convention-4.yaml")
    second = loader.load(folder / "accord.yaml")
    assert first.dossier is second.dossier
    (folder / "convention-4.yaml").write_text(
        (folder / "convention-4.yaml").read_text(encoding="utf-8").replace("numero: 4", "numero: 5"),
        encoding="utf-8")
    third = loader.load(folder / "convention-4.yaml")
    assert third.dossier is not first.dossier and third.params.numero == 5


def test_overrides_of_one_load_never_reach_the_next(folder: Path) -> None:
    """The loader shares each parsed file between loads (no copy per read): a load with
    overrides (a register row) changes its own copy only."""
    loader = Loader()
    changed = loader.load(folder / "convention-4.yaml", overrides={"objet": "Objet remplacé"})
    plain = loader.load(folder / "convention-4.yaml")
    assert changed.params.objet == "Objet remplacé" and plain.params.objet != "Objet remplacé"
    assert loader.read(folder / "convention-4.yaml") is loader.read(folder / "convention-4.yaml")
    assert " ".join(loader.read(folder / "convention-4.yaml")["objet"].split()) == " ".join(plain.params.objet.split())


def test_point_04_a_draft_amendment_is_never_called_signed(folder: Path) -> None:
    """Issue 16, point 4: the example's amendment n° 1 is a draft with a planned date: it does
    not extend the term, and a consolidated version names it as a draft."""
    doc = accordgen.load(folder / "avenant-1.yaml")
    assert doc.dossier.chain().renouvellements == [] and doc.dossier.term.fin.isoformat() == "2027-06-30"
    shutil.copy(EXAMPLE / "version-consolidee.yaml", folder / "version-consolidee.yaml")
    text = document_text(accordgen.render_bytes(accordgen.load(folder / "version-consolidee.yaml")))
    assert "signé le 16 juin 2027" not in text.replace("\u00a0", " ")
    assert "l'avenant n° 1 en projet, non signé" in text
    (folder / "version-consolidee.yaml").write_text(
        (folder / "version-consolidee.yaml").read_text(encoding="utf-8").replace(
            "statut: projet", "statut: definitif"), encoding="utf-8")
    proc = run_cli("check", "accord-consolide", folder / "version-consolidee.yaml")
    assert proc.returncode == 2 and "inclure_projets : une version consolidée définitive" in proc.stderr
