"""The accord as its renewals leave it: representatives, axes (with the history of each),
term. One replay of the renewals' changes, used by every kind that needs the accord's state:
a renewal checks its changes against it, a convention implements it, a letter writes to its
representatives, the consolidated accord prints it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..rules.dates import Periode
from .accord import Accord, Axe
from .parties import Personne

if TYPE_CHECKING:
    from .avenant import Renouvellement


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
