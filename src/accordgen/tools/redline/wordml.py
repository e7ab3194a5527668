"""Writing a redline in WordprocessingML: revision marks (``w:ins``, ``w:del``, marked
paragraph marks and table rows) on whole blocks, paired paragraphs rebuilt word by word, and
the blocks of a body, cell, header or footer diffed in place (lxml).
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate

from lxml import etree

from .align import TOKEN, align, count_words, word_changes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_SIMPLE_RUN = {w(t) for t in ("rPr", "t", "tab", "br", "cr", "lastRenderedPageBreak")}
_MARKERS = {w("bookmarkStart"), w("bookmarkEnd")}
_CHANGES = {w(t) for t in ("ins", "del", "moveFrom", "moveTo")}
_NOT_BLOCKS = {w("sectPr"), w("tcPr")}
_DROP_FROM_OLD = {w(t) for t in (
    "bookmarkStart", "bookmarkEnd", "proofErr", "commentRangeStart", "commentRangeEnd",
    "commentReference", "footnoteReference", "endnoteReference", "drawing", "pict", "object",
    "permStart", "permEnd")}


@dataclass
class Revisions:
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


# --- text ------------------------------------------------------------------------------------

def block_text(block: etree._Element) -> str:
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
    return f"{etree.QName(block).localname}:{block_text(block)}"


def _align_blocks(old: list, new: list) -> Iterator[tuple]:
    return align(old, new, [_key(b) for b in old], [_key(b) for b in new])


# --- whole blocks ----------------------------------------------------------------------------

def _wrap_runs(p: etree._Element, kind: str, ctx: Revisions) -> None:
    wrapper = None
    for r in [r for r in p.iter(w("r")) if next(r.iterancestors(w("p")), None) is p]:
        if r.getparent().tag in _CHANGES:
            continue
        if wrapper is None or r.getprevious() is not wrapper:
            wrapper = ctx.mark(kind)
            r.addprevious(wrapper)
        wrapper.append(r)


def _mark_paragraph(p: etree._Element, kind: str, ctx: Revisions) -> None:
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


def _mark_row(tr: etree._Element, kind: str, ctx: Revisions) -> None:
    trpr = tr.find(w("trPr"))
    if trpr is None:
        trpr = etree.SubElement(tr, w("trPr"))
        ex = tr.find(w("tblPrEx"))
        ex.addnext(trpr) if ex is not None else tr.insert(0, trpr)
    change = trpr.find(w("trPrChange"))
    change.addprevious(ctx.mark(kind)) if change is not None else trpr.append(ctx.mark(kind))


def _mark_block(block: etree._Element, kind: str, ctx: Revisions) -> None:
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
    ctx.counts[f"mots_{label}"] += count_words(block_text(block))


def _unwrap(el: etree._Element) -> None:
    for child in list(el):
        el.addprevious(child)
    el.getparent().remove(el)


def _unresolvable(el: etree._Element, ctx: Revisions) -> bool:
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


def _from_old(block: etree._Element, ctx: Revisions) -> etree._Element:
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


def _deleted(block: etree._Element, ctx: Revisions) -> etree._Element:
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
          ctx: Revisions) -> list[etree._Element]:
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


def _word_diff(old: etree._Element, new: etree._Element, ctx: Revisions) -> None:
    """Rebuild NEW's paragraph ``new`` (its w:pPr kept) with OLD's words deleted and NEW's
    inserted where they differ."""
    otext, oown, _ = _stream(old)
    ntext, nown, markers = _stream(new)
    otok, ntok = TOKEN.findall(otext), TOKEN.findall(ntext)
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

    for tag, i1, i2, j1, j2 in word_changes(otok, ntok):
        if tag == "equal":
            emit_new(nstart[j1], nstart[j2], False)
            continue
        if i2 > i1:
            new.append(ctx.mark("del"))
            new[-1].extend(_runs(otext, oown, ostart[i1], ostart[i2], True, ctx))
            ctx.counts["mots_supprimes"] += count_words(otext[ostart[i1]:ostart[i2]])
        if j2 > j1:
            emit_new(nstart[j1], nstart[j2], True)
            ctx.counts["mots_inseres"] += count_words(ntext[nstart[j1]:nstart[j2]])
    new.extend(marker for _, marker in pending)
    ctx.counts["paragraphes_modifies"] += 1


# --- containers and tables -------------------------------------------------------------------

def diff_container(old: etree._Element, new: etree._Element, ctx: Revisions) -> None:
    """Diff the blocks of a body, cell, header or footer; ``new`` becomes the redline."""
    ob = [c for c in old if isinstance(c.tag, str) and c.tag not in _NOT_BLOCKS | _DROP_FROM_OLD]
    nb = [c for c in new if isinstance(c.tag, str) and c.tag not in _NOT_BLOCKS]
    result = []
    for o, n, equal in _align_blocks(ob, nb):
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


def _diff_rows(old: etree._Element, new: etree._Element, ctx: Revisions) -> None:
    """Align two tables' rows; rows with as many cells are diffed cell by cell."""
    nrows = new.findall(w("tr"))
    result = []
    for o, n, equal in _align_blocks(old.findall(w("tr")), nrows):
        if equal:
            result.append(n)
        elif n is None:
            result.append(_deleted(o, ctx))
        elif o is not None and len(o.findall(w("tc"))) == len(n.findall(w("tc"))):
            for ocell, ncell in zip(o.findall(w("tc")), n.findall(w("tc")), strict=True):
                diff_container(ocell, ncell, ctx)
            result.append(n)
        else:
            if o is not None:
                result.append(_deleted(o, ctx))
            _mark_block(n, "ins", ctx)
            result.append(n)
    for row in nrows:
        new.remove(row)
    new.extend(result)
