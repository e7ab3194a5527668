"""The drafter's form (ipywidgets, no browser): round trip of the YAML, messages beside the
fields, nothing written while invalid, list editing, generation and preview."""

from __future__ import annotations

import difflib
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accordgen import load
from accordgen import notebook as nb
from accordgen.kinds import DOCUMENT_KINDS
from accordgen.notebook.collection import ListEditor
from accordgen.notebook.composite import OptionalEditor, UnionEditor
from accordgen.notebook.form import Formulaire
from accordgen.notebook.labels import chemin_lisible, libelle
from accordgen.notebook.lanceur import Lanceur, formulaire
from accordgen.notebook.roundtrip import merge3
from accordgen.notebook.scalar import ScalarEditor

from conftest import EXAMPLE


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    """A copy of the example dossier (the form writes into it)."""
    shutil.copytree(EXAMPLE, tmp_path / "dossier")
    return tmp_path / "dossier"


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def example_of(kind_name: str) -> Path:
    """The YAML a kind's notebook opens by default (its parameters cell)."""
    kind = DOCUMENT_KINDS[kind_name]
    cells = json.loads(kind.notebook_path.read_text(encoding="utf-8"))["cells"]
    params = next(c for c in cells if "parameters" in c.get("metadata", {}).get("tags", []))
    rel = re.search(r'dossier_file\s*=\s*"([^"]+)"', "".join(params["source"])).group(1)
    return (kind.notebook_path.parent / rel).resolve()


# --- round trip -------------------------------------------------------------------------

def test_changing_one_field_rewrites_only_that_line(dossier: Path, tmp_path: Path) -> None:
    path = dossier / "accord.yaml"
    before = path.read_bytes()
    form = Formulaire(path, tmp_path / "out")
    assert form.problemes == [] and not form.a_modifications()

    form.champ("clauses.juridiction").entree.value = "tribunal de commerce de Melun"
    assert form.a_modifications()
    assert form.enregistrer(), form.message.value

    expected = before.replace(b"  juridiction: tribunal de Commerce de Paris\n",
                              b"  juridiction: tribunal de commerce de Melun\n")
    assert expected != before
    assert path.read_bytes() == expected  # comments, order, quotes, folded blocks: byte for byte
    assert load(path).params.clauses.juridiction == "tribunal de commerce de Melun"
    assert not form.a_modifications()


def test_a_date_and_a_quoted_identifier_keep_their_style(dossier: Path, tmp_path: Path) -> None:
    path = dossier / "accord.yaml"
    before = path.read_text(encoding="utf-8")
    form = Formulaire(path, tmp_path / "out")
    form.champ("signature.date").entree.value = "2022-07-04"
    form.champ("parties[1].siren").entree.value = "380129866"  # unchanged value: not rewritten
    form.champ("parties[0].representant.prenom").entree.value = "Jean-Louis"
    assert form.enregistrer(), form.message.value
    assert changed_lines(before, path.read_text(encoding="utf-8")) == [
        "-      prenom: Jean-François", "+      prenom: Jean-Louis",
        "-  date: 2022-07-01", "+  date: 2022-07-04",
    ]
    assert str(load(path).accord.periode.fin) == "2027-07-03"


@pytest.mark.parametrize("kind_name", list(DOCUMENT_KINDS))
def test_every_kind_opens_valid_and_saves_identical_bytes(kind_name: str, dossier: Path,
                                                          tmp_path: Path) -> None:
    source = example_of(kind_name)
    path = dossier / source.relative_to(EXAMPLE) if source.is_relative_to(EXAMPLE) else source
    before = path.read_bytes()
    form = Formulaire(path, tmp_path / "out")
    assert form.kind.name == kind_name
    assert form.problemes == [], form.problemes
    assert form.racine is not None and form.racine.onglets[0] == "Général"
    assert form.fichier.text().encode("utf-8") == before  # the dump merges back to the original
    assert form.enregistrer() and "Aucune modification" in form.message.value
    assert path.read_bytes() == before


