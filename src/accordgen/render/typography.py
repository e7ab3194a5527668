"""French typography applied at render time to everything a document prints.

Template strings and values alike: the pass runs on the rendered parts (body, headers,
footers, notes), so the YAML values stay as the drafter typed them. A sentence is split
across Word runs (template text in one, a value in the next), so each paragraph's text is
read across its runs, the places to change are found in that text by the rules of
:mod:`accordgen.rules.typography`, and only the runs holding those characters are edited:
runs are never merged and keep their formatting. An ordinal's suffix is put in a run of its
own with ``w:vertAlign="superscript"`` (not Unicode letters).

Never touched: field codes and field results (page numbers), text inside ``w:del``, hyperlink
targets (attributes). Running the pass twice changes nothing.
"""

from __future__ import annotations

import copy
from bisect import bisect_right
from collections.abc import Iterator

from lxml import etree

from ..rules.typography import DEFAULT, OBJECT, ORDINAL_HINT, Typography, apply_text, changes
from .ooxml import RPR_ORDER, child

__all__ = ["DEFAULT", "Typography", "apply", "apply_part", "apply_text"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_P, _R, _T, _RPR, _VERT = _w("p"), _w("r"), _w("t"), _w("rPr"), _w("vertAlign")
_FLDCHAR, _FLDSIMPLE = _w("fldChar"), _w("fldSimple")
_SKIPPED = {_w("del"), _w("moveFrom")}  # deleted text (w:delText inside) is not printed
_OBJECTS = {_w(t) for t in ("tab", "br", "cr", "noBreakHyphen", "softHyphen", "sym", "drawing",
                            "pict", "object", "footnoteReference", "endnoteReference")}
_WALKED = [_P, _T, _FLDCHAR, _FLDSIMPLE, *_SKIPPED, *_OBJECTS]
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def apply(root: etree._Element, typography: Typography = DEFAULT) -> int:
    """Apply the pass to a WordprocessingML part in place; returns the number of changes."""
    return sum(_apply_paragraph(text, segments, typography) for text, segments in list(_paragraphs(root)))


def apply_part(xml: bytes, typography: Typography = DEFAULT) -> bytes:
    """The part's XML after the pass (the same bytes when nothing changes)."""
    root = etree.fromstring(xml)
    if not apply(root, typography):
        return xml
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --- a paragraph's text across its runs -------------------------------------------------------

Segment = tuple[int, etree._Element]  # (offset in the paragraph's text, its w:t)


class _Para:
    __slots__ = ("chars", "segments", "length")

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.segments: list[Segment] = []
        self.length = 0

    def add(self, text: str, t: etree._Element | None) -> None:
        if not text:
            return
        if t is not None:
            self.segments.append((self.length, t))
        self.chars.append(text)
        self.length += len(text)


def _paragraphs(root: etree._Element) -> Iterator[tuple[str, list[Segment]]]:
    """Each paragraph's printed text and where each w:t of it starts (a paragraph inside a
    text box is a paragraph of its own). Text in w:del, field codes and field results (page
    numbers, references) are not editable: an :data:`OBJECT` stands for them."""
    stack: list[_Para] = []
    skipped = 0  # inside w:del / w:moveFrom
    fields: list[bool] = []  # complex fields open (any level: their text is the field's)
    simple = 0  # inside w:fldSimple
    for event, el in etree.iterwalk(root, events=("start", "end"), tag=_WALKED):
        tag = el.tag
        if tag == _P:
            if event == "start":
                stack.append(_Para())
            else:
                para = stack.pop()
                if para.segments:
                    yield "".join(para.chars), para.segments
            continue
        if tag in _SKIPPED:
            skipped += 1 if event == "start" else -1
            continue
        if tag == _FLDSIMPLE:
            simple += 1 if event == "start" else -1
            if event == "start" and stack and not skipped:
                stack[-1].add(OBJECT, None)
            continue
        if event == "end" or not stack or skipped:
            continue
        if tag == _FLDCHAR:
            kind = el.get(_w("fldCharType"))
            if kind == "begin":
                fields.append(True)
                stack[-1].add(OBJECT, None)
            elif kind == "end" and fields:
                fields.pop()
        elif tag == _T:
            if fields or simple or el.getparent() is None or el.getparent().tag != _R:
                continue
            stack[-1].add(el.text or "", el)
        elif el.getparent() is not None and el.getparent().tag == _R:  # not a tab stop of w:pPr
            stack[-1].add(OBJECT, None)


# --- editing the runs -------------------------------------------------------------------------

def _superscript(t: etree._Element) -> bool:
    run = t.getparent()
    rpr = run.find(_RPR) if run is not None else None
    vert = rpr.find(_VERT) if rpr is not None else None
    return vert is not None and vert.get(_w("val")) == "superscript"


def _raised(segments: list[Segment]) -> set[int]:
    out: set[int] = set()
    for start, t in segments:
        if _superscript(t):
            out.update(range(start, start + len(t.text or "")))
    return out


def _set_text(t: etree._Element, text: str) -> None:
    t.text = text
    if text != text.strip():
        t.set(_XML_SPACE, "preserve")


def _replace(segments: list[Segment], starts: list[int], start: int, stop: int,
             new: str) -> tuple[etree._Element, int] | None:
    """Replace the paragraph's characters ``start:stop`` by ``new``; the new text goes in the
    w:t that holds the first character (for an insertion: the next character's, else the
    previous one's). Returns that w:t and where ``new`` starts in it."""
    index = bisect_right(starts, start) - 1
    if index < 0:
        return None
    first, t = segments[index]
    text = t.text or ""
    offset = start - first
    if start < stop and offset >= len(text):  # not a character of a w:t
        return None
    _set_text(t, text[:offset] + new + text[min(stop - first, len(text)):])
    for other_start, other in segments[index + 1 :]:  # the rest of the span, in later w:t
        if other_start >= stop:
            break
        other_text = other.text or ""
        _set_text(other, other_text[min(stop - other_start, len(other_text)) :])
    return t, offset


def _raise(t: etree._Element, offset: int, length: int) -> None:
    """Put ``t.text[offset:offset + length]`` in a run of its own in superscript, the run's
    other text and content kept in runs with the same formatting before and after it."""
    run = t.getparent()
    text = t.text or ""
    left, middle, right = text[:offset], text[offset : offset + length], text[offset + length :]
    rpr = run.find(_RPR)
    after = list(t.itersiblings())

    def new_run(content: str | None, children: list[etree._Element]) -> etree._Element:
        r = etree.Element(_R)
        if rpr is not None:
            r.append(copy.deepcopy(rpr))
        if content:
            nt = etree.SubElement(r, _T)
            _set_text(nt, content)
        for kid in children:
            r.append(kid)
        return r

    raised = new_run(middle, [])
    r_pr = raised.find(_RPR)
    if r_pr is None:
        r_pr = etree.Element(_RPR)
        raised.insert(0, r_pr)
    child(r_pr, "vertAlign", RPR_ORDER).set(_w("val"), "superscript")
    run.addnext(raised)
    if right or after:
        raised.addnext(new_run(right, after))
    if left:
        _set_text(t, left)
    else:
        run.remove(t)
        if all(child.tag == _RPR for child in run):
            run.getparent().remove(run)


def _apply_paragraph(text: str, segments: list[Segment], typography: Typography) -> int:
    raised = _raised(segments) if ORDINAL_HINT.search(text) else set()
    found = changes(text, typography, raised)
    if not found:
        return 0
    starts = [start for start, _ in segments]
    # One character for another (a space, an apostrophe): offsets do not move, so each w:t
    # concerned is rewritten once.
    single: dict[int, list[tuple[int, str]]] = {}
    rest = []
    for change in found:
        start, stop, new, sup = change
        index = bisect_right(starts, start) - 1
        if (not sup and stop == start + 1 and len(new) == 1 and index >= 0
                and start - starts[index] < len(segments[index][1].text or "")):
            single.setdefault(index, []).append((start - starts[index], new))
        else:
            rest.append(change)
    for index, edits in single.items():
        t = segments[index][1]
        chars = list(t.text or "")
        for offset, new in edits:
            chars[offset] = new
        _set_text(t, "".join(chars))
    done = sum(len(edits) for edits in single.values())
    for start, stop, new, sup in reversed(rest):  # from the end: earlier offsets stay valid
        if sup and new == text[start:stop] and all(i in raised for i in range(start, stop)):
            continue
        where = _replace(segments, starts, start, stop, new)
        if where is None:
            continue
        if sup:
            t, offset = where
            if t.getparent() is not None and t.getparent().tag == _R and not _superscript(t):
                _raise(t, offset, len(new))
        done += 1
    return done
