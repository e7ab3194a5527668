"""The wheel works with no source checkout: built from a copy of the sources, installed in a
fresh virtual environment outside the checkout, then used from a workspace made by
``accordgen init`` (every kind rendered, a kind's notebook through papermill, a two-row batch).

The fresh environment does not download the dependencies again: it is created without them,
the wheel is installed into it alone (``pip --python NEW install --no-deps``), and only then a
``.pth`` file adds the test environment's site-packages *as a plain folder* behind its own.
A plain folder on ``sys.path`` does not run the ``.pth`` files inside it, so the editable
install of the checkout (its ``src`` link) is not active there: ``accordgen`` comes from the
new environment, which the test checks in the commands' process and for the kernel.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
import yaml

from accordgen.kinds import DOCUMENT_KINDS
from accordgen.tools.text import paragraphs

from conftest import ROOT

pytestmark = pytest.mark.slow

SOURCES = ("pyproject.toml", "README.md", "src", "templates", "clauses", "notebooks", "examples", "jupyter")


def _run(cmd: list[str | Path], cwd: Path, env: dict[str, str], timeout: int = 300) -> str:
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def _has_backend() -> bool:
    """The build backend pyproject.toml asks for is installed here (setuptools >= 77)."""
    try:
        from importlib.metadata import version

        return int(version("setuptools").split(".")[0]) >= 77
    except Exception:  # noqa: BLE001 - absent or unreadable: let pip fetch it
        return False


def _build_wheel(tmp: Path) -> Path:
    """``pip wheel`` on a copy of the sources (the links in src/accordgen copied as links),
    so nothing is written into the checkout."""
    copy = tmp / "sources"
    copy.mkdir(parents=True)
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, copy / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", ".ipynb_checkpoints"))
        else:
            shutil.copy2(src, copy / name)
    dist = tmp / "dist"
    # `make venv` puts the build backend in .venv: no download; else pip fetches it
    isolation = ["--no-build-isolation"] if _has_backend() else []
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", *isolation,
                    "-w", str(dist), str(copy)], check=True, capture_output=True, timeout=300)
    (wheel,) = dist.glob("accordgen-*.whl")
    return wheel


def _fresh_venv(tmp: Path, wheel: Path) -> Path:
    venv = tmp / "venv"
    tmp.mkdir(parents=True)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True, timeout=300)
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "zz_accordgen_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def _clean_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ACCORDGEN_", "PYTHON", "VIRTUAL_ENV", "JUPYTER", "CONDA"))}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT))]
    env["PATH"] = os.pathsep.join([str(venv / "bin"), *path])
    env["VIRTUAL_ENV"] = str(venv)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _in_checkout(path: str) -> bool:
    """On the checkout's sources (its root, src/ or tests/), not its virtual environment."""
    if not path:
        return False
    p = Path(path).resolve()
    return p == ROOT or any(p == ROOT / d or (ROOT / d) in p.parents for d in ("src", "tests"))


def test_the_wheel_works_from_a_workspace_without_the_checkout(tmp_path: Path) -> None:
    started = time.perf_counter()
    wheel = _build_wheel(tmp_path / "build")
    venv = _fresh_venv(tmp_path / "env", wheel)
    env = _clean_env(venv)
    bin_ = venv / "bin"
    ws = tmp_path / "maison" / "espace"
    ws.parent.mkdir()
    _run([bin_ / "accordgen", "init", ws], cwd=ws.parent, env=env)

    # the package, its resources and the kernel all come from the new environment
    probe = ("import json, sys, accordgen, accordgen.resources as r\n"
             "from jupyter_client.kernelspec import KernelSpecManager\n"
             "print(json.dumps({'file': accordgen.__file__, 'path': sys.path,"
             " 'templates': str(r.packaged('templates')),"
             " 'voila': __import__('os').listdir(__import__('accordgen.app.server').app.server.JUPYTER_DATA"
             " / 'voila' / 'templates' / 'accordgen'),"
             " 'kernel': KernelSpecManager().get_kernel_spec('python3').argv[0]}))")
    seen = json.loads(_run([bin_ / "python", "-c", probe], cwd=ws, env=env))
    assert Path(seen["file"]).is_relative_to(venv), seen["file"]
    assert Path(seen["templates"]).is_relative_to(venv)
    assert sorted(seen["voila"]) == ["conf.json", "index.html.j2", "spinner.macro.html.j2"]  # the app's page
    # JupyterLab opens in French (the language pack is a dependency; the wheel sets the default)
    overrides = json.loads((venv / "share/jupyter/lab/settings/overrides.json").read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/translation-extension:plugin"]["locale"] == "fr_FR"
    assert not [p for p in seen["path"] if _in_checkout(p)], seen["path"]
    assert Path(seen["kernel"]).parent == bin_, seen["kernel"]

    # one document of every kind: each YAML of the workspace's example dossier
    documents = []
    for path in sorted((ws / "dossiers").rglob("*.yaml")):
        kind = yaml.safe_load(path.read_text(encoding="utf-8")).get("type")
        if kind:
            documents.append((kind, path.relative_to(ws)))
    assert {k for k, _ in documents} == set(DOCUMENT_KINDS)
    for kind, rel in documents:
        out = Path("outputs") / rel.with_suffix(".docx")
        printed = _run([bin_ / "accordgen", "render", kind, rel, "-o", out], cwd=ws, env=env)
        assert "écrit" in printed and (ws / out).stat().st_size > 10_000
    assert "Seine-et-Marne" in " ".join(paragraphs(ws / "outputs" / "dossiers" / "seine-et-marne-orange-2022" / "accord.docx"))
    _run([bin_ / "accordgen", "check", "accord", "dossiers/seine-et-marne-orange-2022/accord.yaml"], cwd=ws, env=env)
    assert "aucun problème" in _run([bin_ / "accordgen", "lint"], cwd=ws, env=env)

    # a kind's notebook, with its own default paths, run by papermill from notebooks/
    _run([bin_ / "python", "-m", "papermill", "--cwd", "notebooks", "-k", "python3",
          "--no-progress-bar", "notebooks/convention_specifique.ipynb",
          "outputs/convention_specifique-execute.ipynb"], cwd=ws, env=env)
    assert (ws / "outputs" / "seine-et-marne-orange-2022" / "convention-specifique-4.docx").is_file()

    # a two-row batch
    with open(ws / "dossiers" / "registre.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    with open(ws / "dossiers" / "deux.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows[:3])
    printed = _run([bin_ / "accordgen", "batch", "dossiers/deux.csv", "--out", "outputs/lot",
                    "--workers", "2", "--quiet"], cwd=ws, env=env)
    docx_files = sorted(p.name for p in (ws / "outputs" / "lot").rglob("*.docx"))
    assert len(docx_files) == 2, printed
    print(f"wheel built, installed and used in {time.perf_counter() - started:.1f} s")
