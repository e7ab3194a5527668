"""Compare two DOCX files into a redline: NEW, with the changes from OLD as Word tracked changes.

NEW is the base document: every member of its archive is copied unchanged (styles, numbering,
section properties, images...) except ``word/document.xml``, ``word/settings.xml`` (which gets
``<w:trackRevisions/>`` so reviewers' further edits are tracked too) and the header and footer
parts that have a counterpart in OLD (same kind, type and order of reference). In each of
these parts, working on the XML with lxml:

1. the blocks (paragraphs, tables) of OLD and NEW are aligned with :class:`difflib.SequenceMatcher`
   on their text; equal blocks are NEW's, untouched;
2. inside a changed stretch, blocks are paired in order by similarity of their words
   (ratio >= 0.5). A paired paragraph made of simple runs is diffed word by word: ``w:del``
   around OLD's words (with OLD's run formatting), ``w:ins`` around NEW's (NEW's formatting).
   A paired table is aligned row by row, and paired rows with as many cells are diffed cell by
   cell the same way;
3. everything else is a whole block inserted (NEW's, runs in ``w:ins``, paragraph marks and
   table rows marked inserted) or deleted (a copy of OLD's, runs in ``w:del``, marks and rows
   marked deleted; references NEW cannot resolve are dropped from the copy: unknown styles and
   numbering, hyperlinks' targets, images, notes, comments, bookmarks).

Not tracked: formatting-only changes (same text, other style or run properties: NEW's are
kept); moves (shown as a deletion and an insertion); parts other than the body, headers and
footers (footnotes, comments...: NEW's are kept), and headers or footers only NEW has. A
changed paragraph holding more than simple runs (fields, links, images: e.g. a footer with
page numbers) is deleted and inserted whole. Inputs that already contain tracked changes are
compared on their raw XML.

:mod:`.align` aligns blocks and words (steps 1 and 2, pure sequences), :mod:`.wordml` writes
the revisions (steps 2 and 3, lxml); this module reads the archives and writes the result.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import date as Date
from pathlib import Path

from lxml import etree

from ...errors import InputError
from ...render.output import build_zip, write_atomic
from ...safeio import MAX_DOCX_BYTES, read_regular_file, read_zip_members
from .wordml import R, Revisions, diff_container, w

__all__ = ["CompareError", "Resume", "compare", "compare_files", "parse_date"]

DOCUMENT, SETTINGS = "word/document.xml", "word/settings.xml"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_SETTINGS_BEFORE = {w(t) for t in (
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts", "embedSystemFonts",
    "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges",
    "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop",
    "hideSpellingErrors", "hideGrammaticalErrors", "activeWritingStyle", "proofState",
    "formsDesign", "attachedTemplate", "linkStyles", "stylePaneFormatFilter",
    "stylePaneSortMethod", "documentType", "mailMerge", "revisionView")}


class CompareError(InputError):
    """Raised when a document to compare cannot be read (missing, not a DOCX, no
    word/document.xml, invalid XML), when the output would overwrite one of them, or when
    the revision date is not a date. Names the file."""


@dataclass(frozen=True)
class Resume:
    """What changed from OLD to NEW (body, headers and footers)."""

    paragraphes_modifies: int = 0
    paragraphes_inseres: int = 0
    paragraphes_supprimes: int = 0
    mots_inseres: int = 0
    mots_supprimes: int = 0

    @property
    def identique(self) -> bool:
        return not any(vars(self).values())

    def __str__(self) -> str:
        if self.identique:
            return "aucune différence"

        def n(count: int, one: str, many: str) -> str:
            return f"{count} {one if count < 2 else many}"

        return (f"{n(self.paragraphes_modifies, 'paragraphe modifié', 'paragraphes modifiés')}, "
                f"{n(self.paragraphes_inseres, 'inséré', 'insérés')}, "
                f"{n(self.paragraphes_supprimes, 'supprimé', 'supprimés')} ; "
                f"{n(self.mots_inseres, 'mot inséré', 'mots insérés')}, "
                f"{n(self.mots_supprimes, 'supprimé', 'supprimés')}")


# --- reading and writing -------------------------------------------------------------------

def _read(source: Path | str | bytes, label: str) -> tuple[str, dict[str, bytes]]:
    if isinstance(source, bytes):
        name, data = label, source
    else:
        name = str(source)
        data = read_regular_file(source, MAX_DOCX_BYTES, error=CompareError)
    members = read_zip_members(data, name, error=CompareError)  # bounded decompression
    if DOCUMENT not in members:
        raise CompareError(name, "ce n'est pas un document Word (.docx) : word/document.xml absent")
    return name, members


def _parse(name: str, members: dict[str, bytes], part: str) -> etree._Element:
    try:
        return etree.fromstring(members[part], _PARSER)
    except etree.XMLSyntaxError:
        raise CompareError(name, f"{part} illisible (XML invalide)") from None


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _ids(name: str, members: dict[str, bytes], part: str, tag: str, attr: str) -> set[str]:
    if part not in members:
        return set()
    return {el.get(w(attr)) for el in _parse(name, members, part).iter(w(tag))}


def _max_id(*archives: dict[str, bytes]) -> int:
    found = [int(m) for members in archives for part, data in members.items()
             if part.startswith("word/") and part.endswith(".xml")
             for m in re.findall(rb'w:id="(\d+)"', data)]
    return max(found, default=0)


def _stamp(when: datetime | Date | None) -> str:
    if when is None:
        when = datetime.now(UTC)
    elif not isinstance(when, datetime):
        when = datetime(when.year, when.month, when.day, tzinfo=UTC)
    elif when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_date(text: str) -> datetime:
    """An ISO date or date-time (``2024-05-02``, ``2024-05-02T14:30:00``, ``...Z``)."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise CompareError("--date", f"date invalide « {text} » : attendu AAAA-MM-JJ ou "
                                     "AAAA-MM-JJTHH:MM:SS") from None


