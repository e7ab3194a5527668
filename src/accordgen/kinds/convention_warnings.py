"""What is odd but possible in a specific convention: shown by ``check``, never blocking."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..models.convention import ConventionSpecifique
from ..models.deliberation import deliberation_warnings
from ..rules.fr import liste

if TYPE_CHECKING:
    from ..dossier import Document

Problem = tuple[str, str]


def retroactivite_vue(cs: ConventionSpecifique) -> dict[str, Any] | None:
    """What the term article states of a retroactive effect (None when there is none)."""
    retro = cs.retroactivite()
    if not retro or cs.effet_retroactif is None:
        return None
    justification = cs.effet_retroactif.justification.rstrip(" .")
    return {"motifs": liste(d for _, d in retro), "justification": justification + "."}


def convention_warnings(cs: ConventionSpecifique, doc: Document) -> Iterator[Problem]:
    for cle, delib in cs.deliberations.items():
        yield from deliberation_warnings(f"deliberations.{cle}", delib)
    if cs.effet_retroactif is not None and not cs.retroactivite():
        yield ("effet_retroactif",
               "la convention ne prend pas effet avant sa signature ni avant que sa délibération "
               "soit exécutoire : le bloc « effet_retroactif » est sans objet et n'est pas imprimé")
