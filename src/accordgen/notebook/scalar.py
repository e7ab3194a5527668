"""The editor of a plain value: text, number, date, choice, checkbox, or YAML text for any
other shape."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from enum import Enum
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from ..errors import InputError
from ..rules.saisie import date_affichee, date_saisie
from ..yamlio import parse_yaml
from . import roundtrip as rt
from .editor import FieldEditor
from .fieldspec import ABSENT, Spec
from .labels import shared, valeur_lisible

if TYPE_CHECKING:
    from .form import Formulaire


class ScalarEditor(FieldEditor):
    """Text, number, date, choice, checkbox, or YAML text for any other shape."""

    def __init__(self, form: Formulaire, spec: Spec, **kw: Any) -> None:
        super().__init__(form, spec, **kw)
        initial = self.initial
        value = initial if initial is not ABSENT else (None if self.default is ABSENT else self.default)
        if isinstance(value, Enum):
            value = value.value
        placeholder = ""
        if self.default not in (ABSENT, None) and not isinstance(self.default, (list, dict)):
            d = self.default.value if isinstance(self.default, Enum) else self.default
            placeholder = f"par défaut : {valeur_lisible(d)}"
        kind = spec.kind
        if kind == "bool":
            self.entree: W.ValueWidget = W.Checkbox(value=bool(value), indent=False, description="oui",
                                                    layout=shared("auto"), style=shared("style-case"))
        elif kind == "party":
            self.entree = W.Dropdown(options=party_options(form, value, self.required), value=value or ABSENT,
                                     layout=shared("choix"), style=shared("style-description"))
        elif kind == "choice":
            options: list[tuple[str, Any]] = []
            if not self.required or value is None:
                options.append(("— non renseigné —" if not self.required else "— choisir —", ABSENT))
            options += [(valeur_lisible(o), o) for o in spec.options]
            if value is not None and value not in spec.options:
                options.append((f"« {value} » (valeur actuelle, non permise)", value))
            self.entree = W.Dropdown(options=options, value=ABSENT if value is None else value,
                                     layout=shared("choix"), style=shared("style-description"))
        else:
            text = "" if value is None else (date_affichee(value) if kind == "date" else str(value))
            if kind == "yaml" and value is not None:
                import yaml as pyyaml

                text = pyyaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=1000)
                text = text.removesuffix("\n...\n").strip()
            placeholder = placeholder or {"date": "JJ/MM/AAAA", "int": "nombre entier",
                                          "number": "nombre"}.get(kind, "")
            if kind == "yaml" or (kind == "text" and ("\n" in text or len(text) > 70)):
                rows = min(12, max(2, len(text) // 95 + 1 + text.count("\n")))
                self.entree = W.Textarea(value=text, placeholder=placeholder, rows=rows,
                                         layout=shared("plein"), style=shared("style-texte"))
            else:
                short = kind in ("date", "int", "number")
                self.entree = W.Text(value=text, placeholder=placeholder,
                                     layout=shared("court" if short else "plein"), style=shared("style-texte"))
        self.entree.add_class("accordgen-entree")
        self.tag(self.entree, "accordgen-champ")
        self.entree.observe(self._changed, names="value")
        self.calendrier: W.DatePicker | None = None
        if kind == "date":  # a picker beside the typed date: each fills the other
            self.calendrier = W.DatePicker(value=_iso_date(self.raw()), layout=shared("auto"),
                                           tooltip="Choisir la date dans un calendrier")
            self.calendrier.add_class("accordgen-calendrier")
            self.tag(self.calendrier, "accordgen-calendrier")
            self.calendrier.observe(self._date_choisie, names="value")
            self.entree.observe(self._date_tapee, names="value")
            self.widget = self._labelled(W.HBox([self.entree, self.calendrier], layout=shared("auto")))
        else:
            self.widget = self._labelled(self.entree)

    def _date_choisie(self, change: Any) -> None:
        """A date picked in the calendar: typed in the field as ``JJ/MM/AAAA``."""
        if change["new"] is not None and _iso_date(self.raw()) != change["new"]:
            self.entree.value = date_affichee(change["new"])

    def _date_tapee(self, _change: Any) -> None:
        """A date typed: the calendar shows it (left as it is while the text is no date)."""
        assert self.calendrier is not None
        picked = _iso_date(self.raw())
        if picked is not None and picked != self.calendrier.value:
            self.calendrier.value = picked

    def raw(self) -> Any:
        value, kind = self.entree.value, self.spec.kind
        if kind == "party":
            return value if isinstance(value, str) and value else ABSENT
        if kind in ("bool", "choice"):
            return bool(value) if kind == "bool" else value
        text = str(value).strip()
        if text == "":
            return "" if (kind == "text" and self.required) else ABSENT
        if kind == "date":
            return date_saisie(text)  # « 03/03/2023 » as the model reads it
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

    def local_problems(self) -> Iterator[tuple[str, str]]:
        if self.spec.kind == "party":
            yield from ((self.path, m) for m in party_problems(self.form, self.entree.value))
        if self.spec.kind == "yaml" and str(self.entree.value).strip():
            try:
                parse_yaml(str(self.entree.value))
            except InputError as exc:
                yield self.path, exc.message

    def to_node(self, old_node: Any, old_raw: Any) -> Any:
        value = self.raw()
        if self.spec.kind == "yaml":
            return rt.commented(value)
        return rt.scalar_node(value, old_node, as_date=self.spec.kind == "date")



def _iso_date(value: Any) -> dt.date | None:
    """The date ``value`` (``AAAA-MM-JJ``) names, or None."""
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def party_options(form: Formulaire, value: Any, required: bool, empty: Any = ABSENT) -> list[tuple[str, Any]]:
    """A drop-down's options for a party key: the accord's parties by their designation (the
    key is the value), an unknown ``value`` kept and named as such."""
    parties = form.parties()
    options: list[tuple[str, Any]] = []
    if not required or not value:
        options.append(("— non renseigné —" if not required else "— choisir une partie —", empty))
    options += [(nom, cle) for cle, nom in parties]
    if value and value not in [cle for cle, _ in parties]:
        options.append((f"« {value} » (aucune partie de l'accord n'a cette clé)", value))
    return options


def party_problems(form: Formulaire, value: Any) -> list[str]:
    """The message for a party key the accord does not know (none when its parties are unknown,
    nor in the accord's own form: its model checks each reference against the parties typed)."""
    if form.kind.name == "accord":
        return []
    keys = [cle for cle, _ in form.parties()]
    if isinstance(value, str) and value and keys and value not in keys:
        noms = ", ".join(f"« {nom} »" for _, nom in form.parties())
        return [f"« {value} » ne désigne aucune partie de l'accord : choisissez parmi {noms}"]
    return []
