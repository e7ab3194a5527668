"""Wording defects a Département's legal service found (issue 16): each test is named after the
point it covers and asserts the text of the generated document."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import accordgen
from accordgen.tools.text import document_text

from conftest import EXAMPLE

SCENARIO = EXAMPLE / "scenarios" / "lettre-resiliation-2023.yaml"


def edited(source: Path, *edits: tuple[str, str]) -> str:
    """The text of ``source`` with each (old, new) replaced once (old must be there)."""
    text = source.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def dossier(folder: Path, *accord_edits: tuple[str, str], **files: str) -> Path:
    """A dossier in ``folder``: the example accord with ``accord_edits``, plus ``files``
    (name with "_" for "-" and no extension -> YAML text)."""
    (folder / "accord.yaml").write_text(edited(EXAMPLE / "accord.yaml", *accord_edits), encoding="utf-8")
    for name, text in files.items():
        (folder / f"{name.replace('_', '-')}.yaml").write_text(text, encoding="utf-8")
    return folder


def text(path: Path) -> str:
    """The body text of the document ``path`` describes, one paragraph per line."""
    return document_text(accordgen.render_bytes(accordgen.load(path)))


ONE_YEAR = ("duree: {valeur: 5, unite: ans}", "duree: {valeur: 1, unite: ans}")
ONE_MONTH_REPLY = ("delai_reponse_communication: {valeur: 15, unite: jours}",
                   "delai_reponse_communication: {valeur: 1, unite: mois}")


def letter_yaml(*edits: tuple[str, str]) -> str:
    return edited(SCENARIO, ("accord: ../accord.yaml", "accord: accord.yaml"), *edits)


def scenario_letter(folder: Path, *edits: tuple[str, str]) -> Path:
    """The example letter as a scenario of ``folder`` (``scenarios/lettre.yaml``): beside
    renewals signed after it took effect, a letter of the dossier itself would end the accord
    and have them refused."""
    (folder / "scenarios").mkdir(exist_ok=True)
    path = folder / "scenarios" / "lettre.yaml"
    path.write_text(edited(SCENARIO, *edits), encoding="utf-8")
    return path


EXECUTOIRE_2023 = (("transmission: 2027-05-27", "transmission: 2023-05-26"),
                   ("publication: 2027-05-28", "publication: 2023-05-26"))
"""The example amendment's délibération moved to 2023: transmitted and published two days later."""
SIGNE = ("\nstatut: projet\n", "\nstatut: definitif\n")
"""The example amendment marked final: with its date, it counts as signed."""


# --- point 6: « d'un (1) an », never « de un (1) an » ------------------------------------

def test_point_06_elision_d_un(tmp_path: Path) -> None:
    avenant = edited(EXAMPLE / "avenant-1.yaml", ("date: 2027-05-24", "date: 2023-05-24"),
                     ("date: 2027-06-16", "date: 2023-06-16"), *EXECUTOIRE_2023, SIGNE)
    avenant_2 = avenant.replace("numero: 1\n", "numero: 2\n", 1).replace(
        "date: 2023-05-24", "date: 2024-05-24").replace("date: 2023-06-16", "date: 2024-06-17").replace(
        ": 2023-05-26", ": 2024-05-27")
    avenant_2 = re.sub(r"\nrepresentants:.*?(?=\n\S)", "", avenant_2, flags=re.S)
    avenant_2 = re.sub(r"\nmodifications:.*?(?=\n\S)", "", avenant_2, flags=re.S)
    folder = dossier(tmp_path, ONE_YEAR, ONE_MONTH_REPLY, avenant_1=avenant, avenant_2=avenant_2)
    lettre = scenario_letter(folder, ("date_envoi: 2023-03-03", "date_envoi: 2023-03-06"))
    shutil.copy(EXAMPLE / "convention-5.yaml", folder / "convention-5.yaml")
    texts = {name: text(folder / f"{name}.yaml") for name in ("accord", "avenant-2", "convention-5")}
    texts["lettre"] = text(lettre)
    for name, body in texts.items():
        assert "de un" not in body, name
    assert "conclu le 1er juillet 2022 pour une durée d'un (1) an, soit jusqu'au 30 juin 2023" in texts["avenant-2"]
    assert "les Parties l'ont renouvelé pour une nouvelle durée d'un (1) an, du 1er juillet 2023" in texts["avenant-2"]
    assert "L'accord est renouvelé pour une nouvelle durée d'un (1) an, du 1er juillet 2024" in texts["avenant-2"]
    assert "un accord de coopération, pour une durée d'un (1) an" in texts["convention-5"]
    assert "dans un délai maximum d'un (1) mois à compter de la réception" in texts["convention-5"]
    assert "conclu pour une durée d'un (1) an à compter de sa signature" in texts["lettre"]


