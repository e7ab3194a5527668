"""The accord kind end to end: seed fidelity, a second dossier, LibreOffice, papermill, bad input."""

from __future__ import annotations

import difflib
import re
import unicodedata
from pathlib import Path

import pytest

import accordgen
from accordgen.runner import NotebookError, run_notebook
from accordgen.tools.text import document_text, normalise

from conftest import DATA, EXAMPLE, SEED, check_golden, golden_text, pdf_text, run_cli, to_pdf

HAUTE_VIENNE = DATA / "accord" / "good-haute-vienne" / "accord.yaml"


# The example reproduces the seed with its spelling proof-read (tests/test_grammalecte.py).
PROOFREAD = {"ACCORD DE COOPERATION ENTRE DEPARTEMENT": "ACCORD DE COOPÉRATION ENTRE LE DÉPARTEMENT",
             "cyber sécurité": "cybersécurité", "cyber harcèlement": "cyberharcèlement",
             "cyber criminalité": "cybercriminalité", "cyber défense": "cyberdéfense",
             "vidéo-protection": "vidéoprotection", "A travers": "À travers", "A son niveau": "À son niveau",
             "les Ecoles": "les Écoles", "du Esport": "de l'e-sport"}


def seed_raw() -> str:
    """The seed as published, its spelling proof-read as in the example."""
    text = SEED.read_text(encoding="utf-8")
    for typed, proofread in PROOFREAD.items():
        assert typed in text, typed
        text = text.replace(typed, proofread)
    return text


def seed_text() -> str:
    """The seed without its markdown markers, whitespace normalised."""
    text = seed_raw()
    text = re.sub(r"^#+\s*", "", text, flags=re.M).replace("**", "")
    text = re.sub(r"^- ", "", text, flags=re.M)
    return normalise(text)


def fold(text: str) -> str:
    """Compare headings and bullets regardless of accents, case, dashes and spacing."""
    text = text.replace("œ", "oe").replace("Œ", "OE")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[–—-]", "-", text)
    text = re.sub(r"n°\s*", "n° ", text)
    # the house style writes every article heading « ARTICLE N : TITRE » (the seed mixes in « – »)
    text = re.sub(r"^(article \d+) - ", r"\1 : ", text)
    return re.sub(r"\s+", " ", text).strip(" ,.;")


@pytest.fixture(scope="module")
def example_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("accord") / "accord.docx"
    accordgen.render(accordgen.load(EXAMPLE / "accord.yaml"), out)
    return out


def test_example_reproduces_the_seed(example_docx: Path) -> None:
    got = document_text(example_docx)
    ratio = difflib.SequenceMatcher(None, seed_text(), got, autojunk=False).ratio()
    assert ratio >= 0.98, f"similarité avec l'accord de référence : {ratio:.4f}"


def test_every_seed_heading_and_axis_bullet_is_present(example_docx: Path) -> None:
    lines = [fold(line) for line in document_text(example_docx).splitlines()]
    raw = seed_raw()
    headings = [fold(h.replace("**", "")) for h in re.findall(r"^(?:#+\s*)?\*\*(ARTICLE [^\n]+)$", raw, re.M)]
    axes = [fold(h.replace("**", "")) for h in re.findall(r"^#+\s*\*\*(Axe de coopération[^\n]+)$", raw, re.M)]
    assert len(headings) == 13 and len(axes) == 6
    for heading in headings + axes:
        assert heading in lines, f"titre absent : {heading}"
    body = raw[raw.index("ARTICLE 2 : AXES"):raw.index("ARTICLE 3 : MODALITES")]
    bullets = [fold(b) for b in re.findall(r"^- (.+)$", body, re.M)]
    assert len(bullets) == 18
    for bullet in bullets:
        assert bullet in lines, f"puce absente : {bullet}"


def test_example_golden_text(example_docx: Path) -> None:
    check_golden("accord.txt", golden_text(example_docx))


def test_example_key_values_are_written_in_words_and_digits(example_docx: Path) -> None:
    text = document_text(example_docx)
    assert "préavis de quinze (15) jours suivant l'envoi" in text
    assert "période de cinq (5) ans, à compter de sa signature, soit du 1er juillet 2022 au 30 juin 2027 inclus" in text
    assert "délai de deux (2) mois à compter de sa survenance, le litige sera soumis au tribunal de Commerce de Paris" in text
    assert "Fait à Melun, le 1er juillet 2022" in text
    assert "Ci-après désigné par « Département »" in text
    assert "Ci-après désignée par « Orange »" in text
    assert "délibération du Conseil départemental en date du 17 juin 2022" in text


SEED_WORDS = ["Seine-et-Marne", "Orange", "ORANGE", "Melun", "PARIGI", "THOUVENY", "Nanterre",
              "Paris", "Blandy", "Issy", "Roosevelt", "227", "380", "juin 2022", "quinze", "cinq (5)"]


