"""A workspace's own template filters (``filtres.yaml``): declared as sandboxed Jinja
expressions, used by every kind's render, the clauses, ``accordgen lint`` and the inputs hash;
a bad declaration is refused naming the file and the filter."""

from __future__ import annotations

from pathlib import Path

import docx
import jinja2
import pytest

import accordgen
from accordgen.dossier import Loader
from accordgen.render import inputs_hash
from accordgen.render.filters import read_filters
from accordgen.tools.text import paragraphs
from accordgen.workspace import init_workspace
from test_render_engine import assert_same, oracle

from conftest import run_cli

ACCORD = Path("dossiers") / "seine-et-marne-orange-2022" / "accord.yaml"
FILTRES = """\
# Filtres du service
euros: "valeur|nombre ~ ' euros'"
sigle:
  description: Le sigle d'une collectivité, ou la valeur donnée.
  parametres: [defaut]
  expression: "{'Département de Seine-et-Marne': 'CD77'}.get(valeur, defaut)"
double_sigle: "valeur|sigle('?') ~ '/' ~ valeur|sigle('?')"
"""
LINE = "Essai : {{ 'Département de Seine-et-Marne'|sigle('—') }} ; {{ 'Orange'|sigle(defaut='aucun') }} ; " \
       "{{ 2|euros }} ; {{ 'Département de Seine-et-Marne'|double_sigle }}"
SHOWN = "Essai : CD77 ; aucun ; deux (2) euros ; CD77/CD77"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("filtres") / "espace"
    init_workspace(ws)
    (ws / "filtres.yaml").write_text(FILTRES, encoding="utf-8")
    path = ws / "templates" / "accord.docx"
    template = docx.Document(str(path))
    template.add_paragraph(LINE)
    template.save(str(path))
    return ws


def test_a_workspace_filter_reaches_the_render_the_cli_and_lint(workspace: Path, tmp_path: Path) -> None:
    proc = run_cli("render", "accord", ACCORD, "-o", tmp_path / "accord.docx", cwd=workspace)
    assert proc.returncode == 0, proc.stderr
    assert SHOWN in [t.replace("\u00a0", " ") for t in paragraphs(tmp_path / "accord.docx")]  # French spacing
    proc = run_cli("lint", cwd=workspace)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_declared_filter_gives_docxtpl_result_of_the_same_python_filter(workspace: Path, tmp_path: Path) -> None:
    """docxtpl registers filters in its Jinja environment: the same filter written in Python
    gives the same document."""
    doc = docx.Document()
    doc.add_paragraph("{{ nom|sigle('—') }} / {{ autre|sigle(defaut='aucun') }}")
    doc.save(tmp_path / "modele.docx")
    context = {"nom": "Département de Seine-et-Marne", "autre": "Orange & Cie"}
    ours = accordgen.render_template(tmp_path / "modele.docx", context, filters=read_filters(workspace)[0])
    env = jinja2.Environment(autoescape=True)
    env.filters["sigle"] = lambda v, defaut: {"Département de Seine-et-Marne": "CD77"}.get(v, defaut)
    parts = assert_same(ours, oracle(tmp_path / "modele.docx", context, env=env))
    assert "CD77 / aucun" in parts["word/document.xml"].decode()


def test_filters_change_the_inputs_hash(workspace: Path) -> None:
    doc = Loader().load(workspace / ACCORD)
    before = inputs_hash(doc)
    path = workspace / "filtres.yaml"
    path.write_text(FILTRES.replace("' euros'", "' €'"), encoding="utf-8")
    try:
        assert inputs_hash(doc) != before
        assert "Essai : CD77 ; aucun ; deux (2) € ; CD77/CD77" in accordgen.tools.text.document_text(
            accordgen.render_bytes(doc))
    finally:
        path.write_text(FILTRES, encoding="utf-8")
    assert inputs_hash(doc) == before


@pytest.mark.parametrize(("declared", "field", "message"), [
    ("euros: \"valeur|nombre ~\"\n", "euros.expression", "expression invalide"),
    ("upper: \"valeur\"\n", "upper", "le filtre « upper » existe déjà"),
    ("avant: \"valeur|apres\"\napres: \"valeur\"\n", "avant.expression", "expression invalide : filtre inconnu « apres »"),
    ("sigle:\n  parametres: [valeur]\n  expression: \"valeur\"\n", "sigle.parametres", "nom de paramètre invalide"),
    ("sigle:\n  expression: \"valeur\"\n  code: \"import os\"\n", "sigle.code", ""),
])
def test_a_bad_declaration_is_refused_naming_file_and_filter(tmp_path: Path, declared: str, field: str,
                                                             message: str) -> None:
    ws = tmp_path / "espace"
    init_workspace(ws)
    (ws / "filtres.yaml").write_text(declared, encoding="utf-8")
    proc = run_cli("render", "accord", ACCORD, "-o", tmp_path / "accord.docx", cwd=ws)
    assert proc.returncode == 2
    assert "filtres.yaml : paramètres invalides" in proc.stderr
    assert f"  - {field} : {message}" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "accord.docx").exists()


@pytest.mark.parametrize(("expression", "message"), [
    ("valeur.__class__", "opération interdite par le bac à sable"),
    ("'x' * 100000000", "texte ou liste trop long"),
    ("valeur|inconnu_plus_bas", "filtre inconnu"),
])
def test_a_filter_is_sandboxed_like_the_templates(tmp_path: Path, expression: str, message: str) -> None:
    ws = tmp_path / "espace"
    init_workspace(ws)
    (ws / "filtres.yaml").write_text(f"essai: \"{expression}\"\n", encoding="utf-8")
    path = ws / "templates" / "accord.docx"
    template = docx.Document(str(path))
    template.add_paragraph("Essai : {{ 'a'|essai }}")
    template.save(str(path))
    proc = run_cli("render", "accord", ACCORD, "-o", tmp_path / "accord.docx", cwd=ws)
    assert proc.returncode == 2
    assert message in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "accord.docx").exists()


def test_clause_variants_see_the_workspace_filters(tmp_path: Path) -> None:
    from test_clauses import KIND, MEDIATION, _add_variant, convention

    ws = tmp_path / "espace"
    (ws / "dossiers").mkdir(parents=True)
    (ws / "accordgen.yaml").write_text("espace: accordgen\n", encoding="utf-8")
    (ws / "filtres.yaml").write_text(FILTRES, encoding="utf-8")
    _add_variant(ws / "clauses", "litiges", "mediation",
                 "Tout différend est d'abord soumis à {{ mediateur|sigle('la médiation') }}.", MEDIATION)
    path = convention(ws / "dossiers" / "d", {"litiges": {"variante": "mediation",
                                                          "mediateur": "Département de Seine-et-Marne"}})
    proc = run_cli("render", KIND, path, "-o", tmp_path / "convention.docx", cwd=ws)
    assert proc.returncode == 0, proc.stderr
    assert "Tout différend est d'abord soumis à CD77." in accordgen.tools.text.document_text(
        tmp_path / "convention.docx")
