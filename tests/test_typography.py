"""The French typography pass (render/typography.py): each rule, what it must leave alone,
the runs it edits, and its effect on the example documents."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from lxml import etree

import accordgen
from accordgen import Typography, render_bytes
from accordgen.render.typography import apply, apply_text

from conftest import EXAMPLE

NB, NN = "\u00a0", "\u202f"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"


# --- the rules on a paragraph's text -----------------------------------------------------------

@pytest.mark.parametrize(("typed", "printed"), [
    ("Objet : test ; oui ! non ?", f"Objet{NB}: test{NB}; oui{NB}! non{NB}?"),
    ("Objet: voir", f"Objet{NB}: voir"),
    ("Signature  :", f"Signature{NB}:"),
    ("vraiment ?!", f"vraiment{NB}?!"),
    (f"déjà{NN}; gardée", f"déjà{NN}; gardée"),  # a narrow one typed (filter « typo ») is kept
    ("« Département »", f"«{NB}Département{NB}»"),
    ("«Orange»", f"«{NB}Orange{NB}»"),
    ("l'accord d'Orange, aujourd'hui", "l’accord d’Orange, aujourd’hui"),
    ("cyberharcèlement...)", "cyberharcèlement…)"),
    ("environ 1 000 salariés", f"environ 1{NN}000 salariés"),
    ("en 2022 100 000 euros", f"en 2022 100{NN}000 euros"),
    (f"1{NB}500,00{NB}€ (mille cinq cents euros)", f"1{NN}500,00{NN}€ (mille cinq cents euros)"),
    ("pour 4% des émissions, 4 % ou 12,5 %", f"pour 4{NN}% des émissions, 4{NN}% ou 12,5{NN}%"),
    ("un budget de 15000 €", f"un budget de 15{NN}000{NN}€"),
    ("n°1 et n° 2, N° 3", f"n°{NB}1 et n°{NB}2, N°{NB}3"),
    ("le 3ème étage, la 1ère fois, 2nde", "le 3e étage, la 1re fois, 2nde"),
])
def test_rule(typed: str, printed: str) -> None:
    assert apply_text(typed) == printed
    assert apply_text(printed) == printed  # idempotent


@pytest.mark.parametrize("text", [
    "le 24 juin 2022, le 24/06/2022, en 2022-2027",  # dates, years
    "Hôtel du Département, CS 50377, 77010 Melun cedex",  # postal code, CEDEX box
    "77 010 Melun",  # a postal code typed in two groups
    f"immatriculée sous le numéro 380{NB}129{NB}866",  # SIREN
    "SIREN 380 129 866, SIRET 380 129 866 00012",
    "tél. 01 64 14 77 77 ou +33 1 64 14 77 77, 0 800 123 456",  # telephone numbers
    "recommandé n°\u00a01A 123 456 7890 1",  # registered-mail number
    "articles L. 3211-2 et R. 1111-1, Cass. 3e civ., n°\u00a017-11.312",  # article, decision
    "accusé de réception n°\u00a0077-227700010-20220617-lmc100000023831-DE",  # ACTES
    "à 14:30, ratio 3:2",  # times
    "https://www.example.org/page?x=1 et contact@example.org",  # URL, e-mail
    "Fait à ........................, le ........................",  # dotted lines to fill in
    "dit 'exemple' entre apostrophes droites",  # quotation marks, not elisions
    "1e, 2er, A1er, 01er",  # not ordinals
])
def test_left_alone(text: str) -> None:
    assert apply_text(text) == text


def test_the_apostrophe_is_an_option() -> None:
    plain = Typography(apostrophe=False)
    assert apply_text("l'accord : oui", plain) == f"l'accord{NB}: oui"


# --- editing the runs ----------------------------------------------------------------------------

def body(*paragraphs: str) -> etree._Element:
    return etree.fromstring(f'<w:document xmlns:w="{W_NS}" '
                            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                            f'<w:body>{"".join(paragraphs)}</w:body></w:document>')


def runs(p: etree._Element) -> list[tuple[str, str]]:
    """(text, formatting) of each run of a paragraph; formatting: b (bold), ^ (superscript)."""
    out = []
    for r in p.iter(f"{W}r"):
        text = "".join(t.text or "" for t in r.iter(f"{W}t"))
        fmt = ("b" if r.find(f"{W}rPr/{W}b") is not None else "") + (
            "^" if r.find(f"{W}rPr/{W}vertAlign[@{W}val='superscript']") is not None else "")
        out.append((text, fmt))
    return out


def test_a_sentence_across_runs_is_corrected_in_place() -> None:
    root = body('<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Objet</w:t></w:r><w:r><w:t xml:space="preserve"> : l</w:t></w:r>'
                "<w:r><w:t>'accord</w:t></w:r></w:p>")
    assert apply(root) == 2
    assert runs(root.find(f".//{W}p")) == [("Objet", "b"), (f"{NB}: l", ""), ("’accord", "")]


def test_an_ordinal_is_raised_in_a_run_of_its_own_with_the_same_formatting() -> None:
    root = body('<w:p><w:r><w:rPr><w:b/><w:lang w:val="fr-FR"/></w:rPr><w:t xml:space="preserve">du 1er juillet</w:t></w:r>'
                "<w:r><w:t>, le 3</w:t></w:r><w:r><w:t>ème étage</w:t></w:r></w:p>")
    apply(root)
    p = root.find(f".//{W}p")
    assert runs(p) == [("du 1", "b"), ("er", "b^"), (" juillet", "b"), (", le 3", ""), ("e", "^"), (" étage", "")]
    rpr = [c.tag for c in p.findall(f"{W}r")[1].find(f"{W}rPr")]
    assert rpr == [f"{W}b", f"{W}vertAlign", f"{W}lang"]  # the schema's order


def test_twice_changes_nothing() -> None:
    root = body("<w:p><w:r><w:t xml:space=\"preserve\">Le 1er juillet : l'accord « 4% »...</w:t></w:r></w:p>")
    apply(root)
    once = etree.tostring(root)
    assert apply(root) == 0
    assert etree.tostring(root) == once


def test_field_codes_results_deleted_text_and_link_targets_are_left_alone() -> None:
    root = body(
        # a complex field: its code and its result (a page number)
        '<w:p><w:r><w:t xml:space="preserve">Page </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> HYPERLINK "http://a.fr/x?y=1" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>l\'1er : 1000</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>',
        # a simple field, a deletion, a hyperlink
        '<w:p><w:fldSimple w:instr=" PAGE "><w:r><w:t>2e</w:t></w:r></w:fldSimple>'
        "<w:del w:id=\"1\" w:author=\"a\"><w:r><w:delText>l'ancien texte :</w:delText></w:r></w:del>"
        '<w:hyperlink r:id="rId9"><w:r><w:t>https://example.org/a:b?c=d</w:t></w:r></w:hyperlink></w:p>')
    before = etree.tostring(root)
    assert apply(root) == 0
    assert etree.tostring(root) == before


def test_a_text_box_paragraph_is_a_paragraph_of_its_own() -> None:
    root = body('<w:p><w:r><w:t>Avant</w:t></w:r><w:r><w:drawing><w:txbxContent><w:p><w:r><w:t>dedans</w:t></w:r></w:p>'
                "</w:txbxContent></w:drawing></w:r><w:r><w:t xml:space=\"preserve\">après :</w:t></w:r></w:p>")
    apply(root)
    outer, inner = root.iter(f"{W}p")
    assert [t.text for t in inner.iter(f"{W}t")] == ["dedans"]
    assert outer.findall(f"{W}r")[-1].find(f"{W}t").text == f"après{NB}:"


# --- the documents ------------------------------------------------------------------------------

def document_xml(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read("word/document.xml"))


def texts(root: etree._Element) -> str:
    return "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p"))


@pytest.fixture(scope="module")
def accord() -> accordgen.Document:
    return accordgen.load(EXAMPLE / "accord.yaml")


def test_the_example_accord_is_printed_in_french_typography(accord: accordgen.Document) -> None:
    root = document_xml(render_bytes(accord))
    text = texts(root)
    assert "représentant de l’État" in text  # template string
    assert f"pour 4{NN}% des émissions" in text  # a value typed « 4% »
    assert f"environ 1{NN}000 salariés" in text
    assert f"les thématiques suivantes{NB}:" in text
    assert "cyberharcèlement…)" in text
    assert "stages de 3e," in text and "3ème" not in text
    assert "'" not in text
    raised = [r for r in root.iter(f"{W}r") if r.find(f"{W}rPr/{W}vertAlign[@{W}val='superscript']") is not None]
    assert {"".join(t.text for t in r.iter(f"{W}t")) for r in raised} == {"er", "e"}
    # the value in the YAML stays as typed
    assert "4% des émissions" in (EXAMPLE / "accord.yaml").read_text(encoding="utf-8")


def test_the_pass_can_be_set_or_left_out(accord: accordgen.Document) -> None:
    plain = texts(document_xml(render_bytes(accord, typography=Typography(apostrophe=False))))
    assert "représentant de l'État" in plain and f"suivantes{NB}:" in plain
    raw = texts(document_xml(render_bytes(accord, typography=None)))
    assert "pour 4% des émissions" in raw and "stages de 3ème" in raw


def test_issue_16_point_18_no_breaking_space_left_in_any_example_document() -> None:
    """Point 18 of the legal-soundness issue: no-break spaces were applied only partly. In every
    example document (accord, amendment, conventions, consolidated version, letter), no
    ordinary space before « : ; ! ? » or « » », after « « » or « n° », before « % » or « € »."""
    from accordgen.dossier import Loader

    loader = Loader()
    paths = [p for p in sorted(EXAMPLE.rglob("*.yaml")) if "\ntype:" in "\n" + p.read_text(encoding="utf-8")]
    assert len(paths) >= 10
    for path in paths:
        with zipfile.ZipFile(io.BytesIO(render_bytes(loader.load(path)))) as zf:
            for name in zf.namelist():
                if name.startswith("word/") and name.endswith(".xml") and "/_rels" not in name:
                    root = etree.fromstring(zf.read(name))
                    for p in root.iter(f"{W}p"):
                        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
                        bad = re.search(r"\S ?[ ][:;!?»%€]|«[ ]|n°[ ]", text)
                        assert bad is None, f"{path.name}, {name} : « {bad.group()} » dans « {text[:120]} »"
