"""One house style for every kind, and DOCX files Word opens: the same headings, counts and
signature layout in every kind's DOCX, and no OOXML schema error in any generated DOCX
(redlines included), checked with the openxml-audit validator."""

from __future__ import annotations

import io
import re
import zipfile
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

import accordgen
from accordgen.dossier import Loader
from accordgen.tools.redline import compare
from examples_support import examples_by_kind, kinds_with_example

from conftest import ROOT

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
SIGNATURE_STYLES = {"SignaturePartie", "SignatureQualite", "SignatureNom"}
HEADING = re.compile(r"^ARTICLE \d+[ \u00a0]: [^a-zàâçéèêëîïôûùüÿœ]+(?: n°\s\d+)?$")  # no-break space: typography
COUNT = re.compile(r"\b(un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix) \((\d+)\) exemplaires? originaux?\b")


@cache
def rendered() -> dict[str, bytes]:
    """Every example document's DOCX, by example path (relative to examples/)."""
    loader = Loader()
    return {str(path.relative_to(ROOT / "examples")): accordgen.render_bytes(loader.load(path))
            for paths in examples_by_kind().values() for path in paths}


def by_kind() -> dict[str, bytes]:
    """The first example of each kind."""
    return {kind: rendered()[str(examples_by_kind()[kind][0].relative_to(ROOT / "examples"))]
            for kind in kinds_with_example()}


def paragraphs(docx: bytes) -> list[tuple[str, str]]:
    """(style id, text) of every body paragraph, tables included."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    out = []
    for p in root.iterfind(".//w:body//w:p", NS):
        style = p.find("w:pPr/w:pStyle", NS)
        out.append((style.get(f"{{{W}}}val") if style is not None else "Normal",
                    "".join(t.text or "" for t in p.iterfind(".//w:t", NS))))
    return out


def styles_used(docx: bytes) -> set[str]:
    return {style for style, _ in paragraphs(docx)}


def test_every_kind_signs_with_the_same_blocks() -> None:
    for kind, docx in by_kind().items():
        used = styles_used(docx)
        assert used >= SIGNATURE_STYLES, f"{kind} : {sorted(SIGNATURE_STYLES - used)}"
        texts = [t for s, t in paragraphs(docx) if s == "SignatureQualite"]
        assert texts and all(t[:1].isupper() for t in texts), (kind, texts)
        assert all(not t.startswith("Signature :") for _, t in paragraphs(docx)), kind


def test_contracts_share_headings_and_the_fait_a_paragraph() -> None:
    contracts = {k: d for k, d in by_kind().items() if k != "lettre-resiliation"}
    assert len(contracts) >= 4
    styles = {kind: styles_used(docx) & {"Heading1", "Heading2", "FaitA", "Title", *SIGNATURE_STYLES}
              for kind, docx in contracts.items()}
    assert len({frozenset(s - {"Heading2"}) for s in styles.values()}) == 1, styles
    for kind, docx in contracts.items():
        headings = [t for s, t in paragraphs(docx) if s == "Heading1" and t != "Préambule"]
        assert headings and all(HEADING.match(h) for h in headings), (kind, headings)
        fait = [t for s, t in paragraphs(docx) if s == "FaitA"]
        assert len(fait) == 1 and fait[0].startswith("Fait à "), (kind, fait)
        assert COUNT.search(fait[0]), (kind, fait)


def test_every_style_used_is_a_house_style() -> None:
    """A style outside the house sheet (a drafter's stray « Heading 3 » or a pasted style)
    is a style the guide does not describe: docs/style.md lists them all."""
    guide = (ROOT / "docs" / "style.md").read_text(encoding="utf-8")
    for name, docx in rendered().items():
        for style in styles_used(docx):
            assert f"`{style}`" in guide, f"{name} : style {style} absent de docs/style.md"


def test_codes_are_named_in_lower_case() -> None:
    for name, docx in rendered().items():
        text = "\n".join(t for _, t in paragraphs(docx))
        assert not re.search(r"\b(Vu le|du|le) Code (civil|général)", text), name


# --- OOXML validity ---------------------------------------------------------------------------


@cache
def validator():  # noqa: ANN201 - openxml_audit.OpenXmlValidator
    openxml_audit = pytest.importorskip("openxml_audit")
    return openxml_audit.OpenXmlValidator()


def schema_errors(docx: bytes, tmp_path: Path, name: str) -> list[str]:
    path = tmp_path / (name.replace("/", "_") + ".docx")
    path.write_bytes(docx)
    result = validator().validate(str(path))
    return [str(e) for e in result.errors]


def test_no_schema_error_in_any_generated_docx(tmp_path: Path) -> None:
    for name, docx in rendered().items():
        assert schema_errors(docx, tmp_path, name) == [], name


def test_no_schema_error_in_redlines(tmp_path: Path) -> None:
    docs = rendered()
    accord = docs["seine-et-marne-orange-2022/accord.yaml"]
    consolidee = docs["seine-et-marne-orange-2022/version-consolidee.yaml"]
    conventions = [d for n, d in sorted(docs.items()) if "/convention-" in n]
    for i, (old, new) in enumerate([(accord, consolidee), (conventions[0], conventions[1])]):
        redline = compare(old, new, auteur="Service juridique")
        with zipfile.ZipFile(io.BytesIO(redline)) as z:
            assert b"<w:ins " in z.read("word/document.xml")
        assert schema_errors(redline, tmp_path, f"redline-{i}") == []


def test_templates_carry_no_styles_with_effects() -> None:
    for template in sorted((ROOT / "templates").glob("*.docx")):
        with zipfile.ZipFile(template) as z:
            assert "word/stylesWithEffects.xml" not in z.namelist(), template.name
            assert b"stylesWithEffects" not in z.read("word/_rels/document.xml.rels"), template.name
