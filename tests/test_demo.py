"""`make demo` as the README runs it: a relative dossier path, from the checkout's root."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLE, run_cli

pytestmark = pytest.mark.slow


def test_demo_with_a_relative_dossier_path(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "dossier", ignore=shutil.ignore_patterns("convention-*", "avenant-*",
                                                                                  "version-*"))
    shutil.rmtree(tmp_path / "dossier" / "scenarios")
    proc = run_cli("demo", "dossier", "--out", "sortie", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1/1 documents générés" in proc.stdout
    assert (tmp_path / "sortie" / "accord.docx").is_file()