# --- point 12: the ACTES acknowledgement is the délibération's, not the accord's ------------

NUMBERED = ("      date: 2022-06-17\n", "      date: 2022-06-17\n      numero: CD-2022-06-17-023\n")


def test_point_12_actes_de_la_deliberation(tmp_path: Path) -> None:
    folder = dossier(tmp_path, NUMBERED, lettre=letter_yaml())
    accord = text(folder / "accord.yaml").splitlines()
    assert accord[1] == (
        "Délibération n° CD-2022-06-17-023 du Conseil départemental du 17 juin 2022, transmise au "
        "représentant de l'État le 24 juin 2022, accusé de réception "
        "n° 077-227700010-20220617-lmc100000023831-DE")
    assert accord[2:4] == ["Réception par le préfet : 24/06/2022", "Publication RAAD : 24/06/2022"]
    assert "Acte certifié exécutoire" not in accord
    lettre = text(folder / "lettre.yaml")
    assert ("signé à Melun le 1er juillet 2022, autorisé par la délibération n° CD-2022-06-17-023 du "
            "Conseil départemental du 17 juin 2022 (accusé de réception en préfecture de la "
            "délibération n° 077-227700010-20220617-lmc100000023831-DE)") in lettre
    assert "accusé de réception ACTES" not in lettre


# --- point 15: under `fin_de_terme: anniversaire`, no « trois (3) ans » for three years and a day

ANNIVERSAIRE = ("fin_de_terme: veille_anniversaire", "fin_de_terme: anniversaire")
THREE_YEARS = ("duree: {valeur: 5, unite: ans}", "duree: {valeur: 3, unite: ans}")


def test_point_15_anniversaire_wording_and_no_drift(tmp_path: Path) -> None:
    avenant = edited(EXAMPLE / "avenant-1.yaml", ("date: 2027-05-24", "date: 2025-05-26"),
                     ("date: 2027-06-16", "date: 2025-06-16"),
                     ("transmission: 2027-05-27", "transmission: 2025-05-28"),
                     ("publication: 2027-05-28", "publication: 2025-05-28"), SIGNE)
    folder = dossier(tmp_path, ANNIVERSAIRE, THREE_YEARS, avenant_1=avenant)
    lettre = scenario_letter(folder, ("date_envoi: 2023-03-03", "date_envoi: 2023-03-06"))
    accord = text(folder / "accord.yaml")
    assert ("Le présent Accord entre en vigueur à la date de sa signature. Il est conclu pour une "
            "période de trois (3) ans décomptée à partir du lendemain de sa signature, soit jusqu'au "
            "1er juillet 2025 inclus, et s'applique ainsi du 1er juillet 2022 au 1er juillet 2025 "
            "inclus.") in accord
    assert "trois (3) ans, à compter de sa signature, soit du 1er juillet 2022 au 1er juillet 2025" not in accord
    avenant_text = text(folder / "avenant-1.yaml")
    assert ("a été conclu le 1er juillet 2022 pour une durée de trois (3) ans décomptée à partir du "
            "lendemain de sa signature, soit jusqu'au 1er juillet 2025 inclus.") in avenant_text
    # the renewal lasts exactly three years: from the day after the end to the next anniversary
    assert ("L'accord est renouvelé pour une nouvelle durée de trois (3) ans, du 2 juillet 2025 au "
            "1er juillet 2028 inclus.") in avenant_text
    assert ("conclu pour une durée de trois (3) ans décomptée à partir du lendemain de sa signature."
            in text(lettre))
    (folder / "version-consolidee.yaml").write_text("type: accord-consolide\naccord: accord.yaml\n",
                                                    encoding="utf-8")
    assert ("l'Accord a été renouvelé pour une période de trois (3) ans, soit du 2 juillet 2025 au "
            "1er juillet 2028 inclus.") in text(folder / "version-consolidee.yaml")
    # default convention (eve of the anniversary): the wording is unchanged
    (tmp_path / "veille").mkdir()
    default = text(dossier(tmp_path / "veille", THREE_YEARS) / "accord.yaml")
    assert ("Le présent Accord est conclu pour une période de trois (3) ans, à compter de sa "
            "signature, soit du 1er juillet 2022 au 30 juin 2025 inclus.") in default


