"""What is odd but possible in a specific convention: shown by ``check``, never blocking."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..models.convention import ConventionSpecifique
from ..models.deliberation import deliberation_warnings
from ..rules.fr import liste
from ..rules.overlap import reproduit

if TYPE_CHECKING:
    from ..dossier import Document

Problem = tuple[str, str]

INDICES_DONNEES = re.compile(
    r"\b(?:données?|fichiers?|inscriptions?|nominatives?|questionnaires?|enquêtes?"
    r"|applications? mobiles?|appli|smartphones?|téléphones?|comptes? utilisateurs?"
    r"|diffus\w*|retransmi\w*|en direct|streaming|enregistrements?"
    r"|photo\w*|vidéos?|images?|captations?"
    r"|mineurs?|enfants?|élèves?|collégiens?|lycéens?)\b",
    re.IGNORECASE,
)
"""Words of an action that suggest a processing of personal data (data, apps, broadcasts,
photos, minors): the convention then usually needs its GDPR article."""


def _texte_actions(cs: ConventionSpecifique) -> str:
    parts: list[str] = []
    for action in cs.actions:
        parts.append(action.intitule)
        for bloc in action.description:
            parts.extend(bloc if isinstance(bloc, list) else [bloc])
        parts.extend(action.livrables)
    return " ".join(parts).lower()


def indices_donnees(cs: ConventionSpecifique) -> list[str]:
    """The words matching :data:`INDICES_DONNEES` the actions contain, each once."""
    return list(dict.fromkeys(m.group(0) for m in INDICES_DONNEES.finditer(_texte_actions(cs))))


def retroactivite_vue(cs: ConventionSpecifique) -> dict[str, Any] | None:
    """What the term article states of a retroactive effect (None when there is none)."""
    retro = cs.retroactivite()
    if not retro or cs.effet_retroactif is None:
        return None
    justification = cs.effet_retroactif.justification.rstrip(" .")
    return {"motifs": liste(d for _, d in retro), "justification": justification + "."}


def _marche_warnings(cs: ConventionSpecifique, found: dict[str, Any]) -> Iterator[Problem]:
    """An action that reproduces the object of the public contract the price belongs to: the
    contract's services are paid under it, not carried out at each party's cost as an action of
    the convention (:func:`accordgen.rules.overlap.reproduit` says what « reproduces » means)."""
    choice = found.get("contrepartie")
    if cs.contrepartie_financiere is not None:
        objet, ou = cs.contrepartie_financiere.description, "contrepartie_financiere.description"
    elif choice is not None and isinstance(choice.values.get("prestations"), str):
        objet, ou = choice.values["prestations"], "clauses.contrepartie.prestations"
    else:
        return
    for i, action in enumerate(cs.actions):
        texte = " ".join([action.intitule, *(b if isinstance(b, str) else " ".join(b) for b in action.description),
                          *action.livrables])
        if reproduit(action.intitule, texte, objet):
            yield (f"actions[{i}]",
                   f"l'action « {action.intitule} » reprend l'objet du marché public ({ou} : « {objet} ») : "
                   "les prestations de ce marché sont rémunérées par lui et ne sont pas des actions de la "
                   "convention, menées aux frais de chaque Partie ; retirez-la des actions, ou décrivez ce "
                   "que la convention apporte en plus du marché")


def convention_warnings(cs: ConventionSpecifique, doc: Document) -> Iterator[Problem]:
    from .convention_clauses import DONNEES, chosen, donnees_article

    found = chosen(doc)
    if DONNEES in found and not donnees_article(found):
        mots = indices_donnees(cs)
        if mots:
            variante = found[DONNEES].variant
            yield (f"clauses.{DONNEES}" if DONNEES in cs.clauses else "donnees_personnelles",
                   "les actions mentionnent " + ", ".join(f"« {m} »" for m in mots[:5])
                   + " : si elles conduisent à traiter des données à caractère personnel (données "
                   "d'inscription, application, diffusion, images, mineurs…), choisissez la clause RGPD "
                   f"qui convient (thème « {DONNEES} » : sous-traitance, responsables-conjoints ou "
                   "responsable-unique, voir « accordgen clauses ») ; avec la variante "
                   f"« {variante.name} » ({variante.sidecar.titre}), la convention déclare qu'elle ne "
                   "donne lieu à aucun traitement de données à caractère personnel")
    yield from _marche_warnings(cs, found)
    for cle, delib in cs.deliberations.items():
        yield from deliberation_warnings(f"deliberations.{cle}", delib)
    if cs.effet_retroactif is not None and not cs.retroactivite():
        yield ("effet_retroactif",
               "la convention ne prend pas effet avant sa signature ni avant que sa délibération "
               "soit exécutoire : le bloc « effet_retroactif » est sans objet et n'est pas imprimé")
