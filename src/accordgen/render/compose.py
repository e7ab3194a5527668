"""Sub-documents composed into a template's package, and the memo that spares composing them
again.

A sub-document (a clause variant, a :class:`~accordgen.render.values.Subdoc`) is composed into
the package being rendered by docxcompose, as docxtpl does: its styles, numbering, pictures and
relationships are added to the host package and its body's XML is rewritten to point at them.
That costs tens of milliseconds per sub-document (python-docx opens both packages, docxcompose
maps every style), while the result depends only on the template's package and on the
sub-documents composed into it before, in order. :class:`Compositions` keeps, per compiled
template, the result of each such sequence (the body XML and the whole package after it), so a
later render that composes the same sub-documents in the same order only pastes the XML and
writes the remembered package: the same bytes, without docxcompose.
"""

from __future__ import annotations

import io
import re
import threading
from collections import OrderedDict
from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import Any

from docx import Document as open_docx
from docx.image.image import Image as DocxImage
from lxml import etree

Key = tuple[bytes, ...]  # the SHA-256 of each sub-document composed, in order
MAX_COMPOSITIONS = 64  # sequences remembered per compiled template


def compose(docx: Any, blob: bytes) -> str:
    """Compose the .docx ``blob`` into the python-docx document ``docx`` (styles, numbering,
    pictures, relationships: docxtpl's ``SubdocComposer``) and return its body's XML, without
    its section properties, ready to paste into the host's body."""
    from docxtpl.subdoc import SubdocComposer  # docxcompose: loaded only for sub-documents

    sub = open_docx(io.BytesIO(blob))
    SubdocComposer(docx).attach_parts(sub)
    for image_part in docx.part.package.image_parts:
        if not isinstance(image_part._image, DocxImage):  # docxcompose's ImageWrapper:
            image_part._image = None  # python-docx reads it again if an Image reuses it
    body = sub.element.body
    if body.sectPr is not None:
        body.remove(body.sectPr)
    xml = etree.tostring(body, encoding="unicode", pretty_print=False)
    return re.sub(r"</?w:body[^>]*>", "", xml)


def serialize(package: Any, rendered: Container[str] = ()) -> dict[str, bytes]:
    """Every member of a python-docx ``package`` as python-docx would save it (content types,
    relationships, parts), in its order; the ``rendered`` parts left out."""
    from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
    from docx.opc.pkgwriter import _ContentTypesItem

    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    out = {CONTENT_TYPES_URI.membername: _ContentTypesItem.from_parts(parts).blob,
           PACKAGE_URI.rels_uri.membername: package.rels.xml}
    for part in parts:
        name = part.partname.membername
        if name not in rendered:
            out[name] = part.blob
        if len(part.rels):
            out[part.partname.rels_uri.membername] = part.rels.xml
    return out


@dataclass(frozen=True)
class Composition:
    """A sequence of sub-documents composed into a template: the last one's body XML and the
    whole package after it."""

    xml: str
    members: dict[str, bytes]


class Compositions:
    """The compositions of one compiled template, by sequence of sub-documents (a bounded LRU:
    the least recently used sequence goes first). A member equal to the template's own or to
    the previous step's shares its bytes, so an entry costs about what the composition added."""

    def __init__(self, base: Mapping[str, bytes], maxsize: int = MAX_COMPOSITIONS) -> None:
        self.base = base
        self.maxsize = maxsize
        self._entries: OrderedDict[Key, Composition] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Key) -> Composition | None:
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
            return hit

    def put(self, key: Key, xml: str, members: dict[str, bytes]) -> None:
        if self.maxsize <= 0:
            return
        with self._lock:
            parent = self._entries.get(key[:-1])
            shared = {}
            for name, data in members.items():
                for known in (self.base, parent.members if parent else None):
                    if known is not None and known.get(name) == data:
                        data = known[name]
                        break
                shared[name] = data
            self._entries[key] = Composition(xml, shared)
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
