"""The clause library: variants kept in Word with a sidecar, chosen per document, validated,
rendered in the host template's slot, listed, linted, and part of the inputs hash."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document as open_docx

import accordgen
from accordgen.errors import AccordgenError
from accordgen.library import load_library
from accordgen.render import inputs_hash
from accordgen.render.engine import render_template
from accordgen.tools.lint import lint_clauses
from accordgen.tools.text import document_text

from conftest import EXAMPLE, check_golden, run_cli

PACKAGED = Path(__file__).resolve().parents[1] / "clauses"
KIND = "convention-specifique"

CHOICES = {
    ("litiges", "tribunal-administratif"): {"tribunal": "Melun"},
    ("contrepartie", "aucune"): {},
    ("contrepartie", "prix-marche-public"): {
        "reference": "n° 2023-045, procédure adaptée", "date_marche": "2023-03-15",
        "prestations": "le développement de l'application de visite", "acheteur": "departement",
        "titulaire": "orange", "montant": "18500.00"},
    ("contrepartie", "redevance-occupation"): {
        "dependance": "la salle des gardes du château de Blandy-les-Tours", "occupant": "orange",
        "proprietaire": "departement", "montant": "1200.00", "periodicite": "par an",
        "acte": "la délibération n° 2023-12 du 3 février 2023"},
    ("contrepartie", "subvention"): {
        "financeur": "departement", "beneficiaire": "orange", "montant": "5000.00",
        "objet_subvention": "l'organisation des ateliers numériques",
        "acte": "la délibération n° 2023-45 de la commission permanente du 6 mars 2023"},
}
DONNEES = {
    "finalite": "l'inscription des participants aux ateliers et le suivi de leur présence",
    "base_legale": "mission_interet_public",
    "personnes_concernees": ["les participants aux ateliers"],
    "categories_donnees": ["identité (nom, prénom)", "adresse électronique"],
    "duree_conservation": "3 mois",
    "delegue_protection_donnees": "dpo@departement77.fr",
}
CHOICES |= {
    ("donnees-personnelles", "aucune"): {},
    ("donnees-personnelles", "sous-traitance"): {
        "responsable": "departement", "sous_traitants": ["orange"],
        "operations": "la réception des listes d'inscription et l'enregistrement des présences", **DONNEES},
    ("donnees-personnelles", "responsable-unique"): {"responsable": "departement", **DONNEES,
                                                    "conservation_depart": "à compter de chaque atelier"},
    ("donnees-personnelles", "responsables-conjoints"): {
        "responsables": ["departement", "orange"], "point_de_contact": "departement",
        **DONNEES, "destinataires": ["le public du site du Département"]},
}
# Refused with the example's collectivité: their golden text is the clause rendered alone.
ALONE = {("litiges", "tribunal-judiciaire"): {"tribunal": "Paris"},
         ("litiges", "tribunal-activites-economiques"): {"tribunal": "Paris"}}


def convention(folder: Path, clauses: dict | None = None, source: str = "convention-4.yaml") -> Path:
    """A copy of the example accord and of one of its conventions, with ``clauses`` set."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "accord.yaml").exists():
        shutil.copy(EXAMPLE / "accord.yaml", folder / "accord.yaml")
    text = (EXAMPLE / source).read_text(encoding="utf-8")
    if clauses is not None:
        text += "\nclauses: " + json.dumps(clauses, ensure_ascii=False) + "\n"
    path = folder / source
    path.write_text(text, encoding="utf-8")
    return path


def article(text: str, heading: str) -> str:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if heading in line)
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(("ARTICLE", "Fait à")))
    return "\n".join(lines[start:end])


HEADING = {"litiges": "LITIGES", "contrepartie": "DISPOSITIONS FINANCIÈRES",
           "donnees-personnelles": "PROTECTION DES DONNÉES"}
SOURCE = {"donnees-personnelles": "convention-1.yaml"}  # no « donnees_personnelles » block


