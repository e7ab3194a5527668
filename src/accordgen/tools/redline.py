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
"""

from __future__ import annotations

import copy
import difflib
import os
import posixpath
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import date as Date
from itertools import accumulate
from pathlib import Path

from lxml import etree

from ..errors import InputError
from ..render.output import build_zip, write_atomic
from ..safeio import MAX_DOCX_BYTES, read_regular_file, read_zip_members

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DOCUMENT, SETTINGS = "word/document.xml", "word/settings.xml"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_SIMILAR = 0.5  # word ratio from which two changed paragraphs are diffed word by word
_MAX_PAIRINGS = 40_000  # beyond this many comparisons a changed stretch is not paired


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# A word with its elision apostrophe (« l' », « d’ »), a run of spaces (NBSP and U+202F
# included, tabs and breaks apart), or any other single character.
_TOKEN = re.compile(r"\w+['’]?|[^\S\t\n]+|.", re.DOTALL)
_WORD = re.compile(r"\w")
_SIMPLE_RUN = {w(t) for t in ("rPr", "t", "tab", "br", "cr", "lastRenderedPageBreak")}
_MARKERS = {w("bookmarkStart"), w("bookmarkEnd")}
_CHANGES = {w(t) for t in ("ins", "del", "moveFrom", "moveTo")}
_NOT_BLOCKS = {w("sectPr"), w("tcPr")}
_DROP_FROM_OLD = {w(t) for t in (
    "bookmarkStart", "bookmarkEnd", "proofErr", "commentRangeStart", "commentRangeEnd",
    "commentReference", "footnoteReference", "endnoteReference", "drawing", "pict", "object",
    "permStart", "permEnd")}
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


@dataclass
class _Ctx:
    """Revision attributes, NEW's style and numbering ids, and the running counts."""

    author: str
    date: str
    last_id: int
    styles: set[str]
    numbering: set[str]
    counts: Counter[str] = field(default_factory=Counter)

    def mark(self, kind: str) -> etree._Element:
        self.last_id += 1
        return etree.Element(w(kind), {w("id"): str(self.last_id), w("author"): self.author,
                                       w("date"): self.date}, nsmap={"w": W})


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


# --- text, keys and alignment --------------------------------------------------------------

def _text(block: etree._Element) -> str:
    out = []
    for el in block.iter(w("t"), w("tab"), w("br"), w("cr"), w("p")):
        if el.tag == w("t"):
            out.append(el.text or "")
        elif el.tag == w("p"):
            out.append("\n")
        elif el.getparent().tag == w("r"):  # not a tab stop of w:pPr
            out.append("\t" if el.tag == w("tab") else "\n")
    return "".join(out)


def _key(block: etree._Element) -> str:
    return f"{etree.QName(block).localname}:{_text(block)}"


def _words(text: str) -> int:
    return sum(1 for token in _TOKEN.findall(text) if _WORD.match(token))


def _similarities(ko: list[str], kn: list[str]) -> dict[tuple[int, int], float]:
    """Word ratio of each (old, new) pair of blocks of the same kind, when >= _SIMILAR. Each
    block is split into words once, and each new block indexed once (``set_seq2``)."""
    def split(key: str) -> tuple[str, list[str]]:
        return key.partition(":")[0], re.findall(r"\w+", key)

    olds, news = [split(k) for k in ko], [split(k) for k in kn]
    sim: dict[tuple[int, int], float] = {}
    m = difflib.SequenceMatcher(autojunk=False)
    for j, (kind_new, words_new) in enumerate(news):
        m.set_seq2(words_new)
        for i, (kind_old, words_old) in enumerate(olds):
            if kind_old != kind_new:
                continue
            m.set_seq1(words_old)
            if m.real_quick_ratio() >= _SIMILAR and m.quick_ratio() >= _SIMILAR:
                ratio = m.ratio()
                if ratio >= _SIMILAR:
                    sim[i, j] = ratio
    return sim


def _align(old: list, new: list) -> Iterator[tuple]:
    """(old, new, equal) triples in order; ``None`` on the side a block is missing from."""
    ko, kn = [_key(b) for b in old], [_key(b) for b in new]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ko, kn, autojunk=False).get_opcodes():
        if tag == "equal":
            yield from ((old[i], new[j], True) for i, j in zip(range(i1, i2), range(j1, j2), strict=True))
        else:
            yield from _pair(old[i1:i2], new[j1:j2], ko[i1:i2], kn[j1:j2])


