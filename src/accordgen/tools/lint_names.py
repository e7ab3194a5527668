"""Template lint, part 2: the variables a template uses, checked against the context the kind
builds for its example documents, attribute by attribute (``accord.parties`` exists,
``accord.partie`` does not), loop variables included."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from jinja2 import nodes

from ..errors import AccordgenError
from ..kinds import Kind
from ..render.template import ENV
from ..render.values import RichText, RichTextParagraph, Subdoc
from ..resources import examples_dir


class _Unknown:
    """A value the linter cannot know (set by ``{% set %}``, a filter, a call...)."""


UNKNOWN: Any = _Unknown()



# --- 2: variables, against the context of the kind's examples ----------------------------

def _merge(values: Iterable[Any]) -> Any:
    """One sample standing for many values: dicts are merged key by key."""
    values = [v for v in values if v is not None and v is not UNKNOWN]
    if not values:
        return UNKNOWN
    if all(isinstance(v, Mapping) for v in values):
        keys = dict.fromkeys(k for v in values for k in v)
        return {k: _merge(v.get(k) for v in values) for k in keys}
    if all(isinstance(v, list | tuple) for v in values):
        return [_merge(x for v in values for x in v)]
    return values[0]


def example_context(kind: Kind) -> dict[str, Any] | None:
    """The context of every valid example document of ``kind``, merged; ``None`` if none.
    One loader for all of them: the example dossier is read once."""
    from ..dossier import Loader

    loader = Loader()
    contexts = []
    for entry in loader.entries(examples_dir()):
        if entry.kind != kind.name:
            continue
        try:
            contexts.append(loader.load(entry.path, kind.name).context())
        except AccordgenError:
            continue
    return _merge(contexts) if contexts else None


class Names:
    """Walks a Jinja AST with a sample value for each name; records unknown names/fields."""

    def __init__(self, context: Mapping[str, Any], tagged: Mapping[str, str] | None = None) -> None:
        self.scope: dict[str, Any] = {name: UNKNOWN for name in ENV.globals} | dict(context)
        self.problems: list[tuple[int, str]] = []
        self.tagged = tagged or {}  # expression -> "r" or "p" when printed with {{r }} / {{p }}

    def printed(self, node: nodes.Node, value: Any) -> None:
        """A rich text must be printed with {{r }}, a paragraph or a sub-document with {{p }}:
        with {{ }}, docxtpl's XML lands inside a run's text and the words vanish."""
        need = "r" if isinstance(value, RichText) else "p" if isinstance(value, RichTextParagraph | Subdoc) else None
        if need is None:
            return
        chain = _dotted(node)
        if self.tagged.get(chain) != need:
            what = "un texte enrichi" if need == "r" else "un paragraphe enrichi ou un sous-document"
            self.problems.append((node.lineno, f"« {chain} » est {what} : écrivez {{{{{need} {chain} }}}} "
                                               f"(avec {{{{ {chain} }}}} son texte disparaît)"))

    # statements ------------------------------------------------------------------------
    def visit(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.For):
            items = self.value(node.iter)
            element = _merge(items) if isinstance(items, list) else UNKNOWN
            saved = dict(self.scope)
            self.bind(node.target, element)
            self.scope["loop"] = UNKNOWN
            if node.test is not None:
                self.value(node.test)
            for child in node.body:
                self.visit(child)
            self.scope = saved
            for child in node.else_:
                self.visit(child)
        elif isinstance(node, nodes.Assign):
            self.value(node.node)
            self.bind(node.target, UNKNOWN)
        elif isinstance(node, nodes.AssignBlock):
            for child in node.body:
                self.visit(child)
            self.bind(node.target, UNKNOWN)
        elif isinstance(node, nodes.With):
            saved = dict(self.scope)
            for target, value in zip(node.targets, node.values, strict=False):
                self.bind(target, self.value(value))
            for child in node.body:
                self.visit(child)
            self.scope = saved
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            saved = dict(self.scope)
            if isinstance(node, nodes.Macro):
                self.scope[node.name] = UNKNOWN
                saved[node.name] = UNKNOWN
            else:
                self.value(node.call)
            for arg in node.args:
                self.scope[arg.name] = UNKNOWN
            self.scope["caller"] = UNKNOWN
            for child in node.body:
                self.visit(child)
            self.scope = saved
        elif isinstance(node, nodes.Output):
            for child in node.nodes:
                self.printed(child, self.value(child))
        elif isinstance(node, nodes.Expr):
            self.value(node)
        else:
            for child in node.iter_child_nodes():
                if isinstance(child, nodes.Expr):
                    self.value(child)
                else:
                    self.visit(child)

    def bind(self, target: nodes.Node, value: Any) -> None:
        if isinstance(target, nodes.Name):
            self.scope[target.name] = value
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, UNKNOWN)
        else:  # ns.attr = ...
            self.value(target)

    # expressions -----------------------------------------------------------------------
    def value(self, node: nodes.Node) -> Any:
        if isinstance(node, nodes.Name):
            if node.ctx != "load":
                return UNKNOWN
            if node.name not in self.scope:
                self.problems.append((node.lineno, f"variable inconnue « {node.name} » "
                                                   f"(variables du document : {self._known()})"))
                return UNKNOWN
            return self.scope[node.name]
        if isinstance(node, nodes.Getattr):
            return self.attribute(node, self.value(node.node), node.attr)
        if isinstance(node, nodes.Getitem):
            base = self.value(node.node)
            key = node.arg.value if isinstance(node.arg, nodes.Const) else self.value(node.arg)
            if isinstance(key, str):
                return self.attribute(node, base, key)
            if isinstance(key, int) and isinstance(base, list):
                return _merge(base)
            return UNKNOWN
        if isinstance(node, nodes.Const):
            return node.value
        for child in node.iter_child_nodes():
            self.value(child) if isinstance(child, nodes.Expr) else self.visit(child)
        return UNKNOWN

    def attribute(self, node: nodes.Node, base: Any, name: str) -> Any:
        chain = _dotted(node)
        if name.startswith("_"):
            self.problems.append((node.lineno, f"« {chain} » : attribut interdit par le bac à sable"))
            return UNKNOWN
        if base is UNKNOWN or base is None:
            return UNKNOWN
        if isinstance(base, Mapping):
            if name in base:
                return base[name]
            if hasattr(base, name):  # dict methods: items, keys...
                return UNKNOWN
            fields = ", ".join(sorted(map(str, base))) or "aucun"
            self.problems.append((node.lineno, f"champ inconnu « {chain} » (champs disponibles : {fields})"))
            return UNKNOWN
        if hasattr(base, name):
            return UNKNOWN
        self.problems.append((node.lineno, f"champ inconnu « {chain} » (valeur de type {type(base).__name__})"))
        return UNKNOWN

    def _known(self) -> str:
        return ", ".join(sorted(k for k in self.scope if k not in ENV.globals))


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        arg = node.arg.value if isinstance(node.arg, nodes.Const) else "..."
        return f"{_dotted(node.node)}[{arg!r}]"
    return "(expression)"


# --- driver ------------------------------------------------------------------------------