def test_library_lists_every_variant() -> None:
    lib = load_library()
    assert sorted(lib.topics["litiges"]) == ["tribunal-activites-economiques", "tribunal-administratif",
                                            "tribunal-judiciaire"]
    assert sorted(lib.topics["contrepartie"]) == ["aucune", "prix-marche-public", "redevance-occupation",
                                                 "subvention"]
    result = run_cli("clauses", "--json")
    assert result.returncode == 0, result.stderr
    rows = {(r["theme"], r["variante"]): r for r in json.loads(result.stdout)}
    assert set(rows) == {(v.topic, v.name) for v in lib}
    assert rows[("litiges", "tribunal-administratif")]["description"].startswith("À retenir dès qu'une partie")
    text = run_cli("clauses").stdout
    assert "tribunal-activites-economiques – Tribunal des activités économiques" in text


def test_defaults_keep_the_former_wording_and_name_the_administrative_court(tmp_path: Path) -> None:
    doc = accordgen.load(convention(tmp_path))
    out = accordgen.render(doc, tmp_path / "c.docx")
    text = document_text(out)
    assert "tribunal de Commerce" not in article(text, "LITIGES")
    assert "le litige est porté devant le tribunal administratif territorialement compétent" in text
    assert "La présente convention est conclue à titre gratuit." in text
    with zipfile.ZipFile(out) as zf:
        core = zf.read("docProps/core.xml").decode()
    assert "clause litiges=tribunal-administratif" in core and "clause contrepartie=aucune" in core


@pytest.mark.parametrize(("topic", "variant"), sorted(CHOICES))
def test_golden_text_per_variant(tmp_path: Path, topic: str, variant: str) -> None:
    path = convention(tmp_path, {topic: {"variante": variant, **CHOICES[topic, variant]}},
                      SOURCE.get(topic, "convention-4.yaml"))
    text = document_text(accordgen.render(accordgen.load(path), tmp_path / "c.docx"))
    heading = "CONFIDENTIALITÉ" if (topic, variant) == ("donnees-personnelles", "aucune") else HEADING[topic]
    check_golden(f"clauses/{topic}/{variant}.txt", article(text, heading))


@pytest.mark.parametrize(("topic", "variant"), sorted(ALONE))
def test_golden_text_of_refused_variants_alone(tmp_path: Path, topic: str, variant: str) -> None:
    context = accordgen.load(EXAMPLE / "convention-4.yaml").context()
    docx = load_library().variant(topic, variant).docx
    out = tmp_path / "clause.docx"
    out.write_bytes(render_template(docx, {**context, **ALONE[topic, variant]}))
    check_golden(f"clauses/{topic}/{variant}.txt", document_text(out))


def test_clause_keeps_host_styles(tmp_path: Path) -> None:
    path = convention(tmp_path, {"contrepartie": {"variante": "aucune"}})
    out = accordgen.render(accordgen.load(path), tmp_path / "c.docx")
    styles = {p.text[:30]: p.style.name for p in open_docx(str(out)).paragraphs}
    assert styles["chaque Partie supporte seule l"] == "List Bullet"
    assert styles["La présente convention est con"] == "Normal"


@pytest.mark.parametrize(("clauses", "field", "fragment"), [
    ({"litiges": {"variante": "tribunal-activites-economiques", "tribunal": "Paris"}},
     "clauses.litiges.variante", "une collectivité n'est pas commerçante"),
    ({"contrepartie": {"variante": "prix-marche-public", "date_marche": "2023-03-15",
                       "prestations": "x", "acheteur": "departement", "titulaire": "orange"}},
     "clauses.contrepartie.reference", "paramètre obligatoire de la variante « prix-marche-public »"),
    ({"contrepartie": {"variante": "prix-marche-public", "reference": "n° 1", "date_marche": "15/03/2023",
                       "prestations": "x", "acheteur": "departement", "titulaire": "orange"}},
     "clauses.contrepartie.date_marche", "date invalide"),
    ({"litiges": {"variante": "tribunal-de-commerce"}}, "clauses.litiges.variante", "variante inconnue"),
    ({"litige": {"variante": "tribunal-administratif"}}, "clauses.litige", "thème de clause inconnu"),
    ({"litiges": {"variante": "tribunal-administratif", "ville": "Melun"}}, "clauses.litiges.ville",
     "paramètre inconnu"),
    ({"contrepartie": {"variante": "subvention", "financeur": "region", "beneficiaire": "orange",
                       "montant": "10", "objet_subvention": "x", "acte": "y"}},
     "clauses.contrepartie.financeur", "clé de partie inconnue"),
])
def test_refused_or_invalid_choice_exits_2_naming_file_and_field(
        tmp_path: Path, clauses: dict, field: str, fragment: str) -> None:
    path = convention(tmp_path / "d", clauses)
    out = tmp_path / "out.docx"
    result = run_cli("render", KIND, path, "-o", out)
    assert result.returncode == 2
    assert path.name in result.stderr and f"{field} : " in result.stderr and fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def _add_variant(clauses: Path, topic: str, name: str, text: str, sidecar: str) -> None:
    folder = clauses / topic
    folder.mkdir(parents=True, exist_ok=True)
    d = open_docx()
    d.add_paragraph(text)
    d.save(str(folder / f"{name}.docx"))
    (folder / f"{name}.yaml").write_text(sidecar, encoding="utf-8")


