"""What a termination letter of the dossier does to the documents signed after it.

A final termination letter (``lettre-resiliation``, ``statut: definitif``, beside the accord,
not in ``scenarios/``) ends the accord at the end of its notice (:func:`date_effet`). After
that day, the accord no longer exists: a renewal amendment or a specific convention signed
later implements nothing and is refused (a new accord is needed). Between the sending and that
day, the accord is still in force but its end is notified: signing then is odd but possible
(warning).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..models.base import Statut
from ..models.lettre import LettreResiliation
from ..rules.fr import date_longue
from .base import Problem
from .lettre import date_effet

if TYPE_CHECKING:
    from ..dossier import Document



@dataclass(frozen=True)
class Resiliation:
    """The dossier's termination: the letter's file, its sending date, its effective date."""

    fichier: str
    envoi: dt.date
    effet: dt.date  # the accord ends at the end of this day

    @property
    def texte(self) -> str:
        return (f"la lettre de résiliation {self.fichier}, envoyée le {date_longue(self.envoi)}, "
                f"y met fin à l'expiration du {date_longue(self.effet)}")


def resiliation(doc: Document) -> Resiliation | None:
    """The earliest final termination letter of the dossier (None when there is none)."""
    found = [
        Resiliation(str(e.rel), e.params.date_envoi, date_effet(e.params, doc.accord))
        for e in doc.dossier.members("lettre-resiliation")
        if isinstance(e.params, LettreResiliation) and e.params.statut is Statut.DEFINITIF
        and e.path != doc.path
    ]
    return min(found, key=lambda r: r.envoi, default=None)


def resiliation_problems(doc: Document, champ: str, signe: dt.date | None, quoi: str) -> Iterator[Problem]:
    """A document (``quoi``: « l'avenant est signé ») signed after the accord's termination
    took effect: refused."""
    r = resiliation(doc)
    if r is not None and signe is not None and signe > r.effet:
        yield (champ, f"{quoi} le {date_longue(signe)}, après la fin de l'accord : {r.texte} ; un "
               "accord résilié ne peut plus être renouvelé ni mis en œuvre : il faut un nouvel accord "
               "(ou retirez la lettre du dossier si elle n'a pas été envoyée)")


def resiliation_warnings(doc: Document, champ: str, signe: dt.date | None, quoi: str) -> Iterator[Problem]:
    """A document signed while the notice of termination runs: possible, but odd."""
    r = resiliation(doc)
    if r is not None and signe is not None and r.envoi <= signe <= r.effet:
        yield (champ, f"{quoi} le {date_longue(signe)}, pendant le préavis de résiliation : {r.texte} ; "
               "le document prendra fin avec l'accord, sauf accord écrit des Parties")
