"""A docxtpl template parsed once and rendered many times.

docxtpl's own ``render`` re-opens the .docx, re-parses every part and recompiles the Jinja
source for each document. Here the parts that carry tags (body, headers, footers) are read,
cleaned with docxtpl's ``patch_xml`` and compiled once; each render only runs the compiled
Jinja templates and applies docxtpl's ``resolve_listing``. The Jinja environment is strict
(undefined variables fail), autoescaped (``&``, ``<`` in values stay text) and sandboxed
(templates cannot reach Python internals).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import docxtpl
import jinja2
from docx import Document as open_docx
from docxtpl import DocxTemplate
from lxml import etree

from ..errors import InputError, TemplateError, read_error_message
from ..rules.fr import FILTERS
from ..safeio import MAX_DOCX_BYTES, read_regular_file, read_zip_members
from .compose import Compositions
from .output import Deflated
from .sandbox import Sandbox, custom_filter, render_bounded, time_limit

HEADER_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
FOOTNOTES_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
ENDNOTES_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
TAGGED_RTS = (HEADER_RT, FOOTER_RT, FOOTNOTES_RT, ENDNOTES_RT)
_TAG = re.compile(r"<[^>]+>")
_LISTING_CHARS = "\t\a\n\f"  # what docxtpl's resolve_listing turns into tabs, paragraphs, breaks
# docxtpl's escapes for literal braces in a template ("{_{" prints "{{"), turned into Jinja
# string literals before compiling, so that a *value* containing "{_{" is printed as written.
_LITERAL_BRACES = {"{_{": "{{ '{{' }}", "}_}": "{{ '}}' }}", "{_%": "{{ '{%' }}", "%_}": "{{ '%}' }}"}
# docxtpl's values tied to a DocxTemplate instance: their XML points at that instance's parts
_TIED: tuple[type, ...] = (docxtpl.InlineImage, *((docxtpl.Subdoc,) if hasattr(docxtpl, "Subdoc") else ()))


def _printable(value: Any) -> Any:
    """What ``{{ ... }}`` may print: values, never a function, a class or Jinja's internals
    (``{{ p.items }}`` without parentheses would print "<built-in method ...>" in a contract).
    An undefined value is reported as such first (Jinja's ``Undefined`` is callable)."""
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    if isinstance(value, _TIED):
        raise jinja2.TemplateRuntimeError(
            f"un {type(value).__name__} de docxtpl est lié à un autre modèle : utilisez accordgen.Image, "
            "accordgen.Subdoc ou accordgen.RichText(..., url=...)")
    if callable(value) or isinstance(value, type | jinja2.runtime.TemplateReference):
        raise jinja2.exceptions.SecurityError(
            f"un objet interne ({type(value).__name__}) ne s'imprime pas : parenthèses oubliées ?")
    return value


Filters = Mapping[str, Callable[..., Any]]


def make_env(filters: Filters | None = None) -> jinja2.Environment:
    """The one Jinja environment of accordgen: sandboxed, strict, autoescaped, French filters,
    and the caller's own ``filters`` (bounded and checked like Jinja's built-in ones)."""
    env = Sandbox(
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        finalize=_printable,
    )
    env.filters.update(FILTERS)
    for name, func in (filters or {}).items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"nom de filtre invalide : {name!r}")
        if name in env.filters:
            raise ValueError(f"le filtre « {name} » existe déjà dans accordgen : choisissez un autre nom")
        if not callable(func):
            raise ValueError(f"le filtre « {name} » n'est pas une fonction")
        env.filters[name] = custom_filter(name, func)
    return env


ENV = make_env()


@lru_cache(maxsize=16)
def _env_for(filters: tuple[tuple[str, Callable[..., Any]], ...]) -> jinja2.Environment:
    return make_env(dict(filters)) if filters else ENV


def env_for(filters: Filters | None) -> jinja2.Environment:
    """The environment for a set of custom filters (one per set, reused)."""
    return _env_for(filters_key(filters))


def filters_key(filters: Filters | None) -> tuple[tuple[str, Callable[..., Any]], ...]:
    return tuple(sorted((filters or {}).items(), key=lambda item: str(item[0])))


def part_label(name: str) -> str:
    """How a drafter calls a part of the .docx: « document », « en-tête », « pied de page »..."""
    base = name.rsplit("/", 1)[-1]
    for prefix, label in (("header", "en-tête"), ("footer", "pied de page"),
                          ("footnotes", "notes de bas de page"), ("endnotes", "notes de fin"),
                          ("document", "document"), ("core", "propriétés du document"),
                          ("custom", "propriétés personnalisées")):
        if base.startswith(prefix):
            return label
    return "partie"


_UNDEFINED_NAME = re.compile(r"^'([^']+)' is undefined$")
_MISSING_FIELD = re.compile(r"has no (?:attribute|element) '?([^']+?)'?$")


