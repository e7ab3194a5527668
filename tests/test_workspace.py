"""A drafters' workspace (``accordgen init``): what it holds, what it refuses, and that its
templates override the packaged ones for render and lint. Dask is an optional extra."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import docx
import pytest

from accordgen import cli, resources
from accordgen.batch.register import read_register
from accordgen.tools.text import paragraphs

from conftest import run_cli

DOSSIER = Path("dossiers") / "seine-et-marne-orange-2022"
HOUSE_WORD = "Exposé préalable de la maison"


def _init(where: Path) -> Path:
    proc = run_cli("init", where, cwd=where.parent)
    assert proc.returncode == 0, proc.stderr
    assert "espace de travail créé" in proc.stdout
    return where


def _tree(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in sorted(folder.rglob("*"))}


def test_init_creates_a_workspace_whose_paths_work(tmp_path: Path) -> None:
    ws = _init(tmp_path / "espace")
    assert sorted(p.name for p in ws.iterdir()) == [
        "LISEZMOI.md", "accordgen.yaml", "charte", "clauses", "dossiers", "notebooks", "templates"]
    assert (ws / "clauses" / "litiges" / "tribunal-administratif.docx").is_file()
    assert (ws / "clauses" / "litiges" / "tribunal-administratif.yaml").is_file()
    assert resources.find_workspace(ws / DOSSIER / "accord.yaml") == ws
    lisezmoi = (ws / "LISEZMOI.md").read_text(encoding="utf-8")
    assert "remplace celui du logiciel" in lisezmoi and "accordgen render" in lisezmoi
    assert sorted(p.name for p in (ws / "templates").iterdir()) == sorted(
        p.name for p in resources.packaged("templates").glob("*.docx"))
    # every notebook's default paths exist in the workspace, seen from notebooks/
    for nb_path in (ws / "notebooks").glob("*.ipynb"):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        (cell,) = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
        for line in "".join(cell["source"]).splitlines():
            name, _, value = line.partition(" = ")
            if name in ("dossier_file", "dossier_dir", "registre"):
                assert (ws / "notebooks" / json.loads(value)).exists(), (nb_path.name, line)
    # the register's files resolve inside the workspace
    register = read_register(ws / "dossiers" / "registre.csv")
    assert register.rows and all(r.path and r.path.is_file() for r in register.rows)
    assert all(ws in r.path.parents for r in register.rows if r.path)
    # nothing but the workspace was written beside it
    assert [p.name for p in tmp_path.iterdir()] == ["espace"]


def test_init_twice_says_it_is_already_a_workspace(tmp_path: Path) -> None:
    ws = _init(tmp_path / "espace")
    before = _tree(ws)
    proc = run_cli("init", ws, cwd=tmp_path)
    assert proc.returncode == 0
    assert "déjà un espace de travail" in proc.stdout
    assert _tree(ws) == before


def test_init_into_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "vide").mkdir()
    ws = _init(tmp_path / "vide")
    assert (ws / "accordgen.yaml").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["vide"]


@pytest.mark.parametrize("case", ["non-empty", "file", "no-parent"])
def test_init_refuses_and_writes_nothing(tmp_path: Path, case: str) -> None:
    target = tmp_path / "cible"
    if case == "non-empty":
        target.mkdir()
        (target / "notes.txt").write_text("à garder", encoding="utf-8")
        expected = "n'est pas vide"
    elif case == "file":
        target.write_text("un fichier", encoding="utf-8")
        expected = "n'est pas un dossier"
    else:
        target = tmp_path / "absent" / "cible"
        expected = "n'existe pas"
    before = _tree(tmp_path)
    proc = run_cli("init", target, cwd=tmp_path)
    assert proc.returncode == 2
    assert expected in proc.stderr and "Traceback" not in proc.stderr
    assert str(target if case != "no-parent" else target.parent) in proc.stderr
    assert _tree(tmp_path) == before


def _house_template(ws: Path) -> None:
    """The house's accord.docx: the « Préambule » heading renamed."""
    path = ws / "templates" / "accord.docx"
    template = docx.Document(str(path))
    (run,) = [r for p in template.paragraphs for r in p.runs if r.text == "Préambule"]
    run.text = HOUSE_WORD
    template.save(str(path))


