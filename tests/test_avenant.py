"""The renewal amendment kind end to end: the example's text and dates, the chain of renewals,
the refusals (late signature, unknown axis, number clash, impossible date), LibreOffice and
the notebook through papermill."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import accordgen
from accordgen.demo import dossier_documents
from accordgen.dossier import load
from accordgen.rules import dates
from accordgen.rules.dates import Periode
from accordgen.runner import NotebookError, run_notebook
from accordgen.tools.text import document_text

from conftest import DATA, EXAMPLE, CoreProps, check_golden, golden_text, pdf_text, run_cli, to_pdf

AVENANT_1 = EXAMPLE / "avenant-1.yaml"
BAD = DATA / "avenant"


def d(iso: str) -> date:
    return date.fromisoformat(iso)


@pytest.fixture(scope="module")
def example_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("avenant") / "avenant-1.docx"
    accordgen.render(accordgen.load(AVENANT_1), out)
    return out


def signed(text: str) -> str:
    """An amendment's YAML marked final: with its date, it counts as signed."""
    assert "\nstatut: projet\n" in text
    return text.replace("\nstatut: projet\n", "\nstatut: definitif\n", 1)


def dossier(tmp_path: Path, *, accord: tuple[str, str] | None = None, avenant_1: bool = True) -> Path:
    """A copy of the example dossier in ``tmp_path`` (accord.yaml, optionally avenant-1.yaml
    marked final, so signed on its date), the accord optionally edited (old, new)."""
    text = (EXAMPLE / "accord.yaml").read_text(encoding="utf-8")
    if accord:
        assert accord[0] in text, accord[0]
        text = text.replace(accord[0], accord[1], 1)
    (tmp_path / "accord.yaml").write_text(text, encoding="utf-8")
    if avenant_1:
        write(tmp_path, "avenant-1.yaml", signed(AVENANT_1.read_text(encoding="utf-8")))
    return tmp_path


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def variant(folder: Path, name: str, *edits: tuple[str, str]) -> Path:
    """The example avenant-1.yaml marked final, with textual edits, written as ``folder/name``."""
    text = signed(AVENANT_1.read_text(encoding="utf-8"))
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return write(folder, name, text)


AVENANT_2 = """\
type: avenant-renouvellement
accord: accord.yaml
statut: definitif
numero: 2
deliberation:
  organe: Conseil départemental
  date: 2032-03-26
  numero: CD-2032/03/26-12
  transmission: 2032-03-30
  publication: 2032-03-31
duree: {valeur: 3, unite: ans}
signature:
  lieu: Melun
  date: 2032-04-15
"""


# --- the example renewal ----------------------------------------------------------------

def test_example_golden_text(example_docx: Path) -> None:
    check_golden("avenant-1.txt", golden_text(example_docx))


def test_example_states_both_periods_with_explicit_dates(example_docx: Path) -> None:
    text = document_text(example_docx)
    assert ("L'accord de coopération entre le Département et Orange a été conclu le 1er juillet 2022 "
            "pour une durée de cinq (5) ans, soit jusqu'au 30 juin 2027 inclus.") in text
    assert ("L'accord est renouvelé pour une nouvelle durée de cinq (5) ans, du 1er juillet 2027 "
            "au 30 juin 2032 inclus.") in text
    assert "Le renouvellement de l'accord prend effet le 1er juillet 2027, lendemain du terme actuel" in text
    assert "Fait à Melun, le 16 juin 2027, en deux (2) exemplaires originaux." in text
    assert "Les autres stipulations de l'accord demeurent inchangées." in text


def test_example_uses_the_updated_representative(example_docx: Path) -> None:
    text = document_text(example_docx)
    assert ("représentée par Madame Claire DUMONT, dûment habilitée à la signature du présent avenant, "
            "en sa qualité de Directrice Orange Île-de-France ;") in text
    assert ("ARTICLE 3 : REPRÉSENTANTS\nÀ compter de l'entrée en vigueur du présent avenant, Orange est "
            "représentée au titre de l'accord par Madame Claire DUMONT, Directrice Orange Île-de-France, "
            "en remplacement de Madame Laurence THOUVENY, Directrice Orange Ile-de-France.") in text
    # the former representative appears only in the replacement sentence, never as a signatory
    assert text.count("THOUVENY") == 1
    assert "Pour ORANGE,\nLa Directrice Orange Île-de-France\nClaire DUMONT\n" in text
    # the Département keeps its representative, now authorised by the amendment's délibération
    assert ("représenté par Monsieur Jean-François PARIGI, Président du Conseil départemental, habilité "
            "aux présentes par délibération n° CP-2027/05/24-3-07 de la Commission permanente en date "
            "du 24 mai 2027,") in text


