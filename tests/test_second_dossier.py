"""The second dossier (issue 16, criterion 3): the Département du Gers and AGRINUM GASCOGNE, a
SARL. Nothing of the example may appear in it; a female president; a three-year term renewed
twice (one amendment renames an axis, the other closes one and adds one); a convention with a
price under a public contract, one with joint controllers; a termination letter; a
consolidated version. Golden texts for every document, then the defects its legal reading found,
and the named tests of issue 16's points 5, 7 and 8."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import accordgen
from accordgen.tools.text import document_text

from conftest import DATA, EXAMPLE, check_golden, golden_text, run_cli

GERS = DATA / "gers-gascogne-2019"
NAME = GERS.name
DOCUMENTS = {
    "accord": "accord",
    "avenant-1": "avenant-renouvellement",
    "avenant-2": "avenant-renouvellement",
    "convention-1": "convention-specifique",
    "convention-2": "convention-specifique",
    "lettre-resiliation": "lettre-resiliation",
    "version-consolidee": "accord-consolide",
}
# What the example dossier (Seine-et-Marne, Orange) would leak into another one.
EXAMPLE_VALUES = ("Seine-et-Marne", "seine-et-marnais", "Orange", "ORANGE", "Melun", "MELUN",
                  "PARIGI", "THOUVENY", "DUMONT", "Nanterre", "Issy", "Blandy", "77010",
                  "departement77", "227700010", "380129866", "380 129 866", "tribunal de Commerce",
                  "MyStage77", "RSA")


def flat(text: str) -> str:
    """No-break and narrow no-break spaces as plain spaces, typographic apostrophes as straight
    ones: the assertions hold whatever the typography of the output."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2019", "'")


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("gers")
    return {stem: golden_text(accordgen.render(accordgen.load(GERS / f"{stem}.yaml"), out / f"{stem}.docx"))
            for stem in DOCUMENTS}


@pytest.mark.parametrize("stem", sorted(DOCUMENTS))
def test_golden_text(texts: dict[str, str], stem: str) -> None:
    check_golden(f"{NAME}-{stem}.txt", texts[stem])


RESILIATION = ("la lettre de résiliation lettre-resiliation.yaml, envoyée le 14 septembre 2026, y met "
               "fin à l'expiration du 14 novembre 2026")


