"""Render a template with a context: the one path every kind uses, and the public
:func:`render_template` for any template and context.

Per render: the compiled parts run in the sandbox; docxtpl's fixes after Jinja are applied
(table grids after ``{%tc %}`` loops and merges, unique picture ids; see
:mod:`.template`); tagged document properties are rendered; and only when the context printed
an image, a hyperlink or a sub-document (:mod:`.values`), the relationships, media, styles,
numbering and content types they added are written into this render's package.
Picture replacement (a charter's logo) swaps media bytes. The cached compiled template is
never modified.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image as DocxImage
from lxml import etree

from ..errors import InputError, TemplateError
from ..safeio import MAX_DOCX_BYTES
from .output import build_zip
from .template import CompiledTemplate, Filters, load_template
from .typography import DEFAULT, Typography, apply_part
from .values import MAX_IMAGE_BYTES, RenderSession, Subdoc, _read

_NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
Pictures = Mapping[str, "Path | str | bytes"]
Media = Mapping["Path | str | bytes", "Path | str | bytes"]
Zipnames = Mapping[str, "Path | str | bytes"]


def render_members(template: CompiledTemplate, context: Mapping[str, Any], *,
                   pictures: Pictures | None = None, media: Media | None = None,
                   embedded: Media | None = None, zipnames: Zipnames | None = None,
                   typography: Typography | None = DEFAULT) -> dict[str, bytes]:
    """Every zip member of ``template`` rendered with ``context``, in the template's order
    (members this render added come last); French typography applied to the printed parts
    (:mod:`.typography`; ``None``: not applied)."""
    session = RenderSession(template.data, template.part_names[0], template.compositions)
    with session:
        rendered = template.render_parts(context if isinstance(context, dict) else dict(context), session)
    if session.used:  # images, links or sub-documents: the package as python-docx left it
        added = session.package_members(rendered)
        for name, data in added.items():  # unchanged: the template's own bytes, compressed once
            if template.members.get(name) == data:
                added[name] = template.members[name]
        members = {name: added[name] for name in template.members if name in added}
        members.update((name, data) for name, data in added.items() if name not in members)
    else:
        members = dict(template.members)
    members.update(rendered)
    if typography is not None:
        for name in template.part_names:
            members[name] = apply_part(members[name], typography)
    if pictures:
        replace_pictures(template, members, pictures)
    if media:
        replace_media(template, members, media)
    if embedded:
        replace_media(template, members, embedded, folder="word/embeddings/")
    if zipnames:
        replace_zipnames(template, members, zipnames)
    return members


def render_template(template_path: Path | str, context: Mapping[str, Any], *,
                    filters: Filters | None = None, pictures: Pictures | None = None,
                    media: Media | None = None, embedded: Media | None = None,
                    zipnames: Zipnames | None = None, typography: Typography | None = DEFAULT) -> bytes:
    """The DOCX of ``template_path`` (a docxtpl template) rendered with ``context``, as bytes.

    The same engine as every kind: strict (an undefined variable is an error naming the
    template, the part and the paragraph), autoescaped, sandboxed and bounded. ``filters``:
    extra Jinja filters (name -> function), held to the same bounds. The context may hold
    :class:`~accordgen.render.values.Image`, :class:`~accordgen.render.values.RichText`
    (with ``url=``), :class:`~accordgen.render.values.Subdoc` and ``Listing`` values.
    ``pictures``: template pictures to replace, by their name, title or description in Word
    (docxtpl's ``replace_pic``) -> the new picture's file or bytes (same format; the frame's
    size is kept). ``media``: docxtpl's ``replace_media``, the template's media equal to a
    given file (or bytes) -> the new file (or bytes). ``embedded``: docxtpl's
    ``replace_embedded``, the same for the embedded objects (``word/embeddings/``: a
    spreadsheet, a presentation); ``zipnames``: docxtpl's ``replace_zipname``, a member of the
    package by its name in the zip (``word/embeddings/Feuille1.xlsx``) -> the new file (or
    bytes). ``typography``: the French typography pass applied to what the document prints
    (:class:`~accordgen.render.typography.Typography`; ``None``: none). Raises
    :class:`~accordgen.errors.TemplateError` (also for anything to replace that the template
    lacks)."""
    template = load_template(template_path, filters)
    members = render_members(template, context, pictures=pictures, media=media,
                             embedded=embedded, zipnames=zipnames, typography=typography)
    return build_zip(members, known=template.deflated)


def render_subdoc(template_path: Path | str, context: Mapping[str, Any], *,
                  filters: Filters | None = None) -> Subdoc:
    """``template_path`` rendered with ``context`` as a :class:`~accordgen.render.values.Subdoc`
    (a clause variant), known by a digest of the template and of what this render changed (a
    template's compositions are remembered by it: see :mod:`.compose`). No typography pass here:
    the host document's pass covers the paragraphs it inserts."""
    template = load_template(template_path, filters)
    members = render_members(template, context, typography=None)
    digest = hashlib.sha256(b"accordgen rendered sub-document\0" + template.sha256)
    for name, data in members.items():
        if template.members.get(name) is not data:  # unchanged members: the template's digest
            digest.update(b"%s\0%d\0" % (name.encode(), len(data)) + data)
    return Subdoc.rendered(members, digest.digest(), str(template.path))


def _image(source: Path | str | bytes) -> bytes:
    blob, label = _read(source, MAX_IMAGE_BYTES)
    try:
        DocxImage.from_blob(blob)
    except (UnrecognizedImageError, ValueError, IndexError, KeyError) as exc:
        raise InputError(label, f"format d'image non reconnu : {exc}") from None
    return blob


def replace_media(template: CompiledTemplate, members: dict[str, bytes], media: Media,
                  folder: str = "word/media/") -> None:
    """docxtpl's ``replace_media`` (``folder`` ``word/embeddings/``: ``replace_embedded``):
    every member of ``folder`` equal to an old file takes the new one's bytes (docxtpl
    compares CRC-32s; here the bytes themselves); an old file found nowhere is an error."""
    pictures = folder == "word/media/"
    olds = [_read(old, MAX_IMAGE_BYTES if pictures else MAX_DOCX_BYTES)[0] for old in media]
    new = {data: _image(dst) if pictures else _read(dst, MAX_DOCX_BYTES)[0]
           for data, dst in zip(olds, media.values(), strict=True)}
    found = set()
    for name, data in members.items():
        if name.startswith(folder) and data in new:
            members[name] = new[data]
            found.add(data)
    missing = [str(old) for old, data in zip(media, olds, strict=True) if data not in found]
    if missing:
        what = "média" if pictures else "objet incorporé"
        raise TemplateError(template.path, f"{what} à remplacer introuvable dans le modèle : {', '.join(missing)}")


def replace_zipnames(template: CompiledTemplate, members: dict[str, bytes], zipnames: Zipnames) -> None:
    """docxtpl's ``replace_zipname``: the package's member of each name takes the new file's
    bytes; a name the package lacks is an error (docxtpl ignores it: a typo would go unseen)."""
    missing = sorted(str(name) for name in zipnames if name not in members)
    if missing:
        raise TemplateError(template.path, f"fichier à remplacer introuvable dans le modèle : {', '.join(missing)}"
                                           " (nom dans l'archive, par exemple word/embeddings/Feuille1.xlsx)")
    for name, source in zipnames.items():
        members[name] = _read(source, MAX_DOCX_BYTES)[0]


def replace_pictures(template: CompiledTemplate, members: dict[str, bytes], pictures: Pictures) -> None:
    """docxtpl's ``replace_pic``: the media of each named picture of the body, headers and
    footers takes the new bytes; an unknown name is an error (docxtpl's default)."""
    new = {key: _image(source) for key, source in pictures.items()}
    found: set[str] = set()
    for name in template.part_names:
        rels_name = "/".join([*name.split("/")[:-1], "_rels", name.split("/")[-1] + ".rels"])
        if rels_name not in members or b"graphicData" not in members[name]:
            continue
        targets = {rel.get("Id"): rel.get("Target")
                   for rel in etree.fromstring(members[rels_name]).iterfind("rel:Relationship", _NS)}
        for pic in etree.fromstring(members[name]).iterfind(".//pic:pic", _NS):
            props = pic.find("pic:nvPicPr/pic:cNvPr", _NS)
            blip = pic.find("pic:blipFill/a:blip", _NS)
            if props is None or blip is None:
                continue
            rid = blip.get(f"{{{_NS['r']}}}embed")
            for key in (props.get("name"), props.get("title"), props.get("descr")):
                if key in new and targets.get(rid):
                    media = _member(name, targets[rid])
                    if media in members:
                        members[media] = new[key]
                        found.add(key)
                    break
    missing = sorted(set(new) - found)
    if missing:
        raise TemplateError(template.path, f"image à remplacer introuvable dans le modèle : {', '.join(missing)}"
                                           " (nom, titre ou description de l'image dans Word)")


def _member(part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts = part.split("/")[:-1]
    for piece in target.split("/"):
        if piece == "..":
            parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)
