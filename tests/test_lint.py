"""`accordgen lint`: the shipped templates are clean, and deliberately broken copies are
caught, with the template, the part and the paragraph named, in body, headers and footers."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.shared import Pt

from accordgen import DOCUMENT_KINDS
from accordgen.render.template import TemplateFile
from accordgen.tools.lint import Finding, lint, lint_template

from conftest import ROOT, run_cli

ACCORD = DOCUMENT_KINDS["accord"]


def broken_copy(tmp_path: Path, edit, name: str = "accord.docx") -> Path:  # type: ignore[no-untyped-def]
    """A copy of the accord template, edited with python-docx as a drafter would in Word."""
    document = docx.Document(str(ACCORD.template_path))
    edit(document)
    path = tmp_path / name
    document.save(str(path))
    return path


def messages(findings: list[Finding]) -> list[str]:
    return [str(f) for f in findings]


def only(findings: list[Finding], fragment: str) -> Finding:
    hits = [f for f in findings if fragment in f.message]
    assert len(hits) == 1, messages(findings)
    return hits[0]


@pytest.mark.parametrize("kind", list(DOCUMENT_KINDS))
def test_shipped_templates_are_clean(kind: str) -> None:
    findings = lint_template(DOCUMENT_KINDS[kind].template_path, DOCUMENT_KINDS[kind])
    assert findings == [], "\n".join(messages(findings))


def test_cli_passes_on_the_shipped_templates() -> None:
    proc = run_cli("lint")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    clauses = len(list((ROOT / "clauses").glob("*/*.docx")))
    assert clauses >= 7
    assert (f"{len(DOCUMENT_KINDS)} modèle(s) et {clauses} fichier(s) de clause vérifié(s) : aucun problème"
            in proc.stdout)


def test_the_linter_reads_headers_and_footers() -> None:
    """docxtpl's own variable listing misses headers and footers in some versions: ours lists
    every tagged part of the shipped templates."""
    for kind in DOCUMENT_KINDS.values():
        document = docx.Document(str(kind.template_path))
        expected = {"word/document.xml"} | {
            str(rel.target_part.partname).lstrip("/") for rel in document.part.rels.values()
            if rel.reltype.endswith(("/header", "/footer"))}
        assert set(TemplateFile(kind.template_path).part_names) >= expected


def test_tag_split_across_runs(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        p = d.add_paragraph("Fait pour ")
        p.add_run("{{ signature.li")
        p.add_run("eu }}").font.size = Pt(11)  # the drafter changed the size mid-tag
    findings = lint_template(broken_copy(tmp_path, edit))
    hit = only(findings, "balise coupée entre plusieurs segments Word")
    assert hit.paragraph == "Fait pour {{ signature.lieu }}" and hit.part == "word/document.xml"
    assert str(hit) == (f"{tmp_path / 'accord.docx'} : paragraphe « Fait pour {{{{ signature.lieu }}}} » : "
                        "balise coupée entre plusieurs segments Word : « {{ signature.lieu }} » "
                        "(retapez-la d'un seul tenant, sans changer de mise en forme au milieu)")


def test_broken_tag_in_the_footer(tmp_path: Path) -> None:
    findings = lint_template(broken_copy(tmp_path, lambda d: d.sections[0].footer.add_paragraph("{{ titre }")))
    assert findings, "balise cassée du pied de page non vue"
    assert all(f.part == "word/footer1.xml" and f.paragraph == "{{ titre }" for f in findings)
    assert "pied de page (word/footer1.xml) : paragraphe « {{ titre } »" in str(findings[0])
    assert {f.message.split(" :")[0] for f in findings} == {"accolade isolée", "balise Jinja invalide"}


def test_split_tag_in_the_footer(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        p = d.sections[0].footer.add_paragraph()
        p.add_run("{")
        p.add_run("{ titre }}")
    hit = only(lint_template(broken_copy(tmp_path, edit)), "balise coupée")
    assert hit.part == "word/footer1.xml"


def test_unknown_variable_in_a_header(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        d.sections[0].header.is_linked_to_previous = False
        d.sections[0].header.add_paragraph("Réf. {{ reference_interne }}")
    hit = only(lint_template(broken_copy(tmp_path, edit)), "variable inconnue")
    assert hit.part.startswith("word/header") and "en-tête" in str(hit)
    assert "« reference_interne »" in hit.message and hit.paragraph == "Réf. {{ reference_interne }}"


def test_unknown_variables_and_fields(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        d.add_paragraph("{{ date_fin }}")
        d.add_paragraph("{{ signature.lieux }}")
        d.add_paragraph("{%p for p in parties %}")
        d.add_paragraph("{{ p.representant.nom_complet }} {{ p.representant.fonction }}")
        d.add_paragraph("{%p endfor %}")
        d.add_paragraph("{{ actes.date_acte.year }} {{ clauses.duree.valeur }} {{ parties[0].de_nom }}")
    findings = lint_template(broken_copy(tmp_path, edit))
    assert sorted(f.message.split(" (")[0] for f in findings) == [
        "champ inconnu « p.representant.fonction »",
        "champ inconnu « signature.lieux »",
        "variable inconnue « date_fin »",
    ], messages(findings)
    hit = only(findings, "signature.lieux")
    assert "champs disponibles : date, exemplaires, lieu, signataires" in hit.message


def test_syntax_errors_and_unknown_filters(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        d.add_paragraph("{{ titre|en_majuscules }}")
    hit = only(lint_template(broken_copy(tmp_path, edit)), "balise Jinja invalide")
    assert "en_majuscules" in hit.message and hit.paragraph.endswith("{{ titre|en_majuscules }}")

    def unclosed(d):  # type: ignore[no-untyped-def]
        d.add_paragraph("{% if actes %}Acte transmis")
    hit = only(lint_template(broken_copy(tmp_path, unclosed, "autre.docx"), ACCORD), "balise Jinja invalide")
    assert "endif" in hit.message


def test_word_autocorrect_inside_tags(tmp_path: Path) -> None:
    """Word's French autocorrect turns ' into ’ and adds a no-break space before ! or ?."""
    def edit(d):  # type: ignore[no-untyped-def]
        d.add_paragraph("{% if signature.lieu == ‘Melun’ %}à Melun{% endif %}")
        d.add_paragraph("{% if titre\u00a0!= 'x' %}titre{% endif %}")
    findings = lint_template(broken_copy(tmp_path, edit))
    assert sum("guillemets typographiques" in f.message for f in findings) == 1, messages(findings)
    assert sum("espace insécable dans la balise" in f.message for f in findings) == 1, messages(findings)


def test_sandbox_forbidden_attribute(tmp_path: Path) -> None:
    hit = only(lint_template(broken_copy(tmp_path, lambda d: d.add_paragraph("{{ titre.__class__ }}"))),
               "interdit")
    assert hit.message == "« titre.__class__ » : attribut interdit par le bac à sable"


def test_loops_misplaced_in_tables(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        t = d.add_table(rows=2, cols=2)
        t.cell(0, 0).paragraphs[0].add_run("{%p for a in axes %}")
        t.cell(0, 1).paragraphs[0].add_run("{{ a.titre }}")
        t.cell(1, 1).paragraphs[0].add_run("{%p endfor %}")
    hit = only(lint_template(broken_copy(tmp_path, edit)), "boucle mal placée dans un tableau")
    assert hit.paragraph == "{%p endfor %}" and "même cellule" in hit.message and "{%tr for" in hit.message

    def tr_outside(d):  # type: ignore[no-untyped-def]
        d.add_paragraph("{%tr for a in axes %}")
        d.add_paragraph("{{ a.titre }}")
        d.add_paragraph("{%tr endfor %}")
    findings = lint_template(broken_copy(tmp_path, tr_outside, "tr.docx"), ACCORD)
    assert sum("hors d'un tableau" in f.message for f in findings) == 2, messages(findings)


def test_a_correct_table_loop_is_accepted(tmp_path: Path) -> None:
    """The control: a row loop written as docxtpl expects it, with a condition inside one cell."""
    def edit(d):  # type: ignore[no-untyped-def]
        t = d.add_table(rows=3, cols=2)
        t.cell(0, 0).paragraphs[0].add_run("{%tr for a in axes %}")
        t.cell(1, 0).paragraphs[0].add_run("{{ a.numero }}")
        cell = t.cell(1, 1)
        cell.paragraphs[0].add_run("{%p if a.sujets %}")
        cell.add_paragraph("{{ a.sujets|length }} sujet(s)")
        cell.add_paragraph("{%p endif %}")
        t.cell(2, 0).paragraphs[0].add_run("{%tr endfor %}")
    findings = lint_template(broken_copy(tmp_path, edit))
    assert findings == [], messages(findings)


def test_cli_reports_and_fails_on_a_broken_copy(tmp_path: Path) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        p = d.add_paragraph()
        p.add_run("{{ ti")
        p.add_run("tre }}")
        d.sections[0].footer.add_paragraph("{{ titre_inconnu }}")
    copy = broken_copy(tmp_path, edit, "modele-modifie.docx")
    proc = run_cli("lint", copy, "--type", "accord")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 2, proc.stdout
    assert lines[0].startswith(f"{copy} : paragraphe « {{{{ titre }}}} » : balise coupée")
    assert lines[1].startswith(f"{copy} : pied de page (word/footer1.xml) : paragraphe "
                               "« {{ titre_inconnu }} » : variable inconnue « titre_inconnu »")
    assert "2 problème(s) dans 1 modèle(s)" in proc.stderr and "Traceback" not in proc.stderr


def test_without_a_kind_the_variables_are_not_checked_and_it_says_so(tmp_path: Path) -> None:
    copy = broken_copy(tmp_path, lambda d: d.add_paragraph("{{ nimporte_quoi }}"), "sans-type.docx")
    assert messages(lint([copy])) == [f"{copy} : type de document inconnu pour ce modèle : "
                                      "variables non vérifiées (indiquez --type)"]


def test_unreadable_template(tmp_path: Path) -> None:
    bad = tmp_path / "accord.docx"
    bad.write_text("pas un docx", encoding="utf-8")
    proc = run_cli("lint", bad)
    assert proc.returncode == 2 and "ce n'est pas un document Word" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_a_header_without_the_draft_mark_is_reported(tmp_path: Path) -> None:
    """A draft must say « PROJET » on every page: a drafter who empties the header is told."""
    def empty_header(document) -> None:  # type: ignore[no-untyped-def]
        for paragraph in document.sections[0].header.paragraphs:
            for run in paragraph.runs:
                run.text = ""

    path = broken_copy(tmp_path, empty_header)
    found = lint_template(path, ACCORD)
    assert [f.part for f in found] == ["word/header1.xml"]
    assert "PROJET" in found[0].message and "statut.projet" in found[0].message
    proc = run_cli("lint", path, "--type", "accord")
    assert proc.returncode == 2 and "l'en-tête ne porte pas la mention des projets" in proc.stdout