@pytest.mark.parametrize("stem", sorted(DOCUMENTS))
def test_check_is_clean(stem: str) -> None:
    """Every document is valid and `check` warns about nothing, except, on the consolidated
    version, that the accord has since been terminated (intended)."""
    result = run_cli("check", DOCUMENTS[stem], GERS / f"{stem}.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    out = flat(result.stdout + result.stderr)
    warnings = [line.strip() for line in out.splitlines() if "Attention" in line]
    if stem == "version-consolidee":
        assert warnings == [f"Attention : accord : l'accord est résilié : {RESILIATION} ; la version "
                            "consolidée donne son texte tel que ses avenants l'ont laissé, non un accord "
                            "en vigueur après cette date"]
        assert "Résiliation : lettre-resiliation.yaml, envoyée le 14 septembre 2026 : l'accord prend fin à " \
               "l'expiration du 14 novembre 2026" in out
    else:
        assert warnings == []


def test_nothing_of_the_example_leaks(texts: dict[str, str]) -> None:
    for stem, text in texts.items():
        leaked = [v for v in EXAMPLE_VALUES if re.search(rf"\b{re.escape(v)}\b", text)]
        assert not leaked, f"{stem} : {leaked}"


def test_agreement_with_each_party_and_each_person(texts: dict[str, str]) -> None:
    accord, avenant, lettre = (flat(texts[k]) for k in ("accord", "avenant-1", "lettre-resiliation"))
    # The Département (masculine) is represented by its President (a woman).
    assert ("Le Département du Gers, situé à l'Hôtel du Département, 81 route de Pessan, 32022 Auch "
            "cedex 9, représenté par Madame Hélène CASTAING, Présidente du Conseil départemental, "
            "habilitée aux présentes par délibération n° CP-2019-09-23-014") in accord
    assert "Ci-après désigné par « Département »" in accord
    # The company (feminine) by its manager: a man in the accord, a woman after amendment n° 1.
    assert "représentée par Monsieur Pierre LABORDE, dûment habilité à la signature" in accord
    assert "Ci-après désignée par « Agrinum »" in accord
    assert "représentée par Madame Élodie SARRAUTE, dûment habilitée à la signature du présent avenant" in avenant
    assert "Agrinum est représentée au titre de l'accord par Madame Élodie SARRAUTE, Gérante" in avenant
    # The letter: signed for the President (a woman), addressed to the manager (a woman).
    assert "Pour la Présidente et par délégation," in lettre and "La Directrice générale des services," in lettre
    assert "Madame,\n" in lettre and "Je vous prie d'agréer, Madame," in lettre
    assert "Président " not in lettre and "Pour le Président" not in lettre


def test_dates_of_a_three_year_term_renewed_twice_and_a_two_month_notice(texts: dict[str, str]) -> None:
    t = {k: flat(v) for k, v in texts.items()}
    assert "soit du 7 octobre 2019 au 6 octobre 2022 inclus" in t["accord"]
    assert "préavis de deux (2) mois suivant l'envoi" in t["accord"]
    assert "pour une nouvelle durée de trois (3) ans, du 7 octobre 2022 au 6 octobre 2025 inclus" in t["avenant-1"]
    assert "pour une nouvelle durée de trois (3) ans, du 7 octobre 2025 au 6 octobre 2028 inclus" in t["avenant-2"]
    # Posted Monday 14 September 2026: two months end on the same day number, no weekend shift.
    assert "prendra donc effet à l'expiration du samedi 14 novembre 2026" in t["lettre-resiliation"]
    assert "soit jusqu'au 14 novembre 2029 inclus" in t["lettre-resiliation"]
    # The convention signed in 2023 is bound by the term in force then, the 2025 one by the next.
    assert "soit le 6 octobre 2025" in t["convention-1"] and "soit le 6 octobre 2028" in t["convention-2"]


def test_axes_renamed_closed_and_added(texts: dict[str, str]) -> None:
    t = {k: flat(v) for k, v in texts.items()}
    assert ("l'axe de coopération n° 2 « Ressource en eau » est modifié comme suit.\nSon intitulé est "
            "remplacé par l'intitulé suivant : « Gestion durable de la ressource en eau ».") in t["avenant-1"]
    assert ("L'axe de coopération n° 3 « Inclusion numérique en milieu rural », défini à l'article 2 de "
            "l'accord, est clos") in t["avenant-2"]
    assert "Il est ajouté à l'article 2 de l'accord un axe de coopération n° 4 ainsi rédigé :" in t["avenant-2"]
    assert ("Axe de coopération n° 2 : Gestion durable de la ressource en eau\n[Modifié (intitulé) par "
            "l'avenant n° 1 signé le 4 juillet 2022]") in t["version-consolidee"]
    assert ("Axe de coopération n° 3 : Inclusion numérique en milieu rural\n[Axe clos par l'avenant n° 2 "
            "signé le 7 juillet 2025]\nAxe de coopération n° 4 : Tourisme rural et itinérance") in t["version-consolidee"]
    # The convention signed after amendment n° 2 implements the axis it added.
    assert "portant application de l'axe n° 4 « Tourisme rural et itinérance »" in t["convention-2"]


# --- defects found by the legal reading, each fixed ---------------------------------------

def test_rcs_greffe_elides_de(texts: dict[str, str]) -> None:
    """« RCS de Auch » is not French: « d'Auch » (templates accord, avenant, convention)."""
    for stem in ("accord", "avenant-1", "convention-1", "version-consolidee"):
        assert "Registre du Commerce et des Sociétés d'Auch sous le numéro" in flat(texts[stem]), stem
        assert "Sociétés de Auch" not in texts[stem]


def test_letter_names_a_convention_by_its_object(texts: dict[str, str]) -> None:
    """The letter listed « la convention … relative à « Mesure de la fréquentation … » »: an object
    is a nominal group without article; the letter says « ayant pour objet »."""
    lettre = flat(texts["lettre-resiliation"])
    assert ("la convention spécifique n° 2 du 17 novembre 2025 ayant pour objet « Mesure de la "
            "fréquentation et information des randonneurs") in lettre
    assert "relative à «" not in lettre


def test_joint_controllers_act_together(texts: dict[str, str]) -> None:
    """Art. 26 GDPR: with two controllers, neither « the controller » alone notifies a breach or
    consents to a transfer: the contact point notifies, the joint controllers consent."""
    text = flat(texts["convention-2"])
    assert "afin que le Département, point de contact, puisse la notifier" in text
    assert "sans l'accord écrit préalable des responsables conjoints" in text
    assert "du responsable du traitement" not in text


def test_check_shows_the_price_of_the_library_variant() -> None:
    """`check` said « Contrepartie : aucune : convention à titre gratuit » for a convention whose
    financial article (library variant prix-marche-public) states a price."""
    out = flat(run_cli("check", "convention-specifique", GERS / "convention-1.yaml").stdout)
    assert ("Contrepartie : Prix payé au titre d'un marché public – Référence du marché public : "
            "n° 2023-AGR-07 (procédure adaptée) ; Date de conclusion : 10 mars 2023") in out
    assert "Montant hors taxes du marché : 18 400,00 € (dix-huit mille quatre cents euros)" in out
    assert "titre gratuit" not in out
    assert "Litiges : Tribunal administratif – Siège du tribunal administratif : Pau" in out
    assert "au moins 1 réunion par an" in out and "réunion(s)" not in out


# --- issue 16, point 5: the jurisdiction clause -------------------------------------------

def _variant(tmp_path: Path, stem: str, old: str, new: str) -> Path:
    """A copy of the Gers dossier where ``stem``'s YAML has ``old`` replaced by ``new``."""
    folder = tmp_path / NAME
    folder.mkdir(exist_ok=True)
    for f in GERS.glob("*.yaml"):
        (folder / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    path = folder / f"{stem}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _refused(kind: str, src: Path, tmp_path: Path) -> str:
    out = tmp_path / "sortie.docx"
    result = run_cli("render", kind, src, "-o", out)
    assert result.returncode == 2, result.stdout + result.stderr
    assert not out.exists() and "Traceback" not in result.stderr and src.name in result.stderr
    return flat(result.stderr)


def test_point_05_tribunal_de_commerce_refuse_pour_une_collectivite(tmp_path: Path) -> None:
    src = _variant(tmp_path, "convention-1", "    variante: tribunal-administratif\n    tribunal: Pau\n",
                   "    variante: tribunal-activites-economiques\n    tribunal: Auch\n")
    err = _refused("convention-specifique", src, tmp_path)
    assert "clauses.litiges.variante : la variante « tribunal-activites-economiques »" in err
    assert "une collectivité n'est pas commerçante" in err and "article L. 721-3 du Code de commerce" in err


def test_point_05_tribunal_administratif_par_defaut(tmp_path: Path) -> None:
    """A new convention names the administrative court, never the seed's commercial court: in the
    example dossier, whose accord (signed in 2022) still says « tribunal de Commerce de Paris »,
    and in the Gers dossier (convention n° 2 chooses no variant)."""
    gers = flat(document_text(accordgen.render(accordgen.load(GERS / "convention-2.yaml"), tmp_path / "g.docx")))
    ex = flat(document_text(accordgen.render(accordgen.load(EXAMPLE / "convention-4.yaml"), tmp_path / "e.docx")))
    for text in (gers, ex):
        litiges = text[text.index("DROIT APPLICABLE – LITIGES"):text.index("Fait à")]
        assert "le litige est porté devant le tribunal administratif territorialement compétent" in litiges
        assert "relèvent de la juridiction administrative" in litiges
        assert "ommerce" not in litiges and "activités économiques" not in litiges


# --- issue 16, point 7: the consolidated version's comparution ------------------------------

def test_point_07_comparution_telle_que_signee_et_representants_actuels_en_note(texts: dict[str, str]) -> None:
    text = flat(texts["version-consolidee"])
    lines = text.splitlines()
    # The note names every party's current representative, and says the comparution is the signed one.
    assert ("Représentants des Parties à la date de cette version : Madame Hélène CASTAING, Présidente "
            "du Conseil départemental, pour le Département ; Madame Élodie SARRAUTE, Gérante, pour "
            "Agrinum (la comparution ci-dessous est celle de l'accord signé).") in text
    # The comparution and the signature blocks are those of 2019: the manager who signed.
    assert "représentée par Monsieur Pierre LABORDE, dûment habilité à la signature de la présente" in text
    assert "Pour la société AGRINUM GASCOGNE,\nLe Gérant\nPierre LABORDE" in text
    # The current manager is named only in the note: no authority is claimed for her.
    assert [i for i, line in enumerate(lines) if "SARRAUTE" in line] == [2]
    assert "habilitée aux présentes par délibération n° CP-2019-09-23-014" in text  # the President, in 2019


# --- issue 16, point 8: the nature of the consideration --------------------------------------

@pytest.mark.parametrize("reference", ["néant", "Néant.", "sans objet", "N/A", "-", "à compléter"])
def test_point_08_neant_n_est_pas_une_reference_de_marche(tmp_path: Path, reference: str) -> None:
    src = _variant(tmp_path, "convention-1", "    reference: n° 2023-AGR-07 (procédure adaptée)\n",
                   f"    reference: \"{reference}\"\n")
    err = _refused("convention-specifique", src, tmp_path)
    assert f"clauses.contrepartie.reference : « {reference} » n'est pas une référence : indiquez celle du marché public" in err
    assert "code de la commande publique, art. L. 1111-1" in err


def test_point_08_neant_refuse_dans_le_bloc_contrepartie_financiere(tmp_path: Path) -> None:
    src = _variant(tmp_path, "convention-1", PRIX, "")
    text = src.read_text(encoding="utf-8").replace("\ndeliberations:", """
contrepartie_financiere:
  description: le relevé des sondes
  montant: 18400.00
  payeur: gers
  beneficiaire: agrinum
  reference_commande_publique: néant

deliberations:""", 1)
    src.write_text(text, encoding="utf-8")
    err = _refused("convention-specifique", src, tmp_path)
    assert "contrepartie_financiere.reference_commande_publique : « néant » n'est pas une référence" in err


SUBVENTION = """  contrepartie:
    variante: subvention
    financeur: gers
    beneficiaire: agrinum
    montant: 5000.00
    objet_subvention: l'achat des sondes
    acte: {acte}
"""
REDEVANCE = """  contrepartie:
    variante: redevance-occupation
    dependance: la salle d'exposition de la Maison de l'agriculture
    occupant: agrinum
    proprietaire: gers
    montant: 1200.00
    periodicite: par an
    acte: la délibération n° CP-2023-01-09-003 fixant les tarifs d'occupation du domaine public
"""
PRIX = """  contrepartie:
    variante: prix-marche-public
    reference: n° 2023-AGR-07 (procédure adaptée)
    date_marche: 2023-03-10
    prestations: la fourniture, l'installation et le relevé des sondes d'humidité des sols
    acheteur: gers
    titulaire: agrinum
    montant: 18400.00
"""


def test_point_08_acte_de_subvention_neant_refuse(tmp_path: Path) -> None:
    src = _variant(tmp_path, "convention-1", PRIX, SUBVENTION.format(acte="sans objet"))
    err = _refused("convention-specifique", src, tmp_path)
    assert "clauses.contrepartie.acte : « sans objet » n'est pas une référence : indiquez celle de l'acte" in err


@pytest.mark.parametrize(("variante", "heading"), [
    (SUBVENTION.format(acte="la délibération n° CP-2023-04-03-046 de la Commission permanente du 3 avril 2023"),
     "ARTICLE 4 : DISPOSITIONS FINANCIÈRES – SUBVENTION"),
    (REDEVANCE, "ARTICLE 4 : DISPOSITIONS FINANCIÈRES – REDEVANCE D'OCCUPATION DU DOMAINE PUBLIC"),
    (PRIX, "ARTICLE 4 : DISPOSITIONS FINANCIÈRES – COMMANDE PUBLIQUE"),
], ids=["subvention", "redevance", "prix"])
def test_point_08_intitule_de_l_article_financier_selon_la_contrepartie(tmp_path: Path, variante: str,
                                                                       heading: str) -> None:
    """A subsidy or a fee for occupying the public domain is not public procurement: the heading
    of the financial article says what the consideration is (found reading the second dossier)."""
    src = _variant(tmp_path, "convention-1", PRIX, variante)
    text = flat(document_text(accordgen.render(accordgen.load(src), tmp_path / "c.docx")))
    assert heading in text.splitlines()


@pytest.mark.parametrize(("variante", "must"), [
    (SUBVENTION.format(acte="la délibération n° CP-2023-04-03-046 de la Commission permanente du 3 avril 2023"),
     ("Le Département attribue à Agrinum une subvention de 5 000,00 € (cinq mille euros)",
      "article 9-1 de la loi n° 2000-321 du 12 avril 2000",
      "elle n'est pas la contrepartie d'une prestation répondant aux besoins du Département")),
    (REDEVANCE,
     ("donne lieu au paiement d'une redevance d'occupation fixée à 1 200,00 € (mille deux cents euros) par an",
      "article L. 2125-1 du code général de la propriété des personnes publiques",
      "Cette redevance n'est pas le prix d'une prestation")),
], ids=["subvention", "redevance"])
def test_point_08_redevance_et_subvention_ne_sont_pas_un_prix(tmp_path: Path, variante: str, must: tuple[str, ...]) -> None:
    """A subsidy or an occupation fee is worded as what it is: no price, no public contract, no
    remuneration in the body of the financial article."""
    src = _variant(tmp_path, "convention-1", PRIX, variante)
    text = flat(document_text(accordgen.render(accordgen.load(src), tmp_path / "c.docx")))
    start = text.index("DISPOSITIONS FINANCIÈRES")
    body = text[text.index("\n", start) + 1:text.index("\nARTICLE 5")]
    for fragment in must:
        assert fragment in body
    assert "marché" not in body and "rémunér" not in body and "commande publique" not in body.lower()
    assert "prix" not in body.replace("n'est pas le prix", "")


def test_visas_cite_the_transmission_and_the_delegation(texts: dict[str, str]) -> None:
    """The authorising délibération is cited with its transmission to the préfet, without the
    double parentheses « (délibération … du …) (accusé de réception …) »; the amendment cites the
    accord's délibération with its delegation, as the convention does."""
    avenant, convention = flat(texts["avenant-2"]), flat(texts["convention-2"])
    assert ("Vu la délibération n° CP-2025-06-16-022 de la Commission permanente en date du 16 juin "
            "2025, statuant par délégation du Conseil départemental (délibération n° CD-2021-07-01-002 "
            "du 1er juillet 2021), transmise au représentant de l'État le 18 juin 2025 (accusé de "
            "réception n° 032-223200015-20250616-CP2025_06_16_022-DE), autorisant la signature du "
            "présent avenant ;") in avenant
    assert ("Vu la délibération n° CP-2025-11-03-017 de la Commission permanente en date du 3 novembre "
            "2025, statuant par délégation du Conseil départemental (délibération n° CD-2021-07-01-002 "
            "du 1er juillet 2021), transmise au représentant de l'État le 5 novembre 2025 (accusé de "
            "réception n° 032-223200015-20251103-CP2025_11_03_017-DE), approuvant la présente "
            "convention et autorisant sa signature ;") in convention
    visa_accord = ("Vu la délibération n° CP-2019-09-23-014 de la Commission permanente en date du 23 "
                   "septembre 2019, statuant par délégation du Conseil départemental (délibération "
                   "n° CD-2015-04-02-003 du 2 avril 2015), autorisant la signature de l'accord de "
                   "coopération (accusé de réception en préfecture n° ")
    assert visa_accord in avenant and visa_accord in convention
    assert ") (" not in avenant + convention


# --- a final termination letter ends the accord for the documents signed after it -----------

def test_no_convention_nor_renewal_after_the_termination(tmp_path: Path) -> None:
    """The dossier's final letter ends the accord on 14 November 2026: a convention or a renewal
    signed later implements or renews nothing (they were accepted: the dossier ignored the
    letter)."""
    conv = _variant(tmp_path, "convention-2", "date_signature: 2025-11-17", "date_signature: 2027-01-18")
    conv.write_text(conv.read_text(encoding="utf-8").replace("numero: 2\n", "numero: 3\n", 1)
                    .replace("date_debut: 2025-12-01", "date_debut: 2027-02-01")
                    .replace("date_fin: 2027-06-30", "date_fin: 2027-12-31"), encoding="utf-8")
    err = _refused("convention-specifique", conv, tmp_path)
    assert (f"date_signature : la convention est signée le 18 janvier 2027, après la fin de l'accord : "
            f"{RESILIATION} ; un accord résilié ne peut plus être renouvelé ni mis en œuvre") in err
    avenant = conv.parent / "avenant-3.yaml"
    avenant.write_text((GERS / "avenant-1.yaml").read_text(encoding="utf-8")
                       .replace("numero: 1\n", "numero: 3\n", 1)
                       .replace("  date: 2022-07-04", "  date: 2027-06-21"), encoding="utf-8")
    err = _refused("avenant-renouvellement", avenant, tmp_path)
    assert (f"signature.date : l'avenant est signé le 21 juin 2027, après la fin de l'accord : "
            f"{RESILIATION}") in err


def test_a_convention_signed_during_the_notice_is_warned(tmp_path: Path) -> None:
    conv = _variant(tmp_path, "convention-2", "date_signature: 2025-11-17", "date_signature: 2026-10-05")
    conv.write_text(conv.read_text(encoding="utf-8").replace("numero: 2\n", "numero: 3\n", 1)
                    .replace("date_debut: 2025-12-01", "date_debut: 2026-10-12"), encoding="utf-8")
    result = run_cli("check", "convention-specifique", conv)
    assert result.returncode == 0, result.stderr
    assert (f"Attention : date_signature : la convention est signée le 5 octobre 2026, pendant le "
            f"préavis de résiliation : {RESILIATION} ; le document prendra fin avec l'accord, sauf "
            "accord écrit des Parties") in flat(result.stdout + result.stderr)
