"""What a drafter types, read as the models expect it: dates written the French way
(« 03/03/2023 », « 3/3/2023 », « 3 mars 2023 », « 1er juillet 2022 ») become ``AAAA-MM-JJ``;
anything else is returned unchanged, for the models to refuse with their own message."""

from __future__ import annotations

import datetime as dt
import re

MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
        "octobre", "novembre", "décembre")
_SANS_ACCENT = {m.replace("é", "e").replace("û", "u"): i + 1 for i, m in enumerate(MOIS)}
_NUMERIQUE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_LONGUE = re.compile(r"(\d{1,2})\s*(?:er)?\s+([a-zéû]+)\s+(\d{4})")


def date_saisie(text: str) -> str:
    """``text`` as ``AAAA-MM-JJ`` when it is a French date that exists; else ``text``."""
    value = " ".join(str(text).split()).lower()
    found = _NUMERIQUE.fullmatch(value)
    if found:
        jour, mois, annee = (int(g) for g in found.groups())
    else:
        found = _LONGUE.fullmatch(value)
        if not found:
            return str(text).strip()
        mois_nom = found.group(2).replace("é", "e").replace("û", "u")
        if mois_nom not in _SANS_ACCENT:
            return str(text).strip()
        jour, mois, annee = int(found.group(1)), _SANS_ACCENT[mois_nom], int(found.group(3))
    try:
        return dt.date(annee, mois, jour).isoformat()
    except ValueError:
        return str(text).strip()


def date_affichee(value: object) -> str:
    """A date as a drafter types it (``JJ/MM/AAAA``); other values as text."""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return "" if value is None else str(value)
