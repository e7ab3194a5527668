"""Specific conventions (convention-specifique): the six examples, golden texts, the personal-data
and financial options, the term and number checks, LibreOffice and papermill."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

import accordgen
from accordgen.models.convention import ConventionSpecifique
from accordgen.render.typography import apply_text
from accordgen.runner import NotebookError, run_notebook
from accordgen.tools.text import document_text, normalise
from accordgen.yamlio import read_yaml

from conftest import DATA, EXAMPLE, CoreProps, check_golden, copy_signed, pdf_text, run_cli, to_pdf

BAD = DATA / "convention"
KIND = "convention-specifique"
NUMEROS = range(1, 7)

# Each example's own actions: a convention carries its actions, and only its own.
ACTIONS = {
    1: ["Cycle de sensibilisation des communes et des EPCI à la cybersécurité",
        "Prévention du cyberharcèlement dans les collèges"],
    2: ["Ateliers d'initiation aux outils numériques", "Découverte des métiers du numérique",
        "Stages de troisième et plateforme MyStage77"],
    3: ["Collecte des téléphones usagés sur les sites départementaux",
        "Traitement et traçabilité des appareils collectés",
        "Cartographie et animation du réseau des acteurs du réemploi"],
    4: ["Conception du parcours de visite", "Expérimentation sur site auprès des visiteurs",
        "Évaluation et retour d'expérience"],
    5: ["Tournoi d'e-sport inter-collèges", "Ateliers « sport, numérique et santé »"],
    6: ["Visites thématiques des espaces d'innovation d'Orange",
        "Ateliers d'idéation avec les directions départementales"],
}


def example_path(n: int) -> Path:
    return EXAMPLE / f"convention-{n}.yaml"


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> dict[int, str]:
    out = tmp_path_factory.mktemp("conventions")
    result = {}
    for n in NUMEROS:
        docx = accordgen.render(accordgen.load(example_path(n)), out / f"convention-{n}.docx")
        result[n] = document_text(docx)
    return result


def dossier(tmp_path: Path, *copies: str) -> Path:
    """A copy of the example accord in ``tmp_path``, with copies of some example files."""
    shutil.copy(EXAMPLE / "accord.yaml", tmp_path / "accord.yaml")
    for name in copies:
        copy_signed(name, tmp_path / name)
    return tmp_path


def variant(tmp_path: Path, n: int, *edits: tuple[str, str], name: str | None = None) -> Path:
    """Example convention n° ``n`` with text replacements, beside a copy of the accord."""
    dossier(tmp_path)
    text = example_path(n).read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / (name or f"convention-{n}.yaml")
    path.write_text(text, encoding="utf-8")
    return path


def headings(text: str) -> list[int]:
    return [int(m) for m in re.findall(r"^ARTICLE (\d+) :", text, re.M)]


# --- the six examples ---------------------------------------------------------------------

def test_one_example_per_axis_of_the_accord() -> None:
    accord = accordgen.load(EXAMPLE / "accord.yaml").params
    found = {}
    for path in sorted(EXAMPLE.glob("*.yaml")):
        raw = read_yaml(path)
        if raw.get("type") == KIND:
            found[raw["numero"]] = raw["axe"]
    assert found == {a.numero: a.numero for a in accord.axes}


@pytest.mark.parametrize("n", NUMEROS)
def test_each_example_names_its_axis_and_carries_its_own_actions(texts: dict[int, str], n: int) -> None:
    text = texts[n]
    accord = accordgen.load(EXAMPLE / "accord.yaml").params
    axe = next(a for a in accord.axes if a.numero == n)
    titre = apply_text(axe.titre)  # as printed: « … » for three dots
    assert text.startswith(f"CONVENTION SPÉCIFIQUE N° {n}\nportant application de l'axe n° {n} « {titre} » "
                           "de l'accord de coopération signé le 1er juillet 2022 entre le Département de "
                           "Seine-et-Marne et la société ORANGE\n")
    assert f"La présente convention met en œuvre l'axe de coopération n° {n} « {titre} »" in text
    # the axis context is recalled from the accord, not retyped
    first_context = axe.contexte[0]
    assert normalise(apply_text(first_context if isinstance(first_context, str) else first_context[0])) in text
    for i, intitule in enumerate(ACTIONS[n], 1):
        assert f"\n{n_art(text, 'DESCRIPTION DES ACTIONS')}.{i} {intitule}\n" in text
    for other, intitules in ACTIONS.items():
        if other != n:
            for intitule in intitules:
                assert intitule not in text, f"action de la convention n° {other} dans la n° {n}"


def n_art(text: str, title: str) -> int:
    return int(re.search(rf"^ARTICLE (\d+) : {title}$", text, re.M).group(1))


def test_examples_golden_texts(texts: dict[int, str]) -> None:
    check_golden("convention-4.txt", texts[4])
    check_golden("convention-2.txt", texts[2])


def test_examples_terms_and_signatures(texts: dict[int, str]) -> None:
    in_force = date(2023, 3, 3)  # sending date of the example termination letter
    running = []
    for n in NUMEROS:
        doc = accordgen.load(example_path(n))
        p: ConventionSpecifique = doc.params  # type: ignore[assignment]
        assert p.date_signature and date(2022, 9, 1) <= p.date_signature <= date(2023, 5, 31)
        assert date(2022, 7, 1) <= p.date_debut <= p.date_fin <= date(2027, 6, 30)
        if p.date_debut <= in_force <= p.date_fin:
            running.append(n)
    assert running == [1, 2, 3, 4, 6]
    assert ("La présente convention prend effet le 1er décembre 2022 et s'applique jusqu'au "
            "31 décembre 2023 inclus.") in texts[4]
    assert "au-delà du terme prévu de l'accord de coopération qu'elle met en œuvre, soit le 30 juin 2027." in texts[4]
    assert "Fait à Melun, le 21 novembre 2022, en deux (2) exemplaires originaux." in texts[4]


def test_visas_cite_the_accord_its_articles_and_the_authorisations(texts: dict[int, str]) -> None:
    text = texts[2]
    for visa in [
        "Vu le code de la commande publique, notamment son article L. 1111-1 ;",
        "Vu l'accord de coopération signé le 1er juillet 2022 entre le Département de Seine-et-Marne "
        "et la société ORANGE, notamment ses articles 1er et 2 ;",
        "Vu la délibération du Conseil départemental en date du 17 juin 2022 autorisant la signature "
        "de l'accord de coopération (accusé de réception en préfecture "
        "n° 077-227700010-20220617-lmc100000023831-DE) ;",
        "Vu la délibération n° CP-2022/11/28-2-04 de la Commission permanente en date du "
        "28 novembre 2022, statuant par délégation du Conseil départemental (délibération "
        "n° CD-2021/07/01-DEL-02 du 1er juillet 2021), transmise au représentant de l'État le "
        "1er décembre 2022, approuvant la présente convention et autorisant sa signature ;",
    ]:
        assert visa in text, visa
    assert ("représenté par Monsieur Jean-François PARIGI, Président du Conseil départemental, habilité à "
            "signer la présente convention par délibération n° CP-2022/11/28-2-04 de la Commission "
            "permanente en date du 28 novembre 2022,") in text
    assert "représentée par Madame Laurence THOUVENY, Directrice Orange Ile-de-France, dûment habilitée" in text


def test_clauses_mirror_the_accord(texts: dict[int, str]) -> None:
    text = texts[4]
    for expected in [
        "un préavis de quinze (15) jours suivant l'envoi à l'autre Partie d'une lettre recommandée avec "
        "accusé de réception",
        "dans un délai maximum de quinze (15) jours à compter de la réception de la demande",
        "perdure pendant cinq (5) ans au terme de l'accord, soit, si l'accord va à son terme, jusqu'au "
        "30 juin 2032 inclus",
        "dans un délai de deux (2) mois à compter de cette notification, le litige est porté devant le "
        "tribunal administratif territorialement compétent",
        "Conformément à l'article 11 de l'accord de coopération, chaque Partie désigne un référent",
        "pour le Département : Madame Sophie MARCHAND, responsable du château de Blandy-les-Tours",
        "Il se réunit au moins deux fois par an",
        "Chaque année, le comité établit un bilan",
        "Conformément à l'article 6 de l'accord de coopération",
        "Conformément à l'article 10 de l'accord de coopération",
    ]:
        assert expected in text, expected
    assert "Il se réunit au moins une fois par an" in texts[1]


# --- public procurement -------------------------------------------------------------------

def test_default_convention_carries_no_price_or_equivalent(texts: dict[int, str]) -> None:
    for text in texts.values():
        assert ("La présente convention est conclue à titre gratuit. Elle ne comporte aucun prix ni "
                "aucune contrepartie équivalente au sens de l'article L. 1111-1 du code de la commande "
                "publique") in text
        assert "chaque Partie supporte seule les frais" in text
        assert "d'une exclusivité, d'un droit de préférence ou d'un avantage commercial" in text
        assert "aucune donnée, notamment relative aux usagers du service public, n'est remise à titre" in text
        assert "fera l'objet d'un contrat distinct, passé dans le respect du code de la commande publique" in text
        assert "Par exception" not in text


def test_consideration_with_its_procurement_contract_is_described(tmp_path: Path) -> None:
    dossier(tmp_path)
    src = tmp_path / "convention-7.yaml"
    shutil.copy(BAD / "good-contrepartie-marche.yaml", src)
    text = document_text(accordgen.render(accordgen.load(src), tmp_path / "c7.docx"))
    assert "En dehors de la contrepartie mentionnée ci-après, la présente convention ne comporte aucun prix" in text
    assert ("Par exception, la contrepartie suivante est prévue, à la charge du Département au profit "
            "d'Orange : l'animation de l'atelier, pour un montant de 1 500,00 € (mille cinq cents euros) "
            "hors taxes.") in text
    assert ("qui en fixe les conditions d'exécution et de paiement : marché n° 2023-045 notifié le "
            "15 février 2023, passé selon une procédure adaptée.") in text
    assert "conclue à titre gratuit" not in text


# --- personal data ------------------------------------------------------------------------

def test_gdpr_article_only_when_personal_data_is_declared(texts: dict[int, str]) -> None:
    with_data = texts[2]
    assert "ARTICLE 9 : PROTECTION DES DONNÉES À CARACTÈRE PERSONNEL" in with_data
    assert "Vu le règlement (UE) 2016/679" in with_data
    for expected in [
        "Le Département détermine les finalités et les moyens du traitement décrit ci-après et en est, "
        "à ce titre, responsable au sens de l'article 4 du RGPD.",
        "Orange traite les données pour le compte et sur instruction documentée du responsable du "
        "traitement, en qualité de sous-traitant au sens de l'article 28 du RGPD.",
        "Finalité : l'inscription des bénéficiaires du RSA aux ateliers et aux visites",
        "Base légale : l'exécution d'une mission d'intérêt public",
        "Durée de conservation : trois (3) mois à compter de la fin de la session concernée",
        "ne recrute un autre sous-traitant qu'avec l'autorisation écrite préalable",
    ]:
        assert expected in with_data, expected
    assert "ne donne lieu à aucun traitement de données à caractère personnel" not in with_data
    for n in (1, 6):  # conventions 3, 4 and 5 process personal data too (issue 16, point 16)
        text = texts[n]
        assert "PROTECTION DES DONNÉES" not in text
        assert "RGPD" not in text and "2016/679" not in text and "sous-traitant" not in text
        assert ("Les Parties déclarent que la présente convention ne donne lieu à aucun traitement de "
                "données à caractère personnel.") in text


@pytest.mark.parametrize("n", NUMEROS)
def test_articles_are_numbered_without_a_gap(texts: dict[int, str], n: int) -> None:
    numbers = headings(texts[n])
    expected = 14 if n in (2, 3, 4, 5) else 13  # with the personal-data article
    assert numbers == list(range(1, expected + 1))
    # cross-references follow the numbering
    pilotage = n_art(texts[n], "PILOTAGE ET SUIVI")
    assert f"les modalités de leur suivi (article {pilotage})" in texts[n]
    assert f"changement de référent prévu à l'article {pilotage}." in texts[n]


def test_joint_controllers(tmp_path: Path) -> None:
    src = variant(tmp_path, 2, ("  responsables: [departement]\n  sous_traitants: [orange]\n",
                                "  responsables: [departement, orange]\n  point_de_contact: departement\n"))
    text = document_text(accordgen.render(accordgen.load(src), tmp_path / "c.docx"))
    assert ("Le Département et Orange déterminent ensemble les finalités et les moyens du traitement "
            "décrit ci-après : ils en sont responsables conjoints au sens de l'article 26 du RGPD.") in text
    assert "exercent leurs droits auprès du Département, point de contact désigné" in text
    assert "sous-traitant" not in text


# --- signing -------------------------------------------------------------------------------

DELIBERATIONS_4 = "deliberations:" + (EXAMPLE / "convention-4.yaml").read_text(
    encoding="utf-8").split("\ndeliberations:")[1].split("\n\n")[0] + "\n"
"""The example convention n° 4's whole « deliberations » block."""


