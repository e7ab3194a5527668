"""The life cycle of a collectivité's act (issue 16): who decided, when the decision became
enforceable, and what may be signed or take effect then. Each test is named after its point."""

from __future__ import annotations

from pathlib import Path

from test_legal_wording import dossier, edited, text

from conftest import EXAMPLE, run_cli

CGCT = "(CGCT, art. L. 3131-1)"
CE = "(CE, avis, 10 juin 1996, Préfet de la Côte-d'Or, n° 176873)"


def refused(kind: str, src: Path, tmp_path: Path) -> str:
    """Render ``src``: exit 2, nothing written, no traceback; the French message (NBSP as
    spaces), which names the file."""
    out = tmp_path / "sortie.docx"
    proc = run_cli("render", kind, src, "-o", out)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert not out.exists() and "Traceback" not in proc.stderr
    assert src.name in proc.stderr
    return proc.stderr.replace("\u00a0", " ").replace("\u202f", " ")


def convention(folder: Path, n: int, *edits: tuple[str, str]) -> Path:
    dossier(folder)
    path = folder / f"convention-{n}.yaml"
    path.write_text(edited(EXAMPLE / f"convention-{n}.yaml", *edits), encoding="utf-8")
    return path


# --- point 2: no signature before the authorising délibération is enforceable ---------------

def test_point_02_convention_signee_avant_transmission(tmp_path: Path) -> None:
    src = convention(tmp_path, 2, ("transmission: 2022-12-01", "transmission: 2022-12-14"))
    err = refused("convention-specifique", src, tmp_path)
    assert ("deliberations.departement.transmission : la convention est signée le 12 décembre 2022, "
            "avant que la délibération du 28 novembre 2022 soit exécutoire (transmise au "
            "représentant de l'État le 14 décembre 2022)") in err
    assert CGCT in err and CE in err and "signez au plus tôt le 14 décembre 2022" in err


def test_point_02_accord_signe_avant_publication(tmp_path: Path) -> None:
    folder = dossier(tmp_path, ("      publication: 2022-06-24\n", "      publication: 2022-07-04\n"))
    err = refused("accord", folder / "accord.yaml", tmp_path)
    assert ("parties[0].deliberation.publication : l'accord est signé le 1er juillet 2022, avant que "
            "la délibération du 17 juin 2022 soit exécutoire (publiée ou notifiée le 4 juillet 2022)"
            ) in err


def test_point_02_dates_manquantes_sur_un_acte_definitif(tmp_path: Path) -> None:
    src = convention(tmp_path, 2, ("    transmission: 2022-12-01   # transmise au représentant de "
                                   "l'État (@CTES)\n    publication: 2022-12-02\n", ""))
    err = refused("convention-specifique", src, tmp_path)
    assert ("deliberations.departement.transmission : la convention est signée le 12 décembre 2022 : "
            "indiquez la date à laquelle la délibération du 28 novembre 2022 a été transmise au "
            "représentant de l'État et publiée ou notifiée (« transmission » et « publication », "
            "AAAA-MM-JJ)") in err
    assert CGCT in err and CE in err
    # the same draft is accepted: the dates are asked for when the text becomes final
    src.write_text(src.read_text(encoding="utf-8").replace("statut: definitif", "statut: projet"),
                   encoding="utf-8")
    assert run_cli("check", "convention-specifique", src).returncode == 0
    # the amendment: final and dated, its délibération must say when it became enforceable
    avenant = tmp_path / "avenant-1.yaml"
    avenant.write_text(edited(EXAMPLE / "avenant-1.yaml", ("statut: projet", "statut: definitif"),
                              ("  publication: 2027-05-28\n", "")), encoding="utf-8")
    err = refused("avenant-renouvellement", avenant, tmp_path)
    assert ("deliberation.publication : l'avenant est signé le 16 juin 2027 : indiquez la date à "
            "laquelle la délibération du 24 mai 2027 a été publiée ou notifiée") in err


def test_point_02_accord_reprend_le_bloc_actes(tmp_path: Path) -> None:
    """The accord's délibération may take its dates from the ACTES block (the example's record)."""
    folder = dossier(tmp_path, ("      transmission: 2022-06-24   # transmise au représentant de "
                                "l'État (@CTES)\n      publication: 2022-06-24\n", ""))
    assert run_cli("check", "accord", folder / "accord.yaml").returncode == 0
    (folder / "accord.yaml").write_text(edited(folder / "accord.yaml",
                                               ("  publication: 2022-06-24\n", "")), encoding="utf-8")
    err = refused("accord", folder / "accord.yaml", tmp_path)
    assert "parties[0].deliberation.publication : l'accord est signé le 1er juillet 2022 : indiquez" in err