def test_second_dossier_has_its_own_values_and_none_of_the_seed(tmp_path: Path) -> None:
    out = tmp_path / "hv.docx"
    accordgen.render(accordgen.load(HAUTE_VIENNE), out)
    text = document_text(out)
    for word in SEED_WORDS:
        assert word not in text, f"« {word} » de l'accord de référence apparaît dans un autre dossier"
    for expected in [
        "ACCORD DE COOPÉRATION ENTRE LE DÉPARTEMENT DE LA HAUTE-VIENNE ET LA SOCIÉTÉ ARMOR RÉSEAUX",
        "préavis de trente (30) jours suivant l'envoi",
        "période de trois (3) ans, à compter de sa signature, soit du 2 avril 2024 au 1er avril 2027 inclus",
        "dans un délai maximum de dix (10) jours",
        "perdure pour une durée de trois (3) ans au terme du présent Accord",
        "dans un délai d'un (1) mois à compter de sa survenance",
        "le litige sera soumis au tribunal administratif de Limoges",
        "Fait à Limoges, le 2 avril 2024",
        "représenté par Madame Hélène VERGNAUD, Présidente du Conseil départemental, habilitée aux "
        "présentes par délibération n° CP-2024-118 de la Commission permanente en date du 15 mars 2024",
        "Ci-après désignée par « Armor Réseaux »",
        "Axe de coopération n° 3 : Tiers-lieux numériques",
        "Le Département et Armor Réseaux étant désignés",
        "Le Département autorise Armor Réseaux",
        "Armor Réseaux autorise le Département",
        "le logo d'Armor Réseaux",
    ]:
        assert expected in text, expected
    assert len(re.findall(r"^Axe de coopération n° \d", text, re.M)) == 3


def test_blank_signature_date_leaves_the_place_for_signing(tmp_path: Path) -> None:
    src = (EXAMPLE / "accord.yaml").read_text(encoding="utf-8").replace("  date: 2022-07-01\n", "")
    (tmp_path / "accord.yaml").write_text(src, encoding="utf-8")
    out = tmp_path / "a.docx"
    accordgen.render(accordgen.load(tmp_path / "accord.yaml"), out)
    text = document_text(out)
    # an unsigned document prints a dotted line for the date, as every kind does
    assert "Fait à Melun, le ……………………, en deux (2) exemplaires originaux." in text
    assert "période de cinq (5) ans, à compter de sa signature. Il pourra" in text


def test_documents_open_in_libreoffice(example_docx: Path, tmp_path: Path) -> None:
    pdf = to_pdf(example_docx, tmp_path)
    text = pdf_text(pdf)
    assert "ARTICLE 13" in text and "Page 1 sur" in text
    other = tmp_path / "hv.docx"
    accordgen.render(accordgen.load(HAUTE_VIENNE), other)
    assert "Limoges" in pdf_text(to_pdf(other, tmp_path))


def test_notebook_through_papermill(tmp_path: Path) -> None:
    kind = accordgen.get_kind("accord")
    executed = run_notebook(kind, EXAMPLE / "accord.yaml", tmp_path, tmp_path / "run.ipynb")
    assert executed.exists()
    assert "Conseil départemental" in document_text(tmp_path / "accord.docx")


def test_notebook_with_invalid_dossier_fails_with_the_message(tmp_path: Path) -> None:
    bad = tmp_path / "accord.yaml"
    bad.write_text((EXAMPLE / "accord.yaml").read_text(encoding="utf-8")
                   .replace('siren: "380129866"', 'siren: "380129867"'), encoding="utf-8")
    with pytest.raises(NotebookError) as err:
        run_notebook(accordgen.get_kind("accord"), bad, tmp_path, tmp_path / "run.ipynb")
    assert "parties[1].siren" in str(err.value) and "SIREN invalide" in str(err.value)
    assert not list(tmp_path.glob("*.docx"))


# --- bad input through the real command line -------------------------------------------

def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = (EXAMPLE / "accord.yaml").read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "accord.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


BAD = [
    pytest.param("  juridiction: tribunal de Commerce de Paris\n", "",
                 "clauses.juridiction", "champ obligatoire manquant", id="missing-field"),
    pytest.param("duree: {valeur: 5, unite: ans}", "duree: {valeur: cinq, unite: ans}",
                 "clauses.duree.valeur", "nombre entier attendu", id="wrong-type"),
    pytest.param("date: 2022-07-01", "date: 2022-02-30",
                 "signature.date", "date invalide ou impossible", id="impossible-date"),
    pytest.param('siren: "380129866"', 'siren: "380129867"',
                 "parties[1].siren", "SIREN invalide", id="invalid-siren"),
    pytest.param("      date: 2022-06-17", "      date: 2022-06-16",
                 "actes.identifiant", "diffère de la date de la délibération", id="actes-date"),
    pytest.param("  exemplaires: 2", "  exemplaire: 2",
                 "signature.exemplaire", "champ inconnu", id="unknown-key"),
    pytest.param("signataires: [orange, departement]", "signataires: [orange, region]",
                 "signature.signataires[1]", "partie inconnue « region »", id="unknown-party"),
]


@pytest.mark.parametrize(("old", "new", "path", "message"), BAD)
def test_bad_input_is_refused_with_a_french_message(tmp_path: Path, old: str, new: str,
                                                   path: str, message: str) -> None:
    src = _variant(tmp_path, old, new)
    out = tmp_path / "out.docx"
    proc = run_cli("render", "accord", src, "-o", out)
    assert proc.returncode == 2, proc.stderr
    assert str(src) in proc.stderr
    assert f"{path} : " in proc.stderr and message in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()
    assert not list(tmp_path.glob("*.docx*"))


def test_check_validates_without_writing(tmp_path: Path) -> None:
    proc = run_cli("check", "accord", EXAMPLE / "accord.yaml", cwd=tmp_path)
    assert proc.returncode == 0
    assert "Accord de coopération valide" in proc.stdout
    assert "du 1er juillet 2022 au 30 juin 2027 inclus" in normalise(proc.stdout)
    assert list(tmp_path.iterdir()) == []


def test_render_writes_the_named_file(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "accord.docx"
    proc = run_cli("render", "accord", EXAMPLE / "accord.yaml", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "ARTICLE 13" in document_text(out)


def test_kind_mismatch_is_refused(tmp_path: Path) -> None:
    proc = run_cli("check", "accord", HAUTE_VIENNE.parent / "nope.yaml")
    assert proc.returncode == 2 and "fichier introuvable" in proc.stderr
