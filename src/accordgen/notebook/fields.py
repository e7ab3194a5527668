"""The form's fields: one editor per type, built by walking a parameter model.

:func:`analyse` turns a field's annotation into a :class:`Spec` (model, list, dict, union,
choice, bool, int, number, date, text; anything else is edited as YAML text), and
:func:`editeur` builds the matching :class:`Editeur`. An editor knows its value as
``read_yaml`` would give it (:meth:`Editeur.brut`), shows its error messages, and writes
itself into the ruamel tree on save (:meth:`Editeur.noeud`), reusing the old nodes so
comments and styles survive.

A form has hundreds of fields: widgets share their layouts and styles, and parts not shown
(the other shape of a paragraph-or-list value, an optional part left out) are built only when
the drafter asks for them.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

import ipywidgets as W
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import InputError
from ..yamlio import parse_yaml
from . import roundtrip as rt

if TYPE_CHECKING:
    from .form import Formulaire


class _Absent:
    """A field left out of the YAML (the model's default applies)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()
ROUGE = "#b00020"

# --- the shape of a field ---------------------------------------------------------------


@dataclass
class Spec:
    """What editor a type calls for: ``kind`` is model, list, dict, union, choice, bool, int,
    number, date, text or yaml (anything else, edited as YAML text)."""

    kind: str
    model: type[BaseModel] | None = None
    item: Spec | None = None
    branches: list[Spec] = field(default_factory=list)
    options: list[Any] = field(default_factory=list)


def analyse(tp: Any) -> tuple[Spec, bool]:
    """The editor spec of a type annotation, and whether ``None`` is allowed."""
    optional = False
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(tp))
            if len(args) != 1:
                return Spec("union", branches=[analyse(a)[0] for a in args]), optional
            tp = args[0]
        else:
            break
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is list:
        return Spec("list", item=analyse(args[0] if args else Any)[0]), optional
    if origin is dict:  # keyed by a short name; the spec of the values
        return Spec("dict", item=analyse(args[1] if len(args) > 1 else Any)[0]), optional
    if origin is typing.Literal:
        return Spec("choice", options=list(args)), optional
    if isinstance(tp, type):
        for base, kind in ((Enum, "choice"), (BaseModel, "model"), (bool, "bool"), (int, "int"),
                           (float, "number"), (Decimal, "number"), (dt.date, "date"), (str, "text")):
            if issubclass(tp, base):
                if kind == "choice":
                    return Spec(kind, options=[m.value for m in tp]), optional
                return Spec(kind, model=tp if kind == "model" else None), optional
    return Spec("yaml"), optional


def forme_attendue(spec: Spec, value: Any) -> bool:
    """Whether ``value`` has a shape the editor of ``spec`` can show. A model may accept other
    shapes through its validators (a paragraph where a list is expected): a lone value in a
    list field is shown as one item; any other mismatch is edited as YAML text, never lost."""
    if value is ABSENT or value is None or spec.kind == "yaml":
        return True
    if spec.kind in ("model", "dict"):
        return isinstance(value, dict)
    if spec.kind == "list":
        return not isinstance(value, dict)
    if spec.kind == "union":
        return any(forme_attendue(b, value) for b in spec.branches)
    return not isinstance(value, (dict, list))


# --- French labels ----------------------------------------------------------------------

_MOTS = {
    "preambule": "préambule", "thematiques": "thématiques", "numero": "numéro", "duree": "durée",
    "debut": "début", "prenom": "prénom", "civilite": "civilité", "qualite": "qualité",
    "deliberation": "délibération", "deliberations": "délibérations", "denomination": "dénomination",
    "designation": "désignation", "representant": "représentant", "representants": "représentants",
    "reception": "réception", "prefet": "préfet", "prefecture": "préfecture", "libelle": "libellé",
    "cle": "clé", "preavis": "préavis", "resiliation": "résiliation", "reponse": "réponse",
    "delai": "délai", "reglement": "règlement", "confidentialite": "confidentialité",
    "expres": "exprès", "entree": "entrée", "echeance": "échéance", "expediteur": "expéditeur",
    "referent": "référent", "referents": "référents", "reference": "référence",
    "references": "références", "telephone": "téléphone", "societe": "société",
    "collectivite": "collectivité", "modalites": "modalités", "specifique": "spécifique",
    "specifiques": "spécifiques", "financieres": "financières", "financiere": "financière",
    "propriete": "propriété", "donnees": "données", "securite": "sécurité", "periode": "période",
    "unite": "unité", "comite": "comité", "annee": "année", "mecenat": "mécénat",
    "operation": "opération", "operations": "opérations", "delegation": "délégation",
    "resiliees": "résiliées", "menees": "menées", "siren": "SIREN", "siret": "SIRET",
    "rcs": "RCS", "lrar": "LRAR", "rgpd": "RGPD", "email": "adresse électronique", "a": "à",
    "beneficiaire": "bénéficiaire", "beneficiaires": "bénéficiaires", "interet": "intérêt",
    "general": "général", "categorie": "catégorie", "categories": "catégories",
    "region": "région", "departement": "département", "creation": "création",
    "evaluation": "évaluation", "etape": "étape", "etapes": "étapes", "depenses": "dépenses",
    "prevu": "prévu", "prevue": "prévue", "acces": "accès", "intitule": "intitulé",
    "reunions": "réunions", "concernees": "concernées", "finalite": "finalité",
    "legale": "légale", "legal": "légal", "sous": "sous-", "traitants": "traitants",
    "publique": "publique", "livrables": "livrables", "communs": "communs",
}


