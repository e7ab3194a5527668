"""The text of a DOCX, as reviewers and tests read it: one line per paragraph, in order."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

from docx import Document as open_docx
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from ..errors import InputError
from ..safeio import MAX_DOCX_BYTES, read_regular_file, zip_names

_SPACES = re.compile(r"[ \t\u00a0\u202f\u2009\u2007]+")


def open_document(source: Path | str | bytes) -> Document:
    """A DOCX opened for reading; :class:`InputError` in French naming the file when it is
    missing, not a regular file, not a readable DOCX, or inflates beyond the limits."""
    name = "<document>" if isinstance(source, bytes) else str(source)
    data = source if isinstance(source, bytes) else read_regular_file(source, MAX_DOCX_BYTES)
    if "[Content_Types].xml" not in zip_names(data, name):  # declared sizes within limits
        raise InputError(name, "ce n'est pas un document Word (.docx) : [Content_Types].xml absent")
    try:
        return open_docx(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise InputError(name, f"ce n'est pas un document Word (.docx) lisible ({exc})") from None


def paragraphs(source: Path | str | bytes, *, styles: bool = False) -> list[str]:
    """Body paragraphs (tables flattened cell by cell), optionally prefixed by their style."""
    doc = open_document(source)
    out: list[str] = []

    def walk(container) -> None:  # type: ignore[no-untyped-def]
        for block in container.iter_inner_content():
            if isinstance(block, Paragraph):
                text = block.text
                out.append(f"[{block.style.name}] {text}" if styles else text)
            elif isinstance(block, Table):
                for row in block.rows:
                    for cell in row.cells:
                        walk(cell)

    walk(doc)
    return out


def header_footer_text(source: Path | str | bytes) -> list[str]:
    doc = open_document(source)
    out = []
    for section in doc.sections:
        for part in (section.header, section.footer):
            out += [p.text for p in part.paragraphs if p.text.strip()]
    return out


def normalise(text: str) -> str:
    """Collapse whitespace and typographic spaces, read the typographic apostrophe as the
    straight one; NFC; used to compare wording (the typography pass prints no-break spaces
    and ’ where the drafter typed spaces and ', see :mod:`accordgen.render.typography`)."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'")
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def document_text(source: Path | str | bytes) -> str:
    """The normalised body text of a DOCX, one paragraph per line."""
    return normalise("\n".join(paragraphs(source)))
