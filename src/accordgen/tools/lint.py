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
from lxml import etree

from ..errors import AccordgenError
from ..kinds import DOCUMENT_KINDS, Kind
from ..render.template import Filters, TemplateFile, env_for, paragraph_text, syntax_message
from ..resources import examples_dir
from .lint_names import Names, example_context

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TAGS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_ESCAPES = re.compile(r"\{_\{|\}_\}|\{_%|%_\}")
_PRINT_TAG = re.compile(r"\{\{([rp])\s+(.*?)\}\}", re.S)
_BLOCK = re.compile(r"^\{%(tr|tc|p|r)?\s*-?\s*(for|if|elif|else|endfor|endif)\b")


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
        walker = Names(context, tagged)
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
    """Lint the given templates, or every kind's template, every clause of the library and
    the workspace's charter."""
    if paths is None:
        return ([f for k in DOCUMENT_KINDS.values() for f in lint_template(k.template_path, k, filters=filters)]
                + lint_clauses(filters=filters) + lint_charter())
    return [f for p in paths for f in lint_template(p, kind, filters=filters)]


def clause_files(workspace: Path | None = None) -> list[Path]:
    """The clause files :func:`lint_clauses` checks (every Word file of the library's folders,
    the workspace's and the package's; Word's lock files left out)."""
    from ..library import library_folders

    return [docx for folder in library_folders(workspace) if folder.is_dir()
            for docx in sorted(folder.glob("*/*.docx")) if not docx.name.startswith(("~$", "."))]


def lint_clauses(workspace: Path | None = None, *, filters: Filters | None = None) -> list[Finding]:
    """Every clause file of the library (workspace and package): its sidecar (title,
    description, parameters), its tags (split runs, syntax), and its variables, against the
    example context of the kinds whose templates have a slot for its topic plus its own
    parameters."""
    from ..library import read_sidecar

    findings: list[Finding] = []
    contexts: dict[str, dict[str, Any] | None] = {}
    for docx in clause_files(workspace):
        shown, topic = _display(docx), docx.parent.name
        try:
            sidecar = read_sidecar(docx.with_suffix(".yaml"))
        except AccordgenError as exc:
            findings.append(Finding(shown, "", "", str(exc)))
            continue
        if topic not in contexts:
            kinds = [k for k in DOCUMENT_KINDS.values() if topic in getattr(k, "clause_topics", ())]
            contexts[topic] = example_context(kinds[0]) if kinds else None
        context = contexts[topic]
        if context is not None:
            context = {**context, **{p.nom: _sample(p.type.value, context) for p in sidecar.parametres}}
        findings += [f for f in lint_template(docx, DOCUMENT_KINDS.get("convention-specifique"), context,
                                              filters=filters)
                     if f.message != DRAFT_MARK]
    return findings


def lint_charter(workspace: Path | None = None) -> list[Finding]:
    """The workspace's charter: valid fields, a readable logo, fonts this machine has."""
    from ..charte import charter_problems

    return [Finding(_display(Path(file)) if file else "charte", "", "", message.removeprefix(f"{file} : "))
            for file, message in charter_problems(workspace)]


def _sample(kind: str, context: Mapping[str, Any]) -> Any:
    import datetime as dt
    from decimal import Decimal

    parties = context.get("parties") or [{}]
    return {"texte": "texte", "date": dt.date(2024, 1, 1), "montant": Decimal("1"), "entier": 1,
            "liste": ["texte"], "partie": parties[0], "parties": parties[:2],
            "duree": {"valeur": 1, "unite": "mois"}}.get(kind, "texte")


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
