"""Apply a workspace's charter (:mod:`accordgen.charte`) to a rendered package.

Works on the zip members of any rendered template, so a house template gets the charter as
the packaged ones do:

- fonts: the document defaults and every style that names a font (theme fonts replaced by
  the named font); the title and heading styles (``Title``, ``heading N`` and their linked
  character styles) take ``police_titres``, and the heading colour;
- margins: every section's ``w:pgMar``;
- logo: a first-page header (a copy of the first section's default header, so a draft's
  « PROJET » stays) with the logo above its content; ``w:titlePg`` set, and a first-page
  footer copied from the default one;
- footer mention: a paragraph at the end of the first section's footers.

Elements are inserted in the order the OOXML schema fixes (Word is strict about it).
"""

from __future__ import annotations

import re

from docx.image.image import Image as DocxImage
from docx.oxml.shape import CT_Inline
from lxml import etree

from ..charte import Charter
from ..rules.typography import apply_text
from .ooxml import RPR_ORDER, SECT_ORDER, W, child, w

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
RT_HEADER = R + "/header"
RT_FOOTER = R + "/footer"
RT_IMAGE = R + "/image"
HEADER_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
FOOTER_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
IMAGE_CT = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "bmp": "image/bmp"}



_TITLE_NAME = re.compile(r"^(title|subtitle|heading [1-9])$", re.IGNORECASE)



def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def apply_charter(members: dict[str, bytes], charter: Charter) -> None:
    """Apply ``charter`` to the rendered package ``members`` (in place)."""
    if charter.neutral:
        return
    c = charter.charte
    if c.police or c.police_titres or c.couleur_titres:
        members["word/styles.xml"] = _styles(members["word/styles.xml"], charter)
    document = etree.fromstring(members["word/document.xml"])
    sections = document.findall(f".//{w('sectPr')}")
    if c.marges_mm:
        for sect in sections:
            _margins(sect, c.marges_mm)
    if sections and (charter.logo or c.mention_pied):
        _first_section(members, sections[0], charter)
    members["word/document.xml"] = _xml(document)


# --- styles ----------------------------------------------------------------------------------

