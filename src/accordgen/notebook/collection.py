"""Editors of collections: a list (items added, moved, removed) and a mapping keyed by a short
name; on save, items kept, moved or renamed keep their YAML nodes and comments."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import ipywidgets as W
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from . import roundtrip as rt
from .composite import ModelEditor
from .editor import FieldEditor, make_editor
from .fieldspec import ABSENT, KeyOrdered, Spec, same_value
from .labels import button, esc, html, libelle, shared, title_html

if TYPE_CHECKING:
    from .form import Formulaire


class _Item:
    """One item of a list or dict editor: its editor, its row, and where it came from."""

    def __init__(self, ed: FieldEditor, origin: Any, row: W.Box, titre: W.HTML | None,
                 cle: W.ValueWidget | None = None) -> None:
        self.ed, self.origin, self.row, self.titre, self.cle = ed, origin, row, titre, cle


class ListEditor(FieldEditor):
    """A list: items that can be added, moved up or down, and removed."""

    def __init__(self, form: Formulaire, spec: Spec, **kw: Any) -> None:
        super().__init__(form, spec, **kw)
        initial = self.initial
        # A list written as one lone value (a model validator accepts it): it stays one value
        # until a second item is added.
        self.valeur_seule = initial not in (None, ABSENT) and not isinstance(initial, (list, dict, tuple))
        values = [initial] if self.valeur_seule else (initial if isinstance(initial, list) else [])
        self.elements = [self._new_item(v, i) for i, v in enumerate(values)]
        self.boite = W.VBox([e.row for e in self.elements], layout=shared("plein"))
        what = self.label.lower() if self.name else "la liste"
        self.bouton_ajouter = button("plus", f"Ajouter un élément à « {what} »", "Ajouter", layout="auto")
        self.bouton_ajouter.add_class("accordgen-ajouter")
        self.tag(self.bouton_ajouter, "accordgen-ajouter")
        self.bouton_ajouter.on_click(lambda _b: self.ajouter())
        head = [] if self.item else [html(title_html(self.label, self.required, self.help_text))]
        self.widget = W.VBox([*head, self.erreur, self.boite, self.bouton_ajouter],
                             layout=shared("plein" if self.item else "ligne"))

    def _new_editor(self, value: Any) -> FieldEditor:
        assert self.spec.item is not None
        return make_editor(self.form, self.spec.item, name=self.name, initial=value, item=True)

    def _new_item(self, value: Any, origin: Any) -> _Item:
        ed = self._new_editor(value)
        tools = []
        for icon, tip, delta in (("arrow-up", "Monter", -1), ("arrow-down", "Descendre", 1)):
            b = button(icon, tip)
            b.on_click(lambda _b, d=delta, e=ed: self.deplacer(e, d))
            tools.append(b)
        rm = button("trash", "Supprimer cet élément")
        rm.add_class("accordgen-supprimer")
        rm.on_click(lambda _b, e=ed: self.supprimer(e))
        tools.append(rm)
        assert self.spec.item is not None
        if self.spec.item.kind in ("model", "dict", "list") or isinstance(ed, ModelEditor):
            titre = html()
            row: W.Box = W.VBox([W.HBox([titre, *tools], layout=shared("entete")), ed.widget],
                                layout=shared("element"))
            return _Item(ed, origin, row, titre)
        return _Item(ed, origin, W.HBox([ed.widget, *tools], layout=shared("rangee")), None)

    def _redraw(self) -> None:
        self.boite.children = [e.row for e in self.elements]
        self.form.modifie()

    def refresh_titles(self) -> None:
        """Number the items and name them by their key, number or title."""
        for i, e in enumerate(self.elements):
            if e.titre is None:
                continue
            extra = _item_name(e.ed.raw())
            value = f"<b>{esc(self.label)} n° {i + 1}</b>" + (f" — {esc(extra)}" if extra else "")
            if e.titre.value != value:
                e.titre.value = value

    def ajouter(self, value: Any = ABSENT) -> FieldEditor:
        """Add an item at the end (empty, or ``value``); returns its editor."""
        el = self._new_item(value, None)
        self.elements.append(el)
        self._redraw()
        return el.ed

    def deplacer(self, ed: FieldEditor, delta: int) -> None:
        """Move an item up (-1) or down (+1)."""
        i = next(k for k, e in enumerate(self.elements) if e.ed is ed)
        j = i + delta
        if 0 <= j < len(self.elements):
            self.elements[i], self.elements[j] = self.elements[j], self.elements[i]
            self._redraw()

    def supprimer(self, ed: FieldEditor) -> None:
        """Remove an item."""
        self.elements = [e for e in self.elements if e.ed is not ed]
        self._redraw()

    @property
    def items(self) -> list[FieldEditor]:
        return [e.ed for e in self.elements]

    def children(self) -> list[tuple[str, FieldEditor]]:
        return [(f"{self.path}[{i}]", e.ed) for i, e in enumerate(self.elements)]

    def raw(self) -> Any:
        if not self.elements and not self.required:
            return ABSENT
        items = [e.ed.raw() for e in self.elements]
        if self.valeur_seule and len(items) == 1 and not isinstance(items[0], (list, dict)):
            return items[0]
        return items

    def rebase(self) -> None:
        for i, e in enumerate(self.elements):
            e.origin = i
        self.valeur_seule = self.valeur_seule and len(self.elements) == 1
        super().rebase()

    def to_node(self, old_node: Any, old_raw: Any) -> Any:
        value = self.raw()
        if not isinstance(value, list):
            return rt.scalar_node(value, old_node)
        if not isinstance(old_node, CommentedSeq) or not isinstance(old_raw, list):
            return CommentedSeq(e.ed.to_node(None, ABSENT) for e in self.elements)
        nodes, origins = [], []
        for e in self.elements:
            o = e.origin if isinstance(e.origin, int) and e.origin < len(old_node) else None
            if o is None:
                nodes.append(e.ed.to_node(None, ABSENT))
            elif same_value(e.ed.raw(), old_raw[o]):
                nodes.append(old_node[o])
            else:
                nodes.append(e.ed.to_node(old_node[o], old_raw[o]))
            origins.append(o)
        if origins == list(range(len(old_node))):
            for i, n in enumerate(nodes):
                if n is not old_node[i]:
                    old_node[i] = n
        else:
            rt.reorder(old_node, nodes, origins)
        return old_node


def _item_name(value: Any) -> str:
    """A few words that name a list item (its key, number or title)."""
    if isinstance(value, dict):
        for key in ("cle", "numero", "axe", "titre", "intitule", "nom", "objet", "action", "partie"):
            v = value.get(key)
            if v not in (None, "", ABSENT) and not isinstance(v, (dict, list)):
                text = f"{libelle(key).lower()} {v}" if key in ("numero", "axe") else str(v)
                return text if len(text) < 70 else text[:67] + "…"
    return ""


class MappingEditor(ListEditor):
    """A mapping keyed by a short name (``representants: {orange: ...}``): key, then value."""

    def __init__(self, form: Formulaire, spec: Spec, **kw: Any) -> None:
        initial = kw.get("initial", ABSENT)
        super().__init__(form, spec, **dict(kw, initial=list(initial.items()) if isinstance(initial, dict) else ABSENT))
        self.initial = initial

    def _new_item(self, value: Any, origin: Any) -> _Item:
        key, item = value if isinstance(value, tuple) else ("", ABSENT)
        el = super()._new_item(item, key if isinstance(value, tuple) else None)
        cle: W.ValueWidget
        if self.spec.party_keys:  # chosen among the accord's parties by name
            from .scalar import party_options

            cle = W.Dropdown(options=party_options(self.form, str(key), True, ""), value=str(key),
                             layout=shared("choix"), style=shared("style-description"))
        else:
            cle = W.Text(value=str(key), placeholder="clé (par ex. orange)", layout=shared("court"),
                         style=shared("style-texte"))
        cle.add_class("accordgen-cle")
        cle.observe(self._changed, names="value")
        el.cle = cle
        label = html("<b>Partie</b>&nbsp;" if self.spec.party_keys else "<b>Clé</b>&nbsp;")
        if el.titre is not None:
            header = el.row.children[0]
            header.children = (label, cle, *header.children[1:])
        else:
            el.row.children = (label, cle, *el.row.children)
        return el

    def refresh_titles(self) -> None:
        pass

    def ajouter(self, value: Any = ABSENT) -> FieldEditor:
        return super().ajouter(("", ABSENT) if value is ABSENT else value)

    @staticmethod
    def _key(e: _Item) -> str:
        assert e.cle is not None
        return str(e.cle.value).strip()

    def children(self) -> list[tuple[str, FieldEditor]]:
        return [(f"{self.path}.{self._key(e) or '?'}", e.ed) for e in self.elements]

    def raw(self) -> Any:
        if not self.elements and not self.required:
            return ABSENT
        return KeyOrdered((self._key(e), e.ed.raw()) for e in self.elements)

    def local_problems(self) -> Iterator[tuple[str, str]]:
        seen: set[str] = set()
        for e in self.elements:
            key = self._key(e)
            if not key and self.spec.party_keys:
                yield self.path, "une entrée n'a pas de partie : choisissez-la dans la liste"
            elif not key:
                yield self.path, "une clé est vide : indiquez la clé de la partie (par ex. « orange »)"
            elif key in seen:
                yield self.path, f"clé « {key} » en double : une seule entrée par clé"
            elif self.spec.party_keys:
                from .scalar import party_problems

                yield from ((self.path, m) for m in party_problems(self.form, key))
            seen.add(key)
        yield from super().local_problems()

    def rebase(self) -> None:
        for e in self.elements:
            e.origin = self._key(e)
        FieldEditor.rebase(self)

    def to_node(self, old_node: Any, old_raw: Any) -> Any:
        if not isinstance(old_node, CommentedMap) or not isinstance(old_raw, dict):
            out = CommentedMap()
            for e in self.elements:
                out[self._key(e)] = e.ed.to_node(None, ABSENT)
            return out
        entries = []
        for e in self.elements:
            key, o = self._key(e), e.origin
            if o in old_node and o in old_raw:
                node = old_node[o] if same_value(e.ed.raw(), old_raw[o]) else e.ed.to_node(old_node[o], old_raw[o])
            else:
                o, node = None, e.ed.to_node(None, ABSENT)
            entries.append((key, node, o))
        if [(k, o) for k, _, o in entries] == [(k, k) for k in old_node]:
            for k, node, _ in entries:
                if node is not old_node[k]:
                    old_node[k] = node
            return old_node
        rt.replace_keys(old_node, entries)
        return old_node
