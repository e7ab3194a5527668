"""The one render path for every kind: document -> context -> template -> DOCX bytes -> file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ..charte import Charter, load_charter
from ..dossier import Document
from ..kinds.signature import keep_with_text
from .charter import apply_charter
from .engine import render_members
from .filters import merged, read_filters
from .output import build_zip, write_atomic
from .template import Filters, load_template
from .typography import DEFAULT, Typography

_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject><dc:creator>accordgen</dc:creator>"
    "<cp:keywords>{keywords}</cp:keywords><dc:description>{description}</dc:description>"
    "<cp:contentStatus>{status}</cp:contentStatus>{version}"
    "<dc:language>fr-FR</dc:language>{dates}</cp:coreProperties>"
)


def inputs_hash(doc: Document) -> str:
    """SHA-256 of everything that decides the output: parameters, accord, template, the
    workspace's charter (and, through the kind's ``hash_facts``, the library clause files
    the document uses)."""
    h = hashlib.sha256()
    h.update(doc.kind.name.encode())
    h.update(doc.params.model_dump_json().encode())
    if doc.params is not doc.accord:
        h.update(doc.accord.model_dump_json().encode())
    h.update(json.dumps(doc.kind.hash_facts(doc), default=str, sort_keys=True).encode())
    filters, declared = read_filters(doc.dossier.workspace)
    h.update(load_template(doc.template_path, filters).sha256)  # compiled as render_bytes will
    if declared:  # the workspace's filtres.yaml (no file: the hash stays what it was)
        h.update(declared.encode())
    h.update(charter_of(doc).digest.encode())
    return h.hexdigest()


def charter_of(doc: Document) -> Charter:
    """The charter of the document's workspace (the neutral one outside any)."""
    return load_charter(doc.dossier.workspace)


def core_properties(doc: Document, context: dict[str, Any], digest: str) -> bytes:
    """accordgen's own core properties, written over the template's (tags there included):
    title, subject, status (« Projet » / « Définitif », Word's *Status* field), version,
    dates, and the inputs hash batch runs compare to skip unchanged documents."""
    title = doc.title()
    statut = context["statut"]
    when = (statut["date"] if statut["projet"] else None) or doc.kind.document_date(doc)
    stamps = ""
    if when:
        iso = f"{when.isoformat()}T00:00:00Z"
        stamps = (f'<dcterms:created xsi:type="dcterms:W3CDTF">{iso}</dcterms:created>'
                  f'<dcterms:modified xsi:type="dcterms:W3CDTF">{iso}</dcterms:modified>')
    xml = _CORE.format(
        title=escape(str(title)),
        subject=escape(doc.kind.label),
        keywords=escape(f"accordgen; {doc.kind.name}; {statut['code']}" + "".join(
            f"; clause {topic}={value.variante}" for topic, value in context.get("clauses", {}).items()
            if hasattr(value, "variante"))),
        description=f"accordgen {doc.kind.name} {statut['code']} sha256:{digest}",
        status=statut["libelle"],
        version=f"<cp:version>{escape(statut['version'])}</cp:version>" if statut["version"] else "",
        dates=stamps,
    )
    return xml.encode("utf-8")


def render_bytes(doc: Document, digest: str | None = None, *, filters: Filters | None = None,
                 typography: Typography | None = DEFAULT) -> bytes:
    """The DOCX of a validated document, as bytes (identical for identical inputs);
    ``digest``: its :func:`inputs_hash`, when the caller has already computed it;
    ``filters``: custom Jinja filters (see :func:`.engine.render_template`), besides those the
    document's workspace declares in ``filtres.yaml`` (:mod:`.filters`); ``typography``: the
    French typography options (``Typography(apostrophe=False)``: straight apostrophes kept;
    ``None``: no typography pass)."""
    template = load_template(doc.template_path, merged(read_filters(doc.dossier.workspace)[0], filters))
    context = doc.context()
    members = render_members(template, context, typography=typography)
    apply_charter(members, charter_of(doc))
    members["word/document.xml"] = keep_with_text(members["word/document.xml"])
    members["docProps/core.xml"] = core_properties(doc, context, digest or inputs_hash(doc))
    return build_zip(members, known=template.deflated)


def render(doc: Document, out: Path | str, *, filters: Filters | None = None,
           typography: Typography | None = DEFAULT) -> Path:
    """Render ``doc`` to ``out`` atomically; returns the path written (``typography``: see
    :func:`render_bytes`)."""
    return write_atomic(Path(out), render_bytes(doc, filters=filters, typography=typography))