def test_blank_signature_date_leaves_the_place_and_needs_no_deliberation_yet(tmp_path: Path) -> None:
    src = variant(tmp_path, 4, ("date_signature: 2022-11-21\n", ""),
                  (DELIBERATIONS_4, ""))
    doc = accordgen.load(src)
    text = document_text(accordgen.render(doc, tmp_path / "c.docx"))
    assert "Fait à Melun, le ……………………, en deux (2) exemplaires originaux." in text
    assert "dûment habilité à cet effet," in text
    assert "Commission permanente" not in text
    assert doc.context()["date_document"] is None


def test_signed_by_collectivite_needs_its_deliberation(tmp_path: Path) -> None:
    src = variant(tmp_path, 4, (DELIBERATIONS_4, ""))
    with pytest.raises(accordgen.ValidationError) as err:
        accordgen.load(src)
    assert err.value.problems[0][0] == "deliberations"
    assert "le Département (clé « departement ») est une collectivité" in err.value.problems[0][1]


def test_other_signatory_and_referent_contacts(tmp_path: Path) -> None:
    src = variant(
        tmp_path, 6,
        ("    # courriel: prenom.nom@exemple.fr   (facultatif, comme telephone)\n",
         "    courriel: prenom.nom@exemple.fr\n    telephone: 01 64 14 77 77\n"),
        ("\ndeliberations:", "\nsignataires:\n  orange:\n    civilite: Monsieur\n    prenom: Paul\n"
         "    nom: EXEMPLE\n    qualite: Directeur des relations avec les collectivités locales\n"
         "\ndeliberations:"),
    )
    text = document_text(accordgen.render(accordgen.load(src), tmp_path / "c.docx"))
    assert "représentée par Monsieur Paul EXEMPLE, Directeur des relations avec les collectivités locales, dûment habilité à cet effet," in text
    assert "Pour ORANGE,\nLe Directeur des relations avec les collectivités locales\nPaul EXEMPLE\n" in text
    assert "Direction de la transformation numérique (prenom.nom@exemple.fr, 01 64 14 77 77) ;" in text


