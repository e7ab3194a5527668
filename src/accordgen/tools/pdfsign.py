"""Empty signature fields over the signature blocks of a PDF (PAdES-ready, pyHanko).

The DOCX says who signs: its « Signatures » table (``w:tblCaption``) lists the fields in its
description (``signature-departement signature-orange``) and holds one « Signature – nom »
paragraph per block, in the same order. The field's place is read from the rendered PDF, not
from fixed coordinates: the name's line is found in the PDF (pdfplumber, last pages first),
and the field covers the free room above it, up to the quality line, over the block's column.
The fields are added as an incremental update, so what the PDF declared (PDF/A-2b
identification among others) is kept byte for byte.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from lxml import etree

from ..errors import PdfError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
CAPTION = "Signatures"
NAME_STYLE = "SignatureNom"
MIN_HEIGHT = 20.0  # points: a field lower than this would not be usable
COLUMN = 0.5  # a block's column: half the text width (two blocks per row)


@dataclass(frozen=True)
class Slot:
    """One signatory as the DOCX names it: the field's name and the printed name."""

    champ: str
    nom: str


@dataclass(frozen=True)
class Placement:
    """Where a field goes: 0-based page and box (x1, y1, x2, y2) in PDF points, from bottom."""

    champ: str
    page: int
    box: tuple[float, float, float, float]


def signature_slots(docx: bytes) -> list[Slot]:
    """The signatories of a DOCX, in the order of its blocks; none when it has no
    « Signatures » table or the table names no field (a consolidated version is not signed),
    and none for a file that is not a readable DOCX (LibreOffice converts other formats too)."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as z:
            root = etree.fromstring(z.read("word/document.xml"))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        return []
    slots: list[Slot] = []
    for tbl in root.iterfind(".//w:tbl", NS):
        caption = tbl.find("w:tblPr/w:tblCaption", NS)
        if caption is None or caption.get(f"{{{W}}}val") != CAPTION:
            continue
        description = tbl.find("w:tblPr/w:tblDescription", NS)
        champs = (description.get(f"{{{W}}}val") or "").split() if description is not None else []
        noms = []
        for p in tbl.iterfind(".//w:p", NS):
            style = p.find("w:pPr/w:pStyle", NS)
            text = "".join(p.itertext()).strip()
            if style is not None and style.get(f"{{{W}}}val") == NAME_STYLE and text:
                noms.append(text)
        slots += [Slot(c, n) for c, n in zip(champs, noms, strict=False)]
    return slots


def _find(pdf, slots: list[Slot]) -> list[Placement]:  # noqa: ANN001 - pdfplumber.PDF
    todo = list(reversed(slots))  # the last block is found first, from the last page
    found: dict[str, Placement] = {}
    for index in range(len(pdf.pages) - 1, -1, -1):
        if not todo:
            break
        page = pdf.pages[index]
        words = page.extract_words(keep_blank_chars=True, use_text_flow=True)
        left = min((w["x0"] for w in words), default=0.0)
        right = max((w["x1"] for w in words), default=page.width)
        column = (right - left) * COLUMN
        taken: list[tuple[float, float]] = []
        for slot in list(todo):
            hits = [h for h in words if h["text"].strip() == slot.nom
                    and all(abs(h["top"] - t) > 1 or abs(h["x0"] - x) > 1 for t, x in taken)]
            if not hits:  # the name shares its line with other text: search the characters
                hits = [h for h in page.search(slot.nom, regex=False)
                        if all(abs(h["top"] - t) > 1 or abs(h["x0"] - x) > 1 for t, x in taken)]
            if not hits:
                continue
            hit = max(hits, key=lambda h: (h["top"], h["x0"]))  # the lowest: the block's
            taken.append((hit["top"], hit["x0"]))
            x0 = hit["x0"]
            above = [w["bottom"] for w in words
                     if w["bottom"] < hit["top"] - 1 and w["x1"] > x0 and w["x0"] < x0 + column - 1]
            ceiling = max(above, default=hit["top"] - 85.0)
            top, bottom = ceiling + 2.0, hit["top"] - 2.0
            if bottom - top < MIN_HEIGHT:
                raise PdfError(f"pas de place pour signer au-dessus de « {slot.nom} » "
                               f"(page {index + 1}) : champ de signature non ajouté")
            box = (x0, page.height - bottom, min(x0 + column - 6.0, page.width), page.height - top)
            found[slot.champ] = Placement(slot.champ, index, tuple(round(v, 2) for v in box))  # type: ignore[arg-type]
            todo.remove(slot)
    if todo:
        names = ", ".join(f"« {s.nom} »" for s in reversed(todo))
        raise PdfError(f"bloc de signature introuvable dans le PDF pour {names} : "
                       "champ de signature non ajouté")
    return [found[s.champ] for s in slots]


def locate(pdf_bytes: bytes, slots: list[Slot]) -> list[Placement]:
    """Where each signatory's field goes in this PDF (PdfError, French, when a block is
    missing or has no room)."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        return _find(pdf, slots)


def add_fields(pdf_bytes: bytes, placements: list[Placement]) -> bytes:
    """The PDF with one empty signature field per placement, as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    for p in placements:
        append_signature_field(writer, SigFieldSpec(sig_field_name=p.champ, on_page=p.page,
                                                    box=p.box))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_signature_fields(docx: bytes, pdf_bytes: bytes) -> bytes:
    """``pdf_bytes`` (the PDF of ``docx``) with its signatories' empty fields; unchanged when
    the document has none to sign."""
    slots = signature_slots(docx)
    if not slots:
        return pdf_bytes
    return add_fields(pdf_bytes, locate(pdf_bytes, slots))


__all__ = ["Placement", "Slot", "add_fields", "locate", "signature_slots", "with_signature_fields"]
