"""French typography applied at render time to everything a document prints.

Template strings and values alike: the pass runs on the rendered parts (body, headers,
footers, notes), so the YAML values stay as the drafter typed them. A sentence is split
across Word runs (template text in one, a value in the next), so each paragraph's text is
read across its runs, the places to change are found in that text, and only the runs holding
those characters are edited: runs are never merged and keep their formatting.

The rules (:func:`changes`): a no-break space (U+00A0) before « : ; ! ? » and inside « »;
a narrow no-break space (U+202F) as the thousands separator of a quantity (« 1 000 salariés »)
and before « % » and « € »; the typographic apostrophe ’ (optional); « ... » → « … »; ordinals
in superscript (1er → 1 + « er » raised, 3ème → 3 + « e » raised: a run with
``w:vertAlign="superscript"``, not Unicode letters); a no-break space after « n° ».

Never touched: field codes and field results (page numbers), text inside ``w:del``, URLs and
e-mail addresses, and numbers that are identifiers (years, postal codes, SIREN/SIRET,
telephone, registered-mail and act numbers, dates, article numbers). Running the pass twice
changes nothing.
"""

from __future__ import annotations

import copy
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NBSP = "\u00a0"
NNBSP = "\u202f"
APOSTROPHE = "\u2019"
ELLIPSIS = "\u2026"
# Stands for what is printed but is not a w:t of this paragraph's runs (a tab, a break, a
# field's result): the rules see a boundary there and never edit it.
OBJECT = "\ufffc"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_P, _R, _T, _RPR, _VERT = _w("p"), _w("r"), _w("t"), _w("rPr"), _w("vertAlign")
_FLDCHAR, _FLDSIMPLE = _w("fldChar"), _w("fldSimple")
_SKIPPED = {_w("del"), _w("moveFrom")}  # deleted text (w:delText inside) is not printed
_OBJECTS = {_w(t) for t in ("tab", "br", "cr", "noBreakHyphen", "softHyphen", "sym", "drawing",
                            "pict", "object", "footnoteReference", "endnoteReference")}
_WALKED = [_P, _T, _FLDCHAR, _FLDSIMPLE, *_SKIPPED, *_OBJECTS]
# w:rPr children that come after w:vertAlign in the schema's order (CT_RPr)
_AFTER_VERT = {_w(t) for t in ("rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath",
                               "rPrChange")}
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@dataclass(frozen=True)
class Typography:
    """The typography pass's options (render API: ``typography=Typography(apostrophe=False)``,
    or ``typography=None`` for no pass at all).

    ``apostrophe``: straight apostrophes between letters become typographic (’); on by default.
    """

    apostrophe: bool = True

    def apply(self, root: etree._Element) -> int:
        """Apply the pass to a WordprocessingML part in place; returns the number of changes."""
        return sum(_apply_paragraph(text, segments, self) for text, segments in list(_paragraphs(root)))

    def apply_part(self, xml: bytes) -> bytes:
        """The part's XML after the pass (the same bytes when nothing changes)."""
        root = etree.fromstring(xml)
        if not self.apply(root):
            return xml
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


DEFAULT = Typography()


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


# --- the rules --------------------------------------------------------------------------------

Change = tuple[int, int, str, bool]  # replace text[start:end] by text; True: raise it (ordinal)

