"""The text of a DOCX, as reviewers and tests read it: one line per paragraph, in order."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

from docx import Document as open_docx
from docx.table import Table
from docx.text.paragraph import Paragraph

_SPACES = re.compile(r"[ \t\u00a0\u202f\u2009\u2007]+")


def paragraphs(source: Path | str | bytes, *, styles: bool = False) -> list[str]:
    """Body paragraphs (tables flattened cell by cell), optionally prefixed by their style."""
    doc = open_docx(io.BytesIO(source) if isinstance(source, bytes) else str(source))
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
    doc = open_docx(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    out = []
    for section in doc.sections:
        for part in (section.header, section.footer):
            out += [p.text for p in part.paragraphs if p.text.strip()]
    return out


def normalise(text: str) -> str:
    """Collapse whitespace and typographic spaces; NFC; used to compare texts."""
    text = unicodedata.normalize("NFC", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def document_text(source: Path | str | bytes) -> str:
    """The normalised body text of a DOCX, one paragraph per line."""
    return normalise("\n".join(paragraphs(source)))
