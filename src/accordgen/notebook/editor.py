"""The editor of one form field: its widgets, its value, its messages, its YAML node.

An editor knows its value as ``read_yaml`` would give it (:meth:`FieldEditor.raw`), shows its
error messages (:meth:`FieldEditor.show`), and writes itself into the ruamel tree on save
(:meth:`FieldEditor.to_node`), reusing the old nodes so comments and styles survive.
:func:`make_editor` builds the editor a :class:`~.fieldspec.Spec` calls for:
:mod:`.scalar` (text, number, date, choice, checkbox, YAML text), :mod:`.composite` (a
sub-model, an optional part, a value of several shapes) and :mod:`.collection` (lists and
mappings). Parts not shown (the other shape of a paragraph-or-list value, an optional part
left out) are built only when the drafter asks for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from typing import TYPE_CHECKING, Any

import ipywidgets as W
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from .fieldspec import ABSENT, CLE_CONSTRAINTS, Spec, analyse, fits_shape, same_value
from .labels import RED, esc, html, libelle, shared, slug, title_html

if TYPE_CHECKING:
    from .form import Formulaire


class FieldEditor:
    """One field (or list item) of the form: its widgets, its value, its error message."""

    def __init__(self, form: Formulaire, spec: Spec, *, name: str = "", help_text: str = "",
                 required: bool = True, default: Any = ABSENT, initial: Any = ABSENT,
                 item: bool = False, label: str = "") -> None:
        self.form, self.spec, self.name, self.help_text = form, spec, name, help_text
        self.label = label or libelle(name)  # the model's own title when it gives one
        self.required, self.default, self.item, self.initial = required, default, item, initial
        self.path = ""
        self.erreur = html(layout="cache")
        self.erreur.add_class("accordgen-erreur")
        self._own_error = True
        self._classes: list[tuple[W.DOMWidget, str]] = []
        self.widget: Any = None  # set by each kind of editor

    # value ---------------------------------------------------------------------------
    def raw(self) -> Any:
        """The value as ``read_yaml`` would give it (ABSENT when left out)."""
        raise NotImplementedError

    def value_to_write(self) -> Any:
        """:meth:`raw`, but ABSENT when it merely shows the default of a field the file omits."""
        value = self.raw()
        if self.initial is ABSENT and self.default is not ABSENT and value is not ABSENT:
            default = self.default.value if isinstance(self.default, Enum) else self.default
            if same_value(value, default):
                return ABSENT
        return value

    def to_node(self, old_node: Any, old_raw: Any) -> Any:
        """The YAML node for the current value, reusing ``old_node`` where possible."""
        raise NotImplementedError

    def children(self) -> list[tuple[str, FieldEditor]]:
        return []

    def local_problems(self) -> Iterator[tuple[str, str]]:
        """Problems the model cannot see (an empty or repeated key, unreadable YAML text)."""
        for _, child in self.children():
            yield from child.local_problems()

    def rebase(self) -> None:
        """After a save: the saved file is the new reference."""
        for _, child in self.children():
            child.rebase()

    # paths and messages ----------------------------------------------------------------
    def tag(self, widget: W.DOMWidget, prefix: str) -> None:
        """Give ``widget`` the CSS class ``<prefix>-<path>`` (tests and styles find fields by it)."""
        self._classes.append((widget, prefix))

    def share_error_of(self, outer: FieldEditor) -> None:
        """Show this editor's messages in ``outer``'s place (an optional part, a union branch)."""
        self.erreur = outer.erreur
        self._own_error = False

    def set_path(self, path: str) -> None:
        if path == self.path:
            return
        pairs = list(self._classes)
        if self._own_error:
            pairs.append((self.erreur, "accordgen-erreur"))
        for widget, prefix in pairs:
            if self.path:
                widget.remove_class(f"{prefix}-{slug(self.path)}")
            if path:
                widget.add_class(f"{prefix}-{slug(path)}")
        self.path = path

    def locate(self, path: str) -> Iterator[tuple[str, FieldEditor]]:
        """Give this editor its path (CSS classes follow) and yield every (path, editor)."""
        self.set_path(path)
        yield path, self
        for sub, child in self.children():
            yield from child.locate(sub)

    def show(self, messages: list[str]) -> None:
        """Show ``messages`` in red beside the field (nothing when empty)."""
        lines = "<br>".join(f"⚠ {esc(m)}" for m in messages)
        value = f"<span role='alert' style='color:{RED};font-weight:600'>{lines}</span>" if messages else ""
        if self.erreur.value != value:
            self.erreur.value = value
            self.erreur.layout = shared("visible" if messages else "cache")

    def _changed(self, *_: Any) -> None:
        self.form.modifie()

    def _labelled(self, entree: W.Widget) -> W.Widget:
        """Label (with its help), input and error message of a field, one under the other."""
        if self.item:
            return W.VBox([entree, self.erreur], layout=shared("plein"))
        label = html(title_html(self.label, self.required, self.help_text))
        return W.VBox([label, entree, self.erreur], layout=shared("ligne"))



def make_editor(form: Formulaire, spec: Spec, **kw: Any) -> FieldEditor:
    """The editor for ``spec`` (YAML text when the value has another shape)."""
    from .collection import ListEditor, MappingEditor
    from .composite import ModelEditor, UnionEditor
    from .scalar import ScalarEditor

    if not fits_shape(spec, kw.get("initial", ABSENT)):
        spec = Spec("yaml")
    classes: dict[str, type[FieldEditor]] = {"model": ModelEditor, "list": ListEditor,
                                             "dict": MappingEditor, "union": UnionEditor}
    return classes.get(spec.kind, ScalarEditor)(form, spec, **kw)


def is_clause_topics(form: Formulaire, name: str, spec: Spec) -> bool:
    """Whether the field is the ``clauses`` of a kind whose template has clause slots (the
    clause library's topics: :class:`~.clauses.ClausesEditor`, a tab of its own)."""
    return name == "clauses" and spec.kind == "dict" and bool(getattr(form.kind, "clause_topics", ()))


def model_field_editor(form: Formulaire, name: str, info: FieldInfo, initial: Any) -> FieldEditor:
    """The editor of a model field: label, help and default from the pydantic field."""
    spec, optional = analyse(info.annotation)
    if spec.kind == "text" and any(m in CLE_CONSTRAINTS for m in info.metadata):
        spec = Spec("party")  # ``expediteur: Cle``: pydantic moved the key's marks to metadata
    if name == "cle" and spec.kind == "party":
        spec = Spec("text")  # a party's own key is typed, not chosen
    if info.default is not PydanticUndefined:
        default = info.default
    elif info.default_factory is not None:
        try:
            default = info.default_factory()  # type: ignore[call-arg]
        except TypeError:  # a factory that needs the other fields' values
            default = ABSENT
    else:
        default = ABSENT
    kw = {"name": name, "help_text": info.description or "", "required": info.is_required(),
          "default": default, "initial": initial, "label": info.title or ""}
    if is_clause_topics(form, name, spec):
        from .clauses import ClausesEditor

        return ClausesEditor(form, spec, **kw)
    if optional and spec.kind in ("model", "list", "dict", "union") and fits_shape(spec, initial):
        from .composite import OptionalEditor

        return OptionalEditor(form, spec, **kw)
    return make_editor(form, spec, **kw)