_SPACE = " "  # the ordinary space typed before punctuation or inside « »
_NB = NBSP + NNBSP
_PROTECTED = re.compile(r"(?:https?|ftp)://\S+|www\.\S+|(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_DOUBLE = re.compile(r"[;:!?]")
_GUILLEMETS = re.compile(r"[«»]")
_PUNCTUATION = re.compile(r"[;:!?«»]")
_AFTER_DOUBLE = set(_SPACE + _NB + "\n»)]”’\"'.,…;:!?" + OBJECT)
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W_])")
_ELLIPSIS = re.compile(r"(?<!\.)\.\.\.(?!\.)")
_NUMERO = re.compile(r"(?<![^\W_])[nN]°")
_UNIT = re.compile(r"(?<=\d)([ \u00a0\u202f]?)([%€])")
# Ordinals: the digits, then the suffix as typed. Not inside a word, an identifier (« L. 3211-2 »,
# « 2022/01 ») or a decimal number.
_ORDINAL = re.compile(r"(?<![\w.,/\-–°])([1-9]\d*)(ers|er|res|re|ères|ère|èmes|ème|emes|eme|es|e|è|ndes|nde|nds|nd)(?!\w)")
_ORDINAL_HINT = re.compile(r"\d[eèrn]")
_ORDINAL_FIRST = {"er": "er", "ers": "ers", "re": "re", "res": "res", "ère": "re", "ères": "res"}
_ORDINAL_OTHER = {"e": "e", "es": "es", "ème": "e", "èmes": "es", "eme": "e", "emes": "es", "è": "e"}
_ORDINAL_SECOND = {"nd": "nd", "nde": "nde", "nds": "nds", "ndes": "ndes"}
# A quantity written in groups of three digits; the separators become narrow no-break spaces.
_GROUPED = re.compile(r"(?<![\w,.\-/–])[1-9]\d{0,2}(?:[ \u00a0\u202f]\d{3})+(?![\w\-/–]|[.,]\d{3})")
_GROUP_HINT = re.compile(r"\d[ \u00a0\u202f]\d{3}")
# A long number glued together, before a percentage or an amount: « 15000 € »
_GLUED = re.compile(r"(?<![\w,.\-/–])[1-9]\d{4,}(?=(?:,\d+)?[ \u00a0\u202f]?[€%])")
# Words after which a number is an identifier, not a quantity.
_IDENTIFIER_WORDS = re.compile(
    r"(?:n°|no|num(?:éro)?s?|siren|siret|rcs|tva|tél(?:éphone)?\.?|fax|cs|bp|cedex|code|lrar|recommandée?|"
    r"référence|réf\.?|arrêté|délibération|article|art\.?|décret|loi|iban|bic|compte)$",
    re.IGNORECASE)


def _protected(text: str) -> list[tuple[int, int]]:
    """Where URLs and e-mail addresses are: no change there."""
    if "://" not in text and "www." not in text and "@" not in text:
        return []
    return [m.span() for m in _PROTECTED.finditer(text)]


def _space_before(text: str, i: int) -> Change | None:
    """A no-break space before ``text[i]`` (the spaces typed there replaced by one)."""
    j = i
    while j > 0 and text[j - 1] in _SPACE:
        j -= 1
    if j == 0 or text[j - 1] in _NB or text[j - 1] in "\n" + OBJECT:
        return None
    return (j, i, NBSP, False)


def _space_after(text: str, i: int) -> Change | None:
    """A no-break space after ``text[i]`` (the spaces typed there replaced by one)."""
    j = i + 1
    while j < len(text) and text[j] in _SPACE:
        j += 1
    if j == len(text) or text[j] in _NB or text[j] in "\n" + OBJECT:
        return None
    return (i + 1, j, NBSP, False)


def _punctuation(text: str) -> Iterator[Change]:
    for m in _DOUBLE.finditer(text):
        i = m.start()
        after = text[i + 1 : i + 2]
        if i == 0 or (after and after not in _AFTER_DOUBLE):  # « 14:30 », « http: », « a;b »
            continue
        if text[i - 1] in ";:!?(«[":
            continue
        change = _space_before(text, i)
        if change:
            yield change
    for m in _GUILLEMETS.finditer(text):
        i = m.start()
        change = _space_after(text, i) if m.group() == "«" else _space_before(text, i) if i else None
        if change:
            yield change


def _numero(text: str) -> Iterator[Change]:
    for m in _NUMERO.finditer(text):
        j = m.end()
        k = j
        while k < len(text) and text[k] == " ":
            k += 1
        if k < len(text) and text[k].isalnum():
            yield (j, k, NBSP, False)


def _identifier_before(text: str, start: int) -> bool:
    """Whether the number starting at ``start`` follows a word that makes it an identifier
    (« n° 123 456 », « SIREN 380 129 866 »), a code holding digits (« 1A 123 456 ») or a
    short group of digits (« 0 800 123 456 »); a year before it does not count."""
    before = text[:start].rstrip(" " + _NB)
    word = before.rsplit(None, 1)[-1] if before.strip() else ""
    word = word.strip("(«:,")
    if _IDENTIFIER_WORDS.search(word):
        return True
    digits = sum(c.isdigit() for c in word)
    return bool(digits) and (digits < len(word) or digits < 4)  # « 1A », « 0 800 123 456 »; not a year


