"""One output location per document: the application, the notebooks (empty ``output_dir``) and
``accordgen demo`` write a document to the same file, ``outputs/<dossier>/<kind's name>.docx``
of its workspace, and the dossier overview finds it there (« Généré : oui »)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from accordgen.app import data
from accordgen.dossier import Loader
from accordgen.notebook import overview
from accordgen.notebook.api import chemin_sortie
from accordgen.resources import output_folder
from accordgen.workspace import init_workspace

DOSSIER = "seine-et-marne-orange-2022"


def test_app_and_notebooks_name_every_document_alike(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "espace").path
    folder = ws / "dossiers" / DOSSIER
    assert output_folder(folder) == ws / "outputs" / DOSSIER
    docs = [doc for _e, doc, _p in Loader().documents(folder) if doc is not None]
    assert len(docs) >= 8
    for doc in docs:
        place = data.output_path(ws, doc)
        assert place == chemin_sortie(doc, "") and place.name == f"{doc.output_stem}.docx"
        assert place.parent == ws / "outputs" / DOSSIER / doc.path.parent.relative_to(folder)


def test_demo_writes_where_the_app_does_and_the_overview_sees_it(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "espace").path
    folder = ws / "dossiers" / DOSSIER
    for path in folder.rglob("*.yaml"):  # two documents keep the demo short
        if path.name not in ("accord.yaml", "convention-1.yaml"):
            path.unlink()
    proc = subprocess.run([sys.executable, "-m", "accordgen", "demo", f"dossiers/{DOSSIER}"], cwd=ws,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = ws / "outputs" / DOSSIER
    assert (out / "accord.docx").is_file() and (out / "convention-specifique-1.docx").is_file()
    assert (out / "notebooks" / "convention-1.ipynb").is_file()  # the record of the run
    table = overview.Overview(folder, "").table()
    assert list(table["Généré"]) == ["oui (accord.docx)", "oui (convention-specifique-1.docx)"]
    doc = Loader().load(folder / "convention-1.yaml")
    assert data.output_path(ws, doc) == out / "convention-specifique-1.docx"