# --- term against the accord and its renewals ---------------------------------------------

def test_unsigned_accord_is_refused(tmp_path: Path) -> None:
    dossier(tmp_path, "convention-4.yaml")
    accord = tmp_path / "accord.yaml"
    accord.write_text(accord.read_text(encoding="utf-8").replace("  date: 2022-07-01\n", ""), encoding="utf-8")
    out = tmp_path / "out.docx"
    proc = run_cli("render", KIND, tmp_path / "convention-4.yaml", "-o", out)
    assert proc.returncode == 2, proc.stderr
    assert "  - accord : l'accord n'a pas de date de signature" in proc.stderr
    assert not out.exists()


def test_renewal_signed_before_the_convention_extends_its_limit(tmp_path: Path) -> None:
    # avenant-1: renewal signed 16 June 2027 (term up to 30 June 2032), new representative for
    # Orange, axis 5 rewritten
    dossier(tmp_path, "avenant-1.yaml")
    src = variant(tmp_path, 5, ("date_signature: 2022-09-19", "date_signature: 2027-09-06"),
                  ("date_debut: 2022-10-01", "date_debut: 2027-09-15"),
                  ("date_fin: 2023-02-28", "date_fin: 2028-06-30"),
                  ("    date: 2022-09-12", "    date: 2027-08-30"),
                  ("transmission: 2022-09-14", "transmission: 2027-09-01"),
                  ("publication: 2022-09-15", "publication: 2027-09-02"))
    doc = accordgen.load(src)
    text = document_text(accordgen.render(doc, tmp_path / "c.docx"))
    assert "au-delà du terme prévu de l'accord de coopération qu'elle met en œuvre, soit le 30 juin 2032." in text
    assert "jusqu'au 30 juin 2037 inclus" in text  # confidentiality: 5 years after the renewed term
    assert "pour une durée de cinq (5) ans, renouvelé par avenant jusqu'au 30 juin 2032 inclus," in text
    assert ("Vu l'avenant n° 1 portant renouvellement de l'accord de coopération, signé le "
            "16 juin 2027 ;") in text
    # the axis as the renewal rewrote it, and Orange's representative since the renewal
    assert "Les Jeux olympiques et paralympiques de Paris 2024, auxquels le Groupe Orange" in text
    assert "Faire vivre l'héritage des Jeux de Paris 2024 sur le territoire," in text
    assert "Le Groupe Orange, en tant que partenaire premium" not in text
    assert "représentée par Madame Claire DUMONT, Directrice Orange Île-de-France" in text
    assert "THOUVENY" not in text