def undefined_message(exc: jinja2.UndefinedError, paragraph: str = "") -> str:
    """« variable non définie : x » (or ``a.b``, the dotted name as written in the paragraph)."""
    text = exc.message or ""
    m = _UNDEFINED_NAME.match(text)
    if m:
        return f"variable non définie : {m.group(1)}"
    m = _MISSING_FIELD.search(text)
    if m:
        field = m.group(1)
        dotted = re.search(rf"[\w.\[\]'\"]*\.{re.escape(field)}\b", paragraph)
        return f"variable non définie : {dotted.group(0) if dotted else field}"
    return f"variable non définie : {text}"


_NO_FILTER = re.compile(r"No (filter|test) named '([^']+)'")


def syntax_message(exc: jinja2.TemplateSyntaxError) -> str:
    """Jinja's syntax message, in French where a drafter meets it most (an unknown filter)."""
    m = _NO_FILTER.search(exc.message or "")
    if m:
        return f"{'filtre' if m.group(1) == 'filter' else 'test'} inconnu « {m.group(2)} »"
    return exc.message or str(exc)


def paragraph_text(xml_line: str) -> str:
    """The visible text of one line of template XML (a paragraph, after our line split)."""
    return _TAG.sub("", xml_line).strip()


def _template_line(exc: BaseException) -> int | None:
    """The template line a rendering error happened on (Jinja rewrites tracebacks so that
    template frames carry template line numbers)."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


@dataclass
class Part:
    name: str  # zip member, e.g. "word/document.xml"
    source: str  # patched XML, one paragraph per line, as compiled
    template: jinja2.Template


@dataclass
class PropertyPart:
    """docProps/core.xml or custom.xml: the elements whose text carries tags, compiled."""

    name: str
    fields: list[tuple[int, str, jinja2.Template]]  # (element index in iter(), text, template)


PROPERTY_PARTS = ("docProps/core.xml", "docProps/custom.xml")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


class TemplateFile:
    """A .docx template as read: its untouched zip members, the names of its tagged parts
    (body, headers, footers, notes) and their Jinja source (what the linter reads)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:  # a regular file, bounded read and bounded decompression
            data = read_regular_file(self.path, MAX_DOCX_BYTES)
            self.members: dict[str, bytes] = read_zip_members(data, self.path)
        except InputError as exc:
            raise TemplateError(self.path, exc.message) from None
        try:
            docx = open_docx(io.BytesIO(data))  # the same bytes as the members and the hash
        except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
            raise TemplateError(self.path, f"ce n'est pas un document Word (.docx) lisible : {exc}") from None
        except OSError as exc:
            raise TemplateError(self.path, read_error_message(exc)) from None
        self.data = data  # what a render that adds media or links reopens (values.RenderSession)
        self.sha256 = hashlib.sha256(data).digest()  # part of every output's inputs hash
        self._tpl = DocxTemplate(str(self.path))  # only for its patch/resolve/fix helpers
        names = [docx.part.partname]
        headers = []
        for rel in docx.part.rels.values():
            if rel.reltype in TAGGED_RTS and not rel.is_external:
                names.append(rel.target_part.partname)
                if rel.reltype == HEADER_RT:
                    headers.append(rel.target_part.partname)
        self.part_names = [str(n).lstrip("/") for n in dict.fromkeys(names)]
        self.header_names = [str(n).lstrip("/") for n in dict.fromkeys(headers)]

    def source(self, name: str) -> str:
        """The Jinja source of a tagged part: docxtpl's cleaned XML, one paragraph per line."""
        root = etree.fromstring(self.members[name])
        xml = etree.tostring(root, encoding="unicode")
        xml = self._tpl.patch_xml(xml)
        for escape, literal in _LITERAL_BRACES.items():
            xml = xml.replace(escape, literal)
        return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)

    def property_sources(self) -> dict[str, list[tuple[int, str]]]:
        """The document properties (title, subject... and custom ones) that carry tags."""
        out: dict[str, list[tuple[int, str]]] = {}
        for name in PROPERTY_PARTS:
            if name not in self.members or b"{" not in self.members[name]:
                continue
            try:
                root = etree.fromstring(self.members[name])
            except etree.XMLSyntaxError:
                continue
            fields = [(i, el.text) for i, el in enumerate(root.iter())
                      if el.text and ("{{" in el.text or "{%" in el.text)]
            if fields:
                out[name] = fields
        return out


