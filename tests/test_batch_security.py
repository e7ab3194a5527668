"""Nothing outside the output folder is written or deleted by a batch or a notebook: links
planted under the batch's own folders, names read from a crafted manifest, an output name
with ``..``; outputs respect the umask; the manifest is safe to open in a spreadsheet."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from accordgen.batch.manifest import MANIFEST, Entry, read_manifest, write_manifest
from accordgen.errors import OutputError
from accordgen.render.output import write_atomic
from test_batch import ACCORD, HERE, assert_consistent, batch, entries, write_register


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A folder outside the output folder, with a file that must survive."""
    folder = tmp_path / "ailleurs"
    (folder / "run-20260101-000000-1").mkdir(parents=True)
    (folder / "precieux.txt").write_text("à garder", encoding="utf-8")
    (folder / "run-20260101-000000-1" / "aussi.txt").write_text("à garder", encoding="utf-8")
    return folder


@pytest.mark.parametrize(("link", "mode"), [(".accordgen-lot", "document"), ("lots", "groupe")])
def test_link_planted_in_the_output_folder_is_refused(tmp_path: Path, victim: Path, link: str, mode: str) -> None:
    register = write_register(tmp_path / "registre.csv", [{"type": "accord", "fichier": ACCORD}])
    out = tmp_path / "out"
    out.mkdir()
    (out / link).symlink_to(victim, target_is_directory=True)
    before = tree(victim)

    proc = batch(register, out, "--mode", mode, "--workers", "1")

    assert proc.returncode == 2, proc.stderr
    assert f"{out / link}" in proc.stderr and "c'est un lien symbolique, pas un dossier" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert tree(victim) == before
    assert not (out / HERE / "accord.docx").exists()


@pytest.mark.parametrize("mode", ["document", "groupe"])
def test_a_link_planted_as_a_document_folder_is_not_followed(tmp_path: Path, victim: Path, mode: str) -> None:
    """A row without sortie writes ``<dossier>/accord.docx``: a link planted under the
    dossier's name in the output folder is never written through (the row fails, saying so)."""
    register = write_register(tmp_path / "registre.csv", [{"type": "accord", "fichier": ACCORD}])
    out = tmp_path / "out"
    out.mkdir()
    (out / HERE).symlink_to(victim, target_is_directory=True)
    before = tree(victim)

    proc = batch(register, out, "--mode", mode, "--workers", "1")

    assert proc.returncode == 1, proc.stderr
    assert tree(victim) == before
    (row,) = entries(out).values()
    assert row.statut == "failed" and "c'est un lien symbolique, pas un dossier" in row.message
    assert f"{out / HERE}" in proc.stderr and "Traceback" not in proc.stderr


def test_a_manifest_path_with_dot_dot_or_a_hidden_folder_is_not_trusted() -> None:
    from accordgen.batch.manifest import _trusted

    for name in ("../x/accord.docx", "a/../../accord.docx", ".accordgen-lot/accord.docx",
                 "lots/accord.docx", "/etc/accord.docx", "a//accord.docx", "a\\b/accord.docx"):
        assert _trusted(Entry(2, "accord", "a.yaml", name, "0" * 64, "done")) is None, name
    kept = _trusted(Entry(2, "accord", "a.yaml", f"{HERE}/scenarios/lettre.docx", "0" * 64, "done",
                          pdf=f"{HERE}/scenarios/lettre.pdf", notebook="../lettre.ipynb"))
    assert kept is not None and kept.pdf == f"{HERE}/scenarios/lettre.pdf" and kept.notebook == ""


def test_names_in_a_crafted_manifest_never_leave_the_output_folder(tmp_path: Path) -> None:
    register = write_register(tmp_path / "registre.csv", [{"type": "accord", "fichier": ACCORD}])
    out = tmp_path / "a" / "b" / "out"
    out.mkdir(parents=True)
    absolute = tmp_path / "absolu.pdf"
    relative = tmp_path / "a" / "relatif.pdf"
    for path in (absolute, relative):
        path.write_text("à garder", encoding="utf-8")
    write_manifest(out / MANIFEST, [
        Entry(2, "accord", str(ACCORD), "accord.docx", "0" * 64, "done", pdf=str(absolute),
              notebook="../../relatif.pdf"),
        Entry(3, "accord", str(ACCORD), "../../relatif.pdf", "0" * 64, "done", pdf="../../relatif.pdf"),
    ])

    proc = batch(register, out, "--mode", "groupe", "--workers", "1", "--force")

    assert proc.returncode == 0, proc.stderr
    assert absolute.read_text(encoding="utf-8") == "à garder"
    assert relative.read_text(encoding="utf-8") == "à garder"
    assert assert_consistent(out)[2].statut == "done"


def test_notebook_output_name_cannot_leave_output_dir(tmp_path: Path) -> None:
    from accordgen import load
    from accordgen.notebook.api import generer

    out = tmp_path / "a" / "b" / "out"
    out.mkdir(parents=True)
    doc = load(ACCORD)
    with pytest.raises(OutputError) as caught:
        generer(doc, out, "../../../x")
    assert "nom de sortie refusé (« ../../../x »)" in str(caught.value)
    assert not list(tmp_path.rglob("x.docx"))
    assert generer(doc, out, "accord-ok") == out / "accord-ok.docx"


@pytest.mark.parametrize(("umask", "mode"), [(0o077, 0o600), (0o002, 0o664), (0o022, 0o644)])
def test_outputs_respect_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        path = write_atomic(tmp_path / "confidentiel.docx", b"brouillon")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_manifest_cells_are_not_formulas_and_read_back_as_written(tmp_path: Path) -> None:
    values = ["=HYPERLINK(\"http://x\";\"clic\")", "+33 1 23", "-2", "@SUM(A1)", "\tx", "\rx", "'=déjà", "texte"]
    entries = [Entry(n + 2, "accord", value, f"-sortie-{n}.docx", message=value, statut="failed")
               for n, value in enumerate(values)]
    write_manifest(tmp_path / MANIFEST, entries)
    text = (tmp_path / MANIFEST).read_text(encoding="utf-8-sig")
    import csv
    import io

    for row in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    back = read_manifest(tmp_path / MANIFEST)
    assert [e.fichier for e in back] == values
    assert [e.message for e in back] == values
    assert [e.sortie for e in back] == [e.sortie for e in entries]
