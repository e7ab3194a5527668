"""Editors made of other editors: a sub-model (the root model: one tab per part), an optional
part behind a checkbox, and a value of one of several shapes behind a switch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import ipywidgets as W
from pydantic.fields import FieldInfo
from ruamel.yaml.comments import CommentedMap

from . import roundtrip as rt
from .editor import FieldEditor, is_clause_topics, make_editor, model_field_editor
from .fieldspec import ABSENT, Spec, analyse, fits_shape, is_empty, same_value
from .labels import esc, html, shared, title_html

if TYPE_CHECKING:
    from .form import Formulaire


class ModelEditor(FieldEditor):
    """A sub-model: its fields (the root model: one tab per part)."""

    def __init__(self, form: Formulaire, spec: Spec, *, root: bool = False, **kw: Any) -> None:
        super().__init__(form, spec, **kw)
        assert spec.model is not None
        data = self.initial if isinstance(self.initial, dict) else {}
        fields = spec.model.model_fields
        self.root = root
        # The root's parts in tabs of their own are built when their tab is opened (LazyEditor):
        # an accord's axes and parties alone are a thousand widgets, seconds in the browser.
        self.champs: dict[str, FieldEditor] = {
            name: (LazyEditor(form, name, info, data.get(name, ABSENT))
                   if root and own_tab_field(form, name, info, data.get(name, ABSENT))
                   else model_field_editor(form, name, info, data.get(name, ABSENT)))
            for name, info in fields.items() if not (root and name == "type")}
        # keys the model does not know stay in the data: pydantic names them (« champ inconnu »)
        self.inconnus = {k: v for k, v in data.items() if k not in fields}
        if root:
            self.widget = self._tabs()
            return
        body = W.VBox([e.widget for e in self.champs.values()], layout=shared("groupe"))
        parts: list[W.Widget] = [] if self.item else [html(title_html(self.label, self.required, self.help_text))]
        self.widget = W.VBox([*parts, self.erreur, body], layout=shared("ligne"))

    def _tabs(self) -> W.Widget:
        """One tab per part (a sub-model or a list of them), the simple fields first."""
        def own(e: FieldEditor) -> bool:
            return isinstance(e, LazyEditor) or _own_tab(e.spec) or getattr(e, "own_tab", False)

        general = [e for e in self.champs.values() if not own(e)]
        tabs = [n for n, e in self.champs.items() if own(e)]
        self.boites = {n: W.VBox([self.champs[n].widget]) for n in tabs}
        children = ([W.VBox([e.widget for e in general])] if general else []) + list(self.boites.values())
        self.noms_onglets: list[str | None] = ([None] if general else []) + tabs
        self.onglets = (["Général"] if general else []) + [self.champs[n].label for n in tabs]
        if not general and tabs:
            self.construire(tabs[0])  # the tab shown first
        tab = W.Tab(children=children, titles=self.onglets)
        tab.add_class("accordgen-onglets")
        tab.observe(self._onglet_ouvert, names="selected_index")
        return W.VBox([self.erreur, tab])

    def _onglet_ouvert(self, change: dict[str, Any]) -> None:
        index = change["new"]
        name = self.noms_onglets[index] if isinstance(index, int) and 0 <= index < len(self.noms_onglets) else None
        if name is not None and isinstance(self.champs[name], LazyEditor):
            self.construire(name)
            self.form.valider()  # its fields get their paths and messages

    def construire(self, name: str) -> FieldEditor:
        """The editor of the part ``name``, built now if its tab was never opened."""
        ed = self.champs[name]
        if isinstance(ed, LazyEditor):
            ed = self.champs[name] = ed.build()
            self.boites[name].children = (ed.widget,)
        return ed

    def a_construire(self) -> list[str]:
        """The parts whose tab was never opened."""
        return [n for n, e in self.champs.items() if isinstance(e, LazyEditor)]

    def children(self) -> list[tuple[str, FieldEditor]]:
        prefix = f"{self.path}." if self.path else ""
        return [(f"{prefix}{name}", ed) for name, ed in self.champs.items()]

    def raw(self) -> Any:
        out: dict[str, Any] = {"type": self.form.kind.name} if self.root else {}
        for name, ed in self.champs.items():
            value = ed.value_to_write()
            if value is not ABSENT:
                out[name] = value
        out.update(self.inconnus)
        return out

    def to_node(self, old_node: Any, old_raw: Any) -> Any:
        target = old_node if isinstance(old_node, CommentedMap) else CommentedMap()
        old = old_raw if isinstance(old_raw, dict) else {}
        previous: str | None = "type" if (self.root and "type" in target) else None
        for name, ed in self.champs.items():
            new = ed.value_to_write()
            present = name in target
            if new is ABSENT:
                if present and not is_empty(old.get(name, ABSENT)):
                    rt.delete_key(target, name)
                previous = name if name in target else previous
                continue
            if present and name in old and same_value(old[name], new):
                previous = name
                continue
            node = ed.to_node(target.get(name), old.get(name, ABSENT))
            if not present:
                rt.insert_after(target, name, node, previous)
            elif node is not target[name]:
                target[name] = node
            previous = name
        return target


class LazyEditor(FieldEditor):
    """A part of the root in a tab not opened yet: the value read from the file, unchanged,
    until :meth:`build` gives the part's editor (when the tab is opened, a message must be
    shown inside it, or a field of it is asked for)."""

    def __init__(self, form: Formulaire, name: str, info: FieldInfo, initial: Any) -> None:
        spec, _optional = analyse(info.annotation)
        super().__init__(form, spec, name=name, required=info.is_required(), initial=initial,
                         label=info.title or "")
        self.info = info
        wait = html("<p style='color:#555'>Ouverture de l'onglet…</p>")
        self.widget = W.VBox([self.erreur, wait], layout=shared("ligne"))

    def build(self) -> FieldEditor:
        construction, self.form._construction = self.form._construction, True
        try:
            return model_field_editor(self.form, self.name, self.info, self.initial)
        finally:
            self.form._construction = construction

    def raw(self) -> Any:
        return self.initial

    def value_to_write(self) -> Any:
        return self.initial

    def to_node(self, old_node: Any, old_raw: Any) -> Any:
        return old_node  # never edited: the file's own node


def own_tab_field(form: Formulaire, name: str, info: FieldInfo, initial: Any) -> bool:
    """Whether the root field ``name`` gets a tab of its own, decided before its editor is
    built (as :func:`~.editor.model_field_editor` would build it)."""
    spec, _optional = analyse(info.annotation)
    if is_clause_topics(form, name, spec):
        return True
    return fits_shape(spec, initial) and _own_tab(spec)


def _own_tab(spec: Spec) -> bool:
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


class OptionalEditor(FieldEditor):
    """An optional part (a sub-model, a list...): a checkbox « Renseigner » and the part,
    built when first checked."""

    def __init__(self, form: Formulaire, spec: Spec, **kw: Any) -> None:
        super().__init__(form, spec, **kw)
        self._kw = kw
        self.interne: FieldEditor | None = None
        present = not is_empty(self.initial) or (self.initial == [] or self.initial == {})
        self.case = W.Checkbox(value=present, indent=False, description=f"Renseigner « {self.label} »",
                               layout=shared("auto"), style=shared("style-case"))
        self.case.add_class("accordgen-case")
        self.tag(self.case, "accordgen-case")
        self.case.observe(self._toggled, names="value")
        self.aide_html = html(f"<div style='color:#555;font-size:0.85em'>{esc(self.help_text)}</div>")
        self.widget = W.VBox([self.case, self.aide_html, self.erreur], layout=shared("ligne"))
        if present:
            self._build()

    def _build(self) -> FieldEditor:
        if self.interne is None:
            initial = self.initial if not is_empty(self.initial) or self.initial in ([], {}) else ABSENT
            self.interne = make_editor(self.form, self.spec, **dict(self._kw, required=True, default=ABSENT,
                                                                 initial=initial))
            self.interne.share_error_of(self)
        children = [self.case, self.interne.widget, self.erreur] if self.case.value else [
            self.case, self.aide_html, self.erreur]
        self.widget.children = children
        return self.interne

    def _toggled(self, *_: Any) -> None:
        self._build()
        self.form.modifie()

    def __getattr__(self, name: str) -> Any:
        # ``form.champ("duree").ajouter()`` reaches the part behind the checkbox
        if name.startswith("_") or name in ("interne", "case"):
            raise AttributeError(name)
        return getattr(self._build(), name)

    def locate(self, path: str) -> Iterator[tuple[str, FieldEditor]]:
        self.set_path(path)
        yield path, self
        if self.interne is not None:
            self.interne.set_path(path if self.case.value else "")
            if self.case.value:
                for sub, child in self.interne.children():
                    yield from child.locate(sub)

    def children(self) -> list[tuple[str, FieldEditor]]:
        return self.interne.children() if (self.interne is not None and self.case.value) else []

    def raw(self) -> Any:
        return self.interne.raw() if (self.interne is not None and self.case.value) else ABSENT

    def local_problems(self) -> Iterator[tuple[str, str]]:
        if self.interne is not None and self.case.value:
            yield from self.interne.local_problems()

    def to_node(self, old_node: Any, old_raw: Any) -> Any:
        assert self.interne is not None
        return self.interne.to_node(old_node, old_raw)

    def rebase(self) -> None:
        if self.interne is not None:
            self.interne.rebase()


class UnionEditor(FieldEditor):
    """A value of one of several shapes (a paragraph or a bullet list): a switch, then the
    editor of the chosen shape (the other is built when first chosen)."""

    NOMS = {"text": "Paragraphe", "list": "Liste à puces", "model": "Champs", "int": "Nombre",
            "date": "Date", "choice": "Choix", "bool": "Oui/non", "dict": "Champs", "yaml": "YAML"}

    def __init__(self, form: Formulaire, spec: Spec, **kw: Any) -> None:
        super().__init__(form, spec, **kw)
        self._kw = kw
        self.branches: list[FieldEditor | None] = [None] * len(spec.branches)
        chosen = _branch_for(spec.branches, self.initial)
        self.choix = W.ToggleButtons(
            options=[(self.NOMS.get(b.kind, b.kind), i) for i, b in enumerate(spec.branches)],
            value=chosen, style=shared("style-toggle"))
        self.choix.observe(self._toggled, names="value")
        self.tag(self.choix, "accordgen-forme")
        head = [] if self.item else [html(title_html(self.label, self.required, self.help_text))]
        self.widget = W.VBox([*head, self.choix, self.actif.widget, self.erreur],
                             layout=shared("plein" if self.item else "ligne"))

    @property
    def actif(self) -> FieldEditor:
        i = self.choix.value
        if self.branches[i] is None:
            initial = self.initial if i == _branch_for(self.spec.branches, self.initial) else ABSENT
            ed = make_editor(self.form, self.spec.branches[i],
                         **dict(self._kw, item=True, required=True, default=ABSENT, initial=initial))
            ed.share_error_of(self)
            self.branches[i] = ed
        ed = self.branches[i]
        assert ed is not None
        return ed

    def __getattr__(self, name: str) -> Any:
        # ``form.champ("texte[0]").ajouter()`` reaches the editor of the chosen shape
        if name.startswith("_") or name in ("branches", "choix", "spec"):
            raise AttributeError(name)
        return getattr(self.actif, name)

    def _toggled(self, *_: Any) -> None:
        children = list(self.widget.children)
        children[-2] = self.actif.widget
        self.widget.children = children
        self.form.modifie()

    def locate(self, path: str) -> Iterator[tuple[str, FieldEditor]]:
        self.set_path(path)
        for b in self.branches:
            if b is not None and b is not self.actif:
                b.set_path("")
        self.actif.set_path(path)
        yield path, self
        for sub, child in self.actif.children():
            yield from child.locate(sub)

    def children(self) -> list[tuple[str, FieldEditor]]:
        return self.actif.children()

    def raw(self) -> Any:
        return self.actif.raw()

    def local_problems(self) -> Iterator[tuple[str, str]]:
        return self.actif.local_problems()

    def to_node(self, old_node: Any, old_raw: Any) -> Any:
        return self.actif.to_node(old_node, old_raw)

    def rebase(self) -> None:
        self.actif.rebase()


def _branch_for(branches: list[Spec], value: Any) -> int:
    """The branch that can show ``value`` (a list, a mapping or a plain value)."""
    for i, b in enumerate(branches):
        if isinstance(value, list) and b.kind == "list":
            return i
        if isinstance(value, dict) and b.kind in ("model", "dict"):
            return i
        if not isinstance(value, (list, dict)) and b.kind not in ("list", "dict", "model"):
            return i
    return 0


