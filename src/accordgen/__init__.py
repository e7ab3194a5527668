"""accordgen: the documents of a French cooperation accord, from YAML parameters.

Public API::

    from accordgen import load, render, DOCUMENT_KINDS
    doc = load("examples/seine-et-marne-orange-2022/accord.yaml")
    render(doc, "outputs/accord.docx")
"""

from __future__ import annotations

from . import lazyimports  # noqa: F401 - first: defers a slow import of jsonschema
from .dossier import Document, load
from .errors import (
    AccordgenError,
    DossierError,
    InputError,
    OutputError,
    TemplateError,
    UnknownKindError,
    ValidationError,
)
from .kinds import DOCUMENT_KINDS, Kind, get_kind
from .render import (
    Image,
    Listing,
    RichText,
    RichTextParagraph,
    Subdoc,
    Typography,
    render,
    render_bytes,
    render_template,
)

__all__ = [
    "DOCUMENT_KINDS",
    "AccordgenError",
    "Document",
    "DossierError",
    "InputError",
    "Kind",
    "OutputError",
    "TemplateError",
    "UnknownKindError",
    "ValidationError",
    "Image",
    "Listing",
    "RichText",
    "RichTextParagraph",
    "Subdoc",
    "Typography",
    "get_kind",
    "load",
    "render",
    "render_bytes",
    "render_template",
]
__version__ = "0.1.0"