@pytest.mark.parametrize("kind_name", list(DOCUMENT_KINDS))
def test_every_kind_edits_one_text_field_in_place(kind_name: str, dossier: Path, tmp_path: Path) -> None:
    """Generic over the kinds: the first short single-line text field that accepts a new value
    is changed; exactly its line changes in the file."""
    source = example_of(kind_name)
    path = dossier / source.relative_to(EXAMPLE) if source.is_relative_to(EXAMPLE) else source
    before = path.read_text(encoding="utf-8")
    form = Formulaire(path, tmp_path / "out")
    form.ouvrir_onglets()  # every field, not only those of the first tab
    chosen = None
    for field_path, ed in form.editeurs().items():
        if not (isinstance(ed, ScalarEditor) and ed.spec.kind == "text"):
            continue
        old = ed.entree.value
        if not old or len(old) > 40 or f": {old}" not in before:
            continue
        ed.entree.value = old + " bis"
        if not form.problemes:
            chosen = (field_path, old)
            break
        ed.entree.value = old
    if chosen is None:
        pytest.fail(f"aucun champ texte modifiable dans {path.name}")
    field_path, old = chosen
    assert form.enregistrer(), form.message.value
    diff = changed_lines(before, path.read_text(encoding="utf-8"))
    assert len(diff) == 2 and diff[0].endswith(old) and diff[1].endswith(old + " bis"), (field_path, diff)


# --- tabs built when opened ---------------------------------------------------------------

def widget_count(widget: object) -> int:
    return 1 + sum(widget_count(c) for c in getattr(widget, "children", ()) or ())


def test_a_tab_is_built_when_opened_and_the_file_is_kept(dossier: Path, tmp_path: Path) -> None:
    """The accord's form opens on « Général »: its axes and parties (a thousand widgets, seconds
    in the browser) are built when their tab is opened; untouched, the file is unchanged."""
    path = dossier / "accord.yaml"
    before = path.read_bytes()
    form = Formulaire(path, tmp_path / "out")
    assert form.racine is not None
    assert form.racine.a_construire() == ["actes", "parties", "axes", "clauses", "signature"]
    assert widget_count(form.widget) < 300
    assert "axes[0].titre" not in form.editeurs() and not form.a_modifications()
    assert form.enregistrer() and path.read_bytes() == before  # unopened tabs keep their values

    tab = form.racine.widget.children[1]
    tab.selected_index = form.racine.onglets.index("Axes")  # the drafter opens « Axes »
    assert "axes" not in form.racine.a_construire() and widget_count(form.widget) > 600
    titre = form.editeurs()["axes[0].titre"]
    assert "accordgen-champ-axes-0-titre" in titre.entree._dom_classes
    titre.entree.value = titre.entree.value + " (révisé)"
    assert form.enregistrer(), form.message.value
    diff = changed_lines(before.decode("utf-8"), path.read_text(encoding="utf-8"))
    assert len(diff) == 2 and diff[1].endswith("(révisé)"), diff
    assert form.racine.a_construire() == ["actes", "parties", "clauses", "signature"]


def test_a_problem_in_an_unopened_tab_is_shown_beside_its_field(dossier: Path, tmp_path: Path) -> None:
    path = dossier / "accord.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("380129866", "380129867"), encoding="utf-8")
    form = Formulaire(path, tmp_path / "out")
    assert form.racine is not None and "parties" not in form.racine.a_construire()
    assert "axes" in form.racine.a_construire()
    assert "SIREN invalide" in form.editeurs()["parties[1].siren"].erreur.value


# --- validation -------------------------------------------------------------------------

def test_invalid_siren_shows_its_message_beside_the_field_and_writes_nothing(
        dossier: Path, tmp_path: Path) -> None:
    path = dossier / "accord.yaml"
    before = path.read_bytes()
    form = Formulaire(path, tmp_path / "out")
    siren = form.champ("parties[0].siren")
    siren.entree.value = "123456789"

    assert "SIREN invalide : « 123456789 »" in siren.erreur.value
    assert "clé de contrôle (Luhn) incorrecte" in siren.erreur.value
    assert siren.erreur.layout.display != "none"
    assert "accordgen-erreur-parties-0-siren" in siren.erreur._dom_classes
    assert "Parties n° 1 › SIREN" in form.synthese.value and "parties[0].siren" in form.synthese.value
    assert form.bouton_enregistrer.disabled and form.bouton_generer.disabled
    assert form.champ("parties[1].siren").erreur.value == ""  # only the faulty field speaks

    assert form.enregistrer() is False
    assert "Enregistrement refusé" in form.message.value
    assert path.read_bytes() == before
    assert form.generer() is None and not (tmp_path / "out").exists()

    siren.entree.value = "227700010"
    assert form.problemes == [] and siren.erreur.value == "" and siren.erreur.layout.display == "none"
    assert not form.bouton_enregistrer.disabled


