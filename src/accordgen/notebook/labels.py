"""What the form shows around its inputs: French labels and paths, help texts, and the
layouts and styles its widgets share.

A form has hundreds of fields: widgets share their layouts and styles (one widget model each,
not one per widget).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import ipywidgets as W
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from ..rules.fr import majuscule

RED = "#b00020"

# --- French labels ----------------------------------------------------------------------

_ACCENTED = ["à", "accès", "année", "bénéficiaire", "bénéficiaires", "catégorie", "catégories", "civilité", "clé", "collectivité", "comité", "concernées", "confidentialité", "création", "début", "délai", "délégation", "délibération", "délibérations", "dénomination", "département", "dépenses", "désignation", "données", "durée", "échéance", "entrée", "étape", "étapes", "évaluation", "expéditeur", "exprès", "finalité", "financière", "financières", "général", "intérêt", "intitulé", "légal", "légale", "libellé", "mécénat", "menées", "modalités", "numéro", "opération", "opérations", "période", "préambule", "préavis", "préfecture", "préfet", "prénom", "prévu", "prévue", "propriété", "qualité", "réception", "référence", "références", "référent", "référents", "région", "règlement", "réponse", "représentant", "représentants", "résiliation", "résiliées", "réunions", "sécurité", "société", "spécifique", "spécifiques", "téléphone", "thématiques", "unité"]


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


# the words of field names (written without accents) as a label shows them
_WORDS = {_plain(word): word for word in _ACCENTED} | {
    "siren": "SIREN", "siret": "SIRET", "rcs": "RCS", "lrar": "LRAR", "rgpd": "RGPD",
    "email": "adresse électronique", "sous": "sous-",
}


def libelle(name: str) -> str:
    """A field name as a French label: ``date_debut`` -> « Date début »."""
    words = [_WORDS.get(w, w) for w in str(name).split("_") if w]
    return majuscule(" ".join(words).replace("- ", "-") or str(name))


def chemin_lisible(path: str) -> str:
    """``parties[0].siren`` -> « Parties n° 1 › SIREN »."""
    out: list[str] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        if index:
            if out:
                out[-1] += f" n° {int(index) + 1}"
            else:
                out.append(f"n° {int(index) + 1}")
        else:
            out.append(libelle(name))
    return " › ".join(out) or "Document"


_WARNING_PATH = re.compile(r"^([a-z_][a-z0-9_]*(?:\[\d+\]|\.[a-z_][a-z0-9_-]*)*) : ")


def avertissement_lisible(text: str) -> str:
    """A warning « actions[0].intitule : … » as the drafter reads it: « Actions n° 1 ›
    Intitulé : … »."""
    found = _WARNING_PATH.match(text)
    return f"{chemin_lisible(found.group(1))} : {text[found.end():]}" if found else text


def slug(path: str) -> str:
    """A path as a CSS class suffix: ``parties[0].siren`` -> ``parties-0-siren``."""
    return re.sub(r"[^A-Za-z0-9_]+", "-", path).strip("-")


def esc(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def title_html(text: str, required: bool, help_text: str) -> str:
    """A field's label in bold, a red star when required, its help text below."""
    star = f" <span style='color:{RED}' title='obligatoire'>*</span>" if required else ""
    help_html = (f"<div style='color:#555;font-size:0.85em;line-height:1.3'>{esc(aide_lisible(help_text))}</div>"
                 if help_text else "")
    return f"<b>{esc(text)}</b>{star}{help_html}"


# --- shared layouts and styles ----------------------------------------------------------

