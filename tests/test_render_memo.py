"""What the render remembers between documents must never show in a document: a sub-document
composed once per template (clause variants), a template's members compressed once, the clause
library read once per loader. Each memo gives the bytes the uncached path gives, and follows
a change of its inputs."""

from __future__ import annotations

import io
import os
import random
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm

import accordgen
from accordgen import Image, RichText, Subdoc, render_template
from accordgen.dossier import Loader
from accordgen.render import values
from accordgen.render.engine import render_subdoc
from accordgen.render.output import _zipfile_archive, build_zip
from accordgen.render.template import load_template
from accordgen.tools.text import document_text
from test_render_engine import png

from conftest import EXAMPLE


def _no_compose(*_args: object) -> str:
    raise AssertionError("docxcompose appelé alors que la composition est connue")


@pytest.fixture
def host(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    """Two sub-documents (own style, numbered list, picture), a link after them in the body,
    a picture in the header: every kind of addition, in an order that mixes them."""
    blue, red = tmp_path / "bleu.png", tmp_path / "rouge.png"
    blue.write_bytes(png(30, 30, (0, 0, 200)))
    red.write_bytes(png(40, 20, (200, 0, 0)))
    sub = Document()
    sub.styles.add_style("Clause Accordgen", 1).font.bold = True
    sub.add_paragraph("Article 1 – Objet de la clause", style="Clause Accordgen")
    sub.add_paragraph("Premier engagement", style="List Number")
    sub.add_paragraph().add_run().add_picture(str(blue), width=Mm(12))
    sub.save(tmp_path / "clause-a.docx")
    sub = Document()
    sub.add_paragraph("Article 2 – Litiges", style="List Number")
    sub.add_paragraph().add_run().add_picture(str(red), width=Mm(10))
    sub.save(tmp_path / "clause-b.docx")
    doc = Document()
    for text in ("Avant", "{{p a }}", "{{p b }}", "Voir {{r lien }}", "Après"):
        doc.add_paragraph(text)
    doc.sections[0].header.paragraphs[0].text = "{{ logo }}"
    doc.save(tmp_path / "hote.docx")
    context = {"a": Subdoc(tmp_path / "clause-a.docx"), "b": Subdoc(tmp_path / "clause-b.docx"),
               "lien": RichText("le site", url="https://example.org/"), "logo": Image(red, width_mm=20)}
    return tmp_path / "hote.docx", context


def test_second_render_pastes_the_composition_with_the_same_bytes(
        host: tuple[Path, dict[str, object]], monkeypatch: pytest.MonkeyPatch) -> None:
    path, context = host
    first = render_template(path, context)
    template = load_template(path)
    assert len(template.compositions) == 2  # (a) and (a, b)
    monkeypatch.setattr(values, "compose", _no_compose)
    again = render_template(path, {**context, "a": Subdoc(path.parent / "clause-a.docx"),
                                   "b": Subdoc(path.parent / "clause-b.docx")})
    assert again == first
    text = document_text(again)
    assert "Article 1 – Objet de la clause" in text and "Article 2 – Litiges" in text and "le site" in text


def test_remembered_composition_gives_what_docxcompose_gives(
        host: tuple[Path, dict[str, object]]) -> None:
    path, context = host
    render_template(path, context)
    remembered = render_template(path, context)  # from the memo
    assert len(load_template(path).compositions) == 2
    os.utime(path, ns=(1, 1))  # another stamp: a newly compiled template, with an empty memo
    fresh_template = load_template(path)
    fresh_template.compositions.maxsize = 0
    assert render_template(path, context) == remembered
    assert len(fresh_template.compositions) == 0


def test_a_different_sub_document_is_composed_again(host: tuple[Path, dict[str, object]]) -> None:
    path, context = host
    render_template(path, context)
    order = render_template(path, {**context, "a": context["b"], "b": context["a"]})
    text = document_text(order)
    assert text.index("Article 2 – Litiges") < text.index("Article 1 – Objet de la clause")
    assert len(load_template(path).compositions) == 4


def test_rendered_clause_known_by_what_it_printed(tmp_path: Path) -> None:
    """A clause rendered with other values is another sub-document, never the remembered one."""
    clause = Document()
    clause.add_paragraph("Le tribunal administratif de {{ tribunal }} est compétent.")
    clause.save(tmp_path / "clause.docx")
    doc = Document()
    doc.add_paragraph("{{p clause }}")
    doc.save(tmp_path / "hote.docx")
    texts = [document_text(render_template(tmp_path / "hote.docx",
                                           {"clause": render_subdoc(tmp_path / "clause.docx", {"tribunal": ville})}))
             for ville in ("Melun", "Paris", "Melun")]
    assert ["Melun" in texts[0], "Paris" in texts[1], "Melun" in texts[2]] == [True, True, True]
    assert "Melun" not in texts[1]
    a, b = (render_subdoc(tmp_path / "clause.docx", {"tribunal": v}) for v in ("Melun", "Melun"))
    assert a.digest == b.digest and a.digest != render_subdoc(tmp_path / "clause.docx", {"tribunal": "Paris"}).digest
    assert zipfile.ZipFile(io.BytesIO(a.blob)).read("word/document.xml")  # built on demand


def test_example_convention_composes_its_clauses_once(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cost found by ``make bench``: docxcompose ran for every clause of every render."""
    loader = Loader()
    first = accordgen.render_bytes(loader.load(example / "convention-1.yaml"))
    monkeypatch.setattr(values, "compose", _no_compose)
    again = accordgen.render_bytes(Loader().load(example / "convention-1.yaml"))
    assert again == first


def test_build_zip_writes_what_zipfile_writes() -> None:
    rng = random.Random(7)
    for _ in range(30):
        members = {}
        for i in range(rng.randint(0, 10)):
            name = rng.choice(["word/document.xml", "docProps/core.xml", "word/média/é.png", "x"]) + str(i)
            size = rng.choice([0, 1, 300, 70_000])
            members[name] = rng.randbytes(size) if rng.random() < 0.4 else (b"<w:p>Article</w:p>" * size)[:size * 3]
        for compress in (True, False):
            assert build_zip(members, compress) == _zipfile_archive(members, compress)


def test_template_members_compressed_once_give_the_same_archive(example: Path) -> None:
    doc = accordgen.load(example / "accord.yaml")
    template = load_template(doc.template_path)
    data = accordgen.render_bytes(doc)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    members.update((name, template.members[name]) for name in members
                   if members[name] == template.members.get(name))  # the template's own objects
    assert build_zip(members, known=template.deflated) == _zipfile_archive(members) == data


def test_loader_reads_the_library_once_and_again_after_a_change(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from accordgen import library

    clauses = tmp_path / "clauses"
    shutil.copytree(Path(library.packaged(library.CLAUSES)), clauses)
    monkeypatch.setenv(library.ENV_CLAUSES, str(clauses))
    reads = []
    real = library.read_sidecar
    monkeypatch.setattr(library, "read_sidecar", lambda p: reads.append(p) or real(p))
    loader = Loader()
    doc = loader.load(EXAMPLE / "convention-1.yaml")
    accordgen.render_bytes(doc)
    accordgen.render_bytes(loader.load(EXAMPLE / "convention-2.yaml"))
    once = len(reads)
    assert once == len(list(clauses.glob("*/*.yaml")))
    sidecar = clauses / "litiges" / "tribunal-administratif.yaml"
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace("titre:", "titre: Modifié —", 1)
                       + "\n", encoding="utf-8")
    lib = loader.load(EXAMPLE / "convention-1.yaml").dossier.library()
    assert len(reads) == 2 * once
    assert lib.variant("litiges", "tribunal-administratif").sidecar.titre.startswith("Modifié —")