class CompiledTemplate(TemplateFile):
    """A .docx template with its tagged parts compiled once, rendered many times."""

    def __init__(self, path: Path, env: jinja2.Environment = ENV) -> None:
        super().__init__(path)
        self.env = env
        self.compositions = Compositions(self.members)  # sub-documents composed, remembered
        self.deflated = Deflated(self.members)  # its members compressed once, for the archives
        self.parts = [self._compile(name) for name in self.part_names]
        self.properties = [PropertyPart(name, [(i, text, self._compile_text(name, text)) for i, text in fields])
                           for name, fields in self.property_sources().items()]

    def _compile(self, name: str) -> Part:
        xml = self.source(name)
        try:
            template = self.env.from_string(xml)
        except jinja2.TemplateSyntaxError as exc:
            lines = xml.splitlines()
            where = paragraph_text(lines[exc.lineno - 1]) if 0 < exc.lineno <= len(lines) else ""
            raise TemplateError(
                self.path, f"balise Jinja invalide dans {name} ({syntax_message(exc)}), paragraphe : « {where} »"
            ) from None
        return Part(name, xml, template)

    def _compile_text(self, name: str, text: str) -> jinja2.Template:
        try:  # a property is plain text, escaped when written back as XML: no autoescape here
            return self.env.from_string("{% autoescape false %}" + text + "{% endautoescape %}")
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(self.path, f"balise Jinja invalide dans les {part_label(name)} "
                                           f"({syntax_message(exc)}) : « {text} »") from None

    def render_parts(self, context: dict[str, Any], session: Any = None) -> dict[str, bytes]:
        """Render every tagged part and the tagged properties; returns the new bytes of each
        zip member. ``session``: a :class:`~accordgen.render.values.RenderSession` told which
        part is being rendered (for the images and links the context prints)."""
        try:
            with time_limit():  # MAX_SECONDS for the whole document
                return self._render_parts(context, session)
        except jinja2.exceptions.SecurityError as exc:  # the timer fired between two parts
            raise TemplateError(self.path, f"opération interdite par le bac à sable : {exc}") from None

    def _run(self, part: Part, template: jinja2.Template, context: dict[str, Any]) -> str:
        try:
            return render_bounded(template, context)
        except jinja2.UndefinedError as exc:
            raise self._error(part, exc, None) from None
        except jinja2.exceptions.SecurityError as exc:
            raise self._error(part, exc, f"opération interdite par le bac à sable : {exc}") from None
        except jinja2.TemplateError as exc:
            raise self._error(part, exc, f"erreur dans le modèle : {exc}") from None
        except (TypeError, ValueError, LookupError, AttributeError, ArithmeticError,
                RecursionError) as exc:
            raise self._error(part, exc, f"erreur d'un filtre ou d'une expression : {exc}") from None
        except MemoryError as exc:
            raise self._error(part, exc, "mémoire insuffisante pour ce modèle") from None

    def _render_parts(self, context: dict[str, Any], session: Any) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        ids = [1000]  # wp:docPr ids renumbered across the parts, as docxtpl does in the body
        for part in self.parts:
            if session is not None:
                session.part_name = part.name
            xml = self._run(part, part.template, context)
            xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
            if any(c in xml for c in _LISTING_CHARS):  # otherwise resolve_listing changes nothing
                xml = self._tpl.resolve_listing(xml)
            try:
                root = etree.fromstring(xml.encode("utf-8"))
            except etree.XMLSyntaxError as exc:
                raise TemplateError(self.path, f"le rendu de {part.name} n'est pas du XML valide : {exc}") from None
            if "<w:tbl" in xml:  # docxtpl's grid fix after {%tc %} loops and {% hm %} merges
                root = self._tpl.fix_tables(xml)
            if "docPr" in xml:  # unique picture ids (pictures copied by a loop share theirs)
                for el in root.iter(_DOCPR):
                    ids[0] += 1
                    el.set("id", str(ids[0]))
            out[part.name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        for prop in self.properties:
            root = etree.fromstring(self.members[prop.name])
            elements = list(root.iter())
            for index, text, template in prop.fields:
                elements[index].text = self._run(Part(prop.name, text, template), template, context)
            out[prop.name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        return out

    def _error(self, part: Part, exc: BaseException, message: str | None) -> TemplateError:
        """A rendering error naming the template, the part and the paragraph at fault."""
        line = _template_line(exc)
        lines = part.source.splitlines()
        paragraph = ""
        if part.name in PROPERTY_PARTS:
            paragraph = part.source
        elif line and 0 < line <= len(lines):
            paragraph = paragraph_text(lines[line - 1])
        if message is None:
            assert isinstance(exc, jinja2.UndefinedError)
            message = undefined_message(exc, paragraph)
        where = f"{part_label(part.name)} ({part.name})"
        message += f" — {where}, paragraphe : « {paragraph} »" if paragraph else f" — {where}"
        return TemplateError(self.path, message)


@lru_cache(maxsize=32)
def _cached(path: str, stamp: tuple[int, int], filters: tuple[tuple[str, Callable[..., Any]], ...]) -> CompiledTemplate:
    return CompiledTemplate(Path(path), _env_for(filters))


def load_template(path: Path | str, filters: Filters | None = None) -> CompiledTemplate:
    """The compiled template at ``path`` (with the custom ``filters``), reused while the file
    is unchanged."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        raise TemplateError(path, "fichier introuvable") from None
    return _cached(str(path.resolve()), (st.st_mtime_ns, st.st_size), filters_key(filters))