def _set_fonts(rpr: etree._Element, font: str) -> None:
    fonts = child(rpr, "rFonts", RPR_ORDER)
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(w(theme), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(w(attr), font)


def _styles(data: bytes, charter: Charter) -> bytes:
    c = charter.charte
    root = etree.fromstring(data)
    titles: set[str] = set()
    for style in root.iterfind(w("style")):
        name = style.find(w("name"))
        if name is not None and _TITLE_NAME.match(name.get(w("val"), "")):
            titles.add(style.get(w("styleId"), ""))
            link = style.find(w("link"))
            if link is not None:
                titles.add(link.get(w("val"), ""))
    if c.police:
        defaults = root.find(w("docDefaults"))
        if defaults is None:
            defaults = etree.Element(w("docDefaults"))
            root.insert(0, defaults)
        rpr_default = defaults.find(w("rPrDefault"))
        if rpr_default is None:
            rpr_default = etree.Element(w("rPrDefault"))
            defaults.insert(0, rpr_default)
        rpr = rpr_default.find(w("rPr"))
        if rpr is None:
            rpr = etree.SubElement(rpr_default, w("rPr"))
        _set_fonts(rpr, c.police)
    title_font = c.police_titres or c.police
    for style in root.iterfind(w("style")):
        is_title = style.get(w("styleId"), "") in titles
        font = title_font if is_title else c.police
        rpr = style.find(w("rPr"))
        if font and rpr is not None and rpr.find(w("rFonts")) is not None:
            _set_fonts(rpr, font)
        if is_title and (title_font or c.couleur_titres):
            if rpr is None:
                rpr = etree.SubElement(style, w("rPr"))
            if title_font:
                _set_fonts(rpr, title_font)
            if c.couleur_titres:
                color = child(rpr, "color", RPR_ORDER)
                for theme in ("themeColor", "themeShade", "themeTint"):
                    color.attrib.pop(w(theme), None)
                color.set(w("val"), c.couleur_titres)
    return _xml(root)


def _margins(sect: etree._Element, marges: object) -> None:
    mar = child(sect, "pgMar", SECT_ORDER)
    for attr, field in (("top", "haut"), ("bottom", "bas"), ("left", "gauche"), ("right", "droite")):
        mar.set(w(attr), str(round(getattr(marges, field) * 1440 / 25.4)))
    for attr in ("header", "footer", "gutter"):
        mar.set(w(attr), mar.get(w(attr), "0" if attr == "gutter" else "720"))


# --- first page: logo and footer mention -----------------------------------------------------

class _Package:
    """The relationships and content types of a package being edited."""

    def __init__(self, members: dict[str, bytes]) -> None:
        self.members = members
        self.types = etree.fromstring(members["[Content_Types].xml"])

    def rels(self, part: str) -> etree._Element:
        folder, _, name = part.rpartition("/")
        data = self.members.get(f"{folder}/_rels/{name}.rels")
        return etree.fromstring(data) if data else etree.Element(f"{{{PR}}}Relationships", nsmap={None: PR})

    def save_rels(self, part: str, rels: etree._Element) -> None:
        folder, _, name = part.rpartition("/")
        self.members[f"{folder}/_rels/{name}.rels"] = _xml(rels)

    def add_rel(self, rels: etree._Element, rel_type: str, target: str) -> str:
        used = {r.get("Id") for r in rels}
        rid = next(f"rIdCharte{n}" for n in range(1, 1000) if f"rIdCharte{n}" not in used)
        etree.SubElement(rels, f"{{{PR}}}Relationship", Id=rid, Type=rel_type, Target=target)
        return rid

    def free_name(self, stem: str, ext: str) -> str:
        return next(f"{stem}{n}.{ext}" for n in range(1, 1000) if f"{stem}{n}.{ext}" not in self.members)

    def override(self, part: str, content_type: str) -> None:
        etree.SubElement(self.types, f"{{{CT}}}Override", PartName="/" + part, ContentType=content_type)

    def default(self, ext: str, content_type: str) -> None:
        if not any(d.get("Extension", "").lower() == ext for d in self.types.iterfind(f"{{{CT}}}Default")):
            etree.SubElement(self.types, f"{{{CT}}}Default", Extension=ext, ContentType=content_type)

    def close(self) -> None:
        self.members["[Content_Types].xml"] = _xml(self.types)


def _references(sect: etree._Element, kind: str, targets: dict[str, str]) -> dict[str, str]:
    """{header type: part name} of a section's header or footer references."""
    return {ref.get(w("type"), "default"): targets[ref.get(f"{{{R}}}id")]
            for ref in sect.iterfind(w(f"{kind}Reference")) if ref.get(f"{{{R}}}id") in targets}


def _first_section(members: dict[str, bytes], sect: etree._Element, charter: Charter) -> None:
    pkg = _Package(members)
    doc_rels = pkg.rels("word/document.xml")
    targets = {r.get("Id"): "word/" + r.get("Target", "").lstrip("/").removeprefix("word/") for r in doc_rels}
    headers, footers = _references(sect, "header", targets), _references(sect, "footer", targets)
    if charter.logo and "first" not in headers:
        # a first-page header of its own, copied from the default one (its « PROJET » kept)
        headers["first"] = _copy_part(pkg, headers.get("default"), "header", "hdr", HEADER_CT)
        _reference(sect, "header", pkg.add_rel(doc_rels, RT_HEADER, headers["first"].removeprefix("word/")))
        child(sect, "titlePg", SECT_ORDER)
        if "first" not in footers and "default" in footers:
            footers["first"] = _copy_part(pkg, footers["default"], "footer", "ftr", FOOTER_CT)
            _reference(sect, "footer", pkg.add_rel(doc_rels, RT_FOOTER, footers["first"].removeprefix("word/")))
    if charter.logo:
        _add_logo(pkg, headers["first"], charter)
    if charter.charte.mention_pied:
        for part in dict.fromkeys(footers.values()):
            _add_mention(pkg, part, charter.charte.mention_pied)
    pkg.save_rels("word/document.xml", doc_rels)
    pkg.close()


def _copy_part(pkg: _Package, source: str | None, stem: str, root_tag: str, content_type: str) -> str:
    name = pkg.free_name(f"word/{stem}_charte", "xml")
    if source is not None and source in pkg.members:
        pkg.members[name] = pkg.members[source]
        pkg.save_rels(name, pkg.rels(source))
    else:
        root = etree.Element(w(root_tag), nsmap={"w": W, "r": R})
        etree.SubElement(root, w("p"))
        pkg.members[name] = _xml(root)
    pkg.override(name, content_type)
    return name


def _reference(sect: etree._Element, kind: str, rid: str) -> None:
    ref = etree.Element(w(f"{kind}Reference"))
    ref.set(w("type"), "first")
    ref.set(f"{{{R}}}id", rid)
    sect.insert(0, ref)


def _add_logo(pkg: _Package, part: str, charter: Charter) -> None:
    assert charter.logo is not None
    image = DocxImage.from_blob(charter.logo)
    ext = {"jpeg": "jpg"}.get(image.ext, image.ext)
    media = pkg.free_name("word/media/charte-logo", ext)
    pkg.members[media] = charter.logo
    pkg.default(ext, IMAGE_CT.get(ext, image.content_type))
    rels = pkg.rels(part)
    rid = pkg.add_rel(rels, RT_IMAGE, "media/" + media.rpartition("/")[2])
    pkg.save_rels(part, rels)
    cx = round(charter.charte.logo_largeur_mm * 36000)
    cy = round(cx * image.px_height / max(image.px_width, 1))
    inline = CT_Inline.new_pic_inline(9001, rid, media.rpartition("/")[2], cx, cy)
    root = etree.fromstring(pkg.members[part])
    para = etree.Element(w("p"))
    etree.SubElement(etree.SubElement(para, w("pPr")), w("jc")).set(w("val"), "left")
    etree.SubElement(etree.SubElement(para, w("r")), w("drawing")).append(
        etree.fromstring(etree.tostring(inline)))
    root.insert(0, para)
    pkg.members[part] = _xml(root)


def _add_mention(pkg: _Package, part: str, text: str) -> None:
    root = etree.fromstring(pkg.members[part])
    para = etree.SubElement(root, w("p"))
    ppr = etree.SubElement(para, w("pPr"))
    etree.SubElement(ppr, w("jc")).set(w("val"), "center")
    run = etree.SubElement(para, w("r"))
    etree.SubElement(etree.SubElement(run, w("rPr")), w("sz")).set(w("val"), "14")
    t = etree.SubElement(run, w("t"))
    t.text = apply_text(text)  # added after the render's typography pass: French spacing here
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    pkg.members[part] = _xml(root)