MEDIATION = """\
titre: Médiation puis tribunal administratif
description: Une médiation avant tout recours, puis le tribunal administratif.
parametres:
  - nom: mediateur
    type: texte
    libelle: Médiateur désigné
"""


def test_workspace_variant_is_listed_validated_and_rendered_without_python(tmp_path: Path) -> None:
    ws = tmp_path / "espace"
    (ws / "dossiers").mkdir(parents=True)
    (ws / "accordgen.yaml").write_text("espace: accordgen\n", encoding="utf-8")
    _add_variant(ws / "clauses", "litiges", "mediation",
                 "Tout différend est d'abord soumis à {{ mediateur }}, puis au tribunal administratif.",
                 MEDIATION)
    listed = run_cli("clauses", cwd=ws)
    assert listed.returncode == 0 and "mediation – Médiation puis tribunal administratif" in listed.stdout
    assert "tribunal-administratif" in listed.stdout  # the packaged variants stay
    missing = convention(ws / "dossiers" / "d", {"litiges": {"variante": "mediation"}})
    result = run_cli("render", KIND, missing, "-o", tmp_path / "x.docx", cwd=ws)
    assert result.returncode == 2 and "clauses.litiges.mediateur : " in result.stderr
    good = convention(ws / "dossiers" / "d", {"litiges": {"variante": "mediation",
                                                          "mediateur": "le médiateur des entreprises"}})
    result = run_cli("render", KIND, good, "-o", tmp_path / "ok.docx", cwd=ws)
    assert result.returncode == 0, result.stderr
    assert ("Tout différend est d'abord soumis à le médiateur des entreprises, puis au tribunal "
            "administratif.") in document_text(tmp_path / "ok.docx")


def test_sidecar_errors_name_file_and_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib = tmp_path / "clauses"
    shutil.copytree(PACKAGED, lib)
    _add_variant(lib, "litiges", "sans-description", "Texte.", "titre: Sans description\n")
    monkeypatch.setenv("ACCORDGEN_CLAUSES", str(lib))
    with pytest.raises(AccordgenError) as err:
        load_library()
    assert "sans-description.yaml" in str(err.value) and "- description : " in str(err.value)
    findings = [str(f) for f in lint_clauses()]
    assert any("sans-description.yaml" in f and "description" in f for f in findings)


def test_lint_finds_unknown_variables_and_split_tags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib = tmp_path / "clauses"
    shutil.copytree(PACKAGED, lib)
    _add_variant(lib, "litiges", "inconnue", "{{ mediatrice }}", MEDIATION)
    d = open_docx()
    p = d.add_paragraph("{{ medi")
    p.add_run("ateur }}")
    (lib / "litiges" / "coupee.yaml").write_text(MEDIATION, encoding="utf-8")
    d.save(str(lib / "litiges" / "coupee.docx"))
    monkeypatch.setenv("ACCORDGEN_CLAUSES", str(lib))
    findings = [str(f) for f in lint_clauses()]
    assert any("inconnue.docx" in f and "variable inconnue « mediatrice »" in f for f in findings)
    assert any("coupee.docx" in f for f in findings)
    assert not any("tribunal-administratif" in f for f in findings)


def test_packaged_clauses_pass_lint() -> None:
    assert [str(f) for f in lint_clauses()] == []


