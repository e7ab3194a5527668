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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from docx import Document as open_docx
from docxtpl import DocxTemplate
from lxml import etree

from ..errors import InputError, TemplateError, read_error_message
from ..rules.fr import FILTERS
from ..safeio import MAX_DOCX_BYTES, read_regular_file, read_zip_members
from .sandbox import Sandbox, render_bounded, time_limit

HEADER_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
FOOTNOTES_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
ENDNOTES_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
TAGGED_RTS = (HEADER_RT, FOOTER_RT, FOOTNOTES_RT, ENDNOTES_RT)
_TAG = re.compile(r"<[^>]+>")
# docxtpl's escapes for literal braces in a template ("{_{" prints "{{"), turned into Jinja
# string literals before compiling, so that a *value* containing "{_{" is printed as written.
_LITERAL_BRACES = {"{_{": "{{ '{{' }}", "}_}": "{{ '}}' }}", "{_%": "{{ '{%' }}", "%_}": "{{ '%}' }}"}
def _printable(value: Any) -> Any:
    """What ``{{ ... }}`` may print: values, never a function, a class or Jinja's internals
    (``{{ p.items }}`` without parentheses would print "<built-in method ...>" in a contract)."""
    if callable(value) or isinstance(value, type | jinja2.runtime.TemplateReference):
        raise jinja2.exceptions.SecurityError(
            f"un objet interne ({type(value).__name__}) ne s'imprime pas : parenthèses oubliées ?")
    return value


def make_env() -> jinja2.Environment:
    """The one Jinja environment of accordgen: sandboxed, strict, autoescaped, French filters."""
    env = Sandbox(
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        finalize=_printable,
    )
    env.filters.update(FILTERS)
    return env


ENV = make_env()


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
        self.sha256 = hashlib.sha256(data).digest()  # part of every output's inputs hash
        self._tpl = DocxTemplate(str(self.path))  # only for its patch/resolve helpers
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


class CompiledTemplate(TemplateFile):
    """A .docx template with its tagged parts compiled once, rendered many times."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.parts = [self._compile(name) for name in self.part_names]

    def _compile(self, name: str) -> Part:
        xml = self.source(name)
        try:
            template = ENV.from_string(xml)
        except jinja2.TemplateSyntaxError as exc:
            lines = xml.splitlines()
            where = paragraph_text(lines[exc.lineno - 1]) if 0 < exc.lineno <= len(lines) else ""
            raise TemplateError(
                self.path, f"balise Jinja invalide dans {name} ({exc.message}), paragraphe : « {where} »"
            ) from None
        return Part(name, xml, template)

    def render_parts(self, context: dict[str, Any]) -> dict[str, bytes]:
        """Render every tagged part; returns the new bytes of each zip member."""
        try:
            with time_limit():  # MAX_SECONDS for the whole document
                return self._render_parts(context)
        except jinja2.exceptions.SecurityError as exc:  # the timer fired between two parts
            raise TemplateError(self.path, f"opération interdite par le bac à sable : {exc}") from None

    def _render_parts(self, context: dict[str, Any]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for part in self.parts:
            try:
                xml = render_bounded(part.template, context)
            except jinja2.UndefinedError as exc:
                raise self._error(part, exc, f"variable non définie : {exc.message}") from None
            except jinja2.exceptions.SecurityError as exc:
                raise self._error(part, exc, f"opération interdite par le bac à sable : {exc}") from None
            except jinja2.TemplateError as exc:
                raise self._error(part, exc, f"erreur dans le modèle : {exc}") from None
            except (TypeError, ValueError, LookupError, AttributeError, ArithmeticError,
                    RecursionError) as exc:
                raise self._error(part, exc, f"erreur d'un filtre ou d'une expression : {exc}") from None
            except MemoryError as exc:
                raise self._error(part, exc, "mémoire insuffisante pour ce modèle") from None
            xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
            xml = self._tpl.resolve_listing(xml)
            try:
                root = etree.fromstring(xml.encode("utf-8"))
            except etree.XMLSyntaxError as exc:
                raise TemplateError(self.path, f"le rendu de {part.name} n'est pas du XML valide : {exc}") from None
            out[part.name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        return out

    def _error(self, part: Part, exc: BaseException, message: str) -> TemplateError:
        """A rendering error naming the template, the part and the paragraph at fault."""
        line = _template_line(exc)
        lines = part.source.splitlines()
        if line and 0 < line <= len(lines):
            message += f" ({part.name}, paragraphe : « {paragraph_text(lines[line - 1])} »)"
        else:
            message += f" ({part.name})"
        return TemplateError(self.path, message)


@lru_cache(maxsize=32)
def _cached(path: str, stamp: tuple[int, int]) -> CompiledTemplate:
    return CompiledTemplate(Path(path))


def load_template(path: Path | str) -> CompiledTemplate:
    """The compiled template at ``path``, reused while the file is unchanged."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        raise TemplateError(path, "fichier introuvable") from None
    return _cached(str(path.resolve()), (st.st_mtime_ns, st.st_size))