def test_impossible_date_is_refused_with_its_message(dossier: Path, tmp_path: Path) -> None:
    path = dossier / "accord.yaml"
    before = path.read_bytes()
    form = Formulaire(path, tmp_path / "out")
    field = form.champ("parties[0].deliberation.date")
    field.entree.value = "2022-02-30"
    assert "date invalide ou impossible" in field.erreur.value and "2022-02-30" in field.erreur.value
    assert form.enregistrer() is False and path.read_bytes() == before


def test_a_cross_field_check_lands_on_its_field(dossier: Path, tmp_path: Path) -> None:
    form = Formulaire(dossier / "accord.yaml", tmp_path / "out")
    form.champ("parties[1].cle").entree.value = "departement"  # (a party is now chosen by name)
    assert "clé « departement » utilisée par 2 parties" in form.champ("parties[0].cle").erreur.value
    assert "partie inconnue « orange »" in form.champ("axes[1].apports[0].partie").erreur.value


def test_dossier_checks_run_before_saving(dossier: Path, tmp_path: Path) -> None:
    """The checks against the dossier (as ``load`` runs them) also block the save."""
    path = dossier / "avenant-1.yaml"
    before = path.read_bytes()
    form = Formulaire(path, tmp_path / "out")
    form.champ("signature.date").entree.value = "2027-07-02"  # after the accord's term
    message = form.champ("signature.date").erreur.value
    assert "un accord expiré" in message and "nouvel accord" in message
    assert form.enregistrer() is False and path.read_bytes() == before


def test_a_file_changed_elsewhere_is_not_overwritten(dossier: Path, tmp_path: Path) -> None:
    path = dossier / "accord.yaml"
    form = Formulaire(path, tmp_path / "out")
    edited = path.read_text(encoding="utf-8").replace("lieu: Melun", "lieu: Fontainebleau")
    path.write_text(edited, encoding="utf-8")
    form.champ("clauses.juridiction").entree.value = "tribunal de commerce de Melun"
    assert form.enregistrer() is False
    assert "modifié ailleurs" in form.message.value
    assert path.read_text(encoding="utf-8") == edited
    form.recharger()
    assert form.champ("signature.lieu").entree.value == "Fontainebleau"


# --- lists and optional parts -----------------------------------------------------------

def test_list_items_can_be_added_moved_and_removed(dossier: Path, tmp_path: Path) -> None:
    path = dossier / "accord.yaml"
    before = path.read_text(encoding="utf-8")
    form = Formulaire(path, tmp_path / "out")
    themes = form.champ("thematiques")
    assert isinstance(themes, ListEditor) and len(themes.items) == 6
    first = [ed.entree.value for ed in themes.items]

    themes.deplacer(themes.items[0], +1)   # « Sécurité » goes below « Formation »
    themes.supprimer(themes.items[-1])     # « Exploration de nouveaux usages. » goes
    new = themes.ajouter()
    assert form.problemes == [("thematiques[5]", "valeur vide : un texte est attendu")]
    assert "valeur vide" in new.erreur.value and form.bouton_enregistrer.disabled
    new.entree.value = "Culture numérique."
    assert form.problemes == []
    assert form.enregistrer(), form.message.value

    after = path.read_text(encoding="utf-8")
    assert load(path).params.thematiques == [first[1], first[0], *first[2:5], "Culture numérique."]
    assert comment_lines(after) == comment_lines(before)
    assert len(changed_lines(before, after)) == 4


def test_list_of_parts_and_nested_paragraph_lists(dossier: Path, tmp_path: Path) -> None:
    path = dossier / "accord.yaml"
    form = Formulaire(path, tmp_path / "out")
    axes = form.champ("axes")
    axes.deplacer(axes.items[5], -1)  # axis 6 before axis 5
    apports = form.champ("axes[5].apports")
    apports.ajouter()
    form.champ("axes[5].apports[0].partie").entree.value = "orange"
    paragraph = form.champ("axes[5].apports[0].texte").ajouter()
    assert isinstance(paragraph, UnionEditor)
    paragraph.choix.value = 1  # a bullet list instead of a paragraph
    bullets = form.champ("axes[5].apports[0].texte[0]")
    bullets.ajouter().entree.value = "ouverture de ses laboratoires,"
    bullets.ajouter().entree.value = "visites de sites techniques."
    assert form.problemes == []
    assert form.enregistrer(), form.message.value
    accord = load(path).params
    assert [a.numero for a in accord.axes] == [1, 2, 3, 4, 6, 5]
    assert accord.axes[5].apports[0].texte == [["ouverture de ses laboratoires,", "visites de sites techniques."]]
    assert "  - numero: 6\n" in path.read_text(encoding="utf-8")