def test_a_workspace_template_overrides_the_packaged_one(tmp_path: Path) -> None:
    ws = _init(tmp_path / "espace")
    _house_template(ws)
    yaml_file = ws / DOSSIER / "accord.yaml"
    # from the workspace
    proc = run_cli("render", "accord", yaml_file.relative_to(ws), "-o", "maison.docx", cwd=ws)
    assert proc.returncode == 0, proc.stderr
    assert HOUSE_WORD in paragraphs(ws / "maison.docx")
    # from elsewhere: the workspace is the one holding the document
    proc = run_cli("render", "accord", yaml_file, "-o", tmp_path / "ailleurs.docx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert HOUSE_WORD in paragraphs(tmp_path / "ailleurs.docx")
    # a copy of the dossier outside any workspace gets the packaged template
    proc = run_cli("render", "accord", resources.packaged("examples") / DOSSIER.name / "accord.yaml",
                   "-o", tmp_path / "paquet.docx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = paragraphs(tmp_path / "paquet.docx")
    assert HOUSE_WORD not in text and "Préambule" in text
    # --espace names the workspace explicitly
    proc = run_cli("--espace", ws, "render", "accord", resources.packaged("examples") / DOSSIER.name /
                   "accord.yaml", "-o", tmp_path / "espace-nomme.docx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert HOUSE_WORD in paragraphs(tmp_path / "espace-nomme.docx")


def test_espace_must_be_a_workspace(tmp_path: Path) -> None:
    proc = run_cli("--espace", tmp_path, "kinds", cwd=tmp_path)
    assert proc.returncode == 2
    assert f"{tmp_path} : ce n'est pas un espace de travail accordgen" in proc.stderr


def test_lint_checks_the_workspace_templates(tmp_path: Path) -> None:
    ws = _init(tmp_path / "espace")
    proc = run_cli("lint", cwd=ws)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    path = ws / "templates" / "accord.docx"
    template = docx.Document(str(path))
    template.add_paragraph("Visa : {{ visa_inconnu }}")
    template.save(str(path))
    for cwd, args in ((ws, ()), (tmp_path, ("--espace", ws))):
        proc = run_cli(*args, "lint", cwd=cwd)
        assert proc.returncode == 2
        assert "visa_inconnu" in proc.stdout
        assert "accord.docx" in proc.stdout


def test_dask_executor_without_dask_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("dask", "distributed"):
        monkeypatch.setitem(sys.modules, name, None)  # not importable: find_spec gives None
    register = resources.packaged("examples") / "registre.csv"
    out = tmp_path / "lot"
    assert cli.main(["batch", str(register), "--out", str(out), "--executor", "dask"]) == 2
    err = capsys.readouterr().err
    assert 'pip install "accordgen[dask]"' in err and "Traceback" not in err
    assert not out.exists()


def test_resources_are_resolved_at_call_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = _init(tmp_path / "espace")
    from accordgen.kinds import get_kind

    kind = get_kind("accord")
    assert kind.template_path == resources.packaged("templates") / "accord.docx"
    monkeypatch.chdir(ws / "notebooks")
    assert kind.template_path == ws / "templates" / "accord.docx"
    assert kind.notebook_path == ws / "notebooks" / "accord.ipynb"
    assert resources.examples_dir() == ws / "dossiers"
    (ws / "templates" / "accord.docx").unlink()  # removed: back to the packaged one
    assert kind.template_path == resources.packaged("templates") / "accord.docx"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(resources.ENV_WORKSPACE, os.fspath(ws))
    assert kind.notebook_path == ws / "notebooks" / "accord.ipynb"


def test_kernels_work_in_their_launchers_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A notebook's kernel runs in its output folder, which may lie outside the workspace:
    the launcher names its workspace in the kernel's environment."""
    from accordgen.runner import _kernel_env

    ws = _init(tmp_path / "espace")
    monkeypatch.delenv(resources.ENV_WORKSPACE, raising=False)
    monkeypatch.chdir(ws / "notebooks")
    assert _kernel_env({"PATH": "/bin"}) == {"PATH": "/bin", resources.ENV_WORKSPACE: str(ws)}
    monkeypatch.chdir(tmp_path)
    assert resources.ENV_WORKSPACE not in _kernel_env({"PATH": "/bin"})


@pytest.mark.slow
def test_batch_outside_the_workspace_uses_its_templates(tmp_path: Path) -> None:
    """Output folder and current folder both outside the workspace: the register's workspace
    still gives the template, in the notebooks' kernels too (both modes)."""
    ws = _init(tmp_path / "espace")
    _house_template(ws)
    lines = (ws / "dossiers" / "registre.csv").read_text(encoding="utf-8").splitlines()
    (ws / "dossiers" / "un.csv").write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    for mode in ("document", "groupe"):
        out = tmp_path / f"lot-{mode}"
        proc = run_cli("batch", ws / "dossiers" / "un.csv", "--out", out, "--mode", mode,
                       "--workers", "1", "--quiet", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert HOUSE_WORD in paragraphs(out / "seine-et-marne-orange-2022" / "accord.docx")