def test_the_examples_ignore_a_later_renewal(texts: dict[int, str]) -> None:
    # avenant-1.yaml sits in the example dossier, signed after every example convention
    assert "Vu l'avenant" not in texts[5] and "renouvelé" not in texts[5]
    assert "Le Groupe Orange, en tant que partenaire premium" in texts[5]
    assert "Madame Laurence THOUVENY" in texts[5]


def test_axis_closed_by_a_renewal(tmp_path: Path) -> None:
    dossier(tmp_path)
    (tmp_path / "avenant-1.yaml").write_text(
        "type: avenant-renouvellement\naccord: accord.yaml\nstatut: definitif\nnumero: 1\n"
        "deliberation: {organe: Commission permanente, article: la, date: 2027-05-24, "
        "transmission: 2027-05-27, publication: 2027-05-28}\n"
        "modifications:\n  - action: clore\n    axe: 6\n"
        "signature: {lieu: Melun, date: 2027-06-16}\n", encoding="utf-8")
    shutil.copy(example_path(6), tmp_path / "convention-6.yaml")
    assert accordgen.load(tmp_path / "convention-6.yaml").params.axe == 6  # signed before: valid
    late = variant(tmp_path, 6, ("date_signature: 2023-02-06", "date_signature: 2027-09-06"),
                   ("date_debut: 2023-02-15", "date_debut: 2027-09-15"),
                   ("date_fin: 2024-02-14", "date_fin: 2028-02-14"),
                   ("    date: 2023-01-23", "    date: 2027-08-30"),
                  ("transmission: 2023-01-26", "transmission: 2027-09-01"),
                  ("publication: 2023-01-27", "publication: 2027-09-02"), name="convention-7.yaml")
    late.write_text(late.read_text(encoding="utf-8").replace("numero: 6", "numero: 7"), encoding="utf-8")
    proc = run_cli("check", KIND, late)
    assert proc.returncode == 2
    assert ("- axe : l'axe n° 6 « Usages numériques » a été clos par l'avenant n° 1 (avenant-1.yaml) "
            "signé le 16 juin 2027 : une convention signée depuis ne peut plus le mettre en œuvre "
            "(axes ouverts : n° 1 « Sécurité") in normalise(proc.stderr), proc.stderr


