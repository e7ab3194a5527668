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
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import pytest
from docx import Document
from docxtpl import DocxTemplate
from lxml import etree

import accordgen
from accordgen import TemplateError, render_template

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
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
        assert grid(a[name]) == grid(b[name]), name
        assert rel_targets(a, name) == rel_targets(b, name), name
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
    return out


@pytest.fixture(scope="module")
def all_cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    return {c.name: c for c in cases(tmp_path_factory.mktemp("engine"))}


CASES = ["tableaux-plus", "tableaux-moins", "filtres"]


def ours(case: Case) -> bytes:
    return render_template(case.path, case.context, **case.kwargs)


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