def test_example_visas_cite_the_accord_its_actes_and_the_authorisation(example_docx: Path) -> None:
    text = document_text(example_docx)
    assert ("Vu la délibération du Conseil départemental en date du 17 juin 2022 autorisant la signature "
            "de l'accord de coopération (accusé de réception en préfecture "
            "n° 077-227700010-20220617-lmc100000023831-DE) ;") in text
    assert "Vu l'accord de coopération signé le 1er juillet 2022 entre le Département et Orange ;" in text
    assert ("Vu la délibération n° CP-2027/05/24-3-07 de la Commission permanente en date du "
            "24 mai 2027, statuant par délégation du Conseil départemental (délibération "
            "n° CD-2021/07/01-DEL-02 du 1er juillet 2021), transmise au représentant de l'État le "
            "27 mai 2027, autorisant la signature du présent avenant ;") in text


def test_example_is_signed_on_a_working_day_before_expiry() -> None:
    doc = accordgen.load(AVENANT_1)
    signed = doc.params.signature.date
    assert signed is not None and dates.is_working_day(signed)
    assert doc.accord.periode == Periode(d("2022-07-01"), d("2027-06-30"))
    assert signed <= doc.accord.periode.fin
    assert doc.params.deliberation.date < signed


def test_output_name_and_docx_properties(example_docx: Path) -> None:

    doc = accordgen.load(AVENANT_1)
    assert doc.output_stem == "avenant-1"
    props = CoreProps(example_docx)
    assert props.title.startswith("Avenant n° 1 portant renouvellement")
    # the example is a draft: its properties carry the draft's version and date
    assert props.content_status == "Projet" and props.version == "2"
    assert props.created.date() == props.modified.date() == d("2026-11-20")


def test_rendering_is_deterministic() -> None:
    doc = accordgen.load(AVENANT_1)
    assert accordgen.render_bytes(doc) == accordgen.render_bytes(doc)


# --- term in force and the chain of renewals ---------------------------------------------

def test_terme_en_vigueur_of_the_example_dossier() -> None:
    """The example's amendment n° 1 is a draft: it does not count until it is final and dated."""
    doc = accordgen.load(AVENANT_1)
    assert doc.dossier.chain(1).terme == Periode(d("2022-07-01"), d("2027-06-30"))
    assert doc.dossier.term == Periode(d("2022-07-01"), d("2027-06-30"))
    assert doc.dossier.chain().renouvellements == []
    (ecarte,) = doc.dossier.chain().ecartes
    assert not ecarte.signe and "projet, pas encore signé (signature prévue le 16\u00a0juin 2027)" in ecarte.raison


def test_terme_en_vigueur_once_the_amendment_is_signed(tmp_path: Path) -> None:
    doc = load(dossier(tmp_path) / "avenant-1.yaml")
    assert doc.dossier.chain(1).terme == Periode(d("2022-07-01"), d("2027-06-30"))
    assert doc.dossier.term == Periode(d("2027-07-01"), d("2032-06-30"))
    assert [r.numero for r in doc.dossier.chain().renouvellements] == [1]


def test_second_renewal_follows_the_first(tmp_path: Path) -> None:
    folder = dossier(tmp_path)
    path = write(folder, "avenant-2.yaml", AVENANT_2)
    doc = accordgen.load(path)
    text = document_text(accordgen.render_bytes(doc))
    assert "Vu l'avenant n° 1 portant renouvellement de l'accord, signé le 16 juin 2027 ;" in text
    assert ("Par avenant n° 1 signé le 16 juin 2027, les Parties l'ont renouvelé pour une nouvelle durée "
            "de cinq (5) ans, du 1er juillet 2027 au 30 juin 2032 inclus.") in text
    assert ("L'accord est renouvelé pour une nouvelle durée de trois (3) ans, du 1er juillet 2032 au "
            "30 juin 2035 inclus.") in text
    assert "L'accord étant en vigueur jusqu'au 30 juin 2032 inclus" in text
    # the current representative is the one set by avenant n° 1, and nothing is updated here
    assert "représentée par Madame Claire DUMONT" in text
    assert "THOUVENY" not in text and "Représentants" not in text
    assert "ARTICLE 3 : AUTRES STIPULATIONS" in text and "ARTICLE 4 : ENTRÉE EN VIGUEUR" in text
    assert doc.dossier.term == Periode(d("2032-07-01"), d("2035-06-30"))
    # the first amendment can still be regenerated once the second exists
    first = accordgen.load(folder / "avenant-1.yaml")
    assert "du 1er juillet 2027 au 30 juin 2032 inclus" in document_text(accordgen.render_bytes(first))