def test_renewal_signed_after_the_convention_does_not_extend_it(tmp_path: Path) -> None:
    dossier(tmp_path, "avenant-1.yaml")
    src = variant(tmp_path, 6, ("date_fin: 2024-02-14", "date_fin: 2027-12-31"))
    with pytest.raises(accordgen.DossierError) as err:
        accordgen.load(src)
    (field, message), = err.value.problems
    message = normalise(message)
    assert field == "date_fin"
    assert "après le terme de l'accord (30 juin 2027 inclus)" in message
    assert "renouvellement de l'accord jusqu'au 30 juin 2032 a été signé après la convention" in message


def test_last_day_of_the_accord_is_accepted(tmp_path: Path) -> None:
    src = variant(tmp_path, 6, ("date_fin: 2024-02-14", "date_fin: 2027-06-30"))
    assert accordgen.load(src).params.date_fin == date(2027, 6, 30)


def test_the_accord_signature_day_is_a_valid_start(tmp_path: Path) -> None:
    # before the convention's own signature: stated and justified (issue 16, point 14)
    src = variant(tmp_path, 5, ("date_debut: 2022-10-01", "date_debut: 2022-07-01"),
                  ("\ndeliberations:", "\neffet_retroactif:\n  justification: les premières "
                   "actions ont commencé à la signature de l'accord\ndeliberations:"))
    assert accordgen.load(src).params.date_debut == date(2022, 7, 1)


