"""The signature section every kind prints the same way (``signature_bloc`` in a context).

« Fait à <lieu>, le <date>, en N (N) exemplaires originaux. » then one block per signatory,
two per row: « Pour <partie>, », the signatory's quality with its article, room to sign and
for the seal, the name. A missing place or date prints a dotted line (an unsigned document).
Each signatory also names the PDF signature field placed over its block
(``signature-<party key>``, see :mod:`accordgen.tools.pdfsign`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from ..rules.fr import article, majuscule

_ARTICLE = re.compile(r"^(Le|La|Les|L')(?=[\s'’])|^(L')", re.IGNORECASE)


def pour_partie(partie: Mapping[str, Any]) -> str:
    """What follows « Pour » above a block: the party's own ``pour`` when given, else its
    designation with the article in lower case (« le Département de Seine-et-Marne »,
    « la société ORANGE », « l'Agence … »)."""
    if partie.get("pour") and partie["pour"] != partie.get("nom_texte"):
        return str(partie["pour"])
    designation = str(partie["designation"])
    if _ARTICLE.match(designation):
        return designation[:1].lower() + designation[1:]
    return designation


def champ(cle: str) -> str:
    """The PDF signature field's name for a party: ``signature-<key as a slug>``."""
    ascii_ = unicodedata.normalize("NFKD", cle).encode("ascii", "ignore").decode()
    return "signature-" + (re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-") or "partie")


def signataire(partie: Mapping[str, Any], personne: Mapping[str, Any]) -> dict[str, str]:
    """One block: party, quality (« Le Président du Conseil départemental »), name, field."""
    feminin = personne.get("civilite") == "Madame"
    return {
        "cle": str(partie["cle"]),
        "pour": pour_partie(partie),
        "qualite": majuscule(article(str(personne["qualite"]), feminin)),
        "nom": f"{personne['prenom']} {personne['nom']}",
        "champ": champ(str(partie["cle"])),
    }


def bloc(lieu: str | None, date: dt.date | None, exemplaires: int,
         signataires: Iterable[dict[str, str]], *, a_signer: bool = True) -> dict[str, Any]:
    """The ``signature_bloc`` of a context: place, date, copies, blocks two per row;
    ``a_signer``: whether the PDF gets signature fields (not a consolidated version, which
    reprints the initial accord's blocks but is read, not signed)."""
    liste = list(signataires)
    return {
        "a_signer": a_signer,
        "lieu": lieu or None,
        "date": date,
        "exemplaires": exemplaires,
        "signataires": liste,
        "lignes": [liste[i:i + 2] for i in range(0, len(liste), 2)],
    }


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FAIT_A = b'<w:pStyle w:val="FaitA"/>'


def keep_with_text(document_xml: bytes) -> bytes:
    """The body with « keep with next » on the paragraph before « Fait à », so that the
    signatures never open a page alone: the templates set it on their own paragraphs, but the
    last paragraph may come from a clause of the library (a sub-document). Unchanged (and not
    parsed) when there is no « Fait à » paragraph or its predecessor already keeps with it."""
    at = document_xml.rfind(_FAIT_A)
    if at < 0:
        return document_xml
    start = max(document_xml.rfind(b"<w:p>", 0, at), document_xml.rfind(b"<w:p ", 0, at))
    end = document_xml.rfind(b"</w:p>", 0, start)
    if end < 0 or document_xml[end + 6:start].strip() or b"<w:keepNext/>" in document_xml[
            max(document_xml.rfind(b"<w:p>", 0, end), document_xml.rfind(b"<w:p ", 0, end)):end]:
        return document_xml  # a table before it, or already kept
    from lxml import etree

    root = etree.fromstring(document_xml)
    fait = next(p for p in root.iter(f"{{{_W}}}p")
                if any(s.get(f"{{{_W}}}val") == "FaitA" for s in p.iterfind(f"{{{_W}}}pPr/{{{_W}}}pStyle")))
    prev = fait.getprevious()
    if prev is None or prev.tag != f"{{{_W}}}p":
        return document_xml
    ppr = prev.find(f"{{{_W}}}pPr")
    if ppr is None:
        ppr = etree.SubElement(prev, f"{{{_W}}}pPr")
        prev.insert(0, ppr)
    # schema order: pStyle first, then keepNext
    style = ppr.find(f"{{{_W}}}pStyle")
    keep = etree.Element(f"{{{_W}}}keepNext")
    if style is not None:
        style.addnext(keep)
    else:
        ppr.insert(0, keep)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