def test_hash_changes_with_exactly_the_clause_files_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib = tmp_path / "lib"
    shutil.copytree(PACKAGED, lib)
    monkeypatch.setenv("ACCORDGEN_CLAUSES", str(lib))
    d = tmp_path / "d"
    plain = convention(d, None, "convention-4.yaml")
    subsidised = convention(d, {"contrepartie": {"variante": "subvention", **CHOICES["contrepartie", "subvention"]}},
                            "convention-2.yaml")
    paths = [plain, subsidised, d / "accord.yaml"]
    before = [inputs_hash(accordgen.load(p)) for p in paths]
    sub = lib / "contrepartie" / "subvention.docx"
    d2 = open_docx(str(sub))
    d2.add_paragraph("Une phrase de plus.")
    d2.save(str(sub))
    after = [inputs_hash(accordgen.load(p)) for p in paths]
    assert [b != a for b, a in zip(before, after, strict=True)] == [False, True, False]
    (lib / "litiges" / "tribunal-administratif.yaml").write_text(
        (lib / "litiges" / "tribunal-administratif.yaml").read_text(encoding="utf-8") + "\n# revu\n",
        encoding="utf-8")
    again = [inputs_hash(accordgen.load(p)) for p in paths]
    assert [a != b for a, b in zip(after, again, strict=True)] == [True, True, False]


# --- personal data: the former block and the library's variants -------------------------------

def _as_clause(block: dict) -> dict:
    """The example's ``donnees_personnelles`` block written as the library's variant."""
    out = {k: v for k, v in block.items() if k not in ("responsables", "duree_conservation")}
    duree = block["duree_conservation"]
    out["duree_conservation"] = f"{duree['valeur']} {duree['unite']}"
    if "point_de_depart" in duree:
        out["conservation_depart"] = duree["point_de_depart"]
    if len(block["responsables"]) > 1:
        out |= {"variante": "responsables-conjoints", "responsables": block["responsables"]}
    else:
        out |= {"variante": "sous-traitance", "responsable": block["responsables"][0]}
    return out


@pytest.mark.parametrize("source", ["convention-2.yaml", "convention-5.yaml"])
def test_personal_data_block_and_library_variant_print_the_same(tmp_path: Path, source: str) -> None:
    """The example conventions keep their text: the former block is read as the library's
    variant, and the same values given as the variant print the same document."""
    import yaml

    raw = yaml.safe_load((EXAMPLE / source).read_text(encoding="utf-8"))
    block = raw.pop("donnees_personnelles")
    raw["accord"] = "accord.yaml"
    raw["clauses"] = {"donnees-personnelles": _as_clause(block)}
    folder = tmp_path / "d"
    folder.mkdir()
    shutil.copy(EXAMPLE / "accord.yaml", folder / "accord.yaml")
    path = folder / source
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    by_clause = document_text(accordgen.render(accordgen.load(path), tmp_path / "a.docx"))
    by_block = document_text(accordgen.render(accordgen.load(EXAMPLE / source), tmp_path / "b.docx"))
    assert by_clause == by_block
    assert "PROTECTION DES DONNÉES À CARACTÈRE PERSONNEL" in by_clause
    with zipfile.ZipFile(tmp_path / "b.docx") as zf:
        variant = "responsables-conjoints" if source == "convention-5.yaml" else "sous-traitance"
        core = zf.read("docProps/core.xml").decode()
    assert core.count("clause donnees-personnelles=") == 1 and f"clause donnees-personnelles={variant}" in core
    assert core.count("; clause ") == 3  # each topic once


def test_no_personal_data_is_the_parties_declaration_and_numbers_close_up(tmp_path: Path) -> None:
    text = document_text(accordgen.render(accordgen.load(EXAMPLE / "convention-1.yaml"), tmp_path / "c.docx"))
    assert "PROTECTION DES DONNÉES" not in text
    confidentialite = article(text, "CONFIDENTIALITÉ")
    assert confidentialite.startswith("ARTICLE 9") and ("Les Parties déclarent que la présente convention ne "
                                                         "donne lieu à aucun traitement") in confidentialite
    path = convention(tmp_path / "d", {"donnees-personnelles": {
        "variante": "sous-traitance", **CHOICES["donnees-personnelles", "sous-traitance"]}}, "convention-1.yaml")
    text = document_text(accordgen.render(accordgen.load(path), tmp_path / "d.docx"))
    assert article(text, "PROTECTION DES DONNÉES").startswith("ARTICLE 9")
    assert article(text, "CONFIDENTIALITÉ").startswith("ARTICLE 10")
    assert "aucun traitement de données" not in text
    assert ", à la protection des données à caractère personnel et à la propriété intellectuelle" in text


