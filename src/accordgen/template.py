"""A docxtpl template parsed once and rendered many times.

docxtpl's own ``render`` re-opens the .docx, re-parses every part and recompiles the Jinja
source for each document. Here the parts that carry tags (body, headers, footers) are read,
cleaned with docxtpl's ``patch_xml`` and compiled once; each render only runs the compiled
Jinja templates and applies docxtpl's ``resolve_listing``. The Jinja environment is strict
(undefined variables fail), autoescaped (``&``, ``<`` in values stay text) and sandboxed
(templates cannot reach Python internals).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from docx import Document as open_docx
from docxtpl import DocxTemplate
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from .errors import TemplateError
from .fr import FILTERS

HEADER_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_TAG = re.compile(r"<[^>]+>")


def make_env() -> jinja2.Environment:
    """The one Jinja environment of accordgen: sandboxed, strict, autoescaped, French filters."""
    env = ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


ENV = make_env()


def paragraph_text(xml_line: str) -> str:
    """The visible text of one line of template XML (a paragraph, after our line split)."""
    return _TAG.sub("", xml_line).strip()


@dataclass
class Part:
    name: str  # zip member, e.g. "word/document.xml"
    source: str  # patched XML, one paragraph per line, as compiled
    template: jinja2.Template


class CompiledTemplate:
    """A .docx template: its untouched zip members and its compiled tagged parts."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.members: dict[str, bytes] = {}
            with zipfile.ZipFile(self.path) as zf:
                for info in zf.infolist():
                    self.members[info.filename] = zf.read(info)
            docx = open_docx(str(self.path))
        except FileNotFoundError:
            raise TemplateError(self.path, "fichier introuvable") from None
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise TemplateError(self.path, f"ce n'est pas un document Word (.docx) lisible : {exc}") from None
        self._tpl = DocxTemplate(str(self.path))  # only for its patch/resolve helpers
        names = [docx.part.partname]
        for rel in docx.part.rels.values():
            if rel.reltype in (HEADER_RT, FOOTER_RT) and not rel.is_external:
                names.append(rel.target_part.partname)
        self.parts = [self._compile(str(n).lstrip("/")) for n in dict.fromkeys(names)]

    def _compile(self, name: str) -> Part:
        root = etree.fromstring(self.members[name])
        xml = etree.tostring(root, encoding="unicode")
        xml = self._tpl.patch_xml(xml)
        xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
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
        out: dict[str, bytes] = {}
        for part in self.parts:
            try:
                xml = part.template.render(context)
            except jinja2.UndefinedError as exc:
                raise TemplateError(self.path, f"variable non définie : {exc.message}") from None
            except jinja2.exceptions.SecurityError as exc:
                raise TemplateError(self.path, f"opération interdite par le bac à sable : {exc}") from None
            except jinja2.TemplateError as exc:
                raise TemplateError(self.path, f"erreur dans le modèle : {exc}") from None
            except (TypeError, ValueError, KeyError, AttributeError) as exc:
                raise TemplateError(self.path, f"erreur d'un filtre ou d'une expression : {exc}") from None
            xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
            xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
            xml = self._tpl.resolve_listing(xml)
            try:
                root = etree.fromstring(xml.encode("utf-8"))
            except etree.XMLSyntaxError as exc:
                raise TemplateError(self.path, f"le rendu de {part.name} n'est pas du XML valide : {exc}") from None
            out[part.name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        return out


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
