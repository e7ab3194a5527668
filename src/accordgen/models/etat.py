"""The accord as it stands on a given day, after the dossier's renewals signed by then.

Conventions implement the accord in this state (their axis, their term); the consolidated
accord prints it, with the history of each axis.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..dates import Periode
from .accord import Accord, Axe
from .avenant import Renouvellement, renouvellements
from .parties import Personne


@dataclass(frozen=True)
class Changement:
    """One change of an axis by a renewal: ``remplacer`` (with the elements replaced),
    ``ajouter`` or ``clore``."""

    action: str
    renouvellement: Renouvellement
    elements: tuple[str, ...] = ()


@dataclass
class EtatAccord:
    """The accord as it stands on a given day: its term, axes and representatives after the
    dossier's renewals signed by then."""

    terme: Periode | None
    axes: dict[int, Axe]
    representants: dict[str, Personne]
    renouvellements: list[Renouvellement] = field(default_factory=list)
    clos: dict[int, Renouvellement] = field(default_factory=dict)  # axis -> renewal that closed it
    historique: dict[int, list[Changement]] = field(default_factory=dict)  # axis -> its changes


def etat_accord(accord: Accord, dossier: Any, signature: dt.date | None,
                jusqu_a: int | None = None) -> EtatAccord:
    """The accord as it stands on ``signature``: the initial period extended by the dossier's valid
    renewals signed on or before that day (all of them when ``signature`` is ``None``; with
    ``jusqu_a``, those numbered up to it), with their
    representatives and axis changes applied. ``terme`` is ``None`` when the accord is not signed."""
    etat = EtatAccord(accord.periode, {a.numero: a for a in accord.axes},
                      {p.cle: p.representant for p in accord.parties})
    initiale = accord.periode
    if initiale is None:
        return etat
    for r in renouvellements(accord, dossier):
        if (signature is not None and r.signature > signature) or (jusqu_a is not None and r.numero > jusqu_a):
            continue
        etat.renouvellements.append(r)
        etat.terme = Periode(initiale.debut, r.periode.fin)
        etat.representants.update(r.avenant.representants)
        for m in r.avenant.modifications:
            actuel = etat.axes.get(m.axe)
            if m.action == "ajouter" and actuel is None and m.titre and m.contexte:
                etat.axes[m.axe] = Axe(
                    numero=m.axe, titre=m.titre, contexte=m.contexte, apports=m.apports or [],
                    sujets_introduction=m.sujets_introduction, sujets=m.sujets or [])
                etat.historique.setdefault(m.axe, []).append(Changement("ajouter", r))
            elif actuel is not None and m.axe not in etat.clos:
                if m.action == "clore":
                    etat.clos[m.axe] = r
                elif m.action == "remplacer":
                    etat.axes[m.axe] = actuel.model_copy(
                        update={k: getattr(m, k) for k in m.donnees()})
                etat.historique.setdefault(m.axe, []).append(
                    Changement(m.action, r, tuple(m.donnees())))
    return etat
