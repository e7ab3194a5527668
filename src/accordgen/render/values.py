"""Values a context may hold that docxtpl ties to a template instance: an image, rich text
with hyperlinks, a sub-document; and a listing (docxtpl's own, which needs no template).

docxtpl's ``InlineImage(tpl, ...)``, ``RichText(url_id=tpl.build_url_id(...))`` and
``tpl.new_subdoc(...)`` need the ``DocxTemplate`` being rendered. These need none: they are
made by any code (a kind, a notebook, a workspace) and resolved when the template prints them,
against the part being rendered (the body, a header, a footer), through the render session.
The relationships, media, styles and numbering they add go into that render's package only;
the cached compiled template is never touched. A render whose context holds none of them
costs nothing more.
"""

from __future__ import annotations

import contextvars
import hashlib
import io
import itertools
import zipfile
from collections.abc import Container, Mapping
from pathlib import Path
from typing import Any

import docxtpl
import jinja2
from docx import Document as open_docx
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image as DocxImage
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm

from ..errors import InputError
from ..safeio import MAX_DOCX_BYTES, read_regular_file
from .compose import Compositions, Key, compose, serialize
from .output import build_zip

Listing = docxtpl.Listing
MAX_IMAGE_BYTES = 20 * 1024 * 1024

_SESSION: contextvars.ContextVar[RenderSession | None] = contextvars.ContextVar("accordgen_render", default=None)
_TOKENS = itertools.count(1)


def current_session() -> RenderSession:
    session = _SESSION.get()
    if session is None:
        raise jinja2.TemplateRuntimeError("une image, un lien ou un sous-document ne s'imprime que dans un modèle en cours de rendu")
    return session


def _read(source: Path | str | bytes, limit: int) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray):
        return bytes(source), "(données)"
    return read_regular_file(Path(source), limit), str(source)


class Image:
    """A picture, printed where ``{{ logo }}`` stands (alone in its run), in the body or in
    a header or footer; ``width_mm``/``height_mm``: its size (one given: aspect kept;
    neither: the picture's own size); ``url``: a click on it opens this address (docxtpl's
    ``InlineImage(..., anchor=url)``)."""

    def __init__(self, source: Path | str | bytes, width_mm: float | None = None,
                 height_mm: float | None = None, url: str | None = None) -> None:
        self.blob, self.name = _read(source, MAX_IMAGE_BYTES)
        try:
            DocxImage.from_blob(self.blob)
        except (UnrecognizedImageError, ValueError, IndexError, KeyError) as exc:
            raise InputError(self.name, f"format d'image non reconnu (PNG, JPEG, GIF, BMP, TIFF attendus) : {exc}") from None
        for label, value in (("largeur", width_mm), ("hauteur", height_mm)):
            if value is not None and not (0 < value <= 1000):
                raise InputError(self.name, f"{label} d'image invalide : {value} mm (entre 0 et 1000 mm)")
        self.width_mm, self.height_mm = width_mm, height_mm
        self.url = str(url) if url else None

    def __html__(self) -> str:
        return current_session().image_xml(self)

    __str__ = __html__

    def __repr__(self) -> str:
        link = f", url={self.url!r}" if self.url else ""
        return f"Image({self.name!r}, width_mm={self.width_mm}, height_mm={self.height_mm}{link})"


class _Linked:
    """XML that may carry hyperlink placeholders, resolved in the part being rendered."""

    xml: str
    urls: dict[str, str]

    def __html__(self) -> str:
        xml = self.xml
        if self.urls:
            session = current_session()
            for token, url in self.urls.items():
                xml = xml.replace(f'r:id="{token}"', f'r:id="{session.hyperlink_id(url)}"')
        return xml

    def __str__(self) -> str:
        return self.__html__()


class RichText(_Linked, docxtpl.RichText):
    """docxtpl's ``RichText`` (same arguments), where ``url=...`` makes the run a hyperlink
    without a template instance (docxtpl: ``url_id=tpl.build_url_id(url)``)."""

    def __init__(self, text: Any = None, **props: Any) -> None:
        self.urls = {}
        super().__init__(text, **props)

    def add(self, text: Any, *args: Any, url: str | None = None, **props: Any) -> None:
        if isinstance(text, _Linked):
            self.urls.update(text.urls)
        if url:
            token = f"accordgen-url-{next(_TOKENS)}"
            self.urls[token] = str(url)
            props["url_id"] = token
        super().add(text, *args, **props)


class RichTextParagraph(_Linked, docxtpl.RichTextParagraph):
    """docxtpl's ``RichTextParagraph``, keeping the hyperlinks of the :class:`RichText` added."""

    def __init__(self, text: Any = None, **props: Any) -> None:
        self.urls = {}
        super().__init__(text, **props)

    def add(self, text: Any, parastyle: str | None = None) -> None:
        if isinstance(text, _Linked):
            self.urls.update(text.urls)
        super().add(text, parastyle=parastyle)


R, RP = RichText, RichTextParagraph