def _pair(old: list, new: list, ko: list[str], kn: list[str]) -> Iterator[tuple]:
    """Pair the most similar blocks in order (dynamic programming); deletions first."""
    n, m = len(old), len(new)
    sim = _similarities(ko, kn) if n * m <= _MAX_PAIRINGS else {}
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            both = best[i + 1][j + 1] + sim[i, j] if (i, j) in sim else -1.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], both)
    i = j = 0
    while i < n or j < m:
        if (i, j) in sim and best[i][j] == best[i + 1][j + 1] + sim[i, j]:
            yield old[i], new[j], False
            i, j = i + 1, j + 1
        elif i < n and (j == m or best[i][j] == best[i + 1][j]):
            yield old[i], None, False
            i += 1
        else:
            yield None, new[j], False
            j += 1


# --- whole blocks ----------------------------------------------------------------------------

def _wrap_runs(p: etree._Element, kind: str, ctx: _Ctx) -> None:
    wrapper = None
    for r in [r for r in p.iter(w("r")) if next(r.iterancestors(w("p")), None) is p]:
        if r.getparent().tag in _CHANGES:
            continue
        if wrapper is None or r.getprevious() is not wrapper:
            wrapper = ctx.mark(kind)
            r.addprevious(wrapper)
        wrapper.append(r)


def _mark_paragraph(p: etree._Element, kind: str, ctx: _Ctx) -> None:
    ppr = p.find(w("pPr"))
    if ppr is None:
        ppr = etree.SubElement(p, w("pPr"))
        p.insert(0, ppr)
    rpr = ppr.find(w("rPr"))
    if rpr is None:
        rpr = etree.SubElement(ppr, w("rPr"))
        after = ppr.find(w("sectPr")) if ppr.find(w("sectPr")) is not None else ppr.find(w("pPrChange"))
        if after is not None:
            after.addprevious(rpr)
    rpr.insert(0, ctx.mark(kind))


def _mark_row(tr: etree._Element, kind: str, ctx: _Ctx) -> None:
    trpr = tr.find(w("trPr"))
    if trpr is None:
        trpr = etree.SubElement(tr, w("trPr"))
        ex = tr.find(w("tblPrEx"))
        ex.addnext(trpr) if ex is not None else tr.insert(0, trpr)
    change = trpr.find(w("trPrChange"))
    change.addprevious(ctx.mark(kind)) if change is not None else trpr.append(ctx.mark(kind))


def _mark_block(block: etree._Element, kind: str, ctx: _Ctx) -> None:
    """Mark a whole paragraph, table, row or other block inserted or deleted."""
    paragraphs = list(block.iter(w("p")))
    for p in paragraphs:
        _wrap_runs(p, kind, ctx)
        _mark_paragraph(p, kind, ctx)
    for tr in block.iter(w("tr")):
        _mark_row(tr, kind, ctx)
    if kind == "del":
        for el in block.iter(w("t"), w("instrText")):
            el.tag = w("delText") if el.tag == w("t") else w("delInstrText")
    label = "inseres" if kind == "ins" else "supprimes"
    ctx.counts[f"paragraphes_{label}"] += len(paragraphs)
    ctx.counts[f"mots_{label}"] += _words(_text(block))


def _unwrap(el: etree._Element) -> None:
    for child in list(el):
        el.addprevious(child)
    el.getparent().remove(el)


def _unresolvable(el: etree._Element, ctx: _Ctx) -> bool:
    """Whether an element of OLD points to something only OLD's other parts hold."""
    if not isinstance(el.tag, str) or el.tag in _DROP_FROM_OLD:
        return True
    if el.tag == w("sectPr"):  # a section break inside a deleted paragraph
        return el.getparent().tag == w("pPr")
    if el.tag in (w("pStyle"), w("rStyle"), w("tblStyle")):
        return el.get(w("val")) not in ctx.styles
    if el.tag == w("numPr"):
        num = el.find(w("numId"))
        return num is not None and num.get(w("val")) not in ctx.numbering | {"0"}
    return el.tag != w("hyperlink") and any(a.startswith(f"{{{R}}}") for a in el.attrib)


