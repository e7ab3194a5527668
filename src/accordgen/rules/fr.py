"""French formatting for the templates: plain ``value -> str`` functions and one FILTERS dict.

Typography follows French legal practice: "1er juillet 2022", "quinze (15) jours",
"1 500,00 € (mille cinq cents euros)", a no-break space before ":" and inside « ».
Templates format values only through these filters; nothing here computes dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from num2words import num2words

NBSP = "\u00a0"
NNBSP = "\u202f"
LOCALE = "fr_FR"

_UNITS = {
    "jours": ("jour", "jours"),
    "mois": ("mois", "mois"),
    "ans": ("an", "ans"),
}


def _as_date(value: date | str) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def date_longue(value: date | str | None, vide: str = "") -> str:
    """``2022-07-01`` -> "1er juillet 2022"; ``None`` -> ``vide`` (a date left blank for signing)."""
    if value is None or value == "":
        return vide
    d = _as_date(value)
    text = format_date(d, "d MMMM y", locale=LOCALE)
    if d.day == 1:
        text = "1er" + text[1:]
    return text.replace(" ", NBSP, 1)


def date_jour(value: date | str) -> str:
    """``2023-03-03`` -> "vendredi 3 mars 2023"."""
    d = _as_date(value)
    return f"{format_date(d, 'EEEE', locale=LOCALE)} {date_longue(d)}"


def date_courte(value: date | str | None, vide: str = "") -> str:
    """``2022-06-24`` -> "24/06/2022"."""
    if value is None or value == "":
        return vide
    return _as_date(value).strftime("%d/%m/%Y")


def en_lettres(n: int) -> str:
    """``21`` -> "vingt et un"."""
    return num2words(int(n), lang="fr")


def nombre(n: int) -> str:
    """A count in words then digits: ``15`` -> "quinze (15)"."""
    return f"{en_lettres(n)} ({int(n)})"


def duree(value: Mapping[str, Any] | Any, unite: str | None = None) -> str:
    """A duration in words and digits: ``{valeur: 15, unite: jours}`` -> "quinze (15) jours".

    Accepts a mapping or an object with ``valeur`` and ``unite``, or ``duree(15, "jours")``.
    """
    if unite is None:
        valeur = value["valeur"] if isinstance(value, Mapping) else value.valeur
        unite = value["unite"] if isinstance(value, Mapping) else value.unite
    else:
        valeur = value
    unite = str(getattr(unite, "value", unite))
    singular, plural = _UNITS[unite]
    word = singular if int(valeur) == 1 else plural
    return f"{nombre(valeur)}{NBSP}{word}"


def _money_words(amount: Decimal) -> str:
    euros = int(amount)
    cents = int((amount - euros) * 100)
    words = en_lettres(euros)
    if euros >= 1_000_000 and euros % 1_000_000 == 0:
        unit = "d'euros"
        words += " "
    else:
        unit = "euro" if euros in (0, 1) else "euros"
        words += " "
    text = f"{words}{unit}"
    if cents:
        text += f" et {en_lettres(cents)} centime{'s' if cents > 1 else ''}"
    return text


def montant(value: Decimal | float | int | str) -> str:
    """``1500`` -> "1 500,00 € (mille cinq cents euros)"."""
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    digits = format_decimal(amount, format="#,##0.00", locale=LOCALE).replace(NNBSP, NBSP)
    return f"{digits}{NBSP}€ ({_money_words(amount)})"


def siren(value: str) -> str:
    """``380129866`` -> "380 129 866" (no-break spaces)."""
    digits = re.sub(r"\D", "", str(value))
    return NBSP.join(digits[i : i + 3] for i in range(0, len(digits), 3))


def accorde(word: str, genre: str) -> str:
    """Agree a past participle or adjective with a party: ("désigné", "feminin") -> "désignée"."""
    return word + "e" if str(getattr(genre, "value", genre)) == "feminin" else word


def liste(items: Iterable[Any], sep: str = ", ", last: str = " et ") -> str:
    """``["A", "B", "C"]`` -> "A, B et C"."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return sep.join(items[:-1]) + last + items[-1]


def elides(text: str) -> bool:
    """Whether "le", "la", "de" elide before ``text``: it starts with a vowel or an h
    (« l'Administrateur », « d'Orange »). Callers exclude the exceptions they know of."""
    return str(text)[:1].lower() in "aeiouyhâàéèêîôûœ"


def article(text: str, feminin: bool) -> str:
    """The definite article before a title: "le Président", "la Directrice",
    "l'Administrateur" (elided as :func:`elides` says)."""
    text = str(text)
    if elides(text):
        return f"l'{text}"
    return f"{'la' if feminin else 'le'} {text}"


def majuscule(text: str) -> str:
    """Capitalise the first letter only: "le Département et Orange" -> "Le Département et Orange"."""
    text = str(text)
    return text[:1].upper() + text[1:]


def de(text: str) -> str:
    """The preposition "de" before a phrase, elided where French elides it:
    "deux (2) mois" -> "de deux (2) mois", "un (1) mois" -> "d'un (1) mois",
    but "de huit", "de onze" (no elision before those numbers)."""
    text = str(text)
    first = text.split(" ", 1)[0].lower()
    if elides(first) and not first.startswith(("huit", "onze", "h")):
        return f"d'{text}"
    return f"de {text}"


def guillemets(text: str) -> str:
    """``Département`` -> "« Département »" with no-break spaces inside."""
    return f"«{NBSP}{text}{NBSP}»"


def typo(text: str) -> str:
    """French spacing: a no-break space before ":" and "»", after "«", a narrow one before
    ";", "!" and "?". Existing spaces there are replaced, none is added inside URLs or times."""
    text = re.sub(r"[ \u00a0\u202f]*([;!?])(?=\s|$)", NNBSP + r"\1", text)
    text = re.sub(r"(?<=\S)[ \u00a0\u202f]*:(?=\s|$)", NBSP + ":", text)
    text = re.sub(r"«[ \u00a0\u202f]*", "«" + NBSP, text)
    text = re.sub(r"[ \u00a0\u202f]*»", NBSP + "»", text)
    return text


FILTERS: dict[str, Callable[..., str]] = {
    "date_longue": date_longue,
    "date_jour": date_jour,
    "date_courte": date_courte,
    "en_lettres": en_lettres,
    "nombre": nombre,
    "duree": duree,
    "montant": montant,
    "siren": siren,
    "accorde": accorde,
    "liste": liste,
    "guillemets": guillemets,
    "majuscule": majuscule,
    "de": de,
    "typo": typo,
}
