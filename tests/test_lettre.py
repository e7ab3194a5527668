"""The termination letter (LRAR) end to end: computed dates, conventions in progress, checks
through the real command line, LibreOffice page count, papermill."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

import accordgen
from accordgen.runner import NotebookError, run_notebook
from accordgen.tools.text import document_text, normalise
from accordgen.yamlio import read_yaml

from conftest import (
    DATA,
    EXAMPLE,
    check_golden,
    copy_signed,
    golden_text,
    pdf_pages,
    pdf_text,
    run_cli,
    to_pdf,
)

SCENARIO = EXAMPLE / "scenarios" / "lettre-resiliation-2023.yaml"
LETTRES = DATA / "lettre"
GOOD_12_4 = LETTRES / "good-orange-article-12-4.yaml"


def text_of(path: Path, tmp_path: Path, name: str = "lettre.docx") -> str:
    out = tmp_path / name
    accordgen.render(accordgen.load(path), out)
    return document_text(out)


DECISION_2022 = (("  date: 2023-02-27", "  date: 2022-06-27"), ("transmission: 2023-03-01", "transmission: 2022-06-29"),
                 ("publication: 2023-03-01", "publication: 2022-06-29"),
                 ("    date: 2022-09-01", "    date: 2022-06-01"))
"""The scenario's termination decision and delegation arrêté moved before an earlier sending."""