def test_optional_part_and_keyed_entries_keep_the_comments_in_place(dossier: Path, tmp_path: Path) -> None:
    path = dossier / "avenant-1.yaml"
    before = path.read_text(encoding="utf-8")
    form = Formulaire(path, tmp_path / "out")
    duree = form.champ("duree")
    assert isinstance(duree, OptionalEditor) and duree.raw() is not None
    duree.case.value = True
    assert {p for p, _ in form.problemes} == {"duree.valeur", "duree.unite"}
    form.champ("duree.valeur").entree.value = "3"
    form.champ("duree.unite").entree.value = "ans"
    form.champ("representants.orange.prenom").entree.value = "Claire-Marie"
    assert form.problemes == [], form.problemes
    assert form.enregistrer(), form.message.value

    after = path.read_text(encoding="utf-8")
    assert comment_lines(after) == comment_lines(before)
    # the comment that introduces « modifications » still sits right above it
    assert "# Modifications des axes de coopération (article 2 de l'accord).\nmodifications:" in after
    doc = load(path)
    assert doc.params.duree.valeur == 3
    assert str(doc.context()["nouvelle_periode"]["fin"]) == "2030-06-30"
    assert doc.params.representants["orange"].prenom == "Claire-Marie"


def test_a_keyed_entry_needs_a_key(dossier: Path, tmp_path: Path) -> None:
    form = Formulaire(dossier / "avenant-1.yaml", tmp_path / "out")
    reps = form.champ("representants")
    reps.ajouter()
    assert ("representants", "une entrée n'a pas de partie : choisissez-la dans la liste") in form.problemes
    reps.elements[-1].cle.value = "orange"
    assert any("en double" in m for _, m in form.problemes)


# --- generation and preview -------------------------------------------------------------

def test_generer_saves_renders_and_previews(dossier: Path, tmp_path: Path) -> None:
    path = dossier / "scenarios" / "lettre-resiliation-2023.yaml"
    form = Formulaire(path, tmp_path / "out")
    form.champ("contact.telephone").entree.value = "01 99 00 12 35"
    chemin = form.generer()
    assert chemin is not None and chemin.is_file() and chemin.parent == tmp_path / "out"
    assert "01 99 00 12 35" in path.read_text(encoding="utf-8")
    html, dates = form.sortie.outputs
    assert "<p>" in html["data"]["text/html"] and "01 99 00 12 35" in html["data"]["text/html"]
    assert "samedi 18\xa0mars 2023" in dates["data"]["text/html"]  # the notice ends on a Saturday


def test_preview_shows_the_text_with_its_headings(tmp_path: Path) -> None:
    doc = load(EXAMPLE / "accord.yaml")
    html = nb.apercu(nb.generer(doc, tmp_path)).data
    assert re.search(r"<h1[^>]*>ACCORD DE COOPÉRATION ENTRE LE DÉPARTEMENT DE SEINE-ET-MARNE ET ORANGE</h1>", html)
    assert "<h1>Préambule</h1>" in html
    assert re.search(r"<h2>[^<]*Sécurité", html)
    assert "<li>Sport,</li>" in html and "<strong>" in html


def test_key_dates_of_the_accord_and_of_a_letter() -> None:
    table = nb.dates_cles(load(EXAMPLE / "accord.yaml")).replace("\xa0", " ", regex=True)
    assert table.loc["Accord : dernier jour en vigueur (terme initial)", "Date"] == "mercredi 30 juin 2027"
    assert table.loc["Fin de l'obligation de confidentialité (survie)", "Date"] == "mercredi 30 juin 2032"
    lettre = nb.dates_cles(load(EXAMPLE / "scenarios" / "lettre-resiliation-2023.yaml")).replace(
        "\xa0", " ", regex=True)
    assert lettre.loc["Envoi de la lettre (cachet de la poste)", "Date"] == "vendredi 3 mars 2023"
    assert lettre.loc["Prise d'effet de la résiliation (fin du préavis)", "Date"] == "samedi 18 mars 2023"
    assert list(lettre.index).index("Envoi de la lettre (cachet de la poste)") < list(lettre.index).index(
        "Prise d'effet de la résiliation (fin du préavis)")