# --- point 3: a collectivité signs the accord only with its délibération --------------------

def test_point_03_collectivite_sans_deliberation(tmp_path: Path) -> None:
    src = Path(__file__).resolve().parent / "data" / "accord" / "good-haute-vienne" / "accord.yaml"
    bad = tmp_path / "accord.yaml"
    text_ = src.read_text(encoding="utf-8")
    start = text_.index("    deliberation:\n")
    end = text_.index("  - cle: armor")
    bad.write_text(text_[:start] + text_[end:], encoding="utf-8")
    err = refused("accord", bad, tmp_path)
    assert ("parties[0].deliberation : le Département (clé « dep87 ») est une collectivité : son "
            "représentant ne signe que ce que l'assemblée a décidé (CGCT, art. L. 3221-1) ; indiquez "
            "la délibération qui autorise la signature de l'accord") in err


# --- point 14: no effect before signature or authorisation, unless stated and justified ------

def test_point_14_effet_avant_signature_refuse(tmp_path: Path) -> None:
    src = convention(tmp_path, 2, ("date_debut: 2023-01-02", "date_debut: 2022-12-05"))
    err = refused("convention-specifique", src, tmp_path)
    assert ("date_debut : la convention prendrait effet le 5 décembre 2022, avant sa signature "
            "(12 décembre 2022) et le jour où la délibération n° CP-2022/11/28-2-04 de la Commission "
            "permanente du 28 novembre 2022 qui l'autorise est devenue exécutoire (2 décembre 2022)"
            ) not in err  # 5 December is after 2 December: only the signature is later
    assert ("date_debut : la convention prendrait effet le 5 décembre 2022, avant sa signature "
            "(12 décembre 2022) : aucun effet ne peut précéder l'autorisation de signer ni la "
            "signature ; reportez date_debut, ou, si un effet rétroactif est voulu et permis, "
            "ajoutez un bloc « effet_retroactif »") in err


def test_point_14_effet_avant_executoire_refuse(tmp_path: Path) -> None:
    src = convention(tmp_path, 2, ("date_debut: 2023-01-02", "date_debut: 2022-12-01"))
    err = refused("convention-specifique", src, tmp_path)
    assert ("la convention prendrait effet le 1er décembre 2022, avant sa signature (12 décembre "
            "2022) et le jour où la délibération n° CP-2022/11/28-2-04 de la Commission permanente "
            "du 28 novembre 2022 qui l'autorise est devenue exécutoire (2 décembre 2022)") in err


def test_point_14_effet_retroactif_justifie_et_enonce(tmp_path: Path) -> None:
    src = convention(tmp_path, 2, ("date_debut: 2023-01-02", "date_debut: 2022-12-01"),
                     ("\ndeliberations:", "\neffet_retroactif:\n  justification: les ateliers "
                      "ont commencé le 1er décembre 2022, dans l'attente de la signature.\n"
                      "deliberations:"))
    body = text(src)
    assert ("Par dérogation, la présente convention prend effet à une date antérieure à sa signature "
            "et à la date à laquelle la délibération n° CP-2022/11/28-2-04 de la Commission "
            "permanente du 28 novembre 2022 qui l'autorise est devenue exécutoire, pour le motif "
            "suivant : les ateliers ont commencé le 1er décembre 2022, dans l'attente de la "
            "signature.") in body.replace("\u00a0", " ")
    assert "Par dérogation" not in text(EXAMPLE / "convention-2.yaml")
    # a justification with nothing to justify: a warning, and nothing printed
    (tmp_path / "convention-2.yaml").write_text(
        src.read_text(encoding="utf-8").replace("date_debut: 2022-12-01", "date_debut: 2023-01-02"),
        encoding="utf-8")
    proc = run_cli("check", "convention-specifique", tmp_path / "convention-2.yaml")
    assert proc.returncode == 0
    assert "le bloc « effet_retroactif » est sans objet et n'est pas imprimé" in proc.stdout + proc.stderr
    assert "Par dérogation" not in text(tmp_path / "convention-2.yaml")


# --- point 11: the letter says who decided and under which delegation the signatory signs ----

