"""French typography of a paragraph's text, as pure rules on strings (no I/O, no XML): what
:mod:`accordgen.render.typography` applies, run by run, to everything a document prints.

The rules (:func:`changes`): a no-break space (U+00A0) before « : ; ! ? » and inside « »;
a narrow no-break space (U+202F) as the thousands separator of a quantity (« 1 000 salariés »)
and before « % » and « € »; the typographic apostrophe ’ (optional); « ... » → « … »; ordinals
(1er, 3ème → 3e, 1ère → 1re, 2nde) whose suffix the render raises in superscript; a no-break
space after « n° ». Left alone: URLs and e-mail addresses, dotted lines to fill in, and numbers
that are identifiers (years, dates, postal codes, SIREN/SIRET, telephone, registered-mail and act
numbers, article numbers). Applying the rules to their own result changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

NBSP = "\u00a0"
NNBSP = "\u202f"
APOSTROPHE = "\u2019"
ELLIPSIS = "\u2026"
# Stands for what is printed but is not text of the paragraph's runs (a tab, a break, a
# field's result): the rules see a boundary there and never edit it.
OBJECT = "\ufffc"


@dataclass(frozen=True)
class Typography:
    """The typography pass's options (render API: ``typography=Typography(apostrophe=False)``,
    or ``typography=None`` for no pass at all).

    ``apostrophe``: straight apostrophes between letters become typographic (’); on by default.
    """

    apostrophe: bool = True


DEFAULT = Typography()

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
ORDINAL_HINT = re.compile(r"\d[eèrn]")
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
        if ORDINAL_HINT.search(text):
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



def apply_text(text: str, typography: Typography = DEFAULT) -> str:
    """``text`` after the rules (an ordinal's suffix as it would be raised, without the
    superscript itself): what the pass prints, for plain strings and tests."""
    for start, stop, new, _sup in reversed(changes(text, typography)):
        text = text[:start] + new + text[stop:]
    return text
