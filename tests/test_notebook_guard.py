"""A failed notebook cell is never followed by a generated document (issue 17, criterion 2).

papermill runs cells one by one and stops at the first error; JupyterLab's « Run All » sends
every cell at once and the kernel may still run a later one. Each code cell after the
parameters cell starts with ``nb.arreter_si_erreur()``, which fails when the cell just before
it failed: nbclient with ``allow_errors`` (every cell run whatever happens, as in the race)
shows that nothing after the failure is written.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import accordgen
from accordgen.runner import NotebookError, run_notebook

from conftest import ROOT

EXAMPLE = ROOT / "examples" / "seine-et-marne-orange-2022"


def _with_parameters(nb_path: Path, source: str) -> nbformat.NotebookNode:
    nb = nbformat.read(nb_path, as_version=4)
    (cell,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    cell.source = source
    return nb


def test_every_code_cell_after_the_parameters_is_guarded() -> None:
    for nb_path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        first = next(i for i, c in enumerate(code) if "parameters" in c["metadata"].get("tags", []))
        for cell in code[first + 1:]:
            assert "nb.arreter_si_erreur()" in "".join(cell["source"]), (nb_path.name, cell["source"])


@pytest.mark.parametrize("broken", [
    'dossier_file = "{dossier}"\noutput_dir = "{out}"\noutput_name = ""\noverrides = {{',  # SyntaxError
    'dossier_file = "{dossier}"\noutput_dir = "{out}"\noutput_name = ""\noverrides = {{}}\n'
    'raise RuntimeError("erreur de saisie")',
])
def test_after_a_failed_first_cell_later_cells_do_nothing_even_when_run(tmp_path: Path, broken: str) -> None:
    out = tmp_path / "sortie"
    nb = _with_parameters(ROOT / "notebooks" / "convention_specifique.ipynb",
                          broken.format(dossier=EXAMPLE / "convention-1.yaml", out=out))
    # allow_errors: every cell is sent, as when the kernel did not drop JupyterLab's queue in time
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert not out.exists() or not list(out.iterdir())
    guarded = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if o.get("output_type") == "error" and o.get("ename") == "CelluleNonExecutee"]
    assert guarded, "the later cells should say they were not run"
    text = json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)
    assert "la cellule précédente a échoué" in text


def test_papermill_run_with_a_broken_parameter_fails_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "sortie"
    kind = accordgen.get_kind("convention-specifique")
    with pytest.raises(NotebookError):
        run_notebook(kind, EXAMPLE / "convention-1.yaml", out, tmp_path / "run.ipynb",
                     extra={"overrides": "{pas du json"})
    assert not out.exists() or not list(out.glob("*.docx"))
