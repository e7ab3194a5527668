"""WordprocessingML element order: the OOXML schema fixes the order of a run's properties and
of a section's properties, and Word reports unreadable content when it is not kept. Code that
adds such a child (the charter, the typography pass) inserts it here, at its place."""

from __future__ import annotations

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

RPR_ORDER = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
             "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish",
             "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight",
             "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
             "eastAsianLayout", "specVanish", "oMath", "rPrChange"]
"""CT_RPr: the children of ``w:rPr``, in schema order."""
SECT_ORDER = ["headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz",
              "pgMar", "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt",
              "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid",
              "printerSettings", "sectPrChange"]
"""CT_SectPr: the children of ``w:sectPr``, in schema order."""


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def child(parent: etree._Element, tag: str, order: list[str]) -> etree._Element:
    """``parent``'s ``w:tag`` child, created at its schema position when missing."""
    found = parent.find(w(tag))
    if found is not None:
        return found
    new = etree.Element(w(tag))
    rank = order.index(tag)
    for existing in parent:
        name = etree.QName(existing).localname
        if name in order and order.index(name) > rank:
            existing.addprevious(new)
            return new
    parent.append(new)
    return new