# --- point 10: conventions run to their term only with both parties' written agreement ------

def test_point_10_conventions_menees_a_terme_sur_accord_ecrit(tmp_path: Path) -> None:
    folder = dossier(tmp_path, lettre=letter_yaml(
        ("sort_conventions: resiliees", "sort_conventions: menees_a_terme")))
    for n in (2, 5):
        shutil.copy(EXAMPLE / f"convention-{n}.yaml", folder / f"convention-{n}.yaml")
    lettre = text(folder / "lettre.yaml")
    assert "seront menées à leur terme" not in lettre
    assert ("prennent fin en même temps que lui, à l'expiration du samedi 18 mars 2023, à moins que "
            "les Parties ne conviennent par écrit de les mener à leur terme. Je vous propose, au nom "
            "du Département, de mener à leur terme, selon leurs propres stipulations, celles qui "
            "s'achèvent après cette date, et vous remercie de me faire connaître votre accord écrit "
            "avant celle-ci ; à défaut, elles prendront fin avec l'accord :") in lettre
    assert "conclue jusqu'au 31 décembre 2023 : menée à son terme, le 31 décembre 2023, sous réserve de votre accord écrit." in lettre
    convention = text(folder / "convention-2.yaml")
    assert "en aucun cas" not in convention
    assert ("Elle ne peut se poursuivre au-delà du terme prévu de l'accord de coopération qu'elle met "
            "en œuvre, soit le 30 juin 2027. Si l'accord prend fin avant ce terme, notamment par "
            "résiliation dans les conditions de son article 7, la présente convention prend fin à la "
            "même date, sauf si les Parties conviennent par écrit, avant cette date, de la mener à son "
            "propre terme ; elle demeure alors régie par ses stipulations jusqu'à ce terme.") in convention


# --- point 17: wording for more than two parties ---------------------------------------------

TROIS = Path(__file__).resolve().parent / "data" / "accord" / "good-trois-parties"


def test_point_17_plus_de_deux_parties() -> None:
    texts = {name: text(TROIS / f"{name}.yaml") for name in ("accord", "convention-1", "lettre")}
    for name, body in texts.items():
        assert "l'autre Partie" not in body and "l'autre partie" not in body, name
        assert "à l'autre," not in body and "informe l'autre " not in body, name
    accord = texts["accord"]
    assert ("Chaque partie s'engage à transmettre à chacune des autres parties, pour accord préalable "
            "écrit, tout projet de communication. Chacune d'elles fera connaître sa décision") in accord
    assert ("suivant l'envoi à chacune des autres Parties d'une lettre recommandée avec accusé de "
            "réception.") in accord
    assert "vis-à-vis des autres partenaires, et d'établir, en concertation avec ses homologues," in accord
    assert "Chacune des Parties devra informer les autres Parties dans les meilleurs délais" in accord
    assert "chacune des autres Parties pourra résilier l'Accord" in accord
    convention = texts["convention-1"]
    assert ("chaque Partie transmet aux autres, pour accord préalable écrit, tout projet de "
            "communication ; chacune d'elles fait connaître sa décision") in convention
    assert "Chaque Partie informe les autres sans délai, par écrit, de tout changement de référent" in convention
    assert "chacune des autres Parties restitue ou détruit les Informations Confidentielles" in convention
    assert "chacune des autres Parties peut résilier la présente convention" in convention
    assert "suivant l'envoi à chacune des autres Parties d'une lettre recommandée" in texts["lettre"]


