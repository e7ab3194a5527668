"""Draft status: a draft says « PROJET », its version and date in the header of every page and
in its document properties; the final text carries no mark."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

import accordgen
from accordgen.models.base import today
from accordgen.rules.fr import date_longue
from accordgen.tools.text import document_text, header_footer_text, normalise
from examples_support import base_example, kinds_with_example

from conftest import EXAMPLE, copy_signed, pdf_pages, run_cli, to_pdf

ACCORD = EXAMPLE / "accord.yaml"


def header(docx: bytes | Path) -> str:
    """Header and footer text, typographic spaces made plain (« 20 novembre » has a NBSP)."""
    return normalise("\n".join(header_footer_text(docx)))


def core(docx: bytes | Path) -> str:
    data = docx if isinstance(docx, bytes) else Path(docx).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read("docProps/core.xml").decode()


@pytest.mark.parametrize("kind", kinds_with_example())
def test_every_kind_marks_a_draft_and_not_the_final(kind: str, tmp_path: Path) -> None:
    path = base_example(kind)
    extra: dict[str, object] = {}
    if kind == "accord-consolide":  # a final consolidated version includes signed amendments only
        for name in ("accord.yaml", "avenant-1.yaml", path.name):
            copy_signed(name, tmp_path / name)
        path, extra = tmp_path / path.name, {"inclure_projets": False}
    draft = accordgen.render_bytes(accordgen.load(path, kind, {"statut": "projet", "version": 4,
                                                               "date_version": "2026-11-27", **extra}))
    final = accordgen.render_bytes(accordgen.load(path, kind, {"statut": "definitif", "version": None,
                                                               "date_version": None, **extra}))
    assert "PROJET – version 4 du 27 novembre 2026 – document de travail" in header(draft)
    assert "PROJET" not in header(final) and "document de travail" not in header(final)
    # the body is the same text: the mark is in the header only
    assert document_text(draft) == document_text(final)
    assert "<cp:contentStatus>Projet</cp:contentStatus>" in core(draft)
    assert "<cp:version>4</cp:version>" in core(draft)
    assert "<cp:contentStatus>Définitif</cp:contentStatus>" in core(final)
    assert "<cp:version>" not in core(final)


def test_a_draft_is_the_default_and_is_dated_the_day_it_is_generated(tmp_path: Path) -> None:
    path = tmp_path / "accord.yaml"
    path.write_text(ACCORD.read_text(encoding="utf-8").replace("statut: definitif\n", ""), encoding="utf-8")
    doc = accordgen.load(path)
    assert doc.params.statut.value == "projet"  # type: ignore[attr-defined]
    docx = accordgen.render_bytes(doc)
    # the day in Paris, the Département's (between 23:00 and midnight UTC, not the machine's date)
    assert f"PROJET du {normalise(date_longue(today()))} – document de travail" in header(docx)
    stamp = today().isoformat()
    assert f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}T00:00:00Z' in core(docx)


@pytest.mark.parametrize("written", ["Définitif", "DEFINITIF", " definitif "])
def test_the_status_is_read_as_a_drafter_types_it(written: str) -> None:
    doc = accordgen.load(ACCORD, overrides={"statut": written})
    assert doc.params.statut.value == "definitif"  # type: ignore[attr-defined]


def test_an_unknown_status_is_refused_naming_the_file_and_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "accord.yaml"
    bad.write_text(ACCORD.read_text(encoding="utf-8").replace("statut: definitif", "statut: brouillon"),
                   encoding="utf-8")
    out = tmp_path / "accord.docx"
    proc = run_cli("render", "accord", bad, "-o", out)
    assert proc.returncode == 2
    assert str(bad) in proc.stderr and "statut" in proc.stderr
    assert "brouillon" in proc.stderr and "projet" in proc.stderr and "definitif" in proc.stderr
    assert not out.exists()


def test_the_example_amendment_is_a_draft_in_negotiation() -> None:
    text = header(accordgen.render_bytes(accordgen.load(EXAMPLE / "avenant-1.yaml")))
    assert "PROJET – version 2 du 20 novembre 2026 – document de travail" in text


@pytest.mark.slow
def test_a_draft_pdf_shows_projet_on_every_page(tmp_path: Path) -> None:
    docx = accordgen.render(accordgen.load(ACCORD, overrides={"statut": "projet", "version": "3"}),
                            tmp_path / "accord-projet.docx")
    final = accordgen.render(accordgen.load(ACCORD), tmp_path / "accord.docx")
    pdf, pdf_final = to_pdf(docx, tmp_path), to_pdf(final, tmp_path)
    pages = pdf_pages(pdf)
    assert pages >= 5, "l'accord tient sur plusieurs pages : le test doit en voir plusieurs"
    for page in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert re.search(r"PROJET\s+–\s+version 3 du", text), f"page {page} sans la mention PROJET"
    final_text = subprocess.run(["pdftotext", str(pdf_final), "-"], capture_output=True, text=True,
                                check=True).stdout
    assert "PROJET" not in final_text
