"""New documents from the application (accordgen.app.create): a dossier from its parties and
main fields, and the next amendment, convention or letter of a dossier. What they write loads
and renders; invalid answers give French messages naming the question, and nothing is written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import accordgen
from accordgen.app import create
from accordgen.dossier import Loader
from accordgen.rules.saisie import date_affichee, date_saisie
from accordgen.workspace import init_workspace

DOSSIER = "seine-et-marne-orange-2022"


def party(n: int, **kw: str) -> dict[str, str]:
    base = (dict(denomination="Département de l'Essonne", nature="collectivite", appellation="Département",
                 genre="masculin", article="le", adresse="Hôtel du Département\n91012 ÉVRY CEDEX",
                 civilite="Monsieur", prenom="Paul", nom="MARTIN", qualite="Président du Conseil départemental")
            if n == 1 else
            dict(denomination="ACME", nature="societe", appellation="Acme", genre="feminin", article="",
                 adresse="1 rue de la Paix\n75002 PARIS", siren="380129866", rcs_greffe="Paris",
                 civilite="Madame", prenom="Anne", nom="DURAND", qualite="Directrice générale"))
    return {**base, **kw}


ANSWERS = dict(duree="4", preavis="30", reponse="10", confidentialite="3", amiable="1", juridiction="tribunal administratif de Versailles", lieu="Évry",
               axes="Numérique responsable\nSport pour tous")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return init_workspace(tmp_path / "espace").path


def files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_french_dates_typed() -> None:
    assert date_saisie("03/03/2023") == "2023-03-03"
    assert date_saisie(" 3/3/2023 ") == "2023-03-03"
    assert date_saisie("1er juillet 2022") == "2022-07-01"
    assert date_saisie("3 août 2023") == "2023-08-03"
    assert date_saisie("2023-03-03") == "2023-03-03"
    assert date_saisie("31/02/2023") == "31/02/2023"  # left for the model to refuse
    assert date_affichee(dt.date(2023, 3, 3)) == "03/03/2023"


def test_new_dossier_is_valid_and_renders(workspace: Path) -> None:
    path = create.new_dossier(workspace, "Essonne ACME 2026", ANSWERS, [party(1), party(2)])
    assert path == workspace / "dossiers" / "essonne-acme-2026" / "accord.yaml"
    doc = accordgen.load(path)
    assert doc.title() == "ACCORD DE COOPÉRATION ENTRE LE DÉPARTEMENT DE L'ESSONNE ET LA SOCIÉTÉ ACME"
    assert [a.titre for a in doc.params.axes] == ["Numérique responsable", "Sport pour tous"]
    assert doc.params.clauses.duree.valeur == 4 and doc.params.parties[1].siren == "380129866"
    clauses = doc.params.clauses
    assert (clauses.delai_reponse_communication.valeur, clauses.confidentialite_survie.valeur,
            clauses.delai_reglement_amiable.valeur) == (10, 3, 1)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Accord de coopération") and "statut: projet" in text and "&id" not in text
    assert accordgen.render_bytes(doc)[:2] == b"PK"


def test_new_dossier_invalid_names_the_field_and_writes_nothing(workspace: Path) -> None:
    before = files(workspace)
    with pytest.raises(create.CreationError) as info:
        create.new_dossier(workspace, "Essonne ACME 2026", ANSWERS, [party(1), party(2, siren="380129867")])
    assert "Partie 2 — SIREN : SIREN invalide" in str(info.value)
    with pytest.raises(create.CreationError) as info:
        create.new_dossier(workspace, "x", {**ANSWERS, "duree": "cinq"}, [party(1), party(2)])
    assert "Durée de l'accord (en années)" in str(info.value)
    for question, label in (("preavis", "Préavis de résiliation (en jours)"),
                            ("amiable", "Règlement amiable (en mois)")):  # no default: seed values are not code
        with pytest.raises(create.CreationError) as info:
            create.new_dossier(workspace, "x", {**ANSWERS, question: ""}, [party(1), party(2)])
        assert label in str(info.value)
    with pytest.raises(create.CreationError) as info:
        create.new_dossier(workspace, DOSSIER, ANSWERS, [party(1), party(2)])
    assert "existe déjà" in str(info.value)
    assert files(workspace) == before and not (workspace / "dossiers" / "x").exists()


def test_new_convention_next_number_axis_and_french_dates(workspace: Path) -> None:
    accord = workspace / "dossiers" / DOSSIER / "accord.yaml"
    path = create.new_document(Loader(), accord, "convention-specifique",
                               dict(axe="2", date_debut="03/03/2025", date_fin="1er juin 2025"))
    assert path.name == "convention-7.yaml"
    doc = accordgen.load(path)
    assert doc.params.numero == 7 and doc.params.axe == 2
    assert (doc.params.date_debut, doc.params.date_fin) == (dt.date(2025, 3, 3), dt.date(2025, 6, 1))
    assert "axe n° 2 « Formation dans le domaine social et inclusion »" in doc.title()
    assert "date_debut: 2025-03-03" in path.read_text(encoding="utf-8")
    assert accordgen.render_bytes(doc)[:2] == b"PK"


def test_new_document_invalid_names_the_field_and_writes_nothing(workspace: Path) -> None:
    accord = workspace / "dossiers" / DOSSIER / "accord.yaml"
    before = files(workspace)
    with pytest.raises(create.CreationError) as info:
        create.new_document(Loader(), accord, "convention-specifique",
                            dict(axe="2", date_debut="31/02/2025", date_fin="01/06/2025"))
    assert str(info.value).startswith("Date de début : ")
    with pytest.raises(create.CreationError) as info:
        create.new_document(Loader(), accord, "lettre-resiliation",
                            dict(expediteur="departement", lieu="Melun", date_envoi="10/10/2027",
                                 numero_lrar="1A 123 456 7890 1", motif="article_7", contact="Madame Claire EXEMPLE"))
    assert "Date d'envoi : envoi le 10/10/2027, après l'échéance de l'accord" in str(info.value)
    assert files(workspace) == before


def test_new_letter(workspace: Path) -> None:
    accord = workspace / "dossiers" / DOSSIER / "accord.yaml"
    path = create.new_document(Loader(), accord, "lettre-resiliation",
                               dict(expediteur="departement", lieu="Melun", date_envoi="02/03/2026",
                                    numero_lrar="1A 123 456 7890 1", motif="article_7",
                                    contact="Madame Claire EXEMPLE"))
    doc = accordgen.load(path)
    assert doc.params.date_envoi == dt.date(2026, 3, 2) and doc.params.contact.nom == "Madame Claire EXEMPLE"


def test_texts_left_to_complete_warn_in_a_draft_and_block_a_final_document(workspace: Path) -> None:
    """A new convention carries « [à compléter] » where the drafter gave nothing yet: each such
    field is named in a warning (the form's « Attention », ``check``); the same file set to
    ``statut: definitif`` is refused, since it would be signed with the mark in it."""
    accord = workspace / "dossiers" / DOSSIER / "accord.yaml"
    path = create.new_document(Loader(), accord, "convention-specifique",
                               dict(axe="2", date_debut="03/03/2025", date_fin="01/06/2025"))
    text = path.read_text(encoding="utf-8")
    assert "[à compléter]" in text
    warnings = [w for w in accordgen.load(path).warnings() if "[à compléter]" in w]
    assert warnings and all(" : texte encore « [à compléter] »" in w for w in warnings), warnings
    assert any(w.startswith("actions[0].intitule : ") for w in warnings), warnings
    path.write_text(text.replace("statut: projet", "statut: definitif"), encoding="utf-8")
    with pytest.raises(accordgen.ValidationError) as info:
        accordgen.load(path)
    assert "actions[0].intitule : texte encore « [à compléter] » dans un document définitif" in str(info.value)
    assert str(path) in str(info.value)
    # completed, the final document loads without the warning
    done = text.replace("statut: projet", "statut: definitif").replace("[à compléter]", "Atelier numérique")
    path.write_text(done, encoding="utf-8")
    assert not [w for w in accordgen.load(path).warnings() if "compléter" in w]


def test_the_mark_is_found_whatever_its_case_and_accents() -> None:
    from accordgen.rules.a_completer import fields_to_complete

    values = {"objet": "Objet [A COMPLETER]", "parties": [{"adresse": ["1 rue", "[à  compléter ]"]}],
              "titre": "à compléter plus tard", "n": 3}
    assert list(fields_to_complete(values)) == ["objet", "parties[0].adresse[1]"]


def test_the_form_names_the_field_to_complete_in_french(workspace: Path) -> None:
    from accordgen.notebook.form import Formulaire

    accord = workspace / "dossiers" / DOSSIER / "accord.yaml"
    path = create.new_document(Loader(), accord, "convention-specifique",
                               dict(axe="2", date_debut="03/03/2025", date_fin="01/06/2025"))
    form = Formulaire(path)
    assert form.problemes == []  # a warning, not a problem: the draft can be saved and generated
    assert "Actions n° 1 › Intitulé : texte encore « [à compléter] »" in form.attention.value
    assert "actions[0]" not in form.attention.value


def test_a_new_dossier_opens_on_the_accords_whole_form(workspace: Path) -> None:
    """« Nouveau dossier » is a short sequence, then the full form: the new dossier's page
    opens with the accord's form open."""
    from accordgen.app.ui import Application

    app = Application(workspace)
    path = create.new_dossier(workspace, "Essonne ACME 2026", ANSWERS, [party(1), party(2)])
    app.dossier_created(path)
    assert app.tabs.selected_index == 1 and "Dossier créé : essonne-acme-2026" in app.dossier.children[0].value
    (line,) = [line for line in app.lines if line.path == path]
    assert line.form is not None and line.form_area.children and line.form.problemes == []
    assert "Dossiers (2)" in app.accueil.children[0].value