def _numbers(text: str) -> Iterator[Change]:
    unit = "%" in text or "€" in text
    if unit:
        for m in _UNIT.finditer(text):
            if m.group(1) != NNBSP:
                yield (m.start(1), m.end(1), NNBSP, False)
    for m in _GROUPED.finditer(text) if _GROUP_HINT.search(text) else ():
        after = text[m.end() : m.end() + 12]
        if _identifier_before(text, m.start()):
            continue
        if re.match(r"[ \u00a0\u202f]\d", after):  # more digits follow: « 380 129 866 00012 »
            continue
        digits = re.sub(r"\D", "", m.group())
        if len(digits) == 5 and re.match(r"[ \u00a0]+[A-ZÉÈ]", after):  # « 77 010 Melun »
            continue
        for k, char in enumerate(m.group()):
            if not char.isdigit() and char != NNBSP:
                yield (m.start() + k, m.start() + k + 1, NNBSP, False)
    for m in _GLUED.finditer(text) if unit else ():
        if _identifier_before(text, m.start()):
            continue
        for k in range(len(m.group()) - 3, 0, -3):
            yield (m.start() + k, m.start() + k, NNBSP, False)


def _ordinals(text: str, raised: set[int]) -> Iterator[Change]:
    for m in _ORDINAL.finditer(text):
        number, suffix = m.group(1), m.group(2)
        if number == "1":
            new = _ORDINAL_FIRST.get(suffix)
        elif suffix in _ORDINAL_SECOND:
            new = _ORDINAL_SECOND[suffix] if number == "2" else None
        else:
            new = _ORDINAL_OTHER.get(suffix)
        if new is None:
            continue
        if new == suffix and all(i in raised for i in range(m.start(2), m.end(2))):
            continue  # already in superscript
        yield (m.start(2), m.end(2), new, True)


def changes(text: str, typography: Typography = DEFAULT, raised: set[int] | None = None) -> list[Change]:
    """The changes the rules make to a paragraph's ``text``, in order, without overlaps.
    ``raised``: the positions already in superscript (an ordinal there is left alone)."""
    found: list[Change] = []
    if _PUNCTUATION.search(text):
        found += _punctuation(text)
    if "°" in text:
        found += _numero(text)
    if typography.apostrophe and "'" in text:
        found += ((m.start(), m.end(), APOSTROPHE, False) for m in _APOSTROPHE.finditer(text))
    if "..." in text:
        found += ((m.start(), m.end(), ELLIPSIS, False) for m in _ELLIPSIS.finditer(text))
    if _DIGIT.search(text):
        found += _numbers(text)
        if _ORDINAL_HINT.search(text):
            found += _ordinals(text, raised or set())
    protected = _protected(text)
    out: list[Change] = []
    end = -1
    for change in sorted(set(found)):
        start, stop = change[0], change[1]
        if start < end:
            continue  # overlaps the previous change (or inserts at the same place)
        if protected and any(a < max(stop, start + 1) and start < b for a, b in protected):
            continue
        if OBJECT in text[start:stop]:
            continue
        out.append(change)
        end = max(stop, start + (start == stop))
    return out


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
        for child in children:
            r.append(child)
        return r

    raised = new_run(middle, [])
    r_pr = raised.find(_RPR)
    if r_pr is None:
        r_pr = etree.Element(_RPR)
        raised.insert(0, r_pr)
    vert = r_pr.find(_VERT)
    if vert is None:
        vert = etree.Element(_VERT)
        successor = next((c for c in r_pr if c.tag in _AFTER_VERT), None)
        if successor is not None:
            successor.addprevious(vert)
        else:
            r_pr.append(vert)
    vert.set(_w("val"), "superscript")
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
    raised = _raised(segments) if _ORDINAL_HINT.search(text) else set()
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


def apply_text(text: str, typography: Typography = DEFAULT) -> str:
    """``text`` after the rules (an ordinal's suffix as it would be raised, without the
    superscript itself): what the pass prints, for plain strings and tests."""
    for start, stop, new, _sup in reversed(changes(text, typography)):
        text = text[:start] + new + text[stop:]
    return text
