"""Template lint: what would make a drafter's template fail, or print a hole, found before
any document is rendered.

Every tagged part of a template is checked (body, headers, footers, foot- and endnotes):

1. tags typed in several Word segments (runs), stray braces, Jinja syntax errors;
2. variables the kind does not provide: names are checked against the context built from the
   kind's example documents, attribute by attribute (``accord.parties`` exists,
   ``accord.partie`` does not), loop variables included;
3. loops misplaced in tables: ``{%tr %}`` outside a table row, ``{%tc %}`` outside a cell, a
   loop or condition that opens in one cell and closes elsewhere.

Each finding names the template, the part and the paragraph text, in French.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from lxml import etree

from ..errors import AccordgenError
from ..kinds import DOCUMENT_KINDS, Kind
from ..render.template import ENV, Filters, TemplateFile, env_for, paragraph_text, syntax_message
from ..render.values import RichText, RichTextParagraph, Subdoc
from ..resources import examples_dir

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TAGS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_ESCAPES = re.compile(r"\{_\{|\}_\}|\{_%|%_\}")
_PRINT_TAG = re.compile(r"\{\{([rp])\s+(.*?)\}\}", re.S)
_BLOCK = re.compile(r"^\{%(tr|tc|p|r)?\s*-?\s*(for|if|elif|else|endfor|endif)\b")


class _Unknown:
    """A value the linter cannot know (set by ``{% set %}``, a filter, a call...)."""


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True)
class Finding:
    """One problem in a template."""

    template: str
    part: str  # zip member, "word/document.xml"
    paragraph: str
    message: str

    def __str__(self) -> str:
        if not self.part:
            return f"{self.template} : {self.message}"
        where = "" if self.part == "word/document.xml" else f"{_part_label(self.part)} ({self.part}) : "
        paragraph = self.paragraph if len(self.paragraph) <= 120 else self.paragraph[:117] + "..."
        return f"{self.template} : {where}paragraphe « {paragraph} » : {self.message}"


def _part_label(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    for prefix, label in (("header", "en-tête"), ("footer", "pied de page"),
                          ("footnotes", "notes de bas de page"), ("endnotes", "notes de fin")):
        if base.startswith(prefix):
            return label
    return "partie"


# --- 1 and 3: the raw XML, as the drafter typed it ---------------------------------------

@dataclass
class _Paragraph:
    text: str
    segments: list[tuple[int, int]]  # [start, end) of each <w:t> in text
    table: str | None  # XPath of the enclosing table, row and cell, if any
    row: str | None
    cell: str | None


def _paragraphs(xml: bytes) -> Iterator[_Paragraph]:
    root = etree.fromstring(xml)
    tree = root.getroottree()
    for p in root.iter(f"{W}p"):
        text, segments = "", []
        for t in p.iter(f"{W}t"):
            if next(t.iterancestors(f"{W}p")) is not p:
                continue  # a paragraph of a text box inside this one
            start = len(text)
            text += t.text or ""
            segments.append((start, len(text)))
        ids = {}
        for name in ("tbl", "tr", "tc"):
            anc = next(p.iterancestors(f"{W}{name}"), None)
            ids[name] = tree.getpath(anc) if anc is not None else None
        yield _Paragraph(text, segments, ids["tbl"], ids["tr"], ids["tc"])


def _split_and_brace_problems(par: _Paragraph) -> Iterator[str]:
    for m in _TAGS.finditer(par.text):
        tag = m.group()
        if not any(s <= m.start() and m.end() <= e for s, e in par.segments):
            yield (f"balise coupée entre plusieurs segments Word : « {tag} » "
                   "(retapez-la d'un seul tenant, sans changer de mise en forme au milieu)")
        if any(q in tag for q in "‘’“”«»"):
            yield (f"guillemets typographiques dans la balise « {tag} » : la correction automatique de "
                   "Word les a changés, écrivez ' ou \"")
        if any(space in tag for space in "\u00a0\u202f"):
            yield (f"espace insécable dans la balise « {tag} » : la correction automatique de Word "
                   "l'a ajoutée, remplacez-la par une espace simple")
    rest = _TAGS.sub("", _ESCAPES.sub("", par.text))
    if "{" in rest or "}" in rest:
        yield ("accolade isolée : balise incomplète ou mal tapée (attendu : {{ variable }}, "
               "{% instruction %} ou {%p instruction %} d'un seul tenant)")


def _table_problems(pars: list[_Paragraph]) -> Iterator[tuple[_Paragraph, str]]:
    stack: list[tuple[str, str, _Paragraph]] = []
    for par in pars:
        for m in _TAGS.finditer(par.text):
            block = _BLOCK.match(m.group())
            if not block:
                continue
            level, word = block.group(1) or "", block.group(2)
            tag = m.group()
            if level == "tr" and par.row is None:
                yield par, f"« {tag} » hors d'un tableau : {{%tr %}} se place dans une ligne de tableau"
                continue
            if level == "tc" and par.cell is None:
                yield par, f"« {tag} » hors d'un tableau : {{%tc %}} se place dans une cellule"
                continue
            if word in ("for", "if"):
                stack.append((level, tag, par))
                continue
            if not stack:
                continue  # unbalanced: the Jinja syntax check reports it
            open_level, open_tag, start = stack[-1]
            if word in ("endfor", "endif"):
                stack.pop()
            problem = _misplaced(open_level, open_tag, start, level, tag, par)
            if problem:
                yield par, problem


def _misplaced(open_level: str, open_tag: str, start: _Paragraph,
               level: str, tag: str, par: _Paragraph) -> str | None:
    if open_level != level and {open_level, level} & {"tr", "tc"}:
        return (f"boucle mal placée dans un tableau : « {open_tag} » et « {tag} » ne sont pas du même "
                "niveau (tr, tc ou p)")
    if level == "tr":
        same = start.table == par.table
        where = "le même tableau"
    elif level == "tc":
        same = start.row == par.row
        where = "la même ligne"
    else:
        same = start.cell == par.cell
        where = "la même cellule"
    if same:
        return None
    return (f"boucle mal placée dans un tableau : « {open_tag} » et « {tag} » doivent être dans {where}"
            " (pour répéter des lignes, utilisez {%tr for ... %} et {%tr endfor %})")


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


def _example_files(kind: Kind) -> list[Path]:
    from ..dossier import Loader

    return [e.path for e in Loader().entries(examples_dir()) if e.kind == kind.name]


def example_context(kind: Kind) -> dict[str, Any] | None:
    """The context of every valid example document of ``kind``, merged; ``None`` if none."""
    from ..dossier import load

    contexts = []
    for path in _example_files(kind):
        try:
            contexts.append(load(path, kind.name).context())
        except AccordgenError:
            continue
    return _merge(contexts) if contexts else None


class _Names:
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

def kind_of_template(path: Path) -> Kind | None:
    """The kind whose template is ``path`` (same file, or same file name)."""
    path = Path(path)
    for kind in DOCUMENT_KINDS.values():
        try:
            if kind.template_path.resolve() == path.resolve():
                return kind
        except OSError:
            pass
    return next((k for k in DOCUMENT_KINDS.values() if k.template == path.name), None)


DRAFT_MARK = ("l'en-tête ne porte pas la mention des projets : un projet doit dire « PROJET » sur "
              "chaque page ; remettez dans l'en-tête « {% if statut.projet %}PROJET{% if "
              "statut.version %} – version {{ statut.version }}{% endif %} du "
              "{{ statut.date|date_longue }}{% endif %} »")


def lint_template(path: Path | str, kind: Kind | None = None,
                  context: Mapping[str, Any] | None = None, *,
                  filters: Filters | None = None) -> list[Finding]:
    """Every problem found in one template. ``kind`` defaults to the kind whose template has
    this file name; ``context`` to the merged context of that kind's example documents (it
    may hold the render's value objects: ``Image``, ``RichText``, ``Subdoc``...);
    ``filters``: the custom filters the template is rendered with."""
    env = env_for(filters)
    path = Path(path)
    shown = _display(path)
    try:
        tpl = TemplateFile(path)
    except AccordgenError as exc:
        return [Finding(shown, "", "", str(exc))]
    kind = kind or kind_of_template(path)
    if context is None and kind is not None:
        context = example_context(kind)
    findings: list[Finding] = []
    sources: dict[str, str] = {}
    for name in tpl.part_names:
        pars = list(_paragraphs(tpl.members[name]))
        for par in pars:
            for message in _split_and_brace_problems(par):
                findings.append(Finding(shown, name, par.text.strip(), message))
        for par, message in _table_problems(pars):
            findings.append(Finding(shown, name, par.text.strip(), message))
        source = sources[name] = tpl.source(name)
        lines = source.splitlines()

        def where(lineno: int, lines: list[str] = lines) -> str:
            return paragraph_text(lines[lineno - 1]) if 0 < lineno <= len(lines) else ""

        try:
            ast = env.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            findings.append(Finding(shown, name, where(exc.lineno),
                                    f"balise Jinja invalide : {syntax_message(exc)}"))
            continue
        try:
            env.compile(ast)  # unknown filters and tests are found here
        except jinja2.TemplateSyntaxError as exc:
            findings.append(Finding(shown, name, where(exc.lineno), f"balise Jinja invalide : {syntax_message(exc)}"))
        if context is None:
            continue
        tagged = {m.group(2).strip(): m.group(1) for par in pars for m in _PRINT_TAG.finditer(par.text)}
        walker = _Names(context, tagged)
        walker.visit(ast)
        for lineno, message in dict.fromkeys(walker.problems):
            findings.append(Finding(shown, name, where(lineno), message))
    if not any("statut.projet" in sources[n] for n in tpl.header_names):
        findings.append(Finding(shown, tpl.header_names[0] if tpl.header_names else "", "", DRAFT_MARK))
    if kind is None:
        findings.append(Finding(shown, "", "", "type de document inconnu pour ce modèle : variables "
                                               "non vérifiées (indiquez --type)"))
    elif context is None:
        findings.append(Finding(shown, "", "", f"aucun exemple valide de type « {kind.name} » dans "
                                               f"{examples_dir()} : variables non vérifiées"))
    return findings


def lint(paths: Iterable[Path | str] | None = None, kind: Kind | None = None, *,
         filters: Filters | None = None) -> list[Finding]:
    """Lint the given templates, or every kind's template."""
    if paths is None:
        return [f for k in DOCUMENT_KINDS.values() for f in lint_template(k.template_path, k, filters=filters)]
    return [f for p in paths for f in lint_template(p, kind, filters=filters)]


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