# --- the notebook cell --------------------------------------------------------------------

def test_the_notebook_cell_shows_a_button_and_builds_the_form_on_demand(dossier: Path) -> None:
    cell = formulaire(dossier / "accord.yaml")
    assert isinstance(cell, Lanceur) and cell.formulaire is None
    assert "application/vnd.jupyter.widget-view+json" in cell._repr_mimebundle_()
    form = cell.ouvrir()
    assert cell.ouvrir() is form and cell.widget.children == (form.widget,)


def test_an_unreadable_file_is_said_not_raised(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text("type: accord\ntype: accord\n", encoding="utf-8")
    form = Formulaire(bad, tmp_path)
    assert "Fichier illisible" in form.etat.value and "en double" in form.etat.value
    assert form.bouton_enregistrer.disabled and form.enregistrer() is False


@pytest.mark.parametrize("kind_name", list(DOCUMENT_KINDS))
def test_every_kind_notebook_has_the_form_the_preview_and_the_key_dates(kind_name: str) -> None:
    cells = json.loads(DOCUMENT_KINDS[kind_name].notebook_path.read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells]
    params = next(i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", []))
    form_cell = next(i for i, s in enumerate(sources) if "nb.formulaire(dossier_file" in s)
    assert params < form_cell < next(i for i, s in enumerate(sources) if "nb.charger(" in s)
    assert any("nb.apercu(" in s for s in sources) and any("nb.dates_cles(document)" in s for s in sources)
    assert all(not c.get("outputs") for c in cells if c["cell_type"] == "code")  # committed clean


def test_labels_and_paths_read_as_french() -> None:
    assert libelle("date_debut") == "Date début"
    assert libelle("preavis_resiliation") == "Préavis résiliation"
    assert chemin_lisible("parties[0].representant.prenom") == "Parties n° 1 › Représentant › Prénom"


def test_windows_line_endings_and_byte_order_mark_survive(dossier: Path, tmp_path: Path) -> None:
    path = dossier / "accord.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    before = path.read_bytes()
    form = Formulaire(path, tmp_path / "out")
    form.champ("signature.lieu").entree.value = "Fontainebleau"
    assert form.enregistrer(), form.message.value
    assert path.read_bytes() == before.replace(b"  lieu: Melun\r\n", b"  lieu: Fontainebleau\r\n")


def test_an_empty_key_in_an_optional_mapping_is_reported(dossier: Path, tmp_path: Path) -> None:
    form = Formulaire(dossier / "avenant-1.yaml", tmp_path / "out")
    deliberations = form.champ("deliberations")
    deliberations.case.value = True
    deliberations.ajouter()
    assert ("deliberations", "une entrée n'a pas de partie : choisissez-la dans la liste") in form.problemes
    assert form.enregistrer() is False


# --- the line merge behind the round trip -------------------------------------------------

_lines = st.lists(st.sampled_from(["a: 1", "b: 2", "- x", "- y", "# note", ""]), max_size=12)


@given(_lines, _lines)
def test_merge_keeps_every_change_when_the_layout_is_the_drafters(base: list[str], ours: list[str]) -> None:
    assert merge3(base, base, ours) == ours


@given(_lines, st.data())
def test_merge_keeps_the_drafters_layout_when_nothing_changed(base: list[str], data: st.DataObject) -> None:
    original = [line + data.draw(st.sampled_from(["", "  ", "   # mis en forme"])) for line in base]
    assert merge3(original, base, base) == original


def test_dates_are_shown_and_typed_the_french_way(dossier: Path, tmp_path: Path) -> None:
    path = dossier / "accord.yaml"
    before = path.read_text(encoding="utf-8")
    form = Formulaire(path, tmp_path / "out")
    field = form.champ("signature.date")
    assert field.entree.value == "01/07/2022" and not form.a_modifications()
    field.entree.value = "4 juillet 2022"
    assert form.problemes == [] and form.enregistrer(), form.message.value
    assert changed_lines(before, path.read_text(encoding="utf-8")) == ["-  date: 2022-07-01", "+  date: 2022-07-04"]
    field.entree.value = "31/06/2022"
    assert form.problemes and "31/06/2022" in field.erreur.value


def test_code_values_are_shown_as_french_labels(dossier: Path, tmp_path: Path) -> None:
    form = Formulaire(dossier / "accord.yaml", tmp_path / "out")
    labels = [label for label, _value in form.champ("statut").entree.options]
    assert "Définitif" in labels and "definitif" not in labels
    assert form.champ("statut").entree.value == "definitif"


def test_help_texts_name_code_values_by_their_labels(dossier: Path, tmp_path: Path) -> None:
    form = Formulaire(dossier / "avenant-1.yaml", tmp_path / "out")
    title = form.champ("statut").widget.children[0].value
    assert "« Définitif »" in title and "definitif" not in title


# --- the clause library in the form -------------------------------------------------------------

def test_clause_topics_are_drop_downs_of_the_variants_this_document_allows(dossier: Path, tmp_path: Path) -> None:
    from accordgen.notebook.clauses import ClausesEditor

    form = Formulaire(dossier / "convention-1.yaml", tmp_path / "out")
    assert "Clauses" in form.racine.onglets
    clauses = form.champ("clauses")
    assert isinstance(clauses, ClausesEditor)
    assert list(clauses.sujets) == ["litiges", "contrepartie", "donnees-personnelles"]
    litiges = form.champ("clauses.litiges")
    labels = dict(litiges.choix.options)
    assert labels["Par défaut : Tribunal administratif"] == "__defaut__"
    assert "tribunal-administratif" in labels.values()
    # refused with a collectivité: not offered, named with the reason
    assert not {"tribunal-judiciaire", "tribunal-activites-economiques"} & set(labels.values())
    assert "Tribunal des activités économiques — une collectivité n'est pas commerçante" in litiges.refus.value
    assert "Tribunal judiciaire — une partie est une collectivité" in litiges.refus.value
    # the description of the chosen variant is the help
    assert "la convention ne comporte ni prix ni équivalent" in form.champ("clauses.contrepartie").description.value
    contrepartie = form.champ("clauses.contrepartie")
    contrepartie.choix.value = "subvention"
    assert "article 9-1 de la loi n° 2000-321" in contrepartie.description.value


def test_choosing_a_variant_shows_its_parameters_checks_and_saves_them(dossier: Path, tmp_path: Path) -> None:
    path = dossier / "convention-1.yaml"
    before = path.read_text(encoding="utf-8")
    form = Formulaire(path, tmp_path / "out")
    form.champ("clauses.contrepartie").choix.value = "prix-marche-public"
    fields = {p for p in form.editeurs() if p.startswith("clauses.contrepartie.")}
    assert fields == {f"clauses.contrepartie.{n}" for n in
                      ("reference", "date_marche", "prestations", "acheteur", "titulaire", "montant")}
    assert "clauses.contrepartie.date_marche" in {p for p, _ in form.problemes}
    assert "paramètre obligatoire" in form.champ("clauses.contrepartie.date_marche").erreur.value
    assert form.bouton_enregistrer.disabled
    titulaire = form.champ("clauses.contrepartie.titulaire")
    assert set(dict(titulaire.entree.options).values()) >= {"departement", "orange"}  # the accord's parties
    for name, value in (("reference", "n° 2023-045, procédure adaptée"), ("date_marche", "2023-03-15"),
                        ("prestations", "la maintenance des bornes de recharge"), ("acheteur", "departement"),
                        ("titulaire", "orange"), ("montant", "1500")):
        form.champ(f"clauses.contrepartie.{name}").entree.value = value
    assert form.problemes == [], form.problemes
    assert form.enregistrer(), form.message.value
    after = path.read_text(encoding="utf-8")
    assert "clauses:\n  contrepartie:\n    variante: prix-marche-public\n" in after
    assert "    date_marche: 2023-03-15\n" in after
    assert comment_lines(after) == comment_lines(before)
    doc = load(path)
    assert doc.params.clauses["contrepartie"]["variante"] == "prix-marche-public"
    chemin = form.generer()
    assert chemin is not None
    from accordgen.tools.text import document_text
    assert "marché public n° 2023-045, procédure adaptée, conclu le 15" in document_text(chemin)


def test_a_refused_choice_in_the_file_is_shown_and_said(dossier: Path, tmp_path: Path) -> None:
    path = dossier / "convention-1.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nclauses:\n  litiges:\n    variante: "
                    "tribunal-activites-economiques\n    tribunal: Paris\n", encoding="utf-8")
    form = Formulaire(path, tmp_path / "out")
    litiges = form.champ("clauses.litiges")
    assert litiges.choix.value == "tribunal-activites-economiques"
    assert "(choix actuel, refusé)" in dict((v, k) for k, v in litiges.choix.options)["tribunal-activites-economiques"]
    assert "une collectivité n'est pas commerçante" in litiges.erreur.value
    litiges.choix.value = "tribunal-administratif"
    form.champ("clauses.litiges.tribunal").entree.value = "Melun"
    assert form.problemes == [], form.problemes


def test_a_workspace_variant_is_offered_by_the_form(tmp_path: Path) -> None:
    """Issue 15, criterion 1: a variant added as a Word file in a workspace's clauses/ is
    offered by the form, with its own parameter, with no Python change."""
    import docx as python_docx

    ws = tmp_path / "espace"
    shutil.copytree(EXAMPLE, ws / "dossiers" / "d")
    (ws / "accordgen.yaml").write_text("espace: accordgen\n", encoding="utf-8")
    folder = ws / "clauses" / "litiges"
    folder.mkdir(parents=True)
    d = python_docx.Document()
    d.add_paragraph("Tout différend est d'abord soumis à {{ mediateur }}, puis au tribunal administratif.")
    d.save(str(folder / "mediation.docx"))
    (folder / "mediation.yaml").write_text(
        "titre: Médiation puis tribunal administratif\ndescription: Une médiation avant tout recours.\n"
        "parametres:\n  - nom: mediateur\n    type: texte\n    libelle: Médiateur désigné\n", encoding="utf-8")
    form = Formulaire(ws / "dossiers" / "d" / "convention-1.yaml", tmp_path / "out")
    litiges = form.champ("clauses.litiges")
    assert dict(litiges.choix.options)["Médiation puis tribunal administratif"] == "mediation"
    litiges.choix.value = "mediation"
    assert "Une médiation avant tout recours." in litiges.description.value
    assert "clauses.litiges.mediateur" in {p for p, _ in form.problemes}
    form.champ("clauses.litiges.mediateur").entree.value = "le médiateur des entreprises"
    assert form.problemes == [], form.problemes


def test_an_undeclared_clause_parameter_is_kept_and_named(dossier: Path, tmp_path: Path) -> None:
    path = dossier / "convention-1.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nclauses:\n  litiges:\n    variante: "
                    "tribunal-administratif\n    ville: Melun\n", encoding="utf-8")
    form = Formulaire(path, tmp_path / "out")
    assert ("clauses.litiges.ville", "paramètre inconnu de la variante « tribunal-administratif » "
            "(paramètres : tribunal)") in form.problemes
    assert "paramètre inconnu" in form.champ("clauses.litiges").erreur.value
    assert form.enregistrer() is False