class Subdoc:
    """A .docx whose paragraphs and tables are printed where ``{{p clauses }}`` stands (in the
    body), with its styles, numbering and pictures (through docxcompose, as docxtpl does)."""

    def __init__(self, source: Path | str | bytes) -> None:
        self._blob: bytes | None
        self._blob, self.name = _read(source, MAX_DOCX_BYTES)
        self._members: Mapping[str, bytes] = {}
        try:  # opened (and composed) at each render: docxcompose changes the copy it reads
            with zipfile.ZipFile(io.BytesIO(self._blob)) as zf:
                zf.getinfo("word/document.xml")
        except (zipfile.BadZipFile, KeyError) as exc:
            raise InputError(self.name, f"ce n'est pas un document Word (.docx) lisible : {exc}") from None
        self.digest = hashlib.sha256(self._blob).digest()  # what the template's memo knows it by

    @classmethod
    def rendered(cls, members: Mapping[str, bytes], digest: bytes, name: str) -> Subdoc:
        """A sub-document made by a render (a clause variant): its zip members, known by
        ``digest`` (what decides them); its .docx is only built if it must be composed."""
        subdoc = cls.__new__(cls)
        subdoc._blob, subdoc._members, subdoc.digest, subdoc.name = None, members, digest, name
        return subdoc

    @property
    def blob(self) -> bytes:
        """The .docx (a rendered one's stored uncompressed: it is only read back)."""
        if self._blob is None:
            self._blob = build_zip(self._members, compress=False)
        return self._blob

    def __html__(self) -> str:
        return current_session().subdoc_xml(self)

    __str__ = __html__

    def __repr__(self) -> str:
        return f"Subdoc({self.name!r})"


class RenderSession:
    """What one render adds to the package. Opened lazily: the python-docx package of the
    template is built on the first image, link or sub-document, never otherwise. While only
    sub-documents were printed, the package after them may come from the template's
    :class:`~accordgen.render.compose.Compositions` (``compositions``) instead of docxcompose."""

    def __init__(self, data: bytes, main_part: str, compositions: Compositions | None = None) -> None:
        self.data = data
        self.main_part = main_part
        self.part_name = main_part
        self.docx: Any = None
        self.compositions = compositions
        self._parts: dict[str, Any] = {}
        self._subdocs: dict[int, str] = {}
        # the digests of the sub-documents composed so far, while nothing else (an image, a
        # link) changed the package (None after); and that package, when taken from the memo
        self._composed: Key | None = ()
        self._state: dict[str, bytes] | None = None

    def __enter__(self) -> RenderSession:
        self._token = _SESSION.set(self)
        return self

    def __exit__(self, *exc: object) -> None:
        _SESSION.reset(self._token)

    @property
    def used(self) -> bool:
        return self.docx is not None or self._state is not None

    def _open(self) -> None:
        if self.docx is None:
            data = self.data if self._state is None else build_zip(self._state)
            self.docx = open_docx(io.BytesIO(data))
            self._parts = {str(p.partname).lstrip("/"): p for p in self.docx.part.package.iter_parts()}
            self._state = None

    def part(self) -> Any:
        """The python-docx part being rendered, for an image or a link (the package is then
        this render's own: no composition is remembered after that)."""
        self._open()
        self._composed = None
        return self._parts[self.part_name]

    def image_xml(self, image: Image) -> str:
        width = Mm(image.width_mm) if image.width_mm else None
        height = Mm(image.height_mm) if image.height_mm else None
        part = self.part()
        inline = part.new_pic_inline(io.BytesIO(image.blob), width, height)
        if image.url:  # as docxtpl's anchor: the link on the frame and on the picture
            rid = part.relate_to(image.url, RT.HYPERLINK, is_external=True)
            for props in (inline.docPr, *inline.iter(qn("pic:cNvPr"))):
                props.append(parse_xml(f'<a:hlinkClick {nsdecls("a", "r")} r:id="{rid}"/>'))
        pic = inline.xml
        return f'</w:t></w:r><w:r><w:drawing>{pic}</w:drawing></w:r><w:r><w:t xml:space="preserve">'

    def hyperlink_id(self, url: str) -> str:
        return self.part().relate_to(url, RT.HYPERLINK, is_external=True)

    def subdoc_xml(self, subdoc: Subdoc) -> str:
        if self.part_name != self.main_part:
            raise jinja2.TemplateRuntimeError("un sous-document ne s'insère que dans le corps du document, pas dans un en-tête ou un pied de page")
        if id(subdoc) not in self._subdocs:
            self._subdocs[id(subdoc)] = self._compose(subdoc)
        return self._subdocs[id(subdoc)]

    def _compose(self, subdoc: Subdoc) -> str:
        memo = self.compositions if self._composed is not None else None
        key: Key = (*(self._composed or ()), subdoc.digest)
        if memo is not None:
            hit = memo.get(key)
            if hit is not None:  # the same sub-documents, in the same order: paste
                self.docx, self._parts, self._state, self._composed = None, {}, hit.members, key
                return hit.xml
        self._open()
        xml = compose(self.docx, subdoc.blob)
        if memo is not None:
            memo.put(key, xml, serialize(self.docx.part.package))
            self._composed = key
        return xml

    def package_members(self, rendered: Container[str]) -> dict[str, bytes]:
        """Every member of the package as this render left it (relationships, media, styles,
        numbering, content types), as python-docx would save it; the ``rendered`` parts are
        left out (the caller has them)."""
        if self.docx is None and self._state is not None:
            return {name: data for name, data in self._state.items() if name not in rendered}
        return serialize(self.docx.part.package, rendered)