def test_point_17_deux_parties_inchangees() -> None:
    accord = text(EXAMPLE / "accord.yaml")
    assert "Chaque partie s'engage à transmettre à l'autre partie, pour accord préalable écrit" in accord
    assert "suivant l'envoi à l'autre Partie d'une lettre recommandée" in accord
    assert "chacune des autres Parties" not in accord


# --- point 18: the default title names each party with its article --------------------------

def test_point_18_titre_avec_articles() -> None:
    assert text(TROIS / "accord.yaml").splitlines()[0] == (
        "ACCORD DE COOPÉRATION ENTRE LE DÉPARTEMENT DE LA HAUTE-VIENNE, LA SOCIÉTÉ ARMOR RÉSEAUX "
        "ET L'AGENCE RÉGIONALE DU NUMÉRIQUE DU LIMOUSIN")
    assert text(TROIS / "lettre.yaml").count(
        "Réf. : ACCORD DE COOPÉRATION ENTRE LE DÉPARTEMENT DE LA HAUTE-VIENNE, LA SOCIÉTÉ ARMOR") == 1
    # a title given in the dossier is printed as given (the example's: the seed's, proof-read)
    assert text(EXAMPLE / "accord.yaml").splitlines()[0] == (
        "ACCORD DE COOPÉRATION ENTRE LE DÉPARTEMENT DE SEINE-ET-MARNE ET ORANGE")


# --- point 20: gaps in the accord's axis numbers are refused ---------------------------------

def test_point_20_trou_dans_les_axes_refuse(tmp_path: Path) -> None:
    from conftest import run_cli

    src = tmp_path / "accord.yaml"
    src.write_text(edited(TROIS / "accord.yaml", ("  - numero: 3\n", "  - numero: 4\n")), encoding="utf-8")
    out = tmp_path / "accord.docx"
    proc = run_cli("render", "accord", src, "-o", out)
    assert proc.returncode == 2
    assert str(src) in proc.stderr or "accord.yaml" in proc.stderr
    assert ("axes[2].numero : axe n° 4 : la numérotation des axes a un trou (pas d'axe n° 3) ; "
            "numérotez les axes de l'accord à la suite à partir de 1") in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()
    # numbering that does not start at 1 (axes 4, 2, 3: the hole is before axis 2, listed second)
    src.write_text(edited(TROIS / "accord.yaml", ("  - numero: 1\n", "  - numero: 4\n")), encoding="utf-8")
    proc = run_cli("check", "accord", src)
    assert proc.returncode == 2
    assert "axes[1].numero : axe n° 2 : la numérotation des axes a un trou (pas d'axe n° 1)" in proc.stderr


def test_point_10_pas_de_proposition_sans_convention_au_dela(tmp_path: Path) -> None:
    """Only conventions ending before the accord: nothing to propose, each ends at its term."""
    folder = dossier(tmp_path, lettre=letter_yaml(
        ("sort_conventions: resiliees", "sort_conventions: menees_a_terme"),
        ("date_envoi: 2023-03-03", "date_envoi: 2023-02-20"), ("  date: 2023-02-27", "  date: 2023-02-13"),
        ("transmission: 2023-03-01", "transmission: 2023-02-15"),
        ("publication: 2023-03-01", "publication: 2023-02-15")))
    shutil.copy(EXAMPLE / "convention-5.yaml", folder / "convention-5.yaml")
    lettre = text(folder / "lettre.yaml")
    assert "Je vous propose" not in lettre
    assert ("à moins que les Parties ne conviennent par écrit de les mener à leur terme. :" not in lettre)
    assert "à moins que les Parties ne conviennent par écrit de les mener à leur terme :" in lettre
    assert "conclue jusqu'au 28 février 2023 : fin à son terme, le 28 février 2023." in lettre