_LAYOUTS = {
    "ligne": {"margin": "2px 0 6px 0", "width": "100%"},
    "plein": {"width": "calc(100% - 6px)"},
    "court": {"width": "13em"},
    "auto": {"width": "auto"},
    "choix": {"width": "auto", "min_width": "16em"},
    "bouton": {"width": "2.4em", "padding": "0"},
    "groupe": {"border_left": "3px solid #c9d3e0", "padding": "0 0 0 12px", "margin": "2px 0 6px 0",
               "width": "100%"},
    "element": {"border": "1px solid #dde3ea", "padding": "4px 8px", "margin": "4px 0", "width": "100%"},
    "rangee": {"align_items": "flex-start", "width": "100%"},
    "entete": {"align_items": "center", "width": "100%"},
    "visible": {},
    "cache": {"display": "none"},
}
_SHARED: dict[str, Any] = {}


def shared(name: str) -> Any:
    """A layout or style shared by every widget that uses it: one widget model, not one each."""
    if name not in _SHARED:
        if name in _LAYOUTS:
            _SHARED[name] = W.Layout(**_LAYOUTS[name])
        else:
            _SHARED[name] = {
                "style-html": HTMLStyle, "style-bouton": W.ButtonStyle, "style-texte": TextStyle,
                "style-description": lambda: DescriptionStyle(description_width="initial"),
                "style-toggle": lambda: W.ToggleButtonsStyle(button_width="auto"),
                "style-case": lambda: CheckboxStyle(description_width="initial"),
            }[name]()
    return _SHARED[name]


def html(value: str = "", layout: str = "visible") -> W.HTML:
    return W.HTML(value, layout=shared(layout), style=shared("style-html"))


def button(icon: str, tooltip: str, description: str = "", layout: str = "bouton") -> W.Button:
    return W.Button(icon=icon, tooltip=tooltip, description=description, layout=shared(layout),
                    style=shared("style-bouton"))


# Code values of the models' enumerations, as a drafter reads them in a drop-down.
VALEURS: dict[str, str] = {
    "projet": "Projet", "definitif": "Définitif",
    "masculin": "Masculin", "feminin": "Féminin",
    "collectivite": "Collectivité", "societe": "Société", "autre": "Autre",
    "jours": "jours", "mois": "mois", "ans": "ans",
    "veille_anniversaire": "la veille de l'anniversaire", "anniversaire": "le jour anniversaire",
    "article_7": "Résiliation à tout moment (article 7)",
    "article_12_4": "Non-respect des règles RSE (article 12.4)",
    "resiliees": "Résiliées en même temps que l'accord", "menees_a_terme": "Menées à leur terme",
    "consentement": "Consentement", "contrat": "Exécution d'un contrat",
    "obligation_legale": "Obligation légale", "interets_vitaux": "Intérêts vitaux",
    "mission_interet_public": "Mission d'intérêt public", "interets_legitimes": "Intérêts légitimes",
    "calendaire": "calendaire", "prorogation": "prorogé au jour ouvré suivant",
    "HT": "hors taxes (HT)", "TTC": "toutes taxes comprises (TTC)",
    "accord": "Accord de coopération", "avenant-renouvellement": "Avenant de renouvellement",
    "convention-specifique": "Convention spécifique", "lettre-resiliation": "Lettre de résiliation",
    "accord-consolide": "Accord consolidé",
}


# Code values a model's help text names, said as the drop-down shows them (not French words
# that happen to be values, like « jours » or « contrat »).
_CODES = re.compile(r"\b(definitif|feminin|collectivite|societe|veille_anniversaire|"
                    r"article_7|article_12_4|resiliees|menees_a_terme|obligation_legale|interets_vitaux|"
                    r"mission_interet_public|interets_legitimes)\b")


def aide_lisible(text: str) -> str:
    """A help text with the code values it names replaced by their French labels, quoted
    (« projet ... ou definitif » -> « « Projet » ... ou « Définitif » »)."""
    return _CODES.sub(lambda m: f"« {VALEURS[m.group(1)]} »", text)


def valeur_lisible(value: Any) -> str:
    """A code value as a drafter reads it (« definitif » → « Définitif »)."""
    if value == "":
        return "(aucun)"
    return VALEURS.get(str(value), str(value))
