"""The render engine against docxtpl itself.

For each feature a drafter's template may use, a small template built here (python-docx) is
rendered by docxtpl (the oracle: ``DocxTemplate(path).render(context, jinja_env)`` then
``save``) and by :func:`accordgen.render_template`, and the two packages are compared part by
part: the text paragraph by paragraph, the relationships' targets, the media. The last test
opens every output in LibreOffice. Where accordgen deliberately differs (strict undefined
variables, the sandbox, links in headers, custom properties), the test says so.
"""

from __future__ import annotations

import io
import re
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import pytest
from docx import Document
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from docxtpl import RichText as TplRichText
from lxml import etree

import accordgen
from accordgen import Image, Listing, RichText, Subdoc, TemplateError, render_template
from accordgen.tools.pdf import convert

from conftest import pdf_text, require_libreoffice

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
NS = {"w": W, "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


# --- helpers ------------------------------------------------------------------------------

def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain PNG of one colour (no image library needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def paragraphs(xml: bytes) -> list[str]:
    """Each paragraph's text, in document order (table cells included)."""
    root = etree.fromstring(xml)
    return ["".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in root.iter(f"{{{W}}}p")]


def rel_targets(parts: dict[str, bytes], name: str) -> list[tuple[str, str]]:
    """(type, target) of the relationships of part ``name``, sorted (ids may differ)."""
    head, base = name.rsplit("/", 1)
    rels = parts.get(f"{head}/_rels/{base}.rels")
    if rels is None:
        return []
    root = etree.fromstring(rels)
    return sorted((r.get("Type").rsplit("/", 1)[-1], r.get("Target")) for r in root.iterfind("rel:Relationship", NS))


def media(parts: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in parts.items() if name.startswith("word/media/")}


def grid(xml: bytes) -> list[list[str]]:
    """The gridCol widths of each table."""
    root = etree.fromstring(xml)
    return [[c.get(f"{{{W}}}w") for c in t.iterfind("w:tblGrid/w:gridCol", NS)] for t in root.iter(f"{{{W}}}tbl")]


def extents(xml: bytes) -> list[tuple[str, str]]:
    """The size of each picture."""
    root = etree.fromstring(xml)
    wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
    return [(e.get("cx"), e.get("cy")) for e in root.iter(f"{wp}extent")]


def tagged_parts(parts: dict[str, bytes]) -> list[str]:
    return sorted(n for n in parts if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n))


def oracle(path: Path, context: dict[str, Any], *, env: jinja2.Environment | None = None,
           prepare: Callable[[DocxTemplate], dict[str, Any]] | None = None) -> bytes:
    """docxtpl's own render: ``prepare(tpl)`` builds the values that need the instance."""
    tpl = DocxTemplate(str(path))
    tpl.init_docx()
    context = {**context, **(prepare(tpl) if prepare else {})}
    tpl.render(context, env or jinja2.Environment(autoescape=True))
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def assert_same(ours: bytes, theirs: bytes, *, parts: list[str] | None = None) -> dict[str, bytes]:
    """Same text paragraph by paragraph, same relationship targets, same media, same grids."""
    a, b = members(ours), members(theirs)
    for name in parts or tagged_parts(b):
        assert paragraphs(a[name]) == paragraphs(b[name]), name
        assert any(p.strip() for p in paragraphs(a[name])) or "header" in name, name
        assert grid(a[name]) == grid(b[name]), name
        assert rel_targets(a, name) == rel_targets(b, name), name
        assert extents(a[name]) == extents(b[name]), name
    assert media(a) == media(b)
    return a


@dataclass
class Case:
    """One feature: the template, our context, the oracle's, what LibreOffice must show."""

    name: str
    path: Path
    context: dict[str, Any]
    prepare: Callable[[DocxTemplate], dict[str, Any]] | None = None
    shows: list[str] = field(default_factory=list)
    images: int = 0
    kwargs: dict[str, Any] = field(default_factory=dict)
    env: jinja2.Environment | None = None


def table_template(path: Path) -> Path:
    """Dynamic rows ({%tr %}), dynamic columns ({%tc %}), horizontal and vertical merges."""
    doc = Document()
    doc.add_paragraph("Tableaux")
    t = doc.add_table(rows=1, cols=3)  # columns from a loop: fewer or more than the grid
    for cell, text in zip(t.rows[0].cells, ["{%tc for c in colonnes %}", "{{ c }}", "{%tc endfor %}"], strict=True):
        cell.text = text
    t = doc.add_table(rows=3, cols=2)  # rows from a loop, first column merged vertically
    t.rows[0].cells[0].text, t.rows[0].cells[1].text = "{%tr for l in lignes %}", ""
    t.rows[1].cells[0].text, t.rows[1].cells[1].text = "{% vm %}{{ l.groupe }}", "{{ l.nom }}"
    t.rows[2].cells[0].text, t.rows[2].cells[1].text = "{%tr endfor %}", ""
    t = doc.add_table(rows=2, cols=3)  # a header merged across the columns of a loop
    for cell, text in zip(t.rows[0].cells, ["{%tc for c in colonnes %}", "{% hm %}Signataires", "{%tc endfor %}"], strict=True):
        cell.text = text
    for cell, text in zip(t.rows[1].cells, ["{%tc for c in colonnes %}", "{{ c }}", "{%tc endfor %}"], strict=True):
        cell.text = text
    doc.save(path)
    return path


LIGNES = [{"groupe": "Département", "nom": "Présidence"}, {"groupe": "Département", "nom": "DGS"},
          {"groupe": "Orange", "nom": "Direction régionale"}]


def cases(tmp: Path) -> list[Case]:
    out = [
        Case("tableaux-plus", table_template(tmp / "tableaux-plus.docx"),
             {"colonnes": ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"], "lignes": LIGNES},
             shows=["Epsilon", "Direction régionale", "Signataires"]),
        Case("tableaux-moins", table_template(tmp / "tableaux-moins.docx"),
             {"colonnes": ["Seul"], "lignes": LIGNES[:1]}, shows=["Seul", "Présidence"]),
    ]
    doc = Document()
    doc.add_paragraph("Montant : {{ montant|euros }} pour {{ partie|upper }}")
    doc.save(tmp / "filtres.docx")
    euros = {"euros": lambda v: f"{v:,.2f} €".replace(",", " ")}
    env = jinja2.Environment(autoescape=True)
    env.filters.update(euros)
    out.append(Case("filtres", tmp / "filtres.docx", {"montant": 1500, "partie": "Orange & Cie"},
                    kwargs={"filters": euros}, env=env, shows=["1 500.00 € pour ORANGE & CIE"]))

    red, blue = tmp / "rouge.png", tmp / "bleu.png"
    red.write_bytes(png(40, 20, (200, 0, 0)))
    blue.write_bytes(png(30, 30, (0, 0, 200)))
    doc = Document()  # a picture in the body, in a header, and in a loop
    doc.add_paragraph("Logo : {{ logo }} fin.")
    for text in ("{%p for im in images %}", "Image {{ loop.index }} : {{ im }}", "{%p endfor %}"):
        doc.add_paragraph(text)
    doc.sections[0].header.paragraphs[0].text = "En-tête {{ logo_entete }}"
    doc.save(tmp / "images.docx")
    out.append(Case(
        "images", tmp / "images.docx",
        {"logo": Image(red, width_mm=20), "logo_entete": Image(blue, height_mm=10),
         "images": [Image(red), Image(blue, width_mm=15)]},
        prepare=lambda tpl: {"logo": InlineImage(tpl, str(red), width=Mm(20)),
                             "logo_entete": InlineImage(tpl, str(blue), height=Mm(10)),
                             "images": [InlineImage(tpl, str(red)), InlineImage(tpl, str(blue), width=Mm(15))]},
        shows=["Logo :", "Image 2 :", "En-tête"], images=4))

    url = "https://www.seine-et-marne.fr/fr/cooperation?a=1&b=2"
    doc = Document()
    doc.add_paragraph("Voir {{r lien }} ; adresse : {{ adresse }}")
    doc.add_paragraph("{{p paragraphe }}")
    doc.save(tmp / "liens.docx")
    adresse = "Hôtel du Département\n77010 Melun cedex"
    out.append(Case(
        "liens", tmp / "liens.docx",
        {"lien": RichText("le site du Département", url=url, italic=True), "adresse": Listing(adresse),
         "paragraphe": accordgen.RichTextParagraph(RichText("Annexe en ligne", url=url + "#annexe"))},
        prepare=lambda tpl: {
            "lien": TplRichText("le site du Département", url_id=tpl.build_url_id(url), italic=True),
            "adresse": Listing(adresse),
            "paragraphe": __import__("docxtpl").RichTextParagraph(
                TplRichText("Annexe en ligne", url_id=tpl.build_url_id(url + "#annexe")))},
        shows=["Voir le site du Département", "77010 Melun cedex", "Annexe en ligne"]))

    sub = Document()  # a sub-document: its own style, a numbered list, a table, a picture
    sub.styles.add_style("Clause Accordgen", 1).font.bold = True
    sub.add_paragraph("Article 1 – Objet de la clause", style="Clause Accordgen")
    sub.add_paragraph("Premier engagement", style="List Number")
    sub.add_paragraph("Second engagement", style="List Number")
    table = sub.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Partie", "Orange"
    sub.add_paragraph().add_run().add_picture(str(blue), width=Mm(12))
    sub.save(tmp / "clauses.docx")
    doc = Document()
    for text in ("Avant les clauses", "{{p clauses }}", "Après les clauses"):
        doc.add_paragraph(text)
    doc.save(tmp / "sousdoc.docx")
    out.append(Case("sous-document", tmp / "sousdoc.docx", {"clauses": Subdoc(tmp / "clauses.docx")},
                    prepare=lambda tpl: {"clauses": tpl.new_subdoc(str(tmp / "clauses.docx"))},
                    shows=["Avant les clauses", "Article 1 – Objet de la clause", "Second engagement",
                           "Orange", "Après les clauses"], images=1))

    doc = Document()  # a charter: a dummy logo in the header, replaced per document
    doc.add_paragraph("Charte {{ nom }}")
    doc.sections[0].header.paragraphs[0].add_run().add_picture(str(red), width=Mm(25))
    doc.save(tmp / "charte.docx")
    out.append(Case("remplacement", tmp / "charte.docx", {"nom": "2026"},
                    kwargs={"pictures": {"rouge.png": blue}},
                    prepare=lambda tpl: tpl.replace_pic("rouge.png", str(blue)) or {},
                    shows=["Charte 2026"], images=1))

    out.append(Case("media", tmp / "charte.docx", {"nom": "2027"}, kwargs={"media": {red: blue}},
                    prepare=lambda tpl: tpl.replace_media(str(red), str(blue)) or {},
                    shows=["Charte 2027"], images=1))

    doc = Document()  # tags in the document properties
    props = doc.core_properties
    props.title, props.subject = "Accord n° {{ numero }}", "Coopération avec {{ partie }}"
    props.author, props.comments = "{{ auteur }}", "Version {{ version }}"
    doc.add_paragraph("Accord {{ numero }}")
    doc.save(tmp / "proprietes.docx")
    out.append(Case("proprietes", tmp / "proprietes.docx",
                    {"numero": "2026-17", "partie": "Orange & Cie", "auteur": "Service juridique", "version": 3},
                    shows=["Accord 2026-17"]))
    return out


@pytest.fixture(scope="module")
def all_cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    return {c.name: c for c in cases(tmp_path_factory.mktemp("engine"))}


CASES = ["tableaux-plus", "tableaux-moins", "filtres", "images", "liens", "sous-document",
         "remplacement", "media", "proprietes"]


def ours(case: Case) -> bytes:
    """Our render without the French typography pass (docxtpl has none; tests/test_typography.py)."""
    return render_template(case.path, case.context, typography=None, **case.kwargs)


@pytest.mark.parametrize("name", CASES)
def test_same_result_as_docxtpl(all_cases: dict[str, Case], name: str) -> None:
    case = all_cases[name]
    assert_same(ours(case), oracle(case.path, case.context, env=case.env, prepare=case.prepare))


def test_table_grid_follows_the_columns_of_a_loop(all_cases: dict[str, Case]) -> None:
    """Without docxtpl's fix the grid keeps the template's 3 columns: LibreOffice drops cells."""
    plus = members(ours(all_cases["tableaux-plus"]))["word/document.xml"]
    moins = members(ours(all_cases["tableaux-moins"]))["word/document.xml"]
    assert [len(g) for g in grid(plus)] == [5, 2, 5]
    assert [len(g) for g in grid(moins)] == [1, 2, 1]
    # the vertical merge: the first cell restarts, the copies continue
    root = etree.fromstring(plus)
    merges = [v.get(f"{{{W}}}val") for v in root.iter(f"{{{W}}}vMerge")]
    assert merges == ["restart", "continue", "continue"]


# --- deliberate differences ---------------------------------------------------------------

@pytest.fixture
def simple(tmp_path: Path) -> Callable[..., Path]:
    def make(body: str, header: str | None = None) -> Path:
        doc = Document()
        doc.add_paragraph(body)
        if header:
            doc.sections[0].header.paragraphs[0].text = header
        path = tmp_path / "modele.docx"
        doc.save(path)
        return path
    return make


@pytest.mark.parametrize(("body", "context", "shown"), [
    ("Article {{ x }}.", {}, "x"),
    ("Article {{ a.b }}.", {"a": {}}, "a.b"),
    ("{% if absent %}oui{% endif %}", {}, "absent"),
])
def test_undefined_variable_is_an_error_not_a_blank(simple: Callable[..., Path], body: str,
                                                    context: dict[str, Any], shown: str) -> None:
    """Deliberate: docxtpl prints nothing for an undefined variable; we name it."""
    path = simple(body)
    assert "Article ." in paragraphs(members(oracle(path, context))["word/document.xml"]) or "{% if" in body
    with pytest.raises(TemplateError) as info:
        render_template(path, context)
    message = str(info.value)
    assert f"variable non définie : {shown} — document (word/document.xml)" in message
    assert f"paragraphe : « {body} »" in message and str(path) in message
    assert "parenthèses" not in message and "StrictUndefined" not in message


def test_undefined_variable_in_a_header_names_the_header(simple: Callable[..., Path]) -> None:
    path = simple("Corps", header="Accord n° {{ numero }}")
    with pytest.raises(TemplateError) as info:
        render_template(path, {})
    assert "variable non définie : numero — en-tête (word/header1.xml), paragraphe : « Accord n° {{ numero }} »" \
        in str(info.value)


def test_sandbox_refuses_what_docxtpl_prints(simple: Callable[..., Path]) -> None:
    """Deliberate: docxtpl's plain Jinja reaches Python internals; ours refuses."""
    path = simple("{{ x.__class__.__mro__ }}")
    assert "object" in "".join(paragraphs(members(oracle(path, {"x": "a"}))["word/document.xml"]))
    with pytest.raises(TemplateError, match="bac à sable"):
        render_template(path, {"x": "a"})


def test_autoescape_keeps_ampersands_as_text(simple: Callable[..., Path]) -> None:
    """Deliberate: docxtpl escapes only when asked; by default « & » and « <C> » are lost
    (its XML parser recovers silently), and the paragraph becomes « A  B »."""
    path = simple("{{ nom }}")
    assert paragraphs(members(render_template(path, {"nom": "A & B <C>"}))["word/document.xml"])[0] == "A & B <C>"
    tpl = DocxTemplate(str(path))
    tpl.render({"nom": "A & B <C>"})  # docxtpl's default: no autoescape
    buf = io.BytesIO()
    tpl.save(buf)
    assert paragraphs(members(buf.getvalue())["word/document.xml"])[0] == "A  B "


def test_custom_filter_is_sandboxed_and_its_errors_named(simple: Callable[..., Path]) -> None:
    path = simple("{{ x|double }}")
    text = paragraphs(members(render_template(path, {"x": "ab"}, filters={"double": lambda s: s * 2}))["word/document.xml"])
    assert text[0] == "abab"
    with pytest.raises(TemplateError, match="filtre inconnu « double »"):
        render_template(path, {"x": "ab"})
    with pytest.raises(TemplateError, match="le filtre « double » a échoué : division by zero"):
        render_template(path, {"x": 1}, filters={"double": lambda s: s / 0})
    with pytest.raises(TemplateError, match="bac à sable : texte ou liste trop long"):
        render_template(path, {"x": "ab"}, filters={"double": lambda s: s * 10**6})
    with pytest.raises(ValueError, match="existe déjà"):
        render_template(path, {"x": "ab"}, filters={"montant": str})


def test_kinds_render_through_the_same_engine(example: Path) -> None:
    """render_bytes (every kind) and render_template give the same body for the same context."""
    doc = accordgen.load(example / "accord.yaml")
    a = members(accordgen.render_bytes(doc))
    b = members(render_template(doc.template_path, doc.context()))
    for name in tagged_parts(a):
        assert a[name] == b[name]


# --- what each value adds, checked in our output ------------------------------------------

def rels(parts: dict[str, bytes], name: str) -> dict[str, etree._Element]:
    head, base = name.rsplit("/", 1)
    root = etree.fromstring(parts[f"{head}/_rels/{base}.rels"])
    return {r.get("Id"): r for r in root.iterfind("rel:Relationship", NS)}


def test_images_in_body_header_and_loop(all_cases: dict[str, Case]) -> None:
    case = all_cases["images"]
    parts = members(ours(case))
    red, blue = (case.path.parent / n for n in ("rouge.png", "bleu.png"))
    assert sorted(media(parts).values()) == sorted([red.read_bytes(), blue.read_bytes()])
    for name in ("word/document.xml", "word/header1.xml"):  # every picture points at an image
        root = etree.fromstring(parts[name])
        targets = rels(parts, name)
        embeds = [b.get(f"{{{NS_R}}}embed") for b in root.iter(f"{{{NS_A}}}blip")]
        assert embeds and all(targets[e].get("Target").startswith("media/") for e in embeds)
    ids = [d.get("id") for name in ("word/document.xml", "word/header1.xml")
           for d in etree.fromstring(parts[name]).iter(f"{{{NS_WP}}}docPr")]
    assert len(ids) == 4 and len(set(ids)) == 4  # unique across the parts
    assert 'Extension="png"' in parts["[Content_Types].xml"].decode()
    # 20 mm wide; 10 mm high: the aspect of the picture kept
    assert extents(parts["word/document.xml"])[0] == (str(Mm(20)), str(Mm(10)))


def test_hyperlinks_point_at_their_relationship(all_cases: dict[str, Case]) -> None:
    case = all_cases["liens"]
    parts = members(ours(case))
    targets = rels(parts, "word/document.xml")
    links = list(etree.fromstring(parts["word/document.xml"]).iter(f"{{{W}}}hyperlink"))
    assert len(links) == 2
    for link, anchor in zip(links, ["", "#annexe"], strict=True):
        rel = targets[link.get(f"{{{NS_R}}}id")]
        assert rel.get("TargetMode") == "External"
        assert rel.get("Target") == "https://www.seine-et-marne.fr/fr/cooperation?a=1&b=2" + anchor


def test_hyperlink_in_a_header_is_related_to_the_header(simple: Callable[..., Path]) -> None:
    """Deliberate: docxtpl's build_url_id relates every link to the body, so a link in a
    header points at nothing; ours is related to the part it is printed in."""
    path = simple("Corps", header="Voir {{r lien }}")
    parts = members(render_template(path, {"lien": RichText("le site", url="https://example.org/")}))
    link = next(etree.fromstring(parts["word/header1.xml"]).iter(f"{{{W}}}hyperlink"))
    assert rels(parts, "word/header1.xml")[link.get(f"{{{NS_R}}}id")].get("Target") == "https://example.org/"


def test_subdocument_brings_its_styles_numbering_and_pictures(all_cases: dict[str, Case]) -> None:
    case = all_cases["sous-document"]
    parts = members(ours(case))
    assert b"Clause Accordgen" in parts["word/styles.xml"]
    body = etree.fromstring(parts["word/document.xml"])
    assert body.find(".//w:numPr", NS) is not None and "word/numbering.xml" in parts
    assert list(media(parts).values()) == [(case.path.parent / "bleu.png").read_bytes()]
    with pytest.raises(TemplateError, match="sous-document ne s'insère que dans le corps"):
        render_template(all_cases["images"].path, {**all_cases["images"].context,
                                                   "logo_entete": case.context["clauses"]})


def test_picture_replacement_changes_only_this_render(all_cases: dict[str, Case]) -> None:
    case = all_cases["remplacement"]
    red, blue = (case.path.parent / n for n in ("rouge.png", "bleu.png"))
    assert list(media(members(ours(case))).values()) == [blue.read_bytes()]
    assert list(media(members(render_template(case.path, case.context))).values()) == [red.read_bytes()]
    with pytest.raises(TemplateError, match="image à remplacer introuvable dans le modèle : absent.png"):
        render_template(case.path, case.context, pictures={"absent.png": blue})
    with pytest.raises(TemplateError, match="média à remplacer introuvable dans le modèle : .*bleu.png"):
        render_template(case.path, case.context, media={blue: red})
    assert list(media(members(render_template(case.path, case.context, media={red: blue}))).values()) \
        == [blue.read_bytes()]


def test_values_leave_the_cached_template_untouched(all_cases: dict[str, Case]) -> None:
    case = all_cases["liens"]
    ours(case)
    plain = members(render_template(case.path, {"lien": "texte", "adresse": "a", "paragraphe": "b"}))
    assert not any(r.get("Type").endswith("/hyperlink") for r in rels(plain, "word/document.xml").values())
    assert members(case.path.read_bytes())["word/_rels/document.xml.rels"] == plain["word/_rels/document.xml.rels"]


def test_document_properties_are_rendered_as_docxtpl_does(all_cases: dict[str, Case]) -> None:
    case = all_cases["proprietes"]
    a = Document(io.BytesIO(ours(case))).core_properties
    b = Document(io.BytesIO(oracle(case.path, case.context))).core_properties
    for prop in ("title", "author", "comments"):
        assert getattr(a, prop) == getattr(b, prop)
    # deliberate: docxtpl renders properties with the document's autoescaping, so « & »
    # comes out as « &amp; » in Word's Properties; a property is text, escaped once
    assert b.subject == "Coopération avec Orange &amp; Cie"
    assert (a.title, a.subject, a.author, a.comments) == (
        "Accord n° 2026-17", "Coopération avec Orange & Cie", "Service juridique", "Version 3")


def test_custom_properties_are_rendered_too(tmp_path: Path) -> None:
    """Beyond docxtpl (which leaves docProps/custom.xml as written)."""
    doc = Document()
    doc.add_paragraph("Corps")
    doc.save(tmp_path / "base.docx")
    parts = members((tmp_path / "base.docx").read_bytes())
    parts["docProps/custom.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        b'<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Dossier">'
        b"<vt:lpwstr>{{ dossier }}</vt:lpwstr></property></Properties>")
    path = tmp_path / "custom.docx"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    out = members(render_template(path, {"dossier": "SEM-2026 & co"}))["docProps/custom.xml"]
    assert b"<vt:lpwstr>SEM-2026 &amp; co</vt:lpwstr>" in out
    with pytest.raises(TemplateError, match=r"variable non définie : dossier — propriétés personnalisées"):
        render_template(path, {})


def test_a_value_printed_outside_a_render_says_so() -> None:
    with pytest.raises(jinja2.TemplateRuntimeError, match="ne s'imprime que dans un modèle"):
        str(RichText("x", url="https://example.org"))


def test_bad_image_is_refused_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "logo.png"
    bad.write_text("pas une image")
    with pytest.raises(accordgen.InputError, match="logo.png : format d'image non reconnu"):
        Image(bad)
    with pytest.raises(accordgen.InputError, match="largeur d'image invalide"):
        Image(png(2, 2, (0, 0, 0)), width_mm=0)


# --- LibreOffice opens every output -------------------------------------------------------

def test_libreoffice_opens_every_output(all_cases: dict[str, Case], tmp_path: Path) -> None:
    require_libreoffice()
    paths = []
    for case in all_cases.values():
        path = tmp_path / f"{case.name}.docx"
        path.write_bytes(ours(case))
        paths.append(path)
    pdfs = convert(paths, tmp_path / "pdf")
    for case, pdf in zip(all_cases.values(), pdfs, strict=True):
        text = " ".join(pdf_text(pdf).split())
        for shown in case.shows:
            assert shown in text, (case.name, shown)
        listed = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True).stdout
        assert len(listed.splitlines()[2:]) >= case.images, case.name


# --- accordgen lint knows the value objects and the custom filters -------------------------

def test_lint_knows_value_objects_and_custom_filters(simple: Callable[..., Path]) -> None:
    from accordgen.tools.lint import lint_template

    path = simple("Voir {{ lien }}, {{r bon }} ; {{ montant|euros }} ; {{ logo }} {{ logo.largeur }}")
    context = {"lien": RichText("a", url="https://example.org"), "bon": RichText("b"),
               "montant": 3, "logo": Image(png(2, 2, (0, 0, 0)))}
    messages = [f.message for f in lint_template(path, context=context, filters={"euros": str})]
    assert "« lien » est un texte enrichi : écrivez {{r lien }} (avec {{ lien }} son texte disparaît)" in messages
    assert not any("bon" in m or "euros" in m for m in messages)
    assert "champ inconnu « logo.largeur » (valeur de type Image)" in messages
    messages = [f.message for f in lint_template(path, context=context)]
    assert "balise Jinja invalide : filtre inconnu « euros »" in messages


def test_same_picture_in_a_header_and_a_subdocument(all_cases: dict[str, Case]) -> None:
    """Better than docxtpl: when a sub-document brings the picture a header's Image prints,
    docxtpl fails (« 'ImageWrapper' object has no attribute 'scaled_dimensions' »)."""
    case = all_cases["images"]
    clauses = all_cases["sous-document"].context["clauses"]  # its picture: bleu.png
    blue = case.path.parent / "bleu.png"
    doc = Document()
    doc.add_paragraph("{{p clauses }}")
    doc.sections[0].header.paragraphs[0].text = "{{ logo }}"
    path = case.path.parent / "meme-image.docx"
    doc.save(path)
    parts = members(render_template(path, {"clauses": clauses, "logo": Image(blue, width_mm=30)}))
    assert list(media(parts).values()) == [blue.read_bytes()]
    with pytest.raises(AttributeError, match="scaled_dimensions"):
        oracle(path, {}, prepare=lambda tpl: {"clauses": tpl.new_subdoc(str(clauses.name)),
                                              "logo": InlineImage(tpl, str(blue), width=Mm(30))})


def test_docxtpl_values_tied_to_another_template_are_named(simple: Callable[..., Path], tmp_path: Path) -> None:
    """docxtpl's InlineImage needs the DocxTemplate being rendered: say which value to use
    (it used to fail with « 'NoneType' object has no attribute 'current_rendering_part' »)."""
    path = simple("{{ logo }}")
    (tmp_path / "logo.png").write_bytes(png(2, 2, (0, 0, 0)))
    value = InlineImage(DocxTemplate(str(path)), str(tmp_path / "logo.png"))
    with pytest.raises(TemplateError, match="un InlineImage de docxtpl est lié à un autre modèle : utilisez accordgen.Image"):
        render_template(path, {"logo": value})


def test_workspace_filters_reach_every_kind(example: Path) -> None:
    doc = accordgen.load(example / "accord.yaml")
    assert accordgen.render_bytes(doc, filters={"inutile": str}) == accordgen.render_bytes(doc)