def test_axis_added_by_a_renewal(tmp_path: Path) -> None:
    dossier(tmp_path)
    (tmp_path / "avenant-1.yaml").write_text(
        "type: avenant-renouvellement\naccord: accord.yaml\nstatut: definitif\nnumero: 1\n"
        "deliberation: {organe: Commission permanente, article: la, date: 2027-05-24, "
        "transmission: 2027-05-27, publication: 2027-05-28}\n"
        "modifications:\n  - action: ajouter\n    axe: 7\n    titre: Santé numérique\n"
        "    contexte: [La télémédecine progresse dans les territoires ruraux.]\n"
        "signature: {lieu: Melun, date: 2027-06-16}\n", encoding="utf-8")
    src = variant(tmp_path, 6, ("axe: 6", "axe: 7"), ("numero: 6", "numero: 7"),
                  ("date_signature: 2023-02-06", "date_signature: 2027-09-06"),
                  ("date_debut: 2023-02-15", "date_debut: 2027-09-15"),
                  ("date_fin: 2024-02-14", "date_fin: 2028-02-14"),
                  ("    date: 2023-01-23", "    date: 2027-08-30"),
                  ("transmission: 2023-01-26", "transmission: 2027-09-01"),
                  ("publication: 2023-01-27", "publication: 2027-09-02"), name="convention-7.yaml")
    text = document_text(accordgen.render(accordgen.load(src), tmp_path / "c.docx"))
    assert "portant application de l'axe n° 7 « Santé numérique »" in text
    assert "La télémédecine progresse dans les territoires ruraux." in text
    before = variant(tmp_path, 6, ("axe: 6", "axe: 7"), name="convention-6.yaml")  # signed in 2023
    with pytest.raises(accordgen.DossierError) as err:
        accordgen.load(before)
    assert err.value.problems[0][0] == "axe" and "pas d'axe n° 7" in err.value.problems[0][1]


OTHER = [
    pytest.param(2, [("  responsables: [departement]\n", "  responsables: [departement, orange]\n")],
                 "donnees_personnelles.sous_traitants", "« orange » est déjà responsable du traitement",
                 id="controller-and-processor"),
    pytest.param(2, [("  sous_traitants: [orange]\n", "  sous_traitants: [orange]\n  point_de_contact: orange\n")],
                 "donnees_personnelles.point_de_contact", "« orange » n'est pas l'un des responsables",
                 id="contact-not-controller"),
    pytest.param(4, [("date_signature: 2022-11-21", "date_signature: 2024-01-10")],
                 "date_signature", "après la fin de la convention (31 décembre 2023)", id="signed-after-end"),
    pytest.param(4, [("    pilote: departement\n", "    pilote: region\n")],
                 "actions[0].pilote", "partie inconnue « region »", id="unknown-pilot"),
    pytest.param(4, [("  departement:\n    organe:", "  region:\n    organe:")],
                 "deliberations.region", "partie inconnue « region »", id="unknown-deliberation-party"),
    pytest.param(5, [("    - mobiliser ses éducateurs sportifs pour les ateliers.\n", ""),
                     ("    - accueillir la finale et en assurer l'organisation matérielle et la sécurité ;\n", ""),
                     ("  departement:\n    - >-\n      proposer le tournoi aux collèges publics et en coordonner "
                      "les inscriptions par équipe,\n      sous pseudonyme, sans transmettre à Orange de données "
                      "nominatives des élèves ;\n", "  departement: []\n")],
                 "engagements.departement", "au moins 1 élément", id="empty-commitments"),
    pytest.param(4, [("reunions_par_an: 2", "reunions_par_an: 0")],
                 "comite_pilotage.reunions_par_an", "doit être au moins 1", id="no-yearly-meeting"),
]


@pytest.mark.parametrize(("n", "edits", "field", "message"), OTHER)
def test_other_inconsistencies_are_refused(tmp_path: Path, n: int, edits: list[tuple[str, str]],
                                           field: str, message: str) -> None:
    src = variant(tmp_path, n, *edits)
    with pytest.raises(accordgen.ValidationError) as err:
        accordgen.load(src)
    problems = {f: normalise(m) for f, m in err.value.problems}
    assert field in problems, err.value.problems
    assert message in problems[field]


