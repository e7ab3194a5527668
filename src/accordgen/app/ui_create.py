"""The application's creation panels: « Nouveau dossier » (the parties and the accord's main
fields) and, in a dossier, « Ajouter un avenant / une convention / une lettre ». Each panel
asks a few questions in French, then :mod:`.create` validates and writes the YAML; a problem
is shown beside the panel with the field's label and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..dossier import Loader
from ..errors import AccordgenError
from . import create

LABEL = {"description_width": "16em"}
WIDE = w.Layout(width="44em")


def _text(label: str, placeholder: str = "", value: str = "") -> w.Text:
    return w.Text(description=label, placeholder=placeholder, value=value, style=LABEL, layout=WIDE)


def _area(label: str, placeholder: str = "") -> w.Textarea:
    return w.Textarea(description=label, placeholder=placeholder, rows=3, style=LABEL, layout=WIDE)


def _choice(label: str, options: list[tuple[str, str]], value: str | None = None) -> w.Dropdown:
    return w.Dropdown(description=label, options=options, value=value or options[0][1], style=LABEL,
                      layout=WIDE)


def _problems_html(exc: AccordgenError) -> str:
    problems = getattr(exc, "problems", None) or [("", str(exc))]
    items = "".join(f"<li>{'<b>' + escape(label) + '</b> : ' if label else ''}{escape(msg)}</li>"
                    for label, msg in problems)
    return (f'<div class="ag-ko" role="alert"><b>Rien n\'a été écrit</b> : à corriger —'
            f"<ul>{items}</ul></div>")


class Panel:
    """Questions, « Créer » and « Annuler », and the message line."""

    def __init__(self, title: str, fields: dict[str, w.ValueWidget], on_create: Callable[[dict[str, Any]], Path],
                 on_done: Callable[[Path], None], on_cancel: Callable[[], None],
                 groups: list[tuple[str, dict[str, w.ValueWidget]]] | None = None) -> None:
        self.fields, self.groups = fields, groups or []
        self.message = w.HTML()
        self.message.add_class("ag-creation-message")
        create_button = w.Button(description="Créer", button_style="primary")
        cancel = w.Button(description="Annuler")
        children: list[w.Widget] = [w.HTML(f"<h4>{escape(title)}</h4>")]
        first = fields.pop("nom", None)  # the dossier's name comes first
        if first is not None:
            children.append(first)
            fields = {"nom": first, **fields}
            self.fields = fields
        for heading, group in self.groups:
            children += [w.HTML(f"<b>{escape(heading)}</b>"), *group.values()]
        if self.groups:
            children.append(w.HTML("<b>L'accord</b>"))
        children += [f for name, f in fields.items() if name != "nom"]
        children += [w.HBox([create_button, cancel]), self.message]
        self.widget = w.VBox(children, layout=w.Layout(border="1px solid #ccc", padding="0.5em 1em",
                                                       margin="0.5em 0"))
        self.widget.add_class("ag-creation")

        def click(_b: Any) -> None:
            self.message.value = "Vérification…"
            try:
                path = on_create(self.values())
            except AccordgenError as exc:
                self.message.value = _problems_html(exc)
                return
            except OSError as exc:
                self.message.value = _problems_html(AccordgenError(f"écriture impossible ({exc.strerror or exc})"))
                return
            on_done(path)

        create_button.on_click(click)
        cancel.on_click(lambda _b: on_cancel())

    def values(self) -> dict[str, Any]:
        return {name: widget.value for name, widget in self.fields.items()}

    def group_values(self) -> list[dict[str, Any]]:
        return [{name: widget.value for name, widget in group.items()} for _h, group in self.groups]


NATURES = [("Collectivité", "collectivite"), ("Société", "societe"), ("Autre", "autre")]
GENRES = [("Masculin (le Département)", "masculin"), ("Féminin (la Région, la société)", "feminin")]
ARTICLES = [("le", "le"), ("la", "la"), ("l'", "l'"), ("(aucun)", "")]
CIVILITES = [("Monsieur", "Monsieur"), ("Madame", "Madame")]


def _party_fields(n: int) -> dict[str, w.ValueWidget]:
    collectivite = n == 1
    return {
        "denomination": _text("Dénomination", "Département de …" if collectivite else "nom de la société"),
        "nature": _choice("Nature", NATURES, "collectivite" if collectivite else "societe"),
        "appellation": _text("Nom court dans le texte", "Département" if collectivite else ""),
        "genre": _choice("Genre", GENRES, "masculin" if collectivite else "feminin"),
        "article": _choice("Article", ARTICLES, "le" if collectivite else ""),
        "adresse": _area("Adresse (une ligne par ligne)"),
        "siren": _text("SIREN (facultatif)", "9 chiffres"),
        "rcs_greffe": _text("Greffe du RCS (société)", "ville"),
        "civilite": _choice("Représentant — civilité", CIVILITES),
        "prenom": _text("Représentant — prénom"),
        "nom": _text("Représentant — nom", "en capitales"),
        "qualite": _text("Représentant — qualité", "Président du Conseil départemental" if collectivite else ""),
    }


def new_dossier_panel(workspace: Path, on_done: Callable[[Path], None], on_cancel: Callable[[], None]) -> Panel:
    fields: dict[str, w.ValueWidget] = {
        "nom": _text("Nom du dossier", "essonne-acme-2026"),
        "titre": _text("Titre (facultatif)", "déduit des parties"),
        "duree": _text("Durée (en années)", placeholder="nombre d'années"),
        "preavis": _text("Préavis de résiliation (jours)", placeholder="nombre de jours"),
        "reponse": _text("Délai de réponse (jours)", placeholder="nombre de jours"),
        "confidentialite": _text("Confidentialité après la fin (années)", placeholder="nombre d'années"),
        "amiable": _text("Règlement amiable (mois)", placeholder="nombre de mois"),
        "juridiction": _text("Juridiction compétente", "tribunal administratif de …"),
        "lieu": _text("Lieu de signature"),
        "axes": _area("Axes de coopération (un titre par ligne)"),
    }
    groups = [("Partie 1", _party_fields(1)), ("Partie 2", _party_fields(2))]
    panel: Panel

    def make(values: dict[str, Any]) -> Path:
        return create.new_dossier(workspace, str(values.pop("nom")), values, panel.group_values())

    panel = Panel("Nouveau dossier", fields, make, on_done, on_cancel, groups)
    return panel


MOTIFS = [("Résiliation à tout moment (article 7)", "article_7"),
          ("Non-respect des règles RSE (article 12.4)", "article_12_4")]


def new_document_panel(loader: Loader, accord_path: Path, kind: str, on_done: Callable[[Path], None],
                       on_cancel: Callable[[], None]) -> Panel:
    dossier = loader.dossier(accord_path)
    accord = dossier.accord
    lieu = accord.signature.lieu
    parties = [(p.denomination, p.cle) for p in accord.parties]
    fields: dict[str, w.ValueWidget]
    if kind == "convention-specifique":
        title = "Nouvelle convention spécifique"
        fields = {
            "axe": _choice("Axe de l'accord", [(f"Axe n° {a.numero} : {a.titre}", str(a.numero)) for a in accord.axes]),
            "date_debut": _text("Date de début", "JJ/MM/AAAA"),
            "date_fin": _text("Date de fin", "JJ/MM/AAAA"),
        }
    elif kind == "avenant-renouvellement":
        title = "Nouvel avenant de renouvellement"
        fields = {
            "lieu": _text("Lieu de signature", value=lieu),
            "deliberation_organe": _text("Délibération — organe", "Commission permanente"),
            "deliberation_date": _text("Délibération — date", "JJ/MM/AAAA"),
            "deliberation_numero": _text("Délibération — numéro"),
        }
    else:
        title = "Nouvelle lettre de résiliation"
        fields = {
            "expediteur": _choice("Partie qui résilie", parties),
            "lieu": _text("Lieu d'envoi", value=lieu),
            "date_envoi": _text("Date d'envoi", "JJ/MM/AAAA"),
            "numero_lrar": _text("Numéro de la lettre recommandée", "1A 123 456 7890 1"),
            "motif": _choice("Motif", MOTIFS),
            "contact": _text("Agent qui suit l'affaire", "Madame Claire …"),
        }
    return Panel(title, fields, lambda values: create.new_document(loader, accord_path, kind, values),
                 on_done, on_cancel)