def test_second_renewal_is_refused_after_the_renewed_term(tmp_path: Path) -> None:
    folder = dossier(tmp_path)
    path = write(folder, "avenant-2.yaml", AVENANT_2.replace("date: 2032-04-15", "date: 2032-07-01"))
    with pytest.raises(accordgen.DossierError) as err:
        accordgen.load(path)
    field, message = err.value.problems[0]
    assert field == "signature.date"
    assert ("avenant daté du 1er juillet 2032, or l'accord a expiré le 30 juin 2032 au soir"
            in message.replace("\u00a0", " "))


def test_renewal_after_an_unsigned_one_is_refused(tmp_path: Path) -> None:
    folder = dossier(tmp_path, avenant_1=False)
    variant(folder, "avenant-1.yaml", ("  date: 2027-06-16\n", ""))
    path = write(folder, "avenant-2.yaml", AVENANT_2)
    with pytest.raises(accordgen.DossierError) as err:
        accordgen.load(path)
    assert err.value.problems[0] == (
        "numero", "l'avenant n° 1 du dossier (avenant-1.yaml) n'est pas pris en compte : il n'est pas "
        "daté (pas encore signé) ; corrigez-le avant d'établir l'avenant n° 2")


def test_signing_on_the_last_day_in_force_is_accepted(tmp_path: Path) -> None:
    folder = dossier(tmp_path, avenant_1=False)
    path = variant(folder, "avenant-1.yaml", ("date: 2027-06-16", "date: 2027-06-30"))
    text = document_text(accordgen.render_bytes(accordgen.load(path)))
    assert "Fait à Melun, le 30 juin 2027" in text


def test_anniversary_convention_comes_from_the_accord(tmp_path: Path) -> None:
    folder = dossier(tmp_path, accord=("fin_de_terme: veille_anniversaire", "fin_de_terme: anniversaire"),
                     avenant_1=False)
    path = variant(folder, "avenant-1.yaml", ("date: 2027-06-16", "date: 2027-07-01"))
    text = document_text(accordgen.render_bytes(accordgen.load(path)))
    assert ("pour une durée de cinq (5) ans décomptée à partir du lendemain de sa signature, "
            "soit jusqu'au 1er juillet 2027 inclus.") in text
    assert "nouvelle durée de cinq (5) ans, du 2 juillet 2027 au 1er juillet 2032 inclus." in text