def test_payer_cannot_be_the_payee(tmp_path: Path) -> None:
    dossier(tmp_path)
    src = tmp_path / "convention-7.yaml"
    src.write_text((BAD / "good-contrepartie-marche.yaml").read_text(encoding="utf-8")
                   .replace("beneficiaire: orange", "beneficiaire: departement"), encoding="utf-8")
    with pytest.raises(accordgen.ValidationError) as err:
        accordgen.load(src)
    assert err.value.problems == [("contrepartie_financiere.beneficiaire",
                                   "la partie qui paie ne peut pas être celle qui reçoit")]


# --- bad input through the real command line ----------------------------------------------

BAD_CASES = [
    pytest.param("bad-axe-inconnu.yaml", "axe",
                 "l'accord n'a pas d'axe n° 9 (axes de l'accord : n° 1 « Sécurité (cybersécurité, "
                 "cyberharcèlement...) » ; n° 2", id="unknown-axis"),
    pytest.param("bad-fin-apres-accord.yaml", "date_fin",
                 "fin le 31 décembre 2027, après le terme de l'accord (30 juin 2027 inclus) : la convention "
                 "ne peut aller au-delà de l'accord", id="end-after-accord"),
    pytest.param("bad-debut-avant-accord.yaml", "date_debut",
                 "début le 1er juin 2022, avant la signature de l'accord (1er juillet 2022)", id="start-before-accord"),
    pytest.param("bad-signature-avant-accord.yaml", "date_signature",
                 "signature le 27 juin 2022, avant la signature de l'accord (1er juillet 2022)",
                 id="signed-before-accord"),
    pytest.param("bad-fin-avant-debut.yaml", "date_fin",
                 "fin (28 février 2023) antérieure au début (1er mars 2023)", id="end-before-start"),
    pytest.param("bad-prix-sans-marche.yaml", "contrepartie_financiere.reference_commande_publique",
                 "une contrepartie (prix ou tout équivalent) est déclarée sans marché public de "
                 "rattachement. Selon l'article L. 1111-1 du code de la commande publique, un contrat "
                 "conclu à titre onéreux pour répondre aux besoins d'un acheteur", id="price-without-procurement"),
    pytest.param("bad-montant-negatif.yaml", "contrepartie_financiere.montant",
                 "montant strictement positif attendu", id="negative-amount"),
    pytest.param("bad-numero-doublon.yaml", "numero",
                 "le n° 4 est déjà celui de convention-4.yaml dans le dossier", id="duplicate-number"),
    pytest.param("bad-partie-inconnue.yaml", "referents.region",
                 "partie inconnue « region » (parties de l'accord : departement, orange)", id="unknown-party"),
    pytest.param("bad-engagements-manquants.yaml", "engagements",
                 "indiquez ses engagements pour Orange (clé « orange »)", id="missing-commitments"),
    pytest.param("bad-deliberation-apres-signature.yaml", "deliberations.departement.date",
                 "délibération du 27/02/2023 postérieure à la signature de la convention (20/02/2023)",
                 id="deliberation-after-signature"),
    pytest.param("bad-courriel.yaml", "referents.departement.courriel",
                 "adresse électronique invalide : « paul.exemple@ »", id="bad-email"),
    pytest.param("bad-interet-legitime.yaml", "donnees_personnelles.base_legale",
                 "le Département est une autorité publique : l'intérêt légitime ne peut fonder",
                 id="legitimate-interest-public-body"),
]


@pytest.mark.parametrize(("fixture", "field", "message"), BAD_CASES)
def test_bad_input_is_refused_with_a_french_message(tmp_path: Path, fixture: str, field: str,
                                                   message: str) -> None:
    dossier(tmp_path, "convention-4.yaml")
    src = tmp_path / fixture
    shutil.copy(BAD / fixture, src)
    out = tmp_path / "out.docx"
    proc = run_cli("render", KIND, src, "-o", out)
    assert proc.returncode == 2, proc.stderr
    assert str(src) in proc.stderr
    assert f"- {field} : {message}" in normalise(proc.stderr), proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()
    assert not list(tmp_path.glob("*.docx*"))


def test_every_bad_fixture_is_exercised() -> None:
    used = {p.values[0] for p in BAD_CASES}
    assert used == {p.name for p in BAD.glob("bad-*.yaml")}


