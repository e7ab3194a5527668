"""Signature-ready PDFs: room to sign in every block, no page of signatures alone, PDF/A-2b
with every font embedded, and one empty signature field per signatory over its block, which
signs and validates (throw-away self-signed certificate)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from functools import cache
from pathlib import Path

import pytest

import accordgen
from accordgen.dossier import Loader
from accordgen.tools.pdfsign import signature_slots
from examples_support import examples_by_kind

from conftest import EXAMPLE, ROOT, require_libreoffice, run_cli

pytestmark = pytest.mark.slow
CM = 72 / 2.54
HEADER_BAND = 2.6 * CM  # the text starts at 3 cm; a draft's « PROJET » line sits above


@cache
def exported(folder: str) -> dict[str, tuple[bytes, Path]]:
    """Every example document: its DOCX bytes and its PDF/A (one LibreOffice run)."""
    from accordgen.tools.pdf import convert

    require_libreoffice()
    out = Path(folder)
    loader = Loader()
    docs: dict[str, Path] = {}
    for paths in examples_by_kind().values():
        for path in paths:
            name = str(path.relative_to(ROOT / "examples")).replace("/", "_").removesuffix(".yaml")
            docs[name] = accordgen.render(loader.load(path), out / f"{name}.docx")
    pdfs = convert(list(docs.values()), out, pdfa=True)
    return {name: (docx.read_bytes(), pdf) for (name, docx), pdf in zip(docs.items(), pdfs, strict=True)}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bytes, Path]]:
    return exported(str(tmp_path_factory.mktemp("pdfa")))


def blocks(docx: bytes) -> list[tuple[str, str, str]]:
    """(pour, qualité, nom) of each block, from the DOCX."""
    from test_house_style import paragraphs

    paras = [(s, t) for s, t in paragraphs(docx) if s.startswith("Signature") and t]
    partie = [t for s, t in paras if s == "SignaturePartie"]
    qualite = [t for s, t in paras if s == "SignatureQualite"]
    nom = [t for s, t in paras if s == "SignatureNom"]
    return list(zip(partie[-len(nom):], qualite, nom, strict=True))


# --- layout ------------------------------------------------------------------------------------


def test_every_block_leaves_room_to_sign(pdfs: dict[str, tuple[bytes, Path]]) -> None:
    import pdfplumber

    for name, (docx, pdf) in pdfs.items():
        found = 0
        with pdfplumber.open(pdf) as doc:
            page = doc.pages[-1]
            for _, qualite, nom in blocks(docx):
                q = page.search(qualite.rstrip(","), regex=False)
                n = page.search(nom, regex=False)
                assert q and n, f"{name} : bloc de {nom} absent de la dernière page"
                q, n = q[-1], n[-1]
                # nothing printed between the quality line and the name, in the block's column
                between = [c for c in page.chars if q["bottom"] < c["top"] < n["top"]
                           and n["x0"] - 1 <= c["x0"] < n["x0"] + page.width / 3 and c["text"].strip()]
                assert between == [], f"{name} : texte dans la place de signature de {nom}"
                free = n["top"] - q["bottom"]
                assert free >= 2.5 * CM, f"{name} : {free / CM:.2f} cm pour signer ({nom})"
                found += 1
        assert found >= 1, name


def test_no_page_holds_only_the_signatures(pdfs: dict[str, tuple[bytes, Path]]) -> None:
    import pdfplumber

    for name, (_, pdf) in pdfs.items():
        with pdfplumber.open(pdf) as doc:
            for page in doc.pages:
                fait = page.search("Fait à ", regex=False)
                if not fait:
                    continue
                above = [w for w in page.extract_words()
                         if w["top"] > HEADER_BAND and w["bottom"] < fait[0]["top"] - 1]
                assert len(above) >= 5, f"{name} : la page {page.page_number} ne porte que les signatures"


# --- PDF/A ---------------------------------------------------------------------------------------


def fonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def assert_pdfa(pdf: Path | bytes) -> None:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf) as doc:
        meta = doc.open_metadata()
        assert meta.get("pdfaid:part") == "2" and meta.get("pdfaid:conformance") == "B"


def test_pdfa_declares_part_2_b_with_every_font_embedded(pdfs: dict[str, tuple[bytes, Path]]) -> None:
    for name, (_, pdf) in pdfs.items():
        assert_pdfa(pdf)
        table = fonts(pdf)
        assert table, name
        for row in table:
            assert row[-5] == "yes", f"{name} : police non incorporée {row[0]}"


def test_render_and_batch_take_pdfa(tmp_path: Path) -> None:
    require_libreoffice()
    out = tmp_path / "lettre.docx"
    done = run_cli("render", "lettre-resiliation", str(EXAMPLE / "scenarios" / "lettre-resiliation-2023.yaml"),
                   "-o", str(out), "--pdfa")
    assert done.returncode == 0, done.stderr
    assert "PDF/A-2b" in done.stdout
    assert_pdfa(out.with_suffix(".pdf"))
    register = tmp_path / "registre.csv"
    register.write_text("type;fichier\naccord;" + str(EXAMPLE / "accord.yaml") + "\n", encoding="utf-8")
    done = run_cli("batch", str(register), "--out", str(tmp_path / "lot"), "--mode", "groupe",
                   "--pdfa", "--quiet")
    assert done.returncode == 0, done.stderr
    (pdf,) = (tmp_path / "lot").rglob("*.pdf")
    assert_pdfa(pdf)


# --- signature fields ---------------------------------------------------------------------------


def fields_of(pdf: bytes) -> dict[str, tuple[int, list[float]]]:
    """Signature field name -> (0-based page, rectangle)."""
    import pikepdf

    found = {}
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        pages = {page.obj.objgen: i for i, page in enumerate(doc.pages)}
        for field in doc.Root.AcroForm.Fields:
            if field.get("/FT") == "/Sig":
                found[str(field.T)] = (pages[field.P.objgen], [float(v) for v in field.Rect])
    return found


def test_one_field_per_signatory_over_its_block(pdfs: dict[str, tuple[bytes, Path]]) -> None:
    import pdfplumber

    for name, (docx, pdf) in pdfs.items():
        data = pdf.read_bytes()
        slots = signature_slots(docx)
        if "version-consolidee" in name or "avenant-1" in name:  # a reading document; a draft
            assert slots == [] and b"/FT /Sig" not in data and b"/FT/Sig" not in data, name
            continue
        fields = fields_of(data)
        expected = {"signature-departement", "signature-orange"} if "lettre" not in name \
            else {"signature-departement"}
        assert set(fields) == expected, name
        with pdfplumber.open(pdf) as doc:
            for slot in slots:
                page_no, (x1, y1, x2, y2) = fields[slot.champ]
                page = doc.pages[page_no]
                (nom,) = [h for h in page.search(slot.nom, regex=False)][-1:]
                # just above the name, in its column, on the page that prints it
                assert x1 <= nom["x0"] + 1 and nom["x1"] <= x2 + 1, (name, slot)
                assert abs((page.height - y1) - nom["top"]) < 5, (name, slot)
                assert y2 - y1 >= 2.5 * CM, (name, slot)


def self_signed():  # noqa: ANN201 - a pyHanko signer and its certificate
    from asn1crypto import keys, x509
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, "Signataire de test")])
    now = dt.datetime.now(dt.UTC)
    cert = (cx509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(cx509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(cx509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(cx509.KeyUsage(digital_signature=True, content_commitment=True,
                                          key_encipherment=False, data_encipherment=False,
                                          key_agreement=False, key_cert_sign=True, crl_sign=True,
                                          encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    asn_cert = x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    asn_key = keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    signer = signers.SimpleSigner(signing_cert=asn_cert, signing_key=asn_key,
                                  cert_registry=SimpleCertificateStore.from_certs([asn_cert]))
    return signer, asn_cert


def test_each_field_signs_and_validates(pdfs: dict[str, tuple[bytes, Path]]) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    signer, cert = self_signed()
    _, pdf = pdfs["seine-et-marne-orange-2022_accord"]
    data = pdf.read_bytes()
    names = sorted(fields_of(data))
    for field in names:
        out = io.BytesIO()
        signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)),
                         signers.PdfSignatureMetadata(field_name=field), signer=signer, output=out)
        data = out.getvalue()
    reader = PdfFileReader(io.BytesIO(data))
    assert sorted(s.field_name for s in reader.embedded_signatures) == names
    for sig in reader.embedded_signatures:
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=[cert]))
        assert status.intact and status.valid, (sig.field_name, status.summary())
    assert_pdfa(data)  # signing, like adding the fields, keeps the PDF/A identification