def dossier(tmp_path: Path, letter: Path | str = SCENARIO, *, accord: str | None = None,
            replace: tuple[tuple[str, str], ...] = ()) -> Path:
    """A private dossier: the example accord (or ``accord`` text) and one letter beside it."""
    (tmp_path / "accord.yaml").write_text(
        accord if accord is not None else (EXAMPLE / "accord.yaml").read_text(encoding="utf-8"),
        encoding="utf-8")
    text = Path(letter).read_text(encoding="utf-8").replace("accord: ../accord.yaml", "accord: accord.yaml")
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "lettre.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def convention(folder: Path, numero: int, axe: int, objet: str, debut: str, fin: str,
               signature: str | None = None, *, statut: str | None = None) -> None:
    """A valid specific convention (the example's n° 1 with these values): final and signed on
    ``signature`` (its délibération taken, transmitted and published that day), or a draft
    without a date."""
    data = read_yaml(EXAMPLE / "convention-1.yaml")
    data.update(numero=numero, axe=axe, objet=objet, date_debut=debut, date_fin=fin,
                statut=statut or ("definitif" if signature else "projet"))
    data["date_signature"] = signature
    delib = data["deliberations"]["departement"]
    delib["date"] = delib["transmission"] = delib["publication"] = signature or "2022-07-01"
    (folder / f"convention-{numero}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                                      encoding="utf-8")


# --- the example: golden text and the dates it states ----------------------------------

@pytest.fixture(scope="module")
def example_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lettre") / "lettre.docx"
    accordgen.render(accordgen.load(SCENARIO), out)
    return out


def test_example_golden_text(example_docx: Path) -> None:
    check_golden("lettre-resiliation-2023.txt", golden_text(example_docx))


def test_example_states_sending_effective_and_confidentiality_dates(example_docx: Path) -> None:
    text = document_text(example_docx)
    # posted Friday 3 March 2023 + 15 days: Saturday 18 March 2023, not moved to Monday 20
    assert "La présente lettre est envoyée le vendredi 3 mars 2023." in text
    assert ("Le préavis de quinze (15) jours court à compter du lendemain de cet envoi ; la résiliation "
            "de l'accord prendra donc effet à l'expiration du samedi 18 mars 2023") in text
    assert "20 mars 2023" not in text
    # the accord ends on 18 March 2023: confidentiality survives five years from the 19th
    assert "l'obligation de confidentialité perdure pendant cinq (5) ans au terme de l'accord, soit jusqu'au 18 mars 2028 inclus" in text
    assert "Melun, le 3 mars 2023" in text


def test_example_letter_shape(example_docx: Path) -> None:
    lines = document_text(example_docx).splitlines()
    text = "\n".join(lines)
    head = lines[:lines.index("Melun, le 3 mars 2023")]
    assert head[:5] == ["DÉPARTEMENT DE SEINE-ET-MARNE", "Direction des affaires juridiques",
                        "Hôtel du Département", "CS 50377", "77010 MELUN CEDEX"]
    assert "Affaire suivie par : Madame Claire EXEMPLE" in head
    assert "N/Réf. : DAJ/2023/0147" in head
    # recipient block: Orange, its representative from the accord, its address
    assert head[-5:] == ["ORANGE", "Madame Laurence THOUVENY", "Directrice Orange Ile-de-France",
                         "111 quai du Président Roosevelt", "92130 ISSY-LES-MOULINEAUX"]
    assert "LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION n° 1A 123 456 7890 1" in lines
    assert "Objet : résiliation de l'accord de coopération signé le 1er juillet 2022" in lines
    assert ("Réf. : ACCORD DE COOPÉRATION ENTRE LE DÉPARTEMENT DE SEINE-ET-MARNE ET ORANGE, signé à Melun "
            "le 1er juillet 2022, autorisé par la délibération du Conseil départemental du 17 juin 2022 "
            "(accusé de réception en préfecture de la délibération "
            "n° 077-227700010-20220617-lmc100000023831-DE)") in lines
    assert "Madame," in lines
    assert "de résilier cet accord, en application de son article 7 « Résiliation »" in text
    assert "restituer toutes les Informations Confidentielles communiquées par le Département" in text
    assert "me remettre une attestation écrite de cette destruction" in text
    assert lines[-5:] == [
        "Je vous prie d'agréer, Madame, l'expression de mes salutations distinguées.",
        "Pour le Président et par délégation,",
        "(arrêté n° 2022-DGS-014 du 1er septembre 2022 portant délégation de signature)",
        "Le Directeur général des services,",
        "Alain FICTIF",
    ]


def test_check_prints_the_computed_dates_and_writes_nothing(tmp_path: Path) -> None:
    proc = run_cli("check", "lettre-resiliation", SCENARIO, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = normalise(proc.stdout)
    assert "Prise d'effet : à l'expiration du samedi 18 mars 2023" in out
    assert "Confidentialité jusqu'au : 18 mars 2028 inclus" in out
    assert list(tmp_path.iterdir()) == []


def test_render_names_the_file_after_the_sending_date(tmp_path: Path) -> None:
    proc = run_cli("render", "lettre-resiliation", SCENARIO, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "outputs" / "lettre-resiliation-2023-03-03.docx").exists()


# --- dates: no extension, other units ----------------------------------------------------

def test_notice_ending_on_a_public_holiday_is_not_extended(tmp_path: Path) -> None:
    src = dossier(tmp_path, replace=(("date_envoi: 2023-03-03", "date_envoi: 2023-06-29"),))
    text = text_of(src, tmp_path)
    assert "envoyée le jeudi 29 juin 2023" in text
    assert "prendra donc effet à l'expiration du vendredi 14 juillet 2023" in text
    assert "jusqu'au 14 juillet 2028 inclus" in text


def test_notice_in_months_ends_on_the_same_day_number(tmp_path: Path) -> None:
    accord = (EXAMPLE / "accord.yaml").read_text(encoding="utf-8").replace(
        "preavis_resiliation: {valeur: 15, unite: jours}", "preavis_resiliation: {valeur: 1, unite: mois}")
    src = dossier(tmp_path, accord=accord, replace=(("date_envoi: 2023-03-03", "date_envoi: 2023-01-31"),
                                                    *DECISION_2022))
    text = text_of(src, tmp_path)
    # 31 January + 1 month: the last day of February
    assert "Le préavis d'un (1) mois court" in text
    assert "prendra donc effet à l'expiration du mardi 28 février 2023" in text
    assert "jusqu'au 29 février 2028 inclus" in text  # 1 March 2023 + 5 years, the day before


# --- specific conventions in progress ----------------------------------------------------

@pytest.fixture
def with_conventions(tmp_path: Path) -> Path:
    src = dossier(tmp_path)
    convention(tmp_path, 1, 1, "Sensibilisation des communes à la cybersécurité",
               "2022-09-15", "2023-02-28", "2022-09-12")            # ended before the letter
    convention(tmp_path, 4, 4, "Visite en réalité augmentée du château de Blandy",
               "2022-11-01", "2023-10-31", "2022-10-20")            # runs past the effective date
    convention(tmp_path, 2, 2, "Ateliers d'inclusion numérique",
               "2023-01-09", "2023-03-10", "2023-01-05")            # ends during the notice
    convention(tmp_path, 6, 6, "Visites des laboratoires d'innovation",
               "2023-04-01", "2023-12-31", "2023-02-27")            # starts after the letter
    return src


def test_conventions_in_progress_end_with_the_accord(with_conventions: Path, tmp_path: Path) -> None:
    text = text_of(with_conventions, tmp_path)
    lines = text.splitlines()
    intro = next(i for i, line in enumerate(lines) if line.startswith("Les conventions spécifiques"))
    assert lines[intro] == (
        "Les conventions spécifiques conclues pour la mise en œuvre de l'accord et en cours à la date de "
        "la présente lettre prendront fin avec lui, à l'expiration du samedi 18 mars 2023, ou à leur "
        "propre terme s'il est antérieur :")
    assert lines[intro + 1:intro + 4] == [
        "la convention spécifique n° 2 du 5 janvier 2023 ayant pour objet « Ateliers d'inclusion numérique » (axe n° 2 « Formation "
        "dans le domaine social et inclusion »), conclue jusqu'au 10 mars 2023 : fin à son terme, le "
        "10 mars 2023 ;",
        "la convention spécifique n° 4 du 20 octobre 2022 ayant pour objet « Visite en réalité augmentée du "
        "château de Blandy » (axe n° 4 « Tourisme et Patrimoine »), conclue jusqu'au 31 octobre 2023 : "
        "fin à l'expiration du 18 mars 2023 ;",
        "la convention spécifique n° 6 du 27 février 2023 ayant pour objet « Visites des laboratoires "
        "d'innovation » (axe n° 6 « Usages numériques »), conclue jusqu'au 31 décembre 2023 : fin à "
        "l'expiration du 18 mars 2023.",
    ]
    assert "n° 1 " not in text  # ended on 28 February, before the letter
    assert "Aucune convention spécifique" not in text


def test_conventions_can_run_to_their_own_term(with_conventions: Path, tmp_path: Path) -> None:
    src = with_conventions
    src.write_text(src.read_text(encoding="utf-8").replace(
        "sort_conventions: resiliees", "sort_conventions: menees_a_terme"), encoding="utf-8")
    text = text_of(src, tmp_path)
    # a proposal that refers to the parties' written agreement (the conventions' own clause)
    assert ("Les conventions spécifiques conclues pour la mise en œuvre de l'accord et en cours à la date "
            "de la présente lettre prennent fin en même temps que lui, à l'expiration du samedi "
            "18 mars 2023, à moins que les Parties ne conviennent par écrit de les mener à leur terme. "
            "Je vous propose, au nom du Département, de mener à leur terme") in text
    assert ("conclue jusqu'au 31 octobre 2023 : menée à son terme, le 31 octobre 2023, sous réserve de "
            "votre accord écrit ;") in text
    assert "seront menées à leur terme" not in text
    assert "prendront fin avec lui" not in text


def test_a_convention_names_its_axis_as_renewals_left_it(tmp_path: Path) -> None:
    """Axis 5 renamed by avenant n° 1 (June 2027): a letter sent in 2028 names it so."""
    src = dossier(tmp_path, replace=(("date_envoi: 2023-03-03", "date_envoi: 2028-03-01"),))
    avenant = copy_signed("avenant-1.yaml", tmp_path / "avenant-1.yaml").read_text(encoding="utf-8")
    old = "  - action: remplacer\n    axe: 5\n"
    assert old in avenant
    (tmp_path / "avenant-1.yaml").write_text(
        avenant.replace(old, old + "    titre: Sport et héritage des Jeux\n"), encoding="utf-8")
    convention(tmp_path, 5, 5, "Parasport dans les collèges", "2027-09-01", "2028-08-31", "2027-08-20")
    text = " ".join(text_of(src, tmp_path).split())
    assert "(axe n° 5 « Sport et héritage des Jeux »)" in text


def test_no_convention_in_progress_is_said(tmp_path: Path) -> None:
    src = dossier(tmp_path)
    convention(tmp_path, 1, 1, "Sensibilisation", "2022-09-15", "2023-02-28", "2022-09-12")
    text = text_of(src, tmp_path)
    assert ("Aucune convention spécifique conclue pour la mise en œuvre de l'accord n'est en cours à la "
            "date de la présente lettre.") in text


def test_unreadable_convention_is_reported_not_skipped(tmp_path: Path) -> None:
    src = dossier(tmp_path)
    convention(tmp_path, 3, 3, "Filière de réemploi", "2022-10-01", "2023-31-12", "2022-09-26")
    out = tmp_path / "out.docx"
    proc = run_cli("render", "lettre-resiliation", src, "-o", out)
    assert proc.returncode == 2
    assert "sort_conventions : convention spécifique convention-3.yaml invalide" in proc.stderr
    assert "date_fin : date invalide ou impossible" in proc.stderr and "« 2023-31-12 »" in proc.stderr
    assert not out.exists()


# --- Art. 12.4, another sender, overrides ------------------------------------------------

def test_article_12_4_states_the_facts(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE / "accord.yaml", tmp_path / "accord.yaml")
    src = tmp_path / "lettre.yaml"
    shutil.copy(GOOD_12_4, src)
    convention(tmp_path, 3, 3, "Collecte des équipements numériques", "2023-09-01", "2024-08-31", "2023-07-10")
    text = text_of(src, tmp_path)
    lines = text.splitlines()
    assert lines[0] == "ORANGE" and "V/Réf. : DAJ/2024/0012" in lines
    assert "LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION n° RR123456785FR" in lines
    assert "Issy-les-Moulineaux, le 14 février 2024" in lines
    assert "Monsieur le Président," in lines
    assert "je vous notifie la décision d'Orange de résilier cet accord en application de son article 12.4" in text
    assert "emploi de travailleurs non déclarés sur le site de tri," in lines
    assert "Aucune action corrective n'a été communiquée à Orange à ce jour." in lines
    # leap year: 14 February 2024 + 15 days = Thursday 29 February 2024
    assert "prendra donc effet à l'expiration du jeudi 29 février 2024" in text
    assert "jusqu'au 28 février 2029 inclus" in text
    assert "Je vous propose, au nom d'Orange, de mener à leur terme" in text
    assert "menée à son terme, le 31 août 2024, sous réserve de votre accord écrit." in text
    assert lines[-3:] == [
        "Je vous prie d'agréer, Monsieur le Président, l'expression de mes salutations distinguées.",
        "La Directrice Orange Ile-de-France,",
        "Laurence THOUVENY",
    ]


def test_letter_after_a_renewal_uses_the_renewed_term_and_representative(tmp_path: Path) -> None:
    src = dossier(tmp_path, replace=(("date_envoi: 2023-03-03", "date_envoi: 2028-09-05"),))
    copy_signed("avenant-1.yaml", tmp_path / "avenant-1.yaml")
    text = text_of(src, tmp_path)
    assert "Madame Claire DUMONT" in text.splitlines()  # Orange's representative since avenant n° 1
    assert "THOUVENY" not in text
    assert "Avenant n° 1 signé le 16 juin 2027, portant renouvellement de l'accord du 1er juillet 2027 au 30 juin 2032" in text
    assert "renouvelé jusqu'au 30 juin 2032 inclus" in text
    assert "prendra donc effet à l'expiration du mercredi 20 septembre 2028" in text


def test_renewal_signed_after_the_letter_is_not_mentioned(tmp_path: Path) -> None:
    src = dossier(tmp_path)
    copy_signed("avenant-1.yaml", tmp_path / "avenant-1.yaml")
    text = text_of(src, tmp_path)
    assert "Avenant" not in text and "THOUVENY" in text


# --- checks: French message naming the file and the field, exit 2, nothing written ------

BAD = [
    ("bad-lrar-format", "numero_lrar", "numéro de recommandé invalide : « 1A 123 456 7890 »"),
    ("bad-lrar-s10-cle", "numero_lrar", "chiffre de contrôle S10 incorrect"),
    ("bad-adresse-ligne-longue", "destinataire_adresse[1]", "ligne 2 : 57 caractères (38 au plus selon la norme La Poste"),
    ("bad-adresse-sept-lignes", "destinataire_adresse", "adresse de 7 lignes (6 au plus"),
    ("bad-adresse-ponctuation", "destinataire_adresse[3]", "ponctuation interdite sur la dernière ligne (« , »)"),
    ("bad-article-12-4-sans-faits", "faits", "obligatoire pour une résiliation au titre de l'article 12.4"),
    ("bad-envoi-avant-signature", "date_envoi", "envoi le 30/06/2022, avant la signature de l'accord (01/07/2022)"),
    ("bad-envoi-apres-echeance", "date_envoi", "après l'échéance de l'accord (en vigueur jusqu'au 30/06/2027 inclus)"),
    ("bad-preavis-apres-echeance", "date_envoi", "le préavis expirerait le 05/07/2027, après l'échéance de l'accord"),
    ("bad-date-impossible", "date_envoi", "date invalide ou impossible"),
    ("bad-courriel", "contact.email", "adresse électronique invalide"),
    ("bad-telephone", "contact.telephone", "numéro de téléphone invalide"),
    ("bad-expediteur-inconnu", "expediteur", "partie inconnue « region »"),
    ("bad-motif-inconnu", "motif", "valeur non permise : « article_9 »"),
]


def refused(src: Path, path: str, message: str) -> str:
    out = src.parent / "out" / "lettre.docx"
    proc = run_cli("render", "lettre-resiliation", src, "-o", out)
    assert proc.returncode == 2, proc.stderr
    assert str(src) in proc.stderr
    assert f"  - {path} : " in proc.stderr and message in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.parent.exists()
    return proc.stderr


@pytest.mark.parametrize(("name", "path", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_letter_is_refused(tmp_path: Path, name: str, path: str, message: str) -> None:
    src = dossier(tmp_path, LETTRES / f"{name}.yaml")
    stderr = refused(src, path, message)
    assert stderr.count("\n  - ") == 1, stderr  # only the fault the fixture carries


def test_valid_international_number_is_accepted(tmp_path: Path) -> None:
    src = dossier(tmp_path, replace=(("numero_lrar: 1A 123 456 7890 1", "numero_lrar: RR123456785FR"),))
    assert "n° RR123456785FR" in text_of(src, tmp_path)


def test_letter_sent_on_the_signature_day_is_accepted(tmp_path: Path) -> None:
    # "after the signature": the accord is in force from its signature day, so that day counts
    src = dossier(tmp_path, replace=(("date_envoi: 2023-03-03", "date_envoi: 2022-07-01"), *DECISION_2022))
    assert "prendra donc effet à l'expiration du samedi 16 juillet 2022" in text_of(src, tmp_path)


def test_delegation_mention_follows_the_represented_person(tmp_path: Path) -> None:
    accord = (EXAMPLE / "accord.yaml").read_text(encoding="utf-8").replace(
        "      civilite: Monsieur\n      prenom: Jean-François\n      nom: PARIGI\n"
        "      qualite: Président du Conseil départemental",
        "      civilite: Madame\n      prenom: Anne\n      nom: EXEMPLE\n"
        "      qualite: Présidente du Conseil départemental")
    src = dossier(tmp_path, accord=accord)
    lines = text_of(src, tmp_path).splitlines()
    assert lines[-4:] == ["Pour la Présidente et par délégation,",
                          "(arrêté n° 2022-DGS-014 du 1er septembre 2022 portant délégation de signature)",
                          "Le Directeur général des services,", "Alain FICTIF"]
    src.write_text(src.read_text(encoding="utf-8") + "  mention_delegation: Pour la Présidente du Conseil "
                   "départemental et par délégation\n", encoding="utf-8")
    lines = text_of(src, tmp_path).splitlines()
    assert lines[-4] == "Pour la Présidente du Conseil départemental et par délégation,"
    src.write_text(src.read_text(encoding="utf-8").replace("delegation: true", "delegation: false"),
                   encoding="utf-8")
    refused(src, "signataire.mention_delegation", "mention de délégation donnée sans délégation")


def test_second_termination_in_the_dossier_is_refused(tmp_path: Path) -> None:
    src = dossier(tmp_path)
    (tmp_path / "lettre-bis.yaml").write_text(
        src.read_text(encoding="utf-8").replace("date_envoi: 2023-03-03", "date_envoi: 2023-04-12"),
        encoding="utf-8")
    stderr = refused(src, "type", "l'accord est déjà résilié par une autre lettre du dossier : lettre-bis.yaml (envoi du 2023-04-12)")
    assert "un accord ne peut être résilié qu'une fois" in stderr
    refused(tmp_path / "lettre-bis.yaml", "type", "déjà résilié par une autre lettre du dossier : lettre.yaml")


def test_unsigned_accord_cannot_be_terminated(tmp_path: Path) -> None:
    accord = (EXAMPLE / "accord.yaml").read_text(encoding="utf-8").replace("  date: 2022-07-01\n", "")
    src = dossier(tmp_path, accord=accord)
    refused(src, "accord", "l'accord n'a pas de date de signature (signature.date vide dans accord.yaml)")


def test_default_address_too_long_points_at_the_accord(tmp_path: Path) -> None:
    accord = (EXAMPLE / "accord.yaml").read_text(encoding="utf-8").replace(
        "      - 111 quai du Président Roosevelt\n",
        "      - Immeuble Orange Lumière, 111 quai du Président Roosevelt\n")
    src = dossier(tmp_path, accord=accord)
    stderr = refused(src, "parties[1].adresse[0]", "ligne 4 : 56 caractères (38 au plus")
    assert "vient de accord.yaml (parties[1].adresse[0])" in stderr
    assert "destinataire_adresse" in stderr  # the way out: give the whole block in the letter


def test_three_parties_need_the_recipient(tmp_path: Path) -> None:
    accord = (EXAMPLE / "accord.yaml").read_text(encoding="utf-8")
    region = """  - cle: region
    nature: collectivite
    designation: La Région Île-de-France
    denomination: Région Île-de-France
    genre: feminin
    appellation: Région
    article: la
    adresse:
      - 2 rue Simone Veil
      - 93400 SAINT-OUEN-SUR-SEINE
    representant:
      civilite: Madame
      prenom: Anne
      nom: EXEMPLE
      qualite: Présidente du Conseil régional
    deliberation: {organe: Commission permanente, article: la, date: 2022-06-15,
                   transmission: 2022-06-20, publication: 2022-06-20}
"""
    accord = accord.replace("\npreambule:", f"{region}\npreambule:", 1).replace(
        "signataires: [orange, departement]", "signataires: [orange, departement, region]")
    src = dossier(tmp_path, accord=accord)
    refused(src, "destinataire", "obligatoire : l'accord a 3 parties, indiquez laquelle reçoit la lettre (orange, region)")
    src.write_text(src.read_text(encoding="utf-8").replace(
        "expediteur: departement", "expediteur: departement\ndestinataire: region"), encoding="utf-8")
    text = text_of(src, tmp_path)
    assert "Madame Anne EXEMPLE" in text and "Madame," in text


# --- LibreOffice and papermill ----------------------------------------------------------

def test_letter_prints_on_one_or_two_pages(example_docx: Path, tmp_path: Path) -> None:
    pdf = to_pdf(example_docx, tmp_path)
    assert pdf_pages(pdf) in (1, 2)
    assert "18 mars 2023" in pdf_text(pdf)


def test_long_letter_still_prints_on_two_pages_at_most(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE / "accord.yaml", tmp_path / "accord.yaml")
    src = tmp_path / "lettre.yaml"
    shutil.copy(GOOD_12_4, src)
    for n in range(1, 7):
        convention(tmp_path, n, n, "Expérimentation d'un parcours de visite en réalité augmentée au "
                   f"château de Blandy-les-Tours et sur {n} autres sites du patrimoine départemental",
                   "2023-09-01", "2024-08-31", "2023-07-10")
    out = tmp_path / "long.docx"
    accordgen.render(accordgen.load(src), out)
    pdf = to_pdf(out, tmp_path)
    assert pdf_pages(pdf) in (1, 2)
    assert "Laurence THOUVENY" in pdf_text(pdf)


def test_notebook_through_papermill(tmp_path: Path) -> None:
    kind = accordgen.get_kind("lettre-resiliation")
    executed = run_notebook(kind, SCENARIO, tmp_path, tmp_path / "run.ipynb")
    assert executed.exists()
    text = document_text(tmp_path / "lettre-resiliation-2023-03-03.docx")
    assert "prendra donc effet à l'expiration du samedi 18 mars 2023" in text


def test_notebook_with_invalid_letter_fails_with_the_message(tmp_path: Path) -> None:
    src = dossier(tmp_path, LETTRES / "bad-lrar-s10-cle.yaml")
    with pytest.raises(NotebookError) as err:
        run_notebook(accordgen.get_kind("lettre-resiliation"), src, tmp_path / "out", tmp_path / "run.ipynb")
    assert "numero_lrar" in str(err.value) and "chiffre de contrôle S10 incorrect" in str(err.value)
    assert not list(tmp_path.rglob("*.docx"))


def test_model_dates_come_from_the_date_rules() -> None:
    from accordgen.kinds.lettre import date_effet, fin_confidentialite

    doc = accordgen.load(SCENARIO)
    assert date_effet(doc.params, doc.accord) == date(2023, 3, 18)
    assert fin_confidentialite(doc.params, doc.accord) == date(2028, 3, 18)


def test_point_01_a_letter_lists_only_conventions_signed_on_its_sending_date(tmp_path: Path) -> None:
    """Issue 16, point 1: an unsigned draft, a final text not dated yet and a convention signed
    after the letter are not « conclues … en cours »: the letter leaves them out, and `check`
    says which ones it left out."""
    src = dossier(tmp_path)
    convention(tmp_path, 4, 4, "Visite en réalité augmentée", "2022-11-01", "2023-10-31", "2022-10-20")
    convention(tmp_path, 2, 2, "Ateliers d'inclusion numérique", "2023-01-09", "2023-06-30")  # draft
    convention(tmp_path, 3, 3, "Filière de réemploi", "2023-01-09", "2023-06-30",
               statut="definitif")  # final text, no signature date
    convention(tmp_path, 6, 6, "Visites des laboratoires", "2025-04-01", "2025-12-31",
               "2025-03-01")  # signed two years after the letter
    text = " ".join(text_of(src, tmp_path).split())
    assert "la convention spécifique n° 4 du 20 octobre 2022" in text
    for n in (2, 3, 6):
        assert f"convention spécifique n° {n} " not in text
    proc = run_cli("check", "lettre-resiliation", src)
    assert proc.returncode == 0, proc.stderr
    out = normalise(proc.stdout)
    assert "Non mentionnées (non signées à la date d'envoi) : convention-2.yaml, convention-3.yaml, convention-6.yaml" in out
    assert "Attention : sort_conventions : conventions du dossier non signées à la date d'envoi" in out