# --- headers, footers, settings --------------------------------------------------------------

def _header_footer_parts(name: str, members: dict[str, bytes], body: etree._Element) -> dict:
    """{(kind, type, order): part name} for the header and footer references of a document."""
    rels_part = "word/_rels/document.xml.rels"
    targets = {}
    if rels_part in members:
        for rel in _parse(name, members, rels_part):
            target = rel.get("Target", "")
            targets[rel.get("Id")] = (target.lstrip("/") if target.startswith("/")
                                      else posixpath.normpath(posixpath.join("word", target)))
    parts, seen = {}, Counter()
    for ref in body.iter(w("headerReference"), w("footerReference")):
        kind = (ref.tag, ref.get(w("type"), "default"))
        parts[(*kind, seen[kind])] = targets.get(ref.get(f"{{{R}}}id"))
        seen[kind] += 1
    return {key: part for key, part in parts.items() if part in members}


def _track_revisions(root: etree._Element) -> bytes:
    if root.find(w("trackRevisions")) is None:
        element = etree.SubElement(root, w("trackRevisions"))
        before = [c for c in root if c.tag in _SETTINGS_BEFORE]
        before[-1].addnext(element) if before else root.insert(0, element)
    return _serialize(root)


# --- API ---------------------------------------------------------------------------------------

def _redline(old: Path | str | bytes, new: Path | str | bytes, auteur: str,
             date: datetime | Date | None) -> tuple[bytes, Resume]:
    old_name, old_m = _read(old, "ancien document")
    new_name, new_m = _read(new, "nouveau document")
    old_root, new_root = _parse(old_name, old_m, DOCUMENT), _parse(new_name, new_m, DOCUMENT)
    for name, root in ((old_name, old_root), (new_name, new_root)):
        if root.find(w("body")) is None:
            raise CompareError(name, "word/document.xml sans corps de document (w:body)")
    ctx = Revisions(auteur, _stamp(date), _max_id(old_m, new_m),
               _ids(new_name, new_m, "word/styles.xml", "style", "styleId"),
               _ids(new_name, new_m, "word/numbering.xml", "num", "numId"))
    out = dict(new_m)
    old_parts = _header_footer_parts(old_name, old_m, old_root.find(w("body")))
    new_parts = _header_footer_parts(new_name, new_m, new_root.find(w("body")))
    diff_container(old_root.find(w("body")), new_root.find(w("body")), ctx)
    out[DOCUMENT] = _serialize(new_root)
    done = set()
    for key, part in new_parts.items():
        if key in old_parts and part not in done:
            done.add(part)
            part_root = _parse(new_name, new_m, part)
            diff_container(_parse(old_name, old_m, old_parts[key]), part_root, ctx)
            out[part] = _serialize(part_root)
    if SETTINGS in out:
        out[SETTINGS] = _track_revisions(_parse(new_name, new_m, SETTINGS))
    return build_zip(out), Resume(**ctx.counts)


def compare(old: Path | str | bytes, new: Path | str | bytes, *, auteur: str = "accordgen",
            date: datetime | Date | None = None) -> bytes:
    """The redline DOCX (bytes): NEW with the changes from OLD as tracked changes by ``auteur``
    at ``date`` (default: now, UTC; give it for reproducible output)."""
    return _redline(old, new, auteur, date)[0]


def compare_files(old: Path | str | bytes, new: Path | str | bytes, out: Path | str, *,
                  auteur: str = "accordgen", date: datetime | Date | None = None) -> Resume:
    """Write the redline of OLD and NEW to ``out`` (atomically) and return what changed."""
    out = Path(out)
    for source in (old, new):
        if not isinstance(source, bytes) and _same_file(Path(source), out):
            raise CompareError(out, "le fichier de sortie est aussi un des documents comparés : "
                                    "choisissez un autre nom")
    data, resume = _redline(old, new, auteur, date)
    write_atomic(out, data)
    return resume


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()