def test_duplicate_number_is_refused_in_both_files(tmp_path: Path) -> None:
    dossier(tmp_path, "convention-4.yaml")
    other = variant(tmp_path, 3, ("numero: 3", "numero: 4"), name="convention-4-bis.yaml")
    proc = run_cli("check", KIND, tmp_path / "convention-4.yaml")
    assert proc.returncode == 2 and "le n° 4 est déjà celui de convention-4-bis.yaml" in proc.stderr
    proc = run_cli("check", KIND, other)
    assert proc.returncode == 2 and "le n° 4 est déjà celui de convention-4.yaml" in proc.stderr


def test_a_convention_of_another_dossier_does_not_count(tmp_path: Path) -> None:
    dossier(tmp_path, "convention-4.yaml")
    other = tmp_path / "autre"
    other.mkdir()
    dossier(other)
    shutil.copy(EXAMPLE / "convention-4.yaml", other / "convention-4.yaml")
    assert accordgen.load(tmp_path / "convention-4.yaml").params.numero == 4


# --- command line, output, LibreOffice, papermill -----------------------------------------

def test_check_prints_the_summary_without_writing(tmp_path: Path) -> None:
    proc = run_cli("check", KIND, example_path(2), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = normalise(proc.stdout)
    assert "Convention spécifique valide" in out
    assert "Axe : n° 2 « Formation dans le domaine social et inclusion »" in out
    assert "Période : du 2 janvier 2023 au 31 décembre 2023 inclus" in out
    assert "Données personnelles : article 9 : responsable Département ; sous-traitant Orange" in out
    assert "Contrepartie : aucune" in out
    assert list(tmp_path.iterdir()) == []


def test_output_name_and_docx_properties(tmp_path: Path) -> None:
    doc = accordgen.load(example_path(4))
    assert doc.output_stem == "convention-specifique-4"
    proc = run_cli("render", KIND, example_path(4), "-o", tmp_path / "c.docx")
    assert proc.returncode == 0, proc.stderr
    props = CoreProps(tmp_path / "c.docx")
    assert props.title.startswith("Convention spécifique n° 4 portant application de l'axe n° 4 « Tourisme")
    assert props.created.date() == date(2022, 11, 21)


def test_rendering_is_deterministic() -> None:
    doc = accordgen.load(example_path(3))
    assert accordgen.render_bytes(doc) == accordgen.render_bytes(doc)


def test_kind_is_registered_for_the_cli_and_the_demo() -> None:
    from accordgen.demo import dossier_documents

    kind = accordgen.get_kind(KIND)
    assert kind.template_path.exists() and kind.notebook_path.exists()
    found = [p.name for k, p in dossier_documents(EXAMPLE) if k == KIND]
    assert found == [f"convention-{n}.yaml" for n in NUMEROS]
    proc = run_cli("kinds")
    assert KIND in proc.stdout


def test_docx_open_in_libreoffice(tmp_path: Path) -> None:
    for n in NUMEROS:
        docx = accordgen.render(accordgen.load(example_path(n)), tmp_path / f"convention-{n}.docx")
        text = pdf_text(to_pdf(docx, tmp_path))
        assert f"CONVENTION SPÉCIFIQUE N° {n}" in text and "Page 1 sur" in text
        assert "ARTICLE 13" in text


def test_notebook_through_papermill(tmp_path: Path) -> None:
    kind = accordgen.get_kind(KIND)
    executed = run_notebook(kind, example_path(2), tmp_path, tmp_path / "run.ipynb")
    assert executed.exists()
    text = document_text(tmp_path / "convention-specifique-2.docx")
    assert "ARTICLE 9 : PROTECTION DES DONNÉES À CARACTÈRE PERSONNEL" in text


def test_notebook_with_an_unknown_axis_fails_with_the_message(tmp_path: Path) -> None:
    dossier(tmp_path)
    bad = tmp_path / "bad-axe-inconnu.yaml"
    shutil.copy(BAD / "bad-axe-inconnu.yaml", bad)
    with pytest.raises(NotebookError) as err:
        run_notebook(accordgen.get_kind(KIND), bad, tmp_path, tmp_path / "run.ipynb")
    assert "axe" in str(err.value) and "l'accord n'a pas d'axe n° 9" in str(err.value)
    assert not list(tmp_path.glob("*.docx"))
