"""The renewals of an accord and the state they leave it in.

A renewal counts (it is *signed*) when its amendment is valid, final (``statut: definitif``)
and dated, and was signed between the accord's signature and the last day of the term it
renews. A draft amendment, even with a planned date, does not count: it is kept aside as a
draft (``Ecarte.signe`` is False). :func:`appliquer` replays the renewals' changes on the
accord: representatives, axes (reworded, added, closed, each with its history) and term.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .models.accord import Accord, Axe
from .models.base import Duree, Statut
from .models.parties import Personne
from .rules import dates
from .rules.dates import Periode

if TYPE_CHECKING:
    from .models.avenant import AvenantRenouvellement


@dataclass(frozen=True)
class Renouvellement:
    """A signed renewal: its number, file, signature date and the period it grants."""

    numero: int
    fichier: Path
    signature: dt.date
    periode: Periode
    duree: Duree
    avenant: AvenantRenouvellement
    signe: bool = True  # False: a draft counted only by a draft consolidated version

    def vue(self) -> dict[str, Any]:
        return {"numero": self.numero, "date_signature": self.signature, "signe": self.signe,
                "debut": self.periode.debut, "fin": self.periode.fin,
                "duree": self.duree.model_dump(mode="python")}


@dataclass(frozen=True)
class Ecarte:
    """An amendment of the dossier that does not count, and why (French). ``signe`` is False
    for a draft (not signed yet: it simply does not count yet), True for a signed amendment
    that cannot count (invalid, out of term, number used twice)."""

    numero: int
    fichier: Path
    raison: str
    signe: bool = True
    avenant: AvenantRenouvellement | None = None


@dataclass(frozen=True)
class Changement:
    """One change of an axis by a renewal: ``remplacer`` (with the elements replaced),
    ``ajouter`` or ``clore``."""

    action: str
    renouvellement: Renouvellement
    elements: tuple[str, ...] = ()


@dataclass
class EtatAccord:
    """The accord after some of its renewals: its whole term (initial start to last end), axes
    and representatives. Closed axes stay in ``axes`` (their number is never reused)."""

    terme: Periode | None
    axes: dict[int, Axe]
    representants: dict[str, Personne]
    renouvellements: list[Renouvellement] = field(default_factory=list)
    clos: dict[int, Renouvellement] = field(default_factory=dict)  # axis -> renewal that closed it
    historique: dict[int, list[Changement]] = field(default_factory=dict)  # axis -> its changes

    @property
    def ouverts(self) -> list[int]:
        """Numbers of the axes still open, in the accord's order."""
        return [n for n in self.axes if n not in self.clos]


@dataclass
class Chaine:
    """The dossier's renewals: those that count (in order), those that do not (and why), the
    last period they grant (``terme``), and the state of the accord they leave (``etat``)."""

    terme: Periode | None
    renouvellements: list[Renouvellement]
    ecartes: list[Ecarte]
    etat: EtatAccord


def appliquer(accord: Accord, renouvellements: Sequence[Renouvellement]) -> EtatAccord:
    """Replay ``renouvellements`` (valid, in order) on the accord. A change that cannot apply
    (an axis added under a number in use, an unknown or closed axis changed) is left out, and
    its amendment's own checks say why."""
    etat = EtatAccord(accord.periode, {a.numero: a for a in accord.axes},
                      {p.cle: p.representant for p in accord.parties})
    initiale = accord.periode
    for r in renouvellements:
        etat.renouvellements.append(r)
        if initiale is not None:
            etat.terme = Periode(initiale.debut, r.periode.fin)
        etat.representants.update(r.avenant.representants)
        for m in r.avenant.modifications:
            actuel = etat.axes.get(m.axe)
            if m.action == "ajouter":
                if actuel is not None or not (m.titre and m.contexte):
                    continue
                etat.axes[m.axe] = Axe(
                    numero=m.axe, titre=m.titre, contexte=m.contexte, apports=m.apports or [],
                    sujets_introduction=m.sujets_introduction, sujets=m.sujets or [])
            elif actuel is None or m.axe in etat.clos:
                continue
            elif m.action == "clore":
                etat.clos[m.axe] = r
            else:
                etat.axes[m.axe] = actuel.model_copy(update={k: getattr(m, k) for k in m.donnees()})
            etat.historique.setdefault(m.axe, []).append(Changement(m.action, r, tuple(m.donnees())))
    return etat


@dataclass(frozen=True)
class Candidat:
    """An amendment file of the dossier as the chain sees it: its number and file, and its
    parameters when they are valid (``probleme`` says why not)."""

    numero: int
    fichier: Path
    avenant: AvenantRenouvellement | None
    probleme: str | None = None


def construire(accord: Accord, candidats: Iterable[Candidat], projets: bool = False) -> Chaine:
    """The chain of renewals from the dossier's amendment files (any order). With ``projets``,
    a valid draft with a planned date counts too, marked unsigned (a draft consolidated
    version shows the accord as it would be once the drafts are signed)."""
    from .rules.fr import date_longue

    terme = accord.periode
    chaine = Chaine(terme, [], [], appliquer(accord, []))
    if terme is None or accord.signature.date is None:
        return chaine
    vus: set[int] = set()
    for c in sorted(candidats, key=lambda c: (c.numero, c.fichier.name)):
        if c.numero in vus:
            chaine.ecartes.append(Ecarte(c.numero, c.fichier, "numéro déjà porté par un autre "
                                         "avenant du dossier"))
            continue
        vus.add(c.numero)
        avenant = c.avenant
        if avenant is None:
            chaine.ecartes.append(Ecarte(c.numero, c.fichier, c.probleme or "ses paramètres sont invalides"))
            continue
        signe = avenant.signature.date
        projet = avenant.statut is not Statut.DEFINITIF
        if projet and not (projets and signe is not None):
            quand = f" (signature prévue le {date_longue(signe)})" if signe else ""
            chaine.ecartes.append(Ecarte(c.numero, c.fichier, f"c'est un projet, pas encore signé{quand}",
                                         signe=False, avenant=avenant))
            continue
        if signe is None:
            chaine.ecartes.append(Ecarte(c.numero, c.fichier, "il n'est pas daté (pas encore signé)",
                                         signe=False, avenant=avenant))
            continue
        if signe < accord.signature.date or signe > terme.fin:
            chaine.ecartes.append(Ecarte(c.numero, c.fichier, f"daté du {date_longue(signe)}, hors du "
                                         f"terme en vigueur (du {date_longue(terme.debut)} au "
                                         f"{date_longue(terme.fin)})"))
            continue
        duree = avenant.duree or accord.clauses.duree
        terme = dates.renewal_period(terme, duree.valeur, duree.unite, accord.clauses.fin_de_terme)
        chaine.renouvellements.append(Renouvellement(c.numero, c.fichier, signe, terme, duree, avenant,
                                                     signe=not projet))
    chaine.terme = terme
    chaine.etat = appliquer(accord, chaine.renouvellements)
    return chaine


def empreinte(renouvellements: Iterable[Renouvellement]) -> list[Any]:
    """What renewals bring to a document's inputs hash: every parameter of each amendment
    (its representatives and axis changes show in the documents that follow it)."""
    return [r.avenant.model_dump(mode="json") for r in renouvellements]