# --- parties chosen by name -------------------------------------------------------------

def test_party_keys_are_chosen_by_name_and_saved_as_keys(dossier: Path, tmp_path: Path) -> None:
    path = dossier / "convention-1.yaml"
    before = path.read_text(encoding="utf-8")
    form = Formulaire(path, tmp_path / "out")
    pilote = form.champ("actions[0].pilote").entree
    names = {label: value for label, value in pilote.options}
    assert names["Le Département de Seine-et-Marne"] == "departement"
    assert names["La société ORANGE"] == "orange"
    assert pilote.value == "departement"
    # dict keys that name a party (referents, engagements, deliberations...) too
    referents = form.champ("referents")
    assert [dict(e.cle.options).get("La société ORANGE") for e in referents.elements] == ["orange", "orange"]
    assert [e.cle.value for e in referents.elements] == ["departement", "orange"]

    pilote.value = "orange"
    assert form.problemes == [], form.problemes
    assert form.enregistrer(), form.message.value
    after = path.read_text(encoding="utf-8")
    assert changed_lines(before, after) == ["-    pilote: departement", "+    pilote: orange"]
    assert load(path).params.actions[0].pilote == "orange"


def test_a_key_that_is_no_party_is_shown_and_named(dossier: Path, tmp_path: Path) -> None:
    path = dossier / "convention-1.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    pilote: departement\n", "    pilote: mairie\n", 1)
                    .replace("referents:\n  departement:", "referents:\n  region:", 1), encoding="utf-8")
    form = Formulaire(path, tmp_path / "out")
    pilote = form.champ("actions[0].pilote").entree
    assert pilote.value == "mairie"  # kept, not replaced by a party
    assert dict((v, k) for k, v in pilote.options)["mairie"].startswith("« mairie »")
    messages = dict(form.problemes)
    assert messages["actions[0].pilote"].startswith("« mairie » ne désigne aucune partie de l'accord")
    assert "« La société ORANGE »" in messages["actions[0].pilote"]
    assert messages["referents"].startswith("« region » ne désigne aucune partie de l'accord")
    assert not form.enregistrer() and path.read_text(encoding="utf-8") != text

    pilote.value = "departement"
    form.champ("referents").elements[0].cle.value = "departement"
    assert form.problemes == [], form.problemes