DATA = {"variante": "responsables-conjoints", "point_de_contact": "departement", **DONNEES}


@pytest.mark.parametrize(("clauses", "source", "field", "fragment"), [
    ({"donnees-personnelles": {**DATA, "responsables": ["departement"]}}, "convention-1.yaml",
     "clauses.donnees-personnelles.responsables", "des responsables conjoints sont deux au moins"),
    ({"donnees-personnelles": {**DATA, "responsables": ["departement", "orange"], "point_de_contact": "orange",
                               "sous_traitants": ["orange"]}}, "convention-1.yaml",
     "clauses.donnees-personnelles.sous_traitants", "responsable ou sous-traitant, pas les deux"),
    ({"donnees-personnelles": {**{k: v for k, v in DATA.items() if k != "delegue_protection_donnees"},
                               "responsables": ["departement", "orange"]}}, "convention-1.yaml",
     "clauses.donnees-personnelles.delegue_protection_donnees", "délégué à la protection des données"),
    ({"donnees-personnelles": {**DATA, "responsables": ["departement", "orange"], "base_legale": "interet"}},
     "convention-1.yaml", "clauses.donnees-personnelles.base_legale", "valeur non permise : « interet »"),
    ({"donnees-personnelles": {**DATA, "responsables": ["departement", "orange"], "duree_conservation": "trois"}},
     "convention-1.yaml", "clauses.donnees-personnelles.duree_conservation", "durée invalide"),
    ({"donnees-personnelles": {**DATA, "responsables": ["departement", "region"]}}, "convention-1.yaml",
     "clauses.donnees-personnelles.responsables", "clé de partie inconnue : « region »"),
    ({"donnees-personnelles": {"variante": "aucune"}}, "convention-2.yaml",
     "clauses.donnees-personnelles", "déjà décrites par le bloc « donnees_personnelles »"),
])
def test_invalid_personal_data_choice_exits_2_naming_file_and_field(
        tmp_path: Path, clauses: dict, source: str, field: str, fragment: str) -> None:
    path = convention(tmp_path / "d", clauses, source)
    out = tmp_path / "out.docx"
    result = run_cli("render", KIND, path, "-o", out)
    assert result.returncode == 2, result.stdout
    assert path.name in result.stderr and f"{field} : " in result.stderr and fragment in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_warning_suggests_the_gdpr_clause_unless_one_is_chosen(tmp_path: Path) -> None:
    src = (EXAMPLE / "convention-5.yaml").read_text(encoding="utf-8")
    start, end = src.index("\ndonnees_personnelles:"), src.index("\ndeliberations:")
    folder = tmp_path / "d"
    folder.mkdir()
    shutil.copy(EXAMPLE / "accord.yaml", folder / "accord.yaml")
    bare = folder / "convention-5.yaml"
    bare.write_text(src[:start] + src[end:], encoding="utf-8")
    proc = run_cli("check", KIND, bare)
    assert proc.returncode == 0, proc.stderr
    assert "choisissez la clause RGPD qui convient (thème « donnees-personnelles »" in proc.stdout
    chosen = folder / "convention-5b.yaml"
    chosen.write_text(src[:start] + src[end:] + "\nclauses: " + json.dumps(
        {"donnees-personnelles": {**DATA, "responsables": ["departement", "orange"]}}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    chosen.write_text(chosen.read_text(encoding="utf-8").replace("numero: 5", "numero: 55"), encoding="utf-8")
    proc = run_cli("check", KIND, chosen)
    assert proc.returncode == 0, proc.stderr
    assert "clause RGPD" not in proc.stdout


# --- issue 16, point 9: a price and « chaque Partie supporte seule les frais »; an action that
# reproduces the object of the public contract ------------------------------------------------

PRIX = {"contrepartie": {"variante": "prix-marche-public", **CHOICES["contrepartie", "prix-marche-public"]}}
ACTION_DU_MARCHE = """
  - intitule: Développement de l'application de visite
    description: Réalisation de l'application mobile du parcours.
    lieu: sites d'Orange
    calendrier: de janvier à mars 2023
    livrables: [application publiée]
"""


def test_point_09_price_and_own_costs_do_not_contradict(tmp_path: Path) -> None:
    path = convention(tmp_path, PRIX)
    text = document_text(accordgen.render(accordgen.load(path), tmp_path / "c.docx")).replace("\u00a0", " ")
    financier = article(text, "DISPOSITIONS FINANCIÈRES")
    assert "rémunérées exclusivement au titre du marché public n° 2023-045" in financier
    assert ("Ce marché fixe seul le prix et les conditions d'exécution et de paiement de ces prestations, qui ne "
            "sont pas des actions de la présente convention. Pour les actions de la présente convention, chaque "
            "Partie supporte seule les frais qu'elle engage : la présente convention ne comporte aucun autre prix "
            "ni aucune contrepartie équivalente") in financier
    assert "En dehors de lui, chaque Partie supporte seule les frais" not in financier
    assert "à titre gratuit" not in text and "ne comporte aucun prix" not in text


def _with_action(path: Path) -> Path:
    raw = path.read_text(encoding="utf-8")
    head, tail = raw.split("\nengagements:", 1)
    path.write_text(head.rstrip("\n") + "\n" + ACTION_DU_MARCHE.strip("\n") + "\n\nengagements:" + tail,
                    encoding="utf-8")
    return path


def test_point_09_action_reproducing_the_contract_is_warned(tmp_path: Path) -> None:
    plain = convention(tmp_path / "a", PRIX)
    proc = run_cli("check", KIND, plain)
    assert proc.returncode == 0, proc.stderr
    assert "reprend l'objet du marché public" not in proc.stdout  # its actions are not the contract's
    copied = _with_action(convention(tmp_path / "b", PRIX))
    proc = run_cli("check", KIND, copied)
    assert proc.returncode == 0, proc.stderr  # a warning, not a refusal
    assert ("Attention : actions[3] : l'action « Développement de l'application de visite » reprend l'objet du "
            "marché public (clauses.contrepartie.prestations : « le développement de l'application de visite »)"
            ) in proc.stdout
    free = _with_action(convention(tmp_path / "c", None))  # no price: nothing to reproduce
    assert "reprend l'objet" not in run_cli("check", KIND, free).stdout


def test_point_09_warning_in_the_notebook_summary_and_the_form(tmp_path: Path) -> None:
    from accordgen import notebook as nb
    from accordgen.notebook.form import Formulaire

    copied = _with_action(convention(tmp_path / "b", PRIX))
    table = nb.resume(accordgen.load(copied))
    assert any("reprend l'objet du marché public" in v for v in table.loc[["Attention"], "Valeur"])
    form = Formulaire(copied, tmp_path / "out")
    assert form.problemes == [], form.problemes
    assert "reprend l'objet du marché public" in form.attention.value
    assert not form.bouton_enregistrer.disabled  # never blocking
    assert "reprend l'objet" not in Formulaire(convention(tmp_path / "a", PRIX), tmp_path / "out").attention.value


@pytest.mark.parametrize(("titre", "texte", "objet", "expected"), [
    ("Développement de l'application de visite", "", "le développement de l'application de visite", True),
    ("Application de visite : développement", "", "le développement de l'application de visite", True),
    ("Ateliers", "les salariés développent l'application de visite du château",
     "le développement de l'application de visite", True),
    ("Expérimentation sur site auprès des visiteurs",
     "parcours expérimental en réalité augmentée sur le smartphone des visiteurs",
     "le développement de l'application de visite", False),
    ("Conception du parcours de visite", "scénarios de visite", "le développement de l'application de visite",
     False),
    ("Maintenance", "entretien", "maintenance", True),
    ("Maintenance des bornes et du réseau", "", "la maintenance du réseau mobile du château", False),
])
def test_point_09_what_reproduces_means(titre: str, texte: str, objet: str, expected: bool) -> None:
    from accordgen.rules.overlap import reproduit

    assert reproduit(titre, f"{titre} {texte}", objet) is expected


# --- the parameter reference and the JSON Schema describe the clauses ---------------------------

def test_schema_describes_each_topic_variant_and_parameter() -> None:
    import datetime as dt

    import jsonschema

    proc = run_cli("schema", KIND)
    assert proc.returncode == 0, proc.stderr
    schema = json.loads(proc.stdout)
    clauses = schema["properties"]["clauses"]
    assert set(clauses["properties"]) == {"litiges", "contrepartie", "donnees-personnelles"}
    prix = next(v for v in clauses["properties"]["contrepartie"]["oneOf"]
                if v["properties"]["variante"]["const"] == "prix-marche-public")
    assert prix["title"] == "prix-marche-public — Prix payé au titre d'un marché public"
    assert "« néant » n'est pas une référence" in prix["description"]
    assert {"reference", "date_marche", "prestations", "acheteur", "titulaire"} <= set(prix["required"])
    assert "montant" not in prix["required"]
    tae = next(v for v in clauses["properties"]["litiges"]["oneOf"]
               if v["properties"]["variante"]["const"] == "tribunal-activites-economiques")
    assert "Refusée : une collectivité n'est pas commerçante" in tae["description"]
    base = next(v for v in clauses["properties"]["donnees-personnelles"]["oneOf"]
                if v["properties"]["variante"]["const"] == "sous-traitance")["properties"]["base_legale"]
    assert "mission_interet_public" in base["enum"]

    def as_json(value: object) -> object:
        return json.loads(json.dumps(value, default=lambda d: d.isoformat() if isinstance(d, dt.date) else d))

    good = {"litiges": {"variante": "tribunal-administratif", "tribunal": "Melun"},
            "contrepartie": {"variante": "prix-marche-public", **CHOICES["contrepartie", "prix-marche-public"]},
            "donnees-personnelles": {"variante": "sous-traitance",
                                     **CHOICES["donnees-personnelles", "sous-traitance"]}}
    jsonschema.validate(as_json(good), clauses)
    assert "donnees_personnelles" in schema["properties"]  # the former block is still described
    for bad in ({"litiges": {"variante": "tribunal-de-commerce"}},
                {"contrepartie": {"variante": "prix-marche-public", "date_marche": "2023-03-15"}},
                {"litiges": {"variante": "tribunal-administratif", "ville": "Melun"}},
                {"litige": {"variante": "tribunal-administratif"}}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(as_json(bad), clauses)


def test_reference_lists_topics_variants_and_their_parameters() -> None:
    from accordgen.tools.reference import markdown

    text = markdown()
    assert "### Clauses de la bibliothèque (`clauses.<thème>`) — Convention spécifique" in text
    for topic in ("litiges", "contrepartie", "donnees-personnelles"):
        assert f"#### `clauses.{topic}`" in text
    assert "- **`responsables-conjoints`** — Responsables conjoints du traitement (article 26 du RGPD)." in text
    assert "| `clauses.contrepartie.reference` | texte | oui |" in text
    assert "| `clauses.donnees-personnelles.conservation_depart` | texte | non |" in text
    assert "par défaut : à compter de la fin de la présente convention" in text
    assert "Refusée : une collectivité n'est pas commerçante" in text


def test_joint_controllers_name_who_notifies_the_cnil(tmp_path: Path) -> None:
    """Art. 26: with two controllers, « the controller » who notifies a breach to the CNIL is
    the contact point the article names (not an unnamed « responsable du traitement »)."""
    text = document_text(accordgen.render(accordgen.load(EXAMPLE / "convention-5.yaml"), tmp_path / "c.docx"))
    assert "afin que le Département, point de contact, puisse la notifier, le cas échéant, à la Commission" in text
    assert "afin de permettre au responsable du traitement de la notifier" not in text
    sous = document_text(accordgen.render(accordgen.load(EXAMPLE / "convention-2.yaml"), tmp_path / "d.docx"))
    assert "afin de permettre au responsable du traitement de la notifier" in sous  # one controller: unchanged
