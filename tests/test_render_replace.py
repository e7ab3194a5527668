"""The rest of docxtpl's per-render replacements and values, against docxtpl itself: an
embedded object replaced by content (``replace_embedded``) or by name (``replace_zipname``),
and a hyperlink on a picture (``InlineImage(..., anchor=url)``)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.shared import Mm
from docxtpl import InlineImage
from lxml import etree

from accordgen import Image, TemplateError, render_template
from accordgen.tools.pdf import convert
from test_render_engine import NS_R, assert_same, members, oracle, png, rels

from conftest import require_libreoffice

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
URL = "https://www.seine-et-marne.fr/?a=1&b=2"


def fake_xlsx(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("xl/workbook.xml", (2026, 1, 1, 0, 0, 0)), f"<workbook>{text}</workbook>")
    return buf.getvalue()


@pytest.fixture
def embedding(tmp_path: Path) -> Path:
    """A template with an embedded spreadsheet (a package part related to the body)."""
    doc = Document()
    doc.add_paragraph("Budget de {{ nom }} : voir le tableur joint.")
    part = Part(PackURI("/word/embeddings/Feuille1.xlsx"), XLSX, fake_xlsx("modèle"), doc.part.package)
    doc.part.relate_to(part, RT.PACKAGE)
    doc.save(tmp_path / "tableur.docx")
    (tmp_path / "modele.xlsx").write_bytes(fake_xlsx("modèle"))
    (tmp_path / "budget.xlsx").write_bytes(fake_xlsx("budget 2026"))
    (tmp_path / "logo.png").write_bytes(png(20, 10, (0, 120, 0)))
    return tmp_path / "tableur.docx"


def test_replace_embedded_as_docxtpl(embedding: Path) -> None:
    folder = embedding.parent
    ours = render_template(embedding, {"nom": "Orange"}, embedded={folder / "modele.xlsx": folder / "budget.xlsx"},
                           typography=None)  # docxtpl has no typography pass
    theirs = oracle(embedding, {"nom": "Orange"},
                    prepare=lambda tpl: tpl.replace_embedded(str(folder / "modele.xlsx"),
                                                             str(folder / "budget.xlsx")) or {})
    parts = assert_same(ours, theirs)
    assert parts["word/embeddings/Feuille1.xlsx"] == members(theirs)["word/embeddings/Feuille1.xlsx"] \
        == (folder / "budget.xlsx").read_bytes()


def test_replace_zipname_as_docxtpl(embedding: Path) -> None:
    folder = embedding.parent
    name = "word/embeddings/Feuille1.xlsx"
    ours = render_template(embedding, {"nom": "Orange"}, zipnames={name: folder / "budget.xlsx"},
                           typography=None)  # docxtpl has no typography pass
    theirs = oracle(embedding, {"nom": "Orange"},
                    prepare=lambda tpl: tpl.replace_zipname(name, str(folder / "budget.xlsx")) or {})
    assert members(assert_same(ours, theirs) and ours)[name] == members(theirs)[name] \
        == (folder / "budget.xlsx").read_bytes()


def test_replacements_survive_a_render_that_adds_a_picture(embedding: Path) -> None:
    """A render with an Image re-saves the package through python-docx: the embedded part and
    its replacement are kept."""
    folder = embedding.parent
    doc = Document(str(embedding))
    doc.add_paragraph("{{ logo }}")
    doc.save(folder / "avec-logo.docx")
    parts = members(render_template(folder / "avec-logo.docx", {"nom": "Orange", "logo": Image(folder / "logo.png")},
                                    embedded={folder / "modele.xlsx": folder / "budget.xlsx"}))
    assert parts["word/embeddings/Feuille1.xlsx"] == (folder / "budget.xlsx").read_bytes()


def test_what_to_replace_must_be_in_the_template(embedding: Path) -> None:
    """Deliberate: docxtpl ignores a name or a content it does not find (a typo goes unseen)."""
    folder = embedding.parent
    with pytest.raises(TemplateError, match="fichier à remplacer introuvable dans le modèle : word/embeddings/Feuil1.xlsx"):
        render_template(embedding, {"nom": "x"}, zipnames={"word/embeddings/Feuil1.xlsx": folder / "budget.xlsx"})
    with pytest.raises(TemplateError, match="objet incorporé à remplacer introuvable dans le modèle : .*budget.xlsx"):
        render_template(embedding, {"nom": "x"}, embedded={folder / "budget.xlsx": folder / "modele.xlsx"})


@pytest.fixture
def linked_logo(tmp_path: Path) -> Path:
    doc = Document()
    doc.add_paragraph("Logo : {{ logo }} fin.")
    doc.sections[0].header.paragraphs[0].text = "En-tête {{ logo }}"
    doc.save(tmp_path / "logo-lien.docx")
    (tmp_path / "logo.png").write_bytes(png(40, 20, (200, 0, 0)))
    return tmp_path / "logo-lien.docx"


def _links(parts: dict[str, bytes], name: str) -> list[str]:
    """The addresses a click on each picture of a part opens (frame, then picture)."""
    targets = rels(parts, name)
    root = etree.fromstring(parts[name])
    return [targets[el.get(f"{{{NS_R}}}id")].get("Target") for el in root.iter(f"{{{A}}}hlinkClick")]


def test_image_with_a_link_as_docxtpl_anchor(linked_logo: Path) -> None:
    logo = linked_logo.parent / "logo.png"
    ours = render_template(linked_logo, {"logo": Image(logo, width_mm=20, url=URL)},
                           typography=None)  # docxtpl has no typography pass
    theirs = oracle(linked_logo, {}, prepare=lambda tpl: {"logo": InlineImage(tpl, str(logo), width=Mm(20), anchor=URL)})
    parts = assert_same(ours, theirs)
    for name in ("word/document.xml", "word/header1.xml"):
        assert _links(parts, name) == _links(members(theirs), name) == [URL, URL]
    plain = members(render_template(linked_logo, {"logo": Image(logo, width_mm=20)}))
    assert _links(plain, "word/document.xml") == []


def test_libreoffice_follows_the_picture_link(linked_logo: Path, tmp_path: Path) -> None:
    require_libreoffice()
    out = tmp_path / "sortie.docx"
    out.write_bytes(render_template(linked_logo, {"logo": Image(linked_logo.parent / "logo.png", url=URL)}))
    (pdf,) = convert([out], tmp_path / "pdf")
    assert b"seine-et-marne.fr" in pdf.read_bytes().replace(b"\\", b"")
