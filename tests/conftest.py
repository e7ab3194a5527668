"""Shared test helpers: the example dossier, the CLI, LibreOffice, papermill, golden texts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "seine-et-marne-orange-2022"
GOLDEN = Path(__file__).resolve().parent / "golden"
DATA = Path(__file__).resolve().parent / "data"
# The reference accord (public text), kept with the tests so they run without shared/.
SEED = DATA / "seed" / "accord-seine-et-marne-orange-2022.txt"


@pytest.fixture
def example() -> Path:
    return EXAMPLE


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command line (a new process), capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "accordgen", *map(str, args)],
        capture_output=True, text=True, cwd=cwd or ROOT, timeout=600,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def soffice() -> str | None:
    from accordgen.tools.pdf import find_soffice

    return find_soffice()


def require_libreoffice() -> str:
    """The soffice binary; skip with a reason when absent, unless CI requires it."""
    exe = soffice()
    if exe is None:
        if os.environ.get("ACCORDGEN_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice est requis en CI mais introuvable (soffice)")
        pytest.skip("LibreOffice absent (installez libreoffice-writer-nogui) : conversion PDF non testée")
    return exe


def to_pdf(docx: Path, outdir: Path) -> Path:
    """Convert with headless LibreOffice through accordgen.tools.pdf (a profile of this process's
    own, so parallel runs don't lock); the PDF is ``outdir/<stem>.pdf``."""
    from accordgen.tools.pdf import convert

    require_libreoffice()
    (pdf,) = convert(docx, outdir)
    return pdf


def pdf_pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def golden_text(docx: Path | bytes) -> str:
    """What a golden file holds: the body, one paragraph per line, then the headers and
    footers (where the « PROJET » mark of a draft is printed)."""
    from accordgen.tools.text import document_text, header_footer_text, normalise

    extra = [f"[en-tête/pied] {line}" for line in header_footer_text(docx)]
    return document_text(docx) + ("\n" + normalise("\n".join(extra)) if extra else "")


def check_golden(name: str, text: str) -> None:
    """Compare ``text`` with tests/golden/<name>; ACCORDGEN_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("ACCORDGEN_UPDATE_GOLDEN"):
        path.write_text(text + "\n", encoding="utf-8")
    assert path.exists(), f"texte de référence absent : {path} (ACCORDGEN_UPDATE_GOLDEN=1 pour le créer)"
    expected = path.read_text(encoding="utf-8").rstrip("\n")
    assert text == expected, f"le texte généré diffère de {path}"


def copy_signed(name: str, dest: Path) -> Path:
    """Copy an example file; an amendment is marked final (``statut: definitif``), so that,
    dated, it counts as signed (the example's amendment n° 1 is still a draft)."""
    text = (EXAMPLE / name).read_text(encoding="utf-8")
    if "type: avenant-renouvellement" in text:
        text = text.replace("\nstatut: projet\n", "\nstatut: definitif\n", 1)
    dest.write_text(text, encoding="utf-8")
    return dest


class CoreProps:
    """The core properties of a DOCX read from its XML (python-docx cannot be used: docxcompose,
    imported by docxtpl, rebinds python-docx's ``cp`` prefix to the custom-properties namespace
    for the whole process, so python-docx then reads keywords and status as empty)."""

    _NS = {"cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
           "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/"}

    def __init__(self, source) -> None:  # bytes or a path
        import io
        import zipfile
        from datetime import datetime

        from lxml import etree

        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            root = etree.fromstring(zf.read("docProps/core.xml"))

        def text(tag: str) -> str:
            node = root.find(tag, self._NS)
            return node.text or "" if node is not None else ""

        self.title, self.subject = text("dc:title"), text("dc:subject")
        self.keywords, self.comments = text("cp:keywords"), text("dc:description")
        self.content_status, self.version = text("cp:contentStatus"), text("cp:version")
        self.language, self.author = text("dc:language"), text("dc:creator")
        stamp = {t: text(f"dcterms:{t}") for t in ("created", "modified")}
        self.created = datetime.fromisoformat(stamp["created"].replace("Z", "+00:00")) if stamp["created"] else None
        self.modified = datetime.fromisoformat(stamp["modified"].replace("Z", "+00:00")) if stamp["modified"] else None
