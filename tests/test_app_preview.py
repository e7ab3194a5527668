"""The application's true preview without a browser: a generated document's PDF pages (cold
LibreOffice when the app runs none warm), and without LibreOffice a French note with the
simplified HTML preview, the DOCX still downloadable."""

from __future__ import annotations

from html import unescape
from pathlib import Path

import pytest

from accordgen.app import preview
from accordgen.app.ui import Application
from accordgen.app.ui_document import DocumentLine
from accordgen.workspace import init_workspace

from conftest import soffice

DOSSIER = "seine-et-marne-orange-2022"


def line_of(app: Application, name: str) -> DocumentLine:
    from accordgen.app import data

    row = data.dossier_row(app.loader, app.workspace, app.workspace / "dossiers" / DOSSIER / "accord.yaml")
    (doc_row,) = [r for r in row.documents if r.entry.rel.name == name]
    return DocumentLine(app, doc_row)


def test_without_libreoffice_a_french_note_and_the_html_preview(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORDGEN_SOFFICE", str(tmp_path / "absent"))
    monkeypatch.delenv(preview.ENV, raising=False)
    app = Application(init_workspace(tmp_path / "espace").path)
    line = line_of(app, "convention-1.yaml")
    line.generate()
    assert "Document généré" in line.status.value and "Télécharger DOCX" in line.links.value
    assert "Télécharger PDF" not in line.links.value
    note, html = line.preview.children
    assert "Aperçu PDF indisponible : LibreOffice n'est pas installé" in unescape(note.value) and "Aperçu simplifié" in html.value
    assert "CONVENTION SPÉCIFIQUE" in html.value.upper()


@pytest.mark.skipif(soffice() is None, reason="LibreOffice absent")
def test_pdf_pages_by_a_cold_libreoffice_when_none_is_warm(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(preview.ENV, raising=False)
    app = Application(init_workspace(tmp_path / "espace").path)
    line = line_of(app, "convention-1.yaml")
    line.generate()
    assert "Télécharger PDF" in line.links.value
    _header, box = line.preview.children
    pages = [bytes(image.value) for image in box.children]
    assert len(pages) >= 4 and all(p.startswith(b"\xff\xd8") for p in pages)  # JPEG pages


def test_a_dead_warm_address_falls_back_to_a_cold_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(preview.ENV, "127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("ACCORDGEN_SOFFICE", str(tmp_path / "absent"))
    docx = tmp_path / "x.docx"
    docx.write_bytes(b"PK")
    with pytest.raises(preview.PreviewError, match="LibreOffice n'est pas installé"):
        preview.pdf_bytes(docx, wait=0.5)


def test_a_warm_libreoffice_not_listening_is_given_up_at_once(tmp_path: Path) -> None:
    """While the app's LibreOffice is still starting (nothing listens yet), the preview waits
    for it in steps of 0.2 s up to its limit; unoserver's own client would sleep 10 s."""
    import time

    from accordgen.app.server import free_port
    from accordgen.tools.warm import WarmUnavailable

    start = time.monotonic()
    with pytest.raises(WarmUnavailable):
        preview._warm_pdf(f"127.0.0.1:{free_port()}", b"", wait=0.5)
    assert time.monotonic() - start < 3


def test_the_first_generation_of_each_kind_is_warmed_up_in_the_kernel_loop(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the home page is built, one document of each kind is rendered (in memory) on the
    kernel's event loop; outside a loop nothing is scheduled."""
    import asyncio

    from accordgen.app import warmup

    app = Application(init_workspace(tmp_path / "espace").path)
    docs = [line.doc for row in app.rows for line in row.documents]
    assert not warmup.schedule(docs)
    rendered: list[str] = []
    monkeypatch.setattr(warmup, "_render", lambda doc: rendered.append(doc.kind.name))
    monkeypatch.setattr(warmup, "_import_matplotlib", lambda: rendered.append("matplotlib"))
    monkeypatch.setattr(warmup, "DELAY", 0.0)

    async def kernel() -> bool:
        scheduled = warmup.schedule(docs)
        await asyncio.sleep(0.5)
        return scheduled

    assert asyncio.run(kernel())
    assert rendered[0] == "matplotlib"
    assert sorted(rendered[1:]) == sorted({d.kind.name for d in docs if d is not None})
    assert {"accord", "avenant-renouvellement", "convention-specifique", "lettre-resiliation"} <= set(rendered)


def test_the_dossier_page_shows_its_timeline(tmp_path: Path) -> None:
    app = Application(init_workspace(tmp_path / "espace").path)
    app.open_dossier(app.workspace / "dossiers" / DOSSIER / "accord.yaml")
    (frise,) = [c for c in app.dossier.children if "ag-frise" in c._dom_classes]
    heading, image = frise.children
    assert "Ce qui est en vigueur, et quand" in heading.value
    assert image.format == "png" and bytes(image.value).startswith(b"\x89PNG") and len(image.value) > 20_000