SCENARIO = EXAMPLE / "scenarios" / "lettre-resiliation-2023.yaml"


def lettre(folder: Path, *edits: tuple[str, str]) -> Path:
    dossier(folder)
    path = folder / "lettre.yaml"
    path.write_text(edited(SCENARIO, ("accord: ../accord.yaml", "accord: accord.yaml"), *edits),
                    encoding="utf-8")
    return path


def test_point_11_decision_et_arrete_imprimes(tmp_path: Path) -> None:
    body = text(lettre(tmp_path)).replace("\u00a0", " ")
    assert ("je vous notifie la décision du Département, prise par délibération n° CP-2023/02/27-1-02 "
            "de la Commission permanente du 27 février 2023, statuant par délégation du Conseil "
            "départemental (délibération n° CD-2021/07/01-DEL-02 du 1er juillet 2021), de résilier "
            "cet accord") in body
    assert ("Pour le Président et par délégation,\n(arrêté n° 2022-DGS-014 du 1er septembre 2022 "
            "portant délégation de signature)\nLe Directeur général des services,") in body


def test_point_11_decision_obligatoire_pour_une_collectivite(tmp_path: Path) -> None:
    src = lettre(tmp_path, ("\ndecision:\n", "\nautre_decision:\n"))
    src.write_text(src.read_text(encoding="utf-8").split("autre_decision:")[0]
                   + "service:" + src.read_text(encoding="utf-8").split("\nservice:")[1], encoding="utf-8")
    err = refused("lettre-resiliation", src, tmp_path)
    assert ("decision : le Département est une collectivité : indiquez la délibération qui a décidé "
            "la résiliation (organe, article, date, numero), que la lettre cite") in err
    # a draft may wait for the decision
    src.write_text(src.read_text(encoding="utf-8").replace("statut: definitif", "statut: projet"),
                   encoding="utf-8")
    assert run_cli("check", "lettre-resiliation", src).returncode == 0


def test_point_11_arrete_obligatoire_par_delegation(tmp_path: Path) -> None:
    src = lettre(tmp_path, ("  arrete:\n    numero: 2022-DGS-014\n    date: 2022-09-01\n", ""))
    err = refused("lettre-resiliation", src, tmp_path)
    assert ("signataire.arrete : le signataire signe par délégation : indiquez l'arrêté qui la lui "
            "donne (numero, date), que la lettre cite (CGCT, art. L. 3221-3)") in err
    src = lettre(tmp_path, ("date: 2022-09-01", "date: 2023-03-10"))
    err = refused("lettre-resiliation", src, tmp_path)
    assert "signataire.arrete.date : arrêté de délégation du 10/03/2023, postérieur à l'envoi" in err


# --- point 19: mentions a collectivité's acts carry ------------------------------------------

HAUTE_VIENNE = Path(__file__).resolve().parent / "data" / "accord" / "good-haute-vienne" / "accord.yaml"


def test_point_19_numero_et_delegation_dans_la_comparution(tmp_path: Path) -> None:
    src = tmp_path / "accord.yaml"
    src.write_text(edited(HAUTE_VIENNE, ("      publication: 2024-03-20\n",
                                         "      publication: 2024-03-20\n      delegation: {date: 2021-07-01, "
                                         "numero: CD-2021-07-01-04}\n")), encoding="utf-8")
    body = text(src).replace("\u00a0", " ")
    assert ("habilitée aux présentes par délibération n° CP-2024-118 de la Commission permanente en "
            "date du 15 mars 2024, statuant par délégation du Conseil départemental (délibération "
            "n° CD-2021-07-01-04 du 1er juillet 2021),") in body
    # without it: a warning, shown by check
    proc = run_cli("check", "accord", HAUTE_VIENNE)
    assert proc.returncode == 0
    assert ("Attention : parties[0].deliberation.delegation : la Commission permanente décide par "
            "délégation du Conseil départemental (CGCT, art. L. 3211-2)") in proc.stdout + proc.stderr