def test_a_letter_names_its_sender_among_the_parties(tmp_path: Path) -> None:
    form = Formulaire(example_of("lettre-resiliation"), tmp_path / "out")
    expediteur = form.champ("expediteur").entree
    assert "Le Département de Seine-et-Marne" in [label for label, _ in expediteur.options]
    assert expediteur.value in [cle for cle, _ in form.parties()]


# --- date picker ------------------------------------------------------------------------

def test_a_date_is_picked_or_typed_in_french_and_saved_iso(dossier: Path, tmp_path: Path) -> None:
    import datetime as dt

    path = dossier / "accord.yaml"
    before = path.read_text(encoding="utf-8")
    form = Formulaire(path, tmp_path / "out")
    field = form.champ("signature.date")
    assert field.entree.value == "01/07/2022" and field.calendrier.value == dt.date(2022, 7, 1)
    assert "accordgen-calendrier-signature-date" in field.calendrier._dom_classes

    field.calendrier.value = dt.date(2022, 7, 4)  # picked in the calendar: typed in the field
    assert field.entree.value == "04/07/2022" and field.raw() == "2022-07-04"
    field.entree.value = "5 juillet 2022"  # typed in words: kept as typed, the calendar follows
    assert field.entree.value == "5 juillet 2022" and field.calendrier.value == dt.date(2022, 7, 5)
    field.entree.value = "06/07/2022"
    assert field.calendrier.value == dt.date(2022, 7, 6)
    field.entree.value = "31/02/2022"  # no such date: the message, the calendar left as it was
    assert "date invalide ou impossible" in field.erreur.value
    assert field.calendrier.value == dt.date(2022, 7, 6)
    field.calendrier.value = dt.date(2022, 7, 4)
    assert form.problemes == [] and form.enregistrer(), form.message.value
    assert changed_lines(before, path.read_text(encoding="utf-8")) == ["-  date: 2022-07-01", "+  date: 2022-07-04"]


