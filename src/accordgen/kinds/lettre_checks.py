"""Termination letters: the post office's calendar, and one letter per other party.

With more than two parties, the termination is notified to every other party (art. 7 of the
accord: « suivant l'envoi à chacune des autres Parties d'une lettre recommandée »). accordgen
writes one letter per other party — each registered letter has its own number, proof of
deposit and acknowledgement, its own recipient block and salutation — all from the same sender
on the same day: together they are one termination.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

import holidays

from ..models.lettre import LettreResiliation
from ..rules.fr import date_jour

if TYPE_CHECKING:
    from ..dossier import Document

Problem = tuple[str, str]
KIND = "lettre-resiliation"


def jour_ferme(jour: dt.date) -> str | None:
    """« un dimanche », « un jour férié (Fête nationale) », or None for an opening day."""
    if jour.weekday() == 6:
        return "un dimanche"
    nom = holidays.country_holidays("FR", years=jour.year, language="fr").get(jour)
    return f"un jour férié ({nom})" if nom else None


def _destinataire(lr: LettreResiliation, doc: Document) -> str:
    return lr.destinataire or next(p.cle for p in doc.accord.parties if p.cle != lr.expediteur)


def meme_resiliation(lr: LettreResiliation, autre: LettreResiliation) -> bool:
    """Two letters of one termination: same sender, same day, each to its own recipient."""
    return (autre.expediteur == lr.expediteur and autre.date_envoi == lr.date_envoi
            and autre.destinataire is not None and lr.destinataire is not None
            and autre.destinataire != lr.destinataire)


def lettre_warnings(lr: LettreResiliation, doc: Document) -> Iterator[Problem]:
    ferme = jour_ferme(lr.date_envoi)
    if ferme:
        yield ("date_envoi",
               f"le {date_jour(lr.date_envoi)} est {ferme} : les bureaux de poste sont fermés, le "
               "cachet de la poste ne peut porter cette date ; vérifiez la date d'envoi (faute de "
               "frappe ?)")
    keys = [p.cle for p in doc.accord.parties]
    if len(keys) <= 2 or lr.expediteur not in keys:
        return
    servies = {_destinataire(lr, doc)}
    for e in doc.dossier.members(KIND):
        if e.path != doc.path and isinstance(e.params, LettreResiliation) \
                and meme_resiliation(lr, e.params):
            servies.add(_destinataire(e.params, doc))
    manquantes = [p for p in doc.accord.parties if p.cle != lr.expediteur and p.cle not in servies]
    for p in manquantes:
        yield ("destinataire",
               f"la résiliation doit être notifiée à chacune des autres parties : aucune lettre du "
               f"dossier n'est adressée à {p.nom_texte} (clé « {p.cle} ») ; créez-en une, du même "
               "expéditeur et de la même date d'envoi, avec son propre numéro de recommandé")