def test_point_19_visas_des_conventions(tmp_path: Path) -> None:
    body = text(EXAMPLE / "convention-4.yaml").replace("\u00a0", " ")
    assert ("Vu la délibération du Conseil départemental en date du 17 juin 2022 autorisant la "
            "signature de l'accord de coopération (accusé de réception en préfecture "
            "n° 077-227700010-20220617-lmc100000023831-DE) ;") in body
    assert ("Vu la délibération n° CP-2022/11/07-3-09 de la Commission permanente en date du "
            "7 novembre 2022, statuant par délégation du Conseil départemental (délibération "
            "n° CD-2021/07/01-DEL-02 du 1er juillet 2021), transmise au représentant de l'État le "
            "10 novembre 2022, approuvant la présente convention") in body
    proc = run_cli("check", "accord", EXAMPLE / "accord.yaml")
    assert ("Attention : parties[0].deliberation.numero : délibération du 17 juin 2022 sans numéro"
            in proc.stdout.replace("\u00a0", " "))


# --- point 20: a letter postmarked on a Sunday or a public holiday is likely a typo ----------

def test_point_20_envoi_un_dimanche_ou_un_jour_ferie(tmp_path: Path) -> None:
    for jour, attendu in (("2023-03-05", "le dimanche 5 mars 2023 est un dimanche"),
                          ("2023-05-08", "le lundi 8 mai 2023 est un jour férié (Fête de la Victoire)")):
        src = lettre(tmp_path, ("date_envoi: 2023-03-03", f"date_envoi: {jour}"))
        proc = run_cli("check", "lettre-resiliation", src)
        assert proc.returncode == 0, proc.stderr
        out = proc.stdout.replace("\u00a0", " ")
        assert f"Attention : date_envoi : {attendu} : les bureaux de poste sont fermés" in out
    proc = run_cli("check", "lettre-resiliation", lettre(tmp_path))  # a Friday
    assert "bureaux de poste" not in proc.stdout


# --- point 17: with more than two parties, one letter per other party -------------------------

TROIS = Path(__file__).resolve().parent / "data" / "accord" / "good-trois-parties"


def test_point_17_une_lettre_par_autre_partie(tmp_path: Path) -> None:
    for name in ("accord.yaml", "convention-1.yaml", "lettre.yaml"):
        (tmp_path / name).write_text((TROIS / name).read_text(encoding="utf-8"), encoding="utf-8")
    proc = run_cli("check", "lettre-resiliation", tmp_path / "lettre.yaml")
    assert proc.returncode == 0, proc.stderr
    assert ("Attention : destinataire : la résiliation doit être notifiée à chacune des autres "
            "parties : aucune lettre du dossier n'est adressée à l'Agence (clé « agence ») ; "
            "créez-en une, du même expéditeur et de la même date d'envoi") in proc.stdout
    # the second letter of the same termination: accepted, and nothing is missing any more
    (tmp_path / "lettre-agence.yaml").write_text(edited(
        TROIS / "lettre.yaml", ("destinataire: armor", "destinataire: agence"),
        ("numero_lrar: 1A 123 456 7890 1", "numero_lrar: RR123456785FR"))
        + "destinataire_adresse: [Agence régionale du numérique, Monsieur Paul MARTIN, Directeur, "
        "8 rue Jean-Baptiste Dupuy, 87000 LIMOGES]\n", encoding="utf-8")
    for name in ("lettre.yaml", "lettre-agence.yaml"):
        proc = run_cli("check", "lettre-resiliation", tmp_path / name)
        assert proc.returncode == 0, proc.stderr
        assert "doit être notifiée à chacune des autres parties" not in proc.stdout
    # a letter of another day is another termination: refused
    (tmp_path / "lettre-agence.yaml").write_text(edited(
        tmp_path / "lettre-agence.yaml", ("date_envoi: 2025-01-07", "date_envoi: 2025-01-08")),
        encoding="utf-8")
    proc = run_cli("check", "lettre-resiliation", tmp_path / "lettre-agence.yaml")
    assert proc.returncode == 2
    assert "l'accord est déjà résilié par une autre lettre du dossier : lettre.yaml" in proc.stderr


# --- point 16: « no personal data » is the parties' declaration; a warning suggests the article

