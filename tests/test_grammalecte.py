"""Grammalecte (Debian's ``grammalecte-cli``, the French proof-reader also shipped as a
LibreOffice extension) on the text of every example document: no finding outside a short,
commented allow-list. Skipped without grammalecte-cli, unless ACCORDGEN_REQUIRE_GRAMMALECTE=1.

The text given to Grammalecte is what the reader sees: one paragraph per line (body, tables,
headers, footers), no-break spaces kept, an ordinal's raised suffix as the Unicode modifier
letters it looks like (1ᵉʳ, 3ᵉ), deleted text left out.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

import accordgen
from accordgen.dossier import Loader
from accordgen.render import render_bytes

from conftest import EXAMPLE

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RAISED = str.maketrans("erdns", "ᵉʳᵈⁿˢ")
PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")


@dataclass(frozen=True)
class Allowed:
    rule: str  # Grammalecte's rule id (a regex), or "orthographe" for the spell-checker
    text: str  # the words underlined (a regex matching them whole)
    context: str = ""  # a regex searched in the words around (40 characters before and after)


# What Grammalecte reports that is right as printed. Keep it short: fix the text instead.
ALLOWED = [
    # A postal code, or a CEDEX « CS » number, read as a quantity wanting a thousands separator.
    Allowed("num_grand_nombre_soudé", r"\d{5}", r"(?:\d{5}\)?,? [A-ZÉ]|\(\d{5}\)|CS \d{5})"),
    Allowed("unit_nbsp_avant_unités\\d", r"\d{5} [A-Z]\w+", r"\d{5} [A-Z]\w+"),  # « 77115 Blandy »
    # A registered-mail number (an identifier in groups) read as a quantity.
    Allowed("num_grand_nombre_avec_espaces", r"\d{3} \d{3}", r"1A \d{3} \d{3} \d{4}"),
    # « n° » read as the noun « n » (agreement with the noun before it).
    Allowed(r"g3__gn_.*", "n", r"\bn°"),
    # « différend » (a dispute) is the legal noun, not the adjective « différent ».
    Allowed(r"g2__conf_différent_différend__.*", "différend"),
    # « vidéoprotection »: the legal term (code de la sécurité intérieure, art. L. 251-1),
    # which Grammalecte's « populaire » option calls newspeak.
    Allowed(r"g2__bs_vidéoprotection__.*", "vidéoprotection"),
    # « Vu le code civil », « le code général des collectivités territoriales », « le code de
    # la commande publique »: legislative drafting writes the names of codes in lower case
    # (Guide de légistique, Légifrance); the house style (docs/style.md) follows it.
    Allowed(r"g2__maj_code__.*", "code", r"code (civil|général|de la|du|des)\b"),
    # A list item continuing « le sous-traitant : » (the GDPR article): « prend » is not an
    # imperative.
    Allowed(r"gv1__imp_verbe_groupe3_d__.*", "prend", r"^prend toutes les mesures"),
    # « informations ... de quelque nature que ce soit communiquées » agrees with « informations ».
    Allowed(r"gv1__ppas_3sg_mas_verbe_état__.*", "communiquées", r"que ce soit communiquées"),
    # Proper names of the example dossier: people, places, brands, programmes.
    *(Allowed("orthographe", name) for name in (
        "PARIGI", "THOUVENY", "DUMONT", "BENALI", "HADDAD", "ROUSSEL", "RAAD", "Blandy",
        "Blandy-les-Tours", "ISSY-LES-MOULINEAUX", "Gardens", "pHARe", "Cyberdefense")),
    # Acronyms: RSE (responsabilité sociétale des entreprises), RGPD, EPCI, FSL (fonds de
    # solidarité pour le logement), JOP (jeux Olympiques et Paralympiques), PAQTE (pacte avec
    # les quartiers pour toutes les entreprises), OIT-IPEC, DAJ (direction des affaires
    # juridiques).
    *(Allowed("orthographe", name) for name in ("RSE", "RGPD", "EPCI", "FSL", "JOP", "PAQTE", "OIT-IPEC", "DAJ")),
    # Identifiers (a digit in the word): ACTES numbers, references, « MyStage77 ».
    Allowed("orthographe", r"\S*\d\S*"),
    # « (ii) »: the second item of an enumeration; « parasport »: in use (jeux Paralympiques,
    # ministère des Sports), not yet in Grammalecte's dictionary.
    Allowed("orthographe", "ii"),
    Allowed("orthographe", "parasport"),
]


def grammalecte() -> str:
    exe = shutil.which("grammalecte-cli")
    if exe is None:
        if os.environ.get("ACCORDGEN_REQUIRE_GRAMMALECTE") == "1":
            pytest.fail("grammalecte-cli est requis en CI mais introuvable (paquet Debian grammalecte-cli)")
        pytest.skip("grammalecte-cli absent (paquet Debian grammalecte-cli) : relecture non testée")
    return exe


def proof_text(docx: bytes) -> list[str]:
    """The printed paragraphs of a DOCX, as a reader sees them (see the module's docstring)."""
    lines = []
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        names = [n for n in zf.namelist() if PARTS.fullmatch(n)]
        for name in sorted(names, key=lambda n: (not n.startswith("word/document"), n)):
            root = etree.fromstring(zf.read(name))
            for p in root.iter(f"{W}p"):
                chunks = []
                for r in p.iter(f"{W}r"):
                    if next(r.iterancestors(f"{W}p")) is not p or any(
                            a.tag in (f"{W}del", f"{W}moveFrom") for a in r.iterancestors()):
                        continue
                    vert = r.find(f"{W}rPr/{W}vertAlign")
                    raised = vert is not None and vert.get(f"{W}val") == "superscript"
                    for el in r:
                        if el.tag == f"{W}t":
                            chunks.append((el.text or "").translate(RAISED) if raised else el.text or "")
                        elif el.tag in (f"{W}tab", f"{W}br", f"{W}cr"):
                            chunks.append(" ")
                line = "".join(chunks).strip()
                if line:
                    lines.append(line)
    return lines


def example_files() -> list[Path]:
    """Every example document of the dossier: accord, amendment, conventions, consolidated
    version and the letter scenario."""
    files = [p for p in sorted(EXAMPLE.rglob("*.yaml"))
             if re.search(r"^type:", p.read_text(encoding="utf-8"), re.M)]
    assert len(files) >= 10
    return files


@dataclass(frozen=True)
class Finding:
    document: str
    rule: str
    text: str
    before: str
    after: str
    message: str

    def allowed(self) -> bool:
        around = f"{self.before}{self.text}{self.after}"
        return any(re.fullmatch(a.rule, self.rule) and re.fullmatch(a.text, self.text)
                   and (not a.context or re.search(a.context, around)) for a in ALLOWED)

    def __str__(self) -> str:
        return f"{self.document} : « …{self.before}[{self.text}]{self.after}… » — {self.rule} : {self.message}"


def findings(exe: str, documents: dict[str, list[str]], folder: Path) -> list[Finding]:
    """Grammalecte's findings (grammar, typography and spelling), one run for all documents."""
    lines: list[tuple[str, str]] = [(name, line) for name, text in documents.items() for line in text]
    source = folder / "textes.txt"
    source.write_text("\n".join(line for _, line in lines) + "\n", encoding="utf-8")
    out = subprocess.run([exe, "-f", str(source), "-j", "-ctx"], capture_output=True, text=True,
                         timeout=600, check=True).stdout
    found = []
    for paragraph in json.loads(out)["data"]:
        name, line = lines[paragraph["iParagraph"] - 1]
        for e in paragraph["lGrammarErrors"]:
            found.append(Finding(name, e["sRuleId"], e["sUnderlined"], e["sBefore"][-40:], e["sAfter"][:40],
                                 e["sMessage"]))
        for e in paragraph["lSpellingErrors"]:
            start, end = e["nStart"], e["nEnd"]
            found.append(Finding(name, "orthographe", e["sValue"], line[max(0, start - 40):start],
                                 line[end:end + 40], "mot inconnu du dictionnaire"))
    return found


@pytest.fixture(scope="module")
def example_texts() -> dict[str, list[str]]:
    loader = Loader()
    return {str(path.relative_to(EXAMPLE)): proof_text(render_bytes(loader.load(path)))
            for path in example_files()}


@pytest.fixture(scope="module")
def example_findings(example_texts: dict[str, list[str]], tmp_path_factory: pytest.TempPathFactory) -> list[Finding]:
    return findings(grammalecte(), example_texts, tmp_path_factory.mktemp("grammalecte"))


def test_grammalecte_finds_nothing_outside_the_allow_list(example_findings: list[Finding]) -> None:
    left = [str(f) for f in example_findings if not f.allowed()]
    assert not left, f"{len(left)} remarque(s) de Grammalecte hors liste autorisée :\n" + "\n".join(left)


def test_every_allow_list_entry_is_still_needed(example_findings: list[Finding]) -> None:
    """An entry no finding uses any more hides nothing today but would hide a future fault."""
    found = example_findings
    unused = [a for a in ALLOWED
              if not any(re.fullmatch(a.rule, f.rule) and re.fullmatch(a.text, f.text)
                         and (not a.context or re.search(a.context, f"{f.before}{f.text}{f.after}"))
                         for f in found)]
    assert not unused, f"entrées de la liste autorisée devenues inutiles : {unused}"


def test_the_check_sees_the_faults_the_typography_pass_fixes(tmp_path: Path) -> None:
    """Without the typography pass, Grammalecte flags the accord (the test can fail)."""
    exe = grammalecte()
    doc = accordgen.load(EXAMPLE / "accord.yaml")
    raw = {"accord.yaml": proof_text(render_bytes(doc, typography=None))}
    rules = {f.rule for f in findings(exe, raw, tmp_path) if not f.allowed()}
    assert {"apostrophe_typographique", "nbsp_avant_deux_points", "typo_points_suspension1"} <= rules
    assert any(r.startswith("g2__typo_ordinaux") for r in rules)
