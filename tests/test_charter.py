"""Issue 18, the charter: a workspace's logo, fonts, heading colour, margins and footer
mention show in every kind's DOCX and PDF without a template edit; a bad charter is refused
naming its file and field; the neutral charter of a new workspace changes nothing."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest

from accordgen.dossier import load
from accordgen.render import inputs_hash, render_bytes
from accordgen.workspace import init_workspace

from conftest import pdf_pages, pdf_text, run_cli, to_pdf

DOCUMENTS = ["accord.yaml", "avenant-1.yaml", "convention-1.yaml", "version-consolidee.yaml",
             "scenarios/lettre-resiliation-2023.yaml"]
MENTION = "Hôtel du Département – 12 rue de la Charte – 99000 Exemple – Tél. : 01 99 00 00 00"
CHARTE = f"""\
police: DejaVu Serif
police_titres: DejaVu Sans
couleur_titres: "#8B0000"
marges_mm: {{haut: 30, bas: 25, gauche: 30, droite: 20}}
logo: logo.png
logo_largeur_mm: 40
mention_pied: "{MENTION}"
"""


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


LOGO = png(80, 40, (0, 0, 145))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = init_workspace(tmp_path_factory.mktemp("charte") / "espace").path
    (ws / "charte" / "logo.png").write_bytes(LOGO)
    (ws / "charte" / "charte.yaml").write_text(CHARTE, encoding="utf-8")
    return ws


def dossier(ws: Path) -> Path:
    return ws / "dossiers" / "seine-et-marne-orange-2022"


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_a_new_workspace_has_a_neutral_charter_that_changes_nothing(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "espace").path
    assert "police:" in (ws / "charte" / "charte.yaml").read_text(encoding="utf-8")  # commented help
    accord = dossier(ws) / "accord.yaml"
    with_neutral = members(render_bytes(load(accord)))
    shutil.rmtree(ws / "charte")
    without = members(render_bytes(load(accord)))
    assert with_neutral.keys() == without.keys()
    for name in without:
        if name != "docProps/core.xml":
            assert with_neutral[name] == without[name], name


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_charter_shows_in_every_kind(workspace: Path, name: str) -> None:
    parts = members(render_bytes(load(dossier(workspace) / name)))
    styles = parts["word/styles.xml"].decode()
    assert 'w:rPrDefault><w:rPr><w:rFonts w:ascii="DejaVu Serif"' in styles
    assert "minorHAnsi" not in styles  # theme fonts replaced, not left to win
    heading = styles[styles.index('w:styleId="Title"'):]
    heading = heading[:heading.index("</w:style>")]
    assert 'w:ascii="DejaVu Sans"' in heading and '<w:color w:val="8B0000"/>' in heading
    document = parts["word/document.xml"].decode()
    assert '<w:pgMar w:top="1701" w:right="1134" w:bottom="1417" w:left="1701"' in document
    assert "<w:titlePg/>" in document and 'w:type="first"' in document
    logos = [n for n, data in parts.items() if n.startswith("word/media/") and data == LOGO]
    assert len(logos) == 1
    first = next(n for n in parts if n.startswith("word/header_charte"))
    assert b"<w:drawing>" in parts[first] and b"<w:drawing>" not in parts["word/header1.xml"]
    footers = [n for n in parts if n.startswith("word/footer") and n.endswith(".xml")]
    printed = MENTION.replace(" :", "\u00a0:").encode()  # the mention gets French typography too
    assert len(footers) == 2 and all(printed in parts[n] for n in footers)


def test_the_charter_shows_in_the_pdf(workspace: Path, tmp_path: Path) -> None:
    for name in ("accord.yaml", "scenarios/lettre-resiliation-2023.yaml"):
        docx = tmp_path / (Path(name).stem + ".docx")
        docx.write_bytes(render_bytes(load(dossier(workspace) / name)))
        pdf = to_pdf(docx, tmp_path)
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "DejaVuSerif" in fonts, fonts
        images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                                check=True).stdout.splitlines()[2:]
        assert [line.split()[0] for line in images] == ["1"], images  # the logo, first page only
        assert pdf_text(pdf).replace("\u00a0", " ").count(MENTION) == pdf_pages(pdf)  # every page's footer


def test_a_charter_change_changes_every_document_and_its_hash(workspace: Path, tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "espace").path
    shutil.copy(workspace / "charte" / "logo.png", ws / "charte" / "logo.png")
    (ws / "charte" / "charte.yaml").write_text(CHARTE, encoding="utf-8")
    doc = dossier(ws) / "convention-1.yaml"
    before = inputs_hash(load(doc))
    (ws / "charte" / "charte.yaml").write_text(CHARTE.replace("8B0000", "006400"), encoding="utf-8")
    assert inputs_hash(load(doc)) != before
    assert b'<w:color w:val="006400"/>' in members(render_bytes(load(doc)))["word/styles.xml"]
    (ws / "charte" / "logo.png").write_bytes(png(10, 10, (255, 0, 0)))
    assert inputs_hash(load(doc)) != before


@pytest.mark.parametrize(("line", "field", "message"), [
    ('couleur_titres: "rouge"', "couleur_titres", ""),
    ("logo: absent.png", "logo", "absent.png illisible"),
    ("logo: ../../secret.png", "logo", ""),
    ("marges_mm: {haut: 2, bas: 20, gauche: 20, droite: 20}", "marges_mm.haut", ""),
    ("polise: Arial", "polise", ""),
])
def test_a_bad_charter_is_refused_naming_file_and_field(tmp_path: Path, line: str, field: str,
                                                        message: str) -> None:
    ws = init_workspace(tmp_path / "espace").path
    (ws / "charte" / "charte.yaml").write_text(line + "\n", encoding="utf-8")
    out = tmp_path / "sortie" / "accord.docx"
    proc = run_cli("render", "accord", dossier(ws) / "accord.yaml", "-o", out)
    assert proc.returncode == 2, proc.stderr
    assert str(ws / "charte" / "charte.yaml") in proc.stderr and f"- {field} :" in proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


def test_lint_checks_the_charter(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "espace").path
    assert run_cli("lint", cwd=ws).returncode == 0
    (ws / "charte" / "charte.yaml").write_text("police: Police Inconnue De Test\n", encoding="utf-8")
    proc = run_cli("lint", cwd=ws)
    assert proc.returncode != 0
    assert "police « Police Inconnue De Test » absente de cette machine" in proc.stdout + proc.stderr
    (ws / "charte" / "logo.png").write_bytes(b"pas une image")
    (ws / "charte" / "charte.yaml").write_text("logo: logo.png\n", encoding="utf-8")
    proc = run_cli("lint", cwd=ws)
    assert "n'est pas une image PNG, JPEG, GIF ou BMP lisible" in proc.stdout + proc.stderr