def test_point_16_declaration_et_suggestion(tmp_path: Path) -> None:
    body = text(EXAMPLE / "convention-6.yaml").replace("\u00a0", " ")
    assert ("Les Parties déclarent que la présente convention ne donne lieu à aucun traitement de "
            "données à caractère personnel.") in body
    assert "n'implique aucun échange de données" not in body
    # the example conventions whose actions involve personal data have their GDPR article
    for n in (2, 3, 4, 5):
        assert "PROTECTION DES DONNÉES À CARACTÈRE PERSONNEL" in text(EXAMPLE / f"convention-{n}.yaml"), n
    # without the block, the broadcast of minors is flagged (not refused)
    src = convention(tmp_path, 5)
    start = src.read_text(encoding="utf-8").index("# La finale est retransmise")
    end = src.read_text(encoding="utf-8").index("\ndeliberations:")
    raw = src.read_text(encoding="utf-8")
    src.write_text(raw[:start] + raw[end + 1:], encoding="utf-8")
    proc = run_cli("check", "convention-specifique", src)
    assert proc.returncode == 0, proc.stderr
    assert ("Attention : donnees_personnelles : les actions mentionnent « retransmise », « en direct », "
            "« retransmission », « collégiens », « vidéo » : si elles conduisent à traiter des données "
            "à caractère personnel") in proc.stdout
    proc = run_cli("check", "convention-specifique", EXAMPLE / "convention-6.yaml")
    assert "donnees_personnelles" not in proc.stdout  # « pistes d'application » is not an app


# --- point 13: the GDPR article: art. 28, art. 26, EEA, the DPO -------------------------------

def test_point_13_article_28_sous_traitant() -> None:
    body = text(EXAMPLE / "convention-4.yaml").replace("\u00a0", " ").replace("\u202f", " ")
    for clause in (
        "il est effectué pendant la durée de la présente convention, porte sur les catégories de "
        "données et de personnes concernées décrites ci-dessus et consiste en l'hébergement de "
        "l'application",
        "l'informe immédiatement si, selon lui, une instruction constitue une violation du RGPD",
        "s'engagent à en respecter la confidentialité",
        "prend toutes les mesures de sécurité requises en vertu de l'article 32 du RGPD",
        "lui impose par contrat les mêmes obligations en matière de protection des données",
        "articles 32 à 36 du RGPD (sécurité du traitement, notification et communication des "
        "violations de données, analyse d'impact relative à la protection des données et "
        "consultation préalable de la CNIL)",
        "supprime toutes les données ou les renvoie au responsable du traitement, au choix de "
        "celui-ci, détruit les copies existantes",
        "pour permettre la réalisation d'audits, y compris des inspections",
        "hors de l'Espace économique européen",
        "Le délégué à la protection des données du Département peut être joint : dpo@departement77.fr",
    ):
        assert clause in body, clause
    assert "Union européenne sans" not in body


def test_point_13_article_26_responsables_conjoints() -> None:
    body = text(EXAMPLE / "convention-5.yaml").replace("\u00a0", " ").replace("\u202f", " ")
    assert ("Les responsables conjoints répartissent ainsi leurs obligations, sans les dupliquer : le "
            "Département délivre aux personnes concernées l'information prévue aux articles 13 et 14 "
            "du RGPD, reçoit et traite leurs demandes d'exercice des droits, notifie à la CNIL les "
            "violations de données à caractère personnel") in body
    assert "l'autre responsable lui transmet sans délai toute demande ou toute violation" in body
    assert ("Les grandes lignes du présent article sont mises à la disposition des personnes "
            "concernées (article 26, paragraphe 2, du RGPD)") in body
    assert "Le responsable du traitement informe les personnes concernées" not in body


def test_point_13_dpd_obligatoire(tmp_path: Path) -> None:
    src = convention(tmp_path, 4, ("  delegue_protection_donnees: >-\n", "  autre: >-\n"))
    raw = src.read_text(encoding="utf-8")
    start = raw.index("  autre: >-\n")
    src.write_text(raw[:start] + raw[raw.index("\ndeliberations:", start) + 1:], encoding="utf-8")
    err = refused("convention-specifique", src, tmp_path)
    assert ("donnees_personnelles.delegue_protection_donnees : le Département est responsable du "
            "traitement et, autorité publique, a désigné un délégué à la protection des données "
            "(article 37 du RGPD)") in err


def test_point_02_bloc_actes_complete_par_la_deliberation(tmp_path: Path) -> None:
    """The ACTES block need not repeat the délibération's dates: the document prints them."""
    folder = dossier(tmp_path, ("  envoi_prefecture: 2022-06-24\n", ""), ("  publication: 2022-06-24\n", ""))
    lines = text(folder / "accord.yaml").splitlines()
    assert lines[1].startswith("Délibération du Conseil départemental du 17 juin 2022, transmise au "
                               "représentant de l'État le 24 juin 2022")
    assert "Publication RAAD : 24/06/2022" in lines[2:4]