def test_the_accord_form_offers_its_parties_as_typed_before_saving(dossier: Path, tmp_path: Path) -> None:
    """A party renamed or given another key in the accord's form: the drop-downs that choose a
    party (signatories, each axis's contributions) offer it at once, not after a save."""
    path = dossier / "accord.yaml"
    before = path.read_bytes()
    form = Formulaire(path, tmp_path / "out")
    form.ouvrir_onglets()
    signataire = form.champ("signature.signataires[1]").entree
    apport = form.champ("axes[0].apports[1].partie").entree
    assert dict(signataire.options)["La société ORANGE"] == "orange"
    chosen = signataire.value

    form.champ("parties[1].designation").entree.value = "La société ORANGE SA"
    assert dict(signataire.options)["La société ORANGE SA"] == "orange" and signataire.value == chosen
    assert "La société ORANGE" not in dict(apport.options) and apport.value == "orange"
    assert form.problemes == [], form.problemes

    form.champ("parties[1].cle").entree.value = "orange-sa"
    assert dict(apport.options)["La société ORANGE SA"] == "orange-sa"
    assert apport.value == "orange"  # kept, and named as no party's key
    assert "aucune partie de l'accord n'a cette clé" in dict((v, k) for k, v in apport.options)["orange"]
    assert "axes[0].apports[1].partie" in {p for p, _ in form.problemes}
    assert path.read_bytes() == before  # nothing saved


def test_a_field_titled_by_its_model_is_labelled_so(dossier: Path, tmp_path: Path) -> None:
    """The amendment's two ways of citing the authorising decision are told apart (they read
    « Délibération » and « Délibérations », side by side)."""
    form = Formulaire(dossier / "avenant-1.yaml", tmp_path / "out")
    assert form.racine is not None
    assert "Délibération (une seule collectivité)" in form.racine.onglets
    assert "Délibérations (plusieurs collectivités)" in form.racine.onglets
    assert "Délibération" not in form.racine.onglets and "Délibérations" not in form.racine.onglets
    case = form.champ("deliberations").case
    assert case.description == "Renseigner « Délibérations (plusieurs collectivités) »"
