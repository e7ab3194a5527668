"""Whether a text reproduces an object (a public contract's services): pure, no I/O.

« Reproduces » means, after normalising both texts (lower case, no accents, no punctuation,
no French articles or prepositions, plurals and simple inflections folded: « visites » and
« visite » are one word, « développement » and « développer » too):

- the object's words appear, in order and next to each other, in the text (it is quoted); or
- the text's title (an action's intitulé) holds at least 3/4 of the object's words, when the
  object has two words or more (reworded, reordered: « Application de visite : développement »
  for « le développement de l'application de visite »).

One shared word (« visite » in « Expérimentation auprès des visiteurs ») is not enough.
"""

from __future__ import annotations

import re
import unicodedata

COUVERTURE = 0.75

_MOTS_VIDES = frozenset((
    "a", "au", "aux", "avec", "ce", "ces", "d", "de", "des", "du", "en", "et", "l", "la", "le",
    "les", "leur", "leurs", "par", "pour", "sa", "ses", "son", "sur", "un", "une", "dans",
    "qui", "que", "est", "sont", "ou", "afin", "entre", "chez", "vers",
))
_SUFFIXES = ("ements", "ement", "ations", "ation", "ages", "age", "eurs", "eur", "ees", "ee", "ent",
             "es", "er", "e", "s", "x")


def _racine(mot: str) -> str:
    for suffix in _SUFFIXES:
        if mot.endswith(suffix) and len(mot) - len(suffix) >= 4:
            return mot[: -len(suffix)]
    return mot


def mots(texte: str) -> list[str]:
    """The meaningful words of ``texte``, normalised (see the module's docstring)."""
    plain = "".join(c for c in unicodedata.normalize("NFD", texte.lower()) if not unicodedata.combining(c))
    return [_racine(m) for m in re.findall(r"[a-z0-9]+", plain) if m not in _MOTS_VIDES and len(m) > 1]


def _contient(suite: list[str], motif: list[str]) -> bool:
    n = len(motif)
    return n > 0 and any(suite[i : i + n] == motif for i in range(len(suite) - n + 1))


def reproduit(titre: str, texte: str, objet: str) -> bool:
    """Whether an action (its ``titre`` and its whole ``texte``) reproduces ``objet``."""
    cible = mots(objet)
    if not cible:
        return False
    if _contient(mots(texte), cible) or _contient(mots(titre), cible):
        return True
    if len(set(cible)) < 2:
        return False
    communs = set(cible) & set(mots(titre))
    return len(communs) / len(set(cible)) >= COUVERTURE
