"""One output location for batch too: in a workspace, ``accordgen batch`` without ``--out``
writes each document where the application, the notebooks and ``make demo`` write it
(``outputs/<dossier>/<kind's name>.docx``), so the app then says « Généré : oui »; outside a
workspace ``--out`` is required (exit 2, French, the option named); a register's ``sortie``
still wins."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from accordgen.batch.manifest import MANIFEST, read_manifest

from conftest import EXAMPLE

pytestmark = pytest.mark.slow
DOSSIER = EXAMPLE.name


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ACCORDGEN_WORKSPACE"}
    return subprocess.run([sys.executable, "-m", "accordgen", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600, env={**env, "PYTHONIOENCODING": "utf-8"})


def test_a_batch_in_a_fresh_workspace_writes_where_the_app_does(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from accordgen import load, render_bytes
    from accordgen.app import data
    from accordgen.dossier import Loader
    from accordgen.notebook.overview import Overview

    ws = tmp_path / "espace"
    assert cli("init", str(ws), cwd=tmp_path).returncode == 0
    proc = cli("batch", "dossiers/registre.csv", "--mode", "groupe", "--quiet", cwd=ws)  # the shipped register
    assert proc.returncode == 0, proc.stdout + proc.stderr
    outputs = ws / "outputs"
    assert f"manifeste : {outputs / MANIFEST}" in proc.stdout
    docx = outputs / DOSSIER / "convention-specifique-1.docx"
    monkeypatch.chdir(ws)
    convention = load(ws / "dossiers" / DOSSIER / "convention-1.yaml")
    assert docx.read_bytes() == render_bytes(convention)
    assert data.output_path(ws, convention) == docx  # the app's own name for it
    names = {e.sortie for e in read_manifest(outputs / MANIFEST) if e.fichier == f"{DOSSIER}/convention-1.yaml"}
    assert names == {f"{DOSSIER}/convention-specifique-1.docx", "convention-specifique-1-nouveau-referent.docx"}
    # the hypothesis in scenarios/ keeps its sub-folder, as in the app; a named sortie wins
    assert (outputs / DOSSIER / "scenarios").is_dir() and list((outputs / DOSSIER / "scenarios").glob("*.docx"))
    assert (outputs / "convention-specifique-1-nouveau-referent.docx").is_file()
    # the app and the overview now say every document of the dossier is generated
    lines = data.documents(Loader(), ws, ws / "dossiers" / DOSSIER)
    assert lines and all(line.genere for line in lines if line.doc is not None), \
        [(str(line.entry.rel), line.sortie) for line in lines if not line.genere]
    table = Overview(ws / "dossiers" / DOSSIER, "").table()
    assert list(table["Généré"]) and all(g.startswith("oui") for g in table["Généré"])
    # a second run finds everything unchanged there
    again = cli("batch", "dossiers/registre.csv", "--mode", "groupe", "--quiet", cwd=ws)
    assert again.returncode == 0 and " 0 généré, 12 ignorés (inchangés)" in again.stdout, again.stdout


def test_outside_a_workspace_the_output_folder_must_be_given(tmp_path: Path) -> None:
    register = tmp_path / "registre.csv"
    register.write_text(f"type;fichier\naccord;{EXAMPLE / 'accord.yaml'}\n", encoding="utf-8")
    proc = cli("batch", str(register), "--quiet", cwd=tmp_path)
    assert proc.returncode == 2
    assert "--out" in proc.stderr and "espace de travail" in proc.stderr and str(register) in proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registre.csv"]


def test_a_named_sortie_still_wins_and_others_go_to_their_dossier_folder(tmp_path: Path) -> None:
    register = tmp_path / "registre.csv"
    register.write_text("type;fichier;sortie\n"
                        f"convention-specifique;{EXAMPLE / 'convention-1.yaml'};ma-convention\n"
                        f"convention-specifique;{EXAMPLE / 'convention-2.yaml'};\n", encoding="utf-8")
    out = tmp_path / "lot"
    proc = cli("batch", str(register), "--out", str(out), "--quiet", "--workers", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.docx")) == [
        "ma-convention.docx", f"{DOSSIER}/convention-specifique-2.docx"]
    assert (out / DOSSIER / "convention-specifique-2.ipynb").is_file()  # its record, beside it