def test_blank_signature_date_leaves_the_place_and_checks_today(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = dossier(tmp_path, avenant_1=False)
    path = variant(folder, "avenant-1.yaml", ("  date: 2027-06-16\n", ""))
    monkeypatch.setattr("accordgen.kinds.avenant.today", lambda: d("2027-06-30"))
    doc = accordgen.load(path)
    text = document_text(accordgen.render_bytes(doc))
    assert "Fait à Melun, le ……………………, en deux (2) exemplaires originaux." in text
    assert ("Signature", "Melun, date laissée en blanc (à signer au plus tard le 30 juin 2027)") in [
        (k, v.replace("\u00a0", " ")) for k, v in doc.summary()]
    monkeypatch.setattr("accordgen.kinds.avenant.today", lambda: d("2027-07-01"))
    with pytest.raises(accordgen.DossierError) as err:
        accordgen.load(path)
    field, message = err.value.problems[0]
    assert field == "signature.date"
    assert message.replace("\u00a0", " ").startswith(
        "date laissée en blanc, mais l'accord a expiré le 30 juin 2027 au soir")
    assert "Il faut conclure un nouvel accord." in message


def test_a_plain_renewal_has_no_representative_or_axis_article(tmp_path: Path) -> None:
    folder = dossier(tmp_path, avenant_1=False)
    text = AVENANT_1.read_text(encoding="utf-8")
    plain = text[:text.index("# Nouveaux représentants")] + text[text.index("signature:"):]
    path = write(folder, "avenant-1.yaml", plain.replace("# duree:", "duree:"))
    out = document_text(accordgen.render_bytes(accordgen.load(path)))
    assert ("Le présent avenant a pour objet de renouveler l'accord de coopération conclu le 1er juillet "
            "2022 entre le Département et Orange.") in out
    assert "Représentants" not in out and "Axe de coopération" not in out
    assert "ARTICLE 3 : AUTRES STIPULATIONS" in out and "ARTICLE 4 : ENTRÉE EN VIGUEUR" in out
    assert "représentée par Madame Laurence THOUVENY" in out and "Pour ORANGE,\nLa Directrice Orange Ile-de-France\nLaurence THOUVENY\n" in out


ADD_AND_CLOSE = """\
modifications:
  - action: clore
    axe: 6
  - action: ajouter
    axe: 7
    titre: Santé & numérique
    contexte:
      - Le Département et Orange étudieront les apports du numérique à l'accès aux soins.
      - - la télésanté dans les maisons de santé,
        - l'accompagnement des aidants.
    apports:
      - partie: orange
        texte: [Orange met à disposition son expertise en solutions de santé connectée.]
    sujets:
      - Expérimenter la téléconsultation en zone rurale.
  - action: remplacer
    axe: 2
    titre: Formation, insertion et inclusion numérique

signature:"""


def test_axes_added_closed_and_renamed(tmp_path: Path) -> None:
    folder = dossier(tmp_path, avenant_1=False)
    text = signed(AVENANT_1.read_text(encoding="utf-8"))
    edited = text[:text.index("modifications:")] + ADD_AND_CLOSE + text[text.index("signature:") + 10:]
    path = write(folder, "avenant-1.yaml", edited)
    out = document_text(accordgen.render_bytes(accordgen.load(path)))
    assert ("ARTICLE 4 : AXE DE COOPÉRATION n° 6\nL'axe de coopération n° 6 « Usages numériques », défini à "
            "l'article 2 de l'accord, est clos à compter de l'entrée en vigueur du présent avenant.") in out
    assert ("ARTICLE 5 : AXE DE COOPÉRATION n° 7\nIl est ajouté à l'article 2 de l'accord un axe de "
            "coopération n° 7 ainsi rédigé :\nAxe de coopération n° 7 : Santé & numérique\n"
            "Le Département et Orange étudieront les apports du numérique à l'accès aux soins.\n"
            "la télésanté dans les maisons de santé,\nl'accompagnement des aidants.\n"
            "Orange met à disposition son expertise en solutions de santé connectée.\n"
            "Le Département et Orange conviennent de travailler sur les sujets suivants :\n"
            "Expérimenter la téléconsultation en zone rurale.\n"
            "Aucune prestation de services ne pourra être déclinée") in out
    assert ("ARTICLE 6 : AXE DE COOPÉRATION n° 2\nÀ l'article 2 de l'accord, l'axe de coopération n° 2 "
            "« Formation dans le domaine social et inclusion » est modifié comme suit.\n"
            "Son intitulé est remplacé par l'intitulé suivant : « Formation, insertion et inclusion "
            "numérique ».\nARTICLE 7 : AUTRES STIPULATIONS") in out
    assert "ARTICLE 8 : ENTRÉE EN VIGUEUR" in out

    # a later renewal sees the new state: axis 6 is closed, axis 7 exists, 8 is the next free one
    write(folder, "avenant-2.yaml", AVENANT_2 + "modifications:\n  - action: remplacer\n    axe: 6\n"
          "    titre: Usages\n  - action: ajouter\n    axe: 7\n    titre: X\n    contexte: [Y]\n")
    with pytest.raises(accordgen.DossierError) as err:
        accordgen.load(folder / "avenant-2.yaml")
    assert err.value.problems == [
        ("modifications[0].axe", "l'axe n° 6 a été clos par l'avenant n° 1 : il ne peut plus être modifié"),
        ("modifications[1].axe", "l'axe n° 7 existe déjà : un nouvel axe prend un numéro jamais utilisé "
                                 "(prochain libre : 8) ; pour le modifier, action: remplacer"),
    ]


MORE_BAD = [
    pytest.param(("representants:\n  orange:\n    civilite: Madame\n    prenom: Claire\n    nom: DUMONT\n"
                  "    qualite: Directrice Orange Île-de-France",
                  "representants:\n  orange:\n    civilite: Madame\n    prenom: Laurence\n    nom: THOUVENY\n"
                  "    qualite: Directrice Orange Ile-de-France"),
                 "representants.orange", "identique au représentant actuel de la partie", id="same-representative"),
    pytest.param(("deliberation:\n", "deliberations:\n  departement: {organe: CD, date: 2027-05-20}\ndeliberation:\n"),
                 "deliberations", "indiquez « deliberation » ou « deliberations », pas les deux", id="both-deliberations"),
    pytest.param(("  - action: remplacer\n", "  - action: clore\n"),
                 "modifications[0].contexte", "un axe clos n'a pas de nouveau contenu", id="closed-with-content"),
    pytest.param([("date: 2027-06-16", "date: 2022-06-30"), ("date: 2027-05-24", "date: 2022-06-20"),
                  ("transmission: 2027-05-27", "transmission: 2022-06-22"),
                  ("publication: 2027-05-28", "publication: 2022-06-22")],
                 "signature.date", "avant la signature de l'accord", id="before-the-accord"),
    pytest.param(("date: 2027-05-24", "date: 2022-06-20"),
                 "deliberation.date", "antérieure à la signature de l'accord", id="deliberation-before-accord"),
    pytest.param(("numero: 1", "numero: 2"),
                 "numero", "aucun avenant précédent dans le dossier : celui-ci doit porter le n° 1", id="first-is-1"),
]


@pytest.mark.parametrize(("edit", "field", "message"), MORE_BAD)
def test_other_inconsistencies_are_refused(tmp_path: Path, edit: Any, field: str,
                                           message: str) -> None:
    folder = dossier(tmp_path, avenant_1=False)
    edits = edit if isinstance(edit, list) else [edit]
    path = variant(folder, "avenant-1.yaml", *edits)
    with pytest.raises(accordgen.ValidationError) as err:
        accordgen.load(path)
    problems = [(f, m.replace("\u00a0", " ")) for f, m in err.value.problems]
    assert any(f == field and message in m for f, m in problems), problems


# --- bad input through the real command line ---------------------------------------------

BAD_CASES = [
    pytest.param("bad-signature-apres-terme.yaml", False, "signature.date",
                 "l'accord a expiré le 30 juin 2027 au soir (dernier jour en vigueur) : un accord expiré "
                 "ne peut plus être renouvelé par avenant (code civil, art. 1212 à 1215", id="late-signature"),
    pytest.param("bad-date-impossible.yaml", False, "signature.date",
                 "date invalide ou impossible (attendu : une date qui existe, AAAA-MM-JJ) : « 2027-02-30 »",
                 id="impossible-date"),
    pytest.param("bad-axe-inconnu.yaml", False, "modifications[0].axe",
                 "axe n° 9 inconnu : l'accord ne compte que les axes n° 1, 2, 3, 4, 5, 6",
                 id="unknown-axis"),
    pytest.param("bad-axe-clos-inconnu.yaml", False, "modifications[0].axe", "axe n° 7 inconnu",
                 id="unknown-axis-closed"),
    pytest.param("bad-axe-ajout-existant.yaml", False, "modifications[0].axe",
                 "l'axe n° 3 existe déjà : un nouvel axe prend un numéro jamais utilisé (prochain libre : 7)",
                 id="added-axis-exists"),
    pytest.param("bad-numero-doublon.yaml", True, "numero",
                 "le n° 1 est déjà celui de avenant-1.yaml dans le dossier : deux avenants ne peuvent "
                 "porter le même numéro", id="number-clash"),
    pytest.param("bad-numero-saut.yaml", True, "numero",
                 "les avenants précédents du dossier s'arrêtent au n° 1 : celui-ci doit porter le n° 2",
                 id="number-gap"),
    pytest.param("bad-deliberation-manquante.yaml", False, "deliberation",
                 "délibération obligatoire pour le Département (partie « departement », collectivité)",
                 id="missing-deliberation"),
    pytest.param("bad-deliberation-apres-signature.yaml", False, "deliberation.date",
                 "délibération du 21/06/2027 postérieure à la signature de l'avenant (16/06/2027)",
                 id="deliberation-after-signature"),
    pytest.param("bad-representant-inconnu.yaml", False, "representants.region",
                 "partie inconnue « region » (parties de l'accord : departement, orange)", id="unknown-party"),
    pytest.param("bad-modification-vide.yaml", False, "modifications[0]",
                 "indiquez au moins un élément à remplacer", id="empty-replacement"),
]


@pytest.mark.parametrize(("fixture", "with_avenant_1", "field", "message"), BAD_CASES)
def test_bad_input_is_refused_with_a_french_message(
    tmp_path: Path, fixture: str, with_avenant_1: bool, field: str, message: str
) -> None:
    folder = dossier(tmp_path, avenant_1=with_avenant_1)
    src = folder / fixture
    shutil.copy(BAD / fixture, src)
    out = tmp_path / "out" / "avenant.docx"
    proc = run_cli("render", "avenant-renouvellement", src, "-o", out)
    stderr = proc.stderr.replace("\u00a0", " ")
    assert proc.returncode == 2, proc.stderr
    assert str(src) in stderr
    assert f"  - {field} : " in stderr and message in stderr, stderr
    assert "Traceback" not in stderr
    assert not out.exists() and not (tmp_path / "out").exists()
    assert not list(tmp_path.rglob("*.docx*"))


def test_every_bad_fixture_is_exercised() -> None:
    used = {p.values[0] for p in BAD_CASES}
    assert used == {p.name for p in BAD.glob("bad-*.yaml")}


def test_check_prints_the_periods_without_writing(tmp_path: Path) -> None:
    proc = run_cli("check", "avenant-renouvellement", AVENANT_1, cwd=tmp_path)
    out = proc.stdout.replace("\u00a0", " ")
    assert proc.returncode == 0, proc.stderr
    assert "Avenant de renouvellement valide" in out
    assert "Période initiale : cinq (5) ans, du 1er juillet 2022 au 30 juin 2027 inclus" in out
    assert "Nouvelle période : du 1er juillet 2027 au 30 juin 2032 inclus" in out
    assert "Représentant (Orange) : Madame Claire DUMONT, Directrice Orange Île-de-France" in out
    assert list(tmp_path.iterdir()) == []


def test_kind_is_registered_for_the_cli_and_the_demo() -> None:
    proc = run_cli("kinds")
    assert "avenant-renouvellement" in proc.stdout and "Avenant de renouvellement" in proc.stdout
    assert ("avenant-renouvellement", AVENANT_1) in dossier_documents(EXAMPLE)


# --- LibreOffice and papermill -------------------------------------------------------------

@pytest.mark.slow
def test_docx_opens_in_libreoffice(example_docx: Path, tmp_path: Path) -> None:
    text = pdf_text(to_pdf(example_docx, tmp_path))
    assert "AVENANT N° 1" in text and "PORTANT RENOUVELLEMENT" in text
    assert "30 juin 2032" in text and "Claire DUMONT" in text and "Page 1 sur" in text


@pytest.mark.slow
def test_notebook_through_papermill(tmp_path: Path) -> None:
    kind = accordgen.get_kind("avenant-renouvellement")
    executed = run_notebook(kind, AVENANT_1, tmp_path, tmp_path / "run.ipynb")
    assert executed.exists()
    text = document_text(tmp_path / "avenant-1.docx")
    assert "du 1er juillet 2027 au 30 juin 2032 inclus" in text and "Claire DUMONT" in text


@pytest.mark.slow
def test_notebook_with_a_late_signature_fails_with_the_message(tmp_path: Path) -> None:
    (tmp_path / "dossier").mkdir()
    folder = dossier(tmp_path / "dossier", avenant_1=False)
    bad = folder / "avenant-1.yaml"
    shutil.copy(BAD / "bad-signature-apres-terme.yaml", bad)
    with pytest.raises(NotebookError) as err:
        run_notebook(accordgen.get_kind("avenant-renouvellement"), bad, tmp_path, tmp_path / "run.ipynb")
    assert "signature.date" in str(err.value) and "nouvel accord" in str(err.value)
    assert not list(tmp_path.glob("*.docx"))