def _from_old(block: etree._Element, ctx: _Ctx) -> etree._Element:
    """A copy of an OLD element without what NEW cannot resolve (hyperlinks become text)."""
    block = copy.deepcopy(block)
    for el in list(block.iter()):
        if el is not block and _unresolvable(el, ctx):
            el.getparent().remove(el)
        elif el.tag == w("hyperlink"):
            _unwrap(el)
        else:
            for attr in (f"{{{W14}}}paraId", f"{{{W14}}}textId"):
                el.attrib.pop(attr, None)
    return block


def _deleted(block: etree._Element, ctx: _Ctx) -> etree._Element:
    block = _from_old(block, ctx)
    _mark_block(block, "del", ctx)
    return block


# --- paragraphs word by word -----------------------------------------------------------------

def _simple(p: etree._Element) -> bool:
    for child in p:
        if child.tag in (w("pPr"), w("proofErr")) or child.tag in _MARKERS:
            continue
        if child.tag != w("r") or any(c.tag not in _SIMPLE_RUN for c in child):
            return False
    return True


def _stream(p: etree._Element) -> tuple[str, list[tuple], list[tuple[int, etree._Element]]]:
    """The paragraph's text, the (run, tab/break element) each character comes from, and its
    bookmarks with their position."""
    chars: list[str] = []
    owners: list[tuple] = []
    markers = []
    for child in p:
        if child.tag in _MARKERS:
            markers.append((len(chars), child))
        elif child.tag == w("r"):
            for c in child:
                if c.tag == w("t"):
                    chars += c.text or ""
                    owners += [(child, None)] * len(c.text or "")
                elif c.tag in (w("tab"), w("br"), w("cr")):
                    chars.append("\t" if c.tag == w("tab") else "\n")
                    owners.append((child, c))
    return "".join(chars), owners, markers


def _runs(text: str, owners: list[tuple], start: int, end: int, deleted: bool,
          ctx: _Ctx) -> list[etree._Element]:
    """Runs for ``text[start:end]``, one per source run, with its properties."""
    runs: list[etree._Element] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            t = etree.SubElement(runs[-1], w("delText" if deleted else "t"))
            t.text = "".join(buf)
            t.set(XML_SPACE, "preserve")
            buf.clear()

    source = None
    for k in range(start, end):
        run, special = owners[k]
        if run is not source:
            flush()
            source = run
            runs.append(etree.Element(w("r"), nsmap={"w": W}))
            rpr = run.find(w("rPr"))
            if rpr is not None:
                runs[-1].append(_from_old(rpr, ctx) if deleted else copy.deepcopy(rpr))
        if special is None:
            buf.append(text[k])
        else:
            flush()
            runs[-1].append(copy.deepcopy(special))
    flush()
    return runs


def _changes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """Token opcodes; spaces or punctuation alone between two changes join them."""
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    merged: list[tuple[str, int, int, int, int]] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal" and 0 < k < len(ops) - 1 and not any(_WORD.match(t) for t in a[i1:i2]):
            tag = "replace"
        if tag != "equal" and merged and merged[-1][0] != "equal":
            merged[-1] = ("replace", merged[-1][1], i2, merged[-1][3], j2)
        else:
            merged.append((tag, i1, i2, j1, j2))
    return merged