def libelle(name: str) -> str:
    """A field name as a French label: ``date_debut`` -> « Date début »."""
    words = [_MOTS.get(w, w) for w in str(name).split("_") if w]
    text = " ".join(words).replace("- ", "-") or str(name)
    return text[:1].upper() + text[1:]


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


def slug(path: str) -> str:
    """A path as a CSS class suffix: ``parties[0].siren`` -> ``parties-0-siren``."""
    return re.sub(r"[^A-Za-z0-9_]+", "-", path).strip("-")


def esc(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- comparing values -------------------------------------------------------------------

class Ordonne(dict):  # type: ignore[type-arg]
    """A mapping whose key order is the drafter's (a dict field), unlike a model's fields."""


def vide(value: Any) -> bool:
    return value is None or value is ABSENT or value == [] or value == {}


def meme(a: Any, b: Any) -> bool:
    """Equality that tells ``True`` from ``1`` and ``"1"`` from ``1``, and takes an empty
    optional value (``null``, ``[]``) for an absent one."""
    if isinstance(a, dict) and isinstance(b, dict):
        a2 = {k: v for k, v in a.items() if not vide(v)}
        b2 = {k: v for k, v in b.items() if not vide(v)}
        if (isinstance(a, Ordonne) or isinstance(b, Ordonne)) and list(a2) != list(b2):
            return False
        return a2.keys() == b2.keys() and all(meme(a2[k], b2[k]) for k in a2)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(meme(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


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


def partage(name: str) -> Any:
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
    return W.HTML(value, layout=partage(layout), style=partage("style-html"))


def bouton(icon: str, tooltip: str, description: str = "", layout: str = "bouton") -> W.Button:
    return W.Button(icon=icon, tooltip=tooltip, description=description, layout=partage(layout),
                    style=partage("style-bouton"))


def _titre(text: str, requis: bool, aide: str) -> str:
    star = f" <span style='color:{ROUGE}' title='obligatoire'>*</span>" if requis else ""
    help_html = (f"<div style='color:#555;font-size:0.85em;line-height:1.3'>{esc(aide)}</div>"
                 if aide else "")
    return f"<b>{esc(text)}</b>{star}{help_html}"


# --- editors ----------------------------------------------------------------------------


class Editeur:
    """One field (or list item) of the form: its widgets, its value, its error message."""

    def __init__(self, form: Formulaire, spec: Spec, *, nom: str = "", aide: str = "",
                 requis: bool = True, defaut: Any = ABSENT, initial: Any = ABSENT,
                 item: bool = False) -> None:
        self.form, self.spec, self.nom, self.aide = form, spec, nom, aide
        self.requis, self.defaut, self.item, self.initial = requis, defaut, item, initial
        self.path = ""
        self.erreur = html(layout="cache")
        self.erreur.add_class("accordgen-erreur")
        self._erreur_propre = True
        self._classes: list[tuple[W.DOMWidget, str]] = []
        self.widget: Any = None  # set by each kind of editor

    # value ---------------------------------------------------------------------------
    def brut(self) -> Any:
        """The value as ``read_yaml`` would give it (ABSENT when left out)."""
        raise NotImplementedError

    def valeur(self) -> Any:
        """:meth:`brut`, but ABSENT when it merely shows the default of a field the file omits."""
        value = self.brut()
        if self.initial is ABSENT and self.defaut is not ABSENT and value is not ABSENT:
            default = self.defaut.value if isinstance(self.defaut, Enum) else self.defaut
            if meme(value, default):
                return ABSENT
        return value

    def noeud(self, old_node: Any, old_raw: Any) -> Any:
        """The YAML node for the current value, reusing ``old_node`` where possible."""
        raise NotImplementedError

    def enfants(self) -> list[tuple[str, Editeur]]:
        return []

    def problemes_locaux(self) -> Iterator[tuple[str, str]]:
        """Problems the model cannot see (an empty or repeated key, unreadable YAML text)."""
        for _, child in self.enfants():
            yield from child.problemes_locaux()

    def rebaser(self) -> None:
        """After a save: the saved file is the new reference."""
        for _, child in self.enfants():
            child.rebaser()

    # paths and messages ----------------------------------------------------------------
    def marquer(self, widget: W.DOMWidget, prefix: str) -> None:
        """Give ``widget`` the CSS class ``<prefix>-<path>`` (tests and styles find fields by it)."""
        self._classes.append((widget, prefix))

    def partager_erreur(self, outer: Editeur) -> None:
        """Show this editor's messages in ``outer``'s place (an optional part, a union branch)."""
        self.erreur = outer.erreur
        self._erreur_propre = False

    def reclasser(self, path: str) -> None:
        if path == self.path:
            return
        pairs = list(self._classes)
        if self._erreur_propre:
            pairs.append((self.erreur, "accordgen-erreur"))
        for widget, prefix in pairs:
            if self.path:
                widget.remove_class(f"{prefix}-{slug(self.path)}")
            if path:
                widget.add_class(f"{prefix}-{slug(path)}")
        self.path = path

    def placer(self, path: str) -> Iterator[tuple[str, Editeur]]:
        """Give this editor its path (CSS classes follow) and yield every (path, editor)."""
        self.reclasser(path)
        yield path, self
        for sub, child in self.enfants():
            yield from child.placer(sub)

    def montrer(self, messages: list[str]) -> None:
        """Show ``messages`` in red beside the field (nothing when empty)."""
        lines = "<br>".join(f"⚠ {esc(m)}" for m in messages)
        value = f"<span role='alert' style='color:{ROUGE};font-weight:600'>{lines}</span>" if messages else ""
        if self.erreur.value != value:
            self.erreur.value = value
            self.erreur.layout = partage("visible" if messages else "cache")

    def _change(self, *_: Any) -> None:
        self.form.modifie()

    def _habiller(self, entree: W.Widget) -> W.Widget:
        """Label (with its help), input and error message of a field, one under the other."""
        if self.item:
            return W.VBox([entree, self.erreur], layout=partage("plein"))
        label = html(_titre(libelle(self.nom), self.requis, self.aide))
        return W.VBox([label, entree, self.erreur], layout=partage("ligne"))


def editeur(form: Formulaire, spec: Spec, **kw: Any) -> Editeur:
    """The editor for ``spec`` (YAML text when the value has another shape)."""
    if not forme_attendue(spec, kw.get("initial", ABSENT)):
        spec = Spec("yaml")
    cls = {"model": Groupe, "list": Liste, "dict": Dictionnaire, "union": Alternative}.get(spec.kind, Scalaire)
    return cls(form, spec, **kw)


def editeur_de_champ(form: Formulaire, name: str, info: FieldInfo, initial: Any) -> Editeur:
    """The editor of a model field: label, help and default from the pydantic field."""
    spec, optional = analyse(info.annotation)
    if info.default is not PydanticUndefined:
        default = info.default
    elif info.default_factory is not None:
        try:
            default = info.default_factory()  # type: ignore[call-arg]
        except TypeError:  # a factory that needs the other fields' values
            default = ABSENT
    else:
        default = ABSENT
    kw = {"nom": name, "aide": info.description or "", "requis": info.is_required(),
          "defaut": default, "initial": initial}
    if optional and spec.kind in ("model", "list", "dict", "union") and forme_attendue(spec, initial):
        return Optionnel(form, spec, **kw)
    return editeur(form, spec, **kw)


class Scalaire(Editeur):
    """Text, number, date, choice, checkbox, or YAML text for any other shape."""

    def __init__(self, form: Formulaire, spec: Spec, **kw: Any) -> None:
        super().__init__(form, spec, **kw)
        initial = self.initial
        value = initial if initial is not ABSENT else (None if self.defaut is ABSENT else self.defaut)
        if isinstance(value, Enum):
            value = value.value
        placeholder = ""
        if self.defaut not in (ABSENT, None) and not isinstance(self.defaut, (list, dict)):
            d = self.defaut.value if isinstance(self.defaut, Enum) else self.defaut
            placeholder = f"par défaut : {d}"
        kind = spec.kind
        if kind == "bool":
            self.entree: W.ValueWidget = W.Checkbox(value=bool(value), indent=False, description="oui",
                                                    layout=partage("auto"), style=partage("style-case"))
        elif kind == "choice":
            options: list[tuple[str, Any]] = []
            if not self.requis or value is None:
                options.append(("— non renseigné —" if not self.requis else "— choisir —", ABSENT))
            options += [("(aucun)" if o == "" else str(o), o) for o in spec.options]
            if value is not None and value not in spec.options:
                options.append((f"« {value} » (valeur actuelle, non permise)", value))
            self.entree = W.Dropdown(options=options, value=ABSENT if value is None else value,
                                     layout=partage("choix"), style=partage("style-description"))
        else:
            text = "" if value is None else str(value)
            if kind == "yaml" and value is not None:
                import yaml as pyyaml

                text = pyyaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=1000)
                text = text.removesuffix("\n...\n").strip()
            placeholder = placeholder or {"date": "AAAA-MM-JJ", "int": "nombre entier",
                                          "number": "nombre"}.get(kind, "")
            if kind == "yaml" or (kind == "text" and ("\n" in text or len(text) > 70)):
                rows = min(12, max(2, len(text) // 95 + 1 + text.count("\n")))
                self.entree = W.Textarea(value=text, placeholder=placeholder, rows=rows,
                                         layout=partage("plein"), style=partage("style-texte"))
            else:
                short = kind in ("date", "int", "number")
                self.entree = W.Text(value=text, placeholder=placeholder,
                                     layout=partage("court" if short else "plein"), style=partage("style-texte"))
        self.entree.add_class("accordgen-entree")
        self.marquer(self.entree, "accordgen-champ")
        self.entree.observe(self._change, names="value")
        self.widget = self._habiller(self.entree)

    def brut(self) -> Any:
        value, kind = self.entree.value, self.spec.kind
        if kind in ("bool", "choice"):
            return bool(value) if kind == "bool" else value
        text = str(value).strip()
        if text == "":
            return "" if (kind == "text" and self.requis) else ABSENT
        if kind in ("int", "number") and re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        initial = self.initial
        if (kind == "text" and isinstance(initial, (int, float)) and not isinstance(initial, bool)
                and text == str(initial)):
            return initial  # « version: 2 » left as it is stays a number (the model reads « 2 »)
        if kind == "number":
            try:
                return float(text.replace(",", "."))
            except ValueError:
                return text
        if kind == "yaml":
            try:
                return parse_yaml(text)
            except InputError:
                return text
        return text

    def problemes_locaux(self) -> Iterator[tuple[str, str]]:
        if self.spec.kind == "yaml" and str(self.entree.value).strip():
            try:
                parse_yaml(str(self.entree.value))
            except InputError as exc:
                yield self.path, exc.message

    def noeud(self, old_node: Any, old_raw: Any) -> Any:
        value = self.brut()
        if self.spec.kind == "yaml":
            return rt.commente(value)
        return rt.scalaire(value, old_node, as_date=self.spec.kind == "date")


class Groupe(Editeur):
    """A sub-model: its fields (the root model: one tab per part)."""

    def __init__(self, form: Formulaire, spec: Spec, *, racine: bool = False, **kw: Any) -> None:
        super().__init__(form, spec, **kw)
        assert spec.model is not None
        data = self.initial if isinstance(self.initial, dict) else {}
        fields = spec.model.model_fields
        self.racine = racine
        self.champs: dict[str, Editeur] = {
            name: editeur_de_champ(form, name, info, data.get(name, ABSENT))
            for name, info in fields.items() if not (racine and name == "type")}
        # keys the model does not know stay in the data: pydantic names them (« champ inconnu »)
        self.inconnus = {k: v for k, v in data.items() if k not in fields}
        if racine:
            self.widget = self._onglets()
            return
        body = W.VBox([e.widget for e in self.champs.values()], layout=partage("groupe"))
        parts: list[W.Widget] = [] if self.item else [html(_titre(libelle(self.nom), self.requis, self.aide))]
        self.widget = W.VBox([*parts, self.erreur, body], layout=partage("ligne"))

    def _onglets(self) -> W.Widget:
        """One tab per part (a sub-model or a list of them), the simple fields first."""
        general = [e for e in self.champs.values() if not _onglet_propre(e.spec)]
        tabs = [(libelle(n), e) for n, e in self.champs.items() if _onglet_propre(e.spec)]
        children = ([W.VBox([e.widget for e in general])] if general else []) + [
            W.VBox([e.widget]) for _, e in tabs]
        self.onglets = (["Général"] if general else []) + [t for t, _ in tabs]
        tab = W.Tab(children=children, titles=self.onglets)
        tab.add_class("accordgen-onglets")
        return W.VBox([self.erreur, tab])

    def enfants(self) -> list[tuple[str, Editeur]]:
        prefix = f"{self.path}." if self.path else ""
        return [(f"{prefix}{name}", ed) for name, ed in self.champs.items()]

    def brut(self) -> Any:
        out: dict[str, Any] = {"type": self.form.kind.name} if self.racine else {}
        for name, ed in self.champs.items():
            value = ed.valeur()
            if value is not ABSENT:
                out[name] = value
        out.update(self.inconnus)
        return out

    def noeud(self, old_node: Any, old_raw: Any) -> Any:
        target = old_node if isinstance(old_node, CommentedMap) else CommentedMap()
        old = old_raw if isinstance(old_raw, dict) else {}
        previous: str | None = "type" if (self.racine and "type" in target) else None
        for name, ed in self.champs.items():
            new = ed.valeur()
            present = name in target
            if new is ABSENT:
                if present and not vide(old.get(name, ABSENT)):
                    rt.supprimer(target, name)
                previous = name if name in target else previous
                continue
            if present and name in old and meme(old[name], new):
                previous = name
                continue
            node = ed.noeud(target.get(name), old.get(name, ABSENT))
            if not present:
                rt.inserer(target, name, node, previous)
            elif node is not target[name]:
                target[name] = node
            previous = name
        return target


def _onglet_propre(spec: Spec) -> bool:
    """Whether a top-level field deserves its own tab: a sub-model that is more than a couple
    of simple values, or a list or dict of sub-models."""
    if spec.kind == "model":
        assert spec.model is not None
        fields = spec.model.model_fields.values()
        simple = all(analyse(f.annotation)[0].kind not in ("model", "list", "dict", "union") for f in fields)
        return not (simple and len(fields) <= 2)
    if spec.kind in ("list", "dict"):
        return spec.item is not None and spec.item.kind == "model"
    return False


class Optionnel(Editeur):
    """An optional part (a sub-model, a list...): a checkbox « Renseigner » and the part,
    built when first checked."""

    def __init__(self, form: Formulaire, spec: Spec, **kw: Any) -> None:
        super().__init__(form, spec, **kw)
        self._kw = kw
        self.interne: Editeur | None = None
        present = not vide(self.initial) or (self.initial == [] or self.initial == {})
        self.case = W.Checkbox(value=present, indent=False, description=f"Renseigner « {libelle(self.nom)} »",
                               layout=partage("auto"), style=partage("style-case"))
        self.case.add_class("accordgen-case")
        self.marquer(self.case, "accordgen-case")
        self.case.observe(self._bascule, names="value")
        self.aide_html = html(f"<div style='color:#555;font-size:0.85em'>{esc(self.aide)}</div>")
        self.widget = W.VBox([self.case, self.aide_html, self.erreur], layout=partage("ligne"))
        if present:
            self._construire()

    def _construire(self) -> Editeur:
        if self.interne is None:
            initial = self.initial if not vide(self.initial) or self.initial in ([], {}) else ABSENT
            self.interne = editeur(self.form, self.spec, **dict(self._kw, requis=True, defaut=ABSENT,
                                                                 initial=initial))
            self.interne.partager_erreur(self)
        children = [self.case, self.interne.widget, self.erreur] if self.case.value else [
            self.case, self.aide_html, self.erreur]
        self.widget.children = children
        return self.interne

    def _bascule(self, *_: Any) -> None:
        self._construire()
        self.form.modifie()

    def __getattr__(self, name: str) -> Any:
        # ``form.champ("duree").ajouter()`` reaches the part behind the checkbox
        if name.startswith("_") or name in ("interne", "case"):
            raise AttributeError(name)
        return getattr(self._construire(), name)

    def placer(self, path: str) -> Iterator[tuple[str, Editeur]]:
        self.reclasser(path)
        yield path, self
        if self.interne is not None:
            self.interne.reclasser(path if self.case.value else "")
            if self.case.value:
                for sub, child in self.interne.enfants():
                    yield from child.placer(sub)

    def enfants(self) -> list[tuple[str, Editeur]]:
        return self.interne.enfants() if (self.interne is not None and self.case.value) else []

    def brut(self) -> Any:
        return self.interne.brut() if (self.interne is not None and self.case.value) else ABSENT

    def problemes_locaux(self) -> Iterator[tuple[str, str]]:
        if self.interne is not None and self.case.value:
            yield from self.interne.problemes_locaux()

    def noeud(self, old_node: Any, old_raw: Any) -> Any:
        assert self.interne is not None
        return self.interne.noeud(old_node, old_raw)

    def rebaser(self) -> None:
        if self.interne is not None:
            self.interne.rebaser()


class Alternative(Editeur):
    """A value of one of several shapes (a paragraph or a bullet list): a switch, then the
    editor of the chosen shape (the other is built when first chosen)."""

    NOMS = {"text": "Paragraphe", "list": "Liste à puces", "model": "Champs", "int": "Nombre",
            "date": "Date", "choice": "Choix", "bool": "Oui/non", "dict": "Champs", "yaml": "YAML"}

    def __init__(self, form: Formulaire, spec: Spec, **kw: Any) -> None:
        super().__init__(form, spec, **kw)
        self._kw = kw
        self.branches: list[Editeur | None] = [None] * len(spec.branches)
        chosen = _branche(spec.branches, self.initial)
        self.choix = W.ToggleButtons(
            options=[(self.NOMS.get(b.kind, b.kind), i) for i, b in enumerate(spec.branches)],
            value=chosen, style=partage("style-toggle"))
        self.choix.observe(self._bascule, names="value")
        self.marquer(self.choix, "accordgen-forme")
        head = [] if self.item else [html(_titre(libelle(self.nom), self.requis, self.aide))]
        self.widget = W.VBox([*head, self.choix, self.actif.widget, self.erreur],
                             layout=partage("plein" if self.item else "ligne"))

    @property
    def actif(self) -> Editeur:
        i = self.choix.value
        if self.branches[i] is None:
            initial = self.initial if i == _branche(self.spec.branches, self.initial) else ABSENT
            ed = editeur(self.form, self.spec.branches[i],
                         **dict(self._kw, item=True, requis=True, defaut=ABSENT, initial=initial))
            ed.partager_erreur(self)
            self.branches[i] = ed
        ed = self.branches[i]
        assert ed is not None
        return ed

    def __getattr__(self, name: str) -> Any:
        # ``form.champ("texte[0]").ajouter()`` reaches the editor of the chosen shape
        if name.startswith("_") or name in ("branches", "choix", "spec"):
            raise AttributeError(name)
        return getattr(self.actif, name)

    def _bascule(self, *_: Any) -> None:
        children = list(self.widget.children)
        children[-2] = self.actif.widget
        self.widget.children = children
        self.form.modifie()

    def placer(self, path: str) -> Iterator[tuple[str, Editeur]]:
        self.reclasser(path)
        for b in self.branches:
            if b is not None and b is not self.actif:
                b.reclasser("")
        self.actif.reclasser(path)
        yield path, self
        for sub, child in self.actif.enfants():
            yield from child.placer(sub)

    def enfants(self) -> list[tuple[str, Editeur]]:
        return self.actif.enfants()

    def brut(self) -> Any:
        return self.actif.brut()

    def problemes_locaux(self) -> Iterator[tuple[str, str]]:
        return self.actif.problemes_locaux()

    def noeud(self, old_node: Any, old_raw: Any) -> Any:
        return self.actif.noeud(old_node, old_raw)

    def rebaser(self) -> None:
        self.actif.rebaser()


def _branche(branches: list[Spec], value: Any) -> int:
    """The branch that can show ``value`` (a list, a mapping or a plain value)."""
    for i, b in enumerate(branches):
        if isinstance(value, list) and b.kind == "list":
            return i
        if isinstance(value, dict) and b.kind in ("model", "dict"):
            return i
        if not isinstance(value, (list, dict)) and b.kind not in ("list", "dict", "model"):
            return i
    return 0


class _Element:
    """One item of a list or dict editor: its editor, its row, and where it came from."""

    def __init__(self, ed: Editeur, origin: Any, row: W.Box, titre: W.HTML | None,
                 cle: W.Text | None = None) -> None:
        self.ed, self.origin, self.row, self.titre, self.cle = ed, origin, row, titre, cle


class Liste(Editeur):
    """A list: items that can be added, moved up or down, and removed."""

    def __init__(self, form: Formulaire, spec: Spec, **kw: Any) -> None:
        super().__init__(form, spec, **kw)
        initial = self.initial
        # A list written as one lone value (a model validator accepts it): it stays one value
        # until a second item is added.
        self.valeur_seule = not isinstance(initial, (list, dict, tuple, _Absent)) and initial is not None
        values = [initial] if self.valeur_seule else (initial if isinstance(initial, list) else [])
        self.elements = [self._element(v, i) for i, v in enumerate(values)]
        self.boite = W.VBox([e.row for e in self.elements], layout=partage("plein"))
        what = libelle(self.nom).lower() if self.nom else "la liste"
        self.bouton_ajouter = bouton("plus", f"Ajouter un élément à « {what} »", "Ajouter", layout="auto")
        self.bouton_ajouter.add_class("accordgen-ajouter")
        self.marquer(self.bouton_ajouter, "accordgen-ajouter")
        self.bouton_ajouter.on_click(lambda _b: self.ajouter())
        head = [] if self.item else [html(_titre(libelle(self.nom), self.requis, self.aide))]
        self.widget = W.VBox([*head, self.erreur, self.boite, self.bouton_ajouter],
                             layout=partage("plein" if self.item else "ligne"))

    def _nouvel_editeur(self, value: Any) -> Editeur:
        assert self.spec.item is not None
        return editeur(self.form, self.spec.item, nom=self.nom, initial=value, item=True)

    def _element(self, value: Any, origin: Any) -> _Element:
        ed = self._nouvel_editeur(value)
        tools = []
        for icon, tip, delta in (("arrow-up", "Monter", -1), ("arrow-down", "Descendre", 1)):
            b = bouton(icon, tip)
            b.on_click(lambda _b, d=delta, e=ed: self.deplacer(e, d))
            tools.append(b)
        rm = bouton("trash", "Supprimer cet élément")
        rm.add_class("accordgen-supprimer")
        rm.on_click(lambda _b, e=ed: self.supprimer(e))
        tools.append(rm)
        assert self.spec.item is not None
        if self.spec.item.kind in ("model", "dict", "list") or isinstance(ed, Groupe):
            titre = html()
            row: W.Box = W.VBox([W.HBox([titre, *tools], layout=partage("entete")), ed.widget],
                                layout=partage("element"))
            return _Element(ed, origin, row, titre)
        return _Element(ed, origin, W.HBox([ed.widget, *tools], layout=partage("rangee")), None)

    def _redessiner(self) -> None:
        self.boite.children = [e.row for e in self.elements]
        self.form.modifie()

    def titrer(self) -> None:
        """Number the items and name them by their key, number or title."""
        for i, e in enumerate(self.elements):
            if e.titre is None:
                continue
            extra = _nom_element(e.ed.brut())
            value = f"<b>{esc(libelle(self.nom))} n° {i + 1}</b>" + (f" — {esc(extra)}" if extra else "")
            if e.titre.value != value:
                e.titre.value = value

    def ajouter(self, value: Any = ABSENT) -> Editeur:
        """Add an item at the end (empty, or ``value``); returns its editor."""
        el = self._element(value, None)
        self.elements.append(el)
        self._redessiner()
        return el.ed

    def deplacer(self, ed: Editeur, delta: int) -> None:
        """Move an item up (-1) or down (+1)."""
        i = next(k for k, e in enumerate(self.elements) if e.ed is ed)
        j = i + delta
        if 0 <= j < len(self.elements):
            self.elements[i], self.elements[j] = self.elements[j], self.elements[i]
            self._redessiner()

    def supprimer(self, ed: Editeur) -> None:
        """Remove an item."""
        self.elements = [e for e in self.elements if e.ed is not ed]
        self._redessiner()

    @property
    def items(self) -> list[Editeur]:
        return [e.ed for e in self.elements]

    def enfants(self) -> list[tuple[str, Editeur]]:
        return [(f"{self.path}[{i}]", e.ed) for i, e in enumerate(self.elements)]

    def brut(self) -> Any:
        if not self.elements and not self.requis:
            return ABSENT
        items = [e.ed.brut() for e in self.elements]
        if self.valeur_seule and len(items) == 1 and not isinstance(items[0], (list, dict)):
            return items[0]
        return items

    def rebaser(self) -> None:
        for i, e in enumerate(self.elements):
            e.origin = i
        self.valeur_seule = self.valeur_seule and len(self.elements) == 1
        super().rebaser()

    def noeud(self, old_node: Any, old_raw: Any) -> Any:
        value = self.brut()
        if not isinstance(value, list):
            return rt.scalaire(value, old_node)
        if not isinstance(old_node, CommentedSeq) or not isinstance(old_raw, list):
            return CommentedSeq(e.ed.noeud(None, ABSENT) for e in self.elements)
        nodes, origins = [], []
        for e in self.elements:
            o = e.origin if isinstance(e.origin, int) and e.origin < len(old_node) else None
            if o is None:
                nodes.append(e.ed.noeud(None, ABSENT))
            elif meme(e.ed.brut(), old_raw[o]):
                nodes.append(old_node[o])
            else:
                nodes.append(e.ed.noeud(old_node[o], old_raw[o]))
            origins.append(o)
        if origins == list(range(len(old_node))):
            for i, n in enumerate(nodes):
                if n is not old_node[i]:
                    old_node[i] = n
        else:
            rt.reordonner(old_node, nodes, origins)
        return old_node


def _nom_element(value: Any) -> str:
    """A few words that name a list item (its key, number or title)."""
    if isinstance(value, dict):
        for key in ("cle", "numero", "axe", "titre", "intitule", "nom", "objet", "action", "partie"):
            v = value.get(key)
            if v not in (None, "", ABSENT) and not isinstance(v, (dict, list)):
                text = f"{libelle(key).lower()} {v}" if key in ("numero", "axe") else str(v)
                return text if len(text) < 70 else text[:67] + "…"
    return ""


class Dictionnaire(Liste):
    """A mapping keyed by a short name (``representants: {orange: ...}``): key, then value."""

    def __init__(self, form: Formulaire, spec: Spec, **kw: Any) -> None:
        initial = kw.get("initial", ABSENT)
        super().__init__(form, spec, **dict(kw, initial=list(initial.items()) if isinstance(initial, dict) else ABSENT))
        self.initial = initial

    def _element(self, value: Any, origin: Any) -> _Element:
        key, item = value if isinstance(value, tuple) else ("", ABSENT)
        el = super()._element(item, key if isinstance(value, tuple) else None)
        cle = W.Text(value=str(key), placeholder="clé (par ex. orange)", layout=partage("court"),
                     style=partage("style-texte"))
        cle.add_class("accordgen-cle")
        cle.observe(self._change, names="value")
        el.cle = cle
        label = html("<b>Clé</b>&nbsp;")
        if el.titre is not None:
            header = el.row.children[0]
            header.children = (label, cle, *header.children[1:])
        else:
            el.row.children = (label, cle, *el.row.children)
        return el

    def titrer(self) -> None:
        pass

    def ajouter(self, value: Any = ABSENT) -> Editeur:
        return super().ajouter(("", ABSENT) if value is ABSENT else value)

    @staticmethod
    def _cle(e: _Element) -> str:
        assert e.cle is not None
        return str(e.cle.value).strip()

    def enfants(self) -> list[tuple[str, Editeur]]:
        return [(f"{self.path}.{self._cle(e) or '?'}", e.ed) for e in self.elements]

    def brut(self) -> Any:
        if not self.elements and not self.requis:
            return ABSENT
        return Ordonne((self._cle(e), e.ed.brut()) for e in self.elements)

    def problemes_locaux(self) -> Iterator[tuple[str, str]]:
        seen: set[str] = set()
        for e in self.elements:
            key = self._cle(e)
            if not key:
                yield self.path, "une clé est vide : indiquez la clé de la partie (par ex. « orange »)"
            elif key in seen:
                yield self.path, f"clé « {key} » en double : une seule entrée par clé"
            seen.add(key)
        yield from super().problemes_locaux()

    def rebaser(self) -> None:
        for e in self.elements:
            e.origin = self._cle(e)
        Editeur.rebaser(self)

    def noeud(self, old_node: Any, old_raw: Any) -> Any:
        if not isinstance(old_node, CommentedMap) or not isinstance(old_raw, dict):
            out = CommentedMap()
            for e in self.elements:
                out[self._cle(e)] = e.ed.noeud(None, ABSENT)
            return out
        entries = []
        for e in self.elements:
            key, o = self._cle(e), e.origin
            if o in old_node and o in old_raw:
                node = old_node[o] if meme(e.ed.brut(), old_raw[o]) else e.ed.noeud(old_node[o], old_raw[o])
            else:
                o, node = None, e.ed.noeud(None, ABSENT)
            entries.append((key, node, o))
        if [(k, o) for k, _, o in entries] == [(k, k) for k in old_node]:
            for k, node, _ in entries:
                if node is not old_node[k]:
                    old_node[k] = node
            return old_node
        rt.remplacer_cles(old_node, entries)
        return old_node