def _word_diff(old: etree._Element, new: etree._Element, ctx: _Ctx) -> None:
    """Rebuild NEW's paragraph ``new`` (its w:pPr kept) with OLD's words deleted and NEW's
    inserted where they differ."""
    otext, oown, _ = _stream(old)
    ntext, nown, markers = _stream(new)
    otok, ntok = _TOKEN.findall(otext), _TOKEN.findall(ntext)
    ostart = list(accumulate(map(len, otok), initial=0))  # token k is text[start[k]:start[k + 1]]
    nstart = list(accumulate(map(len, ntok), initial=0))
    for child in list(new):
        if child.tag != w("pPr"):
            new.remove(child)
    pending = list(markers)

    def emit_new(a: int, b: int, inserted: bool) -> None:
        while pending and pending[0][0] < b:
            pos, marker = pending.pop(0)
            emit_new(a, pos, inserted)
            new.append(marker)
            a = max(a, pos)
        if a < b:
            runs = _runs(ntext, nown, a, b, False, ctx)
            if inserted:
                new.append(ctx.mark("ins"))
                new[-1].extend(runs)
            else:
                new.extend(runs)

    for tag, i1, i2, j1, j2 in _changes(otok, ntok):
        if tag == "equal":
            emit_new(nstart[j1], nstart[j2], False)
            continue
        if i2 > i1:
            new.append(ctx.mark("del"))
            new[-1].extend(_runs(otext, oown, ostart[i1], ostart[i2], True, ctx))
            ctx.counts["mots_supprimes"] += _words(otext[ostart[i1]:ostart[i2]])
        if j2 > j1:
            emit_new(nstart[j1], nstart[j2], True)
            ctx.counts["mots_inseres"] += _words(ntext[nstart[j1]:nstart[j2]])
    new.extend(marker for _, marker in pending)
    ctx.counts["paragraphes_modifies"] += 1


# --- containers and tables -------------------------------------------------------------------

def _diff_container(old: etree._Element, new: etree._Element, ctx: _Ctx) -> None:
    """Diff the blocks of a body, cell, header or footer; ``new`` becomes the redline."""
    ob = [c for c in old if isinstance(c.tag, str) and c.tag not in _NOT_BLOCKS | _DROP_FROM_OLD]
    nb = [c for c in new if isinstance(c.tag, str) and c.tag not in _NOT_BLOCKS]
    result = []
    for o, n, equal in _align(ob, nb):
        if equal:
            result.append(n)
        elif n is None:
            result.append(_deleted(o, ctx))
        elif o is None:
            _mark_block(n, "ins", ctx)
            result.append(n)
        elif n.tag == w("p") and _simple(o) and _simple(n):
            _word_diff(o, n, ctx)
            result.append(n)
        elif n.tag == w("tbl") and _rows_only(o) and _rows_only(n):
            _diff_rows(o, n, ctx)
            result.append(n)
        else:
            result.append(_deleted(o, ctx))
            _mark_block(n, "ins", ctx)
            result.append(n)
    anchor = new.find(w("sectPr"))
    for block in nb:
        new.remove(block)
    for block in result:
        anchor.addprevious(block) if anchor is not None else new.append(block)


def _rows_only(tbl: etree._Element) -> bool:
    allowed = (w("tblPr"), w("tblGrid"), w("tr"))
    return all(c.tag in allowed for c in tbl if isinstance(c.tag, str))


def _diff_rows(old: etree._Element, new: etree._Element, ctx: _Ctx) -> None:
    """Align two tables' rows; rows with as many cells are diffed cell by cell."""
    nrows = new.findall(w("tr"))
    result = []
    for o, n, equal in _align(old.findall(w("tr")), nrows):
        if equal:
            result.append(n)
        elif n is None:
            result.append(_deleted(o, ctx))
        elif o is not None and len(o.findall(w("tc"))) == len(n.findall(w("tc"))):
            for ocell, ncell in zip(o.findall(w("tc")), n.findall(w("tc")), strict=True):
                _diff_container(ocell, ncell, ctx)
            result.append(n)
        else:
            if o is not None:
                result.append(_deleted(o, ctx))
            _mark_block(n, "ins", ctx)
            result.append(n)
    for row in nrows:
        new.remove(row)
    new.extend(result)


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
    ctx = _Ctx(auteur, _stamp(date), _max_id(old_m, new_m),
               _ids(new_name, new_m, "word/styles.xml", "style", "styleId"),
               _ids(new_name, new_m, "word/numbering.xml", "num", "numId"))
    out = dict(new_m)
    old_parts = _header_footer_parts(old_name, old_m, old_root.find(w("body")))
    new_parts = _header_footer_parts(new_name, new_m, new_root.find(w("body")))
    _diff_container(old_root.find(w("body")), new_root.find(w("body")), ctx)
    out[DOCUMENT] = _serialize(new_root)
    done = set()
    for key, part in new_parts.items():
        if key in old_parts and part not in done:
            done.add(part)
            part_root = _parse(new_name, new_m, part)
            _diff_container(_parse(old_name, old_m, old_parts[key]), part_root, ctx)
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
